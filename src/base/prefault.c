/*
 * Pages made present ahead of their first use, on a thread of their own.
 *
 * A 100,000-item simulation first touches about 100 MB. Making those 4 KiB pages present
 * (allocating, clearing and charging each one: MADV_POPULATE_WRITE) took a third of its run
 * even in bulk, all of it on the simulating thread. The arenas know the memory they will cut
 * next, so a second thread makes it present while the first one works. Measured at 100,000
 * items on an idle 2-CPU VM (perf stat -r 10, elapsed): 78.5-79.8 ms with the thread off,
 * 70.0-76.6 ms with it. Less than the third it does: the simulation still outruns it at
 * the start of a run, when it allocates fastest, and then faults those pages in itself (a
 * lead of 8-32 MiB, or this thread also populating the piece it enters, measured no better;
 * a shorter one, 2 MiB, measured better: see arena.c's ahead()).
 * With a single CPU to run on, or STEPSCOPE_PREFAULT=0, the caller's thread populates as
 * before.
 *
 * It is advice only: a page the worker has not reached yet is faulted in by its first touch
 * as always. But memory must not be unmapped, moved or freed while the worker may populate
 * it (a new mapping at the same address would get pages it did not ask for): whoever gives
 * such memory back calls mem_prefault_forget first.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* sched_getaffinity */
#endif
#include "base.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The worker populates this much per call, so that whoever waits for it (forget, or mmap and
 * munmap, which wait for the address-space lock it holds) waits little. */
#define PIECE ((size_t)256 << 10)
/* Requests waiting; a full queue is populated by the caller instead. */
#define QUEUE 64

struct range {
	char *from, *to;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t work, idle;
	struct range queue[QUEUE];
	unsigned head, count;
	struct range busy; /* what the worker populates now, without the lock */
	atomic_int mode;   /* 0: not decided yet; 1: the worker runs; -1: callers populate */
} pf = {.mu = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER};

void mem_populate(void *from_, void *to_)
{
	char *from = from_, *to = to_;
#ifdef MADV_POPULATE_WRITE
	int saved = errno;
	if (to > from)
		madvise(from, (size_t)(to - from), MADV_POPULATE_WRITE);
	errno = saved;
#else
	(void)from;
	(void)to;
#endif
}

static bool overlaps(struct range r, const char *from, const char *to)
{
	return r.from < to && from < r.to;
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pf.mu);
	for (;;) {
		while (!pf.count)
			pthread_cond_wait(&pf.work, &pf.mu);
		struct range *r = &pf.queue[pf.head];
		struct range piece = {r->from, r->to};
		if ((size_t)(r->to - r->from) > PIECE)
			piece.to = r->from + PIECE;
		r->from = piece.to;
		if (r->from >= r->to) {
			pf.head = (pf.head + 1) % QUEUE;
			pf.count--;
		}
		pf.busy = piece;
		pthread_mutex_unlock(&pf.mu);
		mem_populate(piece.from, piece.to);
		pthread_mutex_lock(&pf.mu);
		pf.busy = (struct range){NULL, NULL};
		pthread_cond_broadcast(&pf.idle);
	}
	return NULL;
}

/* Whether another CPU can run the worker: with one only, it would just take turns with the
 * caller and add its switches. */
static bool second_cpu(void)
{
#if defined(__linux__) && defined(CPU_COUNT)
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		return CPU_COUNT(&set) > 1;
#endif
	return false;
}

/* fork: the child has no worker, so it must not inherit its queue, its piece in progress or
 * its lock (held by the worker between pieces); it starts a worker of its own if it needs one
 * (a sweep's workers simulate in forked children). */
static void fork_prepare(void)
{
	pthread_mutex_lock(&pf.mu);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&pf.mu);
}

static void fork_child(void)
{
	pf.head = pf.count = 0;
	pf.busy = (struct range){NULL, NULL};
	atomic_store(&pf.mode, 0);
	pthread_mutex_unlock(&pf.mu);
}

/* Under the lock: starts the worker once, when it pays and the environment allows it. */
static bool worker_running(void)
{
	if (pf.mode)
		return pf.mode > 0;
	int saved = errno;
	const char *env = getenv("STEPSCOPE_PREFAULT");
	pf.mode = -1;
	if (!(env && strcmp(env, "0") == 0) && second_cpu()) {
		/* Every signal blocked: the terminal's and the user's go to the main thread. */
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		pthread_attr_t attr;
		pthread_t t;
		if (pthread_attr_init(&attr) == 0) {
			pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
			pthread_attr_setstacksize(&attr, (size_t)64 << 10);
			static bool forks_handled;
			if (!forks_handled)
				forks_handled =
				    pthread_atfork(fork_prepare, fork_parent, fork_child) == 0;
			if (forks_handled && pthread_create(&t, &attr, worker, NULL) == 0)
				pf.mode = 1;
			pthread_attr_destroy(&attr);
		}
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	errno = saved;
	return pf.mode > 0;
}

bool mem_prefault_async(void)
{
	int mode = atomic_load_explicit(&pf.mode, memory_order_relaxed);
	if (mode)
		return mode > 0;
	pthread_mutex_lock(&pf.mu);
	bool on = worker_running();
	pthread_mutex_unlock(&pf.mu);
	return on;
}

void mem_prefault(void *from, void *to)
{
	char *f = from, *t = to;
	if (t <= f)
		return;
	pthread_mutex_lock(&pf.mu);
	bool queued = false;
	if (worker_running()) {
		struct range *last = pf.count ? &pf.queue[(pf.head + pf.count - 1) % QUEUE] : NULL;
		if (last && last->to == f) {
			last->to = t; /* the same arena's next stretch of pages */
			queued = true;
		} else if (pf.count < QUEUE) {
			pf.queue[(pf.head + pf.count++) % QUEUE] = (struct range){f, t};
			queued = true;
		}
		if (queued)
			pthread_cond_signal(&pf.work);
	}
	pthread_mutex_unlock(&pf.mu);
	if (!queued)
		mem_populate(f, t);
}

void mem_prefault_forget(void *from, void *to)
{
	char *f = from, *t = to;
	pthread_mutex_lock(&pf.mu);
	if (pf.mode > 0) {
		/* Requests are whole stretches or parts of one, and stretches are given back
		 * whole: any overlap is dropped entirely (the worker skips an empty request). */
		for (unsigned i = 0; i < pf.count; i++) {
			struct range *r = &pf.queue[(pf.head + i) % QUEUE];
			if (overlaps(*r, f, t))
				r->from = r->to;
		}
		while (overlaps(pf.busy, f, t))
			pthread_cond_wait(&pf.idle, &pf.mu);
	}
	pthread_mutex_unlock(&pf.mu);
}

void mem_prefault_drain(void)
{
	pthread_mutex_lock(&pf.mu);
	while (pf.mode > 0 && (pf.count || pf.busy.from))
		pthread_cond_wait(&pf.idle, &pf.mu);
	pthread_mutex_unlock(&pf.mu);
}
