/* eval.c - deciding: one policy (pol_eval: explicit deny > allow > none) and
 * a request against every policy that applies (pol_authorize, AWS's policy
 * evaluation logic within one account). On every request's path: reads the
 * compiled statements; allocates only for a key with very many values. */
#include <string.h>
#include "policy/policy_int.h"

static void
ev_init(struct ev *ev, const struct pol_request *rq)
{
	ev->rq = rq;
	ev->who = rq->who;
	ev->action = rq->action ? rq->action : "";
	ev->alen = strlen(ev->action);
	ev->res = rq->resource ? rq->resource : "*";
	ev->rlen = strlen(ev->res);
}

/* p is lower-case already (parse time); only the request is folded. */
static bool
lower_eq(const char *p, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (c != (unsigned char)p[i])
			return false;
	}
	return true;
}

static bool
action_match(const struct stmt *st, const struct ev *ev)
{
	bool found = false;
	size_t i;

	for (i = 0; i < st->nactions && !found; i++) {
		const struct apat *ap = &st->actions[i];

		switch (ap->kind) {
		case TK_ALL:
			found = true;
			break;
		case TK_EXACT:
			found = ap->n == ev->alen && lower_eq(ap->p, ev->action, ap->n);
			break;
		case TK_PREFIX:
			found = ap->n <= ev->alen && lower_eq(ap->p, ev->action, ap->n);
			break;
		default:
			found = glob_match(ap->p, ap->n, ev->action, ev->alen, GLOB_ICASE);
			break;
		}
	}
	return st->not_action ? !found : found;
}

static enum tri
res_one(const struct ev *ev, const struct tmpl *t)
{
	char buf[POL_SUBST_MAX];
	long n;

	if (!t->nsegs) {
		if (t->kind == TK_ALL)
			return T_MATCH;
		if (t->kind == TK_EXACT)
			return t->n == ev->rlen && memcmp(t->s, ev->res, ev->rlen) == 0 ? T_MATCH
											  : T_NOMATCH;
		if (t->kind == TK_PREFIX)
			return t->n <= ev->rlen && memcmp(t->s, ev->res, t->n) == 0 ? T_MATCH : T_NOMATCH;
		return glob_match(t->s, t->n, ev->res, ev->rlen, GLOB_ESC) ? T_MATCH : T_NOMATCH;
	}
	if ((n = tmpl_expand(ev, t, buf, sizeof buf)) < 0)
		return T_INVALID;
	return glob_match(buf, (size_t)n, ev->res, ev->rlen, GLOB_ESC) ? T_MATCH : T_NOMATCH;
}

/* A Resource entry whose variable has no value does not match; in a
 * NotResource it voids the statement (AWS: an unresolvable variable "might
 * cause the entire statement to be invalid"), rather than widening it. */
static bool
resource_match(const struct stmt *st, const struct ev *ev)
{
	bool invalid = false;
	size_t i;

	if (!st->has_resource)
		return true;
	for (i = 0; i < st->nresources; i++) {
		enum tri r = res_one(ev, &st->resources[i]);
		if (r == T_MATCH)
			return !st->not_resource;
		if (r == T_INVALID)
			invalid = true;
	}
	return st->not_resource && !invalid;
}

static uint8_t
grant_of(uint8_t kind)
{
	switch (kind) {
	case PR_ACCOUNT: return G_ACCOUNT;
	case PR_ROLE: return G_ROLE;
	default: return G_DIRECT;
	}
}

static bool
principal_match(const struct stmt *st, const struct ev *ev, uint8_t *grant)
{
	bool found = false;
	size_t i;

	if (st->not_principal)
		return !prin_exempt(st->principals, st->nprincipals, ev->who);
	for (i = 0; i < st->nprincipals; i++) {
		if (prin_match(&st->principals[i], ev->who)) {
			found = true;
			if (!grant)
				break;
			if (grant_of(st->principals[i].kind) > *grant)
				*grant = grant_of(st->principals[i].kind);
		}
	}
	return found;
}

bool
stmt_match(const struct pol *p, const struct stmt *st, const struct ev *ev, uint8_t *grant)
{
	size_t i;

	if (grant)
		*grant = G_NONE;
	if (!action_match(st, ev) || !resource_match(st, ev))
		return false;
	if (p->kind != POL_IDENTITY && st->has_principal && !principal_match(st, ev, grant))
		return false;
	for (i = 0; i < st->nconds; i++)
		if (!cond_eval(ev, &st->conds[i], st->effect == POL_DENY))
			return false;
	return true;
}

/* Statements are tried in order; the first matching Deny ends it, and once
 * an Allow is found only Deny statements are still worth evaluating. */
static enum pol_effect
eval_one(const struct pol *p, const struct ev *ev, struct pol_hit *hit)
{
	int allow = -1;
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct stmt *st = &p->stmts[i];

		if (st->effect == POL_ALLOW && allow >= 0)
			continue;
		if (!stmt_match(p, st, ev, NULL))
			continue;
		if (st->effect == POL_DENY) {
			hit->effect = POL_DENY;
			hit->stmt = (int)i;
			hit->sid = st->sid;
			return POL_DENY;
		}
		allow = (int)i;
	}
	if (allow >= 0) {
		hit->effect = POL_ALLOW;
		hit->stmt = allow;
		hit->sid = p->stmts[allow].sid;
		return POL_ALLOW;
	}
	return POL_NONE;
}

enum pol_effect
pol_eval(const struct pol *p, const struct pol_request *rq, struct pol_hit *hit)
{
	struct pol_hit h = {POL_NONE, -1, ""};
	enum pol_effect e = POL_NONE;
	struct ev ev;

	if (p && rq) {
		ev_init(&ev, rq);
		e = eval_one(p, &ev, &h);
	}
	if (hit)
		*hit = h;
	return e;
}

struct found {
	const struct pol_ref *ref;
	struct pol_hit hit;
};

/* The first Allow in the resource policies that grants at least min (see
 * enum grant). */
static bool
resource_grant(const struct pol_ref *refs, size_t n, const struct ev *ev, uint8_t min,
	       struct found *out)
{
	size_t r, i;

	for (r = 0; r < n; r++) {
		const struct pol *p = refs[r].pol;

		for (i = 0; p && i < p->n; i++) {
			const struct stmt *st = &p->stmts[i];
			uint8_t g = G_NONE;

			if (st->effect == POL_ALLOW && stmt_match(p, st, ev, &g) && g >= min) {
				out->ref = &refs[r];
				out->hit = (struct pol_hit){POL_ALLOW, (int)i, st->sid};
				return true;
			}
		}
	}
	return false;
}

/* Evaluates a set; stops at the first explicit Deny (returned in *deny),
 * remembers the first Allow (in *allow). */
static bool
eval_set(const struct pol_ref *refs, size_t n, const struct ev *ev, struct found *deny,
	 struct found *allow)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct pol_hit h = {POL_NONE, -1, ""};
		enum pol_effect e;

		if (!refs[i].pol)
			continue;
		e = eval_one(refs[i].pol, ev, &h);
		if (e == POL_DENY) {
			deny->ref = &refs[i];
			deny->hit = h;
			return true;
		}
		if (e == POL_ALLOW && !allow->ref) {
			allow->ref = &refs[i];
			allow->hit = h;
		}
	}
	return false;
}

static void
decide(struct pol_decision *out, bool allowed, enum pol_source src, const struct found *f)
{
	out->allowed = allowed;
	out->explicit_deny = f && f->hit.effect == POL_DENY;
	out->source = src;
	out->policy = f && f->ref ? f->ref->name : NULL;
	out->stmt = f && f->ref ? f->hit.stmt : -1;
	out->sid = f && f->ref ? f->hit.sid : NULL;
}

void
pol_authorize(const struct pol_ref *identity, size_t ni, bool has_session,
	      const struct pol_ref *session, size_t ns, const struct pol_ref *resource,
	      size_t nr, const struct pol_request *rq, struct pol_decision *out)
{
	struct found deny = {NULL, {POL_NONE, -1, ""}};
	struct found id = deny, ses = deny, res = deny;
	bool anon = !rq || !rq->who || rq->who->type == PT_ANONYMOUS;
	bool root = !anon && rq->who->type == PT_ROOT;
	bool identity_ok, session_ok;
	struct ev ev;

	if (!rq) {
		decide(out, false, SRC_NONE, NULL);
		return;
	}
	ev_init(&ev, rq);
	/* Anonymous requests have no identity or session: only a resource
	 * policy speaks for them. */
	if (anon) {
		ni = ns = 0;
		has_session = false;
	}
	if (!has_session)
		ns = 0;

	/* 1. An explicit Deny anywhere wins. */
	if (eval_set(identity, ni, &ev, &deny, &id)) {
		decide(out, false, SRC_IDENTITY, &deny);
		return;
	}
	if (eval_set(session, ns, &ev, &deny, &ses)) {
		decide(out, false, SRC_SESSION, &deny);
		return;
	}
	if (eval_set(resource, nr, &ev, &deny, &res)) {
		decide(out, false, SRC_RESOURCE, &deny);
		return;
	}

	/* 2-3. The identity side (root is allowed there), narrowed by session
	 * policies when the credentials carry them. */
	identity_ok = root || id.ref;
	session_ok = !has_session || ses.ref;
	if (identity_ok && session_ok) {
		if (root)
			decide(out, true, SRC_ROOT, NULL);
		else
			decide(out, true, SRC_IDENTITY, &id);
		return;
	}
	/* 3. A resource policy naming this principal: the user or session
	 * itself, or everyone, grants outright; the role grants its sessions
	 * within their session policies; the account only delegates to the
	 * identity side, already decided above. */
	if (res.ref && resource_grant(resource, nr, &ev, session_ok ? G_ROLE : G_DIRECT, &res)) {
		decide(out, true, SRC_RESOURCE, &res);
		return;
	}

	/* 4. Implicit deny; say when the session policies are what refused. */
	decide(out, false,
	       has_session && (identity_ok || (res.ref && resource_grant(resource, nr, &ev, G_ROLE, &res)))
		   ? SRC_SESSION
		   : SRC_NONE,
	       NULL);
}
