/*
 * Explanations: short human labels of Choice rules (`$.n > 10`, `$.s == "x"`, `$.t is present`,
 * `not($.a == "x")`, `$.a < 1 or ($.b > 2 and $.c == 3)`) and the text forms of a state's data
 * steps and of a Choice trace, for the graph, the TUI inspector and `run --explain STATE`.
 * String comparisons are marked only by their quoted operand; timestamp comparisons say
 * `timestamp`; path forms show the other path.
 */
#include "flow/rule.h"

#include <stdlib.h>
#include <string.h>

static const char *const symbols[] = {
    [FC_EQ] = "==", [FC_NE] = "!=", [FC_LT] = "<", [FC_LE] = "<=", [FC_GT] = ">", [FC_GE] = ">=",
};

static const char *const type_words[] = {
    [RT_IS_NULL] = "null",	 [RT_IS_PRESENT] = "present",	[RT_IS_NUMERIC] = "numeric",
    [RT_IS_STRING] = "a string", [RT_IS_BOOLEAN] = "a boolean", [RT_IS_TIMESTAMP] = "a timestamp",
};

static void label(struct strbuf *sb, json_t *rule);

static bool compound(json_t *rule)
{
	return json_object_get(rule, "And") || json_object_get(rule, "Or");
}

static void label_list(struct strbuf *sb, json_t *list, const char *word)
{
	size_t i;
	json_t *r;
	json_array_foreach(list, i, r)
	{
		if (i)
			sb_addf(sb, " %s ", word);
		bool paren = compound(r) && json_array_size(list) > 1;
		if (paren)
			sb_addc(sb, '(');
		label(sb, r);
		if (paren)
			sb_addc(sb, ')');
	}
	if (json_array_size(list) == 0)
		sb_add(sb, "?");
}

static void label_leaf(struct strbuf *sb, json_t *rule)
{
	bool path_form;
	json_t *operand;
	const struct rule_op *op = rule_find_op(rule, &path_form, &operand);
	const char *var = json_string_value(json_object_get(rule, "Variable"));
	sb_add(sb, var ? var : "?");
	if (!op) {
		sb_add(sb, " ?");
		return;
	}
	if (op->type >= RT_IS_NULL) {
		sb_addf(sb, " is %s%s", json_is_false(operand) ? "not " : "", type_words[op->type]);
		return;
	}
	if (op->type == RT_MATCH)
		sb_add(sb, " matches ");
	else
		sb_addf(sb, " %s ", symbols[op->op]);
	if (op->type == RT_TIMESTAMP)
		sb_add(sb, "timestamp ");
	if (path_form) {
		const char *p = json_string_value(operand);
		sb_add(sb, p ? p : "?");
		return;
	}
	char *shown = flow_dump(operand, 60);
	sb_add(sb, shown);
	free(shown);
}

static void label(struct strbuf *sb, json_t *rule)
{
	json_t *sub;
	if ((sub = json_object_get(rule, "And")) != NULL) {
		label_list(sb, sub, "and");
	} else if ((sub = json_object_get(rule, "Or")) != NULL) {
		label_list(sb, sub, "or");
	} else if ((sub = json_object_get(rule, "Not")) != NULL) {
		sb_add(sb, "not(");
		label(sb, sub);
		sb_addc(sb, ')');
	} else if ((sub = json_object_get(rule, "Condition")) != NULL && json_is_string(sub)) {
		sb_add(sb, json_string_value(sub));
	} else {
		label_leaf(sb, rule);
	}
}

char *flow_rule_label(json_t *rule)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "");
	label(&sb, rule);
	return sb_take(&sb);
}

/* ---- text forms ---- */
static void step_line(struct strbuf *sb, const char *label, json_t *v, size_t width)
{
	if (!v)
		return;
	char *shown = flow_dump(v, width ? width : (size_t)-1);
	sb_addf(sb, "%-21s %s\n", label, shown);
	free(shown);
}

char *flow_steps_text(const struct flow_steps *s, size_t width)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "");
	step_line(&sb, "input:", s->input, width);
	step_line(&sb, "after InputPath:", s->after_input_path, width);
	step_line(&sb, "after Parameters:", s->after_parameters, width);
	step_line(&sb, "result:", s->result, width);
	step_line(&sb, "after ResultSelector:", s->after_result_selector, width);
	step_line(&sb, "after ResultPath:", s->after_result_path, width);
	step_line(&sb, "output:", s->output, width);
	return sb_take(&sb);
}

char *flow_choice_trace_text(const struct flow_choice_trace *t, int matched)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "");
	for (size_t i = 0; i < t->count; i++) {
		const struct flow_rule_step *st = &t->steps[i];
		sb_addf(&sb, "rule %zu: %s: %s", i + 1, st->label, st->matched ? "MATCH" : "no");
		if (st->why && *st->why)
			sb_addf(&sb, ", %s", st->why);
		sb_addc(&sb, '\n');
	}
	if (matched < 0)
		sb_add(&sb, "no rule matched: Default, else States.Runtime (no next state)\n");
	else
		sb_addf(&sb, "first match: rule %d\n", matched + 1);
	return sb_take(&sb);
}
