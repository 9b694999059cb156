/* policy.h - AWS's IAM policy language: parsing (JSON → statements) and
 * evaluation (explicit deny > allow > implicit deny), pure: no I/O, no
 * store, no clock (the caller passes aws:CurrentTime as a context key).
 * Used for identity, session, resource (bucket) and trust policies. */
#ifndef COFFER_POLICY_H
#define COFFER_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include "core/buf.h"
#include "core/err.h"

enum pol_kind {
	POL_IDENTITY, /* user/group/role/managed/session policies: no Principal allowed */
	POL_RESOURCE, /* bucket policies: Principal or NotPrincipal required */
	POL_TRUST,    /* role trust policies: Principal required, actions sts:* */
};

struct pol;

/* Parses and validates a policy document. On failure returns
 * ERR_IAM_MALFORMED_POLICY (identity/trust) or ERR_S3_MALFORMED_POLICY
 * (resource) and writes AWS-style text to msg (e.g. "Syntax errors in
 * policy.", "Policy document should not specify a principal.",
 * "Missing required field Effect", "Invalid Version"...).
 * Limits: 6144 bytes for identity, 20480 for resource and trust documents
 * (callers enforce the per-kind AWS size limits; the parser caps at 128 KiB). */
enum err pol_parse(const char *json, size_t n, enum pol_kind kind, struct pol **out,
		   struct buf *msg);
void pol_free(struct pol *p);
/* Number of statements, and the Sid of statement i ("" when none). */
size_t pol_statements(const struct pol *p);
const char *pol_sid(const struct pol *p, size_t i);

enum pol_principal_type {
	PT_ANONYMOUS,
	PT_ROOT,         /* the account's root user */
	PT_USER,         /* arn:aws:iam::ACCT:user/path/name */
	PT_ASSUMED_ROLE, /* arn:aws:sts::ACCT:assumed-role/ROLE/SESSION */
};

/* Who is asking, for Principal matching and the aws:* variables. */
struct pol_principal {
	enum pol_principal_type type;
	const char *account;  /* 12 digits; NULL for anonymous */
	const char *arn;      /* principal ARN (assumed-role ARN for sessions) */
	const char *role_arn; /* assumed-role only: arn:aws:iam::ACCT:role/path/name */
	const char *userid;   /* aws:userid (AIDA…, or AROA…:session) */
	const char *username; /* aws:username (IAM users only) */
};

/* The request being decided. Condition keys and policy variables other
 * than the principal's are looked up through ctx_values: it returns the
 * number of values of key (case-insensitive for aws:/s3: keys, as AWS),
 * up to max, filling vals; 0 when the key is absent. Keys callers fill:
 * aws:SourceIp, aws:SecureTransport ("true"/"false"), aws:CurrentTime
 * (ISO 8601), aws:EpochTime, aws:PrincipalTag/<k>, aws:PrincipalArn,
 * aws:PrincipalAccount, aws:PrincipalType, aws:username, aws:userid,
 * s3:prefix, s3:delimiter, s3:max-keys, s3:x-amz-acl, ... */
struct pol_request {
	const char *action;   /* "s3:GetObject", "iam:CreateUser", "sts:AssumeRole" */
	const char *resource; /* "arn:aws:s3:::bucket/key", "*" for actions without one */
	const struct pol_principal *who;
	size_t (*ctx_values)(void *cb, const char *key, const char **vals, size_t max);
	void *cb;
};

enum pol_effect { POL_NONE = 0, POL_ALLOW, POL_DENY };

/* The statement that decided (for messages, the audit log and the simulator). */
struct pol_hit {
	enum pol_effect effect;
	int stmt;          /* index into the policy's statements, -1 when none */
	const char *sid;   /* borrowed from the policy; "" when the statement has none */
};

/* One policy: DENY when a matching statement denies, else ALLOW when one
 * allows, else NONE. A statement matches when its Action/NotAction,
 * Resource/NotResource, Principal/NotPrincipal (resource and trust kinds)
 * and every Condition hold. */
enum pol_effect pol_eval(const struct pol *p, const struct pol_request *rq, struct pol_hit *hit);

/* A named policy in a set (name: an ARN, or "user/NAME inline POLICY" ...). */
struct pol_ref {
	const struct pol *pol;
	const char *name;
};

enum pol_source { SRC_NONE, SRC_IDENTITY, SRC_SESSION, SRC_RESOURCE, SRC_ROOT };

struct pol_decision {
	bool allowed;
	bool explicit_deny;
	enum pol_source source;   /* where the deciding statement is */
	const char *policy;       /* deciding policy's name (NULL for implicit deny / root) */
	int stmt;
	const char *sid;
};

/* AWS's evaluation within one account:
 *  1. an explicit Deny in any identity, session or resource policy denies;
 *  2. the root user (who->type == PT_ROOT) is allowed (identity side);
 *  3. otherwise allowed if a resource policy allows this principal, or an
 *     identity policy allows and — when has_session — a session policy
 *     allows too (session policies only ever narrow identity permissions);
 *  4. otherwise an implicit deny.
 * Anonymous principals have no identity policies: only a resource policy
 * can allow them. */
void pol_authorize(const struct pol_ref *identity, size_t ni, bool has_session,
		   const struct pol_ref *session, size_t ns, const struct pol_ref *resource,
		   size_t nr, const struct pol_request *rq, struct pol_decision *out);
/* Step 3 in detail, as AWS words it (Principal; Session policies): a
 * resource-policy Allow that names the user, the session ARN or "*" grants
 * outright; one that names the role grants its sessions only where a
 * session policy (when has_session) allows too; one that names the account
 * ("123456789012" or :root) delegates to identity policies and grants
 * nothing by itself. On an implicit deny, out->source is SRC_SESSION when
 * session policies are what was missing, else SRC_NONE. */

/* Matching helpers, exported for the simulator and tests. */
/* Case-insensitive glob with '*' and '?' (actions). */
bool pol_match_action(const char *pattern, const char *action);
/* ARN glob: '*' and '?' within and across segments, case-sensitive (resources). */
bool pol_match_arn(const char *pattern, const char *arn);

#endif
