/* graph — the layout's working state, shared by layout.c (placement) and route.c (edges). */
#ifndef STEPSCOPE_GRAPH_LAYOUT_H
#define STEPSCOPE_GRAPH_LAYOUT_H

#include "graph/internal.h"

/* A node box or frame, or a dummy that carries a long edge through one layer. */
struct item {
	int node;    /* index in the graph, -1 for a dummy */
	int edge;    /* dummy: the first edge it carries */
	int to;	     /* dummy: the node its edges lead to */
	bool dashed; /* dummy: carries Catch edges */
	int layer, order;
	int w, h;    /* the box (dummy: 1 × 0) */
	int ext;     /* the column span it owns: the box, widened for its incoming label */
	int x;	     /* left of ext */
	char *label; /* labels of the edges arriving here, joined; owned */
	bool frame;
	struct block blk; /* frame: the inner graphs */
};

/* The part of a forward edge between two adjacent layers. */
struct seg {
	int up, down, edge;
	bool first; /* the segment leaving the edge's source: carries its label */
	int rank;   /* position among the up item's outgoing segments */
};

struct lay {
	const struct graph *g;
	int depth;
	VEC(struct item) items; /* real items first, at the node's index */
	VEC(struct seg) segs;
	bool *back;  /* per edge: a loop, routed up a side lane */
	size_t *pre; /* per node: DFS preorder */
	size_t npre;
	int *indeg; /* per item: incoming segments */
	/* Per node, its outgoing edges in edge order (CSR: out_edges[out_at[u] .. out_at[u+1])). */
	int *out_at, *out_edges;
	/* Per item, the segments entering (seg_in) and leaving it (seg_out), in segment order
	 * (CSR as above, indexes into segs): the layout reads neighbours in O(degree). */
	int *in_at, *seg_in, *outs_at, *seg_out;
	int **bundles; /* while adding segments: per (node, dashed), its dummies by layer */
	int nlayers;
	VEC(int) * layers; /* item indexes per layer, in order */
	int content_w;	   /* width of the placed items, lanes excluded */
	size_t *budget;	   /* layout items left for this graph and the rest (GRAPH_MAX_ITEMS) */
	bool refused;	   /* a nested graph or this one is over the budget */
};

int item_center(const struct item *it);
/* Channels, y coordinates and every drawing op of the laid-out graph, into out. */
void route_graph(struct lay *L, struct block *out);

#endif
