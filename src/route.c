/* route.c - sends each request to its service: the health check (no
 * authentication, says only "ok"), IAM and STS (AWS Query protocol, told
 * apart by the service in the SigV4 credential scope, as AWS's endpoints
 * would be by host name), and S3 for everything else. */
#include <string.h>
#include <strings.h>
#include "query/query.h"
#include "route.h"

enum service { SVC_HEALTH = 1, SVC_S3, SVC_IAM, SVC_STS };

/* The app state of a request starts with which service owns it. */
static char health_marker;
static struct s3_service *s3svc;
static const struct query_service *iamsvc, *stssvc;

static enum service
service_of(const struct req *r)
{
	if (r->app == &health_marker)
		return SVC_HEALTH;
	if (r->route == SVC_IAM || r->route == SVC_STS)
		return (enum service)r->route;
	return SVC_S3;
}

/* The service named by the credential scope ("AKID/DATE/REGION/SERVICE/
 * aws4_request") of the Authorization header or the X-Amz-Credential query
 * parameter; "" when there is none. */
static void
scope_service(const struct req *r, char *out, size_t cap)
{
	const char *a = req_header(r, "Authorization"), *p = NULL, *end;
	int slashes = 0;
	const char *sep = "/";

	out[0] = '\0';
	if (a && (p = strstr(a, "Credential=")))
		p += 11;
	else if ((p = strstr(r->query, "X-Amz-Credential="))) {
		p += 17;
		sep = "%2F";
	}
	if (!p)
		return;
	while (*p && *p != ',' && *p != '&' && *p != ' ' && slashes < 3) {
		if (strncasecmp(p, sep, strlen(sep)) == 0) {
			slashes++;
			p += strlen(sep);
		} else {
			p++;
		}
	}
	if (slashes != 3)
		return;
	for (end = p; *end && *end != ',' && *end != '&' && *end != ' ' && *end != '/' &&
		      *end != '%' && (size_t)(end - p) < cap - 1;
	     end++)
		;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
}

static enum err
start(struct req *r)
{
	char svc[16];

	if (strcmp(r->path, "/_coffer/health") == 0 &&
	    (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)) {
		r->app = &health_marker;
		r->op = "Health";
		return ERR_OK;
	}
	scope_service(r, svc, sizeof svc);
	if (strcmp(svc, "iam") == 0 && iamsvc) {
		r->route = SVC_IAM;
		return query_start(iamsvc, r);
	}
	if (strcmp(svc, "sts") == 0 && stssvc) {
		r->route = SVC_STS;
		return query_start(stssvc, r);
	}
	r->route = SVC_S3;
	return s3_start(s3svc, r);
}

static enum err
body(struct req *r, const char *p, size_t n)
{
	switch (service_of(r)) {
	case SVC_HEALTH: return ERR_OK;
	case SVC_IAM:
	case SVC_STS: return query_body(r, p, n);
	default: return s3_body(r, p, n);
	}
}

static enum err
finish(struct req *r)
{
	switch (service_of(r)) {
	case SVC_HEALTH:
		r->status = 200;
		req_set_header(r, "Content-Type", "text/plain");
		buf_adds(&r->body, "ok\n");
		return ERR_OK;
	case SVC_IAM:
	case SVC_STS: return query_finish(r);
	default: return s3_finish(r);
	}
}

static void
cleanup(struct req *r)
{
	switch (service_of(r)) {
	case SVC_HEALTH: r->app = NULL; return;
	case SVC_IAM:
	case SVC_STS: query_cleanup(r); return;
	default: s3_cleanup(r);
	}
}

static void
error(struct req *r, enum err e)
{
	switch (service_of(r)) {
	case SVC_HEALTH: r->status = 500; return;
	case SVC_IAM:
	case SVC_STS: query_error(r, e); return;
	default: s3_error(r, e);
	}
}

void
route_app(struct s3_service *s3, const struct query_service *iam, const struct query_service *sts,
	  struct http_app *app)
{
	s3svc = s3;
	iamsvc = iam;
	stssvc = sts;
	app->start = start;
	app->body = body;
	app->finish = finish;
	app->cleanup = cleanup;
	app->error = error;
}
