/*
 * Loading a lesson: the YAML (or JSON) document through doc/, checked against the lesson
 * schema key by key so that every problem is reported at its file:line:col.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
#include "lesson/lesson.h"

struct ctx {
	const struct doc *doc;
	const char *dir; /* the lesson's folder, for relative paths */
	struct diags *d;
	bool failed;
};

static void PRINTF_LIKE(3, 4) err(struct ctx *c, const char *pointer, const char *fmt, ...)
{
	int line = 0, col = 0;
	doc_locate(c->doc, pointer, &line, &col);
	va_list ap;
	va_start(ap, fmt);
	diags_vadd(c->d, DIAG_ERROR, "lesson", doc_name(c->doc), line, col, pointer, fmt, ap);
	va_end(ap);
	c->failed = true;
}

/* Unknown keys are errors: a typo must not silently drop a step's setting. */
static void check_keys(struct ctx *c, json_t *obj, const char *ptr, const char *const *keys)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		bool known = false;
		for (size_t i = 0; keys[i]; i++)
			known |= !strcmp(k, keys[i]);
		if (!known) {
			char *p = xasprintf("%s/%s", ptr, k);
			int line = 0, col = 0;
			doc_locate_key(c->doc, p, &line, &col);
			diags_add(c->d, DIAG_ERROR, "lesson", doc_name(c->doc), line, col, p,
				  "unknown key '%s'", k);
			c->failed = true;
			free(p);
		}
	}
}

static char *string_at(struct ctx *c, json_t *obj, const char *ptr, const char *key, bool required)
{
	json_t *v = json_object_get(obj, key);
	if (!v) {
		if (required)
			err(c, ptr, "missing '%s'", key);
		return NULL;
	}
	if (!json_is_string(v)) {
		char *p = xasprintf("%s/%s", ptr, key);
		err(c, p, "'%s' must be a string", key);
		free(p);
		return NULL;
	}
	return xstrdup(json_string_value(v));
}

static char *path_at(struct ctx *c, json_t *obj, const char *ptr, const char *key)
{
	char *s = string_at(c, obj, ptr, key, false);
	if (!s || s[0] == '/' || !strcmp(c->dir, "."))
		return s;
	char *r = xasprintf("%s/%s", c->dir, s);
	free(s);
	return r;
}

/* `set: {KEY: VALUE}` → "KEY=VALUE"; VALUE is re-read as YAML by config, and JSON is YAML. */
static void load_sets(struct ctx *c, char ***sets, size_t *count, json_t *set, const char *ptr)
{
	if (!set)
		return;
	if (!json_is_object(set)) {
		err(c, ptr, "'set' must be a mapping of config keys to values");
		return;
	}
	*sets = xcalloc(json_object_size(set) + 1, sizeof(char *));
	const char *k;
	json_t *v;
	json_object_foreach(set, k, v)
	{
		char *text = json_is_string(v) ? xstrdup(json_string_value(v))
					       : doc_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		(*sets)[(*count)++] = xasprintf("%s=%s", k, text);
		free(text);
	}
}

static void load_highlight(struct ctx *c, struct lesson_pause *p, json_t *h, const char *ptr)
{
	static const char *const keys[] = {"state", "row", "pane", NULL};
	if (!json_is_object(h)) {
		err(c, ptr, "'highlight' must be a mapping {state | row | pane}");
		return;
	}
	check_keys(c, h, ptr, keys);
	p->state = string_at(c, h, ptr, "state", false);
	p->pane = string_at(c, h, ptr, "pane", false);
	json_t *row = json_object_get(h, "row");
	if (row && (!json_is_integer(row) || json_integer_value(row) < 0))
		err(c, ptr, "'row' must be a row number from 0");
	else if (row)
		p->row = (int32_t)json_integer_value(row);
}

static void load_pause(struct ctx *c, struct lesson_pause *p, json_t *v, const char *ptr)
{
	static const char *const keys[] = {"t", "event", "note", "highlight", NULL};
	p->t_ms = -1;
	p->row = -1;
	if (!json_is_object(v)) {
		err(c, ptr,
		    "a pause is a mapping {t: MS | event: \"TYPE STATE #N\", note, highlight}");
		return;
	}
	check_keys(c, v, ptr, keys);
	json_t *t = json_object_get(v, "t");
	p->event = string_at(c, v, ptr, "event", false);
	p->note = string_at(c, v, ptr, "note", false);
	if (t && (!json_is_integer(t) || json_integer_value(t) < 0))
		err(c, ptr, "'t' must be milliseconds of virtual time (>= 0)");
	else if (t)
		p->t_ms = json_integer_value(t);
	if ((p->t_ms >= 0) == (p->event != NULL))
		err(c, ptr, "a pause needs exactly one of 't' and 'event'");
	json_t *h = json_object_get(v, "highlight");
	if (h) {
		char *hp = xasprintf("%s/highlight", ptr);
		load_highlight(c, p, h, hp);
		free(hp);
	}
}

static void load_items(struct ctx *c, struct lesson_step *s, json_t *step, const char *ptr)
{
	json_t *items = json_object_get(step, "items");
	if (!items || json_is_string(items)) {
		s->items = path_at(c, step, ptr, "items");
		return;
	}
	json_t *g = json_object_get(items, "generate");
	if (!json_is_object(items) || json_object_size(items) != 1 || !json_is_integer(g) ||
	    json_integer_value(g) < 1 || json_integer_value(g) > 1000000) {
		char *p = xasprintf("%s/items", ptr);
		err(c, p, "'items' is a file path or {generate: N} with 1 <= N <= 1000000");
		free(p);
		return;
	}
	s->generate = json_integer_value(g);
}

/* `versus: {title, set, definition, items, input}`: every key optional. */
static void load_versus(struct ctx *c, struct lesson_step *s, json_t *v, const char *ptr)
{
	static const char *const keys[] = {"title", "set", "definition", "items", "input", NULL};
	if (!json_is_object(v)) {
		err(c, ptr,
		    "'versus' is a mapping {title, set, definition, items, input}: the "
		    "second execution shown side by side");
		return;
	}
	check_keys(c, v, ptr, keys);
	struct lesson_versus *vs = s->versus = xcalloc(1, sizeof(*vs));
	vs->title = string_at(c, v, ptr, "title", false);
	vs->definition = path_at(c, v, ptr, "definition");
	json_t *items = json_object_get(v, "items");
	if (items && !json_is_string(items))
		err(c, ptr, "'versus/items' must be a file path");
	else
		vs->items = path_at(c, v, ptr, "items");
	json_t *in = json_object_get(v, "input");
	vs->input = in ? json_incref(in) : NULL;
	char *sp = xasprintf("%s/set", ptr);
	load_sets(c, &vs->sets, &vs->set_count, json_object_get(v, "set"), sp);
	free(sp);
}

static void load_step(struct ctx *c, struct lesson_step *s, json_t *v, const char *ptr)
{
	static const char *const keys[] = {"title",   "text",	 "set",	  "definition", "items",
					   "input",   "pauseAt", "focus", "expect",	"window",
					   "compare", "versus",	 NULL};
	if (!json_is_object(v)) {
		err(c, ptr, "a step is a mapping {title, text, set, pauseAt, ...}");
		return;
	}
	check_keys(c, v, ptr, keys);
	s->title = string_at(c, v, ptr, "title", true);
	s->text = string_at(c, v, ptr, "text", false);
	s->definition = path_at(c, v, ptr, "definition");
	s->focus = string_at(c, v, ptr, "focus", false);
	s->expect = string_at(c, v, ptr, "expect", false);
	if (s->expect && strcmp(s->expect, "SUCCEEDED") && strcmp(s->expect, "FAILED") &&
	    strcmp(s->expect, "TIMED_OUT")) {
		char *p = xasprintf("%s/expect", ptr);
		err(c, p, "'expect' is SUCCEEDED, FAILED or TIMED_OUT, not '%s'", s->expect);
		free(p);
	}
	json_t *w = json_object_get(v, "window");
	if (w && (!json_is_integer(w) || json_integer_value(w) < 1))
		err(c, ptr, "'window' must be milliseconds (> 0)");
	else if (w)
		s->window_ms = json_integer_value(w);
	json_t *cmp = json_object_get(v, "compare");
	if (cmp && !json_is_boolean(cmp))
		err(c, ptr, "'compare' must be true or false");
	s->compare = json_is_true(cmp);
	json_t *in = json_object_get(v, "input");
	s->input = in ? json_incref(in) : NULL;
	load_items(c, s, v, ptr);
	char *sp = xasprintf("%s/set", ptr);
	load_sets(c, &s->sets, &s->set_count, json_object_get(v, "set"), sp);
	free(sp);
	json_t *vs = json_object_get(v, "versus");
	if (vs) {
		char *vp = xasprintf("%s/versus", ptr);
		load_versus(c, s, vs, vp);
		free(vp);
	}
	json_t *pauses = json_object_get(v, "pauseAt");
	if (pauses && !json_is_array(pauses)) {
		err(c, ptr, "'pauseAt' must be a list");
		return;
	}
	s->pause_count = json_array_size(pauses);
	s->pauses = xcalloc(s->pause_count + 1, sizeof(*s->pauses));
	for (size_t i = 0; i < s->pause_count; i++) {
		char *pp = xasprintf("%s/pauseAt/%zu", ptr, i);
		load_pause(c, &s->pauses[i], json_array_get(pauses, i), pp);
		free(pp);
	}
}

static void load_root(struct ctx *c, struct lesson *l, json_t *root)
{
	static const char *const keys[] = {"title", "summary", "order", "steps", NULL};
	if (!json_is_object(root)) {
		err(c, "", "a lesson is a mapping {title, summary, steps}");
		return;
	}
	check_keys(c, root, "", keys);
	l->title = string_at(c, root, "", "title", true);
	l->summary = string_at(c, root, "", "summary", false);
	json_t *order = json_object_get(root, "order");
	l->order = 1000;
	if (order && !json_is_integer(order))
		err(c, "/order", "'order' must be an integer (the place in `lesson --list`)");
	else if (order)
		l->order = json_integer_value(order);
	json_t *steps = json_object_get(root, "steps");
	if (!json_is_array(steps) || !json_array_size(steps)) {
		err(c, steps ? "/steps" : "", "'steps' must be a non-empty list");
		return;
	}
	l->step_count = json_array_size(steps);
	l->steps = xcalloc(l->step_count, sizeof(*l->steps));
	for (size_t i = 0; i < l->step_count; i++) {
		char *p = xasprintf("/steps/%zu", i);
		load_step(c, &l->steps[i], json_array_get(steps, i), p);
		free(p);
	}
}

static char *name_of(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t n = strlen(b);
	if (n > 5 && !strcmp(b + n - 5, ".yaml"))
		n -= 5;
	else if (n > 4 && !strcmp(b + n - 4, ".yml"))
		n -= 4;
	return xstrndup(b, n);
}

struct lesson *lesson_load(const char *path, struct diags *d)
{
	struct doc *doc = doc_load_file(path, d);
	if (!doc)
		return NULL;
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	struct ctx c = {.doc = doc, .dir = dir, .d = d};
	struct lesson *l = xcalloc(1, sizeof(*l));
	l->file = xstrdup(path);
	l->name = name_of(path);
	load_root(&c, l, doc_root(doc));
	free(dir);
	doc_free(doc);
	if (c.failed) {
		lesson_free(l);
		return NULL;
	}
	return l;
}

static void versus_free(struct lesson_versus *v)
{
	if (!v)
		return;
	free(v->title);
	for (size_t i = 0; i < v->set_count; i++)
		free(v->sets[i]);
	free(v->sets);
	free(v->definition);
	free(v->items);
	json_decref(v->input);
	free(v);
}

static void step_fini(struct lesson_step *s)
{
	versus_free(s->versus);
	free(s->title);
	free(s->text);
	for (size_t i = 0; i < s->set_count; i++)
		free(s->sets[i]);
	free(s->sets);
	free(s->definition);
	free(s->items);
	json_decref(s->input);
	for (size_t i = 0; i < s->pause_count; i++) {
		free(s->pauses[i].event);
		free(s->pauses[i].note);
		free(s->pauses[i].state);
		free(s->pauses[i].pane);
	}
	free(s->pauses);
	free(s->focus);
	free(s->expect);
}

void lesson_free(struct lesson *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->step_count; i++)
		step_fini(&l->steps[i]);
	free(l->steps);
	free(l->file);
	free(l->name);
	free(l->title);
	free(l->summary);
	free(l);
}

json_t *lesson_generate_items(int64_t n)
{
	json_t *list = json_array();
	for (int64_t i = 1; i <= n; i++) {
		char buf[32];
		snprintf(buf, sizeof(buf), "item %05lld", (long long)i);
		json_array_append_new(list, json_string(buf));
	}
	return list;
}
