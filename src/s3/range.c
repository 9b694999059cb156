/* range.c - Range and x-amz-copy-source-range parsing; see range.h. */
#include <stdlib.h>
#include <string.h>
#include "s3/range.h"

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

enum err
range_parse(const char *v, uint64_t size, struct range *out)
{
	unsigned long long a, b;
	char *end;

	out->set = false;
	if (!v || strncmp(v, "bytes=", 6) != 0 || strchr(v, ','))
		return ERR_OK;
	v += 6;
	if (*v == '-') {
		/* strtoull would take a sign or blanks: "bytes=--5" is no range */
		if (!is_digit(v[1]))
			return ERR_OK;
		a = strtoull(v + 1, &end, 10);
		if (*end)
			return ERR_OK;
		if (a == 0)
			return ERR_INVALID_RANGE;
		if (size == 0)
			return ERR_OK;
		if (a > size)
			a = size;
		out->set = true;
		out->start = size - a;
		out->len = a;
		return ERR_OK;
	}
	if (!is_digit(*v))
		return ERR_OK;
	a = strtoull(v, &end, 10);
	if (*end != '-')
		return ERR_OK;
	if (end[1] == '\0') {
		b = size ? size - 1 : 0;
	} else {
		const char *bs = end + 1;
		if (!is_digit(*bs))
			return ERR_OK;
		b = strtoull(bs, &end, 10);
		if (*end || b < a)
			return ERR_OK;
		if (size && b >= size)
			b = size - 1;
	}
	if (a >= size)
		return ERR_INVALID_RANGE;
	out->set = true;
	out->start = a;
	out->len = b - a + 1;
	return ERR_OK;
}

enum err
range_parse_copy(const char *v, uint64_t size, uint64_t *off, uint64_t *len)
{
	unsigned long long a, b;
	char *end;

	if (!v) {
		*off = 0;
		*len = size;
		return ERR_OK;
	}
	if (strncmp(v, "bytes=", 6) != 0 || !is_digit(v[6]))
		return ERR_INVALID_ARGUMENT;
	a = strtoull(v + 6, &end, 10);
	if (*end != '-' || !is_digit(end[1]))
		return ERR_INVALID_ARGUMENT;
	b = strtoull(end + 1, &end, 10);
	if (*end || b < a)
		return ERR_INVALID_ARGUMENT;
	if (b >= size)
		return ERR_INVALID_COPY_RANGE;
	*off = a;
	*len = b - a + 1;
	return ERR_OK;
}
