/* Entry point: global options and subcommand dispatch. */
#include "cli.h"
#include "base/base.h"
#include "doc/doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: stepscope [tui] [--config FILE] [DEFINITION]   the terminal UI (default: ./config.yaml)\n"
	"       stepscope run [options] [DEFINITION]           headless simulation\n"
	"       stepscope replay [options] HISTORY...          a recorded execution\n"
	"       stepscope mock-from [options] HISTORY...       a MockConfigFile from a recording\n"
	"       stepscope validate FILE...                     check definitions\n"
	"       stepscope graph [--format text|dot|mermaid] [--ascii] [--machine ID] FILE\n"
	"       stepscope definition [--config FILE] [--set KEY=VALUE]...\n"
	"       stepscope sweep [options] --set KEY=V1,V2,...  runs per combination, a table\n"
	"       stepscope compare [options] [A B]              two runs or histories side by side\n"
	"       stepscope lesson [--list | NAME [--present]]   teaching lessons in the TUI\n"
	"\n"
	"Options: -h, --help   this text (or `stepscope COMMAND --help`)\n"
	"         --version    print the version\n"
	"Exit status: 0 success, 1 the execution did not succeed, 2 usage or input error.\n"
	"See stepscope(1) and README.md.\n";

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
};

static const struct command commands[] = {
	{"tui", cmd_tui},	    {"run", cmd_run},	      {"replay", cmd_replay},
	{"validate", cmd_validate}, {"graph", cmd_graph},     {"definition", cmd_definition},
	{"mock-from", cmd_mock_from}, {"sweep", cmd_sweep},	      {"compare", cmd_compare},
	{"lesson", cmd_lesson},
};

int cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("stepscope: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_USAGE;
}

int cli_usage_hint(const char *cmd)
{
	fprintf(stderr, "Try 'stepscope %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	/* Before any JSON value exists: jansson's blocks from the small-block pool (base.h). */
	doc_use_pool();
	if (argc >= 2) {
		const char *a = argv[1];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "help") == 0) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("stepscope %s\n", STEPSCOPE_VERSION);
			return EXIT_OK;
		}
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (strcmp(a, commands[i].name) == 0)
				return commands[i].fn(argc - 1, argv + 1);
		if (a[0] != '-' && !strchr(a, '.') && !strchr(a, '/')) {
			cli_error("unknown command '%s'", a);
			return cli_usage_hint(NULL);
		}
	}
	/* `stepscope [--config FILE] [DEFINITION]` is the TUI. */
	argv[0] = "tui";
	return cmd_tui(argc, argv);
}
