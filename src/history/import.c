/*
 * Import of recorded histories: documents in, one ordered and checked event log out.
 *
 * Documents are parsed as they are added (their events kept with their wall-clock times; the
 * usual single {"events": [...]} page is streamed one event at a time, stream.c);
 * finishing orders them by id (pages and --reverse-order in any order), drops duplicate ids,
 * renumbers across gaps, checks causal links, converts times to milliseconds since the first
 * event (or synthetic order-based time when timestamps are placeholders), reconstructs states
 * and iterations, and appends everything to a new log.
 */
#include "history.h"
#include "internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Per-kind warning cap: a broken 1,000,000-event file must not print a million lines. */
#define WARN_CAP 10

struct pending {
	struct ev e; /* its id and prev are final only once renumber ran */
	/* id and previousEventId as recorded (ev_json_info): any int64_t, while e's are int32_t.
	 * Ordering, duplicates, links and warnings go by these, as the history wrote them. */
	int64_t id, prev;
	int64_t epoch_ms;
	bool has_time;
	bool payload_text; /* e.payload is unparsed text (ev_from_json_lazy) */
	uint32_t seq;	   /* arrival order, keeps sorting stable */
	uint32_t doc;	   /* index into names */
	int32_t page;	   /* -1: the document is one page */
	uint32_t index;	   /* position in its events array */
	/* What the live reconstruction (below) made of e's state and item. */
	ev_str_t live_state;
	int32_t live_item;
};

enum warn_kind { W_DUPLICATE, W_GAP, W_LINK, W_KIND_COUNT };

struct hist_importer {
	struct ev_log *log;
	VEC(struct pending) evs;
	VEC(char *) names;
	struct hist_describe desc;
	size_t pages, pages_with_token;
	size_t warned[W_KIND_COUNT];
	/* Kept as events arrive, so finishing the usual history skips whole passes: ids strictly
	 * ascending (no sort, no duplicates), every previousEventId below its id and not negative
	 * (nothing to warn about when ids are dense), how many events lack a usable time. */
	bool ascending, links_ok;
	size_t no_time;
	/* Live reconstruction: while a streamed page brings the usual history (ids 1, 2, 3, ...
	 * with links back and timestamps, nothing before it), each event is reconstructed when
	 * the next one arrives, on the thread that delivers events: that work overlaps the parsing
	 * helper instead of following it. Results go to live_state / live_item (e stays as read);
	 * finishing uses them if nothing broke the pattern, else reconstructs as before. `live`
	 * is NULL once the pattern broke; live_n events are done. */
	struct hist_recon *live;
	bool streaming; /* pushes come from a streamed page */
	size_t live_n;
};

static void live_stop(struct hist_importer *imp)
{
	hist_recon_free(imp->live);
	imp->live = NULL;
}

/* Event i through the live reconstruction, with its successor (if any) already pushed: the
 * same call finishing would make (time set as time_at does, ids and links untouched). */
static void live_feed(struct hist_importer *imp, size_t i)
{
	struct pending *v = imp->evs.items;
	struct ev e = v[i].e;
	e.t_ms = v[i].epoch_ms - v[0].epoch_ms;
	struct ev *next = i + 1 < imp->evs.len ? &v[i + 1].e : NULL;
	if (next)
		next->t_ms = v[i + 1].epoch_ms - v[0].epoch_ms;
	hist_recon_feed(imp->live, &e, next);
	v[i].live_state = e.state;
	v[i].live_item = e.item;
	imp->live_n = i + 1;
}

/* Appends p (taken) and keeps the facts above. While live reconstruction goes on, ids are
 * 1, 2, 3, ... and links point back: e's ids as read are the recorded ones. */
static void push(struct hist_importer *imp, const struct pending *p)
{
	if (imp->evs.len > 0 && imp->evs.items[imp->evs.len - 1].id >= p->id)
		imp->ascending = false;
	if (p->prev < 0 || p->prev >= p->id)
		imp->links_ok = false;
	imp->no_time += !p->has_time;
	if (imp->live && (!imp->streaming || p->id != (int64_t)imp->evs.len + 1 || !imp->links_ok ||
			  !p->has_time))
		live_stop(imp);
	VEC_PUSH(imp->evs, *p);
	if (imp->live && imp->evs.len > 1)
		live_feed(imp, imp->evs.len - 2);
}

/* The facts above from scratch (after events were dropped). */
static void recount(struct hist_importer *imp)
{
	size_t n = imp->evs.len;
	live_stop(imp);
	imp->evs.len = 0;
	imp->ascending = imp->links_ok = true;
	imp->no_time = 0;
	for (size_t i = 0; i < n; i++) {
		struct pending p = imp->evs.items[i];
		push(imp, &p);
	}
}

struct hist_importer *hist_importer_new(void)
{
	struct hist_importer *imp = xcalloc(1, sizeof(*imp));
	imp->log = ev_log_new();
	imp->ascending = imp->links_ok = true;
	return imp;
}

void hist_importer_free(struct hist_importer *imp)
{
	if (!imp)
		return;
	for (size_t i = 0; i < imp->evs.len; i++)
		json_decref(imp->evs.items[i].e.payload);
	VEC_FREE(imp->evs);
	for (size_t i = 0; i < imp->names.len; i++)
		free(imp->names.items[i]);
	VEC_FREE(imp->names);
	hist_describe_fini(&imp->desc);
	hist_recon_free(imp->live);
	ev_log_free(imp->log);
	free(imp);
}

const struct hist_describe *hist_importer_describe(const struct hist_importer *imp)
{
	return &imp->desc;
}

static bool shape_error(struct diags *diags, const char *file, const char *pointer, const char *msg)
{
	diags_add(diags, DIAG_ERROR, "not-a-history", file, 0, 0, pointer, "%s", msg);
	return false;
}

/* Pushes p with what its reader said of it (the ids as recorded, its time, a lazy payload). */
static void push_read(struct hist_importer *imp, struct pending *p, const struct ev_json_info *info)
{
	p->id = info->id;
	p->prev = info->prev;
	p->has_time = info->has_time;
	p->payload_text = info->payload_text;
	p->epoch_ms = info->epoch_ms;
	push(imp, p);
}

/* Reads the event at `index` of its events array (page -1: the document is one page). */
static bool add_event(struct hist_importer *imp, const json_t *obj, int32_t page, size_t index,
		      struct diags *diags)
{
	const char *file = imp->names.items[imp->names.len - 1];
	char ptr[64];
	if (page >= 0)
		snprintf(ptr, sizeof(ptr), "/%d/events/%zu", page, index);
	else
		snprintf(ptr, sizeof(ptr), "/events/%zu", index);
	struct pending p = {.seq = (uint32_t)imp->evs.len,
			    .doc = (uint32_t)(imp->names.len - 1),
			    .page = page,
			    .index = (uint32_t)index};
	struct ev_json_info info;
	if (!ev_from_json_lazy(imp->log, obj, &p.e, &info, diags, file, ptr))
		return false;
	push_read(imp, &p, &info);
	return true;
}

static bool add_events(struct hist_importer *imp, const json_t *events, int32_t page,
		       struct diags *diags)
{
	size_t i;
	json_t *obj;
	json_array_foreach(events, i, obj)
	{
		if (!add_event(imp, obj, page, i, diags))
			return false;
	}
	return true;
}

static bool add_page(struct hist_importer *imp, const json_t *page, int32_t index,
		     struct diags *diags)
{
	const char *file = imp->names.items[imp->names.len - 1];
	char ptr[48];
	snprintf(ptr, sizeof(ptr), index >= 0 ? "/%d/events" : "/events", index);
	const json_t *events = json_object_get(page, "events");
	if (!json_is_array(events))
		return shape_error(diags, file, ptr,
				   "\"events\" must be an array of history events");
	imp->pages++;
	if (json_is_string(json_object_get(page, "nextToken")) ||
	    json_is_string(json_object_get(page, "NextToken")))
		imp->pages_with_token++;
	return add_events(imp, events, index, diags);
}

static bool add_array(struct hist_importer *imp, const json_t *root, struct diags *diags)
{
	const char *file = imp->names.items[imp->names.len - 1];
	const json_t *first = json_array_get(root, 0);
	if (!first)
		return shape_error(diags, file, "", "an empty array holds no history");
	if (json_is_object(first) && json_object_get(first, "events")) {
		size_t i;
		json_t *page;
		json_array_foreach(root, i, page)
		{
			if (!json_is_object(page) || !json_object_get(page, "events")) {
				char ptr[32];
				snprintf(ptr, sizeof(ptr), "/%zu", i);
				return shape_error(diags, file, ptr,
						   "expected a history page {\"events\": [...]}");
			}
			if (!add_page(imp, page, (int32_t)i, diags))
				return false;
		}
		return true;
	}
	if (json_is_object(first) && json_object_get(first, "type"))
		return add_events(imp, root, -1, diags) && (imp->pages++, true);
	return shape_error(diags, file, "/0",
			   "expected history pages {\"events\": [...]} or history events");
}

/* ---- the streamed single page ---- */

struct streamed {
	struct hist_importer *imp;
	struct diags *diags;
};

/* An event yajl read (ev_yread): as add_event gives it, with no diagnostics possible. */
static void add_raw(struct hist_importer *imp, struct ev_yraw *raw, size_t index)
{
	struct pending p = {.seq = (uint32_t)imp->evs.len,
			    .doc = (uint32_t)(imp->names.len - 1),
			    .page = -1,
			    .index = (uint32_t)index};
	struct ev_json_info info;
	ev_yraw_finish(imp->log, raw, &p.e, &info);
	push_read(imp, &p, &info);
}

static bool stream_event(void *ctx, const json_t *event, struct ev_yraw *raw, size_t index)
{
	struct streamed *st = ctx;
	if (raw) {
		add_raw(st->imp, raw, index);
		return true;
	}
	return add_event(st->imp, event, -1, index, st->diags);
}

/* Drops the events added since `mark` (a streamed page the whole-document path redoes). */
static void roll_back(struct hist_importer *imp, size_t mark)
{
	/* Their detail sets stay in the log (unused; freed with it). */
	for (size_t i = mark; i < imp->evs.len; i++)
		json_decref(imp->evs.items[i].e.payload);
	imp->evs.len = mark;
	recount(imp);
}

/*
 * The usual document, one {"events": [...]} page, read one event at a time. Its diagnostics
 * wait in a side list: on any problem everything is undone and the caller parses the whole
 * document, so errors and warnings are exactly those of the whole-document path.
 */
static bool add_streamed(struct hist_importer *imp, const char *text, size_t len,
			 struct diags *diags)
{
	size_t mark = imp->evs.len;
	struct diags side;
	diags_init(&side);
	struct streamed st = {imp, &side};
	bool has_token = false;
	/* Live reconstruction only for a page that starts the history (one document). */
	if (mark == 0 && imp->names.len == 1)
		imp->live = hist_recon_new();
	imp->streaming = true;
	bool ok = hist_stream_page(text, len, stream_event, &st, &has_token) && side.errors == 0;
	imp->streaming = false;
	if (ok) {
		imp->pages++;
		imp->pages_with_token += has_token;
		diags_move(diags, &side);
	} else {
		roll_back(imp, mark);
	}
	diags_fini(&side);
	return ok;
}

bool hist_importer_add_text(struct hist_importer *imp, const char *name, const char *text,
			    size_t len, struct diags *diags)
{
	VEC_PUSH(imp->names, xstrdup(name ? name : "<input>"));
	/* jansson skips a raw NUL byte in some places instead of rejecting it; JSON has none. */
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		int line, col;
		text_position(text, len, (size_t)(nul - text), &line, &col);
		diags_add(diags, DIAG_ERROR, "invalid-json", name, line, col, NULL,
			  "NUL byte in the text");
		return false;
	}
	if (add_streamed(imp, text, len, diags))
		return true;
	json_error_t err;
	json_t *root = json_loadb(text, len, 0, &err);
	if (!root) {
		diags_add(diags, DIAG_ERROR, "invalid-json", name, err.line > 0 ? err.line : 0,
			  err.column > 0 ? err.column : 1, NULL, "%s", err.text);
		return false;
	}
	bool ok;
	if (json_is_object(root) && json_object_get(root, "events"))
		ok = add_page(imp, root, -1, diags);
	else if (json_is_object(root) && hist_looks_like_describe(root))
		ok = hist_describe_read(&imp->desc, root, name, diags);
	else if (json_is_array(root))
		ok = add_array(imp, root, diags);
	else
		ok =
		    shape_error(diags, name, "",
				"not an execution history: expected {\"events\": [...]} as printed "
				"by `aws stepfunctions get-execution-history`");
	json_decref(root);
	return ok;
}

/* ---- finishing ---- */

static void warn_at(struct hist_importer *imp, enum warn_kind kind, const struct pending *p,
		    struct diags *diags, const char *fmt, ...) PRINTF_LIKE(5, 6);
static void warn_at(struct hist_importer *imp, enum warn_kind kind, const struct pending *p,
		    struct diags *diags, const char *fmt, ...)
{
	if (imp->warned[kind]++ >= WARN_CAP)
		return;
	char ptr[64];
	if (p->page >= 0)
		snprintf(ptr, sizeof(ptr), "/%d/events/%u", p->page, p->index);
	else
		snprintf(ptr, sizeof(ptr), "/events/%u", p->index);
	va_list ap;
	va_start(ap, fmt);
	diags_vadd(diags, DIAG_WARNING, NULL, imp->names.items[p->doc], 0, 0, ptr, fmt, ap);
	va_end(ap);
}

static int cmp_pending(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Ascending by id: already sorted (the usual case) and --reverse-order cost O(N). */
static void order(struct hist_importer *imp)
{
	struct pending *v = imp->evs.items;
	size_t n = imp->evs.len;
	bool asc = true, desc = true;
	for (size_t i = 1; i < n && (asc || desc); i++) {
		asc = asc && v[i - 1].id < v[i].id;
		desc = desc && v[i - 1].id > v[i].id;
	}
	if (asc)
		return;
	if (desc) {
		for (size_t i = 0, j = n - 1; i < j; i++, j--) {
			struct pending t = v[i];
			v[i] = v[j];
			v[j] = t;
		}
		return;
	}
	qsort(v, n, sizeof(*v), cmp_pending);
}

static void drop_duplicates(struct hist_importer *imp, struct diags *diags)
{
	struct pending *v = imp->evs.items;
	size_t out = 0;
	for (size_t i = 0; i < imp->evs.len; i++) {
		if (out > 0 && v[out - 1].id == v[i].id) {
			warn_at(imp, W_DUPLICATE, &v[i], diags,
				"duplicate event id %" PRId64 " (kept the first one)", v[i].id);
			json_decref(v[i].e.payload);
			continue;
		}
		if (out != i)
			v[out] = v[i];
		out++;
	}
	if (out != imp->evs.len) {
		imp->evs.len = out;
		recount(imp);
	}
}

/* Position (0-based) of the event with that recorded id in the sorted array, or -1. */
static int64_t find_id(const struct pending *v, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].id == id ? (int64_t)lo : -1;
}

/* Dense ids from 1; previousEventId follows the renumbering; broken links become 0. Sets the
 * records' ids and links (n <= EV_ID_MAX: every new one fits). */
static void renumber(struct hist_importer *imp, struct diags *diags)
{
	struct pending *v = imp->evs.items;
	size_t n = imp->evs.len;
	bool dense = v[n - 1].id == (int64_t)n;
	/* Ids 1..n with every link pointing back (the usual history): nothing changes, and the
	 * records already hold those links (they fit, ev_from_json). */
	if (dense && imp->links_ok)
		return;
	for (size_t i = 0; i < n && !dense; i++) {
		int64_t want = i == 0 ? 1 : v[i - 1].id + 1;
		if (v[i].id != want)
			warn_at(imp, W_GAP, &v[i], diags,
				"event ids %" PRId64 "..%" PRId64 " are missing (ids renumbered)",
				want, v[i].id - 1);
	}
	/* The recorded ids and links stay intact for the search; the records get the new links
	 * (a record's id is its position). */
	for (size_t i = 0; i < n; i++) {
		int64_t p = v[i].prev, np = p;
		if (p < 0 || p >= v[i].id) {
			warn_at(imp, W_LINK, &v[i], diags,
				"event %" PRId64 ": previousEventId %" PRId64
				" does not point at an earlier event (ignored)",
				v[i].id, p);
			np = 0;
		} else if (p > 0 && !dense) {
			int64_t pos = find_id(v, n, p);
			if (pos < 0)
				warn_at(imp, W_LINK, &v[i], diags,
					"event %" PRId64 ": previousEventId %" PRId64
					" names no event in the history (ignored)",
					v[i].id, p);
			np = pos < 0 ? 0 : pos + 1;
		}
		v[i].e.prev = (int32_t)np; /* 0 <= np < i + 1 */
	}
}

/* Decides between recorded and order-based time (the times themselves are set by
 * time_at, in the final pass); true for order-based. */
static bool set_times(struct hist_importer *imp, struct diags *diags)
{
	struct pending *v = imp->evs.items;
	size_t n = imp->evs.len, missing = imp->no_time;
	struct ev_log_meta *meta = ev_log_meta(imp->log);
	if (missing == 0) {
		meta->start_epoch_ms = v[0].epoch_ms;
		return false;
	}
	diags_add(
	    diags, DIAG_WARNING, "synthetic-time", imp->names.items[v[0].doc], 0, 0, NULL,
	    "%zu of %zu events have no usable timestamp (e.g. the placeholder \"timestamp\"): "
	    "using order-based time, %d ms per event; durations are not real",
	    missing, n, HIST_SYNTHETIC_STEP_MS);
	meta->synthetic_time = true;
	meta->start_epoch_ms = imp->desc.has_start ? imp->desc.start_epoch_ms : 0;
	return true;
}

/* Event i's time: milliseconds since the first event, or order-based. */
static void time_at(struct pending *v, size_t i, bool synthetic)
{
	v[i].e.t_ms =
	    synthetic ? (int64_t)i * HIST_SYNTHETIC_STEP_MS : v[i].epoch_ms - v[0].epoch_ms;
}

static void report_caps(struct hist_importer *imp, struct diags *diags)
{
	static const char *const what[W_KIND_COUNT] = {"duplicate-id", "id-gap", "broken-link"};
	for (int k = 0; k < W_KIND_COUNT; k++)
		if (imp->warned[k] > WARN_CAP)
			diags_add(diags, DIAG_NOTE, NULL, imp->names.items[0], 0, 0, NULL,
				  "%zu more %s warnings not shown", imp->warned[k] - WARN_CAP,
				  what[k]);
}

static void check_shape(struct hist_importer *imp, struct diags *diags)
{
	const struct pending *first = &imp->evs.items[0];
	if (first->e.type != EV_ExecutionStarted)
		diags_add(diags, DIAG_WARNING, "incomplete", imp->names.items[first->doc], 0, 0,
			  NULL,
			  "the history does not start with ExecutionStarted (first id %" PRId64
			  " is %s): events may be missing",
			  first->id, ev_type_name(first->e.type));
	if (imp->pages > 0 && imp->pages_with_token >= imp->pages)
		diags_add(diags, DIAG_WARNING, "incomplete", imp->names.items[0], 0, 0, NULL,
			  "every page has a nextToken: the last page of the history is missing");
}

static void append(struct ev_log *log, const struct pending *p)
{
	if (p->payload_text)
		ev_log_append_text(log, &p->e);
	else
		ev_log_append(log, &p->e);
}

/* One pass: times (each set before the event is seen as the next one), reconstruction,
 * appending. */
static void append_reconstructed(struct hist_importer *imp, bool synthetic)
{
	struct hist_recon *r = hist_recon_new();
	struct pending *v = imp->evs.items;
	size_t n = imp->evs.len;
	time_at(v, 0, synthetic);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n)
			time_at(v, i + 1, synthetic);
		hist_recon_feed(r, &v[i].e, i + 1 < n ? &v[i + 1].e : NULL);
		append(imp->log, &v[i]);
	}
	hist_recon_free(r);
}

/* The same, with the reconstruction already done live (ids and links were left as read). */
static void append_live(struct hist_importer *imp)
{
	struct pending *v = imp->evs.items;
	size_t n = imp->evs.len;
	for (size_t i = 0; i < n; i++) {
		v[i].e.t_ms = v[i].epoch_ms - v[0].epoch_ms;
		v[i].e.state = v[i].live_state;
		v[i].e.item = v[i].live_item;
		append(imp->log, &v[i]);
	}
}

struct ev_log *hist_importer_finish(struct hist_importer *imp, struct diags *diags)
{
	if (imp->evs.len == 0) {
		diags_add(diags, DIAG_ERROR, "no-events",
			  imp->names.len ? imp->names.items[0] : NULL, 0, 0, NULL,
			  "no history events found");
		return NULL;
	}
	/* A log's ids are int32_t (event.h); no real history comes near (AWS keeps 25,000). */
	if (imp->evs.len > EV_ID_MAX) {
		diags_add(diags, DIAG_ERROR, "too-many-events", imp->names.items[0], 0, 0, NULL,
			  "%zu history events: stepscope holds at most %d", imp->evs.len,
			  EV_ID_MAX);
		return NULL;
	}
	/* Strictly ascending ids: already in order, no duplicates. */
	if (!imp->ascending) {
		order(imp);
		drop_duplicates(imp, diags);
	}
	check_shape(imp, diags);
	renumber(imp, diags);
	/* Times relative to the first event: within +-EV_T_MAX, as ev_time_parse's range is. */
	bool synthetic = set_times(imp, diags);
	report_caps(imp, diags);
	hist_describe_apply(&imp->desc, imp->log);
	size_t n = imp->evs.len;
	if (imp->live && imp->live_n + 1 == n && !synthetic) {
		live_feed(imp, n - 1);
		append_live(imp);
	} else {
		append_reconstructed(imp, synthetic);
	}
	live_stop(imp);
	imp->evs.len = 0; /* the log owns the payloads now */
	imp->ascending = imp->links_ok = true;
	imp->no_time = 0;
	struct ev_log *log = imp->log;
	imp->log = ev_log_new();
	return log;
}

struct ev_log *hist_import_text(const char *name, const char *text, size_t len, struct diags *diags)
{
	struct hist_importer *imp = hist_importer_new();
	struct ev_log *log = NULL;
	if (hist_importer_add_text(imp, name, text, len, diags))
		log = hist_importer_finish(imp, diags);
	hist_importer_free(imp);
	return log;
}

struct ev_log *hist_import_file(const char *path, struct diags *diags)
{
	size_t len;
	char *text = file_read_diag(path, &len, diags);
	if (!text)
		return NULL;
	struct ev_log *log = hist_import_text(path, text, len, diags);
	free(text);
	return log;
}
