/* api_login.c - login profiles (console passwords) over the Query API:
 * Create/Get/Update/DeleteLoginProfile and ChangePassword. Passwords are
 * hashed with argon2id (memory-hard), stored only as the encoded hash,
 * verified in constant time by libargon2, and wiped from memory here. */
#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/crypto.h"
#include "core/timefmt.h"
#include "iam/api.h"

/* OWASP's argon2id floor: 19 MiB, 2 passes, 1 lane. */
#define PW_T 2
#define PW_M 19456
#define PW_P 1
#define PW_SALT 16
#define PW_HASH 32
#define PW_MIN 8       /* AWS's default password policy: 8 characters, 3 classes */
#define PW_MAX 128

static enum err
check_password(struct query_ctx *c, const char *param, const char *pw)
{
	const unsigned char *p;
	unsigned classes = 0;

	/* values are never quoted back: they are passwords */
	if (strlen(pw) > PW_MAX || !*pw) {
		query_error_msg(c, "1 validation error detected: Value at '%s' failed to satisfy "
				   "constraint: Member must have length between 1 and %d",
				strcmp(param, "OldPassword") == 0 ? "oldPassword" :
				strcmp(param, "NewPassword") == 0 ? "newPassword" : "password", PW_MAX);
		return ERR_IAM_VALIDATION;
	}
	for (p = (const unsigned char *)pw; *p; p++)
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
			query_error_msg(c, "1 validation error detected: Value at 'password' failed "
					   "to satisfy constraint: Member must satisfy regular "
					   "expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
			return ERR_IAM_VALIDATION;
		}
	if (strlen(pw) < PW_MIN) {
		query_error_msg(c, "Password should have a minimum length of %d", PW_MIN);
		return ERR_IAM_PASSWORD_POLICY;
	}
	/* AWS's default policy: at least three of upper case, lower case,
	 * digits and symbols */
	for (p = (const unsigned char *)pw; *p; p++)
		classes |= *p >= 'A' && *p <= 'Z' ? 1 : *p >= 'a' && *p <= 'z' ? 2 :
			   *p >= '0' && *p <= '9' ? 4 : 8;
	if (__builtin_popcount(classes) < 3) {
		query_error_msg(c, "Password should include at least three of: upper case letters, "
				   "lower case letters, numbers and symbols");
		return ERR_IAM_PASSWORD_POLICY;
	}
	return ERR_OK;
}

/* An encoded argon2id hash ("$argon2id$v=19$m=…"), malloc'd. */
static enum err
hash_password(const char *pw, char **out)
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

static int
reset_flag(struct query_ctx *c)
{
	const char *v = query_arg(c, "PasswordResetRequired");

	if (!v)
		return -1;
	return strcasecmp(v, "true") == 0;
}

static enum err
no_profile(struct query_ctx *c, const char *user)
{
	query_error_msg(c, "Login Profile for User %s cannot be found.", user);
	return ERR_IAM_NO_SUCH_ENTITY;
}

/* Users with a login profile; the root user's password is not IAM's. */
static enum err
profile_user(struct query_ctx *c, const char **user, char *arn, size_t cap)
{
	bool is_root;
	enum err e;

	if ((e = iam_target_user(c, user, &is_root)))
		return e;
	if (is_root) {
		query_error_msg(c, "Must specify userName when calling with root credentials");
		return ERR_IAM_VALIDATION;
	}
	iam_entity_arn(c, IAMDB_USER, *user, arn, cap);
	iam_audit(c, arn);
	return ERR_OK;
}

static enum err
render_profile(struct query_ctx *c, const char *user)
{
	struct iamdb_entity u;
	enum err e;

	e = iamdb_entity_get(c->env->meta, IAMDB_USER, iam_account(c), user, false, &u);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_USER, user);
	if (e)
		return e;
	if (!u.has_login) {
		iamdb_entity_fini(&u);
		return no_profile(c, user);
	}
	query_open(c, "LoginProfile");
	query_elem(c, "UserName", u.name);
	query_elem_time(c, "CreateDate", u.login_created_ms);
	query_elem_bool(c, "PasswordResetRequired", u.login_reset_required);
	query_close(c, "LoginProfile");
	iamdb_entity_fini(&u);
	return ERR_OK;
}

enum err
iam_api_CreateLoginProfile(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1], *hash = NULL;
	const char *user, *pw;
	int reset = reset_flag(c);
	enum err e;

	if ((e = profile_user(c, &user, arn, sizeof arn)))
		return e;
	if (!(pw = query_req(c, "Password")))
		return ERR_IAM_VALIDATION;
	if ((e = check_password(c, "Password", pw)) ||
	    (e = query_authorize(c, "iam:CreateLoginProfile", arn)) || (e = hash_password(pw, &hash)))
		return e;
	e = iamdb_login_set(c->env->meta, iam_account(c), user, true, hash, now_ms(),
			    reset < 0 ? 0 : reset);
	free(hash);
	if (e == ERR_IAM_ENTITY_EXISTS)
		query_error_msg(c, "Login Profile for user %s already exists.", user);
	else if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_USER, user);
	if (e)
		return e;
	return render_profile(c, user);
}

enum err
iam_api_GetLoginProfile(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1];
	const char *user;
	enum err e;

	if ((e = profile_user(c, &user, arn, sizeof arn)) ||
	    (e = query_authorize(c, "iam:GetLoginProfile", arn)))
		return e;
	return render_profile(c, user);
}

enum err
iam_api_UpdateLoginProfile(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1], *hash = NULL;
	const char *user, *pw = query_arg(c, "Password");
	enum err e;

	if ((e = profile_user(c, &user, arn, sizeof arn)) ||
	    (pw && (e = check_password(c, "Password", pw))) ||
	    (e = query_authorize(c, "iam:UpdateLoginProfile", arn)) ||
	    (pw && (e = hash_password(pw, &hash))))
		return e;
	e = iamdb_login_set(c->env->meta, iam_account(c), user, false, hash, now_ms(),
			    reset_flag(c));
	free(hash);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return no_profile(c, user);
	return e;
}

enum err
iam_api_DeleteLoginProfile(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1];
	const char *user;
	enum err e;

	if ((e = profile_user(c, &user, arn, sizeof arn)) ||
	    (e = query_authorize(c, "iam:DeleteLoginProfile", arn)))
		return e;
	e = iamdb_login_delete(c->env->meta, iam_account(c), user);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return no_profile(c, user);
	return e;
}

/* The caller changes its own password; AWS requires an IAM user. */
enum err
iam_api_ChangePassword(struct query_ctx *c)
{
	const char *old, *pw;
	char *stored = NULL, *hash = NULL;
	enum err e;

	if (!(old = query_req(c, "OldPassword")) || !(pw = query_req(c, "NewPassword")))
		return ERR_IAM_VALIDATION;
	if (c->who->type != PT_USER) {
		query_error_msg(c, "Only IAM users can change their own password.");
		return ERR_IAM_INVALID_INPUT;
	}
	iam_audit(c, c->who->arn);
	if ((e = check_password(c, "NewPassword", pw)) ||
	    (e = query_authorize(c, "iam:ChangePassword", c->who->arn)))
		return e;
	e = iamdb_login_hash(c->env->meta, iam_account(c), c->who->user, &stored);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return no_profile(c, c->who->user);
	if (e)
		return e;
	if (argon2id_verify(stored, old, strlen(old)) != ARGON2_OK) {
		query_error_msg(c, "The old password was incorrect.");
		e = ERR_IAM_ACCESS_DENIED;
		goto out;
	}
	if ((e = hash_password(pw, &hash)))
		goto out;
	e = iamdb_login_set(c->env->meta, iam_account(c), c->who->user, false, hash, now_ms(), 0);
out:
	free(stored);
	free(hash);
	return e;
}
