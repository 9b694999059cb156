/* iam_sqlite.c - iamdb.h on the SQLite schema of sqlite.c (version 2 IAM
 * tables), through the shared internals of sqlite_int.h. Each write call is
 * one IMMEDIATE transaction that ends by bumping iam_generation. Knows no
 * AWS wording: callers turn errors and conflicts into messages. */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/log.h"
#include "core/timefmt.h"
#include "store/meta/iamdb.h"
#include "store/meta/sqlite_int.h"

/* ---- small helpers ---- */

static const char *const kind_word[] = {"user", "group", "role"};

/* Prepares sql (cached by its address) and binds the arguments fmt
 * describes: 's' a string (NULL binds NULL), 'i' an int64_t, 'd' an int. */
static enum err
bindv(struct conn *c, const char *sql, sqlite3_stmt **out, const char *fmt, va_list ap)
{
	sqlite3_stmt *st;
	enum err rc;
	int i;

	if ((rc = sq_prep(c, sql, &st)))
		return rc;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	for (i = 0; fmt[i]; i++) {
		if (fmt[i] == 's')
			sq_bind_text(st, i + 1, va_arg(ap, const char *));
		else if (fmt[i] == 'i')
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		else
			sqlite3_bind_int(st, i + 1, va_arg(ap, int));
	}
	*out = st;
	return ERR_OK;
}

/* Runs a statement that returns no rows. */
static enum err
exec(struct conn *c, const char *what, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	enum err rc;

	va_start(ap, fmt);
	rc = bindv(c, sql, &st, fmt, ap);
	va_end(ap);
	if (rc == ERR_OK)
		rc = sq_step_done(c, st, what);
	return rc;
}

/* Steps to the first row; the caller reads it and resets *st. */
static enum err
first(struct conn *c, const char *what, sqlite3_stmt **st, bool *row, const char *sql,
      const char *fmt, ...)
{
	va_list ap;
	enum err rc;

	*row = false;
	va_start(ap, fmt);
	rc = bindv(c, sql, st, fmt, ap);
	va_end(ap);
	if (rc == ERR_OK)
		rc = sq_step_one(c, *st, what, row);
	if (rc != ERR_OK && *st)
		sqlite3_reset(*st);
	return rc;
}

/* The first column of the first row as an integer (0 without a row). */
static enum err
scalar(struct conn *c, const char *what, int64_t *v, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	enum err rc;
	bool row = false;

	*v = 0;
	va_start(ap, fmt);
	rc = bindv(c, sql, &st, fmt, ap);
	va_end(ap);
	if (rc == ERR_OK)
		rc = sq_step_one(c, st, what, &row);
	if (rc == ERR_OK && row)
		*v = sqlite3_column_int64(st, 0);
	if (st)
		sqlite3_reset(st);
	return rc;
}

/* A malloc'd copy of a TEXT column, NULL for SQL NULL. */
static enum err
col_dup(sqlite3_stmt *st, int i, char **out)
{
	const unsigned char *s;

	*out = NULL;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return ERR_OK;
	s = sqlite3_column_text(st, i);
	if (!s)
		return ERR_NOMEM;
	*out = strdup((const char *)s);
	return *out ? ERR_OK : ERR_NOMEM;
}

static enum err
col_copy(struct conn *c, sqlite3_stmt *st, int i, char *dst, size_t cap)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL) {
		*dst = '\0';
		return ERR_OK;
	}
	if (!sq_col_copy(st, i, dst, cap, NULL))
		return sq_fail(c, "iam: oversized column", SQLITE_CORRUPT);
	return ERR_OK;
}

static const char SQL_GEN[] = "SELECT gen FROM iam_generation WHERE id = 1";
static const char SQL_GEN_BUMP[] = "UPDATE iam_generation SET gen = gen + 1 WHERE id = 1";

static enum err
wbegin(struct meta *m, struct conn **c)
{
	enum err rc = sq_conn(m, c, NULL);

	if (rc == ERR_OK)
		rc = sq_tx_begin(m, *c);
	return rc;
}

/* Every IAM change moves the generation in the same transaction, so a cache
 * that saw generation g holds exactly the data of g. */
/* Committed IAM writes of this process: iamdb_generation_cached's token
 * carries it in its upper bits, so a write here invalidates every cache at
 * once, without waiting for the stored generation to be read again. */
static _Atomic uint64_t gen_local;

static enum err
wend(struct meta *m, struct conn *c, enum err rc)
{
	if (rc == ERR_OK)
		rc = exec(c, "iam generation", SQL_GEN_BUMP, "");
	rc = sq_tx_end(m, c, rc);
	/* After the commit, so a reader that sees the new count reads the
	 * new stored generation. A failed write may still count: a spurious
	 * reload is harmless, a missed one is not. */
	atomic_fetch_add(&gen_local, 1);
	return rc;
}

static enum err
rconn(struct meta *m, struct conn **c)
{
	return sq_conn(m, c, NULL);
}

enum err
iamdb_generation(struct meta *m, uint64_t *gen)
{
	struct conn *c;
	int64_t v;
	enum err rc;

	if ((rc = rconn(m, &c)) || (rc = scalar(c, "iam generation", &v, SQL_GEN, "")))
		return rc;
	*gen = (uint64_t)v;
	return ERR_OK;
}

#define GEN_LOCAL_SHIFT 32
#define GEN_DB_MASK ((UINT64_C(1) << GEN_LOCAL_SHIFT) - 1)

/* The last stored generation read, as a token, and the meta it was read
 * from (a server has one). gen_meta is cleared while the other two change,
 * and readers check it before and after reading them. */
static pthread_mutex_t gen_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(struct meta *) gen_meta;
static _Atomic uint64_t gen_token;
static _Atomic int64_t gen_read_ms;

enum err
iamdb_generation_cached(struct meta *m, uint64_t *token)
{
	uint64_t local = atomic_load(&gen_local), t, db;
	int64_t now = now_ms(), at;
	enum err rc;

	if (atomic_load(&gen_meta) == m) {
		t = atomic_load(&gen_token);
		at = atomic_load(&gen_read_ms);
		if (atomic_load(&gen_meta) == m && t >> GEN_LOCAL_SHIFT == (local & GEN_DB_MASK) &&
		    now - at < IAMDB_GEN_REFRESH_MS && now >= at) {
			*token = t;
			return ERR_OK;
		}
	}
	/* local was read before the stored value: a write committing after
	 * this read moves local again, so the token is never too new. */
	if ((rc = iamdb_generation(m, &db)))
		return rc;
	t = (local << GEN_LOCAL_SHIFT) | (db & GEN_DB_MASK);
	pthread_mutex_lock(&gen_lock);
	atomic_store(&gen_meta, NULL);
	atomic_store(&gen_token, t);
	atomic_store(&gen_read_ms, now);
	atomic_store(&gen_meta, m);
	pthread_mutex_unlock(&gen_lock);
	*token = t;
	return ERR_OK;
}

void
iamdb_strings_free(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Appends s (owned) to a growing array of strings. */
static enum err
strings_push(char ***v, size_t *n, char *s)
{
	char **nv;

	if (!s)
		return ERR_NOMEM;
	nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv) {
		free(s);
		return ERR_NOMEM;
	}
	nv[(*n)++] = s;
	*v = nv;
	return ERR_OK;
}

/* ---- entities ---- */

void
iamdb_entity_fini(struct iamdb_entity *e)
{
	if (!e)
		return;
	free(e->tags);
	free(e->trust_policy);
	free(e->description);
	e->tags = e->trust_policy = e->description = NULL;
}

void
iamdb_entities_free(struct iamdb_entities *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		iamdb_entity_fini(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* One column layout for the three kinds, so one reader serves them all. */
#define USER_COLS "name, user_id, path, arn, created_ms, tags, is_root," \
	" password_hash IS NOT NULL, password_reset_required, password_created_ms," \
	" password_last_used_ms, NULL, NULL, 0, NULL, account"
#define GROUP_COLS "name, group_id, path, arn, created_ms, NULL, 0, 0, 0, 0, 0," \
	" NULL, NULL, 0, NULL, account"
#define ROLE_COLS "name, role_id, path, arn, created_ms, tags, 0, 0, 0, 0, 0," \
	" trust_policy, description, max_session_s, last_used_ms, account"

static enum err
read_entity(struct conn *c, sqlite3_stmt *st, enum iamdb_kind kind, struct iamdb_entity *e)
{
	enum err rc;

	memset(e, 0, sizeof *e);
	e->kind = kind;
	if ((rc = col_copy(c, st, 0, e->name, sizeof e->name)) ||
	    (rc = col_copy(c, st, 1, e->id, sizeof e->id)) ||
	    (rc = col_copy(c, st, 2, e->path, sizeof e->path)) ||
	    (rc = col_copy(c, st, 3, e->arn, sizeof e->arn)) ||
	    (rc = col_copy(c, st, 15, e->account, sizeof e->account)))
		return rc;
	e->created_ms = sqlite3_column_int64(st, 4);
	e->is_root = sqlite3_column_int(st, 6) != 0;
	e->has_login = sqlite3_column_int(st, 7) != 0;
	e->login_reset_required = sqlite3_column_int(st, 8) != 0;
	e->login_created_ms = sqlite3_column_int64(st, 9);
	e->login_last_used_ms = sqlite3_column_int64(st, 10);
	e->max_session_s = sqlite3_column_int(st, 13);
	e->last_used_ms = sqlite3_column_int64(st, 14);
	if ((rc = col_dup(st, 5, &e->tags)) || (rc = col_dup(st, 11, &e->trust_policy)) ||
	    (rc = col_dup(st, 12, &e->description)))
		iamdb_entity_fini(e);
	return rc;
}

/* Reads every row of a prepared statement into a list (limit + 1 rows
 * tell truncation; limit 0 = no limit). */
static enum err
read_entities(struct conn *c, sqlite3_stmt *st, enum iamdb_kind kind, int kind_col,
	      size_t limit, struct iamdb_entities *out)
{
	enum err rc = ERR_OK;
	int r;

	memset(out, 0, sizeof *out);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct iamdb_entity *nv;
		enum iamdb_kind k = kind;

		if (limit && out->n == limit) {
			out->truncated = true;
			break;
		}
		if (kind_col >= 0) {
			const char *w = (const char *)sqlite3_column_text(st, kind_col);
			k = w && !strcmp(w, "group") ? IAMDB_GROUP :
			    w && !strcmp(w, "role") ? IAMDB_ROLE : IAMDB_USER;
		}
		nv = realloc(out->v, (out->n + 1) * sizeof *nv);
		if (!nv) {
			rc = ERR_NOMEM;
			break;
		}
		out->v = nv;
		if ((rc = read_entity(c, st, k, &out->v[out->n])))
			break;
		out->n++;
	}
	if (rc == ERR_OK && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = sq_fail(c, "iam list", r);
	sqlite3_reset(st);
	if (rc != ERR_OK)
		iamdb_entities_free(out);
	return rc;
}

static const char *const SQL_RESOLVE[] = {
	"SELECT name FROM users WHERE account = ?1 AND name = ?2 COLLATE NOCASE AND NOT is_root",
	"SELECT name FROM groups WHERE account = ?1 AND name = ?2",
	"SELECT name FROM roles WHERE account = ?1 AND name = ?2",
};

/* The stored spelling of an entity's name: ERR_IAM_NO_SUCH_ENTITY when
 * absent. Every reference (keys, members, attachments) stores this one. */
static enum err
resolve(struct conn *c, enum iamdb_kind kind, const char *account, const char *name,
	char canon[IAMDB_NAME_MAX + 1])
{
	sqlite3_stmt *st;
	enum err rc;
	bool row;

	if (!sq_fits(name, IAMDB_NAME_MAX) || !sq_fits(account, META_ACCOUNT_LEN))
		return ERR_IAM_NO_SUCH_ENTITY;
	if ((rc = first(c, "iam resolve", &st, &row, SQL_RESOLVE[kind], "ss", account, name)))
		return rc;
	if (!row)
		rc = ERR_IAM_NO_SUCH_ENTITY;
	else
		rc = col_copy(c, st, 0, canon, IAMDB_NAME_MAX + 1);
	sqlite3_reset(st);
	return rc;
}

static const char SQL_USER_TAKEN[] =
	"SELECT count(*) FROM users WHERE account = ?1 AND name = ?2 COLLATE NOCASE";
static const char SQL_USER_INS[] =
	"INSERT INTO users(account, name, user_id, arn, path, is_root, created_ms, tags)"
	" VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7)";
static const char SQL_GROUP_INS[] =
	"INSERT INTO groups(account, name, group_id, arn, path, created_ms)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_ROLE_INS[] =
	"INSERT INTO roles(account, name, role_id, arn, path, created_ms, tags, trust_policy,"
	" description, max_session_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

enum err
iamdb_entity_create(struct meta *m, const struct iamdb_entity *e)
{
	char canon[IAMDB_NAME_MAX + 1];
	struct conn *c;
	int64_t n = 0;
	enum err rc;

	if (!sq_fits(e->name, IAMDB_NAME_MAX) || !sq_fits(e->account, META_ACCOUNT_LEN))
		return ERR_INVALID_ARGUMENT;
	if ((rc = wbegin(m, &c)))
		return rc;
	/* A user may not take the root user's name either: keys refer to
	 * users by (account, name). */
	if (e->kind == IAMDB_USER)
		rc = scalar(c, "iam user taken", &n, SQL_USER_TAKEN, "ss", e->account, e->name);
	else {
		rc = resolve(c, e->kind, e->account, e->name, canon);
		n = rc == ERR_OK;
		if (rc == ERR_IAM_NO_SUCH_ENTITY)
			rc = ERR_OK;
	}
	if (rc == ERR_OK && n)
		rc = ERR_IAM_ENTITY_EXISTS;
	if (rc != ERR_OK)
		goto out;
	switch (e->kind) {
	case IAMDB_USER:
		rc = exec(c, "iam user insert", SQL_USER_INS, "sssssis", e->account, e->name,
			  e->id, e->arn, e->path, (int64_t)e->created_ms, e->tags);
		break;
	case IAMDB_GROUP:
		rc = exec(c, "iam group insert", SQL_GROUP_INS, "sssssi", e->account, e->name,
			  e->id, e->arn, e->path, (int64_t)e->created_ms);
		break;
	case IAMDB_ROLE:
		rc = exec(c, "iam role insert", SQL_ROLE_INS, "sssssisssd", e->account, e->name,
			  e->id, e->arn, e->path, (int64_t)e->created_ms, e->tags,
			  e->trust_policy ? e->trust_policy : "", e->description,
			  e->max_session_s ? e->max_session_s : 3600);
		break;
	}
out:
	return wend(m, c, rc);
}

static const char *const SQL_GET[] = {
	"SELECT " USER_COLS " FROM users WHERE account = ?1 AND name = ?2 COLLATE NOCASE"
	" AND (?3 OR NOT is_root)",
	"SELECT " GROUP_COLS " FROM groups WHERE account = ?1 AND name = ?2 AND ?3 = ?3",
	"SELECT " ROLE_COLS " FROM roles WHERE account = ?1 AND name = ?2 AND ?3 = ?3",
};

enum err
iamdb_entity_get(struct meta *m, enum iamdb_kind kind, const char *account, const char *name,
		 bool with_root, struct iamdb_entity *out)
{
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;
	bool row;

	memset(out, 0, sizeof *out);
	if (!sq_fits(name, IAMDB_NAME_MAX) || !sq_fits(account, META_ACCOUNT_LEN))
		return ERR_IAM_NO_SUCH_ENTITY;
	if ((rc = rconn(m, &c)) ||
	    (rc = first(c, "iam get", &st, &row, SQL_GET[kind], "ssd", account, name,
			(int)with_root)))
		return rc;
	rc = row ? read_entity(c, st, kind, out) : ERR_IAM_NO_SUCH_ENTITY;
	sqlite3_reset(st);
	return rc;
}

/* Name order is case-insensitive, as names are; markers compare the same. */
static const char *const SQL_LIST[] = {
	"SELECT " USER_COLS " FROM users WHERE account = ?1 AND NOT is_root"
	" AND (?2 IS NULL OR substr(path, 1, length(?2)) = ?2)"
	" AND (?3 IS NULL OR name > ?3 COLLATE NOCASE) ORDER BY name COLLATE NOCASE LIMIT ?4",
	"SELECT " GROUP_COLS " FROM groups WHERE account = ?1"
	" AND (?2 IS NULL OR substr(path, 1, length(?2)) = ?2)"
	" AND (?3 IS NULL OR name > ?3) ORDER BY name LIMIT ?4",
	"SELECT " ROLE_COLS " FROM roles WHERE account = ?1"
	" AND (?2 IS NULL OR substr(path, 1, length(?2)) = ?2)"
	" AND (?3 IS NULL OR name > ?3) ORDER BY name LIMIT ?4",
};

enum err
iamdb_entity_list(struct meta *m, enum iamdb_kind kind, const char *account,
		  const char *path_prefix, const char *after, size_t limit,
		  struct iamdb_entities *out)
{
	struct conn *c;
	sqlite3_stmt *st;
	enum err rc;

	memset(out, 0, sizeof *out);
	if ((rc = rconn(m, &c)) || (rc = sq_prep(c, SQL_LIST[kind], &st)))
		return rc;
	sqlite3_reset(st);
	sq_bind_text(st, 1, account);
	sq_bind_text(st, 2, path_prefix && *path_prefix ? path_prefix : NULL);
	sq_bind_text(st, 3, after && *after ? after : NULL);
	sqlite3_bind_int64(st, 4, (int64_t)(limit ? limit + 1 : 100000));
	return read_entities(c, st, kind, -1, limit, out);
}

static const char *const SQL_RENAME[] = {
	"UPDATE users SET name = ?3, path = ?4, arn = ?5 WHERE account = ?1 AND name = ?2",
	"UPDATE groups SET name = ?3, path = ?4, arn = ?5 WHERE account = ?1 AND name = ?2",
	"UPDATE roles SET name = ?3, path = ?4, arn = ?5 WHERE account = ?1 AND name = ?2",
};
static const char SQL_MEMBER_RENAME_USER[] =
	"UPDATE group_members SET user_name = ?3 WHERE account = ?1 AND user_name = ?2";
static const char SQL_MEMBER_RENAME_GROUP[] =
	"UPDATE group_members SET group_name = ?3 WHERE account = ?1 AND group_name = ?2";
static const char SQL_ATTACH_RENAME[] =
	"UPDATE attachments SET entity_name = ?4 WHERE account = ?1 AND entity_kind = ?2"
	" AND entity_name = ?3";
static const char SQL_INLINE_RENAME[] =
	"UPDATE inline_policies SET entity_name = ?4 WHERE account = ?1 AND entity_kind = ?2"
	" AND entity_name = ?3";
static const char *const SQL_PATH[] = {
	"SELECT path FROM users WHERE account = ?1 AND name = ?2",
	"SELECT path FROM groups WHERE account = ?1 AND name = ?2",
	"SELECT path FROM roles WHERE account = ?1 AND name = ?2",
};

enum err
iamdb_entity_rename(struct meta *m, enum iamdb_kind kind, const char *account, const char *name,
		    const char *new_name, const char *new_path, const char *new_arn)
{
	char canon[IAMDB_NAME_MAX + 1], other[IAMDB_NAME_MAX + 1], path[IAMDB_PATH_MAX + 1];
	const char *to;
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;
	bool row;

	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = resolve(c, kind, account, name, canon)))
		goto out;
	to = new_name ? new_name : canon;
	if (new_name && strcasecmp(new_name, canon) != 0) {
		int64_t n = 0;
		if (kind == IAMDB_USER)
			rc = scalar(c, "iam user taken", &n, SQL_USER_TAKEN, "ss", account, new_name);
		else if ((rc = resolve(c, kind, account, new_name, other)) == ERR_OK)
			n = 1;
		else if (rc == ERR_IAM_NO_SUCH_ENTITY)
			rc = ERR_OK;
		if (rc == ERR_OK && n)
			rc = ERR_IAM_ENTITY_EXISTS;
		if (rc != ERR_OK)
			goto out;
	}
	if ((rc = first(c, "iam path", &st, &row, SQL_PATH[kind], "ss", account, canon)))
		goto out;
	rc = row ? col_copy(c, st, 0, path, sizeof path) : ERR_IAM_NO_SUCH_ENTITY;
	sqlite3_reset(st);
	if (rc != ERR_OK)
		goto out;
	/* access_keys follow users(account, name) by ON UPDATE CASCADE */
	if ((rc = exec(c, "iam rename", SQL_RENAME[kind], "sssss", account, canon, to,
		       new_path ? new_path : path, new_arn)))
		goto out;
	if (kind == IAMDB_USER)
		rc = exec(c, "iam rename members", SQL_MEMBER_RENAME_USER, "sss", account, canon, to);
	else if (kind == IAMDB_GROUP)
		rc = exec(c, "iam rename members", SQL_MEMBER_RENAME_GROUP, "sss", account, canon, to);
	if (rc == ERR_OK)
		rc = exec(c, "iam rename attachments", SQL_ATTACH_RENAME, "ssss", account,
			  kind_word[kind], canon, to);
	if (rc == ERR_OK)
		rc = exec(c, "iam rename inline", SQL_INLINE_RENAME, "ssss", account,
			  kind_word[kind], canon, to);
out:
	return wend(m, c, rc);
}

static const char *const SQL_TAGS[] = {
	"UPDATE users SET tags = ?3 WHERE account = ?1 AND name = ?2",
	"UPDATE groups SET name = name WHERE account = ?1 AND name = ?2 AND ?3 = ?3",
	"UPDATE roles SET tags = ?3 WHERE account = ?1 AND name = ?2",
};

enum err
iamdb_entity_set_tags(struct meta *m, enum iamdb_kind kind, const char *account,
		      const char *name, const char *tags)
{
	char canon[IAMDB_NAME_MAX + 1];
	struct conn *c;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = resolve(c, kind, account, name, canon)) == ERR_OK)
		rc = exec(c, "iam tags", SQL_TAGS[kind], "sss", account, canon, tags);
	return wend(m, c, rc);
}

static const char SQL_USER_KEYS[] =
	"SELECT count(*) FROM access_keys WHERE account = ?1 AND user = ?2 AND NOT is_root";
static const char SQL_USER_LOGIN[] =
	"SELECT count(*) FROM users WHERE account = ?1 AND name = ?2 AND password_hash IS NOT NULL";
static const char SQL_ENTITY_ATTACHED[] =
	"SELECT count(*) FROM attachments WHERE account = ?1 AND entity_kind = ?2"
	" AND entity_name = ?3";
static const char SQL_ENTITY_INLINE[] =
	"SELECT count(*) FROM inline_policies WHERE account = ?1 AND entity_kind = ?2"
	" AND entity_name = ?3";
static const char SQL_USER_IN_GROUPS[] =
	"SELECT count(*) FROM group_members WHERE account = ?1 AND user_name = ?2";
static const char SQL_GROUP_HAS_MEMBERS[] =
	"SELECT count(*) FROM group_members WHERE account = ?1 AND group_name = ?2";
static const char *const SQL_DELETE[] = {
	"DELETE FROM users WHERE account = ?1 AND name = ?2 AND NOT is_root",
	"DELETE FROM groups WHERE account = ?1 AND name = ?2",
	"DELETE FROM roles WHERE account = ?1 AND name = ?2",
};

/* AWS refuses to delete an entity that still has subordinates; the order
 * of checks is the order the console walks a user through. */
enum err
iamdb_entity_delete(struct meta *m, enum iamdb_kind kind, const char *account, const char *name,
		    enum iamdb_conflict *why)
{
	char canon[IAMDB_NAME_MAX + 1];
	struct conn *c;
	int64_t n = 0;
	enum err rc;

	*why = IAMDB_CONFLICT_NONE;
	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = resolve(c, kind, account, name, canon)))
		goto out;
	if (kind == IAMDB_USER) {
		if ((rc = scalar(c, "iam del", &n, SQL_USER_KEYS, "ss", account, canon)) || n) {
			*why = IAMDB_CONFLICT_KEYS;
			goto conflict;
		}
		if ((rc = scalar(c, "iam del", &n, SQL_USER_LOGIN, "ss", account, canon)) || n) {
			*why = IAMDB_CONFLICT_LOGIN;
			goto conflict;
		}
	}
	if (kind == IAMDB_GROUP) {
		if ((rc = scalar(c, "iam del", &n, SQL_GROUP_HAS_MEMBERS, "ss", account, canon)) ||
		    n) {
			*why = IAMDB_CONFLICT_MEMBERS;
			goto conflict;
		}
	}
	if ((rc = scalar(c, "iam del", &n, SQL_ENTITY_ATTACHED, "sss", account, kind_word[kind],
			 canon)) || n) {
		*why = IAMDB_CONFLICT_ATTACHED;
		goto conflict;
	}
	if ((rc = scalar(c, "iam del", &n, SQL_ENTITY_INLINE, "sss", account, kind_word[kind],
			 canon)) || n) {
		*why = IAMDB_CONFLICT_INLINE;
		goto conflict;
	}
	if (kind == IAMDB_USER) {
		if ((rc = scalar(c, "iam del", &n, SQL_USER_IN_GROUPS, "ss", account, canon)) || n) {
			*why = IAMDB_CONFLICT_GROUPS;
			goto conflict;
		}
	}
	rc = exec(c, "iam delete", SQL_DELETE[kind], "ss", account, canon);
	goto out;
conflict:
	if (rc == ERR_OK)
		rc = ERR_IAM_DELETE_CONFLICT;
	else
		*why = IAMDB_CONFLICT_NONE;
out:
	return wend(m, c, rc);
}

static const char SQL_ROLE_UPDATE[] =
	"UPDATE roles SET description = coalesce(?3, description),"
	" max_session_s = CASE WHEN ?4 > 0 THEN ?4 ELSE max_session_s END"
	" WHERE account = ?1 AND name = ?2";
static const char SQL_ROLE_TRUST[] =
	"UPDATE roles SET trust_policy = ?3 WHERE account = ?1 AND name = ?2";

enum err
iamdb_role_update(struct meta *m, const char *account, const char *name, const char *description,
		  int max_session_s)
{
	char canon[IAMDB_NAME_MAX + 1];
	struct conn *c;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = resolve(c, IAMDB_ROLE, account, name, canon)) == ERR_OK)
		rc = exec(c, "iam role update", SQL_ROLE_UPDATE, "sssd", account, canon,
			  description, max_session_s);
	return wend(m, c, rc);
}

enum err
iamdb_role_set_trust(struct meta *m, const char *account, const char *name,
		     const char *trust_policy)
{
	char canon[IAMDB_NAME_MAX + 1];
	struct conn *c;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = resolve(c, IAMDB_ROLE, account, name, canon)) == ERR_OK)
		rc = exec(c, "iam role trust", SQL_ROLE_TRUST, "sss", account, canon, trust_policy);
	return wend(m, c, rc);
}

/* ---- login profiles ---- */

static const char SQL_LOGIN_SET[] =
	"UPDATE users SET password_hash = coalesce(?3, password_hash),"
	" password_created_ms = CASE WHEN ?3 IS NULL THEN password_created_ms ELSE ?4 END,"
	" password_reset_required = CASE WHEN ?5 < 0 THEN password_reset_required ELSE ?5 END"
	" WHERE account = ?1 AND name = ?2";
static const char SQL_LOGIN_HASH[] =
	"SELECT password_hash FROM users WHERE account = ?1 AND name = ?2";
static const char SQL_LOGIN_DEL[] =
	"UPDATE users SET password_hash = NULL, password_created_ms = NULL,"
	" password_last_used_ms = NULL, password_reset_required = 0"
	" WHERE account = ?1 AND name = ?2";

enum err
iamdb_login_set(struct meta *m, const char *account, const char *user, bool create,
		const char *hash, int64_t now, int reset)
{
	char canon[IAMDB_NAME_MAX + 1];
	struct conn *c;
	int64_t n = 0;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = resolve(c, IAMDB_USER, account, user, canon)) ||
	    (rc = scalar(c, "iam login", &n, SQL_USER_LOGIN, "ss", account, canon)))
		goto out;
	if (create && n)
		rc = ERR_IAM_ENTITY_EXISTS;
	else if (!create && !n)
		rc = ERR_IAM_NO_SUCH_ENTITY;
	else if (create && !hash)
		rc = ERR_INVALID_ARGUMENT;
	else
		rc = exec(c, "iam login set", SQL_LOGIN_SET, "sssid", account, canon, hash,
			  (int64_t)now, reset);
out:
	return wend(m, c, rc);
}

enum err
iamdb_login_hash(struct meta *m, const char *account, const char *user, char **hash)
{
	char canon[IAMDB_NAME_MAX + 1];
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;
	bool row;

	*hash = NULL;
	if ((rc = rconn(m, &c)) || (rc = resolve(c, IAMDB_USER, account, user, canon)) ||
	    (rc = first(c, "iam login hash", &st, &row, SQL_LOGIN_HASH, "ss", account, canon)))
		return rc;
	if (row)
		rc = col_dup(st, 0, hash);
	if (rc == ERR_OK && !*hash)
		rc = ERR_IAM_NO_SUCH_ENTITY;
	sqlite3_reset(st);
	return rc;
}

enum err
iamdb_login_delete(struct meta *m, const char *account, const char *user)
{
	char canon[IAMDB_NAME_MAX + 1];
	struct conn *c;
	int64_t n = 0;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = resolve(c, IAMDB_USER, account, user, canon)) ||
	    (rc = scalar(c, "iam login", &n, SQL_USER_LOGIN, "ss", account, canon)))
		goto out;
	rc = n ? exec(c, "iam login delete", SQL_LOGIN_DEL, "ss", account, canon) :
		 ERR_IAM_NO_SUCH_ENTITY;
out:
	return wend(m, c, rc);
}

static const char SQL_ROOT_LOGIN_SET[] =
	"UPDATE users SET password_hash = ?2, password_created_ms = ?3,"
	" password_reset_required = 0 WHERE account = ?1 AND is_root";
static const char SQL_ROOT_LOGIN_HASH[] =
	"SELECT password_hash FROM users WHERE account = ?1 AND is_root";
static const char SQL_LOGIN_USED[] =
	"UPDATE users SET password_last_used_ms = ?3 WHERE account = ?1 AND name = ?2";

enum err
iamdb_root_login_set(struct meta *m, const char *account, const char *hash, int64_t now)
{
	struct conn *c;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	rc = exec(c, "iam root login", SQL_ROOT_LOGIN_SET, "ssi", account, hash, (int64_t)now);
	return wend(m, c, rc);
}

enum err
iamdb_root_login_hash(struct meta *m, const char *account, char **hash)
{
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;
	bool row;

	*hash = NULL;
	if ((rc = rconn(m, &c)) ||
	    (rc = first(c, "iam root login", &st, &row, SQL_ROOT_LOGIN_HASH, "s", account)))
		return rc;
	if (row)
		rc = col_dup(st, 0, hash);
	sqlite3_reset(st);
	return rc;
}

enum err
iamdb_login_used(struct meta *m, const char *account, const char *name, int64_t now)
{
	struct conn *c;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	rc = exec(c, "iam login used", SQL_LOGIN_USED, "ssi", account, name, (int64_t)now);
	return sq_tx_end(m, c, rc);
}

/* ---- access keys ---- */

static const char SQL_ROOT_NAME[] = "SELECT name FROM users WHERE account = ?1 AND is_root";
static const char SQL_KEY_COUNT[] =
	"SELECT count(*) FROM access_keys WHERE account = ?1 AND user = ?2 AND is_root = ?3";
static const char SQL_KEY_INS[] =
	"INSERT INTO access_keys(akid, account, user, is_root, status, secret, created_ms)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
#define KEY_COLS "akid, account, user, is_root, status, created_ms, last_used_ms," \
	" last_used_service, last_used_region"
static const char SQL_KEY_LIST[] =
	"SELECT " KEY_COLS " FROM access_keys WHERE account = ?1 AND user = ?2 AND is_root = ?3"
	" ORDER BY created_ms, akid";
static const char SQL_KEY_GET[] = "SELECT " KEY_COLS " FROM access_keys WHERE akid = ?1";
static const char SQL_KEY_STATUS[] =
	"UPDATE access_keys SET status = ?5 WHERE akid = ?1 AND account = ?2 AND user = ?3"
	" AND is_root = ?4";
static const char SQL_KEY_DEL[] =
	"DELETE FROM access_keys WHERE akid = ?1 AND account = ?2 AND user = ?3 AND is_root = ?4";

/* The owner's stored name: the root user's for root keys. */
static enum err
key_owner(struct conn *c, const char *account, const char *user, bool is_root,
	  char canon[IAMDB_NAME_MAX + 1])
{
	sqlite3_stmt *st;
	enum err rc;
	bool row;

	if (!is_root)
		return resolve(c, IAMDB_USER, account, user, canon);
	if ((rc = first(c, "iam root name", &st, &row, SQL_ROOT_NAME, "s", account)))
		return rc;
	rc = row ? col_copy(c, st, 0, canon, IAMDB_NAME_MAX + 1) : ERR_IAM_NO_SUCH_ENTITY;
	sqlite3_reset(st);
	return rc;
}

enum err
iamdb_key_create(struct meta *m, const struct meta_key *k, size_t max)
{
	char canon[IAMDB_NAME_MAX + 1];
	sqlite3_stmt *st;
	struct conn *c;
	int64_t n = 0;
	enum err rc;
	int r;

	if (!sq_fits(k->akid, META_AKID_MAX) || k->sealed_len > META_SEALED_MAX)
		return ERR_INVALID_ARGUMENT;
	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = key_owner(c, k->account, k->user, k->is_root, canon)) ||
	    (rc = scalar(c, "iam key count", &n, SQL_KEY_COUNT, "ssd", k->account, canon,
			 (int)k->is_root)))
		goto out;
	if ((size_t)n >= max) {
		rc = ERR_IAM_LIMIT_EXCEEDED;
		goto out;
	}
	if ((rc = sq_prep(c, SQL_KEY_INS, &st)))
		goto out;
	sqlite3_reset(st);
	sq_bind_text(st, 1, k->akid);
	sq_bind_text(st, 2, k->account);
	sq_bind_text(st, 3, canon);
	sqlite3_bind_int(st, 4, k->is_root);
	sq_bind_text(st, 5, k->active ? "Active" : "Inactive");
	sqlite3_bind_blob(st, 6, k->sealed, (int)k->sealed_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, k->created_ms);
	r = sqlite3_step(st);
	sqlite3_reset(st);
	if (r != SQLITE_DONE)
		rc = sq_fail(c, "iam key insert", r);
out:
	return wend(m, c, rc);
}

static enum err
read_key(struct conn *c, sqlite3_stmt *st, struct iamdb_key *k)
{
	const char *status;
	enum err rc;

	memset(k, 0, sizeof *k);
	if ((rc = col_copy(c, st, 0, k->akid, sizeof k->akid)) ||
	    (rc = col_copy(c, st, 1, k->account, sizeof k->account)) ||
	    (rc = col_copy(c, st, 2, k->user, sizeof k->user)))
		return rc;
	k->is_root = sqlite3_column_int(st, 3) != 0;
	status = (const char *)sqlite3_column_text(st, 4);
	k->active = status && !strcmp(status, "Active");
	k->created_ms = sqlite3_column_int64(st, 5);
	k->last_used_ms = sqlite3_column_int64(st, 6);
	/* service and region are what a client named: keep what fits */
	snprintf(k->service, sizeof k->service, "%s",
		 sqlite3_column_text(st, 7) ? (const char *)sqlite3_column_text(st, 7) : "");
	snprintf(k->region, sizeof k->region, "%s",
		 sqlite3_column_text(st, 8) ? (const char *)sqlite3_column_text(st, 8) : "");
	return ERR_OK;
}

enum err
iamdb_key_list(struct meta *m, const char *account, const char *user, bool is_root,
	       struct iamdb_key *out, size_t cap, size_t *n)
{
	char canon[IAMDB_NAME_MAX + 1];
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;
	int r = SQLITE_DONE;

	*n = 0;
	if ((rc = rconn(m, &c)) || (rc = key_owner(c, account, user, is_root, canon)) ||
	    (rc = sq_prep(c, SQL_KEY_LIST, &st)))
		return rc;
	sqlite3_reset(st);
	sq_bind_text(st, 1, account);
	sq_bind_text(st, 2, canon);
	sqlite3_bind_int(st, 3, is_root);
	while (*n < cap && (r = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = read_key(c, st, &out[(*n)++])))
			break;
	if (rc == ERR_OK && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = sq_fail(c, "iam key list", r);
	sqlite3_reset(st);
	return rc;
}

enum err
iamdb_key_get(struct meta *m, const char *akid, struct iamdb_key *out)
{
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;
	bool row;

	if (!sq_fits(akid, META_AKID_MAX))
		return ERR_IAM_NO_SUCH_ENTITY;
	if ((rc = rconn(m, &c)) || (rc = first(c, "iam key get", &st, &row, SQL_KEY_GET, "s", akid)))
		return rc;
	rc = row ? read_key(c, st, out) : ERR_IAM_NO_SUCH_ENTITY;
	sqlite3_reset(st);
	return rc;
}

enum err
iamdb_key_set_active(struct meta *m, const char *account, const char *user, bool is_root,
		     const char *akid, bool active)
{
	char canon[IAMDB_NAME_MAX + 1];
	struct conn *c;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = key_owner(c, account, user, is_root, canon)) == ERR_OK &&
	    (rc = exec(c, "iam key status", SQL_KEY_STATUS, "sssds", akid, account, canon,
		       (int)is_root, active ? "Active" : "Inactive")) == ERR_OK &&
	    sqlite3_changes(c->db) == 0)
		rc = ERR_IAM_NO_SUCH_ENTITY;
	return wend(m, c, rc);
}

enum err
iamdb_key_delete(struct meta *m, const char *account, const char *user, bool is_root,
		 const char *akid)
{
	char canon[IAMDB_NAME_MAX + 1];
	struct conn *c;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = key_owner(c, account, user, is_root, canon)) == ERR_OK &&
	    (rc = exec(c, "iam key delete", SQL_KEY_DEL, "sssd", akid, account, canon,
		       (int)is_root)) == ERR_OK &&
	    sqlite3_changes(c->db) == 0)
		rc = ERR_IAM_NO_SUCH_ENTITY;
	return wend(m, c, rc);
}

/* ---- customer managed policies ---- */

void
iamdb_policy_fini(struct iamdb_policy *p)
{
	if (!p)
		return;
	free(p->description);
	free(p->tags);
	p->description = p->tags = NULL;
}

void
iamdb_policies_free(struct iamdb_policies *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		iamdb_policy_fini(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

#define POLICY_COLS "p.account, p.name, p.policy_id, p.path, p.arn, p.default_version," \
	" p.description, p.tags, p.created_ms, p.updated_ms," \
	" (SELECT count(*) FROM attachments a WHERE a.policy_arn = p.arn)"

static enum err
read_policy(struct conn *c, sqlite3_stmt *st, struct iamdb_policy *p)
{
	enum err rc;

	memset(p, 0, sizeof *p);
	if ((rc = col_copy(c, st, 0, p->account, sizeof p->account)) ||
	    (rc = col_copy(c, st, 1, p->name, sizeof p->name)) ||
	    (rc = col_copy(c, st, 2, p->id, sizeof p->id)) ||
	    (rc = col_copy(c, st, 3, p->path, sizeof p->path)) ||
	    (rc = col_copy(c, st, 4, p->arn, sizeof p->arn)) ||
	    (rc = col_copy(c, st, 5, p->default_version, sizeof p->default_version)))
		return rc;
	p->created_ms = sqlite3_column_int64(st, 8);
	p->updated_ms = sqlite3_column_int64(st, 9);
	p->attachments = (size_t)sqlite3_column_int64(st, 10);
	if ((rc = col_dup(st, 6, &p->description)) || (rc = col_dup(st, 7, &p->tags)))
		iamdb_policy_fini(p);
	return rc;
}

static const char SQL_POLICY_TAKEN[] =
	"SELECT count(*) FROM policies WHERE account = ?1 AND name = ?2 COLLATE NOCASE";
static const char SQL_POLICY_INS[] =
	"INSERT INTO policies(account, name, policy_id, arn, path, description, default_version,"
	" next_version, tags, created_ms, updated_ms)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'v1', 2, ?7, ?8, ?8)";
static const char SQL_VERSION_INS[] =
	"INSERT INTO policy_versions(policy_arn, version_id, document, created_ms)"
	" VALUES (?1, ?2, ?3, ?4)";

enum err
iamdb_policy_create(struct meta *m, const struct iamdb_policy *p, const char *document)
{
	struct conn *c;
	int64_t n = 0;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = scalar(c, "iam policy taken", &n, SQL_POLICY_TAKEN, "ss", p->account, p->name)))
		goto out;
	if (n) {
		rc = ERR_IAM_ENTITY_EXISTS;
		goto out;
	}
	if ((rc = exec(c, "iam policy insert", SQL_POLICY_INS, "sssssssi", p->account, p->name,
		       p->id, p->arn, p->path, p->description, p->tags, (int64_t)p->created_ms)))
		goto out;
	rc = exec(c, "iam version insert", SQL_VERSION_INS, "sssi", p->arn, "v1", document,
		  (int64_t)p->created_ms);
out:
	return wend(m, c, rc);
}

static const char SQL_POLICY_GET[] = "SELECT " POLICY_COLS " FROM policies p WHERE p.arn = ?1";

enum err
iamdb_policy_get(struct meta *m, const char *arn, struct iamdb_policy *out)
{
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;
	bool row;

	memset(out, 0, sizeof *out);
	if ((rc = rconn(m, &c)) ||
	    (rc = first(c, "iam policy get", &st, &row, SQL_POLICY_GET, "s", arn)))
		return rc;
	rc = row ? read_policy(c, st, out) : ERR_IAM_NO_SUCH_ENTITY;
	sqlite3_reset(st);
	return rc;
}

static const char SQL_POLICY_LIST[] =
	"SELECT " POLICY_COLS " FROM policies p WHERE p.account = ?1"
	" AND (?2 IS NULL OR substr(p.path, 1, length(?2)) = ?2)"
	" AND (?3 = 0 OR EXISTS (SELECT 1 FROM attachments a WHERE a.policy_arn = p.arn))"
	" AND (?4 IS NULL OR p.name > ?4 COLLATE NOCASE)"
	" ORDER BY p.name COLLATE NOCASE LIMIT ?5";

enum err
iamdb_policy_list(struct meta *m, const char *account, const char *path_prefix,
		  bool only_attached, const char *after, size_t limit, struct iamdb_policies *out)
{
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc = ERR_OK;
	int r;

	memset(out, 0, sizeof *out);
	if ((rc = rconn(m, &c)) || (rc = sq_prep(c, SQL_POLICY_LIST, &st)))
		return rc;
	sqlite3_reset(st);
	sq_bind_text(st, 1, account);
	sq_bind_text(st, 2, path_prefix && *path_prefix ? path_prefix : NULL);
	sqlite3_bind_int(st, 3, only_attached);
	sq_bind_text(st, 4, after && *after ? after : NULL);
	sqlite3_bind_int64(st, 5, (int64_t)(limit ? limit + 1 : 100000));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct iamdb_policy *nv;

		if (limit && out->n == limit) {
			out->truncated = true;
			break;
		}
		nv = realloc(out->v, (out->n + 1) * sizeof *nv);
		if (!nv) {
			rc = ERR_NOMEM;
			break;
		}
		out->v = nv;
		if ((rc = read_policy(c, st, &out->v[out->n])))
			break;
		out->n++;
	}
	if (rc == ERR_OK && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = sq_fail(c, "iam policy list", r);
	sqlite3_reset(st);
	if (rc != ERR_OK)
		iamdb_policies_free(out);
	return rc;
}

static const char SQL_POLICY_EXISTS[] = "SELECT count(*) FROM policies WHERE arn = ?1";
static const char SQL_POLICY_ATTACHED[] = "SELECT count(*) FROM attachments WHERE policy_arn = ?1";
static const char SQL_VERSION_COUNT[] =
	"SELECT count(*) FROM policy_versions WHERE policy_arn = ?1";
static const char SQL_VERSIONS_DEL[] = "DELETE FROM policy_versions WHERE policy_arn = ?1";
static const char SQL_POLICY_DEL[] = "DELETE FROM policies WHERE arn = ?1";

enum err
iamdb_policy_delete(struct meta *m, const char *arn, enum iamdb_conflict *why)
{
	struct conn *c;
	int64_t n = 0;
	enum err rc;

	*why = IAMDB_CONFLICT_NONE;
	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = scalar(c, "iam policy", &n, SQL_POLICY_EXISTS, "s", arn)))
		goto out;
	if (!n) {
		rc = ERR_IAM_NO_SUCH_ENTITY;
		goto out;
	}
	if ((rc = scalar(c, "iam policy", &n, SQL_POLICY_ATTACHED, "s", arn)))
		goto out;
	if (n) {
		*why = IAMDB_CONFLICT_ATTACHED;
		rc = ERR_IAM_DELETE_CONFLICT;
		goto out;
	}
	if ((rc = scalar(c, "iam policy", &n, SQL_VERSION_COUNT, "s", arn)))
		goto out;
	if (n > 1) {
		*why = IAMDB_CONFLICT_VERSIONS;
		rc = ERR_IAM_DELETE_CONFLICT;
		goto out;
	}
	if ((rc = exec(c, "iam versions delete", SQL_VERSIONS_DEL, "s", arn)) == ERR_OK)
		rc = exec(c, "iam policy delete", SQL_POLICY_DEL, "s", arn);
out:
	return wend(m, c, rc);
}

static const char SQL_POLICY_DOC[] =
	"SELECT v.document FROM policies p JOIN policy_versions v ON v.policy_arn = p.arn"
	" AND v.version_id = p.default_version WHERE p.arn = ?1";

enum err
iamdb_policy_document(struct meta *m, const char *arn, char **doc)
{
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;
	bool row;

	*doc = NULL;
	if ((rc = rconn(m, &c)) || (rc = first(c, "iam policy doc", &st, &row, SQL_POLICY_DOC,
					       "s", arn)))
		return rc;
	rc = row ? col_dup(st, 0, doc) : ERR_IAM_NO_SUCH_ENTITY;
	if (rc == ERR_OK && !*doc)
		rc = ERR_IAM_NO_SUCH_ENTITY;
	sqlite3_reset(st);
	return rc;
}

static const char SQL_ATTACH_COUNT[] =
	"SELECT count(*) FROM attachments WHERE account = ?1 AND policy_arn = ?2";

enum err
iamdb_attachment_count(struct meta *m, const char *account, const char *arn, size_t *n)
{
	struct conn *c;
	int64_t v = 0;
	enum err rc;

	if ((rc = rconn(m, &c)) ||
	    (rc = scalar(c, "iam attach count", &v, SQL_ATTACH_COUNT, "ss", account, arn)))
		return rc;
	*n = (size_t)v;
	return ERR_OK;
}

/* ---- versions ---- */

static const char SQL_NEXT_VERSION[] = "SELECT next_version FROM policies WHERE arn = ?1";
static const char SQL_POLICY_BUMP[] =
	"UPDATE policies SET next_version = next_version + 1, updated_ms = ?2,"
	" default_version = CASE WHEN ?3 THEN ?4 ELSE default_version END WHERE arn = ?1";

enum err
iamdb_version_create(struct meta *m, const char *arn, const char *document, bool set_default,
		     size_t max, int64_t now, char out[IAMDB_VERSION_MAX + 1])
{
	struct conn *c;
	int64_t n = 0, next = 0;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = scalar(c, "iam version", &next, SQL_NEXT_VERSION, "s", arn)))
		goto out;
	if (!next) {
		rc = ERR_IAM_NO_SUCH_ENTITY;
		goto out;
	}
	if ((rc = scalar(c, "iam version", &n, SQL_VERSION_COUNT, "s", arn)))
		goto out;
	if ((size_t)n >= max) {
		rc = ERR_IAM_LIMIT_EXCEEDED;
		goto out;
	}
	snprintf(out, IAMDB_VERSION_MAX + 1, "v%lld", (long long)(next % 100000));
	if ((rc = exec(c, "iam version insert", SQL_VERSION_INS, "sssi", arn, out, document,
		       (int64_t)now)))
		goto out;
	rc = exec(c, "iam policy bump", SQL_POLICY_BUMP, "sids", arn, (int64_t)now,
		  (int)set_default, out);
out:
	return wend(m, c, rc);
}

static const char SQL_VERSION_GET[] =
	"SELECT v.version_id, v.version_id = p.default_version, v.created_ms, v.document"
	" FROM policy_versions v JOIN policies p ON p.arn = v.policy_arn"
	" WHERE v.policy_arn = ?1 AND v.version_id = ?2";
static const char SQL_VERSION_LIST[] =
	"SELECT v.version_id, v.version_id = p.default_version, v.created_ms, NULL"
	" FROM policy_versions v JOIN policies p ON p.arn = v.policy_arn"
	" WHERE v.policy_arn = ?1 ORDER BY v.created_ms DESC,"
	" CAST(substr(v.version_id, 2) AS INTEGER) DESC";

static enum err
read_version(struct conn *c, sqlite3_stmt *st, struct iamdb_version *v)
{
	enum err rc;

	memset(v, 0, sizeof *v);
	if ((rc = col_copy(c, st, 0, v->id, sizeof v->id)))
		return rc;
	v->is_default = sqlite3_column_int(st, 1) != 0;
	v->created_ms = sqlite3_column_int64(st, 2);
	return col_dup(st, 3, &v->document);
}

enum err
iamdb_version_get(struct meta *m, const char *arn, const char *vid, struct iamdb_version *out)
{
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;
	bool row;

	memset(out, 0, sizeof *out);
	if ((rc = rconn(m, &c)) ||
	    (rc = first(c, "iam version get", &st, &row, SQL_VERSION_GET, "ss", arn, vid)))
		return rc;
	rc = row ? read_version(c, st, out) : ERR_IAM_NO_SUCH_ENTITY;
	sqlite3_reset(st);
	return rc;
}

enum err
iamdb_version_list(struct meta *m, const char *arn, struct iamdb_version *out, size_t cap,
		   size_t *n)
{
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;
	int r = SQLITE_DONE;

	*n = 0;
	if ((rc = rconn(m, &c)) || (rc = sq_prep(c, SQL_VERSION_LIST, &st)))
		return rc;
	sqlite3_reset(st);
	sq_bind_text(st, 1, arn);
	while (*n < cap && (r = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = read_version(c, st, &out[(*n)++])))
			break;
	if (rc == ERR_OK && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = sq_fail(c, "iam version list", r);
	sqlite3_reset(st);
	return rc;
}

static const char SQL_VERSION_EXISTS[] =
	"SELECT count(*) FROM policy_versions WHERE policy_arn = ?1 AND version_id = ?2";
static const char SQL_SET_DEFAULT[] =
	"UPDATE policies SET default_version = ?2, updated_ms = unixepoch() * 1000 WHERE arn = ?1";
static const char SQL_DEFAULT_IS[] =
	"SELECT count(*) FROM policies WHERE arn = ?1 AND default_version = ?2";
static const char SQL_VERSION_DEL[] =
	"DELETE FROM policy_versions WHERE policy_arn = ?1 AND version_id = ?2";

enum err
iamdb_version_set_default(struct meta *m, const char *arn, const char *vid)
{
	struct conn *c;
	int64_t n = 0;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = scalar(c, "iam version", &n, SQL_VERSION_EXISTS, "ss", arn, vid)) == ERR_OK) {
		if (!n)
			rc = ERR_IAM_NO_SUCH_ENTITY;
		else
			rc = exec(c, "iam default", SQL_SET_DEFAULT, "ss", arn, vid);
	}
	return wend(m, c, rc);
}

enum err
iamdb_version_delete(struct meta *m, const char *arn, const char *vid)
{
	struct conn *c;
	int64_t n = 0;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = scalar(c, "iam version", &n, SQL_VERSION_EXISTS, "ss", arn, vid)))
		goto out;
	if (!n) {
		rc = ERR_IAM_NO_SUCH_ENTITY;
		goto out;
	}
	if ((rc = scalar(c, "iam version", &n, SQL_DEFAULT_IS, "ss", arn, vid)))
		goto out;
	rc = n ? ERR_IAM_DELETE_CONFLICT :
		 exec(c, "iam version delete", SQL_VERSION_DEL, "ss", arn, vid);
out:
	return wend(m, c, rc);
}

/* ---- attachments ---- */

static const char SQL_ATTACHED_ONE[] =
	"SELECT count(*) FROM attachments WHERE account = ?1 AND entity_kind = ?2"
	" AND entity_name = ?3 AND policy_arn = ?4";
static const char SQL_ATTACH_INS[] =
	"INSERT OR IGNORE INTO attachments(account, entity_kind, entity_name, policy_arn)"
	" VALUES (?1, ?2, ?3, ?4)";
static const char SQL_ATTACH_DEL[] =
	"DELETE FROM attachments WHERE account = ?1 AND entity_kind = ?2 AND entity_name = ?3"
	" AND policy_arn = ?4";
static const char SQL_ATTACHED_LIST[] =
	"SELECT policy_arn FROM attachments WHERE account = ?1 AND entity_kind = ?2"
	" AND entity_name = ?3 ORDER BY policy_arn";

enum err
iamdb_attach(struct meta *m, enum iamdb_kind kind, const char *account, const char *entity,
	     const char *arn, bool local, size_t max, int *which)
{
	char canon[IAMDB_NAME_MAX + 1];
	struct conn *c;
	int64_t n = 0, have = 0;
	enum err rc;

	*which = 0;
	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = resolve(c, kind, account, entity, canon)))
		goto out;
	if (local) {
		if ((rc = scalar(c, "iam attach", &n, SQL_POLICY_EXISTS, "s", arn)))
			goto out;
		if (!n) {
			*which = 1;
			rc = ERR_IAM_NO_SUCH_ENTITY;
			goto out;
		}
	}
	if ((rc = scalar(c, "iam attach", &have, SQL_ATTACHED_ONE, "ssss", account, kind_word[kind],
			 canon, arn)) ||
	    (rc = scalar(c, "iam attach", &n, SQL_ENTITY_ATTACHED, "sss", account, kind_word[kind],
			 canon)))
		goto out;
	if (!have && (size_t)n >= max) {
		rc = ERR_IAM_LIMIT_EXCEEDED;
		goto out;
	}
	rc = exec(c, "iam attach", SQL_ATTACH_INS, "ssss", account, kind_word[kind], canon, arn);
out:
	return wend(m, c, rc);
}

enum err
iamdb_detach(struct meta *m, enum iamdb_kind kind, const char *account, const char *entity,
	     const char *arn, int *which)
{
	char canon[IAMDB_NAME_MAX + 1];
	struct conn *c;
	enum err rc;

	*which = 0;
	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = resolve(c, kind, account, entity, canon)) == ERR_OK &&
	    (rc = exec(c, "iam detach", SQL_ATTACH_DEL, "ssss", account, kind_word[kind], canon,
		       arn)) == ERR_OK &&
	    sqlite3_changes(c->db) == 0) {
		*which = 1;
		rc = ERR_IAM_NO_SUCH_ENTITY;
	}
	return wend(m, c, rc);
}

/* Collects column 0 (and 1 when docs) of every row of a bound statement. */
static enum err
read_strings(struct conn *c, sqlite3_stmt *st, char ***a, char ***b, size_t *n)
{
	size_t nb = 0;
	enum err rc = ERR_OK;
	int r;

	*a = NULL;
	if (b)
		*b = NULL;
	*n = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		if ((rc = strings_push(a, n, strdup(s ? s : ""))))
			break;
		if (b) {
			s = (const char *)sqlite3_column_text(st, 1);
			if ((rc = strings_push(b, &nb, strdup(s ? s : ""))))
				break;
		}
	}
	if (rc == ERR_OK && r != SQLITE_DONE)
		rc = sq_fail(c, "iam strings", r);
	sqlite3_reset(st);
	if (rc == ERR_OK && b && nb != *n)
		rc = ERR_NOMEM;
	if (rc != ERR_OK) {
		iamdb_strings_free(*a, *n);
		if (b)
			iamdb_strings_free(*b, nb);
		*a = NULL;
		if (b)
			*b = NULL;
		*n = 0;
	}
	return rc;
}

enum err
iamdb_attached(struct meta *m, enum iamdb_kind kind, const char *account, const char *entity,
	       char ***arns, size_t *n)
{
	char canon[IAMDB_NAME_MAX + 1];
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;

	*arns = NULL;
	*n = 0;
	if ((rc = rconn(m, &c)) || (rc = resolve(c, kind, account, entity, canon)) ||
	    (rc = sq_prep(c, SQL_ATTACHED_LIST, &st)))
		return rc;
	sqlite3_reset(st);
	sq_bind_text(st, 1, account);
	sq_bind_text(st, 2, kind_word[kind]);
	sq_bind_text(st, 3, canon);
	return read_strings(c, st, arns, NULL, n);
}

static const char SQL_POLICY_ENTITIES[] =
	"SELECT " USER_COLS ", 'user' FROM users WHERE account = ?1 AND name IN"
	" (SELECT entity_name FROM attachments WHERE account = ?1 AND entity_kind = 'user'"
	" AND policy_arn = ?2)"
	" UNION ALL SELECT " GROUP_COLS ", 'group' FROM groups WHERE account = ?1 AND name IN"
	" (SELECT entity_name FROM attachments WHERE account = ?1 AND entity_kind = 'group'"
	" AND policy_arn = ?2)"
	" UNION ALL SELECT " ROLE_COLS ", 'role' FROM roles WHERE account = ?1 AND name IN"
	" (SELECT entity_name FROM attachments WHERE account = ?1 AND entity_kind = 'role'"
	" AND policy_arn = ?2)";

enum err
iamdb_policy_entities(struct meta *m, const char *account, const char *arn,
		      struct iamdb_entities *out)
{
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;

	memset(out, 0, sizeof *out);
	if ((rc = rconn(m, &c)) || (rc = sq_prep(c, SQL_POLICY_ENTITIES, &st)))
		return rc;
	sqlite3_reset(st);
	sq_bind_text(st, 1, account);
	sq_bind_text(st, 2, arn);
	return read_entities(c, st, IAMDB_USER, 16, 0, out);
}

/* ---- inline policies ---- */

static const char SQL_INLINE_PUT[] =
	"INSERT INTO inline_policies(account, entity_kind, entity_name, policy_name, document)"
	" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(account, entity_kind, entity_name, policy_name)"
	" DO UPDATE SET document = excluded.document";
static const char SQL_INLINE_GET[] =
	"SELECT document FROM inline_policies WHERE account = ?1 AND entity_kind = ?2"
	" AND entity_name = ?3 AND policy_name = ?4";
static const char SQL_INLINE_DEL[] =
	"DELETE FROM inline_policies WHERE account = ?1 AND entity_kind = ?2"
	" AND entity_name = ?3 AND policy_name = ?4";
static const char SQL_INLINE_LIST[] =
	"SELECT policy_name, document FROM inline_policies WHERE account = ?1"
	" AND entity_kind = ?2 AND entity_name = ?3 ORDER BY policy_name";

enum err
iamdb_inline_put(struct meta *m, enum iamdb_kind kind, const char *account, const char *entity,
		 const char *name, const char *document)
{
	char canon[IAMDB_NAME_MAX + 1];
	struct conn *c;
	enum err rc;

	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = resolve(c, kind, account, entity, canon)) == ERR_OK)
		rc = exec(c, "iam inline put", SQL_INLINE_PUT, "sssss", account, kind_word[kind],
			  canon, name, document);
	return wend(m, c, rc);
}

enum err
iamdb_inline_get(struct meta *m, enum iamdb_kind kind, const char *account, const char *entity,
		 const char *name, char **document, int *which)
{
	char canon[IAMDB_NAME_MAX + 1];
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;
	bool row;

	*document = NULL;
	*which = 0;
	if ((rc = rconn(m, &c)) || (rc = resolve(c, kind, account, entity, canon)) ||
	    (rc = first(c, "iam inline get", &st, &row, SQL_INLINE_GET, "ssss", account,
			kind_word[kind], canon, name)))
		return rc;
	if (row)
		rc = col_dup(st, 0, document);
	sqlite3_reset(st);
	if (rc == ERR_OK && !*document) {
		*which = 1;
		rc = ERR_IAM_NO_SUCH_ENTITY;
	}
	return rc;
}

enum err
iamdb_inline_delete(struct meta *m, enum iamdb_kind kind, const char *account,
		    const char *entity, const char *name, int *which)
{
	char canon[IAMDB_NAME_MAX + 1];
	struct conn *c;
	enum err rc;

	*which = 0;
	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = resolve(c, kind, account, entity, canon)) == ERR_OK &&
	    (rc = exec(c, "iam inline delete", SQL_INLINE_DEL, "ssss", account, kind_word[kind],
		       canon, name)) == ERR_OK &&
	    sqlite3_changes(c->db) == 0) {
		*which = 1;
		rc = ERR_IAM_NO_SUCH_ENTITY;
	}
	return wend(m, c, rc);
}

enum err
iamdb_inline_list(struct meta *m, enum iamdb_kind kind, const char *account, const char *entity,
		  char ***names, char ***docs, size_t *n)
{
	char canon[IAMDB_NAME_MAX + 1];
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;

	*names = NULL;
	if (docs)
		*docs = NULL;
	*n = 0;
	if ((rc = rconn(m, &c)) || (rc = resolve(c, kind, account, entity, canon)) ||
	    (rc = sq_prep(c, SQL_INLINE_LIST, &st)))
		return rc;
	sqlite3_reset(st);
	sq_bind_text(st, 1, account);
	sq_bind_text(st, 2, kind_word[kind]);
	sq_bind_text(st, 3, canon);
	return read_strings(c, st, names, docs, n);
}

/* ---- groups ---- */

static const char SQL_MEMBER_INS[] =
	"INSERT OR IGNORE INTO group_members(account, group_name, user_name) VALUES (?1, ?2, ?3)";
static const char SQL_MEMBER_DEL[] =
	"DELETE FROM group_members WHERE account = ?1 AND group_name = ?2 AND user_name = ?3";
static const char SQL_MEMBER_IS[] =
	"SELECT count(*) FROM group_members WHERE account = ?1 AND group_name = ?2"
	" AND user_name = ?3";
static const char SQL_GROUP_USERS[] =
	"SELECT " USER_COLS " FROM users WHERE account = ?1 AND NOT is_root AND name IN"
	" (SELECT user_name FROM group_members WHERE account = ?1 AND group_name = ?2)"
	" ORDER BY name COLLATE NOCASE";
static const char SQL_USER_GROUPS[] =
	"SELECT " GROUP_COLS " FROM groups WHERE account = ?1 AND name IN"
	" (SELECT group_name FROM group_members WHERE account = ?1 AND user_name = ?2)"
	" ORDER BY name";

enum err
iamdb_member_add(struct meta *m, const char *account, const char *group, const char *user,
		 size_t max, int *which)
{
	char g[IAMDB_NAME_MAX + 1], u[IAMDB_NAME_MAX + 1];
	struct conn *c;
	int64_t n = 0, have = 0;
	enum err rc;

	*which = 0;
	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = resolve(c, IAMDB_GROUP, account, group, g)))
		goto out;
	*which = 1;
	if ((rc = resolve(c, IAMDB_USER, account, user, u)))
		goto out;
	*which = 0;
	if ((rc = scalar(c, "iam member", &have, SQL_MEMBER_IS, "sss", account, g, u)) ||
	    (rc = scalar(c, "iam member", &n, SQL_USER_IN_GROUPS, "ss", account, u)))
		goto out;
	if (!have && (size_t)n >= max) {
		rc = ERR_IAM_LIMIT_EXCEEDED;
		goto out;
	}
	rc = exec(c, "iam member add", SQL_MEMBER_INS, "sss", account, g, u);
out:
	return wend(m, c, rc);
}

enum err
iamdb_member_remove(struct meta *m, const char *account, const char *group, const char *user,
		    int *which)
{
	char g[IAMDB_NAME_MAX + 1], u[IAMDB_NAME_MAX + 1];
	struct conn *c;
	enum err rc;

	*which = 0;
	if ((rc = wbegin(m, &c)))
		return rc;
	if ((rc = resolve(c, IAMDB_GROUP, account, group, g)))
		goto out;
	*which = 1;
	if ((rc = resolve(c, IAMDB_USER, account, user, u)))
		goto out;
	*which = 0;
	if ((rc = exec(c, "iam member remove", SQL_MEMBER_DEL, "sss", account, g, u)) == ERR_OK &&
	    sqlite3_changes(c->db) == 0) {
		*which = 2;
		rc = ERR_IAM_NO_SUCH_ENTITY;
	}
out:
	return wend(m, c, rc);
}

enum err
iamdb_group_users(struct meta *m, const char *account, const char *group,
		  struct iamdb_entities *out)
{
	char g[IAMDB_NAME_MAX + 1];
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;

	memset(out, 0, sizeof *out);
	if ((rc = rconn(m, &c)) || (rc = resolve(c, IAMDB_GROUP, account, group, g)) ||
	    (rc = sq_prep(c, SQL_GROUP_USERS, &st)))
		return rc;
	sqlite3_reset(st);
	sq_bind_text(st, 1, account);
	sq_bind_text(st, 2, g);
	return read_entities(c, st, IAMDB_USER, -1, 0, out);
}

enum err
iamdb_user_groups(struct meta *m, const char *account, const char *user,
		  struct iamdb_entities *out)
{
	char u[IAMDB_NAME_MAX + 1];
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;

	memset(out, 0, sizeof *out);
	if ((rc = rconn(m, &c)) || (rc = resolve(c, IAMDB_USER, account, user, u)) ||
	    (rc = sq_prep(c, SQL_USER_GROUPS, &st)))
		return rc;
	sqlite3_reset(st);
	sq_bind_text(st, 1, account);
	sq_bind_text(st, 2, u);
	return read_entities(c, st, IAMDB_GROUP, -1, 0, out);
}

/* ---- account summary, credential report ---- */

static const char SQL_COUNTS[] =
	"SELECT (SELECT count(*) FROM users WHERE account = ?1 AND NOT is_root),"
	" (SELECT count(*) FROM groups WHERE account = ?1),"
	" (SELECT count(*) FROM roles WHERE account = ?1),"
	" (SELECT count(*) FROM policies WHERE account = ?1),"
	" (SELECT count(*) FROM policy_versions v JOIN policies p ON p.arn = v.policy_arn"
	"  WHERE p.account = ?1),"
	" (SELECT count(DISTINCT policy_arn) FROM attachments WHERE account = ?1),"
	" (SELECT count(*) FROM inline_policies WHERE account = ?1),"
	" (SELECT count(*) FROM access_keys WHERE account = ?1 AND is_root)";

enum err
iamdb_counts(struct meta *m, const char *account, struct iamdb_counts *out)
{
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;
	bool row;

	memset(out, 0, sizeof *out);
	if ((rc = rconn(m, &c)) || (rc = first(c, "iam counts", &st, &row, SQL_COUNTS, "s", account)))
		return rc;
	if (row) {
		out->users = (size_t)sqlite3_column_int64(st, 0);
		out->groups = (size_t)sqlite3_column_int64(st, 1);
		out->roles = (size_t)sqlite3_column_int64(st, 2);
		out->policies = (size_t)sqlite3_column_int64(st, 3);
		out->policy_versions = (size_t)sqlite3_column_int64(st, 4);
		out->attached_policies = (size_t)sqlite3_column_int64(st, 5);
		out->inline_policies = (size_t)sqlite3_column_int64(st, 6);
		out->root_keys = (size_t)sqlite3_column_int64(st, 7);
	}
	sqlite3_reset(st);
	return rc;
}

static const char SQL_REPORT_PUT[] =
	"INSERT INTO credential_reports(account, generated_ms, csv) VALUES (?1, ?2, ?3)"
	" ON CONFLICT(account) DO UPDATE SET generated_ms = excluded.generated_ms,"
	" csv = excluded.csv";
static const char SQL_REPORT_GET[] =
	"SELECT generated_ms, csv FROM credential_reports WHERE account = ?1";

/* A report changes no permission: no generation bump, so caches stay. */
enum err
iamdb_report_put(struct meta *m, const char *account, int64_t generated_ms, const char *csv)
{
	struct conn *c;
	enum err rc;

	if ((rc = rconn(m, &c)) || (rc = sq_tx_begin(m, c)))
		return rc;
	rc = exec(c, "iam report put", SQL_REPORT_PUT, "sis", account, (int64_t)generated_ms, csv);
	return sq_tx_end(m, c, rc);
}

enum err
iamdb_report_get(struct meta *m, const char *account, int64_t *generated_ms, char **csv)
{
	sqlite3_stmt *st;
	struct conn *c;
	enum err rc;
	bool row;

	*csv = NULL;
	if ((rc = rconn(m, &c)) ||
	    (rc = first(c, "iam report get", &st, &row, SQL_REPORT_GET, "s", account)))
		return rc;
	if (!row)
		rc = ERR_IAM_REPORT_NOT_PRESENT;
	else {
		*generated_ms = sqlite3_column_int64(st, 0);
		rc = col_dup(st, 1, csv);
	}
	sqlite3_reset(st);
	return rc;
}
