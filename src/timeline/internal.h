/* timeline — private declarations shared by the module's files. */
#ifndef STEPSCOPE_TIMELINE_INTERNAL_H
#define STEPSCOPE_TIMELINE_INTERNAL_H

#include "timeline/timeline.h"

#define TL_OPEN_END INT64_MAX /* prefix-max value of an open span */

/* How a cascade closes what is still open under a closing row or visit. */
enum tl_cascade {
	TL_CASCADE_ABORT,   /* aborted */
	TL_CASCADE_FAIL,    /* failed when it holds the failure, aborted otherwise */
	TL_CASCADE_TIMEOUT, /* cut off by the execution timeout */
	TL_CASCADE_OK	    /* a normal end (open spans are closed as succeeded) */
};

/*
 * One row plus the bookkeeping of its single open visit (states inside one row run one after
 * the other, so one open visit and one open attempt per row suffice).
 */
struct tl_rowrec {
	struct tl_row pub;
	VEC(struct tl_span) spans;
	VEC(int64_t) max_end; /* prefix maximum of span ends, TL_OPEN_END for open ones */
	char *label;	      /* owned */
	int32_t run;	      /* the run this row belongs to, -1 for the top row */
	int32_t cur_visit;    /* open visit span, -1 */
	int32_t last_visit;   /* most recent visit span, -1 */
	int32_t cur_attempt;  /* open attempt span of cur_visit, -1 */
	int32_t cur_run;      /* latest run of the open Map/Parallel visit, -1 */
	int32_t last_attempt; /* the last closed attempt of cur_visit, -1 */
	bool attempt_failed;  /* the last attempt of cur_visit ended in failure */
	bool had_failure;     /* some visit on the row failed */
	bool blamed;	      /* a failure event points into the open visit */
	bool counted;	      /* counted in the iterations-in-flight series */
	bool labelled;	      /* the label has the item text */
	int64_t fail_t;	      /* end time of that failed attempt */
	int64_t fail_ev;
};

/* One MapStateStarted or ParallelStateStarted: the rows it runs. */
struct tl_run {
	int32_t row;	 /* row holding the visit */
	int32_t visit;	 /* the visit's span index in that row */
	int32_t attempt; /* 1-based */
	bool parallel;
	VEC(int32_t) slots;  /* iteration index / branch ordinal -> row id, -1 = none */
	size_t abort_cursor; /* slots below it hold no open visit (abort matching) */
	size_t listed;	     /* slots already in display order (when appended in order) */
};

/* A step function with block maxima for fast bucket sampling. */
struct tl_series {
	VEC(int64_t) t;
	VEC(int32_t) v;
	VEC(int32_t) blk;  /* max per 64 points */
	VEC(int32_t) sblk; /* max per 4096 points */
	double area;	   /* integral of the value up to the last point, value x ms */
	int32_t peak;
};

struct tl_place {
	int32_t row;
	int32_t span;
};

struct tl_index {
	const struct ev_log *log; /* borrowed */
	size_t done;		  /* events consumed */
	int64_t last_t;
	VEC(struct tl_rowrec) rows;
	VEC(struct tl_run) runs;
	VEC(int32_t) disp; /* display position -> row id */
	bool disp_dirty;
	VEC(struct tl_place) place; /* event id - 1 -> where it went */
	VEC(struct tl_marker) markers;
	struct tl_outcome outcome;
	struct tl_series series[TL_SERIES_COUNT];
	int32_t limit;
	int64_t deadline;
	size_t status_count[TL_ROW_STATUS_COUNT]; /* rows other than the top row */
};

/* kinds.c: what an event does to the timeline, by type. */
enum tl_role {
	R_OTHER,
	R_ENTER,
	R_EXIT,
	R_ABORT,
	R_ATT_START,
	R_ATT_RUN,
	R_ATT_MID,
	R_ATT_OK,
	R_ATT_FAIL,
	R_ATT_TIMEOUT,
	R_RUN_START,
	R_RUN_OK,
	R_RUN_FAIL,
	R_MAPRUN,
	R_ITER_START,
	R_ITER_OK,
	R_ITER_FAIL,
	R_ITER_ABORT,
	R_EXEC_START,
	R_EXEC_OK,
	R_EXEC_FAIL,
	R_EXEC_TIMEOUT,
	R_EXEC_ABORT,
	R_EXEC_REDRIVE,
	R_EVAL_FAIL
};

struct tl_kind {
	enum tl_role role;
	enum tl_state_type fam;
};

struct tl_kind tl_classify(enum ev_type t);

/* rows.c */
int32_t tl_row_new(struct tl_index *idx, enum tl_row_kind kind, int32_t parent, int32_t run,
		   int32_t index);
void tl_row_start(struct tl_index *idx, int32_t row, int64_t t, int64_t ev);
/* Sets a row's status, keeping the per-status counts. */
void tl_row_set_status(struct tl_index *idx, int32_t row, enum tl_status st);
int32_t tl_run_new(struct tl_index *idx, int32_t row, int32_t visit, bool parallel, int32_t attempt,
		   size_t reserve);
int32_t tl_run_slot(struct tl_index *idx, int32_t run, int32_t index);
void tl_disp_rebuild(struct tl_index *idx);
void tl_row_label(struct tl_index *idx, int32_t row, const struct ev *entered, int64_t id);
int32_t tl_span_add(struct tl_index *idx, int32_t row, const struct tl_span *sp);
void tl_span_end(struct tl_index *idx, int32_t row, int32_t span, enum tl_status st, int64_t t,
		 int64_t ev);

/* close.c */
int32_t tl_find_visit(const struct tl_index *idx, int32_t row, enum tl_state_type fam,
		      ev_str_t state);
int32_t tl_find_map_run(const struct tl_index *idx, int32_t row, ev_str_t state);
int32_t tl_find_aborted(struct tl_index *idx, const struct ev *e, int32_t prow,
			enum tl_state_type fam);
enum tl_status tl_cascade_status(const struct tl_index *idx, int32_t row, enum tl_cascade c);
void tl_close_attempt(struct tl_index *idx, int32_t row, enum tl_status st, int64_t t, int64_t ev);
void tl_close_run_rows(struct tl_index *idx, int32_t run, enum tl_cascade c, int64_t t, int64_t ev);
void tl_close_visit(struct tl_index *idx, int32_t row, enum tl_status st, enum tl_cascade c,
		    int64_t t, int64_t ev);
void tl_close_row(struct tl_index *idx, int32_t row, enum tl_status st, enum tl_cascade c,
		  int64_t t, int64_t ev);
void tl_end_branch(struct tl_index *idx, int32_t row, bool run_failed, int64_t t, int64_t ev);

/* series.c */
void tl_series_fini(struct tl_series *s);
void tl_series_add(struct tl_series *s, int64_t t, int32_t delta);

#endif
