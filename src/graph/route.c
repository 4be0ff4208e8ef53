/*
 * Edge routing. Between two layers lies a channel of rows:
 *   tracks     horizontal bars; a source's edges of one style share a bar (a fan-out tree),
 *              bars that would overlap get separate rows;
 *   label row  the labels of the edges arriving at the layer below, centred on the drop;
 *   arrow row  ▼ above each box an edge enters.
 * Loops (back edges) leave their source downwards into the channel below it, run right to a
 * lane of their own beside the graph, climb it (▲) and come back left in the channel above
 * their target. Catch edges are dashed and leave from their own port, two columns right of
 * the centre, so they never share a bar with Next edges.
 */
#include "graph/layout.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct group {
	int chan, up; /* up: the source item, or -1 - edge for a loop part */
	bool dashed;
	int lo, hi, port, track;
	enum canvas_role role;
};

struct routing {
	VEC(struct group) groups;
	int *seg_group;		  /* per seg */
	int *loop_src, *loop_dst; /* per edge: its loop parts' groups, -1 */
	int *lane;		  /* per edge: lane column of a loop */
	int *tracks, *has_label, *has_arrow, *chan_y, *layer_y, *layer_h;
	int *group_of;	 /* per (item, dashed): its fan-out group, -1 */
	bool *solid_out; /* per node: it has an edge that is not Catch */
};

static int imax(int a, int b)
{
	return a > b ? a : b;
}

static bool edge_dashed(const struct lay *L, int e)
{
	return L->g->edges.items[e].kind == GRAPH_EDGE_CATCH;
}

static enum canvas_role edge_role(const struct lay *L, int e)
{
	return edge_dashed(L, e) ? CANVAS_EDGE_CATCH : L->back[e] ? CANVAS_EDGE_LOOP : CANVAS_EDGE;
}

/* Where an item's edges of one style leave it. */
static int port_x(const struct lay *L, const struct routing *R, int idx, bool dashed)
{
	const struct item *it = &L->items.items[idx];
	int cx = item_center(it);
	if (dashed && it->node >= 0 && it->w >= 7 && R->solid_out[it->node])
		return cx + 2;
	return cx;
}

/* The group of an item's segments of one style (they all cross the channel below it), or a
 * new one for each loop part (up < 0). */
static int add_group(struct routing *R, int chan, int up, bool dashed, int port,
		     enum canvas_role role)
{
	int *known = up >= 0 ? &R->group_of[2 * (size_t)up + dashed] : NULL;
	if (known && *known >= 0)
		return *known;
	struct group g = {chan, up, dashed, port, port, port, -1, role};
	VEC_PUSH(R->groups, g);
	if (known)
		*known = (int)R->groups.len - 1;
	return (int)R->groups.len - 1;
}

static void widen(struct group *g, int x)
{
	g->lo = x < g->lo ? x : g->lo;
	g->hi = x > g->hi ? x : g->hi;
}

static void build_groups(struct lay *L, struct routing *R)
{
	for (size_t s = 0; s < L->segs.len; s++) {
		const struct seg *sg = &L->segs.items[s];
		bool dashed = edge_dashed(L, sg->edge);
		int chan = L->items.items[sg->down].layer;
		int gi = add_group(R, chan, sg->up, dashed, port_x(L, R, sg->up, dashed),
				   edge_role(L, sg->edge));
		R->seg_group[s] = gi;
		widen(&R->groups.items[gi], item_center(&L->items.items[sg->down]));
		if (L->items.items[sg->down].node >= 0)
			R->has_arrow[chan] = 1;
	}
	int k = 0;
	for (size_t e = 0; e < L->g->edges.len; e++) {
		if (!L->back[e])
			continue;
		const struct graph_edge *ed = &L->g->edges.items[e];
		bool dashed = edge_dashed(L, (int)e);
		R->lane[e] = L->content_w + 1 + 2 * k++;
		const struct item *u = &L->items.items[ed->from], *v = &L->items.items[ed->to];
		int gs = add_group(R, u->layer + 1, -1 - (int)e, dashed,
				   port_x(L, R, (int)ed->from, dashed), edge_role(L, (int)e));
		widen(&R->groups.items[gs], R->lane[e]);
		int gd = add_group(R, v->layer, -1 - (int)e, dashed, item_center(v),
				   edge_role(L, (int)e));
		widen(&R->groups.items[gd], R->lane[e]);
		R->loop_src[e] = gs;
		R->loop_dst[e] = gd;
		R->has_arrow[v->layer] = 1;
	}
}

/* A bar to place: its extent, then its index (the tie-break keeps the order stable). */
struct bar {
	int lo, hi, idx;
};

static int cmp_bar(const void *a, const void *b)
{
	const struct bar *x = a, *y = b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/*
 * The first row whose last bar ends before lo - 1, in a tree of minimums over the rows'
 * right ends (rows not opened yet hold INT_MIN, so the first of them is the fallback).
 */
static int first_free_row(const int *tree, size_t leaves, int lo)
{
	size_t i = 1;
	while (i < leaves)
		i = tree[2 * i] < lo - 1 ? 2 * i : 2 * i + 1;
	return (int)(i - leaves);
}

static void set_row(int *tree, size_t leaves, int row, int hi)
{
	size_t i = leaves + (size_t)row;
	tree[i] = hi;
	for (i /= 2; i >= 1; i /= 2)
		tree[i] = tree[2 * i] < tree[2 * i + 1] ? tree[2 * i] : tree[2 * i + 1];
}

/* Greedy interval colouring per channel: a bar takes the first row where it touches none. */
static void assign_tracks(struct lay *L, struct routing *R)
{
	size_t n = R->groups.len, nc = (size_t)L->nlayers + 1;
	/* Bars bucketed by channel, in group order. */
	int *at = xcalloc(nc + 2, sizeof(*at));
	for (size_t i = 0; i < n; i++)
		at[R->groups.items[i].chan + 1]++;
	for (size_t c = 0; c < nc; c++)
		at[c + 1] += at[c];
	struct bar *bars = xcalloc(n + 1, sizeof(*bars));
	int *fill = xcalloc(nc + 1, sizeof(*fill));
	for (size_t i = 0; i < n; i++) {
		const struct group *g = &R->groups.items[i];
		bars[at[g->chan] + fill[g->chan]++] = (struct bar){g->lo, g->hi, (int)i};
	}
	int *tree = xcalloc(4 * n + 4, sizeof(*tree));
	for (size_t c = 0; c < nc; c++) {
		struct bar *b = bars + at[c];
		size_t m = 0;
		for (int k = at[c]; k < at[c + 1]; k++)
			if (bars[k].lo != bars[k].hi)
				b[m++] = bars[k];
		qsort(b, m, sizeof(*b), cmp_bar);
		size_t leaves = 1; /* more leaves than bars: a row not opened yet always exists */
		while (leaves < m + 1)
			leaves *= 2;
		for (size_t i = 0; i < 2 * leaves; i++)
			tree[i] = INT_MIN;
		int rows = 0;
		for (size_t i = 0; i < m; i++) {
			struct group *g = &R->groups.items[b[i].idx];
			int t = first_free_row(tree, leaves, g->lo);
			if (t == rows)
				rows++;
			set_row(tree, leaves, t, g->hi);
			g->track = t;
		}
		R->tracks[c] = rows;
	}
	free(tree);
	free(at);
	free(fill);
	free(bars);
}

static void compute_rows(struct lay *L, struct routing *R, struct block *out)
{
	for (size_t i = 0; i < L->items.len; i++) {
		const struct item *it = &L->items.items[i];
		R->layer_h[it->layer] = imax(R->layer_h[it->layer], it->h);
		if (it->label)
			R->has_label[it->layer] = 1;
	}
	int y = 0;
	for (int c = 0; c <= L->nlayers; c++) {
		if (R->has_label[c] && R->tracks[c] == 0)
			R->tracks[c] = 1;
		R->chan_y[c] = y;
		y += R->tracks[c] + R->has_label[c] + R->has_arrow[c];
		if (c < L->nlayers) {
			R->layer_y[c] = y;
			y += R->layer_h[c];
		}
	}
	out->h = y;
	int loops = 0;
	for (size_t e = 0; e < L->g->edges.len; e++)
		loops += L->back[e];
	out->w = L->content_w + 2 * loops;
}

static int track_y(const struct routing *R, const struct group *g)
{
	return R->chan_y[g->chan] + g->track;
}

static int arrow_y(const struct routing *R, int chan)
{
	return R->chan_y[chan] + R->tracks[chan] + R->has_label[chan];
}

static void line(struct block *b, int x0, int y0, int x1, int y1, bool dashed,
		 enum canvas_role role)
{
	if (x0 == x1 && y0 == y1)
		return;
	block_op(b, (struct op){.kind = y0 == y1 ? OP_HLINE : OP_VLINE,
				.x = x0,
				.y = y0,
				.x1 = x1,
				.y1 = y1,
				.style = dashed ? CANVAS_LINE_DASHED : CANVAS_LINE_LIGHT,
				.role = role});
}

/* The row where a segment leaves its upper item: a box's bottom border, a dummy's top. */
static int seg_start_y(const struct lay *L, const struct routing *R, int up)
{
	const struct item *it = &L->items.items[up];
	return it->node >= 0 ? R->layer_y[it->layer] + it->h - 1 : R->layer_y[it->layer];
}

static void draw_segs(struct lay *L, struct routing *R, struct block *out)
{
	for (size_t s = 0; s < L->segs.len; s++) {
		const struct seg *sg = &L->segs.items[s];
		const struct group *g = &R->groups.items[R->seg_group[s]];
		const struct item *dn = &L->items.items[sg->down];
		bool dashed = g->dashed;
		enum canvas_role role = edge_role(L, sg->edge);
		int y0 = seg_start_y(L, R, sg->up), tx = item_center(dn);
		int y1 = dn->node >= 0 ? arrow_y(R, dn->layer) : R->layer_y[dn->layer];
		if (g->lo != g->hi) {
			int ty = track_y(R, g);
			line(out, g->port, y0, g->port, ty, dashed, role);
			line(out, tx, ty, tx, y1, dashed, role);
		} else {
			line(out, tx, y0, tx, y1, dashed, role);
		}
		if (dn->node >= 0)
			block_op(out, (struct op){.kind = OP_ARROW,
						  .x = tx,
						  .y = y1,
						  .arrow = CANVAS_ARROW_DOWN,
						  .role = role});
	}
	for (size_t i = 0; i < R->groups.len; i++) {
		const struct group *g = &R->groups.items[i];
		if (g->lo != g->hi)
			line(out, g->lo, track_y(R, g), g->hi, track_y(R, g), g->dashed, g->role);
	}
}

static void draw_loops(struct lay *L, struct routing *R, struct block *out)
{
	for (size_t e = 0; e < L->g->edges.len; e++) {
		if (!L->back[e])
			continue;
		const struct graph_edge *ed = &L->g->edges.items[e];
		const struct group *gs = &R->groups.items[R->loop_src[e]];
		const struct group *gd = &R->groups.items[R->loop_dst[e]];
		const struct item *v = &L->items.items[ed->to];
		bool dashed = gs->dashed;
		int ys = track_y(R, gs), yd = track_y(R, gd), lane = R->lane[e];
		line(out, gs->port, seg_start_y(L, R, (int)ed->from), gs->port, ys, dashed,
		     gs->role);
		line(out, lane, ys, lane, yd, dashed, gs->role);
		int tx = item_center(v), ya = arrow_y(R, v->layer);
		line(out, tx, yd, tx, ya, dashed, gs->role);
		block_op(out, (struct op){.kind = OP_ARROW,
					  .x = tx,
					  .y = ya,
					  .arrow = CANVAS_ARROW_DOWN,
					  .role = gs->role});
		if (ys - yd >= 2)
			block_op(out, (struct op){.kind = OP_ARROW,
						  .x = lane,
						  .y = (ys + yd + 1) / 2,
						  .arrow = CANVAS_ARROW_UP,
						  .role = gs->role});
		/* The label rides on the bar towards the lane: └─ Default ──┘ */
		int room = lane - gs->port - 3;
		if (ed->label && *ed->label && room >= 3)
			block_op(out, (struct op){.kind = OP_LABEL,
						  .x = gs->port + 2,
						  .y = ys,
						  .text = xasprintf(" %s ", ed->label),
						  .maxw = room,
						  .role = CANVAS_LABEL});
	}
}

static void draw_items(struct lay *L, struct routing *R, struct block *out)
{
	for (size_t i = 0; i < L->items.len; i++) {
		struct item *it = &L->items.items[i];
		int cx = item_center(it);
		if (it->label) {
			int lw = canvas_str_width(it->label);
			lw = lw > LABEL_MAX_COLS ? LABEL_MAX_COLS : lw;
			block_op(out, (struct op){.kind = OP_LABEL,
						  .x = cx - lw / 2,
						  .y = arrow_y(R, it->layer) - 1,
						  .text = xstrdup(it->label),
						  .maxw = lw,
						  .role = CANVAS_LABEL});
		}
		if (it->node < 0)
			continue;
		const struct graph_node *n = L->g->nodes.items[it->node];
		int bx = cx - it->w / 2, by = R->layer_y[it->layer];
		struct graph_box box = {n, bx, by, it->w, it->h, L->depth, it->frame};
		VEC_PUSH(out->boxes, box);
		block_op(out, (struct op){.kind = it->frame ? OP_FRAME : OP_BOX,
					  .x = bx,
					  .y = by,
					  .x1 = it->w,
					  .y1 = it->h,
					  .node = n});
		if (it->frame) {
			int off = (it->w - 4 - it->blk.w) / 2;
			block_move(out, &it->blk, bx + 2 + off, by + 1);
		}
	}
}

void route_graph(struct lay *L, struct block *out)
{
	struct routing R = {0};
	size_t ne = L->g->edges.len + 1, nc = (size_t)L->nlayers + 2;
	R.seg_group = xcalloc(L->segs.len + 1, sizeof(int));
	R.loop_src = xcalloc(ne, sizeof(int));
	R.loop_dst = xcalloc(ne, sizeof(int));
	R.lane = xcalloc(ne, sizeof(int));
	R.tracks = xcalloc(nc, sizeof(int));
	R.has_label = xcalloc(nc, sizeof(int));
	R.has_arrow = xcalloc(nc, sizeof(int));
	R.chan_y = xcalloc(nc, sizeof(int));
	R.layer_y = xcalloc(nc, sizeof(int));
	R.layer_h = xcalloc(nc, sizeof(int));
	R.group_of = xmalloc((2 * L->items.len + 2) * sizeof(int));
	for (size_t i = 0; i < 2 * L->items.len + 2; i++)
		R.group_of[i] = -1;
	R.solid_out = xcalloc(L->g->nodes.len + 1, sizeof(bool));
	for (size_t e = 0; e < L->g->edges.len; e++)
		if (!edge_dashed(L, (int)e))
			R.solid_out[L->g->edges.items[e].from] = true;
	build_groups(L, &R);
	assign_tracks(L, &R);
	compute_rows(L, &R, out);
	draw_items(L, &R, out);
	draw_segs(L, &R, out);
	draw_loops(L, &R, out);
	VEC_FREE(R.groups);
	free(R.seg_group);
	free(R.loop_src);
	free(R.loop_dst);
	free(R.lane);
	free(R.tracks);
	free(R.has_label);
	free(R.has_arrow);
	free(R.chan_y);
	free(R.layer_y);
	free(R.layer_h);
	free(R.group_of);
	free(R.solid_out);
}
