/*
 * Using a scenario: the seed knobs written into the seed definition, Lambda and service
 * models looked up by name or ARN pattern, and duration sampling.
 */
#include "config/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool cfg_glob_match(const char *pattern, const char *text)
{
	/* Iterative matcher with one backtrack point: linear enough for ARNs. */
	const char *star = NULL, *resume = NULL;
	while (*text) {
		if (*pattern == '*') {
			star = pattern++;
			resume = text;
		} else if (*pattern == *text) {
			pattern++;
			text++;
		} else if (star) {
			pattern = star + 1;
			text = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return !*pattern;
}

/* The bare function name of a name, ARN or partial ARN ("123:function:name:alias"). */
static char *function_name(const char *f)
{
	const char *p = strstr(f, "function:");
	if (p)
		f = p + strlen("function:");
	const char *colon = strchr(f, ':');
	return colon ? xstrndup(f, (size_t)(colon - f)) : xstrdup(f);
}

static bool fn_matches(const char *pattern, const char *function, const char *name, bool exact)
{
	const char *subject = strncmp(pattern, "arn:", 4) ? name : function;
	if (exact)
		return !strchr(pattern, '*') && !strcmp(pattern, subject);
	return cfg_glob_match(pattern, subject);
}

const struct cfg_lambda_fn *cfg_lambda_for(const struct cfg_scenario *s, const char *function)
{
	char *name = function_name(function);
	const struct cfg_lambda_fn *found = NULL;
	for (int exact = 1; exact >= 0 && !found; exact--)
		for (size_t i = 0; i < s->lambda.function_count && !found; i++)
			if (fn_matches(s->lambda.functions[i].pattern, function, name, exact))
				found = &s->lambda.functions[i];
	free(name);
	return found ? found : &s->lambda.def;
}

const struct cfg_service *cfg_service_for(const struct cfg_scenario *s, const char *resource)
{
	for (int exact = 1; exact >= 0; exact--)
		for (size_t i = 0; i < s->services.count; i++) {
			const char *p = s->services.list[i].pattern;
			if (exact ? !strcmp(p, resource) : cfg_glob_match(p, resource))
				return &s->services.list[i];
		}
	return NULL;
}

/* Standard normal by Box-Muller (one value per call keeps the stream simple). */
static double std_normal(struct rng *r)
{
	double u1 = 1.0 - rng_double(r); /* (0, 1]: log is finite */
	double u2 = rng_double(r);
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double cfg_duration_sample(const struct cfg_duration *d, struct rng *r)
{
	double v = 0;
	switch (d->model) {
	case CFG_DUR_FIXED:
		v = d->ms;
		break;
	case CFG_DUR_UNIFORM:
		v = d->min_ms + (d->max_ms - d->min_ms) * rng_double(r);
		break;
	case CFG_DUR_NORMAL:
		v = d->mean_ms + d->stddev_ms * std_normal(r);
		break;
	case CFG_DUR_LOGNORMAL: {
		/* median = e^mu; p99 = e^(mu + z99 sigma) with z99 = 2.3263478740408408. */
		double mu = log(d->median_ms);
		double sigma = (log(d->p99_ms) - mu) / 2.3263478740408408;
		v = exp(mu + sigma * std_normal(r));
		break;
	}
	}
	return v > 0 ? v : 0;
}

bool cfg_errors_fail(const struct cfg_errors *e, int64_t n, struct rng *r)
{
	switch (e->mode) {
	case CFG_ERR_NONE:
		return false;
	case CFG_ERR_RATE:
		return rng_double(r) < e->rate;
	case CFG_ERR_INVOCATIONS:
		return n >= e->first && n <= e->last;
	}
	return false;
}

bool cfg_cold_start_is_cold(const struct cfg_cold_start *cs, bool new_instance, struct rng *r)
{
	switch (cs->mode) {
	case CFG_COLD_NONE:
		return false;
	case CFG_COLD_PROBABILITY:
		return rng_double(r) < cs->probability;
	case CFG_COLD_FIRST_PER_INSTANCE:
		return new_instance;
	}
	return false;
}

/* ---- knobs ---- */

static bool is_type(json_t *state, const char *type)
{
	const char *t = json_string_value(json_object_get(state, "Type"));
	return t && !strcmp(t, type);
}

static json_t *processor_states(json_t *map)
{
	json_t *proc = json_object_get(map, "ItemProcessor");
	if (!proc)
		proc = json_object_get(map, "Iterator");
	return json_object_get(proc, "States");
}

/* Depth-first: the first state of `type` in `states` or in any Map/Parallel inside. */
static json_t *find_state(json_t *states, const char *type)
{
	const char *name;
	json_t *st;
	json_object_foreach(states, name, st)
	{
		if (is_type(st, type))
			return st;
		json_t *found = NULL;
		if (is_type(st, "Map"))
			found = find_state(processor_states(st), type);
		size_t i;
		json_t *branch;
		json_array_foreach(json_object_get(st, "Branches"), i, branch)
		{
			if (!found)
				found = find_state(json_object_get(branch, "States"), type);
		}
		if (found)
			return found;
	}
	return NULL;
}

static bool is_get_item(json_t *state)
{
	const char *res = json_string_value(json_object_get(state, "Resource"));
	return is_type(state, "Task") && res && !strncmp(res, "arn:", 4) &&
	       str_ends_with(res, ":states:::dynamodb:getItem");
}

static json_t *find_get_item(json_t *states)
{
	const char *name;
	json_t *st;
	json_object_foreach(states, name, st)
	{
		if (is_get_item(st))
			return st;
	}
	return NULL;
}

bool cfg_apply_knobs(json_t *def, const struct cfg_scenario *s)
{
	if (!s->stepfunc.definition_is_seed || !json_is_object(def))
		return false;
	json_t *states = json_object_get(def, "States");
	json_object_set_new(def, "TimeoutSeconds",
			    json_integer(s->stepfunc.timeout_duration_seconds));
	json_t *map = find_state(states, "Map");
	if (map) {
		json_object_del(map, "MaxConcurrencyPath");
		json_object_set_new(map, "MaxConcurrency",
				    json_integer(s->stepfunc.max_concurrency));
		json_t *wait = find_state(processor_states(map), "Wait");
		if (wait) {
			json_object_del(wait, "SecondsPath");
			json_object_set_new(wait, "Seconds",
					    json_integer(s->stepfunc.wait_duration_seconds));
		}
	}
	json_t *get = find_get_item(states);
	json_t *params = json_object_get(get, "Parameters");
	if (json_is_object(params)) {
		json_object_set_new(params, "TableName", json_string(s->ddb.table_name));
		json_t *key = json_object_get(params, "Key");
		if (json_is_object(key) && json_object_size(key) == 1) {
			json_t *nk = json_pack("{s:{s:s}}", s->ddb.partition_key_name, "S",
					       s->ddb.partition_key_value_field);
			json_object_set_new(params, "Key", nk);
		}
	}
	return true;
}
