/* test_listing.c - the listing engine over an in-memory sorted key array:
 * roll-up (one- and multi-byte delimiters), markers and tokens that name a
 * common prefix, max-keys edges, 0xff successors, and the cost bound (source
 * scans and rows read per page), checked against a brute-force model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "s3/listing.h"

/* ---- an in-memory source, behaving as meta_object_scan does ---- */

struct mem {
	const char **keys;     /* sorted bytewise */
	size_t n;
	const char *prefix;
	const char *start;     /* LST_START: keys > start */
	size_t next;           /* index after the last row delivered */
	bool has_last;
	size_t scans;
	enum lst_from first_from;
	size_t max_limit;      /* largest limit asked for */
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool
has_prefix(const char *k, const char *p)
{
	return !p || strncmp(k, p, strlen(p)) == 0;
}

/* First index with key >= s (or > s when !incl). */
static size_t
seek(const struct mem *m, const char *s, bool incl)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		int r = strcmp(m->keys[i], s);
		if (incl ? r >= 0 : r > 0)
			break;
	}
	return i;
}

static enum err
mem_scan(void *ctx, struct lst *l, enum lst_from from, const char *p, size_t plen, size_t limit)
{
	struct mem *m = ctx;
	char succ[LST_KEY_MAX + 1];
	size_t i, n, got = 0;

	if (m->scans++ == 0)
		m->first_from = from;
	if (limit > m->max_limit)
		m->max_limit = limit;
	if (from == LST_AFTER_LAST && m->has_last) {
		i = m->next;
	} else if (from == LST_PAST_PREFIX) {
		if (!lst_successor(p, plen, succ, &n))
			return ERR_OK;
		i = seek(m, succ, true);
	} else {
		i = m->start ? seek(m, m->start, false) : 0;
	}
	for (; i < m->n && got < limit; i++) {
		if (!has_prefix(m->keys[i], m->prefix))
			continue;
		got++;
		m->next = i + 1;
		m->has_last = true;
		if (lst_feed(l, m->keys[i], strlen(m->keys[i]), m->keys[i]))
			break;
	}
	return ERR_OK;
}

/* ---- a sink that writes "K:key" / "P:prefix" entries, comma separated ---- */

struct out {
	char s[65536];
	size_t len;
	enum err fail_with;
};

static void
out_add(struct out *o, char kind, const char *s, size_t n)
{
	int w = snprintf(o->s + o->len, sizeof o->s - o->len, "%s%c:%.*s", o->len ? "," : "",
			 kind, (int)n, s);
	assert_true(w > 0 && (size_t)w < sizeof o->s - o->len);
	o->len += (size_t)w;
}

static enum err
out_key(void *ctx, const char *key, size_t len, const void *item)
{
	struct out *o = ctx;

	assert_string_equal((const char *)item, key); /* the row rides along */
	assert_int_equal(strlen(key), len);
	if (o->fail_with)
		return o->fail_with;
	out_add(o, 'K', key, len);
	return ERR_OK;
}

static enum err
out_prefix(void *ctx, const char *cp, size_t len)
{
	struct out *o = ctx;

	out_add(o, 'P', cp, len);
	return ERR_OK;
}

/* One page. marker may be NULL. */
struct page {
	struct out out;
	struct lst_result res;
	struct mem mem;
	enum err e;
};

static void
run_page(struct page *pg, const char **keys, size_t n, const char *prefix, const char *delim,
	 const char *marker, bool marker_is_prefix, size_t max)
{
	struct lst_params p;
	struct lst_src src;
	struct lst_sink sink;

	memset(pg, 0, sizeof *pg);
	pg->mem.keys = keys;
	pg->mem.n = n;
	pg->mem.prefix = prefix && *prefix ? prefix : NULL;
	pg->mem.start = marker;
	memset(&p, 0, sizeof p);
	p.prefix = prefix ? prefix : "";
	p.prefix_len = strlen(p.prefix);
	p.delim = delim ? delim : "";
	p.delim_len = strlen(p.delim);
	p.marker = marker;
	p.marker_len = marker ? strlen(marker) : 0;
	p.marker_is_prefix = marker_is_prefix;
	p.max = max;
	src.scan = mem_scan;
	src.ctx = &pg->mem;
	sink.key = out_key;
	sink.prefix = out_prefix;
	sink.ctx = &pg->out;
	pg->e = lst_run(&p, &src, &sink, &pg->res);
}

/* The model: every entry in order, computed the slow obvious way. */
static void
model(const char **keys, size_t n, const char *prefix, const char *delim, const char *marker,
      size_t max, struct out *o, bool *truncated)
{
	size_t pl = strlen(prefix), dl = strlen(delim), i, count = 0;
	char lastcp[LST_KEY_MAX + 1] = "";
	bool have_cp = false;

	memset(o, 0, sizeof *o);
	*truncated = false;
	for (i = 0; i < n; i++) {
		const char *k = keys[i], *d;
		char entry[LST_KEY_MAX + 1];
		bool is_cp = false;

		if (strncmp(k, prefix, pl) != 0)
			continue;
		snprintf(entry, sizeof entry, "%s", k);
		if (dl && (d = strstr(k + pl, delim))) {
			size_t el = (size_t)(d - k) + dl;
			entry[el] = '\0';
			is_cp = true;
		}
		if (is_cp && have_cp && strcmp(entry, lastcp) == 0)
			continue;
		if (is_cp) {
			snprintf(lastcp, sizeof lastcp, "%s", entry);
			have_cp = true;
		}
		if (marker && strcmp(entry, marker) <= 0)
			continue;
		if (count == max) {
			*truncated = true;
			break;
		}
		out_add(o, is_cp ? 'P' : 'K', entry, strlen(entry));
		count++;
	}
}

static void
sort_keys(const char **keys, size_t n)
{
	qsort(keys, n, sizeof *keys, cmp_str);
}

#define NKEYS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- pure helpers ---- */

static void
test_successor(void **state)
{
	char out[LST_KEY_MAX + 1];
	size_t n;

	(void)state;
	assert_true(lst_successor("a", 1, out, &n));
	assert_string_equal(out, "b");
	assert_int_equal(n, 1);
	assert_true(lst_successor("a/", 2, out, &n));
	assert_string_equal(out, "a0");
	assert_true(lst_successor("a\xff", 2, out, &n));
	assert_string_equal(out, "b");
	assert_int_equal(n, 1);
	assert_true(lst_successor("ab\xff\xff", 4, out, &n));
	assert_string_equal(out, "ac");
	assert_true(lst_successor("a\xfe", 2, out, &n));
	assert_string_equal(out, "a\xff");
	assert_false(lst_successor("\xff", 1, out, &n));
	assert_false(lst_successor("\xff\xff\xff", 3, out, &n));
	assert_false(lst_successor("", 0, out, &n));
	/* UTF-8: "é/" -> "é0" */
	assert_true(lst_successor("\xc3\xa9/", 3, out, &n));
	assert_string_equal(out, "\xc3\xa9" "0");
}

static void
test_rollup(void **state)
{
	(void)state;
	assert_int_equal(lst_rollup("", 0, "/", 1, "a/b/c", 5), 2);
	assert_int_equal(lst_rollup("a/", 2, "/", 1, "a/b/c", 5), 4);
	assert_int_equal(lst_rollup("a/b/", 4, "/", 1, "a/b/c", 5), 0);
	assert_int_equal(lst_rollup("", 0, "", 0, "a/b", 3), 0);
	assert_int_equal(lst_rollup("a", 1, "/", 1, "a/", 2), 2);
	assert_int_equal(lst_rollup("", 0, "/", 1, "a", 1), 0);
	assert_int_equal(lst_rollup("", 0, "/", 1, "/x", 2), 1);
	assert_int_equal(lst_rollup("", 0, "//", 2, "a/b//c", 6), 5);
	assert_int_equal(lst_rollup("", 0, "ab", 2, "xaab", 4), 4);
	assert_int_equal(lst_rollup("x", 1, "ab", 2, "xab", 3), 3);
	assert_int_equal(lst_rollup("zz", 2, "/", 1, "a/b", 3), 0); /* not under prefix */
	assert_int_equal(lst_rollup("", 0, "\xe2\x82\xac", 3, "1\xe2\x82\xac" "2", 5), 4);
}

static void
test_url_encode(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(lst_url_encode(&b, "a b+c/\xc3\xbc%~_.-Z9", 15), ERR_OK);
	assert_string_equal(b.p, "a+b%2Bc/%C3%BC%25~_.-Z9");
	buf_reset(&b);
	assert_int_equal(lst_url_encode(&b, "&<>\"'\x01\x7f", 7), ERR_OK);
	assert_string_equal(b.p, "%26%3C%3E%22%27%01%7F");
	buf_fini(&b);
}

static void
test_token(void **state)
{
	char key[LST_KEY_MAX + 1], longkey[LST_KEY_MAX + 1];
	struct buf b;
	size_t n;
	bool isp;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(lst_token_encode(&b, "a/b c", 5, false), ERR_OK);
	assert_true(lst_token_decode(b.p, key, &n, &isp));
	assert_string_equal(key, "a/b c");
	assert_int_equal(n, 5);
	assert_false(isp);
	buf_reset(&b);
	assert_int_equal(lst_token_encode(&b, "d/", 2, true), ERR_OK);
	assert_true(lst_token_decode(b.p, key, &n, &isp));
	assert_string_equal(key, "d/");
	assert_true(isp);
	/* the longest key fits */
	memset(longkey, '\xff', LST_KEY_MAX);
	longkey[LST_KEY_MAX] = '\0';
	buf_reset(&b);
	assert_int_equal(lst_token_encode(&b, longkey, LST_KEY_MAX, false), ERR_OK);
	assert_true(lst_token_decode(b.p, key, &n, &isp));
	assert_int_equal(n, LST_KEY_MAX);
	assert_memory_equal(key, longkey, LST_KEY_MAX);
	buf_fini(&b);
	/* what we did not make */
	assert_false(lst_token_decode("", key, &n, &isp));
	assert_false(lst_token_decode("!!garbage!!", key, &n, &isp));
	assert_false(lst_token_decode("Zm9v", key, &n, &isp));          /* "foo" */
	assert_false(lst_token_decode("Y2YxWGE=", key, &n, &isp));      /* "cf1Xa": bad kind */
	assert_false(lst_token_decode("Y2YxSw==", key, &n, &isp));      /* "cf1K": no key */
	assert_false(lst_token_decode("Y2YxSwBh", key, &n, &isp));      /* "cf1K\0a" */
	assert_false(lst_token_decode("Y2YxS2E", key, &n, &isp));       /* unpadded */
	assert_true(lst_token_decode("Y2YxS2E=", key, &n, &isp));       /* "cf1Ka" */
	assert_string_equal(key, "a");
}

static void
test_parse_count(void **state)
{
	long v = -1;

	(void)state;
	assert_true(lst_parse_count("0", &v));
	assert_int_equal(v, 0);
	assert_true(lst_parse_count("1000", &v));
	assert_int_equal(v, 1000);
	assert_true(lst_parse_count("0005", &v));
	assert_int_equal(v, 5);
	assert_true(lst_parse_count("2147483647", &v));
	assert_int_equal(v, 2147483647L);
	assert_false(lst_parse_count("2147483648", &v));
	assert_false(lst_parse_count("99999999999999999999999", &v));
	assert_false(lst_parse_count("-1", &v));
	assert_false(lst_parse_count("abc", &v));
	assert_false(lst_parse_count("", &v));
	assert_false(lst_parse_count(NULL, &v));
	assert_false(lst_parse_count("1.5", &v));
	assert_false(lst_parse_count(" 1", &v));
	assert_false(lst_parse_count("1e3", &v));
}

/* ---- pages ---- */

static const char *tricky[] = {
	"a", "a/", "a/b", "a/b/c", "a//b", "a0", "a0/x", "b", "b/", "b//", "c.txt",
	"d/e/f/6.txt", "d/7.txt", "\xc3\xbc/x", "\xc3\xbc/y", "\xe2\x82\xac", "\xe2\x82\xac/1",
	"\xf0\x9f\x98\x80/a", "z", "z\xff", "z\xff/a", "z\xff\xff",
};

static void
expect_page(const char **keys, size_t n, const char *prefix, const char *delim,
	    const char *marker, size_t max, const char *want, bool want_trunc)
{
	struct page *pg = malloc(sizeof *pg);

	assert_non_null(pg);
	run_page(pg, keys, n, prefix, delim, marker, false, max);
	assert_int_equal(pg->e, ERR_OK);
	assert_string_equal(pg->out.s, want);
	assert_int_equal(pg->res.truncated, want_trunc);
	free(pg);
}

static void
test_basic_pages(void **state)
{
	const char *k[NKEYS(tricky)];

	(void)state;
	memcpy(k, tricky, sizeof tricky);
	sort_keys(k, NKEYS(k));
	expect_page(k, NKEYS(k), "", "/", NULL, 1000,
		    "K:a,P:a/,K:a0,P:a0/,K:b,P:b/,K:c.txt,P:d/,K:z,K:z\xff,P:z\xff/,K:z\xff\xff,"
		    "P:\xc3\xbc/,K:\xe2\x82\xac,P:\xe2\x82\xac/,P:\xf0\x9f\x98\x80/", false);
	expect_page(k, NKEYS(k), "a/", "/", NULL, 1000, "K:a/,P:a//,K:a/b,P:a/b/", false);
	expect_page(k, NKEYS(k), "a", "/", NULL, 1000, "K:a,P:a/,K:a0,P:a0/", false);
	expect_page(k, NKEYS(k), "a", "", NULL, 1000, "K:a,K:a/,K:a//b,K:a/b,K:a/b/c,K:a0,K:a0/x",
		    false);
	expect_page(k, NKEYS(k), "b/", "/", NULL, 1000, "K:b/,P:b//", false);
	expect_page(k, NKEYS(k), "nope", "/", NULL, 1000, "", false);
	/* multi-byte delimiters */
	expect_page(k, NKEYS(k), "", "//", NULL, 1000,
		    "K:a,K:a/,P:a//,K:a/b,K:a/b/c,K:a0,K:a0/x,K:b,K:b/,P:b//,K:c.txt,"
		    "K:d/7.txt,K:d/e/f/6.txt,K:z,K:z\xff,K:z\xff/a,K:z\xff\xff,"
		    "K:\xc3\xbc/x,K:\xc3\xbc/y,K:\xe2\x82\xac,K:\xe2\x82\xac/1,K:\xf0\x9f\x98\x80/a",
		    false);
	expect_page(k, NKEYS(k), "", "/b", NULL, 1000,
		    "K:a,K:a/,P:a//b,P:a/b,K:a0,K:a0/x,K:b,K:b/,K:b//,K:c.txt,K:d/7.txt,"
		    "K:d/e/f/6.txt,K:z,K:z\xff,K:z\xff/a,K:z\xff\xff,K:\xc3\xbc/x,K:\xc3\xbc/y,"
		    "K:\xe2\x82\xac,K:\xe2\x82\xac/1,K:\xf0\x9f\x98\x80/a", false);
	expect_page(k, NKEYS(k), "", "\xe2\x82\xac", NULL, 3, "K:a,K:a/,K:a//b", true);
	expect_page(k, NKEYS(k), "\xe2", "\xe2\x82\xac", NULL, 5,
		    "K:\xe2\x82\xac,K:\xe2\x82\xac/1", false);
	/* a 0xff delimiter, and a prefix whose successor carries */
	expect_page(k, NKEYS(k), "z", "\xff", NULL, 1000, "K:z,P:z\xff", false);
	expect_page(k, NKEYS(k), "z\xff", "/", NULL, 1000, "K:z\xff,P:z\xff/,K:z\xff\xff", false);
	expect_page(k, NKEYS(k), "", "\xff", "z", 1000, "P:z\xff,K:\xc3\xbc/x,K:\xc3\xbc/y,"
		    "K:\xe2\x82\xac,K:\xe2\x82\xac/1,K:\xf0\x9f\x98\x80/a", false);
}

static void
test_max_keys_edges(void **state)
{
	const char *k[NKEYS(tricky)];
	struct page *pg = malloc(sizeof *pg);

	(void)state;
	assert_non_null(pg);
	memcpy(k, tricky, sizeof tricky);
	sort_keys(k, NKEYS(k));
	/* max 0: nothing, not truncated, no scan at all */
	run_page(pg, k, NKEYS(k), "", "/", NULL, false, 0);
	assert_int_equal(pg->e, ERR_OK);
	assert_string_equal(pg->out.s, "");
	assert_false(pg->res.truncated);
	assert_int_equal(pg->mem.scans, 0);
	/* exactly as many entries as max: not truncated */
	expect_page(k, NKEYS(k), "a/", "/", NULL, 4, "K:a/,P:a//,K:a/b,P:a/b/", false);
	expect_page(k, NKEYS(k), "a/", "/", NULL, 3, "K:a/,P:a//,K:a/b", true);
	expect_page(k, NKEYS(k), "a/", "/", NULL, 1, "K:a/", true);
	/* a page that ends on a common prefix still sees what follows it */
	run_page(pg, k, NKEYS(k), "", "/", NULL, false, 2);
	assert_string_equal(pg->out.s, "K:a,P:a/");
	assert_true(pg->res.truncated);
	assert_true(pg->res.has_last && pg->res.last_is_prefix);
	assert_string_equal(pg->res.last, "a/");
	assert_int_equal(pg->res.count, 2);
	assert_int_equal(pg->res.nkeys, 1);
	assert_int_equal(pg->res.nprefixes, 1);
	/* the last entries of the listing: not truncated */
	run_page(pg, k, NKEYS(k), "", "/", "\xe2\x82\xac", false, 2);
	assert_string_equal(pg->out.s, "P:\xe2\x82\xac/,P:\xf0\x9f\x98\x80/");
	assert_false(pg->res.truncated);
	/* no delimiter: one scan answers the page */
	run_page(pg, k, NKEYS(k), "", NULL, NULL, false, 5);
	assert_int_equal(pg->mem.scans, 1);
	assert_int_equal(pg->mem.max_limit, 6);
	assert_true(pg->res.truncated);
	free(pg);
}

static void
test_markers(void **state)
{
	const char *k[NKEYS(tricky)];

	(void)state;
	memcpy(k, tricky, sizeof tricky);
	sort_keys(k, NKEYS(k));
	/* a marker inside a common prefix drops that prefix (AWS: common
	 * prefixes not greater than start-after are filtered out) */
	expect_page(k, NKEYS(k), "", "/", "a/b", 3, "K:a0,P:a0/,K:b", true);
	expect_page(k, NKEYS(k), "", "/", "a/", 3, "K:a0,P:a0/,K:b", true);
	expect_page(k, NKEYS(k), "", "/", "a", 3, "P:a/,K:a0,P:a0/", true);
	expect_page(k, NKEYS(k), "", "/", "a/zzz", 2, "K:a0,P:a0/", true);
	expect_page(k, NKEYS(k), "", "/", "a.", 2, "P:a/,K:a0", true); /* not a key */
	expect_page(k, NKEYS(k), "", "", "a/b", 3, "K:a/b/c,K:a0,K:a0/x", true);
	expect_page(k, NKEYS(k), "", "/", "\xf0\x9f\x98\x80/", 5, "", false);
	expect_page(k, NKEYS(k), "", "/", "\xff", 5, "", false);
}

/* A token naming a common prefix resumes past it without reading under it. */
static void
test_resume_from_prefix_token(void **state)
{
	static const char *base[] = {"a", "d/1", "d/2", "d/3", "d/4", "d/5", "e", "f/1", "g"};
	struct page *pg = malloc(sizeof *pg);

	(void)state;
	assert_non_null(pg);
	run_page(pg, base, NKEYS(base), "", "/", "d/", true, 2);
	assert_int_equal(pg->e, ERR_OK);
	assert_string_equal(pg->out.s, "K:e,P:f/");
	assert_true(pg->res.truncated);
	assert_int_equal(pg->mem.first_from, LST_PAST_PREFIX);
	/* rows read: e, f/1, g (the peek) - none under d/ */
	assert_int_equal(pg->res.rows, 3);
	/* the same marker without the flag: correct too, one row of d/ read */
	run_page(pg, base, NKEYS(base), "", "/", "d/", false, 2);
	assert_string_equal(pg->out.s, "K:e,P:f/");
	assert_int_equal(pg->mem.first_from, LST_START);
	/* the flag is ignored when the marker is no common prefix under this
	 * request's prefix and delimiter (a client that changed them) */
	run_page(pg, base, NKEYS(base), "", NULL, "d/", true, 3);
	assert_string_equal(pg->out.s, "K:d/1,K:d/2,K:d/3");
	assert_int_equal(pg->mem.first_from, LST_START);
	run_page(pg, base, NKEYS(base), "x", "/", "d/", true, 3);
	assert_string_equal(pg->out.s, "");
	run_page(pg, base, NKEYS(base), "", "/", "d/1", true, 3);
	assert_int_equal(pg->mem.first_from, LST_START);
	assert_string_equal(pg->out.s, "K:e,P:f/,K:g");
	/* a prefix token at the very end of the key space */
	{
		static const char *ff[] = {"a", "\xff/1", "\xff/2"};
		run_page(pg, ff, NKEYS(ff), "", "/", "\xff/", true, 5);
		assert_string_equal(pg->out.s, "");
		assert_false(pg->res.truncated);
		static const char *fff[] = {"a", "\xff\xff", "\xff\xff" "a"};
		run_page(pg, fff, NKEYS(fff), "", "\xff", "\xff", true, 5);
		assert_string_equal(pg->out.s, "");
		assert_false(pg->res.truncated);
		run_page(pg, fff, NKEYS(fff), "", "\xff", NULL, false, 5);
		assert_string_equal(pg->out.s, "K:a,P:\xff");
	}
	free(pg);
}

/* Whole walks with every combination, page by page through the token the
 * page ends on, against the model's single pass. */
static void
walk_all(const char **k, size_t n, const char *prefix, const char *delim, size_t max,
	 bool use_flag)
{
	struct page *pg = malloc(sizeof *pg);
	struct out *all = calloc(1, sizeof *all), *want = malloc(sizeof *want);
	char marker[LST_KEY_MAX + 1];
	bool has_marker = false, is_prefix = false, trunc;
	int pages = 0;

	assert_non_null(pg);
	assert_non_null(all);
	assert_non_null(want);
	model(k, n, prefix, delim, NULL, (size_t)-1 / 2, want, &trunc);
	for (;;) {
		struct out exp;
		bool exp_trunc;

		model(k, n, prefix, delim, has_marker ? marker : NULL, max, &exp, &exp_trunc);
		run_page(pg, k, n, prefix, delim, has_marker ? marker : NULL, use_flag && is_prefix,
			 max);
		assert_int_equal(pg->e, ERR_OK);
		if (strcmp(pg->out.s, exp.s) != 0 || pg->res.truncated != exp_trunc)
			print_error("prefix '%s' delim '%s' max %zu marker '%s'\n got  %s\n want %s\n",
				    prefix, delim, max, has_marker ? marker : "(none)", pg->out.s,
				    exp.s);
		assert_string_equal(pg->out.s, exp.s);
		assert_int_equal(pg->res.truncated, exp_trunc);
		assert_true(pg->res.count <= max);
		if (pg->out.len) {
			if (all->len)
				all->s[all->len++] = ',';
			memcpy(all->s + all->len, pg->out.s, pg->out.len + 1);
			all->len += pg->out.len;
		}
		if (!pg->res.truncated)
			break;
		assert_true(pg->res.has_last);
		memcpy(marker, pg->res.last, pg->res.last_len + 1);
		is_prefix = pg->res.last_is_prefix;
		has_marker = true;
		assert_true(++pages < 1000);
	}
	assert_string_equal(all->s, want->s);
	free(pg);
	free(all);
	free(want);
}

static void
test_walks_match_model(void **state)
{
	static const char *prefixes[] = {"", "a", "a/", "b", "d/", "z", "\xc3", "q"};
	static const char *delims[] = {"", "/", "//", "b", "a/", "\xff", "\x82\xac", "/c"};
	static const size_t maxes[] = {1, 2, 3, 7, 1000};
	const char *k[NKEYS(tricky)];
	size_t i, j, m;

	(void)state;
	memcpy(k, tricky, sizeof tricky);
	sort_keys(k, NKEYS(k));
	for (i = 0; i < NKEYS(prefixes); i++)
		for (j = 0; j < NKEYS(delims); j++)
			for (m = 0; m < NKEYS(maxes); m++) {
				walk_all(k, NKEYS(k), prefixes[i], delims[j], maxes[m], true);
				walk_all(k, NKEYS(k), prefixes[i], delims[j], maxes[m], false);
			}
}

/* Every marker position, including ones between keys and inside prefixes. */
static void
test_every_marker_matches_model(void **state)
{
	static const char *delims[] = {"", "/", "//"};
	static const char *extra[] = {"", "a.", "a/a", "a/zzz", "a//", "a0/", "b/a", "d/", "d/e/",
				      "y", "z\xff/", "\xc3\xbc/", "\xff\xff"};
	const char *k[NKEYS(tricky)];
	size_t i, j, m;

	(void)state;
	memcpy(k, tricky, sizeof tricky);
	sort_keys(k, NKEYS(k));
	for (j = 0; j < NKEYS(delims); j++)
		for (m = 1; m <= 4; m++) {
			for (i = 0; i < NKEYS(k) + NKEYS(extra); i++) {
				const char *mk = i < NKEYS(k) ? k[i] : extra[i - NKEYS(k)];
				struct page *pg = malloc(sizeof *pg);
				struct out exp;
				bool trunc;

				assert_non_null(pg);
				model(k, NKEYS(k), "", delims[j], *mk ? mk : NULL, m, &exp, &trunc);
				run_page(pg, k, NKEYS(k), "", delims[j], *mk ? mk : NULL, false, m);
				assert_string_equal(pg->out.s, exp.s);
				assert_int_equal(pg->res.truncated, trunc);
				free(pg);
			}
		}
}

/* The cost of a page follows what it returns, not what it hides. */
static void
test_scans_bounded(void **state)
{
	enum { DIRS = 60, PER = 250, TOP = 40 };
	size_t n = DIRS * PER + TOP, i, j, c = 0;
	const char **k = malloc(n * sizeof *k);
	char **store = malloc(n * sizeof *store);
	struct page *pg = malloc(sizeof *pg);

	(void)state;
	assert_non_null(k);
	assert_non_null(store);
	assert_non_null(pg);
	for (i = 0; i < DIRS; i++)
		for (j = 0; j < PER; j++) {
			store[c] = malloc(32);
			snprintf(store[c], 32, "d%03zu/k%05zu", i, j);
			c++;
		}
	for (i = 0; i < TOP; i++) {
		store[c] = malloc(32);
		snprintf(store[c], 32, "f%03zu", i);
		c++;
	}
	for (i = 0; i < n; i++)
		k[i] = store[i];
	sort_keys(k, n);

	/* all 60 directories and 40 files in one page */
	run_page(pg, k, n, "", "/", NULL, false, 1000);
	assert_int_equal(pg->res.count, DIRS + TOP);
	assert_int_equal(pg->res.nprefixes, DIRS);
	assert_false(pg->res.truncated);
	assert_true(pg->mem.scans <= pg->res.count + 2);
	assert_true(pg->res.rows <= (pg->res.count + 2) * LST_BATCH_MIN);
	assert_true(pg->res.rows < n / 10);

	/* small pages: each a handful of scans and rows */
	run_page(pg, k, n, "", "/", NULL, false, 10);
	assert_int_equal(pg->res.count, 10);
	assert_true(pg->res.truncated);
	assert_true(pg->mem.scans <= 12);
	assert_true(pg->res.rows <= 12 * LST_BATCH_MIN);

	/* resuming from a prefix token: no rows under the named prefix */
	run_page(pg, k, n, "", "/", "d030/", true, 5);
	assert_string_equal(pg->out.s, "P:d031/,P:d032/,P:d033/,P:d034/,P:d035/");
	assert_true(pg->res.rows <= 6 * LST_BATCH_MIN);

	/* a flat run grows its batches: few scans for many keys */
	run_page(pg, k, n, "d007/", "/", NULL, false, 1000);
	assert_int_equal(pg->res.count, PER);
	assert_true(pg->mem.scans <= 6);
	assert_true(pg->res.rows <= PER + 1);

	/* a mixed run (file, directory, file, ...) of 1000 entries */
	run_page(pg, k, n, "", NULL, NULL, false, 1000);
	assert_int_equal(pg->mem.scans, 1);
	assert_int_equal(pg->res.rows, 1001);

	for (i = 0; i < n; i++)
		free(store[i]);
	free(store);
	free(k);
	free(pg);
}

/* Interleaved files and huge directories: rows stay linear in entries. */
static void
test_scans_bounded_interleaved(void **state)
{
	enum { GROUPS = 100, PER = 300 };
	size_t n = GROUPS * (PER + 1), i, j, c = 0;
	const char **k = malloc(n * sizeof *k);
	char **store = malloc(n * sizeof *store);
	struct page *pg = malloc(sizeof *pg);

	(void)state;
	assert_non_null(k);
	assert_non_null(store);
	assert_non_null(pg);
	for (i = 0; i < GROUPS; i++) {
		store[c] = malloc(32);
		snprintf(store[c], 32, "g%03zu", i);
		c++;
		for (j = 0; j < PER; j++) {
			store[c] = malloc(32);
			snprintf(store[c], 32, "g%03zu/%05zu", i, j);
			c++;
		}
	}
	for (i = 0; i < n; i++)
		k[i] = store[i];
	sort_keys(k, n);
	run_page(pg, k, n, "", "/", NULL, false, 1000);
	assert_int_equal(pg->res.count, 2 * GROUPS);
	assert_true(pg->mem.scans <= pg->res.count + 2);
	assert_true(pg->res.rows <= (pg->res.count + 2) * LST_BATCH_MIN);
	assert_true(pg->res.rows < n / 10);
	for (i = 0; i < n; i++)
		free(store[i]);
	free(store);
	free(k);
	free(pg);
}

/* Batches grown over a flat run shrink again at the first big directory. */
static void
test_batch_shrinks_after_prefix(void **state)
{
	enum { FLAT = 200, DIRS = 20, PER = 600 };
	size_t n = FLAT + DIRS * PER, i, j, c = 0;
	const char **k = malloc(n * sizeof *k);
	char **store = malloc(n * sizeof *store);
	struct page *pg = malloc(sizeof *pg);

	(void)state;
	assert_non_null(k);
	assert_non_null(store);
	assert_non_null(pg);
	for (i = 0; i < FLAT; i++) {
		store[c] = malloc(32);
		snprintf(store[c], 32, "a%03zu", i);
		c++;
	}
	for (i = 0; i < DIRS; i++)
		for (j = 0; j < PER; j++) {
			store[c] = malloc(32);
			snprintf(store[c], 32, "b%02zu/%04zu", i, j);
			c++;
		}
	for (i = 0; i < n; i++)
		k[i] = store[i];
	sort_keys(k, n);
	run_page(pg, k, n, "", "/", NULL, false, 1000);
	assert_int_equal(pg->res.count, FLAT + DIRS);
	assert_int_equal(pg->res.nprefixes, DIRS);
	/* ~240 rows for the flat run and its overshoot, LST_BATCH_MIN per
	 * directory after that */
	assert_true(pg->res.rows <= 2 * FLAT + DIRS * LST_BATCH_MIN);
	for (i = 0; i < n; i++)
		free(store[i]);
	free(store);
	free(k);
	free(pg);
}

static void
test_sink_error_and_long_prefix(void **state)
{
	const char *k[NKEYS(tricky)];
	struct page *pg = malloc(sizeof *pg);
	struct lst_params p;
	struct lst_src src;
	struct lst_sink sink;
	char longp[LST_KEY_MAX + 2];

	(void)state;
	assert_non_null(pg);
	memcpy(k, tricky, sizeof tricky);
	sort_keys(k, NKEYS(k));
	memset(pg, 0, sizeof *pg);
	pg->mem.keys = k;
	pg->mem.n = NKEYS(k);
	pg->out.fail_with = ERR_NOMEM;
	memset(&p, 0, sizeof p);
	p.prefix = "";
	p.delim = "";
	p.max = 10;
	src.scan = mem_scan;
	src.ctx = &pg->mem;
	sink.key = out_key;
	sink.prefix = out_prefix;
	sink.ctx = &pg->out;
	assert_int_equal(lst_run(&p, &src, &sink, &pg->res), ERR_NOMEM);
	/* a prefix longer than any key matches nothing and reads nothing */
	memset(longp, 'a', sizeof longp - 1);
	longp[sizeof longp - 1] = '\0';
	run_page(pg, k, NKEYS(k), longp, "/", NULL, false, 10);
	assert_int_equal(pg->e, ERR_OK);
	assert_int_equal(pg->res.count, 0);
	assert_int_equal(pg->mem.scans, 0);
	free(pg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_successor),
		cmocka_unit_test(test_rollup),
		cmocka_unit_test(test_url_encode),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_parse_count),
		cmocka_unit_test(test_basic_pages),
		cmocka_unit_test(test_max_keys_edges),
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_resume_from_prefix_token),
		cmocka_unit_test(test_walks_match_model),
		cmocka_unit_test(test_every_marker_matches_model),
		cmocka_unit_test(test_scans_bounded),
		cmocka_unit_test(test_scans_bounded_interleaved),
		cmocka_unit_test(test_batch_shrinks_after_prefix),
		cmocka_unit_test(test_sink_error_and_long_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
