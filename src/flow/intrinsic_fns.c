/*
 * The intrinsic functions: argument checks, the generic, JSON and array functions, the
 * table of names and arities, and evaluation of a parsed call (the string and number
 * functions are in intrinsic_scalar.c). Every failure is States.IntrinsicFailure with a cause
 * naming the function and the argument. Numbers that must be integers are rounded to the
 * nearest integer, as the documentation says for ArrayPartition, ArrayRange, MathRandom and
 * MathAdd; integers stay JSON integers.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
#include "flow/intrinsic.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RANGE_ITEMS 1000

json_t *icall_fail(struct call *k, size_t i, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *what = xvasprintf(fmt, ap);
	va_end(ap);
	flow_error_set(k->err, FAILURE, "Invalid argument %zu of %s: %s", i + 1, k->c->name, what);
	free(what);
	return NULL;
}

bool icall_string(struct call *k, size_t i)
{
	if (json_is_string(k->args[i]))
		return true;
	icall_fail(k, i, "expected a string");
	return false;
}

bool icall_array(struct call *k, size_t i)
{
	if (json_is_array(k->args[i]))
		return true;
	icall_fail(k, i, "expected an array");
	return false;
}

/* An integer argument; a real is rounded to the nearest integer, a half upwards as Java's
 * Math.round does: recorded on AWS, States.MathAdd(-1.49, -1.5) is -2 and
 * States.MathAdd(-1.5, -1.51) is -3 (localstack test_math_operations snapshot, 2023-09). */
bool icall_int(struct call *k, size_t i, long long *out)
{
	json_t *v = k->args[i];
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if (json_is_real(v) && fabs(json_real_value(v)) < 9e18) {
		*out = (long long)floor(json_real_value(v) + 0.5);
		return true;
	}
	icall_fail(k, i, "expected an integer");
	return false;
}

size_t icall_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static bool number_equal(json_t *a, json_t *b)
{
	if (json_is_integer(a) && json_is_integer(b))
		return json_integer_value(a) == json_integer_value(b);
	return json_number_value(a) == json_number_value(b);
}

/* JSON equality where 1 and 1.0 are the same number, at any depth. */
static bool same_value(json_t *a, json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return number_equal(a, b);
	if (json_typeof(a) != json_typeof(b))
		return false;
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!same_value(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	}
	if (json_is_object(a)) {
		if (json_object_size(a) != json_object_size(b))
			return false;
		const char *key;
		json_t *v;
		json_object_foreach(a, key, v)
		{
			json_t *w = json_object_get(b, key);
			if (!w || !same_value(v, w))
				return false;
		}
		return true;
	}
	return json_equal(a, b);
}
/* ---- generic and JSON ---- */
/* A States.Format value as AWS writes it: strings bare, numbers and literals as JSON, and
 * objects and arrays as Java's Map and List toString (`{Arg1=1, Arg2=[]}`, `[a, b]`, their
 * strings bare too). Recorded on AWS: an object argument {"Arg1": 1, "Arg2": []} gave
 * "{Arg1=1, Arg2=[]}", $$.StateMachine gave "{Id=arn:..., Name=...}" (localstack
 * test_generic snapshot, test_format_2 and test_context_json_path, 2023-11). */
static void format_value(struct strbuf *sb, json_t *v)
{
	const char *key;
	json_t *child;
	size_t i;
	if (json_is_string(v)) {
		sb_add(sb, json_string_value(v));
	} else if (json_is_object(v)) {
		sb_addc(sb, '{');
		i = 0;
		json_object_foreach(v, key, child)
		{
			sb_add(sb, i++ ? ", " : "");
			sb_add(sb, key);
			sb_addc(sb, '=');
			format_value(sb, child);
		}
		sb_addc(sb, '}');
	} else if (json_is_array(v)) {
		sb_addc(sb, '[');
		json_array_foreach(v, i, child)
		{
			sb_add(sb, i ? ", " : "");
			format_value(sb, child);
		}
		sb_addc(sb, ']');
	} else {
		char *s = flow_json_text(v);
		sb_add(sb, s);
		free(s);
	}
}

static json_t *fn_format(struct call *k)
{
	if (!icall_string(k, 0))
		return NULL;
	/* A literal template keeps its escapes so that \{ is not a placeholder. */
	const struct farg *a0 = &k->c->args.items[0];
	const char *t = a0->kind == FA_STRING ? a0->raw : json_string_value(k->args[0]);
	bool escapes = a0->kind == FA_STRING;
	size_t holes = 0;
	for (const char *q = t; *q; q++) {
		if (escapes && *q == '\\' && q[1])
			q++;
		else if (q[0] == '{' && q[1] == '}')
			holes++, q++;
	}
	if (holes != k->n - 1) {
		flow_error_set(k->err, FAILURE,
			       "Invalid arguments of %s: the format string has %zu placeholder(s) "
			       "but %zu value(s) follow it",
			       k->c->name, holes, k->n - 1);
		return NULL;
	}
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "");
	size_t next = 1;
	for (const char *q = t; *q; q++) {
		if (escapes && *q == '\\' && q[1]) {
			sb_addc(&sb, *++q);
		} else if (q[0] == '{' && q[1] == '}') {
			format_value(&sb, k->args[next++]);
			q++;
		} else {
			sb_addc(&sb, *q);
		}
	}
	json_t *out = json_string(sb_str(&sb));
	sb_fini(&sb);
	return out;
}

static json_t *fn_string_to_json(struct call *k)
{
	if (!icall_string(k, 0))
		return NULL;
	/* Text with no JSON value in it gives null, recorded on AWS for "" and " " (localstack
	 * test_json_manipulation snapshot, test_string_to_json, 2023-02). */
	const char *text = json_string_value(k->args[0]);
	if (text[strspn(text, " \t\r\n")] == '\0')
		return json_null();
	json_error_t je;
	json_t *v = json_loads(json_string_value(k->args[0]), JSON_DECODE_ANY, &je);
	if (!v)
		return icall_fail(k, 0, "not valid JSON text (%s at column %d)", je.text,
				  je.column);
	return v;
}

static json_t *fn_json_to_string(struct call *k)
{
	char *s = flow_json_text(k->args[0]);
	json_t *out = json_string(s);
	free(s);
	return out;
}

static json_t *fn_json_merge(struct call *k)
{
	for (size_t i = 0; i < 2; i++)
		if (!json_is_object(k->args[i]))
			return icall_fail(k, i, "expected an object");
	if (!json_is_boolean(k->args[2]))
		return icall_fail(k, 2, "expected a boolean");
	if (json_is_true(k->args[2]))
		return icall_fail(k, 2, "deep merging (true) is not supported; use false");
	/* A new object: the operands are shared values and must not change. */
	json_t *out = json_copy(k->args[0]);
	json_object_update(out, k->args[1]);
	return out;
}

/* ---- arrays ---- */
static json_t *fn_array(struct call *k)
{
	json_t *out = json_array();
	for (size_t i = 0; i < k->n; i++)
		json_array_append(out, k->args[i]);
	return out;
}

static json_t *fn_array_partition(struct call *k)
{
	long long size;
	if (!icall_array(k, 0) || !icall_int(k, 1, &size))
		return NULL;
	if (size <= 0)
		return icall_fail(k, 1, "the chunk size must be a positive integer, got %lld",
				  size);
	json_t *out = json_array(), *chunk = NULL;
	size_t i;
	json_t *v;
	json_array_foreach(k->args[0], i, v)
	{
		if (i % (size_t)size == 0) {
			chunk = json_array();
			json_array_append_new(out, chunk);
		}
		json_array_append(chunk, v);
	}
	return out;
}

static json_t *fn_array_contains(struct call *k)
{
	if (!icall_array(k, 0))
		return NULL;
	size_t i;
	json_t *v;
	json_array_foreach(k->args[0], i, v) if (same_value(v, k->args[1])) return json_true();
	return json_false();
}

static json_t *fn_array_range(struct call *k)
{
	long long from, to, step;
	if (!icall_int(k, 0, &from) || !icall_int(k, 1, &to) || !icall_int(k, 2, &step))
		return NULL;
	if (step == 0)
		return icall_fail(k, 2, "the step must not be 0");
	/* Estimated in floating point first: to - from may not fit in 64 bits. */
	double estimate = ((double)to - (double)from) / (double)step + 1;
	if (estimate > MAX_RANGE_ITEMS + 1)
		return icall_fail(k, 2, "the range would have more than %d items", MAX_RANGE_ITEMS);
	uint64_t count = 0;
	if (estimate >= 1) {
		/* Exact count in unsigned arithmetic (the difference may exceed INT64_MAX). */
		uint64_t dist =
		    step > 0 ? (uint64_t)to - (uint64_t)from : (uint64_t)from - (uint64_t)to;
		uint64_t ustep = step > 0 ? (uint64_t)step : 0 - (uint64_t)step;
		count = dist / ustep + 1;
	}
	if (count > MAX_RANGE_ITEMS)
		return icall_fail(k, 2, "the range would have more than %d items", MAX_RANGE_ITEMS);
	json_t *out = json_array();
	for (uint64_t i = 0; i < count; i++)
		json_array_append_new(
		    out, json_integer((json_int_t)((uint64_t)from + i * (uint64_t)step)));
	return out;
}

static json_t *fn_array_get_item(struct call *k)
{
	long long idx;
	if (!icall_array(k, 0) || !icall_int(k, 1, &idx))
		return NULL;
	if (idx < 0 || (size_t)idx >= json_array_size(k->args[0]))
		return icall_fail(k, 1, "index %lld is out of bounds for an array of %zu item(s)",
				  idx, json_array_size(k->args[0]));
	return json_incref(json_array_get(k->args[0], (size_t)idx));
}

static json_t *fn_array_length(struct call *k)
{
	if (!icall_array(k, 0))
		return NULL;
	return json_integer((json_int_t)json_array_size(k->args[0]));
}

static json_t *fn_array_unique(struct call *k)
{
	if (!icall_array(k, 0))
		return NULL;
	json_t *out = json_array();
	size_t i, j;
	json_t *v, *w;
	json_array_foreach(k->args[0], i, v)
	{
		bool seen = false;
		json_array_foreach(out, j, w) if ((seen = same_value(v, w))) break;
		if (!seen)
			json_array_append(out, v);
	}
	return out;
}

static const struct intrinsic {
	const char *name;
	size_t min, max;
	intrinsic_fn fn;
} intrinsics[] = {
    {"States.Format", 1, SIZE_MAX, fn_format},
    {"States.StringToJson", 1, 1, fn_string_to_json},
    {"States.JsonToString", 1, 1, fn_json_to_string},
    {"States.Array", 0, SIZE_MAX, fn_array},
    {"States.ArrayPartition", 2, 2, fn_array_partition},
    {"States.ArrayContains", 2, 2, fn_array_contains},
    {"States.ArrayRange", 3, 3, fn_array_range},
    {"States.ArrayGetItem", 2, 2, fn_array_get_item},
    {"States.ArrayLength", 1, 1, fn_array_length},
    {"States.ArrayUnique", 1, 1, fn_array_unique},
    {"States.Base64Encode", 1, 1, intrinsic_base64_encode},
    {"States.Base64Decode", 1, 1, intrinsic_base64_decode},
    {"States.Hash", 2, 2, intrinsic_hash},
    {"States.JsonMerge", 3, 3, fn_json_merge},
    {"States.MathRandom", 2, 3, intrinsic_math_random},
    {"States.MathAdd", 2, 2, intrinsic_math_add},
    {"States.StringSplit", 2, 2, intrinsic_string_split},
    {"States.UUID", 0, 0, intrinsic_uuid},
};

static const struct intrinsic *find(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(intrinsics); i++)
		if (strcmp(intrinsics[i].name, name) == 0)
			return &intrinsics[i];
	return NULL;
}

static char *arity_problem(const struct intrinsic *f, size_t n)
{
	if (n >= f->min && n <= f->max)
		return NULL;
	if (f->min == f->max)
		return xasprintf("%s takes %zu argument(s), got %zu", f->name, f->min, n);
	if (f->max == SIZE_MAX)
		return xasprintf("%s takes at least %zu argument(s), got %zu", f->name, f->min, n);
	return xasprintf("%s takes %zu to %zu arguments, got %zu", f->name, f->min, f->max, n);
}

char *fcall_check(const struct fcall *c, size_t *offset)
{
	const struct intrinsic *f = find(c->name);
	if (!f) {
		const char *names[ARRAY_LEN(intrinsics)];
		for (size_t i = 0; i < ARRAY_LEN(intrinsics); i++)
			names[i] = intrinsics[i].name;
		const char *near = str_suggest(c->name, names, ARRAY_LEN(names));
		*offset = c->offset;
		return near ? xasprintf("unknown intrinsic function %s (did you mean %s?)", c->name,
					near)
			    : xasprintf("unknown intrinsic function %s", c->name);
	}
	char *msg = arity_problem(f, c->args.len);
	if (msg) {
		*offset = c->offset;
		return msg;
	}
	for (size_t i = 0; i < c->args.len; i++) {
		if (c->args.items[i].kind == FA_CALL &&
		    (msg = fcall_check(c->args.items[i].call, offset)) != NULL)
			return msg;
	}
	return NULL;
}

static json_t *arg_value(const struct fcall *c, size_t i, json_t *input, const struct flow_env *env,
			 struct flow_error *err)
{
	const struct farg *a = &c->args.items[i];
	switch (a->kind) {
	case FA_STRING: {
		char *s = farg_unescape(a->raw);
		json_t *v = json_string(s);
		free(s);
		if (!v)
			flow_error_set(err, FAILURE, "Argument %zu of %s is not valid UTF-8", i + 1,
				       c->name);
		return v;
	}
	case FA_PATH: {
		char *why = NULL;
		json_t *v = fpath_eval(a->path, input, NULL, env, &why);
		if (!v && fpath_over_budget(why))
			flow_error_set(err, "States.Runtime", "Invalid argument %zu of %s: %s",
				       i + 1, c->name, why);
		else if (!v) {
			/* States.Runtime (not caught), as recorded on AWS; flow_intrinsic puts
			 * "The function '<whole call>' had the following error: " before it. */
			json_t *seen = a->path->root == FROOT_CONTEXT && env ? env->context : input;
			char *shown = flow_dump(seen, 2000);
			flow_error_set(err, "States.Runtime",
				       "%s'%s' could not be found in the input "
				       "'%s'",
				       FCALL_MISSING_ARG, a->path_text, shown);
			free(shown);
		}
		free(why);
		return v;
	}
	case FA_CALL:
		return fcall_eval(a->call, input, env, err);
	default:
		return json_incref(a->value);
	}
}

json_t *fcall_eval(const struct fcall *c, json_t *input, const struct flow_env *env,
		   struct flow_error *err)
{
	const struct intrinsic *f = find(c->name);
	char *msg = f ? arity_problem(f, c->args.len) : xasprintf("unknown function %s", c->name);
	if (msg) {
		flow_error_set(err, FAILURE, "%s", msg);
		free(msg);
		return NULL;
	}
	json_t **args = xcalloc(c->args.len + 1, sizeof(*args));
	json_t *out = NULL;
	size_t got = 0;
	for (; got < c->args.len; got++)
		if (!(args[got] = arg_value(c, got, input, env, err)))
			break;
	if (got == c->args.len) {
		struct call k = {.c = c, .args = args, .n = got, .env = env, .err = err};
		out = f->fn(&k);
	}
	for (size_t i = 0; i < got; i++)
		json_decref(args[i]);
	free(args);
	return out;
}
