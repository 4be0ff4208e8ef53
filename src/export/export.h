/*
 * export — files made from an execution for other tools: a Chrome trace-event JSON (Perfetto,
 * chrome://tracing), a timeline SVG and a state-graph SVG.
 *
 * Owns: the three renderers, the mapping of an execution's states to their final status for
 * the graph, and exp_write_outputs, the one call a command (run, replay) makes to write
 * whichever outputs the user asked for.
 *
 * Contract: renderers only read. The timeline exports read the rows, spans, markers and
 * outcome of a `tl_index` that the caller has brought up to date (tl_index_update) over the
 * same log; they never re-derive structure from the events, they only look events up for
 * payload sizes. Output is deterministic: the same log gives byte-identical files. Every
 * renderer returns text owned by the caller. Files are written atomically and never over one
 * of the command's inputs.
 */
#ifndef STEPSCOPE_EXPORT_H
#define STEPSCOPE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "event/event.h"
#include "graph/graph.h"
#include "timeline/timeline.h"

struct asl_machine;

/* What the timeline exports read; every pointer borrowed. */
struct exp_source {
	const struct ev_log *log;
	const struct tl_index *tl; /* over log, up to date */
	const char *title;	   /* the machine's name or the definition file; may be NULL */
	const char *origin;	   /* "replay of h.json" / "seed 1, config.yaml"; may be NULL */
};

/*
 * Chrome trace-event JSON (the Trace Event Format): one complete event ("ph":"X", ts and dur
 * in microseconds) per span, one track (tid) per timeline row named by a thread_name
 * metadata event ("#0 Computer Science"; the top row is the execution's track), args with the
 * input/output sizes in bytes, status and error; instant events ("ph":"i") for task timeouts,
 * failures and the execution's end. One event per line. *len (may be NULL) gets the length.
 */
char *exp_trace_json(const struct exp_source *src, size_t *len);

/* Rows drawn by exp_timeline_svg at most; the rest are summarised in a note. */
#define EXP_SVG_MAX_ROWS 250

/*
 * A standalone SVG of the timeline: title with the machine, origin and status; a time axis
 * with ticks; one row per timeline row (label at the left) with visits, task attempts, retry
 * back-offs and waits coloured by kind and status (and named in a <title> tooltip, so status
 * is never colour alone); execution-deadline and timeout markers; above the rows a chart of
 * the Map iterations and tasks in flight (and MaxConcurrency when known); a legend. Past
 * EXP_SVG_MAX_ROWS rows the rest are counted by status in a note instead of drawn.
 */
char *exp_timeline_svg(const struct exp_source *src, size_t *len);

/*
 * Sets every node's status role (nested graphs included) from an execution: the status of a
 * state's last visit on each timeline row, the worst over rows (failed, timed out, aborted,
 * caught, running, succeeded); CANVAS_STATE_PENDING for a state never reached. Returns how
 * many visited states the graph lacks (a history of another definition).
 */
size_t exp_graph_mark(struct graph *g, const struct ev_log *log, const struct tl_index *tl);

/*
 * A standalone SVG of the state graph, from the graph layout (cells scaled to pixels): boxes
 * coloured by each node's status role, Parallel/Map frames, the routed edges with arrows and
 * labels, a legend of the statuses present. `title` (borrowed, may be NULL) heads the image.
 * NULL when the layout is too large to draw whole (graph_layout_oversize says why).
 */
char *exp_graph_svg(const struct graph *g, const char *title, size_t *len);

/* What exp_write_outputs writes; NULL paths are skipped. All borrowed. */
struct exp_outputs {
	const char *trace_out;	   /* --trace-out */
	const char *svg_out;	   /* --svg-out (the timeline SVG) */
	const char *const *inputs; /* the command's input files: never overwritten */
	size_t input_count;
	const char *title;  /* the machine's name; may be NULL */
	const char *origin; /* "replay of h.json" / "run of x.asl.json, seed 1"; may be NULL */
};

/*
 * The one call a command (run, replay) makes: writes the requested exports of a finished (or
 * stopped) log atomically. It builds the timeline itself; `model` (borrowed, may be NULL)
 * gives the execution deadline (TimeoutSeconds) and the MaxConcurrency line (when the
 * outermost Maps agree on one). Refuses (error in diags, nothing written) an output path
 * that names one of the inputs or the other output. Returns false when any file could not be
 * written; the others are still written.
 */
bool exp_write_outputs(const struct ev_log *log, const struct asl_machine *model,
		       const struct exp_outputs *out, struct diags *diags);

/* Writes text to path atomically unless path is one of inputs (borrowed); false + diag. */
bool exp_write_file(const char *path, const char *text, size_t len, const char *const *inputs,
		    size_t input_count, struct diags *diags);

#endif
