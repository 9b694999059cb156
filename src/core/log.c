/* log.c - stderr logging; each line is written with a single write(2) so
 * lines from different threads never interleave. */
#include <stdarg.h>
#include <stdio.h>
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

/* JSON string escaping for log fields (keys may hold anything). */
static void
json_str(struct buf *b, const char *s)
{
	const unsigned char *p;

	if (!s) {
		buf_adds(b, "null");
		return;
	}
	buf_addc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_addc(b, (char)*p);
	}
	buf_addc(b, '"');
}

void
log_access(const struct access_entry *e)
{
	struct buf b;
	char ts[64];

	stamp(ts, sizeof ts);
	buf_init(&b, 0);
	buf_printf(&b, "{\"time\":\"%s\",\"request_id\":", ts);
	json_str(&b, e->id);
	buf_adds(&b, ",\"remote\":");
	json_str(&b, e->remote);
	buf_adds(&b, ",\"access_key\":");
	json_str(&b, e->akid);
	buf_adds(&b, ",\"method\":");
	json_str(&b, e->method);
	buf_adds(&b, ",\"operation\":");
	json_str(&b, e->op);
	buf_adds(&b, ",\"bucket\":");
	json_str(&b, e->bucket);
	buf_adds(&b, ",\"key\":");
	json_str(&b, e->key);
	buf_printf(&b, ",\"status\":%d,\"error\":", e->status);
	json_str(&b, e->code && *e->code ? e->code : NULL);
	buf_printf(&b, ",\"bytes_in\":%llu,\"bytes_out\":%llu,\"ms\":%.3f}\n",
		   (unsigned long long)e->bytes_in, (unsigned long long)e->bytes_out, e->ms);
	if (b.p && write(STDERR_FILENO, b.p, b.len) < 0) {
		/* nowhere left to report it */
	}
	buf_fini(&b);
}
