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

/*
 * glibc's regcomp copies a repeated part once for every repetition it may need (x{1000} is a
 * thousand copies, (x{100}){100} ten thousand) and repeats a repetition of a repetition again
 * (fuzzing found `/.++++...+*\/`: 2 GB while compiling). So the compiled size is estimated
 * first: one per atom, a repeated part counted as often as it may repeat (twice for * + ?),
 * groups as their contents. A quantifier right after another is refused as Java's Pattern,
 * which AWS's JSONPath filters use, refuses it, except a lazy `?` (`a*?`: for a whole-string
 * match it matches what `a*` does); possessive forms (`a*+`) are not supported.
 */
#define REGEX_MAX_SIZE	 10000
#define REGEX_MAX_GROUPS 64

/* The repetition count of the interval at *c (just past `{`): its larger bound, the lower one
 * plus one for `{m,}`; *c is left on the `}`. -1 when this `{` is no interval. */
static long interval_times(const char **c)
{
	const char *q = *c;
	long lo = 0, hi = -1;
	if (!isdigit((unsigned char)*q))
		return -1;
	while (isdigit((unsigned char)*q) && lo <= REGEX_MAX_SIZE)
		lo = lo * 10 + (*q++ - '0');
	if (*q == ',') {
		hi = 0;
		if (!isdigit((unsigned char)*++q))
			hi = lo + 1;
		while (isdigit((unsigned char)*q) && hi <= REGEX_MAX_SIZE)
			hi = hi * 10 + (*q++ - '0');
	}
	if (*q != '}')
		return -1;
	*c = q;
	return hi > lo ? hi : lo;
}

/* The end of the bracket expression starting at c (on `[`), or NULL when it is not closed. */
static const char *bracket_end(const char *c)
{
	c++;
	if (*c == '^')
		c++;
	if (*c == ']')
		c++;
	for (; *c && *c != ']'; c++)
		if (*c == '[' && (c[1] == ':' || c[1] == '=' || c[1] == '.')) {
			char close = c[1];
			for (c += 2; *c && !(*c == close && c[1] == ']'); c++)
				;
			if (!*c)
				return NULL;
			c++;
		}
	return *c ? c : NULL;
}

/* False when re (a POSIX extended regex) would compile too big, or stacks quantifiers. */
static bool regex_size_ok(const char *re)
{
	size_t outer[REGEX_MAX_GROUPS], depth = 0, cur = 0, last = 0;
	bool after_quantifier = false;
	for (const char *c = re; *c; c++) {
		bool quantifier = *c == '*' || *c == '+' || *c == '?';
		long times = quantifier ? 2 : -1;
		if (*c == '{') {
			const char *q = c + 1;
			if ((times = interval_times(&q)) >= 0) {
				quantifier = true;
				c = q;
			}
		}
		if (quantifier) {
			if (after_quantifier && *c == '?' && c[-1] != '?')
				continue; /* lazy: the same whole-string matches */
			if (after_quantifier || times > REGEX_MAX_SIZE ||
			    (times > 1 && last > REGEX_MAX_SIZE / (size_t)(times - 1)))
				return false;
			cur += last * (size_t)(times > 1 ? times - 1 : 0);
			after_quantifier = true;
		} else {
			after_quantifier = false;
			if (*c == '(') {
				if (depth == REGEX_MAX_GROUPS)
					return false;
				outer[depth++] = cur;
				cur = 0;
				continue;
			}
			if (*c == ')' && depth) {
				last = cur;
				cur = outer[--depth] + last;
			} else if (*c == '|') {
				last = 0;
			} else {
				if (*c == '[' && !(c = bracket_end(c)))
					return true; /* regcomp refuses it */
				if (*c == '\\' && c[1])
					c++;
				last = 1;
				cur++;
			}
		}
		if (cur > REGEX_MAX_SIZE)
			return false;
	}
	return true;
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
	bool small = closed && regex_size_ok(sb_str(&re));
	bool ok = small && regcomp(rx, sb_str(&re), flags) == 0;
	sb_fini(&re);
	if (!ok) {
		pp_fail(p, start,
			!closed ? "unterminated regular expression"
			: small
			    ? "unsupported regular expression"
			    : "regular expression too complex (a quantifier on a quantifier, or "
			      "more than 10000 parts once repetitions are counted)");
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
