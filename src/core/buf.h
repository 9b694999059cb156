/* buf.h - growable byte buffer with a hard cap, and {ptr,len} string slices.
 * Every buffer filled from client input is created with a cap; appends past
 * it fail with ERR_ENTITY_TOO_LARGE instead of growing without bound. */
#ifndef COFFER_BUF_H
#define COFFER_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include "err.h"

struct buf {
	char *p;     /* always NUL-terminated when non-NULL */
	size_t len;
	size_t size; /* allocated */
	size_t cap;  /* maximum len; 0 = unlimited (trusted data only) */
};

struct slice {
	const char *p;
	size_t len;
};

#define SLICE_LIT(s) ((struct slice){(s), sizeof(s) - 1})

void buf_init(struct buf *b, size_t cap);
void buf_fini(struct buf *b);
void buf_reset(struct buf *b);
enum err buf_reserve(struct buf *b, size_t extra);
enum err buf_add(struct buf *b, const void *p, size_t n);
enum err buf_adds(struct buf *b, const char *s);
enum err buf_addc(struct buf *b, char c);
enum err buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum err buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Append s with XML escaping of & < > " ' */
enum err buf_add_xml(struct buf *b, const char *s, size_t n);
/* Take ownership of the bytes; the buffer is left empty. */
char *buf_steal(struct buf *b);
/* The reverse: the buffer's old bytes are freed and it takes p, malloc'd,
 * holding n bytes and a NUL at p[n]. */
void buf_adopt(struct buf *b, char *p, size_t n);

static inline struct slice
slice_from(const char *s)
{
	return (struct slice){s, s ? strlen(s) : 0};
}

static inline int
slice_eq(struct slice a, const char *s)
{
	size_t n = strlen(s);
	return a.len == n && memcmp(a.p, s, n) == 0;
}

#endif
