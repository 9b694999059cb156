/* secrets.h - the master key and the sealing of stored secrets. Access-key
 * secrets are kept only as AES-256-GCM ciphertext bound to their key id; the
 * master key comes from COFFER_MASTER_KEY (64 hex digits) or <data>/master.key
 * (created 0600 on first start). */
#ifndef COFFER_SECRETS_H
#define COFFER_SECRETS_H

#include <stddef.h>
#include <stdint.h>
#include "core/crypto.h"
#include "core/err.h"
#include "store/meta/meta.h"

#define SECRET_MAX 128

enum err secrets_load_master(const char *data_dir, uint8_t key[MASTER_KEY_LEN]);
/* out must hold n + GCM_NONCE_LEN + GCM_TAG_LEN bytes. */
enum err secrets_seal(const uint8_t key[MASTER_KEY_LEN], const char *akid, const char *secret,
		      uint8_t *out, size_t *outlen);
/* secret gets a NUL-terminated plaintext (cap SECRET_MAX+1); wipe it after use. */
enum err secrets_open(const uint8_t key[MASTER_KEY_LEN], const char *akid, const uint8_t *sealed,
		      size_t n, char secret[SECRET_MAX + 1]);

/* `coffer admin rotate-master-key`: a new master key, every stored secret
 * re-sealed under it in one transaction, then the key file replaced.
 * Session tokens sealed with the old key stop working. */
enum err secrets_rotate(const char *data_dir, struct meta *m, size_t *count);
/* At start: completes (or drops) a rotation a crash interrupted; key is
 * replaced when the new one took effect. */
enum err secrets_finish_rotation(const char *data_dir, struct meta *m, uint8_t key[MASTER_KEY_LEN]);

#endif
