/*
 * Unit tests of src/timeline against recorded AWS histories and at scale. The corpus scrubbed
 * every timestamp (its INDEX.md), so the importer's times are synthetic, one step per event;
 * expected counts were taken by hand from the history files. History shape:
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history/history.h"
#include "tl_build.h"

/* ---- recorded AWS histories (shared corpus) ---- */

/* Test-local loader of corpus histories (a stand-in until the history importer lands). */
/*
 * Imports NAME.history.json through the history importer, as a replay does. The corpus is
 * found through $STEPSCOPE_CORPUS or beside the repository (the suite runs from its root).
 */
static struct ev_log *load_history(const char *name)
{
	const char *dirs[] = {getenv("STEPSCOPE_CORPUS"), "../shared/corpus/aws-histories",
			      "../../shared/corpus/aws-histories"};
	char path[512];
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		if (!dirs[d])
			continue;
		snprintf(path, sizeof(path), "%s/%s.history.json", dirs[d], name);
		size_t len;
		char *err = NULL;
		char *text = file_read_all(path, &len, &err);
		free(err);
		if (!text)
			continue;
		struct diags diags;
		diags_init(&diags);
		struct ev_log *log = hist_import_text(path, text, len, &diags);
		diags_fini(&diags);
		free(text);
		return log;
	}
	return NULL;
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
 * Runtime errors fail the state itself (aws-facts b.3: a negative SecondsPath; a Task whose
 * OutputPath fails after the Lambda succeeded): the visit the failure points at is FAILED.
 */
static void test_corpus_runtime_errors(void **state)
{
	(void)state;
	struct ev_log *log;
	struct tl_index *idx = corpus_index("wait-secondspath-negative-runtime-error", &log);
	size_t n;
	const struct tl_span *sp = spans_of(idx, 0, &n);
	assert_int_equal(n, 1);
	assert_int_equal(sp[0].type, TL_STATE_WAIT);
	assert_int_equal(sp[0].status, TL_FAILED);
	assert_string_equal(ev_log_str(log, sp[0].error), "States.Runtime");
	tl_index_free(idx);
	ev_log_free(log);

	idx = corpus_index("lambda-legacy-outputpath-states-runtime", &log);
	sp = spans_of(idx, 0, &n);
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].status, TL_FAILED);
	assert_string_equal(ev_log_str(log, sp[0].error), "States.Runtime");
	assert_int_equal(sp[1].status, TL_SUCCEEDED); /* the invocation itself succeeded */
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
	    cmocka_unit_test(test_corpus_nested),
	    cmocka_unit_test(test_corpus_timeouts),
	    cmocka_unit_test(test_corpus_retries),
	    cmocka_unit_test(test_corpus_sequential_and_distributed),
	    cmocka_unit_test(test_corpus_runtime_errors),
	    cmocka_unit_test(test_scale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
