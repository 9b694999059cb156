/* api_users.c - IAM users over the Query API: CreateUser, GetUser,
 * ListUsers, UpdateUser, DeleteUser and user tags, in AWS's shapes. The
 * root user is never listed and cannot be changed through these actions;
 * GetUser answers it for the root caller. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/timefmt.h"
#include "iam/api.h"
#include "iam/keys.h"

/* Fills the ARN of a user at path and checks it fits what authentication
 * carries (struct principal keeps 320 bytes). */
static enum err
user_arn(struct query_ctx *c, const char *path, const char *name, char *arn, size_t cap)
{
	iam_arn(arn, cap, iam_account(c), "user", path, name);
	if (strlen(arn) > IAM_ARN_FIT) {
		query_error_msg(c, "1 validation error detected: Value '%.64s' at 'path' failed to "
				   "satisfy constraint: the user's ARN must not exceed %d characters",
				path, IAM_ARN_FIT);
		return ERR_IAM_VALIDATION;
	}
	return ERR_OK;
}

enum err
iam_api_CreateUser(struct query_ctx *c)
{
	const char *name, *path = query_arg(c, "Path");
	struct iamdb_entity u;
	char *tags = NULL;
	enum err e;

	memset(&u, 0, sizeof u);
	if ((e = iam_req_name(c, "UserName", 64, &name)))
		return e;
	if (!path)
		path = "/";
	if ((e = iam_check_path(c, "Path", path)) || (e = iam_tags_parse(c, "Tags", &tags)))
		goto out;
	u.kind = IAMDB_USER;
	snprintf(u.account, sizeof u.account, "%s", iam_account(c));
	snprintf(u.name, sizeof u.name, "%s", name);
	snprintf(u.path, sizeof u.path, "%s", path);
	if ((e = user_arn(c, path, name, u.arn, sizeof u.arn)))
		goto out;
	iam_audit(c, u.arn);
	if ((e = query_authorize(c, "iam:CreateUser", u.arn)) || (e = iam_gen_id("AIDA", u.id)))
		goto out;
	u.created_ms = now_ms();
	u.tags = tags;
	e = iamdb_entity_create(c->env->meta, &u);
	if (e == ERR_IAM_ENTITY_EXISTS)
		query_error_msg(c, "User with name %s already exists.", name);
	if (e)
		goto out;
	query_open(c, "User");
	iam_render_user(c, &u, true);
	query_close(c, "User");
out:
	free(tags);
	return e;
}

enum err
iam_api_GetUser(struct query_ctx *c)
{
	const char *name = query_arg(c, "UserName");
	struct iamdb_entity u;
	bool self_root = false;
	char arn[IAMDB_ARN_MAX + 1];
	enum err e;

	if (name) {
		if ((e = iam_check_name(c, "UserName", name, 64)))
			return e;
	} else if ((e = iam_target_user(c, &name, &self_root))) {
		return e;
	}
	if (self_root)
		snprintf(arn, sizeof arn, "%s", c->who->arn);
	else
		iam_entity_arn(c, IAMDB_USER, name, arn, sizeof arn);
	if ((e = query_authorize(c, "iam:GetUser", arn)))
		return e;
	e = iamdb_entity_get(c->env->meta, IAMDB_USER, iam_account(c), name, self_root, &u);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_USER, name);
	if (e)
		return e;
	query_open(c, "User");
	iam_render_user(c, &u, true);
	query_close(c, "User");
	iamdb_entity_fini(&u);
	return ERR_OK;
}

static void
render_listed_user(struct query_ctx *c, const struct iamdb_entity *e)
{
	iam_render_user(c, e, false);
}

enum err
iam_api_ListUsers(struct query_ctx *c)
{
	return iam_list_entities(c, IAMDB_USER, "iam:ListUsers", "Users", render_listed_user);
}

enum err
iam_api_UpdateUser(struct query_ctx *c)
{
	const char *name, *new_name = query_arg(c, "NewUserName"), *new_path = query_arg(c, "NewPath");
	char arn[IAMDB_ARN_MAX + 1], new_arn[IAMDB_ARN_MAX + 1];
	struct iamdb_entity u;
	enum err e;

	if ((e = iam_req_name(c, "UserName", 64, &name)) ||
	    (new_name && (e = iam_check_name(c, "NewUserName", new_name, 64))) ||
	    (new_path && (e = iam_check_path(c, "NewPath", new_path))))
		return e;
	iam_entity_arn(c, IAMDB_USER, name, arn, sizeof arn);
	iam_audit(c, arn);
	if ((e = query_authorize(c, "iam:UpdateUser", arn)))
		return e;
	e = iamdb_entity_get(c->env->meta, IAMDB_USER, iam_account(c), name, false, &u);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_USER, name);
	if (e)
		return e;
	e = user_arn(c, new_path ? new_path : u.path, new_name ? new_name : u.name, new_arn,
		     sizeof new_arn);
	iamdb_entity_fini(&u);
	if (e)
		return e;
	e = iamdb_entity_rename(c->env->meta, IAMDB_USER, iam_account(c), name, new_name, new_path,
				new_arn);
	if (e == ERR_IAM_ENTITY_EXISTS)
		query_error_msg(c, "User with name %s already exists.", new_name);
	else if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_USER, name);
	return e;
}

enum err
iam_api_DeleteUser(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1];
	enum iamdb_conflict why;
	const char *name;
	enum err e;

	if ((e = iam_req_name(c, "UserName", 64, &name)))
		return e;
	iam_entity_arn(c, IAMDB_USER, name, arn, sizeof arn);
	iam_audit(c, arn);
	if ((e = query_authorize(c, "iam:DeleteUser", arn)))
		return e;
	e = iamdb_entity_delete(c->env->meta, IAMDB_USER, iam_account(c), name, &why);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_USER, name);
	if (e == ERR_IAM_DELETE_CONFLICT)
		return iam_conflict(c, why);
	return e;
}

/* ---- tags (users and roles share the shape) ---- */

static enum err
tag_entity(struct query_ctx *c, enum iamdb_kind kind, const char *param, const char *action)
{
	char arn[IAMDB_ARN_MAX + 1], *add = NULL, *merged = NULL;
	struct iamdb_entity ent;
	const char *name;
	enum err e;

	memset(&ent, 0, sizeof ent);
	if ((e = iam_req_name(c, param, 64, &name)) || (e = iam_tags_parse(c, "Tags", &add)))
		goto out;
	if (!add) {
		e = ERR_IAM_VALIDATION;
		query_error_msg(c, "1 validation error detected: Value null at 'tags' failed to "
				   "satisfy constraint: Member must not be null");
		goto out;
	}
	iam_entity_arn(c, kind, name, arn, sizeof arn);
	iam_audit(c, arn);
	if ((e = query_authorize(c, action, arn)))
		goto out;
	e = iamdb_entity_get(c->env->meta, kind, iam_account(c), name, false, &ent);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		e = iam_no_such(c, kind, name);
	if (e || (e = iam_tags_merge(c, ent.tags, add, &merged)))
		goto out;
	e = iamdb_entity_set_tags(c->env->meta, kind, iam_account(c), name, merged);
out:
	iamdb_entity_fini(&ent);
	free(add);
	free(merged);
	return e;
}

static enum err
untag_entity(struct query_ctx *c, enum iamdb_kind kind, const char *param, const char *action)
{
	char arn[IAMDB_ARN_MAX + 1], *left = NULL;
	const char *name, *keys[IAM_MAX_TAGS + 1];
	struct iamdb_entity ent;
	size_t n;
	enum err e;

	memset(&ent, 0, sizeof ent);
	if ((e = iam_req_name(c, param, 64, &name)))
		return e;
	n = query_list(c, "TagKeys.member", keys, IAM_MAX_TAGS + 1);
	if (n == 0) {
		query_error_msg(c, "1 validation error detected: Value null at 'tagKeys' failed to "
				   "satisfy constraint: Member must not be null");
		return ERR_IAM_VALIDATION;
	}
	iam_entity_arn(c, kind, name, arn, sizeof arn);
	iam_audit(c, arn);
	if ((e = query_authorize(c, action, arn)))
		return e;
	e = iamdb_entity_get(c->env->meta, kind, iam_account(c), name, false, &ent);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		e = iam_no_such(c, kind, name);
	if (e || (e = iam_tags_remove(ent.tags, keys, n, &left)))
		goto out;
	e = iamdb_entity_set_tags(c->env->meta, kind, iam_account(c), name, left);
out:
	iamdb_entity_fini(&ent);
	free(left);
	return e;
}

static enum err
list_tags(struct query_ctx *c, enum iamdb_kind kind, const char *param, const char *action)
{
	char arn[IAMDB_ARN_MAX + 1];
	struct iamdb_entity ent;
	const char *name, *marker;
	size_t max;
	enum err e;

	if ((e = iam_req_name(c, param, 64, &name)) || (e = iam_paging(c, &marker, &max)))
		return e;
	iam_entity_arn(c, kind, name, arn, sizeof arn);
	if ((e = query_authorize(c, action, arn)))
		return e;
	e = iamdb_entity_get(c->env->meta, kind, iam_account(c), name, false, &ent);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, kind, name);
	if (e)
		return e;
	iam_tags_render(c, ent.tags, true);
	iam_truncated(c, false, NULL);
	iamdb_entity_fini(&ent);
	return ERR_OK;
}

enum err
iam_api_TagUser(struct query_ctx *c)
{
	return tag_entity(c, IAMDB_USER, "UserName", "iam:TagUser");
}

enum err
iam_api_UntagUser(struct query_ctx *c)
{
	return untag_entity(c, IAMDB_USER, "UserName", "iam:UntagUser");
}

enum err
iam_api_ListUserTags(struct query_ctx *c)
{
	return list_tags(c, IAMDB_USER, "UserName", "iam:ListUserTags");
}

enum err
iam_api_TagRole(struct query_ctx *c)
{
	return tag_entity(c, IAMDB_ROLE, "RoleName", "iam:TagRole");
}

enum err
iam_api_UntagRole(struct query_ctx *c)
{
	return untag_entity(c, IAMDB_ROLE, "RoleName", "iam:UntagRole");
}

enum err
iam_api_ListRoleTags(struct query_ctx *c)
{
	return list_tags(c, IAMDB_ROLE, "RoleName", "iam:ListRoleTags");
}
