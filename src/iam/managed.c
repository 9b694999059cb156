/* managed.c - the AWS-managed policies coffer ships, under their real ARNs
 * and with AWS's current documents (AWS Managed Policy reference), so that
 * scripts attaching arn:aws:iam::aws:policy/AmazonS3FullAccess work as on
 * AWS. They are read-only: listed, attachable, never modified or deleted. */
#include <pthread.h>
#include <string.h>
#include "core/log.h"
#include "iam/api.h"

#define AWS_ARN(n) "arn:aws:iam::aws:policy/" n

const struct iam_builtin iam_builtins[] = {
	{"AdministratorAccess", "ANPAIWMBCKSKIEE64ZLYK", AWS_ARN("AdministratorAccess"),
	 "Provides full access to AWS services and resources.", "v1",
	 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
	 "\"Resource\":\"*\"}]}",
	 1423247986000, 1423247986000},
	{"AmazonS3FullAccess", "ANPAIFIR6V6BVTRAHWINE", AWS_ARN("AmazonS3FullAccess"),
	 "Provides full access to all buckets via the AWS Management Console.", "v2",
	 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
	 "[\"s3:*\",\"s3-object-lambda:*\"],\"Resource\":\"*\"}]}",
	 1423248058000, 1632773797000},
	{"AmazonS3ReadOnlyAccess", "ANPAIZTJ4DXE7G6AGAE6M", AWS_ARN("AmazonS3ReadOnlyAccess"),
	 "Provides read only access to all buckets via the AWS Management Console.", "v3",
	 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
	 "[\"s3:Get*\",\"s3:List*\",\"s3:Describe*\",\"s3-object-lambda:Get*\","
	 "\"s3-object-lambda:List*\"],\"Resource\":\"*\"}]}",
	 1423248059000, 1691703099000},
	{"IAMFullAccess", "ANPAI7XKCFMBPM3QQRRVQ", AWS_ARN("IAMFullAccess"),
	 "Provides full access to IAM via the AWS Management Console.", "v2",
	 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
	 "[\"iam:*\",\"organizations:DescribeAccount\",\"organizations:DescribeOrganization\","
	 "\"organizations:DescribeOrganizationalUnit\",\"organizations:DescribePolicy\","
	 "\"organizations:ListChildren\",\"organizations:ListParents\","
	 "\"organizations:ListPoliciesForTarget\",\"organizations:ListRoots\","
	 "\"organizations:ListPolicies\",\"organizations:ListTargetsForPolicy\"],"
	 "\"Resource\":\"*\"}]}",
	 1423248038000, 1561146000000},
	{"IAMReadOnlyAccess", "ANPAJKSO7NDY4T57MWDSQ", AWS_ARN("IAMReadOnlyAccess"),
	 "Provides read only access to IAM via the AWS Management Console.", "v4",
	 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
	 "[\"iam:GenerateCredentialReport\",\"iam:GenerateServiceLastAccessedDetails\","
	 "\"iam:Get*\",\"iam:List*\",\"iam:SimulateCustomPolicy\","
	 "\"iam:SimulatePrincipalPolicy\"],\"Resource\":\"*\"}]}",
	 1423248039000, 1516907487000},
	{"IAMUserChangePassword", "ANPAJ4L4MM2A7QIEB56MS", AWS_ARN("IAMUserChangePassword"),
	 "Provides the ability for an IAM user to change their own password.", "v3",
	 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
	 "[\"iam:ChangePassword\"],\"Resource\":[\"arn:aws:iam::*:user/${aws:username}\","
	 "\"arn:aws:iam::*:user/*/${aws:username}\"]},{\"Effect\":\"Allow\",\"Action\":"
	 "[\"iam:GetAccountPasswordPolicy\"],\"Resource\":\"*\"}]}",
	 1479169516000, 1748555520000},
};
const size_t iam_nbuiltins = sizeof iam_builtins / sizeof iam_builtins[0];

#define NBUILTIN (sizeof iam_builtins / sizeof iam_builtins[0])

static struct pol *parsed[NBUILTIN];
static pthread_once_t parse_once = PTHREAD_ONCE_INIT;

/* Parsed once for the process; a document the engine refuses is a bug in
 * this table, logged, and that policy then allows nothing. */
static void
parse_all(void)
{
	struct buf msg;
	size_t i;

	buf_init(&msg, 1024);
	for (i = 0; i < NBUILTIN; i++) {
		buf_reset(&msg);
		if (pol_parse(iam_builtins[i].document, strlen(iam_builtins[i].document),
			      POL_IDENTITY, &parsed[i], &msg) != ERR_OK) {
			log_error("iam: built-in policy %s does not parse: %s", iam_builtins[i].name,
				  msg.p ? msg.p : "");
			parsed[i] = NULL;
		}
	}
	buf_fini(&msg);
}

const struct iam_builtin *
iam_builtin_find(const char *arn)
{
	size_t i;

	for (i = 0; arn && i < NBUILTIN; i++)
		if (strcmp(iam_builtins[i].arn, arn) == 0)
			return &iam_builtins[i];
	return NULL;
}

const struct pol *
iam_builtin_pol(const struct iam_builtin *b)
{
	pthread_once(&parse_once, parse_all);
	return parsed[b - iam_builtins];
}
