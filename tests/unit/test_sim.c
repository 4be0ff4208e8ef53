/* Unit tests of the simulator's core pieces: the work queue, retry delays, error matching,
 * resource splitting, timestamps and the mock-config reader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sim/internal.h"

static void test_queue_order(void **state)
{
	(void)state;
	struct simq q;
	simq_init(&q);
	struct rng r;
	rng_seed(&r, 7);
	for (int i = 0; i < 5000; i++)
		simq_push(&q, (int64_t)rng_below(&r, 100), i, NULL, 0);
	struct simq_item prev = {.t = -1}, it;
	size_t n = 0;
	while (simq_pop(&q, &it)) {
		/* (time, sequence) order: ties keep the order they were pushed in (act = i). */
		assert_true(it.t > prev.t || (it.t == prev.t && it.act > prev.act));
		prev = it;
		n++;
	}
	assert_int_equal(n, 5000);
	assert_false(simq_peek(&q, &it));
	simq_fini(&q);
}

static void test_queue_fifo_same_time(void **state)
{
	(void)state;
	struct simq q;
	simq_init(&q);
	for (int i = 0; i < 100; i++)
		simq_push(&q, 10, i, NULL, 0);
	simq_push(&q, 5, 999, NULL, 0);
	struct simq_item it;
	assert_true(simq_pop(&q, &it));
	assert_int_equal(it.act, 999);
	for (int i = 0; i < 100; i++) {
		assert_true(simq_pop(&q, &it));
		assert_int_equal(it.act, i);
	}
	assert_false(simq_pop(&q, &it));
	simq_fini(&q);
}

/* One instant's work pushed to while it is being popped (work scheduled for the same instant,
 * the bucket full while half consumed): first in, first out, and `soon`, when given, is the
 * target of the item SIMQ_AHEAD places after the one popped. */
static void test_queue_refill_while_popping(void **state)
{
	(void)state;
	enum { N = 1000 };
	static char targets[2 * N];
	struct simq q;
	simq_init(&q);
	int pushed = 0, popped = 0, soon_seen = 0;
	for (; pushed < N; pushed++)
		simq_push(&q, 10, pushed, &targets[pushed], 0);
	struct simq_item it;
	while (simq_pop(&q, &it)) {
		assert_int_equal(it.t, 10);
		assert_int_equal(it.act, popped);
		assert_ptr_equal(it.target, &targets[popped]);
		if (it.soon) {
			assert_ptr_equal(it.soon, &targets[popped + SIMQ_AHEAD]);
			soon_seen++;
		}
		popped++;
		if (popped % 2 == 0 && pushed < 2 * N) { /* one more for now, every other pop */
			simq_push(&q, 10, pushed, &targets[pushed], 0);
			pushed++;
		}
		assert_int_equal(simq_len(&q), (size_t)(pushed - popped));
	}
	assert_int_equal(popped, pushed);
	assert_true(pushed > N + N / 2);
	/* given unless fewer than SIMQ_AHEAD items were left (one pushed every other pop) */
	assert_true(soon_seen >= popped - 2 * SIMQ_AHEAD);
	simq_fini(&q);
}

/* Pushes and pops interleaved over many distinct times (buckets made, emptied, reused and
 * found again through the time table): every pop is the least (time, sequence) queued. */
static void test_queue_interleaved(void **state)
{
	(void)state;
	struct simq q;
	simq_init(&q);
	struct rng r;
	rng_seed(&r, 11);
	enum { MAX = 4000 };
	struct simq_item *ref = xcalloc(MAX, sizeof(*ref));
	size_t n = 0;
	int64_t now = 0;
	for (int step = 0; step < 40000; step++) {
		if (n < MAX && (n == 0 || rng_below(&r, 100) < 55)) {
			int64_t t = now + (int64_t)rng_below(&r, 300);
			simq_push(&q, t, step, NULL, 0);
			ref[n++] = (struct simq_item){.t = t, .act = step};
			continue;
		}
		size_t best = 0;
		for (size_t i = 1; i < n; i++)
			if (ref[i].t < ref[best].t ||
			    (ref[i].t == ref[best].t && ref[i].act < ref[best].act))
				best = i;
		struct simq_item peek;
		assert_true(simq_peek(&q, &peek));
		assert_int_equal(peek.act, ref[best].act);
		assert_int_equal(peek.t, ref[best].t);
		struct simq_item it;
		assert_true(simq_pop(&q, &it));
		assert_int_equal(it.t, ref[best].t);
		assert_int_equal(it.act, ref[best].act);
		now = it.t;
		ref[best] = ref[--n];
		assert_int_equal(simq_len(&q), n);
	}
	free(ref);
	simq_fini(&q);
}

/* https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html:
 * IntervalSeconds 3, BackoffRate 1.5, MaxAttempts 2 → waits 3 s, then 4.5 s. */
static void test_retry_delay_docs_example(void **state)
{
	(void)state;
	struct asl_retrier r = {.interval_seconds = 3, .max_attempts = 2, .backoff_rate = 1.5};
	assert_int_equal(sim_retry_delay_ms(&r, 1, NULL), 3000);
	assert_int_equal(sim_retry_delay_ms(&r, 2, NULL), 4500);
	/* The defaults: 1 s, rate 2.0 → 1, 2, 4 s. */
	struct asl_retrier d = {.interval_seconds = 1, .max_attempts = 3, .backoff_rate = 2.0};
	assert_int_equal(sim_retry_delay_ms(&d, 3, NULL), 4000);
}

static void test_retry_delay_cap_and_jitter(void **state)
{
	(void)state;
	struct asl_retrier r = {
	    .interval_seconds = 2, .max_attempts = 10, .backoff_rate = 3, .max_delay_seconds = 10};
	assert_int_equal(sim_retry_delay_ms(&r, 1, NULL), 2000);
	assert_int_equal(sim_retry_delay_ms(&r, 2, NULL), 6000);
	assert_int_equal(sim_retry_delay_ms(&r, 3, NULL), 10000); /* 18 s capped */
	assert_int_equal(sim_retry_delay_ms(&r, 9, NULL), 10000);
	r.jitter_full = true;
	struct rng g;
	rng_seed(&g, 42);
	int64_t lo = INT64_MAX, hi = 0;
	for (int i = 0; i < 2000; i++) {
		int64_t d = sim_retry_delay_ms(&r, 5, &g);
		assert_true(d >= 0 && d <= 10000); /* FULL: uniform in [0, capped] */
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	assert_true(lo < 1000 && hi > 9000); /* it really spreads */
	/* Same seed, same delays. */
	struct rng a, b;
	rng_seed(&a, 3);
	rng_seed(&b, 3);
	assert_int_equal(sim_retry_delay_ms(&r, 2, &a), sim_retry_delay_ms(&r, 2, &b));
}

static void test_error_matching(void **state)
{
	(void)state;
	const char *all[] = {"States.ALL"};
	const char *tf[] = {"States.TaskFailed"};
	const char *named[] = {"ErrorA", "ErrorB"};
	const char *rt[] = {"States.Runtime"};
	assert_true(sim_error_matches(all, 1, "Lambda.ServiceException"));
	assert_true(sim_error_matches(all, 1, "States.Timeout"));
	assert_false(sim_error_matches(all, 1, "States.Runtime")); /* never caught */
	assert_false(sim_error_matches(rt, 1, "States.Runtime"));
	assert_true(sim_error_matches(tf, 1, "Exception"));
	assert_false(sim_error_matches(tf, 1, "States.Timeout")); /* b.8 */
	assert_true(sim_error_matches(named, 2, "ErrorB"));
	assert_false(sim_error_matches(named, 2, "ErrorC"));
	const char *typo[] = {"State.ALL"};
	assert_false(sim_error_matches(typo, 1, "HandleItemFailError"));
}

static void check_split(const char *arn, const char *type, const char *res)
{
	char *t = NULL, *r = NULL;
	assert_true(sim_split_resource(arn, &t, &r));
	assert_string_equal(t, type);
	assert_string_equal(r, res);
	free(t);
	free(r);
}

/* aws-facts a.4: resourceType / resource. */
static void test_split_resource(void **state)
{
	(void)state;
	check_split("arn:aws:states:::lambda:invoke", "lambda", "invoke");
	check_split("arn:aws:states:::sqs:sendMessage.waitForTaskToken", "sqs",
		    "sendMessage.waitForTaskToken");
	check_split("arn:aws:states:::states:startExecution.sync:2", "states",
		    "startExecution.sync:2");
	check_split("arn:aws:states:::aws-sdk:dynamodb:getItem", "aws-sdk:dynamodb", "getItem");
	char *t, *r;
	assert_false(sim_split_resource("arn:aws:lambda:us-east-1:1:function:f", &t, &r));
}

static void test_timestamps(void **state)
{
	(void)state;
	int64_t ms;
	assert_true(sim_parse_timestamp("2024-05-14T10:15:00Z", &ms));
	assert_int_equal(ms, 1715681700000LL);
	assert_true(sim_parse_timestamp("2024-05-14T12:15:00.5+02:00", &ms));
	assert_int_equal(ms, 1715681700500LL);
	assert_true(sim_parse_timestamp("2016-03-14T01:59:00.123456789Z", &ms));
	assert_false(sim_parse_timestamp("2016-12-05T21:29:29", &ms));	/* no zone */
	assert_false(sim_parse_timestamp("2016-12-05 21:29:29Z", &ms)); /* space */
	assert_false(sim_parse_timestamp("2016-02-30T21:29:29Z", &ms)); /* no such day */
	assert_false(sim_parse_timestamp("2016-12-05t21:29:29Z", &ms));
	char buf[40];
	sim_format_timestamp(1715681700123LL, buf, sizeof(buf));
	assert_string_equal(buf, "2024-05-14T10:15:00.123Z");
}

static const char mock_doc[] =
    "{\"StateMachines\": {\"M\": {\"TestCases\": {\"Happy\": {\"Call\": \"Ok\"},"
    " \"Sad\": {\"Call\": \"Flaky\"}}}},"
    " \"MockedResponses\": {"
    "  \"Ok\": {\"0\": {\"Return\": {\"StatusCode\": 200, \"Payload\": 1}}},"
    "  \"Flaky\": {\"0-1\": {\"Throw\": {\"Error\": \"Lambda.ServiceException\","
    " \"Cause\": \"boom\"}}, \"2\": {\"Return\": null}}}}";

static void test_mock_parse(void **state)
{
	(void)state;
	json_t *doc = json_loads(mock_doc, 0, NULL);
	assert_non_null(doc);
	struct diags d;
	diags_init(&d);
	struct sim_mock *m = sim_mock_from_json(doc, "m.json", NULL, "Sad", &d);
	assert_non_null(m);
	assert_int_equal(d.errors, 0);
	json_t *ret = NULL;
	const char *err = NULL, *cause = NULL;
	assert_int_equal(sim_mock_lookup(m, "Call", 0, &ret, &err, &cause), SIM_MOCK_THROW);
	assert_string_equal(err, "Lambda.ServiceException");
	assert_string_equal(cause, "boom");
	assert_int_equal(sim_mock_lookup(m, "Call", 1, &ret, &err, &cause), SIM_MOCK_THROW);
	assert_int_equal(sim_mock_lookup(m, "Call", 2, &ret, &err, &cause), SIM_MOCK_RETURN);
	assert_true(json_is_null(ret));
	assert_int_equal(sim_mock_lookup(m, "Call", 3, &ret, &err, &cause), SIM_MOCK_UNCOVERED);
	assert_int_equal(sim_mock_lookup(m, "Other", 0, &ret, &err, &cause), SIM_MOCK_NONE);
	sim_mock_free(m);

	/* Two test cases and none named: a located error. */
	assert_null(sim_mock_from_json(doc, "m.json", NULL, NULL, &d));
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.list.items[0].pointer, "/StateMachines/M/TestCases");
	assert_null(sim_mock_from_json(doc, "m.json", "Nope", "Happy", &d));
	assert_int_equal(d.errors, 2);
	diags_fini(&d);
	json_decref(doc);
}

static void test_mock_errors(void **state)
{
	(void)state;
	const char *bad =
	    "{\"StateMachines\": {\"M\": {\"TestCases\": {\"T\": {\"A\": \"R\", \"B\": "
	    "\"Gone\"}}}},"
	    " \"MockedResponses\": {\"R\": {\"x\": {\"Return\": 1}, \"3-1\": {\"Return\": 1},"
	    " \"0\": {\"Return\": 1, \"Throw\": {\"Error\": \"E\"}}, \"1\": {\"Throw\": {}}}}}";
	json_t *doc = json_loads(bad, 0, NULL);
	assert_non_null(doc);
	struct diags d;
	diags_init(&d);
	assert_null(sim_mock_from_json(doc, "bad.json", NULL, NULL, &d));
	/* Every problem is reported, each with its JSON pointer. */
	assert_int_equal(d.errors, 5);
	bool saw_gone = false, saw_range = false;
	for (size_t i = 0; i < d.list.len; i++) {
		const struct diag *g = &d.list.items[i];
		assert_non_null(g->pointer);
		if (strcmp(g->pointer, "/StateMachines/M/TestCases/T/B") == 0)
			saw_gone = true;
		if (strcmp(g->pointer, "/MockedResponses/R/3-1") == 0)
			saw_range = true;
	}
	assert_true(saw_gone && saw_range);
	diags_fini(&d);
	json_decref(doc);

	diags_init(&d);
	assert_null(sim_mock_load("no/such/file.json", NULL, NULL, &d));
	assert_int_equal(d.errors, 1);
	diags_fini(&d);
}

/* The payload size walker agrees with jansson's compact serialization byte for byte. */
static void test_json_size(void **state)
{
	(void)state;
	const char *docs[] = {
	    "null",
	    "true",
	    "false",
	    "0",
	    "-123456789012",
	    "9",
	    "10",
	    "-1",
	    "-10",
	    "9223372036854775807",
	    "-9223372036854775808",
	    "1.5",
	    "1e300",
	    "\"\"",
	    /* long strings: the escapes are found eight bytes at a time */
	    "\"abcdefghijklmnopqrstuvwxyz0123456789\"",
	    "\"abcdefghijklmnopq\\\"rstuvwxyz\"",
	    "\"abcdefghijklmnopq\\u0001rstuvwxyz\\u001f\"",
	    "\"abcdefgh\\\\ijklmnop\\nqrstuvwx\\u007f\u00e9\u4e2dabcdefghijk\"",
	    "\"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9 !#$%&'()*+,-./0123456789\"",
	    "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f/\u00e9\u4e2d\"",
	    "[]",
	    "{}",
	    "[1,[2,[3,{}]],\"x\"]",
	    "{\"k\\\"ey\": {\"a\": [true, false, null, 0.1, -2]}, \"b\": \"\\u007f\"}",
	};
	for (size_t i = 0; i < ARRAY_LEN(docs); i++) {
		json_t *v = json_loads(docs[i], JSON_DECODE_ANY, NULL);
		assert_non_null(v);
		char *text = flow_json_text(v);
		assert_int_equal(flow_json_size(v), strlen(text));
		free(text);
		json_decref(v);
	}
	/* The limit: 262,144 bytes exactly is allowed, one more is not. */
	char *s = xmalloc(FLOW_PAYLOAD_LIMIT);
	memset(s, 'x', FLOW_PAYLOAD_LIMIT - 2);
	s[FLOW_PAYLOAD_LIMIT - 2] = '\0';
	json_t *v = json_string(s);
	assert_false(flow_exceeds_limit(v));
	json_t *a = json_pack("[O]", v);
	assert_true(flow_exceeds_limit(a));
	json_decref(a);
	json_decref(v);
	free(s);
}

/* The lambda:invoke envelope reports its own compact size (the payload limit check trusts it):
 * it must equal flow_json_size for any payload, request id and Date. */
/* An engine on a one-Pass machine, for calling the services directly. */
struct bare {
	struct diags d;
	struct asl_machine *m;
	struct ev_log *log;
	struct sim_engine *e;
};

static void bare_init(struct bare *b)
{
	static const char def[] = "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": "
				  "\"Pass\", \"End\": true}}}";
	diags_init(&b->d);
	b->m = asl_load_text("m.json", def, strlen(def), NULL, &b->d);
	assert_non_null(b->m);
	b->log = ev_log_new();
	b->e = sim_new(b->m, NULL, NULL, b->log, &b->d);
	assert_non_null(b->e);
}

static void bare_fini(struct bare *b)
{
	sim_free(b->e);
	ev_log_free(b->log);
	asl_machine_free(b->m);
	diags_fini(&b->d);
}

static void test_envelope_size(void **state)
{
	struct bare b;
	bare_init(&b);
	struct sim_engine *e = b.e;
	struct rng r;
	rng_seed(&r, 7);
	struct sim_call call = {
	    .state = "T", .resource = "arn:aws:states:::lambda:invoke", .rng = &r};
	const char *payloads[] = {"null", "{\"a\": [1, 2.5, \"x\\\"y\"]}", "\"\\u0001\u00e9\"",
				  "[]", "12345678901"};
	static const unsigned char id1[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x4d, 0xef,
					      0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
	static const unsigned char id2[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x4f, 0xff,
					      0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const unsigned char *ids[] = {NULL, id1, id2};
	for (size_t i = 0; i < ARRAY_LEN(payloads); i++) {
		for (size_t j = 0; j < ARRAY_LEN(ids); j++) {
			json_t *p = json_loads(payloads[i], JSON_DECODE_ANY, NULL);
			assert_non_null(p);
			call.now_ms = (int64_t)(i * 1000 + j * 1500); /* other Dates */
			size_t size = 0;
			json_t *env = sim_invoke_envelope(e, &call, p, 120, ids[j], &size);
			assert_int_equal(size, flow_json_size(env));
			json_decref(env);
		}
	}
	bare_fini(&b);
}

/* A dead result's envelope kept as a recipe (service.c, ev_log_append_made) is, once made, the
 * envelope built whole for the same request id and Date, and its reported size is its text's
 * length. Lambda's invoke response:
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html */
static void test_envelope_recipe(void **state)
{
	struct bare b;
	bare_init(&b);
	struct sim_engine *e = b.e;
	struct ev_log *log = b.log;
	struct rng r1, r2;
	rng_seed(&r1, 11);
	rng_seed(&r2, 11);
	struct sim_call call = {
	    .state = "T", .resource = "arn:aws:states:::lambda:invoke", .rng = &r1};
	/* Dates across a second, a day and a year boundary. */
	const int64_t now[] = {0, 999, 1000, 86399999, 31535999500};
	for (size_t i = 0; i < ARRAY_LEN(now); i++) {
		call.now_ms = now[i];
		call.rng = &r1;
		size_t made_size = 0, size = 0;
		e->want_made = true;
		e->made = false;
		assert_null(sim_invoke_envelope(e, &call, json_null(), 250, NULL, &made_size));
		assert_true(e->made);
		struct sim_envelope recipe = e->made_env;
		e->want_made = e->made = false;
		call.rng = &r2; /* the same request id, built whole */
		json_t *whole = sim_invoke_envelope(e, &call, json_null(), 250, NULL, &size);
		assert_non_null(whole);
		struct strbuf sb;
		sb_init(&sb);
		sim_envelope_maker.write(&recipe, &sb);
		char *text = json_dumps(whole, JSON_COMPACT);
		assert_string_equal(sb.data, text);
		assert_int_equal(made_size, sb.len);
		assert_int_equal(size, sb.len);
		free(text);
		sb_fini(&sb);
		/* Appended as a recipe, ev_payload reads the same value. */
		struct ev ev = {.type = EV_TaskSucceeded, .item = -1};
		int64_t id = ev_log_append_made(log, &ev, &sim_envelope_maker, &recipe);
		assert_true(json_equal(ev_payload(log, ev_log_get(log, id), id), whole));
		json_decref(whole);
	}
	bare_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_queue_order),
	    cmocka_unit_test(test_queue_fifo_same_time),
	    cmocka_unit_test(test_queue_interleaved),
	    cmocka_unit_test(test_queue_refill_while_popping),
	    cmocka_unit_test(test_retry_delay_docs_example),
	    cmocka_unit_test(test_retry_delay_cap_and_jitter),
	    cmocka_unit_test(test_error_matching),
	    cmocka_unit_test(test_split_resource),
	    cmocka_unit_test(test_timestamps),
	    cmocka_unit_test(test_mock_parse),
	    cmocka_unit_test(test_mock_errors),
	    cmocka_unit_test(test_json_size),
	    cmocka_unit_test(test_envelope_size),
	    cmocka_unit_test(test_envelope_recipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
