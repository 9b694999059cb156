/* cksum.h - the S3 checksum set (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) plus
 * MD5 (ETag) and payload SHA-256 (SigV4), computed together in one pass over
 * streamed bytes. CRCs use isa-l where it has them; CRC64NVME is our own
 * table-driven code since isa-l in Debian 12 lacks crc64_rocksoft. */
#ifndef COFFER_CKSUM_H
#define COFFER_CKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include "core/err.h"

enum cksum_alg {
	CK_NONE = 0,
	CK_CRC32,
	CK_CRC32C,
	CK_CRC64NVME,
	CK_SHA1,
	CK_SHA256,
	CK__COUNT
};

#define CKSUM_MAX_LEN 32   /* raw bytes of the longest (SHA256) */
#define CKSUM_B64_MAX 48   /* base64 text of the longest, with NUL */

/* "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256" (as in x-amz-checksum-algorithm) */
const char *cksum_name(enum cksum_alg a);
/* "x-amz-checksum-crc32", ... */
const char *cksum_header(enum cksum_alg a);
/* XML element suffix: "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256" (ChecksumCRC32 ...) */
/* Case-insensitive name -> alg; CK_NONE when unknown. */
enum cksum_alg cksum_from_name(const char *s, size_t n);
/* Raw length in bytes: 4, 4, 8, 20, 32. */
size_t cksum_len(enum cksum_alg a);
/* CRC algorithms can be combined for FULL_OBJECT multipart checksums. */
bool cksum_is_crc(enum cksum_alg a);

/* One pass over the bytes computes what was asked for. */
struct digest {
	bool want_md5, want_sha256;
	enum cksum_alg alg;     /* CK_NONE for no S3 checksum */
	EVP_MD_CTX *md5, *sha256, *sha1;
	uint64_t crc;           /* running CRC state for CRC algorithms */
	uint64_t nbytes;
};

struct digest_out {
	uint8_t md5[16];
	uint8_t sha256[32];     /* payload SHA-256 (when want_sha256) */
	uint8_t ck[CKSUM_MAX_LEN];  /* raw checksum of `alg` (big-endian for CRCs, as S3 encodes) */
	size_t cklen;
};

enum err digest_init(struct digest *d, bool md5, bool sha256, enum cksum_alg alg);
void digest_update(struct digest *d, const void *p, size_t n);
/* Finishes and frees the contexts. */
void digest_final(struct digest *d, struct digest_out *out);
/* Frees without a result (error paths). Safe after digest_final. */
void digest_fini(struct digest *d);

/* Combine CRCs: crc(A||B) from crc(A), crc(B) and len(B). Values are the
 * final CRC values as integers (not byte strings). alg must be a CRC. */
uint64_t cksum_crc_combine(enum cksum_alg alg, uint64_t crc_a, uint64_t crc_b, uint64_t len_b);

/* Raw big-endian bytes <-> integer for CRC algorithms. */
uint64_t cksum_crc_from_bytes(enum cksum_alg alg, const uint8_t *p);
void cksum_crc_to_bytes(enum cksum_alg alg, uint64_t v, uint8_t *out);

/* One-shot, for tests and small inputs: raw checksum of alg over p. */
void cksum_compute(enum cksum_alg alg, const void *p, size_t n, uint8_t *out);

#endif
