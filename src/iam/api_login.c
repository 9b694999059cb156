/* api_login.c - login profiles (console passwords) over the Query API:
 * Create/Get/Update/DeleteLoginProfile and ChangePassword. Passwords are
 * hashed with argon2id (memory-hard), stored only as the encoded hash,
 * verified in constant time by libargon2, and wiped from memory here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/crypto.h"
#include "core/timefmt.h"
#include "iam/api.h"

/* AWS's validation messages name the parameter; the policy's own are shared. */
static enum err
check_password(struct query_ctx *c, const char *param, const char *pw)
{
	char msg[256];
	enum err e;

	/* values are never quoted back: they are passwords */
	if (strlen(pw) > IAM_PASSWORD_MAX || !*pw) {
		query_error_msg(c, "1 validation error detected: Value at '%s' failed to satisfy "
				   "constraint: Member must have length between 1 and %d",
				strcmp(param, "OldPassword") == 0 ? "oldPassword" :
				strcmp(param, "NewPassword") == 0 ? "newPassword" : "password",
				IAM_PASSWORD_MAX);
		return ERR_IAM_VALIDATION;
	}
	if ((e = iam_password_policy(pw, msg, sizeof msg)) == ERR_IAM_VALIDATION) {
		query_error_msg(c, "1 validation error detected: Value at 'password' failed "
				   "to satisfy constraint: Member must satisfy regular "
				   "expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
		return e;
	}
	if (e)
		query_error_msg(c, "%s", msg);
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
	    (e = query_authorize(c, "iam:CreateLoginProfile", arn)) || (e = iam_password_hash(pw, &hash)))
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
	    (pw && (e = iam_password_hash(pw, &hash))))
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
	if (!iam_password_verify(stored, old)) {
		query_error_msg(c, "The old password was incorrect.");
		e = ERR_IAM_ACCESS_DENIED;
		goto out;
	}
	if ((e = iam_password_hash(pw, &hash)))
		goto out;
	e = iamdb_login_set(c->env->meta, iam_account(c), c->who->user, false, hash, now_ms(), 0);
out:
	free(stored);
	free(hash);
	return e;
}
