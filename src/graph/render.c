/*
 * Graphviz and Mermaid forms of a graph. Node ids are paths of indexes (n1_0_2: node 2 of the
 * first child graph of top-level node 1), so they are unique and never collide with keywords.
 * Parallel/Map nodes become clusters / subgraphs; in dot a small header node inside the
 * cluster stands for the state itself, and edges to or from the state attach to it, clipped at
 * the cluster border (compound=true, lhead/ltail).
 */
#include "graph/internal.h"

#include <stdlib.h>
#include <string.h>

static bool is_container(const struct graph_node *n)
{
	return n->child_count > 0 || n->kind == GRAPH_PARALLEL || n->kind == GRAPH_MAP;
}

static void indent(struct strbuf *sb, int depth)
{
	for (int i = 0; i < depth; i++)
		sb_add(sb, "  ");
}

/* ---- dot ---- */

static void dot_str(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_addc(sb, '\\');
		if (*s == '\n')
			sb_add(sb, "\\n");
		else if ((unsigned char)*s >= 0x20 || *s == '\t')
			sb_addc(sb, *s);
	}
	sb_addc(sb, '"');
}

static void dot_node_label(struct strbuf *sb, const struct graph_node *n)
{
	char *type = node_type_line(n, false);
	char *label = xasprintf("%s\n%s", n->label, type);
	dot_str(sb, label);
	free(label);
	free(type);
}

static void dot_graph(struct strbuf *sb, const struct graph *g, const char *prefix, int depth);

static void dot_node(struct strbuf *sb, const struct graph_node *n, const char *id, int depth)
{
	static const char *const shapes[] = {"box", "box", "diamond", "box",
					     "box", "box", "box",     "box"};
	indent(sb, depth);
	if (is_container(n)) {
		sb_addf(sb, "subgraph cluster_%s {\n", id);
		indent(sb, depth + 1);
		sb_add(sb, "label=");
		char *title = node_frame_title(n, false);
		dot_str(sb, title);
		free(title);
		sb_add(sb, "; style=rounded;\n");
		indent(sb, depth + 1);
		sb_addf(sb, "%s [shape=box, style=\"rounded,bold\", label=", id);
		dot_node_label(sb, n);
		sb_add(sb, "];\n");
		for (size_t k = 0; k < n->child_count; k++) {
			char *cid = xasprintf("%s_%zu", id, k);
			const struct graph *c = n->children[k];
			if (n->child_count > 1) {
				indent(sb, depth + 1);
				sb_addf(sb, "subgraph cluster_%s {\n", cid);
				indent(sb, depth + 2);
				sb_addf(sb, "label=\"branch %zu\"; style=dashed;\n", k + 1);
			}
			int d = depth + (n->child_count > 1 ? 2 : 1);
			dot_graph(sb, c, cid, d);
			if (n->child_count > 1) {
				indent(sb, depth + 1);
				sb_add(sb, "}\n");
			}
			if (c->start < c->nodes.len) {
				indent(sb, depth + 1);
				sb_addf(sb, "%s -> %s_%zu [style=dotted, arrowhead=none];\n", id,
					cid, c->start);
			}
			free(cid);
		}
		indent(sb, depth);
		sb_add(sb, "}\n");
		return;
	}
	sb_addf(sb, "%s [shape=%s, label=", id, shapes[n->kind]);
	dot_node_label(sb, n);
	if (n->kind == GRAPH_FAIL)
		sb_add(sb, ", color=red");
	if (n->flags & GRAPH_FLAG_END || n->kind == GRAPH_SUCCEED || n->kind == GRAPH_FAIL)
		sb_add(sb, ", peripheries=2");
	sb_add(sb, "];\n");
}

static void dot_graph(struct strbuf *sb, const struct graph *g, const char *prefix, int depth)
{
	for (size_t i = 0; i < g->nodes.len; i++) {
		char *id = xasprintf("%s%s%zu", prefix, *prefix ? "_" : "n", i);
		dot_node(sb, g->nodes.items[i], id, depth);
		free(id);
	}
	for (size_t e = 0; e < g->edges.len; e++) {
		const struct graph_edge *ed = &g->edges.items[e];
		const struct graph_node *from = g->nodes.items[ed->from],
					*to = g->nodes.items[ed->to];
		const char *sep = *prefix ? "_" : "n";
		indent(sb, depth);
		sb_addf(sb, "%s%s%zu -> %s%s%zu [", prefix, sep, ed->from, prefix, sep, ed->to);
		const char *comma = "";
		if (is_container(from) && ed->from != ed->to) {
			sb_addf(sb, "ltail=cluster_%s%s%zu", prefix, sep, ed->from);
			comma = ", ";
		}
		if (is_container(to) && ed->from != ed->to) {
			sb_addf(sb, "%slhead=cluster_%s%s%zu", comma, prefix, sep, ed->to);
			comma = ", ";
		}
		if (ed->kind == GRAPH_EDGE_CATCH) {
			sb_addf(sb, "%sstyle=dashed, color=red", comma);
			comma = ", ";
		}
		if (ed->label && *ed->label) {
			sb_addf(sb, "%slabel=", comma);
			dot_str(sb, ed->label);
		}
		sb_add(sb, "];\n");
	}
}

char *graph_render_dot(const struct graph *g)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "digraph stepscope {\n"
		    "  compound=true;\n"
		    "  rankdir=TB;\n"
		    "  node [fontname=\"Helvetica\", fontsize=11, style=rounded];\n"
		    "  edge [fontname=\"Helvetica\", fontsize=9];\n");
	if (g->start < g->nodes.len) {
		sb_addf(&sb, "  start [shape=point, width=0.15];\n  start -> n%zu", g->start);
		if (is_container(g->nodes.items[g->start]))
			sb_addf(&sb, " [lhead=cluster_n%zu]", g->start);
		sb_add(&sb, ";\n");
	}
	dot_graph(&sb, g, "", 1);
	sb_add(&sb, "}\n");
	return sb_take(&sb);
}

/* ---- Mermaid ---- */

/* A quoted Mermaid string: quotes and '#' become entity codes, newlines <br/>. */
static void mmd_str(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			sb_add(sb, "#quot;");
		else if (*s == '#')
			sb_add(sb, "#35;");
		else if (*s == '<')
			sb_add(sb, "#lt;");
		else if (*s == '>')
			sb_add(sb, "#gt;");
		else if (*s == '\n')
			sb_add(sb, "<br/>");
		else if ((unsigned char)*s >= 0x20)
			sb_addc(sb, *s);
	}
	sb_addc(sb, '"');
}

static void mmd_graph(struct strbuf *sb, const struct graph *g, const char *prefix, int depth);

static void mmd_node(struct strbuf *sb, const struct graph_node *n, const char *id, int depth)
{
	indent(sb, depth);
	if (is_container(n)) {
		char *title = node_frame_title(n, false);
		sb_addf(sb, "subgraph %s [", id);
		mmd_str(sb, title);
		sb_add(sb, "]\n");
		free(title);
		indent(sb, depth + 1);
		sb_add(sb, "direction TB\n");
		for (size_t k = 0; k < n->child_count; k++) {
			char *cid = xasprintf("%s_%zu", id, k);
			if (n->child_count > 1) {
				indent(sb, depth + 1);
				sb_addf(sb, "subgraph %s [\"branch %zu\"]\n", cid, k + 1);
				indent(sb, depth + 2);
				sb_add(sb, "direction TB\n");
			}
			mmd_graph(sb, n->children[k], cid, depth + (n->child_count > 1 ? 2 : 1));
			if (n->child_count > 1) {
				indent(sb, depth + 1);
				sb_add(sb, "end\n");
			}
			free(cid);
		}
		indent(sb, depth);
		sb_add(sb, "end\n");
		return;
	}
	char *type = node_type_line(n, false);
	char *label = xasprintf("%s\n%s", n->label, type);
	bool choice = n->kind == GRAPH_CHOICE;
	bool term = n->kind == GRAPH_SUCCEED || n->kind == GRAPH_FAIL;
	sb_addf(sb, "%s%s", id, choice ? "{" : term ? "([" : "[");
	mmd_str(sb, label);
	sb_add(sb, choice ? "}\n" : term ? "])\n" : "]\n");
	free(label);
	free(type);
}

static void mmd_graph(struct strbuf *sb, const struct graph *g, const char *prefix, int depth)
{
	const char *sep = *prefix ? "_" : "n";
	for (size_t i = 0; i < g->nodes.len; i++) {
		char *id = xasprintf("%s%s%zu", prefix, sep, i);
		mmd_node(sb, g->nodes.items[i], id, depth);
		free(id);
	}
	for (size_t e = 0; e < g->edges.len; e++) {
		const struct graph_edge *ed = &g->edges.items[e];
		bool dashed = ed->kind == GRAPH_EDGE_CATCH;
		indent(sb, depth);
		sb_addf(sb, "%s%s%zu %s", prefix, sep, ed->from, dashed ? "-.->" : "-->");
		if (ed->label && *ed->label) {
			sb_addc(sb, '|');
			mmd_str(sb, ed->label);
			sb_addc(sb, '|');
		}
		sb_addf(sb, " %s%s%zu\n", prefix, sep, ed->to);
	}
}

char *graph_render_mermaid(const struct graph *g)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "flowchart TD\n");
	if (g->start < g->nodes.len)
		sb_addf(&sb, "  start((\" \")) --> n%zu\n", g->start);
	mmd_graph(&sb, g, "", 1);
	return sb_take(&sb);
}
