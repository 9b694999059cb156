/* authz.h - authorisation: gathers the policies that apply to a request
 * (the principal's identity policies from IAM, session policies of
 * temporary credentials, the bucket policy) and decides with the policy
 * engine; on refusal builds AWS's explanatory message and records the
 * deciding policy and statement for the audit log. */
#ifndef COFFER_AUTHZ_H
#define COFFER_AUTHZ_H

#include "auth/authn.h"
#include "policy/policy.h"

struct query_ctx;
struct s3_ctx;

/* IAM and STS actions: identity (and session) policies only. */
enum err authz_query(struct query_ctx *c, const char *action, const char *resource);

/* S3 actions: identity, session and the bucket's policy. who may be an
 * anonymous principal (PT_ANONYMOUS) when a bucket policy might allow it.
 * ERR_ACCESS_DENIED with AWS's message set on the request when refused. */
enum err authz_s3(struct s3_ctx *c, const char *action, const char *resource);
/* The same against another bucket's policy (the source of a copy). */
enum err authz_s3_bucket(struct s3_ctx *c, const char *bucket, const char *action,
			 const char *resource);

/* Any other action (the console's cloudtrail:LookupEvents): identity and
 * session policies of who, as for IAM. ERR_ACCESS_DENIED with AWS's
 * message set on r when refused. */
enum err authz_identity(struct meta *m, struct req *r, const struct principal *who,
			const char *action, const char *resource);

#endif
