/*
 * The payload limit without serializing: the exact length of a value's compact JSON text
 * (as jansson writes it) is summed while walking it, stopping as soon as the limit is
 * passed. Serializing every state's result just to measure it dominated the simulator's
 * time on large Maps.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Length of a string's JSON form: quotes and escapes; UTF-8 is kept as is by jansson. */
static size_t string_size(const char *s, size_t n)
{
	size_t len = 2;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' ||
		    c == '\t')
			len += 2;
		else if (c < 0x20)
			len += 6; /* \u00XX */
		else
			len += 1;
	}
	return len;
}

static size_t scalar_size(json_t *v)
{
	char buf[32];
	switch (json_typeof(v)) {
	case JSON_STRING:
		return string_size(json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return (size_t)snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
					json_integer_value(v));
	case JSON_TRUE:
	case JSON_NULL:
		return 4;
	case JSON_FALSE:
		return 5;
	default: {
		/* Reals are rare: let jansson format them. */
		size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
		return n;
	}
	}
}

/* Adds v's size to *total; false as soon as it passes limit. */
static bool add_size(json_t *v, size_t limit, size_t *total)
{
	if (json_is_object(v)) {
		*total += 2;
		const char *k;
		json_t *child;
		size_t i = 0;
		json_object_foreach(v, k, child)
		{
			*total += (i++ ? 1 : 0) + string_size(k, strlen(k)) + 1;
			if (*total > limit || !add_size(child, limit, total))
				return false;
		}
	} else if (json_is_array(v)) {
		*total += 2;
		size_t i;
		json_t *child;
		json_array_foreach(v, i, child)
		{
			*total += i ? 1 : 0;
			if (*total > limit || !add_size(child, limit, total))
				return false;
		}
	} else {
		*total += scalar_size(v);
	}
	return *total <= limit;
}

bool sim_too_big(json_t *v)
{
	size_t total = 0;
	return !add_size(v, FLOW_PAYLOAD_LIMIT, &total);
}

size_t sim_json_size(json_t *v)
{
	size_t total = 0;
	add_size(v, SIZE_MAX, &total);
	return total;
}
