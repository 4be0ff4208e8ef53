/*
 * The timed work queue, ordered by (time, sequence). The sequence makes work due at the same
 * instant run in the order it was scheduled, which is what keeps the event log deterministic.
 *
 * Most work shares a few instants (a Map of N items schedules N entries "one step from now"),
 * so the queue keeps one FIFO bucket per distinct time: pushing appends to the bucket of its
 * time (found through a hash table), popping takes the head of the earliest bucket, and only the
 * buckets sit in a binary heap. Within a bucket the order of pushes is the order of sequence
 * numbers, so the order is exactly that of one heap over (time, sequence). An item stored in a
 * bucket keeps neither its time nor a sequence number (16 bytes, not 32: a Map of 100,000
 * iterations queues 100,000 of them at once).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define NONE SIZE_MAX

void simq_init(struct simq *q)
{
	memset(q, 0, sizeof(*q));
	q->last = NONE;
}

void simq_fini(struct simq *q)
{
	for (size_t i = 0; i < q->bucket_count; i++)
		big_free(q->buckets[i].items, q->buckets[i].cap * sizeof(*q->buckets[i].items));
	free(q->buckets);
	free(q->heap);
	free(q->free_list);
	free(q->slots);
	simq_init(q);
}

/* ---- time -> bucket: open addressing, linear probing, backward-shift deletion ---- */
static size_t slot_of(const struct simq *q, int64_t t)
{
	uint64_t h = (uint64_t)t * 0x9E3779B97F4A7C15ULL;
	return (size_t)(h >> 32) & (q->slot_cap - 1);
}

static size_t find(const struct simq *q, int64_t t)
{
	if (!q->slot_cap)
		return NONE;
	for (size_t i = slot_of(q, t);; i = (i + 1) & (q->slot_cap - 1)) {
		size_t b = q->slots[i];
		if (b == NONE || q->buckets[b].t == t)
			return b;
	}
}

static void slot_put(struct simq *q, size_t b)
{
	size_t i = slot_of(q, q->buckets[b].t);
	while (q->slots[i] != NONE)
		i = (i + 1) & (q->slot_cap - 1);
	q->slots[i] = b;
}

static void slots_grow(struct simq *q)
{
	free(q->slots);
	q->slot_cap = q->slot_cap ? q->slot_cap * 2 : 64;
	q->slots = xmalloc(q->slot_cap * sizeof(*q->slots));
	for (size_t i = 0; i < q->slot_cap; i++)
		q->slots[i] = NONE;
	for (size_t h = 0; h < q->heap_len; h++)
		slot_put(q, q->heap[h]);
}

static void slot_remove(struct simq *q, int64_t t)
{
	size_t mask = q->slot_cap - 1, i = slot_of(q, t);
	while (q->buckets[q->slots[i]].t != t)
		i = (i + 1) & mask;
	/* Shift later entries of the probe run back over the hole. */
	for (size_t j = (i + 1) & mask; q->slots[j] != NONE; j = (j + 1) & mask) {
		size_t home = slot_of(q, q->buckets[q->slots[j]].t);
		if (((j - home) & mask) >= ((j - i) & mask)) {
			q->slots[i] = q->slots[j];
			i = j;
		}
	}
	q->slots[i] = NONE;
}

/* ---- the heap of buckets, by time (distinct) ---- */
static int64_t time_at(const struct simq *q, size_t h)
{
	return q->buckets[q->heap[h]].t;
}

static void heap_push(struct simq *q, size_t b)
{
	if (q->heap_len == q->heap_cap) {
		q->heap_cap = q->heap_cap ? q->heap_cap * 2 : 16;
		q->heap = xrealloc(q->heap, q->heap_cap * sizeof(*q->heap));
	}
	size_t i = q->heap_len++;
	int64_t t = q->buckets[b].t;
	while (i > 0 && time_at(q, (i - 1) / 2) > t) {
		q->heap[i] = q->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	q->heap[i] = b;
}

static void heap_pop(struct simq *q)
{
	size_t last = q->heap[--q->heap_len], n = q->heap_len, i = 0;
	int64_t t = q->buckets[last].t;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && time_at(q, c + 1) < time_at(q, c))
			c++;
		if (time_at(q, c) >= t)
			break;
		q->heap[i] = q->heap[c];
		i = c;
	}
	if (n)
		q->heap[i] = last;
}

/* A bucket for time t, new or recycled (its item array kept for reuse). */
static size_t bucket_new(struct simq *q, int64_t t)
{
	size_t b;
	if (q->free_len) {
		b = q->free_list[--q->free_len];
	} else {
		if (q->bucket_count == q->bucket_cap) {
			q->bucket_cap = q->bucket_cap ? q->bucket_cap * 2 : 16;
			q->buckets = xrealloc(q->buckets, q->bucket_cap * sizeof(*q->buckets));
			q->free_list =
			    xrealloc(q->free_list, q->bucket_cap * sizeof(*q->free_list));
		}
		b = q->bucket_count++;
		memset(&q->buckets[b], 0, sizeof(q->buckets[b]));
	}
	q->buckets[b].t = t;
	q->buckets[b].head = q->buckets[b].len = 0;
	if ((q->heap_len + 1) * 2 > q->slot_cap)
		slots_grow(q);
	slot_put(q, b);
	heap_push(q, b);
	return b;
}

void simq_push_slow(struct simq *q, int64_t t, int act, void *target, uint32_t gen)
{
	/* Pushes come in runs to one time (a Map's N iterations "one step from now"). */
	size_t b = q->last;
	if (b == NONE || q->buckets[b].t != t) {
		b = find(q, t);
		if (b == NONE)
			b = bucket_new(q, t);
		q->last = b;
	}
	struct simq_bucket *k = &q->buckets[b];
	if (k->len == k->cap && k->head && k->head >= k->cap / 2) {
		/* Mostly consumed while still being filled: reuse the front. */
		memmove(k->items, k->items + k->head, (k->len - k->head) * sizeof(*k->items));
		k->len -= k->head;
		k->head = 0;
	} else if (k->len == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 8;
		k->items =
		    big_realloc(k->items, k->cap * sizeof(*k->items), cap * sizeof(*k->items));
		k->cap = cap;
	}
	k->items[k->len++] = (struct simq_entry){.target = target, .gen = gen, .act = act};
	q->len++;
}

bool simq_peek(const struct simq *q, struct simq_item *out)
{
	if (!q->len)
		return false;
	const struct simq_bucket *k = &q->buckets[q->heap[0]];
	const struct simq_entry *x = &k->items[k->head];
	*out = (struct simq_item){.t = k->t, .target = x->target, .gen = x->gen, .act = x->act};
	return true;
}

void simq_drop(struct simq *q, size_t b)
{
	/* Empty: out of the heap and the table, kept for another time. */
	slot_remove(q, q->buckets[b].t);
	heap_pop(q);
	q->free_list[q->free_len++] = b;
	if (q->last == b)
		q->last = NONE;
}
