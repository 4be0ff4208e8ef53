/*
 * A size-class allocator for jansson (doc_use_pool installs it with json_set_alloc_funcs from
 * the program's main). A large simulation makes tens of millions of small JSON blocks (values,
 * object members, 128-byte bucket tables) and frees them all at the end: with malloc, a third of
 * the instructions went to allocating and freeing them, and each block carried malloc's 8-byte
 * header rounded to 16 bytes (blocks here are rounded to 8, with no header).
 *
 * Blocks up to POOL_MAX bytes come from 64 KiB spans of one size class each, cut from one
 * reserved stretch of address space; a block's class is in its span's header, so blocks carry
 * no header of their own. The stretch is mapped PROT_NONE (no commit charge, even under
 * strict overcommit) and made writable 2 MiB (a huge page) at a time as spans are handed out; where
 * RLIMIT_AS is finite the stretch is at most a quarter of it, so malloc keeps the rest. Freed
 * blocks go on a per-thread free list (_Thread_local: the history importer parses on two
 * threads; a block freed by another thread than its maker's simply joins that thread's
 * list); only spans and shared blocks are taken under a lock. Larger blocks, and every block once
 * the stretch is used up or cannot be made writable, are plain malloc blocks: pool_free tells them
 * apart by address.
 *
 * Memory the pool holds is never returned before the process ends (freed blocks are reused).
 * A thread that ends calls pool_thread_exit, which hands its free lists and span tails to
 * the shared (orphan) lists that every thread's refill takes from, a span's worth at a time,
 * before it cuts a new span. A thread that goes on but freed what another made calls
 * pool_share (the same hand-over) now and then: else those blocks pile up on its own lists
 * while the maker cuts new spans for ever.
 * Under AddressSanitizer or valgrind, or with STEPSCOPE_POOL=0 in the environment, the pool
 * stays off and jansson keeps malloc, so those tools still see every JSON block
 * (STEPSCOPE_POOL=1 keeps it on under valgrind: callgrind measures the real thing).
 *
 * Alignment is 8 bytes (jansson's structs hold pointers, sizes, long long and double, never
 * long double): the pool is for jansson only.
 */
#include "base.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define POOL_GRAIN   8
#define POOL_MAX     256
#define POOL_CLASSES (POOL_MAX / POOL_GRAIN)
#define SPAN_SHIFT   16
#define SPAN_SIZE    ((size_t)1 << SPAN_SHIFT)
/* The span header: the class, padded so that blocks start 16 bytes in. */
#define SPAN_HEAD 16
/* Address space only (PROT_NONE): 64 GiB, or less down to 16 MiB if refused or limited. */
#define REGION_MAX ((size_t)1 << 36)
#define REGION_MIN ((size_t)1 << 24)
/* The stretch is made writable this much at a time: one huge page, which the stretch asks
 * for (see arena.c). It starts on a COMMIT_SIZE boundary. */
#define COMMIT_SIZE ((size_t)2 << 20)
/* With the prefault thread, pages are asked for this far ahead of the spans handed out, once
 * this much of the stretch is used (a small process, validate or the TUI, starts no thread
 * for its JSON), and this much at a time at least. */
#define POPULATE_LEAD  ((size_t)1024 << 10)
#define POPULATE_AFTER ((size_t)1 << 20)

static char *region; /* span-aligned; NULL while the pool is off */
static size_t region_size;
/* Under lock: the writable prefix of region; the spans handed out (never past committed);
 * set once the stretch is used up or making more writable failed; the shared lists per class
 * (see pool_share).
 * region_used and committed are atomic too so that pool_reserved reads them without it. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_size_t committed;
static atomic_size_t region_used;
static size_t populated; /* under lock: pages asked for up to here */
static atomic_bool exhausted;		/* read without lock too, to skip it once nothing is left */
static atomic_uint orphan_mask;		/* bit c: orphans of class c (read without lock too) */
static void *orphan_free[POOL_CLASSES]; /* blocks, linked through their first word */
static void *orphan_tail[POOL_CLASSES]; /* span tails, linked likewise: a tail ends its span */

struct pool_cache {
	void *free[POOL_CLASSES]; /* singly linked through each block's first word */
	char *next[POOL_CLASSES]; /* the current span's unused tail */
	char *end[POOL_CLASSES];
};
static _Thread_local struct pool_cache cache;

bool pool_init(void)
{
	if (region)
		return true;
	const char *env = getenv("STEPSCOPE_POOL");
	if (mem_checked() || (env && strcmp(env, "0") == 0))
		return false;
	/* The largest reservation the system grants (valgrind's address space is smaller), and
	 * at most a quarter of a finite RLIMIT_AS (ulimit -v), which counts even PROT_NONE. */
	size_t max = REGION_MAX;
	struct rlimit rl;
	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		while (max >= REGION_MIN && max > rl.rlim_cur / 4)
			max /= 2;
	void *p = MAP_FAILED;
	for (region_size = max; p == MAP_FAILED && region_size >= REGION_MIN;)
		if ((p = mmap(NULL, region_size + COMMIT_SIZE, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)) == MAP_FAILED)
			region_size /= 2;
	if (p == MAP_FAILED)
		return false; /* address space limited: malloc it is */
	uintptr_t a = ((uintptr_t)p + COMMIT_SIZE - 1) & ~(uintptr_t)(COMMIT_SIZE - 1);
	region = (char *)a;
#ifdef MADV_HUGEPAGE
	if (mem_huge_pages())
		madvise(region, region_size, MADV_HUGEPAGE); /* advice only */
#endif
	return true;
}

bool pool_enabled(void)
{
	return region != NULL;
}

static bool in_region(const void *p)
{
	return region && (uintptr_t)p - (uintptr_t)region < region_size;
}

/* Under lock: makes region writable up to at least `need` bytes, COMMIT_SIZE at a time;
 * false when the system refuses (ENOMEM under strict overcommit or RLIMIT_AS). */
static bool commit_to(size_t need)
{
	size_t done = atomic_load_explicit(&committed, memory_order_relaxed);
	while (done < need) {
		if (exhausted ||
		    mprotect(region + done, COMMIT_SIZE, PROT_READ | PROT_WRITE) != 0) {
			exhausted = true;
			return false;
		}
		done += COMMIT_SIZE;
		atomic_store_explicit(&committed, done, memory_order_relaxed);
	}
	return true;
}

/* Under lock: a new span from the stretch, or NULL when it is used up or not writable. */
static char *new_span(void)
{
	size_t off = atomic_load_explicit(&region_used, memory_order_relaxed);
	if (off + SPAN_SIZE > region_size) {
		exhausted = true;
		return NULL;
	}
	if (!commit_to(off + SPAN_SIZE))
		return NULL;
	/* Pages made present in bulk on the prefault thread, a little ahead of the spans, rather
	 * than by one fault per 4 KiB on first touch here (the faults were a third of a large
	 * run's time). Only a little: pages made present and never used are faulted, zeroed and
	 * torn down for nothing (whole 2 MiB commits were: 100,000 items used 3.3 of 6 MB, and a
	 * small run paid 1 ms to populate 2 MB it used half of). Advice only; the region is never
	 * unmapped. */
	size_t want = off + SPAN_SIZE + POPULATE_LEAD;
	if (off >= POPULATE_AFTER && want <= region_size && want > populated + POPULATE_LEAD / 2 &&
	    mem_prefault_async() && commit_to(want)) {
		size_t from = populated > off ? populated : off;
		mem_prefault(region + from, region + want);
		populated = want;
	}
	atomic_store_explicit(&region_used, off + SPAN_SIZE, memory_order_relaxed);
	return region + off;
}

/* Blocks for class c in this thread's cache: an orphaned free list, else an orphaned span
 * tail, else a fresh span; false when there are none of these. */
static bool refill(size_t c)
{
	/* Once the stretch is used up, the small blocks malloc takes skip the lock. */
	if (atomic_load_explicit(&exhausted, memory_order_relaxed) &&
	    !(atomic_load_explicit(&orphan_mask, memory_order_relaxed) & (1u << c)))
		return false;
	pthread_mutex_lock(&lock);
	bool ok = true;
	if (orphan_free[c]) {
		/* A span's worth, not all: a thread that took them all and freed little would keep
		 * them from the others, which then cut new spans every time. */
		void *first = orphan_free[c], *last = first;
		for (size_t n = (SPAN_SIZE - SPAN_HEAD) / ((c + 1) * POOL_GRAIN);
		     --n > 0 && *(void **)last;)
			last = *(void **)last;
		orphan_free[c] = *(void **)last;
		*(void **)last = NULL;
		cache.free[c] = first; /* this thread's list was empty */
	} else if (orphan_tail[c]) {
		char *tail = orphan_tail[c];
		orphan_tail[c] = *(void **)tail;
		cache.next[c] = tail;
		cache.end[c] =
		    (char *)(((uintptr_t)tail & ~(uintptr_t)(SPAN_SIZE - 1)) + SPAN_SIZE);
	} else {
		char *span = new_span();
		if ((ok = span != NULL)) {
			*(uint32_t *)span = (uint32_t)c;
			cache.next[c] = span + SPAN_HEAD;
			cache.end[c] = span + SPAN_SIZE;
		}
	}
	if (!orphan_free[c] && !orphan_tail[c])
		atomic_fetch_and(&orphan_mask, ~(1u << c));
	pthread_mutex_unlock(&lock);
	return ok;
}

void pool_thread_exit(void)
{
	pool_share();
}

void pool_share(void)
{
	if (!region)
		return;
	pthread_mutex_lock(&lock);
	for (size_t c = 0; c < POOL_CLASSES; c++) {
		void *list = cache.free[c];
		if (list) {
			void *last = list;
			while (*(void **)last)
				last = *(void **)last;
			*(void **)last = orphan_free[c];
			orphan_free[c] = list;
		}
		/* A tail holds at least one block, so it starts inside its span and its end is
		 * the span's end: only its start needs keeping. */
		if ((size_t)(cache.end[c] - cache.next[c]) >= (c + 1) * POOL_GRAIN) {
			*(void **)cache.next[c] = orphan_tail[c];
			orphan_tail[c] = cache.next[c];
		}
		if (orphan_free[c] || orphan_tail[c])
			atomic_fetch_or(&orphan_mask, 1u << c);
		cache.free[c] = NULL;
		cache.next[c] = cache.end[c] = NULL;
	}
	pthread_mutex_unlock(&lock);
}

/* Everything but a block from a list or the span's tail: kept out of line so that the common
 * path saves no registers. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void *
alloc_slow(size_t size)
{
	if (size > POOL_MAX || !region)
		return malloc(size);
	size_t c = size ? (size - 1) / POOL_GRAIN : 0;
	if (cache.free[c] || (size_t)(cache.end[c] - cache.next[c]) >= (c + 1) * POOL_GRAIN ||
	    refill(c))
		return pool_malloc(size ? size : 1);
	return malloc(size);
}

void *pool_malloc(size_t size)
{
	if (size - 1 < POOL_MAX && region) { /* 0 wraps around: the slow path */
		size_t c = (size - 1) / POOL_GRAIN;
		void *p = cache.free[c];
		if (p) {
			cache.free[c] = *(void **)p;
			return p;
		}
		char *next = cache.next[c];
		size_t bytes = (c + 1) * POOL_GRAIN;
		if ((size_t)(cache.end[c] - next) >= bytes) {
			cache.next[c] = next + bytes;
			return next;
		}
	}
	return alloc_slow(size);
}

void pool_free(void *p)
{
	if (!in_region(p)) {
		free(p);
		return;
	}
	uintptr_t span = (uintptr_t)p & ~(uintptr_t)(SPAN_SIZE - 1);
	uint32_t c = *(const uint32_t *)span;
	*(void **)p = cache.free[c];
	cache.free[c] = p;
}

size_t pool_reserved(void)
{
	return atomic_load_explicit(&region_used, memory_order_relaxed);
}
