/*
 * Distributed Map at scale: the JSON text writer (byte-identical to json_dumps), ended child
 * histories stored compactly and rebuilt equal, and the streamed ResultWriter (records in
 * index order whatever order children end in, failed records, nothing left by a failed Map
 * Run, Parameters drawing from the intrinsic generator).
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "asl_build.h"
#include "asl/asl.h"
#include "sim/internal.h"
#include "doc/doc.h"

static json_t *tricky(void)
{
	json_error_t err;
	json_t *v = json_loads(
	    "{\"a\\\"b\\\\c\": [0.1, 1e300, -2.5e-7, 1.0, 100.0, 1e20, 123456789.125, -0.0],"
	    " \"ctl\": \"t\\tn\\nr\\rb\\bf\\fu\\u0001\\u001f/x\\u007f\", \"u\": "
	    "\"\\u00e9\\u2028\\ud83d\\ude00\","
	    " \"i\": [0, -1, 9223372036854775807, -9223372036854775807], \"e\": {}, \"ea\": [],"
	    " \"lit\": [true, false, null], \"n\": {\"deep\": [{\"x\": \"\\\"q\\\"\"}]}}",
	    0, &err);
	assert_non_null(v);
	/* A NUL inside a string, as jansson allows with json_stringn. */
	json_object_set_new(v, "nul", json_stringn("a\0b", 3));
	return v;
}

static void test_json_text_matches_jansson(void **state)
{
	(void)state;
	json_t *v = tricky();
	char *want = doc_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	struct strbuf sb;
	sb_init(&sb);
	sim_json_append(&sb, v, false);
	assert_string_equal(sb.data, want);
	/* Quoted: the text as the contents of a JSON string, as json_dumps writes that string. */
	json_t *str = json_string(want);
	char *quoted = doc_dumps(str, JSON_COMPACT | JSON_ENCODE_ANY);
	sb_clear(&sb);
	sim_json_append(&sb, v, true);
	assert_int_equal(sb.len, strlen(quoted) - 2);
	assert_memory_equal(sb.data, quoted + 1, sb.len);
	/* Scalars at the top. */
	const char *scalars[] = {"\"x\"", "3", "2.5", "null", "true"};
	for (size_t i = 0; i < ARRAY_LEN(scalars); i++) {
		json_t *s = json_loads(scalars[i], JSON_DECODE_ANY, NULL);
		sb_clear(&sb);
		sim_json_append(&sb, s, false);
		assert_string_equal(sb.data, scalars[i]);
		json_decref(s);
	}
	sb_fini(&sb);
	free(quoted);
	json_decref(str);
	free(want);
	json_decref(v);
}

/* A log with every kind of field, a payload shared by two events and meta. */
static struct ev_log *sample_log(json_t *shared)
{
	struct ev_log *log = ev_log_new();
	struct ev_log_meta *m = ev_log_meta(log);
	m->start_epoch_ms = 1715681700123LL;
	m->synthetic_time = true;
	m->execution_name = ev_log_intern(log, "child_00001");
	m->state_machine_name = ev_log_intern(log, "sm/Label");
	json_t *role = json_pack("{s:s}", "roleArn", "r");
	struct ev_detail d1 = {.extra = role};
	struct ev e1 = {.type = EV_ExecutionStarted,
			.item = -1,
			.detail = ev_log_detail(log, &d1),
			.payload = json_incref(shared)};
	json_decref(role); /* the log holds its own */
	ev_log_append(log, &e1);
	struct ev_detail d2 = {.error = ev_log_intern(log, "E"),
			       .cause = ev_log_intern(log, "why\nnot"),
			       .resource_type = ev_log_intern(log, "lambda"),
			       .resource = ev_log_intern(log, "invoke")};
	struct ev e2 = {.type = EV_TaskFailed,
			.prev = 1,
			.t_ms = 2075,
			.item = 7,
			.state = ev_log_intern(log, "Task"),
			.detail = ev_log_detail(log, &d2),
			.payload = tricky()};
	ev_log_append(log, &e2);
	struct ev_detail d3 = {.raw_type = ev_log_intern(log, "SomethingNew")};
	struct ev e3 = {.type = EV_UNKNOWN,
			.prev = 2,
			.t_ms = -5,
			.item = -1,
			.detail = ev_log_detail(log, &d3),
			.payload = json_incref(shared)};
	ev_log_append(log, &e3);
	return log;
}

static void assert_same_log(const struct ev_log *a, const struct ev_log *b)
{
	assert_int_equal(ev_log_count(a), ev_log_count(b));
	const struct ev_log_meta *ma = ev_log_meta_const(a), *mb = ev_log_meta_const(b);
	assert_int_equal(ma->start_epoch_ms, mb->start_epoch_ms);
	assert_int_equal(ma->synthetic_time, mb->synthetic_time);
	assert_string_equal(ev_log_str(a, ma->execution_name), ev_log_str(b, mb->execution_name));
	assert_string_equal(ev_log_str(a, ma->state_machine_name),
			    ev_log_str(b, mb->state_machine_name));
	for (int64_t id = 1; id <= (int64_t)ev_log_count(a); id++) {
		const struct ev *x = ev_log_get(a, id), *y = ev_log_get(b, id);
		assert_int_equal(x->prev, y->prev);
		assert_int_equal(x->t_ms, y->t_ms);
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->item, y->item);
		struct ev_detail da = ev_detail(a, x), db = ev_detail(b, y);
		const ev_str_t sa[] = {x->state,	 da.error,    da.cause,
				       da.resource_type, da.resource, da.raw_type};
		const ev_str_t sb[] = {y->state,	 db.error,    db.cause,
				       db.resource_type, db.resource, db.raw_type};
		for (size_t k = 0; k < ARRAY_LEN(sa); k++) {
			const char *p = ev_log_str(a, sa[k]), *q = ev_log_str(b, sb[k]);
			assert_true((p == NULL) == (q == NULL));
			if (p)
				assert_string_equal(p, q);
		}
		json_t *px = ev_payload(a, x, id), *py = ev_payload(b, y, id);
		assert_true((px == NULL) == (py == NULL));
		assert_true((da.extra == NULL) == (db.extra == NULL));
		if (px) {
			/* Equal, and the same text (integers stay integers, reals exact). */
			assert_true(json_equal(px, py));
			char *tx = doc_dumps(px, JSON_COMPACT | JSON_ENCODE_ANY);
			char *ty = doc_dumps(py, JSON_COMPACT | JSON_ENCODE_ANY);
			assert_string_equal(tx, ty);
			free(tx);
			free(ty);
		}
		if (da.extra)
			assert_true(json_equal(da.extra, db.extra));
	}
}

static void test_log_copy_is_equal(void **state)
{
	(void)state;
	json_t *shared = json_pack("{s:s}", "S", "Item 1");
	struct ev_log *log = sample_log(shared);
	struct ev_log *copy = sim_log_copy(log);
	assert_same_log(log, copy);
	/* One value for two events stays one value. */
	assert_ptr_equal(ev_log_get(copy, 1)->payload, ev_log_get(copy, 3)->payload);
	ev_log_free(copy);
	ev_log_free(log);
	json_decref(shared);
}

/* Enough records to pass the in-memory buffer: read back from the file and from memory. */
static void test_spill_file_and_memory(void **state)
{
	(void)state;
	json_t *shared = json_pack("{s:s}", "S", "Item 1");
	struct ev_log *log = sample_log(shared);
	struct sim_spill *s = sim_spill_new();
	enum { N = 4000 };
	uint64_t *at = xcalloc(N, sizeof(*at));
	size_t *len = xcalloc(N, sizeof(*len));
	for (size_t i = 0; i < N; i++)
		at[i] = sim_spill_put(s, log, &len[i]);
	assert_true(at[N - 1] + len[N - 1] > (1u << 20)); /* past the first flush */
	const size_t probe[] = {0, 1, N / 2, N - 1};
	for (size_t k = 0; k < ARRAY_LEN(probe); k++) {
		struct ev_log *back = sim_spill_get(s, at[probe[k]], len[probe[k]]);
		assert_same_log(log, back);
		ev_log_free(back);
	}
	/* A short read (bytes the file does not hold) and bytes that are not one record are
	 * reported as NULL, not a crash. */
	assert_null(sim_spill_get(s, at[0], (size_t)(at[N - 1] + len[N - 1]) + 100));
	assert_null(sim_spill_get(s, at[0] + 1, len[0] - 1));
	free(at);
	free(len);
	sim_spill_free(s);
	ev_log_free(log);
	json_decref(shared);
}

/* ---- ResultWriter ---- */

/*
 * Items [5, 1, 4, 2, 9, 3]: each child waits its item's seconds, so they end out of index
 * order; 9 fails (one failure tolerated). `prefix_field` is the ResultWriter Prefix member.
 */
static struct sim_engine *run_writer(const char *dir, const char *prefix_field, int tolerated,
				     struct asl_machine **m, struct ev_log **log)
{
	char *text = xasprintf(
	    "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"End\": true,"
	    " \"ToleratedFailureCount\": %d, \"ItemProcessor\": {\"ProcessorConfig\": "
	    "{\"Mode\": \"DISTRIBUTED\"}, \"StartAt\": \"C\", \"States\": {"
	    " \"C\": {\"Type\": \"Choice\", \"Choices\": [{\"Variable\": \"$\","
	    " \"NumericGreaterThan\": 8, \"Next\": \"F\"}], \"Default\": \"W\"},"
	    " \"F\": {\"Type\": \"Fail\", \"Error\": \"TooBig\", \"Cause\": \"a \\\"big\\\" one\"},"
	    " \"W\": {\"Type\": \"Wait\", \"SecondsPath\": \"$\", \"End\": true}}},"
	    " \"ResultWriter\": {\"Resource\": \"arn:aws:states:::s3:putObject\","
	    " \"Parameters\": {\"Bucket\": \"%s\", %s}}}}}",
	    tolerated, dir, prefix_field);
	*m = load(text);
	free(text);
	*log = ev_log_new();
	json_t *input = json_pack("[i, i, i, i, i, i]", 5, 1, 4, 2, 9, 3);
	struct sim_engine *e = sim_new(*m, input, NULL, *log, NULL);
	json_decref(input);
	sim_run(e);
	return e;
}

static json_t *load_rel(const char *dir, const char *key)
{
	char *path = xasprintf("%s/%s", dir, key);
	json_t *v = json_load_file(path, 0, NULL);
	free(path);
	return v;
}

static void remove_tree(const char *dir)
{
	char *cmd = xasprintf("rm -r '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void test_writer_index_order(void **state)
{
	(void)state;
	char dir[] = "/tmp/stepscope-rw-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct asl_machine *m;
	struct ev_log *log;
	struct sim_engine *e = run_writer(dir, "\"Prefix\": \"out\"", 1, &m, &log);
	assert_int_equal(sim_status(e), SIM_SUCCEEDED);
	json_t *details = json_object_get(sim_output(e), "ResultWriterDetails");
	json_t *man = load_rel(dir, json_string_value(json_object_get(details, "Key")));
	assert_non_null(man);
	json_t *files = json_object_get(man, "ResultFiles");
	json_t *okf = json_array_get(json_object_get(files, "SUCCEEDED"), 0);
	json_t *badf = json_array_get(json_object_get(files, "FAILED"), 0);
	json_t *ok = load_rel(dir, json_string_value(json_object_get(okf, "Key")));
	json_t *bad = load_rel(dir, json_string_value(json_object_get(badf, "Key")));
	/* Index order although item 1 (index 1) ended first. */
	const int want_index[] = {0, 1, 2, 3, 5}, want_item[] = {5, 1, 4, 2, 3};
	assert_int_equal(json_array_size(ok), 5);
	const char *run_id = strrchr(json_string_value(json_object_get(man, "MapRunArn")), ':') + 1;
	for (size_t i = 0; i < 5; i++) {
		json_t *r = json_array_get(ok, i);
		/* The child execution's own name, and its ARN ending with it. */
		char *name = xasprintf("%s_%05d", run_id, want_index[i]);
		char *item = xasprintf("%d", want_item[i]);
		assert_string_equal(json_string_value(json_object_get(r, "Name")), name);
		const char *arn = json_string_value(json_object_get(r, "ExecutionArn"));
		assert_non_null(arn);
		assert_non_null(strstr(arn, ":execution:"));
		assert_string_equal(strrchr(arn, ':') + 1, name);
		assert_string_equal(json_string_value(json_object_get(r, "Input")), item);
		assert_string_equal(json_string_value(json_object_get(r, "Output")), item);
		assert_string_equal(json_string_value(json_object_get(r, "Status")), "SUCCEEDED");
		free(name);
		free(item);
	}
	assert_int_equal(json_array_size(bad), 1);
	json_t *f = json_array_get(bad, 0);
	assert_string_equal(json_string_value(json_object_get(f, "Status")), "FAILED");
	assert_string_equal(json_string_value(json_object_get(f, "Error")), "TooBig");
	assert_string_equal(json_string_value(json_object_get(f, "Cause")), "a \"big\" one");
	assert_null(json_object_get(f, "Output"));
	/* The manifest's sizes are the files'. */
	json_t *sizes[] = {okf, badf};
	for (size_t k = 0; k < 2; k++) {
		char *path =
		    xasprintf("%s/%s", dir, json_string_value(json_object_get(sizes[k], "Key")));
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_size, json_integer_value(json_object_get(sizes[k], "Size")));
		free(path);
	}
	json_decref(ok);
	json_decref(bad);
	json_decref(man);
	remove_tree(dir);
	sim_free(e);
	ev_log_free(log);
	asl_machine_free(m);
}

/* Beyond the tolerance the Map Run fails and no folder or file is left. */
static void test_writer_failed_run_leaves_nothing(void **state)
{
	(void)state;
	char dir[] = "/tmp/stepscope-rw-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct asl_machine *m;
	struct ev_log *log;
	struct sim_engine *e = run_writer(dir, "\"Prefix\": \"out/deeper\"", 0, &m, &log);
	assert_int_equal(sim_status(e), SIM_FAILED);
	assert_string_equal(sim_error(e), "States.ExceedToleratedFailureThreshold");
	char *out = xasprintf("%s/out", dir);
	struct stat st;
	assert_int_not_equal(stat(out, &st), 0);
	free(out);
	remove_tree(dir);
	sim_free(e);
	ev_log_free(log);
	asl_machine_free(m);
}

/* The last rename failing (a folder stands where manifest.json goes) takes back the files
 * already renamed: the Map Run fails and no results file, named or temporary, is left. */
static void test_writer_failed_commit_leaves_nothing(void **state)
{
	(void)state;
	char dir[] = "/tmp/stepscope-rw-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *key = NULL;
	for (int k = 0; k < 2; k++) {
		struct asl_machine *m;
		struct ev_log *log;
		struct sim_engine *e = run_writer(dir, "\"Prefix\": \"out\"", 1, &m, &log);
		if (k == 0) {
			/* The first run names the folder (the same one each run with one seed). */
			assert_int_equal(sim_status(e), SIM_SUCCEEDED);
			json_t *details = json_object_get(sim_output(e), "ResultWriterDetails");
			key = xstrdup(json_string_value(json_object_get(details, "Key")));
			char *run = xstrndup(key, (size_t)(strrchr(key, '/') - key));
			char *cmd = xasprintf("cd '%s' && rm %s/manifest.json %s/SUCCEEDED_0.json "
					      "%s/FAILED_0.json && mkdir -p %s/blocker",
					      dir, run, run, run, key);
			assert_int_equal(system(cmd), 0);
			free(cmd);
			free(run);
		} else {
			assert_int_equal(sim_status(e), SIM_FAILED);
			char *run = xstrndup(key, (size_t)(strrchr(key, '/') - key));
			char *cmd =
			    xasprintf("cd '%s' && test \"$(ls -A %s)\" = manifest.json", dir, run);
			assert_int_equal(system(cmd), 0);
			free(cmd);
			free(run);
		}
		sim_free(e);
		ev_log_free(log);
		asl_machine_free(m);
	}
	free(key);
	remove_tree(dir);
}

/* A Prefix from States.UUID() draws from the intrinsic generator when the Map Run ends, as
 * before the records were streamed: two runs with one seed name the same folder, and it is
 * the one the result names. */
static void test_writer_random_prefix(void **state)
{
	(void)state;
	char dir[] = "/tmp/stepscope-rw-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *keys[2];
	for (int k = 0; k < 2; k++) {
		struct asl_machine *m;
		struct ev_log *log;
		struct sim_engine *e =
		    run_writer(dir, "\"Prefix.$\": \"States.UUID()\"", 1, &m, &log);
		assert_int_equal(sim_status(e), SIM_SUCCEEDED);
		json_t *details = json_object_get(sim_output(e), "ResultWriterDetails");
		keys[k] = xstrdup(json_string_value(json_object_get(details, "Key")));
		json_t *man = load_rel(dir, keys[k]);
		assert_non_null(man);
		json_t *okf = json_array_get(
		    json_object_get(json_object_get(man, "ResultFiles"), "SUCCEEDED"), 0);
		json_t *ok = load_rel(dir, json_string_value(json_object_get(okf, "Key")));
		assert_int_equal(json_array_size(ok), 5);
		json_decref(ok);
		json_decref(man);
		sim_free(e);
		ev_log_free(log);
		asl_machine_free(m);
	}
	assert_string_equal(keys[0], keys[1]);
	free(keys[0]);
	free(keys[1]);
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_text_matches_jansson),
	    cmocka_unit_test(test_log_copy_is_equal),
	    cmocka_unit_test(test_spill_file_and_memory),
	    cmocka_unit_test(test_writer_index_order),
	    cmocka_unit_test(test_writer_failed_run_leaves_nothing),
	    cmocka_unit_test(test_writer_failed_commit_leaves_nothing),
	    cmocka_unit_test(test_writer_random_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
