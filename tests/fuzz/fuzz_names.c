/* fuzz_names.c - the small parsers of names and encodings: percent coding
 * (src/auth/sigv4.c), the S3 address (path or virtual host → bucket, key) and
 * key validation (src/s3/dispatch.c), bucket-name rules (src/s3/common.c),
 * ARN and action globs (src/policy), hex and base64 (src/core/crypto.c) and
 * checksum names (src/core/cksum.c).
 * Input, one field per line:
 *   PATH                  raw request path (percent-encoded)
 *   HOST                  Host header (virtual-hosted style under s3.example.com)
 *   any further lines     strings for the other parsers
 * Invariants: decoding what was encoded gives the input back; a valid bucket
 * name keeps AWS's rules; an address gives a bucket name and key within their
 * limits; base64 and hex that decode encode back to the same text. */
#include <stdbool.h>
#include "auth/sigv4.h"
#include "core/cksum.h"
#include "core/crypto.h"
#include "policy/policy.h"
#include "s3/s3.h"
#include "fuzz_util.h"

static void
percent(const char *s, size_t n)
{
	struct buf enc, dec;
	int slash;

	for (slash = 0; slash < 2; slash++) {
		buf_init(&enc, 0);
		buf_init(&dec, 0);
		FUZZ_CHECK(uri_encode(&enc, s, n, slash) == ERR_OK);
		FUZZ_CHECK(enc.len >= n && enc.len <= 3 * n);
		FUZZ_CHECK(uri_decode(&dec, enc.p ? enc.p : "", enc.len) == ERR_OK);
		FUZZ_CHECK(dec.len == n && (n == 0 || memcmp(dec.p, s, n) == 0));
		buf_fini(&enc);
		buf_fini(&dec);
	}
	/* Decoding raw input: never longer, and a capped buffer is respected. */
	buf_init(&dec, 16);
	if (uri_decode(&dec, s, n) == ERR_OK)
		FUZZ_CHECK(dec.len <= n && dec.len <= 16);
	buf_fini(&dec);
}

static void
bucket_name(const char *s)
{
	size_t n = strlen(s), i;

	if (!s3_valid_bucket_name(s))
		return;
	FUZZ_CHECK(n >= 3 && n <= 63);
	for (i = 0; i < n; i++)
		FUZZ_CHECK((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
			   s[i] == '.' || s[i] == '-');
	FUZZ_CHECK(!strstr(s, ".."));
	FUZZ_CHECK(s[0] != '.' && s[0] != '-' && s[n - 1] != '.' && s[n - 1] != '-');
}

static void
address(char *path, const char *host)
{
	struct s3_service svc;
	struct s3_ctx *c = calloc(1, sizeof(*c));
	struct req *r = calloc(1, sizeof(*r));
	enum err e;

	memset(&svc, 0, sizeof(svc));
	svc.domain = "s3.example.com";
	r->path = path;
	r->hdrs[0].name = "Host";
	r->hdrs[0].value = host;
	r->nhdrs = 1;
	c->svc = &svc;
	c->r = r;
	e = s3_parse_address(c);
	if (e == ERR_OK) {
		FUZZ_CHECK(strlen(c->bucket) <= META_NAME_MAX);
		FUZZ_CHECK((c->level == LVL_SERVICE) == (c->bucket[0] == '\0'));
		FUZZ_CHECK((c->level == LVL_OBJECT) == (c->key != NULL));
		if (c->key) {
			FUZZ_CHECK(c->key_len > 0 && c->key_len <= 4 * META_KEY_MAX);
			e = s3_check_key(c->key, c->key_len);
			FUZZ_CHECK(e == ERR_OK || e == ERR_KEY_TOO_LONG || e == ERR_INVALID_KEY);
			if (e == ERR_OK)
				FUZZ_CHECK(strlen(c->key) == c->key_len && c->key_len <= META_KEY_MAX);
		}
	} else {
		FUZZ_CHECK(e == ERR_INVALID_URI || e == ERR_INVALID_BUCKET_NAME ||
			   e == ERR_KEY_TOO_LONG || e == ERR_ENTITY_TOO_LARGE);
	}
	free(c->key);
	free(c);
	free(r);
}

static void
encodings(const char *s, size_t n)
{
	uint8_t raw[256];
	char back[2 * 256 + 8]; /* hex of raw, or base64 of it */
	long k;

	k = b64_decode(s, n, raw, sizeof(raw));
	FUZZ_CHECK(k >= -1 && k <= (long)sizeof(raw));
	if (k >= 0) {
		/* strict base64: exactly one spelling per value */
		FUZZ_CHECK(b64_encode(raw, (size_t)k, back) == n && memcmp(back, s, n) == 0);
	}
	if (n % 2 == 0 && n / 2 <= sizeof(raw) && hex_decode(s, n, raw, n / 2)) {
		size_t i;
		hex_encode(raw, n / 2, back);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(back[i] == (s[i] >= 'A' && s[i] <= 'F' ? s[i] + 32 : s[i]));
	}
	(void)cksum_from_name(s, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {(const char *)data, size};
	char *fields[16];
	size_t lens[16], nf = 0, i, j;

	while (nf < 16 && (fields[nf] = fuzz_field(&in, '\n', &lens[nf])))
		nf++;
	if (nf >= 2 && fields[0][0] == '/')
		address(fields[0], fields[1]);
	for (i = 0; i < nf; i++) {
		percent(fields[i], lens[i]);
		bucket_name(fields[i]);
		encodings(fields[i], lens[i]);
		FUZZ_CHECK(pol_match_arn(fields[i], fields[i]) && pol_match_action(fields[i], fields[i]));
		for (j = 0; j < nf; j++) {
			(void)pol_match_arn(fields[i], fields[j]);
			(void)pol_match_action(fields[i], fields[j]);
		}
	}
	for (i = 0; i < nf; i++)
		free(fields[i]);
	return 0;
}
