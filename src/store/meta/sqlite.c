/* sqlite.c - meta.h on SQLite 3: the schema and its migrations, one
 * connection per thread (and per nesting level of scan callbacks), cached
 * prepared statements, and one IMMEDIATE transaction per write call. The only
 * file in coffer that includes sqlite3.h. Knows nothing of HTTP or S3 rules. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/log.h"
#include "store/meta/meta.h"
#include "store/meta/sqlite_int.h"

#define SCHEMA_VERSION 3
#define BUSY_TIMEOUT_MS 10000
#define TOUCH_COALESCE_MS 60000
/* The object cache: 4,096 rows, 16 MiB at most (inline bytes included). */
#define OBJCACHE_SLOTS 4096
#define OBJCACHE_BYTES (16u << 20)

/* Schema version 1. Keys are BLOBs so that ordering is memcmp, never a
 * collation; buckets and uploads get integer ids so that the hot tables key
 * on small integers. gc rows are written by triggers, so no code path can
 * drop a blob from metadata without queueing its file for deletion. */
static const char schema_v1[] =
	"CREATE TABLE accounts ("
	" id TEXT PRIMARY KEY,"
	" created_ms INTEGER NOT NULL);"

	"CREATE TABLE users ("
	" account TEXT NOT NULL REFERENCES accounts(id),"
	" name TEXT NOT NULL,"
	" user_id TEXT NOT NULL UNIQUE,"
	" arn TEXT NOT NULL UNIQUE,"
	" path TEXT NOT NULL DEFAULT '/',"
	" is_root INTEGER NOT NULL DEFAULT 0,"
	" created_ms INTEGER NOT NULL,"
	" PRIMARY KEY (account, name));"
	"CREATE UNIQUE INDEX users_root ON users(account) WHERE is_root;"

	"CREATE TABLE access_keys ("
	" akid TEXT PRIMARY KEY,"
	" account TEXT NOT NULL,"
	" user TEXT NOT NULL,"
	" is_root INTEGER NOT NULL DEFAULT 0,"
	" status TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),"
	" secret BLOB NOT NULL," /* sealed with the master key, never plain */
	" created_ms INTEGER NOT NULL,"
	" last_used_ms INTEGER,"
	" last_used_service TEXT,"
	" last_used_region TEXT,"
	" FOREIGN KEY (account, user) REFERENCES users(account, name) ON UPDATE CASCADE);"
	"CREATE INDEX access_keys_user ON access_keys(account, user);"

	"CREATE TABLE buckets ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT," /* never reused: see meta_object_scan */
	" name TEXT NOT NULL UNIQUE,"
	" account TEXT NOT NULL," /* no FK: an owner is checked where it is authorised */
	" region TEXT NOT NULL,"
	" created_ms INTEGER NOT NULL);"
	"CREATE INDEX buckets_account ON buckets(account, name);"

	"CREATE TABLE objects ("
	" bucket_id INTEGER NOT NULL REFERENCES buckets(id),"
	" key BLOB NOT NULL,"
	" blob TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" etag TEXT NOT NULL,"
	" mtime_ms INTEGER NOT NULL,"
	" owner TEXT NOT NULL,"
	" headers TEXT,"
	" ck_alg INTEGER NOT NULL DEFAULT 0,"
	" ck_type INTEGER NOT NULL DEFAULT 0,"
	" ck_value TEXT NOT NULL DEFAULT '',"
	" parts INTEGER NOT NULL DEFAULT 0,"
	" part_sizes TEXT,"
	" PRIMARY KEY (bucket_id, key)) WITHOUT ROWID;"
	"CREATE INDEX objects_blob ON objects(blob);"

	"CREATE TABLE uploads ("
	" rid INTEGER PRIMARY KEY AUTOINCREMENT,"
	" id TEXT NOT NULL UNIQUE,"
	" bucket_id INTEGER NOT NULL REFERENCES buckets(id),"
	" key BLOB NOT NULL,"
	" owner TEXT NOT NULL,"
	" initiated_ms INTEGER NOT NULL,"
	" headers TEXT,"
	" ck_alg INTEGER NOT NULL DEFAULT 0,"
	" ck_type INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX uploads_order ON uploads(bucket_id, key, initiated_ms, id);"

	"CREATE TABLE parts ("
	" upload INTEGER NOT NULL REFERENCES uploads(rid),"
	" number INTEGER NOT NULL,"
	" blob TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" etag TEXT NOT NULL,"
	" mtime_ms INTEGER NOT NULL,"
	" ck_value TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (upload, number)) WITHOUT ROWID;"
	"CREATE INDEX parts_blob ON parts(blob);"

	"CREATE TABLE gc ("
	" blob TEXT PRIMARY KEY,"
	" queued_ms INTEGER NOT NULL) WITHOUT ROWID;"

	"CREATE TRIGGER objects_gc_delete AFTER DELETE ON objects BEGIN"
	" INSERT OR IGNORE INTO gc VALUES (old.blob, unixepoch() * 1000); END;"
	"CREATE TRIGGER objects_gc_update AFTER UPDATE OF blob ON objects"
	" WHEN old.blob <> new.blob BEGIN"
	" INSERT OR IGNORE INTO gc VALUES (old.blob, unixepoch() * 1000); END;"
	"CREATE TRIGGER parts_gc_delete AFTER DELETE ON parts BEGIN"
	" INSERT OR IGNORE INTO gc VALUES (old.blob, unixepoch() * 1000); END;"
	"CREATE TRIGGER parts_gc_update AFTER UPDATE OF blob ON parts"
	" WHEN old.blob <> new.blob BEGIN"
	" INSERT OR IGNORE INTO gc VALUES (old.blob, unixepoch() * 1000); END;";

/* migrations[v] takes the schema from user_version v to v + 1. */
/* Schema version 2: IAM entities. Every row belongs to an account (the
 * owner of all users, groups, roles and policies), so that more accounts can
 * come later without a change of meaning. Policy documents are stored as
 * the JSON text the client sent (URL-decoded), tags as a JSON array. The
 * generation counter is bumped by every IAM change so that caches of
 * parsed policies know when to reload. */
static const char schema_v2_iam[] =
	"ALTER TABLE users ADD COLUMN tags TEXT;"
	"ALTER TABLE users ADD COLUMN password_hash TEXT;"
	"ALTER TABLE users ADD COLUMN password_created_ms INTEGER;"
	"ALTER TABLE users ADD COLUMN password_last_used_ms INTEGER;"
	"ALTER TABLE users ADD COLUMN password_reset_required INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN permissions_boundary TEXT;"

	"CREATE TABLE groups ("
	" account TEXT NOT NULL,"
	" name TEXT NOT NULL COLLATE NOCASE,"
	" group_id TEXT NOT NULL UNIQUE,"
	" arn TEXT NOT NULL,"
	" path TEXT NOT NULL DEFAULT '/',"
	" created_ms INTEGER NOT NULL,"
	" PRIMARY KEY (account, name));"

	"CREATE TABLE group_members ("
	" account TEXT NOT NULL,"
	" group_name TEXT NOT NULL COLLATE NOCASE,"
	" user_name TEXT NOT NULL,"
	" PRIMARY KEY (account, group_name, user_name)) WITHOUT ROWID;"
	"CREATE INDEX group_members_user ON group_members(account, user_name);"

	"CREATE TABLE roles ("
	" account TEXT NOT NULL,"
	" name TEXT NOT NULL COLLATE NOCASE,"
	" role_id TEXT NOT NULL UNIQUE,"
	" arn TEXT NOT NULL,"
	" path TEXT NOT NULL DEFAULT '/',"
	" trust_policy TEXT NOT NULL,"
	" description TEXT,"
	" max_session_s INTEGER NOT NULL DEFAULT 3600,"
	" tags TEXT,"
	" created_ms INTEGER NOT NULL,"
	" last_used_ms INTEGER,"
	" PRIMARY KEY (account, name));"

	"CREATE TABLE policies ("
	" account TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" policy_id TEXT NOT NULL UNIQUE,"
	" arn TEXT NOT NULL UNIQUE,"
	" path TEXT NOT NULL DEFAULT '/',"
	" description TEXT,"
	" default_version TEXT NOT NULL DEFAULT 'v1',"
	" next_version INTEGER NOT NULL DEFAULT 2,"
	" tags TEXT,"
	" created_ms INTEGER NOT NULL,"
	" updated_ms INTEGER NOT NULL,"
	" PRIMARY KEY (account, name));"

	"CREATE TABLE policy_versions ("
	" policy_arn TEXT NOT NULL,"
	" version_id TEXT NOT NULL,"
	" document TEXT NOT NULL,"
	" created_ms INTEGER NOT NULL,"
	" PRIMARY KEY (policy_arn, version_id)) WITHOUT ROWID;"

	/* entity_kind: 'user' | 'group' | 'role' */
	"CREATE TABLE attachments ("
	" account TEXT NOT NULL,"
	" entity_kind TEXT NOT NULL,"
	" entity_name TEXT NOT NULL,"
	" policy_arn TEXT NOT NULL,"
	" PRIMARY KEY (account, entity_kind, entity_name, policy_arn)) WITHOUT ROWID;"
	"CREATE INDEX attachments_policy ON attachments(policy_arn);"

	"CREATE TABLE inline_policies ("
	" account TEXT NOT NULL,"
	" entity_kind TEXT NOT NULL,"
	" entity_name TEXT NOT NULL,"
	" policy_name TEXT NOT NULL,"
	" document TEXT NOT NULL,"
	" PRIMARY KEY (account, entity_kind, entity_name, policy_name)) WITHOUT ROWID;"

	"CREATE TABLE bucket_policies ("
	" bucket_id INTEGER PRIMARY KEY REFERENCES buckets(id) ON DELETE CASCADE,"
	" document TEXT NOT NULL,"
	" updated_ms INTEGER NOT NULL);"

	"CREATE TABLE credential_reports ("
	" account TEXT PRIMARY KEY,"
	" generated_ms INTEGER NOT NULL,"
	" csv TEXT NOT NULL);"

	"CREATE TABLE iam_generation (id INTEGER PRIMARY KEY CHECK (id = 1), gen INTEGER NOT NULL);"
	"INSERT INTO iam_generation VALUES (1, 1);";

/* Schema version 3: small objects inline. A PUT of at most META_INLINE_MAX
 * bytes keeps its bytes in inline_blobs, written by the same group-commit
 * transaction as its object row: it costs no file create, fsync, rename or
 * unlink, only its share of one WAL fsync. objects.inl marks such rows; their
 * blob column is still a fresh random id (the inline_blobs key), so
 * everything that compares or copies ids is unchanged. The triggers send a
 * replaced or deleted inline object's bytes away with the row instead of
 * queueing a file for deletion. inline_blobs is its own table so that
 * listings, which scan objects, do not read past the bytes. */
static const char schema_v3_inline[] =
	"ALTER TABLE objects ADD COLUMN inl INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE inline_blobs (id TEXT PRIMARY KEY, data BLOB NOT NULL);"
	"DROP TRIGGER objects_gc_delete;"
	"DROP TRIGGER objects_gc_update;"
	"CREATE TRIGGER objects_gc_delete AFTER DELETE ON objects WHEN old.inl = 0 BEGIN"
	" INSERT OR IGNORE INTO gc VALUES (old.blob, unixepoch() * 1000); END;"
	"CREATE TRIGGER objects_gc_update AFTER UPDATE OF blob ON objects"
	" WHEN old.blob <> new.blob AND old.inl = 0 BEGIN"
	" INSERT OR IGNORE INTO gc VALUES (old.blob, unixepoch() * 1000); END;"
	"CREATE TRIGGER objects_inline_delete AFTER DELETE ON objects WHEN old.inl <> 0 BEGIN"
	" DELETE FROM inline_blobs WHERE id = old.blob; END;"
	"CREATE TRIGGER objects_inline_update AFTER UPDATE OF blob ON objects"
	" WHEN old.blob <> new.blob AND old.inl <> 0 BEGIN"
	" DELETE FROM inline_blobs WHERE id = old.blob; END;";

static const char *const migrations[SCHEMA_VERSION] = {schema_v1, schema_v2_iam,
						       schema_v3_inline};

#define OBJ_COLS "key, blob, size, etag, mtime_ms, owner, ck_alg, ck_type, ck_value, parts"
#define UPLOAD_COLS "id, key, owner, initiated_ms, ck_alg, ck_type"

/* Every statement coffer runs, prepared once per connection. */
#define STATEMENTS \
	S(BEGIN, "BEGIN IMMEDIATE") \
	S(COMMIT, "COMMIT") \
	S(SP_BEGIN, "SAVEPOINT w") \
	S(SP_RELEASE, "RELEASE w") \
	S(SP_UNDO, "ROLLBACK TO w") \
	S(ROLLBACK, "ROLLBACK") \
	S(ACCOUNT_GET, "SELECT a.id, u.name, a.created_ms FROM accounts a" \
		" JOIN users u ON u.account = a.id AND u.is_root" \
		" ORDER BY a.created_ms, a.id LIMIT 1") \
	S(ACCOUNT_INS, "INSERT INTO accounts(id, created_ms) VALUES (?1, ?2)") \
	S(USER_INS, "INSERT INTO users(account, name, user_id, arn, path, is_root, created_ms)" \
		" VALUES (?1, ?2, ?3, ?4, '/', ?5, ?6)") \
	S(KEY_INS, "INSERT INTO access_keys(akid, account, user, is_root, status, secret," \
		" created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)") \
	S(KEY_GET, "SELECT k.account, k.user, k.is_root, k.status, k.secret, k.created_ms," \
		" u.user_id, u.arn FROM access_keys k LEFT JOIN users u" \
		" ON u.account = k.account AND u.name = k.user WHERE k.akid = ?1") \
	S(KEY_USED, "SELECT last_used_ms, last_used_service, last_used_region" \
		" FROM access_keys WHERE akid = ?1") \
	S(KEY_TOUCH, "UPDATE access_keys SET last_used_ms = ?2, last_used_service = ?3," \
		" last_used_region = ?4 WHERE akid = ?1 AND (last_used_ms IS NULL" \
		" OR abs(?2 - last_used_ms) >= " STR(TOUCH_COALESCE_MS) \
		" OR last_used_service IS NOT ?3 OR last_used_region IS NOT ?4)") \
	S(BUCKET_ID, "SELECT id FROM buckets WHERE name = ?1") \
	S(BUCKET_GET, "SELECT name, account, region, created_ms FROM buckets WHERE name = ?1") \
	S(BUCKET_INS, "INSERT INTO buckets(name, account, region, created_ms)" \
		" VALUES (?1, ?2, ?3, ?4) ON CONFLICT(name) DO NOTHING") \
	S(BUCKET_OWNER, "SELECT account FROM buckets WHERE name = ?1") \
	S(BUCKET_HAS_OBJ, "SELECT 1 FROM objects WHERE bucket_id = ?1 LIMIT 1") \
	S(BUCKET_DEL_PARTS, "DELETE FROM parts WHERE upload IN" \
		" (SELECT rid FROM uploads WHERE bucket_id = ?1)") \
	S(BUCKET_DEL_UPLOADS, "DELETE FROM uploads WHERE bucket_id = ?1") \
	S(BUCKET_DEL, "DELETE FROM buckets WHERE id = ?1") \
	S(BUCKET_LIST, "SELECT name, account, region, created_ms FROM buckets" \
		" WHERE account = ?1 ORDER BY name") \
	S(OBJ_GET, "SELECT o.key, o.blob, o.size, o.etag, o.mtime_ms, o.owner, o.ck_alg," \
		" o.ck_type, o.ck_value, o.parts, o.headers, o.part_sizes, o.inl FROM buckets b" \
		" LEFT JOIN objects o ON o.bucket_id = b.id AND o.key = ?2 WHERE b.name = ?1") \
	S(OBJ_GET_DATA, "SELECT o.key, o.blob, o.size, o.etag, o.mtime_ms, o.owner, o.ck_alg," \
		" o.ck_type, o.ck_value, o.parts, o.headers, o.part_sizes, o.inl, d.data" \
		" FROM buckets b LEFT JOIN objects o ON o.bucket_id = b.id AND o.key = ?2" \
		" LEFT JOIN inline_blobs d ON o.inl AND d.id = o.blob WHERE b.name = ?1") \
	S(OBJ_BLOB, "SELECT blob, inl FROM objects WHERE bucket_id = ?1 AND key = ?2") \
	S(INLINE_PUT, "INSERT INTO inline_blobs(id, data) VALUES (?1, ?2)") \
	S(OBJ_ETAG, "SELECT etag FROM objects WHERE bucket_id = ?1 AND key = ?2") \
	S(OBJ_PUT, "INSERT INTO objects(bucket_id, key, blob, size, etag, mtime_ms, owner," \
		" headers, ck_alg, ck_type, ck_value, parts, part_sizes, inl)" \
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)" \
		" ON CONFLICT(bucket_id, key) DO UPDATE SET blob = excluded.blob," \
		" size = excluded.size, etag = excluded.etag, mtime_ms = excluded.mtime_ms," \
		" owner = excluded.owner, headers = excluded.headers, ck_alg = excluded.ck_alg," \
		" ck_type = excluded.ck_type, ck_value = excluded.ck_value, parts = excluded.parts," \
		" part_sizes = excluded.part_sizes, inl = excluded.inl") \
	S(OBJ_DEL, "DELETE FROM objects WHERE bucket_id = ?1 AND key = ?2") \
	S(OBJ_SCAN, "SELECT " OBJ_COLS " FROM objects WHERE bucket_id = ?1 AND key >= ?2" \
		" ORDER BY key LIMIT ?3") \
	S(OBJ_SCAN_HI, "SELECT " OBJ_COLS " FROM objects WHERE bucket_id = ?1 AND key >= ?2" \
		" AND key < ?4 ORDER BY key LIMIT ?3") \
	S(UPLOAD_INS, "INSERT INTO uploads(id, bucket_id, key, owner, initiated_ms, headers," \
		" ck_alg, ck_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)") \
	S(UPLOAD_GET, "SELECT " UPLOAD_COLS ", headers FROM uploads WHERE id = ?1" \
		" AND key = ?3 AND bucket_id = (SELECT id FROM buckets WHERE name = ?2)") \
	S(UPLOAD_RID, "SELECT rid FROM uploads WHERE id = ?1") \
	S(UPLOAD_RID_AT, "SELECT rid FROM uploads WHERE id = ?1 AND key = ?3" \
		" AND bucket_id = (SELECT id FROM buckets WHERE name = ?2)") \
	S(UPLOAD_MARK, "SELECT initiated_ms FROM uploads WHERE bucket_id = ?1 AND key = ?2" \
		" AND id = ?3") \
	S(UPLOAD_SCAN, "SELECT " UPLOAD_COLS " FROM uploads WHERE bucket_id = ?1" \
		" AND (key, initiated_ms, id) > (?2, ?3, ?4)" \
		" ORDER BY key, initiated_ms, id LIMIT ?5") \
	S(UPLOAD_SCAN_HI, "SELECT " UPLOAD_COLS " FROM uploads WHERE bucket_id = ?1" \
		" AND (key, initiated_ms, id) > (?2, ?3, ?4) AND key < ?6" \
		" ORDER BY key, initiated_ms, id LIMIT ?5") \
	S(UPLOAD_DEL_PARTS, "DELETE FROM parts WHERE upload = ?1") \
	S(UPLOAD_DEL, "DELETE FROM uploads WHERE rid = ?1") \
	S(PART_BLOB, "SELECT blob FROM parts WHERE upload = ?1 AND number = ?2") \
	S(PART_PUT, "INSERT INTO parts(upload, number, blob, size, etag, mtime_ms, ck_value)" \
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(upload, number) DO UPDATE SET" \
		" blob = excluded.blob, size = excluded.size, etag = excluded.etag," \
		" mtime_ms = excluded.mtime_ms, ck_value = excluded.ck_value") \
	S(PART_SCAN, "SELECT number, blob, size, etag, mtime_ms, ck_value FROM parts" \
		" WHERE upload = ?1 AND number > ?2 ORDER BY number LIMIT ?3") \
	S(BLOB_REF, "SELECT EXISTS (SELECT 1 FROM objects WHERE blob = ?1)" \
		" OR EXISTS (SELECT 1 FROM parts WHERE blob = ?1)") \
	S(GC_SCAN, "SELECT blob FROM gc LIMIT ?1") \
	S(GC_DONE, "DELETE FROM gc WHERE blob = ?1") \
	S(GC_UNQUEUE, "DELETE FROM gc WHERE blob = ?1")

#define STR_(x) #x
#define STR(x) STR_(x)

enum stmt_id {
#define S(name, sql) ST_##name,
	STATEMENTS
#undef S
	ST__COUNT
};

_Static_assert((int)ST__COUNT <= (int)SQ_ST_COUNT, "raise ST__COUNT_MAX in sqlite_int.h");

static const char *const stmt_sql[ST__COUNT] = {
#define S(name, sql) sql,
	STATEMENTS
#undef S
};

/* ---- errors ---- */

/* SQLite result -> enum err. Logs the engine's message, which names tables
 * and columns but never a bound value, so no key material can leak. */
enum err
sq_fail(struct conn *c, const char *what, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return ERR_NO_SPACE;
	case SQLITE_NOMEM:
		return ERR_NOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		/* only after busy_timeout: the database is overloaded */
		log_warn("meta: %s: database busy", what);
		return ERR_SERVICE_UNAVAILABLE;
	default:
		log_error("meta: %s: %s (%d)", what,
			c && c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc), rc);
		return ERR_INTERNAL;
	}
}

/* ---- connections ---- */

static void
conn_close(struct conn *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(c->st[i]);
	for (i = 0; i < c->nx; i++)
		sqlite3_finalize(c->x[i].st);
	sqlite3_close(c->db);
	free(c);
}

static enum err
conn_open(const char *path, struct conn **out)
{
	static const char pragmas[] =
		"PRAGMA synchronous = FULL;"
		"PRAGMA foreign_keys = ON;"
		"PRAGMA temp_store = MEMORY;";
	enum err rc = ERR_OK;
	struct conn *c;
	int r;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ERR_NOMEM;
	/* NOMUTEX: a connection never leaves the thread that opened it. */
	r = sqlite3_open_v2(path, &c->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (r != SQLITE_OK) {
		rc = sq_fail(c, "open", r);
		goto out;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	r = sqlite3_exec(c->db, pragmas, NULL, NULL, NULL);
	if (r != SQLITE_OK) {
		rc = sq_fail(c, "pragmas", r);
		goto out;
	}
	*out = c;
	c = NULL;
out:
	conn_close(c);
	return rc;
}

static void
tls_free(struct tls *t)
{
	int i;

	for (i = 0; i < MAX_DEPTH; i++)
		conn_close(t->c[i]);
	free(t);
}

/* Thread exit: the thread's connections go with it. */
static void
tls_destroy(void *p)
{
	struct tls *t = p;
	struct meta *m = t->m;

	pthread_mutex_lock(&m->lock);
	if (t->prev)
		t->prev->next = t->next;
	else
		m->all = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&m->lock);
	tls_free(t);
}

/* The calling thread's connection for its current nesting depth, opened on
 * first use. *tp (optional) receives the thread state for depth tracking. */
enum err
sq_conn(struct meta *m, struct conn **out, struct tls **tp)
{
	enum err rc;
	struct tls *t;

	t = pthread_getspecific(m->key);
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t)
			return ERR_NOMEM;
		t->m = m;
		if (pthread_setspecific(m->key, t) != 0) {
			free(t);
			return ERR_NOMEM;
		}
		pthread_mutex_lock(&m->lock);
		t->next = m->all;
		if (m->all)
			m->all->prev = t;
		m->all = t;
		pthread_mutex_unlock(&m->lock);
	}
	if (t->depth >= MAX_DEPTH) {
		log_error("meta: scan callbacks nested too deep");
		return ERR_INTERNAL;
	}
	if (!t->c[t->depth]) {
		rc = conn_open(m->path, &t->c[t->depth]);
		if (rc != ERR_OK)
			return rc;
	}
	*out = t->c[t->depth];
	if (tp)
		*tp = t;
	return ERR_OK;
}

/* The cached statement, prepared on first use; reset and ready to bind. */
static enum err
stmt(struct conn *c, enum stmt_id id, sqlite3_stmt **out)
{
	int r;

	if (!c->st[id]) {
		r = sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
				       &c->st[id], NULL);
		if (r != SQLITE_OK)
			return sq_fail(c, "prepare", r);
	}
	*out = c->st[id];
	return ERR_OK;
}

enum err
sq_prep(struct conn *c, const char *sql, sqlite3_stmt **out)
{
	int i, r;

	for (i = 0; i < c->nx; i++)
		if (c->x[i].sql == sql) {
			*out = c->x[i].st;
			return ERR_OK;
		}
	if (c->nx == SQ_MAX_EXTRA) {
		log_error("meta: statement cache full");
		return ERR_INTERNAL;
	}
	r = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->x[c->nx].st, NULL);
	if (r != SQLITE_OK)
		return sq_fail(c, "prepare", r);
	c->x[c->nx].sql = sql;
	*out = c->x[c->nx++].st;
	return ERR_OK;
}

/* ---- binding and reading ---- */

int
sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Keys are BLOBs; a zero-length key must still be a BLOB, not NULL. */
int
sq_bind_key(sqlite3_stmt *st, int i, const void *k, size_t n)
{
	if (n == 0)
		return sqlite3_bind_zeroblob(st, i, 0);
	return sqlite3_bind_blob(st, i, k, (int)n, SQLITE_STATIC);
}

static sqlite3_int64
limit_i64(size_t limit)
{
	return limit > (size_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)limit;
}

/* Copies a TEXT or BLOB column into dst[cap] with a NUL; a value that does
 * not fit means the database holds what we never wrote. */
bool
sq_col_copy(sqlite3_stmt *st, int i, char *dst, size_t cap, size_t *len)
{
	const void *p = sqlite3_column_blob(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	if (n >= cap)
		return false;
	if (n)
		memcpy(dst, p, n);
	dst[n] = '\0';
	if (len)
		*len = n;
	return true;
}

static bool
valid_blob_id(const char *id)
{
	size_t i;

	for (i = 0; i < BLOB_ID_LEN; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return id[BLOB_ID_LEN] == '\0';
}

bool
sq_fits(const char *s, size_t max)
{
	return s && strnlen(s, max + 1) <= max;
}

/* Steps a statement that returns at most one row; *row tells which. */
enum err
sq_step_one(struct conn *c, sqlite3_stmt *st, const char *what, bool *row)
{
	int r = sqlite3_step(st);

	if (r == SQLITE_ROW) {
		*row = true;
		return ERR_OK;
	}
	*row = false;
	if (r == SQLITE_DONE)
		return ERR_OK;
	return sq_fail(c, what, r);
}

/* Runs a statement that returns no rows, then resets it. */
enum err
sq_step_done(struct conn *c, sqlite3_stmt *st, const char *what)
{
	int r = sqlite3_step(st);

	sqlite3_reset(st);
	if (r == SQLITE_DONE || r == SQLITE_ROW)
		return ERR_OK;
	return sq_fail(c, what, r);
}

/* Bucket name -> internal id; ERR_NO_SUCH_BUCKET when absent. */
static enum err
bucket_id(struct conn *c, const char *name, sqlite3_int64 *id)
{
	enum err rc;
	sqlite3_stmt *st;
	bool row;

	if (!sq_fits(name, META_NAME_MAX))
		return ERR_NO_SUCH_BUCKET;
	rc = stmt(c, ST_BUCKET_ID, &st);
	if (rc != ERR_OK)
		return rc;
	sq_bind_text(st, 1, name);
	rc = sq_step_one(c, st, "bucket id", &row);
	if (rc == ERR_OK && !row)
		rc = ERR_NO_SUCH_BUCKET;
	if (rc == ERR_OK)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
}

/* ---- transactions ---- */

/* Write transactions of this process queue on a mutex rather than on
 * SQLite's busy handler, which sleeps in steps of up to 100 ms; the busy
 * timeout still covers other processes (coffer admin). */
enum err
sq_tx_begin(struct meta *m, struct conn *c)
{
	enum err rc;
	sqlite3_stmt *st;

	pthread_mutex_lock(&m->wlock);
	rc = stmt(c, ST_BEGIN, &st);
	if (rc == ERR_OK)
		rc = sq_step_done(c, st, "begin");
	if (rc != ERR_OK)
		pthread_mutex_unlock(&m->wlock);
	return rc;
}

/* Commits when rc is ERR_OK, rolls back otherwise; returns the outcome. */
enum err
sq_tx_end(struct meta *m, struct conn *c, enum err rc)
{
	sqlite3_stmt *st;

	if (rc == ERR_OK) {
		rc = stmt(c, ST_COMMIT, &st);
		if (rc == ERR_OK)
			rc = sq_step_done(c, st, "commit");
	}
	if (rc != ERR_OK && !sqlite3_get_autocommit(c->db)) {
		if (stmt(c, ST_ROLLBACK, &st) == ERR_OK)
			sq_step_done(c, st, "rollback");
	}
	pthread_mutex_unlock(&m->wlock);
	return rc;
}

/* ---- open, close, schema ---- */

/* Brings the schema to SCHEMA_VERSION in one IMMEDIATE transaction, the
 * version read inside it, so two processes opening a new database at once
 * cannot both run the same step. */
static enum err
migrate(struct conn *c)
{
	enum err rc = ERR_OK;
	sqlite3_stmt *st = NULL;
	char sql[64];
	int v, r;

	r = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (r != SQLITE_OK)
		return sq_fail(c, "migrate: begin", r);
	r = sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_step(st);
	if (r != SQLITE_ROW) {
		rc = sq_fail(c, "migrate: user_version", r);
		goto out;
	}
	v = sqlite3_column_int(st, 0);
	if (v > SCHEMA_VERSION) {
		log_error("meta: database schema %d is newer than this coffer (%d)", v,
			  SCHEMA_VERSION);
		rc = ERR_INTERNAL;
		goto out;
	}
	if (v == SCHEMA_VERSION)
		goto out;
	for (r = SQLITE_OK; r == SQLITE_OK && v < SCHEMA_VERSION; v++)
		r = sqlite3_exec(c->db, migrations[v], NULL, NULL, NULL);
	if (r == SQLITE_OK) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", SCHEMA_VERSION);
		r = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	}
	if (r != SQLITE_OK)
		rc = sq_fail(c, "migrate", r);
out:
	sqlite3_finalize(st);
	r = sqlite3_exec(c->db, rc == ERR_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	if (rc == ERR_OK && r != SQLITE_OK)
		rc = sq_fail(c, "migrate: commit", r);
	return rc;
}

static void gc_later_flush(struct meta *m);
static void *committer(void *arg);

/* SQLite counts every allocation under one process-wide mutex unless told
 * not to; with a connection per worker thread that mutex was the most
 * contended lock of a PUT-heavy load. Nothing reads those counters. */
static void
sqlite_config_once(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

enum err
meta_open(const char *path, struct meta **out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	enum err rc;
	struct meta *m;
	struct conn *c;
	char *mode = NULL;
	int fd, r;

	*out = NULL;
	pthread_once(&once, sqlite_config_once);
	/* The file holds sealed secrets: create it 0600 before SQLite does
	 * (its -wal and -shm files copy the main file's mode). */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_error("meta: cannot open %s: %s", path, strerror(errno));
		return ERR_INTERNAL;
	}
	close(fd);
	m = calloc(1, sizeof(*m));
	if (!m)
		return ERR_NOMEM;
	m->path = strdup(path);
	m->oc = objcache_new(OBJCACHE_SLOTS, OBJCACHE_BYTES);
	if (!m->path || !m->oc) {
		objcache_free(m->oc);
		free(m->path);
		free(m);
		return ERR_NOMEM;
	}
	pthread_mutex_init(&m->lock, NULL);
	pthread_mutex_init(&m->wlock, NULL);
	pthread_mutex_init(&m->qlock, NULL);
	pthread_cond_init(&m->qwork, NULL);
	m->qtail = &m->qhead;
	if (pthread_key_create(&m->key, tls_destroy) != 0) {
		pthread_mutex_destroy(&m->lock);
		pthread_mutex_destroy(&m->wlock);
		pthread_mutex_destroy(&m->qlock);
		pthread_cond_destroy(&m->qwork);
		objcache_free(m->oc);
		free(m->path);
		free(m);
		return ERR_INTERNAL;
	}
	rc = sq_conn(m, &c, NULL);
	if (rc != ERR_OK)
		goto out;
	{
		sqlite3_stmt *st = NULL;

		r = sqlite3_prepare_v2(c->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
		if (r == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			mode = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	if (!mode || strcmp(mode, "wal") != 0) {
		rc = sq_fail(c, "journal_mode=WAL", r == SQLITE_OK ? SQLITE_ERROR : r);
		goto out;
	}
	rc = migrate(c);
	/* The group commit's own connection: whichever thread leads a batch
	 * uses it (one leader at a time), so its page cache stays warm
	 * instead of each leader re-reading what the previous one wrote. */
	if (rc == ERR_OK)
		rc = conn_open(m->path, &m->wconn);
	if (rc == ERR_OK) {
		if (pthread_create(&m->qthread, NULL, committer, m) == 0)
			m->qthread_on = true;
		else
			rc = ERR_INTERNAL;
	}
out:
	sqlite3_free(mode);
	if (rc != ERR_OK) {
		meta_close(m);
		return rc;
	}
	*out = m;
	return ERR_OK;
}

void
meta_close(struct meta *m)
{
	struct tls *t, *next;

	if (!m)
		return;
	/* The commit thread finishes what is queued, then ends. */
	if (m->qthread_on) {
		pthread_mutex_lock(&m->qlock);
		m->qstop = true;
		pthread_cond_signal(&m->qwork);
		pthread_mutex_unlock(&m->qlock);
		pthread_join(m->qthread, NULL);
	}
	/* gc rows still waiting for a batch: dropping them now is only tidy
	 * (the start-up sweep would find their files gone). */
	gc_later_flush(m);
	/* Other threads must be done with m; their thread-local slots die
	 * with the key, so no destructor runs on freed memory later. */
	pthread_setspecific(m->key, NULL);
	pthread_key_delete(m->key);
	pthread_mutex_lock(&m->lock);
	for (t = m->all; t; t = next) {
		next = t->next;
		tls_free(t);
	}
	m->all = NULL;
	pthread_mutex_unlock(&m->lock);
	conn_close(m->wconn);
	pthread_mutex_destroy(&m->lock);
	pthread_mutex_destroy(&m->wlock);
	pthread_mutex_destroy(&m->qlock);
	pthread_cond_destroy(&m->qwork);
	objcache_free(m->oc);
	free(m->path);
	free(m);
}

/* ---- accounts and keys ---- */

enum err
meta_account_get(struct meta *m, struct meta_account *out, bool *found)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	bool row;

	*found = false;
	rc = sq_conn(m, &c, NULL);
	if (rc == ERR_OK)
		rc = stmt(c, ST_ACCOUNT_GET, &st);
	if (rc != ERR_OK)
		return rc;
	rc = sq_step_one(c, st, "account get", &row);
	if (rc == ERR_OK && row) {
		if (!sq_col_copy(st, 0, out->id, sizeof(out->id), NULL) ||
		    !sq_col_copy(st, 1, out->root_user, sizeof(out->root_user), NULL))
			rc = sq_fail(c, "account get: oversized row", SQLITE_CORRUPT);
		out->created_ms = sqlite3_column_int64(st, 2);
		*found = rc == ERR_OK;
	}
	sqlite3_reset(st);
	return rc;
}

enum err
meta_bootstrap(struct meta *m, const struct meta_account *acct, const struct meta_key *key)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	char arn[64];
	int r;

	if (!sq_fits(acct->id, META_ACCOUNT_LEN) || !sq_fits(acct->root_user, META_NAME_MAX) ||
	    !sq_fits(key->akid, META_AKID_MAX) || key->sealed_len > META_SEALED_MAX)
		return ERR_INVALID_ARGUMENT;
	rc = sq_conn(m, &c, NULL);
	if (rc != ERR_OK)
		return rc;
	rc = sq_tx_begin(m, c);
	if (rc != ERR_OK)
		return rc;
	snprintf(arn, sizeof(arn), "arn:aws:iam::%s:root", acct->id);
	rc = stmt(c, ST_ACCOUNT_INS, &st);
	if (rc != ERR_OK)
		goto out;
	sq_bind_text(st, 1, acct->id);
	sqlite3_bind_int64(st, 2, acct->created_ms);
	rc = sq_step_done(c, st, "account insert");
	if (rc != ERR_OK)
		goto out;
	/* The root user's id is the account id, as in AWS. */
	rc = stmt(c, ST_USER_INS, &st);
	if (rc != ERR_OK)
		goto out;
	sq_bind_text(st, 1, acct->id);
	sq_bind_text(st, 2, acct->root_user);
	sq_bind_text(st, 3, acct->id);
	sq_bind_text(st, 4, arn);
	sqlite3_bind_int(st, 5, 1);
	sqlite3_bind_int64(st, 6, acct->created_ms);
	rc = sq_step_done(c, st, "root user insert");
	if (rc != ERR_OK)
		goto out;
	/* The root key belongs to this account's root user whatever the
	 * caller left in key->account/user/is_root. */
	rc = stmt(c, ST_KEY_INS, &st);
	if (rc != ERR_OK)
		goto out;
	sq_bind_text(st, 1, key->akid);
	sq_bind_text(st, 2, acct->id);
	sq_bind_text(st, 3, acct->root_user);
	sqlite3_bind_int(st, 4, 1);
	sq_bind_text(st, 5, key->active ? "Active" : "Inactive");
	sqlite3_bind_blob(st, 6, key->sealed, (int)key->sealed_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, key->created_ms);
	r = sqlite3_step(st);
	sqlite3_reset(st);
	if (r != SQLITE_DONE)
		rc = sq_fail(c, "root key insert", r);
out:
	/* A second bootstrap collides with the first: not an engine failure. */
	if (rc == ERR_INTERNAL && (sqlite3_errcode(c->db) & 0xff) == SQLITE_CONSTRAINT)
		rc = ERR_INVALID_ARGUMENT;
	return sq_tx_end(m, c, rc);
}

enum err
meta_key_get(struct meta *m, const char *akid, struct meta_key *out)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	const char *status;
	bool row;

	if (!sq_fits(akid, META_AKID_MAX))
		return ERR_INVALID_ACCESS_KEY;
	rc = sq_conn(m, &c, NULL);
	if (rc == ERR_OK)
		rc = stmt(c, ST_KEY_GET, &st);
	if (rc != ERR_OK)
		return rc;
	sq_bind_text(st, 1, akid);
	rc = sq_step_one(c, st, "key get", &row);
	if (rc != ERR_OK)
		goto out;
	if (!row) {
		rc = ERR_INVALID_ACCESS_KEY;
		goto out;
	}
	memset(out, 0, sizeof(*out));
	strcpy(out->akid, akid);
	if (!sq_col_copy(st, 0, out->account, sizeof(out->account), NULL) ||
	    !sq_col_copy(st, 1, out->user, sizeof(out->user), NULL) ||
	    !sq_col_copy(st, 6, out->user_id, sizeof(out->user_id), NULL) ||
	    !sq_col_copy(st, 7, out->user_arn, sizeof(out->user_arn), NULL) ||
	    sqlite3_column_bytes(st, 4) > META_SEALED_MAX) {
		rc = sq_fail(c, "key get: oversized row", SQLITE_CORRUPT);
		goto out;
	}
	out->is_root = sqlite3_column_int(st, 2) != 0;
	status = (const char *)sqlite3_column_text(st, 3);
	out->active = status && strcmp(status, "Active") == 0;
	out->sealed_len = (size_t)sqlite3_column_bytes(st, 4);
	if (out->sealed_len)
		memcpy(out->sealed, sqlite3_column_blob(st, 4), out->sealed_len);
	out->created_ms = sqlite3_column_int64(st, 5);
out:
	sqlite3_reset(st);
	return rc;
}

/* Called on every authenticated request: a read decides, and the write
 * (rare: once a minute per key, or when service/region change) is itself
 * conditional, so racing threads write at most once. */
enum err
meta_key_touch(struct meta *m, const char *akid, int64_t now_ms, const char *service,
	       const char *region)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	const char *s, *r;
	bool row, fresh;
	int64_t last;

	if (!sq_fits(akid, META_AKID_MAX))
		return ERR_INVALID_ACCESS_KEY;
	service = service ? service : "";
	region = region ? region : "";
	rc = sq_conn(m, &c, NULL);
	if (rc == ERR_OK)
		rc = stmt(c, ST_KEY_USED, &st);
	if (rc != ERR_OK)
		return rc;
	sq_bind_text(st, 1, akid);
	rc = sq_step_one(c, st, "key used", &row);
	if (rc == ERR_OK && !row)
		rc = ERR_INVALID_ACCESS_KEY;
	fresh = false;
	if (rc == ERR_OK && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		last = sqlite3_column_int64(st, 0);
		s = (const char *)sqlite3_column_text(st, 1);
		r = (const char *)sqlite3_column_text(st, 2);
		fresh = now_ms - last < TOUCH_COALESCE_MS && last - now_ms < TOUCH_COALESCE_MS &&
			s && r && strcmp(s, service) == 0 && strcmp(r, region) == 0;
	}
	sqlite3_reset(st);
	if (rc != ERR_OK || fresh)
		return rc;
	rc = stmt(c, ST_KEY_TOUCH, &st);
	if (rc != ERR_OK)
		return rc;
	sq_bind_text(st, 1, akid);
	sqlite3_bind_int64(st, 2, now_ms);
	sq_bind_text(st, 3, service);
	sq_bind_text(st, 4, region);
	pthread_mutex_lock(&m->wlock);
	rc = sq_step_done(c, st, "key touch");
	pthread_mutex_unlock(&m->wlock);
	return rc;
}

/* ---- buckets ---- */

static enum err
bucket_row(struct conn *c, sqlite3_stmt *st, struct meta_bucket *b)
{
	if (!sq_col_copy(st, 0, b->name, sizeof(b->name), NULL) ||
	    !sq_col_copy(st, 1, b->account, sizeof(b->account), NULL) ||
	    !sq_col_copy(st, 2, b->region, sizeof(b->region), NULL))
		return sq_fail(c, "bucket: oversized row", SQLITE_CORRUPT);
	b->created_ms = sqlite3_column_int64(st, 3);
	return ERR_OK;
}

enum err
meta_bucket_create(struct meta *m, const struct meta_bucket *b)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	bool row;

	if (!sq_fits(b->name, META_NAME_MAX) || !sq_fits(b->account, META_ACCOUNT_LEN) ||
	    !sq_fits(b->region, sizeof(b->region) - 1))
		return ERR_INVALID_ARGUMENT;
	rc = sq_conn(m, &c, NULL);
	if (rc != ERR_OK)
		return rc;
	rc = sq_tx_begin(m, c);
	if (rc != ERR_OK)
		return rc;
	rc = stmt(c, ST_BUCKET_INS, &st);
	if (rc != ERR_OK)
		goto out;
	sq_bind_text(st, 1, b->name);
	sq_bind_text(st, 2, b->account);
	sq_bind_text(st, 3, b->region);
	sqlite3_bind_int64(st, 4, b->created_ms);
	rc = sq_step_done(c, st, "bucket insert");
	if (rc != ERR_OK || sqlite3_changes(c->db) == 1)
		goto out;
	/* The name is taken: by whom decides the S3 error. */
	rc = stmt(c, ST_BUCKET_OWNER, &st);
	if (rc != ERR_OK)
		goto out;
	sq_bind_text(st, 1, b->name);
	rc = sq_step_one(c, st, "bucket owner", &row);
	if (rc == ERR_OK)
		rc = row && strcmp((const char *)sqlite3_column_text(st, 0), b->account) == 0
			     ? ERR_BUCKET_OWNED
			     : ERR_BUCKET_EXISTS;
	sqlite3_reset(st);
out:
	return sq_tx_end(m, c, rc);
}

enum err
meta_bucket_get(struct meta *m, const char *name, struct meta_bucket *out)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	bool row;

	if (!sq_fits(name, META_NAME_MAX))
		return ERR_NO_SUCH_BUCKET;
	rc = sq_conn(m, &c, NULL);
	if (rc == ERR_OK)
		rc = stmt(c, ST_BUCKET_GET, &st);
	if (rc != ERR_OK)
		return rc;
	sq_bind_text(st, 1, name);
	rc = sq_step_one(c, st, "bucket get", &row);
	if (rc == ERR_OK && !row)
		rc = ERR_NO_SUCH_BUCKET;
	if (rc == ERR_OK && out)
		rc = bucket_row(c, st, out);
	sqlite3_reset(st);
	return rc;
}

/* Part rows go first so that their triggers queue the part blobs. */
enum err
meta_bucket_delete(struct meta *m, const char *name)
{
	static const enum stmt_id steps[] = {ST_BUCKET_DEL_PARTS, ST_BUCKET_DEL_UPLOADS,
					     ST_BUCKET_DEL};
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	sqlite3_int64 bid;
	size_t i;
	bool row;

	rc = sq_conn(m, &c, NULL);
	if (rc != ERR_OK)
		return rc;
	rc = sq_tx_begin(m, c);
	if (rc != ERR_OK)
		return rc;
	rc = bucket_id(c, name, &bid);
	if (rc != ERR_OK)
		goto out;
	rc = stmt(c, ST_BUCKET_HAS_OBJ, &st);
	if (rc != ERR_OK)
		goto out;
	sqlite3_bind_int64(st, 1, bid);
	rc = sq_step_one(c, st, "bucket empty", &row);
	sqlite3_reset(st);
	if (rc == ERR_OK && row)
		rc = ERR_BUCKET_NOT_EMPTY;
	for (i = 0; rc == ERR_OK && i < sizeof(steps) / sizeof(steps[0]); i++) {
		rc = stmt(c, steps[i], &st);
		if (rc != ERR_OK)
			break;
		sqlite3_bind_int64(st, 1, bid);
		rc = sq_step_done(c, st, "bucket delete");
	}
out:
	return sq_tx_end(m, c, rc);
}

enum err
meta_bucket_list(struct meta *m, const char *account,
		 int (*fn)(void *ctx, const struct meta_bucket *b), void *ctx)
{
	enum err rc;
	struct conn *c;
	struct tls *t;
	sqlite3_stmt *st;
	struct meta_bucket b;
	int r, stop = 0;

	rc = sq_conn(m, &c, &t);
	if (rc == ERR_OK)
		rc = stmt(c, ST_BUCKET_LIST, &st);
	if (rc != ERR_OK)
		return rc;
	sq_bind_text(st, 1, account);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		rc = bucket_row(c, st, &b);
		if (rc != ERR_OK)
			break;
		t->depth++;
		stop = fn(ctx, &b);
		t->depth--;
		if (stop)
			break;
	}
	if (rc == ERR_OK && !stop && r != SQLITE_DONE)
		rc = sq_fail(c, "bucket list", r);
	sqlite3_reset(st);
	return rc;
}

/* ---- objects ---- */

void
meta_object_fini(struct meta_object *o)
{
	free(o->headers);
	o->headers = NULL;
	free(o->part_sizes);
	o->part_sizes = NULL;
	free(o->data);
	o->data = NULL;
}

/* Fills o from a row of OBJ_COLS (headers excepted). bucket is the
 * caller's name, already checked to fit. */
static enum err
object_row(struct conn *c, sqlite3_stmt *st, const char *bucket, struct meta_object *o)
{
	if (!sq_col_copy(st, 0, o->key, sizeof(o->key), &o->key_len) ||
	    !sq_col_copy(st, 1, o->blob, sizeof(o->blob), NULL) ||
	    !sq_col_copy(st, 3, o->etag, sizeof(o->etag), NULL) ||
	    !sq_col_copy(st, 5, o->owner, sizeof(o->owner), NULL) ||
	    !sq_col_copy(st, 8, o->ck_value, sizeof(o->ck_value), NULL))
		return sq_fail(c, "object: oversized row", SQLITE_CORRUPT);
	strcpy(o->bucket, bucket);
	o->size = (uint64_t)sqlite3_column_int64(st, 2);
	o->mtime_ms = sqlite3_column_int64(st, 4);
	o->ck_alg = (enum cksum_alg)sqlite3_column_int(st, 6);
	o->ck_type = (enum ck_type)sqlite3_column_int(st, 7);
	o->parts = sqlite3_column_int(st, 9);
	o->headers = NULL;
	o->part_sizes = NULL;
	return ERR_OK;
}

/* One statement: no row = no bucket, a row of NULLs = no key. */
static enum err
object_get(struct meta *m, const char *bucket, const char *key, struct meta_object *out,
	   bool with_data)
{
	uint64_t gen;
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	const char *h;
	size_t klen;
	bool row;

	out->headers = NULL;
	out->part_sizes = NULL;
	out->data = NULL;
	if (!sq_fits(bucket, META_NAME_MAX))
		return ERR_NO_SUCH_BUCKET;
	klen = strnlen(key, META_KEY_MAX + 1);
	if (klen > META_KEY_MAX)
		return ERR_KEY_TOO_LONG;
	gen = objcache_gen(m->oc);
	if (objcache_get(m->oc, bucket, key, klen, with_data, out))
		return ERR_OK;
	rc = sq_conn(m, &c, NULL);
	if (rc == ERR_OK)
		rc = stmt(c, with_data ? ST_OBJ_GET_DATA : ST_OBJ_GET, &st);
	if (rc != ERR_OK)
		return rc;
	sq_bind_text(st, 1, bucket);
	sq_bind_key(st, 2, key, klen);
	rc = sq_step_one(c, st, "object get", &row);
	if (rc != ERR_OK)
		goto out;
	if (!row) {
		rc = ERR_NO_SUCH_BUCKET;
		goto out;
	}
	if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
		rc = ERR_NO_SUCH_KEY;
		goto out;
	}
	rc = object_row(c, st, bucket, out);
	if (rc != ERR_OK)
		goto out;
	out->inl = sqlite3_column_int(st, 12) != 0;
	h = (const char *)sqlite3_column_text(st, 10);
	if (h && *h) {
		out->headers = strdup(h);
		if (!out->headers)
			rc = ERR_NOMEM;
	}
	h = (const char *)sqlite3_column_text(st, 11);
	if (rc == ERR_OK && h && *h) {
		out->part_sizes = strdup(h);
		if (!out->part_sizes)
			rc = ERR_NOMEM;
	}
	if (rc == ERR_OK && with_data && out->inl) {
		const void *d = sqlite3_column_blob(st, 13);
		size_t n = (size_t)sqlite3_column_bytes(st, 13);
		if (n != out->size || (n && !d))
			rc = sq_fail(c, "object get: inline bytes missing", SQLITE_CORRUPT);
		else if (!(out->data = malloc(n + 1)))
			rc = ERR_NOMEM;
		else {
			if (n)
				memcpy(out->data, d, n);
			out->data[n] = '\0'; /* so that a buffer may adopt it */
		}
	}
out:
	sqlite3_reset(st);
	if (rc != ERR_OK)
		meta_object_fini(out);
	else
		objcache_put(m->oc, gen, out, with_data);
	return rc;
}

enum err
meta_object_get(struct meta *m, const char *bucket, const char *key, struct meta_object *out)
{
	return object_get(m, bucket, key, out, false);
}

enum err
meta_object_get_data(struct meta *m, const char *bucket, const char *key,
		     struct meta_object *out)
{
	return object_get(m, bucket, key, out, true);
}

/* Whether (bid, key) has a row, and its blob file's id into old ("" when
 * no row, or when the object is inline and so has no file). */
static enum err
object_blob(struct conn *c, sqlite3_int64 bid, const char *key, size_t klen,
	    char old[BLOB_ID_LEN + 1], bool *found)
{
	enum err rc;
	sqlite3_stmt *st;
	bool row = false;

	old[0] = '\0';
	rc = stmt(c, ST_OBJ_BLOB, &st);
	if (rc != ERR_OK)
		return rc;
	sqlite3_bind_int64(st, 1, bid);
	sq_bind_key(st, 2, key, klen);
	rc = sq_step_one(c, st, "object blob", &row);
	if (rc == ERR_OK && row && !sq_col_copy(st, 0, old, BLOB_ID_LEN + 1, NULL))
		rc = sq_fail(c, "object blob: oversized row", SQLITE_CORRUPT);
	if (rc == ERR_OK && row && sqlite3_column_int(st, 1))
		old[0] = '\0';
	sqlite3_reset(st);
	if (found)
		*found = rc == ERR_OK && row;
	return rc;
}

static enum err
object_valid(const struct meta_object *o, size_t *klen)
{
	if (!sq_fits(o->bucket, META_NAME_MAX))
		return ERR_NO_SUCH_BUCKET;
	*klen = strnlen(o->key, sizeof(o->key));
	if (*klen > META_KEY_MAX)
		return ERR_KEY_TOO_LONG;
	if (!valid_blob_id(o->blob) || !sq_fits(o->etag, META_ETAG_MAX) ||
	    !sq_fits(o->owner, META_ACCOUNT_LEN) || !sq_fits(o->ck_value, CKSUM_B64_MAX - 1))
		return ERR_INVALID_ARGUMENT;
	if (o->inl && (o->size > META_INLINE_MAX || (o->size && !o->data) || o->parts))
		return ERR_INVALID_ARGUMENT;
	return ERR_OK;
}

/* Inside a write transaction: o's precondition against the stored ETag. */
static enum err
object_precond(struct conn *c, sqlite3_int64 bid, const struct meta_object *o, size_t klen)
{
	char etag[META_ETAG_MAX + 1];
	enum err rc;
	sqlite3_stmt *st;
	bool row;

	rc = stmt(c, ST_OBJ_ETAG, &st);
	if (rc != ERR_OK)
		return rc;
	sqlite3_bind_int64(st, 1, bid);
	sq_bind_key(st, 2, o->key, klen);
	rc = sq_step_one(c, st, "object etag", &row);
	if (rc == ERR_OK && row && !sq_col_copy(st, 0, etag, sizeof(etag), NULL))
		rc = sq_fail(c, "object etag: oversized row", SQLITE_CORRUPT);
	sqlite3_reset(st);
	if (rc == ERR_OK)
		rc = o->precond(o->precond_ctx, row ? etag : NULL);
	return rc;
}

/* Inside a write transaction: upserts o into bucket bid. The update
 * trigger queues a replaced blob; old receives it ("" if none or same). */
static enum err
object_upsert(struct conn *c, sqlite3_int64 bid, const struct meta_object *o, size_t klen,
	      char old[BLOB_ID_LEN + 1])
{
	enum err rc;
	sqlite3_stmt *st;

	if (o->precond && (rc = object_precond(c, bid, o, klen)) != ERR_OK)
		return rc;
	rc = object_blob(c, bid, o->key, klen, old, NULL);
	if (rc != ERR_OK)
		return rc;
	if (strcmp(old, o->blob) == 0)
		old[0] = '\0';
	if (o->inl) {
		rc = stmt(c, ST_INLINE_PUT, &st);
		if (rc != ERR_OK)
			return rc;
		sq_bind_text(st, 1, o->blob);
		/* zeroblob for 0 bytes: NOT NULL holds, and data may be NULL */
		if (o->size)
			sqlite3_bind_blob(st, 2, o->data, (int)o->size, SQLITE_STATIC);
		else
			sqlite3_bind_zeroblob(st, 2, 0);
		rc = sq_step_done(c, st, "inline put");
		if (rc != ERR_OK)
			return rc;
	}
	rc = stmt(c, ST_OBJ_PUT, &st);
	if (rc != ERR_OK)
		return rc;
	sqlite3_bind_int64(st, 1, bid);
	sq_bind_key(st, 2, o->key, klen);
	sq_bind_text(st, 3, o->blob);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)o->size);
	sq_bind_text(st, 5, o->etag);
	sqlite3_bind_int64(st, 6, o->mtime_ms);
	sq_bind_text(st, 7, o->owner);
	sq_bind_text(st, 8, o->headers && *o->headers ? o->headers : NULL);
	sqlite3_bind_int(st, 9, (int)o->ck_alg);
	sqlite3_bind_int(st, 10, (int)o->ck_type);
	sq_bind_text(st, 11, o->ck_value);
	sqlite3_bind_int(st, 12, o->parts);
	sq_bind_text(st, 13, o->part_sizes && *o->part_sizes ? o->part_sizes : NULL);
	sqlite3_bind_int(st, 14, o->inl ? 1 : 0);
	return sq_step_done(c, st, "object put");
}

/* ---- group commit ----
 *
 * Object and part writes are where request rates are high, and each used to
 * be its own transaction: one WAL fsync per PUT, serialised on wlock. Now a
 * write is queued as a wreq and the store's commit thread takes the whole
 * queue, applies it in one IMMEDIATE transaction on its own connection and
 * commits once, then completes every wreq: a synchronous caller is woken on
 * its own condition, an asynchronous one (meta_object_put_async) gets its
 * callback on the commit thread. Writes arriving meanwhile form the next
 * batch, so batches grow with load and an idle store still commits a lone
 * write at once. Asynchronous callers (PutObject) do not hold a worker
 * thread while they wait, so a batch is bounded by the connections writing,
 * not by the threads serving them.
 *
 * Each wreq is applied inside its own SAVEPOINT: a failing one (bucket gone,
 * upload gone, constraint) is rolled back to its savepoint and fails alone.
 * An error that makes SQLite abandon the whole transaction (disk full, I/O
 * error) fails that wreq and the batch is redone without it. A wreq is done
 * only after the COMMIT that contains it returned (synchronous=FULL: the
 * WAL is fsynced), so meta.h's promise holds unchanged: when a call returns,
 * its change is durable and visible to every connection. */

enum wop { WOP_PUT, WOP_DELETE, WOP_PART };

struct wreq {
	enum wop op;
	const struct meta_object *o; /* WOP_PUT */
	const char *bucket, *key;    /* WOP_DELETE */
	size_t klen;
	const char *upload_id;       /* WOP_PART */
	const struct meta_part *p;
	char old[BLOB_ID_LEN + 1];   /* result: the replaced blob */
	enum err rc;                 /* result */
	bool failed;                 /* rc is final (failed alone) */
	bool done;                   /* under qlock: the waiter may return */
	pthread_cond_t cv;           /* its waiter's (synchronous calls) */
	/* asynchronous calls: run on the commit thread, then the wreq is freed */
	meta_done_fn done_fn;
	void *ctx;
	struct wreq *next;
};

static enum err wreq_apply(struct conn *c, struct wreq *r);
static enum err part_upsert(struct conn *c, const char *upload_id, const struct meta_part *p,
			    char old[BLOB_ID_LEN + 1]);

/* Runs one of the savepoint statements. */
static enum err
sp_run(struct conn *c, enum stmt_id id, const char *what)
{
	sqlite3_stmt *st = NULL;
	enum err rc = stmt(c, id, &st);

	if (rc == ERR_OK)
		rc = sq_step_done(c, st, what);
	return rc;
}

/* Inside the batch transaction, in a savepoint of their own: gc ids whose
 * files were removed since the last batch. Best effort: a row left behind
 * is swept again at start. */
static enum err
gc_later_apply(struct conn *c, char (*ids)[BLOB_ID_LEN + 1], size_t n)
{
	sqlite3_stmt *st = NULL;
	enum err rc;
	size_t i;

	rc = sp_run(c, ST_SP_BEGIN, "savepoint");
	if (rc == ERR_OK)
		rc = stmt(c, ST_GC_DONE, &st);
	for (i = 0; rc == ERR_OK && i < n; i++) {
		sq_bind_text(st, 1, ids[i]);
		rc = sq_step_done(c, st, "gc done");
	}
	if (rc != ERR_OK && !sqlite3_get_autocommit(c->db))
		sp_run(c, ST_SP_UNDO, "rollback to");
	if (!sqlite3_get_autocommit(c->db))
		sp_run(c, ST_SP_RELEASE, "release");
	return rc;
}

/* Applies list in one transaction (redone without a wreq whose failure
 * aborted the transaction) and sets every wreq's rc. */
static void
batch_run(struct meta *m, struct conn *c, struct wreq *list, char (*gc)[BLOB_ID_LEN + 1],
	  size_t ngc)
{
	struct wreq *r;
	enum err rc;
	bool redo;

	do {
		redo = false;
		rc = sq_tx_begin(m, c);
		if (rc != ERR_OK)
			break;
		for (r = list; r; r = r->next) {
			if (r->failed)
				continue;
			r->old[0] = '\0';
			rc = sp_run(c, ST_SP_BEGIN, "savepoint");
			if (rc == ERR_OK)
				rc = wreq_apply(c, r);
			if (rc == ERR_OK)
				rc = sp_run(c, ST_SP_RELEASE, "release");
			if (rc == ERR_OK)
				continue;
			r->rc = rc;
			r->failed = true;
			if (sqlite3_get_autocommit(c->db)) {
				/* SQLite rolled back everything: the others again. */
				redo = true;
				break;
			}
			if (sp_run(c, ST_SP_UNDO, "rollback to") != ERR_OK ||
			    sp_run(c, ST_SP_RELEASE, "release") != ERR_OK) {
				redo = true;
				break;
			}
		}
		if (redo) {
			sq_tx_end(m, c, ERR_INTERNAL);
			continue;
		}
		if (ngc && gc_later_apply(c, gc, ngc) != ERR_OK) {
			/* Never worth failing the writes for: drop the ids. */
			ngc = 0;
			if (sqlite3_get_autocommit(c->db)) {
				redo = true;
				sq_tx_end(m, c, ERR_INTERNAL);
				continue;
			}
		}
		rc = sq_tx_end(m, c, ERR_OK);
	} while (redo);
	for (r = list; r; r = r->next)
		if (!r->failed) {
			r->rc = rc;
			if (rc != ERR_OK)
				r->old[0] = '\0';
		}
}

/* At close, with no other thread left: the ids still waiting. */
static void
gc_later_flush(struct meta *m)
{
	if (m->ngc_later == 0 || !m->wconn)
		return;
	batch_run(m, m->wconn, NULL, m->gc_later, m->ngc_later);
	m->ngc_later = 0;
}

/* The commit thread: runs batches until meta_close, then the last queue. */
static void *
committer(void *arg)
{
	struct meta *m = arg;
	char (*gc)[BLOB_ID_LEN + 1] = NULL;
	struct wreq *batch, *b, *next, *async;
	size_t ngc;

	pthread_mutex_lock(&m->qlock);
	for (;;) {
		while (!m->qhead && !m->qstop)
			pthread_cond_wait(&m->qwork, &m->qlock);
		if (!m->qhead)
			break; /* stopping with nothing queued */
		batch = m->qhead;
		m->qhead = NULL;
		m->qtail = &m->qhead;
		ngc = m->ngc_later;
		if (ngc && (gc = malloc(ngc * sizeof(*gc))) != NULL) {
			memcpy(gc, m->gc_later, ngc * sizeof(*gc));
			m->ngc_later = 0;
		} else {
			ngc = 0;
		}
		pthread_mutex_unlock(&m->qlock);
		batch_run(m, m->wconn, batch, gc, ngc);
		free(gc);
		gc = NULL;
		/* Committed (or not): cached rows of these keys go before any
		 * writer hears back. */
		for (b = batch; b; b = b->next) {
			if (b->op == WOP_PUT)
				objcache_invalidate(m->oc, b->o->bucket, b->o->key, b->klen);
			else if (b->op == WOP_DELETE)
				objcache_invalidate(m->oc, b->bucket, b->key, b->klen);
		}
		/* Synchronous waiters are signalled under qlock, so none can see
		 * done and free its wreq (on its stack) before the signal; next
		 * is read before done is set for the same reason. Callbacks run
		 * after, without the lock (they may queue writes themselves). */
		async = NULL;
		pthread_mutex_lock(&m->qlock);
		for (b = batch; b; b = next) {
			next = b->next;
			if (b->done_fn) {
				b->next = async;
				async = b;
				continue;
			}
			b->done = true;
			pthread_cond_signal(&b->cv);
		}
		pthread_mutex_unlock(&m->qlock);
		for (b = async; b; b = next) {
			next = b->next;
			b->done_fn(b->ctx, b->rc, b->old);
			free(b);
		}
		pthread_mutex_lock(&m->qlock);
	}
	pthread_mutex_unlock(&m->qlock);
	return NULL;
}

static void
wreq_enqueue(struct meta *m, struct wreq *r)
{
	r->rc = ERR_OK;
	r->failed = r->done = false;
	r->next = NULL;
	*m->qtail = r;
	m->qtail = &r->next;
	pthread_cond_signal(&m->qwork);
}

/* Queues r and returns once a batch containing it has committed (or failed). */
static enum err
wreq_submit(struct meta *m, struct wreq *r)
{
	pthread_cond_init(&r->cv, NULL);
	pthread_mutex_lock(&m->qlock);
	wreq_enqueue(m, r);
	while (!r->done)
		pthread_cond_wait(&r->cv, &m->qlock);
	pthread_mutex_unlock(&m->qlock);
	pthread_cond_destroy(&r->cv);
	return r->rc;
}

static enum err
wreq_apply(struct conn *c, struct wreq *r)
{
	sqlite3_stmt *st;
	sqlite3_int64 bid;
	bool found;
	enum err rc;

	switch (r->op) {
	case WOP_PUT:
		rc = bucket_id(c, r->o->bucket, &bid);
		if (rc == ERR_OK)
			rc = object_upsert(c, bid, r->o, r->klen, r->old);
		return rc;
	case WOP_DELETE:
		rc = bucket_id(c, r->bucket, &bid);
		if (rc == ERR_OK)
			rc = object_blob(c, bid, r->key, r->klen, r->old, &found);
		if (rc != ERR_OK || !found)
			return rc;
		rc = stmt(c, ST_OBJ_DEL, &st);
		if (rc != ERR_OK)
			return rc;
		sqlite3_bind_int64(st, 1, bid);
		sq_bind_key(st, 2, r->key, r->klen);
		return sq_step_done(c, st, "object delete");
	case WOP_PART:
		return part_upsert(c, r->upload_id, r->p, r->old);
	}
	return ERR_INTERNAL;
}

enum err
meta_object_put(struct meta *m, const struct meta_object *o, char old_blob[BLOB_ID_LEN + 1])
{
	struct wreq r = {.op = WOP_PUT, .o = o};
	enum err rc;

	old_blob[0] = '\0';
	rc = object_valid(o, &r.klen);
	if (rc != ERR_OK)
		return rc;
	rc = wreq_submit(m, &r);
	if (rc == ERR_OK)
		memcpy(old_blob, r.old, sizeof(r.old));
	return rc;
}

enum err
meta_object_put_async(struct meta *m, const struct meta_object *o, meta_done_fn done, void *ctx)
{
	struct wreq *r;
	size_t klen;
	enum err rc;

	rc = object_valid(o, &klen);
	if (rc != ERR_OK)
		return rc;
	if (!(r = calloc(1, sizeof(*r))))
		return ERR_NOMEM;
	r->op = WOP_PUT;
	r->o = o;
	r->klen = klen;
	r->done_fn = done;
	r->ctx = ctx;
	pthread_mutex_lock(&m->qlock);
	wreq_enqueue(m, r);
	pthread_mutex_unlock(&m->qlock);
	return ERR_OK;
}

enum err
meta_object_delete(struct meta *m, const char *bucket, const char *key,
		   char old_blob[BLOB_ID_LEN + 1])
{
	struct wreq r = {.op = WOP_DELETE, .bucket = bucket, .key = key};
	enum err rc;

	old_blob[0] = '\0';
	r.klen = strnlen(key, META_KEY_MAX + 1);
	if (r.klen > META_KEY_MAX)
		return ERR_OK; /* cannot exist */
	rc = wreq_submit(m, &r);
	if (rc == ERR_OK)
		memcpy(old_blob, r.old, sizeof(r.old));
	return rc;
}

/* The least byte string greater than every string starting with p: p with
 * trailing 0xff bytes dropped and the last byte incremented. false when p
 * is all 0xff (no upper bound). out holds at least n bytes. */
static bool
prefix_successor(const char *p, size_t n, char *out, size_t *outlen)
{
	while (n > 0 && (unsigned char)p[n - 1] == 0xff)
		n--;
	if (n == 0)
		return false;
	memcpy(out, p, n);
	out[n - 1] = (char)((unsigned char)out[n - 1] + 1);
	*outlen = n;
	return true;
}

/* Compares byte strings as SQLite compares BLOBs. */
static int
bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);

	if (r != 0)
		return r;
	return an < bn ? -1 : an > bn;
}

/* The scan is one index range on (bucket_id, key): key >= lo [AND key < hi].
 * "key > after" becomes "key >= after || 0x00", the least string above it,
 * so both bounds are inclusive-low / exclusive-high and only two statement
 * shapes exist. The bucket id is looked up by a separate statement; ids are
 * never reused (AUTOINCREMENT), so a bucket deleted in between yields an
 * empty page, never another bucket's keys. */
enum err
meta_object_scan(struct meta *m, const char *bucket, const char *after, bool inclusive,
		 const char *prefix, size_t limit,
		 int (*fn)(void *ctx, const struct meta_object *o), void *ctx)
{
	enum err rc;
	struct conn *c;
	struct tls *t;
	sqlite3_stmt *st;
	sqlite3_int64 bid;
	struct meta_object o;
	char lo[META_KEY_MAX + 2], hi[META_KEY_MAX + 1];
	size_t lon = 0, hin = 0, pn, an;
	bool has_hi = false;
	int r, stop = 0;

	pn = prefix ? strnlen(prefix, META_KEY_MAX + 1) : 0;
	an = after ? strnlen(after, META_KEY_MAX + 1) : 0;
	if (pn > META_KEY_MAX || an > META_KEY_MAX)
		return ERR_KEY_TOO_LONG;
	rc = sq_conn(m, &c, &t);
	if (rc == ERR_OK)
		rc = bucket_id(c, bucket, &bid);
	if (rc != ERR_OK || limit == 0)
		return rc;
	if (after && bytes_cmp(after, an, prefix ? prefix : "", pn) >= 0) {
		memcpy(lo, after, an);
		lon = an;
		if (!inclusive)
			lo[lon++] = '\0';
	} else if (pn) {
		memcpy(lo, prefix, pn);
		lon = pn;
	}
	if (pn)
		has_hi = prefix_successor(prefix, pn, hi, &hin);
	rc = stmt(c, has_hi ? ST_OBJ_SCAN_HI : ST_OBJ_SCAN, &st);
	if (rc != ERR_OK)
		return rc;
	sqlite3_bind_int64(st, 1, bid);
	sq_bind_key(st, 2, lo, lon);
	sqlite3_bind_int64(st, 3, limit_i64(limit));
	if (has_hi)
		sq_bind_key(st, 4, hi, hin);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		rc = object_row(c, st, bucket, &o);
		if (rc != ERR_OK)
			break;
		t->depth++;
		stop = fn(ctx, &o);
		t->depth--;
		if (stop)
			break;
	}
	if (rc == ERR_OK && !stop && r != SQLITE_DONE)
		rc = sq_fail(c, "object scan", r);
	sqlite3_reset(st);
	return rc;
}

/* ---- multipart uploads ---- */

void
meta_upload_fini(struct meta_upload *u)
{
	free(u->headers);
	u->headers = NULL;
}

static enum err
upload_row(struct conn *c, sqlite3_stmt *st, const char *bucket, struct meta_upload *u)
{
	if (!sq_col_copy(st, 0, u->id, sizeof(u->id), NULL) ||
	    !sq_col_copy(st, 1, u->key, sizeof(u->key), NULL) ||
	    !sq_col_copy(st, 2, u->owner, sizeof(u->owner), NULL))
		return sq_fail(c, "upload: oversized row", SQLITE_CORRUPT);
	strcpy(u->bucket, bucket);
	u->initiated_ms = sqlite3_column_int64(st, 3);
	u->ck_alg = (enum cksum_alg)sqlite3_column_int(st, 4);
	u->ck_type = (enum ck_type)sqlite3_column_int(st, 5);
	u->headers = NULL;
	return ERR_OK;
}

enum err
meta_upload_create(struct meta *m, const struct meta_upload *u)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	sqlite3_int64 bid;
	size_t klen;

	klen = strnlen(u->key, sizeof(u->key));
	if (klen > META_KEY_MAX)
		return ERR_KEY_TOO_LONG;
	if (!sq_fits(u->id, META_UPLOAD_ID_LEN) || !*u->id || !sq_fits(u->owner, META_ACCOUNT_LEN))
		return ERR_INVALID_ARGUMENT;
	rc = sq_conn(m, &c, NULL);
	if (rc != ERR_OK)
		return rc;
	rc = sq_tx_begin(m, c);
	if (rc != ERR_OK)
		return rc;
	rc = bucket_id(c, u->bucket, &bid);
	if (rc == ERR_OK)
		rc = stmt(c, ST_UPLOAD_INS, &st);
	if (rc == ERR_OK) {
		sq_bind_text(st, 1, u->id);
		sqlite3_bind_int64(st, 2, bid);
		sq_bind_key(st, 3, u->key, klen);
		sq_bind_text(st, 4, u->owner);
		sqlite3_bind_int64(st, 5, u->initiated_ms);
		sq_bind_text(st, 6, u->headers && *u->headers ? u->headers : NULL);
		sqlite3_bind_int(st, 7, (int)u->ck_alg);
		sqlite3_bind_int(st, 8, (int)u->ck_type);
		rc = sq_step_done(c, st, "upload insert");
	}
	return sq_tx_end(m, c, rc);
}

enum err
meta_upload_get(struct meta *m, const char *bucket, const char *key, const char *id,
		struct meta_upload *out)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	const char *h;
	size_t klen;
	bool row;

	out->headers = NULL;
	klen = strnlen(key, META_KEY_MAX + 1);
	if (!sq_fits(bucket, META_NAME_MAX) || klen > META_KEY_MAX || !sq_fits(id, META_UPLOAD_ID_LEN))
		return ERR_NO_SUCH_UPLOAD;
	rc = sq_conn(m, &c, NULL);
	if (rc == ERR_OK)
		rc = stmt(c, ST_UPLOAD_GET, &st);
	if (rc != ERR_OK)
		return rc;
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, bucket);
	sq_bind_key(st, 3, key, klen);
	rc = sq_step_one(c, st, "upload get", &row);
	if (rc == ERR_OK && !row)
		rc = ERR_NO_SUCH_UPLOAD;
	if (rc == ERR_OK)
		rc = upload_row(c, st, bucket, out);
	if (rc == ERR_OK) {
		h = (const char *)sqlite3_column_text(st, 6);
		if (h && *h && !(out->headers = strdup(h)))
			rc = ERR_NOMEM;
	}
	sqlite3_reset(st);
	return rc;
}

/* The position after which the listing resumes, as a (key, initiated, id)
 * triple compared as a row value against the (bucket_id, key, initiated_ms,
 * id) index:
 *   no marker             -> (prefix, INT64_MIN, '')
 *   key marker only       -> (key_marker || 0x00, INT64_MIN, '')  = key > marker
 *   key and upload marker -> (key_marker, marker's initiated, id_marker)
 * An upload marker that no longer exists (completed or aborted since the
 * previous page) resumes at the start of key_marker: a client may see an
 * upload twice but never misses one. */
enum err
meta_upload_scan(struct meta *m, const char *bucket, const char *prefix,
		 const char *key_marker, const char *id_marker, size_t limit,
		 int (*fn)(void *ctx, const struct meta_upload *u), void *ctx)
{
	enum err rc;
	struct conn *c;
	struct tls *t;
	sqlite3_stmt *st;
	sqlite3_int64 bid, lo_ms = INT64_MIN;
	struct meta_upload u;
	char lo[META_KEY_MAX + 2], hi[META_KEY_MAX + 1];
	const char *lo_id = "";
	size_t lon = 0, hin = 0, pn, kn;
	bool has_hi = false, row;
	int r, stop = 0;

	pn = prefix ? strnlen(prefix, META_KEY_MAX + 1) : 0;
	kn = key_marker ? strnlen(key_marker, META_KEY_MAX + 1) : 0;
	if (pn > META_KEY_MAX || kn > META_KEY_MAX)
		return ERR_KEY_TOO_LONG;
	if (id_marker && !*id_marker)
		id_marker = NULL;
	if (id_marker && !sq_fits(id_marker, META_UPLOAD_ID_LEN))
		return ERR_INVALID_ARGUMENT;
	rc = sq_conn(m, &c, &t);
	if (rc == ERR_OK)
		rc = bucket_id(c, bucket, &bid);
	if (rc != ERR_OK || limit == 0)
		return rc;
	if (key_marker) {
		memcpy(lo, key_marker, kn);
		lon = kn;
		if (!id_marker) {
			lo[lon++] = '\0';
		} else {
			rc = stmt(c, ST_UPLOAD_MARK, &st);
			if (rc != ERR_OK)
				return rc;
			sqlite3_bind_int64(st, 1, bid);
			sq_bind_key(st, 2, key_marker, kn);
			sq_bind_text(st, 3, id_marker);
			rc = sq_step_one(c, st, "upload marker", &row);
			if (rc == ERR_OK && row) {
				lo_ms = sqlite3_column_int64(st, 0);
				lo_id = id_marker;
			}
			sqlite3_reset(st);
			if (rc != ERR_OK)
				return rc;
		}
	}
	if (pn && bytes_cmp(prefix, pn, lo, lon) > 0) {
		memcpy(lo, prefix, pn);
		lon = pn;
		lo_ms = INT64_MIN;
		lo_id = "";
	}
	if (pn)
		has_hi = prefix_successor(prefix, pn, hi, &hin);
	rc = stmt(c, has_hi ? ST_UPLOAD_SCAN_HI : ST_UPLOAD_SCAN, &st);
	if (rc != ERR_OK)
		return rc;
	sqlite3_bind_int64(st, 1, bid);
	sq_bind_key(st, 2, lo, lon);
	sqlite3_bind_int64(st, 3, lo_ms);
	sq_bind_text(st, 4, lo_id);
	sqlite3_bind_int64(st, 5, limit_i64(limit));
	if (has_hi)
		sq_bind_key(st, 6, hi, hin);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		rc = upload_row(c, st, bucket, &u);
		if (rc != ERR_OK)
			break;
		t->depth++;
		stop = fn(ctx, &u);
		t->depth--;
		if (stop)
			break;
	}
	if (rc == ERR_OK && !stop && r != SQLITE_DONE)
		rc = sq_fail(c, "upload scan", r);
	sqlite3_reset(st);
	return rc;
}

/* rid of upload id, checked against bucket/key when they are given. */
static enum err
upload_rid(struct conn *c, const char *bucket, const char *key, const char *id,
	   sqlite3_int64 *rid)
{
	enum err rc;
	sqlite3_stmt *st;
	size_t klen = 0;
	bool row;

	if (!sq_fits(id, META_UPLOAD_ID_LEN))
		return ERR_NO_SUCH_UPLOAD;
	if (bucket) {
		klen = strnlen(key, META_KEY_MAX + 1);
		if (!sq_fits(bucket, META_NAME_MAX) || klen > META_KEY_MAX)
			return ERR_NO_SUCH_UPLOAD;
	}
	rc = stmt(c, bucket ? ST_UPLOAD_RID_AT : ST_UPLOAD_RID, &st);
	if (rc != ERR_OK)
		return rc;
	sq_bind_text(st, 1, id);
	if (bucket) {
		sq_bind_text(st, 2, bucket);
		sq_bind_key(st, 3, key, klen);
	}
	rc = sq_step_one(c, st, "upload rid", &row);
	if (rc == ERR_OK && !row)
		rc = ERR_NO_SUCH_UPLOAD;
	if (rc == ERR_OK)
		*rid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
}

/* Inside a write transaction: drops upload rid and its parts; the parts'
 * delete trigger queues their blobs. */
static enum err
upload_drop(struct conn *c, sqlite3_int64 rid)
{
	enum err rc;
	sqlite3_stmt *st;

	rc = stmt(c, ST_UPLOAD_DEL_PARTS, &st);
	if (rc != ERR_OK)
		return rc;
	sqlite3_bind_int64(st, 1, rid);
	rc = sq_step_done(c, st, "upload parts delete");
	if (rc != ERR_OK)
		return rc;
	rc = stmt(c, ST_UPLOAD_DEL, &st);
	if (rc != ERR_OK)
		return rc;
	sqlite3_bind_int64(st, 1, rid);
	return sq_step_done(c, st, "upload delete");
}

enum err
meta_upload_abort(struct meta *m, const char *bucket, const char *key, const char *id)
{
	enum err rc;
	struct conn *c;
	sqlite3_int64 rid;

	rc = sq_conn(m, &c, NULL);
	if (rc != ERR_OK)
		return rc;
	rc = sq_tx_begin(m, c);
	if (rc != ERR_OK)
		return rc;
	rc = upload_rid(c, bucket, key, id, &rid);
	if (rc == ERR_OK)
		rc = upload_drop(c, rid);
	return sq_tx_end(m, c, rc);
}

/* Inside a write transaction: upserts part p of upload_id; old receives a
 * replaced blob ("" if none or the same). */
static enum err
part_upsert(struct conn *c, const char *upload_id, const struct meta_part *p,
	    char old[BLOB_ID_LEN + 1])
{
	enum err rc;
	sqlite3_stmt *st;
	sqlite3_int64 rid;
	bool row;

	old[0] = '\0';
	rc = upload_rid(c, NULL, NULL, upload_id, &rid);
	if (rc != ERR_OK)
		return rc;
	rc = stmt(c, ST_PART_BLOB, &st);
	if (rc != ERR_OK)
		return rc;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int(st, 2, p->number);
	rc = sq_step_one(c, st, "part blob", &row);
	if (rc == ERR_OK && row && !sq_col_copy(st, 0, old, BLOB_ID_LEN + 1, NULL))
		rc = sq_fail(c, "part blob: oversized row", SQLITE_CORRUPT);
	sqlite3_reset(st);
	if (rc != ERR_OK)
		return rc;
	if (strcmp(old, p->blob) == 0)
		old[0] = '\0';
	rc = stmt(c, ST_PART_PUT, &st);
	if (rc != ERR_OK)
		return rc;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int(st, 2, p->number);
	sq_bind_text(st, 3, p->blob);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)p->size);
	sq_bind_text(st, 5, p->etag);
	sqlite3_bind_int64(st, 6, p->mtime_ms);
	sq_bind_text(st, 7, p->ck_value);
	return sq_step_done(c, st, "part put");
}

/* Parts of parallel multipart streams commit together (group commit). */
enum err
meta_part_put(struct meta *m, const char *upload_id, const struct meta_part *p,
	      char old_blob[BLOB_ID_LEN + 1])
{
	struct wreq r = {.op = WOP_PART, .upload_id = upload_id, .p = p};
	enum err rc;

	old_blob[0] = '\0';
	if (!valid_blob_id(p->blob) || !sq_fits(p->etag, META_ETAG_MAX) ||
	    !sq_fits(p->ck_value, CKSUM_B64_MAX - 1))
		return ERR_INVALID_ARGUMENT;
	if (p->number < 1 || p->number > 10000)
		return ERR_INVALID_PART_NUMBER;
	rc = wreq_submit(m, &r);
	if (rc == ERR_OK)
		memcpy(old_blob, r.old, sizeof(r.old));
	return rc;
}

enum err
meta_part_scan(struct meta *m, const char *upload_id, int after, size_t limit,
	       int (*fn)(void *ctx, const struct meta_part *p), void *ctx)
{
	enum err rc;
	struct conn *c;
	struct tls *t;
	sqlite3_stmt *st;
	sqlite3_int64 rid;
	struct meta_part p;
	int r, stop = 0;

	rc = sq_conn(m, &c, &t);
	if (rc == ERR_OK)
		rc = upload_rid(c, NULL, NULL, upload_id, &rid);
	if (rc != ERR_OK || limit == 0)
		return rc;
	rc = stmt(c, ST_PART_SCAN, &st);
	if (rc != ERR_OK)
		return rc;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int(st, 2, after);
	sqlite3_bind_int64(st, 3, limit_i64(limit));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		p.number = sqlite3_column_int(st, 0);
		if (!sq_col_copy(st, 1, p.blob, sizeof(p.blob), NULL) ||
		    !sq_col_copy(st, 3, p.etag, sizeof(p.etag), NULL) ||
		    !sq_col_copy(st, 5, p.ck_value, sizeof(p.ck_value), NULL)) {
			rc = sq_fail(c, "part: oversized row", SQLITE_CORRUPT);
			break;
		}
		p.size = (uint64_t)sqlite3_column_int64(st, 2);
		p.mtime_ms = sqlite3_column_int64(st, 4);
		t->depth++;
		stop = fn(ctx, &p);
		t->depth--;
		if (stop)
			break;
	}
	if (rc == ERR_OK && !stop && r != SQLITE_DONE)
		rc = sq_fail(c, "part scan", r);
	sqlite3_reset(st);
	return rc;
}

enum err
meta_upload_complete(struct meta *m, const struct meta_upload *u, const struct meta_object *o)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	sqlite3_int64 rid, bid;
	char old[BLOB_ID_LEN + 1];
	size_t klen;

	rc = object_valid(o, &klen);
	if (rc != ERR_OK)
		return rc;
	rc = sq_conn(m, &c, NULL);
	if (rc != ERR_OK)
		return rc;
	rc = sq_tx_begin(m, c);
	if (rc != ERR_OK)
		return rc;
	rc = upload_rid(c, u->bucket, u->key, u->id, &rid);
	if (rc == ERR_OK)
		rc = bucket_id(c, o->bucket, &bid);
	if (rc == ERR_OK)
		rc = object_upsert(c, bid, o, klen, old);
	if (rc == ERR_OK)
		rc = upload_drop(c, rid);
	/* A caller that made the object from a single part's blob must not
	 * see that blob collected with the parts. */
	if (rc == ERR_OK)
		rc = stmt(c, ST_GC_UNQUEUE, &st);
	if (rc == ERR_OK) {
		sq_bind_text(st, 1, o->blob);
		rc = sq_step_done(c, st, "gc unqueue");
	}
	rc = sq_tx_end(m, c, rc);
	objcache_invalidate(m->oc, o->bucket, o->key, klen);
	return rc;
}

/* ---- blob garbage list ---- */

enum err
meta_blob_referenced(struct meta *m, const char *id, bool *yes)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	bool row;

	*yes = false;
	if (!valid_blob_id(id))
		return ERR_OK;
	rc = sq_conn(m, &c, NULL);
	if (rc == ERR_OK)
		rc = stmt(c, ST_BLOB_REF, &st);
	if (rc != ERR_OK)
		return rc;
	sq_bind_text(st, 1, id);
	rc = sq_step_one(c, st, "blob referenced", &row);
	if (rc == ERR_OK)
		*yes = row && sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	return rc;
}

/* Ids are read out before fn runs: fn is expected to call meta_gc_done,
 * and a write under a live read of the same table on the same connection
 * would need a transaction upgrade that concurrent writers can make fail. */
enum err
meta_gc_scan(struct meta *m, size_t limit, void (*fn)(void *ctx, const char *id), void *ctx)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	char (*ids)[BLOB_ID_LEN + 1] = NULL;
	size_t n = 0, cap = 0, i;
	int r;

	rc = sq_conn(m, &c, NULL);
	if (rc == ERR_OK)
		rc = stmt(c, ST_GC_SCAN, &st);
	if (rc != ERR_OK || limit == 0)
		return rc;
	sqlite3_bind_int64(st, 1, limit_i64(limit));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			void *p = realloc(ids, ncap * sizeof(*ids));

			if (!p) {
				rc = ERR_NOMEM;
				break;
			}
			ids = p;
			cap = ncap;
		}
		/* Only well-formed ids reach the blob store. */
		if (sq_col_copy(st, 0, ids[n], sizeof(ids[n]), NULL) && valid_blob_id(ids[n]))
			n++;
	}
	if (rc == ERR_OK && r != SQLITE_DONE)
		rc = sq_fail(c, "gc scan", r);
	sqlite3_reset(st);
	for (i = 0; rc == ERR_OK && i < n; i++)
		fn(ctx, ids[i]);
	free(ids);
	return rc;
}

enum err
meta_gc_done(struct meta *m, const char *id)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;

	rc = sq_conn(m, &c, NULL);
	if (rc == ERR_OK)
		rc = stmt(c, ST_GC_DONE, &st);
	if (rc != ERR_OK)
		return rc;
	sq_bind_text(st, 1, id);
	pthread_mutex_lock(&m->wlock);
	rc = sq_step_done(c, st, "gc done");
	pthread_mutex_unlock(&m->wlock);
	return rc;
}

/* Overwrites call this after unlinking the replaced blob: waiting for a
 * transaction of its own would cost every such PUT another WAL fsync. */
void
meta_gc_done_later(struct meta *m, const char *id)
{
	if (!valid_blob_id(id))
		return;
	pthread_mutex_lock(&m->qlock);
	if (m->ngc_later < GC_LATER_MAX) {
		memcpy(m->gc_later[m->ngc_later++], id, BLOB_ID_LEN + 1);
		id = NULL;
	}
	pthread_mutex_unlock(&m->qlock);
	if (id)
		meta_gc_done(m, id);
}

/* ---- bucket policies ---- */

static const char sql_bpol_get[] =
	"SELECT b.id, p.document FROM buckets b LEFT JOIN bucket_policies p ON p.bucket_id = b.id"
	" WHERE b.name = ?1";
static const char sql_bpol_put[] =
	"INSERT INTO bucket_policies(bucket_id, document, updated_ms) VALUES (?1, ?2, ?3)"
	" ON CONFLICT(bucket_id) DO UPDATE SET document = excluded.document,"
	" updated_ms = excluded.updated_ms";
static const char sql_bpol_del[] = "DELETE FROM bucket_policies WHERE bucket_id = ?1";

enum err
meta_bucket_policy_get(struct meta *m, const char *bucket, char **doc)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	const char *d;
	bool row;

	*doc = NULL;
	if (!sq_fits(bucket, META_NAME_MAX))
		return ERR_NO_SUCH_BUCKET;
	rc = sq_conn(m, &c, NULL);
	if (rc == ERR_OK)
		rc = sq_prep(c, sql_bpol_get, &st);
	if (rc != ERR_OK)
		return rc;
	sq_bind_text(st, 1, bucket);
	rc = sq_step_one(c, st, "bucket policy get", &row);
	if (rc == ERR_OK && !row)
		rc = ERR_NO_SUCH_BUCKET;
	if (rc == ERR_OK && (d = (const char *)sqlite3_column_text(st, 1)) && !(*doc = strdup(d)))
		rc = ERR_NOMEM;
	sqlite3_reset(st);
	return rc;
}

enum err
meta_bucket_policy_put(struct meta *m, const char *bucket, const char *doc, int64_t now)
{
	enum err rc;
	struct conn *c;
	sqlite3_stmt *st;
	sqlite3_int64 bid;

	if (!sq_fits(bucket, META_NAME_MAX))
		return ERR_NO_SUCH_BUCKET;
	if ((rc = sq_conn(m, &c, NULL)) || (rc = sq_tx_begin(m, c)))
		return rc;
	rc = bucket_id(c, bucket, &bid);
	if (rc == ERR_OK)
		rc = sq_prep(c, doc ? sql_bpol_put : sql_bpol_del, &st);
	if (rc == ERR_OK) {
		sqlite3_bind_int64(st, 1, bid);
		if (doc) {
			sq_bind_text(st, 2, doc);
			sqlite3_bind_int64(st, 3, now);
		}
		rc = sq_step_done(c, st, "bucket policy put");
	}
	return sq_tx_end(m, c, rc);
}

/* ---- master key rotation ---- */

static const char sql_keys_all[] = "SELECT akid, secret FROM access_keys";
static const char sql_key_reseal[] = "UPDATE access_keys SET secret = ?2 WHERE akid = ?1";

enum err
meta_keys_reseal(struct meta *m,
		 enum err (*fn)(void *ctx, const char *akid, const uint8_t *in, size_t n, uint8_t *out,
				size_t *outlen),
		 void *ctx, size_t *count)
{
	struct conn *c;
	sqlite3_stmt *all, *up;
	uint8_t out[META_SEALED_MAX];
	enum err rc;
	int r;

	*count = 0;
	if ((rc = sq_conn(m, &c, NULL)) || (rc = sq_tx_begin(m, c)))
		return rc;
	if ((rc = sq_prep(c, sql_keys_all, &all)) || (rc = sq_prep(c, sql_key_reseal, &up)))
		return sq_tx_end(m, c, rc);
	while (rc == ERR_OK && (r = sqlite3_step(all)) == SQLITE_ROW) {
		const char *akid = (const char *)sqlite3_column_text(all, 0);
		size_t n = (size_t)sqlite3_column_bytes(all, 1), outlen = 0;
		if (n > META_SEALED_MAX || !akid) {
			rc = ERR_INTERNAL;
			break;
		}
		if ((rc = fn(ctx, akid, sqlite3_column_blob(all, 1), n, out, &outlen)))
			break;
		sq_bind_text(up, 1, akid);
		sqlite3_bind_blob(up, 2, out, (int)outlen, SQLITE_TRANSIENT);
		rc = sq_step_done(c, up, "key reseal");
		(*count)++;
	}
	sqlite3_reset(all);
	return sq_tx_end(m, c, rc);
}
