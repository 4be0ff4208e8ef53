/*
 * Parsing a batch of streamed events on two threads (stream.c finds their boundaries).
 *
 * jansson values are independent, so a helper thread can parse some events of a batch while
 * the calling thread parses others and hands them, in order, to the caller's function. The
 * two share the batch through one atomic claim counter: whichever thread is free takes the
 * next unparsed event. Nothing is split in advance, so when the machine is busy and the
 * helper does not get a core, the calling thread simply parses everything itself; it only
 * ever waits for an event the helper is in the middle of.
 *
 * Before jansson sees an event, the whitespace between its tokens is dropped: the AWS CLI
 * indents by four spaces (a third of a file) and jansson pays for every byte. Whitespace that
 * separates two word characters is kept as one space, so no invalid text (`tr ue`, `1 2`)
 * becomes valid.
 */
#include "internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

/* A batch smaller than this is not worth waking the helper for. */
#define HELPER_MIN_BYTES (64 * 1024)

struct hist_batcher {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool started, quit; /* quit: under mu */
	/* The batch on offer, under mu; the claims pack (generation << 32 | next index). */
	struct hist_piece *pieces;
	size_t count;
	uint32_t gen;
	_Atomic uint64_t claim;
	char *buf[2]; /* scratch for squeezing: [0] the caller's, [1] the helper's */
	size_t cap[2];
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Structural characters and quotes end a token: whitespace beside them is never needed. */
static bool is_word(char c)
{
	return !strchr("{}[],:\"", c);
}

/*
 * Copies [p, end) to out (room for end - p bytes) without the whitespace between tokens;
 * a run between two word characters becomes one space. Returns the length written. Strings
 * are copied whole (the text was scanned already: each one ends before `end`).
 */
static size_t squeeze(const char *p, const char *end, char *out)
{
	char *o = out;
	while (p < end) {
		if (*p == '"') {
			const char *q = hist_string_end(p, end);
			if (!q)
				q = end;
			memcpy(o, p, (size_t)(q - p));
			o += q - p;
			p = q;
		} else if (is_ws(*p)) {
			while (p < end && is_ws(*p))
				p++;
			if (o > out && p < end && is_word(o[-1]) && is_word(*p))
				*o++ = ' ';
		} else {
			*o++ = *p++;
		}
	}
	return (size_t)(o - out);
}

/* Parses one piece with scratch buffer `who` and marks it done. */
static void parse_piece(struct hist_batcher *b, int who, struct hist_piece *pc)
{
	/* Indented text has whitespace right after the `{`; compact text is parsed where it
	 * is (squeezing it would only cost a copy). */
	if (pc->len < 2 || !is_ws(pc->start[1])) {
		pc->value = json_loadb(pc->start, pc->len, JSON_DECODE_ANY, NULL);
	} else {
		if (pc->len > b->cap[who]) {
			b->cap[who] = pc->len * 2;
			b->buf[who] = xrealloc(b->buf[who], b->cap[who]);
		}
		size_t n = squeeze(pc->start, pc->start + pc->len, b->buf[who]);
		pc->value = json_loadb(b->buf[who], n, JSON_DECODE_ANY, NULL);
	}
	atomic_store_explicit(&pc->done, 1, memory_order_release);
}

/* The next unclaimed index of batch `gen` (of `count` pieces), or -1 when none is left. */
static long claim(struct hist_batcher *b, uint32_t gen, size_t count)
{
	uint64_t v = atomic_load(&b->claim);
	for (;;) {
		if ((uint32_t)(v >> 32) != gen || (v & 0xffffffffu) >= count)
			return -1;
		if (atomic_compare_exchange_weak(&b->claim, &v, v + 1))
			return (long)(v & 0xffffffffu);
	}
}

static void *helper(void *arg)
{
	struct hist_batcher *b = arg;
	uint32_t seen = 0;
	for (;;) {
		pthread_mutex_lock(&b->mu);
		while (!b->quit && b->gen == seen)
			pthread_cond_wait(&b->cv, &b->mu);
		bool quit = b->quit;
		seen = b->gen;
		struct hist_piece *pieces = b->pieces;
		size_t count = b->count;
		pthread_mutex_unlock(&b->mu);
		if (quit)
			return NULL;
		for (long i; (i = claim(b, seen, count)) >= 0;)
			parse_piece(b, 1, &pieces[i]);
	}
}

struct hist_batcher *hist_batcher_new(void)
{
	struct hist_batcher *b = xcalloc(1, sizeof(*b));
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
	atomic_init(&b->claim, 0);
	return b;
}

void hist_batcher_free(struct hist_batcher *b)
{
	if (!b)
		return;
	if (b->started) {
		pthread_mutex_lock(&b->mu);
		b->quit = true;
		pthread_cond_signal(&b->cv);
		pthread_mutex_unlock(&b->mu);
		pthread_join(b->thread, NULL);
	}
	pthread_cond_destroy(&b->cv);
	pthread_mutex_destroy(&b->mu);
	free(b->buf[0]);
	free(b->buf[1]);
	free(b);
}

/* Offers the batch to the helper (started on the first big batch). */
static void offer(struct hist_batcher *b, struct hist_piece *pieces, size_t count)
{
	size_t bytes = 0;
	for (size_t i = 0; i < count; i++)
		bytes += pieces[i].len;
	if (!b->started && bytes >= HELPER_MIN_BYTES) {
		/* jansson seeds its hash tables on first use: seed before a second thread runs. */
		json_object_seed(0);
		b->started = pthread_create(&b->thread, NULL, helper, b) == 0;
	}
	pthread_mutex_lock(&b->mu);
	b->pieces = pieces;
	b->count = count;
	b->gen++;
	atomic_store(&b->claim, (uint64_t)b->gen << 32);
	if (b->started && bytes >= HELPER_MIN_BYTES)
		pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
}

bool hist_batcher_run(struct hist_batcher *b, struct hist_piece *pieces, size_t count, size_t first,
		      hist_stream_event_fn fn, void *ctx)
{
	for (size_t i = 0; i < count; i++) {
		pieces[i].value = NULL;
		atomic_init(&pieces[i].done, 0);
	}
	offer(b, pieces, count);
	uint32_t gen = b->gen;
	bool ok = true;
	/* Every piece is waited for, even after a failure: the helper may be parsing it. */
	for (size_t i = 0; i < count; i++) {
		while (!atomic_load_explicit(&pieces[i].done, memory_order_acquire)) {
			long j = claim(b, gen, count);
			if (j >= 0)
				parse_piece(b, 0, &pieces[j]);
			else
				sched_yield();
		}
		ok = ok && pieces[i].value && fn(ctx, pieces[i].value, first + i);
		json_decref(pieces[i].value);
	}
	return ok;
}
