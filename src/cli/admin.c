/* admin.c - `coffer admin` subcommands. They open the data directory
 * directly; run them with the server stopped. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "auth/secrets.h"
#include "cli/admin.h"
#include "store/meta/meta.h"

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: coffer admin <command> [--data DIR]\n"
		"\n"
		"Maintenance of a data directory (stop the server first).\n"
		"\n"
		"commands:\n"
		"  rotate-master-key   make a new master key and re-seal every stored secret\n"
		"                      with it; temporary (STS) credentials issued before\n"
		"                      stop working\n"
		"\n"
		"options:\n"
		"  --data DIR          the data directory [./data]\n");
}

static int
rotate(const char *data)
{
	struct meta *m = NULL;
	char db[4200];
	size_t n = 0;
	enum err e;

	snprintf(db, sizeof db, "%s/meta.db", data);
	if ((e = meta_open(db, &m))) {
		fprintf(stderr, "coffer admin: cannot open %s\n", db);
		return 1;
	}
	e = secrets_rotate(data, m, &n);
	meta_close(m);
	if (e) {
		fprintf(stderr, "coffer admin: rotation failed (%s); nothing changed\n", err_info(e)->code);
		return 1;
	}
	printf("master key rotated: %zu secret%s re-sealed\n", n, n == 1 ? "" : "s");
	return 0;
}

int
admin_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"data", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *data = "./data", *cmd;
	int ch;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	cmd = argv[1];
	opterr = 0;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			data = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "coffer admin: unknown or incomplete option '%s'\n", argv[optind - 1]);
			return 2;
		}
	}
	if (strcmp(cmd, "rotate-master-key") == 0)
		return rotate(data);
	fprintf(stderr, "coffer admin: unknown command '%s'\n\n", cmd);
	usage(stderr);
	return 2;
}
