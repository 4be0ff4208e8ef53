/*
 * Map (inline) and Parallel: one block of child runs per activation. Children start in index
 * order up to the concurrency limit; results are kept in index order; one failing child
 * aborts the running ones and the never-started ones never start; the state then fails with
 * the child's own error, which the state's Retry (a full restart) or Catch sees.
 * aws-facts a.5 (ordering, previousEventId), b.1 (inline Map), b.7 (propagation).
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html
 */
#include "internal.h"
#include "doc/doc.h"

#include <stdlib.h>
#include <string.h>

void sim_block_free(struct sim_engine *e, struct sim_block *b)
{
	if (!b)
		return;
	json_decref(b->eff_input);
	json_decref(b->items);
	json_decref(b->results);
	free(b->reader_error);
	json_decref(b->tol_count);
	json_decref(b->tol_pct);
	free(b->run_arn);
	sim_rwriter_free(b->writer);
	free(b->child_arn_prefix);
	free(b->child_sm_name);
	free(b->kids);
	free(b);
}

struct sim_run *sim_block_head(struct sim_block *b)
{
	if (!b)
		return NULL;
	while (b->first < b->next_start && !b->kids[b->first])
		b->first++;
	return b->first < b->next_start ? b->kids[b->first] : NULL;
}

static void unlink_child(struct sim_block *b, struct sim_run *c)
{
	b->kids[c->index] = NULL;
	b->running--;
}

static void runtime_fail(struct sim_engine *e, struct sim_run *run, const char *why)
{
	char *cause = sim_runtime_cause(run, why);
	sim_handle_error(e, run, "States.Runtime", cause);
	free(cause);
}

static bool select_all(struct sim_engine *e, struct sim_block *b);

/* MaxConcurrency / MaxConcurrencyPath, read with the Map's env (borrowed: its context object
 * and variables); -1 after failing the run. */
static int64_t max_concurrency(struct sim_engine *e, struct sim_run *run, json_t *eff,
			       const struct flow_env *env)
{
	json_t *sj = run->state->json;
	json_t *v = json_object_get(sj, "MaxConcurrency");
	if (json_is_integer(v))
		return json_integer_value(v);
	json_t *path = json_object_get(sj, "MaxConcurrencyPath");
	if (!json_is_string(path))
		return 0;
	struct flow_error err = {0};
	json_t *val = flow_select(eff, json_string_value(path), env, &err);
	if (!val) {
		sim_flow_failed(e, run, &err);
		return -1;
	}
	int64_t mc = -1;
	if (!sim_path_integer(val, &mc) || mc < 0) {
		mc = -1;
		/* Observed: a non-integer MaxConcurrencyPath value fails with States.Runtime. */
		/* AWS quotes the value: a string's text, anything else as JSON ("{}";
		 * localstack test_base_scenarios snapshot, test_max_concurrency_path[...]). */
		char *shown =
		    json_is_string(val) ? xstrdup(json_string_value(val)) : flow_json_text(val);
		char *why = xasprintf("The MaxConcurrencyPath field refers to value \"%s\" which "
				      "is not a valid integer: %s",
				      shown, json_string_value(path));
		sim_fail_before_start(e, run, why);
		free(why);
		free(shown);
	}
	json_decref(val);
	return mc;
}

/* begin_map's items checked, then batched by ItemBatcher (whose *Path fields and BatchInput
 * see env: $$ and variables); false after failing the run. */
static bool map_items_ready(struct sim_engine *e, struct sim_run *run, struct sim_block *b,
			    json_t *ip, const struct flow_env *env, struct flow_error *err)
{
	if (!b->eff_input || !b->items) {
		sim_flow_failed(e, run, err);
		return false;
	}
	if (!json_is_array(b->items)) {
		char *why = xasprintf("The ItemsPath field (%s) must reference a JSON array",
				      json_is_string(ip) ? json_string_value(ip) : "$");
		runtime_fail(e, run, why);
		free(why);
		return false;
	}
	json_t *batcher = json_object_get(run->state->json, "ItemBatcher");
	if (b->distributed && batcher && !b->reader_error) {
		if (!select_all(e, b))
			return false;
		struct flow_error berr = {0};
		json_t *batches = sim_dmap_batches(b->items, batcher, b->eff_input, env, &berr);
		if (!batches && berr.name && !strcmp(berr.name, "States.ItemReaderFailed")) {
			/* a bad ...PerBatchPath value fails the Map Run as a bad MaxItemsPath does
			 */
			b->reader_error = xstrdup(berr.cause ? berr.cause : "");
			flow_error_fini(&berr);
			json_decref(b->items);
			b->items = json_array();
			return true;
		}
		if (!batches) {
			sim_flow_failed(e, run, &berr);
			return false;
		}
		json_decref(b->items);
		b->items = batches;
		b->batched = true;
	}
	return true;
}

static bool begin_map(struct sim_engine *e, struct sim_run *run, struct sim_block *b)
{
	const struct asl_state *st = run->state;
	struct flow_env env;
	struct flow_error err = {0};
	json_t *ctx = sim_context(e, run, st, NULL, 0);
	sim_flow_env(e, run, ctx, &env);
	b->eff_input =
	    flow_input_path(run->input, json_object_get(st->json, "InputPath"), &env, &err);
	json_t *ip = json_object_get(st->json, "ItemsPath");
	json_t *reader = json_object_get(st->json, "ItemReader");
	b->distributed = st->map_mode == ASL_MAP_DISTRIBUTED;
	b->from_reader = reader != NULL;
	if (b->eff_input && reader) {
		/* A reader failure surfaces as MapRunFailed once the Map Run starts. */
		b->items = sim_dmap_read_items(e, reader, b->eff_input, &env, &b->reader_error);
		if (!b->items)
			b->items = json_array();
	} else if (b->eff_input) {
		b->items = json_is_string(ip)
			       ? flow_items_path(b->eff_input, json_string_value(ip), &env, &err)
			       : json_incref(b->eff_input);
	}
	bool ok = map_items_ready(e, run, b, ip, &env, &err);
	int64_t mc = ok ? max_concurrency(e, run, b->eff_input, &env) : -1;
	json_decref(ctx);
	if (mc < 0)
		return false;
	/* Inline: AWS's ceiling of 40 (option); Distributed: up to 10,000 children (b.1, b.2). */
	int64_t cap = b->distributed ? 10000 : e->opt.inline_map_cap;
	if (cap > 0 && (mc == 0 || mc > cap))
		mc = cap;
	b->limit = (size_t)mc;
	b->count = json_array_size(b->items);
	if (b->count > INT32_MAX) {
		/* Iteration indexes are 32-bit in runs and events; such an array (2^31 items,
		 * tens of GB) cannot be a state's input on AWS either (256 KiB). */
		runtime_fail(e, run, "The Map state has more than 2147483647 items");
		return false;
	}
	return true;
}

void sim_block_begin(struct sim_engine *e, struct sim_run *run)
{
	const struct asl_state *st = run->state;
	struct sim_run_more *more = sim_more(e, run);
	sim_block_free(e, more->block);
	struct sim_block *b = xcalloc(1, sizeof(*b));
	more->block = b;
	b->owner = run;
	b->state = st;
	b->is_map = st->type == ASL_MAP;
	if (b->is_map) {
		if (!begin_map(e, run, b))
			return;
	} else {
		struct flow_env env;
		struct flow_error err = {0};
		json_t *ctx = sim_context(e, run, st, NULL, 0);
		sim_flow_env(e, run, ctx, &env);
		b->eff_input = sim_state_input(e, run, &env, NULL, &err);
		json_decref(ctx);
		if (!b->eff_input) {
			sim_flow_failed(e, run, &err);
			return;
		}
		b->count = st->branch_count;
	}
	e->runs_expected += b->limit && b->limit < b->count ? b->limit : b->count;
	sim_schedule(e, run, e->opt.step_ms, ACT_BLOCK_START);
}

/* The results' compact size when every child's output size was known: "[" a "," b ... "]". */
static size_t results_size(const struct sim_block *b)
{
	if (b->distributed || b->sized != b->count)
		return SIZE_MAX;
	return 2 + b->sized_bytes + (b->count ? b->count - 1 : 0);
}

static void finish_block(struct sim_engine *e, struct sim_run *owner)
{
	struct sim_block *b = owner->more->block;
	const struct asl_state *st = b->state;
	size_t size = results_size(b);
	if (size == SIZE_MAX && b->dead) /* measured, with each dead null at its true size */
		size = flow_json_size(b->results) - 4 * b->dead + b->dead_bytes;
	if (b->distributed && b->writer) {
		char *why = NULL;
		json_t *res = sim_rwriter_finish(b->writer, &why);
		b->writer = NULL;
		if (!res) {
			owner->last = sim_emit_error(e, EV_MapRunFailed, b->run_started_id, st,
						     owner->item, "States.ResultWriterFailed", why);
			sim_handle_error(e, owner, "States.ResultWriterFailed", why);
			free(why);
			return;
		}
		json_decref(b->results);
		b->results = res;
	}
	if (b->distributed)
		b->last_done =
		    sim_emit(e, EV_MapRunSucceeded, b->run_started_id, st, owner->item, NULL, NULL);
	if (sim_info(e, st)->plain_output) {
		owner->last = b->last_done;
		json_t *res = b->results;
		b->results = NULL;
		if (size == SIZE_MAX)
			size = flow_json_size_upto(res, FLOW_PAYLOAD_LIMIT);
		if (size > FLOW_PAYLOAD_LIMIT) {
			/* The same error flow/ raises for a result above the limit. */
			json_decref(res);
			char *cause = sim_data_limit_cause(
			    owner, "The state/task returned a result with a size exceeding the "
				   "maximum number of bytes service limit.");
			sim_handle_error(e, owner, "States.DataLimitExceeded", cause);
			free(cause);
			return;
		}
		sim_leave_sized(e, owner, res, size, st->next);
		return;
	}
	struct flow_env env;
	struct flow_error err = {0};
	json_t *ctx = sim_context(e, owner, st, NULL, 0);
	sim_flow_env(e, owner, ctx, &env);
	if (size != SIZE_MAX) {
		env.sized = b->results;
		env.sized_bytes = size;
	}
	bool assign = json_object_get(st->json, "Assign") != NULL;
	struct flow_steps steps = {0};
	json_t *out = flow_state_output(st->json, owner->input, b->results, &env,
					assign ? &steps : NULL, &err);
	json_decref(ctx);
	/* MapStateSucceeded and MapStateExited both point at the last MapIterationSucceeded. */
	owner->last = b->last_done;
	if (out && assign) {
		json_t *sel =
		    steps.after_result_selector ? steps.after_result_selector : b->results;
		if (!sim_assign_try(e, owner, sel, &err)) {
			json_decref(out);
			out = NULL;
		}
	}
	flow_steps_fini(&steps);
	json_decref(b->results);
	b->results = NULL;
	if (!out) {
		sim_block_output_failed(e, owner, &err);
		return;
	}
	sim_leave(e, owner, out, st->next);
}

/* The input of Map iteration i: the item, or ItemSelector / legacy Parameters applied. */
static json_t *item_input(struct sim_engine *e, struct sim_block *b, size_t i,
			  struct flow_error *err)
{
	json_t *item = json_array_get(b->items, i);
	if (b->batched)
		return json_incref(item); /* ItemSelector was applied before batching */
	json_t *sel = sim_info(e, b->state)->item_selector; /* ItemSelector, else Parameters */
	if (!sel)
		return json_incref(item);
	struct flow_env env;
	json_t *ctx = sim_context(e, b->owner, b->state, item, (int64_t)i);
	sim_flow_env(e, b->owner, ctx, &env);
	json_t *v = flow_template(sel, b->eff_input, &env, err);
	json_decref(ctx);
	return v;
}

/* ItemSelector over every item at once, for ItemBatcher; false after failing the Map. */
static bool select_all(struct sim_engine *e, struct sim_block *b)
{
	json_t *out = json_array();
	for (size_t i = 0; i < json_array_size(b->items); i++) {
		struct flow_error err = {0};
		json_t *v = item_input(e, b, i, &err);
		if (!v) {
			json_decref(out);
			sim_flow_failed(e, b->owner, &err);
			return false;
		}
		json_array_append_new(out, v);
	}
	json_decref(b->items);
	b->items = out;
	return true;
}

static void start_child(struct sim_engine *e, struct sim_block *b, int64_t prev)
{
	size_t i = b->next_start++;
	struct sim_run *owner = b->owner;
	/* A child execution is not inside the parent's Map: item -1, its own ids from 1. */
	int32_t item = b->distributed ? -1 : b->is_map ? (int32_t)i : owner->item;
	struct sim_run *c = sim_run_new(e, b, i, item, b->distributed ? 0 : prev);
	c->in_child = owner->in_child || b->distributed;
	/* Iterations and branches read the outer variables in a scope of their own; a
	 * Distributed Map's children cannot see them (aws-facts d). */
	json_t *vars = sim_run_vars(owner);
	if (vars && !b->distributed)
		sim_more(e, c)->vars = json_copy(vars);
	b->kids[i] = c;
	b->running++;
	const struct asl_graph *g;
	if (b->is_map) {
		if (!b->distributed)
			c->last =
			    sim_emit(e, EV_MapIterationStarted, prev, b->state, item, NULL, NULL);
		struct flow_error err = {0};
		c->input = item_input(e, b, i, &err);
		g = b->state->processor;
		if (b->distributed) {
			sim_more(e, c)->child =
			    sim_child_start(e, b, i, c->input ? c->input : json_null());
			/* The child holds its input now: the Map Run's copy of the item can go
			 * when the array is the Map Run's own, not a part of the state's input,
			 * and no Retry of the Map will start its items again from this array. */
			if ((b->from_reader || b->batched) && !b->state->retry_count)
				json_array_set(b->items, i, json_null());
		}
		if (!c->input) {
			c->input = json_null();
			const char *name = err.name ? err.name : "States.Runtime";
			/* A Runtime cause names the Map and its entered event, as AWS words it
			 * for an ItemSelector (legacy Parameters) failure (tests/sim
			 * intrinsic-missing-argument). */
			char *cause = strcmp(name, "States.Runtime") == 0
					  ? sim_runtime_cause(owner, err.cause ? err.cause : "")
					  : NULL;
			sim_block_child_failed(e, c, name, cause ? cause : err.cause);
			free(cause);
			flow_error_fini(&err);
			return;
		}
	} else {
		c->input = json_incref(b->eff_input);
		g = b->state->branches[i];
	}
	c->next = g->start;
	sim_schedule(e, c, e->opt.step_ms, ACT_ENTER);
}

static bool can_start(const struct sim_block *b)
{
	return b->next_start < b->count && (b->limit == 0 || b->running < b->limit);
}

/* A retried Parallel runs again from its input: its InputPath and Parameters are made again,
 * so that $$.State.RetryCount says which attempt this is (as a retried Task's Parameters do,
 * tests/sim task-retry-context-params). False after failing the run. */
static bool parallel_input_again(struct sim_engine *e, struct sim_run *run, struct sim_block *b)
{
	if (b->is_map || !run->retry_live || !sim_info(e, b->state)->uses_context)
		return true;
	json_t *eff = sim_state_input_again(e, run); /* run->state is b->state */
	if (!eff)
		return false;
	json_decref(b->eff_input);
	b->eff_input = eff;
	return true;
}

void sim_block_start(struct sim_engine *e, struct sim_run *run)
{
	struct sim_block *b = run->more->block;
	if (!parallel_input_again(e, run, b))
		return;
	json_decref(b->results);
	b->results = json_array();
	/* With a ResultWriter the results go to its files as children end. */
	bool to_writer = b->distributed && json_object_get(b->state->json, "ResultWriter");
	/* Results nobody reads are not kept: the empty array stands for them (finish_block). */
	b->discard = sim_info(e, b->state)->discards_results;
	for (size_t i = 0; i < b->count && !to_writer && !b->discard; i++)
		json_array_append(b->results, json_null());
	b->next_start = b->running = b->done = 0;
	b->sized = b->sized_bytes = 0;
	b->dead = b->dead_bytes = 0;
	/* A restart (Retry) finds every child ended: the array is all NULL again. */
	if (!b->kids && b->count)
		b->kids = xcalloc(b->count, sizeof(*b->kids));
	b->first = 0;
	b->failed = 0;
	/* With an ItemReader the length is not known up front: 0 (corpus dmap-*). */
	json_int_t length = b->from_reader ? 0 : (json_int_t)b->count;
	json_t *len = b->is_map ? json_pack("{s:I}", "length", length) : NULL;
	b->started_id = sim_emit(e, b->is_map ? EV_MapStateStarted : EV_ParallelStateStarted,
				 run->last, b->state, run->item, NULL, len);
	run->last = b->started_id;
	b->last_done = b->started_id;
	if (b->distributed) {
		/* A bad Tolerated...Path value ends the execution right after MapStateStarted,
		 * no MapStateFailed (recorded on AWS, tests/sim map-tolerance-count-path-bad). */
		struct flow_env env;
		json_t *ctx = sim_context(e, run, b->state, NULL, 0);
		sim_flow_env(e, run, ctx, &env);
		json_decref(b->tol_count);
		json_decref(b->tol_pct);
		char *bad =
		    sim_dmap_tolerance(b->state, b->eff_input, &env, &b->tol_count, &b->tol_pct);
		json_decref(ctx);
		if (bad) {
			sim_fail_before_start(e, run, bad);
			free(bad);
			return;
		}
		free(b->run_arn);
		b->run_arn = sim_dmap_run_arn(e, b->state);
		free(b->child_arn_prefix); /* names the previous Map Run */
		b->child_arn_prefix = NULL;
		b->run_started_id = sim_emit(e, EV_MapRunStarted, run->last, b->state, run->item,
					     NULL, json_pack("{s:s}", "mapRunArn", b->run_arn));
		run->last = b->last_done = b->run_started_id;
		if (!e->cur && !e->first_map_run_id)
			e->first_map_run_id = b->run_started_id;
		if (b->reader_error) {
			run->last =
			    sim_emit_error(e, EV_MapRunFailed, run->last, b->state, run->item,
					   "States.ItemReaderFailed", b->reader_error);
			sim_handle_error(e, run, "States.ItemReaderFailed", b->reader_error);
			return;
		}
		sim_rwriter_free(b->writer);
		b->writer = NULL;
		if (to_writer)
			b->writer =
			    sim_rwriter_new(e, json_object_get(b->state->json, "ResultWriter"),
					    b->eff_input, b->run_arn, b->count);
	}
	if (b->count == 0) {
		finish_block(e, run);
		return;
	}
	/* A Map's iterations start together, all the blocks begun at one instant one after the
	 * other at the next (make bench: 400 x 250): the prefault thread gets all their runs'
	 * pages to make present at once, not a lead's length at a time (100,000 items, page
	 * faults of this thread: 2,219-2,443 -> 257-339 in start_child, 8,010 -> 5,026-6,107 in
	 * all). */
	if (e->runs_expected) {
		slab_expect(&e->run_slab, e->runs_expected);
		e->runs_expected = 0;
	}
	/* Started together, all pointing at *StateStarted (aws-facts a.5). A failing
	 * ItemSelector may end the block while starting: stop then. */
	while (run->more->block == b && b->done == 0 && can_start(b) && !run->dead && run->inside &&
	       b->results)
		start_child(e, b, b->started_id);
}

void sim_block_child_done(struct sim_engine *e, struct sim_run *child, json_t *output)
{
	struct sim_block *b = child->parent;
	sim_use_child(e, sim_run_child(b->owner));
	/* The record first: the child's input is let go of when it ends. */
	if (b->writer)
		sim_rwriter_add(b->writer, child->index, child->more->child->arn,
				child->more->child->input, output, false, NULL, NULL);
	if (b->distributed) /* a child execution: its end is in its own history */
		sim_child_end(e, child->more->child, SIM_SUCCEEDED, child->last, output, NULL,
			      NULL);
	else if (b->is_map)
		b->last_done = sim_emit(e, EV_MapIterationSucceeded, child->last, b->state,
					(int32_t)child->index, NULL, NULL);
	else
		b->last_done = child->last;
	if (b->writer) {
		json_decref(output);
	} else {
		/* output is what the child's ACT_EXIT handed on, which out_bytes is about */
		size_t size = output && child->out_known ? child->out_bytes : SIZE_MAX;
		if (child->out_dead) { /* a null standing for size bytes of text */
			b->dead++;
			b->dead_bytes += size;
		}
		if (b->discard && size == SIZE_MAX) /* measured now: all sizes known at the end */
			size = output ? flow_json_size_upto(output, FLOW_PAYLOAD_LIMIT) : 4;
		if (size != SIZE_MAX) {
			b->sized++;
			b->sized_bytes += size;
		}
		if (b->discard)
			json_decref(output);
		else
			json_array_set_new(b->results, child->index, output);
	}
	unlink_child(b, child);
	b->done++;
	/* With a limit, the next iteration points at the last event inside the one that
	 * freed its slot (aws-facts a.5, MaxConcurrency 1). */
	int64_t prev = child->last;
	sim_run_release(e, child);
	while (can_start(b))
		start_child(e, b, prev);
	if (b->done == b->count)
		finish_block(e, b->owner);
}

void sim_run_abort(struct sim_engine *e, struct sim_run *run, int64_t prev_or_own)
{
	if (!run->inside)
		return;
	/* A failure points every abort at the failing event (observed); a timeout or a stop
	 * (prev_or_own < 0) at each run's own last event. */
	int64_t prev = prev_or_own >= 0 ? prev_or_own : run->last;
	struct sim_child *was = e->cur;
	sim_use_child(e, sim_run_child(run));
	const struct asl_state *st = run->state;
	struct sim_block *b = sim_run_block(run);
	switch (st->type) {
	case ASL_TASK:
		sim_emit(e, EV_TaskStateAborted, prev, st, run->item, NULL, NULL);
		break;
	case ASL_WAIT:
		sim_emit(e, EV_WaitStateAborted, prev, st, run->item, NULL, NULL);
		break;
	case ASL_MAP:
	case ASL_PARALLEL:
		for (struct sim_run *c; (c = sim_block_head(b));) {
			/* Inner states first, then the iteration (aws-facts a.5); a child
			 * execution ends in its own history. */
			if (b->distributed)
				sim_child_abort(e, c);
			else
				sim_run_abort(e, c, prev_or_own);
			if (b->is_map && !b->distributed)
				sim_emit(e, EV_MapIterationAborted,
					 prev_or_own >= 0 ? prev : c->last, st, (int32_t)c->index,
					 NULL, NULL);
			unlink_child(b, c);
			sim_run_release(e, c);
		}
		if (b && b->distributed)
			sim_emit(e, EV_MapRunAborted, prev, st, run->item, NULL, NULL);
		/* A Map or Parallel that failed and was caught, its Exited still to come, has
		 * ended with its *StateFailed: not aborted after it. */
		if (!run->exit_caught)
			sim_emit(e,
				 st->type == ASL_MAP ? EV_MapStateAborted : EV_ParallelStateAborted,
				 prev, st, run->item, NULL, NULL);
		break;
	default:
		break;
	}
	run->inside = false;
	run->gen++;
	sim_use_child(e, was);
}

/* A child execution failed: within the tolerance it is one failed item; beyond, the Map Run
 * fails with States.ExceedToleratedFailureThreshold (aws-facts b.2). */
static void dmap_child_failed(struct sim_engine *e, struct sim_run *child, const char *error,
			      const char *cause)
{
	struct sim_block *b = child->parent;
	struct sim_run *owner = b->owner;
	b->failed++;
	if (b->writer)
		sim_rwriter_add(b->writer, child->index, child->more->child->arn,
				child->more->child->input, NULL, true, error, cause);
	else
		json_array_set_new(
		    b->results, child->index,
		    json_pack("{s:s, s:s}", "Error", error, "Cause", cause ? cause : ""));
	sim_child_end(e, child->more->child, SIM_FAILED, child->last, NULL, error, cause);
	unlink_child(b, child);
	sim_run_release(e, child);
	if (sim_dmap_tolerated(b->tol_count, b->tol_pct, b->failed, b->count)) {
		b->done++;
		sim_use_child(e, sim_run_child(owner));
		while (can_start(b))
			start_child(e, b, b->started_id);
		if (b->done == b->count)
			finish_block(e, owner);
		return;
	}
	for (struct sim_run *c; (c = sim_block_head(b));) {
		sim_child_abort(e, c);
		unlink_child(b, c);
		sim_run_release(e, c);
	}
	b->next_start = b->count;
	json_decref(b->results);
	b->results = NULL;
	sim_rwriter_free(b->writer); /* a failed Map Run writes no results */
	b->writer = NULL;
	sim_use_child(e, sim_run_child(owner));
	const char *name = "States.ExceedToleratedFailureThreshold";
	const char *why = "The specified tolerated failure threshold was exceeded";
	owner->last =
	    sim_emit_error(e, EV_MapRunFailed, b->run_started_id, b->state, owner->item, name, why);
	sim_handle_error(e, owner, name, why);
}

void sim_block_child_failed(struct sim_engine *e, struct sim_run *child, const char *error,
			    const char *cause)
{
	struct sim_block *b = child->parent;
	struct sim_run *owner = b->owner;
	const struct asl_state *st = b->state;
	if (b->distributed) {
		dmap_child_failed(e, child, error, cause);
		return;
	}
	sim_use_child(e, sim_run_child(owner));
	int64_t fail_id = child->last;
	bool task_open = child->failed_in_task && child->state && child->state->type == ASL_TASK;
	const struct asl_state *task = child->state;
	int32_t task_item = child->item;
	size_t fail_index = child->index;
	bool failed_said = false;
	child->inside = false;
	unlink_child(b, child);
	sim_run_release(e, child);
	/* A Map: every iteration in index order, the failing one's MapIterationFailed (then its
	 * open Task aborted) at its place, each other running one's MapIterationAborted, then the
	 * *StateAborted of the state it was in, all pointing at the failure (measured on AWS:
	 * floci-io/floci AslExecutorParallelCutTest, a cut iteration 0 before the failing
	 * iteration 1; corpus map-inline-lambda-invoke-timeouts-unbounded, the failing iteration
	 * 0 first). A Parallel: the other branches' open states, the failing branch's own Task
	 * last (observed). */
	for (struct sim_run *c; (c = sim_block_head(b));) {
		if (b->is_map && !failed_said && c->index > fail_index) {
			failed_said = true;
			sim_emit(e, EV_MapIterationFailed, fail_id, st, (int32_t)fail_index, NULL,
				 NULL);
			if (task_open)
				sim_emit(e, EV_TaskStateAborted, fail_id, task, task_item, NULL,
					 NULL);
		}
		if (b->is_map)
			sim_emit(e, EV_MapIterationAborted, fail_id, st, (int32_t)c->index, NULL,
				 NULL);
		sim_run_abort(e, c, fail_id);
		unlink_child(b, c);
		sim_run_release(e, c);
	}
	if (b->is_map && !failed_said)
		sim_emit(e, EV_MapIterationFailed, fail_id, st, (int32_t)fail_index, NULL, NULL);
	if (task_open && !failed_said)
		sim_emit(e, EV_TaskStateAborted, fail_id, task, task_item, NULL, NULL);
	b->next_start = b->count; /* never-started items never start */
	json_decref(b->results);
	b->results = NULL;
	owner->last = fail_id;
	sim_handle_error(e, owner, error, cause);
}

/* A child run failed. A Distributed Map's child is an execution of its own: at once. Any other
 * failure reaches the block as work queued at the same instant, after what is queued for that
 * instant already, so that the siblings' ends at the same moment are recorded before the block
 * fails: AWS records all four TaskTimedOut of iterations timing out together, then
 * MapIterationFailed (corpus map-inline-lambda-invoke-timeouts-unbounded). */
void sim_block_child_defer(struct sim_engine *e, struct sim_run *child, const char *error,
			   const char *cause)
{
	if (child->parent->distributed) {
		sim_block_child_failed(e, child, error, cause);
		return;
	}
	char *err = error ? xstrdup(error) : NULL;
	char *why = cause ? xstrdup(cause) : NULL;
	sim_task_clear(child); /* error and cause may be its answer's: copied first */
	child->error = err;
	child->cause = why;
	/* Only a failed Task is still open: aborted if a sibling's failure comes first, as the
	 * recording shows (TaskStateAborted + MapIterationAborted). Any other state ended with
	 * its failure (a Map's MapStateFailed): only the iteration is aborted then. */
	if (!child->failed_in_task || !child->state || child->state->type != ASL_TASK)
		child->inside = false;
	child->gen++; /* nothing queued for it before runs: its path has ended */
	/* Once an iteration has failed no other one starts, even if a sibling ends in the
	 * same instant before the failure reports (never-started items never start). */
	child->parent->next_start = child->parent->count;
	sim_schedule(e, child, 0, ACT_CHILD_FAILED);
}

void sim_block_child_report(struct sim_engine *e, struct sim_run *child)
{
	char *error = child->error, *cause = child->cause;
	child->error = child->cause = NULL;
	sim_block_child_failed(e, child, error, cause);
	free(error);
	free(cause);
}
