/* query.c - the AWS Query protocol for IAM and STS; see query.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "audit/audit.h"
#include "auth/sigv4.h"
#include "authz/authz.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "query/query.h"

const char *
query_arg(const struct query_ctx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nargs; i++)
		if (strcmp(c->args[i].k, name) == 0)
			return c->args[i].v;
	return NULL;
}

void
query_error_msg(struct query_ctx *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	req_error_detail(c->r, msg, NULL, NULL);
}

const char *
query_req(struct query_ctx *c, const char *name)
{
	const char *v = query_arg(c, name);

	if (!v || !*v) {
		char lower[64];
		snprintf(lower, sizeof lower, "%s", name);
		lower[0] = (char)(lower[0] >= 'A' && lower[0] <= 'Z' ? lower[0] - 'A' + 'a' : lower[0]);
		query_error_msg(c, "1 validation error detected: Value null at '%s' failed to satisfy "
				   "constraint: Member must not be null", lower);
		return NULL;
	}
	return v;
}

size_t
query_list(const struct query_ctx *c, const char *prefix, const char **out, size_t max)
{
	size_t n = 0, plen = strlen(prefix), i;

	/* Members are numbered from 1; gaps end the list, as AWS reads it. */
	for (;;) {
		char key[128];
		const char *v = NULL;
		snprintf(key, sizeof key, "%s.%zu", prefix, n + 1);
		for (i = 0; i < c->nargs; i++)
			if (strncmp(c->args[i].k, prefix, plen) == 0 && strcmp(c->args[i].k, key) == 0) {
				v = c->args[i].v;
				break;
			}
		if (!v || n >= max)
			return n;
		out[n++] = v;
	}
}

enum err
query_int(struct query_ctx *c, const char *name, long lo, long hi, long dflt, long *v)
{
	const char *s = query_arg(c, name);
	char *end;
	long n;

	if (!s) {
		*v = dflt;
		return ERR_OK;
	}
	n = strtol(s, &end, 10);
	if (!*s || *end || n < lo || n > hi) {
		char lower[64];
		snprintf(lower, sizeof lower, "%s", name);
		lower[0] = (char)(lower[0] >= 'A' && lower[0] <= 'Z' ? lower[0] - 'A' + 'a' : lower[0]);
		query_error_msg(c, "1 validation error detected: Value '%s' at '%s' failed to satisfy "
				   "constraint: Member must have value between %ld and %ld", s, lower, lo, hi);
		return ERR_IAM_VALIDATION;
	}
	*v = n;
	return ERR_OK;
}

void
query_elem(struct query_ctx *c, const char *name, const char *text)
{
	buf_printf(&c->out, "<%s>", name);
	if (text)
		buf_add_xml(&c->out, text, strlen(text));
	buf_printf(&c->out, "</%s>", name);
}

void
query_elem_u64(struct query_ctx *c, const char *name, uint64_t v)
{
	buf_printf(&c->out, "<%s>%llu</%s>", name, (unsigned long long)v, name);
}

void
query_elem_bool(struct query_ctx *c, const char *name, bool v)
{
	buf_printf(&c->out, "<%s>%s</%s>", name, v ? "true" : "false", name);
}

void
query_elem_time(struct query_ctx *c, const char *name, int64_t ms)
{
	char t[32];

	fmt_iso8601(ms, t);
	/* IAM answers whole seconds: 2026-11-26T06:47:19Z */
	memcpy(t + 19, "Z", 2);
	query_elem(c, name, t);
}

void
query_open(struct query_ctx *c, const char *name)
{
	buf_printf(&c->out, "<%s>", name);
}

void
query_close(struct query_ctx *c, const char *name)
{
	buf_printf(&c->out, "</%s>", name);
}

enum err
query_authorize(struct query_ctx *c, const char *action, const char *resource)
{
	return authz_query(c, action, resource);
}

/* ---- the http side ---- */

/* Form decoding: '+' is a space, and only an unencoded '+' (so "%2B" stays
 * a plus sign). */
static enum err
form_decode(struct buf *out, const char *s, size_t n)
{
	/* All n bytes: a body may hold a NUL, and the copy is wiped for n. */
	char *tmp = malloc(n + 1);
	size_t i;
	enum err e;

	if (!tmp)
		return ERR_NOMEM;
	for (i = 0; i < n; i++)
		tmp[i] = s[i] == '+' ? ' ' : s[i];
	tmp[n] = '\0';
	e = uri_decode(out, tmp, n);
	crypto_wipe(tmp, n);
	free(tmp);
	return e;
}

enum err
query_parse_form(struct query_ctx *c, const char *s, size_t n)
{
	const char *end = s + n;
	struct buf k, v;
	enum err e = ERR_OK;

	buf_init(&k, 0);
	buf_init(&v, 0);
	while (s < end) {
		const char *amp = memchr(s, '&', (size_t)(end - s)), *stop = amp ? amp : end;
		const char *eq = memchr(s, '=', (size_t)(stop - s));
		const char *kend = eq ? eq : stop;

		if (stop > s) {
			if (c->nargs >= QUERY_MAX_ARGS) {
				e = ERR_IAM_MALFORMED_QUERY;
				break;
			}
			buf_reset(&k);
			buf_reset(&v);
			if (form_decode(&k, s, (size_t)(kend - s)) ||
			    (eq && form_decode(&v, eq + 1, (size_t)(stop - eq - 1)))) {
				e = ERR_IAM_MALFORMED_QUERY;
				break;
			}
			c->args[c->nargs].k = strdup(k.p ? k.p : "");
			c->args[c->nargs].v = strdup(v.p ? v.p : "");
			if (!c->args[c->nargs].k || !c->args[c->nargs].v) {
				free(c->args[c->nargs].k);
				free(c->args[c->nargs].v);
				e = ERR_NOMEM;
				break;
			}
			c->nargs++;
		}
		s = amp ? amp + 1 : end;
	}
	buf_fini(&k);
	buf_fini(&v);
	return e;
}

enum err
query_start(const struct query_service *svc, struct req *r)
{
	struct query_ctx *c = calloc(1, sizeof *c);
	enum err e;

	if (!c)
		return ERR_NOMEM;
	r->app = c;
	c->r = r;
	c->svc = svc;
	c->env = svc->env;
	buf_init(&c->form, QUERY_MAX_BODY);
	buf_init(&c->out, 0);
	r->op = svc->name;
	if (strcmp(r->method, "POST") != 0 && strcmp(r->method, "GET") != 0)
		return ERR_METHOD_NOT_ALLOWED;
	if ((e = authn_request(svc->env->auth, r, svc->name, &c->auth)))
		return e;
	c->who = &c->auth.who;
	return ERR_OK;
}

static enum err
sink_form(void *ctx, const char *p, size_t n)
{
	struct query_ctx *c = ctx;

	return buf_add(&c->form, p, n) ? ERR_IAM_MALFORMED_QUERY : ERR_OK;
}

enum err
query_body(struct req *r, const char *p, size_t n)
{
	struct query_ctx *c = r->app;

	return authn_body(&c->auth, p, n, sink_form, c);
}

enum err
query_finish(struct req *r)
{
	struct query_ctx *c = r->app;
	const char *action, *version;
	struct buf b;
	size_t i;
	enum err e;

	if ((e = authn_finish(&c->auth)))
		return e;
	if ((e = query_parse_form(c, r->query, strlen(r->query))) ||
	    (c->form.len && (e = query_parse_form(c, c->form.p, c->form.len))))
		return e;
	action = query_arg(c, "Action");
	if (!action || !*action)
		return ERR_IAM_MISSING_ACTION;
	for (i = 0; i < c->svc->nactions; i++)
		if (strcmp(c->svc->actions[i].name, action) == 0)
			c->action = &c->svc->actions[i];
	r->op = c->action ? c->action->name : "UnknownAction";
	if (!c->action) {
		query_error_msg(c, "Could not find operation %.64s for version %s", action,
				c->svc->version);
		return ERR_IAM_INVALID_ACTION;
	}
	version = query_arg(c, "Version");
	if (version && strcmp(version, c->svc->version) != 0) {
		query_error_msg(c, "Could not find operation %.64s for version %.32s", action, version);
		return ERR_IAM_INVALID_ACTION;
	}
	if ((e = c->action->fn(c)))
		return e;
	buf_init(&b, 0);
	buf_printf(&b, "<%sResponse xmlns=\"%s\">", action, c->svc->xmlns);
	if (c->out.len)
		buf_printf(&b, "<%sResult>%s</%sResult>", action, c->out.p, action);
	buf_printf(&b, "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>",
		   r->id, action);
	buf_fini(&r->body);
	r->body = b;
	r->status = 200;
	req_set_header(r, "Content-Type", "text/xml");
	return ERR_OK;
}

/* Changes and refusals are audited; reads that succeed are not. */
static void
audit(struct query_ctx *c)
{
	struct audit_param ps[QUERY_MAX_ARGS];
	const char *name = c->action ? c->action->name : NULL;
	bool read_only = name && (strncmp(name, "Get", 3) == 0 || strncmp(name, "List", 4) == 0 ||
				  strncmp(name, "Simulate", 8) == 0);
	size_t i;

	if (read_only && c->r->status < 400)
		return;
	if (!name && c->r->status != 403)
		return;
	for (i = 0; i < c->nargs; i++)
		ps[i] = (struct audit_param){c->args[i].k, c->args[i].v};
	audit_record(c->r, c->svc->name, name ? name : query_arg(c, "Action"),
		     c->who ? c->who : NULL, ps, c->nargs, read_only);
}

void
query_cleanup(struct req *r)
{
	struct query_ctx *c = r->app;
	size_t i;

	if (!c)
		return;
	audit(c);
	authn_fini(&c->auth);
	buf_fini(&c->form);
	buf_fini(&c->out);
	for (i = 0; i < c->nargs; i++) {
		crypto_wipe(c->args[i].v, strlen(c->args[i].v)); /* passwords pass through here */
		free(c->args[i].k);
		free(c->args[i].v);
	}
	free(c);
	r->app = NULL;
}

/* S3-style authentication errors mapped to what IAM and STS answer. */
static enum err
query_code(enum err e)
{
	switch (e) {
	case ERR_INVALID_ACCESS_KEY: return ERR_IAM_INVALID_CLIENT_TOKEN;
	case ERR_SIGNATURE_MISMATCH: return ERR_IAM_SIGNATURE_MISMATCH;
	case ERR_AUTH_HEADER_MALFORMED:
	case ERR_AUTH_QUERY_MALFORMED: return ERR_IAM_INCOMPLETE_SIGNATURE;
	case ERR_ANONYMOUS_DENIED: return ERR_IAM_MISSING_AUTH;
	case ERR_EXPIRED_PRESIGN: return ERR_IAM_REQUEST_EXPIRED;
	case ERR_EXPIRED_TOKEN: return ERR_STS_EXPIRED_TOKEN;
	case ERR_INVALID_TOKEN: return ERR_IAM_INVALID_CLIENT_TOKEN;
	case ERR_ACCESS_DENIED: return ERR_IAM_ACCESS_DENIED;
	default: return e;
	}
}

void
query_error(struct req *r, enum err e)
{
	struct query_ctx *c = r->app;
	const struct err_info *ei;
	struct buf *b = &r->body;
	const char *msg;

	e = query_code(e);
	ei = err_info(e);
	if (e == ERR_INTERNAL || e == ERR_NOMEM)
		log_error("%s: request %s (%s) failed", c ? c->svc->name : "query", r->id,
			  r->op ? r->op : "-");
	buf_reset(b);
	r->status = ei->status;
	r->err_code = ei->code;
	msg = r->err_msg ? r->err_msg : ei->msg;
	req_set_header(r, "Content-Type", "text/xml");
	buf_printf(b, "<ErrorResponse xmlns=\"%s\"><Error><Type>%s</Type><Code>%s</Code><Message>",
		   c ? c->svc->xmlns : "https://iam.amazonaws.com/doc/2010-05-08/",
		   ei->status >= 500 ? "Receiver" : "Sender", ei->code);
	buf_add_xml(b, msg, strlen(msg));
	buf_printf(b, "</Message></Error><RequestId>%s</RequestId></ErrorResponse>", r->id);
}
