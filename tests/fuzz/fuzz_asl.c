/*
 * libFuzzer target for the definition loaders: doc/ (jansson + libyaml with the source map)
 * and asl/ (templates, model, validation). Any input must give a machine or diagnostics, never
 * a crash, a leak or undefined behaviour. Not part of `make`; build and run by hand:
 *
 *   make BUILD=build/fuzz SANITIZE=1 CC=clang build/fuzz/libstepscope.a
 *   clang -g -fsanitize=fuzzer,address,undefined -Isrc tests/fuzz/fuzz_asl.c \
 *       build/fuzz/libstepscope.a $(pkg-config --cflags --libs jansson yaml-0.1 libcrypto) -lm \
 *       -o build/fuzz/fuzz_asl
 *   build/fuzz/fuzz_asl tests/asl/valid/ tests/asl/invalid/
 *
 * The first input byte picks the name (so both JSON and YAML paths and templates are reached).
 */
#include <stddef.h>
#include <stdint.h>

#include "asl/asl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"f.asl.json", "f.asl.yaml", "f.template.json", "f"};
	if (size == 0)
		return 0;
	const char *name = names[data[0] % 4];
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = asl_load_text(name, (const char *)data + 1, size - 1, NULL, &d);
	if (m)
		asl_validate(m, &d);
	asl_machine_free(m);
	diags_fini(&d);
	return 0;
}
