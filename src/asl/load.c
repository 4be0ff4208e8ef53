/* Loading entry points: files, folders, text, bare JSON; the source record and positions. */
#include "asl/internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct asl_source *asl_source_new(struct doc *doc, const char *file, const char *prefix)
{
	struct asl_source *src = xcalloc(1, sizeof(*src));
	src->doc = doc;
	src->file = xstrdup(file ? file : "<definition>");
	src->prefix = xstrdup(prefix ? prefix : "");
	return src;
}

void asl_source_free(struct asl_source *src)
{
	if (!src)
		return;
	for (size_t i = 0; i < src->pool.len; i++)
		free(src->pool.items[i]);
	VEC_FREE(src->pool);
	doc_free(src->doc);
	free(src->file);
	free(src->prefix);
	free(src->machine_id);
	doc_free(src->inner);
	for (size_t i = 0; i < src->segs.len; i++)
		free(src->segs.items[i].pointer);
	VEC_FREE(src->segs);
	free(src);
}

void *asl_pool(struct asl_source *src, void *p)
{
	VEC_PUSH(src->pool, p);
	return p;
}

void asl_locate(const struct asl_machine *m, const char *pointer, bool at_key, int *line, int *col)
{
	asl_source_locate(m ? m->source : NULL, pointer, at_key, line, col);
}

const char *asl_source_text(const struct asl_machine *m, size_t *len)
{
	if (!m || !m->source || !m->source->doc) {
		if (len)
			*len = 0;
		return NULL;
	}
	return doc_text(m->source->doc, len);
}

struct asl_machine *asl_finish(struct asl_source *src, json_t *def, struct diags *diags)
{
	struct diags found;
	diags_init(&found);
	bool ok = asl_check(src, def, &found);
	if (!ok) {
		diags_sort(&found);
		diags_move(diags, &found);
		diags_fini(&found);
		json_decref(def);
		asl_source_free(src);
		return NULL;
	}
	diags_fini(&found); /* warnings come again from asl_validate */
	return asl_build(src, def);
}

/* A parsed document: a template or a plain definition. */
static struct asl_machine *load_doc(struct doc *doc, const struct asl_load_options *opt,
				    struct diags *diags)
{
	struct asl_source *src = asl_source_new(doc, doc_name(doc), "");
	json_t *def = NULL;
	bool is_template = false;
	if (!asl_from_template(src, opt ? opt->machine_id : NULL, &def, &is_template, diags)) {
		asl_source_free(src);
		return NULL;
	}
	if (!is_template) {
		if (opt && opt->machine_id) {
			diags_add(diags, DIAG_ERROR, "machine-option", src->file, 0, 0, NULL,
				  "--machine %s: this file is a plain definition, not a template",
				  opt->machine_id);
			asl_source_free(src);
			return NULL;
		}
		def = json_incref(doc_root(doc));
	}
	return asl_finish(src, def, diags);
}

struct asl_machine *asl_load_text(const char *name, const char *text, size_t len,
				  const struct asl_load_options *opt, struct diags *diags)
{
	enum doc_format fmt = DOC_AUTO;
	if (name && str_ends_with(name, ".json"))
		fmt = DOC_JSON;
	else if (name && (str_ends_with(name, ".yaml") || str_ends_with(name, ".yml")))
		fmt = DOC_YAML;
	struct doc *doc = doc_parse(name, text, len, fmt, diags);
	return doc ? load_doc(doc, opt, diags) : NULL;
}

struct asl_machine *asl_load_file(const char *path, const struct asl_load_options *opt,
				  struct diags *diags)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		char *tmpl = asl_cdk_out_template(path, opt ? opt->machine_id : NULL, diags);
		if (!tmpl)
			return NULL;
		struct asl_machine *m = asl_load_file(tmpl, opt, diags);
		free(tmpl);
		return m;
	}
	struct doc *doc = doc_load_file(path, diags);
	return doc ? load_doc(doc, opt, diags) : NULL;
}

struct asl_machine *asl_load_json(const char *name, json_t *definition, struct diags *diags)
{
	struct asl_source *src = asl_source_new(NULL, name, "");
	return asl_finish(src, definition, diags);
}

void asl_machine_free(struct asl_machine *m)
{
	if (!m)
		return;
	json_decref(m->json);
	asl_source_free(m->source);
	free(m);
}

bool asl_validate(const struct asl_machine *m, struct diags *diags)
{
	struct diags found;
	diags_init(&found);
	bool ok = asl_check(m->source, m->json, &found);
	diags_sort(&found);
	diags_move(diags, &found);
	diags_fini(&found);
	return ok;
}
