/*
 * `stepscope compare A B`: two executions, each a simulated scenario (a config file, a
 * definition, or the current scenario with its own --set overrides) or a recorded history,
 * measured the same way. On a terminal they open in the TUI's compare view (one time axis,
 * one cursor, the deltas in the header); otherwise, or with --text / --json, the headless
 * table with deltas, then both timelines on one time axis.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "history/history.h"
#include "tui/tui.h"

static const char compare_usage[] =
    "usage: stepscope compare [--json | --text] [--config FILE] [--set KEY=VALUE]...\n"
    "                         [--a-set KEY=VALUE]... [--b-set KEY=VALUE]... [--seed N]\n"
    "                         [--items FILE] [--input FILE] [--rows N] [--width N]\n"
    "                         [--ascii] [--paused] [--no-mouse] [A B]\n"
    "\n"
    "Compares two executions: makespan, throughput (Map items per second), peak Map\n"
    "concurrency, Lambda invocations, transitions, retries, throttles, cost, with B - A\n"
    "deltas, then both timelines on one time axis. On a terminal this opens the compare\n"
    "view: both timelines (one above the other, side by side when the terminal is wide)\n"
    "on one time axis and one cursor, their concurrency, the deltas in the header; the\n"
    "TUI's play/pause/step/zoom keys move both (? lists them). A side is:\n"
    "  (none given)        the scenario (--config or ./config.yaml) with --set, then that\n"
    "                      side's --a-set / --b-set; e.g.\n"
    "                      stepscope compare --a-set stepfunc.maxConcurrency=1 \\\n"
    "                                        --b-set stepfunc.maxConcurrency=3\n"
    "  FILE.yaml | .yml    a scenario config file (its definition, items, seed)\n"
    "  FILE.json           a recorded history (get-execution-history output) or, when it\n"
    "                      is an ASL definition (has \"States\"), that definition simulated\n"
    "                      with the --config scenario; *.asl.yaml definitions too\n"
    "Sides may be mixed: stepscope compare config.yaml recorded-history.json\n"
    "  --json              one object: {a, b, delta}\n"
    "  --text              the headless table and timelines even on a terminal\n"
    "  --ascii, --paused, --no-mouse   as for `stepscope tui`; --dump WxH [--at MS|end]\n"
    "                      [--keys KEYS] [--roles] prints one frame of the view (tests)\n"
    "  --rows N            timeline rows per side (default 12)\n"
    "  --width N           timeline width in columns (default 100)\n"
    "  --seed N            the seed of both simulated sides (default: simulation.seed)\n"
    "Exit status: 0 compared, 2 usage or input error.\n";

struct side {
	const char *arg; /* the positional, NULL = the scenario */
	VEC(const char *) sets;
	char *desc;
	char *label; /* the compare view's title: desc without the common scenario words */
	struct an_scenario *scen;
	struct ev_log *log;
	struct an_metrics m;
	struct hist_replay_source rsrc; /* the finished log as the TUI's producer */
	struct ev_producer producer;
};

struct compare_args {
	bool json, text;
	struct tui_options opt;
	bool dumping, roles;
	int dump_w, dump_h;
	const char *at, *keys;
	const char *config, *items, *input;
	VEC(const char *) sets;
	struct side side[2];
	int positional;
	long rows, width;
	bool seed_given;
	uint64_t seed;
};

static bool parse_num(const char *opt, const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || !*v || n < lo || n > hi) {
		cli_error("compare: %s wants an integer from %ld to %ld, not '%s'", opt, lo, hi, v);
		return false;
	}
	*out = n;
	return true;
}

static bool option_value(struct compare_args *ca, const char *a, const char *v)
{
	long n;
	if (strcmp(a, "--set") == 0)
		VEC_PUSH(ca->sets, v);
	else if (strcmp(a, "--a-set") == 0)
		VEC_PUSH(ca->side[0].sets, v);
	else if (strcmp(a, "--b-set") == 0)
		VEC_PUSH(ca->side[1].sets, v);
	else if (strcmp(a, "--config") == 0)
		ca->config = v;
	else if (strcmp(a, "--items") == 0)
		ca->items = v;
	else if (strcmp(a, "--input") == 0)
		ca->input = v;
	else if (strcmp(a, "--at") == 0)
		ca->at = v;
	else if (strcmp(a, "--keys") == 0)
		ca->keys = v;
	else if (strcmp(a, "--dump") == 0) {
		ca->dumping = true;
		if (sscanf(v, "%dx%d", &ca->dump_w, &ca->dump_h) != 2 || ca->dump_w < 1 ||
		    ca->dump_h < 1 || ca->dump_w > 1000 || ca->dump_h > 1000) {
			cli_error("compare: --dump wants WxH, e.g. 80x24");
			return false;
		}
	} else if (strcmp(a, "--rows") == 0)
		return parse_num(a, v, 0, 100000, &ca->rows);
	else if (strcmp(a, "--width") == 0)
		return parse_num(a, v, 40, 1000, &ca->width);
	else {
		if (!parse_num(a, v, 0, 2147483647, &n))
			return false;
		ca->seed = (uint64_t)n;
		ca->seed_given = true;
	}
	return true;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct compare_args *ca)
{
	static const char *const valued[] = {"--set",	"--a-set", "--b-set", "--config",
					     "--items", "--input", "--rows",  "--width",
					     "--seed",	"--dump",  "--at",    "--keys"};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = false;
		for (size_t k = 0; k < ARRAY_LEN(valued); k++)
			has_value = has_value || strcmp(a, valued[k]) == 0;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(compare_usage, stdout);
			return EXIT_OK;
		} else if (strcmp(a, "--json") == 0) {
			ca->json = true;
		} else if (strcmp(a, "--text") == 0) {
			ca->text = true;
		} else if (strcmp(a, "--ascii") == 0) {
			ca->opt.ascii = true;
		} else if (strcmp(a, "--paused") == 0) {
			ca->opt.paused = true;
		} else if (strcmp(a, "--no-mouse") == 0) {
			ca->opt.no_mouse = true;
		} else if (strcmp(a, "--roles") == 0) {
			ca->roles = true;
		} else if (has_value) {
			if (i + 1 >= argc) {
				cli_error("compare: %s needs a value", a);
				return cli_usage_hint("compare");
			}
			if (!option_value(ca, a, argv[++i]))
				return cli_usage_hint("compare");
		} else if (a[0] == '-' && a[1]) {
			cli_error("compare: unknown option '%s'", a);
			return cli_usage_hint("compare");
		} else if (ca->positional == 2) {
			cli_error("compare: two sides at most ('%s')", a);
			return cli_usage_hint("compare");
		} else {
			ca->side[ca->positional++].arg = a;
		}
	}
	if (ca->positional == 1) {
		cli_error("compare: give two sides (A B) or none (the scenario twice, with "
			  "--a-set / --b-set)");
		return cli_usage_hint("compare");
	}
	return -1;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && strcmp(s + n - t, tail) == 0;
}

enum side_kind { SIDE_SCENARIO, SIDE_CONFIG, SIDE_DEFINITION, SIDE_HISTORY };

static enum side_kind kind_of(const char *arg)
{
	if (!arg)
		return SIDE_SCENARIO;
	if (strstr(arg, ".asl."))
		return SIDE_DEFINITION;
	if (ends_with(arg, ".yaml") || ends_with(arg, ".yml"))
		return SIDE_CONFIG;
	json_t *doc = json_load_file(arg, JSON_DECODE_ANY, NULL);
	bool def = json_is_object(doc) && json_object_get(doc, "States");
	json_decref(doc);
	return def ? SIDE_DEFINITION : SIDE_HISTORY;
}

static char *describe(const struct compare_args *ca, const struct side *sd, enum side_kind k)
{
	struct strbuf sb;
	sb_init(&sb);
	if (k == SIDE_HISTORY)
		sb_addf(&sb, "history %s", sd->arg);
	else if (k == SIDE_CONFIG)
		sb_addf(&sb, "scenario %s", sd->arg);
	else if (k == SIDE_DEFINITION)
		sb_addf(&sb, "definition %s", sd->arg);
	else
		sb_addf(&sb, "scenario %s", ca->config ? ca->config : "(config.yaml or defaults)");
	for (size_t i = 0; k != SIDE_HISTORY && i < ca->sets.len; i++)
		sb_addf(&sb, " %s", ca->sets.items[i]);
	for (size_t i = 0; i < sd->sets.len; i++)
		sb_addf(&sb, " %s", sd->sets.items[i]);
	return sb_take(&sb);
}

/* Loads and runs (or imports) one side; false after printing why. */
static bool load_side(const struct compare_args *ca, struct side *sd, const char *name)
{
	enum side_kind k = kind_of(sd->arg);
	sd->desc = describe(ca, sd, k);
	/* The view's titles are short: file base names, and for `compare --a-set X --b-set Y`
	 * (both sides the same scenario) only X and Y. */
	const char *prefix = "scenario (config.yaml or defaults) ";
	const char *base = sd->arg ? strrchr(sd->arg, '/') : NULL;
	if (k == SIDE_SCENARIO && !ca->config && !strncmp(sd->desc, prefix, strlen(prefix)))
		sd->label = xstrdup(sd->desc + strlen(prefix));
	else if (base) /* "history a/b/c.json ..." -> "history c.json ..." */
		sd->label = xasprintf("%.*s%s", (int)strcspn(sd->desc, " ") + 1, sd->desc,
				      sd->desc + strcspn(sd->desc, " ") + 1 + (base + 1 - sd->arg));
	else
		sd->label = xstrdup(sd->desc);
	struct diags d;
	diags_init(&d);
	if (k == SIDE_HISTORY && sd->sets.len) {
		diags_fini(&d);
		cli_error("compare: --%c-set does not apply to a recorded history", name[0] + 32);
		return false;
	}
	if (k == SIDE_HISTORY) {
		sd->log = hist_import_file(sd->arg, &d);
	} else {
		VEC(const char *) sets = {0};
		for (size_t i = 0; i < ca->sets.len; i++)
			VEC_PUSH(sets, ca->sets.items[i]);
		for (size_t i = 0; i < sd->sets.len; i++)
			VEC_PUSH(sets, sd->sets.items[i]);
		struct an_source src = {k == SIDE_CONFIG ? sd->arg : ca->config,
					k == SIDE_DEFINITION ? sd->arg : NULL,
					ca->items,
					ca->input,
					sets.items,
					sets.len};
		sd->scen = an_scenario_load(&src, &d);
		if (sd->scen)
			sd->log = an_scenario_run(
			    sd->scen, ca->seed_given ? ca->seed : an_scenario_seed(sd->scen), &d);
		VEC_FREE(sets);
	}
	if (!sd->log) {
		diags_sort(&d);
		diags_print_files(stderr, &d);
	} else {
		an_measure(sd->log, sd->scen ? an_scenario_config(sd->scen) : NULL, &sd->m);
	}
	diags_fini(&d);
	return sd->log != NULL;
}

enum unit { U_COUNT, U_MS, U_RATE, U_USD };

struct metric {
	const char *json, *label;
	enum unit unit;
	bool delta; /* shown with a B - A delta */
	double (*get)(const struct an_metrics *m);
};

static double g_makespan(const struct an_metrics *m)
{
	return (double)m->makespan_ms;
}
static double g_items(const struct an_metrics *m)
{
	return (double)m->items;
}
static double g_tput(const struct an_metrics *m)
{
	return an_throughput(m);
}
static double g_peak(const struct an_metrics *m)
{
	return m->peak_concurrency;
}
static double g_inv(const struct an_metrics *m)
{
	return (double)m->invocations;
}
static double g_trans(const struct an_metrics *m)
{
	return (double)m->transitions;
}
static double g_retries(const struct an_metrics *m)
{
	return (double)m->retries;
}
static double g_thr(const struct an_metrics *m)
{
	return (double)m->throttles;
}
static double g_p50(const struct an_metrics *m)
{
	return (double)m->p50_item_ms;
}
static double g_p95(const struct an_metrics *m)
{
	return (double)m->p95_item_ms;
}
static double g_events(const struct an_metrics *m)
{
	return (double)m->events;
}
static double g_cost(const struct an_metrics *m)
{
	return m->cost.total_usd;
}

static const struct metric metrics[] = {
    {"makespanMs", "makespan s", U_MS, true, g_makespan},
    {"items", "items", U_COUNT, true, g_items},
    {"throughputPerSec", "throughput items/s", U_RATE, true, g_tput},
    {"peakConcurrency", "peak concurrency", U_COUNT, true, g_peak},
    {"invocations", "invocations", U_COUNT, true, g_inv},
    {"transitions", "transitions", U_COUNT, true, g_trans},
    {"retries", "retries", U_COUNT, true, g_retries},
    {"throttles", "throttles", U_COUNT, true, g_thr},
    {"p50ItemMs", "p50 item s", U_MS, false, g_p50},
    {"p95ItemMs", "p95 item s", U_MS, false, g_p95},
    {"events", "events", U_COUNT, false, g_events},
    {"costUsd", "cost USD", U_USD, true, g_cost},
};

static void fmt(char *buf, size_t size, double v, enum unit u, bool sign)
{
	const char *s = sign && v >= 0 ? "+" : "";
	if (u == U_MS && v < 0 && !sign)
		snprintf(buf, size, "-");
	else if (u == U_MS)
		snprintf(buf, size, "%s%.3f", s, v / 1000.0);
	else if (u == U_RATE)
		snprintf(buf, size, "%s%.3f", s, v);
	else if (u == U_USD)
		snprintf(buf, size, "%s%.6f", s, v);
	else
		snprintf(buf, size, "%s%.0f", s, v);
}

static void print_text(const struct compare_args *ca)
{
	const struct side *a = &ca->side[0], *b = &ca->side[1];
	printf("A: %s\nB: %s\n", a->desc, b->desc);
	for (int i = 0; i < 2; i++)
		if (ev_log_meta_const(ca->side[i].log)->synthetic_time)
			printf(
			    "%c: its history has no real timestamps: times are event order, %d ms "
			    "per event\n",
			    'A' + i, HIST_SYNTHETIC_STEP_MS);
	putchar('\n');
	printf("%-20s %14s %14s %22s\n", "", "A", "B", "B - A");
	printf("%-20s %14s %14s\n", "status", a->m.status, b->m.status);
	for (size_t i = 0; i < ARRAY_LEN(metrics); i++) {
		const struct metric *mt = &metrics[i];
		double va = mt->get(&a->m), vb = mt->get(&b->m);
		char sa[32], sb[32], sd[48] = "", pct[24] = "";
		fmt(sa, sizeof(sa), va, mt->unit, false);
		fmt(sb, sizeof(sb), vb, mt->unit, false);
		if (mt->delta) {
			fmt(sd, sizeof(sd), vb - va, mt->unit, true);
			if (va != 0 && mt->unit != U_COUNT)
				snprintf(pct, sizeof(pct), " (%+.1f%%)", (vb - va) / va * 100.0);
			strncat(sd, pct, sizeof(sd) - strlen(sd) - 1);
		}
		printf("%-20s %14s %14s %22s\n", mt->label, sa, sb, sd);
	}
	putchar('\n');
	struct an_lane lanes[2] = {{a->log, "A"}, {b->log, "B"}};
	an_draw_lanes(stdout, lanes, 2, (int)ca->width, (size_t)ca->rows);
}

static json_t *number(double v)
{
	if (v == floor(v) && fabs(v) < 9e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static json_t *side_json(const struct side *sd)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "source", sd->desc, "kind",
			      sd->scen ? "simulation" : "history", "status", sd->m.status);
	json_object_set_new(o, "syntheticTime",
			    json_boolean(ev_log_meta_const(sd->log)->synthetic_time));
	for (size_t i = 0; i < ARRAY_LEN(metrics); i++)
		json_object_set_new(o, metrics[i].json, number(metrics[i].get(&sd->m)));
	return o;
}

static void print_json(const struct compare_args *ca)
{
	const struct an_metrics *a = &ca->side[0].m, *b = &ca->side[1].m;
	json_t *delta = json_object();
	for (size_t i = 0; i < ARRAY_LEN(metrics); i++)
		if (metrics[i].delta)
			json_object_set_new(delta, metrics[i].json,
					    number(metrics[i].get(b) - metrics[i].get(a)));
	json_t *o = json_pack("{s:o, s:o, s:o}", "a", side_json(&ca->side[0]), "b",
			      side_json(&ca->side[1]), "delta", delta);
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	putchar('\n');
	json_decref(o);
}

/* --dump: one frame of the compare view at --at after --keys, as `tui --dump` does. */
static int dump(struct tui_app *app, const struct compare_args *ca)
{
	const char *at = ca->at;
	if (at && !strcmp(at, "end"))
		tui_app_seek_end(app);
	else if (at)
		tui_app_seek(app, strtoll(at, NULL, 10));
	if (!tui_app_feed(app, ca->keys ? ca->keys : ""))
		return cli_error("compare: --keys: unknown <key> name");
	tui_dump_frame(app, ca->dump_w, ca->dump_h, ca->opt.ascii, ca->roles, stdout);
	return EXIT_OK;
}

/* The compare view over both finished logs (replayed: nothing re-runs in the view). */
static int show(struct compare_args *ca)
{
	struct tui_source src[2];
	for (int i = 0; i < 2; i++) {
		struct side *sd = &ca->side[i];
		sd->rsrc.description = sd->desc;
		hist_producer_init(&sd->producer, &sd->rsrc, sd->log);
		memset(&src[i], 0, sizeof(src[i]));
		src[i].producer = &sd->producer;
		src[i].model = sd->scen ? an_scenario_machine(sd->scen) : NULL;
		src[i].max_concurrency = sd->scen ? an_scenario_limit(sd->scen) : 0;
		src[i].replay = true;
		src[i].label = sd->label;
	}
	char *deltas = an_delta_line(&ca->side[0].m, &ca->side[1].m, ca->opt.ascii);
	src[0].versus = &src[1];
	src[0].deltas = deltas;
	int rc;
	if (ca->dumping) {
		struct tui_options o = ca->opt;
		o.paused = true;
		struct tui_app *app = tui_app_new(&src[0], NULL, &o);
		rc = dump(app, ca);
		tui_app_free(app);
	} else {
		rc = tui_run(&src[0], NULL, &ca->opt);
	}
	free(deltas);
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	struct compare_args ca = {.rows = 12, .width = 100};
	int rc = parse_args(argc, argv, &ca);
	if (rc < 0 && ca.dumping + ca.json + ca.text > 1) {
		cli_error("compare: --json, --text and --dump are alternatives");
		rc = cli_usage_hint("compare");
	}
	if (rc < 0) {
		rc = EXIT_USAGE;
		bool tty = isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
		if (load_side(&ca, &ca.side[0], "A") && load_side(&ca, &ca.side[1], "B")) {
			rc = EXIT_OK;
			if (ca.json)
				print_json(&ca);
			else if (ca.dumping || (tty && !ca.text))
				rc = show(&ca);
			else
				print_text(&ca);
		}
	}
	for (int i = 0; i < 2; i++) {
		free(ca.side[i].desc);
		free(ca.side[i].label);
		an_scenario_free(ca.side[i].scen);
		ev_log_free(ca.side[i].log);
		VEC_FREE(ca.side[i].sets);
	}
	VEC_FREE(ca.sets);
	return rc;
}
