/* Document loading by format, and the pointer → position source map. */
#include "doc/internal.h"

#include <stdlib.h>
#include <string.h>

void doc_add_loc(struct doc *d, const char *pointer, int line, int col, int key_line, int key_col)
{
	struct doc_loc loc = {xstrdup(pointer), line, col, key_line, key_col};
	VEC_PUSH(d->locs, loc);
}

static int loc_cmp(const void *a, const void *b)
{
	return strcmp(((const struct doc_loc *)a)->pointer, ((const struct doc_loc *)b)->pointer);
}

static bool looks_like_json(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		return c == '{' || c == '[';
	}
	return false;
}

struct doc *doc_parse(const char *name, const char *text, size_t len, enum doc_format fmt,
		      struct diags *diags)
{
	struct doc *d = xcalloc(1, sizeof(*d));
	d->name = xstrdup(name ? name : "<input>");
	d->text = xmalloc(len + 1);
	memcpy(d->text, text, len);
	d->text[len] = '\0';
	d->len = len;
	if (fmt == DOC_AUTO)
		fmt = looks_like_json(text, len) ? DOC_JSON : DOC_YAML;
	d->yaml = fmt == DOC_YAML;
	bool ok = d->yaml ? doc_parse_yaml(d, diags) : doc_parse_json(d, diags);
	if (!ok) {
		doc_free(d);
		return NULL;
	}
	qsort(d->locs.items, d->locs.len, sizeof(*d->locs.items), loc_cmp);
	return d;
}

struct doc *doc_load_file(const char *path, struct diags *diags)
{
	size_t len;
	char *text = file_read_diag(path, &len, diags);
	if (!text)
		return NULL;
	enum doc_format fmt = DOC_AUTO;
	if (str_ends_with(path, ".json"))
		fmt = DOC_JSON;
	else if (str_ends_with(path, ".yaml") || str_ends_with(path, ".yml"))
		fmt = DOC_YAML;
	struct doc *d = doc_parse(path, text, len, fmt, diags);
	free(text);
	return d;
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->locs.len; i++)
		free(d->locs.items[i].pointer);
	VEC_FREE(d->locs);
	json_decref(d->root);
	free(d->text);
	free(d->name);
	free(d);
}

json_t *doc_root(const struct doc *d)
{
	return d->root;
}

const char *doc_name(const struct doc *d)
{
	return d->name;
}

const char *doc_text(const struct doc *d, size_t *len)
{
	if (len)
		*len = d->len;
	return d->text;
}

bool doc_is_yaml(const struct doc *d)
{
	return d->yaml;
}

static const struct doc_loc *find_loc(const struct doc *d, const char *pointer)
{
	struct doc_loc key = {(char *)pointer, 0, 0, 0, 0};
	return bsearch(&key, d->locs.items, d->locs.len, sizeof(key), loc_cmp);
}

/* The entry for pointer or its nearest ancestor; *exact says which. */
static const struct doc_loc *find_nearest(const struct doc *d, const char *pointer, bool *exact)
{
	char *p = xstrdup(pointer ? pointer : "");
	*exact = true;
	for (;;) {
		const struct doc_loc *loc = find_loc(d, p);
		if (loc || !*p) {
			free(p);
			return loc;
		}
		*exact = false;
		char *slash = strrchr(p, '/');
		*slash = '\0';
	}
}

bool doc_locate(const struct doc *d, const char *pointer, int *line, int *col)
{
	bool exact;
	const struct doc_loc *loc = find_nearest(d, pointer, &exact);
	*line = loc ? loc->line : 0;
	*col = loc ? loc->col : 0;
	return loc && exact;
}

bool doc_locate_key(const struct doc *d, const char *pointer, int *line, int *col)
{
	bool exact;
	const struct doc_loc *loc = find_nearest(d, pointer, &exact);
	if (loc && exact && loc->key_line > 0) {
		*line = loc->key_line;
		*col = loc->key_col;
		return true;
	}
	*line = loc ? loc->line : 0;
	*col = loc ? loc->col : 0;
	return loc && exact;
}
