/* server.c - `coffer server`: parse options, open the data directory
 * (master key, metadata, blobs), bootstrap the root account, recover from
 * an earlier crash, serve until SIGTERM/SIGINT, then shut down in order. */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "audit/audit.h"
#include "console/console.h"
#include "auth/secrets.h"
#include "core/log.h"
#include "http/http.h"
#include "iam/bootstrap.h"
#include "iam/iam.h"
#include "query/query.h"
#include "route.h"
#include "s3/ingest.h"
#include "s3/s3.h"
#include "server.h"

struct listen_addr {
	char host[256];
	int port;
};

struct server_opts {
	const char *data;
	char host[256];
	int port;
	struct listen_addr console; /* port 0: no console */
	const char *region;
	const char *domain;
	unsigned threads;
	unsigned idle_timeout;
};

void
server_usage(FILE *out)
{
	fprintf(out,
		"usage: coffer server [options]\n"
		"\n"
		"Runs the S3-compatible server on one data directory.\n"
		"\n"
		"options:\n"
		"  --data DIR          data directory (created if missing)   [./data]\n"
		"  --listen HOST:PORT  address to serve S3 on; IPv6 as [::1]:9000 [127.0.0.1:9000]\n"
		"  --console-listen HOST:PORT|off\n"
		"                      address of the web console, or off     [127.0.0.1:9001]\n"
		"  --region NAME       the region this server is             [us-east-1]\n"
		"  --domain NAME       base domain for virtual-hosted-style buckets\n"
		"                      (BUCKET.NAME); path style always works\n"
		"  --threads N         worker threads                         [2 per usable core]\n"
		"  --idle-timeout S    close idle connections after S seconds [60]\n"
		"  -h, --help          this text\n"
		"\n"
		"environment (read on the first start of an empty data directory):\n"
		"  COFFER_ROOT_ACCESS_KEY_ID, COFFER_ROOT_SECRET_ACCESS_KEY\n"
		"                      the root user's access key (generated and printed once\n"
		"                      when unset)\n"
		"  COFFER_ROOT_USER    the root user's name                   [root]\n"
		"  COFFER_ROOT_PASSWORD\n"
		"                      the root user's console password (generated and printed\n"
		"                      once when unset; read while the root user has none)\n"
		"environment (every start):\n"
		"  COFFER_MASTER_KEY   64 hex digits: the key sealing stored secrets, instead of\n"
		"                      DIR/master.key\n");
}

static int
parse_listen(const char *s, struct listen_addr *o)
{
	const char *colon;
	char *end;
	long port;
	size_t hl;

	if (*s == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':')
			return -1;
		hl = (size_t)(rb - s - 1);
		if (hl >= sizeof o->host)
			return -1;
		memcpy(o->host, s + 1, hl);
		o->host[hl] = '\0';
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - s);
		if (hl == 0 || hl >= sizeof o->host)
			return -1;
		memcpy(o->host, s, hl);
		o->host[hl] = '\0';
		if (strcmp(o->host, "localhost") == 0)
			strcpy(o->host, "127.0.0.1");
	}
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return -1;
	o->port = (int)port;
	return 0;
}

static int
parse_args(int argc, char **argv, struct server_opts *o)
{
	static const struct option longopts[] = {
		{"data", required_argument, NULL, 'd'},
		{"listen", required_argument, NULL, 'l'},
		{"console-listen", required_argument, NULL, 'c'},
		{"region", required_argument, NULL, 'r'},
		{"domain", required_argument, NULL, 'D'},
		{"threads", required_argument, NULL, 't'},
		{"idle-timeout", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	long n;
	char *end;
	int ch;

	o->data = "./data";
	strcpy(o->host, "127.0.0.1");
	o->port = 9000;
	strcpy(o->console.host, "127.0.0.1");
	o->console.port = 9001;
	o->region = "us-east-1";
	o->domain = NULL;
	/* The CPUs this process may run on (taskset, cgroup cpusets), not all
	 * the machine has: threads beyond them only queue for the same cores. */
	{
		cpu_set_t set;
		n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
								   : sysconf(_SC_NPROCESSORS_ONLN);
	}
	/* Two per core: a PutObject no longer holds its thread while it
	 * commits, so more threads mostly time-slice one core, which is what
	 * a GET's tail latency pays for (p99 on one core, 64 connections:
	 * 4 threads 12.6 ms, 2 threads 4.8 ms, 1 thread 2.3 ms). Not one:
	 * other writes (copies, multipart completion, IAM) still block theirs. */
	o->threads = (unsigned)(n > 0 ? 2 * n : 4);
	o->idle_timeout = 60;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			o->data = optarg;
			break;
		case 'l': {
			struct listen_addr a;
			if (parse_listen(optarg, &a)) {
				fprintf(stderr, "coffer server: --listen wants HOST:PORT, got '%s'\n", optarg);
				return 2;
			}
			memcpy(o->host, a.host, sizeof o->host);
			o->port = a.port;
			break;
		}
		case 'c':
			if (strcmp(optarg, "off") == 0) {
				o->console.port = 0;
			} else if (parse_listen(optarg, &o->console)) {
				fprintf(stderr, "coffer server: --console-listen wants HOST:PORT or off, "
					"got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'r':
			if (!*optarg || strlen(optarg) > 31) {
				fprintf(stderr, "coffer server: --region wants a region name\n");
				return 2;
			}
			o->region = optarg;
			break;
		case 'D':
			o->domain = *optarg ? optarg : NULL;
			break;
		case 't':
			n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 1024) {
				fprintf(stderr, "coffer server: --threads wants 1..1024\n");
				return 2;
			}
			o->threads = (unsigned)n;
			break;
		case 'i':
			n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 86400) {
				fprintf(stderr, "coffer server: --idle-timeout wants 1..86400 seconds\n");
				return 2;
			}
			o->idle_timeout = (unsigned)n;
			break;
		case 'h':
			server_usage(stdout);
			return 1;
		default:
			fprintf(stderr, "coffer server: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			server_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "coffer server: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return 0;
}

static bool
recover_keep(void *ctx, const char *id)
{
	bool yes = false;

	/* On error keep the file: losing acknowledged bytes is worse than a leak. */
	if (meta_blob_referenced(ctx, id, &yes))
		return true;
	return yes;
}

int
server_main(int argc, char **argv)
{
	struct server_opts o;
	struct s3_service svc;
	struct query_env qenv;
	struct query_service iam, sts;
	struct http_app app;
	struct http_opts ho;
	struct http_server *hs = NULL, *cs = NULL;
	struct http_app capp;
	struct console_cfg ccfg;
	char s3url[300];
	struct meta_account acct;
	uint8_t master[MASTER_KEY_LEN];
	char dbpath[4200];
	sigset_t set;
	int rc, sig = 0, status = 1;
	enum err e;

	if ((rc = parse_args(argc, argv, &o)))
		return rc == 1 ? 0 : rc;
	memset(&svc, 0, sizeof svc);
	if (mkdir(o.data, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "coffer server: cannot create data directory %s: %s\n", o.data,
			strerror(errno));
		return 1;
	}
	/* Signals are taken by sigwait below; block them before any thread starts. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((e = secrets_load_master(o.data, master))) {
		fprintf(stderr, "coffer server: cannot load the master key\n");
		return 1;
	}
	snprintf(dbpath, sizeof dbpath, "%s/meta.db", o.data);
	if ((e = meta_open(dbpath, &svc.meta))) {
		fprintf(stderr, "coffer server: cannot open %s\n", dbpath);
		goto out;
	}
	if ((e = secrets_finish_rotation(o.data, svc.meta, master))) {
		fprintf(stderr, "coffer server: cannot finish the interrupted master key rotation\n");
		goto out;
	}
	if ((e = blob_store_open(o.data, &svc.blobs))) {
		fprintf(stderr, "coffer server: cannot open the object store in %s\n", o.data);
		goto out;
	}
	if ((e = audit_open(o.data))) {
		fprintf(stderr, "coffer server: cannot open the audit log in %s\n", o.data);
		goto out;
	}
	if ((e = iam_bootstrap(svc.meta, master, &acct))) {
		fprintf(stderr, "coffer server: cannot set up the root account\n");
		goto out;
	}
	/* Crash recovery: publish or drop in-flight blobs, then finish deletions. */
	if ((e = blob_recover(svc.blobs, recover_keep, svc.meta)))
		log_warn("recovery of in-flight uploads failed; will retry at next start");
	s3_gc_sweep(&svc);

	svc.region = o.region;
	svc.domain = o.domain;
	svc.auth.meta = svc.meta;
	svc.auth.master = master;
	svc.auth.region = o.region;
	qenv.meta = svc.meta;
	qenv.master = master;
	qenv.auth = &svc.auth;
	qenv.region = o.region;
	qenv.data_dir = o.data;
	iam = (struct query_service){"iam", "2010-05-08", "https://iam.amazonaws.com/doc/2010-05-08/",
				     iam_actions, iam_nactions, &qenv};
	sts = (struct query_service){"sts", "2011-06-15", "https://sts.amazonaws.com/doc/2011-06-15/",
				     sts_actions, sts_nactions, &qenv};
	route_app(&svc, &iam, &sts, &app);
	snprintf(s3url, sizeof s3url, "http://%s%s%s:%d", strchr(o.host, ':') ? "[" : "", o.host,
		 strchr(o.host, ':') ? "]" : "", o.port);
	/* Before the S3 listener: whoever sees S3 answer finds the console up. */
	if (o.console.port) {
		/* The console: its own daemon, a few threads (people, not load;
		 * sign-in runs argon2id on them), the same services behind it. */
		ccfg = (struct console_cfg){svc.meta, o.region, acct.id, s3url, o.data, &iam, &sts, &svc};
		if ((e = console_init(&ccfg))) {
			fprintf(stderr, "coffer server: cannot set up the console\n");
			goto out;
		}
		console_app(&capp);
		memset(&ho, 0, sizeof ho);
		ho.host = o.console.host;
		ho.port = o.console.port;
		ho.threads = o.threads < 4 ? o.threads : 4;
		ho.idle_timeout_s = o.idle_timeout;
		ho.conn_memory = 32 * 1024; /* cookies and browser headers */
		ho.max_conns = 256;
		if ((e = http_start(&ho, &capp, &cs))) {
			fprintf(stderr, "coffer server: cannot listen on %s:%d for the console\n",
				o.console.host, o.console.port);
			goto out;
		}
	}
	memset(&ho, 0, sizeof ho);
	ho.host = o.host;
	ho.port = o.port;
	ho.threads = o.threads;
	ho.idle_timeout_s = o.idle_timeout;
	/* Per-connection buffer: bounds the request head (AWS allows 8 KB of
	 * headers) and is the unit MHD reads bodies in. 16 KiB measured as fast
	 * as 64 KiB for 4 KiB GETs and 1 GiB PUTs, at a quarter of the memory
	 * per idle connection (1,000 connections: 16 MiB at most). */
	ho.conn_memory = 16 * 1024;
	ho.max_conns = 4096;
	if ((e = http_start(&ho, &app, &hs))) {
		fprintf(stderr, "coffer server: cannot listen on %s:%d\n", o.host, o.port);
		goto out;
	}
	printf("coffer is serving S3 at %s  (region %s)\n", s3url, o.region);
	printf("  data directory: %s\n", o.data);
	printf("  account %s, root user '%s'\n", acct.id, acct.root_user);
	printf("  root access key: %s\n",
	       getenv("COFFER_ROOT_ACCESS_KEY_ID") && getenv("COFFER_ROOT_ACCESS_KEY_ID")[0]
		   ? "the one in COFFER_ROOT_ACCESS_KEY_ID at first start"
		   : "the one printed at first start (coffer keeps only its encrypted form)");
	if (o.domain)
		printf("  virtual-hosted buckets: http://BUCKET.%s:%d\n", o.domain, o.port);
	printf("  try: aws --endpoint-url http://%s:%d s3 ls\n", o.host, o.port);
	if (o.console.port)
		printf("  console: http://%s%s%s:%d  (sign in as root user '%s' with %s)\n",
		       strchr(o.console.host, ':') ? "[" : "", o.console.host,
		       strchr(o.console.host, ':') ? "]" : "", o.console.port, acct.root_user,
		       getenv("COFFER_ROOT_PASSWORD") && getenv("COFFER_ROOT_PASSWORD")[0]
			   ? "COFFER_ROOT_PASSWORD"
			   : "the password printed at its first start");
	fflush(stdout);
	log_info("serving on %s:%d with %u threads", o.host, o.port, o.threads);

	sigwait(&set, &sig);
	log_info("signal %d: shutting down", sig);
	status = 0;
out:
	http_stop(cs);
	http_stop(hs);
	console_fini();
	if (svc.blobs)
		blob_store_close(svc.blobs);
	if (svc.meta)
		meta_close(svc.meta);
	audit_close();
	crypto_wipe(master, sizeof master);
	return status;
}
