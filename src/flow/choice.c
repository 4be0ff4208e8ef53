/* Choice rules (placeholder until the rule evaluator lands). */
#include "flow/internal.h"

bool flow_jsonpath_rule(json_t *rule, json_t *input, const struct flow_env *env, bool *result,
			struct flow_error *err)
{
	flow_error_set(err, "States.Runtime", "Choice rules are not implemented yet");
	return false;
}

bool flow_rule(json_t *rule, json_t *input, const struct flow_env *env, bool *result,
	       struct flow_error *err)
{
	return flow_jsonpath_rule(rule, input, env, result, err);
}

bool flow_choice(json_t *choices, json_t *input, const struct flow_env *env, int *matched,
		 struct flow_error *err)
{
	*matched = -1;
	return flow_jsonpath_rule(choices, input, env, NULL, err);
}

char *flow_rule_label(json_t *rule)
{
	return xstrdup("?");
}
