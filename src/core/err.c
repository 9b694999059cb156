/* err.c - the table behind enum err. */
#include "err.h"

static const struct err_info table[] = {
#define E(name, status, code, msg) {status, code, msg},
#include "err.def"
#undef E
};

const struct err_info *
err_info(enum err e)
{
	if ((unsigned)e >= ERR__COUNT)
		e = ERR_INTERNAL;
	return &table[e];
}
