/*
 * libFuzzer target: config.yaml text plus one --set argument (the input's first line).
 * Build and run (from the top folder):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -D_DEFAULT_SOURCE \
 *     -D_XOPEN_SOURCE=700 tests/fuzz/fuzz_config.c src/base/*.c src/config/*.c \
 *     -ljansson -lyaml -lm -o build/fuzz_config && build/fuzz_config -max_len=4096 tests/config/bad
 */
#include "config/config.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nl = memchr(text, '\n', size);
	char *set = nl ? xstrndup(text, (size_t)(nl - text)) : NULL;
	const char *rest = nl ? nl + 1 : text;
	size_t len = size - (size_t)(rest - text);
	const char *sets[1] = {set};
	struct cfg_scenario s;
	struct diags d;
	diags_init(&d);
	cfg_load_text(&s, "f.yaml", "d", rest, len, sets, set ? 1 : 0, &d);
	cfg_lambda_for(&s, "arn:aws:lambda:us-east-1:1:function:f");
	cfg_scenario_fini(&s);
	diags_fini(&d);
	free(set);
	return 0;
}
