/*
 * The concurrency pane: Map iterations and task invocations in flight over the timeline's
 * time window, as block area charts against the MaxConcurrency line, with now / peak / mean
 * up to the cursor. Sampling is O(columns log points), whatever the number of items.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

/*
 * Peak and time-weighted mean of a series over [0, t]. Complete segments are cached, so a
 * frame at the same or a later cursor costs O(new points), not O(points); a rewind restarts.
 */
static void stats_upto(struct tui_app *app, enum tl_series_kind kind, int64_t t, int32_t *peak,
		       double *mean)
{
	const int64_t *ts;
	const int32_t *vs;
	size_t n = tl_index_series(app->tl, kind, &ts, &vs);
	struct conc_cache *cc = &app->conc[kind];
	if (cc->done > n || (cc->done > 0 && ts[cc->done] > t))
		memset(cc, 0, sizeof(*cc));
	while (cc->done + 1 < n && ts[cc->done + 1] <= t) {
		cc->area += (double)vs[cc->done] * (double)(ts[cc->done + 1] - ts[cc->done]);
		cc->peak = vs[cc->done] > cc->peak ? vs[cc->done] : cc->peak;
		cc->done++;
	}
	double area = cc->area;
	*peak = cc->peak;
	if (cc->done < n && ts[cc->done] <= t) { /* the open segment up to the cursor */
		area += (double)vs[cc->done] * (double)(t - ts[cc->done]);
		*peak = vs[cc->done] > *peak ? vs[cc->done] : *peak;
	}
	*mean = t > 0 ? area / (double)t : 0;
}

static void chart(struct tui_app *app, struct canvas *c, enum tl_series_kind kind, int x0, int cw,
		  int y, int h, int64_t t0, int64_t t1, int32_t limit)
{
	static const uint32_t eighths[] = {' ',	   0x2581, 0x2582, 0x2583, 0x2584,
					   0x2585, 0x2586, 0x2587, 0x2588};
	int32_t *v = xcalloc((size_t)cw, sizeof(*v));
	tl_index_series_sample(app->tl, kind, t0, t1, v, (size_t)cw);
	int32_t top = limit > app->conc_floor[kind] ? limit : app->conc_floor[kind];
	for (int i = 0; i < cw; i++)
		top = v[i] > top ? v[i] : top;
	top = top < 1 ? 1 : top;
	double per_col = (double)(t1 - t0) / cw;
	enum canvas_role role = kind == TL_SERIES_ITERATIONS ? CANVAS_STATE_RUNNING : CANVAS_SPAN;
	for (int i = 0; i < cw; i++) {
		if (t0 + (int64_t)(per_col * i) > app->play.t)
			break; /* not reached yet */
		int level = (int)((int64_t)v[i] * h * 8 / top);
		for (int row = 0; row < h; row++) {
			int fill = level - row * 8;
			fill = fill < 0 ? 0 : fill > 8 ? 8 : fill;
			uint32_t g = app->opt.ascii ? (fill >= 4  ? '#'
						       : fill > 0 ? '.'
								  : ' ')
						    : eighths[fill];
			if (g != ' ')
				canvas_put(c, x0 + i, y + h - 1 - row, g, role);
		}
	}
	if (limit > 0) {
		int ly = y + h - 1 - (int)((int64_t)limit * h / top);
		if (ly < y)
			ly = y;
		for (int i = 0; i < cw; i++) {
			const struct canvas_cell *cell = canvas_cell(c, x0 + i, ly);
			if (cell && cell->glyph == ' ')
				canvas_put(c, x0 + i, ly, tui_glyph(app, 0x2504, '-'),
					   CANVAS_LIMIT);
		}
	}
	free(v);
}

static void series_block(struct tui_app *app, struct canvas *c, struct canvas_rect in, int lw,
			 enum tl_series_kind kind, int y, int h, int64_t t0, int64_t t1)
{
	int32_t limit = kind == TL_SERIES_ITERATIONS ? tl_index_limit(app->tl) : 0;
	int32_t peak;
	double mean;
	stats_upto(app, kind, app->play.t, &peak, &mean);
	int32_t now = tl_index_series_at(app->tl, kind, app->play.t);
	char now_s[24], line[64];
	canvas_put_str_fit(c, in.x, y, lw,
			   kind == TL_SERIES_ITERATIONS ? "iterations" : "task calls",
			   CANVAS_TITLE);
	if (limit > 0)
		snprintf(now_s, sizeof(now_s), "%d/%d", now, limit);
	else
		snprintf(now_s, sizeof(now_s), "%d", now);
	if (h >= 3) {
		snprintf(line, sizeof(line), "now %s", now_s);
		canvas_put_str_fit(c, in.x, y + 1, lw, line, CANVAS_LABEL);
		snprintf(line, sizeof(line), "peak %d mean %.1f", peak, mean);
		canvas_put_str_fit(c, in.x, y + 2, lw, line, CANVAS_DIM);
	} else {
		snprintf(line, sizeof(line), "%s pk %d ~%.1f", now_s, peak, mean);
		canvas_put_str_fit(c, in.x, y + h - 1, lw, line, CANVAS_LABEL);
	}
	chart(app, c, kind, in.x + lw + 1, in.w - lw - 1, y, h, t0, t1, limit);
}

void view_conc(struct tui_app *app, struct canvas *c, struct canvas_rect r)
{
	char extra[96] = "";
	int32_t limit = tl_index_limit(app->tl);
	int32_t runs = 0, ok = 0, bad = 0;
	for (size_t i = 1; i < app->play.states.len; i++) {
		const struct tui_state_stat *s = &app->play.states.items[i];
		runs += s->runs;
		ok += s->runs_ok;
		bad += s->runs_failed + s->runs_aborted;
	}
	struct tui_child_counts k = {0};
	if (app->src.children && app->src.children(app->src.children_ctx, app->play.t, &k))
		/* The console's Map Run summary: child executions by status, in words. */
		snprintf(extra, sizeof(extra),
			 "children %lld running, %lld ok, %lld failed, %lld aborted / %lld",
			 (long long)k.running, (long long)k.succeeded, (long long)k.failed,
			 (long long)k.aborted,
			 (long long)(k.pending + k.running + k.succeeded + k.failed + k.aborted));
	else if (runs > 0) /* Distributed Map: its child executions live outside this history */
		snprintf(extra, sizeof(extra), "map runs %d: %d running, %d ok, %d failed", runs,
			 runs - ok - bad, ok, bad);
	else if (limit > 0)
		snprintf(extra, sizeof(extra), "MaxConcurrency %d", limit);
	struct canvas_rect in = tui_pane_box(app, c, PANE_CONC, r, extra);
	canvas_set_clip(c, in);
	int lw = timeline_label_width(in.w);
	int64_t t0, t1;
	timeline_window(app, &t0, &t1);
	if (in.w - lw - 1 < 4 || in.h < 1)
		return;
	bool has_map = tl_index_series_at(app->tl, TL_SERIES_ITERATIONS, INT64_MAX / 4) > 0 ||
		       tl_index_row_count(app->tl) > 1;
	if (in.h >= 4 && has_map) {
		int h1 = in.h / 2;
		series_block(app, c, in, lw, TL_SERIES_ITERATIONS, in.y, h1, t0, t1);
		series_block(app, c, in, lw, TL_SERIES_TASKS, in.y + h1, in.h - h1, t0, t1);
	} else {
		series_block(app, c, in, lw, has_map ? TL_SERIES_ITERATIONS : TL_SERIES_TASKS, in.y,
			     in.h, t0, t1);
	}
}
