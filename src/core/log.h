/* log.h - diagnostics to stderr and the one-line-per-request access log.
 * Never pass secrets, signatures, session tokens or presigned query strings
 * here: the callers log only names, ids and outcomes. */
#ifndef COFFER_LOG_H
#define COFFER_LOG_H

#include <stdint.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level l);
void log_msg(enum log_level l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* One access-log line (JSON) per request. Strings may be NULL. */
struct access_entry {
	const char *id, *remote, *akid, *op, *bucket, *key, *code, *method;
	int status;
	uint64_t bytes_in, bytes_out;
	double ms;
};
void log_access(const struct access_entry *e);

#endif
