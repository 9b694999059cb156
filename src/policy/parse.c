/* parse.c - policy JSON (jansson) → validated statements, compiled into one
 * arena per policy: actions lower-cased, strings split into text and
 * variables, numbers, dates, CIDRs and base64 decoded. Grammar and messages
 * follow IAM (identity, trust) and S3 (bucket); nothing here runs per request. */
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "policy/policy_int.h"

/* ---- arena ---- */

struct ar_chunk {
	struct ar_chunk *next;
	size_t used, size;
	max_align_t data[];
};

void *
ar_alloc(struct arena *a, size_t n)
{
	struct ar_chunk *c = a->head;
	size_t al = sizeof(max_align_t), need = (n + al - 1) / al * al;
	void *p;

	if (need == 0)
		need = al;
	if (!c || c->size - c->used < need) {
		size_t sz = need > 8192 ? need : 8192;
		c = malloc(sizeof *c + sz);
		if (!c)
			return NULL;
		c->size = sz;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	memset(p, 0, need);
	return p;
}

char *
ar_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = ar_alloc(a, n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

void
ar_free(struct arena *a)
{
	struct ar_chunk *c = a->head, *nx;

	for (; c; c = nx) {
		nx = c->next;
		free(c);
	}
	a->head = NULL;
}

/* ---- parse state and messages ---- */

struct pctx {
	struct pol *p;
	enum pol_kind kind;
	struct buf *msg;
	enum err code; /* ERR_IAM_MALFORMED_POLICY or ERR_S3_MALFORMED_POLICY */
};

static enum err
fail(struct pctx *pc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static enum err
fail(struct pctx *pc, const char *fmt, ...)
{
	va_list ap;

	if (pc->msg) {
		buf_reset(pc->msg);
		va_start(ap, fmt);
		buf_vprintf(pc->msg, fmt, ap);
		va_end(ap);
	}
	return pc->code;
}

static bool
is_s3(const struct pctx *pc)
{
	return pc->kind == POL_RESOURCE;
}

static enum err
syntax(struct pctx *pc)
{
	return is_s3(pc) ? fail(pc, "Policies must be valid JSON and the first byte must be '{'")
			 : fail(pc, "Syntax errors in policy.");
}

/* A string element: its bytes, bounded. */
static bool
get_str(json_t *v, const char **s, size_t *n)
{
	if (!json_is_string(v))
		return false;
	*s = json_string_value(v);
	*n = json_string_length(v);
	return *n <= POL_MAX_STR;
}

/* Calls fn for each string of a string-or-array element. Returns ERR_OK,
 * or the error fn or a malformed shape gave. *count receives the number. */
typedef enum err (*str_fn)(struct pctx *pc, const char *s, size_t n, void *arg, size_t i);

static enum err
each_str(struct pctx *pc, json_t *v, str_fn fn, void *arg, size_t *count)
{
	const char *s;
	size_t n, i;
	json_t *e;
	enum err err;

	*count = 0;
	if (json_is_string(v)) {
		if (!get_str(v, &s, &n))
			return fail(pc, "Policy element exceeds %d characters", POL_MAX_STR);
		*count = 1;
		return fn ? fn(pc, s, n, arg, 0) : ERR_OK;
	}
	if (!json_is_array(v))
		return syntax(pc);
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return syntax(pc);
		if (!get_str(e, &s, &n))
			return fail(pc, "Policy element exceeds %d characters", POL_MAX_STR);
		if (fn && (err = fn(pc, s, n, arg, i)))
			return err;
	}
	*count = json_array_size(v);
	return ERR_OK;
}

/* ---- Action / NotAction ---- */

static bool
action_chars(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '*' || c == '?' || c == '.'))
			return false;
	}
	return true;
}

static enum err
add_action(struct pctx *pc, const char *s, size_t n, void *arg, size_t i)
{
	struct stmt *st = arg;
	struct apat *ap = &st->actions[i];
	const char *colon = memchr(s, ':', n);
	size_t k, nwild = 0;
	char *p;

	/* "service:action" (either may hold wildcards) or "*". */
	if (!(n == 1 && s[0] == '*') &&
	    (!colon || colon == s || colon == s + n - 1 || !action_chars(s, (size_t)(colon - s)) ||
	     !action_chars(colon + 1, n - (size_t)(colon - s) - 1)))
		return is_s3(pc) ? fail(pc, "Policy has invalid action")
				 : fail(pc, "Actions/Conditions must be prefaced by a vendor, e.g., "
					    "iam, sdb, ec2, etc.");
	if (pc->kind == POL_TRUST && (n < 4 || strncasecmp(s, "sts:", 4) != 0))
		return fail(pc, "AssumeRole policy may only specify STS AssumeRole actions.");
	if (!(p = ar_strndup(&pc->p->ar, s, n)))
		return ERR_NOMEM;
	for (k = 0; k < n; k++) {
		if (p[k] >= 'A' && p[k] <= 'Z')
			p[k] = (char)(p[k] + 32);
		if (p[k] == '*' || p[k] == '?')
			nwild++;
	}
	ap->p = p;
	ap->n = (uint32_t)n;
	if (n == 1 && p[0] == '*')
		ap->kind = TK_ALL;
	else if (nwild == 0)
		ap->kind = TK_EXACT;
	else if (nwild == 1 && p[n - 1] == '*') {
		ap->kind = TK_PREFIX; /* "s3:Get*" */
		ap->n = (uint32_t)(n - 1);
	} else
		ap->kind = TK_GLOB;
	return ERR_OK;
}

/* ---- Resource / NotResource ---- */

/* "*" or an ARN: arn:partition:service:region:account:resource (the last
 * part may hold more colons). */
static bool
resource_ok(const char *s, size_t n)
{
	size_t i, colons = 0;

	if (n == 1 && s[0] == '*')
		return true;
	if (n < 4 || memcmp(s, "arn:", 4) != 0)
		return false;
	for (i = 0; i < n; i++)
		colons += s[i] == ':';
	return colons >= 5;
}

static enum err
add_resource(struct pctx *pc, const char *s, size_t n, void *arg, size_t i)
{
	struct stmt *st = arg;

	if (!resource_ok(s, n))
		return is_s3(pc) ? fail(pc, "Policy has invalid resource")
				 : fail(pc, "Resource %.*s must be in ARN format or \"*\".", (int)n, s);
	if (tmpl_compile(&pc->p->ar, s, n, pc->p->vars, TF_GLOB, &st->resources[i]))
		return ERR_NOMEM;
	return ERR_OK;
}

/* ---- Principal / NotPrincipal ---- */

static bool
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

/* An AWS principal: "*", a 12-digit account, or the ARN of an account
 * root, user, role or assumed-role session. AWS forbids wildcards in a
 * principal other than the lone "*". */
static bool
aws_principal(struct pctx *pc, const char *s, size_t n, struct prin *pr)
{
	const char *f[6];
	size_t fl[6], i, k = 0, start = 0;

	if (n == 1 && s[0] == '*') {
		pr->kind = PR_ANY;
		return true;
	}
	if (memchr(s, '*', n) || memchr(s, '?', n))
		return false;
	if (n == 12 && all_digits(s, n)) {
		pr->kind = PR_ACCOUNT;
		pr->s = ar_strndup(&pc->p->ar, s, n);
		return pr->s != NULL;
	}
	if (n < 4 || memcmp(s, "arn:", 4) != 0)
		return false;
	for (i = 0; i < n && k < 5; i++)
		if (s[i] == ':') {
			f[k] = s + start;
			fl[k++] = i - start;
			start = i + 1;
		}
	if (k < 5)
		return false;
	f[5] = s + start;
	fl[5] = n - start;
	/* f: arn partition service region account resource */
	if (fl[1] == 0 || fl[3] != 0 || fl[4] != 12 || !all_digits(f[4], 12))
		return false;
	if (fl[2] == 3 && memcmp(f[2], "iam", 3) == 0) {
		if (fl[5] == 4 && memcmp(f[5], "root", 4) == 0) {
			pr->kind = PR_ACCOUNT;
			pr->s = ar_strndup(&pc->p->ar, f[4], 12);
			return pr->s != NULL;
		}
		if (fl[5] > 5 && memcmp(f[5], "user/", 5) == 0)
			pr->kind = PR_USER;
		else if (fl[5] > 5 && memcmp(f[5], "role/", 5) == 0)
			pr->kind = PR_ROLE;
		else
			return false;
	} else if (fl[2] == 3 && memcmp(f[2], "sts", 3) == 0) {
		if (fl[5] > 13 && memcmp(f[5], "assumed-role/", 13) == 0 &&
		    memchr(f[5] + 13, '/', fl[5] - 13))
			pr->kind = PR_SESSION;
		else if (fl[5] > 15 && memcmp(f[5], "federated-user/", 15) == 0)
			pr->kind = PR_NEVER;
		else
			return false;
	} else
		return false;
	pr->s = ar_strndup(&pc->p->ar, s, n);
	return pr->s != NULL;
}

struct prin_acc {
	struct stmt *st;
	bool aws;
};

static enum err
add_principal(struct pctx *pc, const char *s, size_t n, void *arg, size_t i)
{
	struct prin_acc *pa = arg;
	struct prin *pr = &pa->st->principals[pa->st->nprincipals++];

	(void)i;
	if (n == 0)
		return fail(pc, "Invalid principal in policy");
	if (!pa->aws) {
		pr->kind = PR_NEVER; /* no service, federated or canonical principals here */
		return ERR_OK;
	}
	if (!aws_principal(pc, s, n, pr))
		return fail(pc, "Invalid principal in policy");
	return ERR_OK;
}

static enum err
parse_principal(struct pctx *pc, struct stmt *st, json_t *v)
{
	const char *key;
	json_t *e;
	size_t total = 0, cnt;
	enum err err;

	if (json_is_string(v)) {
		if (strcmp(json_string_value(v), "*") != 0)
			return fail(pc, "Invalid principal in policy");
		st->principals = ar_alloc(&pc->p->ar, sizeof *st->principals);
		if (!st->principals)
			return ERR_NOMEM;
		st->principals[0].kind = PR_ANY;
		st->nprincipals = 1;
		return ERR_OK;
	}
	if (!json_is_object(v) || json_object_size(v) == 0)
		return fail(pc, "Invalid principal in policy");
	json_object_foreach(v, key, e) {
		if (strcmp(key, "AWS") && strcmp(key, "Service") && strcmp(key, "Federated") &&
		    strcmp(key, "CanonicalUser"))
			return fail(pc, "Invalid principal in policy");
		if ((err = each_str(pc, e, NULL, NULL, &cnt)))
			return err;
		if (cnt == 0)
			return fail(pc, "Invalid principal in policy");
		total += cnt;
	}
	st->principals = ar_alloc(&pc->p->ar, total * sizeof *st->principals);
	if (!st->principals)
		return ERR_NOMEM;
	json_object_foreach(v, key, e) {
		struct prin_acc pa = {st, strcmp(key, "AWS") == 0};
		if ((err = each_str(pc, e, add_principal, &pa, &cnt)))
			return err;
	}
	return ERR_OK;
}

/* ---- Condition ---- */

/* A condition value as text: JSON strings as they are, booleans and numbers
 * as AWS reads them ("Bool": {"aws:SecureTransport": false} is common). */
static bool
value_text(json_t *v, char *tmp, size_t cap, const char **s, size_t *n)
{
	if (json_is_string(v))
		return get_str(v, s, n);
	if (json_is_true(v) || json_is_false(v)) {
		*s = json_is_true(v) ? "true" : "false";
		*n = strlen(*s);
		return true;
	}
	if (json_is_integer(v))
		snprintf(tmp, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(tmp, cap, "%.17g", json_real_value(v));
	else
		return false;
	*s = tmp;
	*n = strlen(tmp);
	return true;
}

static enum err
parse_condition(struct pctx *pc, struct stmt *st, json_t *v)
{
	const char *opname, *key;
	json_t *block, *vals;
	size_t total = 0;

	if (!json_is_object(v))
		return syntax(pc);
	json_object_foreach(v, opname, block) {
		if (!json_is_object(block))
			return syntax(pc);
		total += json_object_size(block);
	}
	st->conds = ar_alloc(&pc->p->ar, (total ? total : 1) * sizeof *st->conds);
	if (!st->conds)
		return ERR_NOMEM;
	json_object_foreach(v, opname, block) {
		struct cond proto;

		memset(&proto, 0, sizeof proto);
		if (!cond_op_parse(opname, &proto))
			return fail(pc, "Invalid Condition type : %.64s", opname);
		json_object_foreach(block, key, vals) {
			struct cond *c = &st->conds[st->nconds++];
			size_t nv, i, klen = strlen(key);

			*c = proto;
			if (klen == 0 || klen > 256 || !strchr(key, ':') || key[0] == ':')
				return is_s3(pc) ? fail(pc, "Policy has an invalid condition key")
						 : fail(pc, "Actions/Conditions must be prefaced by a "
							    "vendor, e.g., iam, sdb, ec2, etc.");
			if (!(c->key = ar_strndup(&pc->p->ar, key, klen)))
				return ERR_NOMEM;
			c->kc = key_class(c->key);
			if (json_is_array(vals))
				nv = json_array_size(vals);
			else
				nv = 1;
			c->vals = ar_alloc(&pc->p->ar, (nv ? nv : 1) * sizeof *c->vals);
			if (!c->vals)
				return ERR_NOMEM;
			for (i = 0; i < nv; i++) {
				json_t *e = json_is_array(vals) ? json_array_get(vals, i) : vals;
				char tmp[64];
				const char *s;
				size_t n;

				if (!value_text(e, tmp, sizeof tmp, &s, &n))
					return syntax(pc);
				if (!cond_value_compile(&pc->p->ar, c, s, n, pc->p->vars, &c->vals[i]))
					return fail(pc, "Invalid value for condition %.64s: %.*s", opname,
						    (int)(n > 100 ? 100 : n), s);
			}
			c->nvals = (uint32_t)nv;
		}
	}
	return ERR_OK;
}

/* ---- statements ---- */

static bool
alnum(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static enum err
parse_stmt(struct pctx *pc, json_t *o, struct stmt *st)
{
	json_t *sid, *eff, *act, *nact, *res, *nres, *pri, *npri, *cond, *v;
	const char *key, *e;
	size_t cnt;
	enum err err;

	if (!json_is_object(o))
		return syntax(pc);
	json_object_foreach(o, key, v) {
		if (strcmp(key, "Sid") && strcmp(key, "Effect") && strcmp(key, "Action") &&
		    strcmp(key, "NotAction") && strcmp(key, "Resource") && strcmp(key, "NotResource") &&
		    strcmp(key, "Principal") && strcmp(key, "NotPrincipal") && strcmp(key, "Condition"))
			return fail(pc, "Unknown field %.64s", key);
	}
	sid = json_object_get(o, "Sid");
	eff = json_object_get(o, "Effect");
	act = json_object_get(o, "Action");
	nact = json_object_get(o, "NotAction");
	res = json_object_get(o, "Resource");
	nres = json_object_get(o, "NotResource");
	pri = json_object_get(o, "Principal");
	npri = json_object_get(o, "NotPrincipal");
	cond = json_object_get(o, "Condition");

	/* Sid: any string in a bucket policy; IAM wants [0-9A-Za-z]*. */
	st->sid = "";
	if (sid) {
		const char *s;
		size_t n;
		if (!get_str(sid, &s, &n) || memchr(s, '\0', n))
			return syntax(pc);
		if (pc->kind != POL_RESOURCE && !alnum(s))
			return fail(pc, "Statement IDs (SID) must be alpha-numeric. Check that your "
					"input satisfies the regular expression [0-9A-Za-z]*");
		if (!(st->sid = ar_strndup(&pc->p->ar, s, n)))
			return ERR_NOMEM;
	}

	if (!eff)
		return fail(pc, "Missing required field Effect");
	if (!json_is_string(eff))
		return syntax(pc);
	e = json_string_value(eff);
	if (strcmp(e, "Allow") == 0)
		st->effect = POL_ALLOW;
	else if (strcmp(e, "Deny") == 0)
		st->effect = POL_DENY;
	else
		return fail(pc, "Invalid effect: %.64s", e);

	/* Action / NotAction: exactly one, not empty. */
	if (act && nact)
		return fail(pc, "Statement has both Action and NotAction");
	st->not_action = nact != NULL;
	if (!act)
		act = nact;
	if (!act || (json_is_array(act) && json_array_size(act) == 0))
		return is_s3(pc) ? fail(pc, "Missing required field Action")
				 : fail(pc, "Policy statement must contain actions.");
	if ((err = each_str(pc, act, NULL, NULL, &cnt)))
		return err;
	if (!(st->actions = ar_alloc(&pc->p->ar, cnt * sizeof *st->actions)))
		return ERR_NOMEM;
	if ((err = each_str(pc, act, add_action, st, &cnt)))
		return err;
	st->nactions = (uint32_t)cnt;

	/* Resource / NotResource: required except in trust policies, where
	 * IAM refuses them. */
	if (res && nres)
		return fail(pc, "Statement has both Resource and NotResource");
	st->not_resource = nres != NULL;
	if (!res)
		res = nres;
	if (pc->kind == POL_TRUST) {
		if (res)
			return fail(pc, "Has prohibited field %s", st->not_resource ? "NotResource" : "Resource");
	} else {
		if (!res || (json_is_array(res) && json_array_size(res) == 0))
			return is_s3(pc) ? fail(pc, "Missing required field Resource")
					 : fail(pc, "Policy statement must contain resources.");
		if ((err = each_str(pc, res, NULL, NULL, &cnt)))
			return err;
		if (!(st->resources = ar_alloc(&pc->p->ar, cnt * sizeof *st->resources)))
			return ERR_NOMEM;
		if ((err = each_str(pc, res, add_resource, st, &cnt)))
			return err;
		st->nresources = (uint32_t)cnt;
		st->has_resource = true;
	}

	/* Principal / NotPrincipal. */
	if (pc->kind == POL_IDENTITY) {
		if (pri || npri)
			return fail(pc, "Policy document should not specify a principal.");
	} else {
		if (pri && npri)
			return fail(pc, "Statement has both Principal and NotPrincipal");
		if (!pri && !npri)
			return fail(pc, "Missing required field Principal");
		/* NotPrincipal: resource policies only, and with Deny only
		 * ("Using it with Effect Allow is not supported"). */
		if (npri && pc->kind == POL_TRUST)
			return fail(pc, "Has prohibited field NotPrincipal");
		if (npri && st->effect != POL_DENY)
			return fail(pc, "NotPrincipal must be used with \"Effect\": \"Deny\"");
		st->not_principal = npri != NULL;
		if ((err = parse_principal(pc, st, pri ? pri : npri)))
			return err;
		st->has_principal = true;
	}

	if (cond && (err = parse_condition(pc, st, cond)))
		return err;
	return ERR_OK;
}

enum err
pol_parse(const char *json, size_t n, enum pol_kind kind, struct pol **out, struct buf *msg)
{
	struct pctx pc = {NULL, kind, msg,
			  kind == POL_RESOURCE ? ERR_S3_MALFORMED_POLICY : ERR_IAM_MALFORMED_POLICY};
	json_t *root = NULL, *ver, *stmts, *v;
	json_error_t jerr;
	const char *key;
	enum err err = ERR_OK;
	size_t i, ns;

	*out = NULL;
	if (!json || n == 0) {
		err = syntax(&pc);
		goto out;
	}
	if (n > POL_MAX_DOC) {
		err = fail(&pc, "Cannot exceed quota for PolicySize: %d", POL_MAX_DOC);
		goto out;
	}
	/* Duplicate keys: the last one wins (jansson's default), as AWS
	 * tolerates them. Depth is capped by jansson (JSON_PARSER_MAX_DEPTH) and
	 * the walk below only descends the policy grammar's fixed levels. */
	root = json_loadb(json, n, 0, &jerr);
	if (!root || !json_is_object(root)) {
		err = syntax(&pc);
		goto out;
	}
	if (!(pc.p = calloc(1, sizeof *pc.p))) {
		err = ERR_NOMEM;
		goto out;
	}
	pc.p->kind = kind;

	json_object_foreach(root, key, v) {
		if (strcmp(key, "Version") && strcmp(key, "Id") && strcmp(key, "Statement")) {
			err = fail(&pc, "Unknown field %.64s", key);
			goto out;
		}
	}
	/* Version: 2012-10-17 (variables), 2008-10-17 or absent (no variables). */
	ver = json_object_get(root, "Version");
	if (ver) {
		const char *s = json_is_string(ver) ? json_string_value(ver) : "";
		if (strcmp(s, "2012-10-17") == 0)
			pc.p->vars = true;
		else if (strcmp(s, "2008-10-17") != 0) {
			err = fail(&pc, "Invalid Version");
			goto out;
		}
	}
	if ((v = json_object_get(root, "Id")) && !json_is_string(v)) {
		err = syntax(&pc);
		goto out;
	}
	stmts = json_object_get(root, "Statement");
	if (!stmts) {
		err = fail(&pc, "Missing required field Statement");
		goto out;
	}
	if (json_is_object(stmts))
		ns = 1;
	else if (json_is_array(stmts))
		ns = json_array_size(stmts);
	else {
		err = syntax(&pc);
		goto out;
	}
	/* A policy that says nothing is refused, as IAM and S3 refuse it. */
	if (ns == 0) {
		err = is_s3(&pc) ? fail(&pc, "Could not parse the policy: Statement is empty!")
				 : syntax(&pc);
		goto out;
	}
	if (ns > POL_MAX_STMTS) {
		err = fail(&pc, "Policy has more than %d statements", POL_MAX_STMTS);
		goto out;
	}
	if (!(pc.p->stmts = ar_alloc(&pc.p->ar, ns * sizeof *pc.p->stmts))) {
		err = ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < ns; i++) {
		json_t *o = json_is_object(stmts) ? stmts : json_array_get(stmts, i);
		if ((err = parse_stmt(&pc, o, &pc.p->stmts[i])))
			goto out;
		pc.p->n = i + 1;
	}
	/* IAM: "Statement IDs (SID) in a single policy must be unique." */
	if (kind != POL_RESOURCE) {
		size_t j;
		for (i = 0; i < ns; i++)
			for (j = i + 1; j < ns && pc.p->stmts[i].sid[0]; j++)
				if (strcmp(pc.p->stmts[i].sid, pc.p->stmts[j].sid) == 0) {
					err = fail(&pc, "Statement IDs (SID) in a single policy must be unique.");
					goto out;
				}
	}
	*out = pc.p;
	pc.p = NULL;
out:
	if (err == ERR_NOMEM && msg) {
		buf_reset(msg);
		buf_adds(msg, "Out of memory");
	}
	pol_free(pc.p);
	json_decref(root);
	return err;
}

void
pol_free(struct pol *p)
{
	if (!p)
		return;
	ar_free(&p->ar);
	free(p);
}

size_t
pol_statements(const struct pol *p)
{
	return p ? p->n : 0;
}

const char *
pol_sid(const struct pol *p, size_t i)
{
	return p && i < p->n ? p->stmts[i].sid : "";
}
