/* embedded.c - the console's browser app, embedded at build time
 * (scripts/embed-assets.sh → build/gen/console_assets.c): lookup by name
 * and the answer, with ETag revalidation. */
#include <string.h>
#include "console/console_int.h"

const struct con_asset *
con_asset_find(const char *name)
{
	size_t i;

	if (strstr(name, ".."))
		return NULL;
	for (i = 0; i < con_nassets; i++)
		if (strcmp(con_assets[i].name, name) == 0)
			return &con_assets[i];
	return NULL;
}

void
con_asset_answer(struct req *r, const struct con_asset *a)
{
	const char *inm = req_header(r, "If-None-Match");

	req_set_header(r, "ETag", a->etag);
	req_set_header(r, "Cache-Control", "no-cache");
	req_set_header(r, "Content-Type", a->type);
	if (inm && strstr(inm, a->etag)) {
		r->status = 304;
		return;
	}
	r->status = 200;
	if (r->head)
		req_set_length_only(r, a->len);
	else
		buf_add(&r->body, a->data, a->len);
}
