/* password.c - console passwords: AWS's default password policy, argon2id
 * hashing and verification. Shared by login profiles (api_login.c), the
 * root user's password (bootstrap.c) and console sign-in (src/console/).
 * Passwords are never logged or kept; only the encoded hash is stored. */
#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/crypto.h"
#include "iam/iam.h"

/* OWASP's argon2id floor: 19 MiB, 2 passes, 1 lane. */
#define PW_T 2
#define PW_M 19456
#define PW_P 1
#define PW_SALT 16
#define PW_HASH 32

enum err
iam_password_policy(const char *pw, char *msg, size_t cap)
{
	const unsigned char *p;
	unsigned classes = 0;

	if (strlen(pw) > IAM_PASSWORD_MAX || !*pw) {
		snprintf(msg, cap, "Password should have a length between 1 and %d", IAM_PASSWORD_MAX);
		return ERR_IAM_VALIDATION;
	}
	for (p = (const unsigned char *)pw; *p; p++)
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
			snprintf(msg, cap, "Password contains characters that are not allowed");
			return ERR_IAM_VALIDATION;
		}
	if (strlen(pw) < IAM_PASSWORD_MIN) {
		snprintf(msg, cap, "Password should have a minimum length of %d", IAM_PASSWORD_MIN);
		return ERR_IAM_PASSWORD_POLICY;
	}
	/* AWS's default policy: at least three of upper case, lower case,
	 * digits and symbols */
	for (p = (const unsigned char *)pw; *p; p++)
		classes |= *p >= 'A' && *p <= 'Z' ? 1 : *p >= 'a' && *p <= 'z' ? 2 :
			   *p >= '0' && *p <= '9' ? 4 : 8;
	if (__builtin_popcount(classes) < 3) {
		snprintf(msg, cap, "Password should include at least three of: upper case letters, "
				   "lower case letters, numbers and symbols");
		return ERR_IAM_PASSWORD_POLICY;
	}
	return ERR_OK;
}

enum err
iam_password_hash(const char *pw, char **out)
{
	uint8_t salt[PW_SALT];
	size_t n = argon2_encodedlen(PW_T, PW_M, PW_P, PW_SALT, PW_HASH, Argon2_id);
	char *enc = malloc(n);
	enum err e = ERR_OK;

	*out = NULL;
	if (!enc)
		return ERR_NOMEM;
	if (crypto_random(salt, sizeof salt) ||
	    argon2id_hash_encoded(PW_T, PW_M, PW_P, pw, strlen(pw), salt, sizeof salt, PW_HASH, enc,
				  n) != ARGON2_OK) {
		free(enc);
		e = ERR_INTERNAL;
	} else {
		*out = enc;
	}
	crypto_wipe(salt, sizeof salt);
	return e;
}

bool
iam_password_verify(const char *hash, const char *pw)
{
	return hash && argon2id_verify(hash, pw, strlen(pw)) == ARGON2_OK;
}
