/* bootstrap.c - the root account on first start; see bootstrap.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/secrets.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "iam/bootstrap.h"
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
		return ERR_OK;

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
	return e;
}
