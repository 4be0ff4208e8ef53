/*
 * history — AWS execution histories in and out of the event log.
 *
 * Owns: import of `aws stepfunctions get-execution-history` output (CLI v1/v2, raw API and SDK
 * JSON, several pages, reverse order, with or without execution data, an optional
 * `describe-execution` document beside it), the reconstruction of what a recorded history
 * does not say outright (the state and Map iteration of every event, state visits, Parallel
 * branches, task attempts), and export of a log in the exact CLI shape.
 *
 * Contract: an import yields the same log a simulation of that execution would have appended:
 * dense ids from 1, `prev` causal, `state` and `item` filled per event.h. Bad input never
 * crashes: structural problems are located errors (file:line:col or a JSON pointer), oddities
 * (broken links, gaps, duplicate ids, unknown types, placeholder timestamps) are warnings.
 * Reconstruction is one O(N) pass in id order.
 *
 * Speed: a big single page is parsed on two threads (the calling thread and one helper that
 * hist_importer_add_text starts and joins before it returns; the log and diagnostics are only
 * ever touched by the calling thread), and payloads stay text until ev_payload reads them.
 */
#ifndef STEPSCOPE_HISTORY_H
#define STEPSCOPE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "event/event.h"

/* Synthetic time step when the recorded timestamps are missing or placeholders: event i (from
 * 0) happens at i * HIST_SYNTHETIC_STEP_MS. Order is real, durations are not. */
#define HIST_SYNTHETIC_STEP_MS 1

/* ---- import ---- */

/* What a `describe-execution` document said (all optional; strings owned by the importer). */
struct hist_describe {
	bool present;
	char *name, *execution_arn, *state_machine_arn, *status, *error, *cause;
	json_t *input, *output; /* parsed payloads, may be NULL */
	bool has_start, has_stop;
	int64_t start_epoch_ms, stop_epoch_ms;
};

struct hist_importer;

struct hist_importer *hist_importer_new(void);
void hist_importer_free(struct hist_importer *imp);

/*
 * Adds one document (text borrowed, `name` borrowed: used in diagnostics): a history page,
 * an array of pages, a bare array of events, or a describe-execution object. Returns false
 * with an error in diags when the text is not JSON or not one of those shapes.
 */
bool hist_importer_add_text(struct hist_importer *imp, const char *name, const char *text,
			    size_t len, struct diags *diags);

/*
 * Orders, checks and reconstructs every event added so far and returns the log (owned by the
 * caller), or NULL with an error when there is no event at all. Call once.
 */
struct ev_log *hist_importer_finish(struct hist_importer *imp, struct diags *diags);

/* The describe-execution data, if a document had it. Borrowed from the importer. */
const struct hist_describe *hist_importer_describe(const struct hist_importer *imp);

/* Convenience for tests: one text in, a log out (NULL on error). */
struct ev_log *hist_import_text(const char *name, const char *text, size_t len,
				struct diags *diags);
/* The same for a file (borrowed path); an unreadable file is an error in diags. */
struct ev_log *hist_import_file(const char *path, struct diags *diags);

/* ---- reconstruction ----
 * What every event gets, so a simulator can record the same (the round-trip contract):
 *  - Execution* events: no state, item -1;
 *  - *StateEntered / *StateExited / FailStateEntered: the state's name, item = the innermost
 *    Map iteration they happen in (-1 outside any Map);
 *  - Task* / LambdaFunction* / Activity* events: the Task state's name (of the visit their
 *    causal chain starts from), same item;
 *  - TaskStateAborted / WaitStateAborted (no details): the aborted state; when a
 *    MapIterationAborted(i) follows, the open state of iteration i, else the predecessor's;
 *  - MapStateStarted/Succeeded/Failed/Aborted, MapRun*: the Map's name, item = the iteration
 *    around the Map (-1 at top level); Parallel* alike with the Parallel's name;
 *  - MapIteration*: the Map's name, item = details.index;
 *  - EvaluationFailed: details.state; unknown types: no state, the item of their scope.
 */

/* One visit of a state: from its *StateEntered to the last event that belongs to it. */
struct hist_visit {
	ev_str_t state;
	enum ev_type entered; /* the *StateEntered type: the state's kind */
	int32_t item;	      /* innermost Map iteration, -1 outside any Map */
	int32_t branch;	      /* innermost Parallel branch (order of first appearance), or -1 */
	int64_t first_id, last_id;
	int64_t first_ms, last_ms;
	int32_t attempts; /* Task: invocations (Scheduled); Map/Parallel: starts */
	int32_t failures; /* failure events that belong to the visit */
	bool exited, aborted;
};

struct hist_recon;

struct hist_recon *hist_recon_new(void);
void hist_recon_free(struct hist_recon *r);

/*
 * Feeds the next event (its id is the count fed so far + 1; e->prev below it or 0). Fills
 * e->state where the event has no name of its own and e->item (MapIteration* keep their
 * details index). `next` (borrowed, may be NULL) is the following event when known: it tells
 * which iteration a detail-less TaskStateAborted belongs to. O(1) amortized.
 */
void hist_recon_feed(struct hist_recon *r, struct ev *e, const struct ev *next);

/* Rebuilds the reconstruction of a finished log (any producer); owned by the caller. */
struct hist_recon *hist_recon_of_log(const struct ev_log *log);

size_t hist_recon_visit_count(const struct hist_recon *r);
/* Borrowed; index < visit count. Visits are in order of their entered events. */
const struct hist_visit *hist_recon_visit(const struct hist_recon *r, size_t index);
/* The visit an event belongs to, or -1 (execution events). */
int32_t hist_recon_event_visit(const struct hist_recon *r, int64_t id);
/* The task attempt (1-based) of a Task/Lambda/Activity event, 0 otherwise. */
int32_t hist_recon_event_attempt(const struct hist_recon *r, int64_t id);
/* The innermost Parallel branch of an event, or -1. */
int32_t hist_recon_event_branch(const struct hist_recon *r, int64_t id);

/* ---- outcome ---- */

enum hist_status { HIST_RUNNING, HIST_SUCCEEDED, HIST_FAILED, HIST_TIMED_OUT, HIST_ABORTED };

/* "SUCCEEDED", ... as AWS spells ExecutionStatus. */
const char *hist_status_name(enum hist_status status);

struct hist_outcome {
	enum hist_status status;
	const struct ev *end; /* the terminal event (borrowed), NULL while running */
	int64_t end_id;	      /* its id, 0 while running */
	int64_t duration_ms;  /* terminal (or last) event time minus the first event's */
};

/* From the last Execution{Succeeded,Failed,TimedOut,Aborted,Redriven} event. */
void hist_outcome(const struct ev_log *log, struct hist_outcome *out);

/* ---- playback seam ---- */

/* What a replay producer needs: a description for headers, e.g. "replay of h.json". */
struct hist_replay_source {
	const char *description; /* borrowed */
};

/* A producer over a complete imported log (both borrowed, must outlive p): advancing appends
 * nothing, it is finished from the start. */
void hist_producer_init(struct ev_producer *p, struct hist_replay_source *src, struct ev_log *log);

/* ---- export ---- */

/* The log as `get-execution-history --output json` prints it, with a final newline. The
 * buffer is owned by the caller. */
char *hist_export_text(const struct ev_log *log, size_t *len);

/*
 * Writes hist_export_text atomically to path. Refuses (error in diags) when path is the same
 * file as one of the `inputs` (borrowed, may be NULL when count is 0).
 */
bool hist_export(const struct ev_log *log, const char *path, const char *const *inputs,
		 size_t input_count, struct diags *diags);
/*
 * As hist_export_text / hist_export, and the execution input written as input_text (borrowed;
 * NULL: as any payload), the text the caller sent, which AWS keeps verbatim in ExecutionStarted
 * and the first state's Entered event (when their payload is that text's value).
 */
char *hist_export_text_input(const struct ev_log *log, const char *input_text, size_t *len);
bool hist_export_input(const struct ev_log *log, const char *path, const char *const *inputs,
		       size_t input_count, const char *input_text, struct diags *diags);

/* ---- mock-from ---- */

/*
 * A Step Functions Local MockConfigFile (aws-facts c.1) that reproduces the recorded task
 * results: StateMachines[machine_name].TestCases[test_case] maps every Task state with a
 * started invocation to a MockedResponses entry named after it; invocation n (0-based, per
 * state, in the order the *Started events happened, the simulator's numbering) answers
 * {"Return": raw result} or {"Throw": {"Error", "Cause"}} (timeouts: their error, e.g.
 * States.Timeout); equal neighbours merge into "N-M" ranges. Calls that never finished are
 * left uncovered, with a warning. The log and strings are borrowed (`file` names the history
 * in diagnostics); the result is owned by the caller.
 */
json_t *hist_mock_from(const struct ev_log *log, const char *machine_name, const char *test_case,
		       const char *file, struct diags *diags);

#endif
