/* Validation. */
#include "asl/internal.h"

bool asl_check(const struct asl_source *src, json_t *def, struct diags *diags)
{
	return json_is_object(def);
}
