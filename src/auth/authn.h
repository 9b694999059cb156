/* authn.h - who sent this request: SigV4 by Authorization header or by
 * presigned query, checked against the stored key, plus the body side of
 * SigV4 (payload SHA-256, aws-chunked signatures and trailers) as the body
 * streams through. Authorisation (may this principal do it) is elsewhere. */
#ifndef COFFER_AUTHN_H
#define COFFER_AUTHN_H

#include <stdbool.h>
#include <stdint.h>
#include <openssl/sha.h>
#include "auth/chunked.h"
#include "core/crypto.h"
#include "http/http.h"
#include "store/meta/meta.h"

#include "policy/policy.h"

/* Who sent a request, once authenticated. */
struct principal {
	char akid[META_AKID_MAX + 1];
	char account[META_ACCOUNT_LEN + 1];
	char user[META_NAME_MAX + 1];  /* IAM user name; role name for sessions */
	bool is_root;
	enum pol_principal_type type;  /* PT_ROOT, PT_USER or PT_ASSUMED_ROLE */
	char arn[320];                 /* arn:aws:iam::ACCT:root | :user/path/name |
					* arn:aws:sts::ACCT:assumed-role/ROLE/SESSION */
	char userid[160];              /* AIDA… for users, AROA…:SESSION for sessions, ACCT for root */
	/* temporary credentials (x-amz-security-token) */
	bool temporary;
	int64_t expires_ms;
	char role_arn[320];            /* assumed-role sessions */
	char session[65];              /* RoleSessionName */
	char *session_policy;          /* inline session policy JSON, owned, or NULL */
	char *session_policy_arns;     /* newline-separated managed policy ARNs, owned, or NULL */
};

enum payload_mode {
	PAY_SHA256,           /* hex SHA-256 of the body was signed */
	PAY_UNSIGNED,         /* UNSIGNED-PAYLOAD */
	PAY_CHUNKED_SIGNED,   /* STREAMING-AWS4-HMAC-SHA256-PAYLOAD */
	PAY_UNSIGNED_TRAILER, /* STREAMING-UNSIGNED-PAYLOAD-TRAILER */
	PAY_SIGNED_TRAILER,   /* STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER */
	PAY_DEFERRED,         /* no x-amz-content-sha256 sent (IAM/STS clients):
			       * the body's hash is part of the signature, which is
			       * checked once the body has been read */
};

struct authn_cfg {
	struct meta *meta;
	const uint8_t *master; /* MASTER_KEY_LEN bytes */
	const char *region;
};

struct authn {
	struct principal who;
	enum payload_mode mode;
	uint8_t want_sha[SHA256_LEN];
	SHA256_CTX sha;
	struct awschunk *chunk;    /* aws-chunked modes only */
	bool has_decoded_len;
	uint64_t decoded_len;      /* x-amz-decoded-content-length */
	uint64_t decoded;          /* payload bytes passed on */
	char trailer[64];          /* x-amz-trailer, lower-case, "" if none */
	bool finished;
	/* PAY_DEFERRED: what the late signature check needs */
	struct req *r;
	struct sigv4_cred cred;
	char amz[17];
	uint8_t key[32];
};

typedef enum err (*authn_sink)(void *ctx, const char *p, size_t n);

/* Authenticates r for service ("s3", "iam", "sts"). On success fills a
 * and records r->akid for the log. Anonymous requests: ERR_ANONYMOUS_DENIED. */
enum err authn_request(const struct authn_cfg *cfg, struct req *r, const char *service,
		       struct authn *a);
/* Passes body bytes through the payload checks; decoded bytes go to sink. */
enum err authn_body(struct authn *a, const char *p, size_t n, authn_sink sink, void *ctx);
/* End of body: payload hash compared, chunk framing complete, decoded length. */
enum err authn_finish(struct authn *a);
/* Trailer value after finish (e.g. "x-amz-checksum-crc32"), or NULL. */
const char *authn_trailer(const struct authn *a, const char *lname);
void authn_fini(struct authn *a);

#endif
