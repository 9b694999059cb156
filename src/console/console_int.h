/* console_int.h - private to src/console: the per-request state, the JSON
 * answers, and what the router, sign-in, events and assets share. */
#ifndef COFFER_CONSOLE_INT_H
#define COFFER_CONSOLE_INT_H

#include <jansson.h>
#include <stdbool.h>
#include "auth/authn.h"
#include "console/console.h"
#include "console/sessions.h"
#include "core/buf.h"

#define CON_MAX_JSON (16 * 1024) /* every JSON body the console takes */

/* What a request is, decided in start from its path. */
enum con_kind {
	CK_ASSET = 1,    /* embedded file (or index.html) */
	CK_SIGNIN, CK_SESSION, CK_SIGNOUT, CK_CHPW, CK_INFO, CK_EVENTS, CK_NOTFOUND,
	CK_IAM, CK_STS, CK_S3, /* handed to the Query / S3 code */
};

/* A console request. For the kinds handed to IAM/STS/S3, r->app belongs to
 * that service and r->preauth points at who, the way back to this struct. */
struct con_req {
	struct principal who;      /* first: r->preauth == &cr->who */
	enum con_kind kind;
	struct buf in;             /* JSON bodies, capped */
	bool signed_in;
	struct csession sess;      /* a copy of the caller's session */
	char cookie[SESS_COOKIE_LEN + 1];
	const struct con_asset *asset;
	bool handed_over;          /* r->app is the service's */
	int err_status;            /* a refusal of the console's own */
	const char *err_code, *err_msg; /* static strings */
};

extern struct console_cfg con_cfg;

/* Answers: a JSON body (status, no-store), or the contract's error form
 * {"error":{"code","message"}}. The json_t is consumed. */
void con_json(struct req *r, int status, json_t *j);
void con_error(struct req *r, int status, const char *code, const char *message);
/* "https" behind a TLS proxy that says so (X-Forwarded-Proto), else "http". */
const char *con_scheme(const struct req *r);
/* The session's JSON (principal, csrf, passwordResetRequired, expires). */
json_t *con_session_json(const struct csession *s);

/* The coffer_console cookie's value in a Cookie header value; false when
 * absent or not a session id's length. */
bool con_cookie_from_header(const char *value, char out[SESS_COOKIE_LEN + 1]);
/* A JSON body parsed (duplicate keys refused); NULL unless an object. */
json_t *con_json_object(const char *p, size_t n);
/* Why GET /api/events would refuse this query, NULL when it would not. */
const char *con_events_query_error(const char *q);

/* ---- sign-in (signin.c) ---- */
void con_signin_fini(void);
void con_signin(struct req *r, struct con_req *cr);
void con_signout(struct req *r, struct con_req *cr);
/* Root: done here; IAM users: through IAM's ChangePassword. */
enum err con_change_password(struct req *r, struct con_req *cr);

/* ---- events (events.c) ---- */
void con_events(struct req *r, struct con_req *cr);

/* ---- embedded files (embedded.c over the generated table) ---- */
struct con_asset {
	const char *name;           /* "index.html", "app.js" */
	const unsigned char *data;
	size_t len;
	const char *type;           /* Content-Type */
	const char *etag;           /* quoted */
};
extern const struct con_asset con_assets[];
extern const size_t con_nassets;
const struct con_asset *con_asset_find(const char *name);
void con_asset_answer(struct req *r, const struct con_asset *a);

#endif
