/* The layout object: blocks of drawing ops, replaying them onto a canvas, hit-testing. */
#include "graph/internal.h"

#include <stdlib.h>
#include <string.h>

void block_op(struct block *b, struct op op)
{
	VEC_PUSH(b->ops, op);
}

void block_move(struct block *dst, struct block *src, int dx, int dy)
{
	for (size_t i = 0; i < src->ops.len; i++) {
		struct op op = src->ops.items[i];
		op.x += dx;
		op.y += dy;
		if (op.kind != OP_BOX && op.kind != OP_FRAME) {
			op.x1 += dx;
			op.y1 += dy;
		}
		VEC_PUSH(dst->ops, op);
	}
	for (size_t i = 0; i < src->boxes.len; i++) {
		struct graph_box b = src->boxes.items[i];
		b.x += dx;
		b.y += dy;
		VEC_PUSH(dst->boxes, b);
	}
	src->ops.len = 0; /* the texts moved with the ops */
	src->boxes.len = 0;
}

void block_fini(struct block *b)
{
	for (size_t i = 0; i < b->ops.len; i++)
		free(b->ops.items[i].text);
	VEC_FREE(b->ops);
	VEC_FREE(b->boxes);
}

char *node_type_line(const struct graph_node *n, bool ascii)
{
	const char *type = graph_kind_name(n->kind);
	bool end = (n->flags & GRAPH_FLAG_END) != 0;
	if (n->kind == GRAPH_FAIL)
		return xasprintf("%s %s%s", ascii ? "X" : "\u2717", type, end ? " (end)" : "");
	return xasprintf("%s%s", type, end ? " (end)" : "");
}

char *node_frame_title(const struct graph_node *n, bool ascii)
{
	char *type = node_type_line(n, ascii);
	char *t = xasprintf(" %s %s %s ", n->label, ascii ? "-" : "\u00b7", type);
	free(type);
	return t;
}

struct graph_layout *graph_layout_new(const struct graph *g)
{
	struct graph_layout *l = xcalloc(1, sizeof(*l));
	l->g = g;
	size_t budget = GRAPH_MAX_ITEMS;
	layout_graph(g, 0, &budget, &l->b);
	if (l->b.refused) {
		/* The layout becomes the reason, on one line: a view shows it where the graph
		 * would be. */
		block_fini(&l->b);
		l->error =
		    xasprintf("the graph is too large to lay out: it needs more than %d "
			      "layout items (states, plus one per layer a long edge crosses)",
			      GRAPH_MAX_ITEMS);
		int w = canvas_str_width(l->error);
		l->b = (struct block){.w = w, .h = 1};
		block_op(&l->b, (struct op){.kind = OP_LABEL,
					    .text = xstrdup(l->error),
					    .maxw = w,
					    .role = CANVAS_LABEL});
	}
	return l;
}

void graph_layout_free(struct graph_layout *l)
{
	if (!l)
		return;
	block_fini(&l->b);
	free(l->error);
	free(l);
}

const char *graph_layout_error(const struct graph_layout *l)
{
	return l->error;
}

char *graph_layout_oversize(const struct graph_layout *l)
{
	if (l->error)
		return xstrdup(l->error);
	long long cells = (long long)l->b.w * l->b.h;
	if (cells <= GRAPH_MAX_CELLS)
		return NULL;
	return xasprintf("the drawing would be %d columns by %d rows, over the limit of %d cells",
			 l->b.w, l->b.h, GRAPH_MAX_CELLS);
}

int graph_layout_width(const struct graph_layout *l)
{
	return l->b.w;
}

int graph_layout_height(const struct graph_layout *l)
{
	return l->b.h;
}

size_t graph_layout_box_count(const struct graph_layout *l)
{
	return l->b.boxes.len;
}

const struct graph_box *graph_layout_box(const struct graph_layout *l, size_t i)
{
	return i < l->b.boxes.len ? &l->b.boxes.items[i] : NULL;
}

const struct graph_box *graph_layout_find(const struct graph_layout *l,
					  const struct graph_node *node)
{
	for (size_t i = 0; i < l->b.boxes.len; i++)
		if (l->b.boxes.items[i].node == node)
			return &l->b.boxes.items[i];
	return NULL;
}

const struct graph_box *graph_layout_hit(const struct graph_layout *l, int x, int y)
{
	const struct graph_box *best = NULL;
	for (size_t i = 0; i < l->b.boxes.len; i++) {
		const struct graph_box *b = &l->b.boxes.items[i];
		if (x >= b->x && y >= b->y && x < b->x + b->w && y < b->y + b->h &&
		    (!best || b->depth > best->depth))
			best = b;
	}
	return best;
}

static void draw_node(struct canvas *c, const struct op *op, int ox, int oy,
		      const struct graph_node *selected, int phase)
{
	const struct graph_node *n = op->node;
	bool ascii = canvas_ascii(c), sel = n == selected;
	int x = op->x + ox, y = op->y + oy, w = op->x1, h = op->y1;
	enum canvas_role border = op->kind == OP_FRAME ? CANVAS_FRAME : CANVAS_BORDER;
	if (n->status != CANVAS_DEFAULT)
		border = n->status;
	if (sel)
		border = CANVAS_SELECTED;
	if (phase == PHASE_BORDER) {
		canvas_box(c, (struct canvas_rect){x, y, w, h},
			   sel ? CANVAS_LINE_DOUBLE : CANVAS_LINE_LIGHT, border);
		return;
	}
	uint32_t g = canvas_role_glyph(n->status, ascii);
	if (g)
		canvas_put(c, x + w - 2, y, g, n->status);
	if (op->kind == OP_FRAME) {
		char *title = node_frame_title(n, ascii);
		canvas_put_str_fit(c, x + 2, y, w - 4, title, CANVAS_TITLE);
		free(title);
		return;
	}
	canvas_put_str_fit(c, x + 2, y + 1, w - 4, n->label, CANVAS_TITLE);
	char *type = node_type_line(n, ascii);
	canvas_put_str_fit(c, x + 2, y + 2, w - 4, type, CANVAS_DIM);
	if (n->kind == GRAPH_FAIL)
		canvas_set_role(c, (struct canvas_rect){x + 2, y + 2, 1, 1}, CANVAS_MARK_FAIL);
	if (n->flags & GRAPH_FLAG_END) {
		int tw = canvas_str_width(type);
		if (tw <= w - 4)
			canvas_set_role(c, (struct canvas_rect){x + 2 + tw - 5, y + 2, 5, 1},
					CANVAS_MARK_END);
	}
	free(type);
}

static int op_phase(const struct op *op)
{
	switch (op->kind) {
	case OP_BOX:
	case OP_FRAME:
		return PHASE_BORDER;
	case OP_ARROW:
		return PHASE_ARROW;
	case OP_LABEL:
		return PHASE_TEXT;
	default:
		return PHASE_LINE;
	}
}

static void draw_op(struct canvas *c, const struct op *op, int ox, int oy,
		    const struct graph_node *selected, int phase)
{
	switch (op->kind) {
	case OP_BOX:
	case OP_FRAME:
		draw_node(c, op, ox, oy, selected, phase);
		break;
	case OP_HLINE:
		canvas_hline(c, op->x + ox, op->x1 + ox, op->y + oy, op->style, op->role);
		break;
	case OP_VLINE:
	case OP_SEP:
		canvas_vline(c, op->x + ox, op->y + oy, op->y1 + oy, op->style, op->role);
		break;
	case OP_ARROW:
		canvas_arrow(c, op->x + ox, op->y + oy, op->arrow, op->role);
		break;
	case OP_LABEL:
		canvas_put_str_fit(c, op->x + ox, op->y + oy, op->maxw, op->text, op->role);
		break;
	}
}

void graph_draw(const struct graph_layout *l, struct canvas *c, int ox, int oy,
		const struct graph_node *selected)
{
	for (int phase = 0; phase < PHASE_COUNT; phase++) {
		for (size_t i = 0; i < l->b.ops.len; i++) {
			const struct op *op = &l->b.ops.items[i];
			int p = op_phase(op);
			/* Node boxes draw their border first and their text last. */
			if (p == phase || (p == PHASE_BORDER && phase == PHASE_TEXT))
				draw_op(c, op, ox, oy, selected, phase);
		}
	}
}

struct canvas *graph_draw_whole(const struct graph_layout *l, bool ascii)
{
	char *oversize = graph_layout_oversize(l);
	if (oversize) {
		free(oversize);
		return NULL;
	}
	struct canvas *c = canvas_new(graph_layout_width(l), graph_layout_height(l), ascii);
	graph_draw(l, c, 0, 0, NULL);
	return c;
}

char *graph_render_text(const struct graph *g, bool ascii)
{
	struct graph_layout *l = graph_layout_new(g);
	struct canvas *c = graph_draw_whole(l, ascii);
	char *text = c ? canvas_dump_text(c) : NULL;
	canvas_free(c);
	graph_layout_free(l);
	return text;
}
