/*
 * Arenas and slabs: big, long-lived memory in transparent huge pages.
 *
 * A 100,000-item simulation keeps 1.1M event records and 100,000 live iterations: well over
 * 100 MB, first touched once and kept to the end. With 4 KiB pages the kernel took one page
 * fault and one clear per page, about 40% of the run (perf: clear_page, do_anonymous_page);
 * mapped here, in 2 MiB-aligned stretches advised into huge pages (MADV_HUGEPAGE: Linux's
 * default THP mode, "madvise", gives huge pages only to memory that asks), it is one fault per
 * 2 MiB, and the run took a third less time (issue #4 note). Stretches double from 2 MiB up to
 * 64 MiB, so a small user maps little and a big one maps a few dozen times.
 *
 * Pages are made present 2 MiB at a time ahead of use (MADV_POPULATE_WRITE) for systems
 * without huge pages, where the per-page faults would otherwise come back. Everything here is
 * advice: a kernel that refuses it changes nothing but the speed.
 *
 * Under AddressSanitizer or valgrind (mem_checked) every block is a plain malloc block and a
 * slab's objects are malloc'd and freed one by one, so that those tools see each of them.
 */
#include "base.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

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
#define MAP_MAX	  ((size_t)64 << 20)
#define ALIGN	  ((size_t)64)
/* Each mapping (or checked-mode block) starts with this header, padded to ALIGN. */
struct arena_map {
	struct arena_map *next;
	size_t size; /* bytes mapped, header included; 0 for a malloc block */
};
#define HEAD ((sizeof(struct arena_map) + ALIGN - 1) & ~(ALIGN - 1))

bool mem_checked(void)
{
	/* STEPSCOPE_POOL=1 under valgrind keeps the real allocators (callgrind measures them). */
	static atomic_int checked = -1;
	int c = atomic_load_explicit(&checked, memory_order_relaxed);
	if (c < 0) {
		const char *env = getenv("STEPSCOPE_POOL");
		c = UNDER_ASAN || (RUNNING_ON_VALGRIND && !(env && strcmp(env, "1") == 0));
		atomic_store_explicit(&checked, c, memory_order_relaxed);
	}
	return c;
}

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) & ~(to - 1);
}

/* A mapping of `size` bytes (a multiple of HUGE_PAGE) starting on a HUGE_PAGE boundary, or
 * NULL when the system refuses it. */
static void *map_aligned(size_t size)
{
	char *p = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	char *a = (char *)round_up((uintptr_t)p, HUGE_PAGE);
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + size < p + size + HUGE_PAGE)
		munmap(a + size, (size_t)(p + size + HUGE_PAGE - (a + size)));
#ifdef MADV_HUGEPAGE
	madvise(a, size, MADV_HUGEPAGE);
#endif
	return a;
}

static void populate(char *from, char *to)
{
#ifdef MADV_POPULATE_WRITE
	if (to > from)
		madvise(from, (size_t)(to - from), MADV_POPULATE_WRITE);
#else
	(void)from;
	(void)to;
#endif
}

/* Makes current a new stretch holding at least `need` bytes after its header: mapped, or
 * malloc'd when the system refuses every mapping (a strict overcommit limit, say). */
static void grow(struct arena *a, size_t need)
{
	size_t least = round_up(need + HEAD, HUGE_PAGE);
	size_t size = a->mapped ? a->mapped * 2 : MAP_FIRST;
	if (size > MAP_MAX)
		size = MAP_MAX;
	if (size < least)
		size = least;
	char *p = map_aligned(size);
	if (!p && size > least)
		p = map_aligned(size = least);
	struct arena_map *m;
	if (p) {
		m = (struct arena_map *)p;
		m->size = a->mapped = size;
	} else {
		size = HEAD + need;
		m = xmalloc(size);
		m->size = 0;
		p = (char *)m;
	}
	m->next = a->maps;
	a->maps = m;
	a->next = a->populated = p + HEAD;
	a->end = p + size;
}

/* The next `size` bytes (a multiple of 8) of the current stretch, made present ahead. */
static void *bump(struct arena *a, size_t size)
{
	if (!a->next || a->next > a->end || (size_t)(a->end - a->next) < size)
		grow(a, size);
	char *p = a->next;
	a->next += size;
	if (a->next > a->populated) {
		int saved = errno; /* advice only: errno unchanged */
		char *to = (char *)round_up((uintptr_t)a->next, HUGE_PAGE);
		if (to > a->end)
			to = a->end;
		populate(a->populated, to);
		a->populated = to;
		errno = saved;
	}
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	size = round_up(size ? size : 1, ALIGN);
	if (mem_checked()) {
		struct arena_map *m = xcalloc(1, HEAD + size);
		m->next = a->maps;
		a->maps = m;
		return (char *)m + HEAD;
	}
	/* Blocks start on ALIGN boundaries: the stretch's first does, and sizes are rounded. */
	a->next = a->next ? (char *)round_up((uintptr_t)a->next, ALIGN) : NULL;
	return bump(a, size);
}

void arena_fini(struct arena *a)
{
	for (struct arena_map *m = a->maps, *next; m; m = next) {
		next = m->next;
		if (m->size && !mem_checked())
			munmap(m, m->size);
		else
			free(m);
	}
	memset(a, 0, sizeof(*a));
}

void slab_init(struct slab *s, size_t size)
{
	memset(s, 0, sizeof(*s));
	s->size = round_up(size < sizeof(void *) ? sizeof(void *) : size, sizeof(void *));
}

void *slab_alloc(struct slab *s)
{
	if (mem_checked())
		return xcalloc(1, s->size);
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
		free(p);
		return;
	}
	*(void **)p = s->free;
	s->free = p;
}

void slab_fini(struct slab *s)
{
	arena_fini(&s->arena);
	s->free = NULL;
}

/* ---- growing arrays ---- */
#define BIG_MIN ((size_t)1 << 20)

static bool is_mapped(size_t size)
{
	return size >= BIG_MIN && !mem_checked();
}

void *big_realloc(void *p, size_t old_size, size_t new_size)
{
	bool was_mapped = is_mapped(old_size), mapped = is_mapped(new_size);
	if (!was_mapped && !mapped)
		return xrealloc(p, new_size);
	size_t old_map = round_up(old_size, HUGE_PAGE), new_map = round_up(new_size, HUGE_PAGE);
	if (was_mapped && mapped && new_map <= old_map) {
		if (new_map < old_map)
			munmap((char *)p + new_map, old_map - new_map);
		return p;
	}
	/* A copy at each doubling: as much copying as the array's final size, once. */
	void *q = mapped ? map_aligned(new_map) : xmalloc(new_size);
	if (!q)
		out_of_memory(new_map); /* the size alone says what a block is: no fallback */
	size_t keep = old_size < new_size ? old_size : new_size;
	if (keep)
		memcpy(q, p, keep);
	big_free(p, old_size);
	return q;
}

void big_free(void *p, size_t size)
{
	if (is_mapped(size))
		munmap(p, round_up(size, HUGE_PAGE));
	else
		free(p);
}
