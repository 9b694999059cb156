/* meta.h - the only interface to metadata (accounts, keys, buckets, objects,
 * multipart uploads, the blob garbage list). The SQLite engine behind it is
 * private to src/store/meta/; nothing else includes sqlite3.h. Every call is
 * one transaction; calls are safe from any thread (a connection per thread).
 * Strings passed in are NUL-terminated; keys are compared as raw bytes. */
#ifndef COFFER_META_H
#define COFFER_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/cksum.h"
#include "core/err.h"
#include "store/blob/blob.h"

#define META_ACCOUNT_LEN 12
#define META_NAME_MAX 64   /* user names, bucket names (63) */
#define META_KEY_MAX 1024  /* object keys, bytes */
#define META_AKID_MAX 128
#define META_SEALED_MAX 128
#define META_UPLOAD_ID_LEN 64
#define META_ETAG_MAX 48   /* 32 hex + "-10000" */
/* Objects up to this size keep their bytes in the metadata store, committed
 * with their row (no blob file): see schema v3 in sqlite.c. */
#define META_INLINE_MAX (32u << 10)

struct meta;

/* Opens or creates <path> (WAL, synchronous=FULL, foreign keys on) and
 * migrates the schema. */
enum err meta_open(const char *path, struct meta **out);
void meta_close(struct meta *m);

/* ---- account, root user, access keys ---- */
struct meta_account {
	char id[META_ACCOUNT_LEN + 1];
	char root_user[META_NAME_MAX + 1];
	int64_t created_ms;
};
/* ERR_OK and *found=false on an empty database. */
enum err meta_account_get(struct meta *m, struct meta_account *out, bool *found);

struct meta_key {
	char akid[META_AKID_MAX + 1];
	char account[META_ACCOUNT_LEN + 1];
	char user[META_NAME_MAX + 1]; /* owning user name; root user for root keys */
	bool is_root;                 /* key of the account's root user */
	bool active;
	uint8_t sealed[META_SEALED_MAX]; /* AES-GCM sealed secret (see core/crypto.h) */
	size_t sealed_len;
	int64_t created_ms;
	/* the owning user's (filled by meta_key_get) */
	char user_id[33];
	char user_arn[320];
};
/* Creates the account, its root user and the root key in one transaction. */
enum err meta_bootstrap(struct meta *m, const struct meta_account *acct, const struct meta_key *key);
/* ERR_INVALID_ACCESS_KEY when unknown. */
enum err meta_key_get(struct meta *m, const char *akid, struct meta_key *out);
/* Records last use (date, service, region); cheap, may be coalesced. */
enum err meta_key_touch(struct meta *m, const char *akid, int64_t now_ms, const char *service,
			const char *region);

/* Master key rotation: in one transaction, fn re-seals every stored secret
 * (in: the sealed bytes; out: the new sealed bytes). */
enum err meta_keys_reseal(struct meta *m,
			  enum err (*fn)(void *ctx, const char *akid, const uint8_t *in, size_t n,
					 uint8_t *out, size_t *outlen),
			  void *ctx, size_t *count);

/* ---- buckets ---- */
struct meta_bucket {
	char name[META_NAME_MAX + 1];
	char account[META_ACCOUNT_LEN + 1];
	char region[32];
	int64_t created_ms;
};
/* ERR_BUCKET_OWNED if the name exists and belongs to b->account,
 * ERR_BUCKET_EXISTS if it belongs to another account. */
enum err meta_bucket_create(struct meta *m, const struct meta_bucket *b);
/* ERR_NO_SUCH_BUCKET when absent. out may be NULL (existence check). */
enum err meta_bucket_get(struct meta *m, const char *name, struct meta_bucket *out);
/* ERR_NO_SUCH_BUCKET, ERR_BUCKET_NOT_EMPTY when objects remain. Uploads in
 * progress are aborted with the bucket (their part blobs go to the gc list). */
enum err meta_bucket_delete(struct meta *m, const char *name);
/* The bucket's policy document: *doc malloc'd, or NULL when none.
 * ERR_NO_SUCH_BUCKET when the bucket does not exist. */
enum err meta_bucket_policy_get(struct meta *m, const char *bucket, char **doc);
/* Sets (doc non-NULL) or removes (doc NULL) the bucket's policy. */
enum err meta_bucket_policy_put(struct meta *m, const char *bucket, const char *doc, int64_t now_ms);
/* Buckets of an account in name order; fn returning non-zero stops. */
enum err meta_bucket_list(struct meta *m, const char *account,
			  int (*fn)(void *ctx, const struct meta_bucket *b), void *ctx);

/* ---- objects ---- */
enum ck_type { CKT_NONE = 0, CKT_FULL_OBJECT, CKT_COMPOSITE };

struct meta_object {
	char bucket[META_NAME_MAX + 1];
	char key[META_KEY_MAX + 1];
	size_t key_len;
	char blob[BLOB_ID_LEN + 1];
	uint64_t size;
	char etag[META_ETAG_MAX + 1]; /* without quotes */
	int64_t mtime_ms;
	char owner[META_ACCOUNT_LEN + 1];
	/* Stored response headers and user metadata as "lower-name:value\n" lines
	 * (content-type, content-encoding, content-disposition, content-language,
	 * cache-control, expires, x-amz-meta-*, ...). malloc'd; NULL when none.
	 * Filled by meta_object_get, not by scans. Freed by meta_object_fini. */
	char *headers;
	enum cksum_alg ck_alg;
	enum ck_type ck_type;
	char ck_value[CKSUM_B64_MAX]; /* base64; for COMPOSITE it ends "-N" */
	int parts;                    /* 0 unless made by multipart upload */
	/* Multipart objects: the parts' sizes, "s1,s2,...", for GetObject by
	 * partNumber. malloc'd, filled by meta_object_get only; NULL otherwise. */
	char *part_sizes;
	/* Inline objects (size <= META_INLINE_MAX): the bytes live in the
	 * metadata store, blob is only their id there, no file exists. For
	 * meta_object_put, data points at size bytes (borrowed, like headers);
	 * meta_object_get_data fills it malloc'd, size + 1 bytes with a NUL
	 * after the object's (see buf_adopt). Not filled by scans. */
	bool inl;
	char *data;
	/* Writes only, optional: a precondition (If-None-Match, If-Match)
	 * judged inside the transaction that writes, against the stored ETag
	 * (NULL when the key is absent), so that of two racing conditional
	 * writes only one can succeed. A non-OK answer fails the write with
	 * that error and changes nothing. */
	enum err (*precond)(void *ctx, const char *cur_etag);
	void *precond_ctx;
};
void meta_object_fini(struct meta_object *o);

/* ERR_NO_SUCH_KEY when absent. Sets inl, leaves data NULL. */
enum err meta_object_get(struct meta *m, const char *bucket, const char *key,
			 struct meta_object *out);
/* The same, plus an inline object's bytes in out->data (one statement). */
enum err meta_object_get_data(struct meta *m, const char *bucket, const char *key,
			      struct meta_object *out);
/* Inserts or replaces (bucket,key) in one transaction, which fails with
 * ERR_NO_SUCH_BUCKET if the bucket is gone. A replaced blob id is put on
 * the gc list in the same transaction and copied to old_blob ("" if none,
 * or if the replaced object was inline: its bytes went with its row). An
 * inline o (o->inl) stores its o->size bytes from o->data. */
enum err meta_object_put(struct meta *m, const struct meta_object *o,
			 char old_blob[BLOB_ID_LEN + 1]);
/* meta_object_put without waiting: the write joins the next group commit
 * and done(ctx, rc, old_blob) runs on the store's commit thread once the
 * transaction holding it committed (rc ERR_OK: durable and visible) or
 * failed. o and everything it points to must stay valid until then. An
 * invalid o is refused at once (done is not called). done must not block
 * on the store's writes (it runs on the thread that makes them). */
typedef void (*meta_done_fn)(void *ctx, enum err rc, const char old_blob[BLOB_ID_LEN + 1]);
enum err meta_object_put_async(struct meta *m, const struct meta_object *o, meta_done_fn done,
			       void *ctx);
/* Deletes if present (deleting a missing key is ERR_OK, old_blob ""; an
 * inline object's bytes go with its row, old_blob "" too). */
enum err meta_object_delete(struct meta *m, const char *bucket, const char *key,
			    char old_blob[BLOB_ID_LEN + 1]);
/* Objects of bucket in key byte order with key > after (key >= after when
 * inclusive; after NULL = from the start) and key starting with prefix (NULL
 * or "" = all), at most limit rows. Fills all fields except headers. fn
 * returning non-zero stops early. */
enum err meta_object_scan(struct meta *m, const char *bucket, const char *after, bool inclusive,
			  const char *prefix, size_t limit,
			  int (*fn)(void *ctx, const struct meta_object *o), void *ctx);

/* ---- multipart uploads ---- */
struct meta_upload {
	char id[META_UPLOAD_ID_LEN + 1];
	char bucket[META_NAME_MAX + 1];
	char key[META_KEY_MAX + 1];
	char owner[META_ACCOUNT_LEN + 1];
	int64_t initiated_ms;
	char *headers; /* as in meta_object; malloc'd, filled by get only */
	enum cksum_alg ck_alg;
	enum ck_type ck_type;
};
void meta_upload_fini(struct meta_upload *u);
enum err meta_upload_create(struct meta *m, const struct meta_upload *u);
/* ERR_NO_SUCH_UPLOAD unless id exists in bucket with key. */
enum err meta_upload_get(struct meta *m, const char *bucket, const char *key, const char *id,
			 struct meta_upload *out);
/* Uploads of bucket ordered by (key, initiated, id), after the markers
 * (key_marker NULL = start; with id_marker, same key and id after it; see
 * S3 ListMultipartUploads), with prefix; at most limit. No headers filled. */
enum err meta_upload_scan(struct meta *m, const char *bucket, const char *prefix,
			  const char *key_marker, const char *id_marker, size_t limit,
			  int (*fn)(void *ctx, const struct meta_upload *u), void *ctx);
/* Removes the upload and its parts; part blobs go on the gc list. */
enum err meta_upload_abort(struct meta *m, const char *bucket, const char *key, const char *id);

struct meta_part {
	int number;
	char blob[BLOB_ID_LEN + 1];
	uint64_t size;
	char etag[META_ETAG_MAX + 1];
	int64_t mtime_ms;
	char ck_value[CKSUM_B64_MAX]; /* base64 of the upload's ck_alg, "" if none */
};
/* Inserts or replaces part number; ERR_NO_SUCH_UPLOAD if the upload is gone.
 * A replaced part's blob goes on the gc list (copied to old_blob). */
enum err meta_part_put(struct meta *m, const char *upload_id, const struct meta_part *p,
		       char old_blob[BLOB_ID_LEN + 1]);
/* Parts with number > after, ascending, at most limit. */
enum err meta_part_scan(struct meta *m, const char *upload_id, int after, size_t limit,
			int (*fn)(void *ctx, const struct meta_part *p), void *ctx);
/* In one transaction: checks the upload still exists (ERR_NO_SUCH_UPLOAD),
 * inserts/replaces the object o (ERR_NO_SUCH_BUCKET if gone), removes the
 * upload and all its parts, and puts every part blob plus the replaced
 * object's blob on the gc list. */
enum err meta_upload_complete(struct meta *m, const struct meta_upload *u,
			      const struct meta_object *o);

/* ---- blob garbage list ---- */
/* Is any committed row (object or part) referencing blob id? Used by recovery. */
enum err meta_blob_referenced(struct meta *m, const char *id, bool *yes);
/* Calls fn for each id on the gc list (at most limit). */
enum err meta_gc_scan(struct meta *m, size_t limit, void (*fn)(void *ctx, const char *id), void *ctx);
/* Drops id from the gc list once its file is gone. */
enum err meta_gc_done(struct meta *m, const char *id);
/* The same without waiting: the row is dropped by the next object or part
 * write's transaction (or at close). Losing that in a crash is harmless:
 * the start-up sweep finds the file already gone and drops the row then. */
void meta_gc_done_later(struct meta *m, const char *id);

#endif
