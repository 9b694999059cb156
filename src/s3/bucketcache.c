/* bucketcache.c - see bucketcache.h. A small table of sets chosen by the
 * bucket name, one lock per set. An entry is filled with the generation read
 * before its rows were, so a change that commits meanwhile leaves it stale
 * at once; a parsed policy is reference counted, so an entry replaced while
 * a request still evaluates its policy stays alive until that request ends.
 * Only buckets that exist are kept: a miss costs what it did before. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "core/hash.h"
#include "core/log.h"
#include "s3/bucketcache.h"

#define SETS 64 /* power of two */
#define WAYS 4

struct bucketcache_pol {
	_Atomic unsigned refs;
	struct pol *pol; /* NULL: no policy (or one that no longer parses) */
};

struct entry {
	uint64_t gen;
	uint64_t used_tick;
	struct meta_bucket row;   /* row.name[0] == 0: empty */
	struct bucketcache_pol *pol;
};

struct set {
	pthread_mutex_t lock;
	uint64_t tick;
	struct entry e[WAYS];
};

static _Atomic uint64_t generation = 1;
static struct set sets[SETS];
static pthread_once_t sets_once = PTHREAD_ONCE_INIT;

static void
sets_init(void)
{
	size_t i;

	for (i = 0; i < SETS; i++)
		pthread_mutex_init(&sets[i].lock, NULL);
}

static struct set *
set_of(const char *name)
{
	pthread_once(&sets_once, sets_init);
	return &sets[fnv1a(FNV1A_SEED, name, strlen(name)) & (SETS - 1)];
}

void
bucketcache_bump(void)
{
	atomic_fetch_add(&generation, 1);
}

const struct pol *
bucketcache_pol_get(const struct bucketcache_pol *p)
{
	return p ? p->pol : NULL;
}

void
bucketcache_pol_release(struct bucketcache_pol *p)
{
	if (p && atomic_fetch_sub(&p->refs, 1) == 1) {
		pol_free(p->pol);
		free(p);
	}
}

/* Copies the current entry for name out; true on a hit. */
static bool
lookup(const char *name, struct meta_bucket *row, struct bucketcache_pol **pol)
{
	uint64_t gen = atomic_load(&generation);
	struct set *s = set_of(name);
	bool hit = false;
	size_t i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < WAYS; i++) {
		struct entry *e = &s->e[i];

		if (!e->row.name[0] || strcmp(e->row.name, name) != 0)
			continue;
		if (e->gen != gen)
			break;
		if (row)
			*row = e->row;
		if (pol) {
			if (e->pol)
				atomic_fetch_add(&e->pol->refs, 1);
			*pol = e->pol;
		}
		e->used_tick = ++s->tick;
		hit = true;
		break;
	}
	pthread_mutex_unlock(&s->lock);
	return hit;
}

static struct bucketcache_pol *
parse_policy(const char *name, const char *doc)
{
	struct bucketcache_pol *p;
	struct buf msg;

	if (!doc || !(p = calloc(1, sizeof *p)))
		return NULL;
	buf_init(&msg, 0);
	if (pol_parse(doc, strlen(doc), POL_RESOURCE, &p->pol, &msg))
		log_warn("s3: the policy of bucket %s no longer parses: %s", name,
			 msg.p ? msg.p : "");
	buf_fini(&msg);
	atomic_init(&p->refs, 1);
	return p;
}

/* Reads the bucket and its policy from the store and keeps them. */
static enum err
fill(struct meta *m, const char *name, struct meta_bucket *row, struct bucketcache_pol **pol)
{
	uint64_t gen = atomic_load(&generation);
	struct meta_bucket b;
	struct bucketcache_pol *p = NULL;
	struct entry *v = NULL;
	struct set *s;
	char *doc = NULL;
	enum err e;
	size_t i;

	if ((e = meta_bucket_get(m, name, &b)))
		return e;
	if ((e = meta_bucket_policy_get(m, name, &doc)))
		return e;
	p = parse_policy(name, doc);
	free(doc);
	if (row)
		*row = b;
	if (pol) {
		if (p)
			atomic_fetch_add(&p->refs, 1);
		*pol = p;
	}
	if (strlen(b.name) != strlen(name) || strcmp(b.name, name) != 0) {
		bucketcache_pol_release(p); /* not the name asked for: keep nothing */
		return ERR_OK;
	}
	s = set_of(name);
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < WAYS && !v; i++)
		if (!s->e[i].row.name[0] || strcmp(s->e[i].row.name, name) == 0)
			v = &s->e[i];
	if (!v) {
		v = &s->e[0];
		for (i = 1; i < WAYS; i++)
			if (s->e[i].used_tick < v->used_tick)
				v = &s->e[i];
	}
	bucketcache_pol_release(v->pol);
	v->gen = gen;
	v->row = b;
	v->pol = p;
	v->used_tick = ++s->tick;
	pthread_mutex_unlock(&s->lock);
	return ERR_OK;
}

enum err
bucketcache_get(struct meta *m, const char *name, struct meta_bucket *out)
{
	if (lookup(name, out, NULL))
		return ERR_OK;
	return fill(m, name, out, NULL);
}

enum err
bucketcache_policy(struct meta *m, const char *name, struct bucketcache_pol **out)
{
	enum err e;

	*out = NULL;
	if (lookup(name, NULL, out))
		return ERR_OK;
	if ((e = fill(m, name, NULL, out)) == ERR_NO_SUCH_BUCKET)
		e = ERR_OK;
	return e;
}
