/*
 * flow — the ASL data language (JSONPath query language): paths, reference paths, payload
 * templates, intrinsic functions, Choice rules, the context object, and the input/output
 * processing pipeline of a state, with an explanation of each step.
 *
 * Pure: JSON in, JSON or a Step Functions error out. No I/O, no clock; randomness comes from
 * the caller's generator. The simulator, the validator (syntax checks) and the TUI inspector
 * (explanations) call it. Semantics follow the AWS documentation (cited in tests/flow/).
 *
 * Ownership: functions returning json_t * return a NEW reference (caller decrefs) or NULL on
 * error, with `err` filled. Arguments are borrowed. Input values are never mutated.
 *
 * A second expression language (JSONata) will sit beside this one behind the same pipeline
 * entry points; nothing here is JSONPath-specific in its signature.
 */
#ifndef STEPSCOPE_FLOW_H
#define STEPSCOPE_FLOW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"

/* A Step Functions runtime error: name (e.g. "States.Runtime") and cause, both owned. */
struct flow_error {
	char *name;
	char *cause;
};
void flow_error_set(struct flow_error *err, const char *name, const char *fmt, ...)
    PRINTF_LIKE(3, 4);
void flow_error_fini(struct flow_error *err);

/* What an evaluation may read besides its input. All borrowed; any may be NULL. */
struct flow_env {
	json_t *context;   /* the context object `$$` (Execution, State, StateMachine, Task, Map) */
	json_t *variables; /* workflow variables (`$name`), for Assign; NULL when none */
	struct rng *rng;   /* States.UUID and States.MathRandom */
	/* The state machine's top-level QueryLanguage ("JSONPath" or "JSONata"); NULL means
	 * JSONPath. A state's own "QueryLanguage" field overrides it. */
	const char *query_language;
	/* A value whose compact size (flow_json_size) the caller already knows, so the payload
	 * size checks need not measure it again (the simulator sums a Map's result from its
	 * iterations' checked outputs); NULL = none. */
	const json_t *sized;
	size_t sized_bytes;
};

/*
 * The context object `$$` from the values the simulator knows. Strings are borrowed and may
 * be NULL (then the field is omitted); json values are borrowed (copied by reference).
 * `$$.Task` appears only with a task token, `$$.Map` only when in_map is set (ItemSelector).
 */
struct flow_context_info {
	const char *execution_id, *execution_name, *role_arn, *execution_start_time;
	json_t *execution_input;
	long long redrive_count;
	const char *state_name, *state_entered_time;
	long long retry_count;
	const char *state_machine_id, *state_machine_name;
	const char *task_token;
	bool in_map;
	long long map_index;
	json_t *map_value;
};
/* A new context object (caller decrefs). */
json_t *flow_context_new(const struct flow_context_info *info);

/* ---- syntax checks, for validation at load time ---- */
/*
 * Checks a JSONPath (`reference` = a reference path: single node, no wildcards, filters or
 * slices) or, with intrinsic, an intrinsic function call. On failure fills *message (owned by
 * the caller) and *offset (0-based byte offset of the problem within the string).
 */
bool flow_check_path(const char *path, bool reference, char **message, size_t *offset);
/* (Paths may start with `$$` (context) or `$name` (a variable); a field that must point into
 * the state input, such as ResultPath, rejects those itself.) */
bool flow_check_intrinsic(const char *expr, char **message, size_t *offset);
/* Walks a payload template (Parameters, ItemSelector, ResultSelector) and checks every
 * `key.$` value; calls `report` for each problem with a JSON pointer relative to tmpl. */
void flow_check_template(json_t *tmpl,
			 void (*report)(void *ctx, const char *pointer, const char *message),
			 void *ctx);

/* ---- evaluation ---- */
/* Evaluates a path against `input` (`$...`) or the context (`$$...`). A definite path that
 * matches nothing is an error (States.Runtime by default). Indefinite paths give arrays. */
json_t *flow_select(json_t *input, const char *path, const struct flow_env *env,
		    struct flow_error *err);

/* A Map's ItemsPath: flow_select, but a reference path into the input that finds nothing
 * fails as on AWS: States.ReferencePathConflict, `Unable to apply step "<step>" to input ...`. */
json_t *flow_items_path(json_t *input, const char *path, const struct flow_env *env,
			struct flow_error *err);

/* InputPath / OutputPath: spec is the field's value (NULL = absent = "$"; json null = {}). */
json_t *flow_input_path(json_t *input, json_t *spec, const struct flow_env *env,
			struct flow_error *err);
json_t *flow_output_path(json_t *input, json_t *spec, const struct flow_env *env,
			 struct flow_error *err);
/* Parameters / ItemSelector / ResultSelector / legacy Map Parameters: `key.$` fields take
 * paths, context paths and intrinsic calls; others are copied. */
json_t *flow_template(json_t *tmpl, json_t *input, const struct flow_env *env,
		      struct flow_error *err);
/* A template prepared once for many expansions: its paths parsed, its static parts measured.
 * tmpl is borrowed and must outlive it. */
struct flow_template;
struct flow_template *flow_template_new(json_t *tmpl);
void flow_template_free(struct flow_template *t);
/* flow_template with a prepared template. input_size: flow_json_size(input) when the caller
 * knows it, else SIZE_MAX. When size is not NULL, *size is flow_json_size(result) when that is
 * within FLOW_PAYLOAD_LIMIT, else some size above the limit; it is added up while building (only
 * the values paths produced are measured, and the input not even those when its size is given). */
json_t *flow_template_apply(const struct flow_template *t, json_t *input, size_t input_size,
			    const struct flow_env *env, size_t *size, struct flow_error *err);
/* flow_template_apply without the result: the same errors and *size (not NULL), but only
 * the values paths produce are made (and dropped), not the objects and arrays around them. */
bool flow_template_check(const struct flow_template *t, json_t *input, size_t input_size,
			 const struct flow_env *env, size_t *size, struct flow_error *err);
/* The value of one field of the object t makes (a new reference; NULL when it makes none of
 * that name, or with err set), without making the others. */
json_t *flow_template_field(const struct flow_template *t, json_t *input,
			    const struct flow_env *env, const char *key, struct flow_error *err);
/* ResultPath: spec NULL = "$" (result replaces input), json null = keep input, else a
 * reference path into a copy of input where result is placed (creating objects). */
json_t *flow_result_path(json_t *input, json_t *result, json_t *spec, struct flow_error *err);
/* A path, context path, variable or intrinsic call, as in Fail's ErrorPath / CausePath:
 * intrinsic failures are States.IntrinsicFailure, paths that find nothing States.Runtime. */
json_t *flow_expression(const char *expr, json_t *input, const struct flow_env *env,
			struct flow_error *err);
/* An intrinsic call such as "States.Format('x{}', $.a)". */
json_t *flow_intrinsic(const char *expr, json_t *input, const struct flow_env *env,
		       struct flow_error *err);

/*
 * Choice: evaluates the `Choices` array (borrowed JSON) against input; *matched is the index of
 * the first matching rule or -1 (the caller then uses Default or fails: States.Runtime on AWS).
 * False with err on runtime errors (e.g. a missing Variable path: States.Runtime).
 */
bool flow_choice(json_t *choices, json_t *input, const struct flow_env *env, int *matched,
		 struct flow_error *err);
/* A whole Choice state (borrowed JSON): the `Next` of the first matching rule, else its
 * `Default` (both borrowed from the state), else NULL with States.Runtime ("Failed to
 * transition out of the state", as AWS; not States.NoChoiceMatched). input is
 * the effective input (after InputPath). *matched as for flow_choice (may be NULL). */
const char *flow_choice_next(json_t *state, json_t *input, const struct flow_env *env, int *matched,
			     struct flow_error *err);
/* One rule (possibly And/Or/Not), for explanations. */
bool flow_rule(json_t *rule, json_t *input, const struct flow_env *env, bool *result,
	       struct flow_error *err);
/* Why each top-level rule matched or not, in order, up to the first match. */
struct flow_rule_step {
	char *label; /* flow_rule_label of the rule */
	bool matched;
	char *why; /* the values the rule looked at, e.g. "$.value is 22"; owned */
};
struct flow_choice_trace {
	struct flow_rule_step *steps;
	size_t count;
};
/* flow_choice that also fills *trace (when not NULL; fini it even after an error). */
bool flow_choice_explain(json_t *choices, json_t *input, const struct flow_env *env, int *matched,
			 struct flow_choice_trace *trace, struct flow_error *err);
void flow_choice_trace_fini(struct flow_choice_trace *trace);
/* Short human label of a rule, e.g. "$.n > 10", "not($.a == \"x\")"; owned by the caller. */
char *flow_rule_label(json_t *rule);

/* ---- the state's whole input/output pipeline, with its steps ---- */
/* Each step's value (new references, NULL when the step does not apply). */
struct flow_steps {
	json_t *input;
	json_t *after_input_path;
	json_t *after_parameters;
	json_t *result;
	json_t *after_result_selector;
	json_t *after_result_path;
	json_t *output;
};
void flow_steps_fini(struct flow_steps *steps);
/* The recorded steps as text, one "label: compact JSON" line per step that applied, each
 * value cut to `width` bytes (0 = no limit); owned by the caller. For `run --explain`. */
char *flow_steps_text(const struct flow_steps *steps, size_t width);
/* A Choice trace as text: one line per evaluated rule ("rule 2: $.value == 0: no, $.value is
 * 22"), then the outcome; owned by the caller. */
char *flow_choice_trace_text(const struct flow_choice_trace *trace, int matched);

/* The effective input of a Task/Parallel/Map/Pass: InputPath then Parameters (state JSON
 * object borrowed). Records steps when `steps` is not NULL (zero it first; pass the same
 * struct to flow_state_output); after an error it holds the steps that succeeded. */
json_t *flow_state_input(json_t *state, json_t *raw_input, const struct flow_env *env,
			 struct flow_steps *steps, struct flow_error *err);
/* flow_state_input prepared once, for a caller that runs a state many times: the state's
 * fields read and its Parameters prepared (flow_template_new). state is borrowed and must
 * outlive the plan; query_language as in flow_env. */
struct flow_plan;
struct flow_plan *flow_plan_new(json_t *state, const char *query_language);
void flow_plan_free(struct flow_plan *plan);
/* flow_state_input with a plan (env->query_language is not read: the plan's counts). When
 * size is not NULL, *size is the result's size as flow_template_apply gives it, known from
 * the size checks; env->sized may give the raw input's size. */
json_t *flow_plan_input(const struct flow_plan *plan, json_t *raw_input, const struct flow_env *env,
			struct flow_steps *steps, size_t *size, struct flow_error *err);
/* Whether flow_plan_input would succeed (else the same error), without making its result:
 * a Task whose parameters are made again at the call only needs them checked on entry. */
bool flow_plan_check(const struct flow_plan *plan, json_t *raw_input, const struct flow_env *env,
		     struct flow_error *err);
/* One field of the object flow_plan_input makes (a new reference), NULL when it has none of
 * that name or fails: for a caller that reads a few fields of parameters already checked
 * (flow_plan_check), only those are made. */
json_t *flow_plan_field(const struct flow_plan *plan, json_t *raw_input, const struct flow_env *env,
			const char *key);
/* The state's output from its raw input and raw result: ResultSelector, ResultPath,
 * OutputPath. Pass: result is the effective input or `Result`. Choice, Wait and Succeed
 * (no ResultPath): pass the effective input as result, so only OutputPath applies.
 * Payloads over FLOW_PAYLOAD_LIMIT fail with States.DataLimitExceeded (raw input, built
 * Parameters, raw result, output). A Map state's Parameters is not applied by
 * flow_state_input: it is the per-item selector (use flow_template per item). */
json_t *flow_state_output(json_t *state, json_t *raw_input, json_t *result,
			  const struct flow_env *env, struct flow_steps *steps,
			  struct flow_error *err);

/* AWS's payload limit: 262,144 bytes of UTF-8 JSON (States.DataLimitExceeded). */
#define FLOW_PAYLOAD_LIMIT 262144
/* True when the compact serialization of v exceeds the limit; measured without writing it,
 * stopping as soon as it is passed. */
bool flow_exceeds_limit(json_t *v);
/* The length of flow_json_text(v), without writing it. */
size_t flow_json_size(json_t *v);
/* The same when it is at most max; otherwise some length above max (measuring stops there). */
size_t flow_json_size_upto(json_t *v, size_t max);
/* Compact JSON text of v as Step Functions writes payloads (no spaces, UTF-8 kept, reals in
 * their shortest round-trip form: 0.1 rather than 0.10000000000000001); owned by the caller. */
char *flow_json_text(json_t *v);

#endif
