/*
 * `stepscope mock-from`: a recorded history in, a Step Functions Local MockConfigFile out
 * (aws-facts c.1) that makes `stepscope run --mock-config` give the recorded task results.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "history/history.h"
#include "doc/doc.h"

static const char help[] =
    "usage: stepscope mock-from [--test-case NAME] [--machine-name NAME] [--out FILE]\n"
    "                           HISTORY... [DESCRIBE]\n"
    "\n"
    "Writes a Step Functions Local MockConfigFile that reproduces the task results of a\n"
    "recorded execution: for every Task state, its invocations in the order they started\n"
    "(across retries and Map iterations) answer with the recorded result (Return) or error\n"
    "(Throw; a timeout throws States.Timeout). Equal neighbours merge into ranges (\"1-2\").\n"
    "HISTORY is `aws stepfunctions get-execution-history --output json` output (several\n"
    "pages as several files); a `describe-execution` JSON beside it names the machine.\n"
    "\n"
    "  --test-case NAME     the test case (default: Recorded)\n"
    "  --machine-name NAME  the state machine (default: from DESCRIBE, else the history\n"
    "                       file's name without .history.json / .json)\n"
    "  --out FILE           write there atomically (never over an input) instead of stdout\n"
    "  --input-out FILE     also write the recorded execution input (for run --input)\n"
    "\n"
    "Then: stepscope run --mock-config FILE --test-case NAME --input INPUT DEFINITION\n"
    "Exit status: 0 written, 2 usage or input error.\n";

struct mock_opts {
	const char *test_case, *machine_name, *out, *input_out;
	const char **files;
	size_t file_count;
};

static int parse_args(int argc, char **argv, struct mock_opts *o, bool *done)
{
	o->files = xcalloc((size_t)argc, sizeof(char *));
	bool options = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (options && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
			fputs(help, stdout);
			*done = true;
			return EXIT_OK;
		}
		const char **dst = NULL;
		if (options && !strcmp(a, "--test-case"))
			dst = &o->test_case;
		else if (options && !strcmp(a, "--machine-name"))
			dst = &o->machine_name;
		else if (options && !strcmp(a, "--out"))
			dst = &o->out;
		else if (options && !strcmp(a, "--input-out"))
			dst = &o->input_out;
		if (dst) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0')
				return cli_error("mock-from: %s needs a value", a);
			*dst = argv[++i];
		} else if (options && !strcmp(a, "--")) {
			options = false;
		} else if (options && a[0] == '-' && a[1] != '\0') {
			cli_error("mock-from: unknown option '%s'", a);
			return cli_usage_hint("mock-from");
		} else {
			o->files[o->file_count++] = a;
		}
	}
	if (o->file_count == 0) {
		cli_error("mock-from: no HISTORY file given");
		return cli_usage_hint("mock-from");
	}
	return EXIT_OK;
}

/* "runs/abc.history.json" -> "abc" (owned by the caller). */
static char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *name = xstrdup(slash ? slash + 1 : path);
	static const char *const suffixes[] = {".json", ".history"};
	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(name), k = strlen(suffixes[i]);
		if (n > k && !strcmp(name + n - k, suffixes[i]))
			name[n - k] = '\0';
	}
	return name;
}

/* Atomically to path, or to stdout when path is NULL; never over an input. */
static int write_out(const struct mock_opts *o, const char *path, const char *text)
{
	if (!path) {
		fputs(text, stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < o->file_count; i++)
		if (file_same(path, o->files[i]))
			return cli_error("mock-from: refusing to overwrite the input %s",
					 o->files[i]);
	char *err = NULL;
	bool ok = file_write_atomic(path, text, strlen(text), &err);
	if (!ok)
		cli_error("mock-from: %s", err);
	free(err);
	return ok ? EXIT_OK : EXIT_USAGE;
}

/* ExecutionStarted's input text as the history file has it (a new string), when it reads as
 * `input`; else NULL. AWS keeps the input as the caller sent it, and `run --input` writes the
 * file's text again in its history (hist_export_input): the round trip keeps it. */
static char *recorded_text(const struct mock_opts *o, const json_t *input)
{
	for (size_t f = 0; f < o->file_count; f++) {
		json_t *doc = json_load_file(o->files[f], JSON_DECODE_ANY, NULL);
		json_t *events = json_is_array(doc) ? doc : json_object_get(doc, "events");
		size_t i;
		json_t *ev;
		json_array_foreach(events, i, ev)
		{
			const char *type = json_string_value(json_object_get(ev, "type"));
			if (!type || strcmp(type, "ExecutionStarted") != 0)
				continue;
			json_t *details = json_object_get(ev, "executionStartedEventDetails");
			const char *text = json_string_value(json_object_get(details, "input"));
			json_t *back = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
			char *kept = back && json_equal(back, input) ? xstrdup(text) : NULL;
			json_decref(back);
			json_decref(doc);
			return kept;
		}
		json_decref(doc);
	}
	return NULL;
}

/* The recorded execution input: ExecutionStarted's payload ({} when not recorded), as
 * recorded when the file has its text. */
static int write_input(const struct mock_opts *o, const struct ev_log *log)
{
	const struct ev *first = ev_log_get(log, 1);
	json_t *input =
	    first && first->type == EV_ExecutionStarted ? ev_payload(log, first, 1) : NULL;
	if (!input) {
		cli_error("mock-from: the history does not record the execution input");
		return EXIT_USAGE;
	}
	char *text = recorded_text(o, input);
	if (!text)
		text = doc_dumps(input, JSON_ENCODE_ANY | JSON_INDENT(2));
	char *line = xasprintf("%s\n", text);
	int rc = write_out(o, o->input_out, line);
	free(line);
	free(text);
	return rc;
}

static int mock_from(const struct mock_opts *o)
{
	struct hist_importer *imp = hist_importer_new();
	struct ev_log *log = cli_import_histories("mock-from", o->files, o->file_count, imp, true);
	if (!log) {
		hist_importer_free(imp);
		return EXIT_USAGE;
	}
	ev_str_t recorded = ev_log_meta_const(log)->state_machine_name;
	char *machine = o->machine_name ? xstrdup(o->machine_name)
			: recorded	? xstrdup(ev_log_str(log, recorded))
					: base_name(o->files[0]);
	struct diags d;
	diags_init(&d);
	json_t *doc =
	    hist_mock_from(log, machine, o->test_case ? o->test_case : "Recorded", o->files[0], &d);
	diags_print(stderr, &d, NULL, 0);
	diags_fini(&d);
	char *text = doc_dumps(doc, JSON_INDENT(2));
	char *line = xasprintf("%s\n", text);
	int rc = write_out(o, o->out, line);
	free(line);
	free(text);
	if (rc == EXIT_OK && o->input_out)
		rc = write_input(o, log);
	json_decref(doc);
	free(machine);
	ev_log_free(log);
	hist_importer_free(imp);
	return rc;
}

int cmd_mock_from(int argc, char **argv)
{
	struct mock_opts o = {0};
	bool done = false;
	int rc = parse_args(argc, argv, &o, &done);
	if (rc == EXIT_OK && !done)
		rc = mock_from(&o);
	free(o.files);
	return rc;
}
