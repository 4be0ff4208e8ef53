/*
 * Positions: a definition pointer → line:column of the file. For a plain definition or a
 * `Definition` object this is the document's source map under a prefix. For a
 * `DefinitionString`, the pointer is first located in the parsed string, then that offset is
 * traced back through the text's segments (literal strings of the template, Fn::Join parts,
 * Fn::Sub pieces) to the template: through JSON escapes, and through YAML block literals.
 */
#include "asl/internal.h"

#include <stdlib.h>
#include <string.h>

/* Byte offset of 1-based line:col in text (clamped to len). */
static size_t offset_of(const char *text, size_t len, int line, int col)
{
	const char *start;
	size_t line_len;
	if (!text_line(text, len, line, &start, &line_len))
		return len;
	size_t off = (size_t)(start - text) + (size_t)(col > 0 ? col - 1 : 0);
	return off < len ? off : len;
}

static unsigned hex4(const char *p)
{
	char buf[5] = {0};
	memcpy(buf, p, 4);
	return (unsigned)strtoul(buf, NULL, 16);
}

/* Raw offset, in a JSON (or YAML double-quoted) string starting at its quote, of the byte that
 * decodes to offset `decoded`. */
static bool raw_in_quoted(const char *t, size_t len, size_t quote, size_t decoded, size_t *raw)
{
	size_t i = quote + 1, n = 0;
	while (i < len && t[i] != '"' && n < decoded) {
		if (t[i] != '\\') {
			i++, n++;
		} else if (i + 5 < len && t[i + 1] == 'u') {
			unsigned cp = hex4(t + i + 2);
			bool pair = cp >= 0xD800 && cp < 0xDC00 && i + 11 < len && t[i + 6] == '\\';
			n += pair ? 4 : cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
			i += pair ? 12 : 6;
		} else {
			i += 2, n++;
		}
	}
	*raw = i;
	return n >= decoded;
}

/* The value at a JSON pointer (RFC 6901), borrowed; NULL when absent. */
static json_t *json_at(json_t *root, const char *ptr)
{
	json_t *v = root;
	while (v && *ptr == '/') {
		ptr++;
		size_t n = strcspn(ptr, "/");
		struct strbuf tok;
		sb_init(&tok);
		for (size_t i = 0; i < n; i++) {
			if (ptr[i] == '~' && i + 1 < n) {
				sb_addc(&tok, ptr[i + 1] == '1' ? '/' : '~');
				i++;
			} else {
				sb_addc(&tok, ptr[i]);
			}
		}
		if (json_is_array(v))
			v = json_array_get(v, (size_t)atol(sb_str(&tok)));
		else
			v = json_object_get(v, sb_str(&tok));
		sb_fini(&tok);
		ptr += n;
	}
	return v;
}

/* YAML block literal (`|`) at line L: content line k is line L+k, shifted by the indent. */
static bool in_block(const char *t, size_t len, int bar_line, const char *value, size_t decoded,
		     int *line, int *col)
{
	const char *start;
	size_t line_len;
	int first = bar_line + 1;
	while (text_line(t, len, first, &start, &line_len) && line_len == 0)
		first++;
	if (!text_line(t, len, first, &start, &line_len))
		return false;
	int indent = 0;
	while ((size_t)indent < line_len && start[indent] == ' ')
		indent++;
	int k = 1;
	size_t line_start = 0;
	for (size_t i = 0; i < decoded && value[i]; i++)
		if (value[i] == '\n') {
			k++;
			line_start = i + 1;
		}
	*line = bar_line + k;
	*col = indent + (int)(decoded - line_start) + 1;
	return true;
}

/* The template position of byte `decoded` of the string value at ptr. */
static bool in_template_string(const struct asl_source *src, const char *ptr, size_t decoded,
			       int *line, int *col)
{
	size_t len;
	const char *t = doc_text(src->doc, &len);
	if (!doc_locate(src->doc, ptr, line, col))
		return false;
	size_t pos = offset_of(t, len, *line, *col);
	const char *value = json_string_value(json_at(doc_root(src->doc), ptr));
	if (!value || pos >= len)
		return false;
	if (t[pos] == '!' && doc_is_yaml(src->doc)) { /* a short-form tag: skip to the value */
		while (pos < len && t[pos] != ' ' && t[pos] != '\n')
			pos++;
		while (pos < len && t[pos] == ' ')
			pos++;
		text_position(t, len, pos, line, col);
	}
	size_t raw;
	if (t[pos] == '"' && raw_in_quoted(t, len, pos, decoded, &raw)) {
		text_position(t, len, raw, line, col);
		return true;
	}
	if (t[pos] == '|' && doc_is_yaml(src->doc))
		return in_block(t, len, *line, value, decoded, line, col);
	/* a plain or single-quoted one-line scalar holding the text verbatim */
	size_t q = t[pos] == '\'' ? pos + 1 : pos;
	if (!strchr(value, '\n') && q + decoded <= len && strncmp(t + q, value, decoded) == 0) {
		text_position(t, len, q + decoded, line, col);
		return true;
	}
	return false;
}

bool asl_source_map_inner(const struct asl_source *src, const char *text, int in_line, int in_col,
			  int *line, int *col)
{
	size_t off = offset_of(text, strlen(text), in_line, in_col);
	const struct asl_segment *seg = NULL;
	for (size_t i = 0; i < src->segs.len && !seg; i++) {
		const struct asl_segment *s = &src->segs.items[i];
		if (off >= s->start && (off < s->start + s->len || i + 1 == src->segs.len))
			seg = s;
	}
	if (!seg)
		return false;
	if (seg->src_off < 0)
		return doc_locate(src->doc, seg->pointer, line, col) || *line > 0;
	size_t decoded = (size_t)seg->src_off + (off - seg->start);
	return in_template_string(src, seg->pointer, decoded, line, col);
}

bool asl_source_locate(const struct asl_source *src, const char *pointer, bool at_key, int *line,
		       int *col)
{
	*line = *col = 0;
	if (!src || !src->doc)
		return true;
	if (src->from_string) {
		int il = 0, ic = 0;
		if (src->inner) {
			if (at_key)
				doc_locate_key(src->inner, pointer, &il, &ic);
			else
				doc_locate(src->inner, pointer, &il, &ic);
		}
		if (il > 0 &&
		    asl_source_map_inner(src, doc_text(src->inner, NULL), il, ic, line, col))
			return true;
		doc_locate(src->doc, src->prefix, line, col);
		return false;
	}
	char *full = xasprintf("%s%s", src->prefix, pointer ? pointer : "");
	if (at_key)
		doc_locate_key(src->doc, full, line, col);
	else
		doc_locate(src->doc, full, line, col);
	free(full);
	return true;
}

bool asl_source_locate_in_string(const struct asl_source *src, const char *pointer,
				 const char *value, size_t offset, int *line, int *col)
{
	if (!src || !src->from_string || !src->inner)
		return asl_source_locate(src, pointer, false, line, col);
	int il, ic;
	size_t len;
	const char *text = doc_text(src->inner, &len);
	if (doc_locate(src->inner, pointer, &il, &ic)) {
		size_t pos = offset_of(text, len, il, ic);
		/* the inner text is plain JSON: move into the string when it holds value verbatim
		 */
		if (pos < len && text[pos] == '"' && pos + 1 + offset <= len &&
		    strncmp(text + pos + 1, value, offset) == 0)
			ic += 1 + (int)offset;
		if (asl_source_map_inner(src, text, il, ic, line, col))
			return true;
	}
	return asl_source_locate(src, pointer, false, line, col);
}
