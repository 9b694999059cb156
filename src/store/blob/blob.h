/* blob.h - the only interface to object bytes. Bytes live in files named by
 * an internal random id (never by key). A writer streams into a temporary
 * file; blob_sync makes the bytes durable; blob_publish moves the file to its
 * final place once metadata referencing it has committed. Nothing a client
 * sends ever becomes part of a path. */
#ifndef COFFER_BLOB_H
#define COFFER_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

#define BLOB_ID_LEN 32 /* lower-case hex of 128 random bits */

struct blob_store;
struct blob_writer;

/* Opens (creating if needed) <dir>/objects and <dir>/objects/tmp. */
enum err blob_store_open(const char *dir, struct blob_store **out);
void blob_store_close(struct blob_store *s);

/* A fresh random id, for bytes kept elsewhere (inline objects). */
enum err blob_new_id(char id[BLOB_ID_LEN + 1]);
/* A new writer on a fresh temporary file tmp/<id>. id_out receives the id. */
enum err blob_create(struct blob_store *s, struct blob_writer **out, char id_out[BLOB_ID_LEN + 1]);
/* Appends bytes. ERR_NO_SPACE when the disk is full, ERR_INTERNAL on I/O error. */
enum err blob_write(struct blob_writer *w, const void *p, size_t n);
/* Appends [off, off+len) of an existing published blob, in-kernel where
 * possible (copy_file_range). Used by multipart completion and copies. */
enum err blob_append_from(struct blob_writer *w, const char *src_id, uint64_t off, uint64_t len);
uint64_t blob_written(const struct blob_writer *w);
/* fsync: after this the bytes survive a crash (still in tmp/). Closes the
 * writer; the temp file stays until blob_publish or blob_discard. */
enum err blob_sync(struct blob_writer *w);
/* Frees the writer. If it was not synced, the temp file is removed. */
void blob_writer_free(struct blob_writer *w);

/* Moves tmp/<id> to its final fanned-out place. Call after the metadata that
 * references id has committed; recovery redoes it if a crash intervenes. */
enum err blob_publish(struct blob_store *s, const char *id);
/* Removes tmp/<id> (an upload that failed or lost a race). */
void blob_discard(struct blob_store *s, const char *id);
/* Opens a published blob for reading (O_RDONLY|O_CLOEXEC); size from fstat.
 * ERR_NO_SUCH_KEY if the file is missing. Caller closes fd. */
enum err blob_open_read(struct blob_store *s, const char *id, int *fd, uint64_t *size);
/* Removes a published blob; a missing file is not an error. */
enum err blob_delete(struct blob_store *s, const char *id);

/* Recovery at start: calls keep(ctx, id) for every file in tmp/; when it
 * returns true the file is published, otherwise removed. Cost is bounded by
 * uploads in flight at the crash, never by the number of objects. */
enum err blob_recover(struct blob_store *s, bool (*keep)(void *ctx, const char *id), void *ctx);

#endif
