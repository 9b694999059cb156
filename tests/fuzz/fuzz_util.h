/* fuzz_util.h - what the libFuzzer targets share: the input cut into
 * newline-separated fields (so that seeds are readable text files), each
 * field copied into its own exact-size heap buffer so that ASan sees any read
 * past its end, and a check that aborts with a message (a finding). */
#ifndef COFFER_FUZZ_UTIL_H
#define COFFER_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: a violation is a finding, like a crash. */
#define FUZZ_CHECK(cond)                                                               \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                \
			abort();                                                       \
		}                                                                      \
	} while (0)

/* The rest of an input, consumed field by field. */
struct fuzz_in {
	const char *p;
	size_t n;
};

/* The next field up to (not including) sep, or the whole rest when there is
 * none, as a malloc'd NUL-terminated copy of exactly len+1 bytes (a NUL
 * inside stays: C callers see a shorter string, as from the HTTP layer).
 * *len (optional) gets the field's length. NULL once the input is used up. */
static inline char *
fuzz_field(struct fuzz_in *in, char sep, size_t *len)
{
	const char *end;
	size_t k;
	char *s;

	if (!in->p)
		return NULL;
	end = memchr(in->p, sep, in->n);
	k = end ? (size_t)(end - in->p) : in->n;
	s = malloc(k + 1);
	if (!s)
		abort();
	memcpy(s, in->p, k);
	s[k] = '\0';
	if (len)
		*len = k;
	if (end) {
		in->p = end + 1;
		in->n -= k + 1;
	} else {
		in->p = NULL;
		in->n = 0;
	}
	return s;
}

/* A copy of the whole input in an exact-size buffer (no NUL added). */
static inline char *
fuzz_dup(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	return s;
}

/* Same, NUL-terminated (size+1 bytes). */
static inline char *
fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
