/*
 * tui app tests without a terminal: keys fed with tui_app_key, frames rendered into a canvas.
 * A live producer generates a large Map run lazily, so these also check that playback only
 * advances the producer as far as the cursor needs, and that a 100,000-item frame is cheap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tui/internal.h"
#include "tui/tui.h"

/* ---- a live producer: N items, C at a time, one batch every 100 ms ---- */

struct gen {
	struct ev_log *log;
	int items, conc, next; /* next item to start */
	int64_t map_ev;
	bool done;
};

static int64_t put(struct ev_log *log, enum ev_type type, int64_t prev, int64_t t,
		   const char *state, int item)
{
	struct ev e = {.type = type, .prev = prev, .t_ms = t, .item = item};
	e.state = ev_log_intern(log, state);
	if (type == EV_MapStateStarted) {
		struct ev_detail d = {.extra = json_pack("{s:i}", "length", item)};
		e.detail = ev_log_detail(log, &d);
		json_decref(d.extra);
	}
	if (type == EV_MapStateStarted)
		e.item = -1;
	return ev_log_append(log, &e);
}

static void gen_head(struct gen *g)
{
	put(g->log, EV_ExecutionStarted, 0, 0, NULL, -1);
	int64_t e = put(g->log, EV_MapStateEntered, 1, 0, "MapState", -1);
	g->map_ev = put(g->log, EV_MapStateStarted, e, 0, "MapState", g->items);
}

static void gen_batch(struct gen *g)
{
	static const struct {
		enum ev_type type;
		const char *state;
		int dt;
	} steps[] = {{EV_MapIterationStarted, "MapState", 1},	{EV_PassStateEntered, "Prep", 2},
		     {EV_PassStateExited, "Prep", 3},		{EV_TaskStateEntered, "Invoke", 4},
		     {EV_TaskScheduled, "Invoke", 5},		{EV_TaskStarted, "Invoke", 10},
		     {EV_TaskSucceeded, "Invoke", 90},		{EV_TaskStateExited, "Invoke", 91},
		     {EV_MapIterationSucceeded, "MapState", 92}};
	int first = g->next, n = g->items - first < g->conc ? g->items - first : g->conc;
	int64_t t0 = (int64_t)(first / g->conc) * 100, prev[64];
	for (int i = 0; i < n; i++)
		prev[i] = g->map_ev;
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++)
		for (int i = 0; i < n; i++)
			prev[i] = put(g->log, steps[s].type, prev[i], t0 + steps[s].dt,
				      steps[s].state, first + i);
	g->next += n;
	if (g->next >= g->items) {
		int64_t t = t0 + 95;
		put(g->log, EV_MapStateSucceeded, prev[n - 1], t, "MapState", -1);
		int64_t e = put(g->log, EV_MapStateExited, prev[n - 1], t, "MapState", -1);
		put(g->log, EV_ExecutionSucceeded, e, t + 1, NULL, -1);
		g->done = true;
	}
}

static bool gen_advance_to(void *self, int64_t t)
{
	struct gen *g = self;
	while (!g->done && (int64_t)(g->next / g->conc) * 100 <= t)
		gen_batch(g);
	return true;
}

static bool gen_step(void *self)
{
	struct gen *g = self;
	if (g->done)
		return false;
	gen_batch(g);
	return true;
}

static bool gen_finished(const void *self)
{
	return ((const struct gen *)self)->done;
}

static const char *gen_describe(const void *self)
{
	(void)self;
	return "test generator";
}

static const struct ev_producer_ops gen_ops = {gen_advance_to, gen_step, gen_finished,
					       gen_describe};

struct fixture {
	struct gen g;
	struct ev_producer p;
	struct tui_app *app;
	struct canvas *c;
};

static struct fixture *fixture_new(int items, int conc, int w, int h)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->g.log = ev_log_new();
	f->g.items = items;
	f->g.conc = conc;
	gen_head(&f->g);
	f->p = (struct ev_producer){.ops = &gen_ops, .self = &f->g, .log = f->g.log};
	struct tui_source src = {.producer = &f->p, .machine_name = "Gen", .max_concurrency = conc};
	struct tui_options opt = {.paused = true};
	f->app = tui_app_new(&src, NULL, &opt);
	f->c = canvas_new(w, h, false);
	return f;
}

static void fixture_free(struct fixture *f)
{
	tui_app_free(f->app);
	canvas_free(f->c);
	ev_log_free(f->g.log);
	free(f);
}

static char *frame(struct fixture *f)
{
	tui_app_render(f->app, f->c);
	return canvas_dump_text(f->c);
}

static void test_key_parse(void **state)
{
	(void)state;
	const char *s = "a<Tab><Enter>é<lt><Nope>";
	assert_int_equal(tui_key_parse(&s), 'a');
	assert_int_equal(tui_key_parse(&s), TUI_KEY_TAB);
	assert_int_equal(tui_key_parse(&s), TUI_KEY_ENTER);
	assert_int_equal(tui_key_parse(&s), 0xE9);
	assert_int_equal(tui_key_parse(&s), '<');
	assert_int_equal(tui_key_parse(&s), -2);
	assert_int_equal(tui_key_parse(&s), -1);
}

/* The producer is asked only for what the cursor needs: a 1,000-batch run shows at once. */
static void test_advances_lazily(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(10000, 10, 120, 40);
	size_t at_start = ev_log_count(f->g.log);
	assert_true(at_start < 200); /* the head and the first batch only */
	tui_app_seek(f->app, 250);   /* three batches */
	assert_true(ev_log_count(f->g.log) < 400);
	assert_false(gen_finished(&f->g));
	char *text = frame(f);
	assert_non_null(strstr(text, "RUNNING"));
	assert_non_null(strstr(text, "t=0.250s"));
	free(text);
	fixture_free(f);
}

/* Rewinding replays the log from the start: the counters match a fresh run. */
static void test_rewind(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(30, 10, 120, 40);
	tui_app_seek_end(f->app);
	char *end = frame(f);
	assert_non_null(strstr(end, "SUCCEEDED"));
	assert_non_null(strstr(end, "31 rows"));
	assert_non_null(strstr(end, "following  "));
	tui_app_key(f->app, TUI_KEY_HOME);
	char *start = frame(f);
	assert_null(strstr(start, "SUCCEEDED"));
	assert_non_null(strstr(start, "t=0.000s"));
	/* Stepping forward then back lands on the same frame. */
	tui_app_key(f->app, '.');
	tui_app_key(f->app, ',');
	char *again = frame(f);
	assert_string_equal(start, again);
	free(end);
	free(start);
	free(again);
	fixture_free(f);
}

/* 100,000 items at 200x50: the frame is complete and cheap (visible rows only). */
static void test_large_frame(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(100000, 50, 200, 50);
	tui_app_seek_end(f->app);
	char *text = frame(f);
	assert_non_null(strstr(text, "100001 rows"));
	assert_non_null(strstr(text, "SUCCEEDED"));
	free(text);
	/* Scroll to the bottom of the timeline and render again. */
	tui_app_key(f->app, '2');
	for (int i = 0; i < 5; i++)
		tui_app_key(f->app, TUI_KEY_PGDN);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 10; i++)
		tui_app_render(f->app, f->c);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ms =
	    ((double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6) / 10;
	printf("# 200x50 frame, 100000 items: %.3f ms\n", ms);
	/* Generous bound (sanitizer builds are slow): catches a per-frame pass over all rows
	 * or events, which costs far more. */
	assert_true(ms < 60);
	text = canvas_dump_text(f->c);
	assert_non_null(strstr(text, "#"));
	free(text);
	fixture_free(f);
}

/* Keys without a terminal: focus, maximize, hide, too small, quit. */
static void test_keys(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(20, 5, 100, 30);
	char *text = frame(f);
	assert_non_null(strstr(text, "1 Graph"));
	assert_non_null(strstr(text, "2 Timeline"));
	free(text);
	assert_true(tui_app_key(f->app, '2'));
	assert_true(tui_app_key(f->app, 'z'));
	text = frame(f);
	assert_null(strstr(text, "1 Graph"));
	assert_non_null(strstr(text, "2 Timeline"));
	free(text);
	tui_app_key(f->app, TUI_KEY_ESC); /* back from the maximized pane */
	tui_app_key(f->app, '1');
	tui_app_key(f->app, 'x'); /* hide the graph */
	text = frame(f);
	assert_null(strstr(text, "1 Graph"));
	assert_non_null(strstr(text, "3 Events"));
	free(text);
	tui_app_key(f->app, '?');
	text = frame(f);
	assert_non_null(strstr(text, "Keys:"));
	free(text);
	tui_app_key(f->app, 'j'); /* any key closes the help */
	canvas_resize(f->c, 79, 24);
	text = frame(f);
	assert_non_null(strstr(text, "terminal too small"));
	free(text);
	assert_false(tui_app_key(f->app, 'q'));
	fixture_free(f);
}

/* Playing advances virtual time by speed x wall time, and stops at the end. */
static void test_play(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(20, 5, 100, 30);
	tui_app_key(f->app, ' ');
	assert_true(tui_app_playing(f->app));
	char *text = frame(f);
	assert_non_null(strstr(text, "playing 1x")); /* a live run starts at 1x */
	free(text);
	tui_app_key(f->app, '+');
	tui_app_key(f->app, '+');
	text = frame(f);
	assert_non_null(strstr(text, "playing 5x"));
	free(text);
	tui_app_key(f->app, '-');
	tui_app_key(f->app, '-');
	tui_app_tick(f->app, 150); /* 1x: 150 ms of virtual time */
	text = frame(f);
	assert_non_null(strstr(text, "t=0.150s"));
	assert_non_null(strstr(text, "playing 1x"));
	free(text);
	for (int i = 0; i < 100 && tui_app_playing(f->app); i++)
		tui_app_tick(f->app, 100);
	assert_false(tui_app_playing(f->app));
	text = frame(f);
	assert_non_null(strstr(text, "SUCCEEDED"));
	free(text);
	fixture_free(f);
}

/* Where `needle` is on screen (first match), as a cell position; false when absent. */
static bool find_cell(struct canvas *c, const char *needle, int *x, int *y)
{
	char *text = canvas_dump_text(c);
	bool found = false;
	int row = 0;
	for (char *line = text; line && *line && !found; row++) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *hit = strstr(line, needle);
		if (hit) {
			char save = *hit;
			*hit = '\0';
			*x = canvas_str_width(line);
			*hit = save;
			*y = row;
			found = true;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	return found;
}

/* Mouse: a click selects the timeline row under it; Enter then inspects that row. */
static void test_mouse(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(20, 5, 120, 40);
	tui_app_seek_end(f->app);
	tui_app_render(f->app, f->c);
	int x = -1, y = -1;
	assert_true(find_cell(f->c, "#7 ", &x, &y));
	tui_app_mouse(f->app, x, y, 1);
	tui_app_key(f->app, TUI_KEY_ENTER);
	char *text = frame(f);
	assert_non_null(strstr(text, "5 Inspector"));
	assert_non_null(strstr(text, "Invoke attempt 1: SUCCEEDED"));
	free(text);
	/* The wheel scrolls the pane under the pointer (the timeline moves its selection). */
	tui_app_mouse(f->app, x, y, 5);
	text = frame(f);
	assert_non_null(strstr(text, "#10 "));
	free(text);
	fixture_free(f);
}

/* ---- the compare view: two live producers on one cursor ---- */

struct pair {
	struct gen g[2];
	struct ev_producer p[2];
	struct tui_source src[2];
	struct tui_app *app;
	struct canvas *c;
};

/* A: `items` 10 at a time (batches at 0, 100, 200 ... ms); B: all at once (ends at 96 ms). */
static struct pair *pair_new(int items, int w, int h)
{
	struct pair *f = calloc(1, sizeof(*f));
	static const char *const labels[] = {"ten at a time", "all at once"};
	for (int i = 0; i < 2; i++) {
		f->g[i] = (struct gen){.log = ev_log_new(), .items = items, .conc = i ? items : 10};
		gen_head(&f->g[i]);
		f->p[i] =
		    (struct ev_producer){.ops = &gen_ops, .self = &f->g[i], .log = f->g[i].log};
		f->src[i] = (struct tui_source){
		    .producer = &f->p[i], .max_concurrency = f->g[i].conc, .label = labels[i]};
	}
	f->src[0].versus = &f->src[1];
	f->src[0].deltas = "makespan (test)";
	struct tui_options opt = {.paused = true};
	f->app = tui_app_new(&f->src[0], NULL, &opt);
	f->c = canvas_new(w, h, false);
	return f;
}

static void pair_free(struct pair *f)
{
	tui_app_free(f->app);
	canvas_free(f->c);
	for (int i = 0; i < 2; i++)
		ev_log_free(f->g[i].log);
	free(f);
}

static char *pair_frame(struct pair *f)
{
	tui_app_render(f->app, f->c);
	return canvas_dump_text(f->c);
}

static int count(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* One cursor for both sides: seeks, End, Home and the event steps move both; a side that
 * ended earlier keeps its end while the other goes on; live producers advance lazily. */
static void test_compare_cursor(void **state)
{
	(void)state;
	struct pair *f = pair_new(40, 120, 40);
	assert_true(ev_log_count(f->g[0].log) < 100); /* the head and A's first batch only */
	char *text = pair_frame(f);
	assert_non_null(strstr(text, "stepscope compare"));
	assert_non_null(strstr(text, "A: ten at a time"));
	assert_non_null(strstr(text, "B: all at once"));
	assert_non_null(strstr(text, "makespan (test)"));
	free(text);
	tui_app_seek(f->app, 150);
	assert_false(gen_finished(&f->g[0]));
	text = pair_frame(f);
	assert_non_null(strstr(text, "t=0.150s"));
	assert_non_null(strstr(text, "A ▶ RUNNING │ B ✓ SUCCEEDED"));
	free(text);
	tui_app_key(f->app, TUI_KEY_END); /* A's four batches: the last ends at 396 ms */
	text = pair_frame(f);
	assert_non_null(strstr(text, "t=0.396s / 0.396s"));
	assert_non_null(strstr(text, "A ✓ SUCCEEDED │ B ✓ SUCCEEDED"));
	free(text);
	tui_app_key(f->app, TUI_KEY_HOME);
	tui_app_key(f->app, '.'); /* both batches start with an event at 1 ms */
	text = pair_frame(f);
	assert_non_null(strstr(text, "t=0.001s"));
	assert_non_null(strstr(text, "A ▶ RUNNING │ B ▶ RUNNING"));
	free(text);
	tui_app_key(f->app, ',');
	text = pair_frame(f);
	assert_non_null(strstr(text, "t=0.000s"));
	free(text);
	pair_free(f);
}

/* Space plays both at the shared speed until the longer one ends. */
static void test_compare_play(void **state)
{
	(void)state;
	struct pair *f = pair_new(40, 120, 40);
	tui_app_key(f->app, ' ');
	assert_true(tui_app_playing(f->app));
	tui_app_tick(f->app, 100); /* two live runs start at 1x */
	char *text = pair_frame(f);
	assert_non_null(strstr(text, "t=0.100s"));
	assert_non_null(strstr(text, "playing 1x"));
	assert_non_null(strstr(text, "B ✓ SUCCEEDED"));
	free(text);
	for (int i = 0; i < 100 && tui_app_playing(f->app); i++)
		tui_app_tick(f->app, 100);
	assert_false(tui_app_playing(f->app));
	text = pair_frame(f);
	assert_non_null(strstr(text, "t=0.396s / 0.396s"));
	assert_non_null(strstr(text, "A ✓ SUCCEEDED │ B ✓ SUCCEEDED"));
	free(text);
	pair_free(f);
}

/* > zooms both sides to one window; a click selects side B (heavy border) and a row there
 * (B stops following its newest rows, A does not). */
static void test_compare_zoom_mouse(void **state)
{
	(void)state;
	struct pair *f = pair_new(40, 120, 40);
	tui_app_seek_end(f->app);
	tui_app_key(f->app, '>');
	/* Fit: [0, 396 + 396/50 + 1 = 404]; half of it around the cursor: 295 to 497 ms. */
	char *text = pair_frame(f);
	assert_int_equal(count(text, "0.295s-0.497s"), 2);
	assert_non_null(strstr(text, "┏ A: ten at a time"));
	assert_int_equal(count(text, "(following)"), 2);
	free(text);
	int x = -1, y = -1;
	assert_true(find_cell(f->c, "B: all at once", &x, &y));
	tui_app_mouse(f->app, x, y + 2, 1);
	text = pair_frame(f);
	assert_non_null(strstr(text, "┏ B: all at once"));
	assert_non_null(strstr(text, "┌ A: ten at a time"));
	assert_int_equal(count(text, "(following)"), 1);
	free(text);
	assert_false(tui_app_key(f->app, 'q'));
	pair_free(f);
}

/* The window keys both timelines share, on a bare window: zoom, the way back to "fit all",
 * panning that stops at 0, f, and a key that is not theirs. */
static void test_window_keys(void **state)
{
	(void)state;
	int64_t w0 = 0, w1 = 0;
	/* Fit all of a 1000 ms run shows [0, 1021); > halves it around the cursor at 600. */
	assert_true(timeline_window_key(&w0, &w1, 0, 1021, 600, 1000, '>'));
	assert_int_equal(w0, 345);
	assert_int_equal(w1, 855);
	/* Panning left by a quarter twice would go before 0: it stops there. */
	assert_true(timeline_window_key(&w0, &w1, w0, w1, 600, 1000, 'h'));
	assert_int_equal(w0, 218);
	assert_true(timeline_window_key(&w0, &w1, w0, w1, 600, 1000, TUI_KEY_LEFT));
	assert_int_equal(w0, 91);
	assert_true(timeline_window_key(&w0, &w1, w0, w1, 600, 1000, 'h'));
	assert_int_equal(w0, 0);
	assert_int_equal(w1, 510);
	assert_true(timeline_window_key(&w0, &w1, w0, w1, 600, 1000, 'l'));
	assert_int_equal(w0, 127);
	/* < doubles it (1020 ms) ... which does not yet hold 1000 + 2% + 1: one more goes back. */
	assert_true(timeline_window_key(&w0, &w1, w0, w1, 600, 1000, '<'));
	assert_int_equal(w1 - w0, 1020);
	assert_true(timeline_window_key(&w0, &w1, w0, w1, 600, 1000, '<'));
	assert_true(w0 == 0 && w1 == 0);
	/* Zooming in stops at 10 ms; f fits all again; other keys change nothing. */
	assert_true(timeline_window_key(&w0, &w1, 100, 112, 105, 1000, '>'));
	assert_int_equal(w1 - w0, 10);
	assert_false(timeline_window_key(&w0, &w1, 100, 112, 105, 1000, 'j'));
	assert_int_equal(w1 - w0, 10);
	assert_true(timeline_window_key(&w0, &w1, 100, 112, 105, 1000, 'f'));
	assert_true(w0 == 0 && w1 == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_parse),	 cmocka_unit_test(test_advances_lazily),
	    cmocka_unit_test(test_rewind),	 cmocka_unit_test(test_large_frame),
	    cmocka_unit_test(test_keys),	 cmocka_unit_test(test_play),
	    cmocka_unit_test(test_mouse),	 cmocka_unit_test(test_compare_cursor),
	    cmocka_unit_test(test_compare_play), cmocka_unit_test(test_compare_zoom_mouse),
	    cmocka_unit_test(test_window_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
