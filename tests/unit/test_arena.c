/*
 * Unit tests of arenas, slabs and growing arrays (src/base/arena.c): blocks are distinct,
 * zero-filled, aligned and keep what is written into them across many stretches; a slab
 * reuses freed objects and hands them out zeroed; big_realloc keeps an array's contents as it
 * crosses from malloc into mapped memory and grows there, and shrinking requests keep it.
 * Under ASan or valgrind (mem_checked) the same assertions check the malloc path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* 3,000 blocks of 288 KiB (a log's big chunks) span several stretches (2, 4, 8... MiB). */
static void test_arena_blocks(void **state)
{
	(void)state;
	struct arena a = {0};
	enum { N = 3000, SIZE = 4096 * 72 };
	unsigned char **blocks = calloc(N, sizeof(*blocks));
	for (size_t i = 0; i < N; i++) {
		blocks[i] = arena_alloc(&a, i % 7 == 3 ? 100 : SIZE);
		size_t n = i % 7 == 3 ? 100 : SIZE;
		assert_true(all_zero(blocks[i], n));
		assert_int_equal((uintptr_t)blocks[i] % (mem_checked() ? 16 : 64), 0);
		memset(blocks[i], (int)(i % 251) + 1, n);
	}
	for (size_t i = 0; i < N; i++) {
		size_t n = i % 7 == 3 ? 100 : SIZE;
		assert_int_equal(blocks[i][0], (unsigned char)(i % 251 + 1));
		assert_int_equal(blocks[i][n - 1], (unsigned char)(i % 251 + 1));
	}
	arena_fini(&a);
	assert_null(a.maps);
	/* An arena is reusable after fini, and a block bigger than any stretch still fits. */
	unsigned char *big = arena_alloc(&a, (size_t)100 << 20);
	big[((size_t)100 << 20) - 1] = 7;
	assert_int_equal(big[0], 0);
	arena_fini(&a);
	free(blocks);
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
	for (size_t i = 1; i < N; i++) /* distinct, not overlapping */
		assert_true(objs[i] >= objs[i - 1] + 336 || objs[i] + 336 <= objs[i - 1] ||
			    mem_checked());
	for (size_t i = 0; i < N; i += 2)
		slab_free(&s, objs[i]);
	slab_free(&s, NULL);
	for (size_t i = 0; i < N; i += 2) {
		objs[i] = slab_alloc(&s);
		assert_true(all_zero(objs[i], 336)); /* reused objects are zeroed again */
	}
	for (size_t i = 1; i < N; i += 2) /* the kept ones were not touched */
		assert_int_equal(objs[i][335], 0xAB);
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
	    cmocka_unit_test(test_arena_blocks),
	    cmocka_unit_test(test_slab_reuse),
	    cmocka_unit_test(test_big_realloc_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
