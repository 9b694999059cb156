/* test_blob.c - unit tests of the file-system blob store (store/blob/fs.c).
 * Includes the .c under test to reach its static helpers (id check, the
 * pread/write fallback, errno mapping). Runs in a fresh temp directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ftw.h>
#include <limits.h>
#include "store/blob/fs.c"

static char root[512];

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static int
setup(void **state)
{
	const char *t = getenv("TMPDIR");

	snprintf(root, sizeof(root), "%s/coffer-blob-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(root))
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct blob_store *
open_store(void)
{
	struct blob_store *s = NULL;

	assert_int_equal(blob_store_open(root, &s), ERR_OK);
	assert_non_null(s);
	return s;
}

static mode_t
mode_of(const char *rel)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (stat(p, &st) < 0)
		return (mode_t)-1;
	return st.st_mode & 07777;
}

static bool
exists(const char *rel)
{
	return mode_of(rel) != (mode_t)-1;
}

/* Writes n bytes of a pattern seeded by seed, syncs and publishes. */
static void
make_blob(struct blob_store *s, char id[BLOB_ID_LEN + 1], size_t n, unsigned seed)
{
	struct blob_writer *w;
	char *b = malloc(n ? n : 1);
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (char)(seed + i * 7);
	assert_int_equal(blob_create(s, &w, id), ERR_OK);
	assert_int_equal(blob_write(w, b, n), ERR_OK);
	assert_int_equal(blob_sync(w), ERR_OK);
	blob_writer_free(w);
	assert_int_equal(blob_publish(s, id), ERR_OK);
	free(b);
}

/* Reads a published blob whole; caller frees. */
static char *
slurp(struct blob_store *s, const char *id, uint64_t *size)
{
	char *b;
	int fd;

	assert_int_equal(blob_open_read(s, id, &fd, size), ERR_OK);
	b = malloc(*size + 1);
	assert_int_equal(pread(fd, b, *size, 0), (ssize_t)*size);
	close(fd);
	return b;
}

static void
test_open_layout(void **state)
{
	struct blob_store *s = open_store();

	assert_int_equal(mode_of("objects"), 0700);
	assert_int_equal(mode_of("objects/tmp"), 0700);
	blob_store_close(s);
	/* reopening an existing store is fine */
	s = open_store();
	blob_store_close(s);
}

static void
test_write_sync_publish_read_delete(void **state)
{
	struct blob_store *s = open_store();
	struct blob_writer *w;
	char id[BLOB_ID_LEN + 1], rel[128], *b;
	uint64_t size;
	int fd;

	assert_int_equal(blob_create(s, &w, id), ERR_OK);
	assert_true(id_valid(id));
	snprintf(rel, sizeof(rel), "objects/tmp/%s", id);
	assert_int_equal(mode_of(rel), 0600);
	assert_int_equal(blob_write(w, "hello, ", 7), ERR_OK);
	assert_int_equal(blob_write(w, "world", 5), ERR_OK);
	assert_int_equal(blob_write(w, "", 0), ERR_OK);
	assert_int_equal(blob_written(w), 12);
	assert_int_equal(blob_sync(w), ERR_OK);
	/* a synced writer is closed */
	assert_int_equal(blob_write(w, "x", 1), ERR_INTERNAL);
	blob_writer_free(w);
	assert_true(exists(rel)); /* synced: survives free */

	/* readable once synced: a committed row may name it before publish */
	assert_int_equal(blob_open_read(s, id, &fd, &size), ERR_OK);
	assert_int_equal(size, 12);
	close(fd);
	assert_int_equal(blob_publish(s, id), ERR_OK);
	assert_false(exists(rel));
	snprintf(rel, sizeof(rel), "objects/%.2s/%.2s/%s", id, id + 2, id);
	assert_int_equal(mode_of(rel), 0600);
	snprintf(rel, sizeof(rel), "objects/%.2s", id);
	assert_int_equal(mode_of(rel), 0700);
	snprintf(rel, sizeof(rel), "objects/%.2s/%.2s", id, id + 2);
	assert_int_equal(mode_of(rel), 0700);
	/* publishing again (recovery replay) is harmless */
	assert_int_equal(blob_publish(s, id), ERR_OK);

	b = slurp(s, id, &size);
	assert_int_equal(size, 12);
	assert_memory_equal(b, "hello, world", 12);
	free(b);
	assert_int_equal(blob_open_read(s, id, &fd, &size), ERR_OK);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fd);

	assert_int_equal(blob_delete(s, id), ERR_OK);
	assert_int_equal(blob_open_read(s, id, &fd, &size), ERR_NO_SUCH_KEY);
	assert_int_equal(fd, -1);
	assert_int_equal(blob_delete(s, id), ERR_OK); /* missing is fine */
	blob_store_close(s);
}

static void
test_unsynced_free_and_discard(void **state)
{
	struct blob_store *s = open_store();
	struct blob_writer *w;
	char id[BLOB_ID_LEN + 1], id2[BLOB_ID_LEN + 1], rel[128];

	assert_int_equal(blob_create(s, &w, id), ERR_OK);
	assert_int_equal(blob_write(w, "abc", 3), ERR_OK);
	snprintf(rel, sizeof(rel), "objects/tmp/%s", id);
	assert_true(exists(rel));
	blob_writer_free(w); /* not synced: temp file goes */
	assert_false(exists(rel));

	assert_int_equal(blob_create(s, &w, id2), ERR_OK);
	assert_string_not_equal(id, id2);
	assert_int_equal(blob_sync(w), ERR_OK); /* empty blob is fine */
	blob_writer_free(w);
	snprintf(rel, sizeof(rel), "objects/tmp/%s", id2);
	assert_true(exists(rel));
	blob_discard(s, id2);
	assert_false(exists(rel));
	/* publishing what is gone is an error, not a silent success */
	assert_int_equal(blob_publish(s, id2), ERR_NO_SUCH_KEY);

	/* collected before it was published (a concurrent overwrite won) */
	assert_int_equal(blob_create(s, &w, id2), ERR_OK);
	assert_int_equal(blob_sync(w), ERR_OK);
	blob_writer_free(w);
	snprintf(rel, sizeof(rel), "objects/tmp/%s", id2);
	assert_true(exists(rel));
	assert_int_equal(blob_delete(s, id2), ERR_OK);
	assert_false(exists(rel));
	assert_int_equal(blob_publish(s, id2), ERR_NO_SUCH_KEY);
	blob_writer_free(NULL);
	blob_store_close(s);
}

static void
test_append_from(void **state)
{
	struct blob_store *s = open_store();
	struct blob_writer *w;
	char a[BLOB_ID_LEN + 1], big[BLOB_ID_LEN + 1], id[BLOB_ID_LEN + 1], *b, *want;
	const size_t bign = 3 * 1024 * 1024 + 17;
	uint64_t size;
	size_t i;

	make_blob(s, a, 100, 1);
	make_blob(s, big, bign, 2);

	assert_int_equal(blob_create(s, &w, id), ERR_OK);
	assert_int_equal(blob_write(w, "<", 1), ERR_OK);
	assert_int_equal(blob_append_from(w, a, 10, 20), ERR_OK);
	assert_int_equal(blob_append_from(w, big, 0, bign), ERR_OK);
	assert_int_equal(blob_append_from(w, a, 99, 1), ERR_OK);
	assert_int_equal(blob_append_from(w, a, 50, 0), ERR_OK);
	assert_int_equal(blob_write(w, ">", 1), ERR_OK);
	assert_int_equal(blob_written(w), 1 + 20 + bign + 1 + 1);
	assert_int_equal(blob_sync(w), ERR_OK);
	blob_writer_free(w);
	assert_int_equal(blob_publish(s, id), ERR_OK);

	b = slurp(s, id, &size);
	assert_int_equal(size, 1 + 20 + bign + 1 + 1);
	want = malloc(size);
	want[0] = '<';
	for (i = 0; i < 20; i++)
		want[1 + i] = (char)(1 + (10 + i) * 7);
	for (i = 0; i < bign; i++)
		want[21 + i] = (char)(2 + i * 7);
	want[21 + bign] = (char)(1 + 99 * 7);
	want[22 + bign] = '>';
	assert_memory_equal(b, want, size);
	free(b);
	free(want);

	/* past the end of the source, a missing source, a bad id, overflow */
	assert_int_equal(blob_create(s, &w, id), ERR_OK);
	assert_int_equal(blob_append_from(w, a, 90, 20), ERR_INTERNAL);
	blob_writer_free(w);
	assert_int_equal(blob_create(s, &w, id), ERR_OK);
	assert_int_equal(blob_append_from(w, "0123456789abcdef0123456789abcdef", 0, 1),
			 ERR_NO_SUCH_KEY);
	assert_int_equal(blob_append_from(w, "../../../../../../etc/passwd", 0, 1), ERR_INTERNAL);
	assert_int_equal(blob_append_from(w, a, UINT64_MAX, 1), ERR_INVALID_RANGE);
	assert_int_equal(blob_written(w), 0);
	blob_writer_free(w);
	blob_store_close(s);
}

/* The pread/write path used when copy_file_range cannot work (EXDEV...). */
static void
test_copy_fallback(void **state)
{
	struct blob_store *s = open_store();
	char a[BLOB_ID_LEN + 1], path[FANOUT_PATH_LEN], *b;
	const size_t n = COPY_CHUNK * 2 + 5;
	uint64_t done = 0;
	size_t i;
	int src, dst;
	FILE *f;

	make_blob(s, a, n, 3);
	fanout_path(a, path);
	src = openat(s->objfd, path, O_RDONLY | O_CLOEXEC);
	assert_true(src >= 0);
	f = tmpfile();
	dst = fileno(f);
	assert_int_equal(copy_rw(src, dst, 1, n - 1, &done), ERR_OK);
	assert_int_equal(done, n - 1);
	b = malloc(n);
	assert_int_equal(pread(dst, b, n, 0), (ssize_t)(n - 1));
	for (i = 0; i < n - 1; i++)
		assert_int_equal((unsigned char)b[i], (unsigned char)(3 + (i + 1) * 7));
	done = 0;
	assert_int_equal(copy_rw(src, dst, n - 2, 5, &done), ERR_INTERNAL);
	assert_int_equal(done, 2);
	free(b);
	fclose(f);
	close(src);
	blob_store_close(s);
}

static void
test_errno_mapping(void **state)
{
	struct blob_writer w = {.fd = -1};

	assert_int_equal(errno_err(ENOSPC), ERR_NO_SPACE);
	assert_int_equal(errno_err(EDQUOT), ERR_NO_SPACE);
	assert_int_equal(errno_err(EIO), ERR_INTERNAL);
	/* a real full device */
	w.fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	if (w.fd < 0)
		skip();
	assert_int_equal(blob_write(&w, "x", 1), ERR_NO_SPACE);
	assert_int_equal(blob_written(&w), 0);
	close(w.fd);
}

static void
test_bad_ids(void **state)
{
	static const char *bad[] = {
		"",
		"0123456789abcdef0123456789abcde",   /* 31 */
		"0123456789abcdef0123456789abcdef0", /* 33 */
		"0123456789ABCDEF0123456789abcdef",  /* upper case */
		"0123456789abcdef0123456789abcdeg",
		"../../../../../../../../etc/passwd",
		"..",
		"tmp",
		"0123456789abcdef/123456789abcdef",
		"0123456789abcdef\n123456789abcdef",
	};
	struct blob_store *s = open_store();
	uint64_t size;
	size_t i;
	int fd;

	assert_false(id_valid(NULL));
	assert_true(id_valid("0123456789abcdef0123456789abcdef"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(id_valid(bad[i]));
		assert_int_equal(blob_publish(s, bad[i]), ERR_INTERNAL);
		assert_int_equal(blob_delete(s, bad[i]), ERR_INTERNAL);
		assert_int_equal(blob_open_read(s, bad[i], &fd, &size), ERR_NO_SUCH_KEY);
		blob_discard(s, bad[i]);
	}
	assert_int_equal(blob_open_read(s, NULL, &fd, &size), ERR_NO_SUCH_KEY);
	assert_true(exists("objects/tmp"));
	blob_store_close(s);
}

struct keep_ctx {
	const char *keep;
	int calls;
};

static bool
keep_one(void *ctx, const char *id)
{
	struct keep_ctx *k = ctx;

	k->calls++;
	assert_true(id_valid(id));
	return strcmp(id, k->keep) == 0;
}

static void
test_recover(void **state)
{
	struct blob_store *s = open_store();
	struct blob_writer *w;
	char keep[BLOB_ID_LEN + 1], drop[BLOB_ID_LEN + 1], p[PATH_MAX], *b;
	struct keep_ctx k = {.keep = keep};
	uint64_t size;
	DIR *d;
	struct dirent *de;
	int n = 0, fd;

	assert_int_equal(blob_create(s, &w, keep), ERR_OK);
	assert_int_equal(blob_write(w, "kept", 4), ERR_OK);
	assert_int_equal(blob_sync(w), ERR_OK);
	blob_writer_free(w);
	assert_int_equal(blob_create(s, &w, drop), ERR_OK);
	assert_int_equal(blob_sync(w), ERR_OK);
	blob_writer_free(w);
	/* junk that must be removed and never handed to keep() */
	snprintf(p, sizeof(p), "%s/objects/tmp/junk", root);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	close(fd);
	snprintf(p, sizeof(p), "%s/objects/tmp/0123456789ABCDEF0123456789abcdef", root);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	close(fd);
	snprintf(p, sizeof(p), "%s/objects/tmp/emptydir", root);
	assert_int_equal(mkdir(p, 0700), 0);

	assert_int_equal(blob_recover(s, keep_one, &k), ERR_OK);
	assert_int_equal(k.calls, 2);
	b = slurp(s, keep, &size);
	assert_int_equal(size, 4);
	assert_memory_equal(b, "kept", 4);
	free(b);
	assert_int_equal(blob_open_read(s, drop, &fd, &size), ERR_NO_SUCH_KEY);
	snprintf(p, sizeof(p), "%s/objects/tmp", root);
	d = opendir(p);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	assert_int_equal(n, 0);
	/* an empty tmp/ is a no-op */
	k.calls = 0;
	assert_int_equal(blob_recover(s, keep_one, &k), ERR_OK);
	assert_int_equal(k.calls, 0);
	blob_store_close(s);
}

static void
test_many_ids_distinct(void **state)
{
	struct blob_store *s = open_store();
	struct blob_writer *w;
	char ids[64][BLOB_ID_LEN + 1];
	int i, j;

	for (i = 0; i < 64; i++) {
		assert_int_equal(blob_create(s, &w, ids[i]), ERR_OK);
		blob_writer_free(w);
		for (j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
	}
	blob_store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_sync_publish_read_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsynced_free_and_discard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_from, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_fallback, setup, teardown),
		cmocka_unit_test(test_errno_mapping),
		cmocka_unit_test_setup_teardown(test_bad_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_ids_distinct, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
