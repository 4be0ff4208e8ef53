/*
 * analysis — numbers about finished executions, for `stepscope sweep`, `stepscope compare`
 * and the cost line of summaries.
 *
 * Owns: the metrics of one execution read from its event log through the timeline (makespan,
 * item latency percentiles, invocations, retries, throttles, peak concurrency, transitions),
 * the cost estimate under the scenario's `pricing` section, assembling and running one
 * scenario headless (config + --set + definition + items + seed, like `stepscope run`), the
 * expansion of `--set KEY=V1,V2` lists into combinations, and the compact text renderings
 * (two timelines on one axis, a bar plot).
 *
 * Contract: everything is computed from the log alone (plus the scenario for prices and
 * memory sizes), so a simulated run and an imported history are measured the same way. Same
 * log ⇒ same numbers. Plain data structs are transparent; no function here prints unless it
 * takes a FILE.
 */
#ifndef STEPSCOPE_ANALYSIS_H
#define STEPSCOPE_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/base.h"
#include "event/event.h"

struct asl_machine;
struct cfg_scenario;

/* ---- percentiles ---- */
/*
 * The nearest-rank percentile p (0 < p <= 100) of n values sorted ascending (borrowed): the
 * value at rank ceil(p/100 · n). Returns -1 when n is 0.
 */
int64_t an_percentile(const int64_t *sorted, size_t n, double p);

/* ---- cost ---- */
struct an_cost {
	int64_t billed_transitions; /* state entries + task retries (Standard bills both) */
	double standard_usd;	    /* billed_transitions × standardPerTransition */
	double express_gb_s;	 /* one execution: 100 ms steps × expressMemoryMB (64 MB steps) */
	double express_usd;	 /* 1 request + express_gb_s × expressPerGbSecond */
	int64_t lambda_requests; /* Lambda invocations that ran (throttled ones are not billed) */
	double lambda_gb_s;	 /* Σ run time (ms, rounded up) / 1000 × memoryMB / 1024 */
	double lambda_usd;	 /* requests + GB-seconds */
	double total_usd;	 /* standard_usd + lambda_usd: the seed is a Standard workflow */
};

/* Prices (USD) as the scenario's pricing section holds them. */
struct an_prices {
	double standard_per_transition;
	double express_per_million_requests, express_per_gb_second;
	int64_t express_memory_mb;
	double lambda_per_million_requests, lambda_per_gb_second;
};
/* The prices of s (borrowed), or the schema defaults when s is NULL. */
void an_prices_of(const struct cfg_scenario *s, struct an_prices *out);

/*
 * The estimated cost of the execution in `log` (borrowed). Function memory comes from
 * `s`'s Lambda models (borrowed; NULL = 128 MB for every function, e.g. a recorded history).
 * Distributed Map child executions are not in the log and not counted.
 */
void an_cost_estimate(const struct ev_log *log, const struct cfg_scenario *s, struct an_cost *out);
/* The pure formulas, exposed for tests: cost of `transitions` Standard transitions... */
double an_cost_standard(int64_t transitions, const struct an_prices *p);
/* ... of one Express execution lasting duration_ms, setting *gb_s when not NULL ... */
double an_cost_express(int64_t duration_ms, const struct an_prices *p, double *gb_s);
/* ... and of Lambda: GB-seconds of one invocation, then requests + GB-seconds to USD. */
double an_lambda_gb_s(int64_t run_ms, int64_t memory_mb);
double an_cost_lambda(int64_t requests, double gb_s, const struct an_prices *p);

/* ---- metrics ---- */
struct an_metrics {
	char status[16];     /* "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "RUNNING" */
	int64_t makespan_ms; /* execution start to its closing (or last) event */
	int64_t items;	     /* Map iteration rows that ran */
	int64_t p50_item_ms; /* item latency percentiles; -1 when no item ran */
	int64_t p95_item_ms;
	int64_t invocations;	  /* Lambda invocations (both styles, retries included) */
	int64_t task_attempts;	  /* every Task attempt, any service */
	int64_t retries;	  /* Task attempts after the first of their visit */
	int64_t throttles;	  /* failures with Lambda.TooManyRequestsException */
	int32_t peak_concurrency; /* Map iterations in flight (timeline ITERATIONS series) */
	double mean_concurrency;
	int32_t peak_tasks;  /* task invocations in flight */
	int64_t transitions; /* states entered */
	int64_t events;
	struct an_cost cost;
};

/* Measures the log (borrowed); `s` as for an_cost_estimate. */
void an_measure(const struct ev_log *log, const struct cfg_scenario *s, struct an_metrics *out);
/* Items per second (0 when the makespan is 0). */
double an_throughput(const struct an_metrics *m);

/* ---- compare ---- */
/*
 * The compare view's delta line (owned by the caller): makespan, throughput, peak concurrency
 * and invocations of a (borrowed) and b (borrowed), each as "A → B (change)", the change
 * relative when A is not 0, separated by " │ ", e.g. "makespan 6.785s → 2.365s (-65.1%) │
 * throughput 0.438 → 1.253/s (+185.8%) │ peak concurrency 1 → 3 (+2) │ invocations 3 → 3
 * (+0)". ASCII arrows and bars when `ascii`.
 */
char *an_delta_line(const struct an_metrics *a, const struct an_metrics *b, bool ascii);

/* ---- one scenario run ---- */
/* What a headless run reads; every pointer borrowed. NULL config: ./config.yaml when it
 * exists and no definition is given, else the defaults. */
struct an_source {
	const char *config;
	const char *definition; /* NULL: the scenario's */
	const char *items;	/* NULL: the scenario's ddb.items */
	const char *input;	/* execution input file; NULL: {} */
	const char *const *sets;
	size_t set_count;
};

/* A loaded scenario ready to run many seeds. Opaque, owned by the caller. */
struct an_scenario;

/*
 * Loads config, --set overrides, definition, input and items. Returns NULL with located
 * errors in d (print them with diags_print_files).
 */
struct an_scenario *an_scenario_load(const struct an_source *src, struct diags *d);
void an_scenario_free(struct an_scenario *sc);
/* The loaded config (borrowed). */
const struct cfg_scenario *an_scenario_config(const struct an_scenario *sc);
/* The definition being run (borrowed, valid while sc lives). */
const struct asl_machine *an_scenario_machine(const struct an_scenario *sc);
/* The scenario's own seed (simulation.seed). */
uint64_t an_scenario_seed(const struct an_scenario *sc);
/* The MaxConcurrency of the definition's first Map (0 = unlimited or none). */
int32_t an_scenario_limit(const struct an_scenario *sc);
/*
 * Simulates one execution with `seed` and returns its log (owned by the caller), or NULL with
 * errors in d (a machine the simulator refuses).
 */
struct ev_log *an_scenario_run(struct an_scenario *sc, uint64_t seed, struct diags *d);

/* ---- sweep grid ---- */
/*
 * Splits a --set argument "KEY=V1,V2,..." at its top-level commas (not inside [] {} or
 * quotes, so YAML flow values keep theirs). Fills *key (owned by the caller) and the values
 * (each owned by the caller, pushed onto `values`). False with a message in d when there is
 * no '=' or a value is empty or brackets do not balance.
 */
typedef VEC(char *) an_strvec;
bool an_split_values(const char *arg, char **key, an_strvec *values, struct diags *d);

/* ---- sweep results ---- */
/* Every combination's runs, measured; all borrowed. */
struct an_sweep {
	const char *const *keys; /* the --set keys, in argument order */
	size_t key_count;
	const char *const *values; /* combo_count × key_count, row-major, as written */
	size_t combo_count, runs;
	const struct an_metrics *results; /* combo_count × runs, row-major */
};
/* A readable table (mean, and [min-max] over seeds when runs > 1) ... */
void an_sweep_write_table(FILE *out, const struct an_sweep *sw);
/* ... a JSON array, one object per combination ... */
void an_sweep_write_json(FILE *out, const struct an_sweep *sw);
/* ... CSV with a header line ... */
void an_sweep_write_csv(FILE *out, const struct an_sweep *sw);
/* ... and a bar plot of the mean makespan per combination, `width` columns. */
void an_sweep_plot(FILE *out, const struct an_sweep *sw, int width);

/* ---- text renderings ---- */
/* A side to draw: its log (borrowed) and a short name, e.g. "A". */
struct an_lane {
	const struct ev_log *log;
	const char *name;
};
/*
 * Draws every lane's rows (top row and Map iteration rows; at most max_rows per lane, then a
 * "+N more" line) as block characters on one shared time axis, `width` columns in all. Legend:
 * █ task running, ▒ other state, ░ wait or retry back-off, space idle.
 */
void an_draw_lanes(FILE *out, const struct an_lane *lanes, size_t count, int width,
		   size_t max_rows);
/* One horizontal bar per label: "label  ████▌  value_text"; values >= 0. */
void an_draw_bars(FILE *out, const char *const *labels, const double *values,
		  const char *const *texts, size_t n, int width);

#endif
