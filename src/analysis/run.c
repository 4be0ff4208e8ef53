/*
 * One scenario, assembled the way `stepscope run` does it (config, --set, the seed machine
 * with its knobs or another definition, input, the table's items) and run once per seed.
 * Errors are returned in diags, never printed here.
 */
#include "analysis/internal.h"

#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "config/config.h"
#include "sim/assemble.h"

struct an_scenario {
	struct cfg_scenario s;
	struct asl_machine *m;
	json_t *input;
	json_t *table_item;
	const char *items_file; /* borrowed from the source: a Distributed Map's reader */
	char *name;		/* the machine's name for ARNs */
};

static bool load_machine(struct an_scenario *sc, const struct an_source *src, struct diags *d)
{
	const char *path;
	bool valid;
	sc->m = sim_scenario_machine(&sc->s, src->definition, &path, &valid, d);
	if (sc->m && !valid) {
		asl_machine_free(sc->m);
		sc->m = NULL;
	}
	sc->name = sim_machine_name(path);
	return sc->m != NULL;
}

static bool load_input(struct an_scenario *sc, const char *path, struct diags *d)
{
	if (!path) {
		sc->input = json_object();
		return true;
	}
	json_error_t je;
	sc->input = json_load_file(path, JSON_DECODE_ANY, &je);
	if (!sc->input)
		diags_add(d, DIAG_ERROR, "json", path, je.line, je.column, NULL, "%s", je.text);
	return sc->input != NULL;
}

static bool load_items(struct an_scenario *sc, const struct an_source *src, const char *config,
		       struct diags *d)
{
	const char *items = sim_scenario_items_path(&sc->s, src->items, config, src->definition);
	return !items || sim_scenario_table_item(&sc->s, items, sc->m, &sc->table_item, d);
}

struct an_scenario *an_scenario_load(const struct an_source *src, struct diags *d)
{
	struct an_scenario *sc = xcalloc(1, sizeof(*sc));
	const char *config = sim_config_path(src->config, src->definition);
	sc->items_file = src->items;
	bool ok = cfg_load(&sc->s, config, src->sets, src->set_count, d) &&
		  load_machine(sc, src, d) && load_input(sc, src->input, d) &&
		  load_items(sc, src, config, d);
	if (!ok) {
		an_scenario_free(sc);
		return NULL;
	}
	return sc;
}

void an_scenario_free(struct an_scenario *sc)
{
	if (!sc)
		return;
	cfg_scenario_fini(&sc->s);
	asl_machine_free(sc->m);
	json_decref(sc->input);
	json_decref(sc->table_item);
	free(sc->name);
	free(sc);
}

const struct cfg_scenario *an_scenario_config(const struct an_scenario *sc)
{
	return &sc->s;
}

const struct asl_machine *an_scenario_machine(const struct an_scenario *sc)
{
	return sc->m;
}

uint64_t an_scenario_seed(const struct an_scenario *sc)
{
	return sc->s.simulation.seed;
}

int32_t an_scenario_limit(const struct an_scenario *sc)
{
	return sc->s.stepfunc.definition_is_seed ? (int32_t)sc->s.stepfunc.max_concurrency : 0;
}

struct ev_log *an_scenario_run(struct an_scenario *sc, uint64_t seed, struct diags *d)
{
	const struct cfg_scenario *s = &sc->s;
	struct sim_options opt;
	sim_options_init(&opt);
	sim_options_from_scenario(&opt, s);
	opt.seed = seed;
	opt.state_machine_name = sc->name;
	opt.items_file = sc->items_file;
	struct ev_log *log = ev_log_new();
	struct sim_engine *e = sim_new(sc->m, sc->input, &opt, log, d);
	if (!e) {
		ev_log_free(log);
		return NULL;
	}
	struct sim_scenario_models *models = sim_use_scenario(e, s, sc->table_item);
	sim_run(e);
	sim_free(e);
	sim_scenario_models_free(models);
	return log;
}
