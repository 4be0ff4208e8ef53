/*
 * The state interpreters: entering and leaving a state, Pass, Succeed, Fail, Choice, Wait,
 * and Retry/Catch (aws-facts b.6–b.8). Task lives in task.c, Map and Parallel in block.c.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-states.html
 */
#include "internal.h"
#include "doc/doc.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const enum ev_type entered_type[] = {
    [ASL_TASK] = EV_TaskStateEntered,	      [ASL_PASS] = EV_PassStateEntered,
    [ASL_CHOICE] = EV_ChoiceStateEntered,     [ASL_WAIT] = EV_WaitStateEntered,
    [ASL_SUCCEED] = EV_SucceedStateEntered,   [ASL_FAIL] = EV_FailStateEntered,
    [ASL_PARALLEL] = EV_ParallelStateEntered, [ASL_MAP] = EV_MapStateEntered,
};
static const enum ev_type exited_type[] = {
    [ASL_TASK] = EV_TaskStateExited,	     [ASL_PASS] = EV_PassStateExited,
    [ASL_CHOICE] = EV_ChoiceStateExited,     [ASL_WAIT] = EV_WaitStateExited,
    [ASL_SUCCEED] = EV_SucceedStateExited,   [ASL_FAIL] = EV_UNKNOWN,
    [ASL_PARALLEL] = EV_ParallelStateExited, [ASL_MAP] = EV_MapStateExited,
};

/* https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html */
/* One Assign object (a state's, a Choice rule's or a catcher's) evaluated against value;
 * merged into what the state assigns when it exits. */
static bool assign_from(struct sim_engine *e, struct sim_run *run, json_t *assign, json_t *value,
			struct flow_error *err)
{
	if (!json_is_object(assign))
		return true;
	struct flow_env env;
	json_t *ctx = sim_context(e, run, run->state, NULL, 0);
	sim_flow_env(e, run, ctx, &env); /* references see the values before this state */
	json_t *v = flow_template(assign, value, &env, err);
	json_decref(ctx);
	if (!v)
		return false;
	struct sim_run_more *more = sim_more(e, run);
	if (more->assigned) {
		json_object_update(more->assigned, v);
		json_decref(v);
	} else {
		more->assigned = v;
	}
	return true;
}

bool sim_assign_try(struct sim_engine *e, struct sim_run *run, json_t *value,
		    struct flow_error *err)
{
	json_t *assign = sim_info(e, run->state)->assign;
	if (!assign) /* most states: nothing to evaluate (10,000 items: 20,000 calls) */
		return true;
	return assign_from(e, run, assign, value, err);
}

bool sim_assign(struct sim_engine *e, struct sim_run *run, json_t *value)
{
	struct flow_error err = {0};
	if (sim_assign_try(e, run, value, &err))
		return true;
	sim_flow_failed(e, run, &err);
	return false;
}

/* stateExitedEventDetails.assignedVariables: each value JSON-encoded (aws-facts a.3). */
static json_t *assigned_extra(json_t *assigned)
{
	json_t *vars = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(assigned, k, v)
	{
		/* As state outputs are written: a real in its shortest form (AWS records 0.1 as
		 * "0.1", localstack test_assign_base snapshot; jansson's dump wrote
		 * "0.10000000000000001"). */
		char *text = flow_json_text(v);
		json_object_set_new(vars, k, json_string(text));
		free(text);
	}
	return json_pack("{s:o, s:{s:b}}", "assignedVariables", vars, "assignedVariablesDetails",
			 "truncated", 0);
}

void sim_leave_sized(struct sim_engine *e, struct sim_run *run, json_t *output, size_t size,
		     const struct asl_state *next)
{
	json_decref(run->output);
	run->output = output;
	run->exit_made = false;
	run->out_dead = false;
	/* Sizes from 2^32 on are not kept (over the payload limit anyway): measured again. */
	run->out_known = output && size < UINT32_MAX;
	run->out_bytes = run->out_known ? (uint32_t)size : 0;
	run->next = next;
	sim_schedule(e, run, e->opt.step_ms, ACT_EXIT);
}

void sim_leave(struct sim_engine *e, struct sim_run *run, json_t *output,
	       const struct asl_state *next)
{
	bool known = run->in_known && output == run->input; /* in_known: input is not NULL */
	sim_leave_sized(e, run, output, known ? run->in_bytes : SIZE_MAX, next);
}

/* A data-flow error of the current state: runtime errors get AWS's located cause. */
/*
 * flow/ words a payload over the limit "The state/task <what> with a size exceeding ...": AWS
 * names the state there ("The state/task 'ProcessAllItems' returned a result with a size
 * exceeding the maximum number of bytes service limit." for a Map whose ResultPath output
 * was too large: aws-samples/review-and-assessment-powered-by-intelligent-documentation
 * issue 58). A Task's own result names its resource instead (task.c).
 */
char *sim_data_limit_cause(const struct sim_run *run, const char *cause)
{
	static const char head[] = "The state/task ";
	size_t n = sizeof(head) - 1;
	if (strncmp(cause, head, n) != 0 || cause[n] == '\'')
		return xstrdup(cause);
	return xasprintf("%s'%s' %s", head, run->state->name, cause + n);
}

void sim_flow_failed(struct sim_engine *e, struct sim_run *run, struct flow_error *err)
{
	const char *name = err->name ? err->name : "States.Runtime";
	const char *text = err->cause ? err->cause : "";
	char *cause = strcmp(name, "States.Runtime") == 0 ? sim_runtime_cause(run, text)
		      : strcmp(name, "States.DataLimitExceeded") == 0
			  ? sim_data_limit_cause(run, text)
			  : xstrdup(text);
	sim_handle_error(e, run, name, cause);
	free(cause);
	flow_error_fini(err);
}

static void runtime_failed(struct sim_engine *e, struct sim_run *run, const char *why)
{
	char *cause = sim_runtime_cause(run, why);
	sim_handle_error(e, run, "States.Runtime", cause);
	free(cause);
}

/* InputPath then OutputPath: Wait, Succeed (Choice adds its rules in between). */
static json_t *io_paths(struct sim_engine *e, struct sim_run *run, json_t *eff)
{
	json_t *path = sim_info(e, run->state)->output_path;
	if (!path)
		return json_incref(eff); /* absent = "$" */
	struct flow_env env;
	struct flow_error err = {0};
	json_t *ctx = sim_context(e, run, run->state, NULL, 0);
	sim_flow_env(e, run, ctx, &env);
	json_t *out = flow_output_path(eff, path, &env, &err);
	json_decref(ctx);
	if (!out)
		sim_flow_failed(e, run, &err);
	return out;
}

static json_t *input_path(struct sim_engine *e, struct sim_run *run)
{
	json_t *path = sim_info(e, run->state)->input_path;
	if (!path)
		return json_incref(run->input); /* absent = "$" */
	struct flow_env env;
	struct flow_error err = {0};
	json_t *ctx = sim_context(e, run, run->state, NULL, 0);
	sim_flow_env(e, run, ctx, &env);
	json_t *eff = flow_input_path(run->input, path, &env, &err);
	json_decref(ctx);
	if (!eff)
		sim_flow_failed(e, run, &err);
	return eff;
}

/* True when the state sets none of these fields: its data flow is the identity. */
bool sim_plain(const struct asl_state *st, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (json_object_get(st->json, fields[i]))
			return false;
	return true;
}

static void enter_pass(struct sim_engine *e, struct sim_run *run)
{
	const struct asl_state *st = run->state;
	if (sim_info(e, st)->identity_pass) {
		/* Output = input: already within the payload limit where it was produced. */
		if (sim_assign(e, run, run->input))
			sim_leave(e, run, json_incref(run->input), st->next);
		return;
	}
	struct flow_env env;
	struct flow_error err = {0};
	json_t *ctx = sim_context(e, run, st, NULL, 0);
	sim_flow_env(e, run, ctx, &env);
	json_t *out = NULL;
	size_t eff_size;
	json_t *eff = sim_state_input(e, run, &env, &eff_size, &err);
	if (eff) {
		json_t *res = json_object_get(st->json, "Result");
		if (!res) { /* the result is eff, measured by its size checks */
			env.sized = eff;
			env.sized_bytes = eff_size;
		}
		out = flow_state_output(st->json, run->input, res ? res : eff, &env, NULL, &err);
		if (out && !sim_assign(e, run, res ? res : eff)) {
			json_decref(out);
			json_decref(eff);
			json_decref(ctx);
			return;
		}
		json_decref(eff);
	}
	json_decref(ctx);
	if (!out) {
		sim_flow_failed(e, run, &err);
		return;
	}
	/* flow/ raises States.DataLimitExceeded for a too-large output (aws-facts b.8). */
	sim_leave(e, run, out, st->next);
}

/* Fail: Error/Cause or ErrorPath/CausePath (a reference path or an intrinsic). */
static bool fail_field(struct sim_engine *e, struct sim_run *run, const char *name, char **out)
{
	const struct asl_state *st = run->state;
	json_t *lit = json_object_get(st->json, name);
	*out = NULL;
	if (json_is_string(lit)) {
		*out = xstrdup(json_string_value(lit));
		return true;
	}
	char *path_key = xasprintf("%sPath", name);
	json_t *path = json_object_get(st->json, path_key);
	free(path_key);
	if (!json_is_string(path))
		return true;
	struct flow_env env;
	struct flow_error err = {0};
	json_t *ctx = sim_context(e, run, st, NULL, 0);
	sim_flow_env(e, run, ctx, &env);
	const char *p = json_string_value(path);
	json_t *v = strncmp(p, "States.", 7) == 0 ? flow_intrinsic(p, run->input, &env, &err)
						  : flow_select(run->input, p, &env, &err);
	json_decref(ctx);
	if (!v) {
		sim_flow_failed(e, run, &err);
		return false;
	}
	if (!json_is_string(v)) {
		char *why = xasprintf("The %sPath field must reference a string: %s", name, p);
		json_decref(v);
		runtime_failed(e, run, why);
		free(why);
		return false;
	}
	*out = xstrdup(json_string_value(v));
	json_decref(v);
	return true;
}

static void enter_fail(struct sim_engine *e, struct sim_run *run)
{
	char *error = NULL, *cause = NULL;
	sim_info(e, run->state)->stats.failures++;
	if (!fail_field(e, run, "Error", &error))
		return;
	if (!fail_field(e, run, "Cause", &cause)) {
		free(error);
		return;
	}
	sim_run_fail(e, run, error, cause);
	free(error);
	free(cause);
}

static void enter_simple(struct sim_engine *e, struct sim_run *run)
{
	json_t *eff = input_path(e, run);
	if (!eff)
		return;
	json_t *out = io_paths(e, run, eff);
	json_decref(eff);
	if (out)
		sim_leave(e, run, out, run->state->next);
}

static void enter_choice(struct sim_engine *e, struct sim_run *run)
{
	const struct asl_state *st = run->state;
	json_t *eff = input_path(e, run);
	if (!eff)
		return;
	struct flow_env env;
	struct flow_error err = {0};
	json_t *ctx = sim_context(e, run, st, NULL, 0);
	sim_flow_env(e, run, ctx, &env);
	int matched = -1;
	bool ok = flow_choice(json_object_get(st->json, "Choices"), eff, &env, &matched, &err);
	json_decref(ctx);
	if (!ok) {
		json_decref(eff);
		sim_flow_failed(e, run, &err);
		return;
	}
	const struct asl_state *next = NULL;
	if (matched >= 0 && (size_t)matched < st->choice_count)
		next = st->choices[matched].next;
	else
		next = st->default_next;
	if (!next) {
		json_decref(eff);
		/* Not States.NoChoiceMatched: AWS fails with States.Runtime and this cause, which
		 * the Choice page words as "a failure to transition out of the state" (real AWS
		 * history in floci-io/floci PR 3167's tests, issue 2868). */
		runtime_failed(
		    e, run,
		    "Failed to transition out of the state. The state does not point to a "
		    "next state.");
		return;
	}
	/* The state's Assign, then the matched rule's (rules may assign too). */
	json_t *rule = matched >= 0
			   ? json_array_get(json_object_get(st->json, "Choices"), (size_t)matched)
			   : NULL;
	struct flow_error aerr = {0};
	if (!sim_assign(e, run, eff)) {
		json_decref(eff);
		return;
	}
	if (!assign_from(e, run, json_object_get(rule, "Assign"), eff, &aerr)) {
		json_decref(eff);
		sim_flow_failed(e, run, &aerr);
		return;
	}
	json_t *out = io_paths(e, run, eff);
	json_decref(eff);
	if (out)
		sim_leave(e, run, out, next);
}

/* The Wait's delay in ms, or -1 after failing the run (aws-facts b.3). */
static int64_t wait_delay(struct sim_engine *e, struct sim_run *run, json_t *eff)
{
	json_t *sj = run->state->json, *v;
	const char *path = NULL;
	if ((v = sim_info(e, run->state)->wait_seconds))
		return json_integer_value(v) * 1000;
	if ((v = json_object_get(sj, "Timestamp")) && json_is_string(v))
		path = NULL;
	else if ((v = json_object_get(sj, "SecondsPath")) ||
		 (v = json_object_get(sj, "TimestampPath")))
		path = json_string_value(v);
	bool seconds = json_object_get(sj, "SecondsPath") != NULL;
	json_t *val = v;
	if (path) {
		struct flow_error err = {0};
		struct flow_env env;
		json_t *ctx = sim_context(e, run, run->state, NULL, 0);
		sim_flow_env(e, run, ctx, &env);
		val = flow_select(eff, path, &env, &err);
		json_decref(ctx);
		if (!val) {
			sim_flow_failed(e, run, &err);
			return -1;
		}
	} else {
		json_incref(val);
	}
	int64_t delay = -1;
	char *shown = json_is_string(val) ? xstrdup(json_string_value(val))
					  : doc_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
	char *why = NULL;
	if (seconds) {
		double d = json_number_value(val);
		if (!json_is_number(val) || d != floor(d) || fabs(d) > 9.2e15)
			why = xasprintf("The SecondsPath parameter cannot be parsed as a long "
					"value: %s == %s",
					path, shown);
		else if (d < 0)
			why = xasprintf("The SecondsPath parameter references a negative value: "
					"%s == %s",
					path, shown);
		else
			delay = (int64_t)d * 1000;
	} else {
		int64_t at;
		if (!json_is_string(val) || !sim_parse_timestamp(json_string_value(val), &at))
			why =
			    xasprintf("The TimestampPath parameter does not reference a valid "
				      "ISO-8601 extended offset date-time format string: %s == %s",
				      path ? path : "Timestamp", shown);
		else if (at - (e->opt.start_epoch_ms + e->now) > 2147483648LL * 1000)
			why = xstrdup("Wait state delay is too long.");
		else
			delay = at - (e->opt.start_epoch_ms + e->now);
		if (delay < 0 && !why)
			delay = 0; /* a timestamp in the past completes at once (observed) */
	}
	free(shown);
	json_decref(val);
	if (why) {
		runtime_failed(e, run, why);
		free(why);
	}
	return delay;
}

static void enter_wait(struct sim_engine *e, struct sim_run *run)
{
	json_t *eff = input_path(e, run);
	if (!eff)
		return;
	int64_t delay = wait_delay(e, run, eff);
	if (delay < 0 || !sim_assign(e, run, eff)) {
		json_decref(eff);
		return;
	}
	json_t *out = io_paths(e, run, eff);
	json_decref(eff);
	if (!out)
		return;
	json_decref(run->output);
	run->output = out;
	run->out_dead = false;
	run->out_known = out == run->input && run->in_known;
	run->out_bytes = run->in_bytes;
	run->next = run->state->next;
	sim_schedule(e, run, delay, ACT_EXIT);
}

static void enter_task(struct sim_engine *e, struct sim_run *run)
{
	struct flow_env env;
	struct flow_error err = {0};
	json_t *ctx = sim_context(e, run, run->state, NULL, 0);
	sim_flow_env(e, run, ctx, &env);
	/* A pure template's parameters are made again at the call (task.c): here they are
	 * only checked (a path that finds nothing, the payload limit). */
	json_t *params = NULL;
	bool ok = sim_info(e, run->state)->params_recipe && run->input
		      ? sim_state_check(e, run, &env, &err)
		      : (params = sim_state_input(e, run, &env, NULL, &err)) != NULL;
	json_decref(ctx);
	if (!ok) {
		sim_flow_failed(e, run, &err);
		return;
	}
	sim_task_begin(e, run, params);
}

void sim_enter(struct sim_engine *e, struct sim_run *run)
{
	const struct asl_state *st = run->next;
	run->state = st;
	run->next = NULL;
	run->retry_live = false; /* counted from the first error on (try_retry) */
	run->failed_in_task = false;
	run->exit_caught = false;
	if (run->more) {
		json_decref(run->more->assigned);
		run->more->assigned = NULL;
	}
	struct sim_state_info *info = sim_info(e, st);
	info->stats.visits++;
	e->transitions++;
	run->entered_id = sim_emit(e, entered_type[st->type], run->last, st, run->item,
				   json_incref(run->input), NULL);
	run->last = run->entered_id;
	run->inside = true;
	switch (st->type) {
	case ASL_PASS:
		enter_pass(e, run);
		break;
	case ASL_SUCCEED:
		enter_simple(e, run);
		break;
	case ASL_FAIL:
		enter_fail(e, run);
		break;
	case ASL_CHOICE:
		enter_choice(e, run);
		break;
	case ASL_WAIT:
		enter_wait(e, run);
		break;
	case ASL_TASK:
		enter_task(e, run);
		break;
	case ASL_MAP:
	case ASL_PARALLEL:
		sim_block_begin(e, run);
		break;
	}
}

void sim_exit(struct sim_engine *e, struct sim_run *run)
{
	const struct asl_state *st = run->state;
	int64_t prev = run->last;
	if (!run->exit_caught && st->type == ASL_MAP)
		sim_emit(e, EV_MapStateSucceeded, prev, st, run->item, NULL, NULL);
	else if (!run->exit_caught && st->type == ASL_PARALLEL)
		sim_emit(e, EV_ParallelStateSucceeded, prev, st, run->item, NULL, NULL);
	json_t *extra = NULL;
	struct sim_run_more *more = run->more;
	if (more && more->assigned) {
		/* An empty Assign ({}) assigns nothing: AWS's Exited event then has no
		 * assignedVariables at all (localstack test_assign_base snapshot, BASE_EMPTY). */
		if (json_object_size(more->assigned) > 0)
			extra = assigned_extra(more->assigned);
		if (!more->vars)
			more->vars = json_object();
		json_object_update(more->vars, more->assigned);
		json_decref(more->assigned);
		more->assigned = NULL;
	}
	if (run->exit_made) { /* a dead result: its envelope, as the Succeeded event's */
		struct ev ev = {.type = exited_type[st->type], .prev = prev, .item = run->item};
		if (extra)
			sim_ev_set_extra(e, &ev, extra);
		run->exit_made = false;
		/* prev is the Succeeded event, whose recipe this is (other iterations' events
		 * come between them): stored once. */
		run->last = sim_emit_made_like(e, &ev, st, &run->recipe, prev);
	} else {
		run->last = sim_emit(e, exited_type[st->type], prev, st, run->item,
				     json_incref(run->output), extra);
	}
	run->inside = false;
	json_t *out = run->output;
	run->output = NULL;
	const struct asl_state *next = run->next;
	if (next) {
		json_decref(run->input);
		run->input = out;
		run->in_known = run->out_known; /* about out: set with a value only */
		run->in_bytes = run->out_bytes;
		sim_schedule(e, run, e->opt.step_ms, ACT_ENTER);
	} else {
		sim_run_succeed(e, run, out);
	}
}

static bool retrier_matches(const struct asl_retrier *r, const char *error, bool heartbeat)
{
	const char *const *errs = (const char *const *)r->errors;
	if (sim_error_matches(errs, r->error_count, error))
		return true;
	return heartbeat && sim_error_matches(errs, r->error_count, "States.HeartbeatTimeout");
}

/* The current visit's retry counts, all 0 until the first error. */
static uint32_t *retry_counts_ready(struct sim_engine *e, struct sim_run *run, size_t n)
{
	struct sim_run_more *more = sim_more(e, run);
	if (run->retry_live)
		return more->retry_counts;
	if (more->retry_cap < n) {
		assert(n <= UINT32_MAX); /* a Retry array that long could not be parsed */
		more->retry_cap = (uint32_t)n;
		more->retry_counts =
		    xrealloc(more->retry_counts, more->retry_cap * sizeof(*more->retry_counts));
	}
	if (n)
		memset(more->retry_counts, 0, n * sizeof(*more->retry_counts));
	run->retry_live = true;
	return more->retry_counts;
}

/* A retried Task is run again from its Parameters: `$$` differs between attempts (State.RetryCount
 * counts up, Task.Token is a new token), so a template that reads it is made again. Other
 * templates give the same parameters (a pure one is made at each call anyway). False when the
 * template fails now (the state has failed). */
static bool task_params_again(struct sim_engine *e, struct sim_run *run)
{
	struct sim_state_info *info = sim_info(e, run->state);
	if (!info->uses_context || (info->params_recipe && run->input))
		return true;
	json_t *params = sim_state_input_again(e, run);
	if (!params)
		return false;
	json_decref(run->params);
	run->params = params;
	return true;
}

json_t *sim_state_input_again(struct sim_engine *e, struct sim_run *run)
{
	struct flow_env env;
	struct flow_error err = {0};
	json_t *ctx = sim_context(e, run, run->state, NULL, 0);
	sim_flow_env(e, run, ctx, &env);
	json_t *v = sim_state_input(e, run, &env, NULL, &err);
	json_decref(ctx);
	if (!v)
		sim_flow_failed(e, run, &err);
	return v;
}

static bool try_retry(struct sim_engine *e, struct sim_run *run, const char *error)
{
	const struct asl_state *st = run->state;
	uint32_t *counts = retry_counts_ready(e, run, st->retry_count);
	for (size_t i = 0; i < st->retry_count; i++) {
		const struct asl_retrier *r = &st->retry[i];
		if (!retrier_matches(r, error, run->heartbeat_expired))
			continue;
		/* The first matching retrier decides; exhausted means Catch (b.6). */
		if (counts[i] >= r->max_attempts)
			return false;
		int64_t n = ++counts[i];
		sim_info(e, st)->stats.retries++;
		int64_t delay = sim_retry_delay_ms(r, n, &e->rng_jitter);
		if (st->type == ASL_TASK && !task_params_again(e, run))
			return true;
		sim_schedule(e, run, delay,
			     st->type == ASL_TASK ? ACT_TASK_SCHEDULE : ACT_BLOCK_START);
		return true;
	}
	return false;
}

static void emit_state_failed(struct sim_engine *e, struct sim_run *run)
{
	const struct asl_state *st = run->state;
	if (st->type == ASL_MAP)
		run->last = sim_emit(e, EV_MapStateFailed, run->last, st, run->item, NULL, NULL);
	else if (st->type == ASL_PARALLEL)
		run->last =
		    sim_emit(e, EV_ParallelStateFailed, run->last, st, run->item, NULL, NULL);
}

static bool try_catch(struct sim_engine *e, struct sim_run *run, const char *error,
		      const char *cause)
{
	const struct asl_state *st = run->state;
	for (size_t i = 0; i < st->catch_count; i++) {
		const struct asl_catcher *c = &st->catch_[i];
		bool hb = run->heartbeat_expired &&
			  sim_error_matches((const char *const *)c->errors, c->error_count,
					    "States.HeartbeatTimeout");
		if (!hb &&
		    !sim_error_matches((const char *const *)c->errors, c->error_count, error))
			continue;
		json_t *err_out =
		    json_pack("{s:s, s:s}", "Error", error, "Cause", cause ? cause : "");
		struct flow_error ferr = {0};
		json_t *out = flow_result_path(run->input, err_out, c->result_path, &ferr);
		json_decref(err_out);
		if (!out) {
			/* The catcher's own ResultPath cannot apply: the state fails with that
			 * error (States.ReferencePathConflict, as reported of a catcher whose
			 * ResultPath met an array input), no catcher again. */
			run->failed_in_task = false;
			emit_state_failed(e, run);
			sim_run_fail(e, run, ferr.name ? ferr.name : "States.Runtime", ferr.cause);
			flow_error_fini(&ferr);
			return true;
		}
		/* A catcher's Assign sees the error output as `$`. */
		json_t *cj = json_array_get(json_object_get(st->json, "Catch"), i);
		if (run->more) {
			json_decref(run->more->assigned);
			run->more->assigned = NULL;
		}
		err_out = json_pack("{s:s, s:s}", "Error", error, "Cause", cause ? cause : "");
		struct flow_error aerr = {0};
		bool ok = assign_from(e, run, json_object_get(cj, "Assign"), err_out, &aerr);
		json_decref(err_out);
		if (!ok) {
			/* Failing here is final: no second round of Retry/Catch. */
			json_decref(out);
			run->failed_in_task = false;
			emit_state_failed(e, run);
			sim_run_fail(e, run, aerr.name ? aerr.name : "States.Runtime", aerr.cause);
			flow_error_fini(&aerr);
			return true;
		}
		emit_state_failed(e, run);
		run->exit_caught = true;
		sim_leave(e, run, out, c->next);
		return true;
	}
	return false;
}

void sim_handle_error(struct sim_engine *e, struct sim_run *run, const char *error,
		      const char *cause)
{
	const struct asl_state *st = run->state;
	bool handles = st->type == ASL_TASK || st->type == ASL_MAP || st->type == ASL_PARALLEL;
	/* A Fail state without Error fails with no error name (ExecutionFailed has none): no
	 * retrier or catcher names it, so it goes up unhandled (it crashed here before). */
	if (handles && error && strcmp(error, "States.Runtime") != 0) {
		if (try_retry(e, run, error)) {
			run->failed_in_task = false;
			return;
		}
		if (try_catch(e, run, error, cause)) {
			run->failed_in_task = false;
			return;
		}
	}
	sim_info(e, st)->stats.failures++;
	emit_state_failed(e, run);
	sim_run_fail(e, run, error, cause);
}

void sim_fail_before_start(struct sim_engine *e, struct sim_run *run, const char *why)
{
	char *cause = sim_runtime_cause(run, why);
	sim_info(e, run->state)->stats.failures++;
	sim_run_fail(e, run, "States.Runtime", cause);
	free(cause);
}

void sim_block_output_failed(struct sim_engine *e, struct sim_run *run, struct flow_error *err)
{
	const struct asl_state *st = run->state;
	if (err->name && strcmp(err->name, "States.Runtime") != 0) {
		sim_flow_failed(e, run, err);
		return;
	}
	run->last =
	    sim_emit(e, st->type == ASL_MAP ? EV_MapStateSucceeded : EV_ParallelStateSucceeded,
		     run->last, st, run->item, NULL, NULL);
	sim_fail_before_start(e, run, err->cause ? err->cause : "");
	flow_error_fini(err);
}
