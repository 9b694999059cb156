/* authn.c - authenticate a request: parse its SigV4 form, check the clock,
 * the scope and the key, recompute the signature and compare in constant
 * time; then keep checking the payload as it streams in. */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_CTX: no heap context per request */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "auth/authn.h"
#include "auth/keycache.h"
#include "auth/secrets.h"
#include "auth/session.h"
#include "auth/sigv4.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "store/meta/iamdb.h"

#define SKEW_MAX_S (15 * 60)

#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static const char *
payload_header(const struct req *r)
{
	return req_header(r, "x-amz-content-sha256");
}

static bool
has_body(const struct req *r)
{
	const char *cl = req_header(r, "Content-Length");

	return (cl && strcmp(cl, "0") != 0) || req_header(r, "Transfer-Encoding");
}

static enum err
parse_payload_mode(const char *v, struct authn *a)
{
	if (!v)
		return ERR_INVALID_CONTENT_SHA256;
	if (strcmp(v, "UNSIGNED-PAYLOAD") == 0)
		a->mode = PAY_UNSIGNED;
	else if (strcmp(v, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") == 0)
		a->mode = PAY_CHUNKED_SIGNED;
	else if (strcmp(v, "STREAMING-UNSIGNED-PAYLOAD-TRAILER") == 0)
		a->mode = PAY_UNSIGNED_TRAILER;
	else if (strcmp(v, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") == 0)
		a->mode = PAY_SIGNED_TRAILER;
	else if (strlen(v) == 64 && hex_decode(v, 64, a->want_sha, SHA256_LEN))
		a->mode = PAY_SHA256;
	else
		return ERR_INVALID_CONTENT_SHA256;
	return ERR_OK;
}

/* The request time: X-Amz-Date, else Date (RFC 1123). */
static enum err
request_time(const struct req *r, const struct sigv4_cred *c, char amz[17], time_t *t)
{
	const char *v;

	if (c->presigned) {
		memcpy(amz, c->amz_date, 17);
		return parse_amz_date(amz, t) ? ERR_OK : ERR_AUTH_QUERY_MALFORMED;
	}
	if ((v = req_header(r, "x-amz-date"))) {
		if (!parse_amz_date(v, t))
			return ERR_ACCESS_DENIED;
		memcpy(amz, v, 16);
		amz[16] = '\0';
		return ERR_OK;
	}
	if ((v = req_header(r, "Date")) && parse_http_date(v, t)) {
		fmt_amz_date((int64_t)*t * 1000, amz);
		return ERR_OK;
	}
	return ERR_ACCESS_DENIED;
}

static bool
signed_has(struct slice list, const char *name)
{
	size_t n = strlen(name), i = 0;

	while (i < list.len) {
		size_t j = i;
		while (j < list.len && list.p[j] != ';')
			j++;
		if (j - i == n && strncasecmp(list.p + i, name, n) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

/* Recomputes the signature with normalize on, then (for clients that signed
 * the path exactly as sent) off; true when either matches. */
/* What AWS tells a client whose signature did not match, so it can see
 * where its canonical form differs. Nothing here is secret. */
static void
mismatch_detail(struct req *r, const struct sigv4_cred *c, const char *canon, const char *sts)
{
	char akid[META_AKID_MAX + 1], sig[65];

	snprintf(akid, sizeof akid, "%.*s", (int)c->akid.len, c->akid.p);
	hex_encode(c->signature, 32, sig);
	req_error_detail(r, NULL, "AWSAccessKeyId", akid);
	req_error_detail(r, NULL, "StringToSign", sts);
	req_error_detail(r, NULL, "SignatureProvided", sig);
	req_error_detail(r, NULL, "CanonicalRequest", canon);
}

static enum err
check_signature(struct req *r, const struct sigv4_cred *c, const char *amz,
		const char *payload, const uint8_t key[32])
{
	struct sigv4_input in = {r->method, r->path, r->query, r->hdrs, r->nhdrs, payload};
	struct buf canon, sts;
	uint8_t sig[32];
	enum err e = ERR_SIGNATURE_MISMATCH;
	int pass;

	buf_init(&canon, 0);
	buf_init(&sts, 0);
	/* Room for a typical request up front instead of doubling from 64. */
	if (buf_reserve(&canon, 2048) || buf_reserve(&sts, 256)) {
		e = ERR_NOMEM;
		goto out;
	}
	for (pass = 0; pass < 2; pass++) {
		enum err ce;
		buf_reset(&canon);
		buf_reset(&sts);
		if ((ce = sigv4_canonical_request(&in, c, pass == 0, &canon))) {
			e = ce;
			break;
		}
		if ((ce = sigv4_string_to_sign(amz, c, canon.p, canon.len, &sts))) {
			e = ce;
			break;
		}
		sigv4_sign(key, sts.p, sts.len, sig);
		if (!c->signature_bad && crypto_ct_eq(sig, c->signature, 32)) {
			e = ERR_OK;
			break;
		}
	}
	/* Explain with the normalised form, and only when neither matched (a
	 * later error of a verified request must not carry these details). */
	if (e == ERR_SIGNATURE_MISMATCH) {
		buf_reset(&canon);
		buf_reset(&sts);
		if (!sigv4_canonical_request(&in, c, true, &canon) &&
		    !sigv4_string_to_sign(amz, c, canon.p, canon.len, &sts))
			mismatch_detail(r, c, canon.p, sts.p);
	}
out:
	buf_fini(&canon);
	buf_fini(&sts);
	return e;
}

/* The session token sent with the request (header, or presigned query). */
static const char *
token_of(const struct req *r, const struct sigv4_cred *c)
{
	const char *t = req_header(r, "x-amz-security-token");

	if (t)
		return t;
	if (c->presigned && c->security_token.len)
		return "";
	return NULL;
}

/* S3 refuses a request carrying an x-amz-* header that its signature does
 * not cover (anyone on the way could have added it); the answer names them. */
static enum err
unsigned_amz_headers(struct req *r, const struct sigv4_cred *c)
{
	char names[512];
	size_t i, len = 0;

	names[0] = '\0';
	for (i = 0; i < r->nhdrs; i++) {
		const char *n = r->hdrs[i].name;
		int w;

		if (strncasecmp(n, "x-amz-", 6) != 0 || signed_has(c->signed_headers, n))
			continue;
		w = snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "", n);
		if (w < 0 || (size_t)w >= sizeof names - len) {
			names[len] = '\0'; /* the list is only a hint; the refusal stands */
			break;
		}
		for (; names[len]; len++)
			if (names[len] >= 'A' && names[len] <= 'Z')
				names[len] = (char)(names[len] - 'A' + 'a');
	}
	if (i == r->nhdrs && len == 0)
		return ERR_OK;
	req_error_detail(r, "There were headers present in the request which were not signed",
			 "HeadersNotSigned", names);
	return ERR_ACCESS_DENIED;
}

/* IAM and STS answer a skewed clock as an expired or not-yet-current
 * signature, naming the times (S3 says RequestTimeTooSkewed instead). */
static enum err
query_skew(struct req *r, const char *amz, time_t t, time_t now)
{
	char msg[160], bound[17], nowf[17];

	fmt_amz_date((int64_t)now * 1000, nowf);
	if (t < now) {
		fmt_amz_date((int64_t)(now - SKEW_MAX_S) * 1000, bound);
		snprintf(msg, sizeof msg, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
			 amz, bound, nowf);
	} else {
		fmt_amz_date((int64_t)(now + SKEW_MAX_S) * 1000, bound);
		snprintf(msg, sizeof msg,
			 "Signature not yet current: %s is still later than %s (%s + 15 min.)", amz,
			 bound, nowf);
	}
	req_error_detail(r, msg, NULL, NULL);
	return ERR_SIGNATURE_MISMATCH;
}

/* A principal from a long-term access key. */
static void
key_principal(const struct meta_key *k, struct principal *p)
{
	snprintf(p->akid, sizeof p->akid, "%s", k->akid);
	snprintf(p->account, sizeof p->account, "%s", k->account);
	snprintf(p->user, sizeof p->user, "%s", k->user);
	p->is_root = k->is_root;
	p->type = k->is_root ? PT_ROOT : PT_USER;
	if (k->is_root || !k->user_arn[0])
		snprintf(p->arn, sizeof p->arn, "arn:aws:iam::%s:%s%s", k->account,
			 k->is_root ? "root" : "user/", k->is_root ? "" : k->user);
	else
		snprintf(p->arn, sizeof p->arn, "%s", k->user_arn);
	snprintf(p->userid, sizeof p->userid, "%s", k->is_root ? k->account : k->user_id);
}

/* A principal from temporary credentials: the token is opened (never
 * stored), must belong to this key id and must not have expired. */
static enum err
session_principal(const struct authn_cfg *cfg, struct req *r, const struct sigv4_cred *c,
		  const char *akid, struct principal *p, char secret[SECRET_MAX + 1])
{
	const char *t = req_header(r, "x-amz-security-token");
	struct session_claims s;
	struct buf dec;
	enum err e;

	buf_init(&dec, SESSION_TOKEN_MAX);
	if (!t && c->presigned && c->security_token.len) {
		if (uri_decode(&dec, c->security_token.p, c->security_token.len) || !dec.p) {
			buf_fini(&dec);
			return ERR_INVALID_TOKEN;
		}
		t = dec.p;
	}
	if (!t) {
		buf_fini(&dec);
		req_error_detail(r, NULL, "AWSAccessKeyId", akid);
		return ERR_INVALID_ACCESS_KEY;
	}
	e = session_open(cfg->master, t, &s);
	buf_fini(&dec);
	if (e)
		return e == ERR_NOMEM ? e : ERR_INVALID_TOKEN;
	if (strcmp(s.akid, akid) != 0) {
		session_claims_fini(&s);
		return ERR_INVALID_TOKEN;
	}
	if (now_ms() >= s.expires_ms) {
		session_claims_fini(&s);
		return ERR_EXPIRED_TOKEN;
	}
	snprintf(p->akid, sizeof p->akid, "%s", s.akid);
	snprintf(p->account, sizeof p->account, "%s", s.account);
	snprintf(p->user, sizeof p->user, "%s", s.name);
	p->temporary = true;
	p->expires_ms = s.expires_ms;
	if (s.kind == SESSION_ROLE) {
		p->type = PT_ASSUMED_ROLE;
		snprintf(p->role_arn, sizeof p->role_arn, "%s", s.arn);
		snprintf(p->session, sizeof p->session, "%s", s.session);
		snprintf(p->arn, sizeof p->arn, "arn:aws:sts::%s:assumed-role/%s/%s", s.account,
			 s.name, s.session);
		snprintf(p->userid, sizeof p->userid, "%s:%s", s.id, s.session);
	} else {
		p->is_root = strcmp(s.id, s.account) == 0;
		p->type = p->is_root ? PT_ROOT : PT_USER;
		snprintf(p->arn, sizeof p->arn, "%s", s.arn);
		snprintf(p->userid, sizeof p->userid, "%s", s.id);
	}
	p->session_policy = s.policy;
	p->session_policy_arns = s.policy_arns;
	s.policy = s.policy_arns = NULL;
	memcpy(secret, s.secret, sizeof s.secret);
	session_claims_fini(&s);
	return ERR_OK;
}

enum err
authn_request(const struct authn_cfg *cfg, struct req *r, const char *service, struct authn *a)
{
	const char *authz = req_header(r, "Authorization");
	struct sigv4_cred c;
	struct meta_key k;
	char amz[17], akid[META_AKID_MAX + 1], secret[SECRET_MAX + 1], scope[160];
	uint8_t key[32];
	const char *payload;
	struct keycache_id kid;
	int64_t tnow = now_ms();
	time_t t, now = (time_t)(tnow / 1000);
	uint64_t gen = 0;
	bool cacheable = false, cached = false, touch = true;
	enum err e;

	memset(a, 0, sizeof *a);
	memset(&c, 0, sizeof c);
	if (r->preauth) {
		/* A console session: the console checked the cookie and the
		 * CSRF token; nothing here is signed, so the body just flows. */
		a->who = *r->preauth;
		a->who.session_policy = a->who.session_policy_arns = NULL;
		a->mode = PAY_UNSIGNED;
		snprintf(r->akid, sizeof r->akid, "%s", a->who.akid);
		return ERR_OK;
	}
	if (authz) {
		if ((e = sigv4_parse_authorization(authz, &c)))
			return e;
	} else if (sigv4_query_is_presigned(r->query)) {
		if ((e = sigv4_parse_presigned(r->query, &c)))
			return e;
	} else {
		return ERR_ANONYMOUS_DENIED;
	}
	if (c.akid.len == 0 || c.akid.len > META_AKID_MAX)
		return ERR_INVALID_ACCESS_KEY;
	memcpy(akid, c.akid.p, c.akid.len);
	akid[c.akid.len] = '\0';
	snprintf(r->akid, sizeof r->akid, "%s", akid);

	if ((e = request_time(r, &c, amz, &t)))
		return e;
	if (c.presigned) {
		if (now < t - SKEW_MAX_S)
			return ERR_PRESIGN_NOT_YET_VALID;
		if (now > t + c.expires)
			return ERR_EXPIRED_PRESIGN;
	} else if (t < now - SKEW_MAX_S || t > now + SKEW_MAX_S) {
		return strcmp(service, "s3") == 0 ? ERR_TIME_SKEWED : query_skew(r, amz, t, now);
	}
	if (strncmp(c.date, amz, 8) != 0)
		return c.presigned ? ERR_AUTH_QUERY_MALFORMED : ERR_AUTH_HEADER_MALFORMED;
	if (!slice_eq(c.service, service))
		return c.presigned ? ERR_AUTH_QUERY_MALFORMED : ERR_AUTH_HEADER_MALFORMED;
	/* S3 is regional; IAM and STS are global and take any region. */
	if (strcmp(service, "s3") == 0 && !slice_eq(c.region, cfg->region)) {
		char msg[200];
		snprintf(msg, sizeof msg, "%s the region '%.*s' is wrong; expecting '%s'",
			 c.presigned ? "Error parsing the X-Amz-Credential parameter;"
				     : "The authorization header is malformed;",
			 (int)(c.region.len > 64 ? 64 : c.region.len), c.region.p, cfg->region);
		req_error_detail(r, msg, "Region", cfg->region);
		return c.presigned ? ERR_AUTH_QUERY_MALFORMED : ERR_AUTH_HEADER_MALFORMED;
	}
	if (!signed_has(c.signed_headers, "host"))
		return c.presigned ? ERR_AUTH_QUERY_MALFORMED : ERR_AUTH_HEADER_MALFORMED;
	if (strcmp(service, "s3") == 0 && (e = unsigned_amz_headers(r, &c)))
		return e;

	payload = payload_header(r);
	if (c.presigned && !payload)
		payload = "UNSIGNED-PAYLOAD";
	if (payload) {
		if ((e = parse_payload_mode(payload, a)))
			return e;
	} else if (strcmp(service, "s3") == 0) {
		/* S3 requires the header on every header-signed request (AWS does). */
		return ERR_MISSING_CONTENT_SHA256;
	} else if (!has_body(r)) {
		payload = EMPTY_SHA256;
		parse_payload_mode(payload, a);
	} else {
		a->mode = PAY_DEFERRED;
	}

	kid = (struct keycache_id){akid, c.date, c.region, c.service};
	if (strncmp(akid, "ASIA", 4) == 0 || token_of(r, &c)) {
		if ((e = session_principal(cfg, r, &c, akid, &a->who, secret)))
			return e;
		sigv4_signing_key(secret, strlen(secret), c.date, c.region, c.service, key);
	} else if ((cacheable = iamdb_generation_cached(cfg->meta, &gen) == ERR_OK) &&
		   keycache_get(&kid, gen, tnow, &a->who, key, &touch)) {
		cached = true;
	} else {
		if ((e = meta_key_get(cfg->meta, akid, &k)) || !k.active) {
			if (e && e != ERR_INVALID_ACCESS_KEY)
				return ERR_INTERNAL;
			req_error_detail(r, NULL, "AWSAccessKeyId", akid);
			return ERR_INVALID_ACCESS_KEY;
		}
		if ((e = secrets_open(cfg->master, k.akid, k.sealed, k.sealed_len, secret))) {
			log_error("cannot unseal the secret of key %s", k.akid);
			return ERR_INTERNAL;
		}
		key_principal(&k, &a->who);
		sigv4_signing_key(secret, strlen(secret), c.date, c.region, c.service, key);
	}
	crypto_wipe(secret, sizeof secret);

	if (a->mode == PAY_DEFERRED) {
		a->r = r;
		a->cred = c;
		memcpy(a->amz, amz, sizeof a->amz);
		memcpy(a->key, key, sizeof a->key);
		SHA256_Init(&a->sha);
	} else if ((e = check_signature(r, &c, amz, payload, key))) {
		goto out;
	}

	if (a->mode == PAY_SHA256)
		SHA256_Init(&a->sha);
	if (a->mode >= PAY_CHUNKED_SIGNED) {
		const char *dl = req_header(r, "x-amz-decoded-content-length");
		const char *tr = req_header(r, "x-amz-trailer");
		char seed[65], *end;
		enum awschunk_mode m = a->mode == PAY_CHUNKED_SIGNED ? AWSCHUNK_SIGNED
				     : a->mode == PAY_UNSIGNED_TRAILER ? AWSCHUNK_UNSIGNED_TRAILER
								       : AWSCHUNK_SIGNED_TRAILER;
		if (dl) {
			a->decoded_len = strtoull(dl, &end, 10);
			if (*dl < '0' || *dl > '9' || *end) {
				e = ERR_INVALID_ARGUMENT;
				goto out;
			}
			a->has_decoded_len = true;
		} else if (a->mode == PAY_CHUNKED_SIGNED) {
			e = ERR_MISSING_CONTENT_LENGTH;
			goto out;
		}
		if (tr) {
			size_t i;
			snprintf(a->trailer, sizeof a->trailer, "%s", tr);
			for (i = 0; a->trailer[i]; i++)
				if (a->trailer[i] >= 'A' && a->trailer[i] <= 'Z')
					a->trailer[i] = (char)(a->trailer[i] - 'A' + 'a');
		}
		if (!(a->chunk = malloc(sizeof *a->chunk))) {
			e = ERR_NOMEM;
			goto out;
		}
		hex_encode(c.signature, 32, seed);
		sigv4_scope(&c, scope, sizeof scope);
		awschunk_init(a->chunk, m, key, seed, amz, scope);
	}
	/* Only a key whose signature verified is remembered, so that the
	 * cache cannot be filled by requests that prove nothing. */
	if (!a->who.temporary && !cached && cacheable && a->mode != PAY_DEFERRED)
		keycache_put(&kid, gen, tnow, &a->who, key);
	/* Refresh last-used; failure here must not fail the request. */
	if (!a->who.temporary && touch) {
		meta_key_touch(cfg->meta, a->who.akid, tnow, service, cfg->region);
		if (cached)
			keycache_touched(&kid, tnow);
	}
out:
	crypto_wipe(key, sizeof key);
	crypto_wipe(&k, sizeof k);
	return e;
}

struct counted_sink {
	struct authn *a;
	authn_sink sink;
	void *ctx;
};

static enum err
count_and_pass(void *ctx, const char *p, size_t n)
{
	struct counted_sink *cs = ctx;

	cs->a->decoded += n;
	if (cs->a->has_decoded_len && cs->a->decoded > cs->a->decoded_len)
		return ERR_INCOMPLETE_BODY;
	return cs->sink(cs->ctx, p, n);
}

enum err
authn_body(struct authn *a, const char *p, size_t n, authn_sink sink, void *ctx)
{
	struct counted_sink cs = {a, sink, ctx};

	switch (a->mode) {
	case PAY_SHA256:
	case PAY_DEFERRED:
		SHA256_Update(&a->sha, p, n);
		/* fallthrough */
	case PAY_UNSIGNED:
		a->decoded += n;
		return sink(ctx, p, n);
	default:
		return awschunk_feed(a->chunk, p, n, count_and_pass, &cs);
	}
}

enum err
authn_finish(struct authn *a)
{
	uint8_t got[SHA256_LEN];
	enum err e;

	if (a->finished)
		return ERR_OK;
	a->finished = true;
	switch (a->mode) {
	case PAY_SHA256:
		SHA256_Final(got, &a->sha);
		return crypto_ct_eq(got, a->want_sha, SHA256_LEN) ? ERR_OK : ERR_SHA256_MISMATCH;
	case PAY_UNSIGNED:
		return ERR_OK;
	case PAY_DEFERRED: {
		char hex[2 * SHA256_LEN + 1];
		SHA256_Final(got, &a->sha);
		hex_encode(got, SHA256_LEN, hex);
		e = check_signature(a->r, &a->cred, a->amz, hex, a->key);
		crypto_wipe(a->key, sizeof a->key);
		return e;
	}
	default:
		if ((e = awschunk_finish(a->chunk)))
			return e;
		if (a->has_decoded_len && a->decoded != a->decoded_len)
			return ERR_INCOMPLETE_BODY;
		if (a->trailer[0] && !awschunk_trailer(a->chunk, a->trailer))
			return ERR_INCOMPLETE_BODY;
		return ERR_OK;
	}
}

const char *
authn_trailer(const struct authn *a, const char *lname)
{
	if (!a->chunk || !a->finished)
		return NULL;
	return awschunk_trailer(a->chunk, lname);
}

void
authn_fini(struct authn *a)
{
	crypto_wipe(a->key, sizeof a->key);
	free(a->who.session_policy);
	free(a->who.session_policy_arns);
	a->who.session_policy = a->who.session_policy_arns = NULL;
	if (a->chunk) {
		crypto_wipe(a->chunk->key, sizeof a->chunk->key);
		free(a->chunk);
		a->chunk = NULL;
	}
}
