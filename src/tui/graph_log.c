/*
 * A state graph recovered from the log alone, for replays without their definition: every
 * state that was entered becomes a node, every observed transition an edge (a catch edge when
 * a failure led to it), and states entered inside a Map iteration or a Parallel branch go into
 * that Map's / Parallel's child graph. Structure comes from the causal `prev` chain.
 */
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

struct place {
	struct graph *g;	 /* the graph holding the node, or NULL when not seen */
	struct graph_node *node; /* borrowed */
};

typedef VEC(struct place) places_t;

static bool kind_of(enum ev_type t, enum graph_kind *k)
{
	switch (t) {
	case EV_TaskStateEntered:
		*k = GRAPH_TASK;
		return true;
	case EV_PassStateEntered:
		*k = GRAPH_PASS;
		return true;
	case EV_ChoiceStateEntered:
		*k = GRAPH_CHOICE;
		return true;
	case EV_WaitStateEntered:
		*k = GRAPH_WAIT;
		return true;
	case EV_SucceedStateEntered:
		*k = GRAPH_SUCCEED;
		return true;
	case EV_FailStateEntered:
		*k = GRAPH_FAIL;
		return true;
	case EV_ParallelStateEntered:
		*k = GRAPH_PARALLEL;
		return true;
	case EV_MapStateEntered:
		*k = GRAPH_MAP;
		return true;
	default:
		return false;
	}
}

static struct place *place_of(places_t *p, ev_str_t s)
{
	while (p->len <= s) {
		struct place z = {0};
		VEC_PUSH(*p, z);
	}
	return &p->items[s];
}

static void add_edge_once(struct graph *g, size_t from, size_t to, enum graph_edge_kind kind,
			  const char *label)
{
	for (size_t i = 0; i < g->edges.len; i++)
		if (g->edges.items[i].from == from && g->edges.items[i].to == to)
			return;
	graph_add_edge(g, from, to, kind, label);
}

/* The child graph a state entered right after `p` starts in (Map iteration / branch). */
static struct graph *child_for(const struct ev_log *log, places_t *pl, const struct ev *p,
			       const struct ev *e)
{
	struct place *owner = place_of(pl, p->state);
	if (!owner->node)
		return NULL;
	struct graph_node *n = owner->node;
	if (p->type == EV_MapIterationStarted) {
		return n->child_count ? n->children[0] : graph_add_child(n);
	}
	/* Parallel: one branch per distinct first state. */
	const char *name = ev_log_str(log, e->state);
	for (size_t i = 0; i < n->child_count; i++) {
		struct graph *b = n->children[i];
		if (b->start != SIZE_MAX && !strcmp(b->nodes.items[b->start]->label, name))
			return b;
	}
	return graph_add_child(n);
}

static void entered(const struct ev_log *log, places_t *pl, const struct ev *e, struct graph *top)
{
	enum graph_kind kind;
	if (!e->state || !kind_of(e->type, &kind))
		return;
	struct place *me = place_of(pl, e->state);
	const struct ev *p = ev_log_get(log, e->prev);
	struct graph *g = NULL;
	bool start = false;
	if (!p || p->type == EV_ExecutionStarted) {
		g = top, start = true;
	} else if (p->type == EV_MapIterationStarted || p->type == EV_ParallelStateStarted) {
		g = child_for(log, pl, p, e), start = true;
	} else {
		struct place *from = p->state ? place_of(pl, p->state) : NULL;
		g = from && from->g ? from->g : top;
	}
	if (!g)
		g = top;
	me = place_of(pl, e->state); /* the vector may have moved */
	if (!me->node) {
		me->node = graph_add_node(g, ev_log_str(log, e->state), kind);
		me->g = g;
	}
	if (start && me->g->start == SIZE_MAX)
		graph_set_start(me->g, me->node->index);
	if (start || !p || !p->state)
		return;
	struct place *from = place_of(pl, p->state);
	if (!from->node || from->g != me->g || from->node == me->node)
		return;
	const char *pn = ev_type_name(p->type);
	bool failure = strstr(pn, "Failed") || strstr(pn, "TimedOut");
	add_edge_once(me->g, from->node->index, me->node->index,
		      failure ? GRAPH_EDGE_CATCH : GRAPH_EDGE_NEXT,
		      failure ? ev_log_str(log, ev_error(log, p)) : NULL);
}

static bool ends_with_exited(const char *name)
{
	size_t n = strlen(name);
	return n > 6 && !strcmp(name + n - 6, "Exited");
}

/* The state whose success or failure ended the execution / an iteration is an end state. */
static void ended(const struct ev_log *log, places_t *pl, const struct ev *e)
{
	const struct ev *p = ev_log_get(log, e->prev);
	if (!p || !p->state)
		return;
	if (p->type == EV_MapStateSucceeded || p->type == EV_ParallelStateSucceeded)
		p = ev_log_get(log, p->prev); /* Map/Parallel end events point at the last state */
	if (!p || !p->state)
		return;
	struct place *pp = place_of(pl, p->state);
	if (pp->node && ends_with_exited(ev_type_name(p->type)))
		pp->node->flags |= GRAPH_FLAG_END;
}

struct graph *tui_graph_from_log(const struct ev_log *log)
{
	struct graph *top = graph_new();
	places_t pl = {0};
	size_t n = ev_log_count(log);
	for (size_t id = 1; id <= n; id++) {
		const struct ev *e = ev_log_get(log, (int64_t)id);
		if (e->type == EV_ExecutionSucceeded || e->type == EV_MapIterationSucceeded)
			ended(log, &pl, e);
		else
			entered(log, &pl, e, top);
	}
	VEC_FREE(pl);
	if (top->nodes.len == 0) {
		graph_free(top);
		return NULL;
	}
	return top;
}
