/* Fuzz target: the Step Functions Local MockConfigFile reader (src/sim), JSON or YAML through
 * the document loader as `stepscope run --mock-config` reads it, then a few lookups. */
#include "doc/doc.h"
#include "fuzz.h"
#include "sim/sim.h"

static void lookups(const struct sim_mock *m, const char *state)
{
	for (int64_t n = 0; n < 5; n++) {
		json_t *result;
		const char *error, *cause;
		sim_mock_lookup(m, state, n, &result, &error, &cause);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d;
	diags_init(&d);
	struct doc *doc = doc_parse("mock.json", (const char *)data, size, DOC_AUTO, &d);
	if (doc) {
		struct sim_mock *m = sim_mock_from_json(doc_root(doc), "mock.json", NULL, NULL, &d);
		if (m) {
			/* The state names of every test case, plus one that is not mocked. */
			json_t *machines = json_object_get(doc_root(doc), "StateMachines");
			const char *mn, *cn, *state;
			json_t *machine, *tcase, *v;
			json_object_foreach(machines, mn, machine)
			{
				json_object_foreach(json_object_get(machine, "TestCases"), cn,
						    tcase)
				{
					json_object_foreach(tcase, state, v) lookups(m, state);
				}
			}
			lookups(m, "NotMocked");
			sim_mock_free(m);
		}
		doc_free(doc);
	}
	diags_print(fz_devnull(), &d, (const char *)data, size);
	diags_fini(&d);
	return 0;
}
