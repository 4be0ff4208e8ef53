/*
 * A state's input/output processing, step by step, for each query language:
 * raw input → InputPath → Parameters → (task) → result → ResultSelector → ResultPath →
 * OutputPath. Each intermediate value can be recorded for explanations.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 */
#include "flow/internal.h"

#include <stdlib.h>
#include <string.h>

void flow_steps_fini(struct flow_steps *steps)
{
	if (!steps)
		return;
	json_decref(steps->input);
	json_decref(steps->after_input_path);
	json_decref(steps->after_parameters);
	json_decref(steps->result);
	json_decref(steps->after_result_selector);
	json_decref(steps->after_result_path);
	json_decref(steps->output);
	memset(steps, 0, sizeof(*steps));
}

static void record(json_t **slot, json_t *v)
{
	json_decref(*slot);
	*slot = json_incref(v);
}

static bool size_error(size_t size, const char *what, struct flow_error *err);

/* `what` completes "The state ..." the way AWS words it for a task result (observed:
 * "The state/task '<arn>' returned a result with a size exceeding the maximum number of bytes
 * service limit."); the simulator adds the state's name around the cause. */
static bool check_size(json_t *v, const char *what, const struct flow_env *env,
		       struct flow_error *err)
{
	bool over =
	    env && env->sized == v ? env->sized_bytes > FLOW_PAYLOAD_LIMIT : flow_exceeds_limit(v);
	return !over || size_error(SIZE_MAX, what, err);
}

/* check_size with v's size, which it returns (as flow_json_size_upto with the limit gives
 * it), or SIZE_MAX when over. */
static size_t measure(json_t *v, const char *what, const struct flow_env *env,
		      struct flow_error *err)
{
	size_t size =
	    env && env->sized == v ? env->sized_bytes : flow_json_size_upto(v, FLOW_PAYLOAD_LIMIT);
	return size_error(size, what, err) ? size : SIZE_MAX;
}

/* True when size is within the limit; else false with States.DataLimitExceeded. */
static bool size_error(size_t size, const char *what, struct flow_error *err)
{
	if (size <= FLOW_PAYLOAD_LIMIT)
		return true;
	flow_error_set(err, "States.DataLimitExceeded",
		       "The state/task %s with a size exceeding the maximum number of bytes "
		       "service limit.",
		       what);
	return false;
}

/* build false (flow_plan_check): the parameters are checked and measured but not made, and
 * json_null() stands for success. */
static json_t *jp_input(const struct flow_plan *plan, json_t *raw, const struct flow_env *env,
			struct flow_steps *steps, size_t *size, struct flow_error *err, bool build)
{
	if (steps)
		record(&steps->input, raw);
	size_t raw_size = measure(raw, "received an input", env, err);
	if (raw_size == SIZE_MAX)
		return NULL;
	json_t *v = flow_input_path(raw, plan->input_path, env, err);
	if (!v)
		return NULL;
	if (steps)
		record(&steps->after_input_path, v);
	size_t v_size = v == raw ? raw_size : SIZE_MAX;
	if (plan->params && !build) {
		bool ok = flow_template_check(plan->params, v, v_size, env, &v_size, err);
		json_decref(v);
		if (!ok || !size_error(v_size, "built parameters", err))
			return NULL;
		if (size)
			*size = v_size;
		return json_null();
	}
	if (plan->params) {
		json_t *p = flow_template_apply(plan->params, v, v_size, env, &v_size, err);
		json_decref(v);
		if (!p)
			return NULL;
		v = p;
		if (steps)
			record(&steps->after_parameters, v);
		if (!size_error(v_size, "built parameters", err)) {
			json_decref(v);
			return NULL;
		}
	}
	if (size)
		*size = v_size != SIZE_MAX ? v_size : flow_json_size_upto(v, FLOW_PAYLOAD_LIMIT);
	return v;
}

static json_t *jp_state_input(const struct flow_plan *plan, json_t *raw, const struct flow_env *env,
			      struct flow_steps *steps, size_t *size, struct flow_error *err)
{
	return jp_input(plan, raw, env, steps, size, err, true);
}

static json_t *jp_state_output(json_t *state, json_t *raw, json_t *result,
			       const struct flow_env *env, struct flow_steps *steps,
			       struct flow_error *err)
{
	if (steps)
		record(&steps->result, result);
	size_t result_size = measure(result, "returned a result", env, err);
	if (result_size == SIZE_MAX)
		return NULL;
	json_t *r = json_incref(result);
	json_t *sel = json_object_get(state, "ResultSelector");
	if (sel) {
		json_decref(r);
		r = flow_template(sel, result, env, err);
		if (!r)
			return NULL;
		if (steps)
			record(&steps->after_result_selector, r);
	}
	json_t *merged = flow_result_path(raw, r, json_object_get(state, "ResultPath"), err);
	json_decref(r);
	if (!merged)
		return NULL;
	if (steps)
		record(&steps->after_result_path, merged);
	json_t *out = flow_output_path(merged, json_object_get(state, "OutputPath"), env, err);
	json_decref(merged);
	if (!out)
		return NULL;
	if (steps)
		record(&steps->output, out);
	/* Without ResultSelector, ResultPath and OutputPath the output is the result, measured. */
	if (out == result ? !size_error(result_size, "produced an output", err)
			  : !check_size(out, "produced an output", env, err)) {
		json_decref(out);
		return NULL;
	}
	return out;
}

const struct flow_lang flow_lang_jsonpath = {
    .name = "JSONPath",
    .state_input = jp_state_input,
    .state_output = jp_state_output,
    .rule = flow_jsonpath_rule,
};

/*
 * JSONata is a later issue. Until then its states pass data through unchanged (input as
 * given, output = the result, which is JSONata's default `Output`) and its conditions fail
 * with the error JSONata evaluation would raise.
 */
static json_t *jsonata_input(const struct flow_plan *plan, json_t *raw, const struct flow_env *env,
			     struct flow_steps *steps, size_t *size, struct flow_error *err)
{
	if (steps)
		record(&steps->input, raw);
	size_t n = measure(raw, "received an input", env, err);
	if (n == SIZE_MAX)
		return NULL;
	if (size)
		*size = n;
	return json_incref(raw);
}

static json_t *jsonata_output(json_t *state, json_t *raw, json_t *result,
			      const struct flow_env *env, struct flow_steps *steps,
			      struct flow_error *err)
{
	if (steps) {
		record(&steps->result, result);
		record(&steps->output, result);
	}
	return check_size(result, "produced an output", env, err) ? json_incref(result) : NULL;
}

static bool jsonata_rule(json_t *rule, json_t *input, const struct flow_env *env, bool *result,
			 struct flow_error *err)
{
	flow_error_set(err, "States.QueryEvaluationError",
		       "JSONata conditions are not supported by this version of stepscope");
	return false;
}

const struct flow_lang flow_lang_jsonata = {
    .name = "JSONata",
    .state_input = jsonata_input,
    .state_output = jsonata_output,
    .rule = jsonata_rule,
};

const struct flow_lang *flow_lang_of(json_t *state, const struct flow_env *env)
{
	const char *lang = json_string_value(json_object_get(state, "QueryLanguage"));
	if (!lang && env)
		lang = env->query_language;
	return lang && strcmp(lang, "JSONata") == 0 ? &flow_lang_jsonata : &flow_lang_jsonpath;
}

struct flow_plan *flow_plan_new(json_t *state, const char *query_language)
{
	struct flow_plan *plan = xcalloc(1, sizeof(*plan));
	struct flow_env env = {.query_language = query_language};
	plan->lang = flow_lang_of(state, &env);
	plan->input_path = json_object_get(state, "InputPath");
	/* A Map state's Parameters (legacy ItemSelector) applies to each item, not here. */
	json_t *params = json_object_get(state, "Parameters");
	const char *type = json_string_value(json_object_get(state, "Type"));
	if (plan->lang == &flow_lang_jsonpath && params && !(type && strcmp(type, "Map") == 0))
		plan->params = flow_template_new(params);
	return plan;
}

void flow_plan_free(struct flow_plan *plan)
{
	if (!plan)
		return;
	flow_template_free(plan->params);
	free(plan);
}

json_t *flow_plan_input(const struct flow_plan *plan, json_t *raw_input, const struct flow_env *env,
			struct flow_steps *steps, size_t *size, struct flow_error *err)
{
	return plan->lang->state_input(plan, raw_input, env, steps, size, err);
}

bool flow_plan_check(const struct flow_plan *plan, json_t *raw_input, const struct flow_env *env,
		     struct flow_error *err)
{
	json_t *v = plan->lang == &flow_lang_jsonpath
			? jp_input(plan, raw_input, env, NULL, NULL, err, false)
			: flow_plan_input(plan, raw_input, env, NULL, NULL, err);
	json_decref(v);
	return v != NULL;
}

json_t *flow_plan_field(const struct flow_plan *plan, json_t *raw_input, const struct flow_env *env,
			const char *key)
{
	struct flow_error err = {0};
	json_t *f = NULL;
	if (plan->lang == &flow_lang_jsonpath && plan->params) {
		json_t *v = plan->input_path
				? flow_input_path(raw_input, plan->input_path, env, &err)
				: json_incref(raw_input);
		f = v ? flow_template_field(plan->params, v, env, key, &err) : NULL;
		json_decref(v);
	} else {
		json_t *v = flow_plan_input(plan, raw_input, env, NULL, NULL, &err);
		f = json_incref(json_object_get(v, key));
		json_decref(v);
	}
	flow_error_fini(&err);
	return f;
}

json_t *flow_state_input(json_t *state, json_t *raw_input, const struct flow_env *env,
			 struct flow_steps *steps, struct flow_error *err)
{
	struct flow_plan *plan = flow_plan_new(state, env ? env->query_language : NULL);
	json_t *v = flow_plan_input(plan, raw_input, env, steps, NULL, err);
	flow_plan_free(plan);
	return v;
}

json_t *flow_state_output(json_t *state, json_t *raw_input, json_t *result,
			  const struct flow_env *env, struct flow_steps *steps,
			  struct flow_error *err)
{
	return flow_lang_of(state, env)->state_output(state, raw_input, result, env, steps, err);
}

/* ---- the context object ---- */
static void set_str(json_t *obj, const char *key, const char *s)
{
	if (s)
		json_object_set_new(obj, key, json_string(s));
}

json_t *flow_context_new(const struct flow_context_info *in)
{
	json_t *ctx = json_object();
	json_t *exe = json_object();
	set_str(exe, "Id", in->execution_id);
	if (in->execution_input)
		json_object_set(exe, "Input", in->execution_input);
	set_str(exe, "Name", in->execution_name);
	set_str(exe, "RoleArn", in->role_arn);
	set_str(exe, "StartTime", in->execution_start_time);
	json_object_set_new(exe, "RedriveCount", json_integer(in->redrive_count));
	json_object_set_new(ctx, "Execution", exe);
	json_t *st = json_object();
	set_str(st, "EnteredTime", in->state_entered_time);
	set_str(st, "Name", in->state_name);
	json_object_set_new(st, "RetryCount", json_integer(in->retry_count));
	json_object_set_new(ctx, "State", st);
	json_t *sm = json_object();
	set_str(sm, "Id", in->state_machine_id);
	set_str(sm, "Name", in->state_machine_name);
	json_object_set_new(ctx, "StateMachine", sm);
	if (in->task_token) {
		json_t *task = json_object();
		set_str(task, "Token", in->task_token);
		json_object_set_new(ctx, "Task", task);
	}
	if (in->in_map) {
		json_t *item = json_object();
		json_object_set_new(item, "Index", json_integer(in->map_index));
		json_object_set(item, "Value", in->map_value ? in->map_value : json_null());
		json_t *map = json_object();
		json_object_set_new(map, "Item", item);
		json_object_set_new(ctx, "Map", map);
	}
	return ctx;
}
