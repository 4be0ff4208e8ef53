/*
 * JSON pointer → byte offset in the JSON text. jansson drops positions, so to place an error
 * found on a parsed value we walk the (already valid) text again, skipping values we do not
 * descend into.
 */
#include "items/internal.h"

#include <stdlib.h>
#include <string.h>

struct scan {
	const char *p, *end;
};

static void ws(struct scan *s)
{
	while (s->p < s->end && items_is_one_of(*s->p, " \t\r\n"))
		s->p++;
}

/* Reads a JSON string at s->p into out (simple escapes decoded; \u kept as is). */
static void read_string(struct scan *s, struct strbuf *out)
{
	s->p++; /* opening quote */
	while (s->p < s->end && *s->p != '"') {
		if (*s->p == '\\' && s->p + 1 < s->end) {
			char c = s->p[1];
			const char *map = c ? strchr("\"\"\\\\//b\bf\fn\nr\rt\t", c) : NULL;
			if (map && (map - "\"\"\\\\//b\bf\fn\nr\rt\t") % 2 == 0)
				sb_addc(out, map[1]);
			else
				sb_addn(out, s->p, 2);
			s->p += 2;
		} else {
			sb_addc(out, *s->p++);
		}
	}
	s->p++; /* closing quote */
}

static void skip_value(struct scan *s)
{
	ws(s);
	if (s->p >= s->end)
		return;
	if (*s->p == '"') {
		struct strbuf tmp;
		sb_init(&tmp);
		read_string(s, &tmp);
		sb_fini(&tmp);
		return;
	}
	if (*s->p == '[' || *s->p == '{') {
		char close = *s->p == '[' ? ']' : '}';
		s->p++;
		ws(s);
		while (s->p < s->end && *s->p != close) {
			skip_value(s); /* a key, or an element */
			ws(s);
			if (s->p < s->end && (*s->p == ':' || *s->p == ','))
				s->p++;
			ws(s);
		}
		s->p++;
		return;
	}
	while (s->p < s->end && !items_is_one_of(*s->p, ",]} \t\r\n"))
		s->p++;
}

/* Decodes the next pointer token (~1 → /, ~0 → ~); *ptr moves past it. */
static char *next_token(const char **ptr)
{
	const char *p = *ptr + 1;
	size_t n = strcspn(p, "/");
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '~' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
			sb_addc(&sb, p[i + 1] == '0' ? '~' : '/');
			i++;
		} else {
			sb_addc(&sb, p[i]);
		}
	}
	*ptr = p + n;
	return sb_take(&sb);
}

static bool enter(struct scan *s, const char *tok)
{
	ws(s);
	if (s->p >= s->end)
		return false;
	if (*s->p == '[') {
		long want = strtol(tok, NULL, 10);
		s->p++;
		for (long i = 0; i < want; i++) {
			skip_value(s);
			ws(s);
			if (s->p >= s->end || *s->p != ',')
				return false;
			s->p++;
		}
		ws(s);
		return true;
	}
	if (*s->p != '{')
		return false;
	s->p++;
	for (;;) {
		ws(s);
		if (s->p >= s->end || *s->p != '"')
			return false;
		struct strbuf key;
		sb_init(&key);
		read_string(s, &key);
		bool hit = !strcmp(sb_str(&key), tok);
		sb_fini(&key);
		ws(s);
		if (s->p >= s->end || *s->p != ':')
			return false;
		s->p++;
		ws(s);
		if (hit)
			return true;
		skip_value(s);
		ws(s);
		if (s->p >= s->end || *s->p != ',')
			return false;
		s->p++;
	}
}

bool items_pointer_offset(const char *text, size_t len, const char *pointer, size_t *off)
{
	struct scan s = {text, text + len};
	ws(&s);
	while (*pointer == '/') {
		char *tok = next_token(&pointer);
		bool ok = enter(&s, tok);
		free(tok);
		if (!ok)
			return false;
	}
	*off = (size_t)(s.p - text);
	return true;
}
