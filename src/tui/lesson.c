/*
 * Lessons in the app: the explanation pane above the others, pauses where there is something
 * to notice (with the state, row or pane they point at selected), and presenter mode's key
 * display. The lesson's scenario itself is the command line's business (a reload per step).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/internal.h"

static int pane_by_name(const char *name)
{
	for (int p = 0; name && p < PANE_COUNT; p++)
		if (!strcasecmp(name, tui_pane_name((enum tui_pane)p)))
			return p;
	return -1;
}

static void focus_pane(struct tui_app *app, const char *name)
{
	int p = pane_by_name(name);
	if (p < 0)
		return;
	app->hidden[p] = false;
	app->focus = (enum tui_pane)p;
	if (app->maximized >= 0)
		app->maximized = p;
}

/* "TaskStarted LambdaInvoke #2" → the time of the 2nd TaskStarted in state LambdaInvoke among
 * the events so far ("ExecutionSucceeded": any state); false when it has not happened (yet). */
static bool event_time(const struct tui_app *app, const char *spec, int64_t *t)
{
	const char *sp = strchr(spec, ' ');
	size_t tlen = sp ? (size_t)(sp - spec) : strlen(spec);
	const char *state = sp ? sp + 1 : "", *hash = strrchr(state, '#');
	size_t slen = hash ? (size_t)(hash - state) : strlen(state);
	while (slen > 0 && state[slen - 1] == ' ')
		slen--;
	long nth = hash ? strtol(hash + 1, NULL, 10) : 1;
	size_t n = ev_log_count(app->log);
	for (size_t id = 1; id <= n && nth > 0; id++) {
		const struct ev *e = ev_log_get(app->log, (int64_t)id);
		const char *type = ev_type_name(e->type), *st = ev_log_str(app->log, e->state);
		bool state_ok = !slen || (st && strlen(st) == slen && !strncmp(st, state, slen));
		if (strlen(type) == tlen && !strncmp(type, spec, tlen) && state_ok && --nth == 0) {
			*t = e->t_ms;
			return true;
		}
	}
	return false;
}

static bool pause_time(const struct tui_app *app, const struct tui_pause *p, int64_t *t)
{
	if (p->t_ms >= 0) {
		*t = p->t_ms;
		return true;
	}
	return p->event && event_time(app, p->event, t);
}

static void highlight(struct tui_app *app, const struct tui_pause *p)
{
	if (p->state && app->graph) {
		const struct graph_node *n = graph_find(app->graph, p->state);
		if (n) {
			app->gsel = n;
			app->gfollow = true;
			focus_pane(app, "graph");
		}
	}
	if (p->row >= 0 && (size_t)p->row < tl_index_row_count(app->tl)) {
		app->trow = (size_t)p->row;
		app->tfollow = false;
		focus_pane(app, "timeline");
	}
	if (p->pane)
		focus_pane(app, p->pane);
}

void lesson_on_load(struct tui_app *app)
{
	app->lnext = 0;
	app->lnote = -1;
	const struct tui_lesson *l = app->src.lesson;
	if (!l)
		return;
	if (l->focus)
		focus_pane(app, l->focus);
	if (l->window_ms > 0) {
		app->t0 = 0;
		app->t1 = l->window_ms;
	}
}

void lesson_check_pause(struct tui_app *app)
{
	const struct tui_lesson *l = app->src.lesson;
	int64_t t;
	if (!l || app->lnext >= l->pause_count)
		return;
	const struct tui_pause *p = &l->pauses[app->lnext];
	if (!pause_time(app, p, &t) || t > app->play.t)
		return;
	play_seek(app, t);
	app->play.playing = false;
	app->play.carry = 0;
	app->lnote = (int)app->lnext++;
	highlight(app, p);
}

void lesson_rearm(struct tui_app *app)
{
	const struct tui_lesson *l = app->src.lesson;
	app->lnote = -1;
	app->lnext = 0;
	int64_t t;
	while (l && app->lnext < l->pause_count && pause_time(app, &l->pauses[app->lnext], &t) &&
	       t < app->play.t)
		app->lnext++;
}

void lesson_note_key(struct tui_app *app, int key)
{
	if (!app->opt.present)
		return;
	char name[16];
	if (key == ' ')
		snprintf(name, sizeof(name), "space");
	else if (key == TUI_KEY_TAB)
		snprintf(name, sizeof(name), "Tab");
	else if (key == TUI_KEY_ENTER)
		snprintf(name, sizeof(name), "Enter");
	else if (key < 128 && isprint(key))
		snprintf(name, sizeof(name), "%c", (char)key);
	else
		snprintf(name, sizeof(name), "key");
	/* Keep the newest keys: drop the oldest words until the new one fits. */
	char *k = app->keys_seen;
	while (strlen(k) + strlen(name) + 2 > sizeof(app->keys_seen)) {
		char *sp = strchr(k, ' ');
		if (!sp) {
			k[0] = '\0';
			break;
		}
		memmove(k, sp + 1, strlen(sp + 1) + 1);
	}
	if (k[0])
		strcat(k, " ");
	strcat(k, name);
}

/* ---- the explanation pane ---- */

/* Word-wraps text into at most max lines of width w (each owned by the caller). */
static int wrap(const char *text, int w, char **out, int max)
{
	int n = 0;
	const char *s = text ? text : "";
	if (w < 8)
		w = 8;
	while (*s && n < max) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		/* Fit bytes of this paragraph into w columns, breaking at the last space. */
		size_t take = len, cols = 0, last_space = 0;
		for (size_t i = 0; i < len; i++) {
			if ((s[i] & 0xC0) != 0x80)
				cols++;
			if (s[i] == ' ')
				last_space = i;
			if ((int)cols > w) {
				take = last_space ? last_space : i;
				break;
			}
		}
		out[n++] = xstrndup(s, take);
		s += take;
		while (*s == ' ')
			s++;
		if (take == len && nl)
			s = nl + 1;
	}
	return n;
}

enum { LESSON_MAX_LINES = 24 };

struct lesson_text {
	char *lines[LESSON_MAX_LINES];
	enum canvas_role roles[LESSON_MAX_LINES];
	int n;
};

static void lesson_text(struct tui_app *app, int w, struct lesson_text *t)
{
	const struct tui_lesson *l = app->src.lesson;
	bool present = app->opt.present;
	t->n = wrap(l->text, w, t->lines, LESSON_MAX_LINES / 2);
	for (int i = 0; i < t->n; i++)
		t->roles[i] = CANVAS_DEFAULT;
	if (present && t->n < LESSON_MAX_LINES)
		t->roles[t->n] = CANVAS_DEFAULT, t->lines[t->n++] = xstrdup("");
	if (l->compare && t->n < LESSON_MAX_LINES / 2 + 2) {
		int k = wrap(l->compare, w, t->lines + t->n, 2);
		for (int i = 0; i < k; i++)
			t->roles[t->n + i] = CANVAS_INFO;
		t->n += k;
	}
	const char *note = app->lnote >= 0 ? l->pauses[app->lnote].note : NULL;
	char *line = note ? xasprintf("%s %s", app->opt.ascii ? ">" : "▶", note)
			  : xstrdup(app->play.playing ? "(playing: it stops where there is "
							"something to notice)"
						      : "(space plays; n next step, p previous)");
	int k = wrap(line, w, t->lines + t->n, LESSON_MAX_LINES - t->n);
	for (int i = 0; i < k; i++)
		t->roles[t->n + i] = note ? CANVAS_WARNING : CANVAS_DIM;
	t->n += k;
	free(line);
}

int lesson_pane_height(struct tui_app *app, int w, int h)
{
	if (!app->src.lesson || app->maximized >= 0)
		return 0;
	struct lesson_text t;
	lesson_text(app, w - 4, &t);
	for (int i = 0; i < t.n; i++)
		free(t.lines[i]);
	int rows = t.n + 2 + (app->opt.present ? 2 : 0), cap = h / 3;
	return rows < cap ? rows : cap < 4 ? 4 : cap;
}

void view_lesson(struct tui_app *app, struct canvas *c, struct canvas_rect r)
{
	const struct tui_lesson *l = app->src.lesson;
	canvas_box(c, r, CANVAS_LINE_DOUBLE, CANVAS_BORDER);
	char title[256];
	snprintf(title, sizeof(title), " %s %s step %d/%d: %s ", l->title ? l->title : "lesson",
		 app->opt.ascii ? "-" : "—", l->step, l->steps, l->step_title ? l->step_title : "");
	int tw = canvas_put_str_fit(c, r.x + 1, r.y, r.w - 2, title, CANVAS_TITLE);
	char hint[96];
	if (app->opt.present && app->keys_seen[0])
		snprintf(hint, sizeof(hint), " keys: %s ", app->keys_seen);
	else
		snprintf(hint, sizeof(hint), " n next %s p previous %s space continue ",
			 app->opt.ascii ? "|" : "·", app->opt.ascii ? "|" : "·");
	int hw = canvas_str_width(hint);
	if (hw < r.w - 4 - tw / 2)
		canvas_put_str(c, r.x + r.w - 1 - hw, r.y + r.h - 1, hint, CANVAS_KEY_HINT);
	struct lesson_text t;
	int pad = app->opt.present ? 2 : 1;
	lesson_text(app, r.w - 2 - 2 * pad, &t);
	int y0 = r.y + 1 + (app->opt.present ? 1 : 0);
	for (int i = 0; i < t.n; i++) {
		if (y0 + i < r.y + r.h - 1)
			canvas_put_str_fit(c, r.x + 1 + pad, y0 + i, r.w - 2 - 2 * pad, t.lines[i],
					   t.roles[i]);
		free(t.lines[i]);
	}
}

void tui_app_play_to_pause(struct tui_app *app, int64_t max_ms)
{
	struct tui_play *p = &app->play;
	bool cmp = app->peer != NULL;
	if (cmp ? compare_at_end(app) : play_at_end(app))
		return;
	p->playing = true;
	p->to_end = false;
	int64_t start = p->t;
	/* Steps of 100 ms of virtual time, as a 1x player would see them. */
	while (p->playing && !(cmp ? compare_at_end(app) : play_at_end(app)) &&
	       p->t - start < max_ms) {
		if (cmp)
			compare_seek(app, p->t + 100);
		else
			play_seek(app, p->t + 100);
		lesson_check_pause(app);
		if (cmp) /* a pause moved A's cursor back: B follows */
			compare_seek(app, p->t);
	}
	p->playing = false;
}
