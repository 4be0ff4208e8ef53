/*
 * Errors and the path entry points: syntax checks, flow_select, and the
 * InputPath / OutputPath / ResultPath fields.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 */
#include "flow/internal.h"

#include <stdlib.h>
#include <string.h>

void flow_error_set(struct flow_error *err, const char *name, const char *fmt, ...)
{
	if (!err)
		return;
	flow_error_fini(err);
	va_list ap;
	va_start(ap, fmt);
	err->cause = xvasprintf(fmt, ap);
	va_end(ap);
	err->name = xstrdup(name);
}

void flow_error_fini(struct flow_error *err)
{
	if (!err)
		return;
	free(err->name);
	free(err->cause);
	err->name = err->cause = NULL;
}

bool flow_hand_error(char *msg, size_t off, char **message, size_t *offset)
{
	if (!msg)
		return true;
	if (message)
		*message = msg;
	else
		free(msg);
	if (offset)
		*offset = off;
	return false;
}

bool flow_check_path(const char *path, bool reference, char **message, size_t *offset)
{
	char *msg = NULL;
	size_t off = 0;
	struct fpath *p = fpath_parse(path, strlen(path), &msg, &off);
	if (p && reference) {
		size_t bad;
		if (!fpath_is_reference(p, &bad)) {
			msg = xstrdup("a reference path must name a single node (no wildcards, "
				      "filters, slices, lists or '..')");
			off = p->segs.items[bad].offset;
		}
	}
	fpath_free(p);
	return flow_hand_error(msg, off, message, offset);
}

json_t *flow_select(json_t *input, const char *path, const struct flow_env *env,
		    struct flow_error *err)
{
	char *msg = NULL;
	size_t off;
	struct fpath *p = fpath_parse(path, strlen(path), &msg, &off);
	if (!p) {
		flow_error_set(err, "States.Runtime", "Invalid path '%s' : %s at offset %zu", path,
			       msg, off);
		free(msg);
		return NULL;
	}
	char *why = NULL;
	json_t *v = fpath_eval(p, input, NULL, env, &why);
	fpath_free(p);
	if (!v)
		flow_error_set(err, "States.Runtime", "Invalid path '%s' : %s", path, why);
	free(why);
	return v;
}

/* AWS names a reference path it cannot apply by the step (segment) that failed:
 * `Unable to apply step "objects" to input {...}` with States.ReferencePathConflict, for a
 * ResultPath that cannot be set and for a Map's ItemsPath that finds nothing (real executions
 * reported in public projects; the ASL spec's name for the first is ResultPathMatchFailure). */
static void step_text(struct strbuf *sb, const struct fseg *g)
{
	if (g->kind == FSEG_NAME)
		sb_add(sb, g->names.items[0]);
	else
		sb_addf(sb, "%lld", g->indexes.items[0]);
}

static void conflict(struct flow_error *err, const struct fseg *g, json_t *input)
{
	struct strbuf step;
	sb_init(&step);
	step_text(&step, g);
	char *shown = flow_dump(input, 1000);
	flow_error_set(err, "States.ReferencePathConflict",
		       "Unable to apply step \"%s\" to input %s", sb_str(&step), shown);
	free(shown);
	sb_fini(&step);
}

/* The first step of a reference path into input that finds nothing, or NULL. */
static const struct fseg *missing_step(const struct fpath *p, json_t *input)
{
	json_t *node = input;
	for (size_t i = 0; i < p->segs.len; i++) {
		const struct fseg *g = &p->segs.items[i];
		json_t *next = NULL;
		if (g->kind == FSEG_NAME && json_is_object(node)) {
			next = json_object_get(node, g->names.items[0]);
		} else if (g->kind == FSEG_INDEX && json_is_array(node)) {
			long long idx = g->indexes.items[0];
			long long n = (long long)json_array_size(node);
			if (idx < 0)
				idx += n;
			if (idx >= 0 && idx < n)
				next = json_array_get(node, (size_t)idx);
		}
		if (!next)
			return g;
		node = next;
	}
	return NULL;
}

json_t *flow_items_path(json_t *input, const char *path, const struct flow_env *env,
			struct flow_error *err)
{
	json_t *v = flow_select(input, path, env, err);
	if (v)
		return v;
	char *msg = NULL;
	size_t off;
	struct fpath *p = fpath_parse(path, strlen(path), &msg, &off);
	free(msg);
	const struct fseg *g = p && p->root == FROOT_INPUT && fpath_is_reference(p, NULL)
				   ? missing_step(p, input)
				   : NULL;
	if (g) {
		flow_error_fini(err);
		*err = (struct flow_error){0};
		conflict(err, g, input);
	}
	fpath_free(p);
	return NULL;
}

/* InputPath and OutputPath share their rules: absent = $, null = {}, else a path. */
static json_t *filter_path(json_t *input, json_t *spec, const struct flow_env *env,
			   const char *field, struct flow_error *err)
{
	if (!spec)
		return json_incref(input);
	if (json_is_null(spec))
		return json_object();
	if (!json_is_string(spec)) {
		flow_error_set(err, "States.Runtime", "%s must be a string or null", field);
		return NULL;
	}
	return flow_select(input, json_string_value(spec), env, err);
}

json_t *flow_input_path(json_t *input, json_t *spec, const struct flow_env *env,
			struct flow_error *err)
{
	return filter_path(input, spec, env, "InputPath", err);
}

json_t *flow_output_path(json_t *input, json_t *spec, const struct flow_env *env,
			 struct flow_error *err)
{
	return filter_path(input, spec, env, "OutputPath", err);
}

json_t *flow_result_path(json_t *input, json_t *result, json_t *spec, struct flow_error *err)
{
	if (!spec)
		return json_incref(result);
	if (json_is_null(spec))
		return json_incref(input);
	const char *text = json_is_string(spec) ? json_string_value(spec) : "";
	char *msg = NULL;
	size_t off = 0;
	struct fpath *p = fpath_parse(text, strlen(text), &msg, &off);
	if (p && (p->root != FROOT_INPUT || !fpath_is_reference(p, NULL))) {
		msg = xstrdup("ResultPath must be a reference path into the input");
		fpath_free(p);
		p = NULL;
	}
	if (!p) {
		flow_error_set(err, "States.ResultPathMatchFailure",
			       "Unable to apply ResultPath '%s' : %s", text, msg);
		free(msg);
		return NULL;
	}
	json_t *doc = json_deep_copy(input);
	size_t at = 0;
	if (!fpath_set(p, &doc, result, &at)) {
		conflict(err, &p->segs.items[at], input);
		json_decref(doc);
		doc = NULL;
	}
	fpath_free(p);
	return doc;
}
