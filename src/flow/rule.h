/*
 * Choice-rule internals shared by the evaluator (choice.c), the comparisons (compare.c) and
 * the labels (label.c). Private to src/flow.
 */
#ifndef STEPSCOPE_FLOW_RULE_H
#define STEPSCOPE_FLOW_RULE_H

#include "flow/internal.h"

#include <stdint.h>

/* Order matters: every type from RT_IS_NULL on is a type test. */
enum rule_type {
	RT_STRING,
	RT_MATCH,
	RT_NUMBER,
	RT_BOOLEAN,
	RT_TIMESTAMP,
	RT_IS_NULL,
	RT_IS_PRESENT,
	RT_IS_NUMERIC,
	RT_IS_STRING,
	RT_IS_BOOLEAN,
	RT_IS_TIMESTAMP,
};

struct rule_op {
	const char *name; /* "NumericLessThan"; the path form adds "Path" */
	enum rule_type type;
	enum fcmp op;
};

extern const struct rule_op rule_ops[];
extern const size_t rule_op_count;

/* The comparison operator of a leaf rule and its operand (borrowed), or NULL. */
const struct rule_op *rule_find_op(json_t *rule, bool *path_form, json_t **operand);

/* An instant: seconds since the epoch and nanoseconds. */
struct rule_instant {
	int64_t seconds;
	int32_t nanos;
};
/* Parses an RFC 3339 timestamp (uppercase T and Z, or a numeric offset); out may be NULL. */
bool rule_timestamp(const char *s, struct rule_instant *out);

/* Compares a variable value with the operand per the operator's type; a value of another
 * type never matches. */
bool rule_compare(const struct rule_op *op, json_t *value, json_t *operand);

/* StringMatches: `*` matches any run of characters, `\*` a literal star, `\\` a backslash. */
bool rule_string_matches(const char *s, const char *pattern);

#endif
