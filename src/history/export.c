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

/* The first state's Entered event: the second (id), pointing at 0 (aws-facts a.5). */
static bool first_entered(const struct ev *e, int64_t id)
{
	const char *type = ev_type_name(e->type);
	size_t n = strlen(type);
	return id == 2 && e->prev == 0 && n > 12 && strcmp(type + n - 12, "StateEntered") == 0;
}

/* AWS keeps the execution input as the caller sent it, spaces and all, in ExecutionStarted
 * and in the first state's Entered event; every other payload it writes compactly (aws-facts
 * a.3; corpus map-inline-nested: "[[1, 2, 3], [4, 5, 6]]" in both). obj: the HistoryEvent of e,
 * record id. */
static void keep_input_text(const struct ev_log *log, const struct ev *e, int64_t id, json_t *obj,
			    const char *input_text, const json_t *input)
{
	if (!input || !(e->type == EV_ExecutionStarted || first_entered(e, id)))
		return;
	const char *key = e->type == EV_ExecutionStarted ? "executionStartedEventDetails"
							 : "stateEnteredEventDetails";
	json_t *details = json_object_get(obj, key);
	json_t *payload = ev_payload(log, e, id);
	if (json_object_get(details, "input") && payload && json_equal(payload, input))
		json_object_set_new(details, "input", json_string(input_text));
}

char *hist_export_text(const struct ev_log *log, size_t *len)
{
	return hist_export_text_input(log, NULL, len);
}

char *hist_export_text_input(const struct ev_log *log, const char *input_text, size_t *len)
{
	struct strbuf sb;
	sb_init(&sb);
	size_t n = ev_log_count(log);
	int64_t start = ev_log_meta_const(log)->start_epoch_ms;
	json_t *input = input_text ? json_loads(input_text, JSON_DECODE_ANY, NULL) : NULL;
	sb_add(&sb, n ? "{\n    \"events\": [\n" : "{\n    \"events\": []\n}\n");
	for (size_t id = 1; id <= n; id++) {
		const struct ev *e = ev_log_get(log, (int64_t)id);
		json_t *obj = ev_to_json(log, e, (int64_t)id, start);
		keep_input_text(log, e, (int64_t)id, obj, input_text, input);
		char *text = doc_dumps(obj, JSON_INDENT(4));
		add_indented(&sb, text);
		sb_add(&sb, id < n ? ",\n" : "\n    ]\n}\n");
		free(text);
		json_decref(obj);
	}
	json_decref(input);
	*len = sb.len;
	return sb_take(&sb);
}

bool hist_export(const struct ev_log *log, const char *path, const char *const *inputs,
		 size_t input_count, struct diags *diags)
{
	return hist_export_input(log, path, inputs, input_count, NULL, diags);
}

bool hist_export_input(const struct ev_log *log, const char *path, const char *const *inputs,
		       size_t input_count, const char *input_text, struct diags *diags)
{
	for (size_t i = 0; i < input_count; i++) {
		if (file_same(path, inputs[i])) {
			diags_add(diags, DIAG_ERROR, "same-file", path, 0, 0, NULL,
				  "refusing to overwrite the input history %s", inputs[i]);
			return false;
		}
	}
	size_t len;
	char *text = hist_export_text_input(log, input_text, &len);
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
