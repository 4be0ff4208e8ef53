/*
 * Output files of a command (--history-out, --trace-out, --svg-out), checked together before
 * any of them is written: a command that refuses one of them changes no file at all.
 */
#include "cli.h"

#include <string.h>

#include "base/base.h"
#include "doc/doc.h"
#include "event/event.h"

static bool same_file(const char *a, const char *b)
{
	return strcmp(a, b) == 0 || file_same(a, b);
}

bool cli_outputs_ok(const char *cmd, const char *const *names, const char *const *outs,
		    size_t out_count, const char *const *ins, size_t in_count)
{
	for (size_t i = 0; i < out_count; i++) {
		if (!outs[i])
			continue;
		for (size_t j = 0; j < i; j++) {
			if (outs[j] && same_file(outs[i], outs[j])) {
				cli_error("%s: %s and %s name the same file", cmd, names[j],
					  names[i]);
				return false;
			}
		}
		for (size_t j = 0; j < in_count; j++) {
			if (ins[j] && strcmp(ins[j], "-") != 0 && same_file(outs[i], ins[j])) {
				cli_error("%s: %s: refusing to write over the input file %s", cmd,
					  names[i], ins[j]);
				return false;
			}
		}
	}
	return true;
}

void cli_print_json(const json_t *doc, FILE *out)
{
	char *text = doc_dumps_short(doc, JSON_INDENT(2) | JSON_ENCODE_ANY);
	if (text)
		fputs(text, out);
	fputc('\n', out);
	free(text);
}

void cli_log_done(struct ev_log *log)
{
	if (mem_tool())
		ev_log_free(log);
}
