/* The read side for views: rows, spans in a window, outcome, markers, names and the dump. */
#include <inttypes.h>

#include "timeline/internal.h"

size_t tl_index_row_count(const struct tl_index *idx)
{
	return idx->disp.len;
}

const struct tl_row *tl_index_row(const struct tl_index *idx, size_t i)
{
	return i < idx->disp.len ? &idx->rows.items[idx->disp.items[i]].pub : NULL;
}

size_t tl_index_status_count(const struct tl_index *idx, enum tl_status st)
{
	return (size_t)st < TL_ROW_STATUS_COUNT ? idx->status_count[st] : 0;
}

const struct tl_span *tl_index_spans(const struct tl_index *idx, int32_t row, size_t *count)
{
	if (row < 0 || (size_t)row >= idx->rows.len) {
		*count = 0;
		return NULL;
	}
	*count = idx->rows.items[row].spans.len;
	return idx->rows.items[row].spans.items;
}

size_t tl_index_spans_in(const struct tl_index *idx, int32_t row, int64_t t0, int64_t t1,
			 size_t *first)
{
	*first = 0;
	if (row < 0 || (size_t)row >= idx->rows.len)
		return 0;
	const struct tl_rowrec *r = &idx->rows.items[row];
	/* Spans start in order; the prefix maximum of their ends is non-decreasing. */
	size_t lo = 0, hi = r->spans.len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->max_end.items[mid] > t0)
			hi = mid;
		else
			lo = mid + 1;
	}
	size_t a = lo;
	lo = a;
	hi = r->spans.len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->spans.items[mid].start_ms < t1)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = a;
	return lo - a;
}

bool tl_index_event_place(const struct tl_index *idx, int64_t ev, int32_t *row, int32_t *span)
{
	if (ev < 1 || (size_t)ev > idx->place.len)
		return false;
	*row = idx->place.items[ev - 1].row;
	*span = idx->place.items[ev - 1].span;
	return true;
}

const struct tl_outcome *tl_index_outcome(const struct tl_index *idx)
{
	return &idx->outcome;
}

const struct tl_marker *tl_index_markers(const struct tl_index *idx, size_t *count)
{
	*count = idx->markers.len;
	return idx->markers.items;
}

const char *tl_status_name(enum tl_status s)
{
	static const char *const names[] = {"PENDING", "RUNNING",   "SUCCEEDED", "CAUGHT",
					    "FAILED",  "TIMED_OUT", "ABORTED"};
	return (size_t)s < ARRAY_LEN(names) ? names[s] : "?";
}

const char *tl_exec_status_name(enum tl_exec_status s)
{
	static const char *const names[] = {"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT",
					    "ABORTED"};
	return (size_t)s < ARRAY_LEN(names) ? names[s] : "?";
}

const char *tl_state_type_name(enum tl_state_type t)
{
	static const char *const names[] = {"?",   "Task",     "Pass",	  "Wait", "Choice",
					    "Map", "Parallel", "Succeed", "Fail"};
	return (size_t)t < ARRAY_LEN(names) ? names[t] : "?";
}

const char *tl_span_kind_name(enum tl_span_kind k)
{
	static const char *const names[] = {"visit", "attempt", "backoff"};
	return (size_t)k < ARRAY_LEN(names) ? names[k] : "?";
}

/* Milliseconds as seconds.mmm, or "-" when absent. */
static void put_time(FILE *out, int64_t ms)
{
	if (ms < 0)
		fputs("-", out);
	else
		fprintf(out, "%" PRId64 ".%03" PRId64, ms / 1000, ms % 1000);
}

/* ` key=value`, control characters escaped so every item stays on one line. */
static void put_str(FILE *out, const struct tl_index *idx, const char *key, ev_str_t s)
{
	if (!s)
		return;
	fprintf(out, " %s=", key);
	for (const unsigned char *c = (const unsigned char *)ev_log_str(idx->log, s); *c; c++) {
		if (*c == '\n')
			fputs("\\n", out);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(out, "\\x%02x", *c);
		else
			fputc(*c, out);
	}
}

static void dump_span(const struct tl_index *idx, const struct tl_span *sp, FILE *out)
{
	/* Attempts and back-offs indented under their visit. */
	fprintf(out, "  %s%s %s %s", sp->kind == TL_SPAN_VISIT ? "" : "  ",
		tl_span_kind_name(sp->kind), tl_state_type_name(sp->type),
		sp->state ? ev_log_str(idx->log, sp->state) : "-");
	if (sp->kind != TL_SPAN_VISIT || sp->attempt > 1)
		fprintf(out, " #%d", (int)sp->attempt);
	fprintf(out, " %s ", tl_status_name(sp->status));
	put_time(out, sp->start_ms);
	fputs("..", out);
	put_time(out, sp->end_ms);
	if (sp->run_ms >= 0) {
		fputs(" run=", out);
		put_time(out, sp->run_ms);
	}
	fprintf(out, " ev=%" PRId64 "..%" PRId64, sp->start_ev, sp->end_ev);
	put_str(out, idx, "error", sp->error);
	fputc('\n', out);
}

static void dump_series(const struct tl_index *idx, FILE *out)
{
	static const char *const names[] = {"iterations", "tasks"};
	for (int k = 0; k < TL_SERIES_COUNT; k++) {
		struct tl_series_stats st;
		tl_index_series_stats(idx, (enum tl_series_kind)k, &st);
		fprintf(out, "series %s peak=%d mean=%.3f points=%zu:", names[k], (int)st.peak,
			st.mean, st.points);
		const int64_t *t;
		const int32_t *v;
		size_t n = tl_index_series(idx, (enum tl_series_kind)k, &t, &v);
		for (size_t i = 0; i < n; i++) {
			fputc(' ', out);
			put_time(out, t[i]);
			fprintf(out, "=%d", (int)v[i]);
		}
		fputc('\n', out);
	}
}

void tl_index_dump(const struct tl_index *idx, FILE *out)
{
	const struct tl_outcome *o = &idx->outcome;
	fprintf(out, "outcome %s start=", tl_exec_status_name(o->status));
	put_time(out, o->start_ms);
	fputs(" end=", out);
	put_time(out, o->end_ms);
	put_str(out, idx, "error", o->error);
	put_str(out, idx, "cause", o->cause);
	fprintf(out, "\nlimit %d deadline=", (int)idx->limit);
	put_time(out, idx->deadline);
	fputc('\n', out);
	dump_series(idx, out);
	static const char *const kinds[] = {"top", "iteration", "branch"};
	for (size_t i = 0; i < idx->disp.len; i++) {
		const struct tl_rowrec *r = &idx->rows.items[idx->disp.items[i]];
		const struct tl_row *p = &r->pub;
		fprintf(out, "row %zu id=%d %s", i, (int)p->id, kinds[p->kind]);
		if (p->kind != TL_ROW_TOP)
			fprintf(out, " %s[%d] attempt=%d parent=%d", ev_log_str(idx->log, p->state),
				(int)p->index, (int)p->attempt, (int)p->parent);
		fprintf(out, " depth=%d \"%s\" %s ", (int)p->depth, p->label,
			tl_status_name(p->status));
		put_time(out, p->start_ms);
		fputs("..", out);
		put_time(out, p->end_ms);
		fputc('\n', out);
		for (size_t k = 0; k < r->spans.len; k++)
			dump_span(idx, &r->spans.items[k], out);
	}
	for (size_t i = 0; i < idx->markers.len; i++) {
		const struct tl_marker *m = &idx->markers.items[i];
		fprintf(out, "marker %s ",
			m->kind == TL_MARK_EXECUTION_TIMEOUT ? "execution-timeout"
							     : "task-timeout");
		put_time(out, m->t_ms);
		fprintf(out, " ev=%" PRId64 " row=%d span=%d\n", m->ev, (int)m->row, (int)m->span);
	}
}
