/* bucketcache.h - bucket rows and parsed bucket policies, kept between
 * requests so that bucket access and authorisation cost no SQL. Only this
 * process changes buckets while it serves (`coffer admin` runs with the
 * server stopped), so an in-process generation, moved after every bucket
 * create, delete and policy change, is the whole truth. */
#ifndef COFFER_BUCKETCACHE_H
#define COFFER_BUCKETCACHE_H

#include "policy/policy.h"
#include "store/meta/meta.h"

/* A bucket's policy as parsed, shared: hold it only through a request. */
struct bucketcache_pol;

/* Call after every write to a bucket's row or policy (success or not). */
void bucketcache_bump(void);
/* meta_bucket_get, cached. */
enum err bucketcache_get(struct meta *m, const char *name, struct meta_bucket *out);
/* The parsed policy of an existing bucket, or *out = NULL when the bucket
 * has none, does not exist, or its policy no longer parses (logged). */
enum err bucketcache_policy(struct meta *m, const char *name, struct bucketcache_pol **out);
const struct pol *bucketcache_pol_get(const struct bucketcache_pol *p);
void bucketcache_pol_release(struct bucketcache_pol *p);

#endif
