/* bootstrap.c - the root account on first start, and the root user's
 * console password on the first start that finds none; see bootstrap.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/secrets.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "iam/bootstrap.h"
#include "iam/iam.h"
#include "store/meta/iamdb.h"
#include "iam/keys.h"

static enum err
gen_account(char out[META_ACCOUNT_LEN + 1])
{
	uint8_t r[META_ACCOUNT_LEN];
	int i;

	if (crypto_random(r, sizeof r))
		return ERR_INTERNAL;
	for (i = 0; i < META_ACCOUNT_LEN; i++)
		out[i] = (char)('0' + r[i] % 10);
	if (out[0] == '0')
		out[0] = '1';
	out[META_ACCOUNT_LEN] = '\0';
	return ERR_OK;
}

static bool
valid_akid(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 16 || n > META_AKID_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

/* A password AWS's default policy accepts: groups of an unambiguous
 * alphabet joined by '-', with an upper-case letter, a lower-case letter
 * and a digit forced in. About 110 bits. */
static enum err
gen_password(char out[24])
{
	static const char abc[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
	uint8_t r[20];
	size_t i, o = 0;

	if (crypto_random(r, sizeof r))
		return ERR_INTERNAL;
	for (i = 0; i < sizeof r; i++) {
		if (i && i % 5 == 0)
			out[o++] = '-';
		out[o++] = abc[r[i] % (sizeof abc - 1)];
	}
	out[o] = '\0';
	out[0] = (char)('A' + r[0] % 8);
	out[1] = (char)('a' + r[1] % 8);
	out[2] = (char)('2' + r[2] % 8);
	crypto_wipe(r, sizeof r);
	return ERR_OK;
}

/* The root user's console password: COFFER_ROOT_PASSWORD, else generated
 * and printed once; stored only as an argon2id hash. Runs on every start
 * but acts only while the root user has none (data directories made
 * before the console get one at their next start). */
static enum err
root_password(struct meta *m, const struct meta_account *acct)
{
	const char *env = getenv("COFFER_ROOT_PASSWORD");
	char gen[24], msg[256], *hash = NULL;
	const char *pw = env;
	enum err e;

	if ((e = iamdb_root_login_hash(m, acct->id, &hash)))
		return e;
	if (hash) {
		free(hash);
		return ERR_OK;
	}
	if (!pw || !*pw) {
		if ((e = gen_password(gen)))
			return e;
		pw = gen;
	} else if (iam_password_policy(pw, msg, sizeof msg)) {
		log_error("COFFER_ROOT_PASSWORD: %s", msg);
		return ERR_INVALID_ARGUMENT;
	}
	if ((e = iam_password_hash(pw, &hash)) ||
	    (e = iamdb_root_login_set(m, acct->id, hash, now_ms())))
		goto out;
	if (pw == gen) {
		/* The only time this password is ever shown. */
		printf("Root user '%s' console password, shown only now: %s\n"
		       "(change it after signing in; coffer stores only its hash)\n\n",
		       acct->root_user, gen);
		fflush(stdout);
	}
out:
	free(hash);
	crypto_wipe(gen, sizeof gen);
	return e;
}

enum err
iam_bootstrap(struct meta *m, const uint8_t master[MASTER_KEY_LEN], struct meta_account *acct)
{
	const char *env_id = getenv("COFFER_ROOT_ACCESS_KEY_ID");
	const char *env_secret = getenv("COFFER_ROOT_SECRET_ACCESS_KEY");
	const char *env_user = getenv("COFFER_ROOT_USER");
	struct meta_key k;
	char secret[SECRET_MAX + 1];
	bool found, generated = false;
	enum err e;

	if ((e = meta_account_get(m, acct, &found)))
		return e;
	if (found)
		return root_password(m, acct);

	memset(&k, 0, sizeof k);
	memset(acct, 0, sizeof *acct);
	if ((e = gen_account(acct->id)))
		return e;
	snprintf(acct->root_user, sizeof acct->root_user, "%s",
		 env_user && *env_user ? env_user : "root");
	acct->created_ms = now_ms();
	if ((env_id && *env_id) != (env_secret && *env_secret)) {
		log_error("set both COFFER_ROOT_ACCESS_KEY_ID and COFFER_ROOT_SECRET_ACCESS_KEY, or neither");
		return ERR_INVALID_ARGUMENT;
	}
	if (env_id && *env_id) {
		size_t sl = strlen(env_secret);
		if (!valid_akid(env_id) || sl < 16 || sl > SECRET_MAX) {
			log_error("COFFER_ROOT_ACCESS_KEY_ID must be 16-128 upper-case letters and digits, "
				  "and the secret 16-%d characters", SECRET_MAX);
			return ERR_INVALID_ARGUMENT;
		}
		snprintf(k.akid, sizeof k.akid, "%s", env_id);
		memcpy(secret, env_secret, sl + 1);
	} else {
		if ((e = iam_gen_akid(k.akid)) || (e = iam_gen_secret(secret)))
			return e;
		generated = true;
	}
	snprintf(k.account, sizeof k.account, "%s", acct->id);
	snprintf(k.user, sizeof k.user, "%s", acct->root_user);
	k.is_root = true;
	k.active = true;
	k.created_ms = acct->created_ms;
	if ((e = secrets_seal(master, k.akid, secret, k.sealed, &k.sealed_len)))
		goto out;
	if ((e = meta_bootstrap(m, acct, &k)))
		goto out;
	if (generated) {
		/* The only time this secret is ever shown. */
		printf("\nNew account %s, root user '%s'. Its access key, shown only now:\n"
		       "  AWS_ACCESS_KEY_ID=%s\n  AWS_SECRET_ACCESS_KEY=%s\n"
		       "Keep the secret somewhere safe: coffer stores it only encrypted.\n\n",
		       acct->id, acct->root_user, k.akid, secret);
		fflush(stdout);
	}
out:
	crypto_wipe(secret, sizeof secret);
	crypto_wipe(&k, sizeof k);
	return e ? e : root_password(m, acct);
}
