/*
 * The model: states, graphs, retriers, catchers and choice rules built from a definition that
 * asl_check accepted. Still defensive (never crashes on odd input): fields of an unexpected
 * type are simply left unset.
 */
#include "asl/internal.h"

#include "flow/flow.h"

#include <stdlib.h>
#include <string.h>

struct builder {
	struct asl_source *src;
	struct asl_machine *m;
	enum asl_query_language top_ql;
};

static const char *type_names[] = {"Task",    "Pass", "Choice",	  "Wait",
				   "Succeed", "Fail", "Parallel", "Map"};

const char *asl_state_type_name(enum asl_state_type type)
{
	return (size_t)type < ARRAY_LEN(type_names) ? type_names[type] : "?";
}

int asl_type_from_name(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_LEN(type_names); i++)
		if (strcmp(name, type_names[i]) == 0)
			return (int)i;
	return -1;
}

static const char *str_field(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int64_t int_field(json_t *obj, const char *key, int64_t dflt)
{
	json_t *v = json_object_get(obj, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

static char *ptr_join(struct builder *b, const char *base, const char *token)
{
	return asl_pool(b->src, pointer_join(base, token));
}

static char *ptr_index(struct builder *b, const char *base, size_t i)
{
	return asl_pool(b->src, xasprintf("%s/%zu", base, i));
}

static const char **string_list(struct builder *b, json_t *arr, size_t *count)
{
	size_t n = json_array_size(arr);
	const char **list = asl_pool(b->src, xcalloc(n + 1, sizeof(*list)));
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		if (s)
			list[(*count)++] = s;
	}
	return list;
}

static void build_retry(struct builder *b, struct asl_state *s)
{
	json_t *arr = json_object_get(s->json, "Retry");
	size_t n = json_array_size(arr);
	s->retry = asl_pool(b->src, xcalloc(n + 1, sizeof(*s->retry)));
	const char *base = ptr_join(b, s->pointer, "Retry");
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_array_get(arr, i);
		struct asl_retrier *rt = &s->retry[s->retry_count++];
		rt->errors = string_list(b, json_object_get(r, "ErrorEquals"), &rt->error_count);
		json_t *iv = json_object_get(r, "IntervalSeconds");
		rt->interval_seconds = json_is_number(iv) ? json_number_value(iv) : 1;
		rt->max_attempts = int_field(r, "MaxAttempts", 3);
		json_t *br = json_object_get(r, "BackoffRate");
		rt->backoff_rate = json_is_number(br) ? json_number_value(br) : 2.0;
		rt->max_delay_seconds = int_field(r, "MaxDelaySeconds", 0);
		const char *js = str_field(r, "JitterStrategy");
		rt->jitter_full = js && strcmp(js, "FULL") == 0;
		rt->pointer = ptr_index(b, base, i);
	}
}

static void build_catch(struct builder *b, struct asl_state *s)
{
	json_t *arr = json_object_get(s->json, "Catch");
	size_t n = json_array_size(arr);
	s->catch_ = asl_pool(b->src, xcalloc(n + 1, sizeof(*s->catch_)));
	const char *base = ptr_join(b, s->pointer, "Catch");
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(arr, i);
		struct asl_catcher *ct = &s->catch_[s->catch_count++];
		ct->errors = string_list(b, json_object_get(c, "ErrorEquals"), &ct->error_count);
		ct->next_name = str_field(c, "Next");
		ct->result_path = json_object_get(c, "ResultPath");
		ct->pointer = ptr_index(b, base, i);
	}
}

static void build_choices(struct builder *b, struct asl_state *s)
{
	json_t *arr = json_object_get(s->json, "Choices");
	size_t n = json_array_size(arr);
	s->choices = asl_pool(b->src, xcalloc(n + 1, sizeof(*s->choices)));
	const char *base = ptr_join(b, s->pointer, "Choices");
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_array_get(arr, i);
		struct asl_choice_rule *cr = &s->choices[s->choice_count++];
		cr->json = r;
		cr->next_name = str_field(r, "Next");
		char *label = flow_rule_label(r); /* flow/ owns the rule language */
		cr->label = asl_pool(b->src, label ? label : xstrdup("?"));
		cr->pointer = ptr_index(b, base, i);
	}
	s->default_name = str_field(s->json, "Default");
}

static struct asl_graph *build_graph(struct builder *b, json_t *obj, const char *pointer,
				     const struct asl_state *owner, enum asl_query_language ql);

static void build_map(struct builder *b, struct asl_state *s)
{
	json_t *proc = json_object_get(s->json, "ItemProcessor");
	const char *key = "ItemProcessor";
	if (!json_is_object(proc)) {
		proc = json_object_get(s->json, "Iterator");
		key = "Iterator";
		s->legacy_iterator = json_is_object(proc);
	}
	if (json_is_object(proc))
		s->processor =
		    build_graph(b, proc, ptr_join(b, s->pointer, key), s, s->query_language);
	s->processor_config = json_object_get(proc, "ProcessorConfig");
	const char *mode = str_field(s->processor_config, "Mode");
	s->map_mode =
	    mode && strcmp(mode, "DISTRIBUTED") == 0 ? ASL_MAP_DISTRIBUTED : ASL_MAP_INLINE;
	s->execution_type = str_field(s->processor_config, "ExecutionType");
	s->max_concurrency = int_field(s->json, "MaxConcurrency", 0);
	s->max_concurrency_path = str_field(s->json, "MaxConcurrencyPath");
	s->items_path = str_field(s->json, "ItemsPath");
	s->items = json_object_get(s->json, "Items");
	s->item_selector = json_object_get(s->json, "ItemSelector");
	if (!s->item_selector)
		s->item_selector = s->parameters;
	s->item_reader = json_object_get(s->json, "ItemReader");
	s->item_batcher = json_object_get(s->json, "ItemBatcher");
	s->result_writer = json_object_get(s->json, "ResultWriter");
	s->tolerated_failure_count = int_field(s->json, "ToleratedFailureCount", -1);
	json_t *pct = json_object_get(s->json, "ToleratedFailurePercentage");
	s->tolerated_failure_percentage = json_is_number(pct) ? json_number_value(pct) : -1;
	s->tolerated_failure_count_path = str_field(s->json, "ToleratedFailureCountPath");
	s->tolerated_failure_percentage_path = str_field(s->json, "ToleratedFailurePercentagePath");
	s->label = str_field(s->json, "Label");
}

static void build_parallel(struct builder *b, struct asl_state *s)
{
	json_t *arr = json_object_get(s->json, "Branches");
	size_t n = json_array_size(arr);
	s->branches = asl_pool(b->src, xcalloc(n + 1, sizeof(*s->branches)));
	const char *base = ptr_join(b, s->pointer, "Branches");
	for (size_t i = 0; i < n; i++) {
		json_t *g = json_array_get(arr, i);
		if (json_is_object(g))
			s->branches[s->branch_count++] =
			    build_graph(b, g, ptr_index(b, base, i), s, s->query_language);
	}
}

static void build_common(struct asl_state *s)
{
	json_t *j = s->json;
	s->comment = str_field(j, "Comment");
	s->next_name = str_field(j, "Next");
	s->end = json_is_true(json_object_get(j, "End"));
	s->input_path = json_object_get(j, "InputPath");
	s->output_path = json_object_get(j, "OutputPath");
	s->result_path = json_object_get(j, "ResultPath");
	s->parameters = json_object_get(j, "Parameters");
	s->result_selector = json_object_get(j, "ResultSelector");
	s->result = json_object_get(j, "Result");
	s->arguments = json_object_get(j, "Arguments");
	s->output = json_object_get(j, "Output");
	s->assign = json_object_get(j, "Assign");
	s->resource = str_field(j, "Resource");
	s->timeout_seconds = int_field(j, "TimeoutSeconds", 0);
	s->timeout_seconds_path = str_field(j, "TimeoutSecondsPath");
	s->heartbeat_seconds = int_field(j, "HeartbeatSeconds", 0);
	s->heartbeat_seconds_path = str_field(j, "HeartbeatSecondsPath");
	s->credentials = json_object_get(j, "Credentials");
	s->has_seconds = json_is_integer(json_object_get(j, "Seconds"));
	s->seconds = int_field(j, "Seconds", 0);
	s->timestamp = str_field(j, "Timestamp");
	s->seconds_path = str_field(j, "SecondsPath");
	s->timestamp_path = str_field(j, "TimestampPath");
	s->error = str_field(j, "Error");
	s->cause = str_field(j, "Cause");
	s->error_path = str_field(j, "ErrorPath");
	s->cause_path = str_field(j, "CausePath");
	s->tolerated_failure_count = -1;
	s->tolerated_failure_percentage = -1;
}

static struct asl_state *build_state(struct builder *b, const char *name, json_t *obj,
				     const char *pointer, enum asl_query_language ql)
{
	struct asl_state *s = asl_pool(b->src, xcalloc(1, sizeof(*s)));
	s->name = name;
	s->json = obj;
	s->pointer = pointer;
	int t = asl_type_from_name(str_field(obj, "Type"));
	s->type = t < 0 ? ASL_PASS : (enum asl_state_type)t;
	const char *q = str_field(obj, "QueryLanguage");
	s->query_language = q ? (strcmp(q, "JSONata") == 0 ? ASL_JSONATA : ASL_JSONPATH) : ql;
	build_common(s);
	if (json_is_array(json_object_get(obj, "Retry")))
		build_retry(b, s);
	if (json_is_array(json_object_get(obj, "Catch")))
		build_catch(b, s);
	if (s->type == ASL_CHOICE)
		build_choices(b, s);
	else if (s->type == ASL_MAP)
		build_map(b, s);
	else if (s->type == ASL_PARALLEL)
		build_parallel(b, s);
	b->m->total_states++;
	return s;
}

static void resolve(struct asl_graph *g)
{
	for (size_t i = 0; i < g->state_count; i++) {
		struct asl_state *s = g->states[i];
		if (s->next_name)
			s->next = asl_graph_find(g, s->next_name);
		if (s->default_name)
			s->default_next = asl_graph_find(g, s->default_name);
		for (size_t k = 0; k < s->choice_count; k++)
			if (s->choices[k].next_name)
				s->choices[k].next = asl_graph_find(g, s->choices[k].next_name);
		for (size_t k = 0; k < s->catch_count; k++)
			if (s->catch_[k].next_name)
				s->catch_[k].next = asl_graph_find(g, s->catch_[k].next_name);
	}
}

static struct asl_graph *build_graph(struct builder *b, json_t *obj, const char *pointer,
				     const struct asl_state *owner, enum asl_query_language ql)
{
	struct asl_graph *g = asl_pool(b->src, xcalloc(1, sizeof(*g)));
	g->owner = owner;
	g->pointer = pointer;
	json_t *states = json_object_get(obj, "States");
	size_t n = json_object_size(states);
	g->states = asl_pool(b->src, xcalloc(n + 1, sizeof(*g->states)));
	const char *base = ptr_join(b, pointer, "States");
	const char *name;
	json_t *st;
	json_object_foreach(states, name, st)
	{
		if (!json_is_object(st))
			continue;
		struct asl_state *s = build_state(b, name, st, ptr_join(b, base, name), ql);
		s->graph = g;
		g->states[g->state_count++] = s;
	}
	resolve(g);
	g->start = asl_graph_find(g, str_field(obj, "StartAt"));
	return g;
}

struct asl_machine *asl_build(struct asl_source *src, json_t *def)
{
	struct asl_machine *m = xcalloc(1, sizeof(*m));
	m->json = def;
	m->source = src;
	m->file = src->file;
	m->machine_id = src->machine_id;
	m->comment = str_field(def, "Comment");
	m->version = str_field(def, "Version");
	m->timeout_seconds = int_field(def, "TimeoutSeconds", 0);
	const char *q = str_field(def, "QueryLanguage");
	m->query_language = q && strcmp(q, "JSONata") == 0 ? ASL_JSONATA : ASL_JSONPATH;
	struct builder b = {src, m, m->query_language};
	m->top = build_graph(&b, def, "", NULL, m->query_language);
	return m;
}

const struct asl_state *asl_graph_find(const struct asl_graph *g, const char *name)
{
	for (size_t i = 0; g && name && i < g->state_count; i++)
		if (strcmp(g->states[i]->name, name) == 0)
			return g->states[i];
	return NULL;
}

static const struct asl_state *find_deep(const struct asl_graph *g, const char *name)
{
	const struct asl_state *s = asl_graph_find(g, name);
	for (size_t i = 0; !s && g && i < g->state_count; i++) {
		const struct asl_state *st = g->states[i];
		for (size_t k = 0; !s && k < st->branch_count; k++)
			s = find_deep(st->branches[k], name);
		if (!s && st->processor)
			s = find_deep(st->processor, name);
	}
	return s;
}

const struct asl_state *asl_machine_find(const struct asl_machine *m, const char *name)
{
	return m ? find_deep(m->top, name) : NULL;
}
