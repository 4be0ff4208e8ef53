/*
 * Arenas and slabs: big, long-lived memory, made present in bulk, in huge pages where that
 * pays.
 *
 * A 100,000-item simulation keeps 1.1M event records and 100,000 live iterations: well over
 * 100 MB, first touched once and kept to the end. Cut one after the other from big stretches,
 * their pages are made present 2 MiB at a time (MADV_POPULATE_WRITE) instead of by one page
 * fault per 4 KiB, which had been a third of a large run's time. The stretches are 2 MiB-aligned
 * and, where that pays (mem_huge_pages), advised into transparent huge pages (MADV_HUGEPAGE:
 * Linux's default THP mode, "madvise", gives them only to memory that asks): one fault and no
 * page bookkeeping per 2 MiB. It does not pay on a VM that reports free 2 MiB blocks to its
 * host, which must then fault each one in again: measured there, 100,000 items took 0.245 s
 * with huge pages and 0.101 s without. An arena's first 2 MiB are
 * malloc'd (a small simulation, of which a sweep runs thousands, or a child execution's log
 * must not cost a huge page each); then stretches double from 2 MiB up to 16 MiB, so a big
 * user maps a few dozen times and never holds much address space it does not use (RLIMIT_AS
 * and strict overcommit count it all).
 *
 * Where a second CPU can run it, the pages are made present ahead of the cursor, a few MiB at
 * a time, by the prefault thread (prefault.c), and the next stretch is mapped before the
 * current one runs out (the spare): the simulating thread then mostly finds them ready.
 * Whatever is unmapped, moved or freed here is first forgotten by that thread.
 *
 * Everything here is advice: a kernel that refuses it changes nothing but the speed, and a refused
 * mapping falls back to malloc (big_realloc, whose block kind follows from its size, aborts as out
 * of memory instead).
 *
 * Under AddressSanitizer or valgrind (mem_checked) every block is a plain malloc block and a
 * slab's objects are malloc'd and freed one by one, so that those tools see each of them.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* mremap */
#endif
#include "base.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define HUGE_PAGE ((size_t)2 << 20)
#define MAP_FIRST HUGE_PAGE
/* Larger stretches would save few mmap calls and count whole against RLIMIT_AS. */
#define MAP_MAX ((size_t)16 << 20)
/* An arena's first 2 MiB come from malloc, in stretches doubling from 64 KiB: a small
 * simulation (a sweep runs thousands) or a child's log must not cost a huge page each. */
#define SMALL_FIRST ((size_t)64 << 10)
#define SMALL_TOTAL HUGE_PAGE
/* Malloc'd stretches from this size on have their pages made present at once. */
#define POPULATE_MIN ((size_t)256 << 10)
#define ALIGN	     ((size_t)64)
#define AHEAD	     ((size_t)2 << 20)
/* Sizes past this are refused as out of memory before any arithmetic can wrap. */
#define SIZE_LIMIT (SIZE_MAX / 4)
/* Each stretch starts with this header, padded to ALIGN. */
struct arena_map {
	struct arena_map *next;
	size_t size;  /* bytes from the header on */
	void *block;  /* a malloc block: what to free (the stretch starts ALIGN-aligned in it);
		       * NULL for a mapping */
	size_t ready; /* a mapping: bytes from the header on whose pages were asked for */
};
#define HEAD ((sizeof(struct arena_map) + ALIGN - 1) & ~(ALIGN - 1))

bool mem_checked(void)
{
	/* STEPSCOPE_POOL=1 under valgrind keeps the real allocators (callgrind measures them). */
	static atomic_int checked = -1;
	int c = atomic_load_explicit(&checked, memory_order_relaxed);
	if (c < 0) {
		const char *env = getenv("STEPSCOPE_POOL");
		c = BASE_UNDER_ASAN || (RUNNING_ON_VALGRIND && !(env && strcmp(env, "1") == 0));
		atomic_store_explicit(&checked, c, memory_order_relaxed);
	}
	return c;
}

bool mem_tool(void)
{
	return BASE_UNDER_ASAN || RUNNING_ON_VALGRIND;
}

/* True when the system hands 2 MiB free blocks back to its hypervisor (virtio free page
 * reporting, at an order no larger than a huge page's): a huge page is then mostly memory the
 * host must fault in and clear again on first touch. Measured on such a VM, 100,000 items
 * with a pause between runs: 0.245 s with huge pages, 0.101 s without. */
static bool pages_reported(void)
{
	FILE *f = fopen("/sys/module/page_reporting/parameters/page_reporting_order", "r");
	if (!f)
		return false;
	int order = 99;
	if (fscanf(f, "%d", &order) != 1)
		order = 99;
	fclose(f);
	long page = sysconf(_SC_PAGESIZE);
	int huge_order = 0;
	while (page > 0 && ((size_t)page << huge_order) < HUGE_PAGE)
		huge_order++;
	return order <= huge_order;
}

bool mem_huge_pages(void)
{
	static atomic_int ask = -1;
	int c = atomic_load_explicit(&ask, memory_order_relaxed);
	if (c < 0) {
		int saved = errno;
		const char *env = getenv("STEPSCOPE_HUGEPAGES");
		if (env && (strcmp(env, "0") == 0 || strcmp(env, "1") == 0))
			c = env[0] == '1';
		else
			c = !pages_reported();
		errno = saved;
		atomic_store_explicit(&ask, c, memory_order_relaxed);
	}
	return c;
}

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) & ~(to - 1);
}

/* A mapping of `size` bytes (a multiple of HUGE_PAGE) starting on a HUGE_PAGE boundary, or
 * NULL when the system refuses it. errno is left as it was: the caller falls back. */
static void *map_aligned(size_t size)
{
	int saved = errno;
	char *p = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (p == MAP_FAILED) {
		errno = saved;
		return NULL;
	}
	char *a = (char *)round_up((uintptr_t)p, HUGE_PAGE);
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + size, (size_t)(p + HUGE_PAGE - a)); /* a - p < HUGE_PAGE: never empty */
#ifdef MADV_HUGEPAGE
	if (mem_huge_pages())
		madvise(a, size, MADV_HUGEPAGE);
#endif
	errno = saved;
	return a;
}

/* How far ahead of an arena's cursor its pages are asked for: with the prefault thread, up to
 * AHEAD (the simulation fills about 1.5 MB per ms at 100,000 items); populating on this
 * thread, none: just the huge page the cursor enters, as late as can be. A longer lead is
 * worse: the worker takes requests in order, so pages far ahead of one arena are made present
 * while another's cursor faults on its next ones, and the last lead is never used (100,000
 * items, perf stat -r 10 x 3 alternating, 2 helpers building: 4 MiB 65.0-65.8 ms elapsed,
 * 5,186-5,794 page faults; 2 MiB 61.9-62.4 ms, 4,132-4,928; 1 MiB 61.4-65.1 ms). */
static size_t ahead(const struct arena *a)
{
	if (!mem_prefault_async())
		return 0;
	/* A small arena gets a small lead: not 4 MiB it may never use (10,000 items: +53% peak
	 * RSS with a fixed lead). */
	return a->total / 4 < AHEAD ? a->total / 4 : AHEAD;
}

/* A mapped stretch for `need` bytes after its header, or NULL when the system refuses. */
static struct arena_map *map_stretch(struct arena *a, size_t need)
{
	size_t least = round_up(need + HEAD, HUGE_PAGE);
	size_t size = a->mapped ? a->mapped * 2 : MAP_FIRST;
	if (size > MAP_MAX)
		size = MAP_MAX;
	if (size < least)
		size = least;
	struct arena_map *m = map_aligned(size);
	if (!m && size > least) /* refused (strict overcommit, RLIMIT_AS): as small as will do */
		m = map_aligned(size = least);
	if (m)
		m->size = a->mapped = size;
	return m;
}

/* Makes current a new stretch holding at least `need` bytes after its header: the spare one
 * when it is big enough, malloc'd for the first SMALL_TOTAL bytes or when the system refuses
 * a mapping, else mapped. */
static void grow(struct arena *a, size_t need)
{
	if (need > SIZE_LIMIT)
		out_of_memory(need);
	struct arena_map *m = NULL;
	if (a->spare && need <= a->spare->size - HEAD) {
		m = a->spare;
		a->spare = NULL;
	} else if (a->total >= SMALL_TOTAL) {
		m = map_stretch(a, need);
	}
	size_t size;
	if (m) {
		size = m->size;
		a->populated = (char *)m + m->ready; /* HUGE_PAGE-aligned: bump goes on from here */
	} else {
		size_t want = a->total ? a->total : SMALL_FIRST;
		size = round_up(HEAD + (need > want ? need : want), ALIGN);
		/* Zero-filled, as blocks are promised, by calloc: fresh pages (a stretch past
		 * malloc's mmap threshold) are not cleared again, nor touched before their use
		 * (10,000 items: 4.2M instructions of memset). Aligned by hand: blocks are
		 * 64-byte aligned here too. */
		void *block = calloc(1, size + ALIGN);
		if (!block)
			out_of_memory(size + ALIGN);
		m = (struct arena_map *)round_up((uintptr_t)block, ALIGN);
		m->size = size;
		m->block = block;
		/* A big one's pages present now too, as a mapped stretch's (a big calloc is a
		 * fresh mapping of malloc's: a fault per 4 KiB otherwise); not a small one's,
		 * which a small simulation (a sweep runs thousands) may barely use. */
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		if (size >= POPULATE_MIN)
			mem_prefault(
			    (char *)round_up((uintptr_t)m, page),
			    (char *)((uintptr_t)((char *)m + size) & ~(uintptr_t)(page - 1)));
		a->populated = (char *)m + size;
	}
	m->next = a->maps;
	a->maps = m;
	a->next = (char *)m + HEAD;
	a->end = (char *)m + size;
	a->total += size;
}

/* With the prefault thread, the next stretch is mapped and its first pages asked for before
 * the current one runs out: else each new stretch would start with the caller faulting its
 * pages in one by one while the thread catches up. */
static void map_spare(struct arena *a, size_t lead, size_t least)
{
	/* Only at the size the arena would map next (or `least`, up to MAP_MAX), with no
	 * fallback when it is refused: the last bytes of a limited address space (RLIMIT_AS) are
	 * left to what must have them (big_realloc aborts without them). */
	size_t size = a->mapped ? a->mapped * 2 : MAP_FIRST;
	if (size < least)
		size = least;
	if (size > MAP_MAX)
		size = MAP_MAX;
	struct arena_map *m = map_aligned(size);
	if (!m)
		return;
	m->size = a->mapped = size;
	m->ready = lead < m->size ? lead : m->size;
	mem_prefault(m, (char *)m + m->ready);
	a->spare = m;
}

/* The next `size` bytes (a multiple of 8) of the current stretch, made present ahead. */
static void *bump(struct arena *a, size_t size)
{
	if (!a->next || a->next > a->end || (size_t)(a->end - a->next) < size)
		grow(a, size);
	char *p = a->next;
	a->next += size;
	size_t lead = ahead(a);
	/* What arena_expect announced has its pages asked for already: the next stretch is not
	 * mapped and populated for it, for nothing when nothing more comes (100,000 items: the
	 * run slab's last expected run mapped a 16 MB spare and populated 3.6 MB of it). Only the
	 * spare: an arena whose announced objects come back freed and are cut again (a
	 * Distributed Map's children) keeps its lead in the current stretch. */
	bool announced = a->expect_left > 0;
	a->expect_left = a->expect_left > size ? a->expect_left - size : 0;
	if (a->populated < a->end &&
	    (a->next > a->populated || (size_t)(a->populated - a->next) < lead)) {
		char *to = (char *)round_up((uintptr_t)a->next + lead, HUGE_PAGE);
		if (to > a->end)
			to = a->end;
		mem_prefault(a->populated, to);
		a->populated = to;
	}
	if (lead && !announced && a->populated == a->end && !a->spare && a->total >= SMALL_TOTAL &&
	    (size_t)(a->end - a->next) < lead)
		map_spare(a, lead, 0);
	return p;
}

void arena_expect(struct arena *a, size_t size)
{
	if (mem_checked() || !mem_prefault_async() || size > SIZE_LIMIT)
		return;
	a->expect_left = size;
	size_t room = a->next && a->next < a->end ? (size_t)(a->end - a->next) : 0;
	if (room && a->populated < a->end) {
		char *to =
		    (char *)round_up((uintptr_t)a->next + (size < room ? size : room), HUGE_PAGE);
		if (to > a->end)
			to = a->end;
		if (to > a->populated) {
			mem_prefault(a->populated, to);
			a->populated = to;
		}
	}
	/* The rest in the next stretch, mapped now when the arena would map it anyway (a small
	 * simulation's stays malloc'd, see SMALL_TOTAL). */
	if (size > room && !a->spare && a->total + size >= SMALL_TOTAL) {
		size_t rest = round_up(size - room + HEAD, HUGE_PAGE);
		map_spare(a, rest, rest);
	}
}

void *arena_alloc(struct arena *a, size_t size)
{
	if (size > SIZE_LIMIT)
		out_of_memory(size);
	size = round_up(size ? size : 1, ALIGN);
	if (mem_checked()) {
		struct arena_map *m = aligned_alloc(ALIGN, HEAD + size);
		if (!m)
			out_of_memory(HEAD + size);
		memset(m, 0, HEAD + size);
		m->block = m;
		m->next = a->maps;
		a->maps = m;
		return (char *)m + HEAD;
	}
	/* Blocks start on ALIGN boundaries in a mapped stretch: its first does, sizes are
	 * rounded (a malloc'd stretch gives malloc's alignment). */
	if (a->next)
		a->next = (char *)round_up((uintptr_t)a->next, ALIGN);
	return bump(a, size);
}

void arena_fini(struct arena *a)
{
	for (struct arena_map *m = a->maps, *next; m; m = next) {
		next = m->next;
		if (m->size)
			mem_prefault_forget(m, (char *)m + m->size);
		if (m->block)
			free(m->block);
		else
			munmap(m, m->size);
	}
	if (a->spare) {
		mem_prefault_forget(a->spare, (char *)a->spare + a->spare->size);
		munmap(a->spare, a->spare->size);
	}
	memset(a, 0, sizeof(*a));
}

/* Under a memory checker each object is its own block, on a list so that slab_fini frees
 * those still held; the header keeps malloc's 16-byte alignment. */
struct slab_obj {
	struct slab_obj *prev, *next;
};

void slab_init(struct slab *s, size_t size)
{
	memset(s, 0, sizeof(*s));
	s->size = round_up(size < sizeof(void *) ? sizeof(void *) : size, sizeof(void *));
}

void slab_expect(struct slab *s, size_t n)
{
	if (n <= SIZE_LIMIT / s->size)
		arena_expect(&s->arena, n * s->size);
}

void *slab_alloc(struct slab *s)
{
	if (mem_checked()) {
		struct slab_obj *o = xcalloc(1, sizeof(*o) + s->size);
		o->next = s->live;
		if (s->live)
			s->live->prev = o;
		s->live = o;
		return o + 1;
	}
	void *p = s->free;
	if (!p)
		return bump(&s->arena, s->size);
	s->free = *(void **)p;
	memset(p, 0, s->size);
	return p;
}

void slab_free(struct slab *s, void *p)
{
	if (!p)
		return;
	if (mem_checked()) {
		struct slab_obj *o = (struct slab_obj *)p - 1;
		if (o->prev)
			o->prev->next = o->next;
		else
			s->live = o->next;
		if (o->next)
			o->next->prev = o->prev;
		free(o);
		return;
	}
	*(void **)p = s->free;
	s->free = p;
}

void slab_fini(struct slab *s)
{
	for (struct slab_obj *o = s->live, *next; o; o = next) {
		next = o->next;
		free(o);
	}
	arena_fini(&s->arena);
	s->free = NULL;
	s->live = NULL;
}

/* ---- growing arrays ---- */
#define BIG_MIN ((size_t)1 << 20)

static bool is_mapped(size_t size)
{
	return size >= BIG_MIN && !mem_checked();
}

/* How much of a grown array's new part is made present at once. */
#define GROWN_LEAD ((size_t)1 << 20)

/* The new part's first pages are made present in one call, not by a fault per 4 KiB as the
 * array fills (about 3,000 faults at 100,000 items: the log's recipes and the queue's
 * buckets); only GROWN_LEAD of it: an array that doubled is often left far from full (the
 * recipes stop at 4.2 of 8 MB), and each page made present for nothing costs as much as a
 * fault, then its zeroing and its teardown at exit (measured at 100,000 items, perf stat
 * -r 10 alternating binaries: peak RSS 92.4 -> 89.2 MB, task-clock 72.6-75.1 -> 70.4-71.4 ms). */
static void populate_grown(char *q, size_t from, size_t to)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (to - from > GROWN_LEAD)
		to = from + GROWN_LEAD;
	mem_prefault(q + (from & ~(page - 1)), q + to);
}

void *big_realloc(void *p, size_t old_size, size_t new_size)
{
	if (new_size > SIZE_LIMIT)
		out_of_memory(new_size);
	bool was_mapped = is_mapped(old_size), mapped = is_mapped(new_size);
	if (!was_mapped && !mapped)
		return xrealloc(p, new_size);
	size_t old_map = round_up(old_size, HUGE_PAGE), new_map = round_up(new_size, HUGE_PAGE);
	if (was_mapped && mapped && new_map <= old_map) {
		if (new_map < old_map) {
			mem_prefault_forget((char *)p + new_map, (char *)p + old_map);
			munmap((char *)p + new_map, old_map - new_map);
		}
		return p;
	}
	void *q = mapped ? map_aligned(new_map) : xmalloc(new_size);
	if (!q)
		out_of_memory(new_map); /* the size alone says what a block is: no fallback */
#if defined(MREMAP_MAYMOVE) && defined(MREMAP_FIXED)
	/* Linux moves the pages into the new aligned place, huge ones whole: no copy, and the
	 * array is never resident twice (a copy doubled the peak of the log's recipes). */
	if (was_mapped && mapped) {
		mem_prefault_forget(p, (char *)p + old_map);
		int saved = errno;
		void *moved = mremap(p, old_map, new_map, MREMAP_MAYMOVE | MREMAP_FIXED, q);
		errno = saved;
		if (moved == q) {
			populate_grown(q, old_size, new_size);
			return q;
		}
	}
#endif
	/* Else a copy at each doubling: as much copying as the array's final size, once. */
	size_t keep = old_size < new_size ? old_size : new_size;
	if (keep)
		memcpy(q, p, keep);
	big_free(p, old_size);
	if (mapped)
		populate_grown(q, keep, new_size);
	return q;
}

void big_free(void *p, size_t size)
{
	if (is_mapped(size)) {
		mem_prefault_forget(p, (char *)p + round_up(size, HUGE_PAGE));
		munmap(p, round_up(size, HUGE_PAGE));
	} else
		free(p);
}
