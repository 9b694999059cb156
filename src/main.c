/* main.c - argv → subcommand; nothing else. */
#include <stdio.h>
#include <string.h>
#include "cli/admin.h"
#include "server.h"

#define COFFER_VERSION "0.1.0"

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: coffer <command> [options]\n"
		"\n"
		"coffer is an S3-compatible object store with AWS-style identity management.\n"
		"\n"
		"commands:\n"
		"  server     run the server (coffer server --help for its options)\n"
		"  admin      maintenance of a data directory (coffer admin --help)\n"
		"  version    print the version\n"
		"  help       this text\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "server") == 0)
		return server_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "admin") == 0)
		return admin_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("coffer %s\n", COFFER_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "coffer: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
