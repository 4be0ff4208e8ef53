/*
 * The app state machine: creation over a source, global keys, prompts and reloads. Keys are
 * plain ints so tests feed them without a terminal.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "tui/internal.h"

static void load_source(struct tui_app *app, const struct tui_source *src)
{
	app->src = *src;
	app->log = src->producer->log;
	app->tl = tl_index_new(app->log);
	if (src->max_concurrency > 0)
		tl_index_set_limit(app->tl, src->max_concurrency);
	tl_index_update(app->tl);
	app->graph = src->model ? graph_from_asl(src->model) : NULL;
	app->graph_from_log = false;
	if (!app->graph && src->producer->ops->finished(src->producer->self)) {
		app->graph = tui_graph_from_log(app->log);
		app->graph_from_log = app->graph != NULL;
	}
	app->layout = app->graph ? graph_layout_new(app->graph) : NULL;
	app->gsel = NULL;
	app->gfollow = true;
	app->gpan_x = app->gpan_y = 0;
	app->trow = app->ttop = 0;
	app->tfollow = true;
	app->t0 = app->t1 = 0;
	app->esel = 0;
	app->matched_upto = 0;
	app->matches.len = 0;
	memset(app->conc, 0, sizeof(app->conc));
	memset(&app->play, 0, sizeof(app->play));
	play_reset(app);
	/* The configured speed; else replays play in about ten seconds, live runs at 1x. */
	bool fin = src->producer->ops->finished(src->producer->self);
	int speed =
	    src->speed > 0 ? play_nearest_speed(src->speed)
	    : fin ? play_default_speed(play_total(app), ev_log_meta_const(app->log)->synthetic_time)
		  : 2;
	app->play.speed = speed;
	if (app->opt.present && app->play.speed > 0)
		app->play.speed--; /* presenter mode: one notch slower */
	app->play.playing = !app->opt.paused;
	play_seek(app, 0);
	lesson_on_load(app);
	compare_load(app);
}

static void unload_source(struct tui_app *app)
{
	compare_unload(app);
	graph_layout_free(app->layout);
	graph_free(app->graph);
	tl_index_free(app->tl);
	VEC_FREE(app->play.states);
	VEC_FREE(app->play.open_in_item);
	app->layout = NULL;
	app->graph = NULL;
	app->tl = NULL;
}

struct tui_app *tui_app_new(const struct tui_source *src, const struct tui_hooks *hooks,
			    const struct tui_options *opt)
{
	struct tui_app *app = xcalloc(1, sizeof(*app));
	if (hooks)
		app->hooks = *hooks;
	if (opt)
		app->opt = *opt;
	app->maximized = -1;
	app->hidden[PANE_INSPECT] = true;
	app->hidden[PANE_LOGS] = true;
	app->focus = PANE_GRAPH;
	load_source(app, src);
	return app;
}

void tui_app_free(struct tui_app *app)
{
	if (!app)
		return;
	unload_source(app);
	VEC_FREE(app->matches);
	free(app);
}

static void say(struct tui_app *app, const char *fmt, const char *arg)
{
	snprintf(app->message, sizeof(app->message), fmt, arg ? arg : "");
}

static void do_reload(struct tui_app *app, enum tui_reload what, const char *arg)
{
	static const char *const names[] = {"re-run",	 "re-run with a new seed", "reload", "open",
					    "next step", "previous step"};
	if (!app->hooks.reload) {
		say(app, "%s is not available here", names[what]);
		return;
	}
	if (app->src.replay && (what == TUI_RERUN_SAME_SEED || what == TUI_RERUN_NEW_SEED)) {
		say(app, "%s: a replay has no seed", names[what]);
		return;
	}
	struct tui_source next;
	char *msg = NULL;
	if (!app->hooks.reload(app->hooks.ctx, what, arg, &next, &msg)) {
		say(app, "%s", msg ? msg : "reload failed");
		free(msg);
		return;
	}
	free(msg);
	unload_source(app);
	load_source(app, &next);
	say(app, "%s: done", names[what]);
}

/* "12", "12.5s", "1500ms", "2m", "1h" -> ms; false when unreadable. */
static bool parse_time(const char *s, int64_t *ms)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || v < 0)
		return false;
	while (*end == ' ')
		end++;
	double unit = 1000;
	if (!strcmp(end, "ms"))
		unit = 1;
	else if (!strcmp(end, "m") || !strcmp(end, "min"))
		unit = 60000;
	else if (!strcmp(end, "h"))
		unit = 3600000;
	else if (*end && strcmp(end, "s"))
		return false;
	*ms = (int64_t)(v * unit + 0.5);
	return true;
}

static void commit_prompt(struct tui_app *app)
{
	enum tui_prompt p = app->prompt;
	app->prompt = PROMPT_NONE;
	if (p == PROMPT_FILTER) {
		snprintf(app->filter, sizeof(app->filter), "%.127s", app->input);
		events_update_matches(app, true);
		app->esel = 0;
	} else if (p == PROMPT_GOTO) {
		int64_t ms;
		if (parse_time(app->input, &ms))
			tui_app_seek(app, ms);
		else
			say(app, "go to: cannot read time '%s' (e.g. 12.5s, 1500ms, 2m)",
			    app->input);
	} else if (p == PROMPT_OPEN && app->input[0]) {
		do_reload(app, TUI_OPEN_HISTORY, app->input);
	}
}

static void prompt_key(struct tui_app *app, int key)
{
	size_t n = strlen(app->input);
	if (key == TUI_KEY_ESC) {
		app->prompt = PROMPT_NONE;
	} else if (key == TUI_KEY_ENTER || key == '\r') {
		commit_prompt(app);
	} else if (key == TUI_KEY_BACKSPACE || key == 8) {
		while (n > 0 && ((unsigned char)app->input[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0)
			app->input[n - 1] = '\0';
	} else if (key >= 32 && key < 0x110000 && n + 4 < sizeof(app->input)) {
		app->input[n + utf8_encode((uint32_t)key, app->input + n)] = '\0';
	}
}

static void start_prompt(struct tui_app *app, enum tui_prompt p, const char *initial)
{
	app->prompt = p;
	snprintf(app->input, sizeof(app->input), "%s", initial ? initial : "");
}

static void cycle_focus(struct tui_app *app, int dir)
{
	for (int i = 1; i <= PANE_COUNT; i++) {
		int p = ((int)app->focus + dir * i + PANE_COUNT * 2) % PANE_COUNT;
		if (!app->hidden[p]) {
			app->focus = (enum tui_pane)p;
			if (app->maximized >= 0)
				app->maximized = p;
			return;
		}
	}
}

static void hide_focused(struct tui_app *app)
{
	int visible = 0;
	for (int p = 0; p < PANE_COUNT; p++)
		visible += !app->hidden[p];
	if (visible <= 1) {
		say(app, "%s", "the last pane stays visible");
		return;
	}
	app->hidden[app->focus] = true;
	if (app->maximized == (int)app->focus)
		app->maximized = -1;
	cycle_focus(app, 1);
}

static void toggle_play(struct tui_app *app)
{
	struct tui_play *p = &app->play;
	if (!p->playing && play_at_end(app)) {
		play_seek(app, 0); /* play again from the start */
		lesson_rearm(app);
	}
	p->playing = !p->playing;
	p->carry = 0;
}

static bool playback_key(struct tui_app *app, int key)
{
	struct tui_play *p = &app->play;
	if (play_speed_key(p, key))
		return true;
	switch (key) {
	case ' ':
		p->to_end = false;
		toggle_play(app);
		return true;
	case '.':
		p->playing = false;
		play_step(app, 1);
		return true;
	case ',':
		p->playing = false;
		play_step(app, -1);
		return true;
	case TUI_KEY_HOME:
		tui_app_seek(app, 0);
		lesson_rearm(app);
		return true;
	case TUI_KEY_END:
		play_to_end(app);
		return true;
	default:
		return false;
	}
}

static bool global_key(struct tui_app *app, int key)
{
	if (playback_key(app, key))
		return true;
	switch (key) {
	case 'q':
		app->quit = true;
		return true;
	case '?':
		app->help = true;
		return true;
	case TUI_KEY_TAB:
		cycle_focus(app, 1);
		return true;
	case TUI_KEY_BACKTAB:
		cycle_focus(app, -1);
		return true;
	case 'z':
		app->maximized = app->maximized == (int)app->focus ? -1 : (int)app->focus;
		return true;
	case 'x':
		hide_focused(app);
		return true;
	case ']':
	case '[':
		app->play.playing = false;
		if (app->focus == PANE_GRAPH && app->gsel)
			graph_jump(app, key == ']' ? 1 : -1);
		else
			timeline_jump(app, key == ']' ? 1 : -1);
		return true;
	case 'g':
		start_prompt(app, PROMPT_GOTO, NULL);
		return true;
	case '/':
		app->hidden[PANE_EVENTS] = false;
		app->focus = PANE_EVENTS;
		start_prompt(app, PROMPT_FILTER, app->filter);
		return true;
	case 'o':
		start_prompt(app, PROMPT_OPEN, NULL);
		return true;
	case 'r':
		do_reload(app, TUI_RERUN_SAME_SEED, NULL);
		return true;
	case 'R':
		do_reload(app, TUI_RERUN_NEW_SEED, NULL);
		return true;
	case 'e':
		do_reload(app, TUI_RELOAD_CONFIG, NULL);
		return true;
	case 'n':
	case 'p':
		if (!app->src.lesson)
			return false;
		do_reload(app, key == 'n' ? TUI_LESSON_NEXT : TUI_LESSON_PREV, NULL);
		return true;
	default:
		break;
	}
	if (key >= '1' && key < '1' + PANE_COUNT) {
		app->focus = (enum tui_pane)(key - '1');
		app->hidden[app->focus] = false;
		if (app->maximized >= 0)
			app->maximized = (int)app->focus;
		return true;
	}
	return false;
}

/* The compare view: its own playback and timeline keys, then the few global ones that make
 * sense for two fixed executions. */
static bool compare_global_key(struct tui_app *app, int key)
{
	switch (key) {
	case 'q':
	case '?':
	case 'g':
	case 'n':
	case 'p':
		return global_key(app, key);
	case 'r':
	case 'R':
	case 'e':
	case 'o':
		say(app, "%s",
		    "the compare view shows two fixed executions: no re-run, reload or open");
		return true;
	default:
		return false;
	}
}

static bool pane_key(struct tui_app *app, int key)
{
	switch (app->focus) {
	case PANE_GRAPH:
		return keys_graph(app, key);
	case PANE_TIMELINE:
		return keys_timeline(app, key);
	case PANE_EVENTS:
		return keys_events(app, key);
	default:
		return keys_scroll(app, key);
	}
}

bool tui_app_key(struct tui_app *app, int key)
{
	if (app->prompt != PROMPT_NONE) {
		prompt_key(app, key);
		return !app->quit;
	}
	if (app->help) {
		if (key == 'q')
			app->quit = true;
		app->help = false; /* any key closes the help */
		return !app->quit;
	}
	app->message[0] = '\0';
	lesson_note_key(app, key);
	if (app->peer ? compare_key(app, key) || compare_global_key(app, key)
		      : pane_key(app, key) || global_key(app, key))
		return !app->quit;
	if (key == TUI_KEY_ESC) {
		if (app->maximized >= 0)
			app->maximized = -1;
		else if (!app->hidden[PANE_INSPECT] && app->focus == PANE_INSPECT)
			app->hidden[PANE_INSPECT] = true, cycle_focus(app, -1);
		return true;
	}
	if (key < 0x110000 && isprint(key))
		say(app, "unknown key '%s' (? lists the keys)", (char[]){(char)key, 0});
	return !app->quit;
}

void tui_app_mouse(struct tui_app *app, int x, int y, int button)
{
	if (app->peer) {
		compare_mouse(app, x, y, button);
		return;
	}
	for (int p = 0; p < PANE_COUNT; p++) {
		struct canvas_rect r = app->rect[p];
		if (r.w <= 0 || x < r.x || y < r.y || x >= r.x + r.w || y >= r.y + r.h)
			continue;
		app->focus = (enum tui_pane)p;
		int key = button == 4 ? TUI_KEY_UP : button == 5 ? TUI_KEY_DOWN : 0;
		if (key) {
			for (int i = 0; i < 3; i++)
				pane_key(app, key);
			return;
		}
		if (p == PANE_GRAPH && app->layout) {
			const struct graph_box *b =
			    graph_layout_hit(app->layout, x - app->gox, y - app->goy);
			if (b)
				app->gsel = b->node;
		} else if (p == PANE_TIMELINE && y >= r.y + 2) {
			size_t row = app->ttop + (size_t)(y - r.y - 2);
			if (row < tl_index_row_count(app->tl)) {
				app->trow = row;
				app->tfollow = false;
			}
		} else if (p == PANE_EVENTS) {
			events_click(app, y - r.y - 1);
		}
		return;
	}
}

int tui_key_parse(const char **s)
{
	static const struct {
		const char *name;
		int key;
	} names[] = {{"Up", TUI_KEY_UP},
		     {"Down", TUI_KEY_DOWN},
		     {"Left", TUI_KEY_LEFT},
		     {"Right", TUI_KEY_RIGHT},
		     {"PgUp", TUI_KEY_PGUP},
		     {"PgDn", TUI_KEY_PGDN},
		     {"Home", TUI_KEY_HOME},
		     {"End", TUI_KEY_END},
		     {"Tab", TUI_KEY_TAB},
		     {"BTab", TUI_KEY_BACKTAB},
		     {"Enter", TUI_KEY_ENTER},
		     {"Esc", TUI_KEY_ESC},
		     {"Space", ' '},
		     {"BS", TUI_KEY_BACKSPACE},
		     {"lt", '<'}};
	const char *p = *s;
	if (!*p)
		return -1;
	if (*p == '<') {
		const char *end = strchr(p, '>');
		if (end && end > p + 1) {
			for (size_t i = 0; i < ARRAY_LEN(names); i++) {
				if (strlen(names[i].name) == (size_t)(end - p - 1) &&
				    !strncmp(p + 1, names[i].name, (size_t)(end - p - 1))) {
					*s = end + 1;
					return names[i].key;
				}
			}
			*s = end + 1;
			return -2;
		}
	}
	const char *q = p;
	uint32_t cp = canvas_utf8_next(&q);
	*s = q;
	return (int)cp;
}
