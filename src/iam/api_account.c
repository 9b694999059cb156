/* api_account.c - account-wide reports over the Query API:
 * GetAccountSummary (usage and AWS's default quotas), and the credential
 * report (GenerateCredentialReport / GetCredentialReport) in AWS's CSV
 * columns, built from the store when asked and kept until the next one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/crypto.h"
#include "core/timefmt.h"
#include "iam/api.h"

enum err
iam_api_GetAccountSummary(struct query_ctx *c)
{
	struct iamdb_counts n;
	enum err e;
	struct {
		const char *key;
		size_t value;
	} rows[] = {
		{"AccessKeysPerUserQuota", IAM_MAX_KEYS},
		{"AccountAccessKeysPresent", 0},
		{"AccountMFAEnabled", 0},
		{"AccountSigningCertificatesPresent", 0},
		{"AttachedPoliciesPerGroupQuota", IAM_MAX_ATTACHED},
		{"AttachedPoliciesPerRoleQuota", IAM_MAX_ATTACHED},
		{"AttachedPoliciesPerUserQuota", IAM_MAX_ATTACHED},
		{"GlobalEndpointTokenVersion", 1},
		{"GroupPolicySizeQuota", 5120},
		{"Groups", 0},
		{"GroupsPerUserQuota", IAM_MAX_GROUPS_PER_USER},
		{"GroupsQuota", 300},
		{"InstanceProfiles", 0},
		{"InstanceProfilesQuota", 1000},
		{"MFADevices", 0},
		{"MFADevicesInUse", 0},
		{"Policies", 0},
		{"PoliciesQuota", 1500},
		{"PolicySizeQuota", 6144},
		{"PolicyVersionsInUse", 0},
		{"PolicyVersionsInUseQuota", 10000},
		{"Providers", 0},
		{"RolePolicySizeQuota", 10240},
		{"Roles", 0},
		{"RolesQuota", 1000},
		{"ServerCertificates", 0},
		{"ServerCertificatesQuota", 20},
		{"SigningCertificatesPerUserQuota", 2},
		{"UserPolicySizeQuota", 2048},
		{"Users", 0},
		{"UsersQuota", 5000},
		{"VersionsPerPolicyQuota", IAM_MAX_VERSIONS},
	};
	size_t i;

	if ((e = query_authorize(c, "iam:GetAccountSummary", "*")) ||
	    (e = iamdb_counts(c->env->meta, iam_account(c), &n)))
		return e;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *k = rows[i].key;
		if (!strcmp(k, "AccountAccessKeysPresent"))
			rows[i].value = n.root_keys ? 1 : 0;
		else if (!strcmp(k, "Groups"))
			rows[i].value = n.groups;
		else if (!strcmp(k, "Policies"))
			rows[i].value = n.policies;
		else if (!strcmp(k, "PolicyVersionsInUse"))
			rows[i].value = n.attached_policies;
		else if (!strcmp(k, "Roles"))
			rows[i].value = n.roles;
		else if (!strcmp(k, "Users"))
			rows[i].value = n.users;
	}
	query_open(c, "SummaryMap");
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		query_open(c, "entry");
		query_elem(c, "key", rows[i].key);
		query_elem_u64(c, "value", rows[i].value);
		query_close(c, "entry");
	}
	query_close(c, "SummaryMap");
	return ERR_OK;
}

/* ---- credential report ---- */

/* The report's time form: 2024-01-02T03:04:05+00:00; "N/A" for never. */
static void
csv_time(struct buf *b, int64_t ms, const char *never)
{
	char t[32];

	if (!ms) {
		buf_printf(b, ",%s", never);
		return;
	}
	fmt_iso8601(ms, t);
	t[19] = '\0';
	buf_printf(b, ",%s+00:00", t);
}

static void
csv_keys(struct buf *b, const struct iamdb_key *k, size_t n)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		if (i >= n) {
			buf_adds(b, ",false,N/A,N/A,N/A,N/A");
			continue;
		}
		buf_printf(b, ",%s", k[i].active ? "true" : "false");
		csv_time(b, k[i].created_ms, "N/A");
		csv_time(b, k[i].last_used_ms, "N/A");
		buf_printf(b, ",%s,%s", k[i].last_used_ms && k[i].region[0] ? k[i].region : "N/A",
			   k[i].last_used_ms && k[i].service[0] ? k[i].service : "N/A");
	}
	buf_adds(b, ",false,N/A,false,N/A\n");
}

/* User names and ARNs hold no comma or quote ([\w+=,.@-] has ','): quote
 * a field when it needs it, as CSV does. */
static void
csv_field(struct buf *b, const char *s, bool first)
{
	if (!first)
		buf_addc(b, ',');
	if (!strpbrk(s, ",\"\n")) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

static enum err
build_report(struct query_ctx *c, struct buf *b)
{
	struct iamdb_entities users;
	struct iamdb_key keys[8];
	struct meta_account acct;
	size_t i, n = 0;
	bool found = false;
	enum err e;

	buf_adds(b, "user,arn,user_creation_time,password_enabled,password_last_used,"
		    "password_last_changed,password_next_rotation,mfa_active,access_key_1_active,"
		    "access_key_1_last_rotated,access_key_1_last_used_date,"
		    "access_key_1_last_used_region,access_key_1_last_used_service,"
		    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
		    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
		    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n");
	if ((e = meta_account_get(c->env->meta, &acct, &found)))
		return e;
	if (found && strcmp(acct.id, iam_account(c)) == 0) {
		if ((e = iamdb_key_list(c->env->meta, acct.id, acct.root_user, true, keys, 8, &n)))
			return e;
		buf_printf(b, "<root_account>,arn:aws:iam::%s:root", acct.id);
		csv_time(b, acct.created_ms, "N/A");
		buf_adds(b, ",not_supported,no_information,not_supported,not_supported,false");
		csv_keys(b, keys, n);
	}
	if ((e = iamdb_entity_list(c->env->meta, IAMDB_USER, iam_account(c), NULL, NULL, 0,
				   &users)))
		return e;
	for (i = 0; i < users.n && e == ERR_OK; i++) {
		const struct iamdb_entity *u = &users.v[i];
		e = iamdb_key_list(c->env->meta, iam_account(c), u->name, false, keys, 8, &n);
		if (e == ERR_IAM_NO_SUCH_ENTITY) { /* deleted meanwhile */
			e = ERR_OK;
			continue;
		}
		if (e)
			break;
		csv_field(b, u->name, true);
		csv_field(b, u->arn, false);
		csv_time(b, u->created_ms, "N/A");
		buf_printf(b, ",%s", u->has_login ? "true" : "false");
		csv_time(b, u->login_last_used_ms, u->has_login ? "no_information" : "N/A");
		csv_time(b, u->has_login ? u->login_created_ms : 0, "N/A");
		buf_adds(b, ",N/A,false");
		csv_keys(b, keys, n);
	}
	iamdb_entities_free(&users);
	return e;
}

enum err
iam_api_GenerateCredentialReport(struct query_ctx *c)
{
	int64_t at;
	char *old = NULL;
	bool existed;
	struct buf b;
	enum err e;

	if ((e = query_authorize(c, "iam:GenerateCredentialReport", "*")))
		return e;
	e = iamdb_report_get(c->env->meta, iam_account(c), &at, &old);
	free(old);
	if (e && e != ERR_IAM_REPORT_NOT_PRESENT)
		return e;
	existed = e == ERR_OK;
	buf_init(&b, 0);
	/* built at once: the report is there before this answer, so a client
	 * polling for COMPLETE finds it on its next call */
	if ((e = build_report(c, &b)) == ERR_OK)
		e = iamdb_report_put(c->env->meta, iam_account(c), now_ms(), b.p ? b.p : "");
	buf_fini(&b);
	if (e)
		return e;
	if (existed) {
		query_elem(c, "State", "COMPLETE");
	} else {
		query_elem(c, "State", "STARTED");
		query_elem(c, "Description", "No report exists. Starting a new report generation task");
	}
	return ERR_OK;
}

enum err
iam_api_GetCredentialReport(struct query_ctx *c)
{
	int64_t at = 0;
	char *csv = NULL, *b64;
	size_t n;
	enum err e;

	if ((e = query_authorize(c, "iam:GetCredentialReport", "*")))
		return e;
	e = iamdb_report_get(c->env->meta, iam_account(c), &at, &csv);
	if (e)
		return e;
	n = strlen(csv);
	if (!(b64 = malloc(4 * ((n + 2) / 3) + 1))) {
		free(csv);
		return ERR_NOMEM;
	}
	b64_encode((const uint8_t *)csv, n, b64);
	query_elem(c, "Content", b64);
	query_elem(c, "ReportFormat", "text/csv");
	query_elem_time(c, "GeneratedTime", at);
	free(b64);
	free(csv);
	return ERR_OK;
}
