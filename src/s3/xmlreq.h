/* xmlreq.h - parsers for the XML request bodies S3 accepts, on expat.
 * Pure: bytes in, a filled struct out; no DTDs or entity declarations are
 * accepted (ERR_MALFORMED_XML), element names are matched without namespace
 * prefixes, unknown elements are ignored where AWS ignores them. */
#ifndef COFFER_XMLREQ_H
#define COFFER_XMLREQ_H

#include <stdbool.h>
#include <stddef.h>
#include "core/cksum.h"
#include "core/err.h"

#define XMLREQ_MAX_BODY (2u << 20)   /* callers cap bodies at this */
#define XMLREQ_MAX_DELETE 1000
#define XMLREQ_MAX_PARTS 10000

/* <CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>...
 * location is "" when absent. An empty body is valid (caller skips the call). */
enum err xmlreq_create_bucket(const char *body, size_t n, char *location, size_t cap);

/* <Delete><Quiet>true</Quiet><Object><Key>k</Key><VersionId>v</VersionId></Object>...</Delete>
 * More than 1000 objects, zero objects, or an Object without Key is ERR_MALFORMED_XML. */
struct xmlreq_delete_obj {
	char *key;        /* malloc'd, decoded text */
	char *version_id; /* malloc'd or NULL */
};
struct xmlreq_delete {
	bool quiet;
	struct xmlreq_delete_obj *objs; /* malloc'd array */
	size_t n;
};
enum err xmlreq_delete(const char *body, size_t n, struct xmlreq_delete *out);
void xmlreq_delete_free(struct xmlreq_delete *d);

/* <CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"..."</ETag>
 *   [<ChecksumCRC32>..</ChecksumCRC32> | ChecksumCRC32C | ChecksumCRC64NVME |
 *    ChecksumSHA1 | ChecksumSHA256]</Part>...</CompleteMultipartUpload>
 * Zero parts, a part without PartNumber or ETag, a PartNumber that is not an
 * integer 1..10000, or more than 10000 parts is ERR_MALFORMED_XML. Order is
 * kept as given (the caller checks ascending order: ERR_INVALID_PART_ORDER). */
struct xmlreq_part {
	int number;
	char etag[80];                  /* as given, quotes stripped */
	char ck[CK__COUNT][CKSUM_B64_MAX]; /* base64 text per algorithm, "" if absent */
};
struct xmlreq_complete {
	struct xmlreq_part *parts; /* malloc'd array */
	size_t n;
};
enum err xmlreq_complete(const char *body, size_t n, struct xmlreq_complete *out);
void xmlreq_complete_free(struct xmlreq_complete *c);

#endif
