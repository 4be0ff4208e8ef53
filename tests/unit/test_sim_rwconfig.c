/*
 * ResultWriter WriterConfig with children ending out of index order: the items stay in
 * index order when FLATTEN splices an array output into several items or an empty array
 * into none, both for a ResultWriter without Resource (the items are the Map's result) and
 * for JSON Lines files (one item a line; the manifest's Size is the file's length).
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "asl_build.h"
#include "asl/asl.h"
#include "sim/internal.h"

/* Items [3, 1, 2, 4]: each child waits its item's seconds (so they end in the order of the
 * items, not of the indexes); item 2 outputs [], the others [item, item]. `writer` is the
 * ResultWriter object's text. */
static struct sim_engine *run(const char *writer, struct asl_machine **m, struct ev_log **log)
{
	char *text = xasprintf(
	    "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"End\": true,"
	    " \"ItemProcessor\": {\"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\"},"
	    " \"StartAt\": \"W\", \"States\": {"
	    " \"W\": {\"Type\": \"Wait\", \"SecondsPath\": \"$\", \"Next\": \"C\"},"
	    " \"C\": {\"Type\": \"Choice\", \"Choices\": [{\"Variable\": \"$\","
	    " \"NumericEquals\": 2, \"Next\": \"E\"}], \"Default\": \"A\"},"
	    " \"E\": {\"Type\": \"Pass\", \"Result\": [], \"End\": true},"
	    " \"A\": {\"Type\": \"Pass\", \"Parameters\": {\"a.$\": \"States.Array($, $)\"},"
	    " \"OutputPath\": \"$.a\", \"End\": true}}},"
	    " \"ResultWriter\": %s}}}",
	    writer);
	*m = load(text);
	free(text);
	*log = ev_log_new();
	json_t *input = json_pack("[i, i, i, i]", 3, 1, 2, 4);
	struct sim_engine *e = sim_new(*m, input, NULL, *log, NULL);
	json_decref(input);
	sim_run(e);
	return e;
}

static void assert_json(json_t *got, const char *want_text)
{
	json_t *want = json_loads(want_text, JSON_DECODE_ANY, NULL);
	assert_non_null(want);
	assert_true(json_equal(got, want));
	json_decref(want);
}

/* No Resource, FLATTEN: [[3,3], [1,1], [], [4,4]] becomes [3,3,1,1,4,4]. */
static void test_flatten_result_in_index_order(void **state)
{
	(void)state;
	struct asl_machine *m;
	struct ev_log *log;
	struct sim_engine *e =
	    run("{\"WriterConfig\": {\"Transformation\": \"FLATTEN\"}}", &m, &log);
	assert_int_equal(sim_status(e), SIM_SUCCEEDED);
	assert_json(sim_output(e), "[3, 3, 1, 1, 4, 4]");
	sim_free(e);
	ev_log_free(log);
	asl_machine_free(m);
}

/* No Resource, no Transformation: COMPACT, the outputs as they are. */
static void test_compact_default_result(void **state)
{
	(void)state;
	struct asl_machine *m;
	struct ev_log *log;
	struct sim_engine *e = run("{\"WriterConfig\": {\"OutputType\": \"JSON\"}}", &m, &log);
	assert_int_equal(sim_status(e), SIM_SUCCEEDED);
	assert_json(sim_output(e), "[[3, 3], [1, 1], [], [4, 4]]");
	sim_free(e);
	ev_log_free(log);
	asl_machine_free(m);
}

static char *slurp(const char *path, long *size)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = xmalloc(4096);
	*size = (long)fread(buf, 1, 4095, f);
	buf[*size] = '\0';
	fclose(f);
	return buf;
}

/* Files, FLATTEN + JSONL: one item a line, in index order; Size is the file's length. */
static void test_flatten_jsonl_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/stepscope-rwc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *writer = xasprintf(
	    "{\"Resource\": \"arn:aws:states:::s3:putObject\", \"Parameters\": {\"Bucket\": "
	    "\"%s\", \"Prefix\": \"p\"}, \"WriterConfig\": {\"Transformation\": \"FLATTEN\","
	    " \"OutputType\": \"JSONL\"}}",
	    dir);
	struct asl_machine *m;
	struct ev_log *log;
	struct sim_engine *e = run(writer, &m, &log);
	free(writer);
	assert_int_equal(sim_status(e), SIM_SUCCEEDED);
	json_t *details = json_object_get(sim_output(e), "ResultWriterDetails");
	char *path = xasprintf("%s/%s", dir, json_string_value(json_object_get(details, "Key")));
	json_t *man = json_load_file(path, 0, NULL);
	free(path);
	assert_non_null(man);
	json_t *okf =
	    json_array_get(json_object_get(json_object_get(man, "ResultFiles"), "SUCCEEDED"), 0);
	path = xasprintf("%s/%s", dir, json_string_value(json_object_get(okf, "Key")));
	long size;
	char *text = slurp(path, &size);
	assert_string_equal(text, "3\n3\n1\n1\n4\n4\n");
	assert_int_equal(size, json_integer_value(json_object_get(okf, "Size")));
	free(text);
	free(path);
	json_decref(man);
	char *cmd = xasprintf("rm -r '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	sim_free(e);
	ev_log_free(log);
	asl_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flatten_result_in_index_order),
	    cmocka_unit_test(test_compact_default_result),
	    cmocka_unit_test(test_flatten_jsonl_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
