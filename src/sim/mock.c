/*
 * The Step Functions Local MockConfigFile reader (aws-facts c.1,
 * https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html), read
 * unchanged: StateMachines → TestCases → state → response name; MockedResponses → response →
 * invocation keys "N" or "N-M" → exactly one of Return / Throw {Error, Cause}.
 */
#include "sim.h"

#include "doc/doc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct mock_entry {
	int64_t from, to; /* inclusive */
	json_t *ret;	  /* borrowed from doc; NULL for a Throw */
	const char *error, *cause;
};

struct mock_state {
	const char *state; /* borrowed from doc */
	struct mock_entry *entries;
	size_t count;
};

struct sim_mock {
	json_t *doc; /* one reference */
	struct mock_state *states;
	size_t count;
};

void sim_mock_free(struct sim_mock *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->count; i++)
		free(m->states[i].entries);
	free(m->states);
	json_decref(m->doc);
	free(m);
}

static void err(struct diags *d, const char *file, const char *ptr, const char *fmt, ...)
    PRINTF_LIKE(4, 5);
static void err(struct diags *d, const char *file, const char *ptr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diags_vadd(d, DIAG_ERROR, "mock-config", file, 0, 0, ptr, fmt, ap);
	va_end(ap);
}

static bool parse_count(const char *s, const char **end, int64_t *out)
{
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	char *e;
	long long v = strtoll(s, &e, 10);
	if (errno)
		return false;
	*out = v;
	*end = e;
	return true;
}

/* "3" or "0-2" */
static bool parse_key(const char *key, int64_t *from, int64_t *to)
{
	const char *end;
	if (!parse_count(key, &end, from))
		return false;
	*to = *from;
	if (*end == '-' && !parse_count(end + 1, &end, to))
		return false;
	return *end == '\0' && *to >= *from;
}

static bool parse_entry(json_t *v, const char *file, const char *ptr, struct mock_entry *ent,
			struct diags *d)
{
	if (!json_is_object(v)) {
		err(d, file, ptr, "a mocked invocation must be an object with Return or Throw");
		return false;
	}
	json_t *ret = json_object_get(v, "Return"), *thr = json_object_get(v, "Throw");
	if ((ret != NULL) == (thr != NULL) || json_object_size(v) != 1) {
		err(d, file, ptr, "a mocked invocation needs exactly one of Return or Throw");
		return false;
	}
	ent->ret = ret;
	if (ret)
		return true;
	char *tp = pointer_join(ptr, "Throw");
	bool ok = false;
	json_t *e = json_object_get(thr, "Error"), *c = json_object_get(thr, "Cause");
	if (!json_is_object(thr))
		err(d, file, tp, "Throw must be an object {\"Error\": ..., \"Cause\": ...}");
	else if (!json_is_string(e))
		err(d, file, tp, "Throw needs a string Error");
	else if (c && !json_is_string(c))
		err(d, file, tp, "Throw's Cause must be a string");
	else {
		ent->error = json_string_value(e);
		ent->cause = c ? json_string_value(c) : NULL;
		ok = true;
	}
	free(tp);
	return ok;
}

static bool parse_response(json_t *resp, const char *file, const char *ptr, struct mock_state *ms,
			   struct diags *d)
{
	/* An empty response is accepted: Step Functions Local resolves a response only when its
	 * state is invoked, so {} fails the execution then (States.Runtime, uncovered
	 * invocation 0), not the start (floci-io/floci#2823, checked with Step Functions Local
	 * 2.0.0). */
	if (!json_is_object(resp)) {
		err(d, file, ptr, "a mocked response must be an object of invocations");
		return false;
	}
	ms->entries = xcalloc(json_object_size(resp), sizeof(*ms->entries));
	const char *key;
	json_t *v;
	bool ok = true;
	json_object_foreach(resp, key, v)
	{
		char *p = pointer_join(ptr, key);
		struct mock_entry *ent = &ms->entries[ms->count];
		if (!parse_key(key, &ent->from, &ent->to)) {
			err(d, file, p,
			    "invocation key '%s' must be a number or a range like \"0-2\"", key);
			ok = false;
		} else if (parse_entry(v, file, p, ent, d)) {
			ms->count++;
		} else {
			ok = false;
		}
		free(p);
	}
	return ok;
}

static json_t *pick_one(json_t *obj, const char *want, const char *what, const char *file,
			const char *ptr, struct diags *d, const char **picked)
{
	if (!json_is_object(obj) || json_object_size(obj) == 0) {
		err(d, file, ptr, "%s must be a non-empty object", what);
		return NULL;
	}
	if (want) {
		json_t *v = json_object_get(obj, want);
		if (!v)
			err(d, file, ptr, "no %s named '%s'", what, want);
		*picked = want;
		return v;
	}
	if (json_object_size(obj) > 1) {
		err(d, file, ptr, "%s has several entries: name one (--machine-name / --test-case)",
		    what);
		return NULL;
	}
	void *it = json_object_iter(obj);
	*picked = json_object_iter_key(it);
	return json_object_iter_value(it);
}

static bool parse_case(struct sim_mock *m, json_t *tc, json_t *responses, const char *file,
		       const char *ptr, struct diags *d)
{
	if (!json_is_object(tc)) {
		err(d, file, ptr, "a test case must map state names to mocked response names");
		return false;
	}
	m->states = xcalloc(json_object_size(tc) + 1, sizeof(*m->states));
	const char *state;
	json_t *name;
	bool ok = true;
	json_object_foreach(tc, state, name)
	{
		char *p = pointer_join(ptr, state);
		json_t *resp = json_is_string(name)
				   ? json_object_get(responses, json_string_value(name))
				   : NULL;
		if (!json_is_string(name)) {
			err(d, file, p, "the mocked response name must be a string");
			ok = false;
		} else if (!resp) {
			err(d, file, p, "mocked response '%s' is not defined in MockedResponses",
			    json_string_value(name));
			ok = false;
		} else {
			/* Problems inside responses are reported once, by validate_responses. */
			char *rp = pointer_join("/MockedResponses", json_string_value(name));
			struct mock_state *ms = &m->states[m->count++];
			struct diags quiet;
			diags_init(&quiet);
			ms->state = state;
			ok = parse_response(resp, file, rp, ms, &quiet) && ok;
			diags_fini(&quiet);
			free(rp);
		}
		free(p);
	}
	return ok;
}

/* Every mocked response, used by the test case or not: all problems at once. */
static void validate_responses(json_t *responses, const char *file, struct diags *d)
{
	const char *name;
	json_t *resp;
	json_object_foreach(responses, name, resp)
	{
		char *rp = pointer_join("/MockedResponses", name);
		struct mock_state ms = {0};
		parse_response(resp, file, rp, &ms, d);
		free(ms.entries);
		free(rp);
	}
}

struct sim_mock *sim_mock_from_json(json_t *doc, const char *file, const char *machine_name,
				    const char *test_case, struct diags *d)
{
	size_t before = d->errors;
	if (!json_is_object(doc)) {
		err(d, file, "", "a mock config must be a JSON object");
		return NULL;
	}
	json_t *responses = json_object_get(doc, "MockedResponses");
	if (!json_is_object(responses)) {
		err(d, file, "", "missing object MockedResponses");
		return NULL;
	}
	validate_responses(responses, file, d);
	const char *mname = NULL, *tname = NULL;
	json_t *mach = pick_one(json_object_get(doc, "StateMachines"), machine_name,
				"StateMachines", file, "/StateMachines", d, &mname);
	if (!mach)
		return NULL;
	char *mp = pointer_join("/StateMachines", mname);
	char *cp = pointer_join(mp, "TestCases");
	json_t *cases = json_object_get(mach, "TestCases");
	json_t *tc = pick_one(cases, test_case, "TestCases", file, cp, d, &tname);
	struct sim_mock *m = NULL;
	if (tc) {
		char *tp = pointer_join(cp, tname);
		m = xcalloc(1, sizeof(*m));
		m->doc = json_incref(doc);
		parse_case(m, tc, responses, file, tp, d);
		free(tp);
	}
	free(mp);
	free(cp);
	if (d->errors > before) {
		sim_mock_free(m);
		return NULL;
	}
	return m;
}

struct sim_mock *sim_mock_load(const char *path, const char *machine_name, const char *test_case,
			       struct diags *d)
{
	struct doc *doc = doc_load_file(path, d);
	if (!doc)
		return NULL;
	size_t first = d->list.len;
	struct sim_mock *m = sim_mock_from_json(doc_root(doc), path, machine_name, test_case, d);
	/* Semantic errors carry a JSON pointer: give them the line and column too. */
	for (size_t i = first; i < d->list.len; i++) {
		struct diag *g = &d->list.items[i];
		if (g->pointer && g->line == 0)
			doc_locate_key(doc, g->pointer, &g->line, &g->column);
	}
	doc_free(doc);
	return m;
}

enum sim_mock_answer sim_mock_lookup(const struct sim_mock *m, const char *state, int64_t n,
				     json_t **result, const char **error, const char **cause)
{
	if (!m)
		return SIM_MOCK_NONE;
	for (size_t i = 0; i < m->count; i++) {
		const struct mock_state *ms = &m->states[i];
		if (strcmp(ms->state, state) != 0)
			continue;
		for (size_t j = 0; j < ms->count; j++) {
			const struct mock_entry *e = &ms->entries[j];
			if (n < e->from || n > e->to)
				continue;
			if (e->ret) {
				*result = e->ret;
				return SIM_MOCK_RETURN;
			}
			*error = e->error;
			*cause = e->cause;
			return SIM_MOCK_THROW;
		}
		return SIM_MOCK_UNCOVERED;
	}
	return SIM_MOCK_NONE;
}
