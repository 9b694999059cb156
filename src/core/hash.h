/* hash.h - FNV-1a, the one hash of coffer's in-memory caches (slot and set
 * choice, never anything a client could exploit for more than a slower
 * cache: every lookup compares the full key). */
#ifndef COFFER_HASH_H
#define COFFER_HASH_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A_SEED 0xcbf29ce484222325ull

/* Continues hash h over n bytes (start with FNV1A_SEED). */
static inline uint64_t
fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

#endif
