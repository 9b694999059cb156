/* ingest.h - receiving an object's bytes: the checksum headers and
 * trailer declaration of the request decide what is computed; bytes stream
 * into a new blob while MD5 (the ETag) and the checksum are computed in the
 * same pass; at the end the declared values are verified and the blob made
 * durable. Used by PutObject and UploadPart. */
#ifndef COFFER_INGEST_H
#define COFFER_INGEST_H

#include "core/cksum.h"
#include "s3/s3.h"

struct ingest {
	struct blob_writer *w;
	char blob[BLOB_ID_LEN + 1];
	struct digest d;
	char *wbuf;
	size_t wlen, wcap; /* wcap: wbuf's size, 0 when the body is empty */
	enum cksum_alg alg;
	bool ck_header;                 /* value came in a header */
	bool ck_trailer;                /* value comes in the trailer */
	uint8_t ck_want[CKSUM_MAX_LEN];
	bool has_md5;
	uint8_t md5_want[16];
	uint64_t size;
	bool synced;
	/* Small PutObject bodies stay in wbuf and are committed inline with the
	 * object's row (blob is then only their id; w is NULL). A body that
	 * outgrows its announced length spills into a blob file after all. */
	bool inl;
	/* results after ingest_end */
	char etag[META_ETAG_MAX + 1];
	char ck_b64[CKSUM_B64_MAX];
};

/* Reads the checksum-related headers of c->r. upload_alg is the algorithm a
 * multipart upload was created with (CK_NONE for PutObject): a part must use
 * it. Without any, CRC64NVME is computed, as AWS does. may_inline: a body
 * announced at most META_INLINE_MAX bytes is kept in memory for an inline
 * object (PutObject; parts always become files). */
enum err ingest_begin(struct s3_ctx *c, enum cksum_alg upload_alg, bool may_inline);
/* After the body: verify, fsync. The blob is then in tmp/, ready to publish;
 * or, inline, the bytes are wbuf[0, size). */
enum err ingest_end(struct s3_ctx *c);

/* Selects the checksum algorithm of a request's headers (x-amz-checksum-*,
 * x-amz-trailer, x-amz-sdk-checksum-algorithm); value (raw) when in a header. */
enum err ingest_checksum_headers(const struct req *r, enum cksum_alg *alg, bool *in_header,
				 bool *in_trailer, uint8_t value[CKSUM_MAX_LEN]);

/* Copies [off, off+len) of object src (its blob file, or its inline bytes)
 * into writer w, computing MD5 and alg. w may be NULL for an inline src:
 * then only the digests are computed. */
enum err ingest_copy_digest(struct s3_service *svc, const struct meta_object *src, uint64_t off,
			    uint64_t len, struct blob_writer *w, enum cksum_alg alg,
			    struct digest_out *out);

/* Deletes a replaced blob and drops it from the gc list. */
void s3_gc_blob(struct s3_service *svc, const char *id);
/* Works through the gc list (after aborts, completes, bucket deletes). */
void s3_gc_sweep(struct s3_service *svc);

#endif
