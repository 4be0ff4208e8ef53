/*
 * The inspector (the selected state, timeline row or event: status, timing, errors, retries,
 * and JSON payloads with syntax roles) and the logs pane (CloudWatch lines up to the cursor).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "tui/internal.h"

struct line {
	char *text;
	enum canvas_role role;
	bool json;
};

typedef VEC(struct line) lines_t;

static void add(lines_t *l, enum canvas_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add(lines_t *l, enum canvas_role role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct line ln = {.text = xvasprintf(fmt, ap), .role = role};
	va_end(ap);
	VEC_PUSH(*l, ln);
}

static void add_json(lines_t *l, const char *title, json_t *v)
{
	if (!v)
		return;
	add(l, CANVAS_TITLE, "%s", title);
	char *text = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
	if (!text)
		return;
	for (char *s = text; *s;) {
		size_t n = strcspn(s, "\n");
		struct line ln = {.text = xstrndup(s, n), .json = true};
		VEC_PUSH(*l, ln);
		s += n + (s[n] == '\n');
	}
	free(text);
}

static void fmt_range(char *buf, size_t size, int64_t a, int64_t b)
{
	char x[24], y[24];
	tui_fmt_time(a, x, sizeof(x));
	if (b < 0)
		snprintf(buf, size, "%s - (running)", x);
	else {
		tui_fmt_time(b, y, sizeof(y));
		snprintf(buf, size, "%s - %s", x, y);
	}
}

static void state_lines(struct tui_app *app, lines_t *l)
{
	const struct graph_node *n = app->gsel;
	if (!n) {
		add(l, CANVAS_DIM, "select a state in the graph (j/k) and press Enter");
		return;
	}
	add(l, CANVAS_TITLE, "%s  (%s)", n->label, graph_kind_name(n->kind));
	ev_str_t name = ev_log_intern(app->log, n->label);
	const struct tui_state_stat *s = play_stat(app, name);
	add(l, play_state_role(s), "status at cursor: %s %s",
	    play_state_role(s) == CANVAS_DEFAULT ? "not reached"
						 : canvas_role_name(play_state_role(s)) + 6,
	    "");
	add(l, CANVAS_DEFAULT,
	    "visits: %d running, %d succeeded, %d caught, %d failed, %d aborted, "
	    "%d timed out",
	    s->running, s->succeeded, s->caught, s->failed, s->aborted, s->timed_out);
	if (n->kind == GRAPH_MAP)
		add(l, CANVAS_DEFAULT,
		    "iterations: %d running, %d succeeded, %d failed, %d aborted"
		    " of %d",
		    s->it_run, s->it_ok, s->it_fail, s->it_abort, s->length);
	const struct asl_state *st = n->user;
	if (!st)
		return;
	for (size_t i = 0; i < st->retry_count; i++) {
		const struct asl_retrier *r = &st->retry[i];
		add(l, CANVAS_SPAN_RETRY, "retry %s%s: every %.1fs x%.1f, %" PRId64 " attempts",
		    r->error_count ? r->errors[0] : "?", r->error_count > 1 ? ", ..." : "",
		    r->interval_seconds, r->backoff_rate, r->max_attempts);
	}
	add_json(l, "definition:", st->json);
}

static void row_lines(struct tui_app *app, lines_t *l)
{
	const struct tl_row *row = tl_index_row(app->tl, app->trow);
	if (!row)
		return;
	char range[64];
	fmt_range(range, sizeof(range), row->start_ms, row->end_ms);
	add(l, CANVAS_TITLE, "%s", row->kind == TL_ROW_TOP ? "execution" : row->label);
	add(l, tui_status_role(row->status), "status: %s  %s", tl_status_name(row->status), range);
	size_t n;
	const struct tl_span *sp = tl_index_spans(app->tl, row->id, &n);
	for (size_t i = 0; i < n; i++) {
		if (sp[i].start_ev > (int64_t)app->play.pos)
			break;
		fmt_range(range, sizeof(range), sp[i].start_ms, sp[i].end_ms);
		add(l, tui_status_role(sp[i].status), "%s%s %s #%d %s %s%s%s",
		    sp[i].kind == TL_SPAN_VISIT ? "" : "  ", tl_span_kind_name(sp[i].kind),
		    ev_log_str(app->log, sp[i].state), sp[i].attempt, tl_status_name(sp[i].status),
		    range, sp[i].error ? " error=" : "",
		    sp[i].error ? ev_log_str(app->log, sp[i].error) : "");
	}
}

static void event_lines(struct tui_app *app, lines_t *l)
{
	const struct ev *e = events_selected(app);
	if (!e)
		return;
	char t[24];
	tui_fmt_time(e->t_ms, t, sizeof(t));
	add(l, CANVAS_TITLE, "%s", ev_type_name(e->type));
	add(l, CANVAS_DEFAULT, "id %" PRId64 " <- %" PRId64 "   t=%s", e->id, e->prev, t);
	if (e->state)
		add(l, CANVAS_DEFAULT, "state: %s", ev_log_str(app->log, e->state));
	if (e->item >= 0)
		add(l, CANVAS_DEFAULT, "item: %d", e->item);
	if (e->error)
		add(l, CANVAS_ERROR, "error: %s", ev_log_str(app->log, e->error));
	if (e->cause)
		add(l, CANVAS_ERROR, "cause: %s", ev_log_str(app->log, e->cause));
	if (e->resource)
		add(l, CANVAS_DEFAULT, "resource: %s", ev_log_str(app->log, e->resource));
	add_json(l, "payload:", e->payload);
	add_json(l, "details:", e->extra);
}

/* One line of pretty JSON: keys, strings and literals get their own roles. */
static void draw_json(struct canvas *c, int x, int y, int w, const char *s)
{
	int x_end = x + w;
	while (*s && x < x_end) {
		enum canvas_role role = CANVAS_DEFAULT;
		const char *e = s + 1;
		if (*s == '"') {
			while (*e && *e != '"')
				e += (*e == '\\' && e[1]) ? 2 : 1;
			e += *e == '"';
			role = *e == ':' ? CANVAS_LABEL : CANVAS_INFO;
		} else if (isdigit((unsigned char)*s) || *s == '-' || isalpha((unsigned char)*s)) {
			while (*e && (isalnum((unsigned char)*e) || strchr(".-+", *e)))
				e++;
			role = CANVAS_WARNING;
		}
		char *tok = xstrndup(s, (size_t)(e - s));
		x += canvas_put_str_fit(c, x, y, x_end - x, tok, role);
		free(tok);
		s = e;
	}
}

void view_inspect(struct tui_app *app, struct canvas *c, struct canvas_rect r)
{
	static const char *const from[] = {"state", "row", "event"};
	int f = app->inspect_from == PANE_TIMELINE ? 1 : app->inspect_from == PANE_EVENTS ? 2 : 0;
	struct canvas_rect in = tui_pane_box(app, c, PANE_INSPECT, r, from[f]);
	canvas_set_clip(c, in);
	lines_t l = {0};
	if (f == 1)
		row_lines(app, &l);
	else if (f == 2)
		event_lines(app, &l);
	else
		state_lines(app, &l);
	if (app->iscroll > (int)l.len - in.h)
		app->iscroll = (int)l.len - in.h > 0 ? (int)l.len - in.h : 0;
	for (size_t i = (size_t)app->iscroll, y = 0; i < l.len && (int)y < in.h; i++, y++) {
		if (l.items[i].json)
			draw_json(c, in.x + 1, in.y + (int)y, in.w - 1, l.items[i].text);
		else
			canvas_put_str_fit(c, in.x + 1, in.y + (int)y, in.w - 1, l.items[i].text,
					   l.items[i].role);
	}
	for (size_t i = 0; i < l.len; i++)
		free(l.items[i].text);
	VEC_FREE(l);
}

void view_logs(struct tui_app *app, struct canvas *c, struct canvas_rect r)
{
	struct canvas_rect in = tui_pane_box(app, c, PANE_LOGS, r, NULL);
	canvas_set_clip(c, in);
	size_t n = 0;
	const struct tui_log_line *lines =
	    app->src.logs ? app->src.logs(app->src.logs_ctx, &n) : NULL;
	size_t upto = 0;
	while (upto < n && lines[upto].t_ms <= app->play.t)
		upto++;
	if (upto == 0) {
		canvas_put_str_fit(c, in.x + 1, in.y, in.w - 1,
				   app->src.logs ? "no logs yet" : "no logs (a replay has none)",
				   CANVAS_DIM);
		return;
	}
	size_t skip = (size_t)app->lscroll;
	size_t last = upto - 1 >= skip ? upto - 1 - skip : 0;
	size_t first = last + 1 > (size_t)in.h ? last + 1 - (size_t)in.h : 0;
	for (size_t i = first, y = 0; i <= last; i++, y++) {
		char t[24];
		tui_fmt_time(lines[i].t_ms, t, sizeof(t));
		int x = canvas_put_str(c, in.x, in.y + (int)y, t, CANVAS_DIM);
		canvas_put_str_fit(c, in.x + x + 1, in.y + (int)y, in.w - x - 1, lines[i].text,
				   CANVAS_DEFAULT);
	}
}
