/* crypto.h - thin wrappers over OpenSSL libcrypto: hashes, HMAC, CSPRNG,
 * constant-time compare, AES-256-GCM sealing of secrets, hex and base64.
 * Nothing here allocates except where a function says so. */
#ifndef COFFER_CRYPTO_H
#define COFFER_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define SHA256_LEN 32
#define MD5_LEN 16
#define GCM_NONCE_LEN 12
#define GCM_TAG_LEN 16
#define MASTER_KEY_LEN 32

void crypto_sha256(const void *p, size_t n, uint8_t out[SHA256_LEN]);
void crypto_hmac_sha256(const void *key, size_t klen, const void *msg, size_t n,
			uint8_t out[SHA256_LEN]);
enum err crypto_random(void *p, size_t n);
/* Constant-time equality of two equal-length byte strings. */
bool crypto_ct_eq(const void *a, const void *b, size_t n);
void crypto_wipe(void *p, size_t n);

/* out must hold 2n+1 bytes; lower-case hex, NUL-terminated. */
void hex_encode(const uint8_t *p, size_t n, char *out);
/* Value of one hex digit (either case), or -1. */
int hex_digit(char c);
/* Decodes exactly 2n hex digits into n bytes; false on any bad digit. */
bool hex_decode(const char *s, size_t slen, uint8_t *out, size_t n);
/* out must hold 4*((n+2)/3)+1 bytes. Returns length written. */
size_t b64_encode(const uint8_t *p, size_t n, char *out);
/* Strict standard base64 with padding; returns decoded length or -1. */
long b64_decode(const char *s, size_t slen, uint8_t *out, size_t outcap);

/* AES-256-GCM: out = nonce(12) || ciphertext(n) || tag(16).
 * aad binds the sealed value to its owner (e.g. the access key id). */
enum err crypto_seal(const uint8_t key[MASTER_KEY_LEN], const char *aad,
		     const void *plain, size_t n, uint8_t *out, size_t *outlen);
enum err crypto_open(const uint8_t key[MASTER_KEY_LEN], const char *aad,
		     const uint8_t *in, size_t inlen, void *plain, size_t *plainlen);

#endif
