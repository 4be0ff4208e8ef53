/*
 * Unit tests of the small-block pool (src/base/pool.c) and doc_dumps: blocks of every size are
 * distinct and usable, freed blocks are reused, two threads allocate and free at once without
 * sharing a block, jansson runs on the pool, and doc_dumps writes json_dumps's text into a block
 * that free() takes; under a low RLIMIT_AS the pool leaves malloc room and stops growing when
 * its stretch is used up; threads that end, or free what others made, hand their blocks on. Under
 * ASan or valgrind the pool is off by design: the same assertions then check the malloc path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/base.h"
#include "doc/doc.h"

static bool pool_on;

#define MIB ((size_t)1 << 20)

/* The process's address space now, from /proc (0 where unreadable). */
static size_t vm_size(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

/* The child of test_rlimit: exit status 0 when all holds, else which check failed. */
static int rlimit_child(size_t limit)
{
	struct rlimit rl = {limit, limit};
	if (setrlimit(RLIMIT_AS, &rl) != 0)
		return 10;
	if (!pool_init())
		return 11; /* a quarter of the limit is room enough for a stretch */
	/* 100 MiB of 128-byte blocks: more than the stretch (at most a quarter of the limit,
	 * rounded down to a power of two), so the rest must come from malloc. */
	size_t reserved = 0;
	for (size_t i = 0; i < 100 * MIB / 128; i++) {
		if (!pool_malloc(128))
			return 12;
		if (i == 90 * MIB / 128)
			reserved = pool_reserved();
	}
	if (reserved == 0 || reserved > limit / 4)
		return 13;
	/* Used up before 90 MiB: no more spans, and the count does not creep past the stretch. */
	if (pool_reserved() != reserved)
		return 14;
	/* The old pool took 256 MiB whatever the limit: then this was refused. */
	void *big = malloc(96 * MIB);
	if (!big)
		return 15;
	memset(big, 1, 96 * MIB);
	return 0;
}

/* Runs first, before the pool is set up, so that the forked child sets it up under a low
 * `ulimit -v`: the pool must neither abort nor leave malloc without room. */
static void test_rlimit(void **state)
{
	(void)state;
	if (BASE_UNDER_ASAN) {
		/* ASan's shadow needs terabytes of address space: no limit here, the pool is off.
		 */
		assert_false(pool_init());
		return;
	}
	size_t now = vm_size();
	assert_true(now > 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(rlimit_child(now + 300 * MIB));
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Runs first (cmocka keeps the order): the environment switch, then the real install. */
static void test_install(void **state)
{
	(void)state;
	setenv("STEPSCOPE_POOL", "0", 1);
	assert_false(pool_init());
	assert_false(pool_enabled());
	unsetenv("STEPSCOPE_POOL");
	pool_on = doc_use_pool();
	assert_int_equal(pool_on, pool_enabled());
}

/* Every size up to past the pool's largest class: aligned, distinct, keeps what is written. */
static void test_sizes(void **state)
{
	(void)state;
	enum { N = 300 };
	unsigned char *b[N + 1];
	for (size_t n = 0; n <= N; n++) {
		b[n] = pool_malloc(n);
		assert_non_null(b[n]);
		assert_int_equal((uintptr_t)b[n] % 8, 0);
		memset(b[n], (int)(n & 0xff), n);
	}
	for (size_t n = 0; n <= N; n++)
		for (size_t i = 0; i < n; i++)
			assert_int_equal(b[n][i], n & 0xff);
	for (size_t n = 0; n <= N; n++)
		pool_free(b[n]);
	pool_free(NULL);
}

/* A freed small block is the next one of its size (the per-thread free list); the reserved
 * space grows by whole spans only when a class has none left. */
static void test_reuse(void **state)
{
	(void)state;
	void *a = pool_malloc(40);
	pool_free(a);
	void *b = pool_malloc(33); /* the same 40-byte class */
	if (pool_on) {
		assert_ptr_equal(a, b);
		size_t before = pool_reserved();
		void *many[5000];
		for (size_t i = 0; i < 5000; i++)
			many[i] = pool_malloc(48);
		size_t grown = pool_reserved() - before;
		/* 240,000 bytes: whole 64 KiB spans, less what the class's current span had left */
		assert_int_equal(grown % 65536, 0);
		assert_true(grown >= 3 * 65536 && grown <= 5 * 65536);
		for (size_t i = 0; i < 5000; i++)
			pool_free(many[i]);
		assert_int_equal(pool_reserved() - before, grown);
	}
	pool_free(b);
}

struct worker {
	unsigned char tag;
	bool ok;
};

enum { ROUNDS = 20, PER_ROUND = 4000 };

/* Allocates, tags and checks blocks, freeing half of each round early so that the lists and
 * the span tails are both used while the other thread does the same. */
static void *work(void *arg)
{
	struct worker *w = arg;
	static _Thread_local unsigned char *blk[PER_ROUND];
	w->ok = true;
	for (int r = 0; r < ROUNDS; r++) {
		for (size_t i = 0; i < PER_ROUND; i++) {
			size_t n = 1 + (i * 37 + (size_t)r) % 256;
			blk[i] = pool_malloc(n);
			memset(blk[i], w->tag, n);
		}
		for (size_t i = 0; i < PER_ROUND; i++) {
			size_t n = 1 + (i * 37 + (size_t)r) % 256;
			for (size_t k = 0; k < n; k++)
				if (blk[i][k] != w->tag)
					w->ok = false;
			pool_free(blk[i]);
		}
	}
	return NULL;
}

static void test_two_threads(void **state)
{
	(void)state;
	struct worker w[2] = {{.tag = 0xa5}, {.tag = 0x5a}};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_true(w[0].ok);
	assert_true(w[1].ok);
}

enum { EXITING = 40 };

/* Allocates blocks of every class (more than a span of some), frees them all, and hands them
 * on as the history importer's helper does before it ends. */
static void *work_and_exit(void *arg)
{
	bool *ok = arg;
	static _Thread_local void *blk[PER_ROUND];
	for (size_t i = 0; i < PER_ROUND; i++)
		if (!(blk[i] = pool_malloc(1 + (i * 37) % 256)))
			*ok = false;
	for (size_t i = 0; i < PER_ROUND; i++)
		pool_free(blk[i]);
	pool_thread_exit();
	return NULL;
}

/* Thread after thread allocating the same: the first one's spans serve them all. Without the
 * hand-over each thread took new spans for every class (a megabyte or more each). */
static void test_threads_exit(void **state)
{
	(void)state;
	size_t after_first = 0;
	for (int i = 0; i < EXITING; i++) {
		bool ok = true;
		pthread_t t;
		assert_int_equal(pthread_create(&t, NULL, work_and_exit, &ok), 0);
		assert_int_equal(pthread_join(t, NULL), 0);
		assert_true(ok);
		if (i == 0)
			after_first = pool_reserved();
	}
	if (pool_on)
		assert_true(after_first > 0);
	/* A block a thread leaves across a span's end may need one more span per class. */
	assert_true(pool_reserved() - after_first <= 32 * 65536);
	assert_true(pool_reserved() - after_first < (size_t)(EXITING - 1) * 65536);
}

/* The thread of test_share: allocates blocks for the caller to free, then ends. */
static void *make_for_caller(void *arg)
{
	void **blk = arg;
	for (size_t i = 0; i < PER_ROUND; i++)
		blk[i] = pool_malloc(1 + (i * 37) % 256);
	pool_thread_exit();
	return NULL;
}

/* As in the history importer: a thread makes blocks and this one frees them. Without
 * pool_share they stayed on this thread's lists and every new thread cut new spans (about
 * 8 spans a round here). */
static void test_share(void **state)
{
	(void)state;
	static void *blk[PER_ROUND];
	size_t after_first = 0;
	for (int i = 0; i < EXITING; i++) {
		pthread_t t;
		assert_int_equal(pthread_create(&t, NULL, make_for_caller, blk), 0);
		assert_int_equal(pthread_join(t, NULL), 0);
		for (size_t k = 0; k < PER_ROUND; k++) {
			assert_non_null(blk[k]);
			pool_free(blk[k]);
		}
		pool_share();
		if (i == 0)
			after_first = pool_reserved();
	}
	assert_true(pool_reserved() - after_first <= 32 * 65536);
}

/* jansson on the pool; doc_dumps gives json_dumps's bytes in a malloc block. */
static void test_doc_dumps(void **state)
{
	(void)state;
	json_error_t err;
	const char *text = "{\"b\": [1, 2.5, \"x\\u00e9\", null, true], \"a\": {\"k\": \"v\"}}";
	json_t *v = json_loads(text, 0, &err);
	assert_non_null(v);
	const size_t flags[] = {JSON_COMPACT, JSON_INDENT(4), JSON_COMPACT | JSON_SORT_KEYS,
				JSON_COMPACT | JSON_ENSURE_ASCII};
	for (size_t i = 0; i < ARRAY_LEN(flags); i++) {
		char *want = json_dumps(v, flags[i]);
		char *got = doc_dumps(v, flags[i]);
		assert_string_equal(got, want);
		free(got); /* a malloc block whatever jansson's allocator is */
		pool_free(want);
	}
	json_t *s = json_string("scalar");
	assert_null(doc_dumps(s, JSON_COMPACT));
	char *any = doc_dumps(s, JSON_COMPACT | JSON_ENCODE_ANY);
	assert_string_equal(any, "\"scalar\"");
	free(any);
	json_decref(s);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rlimit),	cmocka_unit_test(test_install),
	    cmocka_unit_test(test_sizes),	cmocka_unit_test(test_reuse),
	    cmocka_unit_test(test_two_threads), cmocka_unit_test(test_threads_exit),
	    cmocka_unit_test(test_share),	cmocka_unit_test(test_doc_dumps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
