/* history module internals: the describe-execution reader shared by import. */
#ifndef STEPSCOPE_HISTORY_INTERNAL_H
#define STEPSCOPE_HISTORY_INTERNAL_H

#include "history.h"

/* True for a `describe-execution` result (has executionArn, or status and startDate). */
bool hist_looks_like_describe(const json_t *root);
/* Reads it into d (replacing earlier data); false with an error when a field is malformed. */
bool hist_describe_read(struct hist_describe *d, const json_t *root, const char *file,
			struct diags *diags);
void hist_describe_fini(struct hist_describe *d);
/* Copies the execution and state machine names into the log's meta. */
void hist_describe_apply(const struct hist_describe *d, struct ev_log *log);

/* Called with every event object (borrowed) of a streamed page and its index; false stops. */
typedef bool (*hist_stream_event_fn)(void *ctx, const json_t *event, size_t index);
/*
 * Reads text as one history page {"events": [...], ...}, one event at a time (stream.c).
 * False when the text is not exactly such a page of valid JSON: then the caller parses it
 * whole (fn may have been called for some events already). *has_token: a string nextToken.
 */
bool hist_stream_page(const char *text, size_t len, hist_stream_event_fn fn, void *ctx,
		      bool *has_token);

#endif
