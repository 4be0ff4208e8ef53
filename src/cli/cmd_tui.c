/*
 * `stepscope tui` (and the default command): builds the producer from the command line and
 * hands producer + model + log to tui_run. The only place that joins tui/ with history/ (and
 * later sim/). `--dump WxH` renders frames without a terminal for the golden tests.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "asl/asl.h"
#include "history/history.h"
#include "tui/tui.h"

/* One replayed execution: its log, the producer over it and the definition if found. */
struct session {
	struct ev_log *log;
	struct asl_machine *model;
	char *description;
	struct hist_replay_source rsrc;
	struct ev_producer producer;
};

static void session_free(struct session *s)
{
	if (!s)
		return;
	ev_log_free(s->log);
	asl_machine_free(s->model);
	free(s->description);
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

static struct asl_machine *load_definition(const char *path, char **message)
{
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = asl_load_file(path, NULL, &d);
	if (!m && message)
		*message = xasprintf("cannot load the definition %s", path);
	if (!m && !message)
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
static struct session *session_new(struct ev_log *log, const char *name, const char *definition,
				   char **message)
{
	struct session *s = xcalloc(1, sizeof(*s));
	s->log = log;
	char *sib = definition ? NULL : sibling_definition(name);
	const char *def = definition ? definition : sib;
	if (def)
		s->model = load_definition(def, message);
	free(sib);
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

static void fill_source(struct session *s, struct tui_source *src)
{
	memset(src, 0, sizeof(*src));
	src->producer = &s->producer;
	src->model = s->model;
	src->replay = true;
	src->max_concurrency = main_limit(s->model);
	const struct ev_log_meta *meta = ev_log_meta_const(s->log);
	if (!meta->state_machine_name && s->model && s->model->file)
		src->machine_name = base_name(s->model->file);
}

struct hook_ctx {
	struct session *cur, *old;
};

static bool reload(void *ctx, enum tui_reload what, const char *arg, struct tui_source *out,
		   char **message)
{
	struct hook_ctx *h = ctx;
	if (what != TUI_OPEN_HISTORY) {
		*message =
		    xstrdup(what == TUI_RELOAD_CONFIG
				? "reload: a replay has no config.yaml (o opens another history)"
				: "re-run: a replay has no seed");
		return false;
	}
	struct ev_log *log = import_file(arg, message);
	if (!log)
		return false;
	session_free(h->old);
	h->old = h->cur;
	h->cur = session_new(log, arg, NULL, NULL);
	fill_source(h->cur, out);
	return true;
}

/* ---- --dump: frames without a terminal ---- */

struct dump_opts {
	int w, h;
	const char *keys, *at;
	bool roles;
};

static int dump(struct tui_app *app, const struct dump_opts *d, bool ascii)
{
	if (d->at && !strcmp(d->at, "end"))
		tui_app_seek_end(app);
	else if (d->at)
		tui_app_seek(app, strtoll(d->at, NULL, 10));
	const char *k = d->keys ? d->keys : "";
	int key;
	while ((key = tui_key_parse(&k)) != -1) {
		if (key == -2)
			return cli_error("tui: --keys: unknown <key> name");
		if (!tui_app_key(app, key))
			break;
	}
	struct canvas *c = canvas_new(d->w, d->h, ascii);
	tui_app_render(app, c);
	char *text = canvas_dump_text(c);
	fputs(text, stdout);
	free(text);
	if (d->roles) {
		fputs("--- roles\n", stdout);
		text = canvas_dump_roles(c);
		fputs(text, stdout);
		free(text);
	}
	canvas_free(c);
	return EXIT_OK;
}

/* ---- the command ---- */

static const char help[] =
    "usage: stepscope [tui] [options] [HISTORY.json | DEFINITION]\n"
    "\n"
    "The terminal UI: an execution unfolding on its state graph, per-item timelines,\n"
    "concurrency, events and an inspector, with a playback cursor (press ? inside).\n"
    "Until the simulator lands it replays recorded histories (`stepscope replay FILE`).\n"
    "\n"
    "  --replay FILE        a recorded history (also: a positional *.history.json)\n"
    "  --definition FILE    the definition to draw (default: NAME.asl.json beside\n"
    "                       NAME.history.json)\n"
    "  --ascii              no Unicode glyphs\n"
    "  --colors MODE        256, 16 or mono (default: from the terminal; NO_COLOR honoured)\n"
    "  --no-mouse           leave the mouse to the terminal\n"
    "  --paused             start paused\n"
    "  --dump WxH           print one frame as text instead (tests); with --at MS|end,\n"
    "                       --keys KEYS (<Tab> <Enter> <Esc> <Up> ... names) and --roles\n";

struct tui_args {
	const char *replay, *definition, *config;
	const char *positional; /* a history, or else a definition */
	struct tui_options opt;
	struct dump_opts dump;
	bool dumping;
};

static bool want_value(int argc, char **argv, int i)
{
	if (i + 1 < argc)
		return true;
	cli_error("tui: %s needs a value", argv[i]);
	return false;
}

static int parse_opt(int argc, char **argv, int *i, struct tui_args *a)
{
	const char *o = argv[*i];
	const char **slot = !strcmp(o, "--replay")	 ? &a->replay
			    : !strcmp(o, "--definition") ? &a->definition
			    : !strcmp(o, "--config")	 ? &a->config
			    : !strcmp(o, "--keys")	 ? &a->dump.keys
			    : !strcmp(o, "--at")	 ? &a->dump.at
							 : NULL;
	if (slot) {
		if (!want_value(argc, argv, *i))
			return EXIT_USAGE;
		*slot = argv[++*i];
	} else if (!strcmp(o, "--ascii")) {
		a->opt.ascii = true;
	} else if (!strcmp(o, "--no-mouse")) {
		a->opt.no_mouse = true;
	} else if (!strcmp(o, "--paused")) {
		a->opt.paused = true;
	} else if (!strcmp(o, "--roles")) {
		a->dump.roles = true;
	} else if (!strcmp(o, "--colors") && want_value(argc, argv, *i)) {
		const char *v = argv[++*i];
		a->opt.colors = !strcmp(v, "256")    ? TUI_COLORS_256
				: !strcmp(v, "16")   ? TUI_COLORS_16
				: !strcmp(v, "mono") ? TUI_COLORS_MONO
						     : TUI_COLORS_AUTO;
	} else if (!strcmp(o, "--dump") && want_value(argc, argv, *i)) {
		a->dumping = true;
		if (sscanf(argv[++*i], "%dx%d", &a->dump.w, &a->dump.h) != 2 || a->dump.w < 1 ||
		    a->dump.h < 1 || a->dump.w > 1000 || a->dump.h > 1000)
			return cli_error("tui: --dump wants WxH, e.g. 80x24");
	} else {
		cli_error("tui: unknown option '%s'", o);
		return cli_usage_hint("tui");
	}
	return EXIT_OK;
}

static int parse_args(int argc, char **argv, struct tui_args *a, bool *done)
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

static int run_session(struct session *s, const struct tui_args *a)
{
	struct hook_ctx h = {.cur = s};
	struct tui_hooks hooks = {.ctx = &h, .reload = reload};
	struct tui_source src;
	fill_source(s, &src);
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
	session_free(h.cur);
	session_free(h.old);
	return rc;
}

int cli_tui_replay(struct ev_log *log, const char *name, const char *definition)
{
	struct tui_args a;
	memset(&a, 0, sizeof(a));
	struct session *s = session_new(log, name, definition, NULL);
	if (definition && !s->model) {
		session_free(s);
		return EXIT_USAGE;
	}
	return run_session(s, &a);
}

int cmd_tui(int argc, char **argv)
{
	struct tui_args a;
	memset(&a, 0, sizeof(a));
	bool done = false;
	int rc = parse_args(argc, argv, &a, &done);
	if (rc != EXIT_OK || done)
		return rc;
	char *message = NULL;
	struct ev_log *log = NULL;
	if (!a.replay && a.positional) {
		/* A history when it reads as one; otherwise it names a definition. */
		log = import_file(a.positional, &message);
		if (log)
			a.replay = a.positional;
		free(message);
		message = NULL;
	}
	if (!a.replay)
		return cli_error("tui: simulation is not available in this build yet; open a "
				 "recorded history: stepscope tui HISTORY.json");
	if (!log)
		log = import_file(a.replay, &message);
	if (!log) {
		cli_error("tui: %s", message ? message : a.replay);
		free(message);
		return EXIT_USAGE;
	}
	struct session *s = session_new(log, a.replay, a.definition, NULL);
	if (a.definition && !s->model) {
		session_free(s);
		return EXIT_USAGE;
	}
	return run_session(s, &a);
}
