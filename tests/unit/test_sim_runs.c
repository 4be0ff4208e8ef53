/* Unit tests of the runs' lifetimes (src/sim/internal.h, Lifetimes): the engine keeps no list
 * of its runs, so sim_free finds them through the queue, the graveyard and the blocks'
 * running children; stopping at any point must free every one (sim_free asserts its count;
 * the sanitizer build checks for leaks and double frees). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "asl_build.h"
#include "asl/asl.h"
#include "sim/internal.h"

/* An outer Map of three iterations: the one with "fail" fails after 1 s, which aborts the
 * two others while they wait 5 s (dead runs whose Wait is still queued); the Map's Catch then
 * waits 10 s. Each iteration runs a Parallel whose two branches are inline Maps of two items:
 * nested blocks of live runs. */
static const char machine[] =
    "{\"StartAt\": \"Outer\", \"States\": {"
    " \"Outer\": {\"Type\": \"Map\", \"ItemsPath\": \"$.items\", \"Next\": \"Done\","
    "  \"Catch\": [{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"After\"}],"
    "  \"ItemProcessor\": {\"StartAt\": \"Both\", \"States\": {"
    "   \"Both\": {\"Type\": \"Parallel\", \"ResultPath\": null, \"Next\": \"Which\","
    "    \"Branches\": ["
    "     {\"StartAt\": \"M1\", \"States\": {\"M1\": {\"Type\": \"Map\", \"ItemsPath\": \"$.two\","
    "      \"End\": true, \"ItemProcessor\": {\"StartAt\": \"P1\", \"States\": {"
    "       \"P1\": {\"Type\": \"Pass\", \"End\": true}}}}}},"
    "     {\"StartAt\": \"M2\", \"States\": {\"M2\": {\"Type\": \"Map\", \"ItemsPath\": \"$.two\","
    "      \"End\": true, \"ItemProcessor\": {\"StartAt\": \"W2\", \"States\": {"
    "       \"W2\": {\"Type\": \"Wait\", \"Seconds\": 1, \"End\": true}}}}}}]},"
    "   \"Which\": {\"Type\": \"Choice\", \"Choices\": [{\"Variable\": \"$.fail\","
    "    \"BooleanEquals\": true, \"Next\": \"Soon\"}], \"Default\": \"Long\"},"
    "   \"Soon\": {\"Type\": \"Wait\", \"Seconds\": 1, \"Next\": \"Boom\"},"
    "   \"Boom\": {\"Type\": \"Fail\", \"Error\": \"Boom\"},"
    "   \"Long\": {\"Type\": \"Wait\", \"Seconds\": 5, \"End\": true}}}},"
    " \"After\": {\"Type\": \"Wait\", \"Seconds\": 10, \"Next\": \"Done\"},"
    " \"Done\": {\"Type\": \"Succeed\"}}}";

struct fixture {
	struct asl_machine *m;
	struct ev_log *log;
	struct sim_engine *e;
};

static void start(struct fixture *f)
{
	f->m = load(machine);
	json_t *input =
	    json_pack("{s:[{s:b, s:[i,i]}, {s:b, s:[i,i]}, {s:b, s:[i,i]}]}", "items", "fail", 0,
		      "two", 1, 2, "fail", 1, "two", 1, 2, "fail", 0, "two", 1, 2);
	struct diags d;
	diags_init(&d);
	f->log = ev_log_new();
	f->e = sim_new(f->m, input, NULL, f->log, &d);
	assert_non_null(f->e);
	json_decref(input);
	diags_fini(&d);
}

static void stop(struct fixture *f)
{
	sim_free(f->e); /* aborts (assert) unless it freed every run */
	ev_log_free(f->log);
	asl_machine_free(f->m);
}

/* Steps until the last event is of `type`; false when the execution ends first. */
static bool step_to(struct fixture *f, enum ev_type type)
{
	while (sim_step(f->e))
		if (ev_log_get(f->log, (int64_t)ev_log_count(f->log))->type == type)
			return true;
	return false;
}

static size_t count_type(const struct ev_log *log, enum ev_type type)
{
	size_t n = 0;
	for (size_t id = 1; id <= ev_log_count(log); id++)
		n += ev_log_get(log, (int64_t)id)->type == type;
	return n;
}

/* The count of runs not freed yet, at known points: it is what sim_free checks. */
static void test_run_count(void **state)
{
	(void)state;
	struct fixture f;
	start(&f);
	assert_int_equal(f.e->run_count, 1); /* the top run */
	/* Every branch's Map iterations entered their state (the M2 ones wait 1 s, none has
	 * ended yet): top + 3 iterations + 3 x 2 branches + 6 x 2 inner iterations. */
	while (count_type(f.log, EV_WaitStateEntered) < 6)
		assert_true(sim_step(f.e));
	assert_int_equal(count_type(f.log, EV_MapIterationSucceeded), 0);
	assert_int_equal(f.e->run_count, 1 + 3 + 6 + 12);
	/* The failing iteration failed: the two others were aborted in their 5 s Wait and stay
	 * allocated (their Wait is still queued), the failed one is freed. */
	assert_true(step_to(&f, EV_MapStateFailed));
	assert_true(step_to(&f, EV_WaitStateEntered)); /* After */
	assert_int_equal(f.e->run_count, 1 + 2);
	stop(&f);
}

/* Stopped after each possible number of steps, the engine frees every run: live ones inside
 * blocks, dead ones still named by queued work, and (at the end) none. */
static void test_free_at_every_step(void **state)
{
	(void)state;
	struct fixture f;
	start(&f);
	size_t steps = 0;
	while (sim_step(f.e))
		steps++;
	assert_int_equal(sim_status(f.e), SIM_SUCCEEDED);
	stop(&f);
	assert_true(steps > 40);
	for (size_t k = 0; k <= steps; k++) {
		start(&f);
		for (size_t i = 0; i < k; i++)
			assert_true(sim_step(f.e));
		assert_int_equal(sim_finished(f.e), k == steps);
		stop(&f);
	}
}

/* StopExecution in the middle: the aborted runs are freed with the engine. */
static void test_free_after_abort(void **state)
{
	(void)state;
	struct fixture f;
	start(&f);
	assert_true(step_to(&f, EV_WaitStateEntered));
	sim_abort(f.e, "Stopped", NULL);
	assert_int_equal(sim_status(f.e), SIM_ABORTED);
	stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_run_count),
	    cmocka_unit_test(test_free_at_every_step),
	    cmocka_unit_test(test_free_after_abort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
