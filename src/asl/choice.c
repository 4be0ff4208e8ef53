/*
 * Validation of Choice rules: one operator per rule (a comparison with its Variable, or
 * And/Or/Not), value types per comparison family, Next only on top-level rules; JSONata rules
 * use Condition.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
#include "asl/internal.h"

#include <stdlib.h>
#include <string.h>

/* Not/And/Or nesting beyond which we stop (bounded recursion). */
#define MAX_RULE_DEPTH 100

static const char *const comparisons[] = {
    "StringEquals",
    "StringEqualsPath",
    "StringLessThan",
    "StringLessThanPath",
    "StringGreaterThan",
    "StringGreaterThanPath",
    "StringLessThanEquals",
    "StringLessThanEqualsPath",
    "StringGreaterThanEquals",
    "StringGreaterThanEqualsPath",
    "StringMatches",
    "NumericEquals",
    "NumericEqualsPath",
    "NumericLessThan",
    "NumericLessThanPath",
    "NumericGreaterThan",
    "NumericGreaterThanPath",
    "NumericLessThanEquals",
    "NumericLessThanEqualsPath",
    "NumericGreaterThanEquals",
    "NumericGreaterThanEqualsPath",
    "BooleanEquals",
    "BooleanEqualsPath",
    "TimestampEquals",
    "TimestampEqualsPath",
    "TimestampLessThan",
    "TimestampLessThanPath",
    "TimestampGreaterThan",
    "TimestampGreaterThanPath",
    "TimestampLessThanEquals",
    "TimestampLessThanEqualsPath",
    "TimestampGreaterThanEquals",
    "TimestampGreaterThanEqualsPath",
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
    "And",
    "Or",
    "Not",
};

static bool is_operator(const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(comparisons); i++)
		if (strcmp(key, comparisons[i]) == 0)
			return true;
	return false;
}

static bool prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* The operand of a comparison has the family's type. */
static void check_operand(struct ck *c, const char *op, json_t *v, const char *p)
{
	if (str_ends_with(op, "Path")) {
		if (json_is_string(v))
			ck_path(c, p, op, json_string_value(v), false);
		else
			ck_report(c, DIAG_ERROR, p, false, "field-type", "%s must be a path string",
				  op);
		return;
	}
	const char *want = NULL;
	if (prefix(op, "String") && !json_is_string(v))
		want = "a string";
	else if (prefix(op, "Numeric") && !json_is_number(v))
		want = "a number";
	else if ((prefix(op, "Boolean") || prefix(op, "Is")) && !json_is_boolean(v))
		want = "true or false";
	else if (prefix(op, "Timestamp") &&
		 !(json_is_string(v) && ck_timestamp(json_string_value(v))))
		want = "an RFC 3339 timestamp";
	if (want)
		ck_report(c, DIAG_ERROR, p, false, "field-type", "%s must be %s", op, want);
}

static void check_rule(struct ck *c, json_t *rule, const char *ptr, bool top, int depth);

static void check_logic(struct ck *c, const char *op, json_t *v, const char *p, int depth)
{
	if (depth >= MAX_RULE_DEPTH) {
		ck_report(c, DIAG_ERROR, p, false, "too-deep", "Choice rules nested deeper than %d",
			  MAX_RULE_DEPTH);
		return;
	}
	if (strcmp(op, "Not") == 0) {
		check_rule(c, v, p, false, depth + 1);
		return;
	}
	if (!json_is_array(v) || json_array_size(v) == 0) {
		ck_report(c, DIAG_ERROR, p, false, "field-type",
			  "%s must be a non-empty array of rules", op);
		return;
	}
	for (size_t i = 0; i < json_array_size(v); i++) {
		char *ep = xasprintf("%s/%zu", p, i);
		check_rule(c, json_array_get(v, i), ep, false, depth + 1);
		free(ep);
	}
}

/* Keys of a JSONPath rule other than operators. */
static bool rule_key_ok(struct ck *c, const char *key, const char *p, bool top)
{
	if (strcmp(key, "Variable") == 0 || strcmp(key, "Comment") == 0)
		return true;
	if (strcmp(key, "Next") == 0 || strcmp(key, "Assign") == 0) {
		if (!top)
			ck_report(c, DIAG_ERROR, p, true, "nested-next",
				  "%s is only allowed on top-level Choice rules, not inside "
				  "And/Or/Not",
				  key);
		return top;
	}
	const char *hint = str_suggest(key, comparisons, ARRAY_LEN(comparisons));
	if (hint)
		ck_report(c, DIAG_ERROR, p, true, "unknown-field",
			  "unknown field '%s' in a Choice rule (did you mean '%s'?)", key, hint);
	else
		ck_report(c, DIAG_ERROR, p, true, "unknown-field",
			  "unknown field '%s' in a Choice rule", key);
	return false;
}

static void check_rule(struct ck *c, json_t *rule, const char *ptr, bool top, int depth)
{
	if (!json_is_object(rule)) {
		ck_report(c, DIAG_ERROR, ptr, false, "field-type",
			  "a Choice rule must be an object");
		return;
	}
	const char *first = NULL, *second = NULL;
	const char *key;
	json_t *v;
	json_object_foreach(rule, key, v)
	{
		char *p = pointer_join(ptr, key);
		if (is_operator(key)) {
			if (!first)
				first = key;
			else if (!second)
				second = key;
			if (strcmp(key, "And") == 0 || strcmp(key, "Or") == 0 ||
			    strcmp(key, "Not") == 0)
				check_logic(c, key, v, p, depth);
			else
				check_operand(c, key, v, p);
		} else if (rule_key_ok(c, key, p, top) && strcmp(key, "Variable") == 0) {
			if (json_is_string(v))
				ck_path(c, p, "Variable", json_string_value(v), false);
			else
				ck_report(c, DIAG_ERROR, p, false, "field-type",
					  "Variable must be a path string");
		} else if (strcmp(key, "Assign") == 0 && top) {
			ck_template(c, v, p);
		}
		free(p);
	}
	bool logic = first && (strcmp(first, "And") == 0 || strcmp(first, "Or") == 0 ||
			       strcmp(first, "Not") == 0);
	if (!first)
		ck_report(c, DIAG_ERROR, ptr, false, "choice-rule",
			  "a Choice rule needs a comparison (e.g. StringEquals) or And/Or/Not");
	else if (second)
		ck_report(c, DIAG_ERROR, ptr, false, "choice-rule",
			  "a Choice rule takes one operator, not both %s and %s", first, second);
	else if (!logic && !json_object_get(rule, "Variable"))
		ck_report(c, DIAG_ERROR, ptr, false, "choice-rule",
			  "the comparison %s needs a Variable", first);
	if (top && !json_object_get(rule, "Next"))
		ck_report(c, DIAG_ERROR, ptr, false, "missing-field", "a Choice rule needs Next");
}

static void check_jsonata_rule(struct ck *c, json_t *rule, const char *ptr)
{
	static const char *const keys[] = {"Condition", "Next",	   "Assign",
					   "Output",	"Comment", NULL};
	if (!json_is_object(rule)) {
		ck_report(c, DIAG_ERROR, ptr, false, "field-type",
			  "a Choice rule must be an object");
		return;
	}
	ck_known_keys(c, rule, ptr, keys, "a JSONata Choice rule");
	json_t *cond = json_object_get(rule, "Condition");
	if (!cond)
		ck_report(c, DIAG_ERROR, ptr, false, "choice-rule",
			  "a JSONata Choice rule needs Condition");
	else if (!json_is_boolean(cond) && !ck_is_jsonata_expr(cond)) {
		char *p = pointer_join(ptr, "Condition");
		ck_report(c, DIAG_ERROR, p, false, "field-type",
			  "Condition must be a JSONata expression \"{%% ... %%}\" or a boolean");
		free(p);
	}
	if (!json_object_get(rule, "Next"))
		ck_report(c, DIAG_ERROR, ptr, false, "missing-field", "a Choice rule needs Next");
}

void ck_choices(struct ck *c, json_t *st, const char *ptr, bool jsonata)
{
	json_t *choices = json_object_get(st, "Choices");
	if (!json_is_array(choices) || json_array_size(choices) == 0) {
		ck_report(c, DIAG_ERROR, ptr, true, "missing-choices",
			  "a Choice state needs a non-empty Choices array");
		return;
	}
	for (size_t i = 0; i < json_array_size(choices); i++) {
		char *p = xasprintf("%s/Choices/%zu", ptr, i);
		if (jsonata)
			check_jsonata_rule(c, json_array_get(choices, i), p);
		else
			check_rule(c, json_array_get(choices, i), p, true, 0);
		free(p);
	}
}
