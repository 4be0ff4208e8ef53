/*
 * Parser of intrinsic function calls: `States.Name(arg, ...)` where an argument is a string
 * literal in single quotes (escapes \' \{ \} \\), a number, true, false, null, a path
 * ($..., $$..., $var...) or a nested call. Errors carry byte offsets for validation.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
#include "flow/internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ip {
	const char *s;
	size_t pos;
	char *msg;
	size_t off;
	int depth; /* nested calls; AWS allows 10, the bound only protects the stack */
};

#define MAX_DEPTH 64

static void ip_fail(struct ip *p, size_t at, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void ip_fail(struct ip *p, size_t at, const char *fmt, ...)
{
	if (p->msg)
		return;
	va_list ap;
	va_start(ap, fmt);
	p->msg = xvasprintf(fmt, ap);
	va_end(ap);
	p->off = at;
}

static void ip_space(struct ip *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n')
		p->pos++;
}

static void farg_fini(struct farg *a)
{
	free(a->raw);
	json_decref(a->value);
	fpath_free(a->path);
	free(a->path_text);
	fcall_free(a->call);
}

void fcall_free(struct fcall *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->args.len; i++)
		farg_fini(&c->args.items[i]);
	VEC_FREE(c->args);
	free(c->name);
	free(c);
}

char *farg_unescape(const char *raw)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "");
	for (const char *q = raw; *q; q++) {
		if (*q == '\\' && q[1])
			q++;
		sb_addc(&sb, *q);
	}
	return sb_take(&sb);
}

static bool parse_string(struct ip *p, struct farg *a)
{
	size_t start = ++p->pos;
	while (p->s[p->pos] && p->s[p->pos] != '\'') {
		if (p->s[p->pos] == '\\') {
			if (!p->s[p->pos + 1] || !strchr("'{}\\", p->s[p->pos + 1])) {
				ip_fail(p, p->pos,
					"invalid escape in a string: only \\', \\{, \\} and \\\\ "
					"are allowed");
				return false;
			}
			p->pos++;
		}
		p->pos++;
	}
	if (!p->s[p->pos]) {
		ip_fail(p, start - 1, "unterminated string");
		return false;
	}
	a->kind = FA_STRING;
	a->raw = xstrndup(p->s + start, p->pos - start);
	p->pos++;
	return true;
}

/* A path argument runs to the next ',' or ')' outside brackets and quotes. */
static bool parse_path_arg(struct ip *p, struct farg *a)
{
	size_t start = p->pos;
	int depth = 0;
	char quote = 0;
	for (; p->s[p->pos]; p->pos++) {
		char c = p->s[p->pos];
		if (quote) {
			if (c == '\\' && p->s[p->pos + 1])
				p->pos++;
			else if (c == quote)
				quote = 0;
		} else if (depth > 0 && (c == '\'' || c == '"')) {
			quote = c;
		} else if (c == '[' || (depth > 0 && c == '(')) {
			depth++;
		} else if ((c == ']' || c == ')') && depth > 0) {
			depth--;
		} else if (depth == 0 && (c == ',' || c == ')')) {
			break;
		}
	}
	size_t end = p->pos;
	while (end > start && (p->s[end - 1] == ' ' || p->s[end - 1] == '\t'))
		end--;
	char *msg = NULL;
	size_t off = 0;
	a->kind = FA_PATH;
	a->path_text = xstrndup(p->s + start, end - start);
	a->path = fpath_parse(p->s + start, end - start, &msg, &off);
	if (!a->path) {
		ip_fail(p, start + off, "invalid path: %s", msg);
		free(msg);
		return false;
	}
	return true;
}

static bool parse_number(struct ip *p, struct farg *a)
{
	const char *num = p->s + p->pos;
	char *end;
	double d = strtod(num, &end);
	size_t n = (size_t)(end - num);
	if (n == 0) {
		ip_fail(p, p->pos, "expected a number");
		return false;
	}
	bool integral = !memchr(num, '.', n) && !memchr(num, 'e', n) && !memchr(num, 'E', n);
	errno = 0;
	long long ll = integral ? strtoll(num, NULL, 10) : 0;
	a->kind = FA_NUMBER;
	a->value = integral && !errno ? json_integer(ll) : json_real(d);
	p->pos += n;
	return true;
}

static bool word_at(struct ip *p, const char *w)
{
	size_t n = strlen(w);
	if (strncmp(p->s + p->pos, w, n) != 0 || isalnum((unsigned char)p->s[p->pos + n]))
		return false;
	p->pos += n;
	return true;
}

static struct fcall *parse_call(struct ip *p);

static bool parse_arg(struct ip *p, struct farg *a)
{
	ip_space(p);
	a->offset = p->pos;
	char c = p->s[p->pos];
	if (c == '\'')
		return parse_string(p, a);
	if (c == '$')
		return parse_path_arg(p, a);
	if (c == '-' || isdigit((unsigned char)c))
		return parse_number(p, a);
	if (word_at(p, "null")) {
		a->kind = FA_NULL;
		a->value = json_null();
		return true;
	}
	if (word_at(p, "true") || word_at(p, "false")) {
		a->kind = FA_BOOL;
		a->value = json_boolean(p->s[a->offset] == 't');
		return true;
	}
	if (strncmp(p->s + p->pos, "States.", 7) == 0) {
		if (p->depth >= MAX_DEPTH) {
			ip_fail(p, p->pos, "intrinsic functions are nested too deeply");
			return false;
		}
		a->kind = FA_CALL;
		p->depth++;
		a->call = parse_call(p);
		p->depth--;
		return a->call != NULL;
	}
	ip_fail(p, p->pos,
		c ? "expected a string, number, null, path or intrinsic function"
		  : "unexpected end of the expression");
	return false;
}

static struct fcall *parse_call(struct ip *p)
{
	ip_space(p);
	size_t start = p->pos;
	while (isalnum((unsigned char)p->s[p->pos]) || p->s[p->pos] == '.' || p->s[p->pos] == '_')
		p->pos++;
	if (p->pos == start || strncmp(p->s + start, "States.", 7) != 0) {
		ip_fail(p, start, "expected an intrinsic function name such as States.Format");
		return NULL;
	}
	struct fcall *c = xcalloc(1, sizeof(*c));
	c->name = xstrndup(p->s + start, p->pos - start);
	c->offset = start;
	ip_space(p);
	if (p->s[p->pos] != '(') {
		ip_fail(p, p->pos, "expected '(' after %s", c->name);
		fcall_free(c);
		return NULL;
	}
	p->pos++;
	ip_space(p);
	if (p->s[p->pos] == ')') {
		p->pos++;
		return c;
	}
	for (;;) {
		struct farg a = {0};
		bool ok = parse_arg(p, &a);
		VEC_PUSH(c->args, a);
		if (!ok) {
			fcall_free(c);
			return NULL;
		}
		ip_space(p);
		if (p->s[p->pos] == ')') {
			p->pos++;
			return c;
		}
		if (p->s[p->pos] != ',') {
			if (p->s[p->pos])
				ip_fail(p, p->pos, "expected ',' or ')'");
			else
				ip_fail(p, p->pos, "missing ')' at the end of %s", c->name);
			fcall_free(c);
			return NULL;
		}
		p->pos++;
	}
}

struct fcall *fcall_parse(const char *s, char **message, size_t *offset)
{
	struct ip p = {.s = s};
	struct fcall *c = parse_call(&p);
	if (c) {
		ip_space(&p);
		if (p.s[p.pos]) {
			ip_fail(&p, p.pos, "unexpected text after the closing ')'");
			fcall_free(c);
			c = NULL;
		}
	}
	if (!c)
		flow_hand_error(p.msg, p.off, message, offset);
	return c;
}

bool flow_check_intrinsic(const char *expr, char **message, size_t *offset)
{
	char *msg = NULL;
	size_t off = 0;
	struct fcall *c = fcall_parse(expr, &msg, &off);
	if (c)
		msg = fcall_check(c, &off);
	fcall_free(c);
	return flow_hand_error(msg, off, message, offset);
}
