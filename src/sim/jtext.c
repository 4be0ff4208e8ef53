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

static void out1(struct strbuf *sb, char c)
{
	*sb_reserve(sb, 1) = c;
	sb->data[++sb->len] = '\0';
}

static void out(struct strbuf *sb, const char *s, size_t n)
{
	char *p = sb_reserve(sb, n);
	memcpy(p, s, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

/* The escape of byte c (NULL when it stands for itself), as jansson writes it: `"`, `\` and
 * control characters (\b \f \n \r \t, else \u00XX). */
static const char *escape_of(unsigned char c, char buf[8])
{
	if (c >= 0x20 && c != '"' && c != '\\')
		return NULL;
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	default:
		snprintf(buf, 8, "\\u%04X", c);
		return buf;
	}
}

/* Bytes that stand for themselves inside a JSON string. */
#define PLAIN(c)   ((c) >= 0x20 && (c) != '"' && (c) != '\\')
#define PLAIN4(c)  PLAIN(c), PLAIN((c) + 1), PLAIN((c) + 2), PLAIN((c) + 3)
#define PLAIN16(c) PLAIN4(c), PLAIN4((c) + 4), PLAIN4((c) + 8), PLAIN4((c) + 12)
#define PLAIN64(c) PLAIN16(c), PLAIN16((c) + 16), PLAIN16((c) + 32), PLAIN16((c) + 48)
static const bool plain[256] = {PLAIN64(0), PLAIN64(64), PLAIN64(128), PLAIN64(192)};

/* Escapes s[0..n) as inside a JSON string; `twice`: the escaped text escaped again (a string
 * inside a string). Room for the worst case is made once: an escape is at most 6 bytes, 7
 * once escaped again. */
static void escape(struct strbuf *sb, const char *s, size_t n, bool twice)
{
	char *p = sb_reserve(sb, 7 * n), *start = p;
	const unsigned char *in = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = in[i];
		if (plain[c]) {
			*p++ = (char)c;
			continue;
		}
		char buf[8];
		for (const char *q = escape_of(c, buf); *q; q++) {
			if (twice && (*q == '\\' || *q == '"'))
				*p++ = '\\';
			*p++ = *q;
		}
	}
	sb->len += (size_t)(p - start);
	sb->data[sb->len] = '\0';
}

void sim_json_escape(struct strbuf *sb, const char *s, size_t n)
{
	escape(sb, s, n, false);
}

static void out_string(struct strbuf *sb, const char *s, size_t n, bool quoted)
{
	if (quoted)
		out(sb, "\\\"", 2);
	else
		out1(sb, '"');
	escape(sb, s, n, quoted);
	if (quoted)
		out(sb, "\\\"", 2);
	else
		out1(sb, '"');
}

/* Decimal digits of v (jansson: "%lld"). */
static void out_integer(struct strbuf *sb, json_int_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	out(sb, p, (size_t)(buf + sizeof(buf) - p));
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
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		out1(sb, '{');
		bool first = true;
		for (void *it = json_object_iter((json_t *)v); it;
		     it = json_object_iter_next((json_t *)v, it)) {
			if (!first)
				out1(sb, ',');
			first = false;
			out_string(sb, json_object_iter_key(it), json_object_iter_key_len(it),
				   quoted);
			out1(sb, ':');
			add_value(sb, json_object_iter_value(it), quoted);
		}
		out1(sb, '}');
		break;
	}
	case JSON_ARRAY: {
		out1(sb, '[');
		size_t n = json_array_size(v);
		for (size_t i = 0; i < n; i++) {
			if (i)
				out1(sb, ',');
			add_value(sb, json_array_get(v, i), quoted);
		}
		out1(sb, ']');
		break;
	}
	case JSON_STRING:
		out_string(sb, json_string_value(v), json_string_length(v), quoted);
		break;
	case JSON_INTEGER:
		out_integer(sb, json_integer_value(v));
		break;
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
