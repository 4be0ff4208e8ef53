/*
 * Unit tests of src/export: escaping, open spans of a running execution, the graph colouring
 * rule, determinism and the refusals. Logs are built by hand in the shapes AWS records
 * (aws-facts a.4, a.5);
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html Trace
 * format: https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asl/asl.h"
#include "export/export.h"
#include "tl_build.h"

/* A Pass state with markup and a control character in its name, still running. */
static struct ev_log *odd_running_log(void)
{
	struct ev_log *log = ev_log_new();
	int64_t s = enter(log, EV_ExecutionStarted, 0, 0, NULL, -1, "{\"a\":1}");
	int64_t p = enter(log, EV_PassStateEntered, s, 10, "<a&\"b>\x01", -1, "{\"a\":1}");
	add(log, EV_PassStateExited, p, 30, "<a&\"b>\x01", -1);
	enter(log, EV_TaskStateEntered, p + 1, 40, "Work", -1, "{\"a\":1}");
	add(log, EV_TaskScheduled, p + 2, 50, "Work", -1);
	return log;
}

static void test_escaping(void **state)
{
	(void)state;
	struct ev_log *log = odd_running_log();
	struct tl_index *tl = index_of(log);
	struct exp_source src = {log, tl, "t<i>tle", NULL};
	char *svg = exp_timeline_svg(&src, NULL);
	assert_non_null(strstr(svg, "&lt;a&amp;&quot;b&gt;\xEF\xBF\xBD"));
	assert_null(strstr(svg, "<a&"));
	assert_null(strchr(svg, '\x01'));
	assert_non_null(strstr(svg, "t&lt;i&gt;tle"));
	char *trace = exp_trace_json(&src, NULL);
	json_error_t err;
	json_t *doc = json_loads(trace, 0, &err);
	assert_non_null(doc);
	json_t *evs = json_object_get(doc, "traceEvents");
	bool found = false;
	for (size_t i = 0; i < json_array_size(evs); i++) {
		const char *name =
		    json_string_value(json_object_get(json_array_get(evs, i), "name"));
		found |= name && strcmp(name, "<a&\"b>\x01") == 0;
	}
	assert_true(found);
	json_decref(doc);
	free(trace);
	free(svg);
	tl_index_free(tl);
	ev_log_free(log);
}

/* A running execution: open spans end at the last event, status RUNNING, no end marker. */
static void test_running_open_spans(void **state)
{
	(void)state;
	struct ev_log *log = odd_running_log();
	struct tl_index *tl = index_of(log);
	size_t spans;
	spans_of(tl, 0, &spans);
	assert_int_equal(spans, 3); /* the Pass visit, the Task visit and its open attempt */
	struct exp_source src = {log, tl, NULL, "run"};
	char *trace = exp_trace_json(&src, NULL);
	json_t *doc = json_loads(trace, 0, NULL);
	assert_non_null(doc);
	json_t *evs = json_object_get(doc, "traceEvents");
	int work = 0;
	for (size_t i = 0; i < json_array_size(evs); i++) {
		json_t *e = json_array_get(evs, i);
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *ph = json_string_value(json_object_get(e, "ph"));
		assert_string_not_equal(name, "execution RUNNING");
		if (strcmp(ph, "X") != 0 || strcmp(name, "Work") != 0)
			continue;
		work++;
		assert_int_equal(json_integer_value(json_object_get(e, "ts")), 40000);
		assert_int_equal(json_integer_value(json_object_get(e, "dur")), 10000);
		json_t *args = json_object_get(e, "args");
		assert_string_equal(json_string_value(json_object_get(args, "status")), "RUNNING");
	}
	assert_int_equal(work, 1);
	json_t *other = json_object_get(doc, "otherData");
	assert_string_equal(json_string_value(json_object_get(other, "status")), "RUNNING");
	json_decref(doc);
	free(trace);
	tl_index_free(tl);
	ev_log_free(log);
}

static const char machine[] =
    "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemProcessor\":{\"StartAt\":\"A\","
    "\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"B\"},\"B\":{\"Type\":\"Pass\",\"End\":"
    "true}}},\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"C\"}],\"End\":true},"
    "\"C\":{\"Type\":\"Pass\",\"End\":true}}}";

/* Map M of two items: A succeeds in #0, fails in #1 (the Map fails, Catch takes it to C). B is
 * reached in neither row. A state named "Z" the definition lacks is counted. */
static struct ev_log *mark_log(void)
{
	struct ev_log *log = ev_log_new();
	int64_t s = enter(log, EV_ExecutionStarted, 0, 0, NULL, -1, "[1,2]");
	int64_t m = enter(log, EV_MapStateEntered, s, 1, "M", -1, "[1,2]");
	int64_t ms = map_started(log, m, 2, "M", -1, 2);
	int64_t i0 = add(log, EV_MapIterationStarted, ms, 3, "M", 0);
	int64_t i1 = add(log, EV_MapIterationStarted, ms, 3, "M", 1);
	int64_t a0 = enter(log, EV_PassStateEntered, i0, 4, "A", 0, "1");
	int64_t a1 = enter(log, EV_PassStateEntered, i1, 4, "A", 1, "2");
	int64_t x0 = add(log, EV_PassStateExited, a0, 5, "A", 0);
	int64_t f1 = add_err(log, EV_MapIterationFailed, a1, 6, "M", 1, "Boom");
	(void)x0;
	int64_t ab0 = add(log, EV_MapIterationAborted, f1, 7, "M", 0);
	int64_t mf = add_err(log, EV_MapStateFailed, ab0, 8, "M", -1, "Boom");
	int64_t mx = add(log, EV_MapStateExited, mf, 9, "M", -1);
	int64_t c = enter(log, EV_PassStateEntered, mx, 10, "C", -1, "{}");
	int64_t cx = add(log, EV_PassStateExited, c, 11, "C", -1);
	int64_t z = enter(log, EV_PassStateEntered, cx, 12, "Z", -1, "{}");
	int64_t zx = add(log, EV_PassStateExited, z, 13, "Z", -1);
	add(log, EV_ExecutionSucceeded, zx, 14, NULL, -1);
	return log;
}

static void test_graph_mark(void **state)
{
	(void)state;
	struct diags d;
	diags_init(&d);
	struct asl_machine *m =
	    asl_load_text("m.json", machine, strlen(machine), &(struct asl_load_options){0}, &d);
	assert_non_null(m);
	struct graph *g = graph_from_asl(m);
	struct ev_log *log = mark_log();
	struct tl_index *tl = index_of(log);
	assert_int_equal(exp_graph_mark(g, log, tl), 1); /* Z */
	/* A: succeeded in #0, failed or aborted in #1: the worse wins; never "succeeded". */
	enum canvas_role a = graph_find(g, "A")->status;
	assert_true(a == CANVAS_STATE_FAILED || a == CANVAS_STATE_ABORTED);
	assert_int_equal(graph_find(g, "B")->status, CANVAS_STATE_PENDING);
	assert_int_equal(graph_find(g, "C")->status, CANVAS_STATE_SUCCEEDED);
	char *svg1 = exp_graph_svg(g, "m", NULL), *svg2 = exp_graph_svg(g, "m", NULL);
	assert_string_equal(svg1, svg2); /* deterministic */
	assert_non_null(strstr(svg1, "not reached"));
	free(svg1);
	free(svg2);
	tl_index_free(tl);
	ev_log_free(log);
	graph_free(g);
	asl_machine_free(m);
	diags_fini(&d);
}

static void test_refusals(void **state)
{
	(void)state;
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *dir = xasprintf("%s/stepscope-export-XXXXXX", tmp);
	assert_non_null(mkdtemp(dir));
	char *in = xasprintf("%s/in.json", dir), *out = xasprintf("%s/out.svg", dir);
	FILE *f = fopen(in, "w");
	assert_non_null(f);
	fputs("{}\n", f);
	fclose(f);
	struct ev_log *log = mark_log();
	const char *inputs[] = {in};
	struct diags d;
	diags_init(&d);
	struct exp_outputs o = {.svg_out = in, .inputs = inputs, .input_count = 1};
	assert_false(exp_write_outputs(log, NULL, &o, &d));
	assert_int_equal(d.errors, 1);
	size_t len;
	char *err = NULL, *text = file_read_all(in, &len, &err);
	assert_string_equal(text, "{}\n"); /* untouched */
	free(text);
	struct exp_outputs same = {.svg_out = out, .trace_out = out};
	assert_false(exp_write_outputs(log, NULL, &same, &d));
	assert_int_equal(access(out, F_OK), -1); /* nothing written */
	struct exp_outputs ok = {.svg_out = out, .inputs = inputs, .input_count = 1};
	assert_true(exp_write_outputs(log, NULL, &ok, &d));
	assert_int_equal(access(out, F_OK), 0);
	unlink(out);
	unlink(in);
	rmdir(dir);
	free(dir);
	free(in);
	free(out);
	diags_fini(&d);
	ev_log_free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escaping),
	    cmocka_unit_test(test_running_open_spans),
	    cmocka_unit_test(test_graph_mark),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
