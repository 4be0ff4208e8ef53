/*
 * The append-only event log. Records live in chunks that are never moved or resized, so
 * appending never moves them. Chunk sizes grow geometrically (16, 32, ... 4,096 records),
 * then stay at 4,096: a log of a few events (a Distributed Map child execution) costs a few
 * KiB, not a 4,096-record chunk, and the chunk of an id is still found with O(1) arithmetic.
 * Strings are interned in an open-addressing hash table that also starts small; so are
 * detail sets (struct ev_detail), which a record names by id; the log holds one reference to
 * each set's extra, dropped when it is freed.
 *
 * Lazy payloads, kept as text (an import) or as a recipe (ev_log_append_made), are parsed into
 * a side array by record on first read, in one side structure made on the first lazy payload.
 * A text payload is a JSON string marked in a bitset by record. Recipes sit in one byte array
 * (a maker number, then the recipe's bytes), and a made record's payload field says where its
 * recipe is (ev_recipe_ref): a read is O(1) and a record costs nothing beyond its recipe
 * (1 + n bytes), not stored again when it equals the last recipe appended or the one of a
 * record the producer names (ev_log_append_made_like: a Task's Exited names its Succeeded,
 * with 100,000 iterations' records between them).
 */
#include "internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_BITS   4	/* the first chunk holds 16 records */
#define BIG_BITS     12 /* chunks stop growing at 4,096 */
#define BIG_LEN	     ((size_t)1 << BIG_BITS)
#define SMALL_CHUNKS (BIG_BITS - FIRST_BITS + 1)
/* Records held by the growing chunks 0..SMALL_CHUNKS-1: 16 * (2^9 - 1) = 8,176. */
#define SMALL_TOTAL (((size_t)1 << FIRST_BITS) * (((size_t)1 << SMALL_CHUNKS) - 1))

struct ev_log {
	struct ev **chunks;
	size_t chunk_count, chunk_cap;
	size_t count;		    /* records held */
	struct ev *tail, *tail_end; /* the next free slot and the end of its chunk */
	struct arena big;	    /* where the chunks of 4,096 records are cut (huge pages) */

	char **strings; /* strings[0] is unused: id 0 means absent */
	size_t string_count, string_cap;
	uint32_t *table; /* hash slots holding string ids, 0 = empty */
	size_t table_size;

	struct ev_detail *details; /* details[0] is all 0: id 0 means none */
	size_t detail_count, detail_cap;
	uint32_t *dtable; /* hash slots holding detail ids, 0 = empty; NULL until the first */
	size_t dtable_size;

	struct ev_log_meta meta;

	/* Lazy payloads; NULL until the first (a simulated child's log, of which a Distributed
	 * Map keeps thousands at once, has none). */
	struct lazy *lazy;
};

struct lazy {
	/* Bit i set when record i holds its payload as text; the parsed values of text and
	 * recipes, made on first ev_payload, by record (NULL until needed). */
	uint64_t *bits;
	size_t words;
	json_t **parsed;
	size_t parsed_len;

	/* Recipes: a maker's number, then the recipe, at each made record's ev_recipe_at. */
	const struct ev_maker *makers[EV_MAKERS_MAX];
	size_t maker_count;
	json_t *last; /* the payload field of the last made record, NULL before the first */
	unsigned char *recipes;
	size_t recipes_len, recipes_cap;
};

struct ev_log *ev_log_new(void)
{
	struct ev_log *log = xcalloc(1, sizeof(*log));
	log->string_count = 1;
	log->string_cap = 8;
	log->strings = xcalloc(log->string_cap, sizeof(char *));
	log->table_size = 16;
	log->table = xcalloc(log->table_size, sizeof(uint32_t));
	log->detail_count = 1;
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

/* Drops the references recipes hold (makers with a release). */
static void release_recipes(struct lazy *z)
{
	for (size_t at = 0; at < z->recipes_len;) {
		const struct ev_maker *mk = z->makers[z->recipes[at]];
		if (mk->release)
			mk->release(z->recipes + at + 1);
		at += 1 + mk->recipe_len;
	}
}

void ev_log_free(struct ev_log *log)
{
	if (!log)
		return;
	size_t left = log->count;
	for (size_t c = 0; c < log->chunk_count && left; c++) {
		size_t n = chunk_len(c) < left ? chunk_len(c) : left;
		for (struct ev *e = log->chunks[c]; e < log->chunks[c] + n; e++)
			if (!ev_is_recipe_ref(e->payload))
				json_decref(e->payload);
		left -= n;
	}
	struct lazy *z = log->lazy;
	if (z) {
		release_recipes(z);
		for (size_t i = 0; i < z->parsed_len; i++)
			json_decref(z->parsed[i]);
		free(z->parsed);
		free(z->bits);
		big_free(z->recipes, z->recipes_cap);
		free(z);
	}
	for (size_t c = 0; c < log->chunk_count && chunk_len(c) < BIG_LEN; c++)
		free(log->chunks[c]);
	arena_fini(&log->big);
	free(log->chunks);
	for (size_t s = 1; s < log->string_count; s++)
		free(log->strings[s]);
	free(log->strings);
	free(log->table);
	for (size_t d = 1; d < log->detail_count; d++)
		json_decref(log->details[d].extra);
	free(log->details);
	free(log->dtable);
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

/* Folds the fields into 64 bits and takes the top half of a Fibonacci multiply, where every
 * input bit counts: the extra by its pointer, not its contents (event.h), whose lowest four
 * bits are always 0 and whose middle bits tell values made one after another apart. */
static uint32_t hash_detail(const struct ev_detail *d)
{
	uint64_t h = (uint64_t)d->error | (uint64_t)d->cause << 32;
	h ^= ((uint64_t)d->resource_type | (uint64_t)d->resource << 32) * 0xff51afd7ed558ccdu;
	h ^= (uint64_t)d->raw_type * 0xc4ceb9fe1a85ec53u;
	h ^= (uint64_t)(uintptr_t)d->extra;
	return (uint32_t)((h * 0x9e3779b97f4a7c15u) >> 32);
}

static bool detail_equal(const struct ev_detail *a, const struct ev_detail *b)
{
	return a->error == b->error && a->cause == b->cause &&
	       a->resource_type == b->resource_type && a->resource == b->resource &&
	       a->raw_type == b->raw_type && a->extra == b->extra;
}

static void dtable_insert(struct ev_log *log, uint32_t id)
{
	size_t mask = log->dtable_size - 1;
	size_t i = hash_detail(&log->details[id]) & mask;
	while (log->dtable[i])
		i = (i + 1) & mask;
	log->dtable[i] = id;
}

/* Rehashes into a table twice the size (16 slots at first). */
static void dtable_grow(struct ev_log *log)
{
	free(log->dtable);
	log->dtable_size = log->dtable_size ? log->dtable_size * 2 : 16;
	log->dtable = xcalloc(log->dtable_size, sizeof(uint32_t));
	for (uint32_t id = 1; id < log->detail_count; id++)
		dtable_insert(log, id);
}

uint32_t ev_log_detail(struct ev_log *log, const struct ev_detail *d)
{
	static const struct ev_detail none;
	if (detail_equal(d, &none))
		return 0;
	if (log->dtable) {
		size_t mask = log->dtable_size - 1;
		for (size_t i = hash_detail(d) & mask; log->dtable[i]; i = (i + 1) & mask)
			if (detail_equal(&log->details[log->dtable[i]], d))
				return log->dtable[i];
	}
	if (log->detail_count >= log->detail_cap) {
		log->detail_cap = log->detail_cap ? log->detail_cap * 2 : 8;
		log->details = xrealloc(log->details, log->detail_cap * sizeof(*log->details));
		log->details[0] = none;
	}
	if (log->detail_count > UINT32_MAX - 1) {
		fprintf(stderr, "stepscope: event log: more than 2^32 detail sets\n");
		abort();
	}
	uint32_t id = (uint32_t)log->detail_count++;
	log->details[id] = *d;
	json_incref(d->extra); /* the log's own reference (event.h) */
	if (log->detail_count * 2 > log->dtable_size)
		dtable_grow(log);
	else
		dtable_insert(log, id);
	return id;
}

struct ev_detail ev_detail(const struct ev_log *log, const struct ev *e)
{
	if (e->detail && e->detail < log->detail_count)
		return log->details[e->detail];
	return (struct ev_detail){0};
}

size_t ev_log_detail_count(const struct ev_log *log)
{
	return log->detail_count;
}

/* Chunks start on a cache line (malloc gives 16-byte alignment only), so every other record
 * (32 bytes each) starts one and a record touches one line. (The big chunks come from
 * the arena, whose blocks are 64-byte aligned too.) */
static struct ev *chunk_alloc(size_t n)
{
	size_t size = n * sizeof(struct ev); /* n is a multiple of 16: a multiple of 64 bytes, as
					      * aligned_alloc needs (16 * 32 = 512) */
	struct ev *p = aligned_alloc(64, size);
	if (!p)
		out_of_memory(size);
	return p;
}

/* The log holds EV_ID_MAX records: fatal, as running out of memory is (event.h). */
static void id_limit(void)
{
	fprintf(stderr, "stepscope: event log: more than %d events (EV_ID_MAX)\n", EV_ID_MAX);
	abort();
}

/* Out of line: the hot path of appending then saves no registers (a tenth of its cost). */
#if defined(__GNUC__)
#define RARE __attribute__((noinline, cold))
#else
#define RARE
#endif

/* A new chunk for the next records (appending's rare path, kept out of its way). The last
 * chunk ends at record EV_ID_MAX, so appending checks the limit here only. */
static RARE void next_chunk(struct ev_log *log)
{
	if (log->count >= EV_ID_MAX)
		id_limit();
	if (log->chunk_count == log->chunk_cap) {
		log->chunk_cap = log->chunk_cap ? log->chunk_cap * 2 : 4;
		log->chunks = xrealloc(log->chunks, log->chunk_cap * sizeof(*log->chunks));
	}
	/* Big chunks, filled to their end unless the log stops there, come from the arena:
	 * huge pages, made present ahead (base/arena.c). */
	size_t n = chunk_len(log->chunk_count);
	log->tail = log->chunks[log->chunk_count++] =
	    n < BIG_LEN ? chunk_alloc(n) : arena_alloc(&log->big, n * sizeof(struct ev));
	size_t room = (size_t)EV_ID_MAX - log->count;
	log->tail_end = log->tail + (n < room ? n : room);
}

int64_t ev_log_append(struct ev_log *log, const struct ev *e)
{
	if (log->tail == log->tail_end)
		next_chunk(log);
	struct ev *slot = log->tail++; /* slot_of(log, log->count), without the search */
	*slot = *e;
	return (int64_t)++log->count;
}

/* ev_log_append of e with `ref` (ev_recipe_ref) for its payload (inline in
 * ev_log_append_made_like, without a copy of e). */
static inline int64_t append_made(struct ev_log *log, const struct ev *e, json_t *ref)
{
	if (log->tail == log->tail_end)
		next_chunk(log);
	struct ev *slot = log->tail++;
	*slot = *e;
	slot->payload = ref;
	return (int64_t)++log->count;
}

/* Marks record id's payload as text. */
static void mark_text(struct ev_log *log, int64_t id)
{
	size_t i = (size_t)id - 1, word = i / 64;
	if (!log->lazy)
		log->lazy = xcalloc(1, sizeof(*log->lazy));
	struct lazy *z = log->lazy;
	if (word >= z->words) {
		size_t n = z->words ? z->words : 16;
		while (n <= word)
			n *= 2;
		z->bits = xrealloc(z->bits, n * sizeof(uint64_t));
		memset(z->bits + z->words, 0, (n - z->words) * sizeof(uint64_t));
		z->words = n;
	}
	z->bits[word] |= (uint64_t)1 << (i % 64);
}

int64_t ev_log_append_text(struct ev_log *log, const struct ev *e)
{
	int64_t id = ev_log_append(log, e);
	if (json_is_string(e->payload))
		mark_text(log, id);
	return id;
}

/* A limit of the recipe store is passed: no silent truncation of an index, ever. */
static void recipe_limit(const char *what)
{
	fprintf(stderr, "stepscope: event log: %s\n", what);
	abort();
}

/* The number of maker mk in m, registered on first use. */
static unsigned char maker_number(struct lazy *m, const struct ev_maker *mk)
{
	for (size_t k = 0; k < m->maker_count; k++)
		if (m->makers[k] == mk)
			return (unsigned char)k;
	if (m->maker_count >= EV_MAKERS_MAX)
		recipe_limit("more payload makers than EV_MAKERS_MAX");
	m->makers[m->maker_count] = mk;
	return (unsigned char)m->maker_count++;
}

/* Whether a and b, n bytes each, are equal: compared from the end a word at a time, since
 * recipes that differ mostly differ there (a request id, an input's address), where a call of
 * memcmp cost more than the compare (two per made record). */
static bool same_bytes(const unsigned char *a, const unsigned char *b, size_t n)
{
	for (; n >= 8; n -= 8) {
		uint64_t x, y;
		memcpy(&x, a + n - 8, 8);
		memcpy(&y, b + n - 8, 8);
		if (x != y)
			return false;
	}
	while (n--)
		if (a[n] != b[n])
			return false;
	return true;
}

/* Whether `ref` (a record's payload field) names a kept recipe equal to maker k's `recipe`
 * (n bytes). */
static bool same_recipe(const struct lazy *m, const json_t *ref, unsigned char k,
			const void *recipe, size_t n)
{
	if (!ev_is_recipe_ref(ref))
		return false;
	const unsigned char *kept = m->recipes + ev_recipe_at(ref);
	return kept[0] == k && same_bytes(kept + 1, recipe, n);
}

/* The recipe_ref of the recipe (maker k, n bytes): the last one's or record like's (a record
 * of log, or NULL) when equal, else a new one kept. */
static json_t *keep_recipe(struct lazy *m, unsigned char k, const void *recipe, size_t n,
			   const struct ev *like)
{
	/* Named by the producer: the likelier. */
	if (like && same_recipe(m, like->payload, k, recipe, n))
		return like->payload;
	if (m->last && same_recipe(m, m->last, k, recipe, n))
		return m->last;
	if (m->recipes_len + 1 + n > m->recipes_cap) {
		size_t cap = m->recipes_cap ? m->recipes_cap * 2 : 1024;
		m->recipes = big_realloc(m->recipes, m->recipes_cap, cap);
		m->recipes_cap = cap;
	}
	if (m->recipes_len > UINTPTR_MAX / 2)
		recipe_limit("payload recipes past the address space");
	size_t at = m->recipes_len;
	m->recipes[at] = k;
	memcpy(m->recipes + at + 1, recipe, n);
	m->recipes_len += 1 + n;
	return ev_recipe_ref(at);
}

int64_t ev_log_append_made(struct ev_log *log, const struct ev *e, const struct ev_maker *maker,
			   const void *recipe)
{
	return ev_log_append_made_like(log, e, maker, recipe, 0);
}

int64_t ev_log_append_made_like(struct ev_log *log, const struct ev *e,
				const struct ev_maker *maker, const void *recipe, int64_t like)
{
	assert(!e->payload && maker->recipe_len > 0 && maker->recipe_len <= EV_RECIPE_MAX);
	if (!log->lazy)
		log->lazy = xcalloc(1, sizeof(*log->lazy));
	struct lazy *m = log->lazy;
	size_t before = m->recipes_len;
	const struct ev *named =
	    like > 0 && like <= (int64_t)log->count ? slot_of(log, (size_t)like - 1) : NULL;
	m->last = keep_recipe(m, maker_number(m, maker), recipe, maker->recipe_len, named);
	if (m->recipes_len == before && maker->release) /* stored once: one reference kept */
		maker->release(recipe);
	return append_made(log, e, m->last);
}

/* e is record i of the log, or a copy of it (recon.c reads copies): same type, time, state
 * and payload pointer. */
static bool is_record(const struct ev_log *log, size_t i, const struct ev *e)
{
	const struct ev *r = slot_of(log, i);
	return r == e || (r->type == e->type && r->t_ms == e->t_ms && r->state == e->state &&
			  r->payload == e->payload);
}

/* The index of the record whose parsed value e's lazy payload has (cached or to be), or
 * SIZE_MAX when e's payload is not lazy. A recipe's needs only its own id's record to name the
 * same recipe (equal recipes make equal values); text, a record of the log or its copy. */
static size_t lazy_index(const struct ev_log *log, const struct ev *e, int64_t id)
{
	const struct lazy *z = log->lazy;
	if (!z || id < 1 || (size_t)id > log->count)
		return SIZE_MAX;
	size_t i = (size_t)id - 1;
	if (ev_is_recipe_ref(e->payload))
		return slot_of(log, i)->payload == e->payload ? i : SIZE_MAX;
	bool text = i / 64 < z->words && (z->bits[i / 64] >> (i % 64) & 1);
	return text && is_record(log, i, e) ? i : SIZE_MAX;
}

/* The payload an ev_recipe_ref names, as its maker writes it from its recipe, parsed; NULL when
 * out of memory or when the ref cannot be this log's. */
static json_t *made_payload(const struct ev_log *log, const json_t *ref)
{
	const struct lazy *m = log->lazy;
	/* A copy of another log's made record (a misuse) must not read past this log's recipes. */
	if (!m || ev_recipe_at(ref) >= m->recipes_len ||
	    m->recipes[ev_recipe_at(ref)] >= m->maker_count)
		return NULL;
	const unsigned char *r = m->recipes + ev_recipe_at(ref);
	if (m->makers[r[0]]->make)
		return m->makers[r[0]]->make(r + 1);
	struct strbuf sb;
	sb_init(&sb);
	m->makers[r[0]]->write(r + 1, &sb);
	json_t *v =
	    json_loadb(sb.data ? sb.data : "", sb.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	sb_fini(&sb);
	return v;
}

/* e's lazy payload, parsed or made now; NULL when out of memory. Owned by the caller. */
static json_t *lazy_value(const struct ev_log *log, const struct ev *e)
{
	/* Checked before it was appended (ev_json_text_ok), or a maker's own text: only memory
	 * can fail. */
	return ev_is_recipe_ref(e->payload)
		   ? made_payload(log, e->payload)
		   : json_loadb(json_string_value(e->payload), json_string_length(e->payload),
				JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
}

/* What a reader gets when a lazy payload cannot be had (out of memory, or an ev_recipe_ref under
 * another id's number): the text as it is, or json_null() for a recipe (never the ref). */
static json_t *lazy_fallback(const struct ev *e)
{
	return ev_is_recipe_ref(e->payload) ? json_null() : e->payload;
}

json_t *ev_payload(const struct ev_log *log, const struct ev *e, int64_t id)
{
	size_t i = e ? lazy_index(log, e, id) : SIZE_MAX;
	if (i == SIZE_MAX)
		return !e ? NULL : ev_is_recipe_ref(e->payload) ? lazy_fallback(e) : e->payload;
	/* The cache is the log's own memory: filling it does not change what a reader sees. */
	struct ev_log *w = (struct ev_log *)log;
	struct lazy *z = w->lazy;
	if (i >= z->parsed_len) {
		size_t n = w->count;
		z->parsed = xrealloc(z->parsed, n * sizeof(json_t *));
		memset(z->parsed + z->parsed_len, 0, (n - z->parsed_len) * sizeof(json_t *));
		z->parsed_len = n;
	}
	if (!z->parsed[i]) {
		json_t *v = lazy_value(log, e);
		if (!v)
			return lazy_fallback(e);
		z->parsed[i] = v;
	}
	return z->parsed[i];
}

const char *ev_payload_text(const struct ev_log *log, const struct ev *e, int64_t id)
{
	size_t i = e ? lazy_index(log, e, id) : SIZE_MAX;
	return i == SIZE_MAX || ev_is_recipe_ref(e->payload) ? NULL : json_string_value(e->payload);
}

json_t *ev_payload_new(const struct ev_log *log, const struct ev *e, int64_t id)
{
	if (!e)
		return NULL;
	size_t i = lazy_index(log, e, id);
	const struct lazy *z = log->lazy;
	if (i != SIZE_MAX && i < z->parsed_len && z->parsed[i])
		return json_incref(z->parsed[i]);
	if (i == SIZE_MAX && !ev_is_recipe_ref(e->payload))
		return json_incref(e->payload);
	/* A recipe's value needs no record: made for this call (event.h). */
	json_t *v = lazy_value(log, e);
	return v ? v : json_incref(lazy_fallback(e));
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
