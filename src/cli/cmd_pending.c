/*
 * Subcommands whose engine has not landed yet. Each says so plainly and exits 2 rather than
 * pretending to work; its issue replaces the function with a real file.
 */
#include "cli.h"

#include <string.h>

static int pending(int argc, char **argv, const char *what)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: stepscope %s ...\n%s is not available in this build yet.\n",
			       argv[0], what);
			return EXIT_OK;
		}
	}
	return cli_error("%s: %s is not available in this build yet", argv[0], what);
}

int cmd_tui(int argc, char **argv)
{
	return pending(argc, argv, "the terminal UI");
}
