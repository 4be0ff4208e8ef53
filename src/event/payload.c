/*
 * Lazy payloads: a recorded payload is JSON text inside a JSON string (aws-facts a.3). Parsing
 * every one at import costs a fifth of a history import, and most are never looked at, so an
 * import keeps the text (the string jansson already decoded) and ev_payload parses it on first
 * use (log.c).
 *
 * An import must still warn about a payload that is not JSON, at import time, exactly as
 * before. This file holds the check that lets it skip the parse: a syntax walk that builds
 * nothing. It is conservative: it answers true only for text jansson surely accepts
 * (JSON_DECODE_ANY | JSON_ALLOW_NUL); anything it is unsure of (surrogate or NUL escapes, long
 * integers, big exponents, deep nesting, control bytes) answers false, and the caller parses
 * eagerly as before, so jansson alone decides what is valid and words every warning.
 */
#include "internal.h"

#include <string.h>

/* Well below jansson's JSON_PARSER_MAX_DEPTH (2048). */
#define MAX_DEPTH 512
/* An integer of at most 18 digits fits json_int_t (int64) whatever its digits. */
#define MAX_INT_DIGITS 18
/* At most 200 integer digits and a 2-digit exponent stay far below DBL_MAX (1.8e308). */
#define MAX_REAL_INT_DIGITS 200

struct walk {
	const unsigned char *p, *end;
	int depth;
};

static void ws(struct walk *w)
{
	while (w->p < w->end && (*w->p == ' ' || *w->p == '\t' || *w->p == '\n' || *w->p == '\r'))
		w->p++;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \uXXXX without a surrogate or NUL (jansson refuses lone surrogates and NUL in keys). */
static bool unicode_escape(struct walk *w)
{
	if (w->end - w->p < 4)
		return false;
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hex_value(w->p[i]);
		if (h < 0)
			return false;
		v = v * 16 + (unsigned)h;
	}
	w->p += 4;
	return v != 0 && (v < 0xD800 || v > 0xDFFF);
}

/* At '"'. Bytes >= 0x80 are accepted: the text is a jansson string, valid UTF-8. */
static bool string(struct walk *w)
{
	w->p++;
	while (w->p < w->end) {
		unsigned char c = *w->p++;
		if (c == '"')
			return true;
		if (c < 0x20)
			return false;
		if (c != '\\')
			continue;
		if (w->p >= w->end)
			return false;
		c = *w->p++;
		if (c == 'u') {
			if (!unicode_escape(w))
				return false;
		} else if (!strchr("\"\\/bfnrt", c) || c == '\0') {
			return false;
		}
	}
	return false;
}

static size_t digits(struct walk *w)
{
	const unsigned char *start = w->p;
	while (w->p < w->end && is_digit(*w->p))
		w->p++;
	return (size_t)(w->p - start);
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? within the limits above. */
static bool number(struct walk *w)
{
	if (*w->p == '-')
		w->p++;
	if (w->p >= w->end || !is_digit(*w->p))
		return false;
	size_t n = *w->p == '0' ? (w->p++, 1) : digits(w);
	bool real = false;
	if (w->p < w->end && *w->p == '.') {
		w->p++;
		if (digits(w) == 0)
			return false;
		real = true;
	}
	if (w->p < w->end && (*w->p == 'e' || *w->p == 'E')) {
		w->p++;
		if (w->p < w->end && (*w->p == '+' || *w->p == '-'))
			w->p++;
		size_t e = digits(w);
		if (e == 0 || e > 2)
			return false;
		real = true;
	}
	return real ? n <= MAX_REAL_INT_DIGITS : n <= MAX_INT_DIGITS;
}

static bool literal(struct walk *w, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(w->end - w->p) < n || memcmp(w->p, word, n) != 0)
		return false;
	w->p += n;
	return true;
}

static bool value(struct walk *w);

/* At '{' or '['. */
static bool container(struct walk *w)
{
	bool object = *w->p == '{';
	char close = object ? '}' : ']';
	if (++w->depth > MAX_DEPTH)
		return false;
	w->p++;
	ws(w);
	if (w->p < w->end && *w->p == close) {
		w->p++;
		w->depth--;
		return true;
	}
	for (;;) {
		if (object) {
			if (w->p >= w->end || *w->p != '"' || !string(w))
				return false;
			ws(w);
			if (w->p >= w->end || *w->p++ != ':')
				return false;
			ws(w);
		}
		if (!value(w))
			return false;
		ws(w);
		if (w->p >= w->end)
			return false;
		char c = (char)*w->p++;
		if (c == close) {
			w->depth--;
			return true;
		}
		if (c != ',')
			return false;
		ws(w);
	}
}

/* One value; what follows it is checked by the caller (a separator, or the end). */
static bool value(struct walk *w)
{
	if (w->p >= w->end)
		return false;
	switch (*w->p) {
	case '{':
	case '[':
		return container(w);
	case '"':
		return string(w);
	case 't':
		return literal(w, "true");
	case 'f':
		return literal(w, "false");
	case 'n':
		return literal(w, "null");
	default:
		return number(w);
	}
}

bool ev_json_text_ok(const char *text, size_t len)
{
	struct walk w = {(const unsigned char *)text, (const unsigned char *)text + len, 0};
	ws(&w);
	if (!value(&w))
		return false;
	ws(&w);
	return w.p == w.end;
}
