/*
 * The engine: lifecycle, the main loop over the work queue, event emission, runs and how
 * their end propagates (to the parent Map/Parallel or to the execution), the context object.
 */
#include "internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_MS (365LL * 24 * 3600 * 1000)

void sim_options_init(struct sim_options *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->start_epoch_ms = 1715681700000LL; /* 2024-05-14T10:15:00Z */
	o->inline_map_cap = 40;
	o->history_event_limit = 25000;
	o->lambda_duration_ms = 120;
	o->generic_duration_ms = 50;
	o->step_ms = 15;
	o->region = "us-east-1";
	o->execution_name = "stepscope-1";
	o->state_machine_name = "StateMachine";
}

const char *sim_status_name(enum sim_status s)
{
	static const char *const names[] = {"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT",
					    "ABORTED"};
	return (unsigned)s < ARRAY_LEN(names) ? names[s] : "RUNNING";
}

/* ---- events ---- */
static bool closing(enum ev_type t)
{
	return t == EV_ExecutionSucceeded || t == EV_ExecutionFailed || t == EV_ExecutionTimedOut ||
	       t == EV_ExecutionAborted;
}

#if defined(__GNUC__)
#define RARE   __attribute__((noinline, cold))
#define ALWAYS __attribute__((always_inline))
#else
#define RARE
#define ALWAYS
#endif

/* Whether an event is left out of its log: the parent's history is full (a child
 * execution's history has its own limit on AWS; only the parent's is enforced; the last slot
 * is kept for ExecutionFailed, see sim_step), or a child execution is ending at once
 * (quiet_child). Closing events always go in. */
static RARE bool dropped(struct sim_engine *e, const struct ev *ev, int64_t limit)
{
	if (closing(ev->type))
		return false;
	if (!e->cur &&
	    (e->limit_hit || (limit > 0 && (int64_t)ev_log_count(e->log) + 1 >= limit))) {
		e->limit_hit = true;
		return true;
	}
	return e->cur && e->cur == e->quiet_child;
}

/* Inline in each emitter: a call more per event was a tenth of the cost of emitting it. */
static inline int64_t append(struct sim_engine *e, struct ev *ev, const struct ev_maker *maker,
			     const void *recipe, int64_t like)
{
	int64_t limit = e->opt.history_event_limit;
	/* The rare cases first: mostly far off (or none), when the rest need not be asked. */
	if ((e->limit_hit || e->quiet_child ||
	     (limit > 0 && (int64_t)ev_log_count(e->log) + 1 >= limit)) &&
	    dropped(e, ev, limit)) {
		json_decref(ev->payload);
		if (maker && maker->release)
			maker->release(recipe);
		return 0;
	}
	ev->t_ms = e->now - e->t0;
	return maker ? ev_log_append_made_like(e->log, ev, maker, recipe, like)
		     : ev_log_append(e->log, ev);
}

/* sim_emit_ev's body, inlined in sim_emit too: a call between them was 2% of a run's
 * instructions (most events come through sim_emit). */
static inline int64_t emit_ev(struct sim_engine *e, struct ev *ev, const struct asl_state *st)
{
	/* State names are interned once in the execution's log; a child's log interns its own. */
	if (st)
		ev->state = e->cur ? ev_log_intern(e->log, st->name) : sim_info(e, st)->name;
	return append(e, ev, NULL, NULL, 0);
}

/* sim_emit's rare case, out of line: a call before emit_ev made every sim_emit keep its
 * arguments in saved registers (1% of a run's instructions). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int64_t
emit_with_extra(struct sim_engine *e, struct ev *ev, const struct asl_state *st, json_t *extra)
{
	sim_ev_set_extra(e, ev, extra);
	return emit_ev(e, ev, st);
}

int64_t sim_emit(struct sim_engine *e, enum ev_type type, int64_t prev, const struct asl_state *st,
		 int32_t item, json_t *payload, json_t *extra)
{
	struct ev ev = {.type = type, .prev = prev, .item = item, .payload = payload};
	if (extra)
		return emit_with_extra(e, &ev, st, extra);
	return emit_ev(e, &ev, st);
}

int64_t sim_emit_ev(struct sim_engine *e, struct ev *ev, const struct asl_state *st)
{
	return emit_ev(e, ev, st);
}

int64_t sim_emit_made(struct sim_engine *e, struct ev *ev, const struct asl_state *st,
		      const struct sim_envelope *r)
{
	return sim_emit_recipe(e, ev, st, &sim_envelope_maker, r);
}

int64_t sim_emit_made_like(struct sim_engine *e, struct ev *ev, const struct asl_state *st,
			   const struct sim_envelope *r, int64_t like)
{
	if (st)
		ev->state = e->cur ? ev_log_intern(e->log, st->name) : sim_info(e, st)->name;
	return append(e, ev, &sim_envelope_maker, r, like);
}

int64_t sim_emit_recipe(struct sim_engine *e, struct ev *ev, const struct asl_state *st,
			const struct ev_maker *maker, const void *recipe)
{
	if (st)
		ev->state = e->cur ? ev_log_intern(e->log, st->name) : sim_info(e, st)->name;
	return append(e, ev, maker, recipe, 0);
}

int64_t sim_emit_error(struct sim_engine *e, enum ev_type type, int64_t prev,
		       const struct asl_state *st, int32_t item, const char *error,
		       const char *cause)
{
	struct ev ev = {.type = type, .prev = prev, .item = item};
	sim_ev_set_error(e, &ev, error, cause);
	return sim_emit_ev(e, &ev, st);
}

void sim_ev_set_error(struct sim_engine *e, struct ev *ev, const char *error, const char *cause)
{
	struct ev_detail d = ev_detail(e->log, ev);
	d.error = ev_log_intern(e->log, error);
	d.cause = ev_log_intern(e->log, cause);
	ev->detail = ev_log_detail(e->log, &d);
}

void sim_ev_set_extra(struct sim_engine *e, struct ev *ev, json_t *extra)
{
	struct ev_detail d = ev_detail(e->log, ev);
	d.extra = extra;
	ev->detail = ev_log_detail(e->log, &d);
	json_decref(extra); /* the log holds its own */
}

/* ---- runs ---- */
struct sim_run *sim_run_new(struct sim_engine *e, struct sim_block *parent, size_t index,
			    int32_t item, int64_t prev)
{
	struct sim_run *r = slab_alloc(&e->run_slab);
	assert(index <= INT32_MAX && prev >= 0 && prev <= INT32_MAX); /* see struct sim_run */
	r->parent = parent;
	r->index = (uint32_t)index;
	r->item = item;
	r->last = (int32_t)prev;
	e->run_count++;
	return r;
}

struct sim_run_more *sim_more(struct sim_engine *e, struct sim_run *run)
{
	if (!run->more)
		run->more = slab_alloc(&e->more_slab);
	return run->more;
}

static void run_free(struct sim_engine *e, struct sim_run *r)
{
	e->run_count--;
	if (r == e->top)
		e->top = NULL; /* sim_free looks at it */
	sim_task_clear(r);
	json_decref(r->input);
	json_decref(r->output);
	if (r->more) {
		sim_block_free(e, r->more->block);
		json_decref(r->more->vars);
		json_decref(r->more->assigned);
		free(r->more->retry_counts);
		slab_free(&e->more_slab, r->more);
	}
	slab_free(&e->run_slab, r);
}

void sim_run_release(struct sim_engine *e, struct sim_run *run)
{
	if (run->dead)
		return;
	/* out of its block's array (unlink_child) */
	assert(!run->parent || run->parent->kids[run->index] != run);
	run->dead = true;
	run->gen++;
	/* Callers up the stack may still hold it: free after the dispatch. */
	if (e->graveyard_len == e->graveyard_cap) {
		e->graveyard_cap = e->graveyard_cap ? e->graveyard_cap * 2 : 16;
		e->graveyard = xrealloc(e->graveyard, e->graveyard_cap * sizeof(*e->graveyard));
	}
	e->graveyard[e->graveyard_len++] = run;
}

static void bury(struct sim_engine *e)
{
	/* Last released first, as the list it was. */
	while (e->graveyard_len) {
		struct sim_run *r = e->graveyard[--e->graveyard_len];
		if (!r->pending)
			run_free(e, r);
	}
}

static bool in_graveyard(const struct sim_engine *e, const struct sim_run *run)
{
	for (size_t i = 0; i < e->graveyard_len; i++)
		if (e->graveyard[i] == run)
			return true;
	return false;
}

/* A live run and, first, its block's running children (live too: a run leaves that list just
 * before it is released). */
static void free_live(struct sim_engine *e, struct sim_run *r)
{
	struct sim_block *b = sim_run_block(r);
	for (struct sim_run *c; (c = sim_block_head(b));) {
		b->kids[c->index] = NULL;
		free_live(e, c);
	}
	run_free(e, r);
}

/* Every run not freed yet (internal.h, Lifetimes): the dead ones as the queue lets go of
 * them, then the graveyard, then the live tree from the top run. */
static void free_runs(struct sim_engine *e)
{
	struct sim_run *top = e->top && !e->top->dead ? e->top : NULL; /* e->top: not freed yet */
	struct simq_item it;
	while (simq_pop(&e->q, &it)) {
		struct sim_run *r = it.target;
		if (r && !--r->pending && r->dead && !in_graveyard(e, r))
			run_free(e, r);
	}
	bury(e);
	if (top)
		free_live(e, top);
	assert(e->run_count == 0);
}

static void finish(struct sim_engine *e, enum sim_status status, const char *error,
		   const char *cause)
{
	e->status = status;
	e->finished = true;
	e->end_ms = e->now;
	free(e->error);
	free(e->cause);
	e->error = error ? xstrdup(error) : NULL;
	e->cause = cause ? xstrdup(cause) : NULL;
}

void sim_run_succeed(struct sim_engine *e, struct sim_run *run, json_t *output)
{
	if (run->parent) {
		sim_block_child_done(e, run, output);
		return;
	}
	e->now += e->opt.step_ms; /* the closing event comes one step later, as on AWS */
	sim_emit(e, EV_ExecutionSucceeded, run->last, NULL, -1, json_incref(output), NULL);
	e->output = output;
	finish(e, SIM_SUCCEEDED, NULL, NULL);
	sim_run_release(e, run);
}

static void keep_end(struct sim_end *end, const char *error, const char *cause, int64_t last)
{
	end->error = xstrdup(error);
	end->cause = cause ? xstrdup(cause) : NULL;
	end->last = last;
}

void sim_run_fail(struct sim_engine *e, struct sim_run *run, const char *error, const char *cause)
{
	/* A States.Runtime error in a Parallel branch or a Map iteration ends the execution at
	 * once, as at the top: AWS records no *Failed or *Aborted event for the states around
	 * it or beside it; ExecutionFailed follows the failing state's last event (real AWS
	 * history in floci-io/floci issue 2868: ParallelStateStarted, PassStateEntered,
	 * ExecutionFailed). limit_hit keeps the rest of this dispatch out of the history and
	 * brings the loop to fail_now (hit_limit). A child execution's run fails that child. */
	bool runtime = run->parent && error && strcmp(error, "States.Runtime") == 0;
	if (runtime && !run->in_child) {
		if (!e->fail.error && !e->limit_hit) /* a full history fails as such */
			keep_end(&e->fail, error, cause, run->last);
		e->limit_hit = true;
		return;
	}
	if (runtime && !run->parent->distributed) { /* inside a child execution's block */
		if (!e->cf_run) {
			struct sim_run *it = run;
			while (!it->parent->distributed)
				it = it->parent->owner;
			e->cf_run = it;
			keep_end(&e->child_fail, error, cause, run->last);
			e->quiet_child = sim_run_child(run);
		}
		return;
	}
	if (run->parent) {
		sim_block_child_defer(e, run, error, cause);
		return;
	}
	e->now += e->opt.step_ms;
	sim_emit_error(e, EV_ExecutionFailed, run->last, NULL, -1, error, cause);
	finish(e, SIM_FAILED, error, cause);
	sim_run_release(e, run);
}

char *sim_runtime_cause(struct sim_run *run, const char *why)
{
	return xasprintf("An error occurred while executing the state '%s' (entered at the event "
			 "id #%lld). %s",
			 run->state ? run->state->name : "", (long long)run->entered_id, why);
}

/* ---- lifecycle ---- */
static bool refuse_jsonata(const struct asl_machine *m, struct sim_engine *e, struct diags *diags)
{
	bool ok = true;
	for (size_t i = 0; i < e->state_count; i++) {
		const struct asl_state *st = e->all_states[i];
		if (st->query_language == ASL_JSONATA) {
			int line = 0, col = 0;
			asl_locate(m, st->pointer, true, &line, &col);
			diags_add(diags, DIAG_ERROR, "jsonata-unsupported", m->file, line, col,
				  st->pointer,
				  "state '%s' uses JSONata, which the simulator does not support "
				  "yet (JSONPath states only)",
				  st->name);
			ok = false;
		}
	}
	return ok;
}

/* The latest start whose run (a year at most, or TimeoutSeconds: at most 99,999,999 s) still
 * ends within the years an exported history can write (EV_MAX_EPOCH_S: 9999). */
#define START_MAX_MS (((int64_t)EV_MAX_EPOCH_S - 99999999LL) * 1000)

static bool start_time_ok(const struct sim_engine *e, struct diags *diags)
{
	int64_t t = e->opt.start_epoch_ms;
	if (t >= (int64_t)EV_MIN_EPOCH_S * 1000 && t <= START_MAX_MS)
		return true;
	char first[40], latest[40];
	sim_format_timestamp((int64_t)EV_MIN_EPOCH_S * 1000, first, sizeof(first));
	sim_format_timestamp(START_MAX_MS, latest, sizeof(latest));
	diags_add(diags, DIAG_ERROR, "start-time", NULL, 0, 0, NULL,
		  "the start time must lie between %s and %s, so that every timestamp of the run "
		  "can be written in RFC 3339",
		  first, latest);
	return false;
}

static void init_identity(struct sim_engine *e)
{
	const struct sim_options *o = &e->opt;
	e->region = xstrdup(o->region ? o->region : "us-east-1");
	e->exec_name = xstrdup(o->execution_name ? o->execution_name : "stepscope-1");
	e->sm_name = xstrdup(o->state_machine_name ? o->state_machine_name : "StateMachine");
	e->sm_arn =
	    xasprintf("arn:aws:states:%s:123456789012:stateMachine:%s", e->region, e->sm_name);
	e->exec_arn = xasprintf("arn:aws:states:%s:123456789012:execution:%s:%s", e->region,
				e->sm_name, e->exec_name);
	e->role_arn =
	    xstrdup(o->role_arn ? o->role_arn : "arn:aws:iam::123456789012:role/stepscope");
	char stamp[40];
	sim_format_timestamp(o->start_epoch_ms, stamp, sizeof(stamp));
	/* Keys in the order AWS writes them (localstack test_context_object snapshot, recorded
	 * on AWS 2024-09: test_input_path[$$]). */
	e->ctx_base = json_pack("{s:{s:s, s:O, s:s, s:s, s:s, s:i}, s:{s:s, s:s}}", "Execution",
				"Id", e->exec_arn, "Input", e->input, "StartTime", stamp, "Name",
				e->exec_name, "RoleArn", e->role_arn, "RedriveCount", 0,
				"StateMachine", "Id", e->sm_arn, "Name", e->sm_name);
	struct ev_log_meta *meta = ev_log_meta(e->log);
	meta->start_epoch_ms = o->start_epoch_ms;
	meta->execution_name = ev_log_intern(e->log, e->exec_name);
	meta->state_machine_name = ev_log_intern(e->log, e->sm_name);
}

struct sim_engine *sim_new(const struct asl_machine *m, json_t *input,
			   const struct sim_options *opt, struct ev_log *log, struct diags *diags)
{
	struct sim_engine *e = xcalloc(1, sizeof(*e));
	e->machine = m;
	e->log = e->main_log = log;
	e->invoking_item = -1;
	if (opt)
		e->opt = *opt;
	else
		sim_options_init(&e->opt);
	e->input = input ? json_incref(input) : json_object();
	simq_init(&e->q);
	slab_init(&e->run_slab, sizeof(struct sim_run));
	slab_init(&e->more_slab, sizeof(struct sim_run_more));
	sim_build_info(e);
	if (!start_time_ok(e, diags) || !refuse_jsonata(m, e, diags)) {
		sim_free(e);
		return NULL;
	}
	rng_seed(&e->rng_root, e->opt.seed);
	rng_split(&e->rng_jitter, &e->rng_root, "retry-jitter");
	rng_split(&e->rng_flow, &e->rng_root, "intrinsics");
	rng_split(&e->rng_service, &e->rng_root, "services");
	rng_split(&e->rng_ids, &e->rng_root, "request-ids");
	init_identity(e);
	sim_services_init(e);

	json_t *extra = json_pack("{s:s}", "roleArn", e->role_arn);
	sim_emit(e, EV_ExecutionStarted, 0, NULL, -1, json_incref(e->input), extra);
	e->top = sim_run_new(e, NULL, 0, -1, 0);
	e->top->next = m->top->start;
	e->top->input = json_incref(e->input);
	sim_schedule(e, e->top, e->opt.step_ms, ACT_ENTER);
	/* The execution ends by then, so no event is later and every record's time fits with no
	 * check per event (EV_T_MAX; asl's check keeps TimeoutSeconds within 99,999,999 s). */
	int64_t timeout = YEAR_MS;
	if (m->timeout_seconds > EV_T_MAX / 1000)
		timeout = EV_T_MAX;
	else if (m->timeout_seconds > 0)
		timeout = m->timeout_seconds * 1000;
	simq_push(&e->q, timeout, ACT_EXEC_TIMEOUT, NULL, 0);
	return e;
}

void sim_free(struct sim_engine *e)
{
	if (!e)
		return;
	free_runs(e);
	slab_fini(&e->run_slab);
	slab_fini(&e->more_slab);
	simq_fini(&e->q);
	free(e->graveyard);
	json_decref(e->cold_extra);
	sim_children_free(e);
	for (size_t i = 0; i < e->state_count; i++) {
		json_decref(e->info[i].sched_extra);
		free(e->info[i].res_type);
		free(e->info[i].res_name);
		free(e->info[i].lit_key);
		free(e->info[i].dyn_key);
		flow_plan_free(e->info[i].plan);
	}
	free(e->map.keys);
	free(e->map.vals);
	free(e->info);
	free(e->all_states);
	free(e->stats_view);
	free(e->description);
	VEC_FREE(e->services);
	sim_service_fini(e);
	sim_logs_free(e);
	json_decref(e->input);
	json_decref(e->ctx_base);
	json_decref(e->output);
	free(e->error);
	free(e->cause);
	free(e->fail.error);
	free(e->fail.cause);
	free(e->child_fail.error);
	free(e->child_fail.cause);
	free(e->region);
	free(e->exec_name);
	free(e->sm_name);
	free(e->exec_arn);
	free(e->sm_arn);
	free(e->role_arn);
	free(e);
}

void sim_add_service(struct sim_engine *e, const struct sim_service *svc)
{
	VEC_PUSH(e->services, svc);
}

/* ---- the loop ---- */
static void timeout_execution(struct sim_engine *e)
{
	/* aws-facts b.5: running states are cut off; not catchable. Recorded on AWS (a Wait
	 * under TimeoutSeconds 3, floci-io/floci#2733): the history ends WaitStateEntered,
	 * ExecutionTimedOut with previousEventId 0 -- the open states get no ...Aborted event,
	 * as after StopExecution (corpus wait-stop-execution-aborted). limit_hit keeps them out
	 * of the execution's history as at the event limit (a child execution still records
	 * its own end). */
	struct sim_run *top = e->top;
	e->limit_hit = true;
	sim_run_abort(e, top, -1);
	e->limit_hit = false;
	sim_emit_error(e, EV_ExecutionTimedOut, 0, NULL, -1, "States.Timeout", NULL);
	finish(e, SIM_TIMED_OUT, "States.Timeout", NULL);
	sim_run_release(e, top);
}

void sim_abort(struct sim_engine *e, const char *error, const char *cause)
{
	if (e->finished)
		return;
	struct sim_run *top = e->top;
	/* ExecutionAborted after StopExecution points at 0 (aws-facts a.5) and follows the
	 * running Wait's WaitStateEntered directly (corpus wait-stop-execution-aborted): the
	 * open states get no ...Aborted events (see timeout_execution). */
	e->limit_hit = true;
	sim_run_abort(e, top, -1);
	e->limit_hit = false;
	sim_emit_error(e, EV_ExecutionAborted, 0, NULL, -1, error, cause);
	finish(e, SIM_ABORTED, error, cause);
	sim_run_release(e, top);
	bury(e);
}

static void dispatch(struct sim_engine *e, const struct simq_item *it)
{
	struct sim_run *run = it->target;
	if (!run) {
		if (it->act == ACT_EXEC_TIMEOUT)
			timeout_execution(e);
		return;
	}
	run->pending--;
	if (run->dead || it->gen != run->gen) {
		/* Not in the graveyard any more once it was buried with work pending. */
		if (run->dead && !run->pending && !in_graveyard(e, run))
			run_free(e, run);
		return;
	}
	if (run->in_child || e->cur) /* most work is the top execution's: no switch of logs */
		sim_use_child(e, sim_run_child(run));
	switch ((enum sim_act)it->act) {
	case ACT_ENTER:
		sim_enter(e, run);
		break;
	case ACT_EXIT:
		sim_exit(e, run);
		break;
	case ACT_TASK_SCHEDULE:
		sim_task_schedule(e, run);
		break;
	case ACT_TASK_START:
		sim_task_start(e, run);
		break;
	case ACT_TASK_DONE:
		sim_task_done(e, run);
		break;
	case ACT_BLOCK_START:
		sim_block_start(e, run);
		break;
	case ACT_CHILD_FAILED:
		sim_block_child_report(e, run);
		break;
	case ACT_EXEC_TIMEOUT:
		break;
	}
	if (e->cur)
		sim_use_child(e, NULL);
}

/* The end of a States.Runtime failure inside a block (sim_run_fail): the open states are cut
 * off without events (limit_hit is still set). */
static void fail_now(struct sim_engine *e)
{
	struct sim_run *top = e->top;
	sim_run_abort(e, top, -1);
	e->limit_hit = false;
	e->now += e->opt.step_ms; /* one step later, as a top-level failure */
	sim_emit_error(e, EV_ExecutionFailed, e->fail.last, NULL, -1, e->fail.error, e->fail.cause);
	finish(e, SIM_FAILED, e->fail.error, e->fail.cause);
	sim_run_release(e, top);
}

static RARE void child_fail_now(struct sim_engine *e)
{
	struct sim_run *it = e->cf_run;
	struct sim_end end = e->child_fail;
	e->cf_run = NULL;
	e->child_fail = (struct sim_end){0};
	if (!it->dead && it->inside) {
		sim_run_abort(e, it, -1);
		e->quiet_child = NULL;
		it->last = end.last;
		sim_block_child_failed(e, it, end.error, end.cause);
	}
	e->quiet_child = NULL;
	free(end.error);
	free(end.cause);
}

static void hit_limit(struct sim_engine *e)
{
	if (e->fail.error) {
		fail_now(e);
		return;
	}
	/* aws-facts e: the execution fails when the history reaches 25,000 events. The error
	 * name is not documented; States.Runtime with a clear cause (flagged in the report). */
	char *cause = xasprintf("The execution reached the maximum number of history events "
				"(%lld).",
				(long long)e->opt.history_event_limit);
	e->limit_hit = false;
	int64_t last = (int64_t)ev_log_count(e->log);
	struct sim_run *top = e->top;
	e->limit_hit = true; /* suppress abort events: the history is full */
	sim_run_abort(e, top, last);
	e->limit_hit = false;
	sim_emit_error(e, EV_ExecutionFailed, last, NULL, -1, "States.Runtime", cause);
	finish(e, SIM_FAILED, "States.Runtime", cause);
	sim_run_release(e, top);
	free(cause);
}

/* With 100,000 iterations in flight their runs (13 MB) are out of the caches, and a
 * dispatch's first touch of its run waited for memory: the run of the work SIMQ_AHEAD (4)
 * places on is asked for now, both lines (struct sim_run), so that it has arrived when its
 * turn comes. (100,000 items: user time about 5% less; two or eight places on did no better.) */
static void prefetch_run(const struct sim_run *r)
{
#if defined(__GNUC__)
	if (r) {
		__builtin_prefetch(r, 1);
		__builtin_prefetch((const char *)r + 64, 1);
	}
#else
	(void)r;
#endif
}

/* Inline, whole (gcc split it once its rare calls grew: 2.3M instructions more at 10,000
 * items): sim_run's loop then keeps its registers across dispatches (90,000 there). */
static inline ALWAYS bool process_one(struct sim_engine *e)
{
	struct simq_item it;
	if (e->finished || !simq_pop(&e->q, &it))
		return false;
	if (it.t > e->now)
		e->now = it.t;
	prefetch_run(it.soon);
	dispatch(e, &it);
	if (__builtin_expect(e->cf_run != NULL, 0))
		child_fail_now(e);
	if (e->limit_hit && !e->finished)
		hit_limit(e);
	if (!e->finished && !simq_len(&e->q))
		timeout_execution(e); /* nothing left to do: cannot happen with a sane graph */
	bury(e);
	return true;
}

bool sim_step(struct sim_engine *e)
{
	size_t before = ev_log_count(e->log);
	while (!e->finished && ev_log_count(e->log) == before)
		if (!process_one(e))
			break;
	return ev_log_count(e->log) != before;
}

void sim_advance_to(struct sim_engine *e, int64_t t_ms)
{
	for (;;) {
		struct simq_item it;
		if (e->finished || !simq_peek(&e->q, &it) || it.t > t_ms)
			break;
		process_one(e);
	}
	if (!e->finished && t_ms > e->now)
		e->now = t_ms;
}

void sim_run(struct sim_engine *e)
{
	while (process_one(e))
		;
}

bool sim_finished(const struct sim_engine *e)
{
	return e->finished;
}

int64_t sim_now(const struct sim_engine *e)
{
	return e->now;
}

int64_t sim_next_time(const struct sim_engine *e)
{
	struct simq_item it;
	return e->finished || !simq_peek(&e->q, &it) ? -1 : it.t;
}

enum sim_status sim_status(const struct sim_engine *e)
{
	return e->status;
}

json_t *sim_output(const struct sim_engine *e)
{
	return e->status == SIM_SUCCEEDED ? e->output : NULL;
}

const char *sim_error(const struct sim_engine *e)
{
	return e->error;
}

const char *sim_cause(const struct sim_engine *e)
{
	return e->cause;
}

void sim_get_stats(const struct sim_engine *e, struct sim_stats *out)
{
	struct sim_engine *me = (struct sim_engine *)e;
	free(me->stats_view);
	me->stats_view = xcalloc(e->state_count ? e->state_count : 1, sizeof(*me->stats_view));
	for (size_t i = 0; i < e->state_count; i++)
		me->stats_view[i] = e->info[i].stats;
	out->transitions = e->transitions;
	out->lambda_invocations = e->lambda_invocations;
	out->duration_ms = e->finished ? e->end_ms : e->now;
	out->states = me->stats_view;
	out->state_count = e->state_count;
}

/* ---- the playback seam ---- */
static bool producer_advance(void *self, int64_t t_ms)
{
	sim_advance_to(self, t_ms);
	return true;
}

static bool producer_step(void *self)
{
	return sim_step(self);
}

static bool producer_finished(const void *self)
{
	return sim_finished(self);
}

static const char *producer_describe(const void *self)
{
	return ((const struct sim_engine *)self)->description;
}

static const struct ev_producer_ops sim_producer_ops = {
    .advance_to = producer_advance,
    .step = producer_step,
    .finished = producer_finished,
    .describe = producer_describe,
};

void sim_producer_init(struct ev_producer *p, struct sim_engine *e, const char *description)
{
	free(e->description);
	e->description = description ? xstrdup(description)
				     : xasprintf("seed %llu", (unsigned long long)e->opt.seed);
	memset(p, 0, sizeof(*p));
	p->ops = &sim_producer_ops;
	p->self = e;
	p->log = e->log;
}
