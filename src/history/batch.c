/*
 * Parsing a batch of streamed events on two threads (stream.c finds their boundaries).
 *
 * jansson values are independent, so a helper thread can parse some events of a batch while
 * the calling thread parses the others and hands them, in order, to the caller's function.
 * The caller takes events from the front, the helper from the back; each event has an atomic
 * state saying who has it. The caller never waits: an event the helper is still parsing when
 * the caller reaches it is taken over and parsed again by the caller (the helper then drops
 * its copy). So when the machine is busy and the helper gets no core, the caller simply
 * parses everything itself, at the cost of at most one event per batch parsed twice. The
 * helper also frees the values it made, once the caller is done with them: glibc's malloc
 * slows down markedly when one thread frees what another allocated.
 *
 * Each event is read by yajl's SAX parser into a record (ev_yread, src/event/yread.c); an event
 * that reader is not sure of is parsed by jansson as before and the caller's function gets
 * the jansson value instead. STEPSCOPE_IMPORT=jansson makes every event go through jansson.
 *
 * Before jansson sees an event, the whitespace between its tokens is dropped: the AWS CLI
 * indents by four spaces (a third of a file) and jansson pays for every byte. Whitespace that
 * separates two word characters is kept as one space, so no invalid text (`tr ue`, `1 2`)
 * becomes valid.
 */
#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* A batch smaller than this is not worth waking the helper for. */
#define HELPER_MIN_BYTES (64 * 1024)

/* Who has an event of a batch. USED: the caller is done with the helper's value, which goes
 * back to the helper to be freed (glibc malloc is fastest when a thread frees its own). */
enum { FREE, HELPER, DONE, CALLER, USED };

struct slot {
	struct hist_piece piece;
	_Atomic int state;
	/* The helper's read, which the caller takes in state DONE: raw when fast, else value. */
	bool fast;
	json_t *value;
	struct ev_yraw raw;
};

/* A batch is shared by the caller and the helper: the last one to let go frees it. */
struct hist_batch {
	_Atomic int refs;
	struct hist_batch *queued;  /* under mu: the next batch waiting for the helper */
	struct hist_batch *garbage; /* under mu: the next batch for the helper to free */
	size_t count;
	struct slot slots[];
};

struct hist_batcher {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool started;
	bool quit;			/* under mu */
	struct hist_batch *head, *tail; /* under mu: batches for the helper, one reference each */
	struct hist_batch *garbage;	/* under mu: batches for the helper to let go of */
	char *buf[2]; /* scratch for squeezing: [0] the caller's, [1] the helper's */
	size_t cap[2];
	struct ev_yreader *yr[2]; /* [0] the caller's, [1] the helper's; NULL: jansson only */
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

/* Parses one event with scratch buffer `who` (0: the caller, 1: the helper). */
static json_t *parse_piece(struct hist_batcher *b, int who, const struct hist_piece *pc)
{
	/* Indented text has whitespace right after the `{`; compact text is parsed where it
	 * is (squeezing it would only cost a copy). */
	if (pc->len < 2 || !is_ws(pc->start[1]))
		return json_loadb(pc->start, pc->len, JSON_DECODE_ANY, NULL);
	if (pc->len > b->cap[who]) {
		b->cap[who] = pc->len * 2;
		b->buf[who] = xrealloc(b->buf[who], b->cap[who]);
	}
	size_t n = squeeze(pc->start, pc->start + pc->len, b->buf[who]);
	return json_loadb(b->buf[who], n, JSON_DECODE_ANY, NULL);
}

/* Reads one event with the scratch of `who`: true with *raw filled (yajl), else false with
 * *value (jansson's parse, NULL when it refuses the text). */
static bool read_piece(struct hist_batcher *b, int who, const struct hist_piece *pc,
		       struct ev_yraw *raw, json_t **value)
{
	*value = NULL;
	if (b->yr[who] && ev_yread(b->yr[who], pc->start, pc->len, raw))
		return true;
	*value = parse_piece(b, who, pc);
	return false;
}

static void slot_fini(struct slot *sl)
{
	if (sl->fast)
		ev_yraw_fini(&sl->raw);
	else
		json_decref(sl->value);
}

static void batch_release(struct hist_batch *bt)
{
	if (!bt || atomic_fetch_sub(&bt->refs, 1) != 1)
		return;
	/* The helper's values: used, or never taken (the caller stopped at an error). */
	for (size_t i = 0; i < bt->count; i++) {
		int st = atomic_load(&bt->slots[i].state);
		if (st == DONE || st == USED)
			slot_fini(&bt->slots[i]);
	}
	free(bt);
}

/* The helper's share of a batch: from the back until it meets the caller. */
static void help(struct hist_batcher *b, struct hist_batch *bt)
{
	for (size_t i = bt->count; i-- > 0;) {
		int expect = FREE;
		if (!atomic_compare_exchange_strong(&bt->slots[i].state, &expect, HELPER))
			break;
		/* Once the caller has taken the slot over it never reads these fields. */
		struct slot *sl = &bt->slots[i];
		sl->fast = read_piece(b, 1, &sl->piece, &sl->raw, &sl->value);
		expect = HELPER;
		if (!atomic_compare_exchange_strong(&sl->state, &expect, DONE)) {
			slot_fini(sl); /* the caller took it over */
			break;
		}
	}
	batch_release(bt);
}

static void *helper(void *arg)
{
	struct hist_batcher *b = arg;
	for (;;) {
		pthread_mutex_lock(&b->mu);
		while (!b->quit && !b->head && !b->garbage)
			pthread_cond_wait(&b->cv, &b->mu);
		struct hist_batch *bt = b->head, *gc = b->garbage;
		if (bt && !(b->head = bt->queued))
			b->tail = NULL;
		b->garbage = NULL;
		bool quit = b->quit;
		pthread_mutex_unlock(&b->mu);
		while (gc) {
			struct hist_batch *next = gc->garbage;
			batch_release(gc);
			gc = next;
		}
		if (!quit) {
			if (bt)
				help(b, bt);
			continue;
		}
		/* Quitting: the batches still queued are let go too. */
		while (bt) {
			struct hist_batch *next = bt->queued;
			batch_release(bt);
			bt = next;
		}
		/* The blocks this thread freed would otherwise be lost with it (one thread per
		 * import: megabytes each). */
		pool_thread_exit();
		return NULL;
	}
}

struct hist_batcher *hist_batcher_new(void)
{
	struct hist_batcher *b = xcalloc(1, sizeof(*b));
	const char *mode = getenv("STEPSCOPE_IMPORT");
	if (!mode || strcmp(mode, "jansson") != 0) {
		/* Both made here: the first one fills tables the helper then only reads. */
		b->yr[0] = ev_yreader_new();
		b->yr[1] = ev_yreader_new();
	}
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
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
		/* This thread freed some of the helper's blocks: they go back to the shared lists,
		 * where the next import's helper finds them (else it cuts new spans each time). */
		pool_share();
	}
	pthread_cond_destroy(&b->cv);
	pthread_mutex_destroy(&b->mu);
	free(b->buf[0]);
	free(b->buf[1]);
	ev_yreader_free(b->yr[0]);
	ev_yreader_free(b->yr[1]);
	free(b);
}

/* Queues the batch for the helper (started on the first big batch) with a reference of its
 * own. */
static void offer(struct hist_batcher *b, struct hist_batch *bt)
{
	size_t bytes = 0;
	for (size_t i = 0; i < bt->count; i++)
		bytes += bt->slots[i].piece.len;
	if (bytes < HELPER_MIN_BYTES || bt->count < 2)
		return;
	if (!b->started) {
		/* jansson seeds its hash tables on first use: seed before a second thread runs. */
		json_object_seed(0);
		b->started = pthread_create(&b->thread, NULL, helper, b) == 0;
		if (!b->started)
			return;
	}
	atomic_fetch_add(&bt->refs, 1);
	bt->queued = NULL;
	pthread_mutex_lock(&b->mu);
	if (b->tail)
		b->tail->queued = bt;
	else
		b->head = bt;
	b->tail = bt;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
}

/* An event for the caller: the helper's read when it is done (true: *raw or *value point into
 * the slot), else its own (false: into mine, or *value). */
static bool take(struct hist_batcher *b, struct slot *sl, struct ev_yraw *mine,
		 struct ev_yraw **raw, json_t **value)
{
	int st = atomic_load(&sl->state);
	for (;;) {
		if (st == DONE) {
			*raw = sl->fast ? &sl->raw : NULL;
			*value = sl->value;
			return true;
		}
		/* FREE or HELPER: the caller takes it (a helper mid-parse drops its copy). */
		if (atomic_compare_exchange_weak(&sl->state, &st, CALLER)) {
			*raw = read_piece(b, 0, &sl->piece, mine, value) ? mine : NULL;
			return false;
		}
	}
}

struct hist_batch *hist_batcher_submit(struct hist_batcher *b, const struct hist_piece *pieces,
				       size_t count)
{
	struct hist_batch *bt = xmalloc(sizeof(*bt) + count * sizeof(bt->slots[0]));
	atomic_init(&bt->refs, 1);
	bt->queued = bt->garbage = NULL;
	bt->count = count;
	for (size_t i = 0; i < count; i++) {
		bt->slots[i].piece = pieces[i];
		atomic_init(&bt->slots[i].state, FREE);
		bt->slots[i].value = NULL;
		bt->slots[i].fast = false;
	}
	offer(b, bt);
	return bt;
}

void hist_batcher_drop(struct hist_batch *bt)
{
	if (!bt)
		return;
	/* Keeps the helper from starting on what is left; what it finished goes with the batch. */
	for (size_t i = 0; i < bt->count; i++) {
		int expect = FREE;
		atomic_compare_exchange_strong(&bt->slots[i].state, &expect, CALLER);
	}
	batch_release(bt);
}

bool hist_batcher_deliver(struct hist_batcher *b, struct hist_batch *bt, size_t first,
			  hist_stream_event_fn fn, void *ctx)
{
	bool ok = true, any = false;
	for (size_t i = 0; i < bt->count && ok; i++) {
		struct ev_yraw mine, *raw;
		json_t *v;
		bool theirs = take(b, &bt->slots[i], &mine, &raw, &v);
		ok = (raw || v) && fn(ctx, raw ? NULL : v, raw, first + i);
		if (theirs) {
			atomic_store(&bt->slots[i].state, USED); /* freed with the batch */
		} else if (raw) {
			ev_yraw_fini(raw);
		} else {
			json_decref(v);
		}
		any = any || theirs;
	}
	if (!any) {
		hist_batcher_drop(bt);
		return ok;
	}
	/* Some values are the helper's: it lets go of the batch last, so it frees them. */
	for (size_t i = 0; i < bt->count; i++) {
		int expect = FREE;
		atomic_compare_exchange_strong(&bt->slots[i].state, &expect, CALLER);
	}
	pthread_mutex_lock(&b->mu);
	bt->garbage = b->garbage;
	b->garbage = bt;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
	return ok;
}
