/*
 * libFuzzer target: item files in every format, then marshal and unmarshal what loaded.
 * Build and run (from the top folder):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -D_DEFAULT_SOURCE \
 *     -D_XOPEN_SOURCE=700 tests/fuzz/fuzz_items.c src/base/*.c src/config/*.c src/items/*.c \
 *     -ljansson -lyaml -lm -o build/fuzz_items && build/fuzz_items -max_len=2048 samples
 * The first byte picks the file name (and so the format detection).
 */
#include "items/items.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char *const names[] = {"a.json", "a.jsonl", "a.csv", "a"};
	if (size < 1)
		return 0;
	struct diags d;
	diags_init(&d);
	json_t *items = items_load_text(names[data[0] % 4], (const char *)data + 1, size - 1,
					ITEMS_AUTO, NULL, &d);
	if (items) {
		json_t *av = items_marshal(items);
		json_t *back = items_unmarshal(av, "", &d);
		if (!back) /* what items_marshal writes, items_unmarshal reads */
			__builtin_trap();
		json_decref(back);
		json_decref(av);
	}
	json_decref(items);
	diags_fini(&d);
	return 0;
}
