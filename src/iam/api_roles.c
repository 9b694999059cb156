/* api_roles.c - IAM roles over the Query API: CreateRole (trust policy
 * checked by the policy engine), GetRole, ListRoles, UpdateRole,
 * UpdateRoleDescription, UpdateAssumeRolePolicy, DeleteRole. Assuming a
 * role is STS's (src/sts/), reading it through iam_role_get. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/timefmt.h"
#include "iam/api.h"
#include "iam/keys.h"

#define TRUST_SIZE 2048 /* ACLSizePerRole, AWS's default quota */

static enum err
check_trust(struct query_ctx *c, const char *param, const char **doc)
{
	if (!(*doc = query_req(c, param)))
		return ERR_IAM_VALIDATION;
	return iam_check_document(c, param, *doc, POL_TRUST, TRUST_SIZE, "ACLSizePerRole");
}

static enum err
session_bounds(struct query_ctx *c, long *v)
{
	return query_int(c, "MaxSessionDuration", 3600, 43200, 0, v);
}

enum err
iam_api_CreateRole(struct query_ctx *c)
{
	const char *name, *path = query_arg(c, "Path"), *doc, *desc = query_arg(c, "Description");
	struct iamdb_entity r;
	char *tags = NULL;
	long max_s;
	enum err e;

	memset(&r, 0, sizeof r);
	if ((e = iam_req_name(c, "RoleName", 64, &name)))
		return e;
	if (!path)
		path = "/";
	if ((e = iam_check_path(c, "Path", path)) ||
	    (desc && (e = iam_check_len(c, "Description", desc, 0, 1000))) ||
	    (e = session_bounds(c, &max_s)) ||
	    (e = check_trust(c, "AssumeRolePolicyDocument", &doc)) ||
	    (e = iam_tags_parse(c, "Tags", &tags)))
		goto out;
	r.kind = IAMDB_ROLE;
	snprintf(r.account, sizeof r.account, "%s", iam_account(c));
	snprintf(r.name, sizeof r.name, "%s", name);
	snprintf(r.path, sizeof r.path, "%s", path);
	iam_arn(r.arn, sizeof r.arn, iam_account(c), "role", path, name);
	if (strlen(r.arn) > IAM_ARN_FIT) {
		query_error_msg(c, "1 validation error detected: Value '%.64s' at 'path' failed to "
				   "satisfy constraint: the role's ARN must not exceed %d characters",
				path, IAM_ARN_FIT);
		e = ERR_IAM_VALIDATION;
		goto out;
	}
	iam_audit(c, r.arn);
	if ((e = query_authorize(c, "iam:CreateRole", r.arn)) || (e = iam_gen_id("AROA", r.id)))
		goto out;
	r.created_ms = now_ms();
	r.tags = tags;
	r.trust_policy = (char *)doc;
	r.description = (char *)desc;
	r.max_session_s = max_s ? (int)max_s : 3600;
	e = iamdb_entity_create(c->env->meta, &r);
	if (e == ERR_IAM_ENTITY_EXISTS)
		query_error_msg(c, "Role with name %s already exists.", name);
	if (e)
		goto out;
	query_open(c, "Role");
	iam_render_role(c, &r, false);
	iam_tags_render(c, r.tags, false);
	query_close(c, "Role");
out:
	free(tags);
	return e;
}

static enum err
role_out(struct query_ctx *c, const char *name)
{
	struct iamdb_entity r;
	enum err e;

	e = iamdb_entity_get(c->env->meta, IAMDB_ROLE, iam_account(c), name, false, &r);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_ROLE, name);
	if (e)
		return e;
	query_open(c, "Role");
	iam_render_role(c, &r, true);
	query_close(c, "Role");
	iamdb_entity_fini(&r);
	return ERR_OK;
}

enum err
iam_api_GetRole(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1];
	const char *name;
	enum err e;

	if ((e = iam_req_name(c, "RoleName", 64, &name)))
		return e;
	iam_entity_arn(c, IAMDB_ROLE, name, arn, sizeof arn);
	if ((e = query_authorize(c, "iam:GetRole", arn)))
		return e;
	return role_out(c, name);
}

static void
render_listed_role(struct query_ctx *c, const struct iamdb_entity *e)
{
	iam_render_role(c, e, false);
}

enum err
iam_api_ListRoles(struct query_ctx *c)
{
	return iam_list_entities(c, IAMDB_ROLE, "iam:ListRoles", "Roles", render_listed_role);
}

static enum err
update(struct query_ctx *c, bool describe)
{
	const char *name, *desc = query_arg(c, "Description");
	char arn[IAMDB_ARN_MAX + 1];
	long max_s = 0;
	enum err e;

	if ((e = iam_req_name(c, "RoleName", 64, &name)))
		return e;
	if (describe && !(desc = query_req(c, "Description")))
		return ERR_IAM_VALIDATION;
	if ((desc && (e = iam_check_len(c, "Description", desc, 0, 1000))) ||
	    (!describe && (e = session_bounds(c, &max_s))))
		return e;
	iam_entity_arn(c, IAMDB_ROLE, name, arn, sizeof arn);
	iam_audit(c, arn);
	if ((e = query_authorize(c, describe ? "iam:UpdateRoleDescription" : "iam:UpdateRole", arn)))
		return e;
	e = iamdb_role_update(c->env->meta, iam_account(c), name, desc, (int)max_s);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_ROLE, name);
	if (e || !describe)
		return e;
	return role_out(c, name);
}

enum err
iam_api_UpdateRole(struct query_ctx *c)
{
	return update(c, false);
}

enum err
iam_api_UpdateRoleDescription(struct query_ctx *c)
{
	return update(c, true);
}

enum err
iam_api_UpdateAssumeRolePolicy(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1];
	const char *name, *doc;
	enum err e;

	if ((e = iam_req_name(c, "RoleName", 64, &name)) ||
	    (e = check_trust(c, "PolicyDocument", &doc)))
		return e;
	iam_entity_arn(c, IAMDB_ROLE, name, arn, sizeof arn);
	iam_audit(c, arn);
	if ((e = query_authorize(c, "iam:UpdateAssumeRolePolicy", arn)))
		return e;
	e = iamdb_role_set_trust(c->env->meta, iam_account(c), name, doc);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_ROLE, name);
	return e;
}

enum err
iam_api_DeleteRole(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1];
	enum iamdb_conflict why;
	const char *name;
	enum err e;

	if ((e = iam_req_name(c, "RoleName", 64, &name)))
		return e;
	iam_entity_arn(c, IAMDB_ROLE, name, arn, sizeof arn);
	iam_audit(c, arn);
	if ((e = query_authorize(c, "iam:DeleteRole", arn)))
		return e;
	e = iamdb_entity_delete(c->env->meta, IAMDB_ROLE, iam_account(c), name, &why);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_ROLE, name);
	if (e == ERR_IAM_DELETE_CONFLICT)
		return iam_conflict(c, why);
	return e;
}
