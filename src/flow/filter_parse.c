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
 * thousand copies, (x{100}){100} ten thousand), repeats a repetition of a repetition again
 * (fuzzing found `/.++++...+*\/`: 2 GB while compiling), and for every optional copy keeps the
 * list of parts reachable by skipping the others (.{0,9000}: 1.2 GB; (a?){4999}: 16 s to
 * match 1,000 characters). So a pattern is measured first: its parts, a repeated part counted
 * as often as it may repeat, and its optional copies; both have a budget. A quantifier right
 * after another is refused as Java's Pattern, which AWS's JSONPath filters use, refuses it;
 * a lazy `?` after a quantifier is dropped (for a whole-string match `x+?` matches what `x+`
 * does; glibc would read it as `(x+)?`); possessive forms (`x*+`) and backreferences (`\1`:
 * the wrapping group would shift their numbers, and glibc matches them in exponential time)
 * are not supported.
 */
#define REGEX_MAX_SIZE	   10000
#define REGEX_MAX_OPTIONAL 1000
#define REGEX_MAX_GROUPS   64

enum regex_verdict { REGEX_OK, REGEX_TOO_BIG, REGEX_UNSUPPORTED };

/* The interval at *c (just past `{`): its bounds, max -1 for `{m,}`; *c is left on the `}`.
 * False when this `{` is no interval (glibc then reads or refuses it as it will). */
static bool interval(const char **c, long *min, long *max)
{
	const char *q = *c;
	long lo = 0, hi;
	if (!isdigit((unsigned char)*q) && *q != ',')
		return false;
	while (isdigit((unsigned char)*q) && lo <= REGEX_MAX_SIZE)
		lo = lo * 10 + (*q++ - '0');
	hi = lo;
	if (*q == ',') {
		hi = isdigit((unsigned char)*++q) ? 0 : -1; /* `{,n}` is glibc's {0,n} */
		while (isdigit((unsigned char)*q) && hi <= REGEX_MAX_SIZE)
			hi = hi * 10 + (*q++ - '0');
	}
	if (*q != '}')
		return false;
	*c = q;
	*min = lo;
	*max = hi;
	return true;
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

/* A part's measure: its size and its optional copies. */
struct regex_cost {
	size_t size, optional;
};

/* Applies a quantifier of bounds [min, max] (max -1: unbounded) to `last` within `cur`. */
static bool regex_repeat(struct regex_cost *cur, struct regex_cost last, long min, long max)
{
	size_t times = (size_t)(max < 0 ? min + 1 : max > min ? max : min);
	size_t extra = times > 1 ? times - 1 : 0;
	size_t optional = max < 0 ? 1 : (size_t)(max - min);
	if (times > REGEX_MAX_SIZE || (extra && last.size > REGEX_MAX_SIZE / extra) ||
	    (extra && last.optional > REGEX_MAX_OPTIONAL / extra) ||
	    (optional && last.size > REGEX_MAX_OPTIONAL / optional))
		return false;
	cur->size += last.size * extra;
	cur->optional += last.optional * extra + last.size * optional;
	return cur->size <= REGEX_MAX_SIZE && cur->optional <= REGEX_MAX_OPTIONAL;
}

/* Copies re (a POSIX extended regex) to out without its lazy `?`s, measuring it. */
static enum regex_verdict regex_rewrite(const char *re, struct strbuf *out)
{
	struct regex_cost outer[REGEX_MAX_GROUPS], cur = {0, 0}, last = {0, 0};
	size_t depth = 0;
	bool after_quantifier = false, lazy_used = false;
	for (const char *c = re; *c; c++) {
		const char *from = c;
		long min = 0, max = -1;
		bool quantifier = *c == '*' || *c == '+' || *c == '?';
		if (*c == '+')
			min = 1;
		else if (*c == '?')
			max = 1;
		else if (*c == '{') {
			const char *q = c + 1;
			if ((quantifier = interval(&q, &min, &max)))
				c = q;
		}
		if (quantifier) {
			if (after_quantifier && *from == '?' && !lazy_used) {
				lazy_used = true; /* dropped: the same whole-string matches */
				continue;
			}
			if (after_quantifier)
				return REGEX_TOO_BIG;
			if (!regex_repeat(&cur, last, min, max))
				return REGEX_TOO_BIG;
			after_quantifier = true;
			lazy_used = false;
			sb_addn(out, from, (size_t)(c - from) + 1);
			continue;
		}
		after_quantifier = lazy_used = false;
		if (*c == '(') {
			if (depth == REGEX_MAX_GROUPS)
				return REGEX_TOO_BIG;
			outer[depth++] = cur;
			cur = (struct regex_cost){0, 0};
			last = cur;
		} else if (*c == ')' && depth) {
			last = cur;
			cur = outer[--depth];
			cur.size += last.size;
			cur.optional += last.optional;
		} else if (*c == '|') {
			last = (struct regex_cost){0, 0};
		} else {
			if (*c == '[' && !(c = bracket_end(c)))
				return REGEX_UNSUPPORTED;
			if (*c == '\\' && c[1]) {
				if (c[1] >= '1' && c[1] <= '9')
					return REGEX_UNSUPPORTED; /* a backreference */
				c++;
			}
			last = (struct regex_cost){1, 0};
			cur.size++;
		}
		sb_addn(out, from, (size_t)(c - from) + 1);
		if (cur.size > REGEX_MAX_SIZE)
			return REGEX_TOO_BIG;
	}
	return REGEX_OK;
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
	struct strbuf plain;
	sb_init(&plain);
	enum regex_verdict v = closed ? regex_rewrite(sb_str(&re), &plain) : REGEX_UNSUPPORTED;
	bool ok = closed && v == REGEX_OK && regcomp(rx, sb_str(&plain), flags) == 0;
	sb_fini(&re);
	sb_fini(&plain);
	if (!ok) {
		pp_fail(p, start,
			!closed		     ? "unterminated regular expression"
			: v == REGEX_TOO_BIG ? "regular expression too complex (a quantifier on a "
					       "quantifier, more than 10000 parts or 1000 optional "
					       "parts once repetitions are counted)"
					     : "unsupported regular expression");
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
