/* fuzz_xmlreq.c - every XML request body parser (src/s3/xmlreq.c):
 * CreateBucketConfiguration, Delete and CompleteMultipartUpload, each given
 * the whole input (so one seed of any of them reaches all three).
 * Invariants: a parse either fails with one of the documented errors and
 * leaves nothing allocated, or gives a result within the documented limits. */
#include "s3/xmlreq.h"
#include "fuzz_util.h"

static void
create_bucket(const char *body, size_t n)
{
	char loc[64];
	enum err e = xmlreq_create_bucket(body, n, loc, sizeof(loc));

	FUZZ_CHECK(strlen(loc) < sizeof(loc));
	if (e)
		FUZZ_CHECK(loc[0] == '\0' && (e == ERR_MALFORMED_XML || e == ERR_INVALID_LOCATION ||
					      e == ERR_NOMEM));
}

static void
delete_objects(const char *body, size_t n)
{
	struct xmlreq_delete d;
	enum err e = xmlreq_delete(body, n, &d);
	size_t i;

	if (e) {
		FUZZ_CHECK(e == ERR_MALFORMED_XML || e == ERR_NOMEM);
		FUZZ_CHECK(d.n == 0 && d.objs == NULL);
		return;
	}
	FUZZ_CHECK(d.n >= 1 && d.n <= XMLREQ_MAX_DELETE);
	for (i = 0; i < d.n; i++)
		FUZZ_CHECK(d.objs[i].key != NULL);
	xmlreq_delete_free(&d);
}

static void
complete(const char *body, size_t n)
{
	struct xmlreq_complete m;
	enum err e = xmlreq_complete(body, n, &m);
	size_t i;
	int a;

	if (e) {
		FUZZ_CHECK(e == ERR_MALFORMED_XML || e == ERR_NOMEM || e == ERR_INVALID_PART ||
			   e == ERR_INVALID_CHECKSUM);
		FUZZ_CHECK(m.n == 0 && m.parts == NULL);
		return;
	}
	FUZZ_CHECK(m.n >= 1 && m.n <= XMLREQ_MAX_PARTS);
	for (i = 0; i < m.n; i++) {
		FUZZ_CHECK(m.parts[i].number >= 1 && m.parts[i].number <= XMLREQ_MAX_PARTS);
		FUZZ_CHECK(strlen(m.parts[i].etag) < sizeof(m.parts[i].etag));
		for (a = 0; a < CK__COUNT; a++)
			FUZZ_CHECK(strlen(m.parts[i].ck[a]) < CKSUM_B64_MAX);
	}
	xmlreq_complete_free(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = fuzz_dup(data, size); /* not NUL-terminated: the parsers take a length */

	create_bucket(body, size);
	delete_objects(body, size);
	complete(body, size);
	free(body);
	return 0;
}
