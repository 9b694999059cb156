/* lookup.c - what the rest of coffer asks of IAM (iam.h): the identity
 * policies of a principal, parsed and cached across requests until the IAM
 * generation moves; managed policies for STS session policies; users and
 * roles for authentication and AssumeRole. Never writes the store. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/log.h"
#include "iam/api.h"

/* Principals whose policies are kept. Above this the cache is flushed
 * whole; 1,000 IAM users in use at once (2,000 keys) must still hit. */
#define CACHE_MAX 2048

/* A set of parsed policies. Shared by the cache and every request holding
 * it; freed when neither does. */
struct pset {
	struct pset *next;
	char key[IAMDB_NAME_MAX + META_ACCOUNT_LEN + 8];
	uint64_t gen;
	int holders;              /* requests holding it (under cache_lock) */
	bool cached;              /* still in the cache list */
	size_t n, cap;
	struct pol_ref *refs;
	struct pol **owned;       /* parsed here (NULL for built-ins) */
	char **names;             /* pol_ref names: ARN or "ARN (inline policy P)" */
	char **ids;               /* policy names, for the simulator */
	char **docs;              /* the documents' text, for the simulator */
	const char **types;       /* AWS's SourcePolicyType */
	json_t *tags;             /* the principal's tags, or NULL */
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pset *cache;
static size_t cache_n;

static void
pset_free(struct pset *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		pol_free(s->owned[i]);
		free(s->names[i]);
		free(s->ids[i]);
		free(s->docs[i]);
	}
	free(s->refs);
	free(s->owned);
	free(s->names);
	free(s->ids);
	free(s->docs);
	free(s->types);
	json_decref(s->tags);
	free(s);
}

/* Adds one policy; takes ownership of owned (may be NULL for a built-in). */
static enum err
pset_add(struct pset *s, const struct pol *p, struct pol *owned, const char *name,
	 const char *id, const char *type, const char *doc)
{
	char *n = strdup(name), *i = strdup(id), *d = strdup(doc);

	if (!n || !i || !d)
		goto nomem;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct pol_ref *r = realloc(s->refs, cap * sizeof *r);
		if (r)
			s->refs = r;
		struct pol **o = realloc(s->owned, cap * sizeof *o);
		if (o)
			s->owned = o;
		char **nm = realloc(s->names, cap * sizeof *nm);
		if (nm)
			s->names = nm;
		char **ids = realloc(s->ids, cap * sizeof *ids);
		if (ids)
			s->ids = ids;
		const char **t = realloc(s->types, cap * sizeof *t);
		if (t)
			s->types = t;
		char **dv = realloc(s->docs, cap * sizeof *dv);
		if (dv)
			s->docs = dv;
		if (!r || !o || !nm || !ids || !t || !dv)
			goto nomem;
		s->cap = cap;
	}
	s->owned[s->n] = owned;
	s->names[s->n] = n;
	s->ids[s->n] = i;
	s->docs[s->n] = d;
	s->types[s->n] = type;
	s->refs[s->n].pol = p;
	s->refs[s->n].name = n;
	s->n++;
	return ERR_OK;
nomem:
	free(n);
	free(i);
	free(d);
	pol_free(owned);
	return ERR_NOMEM;
}

/* A stored document that no longer parses is refused outright: dropping
 * it could drop a Deny. */
static enum err
parse_stored(const char *doc, const char *what, struct pol **out)
{
	struct buf msg;
	enum err e;

	buf_init(&msg, 1024);
	e = pol_parse(doc, strlen(doc), POL_IDENTITY, out, &msg);
	if (e != ERR_OK) {
		log_error("iam: stored policy %s does not parse: %s", what, msg.p ? msg.p : "");
		*out = NULL;
		e = ERR_INTERNAL;
	}
	buf_fini(&msg);
	return e;
}

static enum err
add_managed(struct meta *m, struct pset *s, const char *arn)
{
	const struct iam_builtin *b = iam_builtin_find(arn);
	const char *name = strrchr(arn, '/');
	struct pol *p = NULL;
	char *doc = NULL;
	enum err e;

	if (b)
		return iam_builtin_pol(b) ?
			pset_add(s, iam_builtin_pol(b), NULL, arn, b->name, "aws-managed",
				 b->document) :
			ERR_INTERNAL;
	e = iamdb_policy_document(m, arn, &doc);
	if (e == ERR_IAM_NO_SUCH_ENTITY)
		return ERR_OK; /* deleted since it was attached */
	if (e == ERR_OK && (e = parse_stored(doc, arn, &p)) == ERR_OK)
		e = pset_add(s, p, p, arn, name ? name + 1 : arn, "user-managed", doc);
	free(doc);
	return e;
}

static const char *const kind_type[] = {"user", "group", "role"};

/* The inline and attached policies of one entity. */
static enum err
add_entity(struct meta *m, struct pset *s, enum iamdb_kind kind, const char *account,
	   const struct iamdb_entity *ent)
{
	char **names = NULL, **docs = NULL, **arns = NULL, label[IAMDB_ARN_MAX + 160];
	size_t n = 0, na = 0, i;
	struct pol *p;
	enum err e;

	if ((e = iamdb_inline_list(m, kind, account, ent->name, &names, &docs, &n)))
		goto out;
	for (i = 0; i < n && e == ERR_OK; i++) {
		snprintf(label, sizeof label, "%s (inline policy %s)", ent->arn, names[i]);
		if ((e = parse_stored(docs[i], label, &p)) == ERR_OK)
			e = pset_add(s, p, p, label, names[i], kind_type[kind], docs[i]);
	}
	if (e || (e = iamdb_attached(m, kind, account, ent->name, &arns, &na)))
		goto out;
	for (i = 0; i < na && e == ERR_OK; i++)
		e = add_managed(m, s, arns[i]);
out:
	iamdb_strings_free(names, n);
	iamdb_strings_free(docs, n);
	iamdb_strings_free(arns, na);
	return e;
}

/* Everything that applies to a user (its groups' too), a role or a group.
 * A missing entity has none: it can do nothing. */
static enum err
build(struct meta *m, enum iamdb_kind kind, const char *account, const char *name,
      struct pset **out)
{
	struct pset *s = calloc(1, sizeof *s);
	struct iamdb_entities groups;
	struct iamdb_entity ent;
	size_t i;
	enum err e;

	*out = NULL;
	memset(&groups, 0, sizeof groups);
	memset(&ent, 0, sizeof ent);
	if (!s)
		return ERR_NOMEM;
	e = iamdb_entity_get(m, kind, account, name, false, &ent);
	if (e == ERR_IAM_NO_SUCH_ENTITY) {
		e = ERR_OK;
		goto out;
	}
	if (e || (e = add_entity(m, s, kind, account, &ent)))
		goto out;
	if (ent.tags)
		s->tags = json_loads(ent.tags, 0, NULL);
	if (kind == IAMDB_USER) {
		if ((e = iamdb_user_groups(m, account, ent.name, &groups)))
			goto out;
		for (i = 0; i < groups.n && e == ERR_OK; i++)
			e = add_entity(m, s, IAMDB_GROUP, account, &groups.v[i]);
	}
out:
	iamdb_entity_fini(&ent);
	iamdb_entities_free(&groups);
	if (e) {
		pset_free(s);
		return e;
	}
	*out = s;
	return ERR_OK;
}

static void
hand_out(struct pset *s, struct iam_policies *out)
{
	out->refs = s->refs;
	out->n = s->n;
	out->hold = s;
}

/* Drops every cache entry nobody holds; held ones leave the list and are
 * freed by their last holder. Called with cache_lock held. */
static void
cache_flush(void)
{
	struct pset *s, *next;

	for (s = cache; s; s = next) {
		next = s->next;
		s->cached = false;
		if (s->holders == 0)
			pset_free(s);
	}
	cache = NULL;
	cache_n = 0;
}

static enum err
cached_policies(struct meta *m, enum iamdb_kind kind, const char *account, const char *name,
		struct iam_policies *out)
{
	char key[sizeof ((struct pset *)0)->key];
	struct pset *s, **pp;
	uint64_t gen;
	enum err e;

	snprintf(key, sizeof key, "%c\t%s\t%s", kind_type[kind][0], account, name);
	if ((e = iamdb_generation_cached(m, &gen)))
		return e;
	pthread_mutex_lock(&cache_lock);
	for (pp = &cache; (s = *pp); pp = &s->next)
		if (s->gen == gen && strcmp(s->key, key) == 0) {
			/* to the front: the list is searched in order */
			*pp = s->next;
			s->next = cache;
			cache = s;
			s->holders++;
			pthread_mutex_unlock(&cache_lock);
			hand_out(s, out);
			return ERR_OK;
		}
	pthread_mutex_unlock(&cache_lock);
	/* gen was read first: what is built is at least that new */
	if ((e = build(m, kind, account, name, &s)))
		return e;
	snprintf(s->key, sizeof s->key, "%s", key);
	s->gen = gen;
	s->holders = 1;
	pthread_mutex_lock(&cache_lock);
	for (pp = &cache; *pp;) {
		struct pset *o = *pp;
		if (strcmp(o->key, key) == 0 || o->gen < gen) {
			*pp = o->next;
			o->cached = false;
			cache_n--;
			if (o->holders == 0)
				pset_free(o);
		} else {
			pp = &o->next;
		}
	}
	if (cache_n >= CACHE_MAX)
		cache_flush();
	s->cached = true;
	s->next = cache;
	cache = s;
	cache_n++;
	pthread_mutex_unlock(&cache_lock);
	hand_out(s, out);
	return ERR_OK;
}

enum err
iam_identity_policies(struct meta *m, const struct principal *who, struct iam_policies *out)
{
	memset(out, 0, sizeof *out);
	if (!who || who->type == PT_ROOT || who->type == PT_ANONYMOUS)
		return ERR_OK;
	if (who->type == PT_USER)
		return cached_policies(m, IAMDB_USER, who->account, who->user, out);
	if (who->type == PT_ASSUMED_ROLE)
		return cached_policies(m, IAMDB_ROLE, who->account, who->user, out);
	return ERR_OK;
}

enum err
iam_entity_policies(struct meta *m, enum iamdb_kind kind, const char *account, const char *name,
		    struct iam_policies *out)
{
	memset(out, 0, sizeof *out);
	return cached_policies(m, kind, account, name, out);
}

void
iam_policy_source(const struct iam_policies *p, size_t i, const char **id, const char **type,
		  const char **doc)
{
	const struct pset *s = p->hold;

	*id = s && i < s->n ? s->ids[i] : "";
	*doc = s && i < s->n ? s->docs[i] : "";
	*type = s && i < s->n ? s->types[i] : "none";
}

const char *
iam_policies_tag(const struct iam_policies *p, const char *key)
{
	const struct pset *s = p ? p->hold : NULL;
	size_t i;

	if (!s || !s->tags)
		return NULL;
	for (i = 0; i < json_array_size(s->tags); i++) {
		json_t *t = json_array_get(s->tags, i);
		const char *k = json_string_value(json_object_get(t, "Key"));
		if (k && strcasecmp(k, key) == 0)
			return json_string_value(json_object_get(t, "Value"));
	}
	return NULL;
}

void
iam_policies_free(struct iam_policies *p)
{
	struct pset *s;

	if (!p || !(s = p->hold))
		return;
	pthread_mutex_lock(&cache_lock);
	s->holders--;
	if (s->holders == 0 && !s->cached)
		pset_free(s);
	pthread_mutex_unlock(&cache_lock);
	memset(p, 0, sizeof *p);
}

enum err
iam_managed_policy(struct meta *m, const char *account, const char *arn,
		   struct iam_policies *out)
{
	char pre[64];
	struct pset *s;
	enum err e;

	memset(out, 0, sizeof *out);
	snprintf(pre, sizeof pre, "arn:aws:iam::%s:policy/", account);
	if (!iam_builtin_find(arn) && strncmp(arn, pre, strlen(pre)) != 0)
		return ERR_IAM_NO_SUCH_ENTITY;
	if (!(s = calloc(1, sizeof *s)))
		return ERR_NOMEM;
	s->holders = 1;
	if (!iam_builtin_find(arn)) {
		char *doc = NULL;
		if ((e = iamdb_policy_document(m, arn, &doc)))
			goto out;
		free(doc);
	}
	e = add_managed(m, s, arn);
	if (e == ERR_OK && s->n == 0)
		e = ERR_IAM_NO_SUCH_ENTITY;
out:
	if (e) {
		pset_free(s);
		return e;
	}
	hand_out(s, out);
	return ERR_OK;
}

/* Copies what is known to fit (checked by the caller), cutting if not. */
static void
copy(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

enum err
iam_role_get(struct meta *m, const char *account, const char *name, struct iam_role *out)
{
	struct iamdb_entity r;
	enum err e;

	memset(out, 0, sizeof *out);
	if ((e = iamdb_entity_get(m, IAMDB_ROLE, account, name, false, &r)))
		return e;
	if (strlen(r.arn) >= sizeof out->arn || strlen(r.name) >= sizeof out->name) {
		log_error("iam: role %s: ARN longer than the session can carry", r.name);
		iamdb_entity_fini(&r);
		return ERR_INTERNAL;
	}
	copy(out->account, sizeof out->account, r.account);
	copy(out->name, sizeof out->name, r.name);
	copy(out->path, sizeof out->path, r.path);
	copy(out->id, sizeof out->id, r.id);
	copy(out->arn, sizeof out->arn, r.arn);
	out->max_session_s = r.max_session_s;
	out->trust_policy = r.trust_policy;
	r.trust_policy = NULL;
	iamdb_entity_fini(&r);
	return ERR_OK;
}

void
iam_role_fini(struct iam_role *r)
{
	if (!r)
		return;
	free(r->trust_policy);
	r->trust_policy = NULL;
}

enum err
iam_user_get(struct meta *m, const char *account, const char *name, struct iam_user *out)
{
	struct iamdb_entity u;
	enum err e;

	memset(out, 0, sizeof *out);
	if ((e = iamdb_entity_get(m, IAMDB_USER, account, name, true, &u)))
		return e;
	if (strlen(u.arn) >= sizeof out->arn || strlen(u.name) >= sizeof out->name) {
		log_error("iam: user %s: ARN longer than a principal can carry", u.name);
		iamdb_entity_fini(&u);
		return ERR_INTERNAL;
	}
	copy(out->account, sizeof out->account, u.account);
	copy(out->name, sizeof out->name, u.name);
	copy(out->path, sizeof out->path, u.path);
	copy(out->id, sizeof out->id, u.is_root ? u.account : u.id);
	copy(out->arn, sizeof out->arn, u.arn);
	out->is_root = u.is_root;
	iamdb_entity_fini(&u);
	return ERR_OK;
}
