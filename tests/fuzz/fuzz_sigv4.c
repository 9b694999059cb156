/* fuzz_sigv4.c - SigV4 parsing and canonicalisation (src/auth/sigv4.c): the
 * Authorization header, the presigned query, then for whatever parsed the
 * canonical request (normalised and raw), string to sign and signature.
 * Input, one field per line (seeds in corpus/fuzz_sigv4/ are real requests):
 *   METHOD
 *   PATH[?QUERY]          raw request-target
 *   AUTHORIZATION         header value (may be empty)
 *   name:value            request headers, one per line, any number */
#include <stdbool.h>
#include <strings.h>
#include "auth/sigv4.h"
#include "fuzz_util.h"

#define MAX_HDRS 64

static bool
inside(const char *p, size_t n, const char *base, size_t blen)
{
	return n == 0 || (p >= base && p + n <= base + blen);
}

static void
check_cred(const struct sigv4_cred *c, const char *src, size_t slen)
{
	char scope[128];
	size_t i;

	for (i = 0; i < 8; i++)
		FUZZ_CHECK(c->date[i] >= '0' && c->date[i] <= '9');
	FUZZ_CHECK(c->date[8] == '\0');
	FUZZ_CHECK(c->akid.len > 0 && inside(c->akid.p, c->akid.len, src, slen));
	FUZZ_CHECK(inside(c->region.p, c->region.len, src, slen));
	FUZZ_CHECK(c->service.len > 0 && inside(c->service.p, c->service.len, src, slen));
	FUZZ_CHECK(c->signed_headers.len > 0);
	if (c->presigned) {
		FUZZ_CHECK(inside(c->signed_headers.p, c->signed_headers.len, c->signed_headers_buf,
				  sizeof(c->signed_headers_buf)));
		FUZZ_CHECK(c->expires >= 1 && c->expires <= 604800);
		FUZZ_CHECK(strlen(c->amz_date) == 16 && memcmp(c->amz_date, c->date, 8) == 0);
		FUZZ_CHECK(inside(c->security_token.p, c->security_token.len, src, slen));
	} else {
		FUZZ_CHECK(inside(c->signed_headers.p, c->signed_headers.len, src, slen));
	}
	/* chunked.h reserves 128 bytes for a scope: it must always fit. */
	sigv4_scope(c, scope, sizeof(scope));
	FUZZ_CHECK(strlen(scope) < sizeof(scope) - 1);
}

static size_t
count(const char *s, size_t n, char ch)
{
	size_t k = 0, i;

	for (i = 0; i < n; i++)
		k += s[i] == ch;
	return k;
}

/* The canonical URI of a normalised request is in AWS's encoded form. */
static void
check_encoded_uri(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch == '%') {
			FUZZ_CHECK(i + 2 < n);
			FUZZ_CHECK(strchr("0123456789ABCDEF", p[i + 1]) && p[i + 1]);
			FUZZ_CHECK(strchr("0123456789ABCDEF", p[i + 2]) && p[i + 2]);
			i += 2;
			continue;
		}
		FUZZ_CHECK((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			   (ch >= '0' && ch <= '9') || (ch && strchr("-._~/", ch)));
	}
}

static void
canonicalise(const struct sigv4_input *in, const struct sigv4_cred *cred)
{
	static const uint8_t secret_key[32] = {1, 2, 3};
	int normalize;

	for (normalize = 0; normalize < 2; normalize++) {
		struct buf cr, sts;
		uint8_t key[32], sig[32];
		enum err e;

		buf_init(&cr, 0);
		buf_init(&sts, 0);
		e = sigv4_canonical_request(in, cred, normalize, &cr);
		if (!in->payload_hash && !cred->presigned) {
			FUZZ_CHECK(e == ERR_INTERNAL);
		} else if (e == ERR_OK) {
			size_t nsh = count(cred->signed_headers.p, cred->signed_headers.len, ';') + 1;
			const char *uri = strchr(cr.p, '\n') + 1, *uri_end = strchr(uri, '\n');

			FUZZ_CHECK(strncmp(cr.p, in->method, strlen(in->method)) == 0);
			/* Fields hold no raw newline: they come from lines, and
			 * everything decoded is encoded again. */
			FUZZ_CHECK(count(cr.p, cr.len, '\n') == 5 + nsh);
			if (normalize)
				check_encoded_uri(uri, (size_t)(uri_end - uri));
			FUZZ_CHECK(sigv4_string_to_sign(cred->presigned ? cred->amz_date
									: "20130524T000000Z",
							cred, cr.p, cr.len, &sts) == ERR_OK);
			FUZZ_CHECK(strncmp(sts.p, SIGV4_ALGO "\n", sizeof(SIGV4_ALGO)) == 0);
			sigv4_signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", 40, cred->date,
					  cred->region, cred->service, key);
			sigv4_sign(key, sts.p, sts.len, sig);
			sigv4_sign(secret_key, cr.p, cr.len, sig);
		} else {
			FUZZ_CHECK(e == ERR_INVALID_URI || e == ERR_NOMEM);
		}
		buf_fini(&cr);
		buf_fini(&sts);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {(const char *)data, size};
	struct sigv4_hdr hdrs[MAX_HDRS];
	char *lines[MAX_HDRS], *method, *target, *auth, *query, *path;
	struct sigv4_input si;
	struct sigv4_cred *cred = malloc(sizeof(*cred));
	size_t nh = 0, i, alen;
	enum err e;

	method = fuzz_field(&in, '\n', NULL);
	target = fuzz_field(&in, '\n', NULL);
	auth = fuzz_field(&in, '\n', &alen);
	while (nh < MAX_HDRS && (lines[nh] = fuzz_field(&in, '\n', NULL))) {
		char *colon = strchr(lines[nh], ':');
		hdrs[nh].name = lines[nh];
		hdrs[nh].value = "";
		if (colon) {
			*colon = '\0';
			hdrs[nh].value = colon + 1;
		}
		nh++;
	}
	if (!method || !target)
		goto out;

	/* The HTTP layer hands over path and query as separate strings. */
	query = strchr(target, '?');
	path = target;
	if (query)
		*query++ = '\0';
	else
		query = target + strlen(target);

	memset(&si, 0, sizeof(si));
	si.method = method;
	si.raw_path = path;
	si.raw_query = query;
	si.hdrs = hdrs;
	si.nhdrs = nh;
	for (i = 0; i < nh; i++)
		if (strcasecmp(hdrs[i].name, "x-amz-content-sha256") == 0)
			si.payload_hash = hdrs[i].value;

	(void)sigv4_query_is_presigned(query);
	e = sigv4_parse_presigned(query, cred);
	if (e == ERR_OK) {
		check_cred(cred, query, strlen(query));
		canonicalise(&si, cred);
	} else {
		FUZZ_CHECK(e == ERR_AUTH_QUERY_MALFORMED || e == ERR_UNSUPPORTED_AUTH);
	}
	if (auth) {
		e = sigv4_parse_authorization(auth, cred);
		if (e == ERR_OK) {
			check_cred(cred, auth, strlen(auth));
			FUZZ_CHECK(!cred->presigned);
			canonicalise(&si, cred);
		} else {
			FUZZ_CHECK(e == ERR_AUTH_HEADER_MALFORMED || e == ERR_UNSUPPORTED_AUTH);
		}
	}
out:
	for (i = 0; i < nh; i++)
		free(lines[i]);
	free(method);
	free(target);
	free(auth);
	free(cred);
	return 0;
}
