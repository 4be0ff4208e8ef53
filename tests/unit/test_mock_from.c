/*
 * `mock-from` against the recorded AWS corpus: a MockConfigFile built from each history, run
 * through the simulator with the recorded input, must reproduce the recorded outcome (status;
 * the output, compared as parsed JSON, when it succeeded) and the recorded sequence of event
 * types and states. MockConfigFile format and invocation numbering (aws-facts c.1):
 * https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "history/history.h"
#include "sim/sim.h"

/* How close the simulation comes to the recording. */
enum match {
	M_FULL,	   /* outcome and every event: type, state, previous id, item, error, payload (a
		    * recorded timeout    is thrown as States.Timeout, which the simulator records as
		    * *TimedOut) */
	M_OUTCOME, /* outcome only */
	M_NONE,	   /* not reproducible (reason in the table) */
};

static const struct corpus_case {
	const char *name;
	enum match match;
} cases[] = {
    {"dmap-itemreader-csv-dup-headers-fail", M_FULL},
    /* The Lambda runs in the Distributed Map's child executions, not in this history. */
    {"dmap-lambda-reentrant", M_NONE},
    {"dynamodb-put-get", M_FULL},
    {"lambda-invoke-exception-catch", M_FULL},
    {"lambda-invoke-success", M_FULL},
    {"lambda-invoke-timeout-catch", M_FULL},
    {"lambda-legacy-choice-wait-loop", M_FULL},
    {"lambda-legacy-datalimit-caught-by-states-all", M_FULL},
    {"lambda-legacy-outputpath-states-runtime", M_FULL},
    {"lambda-legacy-retry-maxdelay-jitter", M_FULL},
    {"lambda-legacy-retry-then-catch", M_FULL},
    {"lambda-legacy-timeout", M_FULL},
    {"map-inline-catch", M_FULL},
    {"map-inline-choice-fail-break", M_FULL},
    {"map-inline-itemselector", M_FULL},
    /* JSONata: the simulator refuses the definition. */
    {"map-inline-lambda-invoke-retry-catch-jsonata", M_NONE},
    /* Four concurrent iterations: the simulator schedules and fails them in its own order. */
    {"map-inline-lambda-invoke-timeouts-unbounded", M_OUTCOME},
    {"map-inline-nested", M_FULL},
    {"map-inline-pass-8items-maxconc1", M_FULL},
    {"map-inline-retry-multiple-retriers", M_FULL},
    {"map-inline-retry", M_FULL},
    {"map-legacy-iterator-reentrant-loop", M_FULL},
    {"parallel-fail-catch", M_FULL},
    {"parallel-fail-retry", M_FULL},
    {"sqs-wait-for-token-heartbeat-timeout", M_FULL},
    {"variables-assign-wait", M_FULL},
    {"wait-secondspath-negative-runtime-error", M_FULL},
    /* Stopped by a StopExecution call, which no mock can express. */
    {"wait-stop-execution-aborted", M_NONE},
    {"wait-timestamp-past", M_FULL},
    {"wait-timestamppath-no-z-runtime-error", M_FULL},
};

/* NAME + suffix in $STEPSCOPE_CORPUS or beside the repository; owned by the caller. */
static char *corpus_read(const char *name, const char *suffix, char **path_out)
{
	const char *dirs[] = {getenv("STEPSCOPE_CORPUS"), "../shared/corpus/aws-histories",
			      "../../shared/corpus/aws-histories"};
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		if (!dirs[d])
			continue;
		char *path = xasprintf("%s/%s%s", dirs[d], name, suffix);
		size_t len;
		char *err = NULL;
		char *text = file_read_all(path, &len, &err);
		free(err);
		if (text) {
			*path_out = path;
			return text;
		}
		free(path);
	}
	fail_msg("corpus file %s%s not found (run from the repository root)", name, suffix);
	return NULL;
}

static struct ev_log *import(const char *name)
{
	char *path;
	char *text = corpus_read(name, ".history.json", &path);
	struct diags d;
	diags_init(&d);
	struct ev_log *log = hist_import_text(path, text, strlen(text), &d);
	assert_non_null(log);
	diags_fini(&d);
	free(text);
	free(path);
	return log;
}

/* The recorder replaced task tokens and request ids with "<task_token:N>", "<uuid:N>"
 * (INDEX.md), which no simulation writes: such a payload is compared no further (a
 * TaskSubmitted's SQS response, a callback's parameters). */
static bool scrubbed_token(json_t *payload)
{
	char *text = json_dumps(payload, JSON_COMPACT | JSON_ENCODE_ANY);
	bool found = text && (strstr(text, "<task_token:") || strstr(text, "<uuid:"));
	free(text);
	return found;
}

/* Equal with the members in the same order (AWS's order of a template's fields, of the
 * envelope's headers). */
static bool same_text(json_t *a, json_t *b)
{
	char *x = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
	char *y = json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY);
	bool same = x && y && strcmp(x, y) == 0;
	free(x);
	free(y);
	return same;
}

static void expect_same_events(const struct ev_log *want, const struct ev_log *got,
			       const char *name)
{
	size_t n = ev_log_count(want);
	if (ev_log_count(got) != n)
		fail_msg("%s: %zu events simulated, %zu recorded", name, ev_log_count(got), n);
	for (int64_t id = 1; id <= (int64_t)n; id++) {
		const struct ev *w = ev_log_get(want, id), *g = ev_log_get(got, id);
		const char *ws = ev_log_str(want, w->state), *gs = ev_log_str(got, g->state);
		if (w->type != g->type || strcmp(ws ? ws : "", gs ? gs : "") != 0)
			fail_msg("%s: event %lld is %s %s, recorded %s %s", name, (long long)id,
				 ev_type_name(g->type), gs ? gs : "", ev_type_name(w->type),
				 ws ? ws : "");
		/* The causal chain, the Map iteration, the error and the payload too (parsed, the
		 * corpus re-serialized its payloads (INDEX.md), but with its members in order). */
		if (w->prev != g->prev || w->item != g->item)
			fail_msg("%s: event %lld points at %d (item %d), recorded %d (item %d)",
				 name, (long long)id, g->prev, g->item, w->prev, w->item);
		const char *we = ev_log_str(want, ev_error(want, w));
		const char *ge = ev_log_str(got, ev_error(got, g));
		if (strcmp(we ? we : "", ge ? ge : "") != 0)
			fail_msg("%s: event %lld has error %s, recorded %s", name, (long long)id,
				 ge ? ge : "(none)", we ? we : "(none)");
		json_t *wp = ev_payload(want, w, id), *gp = ev_payload(got, g, id);
		if (!wp != !gp || (wp && !same_text(wp, gp) && !scrubbed_token(wp)))
			fail_msg("%s: event %lld (%s) has another payload than recorded", name,
				 (long long)id, ev_type_name(g->type));
	}
}

static const char *const sim_names[] = {"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"};

static void check_case(const struct corpus_case *c)
{
	struct ev_log *rec = import(c->name);
	struct diags d;
	diags_init(&d);
	json_t *mock_doc = hist_mock_from(rec, c->name, "Recorded", c->name, &d);
	struct sim_mock *mock = sim_mock_from_json(mock_doc, c->name, NULL, "Recorded", &d);
	assert_non_null(mock);
	char *path;
	char *def = corpus_read(c->name, ".asl.json", &path);
	struct asl_machine *m = asl_load_text(path, def, strlen(def), NULL, &d);
	assert_non_null(m);
	struct sim_options opt;
	sim_options_init(&opt);
	opt.mock = mock;
	struct ev_log *log = ev_log_new();
	const struct ev *first = ev_log_get(rec, 1);
	json_t *input = first->payload ? ev_payload(rec, first, 1) : json_object();
	struct sim_engine *e = sim_new(m, input, &opt, log, &d);
	struct hist_outcome want;
	hist_outcome(rec, &want);
	if (e) {
		sim_run(e);
		assert_string_equal(sim_names[sim_status(e)], hist_status_name(want.status));
		if (want.status == HIST_SUCCEEDED &&
		    !json_equal(sim_output(e), ev_payload(rec, want.end, want.end_id)))
			fail_msg("%s: simulated output differs from the recorded one", c->name);
		if (c->match == M_FULL)
			expect_same_events(rec, log, c->name);
	}
	/* Only the JSONata case may be refused by the simulator. */
	assert_true(e != NULL || strstr(c->name, "jsonata") != NULL);
	if (!first->payload)
		json_decref(input);
	sim_free(e);
	ev_log_free(log);
	asl_machine_free(m);
	free(def);
	free(path);
	sim_mock_free(mock);
	json_decref(mock_doc);
	diags_fini(&d);
	ev_log_free(rec);
}

static void test_corpus_reproduced(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cases[i].match != M_NONE)
			check_case(&cases[i]);
}

/* A hand-made history: two concurrent Map iterations whose results come back in the other
 * order, and a third call that never finishes (the execution was still running). */
static const char concurrent[] =
    "{\"events\": ["
    "{\"type\": \"ExecutionStarted\", \"id\": 1, \"previousEventId\": 0,"
    " \"executionStartedEventDetails\": {\"input\": \"{}\"}},"
    "{\"type\": \"MapStateEntered\", \"id\": 2, \"previousEventId\": 1,"
    " \"stateEnteredEventDetails\": {\"name\": \"Fan\", \"input\": \"{}\"}},"
    "{\"type\": \"MapStateStarted\", \"id\": 3, \"previousEventId\": 2,"
    " \"mapStateStartedEventDetails\": {\"length\": 3}},"
    "{\"type\": \"MapIterationStarted\", \"id\": 4, \"previousEventId\": 3,"
    " \"mapIterationStartedEventDetails\": {\"name\": \"Fan\", \"index\": 0}},"
    "{\"type\": \"MapIterationStarted\", \"id\": 5, \"previousEventId\": 3,"
    " \"mapIterationStartedEventDetails\": {\"name\": \"Fan\", \"index\": 1}},"
    "{\"type\": \"TaskStateEntered\", \"id\": 6, \"previousEventId\": 4,"
    " \"stateEnteredEventDetails\": {\"name\": \"Work\", \"input\": \"0\"}},"
    "{\"type\": \"TaskScheduled\", \"id\": 7, \"previousEventId\": 6,"
    " \"taskScheduledEventDetails\": {\"resourceType\": \"lambda\", \"resource\": "
    "\"invoke\", \"parameters\": \"{}\"}},"
    "{\"type\": \"TaskStateEntered\", \"id\": 8, \"previousEventId\": 5,"
    " \"stateEnteredEventDetails\": {\"name\": \"Work\", \"input\": \"1\"}},"
    "{\"type\": \"TaskScheduled\", \"id\": 9, \"previousEventId\": 8,"
    " \"taskScheduledEventDetails\": {\"resourceType\": \"lambda\", \"resource\": "
    "\"invoke\", \"parameters\": \"{}\"}},"
    "{\"type\": \"TaskStarted\", \"id\": 10, \"previousEventId\": 7,"
    " \"taskStartedEventDetails\": {\"resourceType\": \"lambda\", \"resource\": "
    "\"invoke\"}},"
    "{\"type\": \"TaskStarted\", \"id\": 11, \"previousEventId\": 9,"
    " \"taskStartedEventDetails\": {\"resourceType\": \"lambda\", \"resource\": "
    "\"invoke\"}},"
    "{\"type\": \"TaskSucceeded\", \"id\": 12, \"previousEventId\": 11,"
    " \"taskSucceededEventDetails\": {\"resourceType\": \"lambda\", \"resource\": "
    "\"invoke\", \"output\": \"\\\"B\\\"\"}},"
    "{\"type\": \"TaskFailed\", \"id\": 13, \"previousEventId\": 10,"
    " \"taskFailedEventDetails\": {\"resourceType\": \"lambda\", \"resource\": "
    "\"invoke\", \"error\": \"E0\", \"cause\": \"c0\"}},"
    "{\"type\": \"TaskScheduled\", \"id\": 14, \"previousEventId\": 13,"
    " \"taskScheduledEventDetails\": {\"resourceType\": \"lambda\", \"resource\": "
    "\"invoke\", \"parameters\": \"{}\"}},"
    "{\"type\": \"TaskStarted\", \"id\": 15, \"previousEventId\": 14,"
    " \"taskStartedEventDetails\": {\"resourceType\": \"lambda\", \"resource\": "
    "\"invoke\"}}"
    "]}";

/* Invocation numbers follow the starts, not the results; unfinished calls are not mocked. */
static void test_numbering_by_start(void **state)
{
	(void)state;
	struct diags d;
	diags_init(&d);
	struct ev_log *log = hist_import_text("c.json", concurrent, strlen(concurrent), &d);
	assert_non_null(log);
	json_t *doc = hist_mock_from(log, "M", "T", "c.json", &d);
	json_t *want = json_loads(
	    "{\"StateMachines\": {\"M\": {\"TestCases\": {\"T\": {\"Work\": \"Work\"}}}},"
	    " \"MockedResponses\": {\"Work\": {"
	    "\"0\": {\"Throw\": {\"Error\": \"E0\", \"Cause\": \"c0\"}},"
	    " \"1\": {\"Return\": \"B\"}}}}",
	    0, NULL);
	assert_non_null(want);
	assert_true(json_equal(doc, want));
	bool warned = false;
	for (size_t i = 0; i < d.list.len; i++)
		warned = warned || strstr(d.list.items[i].message, "invocation 2 of state 'Work'");
	assert_true(warned);
	json_decref(want);
	json_decref(doc);
	ev_log_free(log);
	diags_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_corpus_reproduced),
	    cmocka_unit_test(test_numbering_by_start),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
