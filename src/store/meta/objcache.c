/* objcache.c - see objcache.h. A direct-mapped table: one entry per slot,
 * a newer row for the same slot replaces the older, so there is no list to
 * maintain and a miss costs one compare. Slots are spread over 64 locks;
 * each lock's share of the byte budget is accounted under that lock. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "core/hash.h"
#include "store/meta/objcache.h"

#define SHARDS 64

struct centry {
	uint64_t hash;
	size_t bytes;   /* what this entry holds, for the budget */
	bool has_data;  /* o.data holds the bytes of an inline object */
	struct meta_object o; /* headers, part_sizes, data owned */
};

struct shard {
	pthread_mutex_t lock;
	size_t bytes;
	char pad[64 - sizeof(size_t)]; /* neighbours' locks on other lines */
};

struct objcache {
	_Atomic uint64_t gen;
	size_t mask;
	size_t shard_budget;
	struct centry **slot;
	struct shard shard[SHARDS];
};

static uint64_t
hash_of(const char *bucket, const char *key, size_t klen)
{
	/* the bucket's NUL separates it from the key: no split is ambiguous */
	uint64_t h = fnv1a(fnv1a(FNV1A_SEED, bucket, strlen(bucket) + 1), key, klen);

	return h ^ (h >> 29);
}

static void
entry_free(struct centry *e)
{
	if (!e)
		return;
	meta_object_fini(&e->o);
	free(e);
}

struct objcache *
objcache_new(size_t slots, size_t max_bytes)
{
	struct objcache *oc = calloc(1, sizeof(*oc));
	size_t n = SHARDS, i;

	if (!oc)
		return NULL;
	while (n < slots)
		n <<= 1;
	oc->mask = n - 1;
	oc->shard_budget = max_bytes / SHARDS;
	oc->slot = calloc(n, sizeof(*oc->slot));
	if (!oc->slot) {
		free(oc);
		return NULL;
	}
	for (i = 0; i < SHARDS; i++)
		pthread_mutex_init(&oc->shard[i].lock, NULL);
	return oc;
}

void
objcache_free(struct objcache *oc)
{
	size_t i;

	if (!oc)
		return;
	for (i = 0; i <= oc->mask; i++)
		entry_free(oc->slot[i]);
	for (i = 0; i < SHARDS; i++)
		pthread_mutex_destroy(&oc->shard[i].lock);
	free(oc->slot);
	free(oc);
}

uint64_t
objcache_gen(struct objcache *oc)
{
	return atomic_load(&oc->gen);
}

static bool
same_key(const struct centry *e, uint64_t h, const char *bucket, const char *key, size_t klen)
{
	return e && e->hash == h && e->o.key_len == klen && memcmp(e->o.key, key, klen) == 0 &&
	       strcmp(e->o.bucket, bucket) == 0;
}

/* A malloc'd copy of n bytes (n + 1 allocated, NUL-terminated). */
static char *
dup_bytes(const char *p, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		if (n)
			memcpy(d, p, n);
		d[n] = '\0';
	}
	return d;
}

/* dst = src with its own copies of the strings (and of data if wanted). */
static bool
copy_object(struct meta_object *dst, const struct meta_object *src, bool with_data)
{
	*dst = *src;
	dst->headers = dst->part_sizes = dst->data = NULL;
	if (src->headers && !(dst->headers = strdup(src->headers)))
		goto fail;
	if (src->part_sizes && !(dst->part_sizes = strdup(src->part_sizes)))
		goto fail;
	if (with_data && src->inl && !(dst->data = dup_bytes(src->data, (size_t)src->size)))
		goto fail;
	return true;
fail:
	meta_object_fini(dst);
	return false;
}

bool
objcache_get(struct objcache *oc, const char *bucket, const char *key, size_t klen,
	     bool with_data, struct meta_object *out)
{
	uint64_t h = hash_of(bucket, key, klen);
	size_t i = (size_t)h & oc->mask;
	struct shard *s = &oc->shard[i % SHARDS];
	struct centry *e;
	bool hit = false;

	pthread_mutex_lock(&s->lock);
	e = oc->slot[i];
	if (same_key(e, h, bucket, key, klen) && (!with_data || !e->o.inl || e->has_data))
		hit = copy_object(out, &e->o, with_data);
	pthread_mutex_unlock(&s->lock);
	return hit;
}

void
objcache_put(struct objcache *oc, uint64_t gen, const struct meta_object *o, bool with_data)
{
	uint64_t h;
	size_t i;
	struct shard *s;
	struct centry *e, *old = NULL;

	if (atomic_load(&oc->gen) != gen || (o->inl && o->size > META_INLINE_MAX))
		return;
	with_data = with_data && o->inl && o->data;
	if (!(e = malloc(sizeof(*e))))
		return;
	if (!copy_object(&e->o, o, with_data)) {
		free(e);
		return;
	}
	h = hash_of(o->bucket, o->key, o->key_len);
	e->hash = h;
	e->has_data = with_data;
	e->bytes = sizeof(*e) + (e->o.headers ? strlen(e->o.headers) + 1 : 0) +
		   (e->o.part_sizes ? strlen(e->o.part_sizes) + 1 : 0) +
		   (with_data ? (size_t)o->size + 1 : 0);
	i = (size_t)h & oc->mask;
	s = &oc->shard[i % SHARDS];
	pthread_mutex_lock(&s->lock);
	/* Checked again under the lock: see objcache.h for why this order. */
	if (atomic_load(&oc->gen) == gen) {
		old = oc->slot[i];
		if (old)
			s->bytes -= old->bytes;
		if (s->bytes + e->bytes <= oc->shard_budget) {
			oc->slot[i] = e;
			s->bytes += e->bytes;
			e = NULL;
		} else {
			oc->slot[i] = NULL;
		}
	}
	pthread_mutex_unlock(&s->lock);
	entry_free(old);
	entry_free(e);
}

void
objcache_invalidate(struct objcache *oc, const char *bucket, const char *key, size_t klen)
{
	uint64_t h = hash_of(bucket, key, klen);
	size_t i = (size_t)h & oc->mask;
	struct shard *s = &oc->shard[i % SHARDS];
	struct centry *e = NULL;

	atomic_fetch_add(&oc->gen, 1); /* first: readers in flight may not insert */
	pthread_mutex_lock(&s->lock);
	if (same_key(oc->slot[i], h, bucket, key, klen)) {
		e = oc->slot[i];
		oc->slot[i] = NULL;
		s->bytes -= e->bytes;
	}
	pthread_mutex_unlock(&s->lock);
	entry_free(e);
}
