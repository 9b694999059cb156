/* range.h - the byte ranges S3 requests name: Range on GetObject/HeadObject
 * and x-amz-copy-source-range on UploadPartCopy. Pure, for the fuzzer too. */
#ifndef COFFER_RANGE_H
#define COFFER_RANGE_H

#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"

struct range {
	bool set;
	uint64_t start, len;
};

/* Parses a single "bytes=first-[last]" or "bytes=-suffix" Range against an
 * object of size bytes. Syntax AWS does not accept (several ranges, other
 * units, signs or blanks) is ignored: out->set stays false and the whole
 * object is sent. ERR_INVALID_RANGE when unsatisfiable. When set, the range
 * is non-empty and within the object. */
enum err range_parse(const char *v, uint64_t size, struct range *out);

/* x-amz-copy-source-range "bytes=first-last" within a source of size bytes:
 * ERR_INVALID_ARGUMENT for bad syntax, ERR_INVALID_COPY_RANGE past the end.
 * No header (v NULL) is the whole source. */
enum err range_parse_copy(const char *v, uint64_t size, uint64_t *off, uint64_t *len);

#endif
