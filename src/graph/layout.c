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
static void layout_children(const struct graph_node *n, int depth, size_t *budget,
			    struct block *out)
{
	int x = 0;
	VEC(int) seps = {0};
	for (size_t k = 0; k < n->child_count; k++) {
		struct block child = {0};
		layout_graph(n->children[k], depth, budget, &child);
		if (child.refused) {
			out->refused = true;
			block_fini(&child);
			break;
		}
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
			layout_children(n, L->depth + 1, L->budget, &it.blk);
			L->refused |= it.blk.refused;
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

/* Each node's outgoing edges, in edge order. */
static void index_edges(struct lay *L)
{
	size_t n = L->g->nodes.len, ne = L->g->edges.len;
	L->out_at = xcalloc(n + 2, sizeof(*L->out_at));
	L->out_edges = xcalloc(ne + 1, sizeof(*L->out_edges));
	for (size_t e = 0; e < ne; e++)
		L->out_at[L->g->edges.items[e].from + 1]++;
	for (size_t u = 0; u < n; u++)
		L->out_at[u + 1] += L->out_at[u];
	int *fill = xcalloc(n + 1, sizeof(*fill));
	for (size_t e = 0; e < ne; e++) {
		size_t u = L->g->edges.items[e].from;
		L->out_edges[L->out_at[u] + fill[u]++] = (int)e;
	}
	free(fill);
}

static void dfs(struct lay *L, size_t u, char *state, size_t *post, size_t *npost)
{
	state[u] = 1;
	L->pre[u] = L->npre++;
	for (int k = L->out_at[u]; k < L->out_at[u + 1]; k++) {
		size_t e = (size_t)L->out_edges[k];
		const struct graph_edge *ed = &L->g->edges.items[e];
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
		for (int j = L->out_at[u]; j < L->out_at[u + 1]; j++) {
			size_t e = (size_t)L->out_edges[j];
			const struct graph_edge *ed = &L->g->edges.items[e];
			if (!L->back[e])
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
	int **slots = &L->bundles[2 * (size_t)to + dashed];
	if (!*slots) { /* one slot per layer above the target */
		int top = L->items.items[to].layer;
		*slots = xmalloc(((size_t)top + 1) * sizeof(**slots));
		for (int k = 0; k <= top; k++)
			(*slots)[k] = -1;
	}
	if ((*slots)[l] >= 0)
		return (*slots)[l];
	struct item d = {.node = -1, .edge = e, .to = to, .dashed = dashed, .layer = l, .w = 1};
	VEC_PUSH(L->items, d);
	(*slots)[l] = (int)L->items.len - 1;
	return (*slots)[l];
}

/* The set of (up, down) pairs of the segments into dummies: open addressing, linear probing. */
struct pairs {
	uint64_t *keys; /* up << 32 | down, plus one; 0 = empty */
	size_t cap, len;
};

static uint64_t pair_key(int up, int down)
{
	return ((uint64_t)(uint32_t)up << 32 | (uint32_t)down) + 1;
}

static size_t pair_slot(const struct pairs *ps, uint64_t key)
{
	size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (ps->cap - 1);
	while (ps->keys[i] && ps->keys[i] != key)
		i = (i + 1) & (ps->cap - 1);
	return i;
}

/* Adds the pair; false when it was there already. */
static bool pairs_add(struct pairs *ps, int up, int down)
{
	if (2 * (ps->len + 1) > ps->cap) {
		struct pairs old = *ps;
		ps->cap = old.cap ? 2 * old.cap : 64;
		ps->keys = xcalloc(ps->cap, sizeof(*ps->keys));
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				ps->keys[pair_slot(ps, old.keys[i])] = old.keys[i];
		free(old.keys);
	}
	uint64_t key = pair_key(up, down);
	size_t i = pair_slot(ps, key);
	if (ps->keys[i])
		return false;
	ps->keys[i] = key;
	ps->len++;
	return true;
}

/* One segment per adjacent pair of layers; dummy items carry long edges down. */
static void add_segments(struct lay *L)
{
	VEC(int) rank = {0}; /* per item: outgoing segments so far */
	struct pairs into_dummies = {0};
	L->bundles = xcalloc(2 * L->g->nodes.len + 2, sizeof(*L->bundles));
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
			if (down >= (int)L->g->nodes.len && !pairs_add(&into_dummies, prev, down)) {
				prev = down; /* already carried by the bundle */
				continue;
			}
			while (rank.len < L->items.len)
				VEC_PUSH(rank, 0);
			struct seg sg = {prev, down, (int)e, first, rank.items[prev]++};
			VEC_PUSH(L->segs, sg);
			prev = down;
		}
	}
	VEC_FREE(rank);
	free(into_dummies.keys);
	for (size_t i = 0; i < 2 * L->g->nodes.len; i++)
		free(L->bundles[i]);
	free(L->bundles);
	L->bundles = NULL;
	for (size_t i = 0; i < L->items.len; i++) {
		struct item *it = &L->items.items[i];
		int lw = it->label ? canvas_str_width(it->label) : 0;
		it->ext = imax(it->w, lw > LABEL_MAX_COLS ? LABEL_MAX_COLS : lw);
	}
}

/* CSR lists of segment indexes by one end (up or down), in segment order. */
static void index_by(const struct lay *L, bool by_down, int **at, int **list)
{
	size_t n = L->items.len;
	*at = xcalloc(n + 2, sizeof(**at));
	*list = xcalloc(L->segs.len + 1, sizeof(**list));
	for (size_t s = 0; s < L->segs.len; s++) {
		const struct seg *sg = &L->segs.items[s];
		(*at)[(by_down ? sg->down : sg->up) + 1]++;
	}
	for (size_t i = 0; i < n; i++)
		(*at)[i + 1] += (*at)[i];
	int *fill = xcalloc(n + 1, sizeof(*fill));
	for (size_t s = 0; s < L->segs.len; s++) {
		const struct seg *sg = &L->segs.items[s];
		int i = by_down ? sg->down : sg->up;
		(*list)[(*at)[i] + fill[i]++] = (int)s;
	}
	free(fill);
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
	VEC(int) *members = xcalloc((size_t)L->nlayers + 1, sizeof(*members));
	for (size_t i = 0; i < L->items.len; i++)
		VEC_PUSH(members[L->items.items[i].layer], (int)i);
	long *keys = xcalloc(2 * L->items.len + 2, sizeof(*keys));
	for (int l = 0; l < L->nlayers; l++) {
		size_t n = 0;
		for (size_t m = 0; m < members[l].len; m++) {
			int i = members[l].items[m];
			struct item *it = &L->items.items[i];
			long key = l == 0 && it->node >= 0 ? (long)L->pre[it->node] : LONG_MAX;
			for (int j = L->in_at[i]; j < L->in_at[i + 1]; j++) {
				const struct seg *sg = &L->segs.items[L->seg_in[j]];
				long k = (long)L->items.items[sg->up].order * 4096 + sg->rank;
				key = k < key ? k : key;
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
		VEC_FREE(members[l]);
	}
	free(members);
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
		const int *at = down ? L->in_at : L->outs_at, *list = down ? L->seg_in : L->seg_out;
		for (int j = at[idx]; j < at[idx + 1]; j++) {
			const struct seg *sg = &L->segs.items[list[j]];
			if (chains && (L->indeg[idx] != 1 || sg->rank != 0))
				continue;
			sum += item_center(&L->items.items[down ? sg->up : sg->down]);
			cnt++;
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

/*
 * The dummies add_segments will make: edges of one style into one node share them, so each
 * (target, style) needs one per layer between its highest source and the target.
 */
static size_t count_dummies(const struct lay *L)
{
	size_t n = L->g->nodes.len, total = 0;
	int *top = xmalloc((2 * n + 2) * sizeof(*top));
	for (size_t i = 0; i < 2 * n + 2; i++)
		top[i] = INT_MAX;
	for (size_t e = 0; e < L->g->edges.len; e++) {
		const struct graph_edge *ed = &L->g->edges.items[e];
		size_t k = 2 * ed->to + (ed->kind == GRAPH_EDGE_CATCH);
		if (!L->back[e] && L->items.items[ed->from].layer < top[k])
			top[k] = L->items.items[ed->from].layer;
	}
	for (size_t k = 0; k < 2 * n; k++)
		if (top[k] != INT_MAX && L->items.items[k / 2].layer - top[k] > 1)
			total += (size_t)(L->items.items[k / 2].layer - top[k] - 1);
	free(top);
	return total;
}

/* Takes n items from the budget; false (and the layout refused) when they are not there. */
static bool take_items(struct lay *L, size_t n)
{
	if (L->refused || n > *L->budget) {
		L->refused = true;
		return false;
	}
	*L->budget -= n;
	return true;
}

void layout_graph(const struct graph *g, int depth, size_t *budget, struct block *out)
{
	struct lay L = {.g = g, .depth = depth, .budget = budget};
	if (g->nodes.len == 0 || !take_items(&L, g->nodes.len)) {
		out->refused = L.refused;
		return;
	}
	L.back = xcalloc(g->edges.len + 1, sizeof(*L.back));
	L.pre = xcalloc(g->nodes.len + 1, sizeof(*L.pre));
	measure_items(&L);
	index_edges(&L);
	if (!L.refused)
		assign_layers(&L);
	if (take_items(&L, count_dummies(&L))) {
		add_segments(&L);
		index_by(&L, true, &L.in_at, &L.seg_in);
		index_by(&L, false, &L.outs_at, &L.seg_out);
		order_layers(&L);
		place_x(&L);
		route_graph(&L, out);
	}
	out->refused = L.refused;
	for (size_t i = 0; i < L.items.len; i++) {
		free(L.items.items[i].label);
		block_fini(&L.items.items[i].blk);
	}
	for (int l = 0; L.layers && l < L.nlayers; l++)
		VEC_FREE(L.layers[l]);
	free(L.layers);
	VEC_FREE(L.items);
	VEC_FREE(L.segs);
	free(L.back);
	free(L.pre);
	free(L.indeg);
	free(L.out_at);
	free(L.out_edges);
	free(L.in_at);
	free(L.seg_in);
	free(L.outs_at);
	free(L.seg_out);
}
