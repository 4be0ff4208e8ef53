/*
 * Rows, runs and spans: storage, display order and item labels.
 *
 * Display order is "top row, then runs in start order, each by index". A run's rows are
 * normally created in index order right after the run itself (a Map reserves its `length`
 * rows at MapStateStarted), so the display array only grows at its end; a row that would go
 * elsewhere (a Parallel branch starting after another run began, an index past the
 * reservation) marks the order dirty and the update rebuilds it once, in O(rows).
 */
#include <stdlib.h>
#include <string.h>

#include "timeline/internal.h"
#include "doc/doc.h"

#define LABEL_MAX 48

int32_t tl_row_new(struct tl_index *idx, enum tl_row_kind kind, int32_t parent, int32_t run,
		   int32_t index)
{
	struct tl_rowrec r;
	memset(&r, 0, sizeof(r));
	int32_t id = (int32_t)idx->rows.len;
	r.pub.id = id;
	r.pub.parent = parent;
	r.pub.depth = parent >= 0 ? idx->rows.items[parent].pub.depth + 1 : 0;
	r.pub.kind = kind;
	r.pub.index = index;
	r.pub.attempt = run >= 0 ? idx->runs.items[run].attempt : 1;
	r.pub.status = TL_PENDING;
	r.pub.start_ms = r.pub.end_ms = -1;
	r.run = run;
	r.cur_visit = r.last_visit = r.cur_attempt = r.cur_run = r.last_attempt = -1;
	r.fail_t = -1;
	if (run >= 0) {
		const struct tl_run *rn = &idx->runs.items[run];
		r.pub.state = idx->rows.items[rn->row].spans.items[rn->visit].state;
		r.label = xasprintf("#%d", (int)index);
	} else {
		const char *name =
		    ev_log_str(idx->log, ev_log_meta_const(idx->log)->execution_name);
		r.label = xstrdup(name ? name : "execution");
	}
	r.pub.label = r.label;
	VEC_PUSH(idx->rows, r);
	if (kind != TL_ROW_TOP)
		idx->status_count[TL_PENDING]++;
	return id;
}

void tl_row_start(struct tl_index *idx, int32_t row, int64_t t, int64_t ev)
{
	struct tl_row *p = &idx->rows.items[row].pub;
	tl_row_set_status(idx, row, TL_RUNNING);
	p->start_ms = t;
	p->start_ev = ev;
}

void tl_row_set_status(struct tl_index *idx, int32_t row, enum tl_status st)
{
	struct tl_row *p = &idx->rows.items[row].pub;
	if (p->kind != TL_ROW_TOP) {
		idx->status_count[p->status]--;
		idx->status_count[st]++;
	}
	p->status = st;
}

/* Puts the row of `slot` in display order, at the end when that keeps the order. */
static void disp_add(struct tl_index *idx, int32_t run, size_t slot, int32_t row)
{
	struct tl_run *rn = &idx->runs.items[run];
	if (!idx->disp_dirty && run == (int32_t)idx->runs.len - 1 && slot >= rn->listed) {
		VEC_PUSH(idx->disp, row);
		rn->listed = slot + 1;
	} else {
		idx->disp_dirty = true;
	}
}

int32_t tl_run_new(struct tl_index *idx, int32_t row, int32_t visit, bool parallel, int32_t attempt,
		   size_t reserve)
{
	struct tl_run rn;
	memset(&rn, 0, sizeof(rn));
	rn.row = row;
	rn.visit = visit;
	rn.parallel = parallel;
	rn.attempt = attempt;
	int32_t id = (int32_t)idx->runs.len;
	VEC_PUSH(idx->runs, rn);
	for (size_t i = 0; i < reserve; i++)
		tl_run_slot(idx, id, (int32_t)i);
	return id;
}

/* The row of slot `index` in a run, created (pending) when absent. */
int32_t tl_run_slot(struct tl_index *idx, int32_t run, int32_t index)
{
	struct tl_run *rn = &idx->runs.items[run];
	while (rn->slots.len <= (size_t)index)
		VEC_PUSH(rn->slots, -1);
	if (rn->slots.items[index] >= 0)
		return rn->slots.items[index];
	enum tl_row_kind kind = rn->parallel ? TL_ROW_BRANCH : TL_ROW_ITERATION;
	int32_t row = tl_row_new(idx, kind, rn->row, run, index);
	rn = &idx->runs.items[run];
	rn->slots.items[index] = row;
	disp_add(idx, run, (size_t)index, row);
	return row;
}

void tl_disp_rebuild(struct tl_index *idx)
{
	idx->disp.len = 0;
	if (idx->rows.len)
		VEC_PUSH(idx->disp, 0);
	for (size_t r = 0; r < idx->runs.len; r++) {
		struct tl_run *rn = &idx->runs.items[r];
		for (size_t s = 0; s < rn->slots.len; s++)
			if (rn->slots.items[s] >= 0)
				VEC_PUSH(idx->disp, rn->slots.items[s]);
		rn->listed = rn->slots.len;
	}
	idx->disp_dirty = false;
}

/* ---- labels ---- */

/* Unwraps DynamoDB attribute values ({"S": "x"}, {"M": {...}}): the seed's items. */
static json_t *unwrap_ddb(json_t *v)
{
	static const char *const tags[] = {"S", "N", "M", "L", "BOOL", "NULL"};
	if (!json_is_object(v) || json_object_size(v) != 1)
		return v;
	for (size_t i = 0; i < ARRAY_LEN(tags); i++) {
		json_t *inner = json_object_get(v, tags[i]);
		if (inner)
			return inner;
	}
	return v;
}

/* The field of an object that names it best: a conventional key, else the first string. */
static json_t *object_pick(json_t *obj)
{
	static const char *const keys[] = {"name", "Name", "title", "id", "Id", "key", "Key"};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		json_t *v = unwrap_ddb(json_object_get(obj, keys[i]));
		if (json_is_string(v) || json_is_number(v))
			return v;
	}
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		json_t *u = unwrap_ddb(v);
		if (json_is_string(u))
			return u;
	}
	return NULL;
}

static void add_short(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s);
	if (n <= LABEL_MAX) {
		sb_add(sb, s);
		return;
	}
	n = LABEL_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--; /* never cut a UTF-8 sequence */
	sb_addn(sb, s, n);
	sb_add(sb, "...");
}

/* A label is one line of text: control characters become spaces. */
static void one_line(char *s)
{
	for (unsigned char *c = (unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			*c = ' ';
}

static void item_text(json_t *v, struct strbuf *sb)
{
	v = unwrap_ddb(v);
	if (json_is_object(v)) {
		json_t *pick = object_pick(v);
		if (pick)
			v = pick;
	}
	if (json_is_string(v)) {
		add_short(sb, json_string_value(v));
		return;
	}
	char *dump = doc_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	if (dump)
		add_short(sb, dump);
	free(dump);
}

/*
 * Labels a row from its first state: an iteration by its input ("#0 Computer Science"; a
 * payload kept as JSON text, a string holding an object or array, is parsed first), a branch
 * by the name of its first state ("#1 Branch1").
 */
void tl_row_label(struct tl_index *idx, int32_t row, const struct ev *entered, int64_t id)
{
	struct tl_rowrec *r = &idx->rows.items[row];
	if (r->labelled || r->pub.kind == TL_ROW_TOP)
		return;
	/* The payload only now: an imported one is parsed on first use. */
	ev_str_t state = entered->state;
	json_t *input = r->pub.kind == TL_ROW_BRANCH ? NULL : ev_payload(idx->log, entered, id);
	r->labelled = true;
	struct strbuf sb;
	sb_init(&sb);
	sb_addf(&sb, "#%d", (int)r->pub.index);
	if (r->pub.kind == TL_ROW_BRANCH) {
		const char *name = ev_log_str(idx->log, state);
		if (name)
			sb_addf(&sb, " %s", name);
	} else if (input) {
		json_t *parsed = NULL;
		const char *s = json_string_value(input);
		if (s && (s[0] == '{' || s[0] == '['))
			parsed = json_loads(s, JSON_DECODE_ANY, NULL);
		sb_addc(&sb, ' ');
		item_text(parsed ? parsed : input, &sb);
		json_decref(parsed);
	}
	free(r->label);
	r->label = sb_take(&sb);
	one_line(r->label);
	r->pub.label = r->label;
}

/* ---- spans ---- */

static void max_end_from(struct tl_rowrec *r, size_t k)
{
	for (size_t i = k; i < r->spans.len; i++) {
		int64_t e = r->spans.items[i].end_ms < 0 ? TL_OPEN_END : r->spans.items[i].end_ms;
		int64_t prev = i ? r->max_end.items[i - 1] : INT64_MIN;
		r->max_end.items[i] = e > prev ? e : prev;
	}
}

int32_t tl_span_add(struct tl_index *idx, int32_t row, const struct tl_span *sp)
{
	struct tl_rowrec *r = &idx->rows.items[row];
	VEC_PUSH(r->spans, *sp);
	VEC_PUSH(r->max_end, 0);
	max_end_from(r, r->spans.len - 1);
	return (int32_t)r->spans.len - 1;
}

void tl_span_end(struct tl_index *idx, int32_t row, int32_t span, enum tl_status st, int64_t t,
		 int64_t ev)
{
	struct tl_rowrec *r = &idx->rows.items[row];
	struct tl_span *sp = &r->spans.items[span];
	sp->status = st;
	sp->end_ms = t < sp->start_ms ? sp->start_ms : t;
	sp->end_ev = ev;
	if (sp->kind == TL_SPAN_VISIT && (st == TL_FAILED || st == TL_TIMED_OUT))
		r->had_failure = true;
	/* Only spans from here on can change their prefix maximum. */
	max_end_from(r, (size_t)span);
}
