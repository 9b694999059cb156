/* console.c - the console listener's router: which request is what (an
 * embedded file, the JSON session API, or IAM / STS / S3 through the
 * session), the checks every API call passes first (session cookie, CSRF
 * token, Origin, password reset), then the hand-over to the very code the
 * API ports run, with the signed-in principal in r->preauth. Every answer
 * carries the security headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "console/console_int.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "store/meta/iamdb.h"

#define CONSOLE_VERSION "0.1.0"

struct console_cfg con_cfg;

enum err
console_init(const struct console_cfg *cfg)
{
	con_cfg = *cfg;
	return ERR_OK;
}

void
console_fini(void)
{
	sess_fini();
	con_signin_fini();
}

/* ---- answers ---- */

static void
security_headers(struct req *r)
{
	req_set_header(r, "Content-Security-Policy",
		       "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
		       "script-src 'self'; frame-ancestors 'none'");
	req_set_header(r, "X-Content-Type-Options", "nosniff");
	req_set_header(r, "Referrer-Policy", "no-referrer");
	req_set_header(r, "X-Frame-Options", "DENY");
}

void
con_json(struct req *r, int status, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	buf_reset(&r->body);
	r->status = status;
	if (status == 204) {
		free(s);
		return;
	}
	if (!s) {
		r->status = 500;
		buf_adds(&r->body, "{\"error\":{\"code\":\"InternalError\",\"message\":"
				   "\"We encountered an internal error. Please try again.\"}}");
	} else {
		buf_adds(&r->body, s);
		free(s);
	}
	req_set_header(r, "Content-Type", "application/json");
	req_set_header(r, "Cache-Control", "no-store");
}

void
con_error(struct req *r, int status, const char *code, const char *message)
{
	r->err_code = code;
	con_json(r, status, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message));
	r->status = status;
}

json_t *
con_session_json(const struct csession *s)
{
	char t[32];
	const struct principal *w = &s->who;

	fmt_iso8601(sess_expires(s), t);
	return json_pack("{s:{s:s,s:s,s:s,s:s,s:s},s:s,s:b,s:s}", "principal", "arn", w->arn,
			 "type", w->type == PT_ROOT ? "Root" : "IAMUser", "name", w->user,
			 "account", w->account, "userId", w->userid, "csrf", s->csrf,
			 "passwordResetRequired", s->reset_required, "expires", t);
}

/* A refusal of the console's own (before the body, or while it streams):
 * remembered in cr, rendered by error() once http.c cleared the answer. */
static enum err
refuse(struct req *r, struct con_req *cr, int status, const char *code, const char *msg)
{
	(void)r;
	cr->err_status = status;
	cr->err_code = code;
	cr->err_msg = msg;
	return ERR_ACCESS_DENIED;
}

/* ---- request classification and checks ---- */

static enum con_kind
kind_of(const char *path)
{
	static const struct {
		const char *path;
		enum con_kind kind;
	} api[] = {
		{"/api/signin", CK_SIGNIN}, {"/api/session", CK_SESSION},
		{"/api/signout", CK_SIGNOUT}, {"/api/change-password", CK_CHPW},
		{"/api/info", CK_INFO}, {"/api/events", CK_EVENTS},
		{"/api/iam", CK_IAM}, {"/api/sts", CK_STS},
	};
	size_t i;

	if (strncmp(path, "/api/s3/", 8) == 0)
		return CK_S3;
	for (i = 0; i < sizeof api / sizeof api[0]; i++)
		if (strcmp(path, api[i].path) == 0)
			return api[i].kind;
	if (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0)
		return CK_NOTFOUND;
	return CK_ASSET;
}

/* The value of the coffer_console cookie in one Cookie header value. */
bool
con_cookie_from_header(const char *p, char out[SESS_COOKIE_LEN + 1])
{
	while (*p) {
		size_t n;
		while (*p == ' ' || *p == ';')
			p++;
		n = strcspn(p, ";");
		if (strncmp(p, "coffer_console=", 15) == 0 && n - 15 == SESS_COOKIE_LEN) {
			memcpy(out, p + 15, SESS_COOKIE_LEN);
			out[SESS_COOKIE_LEN] = '\0';
			return true;
		}
		p += n;
	}
	return false;
}

/* The value of the coffer_console cookie, copied; false when absent. */
static bool
session_cookie(const struct req *r, char out[SESS_COOKIE_LEN + 1])
{
	size_t i;

	for (i = 0; i < r->nhdrs; i++)
		if (strcasecmp(r->hdrs[i].name, "Cookie") == 0 &&
		    con_cookie_from_header(r->hdrs[i].value, out))
			return true;
	return false;
}

/* "https" only behind a TLS proxy that says so; the listener is plain HTTP. */
const char *
con_scheme(const struct req *r)
{
	const char *p = req_header(r, "X-Forwarded-Proto");

	return p && strcasecmp(p, "https") == 0 ? "https" : "http";
}

/* An Origin, when sent, must be the console's own (scheme://Host). */
static bool
origin_ok(const struct req *r)
{
	const char *o = req_header(r, "Origin"), *host = req_header(r, "Host");
	const char *scheme = con_scheme(r);
	size_t sl = strlen(scheme);

	if (!o)
		return true;
	if (!host || strncmp(o, scheme, sl) != 0 || strncmp(o + sl, "://", 3) != 0)
		return false;
	return strcasecmp(o + sl + 3, host) == 0;
}

static bool
csrf_ok(const struct req *r, const struct csession *s)
{
	const char *t = req_header(r, "X-CSRF-Token");

	return t && strlen(t) == SESS_CSRF_LEN && crypto_ct_eq(t, s->csrf, SESS_CSRF_LEN);
}

/* Is the session's password still the one it signed in with? Checked again
 * whenever IAM data changed: a password change, a deleted login profile or
 * a deleted user ends the session. Refreshes the reset flag. */
static bool
still_valid(struct con_req *cr)
{
	struct csession *s = &cr->sess;
	struct iamdb_entity u;
	uint64_t gen = 0;
	bool ok;

	if (iamdb_generation_cached(con_cfg.meta, &gen) == ERR_OK && gen == s->gen && gen)
		return true;
	if (iamdb_entity_get(con_cfg.meta, IAMDB_USER, s->who.account, s->who.user, true, &u))
		return false;
	ok = u.is_root == s->who.is_root && u.has_login && u.login_created_ms == s->pw_stamp &&
	     (u.is_root || strcmp(u.id, s->who.userid) == 0);
	if (ok) {
		s->reset_required = u.login_reset_required;
		s->gen = gen;
		sess_update(cr->cookie, s);
	}
	iamdb_entity_fini(&u);
	return ok;
}

static bool
changes(const struct req *r)
{
	return strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
}

/* Methods each console endpoint takes. */
static bool
method_ok(const struct req *r, enum con_kind k)
{
	const char *m = r->method;

	switch (k) {
	case CK_SIGNIN:
	case CK_SIGNOUT:
	case CK_CHPW: return strcmp(m, "POST") == 0;
	case CK_SESSION:
	case CK_INFO:
	case CK_EVENTS:
	case CK_ASSET: return !changes(r);
	default: return true;
	}
}

static const char *const op_names[] = {
	[CK_ASSET] = "Console:Asset", [CK_SIGNIN] = "Console:SignIn",
	[CK_SESSION] = "Console:Session", [CK_SIGNOUT] = "Console:SignOut",
	[CK_CHPW] = "Console:ChangePassword", [CK_INFO] = "Console:Info",
	[CK_EVENTS] = "Console:Events", [CK_NOTFOUND] = "Console:NotFound",
	[CK_IAM] = "iam", [CK_STS] = "sts", [CK_S3] = "s3",
};

/* Hands the request to IAM, STS or S3 as the signed-in principal. */
static enum err
hand_over(struct req *r, struct con_req *cr)
{
	enum err e;

	cr->who = cr->sess.who;
	r->preauth = &cr->who;
	r->app = NULL;
	if (cr->kind == CK_S3)
		r->path += 7; /* "/api/s3/b/k" → "/b/k": S3's path style */
	if (cr->kind == CK_S3)
		e = s3_start(con_cfg.s3, r);
	else
		e = query_start(cr->kind == CK_IAM ? con_cfg.iam : con_cfg.sts, r);
	if (r->app)
		cr->handed_over = true;
	else
		r->app = cr; /* the service could not even begin: answer here */
	return e;
}

static enum err
start(struct req *r)
{
	struct con_req *cr = calloc(1, sizeof *cr);
	bool has_cookie;

	if (!cr)
		return ERR_NOMEM;
	r->app = cr;
	buf_init(&cr->in, CON_MAX_JSON);
	cr->kind = kind_of(r->path);
	r->op = op_names[cr->kind];
	if (cr->kind == CK_ASSET) {
		const char *name = strncmp(r->path, "/assets/", 8) == 0 ? r->path + 8 : "index.html";
		cr->asset = con_asset_find(name);
		if (!cr->asset && strncmp(r->path, "/assets/", 8) == 0)
			return refuse(r, cr, 404, "NotFound", "No such file.");
		if (!cr->asset)
			return refuse(r, cr, 404, "NotFound", "The console's files are missing.");
	}
	if (cr->kind == CK_NOTFOUND)
		return refuse(r, cr, 404, "NotFound", "No such console API.");
	if (!method_ok(r, cr->kind))
		return refuse(r, cr, 405, "MethodNotAllowed",
			      "The specified method is not allowed against this resource.");
	if (changes(r) && !origin_ok(r))
		return refuse(r, cr, 403, "InvalidOrigin",
			      "The request's Origin is not this console.");
	if (cr->kind == CK_ASSET || cr->kind == CK_SIGNIN)
		return ERR_OK;

	has_cookie = session_cookie(r, cr->cookie);
	cr->signed_in = has_cookie && sess_get(cr->cookie, &cr->sess);
	if (cr->signed_in && !still_valid(cr)) {
		sess_destroy(cr->cookie);
		cr->signed_in = false;
	}
	if (!cr->signed_in)
		return refuse(r, cr, 401, "NotSignedIn", "Sign in to use the console.");
	if (changes(r) && !csrf_ok(r, &cr->sess))
		return refuse(r, cr, 403, "InvalidCsrfToken",
			      "The request's X-CSRF-Token header is missing or wrong.");
	if (cr->sess.reset_required && cr->kind != CK_SESSION && cr->kind != CK_SIGNOUT &&
	    cr->kind != CK_CHPW)
		return refuse(r, cr, 403, "PasswordResetRequired",
			      "You must change your password before you continue.");
	if (cr->kind == CK_IAM || cr->kind == CK_STS || cr->kind == CK_S3)
		return hand_over(r, cr);
	return ERR_OK;
}

/* The console request behind r, whoever owns r->app now. */
static struct con_req *
con_of(struct req *r)
{
	if (r->preauth)
		return (struct con_req *)(void *)r->preauth;
	return r->app;
}

static enum err
body(struct req *r, const char *p, size_t n)
{
	struct con_req *cr = con_of(r);

	if (cr->handed_over)
		return cr->kind == CK_S3 ? s3_body(r, p, n) : query_body(r, p, n);
	if (cr->kind == CK_SIGNIN || cr->kind == CK_CHPW) {
		if (buf_add(&cr->in, p, n))
			return refuse(r, cr, 413, "RequestTooLarge", "The request body is too large.");
	}
	return ERR_OK;
}

static void
info(struct req *r)
{
	con_json(r, 200, json_pack("{s:s,s:s,s:s,s:s}", "account", con_cfg.account, "region",
				   con_cfg.region, "s3Endpoint", con_cfg.s3_endpoint,
				   "consoleVersion", CONSOLE_VERSION));
}

static enum err
finish(struct req *r)
{
	struct con_req *cr = con_of(r);
	enum err e = ERR_OK;

	switch (cr->kind) {
	case CK_S3:
		/* Before: a PutObject may answer later, from another thread
		 * (ERR_PENDING); an error answer drops them again. */
		security_headers(r);
		return s3_finish(r);
	case CK_IAM:
	case CK_STS:
		e = query_finish(r);
		break;
	case CK_ASSET: con_asset_answer(r, cr->asset); break;
	case CK_SIGNIN: con_signin(r, cr); break;
	case CK_SESSION: con_json(r, 200, con_session_json(&cr->sess)); break;
	case CK_SIGNOUT: con_signout(r, cr); break;
	case CK_CHPW: e = con_change_password(r, cr); break;
	case CK_INFO: info(r); break;
	case CK_EVENTS: con_events(r, cr); break;
	default: e = refuse(r, cr, 404, "NotFound", "No such console API.");
	}
	if (!e)
		security_headers(r);
	return e;
}

static void
cleanup(struct req *r)
{
	struct con_req *cr = con_of(r);

	if (!cr)
		return;
	if (cr->handed_over) {
		if (cr->kind == CK_S3)
			s3_cleanup(r);
		else
			query_cleanup(r);
	}
	buf_fini(&cr->in);
	crypto_wipe(cr->cookie, sizeof cr->cookie);
	crypto_wipe(&cr->sess, sizeof cr->sess);
	free(cr);
	r->app = NULL;
	r->preauth = NULL;
}

static void
error(struct req *r, enum err e)
{
	struct con_req *cr = con_of(r);

	if (cr && cr->handed_over) {
		if (cr->kind == CK_S3)
			s3_error(r, e);
		else
			query_error(r, e);
	} else if (cr && cr->err_status) {
		con_error(r, cr->err_status, cr->err_code, cr->err_msg);
	} else {
		const struct err_info *ei = err_info(e);
		if (ei->status >= 500)
			log_error("console: request %s (%s) failed: %s", r->id, r->op ? r->op : "-",
				  ei->code);
		con_error(r, ei->status, ei->code, ei->msg);
	}
	security_headers(r);
}

void
console_app(struct http_app *app)
{
	app->start = start;
	app->body = body;
	app->finish = finish;
	app->cleanup = cleanup;
	app->error = error;
}
