/*
 * Compact text renderings for headless output: several timelines on one time axis (one line
 * per row, block characters), and a horizontal bar plot. Both fit a given width.
 */
#include "analysis/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "timeline/timeline.h"

enum { LABEL_W = 14 };

/* Cell levels, drawn by importance: a running task or a retry back-off hides the visit
 * around it. */
enum { CELL_IDLE, CELL_STATE, CELL_WAIT, CELL_TASK };
static const char *const glyph[] = {" ", "▒", "░", "█"};

static int span_level(const struct tl_span *sp)
{
	if (sp->kind == TL_SPAN_BACKOFF || (sp->kind == TL_SPAN_VISIT && sp->type == TL_STATE_WAIT))
		return CELL_WAIT;
	if (sp->kind == TL_SPAN_ATTEMPT && sp->type == TL_STATE_TASK)
		return CELL_TASK;
	return CELL_STATE;
}

static int64_t lane_end(const struct tl_index *idx)
{
	const struct tl_outcome *o = tl_index_outcome(idx);
	return o->end_ms >= 0 ? o->end_ms : o->last_ms;
}

/* Marks the columns [start, end) covers; at least one column, so instant states show. */
static void paint(unsigned char *cells, int cols, int64_t tmax, int64_t start, int64_t end,
		  int level)
{
	int c0 = (int)((double)start * cols / (double)tmax);
	int c1 = (int)ceil((double)end * cols / (double)tmax);
	if (c0 >= cols)
		c0 = cols - 1;
	if (c1 <= c0)
		c1 = c0 + 1;
	if (c1 > cols)
		c1 = cols;
	for (int c = c0; c < c1; c++)
		if (cells[c] < level)
			cells[c] = (unsigned char)level;
}

static void draw_row(FILE *out, const struct tl_index *idx, const struct tl_row *row, int64_t tmax,
		     int cols, const char *lane)
{
	unsigned char *cells = xcalloc((size_t)cols, 1);
	size_t n;
	const struct tl_span *sp = tl_index_spans(idx, row->id, &n);
	for (size_t i = 0; i < n; i++) {
		int64_t end = sp[i].end_ms >= 0 ? sp[i].end_ms : lane_end(idx);
		paint(cells, cols, tmax, sp[i].start_ms, end, span_level(&sp[i]));
	}
	char label[64];
	if (row->kind == TL_ROW_TOP)
		snprintf(label, sizeof(label), "%s execution", lane);
	else
		snprintf(label, sizeof(label), "%s %*s#%d%s", lane, (int)(row->depth - 1) * 2, "",
			 row->index, row->attempt > 1 ? " (retry)" : "");
	struct strbuf sb;
	sb_init(&sb);
	sb_addf(&sb, "%-*.*s|", LABEL_W - 1, LABEL_W - 1, label);
	for (int c = 0; c < cols; c++)
		sb_add(&sb, glyph[cells[c]]);
	fprintf(out, "%s|\n", sb_str(&sb));
	sb_fini(&sb);
	free(cells);
}

static void draw_axis(FILE *out, int64_t tmax, int cols)
{
	char right[32];
	snprintf(right, sizeof(right), "%.3f s", (double)tmax / 1000.0);
	int pad = cols + 1 - 3 - (int)strlen(right);
	fprintf(out, "%*s0 s%*s%s\n", LABEL_W, "", pad > 1 ? pad : 1, "", right);
}

void an_draw_lanes(FILE *out, const struct an_lane *lanes, size_t count, int width, size_t max_rows)
{
	int cols = width - LABEL_W - 1;
	if (cols < 10)
		cols = 10;
	struct tl_index **idx = xcalloc(count ? count : 1, sizeof(*idx));
	int64_t tmax = 1;
	for (size_t i = 0; i < count; i++) {
		idx[i] = tl_index_new(lanes[i].log);
		tl_index_update(idx[i]);
		if (lane_end(idx[i]) > tmax)
			tmax = lane_end(idx[i]);
	}
	for (size_t i = 0; i < count; i++) {
		size_t rows = tl_index_row_count(idx[i]), shown = 0;
		for (size_t r = 0; r < rows; r++) {
			const struct tl_row *row = tl_index_row(idx[i], r);
			if (row->kind == TL_ROW_BRANCH || row->status == TL_PENDING)
				continue;
			if (shown++ < max_rows)
				draw_row(out, idx[i], row, tmax, cols, lanes[i].name);
		}
		if (shown > max_rows)
			fprintf(out, "%s +%zu more rows\n", lanes[i].name, shown - max_rows);
	}
	draw_axis(out, tmax, cols);
	fprintf(out, "%*s█ task  ▒ other state  ░ wait or retry back-off\n", LABEL_W, "");
	for (size_t i = 0; i < count; i++)
		tl_index_free(idx[i]);
	free(idx);
}

void an_draw_bars(FILE *out, const char *const *labels, const double *values,
		  const char *const *texts, size_t n, int width)
{
	static const char *const eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
	int lw = 5;
	double vmax = 0;
	for (size_t i = 0; i < n; i++) {
		int l = (int)strlen(labels[i]);
		lw = l > lw ? l : lw;
		vmax = values[i] > vmax ? values[i] : vmax;
	}
	if (lw > width / 3)
		lw = width / 3;
	int bar_w = width - lw - 14;
	if (bar_w < 10)
		bar_w = 10;
	for (size_t i = 0; i < n; i++) {
		int e8 = vmax > 0 ? (int)lround(values[i] / vmax * bar_w * 8) : 0;
		struct strbuf sb;
		sb_init(&sb);
		for (int k = 0; k < e8 / 8; k++)
			sb_add(&sb, "█");
		sb_add(&sb, eighths[e8 % 8]);
		int used = e8 / 8 + (e8 % 8 ? 1 : 0);
		fprintf(out, "%-*.*s  %s%*s  %s\n", lw, lw, labels[i], sb_str(&sb), bar_w - used,
			"", texts[i]);
		sb_fini(&sb);
	}
}
