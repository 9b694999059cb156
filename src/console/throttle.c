/* throttle.c - see throttle.h. Keys are hashed, so the table holds no user
 * names or addresses. */
#include <pthread.h>
#include <string.h>
#include "console/throttle.h"
#include "core/crypto.h"
#include "core/timefmt.h"

#define THROTTLE_SLOTS 1024

struct entry {
	uint8_t h[SHA256_LEN];
	int64_t fails[THROTTLE_FAILURES]; /* ring of failure times, 0 = none */
	unsigned next;
	int64_t last;
	bool used;
};

static struct entry table[THROTTLE_SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static struct entry *
lookup(const char *key, bool create)
{
	uint8_t h[SHA256_LEN];
	struct entry *stale = &table[0];
	size_t i;

	crypto_sha256(key, strlen(key), h);
	for (i = 0; i < THROTTLE_SLOTS; i++) {
		if (table[i].used && memcmp(table[i].h, h, sizeof h) == 0)
			return &table[i];
		if (!table[i].used || (stale->used && table[i].last < stale->last))
			stale = &table[i];
	}
	if (!create)
		return NULL;
	memset(stale, 0, sizeof *stale);
	memcpy(stale->h, h, sizeof h);
	stale->used = true;
	return stale;
}

int64_t
throttle_wait_s(const char *key)
{
	int64_t now = now_ms(), oldest = INT64_MAX, wait = 0;
	struct entry *e;
	unsigned i, n = 0;

	pthread_mutex_lock(&mu);
	if ((e = lookup(key, false))) {
		for (i = 0; i < THROTTLE_FAILURES; i++)
			if (e->fails[i] && now - e->fails[i] < THROTTLE_WINDOW_MS) {
				n++;
				if (e->fails[i] < oldest)
					oldest = e->fails[i];
			}
		if (n >= THROTTLE_FAILURES)
			wait = (oldest + THROTTLE_WINDOW_MS - now + 999) / 1000;
	}
	pthread_mutex_unlock(&mu);
	return wait;
}

void
throttle_fail(const char *key)
{
	struct entry *e;

	pthread_mutex_lock(&mu);
	e = lookup(key, true);
	e->last = now_ms();
	e->fails[e->next] = e->last;
	e->next = (e->next + 1) % THROTTLE_FAILURES;
	pthread_mutex_unlock(&mu);
}

void
throttle_clear(const char *key)
{
	struct entry *e;

	pthread_mutex_lock(&mu);
	if ((e = lookup(key, false)))
		memset(e, 0, sizeof *e);
	pthread_mutex_unlock(&mu);
}
