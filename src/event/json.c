/*
 * The JSON codec of one event: a `struct ev` <-> an AWS HistoryEvent object, in the key order
 * the AWS CLI prints (timestamp, type, id, previousEventId, details; inside details the
 * botocore member order, aws-facts a.2 and a.4).
 */
#include "internal.h"
#include "doc/doc.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RAW_MARK EV_RAW_MARK

/* stepscope's own annotations of an event, never exported. */
static bool is_private(const char *key)
{
	return strncmp(key, EV_PRIVATE_PREFIX, strlen(EV_PRIVATE_PREFIX)) == 0;
}

/* ---- timestamps ---- */

/* Exported histories hold ISO 8601 in several spellings (aws-facts a.2): read them leniently. */
static bool parse_iso(const char *s, int64_t *epoch_ms)
{
	struct instant t;
	if (!time_parse(s, TIME_LENIENT, &t) || !ev_epoch_ms_ok(instant_ms(t)))
		return false;
	*epoch_ms = instant_ms(t);
	return true;
}

bool ev_time_parse(const json_t *value, int64_t *epoch_ms)
{
	if (json_is_integer(value)) {
		/* As for reals below: outside the years 0000-9999 it is no timestamp an export
		 * could write back. */
		json_int_t v = json_integer_value(value);
		if (v > EV_MAX_EPOCH_S || v < EV_MIN_EPOCH_S)
			return false;
		*epoch_ms = (int64_t)v * 1000;
		return true;
	}
	if (json_is_real(value)) {
		double v = json_real_value(value);
		if (!isfinite(v) || v >= (double)EV_MAX_EPOCH_S + 1 || v < (double)EV_MIN_EPOCH_S)
			return false;
		*epoch_ms = (int64_t)llround(v * 1000.0);
		return ev_epoch_ms_ok(*epoch_ms); /* 9999-12-31T23:59:59.9996 rounds past it */
	}
	return json_is_string(value) && parse_iso(json_string_value(value), epoch_ms);
}

void ev_time_format(int64_t epoch_ms, char buf[40])
{
	int64_t secs = epoch_ms >= 0 ? epoch_ms / 1000 : -((-epoch_ms + 999) / 1000);
	int ms = (int)(epoch_ms - secs * 1000);
	int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	int64_t rem = secs - days * 86400, y;
	int m, d;
	time_civil_from_days(days, &y, &m, &d);
	int n = snprintf(buf, 40, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d", y, m, d,
			 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	/* Python's isoformat(): microseconds (ours end in 000), omitted when zero. */
	if (ms)
		n += snprintf(buf + n, (size_t)(40 - n), ".%03d000", ms);
	snprintf(buf + n, (size_t)(40 - n), "+00:00");
}

/* ---- details members, botocore order ---- */

struct details_shape {
	const char *key;
	const char *members[8];
};

static const struct details_shape shapes[] = {
    {"stateEnteredEventDetails", {"name", "input", "inputDetails"}},
    {"stateExitedEventDetails",
     {"name", "output", "outputDetails", "assignedVariables", "assignedVariablesDetails"}},
    {"executionStartedEventDetails",
     {"input", "inputDetails", "roleArn", "stateMachineAliasArn", "stateMachineVersionArn"}},
    {"executionSucceededEventDetails", {"output", "outputDetails"}},
    {"executionRedrivenEventDetails", {"redriveCount"}},
    {"mapStateStartedEventDetails", {"length"}},
    {"mapIterationStartedEventDetails", {"name", "index"}},
    {"mapIterationSucceededEventDetails", {"name", "index"}},
    {"mapIterationFailedEventDetails", {"name", "index"}},
    {"mapIterationAbortedEventDetails", {"name", "index"}},
    {"mapRunStartedEventDetails", {"mapRunArn"}},
    {"mapRunRedrivenEventDetails", {"mapRunArn", "redriveCount"}},
    {"taskScheduledEventDetails",
     {"resourceType", "resource", "region", "parameters", "timeoutInSeconds", "heartbeatInSeconds",
      "taskCredentials"}},
    {"taskStartedEventDetails", {"resourceType", "resource"}},
    {"taskSubmittedEventDetails", {"resourceType", "resource", "output", "outputDetails"}},
    {"taskSucceededEventDetails", {"resourceType", "resource", "output", "outputDetails"}},
    {"taskStartFailedEventDetails", {"resourceType", "resource", "error", "cause"}},
    {"taskSubmitFailedEventDetails", {"resourceType", "resource", "error", "cause"}},
    {"taskFailedEventDetails", {"resourceType", "resource", "error", "cause"}},
    {"taskTimedOutEventDetails", {"resourceType", "resource", "error", "cause"}},
    {"lambdaFunctionScheduledEventDetails",
     {"resource", "input", "inputDetails", "timeoutInSeconds", "taskCredentials"}},
    {"lambdaFunctionSucceededEventDetails", {"output", "outputDetails"}},
    {"activityScheduledEventDetails",
     {"resource", "input", "inputDetails", "timeoutInSeconds", "heartbeatInSeconds"}},
    {"activityStartedEventDetails", {"workerName"}},
    {"activitySucceededEventDetails", {"output", "outputDetails"}},
    {"evaluationFailedEventDetails", {"error", "cause", "location", "state"}},
};

/* Members of failure details (error, cause) when no table entry matches. */
static const char *const error_members[8] = {"error", "cause"};

static const char *const *members_lookup(const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(shapes); i++)
		if (strcmp(shapes[i].key, key) == 0)
			return shapes[i].members;
	return error_members;
}

/* Keys come from ev_details_key, whose pointers are stable: a pointer-keyed memo saves the
 * string compares on every member of every event. */
static const char *const *members_of(const char *key)
{
	static struct {
		const char *key;
		const char *const *members;
	} memo[EV_TYPE_COUNT];
	static size_t memo_len;
	for (size_t i = 0; i < memo_len; i++)
		if (memo[i].key == key)
			return memo[i].members;
	const char *const *m = members_lookup(key);
	if (memo_len < ARRAY_LEN(memo)) {
		memo[memo_len].key = key;
		memo[memo_len++].members = m;
	}
	return m;
}

/* Which payload member a details object of this type carries, or NULL. */
static const char *payload_key(const char *details_key)
{
	const char *const *m = members_of(details_key);
	for (int i = 0; i < 8 && m[i]; i++)
		if (!strcmp(m[i], "input") || !strcmp(m[i], "output") ||
		    !strcmp(m[i], "parameters"))
			return m[i];
	return NULL;
}

static bool has_member(const char *details_key, const char *member)
{
	const char *const *m = members_of(details_key);
	for (int i = 0; i < 8 && m[i]; i++)
		if (strcmp(m[i], member) == 0)
			return true;
	return false;
}

const char *ev_json_payload_key(const char *details_key)
{
	return payload_key(details_key);
}

bool ev_json_has_member(const char *details_key, const char *member)
{
	return has_member(details_key, member);
}

/* ---- reading ---- */

static void warn(struct diags *diags, const char *file, const char *ptr, const char *member,
		 const char *msg, const char *detail)
{
	char *p = xasprintf("%s/%s", ptr ? ptr : "", member);
	diags_add(diags, DIAG_WARNING, "payload", file, 0, 0, p, "%s%s%s", msg, detail ? ": " : "",
		  detail ? detail : "");
	free(p);
}

/*
 * A payload string parsed into JSON; kept as text (marked raw) when it does not parse. With
 * `text` (lazy reading), text that surely parses is not parsed: the string itself is returned
 * and *text set.
 */
static json_t *read_payload(const json_t *str, json_t **extra, struct diags *diags,
			    const char *file, const char *ptr, const char *member, bool *text)
{
	if (text && ev_json_text_ok(json_string_value(str), json_string_length(str))) {
		*text = true;
		return json_incref((json_t *)str);
	}
	json_error_t err;
	json_t *v = json_loadb(json_string_value(str), json_string_length(str),
			       JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (v)
		return v;
	warn(diags, file, ptr, member, "payload is not valid JSON (kept as text)", err.text);
	if (!*extra)
		*extra = json_object();
	json_object_set_new(*extra, RAW_MARK, json_true());
	return json_deep_copy(str);
}

static bool is_untruncated(const json_t *v)
{
	return json_is_object(v) && json_object_size(v) == 1 &&
	       json_is_false(json_object_get(v, "truncated"));
}

/* Maps a typed member to its field; false when the member belongs in extra. */
static bool read_typed(struct ev_log *log, const char *key, const char *k, const json_t *v,
		       struct ev *out, struct ev_detail *d)
{
	bool evaluation = strcmp(key, "evaluationFailedEventDetails") == 0;
	if (json_is_integer(v) && strcmp(k, "index") == 0 && has_member(key, "index") &&
	    json_integer_value(v) >= 0 && json_integer_value(v) <= INT32_MAX) {
		out->item = (int32_t)json_integer_value(v);
		return true;
	}
	if (!json_is_string(v))
		return false;
	const char *s = json_string_value(v);
	ev_str_t *dst = NULL;
	if ((strcmp(k, "name") == 0 && has_member(key, "name")) ||
	    (strcmp(k, "state") == 0 && evaluation))
		dst = &out->state;
	else if (strcmp(k, "error") == 0)
		dst = &d->error;
	else if (strcmp(k, "cause") == 0)
		dst = &d->cause;
	else if (strcmp(k, "resourceType") == 0)
		dst = &d->resource_type;
	else if (strcmp(k, "resource") == 0)
		dst = &d->resource;
	if (!dst || *s == '\0')
		return false;
	*dst = ev_log_intern(log, s);
	return true;
}

static void read_details(struct ev_log *log, const char *key, const json_t *details, struct ev *out,
			 struct ev_detail *d, struct diags *diags, const char *file,
			 const char *ptr, bool *text)
{
	const char *pk = payload_key(key);
	const json_t *payload = pk ? json_object_get(details, pk) : NULL;
	/* The details' pointer, for warnings; on the stack in the usual case (one per event). */
	char buf[160], *dptr = buf;
	if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", ptr ? ptr : "", key) >= sizeof(buf))
		dptr = xasprintf("%s/%s", ptr ? ptr : "", key);
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)details, k, v)
	{
		if (read_typed(log, key, k, v, out, d))
			continue;
		if (pk && strcmp(k, pk) == 0 && json_is_string(v)) {
			out->payload = read_payload(v, &d->extra, diags, file, dptr, k, text);
			continue;
		}
		/* {"truncated": false} beside a payload is regenerated on output. */
		if (json_is_string(payload) && str_ends_with(k, "Details") &&
		    strncmp(k, pk, strlen(pk)) == 0 && is_untruncated(v))
			continue;
		/* Kept in extra (so exported back) and reported: the payload is incomplete. */
		if (str_ends_with(k, "Details") && json_is_true(json_object_get(v, "truncated")))
			warn(diags, file, dptr, k, "payload truncated by AWS (kept as recorded)",
			     NULL);
		if (!d->extra)
			d->extra = json_object();
		json_object_set(d->extra, k, v);
	}
	if (dptr != buf)
		free(dptr);
}

static bool member_error(struct diags *diags, const char *file, const char *ptr, const char *member,
			 const char *what)
{
	char *p = xasprintf("%s/%s", ptr ? ptr : "", member);
	diags_add(diags, DIAG_ERROR, "not-a-history-event", file, 0, 0, p, "%s", what);
	free(p);
	return false;
}

void ev_json_set_ids(struct ev *e, const struct ev_json_info *info)
{
	e->prev = info->prev >= INT32_MIN && info->prev <= INT32_MAX ? (int32_t)info->prev : 0;
}

/* `text`: NULL to parse payloads now, else lazy reading (ev_from_json_lazy). */
static bool from_json(struct ev_log *log, const json_t *obj, struct ev *out,
		      struct ev_json_info *info, struct diags *diags, const char *file,
		      const char *pointer, bool *text)
{
	if (!json_is_object(obj))
		return member_error(diags, file, pointer, "", "a history event must be an object");
	const json_t *type = json_object_get(obj, "type");
	const json_t *id = json_object_get(obj, "id");
	const json_t *prev = json_object_get(obj, "previousEventId");
	if (!json_is_string(type))
		return member_error(diags, file, pointer, "type",
				    "a history event needs a string \"type\"");
	if (!json_is_integer(id) || json_integer_value(id) < 1)
		return member_error(diags, file, pointer, "id",
				    "a history event needs a positive integer \"id\"");
	if (prev && !json_is_integer(prev) && !json_is_null(prev))
		return member_error(diags, file, pointer, "previousEventId",
				    "\"previousEventId\" must be an integer");
	struct ev e = {.item = -1};
	struct ev_detail d = {0};
	info->id = json_integer_value(id);
	info->prev = json_is_integer(prev) ? json_integer_value(prev) : 0;
	ev_json_set_ids(&e, info);
	e.type = ev_type_from_name(json_string_value(type));
	info->has_time = ev_time_parse(json_object_get(obj, "timestamp"), &info->epoch_ms);
	const char *k;
	json_t *v;
	if (e.type == EV_UNKNOWN) {
		d.raw_type = ev_log_intern(log, json_string_value(type));
		json_object_foreach((json_t *)obj, k, v)
		{
			if (!strcmp(k, "timestamp") || !strcmp(k, "type") || !strcmp(k, "id") ||
			    !strcmp(k, "previousEventId"))
				continue;
			if (!d.extra)
				d.extra = json_object();
			json_object_set(d.extra, k, v);
		}
	} else {
		const char *key = ev_details_key(e.type);
		const json_t *details = key ? json_object_get(obj, key) : NULL;
		if (json_is_object(details))
			read_details(log, key, details, &e, &d, diags, file, pointer, text);
	}
	e.detail = ev_log_detail(log, &d);
	json_decref(d.extra); /* the log holds its own */
	*out = e;
	return true;
}

bool ev_from_json(struct ev_log *log, const json_t *obj, struct ev *out, struct ev_json_info *info,
		  struct diags *diags, const char *file, const char *pointer)
{
	info->payload_text = false;
	return from_json(log, obj, out, info, diags, file, pointer, NULL);
}

bool ev_from_json_lazy(struct ev_log *log, const json_t *obj, struct ev *out,
		       struct ev_json_info *info, struct diags *diags, const char *file,
		       const char *pointer)
{
	info->payload_text = false;
	return from_json(log, obj, out, info, diags, file, pointer, &info->payload_text);
}

/* ---- writing ---- */

static void set_str(json_t *obj, const char *k, const struct ev_log *log, ev_str_t s)
{
	if (s)
		json_object_set_new(obj, k, json_string(ev_log_str(log, s)));
}

/* The payload as AWS stores it: a compact JSON text (an imported payload kept as text is
 * normalised the same way, so a re-export does not depend on how it was read), or the text it
 * was read as when it is not JSON (kept raw). */
static json_t *payload_string(const struct ev_log *log, const struct ev *e, int64_t id)
{
	if (!ev_is_recipe_ref(e->payload) &&
	    json_is_true(json_object_get(ev_extra(log, e), RAW_MARK)) && json_is_string(e->payload))
		return json_deep_copy(e->payload);
	json_t *v = ev_payload_new(log, e, id);
	char *text = doc_dumps_short(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(v);
	json_t *s = json_string(text ? text : "null");
	free(text);
	return s;
}

/* The typed field a member maps to, or NULL (index and payload are handled apart). */
static const ev_str_t *typed_field(const struct ev *e, const struct ev_detail *d, const char *m)
{
	if (!strcmp(m, "name") || !strcmp(m, "state"))
		return &e->state;
	if (!strcmp(m, "error"))
		return &d->error;
	if (!strcmp(m, "cause"))
		return &d->cause;
	if (!strcmp(m, "resourceType"))
		return &d->resource_type;
	if (!strcmp(m, "resource"))
		return &d->resource;
	return NULL;
}

static void write_member(const struct ev_log *log, const struct ev *e, int64_t id,
			 const struct ev_detail *ed, const char *key, const char *m, json_t *d)
{
	const char *pk = payload_key(key);
	const ev_str_t *typed = typed_field(e, ed, m);
	json_t *x = json_object_get(ed->extra, m);
	/* A typed field wins; extra holds what did not fit it (e.g. "" or a non-string). */
	if (typed && *typed)
		set_str(d, m, log, *typed);
	else if (!strcmp(m, "index") && e->item >= 0)
		json_object_set_new(d, m, json_integer(e->item));
	else if (pk && !strcmp(m, pk) && e->payload)
		json_object_set_new(d, m, payload_string(log, e, id));
	else if (x)
		json_object_set(d, m, x);
	else if (pk && e->payload && str_ends_with(m, "Details") && !strncmp(m, pk, strlen(pk)))
		json_object_set_new(d, m, json_pack("{s:b}", "truncated", 0));
}

json_t *ev_to_json(const struct ev_log *log, const struct ev *e, int64_t id, int64_t start_epoch_ms)
{
	json_t *obj = json_object();
	char stamp[40];
	ev_time_format(start_epoch_ms + e->t_ms, stamp);
	json_object_set_new(obj, "timestamp", json_string(stamp));
	struct ev_detail ed = ev_detail(log, e);
	const char *type = e->type == EV_UNKNOWN && ed.raw_type ? ev_log_str(log, ed.raw_type)
								: ev_type_name(e->type);
	json_object_set_new(obj, "type", json_string(type));
	json_object_set_new(obj, "id", json_integer(id));
	json_object_set_new(obj, "previousEventId", json_integer(e->prev));
	const char *key = ev_details_key(e->type);
	if (e->type == EV_UNKNOWN || !key) {
		if (e->type == EV_UNKNOWN && ed.extra)
			json_object_update(obj, ed.extra);
		return obj;
	}
	json_t *d = json_object();
	const char *const *members = members_of(key);
	for (int i = 0; i < 8 && members[i]; i++)
		write_member(log, e, id, &ed, key, members[i], d);
	const char *k;
	json_t *v;
	json_object_foreach(ed.extra, k, v)
	{
		if (!has_member(key, k) && !is_private(k))
			json_object_set(d, k, v);
	}
	json_object_set_new(obj, key, d);
	return obj;
}
