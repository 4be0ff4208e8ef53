/*
 * The index and its incremental update: each new event is classified by its type family and
 * placed on a row (and a span) found through its `prev` chain; every step is O(1) amortized
 * (walks go up the row nesting, not along the log).
 */
#include <stdlib.h>
#include <string.h>

#include "timeline/internal.h"

struct tl_index *tl_index_new(const struct ev_log *log)
{
	struct tl_index *idx = xcalloc(1, sizeof(*idx));
	idx->log = log;
	idx->outcome.end_ms = -1;
	idx->deadline = -1;
	tl_row_new(idx, TL_ROW_TOP, -1, -1, -1);
	VEC_PUSH(idx->disp, 0);
	return idx;
}

void tl_index_free(struct tl_index *idx)
{
	if (!idx)
		return;
	for (size_t i = 0; i < idx->rows.len; i++) {
		VEC_FREE(idx->rows.items[i].spans);
		VEC_FREE(idx->rows.items[i].max_end);
		free(idx->rows.items[i].label);
	}
	for (size_t i = 0; i < idx->runs.len; i++)
		VEC_FREE(idx->runs.items[i].slots);
	for (int k = 0; k < TL_SERIES_COUNT; k++)
		tl_series_fini(&idx->series[k]);
	VEC_FREE(idx->rows);
	VEC_FREE(idx->runs);
	VEC_FREE(idx->disp);
	VEC_FREE(idx->place);
	VEC_FREE(idx->markers);
	free(idx);
}

void tl_index_set_limit(struct tl_index *idx, int32_t limit)
{
	idx->limit = limit < 0 ? 0 : limit;
}

int32_t tl_index_limit(const struct tl_index *idx)
{
	return idx->limit;
}

void tl_index_set_deadline(struct tl_index *idx, int64_t ms)
{
	idx->deadline = ms < 0 ? -1 : ms;
}

int64_t tl_index_deadline(const struct tl_index *idx)
{
	return idx->deadline;
}

/* One event being consumed. */
struct step {
	struct tl_index *idx;
	const struct ev *e;
	int64_t id;	    /* e's */
	const struct ev *p; /* the predecessor (id e->prev), or NULL */
	int32_t prow;	    /* the predecessor's row (the top row without one) */
	int64_t t;	    /* clamped time */
	struct tl_place at; /* where the event goes */
};

static struct tl_rowrec *row_of(struct step *s, int32_t row)
{
	return &s->idx->rows.items[row];
}

static void add_marker(struct step *s, enum tl_marker_kind kind, int32_t row, int32_t span)
{
	struct tl_marker m = {kind, s->t, s->id, row, span};
	VEC_PUSH(s->idx->markers, m);
}

static void on_entered(struct step *s, enum tl_state_type fam)
{
	struct tl_index *idx = s->idx;
	int32_t row = s->prow;
	if (s->p && s->p->type == EV_ParallelStateStarted && row_of(s, row)->cur_run >= 0) {
		/* A branch's first state points at ParallelStateStarted: a new branch row. */
		int32_t run = row_of(s, row)->cur_run;
		row = tl_run_slot(idx, run, (int32_t)idx->runs.items[run].slots.len);
		tl_row_start(idx, row, s->t, s->id);
	}
	struct tl_rowrec *r = row_of(s, row);
	if (r->pub.status == TL_PENDING)
		tl_row_start(idx, row, s->t, s->id);
	if (r->cur_visit >= 0) /* no Exited seen for the previous state: it ended here */
		tl_close_visit(idx, row, tl_cascade_status(idx, row, TL_CASCADE_OK), TL_CASCADE_OK,
			       s->t, s->id);
	struct tl_span sp = {.kind = TL_SPAN_VISIT,
			     .type = fam,
			     .status = TL_RUNNING,
			     .parent = -1,
			     .state = s->e->state,
			     .start_ms = s->t,
			     .end_ms = -1,
			     .run_ms = -1,
			     .start_ev = s->id};
	int32_t v = tl_span_add(idx, row, &sp);
	r = row_of(s, row);
	r->cur_visit = r->last_visit = v;
	r->cur_attempt = r->cur_run = r->last_attempt = -1;
	r->attempt_failed = r->blamed = false;
	r->fail_t = -1;
	tl_row_label(idx, row, s->e, s->id);
	if (fam == TL_STATE_FAIL) { /* a Fail state has no Exited: it fails on entry */
		tl_span_end(idx, row, v, TL_FAILED, s->t, s->id);
		r->cur_visit = -1;
	}
	s->at = (struct tl_place){row, v};
}

static void on_exited(struct step *s, enum tl_state_type fam)
{
	int32_t row = tl_find_visit(s->idx, s->prow, fam, s->e->state);
	if (row < 0)
		return;
	struct tl_rowrec *r = row_of(s, row);
	int32_t v = r->cur_visit;
	bool failed = r->attempt_failed || r->spans.items[v].error;
	tl_close_visit(s->idx, row, failed ? TL_CAUGHT : TL_SUCCEEDED, TL_CASCADE_OK, s->t, s->id);
	s->at = (struct tl_place){row, v};
}

static void on_aborted(struct step *s, enum tl_state_type fam)
{
	int32_t row = tl_find_aborted(s->idx, s->e, s->prow, fam);
	if (row < 0)
		return;
	int32_t v = row_of(s, row)->cur_visit;
	tl_close_visit(s->idx, row, tl_cascade_status(s->idx, row, TL_CASCADE_ABORT),
		       TL_CASCADE_ABORT, s->t, s->id);
	s->at = (struct tl_place){row, v};
}

/* Opens attempt n+1 of the row's open visit, with the back-off gap after a failed one. */
static int32_t open_attempt(struct step *s, int32_t row, enum tl_state_type type)
{
	struct tl_rowrec *r = row_of(s, row);
	if (r->cur_attempt >= 0)
		tl_close_attempt(s->idx, row, TL_ABORTED, s->t, s->id);
	r = row_of(s, row);
	int32_t n = ++r->spans.items[r->cur_visit].attempt;
	if (r->attempt_failed && r->fail_t >= 0) {
		struct tl_span gap = {.kind = TL_SPAN_BACKOFF,
				      .type = type,
				      .status = TL_SUCCEEDED,
				      .parent = r->cur_visit,
				      .attempt = n,
				      .state = r->spans.items[r->cur_visit].state,
				      .start_ms = r->fail_t,
				      .end_ms = s->t,
				      .run_ms = -1,
				      .start_ev = r->fail_ev,
				      .end_ev = s->id};
		tl_span_add(s->idx, row, &gap);
		r = row_of(s, row);
	}
	r->attempt_failed = false;
	struct tl_span a = {.kind = TL_SPAN_ATTEMPT,
			    .type = type,
			    .status = TL_RUNNING,
			    .parent = r->cur_visit,
			    .attempt = n,
			    .state = r->spans.items[r->cur_visit].state,
			    .start_ms = s->t,
			    .end_ms = -1,
			    .run_ms = -1,
			    .start_ev = s->id};
	int32_t k = tl_span_add(s->idx, row, &a);
	row_of(s, row)->cur_attempt = k;
	return k;
}

static void on_attempt(struct step *s, enum tl_role role)
{
	int32_t row = tl_find_visit(s->idx, s->prow, TL_STATE_TASK, s->e->state);
	if (row < 0)
		return;
	struct tl_rowrec *r = row_of(s, row);
	if (role == R_ATT_START || r->cur_attempt < 0)
		open_attempt(s, row, TL_STATE_TASK);
	r = row_of(s, row);
	int32_t a = r->cur_attempt;
	struct tl_span *sp = &r->spans.items[a];
	struct tl_span *visit = &r->spans.items[r->cur_visit];
	s->at = (struct tl_place){row, a};
	if (role == R_ATT_RUN && sp->run_ms < 0) {
		sp->run_ms = s->t;
		/* Simulations mark cold starts (AWS histories do not record them). */
		json_t *cold = json_object_get(ev_extra(s->idx->log, s->e), EV_KEY_COLD_START);
		if (json_is_number(cold))
			sp->cold_ms = (int64_t)json_number_value(cold);
		tl_series_add(&s->idx->series[TL_SERIES_TASKS], s->t, 1);
	}
	if (role == R_ATT_OK) {
		visit->error = visit->cause = 0; /* a retry succeeded */
		tl_close_attempt(s->idx, row, TL_SUCCEEDED, s->t, s->id);
	} else if (role == R_ATT_FAIL || role == R_ATT_TIMEOUT) {
		sp->error = visit->error = ev_error(s->idx->log, s->e);
		sp->cause = visit->cause = ev_cause(s->idx->log, s->e);
		tl_close_attempt(s->idx, row, role == R_ATT_FAIL ? TL_FAILED : TL_TIMED_OUT, s->t,
				 s->id);
		if (role == R_ATT_TIMEOUT)
			add_marker(s, TL_MARK_TASK_TIMEOUT, row, a);
	}
}

/* MapStateStarted / ParallelStateStarted: a new attempt of the visit and a new run. */
static void on_run_start(struct step *s, enum tl_state_type fam)
{
	struct tl_index *idx = s->idx;
	int32_t row = tl_find_visit(idx, s->prow, fam, s->e->state);
	if (row < 0)
		return;
	struct tl_rowrec *r = row_of(s, row);
	if (r->cur_attempt >= 0) {
		/* A retry (aws-facts a.5): the previous attempt failed at the event this one
		 * points at; its rows that are still open were cut off there. */
		int64_t ft = s->p ? s->p->t_ms : s->t;
		ft = ft > s->t ? s->t : ft;
		int64_t fev = s->p ? s->e->prev : s->id;
		r->spans.items[r->cur_attempt].error = s->p ? ev_error(s->idx->log, s->p) : 0;
		if (r->cur_run >= 0)
			tl_close_run_rows(idx, r->cur_run, TL_CASCADE_ABORT, ft, fev);
		tl_close_attempt(idx, row, TL_FAILED, ft, fev);
	}
	int32_t a = open_attempt(s, row, fam);
	size_t reserve = 0;
	json_t *len = json_object_get(ev_extra(idx->log, s->e), "length");
	if (fam == TL_STATE_MAP && json_is_integer(len) && json_integer_value(len) > 0)
		reserve = (size_t)json_integer_value(len);
	if (reserve > (1u << 22)) /* a corrupt length must not exhaust memory */
		reserve = 1u << 22;
	r = row_of(s, row);
	int32_t n = r->spans.items[a].attempt;
	int32_t run = tl_run_new(idx, row, r->cur_visit, fam == TL_STATE_PARALLEL, n, reserve);
	row_of(s, row)->cur_run = run;
	s->at = (struct tl_place){row, a};
}

static void on_run_end(struct step *s, enum tl_state_type fam, bool ok)
{
	struct tl_index *idx = s->idx;
	int32_t row = tl_find_visit(idx, s->prow, fam, s->e->state);
	if (row < 0)
		return;
	struct tl_rowrec *r = row_of(s, row);
	int32_t a = r->cur_attempt, run = r->cur_run;
	s->at = (struct tl_place){row, a >= 0 ? a : r->cur_visit};
	if (!ok && ev_error(s->idx->log, s->e)) {
		r->spans.items[r->cur_visit].error = ev_error(s->idx->log, s->e);
		r->spans.items[r->cur_visit].cause = ev_cause(s->idx->log, s->e);
	}
	if (run >= 0) {
		if (idx->runs.items[run].parallel) {
			for (size_t i = 0; i < idx->runs.items[run].slots.len; i++) {
				int32_t b = idx->runs.items[run].slots.items[i];
				if (b >= 0)
					tl_end_branch(idx, b, !ok, s->t, s->id);
			}
		} else {
			tl_close_run_rows(idx, run, ok ? TL_CASCADE_OK : TL_CASCADE_ABORT, s->t,
					  s->id);
		}
	}
	r = row_of(s, row);
	if (a >= 0) {
		r->spans.items[a].error = ev_error(s->idx->log, s->e);
		r->spans.items[a].cause = ev_cause(s->idx->log, s->e);
		tl_close_attempt(idx, row, ok ? TL_SUCCEEDED : TL_FAILED, s->t, s->id);
	}
}

/*
 * Only iterations of outermost Maps count as "in flight": MaxConcurrency limits one Map's
 * iterations, so adding a nested Map's iterations would compare apples with pears.
 */
static bool outermost(const struct tl_index *idx, int32_t row)
{
	for (int32_t p = idx->rows.items[row].pub.parent; p >= 0; p = idx->rows.items[p].pub.parent)
		if (idx->rows.items[p].pub.kind == TL_ROW_ITERATION)
			return false;
	return true;
}

/*
 * A Distributed Map runs its items as child executions with their own histories
 * (aws-facts b.2): the parent log never shows them, so rows reserved for them go away.
 */
static void drop_pending(struct tl_index *idx, int32_t run)
{
	struct tl_run *rn = &idx->runs.items[run];
	for (size_t i = 0; i < rn->slots.len; i++) {
		int32_t row = rn->slots.items[i];
		if (row >= 0 && idx->rows.items[row].pub.status == TL_PENDING) {
			rn->slots.items[i] = -1;
			idx->status_count[TL_PENDING]--;
			idx->disp_dirty = true;
		}
	}
}

static void on_iteration(struct step *s, enum tl_role role)
{
	struct tl_index *idx = s->idx;
	int32_t run = tl_find_map_run(idx, s->prow, s->e->state);
	if (run < 0)
		return;
	int32_t index = s->e->item;
	if (index < 0) /* no index: the next one */
		index = (int32_t)idx->runs.items[run].slots.len;
	int32_t row = tl_run_slot(idx, run, index);
	struct tl_rowrec *r = row_of(s, row);
	s->at = (struct tl_place){row, -1};
	if (role == R_ITER_START) {
		if (r->pub.status != TL_PENDING)
			return;
		tl_row_start(idx, row, s->t, s->id);
		if (outermost(idx, row)) {
			r->counted = true;
			tl_series_add(&idx->series[TL_SERIES_ITERATIONS], s->t, 1);
		}
		return;
	}
	if (r->pub.status == TL_PENDING)
		tl_row_start(idx, row, s->t, s->id);
	if (role == R_ITER_OK)
		tl_close_row(idx, row, TL_SUCCEEDED, TL_CASCADE_OK, s->t, s->id);
	else if (role == R_ITER_FAIL)
		tl_close_row(idx, row, TL_FAILED, TL_CASCADE_FAIL, s->t, s->id);
	else
		tl_close_row(idx, row, TL_ABORTED, TL_CASCADE_ABORT, s->t, s->id);
}

static void on_execution(struct step *s, enum tl_role role)
{
	struct tl_index *idx = s->idx;
	struct tl_outcome *o = &idx->outcome;
	s->at = (struct tl_place){0, -1};
	if (role == R_EXEC_START) {
		/* The producer may have named the execution after the index was made. */
		const char *name =
		    ev_log_str(idx->log, ev_log_meta_const(idx->log)->execution_name);
		struct tl_rowrec *top = &idx->rows.items[0];
		if (name) {
			free(top->label);
			top->label = xstrdup(name);
			top->pub.label = top->label;
		}
		o->start_ms = s->t;
		if (idx->rows.items[0].pub.status == TL_PENDING)
			tl_row_start(idx, 0, s->t, s->id);
		return;
	}
	if (role == R_EXEC_REDRIVE) {
		/* A redrive reopens the execution: the failed states run again in this log. */
		struct tl_row *top = &idx->rows.items[0].pub;
		o->status = TL_EXEC_RUNNING;
		o->error = o->cause = 0;
		o->end_ms = -1;
		o->end_ev = 0;
		top->status = TL_RUNNING;
		top->end_ms = -1;
		top->end_ev = 0;
		return;
	}
	static const struct {
		enum tl_role role;
		enum tl_exec_status exec;
		enum tl_status row;
		enum tl_cascade cascade;
	} ends[] = {
	    {R_EXEC_OK, TL_EXEC_SUCCEEDED, TL_SUCCEEDED, TL_CASCADE_ABORT},
	    {R_EXEC_FAIL, TL_EXEC_FAILED, TL_FAILED, TL_CASCADE_FAIL},
	    {R_EXEC_TIMEOUT, TL_EXEC_TIMED_OUT, TL_TIMED_OUT, TL_CASCADE_TIMEOUT},
	    {R_EXEC_ABORT, TL_EXEC_ABORTED, TL_ABORTED, TL_CASCADE_ABORT},
	};
	for (size_t i = 0; i < ARRAY_LEN(ends); i++) {
		if (ends[i].role != role)
			continue;
		o->status = ends[i].exec;
		o->error = ev_error(s->idx->log, s->e);
		o->cause = ev_cause(s->idx->log, s->e);
		o->end_ms = s->t;
		o->end_ev = s->id;
		if (idx->rows.items[0].pub.status == TL_PENDING)
			tl_row_start(idx, 0, s->t, s->id);
		tl_close_row(idx, 0, ends[i].row, ends[i].cascade, s->t, s->id);
	}
	if (role == R_EXEC_TIMEOUT)
		add_marker(s, TL_MARK_EXECUTION_TIMEOUT, 0, -1);
}

/*
 * A failure that propagates (ExecutionFailed, MapIterationFailed, Map/ParallelStateFailed)
 * points at the event that failed (aws-facts a.5). When that event is inside a still-open
 * visit, that visit is where it failed: a Wait with a bad SecondsPath, a Task whose OutputPath
 * fails after its attempt succeeded (States.Runtime).
 */
static void blame(struct tl_index *idx, const struct ev *e, struct tl_place at)
{
	struct tl_rowrec *r = &idx->rows.items[at.row];
	if (r->cur_visit < 0 || at.span < r->cur_visit)
		return;
	r->blamed = true;
	struct tl_span *v = &r->spans.items[r->cur_visit];
	if (ev_error(idx->log, e) && !v->error) {
		v->error = ev_error(idx->log, e);
		v->cause = ev_cause(idx->log, e);
	}
}

static void consume(struct tl_index *idx, const struct ev *e, int64_t id)
{
	struct step s = {.idx = idx, .e = e, .id = id, .at = {0, -1}};
	s.t = e->t_ms < idx->last_t ? idx->last_t : e->t_ms;
	idx->last_t = s.t;
	if (e->prev > 0 && e->prev < id) {
		s.p = ev_log_get(idx->log, e->prev);
		s.prow = idx->place.items[e->prev - 1].row;
		s.at = idx->place.items[e->prev - 1];
	}
	/* A log without ExecutionStarted still gets a running top row. */
	if (idx->rows.items[0].pub.status == TL_PENDING && e->type != EV_ExecutionStarted) {
		tl_row_start(idx, 0, s.t, id);
		idx->outcome.start_ms = s.t;
	}
	struct tl_kind k = tl_classify(e->type);
	if (s.p && (k.role == R_EXEC_FAIL || k.role == R_ITER_FAIL || k.role == R_RUN_FAIL))
		blame(idx, e, s.at);
	switch (k.role) {
	case R_ENTER:
		on_entered(&s, k.fam);
		break;
	case R_EXIT:
		on_exited(&s, k.fam);
		break;
	case R_ABORT:
		on_aborted(&s, k.fam);
		break;
	case R_ATT_START:
	case R_ATT_RUN:
	case R_ATT_MID:
	case R_ATT_OK:
	case R_ATT_FAIL:
	case R_ATT_TIMEOUT:
		on_attempt(&s, k.role);
		break;
	case R_RUN_START:
		on_run_start(&s, k.fam);
		break;
	case R_RUN_OK:
	case R_RUN_FAIL:
		on_run_end(&s, k.fam, k.role == R_RUN_OK);
		break;
	case R_ITER_START:
	case R_ITER_OK:
	case R_ITER_FAIL:
	case R_ITER_ABORT:
		on_iteration(&s, k.role);
		break;
	case R_EXEC_START:
	case R_EXEC_OK:
	case R_EXEC_FAIL:
	case R_EXEC_TIMEOUT:
	case R_EXEC_ABORT:
	case R_EXEC_REDRIVE:
		on_execution(&s, k.role);
		break;
	case R_MAPRUN:
	case R_EVAL_FAIL: {
		enum tl_state_type fam = k.role == R_MAPRUN ? TL_STATE_MAP : TL_STATE_UNKNOWN;
		int32_t row = tl_find_visit(idx, s.prow, fam, e->state);
		if (row >= 0) {
			struct tl_rowrec *r = &idx->rows.items[row];
			s.at = (struct tl_place){row, r->cur_visit};
			if (e->type == EV_MapRunStarted && r->cur_run >= 0)
				drop_pending(idx, r->cur_run);
			if (ev_error(idx->log, e)) {
				r->spans.items[r->cur_visit].error = ev_error(idx->log, e);
				r->spans.items[r->cur_visit].cause = ev_cause(idx->log, e);
			}
		}
		break;
	}
	case R_OTHER:
		break;
	}
	VEC_PUSH(idx->place, s.at);
	idx->outcome.last_ms = s.t;
}

size_t tl_index_update(struct tl_index *idx)
{
	size_t n = ev_log_count(idx->log), before = idx->done;
	for (size_t id = idx->done + 1; id <= n; id++)
		consume(idx, ev_log_get(idx->log, (int64_t)id), (int64_t)id);
	idx->done = n;
	if (idx->disp_dirty)
		tl_disp_rebuild(idx);
	return n - before;
}
