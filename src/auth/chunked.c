/* chunked.c - incremental decoder of aws-chunked request bodies, with the
 * chunk and trailer signatures of SigV4 streaming checked as bytes arrive.
 * Knows framing and signatures only; which checksum a trailer names, and
 * whether it matches the data, is the caller's business. */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_CTX lives in struct awschunk */
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "auth/chunked.h"
#include "auth/sigv4.h"
#include "core/crypto.h"

enum {
	ST_SIZE,      /* a chunk-size line */
	ST_DATA,      /* chunk_left data bytes */
	ST_DATA_CRLF, /* the CRLF closing chunk data; line_len counts its bytes */
	ST_TRAILER,   /* after the final chunk: trailer lines, then an empty line */
	ST_DONE,
};

#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define CHUNK_SIG_EXT ";chunk-signature="
#define TRAILER_SIG_NAME "x-amz-trailer-signature"

static bool
signed_mode(const struct awschunk *c)
{
	return c->mode == AWSCHUNK_SIGNED || c->mode == AWSCHUNK_SIGNED_TRAILER;
}

static int
hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static void
copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

void
awschunk_init(struct awschunk *c, enum awschunk_mode mode, const uint8_t key[32],
	      const char *seed_sig_hex, const char *amz_date, const char *scope)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->mode = mode;
	c->state = ST_SIZE;
	if (key)
		memcpy(c->key, key, sizeof(c->key));
	copy_str(c->prev_sig, sizeof(c->prev_sig), seed_sig_hex);
	/* The signer chained its own lower-case hex; match it whatever case the
	 * caller's copy of the seed is in. */
	for (i = 0; c->prev_sig[i]; i++)
		if (c->prev_sig[i] >= 'A' && c->prev_sig[i] <= 'F')
			c->prev_sig[i] = (char)(c->prev_sig[i] - 'A' + 'a');
	copy_str(c->amz_date, sizeof(c->amz_date), amz_date);
	copy_str(c->scope, sizeof(c->scope), scope);
}

/* HMAC over the string to sign, compared in constant time with the 64 hex
 * digits the client sent; on success the client's signature is the next
 * link of the chain. */
static enum err
check_sig(struct awschunk *c, const char *sts, size_t n, const char *got_hex)
{
	uint8_t mine[SHA256_LEN], got[SHA256_LEN];
	bool ok;

	if (!hex_decode(got_hex, strlen(got_hex), got, sizeof(got)))
		return ERR_SIGNATURE_MISMATCH;
	sigv4_sign(c->key, sts, n, mine);
	ok = crypto_ct_eq(mine, got, sizeof(mine));
	crypto_wipe(mine, sizeof(mine));
	if (!ok)
		return ERR_SIGNATURE_MISMATCH;
	hex_encode(got, sizeof(got), c->prev_sig);
	return ERR_OK;
}

/* Called once the current chunk's data (possibly none) has all arrived. */
static enum err
verify_chunk(struct awschunk *c)
{
	uint8_t h[SHA256_LEN];
	char hx[2 * SHA256_LEN + 1], sts[512];
	int n;

	SHA256_Final(h, &c->chunk_hash);
	hex_encode(h, sizeof(h), hx);
	n = snprintf(sts, sizeof(sts), "AWS4-HMAC-SHA256-PAYLOAD\n%s\n%s\n%s\n%s\n%s",
		     c->amz_date, c->scope, c->prev_sig, EMPTY_SHA256, hx);
	if (n < 0 || (size_t)n >= sizeof(sts))
		return ERR_INTERNAL;
	return check_sig(c, sts, (size_t)n, c->chunk_sig);
}

static enum err
verify_trailer(struct awschunk *c, const char *got_hex)
{
	uint8_t h[SHA256_LEN];
	char hx[2 * SHA256_LEN + 1], sts[512];
	int n;

	SHA256_Final(h, &c->trailer_hash);
	hex_encode(h, sizeof(h), hx);
	n = snprintf(sts, sizeof(sts), "AWS4-HMAC-SHA256-TRAILER\n%s\n%s\n%s\n%s",
		     c->amz_date, c->scope, c->prev_sig, hx);
	if (n < 0 || (size_t)n >= sizeof(sts))
		return ERR_INTERNAL;
	return check_sig(c, sts, (size_t)n, got_hex);
}

/* "hex-size" then, in signed modes, exactly ";chunk-signature=<64 hex>"; in
 * unsigned mode any chunk extension after ';' is ignored, as HTTP allows. */
static enum err
parse_size_line(struct awschunk *c, const char *l, size_t len)
{
	uint64_t v = 0;
	size_t i = 0;
	uint8_t tmp[SHA256_LEN];
	int h;

	while (i < len && (h = hexval((unsigned char)l[i])) >= 0) {
		if (v > UINT64_MAX >> 4)
			return ERR_INVALID_REQUEST;
		v = v << 4 | (uint64_t)h;
		i++;
	}
	if (i == 0)
		return ERR_INVALID_REQUEST;
	if (signed_mode(c)) {
		size_t el = sizeof(CHUNK_SIG_EXT) - 1;

		if (len - i != el + 64 || memcmp(l + i, CHUNK_SIG_EXT, el) != 0 ||
		    !hex_decode(l + i + el, 64, tmp, sizeof(tmp)))
			return ERR_INVALID_REQUEST;
		memcpy(c->chunk_sig, l + i + el, 64);
		c->chunk_sig[64] = '\0';
		SHA256_Init(&c->chunk_hash);
	} else if (i < len && l[i] != ';') {
		return ERR_INVALID_REQUEST;
	}
	if (v > UINT64_MAX - c->decoded)
		return ERR_INVALID_REQUEST;
	c->chunk_size = c->chunk_left = v;
	if (v > 0) {
		c->state = ST_DATA;
		return ERR_OK;
	}
	c->state = ST_TRAILER;
	if (c->mode == AWSCHUNK_SIGNED_TRAILER)
		SHA256_Init(&c->trailer_hash);
	return signed_mode(c) ? verify_chunk(c) : ERR_OK;
}

static bool
is_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* "name:value": name a token (stored lower-case), value trimmed of blanks,
 * printable. Both must fit struct awschunk_trailer. */
static enum err
parse_trailer(const char *l, size_t len, char *name, size_t ncap, char *value, size_t vcap)
{
	const char *colon = memchr(l, ':', len);
	size_t nlen, vs, ve, i;

	if (!colon)
		return ERR_INVALID_REQUEST;
	nlen = (size_t)(colon - l);
	if (nlen == 0 || nlen >= ncap)
		return ERR_INVALID_REQUEST;
	for (i = 0; i < nlen; i++) {
		unsigned char ch = (unsigned char)l[i];

		if (!is_tchar(ch))
			return ERR_INVALID_REQUEST;
		name[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
	}
	name[nlen] = '\0';
	vs = nlen + 1;
	ve = len;
	while (vs < ve && (l[vs] == ' ' || l[vs] == '\t'))
		vs++;
	while (ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'))
		ve--;
	if (ve - vs >= vcap)
		return ERR_INVALID_REQUEST;
	for (i = vs; i < ve; i++) {
		unsigned char ch = (unsigned char)l[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return ERR_INVALID_REQUEST;
	}
	memcpy(value, l + vs, ve - vs);
	value[ve - vs] = '\0';
	return ERR_OK;
}

/* One complete line after the final chunk. */
static enum err
trailer_line(struct awschunk *c, const char *l, size_t len)
{
	struct awschunk_trailer t;
	enum err e;
	size_t i;

	if (len == 0) {
		if (c->mode != AWSCHUNK_SIGNED_TRAILER || c->trailer_signed) {
			c->state = ST_DONE;
			return ERR_OK;
		}
		/* Some writers put a blank line between the final chunk and the
		 * trailers; the signature still has to follow, so this is safe. */
		if (c->ntrailers == 0 && !c->skipped_blank) {
			c->skipped_blank = true;
			return ERR_OK;
		}
		return ERR_SIGNATURE_MISMATCH; /* trailers closed, never signed */
	}
	if (c->mode == AWSCHUNK_SIGNED)
		return ERR_INVALID_REQUEST; /* no trailers in this mode */
	if ((e = parse_trailer(l, len, t.name, sizeof(t.name), t.value, sizeof(t.value))))
		return e;
	if (c->mode == AWSCHUNK_SIGNED_TRAILER) {
		/* Nothing may follow the signature: it would be unsigned. */
		if (c->trailer_signed)
			return ERR_INVALID_REQUEST;
		if (strcmp(t.name, TRAILER_SIG_NAME) == 0) {
			if ((e = verify_trailer(c, t.value)))
				return e;
			c->trailer_signed = true;
			return ERR_OK;
		}
		/* The signed form is "name:value\n", lower-case name, trimmed value. */
		SHA256_Update(&c->trailer_hash, t.name, strlen(t.name));
		SHA256_Update(&c->trailer_hash, ":", 1);
		SHA256_Update(&c->trailer_hash, t.value, strlen(t.value));
		SHA256_Update(&c->trailer_hash, "\n", 1);
	}
	for (i = 0; i < c->ntrailers; i++)
		if (strcmp(c->trailers[i].name, t.name) == 0)
			return ERR_INVALID_REQUEST; /* which of two checksums counts? */
	if (c->ntrailers == AWSCHUNK_TRAILER_MAX)
		return ERR_INVALID_REQUEST;
	c->trailers[c->ntrailers++] = t;
	return ERR_OK;
}

/* Gathers bytes of a CRLF-terminated line into c->line. Sets *complete with
 * the line (CRLF stripped, NUL-terminated) in c->line, its length in *len. */
static enum err
take_line(struct awschunk *c, const char **pp, size_t *np, bool *complete, size_t *len)
{
	const char *nl = memchr(*pp, '\n', *np);
	size_t k = nl ? (size_t)(nl - *pp) : *np;

	*complete = false;
	/* Keep room for the NUL: with its CRLF a line is at most LINE_MAX bytes. */
	if (k > AWSCHUNK_LINE_MAX - 1 - c->line_len)
		return ERR_INVALID_REQUEST;
	memcpy(c->line + c->line_len, *pp, k);
	c->line_len += k;
	*pp += nl ? k + 1 : k;
	*np -= nl ? k + 1 : k;
	if (!nl)
		return ERR_OK;
	if (c->line_len == 0 || c->line[c->line_len - 1] != '\r')
		return ERR_INVALID_REQUEST; /* bare LF */
	*len = c->line_len - 1;
	c->line[*len] = '\0';
	c->line_len = 0;
	/* A stray CR or NUL inside is framing damage, not content. */
	if (memchr(c->line, '\r', *len) || memchr(c->line, '\0', *len))
		return ERR_INVALID_REQUEST;
	*complete = true;
	return ERR_OK;
}

static enum err
feed(struct awschunk *c, const char *p, size_t n, awschunk_data_fn fn, void *ctx)
{
	enum err e;

	while (n > 0) {
		bool complete;
		size_t len, m;

		switch (c->state) {
		case ST_SIZE:
		case ST_TRAILER:
			if ((e = take_line(c, &p, &n, &complete, &len)))
				return e;
			if (!complete)
				break;
			if (c->state == ST_SIZE)
				e = parse_size_line(c, c->line, len);
			else
				e = trailer_line(c, c->line, len);
			if (e)
				return e;
			break;
		case ST_DATA:
			m = n < c->chunk_left ? n : (size_t)c->chunk_left;
			if (signed_mode(c))
				SHA256_Update(&c->chunk_hash, p, m);
			if ((e = fn(ctx, p, m)))
				return e;
			c->decoded += m;
			c->chunk_left -= m;
			p += m;
			n -= m;
			if (c->chunk_left == 0) {
				c->state = ST_DATA_CRLF;
				c->line_len = 0;
				if (signed_mode(c) && (e = verify_chunk(c)))
					return e;
			}
			break;
		case ST_DATA_CRLF:
			if (*p != (c->line_len == 0 ? '\r' : '\n'))
				return ERR_INVALID_REQUEST;
			p++;
			n--;
			if (++c->line_len == 2) {
				c->line_len = 0;
				c->state = ST_SIZE;
			}
			break;
		case ST_DONE:
		default:
			return ERR_INVALID_REQUEST; /* bytes after the end */
		}
		if (c->state == ST_DONE && !c->done) {
			c->done = true;
			crypto_wipe(c->key, sizeof(c->key));
		}
	}
	return ERR_OK;
}

enum err
awschunk_feed(struct awschunk *c, const char *p, size_t n, awschunk_data_fn fn, void *ctx)
{
	if (c->err)
		return c->err;
	if ((c->err = feed(c, p, n, fn, ctx)))
		crypto_wipe(c->key, sizeof(c->key));
	return c->err;
}

enum err
awschunk_finish(struct awschunk *c)
{
	enum err e = ERR_INCOMPLETE_BODY;

	if (c->err) {
		e = c->err;
		goto out;
	}
	if (c->state == ST_DONE) {
		e = ERR_OK;
		goto out;
	}
	/* The closing empty line may be missing when the body stops right
	 * after a complete line: everything signed has been checked by then. */
	if (c->state == ST_TRAILER && c->line_len == 0 &&
	    (c->mode != AWSCHUNK_SIGNED_TRAILER || c->trailer_signed)) {
		c->state = ST_DONE;
		c->done = true;
		e = ERR_OK;
	}
out:
	crypto_wipe(c->key, sizeof(c->key));
	return e;
}

const char *
awschunk_trailer(const struct awschunk *c, const char *lname)
{
	size_t i;

	for (i = 0; i < c->ntrailers; i++)
		if (strcmp(c->trailers[i].name, lname) == 0)
			return c->trailers[i].value;
	return NULL;
}
