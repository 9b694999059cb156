/* list.c - ListObjects (v1), ListObjectsV2, ListMultipartUploads and
 * ListParts as S3 puts them on the wire: query arguments, meta scans as
 * listing sources, XML pages. The paging logic itself (roll-up, resume,
 * truncation) is listing.c's; this file only adapts it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/timefmt.h"
#include "s3/listing.h"
#include "s3/s3.h"

#define LIST_MAX 1000 /* S3's page cap for keys, uploads and parts */

_Static_assert(LST_KEY_MAX == META_KEY_MAX, "listing and meta agree on key length");

/* Arguments ListObjects, ListObjectsV2 and ListMultipartUploads share. */
struct listq {
	const char *prefix, *delim;
	size_t plen, dlen;   /* dlen 0: no delimiter ("" is treated as none) */
	bool url;            /* encoding-type=url */
	long max;
};

/* Where entries go while a page is read: Contents/Upload elements first,
 * CommonPrefixes after them, as AWS orders the document. */
struct page {
	struct buf items, cps;
	bool url;
	bool owner;               /* objects: Owner in each Contents */
	const char *bucket_owner; /* shown for rows that carry no owner */
	char last_id[META_UPLOAD_ID_LEN + 1]; /* uploads: id of the last Upload */
};

/* ---- small XML helpers ---- */

/* <name>s</name>, url-encoded when asked. The encoded form has no XML
 * special characters, so it goes in as is. */
static void
put_text(struct buf *b, const char *name, const char *s, size_t n, bool url)
{
	if (!url) {
		xml_elemn(b, name, s, n);
		return;
	}
	buf_printf(b, "<%s>", name);
	lst_url_encode(b, s, n);
	buf_printf(b, "</%s>", name);
}

static void
put_date(struct buf *b, const char *name, int64_t ms)
{
	char date[32];

	fmt_iso8601(ms, date);
	xml_elem(b, name, date);
}

/* ETags travel quoted; the escaper turns the quotes into &quot; as AWS does. */
static void
put_etag(struct buf *b, const char *etag)
{
	char q[META_ETAG_MAX + 3];

	snprintf(q, sizeof q, "\"%s\"", etag);
	xml_elem(b, "ETag", q);
}

static void
put_checksum_kind(struct buf *b, enum cksum_alg alg, enum ck_type type)
{
	if (alg == CK_NONE)
		return;
	xml_elem(b, "ChecksumAlgorithm", cksum_name(alg));
	if (type == CKT_FULL_OBJECT)
		xml_elem(b, "ChecksumType", "FULL_OBJECT");
	else if (type == CKT_COMPOSITE)
		xml_elem(b, "ChecksumType", "COMPOSITE");
}

/* Multipart uploads are started by the account's own principals; with no
 * per-user ARN stored, the initiator is shown as the owning account. */
static void
put_initiator(struct buf *b, const char *account)
{
	char id[65];

	s3_owner_id(account, id);
	buf_printf(b, "<Initiator><ID>%s</ID>", id);
	xml_elem(b, "DisplayName", account);
	buf_adds(b, "</Initiator>");
}

static enum err
page_prefix(void *ctx, const char *cp, size_t len)
{
	struct page *pg = ctx;

	buf_adds(&pg->cps, "<CommonPrefixes>");
	put_text(&pg->cps, "Prefix", cp, len, pg->url);
	return buf_adds(&pg->cps, "</CommonPrefixes>");
}

static void
page_init(struct page *pg, bool url)
{
	memset(pg, 0, sizeof *pg);
	buf_init(&pg->items, 0);
	buf_init(&pg->cps, 0);
	pg->url = url;
}

static void
page_fini(struct page *pg)
{
	buf_fini(&pg->items);
	buf_fini(&pg->cps);
}

/* Appends the entries and closes the document. */
static void
page_finish(struct page *pg, struct buf *b, const char *root)
{
	if (pg->items.len)
		buf_add(b, pg->items.p, pg->items.len);
	if (pg->cps.len)
		buf_add(b, pg->cps.p, pg->cps.len);
	xml_end(b, root);
}

/* ---- arguments ---- */

static enum err
parse_listq(const struct s3_ctx *c, const char *maxname, struct listq *q)
{
	const char *enc = s3_arg(c, "encoding-type"), *mx = s3_arg(c, maxname);

	q->prefix = s3_arg(c, "prefix");
	if (!q->prefix)
		q->prefix = "";
	q->delim = s3_arg(c, "delimiter");
	if (!q->delim)
		q->delim = "";
	q->plen = strlen(q->prefix);
	q->dlen = strlen(q->delim);
	q->url = false;
	if (enc) {
		if (strcmp(enc, "url") != 0)
			return ERR_INVALID_ENCODING;
		q->url = true;
	}
	q->max = LIST_MAX;
	if (mx && !lst_parse_count(mx, &q->max))
		return ERR_INVALID_ARGUMENT;
	if (q->max > LIST_MAX)
		q->max = LIST_MAX;
	return ERR_OK;
}

/* Markers longer than any key: every key > m is also > its first
 * META_KEY_MAX bytes and vice versa (the only key in between would be
 * those bytes themselves, which is not > them), so the cut is exact. */
static const char *
clamp_marker(const char *m, char out[META_KEY_MAX + 1])
{
	size_t n;

	if (!m || !*m)
		return NULL;
	n = strnlen(m, META_KEY_MAX + 1);
	if (n <= META_KEY_MAX)
		return m;
	memcpy(out, m, META_KEY_MAX);
	out[META_KEY_MAX] = '\0';
	return out;
}

/* ---- objects as a listing source ---- */

struct objsrc {
	struct s3_ctx *c;
	const char *prefix;           /* NULL for all */
	const char *start;            /* LST_START: keys after this, or NULL */
	char startbuf[META_KEY_MAX + 1];
	char last[META_KEY_MAX + 1];  /* last row delivered */
	bool has_last;
	struct lst *l;
};

static int
obj_row(void *ctx, const struct meta_object *o)
{
	struct objsrc *s = ctx;

	memcpy(s->last, o->key, o->key_len);
	s->last[o->key_len] = '\0';
	s->has_last = true;
	return lst_feed(s->l, o->key, o->key_len, o);
}

static enum err
obj_scan(void *ctx, struct lst *l, enum lst_from from, const char *p, size_t plen, size_t limit)
{
	struct objsrc *s = ctx;
	char succ[META_KEY_MAX + 1];
	const char *after = s->start;
	bool incl = false;
	size_t n;

	s->l = l;
	if (from == LST_AFTER_LAST && s->has_last) {
		after = s->last;
	} else if (from == LST_PAST_PREFIX) {
		if (!lst_successor(p, plen, succ, &n))
			return ERR_OK; /* nothing sorts after an all-0xff prefix */
		after = succ;
		incl = true;
	}
	return meta_object_scan(s->c->svc->meta, s->c->bucket, after, incl, s->prefix, limit,
				obj_row, s);
}

static enum err
obj_key(void *ctx, const char *key, size_t len, const void *item)
{
	struct page *pg = ctx;
	const struct meta_object *o = item;
	struct buf *b = &pg->items;

	buf_adds(b, "<Contents>");
	put_text(b, "Key", key, len, pg->url);
	put_date(b, "LastModified", o->mtime_ms);
	put_etag(b, o->etag);
	put_checksum_kind(b, o->ck_alg, o->ck_type);
	xml_elem_u64(b, "Size", o->size);
	xml_elem(b, "StorageClass", "STANDARD");
	if (pg->owner)
		xml_owner(b, o->owner[0] ? o->owner : pg->bucket_owner);
	return buf_adds(b, "</Contents>");
}

/* One page of objects into pg. marker: exclusive resume key (start-after,
 * marker or a token), marker_is_prefix when a token resumes past a common
 * prefix. */
static enum err
list_objects_page(struct s3_ctx *c, const struct listq *q, const char *marker, size_t mlen,
		  bool marker_is_prefix, struct page *pg, struct lst_result *res)
{
	struct objsrc *src;
	struct lst_params p;
	struct lst_src ls;
	struct lst_sink sk;
	enum err e;

	src = calloc(1, sizeof *src);
	if (!src)
		return ERR_NOMEM;
	src->c = c;
	src->prefix = q->plen ? q->prefix : NULL;
	src->start = clamp_marker(marker, src->startbuf);
	memset(&p, 0, sizeof p);
	p.prefix = q->prefix;
	p.prefix_len = q->plen;
	p.delim = q->delim;
	p.delim_len = q->dlen;
	p.marker = marker && mlen ? marker : NULL;
	p.marker_len = mlen;
	p.marker_is_prefix = marker_is_prefix;
	p.max = (size_t)q->max;
	ls.scan = obj_scan;
	ls.ctx = src;
	sk.key = obj_key;
	sk.prefix = page_prefix;
	sk.ctx = pg;
	e = lst_run(&p, &ls, &sk, res);
	free(src);
	return e;
}

/* ---- ListObjects (v1) ---- */

/* GET /bucket: marker-based paging. NextMarker only exists with a
 * delimiter (without one, clients resume from the last Key). */
enum err
s3_list_objects(struct s3_ctx *c)
{
	struct meta_bucket bk;
	struct listq q;
	struct page pg;
	struct lst_result *res = NULL;
	struct buf b;
	const char *marker;
	enum err e;

	buf_init(&b, 0);
	page_init(&pg, false);
	if ((e = s3_bucket_access(c, &bk)) || (e = parse_listq(c, "max-keys", &q)))
		goto out;
	marker = s3_arg(c, "marker");
	pg.url = q.url;
	pg.owner = true;
	pg.bucket_owner = bk.account;
	res = malloc(sizeof *res);
	if (!res) {
		e = ERR_NOMEM;
		goto out;
	}
	if ((e = list_objects_page(c, &q, marker, marker ? strlen(marker) : 0, false, &pg, res)))
		goto out;
	xml_begin(&b, "ListBucketResult");
	xml_elem(&b, "Name", c->bucket);
	put_text(&b, "Prefix", q.prefix, q.plen, q.url);
	put_text(&b, "Marker", marker ? marker : "", marker ? strlen(marker) : 0, q.url);
	if (res->truncated && q.dlen)
		put_text(&b, "NextMarker", res->last, res->last_len, q.url);
	xml_elem_u64(&b, "MaxKeys", (uint64_t)q.max);
	if (q.dlen)
		put_text(&b, "Delimiter", q.delim, q.dlen, q.url);
	if (q.url)
		xml_elem(&b, "EncodingType", "url");
	xml_elem_bool(&b, "IsTruncated", res->truncated);
	page_finish(&pg, &b, "ListBucketResult");
	s3_reply_xml(c, &b);
out:
	free(res);
	page_fini(&pg);
	buf_fini(&b);
	return e;
}

/* ---- ListObjectsV2 ---- */

/* GET /bucket?list-type=2: token-based paging. The token is ours (the last
 * entry returned and whether it was a common prefix); start-after only
 * applies when no token is given, as AWS documents. */
enum err
s3_list_objects_v2(struct s3_ctx *c)
{
	const char *lt = s3_arg(c, "list-type"), *tok, *sa, *fo, *marker = NULL;
	struct meta_bucket bk;
	struct listq q;
	struct page pg;
	struct lst_result *res = NULL;
	struct buf b;
	char tkey[LST_KEY_MAX + 1];
	size_t mlen = 0;
	bool tprefix = false;
	enum err e;

	/* Any list-type but 2 is the v1 listing, as on AWS. */
	if (lt && strcmp(lt, "2") != 0)
		return s3_list_objects(c);
	buf_init(&b, 0);
	page_init(&pg, false);
	if ((e = s3_bucket_access(c, &bk)) || (e = parse_listq(c, "max-keys", &q)))
		goto out;
	tok = s3_arg(c, "continuation-token");
	sa = s3_arg(c, "start-after");
	fo = s3_arg(c, "fetch-owner");
	if (tok) {
		/* AWS: "The continuation token provided is incorrect" */
		if (!lst_token_decode(tok, tkey, &mlen, &tprefix)) {
			e = ERR_INVALID_CONTINUATION;
			goto out;
		}
		marker = tkey;
	} else if (sa && *sa) {
		marker = sa;
		mlen = strlen(sa);
	}
	pg.url = q.url;
	pg.owner = fo && strcasecmp(fo, "true") == 0;
	pg.bucket_owner = bk.account;
	res = malloc(sizeof *res);
	if (!res) {
		e = ERR_NOMEM;
		goto out;
	}
	if ((e = list_objects_page(c, &q, marker, mlen, tprefix, &pg, res)))
		goto out;
	xml_begin(&b, "ListBucketResult");
	xml_elem(&b, "Name", c->bucket);
	put_text(&b, "Prefix", q.prefix, q.plen, q.url);
	if (sa)
		put_text(&b, "StartAfter", sa, strlen(sa), q.url);
	if (tok)
		xml_elem(&b, "ContinuationToken", tok);
	if (res->truncated) {
		buf_adds(&b, "<NextContinuationToken>");
		if ((e = lst_token_encode(&b, res->last, res->last_len, res->last_is_prefix)))
			goto out;
		buf_adds(&b, "</NextContinuationToken>");
	}
	xml_elem_u64(&b, "KeyCount", res->count);
	xml_elem_u64(&b, "MaxKeys", (uint64_t)q.max);
	if (q.dlen)
		put_text(&b, "Delimiter", q.delim, q.dlen, q.url);
	if (q.url)
		xml_elem(&b, "EncodingType", "url");
	xml_elem_bool(&b, "IsTruncated", res->truncated);
	page_finish(&pg, &b, "ListBucketResult");
	s3_reply_xml(c, &b);
out:
	free(res);
	page_fini(&pg);
	buf_fini(&b);
	return e;
}

/* ---- multipart uploads as a listing source ---- */

struct upsrc {
	struct s3_ctx *c;
	const char *prefix;             /* NULL for all */
	const char *key_marker, *id_marker; /* LST_START */
	char kbuf[META_KEY_MAX + 1];
	char last_key[META_KEY_MAX + 1];    /* last row delivered, in scan order */
	char last_id[META_UPLOAD_ID_LEN + 1];
	int64_t last_ms;
	bool has_last;
	struct lst *l;
};

/* The store orders uploads by (key, initiated, id). */
static int
up_cmp_last(const struct upsrc *s, const struct meta_upload *u)
{
	int r = strcmp(u->key, s->last_key);

	if (r)
		return r;
	if (u->initiated_ms != s->last_ms)
		return u->initiated_ms < s->last_ms ? -1 : 1;
	return strcmp(u->id, s->last_id);
}

static int
up_row(void *ctx, const struct meta_upload *u)
{
	struct upsrc *s = ctx;
	size_t n = strlen(u->key);

	/* Continuing after an upload that was aborted meanwhile makes the
	 * store restart that key; what was already delivered is dropped. */
	if (s->has_last && up_cmp_last(s, u) <= 0) {
		lst_skip(s->l);
		return 0;
	}
	memcpy(s->last_key, u->key, n + 1);
	snprintf(s->last_id, sizeof s->last_id, "%s", u->id);
	s->last_ms = u->initiated_ms;
	s->has_last = true;
	return lst_feed(s->l, u->key, n, u);
}

/* The store's marker is exclusive and has no "inclusive successor" form, so
 * "past every key starting with p" is asked as "after p padded with 0xff to
 * the longest key": no key under p sorts after that, every other key > p does. */
static enum err
up_scan(void *ctx, struct lst *l, enum lst_from from, const char *p, size_t plen, size_t limit)
{
	struct upsrc *s = ctx;
	char past[META_KEY_MAX + 1];
	const char *km = s->key_marker, *im = s->id_marker;

	s->l = l;
	if (plen > META_KEY_MAX)
		return ERR_OK;
	if (from == LST_AFTER_LAST && s->has_last) {
		km = s->last_key;
		im = s->last_id;
	} else if (from == LST_PAST_PREFIX) {
		memcpy(past, p, plen);
		memset(past + plen, 0xff, META_KEY_MAX - plen);
		past[META_KEY_MAX] = '\0';
		km = past;
		im = NULL;
	}
	return meta_upload_scan(s->c->svc->meta, s->c->bucket, s->prefix, km, im, limit, up_row, s);
}

static enum err
up_key(void *ctx, const char *key, size_t len, const void *item)
{
	struct page *pg = ctx;
	const struct meta_upload *u = item;
	struct buf *b = &pg->items;

	buf_adds(b, "<Upload>");
	put_text(b, "Key", key, len, pg->url);
	xml_elem(b, "UploadId", u->id);
	put_initiator(b, u->owner);
	xml_owner(b, u->owner);
	xml_elem(b, "StorageClass", "STANDARD");
	put_date(b, "Initiated", u->initiated_ms);
	put_checksum_kind(b, u->ck_alg, u->ck_type);
	snprintf(pg->last_id, sizeof pg->last_id, "%s", u->id);
	return buf_adds(b, "</Upload>");
}

/* GET /bucket?uploads. Paged by (key-marker, upload-id-marker); the next
 * markers name the last entry returned, which AWS sends on every page that
 * lists something, truncated or not. */
enum err
s3_list_uploads(struct s3_ctx *c)
{
	struct meta_bucket bk;
	struct listq q;
	struct page pg;
	struct upsrc *src = NULL;
	struct lst_result *res = NULL;
	struct lst_params p;
	struct lst_src ls;
	struct lst_sink sk;
	struct buf b;
	const char *km, *im;
	enum err e;

	buf_init(&b, 0);
	page_init(&pg, false);
	if ((e = s3_bucket_access(c, &bk)) || (e = parse_listq(c, "max-uploads", &q)))
		goto out;
	km = s3_arg(c, "key-marker");
	im = s3_arg(c, "upload-id-marker");
	pg.url = q.url;
	src = calloc(1, sizeof *src);
	res = malloc(sizeof *res);
	if (!src || !res) {
		e = ERR_NOMEM;
		goto out;
	}
	src->c = c;
	src->prefix = q.plen ? q.prefix : NULL;
	src->key_marker = clamp_marker(km, src->kbuf);
	/* upload-id-marker only means something next to its key-marker; a
	 * clamped key-marker names no key, so no id under it either. */
	src->id_marker = km && *km && src->key_marker == km && im && *im ? im : NULL;
	memset(&p, 0, sizeof p);
	p.prefix = q.prefix;
	p.prefix_len = q.plen;
	p.delim = q.delim;
	p.delim_len = q.dlen;
	p.marker = km && *km ? km : NULL;
	p.marker_len = km ? strlen(km) : 0;
	p.max = (size_t)q.max;
	ls.scan = up_scan;
	ls.ctx = src;
	sk.key = up_key;
	sk.prefix = page_prefix;
	sk.ctx = &pg;
	if ((e = lst_run(&p, &ls, &sk, res)))
		goto out;
	xml_begin(&b, "ListMultipartUploadsResult");
	xml_elem(&b, "Bucket", c->bucket);
	put_text(&b, "KeyMarker", km ? km : "", km ? strlen(km) : 0, q.url);
	xml_elem(&b, "UploadIdMarker", im ? im : "");
	if (res->has_last) {
		put_text(&b, "NextKeyMarker", res->last, res->last_len, q.url);
		if (!res->last_is_prefix)
			xml_elem(&b, "NextUploadIdMarker", pg.last_id);
	}
	if (q.dlen)
		put_text(&b, "Delimiter", q.delim, q.dlen, q.url);
	put_text(&b, "Prefix", q.prefix, q.plen, q.url);
	if (q.url)
		xml_elem(&b, "EncodingType", "url");
	xml_elem_u64(&b, "MaxUploads", (uint64_t)q.max);
	xml_elem_bool(&b, "IsTruncated", res->truncated);
	page_finish(&pg, &b, "ListMultipartUploadsResult");
	s3_reply_xml(c, &b);
out:
	free(src);
	free(res);
	page_fini(&pg);
	buf_fini(&b);
	return e;
}

/* ---- ListParts ---- */

struct partpage {
	struct buf *b;
	enum cksum_alg alg;
	long max;
	long n;
	int last;
	bool truncated;
};

static int
part_row(void *ctx, const struct meta_part *p)
{
	struct partpage *pp = ctx;
	struct buf *b = pp->b;

	/* The scan asks for one row more than the page: its presence is
	 * what IsTruncated reports. */
	if (pp->n == pp->max) {
		pp->truncated = true;
		return 1;
	}
	buf_adds(b, "<Part>");
	buf_printf(b, "<PartNumber>%d</PartNumber>", p->number);
	put_date(b, "LastModified", p->mtime_ms);
	put_etag(b, p->etag);
	xml_elem_u64(b, "Size", p->size);
	if (pp->alg != CK_NONE && p->ck_value[0]) {
		buf_printf(b, "<Checksum%s>", cksum_name(pp->alg));
		buf_add_xml(b, p->ck_value, strlen(p->ck_value));
		buf_printf(b, "</Checksum%s>", cksum_name(pp->alg));
	}
	buf_adds(b, "</Part>");
	pp->n++;
	pp->last = p->number;
	return 0;
}

/* GET /bucket/key?uploadId=X. PartNumberMarker is echoed (0 when absent)
 * and NextPartNumberMarker names the last part listed, as AWS sends both. */
enum err
s3_list_parts(struct s3_ctx *c)
{
	const char *id = s3_arg(c, "uploadId"), *mx = s3_arg(c, "max-parts");
	const char *pm = s3_arg(c, "part-number-marker");
	struct meta_bucket bk;
	struct meta_upload u;
	struct partpage pp;
	struct buf b, parts;
	long max = LIST_MAX, marker = 0;
	bool have_u = false;
	enum err e;

	buf_init(&b, 0);
	buf_init(&parts, 0);
	memset(&u, 0, sizeof u);
	if ((e = s3_bucket_access(c, &bk)))
		goto out;
	if ((mx && !lst_parse_count(mx, &max)) || (pm && *pm && !lst_parse_count(pm, &marker))) {
		e = ERR_INVALID_ARGUMENT;
		goto out;
	}
	if (max > LIST_MAX)
		max = LIST_MAX;
	if (!id || !*id || !c->key) {
		e = ERR_NO_SUCH_UPLOAD;
		goto out;
	}
	if ((e = meta_upload_get(c->svc->meta, c->bucket, c->key, id, &u)))
		goto out;
	have_u = true;
	memset(&pp, 0, sizeof pp);
	pp.b = &parts;
	pp.alg = u.ck_alg;
	pp.max = max;
	if (max > 0 &&
	    (e = meta_part_scan(c->svc->meta, u.id, (int)marker, (size_t)max + 1, part_row, &pp)))
		goto out;
	xml_begin(&b, "ListPartsResult");
	xml_elem(&b, "Bucket", c->bucket);
	xml_elemn(&b, "Key", c->key, c->key_len);
	xml_elem(&b, "UploadId", u.id);
	buf_printf(&b, "<PartNumberMarker>%ld</PartNumberMarker>", marker);
	buf_printf(&b, "<NextPartNumberMarker>%d</NextPartNumberMarker>", pp.last);
	xml_elem_u64(&b, "MaxParts", (uint64_t)max);
	xml_elem_bool(&b, "IsTruncated", pp.truncated);
	if (parts.len)
		buf_add(&b, parts.p, parts.len);
	put_initiator(&b, u.owner);
	xml_owner(&b, u.owner);
	xml_elem(&b, "StorageClass", "STANDARD");
	put_checksum_kind(&b, u.ck_alg, u.ck_type);
	xml_end(&b, "ListPartsResult");
	s3_reply_xml(c, &b);
out:
	if (have_u)
		meta_upload_fini(&u);
	buf_fini(&parts);
	buf_fini(&b);
	return e;
}
