/* cond.h - HTTP conditional requests as S3 applies them (RFC 7232 order):
 * If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since, and the
 * x-amz-copy-source-if-* forms used by copies (where every failure is 412). */
#ifndef COFFER_COND_H
#define COFFER_COND_H

#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"
#include "http/http.h"

/* prefix: "" for GET/HEAD ("If-Match" …), "x-amz-copy-source-" for copies.
 * Returns ERR_OK, ERR_PRECONDITION_FAILED or ERR_NOT_MODIFIED (GET/HEAD only;
 * copies get ERR_PRECONDITION_FAILED instead). */
enum err cond_check(const struct req *r, const char *prefix, const char *etag, int64_t mtime_ms);
/* Does an If-Match / If-None-Match list ("*", quoted or bare, comma-separated) hold etag? */
bool etag_list_has(const char *list, const char *etag);

#endif
