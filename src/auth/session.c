/* session.c - sealed session tokens; see session.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/session.h"

#define SESSION_AAD "coffer-session-token-v1"

enum err
session_new_keys(struct session_claims *s)
{
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t r[56];
	int i;

	if (crypto_random(r, sizeof r))
		return ERR_INTERNAL;
	memcpy(s->akid, "ASIA", 4);
	for (i = 0; i < 16; i++)
		s->akid[4 + i] = b32[r[i] & 31];
	s->akid[20] = '\0';
	for (i = 0; i < 40; i++)
		s->secret[i] = b64[r[16 + i] & 63];
	s->secret[40] = '\0';
	crypto_wipe(r, sizeof r);
	return ERR_OK;
}

enum err
session_seal(const uint8_t master[MASTER_KEY_LEN], const struct session_claims *s,
	     struct buf *out)
{
	json_t *j = json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "k", s->akid,
			      "s", s->secret, "a", s->account, "t", (int)s->kind, "n", s->name,
			      "i", s->id, "r", s->arn, "e", s->session, "o", s->source_identity,
			      "b", (json_int_t)s->issued_ms, "x", (json_int_t)s->expires_ms);
	uint8_t *sealed = NULL;
	char *text = NULL, *b64 = NULL;
	size_t n, sl = 0;
	enum err e = ERR_NOMEM;

	if (!j)
		return ERR_NOMEM;
	if (s->policy)
		json_object_set_new(j, "p", json_string(s->policy));
	if (s->policy_arns)
		json_object_set_new(j, "q", json_string(s->policy_arns));
	if (!(text = json_dumps(j, JSON_COMPACT)))
		goto out;
	n = strlen(text);
	if (n > SESSION_TOKEN_MAX / 2) {
		e = ERR_STS_PACKED_POLICY_TOO_LARGE;
		goto out;
	}
	if (!(sealed = malloc(n + GCM_NONCE_LEN + GCM_TAG_LEN)) ||
	    !(b64 = malloc(4 * ((n + GCM_NONCE_LEN + GCM_TAG_LEN + 2) / 3) + 1)))
		goto out;
	if ((e = crypto_seal(master, SESSION_AAD, text, n, sealed, &sl)))
		goto out;
	b64_encode(sealed, sl, b64);
	e = buf_adds(out, b64);
out:
	if (text) {
		crypto_wipe(text, strlen(text));
		free(text);
	}
	free(sealed);
	free(b64);
	json_decref(j);
	return e;
}

static void
copy_str(json_t *j, const char *k, char *dst, size_t cap)
{
	const char *v = json_string_value(json_object_get(j, k));

	snprintf(dst, cap, "%s", v ? v : "");
}

enum err
session_open(const uint8_t master[MASTER_KEY_LEN], const char *token, struct session_claims *out)
{
	size_t tl = strlen(token), pl = 0;
	uint8_t *raw = NULL;
	char *plain = NULL;
	json_t *j = NULL;
	long rl;
	enum err e = ERR_INVALID_TOKEN;

	memset(out, 0, sizeof *out);
	if (tl == 0 || tl > SESSION_TOKEN_MAX)
		return ERR_INVALID_TOKEN;
	if (!(raw = malloc(tl)) || !(plain = malloc(tl + 1))) {
		e = ERR_NOMEM;
		goto out;
	}
	rl = b64_decode(token, tl, raw, tl);
	if (rl < GCM_NONCE_LEN + GCM_TAG_LEN)
		goto out;
	if (crypto_open(master, SESSION_AAD, raw, (size_t)rl, plain, &pl))
		goto out;
	plain[pl] = '\0';
	if (!(j = json_loads(plain, 0, NULL)))
		goto out;
	copy_str(j, "k", out->akid, sizeof out->akid);
	copy_str(j, "s", out->secret, sizeof out->secret);
	copy_str(j, "a", out->account, sizeof out->account);
	out->kind = (enum session_kind)json_integer_value(json_object_get(j, "t"));
	copy_str(j, "n", out->name, sizeof out->name);
	copy_str(j, "i", out->id, sizeof out->id);
	copy_str(j, "r", out->arn, sizeof out->arn);
	copy_str(j, "e", out->session, sizeof out->session);
	copy_str(j, "o", out->source_identity, sizeof out->source_identity);
	out->issued_ms = json_integer_value(json_object_get(j, "b"));
	out->expires_ms = json_integer_value(json_object_get(j, "x"));
	if (json_string_value(json_object_get(j, "p")))
		out->policy = strdup(json_string_value(json_object_get(j, "p")));
	if (json_string_value(json_object_get(j, "q")))
		out->policy_arns = strdup(json_string_value(json_object_get(j, "q")));
	e = out->akid[0] && out->secret[0] && out->account[0] ? ERR_OK : ERR_INVALID_TOKEN;
out:
	if (plain) {
		crypto_wipe(plain, pl);
		free(plain);
	}
	free(raw);
	json_decref(j);
	if (e)
		session_claims_fini(out);
	return e;
}

void
session_claims_fini(struct session_claims *s)
{
	free(s->policy);
	free(s->policy_arns);
	s->policy = s->policy_arns = NULL;
	crypto_wipe(s->secret, sizeof s->secret);
}
