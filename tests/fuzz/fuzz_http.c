/* fuzz_http.c - the request headers S3 reads as values: conditionals
 * (If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since and their
 * x-amz-copy-source-if-* forms, src/s3/cond.c), HTTP dates and the other time
 * formats (src/core/timefmt.c), Range and x-amz-copy-source-range
 * (src/s3/range.c).
 * Input, one field per line:
 *   ETAG                  the object's ETag (unquoted)
 *   SIZE MTIME            object size in bytes and mtime in seconds (decimal)
 *   Name:value            request headers, any number
 * Invariants: a range is within the object and only parsed from the grammar
 * AWS accepts; a parsed date formats back to the same second; conditionals
 * give only their documented answers. */
#include <stdbool.h>
#include <inttypes.h>
#include "core/timefmt.h"
#include "s3/cond.h"
#include "s3/range.h"
#include "fuzz_util.h"

#define MAX_HDRS 32

/* The Range grammar S3 honours: bytes=FIRST-[LAST] or bytes=-SUFFIX, digits only. */
static bool
strict_range(const char *v)
{
	const char *p;

	if (strncmp(v, "bytes=", 6) != 0)
		return false;
	p = v + 6;
	if (*p == '-') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
		return *p == '\0';
	}
	if (!(*p >= '0' && *p <= '9'))
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != '-')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0';
}

static void
ranges(const char *v, uint64_t size)
{
	struct range rg;
	uint64_t off, len;
	enum err e;

	e = range_parse(v, size, &rg);
	FUZZ_CHECK(e == ERR_OK || e == ERR_INVALID_RANGE);
	if (e == ERR_OK && rg.set) {
		FUZZ_CHECK(strict_range(v));
		FUZZ_CHECK(rg.len >= 1 && rg.start < size && rg.len <= size - rg.start);
	}
	if (e == ERR_INVALID_RANGE)
		FUZZ_CHECK(strict_range(v));
	e = range_parse_copy(v, size, &off, &len);
	FUZZ_CHECK(e == ERR_OK || e == ERR_INVALID_ARGUMENT || e == ERR_INVALID_COPY_RANGE);
	if (e == ERR_OK) {
		FUZZ_CHECK(strict_range(v) && v[6] != '-');
		FUZZ_CHECK(len >= 1 && off < size && len <= size - off);
	}
}

/* Every parsed time formats and parses back to the same second. */
static void
dates(const char *v)
{
	char out[64];
	time_t t, t2;

	if (parse_http_date(v, &t) && t >= 0 && t < 253402300800) {
		fmt_http_date((int64_t)t * 1000, out);
		FUZZ_CHECK(parse_http_date(out, &t2) && t2 == t);
	}
	if (parse_amz_date(v, &t) && t >= 0 && t < 253402300800) {
		fmt_amz_date((int64_t)t * 1000, out);
		FUZZ_CHECK(parse_amz_date(out, &t2) && t2 == t);
	}
	if (parse_iso8601(v, &t) && t >= 0 && t < 253402300800) {
		fmt_iso8601((int64_t)t * 1000, out);
		FUZZ_CHECK(parse_iso8601(out, &t2) && t2 == t);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {(const char *)data, size};
	char *etag = fuzz_field(&in, '\n', NULL), *nums = fuzz_field(&in, '\n', NULL);
	char *lines[MAX_HDRS];
	struct req *r = calloc(1, sizeof(*r));
	uint64_t osize = 0;
	int64_t mtime = 0;
	size_t n = 0, i;
	enum err e;

	if (nums)
		(void)sscanf(nums, "%" SCNu64 " %" SCNd64, &osize, &mtime);
	while (n < MAX_HDRS && (lines[n] = fuzz_field(&in, '\n', NULL))) {
		char *colon = strchr(lines[n], ':');
		r->hdrs[n].name = lines[n];
		r->hdrs[n].value = "";
		if (colon) {
			*colon = '\0';
			r->hdrs[n].value = colon + 1;
		}
		n++;
	}
	r->nhdrs = n;
	if (!etag)
		goto out;
	for (i = 0; i < n; i++) {
		ranges(r->hdrs[i].value, osize);
		dates(r->hdrs[i].value);
		if (etag_list_has(r->hdrs[i].value, etag))
			FUZZ_CHECK(strstr(r->hdrs[i].value, etag) || strchr(r->hdrs[i].value, '*'));
	}
	FUZZ_CHECK(etag_list_has("*", etag));
	if (!strpbrk(etag, ",\" \t") && strncmp(etag, "W/", 2) != 0) {
		char q[512];
		snprintf(q, sizeof(q), "\"%s\"", etag);
		FUZZ_CHECK(strlen(etag) > sizeof(q) - 3 || etag_list_has(q, etag));
	}
	if (mtime > INT64_MAX / 1000 || mtime < INT64_MIN / 1000)
		mtime = 0;
	e = cond_check(r, "", etag, mtime * 1000);
	FUZZ_CHECK(e == ERR_OK || e == ERR_PRECONDITION_FAILED || e == ERR_NOT_MODIFIED);
	e = cond_check(r, "x-amz-copy-source-", etag, mtime * 1000);
	FUZZ_CHECK(e == ERR_OK || e == ERR_PRECONDITION_FAILED);
out:
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(etag);
	free(nums);
	free(r);
	return 0;
}
