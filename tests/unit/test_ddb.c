/* Unit tests of the DynamoDB expression evaluator and of the Python repr the simulated Lambda
 * logs print (the seed's handler is `print(event)`).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
 * https://docs.python.org/3/library/functions.html#repr */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sim/ddb.h"
#include "sim/internal.h"
#include "doc/doc.h"

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
	assert_non_null(v);
	return v;
}

/* Evaluates expr on item with the given names/values (JSON texts). */
static int cond(const char *expr, const char *item, const char *names, const char *values)
{
	json_t *it = item ? J(item) : NULL;
	struct ddb_expr_ctx c = {names ? J(names) : NULL, values ? J(values) : NULL, NULL};
	int r = ddb_cond_eval(&c, expr, it);
	assert_true((r < 0) == (c.error != NULL));
	free(c.error);
	json_decref(it);
	json_decref(c.names);
	json_decref(c.values);
	return r;
}

static const char *item = "{\"pk\":{\"S\":\"u1\"},\"n\":{\"N\":\"10\"},\"s\":{\"S\":\"abc\"},"
			  "\"tags\":{\"SS\":[\"x\",\"y\"]},\"l\":{\"L\":[{\"N\":\"1\"}]}}";

static void test_conditions(void **state)
{
	(void)state;
	const char *v = "{\":ten\":{\"N\":\"10.0\"},\":nine\":{\"N\":\"9\"},\":a\":{\"S\":\"ab\"},"
			"\":x\":{\"S\":\"x\"},\":s\":{\"S\":\"S\"},\":z\":{\"S\":\"z\"}}";
	/* Numbers compare as numbers: "10" = "10.0". */
	assert_int_equal(cond("n = :ten", item, NULL, v), 1);
	assert_int_equal(cond("n > :nine AND n <= :ten", item, NULL, v), 1);
	assert_int_equal(cond("n BETWEEN :nine AND :ten", item, NULL, v), 1);
	assert_int_equal(cond("n < :nine OR NOT (n <> :ten)", item, NULL, v), 1);
	assert_int_equal(cond("n IN (:nine, :ten)", item, NULL, v), 1);
	/* Different types never compare: S "ab" vs N. */
	assert_int_equal(cond("n < :a", item, NULL, v), 0);
	assert_int_equal(cond("begins_with(s, :a)", item, NULL, v), 1);
	assert_int_equal(cond("contains(s, :a) AND contains(tags, :x)", item, NULL, v), 1);
	assert_int_equal(cond("contains(tags, :z)", item, NULL, v), 0);
	assert_int_equal(cond("attribute_type(s, :s)", item, NULL, v), 1);
	assert_int_equal(
	    cond("attribute_exists(#p) AND attribute_not_exists(nope)", item, "{\"#p\":\"pk\"}", v),
	    1);
	/* No item: every attribute is absent. */
	assert_int_equal(cond("attribute_not_exists(pk)", NULL, NULL, NULL), 1);
	/* Invalid: undefined alias or value, nested path, trailing tokens, unknown function. */
	assert_int_equal(cond("#x = :ten", item, NULL, v), -1);
	assert_int_equal(cond("n = :undefined", item, NULL, v), -1);
	assert_int_equal(cond("a.b = :ten", item, NULL, v), -1);
	assert_int_equal(cond("n = :ten :ten", item, NULL, v), -1);
	assert_int_equal(cond("size(s) > :nine", item, NULL, v), -1);
}

/* Applies expr to item; returns the new item as compact JSON (owned) or NULL when invalid. */
static char *update(const char *expr, const char *values, char **touched)
{
	json_t *old = J(item), *it = json_deep_copy(old), *t = json_array();
	struct ddb_expr_ctx c = {NULL, values ? J(values) : NULL, NULL};
	bool ok = ddb_update_apply(&c, expr, old, it, t);
	assert_true(ok == (c.error == NULL));
	char *out = ok ? doc_dumps(it, JSON_COMPACT) : NULL;
	*touched = doc_dumps(t, JSON_COMPACT);
	free(c.error);
	json_decref(c.values);
	json_decref(old);
	json_decref(it);
	json_decref(t);
	return out;
}

static void test_updates(void **state)
{
	(void)state;
	char *touched;
	char *r = update("SET n = n + :one, s = if_not_exists(nope, :v) REMOVE l",
			 "{\":one\":{\"N\":\"1.5\"},\":v\":{\"S\":\"new\"}}", &touched);
	assert_non_null(r);
	assert_non_null(strstr(r, "\"n\":{\"N\":\"11.5\"}"));
	assert_non_null(strstr(r, "\"s\":{\"S\":\"new\"}"));
	assert_null(strstr(r, "\"l\""));
	assert_string_equal(touched, "[\"n\",\"s\",\"l\"]");
	free(r);
	free(touched);
	/* ADD to a set keeps one of each; DELETE of every element removes the attribute. */
	r = update("ADD tags :t, cnt :one DELETE l2 :x",
		   "{\":t\":{\"SS\":[\"y\",\"z\"]},\":one\":{\"N\":\"1\"},\":x\":{\"SS\":[\"x\"]}}",
		   &touched);
	assert_non_null(r);
	assert_non_null(strstr(r, "\"tags\":{\"SS\":[\"x\",\"y\",\"z\"]}"));
	assert_non_null(strstr(r, "\"cnt\":{\"N\":\"1\"}"));
	free(r);
	free(touched);
	/* list_append; SET reads the item as it was before the update. */
	r = update("SET l = list_append(l, :l), m = n", "{\":l\":{\"L\":[{\"N\":\"2\"}]}}",
		   &touched);
	assert_non_null(strstr(r, "\"l\":{\"L\":[{\"N\":\"1\"},{\"N\":\"2\"}]}"));
	assert_non_null(strstr(r, "\"m\":{\"N\":\"10\"}"));
	free(r);
	free(touched);
	/* Invalid: a clause twice, overlapping paths, arithmetic on a string, empty. */
	const char *bad[] = {"SET n = :one SET s = :one", "SET n = :one REMOVE n",
			     "SET s = s + :one", "", "SET missing = nope"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = update(bad[i], "{\":one\":{\"N\":\"1\"}}", &touched);
		assert_null(r);
		free(touched);
	}
}

static char *repr(const char *json)
{
	json_t *v = J(json);
	struct strbuf sb;
	sb_init(&sb);
	sim_py_repr(&sb, v);
	json_decref(v);
	return sb_take(&sb);
}

static void test_py_repr(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    {"{\"S\":\"Computer Science\"}", "{'S': 'Computer Science'}"},
	    {"{\"M\":{\"topic\":{\"S\":\"cs\"}}}", "{'M': {'topic': {'S': 'cs'}}}"},
	    {"[true,false,null,1,-2]", "[True, False, None, 1, -2]"},
	    {"[1.5,2.0,0.1,1e16,1e-05,123456789.25]",
	     "[1.5, 2.0, 0.1, 1e+16, 1e-05, 123456789.25]"},
	    {"\"it's\"", "\"it's\""},
	    {"\"both ' and \\\"\"", "'both \\' and \"'"},
	    {"\"tab\\there\\nnew\\u0001\"", "'tab\\there\\nnew\\x01'"},
	    {"\"caf\\u00e9\"", "'caf\xc3\xa9'"},
	    {"{}", "{}"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = repr(cases[i][0]);
		assert_string_equal(got, cases[i][1]);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conditions),
	    cmocka_unit_test(test_updates),
	    cmocka_unit_test(test_py_repr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
