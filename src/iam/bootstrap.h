/* bootstrap.h - first start of an empty data directory: the account, its
 * root user and the root access key (from the environment or generated in
 * AWS's formats and printed once), and the root user's console password. */
#ifndef COFFER_BOOTSTRAP_H
#define COFFER_BOOTSTRAP_H

#include <stdint.h>
#include "core/crypto.h"
#include "store/meta/meta.h"

/* Creates the account when the database has none; otherwise reports what is
 * there. Gives the root user a console password (COFFER_ROOT_PASSWORD or
 * generated) when it has none yet. Prints credentials to stdout only when
 * it generated them. */
enum err iam_bootstrap(struct meta *m, const uint8_t master[MASTER_KEY_LEN],
		       struct meta_account *acct);

#endif
