/*
 * Distributed Map child executions: each item or batch of a Map Run is an execution of its own
 * with its own history (aws-facts a.5, b.2). The engine writes to one log at a time, e->log;
 * a child's runs switch it to the child's log while they are dispatched, so every state
 * interpreter appends to the right history without knowing about children. Times in a child
 * log count from the child's start; its meta start is the parent's plus that offset.
 *
 * A Map Run may have 100,000 children: what a child holds is let go of when it ends. Its
 * history goes to the spill (spill.c; sim_child_history rebuilds it), its log, input and
 * `$$.Execution` are freed, and what stays is its sim_child_info and its ARN.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void sim_use_child(struct sim_engine *e, struct sim_child *c)
{
	e->cur = c;
	e->log = c ? c->log : e->main_log;
	e->t0 = c ? c->info.start_ms : 0;
}

/* The Map Run's id: the last `:`-separated field of its ARN. */
static const char *run_id(const char *map_run_arn)
{
	const char *p = strrchr(map_run_arn, ':');
	return p ? p + 1 : map_run_arn;
}

struct sim_child *sim_child_start(struct sim_engine *e, struct sim_block *b, size_t index,
				  json_t *input)
{
	struct sim_child *c = xcalloc(1, sizeof(*c));
	const struct asl_state *st = b->state;
	const char *label = st->label ? st->label : st->name;
	c->log = ev_log_new();
	/* Children of one Map Run start one after another: they share its ARN's copy. */
	struct sim_child *prev = e->children.len ? e->children.items[e->children.len - 1] : NULL;
	const char *run_arn = b->run_arn ? b->run_arn : "";
	c->owns_run_arn = !prev || strcmp(prev->map_run_arn, run_arn) != 0;
	c->map_run_arn = c->owns_run_arn ? xstrdup(run_arn) : prev->map_run_arn;
	/* AWS names children with an id of its own; the Map Run id and the index (5 digits, so
	 * names sort in index order) make the name unique and deterministic and tie it to its Map
	 * Run (execution names allow `_`, not `:`). The ARN is the Map Run's prefix for its
	 * children and the index ("%05zu"), put together without printf. */
	if (!b->child_arn_prefix)
		b->child_arn_prefix =
		    xasprintf("arn:aws:states:%s:123456789012:execution:%s/%s:%s_", e->region,
			      e->sm_name, label, run_id(c->map_run_arn));
	char digits[24], *d = digits + sizeof(digits);
	for (size_t k = index; k || d > digits + sizeof(digits) - 5; k /= 10)
		*--d = (char)('0' + k % 10);
	size_t plen = strlen(b->child_arn_prefix), dlen = (size_t)(digits + sizeof(digits) - d);
	c->arn = xmalloc(plen + dlen + 1);
	memcpy(c->arn, b->child_arn_prefix, plen);
	memcpy(c->arn + plen, d, dlen);
	c->arn[plen + dlen] = '\0';
	c->name = strrchr(c->arn, ':') + 1; /* the ARN ends with the name, which has no `:` */
	json_t *batch = json_object_get(input, "Items");
	c->info = (struct sim_child_info){
	    .name = c->name,
	    .arn = c->arn,
	    .map_run_arn = c->map_run_arn,
	    .map_state = st->name,
	    .index = index,
	    .start_ms = e->now,
	    .items = json_is_array(batch) ? json_array_size(batch) : 1,
	    .status = SIM_RUNNING,
	    .express = st->execution_type && strcmp(st->execution_type, "EXPRESS") == 0,
	};
	c->input = json_incref(input);
	VEC_PUSH(e->children, c);
	struct ev_log_meta *meta = ev_log_meta(c->log);
	meta->start_epoch_ms = e->opt.start_epoch_ms + e->now;
	meta->execution_name = ev_log_intern(c->log, c->name);
	if (!b->child_sm_name)
		b->child_sm_name = xasprintf("%s/%s", e->sm_name, label);
	meta->state_machine_name = ev_log_intern(c->log, b->child_sm_name);
	struct sim_child *was = e->cur;
	sim_use_child(e, c);
	/* Every child's ExecutionStarted has the same details: one shared value. */
	if (!e->child_started_extra)
		e->child_started_extra = json_pack("{s:s}", "roleArn", e->role_arn);
	sim_emit(e, EV_ExecutionStarted, 0, NULL, -1, json_incref(input),
		 json_incref(e->child_started_extra));
	sim_use_child(e, was);
	return c;
}

json_t *sim_child_exec_context(struct sim_engine *e, struct sim_child *c)
{
	/* Inside the child `$$.Execution` is the child's own (an assumption: aws-facts does not
	 * describe a child's context object). Built when a state first reads it: most children
	 * never do, and 100,000 of them would hold 100 MB of it. */
	if (!c->ctx_exec) {
		char stamp[40];
		sim_format_timestamp(e->opt.start_epoch_ms + c->info.start_ms, stamp,
				     sizeof(stamp));
		c->ctx_exec = json_pack("{s:s, s:O, s:s, s:s, s:s, s:i}", "Id", c->arn, "Input",
					c->input, "StartTime", stamp, "Name", c->name, "RoleArn",
					e->role_arn, "RedriveCount", 0); /* AWS's key order */
	}
	return c->ctx_exec;
}

void sim_child_end(struct sim_engine *e, struct sim_child *c, enum sim_status status, int64_t last,
		   json_t *output, const char *error, const char *cause)
{
	if (c->info.status != SIM_RUNNING)
		return;
	struct sim_child *was = e->cur;
	sim_use_child(e, c);
	/* At the instant the child ended, not one step later as at the top level: the parent
	 * reacts (MapRunFailed, the next child) at this same instant and must not precede it. */
	if (status == SIM_SUCCEEDED)
		sim_emit(e, EV_ExecutionSucceeded, last, NULL, -1, json_incref(output), NULL);
	else if (status == SIM_ABORTED)
		sim_emit_error(e, EV_ExecutionAborted, last, NULL, -1, error, cause);
	else
		sim_emit_error(e, EV_ExecutionFailed, last, NULL, -1, error, cause);
	c->info.status = status;
	c->info.end_ms = e->now;
	c->info.events = ev_log_count(c->log);
	sim_use_child(e, was);
	/* Nothing appends to an ended child's history: it goes to the spill, its events and
	 * payloads are freed now (the ResultWriter keeps the input it still needs). */
	if (!e->spill)
		e->spill = sim_spill_new();
	c->spill_at = sim_spill_put(e->spill, c->log, &c->spill_len);
	ev_log_free(c->log);
	c->log = NULL;
	json_decref(c->ctx_exec);
	c->ctx_exec = NULL;
	json_decref(c->input);
	c->input = NULL;
}

void sim_child_abort(struct sim_engine *e, struct sim_run *run)
{
	/* Stopped as StopExecution stops an execution (corpus wait-stop-execution-aborted): its
	 * open states are cut off without ...Aborted events and ExecutionAborted points at 0,
	 * as the execution's own timeout and stop do (sim_abort). A child aborted with its Map
	 * Run is not recorded on AWS: that it looks the same is an assumption. */
	struct sim_child *was = e->quiet_child;
	e->quiet_child = run->more->child; /* a Distributed Map's child run */
	sim_run_abort(e, run, -1);
	e->quiet_child = was;
	sim_child_end(e, run->more->child, SIM_ABORTED, 0, NULL, NULL, NULL);
}

void sim_children_free(struct sim_engine *e)
{
	for (size_t i = 0; i < e->children.len; i++) {
		struct sim_child *c = e->children.items[i];
		ev_log_free(c->log);
		free(c->arn);
		if (c->owns_run_arn)
			free(c->map_run_arn);
		json_decref(c->ctx_exec);
		json_decref(c->input);
		free(c);
	}
	VEC_FREE(e->children);
	sim_spill_free(e->spill);
	e->spill = NULL;
	json_decref(e->child_started_extra);
	e->child_started_extra = NULL;
}

size_t sim_child_count(const struct sim_engine *e)
{
	return e->children.len;
}

int64_t sim_first_map_run_id(const struct sim_engine *e)
{
	return e->first_map_run_id ? e->first_map_run_id : (int64_t)ev_log_count(e->main_log) + 1;
}

const struct sim_child_info *sim_child(const struct sim_engine *e, size_t i)
{
	return i < e->children.len ? &e->children.items[i]->info : NULL;
}

struct ev_log *sim_child_history(const struct sim_engine *e, size_t i)
{
	if (i >= e->children.len)
		return NULL;
	const struct sim_child *c = e->children.items[i];
	return c->log ? sim_log_copy(c->log) : sim_spill_get(e->spill, c->spill_at, c->spill_len);
}
