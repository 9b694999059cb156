/* route.h - the front of every request: which service answers it (health
 * check or S3 today; IAM, STS and the console join here). */
#ifndef COFFER_ROUTE_H
#define COFFER_ROUTE_H

#include "http/http.h"
#include "s3/s3.h"

/* The http_app whose callbacks route to svc. */
void route_app(struct s3_service *svc, struct http_app *app);

#endif
