/* `stepscope graph`: print a definition's state graph as text, Graphviz dot or Mermaid. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "base/base.h"
#include "graph/graph.h"

static const char graph_usage[] =
    "usage: stepscope graph [--format text|dot|mermaid] [--ascii] [--machine ID] FILE\n"
    "\n"
    "Prints the state graph of FILE (ASL JSON or YAML, a CloudFormation/CDK template or a\n"
    "cdk.out folder), laid out top to bottom from StartAt.\n"
    "\n"
    "  --format text     boxes and lines for the terminal (default)\n"
    "  --format dot      Graphviz; render with `dot -Tsvg`\n"
    "  --format mermaid  a Mermaid flowchart\n"
    "  --ascii           text with + - | instead of box-drawing characters\n"
    "  --machine ID      which state machine of a template (its logical id)\n"
    "  -h, --help        this text\n";

enum format { FMT_TEXT, FMT_DOT, FMT_MERMAID };

struct graph_args {
	enum format format;
	bool ascii;
	const char *machine;
	const char *file;
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
			else {
				cli_error("graph: unknown format '%s' (text, dot or mermaid)", v);
				return cli_usage_hint("graph");
			}
		} else if ((v = option_value(argc, argv, &i, "--machine", &missing)) != NULL) {
			a->machine = v;
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
	char *out = a.format == FMT_DOT	      ? graph_render_dot(g)
		    : a.format == FMT_MERMAID ? graph_render_mermaid(g)
					      : graph_render_text(g, a.ascii);
	fputs(out, stdout);
	free(out);
	graph_free(g);
	asl_machine_free(m);
	return EXIT_OK;
}
