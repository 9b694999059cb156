/* console.h - the web console's listener: a browser client of coffer's own
 * IAM, STS and S3 APIs. The console authenticates a person by a session
 * cookie (instead of SigV4) and hands the request to the very same
 * query_start / s3_start code with that principal, so policy checks, errors
 * and audit records are those of an API call. Also serves the embedded
 * browser app (src/console/assets/) and a small JSON session API. */
#ifndef COFFER_CONSOLE_H
#define COFFER_CONSOLE_H

#include "http/http.h"
#include "query/query.h"
#include "s3/s3.h"
#include "store/meta/meta.h"

struct console_cfg {
	struct meta *meta;
	const char *region;
	const char *account;            /* the account id */
	const char *s3_endpoint;        /* URL of the S3 listener, for /api/info */
	const char *data_dir;           /* where audit.log is */
	const struct query_service *iam, *sts;
	struct s3_service *s3;
};

/* Keeps cfg (its strings and services must outlive the server). */
enum err console_init(const struct console_cfg *cfg);
/* The http_app of the console listener. */
void console_app(struct http_app *app);
/* Signs everyone out and frees the session table. */
void console_fini(void);

#endif
