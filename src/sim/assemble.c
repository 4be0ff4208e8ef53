/*
 * One scenario assembled as `stepscope run` does it (sim/assemble.h): `run` and analysis/
 * (`sweep`, `compare`) share these steps, so a sweep runs exactly what `run` would.
 */
#include "sim/assemble.h"

#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "asl/asl.h"
#include "config/config.h"
#include "items/items.h"
#include "doc/doc.h"

const char *sim_config_path(const char *config, const char *definition)
{
	struct stat st;
	if (!config && !definition && stat("config.yaml", &st) == 0)
		return "config.yaml";
	return config;
}

struct asl_machine *sim_scenario_machine(const struct cfg_scenario *s, const char *definition,
					 const char **path, bool *valid, struct diags *d)
{
	struct asl_load_options lo = {0};
	*path = definition ? definition : s->stepfunc.definition;
	struct asl_machine *m = !definition && s->stepfunc.definition_is_seed
				    ? sim_load_seed_machine(s, d)
				    : asl_load_file(*path, &lo, d);
	*valid = m && asl_validate(m, d);
	return m;
}

char *sim_machine_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strcspn(base, ".");
	return n ? xstrndup(base, n) : xstrdup("StateMachine");
}

const char *sim_scenario_items_path(const struct cfg_scenario *s, const char *items,
				    const char *config, const char *definition)
{
	struct stat st;
	bool seed = !definition && s->stepfunc.definition_is_seed;
	const char *path = items ? items : config || seed ? s->ddb.items : NULL;
	if (path && !items && !seed && stat(path, &st) != 0)
		path = NULL;
	return path;
}

/* Only a DynamoDB task reads the seed's table, and marshalling 100,000 items into it costs 45 MB
 * and more: a machine whose definition never names DynamoDB skips it. Errs on the side of
 * yes (any mention, a Comment included). */
static bool mentions_dynamodb(const struct asl_machine *m)
{
	char *text = doc_dumps(m->json, JSON_COMPACT);
	bool yes = !text || strstr(text, "dynamodb") != NULL;
	free(text);
	return yes;
}

bool sim_scenario_table_item(const struct cfg_scenario *s, const char *path,
			     const struct asl_machine *m, json_t **item, struct diags *d)
{
	*item = NULL;
	json_t *list = items_load(path, ITEMS_AUTO, NULL, d);
	if (!list)
		return false;
	if (!m || mentions_dynamodb(m))
		*item = items_seed_table_item(s, list);
	json_decref(list);
	return true;
}

void sim_options_from_scenario(struct sim_options *opt, const struct cfg_scenario *s)
{
	opt->seed = s->simulation.seed;
	opt->start_epoch_ms = s->simulation.start_time.epoch_ms;
	opt->inline_map_cap = (int)s->simulation.inline_map_concurrency_cap;
	opt->history_event_limit = s->simulation.history_event_limit;
	if (s->lambda.def.duration.model == CFG_DUR_FIXED)
		opt->lambda_duration_ms = (int64_t)s->lambda.def.duration.ms;
}
