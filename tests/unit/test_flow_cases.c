/*
 * Golden cases of src/flow, read from tests/flow/NAME.cases (run from the repository root);
 * each case is one cmocka test. Format (see tests/flow/README.md):
 *
 *   @ case-name
 *   kind: select
 *   input: {"a": 1}
 *   expr: $.a
 *   want: 1
 *
 * Fields hold one line each; a line starting with whitespace continues the previous field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"
#include "doc/doc.h"

#define MAX_FIELDS 12

struct field {
	char *key, *value;
};

struct fcase {
	char *name; /* file:case */
	struct field fields[MAX_FIELDS];
	size_t nfields;
};

static VEC(struct fcase *) cases;

static const char *get(const struct fcase *c, const char *key)
{
	for (size_t i = 0; i < c->nfields; i++)
		if (strcmp(c->fields[i].key, key) == 0)
			return c->fields[i].value;
	return NULL;
}

/* Parses a JSON field; NULL when absent. Fails the test when the JSON is bad. */
static json_t *get_json(const struct fcase *c, const char *key)
{
	const char *text = get(c, key);
	if (!text)
		return NULL;
	json_error_t je;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
	if (!v)
		fail_msg("%s: field %s is not JSON: %s", c->name, key, je.text);
	return v;
}

static char *show(json_t *v)
{
	char *s = v ? doc_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	return s ? s : strdup("(none)");
}

/* Checks the outcome: either `want` (JSON) or `error` (an error name). Takes got. */
static void check_outcome(const struct fcase *c, json_t *got, struct flow_error *err)
{
	const char *want_err = get(c, "error");
	json_t *want = get_json(c, "want");
	bool ok;
	if (want_err)
		ok = !got && err->name && strcmp(err->name, want_err) == 0;
	else
		ok = got && want && json_equal(got, want);
	const char *cause = get(c, "cause");
	if (ok && cause && !(err->cause && strstr(err->cause, cause)))
		ok = false;
	if (!ok) {
		char *g = show(got), *w = show(want);
		print_error("%s:\n  want %s%s\n  got  %s  [error %s: %s]\n", c->name,
			    want_err ? "error " : "", want_err ? want_err : w, g,
			    err->name ? err->name : "-", err->cause ? err->cause : "-");
		free(g);
		free(w);
	}
	json_decref(got);
	json_decref(want);
	flow_error_fini(err);
	if (!ok)
		fail();
}

static void check_bool(const struct fcase *c, bool ok, char *msg, size_t off)
{
	json_t *want = get_json(c, "want");
	const char *want_off = get(c, "offset");
	bool pass = json_is_boolean(want) && json_boolean_value(want) == ok;
	if (pass && !ok && want_off)
		pass = strtoul(want_off, NULL, 10) == off;
	if (!pass)
		print_error("%s: check gave %s (offset %zu: %s)\n", c->name, ok ? "true" : "false",
			    off, msg ? msg : "-");
	free(msg);
	json_decref(want);
	if (!pass)
		fail();
}

/* A string value whose compact JSON text is exactly n bytes (two quotes included). */
static json_t *sized_string(size_t n)
{
	char *s = malloc(n - 1);
	memset(s, 'x', n - 2);
	s[n - 2] = '\0';
	json_t *v = json_string(s);
	free(s);
	return v;
}

static void run_case(void **state)
{
	const struct fcase *c = *state;
	const char *kind = get(c, "kind");
	const char *expr = get(c, "expr");
	json_t *input = get_json(c, "input");
	json_t *spec = get_json(c, "spec");
	json_t *result = get_json(c, "result");
	json_t *context = get_json(c, "context");
	json_t *vars = get_json(c, "variables");
	const char *seed = get(c, "seed");
	struct rng rng;
	rng_seed(&rng, seed ? strtoull(seed, NULL, 10) : 1);
	struct flow_env env = {.context = context, .variables = vars, .rng = &rng};
	struct flow_error err = {0};
	char *msg = NULL;
	size_t off = 0;
	if (!input)
		input = json_object();
	/* Payloads too large to write out: a string of exactly that many JSON bytes. */
	if (get(c, "input_size")) {
		json_decref(input);
		input = sized_string(strtoul(get(c, "input_size"), NULL, 10));
	}
	if (get(c, "result_size")) {
		json_decref(result);
		result = sized_string(strtoul(get(c, "result_size"), NULL, 10));
	}
	assert_non_null(kind);

	if (strcmp(kind, "select") == 0) {
		check_outcome(c, flow_select(input, expr, &env, &err), &err);
	} else if (strcmp(kind, "check") == 0 || strcmp(kind, "checkref") == 0) {
		bool ok = flow_check_path(expr, kind[5] == 'r', &msg, &off);
		check_bool(c, ok, msg, off);
	} else if (strcmp(kind, "expression") == 0) {
		check_outcome(c, flow_expression(expr, input, &env, &err), &err);
	} else if (strcmp(kind, "checkfn") == 0) {
		bool ok = flow_check_intrinsic(expr, &msg, &off);
		check_bool(c, ok, msg, off);
	} else if (strcmp(kind, "input_path") == 0) {
		check_outcome(c, flow_input_path(input, spec, &env, &err), &err);
	} else if (strcmp(kind, "output_path") == 0) {
		check_outcome(c, flow_output_path(input, spec, &env, &err), &err);
	} else if (strcmp(kind, "result_path") == 0) {
		json_t *before = json_deep_copy(input);
		check_outcome(c, flow_result_path(input, result, spec, &err), &err);
		assert_true(json_equal(before, input)); /* the input is never changed */
		json_decref(before);
	} else if (strcmp(kind, "template") == 0) {
		check_outcome(c, flow_template(spec, input, &env, &err), &err);
	} else if (strcmp(kind, "intrinsic") == 0) {
		json_t *before = json_deep_copy(input);
		check_outcome(c, flow_intrinsic(expr, input, &env, &err), &err);
		assert_true(json_equal(before, input));
		json_decref(before);
	} else if (strcmp(kind, "rule") == 0) {
		bool r = false;
		bool ok = flow_rule(spec, input, &env, &r, &err);
		check_outcome(c, ok ? json_boolean(r) : NULL, &err);
	} else if (strcmp(kind, "choice") == 0) {
		int m = -1;
		bool ok = flow_choice(spec, input, &env, &m, &err);
		check_outcome(c, ok ? json_integer(m) : NULL, &err);
	} else if (strcmp(kind, "choice_state") == 0) {
		const char *next = flow_choice_next(spec, input, &env, NULL, &err);
		check_outcome(c, next ? json_string(next) : NULL, &err);
	} else if (strcmp(kind, "label") == 0) {
		char *l = flow_rule_label(spec);
		check_outcome(c, json_string(l), &err);
		free(l);
	} else if (strcmp(kind, "state") == 0) {
		/* Whole pipeline; without `result` the effective input is the result (Pass). */
		json_t *eff = flow_state_input(spec, input, &env, NULL, &err);
		json_t *out = NULL;
		if (eff)
			out =
			    flow_state_output(spec, input, result ? result : eff, &env, NULL, &err);
		json_decref(eff);
		check_outcome(c, out, &err);
	} else if (strcmp(kind, "limit") == 0) {
		json_t *v = sized_string(strtoul(expr, NULL, 10));
		check_outcome(c, json_boolean(flow_exceeds_limit(v)), &err);
		json_decref(v);
	} else {
		fail_msg("%s: unknown kind '%s'", c->name, kind);
	}
	json_decref(input);
	json_decref(spec);
	json_decref(result);
	json_decref(context);
	json_decref(vars);
}

static void add_field(struct fcase *c, const char *line, const char *file, int lineno)
{
	const char *colon = strchr(line, ':');
	if (!colon || c->nfields == MAX_FIELDS) {
		fprintf(stderr, "%s:%d: expected 'key: value'\n", file, lineno);
		exit(2);
	}
	const char *v = colon + 1;
	while (*v == ' ')
		v++;
	c->fields[c->nfields].key = xstrndup(line, (size_t)(colon - line));
	c->fields[c->nfields].value = xstrdup(v);
	c->nfields++;
}

static void load_file(const char *dir, const char *base)
{
	char *path = xasprintf("%s/%s", dir, base);
	size_t len;
	char *err = NULL;
	char *text = file_read_all(path, &len, &err);
	if (!text) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	struct fcase *c = NULL;
	int lineno = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		lineno++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (line[0] == '@') {
			c = xcalloc(1, sizeof(*c));
			c->name = xasprintf("%.*s:%s", (int)(strlen(base) - 6), base,
					    line + 1 + strspn(line + 1, " "));
			VEC_PUSH(cases, c);
		} else if (!c) {
			fprintf(stderr, "%s:%d: field before the first '@ name'\n", path, lineno);
			exit(2);
		} else if ((line[0] == ' ' || line[0] == '\t') && c->nfields > 0) {
			struct field *f = &c->fields[c->nfields - 1];
			char *joined = xasprintf("%s\n%s", f->value, line);
			free(f->value);
			f->value = joined;
		} else {
			add_field(c, line, path, lineno);
		}
	}
	free(text);
	free(path);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_all(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "cannot open %s (run from the repository root)\n", dir);
		exit(2);
	}
	VEC(char *) names = {0};
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (str_ends_with(e->d_name, ".cases"))
			VEC_PUSH(names, xstrdup(e->d_name));
	closedir(d);
	qsort(names.items, names.len, sizeof(char *), by_name);
	for (size_t i = 0; i < names.len; i++) {
		load_file(dir, names.items[i]);
		free(names.items[i]);
	}
	VEC_FREE(names);
}

int main(void)
{
	load_all("tests/flow");
	struct CMUnitTest *tests = xcalloc(cases.len, sizeof(*tests));
	for (size_t i = 0; i < cases.len; i++) {
		tests[i].name = cases.items[i]->name;
		tests[i].test_func = run_case;
		tests[i].initial_state = cases.items[i];
	}
	int rc = _cmocka_run_group_tests("flow cases", tests, cases.len, NULL, NULL);
	for (size_t i = 0; i < cases.len; i++) {
		struct fcase *c = cases.items[i];
		for (size_t j = 0; j < c->nfields; j++) {
			free(c->fields[j].key);
			free(c->fields[j].value);
		}
		free(c->name);
		free(c);
	}
	VEC_FREE(cases);
	free(tests);
	return rc;
}
