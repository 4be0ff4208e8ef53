/* graph — private declarations shared by the layout, routing and drawing files. */
#ifndef STEPSCOPE_GRAPH_INTERNAL_H
#define STEPSCOPE_GRAPH_INTERNAL_H

#include "graph/graph.h"

/* Box sizes: names longer than this are cut with an ellipsis; labels likewise. */
enum { NAME_MAX_COLS = 22, LABEL_MAX_COLS = 24, TITLE_MAX_COLS = 40, BOX_H = 4, GAP = 2 };

/* One drawing primitive of a layout; replayed by graph_draw at any offset. */
enum op_kind { OP_BOX, OP_FRAME, OP_HLINE, OP_VLINE, OP_ARROW, OP_LABEL, OP_SEP };
/* Drawing order: borders, then lines that merge into them, then heads and text. */
enum op_phase { PHASE_BORDER, PHASE_LINE, PHASE_ARROW, PHASE_TEXT, PHASE_COUNT };

struct op {
	enum op_kind kind;
	int x, y, x1, y1; /* lines: from (x, y) to (x1, y1); boxes: x1 = w, y1 = h */
	enum canvas_line style;
	enum canvas_role role;
	enum canvas_arrow arrow;
	char *text;		       /* OP_LABEL, owned */
	int maxw;		       /* OP_LABEL: columns available */
	const struct graph_node *node; /* OP_BOX, OP_FRAME; borrowed */
};

/* A laid-out graph in its own coordinates, moved into its parent's frame afterwards. */
struct block {
	int w, h;
	bool refused; /* over GRAPH_MAX_ITEMS: nothing laid out */
	VEC(struct op) ops;
	VEC(struct graph_box) boxes;
};

struct graph_layout {
	const struct graph *g;
	struct block b;
	char *error; /* why the layout was refused, or NULL; owned */
};

/* Lays out g at depth `depth` into out (zeroed by the caller), taking its items from *budget
 * (nested graphs included); when they do not fit, out->refused is set and nothing drawn. */
void layout_graph(const struct graph *g, int depth, size_t *budget, struct block *out);
/* Appends src's ops and boxes to dst moved by (dx, dy); src is emptied (texts move). */
void block_move(struct block *dst, struct block *src, int dx, int dy);
void block_fini(struct block *b);
void block_op(struct block *b, struct op op);

/* The type line of a node box ("Task (end)", "✗ Fail") and the title of a frame; owned. */
char *node_type_line(const struct graph_node *n, bool ascii);
char *node_frame_title(const struct graph_node *n, bool ascii);

#endif
