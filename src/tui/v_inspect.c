/*
 * The inspector (the selected state, timeline row or event: status, timing, errors, retries,
 * and JSON payloads with syntax roles) and the logs pane (CloudWatch lines up to the cursor).
 */
#include <ctype.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "tui/internal.h"
#include "doc/doc.h"

void lines_add(struct tui_lines *l, enum canvas_role role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct tui_line ln = {.text = xvasprintf(fmt, ap), .role = role};
	va_end(ap);
	VEC_PUSH(l->v, ln);
}

static void json_line(struct tui_lines *l, int indent, char *text)
{
	struct tui_line ln = {.text = text, .json = true, .indent = indent};
	VEC_PUSH(l->v, ln);
}

/* One member or element: `"key": value` with value folded below depth l->fold. */
static void json_value(struct tui_lines *l, int depth, const char *key, json_t *v, bool comma)
{
	char *k = key ? xasprintf("\"%s\": ", key) : xstrdup("");
	const char *c = comma ? "," : "";
	size_t n = json_is_object(v)  ? json_object_size(v)
		   : json_is_array(v) ? json_array_size(v)
				      : 0;
	bool container = json_is_object(v) || json_is_array(v);
	const char *open = json_is_object(v) ? "{" : "[", *close = json_is_object(v) ? "}" : "]";
	if (!container || n == 0) {
		char *s = doc_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		json_line(l, depth, xasprintf("%s%s%s", k, s ? s : "?", c));
		free(s);
	} else if (l->fold >= 0 && depth >= l->fold) {
		json_line(l, depth,
			  xasprintf("%s%s… %zu %s%s%s", k, open, n,
				    json_is_object(v) ? "keys" : "items", close, c));
	} else {
		json_line(l, depth, xasprintf("%s%s", k, open));
		size_t i = 0;
		if (json_is_object(v)) {
			const char *mk;
			json_t *mv;
			json_object_foreach(v, mk, mv)
			{
				json_value(l, depth + 1, mk, mv, ++i < n);
			}
		} else {
			for (i = 0; i < n; i++)
				json_value(l, depth + 1, NULL, json_array_get(v, i), i + 1 < n);
		}
		json_line(l, depth, xasprintf("%s%s", close, c));
	}
	free(k);
}

/* Pretty JSON (borrowed) under a title, folded at l->fold. */
static void lines_json(struct tui_lines *l, const char *title, json_t *v)
{
	if (!v)
		return;
	lines_add(l, CANVAS_TITLE, "%s", title);
	json_value(l, 1, NULL, v, false);
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

static void state_lines(struct tui_app *app, struct tui_lines *l)
{
	const struct graph_node *n = app->gsel;
	if (!n) {
		lines_add(l, CANVAS_DIM, "select a state in the graph (j/k) and press Enter");
		return;
	}
	lines_add(l, CANVAS_TITLE, "%s  (%s)", n->label, graph_kind_name(n->kind));
	/* The counters of the state (the log is only read, never interned into). */
	static const struct tui_state_stat none = {.last = CANVAS_DEFAULT};
	const struct tui_state_stat *s = &none;
	for (size_t i = 1; i < app->play.states.len; i++)
		if (app->play.states.items[i].node == n)
			s = &app->play.states.items[i];
	lines_add(l, play_state_role(s), "status at cursor: %s %s",
		  play_state_role(s) == CANVAS_DEFAULT ? "not reached"
						       : canvas_role_name(play_state_role(s)) + 6,
		  "");
	lines_add(l, CANVAS_DEFAULT,
		  "visits: %d running, %d succeeded, %d caught, %d failed, %d aborted, "
		  "%d timed out",
		  s->running, s->succeeded, s->caught, s->failed, s->aborted, s->timed_out);
	if (n->kind == GRAPH_MAP)
		lines_add(l, CANVAS_DEFAULT,
			  "iterations: %d running, %d succeeded, %d failed, %d aborted"
			  " of %d",
			  s->it_run, s->it_ok, s->it_fail, s->it_abort, s->length);
	const struct asl_state *st = n->user;
	if (!st)
		return;
	for (size_t i = 0; i < st->retry_count; i++) {
		const struct asl_retrier *r = &st->retry[i];
		lines_add(l, CANVAS_SPAN_RETRY,
			  "retry %s%s: every %.1fs x%.1f, %" PRId64 " attempts",
			  r->error_count ? r->errors[0] : "?", r->error_count > 1 ? ", ..." : "",
			  r->interval_seconds, r->backoff_rate, r->max_attempts);
	}
	inspect_flow(app, l, n);
	lines_json(l, "definition:", st->json);
}

/* One span as it stands at the cursor: kind, state, attempt, status, times and duration. */
static void span_line(struct tui_app *app, struct tui_lines *l, const struct tl_span *sp)
{
	int64_t pos = (int64_t)app->play.pos;
	bool closed = sp->end_ev && sp->end_ev <= pos;
	enum tl_status st = closed ? sp->status : TL_RUNNING;
	int64_t end = closed ? sp->end_ms : app->play.t;
	char range[64], dur[24];
	fmt_range(range, sizeof(range), sp->start_ms, closed ? sp->end_ms : -1);
	tui_fmt_time(end - sp->start_ms, dur, sizeof(dur));
	const char *what = sp->kind == TL_SPAN_VISIT ? tl_state_type_name(sp->type) : "attempt";
	if (sp->kind == TL_SPAN_BACKOFF) {
		lines_add(l, CANVAS_SPAN_RETRY, "  %s back-off before attempt %d: %s (%s)",
			  ev_log_str(app->log, sp->state), sp->attempt, range, dur);
		return;
	}
	char num[16] = "";
	if (sp->kind != TL_SPAN_VISIT)
		snprintf(num, sizeof(num), " %d", sp->attempt);
	lines_add(l, canvas_status_role(st), "%s%s %s%s: %s, %s (%s)%s%s",
		  sp->kind == TL_SPAN_VISIT ? "" : "  ", ev_log_str(app->log, sp->state), what, num,
		  tl_status_name(st), range, dur, closed && sp->error ? " error=" : "",
		  closed && sp->error ? ev_log_str(app->log, sp->error) : "");
	if (closed && sp->cause)
		lines_add(l, CANVAS_DIM, "    cause: %s", ev_log_str(app->log, sp->cause));
}

static void row_lines(struct tui_app *app, struct tui_lines *l)
{
	const struct tl_row *row = tl_index_row(app->tl, app->trow);
	if (!row)
		return;
	int64_t pos = (int64_t)app->play.pos;
	enum tl_status st = !row->start_ev || row->start_ev > pos ? TL_PENDING
			    : row->end_ev && row->end_ev <= pos	  ? row->status
								  : TL_RUNNING;
	char range[64];
	fmt_range(range, sizeof(range), row->start_ms,
		  st == TL_RUNNING || st == TL_PENDING ? -1 : row->end_ms);
	lines_add(l, CANVAS_TITLE, "%s", row->kind == TL_ROW_TOP ? "execution" : row->label);
	if (st == TL_PENDING)
		lines_add(l, CANVAS_STATE_PENDING, "status: PENDING (not started at the cursor)");
	else
		lines_add(l, canvas_status_role(st), "status: %s  %s", tl_status_name(st), range);
	size_t n;
	const struct tl_span *sp = tl_index_spans(app->tl, row->id, &n);
	for (size_t i = 0; i < n && sp[i].start_ev <= pos; i++)
		span_line(app, l, &sp[i]);
}

static void event_lines(struct tui_app *app, struct tui_lines *l)
{
	int64_t id;
	const struct ev *e = events_selected(app, &id);
	if (!e)
		return;
	char t[24];
	tui_fmt_time(e->t_ms, t, sizeof(t));
	lines_add(l, CANVAS_TITLE, "%s", ev_type_name(e->type));
	lines_add(l, CANVAS_DEFAULT, "id %" PRId64 " <- %" PRId32 "   t=%s", id, e->prev, t);
	if (e->state)
		lines_add(l, CANVAS_DEFAULT, "state: %s", ev_log_str(app->log, e->state));
	if (e->item >= 0)
		lines_add(l, CANVAS_DEFAULT, "item: %d", e->item);
	struct ev_detail d = ev_detail(app->log, e);
	if (d.error)
		lines_add(l, CANVAS_ERROR, "error: %s", ev_log_str(app->log, d.error));
	if (d.cause) {
		/* Lambda causes are often JSON themselves: show them structured. */
		json_t *cj = json_loads(ev_log_str(app->log, d.cause), 0, NULL);
		if (json_is_object(cj))
			lines_json(l, "cause:", cj);
		else
			lines_add(l, CANVAS_ERROR, "cause: %s", ev_log_str(app->log, d.cause));
		json_decref(cj);
	}
	if (d.resource)
		lines_add(l, CANVAS_DEFAULT, "resource: %s", ev_log_str(app->log, d.resource));
	lines_json(l, "payload:", ev_payload(app->log, e, id));
	lines_json(l, "details:", d.extra);
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
		} else {
			while (*e && *e != '"' && !isalnum((unsigned char)*e) && *e != '-')
				e++;
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
	struct tui_lines l = {.fold = app->unfold ? -1 : 3};
	if (f == 1)
		row_lines(app, &l);
	else if (f == 2)
		event_lines(app, &l);
	else
		state_lines(app, &l);
	if (app->iscroll > (int)l.v.len - in.h)
		app->iscroll = (int)l.v.len - in.h > 0 ? (int)l.v.len - in.h : 0;
	for (size_t i = (size_t)app->iscroll, y = 0; i < l.v.len && (int)y < in.h; i++, y++) {
		const struct tui_line *ln = &l.v.items[i];
		int ind = ln->indent * 2 < in.w / 2 ? ln->indent * 2 : in.w / 2;
		if (ln->json)
			draw_json(c, in.x + 1 + ind, in.y + (int)y, in.w - 1 - ind, ln->text);
		else
			canvas_put_str_fit(c, in.x + 1, in.y + (int)y, in.w - 1, ln->text,
					   ln->role);
	}
	for (size_t i = 0; i < l.v.len; i++)
		free(l.v.items[i].text);
	VEC_FREE(l.v);
}

void view_logs(struct tui_app *app, struct canvas *c, struct canvas_rect r)
{
	struct canvas_rect in =
	    tui_pane_box(app, c, PANE_LOGS, r,
			 app->logs_all ? "all (a: selected row)" : "selected row (a: all)");
	canvas_set_clip(c, in);
	size_t n = 0;
	const struct tui_log_line *lines =
	    app->src.logs ? app->src.logs(app->src.logs_ctx, &n) : NULL;
	/* Only the selected iteration's lines unless `a` asked for all of them. */
	const struct tl_row *row = tl_index_row(app->tl, app->trow);
	int32_t item = !app->logs_all && row && row->kind == TL_ROW_ITERATION ? row->index : -2;
	VEC(size_t) shown = {0};
	for (size_t i = 0; i < n && lines[i].t_ms <= app->play.t; i++)
		if (item == -2 || lines[i].item == item)
			VEC_PUSH(shown, i);
	size_t upto = shown.len;
	if (upto == 0) {
		canvas_put_str_fit(c, in.x + 1, in.y, in.w - 1,
				   app->src.logs     ? "no logs yet"
				   : app->src.replay ? "no logs (a replay has none)"
						     : "no logs from this source",
				   CANVAS_DIM);
		VEC_FREE(shown);
		return;
	}
	size_t skip = (size_t)app->lscroll;
	size_t last = upto - 1 >= skip ? upto - 1 - skip : 0;
	size_t first = last + 1 > (size_t)in.h ? last + 1 - (size_t)in.h : 0;
	for (size_t i = first, y = 0; i <= last; i++, y++) {
		char t[24];
		const struct tui_log_line *ln = &lines[shown.items[i]];
		tui_fmt_time(ln->t_ms, t, sizeof(t));
		int x = canvas_put_str(c, in.x, in.y + (int)y, t, CANVAS_DIM);
		/* REPORT lines separate their fields with tabs, which cells cannot hold. */
		char *text = xstrdup(ln->text);
		for (char *p = text; *p; p++)
			if (*p == '\t')
				*p = ' ';
		canvas_put_str_fit(c, in.x + x + 1, in.y + (int)y, in.w - x - 1, text,
				   CANVAS_DEFAULT);
		free(text);
	}
	VEC_FREE(shown);
}
