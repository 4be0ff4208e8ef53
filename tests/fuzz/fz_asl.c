/* Fuzz target: the ASL loader and validator (src/asl), CloudFormation/CDK extraction included.
 * The first byte picks the file name the loader sees (JSON, YAML, template, or none). */
#include "asl/asl.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"fuzz.asl.json", "fuzz.asl.yaml", "template.json",
					    "fuzz"};
	const char *name = size ? names[data[0] % 4] : names[0];
	const char *text = (const char *)data + (size ? 1 : 0);
	size_t len = size ? size - 1 : 0;
	struct diags d;
	diags_init(&d);
	struct asl_load_options opt = {0};
	struct asl_machine *m = asl_load_text(name, text, len, &opt, &d);
	if (m) {
		asl_validate(m, &d);
		int line, col;
		asl_locate(m, "/States", true, &line, &col);
		size_t src_len = 0;
		const char *src = asl_source_text(m, &src_len);
		diags_print(fz_devnull(), &d, src, src_len);
		asl_machine_free(m);
	} else {
		diags_print(fz_devnull(), &d, text, len);
	}
	diags_fini(&d);
	return 0;
}
