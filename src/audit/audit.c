/* audit.c - see audit.h. Each record is built whole and written with one
 * write(2) on an O_APPEND descriptor, so concurrent records never mix. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "audit/audit.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/timefmt.h"

static int audit_fd = -1;

enum err
audit_open(const char *data_dir)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/audit.log", data_dir);
	audit_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (audit_fd < 0) {
		log_error("cannot open %s: %s", path, strerror(errno));
		return ERR_INTERNAL;
	}
	return ERR_OK;
}

void
audit_close(void)
{
	if (audit_fd >= 0)
		close(audit_fd);
	audit_fd = -1;
}

/* Parameters whose values are secrets, by name (any case). */
static bool
secret_param(const char *k)
{
	static const char *const names[] = {"Password", "OldPassword", "NewPassword",
					    "SecretAccessKey", "SessionToken", NULL};
	size_t i;

	for (i = 0; names[i]; i++)
		if (strcasecmp(k, names[i]) == 0)
			return true;
	return false;
}

static const char *
identity_type(const struct principal *w)
{
	switch (w->type) {
	case PT_ROOT: return "Root";
	case PT_USER: return "IAMUser";
	case PT_ASSUMED_ROLE: return "AssumedRole";
	default: return "AWSAccount";
	}
}

static json_t *
identity(const struct principal *w)
{
	json_t *j;

	if (!w || w->type == PT_ANONYMOUS)
		return json_pack("{s:s,s:s}", "type", "AWSAccount", "principalId", "ANONYMOUS_PRINCIPAL");
	j = json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", identity_type(w), "principalId", w->userid,
		      "arn", w->arn, "accountId", w->account, "accessKeyId", w->akid);
	if (j && w->type == PT_USER)
		json_object_set_new(j, "userName", json_string(w->user));
	if (j && w->type == PT_ASSUMED_ROLE)
		json_object_set_new(j, "sessionContext",
				    json_pack("{s:{s:s,s:s}}", "sessionIssuer", "type", "Role", "arn",
					      w->role_arn));
	return j;
}

/* Console actions are told apart as CloudTrail tells AWS console actions
 * (userAgent "console.amazonaws.com"): by the agent, not the browser's. */
static const char *
user_agent(const struct req *r)
{
	const char *ua = req_header(r, "User-Agent");

	if (r->preauth)
		return "coffer-console";
	return ua ? ua : "";
}

void
audit_record(const struct req *r, const char *source, const char *event,
	     const struct principal *who, const struct audit_param *params, size_t nparams,
	     bool read_only)
{
	char t[32], host[64], eid[37];
	uint8_t rnd[16];
	json_t *j, *rp = json_object();
	char *line;
	size_t i;

	if (audit_fd < 0)
		return;
	fmt_iso8601(now_ms(), t);
	memcpy(t + 19, "Z", 2);
	snprintf(host, sizeof host, "%s.amazonaws.com", source);
	crypto_random(rnd, sizeof rnd);
	snprintf(eid, sizeof eid, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], rnd[8], rnd[9],
		 rnd[10], rnd[11], rnd[12], rnd[13], rnd[14], rnd[15]);
	for (i = 0; i < nparams; i++) {
		char key[128];
		if (secret_param(params[i].k) || strcmp(params[i].k, "Action") == 0 ||
		    strcmp(params[i].k, "Version") == 0)
			continue;
		/* CloudTrail writes parameters in lower camel case. */
		snprintf(key, sizeof key, "%s", params[i].k);
		if (key[0] >= 'A' && key[0] <= 'Z')
			key[0] = (char)(key[0] - 'A' + 'a');
		json_object_set_new(rp, key, json_string(params[i].v));
	}
	j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:O,s:s,s:s,s:b,s:s}", "eventVersion", "1.08",
		      "eventTime", t, "eventSource", host, "eventName", event ? event : "Unknown",
		      "sourceIPAddress", r->remote, "userIdentity", identity(who), "userAgent",
		      user_agent(r),
		      "requestParameters", rp, "requestID", r->id, "eventID", eid, "readOnly",
		      read_only, "eventType", "AwsApiCall");
	json_decref(rp);
	if (!j)
		return;
	if (r->err_code && r->status >= 300) {
		json_object_set_new(j, "errorCode", json_string(r->err_code));
		if (r->err_msg)
			json_object_set_new(j, "errorMessage", json_string(r->err_msg));
	}
	if (r->decided_by[0])
		json_object_set_new(j, "decidedBy", json_string(r->decided_by));
	line = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!line)
		return;
	{
		size_t n = strlen(line);
		line[n] = '\n';
		if (write(audit_fd, line, n + 1) < 0)
			log_warn("audit: write failed: %s", strerror(errno));
		line[n] = '\0';
	}
	free(line);
}
