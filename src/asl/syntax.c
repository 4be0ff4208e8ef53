/*
 * Path and intrinsic-function syntax: the one seam where validation asks the flow module,
 * which owns the data language (flow_check_path / flow_check_intrinsic).
 */
#include "asl/internal.h"

#include "flow/flow.h"

bool asl_syntax_path(const char *path, bool reference, char **message, size_t *offset)
{
	*offset = 0;
	return flow_check_path(path, reference, message, offset);
}

bool asl_syntax_intrinsic(const char *expr, char **message, size_t *offset)
{
	*offset = 0;
	return flow_check_intrinsic(expr, message, offset);
}
