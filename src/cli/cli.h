/*
 * cli — the stepscope command: argument parsing, subcommands and headless output.
 *
 * Each subcommand is `int cmd_NAME(int argc, char **argv)` in its own file, with argv[0] the
 * subcommand name; it returns the process exit status: 0 success, 1 the execution did not
 * succeed (run/replay), 2 usage or input error.
 */
#ifndef STEPSCOPE_CLI_H
#define STEPSCOPE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

enum { EXIT_OK = 0, EXIT_NOT_SUCCEEDED = 1, EXIT_USAGE = 2 };

int cmd_tui(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_mock_from(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_definition(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_lesson(int argc, char **argv);

struct ev_log;
/* The terminal UI over a replayed log (taken: freed here); `name` is the history file and
 * `definition` (may be NULL) the definition to draw. Returns the exit status. */
int cli_tui_replay(struct ev_log *log, const char *name, const char *definition);

struct lesson;
/* The terminal UI over lesson l (borrowed) from step `step` (from 0); argv[1..] are tui
 * options (--dump, --keys, --at pause[N], --present, ...). Returns the exit status. */
int cli_tui_lesson(const struct lesson *l, size_t step, int argc, char **argv);
/* Runs every step of l headless to its end and prints "ok|FAIL NAME step N: STATUS" lines to
 * out (borrowed), checking each step's `expect`. EXIT_OK when all match. */
int cli_lesson_check(const struct lesson *l, FILE *out);

/* Prints "stepscope: " + message to stderr; returns EXIT_USAGE for `return usage_error(...)`. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Before writing any output file: false (after a message) when two outputs (borrowed, NULL
 * entries skipped; `names` are their options) name the same file or one names an input
 * ("-" = stdin is skipped).
 */
bool cli_outputs_ok(const char *cmd, const char *const *names, const char *const *outs,
		    size_t out_count, const char *const *ins, size_t in_count);
/* A --json document (borrowed) on out, indented, reals in their shortest exact form (0.1, not
 * 0.10000000000000001, as the history export writes them), then a line end. */
void cli_print_json(const json_t *doc, FILE *out);
/* The short "try 'stepscope CMD --help'" line after a usage error; returns EXIT_USAGE. */
int cli_usage_hint(const char *cmd);

struct ev_log;
struct hist_importer;
/*
 * A command's last use of a big log (taken): frees it under a memory checker (mem_tool),
 * else leaves it to the process's end. A log holds memory only (no file, no lock), and
 * freeing one walks every record: a tenth of a 100,000-item run's time, for memory the
 * system takes back at once when the process exits.
 */
void cli_log_done(struct ev_log *log);
/*
 * Imports history files (several pages or executions) into imp (borrowed) and returns the log,
 * owned by the caller, or NULL after printing why. With quiet, warnings of the last step (e.g.
 * placeholder timestamps) are not printed.
 */
struct ev_log *cli_import_histories(const char *cmd, const char *const *files, size_t count,
				    struct hist_importer *imp, bool quiet);

#endif
