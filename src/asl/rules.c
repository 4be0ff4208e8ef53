/*
 * Validation of the structured parts of states: retriers and catchers (aws-facts b.6, b.7),
 * Wait's time fields (b.3), Task timeouts (b.4), Map processors and Distributed
 * Map configuration (b.1, b.2), payload templates.
 */
#include "asl/internal.h"

#include <stdlib.h>
#include <string.h>

static bool in_list(const char *key, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, list[i]) == 0)
			return true;
	return false;
}

void ck_known_keys(struct ck *c, json_t *obj, const char *ptr, const char *const *allowed,
		   const char *what)
{
	size_t n = 0;
	while (allowed[n])
		n++;
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		if (in_list(key, allowed, n))
			continue;
		char *p = pointer_join(ptr, key);
		const char *hint = str_suggest(key, allowed, n);
		if (hint)
			ck_report(c, DIAG_ERROR, p, true, "unknown-field",
				  "unknown field '%s' in %s (did you mean '%s'?)", key, what, hint);
		else
			ck_report(c, DIAG_ERROR, p, true, "unknown-field",
				  "unknown field '%s' in %s", key, what);
		free(p);
	}
}

void ck_intrinsic(struct ck *c, const char *ptr, const char *field, const char *expr)
{
	char *msg = NULL;
	size_t off = 0;
	if (!asl_syntax_intrinsic(expr, &msg, &off)) {
		ck_report_in_string(c, ptr, expr, off, "intrinsic-syntax",
				    "invalid intrinsic function '%s' in %s: %s", expr, field, msg);
		free(msg);
	}
}

/* ---- payload templates: every `key.$` holds a path or an intrinsic call ---- */
void ck_template(struct ck *c, json_t *tmpl, const char *ptr)
{
	if (json_is_array(tmpl)) {
		for (size_t i = 0; i < json_array_size(tmpl); i++) {
			char *p = xasprintf("%s/%zu", ptr, i);
			ck_template(c, json_array_get(tmpl, i), p);
			free(p);
		}
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach(tmpl, key, v)
	{
		char *p = pointer_join(ptr, key);
		size_t n = strlen(key);
		if (n < 2 || strcmp(key + n - 2, ".$") != 0) {
			ck_template(c, v, p);
		} else if (!json_is_string(v)) {
			ck_report(c, DIAG_ERROR, p, false, "field-type",
				  "'%s' must be a string holding a path or an intrinsic function",
				  key);
		} else {
			const char *s = json_string_value(v);
			if (strncmp(s, "States.", 7) == 0)
				ck_intrinsic(c, p, key, s);
			else
				ck_path(c, p, key, s, false);
		}
		free(p);
	}
}

/* ---- Task, Wait ---- */
void ck_task_timeouts(struct ck *c, json_t *st, const char *ptr)
{
	json_t *t = json_object_get(st, "TimeoutSeconds"),
	       *h = json_object_get(st, "HeartbeatSeconds");
	if (!json_is_integer(h))
		return;
	json_int_t timeout = json_is_integer(t) ? json_integer_value(t) : 99999999;
	if (json_integer_value(h) >= timeout) {
		char *p = pointer_join(ptr, "HeartbeatSeconds");
		ck_report(c, DIAG_ERROR, p, false, "heartbeat-timeout",
			  "HeartbeatSeconds (%lld) must be smaller than TimeoutSeconds (%lld)",
			  (long long)json_integer_value(h), (long long)timeout);
		free(p);
	}
}

void ck_wait(struct ck *c, json_t *st, const char *ptr)
{
	static const char *const keys[] = {"Seconds", "Timestamp", "SecondsPath", "TimestampPath"};
	const char *found[4];
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (json_object_get(st, keys[i]))
			found[n++] = keys[i];
	if (n == 0)
		ck_report(c, DIAG_ERROR, ptr, true, "wait-time",
			  "a Wait state needs one of Seconds, Timestamp, SecondsPath or "
			  "TimestampPath");
	else if (n > 1)
		ck_report(c, DIAG_ERROR, ptr, true, "wait-time",
			  "a Wait state takes exactly one of Seconds, Timestamp, SecondsPath or "
			  "TimestampPath, not both %s and %s",
			  found[0], found[1]);
}

/* ---- Map ---- */
static void check_enum(struct ck *c, json_t *obj, const char *ptr, const char *key,
		       const char *const *values, size_t n)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return;
	const char *s = json_string_value(v);
	if (s && in_list(s, values, n))
		return;
	char *p = pointer_join(ptr, key);
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < n; i++)
		sb_addf(&sb, "%s%s", i ? (i + 1 == n ? " or " : ", ") : "", values[i]);
	ck_report(c, DIAG_ERROR, p, false, "field-value", "%s must be %s", key, sb_str(&sb));
	sb_fini(&sb);
	free(p);
}

/* ResultWriter: "The ResultWriter field cannot be empty. You must specify one of these sets of
 * sub-fields": WriterConfig; Resource and Parameters; or all three; WriterConfig's
 * Transformation NONE | COMPACT | FLATTEN and OutputType JSON | JSONL.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html */
static void check_writer(struct ck *c, json_t *w, const char *ptr, bool jsonata)
{
	static const char *const keys[] = {"Transformation", "OutputType", NULL};
	static const char *const hows[] = {"NONE", "COMPACT", "FLATTEN"};
	static const char *const types[] = {"JSON", "JSONL"};
	bool res = json_object_get(w, "Resource") != NULL;
	/* Parameters in a JSONPath state, Arguments in a JSONata one (same page) */
	const char *want = jsonata ? "Arguments" : "Parameters";
	const char *other = jsonata ? "Parameters" : "Arguments";
	/* (the wrong one reported once, above, not again as missing) */
	bool params = json_object_get(w, want) || json_object_get(w, other);
	json_t *cfg = json_object_get(w, "WriterConfig");
	if (res != params)
		ck_report(c, DIAG_ERROR, ptr, true, "missing-field",
			  "ResultWriter needs Resource and %s together (with or without "
			  "WriterConfig)",
			  want);
	else if (!res && !cfg)
		ck_report(c, DIAG_ERROR, ptr, true, "missing-field",
			  "ResultWriter cannot be empty: give WriterConfig, Resource and %s, "
			  "or all three",
			  want);
	if (!cfg)
		return;
	char *p = pointer_join(ptr, "WriterConfig");
	if (!json_is_object(cfg)) {
		ck_report(c, DIAG_ERROR, p, false, "field-type", "WriterConfig must be an object");
	} else {
		ck_known_keys(c, cfg, p, keys, "WriterConfig");
		check_enum(c, cfg, p, "Transformation", hows, 3);
		check_enum(c, cfg, p, "OutputType", types, 2);
	}
	free(p);
}

/* ItemReader and ResultWriter take Parameters in a JSONPath state, Arguments in a JSONata
 * one (the simulator reads only the state's own): the other is reported. */
static void check_part_language(struct ck *c, json_t *obj, const char *ptr, const char *key,
				bool jsonata)
{
	const char *want = jsonata ? "Arguments" : "Parameters";
	const char *other = jsonata ? "Parameters" : "Arguments";
	if (!json_object_get(obj, other))
		return;
	char *q = pointer_join(ptr, other);
	ck_report(c, DIAG_ERROR, q, true, "jsonata-field", "a %s state's %s takes %s, not %s",
		  jsonata ? "JSONata" : "JSONPath", key, want, other);
	free(q);
}

static void check_map_parts(struct ck *c, json_t *st, const char *ptr, bool jsonata)
{
	static const char *const reader[] = {"Resource", "ReaderConfig", "Parameters", "Arguments",
					     NULL};
	static const char *const batcher[] = {
	    "MaxItemsPerBatch",		 "MaxItemsPerBatchPath", "MaxInputBytesPerBatch",
	    "MaxInputBytesPerBatchPath", "BatchInput",		 NULL};
	static const char *const writer[] = {"Resource", "Parameters", "Arguments", "WriterConfig",
					     NULL};
	static const struct {
		const char *key;
		const char *const *allowed;
	} parts[] = {{"ItemReader", reader}, {"ItemBatcher", batcher}, {"ResultWriter", writer}};
	for (size_t i = 0; i < ARRAY_LEN(parts); i++) {
		json_t *obj = json_object_get(st, parts[i].key);
		if (!json_is_object(obj))
			continue;
		char *p = pointer_join(ptr, parts[i].key);
		ck_known_keys(c, obj, p, parts[i].allowed, parts[i].key);
		if (parts[i].allowed != batcher)
			check_part_language(c, obj, p, parts[i].key, jsonata);
		if (parts[i].allowed == writer)
			check_writer(c, obj, p, jsonata);
		else if (parts[i].allowed != batcher && !json_object_get(obj, "Resource"))
			ck_report(c, DIAG_ERROR, p, true, "missing-field", "%s needs Resource",
				  parts[i].key);
		json_t *params = json_object_get(obj, "Parameters");
		if (params && !jsonata) {
			char *pp = pointer_join(p, "Parameters");
			ck_template(c, params, pp);
			free(pp);
		}
		free(p);
	}
}

void ck_map(struct ck *c, json_t *st, const char *ptr, bool jsonata)
{
	json_t *proc = json_object_get(st, "ItemProcessor");
	if (!proc && !json_object_get(st, "Iterator"))
		ck_report(c, DIAG_ERROR, ptr, true, "missing-processor",
			  "a Map state needs ItemProcessor (or the legacy Iterator)");
	json_t *cfg = json_object_get(proc, "ProcessorConfig");
	if (cfg) {
		char *p = xasprintf("%s/ItemProcessor/ProcessorConfig", ptr);
		static const char *const keys[] = {"Mode", "ExecutionType", NULL};
		static const char *const modes[] = {"INLINE", "DISTRIBUTED"};
		static const char *const types[] = {"STANDARD", "EXPRESS"};
		if (!json_is_object(cfg)) {
			ck_report(c, DIAG_ERROR, p, false, "field-type",
				  "ProcessorConfig must be an object");
		} else {
			ck_known_keys(c, cfg, p, keys, "ProcessorConfig");
			check_enum(c, cfg, p, "Mode", modes, 2);
			check_enum(c, cfg, p, "ExecutionType", types, 2);
		}
		free(p);
	}
	check_map_parts(c, st, ptr, jsonata);
}

/* ---- Retry and Catch ---- */
static void check_error_equals(struct ck *c, json_t *entry, const char *eptr, bool last,
			       const char *what)
{
	json_t *errs = json_object_get(entry, "ErrorEquals");
	char *p = pointer_join(eptr, "ErrorEquals");
	if (!errs) {
		ck_report(c, DIAG_ERROR, eptr, false, "missing-field", "a %s needs ErrorEquals",
			  what);
	} else if (!json_is_array(errs) || json_array_size(errs) == 0) {
		ck_report(c, DIAG_ERROR, p, false, "empty-error-equals",
			  "ErrorEquals must be a non-empty array of error names");
	} else {
		for (size_t i = 0; i < json_array_size(errs); i++) {
			json_t *e = json_array_get(errs, i);
			char *ep = xasprintf("%s/%zu", p, i);
			if (!json_is_string(e))
				ck_report(c, DIAG_ERROR, ep, false, "field-type",
					  "error names must be strings");
			else if (strcmp(json_string_value(e), "States.ALL") == 0 &&
				 json_array_size(errs) > 1)
				ck_report(c, DIAG_ERROR, ep, false, "states-all",
					  "States.ALL must be the only error name in its "
					  "ErrorEquals");
			else if (strcmp(json_string_value(e), "States.ALL") == 0 && !last)
				ck_report(c, DIAG_ERROR, ep, false, "states-all",
					  "a %s with States.ALL must be the last one", what);
			free(ep);
		}
	}
	free(p);
}

static void check_number(struct ck *c, json_t *r, const char *rptr, const char *key, double lo,
			 double hi, bool integer)
{
	json_t *v = json_object_get(r, key);
	if (!v)
		return;
	char *p = pointer_join(rptr, key);
	if (integer ? !json_is_integer(v) : !json_is_number(v))
		ck_report(c, DIAG_ERROR, p, false, "field-type", "%s must be %s", key,
			  integer ? "an integer" : "a number");
	else if (json_number_value(v) < lo && hi > 1e299)
		ck_report(c, DIAG_ERROR, p, false, "out-of-range", "%s must be at least %g, not %g",
			  key, lo, json_number_value(v));
	else if (json_number_value(v) < lo || json_number_value(v) > hi)
		ck_report(c, DIAG_ERROR, p, false, "out-of-range",
			  "%s must be between %.0f and %.0f, not %lld", key, lo, hi,
			  (long long)json_integer_value(v)); /* only integer fields have a max */
	free(p);
}

/* Calls fn on each object entry of st[key] with its pointer and whether it is the last. */
static void each_entry(struct ck *c, json_t *st, const char *ptr, const char *key,
		       void (*fn)(struct ck *, json_t *, const char *, bool, bool), bool jsonata)
{
	json_t *arr = json_object_get(st, key);
	for (size_t i = 0; json_is_array(arr) && i < json_array_size(arr); i++) {
		char *p = xasprintf("%s/%s/%zu", ptr, key, i);
		json_t *e = json_array_get(arr, i);
		if (json_is_object(e))
			fn(c, e, p, i + 1 == json_array_size(arr), jsonata);
		else
			ck_report(c, DIAG_ERROR, p, false, "field-type",
				  "each %s entry must be an object", key);
		free(p);
	}
}

static void check_retrier(struct ck *c, json_t *r, const char *p, bool last, bool jsonata)
{
	static const char *const keys[] = {
	    "ErrorEquals",     "IntervalSeconds", "MaxAttempts", "BackoffRate",
	    "MaxDelaySeconds", "JitterStrategy",  "Comment",	 NULL};
	static const char *const jitter[] = {"FULL", "NONE"};
	ck_known_keys(c, r, p, keys, "a retrier");
	check_error_equals(c, r, p, last, "retrier");
	check_number(c, r, p, "IntervalSeconds", 1, 99999999, true);
	check_number(c, r, p, "MaxAttempts", 0, 99999999, true);
	check_number(c, r, p, "BackoffRate", 1, 1e300, false);
	check_number(c, r, p, "MaxDelaySeconds", 1, 31622400, true);
	check_enum(c, r, p, "JitterStrategy", jitter, 2);
	(void)jsonata;
}

static void check_catcher(struct ck *c, json_t *r, const char *p, bool last, bool jsonata)
{
	static const char *const path_keys[] = {"ErrorEquals", "Next",	  "ResultPath",
						"Assign",      "Comment", NULL};
	static const char *const ata_keys[] = {"ErrorEquals", "Next",	 "Output",
					       "Assign",      "Comment", NULL};
	ck_known_keys(c, r, p, jsonata ? ata_keys : path_keys, "a catcher");
	check_error_equals(c, r, p, last, "catcher");
	json_t *next = json_object_get(r, "Next");
	if (!next)
		ck_report(c, DIAG_ERROR, p, false, "missing-field", "a catcher needs Next");
	else if (!json_is_string(next)) {
		char *np = pointer_join(p, "Next");
		ck_report(c, DIAG_ERROR, np, false, "field-type", "Next must be a string");
		free(np);
	}
	json_t *rp = json_object_get(r, "ResultPath");
	if (rp && !jsonata && !json_is_null(rp)) {
		char *rpp = pointer_join(p, "ResultPath");
		if (json_is_string(rp))
			ck_path(c, rpp, "ResultPath", json_string_value(rp), true);
		else
			ck_report(c, DIAG_ERROR, rpp, false, "field-type",
				  "ResultPath must be a string or null");
		free(rpp);
	}
}

void ck_retry(struct ck *c, json_t *st, const char *ptr, bool jsonata)
{
	each_entry(c, st, ptr, "Retry", check_retrier, jsonata);
}

void ck_catch(struct ck *c, json_t *st, const char *ptr, bool jsonata)
{
	each_entry(c, st, ptr, "Catch", check_catcher, jsonata);
}
