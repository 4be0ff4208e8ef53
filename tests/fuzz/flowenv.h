/*
 * Shared set-up of the flow targets: the input document (the bytes after the first line, as
 * JSON; a fixed document when they do not parse) and an environment with a context object,
 * variables and a seeded generator, so `$$`, `$var` and States.UUID paths are reachable.
 */
#ifndef STEPSCOPE_FUZZ_FLOWENV_H
#define STEPSCOPE_FUZZ_FLOWENV_H

#include "flow/flow.h"
#include "fuzz.h"

struct fz_flow {
	json_t *input, *context, *variables;
	struct rng rng;
	struct flow_env env;
};

static inline void fz_flow_init(struct fz_flow *f, const char *rest, size_t rest_len)
{
	f->input = json_loadb(rest, rest_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (!f->input)
		f->input = json_pack("{s:i, s:[i,s,n], s:{s:b, s:f}}", "a", 1, "b", 2, "x", "c",
				     "d", true, "e", 1.5);
	struct flow_context_info info = {
	    .execution_id = "arn:aws:states:us-east-1:1:execution:m:e",
	    .execution_name = "e",
	    .execution_input = f->input,
	    .state_name = "S",
	    .in_map = true,
	    .map_index = 3,
	    .map_value = f->input,
	};
	f->context = flow_context_new(&info);
	f->variables = json_pack("{s:i, s:s}", "v", 7, "w", "x");
	rng_seed(&f->rng, 42);
	f->env =
	    (struct flow_env){.context = f->context, .variables = f->variables, .rng = &f->rng};
}

static inline void fz_flow_fini(struct fz_flow *f)
{
	json_decref(f->input);
	json_decref(f->context);
	json_decref(f->variables);
}

#endif
