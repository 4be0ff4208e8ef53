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

/*
 * Called with every event of a streamed page and its index; false stops. The event is either
 * raw (yajl's record, ev_yread: the function may take its references with ev_yraw_finish) or,
 * when that reader was unsure, event (jansson's object, borrowed); the other is NULL.
 */
typedef bool (*hist_stream_event_fn)(void *ctx, const json_t *event, struct ev_yraw *raw,
				     size_t index);
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

/*
 * Parses batches of events on the calling thread and one helper (batch.c). A batch is
 * submitted (the helper may start on it at once) and later delivered: submitting the next
 * batch before delivering the current one keeps the helper busy meanwhile.
 */
struct hist_batcher;
struct hist_batch;
struct hist_batcher *hist_batcher_new(void);
/* Joins the helper: the text of every batch must live until then. */
void hist_batcher_free(struct hist_batcher *b);
/* A batch of the events at pieces[0..count) (copied; their text borrowed). */
struct hist_batch *hist_batcher_submit(struct hist_batcher *b, const struct hist_piece *pieces,
				       size_t count);
/*
 * Calls fn with each event in order (index first + i) on the calling thread, then
 * frees the batch (taken). False when jansson refuses an event or fn returns false. Batches
 * are delivered in the order they were submitted.
 */
bool hist_batcher_deliver(struct hist_batcher *b, struct hist_batch *bt, size_t first,
			  hist_stream_event_fn fn, void *ctx);
/* Frees a submitted batch without delivering it (taken; NULL is a no-op). */
void hist_batcher_drop(struct hist_batch *bt);

#endif
