/* policy_int.h - what the policy engine's files share and nobody else sees:
 * the compiled form of a policy (built once by parse.c, read by eval.c on
 * every request), the arena it lives in, and the matchers. Not an interface:
 * the rest of coffer includes policy.h only. */
#ifndef COFFER_POLICY_INT_H
#define COFFER_POLICY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy/policy.h"

/* Hard caps on untrusted documents (AWS's own per-kind size limits are
 * enforced by the callers; these only bound our work). */
#define POL_MAX_DOC        (128 * 1024) /* bytes of JSON */
#define POL_MAX_STMTS      1000         /* statements per document */
#define POL_MAX_STR        4096         /* bytes in one string element */
#define POL_MAX_VALS       64           /* request values read per key without allocating */
#define POL_MAX_VALS_HEAP  4096         /* ... and at most, on the heap */
#define POL_SUBST_MAX      8192         /* a value after variable substitution */

/* ---- arena: one policy, one allocation lifetime ---- */
struct ar_chunk;
struct arena {
	struct ar_chunk *head;
};
void *ar_alloc(struct arena *a, size_t n);
char *ar_strndup(struct arena *a, const char *s, size_t n);
void ar_free(struct arena *a);

/* ---- glob matching ---- */
enum {
	GLOB_ICASE = 1, /* ASCII case-insensitive (actions, *IgnoreCase) */
	GLOB_ESC = 2,   /* '\' in the pattern makes the next character literal */
};
/* '*' any run (possibly empty), '?' one character (one UTF-8 sequence).
 * Iterative with one backtrack point: O(len(p) * len(s)) at worst. */
bool glob_match(const char *p, size_t pn, const char *s, size_t sn, unsigned flags);

/* Three-valued result of comparing one policy value with one request value:
 * INVALID is a value that cannot be compared (a policy variable without a
 * value, a request value that is not a number/date/address...). It never
 * matches, and it also makes a negated operator false: AWS treats a
 * statement with an unresolvable variable as not applying. */
enum tri { T_NOMATCH = 0, T_MATCH = 1, T_INVALID = 2 };

/* ---- templates: a policy string with policy variables ---- */
enum seg_kind { SEG_LIT, SEG_VAR };
struct seg {
	uint8_t kind;
	uint8_t kc;      /* SEG_VAR: enum keyclass */
	bool has_def;
	uint32_t n;      /* SEG_LIT: text (already in the template's form); SEG_VAR: key */
	const char *s;
	const char *def; /* SEG_VAR default value, raw */
	uint32_t ndef;
};

enum tmpl_form {
	TF_PLAIN, /* compared literally: StringEquals, Bool... */
	TF_GLOB,  /* '*' and '?' are wildcards, literal ones escaped with '\' */
};

/* How a pattern without variables is matched, decided at parse time:
 * most are "*", a literal, or a literal prefix then one trailing '*'
 * (an object ARN prefix, "s3:Get*"), which need no glob at all. */
enum tmpl_kind { TK_ALL, TK_EXACT, TK_PREFIX, TK_GLOB };

/* Condition keys and variables the principal answers, classified once. */
enum keyclass { KC_CTX, KC_USERNAME, KC_USERID, KC_PTYPE, KC_PARN, KC_PACCOUNT };
uint8_t key_class(const char *key);

struct tmpl {
	const char *s;     /* the whole text in its form (no variables) */
	uint32_t n;
	uint8_t form;      /* enum tmpl_form */
	uint8_t kind;      /* enum tmpl_kind, when nsegs == 0 */
	uint16_t nsegs;    /* 0: no variables */
	struct seg *segs;
};

/* The evaluation at hand: the request and who is asking. */
struct ev {
	const struct pol_request *rq;
	const struct pol_principal *who; /* NULL: anonymous */
	const char *action;
	size_t alen;
	const char *res; /* "*" when the request names none */
	size_t rlen;
};

/* Compiles src into t. vars: the policy is Version 2012-10-17, so ${...}
 * are variables and ${*} ${?} ${$} escapes; otherwise all text is literal
 * (wildcards stay wildcards in TF_GLOB). */
enum err tmpl_compile(struct arena *a, const char *src, size_t n, bool vars, enum tmpl_form form,
		      struct tmpl *t);
/* Expands t into out (NUL-terminated). Substituted values are escaped in
 * TF_GLOB form so that a '*' in a user's tag is never a wildcard. Returns
 * the length, or -1 when a variable has no value and no default, or when
 * the result does not fit. */
long tmpl_expand(const struct ev *ev, const struct tmpl *t, char *out, size_t cap);
/* Values of a condition key: from the principal for the aws:Principal*,
 * aws:username and aws:userid keys, else from the caller's ctx_values. */
size_t ev_values(const struct ev *ev, const char *key, uint8_t kc, const char **vals, size_t max);

/* ---- actions and principals ---- */
struct apat {
	const char *p; /* lower-case */
	uint32_t n;
	uint8_t kind;  /* enum tmpl_kind */
};

enum prin_kind {
	PR_ANY,     /* "*" or {"AWS":"*"}: everyone, anonymous included */
	PR_ACCOUNT, /* "123456789012" or arn:aws:iam::123456789012:root */
	PR_USER,    /* arn:aws:iam::A:user/... */
	PR_ROLE,    /* arn:aws:iam::A:role/...: that role's sessions */
	PR_SESSION, /* arn:aws:sts::A:assumed-role/R/S */
	PR_NEVER,   /* Service, Federated, CanonicalUser: no such principals here */
};
struct prin {
	uint8_t kind;
	const char *s; /* account id or ARN */
};

/* Does the principal entry name who? */
bool prin_match(const struct prin *pr, const struct pol_principal *who);
/* NotPrincipal: is who exempt from the statement? */
bool prin_exempt(const struct prin *list, size_t n, const struct pol_principal *who);

/* ---- conditions ---- */
enum cop {
	COP_STR_EQ,
	COP_STR_EQ_IC,
	COP_STR_LIKE,
	COP_NUM_EQ,
	COP_NUM_LT,
	COP_NUM_LE,
	COP_NUM_GT,
	COP_NUM_GE,
	COP_DATE_EQ,
	COP_DATE_LT,
	COP_DATE_LE,
	COP_DATE_GT,
	COP_DATE_GE,
	COP_BOOL,
	COP_BIN_EQ,
	COP_IP,
	COP_ARN,
	COP_NULL,
};

enum cset { CSET_NONE, CSET_ANY, CSET_ALL };

struct cidr {
	uint8_t fam; /* 4 or 6 */
	uint8_t bits;
	uint8_t a[16];
};

struct cval {
	struct tmpl t; /* strings, ARNs, Bool with variables */
	union {
		double num;
		int64_t ms;
		struct cidr net;
		struct {
			const uint8_t *p;
			size_t n;
		} bin;
		bool b;
	} u;
	bool templ; /* the value is in t (else in u) */
};

struct cond {
	uint8_t op;  /* enum cop */
	uint8_t set; /* enum cset */
	bool neg;
	bool ifexists;
	uint8_t kc; /* enum keyclass of key */
	const char *key;
	struct cval *vals;
	uint32_t nvals;
};

/* Looks an operator name up ("ForAnyValue:StringLikeIfExists"...). */
bool cond_op_parse(const char *name, struct cond *c);
/* Compiles one JSON-given value (as text) for c's operator; false when the
 * text is not a value of the operator's type. */
bool cond_value_compile(struct arena *a, const struct cond *c, const char *v, size_t n,
			bool vars, struct cval *out);
/* deny: the statement's effect is Deny. A key with more values than can
 * be read makes the condition hold for a Deny and fail for an Allow, so
 * that what cannot be checked is refused either way. */
bool cond_eval(const struct ev *ev, const struct cond *c, bool deny);

/* Exposed for the value parsers' tests. */
bool pol_parse_number(const char *s, size_t n, double *out);
bool pol_parse_date(const char *s, size_t n, int64_t *ms);
bool pol_parse_cidr(const char *s, size_t n, struct cidr *out);

/* ---- the compiled policy ---- */
struct stmt {
	uint8_t effect; /* POL_ALLOW or POL_DENY */
	bool not_action;
	bool not_resource;
	bool not_principal;
	bool has_resource;  /* false only in trust policies */
	bool has_principal; /* Principal or NotPrincipal given */
	const char *sid;    /* "" when none */
	struct apat *actions;
	uint32_t nactions;
	struct tmpl *resources;
	uint32_t nresources;
	struct prin *principals;
	uint32_t nprincipals;
	struct cond *conds;
	uint32_t nconds;
};

struct pol {
	struct arena ar;
	enum pol_kind kind;
	bool vars; /* Version 2012-10-17 */
	struct stmt *stmts;
	size_t n;
};

/* What a resource-policy Allow grants, by the Principal entry that named
 * the caller (Policy evaluation logic, Principal, Session policies):
 *  G_ACCOUNT: the account ("123456789012", ":root") delegates to the
 *             account's identity policies and grants nothing by itself;
 *  G_ROLE:    the role ARN grants its sessions, within session policies;
 *  G_DIRECT:  the user ARN, the session ARN or "*" grant outright. */
enum grant { G_NONE, G_ACCOUNT, G_ROLE, G_DIRECT };

/* Matches one statement (action, resource, principal, conditions). When
 * grant is non-NULL it receives the strongest grant among the Principal
 * entries that matched (G_NONE for statements without a Principal). */
bool stmt_match(const struct pol *p, const struct stmt *st, const struct ev *ev, uint8_t *grant);

#endif
