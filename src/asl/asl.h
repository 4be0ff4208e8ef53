/*
 * asl — Amazon States Language definitions: loading, the state-graph model, validation.
 *
 * Owns: reading a definition from ASL JSON, ASL YAML, or a CloudFormation/CDK template (JSON
 * or YAML, `cdk.out/` folders too), the immutable model below, and validation that reports
 * every problem AWS would reject, located as file:line:col.
 *
 * The model is plain data (transparent structs) owned by one `struct asl_machine`; every
 * pointer into it is borrowed and lives as long as the machine. Each state also keeps its
 * original JSON object (`json`), so fields the typed view does not model are never lost and
 * the flow/ module can evaluate templates and rules from the JSON itself.
 *
 * Contract other modules rely on (graph, sim, history, tui): the fields of `struct asl_state`,
 * `struct asl_graph`, `struct asl_retrier`, `struct asl_catcher`, `struct asl_choice_rule`, and
 * the functions declared here. Add fields freely; do not rename these.
 */
#ifndef STEPSCOPE_ASL_H
#define STEPSCOPE_ASL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

enum asl_state_type {
	ASL_TASK,
	ASL_PASS,
	ASL_CHOICE,
	ASL_WAIT,
	ASL_SUCCEED,
	ASL_FAIL,
	ASL_PARALLEL,
	ASL_MAP,
};

enum asl_query_language { ASL_JSONPATH, ASL_JSONATA };

/* "Task", "Pass", ...; the ASL spelling. */
const char *asl_state_type_name(enum asl_state_type type);

struct asl_state;
struct asl_source;

/* A set of states with a StartAt: the machine's top level, a Parallel branch, a Map processor. */
struct asl_graph {
	const struct asl_state *start;
	struct asl_state **states; /* in definition (key) order */
	size_t state_count;
	const struct asl_state *owner; /* the Parallel/Map state holding it; NULL at top level */
	const char *pointer;	       /* JSON pointer of the object holding StartAt/States */
};

struct asl_retrier {
	const char **errors; /* ErrorEquals */
	size_t error_count;
	double interval_seconds;   /* default 1 */
	int64_t max_attempts;	   /* default 3 */
	double backoff_rate;	   /* default 2.0 */
	int64_t max_delay_seconds; /* 0 = not set */
	bool jitter_full;	   /* JitterStrategy FULL */
	const char *pointer;
};

struct asl_catcher {
	const char **errors;
	size_t error_count;
	const char *next_name;
	const struct asl_state *next;
	json_t *result_path; /* borrowed; NULL absent, json null = discard */
	const char *pointer;
};

/* A Choice rule (top-level entry of Choices, or nested in And/Or/Not). */
struct asl_choice_rule {
	json_t *json;		      /* the rule object, borrowed; flow/ evaluates it */
	const char *next_name;	      /* only on top-level rules */
	const struct asl_state *next; /* resolved Next */
	const char *label;	      /* short human form, e.g. "$.n > 10", for graphs */
	const char *pointer;
};

enum asl_map_mode { ASL_MAP_INLINE, ASL_MAP_DISTRIBUTED };

struct asl_state {
	const char *name;
	enum asl_state_type type;
	enum asl_query_language query_language; /* effective (state overrides machine) */
	json_t *json;				/* the state's object, borrowed */
	const char *pointer;			/* e.g. "/States/MapState" */
	const char *comment;

	const char *next_name; /* NULL when End or terminal type */
	const struct asl_state *next;
	bool end;

	/* Task, Parallel, Map */
	struct asl_retrier *retry;
	size_t retry_count;
	struct asl_catcher *catch_;
	size_t catch_count;

	/* Task */
	const char *resource;

	/* Choice */
	struct asl_choice_rule *choices;
	size_t choice_count;
	const char *default_name;
	const struct asl_state *default_next;

	/* Parallel */
	struct asl_graph **branches;
	size_t branch_count;

	/* Map */
	struct asl_graph *processor; /* ItemProcessor or Iterator */
	enum asl_map_mode map_mode;
	bool legacy_iterator; /* written as Iterator */

	/* Parent graph (the one whose States hold this state). */
	const struct asl_graph *graph;

	/*
	 * Typed views added for the simulator and the views. Every json_t * is borrowed from
	 * `json` (NULL when the field is absent; a json null stays a json null). Integers are set
	 * only when the field holds an integer (JSONata expressions stay in `json`).
	 */
	/* Common data-flow fields (JSONPath: the five paths/templates; JSONata: Arguments/Output)
	 */
	json_t *input_path, *output_path, *result_path;
	json_t *parameters, *result_selector, *result; /* result: Pass `Result` */
	json_t *arguments, *output, *assign;

	/* Task: 0 = not set (AWS default 99,999,999); *_path NULL = absent */
	int64_t timeout_seconds;
	const char *timeout_seconds_path;
	int64_t heartbeat_seconds;
	const char *heartbeat_seconds_path;
	json_t *credentials;

	/* Wait: exactly one of these four is set (has_seconds tells for `seconds`) */
	bool has_seconds;
	int64_t seconds;
	const char *timestamp;
	const char *seconds_path;
	const char *timestamp_path;

	/* Map */
	int64_t max_concurrency; /* 0 = unlimited (also when absent) */
	const char *max_concurrency_path;
	const char *items_path;	    /* NULL = "$" */
	json_t *items;		    /* JSONata Items */
	json_t *item_selector;	    /* ItemSelector, else legacy Map `Parameters` (same role) */
	json_t *item_reader;	    /* ItemReader object */
	json_t *item_batcher;	    /* ItemBatcher object */
	json_t *result_writer;	    /* ResultWriter object */
	json_t *processor_config;   /* ItemProcessor.ProcessorConfig */
	const char *execution_type; /* ProcessorConfig.ExecutionType (DISTRIBUTED), or NULL */
	int64_t tolerated_failure_count;     /* -1 = not set */
	double tolerated_failure_percentage; /* -1 = not set */
	const char *tolerated_failure_count_path;
	const char *tolerated_failure_percentage_path;
	const char *label;

	/* Fail */
	const char *error, *cause, *error_path, *cause_path;
};

struct asl_machine {
	struct asl_graph *top;
	json_t *json; /* the whole definition, owned by the machine */
	const char *comment;
	int64_t timeout_seconds; /* 0 = not set */
	enum asl_query_language query_language;
	const char *file;	   /* where it came from (for messages) */
	const char *machine_id;	   /* CloudFormation logical id, NULL for plain ASL */
	const char *version;	   /* top-level Version, or NULL */
	size_t total_states;	   /* states in every graph, nested ones included */
	struct asl_source *source; /* private: where each JSON pointer sits in the file */
};

/* Options for loading; zero-initialise. */
struct asl_load_options {
	const char *machine_id; /* which machine of a template (--machine) */
};

/*
 * Loads a definition file (ASL JSON/YAML, CloudFormation/CDK template, cdk.out folder).
 * Returns a machine owned by the caller (asl_machine_free), or NULL with errors in `diags`.
 * Structural errors that prevent building the graph fail the load; softer problems are left to
 * asl_validate.
 */
struct asl_machine *asl_load_file(const char *path, const struct asl_load_options *opt,
				  struct diags *diags);
/* The same from text in memory; `name` is used in messages. */
struct asl_machine *asl_load_text(const char *name, const char *text, size_t len,
				  const struct asl_load_options *opt, struct diags *diags);
/* From a parsed ASL JSON object (reference taken). */
struct asl_machine *asl_load_json(const char *name, json_t *definition, struct diags *diags);
void asl_machine_free(struct asl_machine *m);

/* Every problem AWS would reject (errors) and unreachable states (warnings). True if no errors. */
bool asl_validate(const struct asl_machine *m, struct diags *diags);

/*
 * Where a JSON pointer of the definition (borrowed) sits in the source file: 1-based line and
 * column (0 when unknown, e.g. loaded with asl_load_json). For definitions embedded in a
 * template, pointers are translated into the template (a DefinitionString resolves to the
 * string itself). `at_key` prefers the member's key over its value.
 */
void asl_locate(const struct asl_machine *m, const char *pointer, bool at_key, int *line, int *col);
/* The source text the positions refer to (borrowed; NULL when none), for diags_print. */
const char *asl_source_text(const struct asl_machine *m, size_t *len);

/* Lookup by name within one graph (names are unique per machine in ASL). */
const struct asl_state *asl_graph_find(const struct asl_graph *g, const char *name);
/* Lookup anywhere in the machine, nested graphs included. */
const struct asl_state *asl_machine_find(const struct asl_machine *m, const char *name);

#endif
