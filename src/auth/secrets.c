/* secrets.c - master key file handling and secret sealing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/log.h"
#include "secrets.h"

static enum err
read_key_file(const char *path, uint8_t key[MASTER_KEY_LEN], bool *found)
{
	char hex[2 * MASTER_KEY_LEN + 2];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*found = false;
	if (fd < 0)
		return errno == ENOENT ? ERR_OK : ERR_INTERNAL;
	*found = true;
	n = read(fd, hex, sizeof hex);
	close(fd);
	if (n < 2 * MASTER_KEY_LEN || !hex_decode(hex, 2 * MASTER_KEY_LEN, key, MASTER_KEY_LEN)) {
		crypto_wipe(hex, sizeof hex);
		log_error("master key file %s is malformed", path);
		return ERR_INTERNAL;
	}
	crypto_wipe(hex, sizeof hex);
	return ERR_OK;
}

enum err
secrets_load_master(const char *data_dir, uint8_t key[MASTER_KEY_LEN])
{
	const char *env = getenv("COFFER_MASTER_KEY");
	char path[4096], tmp[4200], hex[2 * MASTER_KEY_LEN + 2];
	bool found;
	enum err e;
	int fd;

	if (env && *env) {
		if (strlen(env) != 2 * MASTER_KEY_LEN ||
		    !hex_decode(env, 2 * MASTER_KEY_LEN, key, MASTER_KEY_LEN)) {
			log_error("COFFER_MASTER_KEY must be %d hex digits", 2 * MASTER_KEY_LEN);
			return ERR_INVALID_ARGUMENT;
		}
		return ERR_OK;
	}
	snprintf(path, sizeof path, "%s/master.key", data_dir);
	if ((e = read_key_file(path, key, &found)) || found)
		return e;
	/* First start: create it atomically with mode 0600. */
	if ((e = crypto_random(key, MASTER_KEY_LEN)))
		return e;
	hex_encode(key, MASTER_KEY_LEN, hex);
	hex[2 * MASTER_KEY_LEN] = '\n';
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, hex, 2 * MASTER_KEY_LEN + 1) != 2 * MASTER_KEY_LEN + 1 ||
	    fsync(fd) != 0) {
		if (fd >= 0)
			close(fd);
		crypto_wipe(hex, sizeof hex);
		log_error("cannot write %s: %s", tmp, strerror(errno));
		return ERR_INTERNAL;
	}
	close(fd);
	crypto_wipe(hex, sizeof hex);
	if (rename(tmp, path) != 0)
		return ERR_INTERNAL;
	return ERR_OK;
}

enum err
secrets_seal(const uint8_t key[MASTER_KEY_LEN], const char *akid, const char *secret,
	     uint8_t *out, size_t *outlen)
{
	return crypto_seal(key, akid, secret, strlen(secret), out, outlen);
}

enum err
secrets_open(const uint8_t key[MASTER_KEY_LEN], const char *akid, const uint8_t *sealed,
	     size_t n, char secret[SECRET_MAX + 1])
{
	size_t len = 0;
	enum err e;

	if (n > SECRET_MAX + GCM_NONCE_LEN + GCM_TAG_LEN)
		return ERR_INTERNAL;
	if ((e = crypto_open(key, akid, sealed, n, secret, &len)))
		return e;
	secret[len] = '\0';
	return ERR_OK;
}
