/* ingest.c - see ingest.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "core/crypto.h"
#include "core/log.h"
#include "s3/ingest.h"

#define WBUF_SIZE (256u << 10)
#define COPY_BUF (256u << 10)

enum err
ingest_checksum_headers(const struct req *r, enum cksum_alg *alg, bool *in_header,
			bool *in_trailer, uint8_t value[CKSUM_MAX_LEN])
{
	const char *sdk = req_header(r, "x-amz-sdk-checksum-algorithm");
	const char *trailer = req_header(r, "x-amz-trailer");
	enum cksum_alg a = CK_NONE, sdk_alg = CK_NONE, tr_alg = CK_NONE;
	int found = 0, i;

	*in_header = *in_trailer = false;
	for (i = CK_CRC32; i < CK__COUNT; i++) {
		const char *v = req_header(r, cksum_header((enum cksum_alg)i));
		long n;
		if (!v)
			continue;
		if (++found > 1)
			return ERR_MULTIPLE_CHECKSUMS;
		a = (enum cksum_alg)i;
		n = b64_decode(v, strlen(v), value, CKSUM_MAX_LEN);
		if (n != (long)cksum_len(a))
			return ERR_INVALID_CHECKSUM;
		*in_header = true;
	}
	if (trailer) {
		size_t tl = strcspn(trailer, " ,");
		if (tl > 15 && strncasecmp(trailer, "x-amz-checksum-", 15) == 0)
			tr_alg = cksum_from_name(trailer + 15, tl - 15);
		if (tr_alg == CK_NONE)
			return ERR_INVALID_REQUEST;
		/* A value in a header and another in the trailer: refused. */
		if (*in_header)
			return ERR_MULTIPLE_CHECKSUMS;
		a = tr_alg;
		*in_trailer = true;
	}
	if (sdk) {
		sdk_alg = cksum_from_name(sdk, strlen(sdk));
		if (sdk_alg == CK_NONE)
			return ERR_INVALID_REQUEST;
		if (a != CK_NONE && a != sdk_alg)
			return ERR_INVALID_REQUEST;
		a = sdk_alg;
	}
	*alg = a;
	return ERR_OK;
}

static enum err
parse_content_md5(const struct req *r, struct ingest *in)
{
	const char *v = req_header(r, "Content-MD5");

	if (!v)
		return ERR_OK;
	if (b64_decode(v, strlen(v), in->md5_want, sizeof in->md5_want) != 16)
		return ERR_INVALID_DIGEST;
	in->has_md5 = true;
	return ERR_OK;
}

/* The most body bytes the request can carry: the decoded length for
 * aws-chunked bodies, else Content-Length (which for aws-chunked includes
 * the framing, so it is an upper bound too); UINT64_MAX when unknown. */
static uint64_t
max_body(const struct req *r)
{
	const char *dl = req_header(r, "x-amz-decoded-content-length");
	const char *cl = req_header(r, "Content-Length");

	if (dl)
		return strtoull(dl, NULL, 10);
	if (cl && !req_header(r, "Transfer-Encoding"))
		return strtoull(cl, NULL, 10);
	return UINT64_MAX;
}

static enum err
check_length(const struct req *r)
{
	const char *cl = req_header(r, "Content-Length");
	const char *dl = req_header(r, "x-amz-decoded-content-length");
	const char *te = req_header(r, "Transfer-Encoding");

	if (!cl && !te)
		return ERR_MISSING_CONTENT_LENGTH;
	if (dl && strtoull(dl, NULL, 10) > S3_MAX_PUT)
		return ERR_ENTITY_TOO_LARGE;
	if (!dl && cl && strtoull(cl, NULL, 10) > S3_MAX_PUT)
		return ERR_ENTITY_TOO_LARGE;
	return ERR_OK;
}

enum err
ingest_begin(struct s3_ctx *c, enum cksum_alg upload_alg, bool may_inline)
{
	struct ingest *in;
	enum cksum_alg alg;
	bool hdr, tr;
	uint8_t val[CKSUM_MAX_LEN];
	uint64_t body;
	enum err e;

	if ((e = check_length(c->r)))
		return e;
	if ((e = ingest_checksum_headers(c->r, &alg, &hdr, &tr, val)))
		return e;
	if (upload_alg != CK_NONE && alg != CK_NONE && alg != upload_alg)
		return ERR_INVALID_REQUEST;
	if (alg == CK_NONE)
		alg = upload_alg != CK_NONE ? upload_alg : CK_CRC64NVME;
	if (!(in = calloc(1, sizeof *in)))
		return ERR_NOMEM;
	c->in = in;
	in->alg = alg;
	in->ck_header = hdr;
	in->ck_trailer = tr;
	memcpy(in->ck_want, val, sizeof val);
	if ((e = parse_content_md5(c->r, in)))
		return e;
	/* Sized to the body when it is known and small: a 4 KiB PUT then
	 * costs a 4 KiB allocation rather than mapping and unmapping 256 KiB,
	 * and reaches the file in one write(). A 0-byte PUT needs none. */
	body = max_body(c->r);
	in->wcap = body < WBUF_SIZE ? (size_t)body : WBUF_SIZE;
	if (in->wcap && !(in->wbuf = malloc(in->wcap)))
		return ERR_NOMEM;
	if ((e = digest_init(&in->d, true, false, alg)))
		return e;
	if (may_inline && body <= META_INLINE_MAX) {
		in->inl = true;
		return blob_new_id(in->blob);
	}
	return blob_create(c->svc->blobs, &in->w, in->blob);
}

static enum err
flush(struct ingest *in)
{
	enum err e = ERR_OK;

	if (in->wlen && in->w) {
		e = blob_write(in->w, in->wbuf, in->wlen);
		in->wlen = 0;
	}
	return e;
}

enum err
s3_ingest_data(struct s3_ctx *c, const char *p, size_t n)
{
	struct ingest *in = c->in;
	enum err e;

	if (n == 0)
		return ERR_OK;
	in->size += n;
	if (in->size > S3_MAX_PUT)
		return ERR_ENTITY_TOO_LARGE;
	digest_update(&in->d, p, n);
	if (in->wlen + n > in->wcap) {
		/* More than announced (a lying aws-chunked length is caught
		 * later) or simply a full buffer. */
		if (in->inl) {
			in->inl = false;
			if ((e = blob_create(c->svc->blobs, &in->w, in->blob)))
				return e;
		}
		if ((e = flush(in)))
			return e;
		if (n >= in->wcap)
			return blob_write(in->w, p, n);
	}
	memcpy(in->wbuf + in->wlen, p, n);
	in->wlen += n;
	return ERR_OK;
}

enum err
ingest_end(struct s3_ctx *c)
{
	struct ingest *in = c->in;
	struct digest_out out;
	enum err e;

	if (!in->inl && (e = flush(in)))
		return e;
	digest_final(&in->d, &out);
	if (in->has_md5 && !crypto_ct_eq(out.md5, in->md5_want, 16))
		return ERR_BAD_DIGEST;
	if (in->ck_trailer) {
		const char *v = authn_trailer(&c->auth, cksum_header(in->alg));
		uint8_t got[CKSUM_MAX_LEN];
		if (!v || b64_decode(v, strlen(v), got, sizeof got) != (long)cksum_len(in->alg))
			return ERR_BAD_DIGEST;
		memcpy(in->ck_want, got, sizeof got);
	}
	if ((in->ck_header || in->ck_trailer) &&
	    !crypto_ct_eq(out.ck, in->ck_want, cksum_len(in->alg)))
		return ERR_BAD_DIGEST;
	hex_encode(out.md5, 16, in->etag);
	b64_encode(out.ck, out.cklen, in->ck_b64);
	if (in->inl)
		return ERR_OK; /* durable with its row */
	if ((e = blob_sync(in->w)))
		return e;
	in->synced = true;
	return ERR_OK;
}

/* Frees ingest state; an upload that never committed leaves no file. */
void
s3_ingest_free(struct s3_ctx *c)
{
	struct ingest *in = c->in;

	if (!in)
		return;
	digest_fini(&in->d);
	if (in->w)
		blob_writer_free(in->w);
	if (in->synced && in->blob[0])
		blob_discard(c->svc->blobs, in->blob); /* no-op once published */
	free(in->wbuf);
	free(in);
	c->in = NULL;
}

enum err
ingest_copy_digest(struct s3_service *svc, const struct meta_object *src, uint64_t off,
		   uint64_t len, struct blob_writer *w, enum cksum_alg alg, struct digest_out *out)
{
	struct digest d;
	uint64_t size, done = 0;
	char *buf = NULL;
	int fd = -1;
	enum err e;

	if ((e = digest_init(&d, true, false, alg)))
		return e;
	if (src->inl) {
		if (off + len > src->size) {
			e = ERR_INVALID_RANGE;
			goto out;
		}
		if (len) {
			digest_update(&d, src->data + off, (size_t)len);
			if (w && (e = blob_write(w, src->data + off, (size_t)len)))
				goto out;
		}
		digest_final(&d, out);
		goto out;
	}
	if (!w) {
		e = ERR_INTERNAL;
		goto out;
	}
	if ((e = blob_open_read(svc->blobs, src->blob, &fd, &size)))
		goto out;
	if (off + len > size) {
		e = ERR_INVALID_RANGE;
		goto out;
	}
	if (!(buf = malloc(COPY_BUF))) {
		e = ERR_NOMEM;
		goto out;
	}
	while (done < len) {
		size_t want = len - done > COPY_BUF ? COPY_BUF : (size_t)(len - done);
		ssize_t n = pread(fd, buf, want, (off_t)(off + done));
		if (n <= 0) {
			e = ERR_INTERNAL;
			goto out;
		}
		digest_update(&d, buf, (size_t)n);
		if ((e = blob_write(w, buf, (size_t)n)))
			goto out;
		done += (uint64_t)n;
	}
	digest_final(&d, out);
out:
	digest_fini(&d);
	free(buf);
	if (fd >= 0)
		close(fd);
	return e;
}

/* The gc row is dropped by the next write batch rather than in a
 * transaction of its own, which would cost the request another WAL fsync;
 * if that is lost in a crash, the start-up sweep retries a file that is
 * already gone, which is harmless. */
void
s3_gc_blob(struct s3_service *svc, const char *id)
{
	if (!id || !id[0])
		return;
	if (blob_delete(svc->blobs, id) == ERR_OK)
		meta_gc_done_later(svc->meta, id);
}

/* The sweep rescans the gc table, so its drops must land before the scan. */
static void
gc_blob_now(struct s3_service *svc, const char *id)
{
	if (blob_delete(svc->blobs, id) == ERR_OK)
		meta_gc_done(svc->meta, id);
}

struct gc_batch {
	char (*ids)[BLOB_ID_LEN + 1];
	size_t n, cap;
};

static void
gc_collect(void *ctx, const char *id)
{
	struct gc_batch *b = ctx;

	if (b->n < b->cap && strlen(id) == BLOB_ID_LEN)
		memcpy(b->ids[b->n++], id, BLOB_ID_LEN + 1);
}

/* Ids are collected first and deleted after the scan, so no statement is
 * reading the gc table while it is written. */
void
s3_gc_sweep(struct s3_service *svc)
{
	struct gc_batch b = {NULL, 0, 1024};
	int rounds = 0;
	size_t i;

	do {
		b.n = 0;
		if (!b.ids && !(b.ids = malloc(b.cap * sizeof *b.ids)))
			return;
		if (meta_gc_scan(svc->meta, b.cap, gc_collect, &b))
			break;
		for (i = 0; i < b.n; i++)
			gc_blob_now(svc, b.ids[i]);
	} while (b.n == b.cap && ++rounds < 64);
	free(b.ids);
}
