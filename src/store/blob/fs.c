/* fs.c - blob.h on a local file system: <dir>/objects/tmp/<id> while being
 * written, <dir>/objects/<id[0..1]>/<id[2..3]>/<id> once published. Every
 * path is relative to a directory fd and built only from a validated id.
 * Owns no metadata: what an id means is for store/meta to say. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include "core/crypto.h"
#include "core/log.h"
#include "store/blob/blob.h"

/* "ab/cd/" + id + NUL */
#define FANOUT_PATH_LEN (6 + BLOB_ID_LEN + 1)
#define COPY_CHUNK (256 * 1024)
#define WB_WINDOW (8u << 20)

struct blob_store {
	int objfd; /* <dir>/objects */
	int tmpfd; /* <dir>/objects/tmp */
	/* Group sync of tmp/ (see tmp_sync): tickets handed out, the highest
	 * ticket a finished sync covers, whether one is running. */
	pthread_mutex_t lock;
	pthread_cond_t synced;
	uint64_t ticket, covered;
	bool busy;
};

struct blob_writer {
	struct blob_store *s;
	int fd;      /* -1 once synced or failed */
	bool synced; /* the temp file is durable and must survive free */
	uint64_t written;
	uint64_t wb_next; /* writeback queued up to here, see start_writeback */
	char id[BLOB_ID_LEN + 1];
};

/* The only gate between a string and a path: exactly 32 lower-case hex. */
static bool
id_valid(const char *id)
{
	size_t i;

	if (!id)
		return false;
	for (i = 0; i < BLOB_ID_LEN; i++) {
		char c = id[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return id[BLOB_ID_LEN] == '\0';
}

/* Relative path of a published blob under objects/. id must be valid. */
static void
fanout_path(const char *id, char out[FANOUT_PATH_LEN])
{
	memcpy(out, id, 2);
	out[2] = '/';
	memcpy(out + 3, id + 2, 2);
	out[5] = '/';
	memcpy(out + 6, id, BLOB_ID_LEN + 1);
}

/* A full disk and a lack of memory are conditions a client can wait out;
 * anything else (EIO, EROFS, ...) is a fault the operator must hear of,
 * since the client only sees InternalError. */
static enum err
errno_err(int e)
{
	if (e == ENOSPC || e == EDQUOT)
		return ERR_NO_SPACE;
	if (e == ENOMEM)
		return ERR_NOMEM;
	log_error("blob store: %s", strerror(e));
	return ERR_INTERNAL;
}

#ifdef COFFER_FAULTS
/* Test builds only (the sanitizer build): I/O errors injected while the
 * server runs, switched on by the existence of a file in $COFFER_FAULT_DIR
 * ("read-eio": opening a blob for reading fails; "sync-eio": blob_sync
 * fails), as no device-mapper is at hand to make a disk fail for real. */
static bool
fault(const char *name)
{
	const char *dir = getenv("COFFER_FAULT_DIR");
	char path[4096];

	if (!dir || !*dir)
		return false;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}
#else
#define fault(name) false
#endif

/* mkdirat that treats an existing directory as success. */
static int
mkdir_exist_ok(int dirfd, const char *name)
{
	if (mkdirat(dirfd, name, 0700) == 0 || errno == EEXIST)
		return 0;
	return -1;
}

static int
open_dir(int dirfd, const char *name)
{
	if (mkdir_exist_ok(dirfd, name) < 0)
		return -1;
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

enum err
blob_store_open(const char *dir, struct blob_store **out)
{
	enum err rc = ERR_INTERNAL;
	struct blob_store *s;
	int dfd = -1;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ERR_NOMEM;
	s->objfd = s->tmpfd = -1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->synced, NULL);
	dfd = open_dir(AT_FDCWD, dir);
	if (dfd < 0)
		goto out;
	s->objfd = open_dir(dfd, "objects");
	if (s->objfd < 0)
		goto out;
	s->tmpfd = open_dir(s->objfd, "tmp");
	if (s->tmpfd < 0)
		goto out;
	*out = s;
	s = NULL;
	rc = ERR_OK;
out:
	if (rc != ERR_OK)
		rc = errno_err(errno);
	if (dfd >= 0)
		close(dfd);
	if (s)
		blob_store_close(s);
	return rc;
}

void
blob_store_close(struct blob_store *s)
{
	if (!s)
		return;
	if (s->objfd >= 0)
		close(s->objfd);
	if (s->tmpfd >= 0)
		close(s->tmpfd);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->synced);
	free(s);
}

enum err
blob_new_id(char id[BLOB_ID_LEN + 1])
{
	uint8_t raw[BLOB_ID_LEN / 2];
	enum err rc = crypto_random(raw, sizeof(raw));

	if (rc == ERR_OK)
		hex_encode(raw, sizeof(raw), id);
	return rc;
}

enum err
blob_create(struct blob_store *s, struct blob_writer **out, char id_out[BLOB_ID_LEN + 1])
{
	enum err rc;
	struct blob_writer *w;
	int tries;

	*out = NULL;
	id_out[0] = '\0';
	w = calloc(1, sizeof(*w));
	if (!w)
		return ERR_NOMEM;
	w->s = s;
	w->fd = -1;
	/* A collision of 128 random bits means a broken RNG, but O_EXCL makes
	 * sure even that cannot overwrite somebody else's temp file. */
	for (tries = 0; tries < 4; tries++) {
		rc = blob_new_id(w->id);
		if (rc != ERR_OK)
			goto out;
		w->fd = openat(s->tmpfd, w->id, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (w->fd >= 0 || errno != EEXIST)
			break;
	}
	if (w->fd < 0) {
		rc = errno_err(errno);
		goto out;
	}
	memcpy(id_out, w->id, BLOB_ID_LEN + 1);
	*out = w;
	w = NULL;
	rc = ERR_OK;
out:
	free(w);
	return rc;
}

/* write(2) until everything is out; short writes and EINTR are normal. */
static enum err
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t k = write(fd, c, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return errno_err(errno);
		}
		if (k == 0)
			return ERR_INTERNAL;
		c += k;
		n -= (size_t)k;
	}
	return ERR_OK;
}

/* A large upload is written back while it streams in rather than all at
 * once by the fdatasync at its end, which left a 1 GiB PUT waiting seconds
 * after its last byte: nothing else starts writeback of fresh dirty pages
 * that soon (the kernel's thresholds are far above one upload). Each full
 * window is queued for writeback without waiting; waiting for the window
 * before as well (to bound dirty memory) was measured and made the upload
 * run at the disk's pace under load, slower overall. Advisory: errors are
 * left for blob_sync's fdatasync to report. */
static void
start_writeback(struct blob_writer *w)
{
	if (w->written - w->wb_next < WB_WINDOW)
		return;
	sync_file_range(w->fd, (off64_t)w->wb_next, (off64_t)(w->written - w->wb_next),
			SYNC_FILE_RANGE_WRITE);
	w->wb_next = w->written;
}

enum err
blob_write(struct blob_writer *w, const void *p, size_t n)
{
	enum err rc;

	if (w->fd < 0)
		return ERR_INTERNAL;
	rc = write_all(w->fd, p, n);
	if (rc == ERR_OK) {
		w->written += n;
		start_writeback(w);
	}
	return rc;
}

/* Portable path for blob_append_from: pread from src, write to the writer. */
static enum err
copy_rw(int src, int dst, uint64_t off, uint64_t len, uint64_t *done)
{
	enum err rc = ERR_OK;
	char *b;

	b = malloc(COPY_CHUNK);
	if (!b)
		return ERR_NOMEM;
	while (len > 0) {
		size_t want = len < COPY_CHUNK ? (size_t)len : COPY_CHUNK;
		ssize_t k = pread(src, b, want, (off_t)off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			/* k == 0: the source is shorter than the caller said */
			rc = k < 0 ? errno_err(errno) : ERR_INTERNAL;
			break;
		}
		rc = write_all(dst, b, (size_t)k);
		if (rc != ERR_OK)
			break;
		off += (uint64_t)k;
		len -= (uint64_t)k;
		*done += (uint64_t)k;
	}
	free(b);
	return rc;
}

enum err
blob_append_from(struct blob_writer *w, const char *src_id, uint64_t off, uint64_t len)
{
	enum err rc = ERR_OK;
	char path[FANOUT_PATH_LEN];
	off64_t in_off = (off64_t)off;
	uint64_t done = 0;
	int src = -1;

	if (w->fd < 0 || !id_valid(src_id))
		return ERR_INTERNAL;
	if (off > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - off)
		return ERR_INVALID_RANGE;
	if (fault("read-eio"))
		return errno_err(EIO);
	fanout_path(src_id, path);
	src = openat(w->s->objfd, path, O_RDONLY | O_CLOEXEC);
	if (src < 0) {
		rc = errno == ENOENT ? ERR_NO_SUCH_KEY : errno_err(errno);
		goto out;
	}
	while (done < len) {
		size_t want = len - done > (1u << 30) ? (1u << 30) : (size_t)(len - done);
		ssize_t k = copy_file_range(src, &in_off, w->fd, NULL, want, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
			      errno == EOPNOTSUPP)) {
			/* Nothing was copied by the failing call: resume where we are. */
			rc = copy_rw(src, w->fd, off + done, len - done, &done);
			goto out;
		}
		if (k < 0) {
			rc = errno_err(errno);
			goto out;
		}
		if (k == 0) {
			rc = ERR_INTERNAL; /* source shorter than off+len */
			goto out;
		}
		done += (uint64_t)k;
	}
out:
	w->written += done;
	if (src >= 0)
		close(src);
	return rc;
}

uint64_t
blob_written(const struct blob_writer *w)
{
	return w->written;
}

/* fsync of tmp/ shared by concurrent writers: makes durable every entry
 * created in tmp/ before the call. The first caller to find no fsync
 * running does one for everybody; a finished fsync covers the tickets that
 * had been handed out when it began (their files existed then), so a
 * caller whose ticket came later waits for the next one. Under load one
 * directory fsync serves a whole batch of PUTs instead of one each. */
static enum err
tmp_sync(struct blob_store *s)
{
	enum err rc = ERR_OK;
	uint64_t mine, upto;
	int e;

	pthread_mutex_lock(&s->lock);
	mine = ++s->ticket;
	while (s->covered < mine) {
		if (s->busy) {
			pthread_cond_wait(&s->synced, &s->lock);
			continue;
		}
		s->busy = true;
		upto = s->ticket;
		pthread_mutex_unlock(&s->lock);
		e = fsync(s->tmpfd) < 0 ? errno : 0;
		pthread_mutex_lock(&s->lock);
		s->busy = false;
		pthread_cond_broadcast(&s->synced);
		if (e) {
			/* Only this caller fails; the waiters it would have
			 * covered try a sync of their own. */
			rc = errno_err(e);
			break;
		}
		if (upto > s->covered)
			s->covered = upto;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* Durable = the bytes and the size (fdatasync, run by each writer's own
 * thread, so concurrent writers' syncs overlap and ext4 folds them into
 * shared journal commits) and the name in tmp/ (tmp_sync, one fsync per
 * batch). Without the name a crash could lose durable bytes whose metadata
 * already committed, and recovery could not find them. syncfs() once per
 * batch was measured as the alternative: fewer calls, but it also waits
 * for every other dirty file of the file system (a large upload in flight,
 * other programs), which made it slower and its latency unbounded. */
enum err
blob_sync(struct blob_writer *w)
{
	enum err rc = ERR_OK;

	if (w->fd < 0)
		return ERR_INTERNAL;
	if (fault("sync-eio"))
		rc = errno_err(EIO);
	else if (fdatasync(w->fd) < 0)
		rc = errno_err(errno);
	if (rc == ERR_OK)
		rc = tmp_sync(w->s);
	if (close(w->fd) < 0 && rc == ERR_OK)
		rc = errno_err(errno);
	w->fd = -1;
	w->synced = rc == ERR_OK;
	return rc;
}

void
blob_writer_free(struct blob_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	if (!w->synced)
		unlinkat(w->s->tmpfd, w->id, 0);
	free(w);
}

enum err
blob_publish(struct blob_store *s, const char *id)
{
	char path[FANOUT_PATH_LEN];
	struct stat st;

	if (!id_valid(id))
		return ERR_INTERNAL;
	fanout_path(id, path);
	if (renameat(s->tmpfd, id, s->objfd, path) == 0)
		return ERR_OK;
	if (errno != ENOENT)
		return errno_err(errno);
	/* Either the fan-out directories do not exist yet or tmp/<id> is gone.
	 * No directory fsync here: if the rename is lost in a crash, the file
	 * is back in tmp/ and blob_recover publishes it again. */
	path[2] = '\0';
	if (mkdir_exist_ok(s->objfd, path) < 0)
		return errno_err(errno);
	path[2] = '/';
	path[5] = '\0';
	if (mkdir_exist_ok(s->objfd, path) < 0)
		return errno_err(errno);
	path[5] = '/';
	if (renameat(s->tmpfd, id, s->objfd, path) == 0)
		return ERR_OK;
	if (errno != ENOENT)
		return errno_err(errno);
	/* Publishing twice (recovery after a crash that came after a publish)
	 * is not an error. A blob that exists nowhere was either lost or, when
	 * a concurrent overwrite replaced its row before this publish, already
	 * collected by blob_delete: ERR_NO_SUCH_KEY lets the caller tell. */
	if (fstatat(s->objfd, path, &st, 0) == 0)
		return ERR_OK;
	return ERR_NO_SUCH_KEY;
}

void
blob_discard(struct blob_store *s, const char *id)
{
	if (id_valid(id))
		unlinkat(s->tmpfd, id, 0);
}

enum err
blob_open_read(struct blob_store *s, const char *id, int *fd, uint64_t *size)
{
	char path[FANOUT_PATH_LEN];
	struct stat st;
	int f;

	*fd = -1;
	*size = 0;
	if (!id_valid(id))
		return ERR_NO_SUCH_KEY;
	if (fault("read-eio"))
		return errno_err(EIO);
	fanout_path(id, path);
	/* A committed blob may not be published yet (its writer commits the row,
	 * then renames): it is already synced in tmp/, so read it there. Files
	 * only move tmp/ -> final, so final, tmp/, final again cannot miss it. */
	f = openat(s->objfd, path, O_RDONLY | O_CLOEXEC);
	if (f < 0 && errno == ENOENT)
		f = openat(s->tmpfd, id, O_RDONLY | O_CLOEXEC);
	if (f < 0 && errno == ENOENT)
		f = openat(s->objfd, path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return errno == ENOENT ? ERR_NO_SUCH_KEY : errno_err(errno);
	if (fstat(f, &st) < 0) {
		close(f);
		return ERR_INTERNAL;
	}
	*fd = f;
	*size = (uint64_t)st.st_size;
	return ERR_OK;
}

/* A collected id can still be in tmp/: its row was committed and replaced
 * before its writer got to blob_publish. tmp/ is tried first because files
 * only ever move tmp/ -> final, so whichever side the file is on when we
 * look, one of the two unlinks finds it and no published orphan is left. */
enum err
blob_delete(struct blob_store *s, const char *id)
{
	char path[FANOUT_PATH_LEN];

	if (!id_valid(id))
		return ERR_INTERNAL;
	if (unlinkat(s->tmpfd, id, 0) == 0)
		return ERR_OK;
	fanout_path(id, path);
	if (unlinkat(s->objfd, path, 0) < 0 && errno != ENOENT)
		return errno_err(errno);
	return ERR_OK;
}

/* Valid ids are collected first and handled after the directory is read:
 * keep() asks the metadata store, which should not run with a readdir in
 * progress. Junk names are removed on sight (unlinking entries other than
 * the current one does not disturb readdir). */
enum err
blob_recover(struct blob_store *s, bool (*keep)(void *ctx, const char *id), void *ctx)
{
	enum err rc = ERR_OK;
	char (*ids)[BLOB_ID_LEN + 1] = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d = NULL;
	int fd;

	fd = openat(s->tmpfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno_err(errno);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return errno_err(errno);
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!id_valid(de->d_name)) {
			/* Not ours (or a torn name): remove what we can, never
			 * use it. A directory is tried as an empty one. */
			if (unlinkat(s->tmpfd, de->d_name, 0) < 0 && errno == EISDIR)
				unlinkat(s->tmpfd, de->d_name, AT_REMOVEDIR);
			errno = 0;
			continue;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			void *p = realloc(ids, ncap * sizeof(*ids));

			if (!p) {
				rc = ERR_NOMEM;
				goto out;
			}
			ids = p;
			cap = ncap;
		}
		memcpy(ids[n++], de->d_name, BLOB_ID_LEN + 1);
		errno = 0;
	}
	if (errno != 0) {
		rc = errno_err(errno);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (keep(ctx, ids[i])) {
			enum err e = blob_publish(s, ids[i]);

			if (e != ERR_OK && rc == ERR_OK)
				rc = e;
		} else {
			unlinkat(s->tmpfd, ids[i], 0);
		}
	}
out:
	closedir(d);
	free(ids);
	return rc;
}
