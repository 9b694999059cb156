/* buf.c - capped growable buffers. */
#include <stdio.h>
#include <stdlib.h>
#include "buf.h"

void
buf_init(struct buf *b, size_t cap)
{
	b->p = NULL;
	b->len = b->size = 0;
	b->cap = cap;
}

void
buf_fini(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->size = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

enum err
buf_reserve(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1, nsize;
	char *np;

	if (b->cap && b->len + extra > b->cap)
		return ERR_ENTITY_TOO_LARGE;
	if (need <= b->size)
		return ERR_OK;
	nsize = b->size ? b->size : 64;
	while (nsize < need)
		nsize *= 2;
	np = realloc(b->p, nsize);
	if (!np)
		return ERR_NOMEM;
	b->p = np;
	b->size = nsize;
	return ERR_OK;
}

enum err
buf_add(struct buf *b, const void *p, size_t n)
{
	enum err e = buf_reserve(b, n);

	if (e)
		return e;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return ERR_OK;
}

enum err
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

enum err
buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

enum err
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	enum err e;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return ERR_INTERNAL;
	if ((e = buf_reserve(b, (size_t)n)))
		return e;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return ERR_OK;
}

enum err
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	enum err e;

	va_start(ap, fmt);
	e = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return e;
}

enum err
buf_add_xml(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;
	enum err e;

	for (i = 0; i < n; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		case '\r': rep = "&#13;"; break;
		case '\n': rep = "&#10;"; break;
		default: continue;
		}
		if ((e = buf_add(b, s + start, i - start)) || (e = buf_adds(b, rep)))
			return e;
		start = i + 1;
	}
	return buf_add(b, s + start, n - start);
}

void
buf_adopt(struct buf *b, char *p, size_t n)
{
	free(b->p);
	b->p = p;
	b->len = n;
	b->size = n + 1;
}

char *
buf_steal(struct buf *b)
{
	char *p = b->p;

	if (!p)
		p = calloc(1, 1);
	b->p = NULL;
	b->len = b->size = 0;
	return p;
}
