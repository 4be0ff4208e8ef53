/*
 * Compact JSON text, byte for byte what jansson's json_dumps(JSON_COMPACT | JSON_ENCODE_ANY)
 * writes (insertion key order, `%lld` integers, reals as `%.17g` with a `.0` added when
 * needed and the exponent's `+` and leading zeros dropped, the same string escapes), written
 * straight into a string builder. json_dumps pays per container for its cycle check (a
 * formatted pointer key in a hash table); a Distributed Map writes the text of every child's
 * events and results, where that was most of the time. Values are trees, never cycles.
 *
 * `quoted` writes the text as the contents of a JSON string (a ResultWriter record holds each
 * input and output as a string), escaping as it goes: the value is walked once.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* Escapes s[0..n) as inside a JSON string, as jansson does: `"`, `\` and control characters
 * (\b \f \n \r \t, else \u00XX), everything else verbatim; `twice`: the escaped text is
 * escaped again (a string inside a string). */
static void escape(struct strbuf *sb, const char *s, size_t n, bool twice)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		sb_addn(sb, s + run, i - run);
		run = i + 1;
		char esc[8] = {'\\', 0, 0};
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04X", c);
			break;
		}
		if (twice)
			escape(sb, esc, strlen(esc), false);
		else
			sb_add(sb, esc);
	}
	sb_addn(sb, s + run, n - run);
}

void sim_json_escape(struct strbuf *sb, const char *s, size_t n)
{
	escape(sb, s, n, false);
}

static void out(struct strbuf *sb, const char *s, size_t n)
{
	sb_addn(sb, s, n);
}

static void out_string(struct strbuf *sb, const char *s, size_t n, bool quoted)
{
	sb_add(sb, quoted ? "\\\"" : "\"");
	escape(sb, s, n, quoted);
	sb_add(sb, quoted ? "\\\"" : "\"");
}

/* jansson's jsonp_dtostr with its default precision of 17. */
static void out_real(struct strbuf *sb, double v)
{
	char buf[40];
	int len = snprintf(buf, sizeof(buf) - 3, "%.17g", v);
	if (len < 0)
		return;
	if (!strchr(buf, '.') && !strchr(buf, 'e')) {
		memcpy(buf + len, ".0", 3);
		len += 2;
	}
	char *start = strchr(buf, 'e');
	if (start) {
		start++;
		char *end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, (size_t)len - (size_t)(end - buf) + 1);
			len -= (int)(end - start);
		}
	}
	out(sb, buf, (size_t)len);
}

static void add_value(struct strbuf *sb, const json_t *v, bool quoted)
{
	char buf[32];
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		out(sb, "{", 1);
		bool first = true;
		for (void *it = json_object_iter((json_t *)v); it;
		     it = json_object_iter_next((json_t *)v, it)) {
			if (!first)
				out(sb, ",", 1);
			first = false;
			out_string(sb, json_object_iter_key(it), json_object_iter_key_len(it),
				   quoted);
			out(sb, ":", 1);
			add_value(sb, json_object_iter_value(it), quoted);
		}
		out(sb, "}", 1);
		break;
	}
	case JSON_ARRAY: {
		out(sb, "[", 1);
		size_t n = json_array_size(v);
		for (size_t i = 0; i < n; i++) {
			if (i)
				out(sb, ",", 1);
			add_value(sb, json_array_get(v, i), quoted);
		}
		out(sb, "]", 1);
		break;
	}
	case JSON_STRING:
		out_string(sb, json_string_value(v), json_string_length(v), quoted);
		break;
	case JSON_INTEGER: {
		int n = snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		out(sb, buf, (size_t)n);
		break;
	}
	case JSON_REAL:
		out_real(sb, json_real_value(v));
		break;
	case JSON_TRUE:
		out(sb, "true", 4);
		break;
	case JSON_FALSE:
		out(sb, "false", 5);
		break;
	case JSON_NULL:
		out(sb, "null", 4);
		break;
	}
}

void sim_json_append(struct strbuf *sb, const json_t *v, bool quoted)
{
	add_value(sb, v ? v : json_null(), quoted);
}
