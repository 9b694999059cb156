/* sigv4.c - AWS Signature Version 4, pure: parses the Authorization header and
 * presigned query, builds canonical request, string to sign and signing key.
 * Owns no state, does no I/O; key lookup, clock and skew checks live in authn.c.
 * Every input here is untrusted: lengths are checked before each read. */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_Init etc.: no allocation, no fini */
#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "auth/sigv4.h"
#include "core/crypto.h"

/* Caps on credential scope parts, so that a scope always fits the 128 bytes
 * that struct awschunk reserves for it (8+1+64+1+32+1+12 < 128). */
#define AKID_MAX 128
#define REGION_MAX 64
#define SERVICE_MAX 32

/* RFC 3986 unreserved characters, as a table: every byte of every path
 * and query is looked up (twice: once to size the output). */
static const bool unreserved[256] = {
	['A' ... 'Z'] = true, ['a' ... 'z'] = true, ['0' ... '9'] = true,
	['-'] = true, ['.'] = true, ['_'] = true, ['~'] = true,
};

static inline bool
is_unreserved(unsigned char c)
{
	return unreserved[c];
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool
all_digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

/* RFC 7230 tchar, lower-case only: a signed header name as SDKs send it. */
static bool
is_lower_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static struct slice
trim(const char *p, size_t n)
{
	while (n && is_space(*p)) {
		p++;
		n--;
	}
	while (n && is_space(p[n - 1]))
		n--;
	return (struct slice){p, n};
}

/* Both coders size the output exactly before writing it, so a capped
 * buffer refuses only what would not fit, and write bytes in place: they
 * run over every path and query byte of every request. */
enum err
uri_encode(struct buf *out, const char *s, size_t n, bool keep_slash)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t i, need = 0;
	char *w;
	enum err e;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		need += is_unreserved(c) || (keep_slash && c == '/') ? 1 : 3;
	}
	if ((e = buf_reserve(out, need)))
		return e;
	w = out->p + out->len;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_unreserved(c) || (keep_slash && c == '/')) {
			*w++ = (char)c;
			continue;
		}
		*w++ = '%';
		*w++ = hx[c >> 4];
		*w++ = hx[c & 15];
	}
	out->len += need;
	out->p[out->len] = '\0';
	return ERR_OK;
}

enum err
uri_decode(struct buf *out, const char *s, size_t n)
{
	size_t i, need = 0;
	char *w;
	enum err e;

	for (i = 0; i < n; i++, need++) {
		if (s[i] != '%')
			continue;
		if (n - i < 3 || hex_digit(s[i + 1]) < 0 || hex_digit(s[i + 2]) < 0)
			return ERR_INVALID_URI;
		i += 2;
	}
	if ((e = buf_reserve(out, need)))
		return e;
	w = out->p + out->len;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '%') {
			c = (char)(hex_digit(s[i + 1]) << 4 | hex_digit(s[i + 2]));
			i += 2;
		}
		*w++ = c;
	}
	out->len += need;
	out->p[out->len] = '\0';
	return ERR_OK;
}

/* Splits a credential "AKID/DATE/REGION/SERVICE/aws4_request" into out. With
 * pct_sep the separators may also be "%2F" (a raw presigned query value); any
 * other '%' is refused, so the parts are identical in raw and decoded form and
 * the slices can point into the caller's string. */
static bool
parse_credential(const char *p, size_t n, bool pct_sep, struct sigv4_cred *out)
{
	struct slice part[5];
	size_t i = 0, start = 0, np = 0;

	while (i <= n) {
		size_t seplen = 0;

		if (i == n)
			seplen = 0;
		else if (p[i] == '/')
			seplen = 1;
		else if (p[i] == '%') {
			if (!pct_sep || n - i < 3 || p[i + 1] != '2' ||
			    (p[i + 2] != 'F' && p[i + 2] != 'f'))
				return false;
			seplen = 3;
		} else if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7f ||
			   p[i] == ',' || p[i] == '=' || p[i] == ';') {
			return false;
		} else {
			i++;
			continue;
		}
		if (np == 5)
			return false;
		part[np++] = (struct slice){p + start, i - start};
		if (i == n)
			break;
		i += seplen;
		start = i;
	}
	if (np != 5)
		return false;
	if (part[0].len == 0 || part[0].len > AKID_MAX)
		return false;
	if (part[1].len != 8 || !all_digits(part[1].p, 8))
		return false;
	if (part[2].len > REGION_MAX) /* empty: global services (IAM, STS) */
		return false;
	if (part[3].len == 0 || part[3].len > SERVICE_MAX)
		return false;
	if (!slice_eq(part[4], "aws4_request"))
		return false;
	out->akid = part[0];
	memcpy(out->date, part[1].p, 8);
	out->date[8] = '\0';
	out->region = part[2];
	out->service = part[3];
	return true;
}

/* "a;b;c": non-empty lower-case names, at most SIGV4_MAX_SIGNED_HEADERS. */
static bool
valid_signed_headers(const char *p, size_t n)
{
	size_t i, count = 1, namelen = 0;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] == ';') {
			if (namelen == 0 || ++count > SIGV4_MAX_SIGNED_HEADERS)
				return false;
			namelen = 0;
		} else if (is_lower_tchar((unsigned char)p[i])) {
			namelen++;
		} else {
			return false;
		}
	}
	return namelen > 0;
}

/* Any non-empty value is a signature; only 64 lower-case hex digits can
 * match (S3 compares the strings), anything else is marked bad so that it
 * is answered SignatureDoesNotMatch once the key is known, as S3 does. */
static bool
parse_signature(const char *p, size_t n, struct sigv4_cred *out)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			break;
	out->signature_bad = !(n == 64 && i == n && hex_decode(p, n, out->signature, 32));
	if (out->signature_bad)
		memset(out->signature, 0, sizeof out->signature);
	return true;
}

enum err
sigv4_parse_authorization(const char *value, struct sigv4_cred *out)
{
	const char *p = value, *end;
	bool have_cred = false, have_sh = false, have_sig = false;
	size_t alen;

	memset(out, 0, sizeof(*out));
	if (!value)
		return ERR_AUTH_HEADER_MALFORMED;
	end = value + strlen(value);
	while (p < end && is_space(*p))
		p++;
	for (alen = 0; p + alen < end && !is_space(p[alen]); alen++)
		;
	if (alen == 0)
		return ERR_AUTH_HEADER_MALFORMED;
	/* Anything that is not our algorithm (AWS v2 "AWS AKID:sig", Basic,
	 * Bearer, ...) is a mechanism we do not support, not a malformed v4. */
	if (alen != strlen(SIGV4_ALGO) || memcmp(p, SIGV4_ALGO, alen) != 0)
		return ERR_UNSUPPORTED_AUTH;
	p += alen;
	if (p == end)
		return ERR_AUTH_HEADER_MALFORMED;

	/* Components are split on ','; spaces around them are optional. */
	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		struct slice comp = trim(p, (size_t)(stop - p));
		const char *eq = memchr(comp.p, '=', comp.len);
		struct slice key, val;

		if (!eq)
			return ERR_AUTH_HEADER_MALFORMED;
		key = (struct slice){comp.p, (size_t)(eq - comp.p)};
		val = (struct slice){eq + 1, comp.len - key.len - 1};
		if (slice_eq(key, "Credential")) {
			if (have_cred || !parse_credential(val.p, val.len, false, out))
				return ERR_AUTH_HEADER_MALFORMED;
			have_cred = true;
		} else if (slice_eq(key, "SignedHeaders")) {
			if (have_sh || !valid_signed_headers(val.p, val.len))
				return ERR_AUTH_HEADER_MALFORMED;
			out->signed_headers = val;
			have_sh = true;
		} else if (slice_eq(key, "Signature")) {
			if (have_sig || !parse_signature(val.p, val.len, out))
				return ERR_AUTH_HEADER_MALFORMED;
			have_sig = true;
		} else {
			return ERR_AUTH_HEADER_MALFORMED;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	if (!have_cred || !have_sh || !have_sig)
		return ERR_AUTH_HEADER_MALFORMED;
	return ERR_OK;
}

struct qpair {
	struct slice name, value;
};

/* Steps *pp to the next non-empty '&'-separated pair of a raw query; returns
 * 0 at the end. A pair with no '=' gets an empty value. */
static size_t
query_next(const char **pp, const char *end, struct qpair *qp)
{
	const char *p = *pp;

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq;

		*pp = amp ? amp + 1 : end;
		if (stop == p) { /* "a=1&&b=2": an empty segment is no parameter */
			p = *pp;
			continue;
		}
		eq = memchr(p, '=', (size_t)(stop - p));
		qp->name = (struct slice){p, (size_t)((eq ? eq : stop) - p)};
		qp->value = eq ? (struct slice){eq + 1, (size_t)(stop - eq - 1)}
			       : (struct slice){stop, 0};
		return 1;
	}
	*pp = end;
	return 0;
}

bool
sigv4_query_is_presigned(const char *raw_query)
{
	const char *p = raw_query, *end;
	struct qpair qp;

	if (!raw_query)
		return false;
	end = raw_query + strlen(raw_query);
	while (query_next(&p, end, &qp))
		if (slice_eq(qp.name, "X-Amz-Algorithm") ||
		    slice_eq(qp.name, "X-Amz-Signature") ||
		    slice_eq(qp.name, "X-Amz-Credential"))
			return true;
	return false;
}

/* Decodes a small query value into a fixed buffer; false if bad or too long. */
static bool
decode_small(struct slice v, char *dst, size_t cap, size_t *len)
{
	struct buf b;
	bool ok;

	buf_init(&b, cap - 1);
	ok = uri_decode(&b, v.p, v.len) == ERR_OK;
	if (ok) {
		if (b.len)
			memcpy(dst, b.p, b.len);
		dst[b.len] = '\0';
		*len = b.len;
	}
	buf_fini(&b);
	return ok;
}

enum err
sigv4_parse_presigned(const char *raw_query, struct sigv4_cred *out)
{
	enum { P_ALGO, P_CRED, P_DATE, P_EXPIRES, P_SH, P_SIG, P_TOKEN, P_N };
	static const char *const names[P_N] = {
		"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
		"X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token",
	};
	struct slice v[P_N] = {{0}};
	bool have[P_N] = {false};
	const char *p = raw_query, *end;
	struct qpair qp;
	char tmp[SIGV4_SIGNED_HEADERS_MAX + 1];
	size_t len, i;
	long ex;

	memset(out, 0, sizeof(*out));
	if (!raw_query)
		return ERR_AUTH_QUERY_MALFORMED;
	end = raw_query + strlen(raw_query);
	while (query_next(&p, end, &qp)) {
		for (i = 0; i < P_N; i++) {
			if (!slice_eq(qp.name, names[i]))
				continue;
			/* Two values for one auth parameter: which one was signed? */
			if (have[i])
				return ERR_AUTH_QUERY_MALFORMED;
			have[i] = true;
			v[i] = qp.value;
		}
	}
	if (have[P_ALGO]) {
		if (!decode_small(v[P_ALGO], tmp, sizeof(tmp), &len))
			return ERR_AUTH_QUERY_MALFORMED;
		if (strcmp(tmp, SIGV4_ALGO) != 0)
			return ERR_UNSUPPORTED_AUTH;
	}
	for (i = 0; i < P_TOKEN; i++)
		if (!have[i])
			return ERR_AUTH_QUERY_MALFORMED;

	if (!parse_credential(v[P_CRED].p, v[P_CRED].len, true, out))
		return ERR_AUTH_QUERY_MALFORMED;

	if (!decode_small(v[P_DATE], tmp, sizeof(tmp), &len) || len != 16 ||
	    !all_digits(tmp, 8) || tmp[8] != 'T' || !all_digits(tmp + 9, 6) || tmp[15] != 'Z')
		return ERR_AUTH_QUERY_MALFORMED;
	/* The scope date must be the day of X-Amz-Date, as S3 insists. */
	if (memcmp(tmp, out->date, 8) != 0)
		return ERR_AUTH_QUERY_MALFORMED;
	memcpy(out->amz_date, tmp, 17);

	if (!decode_small(v[P_EXPIRES], tmp, sizeof(tmp), &len) || len == 0 || len > 6 ||
	    !all_digits(tmp, len))
		return ERR_AUTH_QUERY_MALFORMED;
	ex = strtol(tmp, NULL, 10);
	if (ex < 1 || ex > 604800)
		return ERR_AUTH_QUERY_MALFORMED;
	out->expires = ex;

	if (!decode_small(v[P_SH], out->signed_headers_buf, sizeof(out->signed_headers_buf),
			  &len) ||
	    !valid_signed_headers(out->signed_headers_buf, len))
		return ERR_AUTH_QUERY_MALFORMED;
	out->signed_headers = (struct slice){out->signed_headers_buf, len};

	if (!decode_small(v[P_SIG], tmp, sizeof(tmp), &len) ||
	    !parse_signature(tmp, len, out))
		return ERR_AUTH_QUERY_MALFORMED;

	if (have[P_TOKEN])
		out->security_token = v[P_TOKEN];
	out->presigned = true;
	return ERR_OK;
}

static enum err
canonical_uri(const char *raw, bool normalize, struct buf *out)
{
	struct buf dec;
	size_t n = raw ? strlen(raw) : 0;
	enum err e;

	if (n == 0)
		return buf_addc(out, '/');
	if (!normalize)
		return buf_add(out, raw, n);
	buf_init(&dec, 0);
	if ((e = uri_decode(&dec, raw, n)))
		goto out;
	e = uri_encode(out, dec.p, dec.len, true);
out:
	buf_fini(&dec);
	return e;
}

/* One canonical query pair: offsets into the scratch buffer while it grows,
 * pointers once it is complete. */
struct cq {
	size_t noff, nlen, voff, vlen;
	const char *n, *v;
};

static int
cmp_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

static int
cq_cmp(const void *pa, const void *pb)
{
	const struct cq *a = pa, *b = pb;
	int r = cmp_bytes(a->n, a->nlen, b->n, b->nlen);

	return r ? r : cmp_bytes(a->v, a->vlen, b->v, b->vlen);
}

/* Each name and value decoded, then encoded the AWS way; sorted by encoded
 * name, then encoded value, as raw bytes. */
static bool
is_upper_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* Whether decoding and re-encoding s would give s back: only unreserved
 * bytes and %XX (upper-case) of bytes that stay escaped. SDKs send their
 * query that way, so the common case is a copy. */
static bool
canonical_as_is(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (is_unreserved((unsigned char)s[i]))
			continue;
		if (s[i] != '%' || n - i < 3 || !is_upper_hex(s[i + 1]) || !is_upper_hex(s[i + 2]) ||
		    is_unreserved((unsigned char)(hex_digit(s[i + 1]) << 4 | hex_digit(s[i + 2]))))
			return false;
		i += 2;
	}
	return true;
}

/* name or value of a query pair, canonically encoded, onto scratch. */
static enum err
canonical_part(struct buf *scratch, struct buf *dec, const char *s, size_t n)
{
	enum err e;

	if (canonical_as_is(s, n))
		return buf_add(scratch, s, n);
	buf_reset(dec);
	if ((e = uri_decode(dec, s, n)))
		return e;
	return uri_encode(scratch, dec->p ? dec->p : "", dec->len, false);
}

static enum err
canonical_query(const char *raw, bool presigned, struct buf *out)
{
	struct buf scratch, dec;
	struct cq *pairs = NULL;
	struct qpair qp;
	const char *p = raw, *end;
	size_t np = 0, maxp, i;
	enum err e = ERR_OK;

	if (!raw || !*raw)
		return ERR_OK;
	end = raw + strlen(raw);
	buf_init(&scratch, 0);
	buf_init(&dec, 0);
	/* At most one pair per '&'-separated segment: counted, since zeroing a
	 * bound of one per two bytes cost more than the rest of this function. */
	for (maxp = 1, p = raw; (p = memchr(p, '&', (size_t)(end - p))); p++)
		maxp++;
	p = raw;
	/* Sized once for the worst case (every byte escaped), not grown per
	 * byte; both buffers are uncapped scratch. */
	if ((e = buf_reserve(&scratch, 3 * (size_t)(end - raw))) ||
	    (e = buf_reserve(&dec, (size_t)(end - raw))))
		goto out;
	if (!(pairs = calloc(maxp, sizeof(*pairs)))) {
		e = ERR_NOMEM;
		goto out;
	}
	while (query_next(&p, end, &qp)) {
		struct cq *c = &pairs[np];

		c->noff = scratch.len;
		if ((e = canonical_part(&scratch, &dec, qp.name.p, qp.name.len)))
			goto out;
		c->nlen = scratch.len - c->noff;
		/* the signature's own parameter (its canonical name is the
		 * decoded one: that name has no byte that stays escaped) */
		if (presigned && c->nlen == 15 && memcmp(scratch.p + c->noff, "X-Amz-Signature", 15) == 0) {
			scratch.len = c->noff;
			continue;
		}
		c->voff = scratch.len;
		if ((e = canonical_part(&scratch, &dec, qp.value.p, qp.value.len)))
			goto out;
		c->vlen = scratch.len - c->voff;
		np++;
	}
	for (i = 0; i < np; i++) {
		pairs[i].n = scratch.p + pairs[i].noff;
		pairs[i].v = scratch.p + pairs[i].voff;
	}
	if (np > 1)
		qsort(pairs, np, sizeof(*pairs), cq_cmp);
	for (i = 0; i < np; i++) {
		if ((i && (e = buf_addc(out, '&'))) ||
		    (e = buf_add(out, pairs[i].n, pairs[i].nlen)) ||
		    (e = buf_addc(out, '=')) ||
		    (e = buf_add(out, pairs[i].v, pairs[i].vlen)))
			goto out;
	}
out:
	free(pairs);
	buf_fini(&dec);
	buf_fini(&scratch);
	return e;
}

/* Appends a header value trimmed, with inner runs of blanks collapsed to one
 * space (AWS's "Trimall"). */
static enum err
add_trimmed(struct buf *out, const char *v)
{
	struct slice t = trim(v, strlen(v));
	bool blank = false;
	size_t i, need = 0;
	char *w;
	enum err e;

	for (i = 0; i < t.len; i++) {
		if (is_space(t.p[i])) {
			blank = true;
			continue;
		}
		need += blank ? 2 : 1;
		blank = false;
	}
	if ((e = buf_reserve(out, need)))
		return e;
	w = out->p + out->len;
	blank = false;
	for (i = 0; i < t.len; i++) {
		if (is_space(t.p[i])) {
			blank = true;
			continue;
		}
		if (blank)
			*w++ = ' ';
		blank = false;
		*w++ = t.p[i];
	}
	out->len += need;
	out->p[out->len] = '\0';
	return ERR_OK;
}

static enum err
canonical_headers(const struct sigv4_input *in, struct slice sh, struct buf *out)
{
	const char *p = sh.p, *end = sh.p + sh.len;
	enum err e;

	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		size_t nlen = (size_t)((semi ? semi : end) - p), i;
		bool first = true;

		if ((e = buf_add(out, p, nlen)) || (e = buf_addc(out, ':')))
			return e;
		for (i = 0; i < in->nhdrs; i++) {
			const struct sigv4_hdr *h = &in->hdrs[i];

			if (!h->name || strlen(h->name) != nlen ||
			    strncasecmp(h->name, p, nlen) != 0)
				continue;
			if ((!first && (e = buf_addc(out, ','))) ||
			    (e = add_trimmed(out, h->value ? h->value : "")))
				return e;
			first = false;
		}
		if ((e = buf_addc(out, '\n')))
			return e;
		p = semi ? semi + 1 : end;
	}
	return ERR_OK;
}

enum err
sigv4_canonical_request(const struct sigv4_input *in, const struct sigv4_cred *cred,
			bool normalize, struct buf *out)
{
	const char *hash = in->payload_hash;
	enum err e;

	if (!hash) {
		/* A header-signed request always names its payload hash; only a
		 * presigned URL may leave it out. */
		if (!cred->presigned)
			return ERR_INTERNAL;
		hash = "UNSIGNED-PAYLOAD";
	}
	if ((e = buf_adds(out, in->method ? in->method : "")) || (e = buf_addc(out, '\n')) ||
	    (e = canonical_uri(in->raw_path, normalize, out)) || (e = buf_addc(out, '\n')) ||
	    (e = canonical_query(in->raw_query, cred->presigned, out)) ||
	    (e = buf_addc(out, '\n')) ||
	    (e = canonical_headers(in, cred->signed_headers, out)) ||
	    (e = buf_addc(out, '\n')) ||
	    (e = buf_add(out, cred->signed_headers.p, cred->signed_headers.len)) ||
	    (e = buf_addc(out, '\n')) || (e = buf_adds(out, hash)))
		return e;
	return ERR_OK;
}

void
sigv4_scope(const struct sigv4_cred *cred, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%.*s/%.*s/aws4_request", cred->date,
		 (int)cred->region.len, cred->region.p ? cred->region.p : "",
		 (int)cred->service.len, cred->service.p ? cred->service.p : "");
}

/* Appends p[0..n) to *w (bytes already reserved). */
static void
put(char **w, const void *p, size_t n)
{
	memcpy(*w, p, n);
	*w += n;
}

/* Built with copies, not printf: it is made for every request. */
enum err
sigv4_string_to_sign(const char *amz_date, const struct sigv4_cred *cred,
		     const char *canonical, size_t n, struct buf *out)
{
	uint8_t h[SHA256_LEN];
	char hx[2 * SHA256_LEN + 1], *w;
	SHA256_CTX sc;
	size_t dlen = strlen(amz_date), clen = strlen(cred->date), need;
	enum err e;

	SHA256_Init(&sc); /* not SHA256(): that one fetches an EVP digest per call */
	SHA256_Update(&sc, canonical, n);
	SHA256_Final(h, &sc);
	hex_encode(h, sizeof(h), hx);
	/* "ALGO\n" date "\n" scope-date "/" region "/" service "/aws4_request\n" hash */
	need = sizeof(SIGV4_ALGO) + dlen + 1 + clen + 1 + cred->region.len + 1 +
	       cred->service.len + 14 + 2 * SHA256_LEN;
	if ((e = buf_reserve(out, need)))
		return e;
	w = out->p + out->len;
	put(&w, SIGV4_ALGO "\n", sizeof(SIGV4_ALGO));
	put(&w, amz_date, dlen);
	put(&w, "\n", 1);
	put(&w, cred->date, clen);
	put(&w, "/", 1);
	if (cred->region.len)
		put(&w, cred->region.p, cred->region.len);
	put(&w, "/", 1);
	if (cred->service.len)
		put(&w, cred->service.p, cred->service.len);
	put(&w, "/aws4_request\n", 14);
	put(&w, hx, 2 * SHA256_LEN);
	out->len += need;
	out->p[out->len] = '\0';
	return ERR_OK;
}

/* HMAC-SHA256 (RFC 2104) over SHA256_CTX: OpenSSL's generic HMAC fetches
 * the digest and allocates contexts on every call, several times the cost
 * of the hashing itself at these sizes. */
static void
hmac_sha256(const void *key, size_t klen, const void *msg, size_t n, uint8_t out[SHA256_LEN])
{
	uint8_t k[64], pad[64], inner[SHA256_LEN];
	SHA256_CTX c;
	size_t i;

	memset(k, 0, sizeof(k));
	if (klen > sizeof(k))
		SHA256(key, klen, k);
	else if (klen)
		memcpy(k, key, klen);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x36;
	SHA256_Init(&c);
	SHA256_Update(&c, pad, sizeof(pad));
	SHA256_Update(&c, msg, n);
	SHA256_Final(inner, &c);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x5c;
	SHA256_Init(&c);
	SHA256_Update(&c, pad, sizeof(pad));
	SHA256_Update(&c, inner, sizeof(inner));
	SHA256_Final(out, &c);
	crypto_wipe(k, sizeof(k));
	crypto_wipe(pad, sizeof(pad));
	crypto_wipe(inner, sizeof(inner));
	crypto_wipe(&c, sizeof(c));
}

void
sigv4_signing_key(const char *secret, size_t slen, const char *date8, struct slice region,
		  struct slice service, uint8_t key[32])
{
	uint8_t k1[SHA256_LEN], k2[SHA256_LEN];
	char kbuf[64];
	size_t klen;

	/* HMAC hashes keys longer than its 64-byte block first (RFC 2104), so a
	 * long secret can be hashed in place of building "AWS4"+secret. */
	if (slen <= sizeof(kbuf) - 4) {
		memcpy(kbuf, "AWS4", 4);
		memcpy(kbuf + 4, secret, slen);
		klen = 4 + slen;
	} else {
		SHA256_CTX c;

		SHA256_Init(&c);
		SHA256_Update(&c, "AWS4", 4);
		SHA256_Update(&c, secret, slen);
		SHA256_Final((uint8_t *)kbuf, &c);
		crypto_wipe(&c, sizeof(c));
		klen = SHA256_LEN;
	}
	hmac_sha256(kbuf, klen, date8, strlen(date8), k1);
	hmac_sha256(k1, sizeof(k1), region.p ? region.p : "", region.len, k2);
	hmac_sha256(k2, sizeof(k2), service.p ? service.p : "", service.len, k1);
	hmac_sha256(k1, sizeof(k1), "aws4_request", 12, key);
	crypto_wipe(kbuf, sizeof(kbuf));
	crypto_wipe(k1, sizeof(k1));
	crypto_wipe(k2, sizeof(k2));
}

void
sigv4_sign(const uint8_t key[32], const char *msg, size_t n, uint8_t sig[32])
{
	hmac_sha256(key, 32, msg, n, sig);
}
