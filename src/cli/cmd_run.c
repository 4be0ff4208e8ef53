/*
 * `stepscope run`: one headless simulation. Prints a readable summary, one JSON object
 * (--json), the event log's text form (--events) or the Lambda functions' logs (--logs). Exit 0
 * when the execution succeeded, 1 when it did not, 2 on bad usage or input.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "analysis/analysis.h"
#include "asl/asl.h"
#include "config/config.h"
#include "event/event.h"
#include "explain/explain.h"
#include "flow/flow.h"
#include "export/export.h"
#include "history/children.h"
#include "history/history.h"
#include "items/items.h"
#include "sim/assemble.h"
#include "sim/sim.h"

static const char run_usage[] =
    "usage: stepscope run [--json | --events | --logs | --child-events]\n"
    "                     [--input FILE|-] [--config FILE]\n"
    "                     [--set KEY=VALUE]... [--items FILE] [--mock-config FILE\n"
    "                     [--test-case NAME] [--machine-name NAME]] [--seed N]\n"
    "                     [--start-time RFC3339] [--history-out FILE]\n"
    "                     [--trace-out FILE] [--svg-out FILE] [--explain STATE[#N]]\n"
    "                     [--timing] [DEFINITION]\n"
    "\n"
    "Simulates one execution in virtual time (nothing sleeps) and prints a summary.\n"
    "Without DEFINITION it runs the scenario's (./config.yaml or --config: the seed\n"
    "machine with its knobs applied).\n"
    "  --json              one JSON object: status, output or error/cause, dates, counts\n"
    "  --events            the history, one line per event\n"
    "  --child-events      each Distributed Map child execution's history, one line per\n"
    "                      event after a `== NAME STATUS` line\n"
    "  --logs              the simulated CloudWatch logs of the Lambda functions, in\n"
    "                      time order, as `aws logs tail` prints them\n"
    "  --input FILE|-      the execution input (JSON; default {})\n"
    "  --config FILE       the scenario: Lambda and service models, seed, limits\n"
    "  --set KEY=VALUE     override one scenario key, e.g. stepfunc.maxConcurrency=3\n"
    "  --items FILE        the items: the seed's DynamoDB table, a Distributed Map's reader\n"
    "  --mock-config FILE  a Step Functions Local MockConfigFile (JSON or YAML)\n"
    "  --test-case NAME    its test case (default: the only one)\n"
    "  --machine-name NAME its state machine (default: the only one)\n"
    "  --seed N            seed of every random choice (default: simulation.seed, 1)\n"
    "  --start-time T      wall-clock start, e.g. 2024-05-14T10:15:00Z\n"
    "  --history-out FILE  write the history as get-execution-history JSON; Distributed\n"
    "                      Map child executions go to FILE.children/NAME.json\n"
    "  --trace-out FILE    write a Chrome trace-event JSON (Perfetto, chrome://tracing)\n"
    "  --svg-out FILE      write the timeline as an SVG image\n"
    "  --explain STATE[#N] instead of the summary, why the state's last visit (in Map\n"
    "                      item N) produced its output: each data-flow step, or which\n"
    "                      Choice rule matched and why the others did not\n"
    "  --timing            when done, print on stderr where this process's time went:\n"
    "                      loading, simulating, writing the outputs (real milliseconds)\n"
    "Exit status: 0 succeeded, 1 did not succeed, 2 usage or input error.\n";

/* --timing: monotonic milliseconds at the command's start, around the simulation and after
 * the last output (make bench compares the total with the peer's own in-process time). */
struct run_clock {
	double start, sim_start, sim_end, end;
	double cpu_start; /* the process's CPU time at the command's start */
};

/* CPU time of the whole process so far (every thread), in milliseconds: --timing prints what
 * the command used, as it prints the command's real time. */
static double cpu_ms(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static void print_timing(const struct run_clock *c, size_t events)
{
	fprintf(stderr,
		"stepscope: timing: %.1f ms (load %.1f, simulate %.1f, output %.1f), CPU %.1f ms, "
		"%zu events\n",
		c->end - c->start, c->sim_start - c->start, c->sim_end - c->sim_start,
		c->end - c->sim_end, cpu_ms() - c->cpu_start, events);
}

enum run_format { FMT_SUMMARY, FMT_JSON, FMT_EVENTS, FMT_LOGS, FMT_EXPLAIN, FMT_CHILD_EVENTS };

struct run_args {
	enum run_format format;
	const char *input, *mock, *test_case, *machine_name, *definition;
	const char *config, *items, *history_out, *trace_out, *svg_out, *explain;
	VEC(const char *) sets;
	bool seed_given, start_given, timing;
	struct sim_options opt;
	struct run_clock clock; /* --timing */
};

static bool takes_value(const char *a)
{
	static const char *const with[] = {
	    "--input",	      "--seed",	   "--start-time", "--mock-config", "--test-case",
	    "--machine-name", "--config",  "--set",	   "--items",	    "--history-out",
	    "--trace-out",    "--svg-out", "--explain"};
	for (size_t i = 0; i < sizeof(with) / sizeof(with[0]); i++)
		if (strcmp(a, with[i]) == 0)
			return true;
	return false;
}

static int set_value(struct run_args *ra, const char *a, const char *v)
{
	if (strcmp(a, "--input") == 0)
		ra->input = v;
	else if (strcmp(a, "--mock-config") == 0)
		ra->mock = v;
	else if (strcmp(a, "--test-case") == 0)
		ra->test_case = v;
	else if (strcmp(a, "--machine-name") == 0)
		ra->machine_name = v;
	else if (strcmp(a, "--config") == 0)
		ra->config = v;
	else if (strcmp(a, "--items") == 0)
		ra->items = v;
	else if (strcmp(a, "--history-out") == 0)
		ra->history_out = v;
	else if (strcmp(a, "--trace-out") == 0)
		ra->trace_out = v;
	else if (strcmp(a, "--explain") == 0) {
		if (ra->format != FMT_SUMMARY) {
			cli_error("run: --explain excludes --json, --events and --logs");
			return cli_usage_hint("run");
		}
		ra->explain = v;
		ra->format = FMT_EXPLAIN;
	} else if (strcmp(a, "--svg-out") == 0)
		ra->svg_out = v;
	else if (strcmp(a, "--set") == 0)
		VEC_PUSH(ra->sets, v);
	else if (strcmp(a, "--seed") == 0) {
		char *end;
		errno = 0;
		unsigned long long s = strtoull(v, &end, 10);
		if (errno || *end || !*v || *v == '-') {
			cli_error("run: --seed wants a non-negative integer, not '%s'", v);
			return cli_usage_hint("run");
		}
		ra->opt.seed = s;
		ra->seed_given = true;
	} else if (strcmp(a, "--start-time") == 0) {
		if (!sim_parse_timestamp(v, &ra->opt.start_epoch_ms)) {
			cli_error("run: --start-time wants an RFC 3339 time such as "
				  "2024-05-14T10:15:00Z, not '%s'",
				  v);
			return cli_usage_hint("run");
		}
		ra->start_given = true;
	}
	return -1;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct run_args *ra)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(run_usage, stdout);
			return EXIT_OK;
		}
		if (strcmp(a, "--json") == 0 || strcmp(a, "--events") == 0 ||
		    strcmp(a, "--logs") == 0 || strcmp(a, "--child-events") == 0) {
			enum run_format f = a[2] == 'j'	  ? FMT_JSON
					    : a[2] == 'e' ? FMT_EVENTS
					    : a[2] == 'l' ? FMT_LOGS
							  : FMT_CHILD_EVENTS;
			if (ra->format != FMT_SUMMARY && ra->format != f) {
				cli_error(
				    "run: --json, --events, --logs, --child-events and --explain "
				    "exclude each other");
				return cli_usage_hint("run");
			}
			ra->format = f;
		} else if (strcmp(a, "--timing") == 0) {
			ra->timing = true;
		} else if (takes_value(a)) {
			if (i + 1 >= argc) {
				cli_error("run: %s needs a value", a);
				return cli_usage_hint("run");
			}
			int rc = set_value(ra, a, argv[++i]);
			if (rc >= 0)
				return rc;
		} else if (a[0] == '-' && a[1]) {
			cli_error("run: unknown option '%s'", a);
			return cli_usage_hint("run");
		} else if (ra->definition) {
			cli_error("run: one DEFINITION only ('%s' and '%s')", ra->definition, a);
			return cli_usage_hint("run");
		} else {
			ra->definition = a;
		}
	}
	if ((ra->test_case || ra->machine_name) && !ra->mock) {
		cli_error("run: --test-case and --machine-name need --mock-config");
		return cli_usage_hint("run");
	}
	return -1;
}

/* The input's value; its text in *text_out (owned by the caller; NULL without a file): the
 * exported history keeps it as sent (hist_export_input), but for the file's last line end,
 * which a shell's "$(cat FILE)" or an SDK caller would not send either. */
static json_t *read_input(const char *path, char **text_out)
{
	*text_out = NULL;
	if (!path)
		return json_object();
	size_t len;
	char *err = NULL;
	char *text = file_read_all(path, &len, &err);
	if (!text) {
		cli_error("run: cannot read input %s: %s", path, err);
		free(err);
		return NULL;
	}
	json_error_t je;
	json_t *v = json_loadb(text, len, JSON_DECODE_ANY, &je);
	if (!v)
		fprintf(stderr, "%s:%d:%d: error: %s\n", strcmp(path, "-") ? path : "<stdin>",
			je.line, je.column, je.text);
	/* One final line end: a file's last line is ended, a request's text need not be (a
	 * recorded input ending in its own line end comes back from mock-from --input-out). */
	if (len > 0 && text[len - 1] == '\n')
		len -= len > 1 && text[len - 2] == '\r' ? 2 : 1;
	text[len] = '\0';
	/* StartExecution refuses a longer input (aws-facts: 256 KiB, in UTF-8 bytes). */
	if (v && len > FLOW_PAYLOAD_LIMIT) {
		cli_error("run: input %s is %zu bytes; Step Functions accepts at most %d",
			  strcmp(path, "-") ? path : "<stdin>", len, FLOW_PAYLOAD_LIMIT);
		json_decref(v);
		v = NULL;
	}
	if (v && strlen(text) == len)
		*text_out = text;
	else
		free(text);
	return v;
}

static void print_diags(struct diags *d, const char *file)
{
	diags_sort(d);
	size_t len = 0;
	char *err = NULL;
	char *src = file ? file_read_all(file, &len, &err) : NULL;
	free(err);
	diags_print(stderr, d, src, len);
	free(src);
}

static void print_json(struct sim_engine *e, const struct ev_log *log,
		       const struct sim_options *opt, const struct hist_map_runs *runs)
{
	struct sim_stats st;
	sim_get_stats(e, &st);
	char start[40], stop[40];
	/* The same form as `stepscope replay --json` (AWS CLI v2 style). */
	ev_time_format(opt->start_epoch_ms, start);
	ev_time_format(opt->start_epoch_ms + st.duration_ms, stop);
	json_t *o = json_pack("{s:s}", "status", sim_status_name(sim_status(e)));
	if (sim_status(e) == SIM_SUCCEEDED) {
		json_object_set(o, "output", sim_output(e));
	} else {
		const char *er = sim_error(e), *ca = sim_cause(e);
		json_object_set_new(o, "error", er ? json_string(er) : json_null());
		json_object_set_new(o, "cause", ca ? json_string(ca) : json_null());
	}
	json_object_set_new(o, "startDate", json_string(start));
	json_object_set_new(o, "stopDate", json_string(stop));
	json_object_set_new(o, "durationMs", json_integer(st.duration_ms));
	json_object_set_new(o, "events", json_integer((json_int_t)ev_log_count(log)));
	/* The same Map Run summary as `stepscope replay --json --children DIR`. */
	if (hist_map_run_count(runs))
		json_object_set_new(o, "mapRuns", hist_map_runs_json(runs, true));
	cli_print_json(o, stdout);
	json_decref(o);
}

static void print_summary(struct sim_engine *e, const struct ev_log *log,
			  const struct cfg_scenario *sc, const struct hist_map_runs *runs)
{
	struct sim_stats st;
	sim_get_stats(e, &st);
	printf("status       %s\n", sim_status_name(sim_status(e)));
	printf("duration     %" PRId64 ".%03" PRId64 " s (virtual)\n", st.duration_ms / 1000,
	       st.duration_ms % 1000);
	printf("transitions  %" PRId64 "\n", st.transitions);
	printf("events       %zu\n", ev_log_count(log));
	printf("lambda       %" PRId64 " invocation%s\n", st.lambda_invocations,
	       st.lambda_invocations == 1 ? "" : "s");
	struct an_cost c;
	an_cost_estimate(log, sc, &c);
	printf("cost         %.6f USD (transitions %.6f + Lambda %.6f; %s prices of %s)\n",
	       c.total_usd, c.standard_usd, c.lambda_usd, sc->pricing.region, sc->pricing.as_of);
	if (sim_status(e) != SIM_SUCCEEDED) {
		printf("error        %s\n", sim_error(e) ? sim_error(e) : "-");
		printf("cause        %s\n", sim_cause(e) ? sim_cause(e) : "-");
	}
	hist_map_runs_print(runs, true, stdout);
	int w = 5;
	for (size_t i = 0; i < st.state_count; i++) {
		int n = (int)strlen(st.states[i].state->name);
		w = n > w ? n : w;
	}
	printf("\n%-*s  %8s  %8s  %8s  %11s\n", w, "state", "visits", "failures", "retries",
	       "invocations");
	for (size_t i = 0; i < st.state_count; i++) {
		const struct sim_state_stats *s = &st.states[i];
		printf("%-*s  %8" PRId64 "  %8" PRId64 "  %8" PRId64 "  %11" PRId64 "\n", w,
		       s->state->name, s->visits, s->failures, s->retries, s->invocations);
	}
}

struct named {
	const char *name;
	size_t i;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* The Distributed Map children's numbers in name order (index order within a Map Run);
 * owned array. Sorted, not inserted: past 99,999 items the names no longer come in order. */
static size_t *sorted_children(const struct sim_engine *e)
{
	size_t n = sim_child_count(e);
	struct named *tmp = xcalloc(n ? n : 1, sizeof(*tmp));
	for (size_t i = 0; i < n; i++)
		tmp[i] = (struct named){sim_child(e, i)->name, i};
	qsort(tmp, n, sizeof(*tmp), cmp_named);
	size_t *v = xcalloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = tmp[i].i;
	free(tmp);
	return v;
}

/* Reads the children's histories for the history module; a history that cannot be read back
 * (the simulator's temporary file failed) is remembered and stands as an empty log, so the
 * output goes on and the command then fails (exit 2) instead of crashing. */
struct child_loader {
	const struct sim_engine *e;
	const size_t *order; /* key i is child order[i]; NULL: key i is child i */
	bool failed;
};

static struct ev_log *load_child(const void *ctx, size_t key)
{
	struct child_loader *l = (struct child_loader *)ctx; /* defined non-const below */
	struct ev_log *log = sim_child_history(l->e, l->order ? l->order[key] : key);
	if (!log) {
		l->failed = true;
		log = ev_log_new();
	}
	return log;
}

static void report_unreadable(void)
{
	fprintf(stderr, "stepscope: run: cannot read back a child execution's history "
			"(the temporary file holding it failed)\n");
}

/* The parent's Map Runs with every child tied (owned by the caller; src and e must outlive
 * it). */
static struct hist_map_runs *map_runs_of(const struct sim_engine *e, const struct ev_log *log,
					 const struct hist_child_source *src)
{
	struct hist_map_runs *runs = hist_map_runs_new_from(log, sim_first_map_run_id(e));
	size_t *v = sorted_children(e);
	for (size_t i = 0; i < sim_child_count(e); i++) {
		const struct sim_child_info *c = sim_child(e, v[i]);
		/* sim_status and hist_status list the statuses in the same order. */
		_Static_assert((int)SIM_RUNNING == (int)HIST_RUNNING &&
				   (int)SIM_SUCCEEDED == (int)HIST_SUCCEEDED &&
				   (int)SIM_FAILED == (int)HIST_FAILED &&
				   (int)SIM_TIMED_OUT == (int)HIST_TIMED_OUT &&
				   (int)SIM_ABORTED == (int)HIST_ABORTED,
			       "status orders differ");
		hist_map_runs_add_lazy(runs, c->name, (enum hist_status)c->status, c->items, src,
				       v[i]);
	}
	free(v);
	return runs;
}

/* FILE.children/NAME.json for every child execution (history/children.h). */
static bool write_children(const struct sim_engine *e, const struct ev_log *log, const char *path,
			   struct diags *d)
{
	size_t n = sim_child_count(e);
	/* A Map Run without children (a reader error) still gets its (empty) folder. */
	struct hist_map_runs *runs = hist_map_runs_new_from(log, sim_first_map_run_id(e));
	bool any = hist_map_run_count(runs) > 0;
	hist_map_runs_free(runs);
	if (!n && !any)
		return true;
	size_t *order = sorted_children(e);
	struct child_loader sorted = {e, order, false};
	struct hist_child_source src = {load_child, &sorted};
	const char **names = xcalloc(n, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = sim_child(e, order[i])->name;
	bool ok = hist_export_children_from(path, &src, names, n, d);
	if (sorted.failed) {
		diags_add(d, DIAG_ERROR, "write", path, 0, 0, NULL,
			  "cannot read back a child execution's history (the temporary file "
			  "holding it failed)");
		ok = false;
	}
	free(names);
	free(order);
	return ok;
}

/* `aws logs tail` style: "2024-05-14T10:15:02.230000+00:00 <stream> <message>". */
static void print_logs(struct sim_engine *e, const struct sim_options *opt)
{
	for (size_t i = 0; i < sim_log_count(e); i++) {
		const struct sim_log_line *l = sim_log_at(e, i);
		int64_t ms = opt->start_epoch_ms + l->t_ms;
		time_t t = (time_t)(ms / 1000);
		struct tm tm;
		gmtime_r(&t, &tm);
		printf("%04d-%02d-%02dT%02d:%02d:%02d.%03d000+00:00 %s %s\n", tm.tm_year + 1900,
		       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		       (int)(ms % 1000), l->stream, l->text);
	}
}

/* Everything a run reads, loaded and owned here. */
struct run_inputs {
	struct cfg_scenario s;
	const char *config; /* the file used, NULL for defaults */
	const char *def_path;
	struct asl_machine *m;
	json_t *input;
	char *input_text; /* as read, NULL without --input */
	struct sim_mock *mock;
	json_t *table_item;
	json_t *tables; /* ddb.tables name -> typed items */
};

static void inputs_fini(struct run_inputs *in)
{
	cfg_scenario_fini(&in->s);
	asl_machine_free(in->m);
	json_decref(in->input);
	free(in->input_text);
	sim_mock_free(in->mock);
	json_decref(in->table_item);
	json_decref(in->tables);
}

/* The files a run reads, which its outputs must never overwrite; returns how many. */
static size_t input_paths(const struct run_args *ra, const struct run_inputs *in,
			  const char *list[5])
{
	const char *inputs[] = {in->def_path, ra->input, in->config, ra->mock, ra->items};
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_LEN(inputs); i++)
		if (inputs[i] && strcmp(inputs[i], "-") != 0)
			list[n++] = inputs[i];
	return n;
}

static bool write_history(const struct run_args *ra, const struct run_inputs *in,
			  const struct ev_log *log, const struct sim_engine *e)
{
	const char *list[5];
	size_t n = input_paths(ra, in, list);
	struct diags d;
	diags_init(&d);
	bool ok = hist_export_input(log, ra->history_out, list, n, in->input_text, &d) &&
		  write_children(e, log, ra->history_out, &d);
	if (!ok)
		diags_print(stderr, &d, NULL, 0);
	diags_fini(&d);
	return ok;
}

static bool write_exports(const struct run_args *ra, const struct run_inputs *in,
			  const struct ev_log *log)
{
	const char *list[5];
	size_t n = input_paths(ra, in, list);
	ev_str_t sm = ev_log_meta_const(log)->state_machine_name;
	char *origin = xasprintf("simulation, seed %llu", (unsigned long long)ra->opt.seed);
	struct exp_outputs o = {
	    ra->trace_out, ra->svg_out, list, n, sm ? ev_log_str(log, sm) : NULL, origin};
	struct diags d;
	diags_init(&d);
	bool ok = exp_write_outputs(log, in->m, &o, &d);
	diags_print(stderr, &d, NULL, 0);
	diags_fini(&d);
	free(origin);
	return ok;
}

static void print_explain_line(void *ctx, enum xp_kind kind, const char *text)
{
	(void)kind; /* the words say it all on a plain stream */
	fprintf(ctx, "  %s\n", text);
}

/* `--explain STATE[#N]`: the state's last visit (in Map item N); false when never visited. */
static bool print_explain(const struct asl_machine *m, const struct ev_log *log, const char *spec)
{
	char *name = xstrdup(spec);
	int32_t item = -1;
	char *hash = strrchr(name, '#');
	if (hash && hash[1] && strspn(hash + 1, "0123456789") == strlen(hash + 1)) {
		*hash = '\0';
		item = (int32_t)atoi(hash + 1);
	}
	const struct asl_state *st = asl_machine_find(m, name);
	struct xp_visit v;
	bool ok = false;
	if (!st)
		cli_error("run: --explain: no state named '%s' in the definition", name);
	else if (!xp_find_visit(log, 0, name, item, &v))
		cli_error("run: --explain: '%s' was not visited%s", name,
			  item >= 0 ? " in that Map item" : "");
	else {
		printf("%s (%s), visit at %.3f s", name, asl_state_type_name(st->type),
		       (double)v.entered->t_ms / 1000.0);
		if (v.entered->item >= 0)
			printf(" in Map item #%d", (int)v.entered->item);
		printf(":\n");
		xp_explain(st, &v, print_explain_line, stdout);
		ok = true;
	}
	free(name);
	return ok;
}

/*
 * Freeing a large run's millions of small payload blocks: glibc parks small freed blocks in
 * "fast bins" and walks all of them again each time a freed neighbourhood grows past 64 KiB,
 * which made freeing cost as much as simulating. Small blocks go straight back from here on.
 */
static void teardown_mode(void)
{
#ifdef __GLIBC__
	mallopt(M_MXFAST, 0);
#endif
}

static int simulate(struct run_args *ra, struct run_inputs *in)
{
	struct ev_log *log = ev_log_new();
	struct diags d;
	diags_init(&d);
	ra->opt.mock = in->mock;
	ra->opt.items_file = ra->items;
	ra->opt.record_logs = ra->format == FMT_LOGS;
	ra->clock.sim_start = mono_ms();
	struct sim_engine *e = sim_new(in->m, in->input, &ra->opt, log, &d);
	struct sim_scenario_models *models = NULL;
	int rc = EXIT_USAGE;
	bool explain_ok = true;
	if (!e) {
		size_t len = 0;
		const char *src = asl_source_text(in->m, &len);
		diags_print(stderr, &d, src, len);
	} else {
		if (d.list.len) { /* warnings */
			size_t len = 0;
			const char *src = asl_source_text(in->m, &len);
			diags_print(stderr, &d, src, len);
		}
		models = sim_use_scenario(e, &in->s, in->table_item);
		for (size_t i = 0; i < in->s.ddb.table_count; i++) {
			const struct cfg_table *t = &in->s.ddb.tables[i];
			sim_scenario_add_table(models, t->name, t->partition_key, t->sort_key,
					       json_object_get(in->tables, t->name));
		}
		sim_run(e);
		ra->clock.sim_end = mono_ms();
		struct child_loader loader = {e, NULL, false};
		struct hist_child_source src = {load_child, &loader};
		struct hist_map_runs *runs = map_runs_of(e, log, &src);
		if (ra->format == FMT_JSON)
			print_json(e, log, &ra->opt, runs);
		else if (ra->format == FMT_EVENTS)
			ev_log_write_text(log, stdout);
		else if (ra->format == FMT_CHILD_EVENTS)
			hist_map_runs_write_text(runs, stdout);
		else if (ra->format == FMT_LOGS)
			print_logs(e, &ra->opt);
		else if (ra->format == FMT_EXPLAIN)
			explain_ok = print_explain(in->m, log, ra->explain);
		else
			print_summary(e, log, &in->s, runs);
		hist_map_runs_free(runs);
		rc = sim_status(e) == SIM_SUCCEEDED ? EXIT_OK : EXIT_NOT_SUCCEEDED;
		if (!explain_ok)
			rc = EXIT_USAGE;
		/* All outputs are checked before any is written: a refusal changes no file. */
		static const char *const out_names[] = {"--history-out", "--trace-out",
							"--svg-out"};
		const char *outs[] = {ra->history_out, ra->trace_out, ra->svg_out}, *ins[5];
		size_t n = input_paths(ra, in, ins);
		bool outs_ok = cli_outputs_ok("run", out_names, outs, 3, ins, n);
		if (!outs_ok || (ra->history_out && !write_history(ra, in, log, e)))
			rc = EXIT_USAGE;
		if (outs_ok && (ra->trace_out || ra->svg_out) && !write_exports(ra, in, log))
			rc = EXIT_USAGE;
		if (loader.failed) {
			report_unreadable();
			rc = EXIT_USAGE;
		}
		if (ra->timing) {
			fflush(stdout);
			ra->clock.end = mono_ms();
			print_timing(&ra->clock, ev_log_count(log));
		}
	}
	teardown_mode();
	/* As the log (cli_log_done): the engine's runs and queue (tens of MB at 100,000 items)
	 * go with the process unless a memory checker watches; unmapping them first cost 2 ms. */
	if (mem_tool())
		sim_free(e);
	sim_scenario_models_free(models);
	cli_log_done(log);
	diags_fini(&d);
	return rc;
}

static bool load_machine(const struct run_args *ra, struct run_inputs *in)
{
	struct diags d;
	diags_init(&d);
	bool valid;
	in->m = sim_scenario_machine(&in->s, ra->definition, &in->def_path, &valid, &d);
	if (in->m && !valid) {
		size_t len = 0;
		const char *src = asl_source_text(in->m, &len);
		diags_print(stderr, &d, src, len);
		asl_machine_free(in->m);
		in->m = NULL;
	} else if (!in->m) {
		print_diags(&d, in->def_path);
	}
	diags_fini(&d);
	return in->m != NULL;
}

/* ddb.tables' item files → typed items per table (boto3's TypeSerializer for plain JSON);
 * false after printing why. */
static bool load_tables(struct run_inputs *in)
{
	in->tables = json_object();
	bool ok = true;
	for (size_t i = 0; ok && i < in->s.ddb.table_count; i++) {
		const struct cfg_table *t = &in->s.ddb.tables[i];
		if (!t->items)
			continue;
		struct diags d;
		diags_init(&d);
		json_t *list = items_load(t->items, ITEMS_AUTO, NULL, &d);
		json_t *typed = json_array();
		size_t j;
		json_t *it;
		json_array_foreach(list, j, it)
		{
			if (!json_is_object(it)) {
				cli_error("run: %s: item %zu of table %s is not an object",
					  t->items, j, t->name);
				ok = false;
				break;
			}
			json_t *av = items_marshal(it);
			json_array_append(typed, json_object_get(av, "M"));
			json_decref(av);
		}
		if (!list) {
			print_diags(&d, t->items);
			ok = false;
		}
		json_object_set_new(in->tables, t->name, typed);
		json_decref(list);
		diags_fini(&d);
	}
	return ok;
}

/* Only a DynamoDB task reads the seed table (sim/ddb.c matches `...:dynamodb:` resources): a
 * definition that never says "dynamodb" does not get its items marshalled into one (a
 * Distributed Map's 100,000 items from --items cost 45 MB there). */
/* Scenario, definition, input, mocks and the table's items; false after printing why. */
static bool load_inputs(const struct run_args *ra, struct run_inputs *in)
{
	in->config = sim_config_path(ra->config, ra->definition);
	struct diags d;
	diags_init(&d);
	bool ok = cfg_load(&in->s, in->config, ra->sets.items, ra->sets.len, &d);
	if (!ok) {
		diags_sort(&d);
		diags_print(stderr, &d, in->s.source, in->s.source_len);
	}
	ok = ok && load_machine(ra, in) &&
	     (in->input = read_input(ra->input, &in->input_text)) != NULL;
	if (ok && ra->mock) {
		in->mock = sim_mock_load(ra->mock, ra->machine_name, ra->test_case, &d);
		if (!in->mock)
			print_diags(&d, ra->mock);
		ok = in->mock != NULL;
	}
	const char *items = sim_scenario_items_path(&in->s, ra->items, in->config, ra->definition);
	if (ok && items && !sim_scenario_table_item(&in->s, items, in->m, &in->table_item, &d)) {
		print_diags(&d, items);
		ok = false;
	}
	diags_fini(&d);
	return ok && load_tables(in);
}

int cmd_run(int argc, char **argv)
{
	struct run_args ra = {0};
	ra.clock.start = mono_ms();
	ra.clock.cpu_start = cpu_ms();
	sim_options_init(&ra.opt);
	int rc = parse_args(argc, argv, &ra);
	if (rc >= 0) {
		VEC_FREE(ra.sets);
		return rc;
	}
	struct run_inputs in = {0};
	rc = EXIT_USAGE;
	if (load_inputs(&ra, &in)) {
		uint64_t seed = ra.opt.seed; /* --seed and --start-time win over the scenario */
		int64_t start = ra.opt.start_epoch_ms;
		sim_options_from_scenario(&ra.opt, &in.s);
		if (ra.seed_given)
			ra.opt.seed = seed;
		if (ra.start_given)
			ra.opt.start_epoch_ms = start;
		char *name = sim_machine_name(in.def_path);
		ra.opt.state_machine_name = ra.machine_name ? ra.machine_name : name;
		rc = simulate(&ra, &in);
		free(name);
	}
	inputs_fini(&in);
	VEC_FREE(ra.sets);
	return rc;
}
