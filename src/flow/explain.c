/*
 * Text forms of explanations: a state's data steps (what InputPath, Parameters, the task,
 * ResultSelector, ResultPath and OutputPath each produced) and a Choice trace (which rule
 * matched and why the earlier ones did not). The TUI inspector uses the structured forms;
 * `stepscope run --explain STATE` prints these.
 */
#include "flow/internal.h"

#include <stdlib.h>
#include <string.h>

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
		sb_add(&sb, "no rule matched: Default, else States.NoChoiceMatched\n");
	else
		sb_addf(&sb, "first match: rule %d\n", matched + 1);
	return sb_take(&sb);
}
