/* sessions.h - the console's signed-in sessions: an in-memory table keyed
 * by the SHA-256 of a random 256-bit cookie (so lookups reveal nothing
 * about the cookie through timing), with a CSRF token each, 12 hours
 * absolute and 1 hour idle expiry, and a bounded size (the least recently
 * used session goes first). A restart signs everyone out. */
#ifndef COFFER_CONSOLE_SESSIONS_H
#define COFFER_CONSOLE_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>
#include "auth/authn.h"

#define SESS_COOKIE_LEN 64         /* hex of 32 random bytes */
#define SESS_CSRF_LEN 64
#define SESS_MAX 4096
#define SESS_ABSOLUTE_MS (12LL * 3600 * 1000)
#define SESS_IDLE_MS (1LL * 3600 * 1000)

struct csession {
	struct principal who;      /* without session policies */
	char csrf[SESS_CSRF_LEN + 1];
	bool reset_required;       /* the password must be changed first */
	int64_t created_ms, last_ms;
	int64_t pw_stamp;          /* the password's creation time at sign-in */
	uint64_t gen;              /* IAM generation when last checked */
};

/* Starts a session for s (csrf, times filled here); cookie gets its id. */
enum err sess_create(struct csession *s, char cookie[SESS_COOKIE_LEN + 1]);
/* The live session of a cookie (copied, idle time refreshed); false when
 * unknown or expired (an expired one is dropped). */
bool sess_get(const char *cookie, struct csession *out);
/* Stores what a check found (reset flag, stamp, generation). */
void sess_update(const char *cookie, const struct csession *s);
void sess_destroy(const char *cookie);
/* Absolute expiry of a session. */
int64_t sess_expires(const struct csession *s);
void sess_fini(void);

#endif
