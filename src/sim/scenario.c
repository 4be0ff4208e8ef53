/*
 * Service models driven by the scenario (config.yaml): Lambda functions (both styles) with
 * sampled durations, cold starts, injected errors, the function's own timeout and the
 * account's concurrency; the generic `services` entries; and DynamoDB getItem over the one
 * table item the seed's loader writes (seed.md). Each function or entry draws from its own
 * random stream, split from the seed by name, so adding one does not reshuffle the others.
 */
#include "internal.h"

#include "config/config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Per function (or services entry): invocation count, random stream, warm instances. */
struct model_state {
	char *key;
	int64_t invocations;
	struct rng rng;
	VEC(int64_t) busy_until; /* one per instance, a min-heap */
};

struct sim_scenario_models {
	struct sim_engine *e;
	const struct cfg_scenario *s;
	json_t *table_item; /* owned; NULL when no table */
	VEC(struct model_state) states;
	struct sim_service lambda, services, ddb;
};

static struct model_state *model_state(struct sim_scenario_models *m, const char *kind,
				       const char *key)
{
	char *full = xasprintf("%s:%s", kind, key ? key : "");
	for (size_t i = 0; i < m->states.len; i++)
		if (strcmp(m->states.items[i].key, full) == 0) {
			free(full);
			return &m->states.items[i];
		}
	struct model_state st = {.key = full};
	rng_split(&st.rng, &m->e->rng_root, full);
	VEC_PUSH(m->states, st);
	return &m->states.items[m->states.len - 1];
}

static bool injected(const struct cfg_errors *er, int64_t n, struct rng *r)
{
	switch (er->mode) {
	case CFG_ERR_RATE:
		return rng_double(r) < er->rate;
	case CFG_ERR_INVOCATIONS:
		return n >= er->first && n <= er->last;
	case CFG_ERR_NONE:
		break;
	}
	return false;
}

/* The function a Lambda task calls: the legacy ARN, or lambda:invoke's FunctionName. */
static const char *function_of(const struct sim_call *call)
{
	if (strstr(call->resource, ":states:::lambda:invoke")) {
		const char *fn =
		    json_string_value(json_object_get(call->parameters, "FunctionName"));
		return fn ? fn : "";
	}
	return call->resource;
}

static bool match_lambda(const struct sim_service *svc, const char *r)
{
	/* A callback invocation waits for its token: the built-in model handles it. */
	if (str_ends_with(r, ".waitForTaskToken"))
		return false;
	return strncmp(r, "arn:", 4) == 0 && ((strstr(r, ":lambda:") && strstr(r, ":function:")) ||
					      strstr(r, ":states:::lambda:invoke"));
}

/* In-flight invocations across every function, for the account's concurrency limit. */
static int64_t in_flight(struct sim_scenario_models *m, int64_t now)
{
	int64_t n = 0;
	for (size_t i = 0; i < m->states.len; i++) {
		struct model_state *st = &m->states.items[i];
		for (size_t j = 0; j < st->busy_until.len; j++)
			n += st->busy_until.items[j] > now;
	}
	return n;
}

/*
 * Instances are a min-heap of busy-until times: a warm one is free when the earliest is <= now.
 * Virtual time never goes back, so every free instance stays free and which one is reused
 * does not matter; the old first-free scan made a Map of N simultaneous calls O(N^2).
 */
static void heap_down(int64_t *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && h[l] < h[m])
			m = l;
		if (l + 1 < n && h[l + 1] < h[m])
			m = l + 1;
		if (m == i)
			return;
		int64_t t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static bool instance_free(const struct model_state *st, int64_t now)
{
	return st->busy_until.len && st->busy_until.items[0] <= now;
}

/* Marks an instance busy until `until`: the earliest free one when `warm`, else a new one. */
static void take_instance(struct model_state *st, bool warm, int64_t until)
{
	int64_t *h;
	if (warm) {
		st->busy_until.items[0] = until;
		heap_down(st->busy_until.items, st->busy_until.len, 0);
		return;
	}
	VEC_PUSH(st->busy_until, until);
	h = st->busy_until.items;
	for (size_t i = st->busy_until.len - 1; i > 0 && h[(i - 1) / 2] > h[i]; i = (i - 1) / 2) {
		int64_t t = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
	}
}

static char *runtime_error_json(const char *type, const char *message, struct rng *r)
{
	char id[40];
	sim_uuid(r, id);
	json_t *o = json_pack("{s:s, s:s, s:s, s:[]}", "errorMessage", message, "errorType", type,
			      "requestId", id, "stackTrace");
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static void invoke_lambda(const struct sim_service *svc, const struct sim_call *call,
			  struct sim_outcome *out)
{
	struct sim_scenario_models *m = svc->ctx;
	const char *fn = function_of(call);
	const struct cfg_lambda_fn *model = cfg_lambda_for(m->s, fn);
	struct model_state *st = model_state(m, "lambda", model->pattern ? model->pattern : fn);
	int64_t n = st->invocations++;
	double ms = cfg_duration_sample(&model->duration, &st->rng);
	int64_t limit = m->s->lambda.account_concurrency;
	if (limit > 0 && in_flight(m, call->now_ms) >= limit) {
		/* aws-facts b.9: throttling is Lambda.TooManyRequestsException. */
		out->duration_ms = 0;
		out->error = xstrdup("Lambda.TooManyRequestsException");
		out->cause = xstrdup("Rate Exceeded.");
		return;
	}
	bool cold = false;
	if (model->cold_start.mode == CFG_COLD_PROBABILITY)
		cold = rng_double(&st->rng) < model->cold_start.probability;
	int64_t dur = (int64_t)llround(ms);
	bool warm = instance_free(st, call->now_ms);
	if (model->cold_start.mode == CFG_COLD_FIRST_PER_INSTANCE)
		cold = !warm;
	if (cold)
		dur += (int64_t)llround(model->cold_start.init_ms); /* busy while it initialises */
	take_instance(st, warm, call->now_ms + dur);
	out->duration_ms = dur;
	if (model->timeout_ms > 0 && dur > model->timeout_ms) {
		/* The function's own timeout is a Lambda error, not States.Timeout (b.4). */
		out->duration_ms = model->timeout_ms;
		char *msg = xasprintf("Task timed out after %.2f seconds",
				      (double)model->timeout_ms / 1000.0);
		out->error = xstrdup("Lambda.Unknown");
		out->cause = runtime_error_json("Sandbox.Timedout", msg, &st->rng);
		free(msg);
		return;
	}
	if (injected(&model->errors, n, &st->rng)) {
		const char *type = model->errors.error ? model->errors.error : "Exception";
		out->error = xstrdup(type);
		out->cause = model->errors.cause
				 ? xstrdup(model->errors.cause)
				 : runtime_error_json(type, "Injected by the scenario", &st->rng);
		return;
	}
	/* The seed's handler prints its event and returns None; a command is a real one. */
	json_t *payload = json_null();
	bool invoke = strstr(call->resource, ":states:::lambda:invoke") != NULL;
	if (model->command.argc) {
		json_t *event =
		    invoke ? json_object_get(call->parameters, "Payload") : call->parameters;
		char *error, *why;
		int64_t to = model->timeout_ms > 0 ? model->timeout_ms : 3000;
		if (!sim_run_command(model->command.argv, m->s->dir, event ? event : json_null(),
				     to, &payload, &error, &why)) {
			out->error = error;
			out->cause = runtime_error_json(error, why, &st->rng);
			free(why);
			return;
		}
	}
	if (strstr(call->resource, ":states:::lambda:invoke"))
		out->result = sim_invoke_envelope(m->e, call, payload, dur);
	else
		out->result = payload;
}

static bool match_services(const struct sim_service *svc, const char *r)
{
	struct sim_scenario_models *m = svc->ctx;
	return cfg_service_for(m->s, r) != NULL;
}

static void invoke_services(const struct sim_service *svc, const struct sim_call *call,
			    struct sim_outcome *out)
{
	struct sim_scenario_models *m = svc->ctx;
	const struct cfg_service *model = cfg_service_for(m->s, call->resource);
	struct model_state *st = model_state(m, "service", model->pattern);
	int64_t n = st->invocations++;
	out->duration_ms = (int64_t)llround(cfg_duration_sample(&model->duration, &st->rng));
	if (injected(&model->errors, n, &st->rng)) {
		out->error = xstrdup(model->errors.error ? model->errors.error : "Exception");
		out->cause = xstrdup(model->errors.cause ? model->errors.cause : "");
		return;
	}
	out->result = model->result ? json_incref(model->result) : json_object();
}

static bool match_ddb(const struct sim_service *svc, const char *r)
{
	const char *p = strstr(r, ":states:::dynamodb:getItem");
	return p && p[strlen(":states:::dynamodb:getItem")] == '\0';
}

/* getItem on the seed's table: the one item when Key names it, else no Item (b.10). */
static void invoke_ddb(const struct sim_service *svc, const struct sim_call *call,
		       struct sim_outcome *out)
{
	struct sim_scenario_models *m = svc->ctx;
	struct model_state *st = model_state(m, "dynamodb", "getItem");
	st->invocations++;
	out->duration_ms = m->e->opt.generic_duration_ms;
	const char *pk = m->s->ddb.partition_key_name;
	json_t *key = json_object_get(call->parameters, "Key");
	json_t *want = m->table_item ? json_object_get(m->table_item, pk) : NULL;
	const char *table = json_string_value(json_object_get(call->parameters, "TableName"));
	bool same_table = !table || strcmp(table, m->s->ddb.table_name) == 0;
	json_t *res = sim_sdk_metadata(m->e, call);
	if (same_table && want && json_equal(json_object_get(key, pk), want))
		json_object_set(res, "Item", m->table_item);
	out->result = res;
}

struct sim_scenario_models *sim_use_scenario(struct sim_engine *e, const struct cfg_scenario *s,
					     json_t *table_item)
{
	struct sim_scenario_models *m = xcalloc(1, sizeof(*m));
	m->e = e;
	m->s = s;
	m->table_item = json_incref(table_item);
	m->services = (struct sim_service){"services", match_services, invoke_services, m};
	m->lambda = (struct sim_service){"lambda (scenario)", match_lambda, invoke_lambda, m};
	m->ddb = (struct sim_service){"dynamodb:getItem", match_ddb, invoke_ddb, m};
	sim_add_service(e, &m->ddb);
	sim_add_service(e, &m->lambda);
	sim_add_service(e, &m->services); /* explicit services entries win */
	return m;
}

void sim_scenario_models_free(struct sim_scenario_models *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->states.len; i++) {
		free(m->states.items[i].key);
		VEC_FREE(m->states.items[i].busy_until);
	}
	VEC_FREE(m->states);
	json_decref(m->table_item);
	free(m);
}
