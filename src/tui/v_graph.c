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

static void map_counts(struct tui_app *app, struct canvas *c, int ox, int oy)
{
	for (size_t i = 1; i < app->play.states.len; i++) {
		const struct tui_state_stat *s = &app->play.states.items[i];
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
			canvas_put_str_fit(c, ox + b->x + 2, oy + b->y + b->h - 1, b->w - 4, text,
					   CANVAS_INFO);
			continue;
		}
		snprintf(text, sizeof(text), " %s %d running %s %d %s %d / %d ", a ? ">" : "▶",
			 s->it_run, a ? "+" : "✓", s->it_ok, a ? "x" : "✗",
			 s->it_fail + s->it_abort, s->length > seen ? s->length : seen);
		if (canvas_str_width(text) > b->w - 4)
			snprintf(text, sizeof(text), " %s%d %s%d %s%d/%d ", a ? ">" : "▶",
				 s->it_run, a ? "+" : "✓", s->it_ok, a ? "x" : "✗",
				 s->it_fail + s->it_abort, s->length > seen ? s->length : seen);
		canvas_put_str_fit(c, ox + b->x + 2, oy + b->y + b->h - 1, b->w - 4, text,
				   CANVAS_INFO);
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
