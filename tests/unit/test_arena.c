/*
 * Unit tests of arenas, slabs and growing arrays (src/base/arena.c): blocks are distinct,
 * zero-filled, aligned and keep what is written into them across many stretches, and their
 * pages are present once handed out; when the system refuses mappings the arena still works
 * (malloc'd stretches, zero-filled); a slab reuses freed objects and hands them out zeroed, and
 * slab_fini frees those still held; big_realloc keeps an array's contents as it crosses from
 * malloc into mapped memory and grows there, and shrinking requests keep it.
 * Under ASan or valgrind (mem_checked) the same assertions check the malloc path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/base.h"

/* Writable anonymous mappings can be refused, as strict overcommit near its limit does: this
 * mmap replaces libc's for the arena (malloc maps through libc's own, untouched). Not under
 * ASan, which intercepts mmap itself (and keeps arenas on malloc anyway). */
static int refuse_maps, refused;
#if !BASE_UNDER_ASAN
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (refuse_maps && (flags & MAP_ANONYMOUS) && (prot & PROT_WRITE)) {
		refused++;
		errno = ENOMEM;
		return MAP_FAILED;
	}
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}
#endif

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* 300 blocks of 288 KiB (a log's big chunks) span the malloc'd first 2 MiB and several
 * mapped stretches. */
static void test_arena_blocks(void **state)
{
	(void)state;
	struct arena a = {0};
	enum { N = 300, SIZE = 4096 * 72 };
	unsigned char **blocks = calloc(N, sizeof(*blocks));
	for (size_t i = 0; i < N; i++) {
		size_t n = i % 7 == 3 ? 100 : SIZE;
		blocks[i] = arena_alloc(&a, n);
		assert_true(all_zero(blocks[i], n));
		assert_int_equal((uintptr_t)blocks[i] % 64, 0); /* malloc'd or mapped */
		memset(blocks[i], (int)(i % 251) + 1, n);
	}
	for (size_t i = 0; i < N; i++) {
		size_t n = i % 7 == 3 ? 100 : SIZE;
		for (size_t j = 0; j < n; j += 997)
			assert_int_equal(blocks[i][j], (unsigned char)(i % 251 + 1));
		assert_int_equal(blocks[i][n - 1], (unsigned char)(i % 251 + 1));
	}
	arena_fini(&a);
	/* An arena is reusable after fini, and a block bigger than any stretch still fits. */
	unsigned char *big = arena_alloc(&a, (size_t)40 << 20);
	big[((size_t)40 << 20) - 1] = 7;
	assert_int_equal(big[0], 0);
	arena_fini(&a);
	free(blocks);
}

/* Pages of a block from a mapped stretch are present once it is handed out (and the prefault
 * thread, where there is one, has caught up). */
static void test_arena_populates(void **state)
{
	(void)state;
	long page = sysconf(_SC_PAGESIZE);
	bool can = !mem_checked();
#ifdef MADV_POPULATE_WRITE
	void *probe =
	    mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	can = can && probe != MAP_FAILED && madvise(probe, (size_t)page, MADV_POPULATE_WRITE) == 0;
	if (probe != MAP_FAILED)
		munmap(probe, (size_t)page);
#else
	can = false;
#endif
	if (!can) {
		print_message(
		    "(no MADV_POPULATE_WRITE or a memory checker: presence not checked)\n");
		return;
	}
	struct arena a = {0};
	arena_alloc(&a, (size_t)3 << 20); /* past the malloc'd first 2 MiB */
	/* Bigger than a huge page: touching the stretch's header alone makes only its first
	 * 2 MiB present. */
	size_t n = (size_t)6 << 20;
	unsigned char *p = arena_alloc(&a, n);
	uintptr_t from = ((uintptr_t)p + (uintptr_t)page - 1) & ~(uintptr_t)(page - 1);
	size_t pages = (n - (from - (uintptr_t)p)) / (size_t)page;
	mem_prefault_drain(); /* the prefault thread's work, where there is one, is done */
	unsigned char *vec = calloc(pages, 1);
	assert_int_equal(mincore((void *)from, pages * (size_t)page, vec), 0);
	for (size_t i = 0; i < pages; i++)
		if (!(vec[i] & 1))
			fail_msg("page %zu of %zu not present", i, pages);
	free(vec);
	arena_fini(&a);
}

/* With every mapping refused, blocks and objects still come (malloc'd) zero-filled, after a
 * heap full of non-zero bytes freed for malloc to reuse. */
static void test_arena_refused(void **state)
{
	(void)state;
	for (int i = 0; i < 64; i++) {
		void *junk[4];
		for (int k = 0; k < 4; k++)
			memset(junk[k] = malloc(40000), 0xEE, 40000);
		for (int k = 0; k < 4; k++)
			free(junk[k]);
	}
	refuse_maps = 1;
	refused = 0;
	struct arena a = {0};
	for (int i = 0; i < 40; i++) {
		unsigned char *p = arena_alloc(&a, 100000);
		assert_true(all_zero(p, 100000));
		memset(p, 0x5A, 100000);
	}
	struct slab s;
	slab_init(&s, 336);
	for (int i = 0; i < 20000; i++) {
		unsigned char *o = slab_alloc(&s);
		assert_true(all_zero(o, 336));
		memset(o, 0x5A, 336);
	}
	refuse_maps = 0;
	if (!mem_checked())
		assert_true(refused > 0); /* the mapped path was tried past the first 2 MiB */
	slab_fini(&s);
	arena_fini(&a);
}

static int cmp_ptr(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t) * (void *const *)x, b = (uintptr_t) * (void *const *)y;
	return a < b ? -1 : a > b;
}

static void test_slab_reuse(void **state)
{
	(void)state;
	struct slab s;
	slab_init(&s, 336);
	enum { N = 20000 };
	unsigned char **objs = calloc(N, sizeof(*objs));
	for (size_t i = 0; i < N; i++) {
		objs[i] = slab_alloc(&s);
		assert_true(all_zero(objs[i], 336));
		assert_int_equal((uintptr_t)objs[i] % 8, 0);
		memset(objs[i], 0xAB, 336);
	}
	unsigned char **sorted = malloc(N * sizeof(*sorted));
	memcpy(sorted, objs, N * sizeof(*sorted));
	qsort(sorted, N, sizeof(*sorted), cmp_ptr);
	for (size_t i = 1; i < N; i++) /* distinct, not overlapping */
		assert_true(sorted[i] >= sorted[i - 1] + 336);
	free(sorted);
	for (size_t i = 0; i < N; i += 2)
		slab_free(&s, objs[i]);
	slab_free(&s, NULL);
	for (size_t i = 0; i < N; i += 2) {
		objs[i] = slab_alloc(&s);
		assert_true(all_zero(objs[i], 336)); /* reused objects are zeroed again */
	}
	for (size_t i = 1; i < N; i += 2) /* the kept ones were not touched */
		assert_int_equal(objs[i][335], 0xAB);
	/* slab_fini frees every object still held (LeakSanitizer checks it under ASan). */
	slab_fini(&s);
	free(objs);
}

/* An array growing by doubling from 16 bytes to 64 MiB, as the log's recipes do. */
static void test_big_realloc_grows(void **state)
{
	(void)state;
	size_t cap = 0;
	uint32_t *v = NULL;
	for (size_t len = 0; len < ((size_t)16 << 20); len++) {
		if ((len + 1) * sizeof(*v) > cap) {
			size_t next = cap ? cap * 2 : 16;
			v = big_realloc(v, cap, next);
			cap = next;
		}
		v[len] = (uint32_t)(len * 2654435761u);
	}
	for (size_t len = 0; len < ((size_t)16 << 20); len++)
		if (v[len] != (uint32_t)(len * 2654435761u))
			fail_msg("element %zu lost", len);
	/* A smaller size keeps the prefix. */
	v = big_realloc(v, cap, 3 << 20);
	assert_int_equal(v[(3 << 18) - 1], (uint32_t)(((3 << 18) - 1) * 2654435761u));
	big_free(v, 3 << 20);
	big_free(NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_arena_blocks),      cmocka_unit_test(test_arena_populates),
	    cmocka_unit_test(test_arena_refused),     cmocka_unit_test(test_slab_reuse),
	    cmocka_unit_test(test_big_realloc_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
