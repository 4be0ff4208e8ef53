/*
 * `stepscope replay`: a recorded AWS execution history: the terminal UI on a terminal (see
 * cmd_tui.c), otherwise headless (--summary, --json, --events).
 */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asl/asl.h"
#include "export/export.h"
#include "history/children.h"
#include "history/history.h"

/* REPLAY_TUI: no mode option given; the terminal UI on a terminal (not TERM=dumb), else
 * --summary. */
enum replay_mode { REPLAY_SUMMARY, REPLAY_JSON, REPLAY_EVENTS, REPLAY_CHILD_EVENTS, REPLAY_TUI };

/* ---- --json ---- */

/* The wall-clock time of an event, or JSON null when the times are synthetic. */
static json_t *date_of(const struct ev_log *log, const struct ev *e, bool has_fallback,
		       int64_t fallback_ms)
{
	const struct ev_log_meta *meta = ev_log_meta_const(log);
	char buf[40];
	if (e && !meta->synthetic_time)
		ev_time_format(meta->start_epoch_ms + e->t_ms, buf);
	else if (has_fallback)
		ev_time_format(fallback_ms, buf);
	else
		return json_null();
	return json_string(buf);
}

static json_t *str_or_null(const struct ev_log *log, ev_str_t s)
{
	return s ? json_string(ev_log_str(log, s)) : json_null();
}

/* What replay knows of the Distributed Map children (history/children.h). */
struct replay_children {
	struct hist_map_runs *runs;
	bool given; /* --children or --child: the counts mean something */
};

static void print_json(FILE *out, const struct ev_log *log, const struct hist_describe *desc,
		       const struct hist_outcome *oc, const struct replay_children *ch)
{
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string(hist_status_name(oc->status)));
	if (oc->status == HIST_SUCCEEDED) {
		json_t *v = oc->end->payload ? ev_payload(log, oc->end, oc->end_id) : json_null();
		json_object_set(o, "output", v);
	} else {
		struct ev_detail end = oc->end ? ev_detail(log, oc->end) : (struct ev_detail){0};
		json_object_set_new(o, "error", str_or_null(log, end.error));
		json_object_set_new(o, "cause", str_or_null(log, end.cause));
	}
	json_object_set_new(
	    o, "startDate",
	    date_of(log, ev_log_get(log, 1), desc->has_start, desc->start_epoch_ms));
	json_object_set_new(o, "stopDate",
			    date_of(log, oc->end, oc->end && desc->has_stop, desc->stop_epoch_ms));
	json_object_set_new(o, "durationMs", json_integer(oc->duration_ms));
	json_object_set_new(o, "events", json_integer((json_int_t)ev_log_count(log)));
	/* The same Map Run summary as `stepscope run --json`. */
	if (hist_map_run_count(ch->runs))
		json_object_set_new(o, "mapRuns", hist_map_runs_json(ch->runs, ch->given));
	cli_print_json(o, out);
	json_decref(o);
}

/* ---- --summary ---- */

struct state_row {
	ev_str_t name;
	enum ev_type kind;
	int visits, failures, retries, aborted;
};

struct map_row {
	ev_str_t name;
	int started, succeeded, failed, aborted;
};

struct task_row {
	char *key;
	int calls, succeeded, failed, timed_out;
};

struct summary {
	VEC(struct state_row) states;
	VEC(int32_t) row_of; /* state row by interned string id, -1 */
	VEC(struct map_row) maps;
	VEC(struct task_row) tasks;
	VEC(int32_t) task_of_visit; /* task row of a visit's current invocation */
	int transitions;
};

static int32_t state_row(struct summary *s, ev_str_t name, enum ev_type kind)
{
	while (s->row_of.len <= name)
		VEC_PUSH(s->row_of, -1);
	if (s->row_of.items[name] < 0) {
		struct state_row row = {.name = name, .kind = kind};
		VEC_PUSH(s->states, row);
		s->row_of.items[name] = (int32_t)s->states.len - 1;
	}
	return s->row_of.items[name];
}

static struct map_row *map_row(struct summary *s, ev_str_t name)
{
	for (size_t i = 0; i < s->maps.len; i++)
		if (s->maps.items[i].name == name)
			return &s->maps.items[i];
	struct map_row row = {.name = name};
	VEC_PUSH(s->maps, row);
	return &s->maps.items[s->maps.len - 1];
}

static int32_t task_row(struct summary *s, const char *key)
{
	for (size_t i = 0; i < s->tasks.len; i++)
		if (strcmp(s->tasks.items[i].key, key) == 0)
			return (int32_t)i;
	struct task_row row = {.key = xstrdup(key)};
	VEC_PUSH(s->tasks, row);
	return (int32_t)s->tasks.len - 1;
}

static const char *str_or(const char *s)
{
	return s ? s : "?";
}

/* "lambda:invoke", "lambda function NAME" (legacy ARN resource), "activity NAME". */
static char *task_key(const struct ev_log *log, const struct ev *e)
{
	const char *res = ev_log_str(log, ev_resource(log, e));
	const char *tail = res && strrchr(res, ':') ? strrchr(res, ':') + 1 : res;
	if (e->type == EV_TaskScheduled)
		return xasprintf("%s:%s", str_or(ev_log_str(log, ev_resource_type(log, e))),
				 str_or(res));
	if (e->type == EV_LambdaFunctionScheduled) {
		const char *fn = res ? strstr(res, ":function:") : NULL;
		return xasprintf("lambda function %s", fn ? fn + 10 : tail ? tail : "?");
	}
	return xasprintf("activity %s", tail ? tail : "?");
}

static void count_task(struct summary *s, const struct ev_log *log, const struct ev *e,
		       int32_t visit)
{
	const char *n = ev_type_name(e->type);
	if (e->type == EV_TaskScheduled || e->type == EV_LambdaFunctionScheduled ||
	    e->type == EV_ActivityScheduled) {
		char *key = task_key(log, e);
		int32_t row = task_row(s, key);
		free(key);
		s->tasks.items[row].calls++;
		if (visit >= 0)
			s->task_of_visit.items[visit] = row;
		return;
	}
	int32_t row = visit >= 0 ? s->task_of_visit.items[visit] : -1;
	if (row < 0 || e->type == EV_TaskStateAborted)
		return;
	struct task_row *t = &s->tasks.items[row];
	if (e->type == EV_TaskSucceeded || e->type == EV_LambdaFunctionSucceeded ||
	    e->type == EV_ActivitySucceeded)
		t->succeeded++;
	else if (str_ends_with(n, "TimedOut"))
		t->timed_out++;
	else if (str_ends_with(n, "Failed") && strncmp(n, "Execution", 9) != 0)
		t->failed++;
}

static void count_event(struct summary *s, const struct ev_log *log, const struct ev *e,
			int32_t visit)
{
	const char *n = ev_type_name(e->type);
	if (str_ends_with(n, "StateEntered"))
		s->transitions++;
	if (e->type == EV_MapIterationStarted)
		map_row(s, e->state)->started++;
	else if (e->type == EV_MapIterationSucceeded)
		map_row(s, e->state)->succeeded++;
	else if (e->type == EV_MapIterationFailed)
		map_row(s, e->state)->failed++;
	else if (e->type == EV_MapIterationAborted)
		map_row(s, e->state)->aborted++;
	else if (!strncmp(n, "Task", 4) || !strncmp(n, "LambdaFunction", 14) ||
		 !strncmp(n, "Activity", 8))
		count_task(s, log, e, visit);
}

static void collect(struct summary *s, const struct ev_log *log, const struct hist_recon *r)
{
	size_t visits = hist_recon_visit_count(r);
	for (size_t v = 0; v < visits; v++) {
		const struct hist_visit *hv = hist_recon_visit(r, v);
		VEC_PUSH(s->task_of_visit, -1);
		if (!hv->state)
			continue;
		int32_t idx = state_row(s, hv->state, hv->entered); /* may move the rows */
		struct state_row *row = &s->states.items[idx];
		row->visits++;
		row->failures += hv->failures;
		row->retries += hv->attempts > 1 ? hv->attempts - 1 : 0;
		row->aborted += hv->aborted;
	}
	size_t n = ev_log_count(log);
	for (size_t id = 1; id <= n; id++)
		count_event(s, log, ev_log_get(log, (int64_t)id),
			    hist_recon_event_visit(r, (int64_t)id));
}

/* The kind of state from its entered event: "TaskStateEntered" -> "Task". */
static void print_kind(FILE *out, enum ev_type entered)
{
	const char *n = ev_type_name(entered);
	fprintf(out, "%-9.*s", (int)(strlen(n) - strlen("StateEntered")), n);
}

static void print_header(FILE *out, const struct ev_log *log, const struct hist_describe *desc,
			 const struct hist_outcome *oc)
{
	const struct ev_log_meta *meta = ev_log_meta_const(log);
	if (meta->execution_name)
		fprintf(out, "execution:         %s\n", ev_log_str(log, meta->execution_name));
	fprintf(out, "status:            %s\n", hist_status_name(oc->status));
	struct ev_detail end = oc->end ? ev_detail(log, oc->end) : (struct ev_detail){0};
	if (end.error)
		fprintf(out, "error:             %s\n", ev_log_str(log, end.error));
	if (end.cause) {
		const char *c = ev_log_str(log, end.cause);
		int len = (int)strcspn(c, "\n");
		fprintf(out, "cause:             %.*s%s\n", len > 200 ? 200 : len, c,
			len > 200 || c[len] ? " ..." : "");
	}
	fprintf(out, "duration:          %" PRId64 ".%03" PRId64 " s%s\n", oc->duration_ms / 1000,
		oc->duration_ms % 1000,
		meta->synthetic_time ? " (synthetic: timestamps missing, order only)" : "");
	if (desc->present && desc->status && strcmp(desc->status, hist_status_name(oc->status)))
		fprintf(out, "described status:  %s (differs from the history)\n", desc->status);
	fprintf(out, "events:            %zu\n", ev_log_count(log));
}

static void print_tables(FILE *out, const struct ev_log *log, const struct summary *s)
{
	int w = 5;
	for (size_t i = 0; i < s->states.len; i++) {
		int len = (int)strlen(ev_log_str(log, s->states.items[i].name));
		w = len > w ? (len > 40 ? 40 : len) : w;
	}
	fprintf(out, "state transitions: %d\nstates:\n  %-*s %-9s %6s %8s %7s %7s\n",
		s->transitions, w, "STATE", "TYPE", "VISITS", "FAILURES", "RETRIES", "ABORTED");
	for (size_t i = 0; i < s->states.len; i++) {
		const struct state_row *r = &s->states.items[i];
		fprintf(out, "  %-*s ", w, ev_log_str(log, r->name));
		print_kind(out, r->kind);
		fprintf(out, " %6d %8d %7d %7d\n", r->visits, r->failures, r->retries, r->aborted);
	}
	if (s->maps.len)
		fputs("map iterations:\n", out);
	for (size_t i = 0; i < s->maps.len; i++) {
		const struct map_row *m = &s->maps.items[i];
		fprintf(out, "  %-*s started %d, succeeded %d, failed %d, aborted %d\n", w,
			ev_log_str(log, m->name), m->started, m->succeeded, m->failed, m->aborted);
	}
	if (s->tasks.len)
		fputs("task invocations:\n", out);
	for (size_t i = 0; i < s->tasks.len; i++) {
		const struct task_row *t = &s->tasks.items[i];
		fprintf(out, "  %s: %d (succeeded %d, failed %d, timed out %d)\n", t->key, t->calls,
			t->succeeded, t->failed, t->timed_out);
	}
}

static void print_summary(FILE *out, const struct ev_log *log, const struct hist_describe *desc,
			  const struct hist_outcome *oc, const struct replay_children *ch)
{
	struct hist_recon *r = hist_recon_of_log(log);
	struct summary s;
	memset(&s, 0, sizeof(s));
	collect(&s, log, r);
	print_header(out, log, desc, oc);
	print_tables(out, log, &s);
	hist_map_runs_print(ch->runs, ch->given, out);
	for (size_t i = 0; i < s.tasks.len; i++)
		free(s.tasks.items[i].key);
	VEC_FREE(s.states);
	VEC_FREE(s.row_of);
	VEC_FREE(s.maps);
	VEC_FREE(s.tasks);
	VEC_FREE(s.task_of_visit);
	hist_recon_free(r);
}

/* "TaskStateEntered" -> "Task": the state type the history shows. */
static bool same_kind(enum ev_type entered, const struct asl_state *st)
{
	const char *n = ev_type_name(entered), *t = asl_state_type_name(st->type);
	return strncmp(n, t, strlen(t)) == 0 && strcmp(n + strlen(t), "StateEntered") == 0;
}

/* Warns about every state the history enters that the definition lacks (or has with another
 * type). Returns EXIT_USAGE when the definition does not load. */
static int replay_check_definition(const struct ev_log *log, const char *path)
{
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = asl_load_file(path, &(struct asl_load_options){0}, &d);
	diags_print(stderr, &d, NULL, 0);
	diags_fini(&d);
	if (!m)
		return EXIT_USAGE;
	VEC(bool) seen = {0};
	size_t n = ev_log_count(log);
	for (size_t id = 1; id <= n; id++) {
		const struct ev *e = ev_log_get(log, (int64_t)id);
		if (!e->state || !str_ends_with(ev_type_name(e->type), "StateEntered"))
			continue;
		while (seen.len <= e->state)
			VEC_PUSH(seen, false);
		if (seen.items[e->state])
			continue;
		seen.items[e->state] = true;
		const char *name = ev_log_str(log, e->state);
		const struct asl_state *st = asl_machine_find(m, name);
		if (!st)
			fprintf(stderr,
				"%s: warning: the history visits state \"%s\" (event %zu"
				"), which the definition lacks\n",
				path, name, id);
		else if (!same_kind(e->type, st))
			fprintf(stderr,
				"%s: warning: state \"%s\" is a %s in the definition but the "
				"history shows %s (event %zu)\n",
				path, name, asl_state_type_name(st->type), ev_type_name(e->type),
				id);
	}
	VEC_FREE(seen);
	asl_machine_free(m);
	return EXIT_OK;
}

static void replay_print(FILE *out, enum replay_mode mode, const struct ev_log *log,
			 const struct hist_describe *desc, const struct hist_outcome *oc,
			 const struct replay_children *ch)
{
	if (mode == REPLAY_EVENTS)
		ev_log_write_text(log, out);
	else if (mode == REPLAY_CHILD_EVENTS)
		hist_map_runs_write_text(ch->runs, out);
	else if (mode == REPLAY_JSON)
		print_json(out, log, desc, oc, ch);
	else
		print_summary(out, log, desc, oc, ch);
}

static const char help[] =
    "usage: stepscope replay [--summary | --json | --events | --child-events]\n"
    "                        [--children DIR] [--child FILE]... [--definition FILE]\n"
    "                        [--history-out FILE] [--trace-out FILE] [--svg-out FILE]\n"
    "                        HISTORY...\n"
    "\n"
    "Replays an execution recorded on AWS: the output of `aws stepfunctions\n"
    "get-execution-history --output json` (CLI v1 or v2, with or without execution data,\n"
    "--reverse-order, several pages as several files or one array of pages). A\n"
    "`describe-execution` JSON given beside it adds the execution's name.\n"
    "\n"
    "  --summary            status, duration, states, retries, Map iterations, task calls\n"
    "                       (the default when not on a terminal; on one: the terminal UI)\n"
    "  --json               one JSON object: status, output, error, cause, startDate,\n"
    "                       stopDate, durationMs, events\n"
    "  --events             the event log, one line per event\n"
    "  --child-events       each child execution's events after a `== NAME STATUS` line\n"
    "  --children DIR       the Distributed Map child histories (every DIR/*.json), e.g.\n"
    "                       the HISTORY.children folder `stepscope run --history-out` writes;\n"
    "                       --summary and --json then count the children of each Map Run\n"
    "  --child FILE         one child history (repeatable); tied to its Map Run by its\n"
    "                       file name, or to the only Map Run\n"
    "  --definition FILE    also report states the history visits that FILE lacks; the\n"
    "                       exports draw its TimeoutSeconds and MaxConcurrency\n"
    "  --history-out FILE   write the history back out, normalised (ids in order, UTC times)\n"
    "  --trace-out FILE     write a Chrome trace-event JSON (Perfetto, chrome://tracing)\n"
    "  --svg-out FILE       write the timeline as an SVG image\n"
    "\n"
    "Exit status: 0 the execution succeeded, 1 it failed, timed out, was aborted or has not\n"
    "finished, 2 bad input.\n";

struct replay_opts {
	enum replay_mode mode;
	const char *definition, *history_out, *trace_out, *svg_out, *children_dir;
	const char **files, **child_files;
	size_t file_count, child_count;
};

static int parse_args(int argc, char **argv, struct replay_opts *o, bool *done)
{
	o->files = xcalloc((size_t)argc, sizeof(char *));
	o->child_files = xcalloc((size_t)argc, sizeof(char *));
	bool mode_set = false, options = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		enum replay_mode m = REPLAY_SUMMARY;
		bool is_mode = true;
		if (options && !strcmp(a, "--summary"))
			m = REPLAY_SUMMARY;
		else if (options && !strcmp(a, "--json"))
			m = REPLAY_JSON;
		else if (options && !strcmp(a, "--events"))
			m = REPLAY_EVENTS;
		else if (options && !strcmp(a, "--child-events"))
			m = REPLAY_CHILD_EVENTS;
		else
			is_mode = false;
		if (is_mode) {
			if (mode_set && o->mode != m)
				return cli_error(
				    "replay: --summary, --json, --events and --child-events "
				    "exclude each other");
			o->mode = m;
			mode_set = true;
		} else if (options && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
			fputs(help, stdout);
			*done = true;
			return EXIT_OK;
		} else if (options && (!strcmp(a, "--definition") || !strcmp(a, "--history-out") ||
				       !strcmp(a, "--trace-out") || !strcmp(a, "--svg-out"))) {
			if (i + 1 >= argc)
				return cli_error("replay: %s needs a FILE", a);
			*(a[2] == 'd'	? &o->definition
			  : a[2] == 'h' ? &o->history_out
			  : a[2] == 't' ? &o->trace_out
					: &o->svg_out) = argv[++i];
		} else if (options && (!strcmp(a, "--children") || !strcmp(a, "--child"))) {
			if (i + 1 >= argc)
				return cli_error("replay: %s needs a %s", a, a[7] ? "DIR" : "FILE");
			if (a[7] && o->children_dir)
				return cli_error("replay: one --children DIR only");
			if (a[7])
				o->children_dir = argv[++i];
			else
				o->child_files[o->child_count++] = argv[++i];
		} else if (options && !strcmp(a, "--")) {
			options = false;
		} else if (options && a[0] == '-' && a[1] != '\0') {
			cli_error("replay: unknown option '%s'", a);
			return cli_usage_hint("replay");
		} else {
			o->files[o->file_count++] = a;
		}
	}
	if (o->file_count == 0) {
		cli_error("replay: no HISTORY file given");
		return cli_usage_hint("replay");
	}
	return EXIT_OK;
}

/* --trace-out / --svg-out. Titles name files by their base name so exports do not depend on
 * where the history was read from. */
static int replay_exports(const struct ev_log *log, const struct replay_opts *o)
{
	const char *outs[] = {o->trace_out, o->svg_out};
	for (size_t i = 0; i < 2 && o->history_out; i++)
		if (outs[i] &&
		    (!strcmp(outs[i], o->history_out) || file_same(outs[i], o->history_out)))
			return cli_error("replay: --history-out and --%s-out name the same file",
					 i ? "svg" : "trace");
	const char *base = strrchr(o->files[0], '/') ? strrchr(o->files[0], '/') + 1 : o->files[0];
	ev_str_t sm = ev_log_meta_const(log)->state_machine_name;
	char *origin = xasprintf("replay of %s", base);
	struct diags d;
	diags_init(&d); /* the definition's diagnostics were printed by replay_check_definition */
	struct asl_machine *m =
	    o->definition ? asl_load_file(o->definition, &(struct asl_load_options){0}, &d) : NULL;
	diags_fini(&d);
	diags_init(&d);
	/* The definition is an input too: never to be overwritten. */
	const char **inputs = xcalloc(o->file_count + 1, sizeof(char *));
	memcpy(inputs, o->files, o->file_count * sizeof(char *));
	inputs[o->file_count] = o->definition;
	struct exp_outputs out = {o->trace_out,
				  o->svg_out,
				  inputs,
				  o->file_count + (o->definition ? 1 : 0),
				  sm ? ev_log_str(log, sm) : NULL,
				  origin};
	bool ok = exp_write_outputs(log, m, &out, &d);
	diags_print(stderr, &d, NULL, 0);
	diags_fini(&d);
	free(inputs);
	asl_machine_free(m);
	free(origin);
	return ok ? EXIT_OK : EXIT_USAGE;
}

/* --children / --child: every child history, tied to the parent's Map Runs. */
static bool load_children(const struct replay_opts *o, struct replay_children *ch)
{
	struct diags d;
	diags_init(&d);
	bool ok = true;
	if (o->children_dir)
		ok = hist_map_runs_load_dir(ch->runs, o->children_dir, &d);
	for (size_t i = 0; ok && i < o->child_count; i++)
		ok = hist_map_runs_load(ch->runs, o->child_files[i], &d);
	diags_print(stderr, &d, NULL, 0);
	diags_fini(&d);
	ch->given = o->children_dir || o->child_count;
	return ok;
}

static int replay(const struct replay_opts *o)
{
	struct hist_importer *imp = hist_importer_new();
	struct ev_log *log = cli_import_histories("replay", o->files, o->file_count, imp, false);
	if (!log) {
		hist_importer_free(imp);
		return EXIT_USAGE;
	}
	int rc = EXIT_OK;
	/* Every check that can fail runs before --history-out is written: a failed command
	 * leaves an existing file untouched, and no input is ever overwritten. */
	static const char *const out_names[] = {"--history-out", "--trace-out", "--svg-out"};
	const char *outs[] = {o->history_out, o->trace_out, o->svg_out};
	const char **ins = xcalloc(o->file_count + 1, sizeof(*ins));
	memcpy(ins, o->files, o->file_count * sizeof(*ins));
	ins[o->file_count] = o->definition;
	if (!cli_outputs_ok("replay", out_names, outs, 3, ins, o->file_count + 1))
		rc = EXIT_USAGE;
	free(ins);
	if (rc == EXIT_OK && o->definition)
		rc = replay_check_definition(log, o->definition);
	if (rc == EXIT_OK && (o->trace_out || o->svg_out))
		rc = replay_exports(log, o);
	if (rc == EXIT_OK && o->history_out) {
		struct diags d;
		diags_init(&d);
		/* The execution input as recorded: AWS keeps the caller's text (spaces and all). */
		const struct ev *first = ev_log_count(log) ? ev_log_get(log, 1) : NULL;
		const char *input_text = first && first->type == EV_ExecutionStarted
					     ? ev_payload_text(log, first, 1)
					     : NULL;
		if (!hist_export_input(log, o->history_out, o->files, o->file_count, input_text,
				       &d))
			rc = EXIT_USAGE;
		diags_print(stderr, &d, NULL, 0);
		diags_fini(&d);
	}
	const char *term = getenv("TERM");
	bool tui = isatty(0) && isatty(1) && !(term && !strcmp(term, "dumb"));
	if (rc == EXIT_OK && o->mode == REPLAY_TUI && tui) {
		hist_importer_free(imp);
		return cli_tui_replay(log, o->files[0], o->definition);
	}
	if (rc == EXIT_OK) {
		struct hist_outcome out;
		hist_outcome(log, &out);
		struct replay_children ch = {hist_map_runs_new(log), false};
		if (load_children(o, &ch)) {
			replay_print(stdout, o->mode, log, hist_importer_describe(imp), &out, &ch);
			rc = out.status == HIST_SUCCEEDED ? EXIT_OK : EXIT_NOT_SUCCEEDED;
		} else {
			rc = EXIT_USAGE;
		}
		hist_map_runs_free(ch.runs);
	}
	cli_log_done(log);
	hist_importer_free(imp);
	return rc;
}

int cmd_replay(int argc, char **argv)
{
	struct replay_opts o = {.mode = REPLAY_TUI};
	bool done = false;
	int rc = parse_args(argc, argv, &o, &done);
	if (rc == EXIT_OK && !done)
		rc = replay(&o);
	free(o.files);
	free(o.child_files);
	return rc;
}
