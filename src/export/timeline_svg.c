/*
 * export — the timeline as a standalone SVG.
 *
 * Layout: title block, a time axis with "nice" ticks (1, 2, 5 × 10^k ms), one row per timeline
 * row with its label at the left, then a note about rows not drawn and the legend. A visit is
 * a pale bar outlined in its status colour; a task (or Map/Parallel) attempt a solid thin bar
 * inside it; a retry back-off and a Wait visit have patterns of their own. Each shape carries
 * a <title> tooltip naming state, kind, status and times, so status is never colour alone.
 */
#include "export/internal.h"

#include <stdlib.h>
#include <string.h>

enum {
	SVG_W = 1200,
	LABEL_W = 250,
	PLOT_X0 = LABEL_W + 10,
	PLOT_X1 = SVG_W - 40,
	CHART_Y = 74, /* the in-flight chart: top */
	CHART_H = 56, /* and height */
	AXIS_Y = 160,
	ROWS_Y = 172,
	ROW_H = 22,
	LABEL_COLS = 36,
};

struct tsvg {
	const struct exp_source *src;
	struct strbuf sb;
	int64_t t0, t1;	   /* the time range drawn */
	size_t drawn;	   /* rows drawn */
	VEC(int32_t) y_of; /* row id -> y of the row, -1 when not drawn */
};

static double x_of(const struct tsvg *s, int64_t ms)
{
	double span = (double)(s->t1 - s->t0);
	return PLOT_X0 + (double)(ms - s->t0) * (PLOT_X1 - PLOT_X0) / (span > 0 ? span : 1);
}

static const char *str(const struct tsvg *s, ev_str_t id)
{
	const char *v = ev_log_str(s->src->log, id);
	return v ? v : "";
}

/* The range: execution start to its end (or last event), stretched to a deadline that is
 * close enough to be worth showing. */
static void time_range(struct tsvg *s)
{
	const struct tl_outcome *o = tl_index_outcome(s->src->tl);
	s->t0 = o->start_ms > 0 ? 0 : o->start_ms;
	s->t1 = o->end_ms >= 0 ? o->end_ms : o->last_ms;
	int64_t dl = tl_index_deadline(s->src->tl);
	if (dl > s->t1 && dl <= 2 * (s->t1 - s->t0) + s->t0)
		s->t1 = dl;
	if (s->t1 <= s->t0)
		s->t1 = s->t0 + 1;
}

static void defs(struct tsvg *s)
{
	sb_add(&s->sb,
	       "<defs>\n"
	       "<pattern id=\"backoff\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	       "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fde3c8\"/>"
	       "<rect width=\"3\" height=\"6\" fill=\"#f28e2b\"/></pattern>\n"
	       "<pattern id=\"wait\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
	       "<rect width=\"6\" height=\"6\" fill=\"#d6eceb\"/>"
	       "<circle cx=\"3\" cy=\"3\" r=\"1.3\" fill=\"#3f8f8a\"/></pattern>\n"
	       "</defs>\n");
}

static void title_block(struct tsvg *s)
{
	const struct tl_outcome *o = tl_index_outcome(s->src->tl);
	const struct ev_log_meta *meta = ev_log_meta_const(s->src->log);
	sb_add(&s->sb, "<text x=\"12\" y=\"24\" font-size=\"16\" font-weight=\"bold\">");
	exp_xml_escape(&s->sb, s->src->title	? s->src->title
			       : s->src->origin ? s->src->origin
						: "execution");
	if (meta->execution_name) {
		sb_add(&s->sb, " \xE2\x80\x94 ");
		exp_xml_escape(&s->sb, str(s, meta->execution_name));
	}
	sb_add(&s->sb, "</text>\n<text x=\"12\" y=\"44\">");
	if (s->src->origin && s->src->title) {
		exp_xml_escape(&s->sb, s->src->origin);
		sb_add(&s->sb, " \xC2\xB7 ");
	}
	sb_addf(&s->sb, "%s", tl_exec_status_name(o->status));
	if (o->end_ms >= 0) {
		sb_add(&s->sb, " after ");
		exp_format_ms(&s->sb, o->end_ms - o->start_ms);
	}
	size_t rows = tl_index_row_count(s->src->tl);
	sb_addf(&s->sb, " \xC2\xB7 %zu events \xC2\xB7 %zu row%s", ev_log_count(s->src->log), rows,
		rows == 1 ? "" : "s");
	if (meta->synthetic_time)
		sb_add(&s->sb, " \xC2\xB7 times synthetic (timestamps missing: event order only)");
	sb_add(&s->sb, "</text>\n");
	if (o->error || o->cause) {
		sb_add(&s->sb, "<text x=\"12\" y=\"62\" fill=\"#b2182b\">");
		exp_xml_escape(&s->sb, str(s, o->error));
		char *cause = canvas_str_fit(str(s, o->cause), 150, false);
		if (o->cause) {
			sb_add(&s->sb, ": ");
			exp_xml_escape(&s->sb, cause);
		}
		free(cause);
		sb_add(&s->sb, "</text>\n");
	}
}

static int64_t tick_step(int64_t range)
{
	int64_t step = 1;
	for (;;) {
		for (int m = 1; m <= 5; m += m == 1 ? 1 : 3) /* 1, 2, 5 */
			if (range / (step * m) <= 10)
				return step * m;
		step *= 10;
	}
}

static void axis(struct tsvg *s, int bottom)
{
	int64_t step = tick_step(s->t1 - s->t0);
	sb_addf(&s->sb,
		"<g class=\"axis\" stroke=\"#888888\">\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		"y2=\"%d\"/>\n",
		PLOT_X0, AXIS_Y, PLOT_X1, AXIS_Y);
	for (int64_t t = (s->t0 / step) * step; t <= s->t1; t += step) {
		if (t < s->t0)
			continue;
		double x = x_of(s, t);
		sb_addf(&s->sb, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x,
			AXIS_Y - 4, x, AXIS_Y);
		sb_addf(&s->sb,
			"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eeeeee\"/>\n",
			x, AXIS_Y + 1, x, bottom);
		sb_addf(&s->sb,
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" stroke=\"none\" "
			"fill=\"#444444\">",
			x, AXIS_Y - 7);
		exp_format_ms(&s->sb, t);
		sb_add(&s->sb, "</text>\n");
	}
	sb_add(&s->sb, "</g>\n");
}

/* One series sampled to a pixel column each, as a step outline (max per column). */
static int32_t series_path(struct tsvg *s, enum tl_series_kind kind, double scale,
			   const char *colour, const char *fill)
{
	size_t n = PLOT_X1 - PLOT_X0;
	int32_t *v = xcalloc(n, sizeof(*v));
	tl_index_series_sample(s->src->tl, kind, s->t0, s->t1, v, n);
	int base = CHART_Y + CHART_H;
	sb_addf(&s->sb, "<path fill=\"%s\" fill-opacity=\"0.35\" stroke=\"%s\" d=\"M%d %d", fill,
		colour, PLOT_X0, base);
	int32_t peak = 0;
	for (size_t k = 0; k < n; k++) {
		peak = v[k] > peak ? v[k] : peak;
		if (k == 0 || v[k] != v[k - 1])
			sb_addf(&s->sb, "H%zu V%.1f", PLOT_X0 + k, base - v[k] * scale);
	}
	sb_addf(&s->sb, "H%d V%d z\"/>\n", PLOT_X1, base);
	free(v);
	return peak;
}

/* How many Map iterations and tasks are in flight over time: the aggregate view that still
 * says something when there are too many rows to draw. */
static void chart(struct tsvg *s)
{
	const struct tl_index *tl = s->src->tl;
	struct tl_series_stats it, tk;
	tl_index_series_stats(tl, TL_SERIES_ITERATIONS, &it);
	tl_index_series_stats(tl, TL_SERIES_TASKS, &tk);
	int32_t limit = tl_index_limit(tl);
	int32_t top = it.peak > tk.peak ? it.peak : tk.peak;
	top = limit > top ? limit : top;
	double scale = top > 0 ? (double)CHART_H / top : 0;
	sb_addf(&s->sb,
		"<g class=\"in-flight\">\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		"fill=\"#fafafa\" stroke=\"#dddddd\"/>\n",
		PLOT_X0, CHART_Y, PLOT_X1 - PLOT_X0, CHART_H);
	if (top == 0) {
		sb_addf(&s->sb,
			"<text x=\"%d\" y=\"%d\" fill=\"#888888\">no Map iterations or tasks in "
			"flight</text>\n</g>\n",
			PLOT_X0 + 8, CHART_Y + 32);
		return;
	}
	sb_addf(&s->sb,
		"<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%d</text>\n"
		"<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">0</text>\n",
		PLOT_X0 - 4, CHART_Y + 9, (int)top, PLOT_X0 - 4, CHART_Y + CHART_H);
	if (it.peak > 0)
		series_path(s, TL_SERIES_ITERATIONS, scale, "#4e79a7", "#a0cbe8");
	if (tk.peak > 0)
		series_path(s, TL_SERIES_TASKS, scale, "#f28e2b", "#ffbe7d");
	if (limit > 0)
		sb_addf(&s->sb,
			"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#b2182b\" "
			"stroke-dasharray=\"4,2\"/>\n",
			PLOT_X0, CHART_Y + CHART_H - limit * scale, PLOT_X1,
			CHART_Y + CHART_H - limit * scale);
	sb_addf(&s->sb,
		"<text x=\"12\" y=\"%d\" fill=\"#4e79a7\">iterations in flight: peak %d, "
		"mean %.1f</text>\n",
		CHART_Y + 20, (int)it.peak, it.mean);
	sb_addf(&s->sb,
		"<text x=\"12\" y=\"%d\" fill=\"#c85200\">tasks running: peak %d, "
		"mean %.1f</text>\n",
		CHART_Y + 38, (int)tk.peak, tk.mean);
	if (limit > 0)
		sb_addf(&s->sb,
			"<text x=\"12\" y=\"%d\" fill=\"#b2182b\">MaxConcurrency %d</text>\n",
			CHART_Y + 56, (int)limit);
	sb_add(&s->sb, "</g>\n");
}

static void tooltip(struct tsvg *s, const struct tl_span *sp, int64_t end)
{
	static const char *const kinds[] = {"visit", "attempt", "retry back-off"};
	sb_add(&s->sb, "<title>");
	exp_xml_escape(&s->sb, str(s, sp->state));
	sb_addf(&s->sb, " (%s) %s", tl_state_type_name(sp->type), kinds[sp->kind]);
	if (sp->kind != TL_SPAN_VISIT)
		sb_addf(&s->sb, " %d", (int)sp->attempt);
	sb_addf(&s->sb, ": %s, ", tl_status_name(sp->status));
	exp_format_ms(&s->sb, sp->start_ms);
	sb_add(&s->sb, " \xE2\x80\x93 ");
	exp_format_ms(&s->sb, end);
	if (sp->end_ms < 0)
		sb_add(&s->sb, " (open)");
	if (sp->error) {
		sb_add(&s->sb, ", error ");
		exp_xml_escape(&s->sb, str(s, sp->error));
	}
	sb_add(&s->sb, "</title>");
}

/* The state's name inside a visit wide enough for it (about 6 px a column at 10 px). */
static void visit_name(struct tsvg *s, int y, const struct tl_span *sp, double x, double w)
{
	int cols = (int)((w - 6) / 6);
	if (sp->kind != TL_SPAN_VISIT || cols < 4)
		return;
	char *fit = canvas_str_fit(str(s, sp->state), cols, false);
	sb_addf(&s->sb, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#333333\">", x + 3,
		y + 11);
	exp_xml_escape(&s->sb, fit);
	sb_add(&s->sb, "</text>\n");
	free(fit);
}

static void span(struct tsvg *s, int y, const struct tl_span *sp)
{
	int64_t end = sp->end_ms >= 0 ? sp->end_ms : s->t1;
	double x = x_of(s, sp->start_ms), w = x_of(s, end) - x;
	if (w < 1.5)
		w = 1.5; /* an instant (Pass, Choice, a fast attempt) stays visible */
	const char *fill = exp_status_fill(sp->status);
	if (sp->kind == TL_SPAN_VISIT && sp->type == TL_STATE_WAIT && sp->status == TL_SUCCEEDED)
		sb_addf(
		    &s->sb,
		    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"url(#wait)\" "
		    "stroke=\"#3f8f8a\">",
		    x, y + 2, w);
	else if (sp->kind == TL_SPAN_VISIT)
		sb_addf(&s->sb,
			"<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\" "
			"fill-opacity=\"0.3\" stroke=\"%s\">",
			x, y + 2, w, fill, fill);
	else if (sp->kind == TL_SPAN_BACKOFF)
		sb_addf(&s->sb,
			"<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"7\" "
			"fill=\"url(#backoff)\">",
			x, y + 12, w);
	else
		sb_addf(&s->sb,
			"<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"5\" fill=\"%s\">", x,
			y + 13, w, fill);
	tooltip(s, sp, end);
	sb_add(&s->sb, "</rect>\n");
	visit_name(s, y, sp, x, w);
	if ((sp->status == TL_FAILED || sp->status == TL_CAUGHT) && sp->kind != TL_SPAN_BACKOFF &&
	    sp->end_ms >= 0)
		sb_addf(&s->sb,
			"<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#b2182b\" "
			"text-anchor=\"middle\">\xC3\x97</text>\n",
			x + w, y + 9);
}

static void row_label(struct tsvg *s, int y, const struct tl_row *r)
{
	char *fit = canvas_str_fit(r->kind == TL_ROW_TOP ? "execution" : r->label,
				   LABEL_COLS - 2 * r->depth, false);
	const char *colour = r->status == TL_PENDING ? "#999999" : "#222222";
	sb_addf(&s->sb, "<text x=\"%d\" y=\"%d\" fill=\"%s\">", 8 + 10 * r->depth, y + 15, colour);
	if (r->kind != TL_ROW_TOP && r->depth > 1) {
		exp_xml_escape(&s->sb, str(s, r->state));
		sb_addc(&s->sb, ' ');
	}
	exp_xml_escape(&s->sb, fit);
	if (r->kind != TL_ROW_TOP && r->attempt > 1) /* a retried Map/Parallel runs again */
		sb_addf(&s->sb, " \xC2\xB7 attempt %d", (int)r->attempt);
	sb_add(&s->sb, "<title>");
	exp_xml_escape(&s->sb, r->kind == TL_ROW_TOP ? "execution" : r->label);
	sb_addf(&s->sb, ": %s</title></text>\n", tl_status_name(r->status));
	free(fit);
}

static void rows(struct tsvg *s)
{
	const struct tl_index *tl = s->src->tl;
	size_t n = tl_index_row_count(tl);
	for (size_t i = 0; i < n && i < EXP_SVG_MAX_ROWS; i++) {
		const struct tl_row *r = tl_index_row(tl, i);
		int y = ROWS_Y + (int)i * ROW_H;
		while (s->y_of.len <= (size_t)r->id)
			VEC_PUSH(s->y_of, -1);
		s->y_of.items[r->id] = y;
		if (i % 2)
			sb_addf(&s->sb,
				"<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" "
				"fill=\"#f7f7f7\"/>\n",
				y, SVG_W, ROW_H);
		row_label(s, y, r);
		size_t count;
		const struct tl_span *sp = tl_index_spans(tl, r->id, &count);
		for (size_t k = 0; k < count; k++)
			span(s, y, &sp[k]);
		s->drawn++;
	}
}

/* Past EXP_SVG_MAX_ROWS: how many rows were left out, by status. */
static void rows_note(struct tsvg *s, int y)
{
	const struct tl_index *tl = s->src->tl;
	size_t n = tl_index_row_count(tl), by[TL_ROW_STATUS_COUNT] = {0};
	for (size_t i = s->drawn; i < n; i++)
		by[tl_index_row(tl, i)->status]++;
	sb_addf(&s->sb,
		"<text x=\"12\" y=\"%d\" font-style=\"italic\">%zu more rows not drawn:", y + 13,
		n - s->drawn);
	const char *sep = " ";
	for (int st = 0; st < TL_ROW_STATUS_COUNT; st++) {
		if (!by[st])
			continue;
		sb_addf(&s->sb, "%s%zu %s", sep, by[st], tl_status_name((enum tl_status)st));
		sep = ", ";
	}
	sb_add(&s->sb, " (the trace export has every row)</text>\n");
}

static void vline(struct tsvg *s, int64_t t, int bottom, const char *colour, const char *label)
{
	double x = x_of(s, t);
	sb_addf(&s->sb,
		"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
		"stroke-width=\"1.5\" stroke-dasharray=\"5,3\"/>\n",
		x, AXIS_Y, x, bottom, colour);
	sb_addf(&s->sb,
		"<text x=\"%.1f\" y=\"%d\" fill=\"%s\" font-size=\"11\" text-anchor=\"end\">",
		x - 3, ROWS_Y - 2, colour);
	exp_xml_escape(&s->sb, label);
	sb_add(&s->sb, "</text>\n");
}

static void markers(struct tsvg *s, int bottom)
{
	int64_t dl = tl_index_deadline(s->src->tl);
	size_t n;
	const struct tl_marker *m = tl_index_markers(s->src->tl, &n);
	bool timed_out = false;
	for (size_t i = 0; i < n; i++) {
		if (m[i].kind == TL_MARK_EXECUTION_TIMEOUT) {
			vline(s, m[i].t_ms, bottom, "#b2182b", "execution timed out");
			timed_out = true;
			continue;
		}
		int y = (size_t)m[i].row < s->y_of.len ? s->y_of.items[m[i].row] : -1;
		if (y < 0)
			continue;
		double x = x_of(s, m[i].t_ms);
		sb_addf(&s->sb,
			"<path d=\"M%.1f %d l5 -7 h-10 z\" fill=\"#7b3294\"><title>task timed out "
			"at ",
			x, y + 20);
		exp_format_ms(&s->sb, m[i].t_ms);
		sb_add(&s->sb, "</title></path>\n");
	}
	if (dl >= 0 && !timed_out && dl <= s->t1)
		vline(s, dl, bottom, "#b2182b", "execution deadline");
}

static void legend_item(struct tsvg *s, int *x, int y, const char *shape, const char *text)
{
	sb_addf(&s->sb, "<g transform=\"translate(%d,%d)\">%s<text x=\"22\" y=\"11\">", *x, y,
		shape);
	exp_xml_escape(&s->sb, text);
	sb_add(&s->sb, "</text></g>\n");
	*x += 30 + 7 * (int)strlen(text);
}

static void legend(struct tsvg *s, int y)
{
	int x = 12;
	static const enum tl_status sts[] = {TL_SUCCEEDED, TL_CAUGHT,  TL_FAILED,
					     TL_TIMED_OUT, TL_ABORTED, TL_RUNNING};
	for (size_t i = 0; i < ARRAY_LEN(sts); i++) {
		char *shape = xasprintf("<rect width=\"16\" height=\"12\" fill=\"%s\" "
					"fill-opacity=\"0.35\" stroke=\"%s\"/>",
					exp_status_fill(sts[i]), exp_status_fill(sts[i]));
		char *name = xstrdup(tl_status_name(sts[i]));
		for (char *p = name; *p; p++)
			*p = *p == '_' ? ' ' : (char)(*p - 'A' + 'a');
		legend_item(s, &x, y, shape, name);
		free(shape);
		free(name);
	}
	y += 20;
	x = 12;
	legend_item(s, &x, y, "<rect y=\"3\" width=\"16\" height=\"6\" fill=\"#59a14f\"/>",
		    "attempt (inside its visit)");
	legend_item(s, &x, y, "<rect y=\"2\" width=\"16\" height=\"8\" fill=\"url(#backoff)\"/>",
		    "retry back-off");
	legend_item(s, &x, y,
		    "<rect width=\"16\" height=\"12\" fill=\"url(#wait)\" stroke=\"#3f8f8a\"/>",
		    "wait");
	legend_item(s, &x, y, "<text x=\"8\" y=\"11\" fill=\"#b2182b\">\xC3\x97</text>", "failure");
	legend_item(s, &x, y, "<path d=\"M8 12 l5 -6 h-10 z\" fill=\"#7b3294\"/>", "task timeout");
	legend_item(s, &x, y,
		    "<line x1=\"8\" y1=\"0\" x2=\"8\" y2=\"14\" stroke=\"#b2182b\" "
		    "stroke-dasharray=\"5,3\"/>",
		    "execution timeout / deadline");
}

char *exp_timeline_svg(const struct exp_source *src, size_t *len)
{
	struct tsvg s = {.src = src};
	sb_init(&s.sb);
	time_range(&s);
	size_t n = tl_index_row_count(src->tl);
	size_t shown = n < EXP_SVG_MAX_ROWS ? n : EXP_SVG_MAX_ROWS;
	int bottom = ROWS_Y + (int)shown * ROW_H;
	int note = n > shown ? ROW_H + 4 : 0;
	exp_svg_open(&s.sb, SVG_W, bottom + note + 64);
	defs(&s);
	title_block(&s);
	chart(&s);
	axis(&s, bottom);
	rows(&s);
	if (note)
		rows_note(&s, bottom + 2);
	markers(&s, bottom);
	legend(&s, bottom + note + 14);
	sb_add(&s.sb, "</svg>\n");
	VEC_FREE(s.y_of);
	if (len)
		*len = s.sb.len;
	return sb_take(&s.sb);
}
