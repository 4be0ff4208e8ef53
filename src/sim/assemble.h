/*
 * sim — one scenario assembled the way `stepscope run` does it, for every command that runs
 * one (`run`, and `sweep` / `compare` through analysis/): which config file, which machine
 * (the seed machine with its knobs, or a definition), which item file fills the seed's
 * table, and the simulator options the scenario sets. Errors go to diags; nothing is printed,
 * so each command reports them its own way.
 */
#ifndef STEPSCOPE_SIM_ASSEMBLE_H
#define STEPSCOPE_SIM_ASSEMBLE_H

#include <jansson.h>
#include <stdbool.h>

#include "base/base.h"
#include "sim/sim.h"

struct asl_machine;
struct cfg_scenario;

/* The config file a run reads: `config` when given, else ./config.yaml when it exists and no
 * definition is named (the seed scenario), else NULL (the defaults). Borrowed. */
const char *sim_config_path(const char *config, const char *definition);

/*
 * The machine a run simulates: `definition` (may be NULL) when named, else the scenario's:
 * the seed machine with its knobs, or stepfunc.definition. *path is the file it comes from
 * (borrowed from definition or s). Owned by the caller; NULL with errors in d when it does
 * not load. *valid says whether asl_validate passed (its errors in d when not): the machine
 * is returned either way, as its source text locates those errors.
 */
struct asl_machine *sim_scenario_machine(const struct cfg_scenario *s, const char *definition,
					 const char **path, bool *valid, struct diags *d);

/* The machine's name for ARNs: the file name without folders and extensions ("StateMachine"
 * when that leaves nothing); owned by the caller. */
char *sim_machine_name(const char *path);

/*
 * The item file of the seed's table: `items` when given; else the config's ddb.items for the
 * seed machine or when a config file was read (`config` not NULL), and for another
 * definition only when that file exists (a missing default file is an empty table). NULL:
 * no items. Borrowed.
 */
const char *sim_scenario_items_path(const struct cfg_scenario *s, const char *items,
				    const char *config, const char *definition);

/* Loads and checks the item file `path` and, when the machine m (borrowed; NULL: any) may read
 * the seed's DynamoDB table, picks the table's item from it (*item owned by the caller, NULL
 * when there is none or m has no DynamoDB task). False with errors in d. */
bool sim_scenario_table_item(const struct cfg_scenario *s, const char *path,
			     const struct asl_machine *m, json_t **item, struct diags *d);

/* The options the scenario sets: seed, start time, the inline Map cap, the history event
 * limit, and the default Lambda duration when it is fixed (mocked calls take it). */
void sim_options_from_scenario(struct sim_options *opt, const struct cfg_scenario *s);

#endif
