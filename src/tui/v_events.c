/*
 * The events pane: the history events up to the cursor, newest at the bottom, following the
 * cursor until the user selects one; `/` filters by type:, state:, item:, error: or any text.
 * Matches are collected incrementally as the log grows, so a filter costs O(new events).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

static bool contains_ci(const char *hay, const char *needle, size_t n)
{
	if (!hay)
		return false;
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] &&
		       tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return n == 0;
}

/* One filter word against one event: `key:value` looks at that field, else the line. */
static bool word_matches(const struct tui_app *app, const struct ev *e, const char *w, size_t n,
			 const char *line)
{
	const char *colon = memchr(w, ':', n);
	if (colon) {
		size_t k = (size_t)(colon - w), vn = n - k - 1;
		const char *v = colon + 1;
		if (k == 4 && !strncmp(w, "type", 4))
			return contains_ci(ev_type_name(e->type), v, vn);
		if (k == 5 && !strncmp(w, "state", 5))
			return contains_ci(ev_log_str(app->log, e->state), v, vn);
		if (k == 5 && !strncmp(w, "error", 5))
			return ev_error(app->log, e) &&
			       contains_ci(ev_log_str(app->log, ev_error(app->log, e)), v, vn);
		if (k == 4 && !strncmp(w, "item", 4))
			return e->item >= 0 && e->item == atoi(v);
	}
	return contains_ci(line, w, n);
}

static bool matches(const struct tui_app *app, const struct ev *e, int64_t id, struct strbuf *sb)
{
	sb_clear(sb);
	ev_format_line(app->log, e, id, sb);
	const char *f = app->filter;
	while (*f) {
		while (*f == ' ')
			f++;
		size_t n = strcspn(f, " ");
		if (n && !word_matches(app, e, f, n, sb_str(sb)))
			return false;
		f += n;
	}
	return true;
}

void events_update_matches(struct tui_app *app, bool reset)
{
	if (reset) {
		app->matches.len = 0;
		app->matched_upto = 0;
	}
	if (!app->filter[0])
		return;
	size_t n = ev_log_count(app->log);
	struct strbuf sb;
	sb_init(&sb);
	for (size_t id = app->matched_upto + 1; id <= n; id++) {
		const struct ev *e = ev_log_get(app->log, (int64_t)id);
		if (matches(app, e, (int64_t)id, &sb))
			VEC_PUSH(app->matches, (int64_t)id);
	}
	app->matched_upto = n;
	sb_fini(&sb);
}

/* The list shown: entries 0..count-1 (events up to the cursor, filtered). */
static size_t list_count(const struct tui_app *app)
{
	int64_t pos = (int64_t)app->play.pos;
	if (!app->filter[0])
		return (size_t)pos;
	size_t lo = 0, hi = app->matches.len;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (app->matches.items[mid] <= pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int64_t list_id(const struct tui_app *app, size_t k)
{
	return app->filter[0] ? app->matches.items[k] : (int64_t)k + 1;
}

/* The selected entry, or SIZE_MAX when the list is empty. */
static size_t list_selected(const struct tui_app *app, size_t count)
{
	if (count == 0)
		return SIZE_MAX;
	if (!app->esel)
		return count - 1;
	size_t best = 0;
	for (size_t lo = 0, hi = count; lo < hi;) {
		size_t mid = (lo + hi) / 2;
		if (list_id(app, mid) <= app->esel)
			best = mid, lo = mid + 1;
		else
			hi = mid;
	}
	return best;
}

void events_click(struct tui_app *app, int row)
{
	size_t k = app->efirst + (size_t)row;
	if (row >= 0 && k < list_count(app))
		app->esel = list_id(app, k);
}

const struct ev *events_selected(struct tui_app *app, int64_t *id)
{
	size_t count = list_count(app), k = list_selected(app, count);
	*id = k == SIZE_MAX ? 0 : list_id(app, k);
	return k == SIZE_MAX ? NULL : ev_log_get(app->log, *id);
}

static enum canvas_role event_role(const struct ev *e)
{
	const char *n = ev_type_name(e->type);
	size_t len = strlen(n);
	if ((len > 6 && !strcmp(n + len - 6, "Failed")) ||
	    (len > 8 && !strcmp(n + len - 8, "TimedOut")) ||
	    (len > 7 && !strcmp(n + len - 7, "Aborted")))
		return CANVAS_ERROR;
	if (!strncmp(n, "Execution", 9))
		return CANVAS_TITLE;
	return CANVAS_DEFAULT;
}

void view_events(struct tui_app *app, struct canvas *c, struct canvas_rect r)
{
	size_t count = list_count(app), sel = list_selected(app, count);
	char extra[200];
	if (app->filter[0])
		snprintf(extra, sizeof(extra), "/%s  %zu of %zu", app->filter, count,
			 app->play.pos);
	else
		snprintf(extra, sizeof(extra), "%s%zu", app->esel ? "" : "following  ", count);
	struct canvas_rect in = tui_pane_box(app, c, PANE_EVENTS, r, extra);
	canvas_set_clip(c, in);
	if (count == 0) {
		canvas_put_str_fit(c, in.x + 1, in.y, in.w - 1,
				   app->filter[0] ? "no event matches the filter"
						  : "no event yet (space plays, . steps)",
				   CANVAS_DIM);
		return;
	}
	size_t h = (size_t)in.h, last = sel + h / 2 < count ? sel + h / 2 : count - 1;
	if (!app->esel)
		last = count - 1;
	size_t first = last + 1 > h ? last + 1 - h : 0;
	app->efirst = first;
	struct strbuf sb;
	sb_init(&sb);
	int y = in.y;
	for (size_t k = first; k <= last && y < in.y + in.h; k++, y++) {
		const struct ev *e = ev_log_get(app->log, list_id(app, k));
		sb_clear(&sb);
		ev_format_line(app->log, e, list_id(app, k), &sb);
		/* "7 <- 5" reads better as "7 ← 5" where Unicode is allowed. */
		char *arrow = app->opt.ascii ? NULL : strstr(sb.data, " <- ");
		if (arrow) {
			char *tail = xstrdup(arrow + 4);
			sb.len = (size_t)(arrow - sb.data);
			sb.data[sb.len] = '\0';
			sb_add(&sb, " \xe2\x86\x90 ");
			sb_add(&sb, tail);
			free(tail);
		}
		enum canvas_role role = event_role(e);
		if (k == sel && (app->esel || app->focus == PANE_EVENTS))
			role = CANVAS_SELECTED;
		canvas_put_str_fit(c, in.x, y, in.w, sb_str(&sb), role);
		if (role == CANVAS_SELECTED)
			canvas_set_role(c, (struct canvas_rect){in.x, y, in.w, 1}, role);
	}
	sb_fini(&sb);
}

bool keys_events(struct tui_app *app, int key)
{
	size_t count = list_count(app), sel = list_selected(app, count);
	if (count == 0)
		return false;
	size_t page = app->rect[PANE_EVENTS].h > 3 ? (size_t)app->rect[PANE_EVENTS].h - 2 : 1;
	size_t to = sel;
	switch (key) {
	case 'j':
	case TUI_KEY_DOWN:
		to = sel + 1 < count ? sel + 1 : sel;
		break;
	case 'k':
	case TUI_KEY_UP:
		to = sel > 0 ? sel - 1 : 0;
		break;
	case TUI_KEY_PGDN:
		to = sel + page < count ? sel + page : count - 1;
		break;
	case TUI_KEY_PGUP:
		to = sel > page ? sel - page : 0;
		break;
	case 't':
		tui_app_seek(app, ev_log_get(app->log, list_id(app, sel))->t_ms);
		return true;
	case TUI_KEY_ENTER:
		app->esel = list_id(app, sel);
		app->hidden[PANE_INSPECT] = false;
		app->inspect_from = PANE_EVENTS;
		app->iscroll = 0;
		return true;
	case TUI_KEY_ESC:
		if (!app->esel)
			return false;
		app->esel = 0; /* follow the cursor again */
		return true;
	default:
		return false;
	}
	app->esel = list_id(app, to);
	return true;
}
