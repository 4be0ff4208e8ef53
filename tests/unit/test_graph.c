/* Unit tests of src/graph with hand-built graphs: layering, frames, loops, marks, renderers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "graph/graph.h"

static struct graph_node *node(struct graph *g, const char *label, enum graph_kind kind)
{
	return graph_add_node(g, label, kind);
}

/* The seed machine: ReadDDBTable → MapState{MapPassState → WaitInMap → LambdaInvoke}. */
static struct graph *seed_graph(void)
{
	struct graph *g = graph_new();
	node(g, "ReadDDBTable", GRAPH_TASK);
	struct graph_node *map = node(g, "MapState", GRAPH_MAP);
	map->flags |= GRAPH_FLAG_END;
	graph_add_edge(g, 0, 1, GRAPH_EDGE_NEXT, NULL);
	graph_set_start(g, 0);
	struct graph *p = graph_add_child(map);
	node(p, "MapPassState", GRAPH_PASS);
	node(p, "WaitInMap", GRAPH_WAIT);
	node(p, "LambdaInvoke", GRAPH_TASK)->flags |= GRAPH_FLAG_END;
	graph_add_edge(p, 0, 1, GRAPH_EDGE_NEXT, NULL);
	graph_add_edge(p, 1, 2, GRAPH_EDGE_NEXT, NULL);
	graph_set_start(p, 0);
	return g;
}

/* Task with a Catch, a Choice looping back through Wait and Pass (the corpus' choice loop). */
static struct graph *loop_graph(void)
{
	struct graph *g = graph_new();
	node(g, "Setup", GRAPH_PASS);
	node(g, "Work", GRAPH_TASK);
	node(g, "IsComplete", GRAPH_CHOICE);
	node(g, "WaitState", GRAPH_WAIT);
	node(g, "Correct", GRAPH_PASS);
	node(g, "Success", GRAPH_SUCCEED);
	node(g, "Failed", GRAPH_FAIL);
	graph_add_edge(g, 0, 1, GRAPH_EDGE_NEXT, NULL);
	graph_add_edge(g, 1, 2, GRAPH_EDGE_NEXT, NULL);
	graph_add_edge(g, 1, 6, GRAPH_EDGE_CATCH, "States.TaskFailed");
	graph_add_edge(g, 2, 5, GRAPH_EDGE_CHOICE, "$.status == \"complete\"");
	graph_add_edge(g, 2, 3, GRAPH_EDGE_DEFAULT, "Default");
	graph_add_edge(g, 3, 4, GRAPH_EDGE_NEXT, NULL);
	graph_add_edge(g, 4, 1, GRAPH_EDGE_NEXT, NULL);
	graph_set_start(g, 0);
	return g;
}

static int max_line_width(const char *text)
{
	int best = 0;
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		char *line = xstrndup(text, n);
		int w = canvas_str_width(line);
		free(line);
		best = w > best ? w : best;
		text += n + (nl ? 1 : 0);
	}
	return best;
}

static void test_layers_follow_reachability(void **state)
{
	(void)state;
	/* Key order is the reverse of the flow: the start state is defined last. */
	struct graph *g = graph_new();
	node(g, "Z_End", GRAPH_SUCCEED);
	node(g, "M_Mid", GRAPH_PASS);
	node(g, "A_Start", GRAPH_PASS);
	graph_add_edge(g, 1, 0, GRAPH_EDGE_NEXT, NULL);
	graph_add_edge(g, 2, 1, GRAPH_EDGE_NEXT, NULL);
	graph_set_start(g, 2);
	struct graph_layout *l = graph_layout_new(g);
	const struct graph_box *a = graph_layout_find(l, g->nodes.items[2]);
	const struct graph_box *m = graph_layout_find(l, g->nodes.items[1]);
	const struct graph_box *z = graph_layout_find(l, g->nodes.items[0]);
	assert_non_null(a);
	assert_true(a->y + a->h <= m->y);
	assert_true(m->y + m->h <= z->y);
	/* A plain sequence is drawn straight down: same centre column. */
	assert_int_equal(a->x + a->w / 2, m->x + m->w / 2);
	assert_int_equal(graph_layout_box_count(l), 3);
	graph_layout_free(l);
	graph_free(g);
}

static void test_seed_fits_80_columns(void **state)
{
	(void)state;
	struct graph *g = seed_graph();
	char *text = graph_render_text(g, false);
	assert_true(max_line_width(text) <= 80);
	assert_non_null(strstr(text, "MapState · Map (end)"));
	assert_non_null(strstr(text, "│ LambdaInvoke │"));
	assert_non_null(strstr(text, "Task (end)"));
	assert_non_null(strstr(text, "▼"));
	free(text);
	/* The frame contains its inner boxes. */
	struct graph_layout *l = graph_layout_new(g);
	const struct graph_box *frame = graph_layout_find(l, g->nodes.items[1]);
	assert_true(frame->frame);
	for (size_t i = 0; i < 3; i++) {
		const struct graph_box *b =
		    graph_layout_find(l, g->nodes.items[1]->children[0]->nodes.items[i]);
		assert_int_equal(b->depth, 1);
		assert_true(b->x > frame->x && b->x + b->w < frame->x + frame->w);
		assert_true(b->y > frame->y && b->y + b->h < frame->y + frame->h);
	}
	graph_layout_free(l);
	graph_free(g);
}

static void test_loop_catch_and_labels(void **state)
{
	(void)state;
	struct graph *g = loop_graph();
	char *text = graph_render_text(g, false);
	assert_non_null(strstr(text, "▲"));		    /* the loop climbs a lane */
	assert_non_null(strstr(text, "┄"));		    /* the catch is dashed */
	assert_non_null(strstr(text, "States.TaskFailed")); /* ...and labelled */
	assert_non_null(strstr(text, "$.status == \"complete\""));
	assert_non_null(strstr(text, "Default"));
	assert_non_null(strstr(text, "✗ Fail"));
	free(text);
	/* The lane lies right of every box. */
	struct graph_layout *l = graph_layout_new(g);
	int right = 0;
	for (size_t i = 0; i < graph_layout_box_count(l); i++) {
		const struct graph_box *b = graph_layout_box(l, i);
		right = b->x + b->w > right ? b->x + b->w : right;
	}
	assert_true(graph_layout_width(l) > right);
	struct canvas *c = canvas_new(graph_layout_width(l), graph_layout_height(l), false);
	graph_draw(l, c, 0, 0, NULL);
	char *roles = canvas_dump_roles(c);
	assert_non_null(strchr(roles, 'c')); /* EDGE_CATCH */
	assert_non_null(strchr(roles, 'o')); /* EDGE_LOOP */
	assert_non_null(strchr(roles, 'x')); /* the ✗ mark */
	free(roles);
	canvas_free(c);
	graph_layout_free(l);
	graph_free(g);
}

static void test_ascii_is_plain(void **state)
{
	(void)state;
	struct graph *g = loop_graph();
	char *text = graph_render_text(g, true);
	for (const char *p = text; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	assert_non_null(strstr(text, "X Fail"));
	assert_non_null(strstr(text, "..."));
	assert_non_null(strstr(text, "+--"));
	free(text);
	graph_free(g);
}

static void test_nested_frames_and_hit(void **state)
{
	(void)state;
	/* Map { Parallel { Map { Pass }, Pass } } */
	struct graph *g = graph_new();
	struct graph_node *outer = node(g, "Outer", GRAPH_MAP);
	graph_set_start(g, 0);
	struct graph *og = graph_add_child(outer);
	struct graph_node *par = node(og, "Par", GRAPH_PARALLEL);
	graph_set_start(og, 0);
	struct graph *b1 = graph_add_child(par);
	struct graph_node *inner = node(b1, "Inner", GRAPH_MAP);
	graph_set_start(b1, 0);
	struct graph *ig = graph_add_child(inner);
	struct graph_node *leaf = node(ig, "Leaf", GRAPH_PASS);
	graph_set_start(ig, 0);
	struct graph *b2 = graph_add_child(par);
	struct graph_node *side = node(b2, "Side", GRAPH_PASS);
	graph_set_start(b2, 0);
	assert_ptr_equal(graph_find(g, "Leaf"), leaf);
	struct graph_layout *l = graph_layout_new(g);
	const struct graph_box *bl = graph_layout_find(l, leaf);
	const struct graph_box *bs = graph_layout_find(l, side);
	assert_int_equal(bl->depth, 3);
	assert_int_equal(bs->depth, 2);
	/* Branches side by side: same row band, Side to the right of the inner Map. */
	const struct graph_box *bi = graph_layout_find(l, inner);
	assert_int_equal(bi->y, bs->y);
	assert_true(bs->x >= bi->x + bi->w);
	assert_ptr_equal(graph_layout_hit(l, bl->x + 1, bl->y + 1)->node, leaf);
	assert_ptr_equal(graph_layout_hit(l, bi->x, bi->y)->node, inner);
	assert_ptr_equal(graph_layout_hit(l, 0, 0)->node, outer);
	assert_null(graph_layout_hit(l, -1, 0));
	char *text = graph_render_text(g, false);
	assert_non_null(strstr(text, "┆")); /* the branch separator */
	free(text);
	graph_layout_free(l);
	graph_free(g);
}

static void test_status_and_selection_redraw(void **state)
{
	(void)state;
	struct graph *g = seed_graph();
	struct graph_layout *l = graph_layout_new(g);
	int w = graph_layout_width(l), h = graph_layout_height(l);
	struct canvas *c = canvas_new(w, h, false);
	graph_draw(l, c, 0, 0, NULL);
	char *before = canvas_dump_roles(c);
	assert_null(strchr(before, 'F'));
	struct graph_node *lambda = graph_find(g, "LambdaInvoke");
	lambda->status = CANVAS_STATE_FAILED;
	canvas_clear(c);
	graph_draw(l, c, 0, 0, lambda);
	char *after = canvas_dump_roles(c);
	char *text = canvas_dump_text(c);
	assert_non_null(strchr(after, 'F')); /* the status glyph */
	assert_non_null(strchr(after, 's')); /* the selected border */
	assert_non_null(strstr(text, "╔"));
	assert_non_null(strstr(text, "✗"));
	free(text);
	/* Clearing the status restores the first drawing. */
	graph_clear_status(g);
	canvas_clear(c);
	graph_draw(l, c, 0, 0, NULL);
	char *again = canvas_dump_roles(c);
	assert_string_equal(before, again);
	/* Panning: drawn 3 columns left, the first row starts 3 cells earlier. */
	char *t0 = canvas_dump_text(c);
	canvas_clear(c);
	graph_draw(l, c, -3, 0, NULL);
	char *t1 = canvas_dump_text(c);
	size_t line0 = strcspn(t0, "\n");
	assert_true(line0 > 3 && strncmp(t0, "   ", 3) == 0);
	assert_memory_equal(t0 + 3, t1, line0 - 3);
	free(t0);
	free(t1);
	free(before);
	free(after);
	free(again);
	canvas_free(c);
	graph_layout_free(l);
	graph_free(g);
}

static void test_long_names_truncated(void **state)
{
	(void)state;
	struct graph *g = graph_new();
	node(g, "AVeryLongStateNameThatDoesNotFitInABox", GRAPH_TASK);
	graph_set_start(g, 0);
	struct graph_layout *l = graph_layout_new(g);
	assert_true(graph_layout_box(l, 0)->w <= 26);
	graph_layout_free(l);
	char *text = graph_render_text(g, false);
	assert_non_null(strstr(text, "AVeryLongStateNameTha…"));
	free(text);
	graph_free(g);
}

static void test_dot_and_mermaid(void **state)
{
	(void)state;
	struct graph *g = loop_graph();
	struct graph *s = seed_graph();
	char *dot = graph_render_dot(g);
	assert_non_null(strstr(dot, "digraph stepscope {"));
	assert_non_null(strstr(dot, "style=dashed"));
	assert_non_null(strstr(dot, "label=\"$.status == \\\"complete\\\"\""));
	free(dot);
	dot = graph_render_dot(s);
	assert_non_null(strstr(dot, "subgraph cluster_n1 {"));
	assert_non_null(strstr(dot, "lhead=cluster_n1"));
	free(dot);
	char *mmd = graph_render_mermaid(g);
	assert_true(strncmp(mmd, "flowchart TD\n", 13) == 0);
	assert_non_null(strstr(mmd, "-.->|\"States.TaskFailed\"|"));
	assert_non_null(strstr(mmd, "#quot;complete#quot;"));
	free(mmd);
	mmd = graph_render_mermaid(s);
	assert_non_null(strstr(mmd, "subgraph n1 ["));
	assert_non_null(strstr(mmd, "\n  end\n"));
	free(mmd);
	graph_free(g);
	graph_free(s);
	/* Quotes, backslashes and '#' in names stay inside the quoted labels. */
	g = graph_new();
	node(g, "a\\b\"c#1", GRAPH_PASS);
	graph_set_start(g, 0);
	dot = graph_render_dot(g);
	assert_non_null(strstr(dot, "label=\"a\\\\b\\\"c#1\\nPass\""));
	free(dot);
	mmd = graph_render_mermaid(g);
	assert_non_null(strstr(mmd, "n0[\"a\\b#quot;c#35;1<br/>Pass\"]"));
	free(mmd);
	graph_free(g);
}

static void check_rule(const char *json, const char *want)
{
	json_error_t err;
	json_t *rule = json_loads(json, 0, &err);
	assert_non_null(rule);
	char *label = graph_rule_label(rule);
	assert_string_equal(label, want);
	free(label);
	json_decref(rule);
}

/* Rule shapes: https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html */
static void test_rule_labels(void **state)
{
	(void)state;
	check_rule("{\"Variable\":\"$.n\",\"NumericGreaterThan\":10,\"Next\":\"X\"}", "$.n > 10");
	check_rule("{\"Variable\":\"$.n\",\"NumericLessThanEqualsPath\":\"$.m\"}", "$.n <= $.m");
	check_rule("{\"Variable\":\"$.s\",\"StringEquals\":\"a\"}", "$.s == \"a\"");
	check_rule("{\"Variable\":\"$.x\",\"IsPresent\":false}", "$.x is absent");
	check_rule("{\"Variable\":\"$.x\",\"IsNull\":true}", "$.x is null");
	check_rule("{\"Not\":{\"Variable\":\"$.b\",\"BooleanEquals\":true}}", "not($.b == true)");
	check_rule("{\"And\":[{\"Variable\":\"$.a\",\"NumericEquals\":1},"
		   "{\"Or\":[{\"Variable\":\"$.b\",\"IsString\":true},"
		   "{\"Variable\":\"$.c\",\"StringMatches\":\"x*\"}]}]}",
		   "$.a == 1 and ($.b is string or $.c matches \"x*\")");
	check_rule("{\"Condition\":\"{% $states.input.n > 3 %}\"}", "$states.input.n > 3");
}

/* graph_from_asl over a model built by hand (the loader is another module). */
static void test_from_asl(void **state)
{
	(void)state;
	struct asl_state st[3] = {0};
	struct asl_state *list[3] = {&st[0], &st[1], &st[2]};
	struct asl_graph top = {.start = &st[1], .states = list, .state_count = 3};
	json_t *rule = json_pack("{s:s, s:i}", "Variable", "$.n", "NumericGreaterThan", 10);
	struct asl_choice_rule rules[1] = {{.json = rule, .next = &st[2]}};
	const char *errs[] = {"States.ALL", "States.Timeout"};
	struct asl_catcher catcher = {.errors = errs, .error_count = 2, .next = &st[0]};
	st[0] = (struct asl_state){.name = "Done", .type = ASL_SUCCEED};
	st[1] = (struct asl_state){.name = "Check",
				   .type = ASL_CHOICE,
				   .choices = rules,
				   .choice_count = 1,
				   .default_next = &st[0]};
	st[2] = (struct asl_state){
	    .name = "Work", .type = ASL_TASK, .end = true, .catch_ = &catcher, .catch_count = 1};
	struct asl_machine m = {.top = &top};
	struct graph *g = graph_from_asl(&m);
	assert_int_equal(g->nodes.len, 3);
	assert_int_equal(g->start, 1);
	assert_true(g->nodes.items[1]->flags & GRAPH_FLAG_START);
	assert_true(g->nodes.items[2]->flags & GRAPH_FLAG_END);
	assert_ptr_equal(g->nodes.items[2]->user, &st[2]);
	assert_int_equal(g->edges.len, 3);
	assert_int_equal(g->edges.items[0].kind, GRAPH_EDGE_CHOICE);
	assert_string_equal(g->edges.items[0].label, "$.n > 10");
	assert_int_equal(g->edges.items[1].kind, GRAPH_EDGE_DEFAULT);
	assert_string_equal(g->edges.items[2].label, "States.ALL, States.Timeout");
	assert_int_equal(g->edges.items[2].kind, GRAPH_EDGE_CATCH);
	graph_free(g);
	/* The model's label only stands in when a rule has no JSON. */
	rules[0].label = "big n";
	g = graph_from_asl(&m);
	assert_string_equal(g->edges.items[0].label, "$.n > 10");
	graph_free(g);
	rules[0].json = NULL;
	g = graph_from_asl(&m);
	assert_string_equal(g->edges.items[0].label, "big n");
	graph_free(g);
	json_decref(rule);
}

static struct graph *random_graph(struct rng *r, int depth)
{
	struct graph *g = graph_new();
	size_t n = 1 + rng_below(r, 7);
	for (size_t i = 0; i < n; i++) {
		char name[80];
		snprintf(name, sizeof(name), "S%d_%zu_%llu", depth, i,
			 (unsigned long long)rng_below(r, 1000000));
		enum graph_kind k = (enum graph_kind)rng_below(r, depth < 3 ? 8 : 6);
		struct graph_node *nd = node(g, name, k);
		size_t kids = k == GRAPH_PARALLEL ? 1 + rng_below(r, 3) : k == GRAPH_MAP;
		for (size_t c = 0; c < kids; c++) {
			struct graph *child = random_graph(r, depth + 1);
			child->parent = nd;
			nd->children = xrealloc(nd->children, (c + 1) * sizeof(*nd->children));
			nd->children[nd->child_count++] = child;
		}
	}
	size_t m = rng_below(r, 2 * n + 1);
	for (size_t e = 0; e < m; e++)
		graph_add_edge(g, rng_below(r, n), rng_below(r, n),
			       (enum graph_edge_kind)rng_below(r, 4),
			       rng_below(r, 2) ? "lbl" : NULL);
	graph_set_start(g, rng_below(r, n));
	return g;
}

static bool inside(const struct graph_box *in, const struct graph_box *out)
{
	return in->x > out->x && in->y > out->y && in->x + in->w < out->x + out->w &&
	       in->y + in->h < out->y + out->h;
}

/* Any graph (loops, self-loops, unreachable states, nesting) lays out without overlaps. */
static void test_random_graphs_never_overlap(void **state)
{
	(void)state;
	struct rng r;
	rng_seed(&r, 42);
	for (int round = 0; round < 150; round++) {
		struct graph *g = random_graph(&r, 0);
		struct graph_layout *l = graph_layout_new(g);
		size_t n = graph_layout_box_count(l);
		for (size_t i = 0; i < n; i++) {
			const struct graph_box *a = graph_layout_box(l, i);
			assert_true(a->x >= 0 && a->y >= 0);
			assert_true(a->x + a->w <= graph_layout_width(l));
			assert_true(a->y + a->h <= graph_layout_height(l));
			const struct graph_node *parent = a->node->owner->parent;
			if (parent)
				assert_true(inside(a, graph_layout_find(l, parent)));
			for (size_t j = i + 1; j < n; j++) {
				const struct graph_box *b = graph_layout_box(l, j);
				if (b->node->owner != a->node->owner)
					continue;
				bool apart = a->x + a->w <= b->x || b->x + b->w <= a->x ||
					     a->y + a->h <= b->y || b->y + b->h <= a->y;
				assert_true(apart);
			}
		}
		/* No edge runs through a box: its inside holds text only. */
		struct canvas *c =
		    canvas_new(graph_layout_width(l), graph_layout_height(l), round % 2);
		graph_draw(l, c, 0, 0, NULL);
		for (size_t i = 0; i < n; i++) {
			const struct graph_box *a = graph_layout_box(l, i);
			for (int y = a->y + 1; !a->frame && y < a->y + a->h - 1; y++)
				for (int x = a->x + 1; x < a->x + a->w - 1; x++)
					assert_int_equal(canvas_cell(c, x, y)->lines, 0);
		}
		canvas_free(c);
		graph_layout_free(l);
		graph_free(g);
	}
}

/* A Choice over a chain of n states with a branch to every one: branch i crosses i layers. */
static struct graph *fan_chain(struct graph *g, size_t n)
{
	node(g, "C", GRAPH_CHOICE);
	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "S%zu", i);
		node(g, name, GRAPH_PASS);
		graph_add_edge(g, 0, i + 1, GRAPH_EDGE_CHOICE, NULL);
		if (i > 0)
			graph_add_edge(g, i, i + 1, GRAPH_EDGE_NEXT, NULL);
	}
	graph_set_start(g, 0);
	return g;
}

/* Past GRAPH_MAX_ITEMS the layout is one line saying why; text refuses it. 800 states need
 * 319,600 dummies (sum of 0..799); 600 need 179,700, within the limit. */
static void test_layout_limits(void **state)
{
	(void)state;
	struct graph *g = fan_chain(graph_new(), 800);
	struct graph_layout *l = graph_layout_new(g);
	assert_non_null(graph_layout_error(l));
	assert_non_null(strstr(graph_layout_error(l), "too large to lay out"));
	assert_int_equal(graph_layout_height(l), 1);
	assert_int_equal(graph_layout_box_count(l), 0);
	struct canvas *c = canvas_new(graph_layout_width(l), 1, true);
	graph_draw(l, c, 0, 0, NULL);
	char *shown = canvas_dump_text(c);
	assert_non_null(strstr(shown, "the graph is too large to lay out"));
	free(shown);
	canvas_free(c);
	char *why = graph_layout_oversize(l);
	assert_non_null(why);
	free(why);
	graph_layout_free(l);
	assert_null(graph_render_text(g, false));
	graph_free(g);

	/* The same inside a Map: the budget counts nested graphs too. */
	g = graph_new();
	struct graph_node *map = node(g, "M", GRAPH_MAP);
	graph_set_start(g, 0);
	fan_chain(graph_add_child(map), 800);
	l = graph_layout_new(g);
	assert_non_null(graph_layout_error(l));
	graph_layout_free(l);
	graph_free(g);

	/* Within the item limit, but over GRAPH_MAX_CELLS: a Choice with 2,000 branches whose
	 * targets' Next jump around (i -> i * 7919 mod 2000), as tests/hostile/run.sh. */
	g = graph_new();
	node(g, "C", GRAPH_CHOICE);
	for (size_t i = 0; i < 2000; i++) {
		char name[32];
		snprintf(name, sizeof(name), "S%zu", i);
		node(g, name, GRAPH_PASS);
		graph_add_edge(g, 0, i + 1, GRAPH_EDGE_CHOICE, NULL);
	}
	for (size_t i = 0; i < 2000; i++)
		graph_add_edge(g, i + 1, (i * 7919) % 2000 + 1, GRAPH_EDGE_NEXT, NULL);
	graph_set_start(g, 0);
	l = graph_layout_new(g);
	assert_null(graph_layout_error(l));
	assert_int_equal(graph_layout_box_count(l), 2001);
	assert_true((long long)graph_layout_width(l) * graph_layout_height(l) > GRAPH_MAX_CELLS);
	why = graph_layout_oversize(l);
	assert_non_null(why);
	assert_non_null(strstr(why, "over the limit of 20000000 cells"));
	free(why);
	graph_layout_free(l);
	assert_null(graph_render_text(g, false));
	graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layers_follow_reachability),
	    cmocka_unit_test(test_seed_fits_80_columns),
	    cmocka_unit_test(test_loop_catch_and_labels),
	    cmocka_unit_test(test_ascii_is_plain),
	    cmocka_unit_test(test_nested_frames_and_hit),
	    cmocka_unit_test(test_status_and_selection_redraw),
	    cmocka_unit_test(test_long_names_truncated),
	    cmocka_unit_test(test_dot_and_mermaid),
	    cmocka_unit_test(test_rule_labels),
	    cmocka_unit_test(test_from_asl),
	    cmocka_unit_test(test_random_graphs_never_overlap),
	    cmocka_unit_test(test_layout_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
