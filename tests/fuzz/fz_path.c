/* Fuzz target: JSONPath — the syntax check (paths and reference paths) and selection
 * (flow_select) of the first line against the JSON document that follows it. */
#include <stdlib.h>

#include "flowenv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fz_text(data, size);
	const char *rest;
	size_t rest_len;
	char *path = fz_split_line(text, size, &rest, &rest_len);
	for (int reference = 0; reference < 2; reference++) {
		char *msg = NULL;
		size_t off = 0;
		if (!flow_check_path(path, reference, &msg, &off) && off > strlen(path))
			abort(); /* the offset must point into the path */
		free(msg);
	}
	/* Every path is evaluated: nested filters with deep scans end on the evaluator's step
	 * limit (FPATH_MAX_STEPS) or on the nesting limit of the syntax. */
	struct fz_flow f;
	fz_flow_init(&f, rest, rest_len);
	struct flow_error err = {0};
	json_decref(flow_select(f.input, path, &f.env, &err));
	flow_error_fini(&err);
	fz_flow_fini(&f);
	free(path);
	free(text);
	return 0;
}
