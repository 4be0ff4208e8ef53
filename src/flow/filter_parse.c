/*
 * Filter expressions of JSONPath, `[?(...)]`: comparisons (==, !=, <, <=, >, >=), Jayway's
 * word operators (in, nin, subsetof, anyof, noneof, size, empty), regular expressions
 * (=~ /re/i), existence tests, `!`, `&&`, `||` and parentheses.
 * https://github.com/json-path/JsonPath ("Filter Operators")
 */
#include "flow/pathparse.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

void fexpr_free(struct fexpr *e)
{
	if (!e)
		return;
	fexpr_free(e->a);
	fexpr_free(e->b);
	json_decref(e->lit);
	fpath_free(e->path);
	if (e->regex)
		regfree(e->regex);
	free(e->regex);
	free(e);
}

static struct fexpr *fx_new(enum fexpr_kind kind)
{
	struct fexpr *e = xcalloc(1, sizeof(*e));
	e->kind = kind;
	return e;
}

static struct fexpr *parse_operand(struct pp *p);

/* A literal array, the right side of `in`, `nin`, `anyof`...: ['a', 'b'] or [1, 2]. */
static struct fexpr *parse_list(struct pp *p)
{
	size_t start = p->pos++;
	json_t *arr = json_array();
	pp_space(p);
	while (!pp_accept(p, "]")) {
		if (json_array_size(arr) > 0 && !pp_accept(p, ",")) {
			pp_fail(p, p->pos, "expected ',' or ']' in a list");
			json_decref(arr);
			return NULL;
		}
		struct fexpr *item = parse_operand(p);
		if (!item || item->kind != FX_LIT) {
			if (item)
				pp_fail(p, start, "a list holds literals only");
			fexpr_free(item);
			json_decref(arr);
			return NULL;
		}
		json_array_append(arr, item->lit);
		fexpr_free(item);
		pp_space(p);
	}
	struct fexpr *e = fx_new(FX_LIT);
	e->lit = arr;
	return e;
}

/* `=~ /regex/flags`: Java's Pattern.matches (the whole string), compiled as a POSIX extended
 * regex with \d and \D spelled out (glibc knows \w, \s and their negations). */
static struct fexpr *parse_regex(struct pp *p, struct fexpr *a)
{
	pp_space(p);
	size_t start = p->pos;
	if (!pp_accept(p, "/")) {
		pp_fail(p, start, "expected /regex/ after =~");
		fexpr_free(a);
		return NULL;
	}
	struct strbuf re;
	sb_init(&re);
	sb_add(&re, "^(");
	while (p->pos < p->len && p->s[p->pos] != '/') {
		char ch = p->s[p->pos++];
		if (ch != '\\' || p->pos >= p->len) {
			sb_addc(&re, ch);
			continue;
		}
		char next = p->s[p->pos++];
		if (next == 'd' || next == 'D') {
			sb_add(&re, next == 'd' ? "[0-9]" : "[^0-9]");
		} else if (next == '/') {
			sb_addc(&re, '/');
		} else {
			sb_addc(&re, ch);
			sb_addc(&re, next);
		}
	}
	sb_add(&re, ")$");
	int flags = REG_EXTENDED | REG_NOSUB;
	bool closed = pp_accept(p, "/");
	while (closed && p->pos < p->len && isalpha((unsigned char)p->s[p->pos]))
		if (p->s[p->pos++] == 'i')
			flags |= REG_ICASE;
	regex_t *rx = xmalloc(sizeof(*rx));
	bool ok = closed && regcomp(rx, sb_str(&re), flags) == 0;
	sb_fini(&re);
	if (!ok) {
		pp_fail(p, start,
			closed ? "unsupported regular expression"
			       : "unterminated regular expression");
		free(rx);
		fexpr_free(a);
		return NULL;
	}
	struct fexpr *e = fx_new(FX_REGEX);
	e->a = a;
	e->regex = rx;
	return e;
}

static struct fexpr *parse_operand(struct pp *p)
{
	pp_space(p);
	int c = pp_peek(p, 0);
	size_t start = p->pos;
	if (c == '@' || c == '$') {
		struct fpath *path = pp_path(p, true);
		if (!path)
			return NULL;
		struct fexpr *e = fx_new(FX_PATH);
		e->path = path;
		return e;
	}
	json_t *lit = NULL;
	if (c == '[')
		return parse_list(p);
	if (c == '\'' || c == '"') {
		char *s = pp_quoted(p);
		if (!s)
			return NULL;
		lit = json_string(s);
		free(s);
		if (!lit) {
			pp_fail(p, start, "string is not valid UTF-8");
			return NULL;
		}
	} else if (pp_accept(p, "true")) {
		lit = json_true();
	} else if (pp_accept(p, "false")) {
		lit = json_false();
	} else if (pp_accept(p, "null")) {
		lit = json_null();
	} else if (c == '-' || isdigit(c)) {
		char *end;
		const char *num = p->s + p->pos;
		double d = strtod(num, &end);
		size_t n = (size_t)(end - num);
		if (n == 0 || p->pos + n > p->len) {
			pp_fail(p, start, "expected a number");
			return NULL;
		}
		bool integral =
		    !memchr(num, '.', n) && !memchr(num, 'e', n) && !memchr(num, 'E', n);
		errno = 0;
		long long ll = integral ? strtoll(num, NULL, 10) : 0;
		lit = integral && !errno ? json_integer(ll) : json_real(d);
		p->pos += n;
	} else {
		pp_fail(p, start, "expected a path, string, number, true, false or null");
		return NULL;
	}
	struct fexpr *e = fx_new(FX_LIT);
	e->lit = lit;
	return e;
}

/* Symbols first; words (Jayway's `in`, `nin`, `subsetof`, ...) need a word boundary. */
static const struct {
	const char *tok;
	enum fcmp op;
} cmp_ops[] = {
    {"==", FC_EQ},	 {"!=", FC_NE},		{"<=", FC_LE},
    {">=", FC_GE},	 {"<", FC_LT},		{">", FC_GT},
    {"nin", FC_NIN},	 {"in", FC_IN},		{"subsetof", FC_SUBSETOF},
    {"anyof", FC_ANYOF}, {"noneof", FC_NONEOF}, {"size", FC_SIZE},
    {"empty", FC_EMPTY},
};

static bool accept_op(struct pp *p, const char *tok)
{
	size_t save = p->pos;
	if (!pp_accept(p, tok))
		return false;
	if (isalpha((unsigned char)tok[0]) && isalnum(pp_peek(p, 0))) {
		p->pos = save;
		return false;
	}
	return true;
}

static struct fexpr *parse_unary_at(struct pp *p);

static struct fexpr *parse_unary(struct pp *p)
{
	if (p->depth >= MAX_DEPTH) {
		pp_fail(p, p->pos, "the filter is nested too deeply");
		return NULL;
	}
	p->depth++;
	struct fexpr *e = parse_unary_at(p);
	p->depth--;
	return e;
}

static struct fexpr *parse_unary_at(struct pp *p)
{
	pp_space(p);
	if (pp_accept(p, "!")) {
		struct fexpr *inner = parse_unary(p);
		if (!inner)
			return NULL;
		struct fexpr *e = fx_new(FX_NOT);
		e->a = inner;
		return e;
	}
	if (pp_accept(p, "(")) {
		struct fexpr *inner = pp_filter(p);
		if (!inner)
			return NULL;
		pp_space(p);
		if (!pp_accept(p, ")")) {
			pp_fail(p, p->pos, "expected ')'");
			fexpr_free(inner);
			return NULL;
		}
		return inner;
	}
	size_t start = p->pos;
	struct fexpr *a = parse_operand(p);
	if (!a)
		return NULL;
	pp_space(p);
	if (pp_accept(p, "=~"))
		return parse_regex(p, a);
	for (size_t i = 0; i < ARRAY_LEN(cmp_ops); i++) {
		if (!accept_op(p, cmp_ops[i].tok))
			continue;
		struct fexpr *b = parse_operand(p);
		if (!b) {
			fexpr_free(a);
			return NULL;
		}
		struct fexpr *e = fx_new(FX_CMP);
		e->op = cmp_ops[i].op;
		e->a = a;
		e->b = b;
		return e;
	}
	if (a->kind != FX_PATH) {
		pp_fail(p, start, "a literal alone is not a condition");
		fexpr_free(a);
		return NULL;
	}
	struct fexpr *e = fx_new(FX_EXISTS);
	e->a = a;
	return e;
}

static struct fexpr *parse_chain(struct pp *p, const char *tok, enum fexpr_kind kind,
				 struct fexpr *(*next)(struct pp *))
{
	struct fexpr *left = next(p);
	while (left) {
		pp_space(p);
		if (!pp_accept(p, tok))
			break;
		struct fexpr *right = next(p);
		if (!right) {
			fexpr_free(left);
			return NULL;
		}
		struct fexpr *e = fx_new(kind);
		e->a = left;
		e->b = right;
		left = e;
	}
	return left;
}

static struct fexpr *parse_and(struct pp *p)
{
	return parse_chain(p, "&&", FX_AND, parse_unary);
}

struct fexpr *pp_filter(struct pp *p)
{
	return parse_chain(p, "||", FX_OR, parse_and);
}
