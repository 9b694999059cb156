/* fuzz_chunked.c - the aws-chunked decoder (src/auth/chunked.c), fed in
 * input-chosen pieces so that every partial-line and partial-chunk state is
 * reached. Input: one control line, then the body.
 *   control[0]  mode: 's' signed, 't' signed + trailer, anything else unsigned + trailer
 *   control[1]  'g': the body is a payload; this harness frames and signs it
 *               (chunk sizes from the split bytes, a checksum trailer) and the
 *               decoder must give back exactly that payload. Else the body is
 *               fed as it is (framing, signatures that will not verify).
 *   control[2..] feed sizes (1..256 bytes each, cycled)
 * Invariants: payload bytes out never exceed body bytes in and equal the
 * decoder's count; after an error nothing more comes out and every call
 * repeats that error; the result does not depend on how the body was split;
 * a body this harness signed decodes to its payload (unless corrupted, when
 * it must not decode to anything else). */
#include <stdbool.h>
#include "auth/chunked.h"
#include "auth/sigv4.h"
#include "core/crypto.h"
#include "fuzz_util.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define AMZ_DATE "20130524T000000Z"
#define SCOPE "20130524/us-east-1/s3/aws4_request"
#define SEED "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct sink {
	struct buf out;
	bool failed;       /* the decoder has returned an error */
	unsigned calls_after_error;
};

static enum err
sink_fn(void *ctx, const char *p, size_t n)
{
	struct sink *s = ctx;

	FUZZ_CHECK(n > 0);
	if (s->failed)
		s->calls_after_error++;
	return buf_add(&s->out, p, n);
}

static void
signing_key(uint8_t key[32])
{
	sigv4_signing_key(SECRET, strlen(SECRET), "20130524", SLICE_LIT("us-east-1"),
			  SLICE_LIT("s3"), key);
}

/* Decodes body in the pieces given by splits (whole when nsplits == 0).
 * Returns finish's result; the payload is in s->out. */
static enum err
decode(enum awschunk_mode mode, const char *body, size_t n, const uint8_t *splits,
       size_t nsplits, struct sink *s, struct awschunk *c)
{
	uint8_t key[32];
	size_t off = 0, k = 0;
	enum err first = ERR_OK, e;

	signing_key(key);
	awschunk_init(c, mode, key, SEED, AMZ_DATE, SCOPE);
	buf_init(&s->out, 0);
	s->failed = false;
	s->calls_after_error = 0;
	while (off < n) {
		size_t m = nsplits ? (size_t)splits[k++ % nsplits] + 1 : n;
		if (m > n - off)
			m = n - off;
		e = awschunk_feed(c, body + off, m, sink_fn, s);
		if (first)
			FUZZ_CHECK(e == first); /* an error sticks */
		else if (e)
			first = e, s->failed = true;
		off += m;
		FUZZ_CHECK(s->out.len <= off);
		FUZZ_CHECK(c->decoded == s->out.len);
	}
	e = awschunk_finish(c);
	if (first)
		FUZZ_CHECK(e == first);
	FUZZ_CHECK(s->calls_after_error == 0);
	if (e == ERR_OK) {
		size_t i, j;
		FUZZ_CHECK(c->done);
		FUZZ_CHECK(c->ntrailers <= AWSCHUNK_TRAILER_MAX);
		for (i = 0; i < c->ntrailers; i++) {
			FUZZ_CHECK(c->trailers[i].name[0] != '\0');
			FUZZ_CHECK(awschunk_trailer(c, c->trailers[i].name) == c->trailers[i].value);
			for (j = 0; c->trailers[i].name[j]; j++)
				FUZZ_CHECK(!(c->trailers[i].name[j] >= 'A' && c->trailers[i].name[j] <= 'Z'));
		}
	}
	return e;
}

/* ---- the signer: frames a payload as a correct aws-chunked body ---- */

static void
sign_hex(const uint8_t key[32], const char *sts, size_t n, char hex[65])
{
	uint8_t sig[32];

	sigv4_sign(key, sts, n, sig);
	hex_encode(sig, sizeof(sig), hex);
}

static void
add_chunk(struct buf *b, enum awschunk_mode mode, const uint8_t key[32], char prev[65],
	  const char *p, size_t n)
{
	uint8_t h[32];
	char hx[65];
	struct buf sts;

	buf_printf(b, "%zx", n);
	if (mode != AWSCHUNK_UNSIGNED_TRAILER) {
		crypto_sha256(p, n, h);
		hex_encode(h, sizeof(h), hx);
		buf_init(&sts, 0);
		buf_printf(&sts, "AWS4-HMAC-SHA256-PAYLOAD\n%s\n%s\n%s\n%s\n%s", AMZ_DATE, SCOPE, prev,
			   EMPTY_SHA256, hx);
		sign_hex(key, sts.p, sts.len, prev);
		buf_fini(&sts);
		buf_printf(b, ";chunk-signature=%s", prev);
	}
	buf_adds(b, "\r\n");
	if (n) {
		buf_add(b, p, n);
		buf_adds(b, "\r\n");
	}
}

static void
frame(enum awschunk_mode mode, const char *payload, size_t n, const uint8_t *splits,
      size_t nsplits, struct buf *b)
{
	static const char trailer[] = "x-amz-checksum-crc32c:sOO8/Q==";
	uint8_t key[32], h[32];
	char prev[65] = SEED, hx[65];
	size_t off = 0, k = 0;

	signing_key(key);
	while (off < n) {
		/* Chunk sizes from the split bytes, scaled up to reach multi-byte hex. */
		size_t m = nsplits ? (size_t)splits[k++ % nsplits] * 7 + 1 : n;
		if (m > n - off)
			m = n - off;
		add_chunk(b, mode, key, prev, payload + off, m);
		off += m;
	}
	add_chunk(b, mode, key, prev, "", 0);
	if (mode == AWSCHUNK_SIGNED) {
		buf_adds(b, "\r\n");
		return;
	}
	buf_printf(b, "%s\r\n", trailer);
	if (mode == AWSCHUNK_SIGNED_TRAILER) {
		struct buf sts;
		char line[64];

		/* signed over "name:value\n" */
		snprintf(line, sizeof(line), "%s\n", trailer);
		crypto_sha256(line, strlen(line), h);
		hex_encode(h, sizeof(h), hx);
		buf_init(&sts, 0);
		buf_printf(&sts, "AWS4-HMAC-SHA256-TRAILER\n%s\n%s\n%s\n%s", AMZ_DATE, SCOPE, prev, hx);
		sign_hex(key, sts.p, sts.len, prev);
		buf_fini(&sts);
		buf_printf(b, "x-amz-trailer-signature:%s\r\n", prev);
	}
	buf_adds(b, "\r\n");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {(const char *)data, size};
	size_t clen = 0, blen = 0, nsplits;
	char *ctl = fuzz_field(&in, '\n', &clen);
	char *body = in.p ? fuzz_dup((const uint8_t *)in.p, in.n) : fuzz_dup(NULL, 0);
	const uint8_t *splits;
	enum awschunk_mode mode = AWSCHUNK_UNSIGNED_TRAILER;
	struct awschunk *c1 = malloc(sizeof(*c1)), *c2 = malloc(sizeof(*c2));
	struct sink s1, s2;
	struct buf framed;
	enum err e1, e2;
	bool gen;

	blen = in.p ? in.n : 0;
	if (clen > 0 && ctl[0] == 's')
		mode = AWSCHUNK_SIGNED;
	else if (clen > 0 && ctl[0] == 't')
		mode = AWSCHUNK_SIGNED_TRAILER;
	gen = clen > 1 && ctl[1] == 'g';
	splits = clen > 2 ? (const uint8_t *)ctl + 2 : NULL;
	nsplits = clen > 2 ? clen - 2 : 0;

	buf_init(&framed, 0);
	if (gen) {
		/* The last split byte, when odd, flips one byte of the framed body. */
		bool corrupt = nsplits && (splits[nsplits - 1] & 1);
		char *fb;

		frame(mode, body, blen, splits, nsplits, &framed);
		fb = fuzz_dup((const uint8_t *)framed.p, framed.len);
		if (corrupt && framed.len)
			fb[(size_t)splits[0] * 131 % framed.len] ^= (char)(splits[nsplits - 1] | 1);
		e1 = decode(mode, fb, framed.len, splits, nsplits, &s1, c1);
		if (!corrupt) {
			FUZZ_CHECK(e1 == ERR_OK);
			FUZZ_CHECK(c1->ntrailers == (mode == AWSCHUNK_SIGNED ? 0u : 1u));
		}
		if (e1 == ERR_OK && (!corrupt || mode != AWSCHUNK_UNSIGNED_TRAILER)) {
			/* what decodes is what was signed, corrupted or not */
			FUZZ_CHECK(s1.out.len == blen && (blen == 0 || memcmp(s1.out.p, body, blen) == 0));
		}
		buf_fini(&s1.out);
		free(fb);
	} else {
		e1 = decode(mode, body, blen, splits, nsplits, &s1, c1);
		e2 = decode(mode, body, blen, NULL, 0, &s2, c2);
		FUZZ_CHECK(e1 == e2);
		if (e1 == ERR_OK) {
			FUZZ_CHECK(s1.out.len == s2.out.len);
			FUZZ_CHECK(s1.out.len == 0 || memcmp(s1.out.p, s2.out.p, s1.out.len) == 0);
			FUZZ_CHECK(c1->ntrailers == c2->ntrailers);
		}
		buf_fini(&s1.out);
		buf_fini(&s2.out);
	}
	buf_fini(&framed);
	free(c1);
	free(c2);
	free(ctl);
	free(body);
	return 0;
}
