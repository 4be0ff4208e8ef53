/*
 * The compare view: two executions on one time axis. Side A is the app itself, side B a
 * second app over src.versus (its own log, timeline index and playback counters); both keep
 * the shared cursor in play.t, so a side that ended earlier shows its finished rows while the
 * other plays on. The shared window is applied to both sides before they draw, and the two
 * sides are drawn with equal widths, so the same time falls in the same column: one above
 * the other, or side by side (each with its own axis, same scale) on a wide terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

/* Side by side from this width: below it the timelines would get too narrow to compare. */
enum { WIDE_W = 200 };

static bool finished(const struct tui_app *s)
{
	const struct ev_producer *pr = s->src.producer;
	return pr->ops->finished(pr->self);
}

static int64_t longer_total(const struct tui_app *app)
{
	int64_t a = play_total(app), b = play_total(app->peer);
	return a > b ? a : b;
}

void compare_load(struct tui_app *app)
{
	app->side = 0;
	if (!app->src.versus)
		return;
	struct tui_options o = app->opt;
	o.paused = true;
	struct tui_source b = *app->src.versus;
	b.versus = NULL;
	b.lesson = NULL;
	app->peer = tui_app_new(&b, NULL, &o);
	app->peaks_known = false;
	app->side = 'A';
	app->peer->side = 'B';
	app->cside = 0;
	/* A lesson's window (set on load) becomes the shared one. */
	app->cw0 = app->t0;
	app->cw1 = app->t1;
	/* One speed for both: the configured one, else the longer run in about ten seconds. */
	bool sa = ev_log_meta_const(app->log)->synthetic_time,
	     sb = ev_log_meta_const(app->peer->log)->synthetic_time, synthetic = sa && sb;
	if (sa || sb) /* one axis for both: say when its times are event order, not time */
		snprintf(app->message, sizeof(app->message),
			 "%s: no real timestamps in the history, times are event order (1 ms per "
			 "event)",
			 synthetic ? "A and B"
			 : sa	   ? "A"
				   : "B");
	if (app->src.speed <= 0 && finished(app) && finished(app->peer)) {
		app->play.speed = play_default_speed(longer_total(app), synthetic);
		if (app->opt.present && app->play.speed > 0)
			app->play.speed--;
	}
	compare_seek(app, 0);
}

void compare_unload(struct tui_app *app)
{
	tui_app_free(app->peer);
	app->peer = NULL;
	app->side = 0;
	memset(app->conc_floor, 0, sizeof(app->conc_floor));
}

bool compare_at_end(const struct tui_app *app)
{
	const struct tui_app *s[2] = {app, app->peer};
	for (int i = 0; i < 2; i++)
		if (!finished(s[i]) || s[i]->play.pos < ev_log_count(s[i]->log))
			return false;
	return app->play.t >= longer_total(app);
}

void compare_seek(struct tui_app *app, int64_t t)
{
	struct tui_app *s[2] = {app, app->peer};
	if (t < 0)
		t = 0;
	for (int i = 0; i < 2; i++)
		play_seek(s[i], t); /* each side clamps to its own end ... */
	if (finished(app) && finished(app->peer) && t > longer_total(app))
		t = longer_total(app);
	for (int i = 0; i < 2; i++)
		s[i]->play.t = t; /* ... but the cursor is shared */
}

void compare_seek_end(struct tui_app *app)
{
	struct tui_app *s[2] = {app, app->peer};
	for (int i = 0; i < 2; i++) {
		struct ev_producer *pr = s[i]->src.producer;
		while (!pr->ops->finished(pr->self) && pr->ops->step(pr->self))
			;
		tl_index_update(s[i]->tl);
	}
	compare_seek(app, INT64_MAX / 4);
}

void compare_tick(struct tui_app *app, int64_t real_ms)
{
	struct tui_play *p = &app->play;
	if (!p->playing || real_ms <= 0)
		return;
	bool fin = finished(app) && finished(app->peer);
	compare_seek(app, p->t + play_advance_ms(app, real_ms, longer_total(app), fin));
	lesson_check_pause(app);
	compare_seek(app, p->t); /* a lesson pause moved A's cursor: B follows */
	if (compare_at_end(app))
		p->playing = false;
}

/* The next (dir 1) or previous (-1) time at which either side has an event. */
static void step(struct tui_app *app, int dir)
{
	struct tui_app *s[2] = {app, app->peer};
	int64_t t = app->play.t, best = dir > 0 ? INT64_MAX : 0;
	for (int i = 0; i < 2; i++) {
		struct ev_producer *pr = s[i]->src.producer;
		size_t pos = s[i]->play.pos;
		if (dir > 0) {
			if (pos >= ev_log_count(s[i]->log) && !pr->ops->finished(pr->self)) {
				pr->ops->step(pr->self);
				tl_index_update(s[i]->tl);
			}
			if (pos < ev_log_count(s[i]->log)) {
				int64_t et = ev_log_get(s[i]->log, (int64_t)pos + 1)->t_ms;
				best = et < best ? et : best;
			}
			continue;
		}
		for (size_t id = pos; id >= 1; id--) {
			int64_t et = ev_log_get(s[i]->log, (int64_t)id)->t_ms;
			if (et < t) {
				best = et > best ? et : best;
				break;
			}
		}
	}
	if (dir > 0 && best == INT64_MAX)
		return;
	compare_seek(app, best < t && dir > 0 ? t : best);
	if (dir < 0)
		lesson_rearm(app);
}

static void window(struct tui_app *app, int64_t *t0, int64_t *t1)
{
	if (app->cw1 > app->cw0) {
		*t0 = app->cw0;
		*t1 = app->cw1;
		return;
	}
	int64_t total = longer_total(app);
	*t0 = 0;
	*t1 = total > 0 ? total + total / 50 + 1 : 1000;
}

static bool playback(struct tui_app *app, int key)
{
	struct tui_play *p = &app->play;
	if (play_speed_key(p, key))
		return true;
	switch (key) {
	case ' ':
		if (!p->playing && compare_at_end(app)) {
			compare_seek(app, 0); /* play again from the start */
			lesson_rearm(app);
		}
		p->playing = !p->playing;
		p->carry = 0;
		return true;
	case '.':
	case ',':
		p->playing = false;
		step(app, key == '.' ? 1 : -1);
		return true;
	case TUI_KEY_HOME:
		tui_app_seek(app, 0);
		lesson_rearm(app);
		return true;
	case TUI_KEY_END:
		tui_app_seek_end(app);
		return true;
	default:
		return false;
	}
}

bool compare_key(struct tui_app *app, int key)
{
	if (playback(app, key))
		return true;
	struct tui_app *sel = app->cside ? app->peer : app;
	switch (key) {
	case TUI_KEY_TAB:
	case TUI_KEY_BACKTAB:
		app->cside ^= 1;
		return true;
	case 'j':
	case 'k':
	case TUI_KEY_DOWN:
	case TUI_KEY_UP:
	case TUI_KEY_PGDN:
	case TUI_KEY_PGUP:
	case TUI_KEY_ESC:
		/* Rows belong to the selected side (its own timeline keys). */
		return keys_timeline(sel, key);
	default: {
		int64_t t0, t1;
		window(app, &t0, &t1);
		return timeline_window_key(&app->cw0, &app->cw1, t0, t1, app->play.t,
					   longer_total(app), key);
	}
	}
}

void compare_mouse(struct tui_app *app, int x, int y, int button)
{
	if (button == 4 || button == 5) {
		for (int i = 0; i < 3; i++)
			compare_key(app, button == 4 ? TUI_KEY_UP : TUI_KEY_DOWN);
		return;
	}
	for (int i = 0; i < 2 && button == 1; i++) {
		struct tui_app *s = i ? app->peer : app;
		struct canvas_rect r = s->rect[PANE_TIMELINE];
		if (r.w <= 0 || x < r.x || y < r.y || x >= r.x + r.w || y >= r.y + r.h)
			continue;
		app->cside = i;
		size_t row = s->ttop + (size_t)(y - r.y - 2);
		if (y >= r.y + 2 && row < tl_index_row_count(s->tl)) {
			s->trow = row; /* the rows start under the border and the axis */
			s->tfollow = false;
		}
	}
}

const char *const *compare_help(void)
{
	static const char *const help[] = {"space\tplay / pause both",
					   "+ -\tspeed (0.25x ... 1000x, max)",
					   ". ,\tnext / previous event of either side",
					   "Home End\tstart / end (of the longer execution)",
					   "g\tgo to a time (12.5s, 1500ms, 2m)",
					   "Tab\tselect side A / B (j k scroll its rows)",
					   "j k Down Up\tselect a row of the selected side",
					   "PgUp PgDn\tpage through its rows",
					   "Esc\tfollow its newest rows again",
					   "> <\tzoom both in / out around the cursor",
					   "h l Left Right\tpan both in time",
					   "f\tfit both executions",
					   "n p\tlesson: next / previous step",
					   "? q\tthis help / quit",
					   NULL};
	return help;
}

/* ---- drawing ---- */

/* "A ✓ SUCCEEDED" at x; returns the columns used. */
static int side_status(struct tui_app *s, struct canvas *c, int x, int max)
{
	enum tl_exec_status st = s->play.exec;
	enum canvas_role role = canvas_exec_status_role(st);
	int n = canvas_put(c, x, 0, (uint32_t)s->side, CANVAS_HEADER) + 1;
	n += canvas_put(c, x + n, 0, tui_status_glyph(s, role), role) + 1;
	return n + canvas_put_str_fit(c, x + n, 0, max - n, tl_exec_status_name(st), role);
}

/*
 * Puts the deltas from row y on, breaking only between " │ "-separated parts so that no
 * number is cut at 80 columns; at most `rows` rows (the last one is cut with an ellipsis).
 */
static int deltas(struct tui_app *app, struct canvas *c, int y, int w, int rows, const char *d)
{
	const char *sep = app->opt.ascii ? " | " : " │ ";
	size_t sl = strlen(sep);
	int used = 0;
	while (*d && used < rows) {
		/* The longest prefix ending before a separator that fits (at least one part). */
		const char *end = strstr(d, sep), *fit = end ? end : d + strlen(d);
		while (end && used + 1 < rows) {
			char *part = xstrndup(d, (size_t)(end - d));
			bool ok = canvas_str_width(part) <= w;
			free(part);
			if (!ok)
				break;
			fit = end;
			end = strstr(end + sl, sep);
			if (!end) {
				if (canvas_str_width(d) <= w)
					fit = d + strlen(d);
				break;
			}
		}
		if (used + 1 == rows || !strstr(d, sep))
			fit = d + strlen(d);
		char *line = xstrndup(d, (size_t)(fit - d));
		canvas_put_str_fit(c, 1, y + used++, w, line, CANVAS_INFO);
		free(line);
		d = *fit ? fit + sl : fit;
	}
	return used;
}

int compare_header(struct tui_app *app, struct canvas *c, int w)
{
	const char *bar = app->opt.ascii ? "|" : "│";
	char now[24], total[24], line[512];
	tui_fmt_time(app->play.t, now, sizeof(now));
	tui_fmt_time(longer_total(app), total, sizeof(total));
	/* The statuses and the clock must fit in 80 columns: the name only when there is room. */
	snprintf(line, sizeof(line), "%s%s %s t=%s / %s %s %s %s %s ", w >= 100 ? "stepscope " : "",
		 "compare", bar, now, total, bar, app->play.playing ? "playing" : "paused",
		 play_speed_name(app->play.speed), bar);
	/* The second (and on narrow terminals third) row: what B changes against A, as the
	 * command line measured both runs; else the makespans from the timelines. */
	const char *d = app->src.deltas;
	char own[128];
	if (!d) {
		char a[24], b[24];
		tui_fmt_time(play_total(app), a, sizeof(a));
		tui_fmt_time(play_total(app->peer), b, sizeof(b));
		snprintf(own, sizeof(own), "makespan %s %s %s", a, app->opt.ascii ? "->" : "→", b);
		d = own;
	}
	int rows = canvas_str_width(d) <= w - 2 ? 1 : 2;
	canvas_fill(c, (struct canvas_rect){0, 0, w, 1 + rows}, ' ', CANVAS_HEADER);
	int x = 1 + canvas_put_str_fit(c, 1, 0, w - 2, line, CANVAS_HEADER);
	struct tui_app *s[2] = {app, app->peer};
	for (int i = 0; i < 2 && x < w - 8; i++) {
		if (i) {
			snprintf(line, sizeof(line), " %s ", bar);
			x += canvas_put_str(c, x, 0, line, CANVAS_HEADER);
		}
		x += side_status(s[i], c, x, w - 1 - x);
	}
	return 1 + deltas(app, c, 1, w - 2, rows, d);
}

/* One side: its timeline, then its concurrency chart when there is room. */
static void draw_side(struct tui_app *s, bool selected, int64_t t0, int64_t t1, struct canvas *c,
		      struct canvas_rect r)
{
	tl_index_update(s->tl);
	s->t0 = t0;
	s->t1 = t1;
	s->focus = selected ? PANE_TIMELINE : PANE_GRAPH; /* the heavy border marks the selection */
	int conc_h = r.h >= 20 ? 6 : r.h >= 9 ? 3 : 0;
	struct canvas_rect tl = {r.x, r.y, r.w, r.h - conc_h};
	struct canvas_rect cc = {r.x, r.y + r.h - conc_h, r.w, conc_h};
	memset(s->rect, 0, sizeof(s->rect));
	s->rect[PANE_TIMELINE] = tl;
	canvas_set_clip(c, tl);
	view_timeline(s, c, tl);
	canvas_reset_clip(c);
	if (conc_h > 0) {
		s->rect[PANE_CONC] = cc;
		canvas_set_clip(c, cc);
		view_conc(s, c, cc);
		canvas_reset_clip(c);
	}
}

/* Both sides' charts on one scale: the higher limit or value of the two, per series. Two
 * finished logs are measured once (O(points)); live ones on every frame. */
static void shared_scale(struct tui_app *app)
{
	struct tui_app *s[2] = {app, app->peer};
	if (app->peaks_known)
		return;
	for (int k = 0; k < TL_SERIES_COUNT; k++) {
		int32_t top = 0;
		for (int i = 0; i < 2; i++) {
			const int64_t *ts;
			const int32_t *vs;
			size_t n = tl_index_series(s[i]->tl, (enum tl_series_kind)k, &ts, &vs);
			for (size_t j = 0; j < n; j++)
				top = vs[j] > top ? vs[j] : top;
			if (k == TL_SERIES_ITERATIONS && tl_index_limit(s[i]->tl) > top)
				top = tl_index_limit(s[i]->tl);
		}
		app->conc_floor[k] = app->peer->conc_floor[k] = top;
	}
	app->peaks_known = finished(app) && finished(app->peer);
}

void compare_body(struct tui_app *app, struct canvas *c, struct canvas_rect r)
{
	int64_t t0, t1;
	window(app, &t0, &t1);
	struct tui_app *s[2] = {app, app->peer};
	tl_index_update(app->peer->tl);
	shared_scale(app);
	bool wide = r.w >= WIDE_W;
	for (int i = 0; i < 2; i++) {
		struct canvas_rect sr;
		if (wide)
			sr = (struct canvas_rect){r.x + i * (r.w / 2), r.y,
						  i ? r.w - r.w / 2 : r.w / 2, r.h};
		else
			sr = (struct canvas_rect){r.x, r.y + i * (r.h / 2), r.w,
						  i ? r.h - r.h / 2 : r.h / 2};
		if (sr.w >= 20 && sr.h >= 4)
			draw_side(s[i], app->cside == i, t0, t1, c, sr);
	}
}
