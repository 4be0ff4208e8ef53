/*
 * Unit tests of prepared templates and state plans (flow_template_new/apply, flow_plan_*):
 * they build what flow_template and flow_state_input build, and the size they add up while
 * building (or only checking: flow_template_check, flow_plan_check) is the size the payload
 * limit check would measure.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html (256 KiB payloads)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

static json_t *parse(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
	assert_non_null(v);
	return v;
}

/* A string value of n 'x' characters (n + 2 bytes as JSON). */
static json_t *long_string(size_t n)
{
	char *s = malloc(n + 1);
	memset(s, 'x', n);
	s[n] = '\0';
	json_t *v = json_string(s);
	free(s);
	return v;
}

/* The prepared template builds flow_template's value, and its size is the measured one. */
static void check_template(json_t *tmpl, json_t *input, size_t input_size)
{
	struct flow_error err = {0}, err2 = {0};
	struct flow_template *t = flow_template_new(tmpl);
	size_t size = 0;
	json_t *got = flow_template_apply(t, input, input_size, NULL, &size, &err);
	json_t *want = flow_template(tmpl, input, NULL, &err2);
	assert_non_null(got);
	assert_non_null(want);
	assert_true(json_equal(got, want));
	/* Exact within the limit; past it, only "too large" counts (measuring stops early). */
	assert_int_equal(size > FLOW_PAYLOAD_LIMIT, flow_exceeds_limit(got));
	if (size <= FLOW_PAYLOAD_LIMIT)
		assert_int_equal(size, flow_json_size(got));
	/* A check without building adds up the same size. */
	size_t checked = 0;
	assert_true(flow_template_check(t, input, input_size, NULL, &checked, &err));
	assert_int_equal(checked, size);
	/* Each field made alone is the built one; a name it lacks gives NULL. */
	const char *key;
	json_t *member;
	json_object_foreach(json_is_object(got) ? got : NULL, key, member)
	{
		json_t *field = flow_template_field(t, input, NULL, key, &err);
		assert_non_null(field);
		assert_true(json_equal(field, member));
		json_decref(field);
	}
	assert_null(flow_template_field(t, input, NULL, "absent", &err));
	json_decref(got);
	json_decref(want);
	flow_template_free(t);
}

static void test_template_sizes(void **state)
{
	(void)state;
	static const char *const tmpls[] = {
	    "{}",
	    "[]",
	    "7",
	    "{\"FunctionName\": \"arn:aws:lambda:us-east-1:1:function:F\", \"Payload.$\": \"$\"}",
	    "{\"a\": [1, 2.5, {\"b.$\": \"$.s\"}, [], {}], \"c\": null, \"d\": true}",
	    "{\"qu\\\"o\\\\te\\n\": \"\\u0001\\t\", \"x.$\": \"$.n\", \"y.$\": \"$['s']\"}",
	    "{\"all.$\": \"$\", \"ctx.$\": \"States.Format('{}-{}', $.s, $.n)\"}",
	    "{\"arr.$\": \"States.ArrayRange(1, 30, 1)\", \"e\": \"\\u00e9\\u4e2d\"}",
	    /* "a" and "a.$" give one key (validation rejects it; the runtime keeps one) */
	    "{\"a\": 1, \"a.$\": \"$.s\", \"b\": 2}",
	    "{\"a.$\": \"$.s\", \"a\": {\"deep\": [1]}}",
	    /* statics and the whole input only: the size is known without a walk */
	    "{\"a\": {\"x\": [1, \"s\", []]}, \"p.$\": \"$\", \"q\": [{\"r.$\": \"$\"}, {}]}",
	};
	json_t *input = parse("{\"s\": \"text with \\\"quotes\\\"\", \"n\": -12, \"big\": 1}");
	for (size_t i = 0; i < sizeof(tmpls) / sizeof(tmpls[0]); i++) {
		json_t *tmpl = parse(tmpls[i]);
		check_template(tmpl, input, SIZE_MAX);
		check_template(tmpl, input, flow_json_size(input));
		json_decref(tmpl);
	}
	/* A value past the limit: the size says so, as the check would. */
	json_object_set_new(input, "big", long_string(FLOW_PAYLOAD_LIMIT));
	json_t *tmpl = parse("{\"p.$\": \"$.big\", \"all.$\": \"$\"}");
	check_template(tmpl, input, SIZE_MAX);
	json_decref(tmpl);
	tmpl = parse("{\"all.$\": \"$\", \"again\": {\"all.$\": \"$\"}}");
	check_template(tmpl, input, SIZE_MAX);
	check_template(tmpl, input, flow_json_size_upto(input, FLOW_PAYLOAD_LIMIT));
	json_decref(tmpl);
	json_decref(input);
}

/* A path that finds nothing fails the same way, prepared or not. */
static void test_template_errors(void **state)
{
	(void)state;
	json_t *input = parse("{}");
	json_t *tmpl = parse("{\"k.$\": \"$.missing\"}");
	struct flow_template *t = flow_template_new(tmpl);
	struct flow_error err = {0};
	size_t size = 0;
	assert_null(flow_template_apply(t, input, SIZE_MAX, NULL, &size, &err));
	assert_string_equal(err.name, "States.Runtime");
	assert_non_null(strstr(err.cause, "'$.missing' specified for the field 'k.$'"));
	flow_error_fini(&err);
	assert_false(flow_template_check(t, input, SIZE_MAX, NULL, &size, &err));
	assert_string_equal(err.name, "States.Runtime");
	assert_non_null(strstr(err.cause, "'$.missing' specified for the field 'k.$'"));
	flow_error_fini(&err);
	flow_template_free(t);
	json_decref(tmpl);
	tmpl = parse("{\"k.$\": 5}");
	t = flow_template_new(tmpl);
	assert_null(flow_template_apply(t, input, SIZE_MAX, NULL, NULL, &err));
	assert_string_equal(err.name, "States.Runtime");
	flow_error_fini(&err);
	flow_template_free(t);
	json_decref(tmpl);
	json_decref(input);
}

/* Parameters built just under and just over the limit: only the second fails. */
static void test_plan_limit(void **state)
{
	(void)state;
	json_t *st = parse("{\"Type\": \"Task\", \"Parameters\": {\"p.$\": \"$.v\"}}");
	struct flow_plan *plan = flow_plan_new(st, NULL);
	/* {"p":"x...x"} is 6 + n + 2 bytes; the input {"v":"x...x"} the same. */
	size_t n = FLOW_PAYLOAD_LIMIT - 8;
	json_t *in = json_object();
	json_object_set_new(in, "v", long_string(n));
	struct flow_error err = {0};
	size_t size = 0;
	json_t *p = flow_plan_input(plan, in, NULL, NULL, &size, &err);
	assert_non_null(p);
	assert_int_equal(size, FLOW_PAYLOAD_LIMIT);
	assert_true(flow_plan_check(plan, in, NULL, &err));
	json_decref(p);
	json_decref(in);
	/* One byte more: the raw input is already over. */
	in = json_object();
	json_object_set_new(in, "v", long_string(n + 1));
	assert_null(flow_plan_input(plan, in, NULL, NULL, &size, &err));
	assert_string_equal(err.name, "States.DataLimitExceeded");
	assert_non_null(strstr(err.cause, "received an input"));
	flow_error_fini(&err);
	json_decref(in);
	flow_plan_free(plan);
	json_decref(st);
	/* Parameters larger than their input: the built parameters are over. */
	st = parse("{\"Type\": \"Task\", \"Parameters\": {\"p.$\": \"$.v\", \"q.$\": \"$.v\"}}");
	plan = flow_plan_new(st, NULL);
	in = json_object();
	json_object_set_new(in, "v", long_string(FLOW_PAYLOAD_LIMIT / 2));
	assert_null(flow_plan_input(plan, in, NULL, NULL, &size, &err));
	assert_string_equal(err.name, "States.DataLimitExceeded");
	assert_non_null(strstr(err.cause, "built parameters"));
	flow_error_fini(&err);
	assert_false(flow_plan_check(plan, in, NULL, &err));
	assert_string_equal(err.name, "States.DataLimitExceeded");
	assert_non_null(strstr(err.cause, "built parameters"));
	flow_error_fini(&err);
	json_decref(in);
	flow_plan_free(plan);
	json_decref(st);
}

/* One field of a plan's parameters, after its InputPath, or of its effective input. */
static void test_plan_field(void **state)
{
	(void)state;
	json_t *st = parse("{\"Type\": \"Task\", \"InputPath\": \"$.a\", \"Parameters\": "
			   "{\"F\": \"fn\", \"P.$\": \"$\", \"Q.$\": \"$.b\"}}");
	json_t *in = parse("{\"a\": {\"b\": [1, 2]}}");
	struct flow_plan *plan = flow_plan_new(st, NULL);
	json_t *f = flow_plan_field(plan, in, NULL, "F");
	assert_string_equal(json_string_value(f), "fn");
	json_decref(f);
	f = flow_plan_field(plan, in, NULL, "P");
	assert_ptr_equal(f, json_object_get(in, "a"));
	json_decref(f);
	f = flow_plan_field(plan, in, NULL, "Q");
	assert_true(json_equal(f, json_object_get(json_object_get(in, "a"), "b")));
	json_decref(f);
	assert_null(flow_plan_field(plan, in, NULL, "P.$"));
	flow_plan_free(plan);
	json_decref(st);
	/* Without Parameters: the effective input's field. */
	st = parse("{\"Type\": \"Task\", \"InputPath\": \"$.a\"}");
	plan = flow_plan_new(st, NULL);
	f = flow_plan_field(plan, in, NULL, "b");
	assert_true(json_equal(f, json_object_get(json_object_get(in, "a"), "b")));
	json_decref(f);
	assert_null(flow_plan_field(plan, in, NULL, "a"));
	flow_plan_free(plan);
	json_decref(st);
	json_decref(in);
}

/* A Map's Parameters is its per-item selector: the plan passes the input through. */
static void test_plan_map(void **state)
{
	(void)state;
	json_t *st =
	    parse("{\"Type\": \"Map\", \"InputPath\": \"$.a\", \"Parameters\": {\"x\": 1}}");
	json_t *in = parse("{\"a\": [1, 2]}");
	struct flow_plan *plan = flow_plan_new(st, NULL);
	struct flow_error err = {0};
	size_t size = 0;
	json_t *v = flow_plan_input(plan, in, NULL, NULL, &size, &err);
	assert_non_null(v);
	assert_true(json_equal(v, json_object_get(in, "a")));
	assert_int_equal(size, 5);
	json_decref(v);
	flow_plan_free(plan);
	flow_plan_free(NULL);
	flow_template_free(NULL);
	json_decref(in);
	json_decref(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_template_sizes), cmocka_unit_test(test_template_errors),
	    cmocka_unit_test(test_plan_limit),	   cmocka_unit_test(test_plan_field),
	    cmocka_unit_test(test_plan_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
