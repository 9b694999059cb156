/* listing.c - the listing engine behind ListObjects(V2) and
 * ListMultipartUploads: roll-up, marker filtering, skipping whole common
 * prefixes, truncation, plus the small codecs a listing page needs (url
 * encoding, continuation tokens, counts). Knows neither meta nor XML. */
#include <stdint.h>
#include <string.h>
#include "core/crypto.h"
#include "s3/listing.h"

/* Per-page state shared between lst_run and the source's lst_feed calls. */
struct lst {
	const struct lst_params *p;
	const struct lst_sink *sink;
	struct lst_result *res;
	char cp[LST_KEY_MAX + 1]; /* common prefix whose keys are being skipped */
	size_t cplen;
	bool in_cp;
	size_t batch_rows;
	bool done;
	enum err err;
};

#define TOKEN_MAGIC "cf1"
#define TOKEN_MAGIC_LEN 3
#define TOKEN_RAW_MAX (TOKEN_MAGIC_LEN + 1 + LST_KEY_MAX)
#define TOKEN_B64_MAX (4 * ((TOKEN_RAW_MAX + 2) / 3))

int
lst_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);

	if (r)
		return r;
	return an < bn ? -1 : an > bn;
}

static bool
starts_with(const char *s, size_t n, const char *p, size_t pn)
{
	return n >= pn && (pn == 0 || memcmp(s, p, pn) == 0);
}

size_t
lst_rollup(const char *prefix, size_t plen, const char *delim, size_t dlen, const char *key,
	   size_t klen)
{
	const char *d;

	if (!dlen || klen < plen || !starts_with(key, klen, prefix, plen))
		return 0;
	d = memmem(key + plen, klen - plen, delim, dlen);
	return d ? (size_t)(d - key) + dlen : 0;
}

bool
lst_successor(const char *s, size_t n, char *out, size_t *outn)
{
	size_t i = n;

	while (i > 0 && (unsigned char)s[i - 1] == 0xff)
		i--;
	if (i == 0)
		return false;
	memcpy(out, s, i);
	out[i - 1] = (char)((unsigned char)s[i - 1] + 1);
	out[i] = '\0';
	*outn = i;
	return true;
}

/* Record what the page ends on: NextMarker / NextContinuationToken. */
static void
set_last(struct lst_result *r, const char *s, size_t n, bool is_prefix)
{
	memcpy(r->last, s, n);
	r->last[n] = '\0';
	r->last_len = n;
	r->last_is_prefix = is_prefix;
	r->has_last = true;
}

static int
stop(struct lst *l, enum err e)
{
	l->err = e;
	l->done = true;
	return 1;
}

/* One row. A row under the common prefix being skipped costs nothing but
 * the read; a row that would be the (max+1)th entry ends the page as
 * truncated, which is how truncation is known without a second query. */
int
lst_feed(struct lst *l, const char *key, size_t len, const void *item)
{
	const struct lst_params *p = l->p;
	struct lst_result *r = l->res;
	size_t cplen;
	enum err e;

	r->rows++;
	l->batch_rows++;
	if (l->done)
		return 1;
	if (len > LST_KEY_MAX || !starts_with(key, len, p->prefix, p->prefix_len))
		return 0;
	if (l->in_cp && starts_with(key, len, l->cp, l->cplen))
		return 0;
	l->in_cp = false;
	cplen = lst_rollup(p->prefix, p->prefix_len, p->delim, p->delim_len, key, len);
	if (cplen) {
		memcpy(l->cp, key, cplen);
		l->cp[cplen] = '\0';
		l->cplen = cplen;
		l->in_cp = true;
		/* A resume point at or inside this prefix: it was returned before. */
		if (p->marker && lst_cmp(key, cplen, p->marker, p->marker_len) <= 0)
			return 0;
		if (r->count == p->max) {
			r->truncated = true;
			return stop(l, ERR_OK);
		}
		if ((e = l->sink->prefix(l->sink->ctx, key, cplen)))
			return stop(l, e);
		r->count++;
		r->nprefixes++;
		set_last(r, key, cplen, true);
		return 0;
	}
	if (r->count == p->max) {
		r->truncated = true;
		return stop(l, ERR_OK);
	}
	if ((e = l->sink->key(l->sink->ctx, key, len, item)))
		return stop(l, e);
	r->count++;
	r->nkeys++;
	set_last(r, key, len, false);
	return 0;
}

void
lst_skip(struct lst *l)
{
	l->res->rows++;
	l->batch_rows++;
}

/* Batches: without a delimiter every row is an entry, so one scan of
 * max+1 rows answers the page. With one, rows under a common prefix are
 * read only up to the end of the current batch, and the next scan jumps
 * past the prefix; batches start small and double while they end on an
 * entry, so the rows read stay within a constant factor of the entries
 * returned plus LST_BATCH_MIN per skipped prefix. */
enum err
lst_run(const struct lst_params *p, const struct lst_src *src, const struct lst_sink *sink,
	struct lst_result *out)
{
	struct lst l;
	enum lst_from from = LST_START;
	char seek[LST_KEY_MAX + 1];
	size_t seeklen = 0, batch = LST_BATCH_MIN, limit;
	enum err e = ERR_OK;

	memset(out, 0, sizeof *out);
	memset(&l, 0, sizeof l);
	l.p = p;
	l.sink = sink;
	l.res = out;
	if (p->max == 0 || p->prefix_len > LST_KEY_MAX)
		goto done; /* nothing asked for, or no key can match */
	/* A token naming a common prefix resumes past all of it at once, but
	 * only if it still is one under this request's prefix and delimiter. */
	if (p->marker && p->marker_is_prefix && p->marker_len <= LST_KEY_MAX &&
	    lst_rollup(p->prefix, p->prefix_len, p->delim, p->delim_len, p->marker,
		       p->marker_len) == p->marker_len) {
		from = LST_PAST_PREFIX;
		memcpy(seek, p->marker, p->marker_len);
		seeklen = p->marker_len;
	}
	for (;;) {
		limit = p->max - out->count + 1;
		if (p->delim_len && limit > batch)
			limit = batch;
		l.batch_rows = 0;
		out->scans++;
		e = src->scan(src->ctx, &l, from, from == LST_PAST_PREFIX ? seek : NULL, seeklen,
			      limit);
		if (e == ERR_OK)
			e = l.err;
		if (e != ERR_OK || l.done || l.batch_rows < limit)
			break;
		if (l.in_cp) {
			from = LST_PAST_PREFIX;
			memcpy(seek, l.cp, l.cplen);
			seeklen = l.cplen;
			batch = LST_BATCH_MIN;
		} else {
			from = LST_AFTER_LAST;
			seeklen = 0;
			if (batch < ((size_t)1 << 20))
				batch *= 2;
		}
	}
done:
	return e;
}

enum err
lst_url_encode(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	enum err e = ERR_OK;
	size_t i;

	for (i = 0; i < n && e == ERR_OK; i++) {
		unsigned char ch = (unsigned char)s[i];
		char esc[3];

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '/') {
			e = buf_addc(out, (char)ch);
		} else if (ch == ' ') {
			e = buf_addc(out, '+');
		} else {
			esc[0] = '%';
			esc[1] = hex[ch >> 4];
			esc[2] = hex[ch & 15];
			e = buf_add(out, esc, 3);
		}
	}
	return e;
}

enum err
lst_token_encode(struct buf *out, const char *last, size_t len, bool is_prefix)
{
	uint8_t raw[TOKEN_RAW_MAX];
	char b64[TOKEN_B64_MAX + 1];
	size_t n;

	if (len > LST_KEY_MAX)
		return ERR_INTERNAL;
	memcpy(raw, TOKEN_MAGIC, TOKEN_MAGIC_LEN);
	raw[TOKEN_MAGIC_LEN] = is_prefix ? 'P' : 'K';
	memcpy(raw + TOKEN_MAGIC_LEN + 1, last, len);
	n = b64_encode(raw, TOKEN_MAGIC_LEN + 1 + len, b64);
	return buf_add(out, b64, n);
}

bool
lst_token_decode(const char *tok, char out[LST_KEY_MAX + 1], size_t *len, bool *is_prefix)
{
	uint8_t raw[TOKEN_RAW_MAX + 3];
	size_t tn = strlen(tok), kn;
	long n;

	if (tn == 0 || tn > TOKEN_B64_MAX)
		return false;
	n = b64_decode(tok, tn, raw, sizeof raw);
	if (n < TOKEN_MAGIC_LEN + 2 || n > TOKEN_RAW_MAX ||
	    memcmp(raw, TOKEN_MAGIC, TOKEN_MAGIC_LEN) != 0 ||
	    (raw[TOKEN_MAGIC_LEN] != 'K' && raw[TOKEN_MAGIC_LEN] != 'P'))
		return false;
	kn = (size_t)n - TOKEN_MAGIC_LEN - 1;
	if (memchr(raw + TOKEN_MAGIC_LEN + 1, '\0', kn))
		return false; /* keys never hold NUL; this token was not ours */
	memcpy(out, raw + TOKEN_MAGIC_LEN + 1, kn);
	out[kn] = '\0';
	*len = kn;
	*is_prefix = raw[TOKEN_MAGIC_LEN] == 'P';
	return true;
}

bool
lst_parse_count(const char *s, long *out)
{
	long v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > 2147483647L)
			return false;
	}
	*out = v;
	return true;
}
