/* headload.c - a minimal HEAD load generator for the benchmark suite (S5).
 *
 * wrk 4.1 (Debian's) cannot time HEAD requests: its parser waits for the
 * Content-Length bytes a HEAD response announces but never sends. This tool
 * keeps C keep-alive connections busy with HEAD requests, one in flight per
 * connection, cycling through the request paths in a file (presigned URLs,
 * so every request pays the server's SigV4 verification), and prints one
 * JSON object: requests, errors, requests per second and latency percentiles.
 *
 *   headload -c CONNS -d SECONDS -n MAXREQ -p PORT -f PATHS [-H HOST]
 *
 * Bounded in time (-d) and in count (-n). Independent of coffer's code. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HIST_US 200000 /* 1 us buckets up to 200 ms, then one overflow bucket */

struct conn {
	int fd;
	int connected;
	size_t len;
	double sent;
	char buf[8192];
};

static char **paths;
static size_t npaths, next_path;
static unsigned *hist;
static unsigned long long done, errors, non2xx;
static struct sockaddr_in addr;
static char hosthdr[128];
static int ep;

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
conn_open(struct conn *c)
{
	struct epoll_event ev;
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 && errno != EINPROGRESS) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	c->connected = 0;
	c->len = 0;
	ev.events = EPOLLOUT | EPOLLIN;
	ev.data.ptr = c;
	return epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static void
conn_reset(struct conn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	conn_open(c);
}

static int
conn_send(struct conn *c)
{
	char req[8192 + 256];
	const char *p = paths[next_path++ % npaths];
	int n = snprintf(req, sizeof(req), "HEAD %s HTTP/1.1\r\nHost: %s\r\n\r\n", p, hosthdr);
	struct epoll_event ev;

	if (n <= 0 || (size_t)n >= sizeof(req))
		return -1;
	c->sent = now();
	if (write(c->fd, req, n) != n) /* a small request on an idle socket */
		return -1;
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static double
percentile(double q)
{
	unsigned long long want = (unsigned long long)(q * done), seen = 0;
	int i;

	for (i = 0; i <= HIST_US; i++) {
		seen += hist[i];
		if (seen > want)
			return i / 1000.0;
	}
	return HIST_US / 1000.0;
}

int
main(int argc, char **argv)
{
	int conns = 64, port = 0, ch, i, n;
	double dur = 5, t0, end;
	unsigned long long maxreq = 100000000ULL;
	const char *file = NULL, *host = "127.0.0.1";
	struct epoll_event evs[256];
	struct conn *cs;
	FILE *f;
	char line[8192];

	while ((ch = getopt(argc, argv, "c:d:n:p:f:H:")) != -1) {
		switch (ch) {
		case 'c': conns = atoi(optarg); break;
		case 'd': dur = atof(optarg); break;
		case 'n': maxreq = strtoull(optarg, NULL, 10); break;
		case 'p': port = atoi(optarg); break;
		case 'f': file = optarg; break;
		case 'H': host = optarg; break;
		default:
			fprintf(stderr, "usage: headload -c CONNS -d SECONDS -n MAX -p PORT -f PATHS [-H HOST]\n");
			return 2;
		}
	}
	if (!file || port <= 0 || conns <= 0)
		return 2;
	f = fopen(file, "r");
	if (!f)
		return perror(file), 1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		paths = realloc(paths, (npaths + 1) * sizeof(*paths));
		paths[npaths++] = strdup(line);
	}
	fclose(f);
	if (!npaths)
		return 1;
	hist = calloc(HIST_US + 1, sizeof(*hist));
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(port);
	inet_pton(AF_INET, host, &addr.sin_addr);
	snprintf(hosthdr, sizeof(hosthdr), "%s:%d", host, port);
	ep = epoll_create1(EPOLL_CLOEXEC);
	cs = calloc(conns, sizeof(*cs));
	for (i = 0; i < conns; i++) {
		cs[i].fd = -1;
		if (conn_open(&cs[i]) < 0)
			errors++;
	}
	t0 = now();
	end = t0 + dur;
	while (now() < end && done < maxreq) {
		n = epoll_wait(ep, evs, 256, 100);
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			char *hdr_end;
			ssize_t r;

			if (!c->connected) {
				int err = 0;
				socklen_t l = sizeof(err);
				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
				if (err || (evs[i].events & (EPOLLERR | EPOLLHUP))) {
					errors++;
					conn_reset(c);
					continue;
				}
				c->connected = 1;
				if (conn_send(c) < 0) {
					errors++;
					conn_reset(c);
				}
				continue;
			}
			r = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
			if (r <= 0) {
				if (r < 0 && errno == EAGAIN)
					continue;
				errors++; /* closed with a request in flight */
				conn_reset(c);
				continue;
			}
			c->len += r;
			c->buf[c->len] = '\0';
			hdr_end = strstr(c->buf, "\r\n\r\n");
			if (!hdr_end) {
				if (c->len >= sizeof(c->buf) - 1) {
					errors++;
					conn_reset(c);
				}
				continue;
			}
			{
				double us = (now() - c->sent) * 1e6;
				int status = 0;
				sscanf(c->buf, "HTTP/%*d.%*d %d", &status);
				hist[us > HIST_US ? HIST_US : (int)us]++;
				done++;
				if (status < 200 || status > 299)
					non2xx++;
				c->len = 0;
				if (strcasestr(c->buf, "\r\nConnection: close")) {
					conn_reset(c);
					continue;
				}
			}
			if (conn_send(c) < 0) {
				errors++;
				conn_reset(c);
			}
		}
	}
	{
		double el = now() - t0;
		printf("{\"requests\": %llu, \"socket_errors\": %llu, \"non2xx\": %llu, \"seconds\": %.3f, "
		       "\"rps\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f}\n",
		       done, errors, non2xx, el, done / el, percentile(0.5), percentile(0.99));
	}
	return 0;
}
