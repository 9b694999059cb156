/* api_policies.c - managed policies (customer and AWS-managed built-ins),
 * their versions, attachment to users/groups/roles, ListEntitiesForPolicy,
 * and inline policies, over the Query API in AWS's shapes. Documents are
 * validated by the policy engine before they are stored and returned
 * URL-encoded, as IAM does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/timefmt.h"
#include "iam/api.h"
#include "iam/keys.h"

#define MANAGED_SIZE 6144

struct kind_info {
	enum iamdb_kind kind;
	const char *param;       /* "UserName" */
	const char *word;        /* "User" (in action names) */
	const char *lower;       /* "user" */
	const char *quota;       /* attached-policies quota name */
	size_t inline_limit;     /* AWS's inline policy size quota */
};

static const struct kind_info kinds[] = {
	{IAMDB_USER, "UserName", "User", "user", "PoliciesPerUser", 2048},
	{IAMDB_GROUP, "GroupName", "Group", "group", "PoliciesPerGroup", 5120},
	{IAMDB_ROLE, "RoleName", "Role", "role", "PoliciesPerRole", 10240},
};

/* The policy name of an ARN: what follows its last '/'. */
static const char *
arn_name(const char *arn)
{
	const char *s = strrchr(arn, '/');

	return s ? s + 1 : arn;
}

/* AWS checks the ARN's shape (arn:partition:service:region:account:res)
 * before looking anything up: InvalidInput otherwise. */
static enum err
req_arn(struct query_ctx *c, const char *param, const char **arn)
{
	const char *p;
	int colons = 0;
	enum err e;

	if (!(*arn = query_req(c, param)))
		return ERR_IAM_VALIDATION;
	if ((e = iam_check_len(c, param, *arn, 20, 2048)))
		return e;
	for (p = *arn; *p; p++)
		colons += *p == ':';
	if (strncmp(*arn, "arn:", 4) != 0 || colons < 5) {
		query_error_msg(c, "ARN %s is not valid.", *arn);
		return ERR_IAM_INVALID_INPUT;
	}
	return ERR_OK;
}

static bool
is_local(struct query_ctx *c, const char *arn)
{
	char pre[64];

	snprintf(pre, sizeof pre, "arn:aws:iam::%s:policy/", iam_account(c));
	return strncmp(arn, pre, strlen(pre)) == 0;
}

static enum err
not_found(struct query_ctx *c, const char *arn)
{
	query_error_msg(c, "Policy %s was not found.", arn);
	return ERR_IAM_NO_SUCH_ENTITY;
}

/* A managed policy by ARN: a built-in (*b) or one of the account's (p). */
static enum err
policy_find(struct query_ctx *c, const char *arn, const struct iam_builtin **b,
	    struct iamdb_policy *p)
{
	enum err e;

	memset(p, 0, sizeof *p);
	if ((*b = iam_builtin_find(arn)))
		return ERR_OK;
	if (!is_local(c, arn))
		return not_found(c, arn);
	e = iamdb_policy_get(c->env->meta, arn, p);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return not_found(c, arn);
	return e;
}

static enum err
unmodifiable(struct query_ctx *c, const char *arn)
{
	query_error_msg(c, "Cannot modify an AWS managed policy: %s", arn);
	return ERR_IAM_UNMODIFIABLE;
}

static void
render_builtin(struct query_ctx *c, const struct iam_builtin *b, size_t attachments, bool full)
{
	query_elem(c, "PolicyName", b->name);
	query_elem(c, "PolicyId", b->id);
	query_elem(c, "Arn", b->arn);
	query_elem(c, "Path", "/");
	query_elem(c, "DefaultVersionId", b->version);
	query_elem_u64(c, "AttachmentCount", attachments);
	query_elem_u64(c, "PermissionsBoundaryUsageCount", 0);
	query_elem_bool(c, "IsAttachable", true);
	if (full)
		query_elem(c, "Description", b->description);
	query_elem_time(c, "CreateDate", b->created_ms);
	query_elem_time(c, "UpdateDate", b->updated_ms);
}

static void
render_policy(struct query_ctx *c, const struct iamdb_policy *p, bool full)
{
	query_elem(c, "PolicyName", p->name);
	query_elem(c, "PolicyId", p->id);
	query_elem(c, "Arn", p->arn);
	query_elem(c, "Path", p->path);
	query_elem(c, "DefaultVersionId", p->default_version);
	query_elem_u64(c, "AttachmentCount", p->attachments);
	query_elem_u64(c, "PermissionsBoundaryUsageCount", 0);
	query_elem_bool(c, "IsAttachable", true);
	if (full && p->description)
		query_elem(c, "Description", p->description);
	query_elem_time(c, "CreateDate", p->created_ms);
	query_elem_time(c, "UpdateDate", p->updated_ms);
	if (full)
		iam_tags_render(c, p->tags, false);
}

enum err
iam_api_CreatePolicy(struct query_ctx *c)
{
	const char *name, *path = query_arg(c, "Path"), *doc, *desc = query_arg(c, "Description");
	struct iamdb_policy p;
	char *tags = NULL;
	enum err e;

	memset(&p, 0, sizeof p);
	if ((e = iam_req_name(c, "PolicyName", 128, &name)))
		return e;
	if (!path)
		path = "/";
	if ((e = iam_check_path(c, "Path", path)) ||
	    (desc && (e = iam_check_len(c, "Description", desc, 0, 1000))))
		return e;
	if (!(doc = query_req(c, "PolicyDocument")))
		return ERR_IAM_VALIDATION;
	if ((e = iam_check_document(c, "PolicyDocument", doc, POL_IDENTITY, MANAGED_SIZE,
				    "PolicySize")) ||
	    (e = iam_tags_parse(c, "Tags", &tags)))
		goto out;
	snprintf(p.account, sizeof p.account, "%s", iam_account(c));
	snprintf(p.name, sizeof p.name, "%s", name);
	snprintf(p.path, sizeof p.path, "%s", path);
	snprintf(p.default_version, sizeof p.default_version, "v1");
	iam_arn(p.arn, sizeof p.arn, iam_account(c), "policy", path, name);
	iam_audit(c, p.arn);
	if ((e = query_authorize(c, "iam:CreatePolicy", p.arn)) || (e = iam_gen_id("ANPA", p.id)))
		goto out;
	p.created_ms = p.updated_ms = now_ms();
	p.description = (char *)desc;
	p.tags = tags;
	e = iamdb_policy_create(c->env->meta, &p, doc);
	if (e == ERR_IAM_ENTITY_EXISTS)
		query_error_msg(c, "A policy called %s already exists. Duplicate names are not "
				   "allowed.", name);
	if (e)
		goto out;
	query_open(c, "Policy");
	render_policy(c, &p, true);
	query_close(c, "Policy");
out:
	free(tags);
	return e;
}

enum err
iam_api_GetPolicy(struct query_ctx *c)
{
	const struct iam_builtin *b;
	struct iamdb_policy p;
	const char *arn;
	size_t n = 0;
	enum err e;

	if ((e = req_arn(c, "PolicyArn", &arn)) || (e = query_authorize(c, "iam:GetPolicy", arn)) ||
	    (e = policy_find(c, arn, &b, &p)))
		return e;
	query_open(c, "Policy");
	if (b) {
		if ((e = iamdb_attachment_count(c->env->meta, iam_account(c), arn, &n)))
			return e;
		render_builtin(c, b, n, true);
	} else {
		render_policy(c, &p, true);
	}
	query_close(c, "Policy");
	iamdb_policy_fini(&p);
	return ERR_OK;
}

/* Scope=All lists the AWS-managed built-ins first, then the account's own;
 * the marker says which phase it stopped in ("A" or "L") and after what. */
enum err
iam_api_ListPolicies(struct query_ctx *c)
{
	const char *scope = query_arg(c, "Scope"), *prefix = query_arg(c, "PathPrefix");
	const char *only = query_arg(c, "OnlyAttached"), *marker;
	const char *after_local = NULL, *after_aws = NULL;
	struct iamdb_policies l;
	bool attached, aws, local, truncated = false;
	char next[IAMDB_NAME_MAX + 2] = "";
	size_t max, i, count = 0;
	enum err e;

	memset(&l, 0, sizeof l);
	if (!scope)
		scope = "All";
	if (strcmp(scope, "All") && strcmp(scope, "AWS") && strcmp(scope, "Local")) {
		query_error_msg(c, "1 validation error detected: Value '%.32s' at 'scope' failed to "
				   "satisfy constraint: Member must satisfy enum value set: "
				   "[All, AWS, Local]", scope);
		return ERR_IAM_VALIDATION;
	}
	if ((e = iam_paging(c, &marker, &max)) ||
	    (prefix && (e = iam_check_path_prefix(c, "PathPrefix", prefix))))
		return e;
	if ((e = query_authorize(c, "iam:ListPolicies", "*")))
		return e;
	attached = only && strcasecmp(only, "true") == 0;
	aws = strcmp(scope, "Local") != 0;
	local = strcmp(scope, "AWS") != 0;
	if (marker && marker[0] == 'L') {
		aws = false;
		after_local = marker + 1;
	} else if (marker && marker[0] == 'A') {
		after_aws = marker + 1;
	}
	query_open(c, "Policies");
	if (aws && (!prefix || strcmp(prefix, "/") == 0)) {
		for (i = 0; i < iam_nbuiltins; i++) {
			const struct iam_builtin *b = &iam_builtins[i];
			size_t n = 0;

			if (after_aws && strcmp(b->name, after_aws) <= 0)
				continue;
			if ((e = iamdb_attachment_count(c->env->meta, iam_account(c), b->arn, &n)))
				return e;
			if (attached && !n)
				continue;
			if (count == max) {
				truncated = true;
				break;
			}
			query_open(c, "member");
			render_builtin(c, b, n, false);
			query_close(c, "member");
			snprintf(next, sizeof next, "A%s", b->name);
			count++;
		}
	}
	if (local && !truncated && count < max) {
		if ((e = iamdb_policy_list(c->env->meta, iam_account(c), prefix, attached,
					   after_local, max - count, &l)))
			return e;
		for (i = 0; i < l.n; i++) {
			query_open(c, "member");
			render_policy(c, &l.v[i], false);
			query_close(c, "member");
			snprintf(next, sizeof next, "L%s", l.v[i].name);
		}
		truncated = l.truncated;
		iamdb_policies_free(&l);
	} else if (local && !truncated && count == max) {
		/* the page is full: more follow if the account has any */
		if ((e = iamdb_policy_list(c->env->meta, iam_account(c), prefix, attached, NULL, 1,
					   &l)))
			return e;
		truncated = l.n > 0;
		iamdb_policies_free(&l);
	}
	query_close(c, "Policies");
	iam_truncated(c, truncated, next);
	return ERR_OK;
}

enum err
iam_api_DeletePolicy(struct query_ctx *c)
{
	enum iamdb_conflict why;
	const char *arn;
	enum err e;

	if ((e = req_arn(c, "PolicyArn", &arn)))
		return e;
	iam_audit(c, arn);
	if ((e = query_authorize(c, "iam:DeletePolicy", arn)))
		return e;
	if (iam_builtin_find(arn))
		return unmodifiable(c, arn);
	if (!is_local(c, arn))
		return not_found(c, arn);
	e = iamdb_policy_delete(c->env->meta, arn, &why);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return not_found(c, arn);
	if (e == ERR_IAM_DELETE_CONFLICT) {
		if (why == IAMDB_CONFLICT_ATTACHED) {
			query_error_msg(c, "Cannot delete a policy attached to entities.");
			return e;
		}
		return iam_conflict(c, why);
	}
	return e;
}

/* ---- versions ---- */

static enum err
req_version(struct query_ctx *c, const char **vid)
{
	const char *p;

	if (!(*vid = query_req(c, "VersionId")))
		return ERR_IAM_VALIDATION;
	p = *vid;
	if (p[0] != 'v' || p[1] < '1' || p[1] > '9')
		goto bad;
	for (p += 2; *p >= '0' && *p <= '9'; p++)
		;
	if (*p == '\0' && strlen(*vid) <= IAMDB_VERSION_MAX)
		return ERR_OK;
bad:
	query_error_msg(c, "1 validation error detected: Value '%.32s' at 'versionId' failed to "
			   "satisfy constraint: Member must satisfy regular expression pattern: "
			   "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?", *vid);
	return ERR_IAM_VALIDATION;
}

static enum err
no_version(struct query_ctx *c, const char *arn, const char *vid)
{
	query_error_msg(c, "Policy %s version %s does not exist or is not attachable.", arn, vid);
	return ERR_IAM_NO_SUCH_ENTITY;
}

enum err
iam_api_CreatePolicyVersion(struct query_ctx *c)
{
	const char *arn, *doc, *def = query_arg(c, "SetAsDefault");
	char vid[IAMDB_VERSION_MAX + 1];
	bool set_default = def && strcasecmp(def, "true") == 0;
	int64_t now = now_ms();
	enum err e;

	if ((e = req_arn(c, "PolicyArn", &arn)))
		return e;
	if (!(doc = query_req(c, "PolicyDocument")))
		return ERR_IAM_VALIDATION;
	if ((e = iam_check_document(c, "PolicyDocument", doc, POL_IDENTITY, MANAGED_SIZE,
				    "PolicySize")))
		return e;
	iam_audit(c, arn);
	if ((e = query_authorize(c, "iam:CreatePolicyVersion", arn)))
		return e;
	if (iam_builtin_find(arn))
		return unmodifiable(c, arn);
	if (!is_local(c, arn))
		return not_found(c, arn);
	e = iamdb_version_create(c->env->meta, arn, doc, set_default, IAM_MAX_VERSIONS, now, vid);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return not_found(c, arn);
	if (e == ERR_IAM_LIMIT_EXCEEDED)
		query_error_msg(c, "A managed policy can have up to %d versions. Before you create "
				   "a new version, you must delete an existing version.",
				IAM_MAX_VERSIONS);
	if (e)
		return e;
	query_open(c, "PolicyVersion");
	query_elem(c, "VersionId", vid);
	query_elem_bool(c, "IsDefaultVersion", set_default);
	query_elem_time(c, "CreateDate", now);
	query_close(c, "PolicyVersion");
	return ERR_OK;
}

enum err
iam_api_GetPolicyVersion(struct query_ctx *c)
{
	const struct iam_builtin *b;
	struct iamdb_version v;
	const char *arn, *vid;
	enum err e;

	if ((e = req_arn(c, "PolicyArn", &arn)) || (e = req_version(c, &vid)) ||
	    (e = query_authorize(c, "iam:GetPolicyVersion", arn)))
		return e;
	if ((b = iam_builtin_find(arn))) {
		if (strcmp(vid, b->version) != 0)
			return no_version(c, arn, vid);
		query_open(c, "PolicyVersion");
		iam_elem_doc(c, "Document", b->document);
		query_elem(c, "VersionId", b->version);
		query_elem_bool(c, "IsDefaultVersion", true);
		query_elem_time(c, "CreateDate", b->updated_ms);
		query_close(c, "PolicyVersion");
		return ERR_OK;
	}
	if (!is_local(c, arn))
		return no_version(c, arn, vid);
	e = iamdb_version_get(c->env->meta, arn, vid, &v);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return no_version(c, arn, vid);
	if (e)
		return e;
	query_open(c, "PolicyVersion");
	iam_elem_doc(c, "Document", v.document);
	query_elem(c, "VersionId", v.id);
	query_elem_bool(c, "IsDefaultVersion", v.is_default);
	query_elem_time(c, "CreateDate", v.created_ms);
	query_close(c, "PolicyVersion");
	free(v.document);
	return ERR_OK;
}

enum err
iam_api_ListPolicyVersions(struct query_ctx *c)
{
	struct iamdb_version v[IAM_MAX_VERSIONS + 1];
	const struct iam_builtin *b;
	struct iamdb_policy p;
	const char *arn, *marker;
	size_t n = 0, i, max;
	enum err e;

	if ((e = req_arn(c, "PolicyArn", &arn)) || (e = iam_paging(c, &marker, &max)) ||
	    (e = query_authorize(c, "iam:ListPolicyVersions", arn)) ||
	    (e = policy_find(c, arn, &b, &p)))
		return e;
	iamdb_policy_fini(&p);
	if (!b && (e = iamdb_version_list(c->env->meta, arn, v, IAM_MAX_VERSIONS + 1, &n)))
		return e;
	query_open(c, "Versions");
	if (b) {
		query_open(c, "member");
		query_elem(c, "VersionId", b->version);
		query_elem_bool(c, "IsDefaultVersion", true);
		query_elem_time(c, "CreateDate", b->updated_ms);
		query_close(c, "member");
	}
	for (i = 0; i < n; i++) {
		query_open(c, "member");
		query_elem(c, "VersionId", v[i].id);
		query_elem_bool(c, "IsDefaultVersion", v[i].is_default);
		query_elem_time(c, "CreateDate", v[i].created_ms);
		query_close(c, "member");
		free(v[i].document);
	}
	query_close(c, "Versions");
	iam_truncated(c, false, NULL);
	return ERR_OK;
}

/* The shared start of actions on one version of the account's own policy:
 * parameters, audit target, permission, and "AWS-managed or missing". */
static enum err
version_target(struct query_ctx *c, const char *action, const char **arn, const char **vid)
{
	enum err e;

	if ((e = req_arn(c, "PolicyArn", arn)) || (e = req_version(c, vid)))
		return e;
	iam_audit(c, *arn);
	if ((e = query_authorize(c, action, *arn)))
		return e;
	if (iam_builtin_find(*arn))
		return unmodifiable(c, *arn);
	if (!is_local(c, *arn))
		return not_found(c, *arn);
	return ERR_OK;
}

enum err
iam_api_SetDefaultPolicyVersion(struct query_ctx *c)
{
	const char *arn, *vid;
	enum err e;

	if ((e = version_target(c, "iam:SetDefaultPolicyVersion", &arn, &vid)))
		return e;
	e = iamdb_version_set_default(c->env->meta, arn, vid);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return no_version(c, arn, vid);
	return e;
}

enum err
iam_api_DeletePolicyVersion(struct query_ctx *c)
{
	const char *arn, *vid;
	enum err e;

	if ((e = version_target(c, "iam:DeletePolicyVersion", &arn, &vid)))
		return e;
	e = iamdb_version_delete(c->env->meta, arn, vid);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return no_version(c, arn, vid);
	if (e == ERR_IAM_DELETE_CONFLICT)
		query_error_msg(c, "Cannot delete the default version of a policy.");
	return e;
}

/* ---- attachment ---- */

static enum err
attach(struct query_ctx *c, const struct kind_info *k)
{
	char arn[IAMDB_ARN_MAX + 1], action[64];
	const char *name, *parn;
	int which;
	enum err e;

	if ((e = iam_req_name(c, k->param, 64, &name)) || (e = req_arn(c, "PolicyArn", &parn)))
		return e;
	iam_entity_arn(c, k->kind, name, arn, sizeof arn);
	snprintf(action, sizeof action, "iam:Attach%sPolicy", k->word);
	iam_audit(c, arn);
	if ((e = query_authorize(c, action, arn)))
		return e;
	if (!iam_builtin_find(parn) && !is_local(c, parn)) {
		query_error_msg(c, "Policy %s does not exist or is not attachable.", parn);
		return ERR_IAM_NO_SUCH_ENTITY;
	}
	e = iamdb_attach(c->env->meta, k->kind, iam_account(c), name, parn, is_local(c, parn),
			 IAM_MAX_ATTACHED, &which);
	if (e == ERR_IAM_NO_SUCH_ENTITY && which == 1) {
		query_error_msg(c, "Policy %s does not exist or is not attachable.", parn);
		return e;
	}
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, k->kind, name);
	if (e == ERR_IAM_LIMIT_EXCEEDED)
		query_error_msg(c, "Cannot exceed quota for %s: %d", k->quota, IAM_MAX_ATTACHED);
	return e;
}

static enum err
detach(struct query_ctx *c, const struct kind_info *k)
{
	char arn[IAMDB_ARN_MAX + 1], action[64];
	const char *name, *parn;
	int which;
	enum err e;

	if ((e = iam_req_name(c, k->param, 64, &name)) || (e = req_arn(c, "PolicyArn", &parn)))
		return e;
	iam_entity_arn(c, k->kind, name, arn, sizeof arn);
	snprintf(action, sizeof action, "iam:Detach%sPolicy", k->word);
	iam_audit(c, arn);
	if ((e = query_authorize(c, action, arn)))
		return e;
	e = iamdb_detach(c->env->meta, k->kind, iam_account(c), name, parn, &which);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return which ? not_found(c, parn) : iam_no_such(c, k->kind, name);
	return e;
}

static enum err
list_attached(struct query_ctx *c, const struct kind_info *k)
{
	const char *name, *prefix = query_arg(c, "PathPrefix"), *marker;
	char arn[IAMDB_ARN_MAX + 1], action[64];
	char **arns = NULL;
	size_t n = 0, i, max, shown = 0;
	bool truncated = false, past;
	const char *last = NULL;
	enum err e;

	if ((e = iam_req_name(c, k->param, 64, &name)) || (e = iam_paging(c, &marker, &max)) ||
	    (prefix && (e = iam_check_path_prefix(c, "PathPrefix", prefix))))
		return e;
	iam_entity_arn(c, k->kind, name, arn, sizeof arn);
	snprintf(action, sizeof action, "iam:ListAttached%sPolicies", k->word);
	if ((e = query_authorize(c, action, arn)))
		return e;
	e = iamdb_attached(c->env->meta, k->kind, iam_account(c), name, &arns, &n);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, k->kind, name);
	if (e)
		return e;
	query_open(c, "AttachedPolicies");
	past = !marker;
	for (i = 0; i < n; i++) {
		const char *p = strstr(arns[i], ":policy");
		if (!past) {
			past = strcmp(arns[i], marker) == 0;
			continue;
		}
		if (prefix && (!p || strncmp(p + 7, prefix, strlen(prefix)) != 0))
			continue;
		if (shown == max) {
			truncated = true;
			break;
		}
		query_open(c, "member");
		query_elem(c, "PolicyName", arn_name(arns[i]));
		query_elem(c, "PolicyArn", arns[i]);
		query_close(c, "member");
		last = arns[i];
		shown++;
	}
	query_close(c, "AttachedPolicies");
	iam_truncated(c, truncated, last);
	iamdb_strings_free(arns, n);
	return ERR_OK;
}

#define KIND_ACTIONS(W, i) \
	enum err iam_api_Attach##W##Policy(struct query_ctx *c) { return attach(c, &kinds[i]); } \
	enum err iam_api_Detach##W##Policy(struct query_ctx *c) { return detach(c, &kinds[i]); } \
	enum err iam_api_ListAttached##W##Policies(struct query_ctx *c) \
	{ return list_attached(c, &kinds[i]); }

KIND_ACTIONS(User, 0)
KIND_ACTIONS(Group, 1)
KIND_ACTIONS(Role, 2)

enum err
iam_api_ListEntitiesForPolicy(struct query_ctx *c)
{
	const char *arn, *filter = query_arg(c, "EntityFilter"), *prefix = query_arg(c, "PathPrefix");
	const char *marker;
	const struct iam_builtin *b;
	struct iamdb_entities l;
	struct iamdb_policy p;
	static const char *const wrap[] = {"PolicyUsers", "PolicyGroups", "PolicyRoles"};
	static const char *const nm[] = {"UserName", "GroupName", "RoleName"};
	static const char *const id[] = {"UserId", "GroupId", "RoleId"};
	static const int order[] = {IAMDB_GROUP, IAMDB_USER, IAMDB_ROLE};
	size_t max, i, k;
	enum err e;

	if ((e = req_arn(c, "PolicyArn", &arn)) || (e = iam_paging(c, &marker, &max)) ||
	    (prefix && (e = iam_check_path_prefix(c, "PathPrefix", prefix))) ||
	    (e = query_authorize(c, "iam:ListEntitiesForPolicy", arn)) ||
	    (e = policy_find(c, arn, &b, &p)))
		return e;
	iamdb_policy_fini(&p);
	if ((e = iamdb_policy_entities(c->env->meta, iam_account(c), arn, &l)))
		return e;
	for (k = 0; k < 3; k++) {
		enum iamdb_kind kind = (enum iamdb_kind)order[k];
		static const char *const fw[] = {"User", "Group", "Role"};

		if (filter && strcmp(filter, fw[kind]) != 0 && strcmp(filter, "LocalManagedPolicy") &&
		    strcmp(filter, "AWSManagedPolicy"))
			continue;
		query_open(c, wrap[kind]);
		for (i = 0; i < l.n; i++) {
			if (l.v[i].kind != kind)
				continue;
			if (prefix && strncmp(l.v[i].path, prefix, strlen(prefix)) != 0)
				continue;
			query_open(c, "member");
			query_elem(c, nm[kind], l.v[i].name);
			query_elem(c, id[kind], l.v[i].id);
			query_close(c, "member");
		}
		query_close(c, wrap[kind]);
	}
	iam_truncated(c, false, NULL);
	iamdb_entities_free(&l);
	return ERR_OK;
}

/* ---- inline policies ---- */

static enum err
no_inline(struct query_ctx *c, const struct kind_info *k, const char *pname)
{
	query_error_msg(c, "The %s policy with name %s cannot be found.", k->lower, pname);
	return ERR_IAM_NO_SUCH_ENTITY;
}

static enum err
put_inline(struct query_ctx *c, const struct kind_info *k)
{
	char arn[IAMDB_ARN_MAX + 1], action[64];
	const char *name, *pname, *doc, *s;
	size_t n = 0;
	enum err e;

	if ((e = iam_req_name(c, k->param, 64, &name)) ||
	    (e = iam_req_name(c, "PolicyName", 128, &pname)))
		return e;
	if (!(doc = query_req(c, "PolicyDocument")))
		return ERR_IAM_VALIDATION;
	for (s = doc; *s; s++)
		n += !(*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r');
	if (n > k->inline_limit) {
		query_error_msg(c, "Maximum policy size of %zu bytes exceeded for %s %s",
				k->inline_limit, k->lower, name);
		return ERR_IAM_LIMIT_EXCEEDED;
	}
	if ((e = iam_check_document(c, "PolicyDocument", doc, POL_IDENTITY, 131072, "PolicySize")))
		return e;
	iam_entity_arn(c, k->kind, name, arn, sizeof arn);
	snprintf(action, sizeof action, "iam:Put%sPolicy", k->word);
	iam_audit(c, arn);
	if ((e = query_authorize(c, action, arn)))
		return e;
	e = iamdb_inline_put(c->env->meta, k->kind, iam_account(c), name, pname, doc);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, k->kind, name);
	return e;
}

static enum err
get_inline(struct query_ctx *c, const struct kind_info *k)
{
	char arn[IAMDB_ARN_MAX + 1], action[64], *doc = NULL;
	struct iamdb_entity ent;
	const char *name, *pname;
	int which;
	enum err e;

	if ((e = iam_req_name(c, k->param, 64, &name)) ||
	    (e = iam_req_name(c, "PolicyName", 128, &pname)))
		return e;
	iam_entity_arn(c, k->kind, name, arn, sizeof arn);
	snprintf(action, sizeof action, "iam:Get%sPolicy", k->word);
	if ((e = query_authorize(c, action, arn)))
		return e;
	e = iamdb_inline_get(c->env->meta, k->kind, iam_account(c), name, pname, &doc, &which);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return which ? no_inline(c, k, pname) : iam_no_such(c, k->kind, name);
	if (e)
		return e;
	/* the stored spelling of the entity's name, as AWS answers it */
	if (iamdb_entity_get(c->env->meta, k->kind, iam_account(c), name, false, &ent) == ERR_OK) {
		query_elem(c, k->param, ent.name);
		iamdb_entity_fini(&ent);
	} else {
		query_elem(c, k->param, name);
	}
	query_elem(c, "PolicyName", pname);
	iam_elem_doc(c, "PolicyDocument", doc);
	free(doc);
	return ERR_OK;
}

static enum err
delete_inline(struct query_ctx *c, const struct kind_info *k)
{
	char arn[IAMDB_ARN_MAX + 1], action[64];
	const char *name, *pname;
	int which;
	enum err e;

	if ((e = iam_req_name(c, k->param, 64, &name)) ||
	    (e = iam_req_name(c, "PolicyName", 128, &pname)))
		return e;
	iam_entity_arn(c, k->kind, name, arn, sizeof arn);
	snprintf(action, sizeof action, "iam:Delete%sPolicy", k->word);
	iam_audit(c, arn);
	if ((e = query_authorize(c, action, arn)))
		return e;
	e = iamdb_inline_delete(c->env->meta, k->kind, iam_account(c), name, pname, &which);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return which ? no_inline(c, k, pname) : iam_no_such(c, k->kind, name);
	return e;
}

static enum err
list_inline(struct query_ctx *c, const struct kind_info *k)
{
	char arn[IAMDB_ARN_MAX + 1], action[64], **names = NULL;
	const char *name, *marker, *last = NULL;
	size_t n = 0, i, max, shown = 0;
	bool truncated = false, past;
	enum err e;

	if ((e = iam_req_name(c, k->param, 64, &name)) || (e = iam_paging(c, &marker, &max)))
		return e;
	iam_entity_arn(c, k->kind, name, arn, sizeof arn);
	snprintf(action, sizeof action, "iam:List%sPolicies", k->word);
	if ((e = query_authorize(c, action, arn)))
		return e;
	e = iamdb_inline_list(c->env->meta, k->kind, iam_account(c), name, &names, NULL, &n);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, k->kind, name);
	if (e)
		return e;
	query_open(c, "PolicyNames");
	past = !marker;
	for (i = 0; i < n; i++) {
		if (!past) {
			past = strcmp(names[i], marker) == 0;
			continue;
		}
		if (shown == max) {
			truncated = true;
			break;
		}
		query_elem(c, "member", names[i]);
		last = names[i];
		shown++;
	}
	query_close(c, "PolicyNames");
	iam_truncated(c, truncated, last);
	iamdb_strings_free(names, n);
	return ERR_OK;
}

#define INLINE_ACTIONS(W, i) \
	enum err iam_api_Put##W##Policy(struct query_ctx *c) { return put_inline(c, &kinds[i]); } \
	enum err iam_api_Get##W##Policy(struct query_ctx *c) { return get_inline(c, &kinds[i]); } \
	enum err iam_api_Delete##W##Policy(struct query_ctx *c) \
	{ return delete_inline(c, &kinds[i]); } \
	enum err iam_api_List##W##Policies(struct query_ctx *c) { return list_inline(c, &kinds[i]); }

INLINE_ACTIONS(User, 0)
INLINE_ACTIONS(Group, 1)
INLINE_ACTIONS(Role, 2)
