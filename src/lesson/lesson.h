/*
 * lesson — teaching lessons as data: assets/lessons/NAME.yaml → plain structs.
 *
 * Owns: the lesson schema (title, summary, steps with their scenario, explanation text, pause
 * points and expected status), loading it through doc/ (every problem located file:line:col),
 * and finding lessons by name (./assets/lessons, then the installed data folder).
 *
 * Contract: a `struct lesson` is plain data owned by the caller (lesson_free). Relative file
 * paths in a lesson are resolved against the lesson file's folder. Nothing here runs a
 * simulation: the command line turns steps into sessions. Uses base, doc, jansson.
 */
#ifndef STEPSCOPE_LESSON_H
#define STEPSCOPE_LESSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/* Where playback stops to point something out. Exactly one of t_ms >= 0 and event is set. */
struct lesson_pause {
	int64_t t_ms; /* virtual time, or -1 */
	char *event;  /* "TaskStarted LambdaInvoke #2": Nth (from 1) event of a type in a state */
	char *note;   /* shown in the explanation pane while paused there; may be NULL */
	char *state;  /* highlight: select this state on the graph; NULL = none */
	int32_t row;  /* highlight: select this timeline row (from 0); -1 = none */
	char *pane;   /* highlight: focus this pane (graph, timeline, events, ...); NULL = none */
};

/*
 * A side-by-side step's second execution (`versus:`): the step's own scenario with these
 * changes, shown under (or beside) it in the TUI's compare view on one time axis.
 */
struct lesson_versus {
	char *title; /* its title in the view, NULL = its `set` entries */
	char **sets; /* "KEY=VALUE", applied after the step's own */
	size_t set_count;
	char *definition; /* resolved path, NULL = the step's */
	char *items;	  /* resolved path, NULL = the step's items */
	json_t *input;	  /* owned reference, NULL = the step's */
};

struct lesson_step {
	char *title;
	char *text;  /* the explanation, a few lines */
	char **sets; /* "KEY=VALUE" config overrides, as --set takes them */
	size_t set_count;
	char *definition; /* resolved path, NULL = the seed machine */
	char *items;	  /* resolved path of an item file, NULL = the scenario's */
	int64_t generate; /* items: {generate: N}: N generated strings; 0 = none */
	json_t *input;	  /* the execution input (owned reference), NULL = {} */
	struct lesson_pause *pauses;
	size_t pause_count;
	char *focus;	   /* pane focused when the step starts, NULL = default */
	char *expect;	   /* SUCCEEDED, FAILED or TIMED_OUT; NULL = not checked */
	int64_t window_ms; /* timeline window [0, window] (a shared time axis); 0 = fit all */
	bool compare;	   /* show every step's status and makespan (each run headless first) */
	struct lesson_versus *versus; /* side by side with a second execution; NULL = alone */
};

struct lesson {
	char *file; /* as loaded */
	char *name; /* the file's base name without .yaml */
	char *title;
	char *summary;
	int64_t order; /* place in the list (then by name); default 1000 */
	struct lesson_step *steps;
	size_t step_count;
};

/* Loads a lesson file (borrowed path); NULL with located errors in d. Owned by the caller. */
struct lesson *lesson_load(const char *path, struct diags *d);
void lesson_free(struct lesson *l);

/* The lesson file for NAME (borrowed): NAME itself when it is a file, else NAME.yaml in the
 * lessons folder. Owned by the caller; NULL when not found. */
char *lesson_find(const char *name);
/* The lessons folder (./assets/lessons, else the installed one); owned by the caller, NULL
 * when none exists. */
char *lesson_dir(void);
/* The lesson files of the lessons folder, sorted; *count set. Owned by the caller (free each
 * and the array). */
char **lesson_list(size_t *count);

/* Generated items for {generate: N}: ["item 00001", ...] (owned reference). */
json_t *lesson_generate_items(int64_t n);

#endif
