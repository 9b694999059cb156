/* route.c - sends each request to its service. The health check answers
 * without authentication and says nothing but "ok". */
#include <string.h>
#include "route.h"

static struct s3_service *s3svc;
static char health_marker;

static enum err
start(struct req *r)
{
	if (strcmp(r->path, "/_coffer/health") == 0 &&
	    (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)) {
		r->app = &health_marker;
		r->op = "Health";
		return ERR_OK;
	}
	return s3_start(s3svc, r);
}

static enum err
body(struct req *r, const char *p, size_t n)
{
	if (r->app == &health_marker)
		return ERR_OK;
	return s3_body(r, p, n);
}

static enum err
finish(struct req *r)
{
	if (r->app == &health_marker) {
		r->status = 200;
		req_set_header(r, "Content-Type", "text/plain");
		buf_adds(&r->body, "ok\n");
		return ERR_OK;
	}
	return s3_finish(r);
}

static void
cleanup(struct req *r)
{
	if (r->app == &health_marker) {
		r->app = NULL;
		return;
	}
	s3_cleanup(r);
}

static void
error(struct req *r, enum err e)
{
	if (r->app == &health_marker) {
		r->status = 500;
		return;
	}
	s3_error(r, e);
}

void
route_app(struct s3_service *svc, struct http_app *app)
{
	s3svc = svc;
	app->start = start;
	app->body = body;
	app->finish = finish;
	app->cleanup = cleanup;
	app->error = error;
}
