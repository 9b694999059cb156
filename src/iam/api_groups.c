/* api_groups.c - IAM groups over the Query API: CreateGroup, GetGroup (with
 * its users), ListGroups, UpdateGroup, DeleteGroup, AddUserToGroup,
 * RemoveUserFromGroup, ListGroupsForUser. A group's policies apply to its
 * users (see lookup.c); groups are not principals themselves. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "core/timefmt.h"
#include "iam/api.h"
#include "iam/keys.h"

#define GROUP_NAME_MAX 128

enum err
iam_api_CreateGroup(struct query_ctx *c)
{
	const char *name, *path = query_arg(c, "Path");
	struct iamdb_entity g;
	enum err e;

	memset(&g, 0, sizeof g);
	if ((e = iam_req_name(c, "GroupName", GROUP_NAME_MAX, &name)))
		return e;
	if (!path)
		path = "/";
	if ((e = iam_check_path(c, "Path", path)))
		return e;
	g.kind = IAMDB_GROUP;
	snprintf(g.account, sizeof g.account, "%s", iam_account(c));
	snprintf(g.name, sizeof g.name, "%s", name);
	snprintf(g.path, sizeof g.path, "%s", path);
	iam_arn(g.arn, sizeof g.arn, iam_account(c), "group", path, name);
	iam_audit(c, g.arn);
	if ((e = query_authorize(c, "iam:CreateGroup", g.arn)) || (e = iam_gen_id("AGPA", g.id)))
		return e;
	g.created_ms = now_ms();
	e = iamdb_entity_create(c->env->meta, &g);
	if (e == ERR_IAM_ENTITY_EXISTS)
		query_error_msg(c, "Group with name %s already exists.", name);
	if (e)
		return e;
	query_open(c, "Group");
	iam_render_group(c, &g);
	query_close(c, "Group");
	return ERR_OK;
}

enum err
iam_api_GetGroup(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1];
	struct iamdb_entities users;
	struct iamdb_entity g;
	const char *name, *marker, *last = NULL;
	size_t max, i, shown = 0;
	bool truncated = false, past;
	enum err e;

	if ((e = iam_req_name(c, "GroupName", GROUP_NAME_MAX, &name)) ||
	    (e = iam_paging(c, &marker, &max)))
		return e;
	iam_entity_arn(c, IAMDB_GROUP, name, arn, sizeof arn);
	if ((e = query_authorize(c, "iam:GetGroup", arn)))
		return e;
	e = iamdb_entity_get(c->env->meta, IAMDB_GROUP, iam_account(c), name, false, &g);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_GROUP, name);
	if (e)
		return e;
	if ((e = iamdb_group_users(c->env->meta, iam_account(c), g.name, &users))) {
		iamdb_entity_fini(&g);
		return e;
	}
	query_open(c, "Group");
	iam_render_group(c, &g);
	query_close(c, "Group");
	query_open(c, "Users");
	past = !marker;
	for (i = 0; i < users.n; i++) {
		if (!past) {
			past = strcasecmp(users.v[i].name, marker) == 0;
			continue;
		}
		if (shown == max) {
			truncated = true;
			break;
		}
		query_open(c, "member");
		iam_render_user(c, &users.v[i], false);
		query_close(c, "member");
		last = users.v[i].name;
		shown++;
	}
	query_close(c, "Users");
	iam_truncated(c, truncated, last);
	iamdb_entities_free(&users);
	iamdb_entity_fini(&g);
	return ERR_OK;
}

enum err
iam_api_ListGroups(struct query_ctx *c)
{
	return iam_list_entities(c, IAMDB_GROUP, "iam:ListGroups", "Groups", iam_render_group);
}

enum err
iam_api_UpdateGroup(struct query_ctx *c)
{
	const char *name, *new_name = query_arg(c, "NewGroupName"), *new_path = query_arg(c, "NewPath");
	char arn[IAMDB_ARN_MAX + 1], new_arn[IAMDB_ARN_MAX + 1];
	struct iamdb_entity g;
	enum err e;

	if ((e = iam_req_name(c, "GroupName", GROUP_NAME_MAX, &name)) ||
	    (new_name && (e = iam_check_name(c, "NewGroupName", new_name, GROUP_NAME_MAX))) ||
	    (new_path && (e = iam_check_path(c, "NewPath", new_path))))
		return e;
	iam_entity_arn(c, IAMDB_GROUP, name, arn, sizeof arn);
	iam_audit(c, arn);
	if ((e = query_authorize(c, "iam:UpdateGroup", arn)))
		return e;
	e = iamdb_entity_get(c->env->meta, IAMDB_GROUP, iam_account(c), name, false, &g);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_GROUP, name);
	if (e)
		return e;
	iam_arn(new_arn, sizeof new_arn, iam_account(c), "group", new_path ? new_path : g.path,
		new_name ? new_name : g.name);
	iamdb_entity_fini(&g);
	e = iamdb_entity_rename(c->env->meta, IAMDB_GROUP, iam_account(c), name, new_name,
				new_path, new_arn);
	if (e == ERR_IAM_ENTITY_EXISTS)
		query_error_msg(c, "Group with name %s already exists.", new_name);
	else if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_GROUP, name);
	return e;
}

enum err
iam_api_DeleteGroup(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1];
	enum iamdb_conflict why;
	const char *name;
	enum err e;

	if ((e = iam_req_name(c, "GroupName", GROUP_NAME_MAX, &name)))
		return e;
	iam_entity_arn(c, IAMDB_GROUP, name, arn, sizeof arn);
	iam_audit(c, arn);
	if ((e = query_authorize(c, "iam:DeleteGroup", arn)))
		return e;
	e = iamdb_entity_delete(c->env->meta, IAMDB_GROUP, iam_account(c), name, &why);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_GROUP, name);
	if (e == ERR_IAM_DELETE_CONFLICT)
		return iam_conflict(c, why);
	return e;
}

static enum err
membership(struct query_ctx *c, bool add)
{
	const char *group, *user;
	char arn[IAMDB_ARN_MAX + 1];
	int which = 0;
	enum err e;

	if ((e = iam_req_name(c, "GroupName", GROUP_NAME_MAX, &group)) ||
	    (e = iam_req_name(c, "UserName", 64, &user)))
		return e;
	iam_entity_arn(c, IAMDB_GROUP, group, arn, sizeof arn);
	iam_audit(c, arn);
	if ((e = query_authorize(c, add ? "iam:AddUserToGroup" : "iam:RemoveUserFromGroup", arn)))
		return e;
	if (add)
		e = iamdb_member_add(c->env->meta, iam_account(c), group, user,
				     IAM_MAX_GROUPS_PER_USER, &which);
	else
		e = iamdb_member_remove(c->env->meta, iam_account(c), group, user, &which);
	if (e == ERR_IAM_NO_SUCH_ENTITY) {
		if (which == 0)
			return iam_no_such(c, IAMDB_GROUP, group);
		if (which == 1)
			return iam_no_such(c, IAMDB_USER, user);
		query_error_msg(c, "User %s is not in group %s.", user, group);
		return e;
	}
	if (e == ERR_IAM_LIMIT_EXCEEDED)
		query_error_msg(c, "Cannot exceed quota for GroupsPerUser: %d",
				IAM_MAX_GROUPS_PER_USER);
	return e;
}

enum err
iam_api_AddUserToGroup(struct query_ctx *c)
{
	return membership(c, true);
}

enum err
iam_api_RemoveUserFromGroup(struct query_ctx *c)
{
	return membership(c, false);
}

enum err
iam_api_ListGroupsForUser(struct query_ctx *c)
{
	char arn[IAMDB_ARN_MAX + 1];
	struct iamdb_entities l;
	const char *user, *marker, *last = NULL;
	size_t max, i, shown = 0;
	bool truncated = false, past;
	enum err e;

	if ((e = iam_req_name(c, "UserName", 64, &user)) || (e = iam_paging(c, &marker, &max)))
		return e;
	iam_entity_arn(c, IAMDB_USER, user, arn, sizeof arn);
	if ((e = query_authorize(c, "iam:ListGroupsForUser", arn)))
		return e;
	e = iamdb_user_groups(c->env->meta, iam_account(c), user, &l);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, IAMDB_USER, user);
	if (e)
		return e;
	query_open(c, "Groups");
	past = !marker;
	for (i = 0; i < l.n; i++) {
		if (!past) {
			past = strcasecmp(l.v[i].name, marker) == 0;
			continue;
		}
		if (shown == max) {
			truncated = true;
			break;
		}
		query_open(c, "member");
		iam_render_group(c, &l.v[i]);
		query_close(c, "member");
		last = l.v[i].name;
		shown++;
	}
	query_close(c, "Groups");
	iam_truncated(c, truncated, last);
	iamdb_entities_free(&l);
	return ERR_OK;
}
