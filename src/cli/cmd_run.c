/*
 * `stepscope run`: one headless simulation. Prints a readable summary, one JSON object
 * (--json) or the event log's text form (--events). Exit 0 when the execution succeeded, 1
 * when it did not, 2 on bad usage or input.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "event/event.h"
#include "sim/sim.h"

static const char run_usage[] =
    "usage: stepscope run [--json | --events] [--input FILE|-] [--seed N]\n"
    "                     [--start-time RFC3339] [--mock-config FILE [--test-case NAME]\n"
    "                     [--machine-name NAME]] DEFINITION\n"
    "\n"
    "Simulates one execution of DEFINITION in virtual time and prints a summary.\n"
    "  --json              one JSON object: status, output or error/cause, dates, counts\n"
    "  --events            the history, one line per event\n"
    "  --input FILE|-      the execution input (JSON; default {})\n"
    "  --seed N            seed of every random choice (default 1)\n"
    "  --start-time T      wall-clock start, e.g. 2024-05-14T10:15:00Z\n"
    "  --mock-config FILE  a Step Functions Local MockConfigFile\n"
    "  --test-case NAME    its test case (default: the only one)\n"
    "  --machine-name NAME its state machine (default: the only one)\n"
    "Exit status: 0 succeeded, 1 did not succeed, 2 usage or input error.\n";

enum run_format { FMT_SUMMARY, FMT_JSON, FMT_EVENTS };

struct run_args {
	enum run_format format;
	const char *input, *mock, *test_case, *machine_name, *definition;
	struct sim_options opt;
};

static int pending_option(const char *opt)
{
	cli_error("run: %s is not available in this build yet", opt);
	return cli_usage_hint("run");
}

static bool takes_value(const char *a)
{
	static const char *const with[] = {
	    "--input",	      "--seed",	  "--start-time", "--mock-config", "--test-case",
	    "--machine-name", "--config", "--set",	  "--items",	   "--history-out"};
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
	else if (strcmp(a, "--seed") == 0) {
		char *end;
		errno = 0;
		unsigned long long s = strtoull(v, &end, 10);
		if (errno || *end || !*v || *v == '-') {
			cli_error("run: --seed wants a non-negative integer, not '%s'", v);
			return cli_usage_hint("run");
		}
		ra->opt.seed = s;
	} else if (strcmp(a, "--start-time") == 0) {
		if (!sim_parse_timestamp(v, &ra->opt.start_epoch_ms)) {
			cli_error("run: --start-time wants an RFC 3339 time such as "
				  "2024-05-14T10:15:00Z, not '%s'",
				  v);
			return cli_usage_hint("run");
		}
	} else {
		return pending_option(a);
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
		if (strcmp(a, "--json") == 0 || strcmp(a, "--events") == 0) {
			enum run_format f = a[2] == 'j' ? FMT_JSON : FMT_EVENTS;
			if (ra->format != FMT_SUMMARY && ra->format != f) {
				cli_error("run: --json and --events exclude each other");
				return cli_usage_hint("run");
			}
			ra->format = f;
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
	if (!ra->definition) {
		cli_error("run: DEFINITION is required in this build");
		return cli_usage_hint("run");
	}
	if ((ra->test_case || ra->machine_name) && !ra->mock) {
		cli_error("run: --test-case and --machine-name need --mock-config");
		return cli_usage_hint("run");
	}
	return -1;
}

static json_t *read_input(const char *path)
{
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
	free(text);
	if (!v)
		fprintf(stderr, "%s:%d:%d: error: %s\n", strcmp(path, "-") ? path : "<stdin>",
			je.line, je.column, je.text);
	return v;
}

static void print_diags(const struct diags *d, const char *file)
{
	size_t len = 0;
	char *err = NULL;
	char *src = file ? file_read_all(file, &len, &err) : NULL;
	free(err);
	diags_print(stderr, d, src, len);
	free(src);
}

/* The machine's name for ARNs: the file name without folders and extensions. */
static char *machine_name_of(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strcspn(base, ".");
	return n ? xstrndup(base, n) : xstrdup("StateMachine");
}

static void print_json(struct sim_engine *e, const struct ev_log *log,
		       const struct sim_options *opt)
{
	struct sim_stats st;
	sim_get_stats(e, &st);
	char start[40], stop[40];
	sim_format_timestamp(opt->start_epoch_ms, start, sizeof(start));
	sim_format_timestamp(opt->start_epoch_ms + st.duration_ms, stop, sizeof(stop));
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
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY);
	fputc('\n', stdout);
	json_decref(o);
}

static void print_summary(struct sim_engine *e, const struct ev_log *log)
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
	if (sim_status(e) != SIM_SUCCEEDED) {
		printf("error        %s\n", sim_error(e) ? sim_error(e) : "-");
		printf("cause        %s\n", sim_cause(e) ? sim_cause(e) : "-");
	}
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

static int simulate(struct run_args *ra, struct asl_machine *m, json_t *input,
		    struct sim_mock *mock)
{
	struct ev_log *log = ev_log_new();
	struct diags d;
	diags_init(&d);
	ra->opt.mock = mock;
	struct sim_engine *e = sim_new(m, input, &ra->opt, log, &d);
	int rc = EXIT_USAGE;
	if (!e) {
		print_diags(&d, ra->definition);
	} else {
		sim_run(e);
		if (ra->format == FMT_JSON)
			print_json(e, log, &ra->opt);
		else if (ra->format == FMT_EVENTS)
			ev_log_write_text(log, stdout);
		else
			print_summary(e, log);
		rc = sim_status(e) == SIM_SUCCEEDED ? EXIT_OK : EXIT_NOT_SUCCEEDED;
	}
	sim_free(e);
	ev_log_free(log);
	diags_fini(&d);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_args ra = {0};
	sim_options_init(&ra.opt);
	int rc = parse_args(argc, argv, &ra);
	if (rc >= 0)
		return rc;
	struct diags d;
	diags_init(&d);
	struct asl_load_options lo = {0};
	struct asl_machine *m = asl_load_file(ra.definition, &lo, &d);
	if (m && !asl_validate(m, &d)) {
		asl_machine_free(m);
		m = NULL;
	}
	json_t *input = m ? read_input(ra.input) : NULL;
	struct sim_mock *mock = NULL;
	if (m && input && ra.mock) {
		mock = sim_mock_load(ra.mock, ra.machine_name, ra.test_case, &d);
		if (!mock) {
			print_diags(&d, ra.mock);
			diags_fini(&d);
			diags_init(&d);
		}
	}
	if (!m)
		print_diags(&d, ra.definition);
	char *name = machine_name_of(ra.definition);
	ra.opt.state_machine_name = ra.machine_name ? ra.machine_name : name;
	rc = EXIT_USAGE;
	if (m && input && (mock || !ra.mock))
		rc = simulate(&ra, m, input, mock);
	free(name);
	sim_mock_free(mock);
	json_decref(input);
	asl_machine_free(m);
	diags_fini(&d);
	return rc;
}
