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
	ev_format_line(log, ev_log_get(log, 7), &sb);
	assert_string_equal(sb_str(&sb), "[   2.013] 7 <- 1 TaskScheduled LambdaInvoke #0");
	sb_clear(&sb);
	struct ev f = {.type = EV_ExecutionFailed, .prev = 7, .t_ms = 20000, .item = -1,
		       .error = ev_log_intern(log, "States.Timeout")};
	ev_log_append(log, &f);
	ev_format_line(log, ev_log_get(log, 10002), &sb);
	assert_string_equal(sb_str(&sb), "[  20.000] 10002 <- 7 ExecutionFailed error=States.Timeout");
	sb_fini(&sb);
	ev_log_free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_append_and_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
