/* api.c - the IAM Query API's action table and what its actions share:
 * AWS's validation wording, ARNs, paging, tags, URL-encoded documents and
 * the XML of users, groups and roles. The actions themselves live in
 * api_*.c; the protocol (form, envelope, errors) in query/query.c. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "iam/api.h"

#define IAM_ROW(name) {#name, iam_api_##name},
const struct query_action iam_actions[] = {IAM_ACTIONS(IAM_ROW)};
#undef IAM_ROW
const size_t iam_nactions = sizeof iam_actions / sizeof iam_actions[0];

void
iam_audit(struct query_ctx *c, const char *target)
{
	size_t n = strnlen(target, sizeof c->audit_target - 1);

	memcpy(c->audit_target, target, n);
	c->audit_target[n] = '\0';
}

const char *
iam_account(const struct query_ctx *c)
{
	return c->who->account;
}

/* "UserName" -> "userName", as AWS's validation messages name members. */
static void
camel(const char *param, char *out, size_t cap)
{
	snprintf(out, cap, "%s", param);
	out[0] = (char)tolower((unsigned char)out[0]);
}

/* Values are quoted back to the client, as AWS does, but cut short. */
static enum err
invalid(struct query_ctx *c, const char *param, const char *v, const char *constraint)
{
	char p[64];

	camel(param, p, sizeof p);
	query_error_msg(c, "1 validation error detected: Value '%.200s' at '%s' failed to satisfy "
			   "constraint: %s", v, p, constraint);
	return ERR_IAM_VALIDATION;
}

enum err
iam_check_len(struct query_ctx *c, const char *param, const char *v, size_t lo, size_t hi)
{
	char msg[96];
	size_t n = strlen(v);

	if (n < lo) {
		snprintf(msg, sizeof msg, "Member must have length greater than or equal to %zu", lo);
		return invalid(c, param, v, msg);
	}
	if (n > hi) {
		snprintf(msg, sizeof msg, "Member must have length less than or equal to %zu", hi);
		return invalid(c, param, v, msg);
	}
	return ERR_OK;
}

enum err
iam_check_name(struct query_ctx *c, const char *param, const char *v, size_t max)
{
	const char *p;
	enum err e;

	if ((e = iam_check_len(c, param, v, 1, max)))
		return e;
	for (p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+=,.@-", *p))
			return invalid(c, param, v,
				       "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
	return ERR_OK;
}

enum err
iam_req_name(struct query_ctx *c, const char *param, size_t max, const char **out)
{
	*out = query_req(c, param);
	if (!*out)
		return ERR_IAM_VALIDATION;
	return iam_check_name(c, param, *out, max);
}

static bool
printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

enum err
iam_check_path(struct query_ctx *c, const char *param, const char *v)
{
	size_t n = strlen(v);
	enum err e;

	if ((e = iam_check_len(c, param, v, 1, IAMDB_PATH_MAX)))
		return e;
	if (v[0] != '/' || v[n - 1] != '/' || !printable(v) || strstr(v, "//"))
		return invalid(c, param, v, "Member must satisfy regular expression pattern: "
					    "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
	return ERR_OK;
}

enum err
iam_check_path_prefix(struct query_ctx *c, const char *param, const char *v)
{
	enum err e;

	if ((e = iam_check_len(c, param, v, 1, IAMDB_PATH_MAX)))
		return e;
	if (v[0] != '/' || !printable(v))
		return invalid(c, param, v, "Member must satisfy regular expression pattern: "
					    "\\u002F[\\u0021-\\u007F]*");
	return ERR_OK;
}

enum err
iam_check_document(struct query_ctx *c, const char *param, const char *doc, enum pol_kind kind,
		   size_t limit, const char *quota)
{
	struct pol *p = NULL;
	struct buf msg;
	size_t n = 0;
	const char *s;
	enum err e;

	if ((e = iam_check_len(c, param, doc, 1, 131072)))
		return e;
	/* AWS counts a document's size without its whitespace */
	for (s = doc; *s; s++)
		if (!isspace((unsigned char)*s))
			n++;
	if (n > limit) {
		query_error_msg(c, "Cannot exceed quota for %s: %zu", quota, limit);
		return ERR_IAM_LIMIT_EXCEEDED;
	}
	buf_init(&msg, 1024);
	e = pol_parse(doc, strlen(doc), kind, &p, &msg);
	if (e != ERR_OK) {
		query_error_msg(c, "%s", msg.len ? msg.p : "Syntax errors in policy.");
		e = ERR_IAM_MALFORMED_POLICY;
	}
	pol_free(p);
	buf_fini(&msg);
	return e;
}

void
iam_arn(char *out, size_t cap, const char *account, const char *type, const char *path,
	const char *name)
{
	snprintf(out, cap, "arn:aws:iam::%s:%s%s%s", account, type, path && *path ? path : "/",
		 name);
}

static const char *const kind_type[] = {"user", "group", "role"};

void
iam_entity_arn(struct query_ctx *c, enum iamdb_kind kind, const char *name, char *out,
	       size_t cap)
{
	struct iamdb_entity e;

	if (iamdb_entity_get(c->env->meta, kind, iam_account(c), name, false, &e) == ERR_OK) {
		snprintf(out, cap, "%s", e.arn);
		iamdb_entity_fini(&e);
		return;
	}
	iam_arn(out, cap, iam_account(c), kind_type[kind], "/", name);
}

enum err
iam_target_user(struct query_ctx *c, const char **user, bool *is_root)
{
	const char *u = query_arg(c, "UserName");

	*is_root = false;
	if (u) {
		*user = u;
		return iam_check_name(c, "UserName", u, 64);
	}
	if (c->who->type == PT_ROOT) {
		*is_root = true;
		*user = c->who->user;
		return ERR_OK;
	}
	if (c->who->type == PT_USER) {
		*user = c->who->user;
		return ERR_OK;
	}
	query_error_msg(c, "Must specify userName when calling with non-User credentials");
	return ERR_IAM_VALIDATION;
}

enum err
iam_no_such(struct query_ctx *c, enum iamdb_kind kind, const char *name)
{
	query_error_msg(c, "The %s with name %s cannot be found.", kind_type[kind], name);
	return ERR_IAM_NO_SUCH_ENTITY;
}

enum err
iam_conflict(struct query_ctx *c, enum iamdb_conflict why)
{
	static const char *const msg[] = {
		[IAMDB_CONFLICT_NONE] = "Cannot delete entity because it is in use.",
		[IAMDB_CONFLICT_KEYS] = "Cannot delete entity, must delete access keys first.",
		[IAMDB_CONFLICT_LOGIN] = "Cannot delete entity, must delete login profile first.",
		[IAMDB_CONFLICT_ATTACHED] = "Cannot delete entity, must detach all policies first.",
		[IAMDB_CONFLICT_INLINE] = "Cannot delete entity, must delete policies first.",
		[IAMDB_CONFLICT_GROUPS] = "Cannot delete entity, must remove user from all groups first.",
		[IAMDB_CONFLICT_MEMBERS] = "Cannot delete entity, must remove users from group first.",
		[IAMDB_CONFLICT_VERSIONS] = "This policy has more than one version. Before you delete "
			"a policy, you must delete the policy's versions. The default version is "
			"deleted with the policy.",
	};

	query_error_msg(c, "%s", msg[why]);
	return ERR_IAM_DELETE_CONFLICT;
}

/* ---- output ---- */

void
iam_elem_doc(struct query_ctx *c, const char *name, const char *json)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	buf_printf(&c->out, "<%s>", name);
	for (p = (const unsigned char *)(json ? json : ""); *p; p++) {
		if (isalnum(*p) || strchr("-_.~", *p))
			buf_addc(&c->out, (char)*p);
		else
			buf_printf(&c->out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	buf_printf(&c->out, "</%s>", name);
}

enum err
iam_paging(struct query_ctx *c, const char **marker, size_t *max_items)
{
	long v;
	enum err e;

	*marker = query_arg(c, "Marker");
	if (*marker && (e = iam_check_len(c, "Marker", *marker, 1, 320)))
		return e;
	if ((e = query_int(c, "MaxItems", 1, 1000, 100, &v)))
		return e;
	*max_items = (size_t)v;
	return ERR_OK;
}

void
iam_truncated(struct query_ctx *c, bool truncated, const char *marker)
{
	query_elem_bool(c, "IsTruncated", truncated);
	if (truncated && marker)
		query_elem(c, "Marker", marker);
}

enum err
iam_list_entities(struct query_ctx *c, enum iamdb_kind kind, const char *action,
		  const char *list, void (*render)(struct query_ctx *c, const struct iamdb_entity *e))
{
	const char *prefix = query_arg(c, "PathPrefix"), *marker;
	struct iamdb_entities l;
	size_t max, i;
	enum err e;

	if ((e = iam_paging(c, &marker, &max)) ||
	    (prefix && (e = iam_check_path_prefix(c, "PathPrefix", prefix))))
		return e;
	if ((e = query_authorize(c, action, "*")))
		return e;
	if ((e = iamdb_entity_list(c->env->meta, kind, iam_account(c), prefix, marker, max, &l)))
		return e;
	query_open(c, list);
	for (i = 0; i < l.n; i++) {
		query_open(c, "member");
		render(c, &l.v[i]);
		query_close(c, "member");
	}
	query_close(c, list);
	iam_truncated(c, l.truncated, l.n ? l.v[l.n - 1].name : NULL);
	iamdb_entities_free(&l);
	return ERR_OK;
}

enum err
iam_tags_parse(struct query_ctx *c, const char *prefix, char **json)
{
	json_t *a = json_array();
	enum err e = ERR_OK;
	size_t i, j;

	*json = NULL;
	if (!a)
		return ERR_NOMEM;
	for (i = 1;; i++) {
		char kk[96], vk[96];
		const char *k, *v;

		snprintf(kk, sizeof kk, "%s.member.%zu.Key", prefix, i);
		snprintf(vk, sizeof vk, "%s.member.%zu.Value", prefix, i);
		k = query_arg(c, kk);
		v = query_arg(c, vk);
		if (!k && !v)
			break;
		if (i > IAM_MAX_TAGS) {
			query_error_msg(c, "1 validation error detected: Value at 'tags' failed to "
					   "satisfy constraint: Member must have length less than or "
					   "equal to 50");
			e = ERR_IAM_VALIDATION;
			goto out;
		}
		if (!k) {
			snprintf(kk, sizeof kk, "tags.%zu.member.key", i);
			query_error_msg(c, "1 validation error detected: Value null at '%s' failed "
					   "to satisfy constraint: Member must not be null", kk);
			e = ERR_IAM_VALIDATION;
			goto out;
		}
		if ((e = iam_check_len(c, "TagKey", k, 1, 128)) ||
		    (e = iam_check_len(c, "TagValue", v ? v : "", 0, 256)))
			goto out;
		for (j = 0; j < json_array_size(a); j++) {
			const char *o = json_string_value(json_object_get(json_array_get(a, j), "Key"));
			if (o && strcasecmp(o, k) == 0) {
				query_error_msg(c, "Duplicate tag keys found. Please note that Tag keys "
						   "are case insensitive.");
				e = ERR_IAM_INVALID_INPUT;
				goto out;
			}
		}
		if (json_array_append_new(a, json_pack("{s:s,s:s}", "Key", k, "Value", v ? v : ""))) {
			e = ERR_NOMEM;
			goto out;
		}
	}
	if (json_array_size(a)) {
		*json = json_dumps(a, JSON_COMPACT);
		if (!*json)
			e = ERR_NOMEM;
	}
out:
	json_decref(a);
	return e;
}

void
iam_tags_render(struct query_ctx *c, const char *json, bool always)
{
	json_t *a = json ? json_loads(json, 0, NULL) : NULL;
	size_t i;

	if (!a || !json_array_size(a)) {
		json_decref(a);
		if (always)
			query_elem(c, "Tags", NULL);
		return;
	}
	query_open(c, "Tags");
	for (i = 0; i < json_array_size(a); i++) {
		json_t *t = json_array_get(a, i);
		query_open(c, "member");
		query_elem(c, "Key", json_string_value(json_object_get(t, "Key")));
		query_elem(c, "Value", json_string_value(json_object_get(t, "Value")));
		query_close(c, "member");
	}
	query_close(c, "Tags");
	json_decref(a);
}

enum err
iam_tags_merge(struct query_ctx *c, const char *stored, const char *add, char **out)
{
	json_t *a = stored ? json_loads(stored, 0, NULL) : json_array();
	json_t *b = add ? json_loads(add, 0, NULL) : json_array();
	enum err e = ERR_OK;
	size_t i, j;

	*out = NULL;
	if (!a || !json_is_array(a)) {
		json_decref(a);
		a = json_array();
	}
	if (!a || !b) {
		e = ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < json_array_size(b); i++) {
		json_t *t = json_array_get(b, i);
		const char *k = json_string_value(json_object_get(t, "Key"));
		bool replaced = false;
		for (j = 0; j < json_array_size(a); j++) {
			const char *o = json_string_value(json_object_get(json_array_get(a, j), "Key"));
			if (o && k && strcasecmp(o, k) == 0) {
				json_array_set(a, j, t);
				replaced = true;
				break;
			}
		}
		if (!replaced)
			json_array_append(a, t);
	}
	if (json_array_size(a) > IAM_MAX_TAGS) {
		query_error_msg(c, "The number of tags has reached the maximum limit.");
		e = ERR_IAM_LIMIT_EXCEEDED;
		goto out;
	}
	*out = json_dumps(a, JSON_COMPACT);
	if (!*out)
		e = ERR_NOMEM;
out:
	json_decref(a);
	json_decref(b);
	return e;
}

enum err
iam_tags_remove(const char *stored, const char **keys, size_t n, char **out)
{
	json_t *a = stored ? json_loads(stored, 0, NULL) : NULL;
	size_t i, j;

	*out = NULL;
	if (!a)
		return ERR_OK;
	for (j = json_array_size(a); j-- > 0;) {
		const char *o = json_string_value(json_object_get(json_array_get(a, j), "Key"));
		for (i = 0; i < n; i++)
			if (o && strcasecmp(o, keys[i]) == 0) {
				json_array_remove(a, j);
				break;
			}
	}
	*out = json_array_size(a) ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	return ERR_OK;
}

/* ---- entity XML ---- */

void
iam_render_user(struct query_ctx *c, const struct iamdb_entity *u, bool tags)
{
	if (u->is_root) {
		/* AWS answers the root user without name or path */
		query_elem(c, "UserId", u->id);
		query_elem(c, "Arn", u->arn);
		query_elem_time(c, "CreateDate", u->created_ms);
		return;
	}
	query_elem(c, "Path", u->path);
	query_elem(c, "UserName", u->name);
	query_elem(c, "UserId", u->id);
	query_elem(c, "Arn", u->arn);
	query_elem_time(c, "CreateDate", u->created_ms);
	if (u->login_last_used_ms)
		query_elem_time(c, "PasswordLastUsed", u->login_last_used_ms);
	if (tags)
		iam_tags_render(c, u->tags, false);
}

void
iam_render_group(struct query_ctx *c, const struct iamdb_entity *g)
{
	query_elem(c, "Path", g->path);
	query_elem(c, "GroupName", g->name);
	query_elem(c, "GroupId", g->id);
	query_elem(c, "Arn", g->arn);
	query_elem_time(c, "CreateDate", g->created_ms);
}

void
iam_render_role(struct query_ctx *c, const struct iamdb_entity *r, bool full)
{
	query_elem(c, "Path", r->path);
	query_elem(c, "RoleName", r->name);
	query_elem(c, "RoleId", r->id);
	query_elem(c, "Arn", r->arn);
	query_elem_time(c, "CreateDate", r->created_ms);
	iam_elem_doc(c, "AssumeRolePolicyDocument", r->trust_policy);
	if (r->description)
		query_elem(c, "Description", r->description);
	query_elem_u64(c, "MaxSessionDuration", (uint64_t)r->max_session_s);
	if (!full)
		return;
	iam_tags_render(c, r->tags, false);
	query_open(c, "RoleLastUsed");
	if (r->last_used_ms)
		query_elem_time(c, "LastUsedDate", r->last_used_ms);
	query_close(c, "RoleLastUsed");
}
