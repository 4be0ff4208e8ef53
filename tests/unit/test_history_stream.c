/*
 * The streaming import of a single {"events": [...]} page (src/history/stream.c) must give
 * exactly what parsing the whole document gives: the same log, the same warnings, the same
 * located errors. The whole-document path is reached by wrapping the page in an array of
 * pages (`[page]`), whose pointers then start with "/0". History format: aws-facts a.1-a.5,
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
#include "history/internal.h"

static bool count_event(void *ctx, const json_t *event, struct ev_yraw *raw, size_t index)
{
	size_t *n = ctx;
	/* Either yajl's record or jansson's object, never both. */
	assert_true(raw ? event == NULL : json_is_object(event));
	assert_int_equal(index, *n);
	(*n)++;
	return true;
}

/* How many events the streaming reader itself delivers; -1 when it gives up. */
static long streamed(const char *page, bool *has_token)
{
	size_t n = 0;
	return hist_stream_page(page, strlen(page), count_event, &n, has_token) ? (long)n : -1;
}

static struct ev_log *import(const char *text, struct diags *d)
{
	return hist_import_text("h.json", text, strlen(text), d);
}

static void expect_same_log(const struct ev_log *a, const struct ev_log *b)
{
	assert_int_equal(ev_log_count(a), ev_log_count(b));
	for (int64_t id = 1; id <= (int64_t)ev_log_count(a); id++) {
		const struct ev *x = ev_log_get(a, id), *y = ev_log_get(b, id);
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->prev, y->prev);
		assert_int_equal(x->t_ms, y->t_ms);
		assert_int_equal(x->item, y->item);
		struct ev_detail dx = ev_detail(a, x), dy = ev_detail(b, y);
		const ev_str_t xs[] = {x->state,	 dx.error,    dx.cause,
				       dx.resource_type, dx.resource, dx.raw_type};
		const ev_str_t ys[] = {y->state,	 dy.error,    dy.cause,
				       dy.resource_type, dy.resource, dy.raw_type};
		for (size_t i = 0; i < 6; i++) {
			const char *s = ev_log_str(a, xs[i]), *t = ev_log_str(b, ys[i]);
			assert_true((!s && !t) || (s && t && strcmp(s, t) == 0));
		}
		json_t *xp = ev_payload(a, x, id), *yp = ev_payload(b, y, id);
		assert_true((!xp && !yp) || json_equal(xp, yp));
		assert_true((!dx.extra && !dy.extra) || json_equal(dx.extra, dy.extra));
	}
}

/* Streamed page vs the same page through the whole-document path. */
static void expect_same_import(const char *page)
{
	char *wrapped = xasprintf("[%s]", page);
	struct diags d1, d2;
	diags_init(&d1);
	diags_init(&d2);
	bool token;
	assert_true(streamed(page, &token) > 0); /* not a silent fallback */
	struct ev_log *a = import(page, &d1), *b = import(wrapped, &d2);
	assert_non_null(a);
	assert_non_null(b);
	expect_same_log(a, b);
	assert_int_equal(d1.list.len, d2.list.len);
	for (size_t i = 0; i < d1.list.len; i++) {
		const struct diag *x = &d1.list.items[i], *y = &d2.list.items[i];
		assert_string_equal(x->message, y->message);
		/* "/events/3/..." streamed, "/0/events/3/..." whole. */
		if (x->pointer)
			assert_string_equal(x->pointer, y->pointer + 2);
	}
	ev_log_free(a);
	ev_log_free(b);
	diags_fini(&d1);
	diags_fini(&d2);
	free(wrapped);
}

#define EV(id, prev, rest)                                                                         \
	"{\"timestamp\": \"2024-05-14T10:15:0" #id ".5+00:00\", \"id\": " #id                      \
	", \"previousEventId\": " #prev ", " rest "}"

static const char *const started =
    EV(1, 0,
       "\"type\": \"ExecutionStarted\", \"executionStartedEventDetails\": {\"input\": "
       "\"{\\\"q\\\":\\\"say \\\\\\\"hi\\\\\\\" \\\\\\\\\\\",\\\"u\\\":\\\"\\\\u00e9\\\"}\", "
       "\"inputDetails\": {\"truncated\": false}, \"roleArn\": \"arn:r\"}");
static const char *const entered = EV(
    2, 1,
    "\"type\": \"PassStateEntered\", \"stateEnteredEventDetails\": {\"name\": \"P \\\"}] \\\\\", "
    "\"input\": \"not json\"}");
static const char *const succeeded =
    EV(3, 2,
       "\"type\": \"ExecutionSucceeded\", \"executionSucceededEventDetails\": {\"output\": "
       "\"[1,{\\\"a\\\":[]}]\", \"outputDetails\": {\"truncated\": true}}");

/* Escaped quotes and backslashes in names and payloads, a raw payload, a truncated one. */
static void test_same_as_whole_document(void **state)
{
	(void)state;
	char *page = xasprintf("{\n  \"events\": [\n    %s,\n    %s,\n    %s\n  ]\n}\n", started,
			       entered, succeeded);
	expect_same_import(page);
	free(page);
	/* Other members before and after, nested values in them, no whitespace at all. */
	page = xasprintf("{\"x\":{\"events\":[{}]},\"events\":[%s,%s,%s],\"y\":[\"]\"]}", started,
			 entered, succeeded);
	expect_same_import(page);
	free(page);
}

/* A page with a nextToken string is not the last one (aws-facts a.1). */
static void test_next_token(void **state)
{
	(void)state;
	const char *const forms[] = {"\"nextToken\": \"abc\"", "\"NextToken\": \"abc\"",
				     "\"nextToken\": null"};
	for (size_t i = 0; i < 3; i++) {
		char *page = xasprintf("{\"events\": [%s], %s}", started, forms[i]);
		struct diags d;
		diags_init(&d);
		bool token = false;
		assert_int_equal(streamed(page, &token), 1);
		assert_true(token == (i < 2));
		struct ev_log *log = import(page, &d);
		assert_non_null(log);
		bool warned = false;
		for (size_t k = 0; k < d.list.len; k++)
			warned = warned || strstr(d.list.items[k].message, "nextToken") != NULL;
		assert_true(warned == (i < 2));
		ev_log_free(log);
		diags_fini(&d);
		free(page);
	}
}

/* Syntax errors anywhere keep jansson's own line and column for the whole text. */
static void test_errors_where_jansson_puts_them(void **state)
{
	(void)state;
	const char *const bad[] = {
	    "{\"events\": [{\"type\": \"ExecutionStarted\", \"id\": 1},\n {\"type\": }]}",
	    "{\"events\": [{\"type\": \"ExecutionStarted\", \"id\": 1}]\n, \"nextToken\": tru}",
	    "{\"events\": [{\"type\": \"ExecutionStarted\", \"id\": 1}]}\n}",
	    "{\"events\": [{\"type\": \"ExecutionStarted\", \"id\": 1}],\n \"events\": [}",
	    "{\"events\": [{\"type\": \"ExecutionStarted\", \"id\": 1}\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_error_t err;
		json_t *v = json_loads(bad[i], 0, &err);
		assert_null(v);
		bool token;
		assert_int_equal(streamed(bad[i], &token), -1);
		struct diags d;
		diags_init(&d);
		assert_null(import(bad[i], &d));
		assert_int_equal(d.errors, 1);
		assert_string_equal(d.list.items[0].code, "invalid-json");
		assert_int_equal(d.list.items[0].line, err.line);
		/* The importer's rule: column 1 when jansson gives none (end of text). */
		assert_int_equal(d.list.items[0].column, err.column > 0 ? err.column : 1);
		diags_fini(&d);
	}
	/* A bad event: located by its pointer, and no event of the page is kept. */
	struct diags d;
	diags_init(&d);
	char *page = xasprintf("{\"events\": [%s, 5]}", started);
	assert_null(import(page, &d));
	assert_string_equal(d.list.items[d.list.len - 1].pointer, "/events/1/");
	free(page);
	diags_fini(&d);
}

/* Duplicate "events" members: jansson keeps the last, and so does the import. */
static void test_duplicate_events_member(void **state)
{
	(void)state;
	char *page =
	    xasprintf("{\"events\": [%s, %s], \"events\": [%s]}", started, entered, started);
	struct diags d;
	diags_init(&d);
	struct ev_log *log = import(page, &d);
	assert_non_null(log);
	assert_int_equal(ev_log_count(log), 1);
	ev_log_free(log);
	diags_fini(&d);
	free(page);
}

/* Indented events (as the AWS CLI prints them) are squeezed before jansson reads them:
 * whitespace inside strings stays, and whitespace that separates two tokens still fails. */
static void test_indented_events(void **state)
{
	(void)state;
	const char *const ev1 =
	    "{\n    \"timestamp\": 1.5,\n    \"type\": \"ExecutionStarted\",\n    \"id\": 1,\n"
	    "    \"previousEventId\": 0,\n    \"executionStartedEventDetails\": {\n"
	    "        \"input\": \"{ \\\"a b\\\" : [ 1 , 2 ] }\",\t\"roleArn\": \"r  \\\"  x\"\r\n"
	    "    }\n}";
	const char *const ev2 = "{\n \"timestamp\": 2, \"type\": \"PassStateEntered\", \"id\": 2,"
				"\n \"previousEventId\": 1, \"stateEnteredEventDetails\": "
				"{\"name\": \"  P  \", \"input\": \"[ ]\"}\n}";
	char *page = xasprintf("{\n  \"events\": [\n    %s,\n    %s\n  ]\n}\n", ev1, ev2);
	expect_same_import(page);
	struct diags d;
	diags_init(&d);
	struct ev_log *log = import(page, &d);
	const struct ev *e1 = ev_log_get(log, 1), *e2 = ev_log_get(log, 2);
	assert_string_equal(json_string_value(e1->payload), "{ \"a b\" : [ 1 , 2 ] }");
	assert_string_equal(ev_log_str(log, e2->state), "  P  ");
	assert_string_equal(json_string_value(json_object_get(ev_extra(log, e1), "roleArn")),
			    "r  \"  x");
	ev_log_free(log);
	diags_fini(&d);
	free(page);
	const char *const bad[] = {
	    "{\"events\": [{\n \"type\": \"ExecutionStarted\", \"id\": 1 2}]}",
	    "{\"events\": [{\n \"type\": \"ExecutionStarted\", \"id\": 1, \"x\": tr ue}]}",
	    "{\"events\": [{\n \"type\": \"ExecutionStarted\", \"id\": - 1}]}",
	    "{\"events\": [{\n \"type\": \"ExecutionStarted\", \"id\": 1, \"x\": 1.\n5}]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_error_t err;
		assert_null(json_loads(bad[i], 0, &err));
		bool token;
		assert_int_equal(streamed(bad[i], &token), -1);
		diags_init(&d);
		assert_null(import(bad[i], &d));
		assert_string_equal(d.list.items[0].code, "invalid-json");
		assert_int_equal(d.list.items[0].line, err.line);
		assert_int_equal(d.list.items[0].column, err.column);
		diags_fini(&d);
	}
}

/* A page big enough to be parsed by two threads: the same log as the whole-document path, and
 * a bad event late in the page is still located by its pointer. */
static void test_big_page(void **state)
{
	(void)state;
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "{\n    \"events\": [\n");
	const size_t n = 3000;
	for (size_t i = 1; i <= n; i++)
		sb_addf(&sb,
			"        {\n            \"timestamp\": %zu,\n            \"type\": "
			"\"PassStateEntered\",\n            \"id\": %zu,\n            "
			"\"previousEventId\": %zu,\n            \"stateEnteredEventDetails\": {\n"
			"                \"name\": \"S%zu\",\n                \"input\": "
			"\"{\\\"i\\\":%zu}\"\n            }\n        }%s\n",
			i, i, i - 1, i % 7, i, i < n ? "," : "");
	sb_add(&sb, "    ]\n}\n");
	char *page = sb_take(&sb);
	bool token;
	assert_int_equal(streamed(page, &token), (long)n);
	expect_same_import(page);
	struct diags d;
	diags_init(&d);
	struct ev_log *log = import(page, &d);
	assert_int_equal(ev_log_count(log), n);
	const struct ev *last = ev_log_get(log, (int64_t)n);
	assert_int_equal(
	    json_integer_value(json_object_get(ev_payload(log, last, (int64_t)n), "i")), (int)n);
	ev_log_free(log);
	diags_fini(&d);
	/* Event 2,900 gets a string id: an error at its pointer, nothing kept. */
	char *bad = strstr(page, "\"id\": 2900,");
	assert_non_null(bad);
	memcpy(bad + 6, "\"29\"", 4);
	diags_init(&d);
	assert_null(import(page, &d));
	assert_string_equal(d.list.items[d.list.len - 1].pointer, "/events/2899/id");
	diags_fini(&d);
	free(page);
}

/* One event of the Map page below: id, prev, type, details (may be empty). */
static void map_ev(struct strbuf *sb, int id, int prev, const char *type, const char *details)
{
	sb_addf(sb,
		"%s{\"timestamp\": \"2024-05-14T10:15:%02d.000Z\", \"id\": %d, "
		"\"previousEventId\": %d, \"type\": \"%s\"%s%s}",
		id > 1 ? ",\n" : "", id, id, prev, type, *details ? ", " : "", details);
}

/* A Map of two iterations; the second one's task is aborted with the iteration (the aborted
 * state belongs to the iteration that MapIterationAborted names, aws-facts a.5). */
static char *map_page(void)
{
	static const char it0[] = "\"mapIterationStartedEventDetails\": {\"name\": \"M\", "
				  "\"index\": 0}";
	static const char it1[] = "\"mapIterationStartedEventDetails\": {\"name\": \"M\", "
				  "\"index\": 1}";
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "{\"events\": [\n");
	map_ev(&sb, 1, 0, "ExecutionStarted", "");
	map_ev(&sb, 2, 1, "MapStateEntered", "\"stateEnteredEventDetails\": {\"name\": \"M\"}");
	map_ev(&sb, 3, 2, "MapStateStarted", "\"mapStateStartedEventDetails\": {\"length\": 2}");
	map_ev(&sb, 4, 3, "MapIterationStarted", it0);
	map_ev(&sb, 5, 3, "MapIterationStarted", it1);
	map_ev(&sb, 6, 4, "TaskStateEntered", "\"stateEnteredEventDetails\": {\"name\": \"T\"}");
	map_ev(&sb, 7, 5, "TaskStateEntered", "\"stateEnteredEventDetails\": {\"name\": \"T\"}");
	map_ev(&sb, 8, 6, "TaskStateExited", "\"stateExitedEventDetails\": {\"name\": \"T\"}");
	map_ev(&sb, 9, 8, "MapIterationSucceeded",
	       "\"mapIterationSucceededEventDetails\": {\"name\": \"M\", \"index\": 0}");
	map_ev(&sb, 10, 7, "TaskStateAborted", "");
	map_ev(&sb, 11, 7, "MapIterationAborted",
	       "\"mapIterationAbortedEventDetails\": {\"name\": \"M\", \"index\": 1}");
	map_ev(&sb, 12, 11, "MapStateFailed", "");
	map_ev(&sb, 13, 12, "ExecutionFailed", "");
	sb_add(&sb, "\n]}\n");
	return sb_take(&sb);
}

/* A page in the usual order is reconstructed while it streams (src/history/import.c); the
 * same page with the order broken at some event (a placeholder time, a gap, a duplicate id,
 * a link forward) is reconstructed afterwards. Either way: what the whole-document path gives. */
static void test_live_reconstruction(void **state)
{
	(void)state;
	char *page = map_page();
	expect_same_import(page);
	struct diags d;
	diags_init(&d);
	struct ev_log *log = import(page, &d);
	assert_non_null(log);
	/* Iteration 1's task events are its own, the aborted state found through the next
	 * event, the Map's closing events are outside any iteration. */
	assert_int_equal(ev_log_get(log, 7)->item, 1);
	assert_int_equal(ev_log_get(log, 10)->item, 1);
	assert_string_equal(ev_log_str(log, ev_log_get(log, 10)->state), "T");
	assert_int_equal(ev_log_get(log, 8)->item, 0);
	assert_int_equal(ev_log_get(log, 12)->item, -1);
	assert_int_equal(ev_log_get(log, 13)->t_ms, 12000);
	ev_log_free(log);
	diags_fini(&d);
	static const char *const breaks[][2] = {
	    {"\"2024-05-14T10:15:09.000Z\"", "\"timestamp\""},
	    {"\"id\": 12,", "\"id\": 14,"},
	    {"\"id\": 8,", "\"id\": 9,"},
	    {"\"id\": 9,", "\"id\": 8,"},
	    {"\"previousEventId\": 11,", "\"previousEventId\": 12,"},
	};
	for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
		char *p = map_page();
		/* Replaced in place, padded with spaces (whitespace between tokens). */
		char *at = strstr(p, breaks[i][0]);
		assert_non_null(at);
		size_t n = strlen(breaks[i][0]), m = strlen(breaks[i][1]);
		assert_true(m <= n);
		memset(at, ' ', n);
		memcpy(at, breaks[i][1], m);
		expect_same_import(p);
		free(p);
	}
	free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_as_whole_document),
	    cmocka_unit_test(test_next_token),
	    cmocka_unit_test(test_errors_where_jansson_puts_them),
	    cmocka_unit_test(test_duplicate_events_member),
	    cmocka_unit_test(test_indented_events),
	    cmocka_unit_test(test_big_page),
	    cmocka_unit_test(test_live_reconstruction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
