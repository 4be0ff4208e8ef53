/*
 * mock-from: a Step Functions Local MockConfigFile (aws-facts c.1,
 * https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html) that
 * replays the task results of a recorded execution.
 *
 * Numbering is the simulator's (src/sim/task.c): a Task state's invocation n (0-based) is its
 * n-th *Started event in the execution, counted per state name across retries and Map
 * iterations. Each invocation's answer is the terminal event of the same task attempt (same
 * visit, same attempt number from the reconstruction), which with concurrent iterations may
 * come in another order than the starts.
 */
#include "history.h"

#include <string.h>

/* One Task state's invocations, in start order. */
struct task_calls {
	ev_str_t state;
	VEC(json_t *) answers; /* {"Return": ...} / {"Throw": ...}; NULL: never finished */
};

/* A started attempt waiting for its result. */
struct open_call {
	int32_t visit, attempt;
	size_t task;   /* index into tasks */
	size_t number; /* invocation number */
};

struct builder {
	const struct ev_log *log;
	struct hist_recon *recon;
	VEC(struct task_calls) tasks;
	VEC(struct open_call) open;
	struct diags *diags;
	const char *file;
	size_t no_data, activities;
};

static size_t task_index(struct builder *b, ev_str_t state)
{
	for (size_t i = 0; i < b->tasks.len; i++)
		if (b->tasks.items[i].state == state)
			return i;
	struct task_calls t = {.state = state};
	VEC_PUSH(b->tasks, t);
	return b->tasks.len - 1;
}

static void started(struct builder *b, const struct ev *e, int64_t id)
{
	size_t t = task_index(b, e->state);
	struct task_calls *tc = &b->tasks.items[t];
	struct open_call oc = {.visit = hist_recon_event_visit(b->recon, id),
			       .attempt = hist_recon_event_attempt(b->recon, id),
			       .task = t,
			       .number = tc->answers.len};
	VEC_PUSH(tc->answers, NULL);
	VEC_PUSH(b->open, oc);
}

static json_t *throw_of(const struct ev_log *log, const struct ev *e, const char *default_error)
{
	const char *error = ev_log_str(log, ev_error(log, e)),
		   *cause = ev_log_str(log, ev_cause(log, e));
	json_t *t = json_object();
	json_object_set_new(t, "Error", json_string(error ? error : default_error));
	json_object_set_new(t, "Cause", json_string(cause ? cause : ""));
	return json_pack("{s:o}", "Throw", t);
}

/* The mock answer of a terminal task event (record id), NULL for other events. */
static json_t *answer_of(struct builder *b, const struct ev *e, int64_t id)
{
	switch (e->type) {
	case EV_TaskSucceeded:
		if (!ev_payload(b->log, e, id))
			b->no_data++;
		return json_pack("{s:O}", "Return",
				 e->payload ? ev_payload(b->log, e, id) : json_null());
	case EV_LambdaFunctionSucceeded:
		/* A legacy function's Return is Lambda's Invoke response, whose Payload is what
		 * the state got (src/sim/task.c mock_return). */
		if (!ev_payload(b->log, e, id))
			b->no_data++;
		return json_pack("{s:{s:i,s:O}}", "Return", "StatusCode", 200, "Payload",
				 e->payload ? ev_payload(b->log, e, id) : json_null());
	case EV_TaskFailed:
	case EV_LambdaFunctionFailed:
		return throw_of(b->log, e, "States.TaskFailed");
	case EV_TaskTimedOut:
	case EV_LambdaFunctionTimedOut:
		/* A mock cannot make a call slow: the timeout is thrown as its error, which
		 * Retry/Catch match the same way (the event is TaskFailed, not TaskTimedOut). */
		return throw_of(b->log, e, "States.Timeout");
	default:
		return NULL;
	}
}

static void finished(struct builder *b, const struct ev *e, int64_t id)
{
	json_t *answer = answer_of(b, e, id);
	if (!answer)
		return;
	int32_t visit = hist_recon_event_visit(b->recon, id);
	int32_t attempt = hist_recon_event_attempt(b->recon, id);
	for (size_t i = 0; i < b->open.len; i++) {
		struct open_call *oc = &b->open.items[i];
		if (oc->visit != visit || oc->attempt != attempt)
			continue;
		b->tasks.items[oc->task].answers.items[oc->number] = answer;
		b->open.items[i] = b->open.items[--b->open.len];
		return;
	}
	/* A result without a start (a truncated history): nothing consumed a number for it. */
	json_decref(answer);
}

static void collect(struct builder *b)
{
	size_t n = ev_log_count(b->log);
	for (int64_t id = 1; id <= (int64_t)n; id++) {
		const struct ev *e = ev_log_get(b->log, id);
		if (e->type == EV_ActivityStarted)
			b->activities++;
		else if (e->type == EV_TaskStarted || e->type == EV_LambdaFunctionStarted)
			started(b, e, id);
		else
			finished(b, e, id);
	}
}

static void add_range(json_t *resp, size_t from, size_t to, json_t *answer)
{
	char key[48];
	if (from == to)
		snprintf(key, sizeof(key), "%zu", from);
	else
		snprintf(key, sizeof(key), "%zu-%zu", from, to);
	json_object_set(resp, key, answer);
}

/* Consecutive equal answers become one "N-M" range; unfinished calls are left uncovered. */
static json_t *responses_of(struct builder *b, const struct task_calls *tc)
{
	json_t *resp = json_object();
	size_t n = tc->answers.len;
	for (size_t i = 0; i < n;) {
		json_t *a = tc->answers.items[i];
		size_t j = i + 1;
		while (a && j < n && tc->answers.items[j] && json_equal(a, tc->answers.items[j]))
			j++;
		if (a)
			add_range(resp, i, j - 1, a);
		else
			diags_add(b->diags, DIAG_WARNING, "unfinished", b->file, 0, 0, NULL,
				  "invocation %zu of state '%s' has no result in the history (it "
				  "never finished): not mocked, a simulation that reaches it fails "
				  "with States.Runtime",
				  i, ev_log_str(b->log, tc->state));
		i = j;
	}
	return resp;
}

/* Response names are the state names, made unique if a name is taken twice. */
static json_t *build(struct builder *b, const char *machine_name, const char *test_case)
{
	json_t *cases = json_object(), *mocked = json_object();
	for (size_t i = 0; i < b->tasks.len; i++) {
		const struct task_calls *tc = &b->tasks.items[i];
		const char *state = ev_log_str(b->log, tc->state);
		char *name = xasprintf("%s", state ? state : "Task");
		for (int k = 2; json_object_get(mocked, name); k++) {
			free(name);
			name = xasprintf("%s#%d", state ? state : "Task", k);
		}
		json_t *resp = responses_of(b, tc);
		if (json_object_size(resp) > 0) {
			json_object_set_new(cases, state ? state : "", json_string(name));
			json_object_set_new(mocked, name, resp);
		} else {
			json_decref(resp);
		}
		free(name);
	}
	return json_pack("{s:{s:{s:{s:o}}},s:o}", "StateMachines", machine_name, "TestCases",
			 test_case, cases, "MockedResponses", mocked);
}

static void notes(const struct builder *b)
{
	if (b->no_data)
		diags_add(b->diags, DIAG_WARNING, "no-data", b->file, 0, 0, NULL,
			  "%zu task results are not in the history (recorded without execution "
			  "data): mocked as null",
			  b->no_data);
	if (b->activities)
		diags_add(b->diags, DIAG_NOTE, NULL, b->file, 0, 0, NULL,
			  "%zu Activity task(s) not mocked: Step Functions Local cannot mock "
			  "Activity states",
			  b->activities);
}

json_t *hist_mock_from(const struct ev_log *log, const char *machine_name, const char *test_case,
		       const char *file, struct diags *diags)
{
	struct builder b = {.log = log, .diags = diags, .file = file};
	b.recon = hist_recon_of_log(log);
	collect(&b);
	json_t *doc = build(&b, machine_name, test_case);
	notes(&b);
	for (size_t i = 0; i < b.tasks.len; i++) {
		for (size_t j = 0; j < b.tasks.items[i].answers.len; j++)
			json_decref(b.tasks.items[i].answers.items[j]);
		VEC_FREE(b.tasks.items[i].answers);
	}
	VEC_FREE(b.tasks);
	VEC_FREE(b.open);
	hist_recon_free(b.recon);
	return doc;
}
