/* http.c - the libmicrohttpd adapter: one struct req per request, created
 * from the raw request-target, fed with body pieces as they stream in, and
 * answered from a buffer or a file (sendfile). Also writes the access log. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "core/crypto.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "http.h"

enum { PH_NEW, PH_BODY, PH_PARKED, PH_DONE };

/* Seconds a new connection has to send its first request line. */
#define FIRST_LINE_TIMEOUT_S 4

/* ERR_PENDING: the worker suspends the connection and the completing thread
 * resumes it, in whichever order they get there. */
enum { PARK_RUNNING, PARK_SUSPENDED, PARK_RESUMED_EARLY };

struct http_server {
	struct MHD_Daemon *d;
	const struct http_app *app;
	/* ERR_PENDING bookkeeping: suspended connections, and shutdown, which
	 * must not close a connection another thread is about to resume. */
	_Atomic int parked;
	_Atomic bool stopping;
	unsigned idle_timeout_s;
	pthread_mutex_t wlock;
	pthread_cond_t wcv; /* an early completion, for a worker waiting at shutdown */
};

const char *
req_header(const struct req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nhdrs; i++)
		if (strcasecmp(r->hdrs[i].name, name) == 0)
			return r->hdrs[i].value;
	return NULL;
}

void
req_set_header(struct req *r, const char *name, const char *value)
{
	if (r->nrh >= RESP_MAX_HDRS)
		return;
	r->rh[r->nrh].name = name;
	r->rh[r->nrh].name_owned = false;
	r->rh[r->nrh].value = strdup(value ? value : "");
	if (r->rh[r->nrh].value)
		r->nrh++;
}

void
req_unset_header(struct req *r, const char *name)
{
	size_t i = 0;

	while (i < r->nrh) {
		if (strcasecmp(r->rh[i].name, name) == 0) {
			free(r->rh[i].value);
			if (r->rh[i].name_owned)
				free((char *)r->rh[i].name);
			r->rh[i] = r->rh[--r->nrh];
		} else {
			i++;
		}
	}
}

void
req_set_header_copy(struct req *r, const char *name, size_t nlen, const char *value)
{
	char *n;

	if (r->nrh >= RESP_MAX_HDRS || !(n = strndup(name, nlen)))
		return;
	req_set_header(r, n, value);
	if (r->nrh && r->rh[r->nrh - 1].name == n)
		r->rh[r->nrh - 1].name_owned = true;
	else
		free(n);
}

void
req_set_headerf(struct req *r, const char *name, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	req_set_header(r, name, tmp);
}

void
req_set_file(struct req *r, int fd, uint64_t off, uint64_t len)
{
	if (r->has_fd)
		close(r->fd);
	r->fd = fd;
	r->fd_off = off;
	r->fd_len = len;
	r->has_fd = true;
}

void
req_set_length_only(struct req *r, uint64_t len)
{
	r->len_only = true;
	r->fd_len = len;
}

void
req_set_log_target(struct req *r, const char *bucket, const char *key)
{
	free(r->log_bucket);
	free(r->log_key);
	r->log_bucket = bucket && *bucket ? strdup(bucket) : NULL;
	r->log_key = key && *key ? strdup(key) : NULL;
}

void
req_error_detail(struct req *r, const char *msg, const char *name, const char *text)
{
	if (msg) {
		free(r->err_msg);
		r->err_msg = strdup(msg);
	}
	if (name && text) {
		buf_printf(&r->err_xml, "<%s>", name);
		buf_add_xml(&r->err_xml, text, strlen(text));
		buf_printf(&r->err_xml, "</%s>", name);
	}
}

static void
req_free(struct req *r)
{
	size_t i;

	free(r->err_msg);
	buf_fini(&r->err_xml);
	if (r->has_fd)
		close(r->fd);
	for (i = 0; i < r->nrh; i++) {
		free(r->rh[i].value);
		if (r->rh[i].name_owned)
			free((char *)r->rh[i].name);
	}
	buf_fini(&r->body);
	free(r->target);
	free(r->log_bucket);
	free(r->log_key);
	free(r);
}

/* A request id: unique, not secret (it is sent to the client and logged).
 * Each thread draws a random 64-bit seed once and then numbers its requests
 * through splitmix64's finaliser, a bijection: ids of one thread never
 * repeat, and two threads collide with odds of a random 64-bit clash.
 * RAND_bytes per request cost more than the rest of the id handling. */
static void
next_id(uint8_t out[REQ_ID_LEN / 2])
{
	static _Thread_local uint64_t state;
	static _Thread_local bool seeded;
	uint64_t z;
	size_t i;

	if (!seeded) {
		if (crypto_random(&state, sizeof state))
			state = (uint64_t)mono_ns() ^ (uint64_t)(uintptr_t)&state;
		seeded = true;
	}
	z = (state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	for (i = 0; i < REQ_ID_LEN / 2; i++)
		out[i] = (uint8_t)(z >> (8 * i));
}

/* Called by MHD with the raw request-target before anything is decoded: the
 * only place the path and query are seen exactly as the client signed them. */
static void *
uri_cb(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *r = calloc(1, sizeof *r);
	uint8_t rnd[REQ_ID_LEN / 2];
	char *q;
	size_t i;

	if (!r)
		return NULL;
	r->t0_ns = mono_ns();
	r->srv = cls;
	MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT,
				  ((struct http_server *)cls)->idle_timeout_s);
	r->fd = -1;
	buf_init(&r->body, 0);
	buf_init(&r->err_xml, 64 * 1024);
	r->target = strdup(uri ? uri : "/");
	if (!r->target) {
		free(r);
		return NULL;
	}
	r->path = r->target;
	q = strchr(r->target, '?');
	if (q) {
		*q = '\0';
		r->query = q + 1;
	} else {
		r->query = r->target + strlen(r->target);
	}
	next_id(rnd);
	hex_encode(rnd, sizeof rnd, r->id);
	for (i = 0; i < REQ_ID_LEN; i++)
		if (r->id[i] >= 'a')
			r->id[i] = (char)(r->id[i] - 'a' + 'A');
	return r;
}

/* Query arguments and the path are parsed by us from the raw target; MHD's
 * own decoding is turned off so nothing is decoded twice. */
static size_t
unescape_none(void *cls, struct MHD_Connection *c, char *s)
{
	return strlen(s);
}

static enum MHD_Result
collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct req *r = cls;

	if (r->nhdrs >= REQ_MAX_HDRS)
		return MHD_NO;
	r->hdrs[r->nhdrs].name = key;
	r->hdrs[r->nhdrs].value = value ? value : "";
	r->nhdrs++;
	return MHD_YES;
}

static ssize_t
no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	return MHD_CONTENT_READER_END_OF_STREAM;
}

static enum MHD_Result
respond(struct MHD_Connection *c, struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t i;

	if (r->len_only) {
		resp = MHD_create_response_from_callback(r->fd_len, 4096, no_body, NULL, NULL);
		r->bytes_out = 0;
	} else if (r->has_fd && r->fd_len > 0) {
		resp = MHD_create_response_from_fd_at_offset64(r->fd_len, r->fd, r->fd_off);
		r->has_fd = false; /* MHD closes it now */
		r->bytes_out = r->fd_len;
	} else {
		size_t n = r->body.len;
		char *p = buf_steal(&r->body);
		resp = MHD_create_response_from_buffer(n, p, MHD_RESPMEM_MUST_FREE);
		if (!resp)
			free(p);
		r->bytes_out = n;
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "x-amz-request-id", r->id);
	MHD_add_response_header(resp, "Server", "coffer");
	for (i = 0; i < r->nrh; i++)
		MHD_add_response_header(resp, r->rh[i].name, r->rh[i].value);
	if (r->close_after)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	if (r->head)
		r->bytes_out = 0;
	ret = MHD_queue_response(c, (unsigned)(r->status ? r->status : 200), resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Drops whatever response was being built, so an error replaces it whole. */
static void
reset_response(struct req *r)
{
	size_t i;

	for (i = 0; i < r->nrh; i++) {
		free(r->rh[i].value);
		if (r->rh[i].name_owned)
			free((char *)r->rh[i].name);
	}
	r->nrh = 0;
	if (r->has_fd)
		close(r->fd);
	r->has_fd = false;
	r->len_only = false;
	buf_reset(&r->body);
	r->status = 0;
}

static void
fail(struct http_server *s, struct req *r, enum err e)
{
	reset_response(r);
	s->app->error(r, e);
}

static bool
expects_body(const struct req *r)
{
	const char *cl = req_header(r, "Content-Length");
	const char *te = req_header(r, "Transfer-Encoding");

	return (cl && strcmp(cl, "0") != 0) || te;
}

static void
fill_remote(struct MHD_Connection *c, struct req *r)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	if (!sa)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->remote,
			  sizeof r->remote);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->remote,
			  sizeof r->remote);
}

/* The answer to a request whose finish returned ERR_PENDING, once the
 * completing thread has set the response or the error (r->resumed). */
static enum MHD_Result
answer_completed(struct http_server *s, struct MHD_Connection *c, struct req *r)
{
	r->phase = PH_DONE;
	if (r->resumed)
		fail(s, r, r->resumed);
	return respond(c, r);
}

/* finish handed r to another thread: stop polling the connection until
 * http_resume. Suspending first and then announcing it means a resume that
 * came before the announcement is seen, and undone here. While the server
 * stops, the worker waits for the completion instead, so that no connection
 * is suspended when libmicrohttpd closes them all (counted before the flag
 * is read, so http_stop either sees the count or we see the flag). */
static enum MHD_Result
park(struct http_server *s, struct MHD_Connection *c, struct req *r)
{
	int expect = PARK_RUNNING;

	atomic_fetch_add(&s->parked, 1);
	if (atomic_load(&s->stopping)) {
		atomic_fetch_sub(&s->parked, 1);
		pthread_mutex_lock(&s->wlock);
		while (atomic_load(&r->park) != PARK_RESUMED_EARLY)
			pthread_cond_wait(&s->wcv, &s->wlock);
		pthread_mutex_unlock(&s->wlock);
		return answer_completed(s, c, r);
	}
	r->phase = PH_PARKED;
	r->conn = c;
	MHD_suspend_connection(c);
	if (!atomic_compare_exchange_strong(&r->park, &expect, PARK_SUSPENDED))
		MHD_resume_connection(c); /* already complete */
	return MHD_YES;
}

void
http_resume(struct req *r, enum err e)
{
	struct http_server *s = r->srv;
	int expect = PARK_RUNNING;

	r->resumed = e;
	/* Before the worker suspended: it sees this and resumes itself. */
	if (atomic_compare_exchange_strong(&r->park, &expect, PARK_RESUMED_EARLY)) {
		pthread_mutex_lock(&s->wlock);
		pthread_cond_broadcast(&s->wcv);
		pthread_mutex_unlock(&s->wlock);
		return;
	}
	MHD_resume_connection(r->conn);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct req *r = *con_cls;
	enum err e;

	if (!r)
		return MHD_NO; /* out of memory in uri_cb: drop the connection */
	switch (r->phase) {
	case PH_NEW:
		r->method = method;
		r->head = strcmp(method, "HEAD") == 0;
		if (MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, r) < 0 ||
		    r->nhdrs >= REQ_MAX_HDRS) {
			r->phase = PH_DONE;
			r->close_after = true;
			fail(s, r, ERR_HEADER_TOO_LARGE);
			return respond(c, r);
		}
		fill_remote(c, r);
		r->phase = PH_BODY;
		if ((e = s->app->start(r))) {
			/* Refused before the body: answer now (no 100-continue), and
			 * close, since the body will not be read. */
			r->phase = PH_DONE;
			r->close_after = expects_body(r);
			fail(s, r, e);
			return respond(c, r);
		}
		return MHD_YES;
	case PH_BODY:
		if (*upload_data_size) {
			r->bytes_in += *upload_data_size;
			if (!r->deferred)
				r->deferred = s->app->body(r, upload_data, *upload_data_size);
			*upload_data_size = 0;
			return MHD_YES;
		}
		r->phase = PH_DONE;
		e = r->deferred ? r->deferred : s->app->finish(r);
		if (e == ERR_PENDING)
			return park(s, c, r);
		if (e)
			fail(s, r, e);
		return respond(c, r);
	case PH_PARKED:
		atomic_fetch_sub(&s->parked, 1);
		return answer_completed(s, c, r);
	default:
		return MHD_NO;
	}
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
	  enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct req *r = *con_cls;
	struct access_entry a;

	if (!r)
		return;
	*con_cls = NULL;
	if (r->phase != PH_NEW)
		s->app->cleanup(r);
	memset(&a, 0, sizeof a);
	a.id = r->id;
	a.remote = r->remote;
	a.akid = r->akid[0] ? r->akid : NULL;
	a.method = r->method;
	a.op = r->op;
	a.bucket = r->log_bucket;
	a.key = r->log_key;
	a.status = r->status;
	a.code = r->err_code;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK) {
		/* The client went away or timed out: nothing was acknowledged. */
		if (r->phase != PH_DONE || !r->status)
			a.status = 0;
		a.code = toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? "RequestTimeout"
								       : "ClientAborted";
	}
	a.bytes_in = r->bytes_in;
	a.bytes_out = r->bytes_out;
	a.ms = (double)(mono_ns() - r->t0_ns) / 1e6;
	if (r->method)
		log_access(&a);
	req_free(r);
}

/* A new connection gets a short time to send its first request line
 * (see http_start); the request line restores the idle timeout (uri_cb). */
static void
conn_started(void *cls, struct MHD_Connection *c, void **socket_context,
	     enum MHD_ConnectionNotificationCode toe)
{
	struct http_server *s = cls;
	unsigned t = s->idle_timeout_s;

	if (toe != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	if (t == 0 || t > FIRST_LINE_TIMEOUT_S)
		t = FIRST_LINE_TIMEOUT_S;
	MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, t);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_warn("http: %s", line);
}

enum err
http_start(const struct http_opts *o, const struct http_app *app, struct http_server **out)
{
	struct http_server *s = calloc(1, sizeof *s);
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr *sa;
	/* epoll: each worker waits on its ready connections only. poll() walks
	 * all of them every round, which at 1,000 connections starved some
	 * for seconds (GET p99 3.75 s against 24 ms with epoll, and a third
	 * fewer requests). libmicrohttpd 0.9.75's epoll mode can miss the FIN
	 * of a client that sent part of a request line and shut down its side:
	 * a new connection therefore has FIRST_LINE_TIMEOUT_S to send its
	 * first request line (conn_started) before the idle timeout applies. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME;

	if (!s)
		return ERR_NOMEM;
	s->app = app;
	s->idle_timeout_s = o->idle_timeout_s;
	pthread_mutex_init(&s->wlock, NULL);
	pthread_cond_init(&s->wcv, NULL);
	memset(&sin, 0, sizeof sin);
	memset(&sin6, 0, sizeof sin6);
	if (inet_pton(AF_INET, o->host, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)o->port);
		sa = (struct sockaddr *)&sin;
	} else if (inet_pton(AF_INET6, o->host, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)o->port);
		sa = (struct sockaddr *)&sin6;
		flags |= MHD_USE_IPv6;
	} else {
		free(s);
		return ERR_INVALID_ARGUMENT;
	}
	s->d = MHD_start_daemon(
	    flags, (uint16_t)o->port, NULL, NULL, handle, s,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
	    MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
	    MHD_OPTION_THREAD_POOL_SIZE, o->threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->conn_memory,
	    MHD_OPTION_CONNECTION_LIMIT, o->max_conns,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_cb, s,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape_none, s,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, s,
	    MHD_OPTION_NOTIFY_CONNECTION, conn_started, s,
	    MHD_OPTION_END);
	if (!s->d) {
		pthread_mutex_destroy(&s->wlock);
		pthread_cond_destroy(&s->wcv);
		free(s);
		return ERR_INTERNAL;
	}
	*out = s;
	return ERR_OK;
}

void
http_stop(struct http_server *s)
{
	int i;

	if (!s)
		return;
	/* Parked requests complete within a group commit; give them 30 s. */
	atomic_store(&s->stopping, true);
	for (i = 0; i < 30000 && atomic_load(&s->parked) > 0; i++)
		usleep(1000);
	if (atomic_load(&s->parked) > 0)
		log_error("http: stopping with %d requests still waiting", atomic_load(&s->parked));
	MHD_stop_daemon(s->d);
	pthread_mutex_destroy(&s->wlock);
	pthread_cond_destroy(&s->wcv);
	free(s);
}
