/* Unit tests of the simulation engine's API: stepping, advancing to a time, the playback
 * seam, determinism, StopExecution, the inline Map concurrency ceiling. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "asl_build.h"
#include "asl/asl.h"
#include "sim/sim.h"
#include "doc/doc.h"

/* The seed's Map part: Pass, Wait 2 s, lambda:invoke (seed.md). */
static const char seed_map[] =
    "{\"StartAt\": \"MapState\", \"States\": {\"MapState\": {\"Type\": \"Map\", \"End\": true,"
    " \"MaxConcurrency\": %d, \"ItemProcessor\": {\"StartAt\": \"MapPassState\", \"States\": {"
    " \"MapPassState\": {\"Type\": \"Pass\", \"Next\": \"WaitInMap\"},"
    " \"WaitInMap\": {\"Type\": \"Wait\", \"Seconds\": 2, \"Next\": \"LambdaInvoke\"},"
    " \"LambdaInvoke\": {\"Type\": \"Task\", \"End\": true,"
    " \"Resource\": \"arn:aws:states:::lambda:invoke\", \"Retry\": [{\"ErrorEquals\": "
    "[\"Lambda.ServiceException\"], \"IntervalSeconds\": 2, \"MaxAttempts\": 6, "
    "\"BackoffRate\": 2, \"JitterStrategy\": \"FULL\"}],"
    " \"Parameters\": {\"FunctionName\": \"f\", \"Payload.$\": \"$\", \"Id.$\": "
    "\"States.UUID()\"}}}}}}}";

struct fixture {
	struct asl_machine *m;
	struct ev_log *log;
	struct sim_engine *e;
};

static void start(struct fixture *f, int max_conc, int items, const struct sim_options *opt)
{
	char *text = xasprintf(seed_map, max_conc);
	struct diags d;
	diags_init(&d);
	f->m = asl_load_text("seed.json", text, strlen(text), NULL, &d);
	free(text);
	assert_non_null(f->m);
	json_t *input = json_array();
	for (int i = 0; i < items; i++)
		json_array_append_new(input, json_pack("{s:i}", "n", i));
	f->log = ev_log_new();
	f->e = sim_new(f->m, input, opt, f->log, &d);
	assert_non_null(f->e);
	json_decref(input);
	diags_fini(&d);
}

static void stop(struct fixture *f)
{
	sim_free(f->e);
	ev_log_free(f->log);
	asl_machine_free(f->m);
}

/* Every event's text line plus its payload, for byte comparisons. */
static char *dump(const struct ev_log *log)
{
	struct strbuf sb;
	sb_init(&sb);
	for (size_t id = 1; id <= ev_log_count(log); id++) {
		const struct ev *e = ev_log_get(log, (int64_t)id);
		ev_format_line(log, e, (int64_t)id, &sb);
		if (ev_payload(log, e, (int64_t)id)) {
			char *p = doc_dumps(ev_payload(log, e, (int64_t)id),
					    JSON_COMPACT | JSON_ENCODE_ANY);
			sb_addf(&sb, " %s", p);
			free(p);
		}
		sb_addc(&sb, '\n');
	}
	return sb_take(&sb);
}

static void test_step_equals_run(void **state)
{
	(void)state;
	struct fixture a, b;
	start(&a, 1, 3, NULL);
	start(&b, 1, 3, NULL);
	sim_run(a.e);
	size_t steps = 0;
	while (sim_step(b.e)) {
		steps++;
		assert_true(ev_log_count(b.log) >= steps + 1);
	}
	assert_true(sim_finished(b.e));
	assert_int_equal(sim_status(b.e), SIM_SUCCEEDED);
	char *da = dump(a.log), *db = dump(b.log);
	assert_string_equal(da, db); /* same seed: the same log, payloads (UUIDs) included */
	free(da);
	free(db);
	stop(&a);
	stop(&b);
}

static void test_advance_to(void **state)
{
	(void)state;
	struct fixture f;
	start(&f, 1, 3, NULL);
	sim_advance_to(f.e, 1000);
	size_t n = ev_log_count(f.log);
	assert_true(n > 3);
	for (size_t id = 1; id <= n; id++)
		assert_true(ev_log_get(f.log, (int64_t)id)->t_ms <= 1000);
	assert_false(sim_finished(f.e));
	/* The next work is the Wait's end, 2 s after it started. */
	assert_true(sim_next_time(f.e) > 2000);
	sim_advance_to(f.e, 1999);
	assert_int_equal(ev_log_count(f.log), n);
	sim_run(f.e);
	assert_int_equal(sim_status(f.e), SIM_SUCCEEDED);
	stop(&f);
}

/* The issue: with MaxConcurrency 1 the three invocations start about 2 s + the Lambda
 * duration apart; with 3, within a few ms. */
static void test_seed_spacing(void **state)
{
	(void)state;
	for (int mc = 1; mc <= 3; mc += 2) {
		struct fixture f;
		start(&f, mc, 3, NULL);
		sim_run(f.e);
		int64_t t[3];
		int k = 0;
		for (size_t id = 1; id <= ev_log_count(f.log); id++) {
			const struct ev *e = ev_log_get(f.log, (int64_t)id);
			if (e->type == EV_TaskStarted)
				t[k++] = e->t_ms;
		}
		assert_int_equal(k, 3);
		if (mc == 1) {
			assert_true(t[1] - t[0] >= 2120 && t[1] - t[0] <= 2300);
			assert_true(t[2] - t[1] >= 2120 && t[2] - t[1] <= 2300);
		} else {
			assert_true(t[2] - t[0] <= 10);
		}
		stop(&f);
	}
}

static void test_producer(void **state)
{
	(void)state;
	struct fixture f;
	start(&f, 0, 2, NULL);
	struct ev_producer p;
	sim_producer_init(&p, f.e, NULL);
	assert_string_equal(p.ops->describe(p.self), "seed 1");
	assert_true(p.log == f.log);
	assert_true(p.ops->advance_to(p.self, 500));
	assert_false(p.ops->finished(p.self));
	while (p.ops->step(p.self))
		;
	assert_true(p.ops->finished(p.self));
	stop(&f);
}

static void test_abort(void **state)
{
	(void)state;
	struct fixture f;
	start(&f, 0, 2, NULL);
	sim_advance_to(f.e, 1000); /* both iterations in their Wait */
	sim_abort(f.e, NULL, NULL);
	assert_int_equal(sim_status(f.e), SIM_ABORTED);
	size_t n = ev_log_count(f.log);
	const struct ev *last = ev_log_get(f.log, (int64_t)n);
	assert_int_equal(last->type, EV_ExecutionAborted);
	assert_int_equal(last->prev, 0); /* aws-facts a.5 */
	int waits = 0;
	for (size_t id = 1; id <= n; id++)
		waits += ev_log_get(f.log, (int64_t)id)->type == EV_WaitStateAborted;
	/* No WaitStateAborted: AWS's history after StopExecution goes from WaitStateEntered to
	 * ExecutionAborted (corpus wait-stop-execution-aborted). */
	assert_int_equal(waits, 0);
	assert_int_equal(ev_log_get(f.log, (int64_t)n - 1)->type, EV_WaitStateEntered);
	assert_false(sim_step(f.e));
	stop(&f);
}

static int max_in_flight(const struct ev_log *log)
{
	int cur = 0, max = 0;
	for (size_t id = 1; id <= ev_log_count(log); id++) {
		enum ev_type t = ev_log_get(log, (int64_t)id)->type;
		cur += t == EV_MapIterationStarted;
		cur -= t == EV_MapIterationSucceeded || t == EV_MapIterationFailed;
		max = cur > max ? cur : max;
	}
	return max;
}

/* aws-facts b.1: inline Map concurrency is capped at 40 (option; 0 lifts the cap). */
static void test_inline_cap(void **state)
{
	(void)state;
	struct fixture f;
	start(&f, 0, 45, NULL);
	sim_run(f.e);
	assert_int_equal(max_in_flight(f.log), 40);
	stop(&f);
	struct sim_options o;
	sim_options_init(&o);
	o.inline_map_cap = 0;
	start(&f, 0, 45, &o);
	sim_run(f.e);
	assert_int_equal(max_in_flight(f.log), 45);
	struct sim_stats st;
	sim_get_stats(f.e, &st);
	assert_int_equal(st.lambda_invocations, 45);
	stop(&f);
}

/* Many items with no limit: every one runs. 5,000 invoke envelopes are more than AWS's
 * 256 KiB payload limit, so the Map's result fails with States.DataLimitExceeded (aws-facts e)
 * once every iteration has succeeded. */
static void test_many_items(void **state)
{
	(void)state;
	struct sim_options o;
	sim_options_init(&o);
	o.inline_map_cap = 0;
	o.history_event_limit = 0;
	struct fixture f;
	start(&f, 0, 5000, &o);
	sim_run(f.e);
	int ok = 0;
	for (size_t id = 1; id <= ev_log_count(f.log); id++)
		ok += ev_log_get(f.log, (int64_t)id)->type == EV_MapIterationSucceeded;
	assert_int_equal(ok, 5000);
	assert_int_equal(max_in_flight(f.log), 5000);
	assert_int_equal(sim_status(f.e), SIM_FAILED);
	assert_string_equal(sim_error(f.e), "States.DataLimitExceeded");
	stop(&f);
}

/* A custom service model (the open interface): a result above AWS's 256 KiB limit fails the
 * task with States.DataLimitExceeded, which States.ALL catches (aws-facts b.8, observed). */
static bool match_big(const struct sim_service *svc, const char *r)
{
	(void)svc;
	return strcmp(r, "arn:aws:states:::big:get") == 0;
}

static void invoke_big(const struct sim_service *svc, const struct sim_call *call,
		       struct sim_outcome *out)
{
	(void)svc;
	assert_int_equal(json_integer_value(json_object_get(call->parameters, "n")), 1);
	char *blob = xcalloc(300000, 1);
	memset(blob, 'x', 299999);
	out->duration_ms = 42;
	out->result = json_pack("{s:s}", "blob", blob);
	free(blob);
}

static void test_custom_service_data_limit(void **state)
{
	(void)state;
	struct asl_machine *m =
	    load("{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": "
		 "\"arn:aws:states:::big:get\", \"Parameters\": {\"n\": 1}, \"Catch\": "
		 "[{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"C\"}], \"End\": true},"
		 " \"C\": {\"Type\": \"Pass\", \"End\": true}}}");
	struct ev_log *log = ev_log_new();
	struct diags d;
	diags_init(&d);
	struct sim_engine *e = sim_new(m, NULL, NULL, log, &d);
	static const struct sim_service big = {"big", match_big, invoke_big, NULL, false};
	sim_add_service(e, &big);
	sim_run(e);
	assert_int_equal(sim_status(e), SIM_SUCCEEDED);
	assert_string_equal(json_string_value(json_object_get(sim_output(e), "Error")),
			    "States.DataLimitExceeded");
	const struct ev *failed = ev_log_get(log, 5);
	assert_int_equal(failed->type, EV_TaskFailed);
	assert_int_equal(failed->t_ms - ev_log_get(log, 4)->t_ms, 42); /* the model's duration */
	sim_free(e);
	ev_log_free(log);
	diags_fini(&d);
	asl_machine_free(m);
}

static bool match_cold(const struct sim_service *svc, const char *r)
{
	(void)svc;
	return strcmp(r, "arn:aws:states:::cold:get") == 0;
}

/* Calls 0 and 1 start cold after 245 ms, call 2 warm, call 3 cold after 100 ms. */
static void invoke_cold(const struct sim_service *svc, const struct sim_call *call,
			struct sim_outcome *out)
{
	(void)svc;
	static const double init[] = {245, 245, 0, 100};
	out->init_ms = init[call->invocation % 4];
	out->duration_ms = 10 + (int64_t)out->init_ms;
	out->result = json_object();
}

/* A cold start's init duration rides on its TaskStarted event (EV_KEY_COLD_START, for the
 * timeline); calls with the same duration share one details value, a warm call has none. */
static void test_cold_start_details(void **state)
{
	(void)state;
	struct asl_machine *m = load(
	    "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"End\": true, "
	    "\"MaxConcurrency\": 1, \"ItemProcessor\": {\"StartAt\": \"T\", \"States\": {\"T\": "
	    "{\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::cold:get\", \"End\": "
	    "true}}}}}}");
	struct ev_log *log = ev_log_new();
	struct diags d;
	diags_init(&d);
	json_t *input = json_pack("[i, i, i, i]", 1, 2, 3, 4);
	struct sim_engine *e = sim_new(m, input, NULL, log, &d);
	json_decref(input);
	static const struct sim_service cold = {"cold", match_cold, invoke_cold, NULL, false};
	sim_add_service(e, &cold);
	sim_run(e);
	assert_int_equal(sim_status(e), SIM_SUCCEEDED);
	const struct ev *started[4];
	size_t n = 0;
	for (int64_t id = 1; id <= (int64_t)ev_log_count(log); id++)
		if (ev_log_get(log, id)->type == EV_TaskStarted && n < 4)
			started[n++] = ev_log_get(log, id);
	assert_int_equal(n, 4);
	const double want[] = {245, 245, 0, 100};
	for (size_t i = 0; i < 4; i++) {
		json_t *ms = json_object_get(ev_extra(log, started[i]), EV_KEY_COLD_START);
		if (want[i] == 0)
			assert_null(ms);
		else
			assert_true(json_real_value(ms) == want[i]);
	}
	/* One shared value, so one detail set: no extra memory per cold start. */
	assert_ptr_equal(ev_extra(log, started[0]), ev_extra(log, started[1]));
	assert_int_equal(started[0]->detail, started[1]->detail);
	assert_ptr_not_equal(ev_extra(log, started[0]), ev_extra(log, started[3]));
	/* The details keep the Task's resource beside the cold start, and a warm start has the
	 * resource alone. */
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(ev_log_str(log, ev_resource_type(log, started[i])), "cold");
		assert_string_equal(ev_log_str(log, ev_resource(log, started[i])), "get");
	}
	assert_null(ev_extra(log, started[2]));
	/* Every TaskScheduled names one set (the state's shared region details). */
	uint32_t sched = 0;
	size_t scheduled = 0;
	for (int64_t id = 1; id <= (int64_t)ev_log_count(log); id++) {
		const struct ev *x = ev_log_get(log, id);
		if (x->type != EV_TaskScheduled)
			continue;
		scheduled++;
		if (!sched)
			sched = x->detail;
		assert_int_equal(x->detail, sched);
		assert_string_equal(ev_log_str(log, ev_resource(log, x)), "get");
		assert_true(json_is_string(json_object_get(ev_extra(log, x), "region")));
	}
	assert_int_equal(scheduled, 4);
	sim_free(e);
	ev_log_free(log);
	diags_fini(&d);
	asl_machine_free(m);
}

/* The Map's result size is the sum of its iterations' (measured once, where each was produced):
 * exactly 262,144 bytes passes, one more fails with States.DataLimitExceeded, whether the Map's
 * output is its result or its result is checked before ResultPath discards it. 3 results
 * {"blob":"x..."} of 11 + L bytes in
 * "[a,b,c]": 2 + 3 * (11 + 87369) + 2 = 262,144. */
static int blob_extra;

static bool match_blob(const struct sim_service *svc, const char *r)
{
	(void)svc;
	return strcmp(r, "arn:aws:states:::blob:get") == 0;
}

static void invoke_blob(const struct sim_service *svc, const struct sim_call *call,
			struct sim_outcome *out)
{
	(void)svc;
	size_t n = 87369 + (call->invocation == 2 ? (size_t)blob_extra : 0);
	char *blob = xcalloc(n + 1, 1);
	memset(blob, 'x', n);
	out->duration_ms = 10;
	out->result = json_pack("{s:s}", "blob", blob);
	free(blob);
}

/* copy: each iteration ends in a Pass that copies the blob into a new object, whose size is
 * not known where it was made (measured when the iteration ends). */
static void run_blobs(const char *result_path, bool copy, int extra, enum sim_status want)
{
	const char *end = copy ? "\"Next\": \"P\"}, \"P\": {\"Type\": \"Pass\","
				 " \"Parameters\": {\"blob.$\": \"$.blob\"}, \"End\": true}"
			       : "\"End\": true}";
	char *text = xasprintf(
	    "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", %s \"End\": true,"
	    " \"ItemProcessor\": {\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\","
	    " \"Resource\": \"arn:aws:states:::blob:get\", %s}}}}}",
	    result_path, end);
	struct asl_machine *m = load(text);
	free(text);
	json_t *input = json_pack("[i, i, i]", 1, 2, 3);
	struct ev_log *log = ev_log_new();
	struct diags d;
	diags_init(&d);
	struct sim_engine *e = sim_new(m, input, NULL, log, &d);
	static const struct sim_service blob = {"blob", match_blob, invoke_blob, NULL, false};
	sim_add_service(e, &blob);
	blob_extra = extra;
	sim_run(e);
	assert_int_equal(sim_status(e), want);
	if (want == SIM_FAILED)
		assert_string_equal(sim_error(e), "States.DataLimitExceeded");
	sim_free(e);
	ev_log_free(log);
	json_decref(input);
	diags_fini(&d);
	asl_machine_free(m);
}

/* The longest a simulated execution lasts is its TimeoutSeconds (at most 99,999,999 s, the ASL
 * check) or a year: a Wait asking for more (SecondsPath reads up to 9.2e15 s) ends in
 * ExecutionTimedOut then, so simulated times stay far inside a record's EV_T_MAX, which
 * records rely on (no check per event). https://docs.aws.amazon.com/step-functions/latest/dg/
 * service-quotas.html (execution time: one year). */
static void test_time_bounded(void **state)
{
	(void)state;
	static const char def[] = "{\"TimeoutSeconds\": 99999999, \"StartAt\": \"W\", \"States\": "
				  "{\"W\": {\"Type\": \"Wait\", \"SecondsPath\": \"$.s\", \"End\": "
				  "true}}}";
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = asl_load_text("w.json", def, strlen(def), NULL, &d);
	assert_non_null(m);
	json_t *input = json_pack("{s:I}", "s", (json_int_t)9000000000000000LL);
	struct ev_log *log = ev_log_new();
	struct sim_engine *e = sim_new(m, input, NULL, log, &d);
	assert_non_null(e);
	sim_run(e);
	const struct ev *last = ev_log_get(log, (int64_t)ev_log_count(log));
	assert_int_equal(last->type, EV_ExecutionTimedOut);
	assert_int_equal(last->t_ms, 99999999000LL);
	assert_true(last->t_ms < EV_T_MAX);
	sim_free(e);
	ev_log_free(log);
	json_decref(input);
	asl_machine_free(m);
	diags_fini(&d);
}

static void test_map_result_limit(void **state)
{
	(void)state;
	for (int copy = 0; copy < 2; copy++) {
		run_blobs("", copy, 0, SIM_SUCCEEDED);
		run_blobs("", copy, 1, SIM_FAILED);
		/* Results nobody reads are not kept (block.c): their sizes are. */
		run_blobs("\"ResultPath\": null,", copy, 0, SIM_SUCCEEDED);
		run_blobs("\"ResultPath\": null,", copy, 1, SIM_FAILED);
	}
}

/* ResultWriter into a local folder standing in for S3 (aws-facts b.2). */
static void test_result_writer(void **state)
{
	(void)state;
	char dir[] = "/tmp/stepscope-rw-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *text = xasprintf(
	    "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"End\": true,"
	    " \"ItemProcessor\": {\"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\"},"
	    " \"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}},"
	    " \"ResultWriter\": {\"Resource\": \"arn:aws:states:::s3:putObject\","
	    " \"Parameters\": {\"Bucket\": \"%s\", \"Prefix\": \"out\"}}}}}",
	    dir);
	struct asl_machine *m = load(text);
	free(text);
	struct ev_log *log = ev_log_new();
	json_t *input = json_pack("[i, i]", 1, 2);
	struct sim_engine *e = sim_new(m, input, NULL, log, NULL);
	sim_run(e);
	assert_int_equal(sim_status(e), SIM_SUCCEEDED);
	json_t *details = json_object_get(sim_output(e), "ResultWriterDetails");
	const char *key = json_string_value(json_object_get(details, "Key"));
	assert_non_null(key);
	char *manifest = xasprintf("%s/%s", dir, key);
	json_t *man = json_load_file(manifest, 0, NULL);
	assert_non_null(man);
	json_t *ok =
	    json_array_get(json_object_get(json_object_get(man, "ResultFiles"), "SUCCEEDED"), 0);
	char *okpath = xasprintf("%s/%s", dir, json_string_value(json_object_get(ok, "Key")));
	json_t *records = json_load_file(okpath, 0, NULL);
	assert_int_equal(json_array_size(records), 2);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(records, 1), "Output")), "2");
	/* clean up: three files and two folders under dir */
	char *cmd = xasprintf("rm -r '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	json_decref(records);
	free(okpath);
	json_decref(man);
	free(manifest);
	json_decref(input);
	sim_free(e);
	ev_log_free(log);
	asl_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_step_equals_run),
	    cmocka_unit_test(test_advance_to),
	    cmocka_unit_test(test_seed_spacing),
	    cmocka_unit_test(test_producer),
	    cmocka_unit_test(test_abort),
	    cmocka_unit_test(test_inline_cap),
	    cmocka_unit_test(test_many_items),
	    cmocka_unit_test(test_custom_service_data_limit),
	    cmocka_unit_test(test_cold_start_details),
	    cmocka_unit_test(test_time_bounded),
	    cmocka_unit_test(test_map_result_limit),
	    cmocka_unit_test(test_result_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
