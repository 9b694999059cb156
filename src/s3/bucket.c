/* bucket.c - bucket operations: ListBuckets, CreateBucket, HeadBucket,
 * DeleteBucket, GetBucketLocation, GetBucketVersioning, Get{Bucket,Object}Acl. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/timefmt.h"
#include "s3/bucketcache.h"
#include "s3/ingest.h"
#include "s3/s3.h"
#include "s3/xmlreq.h"

static int
list_one(void *ctx, const struct meta_bucket *b)
{
	struct buf *out = ctx;
	char date[32];

	fmt_iso8601(b->created_ms, date);
	buf_adds(out, "<Bucket>");
	xml_elem(out, "Name", b->name);
	xml_elem(out, "CreationDate", date);
	xml_elem(out, "BucketRegion", b->region);
	buf_adds(out, "</Bucket>");
	return 0;
}

enum err
s3_list_buckets(struct s3_ctx *c)
{
	struct buf b;
	enum err e;

	buf_init(&b, 0);
	xml_begin(&b, "ListAllMyBucketsResult");
	xml_owner(&b, c->acct);
	buf_adds(&b, "<Buckets>");
	if ((e = meta_bucket_list(c->svc->meta, c->acct, list_one, &b))) {
		buf_fini(&b);
		return e;
	}
	buf_adds(&b, "</Buckets>");
	xml_end(&b, "ListAllMyBucketsResult");
	s3_reply_xml(c, &b);
	return ERR_OK;
}

static bool
known_region(const char *r)
{
	static const char *const regions[] = {
		"us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1",
		"ap-east-2", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2",
		"ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
		"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1", "ca-west-1",
		"eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1",
		"eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1",
		"mx-central-1", "sa-east-1", "us-gov-east-1", "us-gov-west-1", "cn-north-1",
		"cn-northwest-1", "EU", NULL,
	};
	size_t i;

	for (i = 0; regions[i]; i++)
		if (strcmp(r, regions[i]) == 0)
			return true;
	return false;
}

enum err
s3_create_bucket(struct s3_ctx *c)
{
	const char *acl = req_header(c->r, "x-amz-acl");
	const char *lock = req_header(c->r, "x-amz-bucket-object-lock-enabled");
	struct meta_bucket b;
	char loc[64] = "";
	enum err e;

	if (!s3_valid_bucket_name(c->bucket))
		return ERR_INVALID_BUCKET_NAME;
	if (c->xml.len && (e = xmlreq_create_bucket(c->xml.p, c->xml.len, loc, sizeof loc)))
		return e;
	/* One server, one region: a bucket can only be made where it will live.
	 * A name that is no region at all is invalid; another region is illegal
	 * here, as on a region-specific AWS endpoint. */
	if (loc[0] && strcmp(loc, c->svc->region) != 0)
		return known_region(loc) ? ERR_ILLEGAL_LOCATION : ERR_INVALID_LOCATION;
	if ((acl && strcmp(acl, "private") != 0) || (lock && strcmp(lock, "false") != 0))
		return ERR_NOT_IMPLEMENTED;
	memset(&b, 0, sizeof b);
	snprintf(b.name, sizeof b.name, "%s", c->bucket);
	snprintf(b.account, sizeof b.account, "%s", c->acct);
	snprintf(b.region, sizeof b.region, "%s", c->svc->region);
	b.created_ms = now_ms();
	e = meta_bucket_create(c->svc->meta, &b);
	bucketcache_bump();
	if (e)
		return e;
	c->r->status = 200;
	req_set_headerf(c->r, "Location", "/%s", c->bucket);
	return ERR_OK;
}

enum err
s3_head_bucket(struct s3_ctx *c)
{
	struct meta_bucket b;
	enum err e;

	if ((e = s3_bucket_access(c, &b)))
		return e;
	c->r->status = 200;
	req_set_header(c->r, "x-amz-bucket-region", b.region);
	return ERR_OK;
}

enum err
s3_delete_bucket(struct s3_ctx *c)
{
	enum err e;

	if ((e = s3_bucket_access(c, NULL)))
		return e;
	e = meta_bucket_delete(c->svc->meta, c->bucket);
	bucketcache_bump();
	if (e)
		return e;
	s3_gc_sweep(c->svc); /* part blobs of uploads that went with it */
	c->r->status = 204;
	return ERR_OK;
}

enum err
s3_get_bucket_location(struct s3_ctx *c)
{
	struct meta_bucket mb;
	struct buf b;
	enum err e;

	if ((e = s3_bucket_access(c, &mb)))
		return e;
	buf_init(&b, 0);
	xml_begin(&b, "LocationConstraint");
	/* us-east-1 is reported as an empty constraint, as AWS does. */
	if (strcmp(mb.region, "us-east-1") != 0)
		buf_add_xml(&b, mb.region, strlen(mb.region));
	xml_end(&b, "LocationConstraint");
	s3_reply_xml(c, &b);
	return ERR_OK;
}

enum err
s3_get_bucket_versioning(struct s3_ctx *c)
{
	struct buf b;
	enum err e;

	if ((e = s3_bucket_access(c, NULL)))
		return e;
	buf_init(&b, 0);
	xml_begin(&b, "VersioningConfiguration");
	xml_end(&b, "VersioningConfiguration");
	s3_reply_xml(c, &b);
	return ERR_OK;
}

/* ERR_OK when c's key exists (sub-resources of an object need it). */
static enum err
object_exists(struct s3_ctx *c)
{
	struct meta_object o;
	enum err e;

	memset(&o, 0, sizeof o);
	e = meta_object_get(c->svc->meta, c->bucket, c->key, &o);
	meta_object_fini(&o);
	return e;
}

/* Without ACL support every bucket and object has the canned "private" ACL:
 * the owner has FULL_CONTROL. Reporting exactly that is the truth. */
enum err
s3_get_acl(struct s3_ctx *c)
{
	const char *acct = c->acct;
	char id[65];
	struct buf b;
	enum err e;

	if ((e = s3_bucket_access(c, NULL)))
		return e;
	if (c->key && (e = object_exists(c)))
		return e;
	s3_owner_id(acct, id);
	buf_init(&b, 0);
	xml_begin(&b, "AccessControlPolicy");
	xml_owner(&b, acct);
	buf_printf(&b, "<AccessControlList><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
		       "xsi:type=\"CanonicalUser\"><ID>%s</ID><DisplayName>", id);
	buf_add_xml(&b, acct, strlen(acct));
	buf_adds(&b, "</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList>");
	xml_end(&b, "AccessControlPolicy");
	s3_reply_xml(c, &b);
	return ERR_OK;
}

/* Objects cannot carry tags yet (PutObjectTagging and x-amz-tagging are
 * refused), so every object's tag set is truthfully empty. Tools that copy
 * tags along with objects (aws s3 cp between buckets) read it. */
enum err
s3_get_object_tagging(struct s3_ctx *c)
{
	struct buf b;
	enum err e;

	if ((e = s3_bucket_access(c, NULL)) || (e = object_exists(c)))
		return e;
	buf_init(&b, 0);
	xml_begin(&b, "Tagging");
	buf_adds(&b, "<TagSet></TagSet>");
	xml_end(&b, "Tagging");
	s3_reply_xml(c, &b);
	return ERR_OK;
}

/* Without ACL support the only ACL a resource can have is "private": the
 * owner's FULL_CONTROL. Setting exactly that (as tools do when they copy
 * an ACL along) is accepted and changes nothing; anything else would be a
 * grant coffer cannot honour, so it is refused. */
enum err
s3_put_acl(struct s3_ctx *c)
{
	const char *canned = req_header(c->r, "x-amz-acl");
	char id[65];
	const char *p;
	int grants = 0;
	enum err e;

	if ((e = s3_bucket_access(c, NULL)))
		return e;
	if (c->key && (e = object_exists(c)))
		return e;
	if (canned) {
		if (strcmp(canned, "private") != 0 || c->xml.len)
			return ERR_NOT_IMPLEMENTED;
	} else {
		if (!c->xml.len)
			return ERR_MALFORMED_XML;
		s3_owner_id(c->acct, id);
		for (p = c->xml.p; (p = strstr(p, "<Permission>")); p++)
			grants++;
		if (grants != 1 || !strstr(c->xml.p, "<Permission>FULL_CONTROL</Permission>") ||
		    !strstr(c->xml.p, id) || strstr(c->xml.p, "<URI>") || strstr(c->xml.p, "EmailAddress"))
			return ERR_NOT_IMPLEMENTED;
	}
	c->r->status = 200;
	return ERR_OK;
}
