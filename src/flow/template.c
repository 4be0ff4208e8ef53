/*
 * Payload templates (Parameters, ItemSelector, ResultSelector, legacy Map Parameters): a
 * `key.$` field takes the value of a path, a context path or an intrinsic call and is stored
 * under `key`; every other field is copied, recursing into objects and arrays.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
 */
#include "flow/internal.h"

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
	char *why = NULL;
	json_t *v = fpath_eval(p, input, NULL, env, &why);
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
	fpath_free(p);
	return v;
}

static json_t *expand(json_t *t, json_t *input, const struct flow_env *env, struct flow_error *err)
{
	if (json_is_array(t)) {
		json_t *out = json_array();
		size_t i;
		json_t *item;
		json_array_foreach(t, i, item)
		{
			json_t *v = expand(item, input, env, err);
			if (!v) {
				json_decref(out);
				return NULL;
			}
			json_array_append_new(out, v);
		}
		return out;
	}
	if (!json_is_object(t))
		return json_incref(t);
	/* Keys set by length without a UTF-8 check: the template's own keys, already checked by
	 * jansson (a per-call cost in every Task's Parameters). */
	json_t *out = json_object();
	for (void *it = json_object_iter(t); it; it = json_object_iter_next(t, it)) {
		const char *key = json_object_iter_key(it);
		size_t len = strlen(key), base;
		bool dyn = is_dynamic_key(key, len, &base);
		json_t *item = json_object_iter_value(it);
		json_t *v =
		    dyn ? dynamic_value(key, item, input, env, err) : expand(item, input, env, err);
		if (!v) {
			json_decref(out);
			return NULL;
		}
		json_object_setn_new_nocheck(out, key, dyn ? base : len, v);
	}
	return out;
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
	return expand(tmpl, input, env, err);
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
