/* keys.h - generators of AWS-format identifiers and secrets: access key ids
 * (AKIA…), secret access keys, and the unique ids of IAM entities (AIDA…
 * users, AGPA… groups, AROA… roles, ANPA… policies). CSPRNG only; nothing
 * here stores or logs what it makes. */
#ifndef COFFER_IAM_KEYS_H
#define COFFER_IAM_KEYS_H

#include "core/err.h"

#define IAM_AKID_LEN 20   /* "AKIA" + 16 */
#define IAM_SECRET_LEN 40
#define IAM_ID_LEN 21     /* prefix + 17 */

/* "AKIA" + 16 characters of the upper-case base32 alphabet. */
enum err iam_gen_akid(char out[IAM_AKID_LEN + 1]);
/* 40 characters of the base64 alphabet, like AWS secrets; wipe after use. */
enum err iam_gen_secret(char out[IAM_SECRET_LEN + 1]);
/* prefix ("AIDA", "AGPA", "AROA", "ANPA") + 17 upper-case base32 characters. */
enum err iam_gen_id(const char *prefix, char out[IAM_ID_LEN + 1]);

#endif
