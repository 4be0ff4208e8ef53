/*
 * Concurrency series: step functions appended in time order. Block maxima (64 and 4096
 * points) let a chart sample any window into N buckets without walking every change point,
 * and a running integral gives the time-weighted mean.
 */
#include <stdlib.h>

#include "timeline/internal.h"

#define BLK  64
#define SBLK (BLK * BLK)

void tl_series_fini(struct tl_series *s)
{
	VEC_FREE(s->t);
	VEC_FREE(s->v);
	VEC_FREE(s->blk);
	VEC_FREE(s->sblk);
}

static int32_t max_of(const int32_t *a, size_t lo, size_t hi)
{
	int32_t m = INT32_MIN;
	for (size_t i = lo; i < hi; i++)
		if (a[i] > m)
			m = a[i];
	return m;
}

/* Recomputes the block maxima covering the last point (after an append or a change). */
static void refresh_tail(struct tl_series *s)
{
	size_t n = s->v.len, b = (n - 1) / BLK, sb = (n - 1) / SBLK;
	int32_t bm = max_of(s->v.items, b * BLK, n);
	if (s->blk.len <= b)
		VEC_PUSH(s->blk, bm);
	else
		s->blk.items[b] = bm;
	int32_t sm = max_of(s->blk.items, sb * BLK, s->blk.len);
	if (s->sblk.len <= sb)
		VEC_PUSH(s->sblk, sm);
	else
		s->sblk.items[sb] = sm;
}

void tl_series_add(struct tl_series *s, int64_t t, int32_t delta)
{
	if (delta == 0)
		return;
	size_t n = s->v.len;
	int32_t cur = n ? s->v.items[n - 1] : 0;
	int32_t val = cur + delta;
	if (n && s->t.items[n - 1] >= t) {
		/* Several changes at one instant: only the last value is ever in effect. */
		s->v.items[n - 1] = val;
	} else {
		if (n)
			s->area += (double)cur * (double)(t - s->t.items[n - 1]);
		VEC_PUSH(s->t, t);
		VEC_PUSH(s->v, val);
	}
	refresh_tail(s);
	if (val > s->peak)
		s->peak = val;
}

/* Index of the last point with t <= x, or -1. */
static long last_at_or_before(const struct tl_series *s, int64_t x)
{
	size_t lo = 0, hi = s->t.len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->t.items[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

static int32_t tl_series_value_at(const struct tl_series *s, int64_t t)
{
	long i = last_at_or_before(s, t);
	return i < 0 ? 0 : s->v.items[i];
}

/* The maximum of points [lo, hi), hi > lo. */
static int32_t tl_series_range_max(const struct tl_series *s, size_t lo, size_t hi)
{
	int32_t m = INT32_MIN;
	while (lo < hi && lo % BLK) {
		if (s->v.items[lo] > m)
			m = s->v.items[lo];
		lo++;
	}
	while (lo < hi && hi % BLK) {
		hi--;
		if (s->v.items[hi] > m)
			m = s->v.items[hi];
	}
	size_t bl = lo / BLK, bh = hi / BLK; /* whole blocks [bl, bh) */
	while (bl < bh && bl % BLK) {
		if (s->blk.items[bl] > m)
			m = s->blk.items[bl];
		bl++;
	}
	while (bl < bh && bh % BLK) {
		bh--;
		if (s->blk.items[bh] > m)
			m = s->blk.items[bh];
	}
	for (size_t sb = bl / BLK; sb < bh / BLK; sb++)
		if (s->sblk.items[sb] > m)
			m = s->sblk.items[sb];
	return m;
}

void tl_index_series_sample(const struct tl_index *idx, enum tl_series_kind kind, int64_t t0,
			    int64_t t1, int32_t *out, size_t n)
{
	const struct tl_series *s = &idx->series[kind];
	if (n == 0)
		return;
	int64_t span = t1 > t0 ? t1 - t0 : 0;
	for (size_t k = 0; k < n; k++) {
		int64_t a = t0 + (int64_t)((double)span * (double)k / (double)n);
		int64_t b = t0 + (int64_t)((double)span * (double)(k + 1) / (double)n);
		long i0 = last_at_or_before(s, a);
		int32_t m = i0 < 0 ? 0 : s->v.items[i0];
		/* Points strictly inside (a, b) also count: a short peak must not vanish. */
		long i1 = last_at_or_before(s, b - 1);
		if (b > a && i1 > i0) {
			int32_t inner = tl_series_range_max(s, (size_t)(i0 + 1), (size_t)i1 + 1);
			if (inner > m)
				m = inner;
		}
		out[k] = m;
	}
}

size_t tl_index_series(const struct tl_index *idx, enum tl_series_kind kind, const int64_t **t,
		       const int32_t **v)
{
	const struct tl_series *s = &idx->series[kind];
	if (t)
		*t = s->t.items;
	if (v)
		*v = s->v.items;
	return s->t.len;
}

int32_t tl_index_series_at(const struct tl_index *idx, enum tl_series_kind kind, int64_t t)
{
	return tl_series_value_at(&idx->series[kind], t);
}

void tl_index_series_stats(const struct tl_index *idx, enum tl_series_kind kind,
			   struct tl_series_stats *out)
{
	const struct tl_series *s = &idx->series[kind];
	const struct tl_outcome *o = &idx->outcome;
	int64_t end = o->end_ms >= 0 ? o->end_ms : o->last_ms;
	out->peak = s->peak;
	out->points = s->t.len;
	out->mean = 0;
	size_t n = s->t.len;
	if (n == 0 || end <= o->start_ms)
		return;
	double area = s->area;
	int64_t tail = end - s->t.items[n - 1];
	if (tail > 0)
		area += (double)s->v.items[n - 1] * (double)tail;
	out->mean = area / (double)(end - o->start_ms);
}
