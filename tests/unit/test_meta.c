/* test_meta.c - unit tests of the SQLite metadata store (store/meta/sqlite.c)
 * through meta.h only; sqlite3 is used directly just to inspect what the
 * store wrote and to bulk-load 100,000 rows. Each test gets a fresh temp
 * directory. Prints a few measured figures (puts/s, scan times). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ftw.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "store/meta/meta.h"

static char root[512];
static char dbpath[600];

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static int
setup(void **state)
{
	const char *t = getenv("TMPDIR");
	struct meta *m = NULL;

	snprintf(root, sizeof(root), "%s/coffer-meta-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(root))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/meta.db", root);
	if (meta_open(dbpath, &m) != ERR_OK)
		return -1;
	*state = m;
	return 0;
}

static int
teardown(void **state)
{
	meta_close(*state);
	return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A well-formed, recognisable blob id from a number. */
static void
bid(char out[BLOB_ID_LEN + 1], unsigned long long n)
{
	snprintf(out, BLOB_ID_LEN + 1, "%032llx", n);
}

static void
mk_bucket(struct meta *m, const char *name, const char *acct)
{
	struct meta_bucket b = {.created_ms = 1000};

	strcpy(b.name, name);
	strcpy(b.account, acct);
	strcpy(b.region, "us-east-1");
	assert_int_equal(meta_bucket_create(m, &b), ERR_OK);
}

static void
obj_init(struct meta_object *o, const char *bucket, const char *key, unsigned long long blob)
{
	memset(o, 0, sizeof(*o));
	strcpy(o->bucket, bucket);
	strcpy(o->key, key);
	o->key_len = strlen(key);
	bid(o->blob, blob);
	o->size = 10 + blob;
	snprintf(o->etag, sizeof(o->etag), "%032llx", blob * 3);
	o->mtime_ms = 5000 + (int64_t)blob;
	strcpy(o->owner, "111122223333");
}

static enum err
put(struct meta *m, const char *bucket, const char *key, unsigned long long blob,
    char old[BLOB_ID_LEN + 1])
{
	struct meta_object o;
	char dummy[BLOB_ID_LEN + 1];

	obj_init(&o, bucket, key, blob);
	return meta_object_put(m, &o, old ? old : dummy);
}

/* ---- gc list helpers ---- */

struct idset {
	char ids[256][BLOB_ID_LEN + 1];
	int n;
};

static void
gc_collect(void *ctx, const char *id)
{
	struct idset *s = ctx;

	assert_true(s->n < 256);
	strcpy(s->ids[s->n++], id);
}

static bool
gc_has(struct meta *m, unsigned long long n)
{
	struct idset s = {.n = 0};
	char id[BLOB_ID_LEN + 1];
	int i;

	bid(id, n);
	assert_int_equal(meta_gc_scan(m, 1000, gc_collect, &s), ERR_OK);
	for (i = 0; i < s.n; i++)
		if (!strcmp(s.ids[i], id))
			return true;
	return false;
}

static int
gc_count(struct meta *m)
{
	struct idset s = {.n = 0};

	assert_int_equal(meta_gc_scan(m, 1000, gc_collect, &s), ERR_OK);
	return s.n;
}

/* ---- accounts and keys ---- */

static void
bootstrap(struct meta *m)
{
	struct meta_account a = {.created_ms = 42};
	struct meta_key k = {.active = true, .created_ms = 43, .sealed_len = 60};
	size_t i;

	strcpy(a.id, "111122223333");
	strcpy(a.root_user, "root");
	strcpy(k.akid, "AKIAROOTKEY000000001");
	for (i = 0; i < k.sealed_len; i++)
		k.sealed[i] = (uint8_t)(i * 13);
	assert_int_equal(meta_bootstrap(m, &a, &k), ERR_OK);
}

/* last_used_* of akid as stored, read behind the store's back. */
static int64_t
last_used(const char *akid, char region[32])
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT last_used_ms, last_used_region FROM"
						" access_keys WHERE akid = ?", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, akid, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		v = sqlite3_column_int64(st, 0);
		snprintf(region, 32, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
test_bootstrap_and_keys(void **state)
{
	struct meta *m = *state;
	struct meta_account a;
	struct meta_key k;
	char region[32], longid[300];
	bool found = true;
	size_t i;

	assert_int_equal(meta_account_get(m, &a, &found), ERR_OK);
	assert_false(found);
	bootstrap(m);
	assert_int_equal(meta_account_get(m, &a, &found), ERR_OK);
	assert_true(found);
	assert_string_equal(a.id, "111122223333");
	assert_string_equal(a.root_user, "root");
	assert_int_equal(a.created_ms, 42);

	assert_int_equal(meta_key_get(m, "AKIAROOTKEY000000001", &k), ERR_OK);
	assert_string_equal(k.akid, "AKIAROOTKEY000000001");
	assert_string_equal(k.account, "111122223333");
	assert_string_equal(k.user, "root");
	assert_true(k.is_root);
	assert_true(k.active);
	assert_int_equal(k.sealed_len, 60);
	for (i = 0; i < 60; i++)
		assert_int_equal(k.sealed[i], (uint8_t)(i * 13));
	assert_int_equal(k.created_ms, 43);
	assert_int_equal(meta_key_get(m, "AKIANOPE", &k), ERR_INVALID_ACCESS_KEY);
	memset(longid, 'A', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	assert_int_equal(meta_key_get(m, longid, &k), ERR_INVALID_ACCESS_KEY);

	/* a second bootstrap collides and changes nothing */
	{
		struct meta_account a2 = {.created_ms = 1};
		struct meta_key k2 = {.active = true, .sealed_len = 1};

		strcpy(a2.id, "111122223333");
		strcpy(a2.root_user, "other");
		strcpy(k2.akid, "AKIAOTHER");
		assert_int_equal(meta_bootstrap(m, &a2, &k2), ERR_INVALID_ARGUMENT);
		assert_int_equal(meta_key_get(m, "AKIAOTHER", &k), ERR_INVALID_ACCESS_KEY);
	}

	/* touch: written, then coalesced for 60 s unless service/region change */
	assert_int_equal(last_used("AKIAROOTKEY000000001", region), -1);
	assert_int_equal(meta_key_touch(m, "AKIAROOTKEY000000001", 1000000, "s3", "us-east-1"),
			 ERR_OK);
	assert_int_equal(last_used("AKIAROOTKEY000000001", region), 1000000);
	assert_string_equal(region, "us-east-1");
	assert_int_equal(meta_key_touch(m, "AKIAROOTKEY000000001", 1059999, "s3", "us-east-1"),
			 ERR_OK);
	assert_int_equal(last_used("AKIAROOTKEY000000001", region), 1000000);
	assert_int_equal(meta_key_touch(m, "AKIAROOTKEY000000001", 1010000, "s3", "eu-west-1"),
			 ERR_OK);
	assert_int_equal(last_used("AKIAROOTKEY000000001", region), 1010000);
	assert_string_equal(region, "eu-west-1");
	assert_int_equal(meta_key_touch(m, "AKIAROOTKEY000000001", 1070000, "s3", "eu-west-1"),
			 ERR_OK);
	assert_int_equal(last_used("AKIAROOTKEY000000001", region), 1070000);
	assert_int_equal(meta_key_touch(m, "AKIANOPE", 1, "s3", "x"), ERR_INVALID_ACCESS_KEY);

	/* cost of the coalesced (common) path */
	{
		double t0 = now_s(), dt;
		int n;

		for (n = 0; n < 20000; n++)
			meta_key_touch(m, "AKIAROOTKEY000000001", 1070001, "s3", "eu-west-1");
		dt = now_s() - t0;
		printf("  key_touch (coalesced): %.2f us/call\n", dt / 20000 * 1e6);
	}
}

/* ---- buckets ---- */

struct names {
	char v[8][META_NAME_MAX + 1];
	int n, stop_after;
};

static int
collect_bucket(void *ctx, const struct meta_bucket *b)
{
	struct names *s = ctx;

	strcpy(s->v[s->n++], b->name);
	return s->stop_after && s->n >= s->stop_after;
}

static void
test_buckets(void **state)
{
	struct meta *m = *state;
	struct meta_bucket b = {.created_ms = 7}, got;
	struct names s = {.n = 0};
	struct meta_upload u = {.initiated_ms = 1};
	struct meta_part p = {.number = 1, .size = 5};
	char old[BLOB_ID_LEN + 1];

	bootstrap(m);
	strcpy(b.name, "bkt");
	strcpy(b.account, "111122223333");
	strcpy(b.region, "eu-central-1");
	assert_int_equal(meta_bucket_create(m, &b), ERR_OK);
	assert_int_equal(meta_bucket_create(m, &b), ERR_BUCKET_OWNED);
	strcpy(b.account, "999988887777");
	assert_int_equal(meta_bucket_create(m, &b), ERR_BUCKET_EXISTS);

	assert_int_equal(meta_bucket_get(m, "bkt", &got), ERR_OK);
	assert_string_equal(got.name, "bkt");
	assert_string_equal(got.account, "111122223333");
	assert_string_equal(got.region, "eu-central-1");
	assert_int_equal(got.created_ms, 7);
	assert_int_equal(meta_bucket_get(m, "bkt", NULL), ERR_OK);
	assert_int_equal(meta_bucket_get(m, "nope", NULL), ERR_NO_SUCH_BUCKET);

	mk_bucket(m, "zeta", "111122223333");
	mk_bucket(m, "alpha", "111122223333");
	mk_bucket(m, "other", "999988887777");
	assert_int_equal(meta_bucket_list(m, "111122223333", collect_bucket, &s), ERR_OK);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[0], "alpha");
	assert_string_equal(s.v[1], "bkt");
	assert_string_equal(s.v[2], "zeta");
	s.n = 0;
	s.stop_after = 1;
	assert_int_equal(meta_bucket_list(m, "111122223333", collect_bucket, &s), ERR_OK);
	assert_int_equal(s.n, 1);

	/* not empty while an object remains */
	assert_int_equal(put(m, "bkt", "k", 1, NULL), ERR_OK);
	assert_int_equal(meta_bucket_delete(m, "bkt"), ERR_BUCKET_NOT_EMPTY);
	assert_int_equal(meta_object_delete(m, "bkt", "k", old), ERR_OK);

	/* uploads in progress go with the bucket, their parts to gc */
	strcpy(u.id, "upload-in-bkt");
	strcpy(u.bucket, "bkt");
	strcpy(u.key, "big");
	strcpy(u.owner, "111122223333");
	assert_int_equal(meta_upload_create(m, &u), ERR_OK);
	bid(p.blob, 77);
	strcpy(p.etag, "e");
	assert_int_equal(meta_part_put(m, "upload-in-bkt", &p, old), ERR_OK);
	assert_int_equal(meta_bucket_delete(m, "bkt"), ERR_OK);
	assert_true(gc_has(m, 77));
	assert_int_equal(meta_upload_get(m, "bkt", "big", "upload-in-bkt", &u), ERR_NO_SUCH_UPLOAD);
	assert_int_equal(meta_bucket_get(m, "bkt", NULL), ERR_NO_SUCH_BUCKET);
	assert_int_equal(meta_bucket_delete(m, "bkt"), ERR_NO_SUCH_BUCKET);

	/* the name is free again, and the new bucket starts empty */
	mk_bucket(m, "bkt", "999988887777");
	assert_int_equal(meta_bucket_delete(m, "bkt"), ERR_OK);
}

/* ---- objects ---- */

static void
test_objects(void **state)
{
	struct meta *m = *state;
	struct meta_object o, got;
	char old[BLOB_ID_LEN + 1], id[BLOB_ID_LEN + 1], longkey[META_KEY_MAX + 2];
	bool yes;

	bootstrap(m);
	assert_int_equal(put(m, "nobucket", "k", 1, old), ERR_NO_SUCH_BUCKET);
	mk_bucket(m, "b", "111122223333");

	obj_init(&o, "b", "dir/key.txt", 1);
	o.headers = "content-type:text/plain\nx-amz-meta-a:b\n";
	o.ck_alg = CK_CRC32C;
	o.ck_type = CKT_FULL_OBJECT;
	strcpy(o.ck_value, "yZRlqg==");
	o.parts = 0;
	assert_int_equal(meta_object_put(m, &o, old), ERR_OK);
	assert_string_equal(old, "");

	assert_int_equal(meta_object_get(m, "b", "dir/key.txt", &got), ERR_OK);
	assert_string_equal(got.bucket, "b");
	assert_string_equal(got.key, "dir/key.txt");
	assert_int_equal(got.key_len, 11);
	assert_string_equal(got.blob, o.blob);
	assert_int_equal(got.size, o.size);
	assert_string_equal(got.etag, o.etag);
	assert_int_equal(got.mtime_ms, o.mtime_ms);
	assert_string_equal(got.owner, "111122223333");
	assert_string_equal(got.headers, o.headers);
	assert_int_equal(got.ck_alg, CK_CRC32C);
	assert_int_equal(got.ck_type, CKT_FULL_OBJECT);
	assert_string_equal(got.ck_value, "yZRlqg==");
	meta_object_fini(&got);
	assert_null(got.headers);

	/* replace: the old blob is returned and queued in the same transaction */
	assert_false(gc_has(m, 1));
	assert_int_equal(put(m, "b", "dir/key.txt", 2, old), ERR_OK);
	bid(id, 1);
	assert_string_equal(old, id);
	assert_true(gc_has(m, 1));
	assert_int_equal(meta_object_get(m, "b", "dir/key.txt", &got), ERR_OK);
	bid(id, 2);
	assert_string_equal(got.blob, id);
	assert_null(got.headers);
	assert_int_equal(got.ck_alg, CK_NONE);
	meta_object_fini(&got);
	/* same blob again (metadata-only rewrite): nothing to collect */
	assert_int_equal(put(m, "b", "dir/key.txt", 2, old), ERR_OK);
	assert_string_equal(old, "");
	assert_false(gc_has(m, 2));

	assert_int_equal(meta_blob_referenced(m, id, &yes), ERR_OK);
	assert_true(yes);
	bid(id, 1);
	assert_int_equal(meta_blob_referenced(m, id, &yes), ERR_OK);
	assert_false(yes);

	/* delete */
	assert_int_equal(meta_object_delete(m, "b", "dir/key.txt", old), ERR_OK);
	bid(id, 2);
	assert_string_equal(old, id);
	assert_true(gc_has(m, 2));
	assert_int_equal(meta_object_get(m, "b", "dir/key.txt", &got), ERR_NO_SUCH_KEY);
	assert_int_equal(meta_object_delete(m, "b", "dir/key.txt", old), ERR_OK);
	assert_string_equal(old, "");
	assert_int_equal(meta_object_get(m, "nobucket", "k", &got), ERR_NO_SUCH_BUCKET);
	assert_int_equal(meta_object_delete(m, "nobucket", "k", old), ERR_NO_SUCH_BUCKET);

	/* gc done */
	assert_int_equal(gc_count(m), 2);
	bid(id, 1);
	assert_int_equal(meta_gc_done(m, id), ERR_OK);
	assert_false(gc_has(m, 1));
	assert_int_equal(gc_count(m), 1);

	/* limits and bad input */
	memset(longkey, 'k', META_KEY_MAX);
	longkey[META_KEY_MAX] = '\0';
	assert_int_equal(put(m, "b", longkey, 9, old), ERR_OK);
	assert_int_equal(meta_object_get(m, "b", longkey, &got), ERR_OK);
	assert_int_equal(got.key_len, META_KEY_MAX);
	meta_object_fini(&got);
	longkey[META_KEY_MAX] = 'k';
	longkey[META_KEY_MAX + 1] = '\0';
	assert_int_equal(meta_object_get(m, "b", longkey, &got), ERR_KEY_TOO_LONG);
	obj_init(&o, "b", "x", 3);
	strcpy(o.blob, "../../etc/passwd");
	assert_int_equal(meta_object_put(m, &o, old), ERR_INVALID_ARGUMENT);
	/* keys are bytes: any UTF-8, case matters */
	assert_int_equal(put(m, "b", "caf\xc3\xa9/\xe2\x98\x83", 4, old), ERR_OK);
	assert_int_equal(meta_object_get(m, "b", "caf\xc3\xa9/\xe2\x98\x83", &got), ERR_OK);
	meta_object_fini(&got);
	assert_int_equal(meta_object_get(m, "b", "CAF\xc3\xa9/\xe2\x98\x83", &got),
			 ERR_NO_SUCH_KEY);
}

/* ---- scans ---- */

static const char *const scan_keys[] = {
	"a", "a/", "a/b", "a/b/c", "a0", "a\x01", "a\x1f", "a ", "a!", "a.", "a\x7f",
	"a\x7f\x7f", "ab", "b", "\x01", "\x01\x01", "\x7f", "A", "Z", "~", "caf\xc3\xa9",
	"caf\xc3\xa9s", "cafe", "\xc3\xa9", "\xff", "\xff\xff", "\xff" "a", "x/y/z", "",
};
#define NKEYS (sizeof(scan_keys) / sizeof(scan_keys[0]))

struct scan_out {
	char keys[NKEYS][16];
	size_t n, stop_after;
};

static int
collect_obj(void *ctx, const struct meta_object *o)
{
	struct scan_out *s = ctx;

	assert_true(s->n < NKEYS);
	assert_int_equal(strlen(o->key), o->key_len);
	assert_null(o->headers);
	strcpy(s->keys[s->n++], o->key);
	return s->stop_after && s->n >= s->stop_after;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Checks one scan against a brute-force model (strcmp orders by unsigned
 * bytes, exactly as SQLite orders BLOBs). */
static void
check_scan(struct meta *m, const char *const *sorted, size_t nsorted, const char *after,
	   bool inclusive, const char *prefix, size_t limit)
{
	struct scan_out got = {.n = 0};
	const char *want[NKEYS];
	size_t nw = 0, i;

	for (i = 0; i < nsorted && nw < limit; i++) {
		const char *k = sorted[i];

		if (prefix && strncmp(k, prefix, strlen(prefix)) != 0)
			continue;
		if (after && (inclusive ? strcmp(k, after) < 0 : strcmp(k, after) <= 0))
			continue;
		want[nw++] = k;
	}
	assert_int_equal(meta_object_scan(m, "s", after, inclusive, prefix, limit, collect_obj,
					  &got),
			 ERR_OK);
	if (got.n != nw)
		fail_msg("after=%s incl=%d prefix=%s limit=%zu: got %zu want %zu",
			 after ? after : "(null)", inclusive, prefix ? prefix : "(null)", limit,
			 got.n, nw);
	for (i = 0; i < nw; i++)
		assert_string_equal(got.keys[i], want[i]);
}

static void
test_scans(void **state)
{
	static const char *const probes[] = {
		NULL, "", "a", "a/", "a/b", "a0", "a\x01", "a\x7f", "a.", "b", "\x01", "\x7f",
		"\xc3", "caf", "caf\xc3", "\xff", "\xff\xff", "zz", "a/b/c/d", "\x7f\x7f",
	};
	static const size_t limits[] = {1, 2, 3, 1000};
	struct meta *m = *state;
	const char *sorted[NKEYS];
	struct scan_out got = {.n = 0};
	size_t i, a, p, l;
	int incl;

	bootstrap(m);
	mk_bucket(m, "s", "111122223333");
	mk_bucket(m, "t", "111122223333");
	for (i = 0; i < NKEYS; i++) {
		assert_int_equal(put(m, "s", scan_keys[i], i + 1, NULL), ERR_OK);
		sorted[i] = scan_keys[i];
	}
	/* a neighbour bucket must never leak into the range */
	assert_int_equal(put(m, "t", "a/", 999, NULL), ERR_OK);
	assert_int_equal(put(m, "t", "", 998, NULL), ERR_OK);
	qsort(sorted, NKEYS, sizeof(sorted[0]), cmp_str);

	/* the examples of the brief, explicitly */
	assert_int_equal(meta_object_scan(m, "s", NULL, false, "a/", 1000, collect_obj, &got),
			 ERR_OK);
	assert_int_equal(got.n, 3);
	assert_string_equal(got.keys[0], "a/");
	assert_string_equal(got.keys[1], "a/b");
	assert_string_equal(got.keys[2], "a/b/c");
	got.n = 0;
	assert_int_equal(meta_object_scan(m, "s", "a/", false, "a", 3, collect_obj, &got), ERR_OK);
	assert_int_equal(got.n, 3);
	assert_string_equal(got.keys[0], "a/b");
	assert_string_equal(got.keys[1], "a/b/c");
	assert_string_equal(got.keys[2], "a0");
	got.n = 0;
	got.stop_after = 2;
	assert_int_equal(meta_object_scan(m, "s", NULL, false, NULL, 1000, collect_obj, &got),
			 ERR_OK);
	assert_int_equal(got.n, 2);
	assert_string_equal(got.keys[0], "");
	assert_string_equal(got.keys[1], "\x01");
	got.n = 0;
	got.stop_after = 0;
	assert_int_equal(meta_object_scan(m, "s", NULL, false, NULL, 0, collect_obj, &got),
			 ERR_OK);
	assert_int_equal(got.n, 0);
	assert_int_equal(meta_object_scan(m, "nope", NULL, false, NULL, 10, collect_obj, &got),
			 ERR_NO_SUCH_BUCKET);

	/* and every combination against the model */
	for (a = 0; a < sizeof(probes) / sizeof(probes[0]); a++)
		for (incl = 0; incl < 2; incl++)
			for (p = 0; p < sizeof(probes) / sizeof(probes[0]); p++)
				for (l = 0; l < sizeof(limits) / sizeof(limits[0]); l++)
					check_scan(m, sorted, NKEYS, probes[a], incl, probes[p],
						   limits[l]);
}

/* A scan callback may read and write through meta on the same thread. */
struct reenter {
	struct meta *m;
	int seen;
};

static int
reenter_cb(void *ctx, const struct meta_object *o)
{
	struct reenter *r = ctx;
	struct meta_object got;
	char old[BLOB_ID_LEN + 1];

	assert_int_equal(meta_object_get(r->m, o->bucket, o->key, &got), ERR_OK);
	assert_string_equal(got.blob, o->blob);
	meta_object_fini(&got);
	assert_int_equal(meta_object_delete(r->m, o->bucket, o->key, old), ERR_OK);
	assert_string_equal(old, o->blob);
	r->seen++;
	return 0;
}

static void
test_scan_reentrant(void **state)
{
	struct meta *m = *state;
	struct reenter r = {.m = m};
	struct scan_out got = {.n = 0};
	char k[16];
	int i;

	bootstrap(m);
	mk_bucket(m, "r", "111122223333");
	for (i = 0; i < 50; i++) {
		snprintf(k, sizeof(k), "k%03d", i);
		assert_int_equal(put(m, "r", k, (unsigned long long)i + 1, NULL), ERR_OK);
	}
	assert_int_equal(meta_object_scan(m, "r", NULL, false, NULL, 1000, reenter_cb, &r),
			 ERR_OK);
	assert_int_equal(r.seen, 50);
	assert_int_equal(meta_object_scan(m, "r", NULL, false, NULL, 1000, collect_obj, &got),
			 ERR_OK);
	assert_int_equal(got.n, 0);
	assert_int_equal(gc_count(m), 50);
}

/* ---- multipart ---- */

struct up_out {
	char v[16][40];
	int n;
};

static int
collect_upload(void *ctx, const struct meta_upload *u)
{
	struct up_out *s = ctx;

	assert_null(u->headers);
	snprintf(s->v[s->n++], 40, "%.16s/%.16s", u->key, u->id);
	return 0;
}

static void
mk_upload(struct meta *m, const char *key, const char *id, int64_t t)
{
	struct meta_upload u = {.initiated_ms = t, .ck_alg = CK_SHA256, .ck_type = CKT_COMPOSITE};

	strcpy(u.id, id);
	strcpy(u.bucket, "mp");
	strcpy(u.key, key);
	strcpy(u.owner, "111122223333");
	assert_int_equal(meta_upload_create(m, &u), ERR_OK);
}

static void
expect_uploads(struct meta *m, const char *prefix, const char *km, const char *im, size_t limit,
	       const char *want)
{
	struct up_out s = {.n = 0};
	char line[512] = "";
	int i;

	assert_int_equal(meta_upload_scan(m, "mp", prefix, km, im, limit, collect_upload, &s),
			 ERR_OK);
	for (i = 0; i < s.n; i++) {
		if (i)
			strcat(line, " ");
		strcat(line, s.v[i]);
	}
	assert_string_equal(line, want);
}

static void
test_upload_scan_order(void **state)
{
	struct meta *m = *state;

	bootstrap(m);
	mk_bucket(m, "mp", "111122223333");
	mk_upload(m, "k1", "u3", 100);
	mk_upload(m, "k1", "u1", 200);
	mk_upload(m, "k1", "u2", 200);
	mk_upload(m, "k0", "u9", 300);
	mk_upload(m, "k2", "u5", 50);
	mk_upload(m, "j", "u7", 10);

	expect_uploads(m, NULL, NULL, NULL, 100, "j/u7 k0/u9 k1/u3 k1/u1 k1/u2 k2/u5");
	expect_uploads(m, NULL, NULL, NULL, 2, "j/u7 k0/u9");
	expect_uploads(m, NULL, "k1", NULL, 100, "k2/u5");
	expect_uploads(m, NULL, "k1", "", 100, "k2/u5");
	expect_uploads(m, NULL, "k1", "u3", 100, "k1/u1 k1/u2 k2/u5");
	expect_uploads(m, NULL, "k1", "u1", 100, "k1/u2 k2/u5");
	expect_uploads(m, NULL, "k1", "u2", 100, "k2/u5");
	/* a marker upload that is gone: resume at the start of its key */
	expect_uploads(m, NULL, "k1", "gone", 100, "k1/u3 k1/u1 k1/u2 k2/u5");
	expect_uploads(m, NULL, "k", NULL, 100, "k0/u9 k1/u3 k1/u1 k1/u2 k2/u5");
	expect_uploads(m, "k", NULL, NULL, 100, "k0/u9 k1/u3 k1/u1 k1/u2 k2/u5");
	expect_uploads(m, "k", "j", NULL, 100, "k0/u9 k1/u3 k1/u1 k1/u2 k2/u5");
	expect_uploads(m, "k1", NULL, NULL, 100, "k1/u3 k1/u1 k1/u2");
	expect_uploads(m, "k1", "k1", "u3", 1, "k1/u1");
	expect_uploads(m, "k1", "k1", NULL, 100, "");
	expect_uploads(m, "z", NULL, NULL, 100, "");
	expect_uploads(m, NULL, "k2", NULL, 100, "");
}

static int
collect_part(void *ctx, const struct meta_part *p)
{
	struct up_out *s = ctx;

	snprintf(s->v[s->n++], 40, "%d:%.4s", p->number, p->blob + 28);
	return 0;
}

static void
test_multipart(void **state)
{
	struct meta *m = *state;
	struct meta_upload u, got;
	struct meta_part p = {.size = 5 << 20, .mtime_ms = 9};
	struct meta_object o, og;
	struct up_out s = {.n = 0};
	char old[BLOB_ID_LEN + 1], id[BLOB_ID_LEN + 1];

	bootstrap(m);
	mk_bucket(m, "mp", "111122223333");
	memset(&u, 0, sizeof(u));
	strcpy(u.id, "upload-1");
	strcpy(u.bucket, "mp");
	strcpy(u.key, "big");
	strcpy(u.owner, "111122223333");
	u.initiated_ms = 77;
	u.headers = "content-type:video/mp4\n";
	u.ck_alg = CK_CRC32;
	u.ck_type = CKT_COMPOSITE;
	assert_int_equal(meta_upload_create(m, &u), ERR_OK);
	assert_int_equal(meta_upload_create(m, &u), ERR_INTERNAL); /* duplicate id */
	strcpy(u.bucket, "nope");
	assert_int_equal(meta_upload_create(m, &u), ERR_NO_SUCH_BUCKET);
	strcpy(u.bucket, "mp");

	assert_int_equal(meta_upload_get(m, "mp", "big", "upload-1", &got), ERR_OK);
	assert_string_equal(got.id, "upload-1");
	assert_string_equal(got.bucket, "mp");
	assert_string_equal(got.key, "big");
	assert_string_equal(got.owner, "111122223333");
	assert_int_equal(got.initiated_ms, 77);
	assert_string_equal(got.headers, "content-type:video/mp4\n");
	assert_int_equal(got.ck_alg, CK_CRC32);
	assert_int_equal(got.ck_type, CKT_COMPOSITE);
	meta_upload_fini(&got);
	assert_int_equal(meta_upload_get(m, "mp", "other", "upload-1", &got), ERR_NO_SUCH_UPLOAD);
	assert_int_equal(meta_upload_get(m, "xx", "big", "upload-1", &got), ERR_NO_SUCH_UPLOAD);

	/* parts: put, replace (old blob to gc), scan */
	strcpy(p.etag, "etag");
	strcpy(p.ck_value, "AAAAAA==");
	p.number = 1;
	bid(p.blob, 0x1001);
	assert_int_equal(meta_part_put(m, "upload-1", &p, old), ERR_OK);
	assert_string_equal(old, "");
	bid(p.blob, 0x1002);
	assert_int_equal(meta_part_put(m, "upload-1", &p, old), ERR_OK);
	bid(id, 0x1001);
	assert_string_equal(old, id);
	assert_true(gc_has(m, 0x1001));
	assert_int_equal(meta_part_put(m, "upload-1", &p, old), ERR_OK); /* same blob */
	assert_string_equal(old, "");
	p.number = 3;
	bid(p.blob, 0x3001);
	assert_int_equal(meta_part_put(m, "upload-1", &p, old), ERR_OK);
	p.number = 2;
	bid(p.blob, 0x2001);
	assert_int_equal(meta_part_put(m, "upload-1", &p, old), ERR_OK);
	assert_int_equal(meta_part_put(m, "no-such", &p, old), ERR_NO_SUCH_UPLOAD);
	p.number = 0;
	assert_int_equal(meta_part_put(m, "upload-1", &p, old), ERR_INVALID_PART_NUMBER);
	p.number = 10001;
	assert_int_equal(meta_part_put(m, "upload-1", &p, old), ERR_INVALID_PART_NUMBER);

	assert_int_equal(meta_part_scan(m, "upload-1", 0, 100, collect_part, &s), ERR_OK);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[0], "1:1002");
	assert_string_equal(s.v[1], "2:2001");
	assert_string_equal(s.v[2], "3:3001");
	s.n = 0;
	assert_int_equal(meta_part_scan(m, "upload-1", 1, 1, collect_part, &s), ERR_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0], "2:2001");
	assert_int_equal(meta_part_scan(m, "no-such", 0, 1, collect_part, &s), ERR_NO_SUCH_UPLOAD);
	bid(id, 0x2001);
	{
		bool yes;

		assert_int_equal(meta_blob_referenced(m, id, &yes), ERR_OK);
		assert_true(yes);
	}

	/* complete over an existing object */
	assert_int_equal(put(m, "mp", "big", 0x500, NULL), ERR_OK);
	obj_init(&o, "mp", "big", 0x9001);
	snprintf(o.etag, sizeof(o.etag), "%032x-3", 0xabc);
	o.parts = 3;
	o.ck_alg = CK_CRC32;
	o.ck_type = CKT_COMPOSITE;
	strcpy(o.ck_value, "AAAAAA==-3");
	/* a vanished bucket fails the whole transaction */
	strcpy(o.bucket, "gone");
	assert_int_equal(meta_upload_complete(m, &u, &o), ERR_NO_SUCH_BUCKET);
	assert_int_equal(meta_upload_get(m, "mp", "big", "upload-1", &got), ERR_OK);
	meta_upload_fini(&got);
	strcpy(o.bucket, "mp");
	assert_int_equal(meta_upload_complete(m, &u, &o), ERR_OK);
	assert_int_equal(meta_object_get(m, "mp", "big", &og), ERR_OK);
	assert_string_equal(og.blob, o.blob);
	assert_int_equal(og.parts, 3);
	assert_string_equal(og.ck_value, "AAAAAA==-3");
	meta_object_fini(&og);
	assert_true(gc_has(m, 0x1002));
	assert_true(gc_has(m, 0x2001));
	assert_true(gc_has(m, 0x3001));
	assert_true(gc_has(m, 0x500));
	assert_false(gc_has(m, 0x9001));
	assert_int_equal(meta_upload_get(m, "mp", "big", "upload-1", &got), ERR_NO_SUCH_UPLOAD);
	assert_int_equal(meta_upload_complete(m, &u, &o), ERR_NO_SUCH_UPLOAD);
	s.n = 0;
	assert_int_equal(meta_part_scan(m, "upload-1", 0, 100, collect_part, &s),
			 ERR_NO_SUCH_UPLOAD);

	/* completing with a part's own blob keeps that blob off the gc list */
	u.headers = NULL;
	strcpy(u.id, "upload-2");
	assert_int_equal(meta_upload_create(m, &u), ERR_OK);
	p.number = 1;
	bid(p.blob, 0x7001);
	assert_int_equal(meta_part_put(m, "upload-2", &p, old), ERR_OK);
	obj_init(&o, "mp", "big", 0x7001);
	assert_int_equal(meta_upload_complete(m, &u, &o), ERR_OK);
	assert_false(gc_has(m, 0x7001));
	assert_true(gc_has(m, 0x9001)); /* the object it replaced */

	/* abort */
	strcpy(u.id, "upload-3");
	assert_int_equal(meta_upload_create(m, &u), ERR_OK);
	bid(p.blob, 0x8001);
	assert_int_equal(meta_part_put(m, "upload-3", &p, old), ERR_OK);
	p.number = 2;
	bid(p.blob, 0x8002);
	assert_int_equal(meta_part_put(m, "upload-3", &p, old), ERR_OK);
	assert_int_equal(meta_upload_abort(m, "mp", "wrong-key", "upload-3"), ERR_NO_SUCH_UPLOAD);
	assert_int_equal(meta_upload_abort(m, "mp", "big", "upload-3"), ERR_OK);
	assert_true(gc_has(m, 0x8001));
	assert_true(gc_has(m, 0x8002));
	assert_int_equal(meta_upload_abort(m, "mp", "big", "upload-3"), ERR_NO_SUCH_UPLOAD);
}

/* ---- persistence ---- */

static void
test_reopen(void **state)
{
	struct meta *m = *state, *m2;
	struct meta_object o;
	struct meta_account a;
	bool found;
	sqlite3 *db;
	sqlite3_stmt *st;

	bootstrap(m);
	mk_bucket(m, "p", "111122223333");
	assert_int_equal(put(m, "p", "kept", 5, NULL), ERR_OK);
	meta_close(m);
	*state = NULL;
	assert_int_equal(meta_open(dbpath, &m2), ERR_OK);
	*state = m2;
	assert_int_equal(meta_account_get(m2, &a, &found), ERR_OK);
	assert_true(found);
	assert_int_equal(meta_object_get(m2, "p", "kept", &o), ERR_OK);
	meta_object_fini(&o);

	/* schema version and pragmas as promised */
	assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 3);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
	{
		struct stat sb;

		assert_int_equal(stat(dbpath, &sb), 0);
		assert_int_equal(sb.st_mode & 077, 0);
	}
}

/* ---- the object cache: never older than the last acknowledged write ---- */

struct coherence {
	struct meta *m;
	/* state of the last acknowledged write: 2v after put v, 2v + 1 after
	 * the delete that follows put v */
	_Atomic unsigned long long published;
	_Atomic int stop;
	unsigned long long stale;             /* reads older than published */
	unsigned long long reads;
	enum err rc;
};

static void *
coherence_reader(void *p)
{
	struct coherence *c = p;
	struct meta_object o;

	while (!atomic_load(&c->stop)) {
		unsigned long long want = atomic_load(&c->published), got;
		enum err e;

		memset(&o, 0, sizeof o);
		e = (c->reads & 1) ? meta_object_get(c->m, "h", "hot", &o)
				   : meta_object_get_data(c->m, "h", "hot", &o);
		if (e == ERR_NO_SUCH_KEY) {
			/* absent is right only if a delete (state 2v + 1, v % 50
			 * == 0) was acknowledged, or in flight, during the read */
			unsigned long long after = atomic_load(&c->published), d;
			bool deleted = want == 0;
			for (d = 101; d <= after + 1 && !deleted; d += 100)
				deleted = d >= want;
			if (!deleted)
				c->stale++;
		} else if (e != ERR_OK) {
			c->rc = e;
		} else {
			/* at least the acknowledged put, and not a deleted one */
			got = strtoull(o.etag, NULL, 16) / 3;
			if (2 * got < want)
				c->stale++;
		}
		meta_object_fini(&o);
		c->reads++;
	}
	return NULL;
}

/* Readers hammer one key (filling the cache) while a writer replaces and
 * deletes it; a reader that starts after a put or delete returned must see
 * it. Overwrites alternate between inline and file-backed rows. */
static void
test_objcache_coherence(void **state)
{
	struct meta *m = *state;
	struct coherence c = {.m = m};
	pthread_t th[3];
	char old[BLOB_ID_LEN + 1];
	unsigned long long v;
	int i;

	bootstrap(m);
	mk_bucket(m, "h", "111122223333");
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&th[i], NULL, coherence_reader, &c), 0);
	for (v = 1; v <= 400; v++) {
		struct meta_object o;
		char data[64];

		obj_init(&o, "h", "hot", v);
		if (v % 2) {
			snprintf(data, sizeof data, "version %llu", v);
			o.inl = true;
			o.size = strlen(data);
			o.data = data;
		}
		assert_int_equal(meta_object_put(m, &o, old), ERR_OK);
		atomic_store(&c.published, 2 * v);
		if (v % 50 == 0) {
			/* a delete must not leave the old row readable */
			assert_int_equal(meta_object_delete(m, "h", "hot", old), ERR_OK);
			atomic_store(&c.published, 2 * v + 1);
			memset(&o, 0, sizeof o);
			assert_int_equal(meta_object_get(m, "h", "hot", &o), ERR_NO_SUCH_KEY);
			assert_int_equal(meta_object_get_data(m, "h", "hot", &o), ERR_NO_SUCH_KEY);
		}
	}
	atomic_store(&c.stop, 1);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	printf("  object cache: %llu reads during 400 overwrites, %llu stale\n", c.reads, c.stale);
	assert_int_equal(c.rc, ERR_OK);
	assert_int_equal(c.stale, 0);
	assert_true(c.reads > 400);
}

/* ---- concurrency ---- */

struct worker {
	struct meta *m;
	int id;
	enum err rc;
};

static void *
put_worker(void *p)
{
	struct worker *w = p;
	char k[32];
	int i;

	for (i = 0; i < 500 && w->rc == ERR_OK; i++) {
		snprintf(k, sizeof(k), "t%d/obj%04d", w->id, i);
		w->rc = put(w->m, "c", k, (unsigned long long)(w->id * 100000 + i + 1), NULL);
	}
	return NULL;
}

static int
count_obj(void *ctx, const struct meta_object *o)
{
	(*(size_t *)ctx)++;
	return 0;
}

static void *
read_worker(void *p)
{
	struct worker *w = p;
	struct meta_bucket b;
	size_t n;
	int i;

	for (i = 0; i < 300 && w->rc == ERR_OK; i++) {
		n = 0;
		w->rc = meta_object_scan(w->m, "c", NULL, false, "t1/", 1000, count_obj, &n);
		if (w->rc == ERR_OK)
			w->rc = meta_bucket_get(w->m, "c", &b);
	}
	return NULL;
}

static void
test_concurrent_puts(void **state)
{
	struct meta *m = *state;
	struct worker w[5];
	pthread_t th[5];
	size_t n = 0;
	double t0, dt;
	int i;

	bootstrap(m);
	mk_bucket(m, "c", "111122223333");
	t0 = now_s();
	for (i = 0; i < 5; i++) {
		w[i] = (struct worker){.m = m, .id = i, .rc = ERR_OK};
		assert_int_equal(pthread_create(&th[i], NULL, i < 4 ? put_worker : read_worker,
						&w[i]),
				 0);
	}
	for (i = 0; i < 5; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].rc, ERR_OK);
	}
	dt = now_s() - t0;
	printf("  concurrent: 4 threads x 500 puts (+1 reader) in %.2f s = %.0f puts/s\n", dt,
	       2000 / dt);
	assert_int_equal(meta_object_scan(m, "c", NULL, false, NULL, 100000, count_obj, &n), ERR_OK);
	assert_int_equal(n, 2000);
	for (i = 0; i < 4; i++) {
		char pre[16];

		n = 0;
		snprintf(pre, sizeof(pre), "t%d/", i);
		assert_int_equal(meta_object_scan(m, "c", NULL, false, pre, 100000, count_obj, &n),
				 ERR_OK);
		assert_int_equal(n, 500);
	}
	assert_int_equal(gc_count(m), 0);
}

/* ---- group commit: concurrent writes share transactions ---- */

#define GC_THREADS 32
#define GC_ROUNDS 60

struct gworker {
	struct meta *m;
	int id;
	int bad; /* writes that were expected to fail and did */
	enum err rc;
};

/* Every thread writes its own keys, overwrites one key again and again
 * (each result must name exactly its own previous blob), deletes some, and
 * every third thread interleaves writes that must fail alone: a missing
 * bucket, a missing upload. They all land in the same batches. */
static void *
group_worker(void *p)
{
	struct gworker *w = p;
	unsigned long long base = (unsigned long long)(w->id + 1) * 1000000ULL;
	char k[48], old[BLOB_ID_LEN + 1], want[BLOB_ID_LEN + 1];
	struct meta_part part = {.number = 1, .size = 5};
	enum err e;
	int i;

	strcpy(part.etag, "e");
	for (i = 0; i < GC_ROUNDS && w->rc == ERR_OK; i++) {
		snprintf(k, sizeof(k), "w%02d/k%03d", w->id, i);
		w->rc = put(w->m, "g", k, base + (unsigned long long)i, NULL);
		if (w->rc != ERR_OK)
			break;
		/* the overwritten key: the previous round's blob comes back */
		snprintf(k, sizeof(k), "w%02d/same", w->id);
		w->rc = put(w->m, "g", k, base + 500000ULL + (unsigned long long)i, old);
		if (w->rc != ERR_OK)
			break;
		if (i == 0)
			want[0] = '\0';
		else
			bid(want, base + 500000ULL + (unsigned long long)i - 1);
		if (strcmp(old, want) != 0) {
			w->rc = ERR_INTERNAL;
			break;
		}
		if (i % 3 == 0) {
			snprintf(k, sizeof(k), "w%02d/k%03d", w->id, i);
			w->rc = meta_object_delete(w->m, "g", k, old);
			bid(want, base + (unsigned long long)i);
			if (w->rc == ERR_OK && strcmp(old, want) != 0)
				w->rc = ERR_INTERNAL;
		}
		if (w->id % 3 == 0) {
			e = put(w->m, "no-such-bucket", "x", base + 900000ULL + (unsigned long long)i,
				NULL);
			w->bad += e == ERR_NO_SUCH_BUCKET;
			bid(part.blob, base + 950000ULL + (unsigned long long)i);
			e = meta_part_put(w->m, "no-such-upload", &part, old);
			w->bad += e == ERR_NO_SUCH_UPLOAD;
		}
	}
	return NULL;
}

static int
check_group_row(void *ctx, const struct meta_object *o)
{
	int *n = ctx;
	unsigned id, i;
	char want[BLOB_ID_LEN + 1];

	(*n)++;
	if (sscanf(o->key, "w%02u/k%03u", &id, &i) == 2) {
		bid(want, (unsigned long long)(id + 1) * 1000000ULL + i);
		assert_string_equal(o->blob, want);
		assert_true(i % 3 != 0); /* deleted ones are gone */
	} else {
		assert_int_equal(sscanf(o->key, "w%02u/same", &id), 1);
		bid(want, (unsigned long long)(id + 1) * 1000000ULL + 500000ULL + GC_ROUNDS - 1);
		assert_string_equal(o->blob, want);
	}
	return 0;
}

static void
test_group_commit(void **state)
{
	struct meta *m = *state;
	struct gworker w[GC_THREADS];
	pthread_t th[GC_THREADS];
	struct meta_object o;
	int i, n = 0, bad = 0, bad_want = 0;
	double t0, dt;

	bootstrap(m);
	mk_bucket(m, "g", "111122223333");
	t0 = now_s();
	for (i = 0; i < GC_THREADS; i++) {
		w[i] = (struct gworker){.m = m, .id = i, .rc = ERR_OK};
		assert_int_equal(pthread_create(&th[i], NULL, group_worker, &w[i]), 0);
	}
	for (i = 0; i < GC_THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].rc, ERR_OK);
		bad += w[i].bad;
		if (i % 3 == 0)
			bad_want += 2 * GC_ROUNDS;
	}
	dt = now_s() - t0;
	printf("  group commit: %d threads, %d writes in %.2f s = %.0f writes/s\n", GC_THREADS,
	       GC_THREADS * GC_ROUNDS * 2, dt, GC_THREADS * GC_ROUNDS * 2 / dt);
	/* each failing write failed, with its own error, and only it */
	assert_int_equal(bad, bad_want);
	assert_int_equal(meta_object_scan(m, "g", NULL, false, NULL, 100000, check_group_row, &n),
			 ERR_OK);
	assert_int_equal(n, GC_THREADS * (GC_ROUNDS - GC_ROUNDS / 3 + 1));
	assert_int_equal(meta_object_get(m, "no-such-bucket", "x", &o), ERR_NO_SUCH_BUCKET);
}

/* meta_gc_done_later: the row goes with the next write's transaction, or
 * at close when no write comes. */
/* Rows of inline_blobs, read behind the store's back. */
static int
inline_rows(void)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = -1;

	assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM inline_blobs", -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static enum err
put_inline(struct meta *m, const char *key, unsigned long long blob, const char *data,
	   char old[BLOB_ID_LEN + 1])
{
	struct meta_object o;

	obj_init(&o, "i", key, blob);
	o.inl = true;
	o.size = strlen(data);
	o.data = (char *)data;
	return meta_object_put(m, &o, old);
}

/* Inline objects: bytes come back with the row, and go away with it on
 * overwrite and delete, never through the gc list (there is no file). */
static void
test_inline_objects(void **state)
{
	struct meta *m = *state;
	struct meta_object o;
	char old[BLOB_ID_LEN + 1];

	bootstrap(m);
	mk_bucket(m, "i", "111122223333");
	assert_int_equal(put_inline(m, "a", 1, "hello", old), ERR_OK);
	assert_string_equal(old, "");
	assert_int_equal(put_inline(m, "empty", 2, "", old), ERR_OK);
	assert_int_equal(inline_rows(), 2);

	memset(&o, 0, sizeof o);
	assert_int_equal(meta_object_get_data(m, "i", "a", &o), ERR_OK);
	assert_true(o.inl);
	assert_int_equal(o.size, 5);
	assert_memory_equal(o.data, "hello", 5);
	meta_object_fini(&o);
	assert_int_equal(meta_object_get(m, "i", "a", &o), ERR_OK);
	assert_true(o.inl);
	assert_null(o.data); /* only _get_data reads the bytes */
	meta_object_fini(&o);
	assert_int_equal(meta_object_get_data(m, "i", "empty", &o), ERR_OK);
	assert_true(o.inl);
	assert_int_equal(o.size, 0);
	meta_object_fini(&o);

	/* inline over inline: old bytes deleted with the row, nothing queued */
	assert_int_equal(put_inline(m, "a", 3, "world!", old), ERR_OK);
	assert_string_equal(old, "");
	assert_int_equal(inline_rows(), 2);
	assert_int_equal(gc_count(m), 0);
	assert_int_equal(meta_object_get_data(m, "i", "a", &o), ERR_OK);
	assert_memory_equal(o.data, "world!", 6);
	meta_object_fini(&o);

	/* a file over inline, then inline over the file: the file is queued */
	assert_int_equal(put(m, "i", "a", 4, old), ERR_OK);
	assert_string_equal(old, "");
	assert_int_equal(inline_rows(), 1);
	assert_int_equal(meta_object_get_data(m, "i", "a", &o), ERR_OK);
	assert_false(o.inl);
	assert_null(o.data);
	meta_object_fini(&o);
	assert_int_equal(put_inline(m, "a", 5, "x", old), ERR_OK);
	bid(o.blob, 4);
	assert_string_equal(old, o.blob);
	assert_true(gc_has(m, 4));
	assert_int_equal(inline_rows(), 2);

	/* delete: row and bytes gone, old_blob "" */
	assert_int_equal(meta_object_delete(m, "i", "a", old), ERR_OK);
	assert_string_equal(old, "");
	assert_int_equal(meta_object_get(m, "i", "a", &o), ERR_NO_SUCH_KEY);
	assert_int_equal(inline_rows(), 1);
	assert_false(gc_has(m, 5));

	/* refused: too big, or bytes missing */
	obj_init(&o, "i", "big", 6);
	o.inl = true;
	o.size = META_INLINE_MAX + 1;
	o.data = calloc(1, o.size);
	assert_int_equal(meta_object_put(m, &o, old), ERR_INVALID_ARGUMENT);
	free(o.data);
	o.size = 3;
	o.data = NULL;
	assert_int_equal(meta_object_put(m, &o, old), ERR_INVALID_ARGUMENT);
	assert_int_equal(inline_rows(), 1);

	/* survives a reopen */
	meta_close(m);
	*state = NULL;
	assert_int_equal(meta_open(dbpath, &m), ERR_OK);
	*state = m;
	memset(&o, 0, sizeof o);
	assert_int_equal(meta_object_get_data(m, "i", "empty", &o), ERR_OK);
	assert_true(o.inl);
	meta_object_fini(&o);
}

static void
test_gc_done_later(void **state)
{
	struct meta *m = *state;
	char old[BLOB_ID_LEN + 1], id[BLOB_ID_LEN + 1];

	bootstrap(m);
	mk_bucket(m, "l", "111122223333");
	assert_int_equal(put(m, "l", "a", 1, NULL), ERR_OK);
	assert_int_equal(put(m, "l", "a", 2, old), ERR_OK);
	bid(id, 1);
	assert_string_equal(old, id);
	assert_true(gc_has(m, 1));
	meta_gc_done_later(m, old);
	meta_gc_done_later(m, "not-an-id"); /* ignored */
	assert_true(gc_has(m, 1));          /* not yet: no write since */
	assert_int_equal(put(m, "l", "b", 3, NULL), ERR_OK);
	assert_false(gc_has(m, 1));
	/* left for close */
	assert_int_equal(put(m, "l", "b", 4, old), ERR_OK);
	meta_gc_done_later(m, old);
	meta_close(m);
	*state = NULL;
	assert_int_equal(meta_open(dbpath, &m), ERR_OK);
	*state = m;
	assert_false(gc_has(m, 3));
	assert_int_equal(gc_count(m), 0);
}

static void
test_put_rate(void **state)
{
	struct meta *m = *state;
	struct meta_object o;
	double t0, dt;
	char k[32];
	int i, n = 300;

	bootstrap(m);
	mk_bucket(m, "r", "111122223333");
	t0 = now_s();
	for (i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "photos/2024/img%05d.jpg", i);
		assert_int_equal(put(m, "r", k, (unsigned long long)i + 1, NULL), ERR_OK);
	}
	dt = now_s() - t0;
	printf("  single thread: %d object puts in %.2f s = %.0f puts/s (synchronous=FULL)\n", n,
	       dt, n / dt);
	t0 = now_s();
	for (i = 0; i < 20000; i++) {
		snprintf(k, sizeof(k), "photos/2024/img%05d.jpg", i % n);
		assert_int_equal(meta_object_get(m, "r", k, &o), ERR_OK);
		meta_object_fini(&o);
	}
	dt = now_s() - t0;
	printf("  single thread: object get %.2f us\n", dt / 20000 * 1e6);
}

/* ---- 100,000 keys: the prefix scan is an index range ---- */

static void
bulk_load(int n)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char k[32], blob[BLOB_ID_LEN + 1];
	int i;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(db, "INSERT INTO objects(bucket_id, key, blob, size, etag,"
				       " mtime_ms, owner) SELECT id, ?1, ?2, 1, 'e', 1,"
				       " '111122223333' FROM buckets WHERE name = 'big'",
				   -1, &st, NULL),
		SQLITE_OK);
	for (i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "dir%02d/file%06d", i % 100, i);
		bid(blob, (unsigned long long)i + 1);
		sqlite3_bind_blob(st, 1, k, (int)strlen(k), SQLITE_STATIC);
		sqlite3_bind_text(st, 2, blob, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_scan_100k(void **state)
{
	struct meta *m = *state;
	const int n = 100000, reps = 2000;
	double t0, t_full, t_small;
	size_t cnt = 0, got;
	char pre[32];
	int i;

	bootstrap(m);
	mk_bucket(m, "big", "111122223333");
	bulk_load(n);

	t0 = now_s();
	assert_int_equal(meta_object_scan(m, "big", NULL, false, NULL, (size_t)n * 2, count_obj,
					  &cnt),
			 ERR_OK);
	t_full = now_s() - t0;
	assert_int_equal(cnt, n);

	/* 2000 prefix scans of 10 rows each, spread over the whole key space */
	t0 = now_s();
	for (i = 0; i < reps; i++) {
		got = 0;
		snprintf(pre, sizeof(pre), "dir%02d/file%05d", i % 100, (i * 37) % 10000);
		assert_int_equal(meta_object_scan(m, "big", NULL, false, pre, 1000, count_obj, &got),
				 ERR_OK);
		assert_true(got <= 10);
	}
	t_small = (now_s() - t0) / reps;
	/* the last page of the last prefix: after= near the end */
	got = 0;
	t0 = now_s();
	assert_int_equal(meta_object_scan(m, "big", "dir99/file099899", false, "dir99/", 1000,
					  count_obj, &got),
			 ERR_OK);
	printf("  100k keys: full scan %.1f ms; 10-row prefix scan %.1f us; tail page (%zu rows)"
	       " %.1f us\n",
	       t_full * 1e3, t_small * 1e6, got, (now_s() - t0) * 1e6);
	assert_int_equal(got, 1);
	/* An index range costs O(log n + rows); a table scan would cost about
	 * t_full per call. A factor of 100 leaves room for noisy machines. */
	assert_true(t_small * 100 < t_full);

	/* the same query shape, as the planner sees it */
	{
		sqlite3 *db;
		sqlite3_stmt *st;
		const char *plan;

		assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(
					 db, "EXPLAIN QUERY PLAN SELECT key FROM objects WHERE"
					     " bucket_id = ?1 AND key >= ?2 AND key < ?4"
					     " ORDER BY key LIMIT ?3",
					 -1, &st, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		plan = (const char *)sqlite3_column_text(st, 3);
		printf("  plan: %s\n", plan);
		assert_non_null(strstr(plan, "SEARCH objects USING PRIMARY KEY"));
		assert_non_null(strstr(plan, "key<?"));
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bootstrap_and_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buckets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_reentrant, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upload_scan_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multipart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_puts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gc_done_later, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inline_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_objcache_coherence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_100k, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
