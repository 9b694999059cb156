/* crypto.c - OpenSSL-backed primitives used across coffer. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>
#include "crypto.h"

void
crypto_sha256(const void *p, size_t n, uint8_t out[SHA256_LEN])
{
	SHA256(p, n, out);
}

void
crypto_hmac_sha256(const void *key, size_t klen, const void *msg, size_t n,
		   uint8_t out[SHA256_LEN])
{
	unsigned int olen = SHA256_LEN;

	HMAC(EVP_sha256(), key, (int)klen, msg, n, out, &olen);
}

enum err
crypto_random(void *p, size_t n)
{
	return RAND_bytes(p, (int)n) == 1 ? ERR_OK : ERR_INTERNAL;
}

bool
crypto_ct_eq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void
crypto_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

void
hex_encode(const uint8_t *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
hex_decode(const char *s, size_t slen, uint8_t *out, size_t n)
{
	size_t i;

	if (slen != 2 * n)
		return false;
	for (i = 0; i < n; i++) {
		int h = hex_digit(s[2 * i]), l = hex_digit(s[2 * i + 1]);
		if (h < 0 || l < 0)
			return false;
		out[i] = (uint8_t)(h << 4 | l);
	}
	return true;
}

size_t
b64_encode(const uint8_t *p, size_t n, char *out)
{
	return (size_t)EVP_EncodeBlock((unsigned char *)out, p, (int)n);
}

long
b64_decode(const char *s, size_t slen, uint8_t *out, size_t outcap)
{
	static const char al[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;
	uint32_t acc = 0;
	int bits = 0, pad = 0;

	if (slen % 4)
		return -1;
	for (i = 0; i < slen; i++) {
		const char *q;
		if (s[i] == '=') {
			if (i < slen - 2)
				return -1;
			pad++;
			continue;
		}
		if (pad || !(q = memchr(al, s[i], 64)) || s[i] == '\0')
			return -1;
		acc = acc << 6 | (uint32_t)(q - al);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outcap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* The bits after the last whole byte must be zero: otherwise "AAAAAB=="
	 * would be a second spelling of "AAAAAA==" (RFC 4648, 3.5). */
	if (acc & ((1u << bits) - 1))
		return -1;
	return (long)o;
}

enum err
crypto_seal(const uint8_t key[MASTER_KEY_LEN], const char *aad, const void *plain,
	    size_t n, uint8_t *out, size_t *outlen)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	enum err e = ERR_INTERNAL;
	int l1 = 0, l2 = 0;

	if (!c)
		return ERR_NOMEM;
	if (crypto_random(out, GCM_NONCE_LEN))
		goto out;
	if (EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, out) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &l1, (const uint8_t *)aad, (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(c, out + GCM_NONCE_LEN, &l1, plain, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(c, out + GCM_NONCE_LEN + l1, &l2) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, GCM_TAG_LEN,
				out + GCM_NONCE_LEN + l1 + l2) != 1)
		goto out;
	*outlen = GCM_NONCE_LEN + (size_t)(l1 + l2) + GCM_TAG_LEN;
	e = ERR_OK;
out:
	EVP_CIPHER_CTX_free(c);
	return e;
}

enum err
crypto_open(const uint8_t key[MASTER_KEY_LEN], const char *aad, const uint8_t *in,
	    size_t inlen, void *plain, size_t *plainlen)
{
	EVP_CIPHER_CTX *c;
	enum err e = ERR_INTERNAL;
	int l1 = 0, l2 = 0;
	size_t n;

	if (inlen < GCM_NONCE_LEN + GCM_TAG_LEN)
		return ERR_INTERNAL;
	n = inlen - GCM_NONCE_LEN - GCM_TAG_LEN;
	if (!(c = EVP_CIPHER_CTX_new()))
		return ERR_NOMEM;
	if (EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, in) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &l1, (const uint8_t *)aad, (int)strlen(aad)) != 1 ||
	    EVP_DecryptUpdate(c, plain, &l1, in + GCM_NONCE_LEN, (int)n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, GCM_TAG_LEN,
				(void *)(in + GCM_NONCE_LEN + n)) != 1 ||
	    EVP_DecryptFinal_ex(c, (uint8_t *)plain + l1, &l2) != 1) {
		crypto_wipe(plain, n);
		goto out;
	}
	*plainlen = (size_t)(l1 + l2);
	e = ERR_OK;
out:
	EVP_CIPHER_CTX_free(c);
	return e;
}
