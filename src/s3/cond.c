/* cond.c - conditional request evaluation; see cond.h. */
#include <stdio.h>
#include <string.h>
#include "core/timefmt.h"
#include "s3/cond.h"

bool
etag_list_has(const char *list, const char *etag)
{
	size_t el = strlen(etag);
	const char *p = list;

	while (*p) {
		const char *s, *e;
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (!*p)
			break;
		s = p;
		while (*p && *p != ',')
			p++;
		e = p;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e - s >= 2 && s[0] == 'W' && s[1] == '/')
			s += 2;
		if (e - s == 1 && *s == '*')
			return true;
		if (e - s >= 2 && *s == '"' && e[-1] == '"') {
			s++;
			e--;
		}
		if ((size_t)(e - s) == el && memcmp(s, etag, el) == 0)
			return true;
	}
	return false;
}

static const char *
hdr(const struct req *r, const char *prefix, const char *name)
{
	char full[96];

	snprintf(full, sizeof full, "%s%s", prefix, name);
	return req_header(r, full);
}

enum err
cond_check(const struct req *r, const char *prefix, const char *etag, int64_t mtime_ms)
{
	bool copy = *prefix != '\0';
	const char *im = hdr(r, prefix, "If-Match"), *inm = hdr(r, prefix, "If-None-Match");
	const char *ius = hdr(r, prefix, "If-Unmodified-Since"), *ims = hdr(r, prefix, "If-Modified-Since");
	time_t t, mt = (time_t)(mtime_ms / 1000);

	if (im) {
		if (!etag_list_has(im, etag))
			return ERR_PRECONDITION_FAILED;
	} else if (ius && parse_http_date(ius, &t) && mt > t) {
		return ERR_PRECONDITION_FAILED;
	}
	if (inm) {
		if (etag_list_has(inm, etag))
			return copy ? ERR_PRECONDITION_FAILED : ERR_NOT_MODIFIED;
	} else if (ims && parse_http_date(ims, &t) && mt <= t) {
		return copy ? ERR_PRECONDITION_FAILED : ERR_NOT_MODIFIED;
	}
	return ERR_OK;
}
