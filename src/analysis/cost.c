/*
 * The cost estimate: Standard state transitions, one Express execution and Lambda requests
 * plus GB-seconds, at the prices of the scenario's `pricing` section. The formulas are kept
 * apart from the log walk so tests can check them by hand.
 */
#include "analysis/internal.h"

#include <math.h>
#include <string.h>

#include "config/config.h"

void an_prices_of(const struct cfg_scenario *s, struct an_prices *out)
{
	if (!s) {
		/* The schema defaults (schema.c), for histories read without a scenario. */
		*out = (struct an_prices){0.000025, 1.00, 0.00001667, 64, 0.20, 0.0000166667};
		return;
	}
	out->standard_per_transition = s->pricing.standard_per_transition;
	out->express_per_million_requests = s->pricing.express_per_million_requests;
	out->express_per_gb_second = s->pricing.express_per_gb_second;
	out->express_memory_mb = s->pricing.express_memory_mb;
	out->lambda_per_million_requests = s->pricing.lambda_per_million_requests;
	out->lambda_per_gb_second = s->pricing.lambda_per_gb_second;
}

double an_cost_standard(int64_t transitions, const struct an_prices *p)
{
	return (double)transitions * p->standard_per_transition;
}

double an_cost_express(int64_t duration_ms, const struct an_prices *p, double *gb_s)
{
	/* Express bills duration in 100 ms steps and memory in 64 MB steps. */
	int64_t steps = (duration_ms + 99) / 100;
	int64_t mb = (p->express_memory_mb + 63) / 64 * 64;
	double g = (double)steps * 0.1 * (double)mb / 1024.0;
	if (gb_s)
		*gb_s = g;
	return p->express_per_million_requests / 1e6 + g * p->express_per_gb_second;
}

double an_lambda_gb_s(int64_t run_ms, int64_t memory_mb)
{
	/* Billed duration is rounded up to 1 ms; our times are whole milliseconds already. */
	return (double)(run_ms < 0 ? 0 : run_ms) / 1000.0 * (double)memory_mb / 1024.0;
}

double an_cost_lambda(int64_t requests, double gb_s, const struct an_prices *p)
{
	return (double)requests * p->lambda_per_million_requests / 1e6 +
	       gb_s * p->lambda_per_gb_second;
}

static bool is_end(enum ev_type t)
{
	return t == EV_TaskSucceeded || t == EV_TaskFailed || t == EV_TaskTimedOut ||
	       t == EV_LambdaFunctionSucceeded || t == EV_LambdaFunctionFailed ||
	       t == EV_LambdaFunctionTimedOut;
}

/* The function a Lambda Scheduled event (record sch_id) calls, or NULL when it is not a Lambda
 * call. */
static const char *lambda_function(const struct ev_log *log, const struct ev *sch, int64_t sch_id)
{
	if (sch->type == EV_LambdaFunctionScheduled)
		return ev_log_str(log, ev_resource(log, sch))
			   ? ev_log_str(log, ev_resource(log, sch))
			   : "";
	if (sch->type != EV_TaskScheduled)
		return NULL;
	const char *rt = ev_log_str(log, ev_resource_type(log, sch));
	if (!rt || strcmp(rt, "lambda") != 0)
		return NULL;
	json_t *fn = json_object_get(ev_payload(log, sch, sch_id), "FunctionName");
	return json_is_string(fn) ? json_string_value(fn) : "";
}

/* Adds the invocation ended by `end` (if it is a Lambda call that ran) to the cost. */
static void add_lambda(const struct ev_log *log, const struct cfg_scenario *s, const struct ev *end,
		       struct an_cost *c)
{
	const struct ev *started = ev_log_get(log, end->prev);
	if (!started ||
	    (started->type != EV_TaskStarted && started->type != EV_LambdaFunctionStarted))
		return;
	const struct ev *sch = ev_log_get(log, started->prev);
	const char *fn = sch ? lambda_function(log, sch, started->prev) : NULL;
	if (!fn)
		return;
	const char *err = ev_log_str(log, ev_error(log, end));
	if (err && strcmp(err, AN_THROTTLE_ERROR) == 0)
		return; /* throttled requests are not billed */
	int64_t mem = 128;
	if (s)
		mem = cfg_lambda_for(s, fn)->memory_mb;
	c->lambda_requests++;
	c->lambda_gb_s += an_lambda_gb_s(end->t_ms - started->t_ms, mem);
}

void an_cost_from(const struct ev_log *log, const struct cfg_scenario *s, int64_t entries,
		  int64_t retries, int64_t makespan_ms, struct an_cost *out)
{
	struct an_prices p;
	an_prices_of(s, &p);
	memset(out, 0, sizeof(*out));
	size_t n = ev_log_count(log);
	for (size_t i = 1; i <= n; i++) {
		const struct ev *e = ev_log_get(log, (int64_t)i);
		if (is_end(e->type))
			add_lambda(log, s, e, out);
	}
	out->billed_transitions = entries + retries;
	out->standard_usd = an_cost_standard(out->billed_transitions, &p);
	out->express_usd = an_cost_express(makespan_ms, &p, &out->express_gb_s);
	out->lambda_usd = an_cost_lambda(out->lambda_requests, out->lambda_gb_s, &p);
	out->total_usd = out->standard_usd + out->lambda_usd;
}

void an_cost_estimate(const struct ev_log *log, const struct cfg_scenario *s, struct an_cost *out)
{
	struct an_metrics m;
	an_measure(log, s, &m);
	*out = m.cost;
}
