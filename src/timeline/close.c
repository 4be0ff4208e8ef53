/*
 * Finding and closing what is open. An event names its state (maybe) and its causal
 * predecessor; the open visit it belongs to is found by walking from the predecessor's row up
 * through the parent rows (aws-facts a.5: iteration events point at the last inner event,
 * Map/Parallel lifecycle events at the failing inner event). Closing a row or a visit cascades
 * to everything still open under it, each thing closed once, so the total cost stays linear.
 */
#include "timeline/internal.h"

/* Whether row's open visit, if any, is of family fam (TL_STATE_UNKNOWN: any) and of `state`
 * (0 on either side: any). */
static bool tl_open_visit(const struct tl_index *idx, int32_t row, enum tl_state_type fam,
			  ev_str_t state)
{
	const struct tl_rowrec *r = &idx->rows.items[row];
	if (r->cur_visit < 0)
		return false;
	const struct tl_span *sp = &r->spans.items[r->cur_visit];
	if (fam != TL_STATE_UNKNOWN && sp->type != fam)
		return false;
	return state == 0 || sp->state == 0 || sp->state == state;
}

int32_t tl_find_visit(const struct tl_index *idx, int32_t row, enum tl_state_type fam,
		      ev_str_t state)
{
	while (row >= 0) {
		if (tl_open_visit(idx, row, fam, state))
			return row;
		row = idx->rows.items[row].pub.parent;
	}
	return -1;
}

int32_t tl_find_map_run(const struct tl_index *idx, int32_t row, ev_str_t state)
{
	row = tl_find_visit(idx, row, TL_STATE_MAP, state);
	return row < 0 ? -1 : idx->rows.items[row].cur_run;
}

/*
 * The row whose open visit a `...StateAborted` event closes. The event has no details, and
 * AWS points every abort of a failing Map at the failing event (aws-facts a.5), so after the
 * predecessor's own chain the rows of the enclosing run are tried: the `item` hint first, then
 * in index order (the order AWS aborts them).
 */
int32_t tl_find_aborted(struct tl_index *idx, const struct ev *e, int32_t prow,
			enum tl_state_type fam)
{
	int32_t row = tl_find_visit(idx, prow, fam, e->state);
	if (row >= 0)
		return row;
	int32_t x = prow;
	while (x >= 0 && idx->rows.items[x].run < 0)
		x = idx->rows.items[x].pub.parent;
	if (x < 0)
		return -1;
	struct tl_run *rn = &idx->runs.items[idx->rows.items[x].run];
	if (e->item >= 0 && (size_t)e->item < rn->slots.len) {
		int32_t hint = rn->slots.items[e->item];
		if (hint >= 0 && tl_open_visit(idx, hint, fam, e->state))
			return hint;
	}
	for (size_t s = rn->abort_cursor; s < rn->slots.len; s++) {
		int32_t cand = rn->slots.items[s];
		if (cand < 0)
			continue;
		if (tl_open_visit(idx, cand, fam, e->state))
			return cand;
		if (s == rn->abort_cursor && idx->rows.items[cand].pub.status != TL_RUNNING)
			rn->abort_cursor++; /* closed or never started: never a match later */
	}
	return -1;
}

static bool is_failure(enum tl_status st)
{
	return st == TL_FAILED || st == TL_TIMED_OUT;
}

/* The status of the failure the open visit holds (its last failed attempt). */
static enum tl_status failure_status(const struct tl_rowrec *r)
{
	if (r->last_attempt >= 0 && is_failure(r->spans.items[r->last_attempt].status))
		return r->spans.items[r->last_attempt].status;
	return TL_FAILED;
}

enum tl_status tl_cascade_status(const struct tl_index *idx, int32_t row, enum tl_cascade c)
{
	const struct tl_rowrec *r = &idx->rows.items[row];
	bool failed = r->attempt_failed || r->blamed;
	if (r->cur_visit >= 0 && r->spans.items[r->cur_visit].error)
		failed = true;
	if (c == TL_CASCADE_OK)
		return TL_SUCCEEDED;
	if (failed)
		return failure_status(r);
	return c == TL_CASCADE_TIMEOUT ? TL_TIMED_OUT : TL_ABORTED;
}

void tl_close_attempt(struct tl_index *idx, int32_t row, enum tl_status st, int64_t t, int64_t ev)
{
	struct tl_rowrec *r = &idx->rows.items[row];
	int32_t a = r->cur_attempt;
	if (a < 0)
		return;
	struct tl_span *sp = &r->spans.items[a];
	if (sp->type == TL_STATE_TASK && sp->run_ms >= 0)
		tl_series_add(&idx->series[TL_SERIES_TASKS], t, -1);
	tl_span_end(idx, row, a, st, t, ev);
	r->last_attempt = a;
	r->cur_attempt = -1;
	r->attempt_failed = is_failure(st);
	if (r->attempt_failed) {
		r->fail_t = r->spans.items[a].end_ms;
		r->fail_ev = ev;
	}
}

void tl_close_run_rows(struct tl_index *idx, int32_t run, enum tl_cascade c, int64_t t, int64_t ev)
{
	for (size_t s = 0; s < idx->runs.items[run].slots.len; s++) {
		int32_t row = idx->runs.items[run].slots.items[s];
		if (row < 0 || idx->rows.items[row].pub.status != TL_RUNNING)
			continue;
		enum tl_status st = TL_ABORTED;
		if (c == TL_CASCADE_OK)
			st = TL_SUCCEEDED;
		else if (c == TL_CASCADE_TIMEOUT)
			st = TL_TIMED_OUT;
		else if (idx->rows.items[row].had_failure ||
			 tl_cascade_status(idx, row, c) == TL_FAILED)
			st = TL_FAILED;
		tl_close_row(idx, row, st, c, t, ev);
	}
}

void tl_close_visit(struct tl_index *idx, int32_t row, enum tl_status st, enum tl_cascade c,
		    int64_t t, int64_t ev)
{
	struct tl_rowrec *r = &idx->rows.items[row];
	int32_t v = r->cur_visit;
	if (v < 0)
		return;
	if (r->cur_attempt >= 0) {
		enum tl_status ast = TL_ABORTED;
		if (c == TL_CASCADE_OK)
			ast = TL_SUCCEEDED;
		else if (c == TL_CASCADE_TIMEOUT)
			ast = TL_TIMED_OUT;
		tl_close_attempt(idx, row, ast, t, ev);
	}
	int32_t run = idx->rows.items[row].cur_run;
	if (run >= 0)
		tl_close_run_rows(idx, run, c, t, ev);
	r = &idx->rows.items[row];
	tl_span_end(idx, row, v, st, t, ev);
	r->cur_visit = r->cur_attempt = r->cur_run = r->last_attempt = -1;
	r->attempt_failed = r->blamed = false;
	r->fail_t = -1;
}

void tl_close_row(struct tl_index *idx, int32_t row, enum tl_status st, enum tl_cascade c,
		  int64_t t, int64_t ev)
{
	if (idx->rows.items[row].cur_visit >= 0)
		tl_close_visit(idx, row, tl_cascade_status(idx, row, c), c, t, ev);
	struct tl_rowrec *r = &idx->rows.items[row];
	if (r->pub.status != TL_RUNNING)
		return;
	tl_row_set_status(idx, row, st);
	r->pub.end_ms = t < r->pub.start_ms ? r->pub.start_ms : t;
	r->pub.end_ev = ev;
	if (r->counted) {
		tl_series_add(&idx->series[TL_SERIES_ITERATIONS], t, -1);
		r->counted = false;
	}
}

/*
 * A Parallel branch has no end event of its own: it ends with its Parallel attempt. A branch
 * whose last state already left succeeded, one holding a failure failed, one still inside a
 * state was cut off.
 */
void tl_end_branch(struct tl_index *idx, int32_t row, bool run_failed, int64_t t, int64_t ev)
{
	struct tl_rowrec *r = &idx->rows.items[row];
	if (r->pub.status != TL_RUNNING)
		return;
	if (r->cur_visit >= 0) {
		enum tl_cascade c = run_failed ? TL_CASCADE_FAIL : TL_CASCADE_OK;
		enum tl_status vst = tl_cascade_status(idx, row, c);
		enum tl_status st = TL_SUCCEEDED;
		if (run_failed)
			st = is_failure(vst) || r->had_failure ? TL_FAILED : TL_ABORTED;
		tl_close_row(idx, row, st, c, t, ev);
		return;
	}
	tl_row_set_status(idx, row, r->had_failure ? TL_FAILED : TL_SUCCEEDED);
	if (r->last_visit >= 0) {
		r->pub.end_ms = r->spans.items[r->last_visit].end_ms;
		r->pub.end_ev = r->spans.items[r->last_visit].end_ev;
	} else {
		r->pub.end_ms = t;
		r->pub.end_ev = ev;
	}
}
