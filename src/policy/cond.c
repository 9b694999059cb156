/* cond.c - Condition operators: string, numeric, date, Bool, BinaryEquals,
 * IP address, ARN and Null, with ...IfExists and ForAnyValue:/ForAllValues:.
 * Policy values are parsed at parse time, request values per evaluation on
 * the stack (the heap only for a key with more than POL_MAX_VALS values). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "policy/policy_int.h"

enum ccat { CAT_STR, CAT_NUM, CAT_DATE, CAT_BOOL, CAT_BIN, CAT_IP, CAT_ARN, CAT_NULL };

static const struct {
	const char *name;
	uint8_t op;
	bool neg;
} ops[] = {
	{"StringEquals", COP_STR_EQ, false},
	{"StringNotEquals", COP_STR_EQ, true},
	{"StringEqualsIgnoreCase", COP_STR_EQ_IC, false},
	{"StringNotEqualsIgnoreCase", COP_STR_EQ_IC, true},
	{"StringLike", COP_STR_LIKE, false},
	{"StringNotLike", COP_STR_LIKE, true},
	{"NumericEquals", COP_NUM_EQ, false},
	{"NumericNotEquals", COP_NUM_EQ, true},
	{"NumericLessThan", COP_NUM_LT, false},
	{"NumericLessThanEquals", COP_NUM_LE, false},
	{"NumericGreaterThan", COP_NUM_GT, false},
	{"NumericGreaterThanEquals", COP_NUM_GE, false},
	{"DateEquals", COP_DATE_EQ, false},
	{"DateNotEquals", COP_DATE_EQ, true},
	{"DateLessThan", COP_DATE_LT, false},
	{"DateLessThanEquals", COP_DATE_LE, false},
	{"DateGreaterThan", COP_DATE_GT, false},
	{"DateGreaterThanEquals", COP_DATE_GE, false},
	{"Bool", COP_BOOL, false},
	{"BinaryEquals", COP_BIN_EQ, false},
	{"IpAddress", COP_IP, false},
	{"NotIpAddress", COP_IP, true},
	{"ArnEquals", COP_ARN, false},
	{"ArnLike", COP_ARN, false},
	{"ArnNotEquals", COP_ARN, true},
	{"ArnNotLike", COP_ARN, true},
	{"Null", COP_NULL, false},
};

static enum ccat
category(uint8_t op)
{
	switch (op) {
	case COP_STR_EQ:
	case COP_STR_EQ_IC:
	case COP_STR_LIKE: return CAT_STR;
	case COP_NUM_EQ:
	case COP_NUM_LT:
	case COP_NUM_LE:
	case COP_NUM_GT:
	case COP_NUM_GE: return CAT_NUM;
	case COP_DATE_EQ:
	case COP_DATE_LT:
	case COP_DATE_LE:
	case COP_DATE_GT:
	case COP_DATE_GE: return CAT_DATE;
	case COP_BOOL: return CAT_BOOL;
	case COP_BIN_EQ: return CAT_BIN;
	case COP_IP: return CAT_IP;
	case COP_ARN: return CAT_ARN;
	default: return CAT_NULL;
	}
}

/* Operator names are matched without regard to case, as IAM accepts them. */
bool
cond_op_parse(const char *name, struct cond *c)
{
	size_t n = strlen(name), i;

	c->set = CSET_NONE;
	c->ifexists = false;
	if (strncasecmp(name, "ForAnyValue:", 12) == 0) {
		c->set = CSET_ANY;
		name += 12;
		n -= 12;
	} else if (strncasecmp(name, "ForAllValues:", 13) == 0) {
		c->set = CSET_ALL;
		name += 13;
		n -= 13;
	}
	if (n > 8 && strcasecmp(name + n - 8, "IfExists") == 0) {
		c->ifexists = true;
		n -= 8;
	}
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		if (strlen(ops[i].name) == n && strncasecmp(ops[i].name, name, n) == 0) {
			/* Null tests presence itself: no IfExists form (AWS lists none). */
			if (ops[i].op == COP_NULL && c->ifexists)
				return false;
			c->op = ops[i].op;
			c->neg = ops[i].neg;
			return true;
		}
	}
	return false;
}

/* ---- value parsers ---- */

/* Decimal numbers: [+-]digits[.digits] (what AWS's numeric keys carry:
 * s3:max-keys, aws:MultiFactorAuthAge...). strtod only after the syntax is
 * known good, so no locale, hex, inf or nan slips in. */
bool
pol_parse_number(const char *s, size_t n, double *out)
{
	char tmp[64];
	size_t i = 0, d = 0;

	if (n == 0 || n >= sizeof tmp)
		return false;
	if (s[i] == '+' || s[i] == '-')
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, d++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, d++;
	}
	if (i != n || d == 0)
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*out = strtod(tmp, NULL);
	return true;
}

static bool
digits(const char *s, size_t n, int *out)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
mdays(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

/* AWS date values: the W3C profile of ISO 8601 (YYYY-MM, YYYY-MM-DD,
 * YYYY-MM-DDThh:mm[:ss[.s+]]TZD with TZD Z or +hh:mm/-hh:mm; a missing TZD
 * is UTC) or epoch seconds. An all-digit value is epoch time: that is
 * what aws:EpochTime carries, so a bare year is never read as a date. */
bool
pol_parse_date(const char *s, size_t n, int64_t *ms)
{
	int y, mo = 1, d = 1, h = 0, mi = 0, sec = 0, frac = 0, fd = 0;
	int64_t off = 0;
	size_t i;

	if (n == 0 || n > 40)
		return false;
	for (i = (s[0] == '-'); i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == n && n > (size_t)(s[0] == '-') && n <= 15) {
		int64_t v = 0;
		for (i = (s[0] == '-'); i < n; i++)
			v = v * 10 + (s[i] - '0');
		*ms = (s[0] == '-' ? -v : v) * 1000;
		return true;
	}
	if (n < 7 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo))
		return false;
	i = 7;
	if (i < n) {
		if (s[i] != '-' || n < 10 || !digits(s + 8, 2, &d))
			return false;
		i = 10;
	}
	if (i < n) {
		if (s[i] != 'T' && s[i] != 't')
			return false;
		if (n < i + 6 || !digits(s + i + 1, 2, &h) || s[i + 3] != ':' ||
		    !digits(s + i + 4, 2, &mi))
			return false;
		i += 6;
		if (i < n && s[i] == ':') {
			if (n < i + 3 || !digits(s + i + 1, 2, &sec))
				return false;
			i += 3;
			if (i < n && s[i] == '.') {
				i++;
				if (i >= n || s[i] < '0' || s[i] > '9')
					return false;
				while (i < n && s[i] >= '0' && s[i] <= '9') {
					if (fd < 3) {
						frac = frac * 10 + (s[i] - '0');
						fd++;
					}
					i++;
				}
				while (fd < 3)
					frac *= 10, fd++;
			}
		}
		if (i < n && (s[i] == 'Z' || s[i] == 'z'))
			i++;
		else if (i < n && (s[i] == '+' || s[i] == '-')) {
			int oh, om;
			if (n != i + 6 || !digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
			    !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
				return false;
			off = (int64_t)(oh * 60 + om) * 60 * (s[i] == '+' ? 1 : -1);
			i = n;
		}
		if (i != n)
			return false;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > mdays(y, mo) || h > 24 || mi > 59 || sec > 60 ||
	    (h == 24 && (mi || sec || frac)))
		return false;
	*ms = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) - off) * 1000 + frac;
	return true;
}

/* "a.b.c.d[/n]" or an IPv6 address "[/n]". Host bits of the network are
 * cleared, so "10.1.2.3/8" means 10.0.0.0/8. */
bool
pol_parse_cidr(const char *s, size_t n, struct cidr *out)
{
	char tmp[64];
	const char *slash;
	int bits = -1, max;
	size_t i;

	if (n == 0 || n >= sizeof tmp)
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	slash = strchr(tmp, '/');
	if (slash) {
		if (!slash[1] || strlen(slash + 1) > 3 || !digits(slash + 1, strlen(slash + 1), &bits))
			return false;
		tmp[slash - tmp] = '\0';
	}
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, tmp, out->a) == 1)
		out->fam = 4, max = 32;
	else if (inet_pton(AF_INET6, tmp, out->a) == 1)
		out->fam = 6, max = 128;
	else
		return false;
	if (bits < 0)
		bits = max;
	if (bits > max)
		return false;
	out->bits = (uint8_t)bits;
	for (i = 0; i < 16; i++) {
		int keep = bits - (int)i * 8;
		if (keep <= 0)
			out->a[i] = 0;
		else if (keep < 8)
			out->a[i] &= (uint8_t)(0xFF << (8 - keep));
	}
	return true;
}

static int
b64v(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

/* Standard base64; padding optional. Returns the length or -1. */
static long
b64dec(const char *s, size_t n, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0;

	while (n && s[n - 1] == '=')
		n--;
	for (i = 0; i < n; i++) {
		int v = b64v((unsigned char)s[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (bits >= 6)
		return -1;
	return (long)o;
}

static bool
parse_bool(const char *s, size_t n, bool *b)
{
	if (n == 4 && strncasecmp(s, "true", 4) == 0)
		return *b = true, true;
	if (n == 5 && strncasecmp(s, "false", 5) == 0)
		return *b = false, true;
	return false;
}

static bool
has_var(const char *v, size_t n)
{
	return memmem(v, n, "${", 2) != NULL;
}

bool
cond_value_compile(struct arena *a, const struct cond *c, const char *v, size_t n, bool vars,
		   struct cval *out)
{
	memset(out, 0, sizeof *out);
	switch (category(c->op)) {
	case CAT_STR:
		out->templ = true;
		return tmpl_compile(a, v, n, vars, c->op == COP_STR_LIKE ? TF_GLOB : TF_PLAIN,
				    &out->t) == ERR_OK;
	case CAT_ARN:
		out->templ = true;
		return tmpl_compile(a, v, n, vars, TF_GLOB, &out->t) == ERR_OK;
	case CAT_BOOL:
		/* Bool supports policy variables: decided after expansion. */
		if (vars && has_var(v, n)) {
			out->templ = true;
			return tmpl_compile(a, v, n, vars, TF_PLAIN, &out->t) == ERR_OK;
		}
		return parse_bool(v, n, &out->u.b);
	case CAT_NULL:
		return parse_bool(v, n, &out->u.b);
	case CAT_NUM:
		return pol_parse_number(v, n, &out->u.num);
	case CAT_DATE:
		return pol_parse_date(v, n, &out->u.ms);
	case CAT_IP:
		return pol_parse_cidr(v, n, &out->u.net);
	case CAT_BIN: {
		uint8_t *p = ar_alloc(a, n ? n : 1);
		long l;
		if (!p || (l = b64dec(v, n, p, n)) < 0)
			return false;
		out->u.bin.p = p;
		out->u.bin.n = (size_t)l;
		return true;
	}
	}
	return false;
}

/* ---- evaluation ---- */

static bool
eq_icase(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && strncasecmp(a, b, an) == 0;
}

/* A template against one request value, for the string operators. */
static enum tri
str_one(const struct ev *ev, uint8_t op, const struct tmpl *t, const char *v, size_t vn)
{
	char buf[POL_SUBST_MAX];
	const char *p = t->s;
	long pn = t->n;

	if (t->nsegs) {
		if ((pn = tmpl_expand(ev, t, buf, sizeof buf)) < 0)
			return T_INVALID;
		p = buf;
	}
	switch (op) {
	case COP_STR_EQ:
		return (size_t)pn == vn && memcmp(p, v, vn) == 0 ? T_MATCH : T_NOMATCH;
	case COP_STR_EQ_IC:
		return eq_icase(p, (size_t)pn, v, vn) ? T_MATCH : T_NOMATCH;
	default:
		if (!t->nsegs && t->kind == TK_ALL)
			return T_MATCH;
		if (!t->nsegs && t->kind == TK_EXACT)
			return (size_t)pn == vn && memcmp(p, v, vn) == 0 ? T_MATCH : T_NOMATCH;
		if (!t->nsegs && t->kind == TK_PREFIX)
			return (size_t)pn <= vn && memcmp(p, v, (size_t)pn) == 0 ? T_MATCH : T_NOMATCH;
		return glob_match(p, (size_t)pn, v, vn, GLOB_ESC) ? T_MATCH : T_NOMATCH;
	}
}

/* Splits an ARN into its six colon-separated parts; the resource part keeps
 * any further colons. False when there are fewer than six. */
static bool
arn_split(const char *s, size_t n, const char *part[6], size_t len[6])
{
	size_t i, k = 0, start = 0;

	for (i = 0; i < n && k < 5; i++) {
		if (s[i] == ':') {
			part[k] = s + start;
			len[k++] = i - start;
			start = i + 1;
		}
	}
	if (k < 5)
		return false;
	part[5] = s + start;
	len[5] = n - start;
	return true;
}

/* ArnEquals/ArnLike: "each of the six colon-delimited components of the ARN
 * is checked separately and each can include wildcards" - so unlike a
 * Resource, a '*' here never spans a ':'. */
static enum tri
arn_one(const struct ev *ev, const struct tmpl *t, const char *v, size_t vn)
{
	char buf[POL_SUBST_MAX];
	const char *pp[6], *vp[6];
	size_t pl[6], vl[6];
	const char *p = t->s;
	long pn = t->n;
	int i;

	if (t->nsegs) {
		if ((pn = tmpl_expand(ev, t, buf, sizeof buf)) < 0)
			return T_INVALID;
		p = buf;
	} else if (t->kind == TK_ALL)
		return arn_split(v, vn, vp, vl) ? T_MATCH : T_INVALID;
	if (!arn_split(v, vn, vp, vl))
		return T_INVALID;
	if (!t->nsegs && t->kind == TK_EXACT)
		return (size_t)pn == vn && memcmp(p, v, vn) == 0 ? T_MATCH : T_NOMATCH;
	if (!t->nsegs && t->kind == TK_PREFIX) {
		/* "prefix*": the star can only reach past the prefix if the
		 * prefix already holds the five separators. */
		if (!arn_split(p, (size_t)pn, pp, pl))
			return T_NOMATCH;
		return (size_t)pn <= vn && memcmp(p, v, (size_t)pn) == 0 ? T_MATCH : T_NOMATCH;
	}
	if (!arn_split(p, (size_t)pn, pp, pl))
		return T_NOMATCH;
	for (i = 0; i < 6; i++)
		if (!glob_match(pp[i], pl[i], vp[i], vl[i], GLOB_ESC))
			return T_NOMATCH;
	return T_MATCH;
}

static bool
cidr_has(const struct cidr *net, const struct cidr *ip)
{
	int full = net->bits / 8, rest = net->bits % 8;

	if (net->fam != ip->fam)
		return false;
	if (memcmp(net->a, ip->a, (size_t)full) != 0)
		return false;
	if (rest && ((net->a[full] ^ ip->a[full]) & (uint8_t)(0xFF << (8 - rest))))
		return false;
	return true;
}

/* A request address; an IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a
 * dual-stack listener reports) is read as the IPv4 address it carries. */
static bool
parse_ip(const char *v, size_t n, struct cidr *ip)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

	if (memchr(v, '/', n) || !pol_parse_cidr(v, n, ip))
		return false;
	if (ip->fam == 6 && memcmp(ip->a, mapped, 12) == 0) {
		memmove(ip->a, ip->a + 12, 4);
		memset(ip->a + 4, 0, 12);
		ip->fam = 4;
		ip->bits = 32;
	}
	return true;
}

static bool
cmp_num(uint8_t op, double v, double p)
{
	switch (op) {
	case COP_NUM_EQ: return v == p;
	case COP_NUM_LT: return v < p;
	case COP_NUM_LE: return v <= p;
	case COP_NUM_GT: return v > p;
	default: return v >= p;
	}
}

static bool
cmp_date(uint8_t op, int64_t v, int64_t p)
{
	switch (op) {
	case COP_DATE_EQ: return v == p;
	case COP_DATE_LT: return v < p;
	case COP_DATE_LE: return v <= p;
	case COP_DATE_GT: return v > p;
	default: return v >= p;
	}
}

/* One request value against all the policy values of the key: OR'ed, so
 * MATCH if any matches, else INVALID if any could not be compared. */
static enum tri
pred(const struct ev *ev, const struct cond *c, const char *v)
{
	size_t vn = strlen(v), i;
	bool invalid = false;
	union {
		double num;
		int64_t ms;
		struct cidr ip;
		bool b;
		uint8_t bin[512];
	} rv;
	long bn = 0;

	switch (category(c->op)) {
	case CAT_NUM:
		if (!pol_parse_number(v, vn, &rv.num))
			return T_INVALID;
		break;
	case CAT_DATE:
		if (!pol_parse_date(v, vn, &rv.ms))
			return T_INVALID;
		break;
	case CAT_IP:
		if (!parse_ip(v, vn, &rv.ip))
			return T_INVALID;
		break;
	case CAT_BOOL:
		if (!parse_bool(v, vn, &rv.b))
			return T_INVALID;
		break;
	case CAT_BIN:
		if ((bn = b64dec(v, vn, rv.bin, sizeof rv.bin)) < 0)
			return T_INVALID;
		break;
	default:
		break;
	}
	for (i = 0; i < c->nvals; i++) {
		const struct cval *pv = &c->vals[i];
		enum tri r = T_NOMATCH;

		switch (category(c->op)) {
		case CAT_STR:
			r = str_one(ev, c->op, &pv->t, v, vn);
			break;
		case CAT_ARN:
			r = arn_one(ev, &pv->t, v, vn);
			break;
		case CAT_NUM:
			r = cmp_num(c->op, rv.num, pv->u.num) ? T_MATCH : T_NOMATCH;
			break;
		case CAT_DATE:
			r = cmp_date(c->op, rv.ms, pv->u.ms) ? T_MATCH : T_NOMATCH;
			break;
		case CAT_IP:
			r = cidr_has(&pv->u.net, &rv.ip) ? T_MATCH : T_NOMATCH;
			break;
		case CAT_BIN:
			r = (size_t)bn == pv->u.bin.n && memcmp(rv.bin, pv->u.bin.p, pv->u.bin.n) == 0
				? T_MATCH
				: T_NOMATCH;
			break;
		case CAT_BOOL:
			if (pv->templ) {
				char buf[POL_SUBST_MAX];
				long l = tmpl_expand(ev, &pv->t, buf, sizeof buf);
				bool b;
				if (l < 0 || !parse_bool(buf, (size_t)l, &b))
					r = T_INVALID;
				else
					r = b == rv.b ? T_MATCH : T_NOMATCH;
			} else
				r = pv->u.b == rv.b ? T_MATCH : T_NOMATCH;
			break;
		default:
			break;
		}
		if (r == T_MATCH)
			return T_MATCH;
		if (r == T_INVALID)
			invalid = true;
	}
	return invalid ? T_INVALID : T_NOMATCH;
}

/* One key of one operator. AWS's rules, in order:
 *  - Null: "true" holds when the key is absent, "false" when present;
 *  - an absent key: ...IfExists is true; ForAllValues is true ("also returns
 *    true if there are no context keys in the request"); ForAnyValue is
 *    false; otherwise a negated operator (StringNotLike, ArnNotLike...) is
 *    true and any other false;
 *  - present: each request value is tested against the policy values
 *    (OR'ed; NOR'ed for a negated operator); without a set prefix one
 *    matching value suffices, ForAllValues needs every value to. */
/* The decision for one key, given its request values. */
static bool
decide_values(const struct ev *ev, const struct cond *c, const char **vals, size_t n)
{
	size_t i;
	bool all;

	if (c->op == COP_NULL) {
		for (i = 0; i < c->nvals; i++)
			if (c->vals[i].u.b == (n == 0))
				return true;
		return false;
	}
	if (n == 0) {
		if (c->ifexists || c->set == CSET_ALL)
			return true;
		if (c->set == CSET_ANY)
			return false;
		return c->neg;
	}
	/* "all": every value must satisfy (ForAllValues, and a plain negated
	 * operator, which is NOT(any value matches)); else one value suffices. */
	all = c->set == CSET_ALL || (c->set == CSET_NONE && c->neg);
	for (i = 0; i < n; i++) {
		enum tri r = pred(ev, c, vals[i]);
		bool ok = c->neg ? r == T_NOMATCH : r == T_MATCH;

		if (all && !ok)
			return false;
		if (!all && ok)
			return true;
	}
	return all;
}

/* One key of one operator. AWS's rules, in order:
 *  - Null: "true" holds when the key is absent, "false" when present;
 *  - an absent key: ...IfExists is true; ForAllValues is true ("also returns
 *    true if there are no context keys in the request"); ForAnyValue is
 *    false; otherwise a negated operator (StringNotLike, ArnNotLike...) is
 *    true and any other false;
 *  - present: each request value is tested against the policy values
 *    (OR'ed; NOR'ed for a negated operator); without a set prefix one
 *    matching value suffices, ForAllValues needs every value to.
 * Every value of a multivalued key is read: skipping some could let a
 * ForAllValues allow, or a ForAnyValue deny miss, what the rest hold. */
bool
cond_eval(const struct ev *ev, const struct cond *c, bool deny)
{
	const char *vals[POL_MAX_VALS + 1], **heap = NULL;
	size_t n = ev_values(ev, c->key, c->kc, vals, POL_MAX_VALS + 1), cap;
	bool r;

	if (n <= POL_MAX_VALS)
		return decide_values(ev, c, vals, n);
	/* Rare: a key with very many values. */
	for (cap = 4 * POL_MAX_VALS; cap <= POL_MAX_VALS_HEAP; cap *= 4) {
		free(heap);
		if (!(heap = malloc((cap + 1) * sizeof *heap)))
			return deny;
		n = ev_values(ev, c->key, c->kc, heap, cap + 1);
		if (n <= cap) {
			r = decide_values(ev, c, heap, n);
			free(heap);
			return r;
		}
	}
	free(heap);
	return deny;
}
