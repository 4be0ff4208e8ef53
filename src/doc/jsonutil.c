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
