/*
 * Layered layout of one graph (Sugiyama-style, kept small):
 *  1. a depth-first search from the start node marks back edges (loops);
 *  2. the remaining edges form a DAG; each node's layer is its longest path from a root, so
 *     the order follows reachability from StartAt, never the key order;
 *  3. edges spanning several layers get one dummy item per crossed layer, so every segment
 *     joins adjacent layers and long edges run down their own column (edges of one style
 *     into the same target share their dummies: one line, not one per edge);
 *  4. items are ordered within a layer by their predecessor's position and edge order (Next
 *     before Choices before Default before Catch), then placed left to right;
 *  5. route.c draws segments through the channels between layers and loops up side lanes.
 * Parallel and Map nodes are laid out recursively: their inner graphs become a block drawn
 * inside the node's frame.
 */
#include "graph/layout.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int imax(int a, int b)
{
	return a > b ? a : b;
}

int item_center(const struct item *it)
{
	return it->x + it->ext / 2;
}

/* Parallel branches side by side with a dashed separator between them; Map: its processor. */
static void layout_children(const struct graph_node *n, int depth, struct block *out)
{
	int x = 0;
	VEC(int) seps = {0};
	for (size_t k = 0; k < n->child_count; k++) {
		struct block child = {0};
		layout_graph(n->children[k], depth, &child);
		if (k > 0) {
			x += 3;
			VEC_PUSH(seps, x - 2);
		}
		out->h = imax(out->h, child.h);
		int cw = child.w;
		block_move(out, &child, x, 0);
		block_fini(&child);
		x += cw;
	}
	out->w = x;
	/* Separators run the full height of the tallest branch. */
	for (size_t i = 0; i < seps.len; i++)
		block_op(out, (struct op){.kind = OP_SEP,
					  .x = seps.items[i],
					  .y = 0,
					  .x1 = seps.items[i],
					  .y1 = out->h - 1,
					  .style = CANVAS_LINE_DASHED,
					  .role = CANVAS_FRAME});
	VEC_FREE(seps);
}

static void measure_items(struct lay *L)
{
	const struct graph *g = L->g;
	for (size_t i = 0; i < g->nodes.len; i++) {
		const struct graph_node *n = g->nodes.items[i];
		struct item it = {.node = (int)i, .edge = -1, .to = -1};
		if (n->child_count > 0 || n->kind == GRAPH_PARALLEL || n->kind == GRAPH_MAP) {
			it.frame = true;
			layout_children(n, L->depth + 1, &it.blk);
			char *title = node_frame_title(n, false);
			int tw = canvas_str_width(title);
			free(title);
			tw = tw > TITLE_MAX_COLS ? TITLE_MAX_COLS : tw;
			it.w = imax(it.blk.w + 4, tw + 6);
			it.h = it.blk.h + 2;
		} else {
			char *type = node_type_line(n, false);
			int inner = imax(canvas_str_width(n->label), canvas_str_width(type));
			free(type);
			inner = inner > NAME_MAX_COLS ? NAME_MAX_COLS : imax(inner, 4);
			it.w = inner + 4;
			it.h = BOX_H;
		}
		VEC_PUSH(L->items, it);
	}
}

static void dfs(struct lay *L, size_t u, char *state, size_t *post, size_t *npost)
{
	state[u] = 1;
	L->pre[u] = L->npre++;
	for (size_t e = 0; e < L->g->edges.len; e++) {
		const struct graph_edge *ed = &L->g->edges.items[e];
		if (ed->from != u)
			continue;
		if (state[ed->to] == 1)
			L->back[e] = true;
		else if (state[ed->to] == 0)
			dfs(L, ed->to, state, post, npost);
	}
	state[u] = 2;
	post[(*npost)++] = u;
}

/* Back edges by DFS from the start node first; layers by longest path over the rest. */
static void assign_layers(struct lay *L)
{
	size_t n = L->g->nodes.len;
	char *state = xcalloc(n + 1, 1);
	size_t *post = xcalloc(n + 1, sizeof(*post)), npost = 0;
	if (L->g->start < n)
		dfs(L, L->g->start, state, post, &npost);
	for (size_t i = 0; i < n; i++)
		if (!state[i])
			dfs(L, i, state, post, &npost);
	/* Reverse postorder is a topological order of the forward edges. */
	for (size_t k = npost; k-- > 0;) {
		size_t u = post[k];
		for (size_t e = 0; e < L->g->edges.len; e++) {
			const struct graph_edge *ed = &L->g->edges.items[e];
			if (ed->from == u && !L->back[e])
				L->items.items[ed->to].layer =
				    imax(L->items.items[ed->to].layer, L->items.items[u].layer + 1);
		}
	}
	L->nlayers = 0;
	for (size_t i = 0; i < n; i++)
		L->nlayers = imax(L->nlayers, L->items.items[i].layer + 1);
	free(state);
	free(post);
}

/* Joins labels arriving at one item ("a / b"), each text once. */
static void add_label(struct item *it, const char *label)
{
	if (!label || !*label)
		return;
	if (!it->label) {
		it->label = xstrdup(label);
		return;
	}
	size_t n = strlen(label);
	for (const char *p = it->label; (p = strstr(p, label)) != NULL; p++)
		if ((p == it->label || (p - it->label >= 3 && strncmp(p - 3, " / ", 3) == 0)) &&
		    (p[n] == 0 || strncmp(p + n, " / ", 3) == 0))
			return;
	char *joined = xasprintf("%s / %s", it->label, label);
	free(it->label);
	it->label = joined;
}

/*
 * The dummy carrying long edges towards node `to` in layer l. Edges of one style that share a
 * target share their dummies, so many Catch edges into one handler run down as one line.
 */
static int bundle_dummy(struct lay *L, int e, int to, bool dashed, int l)
{
	for (size_t i = L->g->nodes.len; i < L->items.len; i++) {
		const struct item *it = &L->items.items[i];
		if (it->to == to && it->dashed == dashed && it->layer == l)
			return (int)i;
	}
	struct item d = {.node = -1, .edge = e, .to = to, .dashed = dashed, .layer = l, .w = 1};
	VEC_PUSH(L->items, d);
	return (int)L->items.len - 1;
}

static bool has_seg(const struct lay *L, int up, int down)
{
	for (size_t s = 0; s < L->segs.len; s++)
		if (L->segs.items[s].up == up && L->segs.items[s].down == down)
			return true;
	return false;
}

/* One segment per adjacent pair of layers; dummy items carry long edges down. */
static void add_segments(struct lay *L)
{
	int *rank =
	    xcalloc(L->items.len + L->g->edges.len * (size_t)(L->nlayers + 1) + 1, sizeof(*rank));
	for (size_t e = 0; e < L->g->edges.len; e++) {
		if (L->back[e])
			continue;
		const struct graph_edge *ed = &L->g->edges.items[e];
		bool dashed = ed->kind == GRAPH_EDGE_CATCH;
		int prev = (int)ed->from;
		int top = L->items.items[ed->from].layer, bottom = L->items.items[ed->to].layer;
		for (int l = top + 1; l <= bottom; l++) {
			int down = (int)ed->to;
			if (l < bottom)
				down = bundle_dummy(L, (int)e, (int)ed->to, dashed, l);
			bool first = l == top + 1;
			if (first)
				add_label(&L->items.items[down], ed->label);
			if (down >= (int)L->g->nodes.len && has_seg(L, prev, down)) {
				prev = down; /* already carried by the bundle */
				continue;
			}
			struct seg sg = {prev, down, (int)e, first, rank[prev]++};
			VEC_PUSH(L->segs, sg);
			prev = down;
		}
	}
	free(rank);
	for (size_t i = 0; i < L->items.len; i++) {
		struct item *it = &L->items.items[i];
		int lw = it->label ? canvas_str_width(it->label) : 0;
		it->ext = imax(it->w, lw > LABEL_MAX_COLS ? LABEL_MAX_COLS : lw);
	}
}

static int cmp_key(const void *a, const void *b)
{
	const long *x = a, *y = b;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Layer 0 in DFS preorder; below, by the position of the first predecessor and edge order. */
static void order_layers(struct lay *L)
{
	L->layers = xcalloc((size_t)L->nlayers + 1, sizeof(*L->layers));
	long *keys = xcalloc(2 * L->items.len + 2, sizeof(*keys));
	for (int l = 0; l < L->nlayers; l++) {
		size_t n = 0;
		for (size_t i = 0; i < L->items.len; i++) {
			struct item *it = &L->items.items[i];
			if (it->layer != l)
				continue;
			long key = l == 0 && it->node >= 0 ? (long)L->pre[it->node] : LONG_MAX;
			for (size_t s = 0; s < L->segs.len; s++) {
				const struct seg *sg = &L->segs.items[s];
				if (sg->down == (int)i) {
					long k =
					    (long)L->items.items[sg->up].order * 4096 + sg->rank;
					key = k < key ? k : key;
				}
			}
			keys[2 * n] = key;
			keys[2 * n + 1] = (long)i;
			n++;
		}
		qsort(keys, n, 2 * sizeof(*keys), cmp_key);
		for (size_t k = 0; k < n; k++) {
			int idx = (int)keys[2 * k + 1];
			L->items.items[idx].order = (int)k;
			VEC_PUSH(L->layers[l], idx);
		}
	}
	free(keys);
}

/*
 * Places one layer's items as near their desired x as the order and gaps allow: the mean of
 * a push-right and a push-left placement, both feasible, so the result is feasible too.
 * With push_right only the first: items keep their place unless a neighbour pushes them.
 */
static void place_layer(struct lay *L, int l, const int *want, bool push_right)
{
	size_t n = L->layers[l].len;
	int *a = xcalloc(n + 1, sizeof(*a)), *b = xcalloc(n + 1, sizeof(*b));
	for (size_t k = 0; k < n; k++) {
		a[k] = want[k];
		if (k > 0) {
			const struct item *p = &L->items.items[L->layers[l].items[k - 1]];
			a[k] = imax(a[k], a[k - 1] + p->ext + GAP);
		}
	}
	for (size_t k = n; k-- > 0;) {
		const struct item *it = &L->items.items[L->layers[l].items[k]];
		b[k] = want[k];
		if (k + 1 < n && b[k + 1] - it->ext - GAP < b[k])
			b[k] = b[k + 1] - it->ext - GAP;
	}
	for (size_t k = 0; k < n; k++) {
		int s = push_right ? 2 * a[k] : a[k] + b[k];
		L->items.items[L->layers[l].items[k]].x = s >= 0 ? s / 2 : -((-s + 1) / 2);
	}
	free(a);
	free(b);
}

/*
 * Desired x of each item of layer l: centred under its predecessors (down) or successors.
 * With `chains`, only items whose one predecessor reaches them first move: the main path
 * (Next, first Choice) comes out straight.
 */
static void align_layer(struct lay *L, int l, bool down, bool chains)
{
	size_t n = L->layers[l].len;
	int *want = xcalloc(n + 1, sizeof(*want));
	for (size_t k = 0; k < n; k++) {
		int idx = L->layers[l].items[k];
		struct item *it = &L->items.items[idx];
		long sum = 0, cnt = 0;
		for (size_t s = 0; s < L->segs.len; s++) {
			if (chains && (L->indeg[idx] != 1 || L->segs.items[s].rank != 0))
				continue;
			const struct seg *sg = &L->segs.items[s];
			int self = down ? sg->down : sg->up, other = down ? sg->up : sg->down;
			if (self == idx) {
				sum += item_center(&L->items.items[other]);
				cnt++;
			}
		}
		want[k] = cnt ? (int)(sum / cnt) - it->ext / 2 : it->x;
	}
	place_layer(L, l, want, chains);
	free(want);
}

static void place_x(struct lay *L)
{
	L->indeg = xcalloc(L->items.len + 1, sizeof(*L->indeg));
	for (size_t s = 0; s < L->segs.len; s++)
		L->indeg[L->segs.items[s].down]++;
	for (int l = 0; l < L->nlayers; l++) {
		int x = 0;
		for (size_t k = 0; k < L->layers[l].len; k++) {
			struct item *it = &L->items.items[L->layers[l].items[k]];
			it->x = x;
			x += it->ext + GAP;
		}
	}
	for (int l = 1; l < L->nlayers; l++)
		align_layer(L, l, true, false);
	for (int l = L->nlayers - 2; l >= 0; l--)
		align_layer(L, l, false, false);
	for (int l = 1; l < L->nlayers; l++)
		align_layer(L, l, true, true);
	int minx = 0, maxx = 0;
	for (size_t i = 0; i < L->items.len; i++)
		minx = i == 0 || L->items.items[i].x < minx ? L->items.items[i].x : minx;
	for (size_t i = 0; i < L->items.len; i++) {
		struct item *it = &L->items.items[i];
		it->x -= minx;
		maxx = imax(maxx, it->x + it->ext);
	}
	L->content_w = maxx;
}

void layout_graph(const struct graph *g, int depth, struct block *out)
{
	struct lay L = {.g = g, .depth = depth};
	if (g->nodes.len == 0)
		return;
	L.back = xcalloc(g->edges.len + 1, sizeof(*L.back));
	L.pre = xcalloc(g->nodes.len + 1, sizeof(*L.pre));
	measure_items(&L);
	assign_layers(&L);
	add_segments(&L);
	order_layers(&L);
	place_x(&L);
	route_graph(&L, out);
	for (size_t i = 0; i < L.items.len; i++) {
		free(L.items.items[i].label);
		block_fini(&L.items.items[i].blk);
	}
	for (int l = 0; l < L.nlayers; l++)
		VEC_FREE(L.layers[l]);
	free(L.layers);
	VEC_FREE(L.items);
	VEC_FREE(L.segs);
	free(L.back);
	free(L.pre);
	free(L.indeg);
}
