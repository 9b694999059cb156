/* keys.c - AWS-format identifiers and secrets from the CSPRNG; see keys.h.
 * Each character takes 5 (or 6) bits of a fresh random byte, so there is no
 * modulo bias in either alphabet. */
#include <string.h>
#include "core/crypto.h"
#include "iam/keys.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* prefix + n base32 characters */
static enum err
gen_b32(const char *prefix, size_t n, char *out)
{
	size_t pl = strlen(prefix), i;
	uint8_t r[32];

	if (n > sizeof r || crypto_random(r, n))
		return ERR_INTERNAL;
	memcpy(out, prefix, pl);
	for (i = 0; i < n; i++)
		out[pl + i] = b32[r[i] & 31];
	out[pl + n] = '\0';
	return ERR_OK;
}

enum err
iam_gen_akid(char out[IAM_AKID_LEN + 1])
{
	return gen_b32("AKIA", 16, out);
}

enum err
iam_gen_id(const char *prefix, char out[IAM_ID_LEN + 1])
{
	if (strlen(prefix) != 4)
		return ERR_INTERNAL;
	return gen_b32(prefix, IAM_ID_LEN - 4, out);
}

enum err
iam_gen_secret(char out[IAM_SECRET_LEN + 1])
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t r[IAM_SECRET_LEN];
	int i;

	if (crypto_random(r, sizeof r))
		return ERR_INTERNAL;
	for (i = 0; i < IAM_SECRET_LEN; i++)
		out[i] = al[r[i] & 63];
	out[IAM_SECRET_LEN] = '\0';
	crypto_wipe(r, sizeof r);
	return ERR_OK;
}
