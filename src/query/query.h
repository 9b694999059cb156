/* query.h - the AWS Query protocol shared by IAM and STS: form-encoded
 * parameters (POST body or query string), Action/Version dispatch over a
 * table, SigV4 for the service, XML answers in AWS's envelope
 * (<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…) and
 * errors as <ErrorResponse><Error><Type/><Code/><Message/></Error>. */
#ifndef COFFER_QUERY_H
#define COFFER_QUERY_H

#include <stdbool.h>
#include <stdint.h>
#include "auth/authn.h"
#include "core/buf.h"
#include "http/http.h"
#include "store/meta/meta.h"

#define QUERY_MAX_ARGS 256
#define QUERY_MAX_BODY (1u << 20)

struct query_ctx;

struct query_action {
	const char *name;               /* "CreateUser" */
	enum err (*fn)(struct query_ctx *c);
};

/* Shared state every IAM/STS action may use. */
struct query_env {
	struct meta *meta;
	const uint8_t *master;          /* MASTER_KEY_LEN bytes: seals secrets */
	struct authn_cfg *auth;
	const char *region;
	const char *data_dir;
};

struct query_service {
	const char *name;               /* "iam" | "sts": the SigV4 service */
	const char *version;            /* "2010-05-08" | "2011-06-15" */
	const char *xmlns;              /* "https://iam.amazonaws.com/doc/2010-05-08/" */
	const struct query_action *actions;
	size_t nactions;
	struct query_env *env;
};

struct query_arg {
	char *k, *v;                    /* decoded */
};

struct query_ctx {
	struct req *r;
	const struct query_service *svc;
	struct query_env *env;
	struct authn auth;
	const struct principal *who;    /* &auth.who once authenticated */
	struct buf form;                /* raw form body, capped */
	struct query_arg args[QUERY_MAX_ARGS];
	size_t nargs;
	const struct query_action *action;
	struct buf out;                 /* the <ActionResult> contents, written by fn */
	char audit_target[512];         /* what the action acted on (for the audit log) */
};

/* Adds the pairs of a form-encoded string ("a=1&b=2", '+' is a space) to
 * c->args, decoded; ERR_IAM_MALFORMED_QUERY for a bad escape or more than
 * QUERY_MAX_ARGS pairs. Pure: exposed for the fuzzer. */
enum err query_parse_form(struct query_ctx *c, const char *s, size_t n);
/* A parameter's decoded value, or NULL when absent. */
const char *query_arg(const struct query_ctx *c, const char *name);
/* A required parameter: NULL and c's error detail set when absent or empty
 * (the caller returns ERR_IAM_VALIDATION). */
const char *query_req(struct query_ctx *c, const char *name);
/* List parameters "prefix.1", "prefix.2", ... (e.g. "PolicyArns.member") in
 * index order; returns how many, up to max. */
size_t query_list(const struct query_ctx *c, const char *prefix, const char **out, size_t max);
/* Integer parameter with bounds; ERR_IAM_VALIDATION (with AWS's message) when
 * malformed or out of range; *v = dflt when absent. */
enum err query_int(struct query_ctx *c, const char *name, long lo, long hi, long dflt, long *v);
/* Error text for this request ("User with name x already exists."...). */
void query_error_msg(struct query_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Authorises the caller for action on resource with the identity policies
 * of the principal (and session policies); on refusal sets AWS's message
 * ("User: ARN is not authorized to perform: ACTION on resource: RES ...")
 * and returns ERR_IAM_ACCESS_DENIED. Every action calls it before acting. */
enum err query_authorize(struct query_ctx *c, const char *action, const char *resource);

/* XML output helpers into c->out (escaped). */
void query_elem(struct query_ctx *c, const char *name, const char *text);
void query_elem_u64(struct query_ctx *c, const char *name, uint64_t v);
void query_elem_bool(struct query_ctx *c, const char *name, bool v);
void query_elem_time(struct query_ctx *c, const char *name, int64_t ms); /* ISO 8601 "2026-11-26T06:47:19Z" */
void query_open(struct query_ctx *c, const char *name);   /* <name> */
void query_close(struct query_ctx *c, const char *name);  /* </name> */

/* The http_app side, used by route.c. start: authenticate for svc; body:
 * collect the form; finish: parse, dispatch, envelope. */
enum err query_start(const struct query_service *svc, struct req *r);
enum err query_body(struct req *r, const char *p, size_t n);
enum err query_finish(struct req *r);
void query_cleanup(struct req *r);
void query_error(struct req *r, enum err e);

#endif
