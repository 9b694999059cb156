/* match.c - wildcard matching of actions and ARNs, and Principal matching.
 * The glob is iterative with a single backtrack point, so hostile patterns
 * like "*a*a*a*a*b" cost O(pattern x subject), never exponential time.
 * Condition operators live in cond.c, variables in vars.c. */
#include <string.h>
#include "policy/policy_int.h"

static inline unsigned char
lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Length of the UTF-8 sequence at s[i] (1 for stray or truncated bytes),
 * so that '?' is one character as AWS documents it, not one byte. */
static inline size_t
u8len(const char *s, size_t i, size_t n)
{
	unsigned char c = (unsigned char)s[i];
	size_t l, k;

	if (c < 0xC0)
		return 1;
	l = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (i + l > n)
		return 1;
	for (k = 1; k < l; k++)
		if (((unsigned char)s[i + k] & 0xC0) != 0x80)
			return 1;
	return l;
}

/* Glob with '*' and '?'. On a mismatch only the most recent '*' is widened:
 * that is enough for correctness (an earlier star could only absorb what the
 * later one can) and bounds the work by pn * sn. */
bool
glob_match(const char *p, size_t pn, const char *s, size_t sn, unsigned flags)
{
	size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
	bool icase = flags & GLOB_ICASE, esc = flags & GLOB_ESC;

	/* The literal run before the first special character, in one go. */
	if (!icase) {
		while (pi < pn && p[pi] != '*' && p[pi] != '?' && p[pi] != '\\')
			pi++;
		if (pi > sn || memcmp(p, s, pi) != 0)
			return false;
		si = pi;
	}
	while (si < sn) {
		if (pi < pn) {
			unsigned char c = (unsigned char)p[pi];
			size_t adv = 1;

			if (c == '*') {
				if (++pi == pn)
					return true; /* a trailing star takes the rest */
				star_p = pi;
				star_s = si;
				continue;
			}
			if (c == '?') {
				pi++;
				si += u8len(s, si, sn);
				continue;
			}
			if (c == '\\' && esc && pi + 1 < pn) {
				c = (unsigned char)p[pi + 1];
				adv = 2;
			}
			if (icase ? lc(c) == lc((unsigned char)s[si]) : c == (unsigned char)s[si]) {
				pi += adv;
				si++;
				continue;
			}
		}
		if (star_p == (size_t)-1)
			return false;
		pi = star_p;
		star_s += u8len(s, star_s, sn);
		si = star_s;
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

bool
pol_match_action(const char *pattern, const char *action)
{
	if (!pattern || !action)
		return false;
	return glob_match(pattern, strlen(pattern), action, strlen(action), GLOB_ICASE);
}

bool
pol_match_arn(const char *pattern, const char *arn)
{
	if (!pattern || !arn)
		return false;
	return glob_match(pattern, strlen(pattern), arn, strlen(arn), 0);
}

static bool
streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool
is_anon(const struct pol_principal *who)
{
	return !who || who->type == PT_ANONYMOUS;
}

bool
prin_match(const struct prin *pr, const struct pol_principal *who)
{
	switch (pr->kind) {
	case PR_ANY:
		return true;
	case PR_ACCOUNT:
		return !is_anon(who) && streq(pr->s, who->account);
	case PR_USER:
		return !is_anon(who) && who->type == PT_USER && streq(pr->s, who->arn);
	case PR_ROLE:
		return !is_anon(who) && who->type == PT_ASSUMED_ROLE && streq(pr->s, who->role_arn);
	case PR_SESSION:
		return !is_anon(who) && who->type == PT_ASSUMED_ROLE && streq(pr->s, who->arn);
	default:
		return false;
	}
}

/* AWS evaluates a NotPrincipal layer by layer: the account first, then the
 * user or role, then the session; a principal escapes the Deny only when
 * every layer it has is listed ("you must also specify the account ARN ...
 * Otherwise the policy might deny access to the entire account", NotPrincipal
 * reference). A listed account alone exempts only the root user. */
bool
prin_exempt(const struct prin *list, size_t n, const struct pol_principal *who)
{
	bool acct = false, ident = false;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct prin *pr = &list[i];

		if (pr->kind == PR_ANY)
			return true;
		if (is_anon(who))
			continue;
		if (pr->kind == PR_ACCOUNT && streq(pr->s, who->account))
			acct = true;
		else if ((pr->kind == PR_USER || pr->kind == PR_ROLE || pr->kind == PR_SESSION) &&
			 prin_match(pr, who))
			ident = true;
	}
	if (is_anon(who))
		return false;
	if (who->type == PT_ROOT)
		return acct;
	return acct && ident;
}
