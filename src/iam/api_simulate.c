/* api_simulate.c - the policy simulator: SimulatePrincipalPolicy (the
 * identity policies of a user, group or role, plus any given) and
 * SimulateCustomPolicy (only the given ones), each action against each
 * resource through the policy engine, answering which policy decided. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "iam/api.h"

#define SIM_MAX_ITEMS 128   /* actions, resources, input policies */
#define SIM_MAX_CTX 64
#define SIM_MAX_VALUES 32

struct sim_ctx {
	const char *key[SIM_MAX_CTX];
	const char *vals[SIM_MAX_CTX][SIM_MAX_VALUES];
	size_t nvals[SIM_MAX_CTX];
	size_t n;
};

static size_t
ctx_values(void *cb, const char *key, const char **vals, size_t max)
{
	struct sim_ctx *s = cb;
	size_t i, j;

	for (i = 0; i < s->n; i++)
		if (strcasecmp(s->key[i], key) == 0) {
			for (j = 0; j < s->nvals[i] && j < max; j++)
				vals[j] = s->vals[i][j];
			return j;
		}
	return 0;
}

/* ContextEntries.member.N.ContextKeyName / .ContextKeyValues.member.M */
static void
read_context(struct query_ctx *c, struct sim_ctx *s)
{
	char k[96];
	size_t i;

	memset(s, 0, sizeof *s);
	for (i = 1; s->n < SIM_MAX_CTX; i++) {
		const char *name;
		snprintf(k, sizeof k, "ContextEntries.member.%zu.ContextKeyName", i);
		if (!(name = query_arg(c, k)))
			break;
		s->key[s->n] = name;
		snprintf(k, sizeof k, "ContextEntries.member.%zu.ContextKeyValues.member", i);
		s->nvals[s->n] = query_list(c, k, s->vals[s->n], SIM_MAX_VALUES);
		s->n++;
	}
}

/* The input policies (PolicyInputList.member.N), parsed. */
struct inputs {
	struct pol *pol[SIM_MAX_ITEMS];
	char id[SIM_MAX_ITEMS][40];
	size_t n;
};

static enum err
read_inputs(struct query_ctx *c, struct inputs *in, bool required)
{
	const char *docs[SIM_MAX_ITEMS];
	size_t i;
	enum err e;

	memset(in, 0, sizeof *in);
	in->n = query_list(c, "PolicyInputList.member", docs, SIM_MAX_ITEMS);
	if (required && in->n == 0) {
		query_error_msg(c, "1 validation error detected: Value null at 'policyInputList' "
				   "failed to satisfy constraint: Member must not be null");
		return ERR_IAM_VALIDATION;
	}
	for (i = 0; i < in->n; i++) {
		struct buf msg;
		buf_init(&msg, 1024);
		e = pol_parse(docs[i], strlen(docs[i]), POL_IDENTITY, &in->pol[i], &msg);
		if (e != ERR_OK)
			query_error_msg(c, "%s", msg.len ? msg.p : "Syntax errors in policy.");
		buf_fini(&msg);
		if (e != ERR_OK) {
			in->n = i;
			return ERR_IAM_MALFORMED_POLICY;
		}
		snprintf(in->id[i], sizeof in->id[i], "PolicyInputList.%zu", i + 1);
	}
	return ERR_OK;
}

static void
inputs_free(struct inputs *in)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		pol_free(in->pol[i]);
	in->n = 0;
}

/* Evaluates every action on every resource and writes EvaluationResults.
 * refs[0..nstored) come from the store (described by stored), the rest are
 * the input policies. */
static enum err
simulate(struct query_ctx *c, const struct pol_principal *who, const struct iam_policies *stored,
	 struct inputs *in)
{
	const char *actions[SIM_MAX_ITEMS], *resources[SIM_MAX_ITEMS];
	size_t na, nr, i, j, k, nstored = stored ? stored->n : 0, nrefs = nstored + in->n;
	struct pol_ref *refs = calloc(nrefs ? nrefs : 1, sizeof *refs);
	struct sim_ctx ctx;
	enum err e = ERR_OK;

	if (!refs)
		return ERR_NOMEM;
	for (k = 0; k < nstored; k++)
		refs[k] = stored->refs[k];
	for (k = 0; k < in->n; k++) {
		refs[nstored + k].pol = in->pol[k];
		refs[nstored + k].name = in->id[k];
	}
	na = query_list(c, "ActionNames.member", actions, SIM_MAX_ITEMS);
	if (na == 0) {
		query_error_msg(c, "1 validation error detected: Value null at 'actionNames' failed "
				   "to satisfy constraint: Member must not be null");
		e = ERR_IAM_VALIDATION;
		goto out;
	}
	nr = query_list(c, "ResourceArns.member", resources, SIM_MAX_ITEMS);
	if (nr == 0) {
		resources[0] = "*";
		nr = 1;
	}
	read_context(c, &ctx);
	query_open(c, "EvaluationResults");
	for (i = 0; i < na; i++)
		for (j = 0; j < nr; j++) {
			struct pol_request rq = {actions[i], resources[j], who, ctx_values, &ctx};
			struct pol_decision d;

			memset(&d, 0, sizeof d);
			pol_authorize(refs, nrefs, false, NULL, 0, NULL, 0, &rq, &d);
			query_open(c, "member");
			query_elem(c, "EvalActionName", actions[i]);
			query_elem(c, "EvalResourceName", resources[j]);
			query_elem(c, "EvalDecision", d.allowed ? "allowed" :
				   d.explicit_deny ? "explicitDeny" : "implicitDeny");
			query_open(c, "MatchedStatements");
			for (k = 0; d.policy && k < nrefs; k++) {
				const char *id, *type;
				if (refs[k].name != d.policy && strcmp(refs[k].name, d.policy) != 0)
					continue;
				if (k < nstored)
					iam_policy_source(stored, k, &id, &type);
				else {
					id = in->id[k - nstored];
					type = "IAM Policy";
				}
				query_open(c, "member");
				query_elem(c, "SourcePolicyId", id);
				query_elem(c, "SourcePolicyType", type);
				query_close(c, "member");
				break;
			}
			query_close(c, "MatchedStatements");
			query_elem(c, "MissingContextValues", NULL);
			query_close(c, "member");
		}
	query_close(c, "EvaluationResults");
	iam_truncated(c, false, NULL);
out:
	free(refs);
	return e;
}

enum err
iam_api_SimulatePrincipalPolicy(struct query_ctx *c)
{
	const char *arn, *rest, *name;
	char pre[64];
	struct iam_policies stored;
	struct pol_principal who;
	struct iamdb_entity ent;
	struct inputs in;
	enum iamdb_kind kind;
	enum err e;

	memset(&stored, 0, sizeof stored);
	memset(&ent, 0, sizeof ent);
	memset(&in, 0, sizeof in);
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
	if (e || (e = read_inputs(c, &in, false)) ||
	    (e = iam_entity_policies(c->env->meta, kind, iam_account(c), ent.name, &stored)))
		goto out;
	memset(&who, 0, sizeof who);
	who.type = kind == IAMDB_ROLE ? PT_ASSUMED_ROLE : PT_USER;
	who.account = iam_account(c);
	who.arn = ent.arn;
	who.role_arn = kind == IAMDB_ROLE ? ent.arn : NULL;
	who.userid = ent.id;
	who.username = kind == IAMDB_USER ? ent.name : NULL;
	e = simulate(c, &who, &stored, &in);
out:
	iam_policies_free(&stored);
	inputs_free(&in);
	iamdb_entity_fini(&ent);
	return e;
}

enum err
iam_api_SimulateCustomPolicy(struct query_ctx *c)
{
	const char *caller = query_arg(c, "CallerArn");
	struct pol_principal who;
	struct inputs in;
	enum err e;

	if ((e = query_authorize(c, "iam:SimulateCustomPolicy", "*")) ||
	    (e = read_inputs(c, &in, true)))
		goto out;
	memset(&who, 0, sizeof who);
	who.type = c->who->type == PT_ROOT ? PT_USER : c->who->type;
	who.account = iam_account(c);
	who.arn = caller ? caller : c->who->arn;
	who.userid = c->who->userid;
	who.username = c->who->type == PT_USER ? c->who->user : NULL;
	who.role_arn = c->who->type == PT_ASSUMED_ROLE ? c->who->role_arn : NULL;
	e = simulate(c, &who, NULL, &in);
out:
	inputs_free(&in);
	return e;
}
