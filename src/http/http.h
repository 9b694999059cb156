/* http.h - coffer's view of an HTTP exchange, over libmicrohttpd. The app
 * (router → S3, later IAM/STS/console) sees a struct req with the raw
 * request-target and headers, gets the body in pieces as it streams in, and
 * answers with a small in-memory body or a file range sent with sendfile.
 * Nothing outside src/http includes microhttpd.h. */
#ifndef COFFER_HTTP_H
#define COFFER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "auth/sigv4.h"
#include "core/buf.h"
#include "core/err.h"

#define REQ_ID_LEN 16
#define REQ_MAX_HDRS 128
#define RESP_MAX_HDRS 48

struct req;
struct principal;

/* The application's callbacks. start runs once the headers are in (before
 * 100-continue is sent); body gets each piece of the (de-chunked) body;
 * finish runs after the last byte and must set the response. An error from
 * any of them ends the exchange with app->error's rendering of it; the rest
 * of a body is read and dropped first so the connection stays usable. */
struct http_app {
	enum err (*start)(struct req *r);
	enum err (*body)(struct req *r, const char *p, size_t n);
	enum err (*finish)(struct req *r);
	/* Always called once at the end, success or not (aborted uploads too). */
	void (*cleanup)(struct req *r);
	/* Renders an error response (status, headers, body). */
	void (*error)(struct req *r, enum err e);
};

struct resp_hdr {
	const char *name; /* static string, or owned when name_owned */
	char *value;      /* owned */
	bool name_owned;
};

struct req {
	/* ---- request, read-only for the app ---- */
	char id[REQ_ID_LEN + 1];   /* x-amz-request-id */
	const char *method;
	char *target;              /* raw request-target copy: path[?query] */
	char *path;                /* raw, percent-encoded path (NUL-terminated) */
	char *query;               /* raw query after '?', "" when none */
	struct sigv4_hdr hdrs[REQ_MAX_HDRS];
	size_t nhdrs;
	char remote[64];
	bool head;                 /* HEAD: no body in the answer */
	int64_t t0_ns;
	uint64_t bytes_in;         /* body bytes received */

	/* ---- response, set by the app ---- */
	int status;
	struct buf body;           /* in-memory body (XML/JSON) */
	int fd;                    /* or a file body: fd (owned once set), offset, length */
	uint64_t fd_off, fd_len;
	bool has_fd;
	bool len_only;             /* HEAD: announce fd_len bytes, send none */
	struct resp_hdr rh[RESP_MAX_HDRS];
	size_t nrh;
	bool close_after;          /* ask the client to close the connection */

	/* ---- for the access log, set by the app ---- */
	const char *op;
	char akid[129];
	char *log_bucket;          /* owned */
	char *log_key;             /* owned */
	const char *err_code;
	char decided_by[400];      /* deciding policy and statement of a denial */
	char *err_msg;             /* owned: replaces the table's message */
	struct buf err_xml;        /* extra elements for the error document */

	/* ---- app state ---- */
	/* Set only by the console router (src/console/) after it checked the
	 * session cookie and CSRF token: authentication then takes this signed-in
	 * principal instead of SigV4. Nothing on the S3 listener and no header
	 * can set it; NULL everywhere else. */
	const struct principal *preauth;
	int route;                 /* which service the router gave it to */
	void *app;                 /* the app's per-request state */
	enum err deferred;         /* error met while the body streams */
	int phase;                 /* private to http.c */
	uint64_t bytes_out;
};

/* Case-insensitive lookup of the first value of a request header; NULL if absent. */
const char *req_header(const struct req *r, const char *name);
/* Adds a response header; value is copied. Silently drops past RESP_MAX_HDRS. */
void req_set_header(struct req *r, const char *name, const char *value);
/* Removes response headers named name (case-insensitive). */
void req_unset_header(struct req *r, const char *name);
/* As req_set_header, but the name is copied too (user metadata names). */
void req_set_header_copy(struct req *r, const char *name, size_t nlen, const char *value);
void req_set_headerf(struct req *r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Sets a file body: [off, off+len) of fd, which the response now owns. */
void req_set_file(struct req *r, int fd, uint64_t off, uint64_t len);
/* HEAD answers: Content-Length of len with no body and no file opened. */
void req_set_length_only(struct req *r, uint64_t len);
/* Details for the error answer: a specific message (NULL keeps the
 * table's) and/or one extra element <name>text</name>. */
void req_error_detail(struct req *r, const char *msg, const char *name, const char *text);
void req_set_log_target(struct req *r, const char *bucket, const char *key);

struct http_opts {
	const char *host;         /* listen address, numeric IPv4 or IPv6 */
	int port;
	unsigned threads;         /* worker threads (each with its own epoll) */
	unsigned idle_timeout_s;  /* idle connection timeout */
	size_t conn_memory;       /* per-connection buffer, bounds header size */
	unsigned max_conns;
};

struct http_server;
enum err http_start(const struct http_opts *o, const struct http_app *app,
		    struct http_server **out);
void http_stop(struct http_server *s);

#endif
