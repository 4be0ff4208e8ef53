/*
 * Path and intrinsic-function syntax: the one seam where validation asks the flow module
 * (flow_check_path / flow_check_intrinsic). Until flow lands, a conservative local check.
 */
#include "asl/internal.h"

#include <string.h>

bool asl_syntax_path(const char *path, bool reference, char **message)
{
	if (path[0] != '$') {
		*message = xstrdup("a path starts with '$'");
		return false;
	}
	if (reference) {
		if (strchr(path, '*') || strstr(path, "..") || strstr(path, "[?") ||
		    strchr(path, ',') || strchr(path, ':')) {
			*message = xstrdup("a reference path selects a single node: no wildcards, "
					   "filters, slices or unions");
			return false;
		}
	}
	return true;
}

bool asl_syntax_intrinsic(const char *expr, char **message)
{
	static const char *const names[] = {
	    "States.Format",	  "States.StringToJson",   "States.JsonToString",
	    "States.Array",	  "States.ArrayPartition", "States.ArrayContains",
	    "States.ArrayRange",  "States.ArrayGetItem",   "States.ArrayLength",
	    "States.ArrayUnique", "States.Base64Encode",   "States.Base64Decode",
	    "States.Hash",	  "States.JsonMerge",	   "States.MathRandom",
	    "States.MathAdd",	  "States.StringSplit",	   "States.UUID",
	};
	const char *paren = strchr(expr, '(');
	size_t n = paren ? (size_t)(paren - expr) : strlen(expr);
	bool known = false;
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		known = known || (strlen(names[i]) == n && strncmp(expr, names[i], n) == 0);
	if (!known) {
		*message = xstrdup("unknown intrinsic function");
		return false;
	}
	size_t len = strlen(expr);
	if (!paren || len == 0 || expr[len - 1] != ')') {
		*message = xstrdup("expected '(' arguments ')'");
		return false;
	}
	return true;
}
