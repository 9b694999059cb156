/* fuzz_console.c - the console's own parsers of untrusted input
 * (src/console/): the session cookie out of a Cookie header, the event
 * history's query string, and the JSON bodies (sign-in, change-password)
 * read through jansson with duplicate keys refused.
 * Input, one field per line:
 *   COOKIE                a Cookie header value
 *   QUERY                 the query of GET /api/events
 *   the rest              a JSON body
 * Invariants: a cookie found is exactly the session id's length, only what
 * followed "coffer_console=" in the header; a refused query says why; a
 * parsed body is a JSON object. */
#include <jansson.h>
#include <stdbool.h>
#include "console/console_int.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {(const char *)data, size};
	char *cookie = fuzz_field(&in, '\n', NULL), *query = fuzz_field(&in, '\n', NULL);
	char out[SESS_COOKIE_LEN + 1];
	char needle[SESS_COOKIE_LEN + 16];
	const char *why;
	size_t blen = 0;
	char *body = fuzz_field(&in, '\0', &blen);
	json_t *j;

	if (cookie && con_cookie_from_header(cookie, out)) {
		FUZZ_CHECK(strlen(out) == SESS_COOKIE_LEN);
		snprintf(needle, sizeof needle, "coffer_console=%s", out);
		FUZZ_CHECK(strstr(cookie, needle) != NULL);
	}
	if (query) {
		why = con_events_query_error(query);
		FUZZ_CHECK(!why || *why);
	}
	if (body) {
		j = con_json_object(body, blen);
		FUZZ_CHECK(!j || json_is_object(j));
		json_decref(j);
	}
	free(cookie);
	free(query);
	free(body);
	return 0;
}
