/*
 * The graph pane: the layout from graph/ coloured and marked by each state's status at the
 * cursor, Map frames with their iteration counts, selection and panning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

/* Keeps box b inside the view of size (w, h) by moving the pan; centres it when it jumps. */
static void keep_visible(struct tui_app *app, const struct graph_box *b, int w, int h)
{
	int lw = graph_layout_width(app->layout), lh = graph_layout_height(app->layout);
	if (b->x < app->gpan_x || b->x + (b->w < w ? b->w : w) > app->gpan_x + w)
		app->gpan_x = b->x + b->w / 2 - w / 2;
	if (b->y < app->gpan_y || b->y + (b->h < h ? b->h : h) > app->gpan_y + h)
		app->gpan_y = b->y + (b->h < h ? b->h / 2 - h / 2 : 0);
	if (app->gpan_x > lw - w)
		app->gpan_x = lw - w;
	if (app->gpan_y > lh - h)
		app->gpan_y = lh - h;
	if (app->gpan_x < 0)
		app->gpan_x = 0;
	if (app->gpan_y < 0)
		app->gpan_y = 0;
}

/* The box to keep in view: the selection, else the deepest running state. */
static const struct graph_box *focus_box(struct tui_app *app)
{
	if (app->gsel)
		return graph_layout_find(app->layout, app->gsel);
	const struct graph_box *best = NULL;
	for (size_t i = 0; i < graph_layout_box_count(app->layout); i++) {
		const struct graph_box *b = graph_layout_box(app->layout, i);
		enum canvas_role s = b->node->status;
		bool active = s == CANVAS_STATE_RUNNING || s == CANVAS_STATE_WAITING ||
			      s == CANVAS_STATE_RETRYING;
		if (active && !b->frame && (!best || b->depth >= best->depth))
			best = b;
	}
	return best;
}

/*
 * A count label on a frame's bottom border, kept clear of the edges leaving it (a ┬ there):
 * it goes before the first one, or after it when there is no room before; the compact form
 * is used when the full one does not fit.
 */
static void frame_label(struct canvas *c, const struct graph_box *b, int ox, int oy,
			const char *full, const char *compact)
{
	int y = oy + b->y + b->h - 1, x0 = ox + b->x + 2, x1 = ox + b->x + b->w - 2;
	/* The widest stretch of border between the edges leaving the frame. */
	int best = x0, best_w = 0, seg = x0;
	for (int x = x0; x <= x1; x++) {
		const struct canvas_cell *cell = x < x1 ? canvas_cell(c, x, y) : NULL;
		if (x == x1 || (cell && (cell->lines & CANVAS_DOWN))) {
			if (x - 1 - seg > best_w)
				best = seg, best_w = x - 1 - seg;
			seg = x + 2;
		}
	}
	int wf = canvas_str_width(full), wc = canvas_str_width(compact);
	if (best_w < wc) /* no stretch is wide enough: the counts win over the junctions */
		best = x0, best_w = x1 - x0;
	const char *text = wf <= best_w ? full : compact;
	if (best_w >= 4)
		canvas_put_str_fit(c, best, y, best_w, text, CANVAS_INFO);
}

/* "▶ 3 running ✓ 12 ✗ 1 / 40" on a frame (compact "▶3 ✓12 ✗1/40" when narrow). */
static void counts_label(struct tui_app *app, struct canvas *c, const struct graph_box *b, int ox,
			 int oy, const int32_t n[4], const char *unit)
{
	bool a = app->opt.ascii;
	const char *r = a ? ">" : "▶", *k = a ? "+" : "✓", *x = a ? "x" : "✗";
	char full[128], compact[96];
	snprintf(full, sizeof(full), " %s %d running %s %d %s %d / %d%s ", r, n[0], k, n[1], x,
		 n[2], n[3], unit);
	snprintf(compact, sizeof(compact), " %s%d %s%d %s%d/%d ", r, n[0], k, n[1], x, n[2], n[3]);
	frame_label(c, b, ox, oy, full, compact);
}

static const struct tui_state_stat *stat_of(const struct tui_app *app, const struct graph_node *n)
{
	for (size_t i = 1; i < app->play.states.len; i++)
		if (app->play.states.items[i].node == n)
			return &app->play.states.items[i];
	return NULL;
}

/* A Parallel frame: its branches at the cursor (running, done, failed), from their states. */
static void branch_counts(struct tui_app *app, struct canvas *c, int ox, int oy,
			  const struct tui_state_stat *ps)
{
	const struct graph_node *n = ps->node;
	const struct graph_box *b = graph_layout_find(app->layout, n);
	if (!b || n->child_count == 0)
		return;
	int running = 0, done = 0, failed = 0;
	for (size_t i = 0; i < n->child_count; i++) {
		const struct graph *g = n->children[i];
		bool run = false, fail = false, seen = false;
		for (size_t k = 0; k < g->nodes.len; k++) {
			const struct tui_state_stat *s = stat_of(app, g->nodes.items[k]);
			if (!s)
				continue;
			seen = true;
			run |= s->running > 0;
			fail |= s->last == CANVAS_STATE_FAILED || s->last == CANVAS_STATE_ABORTED;
		}
		running += seen && run;
		failed += seen && !run && fail;
		done += seen && !run && !fail;
	}
	const int32_t counts[4] = {running, done, failed, (int32_t)n->child_count};
	counts_label(app, c, b, ox, oy, counts, " branches");
}

static void map_counts(struct tui_app *app, struct canvas *c, int ox, int oy)
{
	for (size_t i = 1; i < app->play.states.len; i++) {
		const struct tui_state_stat *s = &app->play.states.items[i];
		bool entered = s->running > 0 || s->last != CANVAS_DEFAULT;
		if (s->node && s->node->kind == GRAPH_PARALLEL && entered)
			branch_counts(app, c, ox, oy, s);
		if (!s->node || s->node->kind != GRAPH_MAP)
			continue;
		int32_t seen = s->it_run + s->it_ok + s->it_fail + s->it_abort;
		const struct graph_box *b = graph_layout_find(app->layout, s->node);
		if (!b || (seen == 0 && s->length == 0 && s->runs == 0))
			continue;
		char text[128];
		bool a = app->opt.ascii;
		if (s->runs > 0 && seen == 0) {
			/* Distributed: child executions are not in this history, the Map Run is. */
			int32_t open = s->runs - s->runs_ok - s->runs_failed - s->runs_aborted;
			snprintf(text, sizeof(text), " map run %s ",
				 open > 0	   ? (a ? "> running" : "▶ running")
				 : s->runs_failed  ? (a ? "x failed" : "✗ failed")
				 : s->runs_aborted ? (a ? "# aborted" : "■ aborted")
						   : (a ? "+ succeeded" : "✓ succeeded"));
			frame_label(c, b, ox, oy, text, text);
			continue;
		}
		const int32_t counts[4] = {s->it_run, s->it_ok, s->it_fail + s->it_abort,
					   s->length > seen ? s->length : seen};
		counts_label(app, c, b, ox, oy, counts, "");
	}
}

void view_graph(struct tui_app *app, struct canvas *c, struct canvas_rect r)
{
	char extra[96] = "";
	if (app->gsel)
		snprintf(extra, sizeof(extra), "%s", app->gsel->label);
	else if (app->graph_from_log)
		snprintf(extra, sizeof(extra), "from the history (no definition)");
	struct canvas_rect in = tui_pane_box(app, c, PANE_GRAPH, r, extra);
	canvas_set_clip(c, in);
	if (!app->layout) {
		canvas_put_str_fit(c, in.x + 1, in.y, in.w - 2,
				   "no definition: pass --definition FILE", CANVAS_DIM);
		return;
	}
	play_color_graph(app);
	int lw = graph_layout_width(app->layout), lh = graph_layout_height(app->layout);
	const struct graph_box *fb = app->gfollow ? focus_box(app) : NULL;
	if (fb)
		keep_visible(app, fb, in.w, in.h);
	int ox = in.x - app->gpan_x, oy = in.y - app->gpan_y;
	if (lw < in.w)
		ox = in.x + (in.w - lw) / 2;
	app->gox = ox;
	app->goy = oy;
	graph_draw(app->layout, c, ox, oy, app->gsel);
	map_counts(app, c, ox, oy);
	/* Say where more of the graph is hidden. */
	if (lh > in.h && app->gpan_y + in.h < lh)
		canvas_put(c, in.x + in.w - 1, in.y + in.h - 1, tui_glyph(app, 0x25BC, 'v'),
			   CANVAS_DIM);
	if (app->gpan_y > 0)
		canvas_put(c, in.x + in.w - 1, in.y, tui_glyph(app, 0x25B2, '^'), CANVAS_DIM);
	if (lw > in.w && app->gpan_x + in.w < lw)
		canvas_put(c, in.x + in.w - 2, in.y + in.h - 1, tui_glyph(app, 0x25B6, '>'),
			   CANVAS_DIM);
}

/* The next box after the selection in reading order (dir 1) or before it (dir -1). */
static const struct graph_box *neighbour(struct tui_app *app, int dir)
{
	const struct graph_box *cur = app->gsel ? graph_layout_find(app->layout, app->gsel) : NULL;
	const struct graph_box *best = NULL;
	for (size_t i = 0; i < graph_layout_box_count(app->layout); i++) {
		const struct graph_box *b = graph_layout_box(app->layout, i);
		long key = (long)b->y * 100000 + b->x,
		     ck = cur ? (long)cur->y * 100000 + cur->x : -1;
		long bk = best ? (long)best->y * 100000 + best->x : 0;
		if (!cur) {
			if (!best || key < bk)
				best = b;
		} else if (dir > 0 ? key > ck && (!best || key < bk)
				   : key < ck && (!best || key > bk)) {
			best = b;
		}
	}
	return best ? best : cur;
}

bool keys_graph(struct tui_app *app, int key)
{
	if (!app->layout)
		return false;
	struct canvas_rect r = app->rect[PANE_GRAPH];
	int step_y = r.h > 6 ? r.h / 2 : 3;
	switch (key) {
	case 'j':
	case TUI_KEY_DOWN:
	case 'k':
	case TUI_KEY_UP: {
		const struct graph_box *b =
		    neighbour(app, key == 'j' || key == TUI_KEY_DOWN ? 1 : -1);
		if (b)
			app->gsel = b->node;
		app->gfollow = true;
		return true;
	}
	case 'h':
	case TUI_KEY_LEFT:
		app->gpan_x -= 4;
		app->gpan_x = app->gpan_x < 0 ? 0 : app->gpan_x;
		app->gfollow = false;
		return true;
	case 'l':
	case TUI_KEY_RIGHT:
		app->gpan_x += 4;
		app->gfollow = false;
		return true;
	case TUI_KEY_PGUP:
		app->gpan_y -= step_y;
		app->gpan_y = app->gpan_y < 0 ? 0 : app->gpan_y;
		app->gfollow = false;
		return true;
	case TUI_KEY_PGDN:
		app->gpan_y += step_y;
		app->gfollow = false;
		return true;
	case 'c':
		app->gfollow = true;
		return true;
	case TUI_KEY_ENTER:
		if (!app->gsel)
			return false;
		app->hidden[PANE_INSPECT] = false;
		app->inspect_from = PANE_GRAPH;
		app->iscroll = 0;
		return true;
	case TUI_KEY_ESC:
		if (!app->gsel)
			return false;
		app->gsel = NULL;
		app->gfollow = true;
		return true;
	default:
		return false;
	}
}

/* Whether e enters the state named `label`. */
static bool enters(const struct tui_app *app, const struct ev *e, const char *label)
{
	const char *n = ev_type_name(e->type);
	size_t len = strlen(n);
	return e->state && len > 12 && !strcmp(n + len - 12, "StateEntered") &&
	       !strcmp(ev_log_str(app->log, e->state), label);
}

void graph_jump(struct tui_app *app, int dir)
{
	const char *label = app->gsel->label;
	struct ev_producer *pr = app->src.producer;
	if (dir > 0) {
		/* Forward: through the log, asking a live producer for more (a bounded amount). */
		for (size_t id = app->play.pos + 1, budget = 100000; budget > 0; id++, budget--) {
			if (id > ev_log_count(app->log) &&
			    (pr->ops->finished(pr->self) || !pr->ops->step(pr->self)))
				break;
			const struct ev *e = ev_log_get(app->log, (int64_t)id);
			if (e && enters(app, e, label)) {
				tl_index_update(app->tl);
				tui_app_seek(app, e->t_ms);
				return;
			}
		}
		tl_index_update(app->tl);
	} else {
		for (size_t id = app->play.pos; id >= 1; id--) {
			const struct ev *e = ev_log_get(app->log, (int64_t)id);
			if (enters(app, e, label) && e->t_ms < app->play.t) {
				tui_app_seek(app, e->t_ms);
				return;
			}
		}
	}
	snprintf(app->message, sizeof(app->message), "no %s visit of %s",
		 dir > 0 ? "later" : "earlier", label);
}
