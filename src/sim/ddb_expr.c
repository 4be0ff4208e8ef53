/*
 * DynamoDB expressions over top-level attributes, evaluated while they are parsed:
 * conditions (ConditionExpression, FilterExpression, KeyConditionExpression: comparisons,
 * BETWEEN, IN, AND/OR/NOT, attribute_exists, attribute_not_exists, attribute_type,
 * begins_with, contains) and UpdateExpression clauses (SET with `+`/`-`, if_not_exists and
 * list_append; REMOVE; ADD; DELETE).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
 * Nested paths (a.b, a[0]) and size() are refused with a ValidationException naming them.
 */
#include "ddb.h"

#include "base/base.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum tok { T_END, T_NAME, T_VALUE, T_OP, T_LP, T_RP, T_COMMA, T_PLUS, T_MINUS, T_BAD };

struct parser {
	struct ddb_expr_ctx *c;
	const char *s;
	size_t pos;
	enum tok kind;
	const char *start; /* current token */
	size_t len;
	json_t *item; /* borrowed: the item conditions and operands read */
};

static bool fail(struct parser *p, const char *fmt, const char *what, size_t n)
{
	if (!p->c->error)
		p->c->error = xasprintf(fmt, (int)n, what);
	p->kind = T_BAD;
	return false;
}

static void next(struct parser *p)
{
	const char *s = p->s;
	while (isspace((unsigned char)s[p->pos]))
		p->pos++;
	p->start = s + p->pos;
	char ch = s[p->pos];
	size_t n = 1;
	if (!ch) {
		p->kind = T_END;
		n = 0;
	} else if (isalpha((unsigned char)ch) || ch == '_' || ch == '#' || ch == ':') {
		p->kind = ch == ':' ? T_VALUE : T_NAME;
		while (isalnum((unsigned char)s[p->pos + n]) || s[p->pos + n] == '_')
			n++;
	} else if (ch == '<' || ch == '>') {
		p->kind = T_OP;
		if (s[p->pos + 1] == '=' || (ch == '<' && s[p->pos + 1] == '>'))
			n = 2;
	} else if (ch == '=') {
		p->kind = T_OP;
	} else {
		const char *k = strchr("(),+-", ch);
		static const enum tok kinds[] = {T_LP, T_RP, T_COMMA, T_PLUS, T_MINUS};
		p->kind = k ? kinds[k - "(),+-"] : T_BAD;
		if (ch == '.' || ch == '[')
			fail(p,
			     "stepscope's DynamoDB model supports top-level attributes only, not "
			     "'%.*s' paths",
			     p->start, 1);
		else if (!k)
			fail(p, "Invalid expression: unexpected '%.*s'", p->start, 1);
	}
	p->len = n;
	p->pos += n;
}

static bool is_word(const struct parser *p, const char *w)
{
	return p->kind == T_NAME && p->len == strlen(w) && strncasecmp(p->start, w, p->len) == 0;
}

static bool expect(struct parser *p, enum tok k, const char *what)
{
	if (p->kind != k)
		return fail(p, "Invalid expression: expected %.*s", what, strlen(what));
	next(p);
	return true;
}

/* The attribute name of a path token, an alias resolved (owned by the caller); NULL after an
 * error. */
static char *path_name(struct parser *p)
{
	if (p->kind != T_NAME)
		return fail(p, "Invalid expression: expected an attribute name at '%.*s'", p->start,
			    p->len ? p->len : 3),
		       NULL;
	char *name = xstrndup(p->start, p->len);
	if (*name == '#') {
		const char *real = json_string_value(json_object_get(p->c->names, name));
		if (!real) {
			fail(p,
			     "An expression attribute name used in the document path is not "
			     "defined; attribute name: %.*s",
			     name, strlen(name));
			free(name);
			return NULL;
		}
		free(name);
		name = xstrdup(real);
	}
	next(p);
	if (p->kind == T_BAD) {
		free(name);
		return NULL;
	}
	return name;
}

static json_t *value_ref(struct parser *p)
{
	char *alias = xstrndup(p->start, p->len);
	json_t *v = json_object_get(p->c->values, alias);
	if (!v)
		fail(p,
		     "An expression attribute value used in expression is not defined; "
		     "attribute value: %.*s",
		     alias, strlen(alias));
	free(alias);
	next(p);
	return v;
}

/* An operand: a path (its value in the item, NULL when absent) or a :value. *ok is false
 * after an error. */
static json_t *operand(struct parser *p, bool *ok)
{
	*ok = true;
	if (p->kind == T_VALUE) {
		json_t *v = value_ref(p);
		*ok = v != NULL;
		return v;
	}
	char *name = path_name(p);
	if (!name) {
		*ok = false;
		return NULL;
	}
	json_t *v = json_object_get(p->item, name);
	free(name);
	return v;
}

static const char *av_type(json_t *av)
{
	const char *k = json_object_size(av) == 1 ? json_object_iter_key(json_object_iter(av)) : "";
	return k;
}

bool ddb_av_compare(json_t *a, json_t *b, int *cmp)
{
	if (!a || !b || strcmp(av_type(a), av_type(b)) != 0)
		return false;
	const char *t = av_type(a);
	const char *x = json_string_value(json_object_get(a, t));
	const char *y = json_string_value(json_object_get(b, t));
	if (!x || !y)
		return false;
	if (strcmp(t, "N") == 0) {
		double dx = strtod(x, NULL), dy = strtod(y, NULL);
		*cmp = dx < dy ? -1 : dx > dy;
		return true;
	}
	if (strcmp(t, "S") != 0 && strcmp(t, "B") != 0)
		return false;
	int r = strcmp(x, y);
	*cmp = r < 0 ? -1 : r > 0;
	return true;
}

static bool av_equal(json_t *a, json_t *b)
{
	int cmp;
	if (ddb_av_compare(a, b, &cmp))
		return cmp == 0;
	return a && b && json_equal(a, b);
}

static bool compare(const char *op, size_t n, json_t *a, json_t *b)
{
	if (n == 1 && *op == '=')
		return av_equal(a, b);
	if (n == 2 && op[0] == '<' && op[1] == '>')
		return a && b && !av_equal(a, b);
	int cmp;
	if (!ddb_av_compare(a, b, &cmp))
		return false;
	if (*op == '<')
		return n == 2 ? cmp <= 0 : cmp < 0;
	return n == 2 ? cmp >= 0 : cmp > 0;
}

static bool contains(json_t *a, json_t *b)
{
	if (!a || !b)
		return false;
	const char *t = av_type(a);
	json_t *inner = json_object_get(a, t);
	if (strcmp(t, "S") == 0 && strcmp(av_type(b), "S") == 0)
		return strstr(json_string_value(inner), json_string_value(json_object_get(b, "S")));
	size_t i;
	json_t *el;
	if (strcmp(t, "L") == 0) {
		json_array_foreach(inner, i, el) if (av_equal(el, b)) return true;
		return false;
	}
	if (strlen(t) == 2 && t[1] == 'S' && strlen(av_type(b)) == 1 && av_type(b)[0] == t[0]) {
		json_t *want = json_object_get(b, av_type(b));
		json_array_foreach(inner, i, el) if (json_equal(el, want)) return true;
	}
	return false;
}

static int condition(struct parser *p);

/* A function call of a condition; p is on its name. */
static int function(struct parser *p)
{
	static const char *const fns[] = {"attribute_exists", "attribute_not_exists",
					  "attribute_type", "begins_with", "contains"};
	size_t f = 0;
	while (f < ARRAY_LEN(fns) && !is_word(p, fns[f]))
		f++;
	if (f == ARRAY_LEN(fns))
		return fail(p, "Invalid function name; function: %.*s", p->start, p->len), -1;
	next(p);
	bool ok;
	if (!expect(p, T_LP, "'('"))
		return -1;
	json_t *a = operand(p, &ok);
	json_t *b = NULL;
	if (ok && f >= 2 && expect(p, T_COMMA, "','"))
		b = operand(p, &ok);
	if (!ok || p->kind == T_BAD || !expect(p, T_RP, "')'"))
		return -1;
	switch (f) {
	case 0:
		return a != NULL;
	case 1:
		return a == NULL;
	case 2:
		return a && strcmp(av_type(a), json_string_value(json_object_get(b, "S"))
						   ? json_string_value(json_object_get(b, "S"))
						   : "") == 0;
	case 3: {
		const char *t = av_type(a);
		if (!a || !b || strcmp(t, av_type(b)) != 0 || (strcmp(t, "S") && strcmp(t, "B")))
			return 0;
		const char *x = json_string_value(json_object_get(a, t));
		const char *y = json_string_value(json_object_get(b, t));
		return strncmp(x, y, strlen(y)) == 0;
	}
	default:
		return contains(a, b);
	}
}

/* operand (comparator operand | BETWEEN operand AND operand | IN (operand, ...)) */
static int comparison(struct parser *p)
{
	bool ok;
	json_t *a = operand(p, &ok);
	if (!ok)
		return -1;
	if (p->kind == T_OP) {
		const char *op = p->start;
		size_t n = p->len;
		next(p);
		json_t *b = operand(p, &ok);
		return ok ? compare(op, n, a, b) : -1;
	}
	if (is_word(p, "BETWEEN")) {
		next(p);
		json_t *lo = operand(p, &ok);
		if (!ok || !is_word(p, "AND"))
			return fail(p, "Invalid expression: BETWEEN needs AND%.*s", "", 0), -1;
		next(p);
		json_t *hi = operand(p, &ok);
		return ok ? compare(">=", 2, a, lo) && compare("<=", 2, a, hi) : -1;
	}
	if (is_word(p, "IN")) {
		next(p);
		if (!expect(p, T_LP, "'('"))
			return -1;
		bool found = false;
		do {
			if (p->kind == T_COMMA)
				next(p);
			json_t *b = operand(p, &ok);
			if (!ok)
				return -1;
			found = found || av_equal(a, b);
		} while (p->kind == T_COMMA);
		return expect(p, T_RP, "')'") ? found : -1;
	}
	return fail(p, "Invalid expression: expected a comparison at '%.*s'", p->start,
		    p->len ? p->len : 3),
	       -1;
}

static int primary(struct parser *p)
{
	if (is_word(p, "NOT")) {
		next(p);
		int r = primary(p);
		return r < 0 ? r : !r;
	}
	if (p->kind == T_LP) {
		next(p);
		int r = condition(p);
		return r < 0 || !expect(p, T_RP, "')'") ? -1 : r;
	}
	if (p->kind == T_NAME && p->s[p->pos] == '(')
		return function(p);
	return comparison(p);
}

static int conjunction(struct parser *p)
{
	int r = primary(p);
	while (r >= 0 && is_word(p, "AND")) {
		next(p);
		int s = primary(p);
		r = s < 0 ? s : r && s;
	}
	return r;
}

static int condition(struct parser *p)
{
	int r = conjunction(p);
	while (r >= 0 && is_word(p, "OR")) {
		next(p);
		int s = conjunction(p);
		r = s < 0 ? s : r || s;
	}
	return r;
}

int ddb_cond_eval(struct ddb_expr_ctx *c, const char *expr, json_t *item)
{
	struct parser p = {.c = c, .s = expr, .item = item};
	next(&p);
	int r = condition(&p);
	if (r >= 0 && p.kind != T_END)
		fail(&p, "Invalid expression: unexpected '%.*s'", p.start, p.len);
	return c->error ? -1 : r;
}

/* ---- UpdateExpression ---- */

static json_t *number_av(double v)
{
	char buf[64];
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, sizeof(buf), "%.0f", v);
	else
		snprintf(buf, sizeof(buf), "%.17g", v);
	return json_pack("{s:s}", "N", buf);
}

/* A SET value operand: path, :value, if_not_exists(path, value), list_append(a, b). New
 * reference, NULL after an error (or when a path is absent: an error too). */
static json_t *set_operand(struct parser *p)
{
	bool ok;
	if (is_word(p, "if_not_exists") || is_word(p, "list_append")) {
		bool ine = is_word(p, "if_not_exists");
		next(p);
		if (!expect(p, T_LP, "'('"))
			return NULL;
		json_t *a = ine ? operand(p, &ok) : set_operand(p);
		if (ine)
			json_incref(a);
		json_t *b =
		    (ine ? ok : a != NULL) && expect(p, T_COMMA, "','") ? set_operand(p) : NULL;
		if (!b || !expect(p, T_RP, "')'")) {
			json_decref(a);
			json_decref(b);
			return NULL;
		}
		if (ine) {
			json_t *r = a ? a : b;
			json_decref(a ? b : NULL);
			return r;
		}
		json_t *la = json_object_get(a, "L"), *lb = json_object_get(b, "L");
		json_t *r = NULL;
		if (json_is_array(la) && json_is_array(lb)) {
			r = json_pack("{s:O}", "L", la);
			json_array_extend(json_object_get(r, "L"), lb);
		} else {
			fail(p,
			     "Invalid UpdateExpression: Incorrect operand type for operator or "
			     "function; operator or function: list_append%.*s",
			     "", 0);
		}
		json_decref(a);
		json_decref(b);
		return r;
	}
	json_t *v = operand(p, &ok);
	if (ok && !v)
		fail(p,
		     "The provided expression refers to an attribute that does not exist in "
		     "the item%.*s",
		     "", 0);
	return ok && v ? json_incref(v) : NULL;
}

/* value ::= operand [('+' | '-') operand] */
static json_t *set_value(struct parser *p)
{
	json_t *a = set_operand(p);
	if (!a || (p->kind != T_PLUS && p->kind != T_MINUS))
		return a;
	bool plus = p->kind == T_PLUS;
	next(p);
	json_t *b = set_operand(p);
	const char *x = json_string_value(json_object_get(a, "N"));
	const char *y = json_string_value(json_object_get(b, "N"));
	json_t *r = NULL;
	if (x && y)
		r = number_av(plus ? strtod(x, NULL) + strtod(y, NULL)
				   : strtod(x, NULL) - strtod(y, NULL));
	else if (b)
		fail(p,
		     "Invalid UpdateExpression: Incorrect operand type for operator or "
		     "function; operator: %.*s",
		     plus ? "+" : "-", 1);
	json_decref(a);
	json_decref(b);
	return r;
}

/* ADD to a number or a set, DELETE from a set: the new value (NULL = remove the attribute,
 * *err after an error). */
static json_t *add_delete(struct parser *p, bool add, json_t *cur, json_t *v, bool *err)
{
	const char *t = av_type(v);
	*err = false;
	if (add && strcmp(t, "N") == 0) {
		const char *x = json_string_value(json_object_get(cur, "N"));
		if (cur && !x)
			goto bad;
		double base = x ? strtod(x, NULL) : 0;
		return number_av(base + strtod(json_string_value(json_object_get(v, "N")), NULL));
	}
	if (strlen(t) != 2 || t[1] != 'S' || (cur && strcmp(av_type(cur), t) != 0))
		goto bad;
	json_t *out = json_array();
	size_t i;
	json_t *el;
	if (cur)
		json_array_foreach(json_object_get(cur, t), i, el)
		{
			bool drop = false;
			size_t j;
			json_t *d;
			if (!add)
				json_array_foreach(json_object_get(v, t), j, d) drop =
				    drop || json_equal(el, d);
			if (!drop)
				json_array_append(out, el);
		}
	if (add)
		json_array_foreach(json_object_get(v, t), i, el)
		{
			bool have = false;
			size_t j;
			json_t *d;
			json_array_foreach(out, j, d) have = have || json_equal(el, d);
			if (!have)
				json_array_append(out, el);
		}
	if (json_array_size(out) == 0) { /* an empty set is removed */
		json_decref(out);
		return NULL;
	}
	return json_pack("{s:o}", t, out);
bad:
	*err = true;
	fail(p,
	     "Invalid UpdateExpression: Incorrect operand type for operator or function; "
	     "operator: %.*s",
	     add ? "ADD" : "DELETE", add ? 3 : 6);
	return NULL;
}

/* One action of clause `kind` (SET, REMOVE, ADD, DELETE) on attribute `name`. */
static bool clause_action(struct parser *p, int kind, const char *name, json_t *old, json_t *item)
{
	if (kind == 1) { /* REMOVE */
		json_object_del(item, name);
		return true;
	}
	p->item = old;
	if (kind == 0) {
		if (p->kind != T_OP || p->len != 1 || *p->start != '=')
			return fail(p, "Invalid UpdateExpression: expected '='%.*s", "", 0);
		next(p);
		json_t *v = set_value(p);
		if (!v)
			return false;
		json_object_set_new(item, name, v);
		return true;
	}
	if (p->kind != T_VALUE)
		return fail(p, "Invalid UpdateExpression: expected a value at '%.*s'", p->start,
			    p->len);
	json_t *operand_v = value_ref(p);
	bool err;
	if (!operand_v)
		return false;
	json_t *v = add_delete(p, kind == 2, json_object_get(old, name), operand_v, &err);
	if (err)
		return false;
	if (v)
		json_object_set_new(item, name, v);
	else
		json_object_del(item, name);
	return true;
}

static bool clause(struct parser *p, int kind, json_t *old, json_t *item, json_t *touched)
{
	do {
		if (p->kind == T_COMMA)
			next(p);
		char *name = path_name(p);
		if (!name)
			return false;
		size_t i;
		json_t *seen;
		json_array_foreach(touched, i, seen) if (strcmp(json_string_value(seen), name) == 0)
		{
			fail(p,
			     "Invalid UpdateExpression: Two document paths overlap with each "
			     "other; must remove or rewrite one of these paths; path: [%.*s]",
			     name, strlen(name));
			free(name);
			return false;
		}
		bool ok = clause_action(p, kind, name, old, item);
		json_array_append_new(touched, json_string(name));
		free(name);
		if (!ok)
			return false;
	} while (p->kind == T_COMMA);
	return p->kind != T_BAD;
}

bool ddb_update_apply(struct ddb_expr_ctx *c, const char *expr, json_t *old, json_t *item,
		      json_t *touched)
{
	struct parser p = {.c = c, .s = expr, .item = old};
	static const char *const words[] = {"SET", "REMOVE", "ADD", "DELETE"};
	bool seen[4] = {false};
	next(&p);
	if (p.kind == T_END)
		return fail(&p, "Invalid UpdateExpression: The expression can not be empty;%.*s",
			    "", 0);
	while (p.kind != T_END) {
		int k = 0;
		while (k < 4 && !is_word(&p, words[k]))
			k++;
		if (k == 4 || seen[k])
			return fail(&p,
				    k == 4
					? "Invalid UpdateExpression: Syntax error; token: \"%.*s\""
					: "Invalid UpdateExpression: The \"%.*s\" section can "
					  "only be used once in an update expression;",
				    p.start, p.len);
		seen[k] = true;
		next(&p);
		if (!clause(&p, k, old, item, touched))
			return false;
	}
	return true;
}
