/*
 * Unit tests of src/flow's API beyond the golden cases (tests/flow): the context builder,
 * recorded steps and their text, Choice traces, template validation reports, UUID shape,
 * seeded randomness, error handling and immutability of inputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"
#include "doc/doc.h"

static json_t *parse(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
	assert_non_null(v);
	return v;
}

static void assert_json(json_t *got, const char *want_text)
{
	json_t *want = parse(want_text);
	char *g = doc_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!json_equal(got, want))
		fail_msg("got %s, want %s", g, want_text);
	free(g);
	json_decref(want);
}

/* https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html */
static void test_context_new(void **state)
{
	(void)state;
	json_t *input = parse("{\"key\": \"value\"}");
	json_t *item = parse("{\"who\": \"meg\"}");
	struct flow_context_info info = {
	    .execution_id = "arn:aws:states:us-east-1:123456789012:execution:sm:exe",
	    .execution_name = "exe",
	    .role_arn = "arn:aws:iam::123456789012:role/r",
	    .execution_start_time = "2019-03-26T20:14:13.192Z",
	    .execution_input = input,
	    .state_name = "Test",
	    .state_entered_time = "2019-03-26T20:14:13.192Z",
	    .retry_count = 3,
	    .state_machine_id = "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
	    .state_machine_name = "sm",
	    .in_map = true,
	    .map_index = 1,
	    .map_value = item,
	};
	json_t *ctx = flow_context_new(&info);
	struct flow_env env = {.context = ctx};
	struct flow_error err = {0};
	json_t *v = flow_select(input, "$$.Execution.Input.key", &env, &err);
	assert_json(v, "\"value\"");
	json_decref(v);
	v = flow_select(input, "$$.State.RetryCount", &env, &err);
	assert_json(v, "3");
	json_decref(v);
	v = flow_select(input, "$$.Execution.RedriveCount", &env, &err);
	assert_json(v, "0");
	json_decref(v);
	v = flow_select(input, "$$.Map.Item", &env, &err);
	assert_json(v, "{\"Index\": 1, \"Value\": {\"who\": \"meg\"}}");
	json_decref(v);
	v = flow_select(input, "$$.StateMachine.Name", &env, &err);
	assert_json(v, "\"sm\"");
	json_decref(v);
	/* No task token given: $$.Task is absent. */
	assert_null(flow_select(input, "$$.Task.Token", &env, &err));
	assert_string_equal(err.name, "States.Runtime");
	flow_error_fini(&err);
	json_decref(ctx);

	info.in_map = false;
	info.task_token = "tok";
	ctx = flow_context_new(&info);
	assert_null(json_object_get(ctx, "Map"));
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(ctx, "Task"), "Token")), "tok");
	json_decref(ctx);
	json_decref(input);
	json_decref(item);
}

/* The Input and Output Processing page's example, step by step.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html */
static void test_steps(void **state)
{
	(void)state;
	json_t *st = parse("{\"Type\": \"Task\", \"InputPath\": \"$.numbers\", "
			   "\"ResultSelector\": {\"sum.$\": \"$.total\"}, "
			   "\"ResultPath\": \"$.sum\", \"OutputPath\": \"$.sum\"}");
	json_t *in =
	    parse("{\"title\": \"Numbers to add\", \"numbers\": {\"val1\": 3, \"val2\": 4}}");
	json_t *res = parse("{\"total\": 7}");
	struct flow_steps steps = {0};
	struct flow_error err = {0};
	json_t *eff = flow_state_input(st, in, NULL, &steps, &err);
	assert_json(eff, "{\"val1\": 3, \"val2\": 4}");
	json_t *out = flow_state_output(st, in, res, NULL, &steps, &err);
	assert_json(out, "{\"sum\": 7}");
	assert_json(steps.input, "{\"title\": \"Numbers to add\", \"numbers\": {\"val1\": 3, "
				 "\"val2\": 4}}");
	assert_json(steps.after_input_path, "{\"val1\": 3, \"val2\": 4}");
	assert_null(steps.after_parameters);
	assert_json(steps.result, "{\"total\": 7}");
	assert_json(steps.after_result_selector, "{\"sum\": 7}");
	assert_json(steps.after_result_path, "{\"title\": \"Numbers to add\", \"numbers\": "
					     "{\"val1\": 3, \"val2\": 4}, \"sum\": {\"sum\": 7}}");
	assert_json(steps.output, "{\"sum\": 7}");
	char *text = flow_steps_text(&steps, 0);
	assert_non_null(strstr(text, "after InputPath:      {\"val1\":3,\"val2\":4}\n"));
	assert_non_null(strstr(text, "output:               {\"sum\":7}\n"));
	assert_null(strstr(text, "after Parameters"));
	free(text);
	text = flow_steps_text(&steps, 10);
	assert_non_null(strstr(text, "input:                {\"title...\n"));
	free(text);
	/* The raw input was not changed by ResultPath. */
	assert_null(json_object_get(in, "sum"));
	flow_steps_fini(&steps);
	flow_steps_fini(&steps); /* idempotent */
	json_decref(eff);
	json_decref(out);
	json_decref(st);
	json_decref(in);
	json_decref(res);
}

/* The Choice page's ChoiceStateX example with {"type": "Private", "value": 22}.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html */
static void test_choice_trace(void **state)
{
	(void)state;
	json_t *choices = parse(
	    "[{\"Not\": {\"Variable\": \"$.type\", \"StringEquals\": \"Private\"}, \"Next\": "
	    "\"Public\"}, {\"Variable\": \"$.value\", \"NumericEquals\": 0, \"Next\": \"Z\"}, "
	    "{\"And\": [{\"Variable\": \"$.value\", \"NumericGreaterThanEquals\": 20}, "
	    "{\"Variable\": \"$.value\", \"NumericLessThan\": 30}], \"Next\": \"T\"}]");
	json_t *in = parse("{\"type\": \"Private\", \"value\": 22}");
	struct flow_choice_trace trace;
	struct flow_error err = {0};
	int m;
	assert_true(flow_choice_explain(choices, in, NULL, &m, &trace, &err));
	assert_int_equal(m, 2);
	assert_int_equal(trace.count, 3);
	assert_string_equal(trace.steps[0].label, "not($.type == \"Private\")");
	assert_false(trace.steps[0].matched);
	assert_string_equal(trace.steps[0].why, "$.type is \"Private\"");
	assert_string_equal(trace.steps[1].why, "$.value is 22");
	assert_true(trace.steps[2].matched);
	assert_string_equal(trace.steps[2].label, "$.value >= 20 and $.value < 30");
	assert_string_equal(trace.steps[2].why, "$.value is 22");
	char *text = flow_choice_trace_text(&trace, m);
	assert_string_equal(text, "rule 1: not($.type == \"Private\"): no, $.type is \"Private\"\n"
				  "rule 2: $.value == 0: no, $.value is 22\n"
				  "rule 3: $.value >= 20 and $.value < 30: MATCH, $.value is 22\n"
				  "first match: rule 3\n");
	free(text);
	flow_choice_trace_fini(&trace);

	/* A value of the wrong type is why a comparison fails: the trace says so. */
	json_t *mm = parse("[{\"Variable\": \"$.v\", \"NumericEquals\": 5, \"Next\": \"A\"}]");
	json_t *mi = parse("{\"v\": \"5\"}");
	assert_true(flow_choice_explain(mm, mi, NULL, &m, &trace, &err));
	assert_int_equal(m, -1);
	assert_string_equal(trace.steps[0].why, "$.v is \"5\" (not a number)");
	text = flow_choice_trace_text(&trace, m);
	assert_non_null(strstr(text, "no rule matched"));
	free(text);
	flow_choice_trace_fini(&trace);
	json_decref(mm);
	json_decref(mi);

	/* A runtime error still leaves the trace of the rules seen so far. */
	json_t *bad = parse("{\"value\": 22}");
	assert_false(flow_choice_explain(choices, bad, NULL, &m, &trace, &err));
	assert_string_equal(err.name, "States.Runtime");
	assert_non_null(strstr(err.cause, "$.type"));
	assert_int_equal(trace.count, 1);
	flow_choice_trace_fini(&trace);
	flow_error_fini(&err);
	json_decref(bad);
	json_decref(choices);
	json_decref(in);
}

struct reports {
	int count;
	char pointers[8][64];
	char messages[8][200];
};

static void collect(void *ctx, const char *pointer, const char *message)
{
	struct reports *r = ctx;
	if (r->count < 8) {
		snprintf(r->pointers[r->count], 64, "%s", pointer);
		snprintf(r->messages[r->count], 200, "%s", message);
	}
	r->count++;
}

static void test_check_template(void **state)
{
	(void)state;
	json_t *t = parse("{\"ok.$\": \"$.a\", \"fn.$\": \"States.Format('{}', $.a)\", "
			  "\"nested\": {\"bad/path.$\": \"$.a[\"}, "
			  "\"list\": [1, {\"call.$\": \"States.Nope()\"}], "
			  "\"num.$\": 5, \"word.$\": \"hello\", \"dup\": 1, \"dup.$\": \"$.x\"}");
	struct reports r = {0};
	flow_check_template(t, collect, &r);
	assert_int_equal(r.count, 5);
	assert_string_equal(r.pointers[0], "/nested/bad~1path.$");
	assert_non_null(strstr(r.messages[0], "offset 4"));
	assert_string_equal(r.pointers[1], "/list/1/call.$");
	assert_non_null(strstr(r.messages[1], "States.Nope"));
	assert_string_equal(r.pointers[2], "/num.$");
	assert_string_equal(r.pointers[3], "/word.$");
	assert_string_equal(r.pointers[4], "/dup.$");
	json_decref(t);
}

static void test_uuid_and_random(void **state)
{
	(void)state;
	struct rng a, b;
	rng_seed(&a, 99);
	rng_seed(&b, 99);
	struct flow_env ea = {.rng = &a}, eb = {.rng = &b};
	struct flow_error err = {0};
	json_t *in = json_object();
	json_t *u1 = flow_intrinsic("States.UUID()", in, &ea, &err);
	json_t *u2 = flow_intrinsic("States.UUID()", in, &eb, &err);
	const char *s = json_string_value(u1);
	assert_int_equal(strlen(s), 36);
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(s[i], '-');
		else
			assert_true(isxdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i]));
	}
	assert_int_equal(s[14], '4');		/* version 4 */
	assert_non_null(strchr("89ab", s[19])); /* RFC 4122 variant */
	assert_true(json_equal(u1, u2));	/* same seed, same UUID */
	json_t *r1 = flow_intrinsic("States.MathRandom(0, 1000000)", in, &ea, &err);
	json_t *r2 = flow_intrinsic("States.MathRandom(0, 1000000)", in, &eb, &err);
	assert_true(json_is_integer(r1));
	assert_true(json_equal(r1, r2));
	for (int i = 0; i < 200; i++) {
		json_t *r = flow_intrinsic("States.MathRandom(-3, 3)", in, &ea, &err);
		assert_true(json_integer_value(r) >= -3 && json_integer_value(r) < 3);
		json_decref(r);
	}
	json_decref(u1);
	json_decref(u2);
	json_decref(r1);
	json_decref(r2);
	json_decref(in);
}

/* JsonMerge is shallow and never mutates its operands (they are shared input values). */
static void test_json_merge_no_mutation(void **state)
{
	(void)state;
	json_t *in = parse("{\"a\": {\"x\": 1, \"n\": {\"k\": 1}}, \"b\": {\"x\": 2}}");
	json_t *copy = json_deep_copy(in);
	struct flow_error err = {0};
	json_t *m = flow_intrinsic("States.JsonMerge($.a, $.b, false)", in, NULL, &err);
	assert_json(m, "{\"x\": 2, \"n\": {\"k\": 1}}");
	assert_true(json_equal(in, copy));
	json_object_set_new(m, "added", json_true());
	assert_true(json_equal(in, copy));
	json_decref(m);
	json_decref(copy);
	json_decref(in);
}

static void test_errors(void **state)
{
	(void)state;
	struct flow_error err = {0};
	flow_error_set(&err, "States.Runtime", "first %d", 1);
	flow_error_set(&err, "States.IntrinsicFailure", "second %s", "x");
	assert_string_equal(err.name, "States.IntrinsicFailure");
	assert_string_equal(err.cause, "second x");
	flow_error_fini(&err);
	assert_null(err.name);
	flow_error_fini(&err);
	flow_error_set(NULL, "States.Runtime", "ignored");

	char *msg = NULL;
	size_t off = 0;
	assert_false(flow_check_path("$.a[?(@.x == 'q)]", false, &msg, &off));
	assert_non_null(msg);
	free(msg);
	assert_false(flow_check_intrinsic("States.MathAdd(1)", &msg, &off));
	assert_string_equal(msg, "States.MathAdd takes 2 argument(s), got 1");
	free(msg);
	/* Callers may pass NULL for message and offset. */
	assert_false(flow_check_path("nope", true, NULL, NULL));
	assert_false(flow_check_intrinsic("States.X(", NULL, NULL));
}

static void test_labels(void **state)
{
	(void)state;
	static const char *const rules[][2] = {
	    {"{\"Variable\": \"$.n\", \"NumericGreaterThan\": 10}", "$.n > 10"},
	    {"{\"Not\": {\"Variable\": \"$.a\", \"StringEquals\": \"x\"}}", "not($.a == \"x\")"},
	    {"{\"Variable\": \"$.s\", \"StringMatches\": \"log-*.txt\"}",
	     "$.s matches \"log-*.txt\""},
	    {"{\"Variable\": \"$.t\", \"IsPresent\": false}", "$.t is not present"},
	    {"{\"Variable\": \"$.t\", \"IsNull\": true}", "$.t is null"},
	    {"{\"Variable\": \"$.a\", \"StringEqualsPath\": \"$.b\"}", "$.a == $.b"},
	    {"{\"Variable\": \"$.t\", \"TimestampLessThanEquals\": \"2001-01-01T12:00:00Z\"}",
	     "$.t <= timestamp \"2001-01-01T12:00:00Z\""},
	    {"{\"Variable\": \"$.b\", \"BooleanEquals\": true}", "$.b == true"},
	    {"{\"Or\": [{\"Variable\": \"$.a\", \"NumericLessThan\": 1}, {\"And\": [{\"Variable\": "
	     "\"$.b\", \"IsString\": true}, {\"Variable\": \"$.c\", \"NumericEquals\": 2.5}]}]}",
	     "$.a < 1 or ($.b is a string and $.c == 2.5)"},
	    {"{\"Condition\": \"{% $x > 1 %}\"}", "{% $x > 1 %}"},
	    {"{\"Variable\": \"$.q\"}", "$.q ?"},
	};
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		json_t *r = parse(rules[i][0]);
		char *l = flow_rule_label(r);
		assert_string_equal(l, rules[i][1]);
		free(l);
		json_decref(r);
	}
}

/* After a failure the steps show how far the data got: here ResultPath fails. */
static void test_steps_after_error(void **state)
{
	(void)state;
	json_t *st = parse("{\"Type\": \"Task\", \"ResultSelector\": {\"v.$\": \"$.x\"}, "
			   "\"ResultPath\": \"$.a.b\"}");
	json_t *in = parse("{\"a\": \"not an object\"}");
	json_t *res = parse("{\"x\": 1}");
	struct flow_steps steps = {0};
	struct flow_error err = {0};
	json_t *eff = flow_state_input(st, in, NULL, &steps, &err);
	assert_null(flow_state_output(st, in, res, NULL, &steps, &err));
	assert_string_equal(err.name, "States.ReferencePathConflict");
	assert_json(steps.after_result_selector, "{\"v\": 1}");
	assert_null(steps.after_result_path);
	assert_null(steps.output);
	flow_error_fini(&err);
	flow_steps_fini(&steps);
	json_decref(eff);
	json_decref(st);
	json_decref(in);
	json_decref(res);
}

static void test_query_language_dispatch(void **state)
{
	(void)state;
	/* A JSONata machine's states pass data through until JSONata lands. */
	json_t *st = parse("{\"Type\": \"Task\", \"InputPath\": \"$.x\"}");
	json_t *in = parse("{\"y\": 1}");
	struct flow_env env = {.query_language = "JSONata"};
	struct flow_error err = {0};
	json_t *eff = flow_state_input(st, in, &env, NULL, &err);
	assert_json(eff, "{\"y\": 1}");
	json_decref(eff);
	/* The same state under JSONPath fails: $.x is missing. */
	env.query_language = NULL;
	assert_null(flow_state_input(st, in, &env, NULL, &err));
	assert_string_equal(err.name, "States.Runtime");
	flow_error_fini(&err);
	bool r;
	json_t *rule = parse("{\"Condition\": \"{% true %}\", \"Next\": \"A\"}");
	assert_false(flow_rule(rule, in, &env, &r, &err));
	assert_string_equal(err.name, "States.QueryEvaluationError");
	flow_error_fini(&err);
	assert_null(flow_expression("{% $states.input %}", in, &env, &err));
	assert_string_equal(err.name, "States.QueryEvaluationError");
	flow_error_fini(&err);
	json_decref(rule);
	json_decref(st);
	json_decref(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_context_new),
	    cmocka_unit_test(test_steps),
	    cmocka_unit_test(test_choice_trace),
	    cmocka_unit_test(test_check_template),
	    cmocka_unit_test(test_uuid_and_random),
	    cmocka_unit_test(test_json_merge_no_mutation),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_labels),
	    cmocka_unit_test(test_steps_after_error),
	    cmocka_unit_test(test_query_language_dispatch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
