/* err.h - the single error vocabulary of coffer.
 * Functions return enum err (ERR_OK == 0); the AWS code, HTTP status and
 * message are looked up only where a response is written. */
#ifndef COFFER_ERR_H
#define COFFER_ERR_H

enum err {
#define E(name, status, code, msg) ERR_##name,
#include "err.def"
#undef E
	ERR__COUNT
};

struct err_info {
	int status;       /* HTTP status */
	const char *code; /* AWS error code, e.g. "NoSuchKey" */
	const char *msg;  /* default human message */
};

const struct err_info *err_info(enum err e);

#endif
