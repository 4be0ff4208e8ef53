/*
 * Distributed Map child histories (children.h): the `FILE.children/` folder written and read
 * back, children tied to the parent's Map Runs by name, and the Map Run summary.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
#include "history/children.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *hist_children_dir(const char *parent_path)
{
	return xasprintf("%s.children", parent_path);
}

static bool plain_name(const char *name)
{
	return name && *name && name[0] != '.' && !strchr(name, '/');
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes the `*.json` files of dir that are not `<names[i]>.json`: the children of an
 * earlier run written to the same FILE would otherwise be read back as this run's. */
static void remove_stale(const char *dir, const char *const *names, size_t count)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	/* Sorted once: 100,000 children are not compared with every file. */
	const char **sorted = xcalloc(count ? count : 1, sizeof(*sorted));
	memcpy(sorted, names, count * sizeof(*sorted));
	qsort(sorted, count, sizeof(*sorted), cmp_name);
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n <= 5 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		char *base = xstrndup(de->d_name, n - 5);
		bool keep = bsearch(&base, sorted, count, sizeof(*sorted), cmp_name) != NULL;
		free(base);
		if (!keep) {
			char *path = xasprintf("%s/%s", dir, de->d_name);
			remove(path);
			free(path);
		}
	}
	closedir(d);
	free(sorted);
}

bool hist_export_children_from(const char *parent_path, const struct hist_child_source *src,
			       const char *const *names, size_t count, struct diags *diags)
{
	char *dir = hist_children_dir(parent_path);
	bool ok = true;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		diags_add(diags, DIAG_ERROR, "write", dir, 0, 0, NULL, "cannot create: %s",
			  strerror(errno));
		ok = false;
	}
	for (size_t i = 0; ok && i < count; i++) {
		if (!plain_name(names[i])) {
			diags_add(diags, DIAG_ERROR, "write", dir, 0, 0, NULL,
				  "child execution name '%s' is not a file name",
				  names[i] ? names[i] : "");
			ok = false;
			break;
		}
		char *path = xasprintf("%s/%s.json", dir, names[i]);
		size_t len;
		struct ev_log *log = src->load(src->ctx, i);
		char *text = hist_export_text(log, &len);
		ev_log_free(log);
		char *err = NULL;
		if (!file_write_atomic(path, text, len, &err)) {
			diags_add(diags, DIAG_ERROR, "write", path, 0, 0, NULL, "%s", err);
			ok = false;
		}
		free(err);
		free(text);
		free(path);
	}
	if (ok)
		remove_stale(dir, names, count);
	free(dir);
	return ok;
}

/* ---- Map Runs ---- */

struct child {
	const struct ev_log *log; /* NULL: loaded from src on demand */
	struct ev_log *owned;
	char *name;
	bool matched;
	enum hist_status status; /* lazily added children */
	const struct hist_child_source *src;
	size_t key;
};

struct hist_map_runs {
	const struct ev_log *parent;
	VEC(struct hist_map_run) runs;
	VEC(struct child) children;
	size_t unmatched;
};

static const char *map_run_id(const char *arn)
{
	const char *p = strrchr(arn, ':');
	return p ? p + 1 : arn;
}

/* A MapRun end closes the latest open Map Run of the same state (they carry no ARN). */
static void close_run(struct hist_map_runs *m, const struct ev *e)
{
	const char *state = ev_log_str(m->parent, e->state);
	for (size_t i = m->runs.len; i-- > 0;) {
		struct hist_map_run *r = &m->runs.items[i];
		if (r->status != HIST_RUNNING || (state && r->state && strcmp(state, r->state)))
			continue;
		r->status = e->type == EV_MapRunSucceeded ? HIST_SUCCEEDED
			    : e->type == EV_MapRunFailed  ? HIST_FAILED
							  : HIST_ABORTED;
		r->error = ev_log_str(m->parent, ev_error(m->parent, e));
		return;
	}
}

struct hist_map_runs *hist_map_runs_new(const struct ev_log *parent)
{
	return hist_map_runs_new_from(parent, 1);
}

struct hist_map_runs *hist_map_runs_new_from(const struct ev_log *parent, int64_t first_id)
{
	struct hist_map_runs *m = xcalloc(1, sizeof(*m));
	m->parent = parent;
	size_t n = ev_log_count(parent);
	for (int64_t id = first_id > 1 ? first_id : 1; id <= (int64_t)n; id++) {
		const struct ev *e = ev_log_get(parent, id);
		if (e->type == EV_MapRunStarted) {
			const char *arn =
			    json_string_value(json_object_get(ev_extra(parent, e), "mapRunArn"));
			struct hist_map_run r = {.arn = arn ? arn : "",
						 .state = ev_log_str(parent, e->state),
						 .started_id = id,
						 .status = HIST_RUNNING};
			VEC_PUSH(m->runs, r);
		} else if (e->type == EV_MapRunSucceeded || e->type == EV_MapRunFailed ||
			   e->type == EV_MapRunAborted) {
			close_run(m, e);
		}
	}
	/* An execution that timed out or was stopped records no MapRunAborted (its open states
	 * get no end events, as AWS records a cut-off execution): a Map Run still open then was
	 * aborted with it. */
	const struct ev *last = n ? ev_log_get(parent, (int64_t)n) : NULL;
	if (last && (last->type == EV_ExecutionTimedOut || last->type == EV_ExecutionAborted ||
		     last->type == EV_ExecutionFailed))
		for (size_t i = 0; i < m->runs.len; i++)
			if (m->runs.items[i].status == HIST_RUNNING)
				m->runs.items[i].status = HIST_ABORTED;
	return m;
}

void hist_map_runs_free(struct hist_map_runs *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->children.len; i++) {
		ev_log_free(m->children.items[i].owned);
		free(m->children.items[i].name);
	}
	VEC_FREE(m->children);
	VEC_FREE(m->runs);
	free(m);
}

/* "<36-character map run id>_<digits>", as stepscope names children. */
static bool stepscope_name(const char *name)
{
	size_t n = strlen(name);
	if (n < 38 || name[36] != '_')
		return false;
	for (size_t i = 37; i < n; i++)
		if (name[i] < '0' || name[i] > '9')
			return false;
	return true;
}

static struct hist_map_run *run_of(struct hist_map_runs *m, const char *name)
{
	for (size_t i = 0; i < m->runs.len; i++) {
		const char *id = map_run_id(m->runs.items[i].arn);
		size_t n = strlen(id);
		if (n && strncmp(name, id, n) == 0 && name[n] == '_')
			return &m->runs.items[i];
	}
	/* A stepscope name of another Map Run never falls back to the only one. */
	return m->runs.len == 1 && !stepscope_name(name) ? &m->runs.items[0] : NULL;
}

/* Items a child processed: the length of a batch's Items, else one. */
static size_t child_items(const struct ev_log *log)
{
	const struct ev *start = ev_log_get(log, 1);
	json_t *items = start && start->type == EV_ExecutionStarted
			    ? json_object_get(ev_payload(log, start, 1), "Items")
			    : NULL;
	return json_is_array(items) ? json_array_size(items) : 1;
}

static void count_child(struct hist_map_run *r, enum hist_status status, size_t items)
{
	r->children++;
	r->items += items;
	switch (status) {
	case HIST_SUCCEEDED:
		r->succeeded++;
		break;
	case HIST_FAILED:
		r->failed++;
		break;
	case HIST_TIMED_OUT:
		r->timed_out++;
		break;
	case HIST_ABORTED:
		r->aborted++;
		break;
	case HIST_RUNNING:
		r->running++;
		break;
	}
}

static struct child *push_child(struct hist_map_runs *m, struct child c, size_t items)
{
	struct hist_map_run *r = run_of(m, c.name);
	if (r) {
		count_child(r, c.status, items);
		c.matched = true;
	} else {
		m->unmatched++;
	}
	VEC_PUSH(m->children, c);
	return &m->children.items[m->children.len - 1];
}

static struct child *push_log(struct hist_map_runs *m, const struct ev_log *log, const char *name)
{
	struct hist_outcome o;
	hist_outcome(log, &o);
	struct child c = {.log = log, .name = xstrdup(name), .status = o.status};
	return push_child(m, c, child_items(log));
}

bool hist_map_runs_add_lazy(struct hist_map_runs *m, const char *name, enum hist_status status,
			    size_t items, const struct hist_child_source *src, size_t key)
{
	struct child c = {.name = xstrdup(name), .status = status, .src = src, .key = key};
	return push_child(m, c, items)->matched;
}

/* The file name without its folder and `.json`, owned by the caller. */
static char *name_of_path(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".json") == 0)
		n -= 5;
	return xstrndup(base, n);
}

bool hist_map_runs_load(struct hist_map_runs *m, const char *path, struct diags *diags)
{
	struct ev_log *log = hist_import_file(path, diags);
	if (!log)
		return false;
	char *name = name_of_path(path);
	struct child *c = push_log(m, log, name);
	c->owned = log;
	if (!c->matched)
		diags_add(diags, DIAG_WARNING, "unmatched-child", path, 0, 0, NULL,
			  "child execution '%s' belongs to none of the parent's %zu Map Runs", name,
			  m->runs.len);
	free(name);
	return true;
}

bool hist_map_runs_load_dir(struct hist_map_runs *m, const char *dir, struct diags *diags)
{
	DIR *d = opendir(dir);
	if (!d) {
		diags_add(diags, DIAG_ERROR, "read", dir, 0, 0, NULL, "%s", strerror(errno));
		return false;
	}
	VEC(char *) names = {0};
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] != '.' && n > 5 && strcmp(de->d_name + n - 5, ".json") == 0)
			VEC_PUSH(names, xstrdup(de->d_name));
	}
	closedir(d);
	if (names.len)
		qsort(names.items, names.len, sizeof(char *), cmp_name);
	bool ok = true;
	for (size_t i = 0; i < names.len; i++) {
		char *path = xasprintf("%s/%s", dir, names.items[i]);
		ok = hist_map_runs_load(m, path, diags) && ok;
		free(path);
		free(names.items[i]);
	}
	VEC_FREE(names);
	return ok;
}

size_t hist_map_run_count(const struct hist_map_runs *m)
{
	return m->runs.len;
}

const struct hist_map_run *hist_map_run(const struct hist_map_runs *m, size_t i)
{
	return i < m->runs.len ? &m->runs.items[i] : NULL;
}

/* ---- the summary ---- */

json_t *hist_map_runs_json(const struct hist_map_runs *m, bool with_children)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < m->runs.len; i++) {
		const struct hist_map_run *r = &m->runs.items[i];
		json_t *o =
		    json_pack("{s:s, s:s, s:s}", "mapRunArn", r->arn, "state",
			      r->state ? r->state : "", "status", hist_status_name(r->status));
		if (r->error)
			json_object_set_new(o, "error", json_string(r->error));
		if (with_children) {
			json_object_set_new(
			    o, "children",
			    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "total",
				      (json_int_t)r->children, "succeeded",
				      (json_int_t)r->succeeded, "failed", (json_int_t)r->failed,
				      "timedOut", (json_int_t)r->timed_out, "aborted",
				      (json_int_t)r->aborted, "running", (json_int_t)r->running));
			json_object_set_new(o, "items", json_integer((json_int_t)r->items));
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

void hist_map_runs_print(const struct hist_map_runs *m, bool with_children, FILE *out)
{
	for (size_t i = 0; i < m->runs.len; i++) {
		const struct hist_map_run *r = &m->runs.items[i];
		fprintf(out, "map run      %s %s %s%s%s\n", r->state ? r->state : "-",
			hist_status_name(r->status), r->arn, r->error ? " error=" : "",
			r->error ? r->error : "");
		if (!with_children)
			continue;
		fprintf(out,
			"  children   %zu: %zu succeeded, %zu failed, %zu timed out, %zu aborted, "
			"%zu running; %zu item%s\n",
			r->children, r->succeeded, r->failed, r->timed_out, r->aborted, r->running,
			r->items, r->items == 1 ? "" : "s");
	}
	if (with_children && m->unmatched)
		fprintf(out, "unmatched    %zu child execution%s\n", m->unmatched,
			m->unmatched == 1 ? "" : "s");
}

void hist_map_runs_write_text(const struct hist_map_runs *m, FILE *out)
{
	for (size_t i = 0; i < m->children.len; i++) {
		const struct child *c = &m->children.items[i];
		struct ev_log *loaded = c->log ? NULL : c->src->load(c->src->ctx, c->key);
		const struct ev_log *log = c->log ? c->log : loaded;
		struct hist_outcome o;
		hist_outcome(log, &o);
		fprintf(out, "== %s %s\n", c->name, hist_status_name(o.status));
		ev_log_write_text(log, out);
		ev_log_free(loaded);
	}
}
