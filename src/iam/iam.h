/* iam.h - what the rest of coffer asks of IAM (the Query API actions live in
 * src/iam/api_*.c and are reached through query.h). Everything here reads
 * the store through meta.h and is safe from any thread. */
#ifndef COFFER_IAM_H
#define COFFER_IAM_H

#include <stdbool.h>
#include <stdint.h>
#include "auth/authn.h"
#include "policy/policy.h"
#include "query/query.h"
#include "store/meta/meta.h"

/* The IAM and STS Query services (actions tables), wired by server.c. */
extern const struct query_action iam_actions[];
extern const size_t iam_nactions;
extern const struct query_action sts_actions[];
extern const size_t sts_nactions;

/* Identity policies that apply to a principal: for a user its inline
 * policies, its attached managed policies, and those of its groups; for an
 * assumed-role session, the role's inline and attached policies. Root has
 * none (it is allowed everything). Each pol_ref names its policy for
 * messages and the audit log: a managed policy by ARN, an inline one as
 * "arn:aws:iam::ACCT:user/NAME (inline policy POLICYNAME)". The parsed
 * documents are cached and shared; out->hold keeps them alive until
 * iam_policies_free. */
struct iam_policies {
	struct pol_ref *refs;
	size_t n;
	void *hold;
};
enum err iam_identity_policies(struct meta *m, const struct principal *who, struct iam_policies *out);
void iam_policies_free(struct iam_policies *p);
/* The tags of the principal a set from iam_identity_policies belongs to
 * (the user's; the role's for a session), for aws:PrincipalTag/<key>:
 * the value of key (matched without regard to case, as AWS matches tag
 * keys), or NULL. Loaded and cached with the policies: no extra read.
 * Borrowed from p until iam_policies_free. */
const char *iam_policies_tag(const struct iam_policies *p, const char *key);

/* A managed policy's default version, parsed: AWS-managed built-ins
 * (arn:aws:iam::aws:policy/AdministratorAccess, AmazonS3FullAccess,
 * AmazonS3ReadOnlyAccess, IAMFullAccess, IAMReadOnlyAccess,
 * IAMUserChangePassword) or the account's own. ERR_IAM_NO_SUCH_ENTITY when
 * unknown. Used for STS PolicyArns session policies. */
enum err iam_managed_policy(struct meta *m, const char *account, const char *arn,
			    struct iam_policies *out);

/* A role, for STS AssumeRole. */
struct iam_role {
	char account[META_ACCOUNT_LEN + 1];
	char name[META_NAME_MAX + 1];
	char path[513];
	char id[33];        /* AROA… */
	char arn[320];
	char *trust_policy; /* JSON, malloc'd */
	int max_session_s;  /* 3600..43200 */
};
enum err iam_role_get(struct meta *m, const char *account, const char *name, struct iam_role *out);
void iam_role_fini(struct iam_role *r);

/* An IAM user, for authentication (ARN and id of a key's owner). */
struct iam_user {
	char account[META_ACCOUNT_LEN + 1];
	char name[META_NAME_MAX + 1];
	char path[513];
	char id[33];        /* AIDA… (the account id for root) */
	char arn[320];
	bool is_root;
};
enum err iam_user_get(struct meta *m, const char *account, const char *name, struct iam_user *out);

/* Console passwords (src/iam/password.c). AWS's default password policy:
 * ERR_OK, or ERR_IAM_PASSWORD_POLICY / ERR_IAM_VALIDATION with AWS's
 * message in msg. The value is never quoted back. */
#define IAM_PASSWORD_MIN 8
#define IAM_PASSWORD_MAX 128
enum err iam_password_policy(const char *pw, char *msg, size_t cap);
/* An encoded argon2id hash ("$argon2id$v=19$m=…"), malloc'd. */
enum err iam_password_hash(const char *pw, char **out);
/* Constant-time check of pw against an encoded hash (false for NULL). */
bool iam_password_verify(const char *hash, const char *pw);

#endif
