/*
 * JSON documents: jansson parses and reports syntax errors; jansson keeps no positions, so a
 * small scanner then walks the (known valid) text once and records where each value and key
 * starts, under the value's JSON pointer.
 */
#include "doc/internal.h"

#include <stdlib.h>
#include <string.h>

struct scan {
	struct doc *doc;
	const char *s;
	size_t len, pos;
	int line;
	size_t line_start;
	struct strbuf ptr;
};

static int col_of(const struct scan *sc)
{
	return (int)(sc->pos - sc->line_start) + 1;
}

static void skip_ws(struct scan *sc)
{
	while (sc->pos < sc->len) {
		char c = sc->s[sc->pos];
		if (c == '\n') {
			sc->line++;
			sc->line_start = sc->pos + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		sc->pos++;
	}
}

static unsigned hex4(const char *p)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
	}
	return v;
}

/* Reads a string starting at its opening quote; decodes into out when not NULL. */
static void read_string(struct scan *sc, struct strbuf *out)
{
	sc->pos++;
	while (sc->pos < sc->len && sc->s[sc->pos] != '"') {
		char c = sc->s[sc->pos];
		if (c != '\\') {
			if (out)
				sb_addc(out, c);
			sc->pos++;
			continue;
		}
		char e = sc->pos + 1 < sc->len ? sc->s[sc->pos + 1] : '\0';
		sc->pos += 2;
		if (e == 'u' && sc->pos + 4 <= sc->len) {
			unsigned cp = hex4(sc->s + sc->pos);
			sc->pos += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && sc->pos + 6 <= sc->len &&
			    sc->s[sc->pos] == '\\' && sc->s[sc->pos + 1] == 'u') {
				unsigned lo = hex4(sc->s + sc->pos + 2);
				sc->pos += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			if (out)
				sb_add_utf8(out, cp);
			continue;
		}
		static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
		const char *f = strchr(from, e);
		if (out)
			sb_addc(out, f && e ? to[f - from] : e);
	}
	sc->pos++;
}

static void scan_value(struct scan *sc, int key_line, int key_col);

static void scan_object(struct scan *sc)
{
	sc->pos++;
	struct strbuf key;
	sb_init(&key);
	for (;;) {
		skip_ws(sc);
		if (sc->pos >= sc->len || sc->s[sc->pos] == '}')
			break;
		if (sc->s[sc->pos] == ',') {
			sc->pos++;
			continue;
		}
		int kl = sc->line, kc = col_of(sc);
		sb_clear(&key);
		read_string(sc, &key);
		skip_ws(sc);
		sc->pos++; /* ':' */
		skip_ws(sc);
		size_t mark = sc->ptr.len;
		sb_add_pointer_token(&sc->ptr, sb_str(&key));
		scan_value(sc, kl, kc);
		sc->ptr.len = mark;
		sc->ptr.data[mark] = '\0';
	}
	sb_fini(&key);
	sc->pos++;
}

static void scan_array(struct scan *sc)
{
	sc->pos++;
	size_t index = 0;
	for (;;) {
		skip_ws(sc);
		if (sc->pos >= sc->len || sc->s[sc->pos] == ']')
			break;
		if (sc->s[sc->pos] == ',') {
			sc->pos++;
			continue;
		}
		size_t mark = sc->ptr.len;
		sb_addf(&sc->ptr, "/%zu", index++);
		scan_value(sc, 0, 0);
		sc->ptr.len = mark;
		sc->ptr.data[mark] = '\0';
	}
	sc->pos++;
}

/* Recursion is bounded by jansson's own depth limit, which accepted this text. */
static void scan_value(struct scan *sc, int key_line, int key_col)
{
	/* jansson stops at a NUL byte, so the text it accepted may end before sc->len does and
	 * the walk can run out of text mid-value: stay inside the buffer. */
	if (sc->pos >= sc->len)
		return;
	doc_add_loc(sc->doc, sb_str(&sc->ptr), sc->line, col_of(sc), key_line, key_col);
	char c = sc->s[sc->pos];
	if (c == '{') {
		scan_object(sc);
	} else if (c == '[') {
		scan_array(sc);
	} else if (c == '"') {
		read_string(sc, NULL);
	} else {
		while (sc->pos < sc->len && !strchr(",]} \t\r\n", sc->s[sc->pos]))
			sc->pos++;
	}
}

bool doc_parse_json(struct doc *d, struct diags *diags)
{
	/* jansson skips a raw NUL byte in some places instead of rejecting it; JSON has none. */
	const char *nul = memchr(d->text, '\0', d->len);
	if (nul) {
		int line, col;
		text_position(d->text, d->len, (size_t)(nul - d->text), &line, &col);
		diags_add(diags, DIAG_ERROR, "json-syntax", d->name, line, col, NULL,
			  "JSON syntax error: NUL byte in the text");
		return false;
	}
	json_error_t err;
	d->root = json_loadb(d->text, d->len, JSON_REJECT_DUPLICATES, &err);
	if (!d->root) {
		/* jansson's line and column point at the offending token's end (columns count
		 * characters; definitions are overwhelmingly ASCII). */
		int line = err.line > 0 ? err.line : 1, col = err.column > 0 ? err.column : 1;
		diags_add(diags, DIAG_ERROR, "json-syntax", d->name, line, col, NULL,
			  "JSON syntax error: %s", err.text);
		return false;
	}
	struct scan sc = {.doc = d, .s = d->text, .len = d->len, .line = 1};
	sb_init(&sc.ptr);
	sb_add(&sc.ptr, "");
	skip_ws(&sc);
	scan_value(&sc, 0, 0);
	sb_fini(&sc.ptr);
	return true;
}
