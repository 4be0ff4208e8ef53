/*
 * Choice rules (JSONPath): comparisons of a Variable with a literal or, in the `…Path` forms,
 * with another path; StringMatches; the Is* type tests; And / Or / Not to any depth. The
 * first matching rule wins. Each evaluation can say why a rule matched or not.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
#include "flow/internal.h"
#include "flow/rule.h"

#include <stdlib.h>
#include <string.h>

const struct rule_op rule_ops[] = {
    {"StringEquals", RT_STRING, FC_EQ},
    {"StringLessThan", RT_STRING, FC_LT},
    {"StringGreaterThan", RT_STRING, FC_GT},
    {"StringLessThanEquals", RT_STRING, FC_LE},
    {"StringGreaterThanEquals", RT_STRING, FC_GE},
    {"StringMatches", RT_MATCH, FC_EQ},
    {"NumericEquals", RT_NUMBER, FC_EQ},
    {"NumericLessThan", RT_NUMBER, FC_LT},
    {"NumericGreaterThan", RT_NUMBER, FC_GT},
    {"NumericLessThanEquals", RT_NUMBER, FC_LE},
    {"NumericGreaterThanEquals", RT_NUMBER, FC_GE},
    {"BooleanEquals", RT_BOOLEAN, FC_EQ},
    {"TimestampEquals", RT_TIMESTAMP, FC_EQ},
    {"TimestampLessThan", RT_TIMESTAMP, FC_LT},
    {"TimestampGreaterThan", RT_TIMESTAMP, FC_GT},
    {"TimestampLessThanEquals", RT_TIMESTAMP, FC_LE},
    {"TimestampGreaterThanEquals", RT_TIMESTAMP, FC_GE},
    {"IsNull", RT_IS_NULL, FC_EQ},
    {"IsPresent", RT_IS_PRESENT, FC_EQ},
    {"IsNumeric", RT_IS_NUMERIC, FC_EQ},
    {"IsString", RT_IS_STRING, FC_EQ},
    {"IsBoolean", RT_IS_BOOLEAN, FC_EQ},
    {"IsTimestamp", RT_IS_TIMESTAMP, FC_EQ},
};
const size_t rule_op_count = ARRAY_LEN(rule_ops);

const struct rule_op *rule_find_op(json_t *rule, bool *path_form, json_t **operand)
{
	for (size_t i = 0; i < rule_op_count; i++) {
		json_t *v = json_object_get(rule, rule_ops[i].name);
		if (v) {
			*path_form = false;
			*operand = v;
			return &rule_ops[i];
		}
		if (rule_ops[i].type >= RT_IS_NULL || rule_ops[i].type == RT_MATCH)
			continue;
		char *name = xasprintf("%sPath", rule_ops[i].name);
		v = json_object_get(rule, name);
		free(name);
		if (v) {
			*path_form = true;
			*operand = v;
			return &rule_ops[i];
		}
	}
	return NULL;
}

/* A path of a rule (Variable or …Path); NULL without error when absent and may_miss. */
static json_t *rule_path(const char *path, json_t *input, const struct flow_env *env, bool may_miss,
			 struct flow_error *err)
{
	char *msg = NULL;
	size_t off;
	struct fpath *p = fpath_parse(path, strlen(path), &msg, &off);
	if (!p) {
		flow_error_set(err, "States.Runtime", "Invalid path '%s': %s", path, msg);
		free(msg);
		return NULL;
	}
	char *why = NULL;
	json_t *v = fpath_eval(p, input, NULL, env, &why);
	fpath_free(p);
	if (!v && fpath_over_budget(why))
		flow_error_set(err, "States.Runtime", "Invalid path '%s': %s", path, why);
	else if (!v && !may_miss)
		flow_error_set(err, "States.Runtime",
			       "Invalid path '%s': The choice state's condition path references "
			       "an invalid value.",
			       path);
	free(why);
	return v;
}

static void note_value(struct strbuf *why, const char *path, json_t *v)
{
	if (!why)
		return;
	if (!v) {
		sb_addf(why, "%s%s is not present", why->len ? "; " : "", path);
		return;
	}
	char *shown = flow_dump(v, 80);
	char *note = xasprintf("%s is %s", path, shown);
	/* And/Or rules often read one variable twice: say it once. */
	if (!strstr(sb_str(why), note))
		sb_addf(why, "%s%s", why->len ? "; " : "", note);
	free(note);
	free(shown);
}

static bool type_test(enum rule_type t, json_t *v)
{
	switch (t) {
	case RT_IS_NULL:
		return json_is_null(v);
	case RT_IS_NUMERIC:
		return json_is_number(v);
	case RT_IS_STRING:
		return json_is_string(v);
	case RT_IS_BOOLEAN:
		return json_is_boolean(v);
	case RT_IS_TIMESTAMP:
		return json_is_string(v) && rule_timestamp(json_string_value(v), NULL);
	default:
		return false;
	}
}

static bool literal_ok(const struct rule_op *op, json_t *lit)
{
	switch (op->type) {
	case RT_STRING:
	case RT_MATCH:
		return json_is_string(lit);
	case RT_NUMBER:
		return json_is_number(lit);
	case RT_BOOLEAN:
		return json_is_boolean(lit);
	case RT_TIMESTAMP:
		return json_is_string(lit) && rule_timestamp(json_string_value(lit), NULL);
	default:
		return json_is_boolean(lit);
	}
}

/* "Step Functions doesn't attempt to match a numeric field to a string value": say so when
 * that is why a comparison is false. */
static void note_mismatch(struct strbuf *why, const struct rule_op *op, json_t *v)
{
	static const char *const wanted[] = {
	    [RT_STRING] = "a string",	[RT_MATCH] = "a string",	[RT_NUMBER] = "a number",
	    [RT_BOOLEAN] = "a boolean", [RT_TIMESTAMP] = "a timestamp",
	};
	if (!why || !v || op->type >= RT_IS_NULL || literal_ok(op, v))
		return;
	sb_addf(why, " (not %s)", wanted[op->type]);
}

static bool eval(json_t *rule, json_t *input, const struct flow_env *env, bool *res,
		 struct flow_error *err, struct strbuf *why);

static bool eval_list(json_t *list, bool is_and, json_t *input, const struct flow_env *env,
		      bool *res, struct flow_error *err, struct strbuf *why)
{
	if (!json_is_array(list) || json_array_size(list) == 0) {
		flow_error_set(err, "States.Runtime", "%s must be a non-empty array of rules",
			       is_and ? "And" : "Or");
		return false;
	}
	size_t i;
	json_t *r;
	json_array_foreach(list, i, r)
	{
		bool one;
		if (!eval(r, input, env, &one, err, why))
			return false;
		/* Short-circuit like the service: later rules are not evaluated. */
		if (one != is_and) {
			*res = one;
			return true;
		}
	}
	*res = is_and;
	return true;
}

static bool eval_compare(json_t *rule, const struct rule_op *op, bool path_form, json_t *operand,
			 json_t *input, const struct flow_env *env, bool *res,
			 struct flow_error *err, struct strbuf *why)
{
	const char *var = json_string_value(json_object_get(rule, "Variable"));
	if (!var) {
		flow_error_set(err, "States.Runtime", "The rule %s has no Variable", op->name);
		return false;
	}
	json_t *v = rule_path(var, input, env, op->type == RT_IS_PRESENT, err);
	if (!v && (op->type != RT_IS_PRESENT || (err && err->name)))
		return false; /* IsPresent: absent is an answer, a path over its step limit not */
	note_value(why, var, v);
	json_t *other = NULL;
	if (path_form) {
		const char *p = json_string_value(operand);
		other = p ? rule_path(p, input, env, false, err) : NULL;
		if (!other) {
			if (!p)
				flow_error_set(err, "States.Runtime", "%sPath must be a path",
					       op->name);
			json_decref(v);
			return false;
		}
		note_value(why, p, other);
	} else if (!literal_ok(op, operand)) {
		flow_error_set(err, "States.Runtime", "Invalid value for %s", op->name);
		json_decref(v);
		return false;
	}
	json_t *rhs = other ? other : operand;
	note_mismatch(why, op, v);
	if (other)
		note_mismatch(why, op, other);
	if (op->type == RT_IS_PRESENT)
		*res = (v != NULL) == json_is_true(rhs);
	else if (op->type >= RT_IS_NULL)
		*res = type_test(op->type, v) == json_is_true(rhs);
	else
		*res = rule_compare(op, v, rhs);
	json_decref(v);
	json_decref(other);
	return true;
}

static bool eval(json_t *rule, json_t *input, const struct flow_env *env, bool *res,
		 struct flow_error *err, struct strbuf *why)
{
	json_t *sub;
	if (!json_is_object(rule)) {
		flow_error_set(err, "States.Runtime", "A Choice rule must be an object");
		return false;
	}
	if ((sub = json_object_get(rule, "And")) != NULL)
		return eval_list(sub, true, input, env, res, err, why);
	if ((sub = json_object_get(rule, "Or")) != NULL)
		return eval_list(sub, false, input, env, res, err, why);
	if ((sub = json_object_get(rule, "Not")) != NULL) {
		if (!eval(sub, input, env, res, err, why))
			return false;
		*res = !*res;
		return true;
	}
	bool path_form;
	json_t *operand;
	const struct rule_op *op = rule_find_op(rule, &path_form, &operand);
	if (!op) {
		flow_error_set(err, "States.Runtime", "The Choice rule has no comparison operator");
		return false;
	}
	return eval_compare(rule, op, path_form, operand, input, env, res, err, why);
}

bool flow_jsonpath_rule(json_t *rule, json_t *input, const struct flow_env *env, bool *result,
			struct flow_error *err)
{
	return eval(rule, input, env, result, err, NULL);
}

bool flow_rule(json_t *rule, json_t *input, const struct flow_env *env, bool *result,
	       struct flow_error *err)
{
	/* A rule with `Condition` is JSONata's form. */
	const struct flow_lang *lang =
	    json_object_get(rule, "Condition") ? &flow_lang_jsonata : flow_lang_of(NULL, env);
	return lang->rule(rule, input, env, result, err);
}

bool flow_choice(json_t *choices, json_t *input, const struct flow_env *env, int *matched,
		 struct flow_error *err)
{
	return flow_choice_explain(choices, input, env, matched, NULL, err);
}

bool flow_choice_explain(json_t *choices, json_t *input, const struct flow_env *env, int *matched,
			 struct flow_choice_trace *trace, struct flow_error *err)
{
	*matched = -1;
	if (trace)
		memset(trace, 0, sizeof(*trace));
	if (!json_is_array(choices)) {
		flow_error_set(err, "States.Runtime", "Choices must be an array");
		return false;
	}
	size_t i;
	json_t *rule;
	json_array_foreach(choices, i, rule)
	{
		struct strbuf why;
		sb_init(&why);
		bool r = false;
		bool ok = json_object_get(rule, "Condition")
			      ? flow_lang_jsonata.rule(rule, input, env, &r, err)
			      : eval(rule, input, env, &r, err, trace ? &why : NULL);
		if (trace) {
			struct flow_rule_step st = {.label = flow_rule_label(rule),
						    .matched = ok && r,
						    .why = sb_take(&why)};
			trace->steps =
			    xrealloc(trace->steps, (trace->count + 1) * sizeof(*trace->steps));
			trace->steps[trace->count++] = st;
		}
		sb_fini(&why);
		if (!ok)
			return false;
		if (r) {
			*matched = (int)i;
			return true;
		}
	}
	return true;
}

const char *flow_choice_next(json_t *state, json_t *input, const struct flow_env *env, int *matched,
			     struct flow_error *err)
{
	int m;
	if (!flow_choice(json_object_get(state, "Choices"), input, env, &m, err))
		return NULL;
	if (matched)
		*matched = m;
	json_t *next =
	    m >= 0 ? json_object_get(json_array_get(json_object_get(state, "Choices"), (size_t)m),
				     "Next")
		   : json_object_get(state, "Default");
	if (json_is_string(next))
		return json_string_value(next);
	if (m >= 0)
		flow_error_set(err, "States.Runtime", "The matching Choice rule %d has no Next",
			       m + 1);
	else
		/* States.Runtime, not States.NoChoiceMatched: what AWS fails with (tests/sim
		 * choice-no-match). */
		flow_error_set(err, "States.Runtime",
			       "Failed to transition out of the state. The state does not point "
			       "to a next state.");
	return NULL;
}

void flow_choice_trace_fini(struct flow_choice_trace *trace)
{
	if (!trace)
		return;
	for (size_t i = 0; i < trace->count; i++) {
		free(trace->steps[i].label);
		free(trace->steps[i].why);
	}
	free(trace->steps);
	memset(trace, 0, sizeof(*trace));
}
