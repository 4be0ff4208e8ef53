/* Unit tests of src/event: type names, interning, append stability, text form. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "event/event.h"

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(ev_type_name(EV_TaskScheduled), "TaskScheduled");
	assert_int_equal(ev_type_from_name("MapIterationStarted"), EV_MapIterationStarted);
	assert_int_equal(ev_type_from_name("SomethingNew"), EV_UNKNOWN);
	assert_int_equal(EV_UNKNOWN, 62);
	/* Details members as the botocore model names them (aws-facts a.4). */
	assert_string_equal(ev_details_key(EV_TaskStateEntered), "stateEnteredEventDetails");
	assert_string_equal(ev_details_key(EV_FailStateEntered), "stateEnteredEventDetails");
	assert_string_equal(ev_details_key(EV_MapStateExited), "stateExitedEventDetails");
	assert_string_equal(ev_details_key(EV_TaskScheduled), "taskScheduledEventDetails");
	assert_string_equal(ev_details_key(EV_MapStateStarted), "mapStateStartedEventDetails");
	assert_string_equal(ev_details_key(EV_ExecutionStarted), "executionStartedEventDetails");
	assert_null(ev_details_key(EV_MapStateSucceeded));
	assert_null(ev_details_key(EV_LambdaFunctionStarted));
	assert_null(ev_details_key(EV_TaskStateAborted));
}

static void test_intern(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	assert_int_equal(ev_log_intern(log, NULL), 0);
	assert_int_equal(ev_log_intern(log, ""), 0);
	ev_str_t a = ev_log_intern(log, "MapState");
	ev_str_t b = ev_log_intern(log, "LambdaInvoke");
	assert_true(a != b);
	assert_int_equal(ev_log_intern(log, "MapState"), a);
	char name[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "S%d", i);
		ev_log_intern(log, name);
	}
	assert_int_equal(ev_log_intern(log, "LambdaInvoke"), b);
	assert_string_equal(ev_log_str(log, a), "MapState");
	assert_null(ev_log_str(log, 0));
	ev_log_free(log);
}

/* Detail sets are interned: equal ones share an id (a simulation's Task events all name one),
 * all-absent is 0, and a record reads its own back (a copy of it too). */
static void test_detail(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	struct ev_detail none = {0};
	assert_int_equal(ev_log_detail(log, &none), 0);
	struct ev_detail task = {.resource_type = ev_log_intern(log, "lambda"),
				 .resource = ev_log_intern(log, "invoke")};
	uint32_t t = ev_log_detail(log, &task);
	assert_true(t != 0);
	struct ev_detail failed = task;
	failed.error = ev_log_intern(log, "States.TaskFailed");
	uint32_t f = ev_log_detail(log, &failed);
	assert_true(f != 0 && f != t);
	/* Many distinct sets (the table grows), then the first ones again. */
	char name[32];
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "E%d", i);
		struct ev_detail d = {.error = ev_log_intern(log, name)};
		assert_int_equal(ev_log_detail(log, &d), f + 1 + (uint32_t)i);
	}
	assert_int_equal(ev_log_detail_count(log), 3003);
	struct ev_detail again = {.resource_type = ev_log_intern(log, "lambda"),
				  .resource = ev_log_intern(log, "invoke")};
	assert_int_equal(ev_log_detail(log, &again), t);
	assert_int_equal(ev_log_detail(log, &failed), f);

	struct ev e = {.type = EV_TaskFailed, .item = -1, .detail = f};
	const struct ev *r = ev_log_get(log, ev_log_append(log, &e));
	struct ev copy = *r;
	struct ev_detail got = ev_detail(log, &copy);
	assert_string_equal(ev_log_str(log, got.error), "States.TaskFailed");
	assert_string_equal(ev_log_str(log, ev_resource_type(log, r)), "lambda");
	assert_string_equal(ev_log_str(log, ev_resource(log, r)), "invoke");
	assert_int_equal(ev_cause(log, r), 0);
	assert_int_equal(ev_raw_type(log, r), 0);
	/* No detail, or an id this log never gave: all absent. */
	struct ev plain = {.type = EV_PassStateEntered, .item = -1};
	got = ev_detail(log, &plain);
	assert_true(!got.error && !got.cause && !got.resource_type && !got.resource &&
		    !got.raw_type);
	plain.detail = 999999;
	assert_int_equal(ev_error(log, &plain), 0);
	ev_log_free(log);
}

/* Extra details belong to the detail set, told apart by pointer: one shared value (the
 * simulator's per-state details) is one set however many records name it, an equal value made
 * apart is another set, and the log holds one reference per set, not per record. */
static void test_detail_extra(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	ev_str_t res = ev_log_intern(log, "invoke");
	json_t *shared = json_pack("{s:s}", "region", "us-east-1");
	struct ev_detail d = {.resource = res, .extra = shared};
	uint32_t a = ev_log_detail(log, &d);
	assert_true(a != 0);
	assert_int_equal(shared->refcount, 2); /* ours and the log's */
	for (int i = 0; i < 1000; i++) {
		struct ev e = {
		    .type = EV_TaskScheduled, .item = i, .detail = ev_log_detail(log, &d)};
		ev_log_append(log, &e);
	}
	assert_int_equal(shared->refcount, 2);
	assert_int_equal(ev_log_detail_count(log), 2);
	const struct ev *r = ev_log_get(log, 1000);
	assert_int_equal(r->detail, a);
	assert_ptr_equal(ev_extra(log, r), shared);
	assert_int_equal(ev_resource(log, r), res);
	/* The same strings without the extra, and an equal extra made apart: two more sets. */
	struct ev_detail bare = {.resource = res};
	uint32_t b = ev_log_detail(log, &bare);
	json_t *twin = json_deep_copy(shared);
	struct ev_detail other = {.resource = res, .extra = twin};
	uint32_t c = ev_log_detail(log, &other);
	assert_true(b != a && c != a && c != b);
	/* Extra alone is a set too (not 0). */
	struct ev_detail only = {.extra = twin};
	assert_true(ev_log_detail(log, &only) != 0);
	struct ev plain = {.type = EV_PassStateEntered, .item = -1};
	assert_null(ev_extra(log, &plain));
	/* The caller's references go; the log's keep the values alive until it is freed. */
	json_decref(twin);
	json_decref(shared);
	assert_int_equal(shared->refcount, 1);
	assert_string_equal(json_string_value(json_object_get(ev_extra(log, r), "region")),
			    "us-east-1");
	ev_log_free(log);
}

static void test_append_and_text(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	struct ev e = {.type = EV_ExecutionStarted, .item = -1, .payload = json_string("{}")};
	assert_int_equal(ev_log_append(log, &e), 1);
	const struct ev *first = ev_log_get(log, 1);
	for (int i = 0; i < 10000; i++) {
		struct ev t = {.type = EV_TaskScheduled, .prev = 1, .t_ms = 2013, .item = 0,
			       .state = ev_log_intern(log, "LambdaInvoke")};
		ev_log_append(log, &t);
	}
	/* Appending never moves earlier records. */
	assert_ptr_equal(first, ev_log_get(log, 1));
	assert_int_equal(ev_log_count(log), 10001);
	assert_null(ev_log_get(log, 0));
	assert_null(ev_log_get(log, 10002));
	struct strbuf sb;
	sb_init(&sb);
	ev_format_line(log, ev_log_get(log, 7), 7, &sb);
	assert_string_equal(sb_str(&sb), "[   2.013] 7 <- 1 TaskScheduled LambdaInvoke #0");
	sb_clear(&sb);
	struct ev_detail fd = {.error = ev_log_intern(log, "States.Timeout")};
	struct ev f = {.type = EV_ExecutionFailed, .prev = 7, .t_ms = 20000, .item = -1,
		       .detail = ev_log_detail(log, &fd)};
	ev_log_append(log, &f);
	ev_format_line(log, ev_log_get(log, 10002), 10002, &sb);
	assert_string_equal(sb_str(&sb),
			    "[  20.000] 10002 <- 7 ExecutionFailed error=States.Timeout");
	sb_fini(&sb);
	ev_log_free(log);
}

/* A record is 32 bytes: its type shares the time's word (event.h), and both read back whole,
 * at the ends of their ranges too. */
static void test_record_fields(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	struct ev a = {.type = EV_UNKNOWN, .t_ms = EV_T_MAX, .prev = INT32_MAX, .item = -1};
	struct ev b = {.type = EV_ActivityFailed, .t_ms = -EV_T_MAX, .item = INT32_MIN};
	ev_log_append(log, &a);
	ev_log_append(log, &b);
	const struct ev *x = ev_log_get(log, 1), *y = ev_log_get(log, 2);
	assert_int_equal(x->type, EV_UNKNOWN);
	assert_int_equal(x->t_ms, EV_T_MAX);
	assert_int_equal(x->prev, INT32_MAX);
	assert_int_equal(y->type, EV_ActivityFailed);
	assert_int_equal(y->t_ms, -EV_T_MAX);
	assert_int_equal(y->item, INT32_MIN);
	ev_log_free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_detail),
		cmocka_unit_test(test_detail_extra),
		cmocka_unit_test(test_append_and_text),
		cmocka_unit_test(test_record_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
