/*
 * Distributed Map child executions through sim.h: each item runs as a child execution with its
 * own log (ids from 1, ExecutionStarted with the item, its states, its closing event), named
 * after the Map Run; the parent log keeps only the Map Run events (aws-facts a.5, b.2).
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "sim/sim.h"

/* Items above 2 fail; two failures are tolerated. %s: the ExecutionType. */
static const char dmap[] =
    "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"End\": true,"
    " \"ToleratedFailureCount\": 2, \"Label\": \"Run\", \"ItemProcessor\": {"
    " \"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": \"%s\"},"
    " \"StartAt\": \"C\", \"States\": {"
    " \"C\": {\"Type\": \"Choice\", \"Choices\": [{\"Variable\": \"$\","
    " \"NumericGreaterThan\": 2, \"Next\": \"F\"}], \"Default\": \"P\"},"
    " \"F\": {\"Type\": \"Fail\", \"Error\": \"TooBig\"},"
    " \"P\": {\"Type\": \"Pass\", \"End\": true}}}}}}";

struct fixture {
	struct asl_machine *m;
	struct ev_log *log;
	struct sim_engine *e;
};

static void start(struct fixture *f, const char *type)
{
	char *text = xasprintf(dmap, type);
	struct diags d;
	diags_init(&d);
	f->m = asl_load_text("t.json", text, strlen(text), NULL, &d);
	assert_non_null(f->m);
	f->log = ev_log_new();
	json_t *input = json_pack("[i, i, i, i]", 1, 2, 3, 4);
	f->e = sim_new(f->m, input, NULL, f->log, &d);
	assert_non_null(f->e);
	json_decref(input);
	diags_fini(&d);
	free(text);
}

static void stop(struct fixture *f)
{
	sim_free(f->e);
	ev_log_free(f->log);
	asl_machine_free(f->m);
}

static void test_children_have_their_own_logs(void **state)
{
	(void)state;
	struct fixture f;
	start(&f, "STANDARD");
	sim_run(f.e);
	assert_int_equal(sim_status(f.e), SIM_SUCCEEDED);
	/* Parent: no state of the child workflow appears, only the Map Run. */
	for (int64_t id = 1; id <= (int64_t)ev_log_count(f.log); id++) {
		enum ev_type t = ev_log_get(f.log, id)->type;
		assert_true(t != EV_MapIterationStarted && t != EV_PassStateEntered &&
			    t != EV_ChoiceStateEntered && t != EV_FailStateEntered);
	}
	assert_int_equal(sim_child_count(f.e), 4);
	const struct ev *run_started = ev_log_get(f.log, 4);
	assert_int_equal(run_started->type, EV_MapRunStarted);
	const char *run_arn =
	    json_string_value(json_object_get(ev_extra(f.log, run_started), "mapRunArn"));
	const char *run_id = strrchr(run_arn, ':') + 1;
	for (size_t i = 0; i < 4; i++) {
		const struct sim_child_info *c = sim_child(f.e, i);
		assert_int_equal(c->index, i);
		assert_string_equal(c->map_run_arn, run_arn);
		assert_string_equal(c->map_state, "M");
		assert_false(c->express);
		/* "<map run id>_<index>" and an execution ARN under "<machine>/<label>". */
		assert_true(strncmp(c->name, run_id, strlen(run_id)) == 0);
		assert_true(strstr(c->arn, ":execution:StateMachine/Run:") != NULL);
		assert_true(strstr(c->arn, c->name) != NULL);
		struct ev_log *log = sim_child_history(f.e, i);
		const struct ev *first = ev_log_get(log, 1);
		assert_int_equal(first->type, EV_ExecutionStarted);
		assert_int_equal(json_integer_value(ev_payload(log, first, 1)), (json_int_t)i + 1);
		/* The first state also points at 0 (aws-facts a.5). */
		assert_int_equal(ev_log_get(log, 2)->prev, 0);
		assert_int_equal(ev_log_get(log, 2)->item, -1);
		const struct ev *last = ev_log_get(log, (int64_t)ev_log_count(log));
		assert_int_equal(last->type, i < 2 ? EV_ExecutionSucceeded : EV_ExecutionFailed);
		assert_int_equal(c->status, i < 2 ? SIM_SUCCEEDED : SIM_FAILED);
		assert_int_equal(c->events, ev_log_count(log));
		assert_int_equal(c->end_ms, c->start_ms + last->t_ms);
		assert_int_equal(c->items, 1);
		assert_string_equal(ev_log_str(log, ev_log_meta_const(log)->execution_name),
				    c->name);
		ev_log_free(log);
	}
	assert_null(sim_child_history(f.e, 4));
	assert_null(sim_child(f.e, 4));
	stop(&f);
}

/* EXPRESS children are kept (AWS has no history for them) and marked. */
static void test_express_marked(void **state)
{
	(void)state;
	struct fixture f;
	start(&f, "EXPRESS");
	sim_run(f.e);
	assert_int_equal(sim_child_count(f.e), 4);
	for (size_t i = 0; i < 4; i++)
		assert_true(sim_child(f.e, i)->express);
	stop(&f);
}

/* Stepping: a child is visible while it runs, then reaches its status. */
static void test_children_while_running(void **state)
{
	(void)state;
	struct fixture f;
	start(&f, "STANDARD");
	while (sim_child_count(f.e) == 0 && sim_step(f.e))
		;
	assert_true(sim_child_count(f.e) > 0);
	assert_int_equal(sim_child(f.e, 0)->status, SIM_RUNNING);
	sim_run(f.e);
	assert_int_equal(sim_child(f.e, 0)->status, SIM_SUCCEEDED);
	stop(&f);
}

/* Inside a child `$$.Execution` is the child's own execution (name, input). */
static void test_child_context(void **state)
{
	(void)state;
	const char *text =
	    "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"End\": true,"
	    " \"ItemProcessor\": {\"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\"},"
	    " \"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true,"
	    " \"Parameters\": {\"name.$\": \"$$.Execution.Name\","
	    " \"input.$\": \"$$.Execution.Input\"}}}}}}}";
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = asl_load_text("t.json", text, strlen(text), NULL, &d);
	assert_non_null(m);
	struct ev_log *log = ev_log_new();
	json_t *input = json_pack("[s, s]", "a", "b");
	struct sim_engine *e = sim_new(m, input, NULL, log, &d);
	assert_non_null(e);
	sim_run(e);
	assert_int_equal(sim_child_count(e), 2);
	for (size_t i = 0; i < 2; i++) {
		const struct sim_child_info *c = sim_child(e, i);
		struct ev_log *hist = sim_child_history(e, i);
		int64_t end_id = (int64_t)ev_log_count(hist);
		const struct ev *end = ev_log_get(hist, end_id);
		assert_int_equal(end->type, EV_ExecutionSucceeded);
		assert_string_equal(
		    json_string_value(json_object_get(ev_payload(hist, end, end_id), "name")),
		    c->name);
		assert_true(
		    json_equal(json_object_get(end->payload, "input"), json_array_get(input, i)));
		ev_log_free(hist);
	}
	sim_free(e);
	ev_log_free(log);
	json_decref(input);
	asl_machine_free(m);
	diags_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_children_have_their_own_logs),
	    cmocka_unit_test(test_express_marked),
	    cmocka_unit_test(test_children_while_running),
	    cmocka_unit_test(test_child_context),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
