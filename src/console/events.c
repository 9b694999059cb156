/* events.c - /api/events: the audit log (<data>/audit.log, one CloudTrail
 * record per line) read newest first, filtered by time, principal, event
 * name, bucket and outcome, a page at a time. The next-page token is the
 * byte offset where reading stopped: the log only grows, so offsets stay
 * valid. Needs cloudtrail:LookupEvents, as CloudTrail's LookupEvents does. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "audit/audit.h"
#include "auth/sigv4.h"
#include "authz/authz.h"
#include "console/console_int.h"
#include "core/timefmt.h"

#define CHUNK (64 * 1024)
#define SCAN_MAX (32LL * 1024 * 1024) /* bytes read per page at most */
#define LINE_MAX_LEN (1024 * 1024)
#define LIMIT_MAX 1000

enum outcome { OUT_ANY, OUT_ALLOWED, OUT_DENIED, OUT_ERROR };

struct filter {
	time_t start, end;             /* 0 = open */
	char principal[256], event[128], bucket[256];
	enum outcome outcome;
	long limit;
	long long next;                /* -1 = from the end */
};

struct page {
	const struct filter *f;
	json_t *events;
	size_t n;
	bool done;                     /* an event older than start: stop */
};

/* The decoded value of query parameter name into out; false when absent. */
static bool
param(const char *q, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	struct buf b;

	while (*q) {
		const char *amp = strchr(q, '&'), *end = amp ? amp : q + strlen(q);
		if ((size_t)(end - q) > nl && strncmp(q, name, nl) == 0 && q[nl] == '=') {
			bool ok;
			buf_init(&b, cap - 1);
			ok = uri_decode(&b, q + nl + 1, (size_t)(end - q - nl - 1)) == ERR_OK;
			snprintf(out, cap, "%s", ok && b.p ? b.p : "");
			buf_fini(&b);
			return ok;
		}
		q = amp ? amp + 1 : end;
	}
	return false;
}

static const char *
parse_filter(const char *q, struct filter *f)
{
	char v[256], *end;

	memset(f, 0, sizeof *f);
	f->limit = 50;
	f->next = -1;
	if (param(q, "start", v, sizeof v) && *v && !parse_iso8601(v, &f->start))
		return "start must be an ISO 8601 time.";
	if (param(q, "end", v, sizeof v) && *v && !parse_iso8601(v, &f->end))
		return "end must be an ISO 8601 time.";
	param(q, "principal", f->principal, sizeof f->principal);
	param(q, "event", f->event, sizeof f->event);
	param(q, "bucket", f->bucket, sizeof f->bucket);
	if (param(q, "outcome", v, sizeof v) && *v) {
		if (strcmp(v, "allowed") == 0)
			f->outcome = OUT_ALLOWED;
		else if (strcmp(v, "denied") == 0)
			f->outcome = OUT_DENIED;
		else if (strcmp(v, "error") == 0)
			f->outcome = OUT_ERROR;
		else
			return "outcome must be allowed, denied or error.";
	}
	if (param(q, "limit", v, sizeof v) && *v) {
		f->limit = strtol(v, &end, 10);
		if (*end || f->limit < 1 || f->limit > LIMIT_MAX)
			return "limit must be between 1 and 1000.";
	}
	if (param(q, "next", v, sizeof v) && *v) {
		f->next = strtoll(v, &end, 10);
		if (*end || f->next < 0)
			return "next is not a token this console gave.";
	}
	return NULL;
}

const char *
con_events_query_error(const char *q)
{
	struct filter f;

	return parse_filter(q, &f);
}

static const char *
member(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool
has(const char *s, const char *needle)
{
	return s && strcasestr(s, needle);
}

static bool
matches(const struct filter *f, json_t *ev, bool *older)
{
	json_t *who = json_object_get(ev, "userIdentity");
	json_t *rp = json_object_get(ev, "requestParameters");
	const char *t = member(ev, "eventTime"), *err = member(ev, "errorCode");
	time_t when = 0;

	*older = false;
	if (!t || !parse_iso8601(t, &when))
		return false;
	if (f->start && when < f->start) {
		*older = true;
		return false;
	}
	if (f->end && when > f->end)
		return false;
	if (f->principal[0] && !has(member(who, "arn"), f->principal) &&
	    !has(member(who, "userName"), f->principal) &&
	    !has(member(who, "principalId"), f->principal))
		return false;
	if (f->event[0] && !has(member(ev, "eventName"), f->event))
		return false;
	if (f->bucket[0]) {
		const char *b = member(rp, "bucketName");
		if (!b || strcmp(b, f->bucket) != 0)
			return false;
	}
	switch (f->outcome) {
	case OUT_ALLOWED: return !err;
	case OUT_DENIED: return err && strstr(err, "AccessDenied");
	case OUT_ERROR: return err && !strstr(err, "AccessDenied");
	default: return true;
	}
}

/* One line of the log; false when the page is full or done. */
static bool
take(struct page *pg, const char *line, size_t n)
{
	json_t *ev;
	bool older;

	if (n == 0)
		return true;
	if (!(ev = json_loadb(line, n, 0, NULL)))
		return true; /* a torn or foreign line: skip it */
	if (matches(pg->f, ev, &older)) {
		json_array_append(pg->events, ev);
		pg->n++;
	}
	json_decref(ev);
	if (older)
		pg->done = true;
	return !pg->done && pg->n < (size_t)pg->f->limit;
}

/* Reads backwards from f->next (or the end); *next gets where to go on
 * from, or -1 when the start of the log (or of the time range) was reached. */
static int
scan(int fd, struct page *pg, long long *next)
{
	struct stat st;
	long long pos, scanned = 0;
	char *data = NULL;
	size_t carry = 0;
	int rc = -1;

	*next = -1;
	if (fstat(fd, &st))
		return -1;
	pos = pg->f->next >= 0 && pg->f->next < st.st_size ? pg->f->next : st.st_size;
	if (!(data = malloc(CHUNK + LINE_MAX_LEN)))
		return -1;
	while (pos > 0) {
		size_t n = pos < CHUNK ? (size_t)pos : CHUNK, end, i;
		if (scanned >= SCAN_MAX) {
			*next = pos + (long long)carry;
			break;
		}
		pos -= (long long)n;
		memmove(data + n, data, carry);
		if (pread(fd, data, n, pos) != (ssize_t)n)
			goto out;
		scanned += (long long)n;
		end = n + carry;
		for (i = end; i-- > 0;) {
			if (data[i] != '\n')
				continue;
			if (!take(pg, data + i + 1, end - i - 1)) {
				*next = pg->done ? -1 : pos + (long long)i + 1;
				rc = 0;
				goto out;
			}
			end = i;
		}
		carry = end;
		if (carry > LINE_MAX_LEN)
			carry = 0; /* a line this long is not ours: drop it */
	}
	if (pos == 0 && carry)
		take(pg, data, carry); /* the first line of the log */
	rc = 0;
out:
	free(data);
	return rc;
}

void
con_events(struct req *r, struct con_req *cr)
{
	struct filter f;
	struct page pg;
	const char *bad;
	char path[4200], tok[32];
	long long next = -1;
	int fd;

	cr->who = cr->sess.who;
	r->preauth = &cr->who; /* audited as a console action */
	if (authz_identity(con_cfg.meta, r, &cr->who, "cloudtrail:LookupEvents", "*")) {
		char *msg = r->err_msg ? strdup(r->err_msg) : NULL;
		con_error(r, 403, "AccessDeniedException", msg ? msg : "Access Denied");
		audit_record(r, "cloudtrail", "LookupEvents", &cr->who, NULL, 0, true);
		free(msg);
		return;
	}
	if ((bad = parse_filter(r->query, &f))) {
		con_error(r, 400, "InvalidParameter", bad);
		return;
	}
	snprintf(path, sizeof path, "%s/audit.log", con_cfg.data_dir);
	memset(&pg, 0, sizeof pg);
	pg.f = &f;
	pg.events = json_array();
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		int rc = scan(fd, &pg, &next);
		close(fd);
		if (rc) {
			json_decref(pg.events);
			con_error(r, 500, "InternalError", "The event history could not be read.");
			return;
		}
	}
	snprintf(tok, sizeof tok, "%lld", next);
	con_json(r, 200, json_pack("{s:o,s:o}", "events", pg.events, "next",
				   next >= 0 ? json_string(tok) : json_null()));
}
