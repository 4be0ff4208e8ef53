/*
 * JSONPath parser: the Jayway dialect Step Functions accepts. `$`, `$$` (context), `$name`
 * (variables), dot and bracket notation, indexes, negative indexes, index lists, slices,
 * wildcards, deep scan, filters (filter_parse.c) and Jayway's path functions (length()...).
 * Errors carry the byte offset of the problem so validation can point at it.
 */
#include "flow/pathparse.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool pp_fail(struct pp *p, size_t at, const char *fmt, ...)
{
	if (p->msg)
		return false;
	va_list ap;
	va_start(ap, fmt);
	p->msg = xvasprintf(fmt, ap);
	va_end(ap);
	p->off = at;
	return false;
}

int pp_peek(const struct pp *p, size_t ahead)
{
	return p->pos + ahead < p->len ? (unsigned char)p->s[p->pos + ahead] : -1;
}

void pp_space(struct pp *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
		p->pos++;
}

bool pp_accept(struct pp *p, const char *tok)
{
	size_t n = strlen(tok);
	if (p->pos + n <= p->len && memcmp(p->s + p->pos, tok, n) == 0) {
		p->pos += n;
		return true;
	}
	return false;
}

/* Characters that end a name in dot notation (also operators, for filters). */
static bool name_char(int c)
{
	return c > ' ' && !strchr(".[]()',\"=!<>&|", c);
}

static void seg_fini(struct fseg *g);

void fpath_free(struct fpath *path)
{
	if (!path)
		return;
	for (size_t i = 0; i < path->segs.len; i++)
		seg_fini(&path->segs.items[i]);
	VEC_FREE(path->segs);
	free(path->var);
	free(path);
}

static void seg_fini(struct fseg *g)
{
	for (size_t i = 0; i < g->names.len; i++)
		free(g->names.items[i]);
	VEC_FREE(g->names);
	VEC_FREE(g->indexes);
	fexpr_free(g->filter);
}

/* A quoted string ('...' or "..."), backslash escapes the next character. */
char *pp_quoted(struct pp *p)
{
	size_t start = p->pos;
	char q = p->s[p->pos++];
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "");
	while (p->pos < p->len && p->s[p->pos] != q) {
		if (p->s[p->pos] == '\\' && p->pos + 1 < p->len)
			p->pos++;
		sb_addc(&sb, p->s[p->pos++]);
	}
	if (p->pos >= p->len) {
		sb_fini(&sb);
		pp_fail(p, start, "unterminated string");
		return NULL;
	}
	p->pos++;
	return sb_take(&sb);
}

static bool parse_int(struct pp *p, long long *out)
{
	size_t start = p->pos;
	if (pp_peek(p, 0) == '-')
		p->pos++;
	if (!isdigit(pp_peek(p, 0)))
		return pp_fail(p, start, "expected a number");
	while (isdigit(pp_peek(p, 0)))
		p->pos++;
	char buf[32];
	size_t n = p->pos - start;
	if (n >= sizeof(buf))
		return pp_fail(p, start, "number too large");
	memcpy(buf, p->s + start, n);
	buf[n] = '\0';
	errno = 0;
	*out = strtoll(buf, NULL, 10);
	if (errno)
		return pp_fail(p, start, "number too large");
	return true;
}

/* After '[' : names, indexes, slice, '*' or filter, then ']'. */
static bool parse_bracket(struct pp *p, struct fseg *g)
{
	pp_space(p);
	int c = pp_peek(p, 0);
	if (c == '*') {
		p->pos++;
		g->kind = FSEG_WILD;
	} else if (c == '\'' || c == '"') {
		g->kind = FSEG_NAME;
		for (;;) {
			pp_space(p);
			c = pp_peek(p, 0);
			if (c != '\'' && c != '"')
				return pp_fail(p, p->pos, "expected a quoted name");
			char *name = pp_quoted(p);
			if (!name)
				return false;
			VEC_PUSH(g->names, name);
			pp_space(p);
			if (!pp_accept(p, ","))
				break;
		}
	} else if (c == '?') {
		if (p->filters >= FPATH_MAX_FILTER_NESTING)
			return pp_fail(
			    p, p->pos,
			    "filters nested more than %d deep (each level multiplies the "
			    "work of the evaluation)",
			    FPATH_MAX_FILTER_NESTING);
		p->pos++;
		pp_space(p);
		if (!pp_accept(p, "("))
			return pp_fail(p, p->pos, "expected '(' after '?'");
		g->kind = FSEG_FILTER;
		p->filters++;
		g->filter = pp_filter(p);
		p->filters--;
		if (!g->filter)
			return false;
		pp_space(p);
		if (!pp_accept(p, ")"))
			return pp_fail(p, p->pos, "expected ')' to close the filter");
	} else if (c == ':' || c == '-' || isdigit(c)) {
		long long v = 0;
		bool have = c != ':';
		if (have && !parse_int(p, &v))
			return false;
		pp_space(p);
		if (pp_accept(p, ":")) {
			g->kind = FSEG_SLICE;
			g->has_start = have;
			g->start = v;
			pp_space(p);
			c = pp_peek(p, 0);
			if (c == '-' || isdigit(c)) {
				if (!parse_int(p, &g->end))
					return false;
				g->has_end = true;
			}
			pp_space(p);
			if (pp_peek(p, 0) == ':')
				return pp_fail(p, p->pos, "slice steps are not supported");
			/* Jayway's ArraySliceOperation.parse: "Failed to parse SliceOperation" */
			if (!g->has_start && !g->has_end)
				return pp_fail(p, g->offset, "a slice needs a start or an end");
		} else {
			g->kind = FSEG_INDEX;
			VEC_PUSH(g->indexes, v);
			while (pp_accept(p, ",")) {
				pp_space(p);
				if (!parse_int(p, &v))
					return false;
				VEC_PUSH(g->indexes, v);
				pp_space(p);
			}
		}
	} else {
		return pp_fail(p, p->pos, "expected a quoted name, index, slice, '*' or filter");
	}
	pp_space(p);
	if (!pp_accept(p, "]"))
		return pp_fail(p, p->pos, "expected ']'");
	return true;
}

/* Jayway's functions that end a path, e.g. `$.items.length()`. The Paths page rules them
 * out of reference paths only. */
static const char *const functions[] = {"length", "size", "min", "max", "avg", "sum", "stddev"};

static bool parse_function(struct pp *p, struct fseg *g, size_t start)
{
	size_t n = p->pos - start;
	bool known = false;
	for (size_t i = 0; i < ARRAY_LEN(functions); i++)
		known =
		    known || (strlen(functions[i]) == n && !strncmp(p->s + start, functions[i], n));
	if (!known)
		return pp_fail(p, start, "unknown path function '%.*s()'", (int)n, p->s + start);
	p->pos++;
	pp_space(p);
	if (!pp_accept(p, ")"))
		return pp_fail(p, p->pos, "path functions take no arguments");
	g->kind = FSEG_FUNC;
	VEC_PUSH(g->names, xstrndup(p->s + start, n));
	return true;
}

static bool parse_segment(struct pp *p, struct fseg *g)
{
	memset(g, 0, sizeof(*g));
	g->offset = p->pos;
	if (pp_accept(p, "..")) {
		g->deep = true;
		if (pp_accept(p, "["))
			return parse_bracket(p, g);
	} else if (pp_accept(p, "[")) {
		return parse_bracket(p, g);
	} else if (!pp_accept(p, ".")) {
		return pp_fail(p, p->pos, "expected '.' or '['");
	} else if (pp_accept(p, "[")) {
		/* `$.abc.['def ghi']`, as the intrinsic functions page writes it. */
		return parse_bracket(p, g);
	}
	if (pp_accept(p, "*")) {
		g->kind = FSEG_WILD;
		return true;
	}
	size_t start = p->pos;
	while (name_char(pp_peek(p, 0)))
		p->pos++;
	if (p->pos == start)
		return pp_fail(p, start, "expected a field name");
	if (pp_peek(p, 0) == '(')
		return parse_function(p, g, start);
	g->kind = FSEG_NAME;
	VEC_PUSH(g->names, xstrndup(p->s + start, p->pos - start));
	return true;
}

bool fpath_seg_definite(const struct fseg *g)
{
	if (g->deep)
		return false;
	if (g->kind == FSEG_NAME)
		return g->names.len == 1;
	if (g->kind == FSEG_INDEX)
		return g->indexes.len == 1;
	return false;
}

/*
 * A list of names ending the path (no function after it) is Jayway's "multi property merge"
 * (PropertyPathToken.multiPropertyMergeCase): one object of the names found, and a definite
 * step, so `$.a['b','c']` gives {"b": 1, "c": 2}, not [1, 2]. Elsewhere the list iterates.
 */
static void mark_merge(struct fpath *path)
{
	if (path->segs.len == 0)
		return;
	struct fseg *last = &path->segs.items[path->segs.len - 1];
	if (last->kind != FSEG_NAME || last->deep || last->names.len < 2)
		return;
	last->merge = true;
	path->definite = true;
	for (size_t i = 0; i + 1 < path->segs.len; i++)
		path->definite = path->definite && fpath_seg_definite(&path->segs.items[i]);
}

/* Parses a path from p->pos; inside a filter it stops at the first character that cannot
 * continue a path (an operator, a space, ')'). */
struct fpath *pp_path(struct pp *p, bool in_filter)
{
	struct fpath *path = xcalloc(1, sizeof(*path));
	path->definite = true;
	size_t start = p->pos;
	if (in_filter && pp_accept(p, "@")) {
		path->root = FROOT_CURRENT;
	} else if (pp_accept(p, "$$")) {
		path->root = FROOT_CONTEXT;
	} else if (pp_accept(p, "$")) {
		path->root = FROOT_INPUT;
		int c = pp_peek(p, 0);
		if (c == '_' || isalpha(c)) {
			size_t vs = p->pos;
			while (pp_peek(p, 0) == '_' || isalnum(pp_peek(p, 0)))
				p->pos++;
			path->root = FROOT_VAR;
			path->var = xstrndup(p->s + vs, p->pos - vs);
		}
	} else {
		pp_fail(p, start, in_filter ? "expected '@' or '$'" : "a path must start with '$'");
		free(path);
		return NULL;
	}
	for (;;) {
		int c = pp_peek(p, 0);
		if (c != '.' && c != '[')
			break;
		struct fseg g;
		bool ok = parse_segment(p, &g);
		VEC_PUSH(path->segs, g);
		if (!ok) {
			fpath_free(path);
			return NULL;
		}
		if (g.kind == FSEG_FUNC) {
			if (g.deep) {
				pp_fail(p, g.offset, "a path function cannot follow '..'");
				fpath_free(path);
				return NULL;
			}
			c = pp_peek(p, 0);
			if (c == '.' || c == '[') {
				pp_fail(p, p->pos, "a path function must end the path");
				fpath_free(path);
				return NULL;
			}
		} else if (!fpath_seg_definite(&g)) {
			path->definite = false;
		}
	}
	mark_merge(path);
	if (!in_filter && p->pos < p->len) {
		pp_fail(p, p->pos, "unexpected '%c'", p->s[p->pos]);
		fpath_free(path);
		return NULL;
	}
	return path;
}

struct fpath *fpath_parse(const char *s, size_t len, char **message, size_t *offset)
{
	struct pp p = {.s = s, .len = len};
	struct fpath *path = pp_path(&p, false);
	if (!path)
		flow_hand_error(p.msg, p.off, message, offset);
	return path;
}

bool fpath_is_reference(const struct fpath *p, size_t *bad_seg)
{
	for (size_t i = 0; i < p->segs.len; i++) {
		if (!fpath_seg_definite(&p->segs.items[i])) {
			if (bad_seg)
				*bad_seg = i;
			return false;
		}
	}
	return true;
}
