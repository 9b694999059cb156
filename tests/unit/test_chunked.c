/* test_chunked.c - unit tests of src/auth/chunked.c. Signed bodies are AWS's
 * published examples (S3 API Reference, "Transferring Payload in Multiple
 * Chunks" and "Signature calculations for trailing headers"), fed in many
 * splits; framing cases use unsigned mode and check behaviour only. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "auth/chunked.h"
#include "auth/sigv4.h"
#include "core/crypto.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define AMZ_DATE "20130524T000000Z"
#define SCOPE "20130524/us-east-1/s3/aws4_request"

/* Multiple chunks, STREAMING-AWS4-HMAC-SHA256-PAYLOAD. */
#define SEED "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
#define SIG1 "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
#define SIG2 "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
#define SIG3 "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
/* Trailing headers, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER. */
#define TSEED "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
#define TSIG1 "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2"
#define TSIG2 "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7"
#define TSIG3 "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"
#define TRAILER_SIG "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"

#define PAYLOAD_LEN 66560 /* 64 KiB + 1 KiB of 'a' */
#define AWS_BODY_LEN 66824 /* the Content-Length AWS's example sends */

/* ---- helpers ---- */

struct sink {
	char *p;
	size_t len, cap;
	size_t fail_at;     /* fail once this many bytes were taken (0: never) */
	enum err fail_with;
	unsigned calls;
};

static enum err
sink_fn(void *ctx, const char *p, size_t n)
{
	struct sink *s = ctx;

	s->calls++;
	assert_true(n > 0);
	if (s->fail_at && s->len + n >= s->fail_at)
		return s->fail_with;
	assert_true(s->len + n <= s->cap);
	memcpy(s->p + s->len, p, n);
	s->len += n;
	return ERR_OK;
}

static void
sink_init(struct sink *s, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->p = malloc(cap ? cap : 1);
	s->cap = cap;
	assert_non_null(s->p);
}

static void
sink_fini(struct sink *s)
{
	free(s->p);
}

struct body {
	char *p;
	size_t len;
};

static void
body_add(struct body *b, const char *s, size_t n)
{
	b->p = realloc(b->p, b->len + n + 1);
	assert_non_null(b->p);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
body_adds(struct body *b, const char *s)
{
	body_add(b, s, strlen(s));
}

static void
body_as(struct body *b, size_t n)
{
	char *a = malloc(n);

	assert_non_null(a);
	memset(a, 'a', n);
	body_add(b, a, n);
	free(a);
}

/* The three data chunks of AWS's examples, with the given signatures. */
static struct body
aws_chunks(const char *s1, const char *s2, const char *s3)
{
	struct body b = {NULL, 0};

	body_adds(&b, "10000;chunk-signature=");
	body_adds(&b, s1);
	body_adds(&b, "\r\n");
	body_as(&b, 65536);
	body_adds(&b, "\r\n400;chunk-signature=");
	body_adds(&b, s2);
	body_adds(&b, "\r\n");
	body_as(&b, 1024);
	body_adds(&b, "\r\n0;chunk-signature=");
	body_adds(&b, s3);
	body_adds(&b, "\r\n");
	return b;
}

static struct body
aws_signed_body(void)
{
	struct body b = aws_chunks(SIG1, SIG2, SIG3);

	body_adds(&b, "\r\n");
	return b;
}

static struct body
aws_trailer_body(const char *trailers)
{
	struct body b = aws_chunks(TSIG1, TSIG2, TSIG3);

	body_adds(&b, trailers);
	return b;
}

#define AWS_TRAILERS "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:" TRAILER_SIG "\r\n"

static void
example_key(uint8_t key[32])
{
	sigv4_signing_key(SECRET, strlen(SECRET), "20130524", slice_from("us-east-1"),
			  slice_from("s3"), key);
}

static void
init_mode(struct awschunk *c, enum awschunk_mode mode, const char *seed)
{
	uint8_t key[32];

	example_key(key);
	awschunk_init(c, mode, key, seed, AMZ_DATE, SCOPE);
}

/* Feeds b in pieces of `step` bytes (0: pseudo-random sizes from `seed`),
 * stopping at the first error, then finishes. Returns the feed error, or
 * finish's result; *feed_err tells which. */
static enum err
run(struct awschunk *c, const char *p, size_t n, size_t step, unsigned seed, struct sink *s,
    bool *feed_err)
{
	size_t off = 0;
	uint32_t x = seed * 2654435761u + 1;
	enum err e;

	*feed_err = false;
	while (off < n) {
		size_t k = step;

		if (!k) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			/* Mostly small pieces, sometimes a large one. */
			k = (x & 7) == 0 ? x % 70000 + 1 : x % 97 + 1;
		}
		if (k > n - off)
			k = n - off;
		if ((e = awschunk_feed(c, p + off, k, sink_fn, s))) {
			*feed_err = true;
			return e;
		}
		off += k;
	}
	return awschunk_finish(c);
}

static enum err
run_mode(enum awschunk_mode mode, const char *seed, const char *p, size_t n, size_t step,
	 struct sink *s)
{
	struct awschunk c;
	bool fe;

	init_mode(&c, mode, seed);
	return run(&c, p, n, step, 1, s, &fe);
}

/* Unsigned-trailer mode on a string body, all at once and byte by byte,
 * which must agree; returns the result, decoded bytes in out. */
static enum err
unsigned_run(const char *body, char *out, size_t cap, size_t *outlen)
{
	struct awschunk c;
	struct sink s1, s2;
	enum err e1, e2;
	bool fe;

	sink_init(&s1, cap);
	sink_init(&s2, cap);
	awschunk_init(&c, AWSCHUNK_UNSIGNED_TRAILER, NULL, NULL, NULL, NULL);
	e1 = run(&c, body, strlen(body), strlen(body) ? strlen(body) : 1, 0, &s1, &fe);
	awschunk_init(&c, AWSCHUNK_UNSIGNED_TRAILER, NULL, NULL, NULL, NULL);
	e2 = run(&c, body, strlen(body), 1, 0, &s2, &fe);
	assert_int_equal(e1, e2);
	assert_int_equal(s1.len, s2.len);
	assert_memory_equal(s1.p, s2.p, s1.len);
	if (out) {
		memcpy(out, s1.p, s1.len);
		*outlen = s1.len;
	}
	sink_fini(&s1);
	sink_fini(&s2);
	return e1;
}

static enum err
unsigned_err(const char *body)
{
	return unsigned_run(body, NULL, 4096, NULL);
}

static bool
all_a(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 'a')
			return false;
	return true;
}

/* ---- signed chunks: AWS's example ---- */

static void
test_aws_signed_splits(void **state)
{
	static const size_t steps[] = {AWS_BODY_LEN, 1, 2, 3, 7, 64, 85, 86, 87, 88, 89, 1000,
				       4096, 65535, 65536, 65537, 65626, 66000};
	struct body b = aws_signed_body();
	struct awschunk c;
	struct sink s;
	size_t i;
	bool fe;

	(void)state;
	assert_int_equal(b.len, AWS_BODY_LEN);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]) + 20; i++) {
		size_t step = i < sizeof(steps) / sizeof(steps[0]) ? steps[i] : 0;

		sink_init(&s, PAYLOAD_LEN);
		init_mode(&c, AWSCHUNK_SIGNED, SEED);
		assert_int_equal(run(&c, b.p, b.len, step, (unsigned)i, &s, &fe), ERR_OK);
		assert_int_equal(s.len, PAYLOAD_LEN);
		assert_true(all_a(s.p, s.len));
		assert_int_equal(c.decoded, PAYLOAD_LEN);
		assert_true(c.done);
		/* The chain ends on the final chunk's signature. */
		assert_string_equal(c.prev_sig, SIG3);
		sink_fini(&s);
	}
	free(b.p);
}

static void
test_aws_signed_uppercase_hex(void **state)
{
	/* Signatures are hex: case is not significant on the wire. */
	struct body b = aws_chunks("AD80C730A21E5B8D04586A2213DD63B9A0E99E0E2307B0ADE35A65485A288648",
				   SIG2, "B6C6EA8A5354EAF15B3CB7646744F4275B71EA724FED81CEB9323E279D449DF9");
	struct sink s;

	(void)state;
	body_adds(&b, "\r\n");
	sink_init(&s, PAYLOAD_LEN);
	assert_int_equal(run_mode(AWSCHUNK_SIGNED,
				  "4F232C4386841EF735655705268965C44A0E4690BAA4ADEA153F7DB9FA80A0A9",
				  b.p, b.len, 0, &s),
			 ERR_OK);
	assert_int_equal(s.len, PAYLOAD_LEN);
	sink_fini(&s);
	free(b.p);
}

static void
test_aws_signed_tampered_data(void **state)
{
	/* One flipped byte in each chunk's data, at its start, middle, end. */
	static const size_t at[] = {88, 88 + 30000, 88 + 65535, 65712, 65712 + 1023};
	struct body b = aws_signed_body();
	struct awschunk c;
	struct sink s;
	size_t i, step;
	bool fe;

	(void)state;
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		assert_int_equal(b.p[at[i]], 'a');
		b.p[at[i]] = 'b';
		for (step = 1; step <= 65536; step *= 16) {
			sink_init(&s, PAYLOAD_LEN);
			init_mode(&c, AWSCHUNK_SIGNED, SEED);
			assert_int_equal(run(&c, b.p, b.len, step, 0, &s, &fe),
					 ERR_SIGNATURE_MISMATCH);
			/* Found while streaming, at the end of the damaged chunk. */
			assert_true(fe);
			assert_true(s.len <= (at[i] < 65712 ? 65536u : (size_t)PAYLOAD_LEN));
			/* Sticky: later calls repeat the error. */
			assert_int_equal(awschunk_feed(&c, "x", 1, sink_fn, &s),
					 ERR_SIGNATURE_MISMATCH);
			assert_int_equal(awschunk_finish(&c), ERR_SIGNATURE_MISMATCH);
			assert_false(c.done);
			sink_fini(&s);
		}
		b.p[at[i]] = 'a';
	}
	free(b.p);
}

static void
test_aws_signed_tampered_signature(void **state)
{
	/* Offsets of a digit of each signature: first, second, final line. */
	static const size_t at[] = {22, 22 + 63, 65626 + 20, 65626 + 20 + 40, 66738 + 18,
				    66738 + 18 + 63};
	struct body b = aws_signed_body();
	struct sink s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		char orig = b.p[at[i]];

		b.p[at[i]] = orig == '0' ? '1' : '0';
		sink_init(&s, PAYLOAD_LEN);
		assert_int_equal(run_mode(AWSCHUNK_SIGNED, SEED, b.p, b.len, 0, &s),
				 ERR_SIGNATURE_MISMATCH);
		sink_fini(&s);
		b.p[at[i]] = orig;
	}
	/* A wrong seed breaks the first link. */
	sink_init(&s, PAYLOAD_LEN);
	assert_int_equal(run_mode(AWSCHUNK_SIGNED, SIG1, b.p, b.len, 0, &s),
			 ERR_SIGNATURE_MISMATCH);
	assert_int_equal(s.len, 65536);
	sink_fini(&s);
	/* Signatures swapped between chunks do not chain. */
	{
		struct body r = aws_chunks(SIG2, SIG1, SIG3);

		body_adds(&r, "\r\n");
		sink_init(&s, PAYLOAD_LEN);
		assert_int_equal(run_mode(AWSCHUNK_SIGNED, SEED, r.p, r.len, 0, &s),
				 ERR_SIGNATURE_MISMATCH);
		sink_fini(&s);
		free(r.p);
	}
	/* A key for another day does not verify. */
	{
		struct awschunk c;
		uint8_t key[32];
		bool fe;

		sigv4_signing_key(SECRET, strlen(SECRET), "20130525", slice_from("us-east-1"),
				  slice_from("s3"), key);
		awschunk_init(&c, AWSCHUNK_SIGNED, key, SEED, AMZ_DATE, SCOPE);
		sink_init(&s, PAYLOAD_LEN);
		assert_int_equal(run(&c, b.p, b.len, 0, 3, &s, &fe), ERR_SIGNATURE_MISMATCH);
		sink_fini(&s);
	}
	free(b.p);
}

static void
test_aws_signed_truncated(void **state)
{
	/* Every cut in the framing lines and around chunk boundaries. */
	struct body b = aws_signed_body();
	struct awschunk c;
	struct sink s;
	size_t cut;
	bool fe;

	(void)state;
	for (cut = 0; cut <= AWS_BODY_LEN; cut++) {
		enum err e, want;

		if (!(cut < 200 || (cut > 65500 && cut < 65800) || cut > 66700))
			continue;
		/* Only the end, or the end less its closing empty line, is whole. */
		want = cut == AWS_BODY_LEN || cut == AWS_BODY_LEN - 2 ? ERR_OK : ERR_INCOMPLETE_BODY;
		sink_init(&s, PAYLOAD_LEN);
		init_mode(&c, AWSCHUNK_SIGNED, SEED);
		e = run(&c, b.p, cut, 4096, 0, &s, &fe);
		assert_false(fe);
		assert_int_equal(e, want);
		sink_fini(&s);
	}
	free(b.p);
}

static void
test_aws_signed_after_end(void **state)
{
	static const char *extra[] = {"x", "\r\n", "0;chunk-signature=" SIG3 "\r\n\r\n", "\n"};
	struct body b = aws_signed_body();
	struct sink s;
	size_t i, len = b.len;

	(void)state;
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		b.len = len;
		body_adds(&b, extra[i]);
		sink_init(&s, PAYLOAD_LEN);
		assert_int_equal(run_mode(AWSCHUNK_SIGNED, SEED, b.p, b.len, 7, &s),
				 ERR_INVALID_REQUEST);
		sink_fini(&s);
	}
	/* Trailers have no place in this mode. */
	b.len = len - 2;
	body_adds(&b, "x-amz-checksum-crc32:AAAAAA==\r\n\r\n");
	sink_init(&s, PAYLOAD_LEN);
	assert_int_equal(run_mode(AWSCHUNK_SIGNED, SEED, b.p, b.len, 0, &s), ERR_INVALID_REQUEST);
	sink_fini(&s);
	free(b.p);
}

static void
test_signed_framing(void **state)
{
	struct sink s;
	size_t i;
	static const char *bad[] = {
		"400\r\n",                                 /* no signature */
		"400;chunk-signature=\r\n",                 /* empty */
		"400;chunk-signature=" SIG1 "0\r\n",        /* 65 digits */
		"400;chunk-signature=abc\r\n",              /* short */
		"400;chunk-signature=g" SIG1 "\r\n",
		"400;chunk-signatur=" SIG1 "\r\n",
		"400;Chunk-Signature=" SIG1 "\r\n",
		"400 ;chunk-signature=" SIG1 "\r\n",
		"400;chunk-signature=" SIG1 ";x=y\r\n",
		";chunk-signature=" SIG1 "\r\n",            /* no size */
	};

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sink_init(&s, 16);
		assert_int_equal(run_mode(AWSCHUNK_SIGNED, SEED, bad[i], strlen(bad[i]), 1, &s),
				 ERR_INVALID_REQUEST);
		sink_fini(&s);
		sink_init(&s, 16);
		assert_int_equal(run_mode(AWSCHUNK_SIGNED_TRAILER, SEED, bad[i], strlen(bad[i]), 0,
					  &s),
				 ERR_INVALID_REQUEST);
		sink_fini(&s);
	}
}

static void
test_callback_error(void **state)
{
	struct body b = aws_signed_body();
	struct awschunk c;
	struct sink s;
	bool fe;

	(void)state;
	sink_init(&s, PAYLOAD_LEN);
	s.fail_at = 40000;
	s.fail_with = ERR_NO_SPACE;
	init_mode(&c, AWSCHUNK_SIGNED, SEED);
	assert_int_equal(run(&c, b.p, b.len, 1000, 0, &s, &fe), ERR_NO_SPACE);
	assert_true(fe);
	assert_int_equal(awschunk_feed(&c, b.p, 1, sink_fn, &s), ERR_NO_SPACE);
	assert_int_equal(awschunk_finish(&c), ERR_NO_SPACE);
	sink_fini(&s);
	free(b.p);
}

static void
test_key_wiped(void **state)
{
	static const uint8_t zero[32];
	struct body b = aws_signed_body();
	struct awschunk c;
	struct sink s;
	bool fe;

	(void)state;
	sink_init(&s, PAYLOAD_LEN);
	init_mode(&c, AWSCHUNK_SIGNED, SEED);
	assert_int_equal(run(&c, b.p, b.len, 0, 9, &s, &fe), ERR_OK);
	assert_memory_equal(c.key, zero, 32);
	sink_fini(&s);
	/* ... on error as well. */
	sink_init(&s, PAYLOAD_LEN);
	init_mode(&c, AWSCHUNK_SIGNED, SIG1);
	assert_int_equal(run(&c, b.p, b.len, 0, 9, &s, &fe), ERR_SIGNATURE_MISMATCH);
	assert_memory_equal(c.key, zero, 32);
	sink_fini(&s);
	free(b.p);
}

/* ---- signed chunks with a signed trailer: AWS's example ---- */

static void
test_aws_trailer(void **state)
{
	struct body b = aws_trailer_body(AWS_TRAILERS "\r\n");
	struct awschunk c;
	struct sink s;
	size_t i;
	bool fe;

	(void)state;
	for (i = 0; i < 24; i++) {
		size_t step = i == 0 ? b.len : i == 1 ? 1 : i == 2 ? 66736 : 0;

		sink_init(&s, PAYLOAD_LEN);
		init_mode(&c, AWSCHUNK_SIGNED_TRAILER, TSEED);
		assert_int_equal(run(&c, b.p, b.len, step, (unsigned)i, &s, &fe), ERR_OK);
		assert_int_equal(s.len, PAYLOAD_LEN);
		assert_true(all_a(s.p, s.len));
		assert_true(c.done);
		assert_string_equal(awschunk_trailer(&c, "x-amz-checksum-crc32c"), "sOO8/Q==");
		assert_null(awschunk_trailer(&c, "x-amz-trailer-signature"));
		assert_null(awschunk_trailer(&c, "x-amz-checksum-crc32"));
		assert_int_equal(c.ntrailers, 1);
		sink_fini(&s);
	}
	free(b.p);
}

static void
test_aws_trailer_variants(void **state)
{
	struct sink s;
	struct body b;

	(void)state;
	/* Without the closing empty line. */
	b = aws_trailer_body(AWS_TRAILERS);
	sink_init(&s, PAYLOAD_LEN);
	assert_int_equal(run_mode(AWSCHUNK_SIGNED_TRAILER, TSEED, b.p, b.len, 0, &s), ERR_OK);
	sink_fini(&s);
	free(b.p);
	/* With a blank line between the final chunk and the trailers. */
	b = aws_trailer_body("\r\n" AWS_TRAILERS "\r\n");
	sink_init(&s, PAYLOAD_LEN);
	assert_int_equal(run_mode(AWSCHUNK_SIGNED_TRAILER, TSEED, b.p, b.len, 1, &s), ERR_OK);
	sink_fini(&s);
	free(b.p);
	/* Name case and blanks around the value do not change what is signed. */
	b = aws_trailer_body("X-Amz-Checksum-CRC32C:  sOO8/Q== \r\n"
			     "X-Amz-Trailer-Signature: " TRAILER_SIG "\r\n\r\n");
	sink_init(&s, PAYLOAD_LEN);
	assert_int_equal(run_mode(AWSCHUNK_SIGNED_TRAILER, TSEED, b.p, b.len, 0, &s), ERR_OK);
	sink_fini(&s);
	free(b.p);
}

static void
test_aws_trailer_tampered(void **state)
{
	static const char *bad_sig[] = {
		/* another checksum value */
		"x-amz-checksum-crc32c:sOO8/Q=X\r\nx-amz-trailer-signature:" TRAILER_SIG "\r\n\r\n",
		/* another checksum name */
		"x-amz-checksum-crc32:sOO8/Q==\r\nx-amz-trailer-signature:" TRAILER_SIG "\r\n\r\n",
		/* an extra, unsigned trailer */
		"x-amz-meta-x:1\r\n" AWS_TRAILERS "\r\n",
		/* another signature */
		"x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:" TSIG3 "\r\n\r\n",
		"x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:abc\r\n\r\n",
		/* trailers closed without a signature */
		"x-amz-checksum-crc32c:sOO8/Q==\r\n\r\n",
		"\r\n\r\n",
	};
	static const char *bad_frame[] = {
		/* a trailer after the signature would be unsigned */
		AWS_TRAILERS "x-amz-meta-x:1\r\n\r\n",
		AWS_TRAILERS "x-amz-trailer-signature:" TRAILER_SIG "\r\n\r\n",
		AWS_TRAILERS "\r\nx",
		"x-amz-checksum-crc32c sOO8/Q==\r\n",
		"x-amz-checksum-crc32c:sOO8/Q==\n",
	};
	static const char *incomplete[] = {
		"", "x-amz-checksum-crc32c:sOO8/Q==\r\n", "\r\n",
		"x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:" TRAILER_SIG,
		"x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:" TRAILER_SIG "\r",
		AWS_TRAILERS "\r",
	};
	struct sink s;
	struct body b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_sig) / sizeof(bad_sig[0]); i++) {
		b = aws_trailer_body(bad_sig[i]);
		sink_init(&s, PAYLOAD_LEN);
		assert_int_equal(run_mode(AWSCHUNK_SIGNED_TRAILER, TSEED, b.p, b.len, 0, &s),
				 ERR_SIGNATURE_MISMATCH);
		sink_fini(&s);
		free(b.p);
	}
	for (i = 0; i < sizeof(bad_frame) / sizeof(bad_frame[0]); i++) {
		b = aws_trailer_body(bad_frame[i]);
		sink_init(&s, PAYLOAD_LEN);
		assert_int_equal(run_mode(AWSCHUNK_SIGNED_TRAILER, TSEED, b.p, b.len, 0, &s),
				 ERR_INVALID_REQUEST);
		sink_fini(&s);
		free(b.p);
	}
	for (i = 0; i < sizeof(incomplete) / sizeof(incomplete[0]); i++) {
		b = aws_trailer_body(incomplete[i]);
		sink_init(&s, PAYLOAD_LEN);
		assert_int_equal(run_mode(AWSCHUNK_SIGNED_TRAILER, TSEED, b.p, b.len, 0, &s),
				 ERR_INCOMPLETE_BODY);
		sink_fini(&s);
		free(b.p);
	}
	/* The chunk chain is checked in this mode too. */
	b = aws_trailer_body(AWS_TRAILERS "\r\n");
	b.p[88 + 100] = 'b';
	sink_init(&s, PAYLOAD_LEN);
	assert_int_equal(run_mode(AWSCHUNK_SIGNED_TRAILER, TSEED, b.p, b.len, 0, &s),
			 ERR_SIGNATURE_MISMATCH);
	sink_fini(&s);
	free(b.p);
}

/* ---- unsigned payload with trailer: framing ---- */

static void
test_unsigned_sdk_forms(void **state)
{
	/* What botocore, aws-sdk-js-v3 and aws-sdk-go-v2 send. */
	static const char *ok[] = {
		"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n",
		"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n",     /* no empty line */
		"2\r\nhe\r\n3\r\nllo\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n",
		"5;ext=1;x\r\nhello\r\n0;y\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n",
		"0005\r\nhello\r\n00\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n",
	};
	char out[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct awschunk c;
		struct sink s;
		bool fe;

		assert_int_equal(unsigned_run(ok[i], out, sizeof(out), &n), ERR_OK);
		assert_int_equal(n, 5);
		assert_memory_equal(out, "hello", 5);
		sink_init(&s, 16);
		awschunk_init(&c, AWSCHUNK_UNSIGNED_TRAILER, NULL, NULL, NULL, NULL);
		assert_int_equal(run(&c, ok[i], strlen(ok[i]), 3, 0, &s, &fe), ERR_OK);
		assert_string_equal(awschunk_trailer(&c, "x-amz-checksum-crc32"), "NhCmhg==");
		assert_int_equal(c.decoded, 5);
		sink_fini(&s);
	}
	/* No trailer at all, an empty body, a chunk of 0x1F bytes. */
	assert_int_equal(unsigned_run("0\r\n\r\n", out, sizeof(out), &n), ERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(unsigned_run("0\r\n", out, sizeof(out), &n), ERR_OK);
	assert_int_equal(unsigned_run("1F\r\n0123456789abcdef0123456789abcde\r\n0\r\n\r\n", out,
				      sizeof(out), &n),
			 ERR_OK);
	assert_int_equal(n, 31);
	assert_int_equal(unsigned_run("1f\r\n0123456789abcdef0123456789abcde\r\n0\r\n\r\n", out,
				      sizeof(out), &n),
			 ERR_OK);
	/* Data that looks like framing is data. */
	assert_int_equal(unsigned_run("7\r\n0\r\n\r\n\r\n\r\n0\r\n\r\n", out, sizeof(out), &n),
			 ERR_OK);
	assert_int_equal(n, 7);
	assert_memory_equal(out, "0\r\n\r\n\r\n", 7);
}

static void
test_unsigned_trailers(void **state)
{
	static const char body[] = "3\r\nabc\r\n0\r\n"
				   "X-Amz-Checksum-SHA256 :\t x \r\n" /* no: blank before ':' */
				   "\r\n";
	/* In this mode a trailer signature is just another trailer. */
	static const char trailers[] = "0\r\nX-Amz-Checksum-SHA256:\t x  y \r\nx-amz-meta-e:\r\n"
				       "x-amz-trailer-signature:abc\r\n\r\n";
	struct awschunk c;
	struct sink s;
	char big[1024];
	size_t i;
	bool fe;

	(void)state;
	assert_int_equal(unsigned_err(body), ERR_INVALID_REQUEST);
	sink_init(&s, 16);
	awschunk_init(&c, AWSCHUNK_UNSIGNED_TRAILER, NULL, NULL, NULL, NULL);
	assert_int_equal(run(&c, trailers, strlen(trailers), 5, 0, &s, &fe), ERR_OK);
	assert_string_equal(awschunk_trailer(&c, "x-amz-checksum-sha256"), "x  y");
	assert_string_equal(awschunk_trailer(&c, "x-amz-meta-e"), "");
	assert_null(awschunk_trailer(&c, "X-Amz-Checksum-SHA256"));
	assert_null(awschunk_trailer(&c, "x-amz-checksum"));
	sink_fini(&s);

	/* Limits: names to 63 bytes, values to 159, AWSCHUNK_TRAILER_MAX of them. */
	snprintf(big, sizeof(big), "0\r\n%.*s:v\r\n\r\n", 63,
		 "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn");
	assert_int_equal(unsigned_err(big), ERR_OK);
	snprintf(big, sizeof(big), "0\r\n%.*s:v\r\n\r\n", 64,
		 "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn");
	assert_int_equal(unsigned_err(big), ERR_INVALID_REQUEST);
	{
		char v[200];

		memset(v, 'v', sizeof(v));
		snprintf(big, sizeof(big), "0\r\nn: %.*s \r\n\r\n", 159, v);
		assert_int_equal(unsigned_err(big), ERR_OK);
		snprintf(big, sizeof(big), "0\r\nn:%.*s\r\n\r\n", 160, v);
		assert_int_equal(unsigned_err(big), ERR_INVALID_REQUEST);
	}
	{
		char *p = big;

		p += sprintf(p, "0\r\n");
		for (i = 0; i < AWSCHUNK_TRAILER_MAX; i++)
			p += sprintf(p, "t%zu:%zu\r\n", i, i);
		sprintf(p, "\r\n");
		assert_int_equal(unsigned_err(big), ERR_OK);
		sprintf(p, "t%zu:%zu\r\n\r\n", i, i);
		assert_int_equal(unsigned_err(big), ERR_INVALID_REQUEST);
	}
	/* Malformed trailer lines. */
	assert_int_equal(unsigned_err("0\r\nnocolon\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("0\r\n:v\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("0\r\na b:v\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("0\r\na:v\x01w\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("0\r\na:v\x7f\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("0\r\na:1\r\nA:2\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("0\r\na:1\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("0\r\na:1\r\r\n\r\n"), ERR_INVALID_REQUEST);
}

static void
test_unsigned_framing_errors(void **state)
{
	(void)state;
	/* Bad hex, no size, blanks. */
	assert_int_equal(unsigned_err("zz\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err(" 5\r\nhello\r\n0\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("5 \r\nhello\r\n0\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("-5\r\nhello\r\n0\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("0x5\r\nhello\r\n0\r\n\r\n"), ERR_INVALID_REQUEST);
	/* Missing CR, or LF, after a size line or data. */
	assert_int_equal(unsigned_err("5\nhello\r\n0\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("5\rhello\r\n0\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("5\r\nhelloX\r\n0\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("5\r\nhello\n0\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("5\r\nhello\r0\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("5\r\nhello0\r\n\r\n"), ERR_INVALID_REQUEST);
	/* Data after the end. */
	assert_int_equal(unsigned_err("0\r\n\r\nX"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("0\r\n\r\n\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("0\r\n\r\n0\r\n\r\n"), ERR_INVALID_REQUEST);
	/* A NUL inside a line. */
	{
		struct awschunk c;
		struct sink s;
		bool fe;

		sink_init(&s, 16);
		awschunk_init(&c, AWSCHUNK_UNSIGNED_TRAILER, NULL, NULL, NULL, NULL);
		assert_int_equal(run(&c, "5\0\r\nhello\r\n", 11, 11, 0, &s, &fe),
				 ERR_INVALID_REQUEST);
		sink_fini(&s);
	}
	/* Truncated anywhere before the final chunk: incomplete. */
	assert_int_equal(unsigned_err(""), ERR_INCOMPLETE_BODY);
	assert_int_equal(unsigned_err("5"), ERR_INCOMPLETE_BODY);
	assert_int_equal(unsigned_err("5\r"), ERR_INCOMPLETE_BODY);
	assert_int_equal(unsigned_err("5\r\n"), ERR_INCOMPLETE_BODY);
	assert_int_equal(unsigned_err("5\r\nhel"), ERR_INCOMPLETE_BODY);
	assert_int_equal(unsigned_err("5\r\nhello"), ERR_INCOMPLETE_BODY);
	assert_int_equal(unsigned_err("5\r\nhello\r"), ERR_INCOMPLETE_BODY);
	assert_int_equal(unsigned_err("5\r\nhello\r\n"), ERR_INCOMPLETE_BODY);
	assert_int_equal(unsigned_err("5\r\nhello\r\n0"), ERR_INCOMPLETE_BODY);
	assert_int_equal(unsigned_err("5\r\nhello\r\n0\r"), ERR_INCOMPLETE_BODY);
	/* ... or in the middle of a trailer line, or of the closing line. */
	assert_int_equal(unsigned_err("0\r\nx-amz-checksum-crc32:NhC"), ERR_INCOMPLETE_BODY);
	assert_int_equal(unsigned_err("0\r\nx-amz-checksum-crc32:NhCmhg==\r"), ERR_INCOMPLETE_BODY);
	assert_int_equal(unsigned_err("0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r"),
			 ERR_INCOMPLETE_BODY);
}

static void
test_line_cap_and_sizes(void **state)
{
	char line[1200];
	size_t n;

	(void)state;
	/* A size line with its CRLF may take AWSCHUNK_LINE_MAX bytes, no more. */
	n = AWSCHUNK_LINE_MAX - 2;
	memset(line, '0', n);
	line[n - 1] = '1';
	strcpy(line + n, "\r\nx\r\n0\r\n\r\n");
	assert_int_equal(unsigned_err(line), ERR_OK);
	n = AWSCHUNK_LINE_MAX - 1;
	memset(line, '0', n);
	line[n - 1] = '1';
	strcpy(line + n, "\r\nx\r\n0\r\n\r\n");
	assert_int_equal(unsigned_err(line), ERR_INVALID_REQUEST);
	/* An endless line fails before its end arrives. */
	{
		struct awschunk c;
		struct sink s;
		size_t i;
		enum err e = ERR_OK;

		sink_init(&s, 16);
		awschunk_init(&c, AWSCHUNK_UNSIGNED_TRAILER, NULL, NULL, NULL, NULL);
		for (i = 0; i < 10000 && !e; i++)
			e = awschunk_feed(&c, "0", 1, sink_fn, &s);
		assert_int_equal(e, ERR_INVALID_REQUEST);
		assert_true(i <= AWSCHUNK_LINE_MAX);
		sink_fini(&s);
	}
	/* Same for trailer lines. */
	memset(line, 'v', sizeof(line));
	memcpy(line, "0\r\nn:", 5);
	strcpy(line + sizeof(line) - 5, "\r\n\r\n");
	assert_int_equal(unsigned_err(line), ERR_INVALID_REQUEST);
	/* Sizes: the largest that fits 64 bits parses (then the body is short);
	 * one more digit overflows. */
	assert_int_equal(unsigned_err("ffffffffffffffff\r\nabc"), ERR_INCOMPLETE_BODY);
	assert_int_equal(unsigned_err("FFFFFFFFFFFFFFFF\r\n"), ERR_INCOMPLETE_BODY);
	assert_int_equal(unsigned_err("10000000000000000\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("fffffffffffffffff\r\n"), ERR_INVALID_REQUEST);
	assert_int_equal(unsigned_err("00000000000000000000000000000005\r\nhello\r\n0\r\n\r\n"),
			 ERR_OK);
	/* The total decoded length may not wrap either. */
	assert_int_equal(unsigned_err("1\r\na\r\nffffffffffffffff\r\n"), ERR_INVALID_REQUEST);
}

static void
test_sticky_and_finish_twice(void **state)
{
	struct awschunk c;
	struct sink s;

	(void)state;
	sink_init(&s, 16);
	awschunk_init(&c, AWSCHUNK_UNSIGNED_TRAILER, NULL, NULL, NULL, NULL);
	assert_int_equal(awschunk_feed(&c, "q\r\n", 3, sink_fn, &s), ERR_INVALID_REQUEST);
	assert_int_equal(awschunk_feed(&c, "0\r\n\r\n", 5, sink_fn, &s), ERR_INVALID_REQUEST);
	assert_int_equal(awschunk_finish(&c), ERR_INVALID_REQUEST);
	awschunk_init(&c, AWSCHUNK_UNSIGNED_TRAILER, NULL, NULL, NULL, NULL);
	assert_int_equal(awschunk_feed(&c, "0\r\n\r\n", 5, sink_fn, &s), ERR_OK);
	assert_true(c.done);
	assert_int_equal(awschunk_finish(&c), ERR_OK);
	assert_int_equal(awschunk_finish(&c), ERR_OK);
	/* Feeding nothing changes nothing. */
	awschunk_init(&c, AWSCHUNK_UNSIGNED_TRAILER, NULL, NULL, NULL, NULL);
	assert_int_equal(awschunk_feed(&c, "", 0, sink_fn, &s), ERR_OK);
	assert_int_equal(awschunk_finish(&c), ERR_INCOMPLETE_BODY);
	assert_int_equal(s.calls, 0);
	sink_fini(&s);
}

/* Junk of every kind must end in an error or a clean finish, never in a read
 * out of bounds (ASan watches) or an oversized trailer. */
static void
test_noise(void **state)
{
	static const char alphabet[] = "0123456789abcdefABCDEF;=:\r\n\r\n\r\nxz- \t";
	char buf[300];
	uint32_t x = 12345;
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		struct awschunk c;
		struct sink s;
		size_t n, i;
		enum err e;
		bool fe;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		n = x % sizeof(buf);
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			buf[i] = (x & 15) == 0 ? (char)(x >> 8) : alphabet[(x >> 4) % (sizeof(alphabet) - 1)];
		}
		sink_init(&s, sizeof(buf));
		init_mode(&c, (enum awschunk_mode)(round % 3), SEED);
		e = run(&c, buf, n, 1 + round % 17, 0, &s, &fe);
		if (e == ERR_OK) {
			assert_true(c.done);
			assert_true(c.ntrailers <= AWSCHUNK_TRAILER_MAX);
		}
		sink_fini(&s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aws_signed_splits),
		cmocka_unit_test(test_aws_signed_uppercase_hex),
		cmocka_unit_test(test_aws_signed_tampered_data),
		cmocka_unit_test(test_aws_signed_tampered_signature),
		cmocka_unit_test(test_aws_signed_truncated),
		cmocka_unit_test(test_aws_signed_after_end),
		cmocka_unit_test(test_signed_framing),
		cmocka_unit_test(test_callback_error),
		cmocka_unit_test(test_key_wiped),
		cmocka_unit_test(test_aws_trailer),
		cmocka_unit_test(test_aws_trailer_variants),
		cmocka_unit_test(test_aws_trailer_tampered),
		cmocka_unit_test(test_unsigned_sdk_forms),
		cmocka_unit_test(test_unsigned_trailers),
		cmocka_unit_test(test_unsigned_framing_errors),
		cmocka_unit_test(test_line_cap_and_sizes),
		cmocka_unit_test(test_sticky_and_finish_twice),
		cmocka_unit_test(test_noise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
