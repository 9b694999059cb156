/* test_session.c - sealed session tokens: round trip, tampering, wrong key,
 * garbage, and that the secret never appears in the token. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "auth/session.h"

static const uint8_t key1[MASTER_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
static const uint8_t key2[MASTER_KEY_LEN] = {9, 8, 7};

static void
make(struct session_claims *s)
{
	memset(s, 0, sizeof *s);
	assert_int_equal(session_new_keys(s), ERR_OK);
	strcpy(s->account, "123456789012");
	s->kind = SESSION_ROLE;
	strcpy(s->name, "reader");
	strcpy(s->id, "AROAEXAMPLEEXAMPLE12");
	strcpy(s->arn, "arn:aws:iam::123456789012:role/reader");
	strcpy(s->session, "me");
	s->issued_ms = 1000;
	s->expires_ms = 901000;
	s->policy = strdup("{\"Version\":\"2012-10-17\",\"Statement\":[]}");
	s->policy_arns = strdup("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
}

static void
test_round_trip(void **state)
{
	struct session_claims s, o;
	struct buf tok;

	make(&s);
	assert_memory_equal(s.akid, "ASIA", 4);
	assert_int_equal(strlen(s.akid), 20);
	assert_int_equal(strlen(s.secret), 40);
	buf_init(&tok, 0);
	assert_int_equal(session_seal(key1, &s, &tok), ERR_OK);
	/* AWS-style token: opaque, and the secret is not readable in it */
	assert_null(strstr(tok.p, s.secret));
	assert_null(strstr(tok.p, "reader"));
	assert_int_equal(session_open(key1, tok.p, &o), ERR_OK);
	assert_string_equal(o.akid, s.akid);
	assert_string_equal(o.secret, s.secret);
	assert_string_equal(o.account, s.account);
	assert_int_equal(o.kind, SESSION_ROLE);
	assert_string_equal(o.name, "reader");
	assert_string_equal(o.session, "me");
	assert_string_equal(o.arn, s.arn);
	assert_int_equal(o.expires_ms, 901000);
	assert_string_equal(o.policy, s.policy);
	assert_string_equal(o.policy_arns, s.policy_arns);
	session_claims_fini(&o);
	session_claims_fini(&s);
	buf_fini(&tok);
}

static void
test_tamper_and_wrong_key(void **state)
{
	struct session_claims s, o;
	struct buf tok;
	size_t i;

	make(&s);
	buf_init(&tok, 0);
	assert_int_equal(session_seal(key1, &s, &tok), ERR_OK);
	assert_int_equal(session_open(key2, tok.p, &o), ERR_INVALID_TOKEN);
	/* flipping any character of the token invalidates it */
	for (i = 0; i < tok.len; i += 7) {
		char saved = tok.p[i];
		tok.p[i] = saved == 'A' ? 'B' : 'A';
		assert_int_not_equal(session_open(key1, tok.p, &o), ERR_OK);
		tok.p[i] = saved;
	}
	assert_int_equal(session_open(key1, tok.p, &o), ERR_OK);
	session_claims_fini(&o);
	assert_int_equal(session_open(key1, "", &o), ERR_INVALID_TOKEN);
	assert_int_equal(session_open(key1, "not base64 at all!", &o), ERR_INVALID_TOKEN);
	assert_int_equal(session_open(key1, "AAAA", &o), ERR_INVALID_TOKEN);
	session_claims_fini(&s);
	buf_fini(&tok);
}

static void
test_keys_unique(void **state)
{
	struct session_claims a, b;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	session_new_keys(&a);
	session_new_keys(&b);
	assert_string_not_equal(a.akid, b.akid);
	assert_string_not_equal(a.secret, b.secret);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tamper_and_wrong_key),
		cmocka_unit_test(test_keys_unique),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
