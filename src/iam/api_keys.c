/* api_keys.c - access keys over the Query API: CreateAccessKey (the only
 * place a secret is ever shown), ListAccessKeys, UpdateAccessKey,
 * DeleteAccessKey, GetAccessKeyLastUsed. Secrets are sealed under the master
 * key before they reach the store and wiped from memory here. */
#include <stdio.h>
#include <string.h>
#include "auth/secrets.h"
#include "core/timefmt.h"
#include "iam/api.h"
#include "iam/keys.h"

/* The ARN the key action is authorised against: the target user's (the
 * root's own for root). */
static void
owner_arn(struct query_ctx *c, const char *user, bool is_root, char *arn, size_t cap)
{
	if (is_root)
		snprintf(arn, cap, "arn:aws:iam::%s:root", iam_account(c));
	else
		iam_entity_arn(c, IAMDB_USER, user, arn, cap);
}

static enum err
check_akid(struct query_ctx *c, const char **akid)
{
	const char *p;
	enum err e;

	if (!(*akid = query_req(c, "AccessKeyId")))
		return ERR_IAM_VALIDATION;
	if ((e = iam_check_len(c, "AccessKeyId", *akid, 16, 128)))
		return e;
	for (p = *akid; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_')) {
			query_error_msg(c, "1 validation error detected: Value '%.128s' at "
					   "'accessKeyId' failed to satisfy constraint: Member must "
					   "satisfy regular expression pattern: [\\w]+", *akid);
			return ERR_IAM_VALIDATION;
		}
	return ERR_OK;
}

static enum err
no_such_key(struct query_ctx *c, const char *akid)
{
	query_error_msg(c, "The Access Key with id %s cannot be found.", akid);
	return ERR_IAM_NO_SUCH_ENTITY;
}

/* A named user that does not exist is reported as such; otherwise the key
 * is not that user's (or anyone's). */
static enum err
key_missing(struct query_ctx *c, const char *user, bool is_root, const char *akid)
{
	size_t n = 0;

	if (!is_root && iamdb_key_list(c->env->meta, iam_account(c), user, false, NULL, 0, &n) ==
			ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_USER, user);
	return no_such_key(c, akid);
}

enum err
iam_api_CreateAccessKey(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1], secret[IAM_SECRET_LEN + 1];
	const char *user;
	struct meta_key k;
	bool is_root;
	enum err e;

	memset(&k, 0, sizeof k);
	memset(secret, 0, sizeof secret);
	if ((e = iam_target_user(c, &user, &is_root)))
		return e;
	owner_arn(c, user, is_root, arn, sizeof arn);
	iam_audit(c, arn);
	if ((e = query_authorize(c, "iam:CreateAccessKey", arn)))
		return e;
	if ((e = iam_gen_akid(k.akid)) || (e = iam_gen_secret(secret)))
		goto out;
	snprintf(k.account, sizeof k.account, "%s", iam_account(c));
	snprintf(k.user, sizeof k.user, "%s", user);
	k.is_root = is_root;
	k.active = true;
	k.created_ms = now_ms();
	if ((e = secrets_seal(c->env->master, k.akid, secret, k.sealed, &k.sealed_len)))
		goto out;
	e = iamdb_key_create(c->env->meta, &k, IAM_MAX_KEYS);
	if (e == ERR_IAM_LIMIT_EXCEEDED)
		query_error_msg(c, "Cannot exceed quota for AccessKeysPerUser: %d", IAM_MAX_KEYS);
	else if (e == ERR_IAM_NO_SUCH_ENTITY)
		e = iam_no_such(c, IAMDB_USER, user);
	if (e)
		goto out;
	query_open(c, "AccessKey");
	query_elem(c, "UserName", user);
	query_elem(c, "AccessKeyId", k.akid);
	query_elem(c, "Status", "Active");
	query_elem(c, "SecretAccessKey", secret);
	query_elem_time(c, "CreateDate", k.created_ms);
	query_close(c, "AccessKey");
out:
	crypto_wipe(secret, sizeof secret);
	crypto_wipe(&k, sizeof k);
	return e;
}

enum err
iam_api_ListAccessKeys(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1];
	struct iamdb_key keys[8];
	const char *user, *marker;
	size_t n, i, max;
	bool is_root;
	enum err e;

	if ((e = iam_target_user(c, &user, &is_root)) || (e = iam_paging(c, &marker, &max)))
		return e;
	owner_arn(c, user, is_root, arn, sizeof arn);
	if ((e = query_authorize(c, "iam:ListAccessKeys", arn)))
		return e;
	e = iamdb_key_list(c->env->meta, iam_account(c), user, is_root, keys, 8, &n);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_USER, user);
	if (e)
		return e;
	query_elem(c, "UserName", n ? keys[0].user : user);
	query_open(c, "AccessKeyMetadata");
	for (i = 0; i < n; i++) {
		query_open(c, "member");
		query_elem(c, "UserName", keys[i].user);
		query_elem(c, "AccessKeyId", keys[i].akid);
		query_elem(c, "Status", keys[i].active ? "Active" : "Inactive");
		query_elem_time(c, "CreateDate", keys[i].created_ms);
		query_close(c, "member");
	}
	query_close(c, "AccessKeyMetadata");
	iam_truncated(c, false, NULL);
	return ERR_OK;
}

enum err
iam_api_UpdateAccessKey(struct query_ctx *c)
{
	const char *user, *akid, *status;
	char arn[IAMDB_ARN_MAX + 1];
	bool is_root;
	enum err e;

	if ((e = check_akid(c, &akid)))
		return e;
	if (!(status = query_req(c, "Status")))
		return ERR_IAM_VALIDATION;
	if (strcmp(status, "Active") != 0 && strcmp(status, "Inactive") != 0) {
		query_error_msg(c, "1 validation error detected: Value '%.32s' at 'status' failed to "
				   "satisfy constraint: Member must satisfy enum value set: "
				   "[Active, Inactive]", status);
		return ERR_IAM_VALIDATION;
	}
	if ((e = iam_target_user(c, &user, &is_root)))
		return e;
	owner_arn(c, user, is_root, arn, sizeof arn);
	iam_audit(c, akid);
	if ((e = query_authorize(c, "iam:UpdateAccessKey", arn)))
		return e;
	e = iamdb_key_set_active(c->env->meta, iam_account(c), user, is_root, akid,
				 strcmp(status, "Active") == 0);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return key_missing(c, user, is_root, akid);
	return e;
}

enum err
iam_api_DeleteAccessKey(struct query_ctx *c)
{
	const char *user, *akid;
	char arn[IAMDB_ARN_MAX + 1];
	bool is_root;
	enum err e;

	if ((e = check_akid(c, &akid)) || (e = iam_target_user(c, &user, &is_root)))
		return e;
	owner_arn(c, user, is_root, arn, sizeof arn);
	iam_audit(c, akid);
	if ((e = query_authorize(c, "iam:DeleteAccessKey", arn)))
		return e;
	e = iamdb_key_delete(c->env->meta, iam_account(c), user, is_root, akid);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return key_missing(c, user, is_root, akid);
	return e;
}

enum err
iam_api_GetAccessKeyLastUsed(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1];
	struct iamdb_key k;
	const char *akid;
	enum err e;

	if ((e = check_akid(c, &akid)))
		return e;
	e = iamdb_key_get(c->env->meta, akid, &k);
	if (e == ERR_OK && strcmp(k.account, iam_account(c)) != 0)
		e = ERR_IAM_NO_SUCH_ENTITY;
	if (e == ERR_IAM_NO_SUCH_ENTITY) {
		/* authorise against "*" so a refusal does not say whether it exists */
		if ((e = query_authorize(c, "iam:GetAccessKeyLastUsed", "*")))
			return e;
		return no_such_key(c, akid);
	}
	if (e)
		return e;
	owner_arn(c, k.user, k.is_root, arn, sizeof arn);
	if ((e = query_authorize(c, "iam:GetAccessKeyLastUsed", arn)))
		return e;
	query_elem(c, "UserName", k.user);
	query_open(c, "AccessKeyLastUsed");
	if (k.last_used_ms) {
		query_elem_time(c, "LastUsedDate", k.last_used_ms);
		query_elem(c, "ServiceName", k.service[0] ? k.service : "N/A");
		query_elem(c, "Region", k.region[0] ? k.region : "N/A");
	} else {
		query_elem(c, "ServiceName", "N/A");
		query_elem(c, "Region", "N/A");
	}
	query_close(c, "AccessKeyLastUsed");
	return ERR_OK;
}
