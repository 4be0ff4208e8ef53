/* Fuzz target: Choice rules. The first line is the Choices array (or one rule), the rest the
 * state input; runs the matcher, the explaining matcher and the rule labels. */
#include <stdlib.h>

#include "flowenv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fz_text(data, size);
	const char *rest;
	size_t rest_len;
	char *line = fz_split_line(text, size, &rest, &rest_len);
	json_t *spec = json_loads(line, JSON_DECODE_ANY, NULL);
	if (spec) {
		json_t *choices = json_is_array(spec) ? json_incref(spec) : json_pack("[O]", spec);
		struct fz_flow f;
		fz_flow_init(&f, rest, rest_len);
		int matched = -1;
		struct flow_error err = {0};
		flow_choice(choices, f.input, &f.env, &matched, &err);
		flow_error_fini(&err);
		struct flow_choice_trace trace = {0};
		struct flow_error err2 = {0};
		flow_choice_explain(choices, f.input, &f.env, &matched, &trace, &err2);
		flow_choice_trace_fini(&trace);
		flow_error_fini(&err2);
		size_t i;
		json_t *rule;
		json_array_foreach(choices, i, rule) free(flow_rule_label(rule));
		fz_flow_fini(&f);
		json_decref(choices);
		json_decref(spec);
	}
	free(line);
	free(text);
	return 0;
}
