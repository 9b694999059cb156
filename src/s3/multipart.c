/* multipart.c - CreateMultipartUpload, UploadPart, UploadPartCopy,
 * CompleteMultipartUpload, AbortMultipartUpload. Parts are blobs of their
 * own; completion concatenates them (in the kernel) into the object's blob
 * and derives the multipart ETag and the checksum AWS defines per type. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/crypto.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "s3/ingest.h"
#include "s3/range.h"
#include "s3/s3.h"
#include "s3/xmlreq.h"

static const char *
type_name(enum ck_type t)
{
	return t == CKT_COMPOSITE ? "COMPOSITE" : "FULL_OBJECT";
}

enum err
s3_create_multipart(struct s3_ctx *c)
{
	const char *algh = req_header(c->r, "x-amz-checksum-algorithm");
	const char *typeh = req_header(c->r, "x-amz-checksum-type");
	struct meta_upload u;
	struct buf headers, b;
	uint8_t rnd[24];
	enum err e;

	memset(&u, 0, sizeof u);
	if ((e = s3_refuse_unsupported(c->r)))
		return e;
	if ((e = s3_bucket_access(c, NULL)))
		return e;
	if (algh && (u.ck_alg = cksum_from_name(algh, strlen(algh))) == CK_NONE)
		return ERR_INVALID_REQUEST;
	if (typeh) {
		if (strcmp(typeh, "COMPOSITE") == 0)
			u.ck_type = CKT_COMPOSITE;
		else if (strcmp(typeh, "FULL_OBJECT") == 0)
			u.ck_type = CKT_FULL_OBJECT;
		else
			return ERR_INVALID_REQUEST;
		if (u.ck_alg == CK_NONE)
			return ERR_INVALID_REQUEST;
	} else if (u.ck_alg != CK_NONE) {
		u.ck_type = u.ck_alg == CK_CRC64NVME ? CKT_FULL_OBJECT : CKT_COMPOSITE;
	}
	/* Which algorithm supports which type, as AWS defines it. */
	if ((u.ck_type == CKT_COMPOSITE && u.ck_alg == CK_CRC64NVME) ||
	    (u.ck_type == CKT_FULL_OBJECT && !cksum_is_crc(u.ck_alg)))
		return ERR_INVALID_REQUEST;
	if ((e = crypto_random(rnd, sizeof rnd)))
		return e;
	hex_encode(rnd, sizeof rnd, u.id);
	snprintf(u.bucket, sizeof u.bucket, "%s", c->bucket);
	memcpy(u.key, c->key, c->key_len + 1);
	snprintf(u.owner, sizeof u.owner, "%s", c->acct);
	u.initiated_ms = now_ms();
	buf_init(&headers, 16384);
	if ((e = s3_collect_headers(c->r, &headers)))
		goto out;
	u.headers = headers.p;
	if ((e = meta_upload_create(c->svc->meta, &u)))
		goto out;
	buf_init(&b, 0);
	xml_begin(&b, "InitiateMultipartUploadResult");
	xml_elem(&b, "Bucket", c->bucket);
	xml_elem(&b, "Key", c->key);
	xml_elem(&b, "UploadId", u.id);
	xml_end(&b, "InitiateMultipartUploadResult");
	s3_reply_xml(c, &b);
	if (u.ck_alg != CK_NONE) {
		req_set_header(c->r, "x-amz-checksum-algorithm", cksum_name(u.ck_alg));
		req_set_header(c->r, "x-amz-checksum-type", type_name(u.ck_type));
	}
out:
	buf_fini(&headers);
	return e;
}

static enum err
part_number(struct s3_ctx *c, int *out)
{
	const char *v = s3_arg(c, "partNumber");
	char *end;
	long n;

	if (!v || !*v)
		return ERR_INVALID_PART_NUMBER;
	n = strtol(v, &end, 10);
	if (*end || n < 1 || n > S3_MAX_PARTS)
		return ERR_INVALID_PART_NUMBER;
	*out = (int)n;
	return ERR_OK;
}

/* State of an UploadPart between its begin and finish. */
struct part_state {
	struct meta_upload u;
	int number;
};

static void
part_state_free(void *p)
{
	struct part_state *ps = p;

	if (!ps)
		return;
	meta_upload_fini(&ps->u);
	free(ps);
}

static enum err
load_upload(struct s3_ctx *c, struct meta_upload *u)
{
	const char *id = s3_arg(c, "uploadId");
	enum err e;

	if ((e = s3_bucket_access(c, NULL)))
		return e;
	if (!id || !*id || strlen(id) > META_UPLOAD_ID_LEN)
		return ERR_NO_SUCH_UPLOAD;
	return meta_upload_get(c->svc->meta, c->bucket, c->key, id, u);
}

enum err
s3_upload_part_begin(struct s3_ctx *c)
{
	struct part_state *ps = calloc(1, sizeof *ps);
	enum err e;

	if (!ps)
		return ERR_NOMEM;
	c->priv = ps;
	c->priv_free = part_state_free;
	if ((e = part_number(c, &ps->number)))
		return e;
	if ((e = load_upload(c, &ps->u)))
		return e;
	return ingest_begin(c, ps->u.ck_alg, false);
}

static enum err
commit_part(struct s3_ctx *c, const char *upload_id, struct meta_part *p)
{
	char old[BLOB_ID_LEN + 1] = "";
	enum err e;

	if ((e = meta_part_put(c->svc->meta, upload_id, p, old)))
		return e;
	if (blob_publish(c->svc->blobs, p->blob))
		log_error("s3: publishing part blob %s failed; recovery will redo it", p->blob);
	s3_gc_blob(c->svc, old);
	return ERR_OK;
}

enum err
s3_upload_part(struct s3_ctx *c)
{
	struct part_state *ps = c->priv;
	struct ingest *in = c->in;
	struct meta_part p;
	enum err e;

	if ((e = ingest_end(c)))
		return e;
	memset(&p, 0, sizeof p);
	p.number = ps->number;
	memcpy(p.blob, in->blob, sizeof p.blob);
	p.size = in->size;
	snprintf(p.etag, sizeof p.etag, "%s", in->etag);
	p.mtime_ms = now_ms();
	snprintf(p.ck_value, sizeof p.ck_value, "%s", in->ck_b64);
	if ((e = commit_part(c, ps->u.id, &p)))
		return e;
	c->r->status = 200;
	req_set_headerf(c->r, "ETag", "\"%s\"", p.etag);
	if (ps->u.ck_alg != CK_NONE || in->ck_header || in->ck_trailer)
		req_set_header(c->r, cksum_header(in->alg), p.ck_value);
	return ERR_OK;
}

enum err
s3_upload_part_copy(struct s3_ctx *c)
{
	struct meta_upload u;
	struct meta_object src;
	struct meta_part p;
	struct blob_writer *w = NULL;
	struct digest_out d;
	uint64_t off, len;
	char date[32];
	struct buf b;
	enum err e;

	memset(&u, 0, sizeof u);
	memset(&src, 0, sizeof src);
	memset(&p, 0, sizeof p);
	if ((e = part_number(c, &p.number)))
		goto out;
	if ((e = load_upload(c, &u)))
		goto out;
	if ((e = s3_copy_source_object(c, &src)))
		goto out;
	if ((e = range_parse_copy(req_header(c->r, "x-amz-copy-source-range"), src.size, &off, &len)))
		goto out;
	if ((e = blob_create(c->svc->blobs, &w, p.blob)))
		goto out;
	if ((e = ingest_copy_digest(c->svc, &src, off, len, w,
				    u.ck_alg != CK_NONE ? u.ck_alg : CK_CRC64NVME, &d)))
		goto out;
	if ((e = blob_sync(w)))
		goto out;
	p.size = len;
	hex_encode(d.md5, 16, p.etag);
	b64_encode(d.ck, d.cklen, p.ck_value);
	p.mtime_ms = now_ms();
	if ((e = commit_part(c, u.id, &p))) {
		blob_discard(c->svc->blobs, p.blob);
		goto out;
	}
	buf_init(&b, 0);
	xml_begin(&b, "CopyPartResult");
	fmt_iso8601(p.mtime_ms, date);
	xml_elem(&b, "LastModified", date);
	buf_printf(&b, "<ETag>&quot;%s&quot;</ETag>", p.etag);
	if (u.ck_alg != CK_NONE) {
		char name[32];
		snprintf(name, sizeof name, "Checksum%s", cksum_name(u.ck_alg));
		xml_elem(&b, name, p.ck_value);
	}
	xml_end(&b, "CopyPartResult");
	s3_reply_xml(c, &b);
out:
	if (w)
		blob_writer_free(w);
	meta_upload_fini(&u);
	meta_object_fini(&src);
	return e;
}

/* All stored parts of an upload, indexed by part number. */
struct part_table {
	struct meta_part *parts;
	size_t n, cap;
	int idx[S3_MAX_PARTS + 1]; /* part number -> index + 1, 0 = absent */
};

static int
collect_part(void *ctx, const struct meta_part *p)
{
	struct part_table *t = ctx;

	if (t->n == t->cap) {
		size_t ncap = t->cap ? 2 * t->cap : 64;
		struct meta_part *np = realloc(t->parts, ncap * sizeof *np);
		if (!np)
			return 1;
		t->parts = np;
		t->cap = ncap;
	}
	if (p->number < 1 || p->number > S3_MAX_PARTS)
		return 0;
	t->parts[t->n] = *p;
	t->idx[p->number] = (int)++t->n;
	return 0;
}

/* The object checksum of a completed upload. CRC64NVME parts of an upload
 * made without an algorithm (AWS's default) combine to a full-object CRC. */
static void
complete_checksum(const struct meta_upload *u, struct meta_part **sel, size_t n,
		  enum cksum_alg *alg, enum ck_type *type, char value[CKSUM_B64_MAX])
{
	enum cksum_alg a = u->ck_alg != CK_NONE ? u->ck_alg : CK_CRC64NVME;
	enum ck_type t = u->ck_alg != CK_NONE ? u->ck_type : CKT_FULL_OBJECT;
	size_t i, cl = cksum_len(a);
	uint8_t raw[CKSUM_MAX_LEN];

	*alg = CK_NONE;
	*type = CKT_NONE;
	value[0] = '\0';
	for (i = 0; i < n; i++)
		if (b64_decode(sel[i]->ck_value, strlen(sel[i]->ck_value), raw, sizeof raw) != (long)cl)
			return; /* a part was checked with another algorithm */
	if (t == CKT_FULL_OBJECT) {
		uint64_t crc = 0;
		for (i = 0; i < n; i++) {
			b64_decode(sel[i]->ck_value, strlen(sel[i]->ck_value), raw, sizeof raw);
			uint64_t pc = cksum_crc_from_bytes(a, raw);
			crc = i == 0 ? pc : cksum_crc_combine(a, crc, pc, sel[i]->size);
		}
		cksum_crc_to_bytes(a, crc, raw);
		b64_encode(raw, cl, value);
	} else {
		uint8_t *cat = malloc(n * cl + 1);
		size_t len;
		if (!cat)
			return;
		for (i = 0; i < n; i++)
			b64_decode(sel[i]->ck_value, strlen(sel[i]->ck_value), cat + i * cl, cl);
		cksum_compute(a, cat, n * cl, raw);
		free(cat);
		len = b64_encode(raw, cl, value);
		snprintf(value + len, CKSUM_B64_MAX - len, "-%zu", n);
	}
	*alg = a;
	*type = t;
}

enum err
s3_complete_multipart(struct s3_ctx *c)
{
	struct xmlreq_complete req;
	struct part_table *t = NULL;
	struct meta_part **sel = NULL;
	struct meta_upload u;
	struct meta_object o;
	struct blob_writer *w = NULL;
	EVP_MD_CTX *md5 = NULL;
	uint8_t digest[16];
	const char *host;
	size_t i;
	struct buf b, sizes;
	enum err e;

	buf_init(&sizes, 0);
	memset(&req, 0, sizeof req);
	memset(&u, 0, sizeof u);
	memset(&o, 0, sizeof o);
	if ((e = load_upload(c, &u)))
		goto out;
	if ((e = xmlreq_complete(c->xml.p ? c->xml.p : "", c->xml.len, &req)))
		goto out;
	for (i = 1; i < req.n; i++)
		if (req.parts[i].number <= req.parts[i - 1].number) {
			e = ERR_INVALID_PART_ORDER;
			goto out;
		}
	if (!(t = calloc(1, sizeof *t)) || !(sel = calloc(req.n, sizeof *sel))) {
		e = ERR_NOMEM;
		goto out;
	}
	if ((e = meta_part_scan(c->svc->meta, u.id, 0, S3_MAX_PARTS, collect_part, t)))
		goto out;
	for (i = 0; i < req.n; i++) {
		const struct xmlreq_part *rp = &req.parts[i];
		struct meta_part *p = t->idx[rp->number] ? &t->parts[t->idx[rp->number] - 1] : NULL;
		if (!p || strcmp(p->etag, rp->etag) != 0) {
			e = ERR_INVALID_PART;
			goto out;
		}
		if (u.ck_alg != CK_NONE && rp->ck[u.ck_alg][0] && strcmp(rp->ck[u.ck_alg], p->ck_value) != 0) {
			e = ERR_INVALID_PART;
			goto out;
		}
		if (i + 1 < req.n && p->size < S3_MIN_PART) {
			e = ERR_ENTITY_TOO_SMALL;
			goto out;
		}
		sel[i] = p;
	}
	/* ETag: MD5 of the parts' binary MD5s, then "-N". */
	if (!(md5 = EVP_MD_CTX_new()) || EVP_DigestInit_ex(md5, EVP_md5(), NULL) != 1) {
		e = ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < req.n; i++) {
		uint8_t pm[16];
		if (!hex_decode(sel[i]->etag, strlen(sel[i]->etag), pm, 16)) {
			e = ERR_INTERNAL;
			goto out;
		}
		EVP_DigestUpdate(md5, pm, 16);
	}
	EVP_DigestFinal_ex(md5, digest, NULL);

	snprintf(o.bucket, sizeof o.bucket, "%s", c->bucket);
	memcpy(o.key, c->key, c->key_len + 1);
	o.key_len = c->key_len;
	snprintf(o.owner, sizeof o.owner, "%s", u.owner);
	o.mtime_ms = now_ms();
	o.headers = u.headers;
	o.parts = (int)req.n;
	hex_encode(digest, 16, o.etag);
	snprintf(o.etag + 32, sizeof o.etag - 32, "-%zu", req.n);
	complete_checksum(&u, sel, req.n, &o.ck_alg, &o.ck_type, o.ck_value);
	if (o.ck_alg != CK_NONE) {
		const char *want = req_header(c->r, cksum_header(o.ck_alg));
		if (want && strcmp(want, o.ck_value) != 0) {
			e = ERR_BAD_DIGEST;
			goto out;
		}
	}
	for (i = 0; i < req.n; i++)
		buf_printf(&sizes, "%s%llu", i ? "," : "", (unsigned long long)sel[i]->size);
	o.part_sizes = sizes.p;
	if ((e = blob_create(c->svc->blobs, &w, o.blob)))
		goto out;
	for (i = 0; i < req.n; i++) {
		if ((e = blob_append_from(w, sel[i]->blob, 0, sel[i]->size)))
			goto out;
		o.size += sel[i]->size;
	}
	if ((e = blob_sync(w)))
		goto out;
	if ((e = meta_upload_complete(c->svc->meta, &u, &o))) {
		blob_discard(c->svc->blobs, o.blob);
		goto out;
	}
	if (blob_publish(c->svc->blobs, o.blob))
		log_error("s3: publishing blob %s failed; recovery will redo it", o.blob);
	s3_gc_sweep(c->svc);

	host = req_header(c->r, "Host");
	buf_init(&b, 0);
	xml_begin(&b, "CompleteMultipartUploadResult");
	buf_adds(&b, "<Location>http://");
	buf_add_xml(&b, host ? host : "localhost", strlen(host ? host : "localhost"));
	buf_addc(&b, '/');
	buf_add_xml(&b, c->bucket, strlen(c->bucket));
	buf_addc(&b, '/');
	uri_encode(&b, c->key, c->key_len, true);
	buf_adds(&b, "</Location>");
	xml_elem(&b, "Bucket", c->bucket);
	xml_elem(&b, "Key", c->key);
	buf_printf(&b, "<ETag>&quot;%s&quot;</ETag>", o.etag);
	if (o.ck_alg != CK_NONE) {
		char name[32];
		snprintf(name, sizeof name, "Checksum%s", cksum_name(o.ck_alg));
		xml_elem(&b, name, o.ck_value);
		xml_elem(&b, "ChecksumType", type_name(o.ck_type));
	}
	xml_end(&b, "CompleteMultipartUploadResult");
	s3_reply_xml(c, &b);
out:
	if (w)
		blob_writer_free(w);
	EVP_MD_CTX_free(md5);
	free(sel);
	if (t)
		free(t->parts);
	free(t);
	xmlreq_complete_free(&req);
	meta_upload_fini(&u);
	buf_fini(&sizes);
	return e;
}

enum err
s3_abort_multipart(struct s3_ctx *c)
{
	struct meta_upload u;
	enum err e;

	memset(&u, 0, sizeof u);
	if ((e = load_upload(c, &u)))
		goto out;
	if ((e = meta_upload_abort(c->svc->meta, c->bucket, c->key, u.id)))
		goto out;
	s3_gc_sweep(c->svc);
	c->r->status = 204;
out:
	meta_upload_fini(&u);
	return e;
}
