/*
 * timeline — what the views draw, derived from the event log.
 *
 * Owns: the rows (the execution's top row, one row per Map iteration, one per Parallel branch),
 * the spans on each row (state visits, task attempts, retry back-offs), the concurrency series
 * (Map iterations and task invocations in flight over time), the execution's outcome and the
 * timeout markers.
 *
 * Contract: the index borrows a log and reads only its `struct ev` records (type, id, prev,
 * t_ms, state, item, payload, extra, and error and cause through ev_error / ev_cause), so it
 * never knows which producer filled the log. `tl_index_update` consumes the events appended since its last call in O(new events)
 * (amortized), never a rebuild. Structure comes from the causal `prev` chain (aws-facts a.5):
 * an iteration belongs to the Map visit found by walking up from its predecessor's row; the
 * `item` field is only a hint. Times are clamped to be non-decreasing in log order.
 *
 * Rows are kept in display order: the top row first, then each Map run (one per
 * `MapStateStarted`, so a retried Map gets a second set of rows) or Parallel attempt in the
 * order they started, and within one its rows by iteration index (branches by the order their
 * first state entered; the branch's real index in the definition is not in the history).
 * A Map run reserves its `length` rows at once as PENDING rows, so views see every item; a
 * Distributed Map (MapRunStarted) drops them, its items run as child executions elsewhere.
 * Returned pointers are borrowed and valid until the next `tl_index_update`.
 */
#ifndef STEPSCOPE_TIMELINE_H
#define STEPSCOPE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "event/event.h"

enum tl_status {
	TL_PENDING,   /* a reserved Map item that has not started (yet) */
	TL_RUNNING,   /* started, not ended */
	TL_SUCCEEDED, /* ended normally */
	TL_CAUGHT,    /* a visit that failed but was caught (Exited after a failure) */
	TL_FAILED,
	TL_TIMED_OUT, /* a task attempt that timed out, or spans cut off by the execution timeout */
	TL_ABORTED,
	TL_ROW_STATUS_COUNT
};

enum tl_row_kind { TL_ROW_TOP, TL_ROW_ITERATION, TL_ROW_BRANCH };

enum tl_span_kind {
	TL_SPAN_VISIT,	 /* a state visit: Entered -> Exited / failure / abort */
	TL_SPAN_ATTEMPT, /* a task attempt (Scheduled -> end) or a Map/Parallel attempt */
	TL_SPAN_BACKOFF	 /* the retry gap between a failed attempt and the next one */
};

/* The state type, from the event type family. */
enum tl_state_type {
	TL_STATE_UNKNOWN,
	TL_STATE_TASK,
	TL_STATE_PASS,
	TL_STATE_WAIT,
	TL_STATE_CHOICE,
	TL_STATE_MAP,
	TL_STATE_PARALLEL,
	TL_STATE_SUCCEED,
	TL_STATE_FAIL
};

struct tl_span {
	enum tl_span_kind kind;
	enum tl_state_type type;
	enum tl_status status;
	int32_t parent;	 /* attempts and back-offs: index of their visit in the row; visits: -1 */
	int32_t attempt; /* attempts/back-offs: 1-based attempt number; visits: attempts made */
	ev_str_t state;	 /* the state's name (interned in the log) */
	ev_str_t error, cause;
	int64_t start_ms, end_ms; /* end_ms = -1 while open */
	int64_t run_ms;		  /* task attempts: when TaskStarted came, else -1 */
	int64_t cold_ms;	  /* task attempts: a simulated cold start's init time, else 0 */
	int64_t start_ev, end_ev; /* event ids; end_ev = 0 while open */
};

struct tl_row {
	int32_t id;	/* stable row id (creation order) */
	int32_t parent; /* id of the row holding the Map/Parallel visit; -1 for the top row */
	int32_t depth;	/* 0 for the top row */
	enum tl_row_kind kind;
	int32_t index;	 /* iteration index or branch ordinal; -1 for the top row */
	int32_t attempt; /* which attempt (MapStateStarted) of the Map visit, 1-based */
	ev_str_t state;	 /* the Map or Parallel state's name; 0 for the top row */
	enum tl_status status;
	int64_t start_ms, end_ms; /* -1 when not started / open */
	int64_t start_ev, end_ev; /* 0 when absent */
	const char *label;	  /* "#0 Computer Science"; borrowed */
};

enum tl_exec_status {
	TL_EXEC_RUNNING,
	TL_EXEC_SUCCEEDED,
	TL_EXEC_FAILED,
	TL_EXEC_TIMED_OUT,
	TL_EXEC_ABORTED
};

struct tl_outcome {
	enum tl_exec_status status;
	ev_str_t error, cause;
	int64_t start_ms, end_ms; /* end_ms = -1 while running */
	int64_t end_ev;
	int64_t last_ms; /* time of the last event seen */
};

enum tl_marker_kind { TL_MARK_EXECUTION_TIMEOUT, TL_MARK_TASK_TIMEOUT };

struct tl_marker {
	enum tl_marker_kind kind;
	int64_t t_ms;
	int64_t ev;
	int32_t row;  /* row id */
	int32_t span; /* span index in that row, -1 for the execution */
};

/*
 * ITERATIONS: iterations of outermost Maps in flight (MapIterationStarted to its end), the
 * number MaxConcurrency limits; nested Maps' iterations are not added in. TASKS: task
 * invocations running (TaskStarted / LambdaFunctionStarted / ActivityStarted to the attempt's
 * end).
 */
enum tl_series_kind { TL_SERIES_ITERATIONS, TL_SERIES_TASKS, TL_SERIES_COUNT };

struct tl_series_stats {
	int32_t peak;
	double mean; /* time-weighted over [execution start, end or last event] */
	size_t points;
};

struct tl_index;

/* A new index over `log` (borrowed; must outlive the index). Owned by the caller. */
struct tl_index *tl_index_new(const struct ev_log *log);
void tl_index_free(struct tl_index *idx);
/* Consumes the events appended since the last call; returns how many. */
size_t tl_index_update(struct tl_index *idx);
/* The MaxConcurrency limit, which the log does not carry; 0 = unlimited/unknown. */
void tl_index_set_limit(struct tl_index *idx, int32_t limit);
int32_t tl_index_limit(const struct tl_index *idx);
/* The execution deadline (state machine TimeoutSeconds, in ms from the start), also from the
 * caller, so a view can draw the line before the execution reaches it; -1 = none (default). */
void tl_index_set_deadline(struct tl_index *idx, int64_t ms);
int64_t tl_index_deadline(const struct tl_index *idx);

/* ---- rows ---- */
size_t tl_index_row_count(const struct tl_index *idx);
/* The row at display position i (O(1)); NULL when out of range. Borrowed. */
const struct tl_row *tl_index_row(const struct tl_index *idx, size_t i);
/* How many rows (the top row excluded) have status st: "37 of 100 done, 2 failed". */
size_t tl_index_status_count(const struct tl_index *idx, enum tl_status st);
/* The spans of row id, in start order; *count gets their number. Borrowed. */
const struct tl_span *tl_index_spans(const struct tl_index *idx, int32_t row, size_t *count);
/*
 * The spans of row id overlapping [t0, t1) (open spans reach to infinity): a contiguous
 * range [*first, *first + return) of tl_index_spans, which may include a few spans that end
 * before t0 when nested spans end earlier than their visit; callers test start/end when
 * drawing. Cost O(log spans + result).
 */
size_t tl_index_spans_in(const struct tl_index *idx, int32_t row, int64_t t0, int64_t t1,
			 size_t *first);
/* The row and span index holding event id (a visit, attempt or the row's own events). */
bool tl_index_event_place(const struct tl_index *idx, int64_t ev, int32_t *row, int32_t *span);

/* ---- outcome, markers (borrowed) ---- */
const struct tl_outcome *tl_index_outcome(const struct tl_index *idx);
/* In event order; *count gets their number. */
const struct tl_marker *tl_index_markers(const struct tl_index *idx, size_t *count);

/* ---- series: step functions (t_ms, value), one point per change ---- */
/* The change points (*t and *v borrowed; either may be NULL); returns their number. */
size_t tl_index_series(const struct tl_index *idx, enum tl_series_kind kind, const int64_t **t,
		       const int32_t **v);
void tl_index_series_stats(const struct tl_index *idx, enum tl_series_kind kind,
			   struct tl_series_stats *out);
/* The value in effect at time t. */
int32_t tl_index_series_at(const struct tl_index *idx, enum tl_series_kind kind, int64_t t);
/*
 * Samples the series into n buckets splitting [t0, t1): out[k] = the maximum value in effect
 * during bucket k. Cost O(n log points), independent of how many events fall in a bucket.
 */
void tl_index_series_sample(const struct tl_index *idx, enum tl_series_kind kind, int64_t t0,
			    int64_t t1, int32_t *out, size_t n);

/* ---- names and dump ---- */
const char *tl_status_name(enum tl_status s);
const char *tl_exec_status_name(enum tl_exec_status s);
const char *tl_state_type_name(enum tl_state_type t);
const char *tl_span_kind_name(enum tl_span_kind k);
/*
 * A text dump for goldens and debugging: outcome, limit and deadline, series, then every row
 * in display order followed by its spans, one per line, then the markers.
 */
void tl_index_dump(const struct tl_index *idx, FILE *out);

#endif
