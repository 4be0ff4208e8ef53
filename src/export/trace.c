/*
 * export — the Chrome trace-event JSON.
 *
 * Format: the Trace Event Format
 * (docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU): an object with
 * "traceEvents", complete events ("ph":"X", ts/dur in microseconds), instant events ("ph":"i" with
 * scope "s" t/p/g) and metadata ("ph":"M": process_name, thread_name, thread_sort_index). Perfetto
 * and chrome://tracing both read it. Spans on one track nest properly (an attempt lies inside its
 * visit), which the format requires of X events.
 */
#include "export/internal.h"
#include "doc/doc.h"

#include <stdlib.h>
#include <string.h>

#define TRACE_PID 1

struct trace {
	const struct exp_source *src;
	struct strbuf sb;
	bool first;
	VEC(int32_t) tid_of; /* row id -> tid */
	bool qualify;	     /* row names need their Map/Parallel state's name */
	int64_t last_ms;     /* where open spans end */
};

/* Appends one event object (taken) as one line of the traceEvents array. */
static void emit(struct trace *t, json_t *event)
{
	char *s = doc_dumps(event, JSON_COMPACT | JSON_ENSURE_ASCII);
	sb_add(&t->sb, t->first ? "\n" : ",\n");
	sb_add(&t->sb, s);
	t->first = false;
	free(s);
	json_decref(event);
}

static json_t *base_event(const char *name, const char *ph, int32_t tid)
{
	json_t *e = json_object();
	json_object_set_new(e, "name", json_string(name ? name : "?"));
	json_object_set_new(e, "ph", json_string(ph));
	json_object_set_new(e, "pid", json_integer(TRACE_PID));
	json_object_set_new(e, "tid", json_integer(tid));
	return e;
}

static void emit_meta(struct trace *t, const char *what, int32_t tid, const char *key,
		      json_t *value)
{
	json_t *e = base_event(what, "M", tid);
	json_t *args = json_object();
	json_object_set_new(args, key, value);
	json_object_set_new(e, "args", args);
	emit(t, e);
}

static const char *str(const struct trace *t, ev_str_t s)
{
	return ev_log_str(t->src->log, s);
}

/* Whether "#0 Computer Science" alone is ambiguous: nested or repeated Map/Parallel runs, or
 * more than one such state. */
static bool needs_qualifier(const struct tl_index *tl)
{
	ev_str_t seen = 0;
	for (size_t i = 0; i < tl_index_row_count(tl); i++) {
		const struct tl_row *r = tl_index_row(tl, i);
		if (r->kind == TL_ROW_TOP)
			continue;
		if (r->depth > 1 || r->attempt > 1 || (seen && r->state != seen))
			return true;
		seen = r->state;
	}
	return false;
}

static char *track_name(const struct trace *t, const struct tl_row *r)
{
	if (r->kind == TL_ROW_TOP) /* the top row's label is the execution's name, if known */
		return r->label && strcmp(r->label, "execution") != 0
			   ? xasprintf("execution %s", r->label)
			   : xstrdup("execution");
	const char *kind = r->kind == TL_ROW_BRANCH ? "branch " : "";
	if (!t->qualify)
		return xasprintf("%s%s", kind, r->label);
	if (r->attempt > 1)
		return xasprintf("%s attempt %d %s%s", str(t, r->state), (int)r->attempt, kind,
				 r->label);
	return xasprintf("%s %s%s", str(t, r->state), kind, r->label);
}

static void emit_tracks(struct trace *t)
{
	const struct tl_index *tl = t->src->tl;
	struct strbuf pn;
	sb_init(&pn);
	if (t->src->title && t->src->origin)
		sb_addf(&pn, "%s (%s)", t->src->title, t->src->origin);
	else
		sb_add(&pn, t->src->title    ? t->src->title
			    : t->src->origin ? t->src->origin
					     : "stepscope");
	emit_meta(t, "process_name", 0, "name", json_string(sb_str(&pn)));
	sb_fini(&pn);
	for (size_t i = 0; i < tl_index_row_count(tl); i++) {
		const struct tl_row *r = tl_index_row(tl, i);
		int32_t tid = (int32_t)i + 1; /* tid 0 is often taken as "no thread" */
		while (t->tid_of.len <= (size_t)r->id)
			VEC_PUSH(t->tid_of, 0);
		t->tid_of.items[r->id] = tid;
		char *name = track_name(t, r);
		emit_meta(t, "thread_name", tid, "name", json_string(name));
		free(name);
		emit_meta(t, "thread_sort_index", tid, "sort_index", json_integer(tid));
	}
}

/* Size in bytes of an event's payload as compact JSON; -1 when it has none. */
static json_int_t payload_bytes(const struct ev_log *log, int64_t id)
{
	const struct ev *e = id > 0 ? ev_log_get(log, id) : NULL;
	if (!e || !e->payload)
		return -1;
	/* Through ev_payload_new only: a record's payload field may name a recipe (event.h). */
	json_t *v = ev_payload_new(log, e, id); /* not cached: a trace reads every payload once */
	json_int_t n;
	if (json_is_string(v) &&
	    json_is_true(json_object_get(ev_extra(log, e), "x-stepscope-raw"))) {
		n = (json_int_t)json_string_length(v);
	} else {
		char *s = doc_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		n = s ? (json_int_t)strlen(s) : 0;
		free(s);
	}
	json_decref(v);
	return n;
}

static json_t *span_args(const struct trace *t, const struct tl_span *sp)
{
	json_t *a = json_object();
	json_object_set_new(a, "state", json_string(str(t, sp->state) ? str(t, sp->state) : ""));
	json_object_set_new(a, "type", json_string(tl_state_type_name(sp->type)));
	if (sp->kind == TL_SPAN_BACKOFF) { /* a wait before an attempt has no outcome */
		json_object_set_new(a, "before_attempt", json_integer(sp->attempt));
	} else {
		json_object_set_new(a, "status", json_string(tl_status_name(sp->status)));
		if (sp->kind != TL_SPAN_VISIT || sp->attempt > 1)
			json_object_set_new(a, "attempt", json_integer(sp->attempt));
	}
	if (sp->kind != TL_SPAN_BACKOFF) {
		json_int_t in = payload_bytes(t->src->log, sp->start_ev);
		json_int_t out = payload_bytes(t->src->log, sp->end_ev);
		if (in >= 0)
			json_object_set_new(a, "input_bytes", json_integer(in));
		if (out >= 0)
			json_object_set_new(a, "output_bytes", json_integer(out));
	}
	if (sp->error)
		json_object_set_new(a, "error", json_string(str(t, sp->error)));
	if (sp->cause)
		json_object_set_new(a, "cause", json_string(str(t, sp->cause)));
	if (sp->kind == TL_SPAN_ATTEMPT && sp->run_ms >= 0)
		json_object_set_new(a, "queued_us",
				    json_integer((sp->run_ms - sp->start_ms) * 1000));
	json_object_set_new(a, "first_event", json_integer(sp->start_ev));
	if (sp->end_ev)
		json_object_set_new(a, "last_event", json_integer(sp->end_ev));
	return a;
}

static char *span_name(const struct trace *t, const struct tl_span *sp)
{
	const char *state = str(t, sp->state) ? str(t, sp->state) : "?";
	switch (sp->kind) {
	case TL_SPAN_ATTEMPT:
		return xasprintf("%s attempt %d", state, (int)sp->attempt);
	case TL_SPAN_BACKOFF:
		return xasprintf("%s retry back-off", state);
	default:
		return xstrdup(state);
	}
}

static void emit_instant(struct trace *t, const char *name, const char *scope, int32_t tid,
			 int64_t ms, json_t *args)
{
	json_t *e = base_event(name, "i", tid);
	json_object_set_new(e, "cat", json_string("marker"));
	json_object_set_new(e, "ts", json_integer(ms * 1000));
	json_object_set_new(e, "s", json_string(scope));
	json_object_set_new(e, "args", args ? args : json_object());
	emit(t, e);
}

static void emit_span(struct trace *t, int32_t tid, const struct tl_span *sp)
{
	static const char *const cats[] = {"visit", "attempt", "backoff"};
	int64_t end = sp->end_ms >= 0 ? sp->end_ms : t->last_ms;
	if (end < sp->start_ms)
		end = sp->start_ms;
	char *name = span_name(t, sp);
	json_t *e = base_event(name, "X", tid);
	free(name);
	json_object_set_new(e, "cat", json_string(cats[sp->kind]));
	json_object_set_new(e, "ts", json_integer(sp->start_ms * 1000));
	json_object_set_new(e, "dur", json_integer((end - sp->start_ms) * 1000));
	json_object_set_new(e, "args", span_args(t, sp));
	emit(t, e);
	if (sp->status == TL_FAILED && sp->kind != TL_SPAN_BACKOFF && sp->end_ms >= 0) {
		char *what =
		    sp->error ? xasprintf("failed: %s", str(t, sp->error)) : xstrdup("failed");
		json_t *args = json_object();
		json_object_set_new(args, "state",
				    json_string(str(t, sp->state) ? str(t, sp->state) : ""));
		emit_instant(t, what, "t", tid, sp->end_ms, args);
		free(what);
	}
}

static void emit_markers(struct trace *t)
{
	size_t n;
	const struct tl_marker *m = tl_index_markers(t->src->tl, &n);
	bool timeout_marked = false;
	for (size_t i = 0; i < n; i++) {
		json_t *args = json_object();
		json_object_set_new(args, "event", json_integer(m[i].ev));
		if (m[i].kind == TL_MARK_EXECUTION_TIMEOUT) {
			emit_instant(t, "execution timed out", "g", 0, m[i].t_ms, args);
			timeout_marked = true;
			continue;
		}
		int32_t tid = (size_t)m[i].row < t->tid_of.len ? t->tid_of.items[m[i].row] : 1;
		emit_instant(t, "task timed out", "t", tid, m[i].t_ms, args);
	}
	const struct tl_outcome *o = tl_index_outcome(t->src->tl);
	if (o->status != TL_EXEC_RUNNING && o->end_ms >= 0 &&
	    !(o->status == TL_EXEC_TIMED_OUT && timeout_marked)) {
		json_t *args = json_object();
		if (o->error)
			json_object_set_new(args, "error", json_string(str(t, o->error)));
		if (o->cause)
			json_object_set_new(args, "cause", json_string(str(t, o->cause)));
		char *what = xasprintf("execution %s", tl_exec_status_name(o->status));
		emit_instant(t, what, "g", 0, o->end_ms, args);
		free(what);
	}
}

static void emit_other_data(struct trace *t)
{
	const struct tl_outcome *o = tl_index_outcome(t->src->tl);
	json_t *d = json_object();
	json_object_set_new(d, "generator", json_string("stepscope"));
	if (t->src->title)
		json_object_set_new(d, "title", json_string(t->src->title));
	if (t->src->origin)
		json_object_set_new(d, "origin", json_string(t->src->origin));
	json_object_set_new(d, "status", json_string(tl_exec_status_name(o->status)));
	json_object_set_new(d, "synthetic_time",
			    json_boolean(ev_log_meta_const(t->src->log)->synthetic_time));
	json_object_set_new(d, "events", json_integer((json_int_t)ev_log_count(t->src->log)));
	char *s = doc_dumps(d, JSON_COMPACT | JSON_ENSURE_ASCII);
	sb_addf(&t->sb, "\n],\n\"displayTimeUnit\": \"ms\",\n\"otherData\": %s\n}\n", s);
	free(s);
	json_decref(d);
}

char *exp_trace_json(const struct exp_source *src, size_t *len)
{
	struct trace t = {.src = src, .first = true};
	sb_init(&t.sb);
	const struct tl_outcome *o = tl_index_outcome(src->tl);
	t.last_ms = o->end_ms >= 0 ? o->end_ms : o->last_ms;
	t.qualify = needs_qualifier(src->tl);
	sb_add(&t.sb, "{\"traceEvents\": [");
	emit_tracks(&t);
	for (size_t i = 0; i < tl_index_row_count(src->tl); i++) {
		const struct tl_row *r = tl_index_row(src->tl, i);
		size_t n;
		const struct tl_span *sp = tl_index_spans(src->tl, r->id, &n);
		for (size_t k = 0; k < n; k++)
			emit_span(&t, (int32_t)i + 1, &sp[k]);
	}
	emit_markers(&t);
	emit_other_data(&t);
	VEC_FREE(t.tid_of);
	if (len)
		*len = t.sb.len;
	return sb_take(&t.sb);
}
