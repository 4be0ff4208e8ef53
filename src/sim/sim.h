/*
 * sim — the simulator: runs a state machine in virtual time and appends the execution's AWS
 * history events to an event log.
 *
 * Owns: the discrete-event core (a queue of timed work ordered by (virtual time,
 * sequence); a virtual clock in milliseconds; nothing ever sleeps), the interpreters of every
 * state type, Retry/Catch, timeouts, the service-model interface with its default models
 * (Lambda optimized and legacy, a generic model), and the Step Functions Local mock-config
 * reader.
 *
 * Contract: same machine, input, options and seed ⇒ the byte-identical event log. All
 * randomness comes from one seeded generator split per purpose. Concurrency (Map iterations,
 * Parallel branches, in-flight tasks) is simulated on one thread. Payloads are shared
 * reference-counted jansson values; an item is never copied per event.
 *
 * The engine can be driven step by step (sim_step, sim_advance_to) so a live view can play
 * it, or to the end (sim_run).
 */
#ifndef STEPSCOPE_SIM_H
#define STEPSCOPE_SIM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "asl/asl.h"
#include "base/base.h"
#include "event/event.h"

/* ---- mock configuration (Step Functions Local MockConfigFile format) ---- */
struct sim_mock;

/*
 * Reads a MockConfigFile (aws-facts c.1) and selects one test case of one machine. The machine
 * is `machine_name`, or the only one in the file when NULL; the test case is `test_case`, or
 * the only one when NULL. Returns the mock owned by the caller (sim_mock_free), or NULL with
 * located errors in diags. Strings are borrowed.
 */
struct sim_mock *sim_mock_load(const char *path, const char *machine_name, const char *test_case,
			       struct diags *diags);
/* The same from a parsed document (borrowed); `file` names it in messages. */
struct sim_mock *sim_mock_from_json(json_t *doc, const char *file, const char *machine_name,
				    const char *test_case, struct diags *diags);
void sim_mock_free(struct sim_mock *m);

/* What the mock says about invocation `n` (0-based) of Task state `state`. */
enum sim_mock_answer { SIM_MOCK_NONE, SIM_MOCK_RETURN, SIM_MOCK_THROW, SIM_MOCK_UNCOVERED };
/* NONE: the state is not mocked. RETURN: *result is borrowed. THROW: *error and *cause borrowed
 * (cause may be NULL). UNCOVERED: the state is mocked but no entry covers n. */
enum sim_mock_answer sim_mock_lookup(const struct sim_mock *m, const char *state, int64_t n,
				     json_t **result, const char **error, const char **cause);

/* ---- service models ---- */
/* One task invocation as the engine asks a model to perform it. All borrowed. */
struct sim_call {
	const char *state;	   /* the Task state's name */
	const char *resource;	   /* the Resource ARN */
	json_t *parameters;	   /* the effective input (after InputPath/Parameters); NULL for a
				    * fields_only service: read it with sim_call_field/_parameters */
	int64_t invocation;	   /* 0-based count of this state's invocations so far */
	int64_t now_ms;		   /* virtual time the task started */
	struct rng *rng;	   /* the model's own stream */
	struct sim_engine *engine; /* the engine and the Task's run, which make the parameters */
	struct sim_run *run;	   /* for sim_call_field; NULL = parameters only */
};

/* The model's answer; the engine takes result/error/cause (malloc'd strings). */
struct sim_outcome {
	int64_t duration_ms; /* from TaskStarted to completion; < 0 = never completes */
	json_t *result;	     /* raw result on success */
	char *error;	     /* set on failure */
	char *cause;	     /* may be NULL */
	double init_ms;	     /* a Lambda cold start's init duration (part of duration_ms), else 0 */
	size_t result_size;  /* flow_json_size(result) when the model knows it, else 0 */
	json_t *submitted;   /* a callback's (.waitForTaskToken, .sync) TaskSubmitted output:
			      * the service's response to the call; NULL = {} */
};

/* A service model: `matches` picks resources, `invoke` fills the outcome. */
struct sim_service {
	const char *name;
	bool (*matches)(const struct sim_service *svc, const char *resource);
	void (*invoke)(const struct sim_service *svc, const struct sim_call *call,
		       struct sim_outcome *out);
	void *ctx; /* borrowed, for the model's own data */
	/* invoke reads the call's parameters only through sim_call_field and
	 * sim_call_parameters: a Task's parameters need not be made whole (a lambda:invoke
	 * reads two fields). */
	bool fields_only;
};

/* One top-level field of call's parameters (a new reference), NULL when they have none. */
json_t *sim_call_field(const struct sim_call *call, const char *key);
/* call's whole parameters (borrowed: valid during the call). */
json_t *sim_call_parameters(const struct sim_call *call);

/* ---- options ---- */
struct sim_options {
	uint64_t seed;
	int64_t start_epoch_ms;		/* wall-clock start of the execution */
	int inline_map_cap;		/* AWS's inline Map ceiling, 40; 0 = no cap */
	int64_t history_event_limit;	/* 25,000; 0 = no limit */
	int64_t lambda_duration_ms;	/* default Lambda model duration */
	int64_t generic_duration_ms;	/* other services */
	int64_t step_ms;		/* latency between consecutive transitions */
	const char *region;		/* default region for history details */
	const char *execution_name;	/* borrowed */
	const char *state_machine_name; /* borrowed */
	const char *role_arn;		/* borrowed */
	const struct sim_mock *mock;	/* borrowed, may be NULL */
	const char *items_file; /* Distributed Map ItemReader file (else Bucket/Key), borrowed */
	/* Keep the Lambda functions' CloudWatch lines (sim_log_*): `run --logs` and the TUI's
	 * Logs pane ask for them; off by default, since writing them costs more than a whole
	 * invocation's history events and nothing else reads them. */
	bool record_logs;
};
/* Fills the defaults (seed 1, 2024-05-14T10:15:00Z, cap 40, limit 25000, Lambda 120 ms ...). */
void sim_options_init(struct sim_options *o);

/* ---- the engine ---- */
enum sim_status { SIM_RUNNING, SIM_SUCCEEDED, SIM_FAILED, SIM_TIMED_OUT, SIM_ABORTED };
/* "RUNNING", "SUCCEEDED", ... */
const char *sim_status_name(enum sim_status s);

struct sim_engine;

/*
 * A new execution of machine `m` (borrowed, must outlive the engine) with `input` (borrowed;
 * a reference is kept) appending to `log` (borrowed). ExecutionStarted is appended at once.
 * Returns NULL with errors in diags when the machine cannot be simulated (JSONata states).
 */
struct sim_engine *sim_new(const struct asl_machine *m, json_t *input,
			   const struct sim_options *opt, struct ev_log *log, struct diags *diags);
void sim_free(struct sim_engine *e);

/* Registers another service model (borrowed); later registrations win over earlier ones. */
void sim_add_service(struct sim_engine *e, const struct sim_service *svc);

/* Processes queued work until at least one more event is appended; false when finished. */
bool sim_step(struct sim_engine *e);
/* Processes every piece of work due at or before t_ms. */
void sim_advance_to(struct sim_engine *e, int64_t t_ms);
/* Runs to the end. */
void sim_run(struct sim_engine *e);
bool sim_finished(const struct sim_engine *e);
int64_t sim_now(const struct sim_engine *e);
/* Time of the next queued work, or -1 when none. */
int64_t sim_next_time(const struct sim_engine *e);
/* Stops a running execution like StopExecution (ExecutionAborted). */
void sim_abort(struct sim_engine *e, const char *error, const char *cause);

/*
 * The playback seam (event.h): p reads e's log through ev_producer_ops, advancing the
 * simulation on demand. `description` (copied; NULL = "seed N") is what describe() returns.
 * e must outlive p.
 */
void sim_producer_init(struct ev_producer *p, struct sim_engine *e, const char *description);

enum sim_status sim_status(const struct sim_engine *e);
/* The execution output when it succeeded (borrowed), else NULL. */
json_t *sim_output(const struct sim_engine *e);
/* Error and cause when it did not succeed (borrowed, either may be NULL). */
const char *sim_error(const struct sim_engine *e);
const char *sim_cause(const struct sim_engine *e);

/* Per-state counters for summaries. */
struct sim_state_stats {
	const struct asl_state *state; /* borrowed */
	int64_t visits, failures, retries, invocations;
};
struct sim_stats {
	int64_t transitions;		      /* states entered */
	int64_t lambda_invocations;	      /* both Lambda styles */
	int64_t duration_ms;		      /* ExecutionStarted to the closing event */
	const struct sim_state_stats *states; /* borrowed, definition order, nested included */
	size_t state_count;
};
void sim_get_stats(const struct sim_engine *e, struct sim_stats *out);

/* ---- Distributed Map child executions (aws-facts a.5, b.2) ----
 * Each item (or ItemBatcher batch) of a Distributed Map runs as a child execution with its own
 * event log: ids from 1, ExecutionStarted with the child's input, its states' events, then
 * ExecutionSucceeded | ExecutionFailed | ExecutionAborted. The parent log has only the Map Run
 * events. Children are listed in the order they started; a Map state entered again (a loop or
 * a Retry) starts another Map Run with children of its own. EXPRESS children are kept too
 * (AWS records no history for them): `express` marks them.
 */
struct sim_child_info {
	const char *name;	 /* execution name "<map run id>_<index, 5 digits>"; borrowed */
	const char *arn;	 /* ...:execution:<machine>/<label>:<name>; borrowed */
	const char *map_run_arn; /* the Map Run it belongs to; borrowed */
	const char *map_state;	 /* the Distributed Map state's name; borrowed */
	size_t index;		 /* item (or batch) index in the Map Run */
	int64_t start_ms;	 /* parent virtual time it started at */
	int64_t end_ms;		 /* parent virtual time of its closing event, once ended */
	size_t events;		 /* events in its history, once ended */
	size_t items;		 /* items it processed: a batch's Items, else 1 */
	enum sim_status status;	 /* RUNNING until its closing event */
	bool express;		 /* ProcessorConfig.ExecutionType EXPRESS */
};
size_t sim_child_count(const struct sim_engine *e);
/* The id of the first MapRunStarted in the execution's own log, or one past its last event
 * when it has none (so far): where a reader of its Map Runs may start. */
int64_t sim_first_map_run_id(const struct sim_engine *e);
/* Child i (< sim_child_count), borrowed; stable while the engine lives (it may still run). */
const struct sim_child_info *sim_child(const struct sim_engine *e, size_t i);
/*
 * Child i's history so far as a new log owned by the caller (ev_log_free), NULL past the end
 * or when the stored history cannot be read back (its temporary file failed: an I/O error).
 * An ended child's history is not kept as a log: it is stored compactly (a temporary file)
 * when the child ends and rebuilt here, equal to what was appended, so that a Map Run of
 * 100,000 children does not hold a million events and their payloads in memory.
 */
struct ev_log *sim_child_history(const struct sim_engine *e, size_t i);

/* ---- simulated CloudWatch logs (what Lambda functions write) ---- */
struct sim_log_line {
	int64_t t_ms;	    /* virtual time since the execution start (sim_now's clock) */
	const char *group;  /* "/aws/lambda/<function name>" */
	const char *stream; /* "2024/05/14/[$LATEST]<32 hex>": one per execution environment */
	const char *text;   /* one line, no newline */
	int32_t item;	    /* the Map iteration of the invocation that wrote it, -1 outside */
};
/*
 * The log lines so far (none unless sim_options.record_logs), in time order (stable: equal times
 * keep the order they were written). A model writes an invocation's lines when it starts, so the
 * last lines may lie in the virtual future: a live view shows lines i < sim_log_count with t_ms <=
 * sim_now(e). Lines with t_ms <= sim_now never move or change, so a view can remember how many it
 * has shown. sim_log_at returns NULL past the end; the line and its strings are borrowed from e
 * (valid until sim_free).
 */
size_t sim_log_count(const struct sim_engine *e);
const struct sim_log_line *sim_log_at(const struct sim_engine *e, size_t i);
/* Writes a line (strings copied), t_ms >= sim_now(e); nothing unless record_logs. For service
 * models. */
void sim_log_add(struct sim_engine *e, int64_t t_ms, const char *group, const char *stream,
		 const char *text);

/* ---- scenario (config.yaml) models ---- */
struct cfg_scenario;
struct sim_scenario_models;
/*
 * Registers the scenario's models on e: Lambda functions (lambda.default / lambda.functions),
 * `services` entries, and DynamoDB (getItem, putItem, updateItem, deleteItem; query and scan
 * through aws-sdk:dynamodb) on in-memory tables: the seed's table (ddb.tableName, keyed by
 * ddb.partitionKeyName) holding `table_item` (borrowed, a reference is kept; NULL = empty)
 * and every table a putItem/updateItem writes to. s (borrowed) and the returned models (owned by
 * the caller, sim_scenario_models_free after sim_free) must outlive the engine.
 */
/* The scenario's seed machine (s->stepfunc.definition) with the config's knobs applied
 * (cfg_apply_knobs), as `run`, the TUI and `sweep` all load it. Owned by the caller; NULL with
 * located errors in d. */
struct asl_machine *sim_load_seed_machine(const struct cfg_scenario *s, struct diags *d);

struct sim_scenario_models *sim_use_scenario(struct sim_engine *e, const struct cfg_scenario *s,
					     json_t *table_item);
void sim_scenario_models_free(struct sim_scenario_models *m);
/* Adds (or redefines) DynamoDB table `name` keyed by `partition_key` and `sort_key` (NULL =
 * none) holding `items` (an array of typed DynamoDB items; NULL = empty): config.yaml's
 * ddb.tables. All borrowed. */
void sim_scenario_add_table(struct sim_scenario_models *m, const char *name,
			    const char *partition_key, const char *sort_key, json_t *items);

/* ---- helpers shared with tests ---- */
/*
 * Delay in milliseconds before retry n (1-based) of retrier r: IntervalSeconds ×
 * BackoffRate^(n-1), capped by MaxDelaySeconds, FULL jitter = uniform in [0, capped]
 * (aws-facts b.6). rng is used only for FULL jitter.
 */
int64_t sim_retry_delay_ms(const struct asl_retrier *r, int64_t n, struct rng *rng);
/* Whether an ErrorEquals list matches error (States.ALL, States.TaskFailed rules of b.8). */
bool sim_error_matches(const char *const *errors, size_t count, const char *error);
/* Splits a Task Resource into the history's resourceType / resource (aws-facts a.4); both
 * owned by the caller. False for resources that are not `arn:...:states:::` integrations. */
bool sim_split_resource(const char *arn, char **resource_type, char **resource);

/* Timestamps (Wait's Timestamp, --start-time). */
/* RFC 3339 with uppercase T and a zone (Z or ±hh:mm), any fraction; false if invalid. */
bool sim_parse_timestamp(const char *s, int64_t *epoch_ms);
/* "2024-05-14T10:15:00.000Z" into buf (at least 32 bytes). */
void sim_format_timestamp(int64_t epoch_ms, char *buf, size_t size);

#endif
