/*
 * The streaming reader of one history page: `{"events": [...], "nextToken": ...}` is walked
 * by a small string-aware bracket scanner, and jansson parses one event at a time from its
 * byte range. Memory stays bounded by a batch of events instead of the whole document (a
 * 1,000,000-event page is hundreds of megabytes of JSON; as one jansson tree it costs
 * gigabytes and most of the import time in malloc/free).
 *
 * Events are handled in batches: the scanner finds a batch's boundaries, two threads parse
 * its events (jansson values are independent), and the caller's function gets them in order
 * on the calling thread. Before jansson sees an event, the whitespace between its tokens is
 * dropped (the AWS CLI indents by four spaces: a third of a file, and jansson pays for every
 * byte); whitespace that separates two word characters is kept, so no invalid text (`tr ue`,
 * `1 2`) becomes valid.
 *
 * The scanner only finds boundaries; every byte still goes through jansson (each event, each
 * other member value). Anything unusual (another shape, duplicate "events", escapes in
 * top-level keys, depth near jansson's limit, any syntax error) makes it give up, and the
 * caller parses the whole document as before: errors keep their exact locations.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* jansson's JSON_PARSER_MAX_DEPTH is 2048; the page object and the array add two levels. */
#define MAX_EVENT_DEPTH 2000
/* Events per batch: bounds the parsed trees held at once. */
#define BATCH 512
/* A batch smaller than this is parsed on the calling thread alone (a thread costs more). */
#define THREAD_MIN_BYTES (64 * 1024)

struct scan {
	const char *p, *end;
};

static void skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

/* At '"': moves past the closing quote; false when the text ends first. A quote closes the
 * string unless an odd number of backslashes precedes it; memchr does the long runs. */
static bool skip_string(struct scan *s)
{
	const char *p = s->p + 1;
	for (;;) {
		const char *q = memchr(p, '"', (size_t)(s->end - p));
		if (!q)
			return false;
		const char *b = q;
		while (b > p && b[-1] == '\\')
			b--;
		p = q + 1;
		if ((q - b) % 2 == 0) {
			s->p = p;
			return true;
		}
	}
}

/* Moves past one value (not validated: jansson does that); false when it does not end. */
static bool skip_value(struct scan *s)
{
	if (s->p >= s->end)
		return false;
	if (*s->p == '"')
		return skip_string(s);
	if (*s->p != '{' && *s->p != '[') {
		while (s->p < s->end && !strchr(",]} \t\r\n", *s->p) && *s->p != '\0')
			s->p++;
		return true;
	}
	int depth = 0;
	while (s->p < s->end) {
		char c = *s->p;
		if (c == '"') {
			if (!skip_string(s))
				return false;
			continue;
		}
		s->p++;
		if (c == '{' || c == '[') {
			if (++depth > MAX_EVENT_DEPTH)
				return false;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			return true;
		}
	}
	return false;
}

static bool expect(struct scan *s, char c)
{
	skip_ws(s);
	if (s->p >= s->end || *s->p != c)
		return false;
	s->p++;
	return true;
}

/* A top-level key without escapes or non-ASCII bytes (others: give up), as [k, k + n). */
static bool read_key(struct scan *s, const char **k, size_t *n)
{
	skip_ws(s);
	if (s->p >= s->end || *s->p != '"')
		return false;
	const char *start = s->p + 1;
	if (!skip_string(s))
		return false;
	for (const char *q = start; q < s->p - 1; q++)
		if (*q == '\\' || (unsigned char)*q < 0x20 || (unsigned char)*q >= 0x80)
			return false;
	*k = start;
	*n = (size_t)(s->p - 1 - start);
	return true;
}

static bool key_is(const char *k, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(k, want, n) == 0;
}

/* ---- parsing a batch ---- */

/* One event of a batch: its text, then its value (NULL when jansson refused it). */
struct piece {
	const char *start;
	size_t len;
	json_t *value;
};

/* The pieces one thread parses, and its scratch buffer. */
struct job {
	struct piece *pieces;
	size_t count;
	char *buf;
	size_t cap;
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
 * are copied whole; the text was scanned already, so each one ends before `end`.
 */
static size_t squeeze(const char *p, const char *end, char *out)
{
	char *o = out;
	while (p < end) {
		if (*p == '"') {
			struct scan s = {p, end};
			if (!skip_string(&s))
				s.p = end;
			memcpy(o, p, (size_t)(s.p - p));
			o += s.p - p;
			p = s.p;
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

static void *run_job(void *arg)
{
	struct job *j = arg;
	for (size_t i = 0; i < j->count; i++) {
		struct piece *pc = &j->pieces[i];
		/* Indented text has whitespace right after the `{`; compact text is parsed where
		 * it is (squeezing it would only cost a copy). */
		if (pc->len < 2 || !is_ws(pc->start[1])) {
			pc->value = json_loadb(pc->start, pc->len, JSON_DECODE_ANY, NULL);
			continue;
		}
		if (pc->len > j->cap) {
			j->cap = pc->len * 2;
			j->buf = xrealloc(j->buf, j->cap);
		}
		size_t n = squeeze(pc->start, pc->start + pc->len, j->buf);
		pc->value = json_loadb(j->buf, n, JSON_DECODE_ANY, NULL);
	}
	return NULL;
}

/* Parses the batch: the first part on a second thread when the batch is big enough. */
static void parse_batch(struct piece *pieces, size_t count, struct job jobs[2])
{
	size_t bytes = 0, half = 0, split = 0;
	for (size_t i = 0; i < count; i++)
		bytes += pieces[i].len;
	while (split < count && half < bytes / 2)
		half += pieces[split++].len;
	pthread_t thread;
	bool threaded = bytes >= THREAD_MIN_BYTES && split > 0 && split < count;
	jobs[0].pieces = pieces;
	jobs[0].count = threaded ? split : 0;
	jobs[1].pieces = pieces + jobs[0].count;
	jobs[1].count = count - jobs[0].count;
	if (threaded && pthread_create(&thread, NULL, run_job, &jobs[0]) != 0) {
		threaded = false;
		jobs[1].pieces = pieces;
		jobs[1].count = count;
	}
	run_job(&jobs[1]);
	if (threaded)
		pthread_join(thread, NULL);
}

/* Hands the parsed batch to fn in order; false at the first refused event (all freed). */
static bool deliver(struct piece *pieces, size_t count, size_t first, hist_stream_event_fn fn,
		    void *ctx)
{
	bool ok = true;
	for (size_t i = 0; i < count; i++) {
		ok = ok && pieces[i].value && fn(ctx, pieces[i].value, first + i);
		json_decref(pieces[i].value);
	}
	return ok;
}

/* ---- the page ---- */

/* The next element's range into *pc; *last when the array's `]` follows it. */
static bool next_element(struct scan *s, struct piece *pc, bool *last)
{
	skip_ws(s);
	pc->start = s->p;
	if (!skip_value(s))
		return false;
	pc->len = (size_t)(s->p - pc->start);
	pc->value = NULL;
	skip_ws(s);
	if (s->p < s->end && *s->p == ',') {
		s->p++;
		*last = false;
		return true;
	}
	*last = true;
	return expect(s, ']');
}

/* The events array, in batches: each element parsed alone and handed to fn. */
static bool read_events(struct scan *s, hist_stream_event_fn fn, void *ctx)
{
	if (!expect(s, '['))
		return false;
	skip_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return true;
	}
	/* jansson seeds its hash tables on first use; seed it before any second thread runs. */
	json_object_seed(0);
	struct piece *pieces = xmalloc(BATCH * sizeof(*pieces));
	struct job jobs[2] = {{0}};
	bool ok = true, last = false;
	for (size_t done = 0; ok && !last;) {
		size_t n = 0;
		while (n < BATCH && !last && ok)
			ok = next_element(s, &pieces[n++], &last);
		if (!ok)
			break;
		parse_batch(pieces, n, jobs);
		ok = deliver(pieces, n, done, fn, ctx);
		done += n;
	}
	free(jobs[0].buf);
	free(jobs[1].buf);
	free(pieces);
	return ok;
}

/* Any other member: parsed (so the text is valid); only nextToken / NextToken matter, a
 * string in the last occurrence of either (jansson keeps the last of duplicate keys). */
static bool read_other(struct scan *s, const char *k, size_t n, bool token[2])
{
	skip_ws(s);
	const char *start = s->p;
	if (!skip_value(s))
		return false;
	json_t *v = json_loadb(start, (size_t)(s->p - start), JSON_DECODE_ANY, NULL);
	if (!v)
		return false;
	if (key_is(k, n, "nextToken"))
		token[0] = json_is_string(v);
	else if (key_is(k, n, "NextToken"))
		token[1] = json_is_string(v);
	json_decref(v);
	return true;
}

bool hist_stream_page(const char *text, size_t len, hist_stream_event_fn fn, void *ctx,
		      bool *has_token)
{
	struct scan s = {text, text + len};
	bool events = false, token[2] = {false, false};
	if (!expect(&s, '{'))
		return false;
	skip_ws(&s);
	if (s.p < s.end && *s.p == '}')
		return false;
	for (;;) {
		const char *k;
		size_t n;
		if (!read_key(&s, &k, &n) || !expect(&s, ':'))
			return false;
		if (key_is(k, n, "events")) {
			if (events || !read_events(&s, fn, ctx))
				return false;
			events = true;
		} else if (!read_other(&s, k, n, token)) {
			return false;
		}
		skip_ws(&s);
		if (s.p < s.end && *s.p == ',') {
			s.p++;
			continue;
		}
		if (!expect(&s, '}'))
			return false;
		skip_ws(&s);
		*has_token = token[0] || token[1];
		return s.p == s.end && events;
	}
}
