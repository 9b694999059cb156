/* keycache.h - derived SigV4 signing keys of long-term access keys, with the
 * principal each key stands for, so that a request signed with a known key
 * needs neither the key's row, nor unsealing its secret, nor the four HMACs
 * of the key derivation. Holds no secret: a signing key is good for one
 * day, region and service only. Temporary (ASIA) credentials are not kept. */
#ifndef COFFER_KEYCACHE_H
#define COFFER_KEYCACHE_H

#include <stdbool.h>
#include <stdint.h>
#include "auth/authn.h"
#include "core/buf.h"

/* How long a key's last-used record may go without being refreshed while
 * the same service and region keep using it (the store coalesces further). */
#define KEYCACHE_TOUCH_MS 1000

struct keycache_id {
	const char *akid;
	const char *date; /* YYYYMMDD of the credential scope */
	struct slice region, service;
};

/* True on a hit for generation gen (iamdb_generation_cached): who and key
 * are filled; *touch says whether the last-used record is due. An entry of
 * another generation is wiped. */
bool keycache_get(const struct keycache_id *id, uint64_t gen, int64_t now,
		  struct principal *who, uint8_t key[32], bool *touch);
/* The last-used record was refreshed now for id's key and service. */
void keycache_touched(const struct keycache_id *id, int64_t now);
/* Remembers key for id (after its signature verified), as touched now. */
void keycache_put(const struct keycache_id *id, uint64_t gen, int64_t now,
		  const struct principal *who, const uint8_t key[32]);

#endif
