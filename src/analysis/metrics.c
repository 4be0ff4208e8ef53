/*
 * The metrics of one execution, read from its log through the timeline index: the same code
 * measures a simulated run and an imported history.
 */
#include "analysis/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "timeline/timeline.h"

int64_t an_percentile(const int64_t *sorted, size_t n, double p)
{
	if (n == 0)
		return -1;
	/* Nearest rank: the smallest value with at least p% of the values at or below it. */
	double r = ceil(p / 100.0 * (double)n);
	size_t rank = r < 1 ? 1 : (size_t)r;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static bool is_entered(enum ev_type t)
{
	switch (t) {
	case EV_ChoiceStateEntered:
	case EV_FailStateEntered:
	case EV_MapStateEntered:
	case EV_ParallelStateEntered:
	case EV_PassStateEntered:
	case EV_SucceedStateEntered:
	case EV_TaskStateEntered:
	case EV_WaitStateEntered:
		return true;
	default:
		return false;
	}
}

/* Counts from the events themselves: entries, invocations, throttles. */
static void count_events(const struct ev_log *log, struct an_metrics *m)
{
	size_t n = ev_log_count(log);
	m->events = (int64_t)n;
	for (size_t i = 1; i <= n; i++) {
		const struct ev *e = ev_log_get(log, (int64_t)i);
		if (is_entered(e->type))
			m->transitions++;
		struct ev_detail d = ev_detail(log, e);
		const char *rt = ev_log_str(log, d.resource_type);
		if (e->type == EV_LambdaFunctionScheduled ||
		    (e->type == EV_TaskScheduled && rt && strcmp(rt, "lambda") == 0))
			m->invocations++;
		const char *err = ev_log_str(log, d.error);
		if (err && strcmp(err, AN_THROTTLE_ERROR) == 0 &&
		    (e->type == EV_TaskFailed || e->type == EV_LambdaFunctionFailed))
			m->throttles++;
	}
}

/* Attempts, retries and item latencies from the rows and spans. */
static void count_rows(const struct tl_index *idx, struct an_metrics *m)
{
	VEC(int64_t) lat = {0};
	size_t rows = tl_index_row_count(idx);
	for (size_t r = 0; r < rows; r++) {
		const struct tl_row *row = tl_index_row(idx, r);
		if (row->kind == TL_ROW_ITERATION && row->depth == 1 && row->start_ms >= 0 &&
		    row->end_ms >= 0)
			VEC_PUSH(lat, row->end_ms - row->start_ms);
		size_t count;
		const struct tl_span *sp = tl_index_spans(idx, row->id, &count);
		for (size_t i = 0; i < count; i++) {
			if (sp[i].kind != TL_SPAN_ATTEMPT)
				continue;
			if (sp[i].type == TL_STATE_TASK)
				m->task_attempts++;
			if (sp[i].attempt > 1)
				m->retries++;
		}
	}
	if (lat.len)
		qsort(lat.items, lat.len, sizeof(int64_t), cmp_i64);
	m->items = (int64_t)lat.len;
	m->p50_item_ms = an_percentile(lat.items, lat.len, 50);
	m->p95_item_ms = an_percentile(lat.items, lat.len, 95);
	VEC_FREE(lat);
}

void an_measure(const struct ev_log *log, const struct cfg_scenario *s, struct an_metrics *out)
{
	memset(out, 0, sizeof(*out));
	struct tl_index *idx = tl_index_new(log);
	tl_index_update(idx);
	const struct tl_outcome *o = tl_index_outcome(idx);
	snprintf(out->status, sizeof(out->status), "%s", tl_exec_status_name(o->status));
	int64_t end = o->end_ms >= 0 ? o->end_ms : o->last_ms;
	out->makespan_ms = end > o->start_ms ? end - o->start_ms : 0;
	struct tl_series_stats st;
	tl_index_series_stats(idx, TL_SERIES_ITERATIONS, &st);
	out->peak_concurrency = st.peak;
	out->mean_concurrency = st.mean;
	tl_index_series_stats(idx, TL_SERIES_TASKS, &st);
	out->peak_tasks = st.peak;
	count_events(log, out);
	count_rows(idx, out);
	tl_index_free(idx);
	an_cost_from(log, s, out->transitions, out->retries, out->makespan_ms, &out->cost);
}

double an_throughput(const struct an_metrics *m)
{
	return m->makespan_ms > 0 ? (double)m->items * 1000.0 / (double)m->makespan_ms : 0;
}
