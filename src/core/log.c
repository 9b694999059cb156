/* log.c - stderr logging; each line is written with a single write(2) so
 * lines from different threads never interleave. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "log.h"

static enum log_level min_level = LOG_INFO;

void
log_set_level(enum log_level l)
{
	min_level = l;
}

static void
stamp(char *out, size_t cap)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ts.tv_nsec / 1000000);
}

void
log_msg(enum log_level l, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	char line[2048], ts[64];
	va_list ap;
	int n, m;

	if (l < min_level)
		return;
	stamp(ts, sizeof ts);
	n = snprintf(line, sizeof line, "%s %s ", ts, names[l]);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nowhere left to report it */
	}
}

/* The access line is built by hand into one buffer sized for the worst
 * case, not with printf per field: it is written for every request. */

/* Worst-case size of s as a JSON string (every byte as \u00XX). */
static size_t
json_cap(const char *s)
{
	return s ? 6 * strlen(s) + 2 : 4;
}

/* JSON string escaping for log fields (keys may hold anything). */
static char *
json_str(char *w, const char *s)
{
	static const char hx[] = "0123456789abcdef";
	const unsigned char *p;

	if (!s) {
		memcpy(w, "null", 4);
		return w + 4;
	}
	*w++ = '"';
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			*w++ = '\\';
			*w++ = (char)*p;
		} else if (*p < 0x20 || *p == 0x7f) {
			memcpy(w, "\\u00", 4);
			w[4] = hx[*p >> 4];
			w[5] = hx[*p & 15];
			w += 6;
		} else {
			*w++ = (char)*p;
		}
	}
	*w++ = '"';
	return w;
}

static char *
put_lit(char *w, const char *s)
{
	size_t n = strlen(s);

	memcpy(w, s, n);
	return w + n;
}

static char *
put_u64(char *w, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*w++ = tmp[--n];
	return w;
}

/* The time stamp as stamp() writes it; the part down to the second is
 * formatted once per second per thread. */
static char *
put_stamp(char *w)
{
	static _Thread_local time_t sec = -1;
	static _Thread_local char head[80];
	struct timespec ts;
	long ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != sec) {
		struct tm tm;
		gmtime_r(&ts.tv_sec, &tm);
		snprintf(head, sizeof head, "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		sec = ts.tv_sec;
	}
	w = put_lit(w, head);
	ms = ts.tv_nsec / 1000000;
	*w++ = (char)('0' + ms / 100);
	*w++ = (char)('0' + ms / 10 % 10);
	*w++ = (char)('0' + ms % 10);
	*w++ = 'Z';
	return w;
}

void
log_access(const struct access_entry *e)
{
	char stackbuf[4096], *line = stackbuf, *w;
	size_t cap = 400 + json_cap(e->id) + json_cap(e->remote) + json_cap(e->akid) +
		     json_cap(e->method) + json_cap(e->op) + json_cap(e->bucket) +
		     json_cap(e->key) + json_cap(e->code);
	uint64_t us;

	if (cap > sizeof stackbuf && !(line = malloc(cap)))
		return;
	w = put_lit(line, "{\"time\":\"");
	w = put_stamp(w);
	w = put_lit(w, "\",\"request_id\":");
	w = json_str(w, e->id);
	w = put_lit(w, ",\"remote\":");
	w = json_str(w, e->remote);
	w = put_lit(w, ",\"access_key\":");
	w = json_str(w, e->akid);
	w = put_lit(w, ",\"method\":");
	w = json_str(w, e->method);
	w = put_lit(w, ",\"operation\":");
	w = json_str(w, e->op);
	w = put_lit(w, ",\"bucket\":");
	w = json_str(w, e->bucket);
	w = put_lit(w, ",\"key\":");
	w = json_str(w, e->key);
	w = put_lit(w, ",\"status\":");
	if (e->status < 0) {
		*w++ = '-';
		w = put_u64(w, (uint64_t)-(int64_t)e->status);
	} else {
		w = put_u64(w, (uint64_t)e->status);
	}
	w = put_lit(w, ",\"error\":");
	w = json_str(w, e->code && *e->code ? e->code : NULL);
	w = put_lit(w, ",\"bytes_in\":");
	w = put_u64(w, e->bytes_in);
	w = put_lit(w, ",\"bytes_out\":");
	w = put_u64(w, e->bytes_out);
	w = put_lit(w, ",\"ms\":");
	/* %.3f: milliseconds to the microsecond */
	us = e->ms > 0 ? (uint64_t)(e->ms * 1000.0 + 0.5) : 0;
	w = put_u64(w, us / 1000);
	*w++ = '.';
	*w++ = (char)('0' + us / 100 % 10);
	*w++ = (char)('0' + us / 10 % 10);
	*w++ = (char)('0' + us % 10);
	w = put_lit(w, "}\n");
	if (write(STDERR_FILENO, line, (size_t)(w - line)) < 0) {
		/* nowhere left to report it */
	}
	if (line != stackbuf)
		free(line);
}
