/*
 * Unit tests of src/config: the schema's types, defaults and ranges, located errors with
 * suggestions, --set overrides, model lookups and the seed knobs.
 * Ranges from the ASL spec and quotas: Wait Seconds and TimeoutSeconds <= 99,999,999
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html), Lambda memory
 * 128..10,240 MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "doc/doc.h"

struct loaded {
	struct cfg_scenario s;
	struct diags d;
	bool ok;
	char *errors; /* "file:line:col: message\n" per diag */
};

static void load_sets(struct loaded *l, const char *yaml, const char *const *sets, size_t n)
{
	diags_init(&l->d);
	l->ok = cfg_load_text(&l->s, yaml ? "c.yaml" : NULL, "conf", yaml, yaml ? strlen(yaml) : 0,
			      sets, n, &l->d);
	diags_sort(&l->d);
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < l->d.list.len; i++) {
		const struct diag *g = &l->d.list.items[i];
		if (g->line)
			sb_addf(&sb, "%s:%d:%d: %s\n", g->file, g->line, g->column, g->message);
		else
			sb_addf(&sb, "%s: %s\n", g->file ? g->file : "", g->message);
	}
	l->errors = sb_take(&sb);
}

static void load(struct loaded *l, const char *yaml)
{
	load_sets(l, yaml, NULL, 0);
}

static void unload(struct loaded *l)
{
	cfg_scenario_fini(&l->s);
	diags_fini(&l->d);
	free(l->errors);
}

static void expect_errors(const char *yaml, const char *want)
{
	struct loaded l;
	load(&l, yaml);
	assert_false(l.ok);
	assert_string_equal(l.errors, want);
	unload(&l);
}

static void expect_set_errors(const char *const *sets, size_t n, const char *want)
{
	struct loaded l;
	load_sets(&l, NULL, sets, n);
	assert_false(l.ok);
	assert_string_equal(l.errors, want);
	unload(&l);
}

static void test_defaults(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, NULL);
	assert_true(l.ok);
	const struct cfg_scenario *s = &l.s;
	assert_null(s->file);
	assert_string_equal(s->ddb.table_name, "StepFunctionsProjectDDBTable");
	assert_string_equal(s->ddb.partition_key_name, "mapstatelist");
	assert_string_equal(s->ddb.partition_key_value_field, "mapitems");
	/* A default data file not beside the config ("conf/") is found in the current folder:
	 * the tests run from the repository root, which ships samples/. */
	assert_string_equal(s->ddb.items, "samples/simplelist.json");
	assert_int_equal(s->stepfunc.max_concurrency, 1);
	assert_int_equal(s->stepfunc.wait_duration_seconds, 2);
	assert_int_equal(s->stepfunc.timeout_duration_seconds, 20);
	assert_true(s->stepfunc.definition_is_seed);
	assert_int_equal(s->lambda.def.duration.model, CFG_DUR_FIXED);
	assert_true(s->lambda.def.duration.ms == 100);
	assert_int_equal(s->lambda.def.cold_start.mode, CFG_COLD_NONE);
	assert_int_equal(s->lambda.def.memory_mb, 128);
	assert_int_equal(s->lambda.def.errors.mode, CFG_ERR_NONE);
	assert_int_equal(s->lambda.def.command.argc, 0);
	assert_int_equal(s->lambda.def.timeout_ms, 3000);
	assert_int_equal(s->lambda.function_count, 0);
	assert_int_equal(s->lambda.account_concurrency, 1000);
	assert_int_equal(s->services.count, 0);
	assert_int_equal(s->simulation.seed, 1);
	assert_string_equal(s->simulation.start_time.text, "2024-05-14T10:15:00Z");
	assert_int_equal(s->simulation.start_time.epoch_ms, 1715681700000LL);
	assert_true(s->simulation.speed == 1);
	assert_int_equal(s->simulation.inline_map_concurrency_cap, 40);
	assert_int_equal(s->simulation.history_event_limit, 25000);
	unload(&l);
}

/* The checked-in seed scenario loads cleanly. */
static void test_seed_config_file(void **state)
{
	(void)state;
	struct cfg_scenario s;
	struct diags d;
	diags_init(&d);
	assert_true(cfg_load(&s, "config.yaml", NULL, 0, &d));
	assert_int_equal(d.errors, 0);
	assert_string_equal(s.dir, ".");
	assert_string_equal(s.ddb.items, "samples/simplelist.json");
	assert_string_equal(s.stepfunc.definition, CFG_SEED_DEFINITION);
	assert_true(s.stepfunc.definition_is_seed);
	assert_true(s.lambda.def.duration.ms == 120);
	cfg_scenario_fini(&s);
	diags_fini(&d);
}

static const char every_type[] =
    "ddb:\n"
    "  tableName: My.Table-1_x\n"
    "  items: data/items.csv\n"
    "stepfunc:\n"
    "  maxConcurrency: 0\n"
    "  definition: /abs/machine.asl.json\n"
    "lambda:\n"
    "  accountConcurrency: 0\n"
    "  default:\n"
    "    duration: {model: uniform, minMs: 10, maxMs: 30.5}\n"
    "    coldStart: {probability: 0.25, initMs: 400}\n"
    "    memoryMB: 10240\n"
    "    errors: {rate: 0.1, error: Boom, cause: bad luck}\n"
    "    command: [python3, handler.py, \"--flag x\"]\n"
    "    timeoutMs: 900000\n"
    "  functions:\n"
    "    charge-*:\n"
    "      duration: {model: lognormal, medianMs: 100, p99Ms: 900}\n"
    "      coldStart: {firstInvocationPerInstance: true}\n"
    "      errors: {invocations: \"2-3\"}\n"
    "    \"arn:aws:lambda:*:*:function:Exact\":\n"
    "      duration: 5\n"
    "      memoryMB: 256\n"
    "services:\n"
    "  \"arn:aws:states:::sns:publish\":\n"
    "    duration: {model: normal, meanMs: 40, stddevMs: 5}\n"
    "    result: {MessageId: abc, n: 3, ok: true, none: null, q: \"7\", l: [1.5]}\n"
    "    errors: {invocations: 4}\n"
    "simulation:\n"
    "  seed: 42\n"
    "  startTime: 2024-02-29T23:59:59.5+01:00\n"
    "  speed: 0.25\n"
    "  inlineMapConcurrencyCap: 0\n"
    "  historyEventLimit: 0\n";

static void test_every_type(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, every_type);
	assert_string_equal(l.errors, "");
	const struct cfg_scenario *s = &l.s;
	assert_string_equal(s->ddb.table_name, "My.Table-1_x");
	assert_string_equal(s->ddb.items, "conf/data/items.csv");
	assert_int_equal(s->stepfunc.max_concurrency, 0);
	assert_string_equal(s->stepfunc.definition, "/abs/machine.asl.json");
	assert_false(s->stepfunc.definition_is_seed);
	assert_int_equal(s->stepfunc.definition_at.line, 6);
	assert_int_equal(s->stepfunc.definition_at.column, 15);
	assert_int_equal(s->ddb.items_at.line, 3);
	assert_int_equal(s->lambda.account_concurrency, 0);
	const struct cfg_lambda_fn *f = &s->lambda.def;
	assert_int_equal(f->duration.model, CFG_DUR_UNIFORM);
	assert_true(f->duration.min_ms == 10 && f->duration.max_ms == 30.5);
	assert_int_equal(f->cold_start.mode, CFG_COLD_PROBABILITY);
	assert_true(f->cold_start.probability == 0.25 && f->cold_start.init_ms == 400);
	assert_int_equal(f->memory_mb, 10240);
	assert_int_equal(f->errors.mode, CFG_ERR_RATE);
	assert_true(f->errors.rate == 0.1);
	assert_string_equal(f->errors.error, "Boom");
	assert_string_equal(f->errors.cause, "bad luck");
	assert_int_equal(f->command.argc, 3);
	assert_string_equal(f->command.argv[2], "--flag x");
	assert_null(f->command.argv[3]);
	assert_int_equal(f->timeout_ms, 900000);

	assert_int_equal(s->lambda.function_count, 2);
	const struct cfg_lambda_fn *g = &s->lambda.functions[0];
	assert_string_equal(g->pattern, "charge-*");
	assert_int_equal(g->duration.model, CFG_DUR_LOGNORMAL);
	assert_true(g->duration.median_ms == 100 && g->duration.p99_ms == 900);
	assert_int_equal(g->cold_start.mode, CFG_COLD_FIRST_PER_INSTANCE);
	assert_true(g->cold_start.init_ms == 250);
	assert_int_equal(g->errors.mode, CFG_ERR_INVOCATIONS);
	assert_int_equal(g->errors.first, 2);
	assert_int_equal(g->errors.last, 3);
	assert_string_equal(g->errors.error, "Exception");
	assert_null(g->errors.cause);
	/* unset keys inherit from lambda.default */
	assert_int_equal(g->memory_mb, 10240);
	assert_int_equal(g->command.argc, 3);
	assert_string_equal(g->command.argv[0], "python3");
	const struct cfg_lambda_fn *h = &s->lambda.functions[1];
	assert_int_equal(h->duration.model, CFG_DUR_FIXED);
	assert_true(h->duration.ms == 5);
	assert_int_equal(h->memory_mb, 256);
	assert_int_equal(h->errors.mode, CFG_ERR_RATE);

	assert_int_equal(s->services.count, 1);
	const struct cfg_service *sv = &s->services.list[0];
	assert_int_equal(sv->duration.model, CFG_DUR_NORMAL);
	assert_true(sv->duration.mean_ms == 40 && sv->duration.stddev_ms == 5);
	char *r = doc_dumps(sv->result, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(r, "{\"MessageId\":\"abc\",\"l\":[1.5],\"n\":3,\"none\":null,"
			       "\"ok\":true,\"q\":\"7\"}");
	free(r);
	assert_int_equal(sv->errors.mode, CFG_ERR_INVOCATIONS);
	assert_int_equal(sv->errors.first, 4);
	assert_int_equal(sv->errors.last, 4);

	assert_int_equal(s->simulation.seed, 42);
	/* 2024-02-29T22:59:59.5Z */
	assert_int_equal(s->simulation.start_time.epoch_ms, 1709247599500LL);
	assert_true(s->simulation.speed == 0.25);
	assert_int_equal(s->simulation.inline_map_concurrency_cap, 0);
	assert_int_equal(s->simulation.history_event_limit, 0);
	unload(&l);
}

static void test_type_errors(void **state)
{
	(void)state;
	expect_errors("stepfunc:\n"
		      "  maxConcurrency: three\n"
		      "  waitDurationSeconds: 2.5\n"
		      "  timeoutDurationSeconds: \"20\"\n"
		      "simulation:\n"
		      "  speed: fast\n"
		      "  startTime: yesterday\n"
		      "lambda:\n"
		      "  default:\n"
		      "    coldStart: {firstInvocationPerInstance: yes}\n"
		      "    command: python3 handler.py\n"
		      "    duration: {model: fixed}\n"
		      "ddb: [a]\n",
		      "c.yaml:2:19: stepfunc.maxConcurrency must be an integer, got 'three'\n"
		      "c.yaml:3:24: stepfunc.waitDurationSeconds must be an integer, got '2.5'\n"
		      "c.yaml:4:27: stepfunc.timeoutDurationSeconds must be an integer, got the "
		      "quoted string \"20\"\n"
		      "c.yaml:6:10: simulation.speed must be a number, got 'fast'\n"
		      "c.yaml:7:14: simulation.startTime must be an RFC 3339 timestamp like "
		      "\"2024-05-14T10:15:00Z\", got 'yesterday'\n"
		      "c.yaml:10:45: lambda.default.coldStart.firstInvocationPerInstance must be "
		      "true or false, got 'yes'\n"
		      "c.yaml:11:14: lambda.default.command must be a non-empty list of arguments "
		      "like [python3, handler.py] (it runs without a shell), got 'python3 "
		      "handler.py'\n"
		      "c.yaml:12:15: lambda.default.duration: the fixed model needs 'ms'\n"
		      "c.yaml:13:6: ddb must be a mapping, got a list\n");
}

static void test_range_errors(void **state)
{
	(void)state;
	expect_errors(
	    "stepfunc:\n"
	    "  maxConcurrency: -1\n"
	    "  waitDurationSeconds: 100000000\n"
	    "  timeoutDurationSeconds: 0\n"
	    "lambda:\n"
	    "  default:\n"
	    "    memoryMB: 127\n"
	    "    timeoutMs: 0\n"
	    "    coldStart: {probability: 1.5}\n"
	    "    errors: {rate: -0.1}\n"
	    "    duration: {model: uniform, minMs: 5, maxMs: 4}\n"
	    "simulation:\n"
	    "  speed: 0\n"
	    "  seed: -1\n"
	    "ddb:\n"
	    "  tableName: ab\n"
	    "  partitionKeyName: \"\"\n",
	    "c.yaml:2:19: stepfunc.maxConcurrency must be between 0 and 99999999, got -1\n"
	    "c.yaml:3:24: stepfunc.waitDurationSeconds must be between 0 and 99999999, "
	    "got 100000000\n"
	    "c.yaml:4:27: stepfunc.timeoutDurationSeconds must be between 1 and 99999999, "
	    "got 0\n"
	    "c.yaml:7:15: lambda.default.memoryMB must be between 128 and 10240, got 127\n"
	    "c.yaml:8:16: lambda.default.timeoutMs must be between 1 and 900000, got 0\n"
	    "c.yaml:9:30: lambda.default.coldStart.probability must be between 0 and 1, "
	    "got 1.5\n"
	    "c.yaml:10:20: lambda.default.errors.rate must be between 0 and 1, got -0.1\n"
	    "c.yaml:11:49: lambda.default.duration.maxMs must be at least minMs (5)\n"
	    "c.yaml:13:10: simulation.speed must be greater than 0 and at most 1000, got "
	    "0\n"
	    "c.yaml:14:9: simulation.seed must be between 0 and 9007199254740991, got -1\n"
	    "c.yaml:16:14: ddb.tableName must be 3 to 255 characters long, got 2\n"
	    "c.yaml:17:21: ddb.partitionKeyName must be 1 to 255 characters long, got 0\n");
}

static void test_unknown_keys(void **state)
{
	(void)state;
	expect_errors("stepfun:\n"
		      "  maxConcurrency: 3\n"
		      "stepfunc:\n"
		      "  maxConcurency: 3\n"
		      "  zzz: 1\n"
		      "  maxConcurrency: 2\n"
		      "  maxConcurrency: 4\n"
		      "lambda:\n"
		      "  functions:\n"
		      "    f:\n"
		      "      memoryMb: 256\n"
		      "      duration: {model: lognormal, medianMs: 1, p99ms: 2}\n",
		      "c.yaml:1:1: unknown key 'stepfun'; did you mean 'stepfunc'?\n"
		      "c.yaml:4:3: unknown key 'maxConcurency' in 'stepfunc'; did you mean "
		      "'maxConcurrency'?\n"
		      "c.yaml:5:3: unknown key 'zzz' in 'stepfunc' (known keys: maxConcurrency, "
		      "waitDurationSeconds, timeoutDurationSeconds, definition)\n"
		      "c.yaml:7:3: duplicate key 'maxConcurrency' in 'stepfunc'\n"
		      "c.yaml:11:7: unknown key 'memoryMb' in 'lambda.functions.f'; did you mean "
		      "'memoryMB'?\n"
		      "c.yaml:12:17: lambda.functions.f.duration: the lognormal model needs "
		      "'p99Ms'\n"
		      "c.yaml:12:49: unknown key 'p99ms' in 'lambda.functions.f.duration'; did you "
		      "mean 'p99Ms'?\n");
	expect_errors("lambda:\n  default:\n    duration: {model: gauss, ms: 1}\n",
		      "c.yaml:3:23: lambda.default.duration.model 'gauss' is not a model (fixed, "
		      "uniform, normal or lognormal)\n");
	expect_errors(
	    "lambda:\n  default:\n    duration: {model: normall}\n",
	    "c.yaml:3:23: lambda.default.duration.model 'normall' is not a model; did you "
	    "mean 'normal'?\n");
}

static void test_conflicts(void **state)
{
	(void)state;
	expect_errors("lambda:\n"
		      "  default:\n"
		      "    coldStart: {probability: 0.5, firstInvocationPerInstance: true}\n"
		      "    errors: {rate: 0.5, invocations: 1}\n"
		      "  functions:\n"
		      "    f: {errors: {error: X}}\n"
		      "    g: {errors: {invocations: \"3-1\"}}\n",
		      "c.yaml:3:16: lambda.default.coldStart: give either probability or "
		      "firstInvocationPerInstance, not both\n"
		      "c.yaml:4:38: lambda.default.errors: give either rate or invocations, not "
		      "both\n"
		      "c.yaml:6:17: lambda.functions.f.errors needs 'rate' or 'invocations'\n"
		      "c.yaml:7:31: lambda.functions.g.errors.invocations must be an invocation "
		      "number or range like \"2-3\" (counting from 0), got 3-1\n");
}

static void test_yaml_errors(void **state)
{
	(void)state;
	expect_errors("stepfunc:\n  maxConcurrency: [1\n",
		      "c.yaml:3:1: invalid YAML: did not find expected ',' or ']' while parsing a "
		      "flow sequence\n");
	expect_errors("- a\n- b\n", "c.yaml:1:1: the config must be a mapping of sections (ddb, "
				    "stepfunc, lambda, services, simulation)\n");
	/* aliases cannot make a result cyclic or explode (billion laughs) */
	expect_errors("services:\n  x:\n    result: &a [1, *a]\n",
		      "c.yaml:3:13: services.x.result is too deep or too large (at most 64 levels "
		      "and 100000 values; aliases count each time they are used)\n");
	/* an empty file and a null section are fine: defaults */
	struct loaded l;
	load(&l, "# nothing\n");
	assert_true(l.ok);
	unload(&l);
	load(&l, "ddb:\nstepfunc: ~\n");
	assert_true(l.ok);
	assert_int_equal(l.s.stepfunc.max_concurrency, 1);
	unload(&l);
}

static void test_set(void **state)
{
	(void)state;
	const char *sets[] = {
	    "stepfunc.maxConcurrency=3",
	    "stepfunc.waitDurationSeconds=25",
	    "ddb.tableName=Other",
	    "ddb.items=my/items.jsonl",
	    "lambda.default.duration={model: normal, meanMs: 50, stddevMs: 10}",
	    "lambda.functions.charge.memoryMB=512",
	    "simulation.startTime=2024-01-01T00:00:00Z",
	    "stepfunc.definition=mine.asl.json",
	};
	struct loaded l;
	load_sets(&l, "stepfunc:\n  maxConcurrency: 1\nlambda:\n  default:\n    memoryMB: 256\n",
		  sets, ARRAY_LEN(sets));
	assert_string_equal(l.errors, "");
	assert_int_equal(l.s.stepfunc.max_concurrency, 3);
	assert_int_equal(l.s.stepfunc.wait_duration_seconds, 25);
	assert_string_equal(l.s.ddb.table_name, "Other");
	/* --set paths are relative to the current folder, not the config's */
	assert_string_equal(l.s.ddb.items, "my/items.jsonl");
	assert_int_equal(l.s.lambda.def.duration.model, CFG_DUR_NORMAL);
	assert_int_equal(l.s.lambda.function_count, 1);
	assert_int_equal(l.s.lambda.functions[0].memory_mb, 512);
	assert_int_equal(l.s.simulation.start_time.epoch_ms, 1704067200000LL);
	assert_false(l.s.stepfunc.definition_is_seed);
	assert_int_equal(l.s.stepfunc.definition_at.line, 0); /* from --set */
	unload(&l);
}

static void test_set_errors(void **state)
{
	(void)state;
	const char *sets[] = {
	    "stepfunc.maxConcurrency=abc",
	    "stepfunc.maxConcurency=3",
	    "stepfunc.waitDurationSeconds=-5",
	    "nokey",
	    "=3",
	    "a..b=1",
	    "simulation.speed=[",
	    "ddb.tableName=",
	    "x\xff=1",
	};
	expect_set_errors(
	    sets, ARRAY_LEN(sets),
	    "--set =3: expected KEY=VALUE with a dotted key, e.g. stepfunc.maxConcurrency=3\n"
	    "--set a..b=1: expected KEY=VALUE with a dotted key, e.g. "
	    "stepfunc.maxConcurrency=3\n"
	    "--set ddb.tableName=: ddb.tableName must be a string, got nothing (null)\n"
	    "--set nokey: expected KEY=VALUE with a dotted key, e.g. stepfunc.maxConcurrency=3\n"
	    "--set simulation.speed=[: cannot read the value as YAML: did not find expected "
	    "node content\n"
	    "--set stepfunc.maxConcurency=3: unknown key 'maxConcurency' in 'stepfunc'; did "
	    "you mean 'maxConcurrency'?\n"
	    "--set stepfunc.maxConcurrency=abc: stepfunc.maxConcurrency must be an integer, "
	    "got 'abc'\n"
	    "--set stepfunc.waitDurationSeconds=-5: stepfunc.waitDurationSeconds must be "
	    "between 0 and 99999999, got -5\n"
	    "--set x\xff=1: the key is not valid UTF-8\n");
}

static void test_lookup(void **state)
{
	(void)state;
	assert_true(cfg_glob_match("*", ""));
	assert_true(cfg_glob_match("a*c*e", "abcde"));
	assert_true(
	    cfg_glob_match("arn:aws:lambda:*:function:f", "arn:aws:lambda:us-east-1:1:function:f"));
	assert_false(cfg_glob_match("a*c", "abcd"));
	assert_false(cfg_glob_match("abc", "ab"));
	struct loaded l;
	load(&l, "lambda:\n"
		 "  functions:\n"
		 "    \"*\": {memoryMB: 200}\n"
		 "    charge: {memoryMB: 300}\n"
		 "    \"arn:aws:lambda:eu-*\": {memoryMB: 400}\n"
		 "services:\n"
		 "  \"arn:aws:states:::sns:*\": {}\n"
		 "  \"arn:aws:states:::sns:publish\": {result: 1}\n");
	assert_true(l.ok);
	const char *arn = "arn:aws:lambda:us-east-1:123456789012:function:charge:prod";
	assert_int_equal(cfg_lambda_for(&l.s, arn)->memory_mb, 300); /* exact */
	assert_int_equal(cfg_lambda_for(&l.s, "123456789012:function:charge")->memory_mb, 300);
	assert_int_equal(cfg_lambda_for(&l.s, "other")->memory_mb, 200); /* glob */
	assert_int_equal(cfg_lambda_for(&l.s, "arn:aws:lambda:eu-west-1:1:function:x")->memory_mb,
			 200); /* first matching glob in file order */
	assert_int_equal(
	    json_integer_value(cfg_service_for(&l.s, "arn:aws:states:::sns:publish")->result), 1);
	assert_true(json_is_object(cfg_service_for(&l.s, "arn:aws:states:::sns:x")->result));
	assert_null(cfg_service_for(&l.s, "arn:aws:states:::sqs:sendMessage"));
	unload(&l);
	load(&l, NULL);
	assert_ptr_equal(cfg_lambda_for(&l.s, "anything"), &l.s.lambda.def);
	unload(&l);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void test_duration_sample(void **state)
{
	(void)state;
	struct rng r;
	rng_seed(&r, 7);
	struct cfg_duration fixed = {.model = CFG_DUR_FIXED, .ms = 120};
	assert_true(cfg_duration_sample(&fixed, &r) == 120);
	struct cfg_duration uni = {.model = CFG_DUR_UNIFORM, .min_ms = 10, .max_ms = 20};
	struct cfg_duration logn = {.model = CFG_DUR_LOGNORMAL, .median_ms = 100, .p99_ms = 1000};
	struct cfg_duration norm = {.model = CFG_DUR_NORMAL, .mean_ms = 1, .stddev_ms = 100};
	enum { N = 4001 };
	static double v[N];
	bool negative = false;
	for (int i = 0; i < N; i++) {
		double u = cfg_duration_sample(&uni, &r);
		assert_true(u >= 10 && u <= 20);
		negative = negative || cfg_duration_sample(&norm, &r) < 0;
		v[i] = cfg_duration_sample(&logn, &r);
	}
	assert_false(negative);
	qsort(v, N, sizeof(double), cmp_double);
	/* median ~ 100 and 99th percentile ~ 1000 (sampling error well under 15%) */
	assert_true(v[N / 2] > 90 && v[N / 2] < 110);
	assert_true(v[N * 99 / 100] > 800 && v[N * 99 / 100] < 1250);
}

static void test_error_and_cold_draws(void **state)
{
	(void)state;
	struct rng r;
	rng_seed(&r, 3);
	struct cfg_errors none = {.mode = CFG_ERR_NONE};
	struct cfg_errors range = {.mode = CFG_ERR_INVOCATIONS, .first = 2, .last = 3};
	struct cfg_errors half = {.mode = CFG_ERR_RATE, .rate = 0.5};
	struct cfg_errors never = {.mode = CFG_ERR_RATE, .rate = 0};
	struct cfg_errors always = {.mode = CFG_ERR_RATE, .rate = 1};
	assert_false(cfg_errors_fail(&none, 0, &r));
	assert_false(cfg_errors_fail(&range, 1, &r));
	assert_true(cfg_errors_fail(&range, 2, &r));
	assert_true(cfg_errors_fail(&range, 3, &r));
	assert_false(cfg_errors_fail(&range, 4, &r));
	int fails = 0;
	for (int i = 0; i < 1000; i++) {
		fails += cfg_errors_fail(&half, i, &r);
		assert_false(cfg_errors_fail(&never, i, &r));
		assert_true(cfg_errors_fail(&always, i, &r));
	}
	assert_true(fails > 400 && fails < 600);
	struct cfg_cold_start off = {.mode = CFG_COLD_NONE};
	struct cfg_cold_start first = {.mode = CFG_COLD_FIRST_PER_INSTANCE};
	struct cfg_cold_start p = {.mode = CFG_COLD_PROBABILITY, .probability = 0.25};
	assert_false(cfg_cold_start_is_cold(&off, true, &r));
	assert_true(cfg_cold_start_is_cold(&first, true, &r));
	assert_false(cfg_cold_start_is_cold(&first, false, &r));
	int cold = 0;
	for (int i = 0; i < 1000; i++)
		cold += cfg_cold_start_is_cold(&p, false, &r);
	assert_true(cold > 180 && cold < 320);
}

static const char seed_def[] =
    "{\"StartAt\": \"Read\", \"TimeoutSeconds\": 20, \"States\": {"
    " \"Read\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::dynamodb:getItem\","
    "  \"Parameters\": {\"TableName\": \"T\", \"Key\": {\"mapstatelist\": {\"S\": \"mapitems\"}}},"
    "  \"Next\": \"Loop\"},"
    " \"Loop\": {\"Type\": \"Map\", \"MaxConcurrency\": 1, \"End\": true,"
    "  \"Iterator\": {\"StartAt\": \"P\", \"States\": {"
    "   \"P\": {\"Type\": \"Pass\", \"Next\": \"Pause\"},"
    "   \"Pause\": {\"Type\": \"Wait\", \"Seconds\": 2, \"End\": true}}}}}}";

static void test_knobs(void **state)
{
	(void)state;
	const char *sets[] = {
	    "stepfunc.maxConcurrency=3",	 "stepfunc.waitDurationSeconds=25",
	    "stepfunc.timeoutDurationSeconds=7", "ddb.tableName=Tbl",
	    "ddb.partitionKeyName=pk",		 "ddb.partitionKeyValueField=v"};
	struct loaded l;
	load_sets(&l, NULL, sets, ARRAY_LEN(sets));
	assert_true(l.ok);
	json_t *def = json_loads(seed_def, 0, NULL);
	assert_true(cfg_apply_knobs(def, &l.s));
	json_t *want = json_loads(seed_def, 0, NULL);
	json_t *map = json_object_get(json_object_get(want, "States"), "Loop");
	json_object_set_new(map, "MaxConcurrency", json_integer(3));
	json_object_set_new(
	    json_object_get(json_object_get(json_object_get(map, "Iterator"), "States"), "Pause"),
	    "Seconds", json_integer(25));
	json_object_set_new(want, "TimeoutSeconds", json_integer(7));
	json_t *params =
	    json_object_get(json_object_get(json_object_get(want, "States"), "Read"), "Parameters");
	json_object_set_new(params, "TableName", json_string("Tbl"));
	json_object_set_new(params, "Key", json_pack("{s:{s:s}}", "pk", "S", "v"));
	assert_true(json_equal(def, want));
	json_decref(want);
	json_decref(def);
	unload(&l);

	/* A user's own definition is left alone. */
	const char *own[] = {"stepfunc.definition=mine.json", "stepfunc.maxConcurrency=3"};
	load_sets(&l, NULL, own, 2);
	def = json_loads(seed_def, 0, NULL);
	want = json_deep_copy(def);
	assert_false(cfg_apply_knobs(def, &l.s));
	assert_true(json_equal(def, want));
	json_decref(want);
	json_decref(def);
	unload(&l);
}

static void test_reference(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cfg_print_reference(f);
	fclose(f);
	assert_non_null(strstr(buf, "| key | type | default | range | description |\n"));
	assert_non_null(
	    strstr(buf, "| `stepfunc.maxConcurrency` | integer | `1` | 0..99999999 | "));
	assert_non_null(
	    strstr(buf, "| `lambda.default.memoryMB` | integer | `128` | 128..10240 | "));
	assert_non_null(strstr(buf, "| `simulation.speed` | number | `1` | > 0, ≤ 1000 | "));
	assert_non_null(strstr(buf, "| `services.<pattern>.result` | any | `{}` |"));
	assert_non_null(strstr(buf, "| `ddb.tableName` | string | `StepFunctionsProjectDDBTable` "
				    "| length 3..255 |"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_seed_config_file),
	    cmocka_unit_test(test_every_type),
	    cmocka_unit_test(test_type_errors),
	    cmocka_unit_test(test_range_errors),
	    cmocka_unit_test(test_unknown_keys),
	    cmocka_unit_test(test_conflicts),
	    cmocka_unit_test(test_yaml_errors),
	    cmocka_unit_test(test_set),
	    cmocka_unit_test(test_set_errors),
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_duration_sample),
	    cmocka_unit_test(test_error_and_cold_draws),
	    cmocka_unit_test(test_knobs),
	    cmocka_unit_test(test_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
