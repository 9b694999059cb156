/* server.h - `coffer server`: process state, start-up and shutdown order. */
#ifndef COFFER_SERVER_H
#define COFFER_SERVER_H

#include <stdio.h>

int server_main(int argc, char **argv);
void server_usage(FILE *out);

#endif
