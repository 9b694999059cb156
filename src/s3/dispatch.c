/* dispatch.c - how a request reaches an S3 operation: address parsing (path
 * and virtual-hosted style), query decoding, the op table match, SigV4
 * authentication, then the body routed through the payload checks into the
 * operation. Every failure leaves through s3_error. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "audit/audit.h"
#include "authz/authz.h"
#include "core/log.h"
#include "s3/bucketcache.h"
#include "s3/s3.h"
#include "s3/xmlreq.h"

static const struct s3_op ops[] = {
#define OP(name, method, level, sub, copy, body, action, begin, data, finish) \
	{#name, method, level, sub, copy, body, action, begin, data, finish},
#include "s3/ops.def"
#undef OP
};

/* Sub-resources S3 defines that coffer does not implement yet: a request
 * naming one must get NotImplemented, never the plain operation's answer. */
static const char *const unimplemented_subs[] = {
	"accelerate", "acl", "analytics", "attributes", "cors", "encryption", "intelligent-tiering",
	"inventory", "legal-hold", "lifecycle", "logging", "metrics", "notification",
	"object-lock", "ownershipControls", "publicAccessBlock",
	"replication", "requestPayment", "restore", "retention", "select", "tagging",
	"torrent", "versionId", "versions", "website", "renameObject",
	"session", "metadataTable", "abac", NULL,
};

static enum err
parse_query(struct s3_ctx *c, const char *q)
{
	struct buf k, v;
	enum err e = ERR_OK;

	buf_init(&k, 0);
	buf_init(&v, 0);
	while (*q) {
		const char *amp = strchr(q, '&'), *end = amp ? amp : q + strlen(q);
		const char *eq = memchr(q, '=', (size_t)(end - q));
		const char *kend = eq ? eq : end;

		if (end > q) {
			if (c->nq >= S3_MAX_QARGS) {
				e = ERR_INVALID_ARGUMENT;
				break;
			}
			buf_reset(&k);
			buf_reset(&v);
			if ((e = uri_decode(&k, q, (size_t)(kend - q))))
				break;
			if (eq && (e = uri_decode(&v, eq + 1, (size_t)(end - eq - 1))))
				break;
			c->q[c->nq].k = strdup(k.p ? k.p : "");
			c->q[c->nq].v = strdup(v.p ? v.p : "");
			c->q[c->nq].has_v = eq != NULL;
			if (!c->q[c->nq].k || !c->q[c->nq].v) {
				free(c->q[c->nq].k);
				free(c->q[c->nq].v);
				e = ERR_NOMEM;
				break;
			}
			c->nq++;
		}
		q = amp ? amp + 1 : end;
	}
	buf_fini(&k);
	buf_fini(&v);
	return e;
}

static bool
valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char ch = s[i];
		size_t len, j;
		uint32_t cp;

		if (ch < 0x80) {
			i++;
			continue;
		}
		if ((ch & 0xe0) == 0xc0) {
			len = 2;
			cp = ch & 0x1f;
		} else if ((ch & 0xf0) == 0xe0) {
			len = 3;
			cp = ch & 0x0f;
		} else if ((ch & 0xf8) == 0xf0) {
			len = 4;
			cp = ch & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (j = 1; j < len; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

enum err
s3_check_key(const char *key, size_t len)
{
	if (len > META_KEY_MAX)
		return ERR_KEY_TOO_LONG;
	if (memchr(key, '\0', len) || !valid_utf8((const unsigned char *)key, len))
		return ERR_INVALID_KEY;
	return ERR_OK;
}

enum err
s3_parse_address(struct s3_ctx *c)
{
	struct req *r = c->r;
	const char *host = req_header(r, "Host"), *p = r->path, *slash;
	const char *domain = c->svc->domain;
	struct buf kb;
	size_t blen = 0;
	enum err e;

	if (*p != '/')
		return ERR_INVALID_URI;
	p++;
	c->bucket[0] = '\0';
	/* Console requests (preauth) are always path-style: the Host is the console's. */
	if (domain && host && !r->preauth) {
		size_t hl = strcspn(host, ":"), dl = strlen(domain);
		if (hl > dl + 1 && host[hl - dl - 1] == '.' && strncasecmp(host + hl - dl, domain, dl) == 0) {
			blen = hl - dl - 1;
			if (blen > META_NAME_MAX)
				return ERR_INVALID_BUCKET_NAME;
			memcpy(c->bucket, host, blen);
			c->bucket[blen] = '\0';
		}
	}
	if (!c->bucket[0]) {
		slash = strchr(p, '/');
		blen = slash ? (size_t)(slash - p) : strlen(p);
		if (blen > 0) {
			struct buf bb;
			buf_init(&bb, 256);
			if ((e = uri_decode(&bb, p, blen))) {
				buf_fini(&bb);
				return e;
			}
			if (bb.len > META_NAME_MAX) {
				buf_fini(&bb);
				return ERR_INVALID_BUCKET_NAME;
			}
			memcpy(c->bucket, bb.p, bb.len + 1);
			buf_fini(&bb);
		}
		p = slash ? slash + 1 : p + blen;
	}
	if (!c->bucket[0]) {
		c->level = LVL_SERVICE;
		return ERR_OK;
	}
	if (!*p) {
		c->level = LVL_BUCKET;
		return ERR_OK;
	}
	c->level = LVL_OBJECT;
	buf_init(&kb, 4 * META_KEY_MAX);
	if ((e = uri_decode(&kb, p, strlen(p)))) {
		buf_fini(&kb);
		return e == ERR_ENTITY_TOO_LARGE ? ERR_KEY_TOO_LONG : e;
	}
	c->key_len = kb.len;
	c->key = buf_steal(&kb);
	return ERR_OK;
}

static const struct s3_op *
match_op(struct s3_ctx *c, bool *method_known)
{
	const char *copy = req_header(c->r, "x-amz-copy-source");
	size_t i;

	*method_known = false;
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		const struct s3_op *o = &ops[i];
		if (o->level != c->level)
			continue;
		if (strcmp(o->method, c->r->method) != 0)
			continue;
		*method_known = true;
		if (o->sub && !s3_has_arg(c, o->sub))
			continue;
		if ((o->copy == 1 && !copy) || (o->copy == 0 && copy))
			continue;
		return o;
	}
	return NULL;
}

static const char *
unimplemented_sub(const struct s3_ctx *c)
{
	size_t i;

	/* Every name listed starts with a lower-case letter; most requests
	 * (presigned ones: all X-Amz-*) have no such argument at all. */
	for (i = 0; i < c->nq; i++)
		if (c->q[i].k[0] >= 'a' && c->q[i].k[0] <= 'z')
			break;
	if (i == c->nq)
		return NULL;
	for (i = 0; unimplemented_subs[i]; i++)
		if (s3_has_arg(c, unimplemented_subs[i]))
			return unimplemented_subs[i];
	return NULL;
}

/* The operation's IAM action on its resource. DeleteObjects is decided
 * per key inside the operation, as AWS reports refusals per key. */
static enum err
authorize(struct s3_ctx *c)
{
	char arn[META_KEY_MAX + 128];
	enum err e;

	if (strcmp(c->op->name, "DeleteObjects") != 0) {
		s3_resource_arn(c->level == LVL_SERVICE ? NULL : c->bucket, c->key, arn, sizeof arn);
		if ((e = authz_s3(c, c->op->action, arn)))
			return e;
	} else if (c->auth.who.type == PT_ANONYMOUS) {
		return ERR_ACCESS_DENIED;
	}
	/* An anonymous request that a bucket policy let in acts for the bucket's owner. */
	if (c->auth.who.type == PT_ANONYMOUS) {
		struct meta_bucket b;
		if ((e = bucketcache_get(c->svc->meta, c->bucket, &b)))
			return e == ERR_NO_SUCH_BUCKET ? ERR_ACCESS_DENIED : e;
		snprintf(c->acct, sizeof c->acct, "%s", b.account);
	}
	return ERR_OK;
}

enum err
s3_start(struct s3_service *svc, struct req *r)
{
	struct s3_ctx *c = calloc(1, sizeof *c);
	bool method_known;
	const char *sub;
	enum err e;

	if (!c)
		return ERR_NOMEM;
	r->app = c;
	c->svc = svc;
	c->r = r;
	buf_init(&c->xml, XMLREQ_MAX_BODY);
	if ((e = s3_parse_address(c)))
		return e;
	req_set_log_target(r, c->bucket, c->key);
	if ((e = parse_query(c, r->query)))
		return e;
	c->op = match_op(c, &method_known);
	if (c->op)
		r->op = c->op->name;
	/* Authenticate before saying anything about the resource. A request
	 * without any credentials goes on as anonymous: only a bucket policy
	 * can let it through. */
	e = authn_request(&svc->auth, r, "s3", &c->auth);
	if (e == ERR_ANONYMOUS_DENIED) {
		memset(&c->auth, 0, sizeof c->auth);
		c->auth.who.type = PT_ANONYMOUS;
		c->auth.mode = PAY_UNSIGNED;
	} else if (e) {
		return e;
	}
	c->authed = true;
	snprintf(c->acct, sizeof c->acct, "%s", c->auth.who.account);
	if (!c->op) {
		log_info("s3: no operation for %s at level %d", r->method, c->level);
		return method_known || unimplemented_sub(c) ? ERR_NOT_IMPLEMENTED
							   : ERR_METHOD_NOT_ALLOWED;
	}
	/* A sub-resource we do not implement changes what the request means. */
	if ((sub = unimplemented_sub(c)) && (!c->op->sub || strcmp(sub, c->op->sub) != 0)) {
		log_info("s3: sub-resource '%s' not implemented (%s)", sub, c->op->name);
		return ERR_NOT_IMPLEMENTED;
	}
	if (c->key && (e = s3_check_key(c->key, c->key_len)))
		return e;
	if ((e = authorize(c)))
		return e;
	if (c->op->begin)
		return c->op->begin(c);
	return ERR_OK;
}

static enum err
sink_xml(void *ctx, const char *p, size_t n)
{
	struct s3_ctx *c = ctx;

	return buf_add(&c->xml, p, n) ? ERR_MALFORMED_XML : ERR_OK;
}

static enum err
sink_stream(void *ctx, const char *p, size_t n)
{
	struct s3_ctx *c = ctx;

	return c->op->data(c, p, n);
}

static enum err
sink_drop(void *ctx, const char *p, size_t n)
{
	return ERR_OK;
}

enum err
s3_body(struct req *r, const char *p, size_t n)
{
	struct s3_ctx *c = r->app;

	switch (c->op->body) {
	case BODY_XML:
		return authn_body(&c->auth, p, n, sink_xml, c);
	case BODY_STREAM:
		return authn_body(&c->auth, p, n, sink_stream, c);
	default:
		return authn_body(&c->auth, p, n, sink_drop, c);
	}
}

enum err
s3_finish(struct req *r)
{
	struct s3_ctx *c = r->app;
	enum err e;

	if ((e = authn_finish(&c->auth)))
		return e;
	return c->op->finish(c);
}

void
s3_cleanup(struct req *r)
{
	struct s3_ctx *c = r->app;
	size_t i;

	if (!c)
		return;
	if (r->status == 403 && c->authed) {
		struct audit_param ps[2] = {{"BucketName", c->bucket}, {"Key", c->key ? c->key : ""}};
		audit_record(r, "s3", r->op, &c->auth.who, ps, c->key ? 2 : 1, false);
	}
	s3_ingest_free(c);
	if (c->priv_free)
		c->priv_free(c->priv);
	authn_fini(&c->auth);
	buf_fini(&c->xml);
	for (i = 0; i < c->nq; i++) {
		free(c->q[i].k);
		free(c->q[i].v);
	}
	free(c->key);
	free(c);
	r->app = NULL;
}

void
s3_error(struct req *r, enum err e)
{
	struct s3_ctx *c = r->app;

	if (e == ERR_INTERNAL || e == ERR_NOMEM || e == ERR_NO_SPACE)
		log_error("s3: request %s (%s) failed: %s", r->id, r->op ? r->op : "-",
			  err_info(e)->code);
	s3_render_error(r, e, c ? c->bucket : NULL,
			c && c->key && c->key_len <= META_KEY_MAX ? c->key : NULL);
}
