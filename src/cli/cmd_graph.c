/* `stepscope graph`: print a definition's state graph as text, Graphviz dot, Mermaid or SVG. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "base/base.h"
#include "export/export.h"
#include "graph/graph.h"
#include "history/history.h"

static const char graph_usage[] =
    "usage: stepscope graph [--format text|dot|mermaid|svg] [--ascii] [--machine ID]\n"
    "                       [--history HISTORY] [--output OUT] FILE\n"
    "\n"
    "Prints the state graph of FILE (ASL JSON or YAML, a CloudFormation/CDK template or a\n"
    "cdk.out folder), laid out top to bottom from StartAt.\n"
    "\n"
    "  --format text     boxes and lines for the terminal (default)\n"
    "  --format dot      Graphviz; render with `dot -Tsvg`\n"
    "  --format mermaid  a Mermaid flowchart\n"
    "  --format svg      a standalone SVG image\n"
    "  --ascii           text with + - | instead of box-drawing characters\n"
    "  --machine ID      which state machine of a template (its logical id)\n"
    "  --history HISTORY colour each state (text, svg) by its final status in a recorded\n"
    "                    execution: succeeded, caught, failed, timed out, aborted, not reached\n"
    "  --output OUT      write to OUT (atomically) instead of standard output\n"
    "  -h, --help        this text\n";

enum format { FMT_TEXT, FMT_DOT, FMT_MERMAID, FMT_SVG };

struct graph_args {
	enum format format;
	bool ascii;
	const char *machine;
	const char *file;
	const char *history, *output;
};

/* "--name VALUE" or "--name=VALUE": the value (borrowed) or NULL when argv[*i] is not it. */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != 0)
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

/* Returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, struct graph_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		bool missing = false;
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			fputs(graph_usage, stdout);
			return EXIT_OK;
		} else if (strcmp(arg, "--ascii") == 0) {
			a->ascii = true;
		} else if ((v = option_value(argc, argv, &i, "--format", &missing)) != NULL) {
			if (strcmp(v, "text") == 0)
				a->format = FMT_TEXT;
			else if (strcmp(v, "dot") == 0)
				a->format = FMT_DOT;
			else if (strcmp(v, "mermaid") == 0)
				a->format = FMT_MERMAID;
			else if (strcmp(v, "svg") == 0)
				a->format = FMT_SVG;
			else {
				cli_error("graph: unknown format '%s' (text, dot, mermaid or svg)",
					  v);
				return cli_usage_hint("graph");
			}
		} else if ((v = option_value(argc, argv, &i, "--machine", &missing)) != NULL) {
			a->machine = v;
		} else if ((v = option_value(argc, argv, &i, "--history", &missing)) != NULL) {
			a->history = v;
		} else if ((v = option_value(argc, argv, &i, "--output", &missing)) != NULL) {
			a->output = v;
		} else if (missing) {
			cli_error("graph: %s needs a value", arg);
			return cli_usage_hint("graph");
		} else if (arg[0] == '-' && arg[1] != 0) {
			cli_error("graph: unknown option '%s'", arg);
			return cli_usage_hint("graph");
		} else if (a->file) {
			cli_error("graph: one FILE only ('%s' and '%s')", a->file, arg);
			return cli_usage_hint("graph");
		} else {
			a->file = arg;
		}
	}
	if (!a->file) {
		cli_error("graph: no definition FILE given");
		return cli_usage_hint("graph");
	}
	if (a->history && (a->format == FMT_DOT || a->format == FMT_MERMAID)) {
		cli_error("graph: --history colours the text and svg formats only");
		return cli_usage_hint("graph");
	}
	return -1;
}

/* Prints the diagnostics, with the source line and a caret for those located in `path`. */
static void print_diags(const struct diags *d, const char *path)
{
	size_t len = 0;
	char *err = NULL;
	char *src = d->list.len ? file_read_all(path, &len, &err) : NULL;
	for (size_t i = 0; i < d->list.len; i++) {
		const struct diag *dg = &d->list.items[i];
		bool here = src && dg->file && strcmp(dg->file, path) == 0;
		diag_print(stderr, dg, here ? src : NULL, here ? len : 0);
	}
	free(src);
	free(err);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Colours g by the final statuses of a recorded execution; appends "replay of H: STATUS" to
 * title. False (message printed) when the history does not import. */
static bool mark_from_history(struct graph *g, const char *path, struct strbuf *title)
{
	struct hist_importer *imp = hist_importer_new();
	struct ev_log *log = cli_import_histories("graph", &path, 1, imp, false);
	hist_importer_free(imp);
	if (!log)
		return false;
	struct tl_index *tl = tl_index_new(log);
	tl_index_update(tl);
	size_t missing = exp_graph_mark(g, log, tl);
	if (missing)
		fprintf(stderr,
			"%s: warning: %zu state(s) of the history are not in the definition\n",
			path, missing);
	sb_addf(title, " \xC2\xB7 replay of %s: %s", base_name(path),
		tl_exec_status_name(tl_index_outcome(tl)->status));
	tl_index_free(tl);
	ev_log_free(log);
	return true;
}

static int graph_output(const struct graph_args *a, const char *text)
{
	if (!a->output) {
		fputs(text, stdout);
		return EXIT_OK;
	}
	const char *inputs[] = {a->file, a->history};
	struct diags d;
	diags_init(&d);
	bool ok = exp_write_file(a->output, text, strlen(text), inputs, a->history ? 2 : 1, &d);
	diags_print(stderr, &d, NULL, 0);
	diags_fini(&d);
	return ok ? EXIT_OK : EXIT_USAGE;
}

int cmd_graph(int argc, char **argv)
{
	struct graph_args a = {0};
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct diags d;
	diags_init(&d);
	struct asl_load_options opt = {.machine_id = a.machine};
	struct asl_machine *m = asl_load_file(a.file, &opt, &d);
	print_diags(&d, a.file); /* errors, or warnings of a machine that loaded */
	bool failed = !m || d.errors;
	diags_fini(&d);
	if (failed) {
		asl_machine_free(m);
		return EXIT_USAGE;
	}
	struct graph *g = graph_from_asl(m);
	struct strbuf title;
	sb_init(&title);
	sb_add(&title, base_name(a.file));
	char *oversize = NULL;
	if (a.format == FMT_TEXT || a.format == FMT_SVG) { /* they draw the layout whole */
		struct graph_layout *l = graph_layout_new(g);
		oversize = graph_layout_oversize(l);
		graph_layout_free(l);
	}
	if (oversize) {
		cli_error("graph: %s: %s; --format dot or mermaid have no such limit", a.file,
			  oversize);
		free(oversize);
		rc = EXIT_USAGE;
	} else if (a.history && !mark_from_history(g, a.history, &title)) {
		rc = EXIT_USAGE;
	} else {
		char *out = a.format == FMT_DOT	      ? graph_render_dot(g)
			    : a.format == FMT_MERMAID ? graph_render_mermaid(g)
			    : a.format == FMT_SVG     ? exp_graph_svg(g, sb_str(&title), NULL)
						      : graph_render_text(g, a.ascii);
		rc = graph_output(&a, out);
		free(out);
	}
	sb_fini(&title);
	graph_free(g);
	asl_machine_free(m);
	return rc;
}
