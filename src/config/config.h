/*
 * config — the scenario: config.yaml (plus `--set KEY=VALUE` overrides) → plain data.
 *
 * Owns: the schema (one table: every key's type, range, default and one-line doc, see
 * schema.c), loading a YAML file against it with libyaml (every problem located
 * `file:line:col`, unknown keys get a "did you mean", all problems reported, not just the
 * first), the scenario struct below, the Lambda / service models looked up by name or ARN
 * pattern, and applying the seed knobs to the seed definition.
 *
 * Contract: `struct cfg_scenario` is plain data owned by the caller (cfg_scenario_fini frees
 * it). Every field holds a valid value after a successful load: keys absent from the file have
 * their schema default. Relative paths in the file are resolved against the file's folder;
 * relative paths given with --set against the current directory.
 */
#ifndef STEPSCOPE_CONFIG_H
#define STEPSCOPE_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/base.h"

/* The seed machine's path as written in config.yaml (and the key's default). */
#define CFG_SEED_DEFINITION "assets/seed/statemachine.asl.json"

enum cfg_duration_model { CFG_DUR_FIXED, CFG_DUR_UNIFORM, CFG_DUR_NORMAL, CFG_DUR_LOGNORMAL };

/* How long a simulated call takes, in milliseconds. Only the model's own fields are set. */
struct cfg_duration {
	enum cfg_duration_model model;
	double ms;		   /* fixed */
	double min_ms, max_ms;	   /* uniform, min <= max */
	double mean_ms, stddev_ms; /* normal (samples below 0 become 0) */
	double median_ms, p99_ms;  /* lognormal, 0 < median <= p99 */
};

enum cfg_cold_mode { CFG_COLD_NONE, CFG_COLD_PROBABILITY, CFG_COLD_FIRST_PER_INSTANCE };

struct cfg_cold_start {
	enum cfg_cold_mode mode;
	double probability; /* CFG_COLD_PROBABILITY: chance that an invocation is cold */
	double init_ms;	    /* added to a cold invocation */
};

enum cfg_error_mode { CFG_ERR_NONE, CFG_ERR_RATE, CFG_ERR_INVOCATIONS };

/* Injected failures. Invocation numbers count from 0 per function (or service entry), retries
 * included, like Step Functions Local's mocked responses. */
struct cfg_errors {
	enum cfg_error_mode mode;
	double rate;	     /* CFG_ERR_RATE: 0..1 */
	int64_t first, last; /* CFG_ERR_INVOCATIONS: inclusive range */
	char *error;	     /* error name, default "Exception" */
	char *cause;	     /* NULL: the simulator writes the runtime's error JSON */
};

/* A local command: argv[argc] == NULL; argc == 0 means none. */
struct cfg_argv {
	char **argv;
	size_t argc;
};

/* One Lambda function model (lambda.default or an entry of lambda.functions). */
struct cfg_lambda_fn {
	char *pattern; /* the functions key (name or ARN glob); NULL for lambda.default */
	struct cfg_duration duration;
	struct cfg_cold_start cold_start;
	int64_t memory_mb;
	struct cfg_errors errors;
	struct cfg_argv command; /* event JSON on stdin, result JSON on stdout; no shell */
	int64_t timeout_ms;	 /* the function's timeout (and the command's) */
};

/* A generic model for any other Task resource (services.<ARN pattern>). */
struct cfg_service {
	char *pattern;
	struct cfg_duration duration;
	json_t *result; /* owned reference; the service's raw result */
	struct cfg_errors errors;
};

/* Another DynamoDB table (ddb.tables.<name>): its key schema and optional initial items. */
struct cfg_table {
	char *name;
	char *partition_key;
	char *sort_key; /* NULL = partition key only */
	char *items;	/* resolved path of an item file (any items_load format), NULL = empty */
};

struct cfg_time {
	char *text;	  /* as written, RFC 3339 */
	int64_t epoch_ms; /* milliseconds since 1970-01-01T00:00:00Z */
};

/* Where a value was written in the config file (1-based); line 0 = a default or --set. */
struct cfg_pos {
	int line, column;
};

struct cfg_scenario {
	char *file;   /* config file as given, NULL when defaults only */
	char *dir;    /* its folder ("." when none) */
	char *source; /* the file's text for error carets, NULL when none */
	size_t source_len;
	struct {
		char *table_name;
		char *partition_key_name;
		char *partition_key_value_field;
		char *items; /* resolved path */
		struct cfg_pos items_at;
		struct cfg_table *tables; /* ddb.tables, in file order */
		size_t table_count;
	} ddb;
	struct {
		int64_t max_concurrency;
		int64_t wait_duration_seconds;
		int64_t timeout_duration_seconds;
		char *definition;	 /* resolved path */
		bool definition_is_seed; /* the key is absent or names CFG_SEED_DEFINITION */
		struct cfg_pos definition_at;
	} stepfunc;
	struct {
		struct cfg_lambda_fn def;
		struct cfg_lambda_fn *functions; /* in file order */
		size_t function_count;
		int64_t account_concurrency; /* 0 = no limit */
	} lambda;
	struct {
		struct cfg_service *list; /* in file order */
		size_t count;
	} services;
	struct {
		uint64_t seed;
		struct cfg_time start_time;
		double speed;
		int64_t inline_map_concurrency_cap; /* 0 = no cap */
		int64_t history_event_limit;	    /* 0 = no limit */
	} simulation;
	/* Prices for the cost estimate (USD, one region, taken on as_of; see schema.c). */
	struct {
		char *as_of;
		char *region;
		double standard_per_transition;
		double express_per_million_requests;
		double express_per_gb_second;
		int64_t express_memory_mb;
		double lambda_per_million_requests;
		double lambda_per_gb_second;
	} pricing;
};

/*
 * Loads config file `path` (borrowed; NULL = defaults only), then applies the `--set`
 * arguments (borrowed, each "KEY=VALUE", VALUE parsed as YAML and typed by the schema).
 * Always leaves *s initialised (free it with cfg_scenario_fini); returns false when any error
 * was added to d.
 */
bool cfg_load(struct cfg_scenario *s, const char *path, const char *const *sets, size_t set_count,
	      struct diags *d);
/* The same from text in memory; `name` (borrowed) is used in diagnostics, `dir` resolves
 * relative paths. */
bool cfg_load_text(struct cfg_scenario *s, const char *name, const char *dir, const char *text,
		   size_t len, const char *const *sets, size_t set_count, struct diags *d);
void cfg_scenario_fini(struct cfg_scenario *s);

/* The model for a Lambda function given as name, ARN or partial ARN (borrowed): the first
 * lambda.functions entry matching exactly, else the first matching glob, else lambda.default.
 * Patterns starting with "arn:" match the whole ARN, others the bare function name. */
const struct cfg_lambda_fn *cfg_lambda_for(const struct cfg_scenario *s, const char *function);
/* The services entry whose ARN pattern matches `resource`, or NULL. */
const struct cfg_service *cfg_service_for(const struct cfg_scenario *s, const char *resource);
/* Glob match: `*` matches any run of characters (also none); everything else literally. */
bool cfg_glob_match(const char *pattern, const char *text);
/* One sampled duration in milliseconds (>= 0). */
double cfg_duration_sample(const struct cfg_duration *dur, struct rng *r);
/* Whether invocation number `n` (from 0, retries included) fails: always false for
 * CFG_ERR_NONE, a draw from r for CFG_ERR_RATE (r untouched otherwise). */
bool cfg_errors_fail(const struct cfg_errors *e, int64_t n, struct rng *r);
/* Whether an invocation starts cold; `new_instance` = no warm instance was free for it. */
bool cfg_cold_start_is_cold(const struct cfg_cold_start *cs, bool new_instance, struct rng *r);

/*
 * When the definition is the seed machine (s->stepfunc.definition_is_seed), writes the knobs
 * into it (borrowed, modified in place): the first Map's MaxConcurrency, the Wait inside it's
 * Seconds, the machine's TimeoutSeconds, and the DynamoDB getItem Task's TableName and Key.
 * States are found by type and shape, not by name. Returns whether anything was applied.
 */
bool cfg_apply_knobs(json_t *definition, const struct cfg_scenario *s);

/* Prints the schema as a Markdown table (key, type, default, range, description): the
 * README's configuration reference. */
void cfg_print_reference(FILE *out);

#endif
