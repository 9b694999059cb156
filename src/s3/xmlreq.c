/* xmlreq.c - CreateBucketConfiguration, Delete and CompleteMultipartUpload
 * bodies parsed with expat into plain structs. One small driver walks a table
 * of (parent, name) rules per document; any DOCTYPE is refused outright so no
 * entity can be declared. Knows nothing about buckets, keys or parts beyond
 * their syntax: existence, order and key length are the caller's to check. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <expat.h>
#include "s3/xmlreq.h"

/* Expat reports namespaced names as "uri<sep>local". U+0001 cannot occur in an
 * XML 1.0 document, not even as a character reference, so no URI holds it. */
#define NS_SEP '\x01'
/* Text of one element: a key is at most 1024 bytes, so this is generous. */
#define TEXT_MAX 4096
/* Meaningful elements are at most three deep; deeper ones are ignored. */
#define DEPTH_MAX 8

enum el {
	EL_ROOT = 1,
	EL_LOCATION,
	EL_QUIET,
	EL_OBJECT,
	EL_KEY,
	EL_VERSION_ID,
	EL_PART,
	EL_PART_NUMBER,
	EL_ETAG,
	EL_CK,              /* EL_CK + enum cksum_alg: ChecksumCRC32 ... */
};

/* An element we care about: its name under a given parent. Leaves hold text. */
struct rule {
	enum el parent;
	const char *name;
	enum el el;
	bool leaf;
};

struct xp;
typedef enum err (*xp_open_fn)(struct xp *x, enum el el);
typedef enum err (*xp_close_fn)(struct xp *x, enum el el, const char *text, size_t len);

/* The driver's state; one per parse, on the caller's stack. */
struct xp {
	XML_Parser p;
	enum err err;                  /* first failure; stops the parser */
	const char *root;              /* required local name of the root */
	const struct rule *rules;
	size_t nrules;
	xp_open_fn open;
	xp_close_fn close;
	void *ctx;
	unsigned depth;
	const struct rule *stack[DEPTH_MAX];  /* NULL: an element we ignore */
	bool in_leaf;
	size_t tlen;
	char text[TEXT_MAX + 1];
};

static const struct rule root_rule = {0, NULL, EL_ROOT, false};

static void
xp_fail(struct xp *x, enum err e)
{
	if (!x->err)
		x->err = e;
	XML_StopParser(x->p, XML_FALSE);
}

static const char *
local_name(const XML_Char *name)
{
	const char *s = strrchr(name, NS_SEP);

	return s ? s + 1 : name;
}

static void XMLCALL
on_start(void *u, const XML_Char *name, const XML_Char **attrs)
{
	struct xp *x = u;
	const char *local = local_name(name);
	const struct rule *r = NULL;
	size_t i;
	enum err e;

	(void)attrs;
	if (x->err)
		return;
	if (x->in_leaf) {
		/* markup inside a text field (<Key>a<b/></Key>) fits no schema */
		xp_fail(x, ERR_MALFORMED_XML);
		return;
	}
	if (x->depth == 0) {
		if (strcmp(local, x->root) != 0) {
			xp_fail(x, ERR_MALFORMED_XML);
			return;
		}
		r = &root_rule;
	} else if (x->depth < DEPTH_MAX && x->stack[x->depth - 1]) {
		enum el parent = x->stack[x->depth - 1]->el;
		for (i = 0; i < x->nrules; i++)
			if (x->rules[i].parent == parent && strcmp(x->rules[i].name, local) == 0) {
				r = &x->rules[i];
				break;
			}
	}
	if (x->depth < DEPTH_MAX)
		x->stack[x->depth] = r;
	x->depth++;
	if (!r)
		return;
	if (r->leaf) {
		x->in_leaf = true;
		x->tlen = 0;
	}
	if (x->open && (e = x->open(x, r->el)))
		xp_fail(x, e);
}

static void XMLCALL
on_end(void *u, const XML_Char *name)
{
	struct xp *x = u;
	const struct rule *r;
	enum err e;

	(void)name;
	if (x->err)
		return;
	x->depth--;
	r = x->depth < DEPTH_MAX ? x->stack[x->depth] : NULL;
	if (!r)
		return;
	if (r->leaf) {
		x->text[x->tlen] = '\0';
		x->in_leaf = false;
	}
	if (x->close && (e = x->close(x, r->el, x->text, r->leaf ? x->tlen : 0)))
		xp_fail(x, e);
}

/* Text arrives in pieces (entities and line ends split it); only leaves keep it. */
static void XMLCALL
on_text(void *u, const XML_Char *s, int len)
{
	struct xp *x = u;

	if (x->err || !x->in_leaf || len <= 0)
		return;
	if ((size_t)len > TEXT_MAX - x->tlen) {
		xp_fail(x, ERR_MALFORMED_XML);
		return;
	}
	memcpy(x->text + x->tlen, s, (size_t)len);
	x->tlen += (size_t)len;
}

/* S3 bodies never carry a DTD; refusing any DOCTYPE shuts out entity
 * expansion (billion laughs) and external entities (XXE) before they start. */
static void XMLCALL
on_doctype(void *u, const XML_Char *name, const XML_Char *sysid,
	   const XML_Char *pubid, int has_internal_subset)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	xp_fail(u, ERR_MALFORMED_XML);
}

static void XMLCALL
on_entity(void *u, const XML_Char *name, int is_param, const XML_Char *value,
	  int value_len, const XML_Char *base, const XML_Char *sysid,
	  const XML_Char *pubid, const XML_Char *notation)
{
	(void)name, (void)is_param, (void)value, (void)value_len, (void)base;
	(void)sysid, (void)pubid, (void)notation;
	xp_fail(u, ERR_MALFORMED_XML);
}

/* Parses body through x's rules. Returns the first handler error, or
 * ERR_MALFORMED_XML for anything expat rejects, ERR_NOMEM when it runs out. */
static enum err
xp_run(struct xp *x, const char *body, size_t n)
{
	enum err e;

	if (n > XMLREQ_MAX_BODY)
		return ERR_MALFORMED_XML;
	if (!(x->p = XML_ParserCreateNS(NULL, NS_SEP)))
		return ERR_NOMEM;
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, on_start, on_end);
	XML_SetCharacterDataHandler(x->p, on_text);
	XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
	XML_SetEntityDeclHandler(x->p, on_entity);
	XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
	if (XML_Parse(x->p, body, (int)n, XML_TRUE) == XML_STATUS_OK)
		e = x->err;
	else if (x->err)
		e = x->err;
	else if (XML_GetErrorCode(x->p) == XML_ERROR_NO_MEMORY)
		e = ERR_NOMEM;
	else
		e = ERR_MALFORMED_XML;
	XML_ParserFree(x->p);
	x->p = NULL;
	return e;
}

static void
xp_setup(struct xp *x, const char *root, const struct rule *rules, size_t nrules,
	 xp_open_fn open, xp_close_fn close, void *ctx)
{
	x->p = NULL;
	x->err = ERR_OK;
	x->root = root;
	x->rules = rules;
	x->nrules = nrules;
	x->open = open;
	x->close = close;
	x->ctx = ctx;
	x->depth = 0;
	x->in_leaf = false;
	x->tlen = 0;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Whitespace around values is layout (pretty-printed bodies), not data. */
static void
trim(const char **s, size_t *n)
{
	while (*n && is_space(**s))
		(*s)++, (*n)--;
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

/* ---- CreateBucketConfiguration ---- */

static const struct rule create_rules[] = {
	{EL_ROOT, "LocationConstraint", EL_LOCATION, true},
};

struct create_ctx {
	char *location;
	size_t cap;
	bool seen;
};

static enum err
create_close(struct xp *x, enum el el, const char *text, size_t len)
{
	struct create_ctx *c = x->ctx;

	if (el != EL_LOCATION)
		return ERR_OK;
	if (c->seen)
		return ERR_MALFORMED_XML;
	c->seen = true;
	trim(&text, &len);
	/* No region name is this long, so it cannot be a valid constraint. */
	if (len >= c->cap)
		return ERR_INVALID_LOCATION;
	memcpy(c->location, text, len);
	c->location[len] = '\0';
	return ERR_OK;
}

enum err
xmlreq_create_bucket(const char *body, size_t n, char *location, size_t cap)
{
	struct create_ctx c = {location, cap, false};
	struct xp x;
	enum err e;
	size_t i;

	if (!location || !cap)
		return ERR_INTERNAL;
	location[0] = '\0';
	for (i = 0; i < n && is_space(body[i]); i++)
		;
	if (i == n)
		return ERR_OK;
	xp_setup(&x, "CreateBucketConfiguration", create_rules,
		 sizeof(create_rules) / sizeof(create_rules[0]), NULL, create_close, &c);
	if ((e = xp_run(&x, body, n)))
		location[0] = '\0';
	return e;
}

/* ---- Delete ---- */

static const struct rule delete_rules[] = {
	{EL_ROOT, "Quiet", EL_QUIET, true},
	{EL_ROOT, "Object", EL_OBJECT, false},
	{EL_OBJECT, "Key", EL_KEY, true},
	{EL_OBJECT, "VersionId", EL_VERSION_ID, true},
};

struct delete_ctx {
	struct xmlreq_delete *out;
	size_t alloc;
	bool seen_quiet;
	struct xmlreq_delete_obj cur; /* the Object being read; owned here until added */
	bool has_key;
};

static enum err
delete_open(struct xp *x, enum el el)
{
	struct delete_ctx *c = x->ctx;

	if (el != EL_OBJECT)
		return ERR_OK;
	if (c->out->n >= XMLREQ_MAX_DELETE)
		return ERR_MALFORMED_XML;
	c->cur.key = c->cur.version_id = NULL;
	c->has_key = false;
	return ERR_OK;
}

static enum err
delete_close(struct xp *x, enum el el, const char *text, size_t len)
{
	struct delete_ctx *c = x->ctx;
	struct xmlreq_delete *d = c->out;

	switch (el) {
	case EL_QUIET:
		if (c->seen_quiet)
			return ERR_MALFORMED_XML;
		c->seen_quiet = true;
		trim(&text, &len);
		if (len == 4 && strncasecmp(text, "true", 4) == 0)
			d->quiet = true;
		else if (len == 5 && strncasecmp(text, "false", 5) == 0)
			d->quiet = false;
		else
			return ERR_MALFORMED_XML;
		return ERR_OK;
	case EL_KEY:
		/* Keys are taken verbatim: leading and trailing spaces are part of them. */
		if (c->cur.key)
			return ERR_MALFORMED_XML;
		return (c->cur.key = strndup(text, len)) ? ERR_OK : ERR_NOMEM;
	case EL_VERSION_ID:
		if (c->cur.version_id)
			return ERR_MALFORMED_XML;
		trim(&text, &len);
		return (c->cur.version_id = strndup(text, len)) ? ERR_OK : ERR_NOMEM;
	case EL_OBJECT:
		if (!c->cur.key)
			return ERR_MALFORMED_XML;
		if (d->n == c->alloc) {
			size_t na = c->alloc ? c->alloc * 2 : 16;
			struct xmlreq_delete_obj *no;
			if (na > XMLREQ_MAX_DELETE)
				na = XMLREQ_MAX_DELETE;
			if (!(no = realloc(d->objs, na * sizeof(*no))))
				return ERR_NOMEM;
			d->objs = no;
			c->alloc = na;
		}
		d->objs[d->n++] = c->cur;
		c->cur.key = c->cur.version_id = NULL;
		return ERR_OK;
	default:
		return ERR_OK;
	}
}

enum err
xmlreq_delete(const char *body, size_t n, struct xmlreq_delete *out)
{
	struct delete_ctx c;
	struct xp x;
	enum err e;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.out = out;
	xp_setup(&x, "Delete", delete_rules, sizeof(delete_rules) / sizeof(delete_rules[0]),
		 delete_open, delete_close, &c);
	if ((e = xp_run(&x, body, n)))
		goto fail;
	if (out->n == 0) {
		e = ERR_MALFORMED_XML;
		goto fail;
	}
	return ERR_OK;
fail:
	free(c.cur.key);
	free(c.cur.version_id);
	xmlreq_delete_free(out);
	return e;
}

void
xmlreq_delete_free(struct xmlreq_delete *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->objs[i].key);
		free(d->objs[i].version_id);
	}
	free(d->objs);
	d->objs = NULL;
	d->n = 0;
	d->quiet = false;
}

/* ---- CompleteMultipartUpload ---- */

static const struct rule complete_rules[] = {
	{EL_ROOT, "Part", EL_PART, false},
	{EL_PART, "PartNumber", EL_PART_NUMBER, true},
	{EL_PART, "ETag", EL_ETAG, true},
	{EL_PART, "ChecksumCRC32", EL_CK + CK_CRC32, true},
	{EL_PART, "ChecksumCRC32C", EL_CK + CK_CRC32C, true},
	{EL_PART, "ChecksumCRC64NVME", EL_CK + CK_CRC64NVME, true},
	{EL_PART, "ChecksumSHA1", EL_CK + CK_SHA1, true},
	{EL_PART, "ChecksumSHA256", EL_CK + CK_SHA256, true},
};

struct complete_ctx {
	struct xmlreq_complete *out;
	size_t alloc;
	struct xmlreq_part cur;
	bool has_number, has_etag, has_ck[CK__COUNT];
};

/* Digits only, after trimming; 1..10000. Leading zeros are harmless. */
static bool
parse_part_number(const char *s, size_t n, int *out)
{
	long v = 0;
	size_t i;

	trim(&s, &n);
	if (!n)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
		if (v > XMLREQ_MAX_PARTS)
			return false;
	}
	if (v < 1)
		return false;
	*out = (int)v;
	return true;
}

static enum err
complete_open(struct xp *x, enum el el)
{
	struct complete_ctx *c = x->ctx;

	if (el != EL_PART)
		return ERR_OK;
	if (c->out->n >= XMLREQ_MAX_PARTS)
		return ERR_MALFORMED_XML;
	memset(&c->cur, 0, sizeof(c->cur));
	c->has_number = c->has_etag = false;
	memset(c->has_ck, 0, sizeof(c->has_ck));
	return ERR_OK;
}

static enum err
complete_close(struct xp *x, enum el el, const char *text, size_t len)
{
	struct complete_ctx *c = x->ctx;
	struct xmlreq_complete *m = c->out;

	if (el > EL_CK && el < EL_CK + CK__COUNT) {
		int a = (int)(el - EL_CK);
		if (c->has_ck[a])
			return ERR_MALFORMED_XML;
		c->has_ck[a] = true;
		trim(&text, &len);
		/* longer than any base64 checksum: it cannot verify */
		if (len >= CKSUM_B64_MAX)
			return ERR_INVALID_CHECKSUM;
		memcpy(c->cur.ck[a], text, len);
		c->cur.ck[a][len] = '\0';
		return ERR_OK;
	}
	switch (el) {
	case EL_PART_NUMBER:
		if (c->has_number)
			return ERR_MALFORMED_XML;
		c->has_number = true;
		return parse_part_number(text, len, &c->cur.number) ? ERR_OK : ERR_MALFORMED_XML;
	case EL_ETAG:
		if (c->has_etag)
			return ERR_MALFORMED_XML;
		c->has_etag = true;
		/* Clients send "abc", abc or &quot;abc&quot; (decoded to the first). */
		trim(&text, &len);
		if (len && text[0] == '"')
			text++, len--;
		if (len && text[len - 1] == '"')
			len--;
		/* no part's ETag is this long, so it names no part */
		if (len >= sizeof(c->cur.etag))
			return ERR_INVALID_PART;
		memcpy(c->cur.etag, text, len);
		c->cur.etag[len] = '\0';
		return ERR_OK;
	case EL_PART:
		if (!c->has_number || !c->has_etag)
			return ERR_MALFORMED_XML;
		if (m->n == c->alloc) {
			size_t na = c->alloc ? c->alloc * 2 : 16;
			struct xmlreq_part *np;
			if (na > XMLREQ_MAX_PARTS)
				na = XMLREQ_MAX_PARTS;
			if (!(np = realloc(m->parts, na * sizeof(*np))))
				return ERR_NOMEM;
			m->parts = np;
			c->alloc = na;
		}
		m->parts[m->n++] = c->cur;
		return ERR_OK;
	default:
		return ERR_OK;
	}
}

enum err
xmlreq_complete(const char *body, size_t n, struct xmlreq_complete *out)
{
	struct complete_ctx c;
	struct xp x;
	enum err e;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.out = out;
	xp_setup(&x, "CompleteMultipartUpload", complete_rules,
		 sizeof(complete_rules) / sizeof(complete_rules[0]),
		 complete_open, complete_close, &c);
	if ((e = xp_run(&x, body, n)))
		goto fail;
	if (out->n == 0) {
		e = ERR_MALFORMED_XML;
		goto fail;
	}
	return ERR_OK;
fail:
	xmlreq_complete_free(out);
	return e;
}

void
xmlreq_complete_free(struct xmlreq_complete *m)
{
	free(m->parts);
	m->parts = NULL;
	m->n = 0;
}
