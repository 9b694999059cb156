/* session.h - temporary credentials (STS). A session token is the session's
 * claims (key id, secret, who, until when, session policies) sealed with
 * AES-256-GCM under the master key and base64-encoded: the server keeps no
 * state for it, the client cannot read or alter it, and the secret exists
 * in plaintext only in the STS answer and in the client's hands. */
#ifndef COFFER_SESSION_H
#define COFFER_SESSION_H

#include <stdint.h>
#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"

#define SESSION_TOKEN_MAX 16384

enum session_kind {
	SESSION_USER = 'U', /* GetSessionToken: acts as the user (or root) itself */
	SESSION_ROLE = 'R', /* AssumeRole: acts as the role */
};

struct session_claims {
	char akid[21];          /* ASIA + 16 */
	char secret[41];
	char account[13];
	enum session_kind kind;
	char name[65];          /* user name, or role name */
	char id[33];            /* user id (AIDA…/account for root) or role id (AROA…) */
	char arn[320];          /* user ARN or role ARN */
	char session[65];       /* RoleSessionName */
	char source_identity[65];
	int64_t issued_ms, expires_ms;
	char *policy;           /* inline session policy JSON, malloc'd, or NULL */
	char *policy_arns;      /* newline-separated ARNs, malloc'd, or NULL */
};

/* Fills akid/secret with fresh random values in AWS's formats. */
enum err session_new_keys(struct session_claims *s);
/* Seals s into a token (base64, appended to out). */
enum err session_seal(const uint8_t master[MASTER_KEY_LEN], const struct session_claims *s,
		      struct buf *out);
/* Opens a token: ERR_INVALID_TOKEN when it is not one of ours or was altered.
 * Expiry is the caller's check. */
enum err session_open(const uint8_t master[MASTER_KEY_LEN], const char *token,
		      struct session_claims *out);
/* Frees the policies and wipes the secret. */
void session_claims_fini(struct session_claims *s);

#endif
