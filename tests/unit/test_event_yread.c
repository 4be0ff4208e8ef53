/*
 * The yajl event reader (src/event/yread.c) against jansson + ev_from_json_lazy: an event it
 * reads must give the very same record (fields, interned strings, payload text, extra with its
 * member order, timestamp); an event it is unsure of must be left to jansson (false), and the
 * common shapes must not be (or the fast path would silently never run). History event format:
 * aws-facts a.2-a.4,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
#include "event/event.h"

static char *dump(const json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}

static void expect_same_str(const struct ev_log *a, ev_str_t x, const struct ev_log *b, ev_str_t y)
{
	const char *s = ev_log_str(a, x), *t = ev_log_str(b, y);
	assert_true((!s && !t) || (s && t && strcmp(s, t) == 0));
}

/* Dumped in member order: the same text means the same values in the same order. */
static void expect_same_json(const json_t *x, const json_t *y)
{
	char *s = dump(x), *t = dump(y);
	assert_true((!s && !t) || (s && t && strcmp(s, t) == 0));
	free(s);
	free(t);
}

/* Reads text both ways with reader r; true when yajl read it (and then it matched jansson
 * exactly). */
static bool fast_with(struct ev_yreader *r, const char *text)
{
	struct ev_yraw raw;
	bool ok = ev_yread(r, text, strlen(text), &raw);
	if (ok) {
		struct ev_log *la = ev_log_new(), *lb = ev_log_new();
		struct ev a, b;
		struct ev_json_info ia, ib;
		ev_yraw_finish(la, &raw, &a, &ia);
		json_t *obj = json_loads(text, JSON_DECODE_ANY, NULL);
		assert_non_null(obj);
		struct diags d;
		diags_init(&d);
		assert_true(ev_from_json_lazy(lb, obj, &b, &ib, &d, "f", "/events/0"));
		assert_int_equal(d.list.len, 0);
		assert_int_equal(a.prev, b.prev);
		assert_true(ia.id == ib.id && ia.prev == ib.prev);
		assert_int_equal(a.type, b.type);
		assert_int_equal(a.item, b.item);
		expect_same_str(la, a.state, lb, b.state);
		struct ev_detail da = ev_detail(la, &a), db = ev_detail(lb, &b);
		expect_same_str(la, da.error, lb, db.error);
		expect_same_str(la, da.cause, lb, db.cause);
		expect_same_str(la, da.resource_type, lb, db.resource_type);
		expect_same_str(la, da.resource, lb, db.resource);
		expect_same_str(la, da.raw_type, lb, db.raw_type);
		expect_same_json(a.payload, b.payload);
		expect_same_json(da.extra, db.extra);
		assert_int_equal(ia.has_time, ib.has_time);
		assert_int_equal(ia.payload_text, ib.payload_text);
		if (ia.has_time)
			assert_int_equal(ia.epoch_ms, ib.epoch_ms);
		ev_log_append_text(la, &a);
		ev_log_append_text(lb, &b);
		json_decref(obj);
		diags_fini(&d);
		ev_log_free(la);
		ev_log_free(lb);
	}
	return ok;
}

static bool fast(const char *text)
{
	struct ev_yreader *r = ev_yreader_new();
	bool ok = fast_with(r, text);
	ev_yreader_free(r);
	return ok;
}

#define EV(rest)                                                                                   \
	"{\"timestamp\":\"2024-05-14T10:15:01.512Z\",\"id\":5,\"previousEventId\":4," rest "}"

static void test_common_shapes_are_fast(void **state)
{
	(void)state;
	assert_true(fast(EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":"
			    "{\"name\":\"P\",\"input\":\"{\\\"a\\\":[1,2]}\","
			    "\"inputDetails\":{\"truncated\":false}}")));
	assert_true(fast(EV("\"type\":\"TaskScheduled\",\"taskScheduledEventDetails\":"
			    "{\"resourceType\":\"lambda\",\"resource\":\"invoke\",\"region\":"
			    "\"us-east-1\",\"parameters\":\"{}\",\"timeoutInSeconds\":60}")));
	assert_true(fast(EV("\"type\":\"TaskFailed\",\"taskFailedEventDetails\":{\"error\":\"E\","
			    "\"cause\":\"{\\\"m\\\":\\\"x\\\\ny\\\"}\",\"resourceType\":\"lambda\","
			    "\"resource\":\"invoke\"}")));
	assert_true(fast(EV("\"type\":\"MapIterationStarted\",\"mapIterationStartedEventDetails\":"
			    "{\"name\":\"M\",\"index\":7}")));
	assert_true(fast(EV("\"type\":\"MapStateSucceeded\"")));
	/* Pretty-printed as the AWS CLI prints it. */
	assert_true(
	    fast("{\n    \"timestamp\": \"2024-05-14T10:15:01+02:00\",\n    \"type\": "
		 "\"ExecutionStarted\",\n    \"id\": 1,\n    \"previousEventId\": 0,\n    "
		 "\"executionStartedEventDetails\": {\n        \"input\": \"{}\",\n        "
		 "\"inputDetails\": {\n            \"truncated\": false\n        },\n        "
		 "\"roleArn\": \"arn:aws:iam::1:role/r\"\n    }\n}"));
}

static void test_rare_shapes_match(void **state)
{
	(void)state;
	/* Unknown types keep every other member in extra, in order. */
	assert_true(fast("{\"type\":\"FutureEvent\",\"z\":[1,{\"a\":null,\"a\":true}],\"id\":3,"
			 "\"b\":{\"c\":\"d\"},\"previousEventId\":null}"));
	/* Unknown detail members, untruncated details without a payload, "" typed values. */
	assert_true(
	    fast(EV("\"type\":\"PassStateExited\",\"stateExitedEventDetails\":{\"name\":\"\","
		    "\"outputDetails\":{\"truncated\":false},\"assignedVariables\":{\"v\":"
		    "\"1\"},\"assignedVariablesDetails\":{\"truncated\":false},\"n\":-0}")));
	/* The payload after its details; an index beyond int32 stays in extra. */
	assert_true(fast(EV("\"type\":\"MapIterationFailed\",\"mapIterationFailedEventDetails\":"
			    "{\"name\":\"M\",\"index\":2147483648}")));
	assert_true(fast(EV("\"type\":\"TaskSucceeded\",\"taskSucceededEventDetails\":"
			    "{\"outputDetails\":{\"truncated\":false},\"output\":\"[1]\"}")));
	/* Escapes and UTF-8 both parsers read alike; escaped typed strings are copied. */
	assert_true(fast(EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"name\":"
			    "\"caf\\u00e9 \xc3\xa9 \\\"q\\\" \xf0\x9f\x98\x80\"}")));
	/* Timestamps: epoch seconds, placeholders, null. */
	assert_true(fast("{\"timestamp\":1715681702,\"type\":\"PassStateEntered\",\"id\":2}"));
	assert_true(fast("{\"timestamp\":\"timestamp\",\"type\":\"PassStateEntered\",\"id\":2}"));
	assert_true(fast("{\"timestamp\":null,\"type\":\"PassStateEntered\",\"id\":2}"));
	/* Details that are not an object are ignored, as is another type's details. */
	assert_true(fast(EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":[1]")));
	assert_true(fast(EV("\"type\":\"PassStateEntered\",\"taskFailedEventDetails\":{\"x\":1}")));
}

static void test_unsure_is_left_to_jansson(void **state)
{
	(void)state;
	static const char *const unsure[] = {
	    /* syntax errors and other shapes */
	    "{\"type\":\"PassStateEntered\",\"id\":2",
	    "[1]",
	    "{\"type\":\"X\",\"id\":1}{}",
	    "{\"type\":\"PassStateEntered\",\"id\":02}",
	    /* numbers jansson refuses or reads its own way */
	    EV("\"type\":\"MapStateStarted\",\"mapStateStartedEventDetails\":{\"length\":"
	       "1234567890123456789}"),
	    EV("\"type\":\"MapStateStarted\",\"mapStateStartedEventDetails\":{\"length\":1.5}"),
	    "{\"timestamp\":1715681702.5,\"type\":\"PassStateEntered\",\"id\":2}",
	    "{\"timestamp\":999999999999999999,\"type\":\"PassStateEntered\",\"id\":2}",
	    /* escapes jansson refuses or yajl decodes its own way */
	    EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"name\":"
	       "\"a\\u0000\"}"),
	    EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"name\":\"\\ud800\"}"),
	    EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"name\":"
	       "\"\\ud83d\\u0041\"}"),
	    EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"name\":\"\\udc00\"}"),
	    /* UTF-8 jansson refuses: overlong, a surrogate, beyond U+10FFFF */
	    EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"name\":"
	       "\"\xc0\x80\"}"),
	    EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"name\":"
	       "\"\xed\xa0\x80\"}"),
	    EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"name\":"
	       "\"\xf4\x90\x80\x80\"}"),
	    /* duplicates, members before the type, odd ids and types */
	    EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"name\":\"A\","
	       "\"name\":\"B\"}"),
	    "{\"id\":1,\"id\":2,\"type\":\"PassStateEntered\"}",
	    "{\"stateEnteredEventDetails\":{},\"type\":\"PassStateEntered\",\"id\":2}",
	    "{\"type\":\"PassStateEntered\",\"id\":0}",
	    "{\"type\":\"PassStateEntered\",\"id\":\"2\"}",
	    "{\"type\":\"PassStateEntered\"}",
	    "{\"type\":7,\"id\":2}",
	    "{\"type\":\"PassStateEntered\",\"id\":2,\"previousEventId\":\"1\"}",
	    /* what ev_from_json_lazy warns about, or parses eagerly */
	    EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"input\":\"{\","
	       "\"inputDetails\":{\"truncated\":true}}"),
	    EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"input\":\"x\"}"),
	    EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"input\":"
	       "\"[123456789012345678901]\"}"),
	    EV("\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"inputDetails\":"
	       "{\"truncated\":false,\"x\":1}}"),
	};
	for (size_t i = 0; i < sizeof(unsure) / sizeof(unsure[0]); i++) {
		if (fast(unsure[i]))
			fail_msg("read by yajl: %s", unsure[i]);
	}
}

/* One reader remembers the date of the last timestamp: later ones of that date must still read
 * exactly as time_parse reads them, valid or not. */
static void test_timestamps_share_a_reader(void **state)
{
	(void)state;
	static const char *const stamps[] = {
	    "2024-05-14T10:15:01.512Z",	    "2024-05-14T10:15:01.512000+00:00",
	    "2024-05-14T23:59:60Z",	    "2024-05-14T24:00:00Z",
	    "2024-05-14T10:60:00Z",	    "2024-05-14T10:15:01.1234567891Z",
	    "2024-05-14T10:15:01.Z",	    "2024-05-14T10:15:01+02:00",
	    "2024-05-14T10:15:01z",	    "2024-05-14T10:15:01",
	    "2024-05-14T10:15:01.5+00:00x", "2024-05-14T1:15:01.512Z",
	    "2024-05-15T00:00:00.001Z",	    "2024-05-14 10:15:01,25Z",
	    "2024-02-30T10:15:01Z",	    "2024-05-14T10:15:01.000000001Z",
	};
	struct ev_yreader *r = ev_yreader_new();
	for (size_t i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		char *text = xasprintf(
		    "{\"timestamp\":\"%s\",\"type\":\"PassStateEntered\",\"id\":2}", stamps[i]);
		if (!fast_with(r, text))
			fail_msg("not read by yajl: %s", text);
		free(text);
	}
	ev_yreader_free(r);
}

/* Reads text with yajl (it must be sure of it) and with jansson: both give the recorded ids in
 * info and prev in the record, only when it fits int32_t (else 0). */
static void expect_ids(const char *text, int64_t id, int64_t prev, int32_t rec_prev)
{
	assert_true(fast(text));
	struct ev_yreader *r = ev_yreader_new();
	struct ev_yraw raw;
	assert_true(ev_yread(r, text, strlen(text), &raw));
	struct ev_log *log = ev_log_new();
	struct ev e;
	struct ev_json_info info;
	ev_yraw_finish(log, &raw, &e, &info);
	assert_true(info.id == id && info.prev == prev);
	assert_true(e.prev == rec_prev);
	json_t *obj = json_loads(text, 0, NULL);
	struct diags d;
	diags_init(&d);
	assert_true(ev_from_json(log, obj, &e, &info, &d, "f", "/events/0"));
	assert_true(info.id == id && info.prev == prev);
	assert_true(e.prev == rec_prev);
	json_decref(obj);
	diags_fini(&d);
	ev_log_free(log);
	ev_yreader_free(r);
}

/* A hostile or odd history may carry ids and links no log holds (struct ev keeps int32_t):
 * the readers keep them as recorded for the import, which warns and renumbers by them. */
static void test_wide_ids(void **state)
{
	(void)state;
	expect_ids("{\"type\":\"PassStateEntered\",\"id\":2147483647,\"previousEventId\":"
		   "-2147483648}",
		   INT32_MAX, INT32_MIN, INT32_MIN);
	expect_ids("{\"type\":\"PassStateEntered\",\"id\":2147483648,\"previousEventId\":"
		   "2147483648}",
		   2147483648LL, 2147483648LL, 0);
	expect_ids("{\"type\":\"PassStateEntered\",\"id\":4294967298,\"previousEventId\":"
		   "-2147483649}",
		   4294967298LL, -2147483649LL, 0);
	expect_ids("{\"type\":\"PassStateEntered\",\"id\":999999999999999999,"
		   "\"previousEventId\":4294967297}",
		   999999999999999999LL, 4294967297LL, 0);
	expect_ids("{\"type\":\"PassStateEntered\",\"id\":3,\"previousEventId\":null}", 3, 0, 0);
	/* Past 18 digits yajl leaves the event to jansson, which reads any int64_t. */
	const char *big = "{\"type\":\"PassStateEntered\",\"id\":9223372036854775807,"
			  "\"previousEventId\":-9223372036854775808}";
	assert_false(fast(big));
	struct ev_log *log = ev_log_new();
	json_t *obj = json_loads(big, 0, NULL);
	struct ev e;
	struct ev_json_info info;
	struct diags d;
	diags_init(&d);
	assert_true(ev_from_json(log, obj, &e, &info, &d, "f", "/events/0"));
	assert_true(info.id == INT64_MAX && info.prev == INT64_MIN && e.prev == 0);
	json_decref(obj);
	diags_fini(&d);
	ev_log_free(log);
}

/* One reader goes on after giving up (its yajl handle is made afresh). */
static void test_reader_recovers(void **state)
{
	(void)state;
	struct ev_yreader *r = ev_yreader_new();
	struct ev_yraw raw;
	const char *good = "{\"type\":\"PassStateEntered\",\"id\":2}";
	const char *bad = "{\"type\":\"PassStateEntered\",\"id\":";
	assert_true(ev_yread(r, good, strlen(good), &raw));
	ev_yraw_fini(&raw);
	assert_false(ev_yread(r, bad, strlen(bad), &raw));
	assert_true(ev_yread(r, good, strlen(good), &raw));
	assert_int_equal(raw.info.id, 2);
	ev_yraw_fini(&raw);
	ev_yreader_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_common_shapes_are_fast),
	    cmocka_unit_test(test_rare_shapes_match),
	    cmocka_unit_test(test_unsure_is_left_to_jansson),
	    cmocka_unit_test(test_timestamps_share_a_reader),
	    cmocka_unit_test(test_wide_ids),
	    cmocka_unit_test(test_reader_recovers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
