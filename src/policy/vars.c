/* vars.c - policy variables: ${key}, ${key, 'default'} and the escapes
 * ${*} ${?} ${$} (Version 2012-10-17 only), compiled once into literal and
 * variable segments and expanded per request into a caller's stack buffer.
 * Also where condition keys are looked up (principal first, then caller). */
#include <string.h>
#include <strings.h>
#include "policy/policy_int.h"

enum tok { TOK_END, TOK_CHAR, TOK_VAR };

struct token {
	char c;          /* TOK_CHAR: the character */
	bool literal;    /* TOK_CHAR came from ${*} ${?} ${$}: never a wildcard */
	const char *key; /* TOK_VAR */
	size_t nkey;
	const char *def;
	size_t ndef;
	bool has_def;
};

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Reads a "${...}" at s[*i] (s[*i] == '$', s[*i+1] == '{'). Returns false
 * when the text is not a well-formed variable: then '$' is plain text, as
 * it is for a Version 2008-10-17 policy. */
static bool
read_var(const char *s, size_t n, size_t *i, struct token *t)
{
	size_t j = *i + 2, k;

	t->literal = false;
	if (j + 1 < n && s[j + 1] == '}' && (s[j] == '*' || s[j] == '?' || s[j] == '$')) {
		t->c = s[j];
		t->literal = true;
		*i = j + 2;
		return true;
	}
	while (j < n && is_space(s[j]))
		j++;
	k = j;
	while (j < n && s[j] != '}' && s[j] != ',' && !is_space(s[j]) && s[j] != '$' && s[j] != '{')
		j++;
	t->key = s + k;
	t->nkey = j - k;
	t->has_def = false;
	while (j < n && is_space(s[j]))
		j++;
	if (j < n && s[j] == ',') {
		j++;
		while (j < n && is_space(s[j]))
			j++;
		if (j >= n || s[j] != '\'')
			return false;
		k = ++j;
		while (j < n && s[j] != '\'')
			j++;
		if (j >= n)
			return false;
		t->def = s + k;
		t->ndef = j - k;
		t->has_def = true;
		j++;
		while (j < n && is_space(s[j]))
			j++;
	}
	if (j >= n || s[j] != '}')
		return false;
	*i = j + 1;
	return true;
}

static enum tok
next(const char *s, size_t n, size_t *i, bool vars, struct token *t)
{
	if (*i >= n)
		return TOK_END;
	if (vars && s[*i] == '$' && *i + 1 < n && s[*i + 1] == '{') {
		size_t save = *i;
		if (read_var(s, n, i, t))
			return t->literal ? TOK_CHAR : TOK_VAR;
		*i = save;
	}
	t->c = s[(*i)++];
	t->literal = false;
	return TOK_CHAR;
}

/* Appends c to out in the template's form. */
static size_t
put(char *out, size_t o, char c, bool literal, enum tmpl_form form)
{
	if (form == TF_GLOB && (c == '\\' || (literal && (c == '*' || c == '?'))))
		out[o++] = '\\';
	out[o++] = c;
	return o;
}

enum err
tmpl_compile(struct arena *a, const char *src, size_t n, bool vars, enum tmpl_form form,
	     struct tmpl *t)
{
	struct token tk;
	size_t i = 0, o = 0, nseg = 0, start = 0, nwild = 0;
	bool wild = false, only_stars = n > 0, last_star = false;
	char *text;
	enum tok k;

	memset(t, 0, sizeof *t);
	t->form = (uint8_t)form;
	text = ar_alloc(a, 2 * n + 1);
	if (!text)
		return ERR_NOMEM;
	/* First pass: the text, and how many segments variables split it into. */
	while ((k = next(src, n, &i, vars, &tk)) != TOK_END) {
		if (k == TOK_VAR) {
			if (o > start)
				nseg++;
			nseg++;
			start = o;
			only_stars = false;
			continue;
		}
		if (!tk.literal && (tk.c == '*' || tk.c == '?')) {
			wild = true;
			nwild++;
		}
		if (tk.literal || tk.c != '*')
			only_stars = false;
		last_star = !tk.literal && tk.c == '*';
		o = put(text, o, tk.c, tk.literal, form);
	}
	if (nseg && o > start)
		nseg++;
	text[o] = '\0';
	if (!nseg) {
		t->s = text;
		t->n = (uint32_t)o;
		if (form == TF_GLOB && only_stars)
			t->kind = TK_ALL;
		else if (form == TF_GLOB && wild && !(nwild == 1 && last_star))
			t->kind = TK_GLOB;
		else {
			/* No wildcard, or only a trailing '*': keep the unescaped
			 * text (without the star) for a plain compare. */
			size_t r, w = 0;
			if (form == TF_GLOB && wild)
				o--;
			for (r = 0; r < o; r++) {
				if (form == TF_GLOB && text[r] == '\\' && r + 1 < o)
					r++;
				text[w++] = text[r];
			}
			text[w] = '\0';
			t->n = (uint32_t)w;
			t->kind = form == TF_GLOB && wild ? TK_PREFIX : TK_EXACT;
		}
		return ERR_OK;
	}
	if (nseg > UINT16_MAX)
		return ERR_INVALID_ARGUMENT;
	t->segs = ar_alloc(a, nseg * sizeof *t->segs);
	if (!t->segs)
		return ERR_NOMEM;
	/* Second pass: cut the text into segments (the text is the same). */
	i = 0;
	o = start = 0;
	while ((k = next(src, n, &i, vars, &tk)) != TOK_END) {
		struct seg *sg;

		if (k == TOK_CHAR) {
			o = put(text, o, tk.c, tk.literal, form);
			continue;
		}
		if (o > start) {
			sg = &t->segs[t->nsegs++];
			sg->kind = SEG_LIT;
			sg->s = text + start;
			sg->n = (uint32_t)(o - start);
		}
		start = o;
		sg = &t->segs[t->nsegs++];
		sg->kind = SEG_VAR;
		sg->s = ar_strndup(a, tk.key, tk.nkey);
		sg->n = (uint32_t)tk.nkey;
		sg->kc = sg->s ? key_class(sg->s) : KC_CTX;
		sg->has_def = tk.has_def;
		if (tk.has_def) {
			sg->def = ar_strndup(a, tk.def, tk.ndef);
			sg->ndef = (uint32_t)tk.ndef;
		}
		if (!sg->s || (tk.has_def && !sg->def))
			return ERR_NOMEM;
	}
	if (o > start) {
		struct seg *sg = &t->segs[t->nsegs++];
		sg->kind = SEG_LIT;
		sg->s = text + start;
		sg->n = (uint32_t)(o - start);
	}
	t->s = text;
	t->n = (uint32_t)o;
	t->kind = TK_GLOB;
	return ERR_OK;
}

/* Appends a substituted value: in glob form its wildcards are escaped. */
static bool
put_value(char *out, size_t cap, size_t *o, const char *v, size_t n, enum tmpl_form form)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = v[i];
		bool e = form == TF_GLOB && (c == '*' || c == '?' || c == '\\');

		if (*o + 1 + (e ? 1 : 0) >= cap)
			return false;
		if (e)
			out[(*o)++] = '\\';
		out[(*o)++] = c;
	}
	return true;
}

long
tmpl_expand(const struct ev *ev, const struct tmpl *t, char *out, size_t cap)
{
	size_t o = 0, i;

	if (cap == 0)
		return -1;
	for (i = 0; i < t->nsegs; i++) {
		const struct seg *sg = &t->segs[i];
		const char *vals[2];

		if (sg->kind == SEG_LIT) {
			if (o + sg->n >= cap)
				return -1;
			memcpy(out + o, sg->s, sg->n);
			o += sg->n;
			continue;
		}
		/* AWS: a multivalued key cannot be a variable; absent uses the default. */
		if (sg->n && ev_values(ev, sg->s, sg->kc, vals, 2) == 1) {
			if (!put_value(out, cap, &o, vals[0], strlen(vals[0]), t->form))
				return -1;
		} else if (sg->has_def) {
			if (!put_value(out, cap, &o, sg->def, sg->ndef, t->form))
				return -1;
		} else
			return -1;
	}
	out[o] = '\0';
	return (long)o;
}

static const char *
principal_type(const struct pol_principal *w)
{
	switch (w ? w->type : PT_ANONYMOUS) {
	case PT_ROOT: return "Account";
	case PT_USER: return "User";
	case PT_ASSUMED_ROLE: return "AssumedRole";
	default: return "Anonymous";
	}
}

uint8_t
key_class(const char *key)
{
	static const struct {
		const char *name;
		uint8_t kc;
	} keys[] = {
		{"aws:username", KC_USERNAME},     {"aws:userid", KC_USERID},
		{"aws:PrincipalType", KC_PTYPE},   {"aws:PrincipalArn", KC_PARN},
		{"aws:PrincipalAccount", KC_PACCOUNT},
	};
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcasecmp(key, keys[i].name) == 0)
			return keys[i].kc;
	return KC_CTX;
}

/* The principal's own keys, as AWS fills them (global condition context
 * keys): aws:username for IAM users only; aws:userid is the account id for
 * root and "anonymous" for anonymous requests; aws:PrincipalArn of a role
 * session is the role's ARN, not the session's. */
static const char *
principal_key(const struct pol_principal *w, uint8_t kc)
{
	bool anon = !w || w->type == PT_ANONYMOUS;

	switch (kc) {
	case KC_PTYPE:
		return principal_type(w);
	case KC_USERID:
		return anon ? "anonymous" : w->userid ? w->userid : w->type == PT_ROOT ? w->account : NULL;
	case KC_USERNAME:
		return !anon && w->type == PT_USER ? w->username : NULL;
	case KC_PARN:
		return anon ? NULL : w->type == PT_ASSUMED_ROLE ? w->role_arn : w->arn;
	case KC_PACCOUNT:
		return anon ? NULL : w->account;
	default:
		return NULL;
	}
}

size_t
ev_values(const struct ev *ev, const char *key, uint8_t kc, const char **vals, size_t max)
{
	const char *v;
	size_t n, i;

	if (max == 0)
		return 0;
	if (kc != KC_CTX && (v = principal_key(ev->who, kc))) {
		vals[0] = v;
		return 1;
	}
	if (!ev->rq->ctx_values)
		return 0;
	n = ev->rq->ctx_values(ev->rq->cb, key, vals, max);
	if (n > max)
		n = max;
	/* A NULL from the caller is no value at all. */
	for (i = 0; i < n; i++)
		if (!vals[i])
			return 0;
	return n;
}
