/* sts.c - STS (Version 2011-06-15): GetCallerIdentity, GetSessionToken and
 * AssumeRole. Temporary credentials are sealed session tokens (see
 * auth/session.h); AssumeRole evaluates the role's trust policy and bounds
 * the session by the role's MaxSessionDuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/session.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "iam/iam.h"
#include "policy/policy.h"
#include "query/query.h"

#define SESSION_POLICY_MAX 2048
#define MAX_POLICY_ARNS 10

static enum err
get_caller_identity(struct query_ctx *c)
{
	query_elem(c, "Arn", c->who->arn);
	query_elem(c, "UserId", c->who->userid);
	query_elem(c, "Account", c->who->account);
	return ERR_OK;
}

/* Writes the <Credentials> element of a new session. */
static enum err
write_credentials(struct query_ctx *c, struct session_claims *s)
{
	struct buf token;
	enum err e;

	buf_init(&token, 0);
	if ((e = session_seal(c->env->master, s, &token))) {
		buf_fini(&token);
		return e;
	}
	query_open(c, "Credentials");
	query_elem(c, "AccessKeyId", s->akid);
	query_elem(c, "SecretAccessKey", s->secret);
	query_elem(c, "SessionToken", token.p);
	query_elem_time(c, "Expiration", s->expires_ms);
	query_close(c, "Credentials");
	buf_fini(&token);
	return ERR_OK;
}

static bool
valid_session_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 2 || n > 64)
		return false;
	for (i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      strchr("_+=,.@-", ch)))
			return false;
	}
	return true;
}

static enum err
get_session_token(struct query_ctx *c)
{
	const struct principal *w = c->who;
	struct session_claims s;
	long dur;
	enum err e;

	if (w->temporary) {
		query_error_msg(c, "Cannot call GetSessionToken with session credentials");
		return ERR_IAM_ACCESS_DENIED;
	}
	if ((e = query_int(c, "DurationSeconds", 900, 129600, w->is_root ? 3600 : 43200, &dur)))
		return e;
	/* Root sessions last at most an hour: longer requests get an hour, as on AWS. */
	if (w->is_root && dur > 3600)
		dur = 3600;
	memset(&s, 0, sizeof s);
	if ((e = session_new_keys(&s)))
		return e;
	snprintf(s.account, sizeof s.account, "%s", w->account);
	s.kind = SESSION_USER;
	snprintf(s.name, sizeof s.name, "%s", w->user);
	snprintf(s.id, sizeof s.id, "%.32s", w->userid);
	snprintf(s.arn, sizeof s.arn, "%s", w->arn);
	s.issued_ms = now_ms();
	s.expires_ms = s.issued_ms + dur * 1000;
	e = write_credentials(c, &s);
	session_claims_fini(&s);
	return e;
}

/* "arn:aws:iam::ACCT:role/path/NAME" -> account and NAME. */
static bool
parse_role_arn(const char *arn, char acct[13], char name[65])
{
	const char *p, *slash;

	if (strncmp(arn, "arn:aws:iam::", 13) != 0)
		return false;
	p = arn + 13;
	if (strlen(p) < 18 || p[12] != ':' || strncmp(p + 13, "role/", 5) != 0)
		return false;
	memcpy(acct, p, 12);
	acct[12] = '\0';
	slash = strrchr(p + 13, '/');
	if (!slash[1] || strlen(slash + 1) > 64)
		return false;
	snprintf(name, 65, "%s", slash + 1);
	return true;
}

static size_t
no_context(void *cb, const char *key, const char **vals, size_t max)
{
	return 0;
}

/* Trust policy: may the caller assume this role? Within one account a
 * trust policy that names the caller suffices; one that names the account
 * needs the caller's identity policies to allow sts:AssumeRole too. */
static enum err
trust_allows(struct query_ctx *c, const struct iam_role *role, const char *action)
{
	const struct principal *w = c->who;
	struct pol_principal pp = {w->type, w->account, w->arn,
				   w->type == PT_ASSUMED_ROLE ? w->role_arn : NULL, w->userid,
				   w->type == PT_USER ? w->user : NULL};
	struct pol_request rq = {action, role->arn, &pp, no_context, NULL};
	struct pol *trust = NULL;
	struct pol_hit hit;
	struct buf msg;
	enum pol_effect eff;
	enum err e;

	buf_init(&msg, 0);
	e = pol_parse(role->trust_policy, strlen(role->trust_policy), POL_TRUST, &trust, &msg);
	buf_fini(&msg);
	if (e) {
		log_warn("sts: role %s has an unreadable trust policy", role->arn);
		goto denied;
	}
	eff = pol_eval(trust, &rq, &hit);
	pol_free(trust);
	if (eff != POL_ALLOW)
		goto denied;
	if (strstr(role->trust_policy, w->arn))
		return ERR_OK; /* names the caller itself */
	return query_authorize(c, action, role->arn);
denied:
	query_error_msg(c, "User: %s is not authorized to perform: %s on resource: %s", w->arn,
			action, role->arn);
	return ERR_IAM_ACCESS_DENIED;
}

static enum err
assume_role(struct query_ctx *c)
{
	const struct principal *w = c->who;
	const char *arn = query_req(c, "RoleArn"), *name = query_req(c, "RoleSessionName");
	const char *policy = query_arg(c, "Policy"), *src = query_arg(c, "SourceIdentity");
	const char *arns[1];
	char acct[13], role_name[65];
	struct iam_role role;
	struct session_claims s;
	struct buf parns;
	size_t narns;
	long dur;
	enum err e;

	memset(&role, 0, sizeof role);
	memset(&s, 0, sizeof s);
	buf_init(&parns, 0);
	if (!arn || !name)
		return ERR_IAM_VALIDATION;
	if (!valid_session_name(name)) {
		query_error_msg(c, "1 validation error detected: Value '%.80s' at 'roleSessionName' failed "
				   "to satisfy constraint: Member must satisfy regular expression pattern: "
				   "[\\w+=,.@-]*", name);
		return ERR_IAM_VALIDATION;
	}
	if (src && !valid_session_name(src)) {
		query_error_msg(c, "1 validation error detected: Value at 'sourceIdentity' failed to "
				   "satisfy constraint: Member must satisfy regular expression pattern: "
				   "[\\w+=,.@-]*");
		return ERR_IAM_VALIDATION;
	}
	if (w->is_root) {
		query_error_msg(c, "Roles may not be assumed by root accounts.");
		return ERR_IAM_ACCESS_DENIED;
	}
	if (!parse_role_arn(arn, acct, role_name) || strcmp(acct, w->account) != 0 ||
	    iam_role_get(c->env->meta, acct, role_name, &role) != ERR_OK) {
		query_error_msg(c, "User: %s is not authorized to perform: sts:AssumeRole on resource: %s",
				w->arn, arn);
		return ERR_IAM_ACCESS_DENIED;
	}
	if ((e = trust_allows(c, &role, "sts:AssumeRole")))
		goto out;
	/* Setting a source identity is a permission of its own in the trust policy. */
	if (src && (e = trust_allows(c, &role, "sts:SetSourceIdentity")))
		goto out;
	if ((e = query_int(c, "DurationSeconds", 900, 43200, 3600, &dur)))
		goto out;
	if (w->type == PT_ASSUMED_ROLE && dur > 3600) {
		query_error_msg(c, "The requested DurationSeconds exceeds the 1 hour session limit for "
				   "roles assumed by role chaining.");
		e = ERR_IAM_VALIDATION;
		goto out;
	}
	if (dur > role.max_session_s) {
		query_error_msg(c, "The requested DurationSeconds exceeds the MaxSessionDuration set for "
				   "this role.");
		e = ERR_IAM_VALIDATION;
		goto out;
	}
	if (policy) {
		struct pol *p = NULL;
		struct buf msg;
		if (strlen(policy) > SESSION_POLICY_MAX) {
			e = ERR_STS_PACKED_POLICY_TOO_LARGE;
			goto out;
		}
		buf_init(&msg, 0);
		e = pol_parse(policy, strlen(policy), POL_IDENTITY, &p, &msg);
		if (e)
			query_error_msg(c, "%s", msg.p ? msg.p : "The policy document is malformed.");
		buf_fini(&msg);
		pol_free(p);
		if (e)
			goto out;
	}
	for (narns = 0;; narns++) {
		/* PolicyArns.member.N.arn, numbered from 1 */
		char key[64];
		struct iam_policies ip;
		snprintf(key, sizeof key, "PolicyArns.member.%zu.arn", narns + 1);
		if (!(arns[0] = query_arg(c, key)))
			break;
		if (narns == MAX_POLICY_ARNS) {
			query_error_msg(c, "1 validation error detected: Value at 'policyArns' failed to "
					   "satisfy constraint: Member must have length less than or equal to 10");
			e = ERR_IAM_VALIDATION;
			goto out;
		}
		if (iam_managed_policy(c->env->meta, w->account, arns[0], &ip) != ERR_OK) {
			query_error_msg(c, "Policy %s does not exist or is not attachable.", arns[0]);
			e = ERR_IAM_NO_SUCH_ENTITY;
			goto out;
		}
		iam_policies_free(&ip);
		buf_printf(&parns, "%s%s", narns ? "\n" : "", arns[0]);
	}
	if ((e = session_new_keys(&s)))
		goto out;
	snprintf(s.account, sizeof s.account, "%s", role.account);
	s.kind = SESSION_ROLE;
	snprintf(s.name, sizeof s.name, "%s", role.name);
	snprintf(s.id, sizeof s.id, "%s", role.id);
	snprintf(s.arn, sizeof s.arn, "%s", role.arn);
	snprintf(s.session, sizeof s.session, "%s", name);
	if (src)
		snprintf(s.source_identity, sizeof s.source_identity, "%s", src);
	s.issued_ms = now_ms();
	s.expires_ms = s.issued_ms + dur * 1000;
	s.policy = policy ? strdup(policy) : NULL;
	s.policy_arns = parns.len ? strdup(parns.p) : NULL;
	if ((e = write_credentials(c, &s)))
		goto out;
	query_open(c, "AssumedRoleUser");
	buf_printf(&c->out, "<AssumedRoleId>%s:", role.id);
	buf_add_xml(&c->out, name, strlen(name));
	buf_adds(&c->out, "</AssumedRoleId><Arn>");
	buf_printf(&c->out, "arn:aws:sts::%s:assumed-role/", role.account);
	buf_add_xml(&c->out, role.name, strlen(role.name));
	buf_addc(&c->out, '/');
	buf_add_xml(&c->out, name, strlen(name));
	buf_adds(&c->out, "</Arn>");
	query_close(c, "AssumedRoleUser");
	if (policy || parns.len)
		query_elem_u64(c, "PackedPolicySize",
			       (uint64_t)((policy ? strlen(policy) : 0) + parns.len) * 100 / SESSION_POLICY_MAX);
	if (src)
		query_elem(c, "SourceIdentity", src);
	snprintf(c->audit_target, sizeof c->audit_target, "%s", role.arn);
out:
	session_claims_fini(&s);
	iam_role_fini(&role);
	buf_fini(&parns);
	return e;
}

const struct query_action sts_actions[] = {
	{"AssumeRole", assume_role},
	{"GetCallerIdentity", get_caller_identity},
	{"GetSessionToken", get_session_token},
};
const size_t sts_nactions = sizeof sts_actions / sizeof sts_actions[0];
