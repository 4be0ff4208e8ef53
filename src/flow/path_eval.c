/*
 * JSONPath evaluation with Jayway's semantics (the library Step Functions uses): a definite
 * path yields one value or fails naming the first missing step ("Missing property in path
 * $['a']"); an indefinite path yields the array of its matches, possibly empty. Its definite
 * prefix (the steps before the first wildcard, filter, slice, list or `..`) must resolve like
 * a definite path; after that, branches where a step does not apply are skipped.
 */
#include "flow/internal.h"
#include "doc/doc.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

/*
 * The work one evaluation may do, shared by the paths nested in its filters (each filter
 * operand starts a walk of its own): filters nested in filters, each with a deep scan, cost
 * O(nodes^depth). One step is one node visited or one element compared.
 */
struct budget {
	size_t left;
	bool over;
};

struct walk {
	json_t *input; /* for `$` inside filters */
	const struct flow_env *env;
	struct budget *budget; /* borrowed, shared with nested walks */
	VEC(json_t *) out;     /* borrowed matches */
	VEC(json_t *) made;    /* owned: the merged objects of a final name list */
};

/* A final name list's object (new reference): the names node has, in the list's order
 * (Jayway's merge case: a missing name is left out, no failure). */
static json_t *merged(const struct fseg *g, json_t *node)
{
	json_t *m = json_object();
	for (size_t k = 0; k < g->names.len; k++) {
		json_t *v = json_object_get(node, g->names.items[k]);
		if (v)
			json_object_set(m, g->names.items[k], v);
	}
	return m;
}

/* Takes n steps from the budget; false (from then on) once it is spent. */
static bool spend(struct budget *b, size_t n)
{
	if (b->over || n > b->left) {
		b->over = true;
		return false;
	}
	b->left -= n;
	return true;
}

void fpath_step_name(struct strbuf *sb, const char *name)
{
	sb_add(sb, "['");
	sb_add(sb, name);
	sb_add(sb, "']");
}

static json_t *root_of(const struct fpath *p, json_t *input, json_t *current,
		       const struct flow_env *env, char **why)
{
	switch (p->root) {
	case FROOT_INPUT:
		return input;
	case FROOT_CURRENT:
		return current;
	case FROOT_CONTEXT:
		if (env && env->context)
			return env->context;
		*why = xstrdup("The context object is not available");
		return NULL;
	case FROOT_VAR: {
		json_t *v = env && env->variables ? json_object_get(env->variables, p->var) : NULL;
		if (!v)
			*why = xasprintf("The variable '$%s' is not defined", p->var);
		return v;
	}
	}
	return NULL;
}

static const char *root_text(const struct fpath *p)
{
	return p->root == FROOT_CONTEXT ? "$$" : p->root == FROOT_CURRENT ? "@" : "$";
}

/* Jayway's rendering of the first `upto` segments, all definite: $['a'][0]['b']. */
static char *render_definite(const struct fpath *p, size_t upto)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, root_text(p));
	for (size_t i = 0; i < upto; i++) {
		const struct fseg *g = &p->segs.items[i];
		if (g->kind == FSEG_NAME)
			fpath_step_name(&sb, g->names.items[0]);
		else
			sb_addf(&sb, "[%lld]", g->indexes.items[0]);
	}
	return sb_take(&sb);
}

/*
 * Follows the first `upto` segments, which are definite. The messages are Jayway's
 * (PathToken, PropertyPathToken, ArrayIndexToken): a missing property before the last step
 * of the whole path is "Missing property in path <up to it>" (observed on AWS); a missing
 * last property or an index out of bounds leaves no result: "No results for path: <path>".
 */
static json_t *walk_definite(const struct fpath *p, json_t *node, size_t upto, char **why)
{
	struct strbuf where;
	sb_init(&where);
	sb_add(&where, root_text(p));
	for (size_t i = 0; i < upto && node; i++) {
		const struct fseg *g = &p->segs.items[i];
		bool last = i + 1 == p->segs.len;
		if (g->kind == FSEG_NAME) {
			const char *name = g->names.items[0];
			if (!json_is_object(node)) {
				*why =
				    xasprintf("Expected to find an object with property ['%s'] in "
					      "path %s but found %s",
					      name, sb_str(&where), doc_type_phrase(node));
				node = NULL;
				break;
			}
			fpath_step_name(&where, name);
			node = json_object_get(node, name);
			if (!node && !last)
				*why = xasprintf("Missing property in path %s", sb_str(&where));
		} else {
			long long idx = g->indexes.items[0];
			if (!json_is_array(node)) {
				char *shown = flow_dump(node, 200);
				*why = xasprintf(
				    "Filter: [%lld] can only be applied to arrays. Current "
				    "context is: %s",
				    idx, shown);
				free(shown);
				node = NULL;
				break;
			}
			sb_addf(&where, "[%lld]", idx);
			long long n = (long long)json_array_size(node);
			if (idx < 0)
				idx += n;
			node = idx >= 0 && idx < n ? json_array_get(node, (size_t)idx) : NULL;
		}
	}
	if (!node && !*why) {
		char *whole = render_definite(p, upto);
		*why = xasprintf("No results for path: %s", whole);
		free(whole);
	}
	sb_fini(&where);
	return node;
}

static size_t definite_prefix(const struct fpath *p)
{
	size_t k = 0;
	while (k < p->segs.len && fpath_seg_definite(&p->segs.items[k]))
		k++;
	return k;
}

/*
 * Jayway also fails when the first indefinite step cannot apply to a node reached by a
 * definite path: a slice or index list on a non-array, a filter on a scalar, names on a
 * non-object (awslabs/states-language#12: "$.vals[3:]" with "vals": 0 fails). A wildcard or
 * a deep scan never fails.
 */
static bool first_step_applies(const struct fseg *g, json_t *node, char **why)
{
	if (g->deep || g->kind == FSEG_WILD)
		return true;
	char *shown = flow_dump(node, 200);
	if ((g->kind == FSEG_INDEX || g->kind == FSEG_SLICE) && !json_is_array(node))
		*why = xasprintf("Filter: an index or slice can only be applied to arrays. Current "
				 "context is: %s",
				 shown);
	else if (g->kind == FSEG_FILTER && !json_is_array(node) && !json_is_object(node))
		*why = xasprintf("Filter: [?] can not be applied to primitives. Current context "
				 "is: %s",
				 shown);
	else if (g->kind == FSEG_NAME && !json_is_object(node))
		*why = xasprintf("Expected to find an object with properties but found %s",
				 doc_type_phrase(node));
	free(shown);
	return *why == NULL;
}

static void apply(struct walk *w, const struct fpath *p, size_t i, json_t *node);
static bool fx_test(struct walk *w, const struct fexpr *e, json_t *cur);

/*
 * Jayway's ArraySliceToken: [from:] and [:to] count a negative bound from the end, but
 * [from:to] takes both as written: to is cut to the length, nothing when from >= to, and each
 * position from..to-1 is read as an index (a negative one from the end, out of range
 * skipped). So [1:-1] is empty and [-2:4] on five items gives items 3, 4, 0, 1, 2, 3.
 */
static void slice(struct walk *w, const struct fpath *p, size_t i, json_t *node)
{
	const struct fseg *g = &p->segs.items[i];
	long long n = (long long)json_array_size(node);
	long long from = g->has_start ? g->start : 0, to = g->has_end ? g->end : n;
	if (!(g->has_start && g->has_end)) {
		if (from < 0)
			from = from + n < 0 ? 0 : from + n;
		if (to < 0)
			to += n;
	}
	if (to > n)
		to = n;
	if (from < -n) /* positions before -n read nothing: skipped without a walk */
		from = -n;
	for (long long j = from; j < to && !w->budget->over; j++) {
		long long at = j < 0 ? j + n : j;
		if (at >= 0)
			apply(w, p, i + 1, json_array_get(node, (size_t)at));
	}
}

static void step(struct walk *w, const struct fpath *p, size_t i, json_t *node)
{
	if (w->budget->over)
		return;
	const struct fseg *g = &p->segs.items[i];
	const char *key;
	json_t *child;
	size_t k;
	switch (g->kind) {
	case FSEG_NAME:
		if (!json_is_object(node))
			return;
		if (g->merge) {
			VEC_PUSH(w->made, merged(g, node));
			apply(w, p, i + 1, w->made.items[w->made.len - 1]);
			return;
		}
		for (k = 0; k < g->names.len; k++) {
			child = json_object_get(node, g->names.items[k]);
			if (child)
				apply(w, p, i + 1, child);
		}
		return;
	case FSEG_WILD:
		if (json_is_object(node)) {
			json_object_foreach(node, key, child) apply(w, p, i + 1, child);
		} else {
			json_array_foreach(node, k, child) apply(w, p, i + 1, child);
		}
		return;
	case FSEG_INDEX:
		if (!json_is_array(node))
			return;
		for (k = 0; k < g->indexes.len; k++) {
			long long n = (long long)json_array_size(node), idx = g->indexes.items[k];
			if (idx < 0)
				idx += n;
			if (idx >= 0 && idx < n)
				apply(w, p, i + 1, json_array_get(node, (size_t)idx));
		}
		return;
	case FSEG_SLICE:
		if (json_is_array(node))
			slice(w, p, i, node);
		return;
	case FSEG_FUNC: /* applied to the whole result by fpath_eval */
		return;
	case FSEG_FILTER:
		if (json_is_array(node)) {
			json_array_foreach(node, k, child) if (fx_test(w, g->filter, child))
			    apply(w, p, i + 1, child);
		} else if (json_is_object(node) && fx_test(w, g->filter, node)) {
			apply(w, p, i + 1, node);
		}
		return;
	}
}

/* `..`: the step applies to the node and to every descendant, in document order. */
static void deep(struct walk *w, const struct fpath *p, size_t i, json_t *node)
{
	if (!spend(w->budget, 1))
		return;
	step(w, p, i, node);
	const char *key;
	json_t *child;
	size_t k;
	if (json_is_object(node)) {
		json_object_foreach(node, key, child)
		{
			if (w->budget->over)
				return;
			deep(w, p, i, child);
		}
	} else if (json_is_array(node)) {
		json_array_foreach(node, k, child)
		{
			if (w->budget->over)
				return;
			deep(w, p, i, child);
		}
	}
}

static void apply(struct walk *w, const struct fpath *p, size_t i, json_t *node)
{
	if (!spend(w->budget, 1))
		return;
	if (i == p->segs.len)
		VEC_PUSH(w->out, node);
	else if (p->segs.items[i].deep)
		deep(w, p, i, node);
	else
		step(w, p, i, node);
}

static json_t *eval(const struct fpath *p, json_t *input, json_t *current,
		    const struct flow_env *env, struct budget *budget, char **why);

/* An operand's value (new reference), or NULL when a definite path finds nothing. */
static json_t *operand(struct walk *w, const struct fexpr *e, json_t *cur)
{
	if (e->kind == FX_LIT)
		return json_incref(e->lit);
	char *why = NULL;
	json_t *v = eval(e->path, w->input, cur, w->env, w->budget, &why);
	free(why);
	return v;
}

/* A number as Java's BigDecimal.toString writes the value Jayway holds: an integer's digits,
 * a real as Double.toString gives it for the usual range ("5.0", "0.25"); the shortest
 * round-tripping digits otherwise. Owned by the caller. */
static char *number_text(json_t *n)
{
	if (json_is_integer(n))
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(n));
	double d = json_real_value(n);
	if (d == floor(d) && fabs(d) < 1e7)
		return xasprintf("%.1f", d);
	for (int prec = 1; prec < 17; prec++) {
		char *t = xasprintf("%.*g", prec, d);
		if (strtod(t, NULL) == d)
			return t;
		free(t);
	}
	return xasprintf("%.17g", d);
}

/* A string as Java's BigDecimal reads it (sign, digits, a point, an exponent; nothing else),
 * into *out; false when it is not such a number. */
static bool decimal_text(const char *s, double *out)
{
	size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0, digits = 0;
	for (; isdigit((unsigned char)s[i]) || s[i] == '.'; i++)
		digits += s[i] != '.';
	if (digits == 0)
		return false;
	if (s[i] == 'e' || s[i] == 'E') {
		i += (s[i + 1] == '-' || s[i + 1] == '+') ? 2 : 1;
		if (!isdigit((unsigned char)s[i]))
			return false;
		while (isdigit((unsigned char)s[i]))
			i++;
	}
	char *end;
	*out = strtod(s, &end);
	return s[i] == '\0' && end == s + i;
}

/*
 * Jayway's `==` (EqualsEvaluator: left.equals(right)) across a string and a number: a string
 * on the left equals a number whose text it is (StringNode.equals), a number on the left
 * equals a string that reads as the same number (NumberNode.equals: BigDecimal compareTo).
 * So [?(@.p == 5)] keeps {"p": "5"} too. Other kinds compare by kind.
 */
static bool values_equal(json_t *a, json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return fnum_compare(a, b) == 0;
	if (json_is_string(a) && json_is_number(b)) {
		char *t = number_text(b);
		bool eq = strcmp(json_string_value(a), t) == 0;
		free(t);
		return eq;
	}
	double d;
	if (json_is_number(a) && json_is_string(b))
		return decimal_text(json_string_value(b), &d) && d == json_number_value(a);
	return json_equal(a, b);
}

static bool contains(struct budget *b, json_t *arr, json_t *v)
{
	size_t i;
	json_t *item;
	json_array_foreach(arr, i, item)
	{
		if (!spend(b, 1))
			return false;
		if (values_equal(v, item)) /* Jayway: the value's equals, given the item */
			return true;
	}
	return false;
}

/* How many items of a (an array) are in b (an array). */
static size_t count_in(struct budget *bg, json_t *a, json_t *b)
{
	size_t i, n = 0;
	json_t *item;
	json_array_foreach(a, i, item) n += contains(bg, b, item);
	return n;
}

static json_int_t length_of(json_t *v)
{
	if (json_is_array(v))
		return (json_int_t)json_array_size(v);
	if (json_is_string(v))
		return (json_int_t)json_string_length(v);
	return -1;
}

/* Jayway's word operators: membership and sizes. */
static bool compare_words(struct budget *bg, enum fcmp op, json_t *a, json_t *b)
{
	bool arrays = json_is_array(a) && json_is_array(b);
	switch (op) {
	case FC_IN:
		return json_is_array(b) && contains(bg, b, a);
	case FC_NIN:
		return !(json_is_array(b) && contains(bg, b, a));
	case FC_SUBSETOF:
		return arrays && count_in(bg, a, b) == json_array_size(a);
	case FC_ANYOF:
		return arrays && count_in(bg, a, b) > 0;
	case FC_NONEOF:
		return arrays && count_in(bg, a, b) == 0;
	case FC_SIZE:
		return json_is_integer(b) && length_of(a) == json_integer_value(b);
	default: /* FC_EMPTY */
		return json_is_boolean(b) && length_of(a) >= 0 &&
		       (length_of(a) == 0) == json_is_true(b);
	}
}

static bool compare(struct budget *bg, enum fcmp op, json_t *a, json_t *b)
{
	if (op >= FC_IN)
		return a && b && compare_words(bg, op, a, b);
	if (op == FC_EQ || op == FC_NE) {
		bool eq = a && b && values_equal(a, b);
		return op == FC_EQ ? eq : !eq;
	}
	int c;
	if (a && b && json_is_number(a) && json_is_number(b))
		c = fnum_compare(a, b);
	else if (a && b && json_is_string(a) && json_is_string(b))
		c = strcmp(json_string_value(a), json_string_value(b));
	else
		return false;
	return fcmp_holds(op, c);
}

static bool fx_test(struct walk *w, const struct fexpr *e, json_t *cur)
{
	if (!spend(w->budget, 1))
		return false;
	switch (e->kind) {
	case FX_OR:
		return fx_test(w, e->a, cur) || fx_test(w, e->b, cur);
	case FX_AND:
		return fx_test(w, e->a, cur) && fx_test(w, e->b, cur);
	case FX_NOT:
		return !fx_test(w, e->a, cur);
	case FX_EXISTS: {
		json_t *v = operand(w, e->a, cur);
		bool ok = v && (e->a->path->definite || json_array_size(v) > 0);
		/* Jayway tests existence with REQUIRE_PROPERTIES: a final name list needs them
		 * all (PathToken.handleObjectProperty's merge throws on a missing one). */
		const struct fpath *ap = e->a->path;
		const struct fseg *last = ap->segs.len ? &ap->segs.items[ap->segs.len - 1] : NULL;
		if (ok && ap->definite && last && last->merge)
			ok = json_object_size(v) == last->names.len;
		json_decref(v);
		return ok;
	}
	case FX_REGEX: {
		json_t *v = operand(w, e->a, cur);
		bool ok = json_is_string(v) && spend(w->budget, json_string_length(v)) &&
			  regexec(e->regex, json_string_value(v), 0, NULL, 0) == 0;
		json_decref(v);
		return ok;
	}
	case FX_CMP: {
		json_t *a = operand(w, e->a, cur), *b = operand(w, e->b, cur);
		bool ok = compare(w->budget, e->op, a, b);
		json_decref(a);
		json_decref(b);
		return ok;
	}
	default:
		return false;
	}
}

/* Jayway's path functions: length() and size() count, the aggregations return reals. */
static json_t *apply_function(const char *fn, json_t *v, char **why)
{
	if (!strcmp(fn, "length") || !strcmp(fn, "size")) {
		if (json_is_array(v))
			return json_integer((json_int_t)json_array_size(v));
		if (json_is_object(v))
			return json_integer((json_int_t)json_object_size(v));
		if (json_is_string(v)) {
			json_int_t n = 0;
			for (const char *q = json_string_value(v); *q; q++)
				n += ((unsigned char)*q & 0xC0) != 0x80;
			return json_integer(n);
		}
		*why = xasprintf("%s() can only be applied to an array, object or string", fn);
		return NULL;
	}
	double sum = 0, sumsq = 0, lo = 0, hi = 0;
	size_t n = 0, i;
	json_t *item;
	json_array_foreach(v, i, item)
	{
		if (!json_is_number(item))
			continue;
		double d = json_number_value(item);
		lo = n == 0 || d < lo ? d : lo;
		hi = n == 0 || d > hi ? d : hi;
		sum += d;
		sumsq += d * d;
		n++;
	}
	if (n == 0) {
		*why = xasprintf("Aggregation function attempted to calculate value using empty "
				 "array");
		return NULL;
	}
	double mean = sum / (double)n;
	if (!strcmp(fn, "sum"))
		return json_real(sum);
	if (!strcmp(fn, "min"))
		return json_real(lo);
	if (!strcmp(fn, "max"))
		return json_real(hi);
	if (!strcmp(fn, "avg"))
		return json_real(mean);
	return json_real(sqrt(fmax(0, sumsq / (double)n - mean * mean)));
}

/* The definite path's final name list (segment k) on node: the merged object, or NULL when
 * node is no object, with PropertyPathToken's message for a definite upstream. */
static json_t *merge_definite(const struct fpath *p, size_t k, json_t *node, char **why)
{
	const struct fseg *g = &p->segs.items[k];
	if (json_is_object(node))
		return merged(g, node);
	struct strbuf names;
	sb_init(&names);
	for (size_t i = 0; i < g->names.len; i++)
		sb_addf(&names, "%s'%s'", i ? "," : "[", g->names.items[i]);
	sb_add(&names, "]");
	char *upstream = render_definite(p, k);
	*why = xasprintf("Expected to find an object with property %s in path %s but found %s",
			 sb_str(&names), upstream, doc_type_phrase(node));
	free(upstream);
	sb_fini(&names);
	return NULL;
}

static json_t *eval(const struct fpath *p, json_t *input, json_t *current,
		    const struct flow_env *env, struct budget *budget, char **why)
{
	*why = NULL;
	const struct fseg *last = p->segs.len ? &p->segs.items[p->segs.len - 1] : NULL;
	if (last && last->kind == FSEG_FUNC) {
		struct fpath upstream = *p; /* shares the segments, minus the function */
		upstream.segs.len--;
		json_t *v = eval(&upstream, input, current, env, budget, why);
		json_t *r = v ? apply_function(last->names.items[0], v, why) : NULL;
		json_decref(v);
		return r;
	}
	json_t *root = root_of(p, input, current, env, why);
	if (!root)
		return NULL;
	size_t k = definite_prefix(p);
	json_t *node = walk_definite(p, root, k, why);
	if (!node)
		return NULL;
	if (p->definite && k == p->segs.len)
		return json_incref(node);
	if (p->definite)
		return merge_definite(p, k, node, why);
	if (!first_step_applies(&p->segs.items[k], node, why))
		return NULL;
	struct walk w = {.input = input, .env = env, .budget = budget};
	apply(&w, p, k, node);
	json_t *arr = NULL;
	if (budget->over) {
		*why = xasprintf("%s: it takes more than %d steps", FPATH_BUDGET_PREFIX,
				 FPATH_MAX_STEPS);
	} else {
		arr = json_array();
		for (size_t i = 0; i < w.out.len; i++)
			json_array_append(arr, w.out.items[i]);
	}
	VEC_FREE(w.out);
	for (size_t i = 0; i < w.made.len; i++)
		json_decref(w.made.items[i]);
	VEC_FREE(w.made);
	return arr;
}

json_t *fpath_eval(const struct fpath *p, json_t *input, json_t *current,
		   const struct flow_env *env, char **why)
{
	struct budget budget = {.left = FPATH_MAX_STEPS};
	return eval(p, input, current, env, &budget, why);
}

bool fpath_over_budget(const char *why)
{
	return why && strncmp(why, FPATH_BUDGET_PREFIX, strlen(FPATH_BUDGET_PREFIX)) == 0;
}

bool fpath_set(const struct fpath *p, json_t **doc, json_t *value, size_t *failed)
{
	if (p->segs.len == 0) {
		json_decref(*doc);
		*doc = json_incref(value);
		return true;
	}
	json_t *node = *doc;
	bool ok = true;
	for (size_t i = 0; i < p->segs.len && ok; i++) {
		const struct fseg *g = &p->segs.items[i];
		bool last = i + 1 == p->segs.len;
		*failed = i;
		if (g->kind == FSEG_NAME) {
			const char *name = g->names.items[0];
			if (!json_is_object(node)) {
				ok = false;
			} else if (last) {
				json_object_set(node, name, value);
			} else {
				json_t *child = json_object_get(node, name);
				if (!child) {
					child = json_object();
					json_object_set_new(node, name, child);
				}
				node = child;
			}
			continue;
		}
		long long idx = g->indexes.items[0];
		long long n = json_is_array(node) ? (long long)json_array_size(node) : 0;
		if (idx < 0)
			idx += n;
		if (!json_is_array(node) || idx < 0 || idx >= n)
			ok = false;
		else if (last)
			json_array_set(node, (size_t)idx, value);
		else
			node = json_array_get(node, (size_t)idx);
	}
	return ok;
}
