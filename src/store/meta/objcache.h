/* objcache.h - object rows (and inline bytes) recently read, kept in memory
 * so that a GET or HEAD of a hot object skips SQLite's read transaction,
 * the largest single cost of a small GET. Private to src/store/meta/.
 *
 * Coherence: a write bumps the generation and then drops the keys it
 * changed, after its COMMIT and before it is acknowledged. A reader notes
 * the generation before it starts reading SQLite and may insert what it
 * read only if no write has happened since; a stale row inserted just
 * before the bump is dropped by the writer right after it. So a hit never
 * returns anything older than the last acknowledged write. */
#ifndef COFFER_OBJCACHE_H
#define COFFER_OBJCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/meta/meta.h"

struct objcache;

/* slots: rounded up to a power of two; max_bytes: memory held by entries. */
struct objcache *objcache_new(size_t slots, size_t max_bytes);
void objcache_free(struct objcache *oc);

/* Take before reading SQLite; pass to objcache_put. */
uint64_t objcache_gen(struct objcache *oc);
/* On a hit fills out as meta_object_get would (headers, part_sizes and,
 * when with_data and the object is inline, data: all malloc'd). A row
 * cached without its bytes does not answer a with_data lookup. */
bool objcache_get(struct objcache *oc, const char *bucket, const char *key, size_t klen,
		  bool with_data, struct meta_object *out);
/* Offers a row read from SQLite; with_data: o->data holds an inline
 * object's bytes. Ignored if a write happened since gen. */
void objcache_put(struct objcache *oc, uint64_t gen, const struct meta_object *o, bool with_data);
/* After a write to (bucket, key) committed, before it is acknowledged. */
void objcache_invalidate(struct objcache *oc, const char *bucket, const char *key, size_t klen);

#endif
