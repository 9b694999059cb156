/* cksum.c - the S3 checksum set and the one-pass digest run over streamed bodies.
 * CRC32 and CRC32C come from isa-l (SIMD); CRC64NVME is ours (isa-l 2.30 has
 * no NVMe polynomial): carry-less multiplication folding where the CPU has
 * PCLMULQDQ, slicing-by-16 tables elsewhere; the hashes are OpenSSL EVP. Owns only process-wide tables built once; knows
 * nothing of headers beyond their names, nor of base64 (crypto.c). */
#include <pthread.h>
#include <strings.h>
#include <string.h>
#include <isa-l/crc.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define HAVE_CLMUL_PATH 1
#endif
#include <openssl/evp.h>
#include "core/cksum.h"

/* Reflected polynomials: bit 31 (or 63) is the x^0 coefficient. */
#define POLY_CRC32     0xedb88320u
#define POLY_CRC32C    0x82f63b78u
#define POLY_CRC64NVME 0x9a6c9329ac4bc9b5ull

/* x^(2^k) mod p for k = 0..66: enough for a length of 2^64 bytes = 2^67 bits. */
#define X2N_LEN 67

struct alg_info {
	const char *name;
	const char *header;
	size_t len;
	uint64_t poly;     /* CRCs only */
	unsigned width;    /* CRCs only */
};

static const struct alg_info algs[CK__COUNT] = {
	[CK_NONE]      = {"", "", 0, 0, 0},
	[CK_CRC32]     = {"CRC32", "x-amz-checksum-crc32", 4, POLY_CRC32, 32},
	[CK_CRC32C]    = {"CRC32C", "x-amz-checksum-crc32c", 4, POLY_CRC32C, 32},
	[CK_CRC64NVME] = {"CRC64NVME", "x-amz-checksum-crc64nvme", 8, POLY_CRC64NVME, 64},
	[CK_SHA1]      = {"SHA1", "x-amz-checksum-sha1", 20, 0, 0},
	[CK_SHA256]    = {"SHA256", "x-amz-checksum-sha256", 32, 0, 0},
};

/* Built once by init_once(); read-only afterwards, so threads share them freely. */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static uint64_t crc64_tab[16][256];
static uint64_t x2n[CK__COUNT][X2N_LEN];
/* CRC64NVME folding constants, reflected: x^(T+63) and x^(T-1) mod p for
 * folding forward by T = 128 and T = 512 bits (see crc64_clmul). */
static uint64_t k128_lo, k128_hi, k512_lo, k512_hi;
static bool use_clmul;
static EVP_MD *md_md5, *md_sha1, *md_sha256;

static inline bool
alg_ok(enum cksum_alg a)
{
	return (unsigned)a < CK__COUNT;
}

const char *
cksum_name(enum cksum_alg a)
{
	return alg_ok(a) ? algs[a].name : "";
}

const char *
cksum_header(enum cksum_alg a)
{
	return alg_ok(a) ? algs[a].header : "";
}

enum cksum_alg
cksum_from_name(const char *s, size_t n)
{
	int a;

	if (!s)
		return CK_NONE;
	for (a = CK_NONE + 1; a < CK__COUNT; a++)
		if (strlen(algs[a].name) == n && strncasecmp(s, algs[a].name, n) == 0)
			return (enum cksum_alg)a;
	return CK_NONE;
}

size_t
cksum_len(enum cksum_alg a)
{
	return alg_ok(a) ? algs[a].len : 0;
}

bool
cksum_is_crc(enum cksum_alg a)
{
	return a == CK_CRC32 || a == CK_CRC32C || a == CK_CRC64NVME;
}

/* Product a*b mod p of two polynomials in reflected form (x^0 in the top
 * bit of the width). a must be non-zero, which every power of x is. */
static uint64_t
mulmodp(const struct alg_info *c, uint64_t a, uint64_t b)
{
	uint64_t m = 1ull << (c->width - 1), p = 0;

	if (!a)
		return 0;
	for (;;) {
		if (a & m) {
			p ^= b;
			if (!(a & (m - 1)))
				break;
		}
		m >>= 1;
		b = b & 1 ? (b >> 1) ^ c->poly : b >> 1;
	}
	return p;
}

/* x^e mod p, reflected, from the table of x^(2^k). */
static uint64_t
xpow(const struct alg_info *c, enum cksum_alg a, unsigned e)
{
	uint64_t r = 1ull << (c->width - 1); /* x^0 */
	int k;

	for (k = 0; e; k++, e >>= 1)
		if (e & 1)
			r = mulmodp(c, r, x2n[a][k]);
	return r;
}

static void
init_once(void)
{
	int a, k, b;

	for (b = 0; b < 256; b++) {
		uint64_t c = (uint64_t)b;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ POLY_CRC64NVME : c >> 1;
		crc64_tab[0][b] = c;
	}
	/* tab[k][b]: the CRC contribution of byte b followed by k zero bytes. */
	for (b = 0; b < 256; b++)
		for (k = 1; k < 16; k++)
			crc64_tab[k][b] = (crc64_tab[k - 1][b] >> 8) ^
			    crc64_tab[0][crc64_tab[k - 1][b] & 0xff];

	for (a = CK_NONE + 1; a < CK__COUNT; a++) {
		if (!cksum_is_crc((enum cksum_alg)a))
			continue;
		x2n[a][0] = 1ull << (algs[a].width - 2);  /* x^1 */
		for (k = 1; k < X2N_LEN; k++)
			x2n[a][k] = mulmodp(&algs[a], x2n[a][k - 1], x2n[a][k - 1]);
	}

	k128_lo = xpow(&algs[CK_CRC64NVME], CK_CRC64NVME, 128 + 63);
	k128_hi = xpow(&algs[CK_CRC64NVME], CK_CRC64NVME, 128 - 1);
	k512_lo = xpow(&algs[CK_CRC64NVME], CK_CRC64NVME, 512 + 63);
	k512_hi = xpow(&algs[CK_CRC64NVME], CK_CRC64NVME, 512 - 1);
#ifdef HAVE_CLMUL_PATH
	__builtin_cpu_init();
	use_clmul = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
#endif

	/* Explicit fetches avoid OpenSSL 3's per-init implicit lookup; a NULL
	 * here (say, MD5 in a FIPS-only setup) surfaces as ERR_INTERNAL later. */
	md_md5 = EVP_MD_fetch(NULL, "MD5", NULL);
	md_sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static inline uint64_t
load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* The CRC-64/NVME register (no inversions) advanced over p. Sixteen bytes
 * per step through sixteen tables (32 KiB) keeps the dependency chain short. */
static uint64_t
crc64_tables(uint64_t crc, const uint8_t *p, size_t n)
{
	while (n >= 16) {
		uint64_t a = load_le64(p) ^ crc, b = load_le64(p + 8);
		crc = crc64_tab[15][a & 0xff] ^ crc64_tab[14][(a >> 8) & 0xff] ^
		    crc64_tab[13][(a >> 16) & 0xff] ^ crc64_tab[12][(a >> 24) & 0xff] ^
		    crc64_tab[11][(a >> 32) & 0xff] ^ crc64_tab[10][(a >> 40) & 0xff] ^
		    crc64_tab[9][(a >> 48) & 0xff] ^ crc64_tab[8][a >> 56] ^
		    crc64_tab[7][b & 0xff] ^ crc64_tab[6][(b >> 8) & 0xff] ^
		    crc64_tab[5][(b >> 16) & 0xff] ^ crc64_tab[4][(b >> 24) & 0xff] ^
		    crc64_tab[3][(b >> 32) & 0xff] ^ crc64_tab[2][(b >> 40) & 0xff] ^
		    crc64_tab[1][(b >> 48) & 0xff] ^ crc64_tab[0][b >> 56];
		p += 16;
		n -= 16;
	}
	while (n--)
		crc = crc64_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

#ifdef HAVE_CLMUL_PATH
/* X * x^T mod p, as a 128-bit value that stands in for X T bits later:
 * lo(X) * x^(T+64) + hi(X) * x^T. A carry-less product of two reflected
 * 64-bit polynomials comes out multiplied by x once more, which the
 * constants x^(T+63) and x^(T-1) absorb. */
__attribute__((target("pclmul,sse2"))) static inline __m128i
fold(__m128i x, __m128i k)
{
	return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

/* The register advanced over p (n >= 64), 64 bytes a step in four
 * independent lanes, then folded to one 16-byte value whose CRC the tables
 * finish. The register enters as an XOR into the first 8 bytes, as it does
 * in the byte-at-a-time definition. About 20 times the tables' speed. */
__attribute__((target("pclmul,sse2"))) static uint64_t
crc64_clmul(uint64_t crc, const uint8_t *p, size_t n)
{
	const __m128i k4 = _mm_set_epi64x((long long)k512_hi, (long long)k512_lo);
	const __m128i k1 = _mm_set_epi64x((long long)k128_hi, (long long)k128_lo);
	__m128i x0, x1, x2, x3;
	uint8_t last[16];

	x0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)p), _mm_set_epi64x(0, (long long)crc));
	x1 = _mm_loadu_si128((const __m128i *)(p + 16));
	x2 = _mm_loadu_si128((const __m128i *)(p + 32));
	x3 = _mm_loadu_si128((const __m128i *)(p + 48));
	p += 64;
	n -= 64;
	while (n >= 64) {
		x0 = _mm_xor_si128(fold(x0, k4), _mm_loadu_si128((const __m128i *)p));
		x1 = _mm_xor_si128(fold(x1, k4), _mm_loadu_si128((const __m128i *)(p + 16)));
		x2 = _mm_xor_si128(fold(x2, k4), _mm_loadu_si128((const __m128i *)(p + 32)));
		x3 = _mm_xor_si128(fold(x3, k4), _mm_loadu_si128((const __m128i *)(p + 48)));
		p += 64;
		n -= 64;
	}
	x0 = _mm_xor_si128(fold(x0, k1), x1);
	x0 = _mm_xor_si128(fold(x0, k1), x2);
	x0 = _mm_xor_si128(fold(x0, k1), x3);
	while (n >= 16) {
		x0 = _mm_xor_si128(fold(x0, k1), _mm_loadu_si128((const __m128i *)p));
		p += 16;
		n -= 16;
	}
	_mm_storeu_si128((__m128i *)last, x0);
	return crc64_tables(crc64_tables(0, last, 16), p, n);
}
#endif

/* CRC-64/NVME, continuing from a previous final value (0 to start), like
 * zlib's crc32(): init and final xor of ~0 are applied here. */
static uint64_t
crc64nvme(uint64_t crc, const uint8_t *p, size_t n)
{
#ifdef HAVE_CLMUL_PATH
	if (use_clmul && n >= 64)
		return ~crc64_clmul(~crc, p, n);
#endif
	return ~crc64_tables(~crc, p, n);
}

/* CRC32C, same continuation convention. isa-l's crc32_iscsi neither inverts
 * on entry nor on exit and takes an int length, so both are handled here. */
static uint32_t
crc32c(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n) {
		size_t k = n > (1u << 30) ? (1u << 30) : n;
		crc = crc32_iscsi((unsigned char *)p, (int)k, crc);
		p += k;
		n -= k;
	}
	return ~crc;
}

/* Continue CRC value crc of alg over p. All three share zlib's convention:
 * the value is a finished CRC, 0 for no bytes. */
static uint64_t
crc_update(enum cksum_alg a, uint64_t crc, const uint8_t *p, size_t n)
{
	switch (a) {
	case CK_CRC32:
		/* crc32_gzip_refl inverts on entry and exit itself, as zlib does. */
		return crc32_gzip_refl((uint32_t)crc, p, n);
	case CK_CRC32C:
		return crc32c((uint32_t)crc, p, n);
	case CK_CRC64NVME:
		return crc64nvme(crc, p, n);
	default:
		return 0;
	}
}

uint64_t
cksum_crc_combine(enum cksum_alg alg, uint64_t crc_a, uint64_t crc_b, uint64_t len_b)
{
	const struct alg_info *c;
	uint64_t mask, xn;
	int k = 3;   /* bytes to bits: start at x^(2^3) */

	if (!cksum_is_crc(alg))
		return 0;
	pthread_once(&once, init_once);
	c = &algs[alg];
	mask = c->width == 64 ? ~0ull : (1ull << c->width) - 1;
	/* Because init == final xor for all three, the conditioning cancels and
	 * crc(A||B) = crc(A) * x^(8 len_b) mod p  ^  crc(B). */
	xn = 1ull << (c->width - 1);   /* x^0 */
	for (; len_b; len_b >>= 1, k++)
		if (len_b & 1)
			xn = mulmodp(c, x2n[alg][k], xn);
	return (mulmodp(c, xn, crc_a & mask) ^ crc_b) & mask;
}

uint64_t
cksum_crc_from_bytes(enum cksum_alg alg, const uint8_t *p)
{
	uint64_t v = 0;
	size_t i, n = cksum_is_crc(alg) ? algs[alg].len : 0;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

void
cksum_crc_to_bytes(enum cksum_alg alg, uint64_t v, uint8_t *out)
{
	size_t i, n = cksum_is_crc(alg) ? algs[alg].len : 0;

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static enum err
md_new(const EVP_MD *md, EVP_MD_CTX **out)
{
	EVP_MD_CTX *c;

	if (!md)
		return ERR_INTERNAL;
	if (!(c = EVP_MD_CTX_new()))
		return ERR_NOMEM;
	if (EVP_DigestInit_ex(c, md, NULL) != 1) {
		EVP_MD_CTX_free(c);
		return ERR_INTERNAL;
	}
	*out = c;
	return ERR_OK;
}

enum err
digest_init(struct digest *d, bool md5, bool sha256, enum cksum_alg alg)
{
	enum err e = ERR_OK;

	memset(d, 0, sizeof(*d));
	if (!alg_ok(alg))
		return ERR_INTERNAL;
	d->want_md5 = md5;
	d->want_sha256 = sha256;
	d->alg = alg;
	pthread_once(&once, init_once);
	if (md5 && (e = md_new(md_md5, &d->md5)))
		goto fail;
	/* A SHA256 checksum is the same hash as the payload SHA-256: one context. */
	if ((sha256 || alg == CK_SHA256) && (e = md_new(md_sha256, &d->sha256)))
		goto fail;
	if (alg == CK_SHA1 && (e = md_new(md_sha1, &d->sha1)))
		goto fail;
	return ERR_OK;
fail:
	digest_fini(d);
	return e;
}

void
digest_update(struct digest *d, const void *p, size_t n)
{
	if (!n)
		return;
	if (d->md5)
		EVP_DigestUpdate(d->md5, p, n);
	if (d->sha256)
		EVP_DigestUpdate(d->sha256, p, n);
	if (d->sha1)
		EVP_DigestUpdate(d->sha1, p, n);
	if (cksum_is_crc(d->alg))
		d->crc = crc_update(d->alg, d->crc, p, n);
	d->nbytes += n;
}

void
digest_final(struct digest *d, struct digest_out *out)
{
	memset(out, 0, sizeof(*out));
	if (d->md5)
		EVP_DigestFinal_ex(d->md5, out->md5, NULL);
	if (d->sha256)
		EVP_DigestFinal_ex(d->sha256, out->sha256, NULL);
	switch (d->alg) {
	case CK_SHA256:
		memcpy(out->ck, out->sha256, 32);
		break;
	case CK_SHA1:
		if (d->sha1)
			EVP_DigestFinal_ex(d->sha1, out->ck, NULL);
		break;
	case CK_CRC32:
	case CK_CRC32C:
	case CK_CRC64NVME:
		cksum_crc_to_bytes(d->alg, d->crc, out->ck);
		break;
	default:
		break;
	}
	out->cklen = cksum_len(d->alg);
	digest_fini(d);
}

void
digest_fini(struct digest *d)
{
	EVP_MD_CTX_free(d->md5);
	EVP_MD_CTX_free(d->sha256);
	EVP_MD_CTX_free(d->sha1);
	d->md5 = d->sha256 = d->sha1 = NULL;
}

void
cksum_compute(enum cksum_alg alg, const void *p, size_t n, uint8_t *out)
{
	const EVP_MD *md = NULL;

	if (!alg_ok(alg) || alg == CK_NONE)
		return;
	pthread_once(&once, init_once);
	if (cksum_is_crc(alg)) {
		cksum_crc_to_bytes(alg, crc_update(alg, 0, p, n), out);
		return;
	}
	md = alg == CK_SHA1 ? md_sha1 : md_sha256;
	if (!md || EVP_Digest(p, n, out, NULL, md, NULL) != 1)
		memset(out, 0, algs[alg].len);
}
