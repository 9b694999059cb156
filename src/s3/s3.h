/* s3.h - the S3 service: shared state, the per-request context handed to
 * every operation, and the helpers operations share (query arguments,
 * XML output, stored headers). What each operation does lives in
 * bucket.c / object.c / multipart.c / list.c; how a request reaches it in
 * dispatch.c; the op table in ops.def. */
#ifndef COFFER_S3_H
#define COFFER_S3_H

#include <stdbool.h>
#include <stdint.h>
#include "auth/authn.h"
#include "core/buf.h"
#include "http/http.h"
#include "store/blob/blob.h"
#include "store/meta/meta.h"

#define S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"
#define S3_MAX_QARGS 40
#define S3_MIN_PART (5u << 20)
#define S3_MAX_PUT (5ull << 30)
#define S3_MAX_PARTS 10000

struct s3_service {
	struct meta *meta;
	struct blob_store *blobs;
	struct authn_cfg auth;
	const char *region;
	const char *domain;   /* virtual-hosted style base domain, or NULL */
};

/* Which level of the resource tree a request addresses. */
enum s3_level { LVL_SERVICE, LVL_BUCKET, LVL_OBJECT };

/* How an operation takes its body. */
enum s3_body { BODY_NONE, BODY_XML, BODY_STREAM };

struct s3_ctx;
typedef enum err (*s3_fn)(struct s3_ctx *c);
typedef enum err (*s3_body_fn)(struct s3_ctx *c, const char *p, size_t n);

struct s3_op {
	const char *name;     /* operation name, e.g. "PutObject" */
	const char *method;
	enum s3_level level;
	const char *sub;      /* query argument that selects it, or NULL */
	int copy;             /* 1: needs x-amz-copy-source, 0: must not have it, -1: either */
	enum s3_body body;
	const char *action;   /* IAM action, e.g. "s3:PutObject" */
	s3_fn begin;          /* after auth, before the body (may be NULL) */
	s3_body_fn data;      /* BODY_STREAM only */
	s3_fn finish;         /* after the body: does the work, sets the response */
};

struct qarg {
	char *k, *v;          /* decoded; v is "" for a bare argument */
	bool has_v;
};

struct ingest;

struct s3_ctx {
	struct s3_service *svc;
	struct req *r;
	const struct s3_op *op;
	enum s3_level level;
	char bucket[META_NAME_MAX + 1];
	char *key;            /* decoded object key (owned) or NULL */
	size_t key_len;
	struct qarg q[S3_MAX_QARGS];
	size_t nq;
	struct authn auth;
	bool authed;
	/* The account the request acts for: the caller's, or for an anonymous
	 * request the bucket owner's (objects it writes belong to the bucket
	 * owner, as with AWS's BucketOwnerEnforced). */
	char acct[META_ACCOUNT_LEN + 1];
	struct buf xml;       /* BODY_XML bodies, capped */
	struct ingest *in;    /* BODY_STREAM uploads */
	void *priv;           /* operation-private state */
	void (*priv_free)(void *priv);
};

/* Query argument value (decoded) or NULL when absent. */
const char *s3_arg(const struct s3_ctx *c, const char *k);
bool s3_has_arg(const struct s3_ctx *c, const char *k);

/* Response helpers: start an XML document with its root element (with the S3
 * namespace), add <name>escaped text</name>, close. */
void xml_begin(struct buf *b, const char *root);
void xml_elem(struct buf *b, const char *name, const char *text);
void xml_elemn(struct buf *b, const char *name, const char *text, size_t n);
void xml_elem_u64(struct buf *b, const char *name, uint64_t v);
void xml_elem_bool(struct buf *b, const char *name, bool v);
void xml_end(struct buf *b, const char *root);
/* Finishes the response as 200 application/xml with body b (moved). */
void s3_reply_xml(struct s3_ctx *c, struct buf *b);
/* The canonical user id shown as Owner/ID for an account. */
void s3_owner_id(const char *account, char out[65]);
void xml_owner(struct buf *b, const char *account);

/* Error rendering, used by dispatch for every failure. */
void s3_render_error(struct req *r, enum err e, const char *bucket, const char *key);

/* Splits the request's address into c->bucket and c->key (decoded), and sets
 * c->level: virtual-hosted style when the Host is <bucket>.<svc->domain>,
 * else the first path segment is the bucket. Pure: exposed for the fuzzer. */
enum err s3_parse_address(struct s3_ctx *c);
/* An object key S3 accepts: at most META_KEY_MAX bytes (ERR_KEY_TOO_LONG),
 * valid UTF-8 without NUL (ERR_INVALID_KEY). */
enum err s3_check_key(const char *key, size_t len);
/* Bucket names per AWS's rules for new buckets. */
bool s3_valid_bucket_name(const char *name);
/* The ARN of the request's resource (bucket, object, or "*"), into out. */
void s3_resource_arn(const char *bucket, const char *key, char *out, size_t cap);
/* Looks the bucket up and checks the caller's account owns it. */
enum err s3_bucket_access(struct s3_ctx *c, struct meta_bucket *out);

/* Stored headers: collect the request's storable headers and x-amz-meta-*
 * into "name:value\n" lines (ERR_METADATA_TOO_LARGE past 2 KiB of user
 * metadata), and emit stored lines as response headers. */
enum err s3_collect_headers(const struct req *r, struct buf *out);
void s3_emit_headers(struct req *r, const char *stored);

/* Refuses headers asking for features coffer lacks (SSE, tagging, ACL
 * grants, object lock, other storage classes) with NotImplemented. */
enum err s3_refuse_unsupported(const struct req *r);
/* x-amz-copy-source parsing, and loading the source object with access and
 * x-amz-copy-source-if-* checks (object.c). */
enum err s3_copy_source(struct s3_ctx *c, char bucket[META_NAME_MAX + 1], struct buf *key);
enum err s3_copy_source_object(struct s3_ctx *c, struct meta_object *src);
void s3_ingest_free(struct s3_ctx *c);

/* Operations (one file each group). */
enum err s3_list_buckets(struct s3_ctx *c);
enum err s3_create_bucket(struct s3_ctx *c);
enum err s3_head_bucket(struct s3_ctx *c);
enum err s3_delete_bucket(struct s3_ctx *c);
enum err s3_get_bucket_location(struct s3_ctx *c);
enum err s3_get_bucket_versioning(struct s3_ctx *c);
enum err s3_get_acl(struct s3_ctx *c);
enum err s3_put_acl(struct s3_ctx *c);
enum err s3_get_object_tagging(struct s3_ctx *c);
enum err s3_put_bucket_policy(struct s3_ctx *c);
enum err s3_get_bucket_policy(struct s3_ctx *c);
enum err s3_delete_bucket_policy(struct s3_ctx *c);
enum err s3_get_bucket_policy_status(struct s3_ctx *c);

enum err s3_put_object_begin(struct s3_ctx *c);
enum err s3_ingest_data(struct s3_ctx *c, const char *p, size_t n);
enum err s3_put_object(struct s3_ctx *c);
enum err s3_get_object(struct s3_ctx *c);
enum err s3_head_object(struct s3_ctx *c);
enum err s3_delete_object(struct s3_ctx *c);
enum err s3_delete_objects(struct s3_ctx *c);
enum err s3_copy_object(struct s3_ctx *c);

enum err s3_create_multipart(struct s3_ctx *c);
enum err s3_upload_part_begin(struct s3_ctx *c);
enum err s3_upload_part(struct s3_ctx *c);
enum err s3_upload_part_copy(struct s3_ctx *c);
enum err s3_complete_multipart(struct s3_ctx *c);
enum err s3_abort_multipart(struct s3_ctx *c);

enum err s3_list_objects(struct s3_ctx *c);    /* v1 */
enum err s3_list_objects_v2(struct s3_ctx *c);
enum err s3_list_uploads(struct s3_ctx *c);
enum err s3_list_parts(struct s3_ctx *c);

/* The S3 app for the router. */
enum err s3_start(struct s3_service *svc, struct req *r);
enum err s3_body(struct req *r, const char *p, size_t n);
enum err s3_finish(struct req *r);
void s3_cleanup(struct req *r);
void s3_error(struct req *r, enum err e);

#endif
