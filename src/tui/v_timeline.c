/*
 * The timeline pane: a time axis, one row per Map iteration / Parallel branch plus the
 * execution's row, the spans of each row as they stand at the cursor, and vertical markers
 * for the cursor and the timeouts. Only the visible rows are touched (tl_index_row is O(1),
 * tl_index_spans_in O(log spans)), so 100,000 rows cost what a screenful costs.
 */
#include <stdio.h>
#include <stdlib.h>

#include "asl/asl.h"
#include "tui/internal.h"

struct tl_view {
	int x0, cw;	/* chart columns */
	int64_t t0, t1; /* window */
};

int timeline_label_width(int w)
{
	return w / 4 < 10 ? 10 : w / 4 > 28 ? 28 : w / 4;
}

static int x_of(const struct tl_view *v, int64_t t)
{
	double f = (double)(t - v->t0) / (double)(v->t1 - v->t0);
	return v->x0 + (int)(f * v->cw);
}

/* The window in effect: the explicit one, or everything so far. */
/* The execution timeout of the model in ms, 0 when none (or no model). */
static int64_t exec_timeout(const struct tui_app *app)
{
	return app->src.model ? app->src.model->timeout_seconds * 1000 : 0;
}

void timeline_window(struct tui_app *app, int64_t *t0, int64_t *t1)
{
	if (app->t1 > app->t0) {
		*t0 = app->t0;
		*t1 = app->t1;
		return;
	}
	int64_t total = play_total(app), limit = exec_timeout(app);
	const struct ev_producer *pr = app->src.producer;
	/* A live run keeps its timeout in view so the cursor is seen approaching it. */
	if (limit > total && (!pr->ops->finished(pr->self) || limit <= 2 * total))
		total = limit;
	*t0 = 0;
	*t1 = total > 0 ? total + total / 50 + 1 : 1000;
}

static void fmt_tick(int64_t ms, int64_t step, char *buf, size_t size)
{
	long long s = ms / 1000, m = ms / 60000, h = ms / 3600000;
	if (step < 1000)
		snprintf(buf, size, "%.*fs", step < 10 ? 3 : step < 100 ? 2 : 1, (double)ms / 1e3);
	else if (ms < 60000)
		snprintf(buf, size, "%llds", s);
	else if (step < 60000 && ms % 60000)
		snprintf(buf, size, "%lldm%02llds", m, s % 60);
	else if (ms < 3600000)
		snprintf(buf, size, "%lldm", m);
	else if (ms % 3600000)
		snprintf(buf, size, "%lldh%02lldm", h, m % 60);
	else
		snprintf(buf, size, "%lldh", h);
}

static void axis(struct tui_app *app, struct canvas *c, const struct tl_view *v, int y)
{
	int cursor_x = app->play.t >= v->t0 && app->play.t < v->t1 ? x_of(v, app->play.t) : -1;
	static const int64_t steps[] = {
	    1,	    2,	    5,	     10,      20,      50,	 100,	   200,	    500,
	    1000,   2000,   5000,    10000,   15000,   30000,	 60000,	   120000,  300000,
	    600000, 900000, 1800000, 3600000, 7200000, 21600000, 43200000, 86400000};
	int64_t span = v->t1 - v->t0, step = steps[ARRAY_LEN(steps) - 1];
	for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
		if ((double)steps[i] * v->cw / (double)span >= 12) {
			step = steps[i];
			break;
		}
	}
	canvas_hline(c, v->x0, v->x0 + v->cw - 1, y, CANVAS_LINE_LIGHT, CANVAS_AXIS);
	int last_end = -1;
	for (int64_t t = (v->t0 + step - 1) / step * step; t < v->t1; t += step) {
		int x = x_of(v, t);
		if (x <= last_end)
			continue;
		canvas_put(c, x, y, tui_glyph(app, 0x252C, '+'), CANVAS_AXIS);
		char label[32];
		fmt_tick(t, step, label, sizeof(label));
		int lw = canvas_str_width(label);
		/* Labels give way to the cursor mark so "now" is always visible. */
		if (cursor_x >= x && cursor_x <= x + lw)
			continue;
		if (x + 1 + lw <= v->x0 + v->cw)
			last_end = x + canvas_put_str(c, x + 1, y, label, CANVAS_LABEL);
	}
}

/* The fill glyph and role of a span. */
static void span_look(struct tui_app *app, const struct tl_span *s, enum tl_status st, uint32_t *g,
		      enum canvas_role *role)
{
	*role = CANVAS_SPAN;
	if (s->kind == TL_SPAN_BACKOFF) {
		*g = tui_glyph(app, 0x2504, '.');
		*role = CANVAS_SPAN_RETRY;
		return;
	}
	bool frame = s->type == TL_STATE_MAP || s->type == TL_STATE_PARALLEL;
	if (s->kind == TL_SPAN_ATTEMPT && !frame) {
		*g = tui_glyph(app, 0x2588, '#');
		if (st == TL_FAILED || st == TL_TIMED_OUT || st == TL_CAUGHT)
			*g = tui_glyph(app, 0x2593, 'X');
	} else if (s->type == TL_STATE_WAIT) {
		*g = tui_glyph(app, 0x2591, ':');
		*role = CANVAS_SPAN_WAIT;
		return;
	} else if (frame) {
		*g = tui_glyph(app, 0x2550, '=');
		*role = CANVAS_FRAME;
	} else if (s->type == TL_STATE_TASK) {
		*g = tui_glyph(app, 0x2500, '-');
	} else {
		*g = tui_glyph(app, 0x2592, '=');
	}
	if (st == TL_RUNNING)
		*role = CANVAS_STATE_RUNNING;
	else if (st != TL_SUCCEEDED)
		*role = canvas_status_role(st);
}

static void draw_span(struct tui_app *app, struct canvas *c, const struct tl_view *v, int y,
		      const struct tl_span *s)
{
	int64_t pos = (int64_t)app->play.pos;
	if (s->start_ev > pos)
		return;
	bool closed = s->end_ev && s->end_ev <= pos;
	int64_t end = closed ? s->end_ms : app->play.t;
	enum tl_status st = closed ? s->status : TL_RUNNING;
	int xs = x_of(v, s->start_ms), xe = x_of(v, end);
	if (xe <= xs)
		xe = xs + 1;
	if (xs < v->x0)
		xs = v->x0;
	if (xe > v->x0 + v->cw)
		xe = v->x0 + v->cw;
	uint32_t g;
	enum canvas_role role;
	span_look(app, s, st, &g, &role);
	for (int x = xs; x < xe; x++)
		canvas_put(c, x, y, g, role);
	if (s->cold_ms > 0 && s->run_ms >= v->t0 && s->run_ms < v->t1 && s->run_ms <= app->play.t)
		/* A cold start: the invocation spent its first cold_ms initialising. */
		canvas_put(c, x_of(v, s->run_ms), y, tui_glyph(app, 0x2744, '*'), CANVAS_INFO);
	bool bad = st == TL_FAILED || st == TL_CAUGHT || st == TL_TIMED_OUT || st == TL_ABORTED;
	if (bad && xe > xs && s->kind != TL_SPAN_BACKOFF)
		canvas_put(c, xe - 1, y, tui_status_glyph(app, canvas_status_role(st)),
			   canvas_status_role(st));
}

static void row_label(struct tui_app *app, struct canvas *c, const struct tl_row *row, int x, int y,
		      int w, bool selected)
{
	int64_t pos = (int64_t)app->play.pos;
	enum canvas_role st = CANVAS_STATE_PENDING;
	if (row->start_ev && row->start_ev <= pos)
		st = row->end_ev && row->end_ev <= pos ? canvas_status_role(row->status)
						       : CANVAS_STATE_RUNNING;
	if (row->kind == TL_ROW_TOP)
		st = st == CANVAS_STATE_PENDING ? CANVAS_STATE_RUNNING : st;
	int indent = row->depth > 0 ? (row->depth - 1 < 4 ? row->depth - 1 : 4) : 0;
	canvas_put(c, x + indent, y, tui_status_glyph(app, st), st);
	const char *label = row->kind == TL_ROW_TOP ? "execution" : row->label ? row->label : "?";
	char text[160];
	/* A retried Map or Parallel gets a second set of rows: say which attempt. */
	if (row->attempt > 1)
		snprintf(text, sizeof(text), "%s %s%d", label, app->opt.ascii ? "r" : "↻",
			 row->attempt);
	else
		snprintf(text, sizeof(text), "%s", label);
	canvas_put_str_fit(c, x + indent + 2, y, w - indent - 2, text,
			   selected			? CANVAS_SELECTED
			   : st == CANVAS_STATE_PENDING ? CANVAS_DIM
							: CANVAS_LABEL);
	if (selected)
		canvas_set_role(c, (struct canvas_rect){x, y, w, 1}, CANVAS_SELECTED);
}

/* Vertical line at time t over rows y0..y1 where nothing else is drawn. */
static void vmark(struct canvas *c, const struct tl_view *v, int64_t t, int y0, int y1, uint32_t g,
		  enum canvas_role role)
{
	if (t < v->t0 || t >= v->t1)
		return;
	int x = x_of(v, t);
	for (int y = y0; y <= y1; y++) {
		const struct canvas_cell *cell = canvas_cell(c, x, y);
		if (cell && cell->glyph == ' ')
			canvas_put(c, x, y, g, role);
	}
}

static void markers(struct tui_app *app, struct canvas *c, const struct tl_view *v, int y0, int y1)
{
	size_t n;
	const struct tl_marker *m = tl_index_markers(app->tl, &n);
	for (size_t i = 0; i < n; i++) {
		if (m[i].ev > (int64_t)app->play.pos && m[i].kind != TL_MARK_EXECUTION_TIMEOUT)
			continue;
		int ry = -1;
		for (int y = y0; y <= y1; y++) {
			const struct tl_row *row =
			    tl_index_row(app->tl, app->ttop + (size_t)(y - y0));
			if (row && row->id == m[i].row)
				ry = y;
		}
		if (m[i].kind == TL_MARK_EXECUTION_TIMEOUT)
			vmark(c, v, m[i].t_ms, y0 - 1, y1, tui_glyph(app, 0x250A, '!'),
			      CANVAS_LIMIT);
		else if (ry >= 0)
			vmark(c, v, m[i].t_ms, ry, ry, tui_glyph(app, 0x29D7, 'T'), CANVAS_LIMIT);
	}
	/* The definition's TimeoutSeconds, before it strikes. */
	int64_t limit = exec_timeout(app);
	if (limit > 0) {
		vmark(c, v, limit, y0, y1, tui_glyph(app, 0x250A, '!'), CANVAS_LIMIT);
		if (limit >= v->t0 && limit < v->t1)
			canvas_put(c, x_of(v, limit), y0 - 1, tui_glyph(app, 0x29D7, 'T'),
				   CANVAS_LIMIT);
	}
}

/*
 * The last row started at the cursor. Map items start in index order, so the started rows
 * form a prefix and a binary search finds its end in O(log rows).
 */
static size_t newest_started(struct tui_app *app, size_t rows)
{
	int64_t pos = (int64_t)app->play.pos;
	size_t lo = 1, hi = rows;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct tl_row *r = tl_index_row(app->tl, mid);
		if (r->start_ev && r->start_ev <= pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

void view_timeline(struct tui_app *app, struct canvas *c, struct canvas_rect r)
{
	size_t rows = tl_index_row_count(app->tl);
	struct tl_view v;
	timeline_window(app, &v.t0, &v.t1);
	char extra[96], a[24], b[24];
	tui_fmt_time(v.t0, a, sizeof(a));
	tui_fmt_time(v.t1, b, sizeof(b));
	snprintf(extra, sizeof(extra), "%zu rows%s  %s-%s%s", rows,
		 app->tfollow && rows > 1 ? " (following)" : "", a, b,
		 app->t1 > app->t0 ? "" : " (fit)");
	struct canvas_rect in = tui_pane_box(app, c, PANE_TIMELINE, r, extra);
	canvas_set_clip(c, in);
	int lw = timeline_label_width(in.w);
	v.x0 = in.x + lw + 1;
	v.cw = in.w - lw - 1;
	if (v.cw < 4 || in.h < 2)
		return;
	axis(app, c, &v, in.y);
	int visible = in.h - 1;
	if (app->tfollow && rows > (size_t)visible)
		app->trow = newest_started(app, rows);
	if (app->trow >= rows)
		app->trow = rows ? rows - 1 : 0;
	if (app->trow < app->ttop)
		app->ttop = app->trow;
	if (app->trow >= app->ttop + (size_t)visible)
		app->ttop = app->trow - (size_t)visible + 1;
	int y = in.y + 1;
	for (size_t i = app->ttop; i < rows && y < in.y + in.h; i++, y++) {
		const struct tl_row *row = tl_index_row(app->tl, i);
		bool sel = i == app->trow && app->focus == PANE_TIMELINE;
		row_label(app, c, row, in.x, y, lw, sel);
		size_t first, all;
		size_t n = tl_index_spans_in(app->tl, row->id, v.t0, v.t1, &first);
		const struct tl_span *spans = tl_index_spans(app->tl, row->id, &all);
		for (size_t k = first; k < first + n; k++)
			draw_span(app, c, &v, y, &spans[k]);
	}
	markers(app, c, &v, in.y + 1, y - 1);
	vmark(c, &v, app->play.t, in.y + 1, in.y + in.h - 1, tui_glyph(app, 0x2502, '|'),
	      CANVAS_CURSOR);
	if (app->play.t >= v.t0 && app->play.t < v.t1)
		canvas_put(c, x_of(&v, app->play.t), in.y, tui_glyph(app, 0x25BC, 'v'),
			   CANVAS_CURSOR);
}

/* Moves the cursor to the next / previous span start of the selected row. */
void timeline_jump(struct tui_app *app, int dir)
{
	const struct tl_row *row = tl_index_row(app->tl, app->trow);
	if (!row)
		return;
	size_t n;
	const struct tl_span *s = tl_index_spans(app->tl, row->id, &n);
	int64_t t = app->play.t, best = -1;
	for (size_t i = 0; i < n; i++) {
		int64_t st = s[i].start_ms;
		if (dir > 0 && st > t && (best < 0 || st < best))
			best = st;
		if (dir < 0 && st < t && st > best)
			best = st;
	}
	if (best >= 0)
		tui_app_seek(app, best);
	else
		snprintf(app->message, sizeof(app->message), "no %s span in this row",
			 dir > 0 ? "later" : "earlier");
}

bool timeline_window_key(int64_t *w0, int64_t *w1, int64_t t0, int64_t t1, int64_t mid,
			 int64_t total, int key)
{
	int dir = key == '>' || key == 'l' || key == TUI_KEY_RIGHT ? 1 : -1;
	switch (key) {
	case '>':
	case '<': {
		int64_t ns = dir > 0 ? (t1 - t0) / 2 : (t1 - t0) * 2;
		if (ns < 10)
			ns = 10;
		if (dir < 0 && ns >= total + total / 50 + 1) {
			*w0 = *w1 = 0; /* back to "fit all" */
			return true;
		}
		*w0 = mid - ns / 2 < 0 ? 0 : mid - ns / 2;
		*w1 = *w0 + ns;
		return true;
	}
	case 'h':
	case 'l':
	case TUI_KEY_LEFT:
	case TUI_KEY_RIGHT: {
		int64_t d = (t1 - t0) / 4 * dir;
		if (t0 + d < 0)
			d = -t0;
		*w0 = t0 + d;
		*w1 = t1 + d;
		return true;
	}
	case 'f':
		*w0 = *w1 = 0;
		return true;
	default:
		return false;
	}
}

bool keys_timeline(struct tui_app *app, int key)
{
	size_t rows = tl_index_row_count(app->tl);
	size_t page = app->rect[PANE_TIMELINE].h > 4 ? (size_t)app->rect[PANE_TIMELINE].h - 3 : 1;
	if (key == 'j' || key == 'k' || key == TUI_KEY_DOWN || key == TUI_KEY_UP ||
	    key == TUI_KEY_PGDN || key == TUI_KEY_PGUP)
		app->tfollow = false;
	switch (key) {
	case TUI_KEY_ESC:
		if (app->tfollow)
			return false;
		app->tfollow = true; /* follow the newest rows again */
		return true;
	case 'j':
	case TUI_KEY_DOWN:
		app->trow += app->trow + 1 < rows;
		return true;
	case 'k':
	case TUI_KEY_UP:
		app->trow -= app->trow > 0;
		return true;
	case TUI_KEY_PGDN:
		app->trow = app->trow + page < rows ? app->trow + page : rows ? rows - 1 : 0;
		return true;
	case TUI_KEY_PGUP:
		app->trow = app->trow > page ? app->trow - page : 0;
		return true;
	case TUI_KEY_ENTER:
		app->hidden[PANE_INSPECT] = false;
		app->inspect_from = PANE_TIMELINE;
		app->iscroll = 0;
		return true;
	default: {
		int64_t t0, t1;
		timeline_window(app, &t0, &t1);
		return timeline_window_key(&app->t0, &app->t1, t0, t1, app->play.t, play_total(app),
					   key);
	}
	}
}
