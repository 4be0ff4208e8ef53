/*
 * Compact JSON text as Step Functions writes payloads: no spaces, members in order, UTF-8
 * kept, and real numbers in their shortest form that reads back to the same double (0.1, not
 * jansson's 0.10000000000000001). Used by States.JsonToString, States.Format, payload sizes
 * and error messages.
 */
#include "flow/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_real(struct strbuf *sb, double d)
{
	if (!isfinite(d)) {
		sb_add(sb, "null"); /* JSON has no NaN or infinity */
		return;
	}
	char buf[40];
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, sizeof(buf), "%.*g", p, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	/* 1e+20 → 1e20, 1e-07 → 1e-7, as jansson writes exponents. */
	char out[48];
	size_t o = 0;
	for (const char *q = buf; *q; q++) {
		out[o++] = *q;
		if (*q == 'e') {
			q++;
			if (*q == '-')
				out[o++] = *q++;
			else if (*q == '+')
				q++;
			while (*q == '0' && q[1])
				q++;
			while (*q)
				out[o++] = *q++;
			break;
		}
	}
	out[o] = '\0';
	sb_add(sb, out);
	/* Keep it a real: 3.0 stays 3.0, not the integer 3. */
	if (!strpbrk(out, ".e"))
		sb_add(sb, ".0");
}

static void put_string(struct strbuf *sb, const char *s, size_t n)
{
	sb_addc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			sb_add(sb, "\\\"");
			break;
		case '\\':
			sb_add(sb, "\\\\");
			break;
		case '\n':
			sb_add(sb, "\\n");
			break;
		case '\r':
			sb_add(sb, "\\r");
			break;
		case '\t':
			sb_add(sb, "\\t");
			break;
		case '\b':
			sb_add(sb, "\\b");
			break;
		case '\f':
			sb_add(sb, "\\f");
			break;
		default:
			if (c < 0x20)
				sb_addf(sb, "\\u%04x", c);
			else
				sb_addc(sb, (char)c);
		}
	}
	sb_addc(sb, '"');
}

static void put(struct strbuf *sb, json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		sb_addc(sb, '{');
		i = 0;
		json_object_foreach(v, key, item)
		{
			if (i++)
				sb_addc(sb, ',');
			put_string(sb, key, strlen(key));
			sb_addc(sb, ':');
			put(sb, item);
		}
		sb_addc(sb, '}');
		break;
	case JSON_ARRAY:
		sb_addc(sb, '[');
		json_array_foreach(v, i, item)
		{
			if (i)
				sb_addc(sb, ',');
			put(sb, item);
		}
		sb_addc(sb, ']');
		break;
	case JSON_STRING:
		put_string(sb, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		sb_addf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		put_real(sb, json_real_value(v));
		break;
	case JSON_TRUE:
		sb_add(sb, "true");
		break;
	case JSON_FALSE:
		sb_add(sb, "false");
		break;
	default:
		sb_add(sb, "null");
	}
}

char *flow_json_text(json_t *v)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "");
	if (v)
		put(&sb, v);
	return sb_take(&sb);
}

bool flow_exceeds_limit(json_t *v)
{
	char *s = flow_json_text(v);
	bool over = strlen(s) > FLOW_PAYLOAD_LIMIT;
	free(s);
	return over;
}

char *flow_dump(json_t *v, size_t max)
{
	char *s = flow_json_text(v);
	size_t n = strlen(s);
	if (n > max && max > 3) {
		/* Do not cut a UTF-8 sequence in half. */
		size_t cut = max - 3;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
		memcpy(s + cut, "...", 4);
	}
	return s;
}
