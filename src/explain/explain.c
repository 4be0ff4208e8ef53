/*
 * Recomputes a recorded visit through flow/ with its steps kept. The raw input comes from the
 * Entered event and the raw result from the task's success event, so the explanation needs no
 * simulator; comparing the recomputed output with the recorded one shows when they disagree.
 */
#include "explain/explain.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"
#include "doc/doc.h"

static bool is_entered(enum ev_type t)
{
	return str_ends_with(ev_type_name(t), "StateEntered");
}

static bool is_exited(enum ev_type t)
{
	return str_ends_with(ev_type_name(t), "StateExited");
}

/* Whether e follows from event `origin` through previousEventId links. Nested Maps interleave
 * other outer iterations' visits of the same state with the same item index, so the name and
 * the item alone can pick another visit's result or Exited event. */
static bool caused_by(const struct ev_log *log, int64_t id, int64_t origin)
{
	while (id > origin) {
		const struct ev *e = ev_log_get(log, id);
		id = e && e->prev > 0 ? e->prev : 0;
	}
	return id == origin;
}

bool xp_find_visit(const struct ev_log *log, size_t upto, const char *name, int32_t item,
		   struct xp_visit *v)
{
	memset(v, 0, sizeof(*v));
	v->log = log;
	size_t count = ev_log_count(log);
	if (upto == 0 || upto > count)
		upto = count;
	for (size_t id = upto; id >= 1 && !v->entered; id--) {
		const struct ev *e = ev_log_get(log, (int64_t)id);
		const char *s = ev_log_str(log, e->state);
		if (is_entered(e->type) && s && !strcmp(s, name) && (item < 0 || e->item == item)) {
			v->entered = e;
			v->entered_id = (int64_t)id;
		}
	}
	if (!v->entered)
		return false;
	for (size_t id = (size_t)v->entered_id + 1; id <= upto && !v->exited; id++) {
		const struct ev *e = ev_log_get(log, (int64_t)id);
		if (e->state != v->entered->state || e->item != v->entered->item ||
		    !caused_by(log, (int64_t)id, v->entered_id))
			continue;
		if (e->type == EV_TaskSucceeded || e->type == EV_LambdaFunctionSucceeded ||
		    e->type == EV_ActivitySucceeded) {
			v->result = e;
			v->result_id = (int64_t)id;
		} else if (is_exited(e->type)) {
			v->exited = e;
			v->exited_id = (int64_t)id;
		}
	}
	return true;
}

static void emitf(xp_emit_fn emit, void *ctx, enum xp_kind kind, const char *fmt, ...)
    PRINTF_LIKE(4, 5);
static void emitf(xp_emit_fn emit, void *ctx, enum xp_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	emit(ctx, kind, s);
	free(s);
}

static void step(xp_emit_fn emit, void *ctx, const char *label, json_t *spec, json_t *value)
{
	if (!value)
		return;
	char *s = doc_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
	char *sp = spec ? doc_dumps(spec, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	emitf(emit, ctx, XP_STEP, "%s%s%s -> %s", label, sp ? " " : "", sp ? sp : "", s ? s : "?");
	free(s);
	free(sp);
}

static void explain_choice(const struct asl_state *st, json_t *input, const struct flow_env *env,
			   xp_emit_fn emit, void *ctx)
{
	struct flow_error err = {0};
	json_t *eff = flow_input_path(input, json_object_get(st->json, "InputPath"), env, &err);
	struct flow_choice_trace trace = {0};
	int matched = -1;
	if (eff)
		flow_choice_explain(json_object_get(st->json, "Choices"), eff, env, &matched,
				    &trace, &err);
	for (size_t i = 0; i < trace.count; i++) {
		const char *label = trace.steps[i].label ? trace.steps[i].label : "?";
		const char *why = trace.steps[i].why ? trace.steps[i].why : "";
		if (trace.steps[i].matched)
			emitf(emit, ctx, XP_MATCH, "match %s  (%s)", label, why);
		else
			emitf(emit, ctx, XP_NO_MATCH, "no    %s  (%s)", label, why);
	}
	if (err.name)
		emitf(emit, ctx, XP_ERROR, "%s: %s", err.name, err.cause ? err.cause : "");
	else if (matched >= 0 && (size_t)matched < st->choice_count)
		emitf(emit, ctx, XP_RESULT, "-> rule %d: Next %s", matched + 1,
		      st->choices[matched].next_name ? st->choices[matched].next_name : "?");
	else
		emitf(emit, ctx, XP_RESULT, "-> Default %s",
		      st->default_name ? st->default_name : "(none)");
	flow_choice_trace_fini(&trace);
	flow_error_fini(&err);
	json_decref(eff);
}

static void explain_pipeline(const struct asl_state *st, const struct xp_visit *v,
			     const struct flow_env *env, xp_emit_fn emit, void *ctx)
{
	struct flow_steps steps = {0};
	struct flow_error err = {0};
	json_t *raw = ev_payload(v->log, v->entered, v->entered_id);
	json_t *eff = flow_state_input(st->json, raw, env, &steps, &err);
	json_t *result = NULL;
	if (st->type == ASL_PASS)
		result =
		    json_object_get(st->json, "Result") ? json_object_get(st->json, "Result") : eff;
	else if (v->result)
		result = ev_payload(v->log, v->result, v->result_id);
	json_t *out = NULL;
	if (eff && result && !err.name)
		out = flow_state_output(st->json, raw, result, env, &steps, &err);
	step(emit, ctx, "input", NULL, steps.input);
	step(emit, ctx, "InputPath", json_object_get(st->json, "InputPath"),
	     steps.after_input_path);
	step(emit, ctx, "Parameters", NULL, steps.after_parameters);
	step(emit, ctx, "result", NULL, steps.result);
	step(emit, ctx, "ResultSelector", NULL, steps.after_result_selector);
	step(emit, ctx, "ResultPath", json_object_get(st->json, "ResultPath"),
	     steps.after_result_path);
	step(emit, ctx, "OutputPath", json_object_get(st->json, "OutputPath"), steps.output);
	if (err.name)
		emitf(emit, ctx, XP_ERROR, "%s: %s", err.name, err.cause ? err.cause : "");
	else if (!result && (st->type == ASL_MAP || st->type == ASL_PARALLEL))
		emit(ctx, XP_NOTE, "result: the array of branch outputs (not in a history)");
	else if (!result && st->type == ASL_TASK)
		emit(ctx, XP_NOTE, "result: not in the log yet");
	json_t *recorded = v->exited ? ev_payload(v->log, v->exited, v->exited_id) : NULL;
	if (out && recorded) {
		bool same = json_equal(out, recorded);
		emit(ctx, same ? XP_AGREES : XP_DIFFERS,
		     same ? "output matches the recorded one"
			  : "output differs from the recorded one");
	}
	json_decref(out);
	json_decref(eff);
	flow_steps_fini(&steps);
	flow_error_fini(&err);
}

void xp_explain(const struct asl_state *st, const struct xp_visit *v, xp_emit_fn emit, void *ctx)
{
	json_t *input = ev_payload(v->log, v->entered, v->entered_id);
	json_t *output = v->exited ? ev_payload(v->log, v->exited, v->exited_id) : NULL;
	if (!input) {
		emit(ctx, XP_NOTE, "the history has no data (recorded without payloads)");
		return;
	}
	if (st->query_language == ASL_JSONATA) {
		step(emit, ctx, "input", NULL, input);
		step(emit, ctx, "output", NULL, output);
		emit(ctx, XP_NOTE, "JSONata: steps are not explained yet");
		return;
	}
	struct flow_env env = {.query_language = "JSONPath"};
	if (st->type == ASL_CHOICE)
		explain_choice(st, input, &env, emit, ctx);
	else
		explain_pipeline(st, v, &env, emit, ctx);
	if (output)
		step(emit, ctx, "recorded output", NULL, output);
}
