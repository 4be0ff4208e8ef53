/*
 * Unit tests of lazy payloads (src/event/payload.c, log.c): the conservative syntax check
 * never accepts what jansson refuses, an imported payload stays text until ev_payload parses
 * it once, and an export writes that text back untouched; a payload appended as a recipe
 * (ev_log_append_made) reads, exports and prints exactly as the same payload appended whole.
 * Payloads are JSON text inside JSON strings:
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event/event.h"
#include "event/internal.h"
#include "history/history.h"

static bool jansson_accepts(const char *text, size_t len)
{
	json_t *v = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	json_decref(v);
	return v != NULL;
}

/* Texts the check accepts: all of them must parse with jansson. */
static const char *const valid[] = {
    "{}",
    "[]",
    " {\"a\" : [1, -2, 3.5e+10, 0, -0.25, 1E2], \"b\": {\"c\": null}} ",
    "\"plain\"",
    "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u20ac\"",
    "true",
    "false",
    "null",
    "123456789012345678",
    "-123456789012345678",
    "{\"\":\"\",\"k\":\"caf\xc3\xa9\"}",
    "[[[[[[[[[[1]]]]]]]]]]",
    "{\"a\":1,\"a\":2}",
};

/* Texts it refuses: invalid JSON, or valid but left to jansson (surrogates, NUL, big numbers,
 * big exponents, deep nesting). */
static const char *const refused[] = {
    "",
    "   ",
    "{",
    "{\"a\":}",
    "{\"a\" 1}",
    "{a:1}",
    "[1,]",
    "[1 2]",
    "{\"a\":1,}",
    "01",
    "1.",
    ".5",
    "-",
    "1e",
    "1e400",
    "1e+100",
    "+1",
    "truex",
    "nul",
    "1a",
    "[1]x",
    "\"unterminated",
    "\"tab\there\"",
    "\"bad \\x escape\"",
    "\"\\u12\"",
    "\"\\ud83d\\ude00\"",
    "\"\\ud800\"",
    "{\"\\u0000\":1}",
    "1234567890123456789",
    "'single'",
    "{not json",
    "{\"a\": [1, 2",
};

static void test_check(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(valid); i++) {
		size_t n = strlen(valid[i]);
		if (!ev_json_text_ok(valid[i], n))
			fail_msg("refused: %s", valid[i]);
		assert_true(jansson_accepts(valid[i], n));
	}
	for (size_t i = 0; i < ARRAY_LEN(refused); i++)
		if (ev_json_text_ok(refused[i], strlen(refused[i])))
			fail_msg("accepted: %s", refused[i]);
	/* A raw NUL byte and a byte below 0x20 outside strings. */
	assert_false(ev_json_text_ok("[1,\0]", 5));
	assert_false(ev_json_text_ok("[1,\x01]", 5));
	/* Nesting: shallow is checked, deep is left to jansson. */
	char deep[1100];
	memset(deep, '[', 550);
	memset(deep + 550, ']', 550);
	assert_false(ev_json_text_ok(deep, 1100));
	assert_true(ev_json_text_ok(deep + 100, 900));
}

/* Any prefix of a valid text is either refused or valid to jansson too. */
static void test_check_prefixes(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(valid); i++)
		for (size_t n = 0; n < strlen(valid[i]); n++)
			if (ev_json_text_ok(valid[i], n))
				assert_true(jansson_accepts(valid[i], n));
}

static void test_accessor(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	struct ev a = {.type = EV_PassStateEntered,
		       .item = -1,
		       .state = ev_log_intern(log, "P"),
		       .payload = json_string("{\"a\": [1, 2]}")};
	struct ev b = a;
	b.payload = json_pack("{s:i}", "x", 7);
	assert_int_equal(ev_log_append_text(log, &a), 1);
	assert_int_equal(ev_log_append(log, &b), 2);
	const struct ev *e1 = ev_log_get(log, 1), *e2 = ev_log_get(log, 2);
	/* Still text until read; parsed once, then the cached value. */
	assert_true(json_is_string(e1->payload));
	json_t *p = ev_payload(log, e1, 1);
	assert_true(json_is_array(json_object_get(p, "a")));
	assert_ptr_equal(ev_payload(log, e1, 1), p);
	assert_ptr_equal(ev_payload(log, e2, 2), e2->payload);
	/* A copy of a record reads as the record; one with another payload is the caller's own. */
	struct ev copy = *e1;
	assert_ptr_equal(ev_payload(log, &copy, 1), p);
	copy.payload = e2->payload;
	assert_ptr_equal(ev_payload(log, &copy, 1), e2->payload);
	assert_null(ev_payload(log, NULL, 1));
	/* The export normalises the recorded text to compact JSON, as for any payload. */
	json_t *out = ev_to_json(log, e1, 1, 0);
	json_t *d = json_object_get(out, "stateEnteredEventDetails");
	assert_string_equal(json_string_value(json_object_get(d, "input")), "{\"a\":[1,2]}");
	assert_true(
	    json_is_false(json_object_get(json_object_get(d, "inputDetails"), "truncated")));
	json_decref(out);
	ev_log_free(log);
}

/* An import keeps valid payloads as text and still warns about invalid ones, as before. */
static void test_import(void **state)
{
	(void)state;
	static const char doc[] =
	    "{\"events\": [{\"timestamp\": 1, \"type\": \"ExecutionStarted\", \"id\": 1, "
	    "\"previousEventId\": 0, \"executionStartedEventDetails\": {\"input\": "
	    "\"{\\\"n\\\": 1}\"}}, {\"timestamp\": 2, \"type\": \"PassStateEntered\", \"id\": 2, "
	    "\"previousEventId\": 1, \"stateEnteredEventDetails\": {\"name\": \"P\", \"input\": "
	    "\"{oops\"}}, {\"timestamp\": 3, \"type\": \"PassStateExited\", \"id\": 3, "
	    "\"previousEventId\": 2, \"stateExitedEventDetails\": {\"name\": \"P\", \"output\": "
	    "\"99999999999999999999\"}}]}";
	struct diags d;
	diags_init(&d);
	struct ev_log *log = hist_import_text("h.json", doc, strlen(doc), &d);
	assert_non_null(log);
	assert_int_equal(d.list.len, 2);
	assert_string_equal(d.list.items[0].pointer, "/events/1/stateEnteredEventDetails/input");
	assert_string_equal(d.list.items[1].pointer, "/events/2/stateExitedEventDetails/output");
	const struct ev *e1 = ev_log_get(log, 1), *e2 = ev_log_get(log, 2),
			*e3 = ev_log_get(log, 3);
	assert_true(json_is_string(e1->payload));
	assert_int_equal(json_integer_value(json_object_get(ev_payload(log, e1, 1), "n")), 1);
	/* Invalid: kept raw, the string itself. */
	assert_string_equal(json_string_value(ev_payload(log, e2, 2)), "{oops");
	/* Too big for an integer: left to jansson, which refuses it; kept raw too. */
	assert_string_equal(json_string_value(ev_payload(log, e3, 3)), "99999999999999999999");
	char *text = hist_export_text(log, &(size_t){0});
	assert_non_null(strstr(text, "\"input\": \"{\\\"n\\\":1}\""));
	assert_non_null(strstr(text, "\"input\": \"{oops\""));
	free(text);
	ev_log_free(log);
	diags_fini(&d);
}

/* A maker for the tests: recipe = {n, flag} as two bytes. */
static int writes; /* how many times a maker wrote a payload */

static void pair_write(const void *recipe, struct strbuf *sb)
{
	const unsigned char *r = recipe;
	char buf[64];
	snprintf(buf, sizeof(buf), "{\"n\": %u, \"flag\": %s, \"s\": \"caf\u00e9\"}", r[0],
		 r[1] ? "true" : "false");
	sb_add(sb, buf);
	writes++;
}

static void list_write(const void *recipe, struct strbuf *sb)
{
	const unsigned char *r = recipe;
	char buf[32];
	snprintf(buf, sizeof(buf), "[%u,%u,%u]", r[0], r[1], r[2]);
	sb_add(sb, buf);
	writes++;
}

static const struct ev_maker pair_maker = {.write = pair_write, .recipe_len = 2};
static const struct ev_maker list_maker = {.write = list_write, .recipe_len = 3};

/* Appends the same events to `made` (recipes) and to `whole` (the parsed payloads). */
static void fill(struct ev_log *made, struct ev_log *whole)
{
	static const unsigned char recipes[][3] = {{1, 0, 0}, {1, 0, 0}, {2, 1, 0}, {7, 8, 9}};
	for (size_t i = 0; i < ARRAY_LEN(recipes); i++) {
		const struct ev_maker *m = i < 3 ? &pair_maker : &list_maker;
		struct ev e = {.type = i % 2 ? EV_TaskStateExited : EV_TaskSucceeded,
			       .prev = (int64_t)i,
			       .t_ms = 100 * (int64_t)i,
			       .item = (int32_t)i};
		e.state = ev_log_intern(made, "T");
		assert_int_equal(ev_log_append_made(made, &e, m, recipes[i]), 2 * (int64_t)i + 1);
		struct strbuf sb;
		sb_init(&sb);
		m->write(recipes[i], &sb);
		e.state = ev_log_intern(whole, "T");
		e.payload = json_loads(sb.data, 0, NULL);
		assert_non_null(e.payload);
		sb_fini(&sb);
		assert_int_equal(ev_log_append(whole, &e), 2 * (int64_t)i + 1);
		/* A plain record between them: lookups must skip it. */
		struct ev plain = {.type = EV_PassStateEntered, .item = -1};
		plain.payload = json_integer((json_int_t)i);
		ev_log_append(made, &plain);
		plain.payload = json_integer((json_int_t)i);
		ev_log_append(whole, &plain);
	}
}

static void test_made(void **state)
{
	(void)state;
	struct ev_log *made = ev_log_new(), *whole = ev_log_new();
	fill(made, whole);
	writes = 0;
	assert_int_equal(ev_log_count(made), ev_log_count(whole));
	for (int64_t id = 1; id <= (int64_t)ev_log_count(made); id++) {
		const struct ev *a = ev_log_get(made, id), *b = ev_log_get(whole, id);
		/* The record says it has a payload before anything is made. */
		assert_non_null(a->payload);
		json_t *p = ev_payload(made, a, id);
		assert_true(json_equal(p, ev_payload(whole, b, id)));
		assert_ptr_equal(ev_payload(made, a, id), p); /* made once, then cached */
		/* Export and text form: byte for byte as the record appended whole. */
		json_t *ja = ev_to_json(made, a, id, 1715681700000),
		       *jb = ev_to_json(whole, b, id, 1715681700000);
		char *ta = json_dumps(ja, JSON_COMPACT), *tb = json_dumps(jb, JSON_COMPACT);
		assert_string_equal(ta, tb);
		free(ta);
		free(tb);
		json_decref(ja);
		json_decref(jb);
		struct strbuf la, lb;
		sb_init(&la);
		sb_init(&lb);
		ev_format_line(made, a, id, &la);
		ev_format_line(whole, b, id, &lb);
		assert_string_equal(la.data, lb.data);
		sb_fini(&la);
		sb_fini(&lb);
	}
	assert_int_equal(writes, 4); /* each made record once, plain ones never */
	assert_int_equal(
	    json_integer_value(json_object_get(ev_payload(made, ev_log_get(made, 5), 5), "n")), 2);
	assert_int_equal(
	    json_integer_value(json_array_get(ev_payload(made, ev_log_get(made, 7), 7), 2)), 9);
	/* A copy of a record (recon.c reads copies) reads as the record, whatever its other
	 * fields: its payload field names the recipe itself. */
	struct ev copy = *ev_log_get(made, 1);
	json_t *first = ev_payload(made, ev_log_get(made, 1), 1);
	assert_ptr_equal(ev_payload(made, &copy, 1), first);
	assert_false(json_is_null(ev_payload(made, &copy, 1))); /* made, not a stand-in */
	struct ev other = copy;
	other.t_ms += 1;
	assert_ptr_equal(ev_payload(made, &other, 1), first);
	/* Record 3's recipe was stored once with record 1's: the same field, the same value. */
	assert_ptr_equal(ev_log_get(made, 3)->payload, copy.payload);
	assert_true(json_equal(ev_payload(made, &other, 3), first));
	/* Under the id of a record made from another recipe: no cached value to lend, so null
	 * (never the field itself, which is no json_t); a new reference is made all the same. */
	assert_true(json_is_null(ev_payload(made, &other, 5)));
	json_t *fresh = ev_payload_new(made, &other, 5);
	assert_true(json_equal(fresh, first));
	json_decref(fresh);
	ev_log_free(made);
	ev_log_free(whole);
}

/* The whole history export of a log with recipes equals that of the same log made whole. */
static void test_made_export(void **state)
{
	(void)state;
	struct ev_log *made = ev_log_new(), *whole = ev_log_new();
	fill(made, whole);
	size_t na = 0, nb = 0;
	char *a = hist_export_text(made, &na), *b = hist_export_text(whole, &nb);
	assert_int_equal(na, nb);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "\"output\": \"[7,8,9]\""));
	free(a);
	free(b);
	ev_log_free(made);
	ev_log_free(whole);
}

/* ev_payload_new: a new reference, equal to ev_payload's value; a lazy payload not read yet is
 * not cached by it (a later ev_payload makes its own), one already cached is shared. */
static void test_payload_new(void **state)
{
	(void)state;
	struct ev_log *made = ev_log_new(), *whole = ev_log_new();
	fill(made, whole);
	writes = 0;
	const struct ev *a = ev_log_get(made, 5);
	json_t *fresh = ev_payload_new(made, a, 5);
	assert_int_equal(writes, 1);
	assert_true(json_equal(fresh, ev_payload(whole, ev_log_get(whole, 5), 5)));
	json_t *cached = ev_payload(made, a, 5);
	assert_int_equal(writes, 2); /* not cached by ev_payload_new */
	assert_ptr_not_equal(fresh, cached);
	json_t *again = ev_payload_new(made, a, 5);
	assert_ptr_equal(again, cached); /* cached now: shared, one more reference */
	assert_int_equal(writes, 2);
	json_decref(again);
	json_decref(fresh);
	json_t *plain = ev_payload_new(whole, ev_log_get(whole, 5), 5);
	assert_ptr_equal(plain, ev_payload(whole, ev_log_get(whole, 5), 5));
	json_decref(plain);
	assert_null(ev_payload_new(made, NULL, 1));
	ev_log_free(made);
	ev_log_free(whole);
}

/* A maker whose recipes hold a reference: counts the releases (one per stored recipe). */
static int releases;
static void counted_release(const void *recipe)
{
	(void)recipe;
	releases++;
}
static const struct ev_maker counted_maker = {
    .write = pair_write, .recipe_len = 2, .release = counted_release};

/* ev_log_append_made_like: a recipe equal to the named record's is stored once (its reference
 * let go of at once), with other records between them; a wrong or absent name stores it. */
static void test_made_like(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	static const unsigned char a[2] = {3, 1}, b[2] = {4, 0};
	struct ev e = {.type = EV_TaskSucceeded, .item = -1};
	releases = 0;
	int64_t first = ev_log_append_made(log, &e, &counted_maker, a); /* 1 */
	for (int i = 0; i < 40; i++) /* records between them: more than the short walk */
		ev_log_append_made(log, &e, &counted_maker, i % 2 ? a : b);
	assert_int_equal(releases, 0); /* a and b alternate: each stored */
	e.type = EV_TaskStateExited;
	int64_t same = ev_log_append_made_like(log, &e, &counted_maker, a, first);
	assert_int_equal(releases, 1); /* equal to record 1's: stored once */
	/* Not equal to the named record's (nor to the last one's): stored. */
	int64_t other = ev_log_append_made_like(log, &e, &counted_maker, b, first);
	int64_t none = ev_log_append_made_like(log, &e, &counted_maker, a, 0);
	int64_t past = ev_log_append_made_like(log, &e, &counted_maker, b, 999);
	assert_int_equal(releases, 1);
	assert_int_equal(same, 42);
	json_t *pa = ev_payload(log, ev_log_get(log, first), first),
	       *pb = ev_payload(log, ev_log_get(log, 2), 2);
	assert_false(json_equal(pa, pb));
	assert_true(json_equal(ev_payload(log, ev_log_get(log, same), same), pa));
	assert_true(json_equal(ev_payload(log, ev_log_get(log, other), other), pb));
	assert_true(json_equal(ev_payload(log, ev_log_get(log, none), none), pa));
	assert_true(json_equal(ev_payload(log, ev_log_get(log, past), past), pb));
	/* A hint far ahead of the last one found, then one behind it: found by the search. */
	int64_t ahead = ev_log_append_made_like(log, &e, &counted_maker, a, 41); /* 41 holds a */
	int64_t behind = ev_log_append_made_like(log, &e, &counted_maker, b, 2);
	assert_int_equal(releases, 3);
	assert_true(json_equal(ev_payload(log, ev_log_get(log, ahead), ahead), pa));
	assert_true(json_equal(ev_payload(log, ev_log_get(log, behind), behind), pb));
	assert_int_equal(behind, 47);
	ev_log_free(log);
	assert_int_equal(releases, 3 + 44); /* 47 records, 3 of them shared */
}

/* Many recipes (past the first arrays' growth), read back out of order. */
static void test_made_many(void **state)
{
	(void)state;
	struct ev_log *log = ev_log_new();
	enum { N = 20000 };
	for (int i = 0; i < N; i++) {
		struct ev e = {.type = EV_TaskSucceeded, .item = i};
		unsigned char r[2] = {(unsigned char)(i % 251), (unsigned char)(i / 251 % 2)};
		if (i % 3 == 0) {
			e.payload = json_true();
			ev_log_append(log, &e);
		} else {
			ev_log_append_made(log, &e, &pair_maker, r);
		}
	}
	for (int i = N - 1; i >= 0; i -= 7) {
		const struct ev *e = ev_log_get(log, i + 1);
		json_t *p = ev_payload(log, e, i + 1);
		if (i % 3 == 0) {
			assert_true(json_is_true(p));
			continue;
		}
		assert_int_equal(json_integer_value(json_object_get(p, "n")), i % 251);
		assert_true(json_boolean_value(json_object_get(p, "flag")) == (i / 251 % 2 == 1));
	}
	ev_log_free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check),	cmocka_unit_test(test_check_prefixes),
	    cmocka_unit_test(test_accessor),	cmocka_unit_test(test_import),
	    cmocka_unit_test(test_made),	cmocka_unit_test(test_made_export),
	    cmocka_unit_test(test_payload_new), cmocka_unit_test(test_made_many),
	    cmocka_unit_test(test_made_like),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
