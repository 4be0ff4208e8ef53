/*
 * Per-state facts (a pointer map over every state of the machine, nested graphs included)
 * and the context object `$$` a state visit sees.
 */
#include "internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* ---- state info: pointer map over every state of the machine ---- */
static size_t ptr_hash(const void *p, size_t mask)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x & mask;
}

static void collect_graph(struct sim_engine *e, const struct asl_graph *g, size_t *cap);
static void mark_dead_results(struct sim_engine *e, const struct asl_state *map);

static void collect_state(struct sim_engine *e, const struct asl_state *st, size_t *cap)
{
	if (e->state_count == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		e->all_states = xrealloc(e->all_states, *cap * sizeof(*e->all_states));
	}
	e->all_states[e->state_count++] = st;
	for (size_t b = 0; b < st->branch_count; b++)
		collect_graph(e, st->branches[b], cap);
	if (st->processor)
		collect_graph(e, st->processor, cap);
}

static void collect_graph(struct sim_engine *e, const struct asl_graph *g, size_t *cap)
{
	for (size_t i = 0; g && i < g->state_count; i++)
		collect_state(e, g->states[i], cap);
}

/* True when a string value anywhere in v (outside nested state graphs) starts with "$$". */
static bool mentions_context(json_t *v)
{
	if (json_is_string(v))
		return strncmp(json_string_value(v), "$$", 2) == 0 ||
		       strstr(json_string_value(v), "$$.") != NULL;
	const char *key;
	json_t *child;
	size_t i;
	if (json_is_object(v)) {
		json_object_foreach(v, key, child)
		{
			if (strcmp(key, "ItemProcessor") == 0 || strcmp(key, "Iterator") == 0 ||
			    strcmp(key, "Branches") == 0)
				continue;
			if (mentions_context(child))
				return true;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
		{
			if (mentions_context(child))
				return true;
		}
	}
	return false;
}

static int64_t seconds_ms(const struct asl_state *st, const char *name)
{
	json_t *v = json_object_get(st->json, name);
	return json_is_integer(v) ? json_integer_value(v) * 1000 : 0;
}

static void facts(struct sim_state_info *info, const struct asl_state *st)
{
	static const char *const pass[] = {"InputPath", "Parameters", "Result", "ResultPath",
					   "OutputPath"};
	static const char *const out[] = {"ResultSelector", "ResultPath", "OutputPath", "Assign"};
	static const char *const paths[] = {"TimeoutSecondsPath", "HeartbeatSecondsPath"};
	info->identity_pass = sim_plain(st, pass, ARRAY_LEN(pass));
	info->plain_output = sim_plain(st, out, ARRAY_LEN(out));
	/* A RoleArn.$ makes the *Scheduled details differ between visits too. */
	info->fixed_timeouts =
	    sim_plain(st, paths, ARRAY_LEN(paths)) &&
	    !json_object_get(json_object_get(st->json, "Credentials"), "RoleArn.$");
	info->timeout_ms = seconds_ms(st, "TimeoutSeconds");
	info->heartbeat_ms = seconds_ms(st, "HeartbeatSeconds");
	info->assign = json_object_get(st->json, "Assign");
	info->input_path = json_object_get(st->json, "InputPath");
	info->output_path = json_object_get(st->json, "OutputPath");
	info->item_selector = json_object_get(st->json, "ItemSelector");
	if (!info->item_selector && st->type == ASL_MAP)
		info->item_selector = json_object_get(st->json, "Parameters");
	info->wait_seconds = st->type == ASL_WAIT ? json_object_get(st->json, "Seconds") : NULL;
	info->plan = flow_plan_new(st->json, NULL); /* sim_flow_env names no query language */
	info->params_recipe = sim_params_pure(st);
}

void sim_build_info(struct sim_engine *e)
{
	size_t cap = 0;
	collect_graph(e, e->machine->top, &cap);
	size_t size = 16;
	while (size < e->state_count * 2)
		size *= 2;
	e->map.size = size;
	e->map.keys = xcalloc(size, sizeof(*e->map.keys));
	e->map.vals = xcalloc(size, sizeof(*e->map.vals));
	e->info = xcalloc(e->state_count ? e->state_count : 1, sizeof(*e->info));
	for (size_t i = 0; i < e->state_count; i++) {
		const struct asl_state *st = e->all_states[i];
		size_t h = ptr_hash(st, size - 1);
		while (e->map.keys[h])
			h = (h + 1) & (size - 1);
		e->map.keys[h] = st;
		e->map.vals[h] = i;
		e->info[i].stats.state = st;
		e->info[i].name = ev_log_intern(e->log, st->name);
		e->info[i].uses_context = mentions_context(st->json);
		facts(&e->info[i], st);
	}
	for (size_t i = 0; i < e->state_count; i++)
		mark_dead_results(e, e->all_states[i]);
}

/* Marks an INLINE Map that discards its results, and its dead-result Tasks (internal.h): they
 * end an iteration, so their output becomes the iteration's, which only the Map's result
 * size check reads (block.c keeps it measured). Nested Maps and Parallels are not looked
 * into: their results are read by the state that contains them. */
static void mark_dead_results(struct sim_engine *e, const struct asl_state *map)
{
	if (map->type != ASL_MAP || map->map_mode != ASL_MAP_INLINE || !map->processor)
		return;
	json_t *rp = json_object_get(map->json, "ResultPath");
	if (!rp || !json_is_null(rp) || json_object_get(map->json, "ResultSelector") ||
	    json_object_get(map->json, "Assign"))
		return;
	sim_info(e, map)->discards_results = true;
	const struct asl_graph *g = map->processor;
	for (size_t i = 0; i < g->state_count; i++) {
		const struct asl_state *st = g->states[i];
		struct sim_state_info *info = sim_info(e, st);
		if (st->type == ASL_TASK && st->end && !st->next && info->plain_output &&
		    st->query_language == ASL_JSONPATH)
			info->dead_result = true;
	}
}

struct sim_state_info *sim_info_find(struct sim_engine *e, const struct asl_state *st)
{
	assert(st); /* info_last_state starts NULL: a NULL state must not match it */
	struct sim_state_info *found = NULL;
	if (st == e->info_prev_state) {
		found = e->info_prev;
	} else {
		size_t mask = e->map.size - 1;
		for (size_t h = ptr_hash(st, mask); e->map.keys[h] && !found; h = (h + 1) & mask)
			if (e->map.keys[h] == st)
				found = &e->info[e->map.vals[h]];
		if (!found)
			abort(); /* every state of the machine is in the map */
	}
	e->info_prev_state = e->info_last_state;
	e->info_prev = e->info_last;
	e->info_last_state = st;
	return e->info_last = found;
}

/* ---- context object ---- */
json_t *sim_context(struct sim_engine *e, struct sim_run *run, const struct asl_state *st,
		    json_t *map_item, int64_t map_index)
{
	if (!sim_info(e, st)->uses_context)
		return NULL;
	json_t *ctx = json_object();
	struct sim_child *child = run ? sim_run_child(run) : NULL;
	json_object_set(ctx, "Execution",
			child ? sim_child_exec_context(e, child)
			      : json_object_get(e->ctx_base, "Execution"));
	json_object_set(ctx, "StateMachine", json_object_get(e->ctx_base, "StateMachine"));
	/* EnteredTime is when the state was entered, also read later in the visit (a retry's
	 * Parameters, ResultSelector, a catcher): the Entered event's time, not now. */
	const struct ev *entered = run->entered_id > 0 ? ev_log_get(e->log, run->entered_id) : NULL;
	char stamp[40];
	/* A child execution's log counts time from the child's start (e->t0). */
	sim_format_timestamp(e->opt.start_epoch_ms + (entered ? e->t0 + entered->t_ms : e->now),
			     stamp, sizeof(stamp));
	json_t *state = json_pack("{s:s, s:s}", "Name", st->name, "EnteredTime", stamp);
	/* RetryCount only where a Retry can be: recorded on AWS, `$$` of a Pass state holds
	 * State {Name, EnteredTime} alone, in that order (localstack test_context_object
	 * snapshot, 2024-09). Other states without Retry (Wait, Choice, Succeed, Fail) are
	 * taken to be alike: not recorded, extrapolated (localstack's model does so too). */
	if (st->type == ASL_TASK || st->type == ASL_MAP || st->type == ASL_PARALLEL) {
		int64_t retries = 0;
		for (size_t i = 0;
		     run->retry_live && i < st->retry_count && i < run->more->retry_cap; i++)
			retries += run->more->retry_counts[i];
		json_object_set_new(state, "RetryCount", json_integer((json_int_t)retries));
	}
	json_object_set_new(ctx, "State", state);
	if (st->type == ASL_TASK) {
		char token[40];
		sim_uuid(&e->rng_ids, token);
		json_object_set_new(ctx, "Task", json_pack("{s:s}", "Token", token));
	}
	if (map_item)
		json_object_set_new(ctx, "Map",
				    json_pack("{s:{s:I, s:O}}", "Item", "Index",
					      (json_int_t)map_index, "Value", map_item));
	return ctx;
}

void sim_flow_env(struct sim_engine *e, const struct sim_run *run, json_t *context,
		  struct flow_env *env)
{
	*env = (struct flow_env){0};
	env->context = context;
	env->variables = run ? sim_run_vars(run) : NULL;
	env->rng = &e->rng_flow;
}

/* The input's size, when the run knows it, so that the payload check does not measure it. */
static void known_input_size(const struct sim_run *run, struct flow_env *env)
{
	if (run->input && run->in_known) {
		env->sized = run->input;
		env->sized_bytes = run->in_bytes;
	}
}

json_t *sim_state_input(struct sim_engine *e, struct sim_run *run, struct flow_env *env,
			size_t *size, struct flow_error *err)
{
	known_input_size(run, env);
	return flow_plan_input(sim_info(e, run->state)->plan, run->input, env, NULL, size, err);
}

bool sim_state_check(struct sim_engine *e, struct sim_run *run, struct flow_env *env,
		     struct flow_error *err)
{
	known_input_size(run, env);
	return flow_plan_check(sim_info(e, run->state)->plan, run->input, env, err);
}
