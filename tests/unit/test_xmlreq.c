/* test_xmlreq.c - the XML request parsers: bodies as boto3 and the AWS CLI send
 * them, entities and odd keys, limits (1000 objects, 10000 parts, text cap),
 * malformed and truncated input, DOCTYPE/entity attacks, wrong roots and
 * missing fields. Runs under ASan, so leaks on error paths fail it too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/buf.h"
#include "s3/xmlreq.h"

#define NS "http://s3.amazonaws.com/doc/2006-03-01/"
/* botocore serialises with ElementTree: this declaration, single quotes. */
#define DECL "<?xml version='1.0' encoding='utf-8'?>\n"

static enum err
del(const char *body, struct xmlreq_delete *d)
{
	return xmlreq_delete(body, strlen(body), d);
}

static enum err
cmp(const char *body, struct xmlreq_complete *c)
{
	return xmlreq_complete(body, strlen(body), c);
}

static enum err
loc(const char *body, char *out, size_t cap)
{
	return xmlreq_create_bucket(body, strlen(body), out, cap);
}

/* ---- CreateBucketConfiguration ---- */

static void
test_create_bucket(void **state)
{
	char l[64];

	assert_int_equal(loc(DECL "<CreateBucketConfiguration xmlns=\"" NS "\">"
	    "<LocationConstraint>eu-west-1</LocationConstraint>"
	    "</CreateBucketConfiguration>", l, sizeof(l)), ERR_OK);
	assert_string_equal(l, "eu-west-1");

	/* awscli's pretty form, with whitespace around the value */
	assert_int_equal(loc("<CreateBucketConfiguration xmlns=\"" NS "\">\n"
	    "  <LocationConstraint>\n    ap-south-1\n  </LocationConstraint>\n"
	    "</CreateBucketConfiguration>\n", l, sizeof(l)), ERR_OK);
	assert_string_equal(l, "ap-south-1");

	/* no namespace, and a prefixed one */
	assert_int_equal(loc("<CreateBucketConfiguration><LocationConstraint>us-west-2"
	    "</LocationConstraint></CreateBucketConfiguration>", l, sizeof(l)), ERR_OK);
	assert_string_equal(l, "us-west-2");
	assert_int_equal(loc("<s3:CreateBucketConfiguration xmlns:s3=\"" NS "\">"
	    "<s3:LocationConstraint>eu-central-1</s3:LocationConstraint>"
	    "</s3:CreateBucketConfiguration>", l, sizeof(l)), ERR_OK);
	assert_string_equal(l, "eu-central-1");

	/* empty body, blank body, no constraint, empty constraint: "" */
	strcpy(l, "x");
	assert_int_equal(xmlreq_create_bucket("", 0, l, sizeof(l)), ERR_OK);
	assert_string_equal(l, "");
	strcpy(l, "x");
	assert_int_equal(loc(" \r\n\t", l, sizeof(l)), ERR_OK);
	assert_string_equal(l, "");
	strcpy(l, "x");
	assert_int_equal(loc("<CreateBucketConfiguration xmlns=\"" NS "\"/>", l, sizeof(l)),
	    ERR_OK);
	assert_string_equal(l, "");
	strcpy(l, "x");
	assert_int_equal(loc("<CreateBucketConfiguration><LocationConstraint/>"
	    "</CreateBucketConfiguration>", l, sizeof(l)), ERR_OK);
	assert_string_equal(l, "");

	/* unknown siblings (directory buckets, tags) are ignored */
	assert_int_equal(loc("<CreateBucketConfiguration xmlns=\"" NS "\">"
	    "<Location><Name>usw2-az1</Name><Type>AvailabilityZone</Type></Location>"
	    "<Bucket><Type>Directory</Type></Bucket>"
	    "<LocationConstraint>us-west-2</LocationConstraint>"
	    "</CreateBucketConfiguration>", l, sizeof(l)), ERR_OK);
	assert_string_equal(l, "us-west-2");

	/* a LocationConstraint not directly under the root is not the constraint */
	assert_int_equal(loc("<CreateBucketConfiguration><X><LocationConstraint>a"
	    "</LocationConstraint></X></CreateBucketConfiguration>", l, sizeof(l)), ERR_OK);
	assert_string_equal(l, "");
}

static void
test_create_bucket_errors(void **state)
{
	char l[16];

	assert_int_equal(loc("<CreateBucket><LocationConstraint>eu-west-1</LocationConstraint>"
	    "</CreateBucket>", l, sizeof(l)), ERR_MALFORMED_XML);
	assert_string_equal(l, "");
	assert_int_equal(loc("<CreateBucketConfiguration><LocationConstraint>eu-west-1",
	    l, sizeof(l)), ERR_MALFORMED_XML);
	assert_int_equal(loc("not xml", l, sizeof(l)), ERR_MALFORMED_XML);
	assert_int_equal(loc("<CreateBucketConfiguration><LocationConstraint>a</LocationConstraint>"
	    "<LocationConstraint>b</LocationConstraint></CreateBucketConfiguration>",
	    l, sizeof(l)), ERR_MALFORMED_XML);
	/* longer than the caller's buffer: no region is that long */
	assert_int_equal(loc("<CreateBucketConfiguration><LocationConstraint>"
	    "this-is-not-a-region-at-all</LocationConstraint></CreateBucketConfiguration>",
	    l, sizeof(l)), ERR_INVALID_LOCATION);
	assert_string_equal(l, "");
	assert_int_equal(loc("<CreateBucketConfiguration><LocationConstraint>"
	    "0123456789abcdef</LocationConstraint></CreateBucketConfiguration>",
	    l, sizeof(l)), ERR_INVALID_LOCATION);
	assert_int_equal(loc("<CreateBucketConfiguration><LocationConstraint>"
	    "0123456789abcde</LocationConstraint></CreateBucketConfiguration>",
	    l, sizeof(l)), ERR_OK);
	assert_string_equal(l, "0123456789abcde");
	assert_int_equal(loc("<!DOCTYPE CreateBucketConfiguration><CreateBucketConfiguration/>",
	    l, sizeof(l)), ERR_MALFORMED_XML);
	/* markup inside the value */
	assert_int_equal(loc("<CreateBucketConfiguration><LocationConstraint>eu<b/>"
	    "</LocationConstraint></CreateBucketConfiguration>", l, sizeof(l)),
	    ERR_MALFORMED_XML);
}

/* ---- Delete ---- */

static void
test_delete_boto3(void **state)
{
	struct xmlreq_delete d;

	assert_int_equal(del(DECL "<Delete xmlns=\"" NS "\"><Object><Key>a.txt</Key></Object>"
	    "<Object><Key>dir/b.txt</Key><VersionId>3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY</VersionId>"
	    "</Object><Quiet>true</Quiet></Delete>", &d), ERR_OK);
	assert_int_equal(d.n, 2);
	assert_true(d.quiet);
	assert_string_equal(d.objs[0].key, "a.txt");
	assert_null(d.objs[0].version_id);
	assert_string_equal(d.objs[1].key, "dir/b.txt");
	assert_string_equal(d.objs[1].version_id, "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");
	xmlreq_delete_free(&d);
	assert_null(d.objs);
	assert_int_equal(d.n, 0);
	xmlreq_delete_free(&d); /* twice is harmless */

	/* Quiet absent: false; Quiet first; AWS docs' pretty-printed form */
	assert_int_equal(del("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<Delete xmlns=\"" NS "\">\n  <Quiet>false</Quiet>\n"
	    "  <Object>\n    <Key>sample1.txt</Key>\n  </Object>\n"
	    "  <Object>\n    <Key>sample2.txt</Key>\n  </Object>\n</Delete>\n", &d), ERR_OK);
	assert_false(d.quiet);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.objs[1].key, "sample2.txt");
	xmlreq_delete_free(&d);

	assert_int_equal(del("<Delete><Object><Key>k</Key></Object></Delete>", &d), ERR_OK);
	assert_false(d.quiet);
	xmlreq_delete_free(&d);

	/* all elements prefixed */
	assert_int_equal(del("<s3:Delete xmlns:s3=\"" NS "\"><s3:Object><s3:Key>p</s3:Key>"
	    "</s3:Object></s3:Delete>", &d), ERR_OK);
	assert_string_equal(d.objs[0].key, "p");
	xmlreq_delete_free(&d);
}

static void
test_delete_quiet(void **state)
{
	static const struct { const char *v; enum err e; bool q; } v[] = {
		{"true", ERR_OK, true}, {"TRUE", ERR_OK, true}, {"True", ERR_OK, true},
		{" true\n", ERR_OK, true}, {"false", ERR_OK, false}, {"FaLsE", ERR_OK, false},
		{"\tfalse ", ERR_OK, false}, {"yes", ERR_MALFORMED_XML, false},
		{"1", ERR_MALFORMED_XML, false}, {"", ERR_MALFORMED_XML, false},
		{"truex", ERR_MALFORMED_XML, false}, {"tru", ERR_MALFORMED_XML, false},
	};
	struct xmlreq_delete d;
	char body[256];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(body, sizeof(body), "<Delete xmlns=\"" NS "\"><Quiet>%s</Quiet>"
			 "<Object><Key>k</Key></Object></Delete>", v[i].v);
		assert_int_equal(del(body, &d), v[i].e);
		if (v[i].e == ERR_OK)
			assert_true(d.quiet == v[i].q);
		else
			assert_null(d.objs);
		xmlreq_delete_free(&d);
	}
	assert_int_equal(del("<Delete><Quiet>true</Quiet><Quiet>true</Quiet>"
	    "<Object><Key>k</Key></Object></Delete>", &d), ERR_MALFORMED_XML);
}

static void
test_delete_special_keys(void **state)
{
	struct xmlreq_delete d;

	assert_int_equal(del("<Delete xmlns=\"" NS "\">"
	    "<Object><Key>a&amp;b&lt;c&gt;d&quot;e&apos;f</Key></Object>"
	    "<Object><Key>&#x41;&#66;&#xe9;&#x1F600;</Key></Object>"
	    "<Object><Key>  spaced key  </Key></Object>"
	    "<Object><Key>line&#10;break&#13;cr</Key></Object>"
	    "<Object><Key><![CDATA[<raw> & \"stuff\"]]></Key></Object>"
	    "<Object><Key>caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac/%20+?#=</Key></Object>"
	    "<Object><Key>a<!-- comment -->b</Key></Object>"
	    "<Object><Key></Key><VersionId></VersionId></Object>"
	    "<Object><Key>v</Key><VersionId> null </VersionId></Object>"
	    "</Delete>", &d), ERR_OK);
	assert_int_equal(d.n, 9);
	assert_string_equal(d.objs[0].key, "a&b<c>d\"e'f");
	assert_string_equal(d.objs[1].key, "AB\xc3\xa9\xf0\x9f\x98\x80");
	assert_string_equal(d.objs[2].key, "  spaced key  ");
	assert_string_equal(d.objs[3].key, "line\nbreak\rcr");
	assert_string_equal(d.objs[4].key, "<raw> & \"stuff\"");
	assert_string_equal(d.objs[5].key, "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac/%20+?#=");
	assert_string_equal(d.objs[6].key, "ab");
	/* present but empty: the caller answers it per key */
	assert_string_equal(d.objs[7].key, "");
	assert_non_null(d.objs[7].version_id);
	assert_string_equal(d.objs[7].version_id, "");
	assert_string_equal(d.objs[8].version_id, "null");
	xmlreq_delete_free(&d);
}

/* Unknown elements (ETag, Size of conditional deletes, vendor extras) and a
 * Key not directly under Object are ignored. */
static void
test_delete_unknown_elements(void **state)
{
	struct xmlreq_delete d;

	assert_int_equal(del("<Delete xmlns=\"" NS "\"><Extra a=\"1\">x<Key>no</Key></Extra>"
	    "<Object><ETag>\"abc\"</ETag><Key>k</Key><Size>3</Size>"
	    "<LastModifiedTime>2024-01-01T00:00:00Z</LastModifiedTime>"
	    "<Deep><a><b><c><d><e><f><g><h><Key>no</Key></h></g></f></e></d></c></b></a></Deep>"
	    "</Object></Delete>", &d), ERR_OK);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.objs[0].key, "k");
	xmlreq_delete_free(&d);
}

static void
build_delete(struct buf *b, size_t n, size_t keylen)
{
	size_t i, k;

	buf_init(b, 0);
	assert_int_equal(buf_adds(b, DECL "<Delete xmlns=\"" NS "\">"), ERR_OK);
	for (i = 0; i < n; i++) {
		assert_int_equal(buf_printf(b, "<Object><Key>%zu-", i), ERR_OK);
		for (k = 0; k < keylen; k++)
			assert_int_equal(buf_addc(b, 'x'), ERR_OK);
		assert_int_equal(buf_adds(b, "</Key></Object>"), ERR_OK);
	}
	assert_int_equal(buf_adds(b, "<Quiet>true</Quiet></Delete>"), ERR_OK);
}

static void
test_delete_limits(void **state)
{
	struct xmlreq_delete d;
	struct buf b;
	char want[32];

	build_delete(&b, 1000, 0);
	assert_int_equal(xmlreq_delete(b.p, b.len, &d), ERR_OK);
	assert_int_equal(d.n, 1000);
	assert_string_equal(d.objs[0].key, "0-");
	assert_string_equal(d.objs[999].key, "999-");
	snprintf(want, sizeof(want), "%d-", 517);
	assert_string_equal(d.objs[517].key, want);
	xmlreq_delete_free(&d);
	buf_fini(&b);

	build_delete(&b, 1001, 0);
	assert_int_equal(xmlreq_delete(b.p, b.len, &d), ERR_MALFORMED_XML);
	assert_null(d.objs);
	assert_int_equal(d.n, 0);
	buf_fini(&b);

	/* 1000 keys of 1024 bytes: about 1 MiB, under the body cap */
	build_delete(&b, 1000, 1020);
	assert_true(b.len <= XMLREQ_MAX_BODY);
	assert_int_equal(xmlreq_delete(b.p, b.len, &d), ERR_OK);
	assert_int_equal(strlen(d.objs[999].key), 1024);
	xmlreq_delete_free(&d);
	buf_fini(&b);

	/* a text node may hold 4096 bytes, not one more */
	build_delete(&b, 1, 4094);
	assert_int_equal(xmlreq_delete(b.p, b.len, &d), ERR_OK);
	assert_int_equal(strlen(d.objs[0].key), 4096);
	xmlreq_delete_free(&d);
	buf_fini(&b);
	build_delete(&b, 1, 4095);
	assert_int_equal(xmlreq_delete(b.p, b.len, &d), ERR_MALFORMED_XML);
	buf_fini(&b);

	/* the cap counts decoded bytes, however the text is split by entities */
	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "<Delete><Object><Key>"), ERR_OK);
	for (size_t i = 0; i < 4097; i++)
		assert_int_equal(buf_adds(&b, "&amp;"), ERR_OK);
	assert_int_equal(buf_adds(&b, "</Key></Object></Delete>"), ERR_OK);
	assert_int_equal(xmlreq_delete(b.p, b.len, &d), ERR_MALFORMED_XML);
	buf_fini(&b);

	/* over the body cap */
	build_delete(&b, 1000, 2100);
	assert_true(b.len > XMLREQ_MAX_BODY);
	assert_int_equal(xmlreq_delete(b.p, b.len, &d), ERR_MALFORMED_XML);
	buf_fini(&b);
}

static void
test_delete_missing(void **state)
{
	static const char *bad[] = {
		"<Delete xmlns=\"" NS "\"></Delete>",
		"<Delete><Quiet>true</Quiet></Delete>",
		"<Delete><Object></Object></Delete>",
		"<Delete><Object><VersionId>v</VersionId></Object></Delete>",
		"<Delete><Object><Key>a</Key></Object><Object><VersionId>v</VersionId></Object></Delete>",
		"<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>",
		("<Delete><Object><Key>a</Key><VersionId>1</VersionId><VersionId>2</VersionId>"
		    "</Object></Delete>"),
		/* Object not directly under Delete */
		"<Delete><Objects><Object><Key>a</Key></Object></Objects></Delete>",
		/* markup inside a key */
		"<Delete><Object><Key>a<b>c</b></Key></Object></Delete>",
	};
	struct xmlreq_delete d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(del(bad[i], &d), ERR_MALFORMED_XML);
		assert_null(d.objs);
		assert_int_equal(d.n, 0);
		xmlreq_delete_free(&d);
	}
}

static void
test_wrong_root(void **state)
{
	struct xmlreq_delete d;
	struct xmlreq_complete c;
	char l[32];

	assert_int_equal(del("<Deletes><Object><Key>a</Key></Object></Deletes>", &d),
	    ERR_MALFORMED_XML);
	assert_int_equal(del("<delete><Object><Key>a</Key></Object></delete>", &d),
	    ERR_MALFORMED_XML);
	assert_int_equal(del("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
	    "<ETag>x</ETag></Part></CompleteMultipartUpload>", &d), ERR_MALFORMED_XML);
	assert_int_equal(cmp("<Delete><Object><Key>a</Key></Object></Delete>", &c),
	    ERR_MALFORMED_XML);
	assert_null(c.parts);
	assert_int_equal(loc("<Delete><Object><Key>a</Key></Object></Delete>", l, sizeof(l)),
	    ERR_MALFORMED_XML);
	/* the right name one level down does not make a root */
	assert_int_equal(del("<Wrapper><Delete><Object><Key>a</Key></Object></Delete></Wrapper>",
	    &d), ERR_MALFORMED_XML);
	assert_null(d.objs);
}

static void
test_malformed(void **state)
{
	static const char *bad[] = {
		"",
		"   ",
		"garbage",
		"<Delete>",
		"<Delete><Object><Key>a</Key></Object>",
		"<Delete><Object><Key>a</Object></Key></Delete>",
		"<Delete><Object><Key>a</Key></Object></Delete><Delete/>",
		"<Delete><Object><Key>a</Key></Object></Delete>trailing",
		"<Delete><Object><Key>a &nbsp; b</Key></Object></Delete>",  /* undefined entity */
		"<Delete><Object><Key>&#0;</Key></Object></Delete>",         /* NUL is not XML */
		"<Delete><Object><Key>a&b</Key></Object></Delete>",
		"<Delete><Object><Key>a<b</Key></Object></Delete>",
		"<x:Delete><Object><Key>a</Key></Object></x:Delete>",      /* unbound prefix */
		"<Delete><Object><Key>\xff\xfe</Key></Object></Delete>",   /* bad UTF-8 */
		"<Delete a=\"1\" a=\"2\"><Object><Key>a</Key></Object></Delete>",
	};
	struct xmlreq_delete d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(del(bad[i], &d), ERR_MALFORMED_XML);
		assert_null(d.objs);
	}
	/* NUL bytes in the body itself */
	{
		static const char nul[] = "<Delete><Object><Key>a\0b</Key></Object></Delete>";
		assert_int_equal(xmlreq_delete(nul, sizeof(nul) - 1, &d), ERR_MALFORMED_XML);
	}
}

/* Every proper prefix of a valid body is an error, and frees what it built. */
static void
test_truncated(void **state)
{
	const char *dbody = DECL "<Delete xmlns=\"" NS "\"><Object><Key>a&amp;b</Key>"
	    "<VersionId>v</VersionId></Object><Object><Key>c</Key></Object>"
	    "<Quiet>true</Quiet></Delete>";
	const char *cbody = DECL "<CompleteMultipartUpload xmlns=\"" NS "\"><Part>"
	    "<ETag>\"e1\"</ETag><PartNumber>1</PartNumber><ChecksumCRC32>AAAAAA==</ChecksumCRC32>"
	    "</Part><Part><ETag>e2</ETag><PartNumber>2</PartNumber></Part>"
	    "</CompleteMultipartUpload>";
	struct xmlreq_delete d;
	struct xmlreq_complete c;
	size_t n;

	for (n = 0; n < strlen(dbody); n++) {
		assert_int_equal(xmlreq_delete(dbody, n, &d), ERR_MALFORMED_XML);
		assert_null(d.objs);
	}
	assert_int_equal(del(dbody, &d), ERR_OK);
	assert_int_equal(d.n, 2);
	xmlreq_delete_free(&d);
	for (n = 0; n < strlen(cbody); n++) {
		assert_int_equal(xmlreq_complete(cbody, n, &c), ERR_MALFORMED_XML);
		assert_null(c.parts);
	}
	assert_int_equal(cmp(cbody, &c), ERR_OK);
	assert_int_equal(c.n, 2);
	xmlreq_complete_free(&c);
}

static void
test_doctype_attacks(void **state)
{
	static const char *bad[] = {
		/* billion laughs */
		"<?xml version=\"1.0\"?><!DOCTYPE Delete [<!ENTITY a \"aaaaaaaaaa\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
		"<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
		"<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
		"<Delete><Object><Key>&d;</Key></Object></Delete>",
		/* XXE */
		"<?xml version=\"1.0\"?><!DOCTYPE Delete [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
		"<Delete><Object><Key>&xxe;</Key></Object></Delete>",
		/* parameter entity, external DTD */
		"<!DOCTYPE Delete [<!ENTITY % p SYSTEM \"http://127.0.0.1/x.dtd\"> %p;]>"
		"<Delete><Object><Key>a</Key></Object></Delete>",
		"<!DOCTYPE Delete SYSTEM \"http://127.0.0.1/x.dtd\">"
		"<Delete><Object><Key>a</Key></Object></Delete>",
		/* even a harmless-looking DOCTYPE */
		"<!DOCTYPE Delete><Delete><Object><Key>a</Key></Object></Delete>",
		"<!DOCTYPE Delete [<!ELEMENT Delete ANY>]><Delete><Object><Key>a</Key></Object></Delete>",
	};
	struct xmlreq_delete d;
	struct xmlreq_complete c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(del(bad[i], &d), ERR_MALFORMED_XML);
		assert_null(d.objs);
	}
	assert_int_equal(cmp("<!DOCTYPE CompleteMultipartUpload [<!ENTITY e \"x\">]>"
	    "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&e;</ETag>"
	    "</Part></CompleteMultipartUpload>", &c), ERR_MALFORMED_XML);
	assert_null(c.parts);
}

/* ---- CompleteMultipartUpload ---- */

static void
test_complete_boto3(void **state)
{
	struct xmlreq_complete c;
	int a;

	assert_int_equal(cmp(DECL "<CompleteMultipartUpload xmlns=\"" NS "\">"
	    "<Part><ETag>\"7778aef83f66abc1fa1e8477f296d394\"</ETag><PartNumber>1</PartNumber></Part>"
	    "<Part><ETag>\"aaaa18db4cc2f85cedef654fccc4a4x8\"</ETag><PartNumber>2</PartNumber></Part>"
	    "</CompleteMultipartUpload>", &c), ERR_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.parts[0].number, 1);
	assert_string_equal(c.parts[0].etag, "7778aef83f66abc1fa1e8477f296d394");
	assert_int_equal(c.parts[1].number, 2);
	assert_string_equal(c.parts[1].etag, "aaaa18db4cc2f85cedef654fccc4a4x8");
	for (a = 0; a < CK__COUNT; a++)
		assert_string_equal(c.parts[0].ck[a], "");
	xmlreq_complete_free(&c);
	assert_null(c.parts);
	xmlreq_complete_free(&c);

	/* order kept as given; the caller judges it */
	assert_int_equal(cmp("<CompleteMultipartUpload><Part><PartNumber>3</PartNumber>"
	    "<ETag>c</ETag></Part><Part><PartNumber>1</PartNumber><ETag>a</ETag></Part>"
	    "<Part><PartNumber>1</PartNumber><ETag>a</ETag></Part>"
	    "</CompleteMultipartUpload>", &c), ERR_OK);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.parts[0].number, 3);
	assert_int_equal(c.parts[1].number, 1);
	assert_int_equal(c.parts[2].number, 1);
	xmlreq_complete_free(&c);
}

static void
test_complete_etag_forms(void **state)
{
	static const struct { const char *in, *out; } v[] = {
		{"\"abc\"", "abc"},
		{"abc", "abc"},
		{"&quot;abc&quot;", "abc"},
		{"&#34;abc&#34;", "abc"},
		{"  \"abc\"\n ", "abc"},
		{"\"abc", "abc"},
		{"abc\"", "abc"},
		{"\"\"", ""},
		{"", ""},
		{"\"d41d8cd98f00b204e9800998ecf8427e-12\"", "d41d8cd98f00b204e9800998ecf8427e-12"},
	};
	struct xmlreq_complete c;
	char body[512];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(body, sizeof(body), "<CompleteMultipartUpload xmlns=\"" NS "\"><Part>"
			 "<PartNumber>1</PartNumber><ETag>%s</ETag></Part>"
			 "</CompleteMultipartUpload>", v[i].in);
		assert_int_equal(cmp(body, &c), ERR_OK);
		assert_string_equal(c.parts[0].etag, v[i].out);
		xmlreq_complete_free(&c);
	}
	/* 79 characters fit, 80 name no part */
	snprintf(body, sizeof(body), "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
		 "<ETag>\"%079d\"</ETag></Part></CompleteMultipartUpload>", 0);
	assert_int_equal(cmp(body, &c), ERR_OK);
	assert_int_equal(strlen(c.parts[0].etag), 79);
	xmlreq_complete_free(&c);
	snprintf(body, sizeof(body), "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
		 "<ETag>\"%080d\"</ETag></Part></CompleteMultipartUpload>", 0);
	assert_int_equal(cmp(body, &c), ERR_INVALID_PART);
	assert_null(c.parts);
}

static void
test_complete_part_numbers(void **state)
{
	static const struct { const char *in; int n; } ok[] = {
		{"1", 1}, {"10000", 10000}, {" 7 ", 7}, {"\n42\n", 42}, {"0001", 1},
		{"000000000000000000000000000009999", 9999},
	};
	static const char *bad[] = {
		"0", "10001", "-1", "+1", "1a", "a1", "", " ", "1.0", "1 2", "0x10",
		"99999999999999999999999999", "&#49;&#48;&#48;&#48;&#49;",
	};
	struct xmlreq_complete c;
	char body[512];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(body, sizeof(body), "<CompleteMultipartUpload><Part><ETag>e</ETag>"
			 "<PartNumber>%s</PartNumber></Part></CompleteMultipartUpload>", ok[i].in);
		assert_int_equal(cmp(body, &c), ERR_OK);
		assert_int_equal(c.parts[0].number, ok[i].n);
		xmlreq_complete_free(&c);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "<CompleteMultipartUpload><Part><ETag>e</ETag>"
			 "<PartNumber>%s</PartNumber></Part></CompleteMultipartUpload>", bad[i]);
		assert_int_equal(cmp(body, &c), ERR_MALFORMED_XML);
		assert_null(c.parts);
	}
}

static void
test_complete_checksums(void **state)
{
	struct xmlreq_complete c;
	char body[1024];

	assert_int_equal(cmp("<CompleteMultipartUpload xmlns=\"" NS "\">"
	    "<Part><ChecksumCRC32>i9aeUg==</ChecksumCRC32><ETag>\"e1\"</ETag>"
	    "<PartNumber>1</PartNumber></Part>"
	    "<Part><ETag>\"e2\"</ETag><PartNumber>2</PartNumber>"
	    "<ChecksumCRC32C> crUfeA== </ChecksumCRC32C></Part>"
	    "<Part><ETag>\"e3\"</ETag><PartNumber>3</PartNumber>"
	    "<ChecksumCRC64NVME>OOJZ0D8xKts=</ChecksumCRC64NVME></Part>"
	    "<Part><ETag>\"e4\"</ETag><PartNumber>4</PartNumber>"
	    "<ChecksumSHA1>e1AsOh9IyGCa4hLN+2Od7jlnP14=</ChecksumSHA1></Part>"
	    "<Part><ETag>\"e5\"</ETag><PartNumber>5</PartNumber>"
	    "<ChecksumSHA256>ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=</ChecksumSHA256>"
	    "<ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>"
	    "</CompleteMultipartUpload>", &c), ERR_OK);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.parts[0].ck[CK_CRC32], "i9aeUg==");
	assert_string_equal(c.parts[0].ck[CK_CRC32C], "");
	assert_string_equal(c.parts[1].ck[CK_CRC32C], "crUfeA==");
	assert_string_equal(c.parts[2].ck[CK_CRC64NVME], "OOJZ0D8xKts=");
	assert_string_equal(c.parts[3].ck[CK_SHA1], "e1AsOh9IyGCa4hLN+2Od7jlnP14=");
	assert_string_equal(c.parts[4].ck[CK_SHA256],
	    "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=");
	assert_string_equal(c.parts[4].ck[CK_CRC32], "AAAAAA==");
	assert_string_equal(c.parts[4].ck[CK_NONE], "");
	assert_string_equal(c.parts[4].etag, "e5");
	xmlreq_complete_free(&c);

	/* a name that is not one of the five is just an unknown element */
	assert_int_equal(cmp("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
	    "<ETag>e</ETag><ChecksumMD5>x</ChecksumMD5><ChecksumType>FULL_OBJECT</ChecksumType>"
	    "<Checksum>y</Checksum></Part></CompleteMultipartUpload>", &c), ERR_OK);
	xmlreq_complete_free(&c);

	/* twice in one part */
	assert_int_equal(cmp("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
	    "<ETag>e</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32>"
	    "<ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part></CompleteMultipartUpload>", &c),
	    ERR_MALFORMED_XML);
	/* 47 characters fit; 48 cannot be any checksum */
	snprintf(body, sizeof(body), "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
		 "<ETag>e</ETag><ChecksumSHA256>%047d</ChecksumSHA256></Part>"
		 "</CompleteMultipartUpload>", 0);
	assert_int_equal(cmp(body, &c), ERR_OK);
	assert_int_equal(strlen(c.parts[0].ck[CK_SHA256]), 47);
	xmlreq_complete_free(&c);
	snprintf(body, sizeof(body), "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
		 "<ETag>e</ETag><ChecksumSHA256>%048d</ChecksumSHA256></Part>"
		 "</CompleteMultipartUpload>", 0);
	assert_int_equal(cmp(body, &c), ERR_INVALID_CHECKSUM);
	assert_null(c.parts);
}

static void
test_complete_missing(void **state)
{
	static const char *bad[] = {
		"<CompleteMultipartUpload xmlns=\"" NS "\"></CompleteMultipartUpload>",
		"<CompleteMultipartUpload/>",
		"<CompleteMultipartUpload><Part></Part></CompleteMultipartUpload>",
		"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part>"
		    "</CompleteMultipartUpload>",
		"<CompleteMultipartUpload><Part><ETag>e</ETag></Part></CompleteMultipartUpload>",
		"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>"
		    "<Part><ETag>e</ETag></Part></CompleteMultipartUpload>",
		"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><PartNumber>2</PartNumber>"
		    "<ETag>e</ETag></Part></CompleteMultipartUpload>",
		"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag>"
		    "<ETag>f</ETag></Part></CompleteMultipartUpload>",
		"<CompleteMultipartUpload><Parts><Part><PartNumber>1</PartNumber><ETag>e</ETag>"
		    "</Part></Parts></CompleteMultipartUpload>",
	};
	struct xmlreq_complete c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cmp(bad[i], &c), ERR_MALFORMED_XML);
		assert_null(c.parts);
		assert_int_equal(c.n, 0);
		xmlreq_complete_free(&c);
	}
}

static void
build_complete(struct buf *b, size_t n)
{
	size_t i;

	buf_init(b, 0);
	assert_int_equal(buf_adds(b, DECL "<CompleteMultipartUpload xmlns=\"" NS "\">"), ERR_OK);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_printf(b, "<Part><ETag>\"%032zx\"</ETag>"
		    "<PartNumber>%zu</PartNumber><ChecksumCRC32C>AAAAAA==</ChecksumCRC32C></Part>",
		    i, i % 10000 + 1), ERR_OK);
	assert_int_equal(buf_adds(b, "</CompleteMultipartUpload>"), ERR_OK);
}

static void
test_complete_limits(void **state)
{
	struct xmlreq_complete c;
	struct buf b;

	build_complete(&b, 10000);
	assert_true(b.len <= XMLREQ_MAX_BODY);
	assert_int_equal(xmlreq_complete(b.p, b.len, &c), ERR_OK);
	assert_int_equal(c.n, 10000);
	assert_int_equal(c.parts[9999].number, 10000);
	assert_string_equal(c.parts[9999].ck[CK_CRC32C], "AAAAAA==");
	xmlreq_complete_free(&c);
	buf_fini(&b);

	build_complete(&b, 10001);
	assert_int_equal(xmlreq_complete(b.p, b.len, &c), ERR_MALFORMED_XML);
	assert_null(c.parts);
	buf_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_bucket),
		cmocka_unit_test(test_create_bucket_errors),
		cmocka_unit_test(test_delete_boto3),
		cmocka_unit_test(test_delete_quiet),
		cmocka_unit_test(test_delete_special_keys),
		cmocka_unit_test(test_delete_unknown_elements),
		cmocka_unit_test(test_delete_limits),
		cmocka_unit_test(test_delete_missing),
		cmocka_unit_test(test_wrong_root),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_doctype_attacks),
		cmocka_unit_test(test_complete_boto3),
		cmocka_unit_test(test_complete_etag_forms),
		cmocka_unit_test(test_complete_part_numbers),
		cmocka_unit_test(test_complete_checksums),
		cmocka_unit_test(test_complete_missing),
		cmocka_unit_test(test_complete_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
