/* Fuzz target: every item-file reader (src/items): JSON / DynamoDB JSON, JSON Lines, CSV and
 * content detection, each on the same bytes; and marshalling back of what loaded. */
#include "fuzz.h"
#include "items/items.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum items_format formats[] = {ITEMS_AUTO, ITEMS_JSON, ITEMS_JSONL, ITEMS_CSV};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		struct diags d;
		diags_init(&d);
		enum items_format detected;
		json_t *items =
		    items_load_text("items", (const char *)data, size, formats[i], &detected, &d);
		if (items) {
			json_t *typed = items_marshal(items);
			json_t *back = items_unmarshal(typed, "", &d);
			json_decref(back);
			json_decref(typed);
			json_decref(items);
		}
		diags_print(fz_devnull(), &d, (const char *)data, size);
		diags_fini(&d);
	}
	return 0;
}
