/* fuzz_query.c - IAM/STS form decoding (src/query/query.c) and the
 * parameter readers the actions use on it: plain lookups, member lists
 * (PolicyArns.member.N), tags (Tags.member.N.Key/Value), bounded integers and
 * the IAM name and path checks (src/iam/api.c).
 * Input: an application/x-www-form-urlencoded body, as POSTed.
 * Invariants: what decodes, encoded again the AWS way and decoded once more,
 * gives the same parameters; readers return values within their bounds; a
 * refusal carries a message. */
#include <jansson.h>
#include "iam/api.h"
#include "query/query.h"
#include "fuzz_util.h"

static void
free_args(struct query_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nargs; i++) {
		free(c->args[i].k);
		free(c->args[i].v);
	}
	c->nargs = 0;
}

/* A failed check names what was wrong, as AWS does. */
static void
refused(struct query_ctx *c, enum err e)
{
	FUZZ_CHECK(e == ERR_IAM_VALIDATION || e == ERR_IAM_INVALID_INPUT || e == ERR_NOMEM);
	FUZZ_CHECK(e == ERR_NOMEM || (c->r->err_msg && *c->r->err_msg));
}

static void
readers(struct query_ctx *c)
{
	const char *list[64], *v;
	size_t n, i;
	char *json = NULL;
	long l;
	enum err e;

	n = query_list(c, "PolicyArns.member", list, 64);
	FUZZ_CHECK(n <= 64);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(list[i] != NULL);
	n = query_list(c, "TagKeys.member", list, 64);
	if ((e = iam_tags_parse(c, "Tags", &json))) {
		refused(c, e);
		FUZZ_CHECK(json == NULL);
	} else if (json) {
		json_t *a = json_loads(json, 0, NULL);
		FUZZ_CHECK(a && json_is_array(a) && json_array_size(a) >= 1 &&
			   json_array_size(a) <= IAM_MAX_TAGS);
		json_decref(a);
		{
			char *rest = NULL;
			if (iam_tags_remove(json, list, n, &rest) == ERR_OK)
				free(rest);
		}
		free(json);
	}
	if ((e = query_int(c, "MaxItems", 1, 1000, 100, &l)))
		refused(c, e);
	else
		FUZZ_CHECK(l >= 1 && l <= 1000);
	if ((v = query_arg(c, "UserName")) && (e = iam_check_name(c, "UserName", v, 64)))
		refused(c, e);
	if ((v = query_arg(c, "Path")) && (e = iam_check_path(c, "Path", v)))
		refused(c, e);
	if ((v = query_arg(c, "PathPrefix")) && (e = iam_check_path_prefix(c, "PathPrefix", v)))
		refused(c, e);
	if (!query_req(c, "Action"))
		FUZZ_CHECK(c->r->err_msg != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = fuzz_dup(data, size); /* a body has no NUL terminator */
	struct query_ctx *c = calloc(1, sizeof(*c)), *c2 = calloc(1, sizeof(*c2));
	struct req *r = calloc(1, sizeof(*r));
	struct buf again;
	size_t i;
	enum err e;

	c->r = c2->r = r;
	buf_init(&again, 0);
	e = query_parse_form(c, body, size);
	FUZZ_CHECK(c->nargs <= QUERY_MAX_ARGS);
	for (i = 0; i < c->nargs; i++)
		FUZZ_CHECK(c->args[i].k && c->args[i].v);
	if (e) {
		FUZZ_CHECK(e == ERR_IAM_MALFORMED_QUERY || e == ERR_NOMEM);
		goto out;
	}
	/* Round trip: every parameter encoded again decodes to itself. */
	for (i = 0; i < c->nargs; i++) {
		if (i)
			buf_addc(&again, '&');
		uri_encode(&again, c->args[i].k, strlen(c->args[i].k), false);
		buf_addc(&again, '=');
		uri_encode(&again, c->args[i].v, strlen(c->args[i].v), false);
	}
	FUZZ_CHECK(query_parse_form(c2, again.p ? again.p : "", again.len) == ERR_OK);
	FUZZ_CHECK(c2->nargs == c->nargs);
	for (i = 0; i < c->nargs; i++)
		FUZZ_CHECK(strcmp(c->args[i].k, c2->args[i].k) == 0 &&
			   strcmp(c->args[i].v, c2->args[i].v) == 0);
	readers(c);
out:
	free_args(c);
	free_args(c2);
	buf_fini(&again);
	free(r->err_msg);
	buf_fini(&r->err_xml);
	free(r);
	free(c);
	free(c2);
	free(body);
	return 0;
}
