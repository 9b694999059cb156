/* test_iamdb.c - unit tests of the IAM store (store/meta/iam_sqlite.c)
 * through iamdb.h and meta.h: entities, names without regard to case,
 * delete conflicts, access-key quota, policy versions, attachments, inline
 * policies, groups, login profiles, counts, reports and the generation
 * counter. Each test gets a fresh temp directory with one account. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/meta/iamdb.h"
#include "store/meta/meta.h"

#define ACCT "123456789012"

static char root[512];
static char dbpath[600];

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static int
setup(void **state)
{
	const char *t = getenv("TMPDIR");
	struct meta_account a;
	struct meta_key k;
	struct meta *m = NULL;

	snprintf(root, sizeof root, "%s/coffer-iamdb-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(root))
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/meta.db", root);
	if (meta_open(dbpath, &m) != ERR_OK)
		return -1;
	memset(&a, 0, sizeof a);
	memset(&k, 0, sizeof k);
	strcpy(a.id, ACCT);
	strcpy(a.root_user, "root");
	a.created_ms = 1000;
	strcpy(k.akid, "AKIAROOTROOTROOTROOT");
	k.active = true;
	k.sealed_len = 4;
	if (meta_bootstrap(m, &a, &k) != ERR_OK)
		return -1;
	*state = m;
	return 0;
}

static int
teardown(void **state)
{
	meta_close(*state);
	return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
mk(struct meta *m, enum iamdb_kind kind, const char *name, const char *path, enum err want)
{
	static int n;
	static const char *const type[] = {"user", "group", "role"};
	struct iamdb_entity e;

	memset(&e, 0, sizeof e);
	e.kind = kind;
	strcpy(e.account, ACCT);
	snprintf(e.name, sizeof e.name, "%s", name);
	snprintf(e.path, sizeof e.path, "%s", path);
	snprintf(e.id, sizeof e.id, "AIDA%017d", ++n);
	snprintf(e.arn, sizeof e.arn, "arn:aws:iam::%s:%s%s%s", ACCT, type[kind], path, name);
	e.created_ms = 2000 + n;
	e.trust_policy = kind == IAMDB_ROLE ? "{\"Version\":\"2012-10-17\"}" : NULL;
	e.max_session_s = 7200;
	assert_int_equal(iamdb_entity_create(m, &e), want);
}

static void
mkpolicy(struct meta *m, const char *name, const char *doc)
{
	struct iamdb_policy p;
	static int n;

	memset(&p, 0, sizeof p);
	strcpy(p.account, ACCT);
	snprintf(p.name, sizeof p.name, "%s", name);
	strcpy(p.path, "/");
	snprintf(p.id, sizeof p.id, "ANPA%017d", ++n);
	snprintf(p.arn, sizeof p.arn, "arn:aws:iam::%s:policy/%s", ACCT, name);
	p.created_ms = p.updated_ms = 5000;
	assert_int_equal(iamdb_policy_create(m, &p, doc), ERR_OK);
}

static void
key(struct meta *m, const char *user, bool is_root, const char *akid, enum err want)
{
	struct meta_key k;

	memset(&k, 0, sizeof k);
	snprintf(k.akid, sizeof k.akid, "%s", akid);
	strcpy(k.account, ACCT);
	snprintf(k.user, sizeof k.user, "%s", user);
	k.is_root = is_root;
	k.active = true;
	k.sealed_len = 8;
	k.created_ms = 3000;
	assert_int_equal(iamdb_key_create(m, &k, 2), want);
}

static void
test_users_case_and_root(void **state)
{
	struct meta *m = *state;
	struct iamdb_entity e;
	struct iamdb_entities l;

	mk(m, IAMDB_USER, "Alice", "/", ERR_OK);
	mk(m, IAMDB_USER, "alice", "/", ERR_IAM_ENTITY_EXISTS);
	mk(m, IAMDB_USER, "ROOT", "/", ERR_IAM_ENTITY_EXISTS); /* the root user's name */
	assert_int_equal(iamdb_entity_get(m, IAMDB_USER, ACCT, "ALICE", false, &e), ERR_OK);
	assert_string_equal(e.name, "Alice");
	assert_false(e.is_root);
	iamdb_entity_fini(&e);
	/* root: only when asked for */
	assert_int_equal(iamdb_entity_get(m, IAMDB_USER, ACCT, "root", false, &e),
			 ERR_IAM_NO_SUCH_ENTITY);
	assert_int_equal(iamdb_entity_get(m, IAMDB_USER, ACCT, "root", true, &e), ERR_OK);
	assert_true(e.is_root);
	assert_string_equal(e.arn, "arn:aws:iam::" ACCT ":root");
	iamdb_entity_fini(&e);
	assert_int_equal(iamdb_entity_list(m, IAMDB_USER, ACCT, NULL, NULL, 100, &l), ERR_OK);
	assert_int_equal(l.n, 1);
	iamdb_entities_free(&l);
}

static void
test_list_paths_and_pages(void **state)
{
	struct meta *m = *state;
	struct iamdb_entities l;
	char name[16];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "u%d", i);
		mk(m, IAMDB_USER, name, i < 3 ? "/eng/" : "/ops/", ERR_OK);
	}
	mk(m, IAMDB_USER, "B-upper", "/", ERR_OK);
	assert_int_equal(iamdb_entity_list(m, IAMDB_USER, ACCT, "/eng/", NULL, 2, &l), ERR_OK);
	assert_int_equal(l.n, 2);
	assert_true(l.truncated);
	assert_string_equal(l.v[1].name, "u1");
	iamdb_entities_free(&l);
	assert_int_equal(iamdb_entity_list(m, IAMDB_USER, ACCT, "/eng/", "u1", 2, &l), ERR_OK);
	assert_int_equal(l.n, 1);
	assert_false(l.truncated);
	assert_string_equal(l.v[0].name, "u2");
	iamdb_entities_free(&l);
	/* names order without regard to case */
	assert_int_equal(iamdb_entity_list(m, IAMDB_USER, ACCT, NULL, NULL, 0, &l), ERR_OK);
	assert_int_equal(l.n, 6);
	assert_string_equal(l.v[0].name, "B-upper");
	iamdb_entities_free(&l);
}

static void
test_delete_conflicts(void **state)
{
	struct meta *m = *state;
	enum iamdb_conflict why;
	int which;

	mk(m, IAMDB_USER, "bob", "/", ERR_OK);
	mk(m, IAMDB_GROUP, "devs", "/", ERR_OK);
	key(m, "bob", false, "AKIABOBBOBBOBBOBBOB1", ERR_OK);
	assert_int_equal(iamdb_entity_delete(m, IAMDB_USER, ACCT, "bob", &why),
			 ERR_IAM_DELETE_CONFLICT);
	assert_int_equal(why, IAMDB_CONFLICT_KEYS);
	assert_int_equal(iamdb_key_delete(m, ACCT, "bob", false, "AKIABOBBOBBOBBOBBOB1"), ERR_OK);
	assert_int_equal(iamdb_login_set(m, ACCT, "bob", true, "$argon2id$x", 10, 0), ERR_OK);
	assert_int_equal(iamdb_entity_delete(m, IAMDB_USER, ACCT, "bob", &why),
			 ERR_IAM_DELETE_CONFLICT);
	assert_int_equal(why, IAMDB_CONFLICT_LOGIN);
	assert_int_equal(iamdb_login_delete(m, ACCT, "bob"), ERR_OK);
	assert_int_equal(iamdb_attach(m, IAMDB_USER, ACCT, "bob",
				      "arn:aws:iam::aws:policy/AdministratorAccess", false, 10, &which),
			 ERR_OK);
	assert_int_equal(iamdb_entity_delete(m, IAMDB_USER, ACCT, "bob", &why),
			 ERR_IAM_DELETE_CONFLICT);
	assert_int_equal(why, IAMDB_CONFLICT_ATTACHED);
	assert_int_equal(iamdb_detach(m, IAMDB_USER, ACCT, "bob",
				      "arn:aws:iam::aws:policy/AdministratorAccess", &which), ERR_OK);
	assert_int_equal(iamdb_inline_put(m, IAMDB_USER, ACCT, "bob", "p", "{}"), ERR_OK);
	assert_int_equal(iamdb_entity_delete(m, IAMDB_USER, ACCT, "bob", &why),
			 ERR_IAM_DELETE_CONFLICT);
	assert_int_equal(why, IAMDB_CONFLICT_INLINE);
	assert_int_equal(iamdb_inline_delete(m, IAMDB_USER, ACCT, "bob", "p", &which), ERR_OK);
	assert_int_equal(iamdb_member_add(m, ACCT, "devs", "BOB", 10, &which), ERR_OK);
	assert_int_equal(iamdb_entity_delete(m, IAMDB_GROUP, ACCT, "devs", &why),
			 ERR_IAM_DELETE_CONFLICT);
	assert_int_equal(why, IAMDB_CONFLICT_MEMBERS);
	assert_int_equal(iamdb_entity_delete(m, IAMDB_USER, ACCT, "bob", &why),
			 ERR_IAM_DELETE_CONFLICT);
	assert_int_equal(why, IAMDB_CONFLICT_GROUPS);
	assert_int_equal(iamdb_member_remove(m, ACCT, "devs", "bob", &which), ERR_OK);
	assert_int_equal(iamdb_member_remove(m, ACCT, "devs", "bob", &which), ERR_IAM_NO_SUCH_ENTITY);
	assert_int_equal(which, 2);
	assert_int_equal(iamdb_entity_delete(m, IAMDB_USER, ACCT, "bob", &why), ERR_OK);
	assert_int_equal(iamdb_entity_delete(m, IAMDB_GROUP, ACCT, "devs", &why), ERR_OK);
	assert_int_equal(iamdb_entity_delete(m, IAMDB_USER, ACCT, "bob", &why),
			 ERR_IAM_NO_SUCH_ENTITY);
}

static void
test_keys(void **state)
{
	struct meta *m = *state;
	struct iamdb_key k[8];
	size_t n;

	mk(m, IAMDB_USER, "carol", "/", ERR_OK);
	key(m, "Carol", false, "AKIACAROLCAROLCAROL1", ERR_OK);
	key(m, "carol", false, "AKIACAROLCAROLCAROL2", ERR_OK);
	key(m, "carol", false, "AKIACAROLCAROLCAROL3", ERR_IAM_LIMIT_EXCEEDED);
	key(m, "nobody", false, "AKIANOBODYNOBODYNOB1", ERR_IAM_NO_SUCH_ENTITY);
	/* root's own quota: it has the bootstrap key already */
	key(m, "ignored", true, "AKIAROOT2ROOT2ROOT22", ERR_OK);
	key(m, "ignored", true, "AKIAROOT3ROOT3ROOT33", ERR_IAM_LIMIT_EXCEEDED);
	assert_int_equal(iamdb_key_list(m, ACCT, "carol", false, k, 8, &n), ERR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(k[0].user, "carol");
	assert_true(k[0].active);
	assert_int_equal(iamdb_key_set_active(m, ACCT, "carol", false, "AKIACAROLCAROLCAROL1", false),
			 ERR_OK);
	/* another user's key is not found through carol */
	assert_int_equal(iamdb_key_set_active(m, ACCT, "carol", false, "AKIAROOT2ROOT2ROOT22", false),
			 ERR_IAM_NO_SUCH_ENTITY);
	assert_int_equal(iamdb_key_get(m, "AKIACAROLCAROLCAROL1", &k[0]), ERR_OK);
	assert_false(k[0].active);
	assert_int_equal(k[0].last_used_ms, 0);
	assert_int_equal(meta_key_touch(m, "AKIACAROLCAROLCAROL1", 99000, "s3", "eu-west-1"), ERR_OK);
	assert_int_equal(iamdb_key_get(m, "AKIACAROLCAROLCAROL1", &k[0]), ERR_OK);
	assert_int_equal(k[0].last_used_ms, 99000);
	assert_string_equal(k[0].service, "s3");
	assert_string_equal(k[0].region, "eu-west-1");
	assert_int_equal(iamdb_key_list(m, ACCT, "x", true, k, 8, &n), ERR_OK);
	assert_int_equal(n, 2);
	assert_true(k[0].is_root);
}

static void
test_rename_follows_references(void **state)
{
	struct meta *m = *state;
	struct iamdb_entities l;
	struct iamdb_key k[8];
	struct iamdb_entity e;
	char **arns;
	size_t n;
	int which;

	mk(m, IAMDB_USER, "dave", "/", ERR_OK);
	mk(m, IAMDB_USER, "erin", "/", ERR_OK);
	mk(m, IAMDB_GROUP, "g", "/", ERR_OK);
	key(m, "dave", false, "AKIADAVEDAVEDAVEDAV1", ERR_OK);
	assert_int_equal(iamdb_member_add(m, ACCT, "g", "dave", 10, &which), ERR_OK);
	assert_int_equal(iamdb_attach(m, IAMDB_USER, ACCT, "dave", "arn:x", false, 10, &which), ERR_OK);
	assert_int_equal(iamdb_entity_rename(m, IAMDB_USER, ACCT, "dave", "erin", NULL, "a"),
			 ERR_IAM_ENTITY_EXISTS);
	assert_int_equal(iamdb_entity_rename(m, IAMDB_USER, ACCT, "dave", "dan", "/x/",
					     "arn:aws:iam::" ACCT ":user/x/dan"), ERR_OK);
	assert_int_equal(iamdb_entity_get(m, IAMDB_USER, ACCT, "dan", false, &e), ERR_OK);
	assert_string_equal(e.path, "/x/");
	assert_string_equal(e.arn, "arn:aws:iam::" ACCT ":user/x/dan");
	iamdb_entity_fini(&e);
	assert_int_equal(iamdb_key_list(m, ACCT, "dan", false, k, 8, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(iamdb_group_users(m, ACCT, "g", &l), ERR_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].name, "dan");
	iamdb_entities_free(&l);
	assert_int_equal(iamdb_attached(m, IAMDB_USER, ACCT, "dan", &arns, &n), ERR_OK);
	assert_int_equal(n, 1);
	iamdb_strings_free(arns, n);
	/* a change of case only is a rename, not a clash */
	assert_int_equal(iamdb_entity_rename(m, IAMDB_USER, ACCT, "dan", "Dan", NULL,
					     "arn:aws:iam::" ACCT ":user/x/Dan"), ERR_OK);
}

static void
test_policy_versions(void **state)
{
	struct meta *m = *state;
	const char *arn = "arn:aws:iam::" ACCT ":policy/p1";
	struct iamdb_version v[8];
	struct iamdb_policy p;
	struct iamdb_policies l;
	enum iamdb_conflict why;
	char vid[IAMDB_VERSION_MAX + 1], *doc;
	size_t n;
	int i;

	mkpolicy(m, "p1", "{\"v\":1}");
	assert_int_equal(iamdb_policy_get(m, arn, &p), ERR_OK);
	assert_string_equal(p.default_version, "v1");
	assert_int_equal(p.attachments, 0);
	iamdb_policy_fini(&p);
	for (i = 2; i <= 5; i++)
		assert_int_equal(iamdb_version_create(m, arn, "{\"v\":2}", i == 3, 5, 6000 + i, vid),
				 ERR_OK);
	assert_string_equal(vid, "v5");
	assert_int_equal(iamdb_version_create(m, arn, "{}", false, 5, 7000, vid),
			 ERR_IAM_LIMIT_EXCEEDED);
	assert_int_equal(iamdb_policy_document(m, arn, &doc), ERR_OK);
	assert_string_equal(doc, "{\"v\":2}");
	free(doc);
	assert_int_equal(iamdb_version_list(m, arn, v, 8, &n), ERR_OK);
	assert_int_equal(n, 5);
	assert_string_equal(v[0].id, "v5");
	assert_true(v[2].is_default); /* v3 */
	assert_int_equal(iamdb_version_delete(m, arn, "v3"), ERR_IAM_DELETE_CONFLICT);
	assert_int_equal(iamdb_policy_delete(m, arn, &why), ERR_IAM_DELETE_CONFLICT);
	assert_int_equal(why, IAMDB_CONFLICT_VERSIONS);
	assert_int_equal(iamdb_version_set_default(m, arn, "v9"), ERR_IAM_NO_SUCH_ENTITY);
	assert_int_equal(iamdb_version_set_default(m, arn, "v1"), ERR_OK);
	for (i = 2; i <= 5; i++) {
		snprintf(vid, sizeof vid, "v%d", i & 7);
		assert_int_equal(iamdb_version_delete(m, arn, vid), ERR_OK);
	}
	/* ids keep counting after deletes, as AWS's do */
	assert_int_equal(iamdb_version_create(m, arn, "{}", false, 5, 8000, vid), ERR_OK);
	assert_string_equal(vid, "v6");
	assert_int_equal(iamdb_version_delete(m, arn, "v6"), ERR_OK);
	mk(m, IAMDB_ROLE, "r", "/", ERR_OK);
	assert_int_equal(iamdb_attach(m, IAMDB_ROLE, ACCT, "r", arn, true, 10, &i), ERR_OK);
	assert_int_equal(iamdb_policy_list(m, ACCT, NULL, true, NULL, 10, &l), ERR_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].attachments, 1);
	iamdb_policies_free(&l);
	assert_int_equal(iamdb_policy_delete(m, arn, &why), ERR_IAM_DELETE_CONFLICT);
	assert_int_equal(why, IAMDB_CONFLICT_ATTACHED);
	assert_int_equal(iamdb_detach(m, IAMDB_ROLE, ACCT, "r", arn, &i), ERR_OK);
	assert_int_equal(iamdb_policy_delete(m, arn, &why), ERR_OK);
	assert_int_equal(iamdb_policy_get(m, arn, &p), ERR_IAM_NO_SUCH_ENTITY);
}

static void
test_attach_limits_and_entities(void **state)
{
	struct meta *m = *state;
	struct iamdb_entities l;
	char arn[64];
	size_t n;
	int i, which;

	mk(m, IAMDB_USER, "fay", "/", ERR_OK);
	mk(m, IAMDB_GROUP, "grp", "/", ERR_OK);
	assert_int_equal(iamdb_attach(m, IAMDB_USER, ACCT, "fay", "arn:aws:iam::" ACCT ":policy/none",
				      true, 10, &which), ERR_IAM_NO_SUCH_ENTITY);
	assert_int_equal(which, 1);
	assert_int_equal(iamdb_attach(m, IAMDB_USER, ACCT, "ghost", "arn:a", false, 10, &which),
			 ERR_IAM_NO_SUCH_ENTITY);
	assert_int_equal(which, 0);
	for (i = 0; i < 10; i++) {
		snprintf(arn, sizeof arn, "arn:aws:iam::aws:policy/P%d", i);
		assert_int_equal(iamdb_attach(m, IAMDB_USER, ACCT, "fay", arn, false, 10, &which),
				 ERR_OK);
	}
	/* attaching again is not another one */
	assert_int_equal(iamdb_attach(m, IAMDB_USER, ACCT, "fay", "arn:aws:iam::aws:policy/P0", false,
				      10, &which), ERR_OK);
	assert_int_equal(iamdb_attach(m, IAMDB_USER, ACCT, "fay", "arn:aws:iam::aws:policy/P10",
				      false, 10, &which), ERR_IAM_LIMIT_EXCEEDED);
	assert_int_equal(iamdb_attach(m, IAMDB_GROUP, ACCT, "grp", "arn:aws:iam::aws:policy/P0", false,
				      10, &which), ERR_OK);
	assert_int_equal(iamdb_policy_entities(m, ACCT, "arn:aws:iam::aws:policy/P0", &l), ERR_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].kind, IAMDB_USER);
	assert_int_equal(l.v[1].kind, IAMDB_GROUP);
	iamdb_entities_free(&l);
	assert_int_equal(iamdb_attachment_count(m, ACCT, "arn:aws:iam::aws:policy/P0", &n), ERR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(iamdb_detach(m, IAMDB_USER, ACCT, "fay", "arn:nope", &which),
			 ERR_IAM_NO_SUCH_ENTITY);
	assert_int_equal(which, 1);
}

static void
test_inline_and_groups(void **state)
{
	struct meta *m = *state;
	struct iamdb_entities l;
	char **names, **docs, *doc;
	size_t n;
	int which, i;

	mk(m, IAMDB_USER, "gus", "/", ERR_OK);
	assert_int_equal(iamdb_inline_put(m, IAMDB_USER, ACCT, "gus", "b", "{1}"), ERR_OK);
	assert_int_equal(iamdb_inline_put(m, IAMDB_USER, ACCT, "gus", "a", "{2}"), ERR_OK);
	assert_int_equal(iamdb_inline_put(m, IAMDB_USER, ACCT, "gus", "b", "{3}"), ERR_OK);
	assert_int_equal(iamdb_inline_put(m, IAMDB_USER, ACCT, "nobody", "b", "{}"),
			 ERR_IAM_NO_SUCH_ENTITY);
	assert_int_equal(iamdb_inline_list(m, IAMDB_USER, ACCT, "GUS", &names, &docs, &n), ERR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "a");
	assert_string_equal(docs[1], "{3}");
	iamdb_strings_free(names, n);
	iamdb_strings_free(docs, n);
	assert_int_equal(iamdb_inline_get(m, IAMDB_USER, ACCT, "gus", "zz", &doc, &which),
			 ERR_IAM_NO_SUCH_ENTITY);
	assert_int_equal(which, 1);
	assert_int_equal(iamdb_member_add(m, ACCT, "nogroup", "gus", 10, &which),
			 ERR_IAM_NO_SUCH_ENTITY);
	assert_int_equal(which, 0);
	for (i = 0; i < 11; i++) {
		char g[16];
		snprintf(g, sizeof g, "g%02d", i);
		mk(m, IAMDB_GROUP, g, "/", ERR_OK);
		assert_int_equal(iamdb_member_add(m, ACCT, g, "gus", 10, &which),
				 i < 10 ? ERR_OK : ERR_IAM_LIMIT_EXCEEDED);
	}
	assert_int_equal(iamdb_member_add(m, ACCT, "g00", "nobody", 10, &which),
			 ERR_IAM_NO_SUCH_ENTITY);
	assert_int_equal(which, 1);
	assert_int_equal(iamdb_user_groups(m, ACCT, "gus", &l), ERR_OK);
	assert_int_equal(l.n, 10);
	assert_string_equal(l.v[0].name, "g00");
	iamdb_entities_free(&l);
}

static void
test_login_roles_counts_report(void **state)
{
	struct meta *m = *state;
	struct iamdb_counts cn;
	struct iamdb_entity e;
	char *hash, *csv;
	int64_t at;

	mk(m, IAMDB_USER, "hal", "/", ERR_OK);
	assert_int_equal(iamdb_login_set(m, ACCT, "hal", false, "h", 1, 0), ERR_IAM_NO_SUCH_ENTITY);
	assert_int_equal(iamdb_login_set(m, ACCT, "hal", true, "h1", 11, 1), ERR_OK);
	assert_int_equal(iamdb_login_set(m, ACCT, "hal", true, "h2", 12, 1), ERR_IAM_ENTITY_EXISTS);
	assert_int_equal(iamdb_login_set(m, ACCT, "hal", false, NULL, 13, 0), ERR_OK);
	assert_int_equal(iamdb_login_hash(m, ACCT, "hal", &hash), ERR_OK);
	assert_string_equal(hash, "h1");
	free(hash);
	assert_int_equal(iamdb_entity_get(m, IAMDB_USER, ACCT, "hal", false, &e), ERR_OK);
	assert_true(e.has_login);
	assert_false(e.login_reset_required);
	assert_int_equal(e.login_created_ms, 11);
	iamdb_entity_fini(&e);
	mk(m, IAMDB_ROLE, "Role1", "/svc/", ERR_OK);
	mk(m, IAMDB_ROLE, "role1", "/", ERR_IAM_ENTITY_EXISTS);
	assert_int_equal(iamdb_role_update(m, ACCT, "role1", "desc", 0), ERR_OK);
	assert_int_equal(iamdb_role_set_trust(m, ACCT, "role1", "{\"t\":1}"), ERR_OK);
	assert_int_equal(iamdb_entity_get(m, IAMDB_ROLE, ACCT, "ROLE1", false, &e), ERR_OK);
	assert_string_equal(e.description, "desc");
	assert_string_equal(e.trust_policy, "{\"t\":1}");
	assert_int_equal(e.max_session_s, 7200);
	iamdb_entity_fini(&e);
	mkpolicy(m, "pp", "{}");
	assert_int_equal(iamdb_counts(m, ACCT, &cn), ERR_OK);
	assert_int_equal(cn.users, 1);
	assert_int_equal(cn.roles, 1);
	assert_int_equal(cn.policies, 1);
	assert_int_equal(cn.policy_versions, 1);
	assert_int_equal(cn.root_keys, 1);
	assert_int_equal(iamdb_report_get(m, ACCT, &at, &csv), ERR_IAM_REPORT_NOT_PRESENT);
	assert_int_equal(iamdb_report_put(m, ACCT, 77, "a,b\n"), ERR_OK);
	assert_int_equal(iamdb_report_put(m, ACCT, 78, "c,d\n"), ERR_OK);
	assert_int_equal(iamdb_report_get(m, ACCT, &at, &csv), ERR_OK);
	assert_int_equal(at, 78);
	assert_string_equal(csv, "c,d\n");
	free(csv);
}

static void
test_generation(void **state)
{
	struct meta *m = *state;
	enum iamdb_conflict why;
	uint64_t g0, g1, g2;

	assert_int_equal(iamdb_generation(m, &g0), ERR_OK);
	mk(m, IAMDB_USER, "ivy", "/", ERR_OK);
	assert_int_equal(iamdb_generation(m, &g1), ERR_OK);
	assert_true(g1 > g0);
	/* a failed write leaves it where it was */
	mk(m, IAMDB_USER, "IVY", "/", ERR_IAM_ENTITY_EXISTS);
	assert_int_equal(iamdb_entity_delete(m, IAMDB_USER, ACCT, "nobody", &why),
			 ERR_IAM_NO_SUCH_ENTITY);
	assert_int_equal(iamdb_generation(m, &g2), ERR_OK);
	assert_true(g2 == g1);
	assert_int_equal(iamdb_inline_put(m, IAMDB_USER, ACCT, "ivy", "p", "{}"), ERR_OK);
	assert_int_equal(iamdb_generation(m, &g2), ERR_OK);
	assert_true(g2 > g1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_users_case_and_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_paths_and_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_follows_references, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_limits_and_entities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inline_and_groups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_roles_counts_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generation, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
