/*
 * graph — a state graph as plain data, its layout onto a canvas, and its dot / Mermaid forms.
 *
 * Owns: the graph description (nodes with a label, a kind, start/end flags and a status role;
 * edges of kind next / choice / default / catch with labels; Parallel and Map nodes holding
 * child graphs to any depth), `graph_from_asl` which builds one from the asl model, the
 * layered layout (top to bottom by reachability from the start node, loops routed up a side
 * lane, Map/Parallel drawn as frames around their inner graphs), and the renderers.
 *
 * Contract: a layout is computed once (graph_layout_new) and drawn any number of times
 * (graph_draw) onto any canvas at any offset: the status role of each node is read at draw
 * time, so the TUI re-colours a running execution without laying out again. A layout borrows
 * the graph, which must outlive it and must not change shape (nodes, edges, labels) meanwhile.
 * Positions are exposed (graph_layout_box) for selection, hit-testing and panning.
 */
#ifndef STEPSCOPE_GRAPH_H
#define STEPSCOPE_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "canvas/canvas.h"

struct asl_machine;

enum graph_kind {
	GRAPH_TASK,
	GRAPH_PASS,
	GRAPH_CHOICE,
	GRAPH_WAIT,
	GRAPH_SUCCEED,
	GRAPH_FAIL,
	GRAPH_PARALLEL,
	GRAPH_MAP,
};

/* "Task", "Pass", ... (the ASL type names). */
const char *graph_kind_name(enum graph_kind kind);

enum graph_edge_kind {
	GRAPH_EDGE_NEXT,
	GRAPH_EDGE_CHOICE,  /* label: the rule in short form */
	GRAPH_EDGE_DEFAULT, /* label: "Default" */
	GRAPH_EDGE_CATCH,   /* label: the caught error names */
};

enum { GRAPH_FLAG_START = 1, GRAPH_FLAG_END = 2 };

struct graph;

struct graph_node {
	char *label; /* owned; the state name */
	enum graph_kind kind;
	unsigned flags; /* GRAPH_FLAG_* */
	/* How to show the node's status: CANVAS_DEFAULT (none) or a CANVAS_STATE_* role. The
	 * caller may change it between draws. */
	enum canvas_role status;
	struct graph **children; /* owned: Parallel branches, or the one Map processor */
	size_t child_count;
	const void *user;    /* borrowed caller data (graph_from_asl: the asl_state) */
	struct graph *owner; /* borrowed: the graph holding this node */
	size_t index;	     /* in owner->nodes */
};

struct graph_edge {
	size_t from, to; /* node indexes in the same graph */
	enum graph_edge_kind kind;
	char *label; /* owned, may be NULL */
};

struct graph {
	VEC(struct graph_node *) nodes; /* owned, in definition order */
	VEC(struct graph_edge) edges;	/* owned, in definition order per node */
	size_t start;			/* index of the start node; SIZE_MAX = none */
	struct graph_node *parent;	/* borrowed: the Parallel/Map node holding it, or NULL */
};

/* An empty graph owned by the caller (graph_free frees nested graphs too). */
struct graph *graph_new(void);
void graph_free(struct graph *g);
/* Adds a node (label copied); returns it, borrowed from g. */
struct graph_node *graph_add_node(struct graph *g, const char *label, enum graph_kind kind);
/* Adds an edge between node indexes of g (label copied, may be NULL). */
void graph_add_edge(struct graph *g, size_t from, size_t to, enum graph_edge_kind kind,
		    const char *label);
/* Adds a child graph to a Parallel/Map node; returns it, borrowed from the node. */
struct graph *graph_add_child(struct graph_node *node);
/* Marks node `index` as the start node. */
void graph_set_start(struct graph *g, size_t index);
/* The first node with this label anywhere in g, nested graphs included; borrowed or NULL. */
struct graph_node *graph_find(const struct graph *g, const char *label);
/* Sets every node's status (nested graphs included) back to CANVAS_DEFAULT. */
void graph_clear_status(struct graph *g);

/*
 * Builds the description of a loaded machine (borrowed; node->user points at its
 * asl_state). Choice edges are labelled with graph_rule_label of the rule's JSON (e.g.
 * `$.n > 10`), or the model's `label` when a rule has no JSON. Owned by the caller.
 */
struct graph *graph_from_asl(const struct asl_machine *m);
/* The short form of a Choice rule (borrowed JSON), e.g. `$.n > 10`; owned by the caller. */
char *graph_rule_label(const void *rule_json);

/* ---- layout ---- */

/* One laid-out node: a box, or a frame for Parallel/Map. Coordinates are layout cells. */
struct graph_box {
	const struct graph_node *node; /* borrowed */
	int x, y, w, h;
	int depth;  /* 0 at the top level, +1 inside each frame */
	bool frame; /* Parallel/Map drawn around its children */
};

struct graph_layout;

/*
 * Limits. Laying out costs one item per node plus one per layer that a long edge crosses
 * (edges of one style into one node share them): past GRAPH_MAX_ITEMS for the whole graph,
 * nested graphs included, the layout is refused in about the time of counting them. The text
 * and SVG renderers draw a layout whole on one canvas: past GRAPH_MAX_CELLS (width × height)
 * they refuse. (A Choice with 2,000 branches whose targets cross needs 42,681 items but a
 * 61,749 × 14,686 drawing; dot and Mermaid have no such limit.)
 */
enum { GRAPH_MAX_ITEMS = 250000, GRAPH_MAX_CELLS = 20000000 };

/*
 * Lays out g (borrowed; must outlive the layout). Owned by the caller (graph_layout_free).
 * Over GRAPH_MAX_ITEMS the layout is one line of text saying so (graph_layout_error).
 */
struct graph_layout *graph_layout_new(const struct graph *g);
void graph_layout_free(struct graph_layout *l);
/* Why the layout was refused (borrowed), or NULL when it holds the graph. */
const char *graph_layout_error(const struct graph_layout *l);
/* NULL when l can be drawn whole on one canvas (text, SVG), else why not: a refused layout
 * or more than GRAPH_MAX_CELLS cells. Owned by the caller. */
char *graph_layout_oversize(const struct graph_layout *l);
/* Size of the whole drawing. */
int graph_layout_width(const struct graph_layout *l);
int graph_layout_height(const struct graph_layout *l);
/* Boxes in drawing order (a frame before its children); borrowed. */
size_t graph_layout_box_count(const struct graph_layout *l);
const struct graph_box *graph_layout_box(const struct graph_layout *l, size_t i);
/* The box of a node, or NULL; borrowed. */
const struct graph_box *graph_layout_find(const struct graph_layout *l,
					  const struct graph_node *node);
/* The innermost box containing layout cell (x, y), or NULL; borrowed. */
const struct graph_box *graph_layout_hit(const struct graph_layout *l, int x, int y);

/*
 * Draws the layout onto c with its top-left corner at (ox, oy) (negative to pan), clipped by
 * the canvas. `selected` (borrowed, may be NULL) gets a double border and the SELECTED role.
 */
void graph_draw(const struct graph_layout *l, struct canvas *c, int ox, int oy,
		const struct graph_node *selected);
/* A canvas the size of the whole drawing with l (borrowed) drawn on it, owned by the caller;
 * NULL when graph_layout_oversize refuses the layout. */
struct canvas *graph_draw_whole(const struct graph_layout *l, bool ascii);
/* Lays out, draws on a fitting canvas and dumps the text; owned by the caller. NULL when
 * graph_layout_oversize refuses the layout. */
char *graph_render_text(const struct graph *g, bool ascii);

/* ---- other renderers (text owned by the caller) ---- */
/* Graphviz: clusters for Parallel/Map, dashed catch edges, labels escaped. */
char *graph_render_dot(const struct graph *g);
/* Mermaid `flowchart TD` with subgraphs; labels quoted. */
char *graph_render_mermaid(const struct graph *g);

#endif
