/* throttle.h - failed console sign-ins, counted per user and address: 5
 * failures within 15 minutes lock that pair out until the oldest of them
 * is 15 minutes old. A bounded table; the stalest entry makes room. */
#ifndef COFFER_CONSOLE_THROTTLE_H
#define COFFER_CONSOLE_THROTTLE_H

#include <stdint.h>

#define THROTTLE_FAILURES 5
#define THROTTLE_WINDOW_MS (15LL * 60 * 1000)

/* 0 when key may try; else the seconds until it may (Retry-After). */
int64_t throttle_wait_s(const char *key);
void throttle_fail(const char *key);
void throttle_clear(const char *key);

#endif
