/*
 * `stepscope tui` (and the default command): builds the producer from the command line — a
 * simulation of the scenario (config.yaml) or a replay of a recorded history — and hands
 * producer + model + log to tui_run. The only place that joins tui/ with sim/ and history/.
 * `--dump WxH` renders one frame without a terminal for the golden tests.
 */
#include "cli.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "asl/asl.h"
#include "config/config.h"
#include "history/history.h"
#include "items/items.h"
#include "lesson/lesson.h"
#include "sim/assemble.h"
#include "sim/sim.h"
#include "tui/tui.h"
#include "analysis/analysis.h"
#include "tui_session.h"

void tui_session_free(struct session *s)
{
	if (!s)
		return;
	VEC_FREE(s->logs);
	tui_session_free(s->peer);
	free(s->label);
	free(s->deltas);
	sim_free(s->engine);
	sim_scenario_models_free(s->models);
	ev_log_free(s->log);
	asl_machine_free(s->model);
	if (s->has_scenario)
		cfg_scenario_fini(&s->scenario);
	json_decref(s->input);
	json_decref(s->table_item);
	free(s->description);
	free(s->machine_name);
	free(s);
}

static bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* NAME.history.json has its definition beside it as NAME.asl.json (the corpus layout). */
static char *sibling_definition(const char *history)
{
	const char *suffix = ".history.json";
	size_t n = strlen(history), m = strlen(suffix);
	if (n <= m || strcmp(history + n - m, suffix))
		return NULL;
	char *p = xasprintf("%.*s.asl.json", (int)(n - m), history);
	if (file_exists(p))
		return p;
	free(p);
	return NULL;
}

/* A replay's definition; problems are printed (the replay goes on without a graph). */
static struct asl_machine *load_definition(const char *path)
{
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = asl_load_file(path, NULL, &d);
	if (!m)
		diags_print(stderr, &d, NULL, 0);
	diags_fini(&d);
	return m;
}

static struct ev_log *import_file(const char *path, char **message)
{
	size_t len;
	char *err = NULL;
	char *text = file_read_all(path, &len, &err);
	if (!text) {
		*message = err;
		return NULL;
	}
	struct diags d;
	diags_init(&d);
	struct ev_log *log = hist_import_text(path, text, len, &d);
	if (!log)
		*message = xasprintf("%s: not an execution history", path);
	diags_fini(&d);
	free(text);
	return log;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Takes log; the definition is `definition` or the history's sibling. */
static struct session *session_new(struct ev_log *log, const char *name, const char *definition)
{
	struct session *s = xcalloc(1, sizeof(*s));
	s->log = log;
	char *sib = definition ? NULL : sibling_definition(name);
	const char *def = definition ? definition : sib;
	if (def)
		s->model = load_definition(def);
	free(sib);
	s->replay = true;
	s->description = xasprintf("replay of %s", base_name(name));
	s->rsrc.description = s->description;
	hist_producer_init(&s->producer, &s->rsrc, s->log);
	return s;
}

/* The MaxConcurrency of the first Map of the top level, for the concurrency chart. */
static int32_t main_limit(const struct asl_machine *m)
{
	if (!m || !m->top)
		return 0;
	for (size_t i = 0; i < m->top->state_count; i++)
		if (m->top->states[i]->type == ASL_MAP)
			return (int32_t)m->top->states[i]->max_concurrency;
	return 0;
}

/*
 * The simulated CloudWatch lines written so far (strings borrowed from the engine). Lines are
 * written when an invocation starts, possibly ahead of the clock, and slot in before later
 * ones; lines at or before the clock never move, so only the rest is copied again.
 */
static const struct tui_log_line *session_logs(void *ctx, size_t *count)
{
	struct session *s = ctx;
	size_t n = sim_log_count(s->engine);
	while (s->logs.len < n) {
		struct tui_log_line none = {0, -1, ""};
		VEC_PUSH(s->logs, none);
	}
	for (size_t i = s->logs_settled; i < n; i++) {
		const struct sim_log_line *l = sim_log_at(s->engine, i);
		s->logs.items[i] = (struct tui_log_line){l->t_ms, l->item, l->text};
	}
	int64_t now = sim_now(s->engine);
	while (s->logs_settled < n && s->logs.items[s->logs_settled].t_ms <= now)
		s->logs_settled++;
	*count = n;
	return s->logs.items;
}

/* A child counts from its start and has its final status once its last event is due. */
static bool session_children(void *ctx, int64_t t_ms, struct tui_child_counts *out)
{
	struct session *s = ctx;
	size_t n = sim_child_count(s->engine);
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		const struct sim_child_info *c = sim_child(s->engine, i);
		bool ended = c->status != SIM_RUNNING && c->end_ms <= t_ms;
		if (c->start_ms > t_ms)
			out->pending++;
		else if (!ended)
			out->running++;
		else if (c->status == SIM_SUCCEEDED)
			out->succeeded++;
		else if (c->status == SIM_ABORTED)
			out->aborted++;
		else
			out->failed++;
	}
	return n > 0;
}

/* The run's cost (the scenario's pricing), once the simulation has ended: a whole run is what
 * AWS bills, and measuring it again on every frame would cost O(events). */
static const char *session_cost(void *ctx)
{
	struct session *s = ctx;
	/* Measuring is O(events): past a quarter million it would stall a frame, so very large
	 * runs leave their cost to `run` and `sweep`. */
	if (ev_log_count(s->log) > 250000)
		return NULL;
	if (!s->cost[0] && sim_status(s->engine) != SIM_RUNNING) {
		struct an_cost c;
		an_cost_estimate(s->log, &s->scenario, &c);
		snprintf(s->cost, sizeof(s->cost), "cost $%.6f", c.total_usd);
	}
	return s->cost[0] ? s->cost : NULL;
}

static void fill_source(struct session *s, struct tui_source *src)
{
	memset(src, 0, sizeof(*src));
	src->producer = &s->producer;
	src->model = s->model;
	src->replay = s->replay;
	src->speed = s->speed;
	src->max_concurrency = main_limit(s->model);
	if (s->engine) {
		src->logs = session_logs;
		src->logs_ctx = s;
		src->children = session_children;
		src->children_ctx = s;
		src->cost = session_cost;
		src->cost_ctx = s;
	}
	src->label = s->label;
	if (s->peer) { /* a lesson's side-by-side step */
		fill_source(s->peer, &s->peer_src);
		src->versus = &s->peer_src;
		src->deltas = s->deltas;
	}
	const struct ev_log_meta *meta = ev_log_meta_const(s->log);
	src->machine_name = s->machine_name;
	if (!src->machine_name && !meta->state_machine_name && s->model && s->model->file)
		src->machine_name = base_name(s->model->file);
}

/* ---- simulation sessions ---- */

/* The first error of d as one line (owned by the caller), for the status bar. */
static char *first_error(const struct diags *d, const char *what)
{
	for (size_t i = 0; i < d->list.len; i++) {
		const struct diag *g = &d->list.items[i];
		if (g->severity == DIAG_ERROR)
			return xasprintf("%s: %s%s%s", what, g->file ? g->file : "",
					 g->file ? ": " : "", g->message);
	}
	return xasprintf("%s failed", what);
}

static bool sim_load_machine(struct session *s, const struct sim_args *a, struct diags *d)
{
	const char *path;
	bool valid;
	s->model = sim_scenario_machine(&s->scenario, a->definition, &path, &valid, d);
	if (s->model && !valid) {
		asl_machine_free(s->model);
		s->model = NULL;
	}
	s->machine_name = sim_machine_name(path);
	return s->model != NULL;
}

static bool sim_load_data(struct session *s, const struct sim_args *a, const char *config,
			  struct diags *d)
{
	if (a->input_value) {
		s->input = json_incref(a->input_value);
	} else if (a->input) {
		json_error_t je;
		s->input = json_load_file(a->input, JSON_DECODE_ANY, &je);
		if (!s->input) {
			diags_add(d, DIAG_ERROR, "json", a->input, je.line, je.column, NULL, "%s",
				  je.text);
			return false;
		}
	} else {
		s->input = json_object();
	}
	/* The table's items matter to the seed; for another definition a missing default
	 * item file just means an empty table (as `stepscope run` does). */
	if (a->item_list) {
		s->table_item = items_seed_table_item(&s->scenario, a->item_list);
		return true;
	}
	const char *items = a->items		     ? a->items
			    : config || a->no_config ? s->scenario.ddb.items
						     : NULL;
	bool seed = !a->definition && s->scenario.stepfunc.definition_is_seed;
	if (items && !a->items && !seed && !file_exists(items))
		items = NULL;
	if (!items)
		return true;
	return sim_scenario_table_item(&s->scenario, items, s->model, &s->table_item, d);
}

static bool sim_start(struct session *s, const struct sim_args *a, struct diags *d)
{
	const struct cfg_scenario *sc = &s->scenario;
	struct sim_options opt;
	sim_options_init(&opt);
	sim_options_from_scenario(&opt, sc);
	opt.seed = s->seed;
	opt.state_machine_name = s->machine_name;
	opt.items_file = a->items;
	opt.record_logs = true; /* the Logs pane */
	s->log = ev_log_new();
	s->engine = sim_new(s->model, s->input, &opt, s->log, d);
	if (!s->engine)
		return false;
	s->models = sim_use_scenario(s->engine, sc, s->table_item);
	return true;
}

/* A new simulation session, or NULL with the reason in d. */
struct session *tui_sim_session_new(const struct sim_args *a, const uint64_t *seed, struct diags *d)
{
	struct session *s = xcalloc(1, sizeof(*s));
	const char *config = a->config;
	if (!config && !a->definition && !a->no_config && file_exists("config.yaml"))
		config = "config.yaml";
	s->has_scenario = true;
	bool ok = cfg_load(&s->scenario, config, a->sets.items, a->sets.len, d);
	/* r and R pass the seed; a first start takes --seed or the scenario's. */
	s->seed = seed ? *seed : a->seed_given ? a->seed : ok ? s->scenario.simulation.seed : 1;
	ok =
	    ok && sim_load_machine(s, a, d) && sim_load_data(s, a, config, d) && sim_start(s, a, d);
	if (!ok) {
		tui_session_free(s);
		return NULL;
	}
	s->speed = s->scenario.simulation.speed;
	s->description = xasprintf("seed %llu, %s", (unsigned long long)s->seed,
				   config ? base_name(config) : "defaults");
	sim_producer_init(&s->producer, s->engine, s->description);
	return s;
}

struct hook_ctx {
	struct session *cur, *old;
	struct sim_args *sim; /* how to (re)build a simulation; NULL for a replay-only run */
	struct lesson_run *lesson;
};

static bool lesson_move(struct hook_ctx *h, enum tui_reload what, struct session **next,
			char **message)
{
	struct lesson_run *lr = h->lesson;
	if (!lr) {
		*message = xstrdup("n and p step through a lesson (stepscope lesson)");
		return false;
	}
	bool fwd = what == TUI_LESSON_NEXT;
	if (fwd ? lr->step + 1 >= lr->l->step_count : lr->step == 0) {
		*message =
		    xstrdup(fwd ? "this is the last step (q quits)" : "this is the first step");
		return false;
	}
	size_t step = fwd ? lr->step + 1 : lr->step - 1;
	struct diags d;
	diags_init(&d);
	*next = lesson_step_session(lr, step, &d);
	if (!*next)
		*message = first_error(&d, "lesson step");
	diags_fini(&d);
	if (!*next)
		return false;
	lr->step = step;
	h->sim = &lr->args[step];
	return true;
}

static bool reload(void *ctx, enum tui_reload what, const char *arg, struct tui_source *out,
		   char **message)
{
	struct hook_ctx *h = ctx;
	struct session *next = NULL;
	if (what == TUI_LESSON_NEXT || what == TUI_LESSON_PREV) {
		if (!lesson_move(h, what, &next, message))
			return false;
	} else if (what == TUI_OPEN_HISTORY) {
		struct ev_log *log = import_file(arg, message);
		if (!log)
			return false;
		next = session_new(log, arg, NULL);
	} else if (!h->sim || h->cur->replay) {
		*message = xstrdup(what == TUI_RELOAD_CONFIG
				       ? "reload: a replay has no config.yaml (o opens a history)"
				       : "re-run: a replay has no seed");
		return false;
	} else {
		uint64_t seed = what == TUI_RERUN_NEW_SEED ? h->cur->seed + 1 : h->cur->seed;
		struct diags d;
		diags_init(&d);
		next = tui_sim_session_new(h->sim, &seed, &d);
		if (!next)
			*message = first_error(&d, what == TUI_RELOAD_CONFIG ? "reload" : "re-run");
		diags_fini(&d);
		if (!next)
			return false;
	}
	tui_session_free(h->old);
	h->old = h->cur;
	h->cur = next;
	fill_source(h->cur, out);
	if (h->lesson && !h->cur->replay)
		out->lesson = &h->lesson->views[h->lesson->step];
	return true;
}

/* ---- --dump: frames without a terminal ---- */

static int dump(struct tui_app *app, const struct dump_opts *d, bool ascii)
{
	if (d->at && !strncmp(d->at, "pause", 5)) {
		/* A lesson's Nth pause ("pause" = the first). */
		long n = d->at[5] ? strtol(d->at + 5, NULL, 10) : 1;
		for (long i = 0; i < n; i++)
			tui_app_play_to_pause(app, 24 * 3600 * 1000LL);
	} else if (d->at && !strcmp(d->at, "end"))
		tui_app_seek_end(app);
	else if (d->at)
		tui_app_seek(app, strtoll(d->at, NULL, 10));
	if (!tui_app_feed(app, d->keys ? d->keys : ""))
		return cli_error("tui: --keys: unknown <key> name");
	if (d->bench > 0)
		printf("tui frame %dx%d: %.3f ms (%ld frames)\n", d->w, d->h,
		       tui_bench(app, d->w, d->h, d->bench, ascii), d->bench);
	else
		tui_dump_frame(app, d->w, d->h, ascii, d->roles, stdout);
	return EXIT_OK;
}

/* ---- the command ---- */

static const char help[] =
    "usage: stepscope [tui] [options] [HISTORY.json | DEFINITION]\n"
    "\n"
    "The terminal UI: an execution unfolding on its state graph, per-item timelines,\n"
    "concurrency, events and an inspector, with a playback cursor (press ? inside).\n"
    "Without a file it simulates the scenario of ./config.yaml (the seed machine); a\n"
    "recorded history (get-execution-history JSON) is replayed instead.\n"
    "\n"
    "  --config FILE        the scenario (default ./config.yaml)\n"
    "  --set KEY=VALUE      override one scenario key, e.g. stepfunc.maxConcurrency=3\n"
    "  --seed N             seed of the simulation (default: simulation.seed)\n"
    "  --input FILE         the execution input (JSON; default {})\n"
    "  --items FILE         the items (the seed's table, a Distributed Map's reader)\n"
    "  --replay FILE        a recorded history (a positional history works too)\n"
    "  --definition FILE    the definition to draw for a replay (default: NAME.asl.json\n"
    "                       beside NAME.history.json; else the graph comes from the history)\n"
    "  --ascii              no Unicode glyphs\n"
    "  --colors MODE        256, 16 or mono (default: from the terminal; NO_COLOR honoured)\n"
    "  --no-mouse           leave the mouse to the terminal\n"
    "  --paused             start paused\n"
    "  --dump WxH           print one frame as text instead (tests); with --at MS|end,\n"
    "                       --keys KEYS (<Tab> <Enter> <Esc> <Up> ... names) and --roles;\n"
    "                       --bench N renders N frames and prints the time per frame\n"
    "Exit status: 0 after q, 2 usage or input error, 128+N after signal N.\n";

static bool want_value(int argc, char **argv, int i)
{
	if (i + 1 < argc)
		return true;
	cli_error("tui: %s needs a value", argv[i]);
	return false;
}

static const char **value_slot(struct tui_args *a, const char *o)
{
	static const struct {
		const char *name;
		size_t offset;
	} slots[] = {
	    {"--replay", offsetof(struct tui_args, replay)},
	    {"--definition", offsetof(struct tui_args, definition)},
	    {"--config", offsetof(struct tui_args, sim.config)},
	    {"--input", offsetof(struct tui_args, sim.input)},
	    {"--items", offsetof(struct tui_args, sim.items)},
	    {"--keys", offsetof(struct tui_args, dump.keys)},
	    {"--at", offsetof(struct tui_args, dump.at)},
	};
	for (size_t i = 0; i < ARRAY_LEN(slots); i++)
		if (!strcmp(o, slots[i].name))
			return (const char **)(void *)((char *)a + slots[i].offset);
	return NULL;
}

static int parse_value_opt(struct tui_args *a, const char *o, const char *v)
{
	if (!strcmp(o, "--set")) {
		VEC_PUSH(a->sim.sets, v);
	} else if (!strcmp(o, "--seed")) {
		char *end;
		unsigned long long n = strtoull(v, &end, 10);
		if (*end || !*v || *v == '-')
			return cli_error("tui: --seed wants a non-negative integer, not '%s'", v);
		a->sim.seed = n;
		a->sim.seed_given = true;
	} else if (!strcmp(o, "--colors")) {
		a->opt.colors = !strcmp(v, "256")  ? TUI_COLORS_256
				: !strcmp(v, "16") ? TUI_COLORS_16
						   : (!strcmp(v, "mono") ? TUI_COLORS_MONO : 0);
	} else if (!strcmp(o, "--bench")) {
		a->dump.bench = strtol(v, NULL, 10);
		if (a->dump.bench <= 0)
			return cli_error("tui: --bench wants a number of frames");
	} else if (!strcmp(o, "--dump")) {
		a->dumping = true;
		if (sscanf(v, "%dx%d", &a->dump.w, &a->dump.h) != 2 || a->dump.w < 1 ||
		    a->dump.h < 1 || a->dump.w > 1000 || a->dump.h > 1000)
			return cli_error("tui: --dump wants WxH, e.g. 80x24");
	} else {
		cli_error("tui: unknown option '%s'", o);
		return cli_usage_hint("tui");
	}
	return EXIT_OK;
}

static int parse_opt(int argc, char **argv, int *i, struct tui_args *a)
{
	const char *o = argv[*i];
	const char **slot = value_slot(a, o);
	if (!strcmp(o, "--ascii")) {
		a->opt.ascii = true;
	} else if (!strcmp(o, "--no-mouse")) {
		a->opt.no_mouse = true;
	} else if (!strcmp(o, "--paused")) {
		a->opt.paused = true;
	} else if (!strcmp(o, "--present")) {
		a->opt.present = true;
	} else if (!strcmp(o, "--roles")) {
		a->dump.roles = true;
	} else if (slot || !strcmp(o, "--set") || !strcmp(o, "--seed") || !strcmp(o, "--colors") ||
		   !strcmp(o, "--dump") || !strcmp(o, "--bench")) {
		if (!want_value(argc, argv, *i))
			return EXIT_USAGE;
		const char *v = argv[++*i];
		if (slot)
			*slot = v;
		else
			return parse_value_opt(a, o, v);
	} else {
		cli_error("tui: unknown option '%s'", o);
		return cli_usage_hint("tui");
	}
	return EXIT_OK;
}

int tui_parse_args(int argc, char **argv, struct tui_args *a, bool *done)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			fputs(help, stdout);
			*done = true;
			return EXIT_OK;
		}
		if (o[0] == '-' && o[1]) {
			int rc = parse_opt(argc, argv, &i, a);
			if (rc != EXIT_OK)
				return rc;
		} else if (!a->positional) {
			a->positional = o;
		} else {
			return cli_error("tui: more than one file given");
		}
	}
	return EXIT_OK;
}

int tui_run_session(struct session *s, const struct tui_args *a, struct sim_args *sim,
		    struct lesson_run *lr)
{
	struct hook_ctx h = {.cur = s, .sim = sim, .lesson = lr};
	struct tui_hooks hooks = {.ctx = &h, .reload = reload};
	struct tui_source src;
	fill_source(s, &src);
	if (lr)
		src.lesson = &lr->views[lr->step];
	int rc;
	if (a->dumping) {
		struct tui_options o = a->opt;
		o.paused = true;
		struct tui_app *app = tui_app_new(&src, &hooks, &o);
		rc = dump(app, &a->dump, o.ascii);
		tui_app_free(app);
	} else {
		rc = tui_run(&src, &hooks, &a->opt);
	}
	tui_session_free(h.cur);
	tui_session_free(h.old);
	return rc;
}

int cli_tui_replay(struct ev_log *log, const char *name, const char *definition)
{
	struct tui_args a;
	memset(&a, 0, sizeof(a));
	struct session *s = session_new(log, name, definition);
	if (definition && !s->model) {
		tui_session_free(s);
		return EXIT_USAGE;
	}
	return tui_run_session(s, &a, NULL, NULL);
}

static int start_replay(struct tui_args *a, struct ev_log *log)
{
	char *message = NULL;
	if (!log)
		log = import_file(a->replay, &message);
	if (!log) {
		cli_error("tui: %s", message ? message : a->replay);
		free(message);
		return EXIT_USAGE;
	}
	struct session *s = session_new(log, a->replay, a->definition);
	if (a->definition && !s->model) {
		tui_session_free(s);
		return EXIT_USAGE;
	}
	return tui_run_session(s, a, NULL, NULL);
}

static int start_sim(struct tui_args *a)
{
	struct diags d;
	diags_init(&d);
	struct session *s = tui_sim_session_new(&a->sim, NULL, &d);
	if (!s) {
		diags_sort(&d);
		diags_print(stderr, &d, NULL, 0);
		if (!d.list.len)
			cli_error("tui: the simulation could not start");
		diags_fini(&d);
		return EXIT_USAGE;
	}
	diags_fini(&d);
	return tui_run_session(s, a, &a->sim, NULL);
}

int cmd_tui(int argc, char **argv)
{
	struct tui_args a;
	memset(&a, 0, sizeof(a));
	bool done = false;
	int rc = tui_parse_args(argc, argv, &a, &done);
	if (rc == EXIT_OK && !done) {
		struct ev_log *log = NULL;
		if (!a.replay && a.positional) {
			/* A history when it reads as one; otherwise it names a definition. */
			char *message = NULL;
			log = import_file(a.positional, &message);
			free(message);
			if (log)
				a.replay = a.positional;
			else
				a.sim.definition = a.positional;
		}
		if (!a.sim.definition)
			a.sim.definition = a.replay ? NULL : a.definition;
		rc = a.replay ? start_replay(&a, log) : start_sim(&a);
	}
	VEC_FREE(a.sim.sets);
	return rc;
}
