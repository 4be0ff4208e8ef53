/*
 * Reading recorded histories for a command: every file into one importer, each problem printed
 * with its source line, then the log.
 */
#include "cli.h"

#include <stdlib.h>

#include "base/base.h"
#include "history/history.h"

struct ev_log *cli_import_histories(const char *cmd, const char *const *files, size_t count,
				    struct hist_importer *imp, bool quiet)
{
	for (size_t i = 0; i < count; i++) {
		size_t len;
		char *err = NULL;
		char *text = file_read_all(files[i], &len, &err);
		if (!text) {
			cli_error("%s: %s", cmd, err);
			free(err);
			return NULL;
		}
		struct diags d;
		diags_init(&d);
		bool ok = hist_importer_add_text(imp, files[i], text, len, &d);
		diags_print(stderr, &d, text, len);
		diags_fini(&d);
		free(text);
		if (!ok)
			return NULL;
	}
	struct diags d;
	diags_init(&d);
	struct ev_log *log = hist_importer_finish(imp, &d);
	if (!log || !quiet)
		diags_print(stderr, &d, NULL, 0);
	diags_fini(&d);
	return log;
}
