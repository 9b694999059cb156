/* route.h - the front of every request: which service answers it (health
 * check or S3 today; IAM, STS and the console join here). */
#ifndef COFFER_ROUTE_H
#define COFFER_ROUTE_H

#include "http/http.h"
#include "query/query.h"
#include "s3/s3.h"

/* The http_app whose callbacks route to the services (iam/sts may be NULL). */
void route_app(struct s3_service *s3, const struct query_service *iam,
	       const struct query_service *sts, struct http_app *app);

#endif
