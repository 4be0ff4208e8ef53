/*
 * What the execution as a whole did: the describe-execution document beside a history, and
 * the outcome read from the history's execution events.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

bool hist_looks_like_describe(const json_t *root)
{
	return json_object_get(root, "executionArn") ||
	       (json_object_get(root, "status") && json_object_get(root, "startDate"));
}

void hist_describe_fini(struct hist_describe *d)
{
	free(d->name);
	free(d->execution_arn);
	free(d->state_machine_arn);
	free(d->status);
	free(d->error);
	free(d->cause);
	json_decref(d->input);
	json_decref(d->output);
	memset(d, 0, sizeof(*d));
}

static char *str_member(const json_t *root, const char *key)
{
	const json_t *v = json_object_get(root, key);
	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* A payload string parsed; kept as a JSON string when it is not JSON. */
static json_t *payload_member(const json_t *root, const char *key)
{
	const json_t *v = json_object_get(root, key);
	if (!json_is_string(v))
		return NULL;
	json_t *parsed = json_loadb(json_string_value(v), json_string_length(v),
				    JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	return parsed ? parsed : json_deep_copy(v);
}

static bool time_member(const json_t *root, const char *key, int64_t *ms, const char *file,
			struct diags *diags)
{
	const json_t *v = json_object_get(root, key);
	if (!v)
		return false;
	if (ev_time_parse(v, ms))
		return true;
	char *ptr = xasprintf("/%s", key);
	diags_add(diags, DIAG_WARNING, "bad-timestamp", file, 0, 0, ptr,
		  "not a timestamp (ignored)");
	free(ptr);
	return false;
}

bool hist_describe_read(struct hist_describe *d, const json_t *root, const char *file,
			struct diags *diags)
{
	hist_describe_fini(d);
	d->present = true;
	d->name = str_member(root, "name");
	d->execution_arn = str_member(root, "executionArn");
	d->state_machine_arn = str_member(root, "stateMachineArn");
	d->status = str_member(root, "status");
	d->error = str_member(root, "error");
	d->cause = str_member(root, "cause");
	d->input = payload_member(root, "input");
	d->output = payload_member(root, "output");
	d->has_start = time_member(root, "startDate", &d->start_epoch_ms, file, diags);
	d->has_stop = time_member(root, "stopDate", &d->stop_epoch_ms, file, diags);
	return true;
}

void hist_describe_apply(const struct hist_describe *d, struct ev_log *log)
{
	if (!d->present)
		return;
	struct ev_log_meta *meta = ev_log_meta(log);
	const char *name = d->name;
	/* arn:aws:states:region:account:execution:machine:name */
	const char *arn = d->execution_arn;
	if (!name && arn && strrchr(arn, ':'))
		name = strrchr(arn, ':') + 1;
	meta->execution_name = ev_log_intern(log, name);
	const char *sm = d->state_machine_arn;
	if (sm && strrchr(sm, ':'))
		meta->state_machine_name = ev_log_intern(log, strrchr(sm, ':') + 1);
}

const char *hist_status_name(enum hist_status status)
{
	switch (status) {
	case HIST_SUCCEEDED:
		return "SUCCEEDED";
	case HIST_FAILED:
		return "FAILED";
	case HIST_TIMED_OUT:
		return "TIMED_OUT";
	case HIST_ABORTED:
		return "ABORTED";
	case HIST_RUNNING:
		break;
	}
	return "RUNNING";
}

void hist_outcome(const struct ev_log *log, struct hist_outcome *out)
{
	memset(out, 0, sizeof(*out));
	size_t n = ev_log_count(log);
	const struct ev *first = ev_log_get(log, 1), *last = ev_log_get(log, (int64_t)n);
	/* The last execution-level verdict wins: a redrive reopens a failed execution. */
	for (size_t id = n; id >= 1; id--) {
		const struct ev *e = ev_log_get(log, (int64_t)id);
		enum hist_status s;
		if (e->type == EV_ExecutionSucceeded)
			s = HIST_SUCCEEDED;
		else if (e->type == EV_ExecutionFailed)
			s = HIST_FAILED;
		else if (e->type == EV_ExecutionTimedOut)
			s = HIST_TIMED_OUT;
		else if (e->type == EV_ExecutionAborted)
			s = HIST_ABORTED;
		else if (e->type == EV_ExecutionRedriven)
			break;
		else
			continue;
		out->status = s;
		out->end = e;
		out->end_id = (int64_t)id;
		last = e;
		break;
	}
	if (first && last)
		out->duration_ms = (int64_t)last->t_ms - (int64_t)first->t_ms; /* event.h */
}
