/*
 * explain — why a recorded state visit produced what it did: the data-flow steps (InputPath →
 * Parameters → result → ResultSelector → ResultPath → OutputPath) recomputed by flow/ from
 * the visit's recorded input and result, or, for a Choice, which rule matched and why the
 * others did not.
 *
 * Owns nothing but the walk from a log to flow/'s explanation; the TUI inspector and
 * `stepscope run --explain` print what it emits. Works the same on a simulation and on a
 * replayed history with execution data. Uses event, asl, flow.
 */
#ifndef STEPSCOPE_EXPLAIN_H
#define STEPSCOPE_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asl/asl.h"
#include "event/event.h"

/* What a line says, so a view can style it (status is also in the words). */
enum xp_kind {
	XP_TITLE,
	XP_STEP,     /* one processing step and its value */
	XP_MATCH,    /* a Choice rule that matched */
	XP_NO_MATCH, /* a Choice rule that did not */
	XP_RESULT,   /* where the Choice went */
	XP_ERROR,
	XP_NOTE,
	XP_AGREES, /* the recomputed output equals the recorded one */
	XP_DIFFERS,
};

/* Receives each line; `text` is borrowed for the call. */
typedef void (*xp_emit_fn)(void *ctx, enum xp_kind kind, const char *text);

/* The events of one visit of a state (borrowed from the log); NULL when absent. */
struct xp_visit {
	const struct ev *entered, *result, *exited;
	int64_t entered_id, result_id, exited_id; /* theirs, 0 when absent */
	const struct ev_log *log; /* borrowed: where they are (their payloads: ev_payload) */
};

/*
 * Finds a visit of the state named `name` among events 1..upto (0 = the whole log): the latest
 * one when `item` < 0 (any Map item), else the latest one in Map item `item`. False when there
 * is none.
 */
bool xp_find_visit(const struct ev_log *log, size_t upto, const char *name, int32_t item,
		   struct xp_visit *v);

/* Explains one visit of state `st` (borrowed), line by line through emit. */
void xp_explain(const struct asl_state *st, const struct xp_visit *v, xp_emit_fn emit, void *ctx);

#endif
