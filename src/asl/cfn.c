/* CloudFormation / CDK templates: finding the state machine and its definition. */
#include "asl/internal.h"

#include <stdlib.h>
#include <string.h>

bool asl_from_template(struct asl_source *src, const char *machine_id, json_t **def,
		       bool *is_template, struct diags *diags)
{
	*def = NULL;
	*is_template = false;
	return true;
}

char *asl_cdk_out_template(const char *dir, const char *machine_id, struct diags *diags)
{
	diags_add(diags, DIAG_ERROR, "cdk-out", dir, 0, 0, NULL,
		  "cdk.out folders are not supported yet");
	return NULL;
}
