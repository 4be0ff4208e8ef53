/*
 * Validation, graph level: StartAt, States, names (length, uniqueness across the machine),
 * transitions (unknown targets, moves into or out of a Parallel branch / Map processor) and
 * reachability. Two walks over the same recursion: the first collects every state name with
 * its graph, the second checks. Field rules live in fields.c.
 * Rules: https://states-language.net/spec.html and
 * https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html
 */
#include "asl/internal.h"

#include <stdlib.h>
#include <string.h>

/* Nested Parallel/Map graphs deeper than this are rejected (bounded recursion). */
#define MAX_GRAPH_DEPTH 200

static void vreport_at(struct ck *c, enum diag_severity sev, const char *pointer, int line, int col,
		       bool placed, const char *code, const char *fmt, va_list ap)
{
	char *msg = xvasprintf(fmt, ap);
	/* Not placed inside a DefinitionString: the caret is on the string; say where inside. */
	if (!placed)
		diags_add(c->diags, sev, code, c->src->file, line, col, pointer, "%s (at %s)", msg,
			  *pointer ? pointer : "/");
	else
		diags_add(c->diags, sev, code, c->src ? c->src->file : NULL, line, col, pointer,
			  "%s", msg);
	free(msg);
}

void ck_report(struct ck *c, enum diag_severity sev, const char *pointer, bool at_key,
	       const char *code, const char *fmt, ...)
{
	int line, col;
	bool placed = asl_source_locate(c->src, pointer, at_key, &line, &col);
	va_list ap;
	va_start(ap, fmt);
	vreport_at(c, sev, pointer, line, col, placed, code, fmt, ap);
	va_end(ap);
}

/* Moves col to byte `offset` of the string value when the text holds it verbatim there. */
static void column_in_string(const struct asl_source *src, int line, int *col, const char *value,
			     size_t offset)
{
	size_t len;
	const char *text = src && src->doc && !src->from_string ? doc_text(src->doc, &len) : NULL;
	const char *start;
	size_t line_len;
	if (!text || line < 1 || *col < 1 || !text_line(text, len, line, &start, &line_len) ||
	    (size_t)*col > line_len)
		return;
	const char *q = start + *col - 1;
	if (*q == '"' || *q == '\'')
		q++;
	if ((size_t)(q - start) + offset <= line_len && strncmp(q, value, offset) == 0)
		*col = (int)(q - start + offset) + 1;
}

void ck_report_in_string(struct ck *c, const char *pointer, const char *value, size_t offset,
			 const char *code, const char *fmt, ...)
{
	int line, col;
	bool placed;
	if (c->src && c->src->from_string) {
		placed = asl_source_locate_in_string(c->src, pointer, value, offset, &line, &col);
	} else {
		placed = asl_source_locate(c->src, pointer, false, &line, &col);
		column_in_string(c->src, line, &col, value, offset);
	}
	va_list ap;
	va_start(ap, fmt);
	vreport_at(c, DIAG_ERROR, pointer, line, col, placed, code, fmt, ap);
	va_end(ap);
}

const char *ck_suggest_key(json_t *obj, const char *word)
{
	size_t n = json_object_size(obj), i = 0;
	const char **keys = xcalloc(n + 1, sizeof(*keys));
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v) keys[i++] = k;
	const char *best = str_suggest(word, keys, n);
	free(keys);
	return best;
}

static size_t utf8_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static const char *kind_of_graph(int gid_kind)
{
	return gid_kind == 1   ? "Parallel branch"
	       : gid_kind == 2 ? "Map processor"
	       : gid_kind == 3 ? "Map Iterator"
			       : "top level";
}

static void walk_graph(struct ck *c, json_t *g, const char *ptr, bool jsonata, int kind, int pass);

/* ---- transitions ---- */
static void check_target(struct ck *c, const char *ptr, const char *field, const char *name,
			 const char *base, int kind, json_t *states)
{
	if (!name)
		return;
	if (json_object_get(states, name))
		return;
	json_t *where = json_object_get(c->names, name);
	if (where) {
		int other_kind = (int)json_integer_value(json_array_get(where, 2));
		const char *other = json_string_value(json_array_get(where, 1));
		/* a target below this graph's States is inside a nested branch or processor */
		if (strncmp(other, base, strlen(base)) == 0)
			ck_report(c, DIAG_ERROR, ptr, false, "transition-scope",
				  "%s '%s' moves into a %s; states can only move within their own "
				  "graph",
				  field, name, kind_of_graph(other_kind));
		else
			ck_report(c, DIAG_ERROR, ptr, false, "transition-scope",
				  "%s '%s' leaves this %s; states can only move within their own "
				  "graph",
				  field, name, kind_of_graph(kind));
		return;
	}
	const char *hint = ck_suggest_key(states, name);
	if (hint)
		ck_report(c, DIAG_ERROR, ptr, false, "unknown-state",
			  "%s '%s' is not a state (did you mean '%s'?)", field, name, hint);
	else
		ck_report(c, DIAG_ERROR, ptr, false, "unknown-state", "%s '%s' is not a state",
			  field, name);
}

/* Calls fn for each transition of a state: (pointer of the target string, field, name). */
typedef void (*edge_fn)(struct ck *c, void *ctx, const char *ptr, const char *field,
			const char *name);

static void for_each_edge(struct ck *c, json_t *st, const char *sptr, edge_fn fn, void *ctx)
{
	static const char *const direct[] = {"Next", "Default"};
	for (size_t i = 0; i < ARRAY_LEN(direct); i++) {
		const char *name = json_string_value(json_object_get(st, direct[i]));
		if (!name)
			continue;
		char *p = pointer_join(sptr, direct[i]);
		fn(c, ctx, p, direct[i], name);
		free(p);
	}
	static const char *const lists[] = {"Choices", "Catch"};
	for (size_t l = 0; l < ARRAY_LEN(lists); l++) {
		json_t *arr = json_object_get(st, lists[l]);
		for (size_t i = 0; json_is_array(arr) && i < json_array_size(arr); i++) {
			const char *name =
			    json_string_value(json_object_get(json_array_get(arr, i), "Next"));
			if (!name)
				continue;
			char *p = xasprintf("%s/%s/%zu/Next", sptr, lists[l], i);
			fn(c, ctx, p, "Next", name);
			free(p);
		}
	}
}

struct target_ctx {
	const char *base; /* pointer of this graph's States */
	int kind;
	json_t *states;
};

static void target_edge(struct ck *c, void *ctx, const char *ptr, const char *field,
			const char *name)
{
	struct target_ctx *t = ctx;
	check_target(c, ptr, field, name, t->base, t->kind, t->states);
}

struct reach_ctx {
	json_t *states, *seen;
	VEC(const char *) queue;
};

static void reach_edge(struct ck *c, void *ctx, const char *ptr, const char *field,
		       const char *name)
{
	struct reach_ctx *r = ctx;
	if (json_object_get(r->states, name) && !json_object_get(r->seen, name)) {
		json_object_set_new(r->seen, name, json_true());
		VEC_PUSH(r->queue, name);
	}
}

static void check_reachable(struct ck *c, json_t *states, const char *start, const char *ptr)
{
	struct reach_ctx r = {states, json_object(), {0}};
	json_object_set_new(r.seen, start, json_true());
	VEC_PUSH(r.queue, start);
	for (size_t i = 0; i < r.queue.len; i++) {
		const char *name = r.queue.items[i];
		char *sp = pointer_join(ptr, name);
		for_each_edge(c, json_object_get(states, name), sp, reach_edge, &r);
		free(sp);
	}
	const char *name;
	json_t *st;
	json_object_foreach(states, name, st)
	{
		if (json_object_get(r.seen, name))
			continue;
		char *sp = pointer_join(ptr, name);
		ck_report(c, DIAG_WARNING, sp, true, "unreachable",
			  "state '%s' is unreachable from StartAt '%s'", name, start);
		free(sp);
	}
	VEC_FREE(r.queue);
	json_decref(r.seen);
}

/* ---- states ---- */
static bool state_jsonata(struct ck *c, json_t *st, bool inherited)
{
	const char *ql = json_string_value(json_object_get(st, "QueryLanguage"));
	if (ql && strcmp(ql, "JSONata") == 0)
		return true;
	if (ql && strcmp(ql, "JSONPath") == 0)
		return false;
	return inherited;
}

static void walk_nested(struct ck *c, json_t *st, const char *sptr, bool jsonata, int pass)
{
	const char *type = json_string_value(json_object_get(st, "Type"));
	if (!type)
		return;
	if (strcmp(type, "Parallel") == 0) {
		json_t *br = json_object_get(st, "Branches");
		for (size_t i = 0; json_is_array(br) && i < json_array_size(br); i++) {
			char *p = xasprintf("%s/Branches/%zu", sptr, i);
			walk_graph(c, json_array_get(br, i), p, jsonata, 1, pass);
			free(p);
		}
	} else if (strcmp(type, "Map") == 0) {
		static const char *const keys[] = {"ItemProcessor", "Iterator"};
		for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
			json_t *g = json_object_get(st, keys[i]);
			if (!json_is_object(g))
				continue;
			char *p = pointer_join(sptr, keys[i]);
			walk_graph(c, g, p, jsonata, i == 0 ? 2 : 3, pass); /* 3: Iterator */
			free(p);
		}
	}
}

static void collect_name(struct ck *c, const char *name, const char *sptr, int gid, int kind)
{
	json_t *prev = json_object_get(c->names, name);
	if (prev) {
		const char *where = json_string_value(json_array_get(prev, 1));
		ck_report(c, DIAG_ERROR, sptr, true, "duplicate-state",
			  "state name '%s' is already used at %s; names must be unique in the "
			  "whole machine",
			  name, where);
		return;
	}
	json_object_set_new(c->names, name, json_pack("[isi]", gid, sptr, kind));
}

static void check_state(struct ck *c, const char *name, json_t *st, const char *sptr, bool jsonata)
{
	if (utf8_length(name) > 80)
		ck_report(c, DIAG_ERROR, sptr, true, "name-too-long",
			  "state name '%.20s...' is %zu characters long; the limit is 80", name,
			  utf8_length(name));
	if (!json_is_object(st)) {
		ck_report(c, DIAG_ERROR, sptr, false, "field-type", "state '%s' must be an object",
			  name);
		return;
	}
	const char *type = json_string_value(json_object_get(st, "Type"));
	bool own = state_jsonata(c, st, jsonata);
	const char *ql = json_string_value(json_object_get(st, "QueryLanguage"));
	if (c->machine_jsonata && ql && strcmp(ql, "JSONPath") == 0) {
		char *p = pointer_join(sptr, "QueryLanguage");
		ck_report(c, DIAG_ERROR, p, false, "query-language",
			  "a JSONata machine cannot contain JSONPath states");
		free(p);
	}
	ck_state_fields(c, st, sptr, asl_type_from_name(type), own);
}

/* ---- graphs ---- */
static const char *const graph_fields[][7] = {
    {"Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage", NULL},
    {"Comment", "StartAt", "States", NULL},
    {"Comment", "StartAt", "States", "ProcessorConfig", NULL},
    {"Comment", "StartAt", "States", NULL},
};

static void check_graph_fields(struct ck *c, json_t *g, const char *ptr, int kind)
{
	const char *key;
	json_t *v;
	json_object_foreach(g, key, v)
	{
		bool ok = false;
		for (size_t i = 0; graph_fields[kind][i]; i++)
			ok = ok || strcmp(key, graph_fields[kind][i]) == 0;
		if (ok)
			continue;
		char *p = pointer_join(ptr, key);
		ck_report(c, DIAG_ERROR, p, true, "unknown-field", "unknown field '%s' in the %s",
			  key, kind_of_graph(kind));
		free(p);
	}
}

/* StartAt and States present and well typed; returns States or NULL. */
static json_t *graph_states(struct ck *c, json_t *g, const char *ptr, int kind, const char **start)
{
	json_t *sa = json_object_get(g, "StartAt"), *states = json_object_get(g, "States");
	*start = json_string_value(sa);
	char *sp = pointer_join(ptr, "StartAt");
	char *stp = pointer_join(ptr, "States");
	if (!sa)
		ck_report(c, DIAG_ERROR, ptr, false, "missing-start-at", "the %s has no StartAt",
			  kind_of_graph(kind));
	else if (!*start)
		ck_report(c, DIAG_ERROR, sp, false, "field-type", "StartAt must be a string");
	if (!states)
		ck_report(c, DIAG_ERROR, ptr, false, "missing-states", "the %s has no States",
			  kind_of_graph(kind));
	else if (!json_is_object(states))
		ck_report(c, DIAG_ERROR, stp, false, "field-type", "States must be an object");
	else if (json_object_size(states) == 0)
		ck_report(c, DIAG_ERROR, stp, false, "missing-states",
			  "States must hold at least one state");
	if (*start && json_is_object(states) && !json_object_get(states, *start)) {
		const char *hint = ck_suggest_key(states, *start);
		if (hint)
			ck_report(c, DIAG_ERROR, sp, false, "unknown-start-at",
				  "StartAt '%s' is not a state of the %s (did you mean '%s'?)",
				  *start, kind_of_graph(kind), hint);
		else
			ck_report(c, DIAG_ERROR, sp, false, "unknown-start-at",
				  "StartAt '%s' is not a state of the %s", *start,
				  kind_of_graph(kind));
		*start = NULL;
	}
	free(sp);
	free(stp);
	return json_is_object(states) ? states : NULL;
}

static void walk_graph(struct ck *c, json_t *g, const char *ptr, bool jsonata, int kind, int pass)
{
	int gid = c->graphs++;
	if (!json_is_object(g)) {
		if (pass == 2)
			ck_report(c, DIAG_ERROR, ptr, false, "field-type",
				  "a %s must be an object with StartAt and States",
				  kind_of_graph(kind));
		return;
	}
	if (c->depth >= MAX_GRAPH_DEPTH) {
		if (pass == 2)
			ck_report(c, DIAG_ERROR, ptr, false, "too-deep",
				  "Parallel/Map nesting deeper than %d levels", MAX_GRAPH_DEPTH);
		return;
	}
	const char *start = NULL;
	json_t *states = json_object_get(g, "States");
	if (pass == 2) {
		check_graph_fields(c, g, ptr, kind);
		states = graph_states(c, g, ptr, kind, &start);
	}
	if (!json_is_object(states))
		return;
	char *base = pointer_join(ptr, "States");
	struct target_ctx tc = {base, kind, states};
	const char *name;
	json_t *st;
	c->depth++;
	json_object_foreach(states, name, st)
	{
		char *sptr = pointer_join(base, name);
		bool own = json_is_object(st) && state_jsonata(c, st, jsonata);
		if (pass == 1) {
			collect_name(c, name, sptr, gid, kind);
		} else {
			check_state(c, name, st, sptr, jsonata);
			if (json_is_object(st))
				for_each_edge(c, st, sptr, target_edge, &tc);
		}
		if (json_is_object(st))
			walk_nested(c, st, sptr, own, pass);
		free(sptr);
	}
	c->depth--;
	if (pass == 2 && start)
		check_reachable(c, states, start, base);
	free(base);
}

bool asl_check(const struct asl_source *src, json_t *def, struct diags *diags)
{
	struct ck c = {.src = src, .diags = diags, .names = json_object()};
	size_t errors = diags->errors;
	if (!json_is_object(def)) {
		ck_report(&c, DIAG_ERROR, "", false, "not-a-definition",
			  "a state machine definition must be a JSON object");
		json_decref(c.names);
		return false;
	}
	json_t *ql = json_object_get(def, "QueryLanguage");
	c.machine_jsonata = json_is_string(ql) && strcmp(json_string_value(ql), "JSONata") == 0;
	walk_graph(&c, def, "", c.machine_jsonata, 0, 1);
	c.graphs = 0;
	walk_graph(&c, def, "", c.machine_jsonata, 0, 2);
	ck_state_fields(&c, def, "", -2, c.machine_jsonata); /* top-level value checks */
	json_decref(c.names);
	return diags->errors == errors;
}
