/*
 * export — the state graph as a standalone SVG, and its colouring from an execution.
 *
 * The layout is the graph module's (graph_layout_*): boxes come from graph_layout_box, and the
 * routed edges, arrows and edge labels from drawing the layout onto a canvas and reading the
 * line stubs of each edge cell back (canvas_cell). So the SVG shows exactly the routes the
 * terminal shows, scaled from cells to pixels, and no routing is done twice.
 */
#include "export/internal.h"

#include <stdlib.h>
#include <string.h>

enum { CELL_W = 9, CELL_H = 18, MARGIN = 16, TITLE_H = 30, LEGEND_H = 30 };

struct gsvg {
	struct strbuf sb;
	const struct canvas *c;
	int ox, oy; /* pixel offset of cell (0, 0) */
};

static double cx(const struct gsvg *s, int x)
{
	return s->ox + (x + 0.5) * CELL_W;
}

static double cy(const struct gsvg *s, int y)
{
	return s->oy + (y + 0.5) * CELL_H;
}

/* ---- colouring ---- */

/* Larger is worse: the status a state shows when its rows disagree. */
static int severity(enum tl_status st)
{
	static const int rank[TL_ROW_STATUS_COUNT] = {
	    [TL_PENDING] = 0, [TL_SUCCEEDED] = 1, [TL_RUNNING] = 2, [TL_CAUGHT] = 3,
	    [TL_ABORTED] = 4, [TL_TIMED_OUT] = 5, [TL_FAILED] = 6};
	return (size_t)st < TL_ROW_STATUS_COUNT ? rank[st] : 0;
}

static void mark_all(struct graph *g, enum canvas_role r)
{
	for (size_t i = 0; i < g->nodes.len; i++) {
		struct graph_node *n = g->nodes.items[i];
		n->status = r;
		for (size_t k = 0; k < n->child_count; k++)
			mark_all(n->children[k], r);
	}
}

typedef VEC(int) int_vec;

static void grow(int_vec *v, size_t n)
{
	while (v->len <= n)
		VEC_PUSH(*v, -1);
}

size_t exp_graph_mark(struct graph *g, const struct ev_log *log, const struct tl_index *tl)
{
	int_vec last = {0}, worst = {0}; /* by interned state name: a tl_status, or -1 */
	VEC(ev_str_t) touched = {0};
	for (size_t i = 0; i < tl_index_row_count(tl); i++) {
		const struct tl_row *r = tl_index_row(tl, i);
		size_t n;
		const struct tl_span *sp = tl_index_spans(tl, r->id, &n);
		touched.len = 0;
		for (size_t k = 0; k < n; k++) {
			if (sp[k].kind != TL_SPAN_VISIT || !sp[k].state)
				continue;
			grow(&last, sp[k].state);
			if (last.items[sp[k].state] < 0)
				VEC_PUSH(touched, sp[k].state);
			last.items[sp[k].state] = (int)sp[k].status; /* spans are in start order */
		}
		for (size_t k = 0; k < touched.len; k++) {
			ev_str_t s = touched.items[k];
			grow(&worst, s);
			int st = last.items[s];
			if (worst.items[s] < 0 ||
			    severity((enum tl_status)st) > severity((enum tl_status)worst.items[s]))
				worst.items[s] = st;
			last.items[s] = -1;
		}
	}
	mark_all(g, CANVAS_STATE_PENDING);
	size_t missing = 0;
	for (size_t s = 1; s < worst.len; s++) {
		if (worst.items[s] < 0)
			continue;
		struct graph_node *node = graph_find(g, ev_log_str(log, (ev_str_t)s));
		if (node)
			node->status = canvas_status_role((enum tl_status)worst.items[s]);
		else
			missing++;
	}
	VEC_FREE(last);
	VEC_FREE(worst);
	VEC_FREE(touched);
	return missing;
}

/* ---- drawing ---- */

static bool is_edge(const struct canvas_cell *cell)
{
	return cell->role == CANVAS_EDGE || cell->role == CANVAS_EDGE_CATCH ||
	       cell->role == CANVAS_EDGE_LOOP;
}

/* A label cell written over a vertical edge (the router puts edge labels just above the arrow):
 * the line goes on through it, under the label's halo. */
static bool through_label(const struct gsvg *s, int x, int y)
{
	const struct canvas_cell *c = canvas_cell(s->c, x, y);
	const struct canvas_cell *up = canvas_cell(s->c, x, y - 1);
	const struct canvas_cell *down = canvas_cell(s->c, x, y + 1);
	return c && c->role == CANVAS_LABEL && up && is_edge(up) && (up->lines & CANVAS_DOWN) &&
	       down && is_edge(down);
}

/* Whether to draw the stub `dir` of an edge cell: only towards another edge cell (a line or an
 * arrow head). Where an edge leaves a box the junction cell sits on the border, and its stubs
 * along the border belong to the box outline, which the SVG draws as a rectangle. */
static bool stub_to(const struct gsvg *s, const struct canvas_cell *cell, int nx, int ny,
		    unsigned dir)
{
	const struct canvas_cell *next = canvas_cell(s->c, nx, ny);
	return (cell->lines & dir) && next && (is_edge(next) || through_label(s, nx, ny));
}

/* One <path> with every stub of the edge cells of one role (catch edges dashed: their
 * junction cells fall back to light lines on the canvas, so the role decides, not the style). */
static void edge_path(struct gsvg *s, enum canvas_role role, bool dashed, const char *colour)
{
	bool open = false;
	for (int y = 0; y < canvas_height(s->c); y++) {
		for (int x = 0; x < canvas_width(s->c); x++) {
			const struct canvas_cell *cell = canvas_cell(s->c, x, y);
			bool label =
			    through_label(s, x, y) && canvas_cell(s->c, x, y - 1)->role == role;
			if ((cell->role != role || !cell->lines) && !label)
				continue;
			if (!open)
				sb_addf(&s->sb,
					"<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.4\"%s "
					"d=\"",
					colour, dashed ? " stroke-dasharray=\"4,3\"" : "");
			open = true;
			double px = cx(s, x), py = cy(s, y);
			if (label) {
				sb_addf(&s->sb, "M%.1f %.1fv%d", px, py - CELL_H / 2.0, CELL_H);
				continue;
			}
			if (stub_to(s, cell, x, y - 1, CANVAS_UP))
				sb_addf(&s->sb, "M%.1f %.1fv%.1f", px, py, -CELL_H / 2.0);
			if (stub_to(s, cell, x, y + 1, CANVAS_DOWN))
				sb_addf(&s->sb, "M%.1f %.1fv%.1f", px, py, CELL_H / 2.0);
			if (stub_to(s, cell, x - 1, y, CANVAS_LEFT))
				sb_addf(&s->sb, "M%.1f %.1fh%.1f", px, py, -CELL_W / 2.0);
			if (stub_to(s, cell, x + 1, y, CANVAS_RIGHT))
				sb_addf(&s->sb, "M%.1f %.1fh%.1f", px, py, CELL_W / 2.0);
		}
	}
	if (open)
		sb_add(&s->sb, "\"/>\n");
}

/* Arrow heads (▼ ▲ ◀ ▶ or v ^ < >) drawn by the router in edge cells. */
static void arrows(struct gsvg *s)
{
	for (int y = 0; y < canvas_height(s->c); y++) {
		for (int x = 0; x < canvas_width(s->c); x++) {
			const struct canvas_cell *cell = canvas_cell(s->c, x, y);
			if (!is_edge(cell) || cell->lines)
				continue;
			double px = cx(s, x), py = cy(s, y);
			const char *d = NULL;
			if (cell->glyph == 0x25BC || cell->glyph == 'v')
				d = "M%.1f %.1fm-4.5 -4h9l-4.5 9z"; /* tip at the cell's bottom */
			else if (cell->glyph == 0x25B2 || cell->glyph == '^')
				d = "M%.1f %.1fm-4.5 4h9l-4.5 -9z";
			else if (cell->glyph == 0x25C0 || cell->glyph == '<')
				d = "M%.1f %.1fm4 -4.5v9l-8 -4.5z";
			else if (cell->glyph == 0x25B6 || cell->glyph == '>')
				d = "M%.1f %.1fm-4 -4.5v9l8 -4.5z";
			if (!d)
				continue;
			sb_add(&s->sb, "<path fill=\"#555555\" d=\"");
			sb_addf(&s->sb, d, px, py);
			sb_add(&s->sb, "\"/>\n");
		}
	}
}

/* A label riding on a horizontal edge (`└─ Default ──┘`): the line goes on under it, from
 * the edge cell before the label's cells [x0, x1) to the one after. */
static void bridge(struct gsvg *s, int x0, int x1, int y)
{
	while (x0 > 0 && canvas_cell(s->c, x0 - 1, y)->role == CANVAS_LABEL)
		x0--;
	const struct canvas_cell *l = canvas_cell(s->c, x0 - 1, y), *r = canvas_cell(s->c, x1, y);
	if (!l || !r || !is_edge(l) || !is_edge(r) || !(l->lines & CANVAS_RIGHT) ||
	    !(r->lines & CANVAS_LEFT))
		return;
	sb_addf(&s->sb,
		"<path fill=\"none\" stroke=\"#555555\" stroke-width=\"1.4\"%s "
		"d=\"M%.1f %.1fH%.1f\"/>\n",
		l->role == CANVAS_EDGE_CATCH ? " stroke-dasharray=\"4,3\"" : "", cx(s, x0 - 1),
		cy(s, y), cx(s, x1));
}

/* Edge labels: runs of LABEL cells on one row, spaces at their ends dropped. */
static void labels(struct gsvg *s)
{
	struct strbuf run;
	sb_init(&run);
	for (int y = 0; y < canvas_height(s->c); y++) {
		for (int x = 0; x < canvas_width(s->c);) {
			const struct canvas_cell *cell = canvas_cell(s->c, x, y);
			if (cell->role != CANVAS_LABEL || cell->glyph == ' ') {
				x++;
				continue;
			}
			int x0 = x;
			sb_clear(&run);
			for (; x < canvas_width(s->c); x++) {
				cell = canvas_cell(s->c, x, y);
				if (cell->role != CANVAS_LABEL)
					break;
				if (cell->glyph)
					sb_add_utf8(&run, cell->glyph);
			}
			while (run.len && run.data[run.len - 1] == ' ')
				run.data[--run.len] = 0;
			bridge(s, x0, x, y);
			sb_addf(&s->sb,
				"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#555555\" "
				"stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" "
				"xml:space=\"preserve\">",
				s->ox + x0 * (double)CELL_W, cy(s, y) + 4);
			exp_xml_escape(&s->sb, sb_str(&run));
			sb_add(&s->sb, "</text>\n");
		}
	}
	sb_fini(&run);
}

static void box_text(struct gsvg *s, double x, double y, const char *text, int cols,
		     const char *attrs)
{
	char *fit = canvas_str_fit(text, cols, false);
	sb_addf(&s->sb, "<text x=\"%.1f\" y=\"%.1f\"%s>", x, y, attrs);
	exp_xml_escape(&s->sb, fit);
	sb_add(&s->sb, "</text>\n");
	free(fit);
}

/* As the terminal writes it ("Pass (end)"), so it fits the box the layout sized for it. */
static void type_line(struct strbuf *sb, const struct graph_node *n)
{
	sb_add(sb, graph_kind_name(n->kind));
	if (n->flags & GRAPH_FLAG_END)
		sb_add(sb, " (end)");
}

/* The status glyph in the box's top-right corner, as in the terminal: status is never shown
 * by colour alone. */
static void status_glyph(struct gsvg *s, const struct graph_node *n, double right, double top)
{
	uint32_t g = canvas_role_glyph(n->status, false);
	if (!g)
		return;
	sb_addf(&s->sb,
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"13\" "
		"font-weight=\"bold\">",
		right - 4, top + 14);
	sb_add_utf8(&s->sb, g);
	sb_add(&s->sb, "</text>\n");
}

static void box(struct gsvg *s, const struct graph_box *b)
{
	const struct graph_node *n = b->node;
	const char *fill = exp_role_fill(n->status);
	double x = cx(s, b->x), y = cy(s, b->y);
	double w = (b->w - 1) * CELL_W, h = (b->h - 1) * CELL_H;
	struct strbuf type;
	sb_init(&type);
	type_line(&type, n);
	sb_addf(&s->sb, "<g class=\"%s\">", b->frame ? "frame" : "state");
	if (b->frame)
		sb_addf(&s->sb,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"6\" "
			"fill=\"%s\" fill-opacity=\"0.12\" stroke=\"%s\" stroke-dasharray=\"6,3\">",
			x, y, w, h, fill ? fill : "#eeeeee", fill ? fill : "#888888");
	else
		sb_addf(&s->sb,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"4\" "
			"fill=\"%s\" fill-opacity=\"%s\" stroke=\"%s\" stroke-width=\"%s\">",
			x, y, w, h, fill ? fill : "#ffffff", fill ? "0.45" : "1",
			n->status == CANVAS_STATE_PENDING ? "#aaaaaa" : "#333333",
			n->kind == GRAPH_FAIL || n->kind == GRAPH_SUCCEED ? "2" : "1.2");
	sb_add(&s->sb, "<title>");
	exp_xml_escape(&s->sb, n->label);
	sb_add(&s->sb, ": ");
	exp_xml_escape(&s->sb, sb_str(&type));
	if (exp_role_name(n->status))
		sb_addf(&s->sb, ", %s", exp_role_name(n->status));
	sb_add(&s->sb, "</title></rect>\n");
	status_glyph(s, n, x + w, y);
	if (b->frame) {
		char *t = xasprintf("%s \xC2\xB7 %s", n->label, sb_str(&type));
		box_text(s, x + CELL_W, y + 14, t, b->w - 4, " font-weight=\"bold\"");
		free(t);
	} else {
		const char *grey = n->status == CANVAS_STATE_PENDING ? " fill=\"#888888\"" : "";
		char *bold = xasprintf(" font-weight=\"bold\"%s", grey);
		box_text(s, x + CELL_W, cy(s, b->y + 1) + 4, n->label, b->w - 4, bold);
		free(bold);
		box_text(s, x + CELL_W, cy(s, b->y + 2) + 4, sb_str(&type), b->w - 4,
			 " font-size=\"11\" fill=\"#555555\"");
	}
	sb_add(&s->sb, "</g>\n");
	sb_fini(&type);
}

static void collect_roles(const struct graph *g, bool *seen)
{
	for (size_t i = 0; i < g->nodes.len; i++) {
		const struct graph_node *n = g->nodes.items[i];
		seen[n->status < CANVAS_ROLE_COUNT ? n->status : CANVAS_DEFAULT] = true;
		for (size_t k = 0; k < n->child_count; k++)
			collect_roles(n->children[k], seen);
	}
}

static void legend(struct gsvg *s, const struct graph *g, int y)
{
	bool seen[CANVAS_ROLE_COUNT] = {0};
	collect_roles(g, seen);
	int x = MARGIN;
	for (int r = 0; r < CANVAS_ROLE_COUNT; r++) {
		const char *name = exp_role_name((enum canvas_role)r);
		if (!seen[r] || !name)
			continue;
		sb_addf(&s->sb,
			"<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"12\" fill=\"%s\" "
			"fill-opacity=\"0.45\" stroke=\"#333333\"/><text x=\"%d\" y=\"%d\">",
			x, y, exp_role_fill((enum canvas_role)r), x + 22, y + 11);
		uint32_t glyph = canvas_role_glyph((enum canvas_role)r, false);
		if (glyph) {
			sb_add_utf8(&s->sb, glyph);
			sb_addc(&s->sb, ' ');
		}
		sb_addf(&s->sb, "%s</text>\n", name);
		x += 52 + 7 * (int)strlen(name);
	}
	sb_addf(&s->sb,
		"<path d=\"M%d %dh24\" stroke=\"#555555\" stroke-dasharray=\"4,3\"/>"
		"<text x=\"%d\" y=\"%d\">Catch</text>\n",
		x, y + 6, x + 30, y + 11);
}

char *exp_graph_svg(const struct graph *g, const char *title, size_t *len)
{
	struct graph_layout *l = graph_layout_new(g);
	struct canvas *c = graph_draw_whole(l, false);
	if (!c) {
		graph_layout_free(l);
		return NULL;
	}
	int lw = graph_layout_width(l), lh = graph_layout_height(l);
	struct gsvg s = {.c = c, .ox = MARGIN, .oy = MARGIN + TITLE_H};
	sb_init(&s.sb);
	int width = lw * CELL_W + 2 * MARGIN,
	    height = lh * CELL_H + 2 * MARGIN + TITLE_H + LEGEND_H;
	int title_w = 2 * MARGIN + 10 * canvas_str_width(title ? title : "state machine");
	width = width < title_w ? title_w : width < 480 ? 480 : width;
	exp_svg_open(&s.sb, width, height);
	sb_add(&s.sb, "<text x=\"16\" y=\"28\" font-size=\"16\" font-weight=\"bold\">");
	exp_xml_escape(&s.sb, title ? title : "state machine");
	sb_add(&s.sb, "</text>\n");
	for (size_t i = 0; i < graph_layout_box_count(l); i++)
		if (graph_layout_box(l, i)->frame)
			box(&s, graph_layout_box(l, i));
	edge_path(&s, CANVAS_EDGE, false, "#555555");
	edge_path(&s, CANVAS_EDGE_LOOP, false, "#555555");
	edge_path(&s, CANVAS_EDGE_CATCH, true, "#555555");
	arrows(&s);
	for (size_t i = 0; i < graph_layout_box_count(l); i++)
		if (!graph_layout_box(l, i)->frame)
			box(&s, graph_layout_box(l, i));
	labels(&s);
	legend(&s, g, MARGIN + TITLE_H + lh * CELL_H + 8);
	sb_add(&s.sb, "</svg>\n");
	canvas_free(c);
	graph_layout_free(l);
	if (len)
		*len = s.sb.len;
	return sb_take(&s.sb);
}
