/*
 * Payload templates (Parameters, ItemSelector, ResultSelector, legacy Map Parameters): a
 * `key.$` field takes the value of a path, a context path or an intrinsic call and is stored
 * under `key`; every other field is copied, recursing into objects and arrays.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
 */
#include "flow/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool is_dynamic_key(const char *key, size_t n, size_t *base_len)
{
	if (n < 2 || strcmp(key + n - 2, ".$") != 0)
		return false;
	*base_len = n - 2;
	return true;
}

static bool is_intrinsic(const char *s)
{
	return strncmp(s, "States.", 7) == 0;
}

json_t *flow_intrinsic(const char *expr, json_t *input, const struct flow_env *env,
		       struct flow_error *err)
{
	char *msg = NULL;
	size_t off = 0;
	struct fcall *c = fcall_parse(expr, &msg, &off);
	if (c && (msg = fcall_check(c, &off)) != NULL) {
		fcall_free(c);
		c = NULL;
	}
	if (!c) {
		flow_error_set(err, "States.IntrinsicFailure",
			       "Invalid intrinsic function call '%s' at offset %zu: %s", expr, off,
			       msg);
		free(msg);
		return NULL;
	}
	json_t *v = fcall_eval(c, input, env, err);
	fcall_free(c);
	/* A path argument that finds nothing names the whole call, nested ones included
	 * (recorded on AWS: floci-io/floci StepFunctionsIntrinsicMissingArgumentIntegrationTest).
	 */
	if (!v && err && err->cause &&
	    strncmp(err->cause, FCALL_MISSING_ARG, strlen(FCALL_MISSING_ARG)) == 0) {
		char *inner = err->cause;
		err->cause =
		    xasprintf("The function '%s' had the following error: %s", expr, inner);
		free(inner);
	}
	return v;
}

/*
 * True when a definite path ends in an index outside the array its prefix reaches: AWS gives
 * null there in a payload template ("v.$": "$.items[5]" with two items succeeds with
 * {"v": null}; recorded on AWS, floci-io/floci
 * StepFunctionsIntrinsicMissingArgumentIntegrationTest), not the "could not be found" failure
 * of a missing property.
 */
static bool index_past_end(const struct fpath *p, json_t *input, const struct flow_env *env)
{
	if (!p->definite || p->segs.len == 0)
		return false;
	const struct fseg *last = &p->segs.items[p->segs.len - 1];
	if (last->kind != FSEG_INDEX || last->deep || last->indexes.len != 1)
		return false;
	struct fpath upstream = *p; /* shares the segments, minus the index */
	upstream.segs.len--;
	char *why = NULL;
	json_t *arr = fpath_eval(&upstream, input, NULL, env, &why);
	bool past = json_is_array(arr);
	json_decref(arr);
	free(why);
	return past;
}

/* The value of a path that parsed (p borrowed), s its text, key the field's `key.$`. */
static json_t *path_value(const char *key, const char *s, const struct fpath *p, json_t *input,
			  const struct flow_env *env, struct flow_error *err)
{
	char *why = NULL;
	json_t *v = fpath_eval(p, input, NULL, env, &why);
	if (!v && !fpath_over_budget(why) && index_past_end(p, input, env)) {
		free(why);
		return json_null();
	}
	if (!v && fpath_over_budget(why)) {
		flow_error_set(err, "States.Runtime",
			       "The JSONPath '%s' specified for the field '%s': %s", s, key, why);
	} else if (!v) {
		char *shown =
		    flow_dump(p->root == FROOT_CONTEXT && env ? env->context : input, 2000);
		/*
		 * The ASL spec names this States.ParameterPathFailure, but AWS raises
		 * States.Runtime (uncatchable), worded this way: a recorded get-execution-history
		 * shows "The JSONPath '$.JobName' specified for the field 'JobName.$' could not be
		 * found in the input '{}'" under States.Runtime; see also floci-io/floci#2521.
		 */
		flow_error_set(err, "States.Runtime",
			       "The JSONPath '%s' specified for the field '%s' could not be found "
			       "in the input '%s'",
			       s, key, shown);
		free(shown);
	}
	free(why);
	return v;
}

/* The value of one `key.$` field. */
static json_t *dynamic_value(const char *key, json_t *spec, json_t *input,
			     const struct flow_env *env, struct flow_error *err)
{
	if (!json_is_string(spec)) {
		flow_error_set(err, "States.Runtime",
			       "The value for the field '%s' must be a string (a path or an "
			       "intrinsic function)",
			       key);
		return NULL;
	}
	const char *s = json_string_value(spec);
	if (is_intrinsic(s))
		return flow_intrinsic(s, input, env, err);
	if (input && strcmp(s, "$") == 0)
		return json_incref(input); /* the whole input, as the path would give it */
	char *msg = NULL;
	size_t off;
	struct fpath *p = fpath_parse(s, strlen(s), &msg, &off);
	if (!p) {
		flow_error_set(err, "States.Runtime",
			       "The value for the field '%s' must be a valid JSONPath or a valid "
			       "intrinsic function call: %s at offset %zu",
			       key, msg, off);
		free(msg);
		return NULL;
	}
	json_t *v = path_value(key, s, p, input, env, err);
	fpath_free(p);
	return v;
}

/*
 * A prepared template is a tree of nodes in the template's own order: static scalars (with
 * their compact size), objects and arrays, and `key.$` fields, the whole input ("$") and
 * paths that parsed told apart from the rest (intrinsics and errors, left to dynamic_value).
 */
enum tkind { TK_STATIC, TK_OBJECT, TK_ARRAY, TK_INPUT, TK_PATH, TK_OTHER };

struct tnode {
	enum tkind kind;
	json_t *value;	    /* static: the value; dynamic: the spec (both borrowed) */
	const char *key;    /* an object member's key as written (borrowed), else NULL */
	size_t key_len;	    /* the output key's length (a dynamic key without ".$") */
	size_t key_size;    /* the output key's compact size, colon included */
	size_t size;	    /* TK_STATIC: the value's compact size */
	struct fpath *path; /* TK_PATH (owned) */
	struct tnode *kids; /* objects and arrays (owned) */
	size_t n;
};

struct flow_template {
	struct tnode root;
	/* Two fields of one object give the same key ("a" and "a.$"; validation rejects it):
	 * the built object keeps one, so sizes are measured on the result instead. */
	bool measure;
	/* Only static values and the whole input ("$"): an expansion of an input cannot fail and
	 * its size is fixed + inputs x the input's size (flow_template_check adds nothing up). */
	bool closed;
	size_t fixed, inputs;
};

static void prepare(struct flow_template *t, struct tnode *node, json_t *v);

static void prepare_member(struct flow_template *t, struct tnode *node, json_t *obj,
			   const char *key, json_t *v)
{
	size_t len = strlen(key), base;
	node->key = key;
	node->key_len = len;
	if (is_dynamic_key(key, len, &base)) {
		node->key_len = base;
		node->value = v;
		const char *s = json_string_value(v);
		char *msg = NULL;
		size_t off;
		if (!s || is_intrinsic(s))
			node->kind = TK_OTHER;
		else if (strcmp(s, "$") == 0)
			node->kind = TK_INPUT;
		else if ((node->path = fpath_parse(s, strlen(s), &msg, &off)) != NULL)
			node->kind = TK_PATH;
		else
			node->kind = TK_OTHER;
		free(msg);
		if (json_object_getn(obj, key, base))
			t->measure = true;
	} else {
		prepare(t, node, v);
	}
	/* put (text.c) writes a key up to its first NUL, as the size counts it. */
	node->key_size = flow_string_size(key, strnlen(key, node->key_len)) + 1;
}

/* Java's String.hashCode of key[0..n): the UTF-8 text read as UTF-16 code units. */
static uint32_t java_hash(const char *key, size_t n)
{
	uint32_t h = 0;
	const unsigned char *s = (const unsigned char *)key;
	for (size_t i = 0; i < n;) {
		uint32_t c = s[i++];
		int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
		c &= more == 3 ? 0x07 : more == 2 ? 0x0f : more == 1 ? 0x1f : 0xff;
		for (; more > 0 && i < n; more--)
			c = c << 6 | (s[i++] & 0x3f);
		if (c >= 0x10000) {
			h = 31 * h + (0xd800 + ((c - 0x10000) >> 10));
			c = 0xdc00 + ((c - 0x10000) & 0x3ff);
		}
		h = 31 * h + c;
	}
	return h;
}

static bool is_dynamic_node(const struct tnode *node)
{
	return node->kind == TK_INPUT || node->kind == TK_PATH || node->kind == TK_OTHER;
}

/*
 * The order AWS writes an object template's fields in: the copied fields first, in the
 * template's order, then the `key.$` fields in the order a java.util.HashMap of their keys
 * iterates (bucket (h ^ h >>> 16) & (capacity - 1), capacity 16 doubled while the count is
 * over three quarters of it; one bucket in insertion order). Recorded on AWS: ItemSelector
 * {original_input.$, iteration_input_value.$, iteration_index.$, from_input_constant.$,
 * constant_value} gave constant_value, iteration_input_value, from_input_constant,
 * iteration_index, original_input (corpus map-inline-itemselector); Parameters
 * {Iterations.$, Values.$} gave Values, Iterations (map-legacy-iterator-reentrant-loop);
 * {QueueUrl.$, MessageBody} gave MessageBody, QueueUrl (sqs-wait-for-token-heartbeat-timeout).
 * Done once per template, so an expansion costs nothing more.
 */
struct ranked {
	size_t bucket, index; /* index: the field's place in the template */
};

static int by_bucket(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->bucket != y->bucket)
		return x->bucket < y->bucket ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Java's bucket of hash h in a table of cap slots (HashMap.hash spreads the high bits). */
static size_t java_bucket(uint32_t h, size_t cap)
{
	return (h ^ h >> 16) & (cap - 1);
}

/* The table's size once the keys of hashes h[0..n-1] are put in that order: doubled when it
 * passes three quarters full, and when a bucket would take a 9th key while the table has
 * fewer than 64 slots (treeifyBin resizes instead). A bucket of 9 or more keys in a table of
 * 64 slots or more becomes a tree, whose order is not modelled (templates do not have such
 * keys). */
static size_t java_capacity(const uint32_t *h, size_t n)
{
	size_t cap = 16;
	for (size_t i = 0; i < n; i++) {
		size_t same = 0;
		for (size_t j = 0; j < i; j++)
			same += java_bucket(h[j], cap) == java_bucket(h[i], cap);
		if (same >= 8 && cap < 64)
			cap *= 2;
		if (i + 1 > cap / 4 * 3)
			cap *= 2;
	}
	return cap;
}

static void java_order(struct tnode *kids, size_t n)
{
	size_t dynamic = 0, cap;
	bool copied_after = false; /* a copied field follows a key.$ one */
	for (size_t i = 0; i < n; i++) {
		if (is_dynamic_node(&kids[i]))
			dynamic++;
		else
			copied_after = copied_after || dynamic > 0;
	}
	/* Most templates (a Task's {"FunctionName": ..., "Payload.$": "$"}) are in order
	 * already, and some are prepared on every expansion: no work for them. */
	if (dynamic == 0 || (dynamic == 1 && !copied_after))
		return;
	struct ranked small_rank[16];
	struct tnode small_out[16];
	uint32_t small_hash[16];
	struct ranked *rank = n <= 16 ? small_rank : xmalloc(n * sizeof(*rank));
	struct tnode *out = n <= 16 ? small_out : xmalloc(n * sizeof(*out));
	uint32_t *hash = n <= 16 ? small_hash : xmalloc(n * sizeof(*hash));
	size_t o = 0, d = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_dynamic_node(&kids[i])) {
			out[o++] = kids[i];
			continue;
		}
		hash[d] = java_hash(kids[i].key, kids[i].key_len);
		rank[d++].index = i;
	}
	cap = java_capacity(hash, dynamic);
	for (size_t r = 0; r < dynamic; r++)
		rank[r].bucket = java_bucket(hash[r], cap);
	qsort(rank, dynamic, sizeof(*rank), by_bucket);
	for (size_t r = 0; r < dynamic; r++)
		out[o++] = kids[rank[r].index];
	memcpy(kids, out, n * sizeof(*out));
	if (rank != small_rank) {
		free(out);
		free(rank);
		free(hash);
	}
}

static void prepare(struct flow_template *t, struct tnode *node, json_t *v)
{
	size_t i = 0;
	node->value = v;
	if (json_is_object(v)) {
		node->kind = TK_OBJECT;
		node->kids = xcalloc(json_object_size(v) + 1, sizeof(*node->kids));
		for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it))
			prepare_member(t, &node->kids[i++], v, json_object_iter_key(it),
				       json_object_iter_value(it));
		java_order(node->kids, i);
	} else if (json_is_array(v)) {
		json_t *item;
		node->kind = TK_ARRAY;
		node->kids = xcalloc(json_array_size(v) + 1, sizeof(*node->kids));
		json_array_foreach(v, i, item) prepare(t, &node->kids[i], item);
	} else {
		node->kind = TK_STATIC;
		node->size = flow_json_size_upto(v, FLOW_PAYLOAD_LIMIT);
		return;
	}
	node->n = i;
}

static void tnode_fini(struct tnode *node)
{
	for (size_t i = 0; i < node->n; i++)
		tnode_fini(&node->kids[i]);
	free(node->kids);
	fpath_free(node->path);
}

/* Adds node's size without its inputs to *fixed (as apply_node adds it up) and counts its
 * inputs; false when it holds a path or anything else that may fail or vary in size. */
static bool fixed_size(const struct tnode *node, size_t *fixed, size_t *inputs)
{
	switch (node->kind) {
	case TK_STATIC:
		*fixed += node->size;
		return true;
	case TK_INPUT:
		(*inputs)++;
		return true;
	case TK_PATH:
	case TK_OTHER:
		return false;
	case TK_OBJECT:
	case TK_ARRAY:
		break;
	}
	*fixed += node->n ? 1 + node->n : 2; /* brackets and commas */
	for (size_t i = 0; i < node->n; i++) {
		*fixed += node->kind == TK_OBJECT ? node->kids[i].key_size : 0;
		if (!fixed_size(&node->kids[i], fixed, inputs))
			return false;
	}
	return true;
}

struct flow_template *flow_template_new(json_t *tmpl)
{
	struct flow_template *t = xcalloc(1, sizeof(*t));
	prepare(t, &t->root, tmpl);
	t->closed = !t->measure && fixed_size(&t->root, &t->fixed, &t->inputs);
	return t;
}

void flow_template_free(struct flow_template *t)
{
	if (!t)
		return;
	tnode_fini(&t->root);
	free(t);
}

/* What one expansion reads: its input (with its size when known) and whether sizes count. */
struct apply {
	json_t *input;
	size_t input_size; /* SIZE_MAX = not known */
	const struct flow_env *env;
	bool sizing;
	bool build; /* false: only find and measure the values (flow_template_check) */
	struct flow_error *err;
};

static json_t *apply_node(const struct apply *a, const struct tnode *node, size_t *size);

/* The compact size of a value a path produced: known for the input, else measured (up to
 * just past the limit: a larger size only needs to be known as too large). */
static size_t dynamic_size(const struct apply *a, json_t *v)
{
	if (v == a->input && a->input_size != SIZE_MAX)
		return a->input_size;
	if (a->env && a->env->sized == v)
		return a->env->sized_bytes;
	return flow_json_size_upto(v, FLOW_PAYLOAD_LIMIT);
}

static json_t *apply_member(const struct apply *a, const struct tnode *node, size_t *size)
{
	json_t *v;
	switch (node->kind) {
	case TK_INPUT:
		v = a->input ? json_incref(a->input)
			     : dynamic_value(node->key, node->value, NULL, a->env, a->err);
		break;
	case TK_PATH:
		v = path_value(node->key, json_string_value(node->value), node->path, a->input,
			       a->env, a->err);
		break;
	case TK_OTHER:
		v = dynamic_value(node->key, node->value, a->input, a->env, a->err);
		break;
	default:
		return apply_node(a, node, size);
	}
	if (v && a->sizing)
		*size = dynamic_size(a, v);
	return v;
}

static json_t *apply_node(const struct apply *a, const struct tnode *node, size_t *size)
{
	if (node->kind == TK_STATIC) {
		*size = node->size;
		return json_incref(node->value);
	}
	bool obj = node->kind == TK_OBJECT;
	/* A check builds no containers: json_null() (a static value) stands for success. */
	json_t *out = !a->build ? json_null() : obj ? json_object() : json_array();
	*size = node->n ? 1 + node->n : 2; /* brackets and commas */
	for (size_t i = 0; i < node->n; i++) {
		const struct tnode *kid = &node->kids[i];
		size_t kid_size = 0;
		json_t *v = obj ? apply_member(a, kid, &kid_size) : apply_node(a, kid, &kid_size);
		if (!v) {
			json_decref(out);
			return NULL;
		}
		*size += kid_size + (obj ? kid->key_size : 0);
		if (!a->build)
			json_decref(v);
		/* Keys set by length without a UTF-8 check: the template's own keys, already
		 * checked by jansson (a per-call cost in every Task's Parameters). */
		else if (obj)
			json_object_setn_new_nocheck(out, kid->key, kid->key_len, v);
		else
			json_array_append_new(out, v);
	}
	return out;
}

json_t *flow_template_apply(const struct flow_template *t, json_t *input, size_t input_size,
			    const struct flow_env *env, size_t *size, struct flow_error *err)
{
	struct apply a = {input, input_size, env, size && !t->measure, true, err};
	size_t n = 0;
	json_t *v = apply_node(&a, &t->root, &n);
	if (v && size)
		*size = t->measure ? flow_json_size_upto(v, FLOW_PAYLOAD_LIMIT) : n;
	return v;
}

bool flow_template_check(const struct flow_template *t, json_t *input, size_t input_size,
			 const struct flow_env *env, size_t *size, struct flow_error *err)
{
	if (t->measure) { /* the size is the built object's */
		json_t *v = flow_template_apply(t, input, input_size, env, size, err);
		json_decref(v);
		return v != NULL;
	}
	struct apply a = {input, input_size, env, true, false, err};
	if (t->closed && input) {
		*size = t->fixed + (t->inputs ? t->inputs * dynamic_size(&a, input) : 0);
		return true;
	}
	size_t n = 0;
	json_t *v = apply_node(&a, &t->root, &n);
	json_decref(v);
	*size = n;
	return v != NULL;
}

json_t *flow_template_field(const struct flow_template *t, json_t *input,
			    const struct flow_env *env, const char *key, struct flow_error *err)
{
	const struct tnode *root = &t->root, *hit = NULL;
	size_t n = strlen(key), size = 0;
	for (size_t i = 0; root->kind == TK_OBJECT && i < root->n; i++)
		if (root->kids[i].key_len == n && memcmp(root->kids[i].key, key, n) == 0)
			hit = &root->kids[i]; /* the last one, as the built object keeps it */
	if (!hit || hit->kind == TK_STATIC)
		return hit ? json_incref(hit->value) : NULL;
	struct apply a = {input, SIZE_MAX, env, false, true, err};
	return apply_member(&a, hit, &size);
}

json_t *flow_expression(const char *expr, json_t *input, const struct flow_env *env,
			struct flow_error *err)
{
	if (strncmp(expr, "{%", 2) == 0) {
		flow_error_set(
		    err, "States.QueryEvaluationError",
		    "JSONata expressions are not supported by this version of stepscope");
		return NULL;
	}
	if (is_intrinsic(expr))
		return flow_intrinsic(expr, input, env, err);
	return flow_select(input, expr, env, err);
}

json_t *flow_template(json_t *tmpl, json_t *input, const struct flow_env *env,
		      struct flow_error *err)
{
	struct flow_template *t = flow_template_new(tmpl);
	json_t *v = flow_template_apply(t, input, SIZE_MAX, env, NULL, err);
	flow_template_free(t);
	return v;
}

/* ---- validation ---- */
struct check {
	void (*report)(void *ctx, const char *pointer, const char *message);
	void *ctx;
	struct strbuf ptr;
};

static void check_dynamic(struct check *ck, const char *key, json_t *spec)
{
	if (!json_is_string(spec)) {
		char *m = xasprintf("the value of '%s' must be a string: a path or an intrinsic "
				    "function call",
				    key);
		ck->report(ck->ctx, sb_str(&ck->ptr), m);
		free(m);
		return;
	}
	const char *s = json_string_value(spec);
	char *msg = NULL;
	size_t off = 0;
	bool ok = is_intrinsic(s) ? flow_check_intrinsic(s, &msg, &off)
				  : flow_check_path(s, false, &msg, &off);
	if (ok)
		return;
	char *m = xasprintf("invalid %s in '%s' at offset %zu: %s",
			    is_intrinsic(s) ? "intrinsic function call" : "path", key, off, msg);
	ck->report(ck->ctx, sb_str(&ck->ptr), m);
	free(m);
	free(msg);
}

static void check_node(struct check *ck, json_t *t)
{
	size_t mark = ck->ptr.len;
	if (json_is_array(t)) {
		size_t i;
		json_t *item;
		json_array_foreach(t, i, item)
		{
			sb_addf(&ck->ptr, "/%zu", i);
			check_node(ck, item);
			ck->ptr.len = mark;
			ck->ptr.data[mark] = '\0';
		}
		return;
	}
	if (!json_is_object(t))
		return;
	const char *key;
	json_t *item;
	json_object_foreach(t, key, item)
	{
		size_t base;
		sb_add_pointer_token(&ck->ptr, key);
		if (is_dynamic_key(key, strlen(key), &base)) {
			char *plain = xstrndup(key, base);
			if (json_object_get(t, plain)) {
				char *m = xasprintf("the field '%s' is given twice, as '%s' and "
						    "'%s'",
						    plain, plain, key);
				ck->report(ck->ctx, sb_str(&ck->ptr), m);
				free(m);
			}
			free(plain);
			check_dynamic(ck, key, item);
		} else {
			check_node(ck, item);
		}
		ck->ptr.len = mark;
		ck->ptr.data[mark] = '\0';
	}
}

void flow_check_template(json_t *tmpl,
			 void (*report)(void *ctx, const char *pointer, const char *message),
			 void *ctx)
{
	struct check ck = {.report = report, .ctx = ctx};
	sb_init(&ck.ptr);
	sb_add(&ck.ptr, "");
	check_node(&ck, tmpl);
	sb_fini(&ck.ptr);
}
