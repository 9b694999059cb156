/* authz.c - see authz.h. The request context (aws:* and s3:* keys) is
 * filled from what is known of the request; policies come from IAM (identity),
 * the session token (session) and the bucket (resource). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "authz/authz.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "iam/iam.h"
#include "query/query.h"
#include "s3/bucketcache.h"
#include "s3/s3.h"

#define MAX_SESSION_REFS 16

/* What a condition can ask about a request. */
struct ctxinfo {
	const struct principal *who;
	const struct req *r;
	const struct s3_ctx *s3; /* NULL for IAM/STS */
	const struct iam_policies *ip; /* the principal's, for aws:PrincipalTag/<key> */
	char now_iso[32], epoch[24];
};

static const char *
principal_type(const struct principal *w)
{
	switch (w->type) {
	case PT_ROOT: return "Account";
	case PT_USER: return "User";
	case PT_ASSUMED_ROLE: return "AssumedRole";
	default: return "Anonymous";
	}
}

static size_t
one(const char **vals, size_t max, const char *v)
{
	if (!v || max == 0)
		return 0;
	vals[0] = v;
	return 1;
}

static size_t
ctx_values(void *cb, const char *key, const char **vals, size_t max)
{
	struct ctxinfo *ci = cb;
	const struct principal *w = ci->who;

	if (strncasecmp(key, "aws:", 4) == 0) {
		const char *k = key + 4;
		if (strcasecmp(k, "SourceIp") == 0)
			return one(vals, max, ci->r->remote[0] ? ci->r->remote : NULL);
		if (strcasecmp(k, "SecureTransport") == 0)
			return one(vals, max, "false");
		if (strcasecmp(k, "CurrentTime") == 0)
			return one(vals, max, ci->now_iso);
		if (strcasecmp(k, "EpochTime") == 0)
			return one(vals, max, ci->epoch);
		if (w->type == PT_ANONYMOUS)
			return 0;
		if (strcasecmp(k, "username") == 0)
			return one(vals, max, w->type == PT_USER ? w->user : NULL);
		if (strcasecmp(k, "userid") == 0)
			return one(vals, max, w->userid);
		if (strcasecmp(k, "PrincipalArn") == 0)
			return one(vals, max, w->type == PT_ASSUMED_ROLE ? w->role_arn : w->arn);
		if (strcasecmp(k, "PrincipalAccount") == 0)
			return one(vals, max, w->account);
		if (strcasecmp(k, "PrincipalType") == 0)
			return one(vals, max, principal_type(w));
		if (strcasecmp(k, "MultiFactorAuthPresent") == 0)
			return one(vals, max, "false");
		if (strncasecmp(k, "PrincipalTag/", 13) == 0)
			return one(vals, max, ci->ip ? iam_policies_tag(ci->ip, k + 13) : NULL);
		return 0;
	}
	if (ci->s3 && strncasecmp(key, "s3:", 3) == 0) {
		const char *k = key + 3;
		if (strcasecmp(k, "prefix") == 0)
			return one(vals, max, s3_arg(ci->s3, "prefix"));
		if (strcasecmp(k, "delimiter") == 0)
			return one(vals, max, s3_arg(ci->s3, "delimiter"));
		if (strcasecmp(k, "max-keys") == 0)
			return one(vals, max, s3_arg(ci->s3, "max-keys"));
		if (strcasecmp(k, "x-amz-acl") == 0)
			return one(vals, max, req_header(ci->r, "x-amz-acl"));
		if (strcasecmp(k, "x-amz-content-sha256") == 0)
			return one(vals, max, req_header(ci->r, "x-amz-content-sha256"));
		if (strcasecmp(k, "signatureversion") == 0)
			return one(vals, max, w->type == PT_ANONYMOUS ? NULL : "AWS4-HMAC-SHA256");
		if (strcasecmp(k, "authType") == 0)
			return one(vals, max, w->type == PT_ANONYMOUS ? NULL
					      : req_header(ci->r, "Authorization") ? "REST-HEADER"
										 : "REST-QUERY-STRING");
		return 0;
	}
	return 0;
}

static void
ctx_init(struct ctxinfo *ci, const struct principal *who, const struct req *r,
	 const struct s3_ctx *s3)
{
	int64_t ms = now_ms();

	ci->who = who;
	ci->r = r;
	ci->s3 = s3;
	ci->ip = NULL;
	fmt_iso8601(ms, ci->now_iso);
	memcpy(ci->now_iso + 19, "Z", 2);
	snprintf(ci->epoch, sizeof ci->epoch, "%lld", (long long)(ms / 1000));
}

/* Session policies of temporary credentials: the inline one and the
 * managed ones named at AssumeRole. */
struct session_pols {
	struct pol *inline_pol;
	struct iam_policies managed[MAX_SESSION_REFS];
	size_t nmanaged;
	struct pol_ref refs[MAX_SESSION_REFS + 1];
	size_t n;
	bool has;
};

static enum err
session_load(struct meta *m, const struct principal *w, struct session_pols *sp)
{
	memset(sp, 0, sizeof *sp);
	if (!w->temporary || (!w->session_policy && !w->session_policy_arns))
		return ERR_OK;
	sp->has = true;
	if (w->session_policy) {
		struct buf msg;
		buf_init(&msg, 0);
		if (pol_parse(w->session_policy, strlen(w->session_policy), POL_IDENTITY,
			      &sp->inline_pol, &msg) == ERR_OK)
			sp->refs[sp->n++] = (struct pol_ref){sp->inline_pol, "session policy"};
		buf_fini(&msg);
	}
	if (w->session_policy_arns) {
		const char *p = w->session_policy_arns;
		while (*p && sp->nmanaged < MAX_SESSION_REFS) {
			char arn[320];
			size_t l = strcspn(p, "\n"), i;
			snprintf(arn, sizeof arn, "%.*s", (int)(l < sizeof arn ? l : sizeof arn - 1), p);
			if (iam_managed_policy(m, w->account, arn, &sp->managed[sp->nmanaged]) == ERR_OK) {
				struct iam_policies *ip = &sp->managed[sp->nmanaged++];
				for (i = 0; i < ip->n && sp->n < MAX_SESSION_REFS + 1; i++)
					sp->refs[sp->n++] = ip->refs[i];
			}
			p += l;
			if (*p)
				p++;
		}
	}
	return ERR_OK;
}

static void
session_free(struct session_pols *sp)
{
	size_t i;

	pol_free(sp->inline_pol);
	for (i = 0; i < sp->nmanaged; i++)
		iam_policies_free(&sp->managed[i]);
}

static const char *
source_words(enum pol_source s)
{
	switch (s) {
	case SRC_RESOURCE: return "a resource-based policy";
	case SRC_SESSION: return "a session policy";
	default: return "an identity-based policy";
	}
}

/* AWS's explanatory denial. quote: S3 quotes the resource, IAM does not. */
static void
deny_message(struct req *r, const struct principal *w, const char *action, const char *resource,
	     const struct pol_decision *d, bool has_session, bool quote)
{
	char msg[1200];
	const char *who = w->arn;

	if (d->policy)
		snprintf(r->decided_by, sizeof r->decided_by, "%s%s%s", d->policy,
			 d->sid && *d->sid ? "#" : "", d->sid ? d->sid : "");
	if (w->type == PT_ANONYMOUS)
		return; /* AWS tells anonymous callers only "Access Denied" */
	if (d->explicit_deny)
		snprintf(msg, sizeof msg, "User: %s is not authorized to perform: %s on resource: %s%s%s "
			 "with an explicit deny in %s", who, action, quote ? "\"" : "", resource,
			 quote ? "\"" : "", source_words(d->source));
	else
		snprintf(msg, sizeof msg, "User: %s is not authorized to perform: %s on resource: %s%s%s "
			 "because no %s allows the %s action", who, action, quote ? "\"" : "", resource,
			 quote ? "\"" : "",
			 d->source == SRC_SESSION ? "session policy" : "identity-based policy",
			 action);
	req_error_detail(r, msg, NULL, NULL);
}

/* The common decision: identity policies of who, session policies, and
 * resource policies (may be none). */
/* ERR_OK when allowed; ERR_ACCESS_DENIED with the explanation set on r when
 * not (written here, while the deciding policy is still loaded: the
 * decision borrows its names). */
static enum err
decide(struct meta *m, struct req *r, const struct principal *w, const struct s3_ctx *s3,
       const char *action, const char *resource, const struct pol_ref *res, size_t nres,
       bool quote)
{
	struct pol_decision dd, *d = &dd;
	struct iam_policies ip = {NULL, 0, NULL};
	struct session_pols sp;
	struct pol_principal pp;
	struct pol_request rq;
	struct ctxinfo ci;
	enum err e;

	memset(&sp, 0, sizeof sp);
	if (w->type != PT_ANONYMOUS && w->type != PT_ROOT) {
		if ((e = iam_identity_policies(m, w, &ip)))
			return e;
		session_load(m, w, &sp);
	}
	ctx_init(&ci, w, r, s3);
	ci.ip = &ip;
	pp = (struct pol_principal){w->type, w->type == PT_ANONYMOUS ? NULL : w->account,
				    w->type == PT_ANONYMOUS ? NULL : w->arn,
				    w->type == PT_ASSUMED_ROLE ? w->role_arn : NULL,
				    w->type == PT_ANONYMOUS ? NULL : w->userid,
				    w->type == PT_USER ? w->user : NULL};
	rq = (struct pol_request){action, resource, &pp, ctx_values, &ci};
	pol_authorize(ip.refs, ip.n, sp.has, sp.refs, sp.n, res, nres, &rq, d);
	e = d->allowed ? ERR_OK : ERR_ACCESS_DENIED;
	if (e)
		deny_message(r, w, action, resource, d, sp.has, quote);
	session_free(&sp);
	iam_policies_free(&ip);
	return e;
}

enum err
authz_query(struct query_ctx *c, const char *action, const char *resource)
{
	enum err e;

	if (c->who->type == PT_ROOT && !c->who->temporary)
		return ERR_OK;
	e = decide(c->env->meta, c->r, c->who, NULL, action, resource, NULL, 0, false);
	return e == ERR_ACCESS_DENIED ? ERR_IAM_ACCESS_DENIED : e;
}

enum err
authz_identity(struct meta *m, struct req *r, const struct principal *who, const char *action,
	       const char *resource)
{
	if (who->type == PT_ROOT && !who->temporary)
		return ERR_OK;
	return decide(m, r, who, NULL, action, resource, NULL, 0, false);
}

enum err
authz_s3(struct s3_ctx *c, const char *action, const char *resource)
{
	return authz_s3_bucket(c, c->bucket, action, resource);
}

enum err
authz_s3_bucket(struct s3_ctx *c, const char *bucket, const char *action, const char *resource)
{
	const struct principal *w = &c->auth.who;
	struct bucketcache_pol *held = NULL;
	const struct pol *bp = NULL;
	struct pol_ref ref;
	char name[128];
	enum err e;

	/* The bucket's policy, when the bucket exists and has one (parsed once
	 * and kept until the bucket or its policy changes). */
	if (bucket && bucket[0] && bucketcache_policy(c->svc->meta, bucket, &held) == ERR_OK)
		bp = bucketcache_pol_get(held);
	/* Root and (without a bucket policy) nothing else to consult: allowed. */
	if (w->type == PT_ROOT && !w->temporary && !bp) {
		bucketcache_pol_release(held);
		return ERR_OK;
	}
	snprintf(name, sizeof name, "arn:aws:s3:::%s (bucket policy)", bucket ? bucket : "");
	ref = (struct pol_ref){bp, name};
	e = decide(c->svc->meta, c->r, w, c, action, resource, bp ? &ref : NULL, bp ? 1 : 0, true);
	bucketcache_pol_release(held);
	return e;
}
