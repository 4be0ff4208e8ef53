/*
 * Small jansson helpers every module uses (doc.h): the pool hook, text for free(), and the
 * words messages use for a value's type. They live here rather than in base/, which uses libc
 * only.
 */
#include "doc.h"

bool doc_use_pool(void)
{
	if (!pool_init())
		return false;
	json_set_alloc_funcs(pool_malloc, pool_free);
	return true;
}

static int dump_to_strbuf(const char *buf, size_t size, void *data)
{
	sb_addn(data, buf, size);
	return 0;
}

char *doc_dumps(const json_t *v, size_t flags)
{
	struct strbuf sb;
	sb_init(&sb);
	if (json_dump_callback(v, dump_to_strbuf, &sb, flags) != 0) {
		sb_fini(&sb);
		return NULL;
	}
	return sb_take(&sb);
}

static bool has_real(const json_t *v)
{
	if (json_is_real(v))
		return true;
	const char *k;
	json_t *m;
	size_t i;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, m)
			if (has_real(m))
				return true;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, m)
			if (has_real(m))
				return true;
	}
	return false;
}

char *doc_dumps_short(const json_t *v, size_t flags)
{
	if (!has_real(v))
		return doc_dumps(v, flags);
	/* One precision for the whole text: the first that gives back every double. */
	for (int precision = 15; precision <= 16; precision++) {
		char *shorter = doc_dumps(v, flags | JSON_REAL_PRECISION(precision));
		json_t *back = shorter ? json_loads(shorter, JSON_DECODE_ANY, NULL) : NULL;
		bool same = back && json_equal(back, v);
		json_decref(back);
		if (same)
			return shorter;
		free(shorter);
	}
	return doc_dumps(v, flags);
}

const char *doc_type_phrase(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}
