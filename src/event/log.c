/*
 * The append-only event log. Records live in fixed-size chunks so appending never moves
 * them; strings are interned in an open-addressing hash table.
 */
#include "event.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_BITS 12
#define CHUNK_SIZE (1u << CHUNK_BITS)

struct ev_log {
	struct ev **chunks;
	size_t chunk_count, chunk_cap;
	size_t count;

	char **strings; /* strings[0] is unused: id 0 means absent */
	size_t string_count, string_cap;
	uint32_t *table; /* hash slots holding string ids, 0 = empty */
	size_t table_size;

	struct ev_log_meta meta;
};

struct ev_log *ev_log_new(void)
{
	struct ev_log *log = xcalloc(1, sizeof(*log));
	log->string_count = 1;
	log->string_cap = 64;
	log->strings = xcalloc(log->string_cap, sizeof(char *));
	log->table_size = 128;
	log->table = xcalloc(log->table_size, sizeof(uint32_t));
	return log;
}

void ev_log_free(struct ev_log *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->count; i++) {
		struct ev *e = &log->chunks[i >> CHUNK_BITS][i & (CHUNK_SIZE - 1)];
		json_decref(e->payload);
		json_decref(e->extra);
	}
	for (size_t c = 0; c < log->chunk_count; c++)
		free(log->chunks[c]);
	free(log->chunks);
	for (size_t s = 1; s < log->string_count; s++)
		free(log->strings[s]);
	free(log->strings);
	free(log->table);
	free(log);
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
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
	if (!s || !*s)
		return 0;
	size_t mask = log->table_size - 1;
	for (size_t i = hash_str(s) & mask; log->table[i]; i = (i + 1) & mask)
		if (strcmp(log->strings[log->table[i]], s) == 0)
			return log->table[i];
	if (log->string_count == log->string_cap) {
		log->string_cap *= 2;
		log->strings = xrealloc(log->strings, log->string_cap * sizeof(char *));
	}
	uint32_t id = (uint32_t)log->string_count++;
	log->strings[id] = xstrdup(s);
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
	size_t c = log->count >> CHUNK_BITS;
	if (c == log->chunk_count) {
		if (log->chunk_count == log->chunk_cap) {
			log->chunk_cap = log->chunk_cap ? log->chunk_cap * 2 : 16;
			log->chunks = xrealloc(log->chunks, log->chunk_cap * sizeof(*log->chunks));
		}
		log->chunks[log->chunk_count++] = xmalloc(CHUNK_SIZE * sizeof(struct ev));
	}
	struct ev *slot = &log->chunks[c][log->count & (CHUNK_SIZE - 1)];
	*slot = *e;
	slot->id = (int64_t)++log->count;
	return slot->id;
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
	return &log->chunks[i >> CHUNK_BITS][i & (CHUNK_SIZE - 1)];
}

struct ev_log_meta *ev_log_meta(struct ev_log *log)
{
	return &log->meta;
}

const struct ev_log_meta *ev_log_meta_const(const struct ev_log *log)
{
	return &log->meta;
}
