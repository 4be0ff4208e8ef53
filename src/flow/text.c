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
#include <stdint.h>
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

/* Whether any of the 8 bytes in w is below 0x20, '"' or '\\' (the bytes put_string escapes). */
static bool word_has_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
	uint64_t below = (w - ones * 0x20) & ~w;
	uint64_t quote = (q - ones) & ~q, bslash = (b - ones) & ~b;
	return ((below | quote | bslash) & highs) != 0;
}

/* Length of put_string's output for s, without writing it. Most bytes need no escape: eight at
 * a time are checked for any that does. */
size_t flow_string_size(const char *s, size_t n)
{
	size_t len = 2 + n, i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (word_has_special(w))
			break;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' ||
		    c == '\f')
			len += 1;
		else
			len += 5; /* \u00XX */
	}
	return len;
}

/* Digits of an integer as put writes it (JSON_INTEGER_FORMAT, a sign when negative). */
static size_t integer_size(json_int_t i)
{
	unsigned long long u = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
	size_t n = i < 0 ? 2 : 1;
	while (u >= 10) {
		u /= 10;
		n++;
	}
	return n;
}

static size_t scalar_size(json_t *v)
{
	struct strbuf sb;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return flow_string_size(json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return integer_size(json_integer_value(v));
	case JSON_TRUE:
	case JSON_NULL:
		return 4;
	case JSON_FALSE:
		return 5;
	default: /* reals: rare, written out */
		sb_init(&sb);
		put(&sb, v);
		size_t n = sb.len;
		sb_fini(&sb);
		return n;
	}
}

/*
 * Adds the length of v's text (exactly as put writes it) to *total, stopping as soon as it
 * passes limit: measuring a large Map result must not mean writing it out, which dominated
 * the simulator's time.
 */
static bool add_size(json_t *v, size_t limit, size_t *total)
{
	json_t *item;
	size_t i = 0;
	if (json_is_object(v)) {
		*total += 2;
		for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
			const char *key = json_object_iter_key(it); /* put stops at a NUL too */
			*total += (i++ ? 1 : 0) + 1 + flow_string_size(key, strlen(key));
			if (*total > limit || !add_size(json_object_iter_value(it), limit, total))
				return false;
		}
	} else if (json_is_array(v)) {
		*total += 2;
		json_array_foreach(v, i, item)
		{
			*total += i ? 1 : 0;
			if (*total > limit || !add_size(item, limit, total))
				return false;
		}
	} else {
		*total += scalar_size(v);
	}
	return *total <= limit;
}

size_t flow_json_size(json_t *v)
{
	size_t total = 0;
	add_size(v, SIZE_MAX, &total);
	return total;
}

size_t flow_json_size_upto(json_t *v, size_t max)
{
	size_t total = 0;
	add_size(v, max, &total);
	return total;
}

bool flow_exceeds_limit(json_t *v)
{
	size_t total = 0;
	return !add_size(v, FLOW_PAYLOAD_LIMIT, &total);
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
