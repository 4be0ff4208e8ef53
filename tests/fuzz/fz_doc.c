/* Fuzz target: the document loader (src/doc), JSON and YAML, and its source map. The first
 * byte picks the format (auto, JSON, YAML) so both parsers see every mutation. */
#include <stdlib.h>

#include "doc/doc.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum doc_format formats[] = {DOC_AUTO, DOC_JSON, DOC_YAML};
	enum doc_format fmt = size ? formats[data[0] % 3] : DOC_AUTO;
	struct diags d;
	diags_init(&d);
	struct doc *doc =
	    doc_parse("fuzz", (const char *)data + (size ? 1 : 0), size ? size - 1 : 0, fmt, &d);
	if (doc) {
		int line, col;
		doc_locate(doc, "", &line, &col);
		doc_locate(doc, "/States/A/Next", &line, &col);
		doc_locate_key(doc, "/0/a~1b", &line, &col);
		char *dump = doc_dumps(doc_root(doc), JSON_ENCODE_ANY | JSON_COMPACT);
		free(dump);
		doc_free(doc);
	}
	diags_print(fz_devnull(), &d, (const char *)data, size);
	diags_fini(&d);
	return 0;
}
