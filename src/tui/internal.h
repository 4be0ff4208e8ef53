/* Private to tui/: the app state shared by the views, the playback and the key map. */
#ifndef STEPSCOPE_TUI_INTERNAL_H
#define STEPSCOPE_TUI_INTERNAL_H

#include "canvas/status.h"
#include "graph/graph.h"
#include "timeline/timeline.h"
#include "tui/tui.h"

enum tui_pane {
	PANE_GRAPH,
	PANE_TIMELINE,
	PANE_EVENTS,
	PANE_CONC,
	PANE_INSPECT,
	PANE_LOGS,
	PANE_COUNT
};

enum tui_prompt { PROMPT_NONE, PROMPT_FILTER, PROMPT_GOTO, PROMPT_OPEN };

/* What a state looks like at the cursor: counts of its visits by outcome. */
struct tui_state_stat {
	int32_t running, succeeded, caught, failed, aborted, timed_out;
	int32_t fail_pending; /* failures not yet resolved by a success or an exit */
	int32_t it_run, it_ok, it_fail, it_abort;	  /* Map: iterations */
	int32_t length;					  /* Map: items of the last run */
	int32_t runs, runs_ok, runs_failed, runs_aborted; /* Distributed Map: Map Runs */
	enum canvas_role last;				  /* the most recent outcome */
	struct graph_node *node;			  /* borrowed, NULL when not in the graph */
	bool looked_up;
};

/* Playback state: the cursor and what the events up to it did. */
struct tui_play {
	int64_t t;  /* cursor, ms of virtual time */
	size_t pos; /* events applied: ids 1..pos have t_ms <= t */
	bool playing;
	int speed;    /* index into the speed table; the last entry is "max" */
	double carry; /* fractional ms not yet applied */
	bool to_end;  /* End on a live run: the producer runs ahead a slice per tick */
	VEC(struct tui_state_stat) states; /* by interned state name */
	VEC(ev_str_t) open_in_item;	   /* innermost open state of each Map iteration */
	enum tl_exec_status exec;	   /* at the cursor */
};

struct tui_app {
	struct tui_source src;
	struct tui_hooks hooks;
	struct tui_options opt;
	struct ev_log *log; /* borrowed from the producer */
	struct tl_index *tl;
	struct graph *graph;
	struct graph_layout *layout;
	bool graph_from_log; /* no definition: the graph was recovered from the history */
	struct tui_play play;

	enum tui_pane focus;
	bool hidden[PANE_COUNT];
	int maximized; /* a pane, or -1 */
	bool help;
	bool quit;
	char message[200];
	struct canvas_rect rect[PANE_COUNT]; /* where each pane was drawn last (w = 0: not) */
	int width, height;

	enum tui_prompt prompt;
	char input[256];

	/* graph */
	const struct graph_node *gsel;
	int gpan_x, gpan_y;
	bool gfollow; /* pan to the selection automatically */
	int gox, goy; /* where the layout's origin was drawn last (for mouse hits) */
	/* timeline */
	size_t trow, ttop; /* selected row, first visible row */
	bool tfollow;	   /* keep the newest started rows in view (until the user scrolls) */
	int64_t t0, t1;	   /* the time window; t1 <= t0 means "fit all" */
	/* events */
	int64_t esel; /* selected event id; 0 = follow the cursor */
	char filter[128];
	VEC(int64_t) matches; /* ids matching the filter, ascending */
	size_t matched_upto;  /* events checked so far */
	/* concurrency: per series, the complete segments up to the cursor (kept across frames) */
	struct conc_cache {
		size_t done;  /* points whose segment ends at or before the cursor */
		double area;  /* value × time over those segments */
		int32_t peak; /* over those points */
	} conc[TL_SERIES_COUNT];
	/* inspector */
	enum tui_pane inspect_from;
	int iscroll;
	bool unfold; /* inspector: JSON fully unfolded */
	int lscroll;
	bool logs_all; /* logs: every line, not only the selected iteration's */
	size_t efirst; /* events: the list entry drawn on the first row */
	/* lesson (src.lesson): the next pause to stop at, the note shown, the last keys */
	size_t lnext;
	int lnote; /* index of the pause whose note is shown, -1 = none */
	char keys_seen[40];
	/* compare mode (src.versus): B's app over the shared cursor (play.t of both sides is the
	 * shared time, even past a side's own end), the shared window, the side keys go to */
	struct tui_app *peer;
	char side;	  /* 'A' or 'B' in compare mode, 0 otherwise */
	int cside;	  /* 0 = A, 1 = B: where j/k go */
	int64_t cw0, cw1; /* the shared window; cw1 <= cw0 means "fit both" */
	/* the concurrency charts' least full scale (compare mode: both sides' highest value, so
	 * equal heights mean equal concurrency); 0 = the chart's own */
	int32_t conc_floor[TL_SERIES_COUNT];
	bool peaks_known; /* compare mode: conc_floor measured over two finished logs */
};

/* ---- lesson.c ---- */
/* After a (re)load: focus, time window, pauses re-armed. */
void lesson_on_load(struct tui_app *app);
/* After playback moved forward: stops at the next pause point when it was passed. */
void lesson_check_pause(struct tui_app *app);
/* Re-arms the pauses at or after the cursor (after a seek back). */
void lesson_rearm(struct tui_app *app);
/* Rows the explanation pane takes in a w × h frame (0 outside a lesson). */
int lesson_pane_height(struct tui_app *app, int w, int h);
void view_lesson(struct tui_app *app, struct canvas *c, struct canvas_rect r);
/* Remembers a key for presenter mode's "keys:" display. */
void lesson_note_key(struct tui_app *app, int key);

/* ---- compare mode (v_compare.c) ---- */
/* After a (re)load: B's app when src.versus is set. */
void compare_load(struct tui_app *app);
void compare_unload(struct tui_app *app);
/* Playback and timeline keys of the compare view; true when handled. */
bool compare_key(struct tui_app *app, int key);
/* A click selects a side and a row there; the wheel scrolls the selected side's rows. */
void compare_mouse(struct tui_app *app, int x, int y, int button);
/* Moves the shared cursor of both sides to t (clamped to [0, the longer end]). */
void compare_seek(struct tui_app *app, int64_t t);
void compare_seek_end(struct tui_app *app);
void compare_tick(struct tui_app *app, int64_t real_ms);
/* True when both executions are finished and the cursor is at the later end. */
bool compare_at_end(const struct tui_app *app);
/* The header row and the deltas rows (returns the rows used: 2 or 3); both sides in r. */
int compare_header(struct tui_app *app, struct canvas *c, int w);
void compare_body(struct tui_app *app, struct canvas *c, struct canvas_rect r);
/* The compare view's key help ("key\tdescription", NULL-terminated; borrowed). */
const char *const *compare_help(void);

/* ---- play.c ---- */
void play_reset(struct tui_app *app);
/* Moves the cursor to t (clamped to >= 0), applying or rewinding events. */
void play_seek(struct tui_app *app, int64_t t);
/* Moves to the next / previous event. */
void play_step(struct tui_app *app, int dir);
/* The execution's total duration so far (the end when finished). */
int64_t play_total(const struct tui_app *app);
/* True when the producer is finished and the cursor is at its end. */
bool play_at_end(const struct tui_app *app);
const char *play_speed_name(int speed);
/* End: a finished run jumps there; a live one runs ahead a slice per tick (to_end). */
void play_to_end(struct tui_app *app);
/* Fraction of Map rows finished (0..1), or -1 without rows: the run-ahead progress bar. */
double play_progress(const struct tui_app *app);
/* + / = one speed up, - / _ one down (both views' playback keys); false for other keys. */
bool play_speed_key(struct tui_play *p, int key);
/* The table's speed at or just below `speed` (a config's simulation.speed). */
int play_nearest_speed(double speed);
/* Virtual ms that real_ms of wall time play at the current speed, for a run of total_ms
 * (finished or not); keeps the fractional rest in play.carry. */
int64_t play_advance_ms(struct tui_app *app, int64_t real_ms, int64_t total_ms, bool fin);
/* The slowest speed (1x at least) that plays total_ms in about ten seconds. */
int play_default_speed(int64_t total_ms, bool synthetic);
/* The status role of a state at the cursor (CANVAS_DEFAULT when not reached). */
enum canvas_role play_state_role(const struct tui_state_stat *s);
/* Pushes the cursor statuses onto the graph nodes. */
void play_color_graph(struct tui_app *app);

/* ---- draw helpers (frame.c) ---- */
/* u when Unicode is allowed, else a (ASCII). */
uint32_t tui_glyph(const struct tui_app *app, uint32_t u, uint32_t a);
/* Formats t as "1.234s", "2m03s", "1h02m"; buf of at least 24 bytes. */
void tui_fmt_time(int64_t ms, char *buf, size_t size);
/* Draws a pane's border and title; returns the inside rectangle. */
struct canvas_rect tui_pane_box(struct tui_app *app, struct canvas *c, enum tui_pane p,
				struct canvas_rect r, const char *extra);
const char *tui_pane_name(enum tui_pane p);
/* The glyph of a status role (the role of a timeline status is canvas_status_role). */
uint32_t tui_status_glyph(const struct tui_app *app, enum canvas_role role);

/* A graph of the states a finished log visited (graph_log.c); NULL when none. Owned by the
 * caller. */
struct graph *tui_graph_from_log(const struct ev_log *log);

/* ---- inspector lines (v_inspect.c) ---- */
struct tui_line {
	char *text; /* owned */
	enum canvas_role role;
	bool json; /* drawn with JSON syntax roles */
	int indent;
};
struct tui_lines {
	VEC(struct tui_line) v;
	int fold; /* containers deeper than this are folded ({…} N keys); < 0: none */
};
void lines_add(struct tui_lines *l, enum canvas_role role, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* The data-flow steps of the latest visit of state node at the cursor (v_flow.c). */
void inspect_flow(struct tui_app *app, struct tui_lines *l, const struct graph_node *n);

/* ---- views ---- */
void view_graph(struct tui_app *app, struct canvas *c, struct canvas_rect r);
void view_timeline(struct tui_app *app, struct canvas *c, struct canvas_rect r);
void view_events(struct tui_app *app, struct canvas *c, struct canvas_rect r);
void view_conc(struct tui_app *app, struct canvas *c, struct canvas_rect r);
void view_inspect(struct tui_app *app, struct canvas *c, struct canvas_rect r);
void view_logs(struct tui_app *app, struct canvas *c, struct canvas_rect r);
void view_help(struct tui_app *app, struct canvas *c);

/* ---- timeline (v_timeline.c) ---- */
/* The time window in effect: the zoomed one, or everything so far ("fit all"). */
void timeline_window(struct tui_app *app, int64_t *t0, int64_t *t1);
/* Moves the cursor to the next (dir 1) / previous (-1) span start of the selected row. */
void timeline_jump(struct tui_app *app, int dir);
/*
 * The window keys the timeline and the compare view share: > < zoom in / out around the cursor
 * `mid` (to 10 ms at the least, back to "fit all" once the window would hold `total` and a
 * margin), h l Left Right pan by a quarter of the window (never before 0), f fit all.
 * *w0, *w1 (borrowed) are the view's own window, both 0 for "fit all"; [t0, t1) is the window in
 * effect. False, and nothing changed, for any other key.
 */
bool timeline_window_key(int64_t *w0, int64_t *w1, int64_t t0, int64_t t1, int64_t mid,
			 int64_t total, int key);
/* The label column width of the timeline for a pane of inner width w (the concurrency
 * chart uses it too so that times line up). */
int timeline_label_width(int w);

/* Moves the cursor to the next / previous visit of the selected state (v_graph.c). */
void graph_jump(struct tui_app *app, int dir);

/* ---- keys (keys.c) per pane; return true when handled ---- */
bool keys_graph(struct tui_app *app, int key);
bool keys_timeline(struct tui_app *app, int key);
bool keys_events(struct tui_app *app, int key);
bool keys_scroll(struct tui_app *app, int key);
/* Events: recomputes the filter matches (after a filter change) and extends them. */
void events_update_matches(struct tui_app *app, bool reset);
/* A mouse click on row `row` (0 = first inside the box) of the events pane. */
void events_click(struct tui_app *app, int row);
/* The event the events pane has selected (follows the cursor), or NULL; its id in *id. */
const struct ev *events_selected(struct tui_app *app, int64_t *id);

#endif
