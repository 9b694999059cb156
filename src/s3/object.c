/* object.c - single-object operations: PutObject, GetObject, HeadObject,
 * DeleteObject, DeleteObjects, CopyObject. Bytes come in through ingest.c
 * and go out as a file range (sendfile); metadata through meta.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "authz/authz.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "s3/cond.h"
#include "s3/ingest.h"
#include "s3/range.h"
#include "s3/s3.h"
#include "s3/xmlreq.h"

/* Request headers that ask for features coffer does not have: refusing is
 * better than storing the object without what was asked. */
enum err
s3_refuse_unsupported(const struct req *r)
{
	static const char *const unsupported[] = {
		"x-amz-server-side-encryption-customer-algorithm", "x-amz-server-side-encryption-aws-kms-key-id",
		"x-amz-tagging", "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date",
		"x-amz-object-lock-legal-hold", "x-amz-grant-read", "x-amz-grant-full-control",
		"x-amz-grant-read-acp", "x-amz-grant-write-acp", NULL,
	};
	const char *v;
	size_t i;

	for (i = 0; unsupported[i]; i++)
		if (req_header(r, unsupported[i]))
			return ERR_NOT_IMPLEMENTED;
	if ((v = req_header(r, "x-amz-server-side-encryption")))
		return ERR_NOT_IMPLEMENTED;
	if ((v = req_header(r, "x-amz-acl")) && strcmp(v, "private") != 0 &&
	    strcmp(v, "bucket-owner-full-control") != 0)
		return ERR_NOT_IMPLEMENTED;
	if ((v = req_header(r, "x-amz-storage-class")) && strcmp(v, "STANDARD") != 0) {
		static const char *const classes[] = {
			"REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
			"GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", NULL,
		};
		for (i = 0; classes[i]; i++)
			if (strcmp(v, classes[i]) == 0)
				return ERR_NOT_IMPLEMENTED;
		return ERR_INVALID_STORAGE_CLASS;
	}
	return ERR_OK;
}

/* Per-request state of PutObject: the stored headers gathered up front,
 * and the row being committed (it must outlive s3_put_object, which hands
 * it to the store's commit thread). */
struct put_state {
	struct buf headers;
	struct meta_object o;
	struct s3_service *svc;
	char replaced[BLOB_ID_LEN + 1]; /* file of the object this PUT replaced */
};

/* At the end of the request, after the answer went out: the replaced
 * object's file is removed here, on the worker, rather than on the commit
 * thread, where unlinking a large file would hold up every write queued
 * behind it. */
static void
put_state_free(void *p)
{
	struct put_state *ps = p;

	if (!ps)
		return;
	s3_gc_blob(ps->svc, ps->replaced);
	buf_fini(&ps->headers);
	free(ps);
}

enum err
s3_put_object_begin(struct s3_ctx *c)
{
	struct put_state *ps;
	enum err e;

	if ((e = s3_refuse_unsupported(c->r)))
		return e;
	if ((e = s3_bucket_access(c, NULL)))
		return e;
	if (!(ps = calloc(1, sizeof *ps)))
		return ERR_NOMEM;
	buf_init(&ps->headers, 16384);
	ps->svc = c->svc;
	c->priv = ps;
	c->priv_free = put_state_free;
	if ((e = s3_collect_headers(c->r, &ps->headers)))
		return e;
	return ingest_begin(c, CK_NONE, true);
}

static void
set_checksum_headers(struct req *r, enum cksum_alg alg, enum ck_type t, const char *value)
{
	if (alg == CK_NONE || !value[0])
		return;
	req_set_header(r, cksum_header(alg), value);
	req_set_header(r, "x-amz-checksum-type", t == CKT_COMPOSITE ? "COMPOSITE" : "FULL_OBJECT");
}

/* Conditional writes (If-None-Match: * and If-Match) against what is stored
 * when the write commits: judged by meta_object_put inside its transaction
 * (put_precond), as a check before it let two racing If-None-Match: * PUTs
 * of one key both succeed. Runs on the thread committing the batch while
 * this request is suspended waiting for it, so c->r is stable. */
static enum err
put_precond(void *ctx, const char *cur_etag)
{
	struct s3_ctx *c = ctx;
	const char *inm = req_header(c->r, "If-None-Match"), *im = req_header(c->r, "If-Match");

	if (inm && cur_etag)
		return ERR_PRECONDITION_FAILED;
	if (im && !cur_etag)
		return ERR_NO_SUCH_KEY;
	if (im && !etag_list_has(im, cur_etag))
		return ERR_PRECONDITION_FAILED;
	return ERR_OK;
}

static enum err
put_conditions(struct s3_ctx *c, struct meta_object *o)
{
	const char *inm = req_header(c->r, "If-None-Match"), *im = req_header(c->r, "If-Match");

	if (!inm && !im)
		return ERR_OK;
	if (inm && strcmp(inm, "*") != 0)
		return ERR_NOT_IMPLEMENTED;
	o->precond = put_precond;
	o->precond_ctx = c;
	return ERR_OK;
}

/* Commits an ingested or copied blob as bucket/key and answers with its ETag. */
static enum err
commit_object(struct s3_ctx *c, struct meta_object *o)
{
	char old[BLOB_ID_LEN + 1] = "";
	enum err e;

	if ((e = meta_object_put(c->svc->meta, o, old)))
		return e;
	if (!o->inl && (e = blob_publish(c->svc->blobs, o->blob)))
		log_error("s3: publishing blob %s failed; recovery will redo it", o->blob);
	s3_gc_blob(c->svc, old);
	return ERR_OK;
}

static void
object_init(struct s3_ctx *c, struct meta_object *o)
{
	memset(o, 0, sizeof *o);
	snprintf(o->bucket, sizeof o->bucket, "%s", c->bucket);
	memcpy(o->key, c->key, c->key_len + 1);
	o->key_len = c->key_len;
	snprintf(o->owner, sizeof o->owner, "%s", c->acct);
	o->mtime_ms = now_ms();
}

/* The commit thread's half of PutObject, once the row is durable (or the
 * write failed): the file moves to its place (one rename), the replaced
 * file is noted for put_state_free, and the answer is released. */
static void
put_committed(void *ctx, enum err rc, const char old[BLOB_ID_LEN + 1])
{
	struct s3_ctx *c = ctx;
	struct put_state *ps = c->priv;

	if (rc == ERR_OK) {
		if (!ps->o.inl && blob_publish(c->svc->blobs, ps->o.blob))
			log_error("s3: publishing blob %s failed; recovery will redo it", ps->o.blob);
		memcpy(ps->replaced, old, sizeof ps->replaced);
		c->r->status = 200;
		req_set_headerf(c->r, "ETag", "\"%s\"", ps->o.etag);
		set_checksum_headers(c->r, ps->o.ck_alg, ps->o.ck_type, ps->o.ck_value);
	}
	http_resume(c->r, rc);
}

/* The bytes are in (and, for a file, synced): the row joins the next group
 * commit and the worker thread goes back to its other connections until
 * put_committed answers. */
enum err
s3_put_object(struct s3_ctx *c)
{
	struct put_state *ps = c->priv;
	struct ingest *in = c->in;
	struct meta_object *o = &ps->o;
	enum err e;

	if ((e = ingest_end(c)))
		return e;
	object_init(c, o);
	if ((e = put_conditions(c, o)))
		return e;
	memcpy(o->blob, in->blob, sizeof o->blob);
	o->size = in->size;
	o->inl = in->inl;
	o->data = in->inl ? in->wbuf : NULL;
	snprintf(o->etag, sizeof o->etag, "%s", in->etag);
	o->headers = ps->headers.p;
	o->ck_alg = in->alg;
	o->ck_type = CKT_FULL_OBJECT;
	snprintf(o->ck_value, sizeof o->ck_value, "%s", in->ck_b64);
	if ((e = meta_object_put_async(c->svc->meta, o, put_committed, c)))
		return e;
	return ERR_PENDING;
}

/* ---- reading ---- */

static void
emit_object_headers(struct s3_ctx *c, const struct meta_object *o)
{
	static const struct {
		const char *arg, *header;
	} overrides[] = {
		{"response-content-type", "Content-Type"},
		{"response-content-language", "Content-Language"},
		{"response-expires", "Expires"},
		{"response-cache-control", "Cache-Control"},
		{"response-content-disposition", "Content-Disposition"},
		{"response-content-encoding", "Content-Encoding"},
	};
	struct req *r = c->r;
	char date[32];
	size_t i;

	req_set_headerf(r, "ETag", "\"%s\"", o->etag);
	fmt_http_date(o->mtime_ms, date);
	req_set_header(r, "Last-Modified", date);
	req_set_header(r, "Accept-Ranges", "bytes");
	if (!o->headers || !strstr(o->headers, "content-type:"))
		req_set_header(r, "Content-Type", "binary/octet-stream");
	s3_emit_headers(r, o->headers);
	for (i = 0; i < sizeof overrides / sizeof overrides[0]; i++) {
		const char *v = s3_arg(c, overrides[i].arg);
		if (!v || strpbrk(v, "\r\n"))
			continue;
		/* An override replaces the stored value. */
		req_unset_header(r, overrides[i].header);
		req_set_header(r, overrides[i].header, v);
	}
	if (o->parts > 0 && s3_has_arg(c, "partNumber"))
		req_set_headerf(r, "x-amz-mp-parts-count", "%d", o->parts);
	else if (s3_has_arg(c, "partNumber"))
		req_set_header(r, "x-amz-mp-parts-count", "1");
}

/* GetObject/HeadObject with partNumber: the byte range of that part. An
 * object not made by multipart upload has one part, itself. */
static enum err
part_range(const struct meta_object *o, int pn, struct range *rg)
{
	const char *p = o->part_sizes;
	uint64_t off = 0, len = o->size;
	int i;

	if (o->parts == 0 || !p) {
		if (pn != 1)
			return ERR_INVALID_PART_NUMBER_RANGE;
	} else {
		if (pn > o->parts)
			return ERR_INVALID_PART_NUMBER_RANGE;
		for (i = 1; i <= pn; i++) {
			char *end;
			len = strtoull(p, &end, 10);
			if (i < pn)
				off += len;
			p = *end == ',' ? end + 1 : end;
		}
	}
	rg->set = true;
	rg->start = off;
	rg->len = len;
	return ERR_OK;
}

static enum err
part_number_arg(struct s3_ctx *c, int *pn)
{
	const char *v = s3_arg(c, "partNumber");
	char *end;
	long n;

	*pn = 0;
	if (!v)
		return ERR_OK;
	n = strtol(v, &end, 10);
	if (!*v || *end || n < 1 || n > S3_MAX_PARTS)
		return ERR_INVALID_PART_NUMBER;
	*pn = (int)n;
	return ERR_OK;
}

static enum err
read_object(struct s3_ctx *c, bool head)
{
	const char *mode = req_header(c->r, "x-amz-checksum-mode");
	int pn;
	struct meta_object o;
	struct range rg = {false, 0, 0};
	uint64_t size;
	int fd = -1, tries;
	enum err e;

	if ((e = part_number_arg(c, &pn)))
		return e;
	if ((e = s3_bucket_access(c, NULL)))
		return e;
	memset(&o, 0, sizeof o);
	/* An overwrite may delete the blob between reading the row and opening
	 * the file: read the row again then. An inline object's bytes come
	 * with its row. */
	for (tries = 0; tries < 3; tries++) {
		meta_object_fini(&o);
		if (head)
			e = meta_object_get(c->svc->meta, c->bucket, c->key, &o);
		else
			e = meta_object_get_data(c->svc->meta, c->bucket, c->key, &o);
		if (e || head || o.inl)
			break;
		e = blob_open_read(c->svc->blobs, o.blob, &fd, &size);
		if (e != ERR_NO_SUCH_KEY)
			break;
	}
	/* A committed row whose file is missing or of another size is damage
	 * (lost or torn bytes), not an absent key: answered 500 rather than a
	 * 404, or a Content-Length the file cannot fill (the client would wait
	 * for bytes that never come). */
	if (!head && !o.inl && o.blob[0] &&
	    (e == ERR_NO_SUCH_KEY || (e == ERR_OK && size != o.size))) {
		log_error("s3: blob %s of %s/%s is %s", o.blob, c->bucket, c->key,
			  e ? "missing" : "of the wrong size");
		e = ERR_INTERNAL;
	}
	if (e == ERR_NO_SUCH_KEY && c->auth.who.type != PT_ROOT) {
		/* Whether a key exists is itself listing information: without
		 * s3:ListBucket the answer is 403, as AWS gives it. */
		char arn[META_NAME_MAX + 16];
		s3_resource_arn(c->bucket, NULL, arn, sizeof arn);
		if (authz_s3(c, "s3:ListBucket", arn) != ERR_OK)
			e = ERR_ACCESS_DENIED;
	}
	if (e)
		goto out;
	if ((e = cond_check(c->r, "", o.etag, o.mtime_ms))) {
		if (e == ERR_NOT_MODIFIED) {
			/* 304 is an answer, not a failure: it carries the validators. */
			char date[32];
			req_set_headerf(c->r, "ETag", "\"%s\"", o.etag);
			fmt_http_date(o.mtime_ms, date);
			req_set_header(c->r, "Last-Modified", date);
			c->r->status = 304;
			c->r->err_code = "NotModified";
			e = ERR_OK;
		}
		goto out;
	}
	if (pn) {
		if (req_header(c->r, "Range")) {
			e = ERR_RANGE_AND_PART;
			goto out;
		}
		if ((e = part_range(&o, pn, &rg)))
			goto out;
	} else if ((e = range_parse(req_header(c->r, "Range"), o.size, &rg))) {
		if (e == ERR_INVALID_RANGE)
			req_set_headerf(c->r, "Content-Range", "bytes */%llu", (unsigned long long)o.size);
		goto out;
	}
	emit_object_headers(c, &o);
	if (mode && strcasecmp(mode, "ENABLED") == 0 && !rg.set)
		set_checksum_headers(c->r, o.ck_alg, o.ck_type, o.ck_value);
	if (rg.set) {
		c->r->status = 206;
		req_set_headerf(c->r, "Content-Range", "bytes %llu-%llu/%llu",
				(unsigned long long)rg.start,
				(unsigned long long)(rg.start + rg.len - 1), (unsigned long long)o.size);
	} else {
		c->r->status = 200;
		rg.start = 0;
		rg.len = o.size;
	}
	if (head) {
		req_set_length_only(c->r, rg.len);
	} else if (o.inl && rg.len == o.size) {
		buf_adopt(&c->r->body, o.data, (size_t)o.size); /* no copy */
		o.data = NULL;
	} else if (o.inl) {
		if (rg.len && (e = buf_add(&c->r->body, o.data + rg.start, (size_t)rg.len)))
			goto out;
	} else {
		req_set_file(c->r, fd, rg.start, rg.len);
		fd = -1;
	}
out:
	if (fd >= 0)
		close(fd);
	meta_object_fini(&o);
	return e;
}

enum err
s3_get_object(struct s3_ctx *c)
{
	return read_object(c, false);
}

enum err
s3_head_object(struct s3_ctx *c)
{
	return read_object(c, true);
}

/* ---- deleting ---- */

enum err
s3_delete_object(struct s3_ctx *c)
{
	char old[BLOB_ID_LEN + 1] = "";
	enum err e;

	if ((e = s3_bucket_access(c, NULL)))
		return e;
	if ((e = meta_object_delete(c->svc->meta, c->bucket, c->key, old)))
		return e;
	s3_gc_blob(c->svc, old);
	c->r->status = 204;
	return ERR_OK;
}

/* DeleteObjects needs an integrity header: Content-MD5 or (newer SDKs) one
 * x-amz-checksum-*; whichever came is checked against the body. */
static enum err
check_body_integrity(struct s3_ctx *c)
{
	const char *md5 = req_header(c->r, "Content-MD5");
	enum cksum_alg alg;
	bool hdr, tr;
	uint8_t want[CKSUM_MAX_LEN], got[CKSUM_MAX_LEN];
	enum err e;

	if (md5) {
		uint8_t w[16];
		EVP_Digest(c->xml.p ? c->xml.p : "", c->xml.len, got, NULL, EVP_md5(), NULL);
		if (b64_decode(md5, strlen(md5), w, sizeof w) != 16)
			return ERR_INVALID_DIGEST;
		if (!crypto_ct_eq(w, got, 16))
			return ERR_BAD_DIGEST;
	}
	if ((e = ingest_checksum_headers(c->r, &alg, &hdr, &tr, want)))
		return e;
	if (tr) {
		const char *v = authn_trailer(&c->auth, cksum_header(alg));
		if (!v || b64_decode(v, strlen(v), want, sizeof want) != (long)cksum_len(alg))
			return ERR_BAD_DIGEST;
		hdr = true;
	}
	if (hdr) {
		cksum_compute(alg, c->xml.p ? c->xml.p : "", c->xml.len, got);
		if (!crypto_ct_eq(want, got, cksum_len(alg)))
			return ERR_BAD_DIGEST;
	}
	if (!md5 && !hdr)
		return ERR_MISSING_CONTENT_MD5;
	return ERR_OK;
}

enum err
s3_delete_objects(struct s3_ctx *c)
{
	struct xmlreq_delete d;
	char arn[META_KEY_MAX + 128];
	struct buf b;
	size_t i;
	enum err e;

	if ((e = s3_bucket_access(c, NULL)))
		return e;
	if ((e = check_body_integrity(c)))
		return e;
	if ((e = xmlreq_delete(c->xml.p ? c->xml.p : "", c->xml.len, &d)))
		return e;
	buf_init(&b, 0);
	xml_begin(&b, "DeleteResult");
	for (i = 0; i < d.n; i++) {
		const char *k = d.objs[i].key;
		size_t kl = strlen(k);
		char old[BLOB_ID_LEN + 1] = "";
		enum err de = ERR_OK;

		if (kl == 0 || kl > META_KEY_MAX)
			de = kl ? ERR_KEY_TOO_LONG : ERR_INVALID_KEY;
		else if ((s3_resource_arn(c->bucket, k, arn, sizeof arn),
			  authz_s3(c, "s3:DeleteObject", arn)))
			de = ERR_ACCESS_DENIED;
		else if (d.objs[i].version_id && d.objs[i].version_id[0] &&
			 strcmp(d.objs[i].version_id, "null") != 0)
			de = ERR_NOT_IMPLEMENTED;
		else
			de = meta_object_delete(c->svc->meta, c->bucket, k, old);
		if (de == ERR_OK) {
			s3_gc_blob(c->svc, old);
			if (!d.quiet) {
				buf_adds(&b, "<Deleted>");
				xml_elem(&b, "Key", k);
				buf_adds(&b, "</Deleted>");
			}
		} else {
			const struct err_info *ei = err_info(de);
			buf_adds(&b, "<Error>");
			xml_elem(&b, "Key", k);
			xml_elem(&b, "Code", ei->code);
			xml_elem(&b, "Message", ei->msg);
			buf_adds(&b, "</Error>");
		}
	}
	xml_end(&b, "DeleteResult");
	xmlreq_delete_free(&d);
	s3_reply_xml(c, &b);
	return ERR_OK;
}

/* ---- copying ---- */

/* Parses x-amz-copy-source ("[/]bucket/key[?versionId=...]", URL-encoded). */
enum err
s3_copy_source(struct s3_ctx *c, char bucket[META_NAME_MAX + 1], struct buf *key)
{
	const char *v = req_header(c->r, "x-amz-copy-source"), *slash, *q;
	struct buf raw;
	enum err e;

	if (!v)
		return ERR_INVALID_COPY_SOURCE;
	if (*v == '/')
		v++;
	q = strchr(v, '?');
	if (q) {
		if (strncmp(q, "?versionId=", 11) != 0 || (strcmp(q + 11, "null") != 0))
			return ERR_NOT_IMPLEMENTED;
	}
	buf_init(&raw, 0);
	if ((e = uri_decode(&raw, v, q ? (size_t)(q - v) : strlen(v)))) {
		buf_fini(&raw);
		return ERR_INVALID_COPY_SOURCE;
	}
	slash = raw.p ? strchr(raw.p, '/') : NULL;
	if (!slash || slash == raw.p || (size_t)(slash - raw.p) > META_NAME_MAX || !slash[1]) {
		buf_fini(&raw);
		return ERR_INVALID_COPY_SOURCE;
	}
	memcpy(bucket, raw.p, (size_t)(slash - raw.p));
	bucket[slash - raw.p] = '\0';
	buf_reset(key);
	e = buf_adds(key, slash + 1);
	if (!e && (key->len > META_KEY_MAX || memchr(key->p, '\0', key->len)))
		e = key->len > META_KEY_MAX ? ERR_KEY_TOO_LONG : ERR_INVALID_KEY;
	buf_fini(&raw);
	return e;
}

/* Loads the copy source after checking access to its bucket and the
 * x-amz-copy-source-if-* conditions. */
enum err
s3_copy_source_object(struct s3_ctx *c, struct meta_object *src)
{
	char sb[META_NAME_MAX + 1];
	struct meta_bucket mb;
	struct buf sk;
	enum err e;

	buf_init(&sk, META_KEY_MAX + 1);
	if ((e = s3_copy_source(c, sb, &sk)))
		goto out;
	{
		/* Reading the source is its own permission. */
		char arn[META_KEY_MAX + 128];
		s3_resource_arn(sb, sk.p, arn, sizeof arn);
		if ((e = authz_s3_bucket(c, sb, "s3:GetObject", arn)))
			goto out;
	}
	if ((e = meta_bucket_get(c->svc->meta, sb, &mb)))
		goto out;
	if (strcmp(mb.account, c->acct) != 0) {
		e = ERR_ACCESS_DENIED;
		goto out;
	}
	if ((e = meta_object_get_data(c->svc->meta, sb, sk.p, src)))
		goto out;
	e = cond_check(c->r, "x-amz-copy-source-", src->etag, src->mtime_ms);
out:
	buf_fini(&sk);
	return e;
}

enum err
s3_copy_object(struct s3_ctx *c)
{
	const char *dir = req_header(c->r, "x-amz-metadata-directive");
	bool replace = dir && strcmp(dir, "REPLACE") == 0;
	enum cksum_alg want_alg = CK_NONE;
	const char *algh = req_header(c->r, "x-amz-checksum-algorithm");
	struct meta_object src, o;
	struct blob_writer *w = NULL;
	struct buf headers;
	char date[32];
	struct buf b;
	enum err e;

	memset(&src, 0, sizeof src);
	buf_init(&headers, 16384);
	if (dir && !replace && strcmp(dir, "COPY") != 0) {
		e = ERR_INVALID_ARGUMENT;
		goto out;
	}
	if (algh && (want_alg = cksum_from_name(algh, strlen(algh))) == CK_NONE) {
		e = ERR_INVALID_REQUEST;
		goto out;
	}
	if ((e = s3_refuse_unsupported(c->r)))
		goto out;
	if ((e = s3_bucket_access(c, NULL)))
		goto out;
	if ((e = s3_copy_source_object(c, &src)))
		goto out;
	if (!replace && strcmp(src.bucket, c->bucket) == 0 && strcmp(src.key, c->key) == 0 &&
	    want_alg == CK_NONE) {
		e = ERR_COPY_TO_SELF;
		goto out;
	}
	if (replace)
		e = s3_collect_headers(c->r, &headers);
	else if (src.headers)
		e = buf_adds(&headers, src.headers);
	if (e)
		goto out;

	object_init(c, &o);
	o.headers = headers.p;
	o.size = src.size;
	if (src.inl) {
		/* An inline source stays inline: no file at all. */
		o.inl = true;
		o.data = src.data;
		e = blob_new_id(o.blob);
	} else {
		e = blob_create(c->svc->blobs, &w, o.blob);
	}
	if (e)
		goto out;
	if (src.parts == 0 && (want_alg == CK_NONE || want_alg == src.ck_alg)) {
		/* Same bytes, same ETag and checksum: copy in the kernel. */
		if (w && (e = blob_append_from(w, src.blob, 0, src.size)))
			goto out;
		snprintf(o.etag, sizeof o.etag, "%s", src.etag);
		o.ck_alg = src.ck_alg;
		o.ck_type = src.ck_type;
		snprintf(o.ck_value, sizeof o.ck_value, "%s", src.ck_value);
	} else {
		struct digest_out d;
		o.ck_alg = want_alg != CK_NONE ? want_alg : CK_CRC64NVME;
		if ((e = ingest_copy_digest(c->svc, &src, 0, src.size, w, o.ck_alg, &d)))
			goto out;
		hex_encode(d.md5, 16, o.etag);
		b64_encode(d.ck, d.cklen, o.ck_value);
		o.ck_type = CKT_FULL_OBJECT;
	}
	if (w && (e = blob_sync(w)))
		goto out;
	if ((e = commit_object(c, &o))) {
		if (w)
			blob_discard(c->svc->blobs, o.blob);
		goto out;
	}
	buf_init(&b, 0);
	xml_begin(&b, "CopyObjectResult");
	fmt_iso8601(o.mtime_ms, date);
	xml_elem(&b, "LastModified", date);
	buf_printf(&b, "<ETag>&quot;%s&quot;</ETag>", o.etag);
	if (o.ck_alg != CK_NONE) {
		char name[32];
		snprintf(name, sizeof name, "Checksum%s", cksum_name(o.ck_alg));
		xml_elem(&b, name, o.ck_value);
		xml_elem(&b, "ChecksumType", o.ck_type == CKT_COMPOSITE ? "COMPOSITE" : "FULL_OBJECT");
	}
	xml_end(&b, "CopyObjectResult");
	s3_reply_xml(c, &b);
out:
	if (w)
		blob_writer_free(w);
	meta_object_fini(&src);
	buf_fini(&headers);
	return e;
}
