/* api.h - private to src/iam: what the IAM Query API actions (api_*.c)
 * share: AWS's validation of names, paths and documents with AWS's messages,
 * ARNs, pagination, tags, URL-encoded documents, the AWS-managed policies,
 * and the policies of an entity (for the simulator). */
#ifndef COFFER_IAM_API_H
#define COFFER_IAM_API_H

#include <stdbool.h>
#include <stddef.h>
#include "iam/iam.h"
#include "query/query.h"
#include "store/meta/iamdb.h"

#define IAM_NS "https://iam.amazonaws.com/doc/2010-05-08/"
#define IAM_MAX_KEYS 2          /* AccessKeysPerUserQuota */
#define IAM_MAX_VERSIONS 5      /* VersionsPerPolicyQuota */
#define IAM_MAX_ATTACHED 10     /* AttachedPoliciesPer{User,Group,Role}Quota */
#define IAM_MAX_GROUPS_PER_USER 10
#define IAM_MAX_TAGS 50
#define IAM_ARN_FIT 319         /* struct principal/iam_user/iam_role hold 320 */

/* Records what an action acts on, for the audit log (cut to fit). */
void iam_audit(struct query_ctx *c, const char *target);
/* The caller's account. */
const char *iam_account(const struct query_ctx *c);

/* ---- validation (ERR_IAM_VALIDATION with AWS's message set) ---- */
/* Names of users, groups, roles: [\w+=,.@-]{1,max}. param is AWS's member
 * name ("UserName"); the message names it in lowerCamelCase. */
enum err iam_check_name(struct query_ctx *c, const char *param, const char *v, size_t max);
/* Paths: "/" or "/…/" of printable ASCII, at most 512. */
enum err iam_check_path(struct query_ctx *c, const char *param, const char *v);
/* PathPrefix: "/" followed by printable ASCII, at most 512. */
enum err iam_check_path_prefix(struct query_ctx *c, const char *param, const char *v);
/* Length bounds for free text (descriptions, policy documents, passwords). */
enum err iam_check_len(struct query_ctx *c, const char *param, const char *v, size_t lo,
		       size_t hi);
/* A required name parameter: present and valid. */
enum err iam_req_name(struct query_ctx *c, const char *param, size_t max, const char **out);
/* A policy document of kind, size-limited (limit counted without
 * whitespace, as AWS counts; quota names it in LimitExceeded's message):
 * ERR_IAM_MALFORMED_POLICY with the parser's message. */
enum err iam_check_document(struct query_ctx *c, const char *param, const char *doc,
			    enum pol_kind kind, size_t limit, const char *quota);

/* ---- ARNs ---- */
/* arn:aws:iam::ACCT:TYPE/PATH-WITHOUT-LEADING-SLASH NAME */
void iam_arn(char *out, size_t cap, const char *account, const char *type, const char *path,
	     const char *name);
/* The ARN of an existing entity, or the one it would have at path "/",
 * for authorisation before the entity is looked up. */
void iam_entity_arn(struct query_ctx *c, enum iamdb_kind kind, const char *name, char *out,
		    size_t cap);
/* The user a key/password action is about: UserName when given, else the
 * caller (root: *is_root). Assumed roles must name a user. */
enum err iam_target_user(struct query_ctx *c, const char **user, bool *is_root);

/* ---- output ---- */
/* <name>URL-encoded document</name>, as IAM returns documents. */
void iam_elem_doc(struct query_ctx *c, const char *name, const char *json);
/* Marker and MaxItems (1..1000, default 100). */
enum err iam_paging(struct query_ctx *c, const char **marker, size_t *max_items);
/* <IsTruncated> and, when truncated, <Marker>. */
void iam_truncated(struct query_ctx *c, bool truncated, const char *marker);
/* ListUsers/ListGroups/ListRoles: PathPrefix, Marker/MaxItems, authorised
 * with action on "*", each entity rendered as a <member> of <list>. */
enum err iam_list_entities(struct query_ctx *c, enum iamdb_kind kind, const char *action,
			   const char *list,
			   void (*render)(struct query_ctx *c, const struct iamdb_entity *e));
/* Tags.member.N.Key/Value into a JSON array text (malloc'd; NULL when
 * none given), validated as AWS does. */
enum err iam_tags_parse(struct query_ctx *c, const char *prefix, char **json);
/* <Tags><member><Key/><Value/></member>…</Tags> from stored JSON; nothing
 * when there are none unless always. */
void iam_tags_render(struct query_ctx *c, const char *json, bool always);
/* Stored tags merged with new ones (same key replaced) / keys removed. */
enum err iam_tags_merge(struct query_ctx *c, const char *stored, const char *add, char **out);
enum err iam_tags_remove(const char *stored, const char **keys, size_t n, char **out);

/* Entity renderers: <User>…, <Group>…, <Role>… contents (no wrapper). */
void iam_render_user(struct query_ctx *c, const struct iamdb_entity *u, bool tags);
void iam_render_group(struct query_ctx *c, const struct iamdb_entity *g);
void iam_render_role(struct query_ctx *c, const struct iamdb_entity *r, bool full);
/* DeleteConflict with AWS's message for why. */
enum err iam_conflict(struct query_ctx *c, enum iamdb_conflict why);
/* NoSuchEntity with AWS's message for a missing entity. */
enum err iam_no_such(struct query_ctx *c, enum iamdb_kind kind, const char *name);

/* ---- AWS-managed policies (managed.c) ---- */
struct iam_builtin {
	const char *name;
	const char *id;
	const char *arn;
	const char *description;
	const char *version;     /* default version id */
	const char *document;
	int64_t created_ms, updated_ms;
};
extern const struct iam_builtin iam_builtins[];
extern const size_t iam_nbuiltins;
const struct iam_builtin *iam_builtin_find(const char *arn);
/* The parsed document, shared for the life of the process. */
const struct pol *iam_builtin_pol(const struct iam_builtin *b);

/* ---- policies of an entity (lookup.c) ---- */
/* Like iam_identity_policies for a user/role/group named directly (the
 * simulator), also giving each policy's id and AWS's SourcePolicyType. */
enum err iam_entity_policies(struct meta *m, enum iamdb_kind kind, const char *account,
			     const char *name, struct iam_policies *out);
/* For ref i of a set from iam_entity_policies: its policy name, type
 * ("user", "group", "role" inline; "aws-managed", "user-managed") and text. */
void iam_policy_source(const struct iam_policies *p, size_t i, const char **id,
		       const char **type, const char **doc);

/* Action handlers, one per AWS action (api.c puts them in the table). */
#define IAM_ACTIONS(X) \
	X(CreateUser) X(GetUser) X(ListUsers) X(UpdateUser) X(DeleteUser) \
	X(TagUser) X(UntagUser) X(ListUserTags) \
	X(CreateAccessKey) X(ListAccessKeys) X(UpdateAccessKey) X(DeleteAccessKey) \
	X(GetAccessKeyLastUsed) \
	X(CreatePolicy) X(GetPolicy) X(ListPolicies) X(DeletePolicy) \
	X(CreatePolicyVersion) X(GetPolicyVersion) X(ListPolicyVersions) \
	X(SetDefaultPolicyVersion) X(DeletePolicyVersion) \
	X(AttachUserPolicy) X(DetachUserPolicy) X(ListAttachedUserPolicies) \
	X(AttachGroupPolicy) X(DetachGroupPolicy) X(ListAttachedGroupPolicies) \
	X(AttachRolePolicy) X(DetachRolePolicy) X(ListAttachedRolePolicies) \
	X(ListEntitiesForPolicy) \
	X(PutUserPolicy) X(GetUserPolicy) X(DeleteUserPolicy) X(ListUserPolicies) \
	X(PutGroupPolicy) X(GetGroupPolicy) X(DeleteGroupPolicy) X(ListGroupPolicies) \
	X(PutRolePolicy) X(GetRolePolicy) X(DeleteRolePolicy) X(ListRolePolicies) \
	X(CreateGroup) X(GetGroup) X(ListGroups) X(UpdateGroup) X(DeleteGroup) \
	X(AddUserToGroup) X(RemoveUserFromGroup) X(ListGroupsForUser) \
	X(CreateRole) X(GetRole) X(ListRoles) X(UpdateRole) X(UpdateRoleDescription) \
	X(UpdateAssumeRolePolicy) X(DeleteRole) X(TagRole) X(UntagRole) X(ListRoleTags) \
	X(CreateLoginProfile) X(GetLoginProfile) X(UpdateLoginProfile) \
	X(DeleteLoginProfile) X(ChangePassword) \
	X(GetAccountSummary) X(GenerateCredentialReport) X(GetCredentialReport) \
	X(SimulatePrincipalPolicy) X(SimulateCustomPolicy)

#define IAM_DECL(name) enum err iam_api_##name(struct query_ctx *c);
IAM_ACTIONS(IAM_DECL)
#undef IAM_DECL

#endif
