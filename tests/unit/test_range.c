/* test_range.c - unit tests of src/s3/range.c: the Range grammar S3 honours,
 * what it ignores (the whole object is sent) and what it refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "s3/range.h"

static void
test_get_range(void **state)
{
	struct range rg;

	(void)state;
	assert_int_equal(range_parse("bytes=0-9", 100, &rg), ERR_OK);
	assert_true(rg.set && rg.start == 0 && rg.len == 10);
	assert_int_equal(range_parse("bytes=90-", 100, &rg), ERR_OK);
	assert_true(rg.set && rg.start == 90 && rg.len == 10);
	assert_int_equal(range_parse("bytes=-20", 100, &rg), ERR_OK);
	assert_true(rg.set && rg.start == 80 && rg.len == 20);
	assert_int_equal(range_parse("bytes=50-1000", 100, &rg), ERR_OK);
	assert_true(rg.set && rg.start == 50 && rg.len == 50);
	assert_int_equal(range_parse("bytes=100-", 100, &rg), ERR_INVALID_RANGE);
	assert_int_equal(range_parse("bytes=-0", 100, &rg), ERR_INVALID_RANGE);
	/* ignored: several ranges, other units, signs and blanks (fuzz_http) */
	assert_int_equal(range_parse("bytes=0-1,3-4", 100, &rg), ERR_OK);
	assert_false(rg.set);
	assert_int_equal(range_parse("items=0-1", 100, &rg), ERR_OK);
	assert_false(rg.set);
	assert_int_equal(range_parse("bytes=5--3", 100, &rg), ERR_OK);
	assert_false(rg.set);
	assert_int_equal(range_parse("bytes=5-+7", 100, &rg), ERR_OK);
	assert_false(rg.set);
	assert_int_equal(range_parse("bytes=- 4", 100, &rg), ERR_OK);
	assert_false(rg.set);
	assert_int_equal(range_parse("bytes=--4", 100, &rg), ERR_OK);
	assert_false(rg.set);
}

static void
test_copy_range(void **state)
{
	uint64_t off, len;

	(void)state;
	assert_int_equal(range_parse_copy(NULL, 10, &off, &len), ERR_OK);
	assert_true(off == 0 && len == 10);
	assert_int_equal(range_parse_copy("bytes=2-5", 10, &off, &len), ERR_OK);
	assert_true(off == 2 && len == 4);
	assert_int_equal(range_parse_copy("bytes=2-10", 10, &off, &len), ERR_INVALID_COPY_RANGE);
	assert_int_equal(range_parse_copy("bytes=5-2", 10, &off, &len), ERR_INVALID_ARGUMENT);
	assert_int_equal(range_parse_copy("bytes=2-", 10, &off, &len), ERR_INVALID_ARGUMENT);
	assert_int_equal(range_parse_copy("bytes=-2", 10, &off, &len), ERR_INVALID_ARGUMENT);
	assert_int_equal(range_parse_copy("bytes=2-+5", 10, &off, &len), ERR_INVALID_ARGUMENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_range),
		cmocka_unit_test(test_copy_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
