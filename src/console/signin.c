/* signin.c - the console's session API: sign-in (root user or IAM user
 * with a login profile, argon2id, throttled, the same work for unknown
 * users), sign-out and change-password. Passwords are wiped after use and
 * never logged; ConsoleLogin lands in the audit log as on AWS. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "console/console_int.h"
#include "console/throttle.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "iam/iam.h"
#include "store/meta/iamdb.h"

#define BAD_CREDENTIALS "Your authentication information is incorrect. Please try again."

/* Verified when the user is unknown, so that a wrong name costs the same
 * argon2id work as a wrong password and timing tells nothing. Made at the
 * first sign-in (before any lookup, whoever it is for), not at start: a
 * server start stays quick. */
static char *dummy_hash;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy(void)
{
	uint8_t rnd[32];
	char pw[65];

	if (crypto_random(rnd, sizeof rnd) == ERR_OK) {
		hex_encode(rnd, sizeof rnd, pw);
		if (iam_password_hash(pw, &dummy_hash))
			log_error("console: cannot prepare sign-in");
		crypto_wipe(pw, sizeof pw);
	}
	crypto_wipe(rnd, sizeof rnd);
}

void
con_signin_fini(void)
{
	free(dummy_hash);
	dummy_hash = NULL;
}

/* The string member k of j, or NULL. */
static const char *
str_of(json_t *j, const char *k)
{
	json_t *v = json_object_get(j, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Wipes the string member k of j in place (jansson owns the bytes). */
static void
wipe_member(json_t *j, const char *k)
{
	const char *v = str_of(j, k);

	if (v)
		crypto_wipe((char *)v, strlen(v));
}

json_t *
con_json_object(const char *p, size_t n)
{
	json_t *j = n ? json_loadb(p, n, JSON_REJECT_DUPLICATES, NULL) : NULL;

	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

static json_t *
parse_body(struct con_req *cr)
{
	json_t *j = con_json_object(cr->in.p, cr->in.len);

	if (cr->in.p)
		crypto_wipe(cr->in.p, cr->in.len);
	return j;
}

static void
cookie_header(struct req *r, const char *value, int max_age)
{
	req_set_headerf(r, "Set-Cookie", "coffer_console=%s; Path=/; HttpOnly; SameSite=Strict; "
			"Max-Age=%d%s", value, max_age,
			strcmp(con_scheme(r), "https") == 0 ? "; Secure" : "");
}

/* The throttle's key: who tries, from where. */
static void
throttle_key(const struct req *r, const char *kind, const char *account, const char *user,
	     char *out, size_t cap)
{
	size_t i, n;

	n = (size_t)snprintf(out, cap, "%s\n%s\n%s\n", r->remote, kind, account ? account : "");
	for (i = 0; user[i] && n + 1 < cap; i++)
		out[n++] = (char)tolower((unsigned char)user[i]);
	out[n < cap ? n : cap - 1] = '\0';
}

/* Looks the person up; *u is filled and *hash set (malloc'd) only when
 * the user exists and may sign in. */
static enum err
find_login(const char *kind, const char *account, const char *user, struct iamdb_entity *u,
	   char **hash)
{
	bool root = strcmp(kind, "root") == 0;
	enum err e;

	*hash = NULL;
	if (!root && (!account || strcmp(account, con_cfg.account) != 0))
		return ERR_OK; /* no aliases yet: the 12-digit account id */
	e = iamdb_entity_get(con_cfg.meta, IAMDB_USER, con_cfg.account, user, root, u);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return ERR_OK;
	if (e)
		return e;
	if (u->is_root == root && u->has_login)
		e = root ? iamdb_root_login_hash(con_cfg.meta, con_cfg.account, hash)
			 : iamdb_login_hash(con_cfg.meta, con_cfg.account, u->name, hash);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		e = ERR_OK;
	return e;
}

static void
principal_of(const struct iamdb_entity *u, struct principal *w)
{
	memset(w, 0, sizeof *w);
	snprintf(w->account, sizeof w->account, "%s", u->account);
	snprintf(w->user, sizeof w->user, "%.*s", (int)sizeof w->user - 1, u->name);
	w->is_root = u->is_root;
	w->type = u->is_root ? PT_ROOT : PT_USER;
	if (u->is_root) {
		snprintf(w->arn, sizeof w->arn, "arn:aws:iam::%s:root", u->account);
		snprintf(w->userid, sizeof w->userid, "%s", u->account);
	} else {
		snprintf(w->arn, sizeof w->arn, "%.*s", (int)sizeof w->arn - 1, u->arn);
		snprintf(w->userid, sizeof w->userid, "%s", u->id);
	}
}

void
con_signin(struct req *r, struct con_req *cr)
{
	json_t *j = parse_body(cr);
	const char *kind = str_of(j, "kind"), *user = str_of(j, "user"),
		   *pw = str_of(j, "password"), *account = str_of(j, "account");
	struct iamdb_entity u;
	struct csession s;
	char key[512], cookie[SESS_COOKIE_LEN + 1], *hash = NULL;
	int64_t wait;
	bool ok;
	enum err e;

	memset(&u, 0, sizeof u);
	memset(&s, 0, sizeof s);
	pthread_once(&dummy_once, make_dummy);
	if (!kind || (strcmp(kind, "root") != 0 && strcmp(kind, "iam") != 0) || !user || !*user ||
	    !pw || (strcmp(kind, "iam") == 0 && !account) || strlen(user) > 128) {
		con_error(r, 400, "InvalidInput",
			  "Send kind (root or iam), user and password, and account for IAM users.");
		goto out;
	}
	throttle_key(r, kind, account, user, key, sizeof key);
	if ((wait = throttle_wait_s(key)) > 0) {
		con_error(r, 429, "Throttling",
			  "Too many failed sign-in attempts. Wait a few minutes and try again.");
		req_set_headerf(r, "Retry-After", "%lld", (long long)wait);
		goto out;
	}
	if ((e = find_login(kind, account, user, &u, &hash))) {
		con_error(r, 500, "InternalError", "We encountered an internal error. Please try again.");
		goto out;
	}
	/* Always one argon2id verification, whether the user exists or not. */
	ok = iam_password_verify(hash ? hash : dummy_hash, pw) && hash;
	if (!ok) {
		throttle_fail(key);
		con_error(r, 401, "InvalidCredentials", BAD_CREDENTIALS);
		audit_record(r, "signin", "ConsoleLogin", NULL, NULL, 0, false);
		goto out;
	}
	throttle_clear(key);
	principal_of(&u, &s.who);
	s.reset_required = u.login_reset_required;
	s.pw_stamp = u.login_created_ms;
	iamdb_generation_cached(con_cfg.meta, &s.gen);
	if ((e = sess_create(&s, cookie))) {
		con_error(r, 503, "ServiceUnavailable", "Reduce your request rate.");
		goto out;
	}
	iamdb_login_used(con_cfg.meta, u.account, u.name, now_ms());
	con_json(r, 200, con_session_json(&s));
	cookie_header(r, cookie, (int)(SESS_ABSOLUTE_MS / 1000));
	audit_record(r, "signin", "ConsoleLogin", &s.who, NULL, 0, false);
	crypto_wipe(cookie, sizeof cookie);
out:
	wipe_member(j, "password");
	json_decref(j);
	free(hash);
	iamdb_entity_fini(&u);
	crypto_wipe(&s, sizeof s);
}

void
con_signout(struct req *r, struct con_req *cr)
{
	sess_destroy(cr->cookie);
	con_json(r, 204, NULL);
	cookie_header(r, "", 0);
}

/* After a password change: this session goes on (no reset pending, the
 * new password's stamp); other sessions of the person end at their next
 * request, as their stamp no longer matches. */
static void
keep_session(struct con_req *cr)
{
	struct iamdb_entity u;

	if (iamdb_entity_get(con_cfg.meta, IAMDB_USER, cr->sess.who.account, cr->sess.who.user, true,
			     &u) == ERR_OK) {
		cr->sess.pw_stamp = u.login_created_ms;
		cr->sess.reset_required = u.login_reset_required;
		iamdb_generation_cached(con_cfg.meta, &cr->sess.gen);
		sess_update(cr->cookie, &cr->sess);
		iamdb_entity_fini(&u);
	}
}

/* application/x-www-form-urlencoded, every byte but the unreserved ones escaped. */
static void
form_add(struct buf *b, const char *k, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	buf_printf(b, "%s%s=", b->len ? "&" : "", k);
	for (p = (const unsigned char *)v; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			buf_addc(b, (char)*p);
		} else {
			buf_addc(b, '%');
			buf_addc(b, hex[*p >> 4]);
			buf_addc(b, hex[*p & 15]);
		}
	}
}

/* The root user's password is the console's: same policy and hashing as
 * IAM's, the old password verified first. */
static void
change_root(struct req *r, struct con_req *cr, const char *old, const char *pw)
{
	char msg[256], *stored = NULL, *hash = NULL;
	enum err e;

	pthread_once(&dummy_once, make_dummy);
	if ((e = iamdb_root_login_hash(con_cfg.meta, con_cfg.account, &stored)))
		goto fail;
	if (!iam_password_verify(stored ? stored : dummy_hash, old) || !stored) {
		con_error(r, 403, "AccessDenied", "The old password was incorrect.");
		goto out;
	}
	if ((e = iam_password_policy(pw, msg, sizeof msg))) {
		con_error(r, err_info(e)->status, err_info(e)->code, msg);
		goto out;
	}
	if ((e = iam_password_hash(pw, &hash)) ||
	    (e = iamdb_root_login_set(con_cfg.meta, con_cfg.account, hash, now_ms())))
		goto fail;
	keep_session(cr);
	con_json(r, 204, NULL);
	goto out;
fail:
	con_error(r, 500, "InternalError", "We encountered an internal error. Please try again.");
out:
	free(stored);
	free(hash);
}

enum err
con_change_password(struct req *r, struct con_req *cr)
{
	json_t *j = parse_body(cr);
	const char *old = str_of(j, "old"), *pw = str_of(j, "new");
	struct buf form;
	enum err e = ERR_OK;

	buf_init(&form, 0);
	if (!old || !pw) {
		con_error(r, 400, "InvalidInput", "Send old and new.");
		goto out;
	}
	if (cr->sess.who.is_root) {
		change_root(r, cr, old, pw);
		goto out;
	}
	/* IAM users: IAM's own ChangePassword (policy check, iam:ChangePassword
	 * authorisation, audit), as the signed-in user. */
	form_add(&form, "Action", "ChangePassword");
	form_add(&form, "Version", "2010-05-08");
	form_add(&form, "OldPassword", old);
	form_add(&form, "NewPassword", pw);
	cr->who = cr->sess.who;
	r->preauth = &cr->who;
	r->app = NULL;
	e = query_start(con_cfg.iam, r);
	if (r->app)
		cr->handed_over = true;
	else
		r->app = cr;
	if (!e)
		e = query_body(r, form.p, form.len);
	if (!e)
		e = query_finish(r);
	if (e && cr->handed_over) {
		query_error(r, e);
	} else if (e) {
		con_error(r, 503, "ServiceUnavailable", "Reduce your request rate.");
		goto out;
	}
	req_unset_header(r, "Content-Type");
	if (!e) {
		keep_session(cr);
		con_json(r, 204, NULL);
	} else {
		/* IAM's code and message, in the console's JSON form */
		char *msg = strdup(r->err_msg ? r->err_msg : err_info(e)->msg);
		con_error(r, r->status, r->err_code ? r->err_code : "InternalError", msg ? msg : "");
		free(msg);
	}
	e = ERR_OK;
out:
	if (form.p)
		crypto_wipe(form.p, form.len);
	buf_fini(&form);
	wipe_member(j, "old");
	wipe_member(j, "new");
	json_decref(j);
	return e;
}
