/* secrets.c - master key file handling and secret sealing. */
#include <errno.h>
#include <stdbool.h>
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

/* ---- master key rotation ---- */

struct reseal {
	const uint8_t *from, *to;
	bool verify_only; /* only check that `to` opens the secrets */
	bool all_open;
};

static enum err
reseal_one(void *ctx, const char *akid, const uint8_t *in, size_t n, uint8_t *out, size_t *outlen)
{
	struct reseal *rs = ctx;
	char secret[SECRET_MAX + 1];
	enum err e;

	if (rs->verify_only) {
		if (secrets_open(rs->to, akid, in, n, secret))
			rs->all_open = false;
		crypto_wipe(secret, sizeof secret);
		memcpy(out, in, n);
		*outlen = n;
		return ERR_OK;
	}
	if ((e = secrets_open(rs->from, akid, in, n, secret)))
		return e;
	e = secrets_seal(rs->to, akid, secret, out, outlen);
	crypto_wipe(secret, sizeof secret);
	return e;
}

static enum err
write_key_file(const char *path, const uint8_t key[MASTER_KEY_LEN])
{
	char hex[2 * MASTER_KEY_LEN + 2];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok;

	hex_encode(key, MASTER_KEY_LEN, hex);
	hex[2 * MASTER_KEY_LEN] = '\n';
	ok = fd >= 0 && write(fd, hex, 2 * MASTER_KEY_LEN + 1) == 2 * MASTER_KEY_LEN + 1 &&
	     fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	crypto_wipe(hex, sizeof hex);
	return ok ? ERR_OK : ERR_INTERNAL;
}

enum err
secrets_rotate(const char *data_dir, struct meta *m, size_t *count)
{
	uint8_t old[MASTER_KEY_LEN], nk[MASTER_KEY_LEN];
	char path[4096], next[4200];
	struct reseal rs;
	enum err e;

	if (getenv("COFFER_MASTER_KEY")) {
		log_error("the master key comes from COFFER_MASTER_KEY: rotate it by re-sealing "
			  "with a key file instead (unset the variable)");
		return ERR_INVALID_ARGUMENT;
	}
	if ((e = secrets_load_master(data_dir, old)) || (e = crypto_random(nk, sizeof nk)))
		goto out;
	snprintf(path, sizeof path, "%s/master.key", data_dir);
	snprintf(next, sizeof next, "%s/master.key.new", data_dir);
	/* The new key is durable before any secret depends on it; the rename
	 * comes after the commit, and a crash between the two is finished by
	 * secrets_finish_rotation at the next start. */
	if ((e = write_key_file(next, nk)))
		goto out;
	rs = (struct reseal){old, nk, false, true};
	if ((e = meta_keys_reseal(m, reseal_one, &rs, count))) {
		unlink(next);
		goto out;
	}
	if (rename(next, path) != 0)
		e = ERR_INTERNAL;
out:
	crypto_wipe(old, sizeof old);
	crypto_wipe(nk, sizeof nk);
	return e;
}

enum err
secrets_finish_rotation(const char *data_dir, struct meta *m, uint8_t key[MASTER_KEY_LEN])
{
	char path[4096], next[4200];
	uint8_t nk[MASTER_KEY_LEN];
	struct reseal rs;
	size_t count;
	bool found;
	enum err e;

	snprintf(path, sizeof path, "%s/master.key", data_dir);
	snprintf(next, sizeof next, "%s/master.key.new", data_dir);
	if ((e = read_key_file(next, nk, &found)) || !found)
		return e;
	rs = (struct reseal){NULL, nk, true, true};
	if ((e = meta_keys_reseal(m, reseal_one, &rs, &count)))
		goto out;
	if (rs.all_open && count > 0) {
		if (rename(next, path) != 0) {
			e = ERR_INTERNAL;
			goto out;
		}
		memcpy(key, nk, MASTER_KEY_LEN);
		log_info("finished an interrupted master key rotation");
	} else {
		unlink(next);
		log_info("dropped an unfinished master key rotation");
	}
out:
	crypto_wipe(nk, sizeof nk);
	return e;
}
