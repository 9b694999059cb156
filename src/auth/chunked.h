/* chunked.h - streaming decoder for aws-chunked request bodies:
 *   STREAMING-AWS4-HMAC-SHA256-PAYLOAD           (signed chunks)
 *   STREAMING-UNSIGNED-PAYLOAD-TRAILER           (plain chunks + trailer)
 *   STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER   (signed chunks + signed trailer)
 * Frames: hex-size[;chunk-signature=<64hex>]\r\n data \r\n ... 0[;sig]\r\n
 *         [trailer-name:value\r\n ... [x-amz-trailer-signature:<64hex>\r\n]] \r\n
 * Pure and incremental: bytes go in in any split, payload bytes come out
 * through a callback, never framing. Chunk signatures are checked at each
 * chunk's end, as it arrives. Every line is capped. */
#ifndef COFFER_CHUNKED_H
#define COFFER_CHUNKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/sha.h>
#include "core/err.h"

enum awschunk_mode {
	AWSCHUNK_SIGNED,           /* STREAMING-AWS4-HMAC-SHA256-PAYLOAD */
	AWSCHUNK_UNSIGNED_TRAILER, /* STREAMING-UNSIGNED-PAYLOAD-TRAILER */
	AWSCHUNK_SIGNED_TRAILER,   /* STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER */
};

/* Receives decoded payload bytes. Non-OK aborts decoding with that error. */
typedef enum err (*awschunk_data_fn)(void *ctx, const char *p, size_t n);

#define AWSCHUNK_LINE_MAX 512
#define AWSCHUNK_TRAILER_MAX 8

struct awschunk_trailer {
	char name[64];   /* lower-case */
	char value[160]; /* trimmed */
};

struct awschunk {
	/* configuration, set by awschunk_init */
	enum awschunk_mode mode;
	uint8_t key[32];      /* signing key (signed modes) */
	char prev_sig[65];    /* hex: seed signature, then each chunk's */
	char amz_date[17];
	char scope[128];
	/* state, private to chunked.c */
	int state;
	char line[AWSCHUNK_LINE_MAX];
	size_t line_len;
	uint64_t chunk_left;    /* data bytes left in the current chunk */
	uint64_t chunk_size;
	char chunk_sig[65];
	SHA256_CTX chunk_hash;
	SHA256_CTX trailer_hash; /* over the trailer lines, for the trailer signature */
	uint64_t decoded;       /* payload bytes delivered so far */
	struct awschunk_trailer trailers[AWSCHUNK_TRAILER_MAX];
	size_t ntrailers;
	bool done;
	/* more private state of chunked.c */
	enum err err;           /* first error of feed, returned again by every later call */
	bool trailer_signed;    /* SIGNED_TRAILER: x-amz-trailer-signature seen and verified */
	bool skipped_blank;     /* SIGNED_TRAILER: tolerated blank line before the trailers */
};

/* key/seed_sig/amz_date/scope are needed only for signed modes (may be NULL
 * otherwise). seed_sig is the hex signature of the request's Authorization. */
void awschunk_init(struct awschunk *c, enum awschunk_mode mode, const uint8_t key[32],
		   const char *seed_sig_hex, const char *amz_date, const char *scope);

/* Feeds n raw body bytes. Errors: ERR_INCOMPLETE_BODY / ERR_INVALID_REQUEST for
 * bad framing (oversized line, bad hex, missing CRLF, data after the end),
 * ERR_SIGNATURE_MISMATCH for a wrong chunk or trailer signature, or whatever
 * the data callback returned. */
enum err awschunk_feed(struct awschunk *c, const char *p, size_t n, awschunk_data_fn fn,
		       void *ctx);

/* At end of body: ERR_OK only if the final chunk (and trailer section, and
 * the trailer signature in SIGNED_TRAILER mode) was complete; else
 * ERR_INCOMPLETE_BODY. */
enum err awschunk_finish(struct awschunk *c);

/* After finish: value of trailer `lname` (lower-case), or NULL. */
const char *awschunk_trailer(const struct awschunk *c, const char *lname);

#endif
