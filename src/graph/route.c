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

static bool has_solid_out(const struct lay *L, int node)
{
	for (size_t e = 0; e < L->g->edges.len; e++)
		if ((int)L->g->edges.items[e].from == node && !edge_dashed(L, (int)e))
			return true;
	return false;
}

/* Where an item's edges of one style leave it. */
static int port_x(const struct lay *L, int idx, bool dashed)
{
	const struct item *it = &L->items.items[idx];
	int cx = item_center(it);
	if (dashed && it->node >= 0 && it->w >= 7 && has_solid_out(L, it->node))
		return cx + 2;
	return cx;
}

static int add_group(struct routing *R, int chan, int up, bool dashed, int port,
		     enum canvas_role role)
{
	for (size_t i = 0; up >= 0 && i < R->groups.len; i++) {
		struct group *g = &R->groups.items[i];
		if (g->chan == chan && g->up == up && g->dashed == dashed)
			return (int)i;
	}
	struct group g = {chan, up, dashed, port, port, port, -1, role};
	VEC_PUSH(R->groups, g);
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
		int gi = add_group(R, chan, sg->up, dashed, port_x(L, sg->up, dashed),
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
				   port_x(L, (int)ed->from, dashed), edge_role(L, (int)e));
		widen(&R->groups.items[gs], R->lane[e]);
		int gd = add_group(R, v->layer, -1 - (int)e, dashed, item_center(v),
				   edge_role(L, (int)e));
		widen(&R->groups.items[gd], R->lane[e]);
		R->loop_src[e] = gs;
		R->loop_dst[e] = gd;
		R->has_arrow[v->layer] = 1;
	}
}

static int cmp_group(const void *a, const void *b, const struct group *gs)
{
	const struct group *x = &gs[*(const int *)a], *y = &gs[*(const int *)b];
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* Greedy interval colouring per channel: a bar takes the first row where it touches none. */
static void assign_tracks(struct lay *L, struct routing *R)
{
	size_t n = R->groups.len;
	int *idx = xcalloc(n + 1, sizeof(*idx));
	int *row_hi = xcalloc(n + 1, sizeof(*row_hi));
	for (int c = 0; c <= L->nlayers; c++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (R->groups.items[i].chan == c &&
			    R->groups.items[i].lo != R->groups.items[i].hi)
				idx[m++] = (int)i;
		/* Insertion sort: channels hold few bars and qsort has no context argument. */
		for (size_t i = 1; i < m; i++)
			for (size_t j = i;
			     j > 0 && cmp_group(&idx[j - 1], &idx[j], R->groups.items) > 0; j--) {
				int t = idx[j];
				idx[j] = idx[j - 1];
				idx[j - 1] = t;
			}
		int rows = 0;
		for (size_t i = 0; i < m; i++) {
			struct group *g = &R->groups.items[idx[i]];
			int t = 0;
			while (t < rows && row_hi[t] + 1 >= g->lo)
				t++;
			if (t == rows)
				rows++;
			row_hi[t] = g->hi;
			g->track = t;
		}
		R->tracks[c] = rows;
	}
	free(idx);
	free(row_hi);
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
}
