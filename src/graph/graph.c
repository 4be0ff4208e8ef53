/* The graph description: construction, lookup, freeing. */
#include "graph/graph.h"

#include <stdlib.h>
#include <string.h>

const char *graph_kind_name(enum graph_kind kind)
{
	static const char *const names[] = {"Task",    "Pass", "Choice",   "Wait",
					    "Succeed", "Fail", "Parallel", "Map"};
	return (unsigned)kind < ARRAY_LEN(names) ? names[kind] : "?";
}

struct graph *graph_new(void)
{
	struct graph *g = xcalloc(1, sizeof(*g));
	g->start = SIZE_MAX;
	return g;
}

void graph_free(struct graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nodes.len; i++) {
		struct graph_node *n = g->nodes.items[i];
		for (size_t k = 0; k < n->child_count; k++)
			graph_free(n->children[k]);
		free(n->children);
		free(n->label);
		free(n);
	}
	for (size_t i = 0; i < g->edges.len; i++)
		free(g->edges.items[i].label);
	VEC_FREE(g->nodes);
	VEC_FREE(g->edges);
	free(g);
}

struct graph_node *graph_add_node(struct graph *g, const char *label, enum graph_kind kind)
{
	struct graph_node *n = xcalloc(1, sizeof(*n));
	n->label = xstrdup(label ? label : "");
	n->kind = kind;
	n->status = CANVAS_DEFAULT;
	n->owner = g;
	n->index = g->nodes.len;
	VEC_PUSH(g->nodes, n);
	return n;
}

void graph_add_edge(struct graph *g, size_t from, size_t to, enum graph_edge_kind kind,
		    const char *label)
{
	if (from >= g->nodes.len || to >= g->nodes.len)
		return;
	struct graph_edge e = {from, to, kind, label ? xstrdup(label) : NULL};
	VEC_PUSH(g->edges, e);
}

struct graph *graph_add_child(struct graph_node *node)
{
	struct graph *child = graph_new();
	child->parent = node;
	node->children =
	    xrealloc(node->children, (node->child_count + 1) * sizeof(*node->children));
	node->children[node->child_count++] = child;
	return child;
}

void graph_set_start(struct graph *g, size_t index)
{
	if (g->start < g->nodes.len)
		g->nodes.items[g->start]->flags &= ~(unsigned)GRAPH_FLAG_START;
	g->start = index;
	if (index < g->nodes.len)
		g->nodes.items[index]->flags |= GRAPH_FLAG_START;
}

struct graph_node *graph_find(const struct graph *g, const char *label)
{
	for (size_t i = 0; i < g->nodes.len; i++)
		if (strcmp(g->nodes.items[i]->label, label) == 0)
			return g->nodes.items[i];
	for (size_t i = 0; i < g->nodes.len; i++) {
		struct graph_node *n = g->nodes.items[i];
		for (size_t k = 0; k < n->child_count; k++) {
			struct graph_node *f = graph_find(n->children[k], label);
			if (f)
				return f;
		}
	}
	return NULL;
}

void graph_clear_status(struct graph *g)
{
	for (size_t i = 0; i < g->nodes.len; i++) {
		struct graph_node *n = g->nodes.items[i];
		n->status = CANVAS_DEFAULT;
		for (size_t k = 0; k < n->child_count; k++)
			graph_clear_status(n->children[k]);
	}
}
