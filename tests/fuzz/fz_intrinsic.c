/* Fuzz target: intrinsic functions — the parser (flow_check_intrinsic) and evaluation
 * (flow_intrinsic) of the first line against the JSON document that follows it. */
#include <stdlib.h>

#include "flowenv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fz_text(data, size);
	const char *rest;
	size_t rest_len;
	char *expr = fz_split_line(text, size, &rest, &rest_len);
	char *msg = NULL;
	size_t off = 0;
	if (!flow_check_intrinsic(expr, &msg, &off) && off > strlen(expr))
		abort(); /* the offset must point into the expression */
	free(msg);
	struct fz_flow f;
	fz_flow_init(&f, rest, rest_len);
	struct flow_error err = {0};
	json_decref(flow_intrinsic(expr, f.input, &f.env, &err));
	flow_error_fini(&err);
	fz_flow_fini(&f);
	free(expr);
	free(text);
	return 0;
}
