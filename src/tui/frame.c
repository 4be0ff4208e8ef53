/*
 * A full frame: the header, the panes reflowed to the size, the status bar, the help
 * overlay, and the "terminal too small" screen; the small drawing helpers views share; and
 * frames without a terminal (key scripts, the golden-test dump, the frame benchmark).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/internal.h"

enum { MIN_W = 80, MIN_H = 24 };

uint32_t tui_glyph(const struct tui_app *app, uint32_t u, uint32_t a)
{
	return app->opt.ascii ? a : u;
}

void tui_fmt_time(int64_t ms, char *buf, size_t size)
{
	if (ms < 0)
		ms = 0;
	if (ms < 60000)
		snprintf(buf, size, "%" PRId64 ".%03" PRId64 "s", ms / 1000, ms % 1000);
	else if (ms < 3600000)
		snprintf(buf, size, "%" PRId64 "m%02" PRId64 ".%01" PRId64 "s", ms / 60000,
			 ms / 1000 % 60, ms / 100 % 10);
	else
		snprintf(buf, size, "%" PRId64 "h%02" PRId64 "m%02" PRId64 "s", ms / 3600000,
			 ms / 60000 % 60, ms / 1000 % 60);
}

const char *tui_pane_name(enum tui_pane p)
{
	static const char *const names[] = {"Graph",	   "Timeline",	"Events",
					    "Concurrency", "Inspector", "Logs"};
	return p < PANE_COUNT ? names[p] : "?";
}

struct canvas_rect tui_pane_box(struct tui_app *app, struct canvas *c, enum tui_pane p,
				struct canvas_rect r, const char *extra)
{
	bool focused = app->focus == p;
	canvas_box(c, r, focused ? CANVAS_LINE_HEAVY : CANVAS_LINE_LIGHT,
		   focused ? CANVAS_SELECTED : CANVAS_BORDER);
	char title[160];
	int tmax = r.w - 2;
	if (app->side && p == PANE_TIMELINE && app->src.label) {
		/* Compare mode: the side and what it runs; the pane's own info keeps a third. */
		snprintf(title, sizeof(title), " %c: %s ", app->side, app->src.label);
		tmax = r.w * 2 / 3;
	} else if (app->side) {
		snprintf(title, sizeof(title), " %c %s ", app->side, tui_pane_name(p));
	} else {
		snprintf(title, sizeof(title), " %d %s ", (int)p + 1, tui_pane_name(p));
	}
	int tw = canvas_put_str_fit(c, r.x + 1, r.y, tmax, title, CANVAS_TITLE);
	if (extra && *extra) {
		int ew = canvas_str_width(extra) + 2;
		int room = r.w - 3 - tw;
		if (room > 4) {
			int x = ew <= room ? r.x + r.w - 1 - ew : r.x + 2 + tw;
			char *fit = canvas_str_fit(extra, room - 2, app->opt.ascii);
			canvas_put_str(c, x + 1, r.y, fit, CANVAS_INFO);
			free(fit);
		}
	}
	return (struct canvas_rect){r.x + 1, r.y + 1, r.w - 2, r.h - 2};
}

uint32_t tui_status_glyph(const struct tui_app *app, enum canvas_role role)
{
	if (role == CANVAS_STATE_PENDING)
		return tui_glyph(app, 0x00B7, '.');
	uint32_t g = canvas_role_glyph(role, app->opt.ascii);
	return g ? g : ' ';
}

/* ---- layout ---- */

static const int weight[PANE_COUNT] = {3, 3, 2, 0, 2, 2};

/* Splits column rectangle r among the visible panes of `list`. */
static void split_column(struct tui_app *app, struct canvas_rect r, const enum tui_pane *list,
			 int n)
{
	int visible[PANE_COUNT], count = 0, fixed = 0, weights = 0;
	for (int i = 0; i < n; i++)
		if (!app->hidden[list[i]])
			visible[count++] = list[i];
	int conc_h = r.h >= 40 ? 9 : 6;
	for (int i = 0; i < count; i++) {
		if (visible[i] == PANE_CONC)
			fixed += conc_h;
		else
			weights += weight[visible[i]];
	}
	if (weights == 0 && count > 0) /* only the fixed pane: it takes the column */
		conc_h = r.h, fixed = r.h;
	int rest = r.h - fixed, y = r.y, used = 0;
	for (int i = 0; i < count; i++) {
		int h;
		if (visible[i] == PANE_CONC) {
			h = conc_h;
		} else {
			used += weight[visible[i]];
			h = weights ? rest * used / weights -
					  rest * (used - weight[visible[i]]) / weights
				    : 0;
		}
		if (i == count - 1)
			h = r.y + r.h - y;
		app->rect[visible[i]] = (struct canvas_rect){r.x, y, r.w, h};
		y += h;
	}
}

static void layout(struct tui_app *app, struct canvas_rect body)
{
	memset(app->rect, 0, sizeof(app->rect));
	if (app->maximized >= 0 && !app->hidden[app->maximized]) {
		app->rect[app->maximized] = body;
		return;
	}
	static const enum tui_pane left[] = {PANE_GRAPH, PANE_INSPECT};
	static const enum tui_pane right[] = {PANE_TIMELINE, PANE_CONC, PANE_EVENTS, PANE_LOGS};
	bool has_left = !app->hidden[PANE_GRAPH] || !app->hidden[PANE_INSPECT];
	bool has_right = false;
	for (size_t i = 0; i < ARRAY_LEN(right); i++)
		has_right |= !app->hidden[right[i]];
	int lw = has_right ? (has_left ? body.w * 2 / 5 : 0) : body.w;
	if (has_left)
		split_column(app, (struct canvas_rect){body.x, body.y, lw, body.h}, left, 2);
	if (has_right)
		split_column(app, (struct canvas_rect){body.x + lw, body.y, body.w - lw, body.h},
			     right, 4);
}

/* ---- header and status bar ---- */

/* Status, clock, speed and events first (they must always fit), then the names. */
static void header(struct tui_app *app, struct canvas *c, int w)
{
	canvas_fill(c, (struct canvas_rect){0, 0, w, 1}, ' ', CANVAS_HEADER);
	const struct ev_producer *pr = app->src.producer;
	const struct ev_log_meta *meta = ev_log_meta_const(app->log);
	const char *name = app->src.machine_name, *bar = app->opt.ascii ? "|" : "│";
	if (!name && meta->state_machine_name)
		name = ev_log_str(app->log, meta->state_machine_name);
	char now[24], total[24], line[512];
	tui_fmt_time(app->play.t, now, sizeof(now));
	tui_fmt_time(play_total(app), total, sizeof(total));
	bool fin = pr->ops->finished(pr->self);
	int x = 1 + canvas_put_str(c, 1, 0, "stepscope ", CANVAS_HEADER);
	enum tl_exec_status st = app->play.exec;
	enum canvas_role role = canvas_exec_status_role(st);
	uint32_t g = st == TL_EXEC_RUNNING && !app->play.playing ? tui_glyph(app, 0x2016, '=')
								 : tui_status_glyph(app, role);
	x += canvas_put(c, x, 0, g, role);
	x += canvas_put_str(c, x + 1, 0, tl_exec_status_name(st), role) + 1;
	snprintf(line, sizeof(line), " %s t=%s / %s%s %s %s %s %s %zu/%zu events %s %s", bar, now,
		 total, fin ? "" : "+", bar, app->play.playing ? "playing" : "paused",
		 play_speed_name(app->play.speed), bar, app->play.pos, ev_log_count(app->log), bar,
		 name ? name : "(unnamed)");
	x += canvas_put_str_fit(c, x, 0, w - x - 1, line, CANVAS_HEADER);
	if (app->play.to_end && x < w - 24) {
		/* Running ahead to the end: a progress bar of finished items. */
		double f = play_progress(app);
		x += canvas_put_str(c, x, 0, " running ahead ", CANVAS_WARNING);
		for (int i = 0; i < 10; i++)
			canvas_put(c, x + i, 0,
				   f >= 0 && i < (int)(f * 10 + 0.5) ? tui_glyph(app, 0x2588, '#')
								     : tui_glyph(app, 0x2591, '.'),
				   CANVAS_WARNING);
		x += 10;
	}
	const char *cost = app->src.cost ? app->src.cost(app->src.cost_ctx) : NULL;
	if (cost && x < w - 16) {
		snprintf(line, sizeof(line), " %s %s", bar, cost);
		x += canvas_put_str_fit(c, x, 0, w - x - 1, line, CANVAS_HEADER);
	}
	if (x < w - 8) {
		snprintf(line, sizeof(line), " %s %s", bar, pr->ops->describe(pr->self));
		canvas_put_str_fit(c, x, 0, w - x - 1, line, CANVAS_HEADER);
	}
}

static void status_bar(struct tui_app *app, struct canvas *c, int w, int h)
{
	canvas_fill(c, (struct canvas_rect){0, h - 1, w, 1}, ' ', CANVAS_STATUS_BAR);
	static const char *const prompts[] = {
	    "", "filter events: ", "go to time: ", "open history file: "};
	if (app->prompt != PROMPT_NONE) {
		int x = canvas_put_str(c, 1, h - 1, prompts[app->prompt], CANVAS_KEY_HINT);
		x += canvas_put_str_fit(c, 1 + x, h - 1, w - x - 3, app->input, CANVAS_STATUS_BAR);
		canvas_put(c, 1 + x, h - 1, tui_glyph(app, 0x2588, '_'), CANVAS_CURSOR);
		return;
	}
	if (app->message[0]) {
		canvas_put_str_fit(c, 1, h - 1, w - 2, app->message, CANVAS_WARNING);
		return;
	}
	static const char *const hints[][2] = {
	    {"q", "quit"},   {"?", "help"},   {"space", "play/pause"}, {"+/-", "speed"},
	    {"./,", "step"}, {"Tab", "pane"}, {"z", "zoom"},	       {"Enter", "inspect"},
	    {"/", "filter"}, {"g", "go to"}};
	static const char *const compare_hints[][2] = {
	    {"q", "quit"},   {"?", "help"},   {"space", "play/pause"}, {"+/-", "speed"},
	    {"./,", "step"}, {"Tab", "side"}, {"j/k", "rows"},	       {"</>", "zoom"},
	    {"h/l", "pan"},  {"g", "go to"}};
	const char *const(*list)[2] = app->peer ? compare_hints : hints;
	size_t n = app->peer ? ARRAY_LEN(compare_hints) : ARRAY_LEN(hints);
	int x = 1;
	for (size_t i = 0; i < n && x < w - 12; i++) {
		x += canvas_put_str(c, x, h - 1, list[i][0], CANVAS_KEY_HINT);
		x += canvas_put_str(c, x + 1, h - 1, list[i][1], CANVAS_STATUS_BAR) + 3;
	}
}

static void too_small(struct tui_app *app, struct canvas *c, int w, int h)
{
	char line[96];
	snprintf(line, sizeof(line), "terminal too small: %dx%d, need %dx%d", w, h, MIN_W, MIN_H);
	int lw = canvas_str_width(line);
	int x = lw < w ? (w - lw) / 2 : 0;
	canvas_put_str(c, x, h / 2 - 1, line, CANVAS_WARNING);
	const char *q = "resize, or q to quit";
	int qw = canvas_str_width(q);
	canvas_put_str(c, qw < w ? (w - qw) / 2 : 0, h / 2, q, CANVAS_DIM);
	(void)app;
}

void tui_app_render(struct tui_app *app, struct canvas *c)
{
	int w = canvas_width(c), h = canvas_height(c);
	app->width = w;
	app->height = h;
	canvas_clear(c);
	memset(app->rect, 0, sizeof(app->rect));
	if (w < MIN_W || h < MIN_H) {
		too_small(app, c, w, h);
		return;
	}
	tl_index_update(app->tl);
	if (app->peer) {
		/* Compare mode: header and deltas rows, the lesson pane, then the two sides. */
		int top = compare_header(app, c, w);
		int lh = lesson_pane_height(app, w, h);
		if (lh > 0)
			view_lesson(app, c, (struct canvas_rect){0, top, w, lh});
		compare_body(app, c, (struct canvas_rect){0, top + lh, w, h - 1 - top - lh});
		status_bar(app, c, w, h);
		if (app->help)
			view_help(app, c);
		return;
	}
	events_update_matches(app, false);
	header(app, c, w);
	int lh = lesson_pane_height(app, w, h);
	if (lh > 0)
		view_lesson(app, c, (struct canvas_rect){0, 1, w, lh});
	layout(app, (struct canvas_rect){0, 1 + lh, w, h - 2 - lh});
	static void (*const views[PANE_COUNT])(struct tui_app *, struct canvas *,
					       struct canvas_rect) = {
	    view_graph, view_timeline, view_events, view_conc, view_inspect, view_logs};
	for (int p = 0; p < PANE_COUNT; p++) {
		struct canvas_rect r = app->rect[p];
		if (r.w < 4 || r.h < 3)
			continue;
		canvas_set_clip(c, r);
		views[p](app, c, r);
		canvas_reset_clip(c);
	}
	status_bar(app, c, w, h);
	if (app->help)
		view_help(app, c);
}

/* ---- frames without a terminal: key scripts, golden dumps, the frame benchmark ---- */

bool tui_app_feed(struct tui_app *app, const char *keys)
{
	int key;
	while ((key = tui_key_parse(&keys)) != -1) {
		if (key == -2)
			return false;
		if (!tui_app_key(app, key))
			break;
	}
	return true;
}

void tui_dump_frame(struct tui_app *app, int w, int h, bool ascii, bool roles, FILE *out)
{
	struct canvas *c = canvas_new(w, h, ascii);
	tui_app_render(app, c);
	char *text = canvas_dump_text(c);
	fputs(text, out);
	free(text);
	if (roles) {
		fputs("--- roles\n", out);
		text = canvas_dump_roles(c);
		fputs(text, out);
		free(text);
	}
	canvas_free(c);
}

double tui_bench(struct tui_app *app, int w, int h, long frames, bool ascii)
{
	struct canvas *c = canvas_new(w, h, ascii);
	double start = mono_ms();
	for (long i = 0; i < frames; i++)
		tui_app_render(app, c);
	double ms = mono_ms() - start;
	canvas_free(c);
	return frames > 0 ? ms / (double)frames : 0;
}
