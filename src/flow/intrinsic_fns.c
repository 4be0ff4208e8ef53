/*
 * The intrinsic functions themselves. Every failure is States.IntrinsicFailure with a cause
 * naming the function and the argument. Numbers that must be integers are rounded to the
 * nearest integer, as the documentation says for ArrayPartition, ArrayRange, MathRandom and
 * MathAdd; integers stay JSON integers.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
#include "flow/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#define FAILURE "States.IntrinsicFailure"
/* Base64Encode, Base64Decode and Hash accept at most this many characters. */
#define MAX_TEXT_CHARS	10000
#define MAX_RANGE_ITEMS 1000

struct call {
	const struct fcall *c;
	json_t **args;
	size_t n;
	const struct flow_env *env;
	struct flow_error *err;
};

typedef json_t *(*intrinsic_fn)(struct call *k);

static json_t *fail_arg(struct call *k, size_t i, const char *fmt, ...) PRINTF_LIKE(3, 4);
static json_t *fail_arg(struct call *k, size_t i, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *what = xvasprintf(fmt, ap);
	va_end(ap);
	flow_error_set(k->err, FAILURE, "Invalid argument %zu of %s: %s", i + 1, k->c->name, what);
	free(what);
	return NULL;
}

static bool want_string(struct call *k, size_t i)
{
	if (json_is_string(k->args[i]))
		return true;
	fail_arg(k, i, "expected a string");
	return false;
}

static bool want_array(struct call *k, size_t i)
{
	if (json_is_array(k->args[i]))
		return true;
	fail_arg(k, i, "expected an array");
	return false;
}

/* An integer argument; a real is rounded to the nearest integer (half away from zero). */
static bool want_int(struct call *k, size_t i, long long *out)
{
	json_t *v = k->args[i];
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if (json_is_real(v) && fabs(json_real_value(v)) < 9e18) {
		*out = llround(json_real_value(v));
		return true;
	}
	fail_arg(k, i, "expected an integer");
	return false;
}

static size_t utf8_chars(const char *s)
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
static void format_value(struct strbuf *sb, json_t *v)
{
	if (json_is_string(v)) {
		sb_add(sb, json_string_value(v));
		return;
	}
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	sb_add(sb, s ? s : "");
	free(s);
}

static json_t *fn_format(struct call *k)
{
	if (!want_string(k, 0))
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
	for (size_t i = 1; i < k->n; i++) {
		if (json_is_object(k->args[i]) || json_is_array(k->args[i]))
			return fail_arg(k, i, "expected a string, number, boolean or null");
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
	if (!want_string(k, 0))
		return NULL;
	json_error_t je;
	json_t *v = json_loads(json_string_value(k->args[0]), JSON_DECODE_ANY, &je);
	if (!v)
		return fail_arg(k, 0, "not valid JSON text (%s at column %d)", je.text, je.column);
	return v;
}

static json_t *fn_json_to_string(struct call *k)
{
	char *s = json_dumps(k->args[0], JSON_COMPACT | JSON_ENCODE_ANY);
	json_t *out = json_string(s ? s : "");
	free(s);
	return out;
}

static json_t *fn_json_merge(struct call *k)
{
	for (size_t i = 0; i < 2; i++)
		if (!json_is_object(k->args[i]))
			return fail_arg(k, i, "expected an object");
	if (!json_is_boolean(k->args[2]))
		return fail_arg(k, 2, "expected a boolean");
	if (json_is_true(k->args[2]))
		return fail_arg(k, 2, "deep merging (true) is not supported; use false");
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
	if (!want_array(k, 0) || !want_int(k, 1, &size))
		return NULL;
	if (size <= 0)
		return fail_arg(k, 1, "the chunk size must be a positive integer, got %lld", size);
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
	if (!want_array(k, 0))
		return NULL;
	size_t i;
	json_t *v;
	json_array_foreach(k->args[0], i, v) if (same_value(v, k->args[1])) return json_true();
	return json_false();
}

static json_t *fn_array_range(struct call *k)
{
	long long from, to, step;
	if (!want_int(k, 0, &from) || !want_int(k, 1, &to) || !want_int(k, 2, &step))
		return NULL;
	if (step == 0)
		return fail_arg(k, 2, "the step must not be 0");
	long long count = (to - from) / step + 1;
	if ((step > 0 && from > to) || (step < 0 && from < to))
		count = 0;
	if (count > MAX_RANGE_ITEMS)
		return fail_arg(k, 2, "the range would have %lld items, more than %d", count,
				MAX_RANGE_ITEMS);
	json_t *out = json_array();
	for (long long i = 0; i < count; i++)
		json_array_append_new(out, json_integer(from + i * step));
	return out;
}

static json_t *fn_array_get_item(struct call *k)
{
	long long idx;
	if (!want_array(k, 0) || !want_int(k, 1, &idx))
		return NULL;
	if (idx < 0 || (size_t)idx >= json_array_size(k->args[0]))
		return fail_arg(k, 1, "index %lld is out of bounds for an array of %zu item(s)",
				idx, json_array_size(k->args[0]));
	return json_incref(json_array_get(k->args[0], (size_t)idx));
}

static json_t *fn_array_length(struct call *k)
{
	if (!want_array(k, 0))
		return NULL;
	return json_integer((json_int_t)json_array_size(k->args[0]));
}

static json_t *fn_array_unique(struct call *k)
{
	if (!want_array(k, 0))
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

/* ---- encoding, hashing ---- */
static bool want_text(struct call *k, size_t i)
{
	if (!want_string(k, i))
		return false;
	size_t chars = utf8_chars(json_string_value(k->args[i]));
	if (chars <= MAX_TEXT_CHARS)
		return true;
	fail_arg(k, i, "the string has %zu characters, more than %d", chars, MAX_TEXT_CHARS);
	return false;
}

static json_t *fn_base64_encode(struct call *k)
{
	if (!want_text(k, 0))
		return NULL;
	const char *s = json_string_value(k->args[0]);
	size_t n = json_string_length(k->args[0]);
	unsigned char *buf = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock(buf, (const unsigned char *)s, (int)n);
	json_t *out = json_string((char *)buf);
	free(buf);
	return out;
}

static json_t *fn_base64_decode(struct call *k)
{
	if (!want_text(k, 0))
		return NULL;
	const char *s = json_string_value(k->args[0]);
	size_t n = json_string_length(k->args[0]);
	if (n % 4 != 0)
		return fail_arg(k, 0, "not valid Base64 (its length is not a multiple of 4)");
	unsigned char *buf = xmalloc(n / 4 * 3 + 1);
	int len = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)n);
	json_t *out = NULL;
	if (len < 0) {
		fail_arg(k, 0, "not valid Base64");
	} else {
		/* EVP_DecodeBlock counts the padding as zero bytes; drop them. */
		for (size_t p = n; p > 0 && s[p - 1] == '=' && len > 0; p--)
			len--;
		out = json_stringn((char *)buf, (size_t)len);
		if (!out)
			fail_arg(k, 0, "the decoded data is not valid UTF-8 text");
	}
	free(buf);
	return out;
}

static const struct {
	const char *name, *openssl;
} hash_algos[] = {{"MD5", "MD5"},
		  {"SHA-1", "SHA1"},
		  {"SHA-256", "SHA256"},
		  {"SHA-384", "SHA384"},
		  {"SHA-512", "SHA512"}};

static json_t *fn_hash(struct call *k)
{
	if (!want_text(k, 0) || !want_string(k, 1))
		return NULL;
	const char *algo = json_string_value(k->args[1]);
	const EVP_MD *md = NULL;
	for (size_t i = 0; i < ARRAY_LEN(hash_algos); i++)
		if (strcmp(algo, hash_algos[i].name) == 0)
			md = EVP_get_digestbyname(hash_algos[i].openssl);
	if (!md)
		return fail_arg(k, 1,
				"unknown algorithm '%s' (use MD5, SHA-1, SHA-256, SHA-384 or "
				"SHA-512)",
				algo);
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (!EVP_Digest(json_string_value(k->args[0]), json_string_length(k->args[0]), digest, &len,
			md, NULL))
		return fail_arg(k, 1, "the digest could not be computed");
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	for (unsigned int i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	hex[2 * len] = '\0';
	return json_string(hex);
}

/* ---- math, strings, ids ---- */
static json_t *fn_math_random(struct call *k)
{
	long long from, to, seed = 0;
	if (!want_int(k, 0, &from) || !want_int(k, 1, &to))
		return NULL;
	if (k->n == 3 && !want_int(k, 2, &seed))
		return NULL;
	if (from >= to)
		return fail_arg(k, 1, "the end (%lld) must be greater than the start (%lld)", to,
				from);
	struct rng local;
	struct rng *r = k->env ? k->env->rng : NULL;
	/* The same seed gives the same number; without one, the simulation's stream. */
	if (k->n == 3 || !r) {
		rng_seed(&local, (uint64_t)seed);
		r = &local;
	}
	uint64_t span = (uint64_t)(to - from);
	return json_integer(from + (long long)rng_below(r, span));
}

static json_t *fn_math_add(struct call *k)
{
	long long a, b;
	if (!want_int(k, 0, &a) || !want_int(k, 1, &b))
		return NULL;
	for (size_t i = 0; i < 2; i++) {
		long long v = i ? b : a;
		if (v < -2147483648LL || v > 2147483647LL)
			return fail_arg(k, i, "%lld is outside -2147483648..2147483647", v);
	}
	return json_integer(a + b);
}

static json_t *fn_string_split(struct call *k)
{
	if (!want_string(k, 0) || !want_string(k, 1))
		return NULL;
	const char *s = json_string_value(k->args[0]);
	const char *delims = json_string_value(k->args[1]);
	json_t *out = json_array();
	/* Each character of the second argument is a delimiter; empty pieces are dropped. */
	while (*s) {
		size_t n = *delims ? strcspn(s, delims) : strlen(s);
		if (n > 0)
			json_array_append_new(out, json_stringn(s, n));
		s += n;
		if (*s)
			s++;
	}
	return out;
}

static json_t *fn_uuid(struct call *k)
{
	struct rng local;
	struct rng *r = k->env ? k->env->rng : NULL;
	if (!r) {
		rng_seed(&local, 0);
		r = &local;
	}
	unsigned char b[16];
	for (int i = 0; i < 2; i++) {
		uint64_t x = rng_next(r);
		for (int j = 0; j < 8; j++)
			b[i * 8 + j] = (unsigned char)(x >> (8 * j));
	}
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
	char s[37];
	snprintf(s, sizeof(s),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
	return json_string(s);
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
    {"States.Base64Encode", 1, 1, fn_base64_encode},
    {"States.Base64Decode", 1, 1, fn_base64_decode},
    {"States.Hash", 2, 2, fn_hash},
    {"States.JsonMerge", 3, 3, fn_json_merge},
    {"States.MathRandom", 2, 3, fn_math_random},
    {"States.MathAdd", 2, 2, fn_math_add},
    {"States.StringSplit", 2, 2, fn_string_split},
    {"States.UUID", 0, 0, fn_uuid},
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
		if (!v)
			flow_error_set(err, FAILURE,
				       "Invalid argument %zu of %s: the path '%s' could not be "
				       "found in the input (%s)",
				       i + 1, c->name, a->path_text, why);
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
