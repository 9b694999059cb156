/* sqlite_int.h - internals shared by the SQLite store files (sqlite.c for
 * buckets/objects/keys, iam_*_sqlite.c for IAM entities). Private to
 * src/store/meta: nothing else includes it or sqlite3.h. */
#ifndef COFFER_SQLITE_INT_H
#define COFFER_SQLITE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include "store/meta/meta.h"
#include "store/meta/objcache.h"

/* A scan callback may call back into meta; each level gets its own
 * connection so that a write never has to upgrade the read transaction of
 * the statement still being stepped below it. */
#define MAX_DEPTH 4
#define SQ_MAX_EXTRA 128
#define ST__COUNT_MAX 128

enum { SQ_ST_COUNT = ST__COUNT_MAX };

struct conn {
	sqlite3 *db;
	sqlite3_stmt *st[SQ_ST_COUNT]; /* sqlite.c's own, by enum stmt_id */
	/* statements of the other store files, cached by their SQL's address */
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} x[SQ_MAX_EXTRA];
	int nx;
};

/* Per (thread, meta): connections by callback nesting depth. */
struct tls {
	struct meta *m;
	struct tls *prev, *next;
	int depth;
	struct conn *c[MAX_DEPTH];
};

struct wreq; /* a queued object/part write, see sqlite.c "group commit" */

/* gc ids whose files are gone, dropped from the gc table by the next batch */
#define GC_LATER_MAX 1024

struct meta {
	char *path;
	pthread_key_t key;
	pthread_mutex_t lock;  /* guards the tls list */
	pthread_mutex_t wlock; /* one writer of this process at a time */
	struct tls *all;
	/* Group commit: writes queue here and one of their threads, the
	 * leader, commits them all in one transaction (one WAL fsync). */
	pthread_mutex_t qlock; /* guards everything below (each waiter has its own condition) */
	struct wreq *qhead, **qtail;
	bool qbusy; /* a leader is running a batch */
	size_t ngc_later;
	char gc_later[GC_LATER_MAX][BLOB_ID_LEN + 1];
	struct objcache *oc; /* hot object rows; see objcache.h */
	struct conn *wconn;  /* the group commit leader's connection */
};


/* SQLite result -> enum err, logging what failed (never a bound value). */
enum err sq_fail(struct conn *c, const char *what, int rc);
/* The calling thread's connection (for its nesting depth). */
enum err sq_conn(struct meta *m, struct conn **out, struct tls **tp);
/* A cached prepared statement for a static SQL string (cached by address). */
enum err sq_prep(struct conn *c, const char *sql, sqlite3_stmt **out);
/* One IMMEDIATE write transaction of this process at a time. */
enum err sq_tx_begin(struct meta *m, struct conn *c);
/* Commits when rc is ERR_OK, rolls back otherwise; returns the outcome. */
enum err sq_tx_end(struct meta *m, struct conn *c, enum err rc);
/* Steps st: *row true when a row is there (the caller resets st). */
enum err sq_step_one(struct conn *c, sqlite3_stmt *st, const char *what, bool *row);
/* Steps st to completion and resets it. */
enum err sq_step_done(struct conn *c, sqlite3_stmt *st, const char *what);
/* Binds a NUL-terminated string (NULL binds NULL). */
int sq_bind_text(sqlite3_stmt *st, int i, const char *s);
int sq_bind_key(sqlite3_stmt *st, int i, const void *k, size_t n);
/* Copies column i into dst (cap bytes incl. NUL); false when it does not fit. */
bool sq_col_copy(sqlite3_stmt *st, int i, char *dst, size_t cap, size_t *len);
/* strlen(s) <= max */
bool sq_fits(const char *s, size_t max);

#endif
