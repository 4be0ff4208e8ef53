/*
 * Helpers shared by the simulator unit tests: a machine from definition text.
 * Everything is static inline so a test file that uses only part of it compiles cleanly.
 */
#ifndef STEPSCOPE_TEST_ASL_BUILD_H
#define STEPSCOPE_TEST_ASL_BUILD_H

#include <string.h>

#include "asl/asl.h"

/* The machine of a definition the test knows is valid (asserted); owned by the caller. */
static inline struct asl_machine *load(const char *text)
{
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = asl_load_text("t.json", text, strlen(text), NULL, &d);
	diags_fini(&d);
	assert_non_null(m);
	return m;
}

#endif
