/* The help overlay (every key of the focused pane and the global ones) and scrolling keys. */
#include <stdio.h>
#include <string.h>

#include "tui/internal.h"

static const char *const global_help[] = {"space\tplay / pause",
					  "+ -\tspeed (0.25x ... 1000x, max)",
					  ". ,\tstep to the next / previous event",
					  "] [\tnext / previous span of the selected row",
					  "Home End\tstart / end of the execution",
					  "g\tgo to a time (12.5s, 1500ms, 2m)",
					  "Tab S-Tab 1-6\tnext / previous pane; pane N (shows it)",
					  "z\tmaximize / restore the pane",
					  "x\thide the pane",
					  "/\tfilter events (type: state: item: error: text)",
					  "r R e\tre-run: same seed / new seed / reload config",
					  "o\topen a history file to replay",
					  "Esc ? q\tback / this help / quit",
					  "n p\tlesson: next / previous step",
					  NULL};

static const char *const graph_help[] = {"j k Down Up\tselect the next / previous state",
					 "h l Left Right\tpan left / right",
					 "PgUp PgDn\tpan up / down",
					 "c\tfollow the running states again",
					 "Enter\tinspect the state",
					 "Esc\tclear the selection",
					 NULL};
static const char *const timeline_help[] = {"j k Down Up\tselect a row",
					    "PgUp PgDn\tpage through rows",
					    "h l Left Right\tpan in time",
					    "> <\tzoom in / out around the cursor",
					    "f\tfit all",
					    "Enter\tinspect the row's spans",
					    "Esc\tfollow the newest rows again",
					    NULL};
static const char *const events_help[] = {"j k Down Up\tselect an event (stops following)",
					  "PgUp PgDn\tpage",
					  "t\tmove the cursor to the event",
					  "Enter\tinspect the event",
					  "Esc\tfollow the cursor again",
					  NULL};
static const char *const scroll_help[] = {"j k Down Up\tscroll", "PgUp PgDn\tpage", NULL};
static const char *const logs_help[] = {"j k Down Up\tscroll back / forward", "PgUp PgDn\tpage",
					"a\tall lines / the selected timeline row's only", NULL};
static const char *const inspect_help[] = {"j k Down Up\tscroll", "PgUp PgDn\tpage",
					   "Enter\tunfold / fold the JSON", "Esc\tclose", NULL};

/* Help lines of a pane: "key\tdescription", NULL-terminated; borrowed. */
static const char *const *keys_help(enum tui_pane p)
{
	switch (p) {
	case PANE_GRAPH:
		return graph_help;
	case PANE_TIMELINE:
		return timeline_help;
	case PANE_EVENTS:
		return events_help;
	case PANE_CONC:
		return NULL;
	case PANE_INSPECT:
		return inspect_help;
	case PANE_LOGS:
		return logs_help;
	default:
		return scroll_help;
	}
}

bool keys_scroll(struct tui_app *app, int key)
{
	int *s = app->focus == PANE_LOGS ? &app->lscroll : &app->iscroll;
	int page = app->rect[app->focus].h > 4 ? app->rect[app->focus].h - 3 : 1;
	int dir = app->focus == PANE_LOGS ? -1 : 1; /* logs scroll back from the newest line */
	switch (key) {
	case 'j':
	case TUI_KEY_DOWN:
		*s += dir;
		break;
	case 'k':
	case TUI_KEY_UP:
		*s -= dir;
		break;
	case TUI_KEY_PGDN:
		*s += dir * page;
		break;
	case TUI_KEY_PGUP:
		*s -= dir * page;
		break;
	case 'a':
		if (app->focus != PANE_LOGS)
			return false;
		app->logs_all = !app->logs_all;
		return true;
	case TUI_KEY_ENTER:
		if (app->focus != PANE_INSPECT)
			return false;
		app->unfold = !app->unfold;
		return true;
	default:
		return false;
	}
	if (*s < 0)
		*s = 0;
	return app->focus == PANE_INSPECT || app->focus == PANE_LOGS;
}

static int help_lines(const char *const *list, struct canvas *c, int x, int y, int w, int ymax,
		      int kw)
{
	for (size_t i = 0; list && list[i] && y < ymax; i++, y++) {
		const char *tab = strchr(list[i], '\t');
		char key[32];
		snprintf(key, sizeof(key), "%.*s", (int)(tab - list[i]), list[i]);
		canvas_put_str_fit(c, x, y, kw, key, CANVAS_KEY_HINT);
		canvas_put_str_fit(c, x + kw + 1, y, w - kw - 1, tab + 1, CANVAS_DEFAULT);
	}
	return y;
}

void view_help(struct tui_app *app, struct canvas *c)
{
	int W = canvas_width(c), H = canvas_height(c);
	/* The compare view has one key list of its own, no per-pane lists. */
	const char *const *pane = app->peer ? compare_help() : keys_help(app->focus);
	const char *const *global = app->peer ? NULL : global_help;
	int n = 0;
	while (pane && pane[n])
		n++;
	int w = W - 8 < 64 ? W - 8 : 64;
	int h = (global ? (int)ARRAY_LEN(global_help) + 4 : 2) + n;
	h = h > H - 2 ? H - 2 : h;
	struct canvas_rect r = {(W - w) / 2, (H - h) / 2, w, h};
	canvas_fill(c, r, ' ', CANVAS_DEFAULT);
	canvas_box(c, r, CANVAS_LINE_DOUBLE, CANVAS_SELECTED);
	char title[64];
	if (app->peer)
		snprintf(title, sizeof(title), " Keys: compare view (any key closes) ");
	else
		snprintf(title, sizeof(title), " Keys: %s pane (any key closes) ",
			 tui_pane_name(app->focus));
	canvas_put_str_fit(c, r.x + 2, r.y, w - 4, title, CANVAS_TITLE);
	int x = r.x + 2, y = r.y + 1, ymax = r.y + h - 1, kw = 15;
	y = help_lines(pane, c, x, y, w - 4, ymax, kw);
	if (n && global && y < ymax)
		canvas_hline(c, r.x + 1, r.x + w - 2, y++, CANVAS_LINE_LIGHT, CANVAS_BORDER);
	help_lines(global, c, x, y, w - 4, ymax, kw);
}
