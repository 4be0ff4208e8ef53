/*
 * The inspector's data-flow section: for the latest visit of a state at the cursor, each
 * processing step from flow/ (InputPath -> Parameters -> result -> ResultSelector ->
 * ResultPath -> OutputPath) or, for a Choice, why each rule matched or not. The raw input and
 * result come from the log (the Entered event and the task's success), so a replay with data
 * explains itself; the recomputed output is compared with the recorded one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "flow/flow.h"
#include "tui/internal.h"

/* The latest visit of `name` up to the cursor: its Entered event, result and Exited event. */
struct visit {
	const struct ev *entered, *result, *exited;
};

static bool is_entered(enum ev_type t)
{
	const char *n = ev_type_name(t);
	size_t len = strlen(n);
	return len > 12 && !strcmp(n + len - 12, "StateEntered");
}

static bool find_visit(struct tui_app *app, ev_str_t name, struct visit *v)
{
	memset(v, 0, sizeof(*v));
	size_t pos = app->play.pos;
	for (size_t id = pos; id >= 1 && !v->entered; id--) {
		const struct ev *e = ev_log_get(app->log, (int64_t)id);
		if (e->state == name && is_entered(e->type))
			v->entered = e;
	}
	if (!v->entered)
		return false;
	for (size_t id = (size_t)v->entered->id + 1; id <= pos && !v->exited; id++) {
		const struct ev *e = ev_log_get(app->log, (int64_t)id);
		if (e->state != name || e->item != v->entered->item)
			continue;
		if (e->type == EV_TaskSucceeded || e->type == EV_LambdaFunctionSucceeded ||
		    e->type == EV_ActivitySucceeded)
			v->result = e;
		else if (!strcmp(ev_type_name(e->type) + strlen(ev_type_name(e->type)) - 6,
				 "Exited"))
			v->exited = e;
	}
	return true;
}

static void step(struct tui_lines *l, const char *label, json_t *spec, json_t *value)
{
	if (!value)
		return;
	char *s = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
	char *sp = spec ? json_dumps(spec, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	lines_add(l, CANVAS_DEFAULT, "  %s%s%s -> %s", label, sp ? " " : "", sp ? sp : "",
		  s ? s : "?");
	free(s);
	free(sp);
}

static void choice_flow(struct tui_lines *l, const struct asl_state *st, json_t *input,
			const struct flow_env *env)
{
	struct flow_error err = {0};
	json_t *eff = flow_input_path(input, json_object_get(st->json, "InputPath"), env, &err);
	struct flow_choice_trace trace = {0};
	int matched = -1;
	if (eff)
		flow_choice_explain(json_object_get(st->json, "Choices"), eff, env, &matched,
				    &trace, &err);
	for (size_t i = 0; i < trace.count; i++)
		lines_add(l, trace.steps[i].matched ? CANVAS_STATE_SUCCEEDED : CANVAS_DIM,
			  "  %s %s  (%s)", trace.steps[i].matched ? "match" : "no   ",
			  trace.steps[i].label ? trace.steps[i].label : "?",
			  trace.steps[i].why ? trace.steps[i].why : "");
	if (err.name)
		lines_add(l, CANVAS_ERROR, "  %s: %s", err.name, err.cause ? err.cause : "");
	else if (matched >= 0 && (size_t)matched < st->choice_count)
		lines_add(l, CANVAS_INFO, "  -> rule %d: Next %s", matched + 1,
			  st->choices[matched].next_name ? st->choices[matched].next_name : "?");
	else
		lines_add(l, CANVAS_INFO, "  -> Default %s",
			  st->default_name ? st->default_name : "(none)");
	flow_choice_trace_fini(&trace);
	flow_error_fini(&err);
	json_decref(eff);
}

static void pipeline_flow(struct tui_lines *l, const struct asl_state *st, const struct visit *v,
			  const struct flow_env *env)
{
	struct flow_steps steps = {0};
	struct flow_error err = {0};
	json_t *raw = v->entered->payload;
	json_t *eff = flow_state_input(st->json, raw, env, &steps, &err);
	json_t *result = NULL;
	if (st->type == ASL_PASS)
		result =
		    json_object_get(st->json, "Result") ? json_object_get(st->json, "Result") : eff;
	else if (v->result)
		result = v->result->payload;
	json_t *out = NULL;
	if (eff && result && !err.name)
		out = flow_state_output(st->json, raw, result, env, &steps, &err);
	step(l, "input", NULL, steps.input);
	step(l, "InputPath", json_object_get(st->json, "InputPath"), steps.after_input_path);
	step(l, "Parameters", NULL, steps.after_parameters);
	step(l, "result", NULL, steps.result);
	step(l, "ResultSelector", NULL, steps.after_result_selector);
	step(l, "ResultPath", json_object_get(st->json, "ResultPath"), steps.after_result_path);
	step(l, "OutputPath", json_object_get(st->json, "OutputPath"), steps.output);
	if (err.name)
		lines_add(l, CANVAS_ERROR, "  %s: %s", err.name, err.cause ? err.cause : "");
	else if (!result && (st->type == ASL_MAP || st->type == ASL_PARALLEL))
		lines_add(l, CANVAS_DIM,
			  "  result: the array of branch outputs (not in a history)");
	else if (!result && st->type == ASL_TASK)
		lines_add(l, CANVAS_DIM, "  result: not in the log yet");
	if (out && v->exited && v->exited->payload)
		lines_add(
		    l,
		    json_equal(out, v->exited->payload) ? CANVAS_STATE_SUCCEEDED : CANVAS_WARNING,
		    "  %s",
		    json_equal(out, v->exited->payload) ? "output matches the recorded one"
							: "output differs from the recorded one");
	json_decref(out);
	json_decref(eff);
	flow_steps_fini(&steps);
	flow_error_fini(&err);
}

void inspect_flow(struct tui_app *app, struct tui_lines *l, const struct graph_node *n)
{
	const struct asl_state *st = n->user;
	ev_str_t name = 0;
	for (size_t i = 1; i < app->play.states.len && !name; i++)
		if (app->play.states.items[i].node == n)
			name = (ev_str_t)i;
	struct visit v;
	if (!st || !name || !find_visit(app, name, &v)) {
		lines_add(l, CANVAS_DIM, "data flow: not visited yet");
		return;
	}
	char t[24];
	tui_fmt_time(v.entered->t_ms, t, sizeof(t));
	if (v.entered->item >= 0)
		lines_add(l, CANVAS_TITLE, "data flow (latest visit, t=%s, item #%d):", t,
			  v.entered->item);
	else
		lines_add(l, CANVAS_TITLE, "data flow (latest visit, t=%s):", t);
	if (!v.entered->payload) {
		lines_add(l, CANVAS_DIM, "  the history has no data (recorded without payloads)");
		return;
	}
	if (st->query_language == ASL_JSONATA) {
		step(l, "input", NULL, v.entered->payload);
		step(l, "output", NULL, v.exited ? v.exited->payload : NULL);
		lines_add(l, CANVAS_DIM, "  JSONata: steps are not explained yet");
		return;
	}
	struct flow_env env = {.query_language = "JSONPath"};
	if (st->type == ASL_CHOICE)
		choice_flow(l, st, v.entered->payload, &env);
	else
		pipeline_flow(l, st, &v, &env);
	if (v.exited && v.exited->payload)
		step(l, "recorded output", NULL, v.exited->payload);
}
