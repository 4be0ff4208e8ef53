/*
 * A size-class allocator for jansson (installed with json_set_alloc_funcs by the program's
 * main). A large simulation makes tens of millions of small JSON blocks (values, object
 * members, 128-byte bucket tables) and frees them all at the end: with malloc, a third of the
 * instructions went to allocating and freeing them, and each block carried malloc's 8-byte
 * header rounded to 16 bytes (blocks here are rounded to 8, with no header).
 *
 * Blocks up to POOL_MAX bytes come from 64 KiB spans of one size class each, cut from one
 * reserved stretch of address space (pages are only committed when touched); a block's class
 * is in its span's header, so blocks carry no header of their own. Freed blocks go on a
 * per-thread free list (_Thread_local: the history importer may parse on two threads; a
 * block freed by another thread than its maker's simply joins that thread's list); only new
 * spans are taken with one atomic add. Larger blocks, and every block when the reservation
 * is exhausted, are plain malloc blocks: pool_free tells them apart by address.
 *
 * Memory the pool holds is never returned before the process ends (freed blocks are reused);
 * a thread that ends leaves its lists and span tails unused (at most a span per class).
 * Under AddressSanitizer or valgrind, or with STEPSCOPE_POOL=0 in the environment, the pool
 * stays off and jansson keeps malloc, so those tools still see every JSON block
 * (STEPSCOPE_POOL=1 keeps it on under valgrind: callgrind measures the real thing).
 *
 * Alignment is 8 bytes (jansson's structs hold pointers, sizes, long long and double, never
 * long double): the pool is for jansson only.
 */
#include "base.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <jansson.h>

#if defined(__SANITIZE_ADDRESS__)
#define POOL_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_UNDER_ASAN 1
#endif
#endif
#ifndef POOL_UNDER_ASAN
#define POOL_UNDER_ASAN 0
#endif

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define POOL_GRAIN   8
#define POOL_MAX     256
#define POOL_CLASSES (POOL_MAX / POOL_GRAIN)
#define SPAN_SHIFT   16
#define SPAN_SIZE    ((size_t)1 << SPAN_SHIFT)
/* The span header: the class, padded so that blocks start 16 bytes in. */
#define SPAN_HEAD 16
/* Address space only (MAP_NORESERVE): 64 GiB, or less down to 256 MiB if refused. */
#define REGION_MAX    ((size_t)1 << 36)
#define REGION_MIN    ((size_t)1 << 28)
#define POPULATE_SIZE ((size_t)1 << 20)

static char *region; /* span-aligned; NULL while the pool is off */
static size_t region_size;
static atomic_size_t region_used; /* bytes of region handed out as spans */

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
	/* STEPSCOPE_POOL=1 keeps it on under valgrind, for callgrind's instruction counts. */
	const char *env = getenv("STEPSCOPE_POOL");
	bool forced = env && strcmp(env, "1") == 0;
	if (POOL_UNDER_ASAN || (RUNNING_ON_VALGRIND && !forced) || (env && strcmp(env, "0") == 0))
		return false;
	/* The largest reservation the system grants (valgrind's address space is smaller). */
	void *p = MAP_FAILED;
	for (region_size = REGION_MAX; p == MAP_FAILED && region_size >= REGION_MIN;)
		if ((p = mmap(NULL, region_size + SPAN_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)) == MAP_FAILED)
			region_size /= 2;
	if (p == MAP_FAILED)
		return false; /* overcommit off or address space limited: malloc it is */
	uintptr_t a = ((uintptr_t)p + SPAN_SIZE - 1) & ~(uintptr_t)(SPAN_SIZE - 1);
	region = (char *)a;
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

/* A fresh span for class c in this thread's cache; false when the reservation is used up. */
static bool refill(size_t c)
{
	size_t off = atomic_fetch_add_explicit(&region_used, SPAN_SIZE, memory_order_relaxed);
	if (off + SPAN_SIZE > region_size)
		return false;
	char *span = region + off;
#ifdef MADV_POPULATE_WRITE
	/* Pages made present a megabyte at a time, in one call, rather than by one page fault
	 * per 4 KiB on first touch (the faults were a third of a large run's time). The span
	 * that opens a megabyte does it; advice only, ignored where unsupported. */
	if (off % POPULATE_SIZE == 0)
		madvise(span, POPULATE_SIZE, MADV_POPULATE_WRITE);
#endif
	*(uint32_t *)span = (uint32_t)c;
	cache.next[c] = span + SPAN_HEAD;
	cache.end[c] = span + SPAN_SIZE;
	return true;
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

bool jansson_use_pool(void)
{
	if (!pool_init())
		return false;
	json_set_alloc_funcs(pool_malloc, pool_free);
	return true;
}

static int dump_to_strbuf(const char *buf, size_t size, void *data)
{
	sb_addn(data, buf, size);
	return 0;
}

char *jdumps(const struct json_t *v, size_t flags)
{
	struct strbuf sb;
	sb_init(&sb);
	if (json_dump_callback(v, dump_to_strbuf, &sb, flags) != 0) {
		sb_fini(&sb);
		return NULL;
	}
	return sb_take(&sb);
}
