/* policy.c - bucket policy operations: PutBucketPolicy, GetBucketPolicy,
 * DeleteBucketPolicy, GetBucketPolicyStatus. The policy is enforced by
 * authz.c on every request to the bucket. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/timefmt.h"
#include "policy/policy.h"
#include "s3/bucketcache.h"
#include "s3/s3.h"

#define BUCKET_POLICY_MAX (20 * 1024)

/* Values of a string-or-array element. */
static size_t
str_values(json_t *v, const char **out, size_t max)
{
	size_t n = 0, i;
	json_t *x;

	if (json_is_string(v) && max)
		out[n++] = json_string_value(v);
	else if (json_is_array(v))
		json_array_foreach(v, i, x)
			if (json_is_string(x) && n < max)
				out[n++] = json_string_value(x);
	return n;
}

/* What AWS checks beyond the grammar: a bucket's policy speaks only of S3
 * actions and of this bucket and its objects. msg gets AWS's words. */
static const char *
bucket_scope_error(const char *doc, const char *bucket)
{
	json_t *j = json_loads(doc, 0, NULL), *stmts, *st;
	const char *err = NULL, *vals[64];
	char b[META_NAME_MAX + 16];
	size_t i, k, n, bl;

	if (!j)
		return NULL; /* the parser has already answered */
	bl = (size_t)snprintf(b, sizeof b, "arn:aws:s3:::%s", bucket);
	stmts = json_object_get(j, "Statement");
	if (json_is_object(stmts)) {
		json_t *arr = json_array();
		json_array_append(arr, stmts);
		stmts = arr;
	} else {
		json_incref(stmts);
	}
	json_array_foreach(stmts, i, st) {
		n = str_values(json_object_get(st, "Action"), vals, 64);
		n += str_values(json_object_get(st, "NotAction"), vals + n, 64 - n);
		for (k = 0; k < n && !err; k++)
			if (strcmp(vals[k], "*") != 0 && strncasecmp(vals[k], "s3:", 3) != 0)
				err = "Policy has invalid action";
		n = str_values(json_object_get(st, "Resource"), vals, 64);
		n += str_values(json_object_get(st, "NotResource"), vals + n, 64 - n);
		for (k = 0; k < n && !err; k++)
			if (strncmp(vals[k], b, bl) != 0 || (vals[k][bl] && vals[k][bl] != '/'))
				err = "Policy has invalid resource";
	}
	json_decref(stmts);
	json_decref(j);
	return err;
}

enum err
s3_put_bucket_policy(struct s3_ctx *c)
{
	struct pol *p = NULL;
	struct buf msg;
	enum err e;

	if ((e = s3_bucket_access(c, NULL)))
		return e;
	if (c->xml.len == 0 || c->xml.p[0] != '{')
		return ERR_S3_MALFORMED_POLICY;
	if (c->xml.len > BUCKET_POLICY_MAX) {
		req_error_detail(c->r, "Policies must be less than 20KB", NULL, NULL);
		return ERR_S3_MALFORMED_POLICY;
	}
	buf_init(&msg, 0);
	e = pol_parse(c->xml.p, c->xml.len, POL_RESOURCE, &p, &msg);
	if (e)
		req_error_detail(c->r, msg.p ? msg.p : NULL, NULL, NULL);
	buf_fini(&msg);
	pol_free(p);
	if (e)
		return ERR_S3_MALFORMED_POLICY;
	{
		const char *scope = bucket_scope_error(c->xml.p, c->bucket);
		if (scope) {
			req_error_detail(c->r, scope, NULL, NULL);
			return ERR_S3_MALFORMED_POLICY;
		}
	}
	e = meta_bucket_policy_put(c->svc->meta, c->bucket, c->xml.p, now_ms());
	bucketcache_bump();
	if (e)
		return e;
	c->r->status = 204;
	return ERR_OK;
}

enum err
s3_get_bucket_policy(struct s3_ctx *c)
{
	char *doc = NULL;
	enum err e;

	if ((e = s3_bucket_access(c, NULL)))
		return e;
	if ((e = meta_bucket_policy_get(c->svc->meta, c->bucket, &doc)))
		return e;
	if (!doc)
		return ERR_S3_NO_SUCH_BUCKET_POLICY;
	buf_reset(&c->r->body);
	buf_adds(&c->r->body, doc);
	free(doc);
	c->r->status = 200;
	req_set_header(c->r, "Content-Type", "application/json");
	return ERR_OK;
}

enum err
s3_delete_bucket_policy(struct s3_ctx *c)
{
	enum err e;

	if ((e = s3_bucket_access(c, NULL)))
		return e;
	e = meta_bucket_policy_put(c->svc->meta, c->bucket, NULL, now_ms());
	bucketcache_bump();
	if (e)
		return e;
	c->r->status = 204;
	return ERR_OK;
}

static bool
principal_is_everyone(json_t *p)
{
	json_t *aws, *v;
	size_t i;

	if (json_is_string(p))
		return strcmp(json_string_value(p), "*") == 0;
	aws = json_object_get(p, "AWS");
	if (json_is_string(aws))
		return strcmp(json_string_value(aws), "*") == 0;
	json_array_foreach(aws, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), "*") == 0)
			return true;
	return false;
}

/* Public, as AWS judges it in the simple case: an Allow to everyone that
 * no condition narrows. A conditioned grant is treated as not public. */
static bool
policy_is_public(const char *doc)
{
	json_t *j = json_loads(doc, 0, NULL), *stmts, *st;
	bool pub = false;
	size_t i;

	if (!j)
		return false;
	stmts = json_object_get(j, "Statement");
	if (json_is_object(stmts)) {
		json_t *arr = json_array();
		json_array_append(arr, stmts);
		stmts = arr;
	} else {
		json_incref(stmts);
	}
	json_array_foreach(stmts, i, st) {
		const char *eff = json_string_value(json_object_get(st, "Effect"));
		if (eff && strcmp(eff, "Allow") == 0 && !json_object_get(st, "Condition") &&
		    principal_is_everyone(json_object_get(st, "Principal")))
			pub = true;
	}
	json_decref(stmts);
	json_decref(j);
	return pub;
}

enum err
s3_get_bucket_policy_status(struct s3_ctx *c)
{
	char *doc = NULL;
	struct buf b;
	enum err e;

	if ((e = s3_bucket_access(c, NULL)))
		return e;
	if ((e = meta_bucket_policy_get(c->svc->meta, c->bucket, &doc)))
		return e;
	if (!doc)
		return ERR_S3_NO_SUCH_BUCKET_POLICY;
	buf_init(&b, 0);
	xml_begin(&b, "PolicyStatus");
	xml_elem_bool(&b, "IsPublic", policy_is_public(doc));
	xml_end(&b, "PolicyStatus");
	free(doc);
	s3_reply_xml(c, &b);
	return ERR_OK;
}
