/* test_cksum.c - checksum set: check values, AWS SDK vectors, streaming in odd
 * splits, CRC combination against direct computation, names and lengths.
 * Ends with a throughput report (MB/s per algorithm) that asserts nothing;
 * COFFER_BENCH_MB sets its size (default 256, 0 skips it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include "core/cksum.h"
#include "core/crypto.h"

static const enum cksum_alg crcs[] = {CK_CRC32, CK_CRC32C, CK_CRC64NVME};

/* Deterministic bytes, so a failure reproduces. */
static void
fill(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 24);
	}
}

/* Bit-at-a-time reference, independent of the tables and of isa-l. */
static uint64_t
ref_crc(enum cksum_alg a, const uint8_t *p, size_t n)
{
	uint64_t poly = a == CK_CRC32 ? 0xedb88320u :
	    a == CK_CRC32C ? 0x82f63b78u : 0x9a6c9329ac4bc9b5ull;
	uint64_t mask = a == CK_CRC64NVME ? ~0ull : 0xffffffffull;
	uint64_t c = mask;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ poly : c >> 1;
	}
	return ~c & mask;
}

static uint64_t
crc_of(enum cksum_alg a, const void *p, size_t n)
{
	uint8_t out[8];

	cksum_compute(a, p, n, out);
	return cksum_crc_from_bytes(a, out);
}

static void
b64_of(enum cksum_alg a, const char *s, char *out)
{
	uint8_t raw[CKSUM_MAX_LEN];

	cksum_compute(a, s, strlen(s), raw);
	b64_encode(raw, cksum_len(a), out);
}

static void
test_check_values(void **state)
{
	const char *s = "123456789";
	uint8_t out[CKSUM_MAX_LEN];
	char hex[2 * CKSUM_MAX_LEN + 1];

	assert_true(crc_of(CK_CRC32, s, 9) == 0xcbf43926u);
	assert_true(crc_of(CK_CRC32C, s, 9) == 0xe3069283u);
	assert_true(crc_of(CK_CRC64NVME, s, 9) == 0xae8b14860a799888ull);
	cksum_compute(CK_SHA1, s, 9, out);
	hex_encode(out, 20, hex);
	assert_string_equal(hex, "f7c3bc1d808e04732adf679965ccc34ca7ae3441");
	cksum_compute(CK_SHA256, s, 9, out);
	hex_encode(out, 32, hex);
	assert_string_equal(hex,
	    "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225");
	/* empty input: every CRC is 0 */
	assert_true(crc_of(CK_CRC32, "", 0) == 0);
	assert_true(crc_of(CK_CRC32C, "", 0) == 0);
	assert_true(crc_of(CK_CRC64NVME, "", 0) == 0);
}

static void
test_md5_values(void **state)
{
	static const struct { const char *in, *hex; } v[] = {
		{"", "d41d8cd98f00b204e9800998ecf8427e"},
		{"abc", "900150983cd24fb0d6963f7d28e17f72"},
		{"The quick brown fox jumps over the lazy dog",
		 "9e107d9d372bb6826bd81d3542a419d6"},
	};
	struct digest d;
	struct digest_out o;
	char hex[33];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(digest_init(&d, true, false, CK_NONE), ERR_OK);
		digest_update(&d, v[i].in, strlen(v[i].in));
		digest_final(&d, &o);
		hex_encode(o.md5, 16, hex);
		assert_string_equal(hex, v[i].hex);
		assert_int_equal(o.cklen, 0);
		digest_fini(&d); /* safe after final */
	}
}

/* Header values the AWS SDKs' own tests expect for "", "abc", "Hello world". */
static void
test_aws_sdk_vectors(void **state)
{
	static const struct { enum cksum_alg a; const char *in, *b64; } v[] = {
		{CK_CRC32, "", "AAAAAA=="},
		{CK_CRC32, "abc", "NSRBwg=="},
		{CK_CRC32, "Hello world", "i9aeUg=="},
		{CK_CRC32C, "", "AAAAAA=="},
		{CK_CRC32C, "abc", "Nks/tw=="},
		{CK_CRC32C, "Hello world", "crUfeA=="},
		{CK_CRC64NVME, "", "AAAAAAAAAAA="},
		{CK_CRC64NVME, "abc", "BeXKuz/B+us="},
		{CK_CRC64NVME, "Hello world", "OOJZ0D8xKts="},
		{CK_SHA1, "", "2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
		{CK_SHA1, "abc", "qZk+NkcGgWq6PiVxeFDCbJzQ2J0="},
		{CK_SHA1, "Hello world", "e1AsOh9IyGCa4hLN+2Od7jlnP14="},
		{CK_SHA256, "", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
		{CK_SHA256, "abc", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="},
		{CK_SHA256, "Hello world", "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw="},
	};
	char b64[CKSUM_B64_MAX];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		b64_of(v[i].a, v[i].in, b64);
		assert_string_equal(b64, v[i].b64);
		assert_true(strlen(b64) < CKSUM_B64_MAX);
	}
}

/* Every length up to 600 at every alignment 0..15, plus a few large ones:
 * exercises the byte loop, the 16-byte loop and isa-l's SIMD paths. */
static void
test_crc_vs_reference(void **state)
{
	static const size_t big[] = {1023, 4096, 65537, 1000003};
	size_t n, off, i, k;
	uint8_t *buf = malloc(1000003 + 16);

	assert_non_null(buf);
	fill(buf, 1000003 + 16, 42);
	for (k = 0; k < 3; k++) {
		for (n = 0; n <= 600; n++)
			for (off = 0; off < 16; off++)
				assert_true(crc_of(crcs[k], buf + off, n) ==
				    ref_crc(crcs[k], buf + off, n));
		for (i = 0; i < sizeof(big) / sizeof(big[0]); i++)
			assert_true(crc_of(crcs[k], buf + 3, big[i]) ==
			    ref_crc(crcs[k], buf + 3, big[i]));
	}
	free(buf);
}

static void
one_shot(enum cksum_alg a, const uint8_t *p, size_t n, struct digest_out *o)
{
	struct digest d;

	assert_int_equal(digest_init(&d, true, true, a), ERR_OK);
	digest_update(&d, p, n);
	digest_final(&d, o);
}

static void
test_streaming_splits(void **state)
{
	static const size_t steps[] = {1, 2, 3, 5, 7, 13, 15, 16, 17, 31, 64, 1000, 4099};
	const size_t n = 100003;
	uint8_t *buf = malloc(n);
	struct digest_out whole, part;
	uint8_t md5[16], sha[32];
	int a;
	size_t s;

	assert_non_null(buf);
	fill(buf, n, 7);
	EVP_Digest(buf, n, md5, NULL, EVP_md5(), NULL);
	EVP_Digest(buf, n, sha, NULL, EVP_sha256(), NULL);
	for (a = CK_NONE; a < CK__COUNT; a++) {
		one_shot((enum cksum_alg)a, buf, n, &whole);
		assert_memory_equal(whole.md5, md5, 16);
		assert_memory_equal(whole.sha256, sha, 32);
		if (a != CK_NONE) {
			uint8_t ck[CKSUM_MAX_LEN];
			cksum_compute((enum cksum_alg)a, buf, n, ck);
			assert_int_equal(whole.cklen, cksum_len((enum cksum_alg)a));
			assert_memory_equal(whole.ck, ck, whole.cklen);
		}
		for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
			struct digest d;
			size_t pos = 0, step = steps[s];
			assert_int_equal(digest_init(&d, true, true, (enum cksum_alg)a), ERR_OK);
			/* varying piece sizes: step, step+1, ..., with empty updates mixed in */
			while (pos < n) {
				size_t k = step + pos % 3;
				if (k > n - pos)
					k = n - pos;
				digest_update(&d, buf + pos, k);
				digest_update(&d, buf + pos, 0);
				pos += k;
			}
			assert_true(d.nbytes == n);
			digest_final(&d, &part);
			assert_memory_equal(&part, &whole, sizeof(part));
		}
	}
	free(buf);
}

/* alg == CK_SHA256 with want_sha256 shares one context: no double hashing. */
static void
test_sha256_once(void **state)
{
	struct digest d;
	struct digest_out o;
	char b64[CKSUM_B64_MAX];

	assert_int_equal(digest_init(&d, false, true, CK_SHA256), ERR_OK);
	assert_non_null(d.sha256);
	assert_null(d.sha1);
	assert_null(d.md5);
	digest_update(&d, "Hello world", 11);
	digest_final(&d, &o);
	assert_null(d.sha256);
	assert_int_equal(o.cklen, 32);
	assert_memory_equal(o.ck, o.sha256, 32);
	b64_encode(o.ck, 32, b64);
	assert_string_equal(b64, "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=");

	/* the checksum alone still works without the payload hash asked for */
	assert_int_equal(digest_init(&d, false, false, CK_SHA256), ERR_OK);
	digest_update(&d, "Hello world", 11);
	digest_final(&d, &o);
	b64_encode(o.ck, 32, b64);
	assert_string_equal(b64, "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=");

	/* SHA1 gets its own context, CRCs none */
	assert_int_equal(digest_init(&d, false, false, CK_SHA1), ERR_OK);
	assert_non_null(d.sha1);
	assert_null(d.sha256);
	digest_fini(&d);
	assert_null(d.sha1);
	digest_fini(&d);
	assert_int_equal(digest_init(&d, false, false, CK_CRC64NVME), ERR_OK);
	assert_null(d.sha1);
	assert_null(d.sha256);
	assert_null(d.md5);
	digest_fini(&d);
}

static void
test_digest_bad_alg(void **state)
{
	struct digest d;

	assert_int_not_equal(digest_init(&d, true, true, CK__COUNT), ERR_OK);
	digest_fini(&d);   /* safe after a failed init */
	assert_null(d.md5);
}

static void
test_combine(void **state)
{
	const size_t n = 5000;
	uint8_t *buf = malloc(n);
	size_t k, cut, len;

	assert_non_null(buf);
	fill(buf, n, 99);
	for (k = 0; k < 3; k++) {
		enum cksum_alg a = crcs[k];
		for (len = 0; len <= n; len += len < 70 ? 1 : 331) {
			uint64_t whole = crc_of(a, buf, len);
			for (cut = 0; cut <= len; cut += cut < 20 ? 1 : 97) {
				uint64_t ca = crc_of(a, buf, cut);
				uint64_t cb = crc_of(a, buf + cut, len - cut);
				assert_true(cksum_crc_combine(a, ca, cb, len - cut) == whole);
			}
			/* the cut at the very end, len_b == 0 */
			assert_true(cksum_crc_combine(a, whole, 0, 0) == whole);
		}
		/* three parts, folded left, as a multipart FULL_OBJECT checksum is */
		{
			uint64_t c1 = crc_of(a, buf, 1000), c2 = crc_of(a, buf + 1000, 1),
			    c3 = crc_of(a, buf + 1001, n - 1001);
			uint64_t c = cksum_crc_combine(a, c1, c2, 1);
			c = cksum_crc_combine(a, c, c3, n - 1001);
			assert_true(c == crc_of(a, buf, n));
		}
		/* empty A */
		assert_true(cksum_crc_combine(a, 0, crc_of(a, buf, 77), 77) == crc_of(a, buf, 77));
	}
	assert_true(cksum_crc_combine(CK_SHA1, 1, 2, 3) == 0);
	free(buf);
}

/* A long B (32 MiB of pattern): the length's high bits take the x^(2^k) table far. */
static void
test_combine_long(void **state)
{
	const size_t n = 32u << 20;
	uint8_t *buf = malloc(n);
	size_t k;

	assert_non_null(buf);
	fill(buf, n, 3);
	for (k = 0; k < 3; k++) {
		enum cksum_alg a = crcs[k];
		uint64_t ca = crc_of(a, buf, 12345), cb = crc_of(a, buf + 12345, n - 12345);
		assert_true(cksum_crc_combine(a, ca, cb, n - 12345) == crc_of(a, buf, n));
	}
	free(buf);
}

static void
test_bytes_roundtrip(void **state)
{
	uint8_t b[8];

	cksum_crc_to_bytes(CK_CRC32, 0xcbf43926u, b);
	assert_int_equal(b[0], 0xcb);
	assert_int_equal(b[3], 0x26);
	assert_true(cksum_crc_from_bytes(CK_CRC32, b) == 0xcbf43926u);
	cksum_crc_to_bytes(CK_CRC64NVME, 0xae8b14860a799888ull, b);
	assert_int_equal(b[0], 0xae);
	assert_int_equal(b[7], 0x88);
	assert_true(cksum_crc_from_bytes(CK_CRC64NVME, b) == 0xae8b14860a799888ull);
}

static void
test_names(void **state)
{
	assert_int_equal(cksum_from_name("crc32", 5), CK_CRC32);
	assert_int_equal(cksum_from_name("CRC32", 5), CK_CRC32);
	assert_int_equal(cksum_from_name("Crc32C", 6), CK_CRC32C);
	assert_int_equal(cksum_from_name("crc64nvme", 9), CK_CRC64NVME);
	assert_int_equal(cksum_from_name("CRC64NVME", 9), CK_CRC64NVME);
	assert_int_equal(cksum_from_name("sha1", 4), CK_SHA1);
	assert_int_equal(cksum_from_name("Sha256", 6), CK_SHA256);
	/* length is honoured: a prefix of a longer buffer */
	assert_int_equal(cksum_from_name("CRC32C", 5), CK_CRC32);
	assert_int_equal(cksum_from_name("SHA256,x", 6), CK_SHA256);
	assert_int_equal(cksum_from_name("crc", 3), CK_NONE);
	assert_int_equal(cksum_from_name("crc32cc", 7), CK_NONE);
	assert_int_equal(cksum_from_name("md5", 3), CK_NONE);
	assert_int_equal(cksum_from_name("", 0), CK_NONE);
	assert_int_equal(cksum_from_name(NULL, 0), CK_NONE);

	assert_string_equal(cksum_name(CK_CRC32), "CRC32");
	assert_string_equal(cksum_name(CK_CRC32C), "CRC32C");
	assert_string_equal(cksum_name(CK_CRC64NVME), "CRC64NVME");
	assert_string_equal(cksum_name(CK_SHA1), "SHA1");
	assert_string_equal(cksum_name(CK_SHA256), "SHA256");
	assert_string_equal(cksum_name(CK_NONE), "");
	assert_string_equal(cksum_header(CK_CRC32), "x-amz-checksum-crc32");
	assert_string_equal(cksum_header(CK_CRC32C), "x-amz-checksum-crc32c");
	assert_string_equal(cksum_header(CK_CRC64NVME), "x-amz-checksum-crc64nvme");
	assert_string_equal(cksum_header(CK_SHA1), "x-amz-checksum-sha1");
	assert_string_equal(cksum_header(CK_SHA256), "x-amz-checksum-sha256");
}

static void
test_lengths(void **state)
{
	assert_int_equal(cksum_len(CK_NONE), 0);
	assert_int_equal(cksum_len(CK_CRC32), 4);
	assert_int_equal(cksum_len(CK_CRC32C), 4);
	assert_int_equal(cksum_len(CK_CRC64NVME), 8);
	assert_int_equal(cksum_len(CK_SHA1), 20);
	assert_int_equal(cksum_len(CK_SHA256), 32);
	assert_int_equal(cksum_len(CK__COUNT), 0);
	assert_true(cksum_is_crc(CK_CRC32));
	assert_true(cksum_is_crc(CK_CRC32C));
	assert_true(cksum_is_crc(CK_CRC64NVME));
	assert_false(cksum_is_crc(CK_SHA1));
	assert_false(cksum_is_crc(CK_SHA256));
	assert_false(cksum_is_crc(CK_NONE));
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Streams mb MiB through a digest in 1 MiB pieces, the way a PUT body
 * arrives, cycling over a 64 MiB buffer so the bytes come from memory, not
 * cache. Prints MB/s (10^6 bytes). Under ASan our own code (CRC64NVME) runs
 * well below a release build; isa-l and OpenSSL are not instrumented. */
#define BENCH_BUF_MB 64

static void
bench_one(const char *label, const uint8_t *buf, size_t mb, bool md5, bool sha,
	  enum cksum_alg a)
{
	struct digest d;
	struct digest_out o;
	double t;
	size_t i;

	assert_int_equal(digest_init(&d, md5, sha, a), ERR_OK);
	t = now();
	for (i = 0; i < mb; i++)
		digest_update(&d, buf + (i % BENCH_BUF_MB) * (1u << 20), 1u << 20);
	digest_final(&d, &o);
	t = now() - t;
	printf("[ BENCH    ] %-24s %8.0f MB/s\n", label,
	       (double)mb * (1 << 20) / 1e6 / (t > 0 ? t : 1e-9));
}

static void
test_throughput(void **state)
{
	const char *env = getenv("COFFER_BENCH_MB");
	size_t mb = env ? (size_t)strtoul(env, NULL, 10) : 256;
	uint8_t *buf;

	if (!mb)
		skip();
	buf = malloc((size_t)BENCH_BUF_MB << 20);
	assert_non_null(buf);
	fill(buf, (size_t)BENCH_BUF_MB << 20, 5);
	printf("[ BENCH    ] %zu MiB each\n", mb);
	bench_one("CRC32", buf, mb, false, false, CK_CRC32);
	bench_one("CRC32C", buf, mb, false, false, CK_CRC32C);
	bench_one("CRC64NVME", buf, mb, false, false, CK_CRC64NVME);
	bench_one("SHA1", buf, mb, false, false, CK_SHA1);
	bench_one("SHA256", buf, mb, false, false, CK_SHA256);
	bench_one("MD5", buf, mb, true, false, CK_NONE);
	bench_one("MD5+SHA256+CRC64NVME", buf, mb, true, true, CK_CRC64NVME);
	free(buf);
}

/* Checksum headers are base64: one spelling per value, so a value with
 * non-zero bits after its last byte is refused (found by fuzz_names). */
static void
test_b64_strict(void **state)
{
	uint8_t out[8];

	(void)state;
	assert_int_equal(b64_decode("AAAAAA==", 8, out, sizeof(out)), 4);
	assert_int_equal(b64_decode("AAAAAB==", 8, out, sizeof(out)), -1);
	assert_int_equal(b64_decode("AAAAAAA=", 8, out, sizeof(out)), 5);
	assert_int_equal(b64_decode("AAAAAAB=", 8, out, sizeof(out)), -1);
	assert_int_equal(b64_decode("sOO8/Q==", 8, out, sizeof(out)), 4);
	assert_int_equal(b64_decode("sOO8/R==", 8, out, sizeof(out)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_values),
		cmocka_unit_test(test_md5_values),
		cmocka_unit_test(test_aws_sdk_vectors),
		cmocka_unit_test(test_crc_vs_reference),
		cmocka_unit_test(test_streaming_splits),
		cmocka_unit_test(test_sha256_once),
		cmocka_unit_test(test_digest_bad_alg),
		cmocka_unit_test(test_combine),
		cmocka_unit_test(test_b64_strict),
		cmocka_unit_test(test_combine_long),
		cmocka_unit_test(test_bytes_roundtrip),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_throughput),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
