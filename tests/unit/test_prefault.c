/*
 * Unit tests of the prefault thread (src/base/prefault.c): pages asked for become present
 * without being touched; what is forgotten before it is unmapped is never populated after
 * (a new mapping at the same address stays untouched); many requests, more than its queue
 * holds, all end up present; a forked child's requests are honoured, not lost in a queue
 * without a thread (nor does it wait for one). The same tests run again in a child with STEPSCOPE_PREFAULT=0,
 * where the caller populates at once.
 * Presence is read with mincore. Where MADV_POPULATE_WRITE is missing nothing is checked
 * (the calls must still be harmless).
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE */
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/base.h"

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static bool can_populate(void)
{
#ifdef MADV_POPULATE_WRITE
	size_t page = page_size();
	void *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool ok = p != MAP_FAILED && madvise(p, page, MADV_POPULATE_WRITE) == 0;
	if (p != MAP_FAILED)
		munmap(p, page);
	if (!ok)
		print_message("(MADV_POPULATE_WRITE refused: presence not checked)\n");
	return ok;
#else
	print_message("(no MADV_POPULATE_WRITE: presence not checked)\n");
	return false;
#endif
}

static void *map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	return p;
}

/* Pages of [p, p + size) present. */
static size_t present(void *p, size_t size)
{
	size_t pages = size / page_size(), n = 0;
	unsigned char *vec = calloc(pages, 1);
	assert_int_equal(mincore(p, size, vec), 0);
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

static void test_prefault_populates(void **state)
{
	(void)state;
	bool check = can_populate();
	size_t size = (size_t)8 << 20;
	char *p = map(size);
	mem_prefault(p, p + size);
	mem_prefault_drain();
	if (check)
		assert_int_equal(present(p, size), size / page_size());
	assert_int_equal(p[size - 1], 0); /* made present, not written */
	mem_prefault_forget(p, p + size);
	munmap(p, size);
}

/* More requests than the queue holds (64), none adjoining: every one is honoured, by the
 * thread or by the caller once the queue is full. */
static void test_prefault_many_requests(void **state)
{
	(void)state;
	bool check = can_populate();
	size_t page = page_size(), n = 200;
	char *p = map(n * 2 * page);
	for (size_t i = 0; i < n; i++)
		mem_prefault(p + 2 * i * page, p + (2 * i + 1) * page);
	mem_prefault_drain();
	if (check)
		assert_int_equal(present(p, n * 2 * page), n); /* the gaps stay absent */
	mem_prefault_forget(p, p + n * 2 * page);
	munmap(p, n * 2 * page);
}

/* Memory forgotten, unmapped and mapped again at the same address gets no page from requests
 * made before: 256 MiB asked for, forgotten at once, long before the thread could be done. */
static void test_prefault_forget(void **state)
{
	(void)state;
	bool check = can_populate();
	size_t size = (size_t)256 << 20;
	char *p = map(size);
	mem_prefault(p, p + size);
	mem_prefault_forget(p, p + size);
	munmap(p, size);
#ifdef MAP_FIXED_NOREPLACE
	char *q = mmap(p, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (q != p) {
		print_message("(the address was taken: reuse not checked)\n");
		if (q != MAP_FAILED)
			munmap(q, size);
		return;
	}
	mem_prefault_drain();
	if (check && mem_prefault_async())
		assert_int_equal(present(q, size), 0);
	munmap(q, size);
#endif
}

/* A forked child (a sweep's worker simulates in one) has no prefault thread: what the parent
 * had queued is not its own, and its own requests are still honoured (it starts a thread of
 * its own, or populates itself). A child that hangs is killed by its alarm. */
static void test_prefault_fork(void **state)
{
	(void)state;
	bool check = can_populate();
	size_t big = (size_t)256 << 20, size = (size_t)4 << 20;
	char *p = map(big);
	mem_prefault(p, p + big); /* likely still queued at the fork */
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(20);
		mem_prefault_drain();
		char *q = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);
		if (q == MAP_FAILED)
			_exit(3);
		mem_prefault(q, q + size);
		mem_prefault_drain();
		_exit(check && present(q, size) != size / page_size() ? 4 : 0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	mem_prefault_forget(p, p + big);
	munmap(p, big);
}

int main(int argc, char **argv)
{
	(void)argc;
	/* The first call decides the mode for the process: the same tests with the thread off
	 * run in a child, started with STEPSCOPE_PREFAULT=0 (its counts are printed too). */
	const char *env = getenv("STEPSCOPE_PREFAULT");
	print_message("(prefault thread: %s)\n", mem_prefault_async() ? "on"
						 : env && !strcmp(env, "0")
						     ? "off by the environment"
						     : "off: a single CPU");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_prefault_populates),
	    cmocka_unit_test(test_prefault_many_requests),
	    cmocka_unit_test(test_prefault_forget),
	    cmocka_unit_test(test_prefault_fork),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (!env) {
		fflush(NULL);
		pid_t pid = fork();
		if (pid == 0) {
			setenv("STEPSCOPE_PREFAULT", "0", 1);
			execv("/proc/self/exe", argv);
			_exit(127);
		}
		int status = 0;
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed++;
	}
	return failed;
}
