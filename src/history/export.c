/*
 * Export: the log as `aws stepfunctions get-execution-history --output json` prints it:
 * {"events": [...]} with 4-space indentation and keys in the CLI's order (the codec in
 * event/json.c), timestamps in UTC as AWS CLI v2 prints them. Streamed event by event, so a
 * large log never becomes one JSON tree.
 */
#include "history.h"
#include "doc/doc.h"

#include <stdlib.h>
#include <string.h>

/* Appends one dumped event, every line indented by 8 spaces (it sits inside "events"). */
static void add_indented(struct strbuf *sb, const char *text)
{
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		sb_add(sb, "        ");
		sb_addn(sb, p, n);
		if (!nl)
			break;
		sb_addc(sb, '\n');
		p = nl + 1;
	}
}

char *hist_export_text(const struct ev_log *log, size_t *len)
{
	struct strbuf sb;
	sb_init(&sb);
	size_t n = ev_log_count(log);
	int64_t start = ev_log_meta_const(log)->start_epoch_ms;
	sb_add(&sb, n ? "{\n    \"events\": [\n" : "{\n    \"events\": []\n}\n");
	for (size_t id = 1; id <= n; id++) {
		json_t *obj = ev_to_json(log, ev_log_get(log, (int64_t)id), start);
		char *text = doc_dumps(obj, JSON_INDENT(4));
		add_indented(&sb, text);
		sb_add(&sb, id < n ? ",\n" : "\n    ]\n}\n");
		free(text);
		json_decref(obj);
	}
	*len = sb.len;
	return sb_take(&sb);
}

bool hist_export(const struct ev_log *log, const char *path, const char *const *inputs,
		 size_t input_count, struct diags *diags)
{
	for (size_t i = 0; i < input_count; i++) {
		if (file_same(path, inputs[i])) {
			diags_add(diags, DIAG_ERROR, "same-file", path, 0, 0, NULL,
				  "refusing to overwrite the input history %s", inputs[i]);
			return false;
		}
	}
	size_t len;
	char *text = hist_export_text(log, &len);
	char *err = NULL;
	bool ok = file_write_atomic(path, text, len, &err);
	if (!ok) {
		/* The message starts with the path; the diag prints it as its file already. */
		size_t n = strlen(path);
		const char *msg = strncmp(err, path, n) == 0 && err[n] == ':' ? err + n + 2 : err;
		diags_add(diags, DIAG_ERROR, "write", path, 0, 0, NULL, "%s", msg);
	}
	free(err);
	free(text);
	return ok;
}
