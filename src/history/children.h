/*
 * history/children — Distributed Map child histories beside a parent history (aws-facts a.5,
 * b.2): writing them, reading them back, tying each to its Map Run, and the Map Run summary.
 *
 * On AWS a Distributed Map's parent history has only the Map Run events (MapRunStarted
 * {mapRunArn} ... MapRunSucceeded|Failed|Aborted); every item or batch ran as a child
 * execution with a get-execution-history document of its own.
 *
 * Layout on disk: the children of parent history FILE live in the folder `FILE.children/`,
 * one `<child-execution-name>.json` per child, each exactly the get-execution-history shape.
 * A child is tied to its Map Run by name: stepscope names children `<map run id>_<index>`
 * (the map run id is the last `:` field of mapRunArn); a child whose name starts with no
 * Map Run's id belongs to the parent's only Map Run when there is exactly one (children
 * downloaded from AWS keep AWS's names), else it is reported as unmatched. Writing the
 * children replaces the folder's earlier `*.json` files (another run's children).
 */
#ifndef STEPSCOPE_HISTORY_CHILDREN_H
#define STEPSCOPE_HISTORY_CHILDREN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/base.h"
#include "event/event.h"
#include "history/history.h"

/* "<parent_path>.children", owned by the caller. */
char *hist_children_dir(const char *parent_path);

/* Child logs produced on demand (a simulator keeps ended children compact): load(ctx, key)
 * returns child `key`'s log, owned by the caller. */
struct hist_child_source {
	struct ev_log *(*load)(const void *ctx, size_t key);
	const void *ctx; /* borrowed */
};
/*
 * Writes each child's log (child i's from src, key i, one in memory at a time) as
 * `<dir>/<names[i]>.json` where dir is hist_children_dir(parent_path), creating the folder;
 * every file is written atomically. A name that is not a plain file name (empty, `/`,
 * `.`-leading) is an error.
 */
bool hist_export_children_from(const char *parent_path, const struct hist_child_source *src,
			       const char *const *names, size_t count, struct diags *diags);

/* One Map Run of the parent and the children tied to it. */
struct hist_map_run {
	const char *arn;	 /* mapRunArn (borrowed from the parent log) */
	const char *state;	 /* the Distributed Map state's name (borrowed) */
	int64_t started_id;	 /* its MapRunStarted event */
	enum hist_status status; /* from MapRunSucceeded|Failed|Aborted; RUNNING when none */
	const char *error;	 /* MapRunFailed error (borrowed), else NULL */
	/* Children by their own ExecutionSucceeded|Failed|TimedOut|Aborted (none: running). */
	size_t children, succeeded, failed, timed_out, aborted, running;
	size_t items; /* items processed: a batch child counts its input's Items */
};

struct hist_map_runs;

/* The Map Runs of `parent` (borrowed, must outlive the result); owned by the caller. */
struct hist_map_runs *hist_map_runs_new(const struct ev_log *parent);
/* The same, reading only the events from first_id on: a producer that knows where its first
 * MapRunStarted is spares a walk through the whole log (first_id past the end: no Map Runs). */
struct hist_map_runs *hist_map_runs_new_from(const struct ev_log *parent, int64_t first_id);
void hist_map_runs_free(struct hist_map_runs *m);

/* Ties a child named `name`, known by its outcome (status, items processed), to its Map Run;
 * its log src (borrowed, must outlive m) loads with `key` when it is read (write_text). False
 * (nothing counted) when no Map Run matches. */
bool hist_map_runs_add_lazy(struct hist_map_runs *m, const char *name, enum hist_status status,
			    size_t items, const struct hist_child_source *src, size_t key);
/* Imports the child history at path (its name: the file name without `.json`) and ties it;
 * the log is owned by m. An unreadable file is an error; an unmatched child a warning. */
bool hist_map_runs_load(struct hist_map_runs *m, const char *path, struct diags *diags);
/* hist_map_runs_load for every `*.json` in dir, in name order. */
bool hist_map_runs_load_dir(struct hist_map_runs *m, const char *dir, struct diags *diags);

size_t hist_map_run_count(const struct hist_map_runs *m);
const struct hist_map_run *hist_map_run(const struct hist_map_runs *m, size_t i);

/* The summary as JSON: [{mapRunArn, state, status, error?, children {total, succeeded,
 * failed, timedOut, aborted, running}, items}] (owned by the caller); `with_children` false
 * leaves children and items out (no child histories were given). */
json_t *hist_map_runs_json(const struct hist_map_runs *m, bool with_children);
/* The same as text lines for --summary. */
void hist_map_runs_print(const struct hist_map_runs *m, bool with_children, FILE *out);
/* Every child's events in the one-line text form, each after a `== NAME STATUS` line. */
void hist_map_runs_write_text(const struct hist_map_runs *m, FILE *out);

#endif
