/*
 * Unit tests of src/analysis: nearest-rank percentiles, the cost formulas against numbers
 * worked out by hand, the cost of a small hand-built log, and --set value-list splitting.
 * Prices: https://aws.amazon.com/step-functions/pricing/ (Standard: per state transition,
 * retries included; Express: requests + GB-seconds, 100 ms and 64 MB steps) and
 * https://aws.amazon.com/lambda/pricing/ (requests + GB-seconds, 1 ms steps).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "config/config.h"

#define assert_near(a, b) assert_true(fabs((a) - (b)) < 1e-12)

static void test_percentile(void **state)
{
	(void)state;
	int64_t one[] = {7};
	int64_t ten[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	int64_t twenty[20];
	for (int i = 0; i < 20; i++)
		twenty[i] = (i + 1) * 10;
	assert_int_equal(an_percentile(NULL, 0, 50), -1);
	assert_int_equal(an_percentile(one, 1, 50), 7);
	assert_int_equal(an_percentile(one, 1, 95), 7);
	/* Nearest rank: ceil(p/100 * n). 50% of 10 -> rank 5; 95% of 10 -> rank 10. */
	assert_int_equal(an_percentile(ten, 10, 50), 5);
	assert_int_equal(an_percentile(ten, 10, 90), 9);
	assert_int_equal(an_percentile(ten, 10, 95), 10);
	assert_int_equal(an_percentile(ten, 10, 100), 10);
	assert_int_equal(an_percentile(ten, 10, 1), 1);
	/* 95% of 20 -> rank 19 exactly (no rounding up past it). */
	assert_int_equal(an_percentile(twenty, 20, 95), 190);
	assert_int_equal(an_percentile(twenty, 20, 50), 100);
}

static void test_cost_formulas(void **state)
{
	(void)state;
	struct an_prices p;
	an_prices_of(NULL, &p);
	assert_near(p.standard_per_transition, 0.000025);
	/* 11 transitions x $0.000025 = $0.000275. */
	assert_near(an_cost_standard(11, &p), 0.000275);
	/* 120 ms at 128 MB = 0.12 s x 0.125 GB = 0.015 GB-s. */
	assert_near(an_lambda_gb_s(120, 128), 0.015);
	assert_near(an_lambda_gb_s(1, 1024), 0.001);
	/* 3 requests x $0.20/1e6 + 0.045 GB-s x $0.0000166667 = 6e-7 + 7.500015e-7. */
	assert_near(an_cost_lambda(3, 0.045, &p), 0.0000013500015);
	/* Express, 6,845 ms -> 69 steps of 100 ms = 6.9 s; 64 MB = 0.0625 GB -> 0.43125 GB-s;
	 * $1/1e6 + 0.43125 x $0.00001667 = 1e-6 + 7.1889375e-6. */
	double gb_s;
	assert_near(an_cost_express(6845, &p, &gb_s), 0.0000081889375);
	assert_near(gb_s, 0.43125);
	/* Memory goes up in 64 MB steps: 100 MB bills as 128 MB. */
	p.express_memory_mb = 100;
	an_cost_express(100, &p, &gb_s);
	assert_near(gb_s, 0.1 * 128.0 / 1024.0);
}

static void add(struct ev_log *log, enum ev_type t, int64_t prev, int64_t ms, const char *state,
		json_t *payload, const char *error)
{
	struct ev e = {0};
	e.type = t;
	e.prev = prev;
	e.t_ms = ms;
	e.item = -1;
	e.state = ev_log_intern(log, state);
	e.payload = payload;
	struct ev_detail d = {.error = ev_log_intern(log, error)};
	if (t == EV_TaskScheduled) {
		d.resource_type = ev_log_intern(log, "lambda");
		d.resource = ev_log_intern(log, "invoke");
	}
	e.detail = ev_log_detail(log, &d);
	ev_log_append(log, &e);
}

/* Task "T" calls Lambda "big" (1024 MB in the scenario): a throttled attempt, then a 250 ms
 * attempt that succeeds. */
static struct ev_log *small_log(void)
{
	struct ev_log *log = ev_log_new();
	add(log, EV_ExecutionStarted, 0, 0, NULL, NULL, NULL);
	add(log, EV_TaskStateEntered, 1, 10, "T", NULL, NULL);
	add(log, EV_TaskScheduled, 2, 20, "T", json_pack("{s:s}", "FunctionName", "big"), NULL);
	add(log, EV_TaskStarted, 3, 30, "T", NULL, NULL);
	add(log, EV_TaskFailed, 4, 40, "T", NULL, "Lambda.TooManyRequestsException");
	add(log, EV_TaskScheduled, 5, 1040, "T", json_pack("{s:s}", "FunctionName", "big"), NULL);
	add(log, EV_TaskStarted, 6, 1050, "T", NULL, NULL);
	add(log, EV_TaskSucceeded, 7, 1300, "T", NULL, NULL);
	add(log, EV_TaskStateExited, 8, 1310, "T", NULL, NULL);
	add(log, EV_ExecutionSucceeded, 9, 1320, NULL, NULL, NULL);
	return log;
}

static void test_cost_of_log(void **state)
{
	(void)state;
	static const char yaml[] = "lambda:\n  functions:\n    big: {memoryMB: 1024}\n";
	struct cfg_scenario s;
	struct diags d;
	diags_init(&d);
	assert_true(cfg_load_text(&s, "t.yaml", ".", yaml, strlen(yaml), NULL, 0, &d));
	struct ev_log *log = small_log();
	struct an_metrics m;
	an_measure(log, &s, &m);
	assert_string_equal(m.status, "SUCCEEDED");
	assert_int_equal(m.makespan_ms, 1320);
	assert_int_equal(m.invocations, 2);
	assert_int_equal(m.retries, 1);
	assert_int_equal(m.throttles, 1);
	assert_int_equal(m.transitions, 1);
	/* Standard: 1 entry + 1 retry = 2 transitions = $0.00005. Lambda: the throttled call is
	 * not billed; 1 request ($2e-7) + 0.25 s x 1 GB x $0.0000166667 = $4.166675e-6. */
	assert_int_equal(m.cost.billed_transitions, 2);
	assert_int_equal(m.cost.lambda_requests, 1);
	assert_near(m.cost.lambda_gb_s, 0.25);
	assert_near(m.cost.standard_usd, 0.00005);
	assert_near(m.cost.lambda_usd, 0.0000002 + 0.000004166675);
	assert_near(m.cost.total_usd, 0.00005 + 0.0000002 + 0.000004166675);
	/* Without a scenario every function is 128 MB. */
	struct an_cost c;
	an_cost_estimate(log, NULL, &c);
	assert_near(c.lambda_gb_s, 0.25 * 0.125);
	ev_log_free(log);
	cfg_scenario_fini(&s);
	diags_fini(&d);
}

static void split_ok(const char *arg, const char *key, size_t n, const char *const *want)
{
	struct diags d;
	diags_init(&d);
	an_strvec v = {0};
	char *k = NULL;
	assert_true(an_split_values(arg, &k, &v, &d));
	assert_string_equal(k, key);
	assert_int_equal(v.len, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v.items[i], want[i]);
		free(v.items[i]);
	}
	VEC_FREE(v);
	free(k);
	diags_fini(&d);
}

static void split_bad(const char *arg)
{
	struct diags d;
	diags_init(&d);
	an_strvec v = {0};
	char *k = NULL;
	assert_false(an_split_values(arg, &k, &v, &d));
	assert_int_equal(v.len, 0);
	assert_null(k);
	assert_int_equal(d.list.len, 1);
	VEC_FREE(v);
	diags_fini(&d);
}

/* The compare view's delta line: A → B with the relative change, or the absolute one when A is
 * zero; ASCII arrows and bars on request. */
static void test_delta_line(void **state)
{
	(void)state;
	struct an_metrics a = {
	    .makespan_ms = 6845, .items = 3, .peak_concurrency = 1, .invocations = 3};
	struct an_metrics b = {
	    .makespan_ms = 2395, .items = 3, .peak_concurrency = 3, .invocations = 3};
	char *line = an_delta_line(&a, &b, false);
	/* 2395 / 6845 - 1 = -65.0%; 3 / 6.845 = 0.438/s, 3 / 2.395 = 1.253/s (+185.8%). */
	assert_string_equal(line,
			    "makespan 6.845s → 2.395s (-65.0%) │ throughput 0.438 → 1.253/s "
			    "(+185.8%) │ peak concurrency 1 → 3 (+2) │ invocations 3 → 3 (+0)");
	free(line);
	struct an_metrics z = {0};
	line = an_delta_line(&z, &b, true);
	assert_string_equal(line, "makespan 0.000s -> 2.395s (+2.395s) | throughput 0.000 -> "
				  "1.253/s (+1.253/s) | peak concurrency 0 -> 3 (+3) | invocations "
				  "0 -> 3 (+3)");
	free(line);
}

static void test_split_values(void **state)
{
	(void)state;
	split_ok("stepfunc.maxConcurrency=1,2,5", "stepfunc.maxConcurrency", 3,
		 (const char *const[]){"1", "2", "5"});
	split_ok("a.b=7", "a.b", 1, (const char *const[]){"7"});
	split_ok("lambda.default.errors={rate: 0.1, error: A}, {rate: 0.2}",
		 "lambda.default.errors", 2,
		 (const char *const[]){"{rate: 0.1, error: A}", "{rate: 0.2}"});
	split_ok("k=[1, 2],[3]", "k", 2, (const char *const[]){"[1, 2]", "[3]"});
	split_ok("k='a,b',\"c,\\\"d\"", "k", 2, (const char *const[]){"'a,b'", "\"c,\\\"d\""});
	split_bad("noequals");
	split_bad("=1");
	split_bad("k=1,,2");
	split_bad("k=1,");
	split_bad("k={a: 1");
	split_bad("k='a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_percentile),	cmocka_unit_test(test_cost_formulas),
	    cmocka_unit_test(test_cost_of_log), cmocka_unit_test(test_split_values),
	    cmocka_unit_test(test_delta_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
