/*
 * The timed work queue: a binary min-heap ordered by (time, sequence). The sequence number
 * makes work due at the same instant run in the order it was scheduled, which is what keeps
 * the event log deterministic.
 */
#include "internal.h"

#include <stdlib.h>

void simq_init(struct simq *q)
{
	q->heap = NULL;
	q->len = q->cap = 0;
	q->next_seq = 0;
}

void simq_fini(struct simq *q)
{
	free(q->heap);
	simq_init(q);
}

static bool before(const struct simq_item *a, const struct simq_item *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

void simq_push(struct simq *q, int64_t t, int act, void *target, uint32_t gen)
{
	if (q->len == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 64;
		q->heap = xrealloc(q->heap, q->cap * sizeof(*q->heap));
	}
	struct simq_item it = {
	    .t = t, .seq = q->next_seq++, .target = target, .gen = gen, .act = act};
	size_t i = q->len++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!before(&it, &q->heap[parent]))
			break;
		q->heap[i] = q->heap[parent];
		i = parent;
	}
	q->heap[i] = it;
}

const struct simq_item *simq_peek(const struct simq *q)
{
	return q->len ? &q->heap[0] : NULL;
}

bool simq_pop(struct simq *q, struct simq_item *out)
{
	if (!q->len)
		return false;
	*out = q->heap[0];
	struct simq_item last = q->heap[--q->len];
	size_t i = 0, n = q->len;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && before(&q->heap[c + 1], &q->heap[c]))
			c++;
		if (!before(&q->heap[c], &last))
			break;
		q->heap[i] = q->heap[c];
		i = c;
	}
	if (n)
		q->heap[i] = last;
	return true;
}

size_t simq_len(const struct simq *q)
{
	return q->len;
}
