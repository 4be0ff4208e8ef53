/*
 * tui — the terminal UI: an execution unfolding on the state graph, per-item timelines,
 * concurrency, events, an inspector and logs, with a playback cursor in virtual time.
 *
 * Owns: the app state machine (panes, focus, selection, playback cursor, prompts), the views
 * (each draws into a canvas, never into curses), the key map and help, and one curses backend
 * (term.c, the only user of curses) that copies a canvas to the screen through a theme.
 *
 * Contract: the app reads a log through a `struct ev_producer` (a simulation or a replay look
 * the same), the model (optional) and a timeline index it keeps itself. It never includes
 * sim/ or history/: the command line builds the producer and passes it in. Everything but
 * tui_run works without a terminal, so tests and benchmarks feed keys (tui_app_key) and
 * render frames (tui_app_render) into a canvas of any size.
 */
#ifndef STEPSCOPE_TUI_H
#define STEPSCOPE_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "canvas/canvas.h"
#include "event/event.h"

struct asl_machine;

/* Keys beyond Unicode; printable keys are their code points, Ctrl-X is 'x' & 0x1f. */
enum {
	TUI_KEY_ESC = 27,
	TUI_KEY_TAB = '\t',
	TUI_KEY_ENTER = '\n',
	TUI_KEY_BACKSPACE = 127,
	TUI_KEY_UP = 0x110000,
	TUI_KEY_DOWN,
	TUI_KEY_LEFT,
	TUI_KEY_RIGHT,
	TUI_KEY_PGUP,
	TUI_KEY_PGDN,
	TUI_KEY_HOME,
	TUI_KEY_END,
	TUI_KEY_BACKTAB,
};

/*
 * Reads one key from a test script at *s (borrowed; advanced): a character, or a name in
 * angle brackets (<Up> <Down> <Left> <Right> <PgUp> <PgDn> <Home> <End> <Tab> <BTab> <Enter>
 * <Esc> <Space> <BS> <lt>). Returns -1 at the end, -2 for an unknown name.
 */
int tui_key_parse(const char **s);

/* One simulated CloudWatch line (the simulator provides them; replays have none). */
struct tui_log_line {
	int64_t t_ms;
	int32_t item; /* Map iteration, -1 outside */
	const char *text;
};

/* Distributed Map child executions by status at a virtual time (the Map Run summary). */
struct tui_child_counts {
	int64_t pending, running, succeeded, failed, aborted;
};

/* A lesson's pause point (see lesson/): at a time, or at the Nth event of a type in a state. */
struct tui_pause {
	int64_t t_ms;	   /* -1: use event */
	const char *event; /* "TaskStarted LambdaInvoke #2" (N from 1) */
	const char *note;  /* may be NULL */
	const char *state; /* graph state to select, NULL = none */
	int32_t row;	   /* timeline row to select, -1 = none */
	const char *pane;  /* pane to focus by name (graph, timeline, ...), NULL = none */
};

/* The lesson step being shown: an explanation pane above the others. Pointers borrowed. */
struct tui_lesson {
	const char *title, *step_title, *text;
	int step, steps; /* step from 1 */
	const struct tui_pause *pauses;
	size_t pause_count;
	const char *focus;   /* pane focused at the start, NULL = default */
	int64_t window_ms;   /* timeline window [0, window_ms]; 0 = fit all */
	const char *compare; /* every step's outcome, one line ("step 1 SUCCEEDED in 6.785s ..."),
				NULL = not shown */
};

/* What the app shows; every pointer borrowed and valid until replaced by a reload. */
struct tui_source {
	struct ev_producer *producer;	 /* required; producer->log is the log */
	const struct asl_machine *model; /* may be NULL (a replay without its definition) */
	const char *machine_name;	 /* may be NULL */
	bool replay;			 /* r/R do nothing for replays */
	int32_t max_concurrency;	 /* MaxConcurrency of the main Map, 0 = none */
	double speed;			 /* initial playback speed (config); 0 = automatic */
	/* CloudWatch lines so far, in time order; NULL = none (replays). */
	const struct tui_log_line *(*logs)(void *ctx, size_t *count);
	void *logs_ctx;
	/* Child executions of Distributed Maps as of t_ms; false (or NULL) when there are none. */
	bool (*children)(void *ctx, int64_t t_ms, struct tui_child_counts *out);
	void *children_ctx;
	const struct tui_lesson *lesson; /* NULL outside a lesson */
	/* A short cost estimate for the header ("cost $0.000276"), or NULL when unknown. */
	const char *(*cost)(void *ctx);
	void *cost_ctx;
	/*
	 * Compare mode: a second execution B, drawn under this one (A) or beside it on a wide
	 * terminal, on one shared time axis and cursor; the playback and zoom keys move both.
	 * NULL = the normal panes. B's own `versus` and `lesson` are ignored.
	 */
	const struct tui_source *versus;
	const char *label;  /* compare mode: this side's title ("scenario ... maxConcurrency=1") */
	const char *deltas; /* compare mode (A only): the line of B - A deltas under the header,
			       NULL = the makespans only */
};

enum tui_reload {
	TUI_RERUN_SAME_SEED,
	TUI_RERUN_NEW_SEED,
	TUI_RELOAD_CONFIG,
	TUI_OPEN_HISTORY,
	TUI_LESSON_NEXT, /* n in a lesson */
	TUI_LESSON_PREV	 /* p in a lesson */
};

/*
 * Supplied by the command line. `reload` fills *out with a new source (the old one stays
 * valid until reload returns true, and is not used afterwards); on false it sets *message
 * (owned by the caller) to say why. `arg` is the path for TUI_OPEN_HISTORY, else NULL.
 */
struct tui_hooks {
	void *ctx;
	bool (*reload)(void *ctx, enum tui_reload what, const char *arg, struct tui_source *out,
		       char **message);
};

enum tui_colors { TUI_COLORS_AUTO, TUI_COLORS_256, TUI_COLORS_16, TUI_COLORS_MONO };

struct tui_options {
	bool ascii;    /* no Unicode glyphs */
	bool no_mouse; /* --no-mouse */
	bool paused;   /* start paused (default: play from the start) */
	bool present;  /* presenter mode: roomier lesson pane, slower, the last keys shown */
	enum tui_colors colors;
};

struct tui_app;

/* A new app over src (copied; its pointers borrowed). Owned by the caller (tui_app_free). */
struct tui_app *tui_app_new(const struct tui_source *src, const struct tui_hooks *hooks,
			    const struct tui_options *opt);
void tui_app_free(struct tui_app *app);
/* Feeds one key; returns false once the app wants to quit. */
bool tui_app_key(struct tui_app *app, int key);
/* A mouse event at screen cell (x, y): button 1 click, 4 wheel up, 5 wheel down. */
void tui_app_mouse(struct tui_app *app, int x, int y, int button);
/* Advances playback by `real_ms` of wall time (no-op while paused). */
void tui_app_tick(struct tui_app *app, int64_t real_ms);
/* True while playing: the loop then wakes up for ticks, otherwise it blocks on input. */
bool tui_app_playing(const struct tui_app *app);
/* Moves the cursor to t_ms (clamped) and pauses. */
void tui_app_seek(struct tui_app *app, int64_t t_ms);
/* Moves the cursor to the end of the execution (advancing a simulation to its end). */
void tui_app_seek_end(struct tui_app *app);
/* Plays until the next lesson pause or the end (at most max_ms of virtual time): for dumps. */
void tui_app_play_to_pause(struct tui_app *app, int64_t max_ms);
/* Renders a full frame of canvas_width × canvas_height (any size; "too small" below 80×24). */
void tui_app_render(struct tui_app *app, struct canvas *c);

/* Feeds a key script (tui_key_parse syntax) until its end or a quit; false on an unknown
 * <name>. */
bool tui_app_feed(struct tui_app *app, const char *keys);
/* Renders one w × h frame and writes its text to out (borrowed), then with `roles` a line
 * "--- roles" and the style roles: the golden-test form. */
void tui_dump_frame(struct tui_app *app, int w, int h, bool ascii, bool roles, FILE *out);
/* Renders `frames` full frames of w × h and returns the mean milliseconds per frame. */
double tui_bench(struct tui_app *app, int w, int h, long frames, bool ascii);

/* Runs the app on the terminal until `q`; returns the exit status (0, or 130 on a signal). */
int tui_run(const struct tui_source *src, const struct tui_hooks *hooks,
	    const struct tui_options *opt);

#endif
