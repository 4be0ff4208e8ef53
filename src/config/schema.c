/*
 * The schema: every config key with its type, range, default and doc. The loader, the
 * defaults and the README's reference (cfg_print_reference) all come from these tables, so
 * they cannot drift apart.
 */
#include "config/internal.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#define S(field) offsetof(struct cfg_scenario, field)
#define F(field) offsetof(struct cfg_lambda_fn, field)
#define V(field) offsetof(struct cfg_service, field)
#define T(field) offsetof(struct cfg_table, field)
#define NO_RANGE 0, 0

const struct cfg_key cfg_schema_table[] = {
    {"partitionKey", CT_STRING, T(partition_key), 1, 255, 0, "id",
     "the table's partition key attribute", NULL},
    {"sortKey", CT_STRING, T(sort_key), 1, 255, 0, NULL,
     "its sort key attribute; none = no sort key", NULL},
    {"items", CT_PATH, T(items), NO_RANGE, 0, NULL,
     "item file put into the table at the start (same formats as `ddb.items`; plain JSON "
     "objects are marshalled like boto3's TypeSerializer); none = empty",
     NULL},
    {0},
};

static const struct cfg_key ddb_keys[] = {
    {"tableName", CT_STRING, S(ddb.table_name), 3, 255, CF_TABLE_NAME,
     "StepFunctionsProjectDDBTable",
     "DynamoDB table the seed's GetItem task reads (written into the seed definition)", NULL},
    {"partitionKeyName", CT_STRING, S(ddb.partition_key_name), 1, 255, 0, "mapstatelist",
     "partition key attribute of the table's single item", NULL},
    {"partitionKeyValueField", CT_STRING, S(ddb.partition_key_value_field), 1, 2048, 0, "mapitems",
     "partition key value of that item (a string)", NULL},
    {"items", CT_PATH, S(ddb.items), NO_RANGE, 0, "samples/simplelist.json",
     "item file loaded into the item's `values` list: JSON array, DynamoDB JSON, JSON Lines "
     "or CSV",
     NULL},
    {"tables", CT_TABLES, S(ddb.tables), NO_RANGE, 0, "{}",
     "other DynamoDB tables by name → `{partitionKey, sortKey, items}`; a table a definition "
     "writes to without an entry here is created on its first putItem/updateItem, keyed by "
     "the first `Key` it is given",
     cfg_schema_table},
    {0},
};

static const struct cfg_key stepfunc_keys[] = {
    {"maxConcurrency", CT_INT, S(stepfunc.max_concurrency), 0, 99999999, 0, "1",
     "the Map's MaxConcurrency: 1 = one item at a time, 0 = no limit", NULL},
    {"waitDurationSeconds", CT_INT, S(stepfunc.wait_duration_seconds), 0, 99999999, 0, "2",
     "Seconds of the Wait state inside the Map", NULL},
    {"timeoutDurationSeconds", CT_INT, S(stepfunc.timeout_duration_seconds), 1, 99999999, 0, "20",
     "the state machine's TimeoutSeconds", NULL},
    {"definition", CT_PATH, S(stepfunc.definition), NO_RANGE, CF_SEED_PATH, CFG_SEED_DEFINITION,
     "state machine definition; the three knobs above apply only to the seed machine", NULL},
    {0},
};

const struct cfg_key cfg_schema_lambda_fn[] = {
    {"duration", CT_DURATION, F(duration), NO_RANGE, 0, "{model: fixed, ms: 100}",
     "run time: `{model: fixed, ms}`, `{model: uniform, minMs, maxMs}`, "
     "`{model: normal, meanMs, stddevMs}` or `{model: lognormal, medianMs, p99Ms}`; "
     "a bare number = fixed ms",
     NULL},
    {"coldStart", CT_COLD, F(cold_start), NO_RANGE, 0, "{}",
     "`{probability: P, initMs}` or `{firstInvocationPerInstance: true, initMs}` "
     "(initMs default 250); `{}` = never cold",
     NULL},
    {"memoryMB", CT_INT, F(memory_mb), 128, 10240, 0, "128",
     "the function's memory size (informational: the duration model sets the run time)", NULL},
    {"errors", CT_ERRORS, F(errors), NO_RANGE, 0, "{}",
     "injected failures: `{rate: 0..1, error, cause}` or `{invocations: \"2-3\", error, "
     "cause}` (0-based, retries count); error default `Exception`; `{}` = none",
     NULL},
    {"command", CT_ARGV, F(command), NO_RANGE, 0, NULL,
     "argv list of a local handler, run in the config's folder without a shell: event JSON "
     "on stdin, result JSON on stdout",
     NULL},
    {"timeoutMs", CT_INT, F(timeout_ms), 1, 900000, 0, "3000",
     "the function's timeout; a longer run fails (`Lambda.Unknown` through `lambda:invoke`)", NULL},
    {0},
};

static const struct cfg_key lambda_keys[] = {
    {"default", CT_SECTION, S(lambda.def), NO_RANGE, 0, NULL,
     "the model of every function without its own entry", cfg_schema_lambda_fn},
    {"functions", CT_FUNCTIONS, S(lambda.functions), NO_RANGE, 0, "{}",
     "function name or ARN glob (`*`) → the keys of `lambda.default`; unset keys inherit "
     "from it; first match wins, exact names before globs",
     cfg_schema_lambda_fn},
    {"accountConcurrency", CT_INT, S(lambda.account_concurrency), 0, 1000000, 0, "1000",
     "concurrent invocations beyond this fail with `Lambda.TooManyRequestsException`; 0 = no "
     "limit",
     NULL},
    {0},
};

const struct cfg_key cfg_schema_service[] = {
    {"duration", CT_DURATION, V(duration), NO_RANGE, 0, "{model: fixed, ms: 50}",
     "run time (same models as `lambda.default.duration`)", NULL},
    {"result", CT_JSON, V(result), NO_RANGE, 0, "{}", "the service's raw result (any YAML/JSON)",
     NULL},
    {"errors", CT_ERRORS, V(errors), NO_RANGE, 0, "{}",
     "injected failures (same form as `lambda.default.errors`)", NULL},
    {0},
};

static const struct cfg_key simulation_keys[] = {
    {"seed", CT_UINT, S(simulation.seed), 0, 9007199254740991.0, 0, "1",
     "random seed: same seed, same run", NULL},
    {"startTime", CT_TIME, S(simulation.start_time), NO_RANGE, 0, "\"2024-05-14T10:15:00Z\"",
     "virtual wall-clock time of the execution start (RFC 3339)", NULL},
    {"speed", CT_NUMBER, S(simulation.speed), 0, 1000, CF_MIN_EXCLUSIVE, "1",
     "TUI playback: virtual seconds per wall second", NULL},
    {"inlineMapConcurrencyCap", CT_INT, S(simulation.inline_map_concurrency_cap), 0, 10000, 0, "40",
     "AWS runs at most this many inline Map iterations at once; 0 = no cap", NULL},
    {"historyEventLimit", CT_INT, S(simulation.history_event_limit), 0, 100000000, 0, "25000",
     "the execution fails when its history reaches this many events; 0 = no limit", NULL},
    {0},
};

/* AWS list prices for us-east-1 (N. Virginia), checked on 2026-11-25 (the pages state no
 * date, so asOf is the day they were read); free tiers are ignored:
 * - https://aws.amazon.com/step-functions/pricing/ : Standard $0.025 per 1,000 state
 *   transitions (= 0.000025 each, retries included). Express: $1.00 per million requests
 *   and $0.00001667 per GB-second in the first duration tier (100 ms steps, 64 MB chunks);
 *   the page renders its Express table client-side, so these two were confirmed from
 *   https://aws.amazon.com/blogs/compute/building-cost-effective-aws-step-functions-workflows/
 *   (requests) and secondary price guides (GB-second), not from the table itself.
 * - https://aws.amazon.com/lambda/pricing/ : $0.20 per million requests; x86 duration
 *   $0.0000166667 per GB-second for the first 6 billion GB-seconds a month (1 ms steps).
 * The values written from memory on 2024-05-01 all matched; only asOf moved. */
static const struct cfg_key pricing_keys[] = {
    {"asOf", CT_STRING, S(pricing.as_of), 1, 64, 0, "\"2026-11-25\"",
     "the date the prices below were taken (shown beside every estimate)", NULL},
    {"region", CT_STRING, S(pricing.region), 1, 64, 0, "us-east-1", "the region the prices are for",
     NULL},
    {"standardPerTransition", CT_NUMBER, S(pricing.standard_per_transition), 0, 1, 0, "0.000025",
     "Standard workflows: USD per state transition (retries count; the 4,000/month free "
     "tier is ignored)",
     NULL},
    {"expressPerMillionRequests", CT_NUMBER, S(pricing.express_per_million_requests), 0, 1000, 0,
     "1.00", "Express workflows: USD per million executions", NULL},
    {"expressPerGbSecond", CT_NUMBER, S(pricing.express_per_gb_second), 0, 1, 0, "0.00001667",
     "Express workflows: USD per GB-second (first tier; duration billed in 100 ms steps)", NULL},
    {"expressMemoryMB", CT_INT, S(pricing.express_memory_mb), 64, 1048576, 0, "64",
     "Express workflows: billed memory, rounded up to 64 MB steps (64 = the minimum; the "
     "simulator does not measure it)",
     NULL},
    {"lambdaPerMillionRequests", CT_NUMBER, S(pricing.lambda_per_million_requests), 0, 1000, 0,
     "0.20", "Lambda: USD per million requests", NULL},
    {"lambdaPerGbSecond", CT_NUMBER, S(pricing.lambda_per_gb_second), 0, 1, 0, "0.0000166667",
     "Lambda (x86): USD per GB-second of billed duration (simulated run time rounded up to "
     "1 ms, times `memoryMB`)",
     NULL},
    {0},
};

const struct cfg_key cfg_schema_root[] = {
    {"ddb", CT_SECTION, 0, NO_RANGE, 0, NULL, "the seed's DynamoDB table", ddb_keys},
    {"stepfunc", CT_SECTION, 0, NO_RANGE, 0, NULL, "the state machine", stepfunc_keys},
    {"lambda", CT_SECTION, 0, NO_RANGE, 0, NULL, "Lambda function models", lambda_keys},
    {"services", CT_SERVICES, S(services), NO_RANGE, 0, "{}",
     "Task resource ARN glob (`*`) → a generic model `{duration, result, errors}` for "
     "resources without a built-in model",
     cfg_schema_service},
    {"simulation", CT_SECTION, 0, NO_RANGE, 0, NULL, "the simulator", simulation_keys},
    {"pricing", CT_SECTION, 0, NO_RANGE, 0, NULL, "prices for the cost estimate (`run`, `sweep`)",
     pricing_keys},
    {0},
};

static const char *type_name(const struct cfg_key *k)
{
	switch (k->type) {
	case CT_SECTION:
		return "section";
	case CT_INT:
	case CT_UINT:
		return "integer";
	case CT_NUMBER:
		return "number";
	case CT_BOOL:
		return "bool";
	case CT_STRING:
		return "string";
	case CT_PATH:
		return "path";
	case CT_TIME:
		return "timestamp";
	case CT_DURATION:
		return "duration";
	case CT_COLD:
		return "cold start";
	case CT_ERRORS:
		return "errors";
	case CT_ARGV:
		return "list of strings";
	case CT_JSON:
		return "any";
	case CT_FUNCTIONS:
	case CT_SERVICES:
	case CT_TABLES:
		return "map";
	}
	return "?";
}

static void print_num(FILE *out, double v)
{
	if (v == floor(v) && fabs(v) < 1e16)
		fprintf(out, "%.0f", v);
	else
		fprintf(out, "%g", v);
}

static void print_range(FILE *out, const struct cfg_key *k)
{
	if (k->type == CT_INT || k->type == CT_UINT || k->type == CT_NUMBER) {
		if (k->flags & CF_MIN_EXCLUSIVE)
			fputs("> ", out);
		print_num(out, k->min);
		fputs(k->flags & CF_MIN_EXCLUSIVE ? ", ≤ " : "..", out);
		print_num(out, k->max);
	} else if (k->type == CT_STRING) {
		fputs("length ", out);
		print_num(out, k->min);
		fputs("..", out);
		print_num(out, k->max);
	}
}

static void print_rows(FILE *out, const struct cfg_key *keys, const char *prefix)
{
	for (const struct cfg_key *k = keys; k->name; k++) {
		char *path = *prefix ? xasprintf("%s.%s", prefix, k->name) : xstrdup(k->name);
		if (k->type == CT_SECTION && !k->offset && !*prefix) {
			print_rows(out, k->sub, path);
			free(path);
			continue;
		}
		fprintf(out, "| `%s` | %s | ", path, type_name(k));
		if (k->def)
			fprintf(out, "`%s`", k->def);
		else
			fputs(k->type == CT_SECTION ? "" : "none", out);
		fputs(" | ", out);
		print_range(out, k);
		fprintf(out, " | %s |\n", k->doc);
		if (k->type == CT_SECTION)
			print_rows(out, k->sub, path);
		else if (k->type == CT_SERVICES || k->type == CT_FUNCTIONS ||
			 k->type == CT_TABLES) {
			char *sub =
			    xasprintf(k->type == CT_TABLES ? "%s.<name>" : "%s.<pattern>", path);
			if (k->type != CT_FUNCTIONS)
				print_rows(out, k->sub, sub);
			free(sub);
		}
		free(path);
	}
}

void cfg_print_reference(FILE *out)
{
	fputs("| key | type | default | range | description |\n", out);
	fputs("|---|---|---|---|---|\n", out);
	print_rows(out, cfg_schema_root, "");
}
