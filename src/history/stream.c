/*
 * The streaming reader of one history page: `{"events": [...], "nextToken": ...}` is walked
 * by a small string-aware bracket scanner, and jansson parses one event at a time from its
 * byte range. Memory stays bounded by a batch of events instead of the whole document (a
 * 1,000,000-event page is hundreds of megabytes of JSON; as one jansson tree it costs
 * gigabytes and most of the import time in malloc/free).
 *
 * Events are handled in batches: the scanner finds a batch's boundaries, batch.c parses its
 * events (on two threads) and the caller's function gets them in order on the calling thread.
 *
 * The scanner only finds boundaries; every byte still goes through jansson (each event, each
 * other member value). Anything unusual (another shape, duplicate "events", escapes in
 * top-level keys, depth near jansson's limit, any syntax error) makes it give up, and the
 * caller parses the whole document as before: errors keep their exact locations.
 */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* jansson's JSON_PARSER_MAX_DEPTH is 2048; the page object and the array add two levels. */
#define MAX_EVENT_DEPTH 2000
/* Events per batch: bounds the parsed trees held at once. */
#define BATCH 512

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

/* Nonzero when a byte of w equals the byte repeated in pat (exact: no false positives for
 * "some byte matches", which is all it is used for). */
static uint64_t has_byte(uint64_t w, uint64_t pat)
{
	uint64_t x = w ^ pat;
	return (x - 0x0101010101010101u) & ~x & 0x8080808080808080u;
}

/* The offset of the first byte has_byte found in m (nonzero). Little-endian: its lowest set
 * bit, which is always a true match; otherwise -1 (the caller looks byte by byte). */
static int first_match(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
	return __builtin_ctzll(m) >> 3;
#else
	(void)m;
	return -1;
#endif
}

/*
 * At '"': past the closing quote, or NULL. Eight bytes at a time up to the next quote or
 * backslash (a payload string is JSON text full of \" escapes: finding each quote with memchr
 * and looking back for backslashes costs more).
 */
static const char *string_end(const char *p, const char *end)
{
	const char *q = p + 1;
	for (;;) {
		uint64_t w, m = 0;
		while (end - q >= 8) {
			memcpy(&w, q, 8);
			m = has_byte(w, 0x2222222222222222u) | has_byte(w, 0x5c5c5c5c5c5c5c5cu);
			if (m)
				break;
			q += 8;
		}
		int k = m ? first_match(m) : -1;
		if (k >= 0)
			q += k;
		else
			while (q < end && *q != '"' && *q != '\\')
				q++;
		if (q >= end)
			return NULL;
		if (*q == '"')
			return q + 1;
		q += 2; /* a backslash and the character it escapes */
	}
}

const char *hist_string_end(const char *p, const char *end)
{
	struct scan s = {p, end};
	return skip_string(&s) ? s.p : NULL;
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
	/* The bytes that matter inside a container; the loop skips the others in a tight run. */
	/* \v and \f too: yajl takes them for whitespace, jansson refuses them (so does this). */
	static const unsigned char stop[256] = {
	    ['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1, [']'] = 1, ['\v'] = 1, ['\f'] = 1};
	int depth = 0;
	const char *p = s->p;
	for (;;) {
		/* Indentation: eight spaces at a time. */
		uint64_t w;
		while (s->end - p >= 8 && (memcpy(&w, p, 8), w == 0x2020202020202020u))
			p += 8;
		while (p < s->end && !stop[(unsigned char)*p])
			p++;
		if (p == s->end)
			return false;
		char c = *p;
		if (c == '\v' || c == '\f')
			return false;
		if (c == '"') {
			p = string_end(p, s->end);
			if (!p)
				return false;
			continue;
		}
		p++;
		if (c == '{' || c == '[') {
			if (++depth > MAX_EVENT_DEPTH)
				return false;
		} else if (--depth == 0) {
			s->p = p;
			return true;
		}
	}
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

/* ---- the page ---- */

/* The next element's range into *pc; *last when the array's `]` follows it. */
static bool next_element(struct scan *s, struct hist_piece *pc, bool *last)
{
	skip_ws(s);
	pc->start = s->p;
	if (!skip_value(s))
		return false;
	pc->len = (size_t)(s->p - pc->start);
	skip_ws(s);
	if (s->p < s->end && *s->p == ',') {
		s->p++;
		*last = false;
		return true;
	}
	*last = true;
	return expect(s, ']');
}

/* The events array, in batches: each element parsed alone (batch.c) and handed to fn. */
static bool read_events(struct scan *s, hist_stream_event_fn fn, void *ctx)
{
	if (!expect(s, '['))
		return false;
	skip_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return true;
	}
	struct hist_piece *pieces = xmalloc(BATCH * sizeof(*pieces));
	struct hist_batcher *b = hist_batcher_new();
	struct hist_batch *cur = NULL;
	size_t cur_n = 0, done = 0;
	bool ok = true, last = false;
	/* Batch k + 1 is scanned and submitted before batch k is delivered. */
	while (ok) {
		size_t n = 0;
		while (n < BATCH && !last && ok)
			ok = next_element(s, &pieces[n++], &last);
		struct hist_batch *next = ok && n ? hist_batcher_submit(b, pieces, n) : NULL;
		if (cur && ok)
			ok = hist_batcher_deliver(b, cur, done, fn, ctx);
		else
			hist_batcher_drop(cur);
		done += cur_n;
		cur = next;
		cur_n = n;
		if (!cur)
			break;
	}
	hist_batcher_drop(cur);
	hist_batcher_free(b);
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
