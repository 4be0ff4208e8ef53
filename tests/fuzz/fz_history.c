/* Fuzz target: the history importer (src/history): import, reconstruction, outcome and export
 * back to the CLI shape. */
#include <stdlib.h>

#include "fuzz.h"
#include "history/history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d;
	diags_init(&d);
	struct ev_log *log = hist_import_text("history.json", (const char *)data, size, &d);
	if (log) {
		struct hist_outcome out;
		hist_outcome(log, &out);
		size_t len = 0;
		free(hist_export_text(log, &len));
		ev_log_free(log);
	}
	diags_print(fz_devnull(), &d, (const char *)data, size);
	diags_fini(&d);
	return 0;
}
