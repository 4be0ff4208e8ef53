/*
 * Reconstruction: which state and Map iteration every event belongs to, from previousEventId
 * causality and the details (aws-facts a.5). One pass in id order, O(1) amortized per event.
 *
 * A "frame" is a scope events happen in: the top level, one Map iteration or one Parallel
 * branch. A "visit" is one entry into a state. Following `prev` alone is not enough: a Map's
 * closing events point into its last iteration and, with MaxConcurrency 1, an iteration's
 * MapIterationStarted points at the previous iteration's last event. So container events
 * (Map*, Parallel*, MapRun*, MapIteration*) climb from the predecessor's frame to the Map or
 * Parallel visit they belong to, matched by name (MapIteration*) or as the innermost still
 * open container of their kind.
 */
#include "history.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Iteration indexes above this are not tracked (a corrupt index must not allocate GBs). */
#define MAX_TRACKED_INDEX (1 << 22)
/* Map/Parallel nesting a cut looks into (ASL definitions nest far less). */
#define MAX_CUT_DEPTH 1000

struct frame {
	int32_t parent;	   /* frame index; the top frame (0) is its own parent */
	int32_t container; /* the Map/Parallel visit owning it, -1 for the top */
	int32_t item, branch;
	int32_t last_visit; /* most recently entered visit in this frame, -1 */
	bool ended;	    /* a Map iteration whose MapIteration{Succeeded,Failed,Aborted} came */
};

struct visit_rec {
	struct hist_visit pub;
	int32_t frame;
	bool open;	       /* a Map/Parallel still running (not succeeded/failed/exited) */
	int32_t next_branch;   /* Parallel: branches seen since the last ParallelStateStarted */
	VEC(int32_t) iters;    /* Map: iteration frame by index, -1 unknown */
	VEC(int32_t) branches; /* Parallel: this start's branch frames in order of appearance */
	size_t live;	       /* Map: iterations below it have ended (a cut skips them) */
};

struct hist_recon {
	VEC(struct frame) frames;
	VEC(struct visit_rec) visits;
	/* Per event, index id - 1. */
	VEC(int32_t) ev_frame;
	VEC(int32_t) ev_visit;
	VEC(int32_t) ev_opens; /* MapIterationStarted: the iteration frame it opens */
	VEC(int32_t) ev_attempt;
	VEC(enum ev_type) ev_type;
	/* The cut: the frame of the Map iteration the last MapIterationFailed/Aborted ended, the
	 * event it and the aborts after it point at, and the cut's last event fed (cut_in). */
	int32_t cut_root;
	int64_t cut_prev, cut_last;
};

struct hist_recon *hist_recon_new(void)
{
	struct hist_recon *r = xcalloc(1, sizeof(*r));
	struct frame top = {
	    .parent = 0, .container = -1, .item = -1, .branch = -1, .last_visit = -1};
	VEC_PUSH(r->frames, top);
	r->cut_root = -1;
	return r;
}

void hist_recon_free(struct hist_recon *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->visits.len; i++) {
		VEC_FREE(r->visits.items[i].iters);
		VEC_FREE(r->visits.items[i].branches);
	}
	VEC_FREE(r->frames);
	VEC_FREE(r->visits);
	VEC_FREE(r->ev_frame);
	VEC_FREE(r->ev_visit);
	VEC_FREE(r->ev_opens);
	VEC_FREE(r->ev_attempt);
	VEC_FREE(r->ev_type);
	free(r);
}

/* ---- event classes ---- */

/* The kinds below that are worked out from type names, once per type (reconstruction asks for
 * them several times per event of a million-event history). */
enum { K_ENTERED = 1, K_EXITED = 2, K_TASK = 4, K_FAILURE = 8 };
static unsigned char kinds[EV_TYPE_COUNT];
static pthread_once_t kinds_once = PTHREAD_ONCE_INIT;

static bool name_is_task_event(enum ev_type t);
static bool name_is_failure(enum ev_type t);

static void kinds_init(void)
{
	for (int i = 0; i < EV_TYPE_COUNT; i++) {
		enum ev_type t = (enum ev_type)i;
		const char *n = ev_type_name(t);
		kinds[i] = (unsigned char)((str_ends_with(n, "StateEntered") ? K_ENTERED : 0) |
					   (str_ends_with(n, "StateExited") ? K_EXITED : 0) |
					   (name_is_task_event(t) ? K_TASK : 0) |
					   (name_is_failure(t) ? K_FAILURE : 0));
	}
}

static bool has_kind(enum ev_type t, unsigned k)
{
	pthread_once(&kinds_once, kinds_init);
	return (unsigned)t < EV_TYPE_COUNT && (kinds[t] & k);
}

static bool is_entered(enum ev_type t)
{
	return has_kind(t, K_ENTERED);
}

static bool is_exited(enum ev_type t)
{
	return has_kind(t, K_EXITED);
}

static bool is_execution(enum ev_type t)
{
	return t == EV_ExecutionStarted || t == EV_ExecutionSucceeded || t == EV_ExecutionFailed ||
	       t == EV_ExecutionTimedOut || t == EV_ExecutionAborted || t == EV_ExecutionRedriven;
}

static bool is_map_iteration(enum ev_type t)
{
	return t == EV_MapIterationStarted || t == EV_MapIterationSucceeded ||
	       t == EV_MapIterationFailed || t == EV_MapIterationAborted;
}

static bool is_map_container(enum ev_type t)
{
	return t == EV_MapStateStarted || t == EV_MapStateSucceeded || t == EV_MapStateFailed ||
	       t == EV_MapStateAborted || t == EV_MapRunStarted || t == EV_MapRunSucceeded ||
	       t == EV_MapRunFailed || t == EV_MapRunAborted || t == EV_MapRunRedriven;
}

static bool is_parallel_container(enum ev_type t)
{
	return t == EV_ParallelStateStarted || t == EV_ParallelStateSucceeded ||
	       t == EV_ParallelStateFailed || t == EV_ParallelStateAborted;
}

/* Task, Lambda and Activity events: they belong to the visit of their predecessor. */
static bool is_task_event(enum ev_type t)
{
	return has_kind(t, K_TASK);
}

static bool name_is_task_event(enum ev_type t)
{
	const char *n = ev_type_name(t);
	return t != EV_TaskStateAborted && t != EV_TaskStateEntered && t != EV_TaskStateExited &&
	       (strncmp(n, "Task", 4) == 0 || strncmp(n, "LambdaFunction", 14) == 0 ||
		strncmp(n, "Activity", 8) == 0);
}

static bool is_scheduled(enum ev_type t)
{
	return t == EV_TaskScheduled || t == EV_LambdaFunctionScheduled ||
	       t == EV_ActivityScheduled;
}

static bool is_failure(enum ev_type t)
{
	return has_kind(t, K_FAILURE);
}

static bool name_is_failure(enum ev_type t)
{
	const char *n = ev_type_name(t);
	return t != EV_ExecutionFailed && t != EV_ExecutionTimedOut && !is_map_iteration(t) &&
	       (str_ends_with(n, "Failed") || str_ends_with(n, "TimedOut") ||
		t == EV_FailStateEntered);
}

/* ---- lookups ---- */

static bool is_failure(enum ev_type t);
/* Whether event p is a failure (what a sibling branch's abort points at). */
static bool at_failure(const struct hist_recon *r, int64_t p)
{
	return p > 0 && is_failure(r->ev_type.items[p - 1]);
}

static struct visit_rec *visit_at(struct hist_recon *r, int32_t v)
{
	return v >= 0 ? &r->visits.items[v] : NULL;
}

static int32_t succ_frame(const struct hist_recon *r, int64_t p)
{
	if (p <= 0)
		return 0;
	int32_t opens = r->ev_opens.items[p - 1];
	return opens >= 0 ? opens : r->ev_frame.items[p - 1];
}

static int32_t visit_of(const struct hist_recon *r, int64_t p)
{
	return p > 0 ? r->ev_visit.items[p - 1] : -1;
}

/* Whether frame is inside (a descendant of) the Map/Parallel visit. */
static bool inside_visit(const struct hist_recon *r, int32_t frame, int32_t visit)
{
	for (int32_t f = frame; f != 0; f = r->frames.items[f].parent)
		if (r->frames.items[f].container == visit)
			return true;
	return false;
}

/* An open container of that kind (named `name` unless 0) in another branch of Parallel visit
 * par, the innermost first: a branch's failure aborts the Maps of the other branches, inner
 * ones first, all pointing at the failure (aws-facts a.5). -1 when none. */
static int32_t open_in_branches(const struct hist_recon *r, int32_t par, enum ev_type kind,
				ev_str_t name)
{
	for (size_t i = (size_t)par + 1; i < r->visits.len; i++) {
		const struct visit_rec *c = &r->visits.items[i];
		if (c->pub.entered != kind || !c->open || (name && c->pub.state != name) ||
		    !inside_visit(r, c->frame, par))
			continue;
		bool inner_open = false;
		for (size_t j = i + 1; j < r->visits.len && !inner_open; j++) {
			const struct visit_rec *d = &r->visits.items[j];
			inner_open = d->pub.entered == kind && d->open &&
				     (!name || d->pub.state == name) &&
				     inside_visit(r, d->frame, (int32_t)i);
		}
		if (!inner_open)
			return (int32_t)i;
	}
	return -1;
}

/* The innermost open container of that kind around event p (or p's own container visit). */
static int32_t find_container(struct hist_recon *r, int64_t p, enum ev_type kind)
{
	int32_t pv = visit_of(r, p);
	struct visit_rec *v = visit_at(r, pv);
	if (v && v->pub.entered == kind && v->open && v->frame == r->ev_frame.items[p - 1])
		return pv;
	for (int32_t f = p > 0 ? r->ev_frame.items[p - 1] : 0; f != 0;
	     f = r->frames.items[f].parent) {
		struct visit_rec *c = visit_at(r, r->frames.items[f].container);
		if (c && c->pub.entered == kind && c->open)
			return r->frames.items[f].container;
		if (c && c->pub.entered == EV_ParallelStateEntered && at_failure(r, p)) {
			int32_t o = open_in_branches(r, r->frames.items[f].container, kind, 0);
			if (o >= 0)
				return o;
		}
	}
	return v && v->pub.entered == kind ? pv : -1;
}

/* The Map visit named `name` that event p is in or at. */
static int32_t find_map(struct hist_recon *r, int64_t p, ev_str_t name)
{
	int32_t pv = visit_of(r, p);
	struct visit_rec *v = visit_at(r, pv);
	if (v && v->pub.state == name && v->pub.entered == EV_MapStateEntered &&
	    v->frame == r->ev_frame.items[p - 1])
		return pv;
	for (int32_t f = p > 0 ? r->ev_frame.items[p - 1] : 0; f != 0;
	     f = r->frames.items[f].parent) {
		struct visit_rec *c = visit_at(r, r->frames.items[f].container);
		if (c && c->pub.state == name && c->pub.entered == EV_MapStateEntered)
			return r->frames.items[f].container;
		if (c && c->pub.entered == EV_ParallelStateEntered && at_failure(r, p)) {
			int32_t o = open_in_branches(r, r->frames.items[f].container,
						     EV_MapStateEntered, name);
			if (o >= 0)
				return o;
		}
	}
	return v && v->pub.state == name ? pv : -1;
}

static int32_t new_frame(struct hist_recon *r, int32_t parent, int32_t container, int32_t item,
			 int32_t branch)
{
	struct frame f = {.parent = parent,
			  .container = container,
			  .item = item,
			  .branch = branch,
			  .last_visit = -1};
	VEC_PUSH(r->frames, f);
	return (int32_t)(r->frames.len - 1);
}

static int32_t iteration_frame(struct hist_recon *r, int32_t map, int32_t index)
{
	struct visit_rec *v = visit_at(r, map);
	if (!v || index < 0 || (size_t)index >= v->iters.len)
		return -1;
	return v->iters.items[index];
}

static void set_iteration_frame(struct hist_recon *r, int32_t map, int32_t index, int32_t f)
{
	struct visit_rec *v = visit_at(r, map);
	if (!v || index < 0 || index >= MAX_TRACKED_INDEX)
		return;
	while (v->iters.len <= (size_t)index)
		VEC_PUSH(v->iters, -1);
	v->iters.items[index] = f;
	if ((size_t)index < v->live)
		v->live = (size_t)index; /* a retry starts again */
}

/* ---- per class ---- */

/* The id of the event being fed: ids are dense (hist_recon_feed). */
static int64_t fed_id(const struct hist_recon *r)
{
	return (int64_t)r->ev_frame.len + 1;
}

static int32_t enter(struct hist_recon *r, const struct ev *e, int32_t *framep)
{
	int32_t frame = *framep;
	if (e->prev > 0 && r->ev_type.items[e->prev - 1] == EV_ParallelStateStarted) {
		/* The first state of a Parallel branch: a new branch frame. */
		int32_t par = visit_of(r, e->prev);
		struct visit_rec *pv = visit_at(r, par);
		int32_t branch = pv ? pv->next_branch++ : 0;
		int32_t parent = r->ev_frame.items[e->prev - 1];
		frame = new_frame(r, parent, par, r->frames.items[parent].item, branch);
		if (pv)
			VEC_PUSH(pv->branches, frame);
	}
	struct visit_rec v = {.frame = frame, .open = true};
	v.pub = (struct hist_visit){.state = e->state,
				    .entered = e->type,
				    .item = r->frames.items[frame].item,
				    .branch = r->frames.items[frame].branch,
				    .first_id = fed_id(r),
				    .first_ms = e->t_ms};
	VEC_PUSH(r->visits, v);
	int32_t idx = (int32_t)(r->visits.len - 1);
	r->frames.items[frame].last_visit = idx;
	*framep = frame;
	return idx;
}

/* ---- the aborts of a cut Map iteration ---- */

/* Whether the event being fed, pointing at prev, goes on with the cut: the events right after
 * a MapIterationFailed/Aborted that point at the same event (aws-facts a.5). */
static bool cut_in(const struct hist_recon *r, int64_t prev)
{
	return r->cut_root >= 0 && prev == r->cut_prev && r->cut_last == fed_id(r) - 1;
}

/* A MapIterationFailed/Aborted pointing at prev ended the iteration with frame f: the aborts
 * after it close the open states in f, unless f is inside the iteration cut already (a Map
 * nested in it, whose iterations end after their own states: block.c sim_run_abort). */
static void cut_start(struct hist_recon *r, int64_t prev, int32_t f)
{
	bool below = false;
	for (int32_t x = f; x != 0 && !below; x = r->frames.items[x].parent)
		below = x == r->cut_root;
	if (!cut_in(r, prev) || !below) {
		r->cut_root = f;
		r->cut_prev = prev;
	}
	r->cut_last = fed_id(r);
}

/* What an abort event of a cut closes: a visit of that kind or, with a name, the iteration
 * `item` of the Map visit of that name. */
struct cut_want {
	enum ev_type entered;
	ev_str_t name;
	int32_t item;
};

/* The first visit in frame f, inner states first, then their Map iteration, then their
 * Map/Parallel (the order AWS aborts them in, aws-facts a.5), still open and what w wants;
 * -1 when none. Depth bounds the recursion (a corrupt history may nest without end). */
static int32_t cut_find(struct hist_recon *r, int32_t f, const struct cut_want *w, int depth)
{
	int32_t vi = r->frames.items[f].last_visit;
	struct visit_rec *v = visit_at(r, vi);
	if (!v || v->pub.exited || v->pub.aborted || depth > MAX_CUT_DEPTH)
		return -1;
	bool map = v->pub.entered == EV_MapStateEntered;
	if (map || v->pub.entered == EV_ParallelStateEntered) {
		size_t n = map ? v->iters.len : v->branches.len;
		/* Iterations end in index order: those ended are not looked at again. */
		while (
		    map && v->live < n &&
		    (v->iters.items[v->live] < 0 || r->frames.items[v->iters.items[v->live]].ended))
			v->live++;
		for (size_t i = map ? v->live : 0; v->open && i < n; i++) {
			int32_t c = map ? v->iters.items[i] : v->branches.items[i];
			if (c < 0 || r->frames.items[c].ended)
				continue;
			int32_t found = cut_find(r, c, w, depth + 1);
			if (found >= 0)
				return found;
			if (map && w->name == v->pub.state && w->item == (int32_t)i)
				return vi;
		}
		if (!v->open)
			return -1;
	}
	return !w->name && v->pub.entered == w->entered ? vi : -1;
}

/* A Parallel branch failed at p: the other branches' open states are aborted, inner ones first,
 * all pointing at p (aws-facts a.5). The one w wants in another branch of the Parallel right
 * around p, or -1. */
static int32_t branch_cut_find(struct hist_recon *r, int64_t p, const struct cut_want *w)
{
	if (!at_failure(r, p))
		return -1;
	int32_t f = r->ev_frame.items[p - 1];
	struct visit_rec *par = visit_at(r, r->frames.items[f].container);
	if (!par || par->pub.entered != EV_ParallelStateEntered || !par->open)
		return -1;
	for (size_t i = 0; i < par->branches.len; i++) {
		int32_t found =
		    par->branches.items[i] == f ? -1 : cut_find(r, par->branches.items[i], w, 0);
		if (found >= 0)
			return found;
	}
	return -1;
}

/* Whether visit v is an open state of the kind a detail-less *StateAborted event closes. */
static bool abortable(const struct visit_rec *v, enum ev_type t)
{
	enum ev_type want = t == EV_WaitStateAborted ? EV_WaitStateEntered : EV_TaskStateEntered;
	return v && v->pub.entered == want && !v->pub.exited && !v->pub.aborted;
}

/* The predecessor's visit (pv) unless it cannot be the aborted one: a Parallel branch's open
 * state aborted by another branch's failure points at that failure (aws-facts a.5), so it is
 * the first branch of the same Parallel whose last state is open and of that kind. */
static int32_t aborted_sibling(struct hist_recon *r, int64_t p, int32_t pv, enum ev_type t)
{
	struct visit_rec *v = visit_at(r, pv);
	bool failure = at_failure(r, p);
	if (!v || (abortable(v, t) && !failure))
		return pv;
	/* Pointing at a failure: the other branches' open states come first, the failing
	 * branch's own Task last (aws-facts a.5). */
	int32_t container = r->frames.items[v->frame].container;
	for (size_t f = 1; container >= 0 && f < r->frames.len; f++) {
		const struct frame *fr = &r->frames.items[f];
		if ((int32_t)f != v->frame && fr->container == container &&
		    abortable(visit_at(r, fr->last_visit), t))
			return fr->last_visit;
	}
	return pv;
}

/* A detail-less TaskStateAborted/WaitStateAborted: in a cut, the next open state of the cut
 * iteration (aws-facts a.5); when a MapIterationAborted(i) follows, the open state of iteration
 * i; otherwise the next open one in another branch of a failed Parallel (branch_cut_find), the
 * predecessor's visit, or an open one in a sibling branch (aborted_sibling). */
static int32_t aborted_owner(struct hist_recon *r, const struct ev *e, const struct ev *next)
{
	/* Right after its iteration's MapIterationAborted/Failed, inner ones first (AWS's order,
	 * measured: floci-io/floci AslExecutorParallelCutTest). */
	struct cut_want w = {.entered = e->type == EV_WaitStateAborted ? EV_WaitStateEntered
								       : EV_TaskStateEntered};
	int32_t v = cut_in(r, e->prev) ? cut_find(r, r->cut_root, &w, 0) : -1;
	if (v >= 0)
		return v;
	if (next && next->type == EV_MapIterationAborted && next->prev > 0 &&
	    next->prev <= (int64_t)r->ev_frame.len) {
		int32_t map = find_map(r, next->prev, next->state);
		int32_t f = iteration_frame(r, map, next->item);
		int32_t lv = f >= 0 ? r->frames.items[f].last_visit : -1;
		if (abortable(visit_at(r, lv), e->type))
			return lv;
	}
	v = branch_cut_find(r, e->prev, &w);
	return v >= 0 ? v : aborted_sibling(r, e->prev, visit_of(r, e->prev), e->type);
}

static void map_iteration(struct hist_recon *r, const struct ev *e, int32_t *frame, int32_t *visit,
			  int32_t *opens)
{
	int32_t map = -1;
	if (e->type == EV_MapIterationAborted && cut_in(r, e->prev)) {
		struct cut_want w = {EV_MapStateEntered, e->state, e->item};
		map = cut_find(r, r->cut_root, &w, 0);
	}
	if (map < 0)
		map = find_map(r, e->prev, e->state);
	struct visit_rec *m = visit_at(r, map);
	if (!m)
		return;
	*visit = map;
	*frame = m->frame;
	if (e->type == EV_MapIterationStarted) {
		*opens = new_frame(r, m->frame, map, e->item, r->frames.items[m->frame].branch);
		set_iteration_frame(r, map, e->item, *opens);
		return;
	}
	int32_t f = iteration_frame(r, map, e->item);
	if (f >= 0) {
		r->frames.items[f].ended = true;
		if (e->type != EV_MapIterationSucceeded)
			cut_start(r, e->prev, f);
	}
}

static void container(struct hist_recon *r, const struct ev *e, enum ev_type kind, int32_t *frame,
		      int32_t *visit)
{
	int32_t c = -1;
	struct cut_want w = {.entered = kind};
	bool aborted = e->type == EV_MapStateAborted || e->type == EV_ParallelStateAborted;
	if (aborted && cut_in(r, e->prev))
		c = cut_find(r, r->cut_root, &w, 0);
	if (aborted && c < 0)
		c = branch_cut_find(r, e->prev, &w);
	if (c < 0)
		c = find_container(r, e->prev, kind);
	struct visit_rec *v = visit_at(r, c);
	if (!v)
		return;
	*visit = c;
	*frame = v->frame;
	if (e->type == EV_MapStateStarted || e->type == EV_ParallelStateStarted) {
		v->pub.attempts++;
		v->next_branch = 0;
		v->branches.len = 0; /* the last start's branches have ended */
	} else if (e->type != EV_MapRunStarted && e->type != EV_MapRunRedriven) {
		v->open = false; /* succeeded, failed or aborted */
	}
	if (e->type == EV_MapStateAborted || e->type == EV_ParallelStateAborted)
		v->pub.aborted = true;
}

static void classify(struct hist_recon *r, struct ev *e, const struct ev *next, int32_t *frame,
		     int32_t *visit, int32_t *opens)
{
	enum ev_type t = e->type;
	int32_t pv = visit_of(r, e->prev);
	*frame = succ_frame(r, e->prev);
	*visit = -1;
	if (is_execution(t)) {
		*frame = 0;
	} else if (is_entered(t)) {
		*visit = enter(r, e, frame);
	} else if (is_exited(t)) {
		struct visit_rec *v = visit_at(r, pv);
		if (!v || (e->state && v->pub.state != e->state))
			pv = r->frames.items[*frame].last_visit;
		v = visit_at(r, pv);
		if (v && (!e->state || v->pub.state == e->state)) {
			*visit = pv;
			*frame = v->frame;
			v->pub.exited = true;
			v->open = false;
		}
	} else if (is_map_iteration(t)) {
		map_iteration(r, e, frame, visit, opens);
	} else if (is_map_container(t)) {
		container(r, e, EV_MapStateEntered, frame, visit);
	} else if (is_parallel_container(t)) {
		container(r, e, EV_ParallelStateEntered, frame, visit);
	} else if (t == EV_TaskStateAborted || t == EV_WaitStateAborted) {
		*visit = aborted_owner(r, e, next);
		struct visit_rec *v = visit_at(r, *visit);
		if (v) {
			v->pub.aborted = true;
			*frame = v->frame;
		}
	} else if (t == EV_EvaluationFailed && e->state) {
		/* It names its state, which need not be the predecessor's (a Catch target). */
		struct visit_rec *v = visit_at(r, r->frames.items[*frame].last_visit);
		if (v && v->pub.state == e->state)
			*visit = r->frames.items[*frame].last_visit;
	} else if (is_task_event(t) || t == EV_EvaluationFailed) {
		*visit = pv;
		struct visit_rec *v = visit_at(r, pv);
		if (v)
			*frame = v->frame;
	}
}

void hist_recon_feed(struct hist_recon *r, struct ev *e, const struct ev *next)
{
	/* Ids are dense: e is event count fed so far + 1. */
	int64_t id = fed_id(r);
	if (e->prev < 0 || e->prev >= id)
		e->prev = 0;
	int32_t frame, visit, opens = -1;
	bool in_cut = cut_in(r, e->prev);
	classify(r, e, next, &frame, &visit, &opens);
	if (in_cut)
		r->cut_last = id;
	struct visit_rec *v = visit_at(r, visit);
	int32_t attempt = 0;
	if (v) {
		if (!e->state)
			e->state = v->pub.state;
		v->pub.last_id = id;
		v->pub.last_ms = e->t_ms;
		if (is_scheduled(e->type))
			v->pub.attempts++;
		if (is_failure(e->type))
			v->pub.failures++;
		if (is_task_event(e->type))
			attempt = v->pub.attempts;
	}
	if (!is_map_iteration(e->type))
		e->item = r->frames.items[frame].item;
	VEC_PUSH(r->ev_frame, frame);
	VEC_PUSH(r->ev_visit, visit);
	VEC_PUSH(r->ev_opens, opens);
	VEC_PUSH(r->ev_attempt, attempt);
	VEC_PUSH(r->ev_type, e->type);
}

struct hist_recon *hist_recon_of_log(const struct ev_log *log)
{
	struct hist_recon *r = hist_recon_new();
	size_t n = ev_log_count(log);
	for (size_t id = 1; id <= n; id++) {
		struct ev copy = *ev_log_get(log, (int64_t)id);
		hist_recon_feed(r, &copy, id < n ? ev_log_get(log, (int64_t)id + 1) : NULL);
	}
	return r;
}

size_t hist_recon_visit_count(const struct hist_recon *r)
{
	return r->visits.len;
}

const struct hist_visit *hist_recon_visit(const struct hist_recon *r, size_t index)
{
	return index < r->visits.len ? &r->visits.items[index].pub : NULL;
}

int32_t hist_recon_event_visit(const struct hist_recon *r, int64_t id)
{
	return id >= 1 && (size_t)id <= r->ev_visit.len ? r->ev_visit.items[id - 1] : -1;
}

int32_t hist_recon_event_attempt(const struct hist_recon *r, int64_t id)
{
	return id >= 1 && (size_t)id <= r->ev_attempt.len ? r->ev_attempt.items[id - 1] : 0;
}

int32_t hist_recon_event_branch(const struct hist_recon *r, int64_t id)
{
	if (id < 1 || (size_t)id > r->ev_frame.len)
		return -1;
	return r->frames.items[r->ev_frame.items[id - 1]].branch;
}
