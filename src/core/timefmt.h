/* timefmt.h - the time formats S3 speaks: ISO 8601 (listings), RFC 1123
 * (Last-Modified, conditionals) and SigV4's basic format. */
#ifndef COFFER_TIMEFMT_H
#define COFFER_TIMEFMT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

int64_t now_ms(void);
int64_t mono_ns(void);
/* 2006-02-03T16:45:09.000Z ; out >= 25 bytes */
void fmt_iso8601(int64_t ms, char *out);
/* Fri, 03 Feb 2006 16:45:09 GMT ; out >= 30 bytes */
void fmt_http_date(int64_t ms, char *out);
/* 20130524T000000Z ; out >= 17 bytes */
void fmt_amz_date(int64_t ms, char *out);
/* RFC 1123, RFC 850 and asctime forms; false when unparseable. */
bool parse_http_date(const char *s, time_t *out);
/* YYYYMMDDTHHMMSSZ; false when malformed. */
bool parse_amz_date(const char *s, time_t *out);
/* ISO 8601 as "2006-02-03T16:45:09Z" or with fraction; false when malformed. */
bool parse_iso8601(const char *s, time_t *out);

#endif
