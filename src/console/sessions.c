/* sessions.c - the console's session table; see sessions.h. One mutex:
 * the console serves people, not load. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "console/sessions.h"
#include "core/crypto.h"
#include "core/timefmt.h"

/* The hashes are kept apart from the sessions so that a lookup scans
 * 32 bytes per slot, not a whole principal. */
struct slot_key {
	uint8_t idhash[SHA256_LEN];
	bool used;
};

static struct slot_key keys[SESS_MAX];
static struct csession *slots; /* SESS_MAX, allocated on first use */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static bool
cookie_hash(const char *cookie, uint8_t out[SHA256_LEN])
{
	size_t i;

	if (!cookie || strlen(cookie) != SESS_COOKIE_LEN)
		return false;
	for (i = 0; i < SESS_COOKIE_LEN; i++)
		if (!((cookie[i] >= '0' && cookie[i] <= '9') || (cookie[i] >= 'a' && cookie[i] <= 'f')))
			return false;
	crypto_sha256(cookie, SESS_COOKIE_LEN, out);
	return true;
}

static bool
expired(const struct csession *s, int64_t now)
{
	return now >= s->created_ms + SESS_ABSOLUTE_MS || now >= s->last_ms + SESS_IDLE_MS;
}

static void
drop(size_t i)
{
	keys[i].used = false;
	crypto_wipe(keys[i].idhash, sizeof keys[i].idhash);
	crypto_wipe(&slots[i], sizeof slots[i]);
}

/* The slot of a hash, or SESS_MAX. Caller holds mu. */
static size_t
find(const uint8_t h[SHA256_LEN])
{
	size_t i;

	for (i = 0; i < SESS_MAX; i++)
		if (keys[i].used && memcmp(keys[i].idhash, h, SHA256_LEN) == 0)
			return i;
	return SESS_MAX;
}

enum err
sess_create(struct csession *s, char cookie[SESS_COOKIE_LEN + 1])
{
	uint8_t id[32], csrf[32], h[SHA256_LEN];
	int64_t now = now_ms();
	size_t i, pick = SESS_MAX, lru = SESS_MAX;

	if (crypto_random(id, sizeof id) || crypto_random(csrf, sizeof csrf))
		return ERR_INTERNAL;
	hex_encode(id, sizeof id, cookie);
	hex_encode(csrf, sizeof csrf, s->csrf);
	crypto_wipe(id, sizeof id);
	crypto_wipe(csrf, sizeof csrf);
	crypto_sha256(cookie, SESS_COOKIE_LEN, h);
	s->created_ms = s->last_ms = now;
	pthread_mutex_lock(&mu);
	if (!slots && !(slots = calloc(SESS_MAX, sizeof *slots))) {
		pthread_mutex_unlock(&mu);
		return ERR_NOMEM;
	}
	/* A free or expired slot, else the least recently used one: a full
	 * table signs out whoever has been away longest. */
	for (i = 0; i < SESS_MAX && pick == SESS_MAX; i++) {
		if (!keys[i].used || expired(&slots[i], now))
			pick = i;
		else if (lru == SESS_MAX || slots[i].last_ms < slots[lru].last_ms)
			lru = i;
	}
	if (pick == SESS_MAX)
		pick = lru;
	keys[pick].used = true;
	memcpy(keys[pick].idhash, h, sizeof h);
	slots[pick] = *s;
	pthread_mutex_unlock(&mu);
	return ERR_OK;
}

bool
sess_get(const char *cookie, struct csession *out)
{
	uint8_t h[SHA256_LEN];
	int64_t now = now_ms();
	bool ok = false;
	size_t i;

	if (!cookie_hash(cookie, h))
		return false;
	pthread_mutex_lock(&mu);
	if (slots && (i = find(h)) < SESS_MAX) {
		if (expired(&slots[i], now)) {
			drop(i);
		} else {
			slots[i].last_ms = now;
			*out = slots[i];
			ok = true;
		}
	}
	pthread_mutex_unlock(&mu);
	return ok;
}

void
sess_update(const char *cookie, const struct csession *s)
{
	uint8_t h[SHA256_LEN];
	size_t i;

	if (!cookie_hash(cookie, h))
		return;
	pthread_mutex_lock(&mu);
	if (slots && (i = find(h)) < SESS_MAX) {
		slots[i].reset_required = s->reset_required;
		slots[i].pw_stamp = s->pw_stamp;
		slots[i].gen = s->gen;
	}
	pthread_mutex_unlock(&mu);
}

void
sess_destroy(const char *cookie)
{
	uint8_t h[SHA256_LEN];
	size_t i;

	if (!cookie_hash(cookie, h))
		return;
	pthread_mutex_lock(&mu);
	if (slots && (i = find(h)) < SESS_MAX)
		drop(i);
	pthread_mutex_unlock(&mu);
}

int64_t
sess_expires(const struct csession *s)
{
	return s->created_ms + SESS_ABSOLUTE_MS;
}

void
sess_fini(void)
{
	pthread_mutex_lock(&mu);
	if (slots) {
		crypto_wipe(slots, SESS_MAX * sizeof *slots);
		free(slots);
		slots = NULL;
	}
	memset(keys, 0, sizeof keys);
	pthread_mutex_unlock(&mu);
}
