/*
 * The graph description of a loaded ASL machine, and short labels for Choice rules.
 * Edges follow the definition: Next, each Choice rule in order, Default, each Catcher.
 */
#include "graph/internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "doc/doc.h"

static const struct {
	const char *op, *sym;
} comparators[] = {
    /* Longest first: "LessThanEquals" must win over "Equals". */
    {"LessThanEquals", "<="}, {"GreaterThanEquals", ">="}, {"LessThan", "<"}, {"GreaterThan", ">"},
    {"Equals", "=="},	      {"Matches", "matches"},
};

static const char *const type_tests[] = {"IsNull",   "IsPresent", "IsNumeric",
					 "IsString", "IsBoolean", "IsTimestamp"};

static void add_value(struct strbuf *sb, json_t *v, bool path)
{
	if (path && json_is_string(v)) {
		sb_add(sb, json_string_value(v));
		return;
	}
	char *s = doc_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	sb_add(sb, s ? s : "?");
	free(s);
}

/* "NumericGreaterThanEquals" → ">=", "StringEqualsPath" → "==" with a path operand. */
static bool comparison(struct strbuf *sb, const char *key, json_t *value)
{
	size_t klen = strlen(key);
	bool path = klen > 4 && strcmp(key + klen - 4, "Path") == 0;
	for (size_t t = 0; t < ARRAY_LEN(type_tests); t++) {
		if (strcmp(key, type_tests[t]) == 0) {
			bool yes = json_is_true(value);
			const char *what = type_tests[t] + 2;
			if (strcmp(what, "Present") == 0)
				sb_add(sb, yes ? " is present" : " is absent");
			else
				sb_addf(sb, " is %s%c%s", yes ? "" : "not ", what[0] + 32,
					what + 1);
			return true;
		}
	}
	for (size_t c = 0; c < ARRAY_LEN(comparators); c++) {
		const char *op = comparators[c].op;
		const char *at = strstr(key, op);
		if (!at || (at[strlen(op)] != 0 && strcmp(at + strlen(op), "Path") != 0))
			continue;
		sb_addf(sb, " %s ", comparators[c].sym);
		add_value(sb, value, path);
		return true;
	}
	return false;
}

static void rule_label(struct strbuf *sb, json_t *rule, bool nested);

static void join(struct strbuf *sb, json_t *list, const char *word, bool nested)
{
	size_t n = json_array_size(list);
	if (n == 1) {
		rule_label(sb, json_array_get(list, 0), nested);
		return;
	}
	if (nested)
		sb_addc(sb, '(');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addf(sb, " %s ", word);
		rule_label(sb, json_array_get(list, i), true);
	}
	if (nested)
		sb_addc(sb, ')');
}

static void rule_label(struct strbuf *sb, json_t *rule, bool nested)
{
	json_t *v;
	if (!json_is_object(rule)) {
		sb_add(sb, "?");
		return;
	}
	if ((v = json_object_get(rule, "Condition")) != NULL) {
		const char *s = json_is_string(v) ? json_string_value(v) : "";
		size_t len = strlen(s);
		if (len >= 4 && strncmp(s, "{%", 2) == 0 && strcmp(s + len - 2, "%}") == 0) {
			s += 2;
			len -= 4;
		}
		while (len && (*s == ' ')) {
			s++;
			len--;
		}
		while (len && s[len - 1] == ' ')
			len--;
		sb_addn(sb, s, len);
		return;
	}
	if ((v = json_object_get(rule, "And")) != NULL) {
		join(sb, v, "and", nested);
		return;
	}
	if ((v = json_object_get(rule, "Or")) != NULL) {
		join(sb, v, "or", nested);
		return;
	}
	if ((v = json_object_get(rule, "Not")) != NULL) {
		sb_add(sb, "not(");
		rule_label(sb, v, false);
		sb_addc(sb, ')');
		return;
	}
	json_t *var = json_object_get(rule, "Variable");
	sb_add(sb, json_is_string(var) ? json_string_value(var) : "?");
	const char *key;
	json_object_foreach(rule, key, v)
	{
		if (strcmp(key, "Variable") != 0 && strcmp(key, "Next") != 0 &&
		    strcmp(key, "Comment") != 0 && comparison(sb, key, v))
			return;
	}
}

char *graph_rule_label(const void *rule_json)
{
	struct strbuf sb;
	sb_init(&sb);
	rule_label(&sb, (json_t *)rule_json, false);
	return sb_take(&sb);
}

static enum graph_kind kind_of(enum asl_state_type t)
{
	switch (t) {
	case ASL_TASK:
		return GRAPH_TASK;
	case ASL_PASS:
		return GRAPH_PASS;
	case ASL_CHOICE:
		return GRAPH_CHOICE;
	case ASL_WAIT:
		return GRAPH_WAIT;
	case ASL_SUCCEED:
		return GRAPH_SUCCEED;
	case ASL_FAIL:
		return GRAPH_FAIL;
	case ASL_PARALLEL:
		return GRAPH_PARALLEL;
	default:
		return GRAPH_MAP;
	}
}

static size_t index_of(const struct asl_graph *ag, const struct asl_state *s)
{
	for (size_t i = 0; s && i < ag->state_count; i++)
		if (ag->states[i] == s)
			return i;
	return SIZE_MAX;
}

static void add_edge(struct graph *g, const struct asl_graph *ag, size_t from,
		     const struct asl_state *to, enum graph_edge_kind kind, const char *label)
{
	size_t t = index_of(ag, to);
	if (t != SIZE_MAX)
		graph_add_edge(g, from, t, kind, label);
}

static void build(struct graph *g, const struct asl_graph *ag);

static void add_edges(struct graph *g, const struct asl_graph *ag, size_t i)
{
	const struct asl_state *s = ag->states[i];
	add_edge(g, ag, i, s->next, GRAPH_EDGE_NEXT, NULL);
	for (size_t c = 0; c < s->choice_count; c++) {
		const struct asl_choice_rule *r = &s->choices[c];
		/* Our own form from the rule's JSON: the model's `label` reads every comparison
		 * ending in "Equals" as "==" (NumericGreaterThanEquals too), which would mislead.
		 */
		char *own = r->json ? graph_rule_label(r->json) : NULL;
		add_edge(g, ag, i, r->next, GRAPH_EDGE_CHOICE, own ? own : r->label);
		free(own);
	}
	if (s->type == ASL_CHOICE)
		add_edge(g, ag, i, s->default_next, GRAPH_EDGE_DEFAULT, "Default");
	for (size_t c = 0; c < s->catch_count; c++) {
		const struct asl_catcher *k = &s->catch_[c];
		struct strbuf sb;
		sb_init(&sb);
		for (size_t e = 0; e < k->error_count; e++)
			sb_addf(&sb, "%s%s", e ? ", " : "", k->errors[e]);
		add_edge(g, ag, i, k->next, GRAPH_EDGE_CATCH, sb_str(&sb));
		sb_fini(&sb);
	}
}

static void build(struct graph *g, const struct asl_graph *ag)
{
	for (size_t i = 0; i < ag->state_count; i++) {
		const struct asl_state *s = ag->states[i];
		struct graph_node *n = graph_add_node(g, s->name, kind_of(s->type));
		n->user = s;
		if (s->end)
			n->flags |= GRAPH_FLAG_END;
		for (size_t b = 0; b < s->branch_count; b++)
			build(graph_add_child(n), s->branches[b]);
		if (s->type == ASL_MAP && s->processor)
			build(graph_add_child(n), s->processor);
	}
	for (size_t i = 0; i < ag->state_count; i++)
		add_edges(g, ag, i);
	graph_set_start(g, index_of(ag, ag->start));
}

struct graph *graph_from_asl(const struct asl_machine *m)
{
	struct graph *g = graph_new();
	if (m && m->top)
		build(g, m->top);
	return g;
}
