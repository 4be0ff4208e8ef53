/*
 * Unit tests of src/timeline: rows, spans, series and outcome derived from hand-built logs in
 * the shapes AWS records (aws-facts a.5, a.6; seed.md).
 * History shape:
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html Map
 * semantics: https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html Retry:
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timeline/timeline.h"

/* ---- building logs ---- */

static int64_t add(struct ev_log *log, enum ev_type type, int64_t prev, int64_t t,
		   const char *state, int item)
{
	struct ev e = {.type = type, .prev = prev, .t_ms = t, .item = item};
	e.state = ev_log_intern(log, state);
	return ev_log_append(log, &e);
}

static int64_t add_err(struct ev_log *log, enum ev_type type, int64_t prev, int64_t t,
		       const char *state, int item, const char *error)
{
	struct ev e = {.type = type, .prev = prev, .t_ms = t, .item = item};
	e.state = ev_log_intern(log, state);
	e.error = ev_log_intern(log, error);
	return ev_log_append(log, &e);
}

/* A ...StateEntered with its input given as JSON text. */
static int64_t enter(struct ev_log *log, enum ev_type type, int64_t prev, int64_t t,
		     const char *state, int item, const char *input)
{
	struct ev e = {.type = type, .prev = prev, .t_ms = t, .item = item};
	e.state = ev_log_intern(log, state);
	e.payload = input ? json_loads(input, JSON_DECODE_ANY, NULL) : NULL;
	return ev_log_append(log, &e);
}

static int64_t map_started(struct ev_log *log, int64_t prev, int64_t t, const char *state, int item,
			   int length)
{
	struct ev e = {.type = EV_MapStateStarted, .prev = prev, .t_ms = t, .item = item};
	e.state = ev_log_intern(log, state);
	e.extra = json_pack("{s:i}", "length", length);
	return ev_log_append(log, &e);
}

static const char *const seed_items[] = {"{\"S\": \"Computer Science\"}", "{\"S\": \"Economics\"}",
					 "{\"S\": \"Mathematics\"}"};

/* ReadDDBTable (Task) then MapState over 3 items; returns the MapStateStarted id. */
static int64_t seed_head(struct ev_log *log)
{
	add(log, EV_ExecutionStarted, 0, 0, NULL, -1);
	int64_t e = enter(log, EV_TaskStateEntered, 0, 10, "ReadDDBTable", -1, "{}");
	e = add(log, EV_TaskScheduled, e, 20, "ReadDDBTable", -1);
	e = add(log, EV_TaskStarted, e, 30, "ReadDDBTable", -1);
	e = add(log, EV_TaskSucceeded, e, 100, "ReadDDBTable", -1);
	e = add(log, EV_TaskStateExited, e, 110, "ReadDDBTable", -1);
	e = enter(log, EV_MapStateEntered, e, 120, "MapState", -1, "[]");
	return map_started(log, e, 130, "MapState", -1, 3);
}

/* The end of the seed run after the last MapIterationSucceeded `last`. */
static void seed_tail(struct ev_log *log, int64_t last, int64_t t)
{
	add(log, EV_MapStateSucceeded, last, t, "MapState", -1);
	int64_t e = add(log, EV_MapStateExited, last, t, "MapState", -1);
	add(log, EV_ExecutionSucceeded, e, t + 10, NULL, -1);
}

/*
 * The seed with MaxConcurrency 1 (seed.md): each iteration Pass -> Wait 2 s -> LambdaInvoke,
 * one after the other; MapIterationStarted(i+1) points at the last inner event of i (a.5).
 */
static struct ev_log *seed_sequential(void)
{
	struct ev_log *log = ev_log_new();
	int64_t prev = seed_head(log), t = 140, last = 0;
	for (int i = 0; i < 3; i++) {
		int64_t it = add(log, EV_MapIterationStarted, prev, t, "MapState", i);
		int64_t e =
		    enter(log, EV_PassStateEntered, it, t + 5, "MapPassState", i, seed_items[i]);
		e = add(log, EV_PassStateExited, e, t + 10, "MapPassState", i);
		e = enter(log, EV_WaitStateEntered, e, t + 15, "WaitInMap", i, seed_items[i]);
		e = add(log, EV_WaitStateExited, e, t + 2015, "WaitInMap", i);
		e = enter(log, EV_TaskStateEntered, e, t + 2020, "LambdaInvoke", i, seed_items[i]);
		e = add(log, EV_TaskScheduled, e, t + 2025, "LambdaInvoke", i);
		e = add(log, EV_TaskStarted, e, t + 2050, "LambdaInvoke", i);
		e = add(log, EV_TaskSucceeded, e, t + 2400, "LambdaInvoke", i);
		e = add(log, EV_TaskStateExited, e, t + 2410, "LambdaInvoke", i);
		last = add(log, EV_MapIterationSucceeded, e, t + 2410, "MapState", i);
		prev = e;
		t += 2420;
	}
	seed_tail(log, last, t);
	return log;
}

/* The seed with MaxConcurrency 3: all iterations start at once and interleave (a.6). */
static struct ev_log *seed_concurrent(void)
{
	struct ev_log *log = ev_log_new();
	int64_t ms = seed_head(log), cur[3], last = 0;
	for (int i = 0; i < 3; i++)
		cur[i] = add(log, EV_MapIterationStarted, ms, 140, "MapState", i);
	static const struct {
		enum ev_type type;
		const char *state;
		int64_t t;
	} steps[] = {
	    {EV_PassStateEntered, "MapPassState", 145},	 {EV_PassStateExited, "MapPassState", 150},
	    {EV_WaitStateEntered, "WaitInMap", 155},	 {EV_WaitStateExited, "WaitInMap", 2155},
	    {EV_TaskStateEntered, "LambdaInvoke", 2160}, {EV_TaskScheduled, "LambdaInvoke", 2165},
	    {EV_TaskStarted, "LambdaInvoke", 2190},	 {EV_TaskSucceeded, "LambdaInvoke", 2600},
	    {EV_TaskStateExited, "LambdaInvoke", 2610},
	};
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++)
		for (int i = 0; i < 3; i++)
			cur[i] =
			    enter(log, steps[s].type, cur[i], steps[s].t + i, steps[s].state, i,
				  steps[s].type == EV_PassStateEntered ? seed_items[i] : NULL);
	for (int i = 0; i < 3; i++)
		last = add(log, EV_MapIterationSucceeded, cur[i], 2620 + i, "MapState", i);
	seed_tail(log, last, 2630);
	return log;
}

static struct tl_index *index_of(struct ev_log *log)
{
	struct tl_index *idx = tl_index_new(log);
	tl_index_update(idx);
	return idx;
}

static char *dump_of(const struct tl_index *idx)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	tl_index_dump(idx, f);
	fclose(f);
	return buf;
}

static const struct tl_span *spans_of(const struct tl_index *idx, size_t disp, size_t *n)
{
	return tl_index_spans(idx, tl_index_row(idx, disp)->id, n);
}

/* ---- tests ---- */

static void test_seed_sequential(void **state)
{
	(void)state;
	struct ev_log *log = seed_sequential();
	struct tl_index *idx = index_of(log);
	tl_index_set_limit(idx, 1);
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
		e.error = ev_log_intern(log, ev_log_str(full, e.error));
		e.payload = json_incref(e.payload);
		e.extra = json_incref(e.extra);
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
		e.error = ev_log_intern(log, ev_log_str(full, e.error));
		e.payload = json_incref(e.payload);
		e.extra = json_incref(e.extra);
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

/* ---- recorded AWS histories (shared corpus) ---- */

/* Test-local loader of corpus histories (a stand-in until the history importer lands). */
static struct ev_log *load_history(const char *name)
{
	static const char *const dirs[] = {"../shared/corpus/aws-histories",
					   "../../shared/corpus/aws-histories"};
	char path[512];
	json_t *doc = NULL;
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]) && !doc; d++) {
		snprintf(path, sizeof(path), "%s/%s.history.json", dirs[d], name);
		doc = json_load_file(path, 0, NULL);
	}
	if (!doc)
		return NULL;
	struct ev_log *log = ev_log_new();
	size_t i;
	json_t *je;
	json_array_foreach(json_object_get(doc, "events"), i, je)
	{
		struct ev e = {.item = -1};
		e.type = ev_type_from_name(json_string_value(json_object_get(je, "type")));
		e.prev = json_integer_value(json_object_get(je, "previousEventId"));
		e.t_ms = json_integer_value(json_object_get(je, "id")) * 10; /* scrubbed times */
		const char *key = ev_details_key(e.type);
		json_t *d = key ? json_object_get(je, key) : NULL;
		if (d) {
			e.state = ev_log_intern(log, json_string_value(json_object_get(d, "name")));
			e.error =
			    ev_log_intern(log, json_string_value(json_object_get(d, "error")));
			json_t *index = json_object_get(d, "index");
			if (json_is_integer(index))
				e.item = (int32_t)json_integer_value(index);
			json_t *len = json_object_get(d, "length");
			if (len)
				e.extra = json_pack("{s:O}", "length", len);
			const char *in = json_string_value(json_object_get(d, "input"));
			if (in)
				e.payload = json_loads(in, JSON_DECODE_ANY, NULL);
		}
		ev_log_append(log, &e);
	}
	json_decref(doc);
	return log;
}

static struct tl_index *corpus_index(const char *name, struct ev_log **log)
{
	*log = load_history(name);
	if (!*log)
		fail_msg("corpus history %s not found (run from the repository root)", name);
	return index_of(*log);
}

/* Nested Maps, MaxConcurrency 1 each: 2 outer items of 3 inner items (map-inline-nested). */
static void test_corpus_nested(void **state)
{
	(void)state;
	struct ev_log *log;
	struct tl_index *idx = corpus_index("map-inline-nested", &log);
	assert_int_equal(tl_index_row_count(idx), 9); /* top + 2 outer + 2 x 3 inner */
	assert_int_equal(tl_index_outcome(idx)->status, TL_EXEC_SUCCEEDED);
	assert_string_equal(tl_index_row(idx, 1)->label, "#0 [1,2,3]");
	for (size_t i = 3; i < 9; i++) {
		const struct tl_row *r = tl_index_row(idx, i);
		assert_int_equal(r->depth, 2);
		assert_int_equal(r->parent, i < 6 ? 1 : 2); /* inner rows of outer item 0, then 1 */
		assert_int_equal(r->status, TL_SUCCEEDED);
		size_t n;
		const struct tl_span *sp = spans_of(idx, i, &n);
		assert_int_equal(n, 1);
		assert_int_equal(sp[0].type, TL_STATE_PASS);
	}
	char label[8];
	snprintf(label, sizeof(label), "#2 %d", 6);
	assert_string_equal(tl_index_row(idx, 8)->label, label);
	/* Only the outer Map's iterations count against its limit: never more than 1. */
	struct tl_series_stats st;
	tl_index_series_stats(idx, TL_SERIES_ITERATIONS, &st);
	assert_int_equal(st.peak, 1);
	tl_index_free(idx);
	ev_log_free(log);
}

/* Four lambda:invoke tasks time out; one iteration fails, three are aborted. */
static void test_corpus_timeouts(void **state)
{
	(void)state;
	struct ev_log *log;
	struct tl_index *idx = corpus_index("map-inline-lambda-invoke-timeouts-unbounded", &log);
	assert_int_equal(tl_index_row_count(idx), 5);
	assert_int_equal(tl_index_outcome(idx)->status, TL_EXEC_FAILED);
	assert_string_equal(ev_log_str(log, tl_index_outcome(idx)->error), "States.Timeout");
	assert_int_equal(tl_index_row(idx, 1)->status, TL_FAILED);
	for (size_t i = 2; i <= 4; i++)
		assert_int_equal(tl_index_row(idx, i)->status, TL_ABORTED);
	size_t n;
	tl_index_markers(idx, &n);
	assert_int_equal(n, 4); /* four TaskTimedOut */
	struct tl_series_stats st;
	tl_index_series_stats(idx, TL_SERIES_TASKS, &st);
	assert_int_equal(st.peak, 4);
	tl_index_series_stats(idx, TL_SERIES_ITERATIONS, &st);
	assert_int_equal(st.peak, 4);
	tl_index_free(idx);
	ev_log_free(log);
}

/* A retried Map (3 MapStateStarted) and a legacy Lambda retried 3 times then caught. */
static void test_corpus_retries(void **state)
{
	(void)state;
	struct ev_log *log;
	struct tl_index *idx = corpus_index("map-inline-retry", &log);
	assert_int_equal(tl_index_row_count(idx), 4); /* one row per attempt of item 0 */
	for (size_t i = 1; i <= 3; i++) {
		assert_int_equal(tl_index_row(idx, i)->attempt, (int)i);
		assert_int_equal(tl_index_row(idx, i)->status, TL_FAILED);
	}
	size_t n;
	const struct tl_span *sp = spans_of(idx, 0, &n);
	assert_int_equal(n, 7); /* Pass; Map visit, 3 attempts, 2 back-offs */
	assert_int_equal(sp[1].attempt, 3);
	assert_int_equal(sp[1].status, TL_FAILED);
	tl_index_free(idx);
	ev_log_free(log);

	idx = corpus_index("lambda-legacy-retry-then-catch", &log);
	sp = spans_of(idx, 0, &n);
	assert_int_equal(n, 9); /* Task visit, 4 attempts, 3 back-offs; Pass */
	assert_int_equal(sp[0].status, TL_CAUGHT);
	assert_string_equal(ev_log_str(log, sp[0].error), "Exception");
	size_t backoffs = 0, failed = 0;
	for (size_t i = 0; i < n; i++) {
		backoffs += sp[i].kind == TL_SPAN_BACKOFF;
		failed += sp[i].kind == TL_SPAN_ATTEMPT && sp[i].status == TL_FAILED;
	}
	assert_int_equal(backoffs, 3);
	assert_int_equal(failed, 4);
	assert_int_equal(tl_index_outcome(idx)->status, TL_EXEC_SUCCEEDED);
	tl_index_free(idx);
	ev_log_free(log);
}

/* 8 items one at a time; a Distributed Map shows no item rows (children run elsewhere). */
static void test_corpus_sequential_and_distributed(void **state)
{
	(void)state;
	struct ev_log *log;
	struct tl_index *idx = corpus_index("map-inline-pass-8items-maxconc1", &log);
	assert_int_equal(tl_index_row_count(idx), 9);
	static const char *const labels[] = {"#0 1",   "#1 Hello", "#2 {}", "#3 null",
					     "#4 3.3", "#5 3",	   "#6 4",  "#7 5"};
	for (size_t i = 1; i <= 8; i++) {
		assert_string_equal(tl_index_row(idx, i)->label, labels[i - 1]);
		if (i > 1)
			assert_true(tl_index_row(idx, i)->start_ms >=
				    tl_index_row(idx, i - 1)->end_ms);
	}
	tl_index_free(idx);
	ev_log_free(log);

	idx = corpus_index("dmap-lambda-reentrant", &log);
	assert_int_equal(tl_index_row_count(idx), 1);
	assert_int_equal(tl_index_status_count(idx, TL_PENDING), 0);
	size_t n;
	const struct tl_span *sp = spans_of(idx, 0, &n);
	assert_int_equal(n, 10); /* 8 visits, 2 of them Maps with one attempt each */
	assert_int_equal(sp[2].type, TL_STATE_MAP);
	assert_int_equal(sp[2].status, TL_SUCCEEDED);
	tl_index_free(idx);
	ev_log_free(log);
}

/*
 * 100,000 items: building is linear, and one frame of a view (50 visible rows' spans in a
 * window, two series sampled at 200 columns) stays well under the 2 ms budget.
 */
static void test_scale(void **state)
{
	(void)state;
	enum { ITEMS = 100000, CONC = 40 };
	struct ev_log *log = ev_log_new();
	add(log, EV_ExecutionStarted, 0, 0, NULL, -1);
	int64_t e = enter(log, EV_MapStateEntered, 0, 1, "Big", -1, NULL);
	int64_t ms = map_started(log, e, 2, "Big", -1, ITEMS), last = ms;
	struct tl_index *idx = tl_index_new(log);
	/* Batches of CONC items in flight together, events in time order as a log has them. */
	int64_t cur[CONC];
	for (int base = 0; base < ITEMS; base += CONC) {
		int64_t t = 10 + (int64_t)(base / CONC) * 100;
		for (int i = 0; i < CONC; i++)
			cur[i] = add(log, EV_MapIterationStarted, ms, t + i, "Big", base + i);
		for (int i = 0; i < CONC; i++)
			cur[i] =
			    enter(log, EV_PassStateEntered, cur[i], t + 40, "Work", base + i, NULL);
		for (int i = 0; i < CONC; i++) {
			e = add(log, EV_PassStateExited, cur[i], t + 50 + i, "Work", base + i);
			last = add(log, EV_MapIterationSucceeded, e, t + 50 + i, "Big", base + i);
		}
		if (base % 1000 == 0)
			tl_index_update(idx);
	}
	seed_tail(log, last, 10 + (ITEMS / CONC) * 100);
	tl_index_update(idx);
	assert_int_equal(tl_index_row_count(idx), ITEMS + 1);
	assert_int_equal(tl_index_row(idx, 77777)->index, 77776);
	struct tl_series_stats st;
	tl_index_series_stats(idx, TL_SERIES_ITERATIONS, &st);
	assert_int_equal(st.peak, CONC);

	int32_t out[200];
	int64_t end = tl_index_outcome(idx)->end_ms;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	enum { FRAMES = 50 };
	size_t seen = 0;
	for (int f = 0; f < FRAMES; f++) {
		size_t top = (size_t)f * 1500 + 1;
		int64_t t0 = (int64_t)(top / CONC) * 100, t1 = t0 + 2000;
		for (size_t r = top; r < top + 50; r++) {
			size_t first;
			seen += tl_index_spans_in(idx, tl_index_row(idx, r)->id, t0, t1, &first);
		}
		tl_index_series_sample(idx, TL_SERIES_ITERATIONS, 0, end, out, 200);
		tl_index_series_sample(idx, TL_SERIES_TASKS, 0, end, out, 200);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ms_per_frame =
	    ((double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6) / FRAMES;
	assert_true(seen > 0);
	print_message("frame: %.4f ms\n", ms_per_frame);
	assert_true(ms_per_frame < 2.0);
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
	    cmocka_unit_test(test_incremental),
	    cmocka_unit_test(test_redrive),
	    cmocka_unit_test(test_parallel_branches),
	    cmocka_unit_test(test_corpus_nested),
	    cmocka_unit_test(test_corpus_timeouts),
	    cmocka_unit_test(test_corpus_retries),
	    cmocka_unit_test(test_corpus_sequential_and_distributed),
	    cmocka_unit_test(test_scale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
