/*
 * Unit tests of src/timeline: rows, spans, series and outcome derived from hand-built logs in
 * the shapes AWS records (aws-facts a.5, a.6; seed.md). AWS pages:
 * - https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 * - https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
 * - https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tl_build.h"

/* ---- tests ---- */

static void test_seed_sequential(void **state)
{
	(void)state;
	struct ev_log *log = seed_sequential();
	ev_log_meta(log)->execution_name = ev_log_intern(log, "stepscope-1");
	struct tl_index *idx = index_of(log);
	tl_index_set_limit(idx, 1);
	assert_string_equal(tl_index_row(idx, 0)->label, "stepscope-1");
	assert_int_equal(tl_index_row_count(idx), 4);
	const struct tl_outcome *o = tl_index_outcome(idx);
	assert_int_equal(o->status, TL_EXEC_SUCCEEDED);
	assert_int_equal(o->end_ms, 7410);

	/* Top row: the DynamoDB task (visit + attempt) and the Map (visit + attempt). */
	size_t n;
	const struct tl_span *sp = spans_of(idx, 0, &n);
	assert_int_equal(n, 4);
	assert_int_equal(sp[0].type, TL_STATE_TASK);
	assert_int_equal(sp[1].kind, TL_SPAN_ATTEMPT);
	assert_int_equal(sp[1].run_ms, 30);
	assert_int_equal(sp[2].type, TL_STATE_MAP);
	assert_int_equal(sp[2].status, TL_SUCCEEDED);
	assert_int_equal(sp[2].start_ms, 120);
	assert_int_equal(sp[2].end_ms, 7400);

	static const char *const labels[] = {"#0 Computer Science", "#1 Economics",
					     "#2 Mathematics"};
	int64_t prev_end = 0;
	for (size_t i = 1; i <= 3; i++) {
		const struct tl_row *r = tl_index_row(idx, i);
		assert_int_equal(r->kind, TL_ROW_ITERATION);
		assert_int_equal(r->index, (int)i - 1);
		assert_int_equal(r->depth, 1);
		assert_int_equal(r->parent, 0);
		assert_string_equal(r->label, labels[i - 1]);
		assert_int_equal(r->status, TL_SUCCEEDED);
		assert_true(r->start_ms >= prev_end); /* MaxConcurrency 1: one at a time */
		prev_end = r->end_ms;
		sp = spans_of(idx, i, &n);
		assert_int_equal(n, 4); /* Pass, Wait, Task + its attempt */
		assert_int_equal(sp[0].type, TL_STATE_PASS);
		assert_int_equal(sp[1].type, TL_STATE_WAIT);
		assert_int_equal(sp[1].end_ms - sp[1].start_ms, 2000);
		assert_int_equal(sp[2].type, TL_STATE_TASK);
		assert_int_equal(sp[3].kind, TL_SPAN_ATTEMPT);
		assert_int_equal(sp[3].parent, 2);
		assert_int_equal(sp[3].attempt, 1);
		assert_int_equal(sp[3].status, TL_SUCCEEDED);
	}
	/* The Lambda invocations are about 2.4 s apart (seed.md: "about 2 seconds apart"). */
	const struct tl_span *a0 = &spans_of(idx, 1, &n)[3], *a1 = &spans_of(idx, 2, &n)[3];
	assert_int_equal(a1->start_ms - a0->start_ms, 2420);

	struct tl_series_stats st;
	tl_index_series_stats(idx, TL_SERIES_ITERATIONS, &st);
	assert_int_equal(st.peak, 1);
	assert_true(st.mean > 0.9 && st.mean <= 1.0);
	tl_index_series_stats(idx, TL_SERIES_TASKS, &st);
	assert_int_equal(st.peak, 1);
	assert_int_equal(tl_index_series_at(idx, TL_SERIES_TASKS, 7399), 0);
	assert_int_equal(tl_index_limit(idx), 1);
	tl_index_free(idx);
	ev_log_free(log);
}

static void test_seed_concurrent(void **state)
{
	(void)state;
	struct ev_log *log = seed_concurrent();
	struct tl_index *idx = index_of(log);
	assert_int_equal(tl_index_row_count(idx), 4);
	const struct tl_row *r0 = tl_index_row(idx, 1), *r2 = tl_index_row(idx, 3);
	assert_true(r2->start_ms < r0->end_ms); /* they overlap */
	assert_string_equal(r2->label, "#2 Mathematics");
	struct tl_series_stats st;
	tl_index_series_stats(idx, TL_SERIES_ITERATIONS, &st);
	assert_int_equal(st.peak, 3);
	tl_index_series_stats(idx, TL_SERIES_TASKS, &st);
	assert_int_equal(st.peak, 3);
	assert_int_equal(tl_index_series_at(idx, TL_SERIES_TASKS, 2195), 3);
	assert_int_equal(tl_index_series_at(idx, TL_SERIES_TASKS, 2191), 2);

	/* Sampling equals the brute-force maximum per bucket, for several widths. */
	static const size_t widths[] = {1, 7, 64, 1000, 5000};
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		size_t nb = widths[w];
		int32_t *out = calloc(nb, sizeof(*out));
		tl_index_series_sample(idx, TL_SERIES_TASKS, 0, 2700, out, nb);
		for (size_t k = 0; k < nb; k++) {
			int64_t a = (int64_t)(2700.0 * (double)k / (double)nb);
			int64_t b = (int64_t)(2700.0 * (double)(k + 1) / (double)nb);
			int32_t m = tl_index_series_at(idx, TL_SERIES_TASKS, a);
			for (int64_t t = a; t < b; t++) {
				int32_t v = tl_index_series_at(idx, TL_SERIES_TASKS, t);
				m = v > m ? v : m;
			}
			assert_int_equal(out[k], m);
		}
		free(out);
	}
	tl_index_free(idx);
	ev_log_free(log);
}

/* A Lambda fails, the retrier waits 2 s, the second attempt succeeds (aws-facts b.6). */
static void test_retry(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	add(log, EV_ExecutionStarted, 0, 0, NULL, -1);
	int64_t e = enter(log, EV_TaskStateEntered, 0, 10, "Call", -1, "{}");
	e = add(log, EV_TaskScheduled, e, 20, "Call", -1);
	e = add(log, EV_TaskStarted, e, 30, "Call", -1);
	e = add_err(log, EV_TaskFailed, e, 500, "Call", -1, "Lambda.ServiceException");
	e = add(log, EV_TaskScheduled, e, 2500, "Call", -1);
	e = add(log, EV_TaskStarted, e, 2510, "Call", -1);
	e = add(log, EV_TaskSucceeded, e, 2900, "Call", -1);
	e = add(log, EV_TaskStateExited, e, 2910, "Call", -1);
	add(log, EV_ExecutionSucceeded, e, 2920, NULL, -1);
	struct tl_index *idx = index_of(log);
	size_t n;
	const struct tl_span *sp = spans_of(idx, 0, &n);
	assert_int_equal(n, 4);
	assert_int_equal(sp[0].kind, TL_SPAN_VISIT);
	assert_int_equal(sp[0].status, TL_SUCCEEDED);
	assert_int_equal(sp[0].attempt, 2);
	assert_int_equal(sp[0].error, 0); /* the retry cleared the error */
	assert_int_equal(sp[1].kind, TL_SPAN_ATTEMPT);
	assert_int_equal(sp[1].status, TL_FAILED);
	assert_string_equal(ev_log_str(log, sp[1].error), "Lambda.ServiceException");
	assert_int_equal(sp[1].end_ev, 5);
	assert_int_equal(sp[2].kind, TL_SPAN_BACKOFF);
	assert_int_equal(sp[2].start_ms, 500);
	assert_int_equal(sp[2].end_ms, 2500);
	assert_int_equal(sp[2].start_ev, 5);
	assert_int_equal(sp[2].end_ev, 6);
	assert_int_equal(sp[3].attempt, 2);
	assert_int_equal(sp[3].status, TL_SUCCEEDED);
	/* A window inside the back-off holds the visit and the gap, not the attempts. */
	size_t first, cnt = tl_index_spans_in(idx, 0, 1000, 2000, &first);
	size_t overlapping = 0;
	for (size_t i = first; i < first + cnt; i++)
		if (sp[i].start_ms < 2000 && (sp[i].end_ms < 0 || sp[i].end_ms > 1000))
			overlapping++;
	assert_int_equal(overlapping, 2);
	assert_true(first <= 2 && first + cnt >= 3);
	/* The in-flight series drops to 0 during the back-off. */
	assert_int_equal(tl_index_series_at(idx, TL_SERIES_TASKS, 1000), 0);
	assert_int_equal(tl_index_series_at(idx, TL_SERIES_TASKS, 2600), 1);
	int32_t row, span;
	assert_true(tl_index_event_place(idx, 6, &row, &span));
	assert_int_equal(row, 0);
	assert_int_equal(span, 3);
	tl_index_free(idx);
	ev_log_free(log);
}

/*
 * A Map over 3 items, all running; item 0's task fails uncaught: MapIterationFailed(0), then
 * TaskStateAborted / MapIterationAborted for the others, all pointing at the failure, then
 * MapStateFailed and ExecutionFailed (the order recorded on AWS, aws-facts a.5).
 */
static void test_map_failure(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	add(log, EV_ExecutionStarted, 0, 0, NULL, -1);
	int64_t e = enter(log, EV_MapStateEntered, 0, 10, "M", -1, "[1,2,3]");
	int64_t ms = map_started(log, e, 20, "M", -1, 3), cur[3];
	for (int i = 0; i < 3; i++)
		cur[i] = add(log, EV_MapIterationStarted, ms, 30, "M", i);
	for (int i = 0; i < 3; i++)
		cur[i] = enter(log, EV_TaskStateEntered, cur[i], 40, "T", i, "1");
	for (int i = 0; i < 3; i++)
		cur[i] = add(log, EV_TaskScheduled, cur[i], 50, "T", i);
	for (int i = 0; i < 3; i++)
		cur[i] = add(log, EV_TaskStarted, cur[i], 60, "T", i);
	int64_t fail = add_err(log, EV_TaskFailed, cur[0], 1000, "T", 0, "Boom");
	add(log, EV_MapIterationFailed, fail, 1010, "M", 0);
	for (int i = 1; i < 3; i++) {
		add(log, EV_TaskStateAborted, fail, 1010, NULL, 0);
		add(log, EV_MapIterationAborted, fail, 1010, "M", i);
	}
	add(log, EV_TaskStateAborted, fail, 1010, NULL, 0);
	e = add(log, EV_MapStateFailed, fail, 1020, NULL, -1);
	add_err(log, EV_ExecutionFailed, e, 1030, NULL, -1, "Boom");
	struct tl_index *idx = index_of(log);
	const struct tl_outcome *o = tl_index_outcome(idx);
	assert_int_equal(o->status, TL_EXEC_FAILED);
	assert_string_equal(ev_log_str(log, o->error), "Boom");
	assert_int_equal(tl_index_row(idx, 0)->status, TL_FAILED);
	assert_int_equal(tl_index_row(idx, 1)->status, TL_FAILED);
	size_t n;
	const struct tl_span *sp = spans_of(idx, 1, &n);
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].status, TL_FAILED);
	assert_string_equal(ev_log_str(log, sp[0].error), "Boom");
	for (size_t i = 2; i <= 3; i++) {
		assert_int_equal(tl_index_row(idx, i)->status, TL_ABORTED);
		assert_int_equal(tl_index_row(idx, i)->end_ms, 1010);
		sp = spans_of(idx, i, &n);
		assert_int_equal(n, 2);
		assert_int_equal(sp[0].status, TL_ABORTED);
		assert_int_equal(sp[1].status, TL_ABORTED);
		assert_int_equal(sp[1].end_ms, 1010);
	}
	assert_int_equal(tl_index_status_count(idx, TL_FAILED), 1);
	assert_int_equal(tl_index_status_count(idx, TL_ABORTED), 2);
	sp = spans_of(idx, 0, &n);
	assert_int_equal(sp[0].type, TL_STATE_MAP);
	assert_int_equal(sp[0].status, TL_FAILED);
	assert_int_equal(tl_index_series_at(idx, TL_SERIES_TASKS, 500), 3);
	assert_int_equal(tl_index_series_at(idx, TL_SERIES_TASKS, 1015), 0);
	assert_int_equal(tl_index_series_at(idx, TL_SERIES_ITERATIONS, 1015), 0);
	tl_index_free(idx);
	ev_log_free(log);
}

/*
 * Seed exercise 3: Wait 25 s under TimeoutSeconds 20 -> ExecutionTimedOut, status TIMED_OUT,
 * error States.Timeout (seed.md, aws-facts b.5); the later items never start.
 */
static void test_execution_timeout(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	int64_t ms = seed_head(log);
	int64_t it = add(log, EV_MapIterationStarted, ms, 140, "MapState", 0);
	int64_t e = enter(log, EV_PassStateEntered, it, 145, "MapPassState", 0, seed_items[0]);
	e = add(log, EV_PassStateExited, e, 150, "MapPassState", 0);
	e = enter(log, EV_WaitStateEntered, e, 155, "WaitInMap", 0, NULL);
	add_err(log, EV_ExecutionTimedOut, 0, 20000, NULL, -1, "States.Timeout");
	struct tl_index *idx = index_of(log);
	assert_int_equal(tl_index_deadline(idx), -1);
	tl_index_set_deadline(idx, 20000);
	assert_int_equal(tl_index_deadline(idx), 20000);
	const struct tl_outcome *o = tl_index_outcome(idx);
	assert_int_equal(o->status, TL_EXEC_TIMED_OUT);
	assert_string_equal(ev_log_str(log, o->error), "States.Timeout");
	assert_int_equal(o->end_ms, 20000);
	assert_int_equal(tl_index_row(idx, 1)->status, TL_TIMED_OUT);
	assert_int_equal(tl_index_row(idx, 2)->status, TL_PENDING);
	assert_int_equal(tl_index_row(idx, 3)->status, TL_PENDING);
	assert_int_equal(tl_index_status_count(idx, TL_PENDING), 2);
	assert_int_equal(tl_index_status_count(idx, TL_TIMED_OUT), 1);
	assert_int_equal(tl_index_status_count(idx, TL_RUNNING), 0);
	size_t n;
	const struct tl_span *sp = spans_of(idx, 1, &n);
	assert_int_equal(n, 2);
	assert_int_equal(sp[1].type, TL_STATE_WAIT);
	assert_int_equal(sp[1].status, TL_TIMED_OUT);
	assert_int_equal(sp[1].end_ms, 20000);
	const struct tl_marker *m = tl_index_markers(idx, &n);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].kind, TL_MARK_EXECUTION_TIMEOUT);
	assert_int_equal(m[0].t_ms, 20000);
	assert_int_equal(tl_index_series_at(idx, TL_SERIES_ITERATIONS, 19999), 1);
	assert_int_equal(tl_index_series_at(idx, TL_SERIES_ITERATIONS, 20000), 0);
	tl_index_free(idx);
	ev_log_free(log);
}

/*
 * A failed execution redriven: the failed state runs again in the same log and the outcome
 * follows the new end
 * (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html).
 */
static void test_redrive(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	add(log, EV_ExecutionStarted, 0, 0, NULL, -1);
	int64_t e = enter(log, EV_TaskStateEntered, 0, 10, "T", -1, "{}");
	e = add(log, EV_TaskScheduled, e, 20, "T", -1);
	e = add_err(log, EV_TaskFailed, e, 30, "T", -1, "Boom");
	e = add_err(log, EV_ExecutionFailed, e, 40, NULL, -1, "Boom");
	struct tl_index *idx = index_of(log);
	assert_int_equal(tl_index_outcome(idx)->status, TL_EXEC_FAILED);
	e = add(log, EV_ExecutionRedriven, e, 5000, NULL, -1);
	e = enter(log, EV_TaskStateEntered, e, 5010, "T", -1, "{}");
	e = add(log, EV_TaskScheduled, e, 5020, "T", -1);
	e = add(log, EV_TaskSucceeded, e, 5030, "T", -1);
	e = add(log, EV_TaskStateExited, e, 5040, "T", -1);
	tl_index_update(idx);
	assert_int_equal(tl_index_outcome(idx)->status, TL_EXEC_RUNNING);
	assert_int_equal(tl_index_row(idx, 0)->status, TL_RUNNING);
	add(log, EV_ExecutionSucceeded, e, 5050, NULL, -1);
	tl_index_update(idx);
	assert_int_equal(tl_index_outcome(idx)->status, TL_EXEC_SUCCEEDED);
	assert_int_equal(tl_index_outcome(idx)->end_ms, 5050);
	size_t n;
	const struct tl_span *sp = spans_of(idx, 0, &n);
	assert_int_equal(n, 4);
	assert_int_equal(sp[0].status, TL_FAILED);
	assert_int_equal(sp[2].status, TL_SUCCEEDED);
	tl_index_free(idx);
	ev_log_free(log);
}

/* The detail of e (a record of `from`) interned in `to`: ids belong to their log (`to` takes
 * its own reference to the extra). */
static uint32_t copy_detail(struct ev_log *to, const struct ev_log *from, const struct ev *e)
{
	struct ev_detail d = ev_detail(from, e);
	ev_str_t *f[] = {&d.error, &d.cause, &d.resource_type, &d.resource, &d.raw_type};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		*f[i] = ev_log_intern(to, ev_log_str(from, *f[i]));
	return ev_log_detail(to, &d);
}

/* Appending in pieces and updating after each gives the same index as one update. */
static void test_incremental(void **state)
{
	(void)state;
	struct ev_log *full = seed_concurrent();
	struct tl_index *once = index_of(full);
	char *want = dump_of(once);
	size_t total = ev_log_count(full);

	struct ev_log *log = ev_log_new();
	struct tl_index *idx = tl_index_new(log);
	for (size_t id = 1; id <= total; id++) {
		struct ev e = *ev_log_get(full, (int64_t)id);
		e.state = ev_log_intern(log, ev_log_str(full, e.state));
		e.detail = copy_detail(log, full, &e);
		e.payload = ev_payload_new(full, ev_log_get(full, (int64_t)id), (int64_t)id);
		ev_log_append(log, &e);
		if (id == total / 2 || id == total)
			assert_true(tl_index_update(idx) > 0);
	}
	assert_int_equal(tl_index_update(idx), 0);
	char *got = dump_of(idx);
	assert_string_equal(got, want);
	free(got);
	tl_index_free(idx);
	ev_log_free(log);

	/* One event at a time too. */
	log = ev_log_new();
	idx = tl_index_new(log);
	for (size_t id = 1; id <= total; id++) {
		struct ev e = *ev_log_get(full, (int64_t)id);
		e.state = ev_log_intern(log, ev_log_str(full, e.state));
		e.detail = copy_detail(log, full, &e);
		e.payload = ev_payload_new(full, ev_log_get(full, (int64_t)id), (int64_t)id);
		ev_log_append(log, &e);
		tl_index_update(idx);
	}
	got = dump_of(idx);
	assert_string_equal(got, want);
	free(got);
	free(want);
	tl_index_free(idx);
	ev_log_free(log);
	tl_index_free(once);
	ev_log_free(full);
}

/*
 * Row labels: the seed's listofdicts items arrive as DynamoDB maps (seed.md exercise 2) and
 * are named by their `name`; other objects by their first string field; one line, short.
 */
static void test_labels(void **state)
{
	(void)state;
	static const char *const inputs[] = {
	    "{\"M\": {\"topic\": {\"S\": \"cs\"}, \"name\": {\"S\": \"Computer Science\"}}}",
	    "{\"count\": 3, \"city\": \"Oslo\"}",
	    "\"two\\nlines\"",
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
	    "{\"N\": \"42\"}",
	};
	static const char *const want[] = {"#0 Computer Science", "#1 Oslo", "#2 two lines",
					   "#3 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...",
					   "#4 42"};
	enum { N = sizeof(inputs) / sizeof(inputs[0]) };
	struct ev_log *log = ev_log_new();
	add(log, EV_ExecutionStarted, 0, 0, NULL, -1);
	int64_t e = enter(log, EV_MapStateEntered, 0, 1, "M", -1, "[]");
	int64_t ms = map_started(log, e, 2, "M", -1, N);
	for (int i = 0; i < N; i++) {
		int64_t it = add(log, EV_MapIterationStarted, ms, 3, "M", i);
		enter(log, EV_PassStateEntered, it, 4, "P", i, inputs[i]);
	}
	struct tl_index *idx = index_of(log);
	for (size_t i = 0; i < N; i++)
		assert_string_equal(tl_index_row(idx, i + 1)->label, want[i]);
	assert_int_equal(tl_index_status_count(idx, TL_RUNNING), N);
	tl_index_free(idx);
	ev_log_free(log);
}

/*
 * A Parallel of two branches: A runs a Map of 2 items, B a Task. B's first state enters after
 * A's Map reserved its rows, so the display order is rebuilt: branches first, then the Map's
 * rows under branch A (aws-facts a.5: branch first states point at ParallelStateStarted).
 */
static void test_parallel_branches(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	add(log, EV_ExecutionStarted, 0, 0, NULL, -1);
	int64_t e = enter(log, EV_ParallelStateEntered, 0, 10, "P", -1, "{}");
	int64_t ps = add(log, EV_ParallelStateStarted, e, 20, "P", -1);
	int64_t a = enter(log, EV_MapStateEntered, ps, 30, "AMap", -1, "[\"x\",\"y\"]");
	int64_t ms = map_started(log, a, 40, "AMap", -1, 2);
	int64_t b = enter(log, EV_TaskStateEntered, ps, 45, "BTask", -1, "{}");
	b = add(log, EV_TaskScheduled, b, 50, "BTask", -1);
	int64_t it[2];
	for (int i = 0; i < 2; i++)
		it[i] = add(log, EV_MapIterationStarted, ms, 60, "AMap", i);
	for (int i = 0; i < 2; i++)
		it[i] =
		    enter(log, EV_PassStateEntered, it[i], 70, "Each", i, i ? "\"y\"" : "\"x\"");
	for (int i = 0; i < 2; i++)
		it[i] = add(log, EV_PassStateExited, it[i], 80, "Each", i);
	for (int i = 0; i < 2; i++)
		e = add(log, EV_MapIterationSucceeded, it[i], 90, "AMap", i);
	add(log, EV_MapStateSucceeded, e, 100, "AMap", -1);
	a = add(log, EV_MapStateExited, e, 100, "AMap", -1);
	b = add(log, EV_TaskStarted, b, 55, "BTask", -1);
	b = add(log, EV_TaskSucceeded, b, 110, "BTask", -1);
	b = add(log, EV_TaskStateExited, b, 120, "BTask", -1);
	e = add(log, EV_ParallelStateSucceeded, b, 130, "P", -1);
	e = add(log, EV_ParallelStateExited, e, 130, "P", -1);
	add(log, EV_ExecutionSucceeded, e, 140, NULL, -1);
	struct tl_index *idx = index_of(log);
	assert_int_equal(tl_index_row_count(idx), 5);
	const struct tl_row *ba = tl_index_row(idx, 1), *bb = tl_index_row(idx, 2);
	assert_int_equal(ba->kind, TL_ROW_BRANCH);
	assert_string_equal(ba->label, "#0 AMap");
	assert_string_equal(bb->label, "#1 BTask");
	assert_int_equal(ba->status, TL_SUCCEEDED);
	assert_int_equal(bb->status, TL_SUCCEEDED);
	assert_int_equal(bb->end_ms, 120); /* a branch ends when its last state left */
	for (size_t i = 3; i <= 4; i++) {
		const struct tl_row *r = tl_index_row(idx, i);
		assert_int_equal(r->kind, TL_ROW_ITERATION);
		assert_int_equal(r->index, (int)i - 3);
		assert_int_equal(r->parent, ba->id);
		assert_int_equal(r->depth, 2);
		assert_int_equal(r->status, TL_SUCCEEDED);
	}
	assert_string_equal(tl_index_row(idx, 4)->label, "#1 y");
	size_t n;
	const struct tl_span *sp = spans_of(idx, 0, &n);
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].type, TL_STATE_PARALLEL);
	assert_int_equal(sp[0].status, TL_SUCCEEDED);
	tl_index_free(idx);
	ev_log_free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seed_sequential),
	    cmocka_unit_test(test_seed_concurrent),
	    cmocka_unit_test(test_retry),
	    cmocka_unit_test(test_map_failure),
	    cmocka_unit_test(test_execution_timeout),
	    cmocka_unit_test(test_redrive),
	    cmocka_unit_test(test_incremental),
	    cmocka_unit_test(test_parallel_branches),
	    cmocka_unit_test(test_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
