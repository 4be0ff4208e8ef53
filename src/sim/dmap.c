/*
 * Distributed Map (aws-facts b.2): items from an ItemReader (a local file stands in for S3),
 * ItemBatcher, the tolerated-failure threshold, and the Map Run identity. Each item or batch
 * runs as a child execution whose events are its own history, not the parent's: the parent
 * log shows only MapStateStarted, MapRunStarted and MapRunSucceeded|Failed|Aborted.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "items/items.h"

/* The file an ItemReader reads: --items when given, else "<Bucket>/<Key>" on disk. */
static char *reader_path(struct sim_engine *e, json_t *params)
{
	if (e->opt.items_file)
		return xstrdup(e->opt.items_file);
	const char *bucket = json_string_value(json_object_get(params, "Bucket"));
	const char *key = json_string_value(json_object_get(params, "Key"));
	if (!bucket || !key)
		return NULL;
	return xasprintf("%s/%s", bucket, key);
}

/* CSVDelimiter's character: COMMA (the default), PIPE, SEMICOLON, SPACE, TAB; 0 for any other.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html */
static char csv_delimiter(const char *name)
{
	static const struct {
		const char *name;
		char c;
	} names[] = {
	    {"COMMA", ','}, {"PIPE", '|'}, {"SEMICOLON", ';'}, {"SPACE", ' '}, {"TAB", '\t'}};
	if (!name)
		return ',';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].name))
			return names[i].c;
	return 0;
}

/* The S3 stand-in object's bytes (owned, *len of them), or NULL with *why (the reader's
 * failure cause, owned). */
static char *read_object(const char *path, size_t *len, char **why)
{
	char *err = NULL;
	char *text = file_read_all(path, len, &err);
	if (!text) {
		*why = xasprintf("Cannot read %s", err); /* err names the file */
		free(err);
	}
	return text;
}

static json_t *csv_items(const char *path, json_t *cfg, char **why)
{
	const char *dname = json_string_value(json_object_get(cfg, "CSVDelimiter"));
	char delim = csv_delimiter(dname);
	if (!delim) {
		*why = xasprintf("CSVDelimiter %s is not one of COMMA, PIPE, SEMICOLON, SPACE, TAB",
				 dname);
		return NULL;
	}
	size_t len;
	char *text = read_object(path, &len, why);
	if (!text)
		return NULL;
	const char *loc = json_string_value(json_object_get(cfg, "CSVHeaderLocation"));
	json_t *given = loc && !strcmp(loc, "GIVEN") ? json_object_get(cfg, "CSVHeaders") : NULL;
	struct diags d;
	diags_init(&d);
	json_t *items = items_load_csv_reader(path, text, len, delim, given, &d);
	free(text);
	/* AWS's own wording for the one reader error recorded (corpus dmap-itemreader-...). */
	if (!items && d.list.len && strstr(d.list.items[0].message, "cannot contain duplicates"))
		*why = xstrdup("CSV headers cannot contain duplicates.");
	else if (!items)
		*why = xstrdup(d.list.len ? d.list.items[0].message : "invalid CSV");
	diags_fini(&d);
	return items;
}

/* InputType JSON from the S3 stand-in: the object's text is a plain JSON array, read as it
 * is (no DynamoDB JSON detection: an object is not iterable on AWS). Another value fails the
 * reader with AWS's cause (localstack resource_output_transformer_json.py). */
static json_t *json_file_items(const char *path, char **why)
{
	size_t len;
	char *text = read_object(path, &len, why);
	if (!text)
		return NULL;
	json_error_t jerr;
	json_t *v = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
	free(text);
	if (!v) {
		*why = xasprintf("%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_array(v)) {
		json_decref(v);
		*why = xstrdup("Attempting to map over non-iterable node.");
		return NULL;
	}
	return v;
}

bool sim_path_integer(json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	const char *s = json_string_value(v);
	if (!s)
		return false;
	/* Integer.parseInt: an optional sign, then decimal digits only, within 32 bits (leading
	 * zeros do not count: "00000000001" is 1). */
	const char *d = s + (*s == '+' || *s == '-');
	if (!*d || strspn(d, "0123456789") != strlen(d))
		return false;
	while (d[0] == '0' && d[1])
		d++;
	if (strlen(d) > 10)
		return false;
	long long n = strtoll(s, NULL, 10);
	if (n < INT32_MIN || n > INT32_MAX)
		return false;
	*out = n;
	return true;
}

bool sim_path_number(json_t *v, double *out)
{
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return true;
	}
	const char *s = json_string_value(v);
	/* A plain decimal (sign, digits, point, exponent): no spaces, hex, NaN or infinity. */
	if (!s || !*s || strspn(s, "+-0123456789.eE") != strlen(s))
		return false;
	char *end;
	double d = strtod(s, &end);
	if (*end || !isfinite(d))
		return false;
	*out = d;
	return true;
}

/* ReaderConfig's MaxItems, or MaxItemsPath's value in the effective input: 0 for no limit
 * (also MaxItems 0), -1 after *why. A negative value fails the Map Run with
 * States.ItemReaderFailed "field MaxItems must be positive" (localstack max_items_decl.py,
 * whose comment says AWS checks it at this point). */
static int64_t max_items(json_t *cfg, json_t *eff, const struct flow_env *env, char **why)
{
	json_t *path = json_object_get(cfg, "MaxItemsPath");
	if (!json_is_string(path)) {
		json_t *max = json_object_get(cfg, "MaxItems");
		return json_is_integer(max) && json_integer_value(max) > 0 ? json_integer_value(max)
									   : 0;
	}
	struct flow_error err = {0};
	json_t *v = flow_select(eff, json_string_value(path), env, &err);
	int64_t n = -1, got = 0;
	if (!v) {
		*why = xstrdup(err.cause ? err.cause : "invalid MaxItemsPath");
	} else if (!sim_path_integer(v, &got)) {
		char *shown = json_is_string(v) ? xstrdup(json_string_value(v)) : flow_json_text(v);
		*why = xasprintf("The MaxItemsPath field refers to value '%s' which is not a valid "
				 "integer: %s",
				 shown, json_string_value(path));
		free(shown);
	} else if (got < 0) {
		*why = xstrdup("field MaxItems must be positive");
	} else {
		n = got;
	}
	flow_error_fini(&err);
	json_decref(v);
	return n;
}

/* s3:listObjectsV2: the objects of <Bucket> under Prefix, then MaxItems. */
static json_t *list_items(json_t *reader, json_t *params, json_t *eff, const struct flow_env *env,
			  char **why)
{
	const char *bucket = json_string_value(json_object_get(params, "Bucket"));
	if (!bucket) {
		*why = xstrdup("ItemReader Parameters need Bucket");
		return NULL;
	}
	int64_t max = max_items(json_object_get(reader, "ReaderConfig"), eff, env, why);
	if (max < 0)
		return NULL;
	const char *prefix = json_string_value(json_object_get(params, "Prefix"));
	return sim_dmap_list_objects(bucket, prefix, max, why);
}

json_t *sim_dmap_read_items(struct sim_engine *e, json_t *reader, json_t *eff,
			    const struct flow_env *env, char **why)
{
	struct flow_error err = {0};
	json_t *tmpl = json_object_get(reader, "Parameters");
	json_t *params = tmpl ? flow_template(tmpl, eff, env, &err) : json_object();
	if (!params) {
		*why = xstrdup(err.cause ? err.cause : "invalid ItemReader Parameters");
		flow_error_fini(&err);
		return NULL;
	}
	const char *res = json_string_value(json_object_get(reader, "Resource"));
	if (!e->opt.items_file && res && strstr(res, ":s3:listObjectsV2")) {
		json_t *items = list_items(reader, params, eff, env, why);
		json_decref(params);
		return items;
	}
	char *path = reader_path(e, params);
	json_decref(params);
	if (!path) {
		*why = xstrdup("ItemReader Parameters need Bucket and Key");
		return NULL;
	}
	json_t *cfg = json_object_get(reader, "ReaderConfig");
	int64_t max = max_items(cfg, eff, env, why);
	if (max < 0) {
		free(path);
		return NULL;
	}
	const char *type = json_string_value(json_object_get(cfg, "InputType"));
	json_t *items = NULL;
	if (type && strcmp(type, "CSV") == 0) {
		items = csv_items(path, cfg, why);
	} else if (!e->opt.items_file && (!type || !strcmp(type, "JSON"))) {
		items = json_file_items(path, why);
	} else {
		struct diags d;
		diags_init(&d);
		enum items_format f = type && strcmp(type, "JSONL") == 0 ? ITEMS_JSONL : ITEMS_JSON;
		items = items_load(path, f, NULL, &d);
		if (!items)
			*why = xstrdup(d.list.len ? d.list.items[0].message : "cannot read items");
		diags_fini(&d);
	}
	free(path);
	if (items && max > 0) {
		size_t n = (size_t)max;
		while (json_array_size(items) > n)
			json_array_remove(items, json_array_size(items) - 1);
	}
	return items;
}

/* A MaxItemsPerBatch-like field or its ...Path form in the effective input; 0 when absent, -1
 * with *err (States.ItemReaderFailed) for a path that fails or a value that is not a
 * non-negative integer, worded as MaxItemsPath's failures are (max_items). */
static int64_t batch_limit(json_t *batcher, json_t *eff, const struct flow_env *env,
			   const char *field, struct flow_error *err)
{
	char path_field[64];
	snprintf(path_field, sizeof(path_field), "%sPath", field);
	json_t *pp = json_object_get(batcher, path_field);
	if (!json_is_string(pp))
		return json_integer_value(json_object_get(batcher, field));
	struct flow_error perr = {0};
	json_t *v = flow_select(eff, json_string_value(pp), env, &perr);
	int64_t n = -1;
	if (!v) {
		flow_error_set(err, "States.ItemReaderFailed", "%s",
			       perr.cause ? perr.cause : "invalid path");
	} else if (!json_is_integer(v)) {
		char *shown = json_is_string(v) ? xstrdup(json_string_value(v)) : flow_json_text(v);
		flow_error_set(err, "States.ItemReaderFailed",
			       "The %s field refers to value '%s' which is not a valid integer: %s",
			       path_field, shown, json_string_value(pp));
		free(shown);
	} else if (json_integer_value(v) < 0) {
		flow_error_set(err, "States.ItemReaderFailed", "field %s must be positive", field);
	} else {
		n = json_integer_value(v);
	}
	json_decref(v);
	flow_error_fini(&perr);
	return n;
}

/* ItemBatcher: groups of MaxItemsPerBatch (and MaxInputBytesPerBatch) items, each
 * {"Items": [...]} plus BatchInput, a payload template ("key.$" paths into the Map's effective
 * input). https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html */
json_t *sim_dmap_batches(json_t *items, json_t *batcher, json_t *eff, const struct flow_env *env,
			 struct flow_error *err)
{
	int64_t per = batch_limit(batcher, eff, env, "MaxItemsPerBatch", err);
	int64_t max_bytes =
	    per < 0 ? -1 : batch_limit(batcher, eff, env, "MaxInputBytesPerBatch", err);
	if (max_bytes < 0)
		return NULL;
	json_t *tmpl = json_object_get(batcher, "BatchInput");
	json_t *batch_input = tmpl ? flow_template(tmpl, eff, env, err) : NULL;
	if (tmpl && !batch_input)
		return NULL;
	json_t *out = json_array();
	json_t *cur = NULL;
	size_t bytes = 0;
	json_t *item;
	size_t i;
	json_array_foreach(items, i, item)
	{
		size_t sz =
		    max_bytes > 0 ? json_dumpb(item, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY) : 0;
		bool full = cur && ((per > 0 && (int64_t)json_array_size(cur) >= per) ||
				    (max_bytes > 0 && (int64_t)(bytes + sz) > max_bytes));
		if (!cur || full) {
			cur = json_array();
			json_t *b = json_pack("{s:o}", "Items", cur);
			if (batch_input)
				json_object_set(b, "BatchInput", batch_input);
			json_array_append_new(out, b);
			bytes = 0;
		}
		json_array_append(cur, item);
		bytes += sz;
	}
	json_decref(batch_input);
	return out;
}

bool sim_dmap_tolerated(json_t *count, json_t *pct, size_t failed, size_t total)
{
	bool has_c = json_is_number(count), has_p = json_is_number(pct);
	if (!has_c && !has_p)
		return failed == 0; /* no tolerance: any failure ends the Map Run */
	return (has_c && (double)failed <= json_number_value(count)) ||
	       (has_p && total && 100.0 * (double)failed / (double)total <= json_number_value(pct));
}

/* The value as AWS quotes it in these causes: a string's text, anything else as JSON
 * ("{}"; localstack test_base_scenarios.snapshot.json, test_map_state_tolerated_*). */
static char *quoted_value(json_t *v)
{
	return json_is_string(v) ? xstrdup(json_string_value(v)) : flow_json_text(v);
}

/* One tolerance, from its *Path when it has one: NULL and *value (owned, NULL = none) when
 * fine, else the problem (owned). Recorded on AWS (localstack
 * test_base_scenarios.snapshot.json, test_map_state_tolerated_failure_count_path[...] and
 * ..._percentage_path[...], 2024-06-19). */
static char *tolerance_value(json_t *sj, json_t *eff, const struct flow_env *env, bool count,
			     json_t **value)
{
	const char *field = count ? "ToleratedFailureCountPath" : "ToleratedFailurePercentagePath";
	json_t *path = json_object_get(sj, field);
	if (!json_is_string(path)) {
		*value = json_incref(json_object_get(sj, count ? "ToleratedFailureCount"
							       : "ToleratedFailurePercentage"));
		return NULL;
	}
	struct flow_error err = {0};
	json_t *v = flow_select(eff, json_string_value(path), env, &err);
	if (!v) {
		char *why = xstrdup(err.cause ? err.cause : "");
		flow_error_fini(&err);
		return why;
	}
	char *why = NULL;
	int64_t n = 0;
	double d = 0;
	if (count ? !sim_path_integer(v, &n) : !sim_path_number(v, &d)) {
		char *shown = quoted_value(v);
		why = xasprintf("The %s field refers to value \"%s\" which is not a valid %s: %s",
				field, shown, count ? "integer" : "float", json_string_value(path));
		free(shown);
	} else if (count && n < 0) {
		why = xstrdup("ToleratedFailureCount cannot be negative.");
	} else if (!count && (d < 0 || d > 100)) {
		why = xstrdup("ToleratedFailurePercentage must be between 0 and 100.");
	}
	/* The value as a number ("1" read as 1): what the threshold check compares with. */
	if (!why && json_is_string(v))
		*value = count ? json_integer(n) : json_real(d);
	else if (!why)
		*value = json_incref(v);
	json_decref(v);
	return why;
}

char *sim_dmap_tolerance(const struct asl_state *st, json_t *eff, const struct flow_env *env,
			 json_t **count, json_t **pct)
{
	*count = *pct = NULL;
	char *why = tolerance_value(st->json, eff, env, true, count);
	if (!why)
		why = tolerance_value(st->json, eff, env, false, pct);
	if (why) {
		json_decref(*count);
		*count = NULL;
	}
	return why;
}

char *sim_dmap_run_arn(struct sim_engine *e, const struct asl_state *st)
{
	char id[40];
	sim_uuid(&e->rng_ids, id);
	const char *label = json_string_value(json_object_get(st->json, "Label"));
	return xasprintf("arn:aws:states:%s:123456789012:mapRun:%s/%s:%s", e->region, e->sm_name,
			 label ? label : st->name, id);
}
