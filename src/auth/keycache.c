/* keycache.c - see keycache.h. A fixed table of sets chosen by the access
 * key id, a few entries each, one lock per set: all entries of one key id
 * share a set, so marking one as just touched can clear the others. An
 * entry is trusted only for the IAM generation it was filled in; a change
 * to any key, user or policy moves the generation, so a deactivated or
 * deleted key is looked up (and refused) on the very next request. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "auth/keycache.h"
#include "core/crypto.h"
#include "core/hash.h"

#define SETS 1024 /* power of two */
#define WAYS 4
#define REGION_CAP 65
#define SERVICE_CAP 33

struct entry {
	uint64_t gen;
	uint64_t used_tick; /* for least-recently-used replacement */
	int64_t touch_ms;   /* last-used record refreshed at; 0: due */
	char akid[META_AKID_MAX + 1];
	char date[9];
	char region[REGION_CAP];
	char service[SERVICE_CAP];
	uint8_t key[32];
	struct principal who;
};

struct set {
	pthread_mutex_t lock;
	uint64_t tick;
	struct entry *e[WAYS]; /* allocated on first use: an idle server holds none */
};

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
set_of(const char *akid)
{
	pthread_once(&sets_once, sets_init);
	return &sets[fnv1a(FNV1A_SEED, akid, strlen(akid)) & (SETS - 1)];
}

static bool
same_slice(const char *s, struct slice v)
{
	return strlen(s) == v.len && (v.len == 0 || memcmp(s, v.p, v.len) == 0);
}

static bool
matches(const struct entry *e, const struct keycache_id *id)
{
	return e->akid[0] && strcmp(e->akid, id->akid) == 0 && strcmp(e->date, id->date) == 0 &&
	       same_slice(e->region, id->region) && same_slice(e->service, id->service);
}

/* The record in the store now names this entry's service: the other
 * entries of the key id must refresh it again when next used. */
static void
mark_touched(struct set *s, struct entry *t, int64_t now)
{
	size_t i;

	for (i = 0; i < WAYS; i++)
		if (s->e[i] && s->e[i] != t && strcmp(s->e[i]->akid, t->akid) == 0)
			s->e[i]->touch_ms = 0;
	t->touch_ms = now ? now : 1;
}

bool
keycache_get(const struct keycache_id *id, uint64_t gen, int64_t now, struct principal *who,
	     uint8_t key[32], bool *touch)
{
	struct set *s = set_of(id->akid);
	bool hit = false;
	size_t i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < WAYS; i++) {
		struct entry *e = s->e[i];

		if (!e || !matches(e, id))
			continue;
		if (e->gen != gen) {
			crypto_wipe(e, sizeof *e); /* empty: akid[0] == 0 */
			break;
		}
		memcpy(who, &e->who, sizeof *who);
		memcpy(key, e->key, 32);
		e->used_tick = ++s->tick;
		*touch = !e->touch_ms || now - e->touch_ms >= KEYCACHE_TOUCH_MS || now < e->touch_ms;
		hit = true;
		break;
	}
	pthread_mutex_unlock(&s->lock);
	return hit;
}

void
keycache_put(const struct keycache_id *id, uint64_t gen, int64_t now, const struct principal *who,
	     const uint8_t key[32])
{
	struct set *s;
	struct entry *v = NULL;
	size_t i;

	if (strlen(id->akid) > META_AKID_MAX || strlen(id->date) != 8 ||
	    id->region.len >= REGION_CAP || id->service.len >= SERVICE_CAP || who->temporary)
		return;
	s = set_of(id->akid);
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < WAYS && !v; i++)
		if (s->e[i] && matches(s->e[i], id))
			v = s->e[i];
	for (i = 0; i < WAYS && !v; i++) {
		if (!s->e[i])
			s->e[i] = calloc(1, sizeof *s->e[i]);
		if (s->e[i] && !s->e[i]->akid[0])
			v = s->e[i];
	}
	if (!v)
		for (i = 0; i < WAYS; i++)
			if (s->e[i] && (!v || s->e[i]->used_tick < v->used_tick))
				v = s->e[i];
	if (v) {
		crypto_wipe(v, sizeof *v);
		v->gen = gen;
		memcpy(v->akid, id->akid, strlen(id->akid) + 1);
		memcpy(v->date, id->date, 9);
		memcpy(v->region, id->region.p, id->region.len);
		v->region[id->region.len] = '\0';
		memcpy(v->service, id->service.p, id->service.len);
		v->service[id->service.len] = '\0';
		memcpy(v->key, key, 32);
		memcpy(&v->who, who, sizeof *who);
		v->who.session_policy = v->who.session_policy_arns = NULL;
		v->used_tick = ++s->tick;
		mark_touched(s, v, now);
	}
	pthread_mutex_unlock(&s->lock);
}

void
keycache_touched(const struct keycache_id *id, int64_t now)
{
	struct set *s = set_of(id->akid);
	size_t i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < WAYS; i++)
		if (s->e[i] && matches(s->e[i], id)) {
			mark_touched(s, s->e[i], now);
			break;
		}
	pthread_mutex_unlock(&s->lock);
}
