/* test_policy.c - unit tests of src/policy: tables of policy documents and
 * requests with the decision AWS documents for them. Every row names the AWS
 * rule it checks (IAM User Guide page in parentheses). Policies are written
 * with ' for " to stay readable; \' is a literal apostrophe. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <cmocka.h>

#include "policy/policy.h"
#include "policy/policy_int.h" /* the value parsers */

/* ---- principals ---- */

#define ACCT "111122223333"

enum who { ANON, ROOT, ALICE, BOB, SESS, SESS2, OTHER };

static const struct pol_principal principals[] = {
	[ANON] = {PT_ANONYMOUS, NULL, NULL, NULL, NULL, NULL},
	[ROOT] = {PT_ROOT, ACCT, "arn:aws:iam::" ACCT ":root", NULL, ACCT, NULL},
	[ALICE] = {PT_USER, ACCT, "arn:aws:iam::" ACCT ":user/alice", NULL, "AIDAALICE", "alice"},
	[BOB] = {PT_USER, ACCT, "arn:aws:iam::" ACCT ":user/dev/bob", NULL, "AIDABOB", "bob"},
	[SESS] = {PT_ASSUMED_ROLE, ACCT, "arn:aws:sts::" ACCT ":assumed-role/Reader/s1",
		  "arn:aws:iam::" ACCT ":role/Reader", "AROAREADER:s1", NULL},
	[SESS2] = {PT_ASSUMED_ROLE, ACCT, "arn:aws:sts::" ACCT ":assumed-role/Reader/s2",
		   "arn:aws:iam::" ACCT ":role/Reader", "AROAREADER:s2", NULL},
	[OTHER] = {PT_USER, "444455556666", "arn:aws:iam::444455556666:user/carol", NULL,
		   "AIDACAROL", "carol"},
};

/* ---- request context: "key=v1|v2;key2=v" ---- */

#define MAXKV 16
struct ctx {
	char buf[1024];
	const char *key[MAXKV];
	const char *val[MAXKV][8];
	size_t nval[MAXKV];
	size_t n;
};

static void
ctx_parse(struct ctx *c, const char *spec)
{
	char *p, *kv, *save = NULL;

	memset(c, 0, sizeof *c);
	if (!spec)
		return;
	snprintf(c->buf, sizeof c->buf, "%s", spec);
	for (kv = strtok_r(c->buf, ";", &save); kv && c->n < MAXKV; kv = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(kv, '='), *v, *s2 = NULL;
		if (!eq)
			continue;
		*eq = '\0';
		c->key[c->n] = kv;
		p = eq + 1;
		if (!*p) {
			c->val[c->n][c->nval[c->n]++] = p;
		} else {
			for (v = strtok_r(p, "|", &s2); v && c->nval[c->n] < 8; v = strtok_r(NULL, "|", &s2))
				c->val[c->n][c->nval[c->n]++] = v;
		}
		c->n++;
	}
}

static size_t
ctx_values(void *cb, const char *key, const char **vals, size_t max)
{
	struct ctx *c = cb;
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		if (strcasecmp(c->key[i], key) != 0)
			continue;
		for (j = 0; j < c->nval[i] && j < max; j++)
			vals[j] = c->val[i][j];
		return j;
	}
	return 0;
}

/* ' → ", \' → ' */
static char *
unquote(const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *d = malloc(n + 1);

	assert_non_null(d);
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && s[i + 1] == '\'')
			d[o++] = s[++i];
		else
			d[o++] = s[i] == '\'' ? '"' : s[i];
	}
	d[o] = '\0';
	return d;
}

static struct pol *
must_parse(const char *spec, enum pol_kind kind)
{
	struct pol *p = NULL;
	struct buf msg;
	char *doc = unquote(spec);
	enum err e;

	buf_init(&msg, 1024);
	e = pol_parse(doc, strlen(doc), kind, &p, &msg);
	if (e != ERR_OK)
		fail_msg("policy did not parse: %s\n  %s", msg.p ? msg.p : "", doc);
	buf_fini(&msg);
	free(doc);
	return p;
}

/* ---- policy shorthands ---- */

#define POL(...) "{'Version':'2012-10-17','Statement':[" __VA_ARGS__ "]}"
#define POL08(...) "{'Version':'2008-10-17','Statement':[" __VA_ARGS__ "]}"
#define ALLOW(act, res) "{'Effect':'Allow','Action':" act ",'Resource':" res "}"
#define DENY(act, res) "{'Effect':'Deny','Action':" act ",'Resource':" res "}"
/* One Allow of s3:GetObject on everything, under a condition. */
#define COND(c) POL("{'Effect':'Allow','Action':'s3:GetObject','Resource':'*','Condition':" c "}")

#define OBJ "arn:aws:s3:::b/k"
#define GET "s3:GetObject"

/* Condition-only rows: s3:GetObject on b/k. */
#define C(rule, cond, who, ctx, want) \
	{rule, POL_IDENTITY, COND(cond), GET, OBJ, who, ctx, want, -2}

/* Rule names: short citations of the AWS documentation. */
#define R_EVAL "AWS: a statement applies when Action and Resource match (Policy evaluation logic)"
#define R_IMPLICIT "AWS: no matching statement is an implicit deny (Policy evaluation logic)"
#define R_DENY "AWS: an explicit deny overrides any allow (Policy evaluation logic)"
#define R_ACT_WILD "AWS: Action wildcards * and ? (IAM JSON policy elements: Action)"
#define R_ACT_CASE "AWS: action names are case-insensitive (IAM JSON policy elements: Action)"
#define R_NOTACT "AWS: NotAction matches every action except those listed (NotAction)"
#define R_RES "AWS: Resource ARN matching with * and ?, case-sensitive (IAM JSON policy elements: Resource)"
#define R_NOTRES "AWS: NotResource matches every resource except those listed (NotResource)"
#define R_STR "AWS: string condition operators (Condition operators: String)"
#define R_OR "AWS: values of one key are OR'ed (Conditions with multiple context keys or values)"
#define R_NOR "AWS: a negated operator's values are NOR'ed (Conditions with multiple context keys or values)"
#define R_AND "AWS: keys and operators of a Condition are AND'ed (Conditions with multiple context keys or values)"
#define R_ABSENT "AWS: an absent key makes the condition false (Condition operators, Important)"
#define R_ABSENT_NEG "AWS: an absent key makes a negated operator true (Condition operators, Important)"
#define R_KEYCASE "AWS: condition key names are case-insensitive (IAM JSON policy elements: Condition)"
#define R_IFEXISTS "AWS: ...IfExists is true when the key is absent (Condition operators: IfExists)"
#define R_NUM "AWS: numeric condition operators (Condition operators: Numeric)"
#define R_DATE "AWS: date operators take W3C ISO 8601 or epoch values (Condition operators: Date)"
#define R_BOOL "AWS: Bool condition operator (Condition operators: Boolean)"
#define R_BIN "AWS: BinaryEquals compares base-64 values (Condition operators: Binary)"
#define R_IP "AWS: IpAddress/NotIpAddress with IPv4/IPv6 CIDR (Condition operators: IP address)"
#define R_ARN "AWS: ARN operators match each of the six ARN parts separately (Condition operators: ARN)"
#define R_NULL "AWS: Null true = key absent, false = key present (Condition operators: Null)"
#define R_FORALL "AWS: ForAllValues: every request value must match; true when the key is absent (Set operators)"
#define R_FORANY "AWS: ForAnyValue: at least one request value must match; false when absent (Set operators)"
#define R_VAR "AWS: policy variables in Resource and conditions (Variables and tags)"
#define R_VAR_NOVAL "AWS: a variable without a value does not match (Variables and tags: no value)"
#define R_VAR_DEF "AWS: ${key, 'default'} supplies a default (Variables and tags: default values)"
#define R_VAR_ESC "AWS: ${*} ${?} ${$} are literal characters (Variables and tags: special characters)"
#define R_V2008 "AWS: variables need Version 2012-10-17; earlier versions treat them as text (Version)"
#define R_PRIN "AWS: Principal matching in resource-based policies (IAM JSON policy elements: Principal)"
#define R_NOTPRIN "AWS: NotPrincipal with Deny exempts only principals listed with their account (NotPrincipal)"
#define R_TRUST "AWS: role trust policies name who may assume the role (Principal: roles)"

struct ecase {
	const char *rule;
	enum pol_kind kind;
	const char *policy;
	const char *action;
	const char *resource;
	enum who who;
	const char *ctx;
	enum pol_effect want;
	int stmt; /* expected deciding statement; -2: not checked */
};

#define ANY "'*'"

static const struct ecase ecases[] = {
	/* -- evaluation: deny > allow > implicit deny -- */
	{R_EVAL, POL_IDENTITY, POL(ALLOW("'s3:GetObject'", "'arn:aws:s3:::b/*'")), GET, OBJ, ALICE, "", POL_ALLOW, 0},
	{R_IMPLICIT, POL_IDENTITY, POL(ALLOW("'s3:GetObject'", "'arn:aws:s3:::b/*'")), "s3:PutObject", OBJ, ALICE, "", POL_NONE, -1},
	{R_DENY, POL_IDENTITY, POL(ALLOW("'s3:*'", ANY) "," DENY("'s3:GetObject'", ANY)), GET, OBJ, ALICE, "", POL_DENY, 1},
	{R_DENY, POL_IDENTITY, POL(DENY("'s3:GetObject'", ANY) "," ALLOW("'s3:*'", ANY)), GET, OBJ, ALICE, "", POL_DENY, 0},
	{R_EVAL, POL_IDENTITY, POL(ALLOW("'s3:*'", ANY) "," ALLOW("'s3:GetObject'", ANY)), GET, OBJ, ALICE, "", POL_ALLOW, 0},
	{R_IMPLICIT, POL_IDENTITY, POL(ALLOW("'iam:*'", ANY)), GET, OBJ, ALICE, "", POL_NONE, -1},
	{R_EVAL, POL_IDENTITY, "{'Version':'2012-10-17','Statement':" ALLOW("'s3:GetObject'", ANY) "}", GET, OBJ, ALICE, "", POL_ALLOW, 0},
	{R_DENY, POL_IDENTITY, POL(DENY("'s3:*'", "'arn:aws:s3:::other/*'") "," ALLOW("'s3:*'", ANY)), GET, OBJ, ALICE, "", POL_ALLOW, 1},
	{R_DENY, POL_IDENTITY, POL(ALLOW("'*'", ANY) "," DENY("'s3:Delete*'", ANY)), "s3:DeleteObject", OBJ, ALICE, "", POL_DENY, 1},

	/* -- Action -- */
	{R_ACT_WILD, POL_IDENTITY, POL(ALLOW("'s3:*'", ANY)), GET, OBJ, ALICE, "", POL_ALLOW, 0},
	{R_ACT_WILD, POL_IDENTITY, POL(ALLOW("'s3:*'", ANY)), "iam:CreateUser", "*", ALICE, "", POL_NONE, -1},
	{R_ACT_WILD, POL_IDENTITY, POL(ALLOW("'*'", ANY)), "iam:CreateUser", "*", ALICE, "", POL_ALLOW, 0},
	{R_ACT_WILD, POL_IDENTITY, POL(ALLOW("'s3:Get*'", ANY)), "s3:GetObjectAcl", OBJ, ALICE, "", POL_ALLOW, 0},
	{R_ACT_WILD, POL_IDENTITY, POL(ALLOW("'s3:Get*'", ANY)), "s3:PutObject", OBJ, ALICE, "", POL_NONE, -1},
	{R_ACT_CASE, POL_IDENTITY, POL(ALLOW("'S3:getobject'", ANY)), GET, OBJ, ALICE, "", POL_ALLOW, 0},
	{R_ACT_CASE, POL_IDENTITY, POL(ALLOW("'s3:GetObject'", ANY)), "S3:GETOBJECT", OBJ, ALICE, "", POL_ALLOW, 0},
	{R_ACT_CASE, POL_IDENTITY, POL(ALLOW("'s3:get*'", ANY)), "s3:GetBucketPolicy", "arn:aws:s3:::b", ALICE, "", POL_ALLOW, 0},
	{R_ACT_WILD, POL_IDENTITY, POL(ALLOW("'iam:*AccessKey*'", ANY)), "iam:CreateAccessKey", "*", ALICE, "", POL_ALLOW, 0},
	{R_ACT_WILD, POL_IDENTITY, POL(ALLOW("'iam:*AccessKey*'", ANY)), "iam:ListAccessKeys", "*", ALICE, "", POL_ALLOW, 0},
	{R_ACT_WILD, POL_IDENTITY, POL(ALLOW("'iam:*AccessKey*'", ANY)), "iam:CreateUser", "*", ALICE, "", POL_NONE, -1},
	{R_ACT_WILD, POL_IDENTITY, POL(ALLOW("'s3:?etObject'", ANY)), GET, OBJ, ALICE, "", POL_ALLOW, 0},
	{R_ACT_WILD, POL_IDENTITY, POL(ALLOW("'s3:G?tObject'", ANY)), "s3:GeetObject", OBJ, ALICE, "", POL_NONE, -1},
	{R_ACT_WILD, POL_IDENTITY, POL(ALLOW("['s3:PutObject','s3:GetObject']", ANY)), GET, OBJ, ALICE, "", POL_ALLOW, 0},
	{R_ACT_WILD, POL_IDENTITY, POL(ALLOW("'s3:GetObject'", ANY)), "s3:GetObjectAcl", OBJ, ALICE, "", POL_NONE, -1},
	{R_ACT_WILD, POL_IDENTITY, POL(ALLOW("'s3:*Object'", ANY)), "s3:PutObjectAcl", OBJ, ALICE, "", POL_NONE, -1},

	/* -- NotAction -- */
	{R_NOTACT, POL_IDENTITY, POL("{'Effect':'Allow','NotAction':'iam:*','Resource':'*'}"), GET, OBJ, ALICE, "", POL_ALLOW, 0},
	{R_NOTACT, POL_IDENTITY, POL("{'Effect':'Allow','NotAction':'iam:*','Resource':'*'}"), "iam:CreateUser", "*", ALICE, "", POL_NONE, -1},
	{R_NOTACT, POL_IDENTITY, POL("{'Effect':'Deny','NotAction':'s3:*','Resource':'*'}," ALLOW("'*'", ANY)), "iam:CreateUser", "*", ALICE, "", POL_DENY, 0},
	{R_NOTACT, POL_IDENTITY, POL("{'Effect':'Deny','NotAction':'s3:*','Resource':'*'}," ALLOW("'*'", ANY)), GET, OBJ, ALICE, "", POL_ALLOW, 1},
	{R_NOTACT, POL_IDENTITY, POL("{'Effect':'Allow','NotAction':['s3:Delete*','s3:Put*'],'Resource':'*'}"), "s3:PutObject", OBJ, ALICE, "", POL_NONE, -1},
	{R_NOTACT, POL_IDENTITY, POL("{'Effect':'Allow','NotAction':['s3:Delete*','s3:Put*'],'Resource':'*'}"), "s3:ListBucket", "arn:aws:s3:::b", ALICE, "", POL_ALLOW, 0},

	/* -- Resource -- */
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/*'")), "s3:ListBucket", "arn:aws:s3:::b", ALICE, "", POL_NONE, -1},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b*'")), GET, "arn:aws:s3:::bucket2/x", ALICE, "", POL_ALLOW, 0},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::B/*'")), GET, OBJ, ALICE, "", POL_NONE, -1},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/K'")), GET, OBJ, ALICE, "", POL_NONE, -1},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/k'")), GET, OBJ, ALICE, "", POL_ALLOW, 0},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", ANY)), GET, "arn:aws:s3:::any/thing", ALICE, "", POL_ALLOW, 0},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/a?c'")), GET, "arn:aws:s3:::b/abc", ALICE, "", POL_ALLOW, 0},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/a?c'")), GET, "arn:aws:s3:::b/ac", ALICE, "", POL_NONE, -1},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::*'")), GET, "arn:aws:s3:::b/k/with/slashes", ALICE, "", POL_ALLOW, 0},
	{R_RES, POL_IDENTITY, POL(ALLOW("'iam:*'", "'arn:aws:iam::" ACCT ":user/*'")), "iam:GetUser", "arn:aws:iam::" ACCT ":user/dev/bob", ALICE, "", POL_ALLOW, 0},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:*:*:*:*'")), "s3:ListBucket", "arn:aws:s3:::b", ALICE, "", POL_ALLOW, 0},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/*'")), "s3:ListAllMyBuckets", "*", ALICE, "", POL_NONE, -1},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "['arn:aws:s3:::b','arn:aws:s3:::b/*']")), "s3:ListBucket", "arn:aws:s3:::b", ALICE, "", POL_ALLOW, 0},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/?'")), GET, "arn:aws:s3:::b/\xc3\xa9", ALICE, "", POL_ALLOW, 0},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/?\?'")), GET, "arn:aws:s3:::b/\xc3\xa9", ALICE, "", POL_NONE, -1},
	{R_RES, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/*/x'")), GET, "arn:aws:s3:::b/a/b/c/x", ALICE, "", POL_ALLOW, 0},

	/* -- NotResource -- */
	{R_NOTRES, POL_IDENTITY, POL("{'Effect':'Allow','Action':'s3:*','NotResource':'arn:aws:s3:::secret/*'}"), GET, OBJ, ALICE, "", POL_ALLOW, 0},
	{R_NOTRES, POL_IDENTITY, POL("{'Effect':'Allow','Action':'s3:*','NotResource':'arn:aws:s3:::secret/*'}"), GET, "arn:aws:s3:::secret/k", ALICE, "", POL_NONE, -1},
	{R_NOTRES, POL_IDENTITY, POL("{'Effect':'Deny','Action':'s3:*','NotResource':['arn:aws:s3:::b','arn:aws:s3:::b/*']}," ALLOW("'s3:*'", ANY)), GET, "arn:aws:s3:::other/k", ALICE, "", POL_DENY, 0},
	{R_NOTRES, POL_IDENTITY, POL("{'Effect':'Deny','Action':'s3:*','NotResource':['arn:aws:s3:::b','arn:aws:s3:::b/*']}," ALLOW("'s3:*'", ANY)), GET, OBJ, ALICE, "", POL_ALLOW, 1},

	/* -- String operators -- */
	C(R_STR, "{'StringEquals':{'aws:username':'alice'}}", ALICE, "", POL_ALLOW),
	C(R_STR, "{'StringEquals':{'aws:username':'Alice'}}", ALICE, "", POL_NONE),
	C(R_KEYCASE, "{'StringEquals':{'AWS:UserName':'alice'}}", ALICE, "", POL_ALLOW),
	C(R_KEYCASE, "{'StringEquals':{'S3:Prefix':'home/'}}", ALICE, "s3:prefix=home/", POL_ALLOW),
	C(R_OR, "{'StringEquals':{'s3:prefix':['home/','public/']}}", ALICE, "s3:prefix=public/", POL_ALLOW),
	C(R_ABSENT, "{'StringEquals':{'s3:prefix':'home/'}}", ALICE, "", POL_NONE),
	C(R_STR, "{'StringNotEquals':{'s3:prefix':'home/'}}", ALICE, "s3:prefix=public/", POL_ALLOW),
	C(R_STR, "{'StringNotEquals':{'s3:prefix':'home/'}}", ALICE, "s3:prefix=home/", POL_NONE),
	C(R_ABSENT_NEG, "{'StringNotEquals':{'s3:prefix':'home/'}}", ALICE, "", POL_ALLOW),
	C(R_NOR, "{'StringNotEquals':{'s3:prefix':['a','b']}}", ALICE, "s3:prefix=b", POL_NONE),
	C(R_NOR, "{'StringNotEquals':{'s3:prefix':['a','b']}}", ALICE, "s3:prefix=c", POL_ALLOW),
	C(R_STR, "{'StringEqualsIgnoreCase':{'aws:username':'ALICE'}}", ALICE, "", POL_ALLOW),
	C(R_STR, "{'StringNotEqualsIgnoreCase':{'aws:username':'ALICE'}}", ALICE, "", POL_NONE),
	C(R_ABSENT_NEG, "{'StringNotEqualsIgnoreCase':{'aws:username':'ALICE'}}", SESS, "", POL_ALLOW),
	C(R_STR, "{'StringLike':{'s3:prefix':'home/*'}}", ALICE, "s3:prefix=home/alice/x", POL_ALLOW),
	C(R_STR, "{'StringLike':{'s3:prefix':'home/*'}}", ALICE, "s3:prefix=Home/x", POL_NONE),
	C(R_STR, "{'StringLike':{'s3:prefix':'h?me/'}}", ALICE, "s3:prefix=home/", POL_ALLOW),
	C(R_STR, "{'StringLike':{'s3:prefix':''}}", ALICE, "s3:prefix=", POL_ALLOW),
	C(R_STR, "{'StringNotLike':{'s3:prefix':'home/*'}}", ALICE, "s3:prefix=tmp/", POL_ALLOW),
	C(R_STR, "{'StringNotLike':{'s3:prefix':'home/*'}}", ALICE, "s3:prefix=home/a", POL_NONE),
	C(R_ABSENT_NEG, "{'StringNotLike':{'s3:prefix':'home/*'}}", ALICE, "", POL_ALLOW),
	C(R_STR, "{'StringEquals':{'s3:prefix':'*'}}", ALICE, "s3:prefix=abc", POL_NONE),
	C(R_STR, "{'StringEquals':{'s3:prefix':'*'}}", ALICE, "s3:prefix=*", POL_ALLOW),
	C(R_AND, "{'StringEquals':{'aws:username':'alice','s3:prefix':'home/'}}", ALICE, "s3:prefix=tmp/", POL_NONE),
	C(R_AND, "{'StringEquals':{'aws:username':'alice','s3:prefix':'home/'}}", ALICE, "s3:prefix=home/", POL_ALLOW),
	C(R_AND, "{'StringEquals':{'aws:username':'alice'},'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}}", ALICE, "aws:SourceIp=192.168.1.1", POL_NONE),
	C(R_AND, "{'StringEquals':{'aws:username':'alice'},'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}}", ALICE, "aws:SourceIp=10.9.8.7", POL_ALLOW),
	C(R_IFEXISTS, "{'StringEqualsIfExists':{'s3:prefix':'home/'}}", ALICE, "", POL_ALLOW),
	C(R_IFEXISTS, "{'StringEqualsIfExists':{'s3:prefix':'home/'}}", ALICE, "s3:prefix=tmp/", POL_NONE),
	C(R_IFEXISTS, "{'StringEqualsIfExists':{'s3:prefix':'home/'}}", ALICE, "s3:prefix=home/", POL_ALLOW),
	C(R_IFEXISTS, "{'StringNotLikeIfExists':{'s3:prefix':'home/*'}}", ALICE, "s3:prefix=home/a", POL_NONE),
	C(R_IFEXISTS, "{'StringLikeIfExists':{'s3:prefix':'home/*'}}", ALICE, "", POL_ALLOW),

	/* -- Numeric -- */
	C(R_NUM, "{'NumericLessThan':{'s3:max-keys':'10'}}", ALICE, "s3:max-keys=5", POL_ALLOW),
	C(R_NUM, "{'NumericLessThan':{'s3:max-keys':'10'}}", ALICE, "s3:max-keys=10", POL_NONE),
	C(R_NUM, "{'NumericLessThanEquals':{'s3:max-keys':'10'}}", ALICE, "s3:max-keys=10", POL_ALLOW),
	C(R_NUM, "{'NumericGreaterThan':{'s3:max-keys':'10'}}", ALICE, "s3:max-keys=10.5", POL_ALLOW),
	C(R_NUM, "{'NumericGreaterThanEquals':{'s3:max-keys':'10'}}", ALICE, "s3:max-keys=9", POL_NONE),
	C(R_NUM, "{'NumericGreaterThanEquals':{'s3:max-keys':'10'}}", ALICE, "s3:max-keys=10", POL_ALLOW),
	C(R_NUM, "{'NumericEquals':{'s3:max-keys':'10'}}", ALICE, "s3:max-keys=10.0", POL_ALLOW),
	C(R_NUM, "{'NumericNotEquals':{'s3:max-keys':'10'}}", ALICE, "s3:max-keys=11", POL_ALLOW),
	C(R_NUM, "{'NumericNotEquals':{'s3:max-keys':'10'}}", ALICE, "s3:max-keys=10", POL_NONE),
	C(R_ABSENT, "{'NumericEquals':{'s3:max-keys':'10'}}", ALICE, "", POL_NONE),
	C(R_ABSENT_NEG, "{'NumericNotEquals':{'s3:max-keys':'10'}}", ALICE, "", POL_ALLOW),
	C(R_NUM, "{'NumericLessThan':{'s3:max-keys':'10'}}", ALICE, "s3:max-keys=abc", POL_NONE),
	C(R_NUM, "{'NumericEquals':{'s3:max-keys':10}}", ALICE, "s3:max-keys=10", POL_ALLOW),
	C(R_IFEXISTS, "{'NumericLessThanIfExists':{'s3:max-keys':'10'}}", ALICE, "", POL_ALLOW),
	C(R_NUM, "{'NumericEquals':{'s3:max-keys':'-1'}}", ALICE, "s3:max-keys=-1", POL_ALLOW),
	C(R_OR, "{'NumericEquals':{'s3:max-keys':['1','2']}}", ALICE, "s3:max-keys=2", POL_ALLOW),

	/* -- Date -- */
	C(R_DATE, "{'DateLessThan':{'aws:CurrentTime':'2030-01-01T00:00:00Z'}}", ALICE, "aws:CurrentTime=2024-06-01T12:00:00Z", POL_ALLOW),
	C(R_DATE, "{'DateGreaterThan':{'aws:CurrentTime':'2030-01-01T00:00:00Z'}}", ALICE, "aws:CurrentTime=2024-06-01T12:00:00Z", POL_NONE),
	C(R_DATE, "{'DateEquals':{'aws:CurrentTime':'2024-06-01T12:00:00Z'}}", ALICE, "aws:CurrentTime=2024-06-01T14:00:00+02:00", POL_ALLOW),
	C(R_DATE, "{'DateLessThan':{'aws:CurrentTime':'1717243200'}}", ALICE, "aws:CurrentTime=2024-06-01T11:59:59Z", POL_ALLOW),
	C(R_DATE, "{'DateLessThan':{'aws:CurrentTime':'1717243200'}}", ALICE, "aws:CurrentTime=2024-06-01T12:00:00Z", POL_NONE),
	C(R_DATE, "{'DateGreaterThanEquals':{'aws:EpochTime':'2024-06-01T12:00:00Z'}}", ALICE, "aws:EpochTime=1717243200", POL_ALLOW),
	C(R_ABSENT_NEG, "{'DateNotEquals':{'aws:CurrentTime':'2024-06-01T12:00:00Z'}}", ALICE, "", POL_ALLOW),
	C(R_DATE, "{'DateNotEquals':{'aws:CurrentTime':'2024-06-01T12:00:00Z'}}", ALICE, "aws:CurrentTime=2024-06-01T12:00:00Z", POL_NONE),
	C(R_ABSENT, "{'DateLessThan':{'aws:CurrentTime':'2030-01-01T00:00:00Z'}}", ALICE, "", POL_NONE),
	C(R_DATE, "{'DateLessThanEquals':{'aws:CurrentTime':'2024-06-01'}}", ALICE, "aws:CurrentTime=2024-06-01T00:00:00Z", POL_ALLOW),
	C(R_DATE, "{'DateGreaterThan':{'aws:CurrentTime':'2020-01-01T00:00:00Z'}}", ALICE, "aws:CurrentTime=yesterday", POL_NONE),
	C(R_DATE, "{'DateLessThan':{'aws:CurrentTime':'2024-06-01T12:00:00.500Z'}}", ALICE, "aws:CurrentTime=2024-06-01T12:00:00Z", POL_ALLOW),
	C(R_DATE, "{'DateGreaterThan':{'aws:CurrentTime':'2024-06-01T12:00Z'}}", ALICE, "aws:CurrentTime=2024-06-01T12:00:01Z", POL_ALLOW),

	/* -- Bool -- */
	C(R_BOOL, "{'Bool':{'aws:SecureTransport':'true'}}", ALICE, "aws:SecureTransport=true", POL_ALLOW),
	C(R_BOOL, "{'Bool':{'aws:SecureTransport':'true'}}", ALICE, "aws:SecureTransport=false", POL_NONE),
	C(R_BOOL, "{'Bool':{'aws:SecureTransport':false}}", ALICE, "aws:SecureTransport=false", POL_ALLOW),
	C(R_ABSENT, "{'Bool':{'aws:SecureTransport':'true'}}", ALICE, "", POL_NONE),
	{R_BOOL, POL_IDENTITY, POL(ALLOW("'s3:*'", ANY) ",{'Effect':'Deny','Action':'s3:*','Resource':'*','Condition':{'Bool':{'aws:SecureTransport':'false'}}}"), GET, OBJ, ALICE, "aws:SecureTransport=false", POL_DENY, 1},
	{R_IFEXISTS, POL_IDENTITY, POL(ALLOW("'s3:*'", ANY) ",{'Effect':'Deny','Action':'s3:*','Resource':'*','Condition':{'BoolIfExists':{'aws:MultiFactorAuthPresent':'false'}}}"), GET, OBJ, ALICE, "", POL_DENY, 1},
	{R_IFEXISTS, POL_IDENTITY, POL(ALLOW("'s3:*'", ANY) ",{'Effect':'Deny','Action':'s3:*','Resource':'*','Condition':{'BoolIfExists':{'aws:MultiFactorAuthPresent':'false'}}}"), GET, OBJ, ALICE, "aws:MultiFactorAuthPresent=true", POL_ALLOW, 0},

	/* -- Binary -- */
	C(R_BIN, "{'BinaryEquals':{'test:blob':'aGVsbG8='}}", ALICE, "test:blob=aGVsbG8=", POL_ALLOW),
	C(R_BIN, "{'BinaryEquals':{'test:blob':'aGVsbG8='}}", ALICE, "test:blob=aGVsbG9vbw==", POL_NONE),
	C(R_ABSENT, "{'BinaryEquals':{'test:blob':'aGVsbG8='}}", ALICE, "", POL_NONE),

	/* -- IP address -- */
	C(R_IP, "{'IpAddress':{'aws:SourceIp':'203.0.113.0/24'}}", ALICE, "aws:SourceIp=203.0.113.7", POL_ALLOW),
	C(R_IP, "{'IpAddress':{'aws:SourceIp':'203.0.113.0/24'}}", ALICE, "aws:SourceIp=203.0.114.7", POL_NONE),
	C(R_IP, "{'IpAddress':{'aws:SourceIp':'203.0.113.7'}}", ALICE, "aws:SourceIp=203.0.113.7", POL_ALLOW),
	C(R_IP, "{'IpAddress':{'aws:SourceIp':'203.0.113.7'}}", ALICE, "aws:SourceIp=203.0.113.8", POL_NONE),
	C(R_IP, "{'NotIpAddress':{'aws:SourceIp':'203.0.113.0/24'}}", ALICE, "aws:SourceIp=10.0.0.1", POL_ALLOW),
	C(R_IP, "{'NotIpAddress':{'aws:SourceIp':'203.0.113.0/24'}}", ALICE, "aws:SourceIp=203.0.113.9", POL_NONE),
	C(R_IP, "{'IpAddress':{'aws:SourceIp':'2001:db8::/32'}}", ALICE, "aws:SourceIp=2001:db8:1::5", POL_ALLOW),
	C(R_IP, "{'IpAddress':{'aws:SourceIp':'2001:db8::/32'}}", ALICE, "aws:SourceIp=2001:db9::1", POL_NONE),
	C(R_IP, "{'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}}", ALICE, "aws:SourceIp=::1", POL_NONE),
	C(R_IP, "{'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}}", ALICE, "aws:SourceIp=::ffff:10.1.2.3", POL_ALLOW),
	C(R_OR, "{'IpAddress':{'aws:SourceIp':['10.0.0.0/8','192.168.0.0/16']}}", ALICE, "aws:SourceIp=192.168.5.5", POL_ALLOW),
	C(R_ABSENT_NEG, "{'NotIpAddress':{'aws:SourceIp':'10.0.0.0/8'}}", ALICE, "", POL_ALLOW),
	C(R_ABSENT, "{'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}}", ALICE, "", POL_NONE),
	C(R_IP, "{'IpAddress':{'aws:SourceIp':'0.0.0.0/0'}}", ALICE, "aws:SourceIp=1.2.3.4", POL_ALLOW),
	C(R_IP, "{'IpAddress':{'aws:SourceIp':'10.1.2.3/8'}}", ALICE, "aws:SourceIp=10.200.0.1", POL_ALLOW),
	C(R_IP, "{'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}}", ALICE, "aws:SourceIp=not-an-ip", POL_NONE),

	/* -- ARN -- */
	C(R_ARN, "{'ArnLike':{'aws:PrincipalArn':'arn:aws:iam::" ACCT ":user/*'}}", ALICE, "", POL_ALLOW),
	C(R_ARN, "{'ArnEquals':{'aws:PrincipalArn':'arn:aws:iam::" ACCT ":user/alice'}}", ALICE, "", POL_ALLOW),
	C(R_ARN, "{'ArnEquals':{'aws:PrincipalArn':'arn:aws:iam::" ACCT ":role/Reader'}}", SESS, "", POL_ALLOW),
	C(R_ARN, "{'ArnLike':{'aws:PrincipalArn':'arn:aws:iam::*'}}", ALICE, "", POL_NONE),
	C(R_ARN, "{'ArnLike':{'aws:SourceArn':'arn:aws:sns:*:" ACCT ":topic'}}", ALICE, "aws:SourceArn=arn:aws:sns:us-east-1:" ACCT ":topic", POL_ALLOW),
	C(R_ARN, "{'ArnLike':{'aws:SourceArn':'arn:aws:sns:*:topic'}}", ALICE, "aws:SourceArn=arn:aws:sns:us-east-1:" ACCT ":topic", POL_NONE),
	C(R_ARN, "{'ArnNotLike':{'aws:PrincipalArn':'arn:aws:iam::" ACCT ":user/*'}}", SESS, "", POL_ALLOW),
	C(R_ARN, "{'ArnNotEquals':{'aws:PrincipalArn':'arn:aws:iam::" ACCT ":user/alice'}}", ALICE, "", POL_NONE),
	C(R_ABSENT_NEG, "{'ArnNotEquals':{'aws:PrincipalArn':'arn:aws:iam::" ACCT ":user/alice'}}", ANON, "", POL_ALLOW),
	C(R_ARN, "{'ArnLike':{'aws:SourceArn':'arn:aws:s3:::*'}}", ALICE, "aws:SourceArn=foo", POL_NONE),
	C(R_ARN, "{'ArnLike':{'aws:PrincipalArn':'arn:aws:iam::" ACCT ":user/Alice'}}", ALICE, "", POL_NONE),
	C(R_ARN, "{'ArnLike':{'aws:SourceArn':'arn:aws:s3:::b/*'}}", ALICE, "aws:SourceArn=arn:aws:s3:::b/x:y", POL_ALLOW),

	/* -- Null -- */
	C(R_NULL, "{'Null':{'aws:TokenIssueTime':'true'}}", ALICE, "", POL_ALLOW),
	C(R_NULL, "{'Null':{'aws:TokenIssueTime':'true'}}", ALICE, "aws:TokenIssueTime=2024-01-01T00:00:00Z", POL_NONE),
	C(R_NULL, "{'Null':{'aws:TokenIssueTime':'false'}}", ALICE, "aws:TokenIssueTime=2024-01-01T00:00:00Z", POL_ALLOW),
	C(R_NULL, "{'Null':{'aws:TokenIssueTime':'false'}}", ALICE, "", POL_NONE),
	C(R_NULL, "{'Null':{'aws:TokenIssueTime':true}}", ALICE, "", POL_ALLOW),
	C(R_NULL, "{'Null':{'aws:username':'true'}}", SESS, "", POL_ALLOW),

	/* -- set operators -- */
	C(R_FORALL, "{'ForAllValues:StringEquals':{'aws:TagKeys':['a','b']}}", ALICE, "aws:TagKeys=a|b", POL_ALLOW),
	C(R_FORALL, "{'ForAllValues:StringEquals':{'aws:TagKeys':['a','b']}}", ALICE, "aws:TagKeys=a|c", POL_NONE),
	C(R_FORALL, "{'ForAllValues:StringEquals':{'aws:TagKeys':['a','b']}}", ALICE, "", POL_ALLOW),
	C(R_FORANY, "{'ForAnyValue:StringEquals':{'aws:TagKeys':['a','b']}}", ALICE, "aws:TagKeys=c|b", POL_ALLOW),
	C(R_FORANY, "{'ForAnyValue:StringEquals':{'aws:TagKeys':['a','b']}}", ALICE, "aws:TagKeys=c|d", POL_NONE),
	C(R_FORANY, "{'ForAnyValue:StringEquals':{'aws:TagKeys':['a','b']}}", ALICE, "", POL_NONE),
	C(R_FORALL, "{'ForAllValues:StringLike':{'aws:TagKeys':'Created*'}}", ALICE, "aws:TagKeys=CreatedBy|CreatedAt", POL_ALLOW),
	C(R_FORALL, "{'ForAllValues:StringNotLike':{'aws:TagKeys':'key1*'}}", ALICE, "aws:TagKeys=key2:audit", POL_ALLOW),
	C(R_FORALL, "{'ForAllValues:StringNotLike':{'aws:TagKeys':'key1*'}}", ALICE, "aws:TagKeys=key1:legal", POL_NONE),
	C(R_FORALL, "{'ForAllValues:StringNotLike':{'aws:TagKeys':'key1*'}}", ALICE, "aws:TagKeys=key1:hr|key1:personnel", POL_NONE),
	C(R_FORALL, "{'ForAllValues:StringNotLike':{'aws:TagKeys':'key1*'}}", ALICE, "", POL_ALLOW),
	C(R_FORANY, "{'ForAnyValue:StringNotEquals':{'aws:TagKeys':['tag1','tag2']}}", ALICE, "aws:TagKeys=tag1|tag3", POL_ALLOW),
	C(R_FORANY, "{'ForAnyValue:StringNotEquals':{'aws:TagKeys':['tag1','tag2']}}", ALICE, "aws:TagKeys=tag1|tag2", POL_NONE),
	C(R_IFEXISTS, "{'ForAllValues:StringEqualsIfExists':{'aws:TagKeys':'a'}}", ALICE, "", POL_ALLOW),
	C(R_IFEXISTS, "{'ForAnyValue:StringEqualsIfExists':{'aws:TagKeys':'a'}}", ALICE, "", POL_ALLOW),
	C(R_FORALL, "{'ForAllValues:StringEquals':{'aws:TagKeys':[]}}", ALICE, "aws:TagKeys=a", POL_NONE),
	C(R_FORANY, "{'ForAnyValue:StringLike':{'aws:TagKeys':['env*','cost*']}}", ALICE, "aws:TagKeys=owner|costcenter", POL_ALLOW),

	/* -- policy variables -- */
	{R_VAR, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/home/${aws:username}/*'")), GET, "arn:aws:s3:::b/home/alice/x", ALICE, "", POL_ALLOW, 0},
	{R_VAR, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/home/${aws:username}/*'")), GET, "arn:aws:s3:::b/home/alice/x", BOB, "", POL_NONE, -1},
	{R_VAR_NOVAL, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/home/${aws:username}/*'")), GET, "arn:aws:s3:::b/home//x", SESS, "", POL_NONE, -1},
	{R_VAR_NOVAL, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/home/${aws:username}/*'")), GET, "arn:aws:s3:::b/home/x", ANON, "", POL_NONE, -1},
	{R_V2008, POL_IDENTITY, POL08(ALLOW("'s3:*'", "'arn:aws:s3:::b/home/${aws:username}/*'")), GET, "arn:aws:s3:::b/home/alice/x", ALICE, "", POL_NONE, -1},
	{R_V2008, POL_IDENTITY, POL08(ALLOW("'s3:*'", "'arn:aws:s3:::b/home/${aws:username}/x'")), GET, "arn:aws:s3:::b/home/${aws:username}/x", ALICE, "", POL_ALLOW, 0},
	{R_V2008, POL_IDENTITY, "{'Statement':[" ALLOW("'s3:*'", "'arn:aws:s3:::b/${aws:username}'") "]}", GET, "arn:aws:s3:::b/alice", ALICE, "", POL_NONE, -1},
	{R_VAR_DEF, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${aws:PrincipalTag/team, \\'shared\\'}/*'")), GET, "arn:aws:s3:::b/shared/x", ALICE, "", POL_ALLOW, 0},
	{R_VAR_DEF, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${aws:PrincipalTag/team, \\'shared\\'}/*'")), GET, "arn:aws:s3:::b/red/x", ALICE, "aws:PrincipalTag/team=red", POL_ALLOW, 0},
	{R_VAR_DEF, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${aws:PrincipalTag/team, \\'shared\\'}/*'")), GET, "arn:aws:s3:::b/shared/x", ALICE, "aws:PrincipalTag/team=red", POL_NONE, -1},
	{R_VAR_ESC, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${*}'")), GET, "arn:aws:s3:::b/*", ALICE, "", POL_ALLOW, 0},
	{R_VAR_ESC, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${*}'")), GET, "arn:aws:s3:::b/x", ALICE, "", POL_NONE, -1},
	{R_VAR_ESC, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/a${?}'")), GET, "arn:aws:s3:::b/a?", ALICE, "", POL_ALLOW, 0},
	{R_VAR_ESC, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/a${?}'")), GET, "arn:aws:s3:::b/ax", ALICE, "", POL_NONE, -1},
	{R_VAR_ESC, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${$}{x}'")), GET, "arn:aws:s3:::b/${x}", ALICE, "", POL_ALLOW, 0},
	{R_VAR_ESC, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${*}/${aws:username}/*'")), GET, "arn:aws:s3:::b/*/alice/x", ALICE, "", POL_ALLOW, 0},
	{R_VAR_ESC, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${*}/${aws:username}/*'")), GET, "arn:aws:s3:::b/z/alice/x", ALICE, "", POL_NONE, -1},
	C(R_VAR, "{'StringEquals':{'s3:prefix':'home/${aws:username}/'}}", ALICE, "s3:prefix=home/alice/", POL_ALLOW),
	C(R_VAR, "{'StringLike':{'s3:prefix':'home/${aws:username}/*'}}", ALICE, "s3:prefix=home/alice/docs", POL_ALLOW),
	C(R_VAR, "{'StringLike':{'s3:prefix':'home/${aws:username}/*'}}", BOB, "s3:prefix=home/alice/docs", POL_NONE),
	C(R_VAR, "{'StringLike':{'s3:prefix':'${aws:PrincipalTag/p}'}}", ALICE, "aws:PrincipalTag/p=*;s3:prefix=anything", POL_NONE),
	C(R_VAR, "{'StringLike':{'s3:prefix':'${aws:PrincipalTag/p}'}}", ALICE, "aws:PrincipalTag/p=*;s3:prefix=*", POL_ALLOW),
	{R_VAR, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${aws:userid}/*'")), GET, "arn:aws:s3:::b/AROAREADER:s1/x", SESS, "", POL_ALLOW, 0},
	C(R_VAR, "{'StringEquals':{'aws:PrincipalType':'AssumedRole'}}", SESS, "", POL_ALLOW),
	C(R_VAR, "{'StringEquals':{'aws:PrincipalType':'Anonymous'}}", ANON, "", POL_ALLOW),
	C(R_VAR, "{'StringEquals':{'aws:userid':'" ACCT "'}}", ROOT, "", POL_ALLOW),
	{R_VAR, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${s3:prefix}*'")), GET, "arn:aws:s3:::b/docs/x", ALICE, "s3:prefix=docs/", POL_ALLOW, 0},
	{R_VAR_NOVAL, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${aws:TagKeys}'")), GET, "arn:aws:s3:::b/a", ALICE, "aws:TagKeys=a|b", POL_NONE, -1},
	{R_VAR_NOVAL, POL_IDENTITY, POL("{'Effect':'Allow','Action':'s3:*','NotResource':'arn:aws:s3:::b/${aws:username}/*'}"), GET, OBJ, SESS, "", POL_NONE, -1},
	C(R_VAR_NOVAL, "{'StringNotEquals':{'s3:prefix':'${aws:username}'}}", SESS, "s3:prefix=x", POL_NONE),
	C(R_VAR_DEF, "{'StringNotEquals':{'s3:prefix':'${aws:username, \\'nobody\\'}'}}", SESS, "s3:prefix=x", POL_ALLOW),
	{R_KEYCASE, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${AWS:USERNAME}/*'")), GET, "arn:aws:s3:::b/alice/x", ALICE, "", POL_ALLOW, 0},
	{R_V2008, POL_IDENTITY, POL08("{'Effect':'Allow','Action':'s3:*','Resource':'*','Condition':{'StringEquals':{'s3:prefix':'${aws:username}'}}}"), GET, OBJ, ALICE, "s3:prefix=alice", POL_NONE, -1},
	{R_V2008, POL_IDENTITY, POL08("{'Effect':'Allow','Action':'s3:*','Resource':'*','Condition':{'StringEquals':{'s3:prefix':'${aws:username}'}}}"), GET, OBJ, ALICE, "s3:prefix=${aws:username}", POL_ALLOW, 0},
	C(R_VAR, "{'ArnEquals':{'aws:SourceArn':'arn:aws:s3:::${aws:username}-bucket'}}", ALICE, "aws:SourceArn=arn:aws:s3:::alice-bucket", POL_ALLOW),
	{R_VAR, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${oops'")), GET, "arn:aws:s3:::b/${oops", ALICE, "", POL_ALLOW, 0},
	{R_VAR, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/a\\\\b*'")), GET, "arn:aws:s3:::b/a\\bc", ALICE, "", POL_ALLOW, 0},
	{R_VAR_ESC, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${?}*'")), GET, "arn:aws:s3:::b/?x", ALICE, "", POL_ALLOW, 0},
	{R_VAR_ESC, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${?}*'")), GET, "arn:aws:s3:::b/xx", ALICE, "", POL_NONE, -1},
	{R_VAR_DEF, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${aws:username,\\'x*\\'}'")), GET, "arn:aws:s3:::b/xyz", SESS, "", POL_NONE, -1},
	{R_VAR_DEF, POL_IDENTITY, POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${aws:username,\\'x*\\'}'")), GET, "arn:aws:s3:::b/x*", SESS, "", POL_ALLOW, 0},
	C(R_DATE, "{'DateGreaterThan':{'aws:CurrentTime':'2024-06-01T17:00:00+05:30'}}", ALICE, "aws:CurrentTime=2024-06-01T11:31:00Z", POL_ALLOW),
	C(R_NUM, "{'NumericLessThan':{'s3:max-keys':2.5}}", ALICE, "s3:max-keys=2", POL_ALLOW),
	C(R_VAR, "{'Bool':{'aws:SecureTransport':'${test:flag}'}}", ALICE, "aws:SecureTransport=true;test:flag=true", POL_ALLOW),

	/* -- Principal (bucket policies) -- */
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':'*'}"), GET, OBJ, ANON, "", POL_ALLOW, 0},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'*'},'Action':'s3:GetObject','Resource':'*'}"), GET, OBJ, ANON, "", POL_ALLOW, 0},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":root'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, ALICE, "", POL_ALLOW, 0},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":root'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, ROOT, "", POL_ALLOW, 0},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":root'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, ANON, "", POL_NONE, -1},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":root'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, OTHER, "", POL_NONE, -1},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'" ACCT "'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, SESS, "", POL_ALLOW, 0},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":user/alice'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, ALICE, "", POL_ALLOW, 0},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":user/alice'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, BOB, "", POL_NONE, -1},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":role/Reader'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, SESS, "", POL_ALLOW, 0},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":role/Reader'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, ALICE, "", POL_NONE, -1},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:sts::" ACCT ":assumed-role/Reader/s1'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, SESS, "", POL_ALLOW, 0},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:sts::" ACCT ":assumed-role/Reader/s1'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, SESS2, "", POL_NONE, -1},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'Service':'cloudtrail.amazonaws.com'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, ALICE, "", POL_NONE, -1},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'Service':'s3.amazonaws.com','AWS':['arn:aws:iam::" ACCT ":user/dev/bob','arn:aws:iam::" ACCT ":user/alice']},'Action':'s3:*','Resource':'*'}"), GET, OBJ, ALICE, "", POL_ALLOW, 0},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'CanonicalUser':'79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, ALICE, "", POL_NONE, -1},
	{R_PRIN, POL_RESOURCE, POL("{'Effect':'Deny','Principal':'*','Action':'s3:*','Resource':'*','Condition':{'Bool':{'aws:SecureTransport':'false'}}}"), GET, OBJ, ROOT, "aws:SecureTransport=false", POL_DENY, 0},
	{R_NOTPRIN, POL_RESOURCE, POL("{'Effect':'Deny','NotPrincipal':{'AWS':['arn:aws:iam::" ACCT ":user/alice','arn:aws:iam::" ACCT ":root']},'Action':'s3:*','Resource':'*'},{'Effect':'Allow','Principal':'*','Action':'s3:*','Resource':'*'}"), GET, OBJ, ALICE, "", POL_ALLOW, 1},
	{R_NOTPRIN, POL_RESOURCE, POL("{'Effect':'Deny','NotPrincipal':{'AWS':['arn:aws:iam::" ACCT ":user/alice','arn:aws:iam::" ACCT ":root']},'Action':'s3:*','Resource':'*'},{'Effect':'Allow','Principal':'*','Action':'s3:*','Resource':'*'}"), GET, OBJ, BOB, "", POL_DENY, 0},
	{R_NOTPRIN, POL_RESOURCE, POL("{'Effect':'Deny','NotPrincipal':{'AWS':['arn:aws:iam::" ACCT ":user/alice','arn:aws:iam::" ACCT ":root']},'Action':'s3:*','Resource':'*'},{'Effect':'Allow','Principal':'*','Action':'s3:*','Resource':'*'}"), GET, OBJ, ANON, "", POL_DENY, 0},
	{R_NOTPRIN, POL_RESOURCE, POL("{'Effect':'Deny','NotPrincipal':{'AWS':'arn:aws:iam::" ACCT ":user/alice'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, ALICE, "", POL_DENY, 0},
	{R_NOTPRIN, POL_RESOURCE, POL("{'Effect':'Deny','NotPrincipal':{'AWS':'" ACCT "'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, ROOT, "", POL_NONE, -1},
	{R_NOTPRIN, POL_RESOURCE, POL("{'Effect':'Deny','NotPrincipal':{'AWS':['" ACCT "','arn:aws:iam::" ACCT ":role/Reader']},'Action':'s3:*','Resource':'*'}"), GET, OBJ, SESS, "", POL_NONE, -1},
	{R_NOTPRIN, POL_RESOURCE, POL("{'Effect':'Deny','NotPrincipal':{'AWS':'*'},'Action':'s3:*','Resource':'*'}"), GET, OBJ, ANON, "", POL_NONE, -1},

	/* -- trust policies -- */
	{R_TRUST, POL_TRUST, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":user/alice'},'Action':'sts:AssumeRole'}"), "sts:AssumeRole", "arn:aws:iam::" ACCT ":role/Reader", ALICE, "", POL_ALLOW, 0},
	{R_TRUST, POL_TRUST, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":user/alice'},'Action':'sts:AssumeRole'}"), "sts:AssumeRole", "arn:aws:iam::" ACCT ":role/Reader", BOB, "", POL_NONE, -1},
	{R_TRUST, POL_TRUST, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":root'},'Action':'sts:AssumeRole'}"), "sts:AssumeRole", "arn:aws:iam::" ACCT ":role/Reader", BOB, "", POL_ALLOW, 0},
	{R_TRUST, POL_TRUST, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":root'},'Action':'sts:AssumeRole'}"), "sts:AssumeRole", "arn:aws:iam::" ACCT ":role/Reader", OTHER, "", POL_NONE, -1},
	{R_TRUST, POL_TRUST, POL("{'Effect':'Allow','Principal':{'AWS':'" ACCT "'},'Action':'sts:AssumeRole','Condition':{'StringEquals':{'sts:ExternalId':'xyz'}}}"), "sts:AssumeRole", "arn:aws:iam::" ACCT ":role/Reader", ALICE, "sts:ExternalId=xyz", POL_ALLOW, 0},
	{R_TRUST, POL_TRUST, POL("{'Effect':'Allow','Principal':{'AWS':'" ACCT "'},'Action':'sts:AssumeRole','Condition':{'StringEquals':{'sts:ExternalId':'xyz'}}}"), "sts:AssumeRole", "arn:aws:iam::" ACCT ":role/Reader", ALICE, "sts:ExternalId=abc", POL_NONE, -1},
	{R_TRUST, POL_TRUST, POL("{'Effect':'Allow','Principal':{'Service':'ec2.amazonaws.com'},'Action':'sts:AssumeRole'}"), "sts:AssumeRole", "arn:aws:iam::" ACCT ":role/Reader", ALICE, "", POL_NONE, -1},
	{R_TRUST, POL_TRUST, POL("{'Effect':'Allow','Principal':{'AWS':'" ACCT "'},'Action':'sts:AssumeRole'}"), "sts:TagSession", "arn:aws:iam::" ACCT ":role/Reader", ALICE, "", POL_NONE, -1},
	{R_TRUST, POL_TRUST, POL("{'Effect':'Allow','Principal':{'AWS':'" ACCT "'},'Action':'sts:*'},{'Effect':'Deny','Principal':{'AWS':'arn:aws:iam::" ACCT ":user/dev/bob'},'Action':'sts:AssumeRole'}"), "sts:AssumeRole", "arn:aws:iam::" ACCT ":role/Reader", BOB, "", POL_DENY, 1},
	{R_TRUST, POL_TRUST, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":role/Reader'},'Action':'sts:AssumeRole'}"), "sts:AssumeRole", "arn:aws:iam::" ACCT ":role/Writer", SESS, "", POL_ALLOW, 0},
};

static void
test_eval_table(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof ecases / sizeof ecases[0]; i++) {
		const struct ecase *tc = &ecases[i];
		struct pol *p = must_parse(tc->policy, tc->kind);
		struct ctx c;
		struct pol_request rq;
		struct pol_hit hit;
		enum pol_effect got;

		ctx_parse(&c, tc->ctx);
		rq = (struct pol_request){tc->action, tc->resource, &principals[tc->who], ctx_values, &c};
		got = pol_eval(p, &rq, &hit);
		if (got != tc->want || (tc->stmt != -2 && hit.stmt != tc->stmt) || hit.effect != got) {
			print_error("row %zu: want %d (stmt %d) got %d (stmt %d)\n  %s\n  %s %s ctx=%s\n", i,
				    tc->want, tc->stmt, got, hit.stmt, tc->rule, tc->action, tc->resource,
				    tc->ctx);
			bad++;
		}
		pol_free(p);
	}
	print_message("%zu evaluation rows\n", i);
	assert_int_equal(bad, 0);
}

/* ---- parse errors ---- */

struct pcase {
	const char *rule;
	enum pol_kind kind;
	const char *json;
	enum err want;
	const char *msg; /* exact message; NULL when want is ERR_OK */
};

#define IAMBAD ERR_IAM_MALFORMED_POLICY
#define S3BAD ERR_S3_MALFORMED_POLICY
#define OKP ERR_OK, NULL
#define R_GRAMMAR "AWS: Grammar of the IAM JSON policy language"
#define R_VERSION "AWS: Version is 2012-10-17 or 2008-10-17 (IAM JSON policy elements: Version)"
#define R_EFFECT "AWS: Effect is required, Allow or Deny (IAM JSON policy elements: Effect)"
#define R_ACTION "AWS: a statement needs Action or NotAction, service:action (Action)"
#define R_RESREQ "AWS: identity and resource policies need Resource or NotResource (Resource)"
#define R_PRINC "AWS: Principal is not allowed in identity policies, required in resource and trust policies (Principal)"
#define R_COND "AWS: Condition operators and values (Condition operators)"
#define R_SID "AWS: IAM Sids are alphanumeric and unique (IAM JSON policy elements: Sid)"

static const struct pcase pcases[] = {
	{R_GRAMMAR, POL_IDENTITY, "{", IAMBAD, "Syntax errors in policy."},
	{R_GRAMMAR, POL_RESOURCE, "{", S3BAD, "Policies must be valid JSON and the first byte must be '{'"},
	{R_GRAMMAR, POL_IDENTITY, "[]", IAMBAD, "Syntax errors in policy."},
	{R_GRAMMAR, POL_IDENTITY, "", IAMBAD, "Syntax errors in policy."},
	{R_GRAMMAR, POL_IDENTITY, "'just a string'", IAMBAD, "Syntax errors in policy."},
	{R_VERSION, POL_IDENTITY, "{'Version':'2012-10-18','Statement':[]}", IAMBAD, "Invalid Version"},
	{R_VERSION, POL_IDENTITY, "{'Version':2012,'Statement':[]}", IAMBAD, "Invalid Version"},
	{R_GRAMMAR, POL_IDENTITY, "{'Version':'2012-10-17'}", IAMBAD, "Missing required field Statement"},
	{R_GRAMMAR, POL_IDENTITY, "{'Version':'2012-10-17','Statement':[]}", IAMBAD, "Syntax errors in policy."},
	{R_GRAMMAR, POL_RESOURCE, "{'Version':'2012-10-17','Statement':[]}", S3BAD, "Could not parse the policy: Statement is empty!"},
	{R_GRAMMAR, POL_IDENTITY, "{'Version':'2012-10-17','Statement':'x'}", IAMBAD, "Syntax errors in policy."},
	{R_GRAMMAR, POL_IDENTITY, "{'Version':'2012-10-17','Statement':['x']}", IAMBAD, "Syntax errors in policy."},
	{R_GRAMMAR, POL_IDENTITY, "{'Version':'2012-10-17','Statment':[]}", IAMBAD, "Unknown field Statment"},
	{R_GRAMMAR, POL_IDENTITY, "{'Version':'2012-10-17','Id':7,'Statement':[]}", IAMBAD, "Syntax errors in policy."},
	{R_GRAMMAR, POL_IDENTITY, POL("{'Effects':'Allow','Action':'s3:*','Resource':'*'}"), IAMBAD, "Unknown field Effects"},
	{R_EFFECT, POL_IDENTITY, POL("{'Action':'s3:*','Resource':'*'}"), IAMBAD, "Missing required field Effect"},
	{R_EFFECT, POL_IDENTITY, POL("{'Effect':'allow','Action':'s3:*','Resource':'*'}"), IAMBAD, "Invalid effect: allow"},
	{R_EFFECT, POL_IDENTITY, POL("{'Effect':1,'Action':'s3:*','Resource':'*'}"), IAMBAD, "Syntax errors in policy."},
	{R_ACTION, POL_IDENTITY, POL("{'Effect':'Allow','Resource':'*'}"), IAMBAD, "Policy statement must contain actions."},
	{R_ACTION, POL_RESOURCE, POL("{'Effect':'Allow','Principal':'*','Resource':'*'}"), S3BAD, "Missing required field Action"},
	{R_ACTION, POL_IDENTITY, POL("{'Effect':'Allow','Action':[],'Resource':'*'}"), IAMBAD, "Policy statement must contain actions."},
	{R_ACTION, POL_IDENTITY, POL("{'Effect':'Allow','Action':'s3:*','NotAction':'iam:*','Resource':'*'}"), IAMBAD, "Statement has both Action and NotAction"},
	{R_ACTION, POL_IDENTITY, POL(ALLOW("'s3GetObject'", ANY)), IAMBAD, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
	{R_ACTION, POL_IDENTITY, POL(ALLOW("['s3:GetObject',5]", ANY)), IAMBAD, "Syntax errors in policy."},
	{R_ACTION, POL_RESOURCE, POL("{'Effect':'Allow','Principal':'*','Action':'s3:','Resource':'*'}"), S3BAD, "Policy has invalid action"},
	{R_ACTION, POL_TRUST, POL("{'Effect':'Allow','Principal':{'AWS':'" ACCT "'},'Action':'s3:GetObject'}"), IAMBAD, "AssumeRole policy may only specify STS AssumeRole actions."},
	{R_RESREQ, POL_IDENTITY, POL("{'Effect':'Allow','Action':'s3:*'}"), IAMBAD, "Policy statement must contain resources."},
	{R_RESREQ, POL_RESOURCE, POL("{'Effect':'Allow','Principal':'*','Action':'s3:*'}"), S3BAD, "Missing required field Resource"},
	{R_RESREQ, POL_IDENTITY, POL(ALLOW("'s3:*'", "'bucket'")), IAMBAD, "Resource bucket must be in ARN format or \"*\"."},
	{R_RESREQ, POL_RESOURCE, POL("{'Effect':'Allow','Principal':'*','Action':'s3:*','Resource':'arn:aws:s3'}"), S3BAD, "Policy has invalid resource"},
	{R_RESREQ, POL_IDENTITY, POL("{'Effect':'Allow','Action':'s3:*','Resource':'*','NotResource':'*'}"), IAMBAD, "Statement has both Resource and NotResource"},
	{R_RESREQ, POL_TRUST, POL("{'Effect':'Allow','Principal':{'AWS':'" ACCT "'},'Action':'sts:AssumeRole','Resource':'*'}"), IAMBAD, "Has prohibited field Resource"},
	{R_PRINC, POL_IDENTITY, POL("{'Effect':'Allow','Principal':'*','Action':'s3:*','Resource':'*'}"), IAMBAD, "Policy document should not specify a principal."},
	{R_PRINC, POL_IDENTITY, POL("{'Effect':'Deny','NotPrincipal':{'AWS':'" ACCT "'},'Action':'s3:*','Resource':'*'}"), IAMBAD, "Policy document should not specify a principal."},
	{R_PRINC, POL_RESOURCE, POL(ALLOW("'s3:*'", ANY)), S3BAD, "Missing required field Principal"},
	{R_PRINC, POL_TRUST, POL("{'Effect':'Allow','Action':'sts:AssumeRole'}"), IAMBAD, "Missing required field Principal"},
	{R_PRINC, POL_TRUST, POL("{'Effect':'Deny','NotPrincipal':{'AWS':'" ACCT "'},'Action':'sts:AssumeRole'}"), IAMBAD, "Has prohibited field NotPrincipal"},
	{R_PRINC, POL_RESOURCE, POL("{'Effect':'Allow','NotPrincipal':{'AWS':'" ACCT "'},'Action':'s3:*','Resource':'*'}"), S3BAD, "NotPrincipal must be used with \"Effect\": \"Deny\""},
	{R_PRINC, POL_RESOURCE, POL("{'Effect':'Allow','Principal':'alice','Action':'s3:*','Resource':'*'}"), S3BAD, "Invalid principal in policy"},
	{R_PRINC, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":user/*'},'Action':'s3:*','Resource':'*'}"), S3BAD, "Invalid principal in policy"},
	{R_PRINC, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'Foo':'x'},'Action':'s3:*','Resource':'*'}"), S3BAD, "Invalid principal in policy"},
	{R_PRINC, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{},'Action':'s3:*','Resource':'*'}"), S3BAD, "Invalid principal in policy"},
	{R_PRINC, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':'12345'},'Action':'s3:*','Resource':'*'}"), S3BAD, "Invalid principal in policy"},
	{R_COND, POL_IDENTITY, COND("{'StringEqualz':{'aws:username':'a'}}"), IAMBAD, "Invalid Condition type : StringEqualz"},
	{R_COND, POL_IDENTITY, COND("{'NullIfExists':{'aws:username':'true'}}"), IAMBAD, "Invalid Condition type : NullIfExists"},
	{R_COND, POL_IDENTITY, COND("{'NumericEquals':{'s3:max-keys':'ten'}}"), IAMBAD, "Invalid value for condition NumericEquals: ten"},
	{R_COND, POL_IDENTITY, COND("{'IpAddress':{'aws:SourceIp':'300.0.0.1'}}"), IAMBAD, "Invalid value for condition IpAddress: 300.0.0.1"},
	{R_COND, POL_IDENTITY, COND("{'IpAddress':{'aws:SourceIp':'10.0.0.0/33'}}"), IAMBAD, "Invalid value for condition IpAddress: 10.0.0.0/33"},
	{R_COND, POL_IDENTITY, COND("{'DateLessThan':{'aws:CurrentTime':'tomorrow'}}"), IAMBAD, "Invalid value for condition DateLessThan: tomorrow"},
	{R_COND, POL_IDENTITY, COND("{'Bool':{'aws:SecureTransport':'yes'}}"), IAMBAD, "Invalid value for condition Bool: yes"},
	{R_COND, POL_IDENTITY, COND("{'BinaryEquals':{'test:b':'***'}}"), IAMBAD, "Invalid value for condition BinaryEquals: ***"},
	{R_COND, POL_IDENTITY, COND("{'StringEquals':{'username':'a'}}"), IAMBAD, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
	{R_COND, POL_IDENTITY, COND("{'StringEquals':{'aws:username':null}}"), IAMBAD, "Syntax errors in policy."},
	{R_COND, POL_IDENTITY, COND("{'StringEquals':{'aws:username':{'a':'b'}}}"), IAMBAD, "Syntax errors in policy."},
	{R_COND, POL_IDENTITY, COND("'StringEquals'"), IAMBAD, "Syntax errors in policy."},
	{R_COND, POL_IDENTITY, COND("{'StringEquals':'aws:username'}"), IAMBAD, "Syntax errors in policy."},
	{R_SID, POL_IDENTITY, POL("{'Sid':'read-all','Effect':'Allow','Action':'s3:*','Resource':'*'}"), IAMBAD, "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"},
	{R_SID, POL_IDENTITY, POL("{'Sid':'A','Effect':'Allow','Action':'s3:*','Resource':'*'},{'Sid':'A','Effect':'Deny','Action':'s3:*','Resource':'*'}"), IAMBAD, "Statement IDs (SID) in a single policy must be unique."},
	{R_SID, POL_IDENTITY, POL("{'Sid':5,'Effect':'Allow','Action':'s3:*','Resource':'*'}"), IAMBAD, "Syntax errors in policy."},
	/* accepted documents */
	{R_SID, POL_RESOURCE, POL("{'Sid':'public read, v2','Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':'arn:aws:s3:::b/*'}"), OKP},
	{R_VERSION, POL_IDENTITY, "{'Statement':[" ALLOW("'s3:*'", ANY) "]}", OKP},
	{R_VERSION, POL_IDENTITY, POL08(ALLOW("'s3:*'", ANY)), OKP},
	{R_GRAMMAR, POL_IDENTITY, "{'Version':'2012-10-17','Id':'x','Statement':" ALLOW("'s3:*'", ANY) "}", OKP},
	{R_GRAMMAR, POL_IDENTITY, "{'Version':'2012-10-17','Version':'2012-10-17','Statement':[" ALLOW(ANY, ANY) "]}", OKP},
	{R_TRUST, POL_TRUST, POL("{'Effect':'Allow','Principal':{'Service':['ec2.amazonaws.com']},'Action':['sts:AssumeRole','sts:TagSession']}"), OKP},
	{R_COND, POL_IDENTITY, COND("{'Bool':{'aws:SecureTransport':true},'NumericLessThan':{'s3:max-keys':[10,2.5]}}"), OKP},
	{R_COND, POL_IDENTITY, COND("{'stringequals':{'aws:username':'a'},'ForAnyValue:StringLikeIfExists':{'aws:TagKeys':'x*'}}"), OKP},
	{R_PRINC, POL_RESOURCE, POL("{'Effect':'Allow','Principal':{'AWS':['" ACCT "','arn:aws:iam::" ACCT ":role/path/R','arn:aws:sts::" ACCT ":assumed-role/R/s']},'Action':'s3:*','Resource':'*'}"), OKP},
	{R_SID, POL_IDENTITY, POL("{'Sid':'','Effect':'Allow','Action':'s3:*','Resource':'*'},{'Sid':'','Effect':'Allow','Action':'s3:*','Resource':'*'}"), OKP},
};

static void
test_parse_table(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof pcases / sizeof pcases[0]; i++) {
		const struct pcase *tc = &pcases[i];
		char *doc = unquote(tc->json);
		struct pol *p = (struct pol *)1;
		struct buf msg;
		enum err e;

		buf_init(&msg, 1024);
		e = pol_parse(doc, strlen(doc), tc->kind, &p, &msg);
		if (e != tc->want || (tc->msg && (!msg.p || strcmp(msg.p, tc->msg) != 0)) ||
		    (e == ERR_OK) != (p != NULL)) {
			print_error("parse row %zu: want %d \"%s\" got %d \"%s\"\n  %s\n  %s\n", i, tc->want,
				    tc->msg ? tc->msg : "", e, msg.p ? msg.p : "", tc->rule, doc);
			bad++;
		}
		pol_free(p);
		buf_fini(&msg);
		free(doc);
	}
	print_message("%zu parse rows\n", i);
	assert_int_equal(bad, 0);
}

/* ---- pol_authorize ---- */

struct acase {
	const char *rule;
	const char *identity[2];
	bool has_session;
	const char *session[2];
	const char *resource[2];
	enum who who;
	bool allowed;
	bool explicit_deny;
	enum pol_source source;
	const char *policy; /* expected deciding policy's name, or NULL */
	int stmt;
	const char *sid;
};

#define R_AUTH "AWS: Policy evaluation logic (Determining whether a request is allowed or denied within an account)"
#define R_AUTH_RES "AWS: within one account, a resource-based policy allowing the principal suffices (Policy evaluation logic)"
#define R_AUTH_SES "AWS: session policies limit identity permissions; the effective permissions are the intersection (Session policies)"
#define R_AUTH_SESARN "AWS: a resource-based policy naming the session ARN grants in addition to session policies (Session policies)"
#define R_AUTH_ANON "AWS: anonymous requests are allowed only by resource-based policies (S3 bucket policies)"
#define R_AUTH_ACCT "AWS: an account principal delegates to the account's identity policies (Principal: AWS account principals)"
#define R_AUTH_ROOT "AWS: the root user has full access unless explicitly denied by a resource policy (Policy evaluation logic)"

#define ID_ALLOW POL("{'Sid':'Get','Effect':'Allow','Action':'s3:GetObject','Resource':'*'}")
#define ID_DENY POL("{'Sid':'NoGet','Effect':'Deny','Action':'s3:GetObject','Resource':'*'}")
#define SES_ALLOW ID_ALLOW
#define SES_OTHER POL(ALLOW("'s3:PutObject'", ANY))
#define RES(prin, eff) POL("{'Sid':'B','Effect':'" eff "','Principal':" prin ",'Action':'s3:GetObject','Resource':'arn:aws:s3:::b/*'}")
#define P_ALICE "{'AWS':'arn:aws:iam::" ACCT ":user/alice'}"
#define P_ROLE "{'AWS':'arn:aws:iam::" ACCT ":role/Reader'}"
#define P_SESS "{'AWS':'arn:aws:sts::" ACCT ":assumed-role/Reader/s1'}"
#define P_ACCT "{'AWS':'" ACCT "'}"

static const struct acase acases[] = {
	{R_AUTH, {ID_ALLOW}, false, {NULL}, {NULL}, ALICE, true, false, SRC_IDENTITY, "id0", 0, "Get"},
	{R_AUTH, {NULL}, false, {NULL}, {NULL}, ALICE, false, false, SRC_NONE, NULL, -1, NULL},
	{R_AUTH, {SES_OTHER}, false, {NULL}, {NULL}, ALICE, false, false, SRC_NONE, NULL, -1, NULL},
	{R_AUTH_RES, {NULL}, false, {NULL}, {RES(P_ALICE, "Allow")}, ALICE, true, false, SRC_RESOURCE, "res0", 0, "B"},
	{R_AUTH_RES, {NULL}, false, {NULL}, {RES(P_ALICE, "Allow")}, BOB, false, false, SRC_NONE, NULL, -1, NULL},
	{R_DENY, {ID_ALLOW}, false, {NULL}, {RES("'*'", "Deny")}, ALICE, false, true, SRC_RESOURCE, "res0", 0, "B"},
	{R_DENY, {ID_DENY}, false, {NULL}, {RES(P_ALICE, "Allow")}, ALICE, false, true, SRC_IDENTITY, "id0", 0, "NoGet"},
	{R_DENY, {ID_ALLOW, ID_DENY}, false, {NULL}, {NULL}, ALICE, false, true, SRC_IDENTITY, "id1", 0, "NoGet"},
	{R_AUTH, {SES_OTHER, ID_ALLOW}, false, {NULL}, {NULL}, ALICE, true, false, SRC_IDENTITY, "id1", 0, "Get"},
	{R_AUTH, {ID_ALLOW}, false, {NULL}, {RES(P_ALICE, "Allow")}, ALICE, true, false, SRC_IDENTITY, "id0", 0, "Get"},
	{R_AUTH_ROOT, {NULL}, false, {NULL}, {NULL}, ROOT, true, false, SRC_ROOT, NULL, -1, NULL},
	{R_AUTH_ROOT, {NULL}, false, {NULL}, {RES("'*'", "Deny")}, ROOT, false, true, SRC_RESOURCE, "res0", 0, "B"},
	{R_AUTH_ROOT, {NULL}, false, {NULL}, {RES(P_ALICE, "Deny")}, ROOT, true, false, SRC_ROOT, NULL, -1, NULL},
	{R_AUTH_SES, {NULL}, true, {SES_ALLOW}, {NULL}, ROOT, true, false, SRC_ROOT, NULL, -1, NULL},
	{R_AUTH_SES, {NULL}, true, {SES_OTHER}, {NULL}, ROOT, false, false, SRC_SESSION, NULL, -1, NULL},
	{R_AUTH_ANON, {NULL}, false, {NULL}, {RES("'*'", "Allow")}, ANON, true, false, SRC_RESOURCE, "res0", 0, "B"},
	{R_AUTH_ANON, {ID_ALLOW}, false, {NULL}, {NULL}, ANON, false, false, SRC_NONE, NULL, -1, NULL},
	{R_AUTH_ANON, {NULL}, false, {NULL}, {NULL}, ANON, false, false, SRC_NONE, NULL, -1, NULL},
	{R_AUTH_ANON, {NULL}, false, {NULL}, {RES(P_ACCT, "Allow")}, ANON, false, false, SRC_NONE, NULL, -1, NULL},
	{R_AUTH_SES, {ID_ALLOW}, true, {SES_ALLOW}, {NULL}, SESS, true, false, SRC_IDENTITY, "id0", 0, "Get"},
	{R_AUTH_SES, {ID_ALLOW}, true, {SES_OTHER}, {NULL}, SESS, false, false, SRC_SESSION, NULL, -1, NULL},
	{R_AUTH_SES, {ID_ALLOW}, true, {NULL}, {NULL}, SESS, false, false, SRC_SESSION, NULL, -1, NULL},
	{R_AUTH_SES, {SES_OTHER}, true, {SES_ALLOW}, {NULL}, SESS, false, false, SRC_NONE, NULL, -1, NULL},
	{R_AUTH_SES, {ID_ALLOW}, false, {SES_OTHER}, {NULL}, SESS, true, false, SRC_IDENTITY, "id0", 0, "Get"},
	{R_DENY, {ID_ALLOW}, true, {ID_DENY}, {NULL}, SESS, false, true, SRC_SESSION, "ses0", 0, "NoGet"},
	{R_AUTH_SES, {NULL}, true, {SES_OTHER}, {RES(P_ROLE, "Allow")}, SESS, false, false, SRC_SESSION, NULL, -1, NULL},
	{R_AUTH_SES, {NULL}, true, {SES_ALLOW}, {RES(P_ROLE, "Allow")}, SESS, true, false, SRC_RESOURCE, "res0", 0, "B"},
	{R_AUTH_SESARN, {NULL}, true, {SES_OTHER}, {RES(P_SESS, "Allow")}, SESS, true, false, SRC_RESOURCE, "res0", 0, "B"},
	{R_AUTH_SESARN, {NULL}, true, {SES_OTHER}, {RES(P_SESS, "Allow")}, SESS2, false, false, SRC_NONE, NULL, -1, NULL},
	{R_AUTH_RES, {NULL}, false, {NULL}, {RES(P_ROLE, "Allow")}, SESS, true, false, SRC_RESOURCE, "res0", 0, "B"},
	{R_AUTH_RES, {NULL}, false, {NULL}, {RES(P_ACCT, "Allow")}, OTHER, false, false, SRC_NONE, NULL, -1, NULL},
	{R_AUTH_RES, {NULL}, false, {NULL}, {RES(P_ALICE, "Allow"), RES("'*'", "Allow")}, BOB, true, false, SRC_RESOURCE, "res1", 0, "B"},
	{R_AUTH_ACCT, {NULL}, false, {NULL}, {RES(P_ALICE, "Allow"), RES(P_ACCT, "Allow")}, BOB, false, false, SRC_NONE, NULL, -1, NULL},
	{R_AUTH_ACCT, {NULL}, false, {NULL}, {RES(P_ACCT, "Allow")}, ALICE, false, false, SRC_NONE, NULL, -1, NULL},
	{R_AUTH_ACCT, {ID_ALLOW}, false, {NULL}, {RES(P_ACCT, "Allow")}, ALICE, true, false, SRC_IDENTITY, "id0", 0, "Get"},
	{R_AUTH_ACCT, {NULL}, true, {SES_ALLOW}, {RES(P_ACCT, "Allow")}, SESS, false, false, SRC_NONE, NULL, -1, NULL},
	{R_AUTH_ACCT, {NULL}, false, {NULL}, {RES(P_ACCT, "Allow")}, ROOT, true, false, SRC_ROOT, NULL, -1, NULL},
	{R_AUTH_SESARN, {NULL}, true, {SES_OTHER}, {RES("'*'", "Allow")}, SESS, true, false, SRC_RESOURCE, "res0", 0, "B"},
	{R_AUTH_SES, {NULL}, true, {SES_OTHER}, {RES(P_ROLE, "Allow"), RES(P_SESS, "Allow")}, SESS, true, false, SRC_RESOURCE, "res1", 0, "B"},
	{R_AUTH_RES, {NULL}, false, {NULL}, {POL("{'Sid':'Two','Effect':'Allow','Principal':{'AWS':['" ACCT "','arn:aws:iam::" ACCT ":user/alice']},'Action':'s3:*','Resource':'*'}")}, ALICE, true, false, SRC_RESOURCE, "res0", 0, "Two"},
};

static struct pol *
maybe_parse(const char *spec, enum pol_kind kind)
{
	return spec ? must_parse(spec, kind) : NULL;
}

static void
test_authorize_table(void **state)
{
	static const char *idn[] = {"id0", "id1"}, *sn[] = {"ses0", "ses1"}, *rn[] = {"res0", "res1"};
	size_t i, k, bad = 0;

	(void)state;
	for (i = 0; i < sizeof acases / sizeof acases[0]; i++) {
		const struct acase *tc = &acases[i];
		struct pol_ref id[2], ses[2], res[2];
		size_t ni = 0, ns = 0, nr = 0;
		struct pol_request rq;
		struct pol_decision d;
		struct ctx c;

		for (k = 0; k < 2; k++) {
			if (tc->identity[k])
				id[ni++] = (struct pol_ref){maybe_parse(tc->identity[k], POL_IDENTITY), idn[k]};
			if (tc->session[k])
				ses[ns++] = (struct pol_ref){maybe_parse(tc->session[k], POL_IDENTITY), sn[k]};
			if (tc->resource[k])
				res[nr++] = (struct pol_ref){maybe_parse(tc->resource[k], POL_RESOURCE), rn[k]};
		}
		ctx_parse(&c, "");
		rq = (struct pol_request){GET, OBJ, &principals[tc->who], ctx_values, &c};
		memset(&d, 0xA5, sizeof d);
		pol_authorize(id, ni, tc->has_session, ses, ns, res, nr, &rq, &d);
		if (d.allowed != tc->allowed || d.explicit_deny != tc->explicit_deny ||
		    d.source != tc->source || d.stmt != tc->stmt ||
		    (tc->policy ? !d.policy || strcmp(d.policy, tc->policy) : d.policy != NULL) ||
		    (tc->sid ? !d.sid || strcmp(d.sid, tc->sid) : d.sid != NULL)) {
			print_error("authorize row %zu: want allowed=%d deny=%d src=%d %s#%d got "
				    "allowed=%d deny=%d src=%d %s#%d\n  %s\n",
				    i, tc->allowed, tc->explicit_deny, tc->source,
				    tc->policy ? tc->policy : "-", tc->stmt, d.allowed, d.explicit_deny,
				    d.source, d.policy ? d.policy : "-", d.stmt, tc->rule);
			bad++;
		}
		for (k = 0; k < ni; k++)
			pol_free((struct pol *)id[k].pol);
		for (k = 0; k < ns; k++)
			pol_free((struct pol *)ses[k].pol);
		for (k = 0; k < nr; k++)
			pol_free((struct pol *)res[k].pol);
	}
	print_message("%zu authorization rows\n", i);
	assert_int_equal(bad, 0);
}

/* ---- matching helpers ---- */

struct mcase {
	const char *pattern, *subject;
	bool action; /* pol_match_action, else pol_match_arn */
	bool want;
};

static const struct mcase mcases[] = {
	{"s3:*", "s3:GetObject", true, true},
	{"S3:GET*", "s3:getobject", true, true},
	{"*", "", true, true},
	{"", "", true, true},
	{"", "a", true, false},
	{"a*b*c", "aXXbYYc", true, true},
	{"a*b*c", "aXXbYY", true, false},
	{"*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true, false},
	{"arn:aws:s3:::b/*", "arn:aws:s3:::b/", false, true},
	{"arn:aws:s3:::b/*", "arn:aws:s3:::B/x", false, false},
	{"arn:aws:s3:::b/\\*", "arn:aws:s3:::b/\\x", false, true},
	{"arn:*:s3:::b", "arn:aws:s3:::b", false, true},
	{"arn:aws:s3:::b?", "arn:aws:s3:::b", false, false},
	{"**", "anything", false, true},
};

static void
test_match_helpers(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof mcases / sizeof mcases[0]; i++) {
		const struct mcase *m = &mcases[i];
		bool got = m->action ? pol_match_action(m->pattern, m->subject)
				     : pol_match_arn(m->pattern, m->subject);
		if (got != m->want)
			fail_msg("match row %zu: %s vs %s: want %d", i, m->pattern, m->subject, m->want);
	}
	assert_false(pol_match_action(NULL, "x"));
	assert_false(pol_match_arn("x", NULL));
}

/* Condition values: AWS's date forms (W3C ISO 8601 profile or epoch
 * seconds), decimal numbers, and IPv4/IPv6 addresses with CIDR prefixes. */
static void
test_value_parsers(void **state)
{
	static const struct {
		const char *s;
		bool ok;
		int64_t ms;
	} dates[] = {
		{"2024-06-01T12:00:00Z", true, 1717243200000},
		{"2024-06-01T12:00:00.123Z", true, 1717243200123},
		{"2024-06-01T12:00:00.1239Z", true, 1717243200123},
		{"2024-06-01T14:00:00+02:00", true, 1717243200000},
		{"2024-06-01T06:30:00-05:30", true, 1717243200000},
		{"2024-06-01T12:00Z", true, 1717243200000},
		{"2024-06-01T12:00:00", true, 1717243200000},
		{"2024-06-01", true, 1717200000000},
		{"2024-06", true, 1717200000000},
		{"1717243200", true, 1717243200000},
		{"0", true, 0},
		{"1970-01-01T00:00:00Z", true, 0},
		{"1969-12-31T23:59:59Z", true, -1000},
		{"2024-02-29T00:00:00Z", true, 1709164800000},
		{"2024-13-01", false, 0},
		{"2023-02-29", false, 0},
		{"2024-04-31", false, 0},
		{"2024-06-01T25:00:00Z", false, 0},
		{"2024-06-01T12:00:00+2:00", false, 0},
		{"2024-06-01 12:00:00", false, 0},
		{"2024-06-01T12:00:00ZZ", false, 0},
		{"2024-06-01T12:00:00.Z", false, 0},
		{"tomorrow", false, 0},
		{"", false, 0},
	};
	static const struct {
		const char *s;
		bool ok;
		double v;
	} nums[] = {
		{"10", true, 10}, {"-1.5", true, -1.5}, {"+3", true, 3}, {"0.25", true, 0.25},
		{"007", true, 7}, {"1e5", false, 0}, {"0x10", false, 0}, {"inf", false, 0},
		{"nan", false, 0}, {"", false, 0}, {"-", false, 0}, {"1.2.3", false, 0},
		{" 1", false, 0}, {"1 ", false, 0},
	};
	static const struct {
		const char *s;
		bool ok;
		int fam, bits;
	} nets[] = {
		{"10.0.0.0/8", true, 4, 8}, {"10.0.0.1", true, 4, 32}, {"0.0.0.0/0", true, 4, 0},
		{"::/0", true, 6, 0}, {"2001:db8::/32", true, 6, 32}, {"::1", true, 6, 128},
		{"2001:db8::/129", false, 0, 0}, {"10.0.0.0/33", false, 0, 0}, {"10.0.0.0/", false, 0, 0},
		{"10.0.0.0/-1", false, 0, 0}, {"10.0.0", false, 0, 0}, {"a.b.c.d", false, 0, 0},
		{"10.0.0.0/8/8", false, 0, 0}, {"", false, 0, 0},
	};
	struct cidr c;
	int64_t ms;
	double v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		bool ok = pol_parse_date(dates[i].s, strlen(dates[i].s), &ms);
		if (ok != dates[i].ok || (ok && ms != dates[i].ms))
			fail_msg("date %s: want %d %lld got %d %lld", dates[i].s, dates[i].ok,
				 (long long)dates[i].ms, ok, ok ? (long long)ms : 0LL);
	}
	for (i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		bool ok = pol_parse_number(nums[i].s, strlen(nums[i].s), &v);
		if (ok != nums[i].ok || (ok && v != nums[i].v))
			fail_msg("number '%s': want %d got %d", nums[i].s, nums[i].ok, ok);
	}
	for (i = 0; i < sizeof nets / sizeof nets[0]; i++) {
		bool ok = pol_parse_cidr(nets[i].s, strlen(nets[i].s), &c);
		if (ok != nets[i].ok || (ok && (c.fam != nets[i].fam || c.bits != nets[i].bits)))
			fail_msg("cidr '%s': want %d got %d", nets[i].s, nets[i].ok, ok);
	}
	/* host bits are cleared: 10.1.2.3/8 is 10.0.0.0/8 */
	assert_true(pol_parse_cidr("10.1.2.3/8", 10, &c));
	assert_int_equal(c.a[0], 10);
	assert_int_equal(c.a[1] | c.a[2] | c.a[3], 0);
	assert_true(pol_parse_cidr("10.1.2.3/12", 11, &c));
	assert_int_equal(c.a[1], 0);
	assert_true(pol_parse_cidr("10.31.2.3/12", 12, &c));
	assert_int_equal(c.a[1], 16);
}

/* Hostile wildcards stay polynomial: 2000 stars against 8000 characters. */
static void
test_glob_no_blowup(void **state)
{
	size_t np = 4000, ns = 8000, i;
	char *p = malloc(np + 2), *s = malloc(ns + 1);
	clock_t t0;

	(void)state;
	for (i = 0; i < np; i++)
		p[i] = i % 2 ? 'a' : '*';
	p[np] = 'b';
	p[np + 1] = '\0';
	memset(s, 'a', ns);
	s[ns] = '\0';
	t0 = clock();
	assert_false(pol_match_arn(p, s));
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	free(p);
	free(s);
}

/* Statement count and Sids; the caps on untrusted documents. */
static void
test_statements_and_limits(void **state)
{
	struct pol *p = must_parse(POL("{'Sid':'One','Effect':'Allow','Action':'s3:*','Resource':'*'},"
				       "{'Effect':'Deny','Action':'s3:*','Resource':'*'}"),
				   POL_IDENTITY);
	struct buf msg, doc;
	size_t i;

	(void)state;
	assert_int_equal(pol_statements(p), 2);
	assert_string_equal(pol_sid(p, 0), "One");
	assert_string_equal(pol_sid(p, 1), "");
	assert_string_equal(pol_sid(p, 2), "");
	assert_int_equal(pol_statements(NULL), 0);
	pol_free(p);
	pol_free(NULL);

	buf_init(&msg, 1024);
	buf_init(&doc, 0);
	/* 1001 statements */
	buf_adds(&doc, "{\"Version\":\"2012-10-17\",\"Statement\":[");
	for (i = 0; i < 1001; i++)
		buf_printf(&doc, "%s{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}",
			   i ? "," : "");
	buf_adds(&doc, "]}");
	assert_int_equal(pol_parse(doc.p, doc.len, POL_IDENTITY, &p, &msg), ERR_IAM_MALFORMED_POLICY);
	assert_null(p);
	assert_string_equal(msg.p, "Policy has more than 1000 statements");
	/* over the 128 KiB parser cap */
	buf_reset(&doc);
	buf_adds(&doc, "{\"Statement\":[],\"Id\":\"");
	for (i = 0; i < 132000; i++)
		buf_addc(&doc, 'x');
	buf_adds(&doc, "\"}");
	assert_int_equal(pol_parse(doc.p, doc.len, POL_RESOURCE, &p, &msg), ERR_S3_MALFORMED_POLICY);
	assert_string_equal(msg.p, "Cannot exceed quota for PolicySize: 131072");
	/* a string element over 4096 bytes */
	buf_reset(&doc);
	buf_adds(&doc, "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::");
	for (i = 0; i < 5000; i++)
		buf_addc(&doc, 'x');
	buf_adds(&doc, "\"}}");
	assert_int_equal(pol_parse(doc.p, doc.len, POL_IDENTITY, &p, &msg), ERR_IAM_MALFORMED_POLICY);
	/* deep nesting is refused by the JSON parser, not by our stack */
	buf_reset(&doc);
	for (i = 0; i < 100000; i++)
		buf_addc(&doc, '[');
	assert_int_equal(pol_parse(doc.p, doc.len, POL_IDENTITY, &p, &msg), ERR_IAM_MALFORMED_POLICY);
	/* a NUL inside the document */
	assert_int_equal(pol_parse("{\"Statement\":[]}\0x", 18, POL_IDENTITY, &p, &msg),
			 ERR_IAM_MALFORMED_POLICY);
	assert_int_equal(pol_parse("{\"Id\":\"a\\u0000b\",\"Statement\":[]}", 31, POL_IDENTITY, &p, &msg),
			 ERR_IAM_MALFORMED_POLICY);
	/* msg may be NULL */
	assert_int_equal(pol_parse("{", 1, POL_IDENTITY, &p, NULL), ERR_IAM_MALFORMED_POLICY);
	buf_fini(&doc);
	buf_fini(&msg);
}

/* A variable whose value would overflow the substitution buffer does not
 * match, and never crashes. */
static void
test_long_substitution(void **state)
{
	static char big[20000];
	struct pol *p = must_parse(POL(ALLOW("'s3:*'", "'arn:aws:s3:::b/${s3:prefix}${s3:prefix}${s3:prefix}'")),
				   POL_IDENTITY);
	struct ctx c;
	struct pol_request rq;

	(void)state;
	memset(big, 'x', sizeof big - 1);
	memset(&c, 0, sizeof c);
	c.key[0] = "s3:prefix";
	c.val[0][0] = big;
	c.nval[0] = 1;
	c.n = 1;
	rq = (struct pol_request){GET, OBJ, &principals[ALICE], ctx_values, &c};
	assert_int_equal(pol_eval(p, &rq, NULL), POL_NONE);
	pol_free(p);
}

/* A key with many values: n copies of "ok", then one "bad". */
static size_t
many_values(void *cb, const char *key, const char **vals, size_t max)
{
	size_t n = *(size_t *)cb, i;

	if (strcasecmp(key, "aws:TagKeys") != 0)
		return 0;
	for (i = 0; i < n + 1 && i < max; i++)
		vals[i] = i < n ? "ok" : "bad";
	return i;
}

/* Every value of a multivalued key counts (Set operators: "each value in
 * the request"), however many there are; past what can be read at all, an
 * Allow does not apply and a Deny does. */
static void
test_many_values(void **state)
{
	struct pol *allow = must_parse(COND("{'ForAllValues:StringEquals':{'aws:TagKeys':'ok'}}"), POL_IDENTITY);
	struct pol *deny = must_parse(POL(ALLOW("'*'", ANY) ",{'Effect':'Deny','Action':'*','Resource':'*',"
				       "'Condition':{'ForAnyValue:StringEquals':{'aws:TagKeys':'bad'}}}"),
				   POL_IDENTITY);
	static const size_t counts[] = {0, 10, 63, 64, 65, 100, 1000, 5000};
	struct pol_request rq;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		n = counts[i];
		rq = (struct pol_request){GET, OBJ, &principals[ALICE], many_values, &n};
		assert_int_equal(pol_eval(allow, &rq, NULL), POL_NONE);
		assert_int_equal(pol_eval(deny, &rq, NULL), POL_DENY);
	}
	pol_free(allow);
	pol_free(deny);
}

/* Random damage to valid documents: any outcome but a crash (ASan/UBSan). */
static void
test_mutations(void **state)
{
	static const char *seeds[] = {
		POL("{'Sid':'A','Effect':'Allow','Action':['s3:Get*','s3:List*'],'Resource':['arn:aws:s3:::b','arn:aws:s3:::b/${aws:username}/*'],'Condition':{'StringLike':{'s3:prefix':['home/${aws:username}/*','${*}x']},'IpAddress':{'aws:SourceIp':['10.0.0.0/8','2001:db8::/32']},'DateLessThan':{'aws:CurrentTime':'2030-01-01T00:00:00Z'}}}"),
		POL("{'Effect':'Deny','NotPrincipal':{'AWS':['" ACCT "','arn:aws:iam::" ACCT ":user/alice']},'NotAction':'s3:Get*','NotResource':'arn:aws:s3:::b/*','Condition':{'ForAllValues:StringNotLike':{'aws:TagKeys':'k*'},'Null':{'x:y':'false'},'NumericLessThanIfExists':{'s3:max-keys':'10'},'BinaryEquals':{'a:b':'aGk='},'ArnLike':{'aws:SourceArn':'arn:aws:s3:::${aws:username, \\'d\\'}'}}}"),
	};
	static const char junk[] = "{}[]\",:*?${'\\ 0aZ";
	unsigned seed = 12345;
	size_t s, it;

	(void)state;
	for (s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
		char *base = unquote(seeds[s]);
		size_t n = strlen(base);

		for (it = 0; it < 4000; it++) {
			char *d = strdup(base);
			int k, edits = 1 + (int)(it % 4);
			struct pol *p = NULL;
			struct buf msg;
			enum pol_kind kind = (enum pol_kind)(it % 3);

			for (k = 0; k < edits; k++) {
				seed = seed * 1103515245 + 12345;
				d[(seed >> 8) % n] = junk[(seed >> 20) % (sizeof junk - 1)];
			}
			buf_init(&msg, 1024);
			if (pol_parse(d, n, kind, &p, &msg) == ERR_OK) {
				struct ctx c;
				struct pol_request rq;
				int w;

				ctx_parse(&c, "aws:TagKeys=k1|x;s3:prefix=home/alice/;aws:SourceIp=10.1.1.1;"
					      "aws:CurrentTime=2024-01-01T00:00:00Z;s3:max-keys=5;a:b=aGk=");
				for (w = ANON; w <= OTHER; w++) {
					rq = (struct pol_request){GET, "arn:aws:s3:::b/alice/x", &principals[w],
								  ctx_values, &c};
					(void)pol_eval(p, &rq, NULL);
				}
			}
			pol_free(p);
			buf_fini(&msg);
			free(d);
		}
		free(base);
	}
}

/* The hot path: a typical three-statement bucket-style policy. Prints the
 * cost; the assertion is only a sanity bound (sanitizer builds are slow). */
static void
test_eval_cost(void **state)
{
	struct pol *p = must_parse(
		POL("{'Sid':'List','Effect':'Allow','Action':'s3:ListBucket','Resource':'arn:aws:s3:::b','Condition':{'StringLike':{'s3:prefix':'home/${aws:username}/*'}}},"
		    "{'Sid':'RW','Effect':'Allow','Action':['s3:GetObject','s3:PutObject'],'Resource':'arn:aws:s3:::b/home/${aws:username}/*'},"
		    "{'Sid':'TLS','Effect':'Deny','Action':'s3:*','Resource':'*','Condition':{'Bool':{'aws:SecureTransport':'false'}}}"),
		POL_IDENTITY);
	struct ctx c;
	struct pol_request rq;
	struct timespec a, b;
	const long iters = 200000;
	volatile int sink = 0;
	double ns;
	long i;

	(void)state;
	ctx_parse(&c, "aws:SecureTransport=true");
	rq = (struct pol_request){GET, "arn:aws:s3:::b/home/alice/photo.jpg", &principals[ALICE], ctx_values, &c};
	assert_int_equal(pol_eval(p, &rq, NULL), POL_ALLOW);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < iters; i++)
		sink += pol_eval(p, &rq, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)iters;
	print_message("pol_eval: %.0f ns per evaluation (3 statements, 2 variables)\n", ns);
	assert_true(ns < 100000);
	(void)sink;
	pol_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eval_table),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_authorize_table),
		cmocka_unit_test(test_match_helpers),
		cmocka_unit_test(test_value_parsers),
		cmocka_unit_test(test_glob_no_blowup),
		cmocka_unit_test(test_statements_and_limits),
		cmocka_unit_test(test_long_substitution),
		cmocka_unit_test(test_many_values),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_eval_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
