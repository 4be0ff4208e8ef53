/*
 * Helpers shared by the timeline unit tests: build logs by hand, index them, look at rows.
 * Everything is static inline so a test file that uses only part of it compiles cleanly.
 */
#ifndef STEPSCOPE_TEST_TL_BUILD_H
#define STEPSCOPE_TEST_TL_BUILD_H

#include <stdlib.h>
#include <string.h>

#include "timeline/timeline.h"

static inline int64_t add(struct ev_log *log, enum ev_type type, int64_t prev, int64_t t,
			  const char *state, int item)
{
	struct ev e = {.type = type, .prev = prev, .t_ms = t, .item = item};
	e.state = ev_log_intern(log, state);
	return ev_log_append(log, &e);
}

static inline int64_t add_err(struct ev_log *log, enum ev_type type, int64_t prev, int64_t t,
			      const char *state, int item, const char *error)
{
	struct ev e = {.type = type, .prev = prev, .t_ms = t, .item = item};
	e.state = ev_log_intern(log, state);
	struct ev_detail d = {.error = ev_log_intern(log, error)};
	e.detail = ev_log_detail(log, &d);
	return ev_log_append(log, &e);
}

/* A ...StateEntered with its input given as JSON text. */
static inline int64_t enter(struct ev_log *log, enum ev_type type, int64_t prev, int64_t t,
			    const char *state, int item, const char *input)
{
	struct ev e = {.type = type, .prev = prev, .t_ms = t, .item = item};
	e.state = ev_log_intern(log, state);
	e.payload = input ? json_loads(input, JSON_DECODE_ANY, NULL) : NULL;
	return ev_log_append(log, &e);
}

static inline int64_t map_started(struct ev_log *log, int64_t prev, int64_t t, const char *state,
				  int item, int length)
{
	struct ev e = {.type = EV_MapStateStarted, .prev = prev, .t_ms = t, .item = item};
	e.state = ev_log_intern(log, state);
	struct ev_detail d = {.extra = json_pack("{s:i}", "length", length)};
	e.detail = ev_log_detail(log, &d);
	json_decref(d.extra); /* the log holds its own */
	return ev_log_append(log, &e);
}

static const char *const seed_items[] = {"{\"S\": \"Computer Science\"}", "{\"S\": \"Economics\"}",
					 "{\"S\": \"Mathematics\"}"};

/* ReadDDBTable (Task) then MapState over 3 items; returns the MapStateStarted id. */
static inline int64_t seed_head(struct ev_log *log)
{
	add(log, EV_ExecutionStarted, 0, 0, NULL, -1);
	int64_t e = enter(log, EV_TaskStateEntered, 0, 10, "ReadDDBTable", -1, "{}");
	e = add(log, EV_TaskScheduled, e, 20, "ReadDDBTable", -1);
	e = add(log, EV_TaskStarted, e, 30, "ReadDDBTable", -1);
	e = add(log, EV_TaskSucceeded, e, 100, "ReadDDBTable", -1);
	e = add(log, EV_TaskStateExited, e, 110, "ReadDDBTable", -1);
	e = enter(log, EV_MapStateEntered, e, 120, "MapState", -1, "[]");
	return map_started(log, e, 130, "MapState", -1, 3);
}

/* The end of the seed run after the last MapIterationSucceeded `last`. */
static inline void seed_tail(struct ev_log *log, int64_t last, int64_t t)
{
	add(log, EV_MapStateSucceeded, last, t, "MapState", -1);
	int64_t e = add(log, EV_MapStateExited, last, t, "MapState", -1);
	add(log, EV_ExecutionSucceeded, e, t + 10, NULL, -1);
}

/*
 * The seed with MaxConcurrency 1 (seed.md): each iteration Pass -> Wait 2 s -> LambdaInvoke,
 * one after the other; MapIterationStarted(i+1) points at the last inner event of i (a.5).
 */
static inline struct ev_log *seed_sequential(void)
{
	struct ev_log *log = ev_log_new();
	int64_t prev = seed_head(log), t = 140, last = 0;
	for (int i = 0; i < 3; i++) {
		int64_t it = add(log, EV_MapIterationStarted, prev, t, "MapState", i);
		int64_t e =
		    enter(log, EV_PassStateEntered, it, t + 5, "MapPassState", i, seed_items[i]);
		e = add(log, EV_PassStateExited, e, t + 10, "MapPassState", i);
		e = enter(log, EV_WaitStateEntered, e, t + 15, "WaitInMap", i, seed_items[i]);
		e = add(log, EV_WaitStateExited, e, t + 2015, "WaitInMap", i);
		e = enter(log, EV_TaskStateEntered, e, t + 2020, "LambdaInvoke", i, seed_items[i]);
		e = add(log, EV_TaskScheduled, e, t + 2025, "LambdaInvoke", i);
		e = add(log, EV_TaskStarted, e, t + 2050, "LambdaInvoke", i);
		e = add(log, EV_TaskSucceeded, e, t + 2400, "LambdaInvoke", i);
		e = add(log, EV_TaskStateExited, e, t + 2410, "LambdaInvoke", i);
		last = add(log, EV_MapIterationSucceeded, e, t + 2410, "MapState", i);
		prev = e;
		t += 2420;
	}
	seed_tail(log, last, t);
	return log;
}

/* The seed with MaxConcurrency 3: all iterations start at once and interleave (a.6). */
static inline struct ev_log *seed_concurrent(void)
{
	struct ev_log *log = ev_log_new();
	int64_t ms = seed_head(log), cur[3], last = 0;
	for (int i = 0; i < 3; i++)
		cur[i] = add(log, EV_MapIterationStarted, ms, 140, "MapState", i);
	static const struct {
		enum ev_type type;
		const char *state;
		int64_t t;
	} steps[] = {
	    {EV_PassStateEntered, "MapPassState", 145},	 {EV_PassStateExited, "MapPassState", 150},
	    {EV_WaitStateEntered, "WaitInMap", 155},	 {EV_WaitStateExited, "WaitInMap", 2155},
	    {EV_TaskStateEntered, "LambdaInvoke", 2160}, {EV_TaskScheduled, "LambdaInvoke", 2165},
	    {EV_TaskStarted, "LambdaInvoke", 2190},	 {EV_TaskSucceeded, "LambdaInvoke", 2600},
	    {EV_TaskStateExited, "LambdaInvoke", 2610},
	};
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++)
		for (int i = 0; i < 3; i++)
			cur[i] =
			    enter(log, steps[s].type, cur[i], steps[s].t + i, steps[s].state, i,
				  steps[s].type == EV_PassStateEntered ? seed_items[i] : NULL);
	for (int i = 0; i < 3; i++)
		last = add(log, EV_MapIterationSucceeded, cur[i], 2620 + i, "MapState", i);
	seed_tail(log, last, 2630);
	return log;
}

static inline struct tl_index *index_of(struct ev_log *log)
{
	struct tl_index *idx = tl_index_new(log);
	tl_index_update(idx);
	return idx;
}

static inline char *dump_of(const struct tl_index *idx)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	tl_index_dump(idx, f);
	fclose(f);
	return buf;
}

static const struct tl_span *spans_of(const struct tl_index *idx, size_t disp, size_t *n)
{
	return tl_index_spans(idx, tl_index_row(idx, disp)->id, n);
}

#endif
