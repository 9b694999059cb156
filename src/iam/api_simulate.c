/* api_simulate.c - the policy simulator: SimulatePrincipalPolicy (the
 * identity policies of a user, group or role, plus any given) and
 * SimulateCustomPolicy (only the given ones), each action against each
 * resource through the policy engine (with an optional resource policy),
 * answering which statement decided (with its place in the document) and
 * which condition keys the caller did not supply. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "iam/api.h"

#define SIM_MAX_ITEMS 128   /* actions, resources, input policies */
#define SIM_MAX_CTX 64
#define SIM_MAX_VALUES 32
#define SIM_MAX_MISSING 64

/* One policy the simulation uses, whatever its source. */
struct sim_pol {
	const struct pol *pol;
	const char *name;       /* the pol_ref name the engine reports */
	const char *id;         /* SourcePolicyId */
	const char *type;       /* SourcePolicyType */
	const char *doc;        /* its text, for statement positions */
};

struct sim {
	/* context entries given by the caller */
	const char *key[SIM_MAX_CTX];
	const char *vals[SIM_MAX_CTX][SIM_MAX_VALUES];
	size_t nvals[SIM_MAX_CTX];
	size_t nctx;
	/* principal-derived keys the engine asks the caller for */
	const struct pol_principal *who;
	const char *ptype;
	/* input policies, owned */
	struct pol *owned[SIM_MAX_ITEMS + 1];
	char ids[SIM_MAX_ITEMS][40];
	size_t nowned;
	/* everything evaluated */
	struct sim_pol *pols;
	size_t npols;
	struct pol_ref *identity, *resource;
	size_t nidentity, nresource;
	/* condition keys no entry supplies */
	char *missing[SIM_MAX_MISSING];
	size_t nmissing;
};

static size_t
ctx_values(void *cb, const char *key, const char **vals, size_t max)
{
	struct sim *s = cb;
	const struct pol_principal *w = s->who;
	const char *v = NULL;
	size_t i, j;

	for (i = 0; i < s->nctx; i++)
		if (strcasecmp(s->key[i], key) == 0) {
			for (j = 0; j < s->nvals[i] && j < max; j++)
				vals[j] = s->vals[i][j];
			return j;
		}
	if (!strcasecmp(key, "aws:username"))
		v = w->username;
	else if (!strcasecmp(key, "aws:userid"))
		v = w->userid;
	else if (!strcasecmp(key, "aws:PrincipalArn"))
		v = w->role_arn ? w->role_arn : w->arn;
	else if (!strcasecmp(key, "aws:PrincipalAccount"))
		v = w->account;
	else if (!strcasecmp(key, "aws:PrincipalType"))
		v = s->ptype;
	if (!v || !max)
		return 0;
	vals[0] = v;
	return 1;
}

/* ContextEntries.member.N.ContextKeyName / .ContextKeyValues.member.M */
static void
read_context(struct query_ctx *c, struct sim *s)
{
	char k[96];
	size_t i;

	for (i = 1; s->nctx < SIM_MAX_CTX; i++) {
		const char *name;
		snprintf(k, sizeof k, "ContextEntries.member.%zu.ContextKeyName", i);
		if (!(name = query_arg(c, k)))
			break;
		s->key[s->nctx] = name;
		snprintf(k, sizeof k, "ContextEntries.member.%zu.ContextKeyValues.member", i);
		s->nvals[s->nctx] = query_list(c, k, s->vals[s->nctx], SIM_MAX_VALUES);
		s->nctx++;
	}
}

static bool
supplied(const struct sim *s, const char *key)
{
	static const char *const derived[] = {"aws:username", "aws:userid", "aws:PrincipalArn",
					      "aws:PrincipalAccount", "aws:PrincipalType"};
	size_t i;

	for (i = 0; i < s->nctx; i++)
		if (!strcasecmp(s->key[i], key))
			return true;
	for (i = 0; i < sizeof derived / sizeof derived[0]; i++)
		if (!strcasecmp(derived[i], key))
			return true;
	return false;
}

/* The condition keys a document uses ({"Condition": {op: {key: v}}}) that
 * the caller did not supply, once each. */
static void
note_missing(struct sim *s, const char *doc)
{
	json_t *root = json_loads(doc, 0, NULL), *st, *one;
	size_t i, n, j;

	if (!root)
		return;
	st = json_object_get(root, "Statement");
	n = json_is_array(st) ? json_array_size(st) : 1;
	for (i = 0; i < n; i++) {
		json_t *cond, *block;
		const char *op, *key;

		one = json_is_array(st) ? json_array_get(st, i) : st;
		cond = json_object_get(one, "Condition");
		if (!json_is_object(cond))
			continue;
		json_object_foreach(cond, op, block) {
			json_t *v;
			if (!json_is_object(block))
				continue;
			json_object_foreach(block, key, v) {
				bool seen = supplied(s, key);
				for (j = 0; !seen && j < s->nmissing; j++)
					seen = !strcasecmp(s->missing[j], key);
				if (!seen && s->nmissing < SIM_MAX_MISSING &&
				    (s->missing[s->nmissing] = strdup(key)))
					s->nmissing++;
			}
		}
	}
	json_decref(root);
}

struct jpos {
	int line, col;
};

/* Where statement idx of a document starts and ends (its braces), found by
 * a scan that knows JSON strings; false when the text has no such
 * statement. Lines and columns count from 1, as the simulator answers. */
static bool
stmt_span(const char *doc, int idx, struct jpos *start, struct jpos *end)
{
	int depth = 0, line = 1, col = 0, elem = -1, arr = -1, target = -1;
	char last[16] = "";
	size_t ln = 0;
	bool in_str = false, esc = false;
	const char *p;

	for (p = doc; *p; p++) {
		col++;
		if (in_str) {
			if (esc)
				esc = false;
			else if (*p == '\\')
				esc = true;
			else if (*p == '"')
				in_str = false;
			else if (depth == 1 && ln < sizeof last - 1)
				last[ln++] = *p;
			if (!in_str)
				last[ln] = '\0';
			continue;
		}
		switch (*p) {
		case '\n':
			line++;
			col = 0;
			break;
		case '"':
			in_str = true;
			if (depth == 1)
				ln = 0;
			break;
		case '{':
		case '[':
			if (depth == 1 && !strcmp(last, "Statement")) {
				if (*p == '[') {
					arr = depth + 1;
				} else if (idx == 0) {
					target = depth + 1;
					*start = (struct jpos){line, col};
				}
			} else if (*p == '{' && depth == arr && ++elem == idx) {
				target = depth + 1;
				*start = (struct jpos){line, col};
			}
			depth++;
			break;
		case '}':
		case ']':
			if (depth == target && *p == '}') {
				*end = (struct jpos){line, col + 1};
				return true;
			}
			if (depth == arr && *p == ']')
				arr = -1;
			depth--;
			break;
		default:
			break;
		}
	}
	return false;
}

static void
render_position(struct query_ctx *c, const char *name, struct jpos p)
{
	query_open(c, name);
	query_elem_u64(c, "Column", (uint64_t)p.col);
	query_elem_u64(c, "Line", (uint64_t)p.line);
	query_close(c, name);
}

/* Parses a caller's policy into s (owned); MalformedPolicyDocument. */
static enum err
parse_input(struct query_ctx *c, struct sim *s, const char *doc, enum pol_kind kind,
	    struct pol **out)
{
	struct buf msg;
	enum err e;

	buf_init(&msg, 1024);
	e = pol_parse(doc, strlen(doc), kind, out, &msg);
	if (e != ERR_OK) {
		query_error_msg(c, "%s", msg.len ? msg.p : "Syntax errors in policy.");
		e = ERR_IAM_MALFORMED_POLICY;
	} else {
		s->owned[s->nowned++] = *out;
	}
	buf_fini(&msg);
	return e;
}

static void
sim_fini(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->nowned; i++)
		pol_free(s->owned[i]);
	for (i = 0; i < s->nmissing; i++)
		free(s->missing[i]);
	free(s->pols);
	free(s->identity);
	free(s->resource);
}

/* Gathers stored policies (may be NULL), PolicyInputList and
 * ResourcePolicy into s. */
static enum err
gather(struct query_ctx *c, struct sim *s, const struct iam_policies *stored, bool need_input)
{
	const char *docs[SIM_MAX_ITEMS], *rp = query_arg(c, "ResourcePolicy");
	size_t nin = query_list(c, "PolicyInputList.member", docs, SIM_MAX_ITEMS);
	size_t nst = stored ? stored->n : 0, i, cap = nst + nin + 1;
	struct pol *p;
	enum err e;

	if (need_input && nin == 0) {
		query_error_msg(c, "1 validation error detected: Value null at 'policyInputList' "
				   "failed to satisfy constraint: Member must not be null");
		return ERR_IAM_VALIDATION;
	}
	s->pols = calloc(cap, sizeof *s->pols);
	s->identity = calloc(cap, sizeof *s->identity);
	s->resource = calloc(1, sizeof *s->resource);
	if (!s->pols || !s->identity || !s->resource)
		return ERR_NOMEM;
	for (i = 0; i < nst; i++) {
		struct sim_pol *sp = &s->pols[s->npols++];
		sp->pol = stored->refs[i].pol;
		sp->name = stored->refs[i].name;
		iam_policy_source(stored, i, &sp->id, &sp->type, &sp->doc);
		s->identity[s->nidentity++] = stored->refs[i];
	}
	for (i = 0; i < nin; i++) {
		struct sim_pol *sp;
		if ((e = parse_input(c, s, docs[i], POL_IDENTITY, &p)))
			return e;
		snprintf(s->ids[i], sizeof s->ids[i], "PolicyInputList.%zu", i + 1);
		sp = &s->pols[s->npols++];
		*sp = (struct sim_pol){p, s->ids[i], s->ids[i], "IAM Policy", docs[i]};
		s->identity[s->nidentity++] = (struct pol_ref){p, s->ids[i]};
	}
	if (rp) {
		struct sim_pol *sp;
		if ((e = parse_input(c, s, rp, POL_RESOURCE, &p)))
			return e;
		sp = &s->pols[s->npols++];
		*sp = (struct sim_pol){p, "ResourcePolicy", "ResourcePolicy", "resource", rp};
		s->resource[s->nresource++] = (struct pol_ref){p, "ResourcePolicy"};
	}
	for (i = 0; i < s->npols; i++)
		note_missing(s, s->pols[i].doc);
	return ERR_OK;
}

static void
render_match(struct query_ctx *c, const struct sim *s, const struct pol_decision *d)
{
	struct jpos a = {0, 0}, b = {0, 0};
	size_t k;

	query_open(c, "MatchedStatements");
	for (k = 0; d->policy && k < s->npols; k++) {
		const struct sim_pol *sp = &s->pols[k];
		if (sp->name != d->policy && strcmp(sp->name, d->policy) != 0)
			continue;
		query_open(c, "member");
		query_elem(c, "SourcePolicyId", sp->id);
		query_elem(c, "SourcePolicyType", sp->type);
		if (d->stmt >= 0 && stmt_span(sp->doc, d->stmt, &a, &b)) {
			render_position(c, "StartPosition", a);
			render_position(c, "EndPosition", b);
		}
		query_close(c, "member");
		break;
	}
	query_close(c, "MatchedStatements");
}

/* Evaluates every action on every resource, one page of EvaluationResults
 * (Marker is the index of the next pair). */
static enum err
simulate(struct query_ctx *c, struct sim *s)
{
	const char *actions[SIM_MAX_ITEMS], *resources[SIM_MAX_ITEMS], *marker;
	size_t na, nr, i, total, from = 0, max, k;
	char next[24];
	enum err e;

	if ((e = iam_paging(c, &marker, &max)))
		return e;
	if (marker)
		from = strtoul(marker, NULL, 10);
	na = query_list(c, "ActionNames.member", actions, SIM_MAX_ITEMS);
	if (na == 0) {
		query_error_msg(c, "1 validation error detected: Value null at 'actionNames' failed "
				   "to satisfy constraint: Member must not be null");
		return ERR_IAM_VALIDATION;
	}
	nr = query_list(c, "ResourceArns.member", resources, SIM_MAX_ITEMS);
	if (nr == 0) {
		resources[0] = "*";
		nr = 1;
	}
	total = na * nr;
	query_open(c, "EvaluationResults");
	for (i = from; i < total && i < from + max; i++) {
		const char *action = actions[i / nr], *res = resources[i % nr];
		struct pol_request rq = {action, res, s->who, ctx_values, s};
		struct pol_decision d;

		memset(&d, 0, sizeof d);
		pol_authorize(s->identity, s->nidentity, false, NULL, 0, s->resource, s->nresource,
			      &rq, &d);
		query_open(c, "member");
		query_elem(c, "EvalActionName", action);
		query_elem(c, "EvalResourceName", res);
		query_elem(c, "EvalDecision", d.allowed ? "allowed" :
			   d.explicit_deny ? "explicitDeny" : "implicitDeny");
		render_match(c, s, &d);
		query_open(c, "MissingContextValues");
		for (k = 0; k < s->nmissing; k++)
			query_elem(c, "member", s->missing[k]);
		query_close(c, "MissingContextValues");
		query_close(c, "member");
	}
	query_close(c, "EvaluationResults");
	snprintf(next, sizeof next, "%zu", i);
	iam_truncated(c, i < total, next);
	return ERR_OK;
}

enum err
iam_api_SimulatePrincipalPolicy(struct query_ctx *c)
{
	const char *arn, *rest, *name;
	char pre[64];
	struct iam_policies stored;
	struct pol_principal who;
	struct iamdb_entity ent;
	struct sim s;
	enum iamdb_kind kind;
	enum err e;

	memset(&stored, 0, sizeof stored);
	memset(&ent, 0, sizeof ent);
	memset(&s, 0, sizeof s);
	if (!(arn = query_req(c, "PolicySourceArn")))
		return ERR_IAM_VALIDATION;
	if ((e = iam_check_len(c, "PolicySourceArn", arn, 20, 2048)) ||
	    (e = query_authorize(c, "iam:SimulatePrincipalPolicy", arn)))
		return e;
	snprintf(pre, sizeof pre, "arn:aws:iam::%s:", iam_account(c));
	rest = strncmp(arn, pre, strlen(pre)) == 0 ? arn + strlen(pre) : "";
	if (!strncmp(rest, "user/", 5))
		kind = IAMDB_USER;
	else if (!strncmp(rest, "group/", 6))
		kind = IAMDB_GROUP;
	else if (!strncmp(rest, "role/", 5))
		kind = IAMDB_ROLE;
	else {
		query_error_msg(c, "Invalid Entity Arn: %.256s does not clearly define entity type "
				   "and name.", arn);
		return ERR_IAM_INVALID_INPUT;
	}
	name = strrchr(rest, '/') + 1;
	e = iamdb_entity_get(c->env->meta, kind, iam_account(c), name, false, &ent);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return iam_no_such(c, kind, name);
	if (e || (e = iam_entity_policies(c->env->meta, kind, iam_account(c), ent.name, &stored)))
		goto out;
	memset(&who, 0, sizeof who);
	who.type = kind == IAMDB_ROLE ? PT_ASSUMED_ROLE : PT_USER;
	who.account = iam_account(c);
	who.arn = ent.arn;
	who.role_arn = kind == IAMDB_ROLE ? ent.arn : NULL;
	who.userid = ent.id;
	who.username = kind == IAMDB_USER ? ent.name : NULL;
	s.who = &who;
	s.ptype = kind == IAMDB_ROLE ? "AssumedRole" : "User";
	read_context(c, &s);
	if ((e = gather(c, &s, &stored, false)) == ERR_OK)
		e = simulate(c, &s);
out:
	sim_fini(&s);
	iam_policies_free(&stored);
	iamdb_entity_fini(&ent);
	return e;
}

enum err
iam_api_SimulateCustomPolicy(struct query_ctx *c)
{
	const char *caller = query_arg(c, "CallerArn");
	struct pol_principal who;
	struct sim s;
	enum err e;

	memset(&s, 0, sizeof s);
	if ((e = query_authorize(c, "iam:SimulateCustomPolicy", "*")))
		return e;
	memset(&who, 0, sizeof who);
	who.type = c->who->type == PT_ROOT ? PT_USER : c->who->type;
	who.account = iam_account(c);
	who.arn = caller ? caller : c->who->arn;
	who.userid = c->who->userid;
	who.username = c->who->type == PT_USER ? c->who->user : NULL;
	who.role_arn = c->who->type == PT_ASSUMED_ROLE ? c->who->role_arn : NULL;
	s.who = &who;
	s.ptype = c->who->type == PT_ASSUMED_ROLE ? "AssumedRole" : "User";
	read_context(c, &s);
	if ((e = gather(c, &s, NULL, true)) == ERR_OK)
		e = simulate(c, &s);
	sim_fini(&s);
	return e;
}
