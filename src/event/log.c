/*
 * The append-only event log. Records live in chunks that are never moved or resized, so
 * appending never moves them. Chunk sizes grow geometrically (16, 32, ... 4,096 records),
 * then stay at 4,096: a log of a few events (a Distributed Map child execution) costs a few
 * KiB, not a 4,096-record chunk, and the chunk of an id is still found with O(1) arithmetic.
 * Strings are interned in an open-addressing hash table that also starts small.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define FIRST_BITS   4	/* the first chunk holds 16 records */
#define BIG_BITS     12 /* chunks stop growing at 4,096 */
#define SMALL_CHUNKS (BIG_BITS - FIRST_BITS + 1)
/* Records held by the growing chunks 0..SMALL_CHUNKS-1: 16 * (2^9 - 1) = 8,176. */
#define SMALL_TOTAL (((size_t)1 << FIRST_BITS) * (((size_t)1 << SMALL_CHUNKS) - 1))

struct ev_log {
	struct ev **chunks;
	size_t chunk_count, chunk_cap;
	size_t count, capacity; /* records held / room in the chunks allocated so far */

	char **strings; /* strings[0] is unused: id 0 means absent */
	size_t string_count, string_cap;
	uint32_t *table; /* hash slots holding string ids, 0 = empty */
	size_t table_size;

	struct ev_log_meta meta;

	/* Lazy payloads (payload.c): bit i set when record i holds its payload as text; the
	 * parsed values, made on first ev_payload, by record (both NULL until needed). */
	uint64_t *text_bits;
	size_t text_words;
	json_t **parsed;
	size_t parsed_len;
};

struct ev_log *ev_log_new(void)
{
	struct ev_log *log = xcalloc(1, sizeof(*log));
	log->string_count = 1;
	log->string_cap = 8;
	log->strings = xcalloc(log->string_cap, sizeof(char *));
	log->table_size = 16;
	log->table = xcalloc(log->table_size, sizeof(uint32_t));
	return log;
}

/* Chunk k holds 16 << k records up to k = 8, then 4,096. */
static size_t chunk_len(size_t k)
{
	return k < SMALL_CHUNKS ? (size_t)1 << (FIRST_BITS + k) : (size_t)1 << BIG_BITS;
}

/* Record i (0-based): its chunk and its offset there. Chunks 0..k-1 hold 16 * (2^k - 1)
 * records, so the chunk of a small index is the bit length of i / 16 + 1, minus one (at most 8
 * shifts). */
static struct ev *slot_of(const struct ev_log *log, size_t i)
{
	if (i >= SMALL_TOTAL) {
		size_t j = i - SMALL_TOTAL;
		return &log->chunks[SMALL_CHUNKS + (j >> BIG_BITS)]
				   [j & (((size_t)1 << BIG_BITS) - 1)];
	}
	size_t q = (i >> FIRST_BITS) + 1;
	size_t k = 0;
	while (q >> (k + 1))
		k++;
	return &log->chunks[k][i - (((size_t)1 << FIRST_BITS) * (((size_t)1 << k) - 1))];
}

void ev_log_free(struct ev_log *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->count; i++) {
		struct ev *e = slot_of(log, i);
		json_decref(e->payload);
		json_decref(e->extra);
	}
	for (size_t i = 0; i < log->parsed_len; i++)
		json_decref(log->parsed[i]);
	free(log->parsed);
	free(log->text_bits);
	for (size_t c = 0; c < log->chunk_count; c++)
		free(log->chunks[c]);
	free(log->chunks);
	for (size_t s = 1; s < log->string_count; s++)
		free(log->strings[s]);
	free(log->strings);
	free(log->table);
	free(log);
}

static uint32_t hash_n(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static uint32_t hash_str(const char *s)
{
	return hash_n(s, strlen(s));
}

static void table_insert(struct ev_log *log, uint32_t id)
{
	size_t mask = log->table_size - 1;
	size_t i = hash_str(log->strings[id]) & mask;
	while (log->table[i])
		i = (i + 1) & mask;
	log->table[i] = id;
}

static void table_grow(struct ev_log *log)
{
	free(log->table);
	log->table_size *= 2;
	log->table = xcalloc(log->table_size, sizeof(uint32_t));
	for (uint32_t id = 1; id < log->string_count; id++)
		table_insert(log, id);
}

ev_str_t ev_log_intern(struct ev_log *log, const char *s)
{
	return s ? ev_log_intern_n(log, s, strlen(s)) : 0;
}

ev_str_t ev_log_intern_n(struct ev_log *log, const char *s, size_t len)
{
	if (len == 0)
		return 0;
	size_t mask = log->table_size - 1;
	for (size_t i = hash_n(s, len) & mask; log->table[i]; i = (i + 1) & mask) {
		const char *t = log->strings[log->table[i]];
		if (strncmp(t, s, len) == 0 && t[len] == '\0')
			return log->table[i];
	}
	if (log->string_count == log->string_cap) {
		log->string_cap *= 2;
		log->strings = xrealloc(log->strings, log->string_cap * sizeof(char *));
	}
	uint32_t id = (uint32_t)log->string_count++;
	log->strings[id] = xstrndup(s, len);
	if (log->string_count * 2 > log->table_size)
		table_grow(log);
	else
		table_insert(log, id);
	return id;
}

const char *ev_log_str(const struct ev_log *log, ev_str_t s)
{
	return s && s < log->string_count ? log->strings[s] : NULL;
}

int64_t ev_log_append(struct ev_log *log, const struct ev *e)
{
	if (log->count == log->capacity) {
		if (log->chunk_count == log->chunk_cap) {
			log->chunk_cap = log->chunk_cap ? log->chunk_cap * 2 : 4;
			log->chunks = xrealloc(log->chunks, log->chunk_cap * sizeof(*log->chunks));
		}
		size_t n = chunk_len(log->chunk_count);
		log->chunks[log->chunk_count++] = xmalloc(n * sizeof(struct ev));
		log->capacity += n;
	}
	struct ev *slot = slot_of(log, log->count);
	*slot = *e;
	slot->id = (int64_t)++log->count;
	return slot->id;
}

int64_t ev_log_append_text(struct ev_log *log, const struct ev *e)
{
	int64_t id = ev_log_append(log, e);
	if (!json_is_string(e->payload))
		return id;
	size_t i = (size_t)id - 1, word = i / 64;
	if (word >= log->text_words) {
		size_t n = log->text_words ? log->text_words : 16;
		while (n <= word)
			n *= 2;
		log->text_bits = xrealloc(log->text_bits, n * sizeof(uint64_t));
		memset(log->text_bits + log->text_words, 0,
		       (n - log->text_words) * sizeof(uint64_t));
		log->text_words = n;
	}
	log->text_bits[word] |= (uint64_t)1 << (i % 64);
	return id;
}

bool ev_payload_is_text(const struct ev_log *log, const struct ev *e)
{
	if (!log->text_bits || e->id < 1 || (size_t)e->id > log->count)
		return false;
	size_t i = (size_t)e->id - 1;
	return i / 64 < log->text_words && (log->text_bits[i / 64] >> (i % 64) & 1) &&
	       slot_of(log, i) == e;
}

json_t *ev_payload(const struct ev_log *log, const struct ev *e)
{
	if (!e || !ev_payload_is_text(log, e))
		return e ? e->payload : NULL;
	/* The cache is the log's own memory: filling it does not change what a reader sees. */
	struct ev_log *w = (struct ev_log *)log;
	size_t i = (size_t)e->id - 1;
	if (i >= w->parsed_len) {
		size_t n = w->count;
		w->parsed = xrealloc(w->parsed, n * sizeof(json_t *));
		memset(w->parsed + w->parsed_len, 0, (n - w->parsed_len) * sizeof(json_t *));
		w->parsed_len = n;
	}
	if (!w->parsed[i]) {
		json_t *v =
		    json_loadb(json_string_value(e->payload), json_string_length(e->payload),
			       JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		/* Checked before it was appended (ev_json_text_ok); only memory can fail. */
		if (!v)
			return e->payload;
		w->parsed[i] = v;
	}
	return w->parsed[i];
}

size_t ev_log_count(const struct ev_log *log)
{
	return log->count;
}

const struct ev *ev_log_get(const struct ev_log *log, int64_t id)
{
	if (id < 1 || (size_t)id > log->count)
		return NULL;
	size_t i = (size_t)id - 1;
	return slot_of(log, i);
}

struct ev_log_meta *ev_log_meta(struct ev_log *log)
{
	return &log->meta;
}

const struct ev_log_meta *ev_log_meta_const(const struct ev_log *log)
{
	return &log->meta;
}
