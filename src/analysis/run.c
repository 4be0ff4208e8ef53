/*
 * One scenario, assembled the way `stepscope run` does it (config, --set, the seed machine
 * with its knobs or another definition, input, the table's items) and run once per seed; and
 * recorded histories read from files. Errors are returned in diags, never printed here.
 */
#include "analysis/internal.h"

#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "asl/asl.h"
#include "config/config.h"
#include "history/history.h"
#include "items/items.h"
#include "sim/sim.h"

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
	const char *path = src->definition ? src->definition : sc->s.stepfunc.definition;
	struct asl_load_options lo = {0};
	if (!src->definition && sc->s.stepfunc.definition_is_seed)
		sc->m = sim_load_seed_machine(&sc->s, d);
	else
		sc->m = asl_load_file(path, &lo, d);
	if (sc->m && !asl_validate(sc->m, d)) {
		asl_machine_free(sc->m);
		sc->m = NULL;
	}
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strcspn(base, ".");
	sc->name = n ? xstrndup(base, n) : xstrdup("StateMachine");
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

/* The table's items matter to the seed (or when named); for another definition a missing
 * default item file just means an empty table (as in `stepscope run`). */
static bool load_items(struct an_scenario *sc, const struct an_source *src, const char *config,
		       struct diags *d)
{
	struct stat st;
	bool seed = !src->definition && sc->s.stepfunc.definition_is_seed;
	const char *items = src->items ? src->items : config || seed ? sc->s.ddb.items : NULL;
	if (items && !src->items && !seed && stat(items, &st) != 0)
		items = NULL;
	if (!items)
		return true;
	json_t *list = items_load(items, ITEMS_AUTO, NULL, d);
	if (list)
		sc->table_item = items_seed_table_item(&sc->s, list);
	json_decref(list);
	return list != NULL;
}

struct an_scenario *an_scenario_load(const struct an_source *src, struct diags *d)
{
	struct an_scenario *sc = xcalloc(1, sizeof(*sc));
	struct stat st;
	const char *config = src->config;
	if (!config && !src->definition && stat("config.yaml", &st) == 0)
		config = "config.yaml";
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
	opt.seed = seed;
	opt.start_epoch_ms = s->simulation.start_time.epoch_ms;
	opt.inline_map_cap = (int)s->simulation.inline_map_concurrency_cap;
	opt.history_event_limit = s->simulation.history_event_limit;
	if (s->lambda.def.duration.model == CFG_DUR_FIXED)
		opt.lambda_duration_ms = (int64_t)s->lambda.def.duration.ms;
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

struct ev_log *an_history_load(const char *path, struct diags *d)
{
	size_t len;
	char *err = NULL;
	char *text = file_read_all(path, &len, &err);
	if (!text) {
		diags_add(d, DIAG_ERROR, "read", path, 0, 0, NULL, "%s", err);
		free(err);
		return NULL;
	}
	struct hist_importer *imp = hist_importer_new();
	struct ev_log *log = NULL;
	if (hist_importer_add_text(imp, path, text, len, d))
		log = hist_importer_finish(imp, d);
	hist_importer_free(imp);
	free(text);
	return log;
}
