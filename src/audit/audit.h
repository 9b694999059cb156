/* audit.h - the audit log: one JSON line per IAM/STS change and per denied
 * request, in CloudTrail's record shape, appended to <data>/audit.log.
 * Parameters that carry secrets (passwords) are never written. */
#ifndef COFFER_AUDIT_H
#define COFFER_AUDIT_H

#include <stdbool.h>
#include "auth/authn.h"
#include "core/err.h"
#include "http/http.h"

enum err audit_open(const char *data_dir);
void audit_close(void);

struct audit_param {
	const char *k, *v;
};

/* One record. source: "iam" | "sts" | "s3"; who may be NULL (unauthenticated);
 * params: the request's parameters (secrets are dropped here by name). */
void audit_record(const struct req *r, const char *source, const char *event,
		  const struct principal *who, const struct audit_param *params, size_t nparams,
		  bool read_only);

#endif
