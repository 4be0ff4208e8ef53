/* Fuzz target: config.yaml (src/config) with its schema and knobs. The text is only parsed:
 * paths it names are resolved, never opened. */
#include "config/config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d;
	diags_init(&d);
	struct cfg_scenario s;
	cfg_load_text(&s, "config.yaml", ".", (const char *)data, size, NULL, 0, &d);
	diags_print(fz_devnull(), &d, s.source, s.source_len); /* as stepscope definition does */
	cfg_scenario_fini(&s);
	diags_fini(&d);
	return 0;
}
