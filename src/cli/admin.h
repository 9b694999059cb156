/* admin.h - `coffer admin ...`: offline maintenance of a data directory. */
#ifndef COFFER_ADMIN_H
#define COFFER_ADMIN_H

int admin_main(int argc, char **argv);

#endif
