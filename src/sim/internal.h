/*
 * sim internals: the work queue, runs (one path of execution through a graph: the top level,
 * a Map iteration or a Parallel branch), blocks (one activation of a Map or Parallel state
 * with its child runs), and the engine that owns them.
 *
 * Lifetimes: the engine owns every run and every run owns its block. A queued piece of work
 * names its run and the run's generation; aborting a run bumps the generation, so stale work
 * is skipped when popped. A finished run goes to the graveyard and is freed after the current
 * dispatch, once no queued work names it any more. So a run not freed yet is reached from
 * e->top through the blocks' running children while it lives, and from the queue or the
 * graveyard once dead: sim_free finds them all that way.
 *
 * Files: engine.c (lifecycle, loop, emission, run ends), context.c (per-state facts, `$$`),
 * states.c (enter/exit, Pass, Choice, Wait, Fail, Retry/Catch, Assign), task.c, block.c (Map
 * and Parallel), dmap.c (Distributed Map: item reading, batching, tolerance), child.c (its
 * child executions), spill.c (their ended histories), rwriter.c (ResultWriter), jtext.c
 * (JSON text as json_dumps writes it), service.c and scenario.c (models), command.c
 * (local handlers), mock.c, queue.c, retry.c, size.c, time.c.
 */
#ifndef STEPSCOPE_SIM_INTERNAL_H
#define STEPSCOPE_SIM_INTERNAL_H

#include "flow/flow.h"
#include "sim.h"

/* ---- queue ---- */
struct simq_item {
	int64_t t;
	void *target; /* struct sim_run *, or NULL for engine-level work */
	uint32_t gen;
	int act;
	/* simq_pop: the target of the item SIMQ_AHEAD places on when it is due at the same time,
	 * else NULL (the engine prefetches it) */
	void *soon;
};
#define SIMQ_AHEAD 4
/* An item as a bucket keeps it: its time is the bucket's, its sequence its place there. */
struct simq_entry {
	void *target;
	uint32_t gen;
	int32_t act;
};
/* The work due at one instant, in push order: items[head, len). */
struct simq_bucket {
	int64_t t;
	struct simq_entry *items;
	size_t head, len, cap;
};
struct simq {
	struct simq_bucket *buckets; /* live and recycled */
	size_t bucket_count, bucket_cap;
	size_t *free_list, free_len;	  /* recycled buckets */
	size_t *heap, heap_len, heap_cap; /* live buckets, a binary min-heap by time */
	size_t *slots, slot_cap; /* time -> live bucket (SIZE_MAX = empty), a power of two */
	size_t len;		 /* items queued */
	size_t last;		 /* the live bucket pushed to last, SIZE_MAX = none */
};
void simq_init(struct simq *q);
void simq_fini(struct simq *q);
/* simq_push's other cases: a new bucket, a full one. */
void simq_push_slow(struct simq *q, int64_t t, int act, void *target, uint32_t gen);
/* Queues work at time t, after everything queued at t before. Inline for the common case, one
 * more item at the time pushed to last (a Map's iterations all step at the same instants):
 * 10,000 items, 90,000 pushes. */
static inline void simq_push(struct simq *q, int64_t t, int act, void *target, uint32_t gen)
{
	if (q->last != SIZE_MAX) {
		struct simq_bucket *k = &q->buckets[q->last];
		if (k->t == t && k->len < k->cap) {
			k->items[k->len++] =
			    (struct simq_entry){.target = target, .gen = gen, .act = act};
			q->len++;
			return;
		}
	}
	simq_push_slow(q, t, act, target, gen);
}
/* The earliest item in *out; false when the queue is empty. */
bool simq_peek(const struct simq *q, struct simq_item *out);
/* Drops bucket b, just emptied by simq_pop (out of line: rare next to the pops it ends). */
void simq_drop(struct simq *q, size_t b);
/* Takes the earliest item into *out; false when the queue is empty. Inline: the engine pops
 * once per dispatch (10,000 items: 90,000 pops; 70.11M -> 67.05M instructions in all). */
static inline bool simq_pop(struct simq *q, struct simq_item *out)
{
	if (!q->len)
		return false;
	size_t b = q->heap[0];
	struct simq_bucket *k = &q->buckets[b];
	const struct simq_entry *x = &k->items[k->head++];
	*out = (struct simq_item){.t = k->t, .target = x->target, .gen = x->gen, .act = x->act};
	out->soon =
	    k->head + SIMQ_AHEAD - 1 < k->len ? k->items[k->head + SIMQ_AHEAD - 1].target : NULL;
	q->len--;
	if (k->head == k->len)
		simq_drop(q, b);
	return true;
}
static inline size_t simq_len(const struct simq *q)
{
	return q->len;
}

/* ---- work kinds ---- */
enum sim_act {
	ACT_ENTER,	   /* enter run->next with run->input */
	ACT_EXIT,	   /* emit the Exited event with run->output, then move on */
	ACT_TASK_SCHEDULE, /* (re)schedule the task: *Scheduled */
	ACT_TASK_START,	   /* *Started, ask the service model */
	ACT_TASK_DONE,	   /* *Succeeded / *Failed / *TimedOut */
	ACT_BLOCK_START,   /* Map/Parallel (re)start: *StateStarted and the children */
	ACT_EXEC_TIMEOUT,  /* engine: the state machine's TimeoutSeconds */
	ACT_CHILD_FAILED, /* report the child run's failure (run->error, run->cause) to its block */
};

/* How a task's resource shows in history. */
enum task_kind { TASK_SERVICE, TASK_LAMBDA_LEGACY, TASK_ACTIVITY };

/* Per-state facts and counters, indexed through a pointer map. */
struct sim_state_info {
	struct sim_state_stats stats;
	ev_str_t name;	     /* interned state name */
	bool uses_context;   /* the state's JSON mentions `$$` */
	int64_t invocations; /* task invocations so far (mock numbering) */
	json_t *sched_extra; /* shared *Scheduled details (region, timeouts); owned */
	/* The detail sets of its Task events with those details, interned in the main log (0:
	 * not yet): *Scheduled with sched_extra; *Started with the engine's cold_extra when
	 * that is cold_for (borrowed: the main log holds a reference to every value it interned,
	 * so the pointer cannot name another value). Cached so the usual event does not hash. */
	uint32_t sched_detail, cold_detail;
	const json_t *cold_for;
	/* Read once from the definition (context.c) rather than on every visit. identity_pass:
	 * a Pass without InputPath, Parameters, Result, ResultPath or OutputPath; plain_output:
	 * no ResultSelector, ResultPath, OutputPath or Assign; fixed_timeouts: no
	 * TimeoutSecondsPath or HeartbeatSecondsPath, so timeout_ms and heartbeat_ms (0 = none)
	 * hold TimeoutSeconds and HeartbeatSeconds, and no Credentials RoleArn.$ (the *Scheduled
	 * details are the same on every visit). */
	bool identity_pass, plain_output, fixed_timeouts;
	/* dead_result: a Task whose result nobody reads after the history: its output is its
	 * result (plain_output), it ends its branch, and that branch is an INLINE Map's
	 * iteration whose Map discards its results (ResultPath null, no ResultSelector, no
	 * Assign). Its lambda:invoke envelope may be kept as a recipe only (task.c, service.c). */
	bool dead_result;
	/* discards_results: an INLINE Map whose results nobody reads (ResultPath null, no
	 * ResultSelector, no Assign): block.c keeps only their sizes, for the result size check. */
	bool discards_results;
	/* params_recipe: a Task whose InputPath and Parameters read only the state input (no
	 * context, variable or intrinsic): TaskScheduled keeps them as a recipe (task.c). */
	bool params_recipe;
	int64_t timeout_ms, heartbeat_ms;
	/* Fields read on every visit, looked up once (borrowed from the state's JSON, NULL when
	 * absent): Assign, InputPath, OutputPath, and a Map's ItemSelector (else its legacy
	 * Parameters). */
	json_t *assign, *input_path, *output_path, *item_selector;
	json_t *wait_seconds;	/* a Wait's Seconds (borrowed), NULL when absent */
	struct flow_plan *plan; /* the state's InputPath and Parameters, prepared (owned) */
	/* sim_call_field's last literal field of the pure template (a scalar without a `.$`
	 * form): its name (owned) and value (borrowed from the state's Parameters); and the
	 * last field found not to be one (owned), not looked for again. */
	char *lit_key, *dyn_key;
	json_t *lit_val;
	/* The service model the resource matched, while the engine had `services_len` models
	 * (a registration changes the answer); NULL = not looked up yet. */
	const struct sim_service *service;
	size_t services_len;
	/* Task: how the resource shows in history, worked out on the first visit (task.c) */
	bool classified;
	enum task_kind kind;
	bool callback; /* .waitForTaskToken / .sync / activity */
	bool lambda;   /* a Lambda call: legacy ARN or lambda:* (the durations, the count) */
	char *res_type, *res_name; /* owned */
	/* The struct ev_detail of its events, interned in the execution's (main) log: every
	 * event's (resourceType, resource) for a service Task, the Scheduled event's (resource)
	 * for others (task.c: task_detail). */
	uint32_t res_detail;
};

struct sim_block;

/* A Distributed Map child execution (child.c). */
struct sim_child {
	struct sim_child_info info;
	struct ev_log *log; /* owned */
	char *arn, *map_run_arn;
	const char *name;  /* the end of arn */
	bool owns_run_arn; /* else map_run_arn is the previous child's */
	json_t *ctx_exec;  /* `$$.Execution` inside the child (owned, NULL until read) */
	json_t *input;	   /* its input, for the ResultWriter (owned) */
	uint64_t spill_at; /* once ended: its history's record in e->spill */
	size_t spill_len;
};

/*
 * A dead lambda:invoke result as a recipe (service.c): the envelope around a null Payload
 * differs between calls only in its Date and request id, so the log keeps those 24 bytes
 * and makes the envelope when someone reads it (ev_log_append_made).
 */
struct sim_envelope {
	int64_t date_ms;       /* epoch ms of the Date header (whole seconds are shown) */
	unsigned char rid[16]; /* the request id, a sim_uuid, as its 16 bytes */
};

/*
 * What a run needs only now and then: variables, Retry counts, a Map or Parallel's block, a
 * Task's timeouts read from its input, the child execution a Distributed Map's iteration runs.
 * Kept apart (sim_more makes it on first need, run_free frees it) so that struct sim_run stays
 * two cache lines: the 100,000 iterations of `make bench` need none of it.
 */
struct sim_run_more {
	json_t *vars;		 /* workflow variables in scope (owned, NULL = none) */
	json_t *assigned;	 /* Assign of the current state, applied when it exits (owned) */
	uint32_t *retry_counts;	 /* per retrier, this visit's (<= MaxAttempts <= 99,999,999) */
	uint32_t retry_cap;	 /* retry_counts' length */
	struct sim_block *block; /* Map / Parallel: the last activation's (owned) */
	/* A Task whose timeouts come from its input (*Path; else sim_state_info's): 0 = none */
	int64_t timeout_ms, heartbeat_ms;
	/* A Distributed Map's iteration: the child execution it runs (its log). Runs inside it
	 * find it through their parents (sim_run_child). */
	struct sim_child *child;
};

/*
 * One path of execution. All iterations of a large inline Map are alive at once (100,000 in
 * `make bench`), so every byte here counts: ids, indexes and sizes are stored in 32 bits, most
 * flags are bits, what the state info knows is read there (sim_info), what few runs need is in
 * struct sim_run_more, and fields whose lives never overlap share storage (each place says
 * why).
 */
struct sim_run {
	/* What a dispatch reads first (engine.c, states.c), together in the first cache line:
	 * with 100,000 live iterations each dispatch's first touch of its run misses the cache,
	 * so one line should serve the rest. */
	uint32_t pending; /* queued work naming this run */
	uint32_t gen;
	int32_t item;	/* innermost Map iteration index, -1 outside */
	uint32_t index; /* iteration / branch index in parent (begin_map refuses 2^31 items) */
	/* Event ids (int64_t in the functions' signatures): a log never holds 2^31 events,
	 * whose records alone would take over 128 GB. */
	int32_t last;	    /* last event of this run's causal chain */
	int32_t entered_id; /* the current state's Entered event */
	/* The flags: those every state visit reads or writes as bytes (a bit-field's write is a
	 * read-modify-write), the others as bits. */
	bool dead;   /* finished or aborted; freed when pending reaches 0 */
	bool inside; /* Entered emitted, state not left yet */
	/* A dead result: the Exited payload is the envelope made from `recipe`, as the Task's
	 * Succeeded event's (exit_made); output is then a shared null whose out_bytes is the
	 * envelope text's length (out_dead). */
	bool exit_made, out_dead;
	/* The compact JSON sizes (flow_json_size) of input and output, remembered so that the
	 * payload limit check does not measure them again: in_bytes is input's when in_known,
	 * out_bytes output's when out_known (after ACT_EXIT: the output it handed on). Each
	 * change of input or output sets its flag, never for NULL; sizes from 2^32 on are not
	 * kept. */
	bool in_known, out_known;
	/* The running attempt ends in its timeout; heartbeat_expired: its heartbeat's (read by
	 * Retry and Catch after the attempt). */
	bool timed_out;
	bool exit_caught : 1; /* Exited after a Catch: no *StateSucceeded */
	bool retry_live : 1;  /* more->retry_counts hold this visit's counts (else all are 0) */
	bool result_made : 1; /* the result is the envelope made from `recipe` (no result) */
	bool heartbeat_expired : 1;
	bool failed_in_task : 1;       /* the run failed because a task failed, uncaught */
	bool has_recipe : 1;	       /* the answer union below holds `recipe`, not pointers */
	bool in_child : 1;	       /* it runs in a child execution (sim_run_child) */
	const struct asl_state *state; /* the current state */
	/* The state ACT_ENTER enters; from sim_enter to ACT_EXIT (sim_leave sets it) the one
	 * ACT_EXIT moves on to, NULL = the end of the run. */
	const struct asl_state *next;
	struct sim_block *parent;  /* NULL for the top-level run; it lists the run in kids */
	struct sim_run_more *more; /* owned, NULL until needed (sim_more) */

	json_t *input;	/* raw input of the current/next state (owned) */
	json_t *output; /* output waiting for ACT_EXIT (owned) */
	uint32_t in_bytes, out_bytes;

	/* Task */
	json_t *params; /* effective input of the task (owned) */
	/* The running attempt's answer (task.c, from ACT_TASK_START on): its result, or its
	 * error and cause (all owned); or, when has_recipe (a dead result: result_made, then
	 * exit_made), the recipe of its lambda:invoke envelope instead. A failed Map iteration or
	 * Parallel branch keeps the failure it reports (ACT_CHILD_FAILED) in error and cause. */
	union {
		struct {
			json_t *result;	     /* raw result on success */
			char *error, *cause; /* on failure (cause may be NULL) */
		};
		struct sim_envelope recipe;
	};
	uint32_t result_size; /* flow_json_size(result) when the model knew it, else 0 */
};
/* Why a bound: every byte is paid 100,000 times over in `make bench` (336 bytes were 34 MB,
 * each MB first touched costs the kernel ~0.3 ms; 192 were 19 MB); 128 is two cache lines. A new
 * field should find room in the padding (4 bytes, 1 spare flag bit), share storage, or go to
 * struct sim_run_more. */
_Static_assert(sizeof(struct sim_run) <= 128, "struct sim_run grew: see its comment");

/* The Map or Parallel block of run's last activation, NULL = none. */
static inline struct sim_block *sim_run_block(const struct sim_run *run)
{
	return run->more ? run->more->block : NULL;
}

/* Its variables in scope (borrowed), NULL = none. */
static inline json_t *sim_run_vars(const struct sim_run *run)
{
	return run->more ? run->more->vars : NULL;
}

struct sim_block {
	struct sim_run *owner;
	const struct asl_state *state;
	bool is_map;
	bool distributed, batched, from_reader;
	bool discard; /* the state discards its results (discards_results): only sizes are kept */
	char *reader_error;	    /* ItemReader failure, reported when the Map Run starts */
	size_t failed;		    /* Distributed: children failed within the tolerance */
	json_t *tol_count, *tol_pct; /* Distributed: the tolerance, chosen at start (owned) */
	char *run_arn;		    /* Distributed: the Map Run */
	struct sim_rwriter *writer; /* Distributed with ResultWriter (owned) */
	char *child_arn_prefix;	    /* Distributed: its children's ARNs but the index */
	char *child_sm_name;	    /* Distributed: "<machine>/<label>" of its children */
	int64_t run_started_id;
	json_t *eff_input; /* Map: after InputPath (ItemSelector's `$`); Parallel: branch input */
	json_t *items;	   /* Map: the items array */
	json_t *results;   /* array of outputs in index order (owned) */
	size_t sized, sized_bytes; /* children whose output size was known, and their sum */
	size_t dead, dead_bytes;   /* children whose output is a dead null, and their true sizes */
	size_t count, next_start, running, done;
	size_t limit; /* concurrent children; 0 = unlimited */
	/* The running children by index (count entries; NULL: not started, or ended), so that a
	 * run needs no list links: they start in index order, and every child below `first` has
	 * ended (sim_block_head). */
	struct sim_run **kids;
	size_t first;
	int64_t started_id; /* *StateStarted */
	int64_t last_done;  /* Map: last MapIterationSucceeded; Parallel: last inner */
};

/* The child execution run works in (its log), NULL = the execution itself: the one its
 * nearest Distributed Map iteration runs. Inline: asked on every dispatch. */
static inline struct sim_child *sim_run_child(const struct sim_run *run)
{
	if (!run->in_child)
		return NULL;
	while (!run->parent->distributed)
		run = run->parent->owner;
	return run->more->child;
}

struct ptrmap {
	const void **keys;
	size_t *vals;
	size_t size; /* power of two */
};

/* A failure kept until its dispatch is over: error NULL = none. */
struct sim_end {
	char *error, *cause; /* owned */
	int64_t last;	     /* the event ExecutionFailed points at */
};

struct sim_engine {
	const struct asl_machine *machine;
	struct ev_log *log;
	struct sim_options opt;
	char *region, *exec_name, *sm_name, *exec_arn, *sm_arn, *role_arn;
	json_t *input;
	json_t *ctx_base; /* {"Execution": ..., "StateMachine": ...} */
	struct rng rng_root, rng_jitter, rng_flow, rng_service, rng_ids;

	struct simq q;
	int64_t now;
	size_t run_count;      /* runs not freed yet (sim_free checks that it frees them all) */
	struct slab run_slab;  /* where runs live: 100,000 iterations may be in flight at once */
	struct slab more_slab; /* their struct sim_run_more (sim_more) */
	/* Children of the blocks begun since the last block start: their runs' memory is asked
	 * for at once when the first of those blocks starts (sim_block_start). */
	size_t runs_expected;
	struct sim_run *top; /* NULL once freed */
	/* Released runs, freed after the current dispatch (an array: a run has no link field) */
	struct sim_run **graveyard;
	size_t graveyard_len, graveyard_cap;

	struct ptrmap map;
	struct sim_state_info *info;
	/* sim_info's last answer: one dispatch asks about the same state several times. And the
	 * one before (sim_info_find): a Map iteration's end asks about its Task, then the Map. */
	const struct asl_state *info_last_state, *info_prev_state;
	struct sim_state_info *info_last, *info_prev;
	const struct asl_state **all_states;
	size_t state_count;

	VEC(const struct sim_service *) services;
	struct sim_service builtin[6]; /* generic, Lambda legacy and optimized, SNS, SQS, events */
	struct envelope_consts *envelope;

	enum sim_status status;
	bool finished;
	struct ev_log *main_log;	  /* the execution's own log (borrowed) */
	int64_t first_map_run_id;	  /* its first MapRunStarted; 0 = none yet */
	struct sim_child *cur;		  /* whose log e->log is: NULL = main_log */
	int64_t t0;			  /* virtual start of e->log's execution */
	VEC(struct sim_child *) children; /* owned, in start order */
	struct sim_spill *spill;	  /* ended children's histories (spill.c), owned */
	json_t *child_started_extra;	  /* children's ExecutionStarted details, owned */
	/* The last cold start's TaskStarted details and their init duration: calls of one
	 * function start cold with the same duration, so their events share one value. */
	json_t *cold_extra; /* owned, NULL = none yet */
	double cold_extra_ms;
	bool limit_hit;
	/* A States.Runtime error inside a block, to end the execution with (sim_run_fail) */
	struct sim_end fail;
	/* The same inside a Distributed Map child: that child ends at once (process_one) */
	struct sim_run *cf_run; /* borrowed: the child's iteration run */
	struct sim_end child_fail;
	struct sim_child *quiet_child; /* borrowed: its log takes no events but its end */
	json_t *output;
	char *error, *cause;
	int64_t transitions, lambda_invocations, end_ms;
	struct sim_state_stats *stats_view;
	char *description;	  /* for the playback seam */
	struct sim_logbook *logs; /* CloudWatch lines (logs.c); owned, NULL before the first */
	int32_t invoking_item;	  /* Map iteration of the task a model is invoking */
	/* The task being invoked has a dead result: a lambda:invoke model may answer with the
	 * envelope's recipe (made_env) and say so in `made`, leaving the result NULL. */
	bool want_made, made;
	struct sim_envelope made_env;
};

/* context.c */
/* Builds e->info for every state of the machine. */
void sim_build_info(struct sim_engine *e);
struct sim_state_info *sim_info_find(struct sim_engine *e, const struct asl_state *st);
/* Inline for its common answer, the last one (about ten asks per Map iteration). */
static inline struct sim_state_info *sim_info(struct sim_engine *e, const struct asl_state *st)
{
	return st == e->info_last_state && st ? e->info_last : sim_info_find(e, st);
}

/* engine.c */
/* Appends an event; takes payload and extra (NULL: none; see sim_ev_set_extra). Returns its id
 * (0 when dropped at the limit). */
int64_t sim_emit(struct sim_engine *e, enum ev_type type, int64_t prev, const struct asl_state *st,
		 int32_t item, json_t *payload, json_t *extra);
/* A prepared record (state name and time are filled in); takes its payload. */
int64_t sim_emit_ev(struct sim_engine *e, struct ev *ev, const struct asl_state *st);
/* As sim_emit_ev, with the payload the invoke envelope made from r (borrowed: the log copies
 * its bytes; ev_log_append_made). */
int64_t sim_emit_made(struct sim_engine *e, struct ev *ev, const struct asl_state *st,
		      const struct sim_envelope *r);
/* The same, when record `like` (an id of the current log, 0 = none) may have been made from an
 * equal envelope: the log then keeps one copy (ev_log_append_made_like). */
int64_t sim_emit_made_like(struct sim_engine *e, struct ev *ev, const struct asl_state *st,
			   const struct sim_envelope *r, int64_t like);
/* As sim_emit_ev, with the payload made by maker (borrowed, static) from recipe (copied; the
 * log takes the references it holds, released even when the event is dropped at the limit).
 * Only for the execution's own log (not a child's: spill.c stores payloads as values). */
/* task.c: whether a Task's InputPath and Parameters read only the state input (its
 * TaskScheduled parameters can be made again from the state and the input alone). */
bool sim_params_pure(const struct asl_state *st);
int64_t sim_emit_recipe(struct sim_engine *e, struct ev *ev, const struct asl_state *st,
			const struct ev_maker *maker, const void *recipe);
/* The same with error/cause (copied into the log). */
int64_t sim_emit_error(struct sim_engine *e, enum ev_type type, int64_t prev,
		       const struct asl_state *st, int32_t item, const char *error,
		       const char *cause);
/* Sets ev's error and cause (borrowed, copied into e's current log; NULL for none), keeping
 * its other detail fields. */
void sim_ev_set_error(struct sim_engine *e, struct ev *ev, const char *error, const char *cause);
/* Sets ev's extra details (taken: the log keeps its own reference; NULL for none), keeping its
 * other detail fields. The detail set is told apart by the pointer (event.h): a value shared
 * by many events interns to one set, but a hot path caches the id instead of asking. */
void sim_ev_set_extra(struct sim_engine *e, struct ev *ev, json_t *extra);
/* Queues act for run, delay ms from now (inline: about ten per Map iteration). */
static inline void sim_schedule(struct sim_engine *e, struct sim_run *run, int64_t delay,
				enum sim_act act)
{
	run->pending++;
	simq_push(&e->q, e->now + (delay > 0 ? delay : 0), act, run, run->gen);
}
struct sim_run *sim_run_new(struct sim_engine *e, struct sim_block *parent, size_t index,
			    int32_t item, int64_t prev);
/* run's rarely needed fields (borrowed: run's), made on first need: from a slab, as a
 * Distributed Map's every child needs them (10,000 children: 5.0M instructions of malloc and
 * free with calloc). */
struct sim_run_more *sim_more(struct sim_engine *e, struct sim_run *run);
/* Marks a run finished; it is freed once nothing queued names it. */
void sim_run_release(struct sim_engine *e, struct sim_run *run);
/* The run reached the end of its graph / failed: report to the parent or end the execution. */
void sim_run_succeed(struct sim_engine *e, struct sim_run *run, json_t *output);
void sim_run_fail(struct sim_engine *e, struct sim_run *run, const char *error, const char *cause);
/* context.c: the context object for a state visit, or NULL when the state does not use
 * `$$`. */
json_t *sim_context(struct sim_engine *e, struct sim_run *run, const struct asl_state *st,
		    json_t *map_item, int64_t map_index);
/* "An error occurred while executing the state 'X' (entered at the event id #N). why" */
char *sim_runtime_cause(struct sim_run *run, const char *why);
/* The flow/ environment of a run's state (run may be NULL: no variables). */
void sim_flow_env(struct sim_engine *e, const struct sim_run *run, json_t *context,
		  struct flow_env *env);
/* The effective input of run's current state (flow_state_input through the state's plan),
 * its size in *size when size is not NULL; env (from sim_flow_env) learns the input's size
 * when the run knows it. */
json_t *sim_state_input(struct sim_engine *e, struct sim_run *run, struct flow_env *env,
			size_t *size, struct flow_error *err);
/* The current state's effective input (InputPath, Parameters) made again with a fresh
 * context object, so that $$.State.RetryCount names this attempt (new reference); NULL after
 * failing the run (sim_flow_failed). */
json_t *sim_state_input_again(struct sim_engine *e, struct sim_run *run);
/* Whether sim_state_input would succeed (else err), without making the value. */
bool sim_state_check(struct sim_engine *e, struct sim_run *run, struct flow_env *env,
		     struct flow_error *err);

/* states.c */
/* True when the state sets none of `fields`: that part of its data flow is the identity,
 * and flow/ (which serializes to check sizes) can be skipped. */
bool sim_plain(const struct asl_state *st, const char *const *fields, size_t n);
/* A flow/ error of the current state (err is finished): States.Runtime gets AWS's cause. */
void sim_flow_failed(struct sim_engine *e, struct sim_run *run, struct flow_error *err);
/* A States.DataLimitExceeded cause from flow/ (borrowed) with run's state named in it, as AWS
 * words it; owned by the caller. */
char *sim_data_limit_cause(const struct sim_run *run, const char *cause);
void sim_enter(struct sim_engine *e, struct sim_run *run);
void sim_exit(struct sim_engine *e, struct sim_run *run);
/* A Map's States.Runtime from a value it reads before it starts its iterations (a bad
 * MaxConcurrencyPath or Tolerated...Path value; why borrowed): ExecutionFailed follows alone,
 * with no MapStateFailed (recorded on AWS: localstack test_base_scenarios snapshot,
 * test_max_concurrency_path[NoNumber], test_map_state_tolerated_failure_count_path[...]).
 * Other States.Runtime failures of a Map or Parallel keep their *StateFailed (not recorded). */
void sim_fail_before_start(struct sim_engine *e, struct sim_run *run, const char *why);
/* A Map's or Parallel's own result processing (ResultSelector, ResultPath, OutputPath,
 * Assign) failing with States.Runtime once every branch or iteration succeeded: its
 * *StateSucceeded, then ExecutionFailed, no *StateFailed (read off AWS: floci-io/floci
 * AslExecutorBranchHistoryEventsTest, issue 2868). Other errors go to sim_flow_failed. */
void sim_block_output_failed(struct sim_engine *e, struct sim_run *run, struct flow_error *err);
/* An error raised by the current state: Retry, then Catch, else the run fails. */
void sim_handle_error(struct sim_engine *e, struct sim_run *run, const char *error,
		      const char *cause);
/* Evaluates the current state's Assign against `value` (borrowed; JSONPath: the state's
 * result after ResultSelector, or its effective input); applied when the state exits. False
 * after failing the run. */
bool sim_assign(struct sim_engine *e, struct sim_run *run, json_t *value);
/* sim_assign that leaves the failing to the caller: false with *err filled. */
bool sim_assign_try(struct sim_engine *e, struct sim_run *run, json_t *value,
		    struct flow_error *err);
/* Leaves the state with `output` (taken) toward `next` (NULL = end) after one step. Its size
 * is known when it is the input itself; sim_leave_sized says it otherwise. */
void sim_leave(struct sim_engine *e, struct sim_run *run, json_t *output,
	       const struct asl_state *next);
void sim_leave_sized(struct sim_engine *e, struct sim_run *run, json_t *output, size_t size,
		     const struct asl_state *next);

/* task.c */
/* params: the built parameters (taken), or NULL when they are made at the call. */
void sim_task_begin(struct sim_engine *e, struct sim_run *run, json_t *params);
void sim_task_schedule(struct sim_engine *e, struct sim_run *run);
void sim_task_start(struct sim_engine *e, struct sim_run *run);
void sim_task_done(struct sim_engine *e, struct sim_run *run);
void sim_task_clear(struct sim_run *run);
void sim_services_init(struct sim_engine *e);
/* service.c: the lambda:invoke envelope around payload (taken), its Date at the end of the
 * call, the request id `rid_bytes` (16 bytes, borrowed; NULL = a new sim_uuid from call->rng),
 * and its flow_json_size in *size. A new reference. When e->want_made and the payload is
 * null, it may return NULL instead, with the envelope's recipe in e->made_env and e->made set
 * (task.c); the payload is then the json_null() singleton, which needs no release. */
json_t *sim_invoke_envelope(struct sim_engine *e, const struct sim_call *call, json_t *payload,
			    int64_t duration_ms, const unsigned char *rid_bytes, size_t *size);
/* Writes the JSON text of the envelope around a null Payload for the recipe (a struct
 * sim_envelope, borrowed, maybe unaligned): what the log's made payloads come from. */
extern const struct ev_maker sim_envelope_maker;
void sim_service_fini(struct sim_engine *e);

/* block.c */
void sim_block_begin(struct sim_engine *e, struct sim_run *run);
void sim_block_start(struct sim_engine *e, struct sim_run *run);
void sim_block_child_done(struct sim_engine *e, struct sim_run *child, json_t *output);
void sim_block_child_failed(struct sim_engine *e, struct sim_run *child, const char *error,
			    const char *cause);
/* Reports child's failure (error and cause borrowed) to its block: at once for a Distributed
 * Map's child, else as ACT_CHILD_FAILED at the same instant, which sim_block_child_report does
 * unless a sibling's failure aborted the child first. */
void sim_block_child_defer(struct sim_engine *e, struct sim_run *child, const char *error,
			   const char *cause);
void sim_block_child_report(struct sim_engine *e, struct sim_run *child);
void sim_block_free(struct sim_engine *e, struct sim_block *b);
/* b's first running child in index order, NULL = none (b may be NULL). */
struct sim_run *sim_block_head(struct sim_block *b);
/* Aborts whatever the run is doing: *StateAborted events, children first. */
void sim_run_abort(struct sim_engine *e, struct sim_run *run, int64_t prev);

/* command.c: runs a local handler (argv borrowed, NULL-terminated) in dir with event on its
 * stdin. True with *result (owned); false with *error and *why (owned). Either way *log is
 * what it wrote on stderr (owned, NULL when it could not be captured). */
bool sim_run_command(char *const *argv, const char *dir, json_t *event, int64_t timeout_ms,
		     json_t **result, char **error, char **why, char **log);

/* dmap.c */
/* s3list.c: ItemReader s3:listObjectsV2 over the folder `bucket` (borrowed), keys under
 * `prefix` (borrowed, NULL for all), the first `max` of them (0 for all): a new array of
 * listed-object items, or NULL with *why. */
json_t *sim_dmap_list_objects(const char *bucket, const char *prefix, int64_t max, char **why);
/* The ItemReader's items (a new array) or NULL with *why; its Parameters, MaxItemsPath see env
 * (borrowed: the Map's $$ and variables). */
json_t *sim_dmap_read_items(struct sim_engine *e, json_t *reader, json_t *eff,
			    const struct flow_env *env, char **why);
/* ItemBatcher's batches of items (borrowed): a new array, or NULL with *err filled (a
 * BatchInput path that fails; States.ItemReaderFailed for a bad ...PerBatchPath value). */
json_t *sim_dmap_batches(json_t *items, json_t *batcher, json_t *eff, const struct flow_env *env,
			 struct flow_error *err);
/* Whether `failed` of `total` children stay within the tolerance (count, pct: the values
 * sim_dmap_tolerance chose, borrowed, NULL = none; neither = no failure tolerated). */
bool sim_dmap_tolerated(json_t *count, json_t *pct, size_t failed, size_t total);
/* The Map's ToleratedFailureCount / Percentage, from their *Path in eff (with env: the
 * context object, variables) when given: NULL and *count, *pct (owned, NULL = none), or
 * what is wrong with a *Path value (AWS's wording, owned by the caller; *count, *pct NULL). */
char *sim_dmap_tolerance(const struct asl_state *st, json_t *eff, const struct flow_env *env,
			 json_t **count, json_t **pct);
char *sim_dmap_run_arn(struct sim_engine *e, const struct asl_state *st);
/* A Map *Path value read as a whole number (v borrowed): a JSON integer, or a string of
 * one as Java's Integer.parseInt reads it ("1", "-2"); false for anything else. AWS takes
 * the string "1" in MaxConcurrencyPath, MaxItemsPath and ToleratedFailureCountPath
 * (localstack test_assign_reference_variables snapshot, test_reference_in_map_state[...],
 * 2024-11-18). */
bool sim_path_integer(json_t *v, int64_t *out);
/* The same for a number (ToleratedFailurePercentagePath): a JSON number or a decimal
 * string ("1", "1.5"). */
bool sim_path_number(json_t *v, double *out);

/* rwriter.c: a Map Run's ResultWriter, records streamed as children end. */
struct sim_rwriter;
/* For the Map Run run_arn (copied) of `count` children; writer (the ResultWriter field) and
 * eff (the Map's effective input) are borrowed, references kept. Failures are reported by
 * sim_rwriter_finish. */
struct sim_rwriter *sim_rwriter_new(struct sim_engine *e, json_t *writer, json_t *eff,
				    const char *run_arn, size_t count);
/* Child `index` (execution ARN `arn`) ended: its input, and its output or (failed) error and
 * cause; all borrowed. */
void sim_rwriter_add(struct sim_rwriter *w, size_t index, const char *arn, json_t *input,
		     json_t *output, bool failed, const char *error, const char *cause);
/* Completes the files and frees w: the Map's new result ({MapRunArn, ResultWriterDetails}, or
 * without Resource the WriterConfig items), or NULL with *why (owned). */
json_t *sim_rwriter_finish(struct sim_rwriter *w, char **why);
/* Discards w and whatever it wrote (a failed Map Run); NULL is a no-op. */
void sim_rwriter_free(struct sim_rwriter *w);

/* child.c */
/* Makes e->log the log of c (NULL = the execution's own): events go there from now on. */
void sim_use_child(struct sim_engine *e, struct sim_child *c);
/* A new child execution of block b for item `index` with `input` (borrowed): registered and
 * ExecutionStarted appended to its log. e->log is left as it was. */
struct sim_child *sim_child_start(struct sim_engine *e, struct sim_block *b, size_t index,
				  json_t *input);
/* Appends the child's closing event (pointing at `last`): ExecutionSucceeded with output
 * (borrowed), or ExecutionFailed / ExecutionAborted with error and cause. e->log is kept. */
void sim_child_end(struct sim_engine *e, struct sim_child *c, enum sim_status status, int64_t last,
		   json_t *output, const char *error, const char *cause);
/* `$$.Execution` inside child c (borrowed), built on first use. */
json_t *sim_child_exec_context(struct sim_engine *e, struct sim_child *c);
/* Aborts a running child run of a Distributed Map: its open states, then ExecutionAborted. */
void sim_child_abort(struct sim_engine *e, struct sim_run *run);
void sim_children_free(struct sim_engine *e);

/* jtext.c: compact JSON text exactly as json_dumps(JSON_COMPACT | JSON_ENCODE_ANY) writes it
 * (v borrowed; NULL is null), appended to sb; `quoted`: escaped as the contents of a JSON
 * string. */
void sim_json_append(struct strbuf *sb, const json_t *v, bool quoted);
/* s[0..n) escaped as inside a JSON string, as jansson escapes it. */
void sim_json_escape(struct strbuf *sb, const char *s, size_t n);

/* spill.c: ended children's histories as compact records in a temporary file. */
struct sim_spill;
struct sim_spill *sim_spill_new(void);
void sim_spill_free(struct sim_spill *s);
/* Stores log's record (log borrowed): its position, and its length in *len. */
uint64_t sim_spill_put(struct sim_spill *s, const struct ev_log *log, size_t *len);
/* The log stored at `at` rebuilt, owned by the caller; NULL when it cannot be read back. */
struct ev_log *sim_spill_get(const struct sim_spill *s, uint64_t at, size_t len);
/* The JSON text of v (borrowed; a reference is kept until the next call): a child's output,
 * which its ResultWriter record and its stored history both hold, serialized once. */
const struct strbuf *sim_json_text(struct sim_spill *s, json_t *v);
/* A copy of log (borrowed) through the same encoding, owned by the caller. */
struct ev_log *sim_log_copy(const struct ev_log *log);

/* logs.c */
/* One Lambda invocation's log lines (all borrowed). */
struct sim_lambda_log {
	const char *function;	/* name or ARN */
	const char *stream;	/* sim_log_stream_name of its instance */
	const char *request_id; /* as in the invoke envelope */
	int64_t start_ms;	/* TaskStarted */
	int64_t total_ms;	/* init + run, as the task sees it */
	double init_ms;		/* > 0: a cold start */
	double run_ms;		/* the handler's run time (REPORT Duration) */
	int64_t memory_mb;
	const char *output;	/* the handler's lines (may be NULL) */
	const char *error_line; /* "[ERROR] ..." lines at the end (may be NULL) */
	bool timed_out;
};
void sim_lambda_logs(struct sim_engine *e, const struct sim_lambda_log *l);
/* A new stream name (owned) for an instance started at t_ms; draws from r. */
char *sim_log_stream_name(struct sim_engine *e, int64_t t_ms, struct rng *r);
/* Python's repr() of v (borrowed), as print(event) writes it. */
void sim_py_repr(struct strbuf *sb, json_t *v);
void sim_logs_free(struct sim_engine *e);

/* time.c */
/* An RFC 4122 version 4 UUID from rng into buf (at least 37 bytes). */
void sim_uuid(struct rng *rng, char *buf);
/* The same uuid as its 16 bytes (the rng advances as by sim_uuid), and back to sim_uuid's text
 * (buf receives 37 bytes). */
void sim_uuid_bytes(struct rng *rng, unsigned char out[16]);
void sim_uuid_text(const unsigned char b[16], char *buf);

#endif
