/*
 * Task states: Scheduled → Started → Succeeded | Failed | TimedOut in the three event
 * families (Task*, LambdaFunction*, Activity*; aws-facts a.4, b.9), timeouts counted from
 * the start (b.4), mocks (c.1) and the service models.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
 */
#include "internal.h"
#include "doc/doc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define NEVER INT64_MAX

/* Lets go of the attempt's answer (a recipe holds no pointers). */
static void answer_clear(struct sim_run *run)
{
	if (!run->has_recipe) {
		json_decref(run->result);
		free(run->error);
		free(run->cause);
	}
	/* The three pointers cover the whole union (the recipe too). */
	_Static_assert(sizeof(run->recipe) <= 3 * sizeof(void *), "answer union");
	run->result = NULL;
	run->error = run->cause = NULL;
	run->has_recipe = false;
	run->result_made = false;
	run->result_size = 0;
}

void sim_task_clear(struct sim_run *run)
{
	json_decref(run->params);
	run->params = NULL;
	answer_clear(run);
}

static bool is_legacy_lambda(const char *r)
{
	return strncmp(r, "arn:", 4) == 0 && strstr(r, ":lambda:") && strstr(r, ":function:");
}

static bool is_activity(const char *r)
{
	return strncmp(r, "arn:", 4) == 0 && strstr(r, ":states:") && strstr(r, ":activity:");
}

/* The detail of info's Task events in log (see sim_state_info.res_detail); res: the state's
 * Resource (borrowed). */
static uint32_t task_detail(struct ev_log *log, const struct sim_state_info *info, const char *res)
{
	struct ev_detail d = {0};
	if (info->kind == TASK_SERVICE) {
		d.resource_type = ev_log_intern(log, info->res_type);
		d.resource = ev_log_intern(log, info->res_name);
	} else {
		d.resource = ev_log_intern(log, res);
	}
	return ev_log_detail(log, &d);
}

/* Once per Task state: its kind, whether it waits for a callback, its history strings. */
static void classify(struct sim_engine *e, struct sim_state_info *info, const char *res)
{
	if (info->classified)
		return;
	info->classified = true;
	if (is_legacy_lambda(res)) {
		info->kind = TASK_LAMBDA_LEGACY;
	} else if (is_activity(res)) {
		info->kind = TASK_ACTIVITY;
		info->callback = true;
	} else {
		info->kind = TASK_SERVICE;
		if (!sim_split_resource(res, &info->res_type, &info->res_name)) {
			info->res_type = xstrdup("unknown");
			info->res_name = xstrdup(res);
		}
		info->callback = str_ends_with(info->res_name, ".waitForTaskToken") ||
				 strstr(info->res_name, ".sync") != NULL;
	}
	info->lambda = info->kind == TASK_LAMBDA_LEGACY ||
		       (info->res_type && strcmp(info->res_type, "lambda") == 0);
	info->res_detail = task_detail(e->main_log, info, res);
}

/* TimeoutSeconds / HeartbeatSeconds or their Path forms (`name` + "Path"), in ms; -1 after
 * failing the run. */
static int64_t seconds_field(struct sim_engine *e, struct sim_run *run, const char *name,
			     const char *path_name)
{
	json_t *sj = run->state->json;
	json_t *v = json_object_get(sj, name);
	if (json_is_integer(v))
		return json_integer_value(v) * 1000;
	json_t *path = json_object_get(sj, path_name);
	if (!json_is_string(path))
		return 0;
	struct flow_error err = {0};
	struct flow_env env;
	sim_flow_env(e, run, NULL, &env);
	json_t *val = flow_select(run->input, json_string_value(path), &env, &err);
	if (!val) {
		sim_flow_failed(e, run, &err);
		return -1;
	}
	int64_t ms = json_is_integer(val) && json_integer_value(val) > 0
			 ? json_integer_value(val) * 1000
			 : -1;
	if (ms < 0) {
		char *shown = doc_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
		char *why = xasprintf("The %sPath parameter does not reference a positive "
				      "integer: %s == %s",
				      name, json_string_value(path), shown);
		char *cause = sim_runtime_cause(run, why);
		sim_handle_error(e, run, "States.Runtime", cause);
		free(shown);
		free(why);
		free(cause);
	}
	json_decref(val);
	return ms;
}

/* Step Functions Local refuses to mock an Activity: a test case naming one fails the execution
 * with States.Runtime when the state is reached (its cause as recorded in
 * aws-samples/aws-stepfunctions-examples#69; aws-facts c.1). True when st is so named and the
 * failure was raised. */
static bool activity_mocked(struct sim_engine *e, struct sim_run *run)
{
	json_t *ret = NULL;
	const char *error = NULL, *cause = NULL;
	if (sim_mock_lookup(e->opt.mock, run->state->name, 0, &ret, &error, &cause) ==
	    SIM_MOCK_NONE)
		return false;
	sim_handle_error(e, run, "States.Runtime",
			 "Activity state cannot be mocked. Please remove mocks mapped for all "
			 "activity state in the mock config file.");
	return true;
}

void sim_task_begin(struct sim_engine *e, struct sim_run *run, json_t *params)
{
	sim_task_clear(run);
	run->params = params;
	struct sim_state_info *info = sim_info(e, run->state);
	/* A pure template's parameters were only checked (params is NULL): the log keeps a
	 * recipe and the call makes them (task_params), so they need not wait in memory
	 * meanwhile: a Map with every iteration in flight at once held them all. */
	classify(e, info, run->state->resource ? run->state->resource : "");
	if (info->kind == TASK_ACTIVITY && activity_mocked(e, run))
		return;
	if (!info->fixed_timeouts) { /* else read from info (task_timeouts) */
		struct sim_run_more *more = sim_more(e, run);
		more->timeout_ms = seconds_field(e, run, "TimeoutSeconds", "TimeoutSecondsPath");
		if (more->timeout_ms < 0)
			return;
		more->heartbeat_ms =
		    seconds_field(e, run, "HeartbeatSeconds", "HeartbeatSecondsPath");
		if (more->heartbeat_ms < 0)
			return;
	}
	/* Scheduled right after Entered, in the same step: AWS writes each iteration's pair back
	 * to back, before the next iteration's Entered (corpus
	 * map-inline-lambda-invoke-timeouts-unbounded, events 8-15). */
	sim_task_schedule(e, run);
}

/* The running Task's TimeoutSeconds and HeartbeatSeconds in ms (0 = none): the state's, or
 * those sim_task_begin read through their *Path. */
static void task_timeouts(const struct sim_run *run, const struct sim_state_info *info,
			  int64_t *timeout_ms, int64_t *heartbeat_ms)
{
	bool fixed = info->fixed_timeouts;
	*timeout_ms = fixed ? info->timeout_ms : run->more->timeout_ms;
	*heartbeat_ms = fixed ? info->heartbeat_ms : run->more->heartbeat_ms;
}

static json_t *timeouts_extra(const struct sim_run *run, const struct sim_state_info *info,
			      json_t *extra)
{
	int64_t timeout_ms, heartbeat_ms;
	task_timeouts(run, info, &timeout_ms, &heartbeat_ms);
	if (timeout_ms > 0)
		json_object_set_new(extra, "timeoutInSeconds", json_integer(timeout_ms / 1000));
	if (heartbeat_ms > 0 && info->kind != TASK_LAMBDA_LEGACY)
		json_object_set_new(extra, "heartbeatInSeconds", json_integer(heartbeat_ms / 1000));
	return extra;
}

/* info: the Task state's (sim_info). Inline: built in place in its caller, not returned
 * through a copy (three per Task). */
static inline struct ev task_ev(struct sim_engine *e, const struct sim_run *run,
				const struct sim_state_info *info, enum ev_type type)
{
	struct ev ev = {.type = type, .prev = run->last, .item = run->item};
	if (info->kind == TASK_SERVICE) /* else a child execution's log */
		ev.detail =
		    !e->cur ? info->res_detail : task_detail(e->log, info, run->state->resource);
	return ev;
}

/* One type per family: Scheduled, Started, Succeeded, Failed, TimedOut. */
static const enum ev_type family[3][5] = {
    [TASK_SERVICE] = {EV_TaskScheduled, EV_TaskStarted, EV_TaskSucceeded, EV_TaskFailed,
		      EV_TaskTimedOut},
    [TASK_LAMBDA_LEGACY] = {EV_LambdaFunctionScheduled, EV_LambdaFunctionStarted,
			    EV_LambdaFunctionSucceeded, EV_LambdaFunctionFailed,
			    EV_LambdaFunctionTimedOut},
    [TASK_ACTIVITY] = {EV_ActivityScheduled, EV_ActivityStarted, EV_ActivitySucceeded,
		       EV_ActivityFailed, EV_ActivityTimedOut},
};

/* ---- TaskScheduled's parameters as a recipe ----
 * The log keeps the state's JSON and the raw input (two references) instead of the built
 * Parameters object, and builds it again when read: the built object's keys and hashtable
 * per event were most of what a long run keeps. Only for a pure template (the same state and
 * input give the same parameters); the task itself still gets the built object. */
struct params_recipe {
	json_t *state, *input; /* references the log holds */
};

/* A path that reads the state input only: `$`, `$.a`, `$[0]`; not `$$`, a variable or an
 * intrinsic, and no other `$` anywhere (a filter may compare with `$$.Execution.Name` or
 * `$var`; a literal '$' in a filter is turned away too, which only costs the recipe). */
static bool input_path(const char *p)
{
	return p && p[0] == '$' && (p[1] == '\0' || p[1] == '.' || p[1] == '[') &&
	       !strchr(p + 1, '$');
}

static bool template_pure(json_t *v)
{
	const char *key;
	json_t *sub;
	size_t i;
	if (json_is_array(v)) {
		json_array_foreach(v, i, sub) if (!template_pure(sub)) return false;
		return true;
	}
	json_object_foreach(v, key, sub)
	{
		size_t n = strlen(key);
		bool dollar = n >= 2 && strcmp(key + n - 2, ".$") == 0;
		if (dollar ? !input_path(json_string_value(sub)) : !template_pure(sub))
			return false;
	}
	return true;
}

bool sim_params_pure(const struct asl_state *st)
{
	json_t *params = json_object_get(st->json, "Parameters");
	json_t *in = json_object_get(st->json, "InputPath");
	return st->type == ASL_TASK && st->query_language == ASL_JSONPATH &&
	       json_is_object(params) && template_pure(params) &&
	       (!in || json_is_null(in) || input_path(json_string_value(in)));
}

/* The value itself, not its text: parameters may nest deeper than jansson reads back. */
static json_t *params_make(const void *recipe)
{
	struct params_recipe r;
	memcpy(&r, recipe, sizeof(r));
	struct flow_env env = {0};
	struct flow_error err = {0};
	json_t *v = flow_state_input(r.state, r.input, &env, NULL, &err);
	/* The same expansion succeeded when the event was appended. */
	assert(v);
	flow_error_fini(&err);
	return v ? v : json_null();
}

static void params_release(const void *recipe)
{
	struct params_recipe r;
	memcpy(&r, recipe, sizeof(r));
	json_decref(r.state);
	json_decref(r.input);
}

static const struct ev_maker params_maker = {
    .make = params_make, .recipe_len = sizeof(struct params_recipe), .release = params_release};

/* The built parameters (borrowed: run's). A pure template's are dropped once checked and
 * again once the call has them (the log keeps its recipe), and made here when the call (or a
 * child execution's log) needs them: the same state and input give the same value. */
static json_t *task_params(struct sim_engine *e, struct sim_run *run)
{
	if (!run->params) {
		struct flow_env env = {0};
		struct flow_error err = {0};
		run->params = sim_state_input(e, run, &env, NULL, &err); /* pure: no context */
		assert(run->params); /* it succeeded the first time */
		flow_error_fini(&err);
	}
	return run->params;
}

json_t *sim_call_parameters(const struct sim_call *call)
{
	return call->parameters || !call->run ? call->parameters
					      : task_params(call->engine, call->run);
}

/* json_object_get for a task's parameters, which hold a few fields: comparing the keys costs
 * less than hashing one (lambda:invoke reads two fields on every call). */
static json_t *param(json_t *params, const char *key)
{
	if (json_object_size(params) > 8)
		return json_object_get(params, key);
	size_t n = strlen(key);
	for (void *it = json_object_iter(params); it; it = json_object_iter_next(params, it))
		if (json_object_iter_key_len(it) == n &&
		    memcmp(json_object_iter_key(it), key, n) == 0)
			return json_object_iter_value(it);
	return NULL;
}

json_t *sim_call_field(const struct sim_call *call, const char *key)
{
	const struct sim_run *run = call->run;
	if (call->parameters || !run || run->params)
		return json_incref(param(sim_call_parameters(call), key));
	/* A pure template (task_params): no context, no variables. */
	struct sim_state_info *info = sim_info(call->engine, run->state);
	if (info->lit_key && strcmp(info->lit_key, key) == 0)
		return json_incref(info->lit_val);
	struct flow_env env = {0};
	json_t *v = flow_plan_field(info->plan, run->input, &env, key);
	/* The template's own scalar under that name is a literal (a `.$` form would have given a
	 * value of the input): the same on every call, kept (lambda:invoke's FunctionName on
	 * every call; 10,000 items: 1.8M instructions). */
	if (!v || json_is_object(v) || json_is_array(v) ||
	    (info->dyn_key && strcmp(info->dyn_key, key) == 0))
		return v;
	char **keep = v == json_object_get(json_object_get(run->state->json, "Parameters"), key)
			  ? &info->lit_key
			  : &info->dyn_key;
	free(*keep);
	*keep = xstrdup(key);
	if (keep == &info->lit_key)
		info->lit_val = v;
	return v;
}

static int64_t emit_scheduled(struct sim_engine *e, struct sim_run *run,
			      const struct sim_state_info *info, struct ev *ev)
{
	if (!info->params_recipe || e->cur || !run->input) {
		ev->payload = json_incref(task_params(e, run));
		return sim_emit_ev(e, ev, run->state);
	}
	struct params_recipe r = {json_incref(run->state->json), json_incref(run->input)};
	return sim_emit_recipe(e, ev, run->state, &params_maker, &r);
}

/* A Task's Credentials: TaskScheduled and LambdaFunctionScheduled record the role as
 * taskCredentials {roleArn} (aws-facts a.3; the API's TaskCredentials), a RoleArn.$ path's
 * value read from the state's input (or $$) as TimeoutSecondsPath's is; a path that finds no
 * string leaves the field out (what AWS does then is not known). */
static json_t *credentials_extra(struct sim_engine *e, struct sim_run *run, enum task_kind kind,
				 json_t *extra)
{
	json_t *creds = run->state->credentials;
	const char *role = json_string_value(json_object_get(creds, "RoleArn"));
	const char *path = json_string_value(json_object_get(creds, "RoleArn.$"));
	json_t *found = NULL;
	if (!role && path && kind != TASK_ACTIVITY) {
		struct flow_env env;
		struct flow_error err = {0};
		json_t *ctx =
		    strncmp(path, "$$", 2) == 0 ? sim_context(e, run, run->state, NULL, 0) : NULL;
		sim_flow_env(e, run, ctx, &env);
		found = flow_select(run->input, path, &env, &err);
		flow_error_fini(&err);
		json_decref(ctx);
		role = json_string_value(found);
	}
	if (role && kind != TASK_ACTIVITY)
		json_object_set_new(extra, "taskCredentials", json_pack("{s:s}", "roleArn", role));
	json_decref(found);
	return extra;
}

/* The *Scheduled details of run's visit (a new reference; possibly empty). */
static json_t *sched_extra(struct sim_engine *e, struct sim_run *run,
			   const struct sim_state_info *info)
{
	json_t *extra =
	    info->kind == TASK_SERVICE ? json_pack("{s:s}", "region", e->region) : json_object();
	return credentials_extra(e, run, info->kind, timeouts_extra(run, info, extra));
}

/* The detail set of run's *Scheduled event; ev: as task_ev made it. */
static uint32_t sched_detail(struct sim_engine *e, struct sim_run *run, struct sim_state_info *info,
			     struct ev *ev)
{
	/* The details are the same on every visit unless a *Path sets the timeouts: one
	 * shared value per state (no allocation per event), and in the main log one detail set
	 * (no hashing either). */
	bool fixed = info->fixed_timeouts;
	if (fixed && !e->cur && info->sched_detail)
		return info->sched_detail;
	if (info->kind != TASK_SERVICE)
		ev->detail =
		    e->cur ? task_detail(e->log, info, run->state->resource) : info->res_detail;
	json_t *extra = fixed && info->sched_extra ? json_incref(info->sched_extra) : NULL;
	if (!extra) {
		extra = sched_extra(e, run, info);
		if (fixed && !info->sched_extra)
			info->sched_extra = json_incref(extra);
	}
	if (!json_object_size(extra)) {
		json_decref(extra);
		extra = NULL;
	}
	sim_ev_set_extra(e, ev, extra);
	if (fixed && !e->cur)
		info->sched_detail = ev->detail;
	return ev->detail;
}

void sim_task_schedule(struct sim_engine *e, struct sim_run *run)
{
	struct sim_state_info *info = sim_info(e, run->state);
	struct ev ev = task_ev(e, run, info, family[info->kind][0]);
	ev.detail = sched_detail(e, run, info, &ev);
	run->last = emit_scheduled(e, run, info, &ev);
	sim_schedule(e, run, e->opt.step_ms, ACT_TASK_START);
}

static bool is_lambda(const struct sim_state_info *info)
{
	return info->lambda; /* classify: a legacy Lambda ARN or lambda:* */
}

/* A mocked Return is the service's raw response (aws-facts c.1): for a legacy function ARN
 * that is Lambda's Invoke response, of which the state gets only the Payload, as AWS passes
 * on only the function's answer (LocalStack's test_lambda_invoke in v2/local_mocking: the
 * Return {StatusCode, Payload} gives the Payload, as its AWS recording does). A Return with no
 * Payload member is taken as the answer itself, as before. ret: borrowed; returns borrowed. */
static json_t *mock_return(const struct sim_state_info *info, json_t *ret)
{
	json_t *payload = json_object_get(ret, "Payload");
	return info->kind == TASK_LAMBDA_LEGACY && payload ? payload : ret;
}

/* Fills out from the mock config or the matching service model. True when the model made
 * a dead result's envelope as a recipe (e->made_env) instead of a result. */
static bool invoke(struct sim_engine *e, struct sim_run *run, int64_t n, struct sim_outcome *out)
{
	const struct asl_state *st = run->state;
	struct sim_state_info *info = sim_info(e, st);
	json_t *ret = NULL;
	const char *error = NULL, *cause = NULL;
	switch (sim_mock_lookup(e->opt.mock, st->name, n, &ret, &error, &cause)) {
	case SIM_MOCK_RETURN:
		out->duration_ms =
		    is_lambda(info) ? e->opt.lambda_duration_ms : e->opt.generic_duration_ms;
		out->result = json_incref(mock_return(info, ret));
		return false;
	case SIM_MOCK_THROW:
		out->duration_ms =
		    is_lambda(info) ? e->opt.lambda_duration_ms : e->opt.generic_duration_ms;
		out->error = xstrdup(error);
		out->cause = cause ? xstrdup(cause) : NULL;
		return false;
	case SIM_MOCK_UNCOVERED:
		out->duration_ms = 0;
		out->error = xstrdup("States.Runtime");
		out->cause = xasprintf("The mock config has no response for invocation %lld of "
				       "state '%s'",
				       (long long)n, st->name);
		return false;
	case SIM_MOCK_NONE:
		break;
	}
	struct sim_call call = {.state = st->name,
				.resource = st->resource ? st->resource : "",
				.invocation = n,
				.now_ms = e->now,
				.rng = &e->rng_service,
				.engine = e,
				.run = run};
	if (!info->service || info->services_len != e->services.len) {
		info->service = NULL;
		info->services_len = e->services.len;
		for (size_t i = e->services.len; i-- > 0 && !info->service;) {
			const struct sim_service *svc = e->services.items[i];
			if (svc->matches(svc, call.resource))
				info->service = svc;
		}
	}
	const struct sim_service *svc = info->service;
	if (!svc) {
		out->duration_ms = e->opt.generic_duration_ms;
		out->result = json_object();
		return false;
	}
	/* A pure template's fields can be made one by one (sim_call_field): a lambda:invoke
	 * reads two and need not build the object (its hashtable) for them. */
	if (!svc->fields_only || !info->params_recipe || !run->input)
		call.parameters = task_params(e, run);
	/* Log lines the model writes belong to this task's Map iteration. */
	e->invoking_item = run->item;
	/* A dead result may come back as a recipe, but not in a child execution's log: a
	 * Distributed Map keeps thousands of those, and a recipe would give each the lazy-payload
	 * side structure. */
	e->want_made = info->dead_result && !run->in_child;
	e->made = false;
	svc->invoke(svc, &call, out);
	bool made = e->made && !out->result;
	e->want_made = e->made = false;
	e->invoking_item = -1;
	return made;
}

/* Keeps what the attempt needs until ACT_TASK_DONE: an error goes first (sim_task_done), so a
 * recipe is kept only without one. out's pointers are taken. */
static void keep_answer(struct sim_engine *e, struct sim_run *run, struct sim_outcome *out,
			bool made)
{
	/* Saturated: any size from FLOW_PAYLOAD_LIMIT on fails alike. */
	_Static_assert(FLOW_PAYLOAD_LIMIT < UINT32_MAX, "result_size is 32-bit");
	run->result_size = out->result_size < UINT32_MAX ? (uint32_t)out->result_size : UINT32_MAX;
	if (made && !out->error) {
		if (out->cause) /* none but in theory: a model may give one without an error */
			free(out->cause);
		run->recipe = e->made_env;
		run->has_recipe = true;
		run->result_made = true;
		return;
	}
	run->result = out->result;
	run->error = out->error;
	run->cause = out->cause;
}

/* The details of a cold start of init_ms (borrowed: the engine's until the next other one). */
static json_t *cold_extra(struct sim_engine *e, double init_ms)
{
	if (!e->cold_extra || e->cold_extra_ms != init_ms) {
		json_decref(e->cold_extra);
		e->cold_extra = json_pack("{s:f}", EV_KEY_COLD_START, init_ms);
		e->cold_extra_ms = init_ms;
	}
	return e->cold_extra;
}

/* The detail set of a *Started event (ev, as task_ev made it) that started cold. */
static uint32_t cold_detail(struct sim_engine *e, struct sim_state_info *info, const struct ev *ev,
			    double init_ms)
{
	json_t *x = cold_extra(e, init_ms);
	if (!e->cur && info->cold_for == x) /* see sim_state_info.cold_for */
		return info->cold_detail;
	struct ev_detail d = ev_detail(e->log, ev);
	d.extra = x;
	uint32_t id = ev_log_detail(e->log, &d);
	if (!e->cur) {
		info->cold_for = x;
		info->cold_detail = id;
	}
	return id;
}

void sim_task_start(struct sim_engine *e, struct sim_run *run)
{
	struct sim_state_info *info = sim_info(e, run->state);
	int64_t n = info->invocations++;
	info->stats.invocations++;
	if (is_lambda(info))
		e->lambda_invocations++;
	answer_clear(run);
	/* The model answers first (at the same instant), so the Started event can say whether
	 * the call started cold: AWS does not record it, the timeline shows it. */
	struct sim_outcome out = {0};
	bool made = invoke(e, run, n, &out);
	keep_answer(e, run, &out, made);
	/* The built parameters of a pure template need not live through the call: with every
	 * iteration of a large Map in flight at once they were the most of its memory. */
	if (info->params_recipe && run->input) {
		json_decref(run->params);
		run->params = NULL;
	}
	struct ev ev = task_ev(e, run, info, family[info->kind][1]);
	if (info->kind == TASK_ACTIVITY)
		sim_ev_set_extra(e, &ev, json_pack("{s:s}", "workerName", "stepscope"));
	else if (out.init_ms > 0)
		ev.detail = cold_detail(e, info, &ev, out.init_ms);
	run->last = sim_emit_ev(e, &ev, run->state);
	if (info->callback && info->kind == TASK_SERVICE) {
		struct ev sub = task_ev(e, run, info, EV_TaskSubmitted);
		sub.payload = out.submitted ? out.submitted : json_object();
		out.submitted = NULL;
		run->last = sim_emit_ev(e, &sub, run->state);
	}
	json_decref(out.submitted);
	/* Timeouts count from the start (aws-facts b.4); heartbeats matter for callbacks. */
	int64_t done = out.duration_ms >= 0 ? out.duration_ms : NEVER;
	int64_t timeout_ms, heartbeat_ms;
	task_timeouts(run, info, &timeout_ms, &heartbeat_ms);
	int64_t to = timeout_ms > 0 ? timeout_ms : NEVER;
	int64_t hb = info->callback && heartbeat_ms > 0 ? heartbeat_ms : NEVER;
	int64_t limit = to < hb ? to : hb;
	run->timed_out = limit < done;
	run->heartbeat_expired = limit < done && hb < to;
	int64_t at = done < limit ? done : limit;
	if (at != NEVER)
		sim_schedule(e, run, at, ACT_TASK_DONE);
}

static void task_failed(struct sim_engine *e, struct sim_run *run,
			const struct sim_state_info *info, const char *error, const char *cause)
{
	/* An answer of States.Timeout (a mocked Throw, as mock-from writes a recorded timeout)
	 * is a timeout: AWS records every one as TaskTimedOut / LambdaFunctionTimedOut /
	 * ActivityTimedOut with no cause (aws-facts b.4; corpus lambda-legacy-timeout). */
	bool timeout = strcmp(error, "States.Timeout") == 0;
	if (timeout && cause && !*cause)
		cause = NULL; /* as a timeout of the model's: no cause, up to the execution's end */
	struct ev ev = task_ev(e, run, info, family[info->kind][timeout ? 4 : 3]);
	sim_ev_set_error(e, &ev, error, cause);
	run->last = sim_emit_ev(e, &ev, run->state);
	run->failed_in_task = true;
	sim_handle_error(e, run, error, cause);
}

void sim_task_done(struct sim_engine *e, struct sim_run *run)
{
	const struct asl_state *st = run->state;
	const struct sim_state_info *info = sim_info(e, st);
	if (run->timed_out) {
		struct ev ev = task_ev(e, run, info, family[info->kind][4]);
		sim_ev_set_error(e, &ev, "States.Timeout", NULL);
		run->last = sim_emit_ev(e, &ev, st);
		run->failed_in_task = true;
		sim_handle_error(e, run, "States.Timeout", NULL);
		return;
	}
	bool made = run->result_made; /* then no error, and the recipe instead of a result */
	if (!made && run->error) {
		char *error = run->error, *cause = run->cause;
		run->error = run->cause = NULL;
		task_failed(e, run, info, error, cause);
		free(error);
		free(cause);
		return;
	}
	json_t *result = json_null();
	if (!made && run->result) {
		result = run->result;
		run->result = NULL;
	}
	run->result_made = false;
	size_t size =
	    run->result_size ? run->result_size : flow_json_size_upto(result, FLOW_PAYLOAD_LIMIT);
	if (size > FLOW_PAYLOAD_LIMIT) {
		/* Caught by States.ALL on AWS (aws-facts b.8, observed). */
		char *cause = xasprintf("The state/task '%s' returned a result with a size "
					"exceeding the maximum number of bytes service limit.",
					st->resource ? st->resource : st->name);
		json_decref(result);
		task_failed(e, run, info, "States.DataLimitExceeded", cause);
		free(cause);
		return;
	}
	struct ev ev = task_ev(e, run, info, family[info->kind][2]);
	if (made) {
		/* Nobody reads a dead result (internal.h): Succeeded and Exited share its recipe,
		 * and the iteration's output is a null of the envelope text's size. */
		run->last = sim_emit_made(e, &ev, st, &run->recipe);
		sim_leave_sized(e, run, result, size, st->next);
		run->exit_made = true;
		run->out_dead = true;
		return;
	}
	ev.payload = json_incref(result);
	run->last = sim_emit_ev(e, &ev, st);
	if (info->plain_output) {
		sim_leave_sized(e, run, result, size, st->next); /* the result is the output */
		return;
	}
	struct flow_env env;
	struct flow_error err = {0};
	json_t *ctx = sim_context(e, run, st, NULL, 0);
	sim_flow_env(e, run, ctx, &env);
	env.sized = result;
	env.sized_bytes = size;
	bool assign = json_object_get(st->json, "Assign") != NULL;
	struct flow_steps steps = {0};
	json_t *output =
	    flow_state_output(st->json, run->input, result, &env, assign ? &steps : NULL, &err);
	json_decref(ctx);
	if (output && assign) {
		json_t *sel = steps.after_result_selector ? steps.after_result_selector : result;
		if (!sim_assign(e, run, sel)) {
			json_decref(output);
			output = NULL;
		}
	}
	flow_steps_fini(&steps);
	json_decref(result);
	if (!output) {
		if (err.name || err.cause)
			sim_flow_failed(e, run, &err);
		return;
	}
	sim_leave(e, run, output, st->next);
}
