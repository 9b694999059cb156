/* common.c - helpers every S3 operation shares: query arguments, XML output,
 * the error document, owner ids, bucket access, stored headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/crypto.h"
#include "core/log.h"
#include "s3/bucketcache.h"
#include "s3/s3.h"

const char *
s3_arg(const struct s3_ctx *c, const char *k)
{
	size_t i;

	for (i = 0; i < c->nq; i++)
		if (strcmp(c->q[i].k, k) == 0)
			return c->q[i].v;
	return NULL;
}

bool
s3_has_arg(const struct s3_ctx *c, const char *k)
{
	return s3_arg(c, k) != NULL;
}

void
xml_begin(struct buf *b, const char *root)
{
	buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%s xmlns=\"%s\">", root,
		   S3_XMLNS);
}

void
xml_elemn(struct buf *b, const char *name, const char *text, size_t n)
{
	buf_printf(b, "<%s>", name);
	buf_add_xml(b, text, n);
	buf_printf(b, "</%s>", name);
}

void
xml_elem(struct buf *b, const char *name, const char *text)
{
	xml_elemn(b, name, text ? text : "", text ? strlen(text) : 0);
}

void
xml_elem_u64(struct buf *b, const char *name, uint64_t v)
{
	buf_printf(b, "<%s>%llu</%s>", name, (unsigned long long)v, name);
}

void
xml_elem_bool(struct buf *b, const char *name, bool v)
{
	buf_printf(b, "<%s>%s</%s>", name, v ? "true" : "false", name);
}

void
xml_end(struct buf *b, const char *root)
{
	buf_printf(b, "</%s>", root);
}

void
s3_reply_xml(struct s3_ctx *c, struct buf *b)
{
	struct req *r = c->r;

	buf_fini(&r->body);
	r->body = *b;
	buf_init(b, 0);
	r->status = 200;
	req_set_header(r, "Content-Type", "application/xml");
}

void
s3_owner_id(const char *account, char out[65])
{
	uint8_t h[SHA256_LEN];
	char in[64];
	int n = snprintf(in, sizeof in, "coffer-canonical-user:%s", account);

	crypto_sha256(in, (size_t)n, h);
	hex_encode(h, SHA256_LEN, out);
}

void
xml_owner(struct buf *b, const char *account)
{
	char id[65];

	s3_owner_id(account, id);
	buf_printf(b, "<Owner><ID>%s</ID><DisplayName>", id);
	buf_add_xml(b, account, strlen(account));
	buf_adds(b, "</DisplayName></Owner>");
}

static bool
ascii_only(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

void
s3_render_error(struct req *r, enum err e, const char *bucket, const char *key)
{
	const struct err_info *ei = err_info(e);
	struct buf *b = &r->body;
	const char *msg;

	buf_reset(b);
	r->status = ei->status;
	r->err_code = ei->code;
	if (e == ERR_NOT_MODIFIED)
		return; /* 304 carries no body */
	if (r->head)
		return; /* HEAD answers carry no body; the status says it all */
	req_set_header(r, "Content-Type", "application/xml");
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>");
	buf_adds(b, ei->code);
	buf_adds(b, "</Code><Message>");
	msg = r->err_msg ? r->err_msg : ei->msg;
	buf_add_xml(b, msg, strlen(msg));
	buf_adds(b, "</Message>");
	if (r->err_xml.len)
		buf_add(b, r->err_xml.p, r->err_xml.len);
	/* A name refused for its bytes (bad UTF-8, NUL) is not echoed: it would
	 * make the error document itself ill-formed. */
	if (bucket && *bucket && (e != ERR_INVALID_BUCKET_NAME || ascii_only(bucket)))
		xml_elem(b, "BucketName", bucket);
	if (key && e != ERR_INVALID_KEY)
		xml_elem(b, "Key", key);
	buf_adds(b, "<Resource>");
	buf_add_xml(b, r->path, strlen(r->path));
	buf_adds(b, "</Resource>");
	xml_elem(b, "RequestId", r->id);
	xml_elem(b, "HostId", r->id);
	buf_adds(b, "</Error>");
}

static bool
is_ipv4_form(const char *s)
{
	int dots = 0;

	for (; *s; s++) {
		if (*s == '.')
			dots++;
		else if (*s < '0' || *s > '9')
			return false;
	}
	return dots == 3;
}

/* AWS's general purpose bucket naming rules. */
bool
s3_valid_bucket_name(const char *name)
{
	size_t n = strlen(name), i;

	if (n < 3 || n > 63)
		return false;
	for (i = 0; i < n; i++) {
		char ch = name[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-'))
			return false;
		if (ch == '.' && i > 0 && name[i - 1] == '.')
			return false;
	}
	if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9')))
		return false;
	if (!((name[n - 1] >= 'a' && name[n - 1] <= 'z') || (name[n - 1] >= '0' && name[n - 1] <= '9')))
		return false;
	if (is_ipv4_form(name))
		return false;
	if (strncmp(name, "xn--", 4) == 0 || strncmp(name, "sthree-", 7) == 0 ||
	    strncmp(name, "amzn-s3-demo-", 13) == 0)
		return false;
	if ((n >= 8 && strcmp(name + n - 8, "-s3alias") == 0) ||
	    (n >= 7 && strcmp(name + n - 7, "--ol-s3") == 0) ||
	    (n >= 5 && strcmp(name + n - 5, ".mrap") == 0) ||
	    (n >= 6 && strcmp(name + n - 6, "--x-s3") == 0) ||
	    (n >= 10 && strcmp(name + n - 10, "--table-s3") == 0))
		return false;
	return true;
}

void
s3_resource_arn(const char *bucket, const char *key, char *out, size_t cap)
{
	if (!bucket || !*bucket)
		snprintf(out, cap, "*");
	else if (key)
		snprintf(out, cap, "arn:aws:s3:::%s/%s", bucket, key);
	else
		snprintf(out, cap, "arn:aws:s3:::%s", bucket);
}

enum err
s3_bucket_access(struct s3_ctx *c, struct meta_bucket *out)
{
	struct meta_bucket tmp, *b = out ? out : &tmp;
	enum err e;

	if (!c->bucket[0])
		return ERR_NO_SUCH_BUCKET;
	if ((e = bucketcache_get(c->svc->meta, c->bucket, b)))
		return e;
	if (strcmp(b->account, c->acct) != 0)
		return ERR_ACCESS_DENIED;
	return ERR_OK;
}

/* Headers S3 stores with an object and returns on GET/HEAD. */
static const char *const stored_headers[] = {
	"content-type", "content-encoding", "content-disposition", "content-language",
	"cache-control", "expires", "x-amz-website-redirect-location", NULL,
};

#define USER_META_MAX 2048

static bool
header_value_ok(const char *v)
{
	for (; *v; v++)
		if (*v == '\r' || *v == '\n' || *v == '\0')
			return false;
	return true;
}

enum err
s3_collect_headers(const struct req *r, struct buf *out)
{
	size_t i, j, meta = 0;
	enum err e;

	for (i = 0; i < r->nhdrs; i++) {
		const char *n = r->hdrs[i].name, *v = r->hdrs[i].value;
		bool keep = false;

		if (strncasecmp(n, "x-amz-meta-", 11) == 0) {
			keep = true;
			meta += strlen(n) - 11 + strlen(v);
			if (meta > USER_META_MAX)
				return ERR_METADATA_TOO_LARGE;
		} else {
			for (j = 0; stored_headers[j]; j++)
				if (strcasecmp(n, stored_headers[j]) == 0)
					keep = true;
		}
		if (!keep || !header_value_ok(v))
			continue;
		/* aws-chunked describes the transfer, not the object: AWS drops it. */
		if (strcasecmp(n, "content-encoding") == 0 &&
		    (strcasecmp(v, "aws-chunked") == 0 || strncasecmp(v, "aws-chunked,", 12) == 0)) {
			v += 11;
			while (*v == ',' || *v == ' ')
				v++;
			if (!*v)
				continue;
		}
		for (j = 0; n[j]; j++) {
			char ch = n[j];
			if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch - 'A' + 'a');
			if ((e = buf_addc(out, ch)))
				return e;
		}
		{
			/* HTTP drops whitespace around a field value. */
			size_t vl = strlen(v);
			while (*v == ' ' || *v == '\t')
				v++, vl--;
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if ((e = buf_addc(out, ':')) || (e = buf_add(out, v, vl)) ||
			    (e = buf_addc(out, '\n')))
				return e;
		}
	}
	return ERR_OK;
}

/* The response header names we emit must be static strings: map the
 * well-known ones, and keep user metadata names alive in the request. */
static const char *
canonical_name(const char *n, size_t len)
{
	static const char *const names[] = {
		"Content-Type", "Content-Encoding", "Content-Disposition", "Content-Language",
		"Cache-Control", "Expires", "x-amz-website-redirect-location", NULL,
	};
	size_t i;

	for (i = 0; names[i]; i++)
		if (strlen(names[i]) == len && strncasecmp(names[i], n, len) == 0)
			return names[i];
	return NULL;
}

void
s3_emit_headers(struct req *r, const char *stored)
{
	const char *p = stored;

	while (p && *p) {
		const char *colon = strchr(p, ':'), *nl;
		const char *name;
		char tmp[4096];
		size_t nlen;

		if (!colon)
			break;
		nl = strchr(colon, '\n');
		if (!nl)
			nl = colon + strlen(colon);
		nlen = (size_t)(colon - p);
		snprintf(tmp, sizeof tmp, "%.*s", (int)(nl - colon - 1), colon + 1);
		name = canonical_name(p, nlen);
		if (name)
			req_set_header(r, name, tmp);
		else
			req_set_header_copy(r, p, nlen, tmp);
		p = *nl ? nl + 1 : nl;
	}
}
