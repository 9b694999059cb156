/* sigv4.h - AWS Signature Version 4, pure: parsing of the Authorization
 * header and presigned query, canonical request, string to sign, signing key.
 * No I/O, no key lookup, no clock: authn.c does those. Fuzzable. */
#ifndef COFFER_SIGV4_H
#define COFFER_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"
#include "core/err.h"

#define SIGV4_ALGO "AWS4-HMAC-SHA256"
#define SIGV4_MAX_SIGNED_HEADERS 64
#define SIGV4_SIGNED_HEADERS_MAX 1024 /* bytes of a decoded presigned SignedHeaders */

/* A request header exactly as received (name in any case, value untrimmed). */
struct sigv4_hdr {
	const char *name;
	const char *value;
};

/* Credential and signature, from an Authorization header or a presigned
 * query. Slices point into the input string, which must outlive this. */
struct sigv4_cred {
	struct slice akid;           /* access key id */
	char date[9];                /* YYYYMMDD of the credential scope */
	struct slice region;         /* may be empty (global services) */
	struct slice service;        /* "s3", "iam", "sts" */
	struct slice signed_headers; /* "host;x-amz-date", lower-case, sorted, ';'-joined */
	uint8_t signature[32];
	bool signature_bad;          /* not 64 lower-case hex digits: can never match */
	bool presigned;
	/* presigned only: */
	char amz_date[17];           /* X-Amz-Date, YYYYMMDDTHHMMSSZ */
	long expires;                /* X-Amz-Expires, seconds (1..604800) */
	struct slice security_token; /* X-Amz-Security-Token, raw (percent-encoded) */
	/* presigned only: X-Amz-SignedHeaders arrives percent-encoded ("host%3Bx-amz-date"),
	 * so its decoded form is kept here and signed_headers points into it. Pass a
	 * presigned cred by pointer; a by-value copy would still point at the original. */
	char signed_headers_buf[SIGV4_SIGNED_HEADERS_MAX + 1];
};

/* Parses "AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request,
 * SignedHeaders=a;b, Signature=<64 hex>" (spaces after commas optional).
 * A non-empty Signature of another form parses with signature_bad set: S3
 * compares signatures as strings, so a truncated one is a mismatch, not a
 * malformed header. ERR_UNSUPPORTED_AUTH for another algorithm (e.g. AWS v2 "AWS AKID:sig"),
 * ERR_AUTH_HEADER_MALFORMED for anything else wrong. */
enum err sigv4_parse_authorization(const char *value, struct sigv4_cred *out);

/* True when the raw query string carries X-Amz-Algorithm (or X-Amz-Signature
 * / X-Amz-Credential): the request is meant to be presigned. */
bool sigv4_query_is_presigned(const char *raw_query);

/* Parses the presigned query parameters (X-Amz-Algorithm, X-Amz-Credential,
 * X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature, optional
 * X-Amz-Security-Token). ERR_AUTH_QUERY_MALFORMED when one is missing or bad,
 * ERR_UNSUPPORTED_AUTH for another algorithm. Expires must be 1..604800. */
enum err sigv4_parse_presigned(const char *raw_query, struct sigv4_cred *out);

/* The canonical request:
 *   METHOD \n canonical-uri \n canonical-query \n canonical-headers \n
 *   signed-headers \n payload-hash
 * canonical-uri: with normalize=true the raw path is percent-decoded and each
 *   byte outside A-Za-z0-9-._~/ re-encoded as %XX (upper-case hex), which is what
 *   S3 signers produce; with normalize=false the raw path is used as received.
 *   An empty path is "/".
 * canonical-query: pairs split on '&', each name and value decoded then
 *   re-encoded as above ('/' encoded too), a pair with no '=' gets an empty value,
 *   sorted by name then value, X-Amz-Signature left out when cred->presigned.
 * canonical-headers: for each name in cred->signed_headers, all received values
 *   of that header (case-insensitive) trimmed, inner runs of spaces collapsed,
 *   joined by ','. A signed header that was not received contributes an empty
 *   value (the signature will then not match).
 * payload_hash: the x-amz-content-sha256 value, or "UNSIGNED-PAYLOAD" for
 *   presigned requests without that header. */
struct sigv4_input {
	const char *method;
	const char *raw_path;  /* percent-encoded as received, no query */
	const char *raw_query; /* after '?', as received; NULL or "" when none */
	const struct sigv4_hdr *hdrs;
	size_t nhdrs;
	const char *payload_hash;
};
enum err sigv4_canonical_request(const struct sigv4_input *in, const struct sigv4_cred *cred,
				 bool normalize, struct buf *out);

/* "AWS4-HMAC-SHA256\n" amz_date "\n" scope "\n" hex(sha256(canonical)) */
enum err sigv4_string_to_sign(const char *amz_date, const struct sigv4_cred *cred,
			      const char *canonical, size_t n, struct buf *out);

/* scope = date/region/service/aws4_request, into out (NUL-terminated). */
void sigv4_scope(const struct sigv4_cred *cred, char *out, size_t cap);

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request") */
void sigv4_signing_key(const char *secret, size_t slen, const char *date8, struct slice region,
		       struct slice service, uint8_t key[32]);

/* HMAC-SHA256(key, msg). */
void sigv4_sign(const uint8_t key[32], const char *msg, size_t n, uint8_t sig[32]);

/* AWS's URI encoding of n bytes: keep A-Za-z0-9-._~ (and '/' when keep_slash),
 * everything else %XX upper-case. Appends to out. */
enum err uri_encode(struct buf *out, const char *s, size_t n, bool keep_slash);
/* Percent-decoding into out (no '+' to space). ERR_INVALID_URI for a bad escape. */
enum err uri_decode(struct buf *out, const char *s, size_t n);

#endif
