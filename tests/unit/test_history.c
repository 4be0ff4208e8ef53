/*
 * Unit tests of src/history and the event JSON codec: timestamps in every form the AWS CLI,
 * the raw API and SDKs print, page and order handling, placeholders, unknown types, broken
 * links and located errors. History format: aws-facts a.1-a.5 and
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "history/history.h"
#include "doc/doc.h"

static int64_t parse_ms(const char *json_text)
{
	json_t *v = json_loads(json_text, JSON_DECODE_ANY, NULL);
	assert_non_null(v);
	int64_t ms = -1;
	bool ok = ev_time_parse(v, &ms);
	json_decref(v);
	return ok ? ms : -1;
}

static void test_time_parse(void **state)
{
	(void)state;
	/* AWS CLI v2: Python isoformat() in the CLI machine's zone (aws-facts a.2). */
	assert_int_equal(parse_ms("\"2024-05-14T10:15:01.512000+00:00\""), 1715681701512);
	assert_int_equal(parse_ms("\"2024-01-16T14:31:11.066000+09:00\""), 1705383071066);
	assert_int_equal(parse_ms("\"2023-12-31T23:30:00-05:30\""), 1704085200000);
	/* No fraction when it is zero; Z; 0-9 fraction digits. */
	assert_int_equal(parse_ms("\"2024-05-14T10:15:02+00:00\""), 1715681702000);
	assert_int_equal(parse_ms("\"2024-05-14T10:15:01.512Z\""), 1715681701512);
	assert_int_equal(parse_ms("\"2024-05-14T10:15:01.5Z\""), 1715681701500);
	assert_int_equal(parse_ms("\"2024-05-14T10:15:01.512999999Z\""), 1715681701512);
	assert_int_equal(parse_ms("\"2024-05-14T10:15:01Z\""), 1715681701000);
	/* Epoch seconds: CLI v1, wire format, SDK JSON. */
	assert_int_equal(parse_ms("1715681701.512"), 1715681701512);
	assert_int_equal(parse_ms("1715681701"), 1715681701000);
	/* Placeholders and junk are not times. */
	assert_int_equal(parse_ms("\"timestamp\""), -1);
	assert_int_equal(parse_ms("\"2024-13-14T10:15:01Z\""), -1);
	assert_int_equal(parse_ms("\"2024-05-14T10:15:01.Z\""), -1);
	assert_int_equal(parse_ms("\"2024-05-14T10:15:01+0x:00\""), -1);
	assert_int_equal(parse_ms("null"), -1);
}

static void test_time_format(void **state)
{
	(void)state;
	char buf[40];
	ev_time_format(1715681701512, buf);
	assert_string_equal(buf, "2024-05-14T10:15:01.512000+00:00");
	ev_time_format(1715681702000, buf);
	assert_string_equal(buf, "2024-05-14T10:15:02+00:00");
	ev_time_format(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00+00:00");
}

/* A 5-event history: start, Pass entered/exited, succeeded; times 0, 10, 20, 30 ms... */
#define EVENT(id, prev, type, extra)                                                               \
	"{\"timestamp\": " #id ".5, \"type\": \"" type "\", \"id\": " #id                          \
	", \"previousEventId\": " #prev extra "}"
#define E1                                                                                         \
	EVENT(1, 0, "ExecutionStarted", ", \"executionStartedEventDetails\": {\"input\": \"{}\"}")
#define E2 EVENT(2, 0, "PassStateEntered", ", \"stateEnteredEventDetails\": {\"name\": \"P\"}")
#define E3 EVENT(3, 2, "PassStateExited", ", \"stateExitedEventDetails\": {\"name\": \"P\"}")
#define E4                                                                                         \
	EVENT(4, 3, "ExecutionSucceeded",                                                          \
	      ", \"executionSucceededEventDetails\": {\"output\": \"{\\\"a\\\":1}\"}")

static char *events_text(struct ev_log *log)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ev_log_write_text(log, f);
	fclose(f);
	return buf;
}

static struct ev_log *import(const char *text, struct diags *d)
{
	diags_init(d);
	return hist_import_text("h.json", text, strlen(text), d);
}

static const char forward_text[] = "[   0.000] 1 <- 0 ExecutionStarted\n"
				   "[   1.000] 2 <- 0 PassStateEntered P\n"
				   "[   2.000] 3 <- 2 PassStateExited P\n"
				   "[   3.000] 4 <- 3 ExecutionSucceeded\n";

static void test_forward_reverse_pages(void **state)
{
	(void)state;
	const char *docs[] = {
	    "{\"events\": [" E1 "," E2 "," E3 "," E4 "]}",
	    /* --reverse-order */
	    "{\"events\": [" E4 "," E3 "," E2 "," E1 "]}",
	    /* an array of pages, the second page first */
	    "[{\"events\": [" E3 "," E4 "]}, {\"events\": [" E1 "," E2 "], \"nextToken\": \"t\"}]",
	};
	for (size_t i = 0; i < ARRAY_LEN(docs); i++) {
		struct diags d;
		struct ev_log *log = import(docs[i], &d);
		assert_non_null(log);
		assert_int_equal(d.errors, 0);
		assert_int_equal(d.warnings, 0);
		char *text = events_text(log);
		assert_string_equal(text, forward_text);
		free(text);
		assert_false(ev_log_meta_const(log)->synthetic_time);
		assert_int_equal(ev_log_meta_const(log)->start_epoch_ms, 1500);
		struct hist_outcome oc;
		hist_outcome(log, &oc);
		assert_int_equal(oc.status, HIST_SUCCEEDED);
		assert_int_equal(oc.duration_ms, 3000);
		assert_true(
		    json_is_integer(json_object_get(ev_payload(log, oc.end, oc.end_id), "a")));
		ev_log_free(log);
		diags_fini(&d);
	}
}

static void test_two_files(void **state)
{
	(void)state;
	const char *p1 = "{\"events\": [" E1 "," E2 "], \"nextToken\": \"abc\"}";
	const char *p2 = "{\"events\": [" E3 "," E4 "]}";
	struct diags d;
	diags_init(&d);
	struct hist_importer *imp = hist_importer_new();
	assert_true(hist_importer_add_text(imp, "p2.json", p2, strlen(p2), &d));
	assert_true(hist_importer_add_text(imp, "p1.json", p1, strlen(p1), &d));
	struct ev_log *log = hist_importer_finish(imp, &d);
	assert_non_null(log);
	assert_int_equal(d.warnings, 0);
	char *text = events_text(log);
	assert_string_equal(text, forward_text);
	free(text);
	ev_log_free(log);
	hist_importer_free(imp);
	diags_fini(&d);
}

static void test_placeholders(void **state)
{
	(void)state;
	/* The corpus scrubbed every timestamp to the string "timestamp" (INDEX.md). */
	const char *doc = "{\"events\": [{\"timestamp\": \"timestamp\", \"type\": "
			  "\"ExecutionStarted\", \"id\": 1, \"previousEventId\": 0}, {\"type\": "
			  "\"ExecutionAborted\", \"id\": 2, \"previousEventId\": 0}]}";
	struct diags d;
	struct ev_log *log = import(doc, &d);
	assert_non_null(log);
	assert_true(ev_log_meta_const(log)->synthetic_time);
	assert_int_equal(d.warnings, 1);
	assert_string_equal(d.list.items[0].code, "synthetic-time");
	assert_int_equal(ev_log_get(log, 2)->t_ms, HIST_SYNTHETIC_STEP_MS);
	struct hist_outcome oc;
	hist_outcome(log, &oc);
	assert_int_equal(oc.status, HIST_ABORTED);
	ev_log_free(log);
	diags_fini(&d);
}

static void test_unknown_type(void **state)
{
	(void)state;
	const char *doc =
	    "{\"events\": [" E1 ", {\"timestamp\": 2, \"type\": \"FancyNewEvent\", "
	    "\"id\": 2, \"previousEventId\": 1, \"fancyNewEventDetails\": {\"x\": 1}}]}";
	struct diags d;
	struct ev_log *log = import(doc, &d);
	assert_non_null(log);
	const struct ev *e = ev_log_get(log, 2);
	assert_int_equal(e->type, EV_UNKNOWN);
	assert_string_equal(ev_log_str(log, ev_raw_type(log, e)), "FancyNewEvent");
	char *text = events_text(log);
	assert_non_null(strstr(text, "2 <- 1 FancyNewEvent?"));
	free(text);
	/* Exported back unchanged (type and details). */
	json_t *out = ev_to_json(log, e, 2, 0);
	assert_string_equal(json_string_value(json_object_get(out, "type")), "FancyNewEvent");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(out, "fancyNewEventDetails"), "x")),
	    1);
	json_decref(out);
	struct hist_outcome oc;
	hist_outcome(log, &oc);
	assert_int_equal(oc.status, HIST_RUNNING);
	ev_log_free(log);
	diags_fini(&d);
}

static void test_broken_links(void **state)
{
	(void)state;
	/* id 3 missing (gap), id 2 twice, a link to a missing id and one forward link. */
	const char *doc =
	    "{\"events\": [" E1 "," E2 "," E2
	    "," EVENT(4, 3, "PassStateExited", "") "," EVENT(5, 9, "ExecutionSucceeded", "") "]}";
	struct diags d;
	struct ev_log *log = import(doc, &d);
	assert_non_null(log);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 4);
	assert_int_equal(ev_log_count(log), 4);
	/* Renumbered densely; the broken links became 0. */
	assert_int_equal(ev_log_get(log, 3)->prev, 0);
	assert_int_equal(ev_log_get(log, 4)->prev, 0);
	assert_int_equal(ev_log_get(log, 4)->type, EV_ExecutionSucceeded);
	ev_log_free(log);
	diags_fini(&d);
}

static void expect_error(const char *doc, int line, const char *pointer)
{
	struct diags d;
	struct ev_log *log = import(doc, &d);
	assert_null(log);
	assert_int_equal(d.errors, 1);
	const struct diag *dg = &d.list.items[d.list.len - 1];
	assert_string_equal(dg->file, "h.json");
	assert_int_equal(dg->line, line);
	if (pointer)
		assert_string_equal(dg->pointer, pointer);
	else
		assert_null(dg->pointer);
	diags_fini(&d);
}

/* The widest span of recorded times a log holds: EV_T_MAX ms after the first event (and as
 * much before it); one millisecond more is refused (test_errors_located). */
/* doc imports without error, with `warnings` warnings (1: its times were unusable). */
static void expect_import_warnings(const char *doc, int warnings)
{
	struct diags d;
	struct ev_log *log = import(doc, &d);
	assert_non_null(log);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, warnings);
	ev_log_free(log);
	diags_fini(&d);
}

static void test_time_range(void **state)
{
	(void)state;
	/* The first and last instants RFC 3339 can write (0000-01-01T00:00:00Z and
	 * 9999-12-31T23:59:59Z) as epoch seconds, then as text: both extremes import,
	 * 315,569,519,999 seconds apart; a second past either is no timestamp (an export could not
	 * write it back), so the history falls back to synthetic time with a warning. */
	static const char doc[] =
	    "{\"events\": [{\"timestamp\": -62167219200, \"type\": \"ExecutionStarted\", \"id\": "
	    "1}, "
	    "{\"timestamp\": 253402300799, \"type\": \"PassStateEntered\", \"id\": 2, "
	    "\"previousEventId\": 1, \"stateEnteredEventDetails\": {\"name\": \"P\"}}, "
	    "{\"timestamp\": \"9999-12-31T23:59:59.999Z\", \"type\": \"PassStateExited\", \"id\": "
	    "3, "
	    "\"previousEventId\": 2, \"stateExitedEventDetails\": {\"name\": \"P\"}}]}";
	struct diags d;
	struct ev_log *log = import(doc, &d);
	assert_non_null(log);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 0);
	assert_int_equal(ev_log_get(log, 2)->t_ms, 315569519999000LL);
	assert_int_equal(ev_log_get(log, 3)->t_ms, 315569519999999LL);
	ev_log_free(log);
	diags_fini(&d);
	static const char past[] =
	    "{\"events\": [{\"timestamp\": 0, \"type\": \"ExecutionStarted\", \"id\": 1}, "
	    "{\"timestamp\": 253402300800, \"type\": \"ExecutionSucceeded\", \"id\": 2, "
	    "\"previousEventId\": 1}]}";
	expect_import_warnings(past, 1);
	/* An offset or a fraction may carry a written time past those years: then it is no
	 * timestamp either. The last half second of 9999 as a number is one. */
	static const char offsets[] =
	    "{\"events\": [{\"timestamp\": \"9999-12-31T23:59:59-01:00\", \"type\": "
	    "\"ExecutionStarted\", \"id\": 1}, {\"timestamp\": \"0000-01-01T00:00:00+01:00\", "
	    "\"type\": \"ExecutionSucceeded\", \"id\": 2, \"previousEventId\": 1}]}";
	expect_import_warnings(offsets, 1);
	static const char fraction[] =
	    "{\"events\": [{\"timestamp\": 253402300799.5, \"type\": \"ExecutionStarted\", "
	    "\"id\": 1}]}";
	log = import(fraction, &d);
	assert_non_null(log);
	assert_int_equal(d.warnings, 0);
	assert_int_equal(ev_log_meta_const(log)->start_epoch_ms, 253402300799500LL);
	ev_log_free(log);
	diags_fini(&d);
}

static void test_errors_located(void **state)
{
	(void)state;
	/* Cut off: jansson's line and column. */
	expect_error("{\"events\": [\n" E1 ",\n{\"type\": ", 3, NULL);
	expect_error("{\"executions\": []}", 0, "");
	expect_error("{\"events\": {}}", 0, "/events");
	expect_error("{\"events\": [" E1 ", {\"id\": 2}]}", 0, "/events/1/type");
	expect_error("{\"events\": [" E1 ", {\"type\": \"PassStateEntered\", \"id\": \"2\"}]}", 0,
		     "/events/1/id");
	expect_error("[{\"events\": []}, 3]", 0, "/1");
	expect_error("{\"events\": []}", 0, NULL);
}

static void test_describe_and_payloads(void **state)
{
	(void)state;
	const char *hist = "{\"events\": [" E1 "," EVENT(
	    2, 0, "PassStateEntered",
	    ", \"stateEnteredEventDetails\": {\"name\": \"P\", \"input\": \"{not json\"}") "]}";
	const char *desc = "{\"executionArn\": \"arn:aws:states:us-east-1:1:execution:M:run-7\", "
			   "\"stateMachineArn\": \"arn:aws:states:us-east-1:1:stateMachine:M\", "
			   "\"status\": \"RUNNING\", \"startDate\": 1.5}";
	struct diags d;
	diags_init(&d);
	struct hist_importer *imp = hist_importer_new();
	assert_true(hist_importer_add_text(imp, "d.json", desc, strlen(desc), &d));
	assert_true(hist_importer_add_text(imp, "h.json", hist, strlen(hist), &d));
	struct ev_log *log = hist_importer_finish(imp, &d);
	assert_non_null(log);
	assert_true(hist_importer_describe(imp)->present);
	assert_string_equal(ev_log_str(log, ev_log_meta_const(log)->execution_name), "run-7");
	assert_string_equal(ev_log_str(log, ev_log_meta_const(log)->state_machine_name), "M");
	/* The invalid payload is kept as text with a warning and written back verbatim. */
	assert_int_equal(d.warnings, 1);
	const struct ev *e = ev_log_get(log, 2);
	assert_string_equal(json_string_value(e->payload), "{not json");
	json_t *out = ev_to_json(log, e, 2, 0);
	json_t *details = json_object_get(out, "stateEnteredEventDetails");
	assert_string_equal(json_string_value(json_object_get(details, "input")), "{not json");
	assert_true(
	    json_is_false(json_object_get(json_object_get(details, "inputDetails"), "truncated")));
	json_decref(out);
	ev_log_free(log);
	hist_importer_free(imp);
	diags_fini(&d);
}

static void test_truncated_payload(void **state)
{
	(void)state;
	/* inputDetails.truncated (aws-facts a.3): the text is cut, so not JSON; kept and marked. */
	const char *doc =
	    "{\"events\": [{\"type\": \"PassStateEntered\", \"id\": 1, "
	    "\"stateEnteredEventDetails\": {\"name\": \"P\", \"input\": \"{\\\"a\\\": [1, 2\", "
	    "\"inputDetails\": {\"truncated\": true}}}]}";
	struct diags d;
	struct ev_log *log = import(doc, &d);
	assert_non_null(log);
	/* not JSON, truncated, no ExecutionStarted, synthetic time (no timestamp) */
	assert_int_equal(d.warnings, 4);
	assert_string_equal(d.list.items[1].message, "payload truncated by AWS (kept as recorded)");
	const struct ev *e = ev_log_get(log, 1);
	assert_string_equal(json_string_value(e->payload), "{\"a\": [1, 2");
	json_t *out = ev_to_json(log, e, 1, 0);
	json_t *details = json_object_get(out, "stateEnteredEventDetails");
	assert_string_equal(json_string_value(json_object_get(details, "input")), "{\"a\": [1, 2");
	assert_true(
	    json_is_true(json_object_get(json_object_get(details, "inputDetails"), "truncated")));
	json_decref(out);
	ev_log_free(log);
	diags_fini(&d);
}

static void test_export_shape(void **state)
{
	(void)state;
	struct diags d;
	struct ev_log *log = import("{\"events\": [" E1 "," E2 "]}", &d);
	assert_non_null(log);
	size_t len;
	char *text = hist_export_text(log, &len);
	/* The AWS CLI's layout: 4 spaces, CLI key order, compact payload strings. */
	const char *want = "{\n"
			   "    \"events\": [\n"
			   "        {\n"
			   "            \"timestamp\": \"1970-01-01T00:00:01.500000+00:00\",\n"
			   "            \"type\": \"ExecutionStarted\",\n"
			   "            \"id\": 1,\n"
			   "            \"previousEventId\": 0,\n"
			   "            \"executionStartedEventDetails\": {\n"
			   "                \"input\": \"{}\",\n"
			   "                \"inputDetails\": {\n"
			   "                    \"truncated\": false\n"
			   "                }\n"
			   "            }\n"
			   "        },\n"
			   "        {\n"
			   "            \"timestamp\": \"1970-01-01T00:00:02.500000+00:00\",\n"
			   "            \"type\": \"PassStateEntered\",\n"
			   "            \"id\": 2,\n"
			   "            \"previousEventId\": 0,\n"
			   "            \"stateEnteredEventDetails\": {\n"
			   "                \"name\": \"P\"\n"
			   "            }\n"
			   "        }\n"
			   "    ]\n"
			   "}\n";
	assert_string_equal(text, want);
	assert_int_equal(len, strlen(want));
	free(text);
	ev_log_free(log);
	diags_fini(&d);
}

/* Minimal events for reconstruction tests: id, prev, type, optional details. */
#define R(id, prev, type, det)                                                                     \
	"{\"id\":" #id ",\"previousEventId\":" #prev ",\"type\":\"" type "\"" det "}"
#define ENT(n) ",\"stateEnteredEventDetails\":{\"name\":\"" n "\"}"
#define EXI(n) ",\"stateExitedEventDetails\":{\"name\":\"" n "\"}"
#define ITER(kind, n, i)                                                                           \
	",\"mapIteration" kind "EventDetails\":{\"name\":\"" n "\",\"index\":" #i "}"

static void test_recon_retries_and_branches(void **state)
{
	(void)state;
	/* A Parallel with two branches; branch 1 runs a Task that is retried once
	 * (aws-facts a.5: retries repeat Scheduled/Started/Failed inside one TaskStateEntered). */
	/* clang-format off */
	const char *doc = "["
		R(1, 0, "ExecutionStarted", "") ","
		R(2, 0, "ParallelStateEntered", ENT("Par")) ","
		R(3, 2, "ParallelStateStarted", "") ","
		R(4, 3, "PassStateEntered", ENT("A")) ","
		R(5, 3, "TaskStateEntered", ENT("B")) ","
		R(6, 5, "TaskScheduled", "") ","
		R(7, 6, "TaskFailed", "") ","
		R(8, 4, "PassStateExited", EXI("A")) ","
		R(9, 7, "TaskScheduled", "") ","
		R(10, 9, "TaskSucceeded", "") ","
		R(11, 10, "TaskStateExited", EXI("B")) ","
		R(12, 11, "ParallelStateSucceeded", "") ","
		R(13, 11, "ParallelStateExited", EXI("Par")) ","
		R(14, 13, "ExecutionSucceeded", "") "]";
	/* clang-format on */
	struct diags d;
	struct ev_log *log = import(doc, &d);
	assert_non_null(log);
	char *text = events_text(log);
	assert_non_null(strstr(text, "9 <- 7 TaskScheduled B\n"));
	assert_non_null(strstr(text, "12 <- 11 ParallelStateSucceeded Par\n"));
	free(text);
	struct hist_recon *r = hist_recon_of_log(log);
	assert_int_equal(hist_recon_event_attempt(r, 6), 1);
	assert_int_equal(hist_recon_event_attempt(r, 9), 2);
	assert_int_equal(hist_recon_event_branch(r, 4), 0);
	assert_int_equal(hist_recon_event_branch(r, 8), 0);
	assert_int_equal(hist_recon_event_branch(r, 10), 1);
	assert_int_equal(hist_recon_event_branch(r, 12), -1);
	assert_int_equal(hist_recon_visit_count(r), 3);
	const struct hist_visit *b = hist_recon_visit(r, (size_t)hist_recon_event_visit(r, 10));
	assert_string_equal(ev_log_str(log, b->state), "B");
	assert_int_equal(b->attempts, 2);
	assert_int_equal(b->failures, 1);
	assert_true(b->exited);
	assert_int_equal(b->first_id, 5);
	assert_int_equal(b->last_id, 11);
	hist_recon_free(r);
	/* The replay producer: complete from the start. */
	struct hist_replay_source src = {.description = "replay of h.json"};
	struct ev_producer p;
	hist_producer_init(&p, &src, log);
	assert_true(p.ops->finished(p.self));
	assert_false(p.ops->step(p.self));
	assert_string_equal(p.ops->describe(p.self), "replay of h.json");
	ev_log_free(log);
	diags_fini(&d);
}

static void test_recon_map_aborts(void **state)
{
	(void)state;
	/* Unbounded Map, iteration 0 times out, iteration 1 is aborted: the detail-less
	 * TaskStateAborted events all point at the failure (observed on AWS, aws-facts a.5), each
	 * right after its iteration's MapIterationFailed/Aborted (the order floci-io/floci
	 * measured on AWS, AslExecutorParallelCutTest). */
	/* clang-format off */
	const char *doc = "["
		R(1, 0, "ExecutionStarted", "") ","
		R(2, 0, "MapStateEntered", ENT("M")) ","
		R(3, 2, "MapStateStarted", "") ","
		R(4, 3, "MapIterationStarted", ITER("Started", "M", 0)) ","
		R(5, 3, "MapIterationStarted", ITER("Started", "M", 1)) ","
		R(6, 4, "TaskStateEntered", ENT("T")) ","
		R(7, 5, "TaskStateEntered", ENT("T")) ","
		R(8, 6, "TaskScheduled", "") ","
		R(9, 7, "TaskScheduled", "") ","
		R(10, 8, "TaskTimedOut", "") ","
		R(11, 10, "MapIterationFailed", ITER("Failed", "M", 0)) ","
		R(12, 10, "TaskStateAborted", "") ","
		R(13, 10, "MapIterationAborted", ITER("Aborted", "M", 1)) ","
		R(14, 10, "TaskStateAborted", "") ","
		R(15, 10, "MapStateFailed", "") ","
		R(16, 15, "ExecutionFailed", "") "]";
	/* clang-format on */
	struct diags d;
	struct ev_log *log = import(doc, &d);
	assert_non_null(log);
	char *text = events_text(log);
	assert_non_null(strstr(text, "10 <- 8 TaskTimedOut T #0\n"));
	assert_non_null(strstr(text, "12 <- 10 TaskStateAborted T #0\n"));
	assert_non_null(strstr(text, "14 <- 10 TaskStateAborted T #1\n"));
	assert_non_null(strstr(text, "15 <- 10 MapStateFailed M\n"));
	assert_non_null(strstr(text, "16 <- 15 ExecutionFailed\n"));
	free(text);
	ev_log_free(log);
	diags_fini(&d);
}

/* One event read and written back gives the same text: key order (timestamp, type, id,
 * previousEventId, details in botocore member order, aws-facts a.2/a.4), compact payloads,
 * members kept in extra. */
static void test_codec_roundtrip(void **state)
{
	(void)state;
	static const char *const events[] = {
	    "{\"timestamp\":\"2024-05-14T10:15:03.620000+00:00\",\"type\":\"TaskScheduled\","
	    "\"id\":12,\"previousEventId\":9,\"taskScheduledEventDetails\":{\"resourceType\":"
	    "\"lambda\",\"resource\":\"invoke\",\"region\":\"us-east-1\",\"parameters\":"
	    "\"{\\\"Payload\\\":{\\\"id\\\":\\\"a1\\\",\\\"n\\\":3.3}}\",\"timeoutInSeconds\":30}}",
	    "{\"timestamp\":\"2024-05-14T10:15:02+00:00\",\"type\":\"ExecutionFailed\",\"id\":3,"
	    "\"previousEventId\":2,\"executionFailedEventDetails\":{\"error\":\"E\",\"cause\":\"\"}"
	    "}",
	    "{\"timestamp\":\"2024-05-14T10:15:02+00:00\",\"type\":\"PassStateExited\",\"id\":4,"
	    "\"previousEventId\":3,\"stateExitedEventDetails\":{\"name\":\"P\",\"output\":\"1\","
	    "\"outputDetails\":{\"truncated\":false},\"assignedVariables\":{\"x\":\"0\"},"
	    "\"assignedVariablesDetails\":{\"truncated\":false}}}",
	    "{\"timestamp\":\"2024-05-14T10:15:02+00:00\",\"type\":\"MapIterationAborted\",\"id\":"
	    "5,"
	    "\"previousEventId\":3,\"mapIterationAbortedEventDetails\":{\"name\":\"M\",\"index\":2}"
	    "}",
	    ("{\"timestamp\":\"2024-05-14T10:15:02+00:00\",\"type\":\"MapStateSucceeded\",\"id\":6,"
	     "\"previousEventId\":5}"),
	};
	struct ev_log *log = ev_log_new();
	for (size_t i = 0; i < ARRAY_LEN(events); i++) {
		json_t *in = json_loads(events[i], 0, NULL);
		assert_non_null(in);
		struct ev e;
		struct ev_json_info info;
		struct diags d;
		diags_init(&d);
		assert_true(ev_from_json(log, in, &e, &info, &d, "x", "/events/0"));
		assert_int_equal(d.list.len, 0);
		assert_true(info.has_time);
		e.t_ms = info.epoch_ms;
		json_t *out = ev_to_json(log, &e, info.id, 0);
		char *text = doc_dumps(out, JSON_COMPACT);
		assert_string_equal(text, events[i]);
		free(text);
		json_decref(out);
		json_decref(e.payload);
		json_decref(in);
		diags_fini(&d);
	}
	ev_log_free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_time_parse),
	    cmocka_unit_test(test_time_format),
	    cmocka_unit_test(test_forward_reverse_pages),
	    cmocka_unit_test(test_two_files),
	    cmocka_unit_test(test_placeholders),
	    cmocka_unit_test(test_unknown_type),
	    cmocka_unit_test(test_broken_links),
	    cmocka_unit_test(test_errors_located),
	    cmocka_unit_test(test_time_range),
	    cmocka_unit_test(test_describe_and_payloads),
	    cmocka_unit_test(test_truncated_payload),
	    cmocka_unit_test(test_export_shape),
	    cmocka_unit_test(test_codec_roundtrip),
	    cmocka_unit_test(test_recon_retries_and_branches),
	    cmocka_unit_test(test_recon_map_aborts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
