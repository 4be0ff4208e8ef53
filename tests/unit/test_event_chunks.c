/*
 * The event log's growing chunks (src/event/log.c): records never move while the log grows
 * across every chunk boundary (16, 32, ... 4,096, then 4,096 each), ids map to their own
 * records, every eighth record starts a 64-byte cache line, and many small logs stay
 * independent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "event/event.h"

#define N_EVENTS 40000

static void test_records_never_move(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	const struct ev **seen = xcalloc(N_EVENTS + 1, sizeof(*seen));
	for (int64_t id = 1; id <= N_EVENTS; id++) {
		struct ev e = {.type = EV_PassStateEntered, .prev = id - 1, .item = (int32_t)id};
		assert_int_equal(ev_log_append(log, &e), id);
		seen[id] = ev_log_get(log, id);
		/* The first record and the one just before stay where they were. */
		assert_ptr_equal(ev_log_get(log, 1), seen[1]);
		if (id > 1)
			assert_ptr_equal(ev_log_get(log, id - 1), seen[id - 1]);
	}
	assert_int_equal(ev_log_count(log), N_EVENTS);
	for (int64_t id = 1; id <= N_EVENTS; id++) {
		const struct ev *e = ev_log_get(log, id);
		assert_ptr_equal(e, seen[id]);
		assert_int_equal(e->prev, id - 1);
		assert_int_equal(e->item, (int32_t)id);
		/* Chunks start on a cache line, in small chunks and big ones (past 2 MiB of
		 * records, from huge pages) alike: every other 32-byte record starts one, so a
		 * record spans one line. */
		if ((id - 1) % 2 == 0 && (uintptr_t)e % 64)
			fail_msg("record %lld does not start a cache line", (long long)id);
		if ((uintptr_t)e % _Alignof(struct ev))
			fail_msg("record %lld is not aligned", (long long)id);
	}
	assert_null(ev_log_get(log, 0));
	assert_null(ev_log_get(log, N_EVENTS + 1));
	free(seen);
	ev_log_free(log);
}

/* Many tiny logs (Distributed Map children): each keeps its own ids and strings. */
static void test_many_small_logs(void **state)
{
	(void)state;
	enum { LOGS = 2000 };
	struct ev_log **logs = xcalloc(LOGS, sizeof(*logs));
	for (int i = 0; i < LOGS; i++) {
		logs[i] = ev_log_new();
		char name[32];
		snprintf(name, sizeof(name), "state-%d", i);
		for (int k = 0; k < 5; k++) {
			struct ev e = {.type = EV_TaskStateEntered, .item = -1};
			e.state = ev_log_intern(logs[i], name);
			ev_log_append(logs[i], &e);
		}
	}
	for (int i = 0; i < LOGS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "state-%d", i);
		assert_int_equal(ev_log_count(logs[i]), 5);
		assert_string_equal(ev_log_str(logs[i], ev_log_get(logs[i], 5)->state), name);
		ev_log_free(logs[i]);
	}
	free(logs);
}

/* The string table starts small and grows: every interned string keeps its id. */
static void test_intern_grows(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	ev_str_t ids[300];
	for (int i = 0; i < 300; i++) {
		char s[16];
		snprintf(s, sizeof(s), "s%d", i);
		ids[i] = ev_log_intern(log, s);
	}
	for (int i = 0; i < 300; i++) {
		char s[16];
		snprintf(s, sizeof(s), "s%d", i);
		assert_int_equal(ev_log_intern(log, s), ids[i]);
		assert_string_equal(ev_log_str(log, ids[i]), s);
	}
	ev_log_free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_records_never_move),
	    cmocka_unit_test(test_many_small_logs),
	    cmocka_unit_test(test_intern_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
