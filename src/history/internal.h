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

/* [p, end) starts with '"': the end of that string (past its closing quote), or NULL. */
const char *hist_string_end(const char *p, const char *end);

/* One event of a streamed batch: where its text is (borrowed). */
struct hist_piece {
	const char *start;
	size_t len;
};

/* Parses batches of events on the calling thread and one helper (batch.c). */
struct hist_batcher;
struct hist_batcher *hist_batcher_new(void);
void hist_batcher_free(struct hist_batcher *b);
/*
 * Parses the events at pieces[0..count) (borrowed; the text must outlive the batcher) and
 * calls fn with each value in order (index first + i), on the calling thread. False when
 * jansson refuses one or fn returns false.
 */
bool hist_batcher_run(struct hist_batcher *b, const struct hist_piece *pieces, size_t count,
		      size_t first, hist_stream_event_fn fn, void *ctx);

#endif
