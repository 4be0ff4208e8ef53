/*
 * `stepscope lesson`: lists the teaching lessons (assets/lessons/NAME.yaml), runs one in the TUI
 * step by step, or checks that every step's scenario ends as the lesson expects (--check).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "lesson/lesson.h"

static const char help[] =
    "usage: stepscope lesson [--list]\n"
    "       stepscope lesson NAME|FILE.yaml [--step N] [--present] [tui options]\n"
    "       stepscope lesson --check [NAME|FILE.yaml]...\n"
    "\n"
    "Teaching lessons: each step sets up a scenario, explains it in a pane above the TUI,\n"
    "plays it and pauses where there is something to notice.\n"
    "Keys: n / p next / previous step, space continue after a pause; every TUI key works.\n"
    "\n"
    "  --list        the lessons, one per line: name and title (also without arguments)\n"
    "  --step N      start at step N (from 1)\n"
    "  --present     presenter mode: roomier explanation, slower, the last keys shown\n"
    "  --check       run every step headless and compare its status with its `expect`\n"
    "  (tui options: --ascii, --colors, --no-mouse, --paused, --dump WxH --at pause[N] ...)\n"
    "Exit status: 0 after q (or all checks pass), 1 a check failed, 2 usage or input error.\n";

static struct lesson *load(const char *name)
{
	char *path = lesson_find(name);
	if (!path) {
		cli_error("lesson: no lesson '%s' (stepscope lesson --list)", name);
		return NULL;
	}
	struct diags d;
	diags_init(&d);
	struct lesson *l = lesson_load(path, &d);
	if (!l)
		diags_print(stderr, &d, NULL, 0);
	diags_fini(&d);
	free(path);
	return l;
}

static int by_order(const void *a, const void *b)
{
	const struct lesson *x = *(struct lesson *const *)a, *y = *(struct lesson *const *)b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Every lesson of the lessons folder, in `order`; NULL entries were unreadable. */
static struct lesson **load_all(size_t *count, int *bad)
{
	char **files = lesson_list(count);
	struct lesson **all = xcalloc(*count + 1, sizeof(*all));
	for (size_t i = 0; i < *count; i++) {
		all[i] = load(files[i]);
		*bad += !all[i];
		free(files[i]);
	}
	free(files);
	size_t n = 0;
	for (size_t i = 0; i < *count; i++)
		if (all[i])
			all[n++] = all[i];
	*count = n;
	if (n)
		qsort(all, n, sizeof(*all), by_order);
	return all;
}

static int list(void)
{
	size_t n;
	int bad = 0;
	struct lesson **all = load_all(&n, &bad);
	if (!n && !bad)
		cli_error("lesson: no lessons found (assets/lessons)");
	for (size_t i = 0; i < n; i++) {
		printf("%-18s %s\n", all[i]->name, all[i]->title);
		lesson_free(all[i]);
	}
	free(all);
	return bad || !n ? EXIT_USAGE : EXIT_OK;
}

static int check(int argc, char **argv)
{
	int rc = EXIT_OK;
	if (argc == 0) {
		size_t n;
		int bad = 0;
		struct lesson **all = load_all(&n, &bad);
		for (size_t i = 0; i < n; i++) {
			if (cli_lesson_check(all[i], stdout) != EXIT_OK)
				rc = EXIT_NOT_SUCCEEDED;
			lesson_free(all[i]);
		}
		free(all);
		return bad ? EXIT_USAGE : rc;
	}
	for (int i = 0; i < argc; i++) {
		struct lesson *l = load(argv[i]);
		if (!l)
			return EXIT_USAGE;
		if (cli_lesson_check(l, stdout) != EXIT_OK)
			rc = EXIT_NOT_SUCCEEDED;
		lesson_free(l);
	}
	return rc;
}

/* Takes --step N out of argv (the rest goes to the TUI's options). */
static int take_step(int *argc, char **argv, size_t *step)
{
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--step"))
			continue;
		char *end;
		long n = i + 1 < *argc ? strtol(argv[i + 1], &end, 10) : 0;
		if (n < 1 || *end)
			return cli_error("lesson: --step wants a step number from 1");
		*step = (size_t)(n - 1);
		memmove(argv + i, argv + i + 2, (size_t)(*argc - i - 2) * sizeof(char *));
		*argc -= 2;
		return EXIT_OK;
	}
	return EXIT_OK;
}

int cmd_lesson(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--list"))
		return list();
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(help, stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--check"))
		return check(argc - 2, argv + 2);
	if (argv[1][0] == '-') {
		cli_error("lesson: unknown option '%s'", argv[1]);
		return cli_usage_hint("lesson");
	}
	struct lesson *l = load(argv[1]);
	if (!l)
		return EXIT_USAGE;
	size_t step = 0;
	/* argv[1] (the name) becomes the TUI's argv[0]. */
	int n = argc - 1;
	int rc = take_step(&n, argv + 1, &step);
	if (rc == EXIT_OK && step >= l->step_count)
		rc = cli_error("lesson: %s has %zu steps", l->name, l->step_count);
	if (rc == EXIT_OK)
		rc = cli_tui_lesson(l, step, n, argv + 1);
	lesson_free(l);
	return rc;
}
