/*
 * Service models driven by the scenario (config.yaml): Lambda functions (both styles) with
 * sampled durations, cold starts, injected errors, the function's own timeout and the
 * account's concurrency; the generic `services` entries; and DynamoDB (ddb.c) with the seed's
 * table holding the one item its loader writes (seed.md). Each function or entry draws from its own
 * random stream, split from the seed by name, so adding one does not reshuffle the others.
 */
#include "ddb.h"
#include "internal.h"

#include "config/config.h"
#include "doc/doc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A heap entry: busy instances are keyed by busy-until time, free ones by their index. */
struct hent {
	int64_t key;
	size_t inst;
};

struct heap {
	struct hent *items; /* a binary min-heap by key */
	size_t len, cap;
};

/* Per function (or services entry): invocation count, random stream, warm instances. */
struct model_state {
	char *key;
	int64_t invocations;
	struct rng rng;
	struct rng log_rng;	 /* log stream names: the model's own draws stay as they were */
	VEC(int64_t) busy_until; /* one per instance */
	VEC(char *) streams;	 /* the instance's log stream */
	struct heap busy;	 /* busy instances; a key may be early (see take_instance) */
	struct heap idle;	 /* free instances, lowest index first */
};

struct sim_scenario_models {
	struct sim_engine *e;
	const struct cfg_scenario *s;
	struct sim_ddb *ddb; /* the tables */
	VEC(struct model_state) states;
	struct sim_service lambda, services;
	/* The last function invoked and its model: a Map calls one function many times, and the
	 * lookup (a copy of its name, a pattern search) cost more than the call. */
	char *last_fn;
	json_t *last_fn_ref; /* the JSON string last_fn was read from (a reference kept), or NULL */
	const struct cfg_lambda_fn *last_model;
	size_t last_state;   /* index in states */
	char *last_resource; /* the last resource asked about, and whether it is lambda:invoke */
	const char *last_resource_at; /* where it was read: a state's, alive as long as m */
	bool last_invoke;
};

/* Whether resource is an optimized lambda:invoke: the same few resources each time. */
static bool is_invoke(struct sim_scenario_models *m, const char *resource)
{
	/* The same string as last time (a state's Resource): no comparison. */
	if (resource == m->last_resource_at)
		return m->last_invoke;
	if (!m->last_resource || strcmp(m->last_resource, resource) != 0) {
		free(m->last_resource);
		m->last_resource = xstrdup(resource);
		m->last_invoke = strstr(resource, ":states:::lambda:invoke") != NULL;
	}
	m->last_resource_at = resource;
	return m->last_invoke;
}

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
	char *logs = xasprintf("logs:%s", full);
	rng_split(&st.log_rng, &m->e->rng_root, logs);
	free(logs);
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

/* The function a Lambda task calls: the legacy ARN, or lambda:invoke's FunctionName, whose
 * value *ref holds (the caller's to release). */
static const char *function_of(const struct sim_call *call, bool invoke, json_t **ref)
{
	*ref = NULL;
	if (invoke) {
		*ref = sim_call_field(call, "FunctionName");
		const char *fn = json_string_value(*ref);
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

static void heap_swap(struct heap *h, size_t a, size_t b)
{
	struct hent t = h->items[a];
	h->items[a] = h->items[b];
	h->items[b] = t;
}

static void heap_push(struct heap *h, int64_t key, size_t inst)
{
	VEC_PUSH(*h, ((struct hent){key, inst}));
	for (size_t i = h->len - 1; i > 0 && h->items[(i - 1) / 2].key > h->items[i].key;
	     i = (i - 1) / 2)
		heap_swap(h, i, (i - 1) / 2);
}

static struct hent heap_pop(struct heap *h)
{
	struct hent top = h->items[0];
	h->items[0] = h->items[--h->len];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < h->len && h->items[l].key < h->items[m].key)
			m = l;
		if (l + 1 < h->len && h->items[l + 1].key < h->items[m].key)
			m = l + 1;
		if (m == i)
			return top;
		heap_swap(h, i, m);
		i = m;
	}
}

/*
 * A warm instance if one is free (true), else a new one (cold, false); *slot is its index. The
 * free instance with the lowest index is reused, as a scan would find it, but through two heaps:
 * scanning made a Map of N simultaneous calls O(N^2). Virtual time never goes back, so an
 * instance found free stays free. A cold start lengthens busy_until after the entry was pushed;
 * such an early entry is pushed again with the real time when it surfaces.
 */
static bool take_instance(struct model_state *st, int64_t now, int64_t until, size_t *slot)
{
	while (st->busy.len && st->busy.items[0].key <= now) {
		struct hent h = heap_pop(&st->busy);
		int64_t t = st->busy_until.items[h.inst];
		if (t <= now)
			heap_push(&st->idle, (int64_t)h.inst, h.inst);
		else
			heap_push(&st->busy, t, h.inst);
	}
	bool warm = st->idle.len > 0;
	if (warm) {
		*slot = heap_pop(&st->idle).inst;
		st->busy_until.items[*slot] = until;
	} else {
		VEC_PUSH(st->busy_until, until);
		*slot = st->busy_until.len - 1;
	}
	heap_push(&st->busy, until, *slot);
	return warm;
}

static char *runtime_error_json(const char *type, const char *message, const char *id)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:[]}", "errorMessage", message, "errorType", type,
			      "requestId", id, "stackTrace");
	char *s = doc_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* What one invocation did, for its log lines. */
struct run {
	struct sim_lambda_log log; /* its request_id: rid_text, set when it is needed */
	unsigned char rid[16];
	char rid_text[40]; /* "" until rid_of */
	char *output, *error_line;
	bool invoke; /* an optimized lambda:invoke (is_invoke) */
};

/* The request id as text, written on first use: most calls need only its bytes (the envelope
 * keeps them), only logs and errors show it. */
static const char *rid_of(struct run *r)
{
	if (!r->rid_text[0])
		sim_uuid_text(r->rid, r->rid_text);
	return r->rid_text;
}

/* The event the handler gets (a new reference): lambda:invoke's Payload, else the
 * parameters. */
static json_t *event_of(const struct sim_call *call, bool invoke)
{
	json_t *event =
	    invoke ? sim_call_field(call, "Payload") : json_incref(sim_call_parameters(call));
	return event ? event : json_null();
}

/* Runs the handler: the seed's prints its event and returns None; a command is a real one.
 * Fills out->result or out->error/cause. The event is made only for a command or the logs:
 * the seed's handler without logs never reads it. */
static void run_handler(struct sim_scenario_models *m, const struct cfg_lambda_fn *model,
			const struct sim_call *call, struct sim_outcome *out, struct run *r)
{
	bool invoke = r->invoke;
	json_t *payload = json_null();
	if (model->command.argc) {
		char *error, *why;
		int64_t to = model->timeout_ms > 0 ? model->timeout_ms : 3000;
		json_t *event = event_of(call, invoke);
		bool ran = sim_run_command(model->command.argv, m->s->dir, event, to, &payload,
					   &error, &why, &r->output);
		json_decref(event);
		if (!ran) {
			/* A handler past the function's timeout is Lambda's Sandbox.Timedout. */
			bool late = strncmp(why, "Task timed out", 14) == 0;
			r->log.timed_out = late;
			if (late) {
				out->duration_ms = to;
				r->log.run_ms = (double)to - r->log.init_ms;
			}
			out->error = error;
			out->cause =
			    runtime_error_json(late ? "Sandbox.Timedout" : error, why, rid_of(r));
			if (!late)
				r->error_line = xasprintf("[ERROR] %s: %s", error, why);
			free(why);
			return;
		}
	} else if (m->e->opt.record_logs) {
		struct strbuf sb;
		sb_init(&sb);
		json_t *event = event_of(call, invoke);
		sim_py_repr(&sb, event);
		json_decref(event);
		r->output = sb_take(&sb);
	}
	if (invoke)
		out->result = sim_invoke_envelope(m->e, call, payload, out->duration_ms, r->rid,
						  &out->result_size);
	else
		out->result = payload;
}

static void invoke_lambda(const struct sim_service *svc, const struct sim_call *call,
			  struct sim_outcome *out)
{
	struct sim_scenario_models *m = svc->ctx;
	json_t *fn_ref;
	bool invoke = is_invoke(m, call->resource);
	const char *fn = function_of(call, invoke, &fn_ref);
	/* The same JSON string as last time (a static FunctionName: the template's own, kept
	 * alive by last_fn_ref) needs no comparison. */
	if (!fn_ref || fn_ref != m->last_fn_ref) {
		if (!m->last_fn || strcmp(m->last_fn, fn) != 0) {
			free(m->last_fn);
			m->last_fn = xstrdup(fn);
			m->last_model = cfg_lambda_for(m->s, fn);
			const char *key = m->last_model->pattern ? m->last_model->pattern : fn;
			m->last_state = (size_t)(model_state(m, "lambda", key) - m->states.items);
		}
		json_decref(m->last_fn_ref);
		m->last_fn_ref = json_incref(fn_ref);
	}
	const struct cfg_lambda_fn *model = m->last_model;
	struct model_state *st = &m->states.items[m->last_state];
	int64_t n = st->invocations++;
	double ms = cfg_duration_sample(&model->duration, &st->rng);
	int64_t limit = m->s->lambda.account_concurrency;
	if (limit > 0 && in_flight(m, call->now_ms) >= limit) {
		/* aws-facts b.9: throttling is Lambda.TooManyRequestsException; the function
		 * never runs, so it writes no log. */
		out->duration_ms = 0;
		out->error = xstrdup("Lambda.TooManyRequestsException");
		out->cause = xstrdup("Rate Exceeded.");
		json_decref(fn_ref);
		return;
	}
	bool cold = false;
	if (model->cold_start.mode == CFG_COLD_PROBABILITY)
		cold = rng_double(&st->rng) < model->cold_start.probability;
	int64_t dur = (int64_t)llround(ms);
	size_t slot;
	bool warm = take_instance(st, call->now_ms, call->now_ms + dur, &slot);
	bool logs = m->e->opt.record_logs; /* log_rng draws only for these names */
	if (!warm && logs)
		VEC_PUSH(st->streams, sim_log_stream_name(m->e, call->now_ms, &st->log_rng));
	if (model->cold_start.mode == CFG_COLD_FIRST_PER_INSTANCE)
		cold = !warm;
	struct run r = {.invoke = invoke,
			.log = {.function = fn,
				.stream = logs ? st->streams.items[slot] : NULL,
				.start_ms = call->now_ms,
				.run_ms = ms,
				.memory_mb = model->memory_mb}};
	sim_uuid_bytes(call->rng, r.rid); /* the envelope's and the log's RequestId */
	if (cold) {
		dur += (int64_t)llround(model->cold_start.init_ms);
		st->busy_until.items[slot] = call->now_ms + dur; /* busy while it initialises */
		r.log.init_ms = model->cold_start.init_ms;
		out->init_ms = model->cold_start.init_ms;
	}
	out->duration_ms = dur;
	if (model->timeout_ms > 0 && dur > model->timeout_ms) {
		/* The function's own timeout is a Lambda error, not States.Timeout (b.4). */
		out->duration_ms = model->timeout_ms;
		char *msg = xasprintf("Task timed out after %.2f seconds",
				      (double)model->timeout_ms / 1000.0);
		out->error = xstrdup("Lambda.Unknown");
		out->cause = runtime_error_json("Sandbox.Timedout", msg, rid_of(&r));
		free(msg);
		r.log.timed_out = true;
		r.log.run_ms = (double)model->timeout_ms - r.log.init_ms;
	} else if (injected(&model->errors, n, &st->rng)) {
		const char *type = model->errors.error ? model->errors.error : "Exception";
		out->error = xstrdup(type);
		out->cause = model->errors.cause
				 ? xstrdup(model->errors.cause)
				 : runtime_error_json(type, "Injected by the scenario", rid_of(&r));
		r.error_line = xasprintf("[ERROR] %s: %s", type,
					 model->errors.cause ? model->errors.cause
							     : "Injected by the scenario");
	} else {
		run_handler(m, model, call, out, &r);
	}
	r.log.total_ms = out->duration_ms;
	r.log.output = r.output;
	r.log.error_line = r.error_line;
	if (logs) {
		r.log.request_id = rid_of(&r);
		sim_lambda_logs(m->e, &r.log);
	}
	free(r.output);
	free(r.error_line);
	json_decref(fn_ref);
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

struct sim_scenario_models *sim_use_scenario(struct sim_engine *e, const struct cfg_scenario *s,
					     json_t *table_item)
{
	struct sim_scenario_models *m = xcalloc(1, sizeof(*m));
	m->e = e;
	m->s = s;
	m->ddb = sim_ddb_new(e, s->ddb.table_name, s->ddb.partition_key_name, table_item);
	m->services = (struct sim_service){"services", match_services, invoke_services, m, false};
	m->lambda = (struct sim_service){"lambda (scenario)", match_lambda, invoke_lambda, m, true};
	sim_add_service(e, sim_ddb_service(m->ddb));
	sim_add_service(e, &m->lambda);
	sim_add_service(e, &m->services); /* explicit services entries win */
	return m;
}

void sim_scenario_add_table(struct sim_scenario_models *m, const char *name,
			    const char *partition_key, const char *sort_key, json_t *items)
{
	sim_ddb_add_table(m->ddb, name, partition_key, sort_key, items);
}

void sim_scenario_models_free(struct sim_scenario_models *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->states.len; i++) {
		free(m->states.items[i].key);
		VEC_FREE(m->states.items[i].busy_until);
		VEC_FREE(m->states.items[i].busy);
		VEC_FREE(m->states.items[i].idle);
		for (size_t j = 0; j < m->states.items[i].streams.len; j++)
			free(m->states.items[i].streams.items[j]);
		VEC_FREE(m->states.items[i].streams);
	}
	VEC_FREE(m->states);
	free(m->last_fn);
	json_decref(m->last_fn_ref);
	free(m->last_resource);
	sim_ddb_free(m->ddb);
	free(m);
}

struct asl_machine *sim_load_seed_machine(const struct cfg_scenario *s, struct diags *d)
{
	const char *path = s->stepfunc.definition;
	json_error_t je;
	json_t *def = json_load_file(path, 0, &je);
	if (!def) {
		diags_add(d, DIAG_ERROR, "json", path, je.line, je.column, NULL, "%s", je.text);
		return NULL;
	}
	cfg_apply_knobs(def, s);
	return asl_load_json(path, def, d);
}
