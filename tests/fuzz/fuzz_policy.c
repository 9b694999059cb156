/* fuzz_policy.c - the policy engine (src/policy): JSON parsing and
 * validation, then, for a policy that parses, evaluation with conditions and
 * ${} variables against a request context taken from the input, for every
 * kind of principal, alone and through pol_authorize.
 * Input: a policy document, then optionally a line "---" and context lines:
 *   kind=identity|resource|trust   how the document is parsed (default identity)
 *   action=s3:GetObject            the request's action
 *   resource=arn:aws:s3:::b/k      the request's resource
 *   who.username= who.userid= who.arn= who.role_arn= who.account=
 *                                  override the principals' fields
 *   match=PATTERN                  also glob PATTERN against action and resource
 *   KEY=VALUE                      a context value (repeat KEY for several)
 * Invariants: a refusal has the kind's error code and a message; the deciding
 * statement is reported consistently; an explicit Deny wins over any Allow;
 * the root user is allowed unless denied; a string always globs itself. */
#include <stdbool.h>
#include <strings.h>
#include "policy/policy_int.h"
#include "fuzz_util.h"

#define MAX_CTX 32

struct ctx {
	const char *k[MAX_CTX], *v[MAX_CTX];
	size_t n;
};

static size_t
ctx_values(void *cb, const char *key, const char **vals, size_t max)
{
	struct ctx *c = cb;
	size_t i, n = 0;

	for (i = 0; i < c->n; i++)
		if (strcasecmp(c->k[i], key) == 0 && n < max)
			vals[n++] = c->v[i];
	return n;
}

static void
check_hit(const struct pol *p, enum pol_effect eff, const struct pol_hit *hit)
{
	FUZZ_CHECK(hit->effect == eff);
	if (eff == POL_NONE) {
		FUZZ_CHECK(hit->stmt == -1);
		return;
	}
	FUZZ_CHECK(hit->stmt >= 0 && (size_t)hit->stmt < pol_statements(p));
	FUZZ_CHECK(hit->sid && strcmp(hit->sid, pol_sid(p, (size_t)hit->stmt)) == 0);
}

static void
evaluate(const struct pol *p, enum pol_kind kind, struct pol_request *rq)
{
	static struct pol *allow_all;
	struct pol_ref self = {p, "fuzzed"}, all = {NULL, "allow-all"};
	struct pol_hit hit, again;
	struct pol_decision d;
	enum pol_effect eff;
	bool anon = rq->who->type == PT_ANONYMOUS;

	if (!allow_all) {
		static const char doc[] =
		    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Action\":\"*\",\"Resource\":\"*\"}]}";
		FUZZ_CHECK(pol_parse(doc, sizeof(doc) - 1, POL_IDENTITY, &allow_all, NULL) == ERR_OK);
	}
	all.pol = allow_all;

	eff = pol_eval(p, rq, &hit);
	check_hit(p, eff, &hit);
	FUZZ_CHECK(pol_eval(p, rq, &again) == eff && again.stmt == hit.stmt);

	switch (kind) {
	case POL_IDENTITY:
		/* anonymous requests have no identity or session policies */
		if (anon) {
			pol_authorize(&self, 1, true, &self, 1, NULL, 0, rq, &d);
			FUZZ_CHECK(!d.allowed && !d.explicit_deny);
			break;
		}
		/* as an identity policy beside one that allows everything */
		pol_authorize((struct pol_ref[]){self, all}, 2, false, NULL, 0, NULL, 0, rq, &d);
		if (eff == POL_DENY)
			FUZZ_CHECK(!d.allowed && d.explicit_deny);
		else
			FUZZ_CHECK(d.allowed);
		/* as a session policy: it can only narrow */
		pol_authorize(&all, 1, true, &self, 1, NULL, 0, rq, &d);
		if (d.allowed)
			FUZZ_CHECK(eff == POL_ALLOW || rq->who->type == PT_ROOT);
		if (eff == POL_DENY)
			FUZZ_CHECK(!d.allowed && d.explicit_deny);
		break;
	case POL_RESOURCE:
	case POL_TRUST:
		pol_authorize(NULL, 0, false, NULL, 0, &self, 1, rq, &d);
		if (eff == POL_DENY)
			FUZZ_CHECK(!d.allowed && d.explicit_deny);
		else if (rq->who->type == PT_ROOT)
			FUZZ_CHECK(d.allowed);
		if (d.allowed)
			FUZZ_CHECK(eff == POL_ALLOW || rq->who->type == PT_ROOT);
		break;
	}
}

/* Value parsers the conditions use, on every context value. */
static void
parse_values(const struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		size_t n = strlen(c->v[i]);
		struct cidr net;
		double d;
		int64_t ms;

		(void)pol_parse_number(c->v[i], n, &d);
		(void)pol_parse_date(c->v[i], n, &ms);
		if (pol_parse_cidr(c->v[i], n, &net))
			FUZZ_CHECK((net.fam == 4 && net.bits <= 32) || (net.fam == 6 && net.bits <= 128));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sep = memmem(data, size, "\n---\n", 5);
	size_t jlen = sep ? (size_t)(sep - (const char *)data) : size;
	char *json = fuzz_dup(data, jlen); /* not NUL-terminated: pol_parse takes a length */
	struct fuzz_in in = {sep ? sep + 5 : NULL, sep ? size - jlen - 5 : 0};
	char *lines[MAX_CTX + 16], *line;
	size_t nl = 0, i;
	struct ctx ctx = {{0}, {0}, 0};
	const char *matches[8];
	size_t nm = 0;
	enum pol_kind kind = POL_IDENTITY;
	struct pol_principal who[4] = {
		{PT_ANONYMOUS, NULL, NULL, NULL, NULL, NULL},
		{PT_ROOT, "123456789012", "arn:aws:iam::123456789012:root", NULL, "123456789012", NULL},
		{PT_USER, "123456789012", "arn:aws:iam::123456789012:user/dev/alice", NULL,
		 "AIDAEXAMPLEALICE", "alice"},
		{PT_ASSUMED_ROLE, "123456789012", "arn:aws:sts::123456789012:assumed-role/ops/s1",
		 "arn:aws:iam::123456789012:role/ops", "AROAEXAMPLEOPS:s1", NULL},
	};
	struct pol_request rq = {"s3:GetObject", "arn:aws:s3:::bucket/key", NULL, ctx_values, &ctx};
	struct pol *p = NULL;
	struct buf msg;
	enum err e;

	while (nl < sizeof(lines) / sizeof(lines[0]) && (line = fuzz_field(&in, '\n', NULL))) {
		char *eq = strchr(line, '=');
		const char *v = eq ? eq + 1 : "";

		lines[nl++] = line;
		if (eq)
			*eq = '\0';
		if (strcmp(line, "kind") == 0)
			kind = strcmp(v, "resource") == 0 ? POL_RESOURCE
			       : strcmp(v, "trust") == 0  ? POL_TRUST
							  : POL_IDENTITY;
		else if (strcmp(line, "action") == 0)
			rq.action = v;
		else if (strcmp(line, "resource") == 0)
			rq.resource = v;
		else if (strcmp(line, "match") == 0 && nm < 8)
			matches[nm++] = v;
		else if (strncmp(line, "who.", 4) == 0)
			for (i = 2; i < 4; i++) {
				if (strcmp(line + 4, "username") == 0 && who[i].type == PT_USER)
					who[i].username = v;
				else if (strcmp(line + 4, "userid") == 0)
					who[i].userid = v;
				else if (strcmp(line + 4, "arn") == 0)
					who[i].arn = v;
				else if (strcmp(line + 4, "role_arn") == 0 && who[i].type == PT_ASSUMED_ROLE)
					who[i].role_arn = v;
				else if (strcmp(line + 4, "account") == 0)
					who[i].account = v;
			}
		else if (ctx.n < MAX_CTX) {
			ctx.k[ctx.n] = line;
			ctx.v[ctx.n++] = v;
		}
	}
	parse_values(&ctx);
	/* a string always globs itself: wildcards match themselves too */
	FUZZ_CHECK(pol_match_action(rq.action, rq.action));
	FUZZ_CHECK(pol_match_arn(rq.resource, rq.resource));
	FUZZ_CHECK(pol_match_arn("*", rq.resource) && pol_match_action("*", rq.action));
	for (i = 0; i < nm; i++) {
		(void)pol_match_action(matches[i], rq.action);
		(void)pol_match_arn(matches[i], rq.resource);
	}

	buf_init(&msg, 0);
	e = pol_parse(json, jlen, kind, &p, &msg);
	if (e) {
		FUZZ_CHECK(p == NULL || e == ERR_OK);
		FUZZ_CHECK(e == ERR_NOMEM || e == (kind == POL_RESOURCE ? ERR_S3_MALFORMED_POLICY
									: ERR_IAM_MALFORMED_POLICY));
		FUZZ_CHECK(msg.len > 0);
	} else {
		FUZZ_CHECK(p != NULL && pol_statements(p) >= 1);
		for (i = 0; i < pol_statements(p); i++)
			FUZZ_CHECK(pol_sid(p, i) != NULL);
		for (i = 0; i < 4; i++) {
			rq.who = &who[i];
			evaluate(p, kind, &rq);
		}
		pol_free(p);
	}
	buf_fini(&msg);
	for (i = 0; i < nl; i++)
		free(lines[i]);
	free(json);
	return 0;
}
