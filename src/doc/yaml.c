/*
 * YAML documents through libyaml's event API. The tree is built with an explicit stack (no
 * recursion, so depth is only bounded by DOC_MAX_DEPTH). Marks are 0-based: add 1.
 */
#include "doc/internal.h"

#include <yaml.h>

#include <errno.h>

#include <stdlib.h>
#include <string.h>

struct frame {
	json_t *node;	/* object or array being filled */
	char *tag;	/* CloudFormation tag to apply when closed, or NULL */
	char *anchor;	/* anchor to register when closed, or NULL */
	char *key;	/* pending key of an object, NULL when a key is expected */
	json_t *merge;	/* values of `<<` merge keys, applied when the mapping closes */
	size_t ptr_len; /* length of the pointer of this node */
	int line, col;	/* where the node starts */
};

struct anchor {
	char *name;
	json_t *value;
};

struct builder {
	struct doc *doc;
	struct diags *diags;
	VEC(struct frame) stack;
	VEC(struct anchor) anchors;
	struct strbuf ptr;
	size_t alias_nodes;
	bool failed;
};

static void fail(struct builder *b, yaml_mark_t mark, const char *code, const char *fmt,
		 const char *arg)
{
	if (b->failed)
		return;
	b->failed = true;
	diags_add(b->diags, DIAG_ERROR, code, b->doc->name, (int)mark.line + 1,
		  (int)mark.column + 1, NULL, fmt, arg);
}

/* ---- scalars: YAML 1.2 core schema ---- */
static bool all_digits(const char *s, const char *digits)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr(digits, *s))
			return false;
	return true;
}

static json_t *int_or_null(const char *s, int base)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, base);
	if (errno || *end)
		return NULL;
	return json_integer(v);
}

static bool is_float(const char *s)
{
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	bool digits = false;
	while (*p >= '0' && *p <= '9')
		p++, digits = true;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++, digits = true;
	}
	if (!digits)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

static json_t *plain_scalar(const char *s)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	static const char *const trues[] = {"true", "True", "TRUE"};
	static const char *const falses[] = {"false", "False", "FALSE"};
	for (size_t i = 0; i < ARRAY_LEN(nulls); i++)
		if (strcmp(s, nulls[i]) == 0)
			return json_null();
	for (size_t i = 0; i < ARRAY_LEN(trues); i++)
		if (strcmp(s, trues[i]) == 0)
			return json_true();
	for (size_t i = 0; i < ARRAY_LEN(falses); i++)
		if (strcmp(s, falses[i]) == 0)
			return json_false();
	json_t *v = NULL;
	const char *body = (*s == '-' || *s == '+') ? s + 1 : s;
	if (all_digits(body, "0123456789"))
		v = int_or_null(s, 10);
	else if (strncmp(s, "0x", 2) == 0 && all_digits(s + 2, "0123456789abcdefABCDEF"))
		v = int_or_null(s + 2, 16);
	else if (strncmp(s, "0o", 2) == 0 && all_digits(s + 2, "01234567"))
		v = int_or_null(s + 2, 8);
	if (!v && is_float(s))
		v = json_real(strtod(s, NULL));
	return v ? v : json_string(s); /* .inf/.nan have no JSON form: kept as text */
}

static json_t *scalar_value(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	if (tag && strncmp(tag, "tag:yaml.org,2002:", 18) == 0) {
		const char *t = tag + 18;
		json_t *v = plain_scalar(s);
		bool keep = (strcmp(t, "int") == 0 && json_is_integer(v)) ||
			    (strcmp(t, "float") == 0 && json_is_number(v)) ||
			    (strcmp(t, "bool") == 0 && json_is_boolean(v)) ||
			    (strcmp(t, "null") == 0 && json_is_null(v));
		if (keep)
			return v;
		json_decref(v);
		return json_string(s);
	}
	if (ev->data.scalar.plain_implicit && !tag)
		return plain_scalar(s);
	return json_string(s);
}

/* ---- CloudFormation short forms ---- */
static bool cfn_tag(const char *tag)
{
	return tag && tag[0] == '!' && tag[1] != '!' && tag[1] != '\0';
}

/* The long-form key of a short-form tag: "Ref", "Condition" or "Fn::Name" (owned). */
static char *cfn_key(const char *tag)
{
	const char *name = tag + 1;
	if (strcmp(name, "Ref") == 0 || strcmp(name, "Condition") == 0)
		return xstrdup(name);
	return xasprintf("Fn::%s", name);
}

/* Wraps value (taken) in the long form of a CloudFormation short-form tag. */
static json_t *cfn_wrap(const char *tag, json_t *value)
{
	const char *name = tag + 1;
	json_t *obj = json_object();
	if (strcmp(name, "Ref") == 0 || strcmp(name, "Condition") == 0) {
		json_object_set_new(obj, name, value);
		return obj;
	}
	if (strcmp(name, "GetAtt") == 0 && json_is_string(value)) {
		const char *s = json_string_value(value);
		const char *dot = strchr(s, '.');
		json_t *arr = json_array();
		json_array_append_new(arr, json_stringn(s, dot ? (size_t)(dot - s) : strlen(s)));
		if (dot)
			json_array_append_new(arr, json_string(dot + 1));
		json_decref(value);
		value = arr;
	}
	char *key = cfn_key(tag);
	json_object_set_new(obj, key, value);
	free(key);
	return obj;
}

/* ---- the tree ---- */
static void register_anchor(struct builder *b, const char *name, json_t *value)
{
	if (!name)
		return;
	struct anchor a = {xstrdup(name), json_incref(value)};
	VEC_PUSH(b->anchors, a);
}

static size_t count_nodes(json_t *v, size_t cap)
{
	size_t n = 1;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
		{
			if (n > cap)
				break;
			n += count_nodes(x, cap - n);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			if (n > cap)
				break;
			n += count_nodes(x, cap - n);
		}
	}
	return n;
}

/* The pointer of a value about to start inside the top frame (appended to b->ptr). */
static void enter_child(struct builder *b)
{
	if (!b->stack.len)
		return;
	struct frame *top = &b->stack.items[b->stack.len - 1];
	if (json_is_object(top->node))
		sb_add_pointer_token(&b->ptr, top->key);
	else
		sb_addf(&b->ptr, "/%zu", json_array_size(top->node));
}

static void truncate_ptr(struct builder *b, size_t len)
{
	if (b->ptr.data) {
		b->ptr.len = len;
		b->ptr.data[len] = '\0';
	}
}

/* Places a finished value (taken) into the top frame or as the root. */
static void attach(struct builder *b, json_t *value)
{
	if (!b->stack.len) {
		json_decref(b->doc->root);
		b->doc->root = value;
		return;
	}
	struct frame *top = &b->stack.items[b->stack.len - 1];
	if (json_is_object(top->node)) {
		if (strcmp(top->key, "<<") == 0) {
			/* YAML merge key: explicit keys win, so merge when the mapping closes */
			if (!top->merge)
				top->merge = json_array();
			json_array_append_new(top->merge, value);
		} else {
			json_object_set_new(top->node, top->key, value);
		}
		free(top->key);
		top->key = NULL;
	} else {
		json_array_append_new(top->node, value);
	}
}

static bool expecting_key(const struct builder *b)
{
	if (!b->stack.len)
		return false;
	const struct frame *top = &b->stack.items[b->stack.len - 1];
	return json_is_object(top->node) && !top->key;
}

static void take_key(struct builder *b, const char *key, yaml_mark_t mark)
{
	struct frame *top = &b->stack.items[b->stack.len - 1];
	if (json_object_get(top->node, key)) {
		fail(b, mark, "yaml-duplicate-key", "duplicate key '%s'", key);
		return;
	}
	top->key = xstrdup(key);
	top->line = (int)mark.line + 1; /* reused: the key's position for the child */
	top->col = (int)mark.column + 1;
}

/* Records where a child value starts; the key position comes from the parent frame. */
static void record(struct builder *b, yaml_mark_t mark)
{
	int kl = 0, kc = 0;
	if (b->stack.len && json_is_object(b->stack.items[b->stack.len - 1].node)) {
		kl = b->stack.items[b->stack.len - 1].line;
		kc = b->stack.items[b->stack.len - 1].col;
	}
	doc_add_loc(b->doc, sb_str(&b->ptr), (int)mark.line + 1, (int)mark.column + 1, kl, kc);
}

/* A short-form tag's value also lives at pointer + "/Fn::Name": record it there and leave
 * b->ptr extended (the caller truncates). */
static void record_wrapped(struct builder *b, const char *tag, yaml_mark_t mark)
{
	char *key = cfn_key(tag);
	sb_add_pointer_token(&b->ptr, key);
	free(key);
	doc_add_loc(b->doc, sb_str(&b->ptr), (int)mark.line + 1, (int)mark.column + 1, 0, 0);
}

static void on_scalar(struct builder *b, const yaml_event_t *ev)
{
	const char *text = (const char *)ev->data.scalar.value;
	if (expecting_key(b)) {
		take_key(b, text, ev->start_mark);
		if (ev->data.scalar.anchor) {
			json_t *s = json_string(text);
			register_anchor(b, (const char *)ev->data.scalar.anchor, s);
			json_decref(s);
		}
		return;
	}
	size_t mark = b->ptr.len;
	const char *tag = (const char *)ev->data.scalar.tag;
	enter_child(b);
	record(b, ev->start_mark);
	if (cfn_tag(tag))
		record_wrapped(b, tag, ev->start_mark);
	truncate_ptr(b, mark);
	json_t *v = scalar_value(ev);
	if (cfn_tag(tag))
		v = cfn_wrap(tag, v);
	register_anchor(b, (const char *)ev->data.scalar.anchor, v);
	attach(b, v);
}

static void on_start(struct builder *b, const yaml_event_t *ev, bool mapping)
{
	if (expecting_key(b)) {
		fail(b, ev->start_mark, "yaml-complex-key", "%s",
		     "complex mapping keys are not supported");
		return;
	}
	if (b->stack.len >= DOC_MAX_DEPTH) {
		fail(b, ev->start_mark, "yaml-depth", "nesting deeper than %s levels", "10000");
		return;
	}
	const char *tag =
	    (const char *)(mapping ? ev->data.mapping_start.tag : ev->data.sequence_start.tag);
	const char *anchor = (const char *)(mapping ? ev->data.mapping_start.anchor
						    : ev->data.sequence_start.anchor);
	size_t parent_len = b->ptr.len;
	enter_child(b);
	record(b, ev->start_mark);
	if (cfn_tag(tag))
		record_wrapped(b, tag, ev->start_mark); /* children sit under the long form */
	struct frame f = {
	    .node = mapping ? json_object() : json_array(),
	    .tag = cfn_tag(tag) ? xstrdup(tag) : NULL,
	    .anchor = anchor ? xstrdup(anchor) : NULL,
	    .ptr_len = parent_len,
	};
	VEC_PUSH(b->stack, f);
}

static void on_end(struct builder *b)
{
	struct frame f = b->stack.items[--b->stack.len];
	truncate_ptr(b, f.ptr_len);
	json_t *v = f.node;
	for (size_t i = 0; i < json_array_size(f.merge); i++) {
		json_t *m = json_array_get(f.merge, i);
		if (json_is_object(m))
			json_object_update_missing(v, m);
		for (size_t k = 0; json_is_array(m) && k < json_array_size(m); k++)
			if (json_is_object(json_array_get(m, k)))
				json_object_update_missing(v, json_array_get(m, k));
	}
	json_decref(f.merge);
	if (f.tag)
		v = cfn_wrap(f.tag, v);
	register_anchor(b, f.anchor, v);
	free(f.tag);
	free(f.anchor);
	free(f.key);
	attach(b, v);
}

static void on_alias(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	json_t *target = NULL;
	for (size_t i = b->anchors.len; i-- > 0;) {
		if (strcmp(b->anchors.items[i].name, name) == 0) {
			target = b->anchors.items[i].value;
			break;
		}
	}
	if (!target) {
		fail(b, ev->start_mark, "yaml-alias", "unknown alias '*%s'", name);
		return;
	}
	if (expecting_key(b)) {
		if (!json_is_string(target)) {
			fail(b, ev->start_mark, "yaml-complex-key", "%s",
			     "an alias used as a key must name a string");
			return;
		}
		take_key(b, json_string_value(target), ev->start_mark);
		return;
	}
	size_t budget = DOC_MAX_ALIAS_NODES - b->alias_nodes;
	size_t n = count_nodes(target, budget);
	if (n > budget) {
		fail(b, ev->start_mark, "yaml-alias-limit", "aliases expand to more than %s values",
		     "1000000");
		return;
	}
	b->alias_nodes += n;
	size_t mark = b->ptr.len;
	enter_child(b);
	record(b, ev->start_mark);
	truncate_ptr(b, mark);
	attach(b, json_deep_copy(target));
}

static void builder_fini(struct builder *b)
{
	for (size_t i = 0; i < b->stack.len; i++) {
		json_decref(b->stack.items[i].node);
		free(b->stack.items[i].tag);
		free(b->stack.items[i].anchor);
		free(b->stack.items[i].key);
		json_decref(b->stack.items[i].merge);
	}
	VEC_FREE(b->stack);
	for (size_t i = 0; i < b->anchors.len; i++) {
		free(b->anchors.items[i].name);
		json_decref(b->anchors.items[i].value);
	}
	VEC_FREE(b->anchors);
	sb_fini(&b->ptr);
}

static void syntax_error(struct builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "invalid YAML";
	char *msg = p->context ? xasprintf("%s %s", problem, p->context) : xstrdup(problem);
	fail(b, p->problem_mark, "yaml-syntax", "YAML syntax error: %s", msg);
	free(msg);
}

/* One event; false when parsing must stop. */
static bool on_event(struct builder *b, const yaml_event_t *ev, int *documents)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++*documents > 1)
			fail(b, ev->start_mark, "yaml-documents", "%s",
			     "only one YAML document is allowed");
		break;
	case YAML_SCALAR_EVENT:
		on_scalar(b, ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		on_start(b, ev, false);
		break;
	case YAML_MAPPING_START_EVENT:
		on_start(b, ev, true);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		on_end(b);
		break;
	case YAML_ALIAS_EVENT:
		on_alias(b, ev);
		break;
	case YAML_STREAM_END_EVENT:
		return false;
	default:
		break;
	}
	return !b->failed;
}

bool doc_parse_yaml(struct doc *d, struct diags *diags)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)d->text, d->len);
	struct builder b = {.doc = d, .diags = diags};
	sb_init(&b.ptr);
	sb_add(&b.ptr, "");
	int documents = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(&b, &parser);
			break;
		}
		bool more = on_event(&b, &ev, &documents);
		yaml_event_delete(&ev);
		if (!more)
			break;
	}
	yaml_parser_delete(&parser);
	builder_fini(&b);
	if (!b.failed && !d->root) {
		diags_add(diags, DIAG_ERROR, "empty", d->name, 1, 1, NULL, "%s",
			  "the document is empty");
		return false;
	}
	return !b.failed;
}
