/* listing.h - the S3 listing engine, free of S3 wire formats and of storage:
 * delimiter roll-up into common prefixes, marker filtering, resume positions,
 * truncation and batching. A source delivers rows in key byte order; a sink
 * receives what the page returns. list.c wires it to meta and to XML. */
#ifndef COFFER_LISTING_H
#define COFFER_LISTING_H

#include <stdbool.h>
#include <stddef.h>
#include "core/buf.h"
#include "core/err.h"

#define LST_KEY_MAX 1024    /* longest key (META_KEY_MAX) */
#define LST_BATCH_MIN 16    /* first batch size when a delimiter may skip rows */

struct lst;

/* Where a source scan starts. */
enum lst_from {
	LST_START,       /* the request's own start (marker, upload markers, ...) */
	LST_AFTER_LAST,  /* just after the last row this source delivered */
	LST_PAST_PREFIX, /* the first key > p that does not start with p */
};

/* A source delivers at most limit rows in key byte order, each through
 * lst_feed(), and stops early when lst_feed returns non-zero. Delivering
 * fewer than limit rows (without being stopped) means "no more rows". Rows
 * are expected to start with the listing prefix. */
struct lst_src {
	enum err (*scan)(void *ctx, struct lst *l, enum lst_from from, const char *p, size_t plen,
			 size_t limit);
	void *ctx;
};

/* A sink gets the page's entries in key order. item is the source's row,
 * valid only during the call. */
struct lst_sink {
	enum err (*key)(void *ctx, const char *key, size_t len, const void *item);
	enum err (*prefix)(void *ctx, const char *cp, size_t len);
	void *ctx;
};

struct lst_params {
	const char *prefix;       /* NULL or "" = all */
	size_t prefix_len;
	const char *delim;        /* delim_len 0 = no roll-up */
	size_t delim_len;
	const char *marker;       /* resume point, or NULL: common prefixes <= it are dropped */
	size_t marker_len;
	bool marker_is_prefix;    /* marker is a common prefix a previous page returned */
	size_t max;               /* entries (keys + common prefixes) per page */
};

struct lst_result {
	size_t count;             /* keys + common prefixes returned */
	size_t nkeys, nprefixes;
	bool truncated;           /* more entries exist after this page */
	bool has_last;
	bool last_is_prefix;
	char last[LST_KEY_MAX + 1]; /* last entry returned (NUL-terminated) */
	size_t last_len;
	size_t scans, rows;       /* source calls and rows read: the cost */
};

/* Runs one page. The cost is bounded by the entries returned, never by the
 * keys hidden under a common prefix: after a common prefix the source is
 * asked to skip past it rather than to walk it. */
enum err lst_run(const struct lst_params *p, const struct lst_src *src,
		 const struct lst_sink *sink, struct lst_result *out);

/* Called by a source for each row; non-zero means stop delivering. */
int lst_feed(struct lst *l, const char *key, size_t len, const void *item);
/* Called by a source for a row it read but drops (e.g. one it had already
 * delivered): counts toward the batch, so a full batch is not taken for the
 * end of the rows. */
void lst_skip(struct lst *l);

/* Length of the common prefix key rolls up to (prefix + text through the
 * first delimiter after it), or 0 when the key stands for itself. */
size_t lst_rollup(const char *prefix, size_t plen, const char *delim, size_t dlen,
		  const char *key, size_t klen);

/* The least string greater than every string starting with s: s with its last
 * byte incremented, dropping trailing 0xff bytes first. out holds n bytes and
 * a NUL. False when s is all 0xff (nothing lies past it). */
bool lst_successor(const char *s, size_t n, char *out, size_t *outn);

/* Bytewise comparison of two byte strings, shorter first on a tie. */
int lst_cmp(const char *a, size_t an, const char *b, size_t bn);

/* encoding-type=url: keep A-Z a-z 0-9 - . _ ~ and '/', space as '+',
 * everything else %XX (upper-case), the form clients undo with unquote_plus. */
enum err lst_url_encode(struct buf *out, const char *s, size_t n);

/* ListObjectsV2 continuation tokens: opaque base64 of a kind byte and the
 * last entry returned. decode returns false for anything we did not make. */
enum err lst_token_encode(struct buf *out, const char *last, size_t len, bool is_prefix);
bool lst_token_decode(const char *tok, char out[LST_KEY_MAX + 1], size_t *len, bool *is_prefix);

/* A max-keys style count: decimal digits within 0..2147483647, else false. */
bool lst_parse_count(const char *s, long *out);

#endif
