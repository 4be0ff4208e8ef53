/*
 * Composite values: duration models, cold starts, injected errors, argv lists, free JSON,
 * and the number and timestamp syntax they share. Each loader writes its field only when the
 * whole value is valid, so a bad value keeps the default.
 */
#include "config/internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MS 86400000.0 /* one day: more is surely a typo */

bool cfg_parse_int(const char *s, int64_t *out)
{
	const char *p = s + (*s == '-' || *s == '+');
	if (!*p)
		return false;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return false;
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	if (errno)
		return false;
	*out = v;
	return true;
}

bool cfg_parse_number(const char *s, double *out)
{
	if (!*s || strspn(s, "0123456789+-.eE") != strlen(s))
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno || !isfinite(v))
		return false;
	*out = v;
	return true;
}

bool cfg_parse_time(const char *s, int64_t *epoch_ms)
{
	struct instant t;
	if (!time_parse(s, TIME_LOWERCASE, &t))
		return false;
	*epoch_ms = instant_ms(t);
	return true;
}

/* A number field `name` of mapping `map`; false (after an error) when present but bad. */
static bool num_field(struct cfg_ctx *c, const char *path, int map, const char *name, double min,
		      double max, double *out)
{
	int id = cfg_map_get(c, map, name);
	if (!id)
		return true;
	yaml_node_t *n = cfg_node(c, id);
	double v;
	if (!cfg_scalar_plain(n) || !cfg_parse_number(cfg_scalar(n), &v)) {
		char *got = cfg_describe(c, id);
		cfg_error(c, id, "type", "%s.%s must be a number, got %s", path, name, got);
		free(got);
		return false;
	}
	if (v < min || v > max) {
		cfg_error(c, id, "range", "%s.%s must be between %g and %g, got %s", path, name,
			  min, max, cfg_scalar(n));
		return false;
	}
	*out = v;
	return true;
}

static bool need(struct cfg_ctx *c, const char *path, int map, const char *model, const char *name)
{
	if (cfg_map_get(c, map, name))
		return true;
	cfg_error(c, map, "missing-key", "%s: the %s model needs '%s'", path, model, name);
	return false;
}

static bool is_mapping(struct cfg_ctx *c, const char *path, int id, const char *example)
{
	if (cfg_node(c, id)->type == YAML_MAPPING_NODE)
		return true;
	char *got = cfg_describe(c, id);
	cfg_error(c, id, "type", "%s must be a mapping like %s, got %s", path, example, got);
	free(got);
	return false;
}

static const char *const models[] = {"fixed", "uniform", "normal", "lognormal"};
static const char *const model_keys[][3] = {
    {"model", "ms", NULL},
    {"model", "minMs", "maxMs"},
    {"model", "meanMs", "stddevMs"},
    {"model", "medianMs", "p99Ms"},
};

static int duration_model(struct cfg_ctx *c, const char *path, int map)
{
	int id = cfg_map_get(c, map, "model");
	if (!id) {
		cfg_error(c, map, "missing-key",
			  "%s needs 'model' (fixed, uniform, normal or lognormal)", path);
		return -1;
	}
	yaml_node_t *n = cfg_node(c, id);
	const char *v = n->type == YAML_SCALAR_NODE ? cfg_scalar(n) : "";
	for (int i = 0; i < 4; i++)
		if (!strcmp(v, models[i]))
			return i;
	const char *hint = str_suggest(v, models, 4);
	if (hint)
		cfg_error(c, id, "enum", "%s.model '%s' is not a model; did you mean '%s'?", path,
			  v, hint);
	else
		cfg_error(c, id, "enum",
			  "%s.model '%s' is not a model (fixed, uniform, normal or lognormal)",
			  path, v);
	return -1;
}

void cfg_load_duration(struct cfg_ctx *c, const char *path, int id, struct cfg_duration *d)
{
	yaml_node_t *n = cfg_node(c, id);
	double v;
	if (cfg_scalar_plain(n) && cfg_parse_number(cfg_scalar(n), &v)) {
		if (v < 0 || v > MAX_MS)
			cfg_error(c, id, "range", "%s must be between 0 and %.0f ms, got %s", path,
				  MAX_MS, cfg_scalar(n));
		else
			*d = (struct cfg_duration){.model = CFG_DUR_FIXED, .ms = v};
		return;
	}
	if (!is_mapping(c, path, id, "{model: fixed, ms: 100}"))
		return;
	int m = duration_model(c, path, id);
	if (m < 0)
		return;
	size_t before = c->diags->errors;
	cfg_check_keys(c, id, path, model_keys[m], model_keys[m][2] ? 3 : 2);
	struct cfg_duration r = {.model = (enum cfg_duration_model)m};
	const char *const *k = model_keys[m];
	double *a[][2] = {{&r.ms, NULL},
			  {&r.min_ms, &r.max_ms},
			  {&r.mean_ms, &r.stddev_ms},
			  {&r.median_ms, &r.p99_ms}};
	for (int i = 0; i < 2 && k[i + 1]; i++)
		if (need(c, path, id, models[m], k[i + 1]))
			num_field(c, path, id, k[i + 1], 0, MAX_MS, a[m][i]);
	if (c->diags->errors != before)
		return;
	if (m == CFG_DUR_UNIFORM && r.min_ms > r.max_ms)
		cfg_error(c, cfg_map_get(c, id, "maxMs"), "range",
			  "%s.maxMs must be at least minMs (%g)", path, r.min_ms);
	else if (m == CFG_DUR_LOGNORMAL && r.median_ms <= 0)
		cfg_error(c, cfg_map_get(c, id, "medianMs"), "range",
			  "%s.medianMs must be greater than 0", path);
	else if (m == CFG_DUR_LOGNORMAL && r.p99_ms < r.median_ms)
		cfg_error(c, cfg_map_get(c, id, "p99Ms"), "range",
			  "%s.p99Ms must be at least medianMs (%g)", path, r.median_ms);
	else
		*d = r;
}

static bool bool_field(struct cfg_ctx *c, const char *path, int map, const char *name, bool *out)
{
	int id = cfg_map_get(c, map, name);
	if (!id)
		return true;
	yaml_node_t *n = cfg_node(c, id);
	const char *v = cfg_scalar_plain(n) ? cfg_scalar(n) : "";
	if (!strcmp(v, "true") || !strcmp(v, "false")) {
		*out = !strcmp(v, "true");
		return true;
	}
	char *got = cfg_describe(c, id);
	cfg_error(c, id, "type", "%s.%s must be true or false, got %s", path, name, got);
	free(got);
	return false;
}

void cfg_load_cold(struct cfg_ctx *c, const char *path, int id, struct cfg_cold_start *cs)
{
	static const char *const keys[] = {"probability", "firstInvocationPerInstance", "initMs"};
	if (!is_mapping(c, path, id, "{probability: 0.1, initMs: 250}"))
		return;
	size_t before = c->diags->errors;
	cfg_check_keys(c, id, path, keys, 3);
	struct cfg_cold_start r = {.mode = CFG_COLD_NONE, .init_ms = 250};
	bool first = false;
	num_field(c, path, id, "initMs", 0, 900000, &r.init_ms);
	bool_field(c, path, id, "firstInvocationPerInstance", &first);
	if (num_field(c, path, id, "probability", 0, 1, &r.probability) &&
	    cfg_map_get(c, id, "probability"))
		r.mode = CFG_COLD_PROBABILITY;
	if (first && r.mode == CFG_COLD_PROBABILITY)
		cfg_error(c, id, "conflict",
			  "%s: give either probability or firstInvocationPerInstance, not both",
			  path);
	else if (first)
		r.mode = CFG_COLD_FIRST_PER_INSTANCE;
	if (c->diags->errors == before)
		*cs = r;
}

static bool string_field(struct cfg_ctx *c, const char *path, int map, const char *name, size_t max,
			 char **out)
{
	int id = cfg_map_get(c, map, name);
	if (!id)
		return true;
	yaml_node_t *n = cfg_node(c, id);
	if (n->type != YAML_SCALAR_NODE || cfg_scalar_is_null(n) || !*cfg_scalar(n) ||
	    strlen(cfg_scalar(n)) > max) {
		char *got = cfg_describe(c, id);
		cfg_error(c, id, "type", "%s.%s must be a string of 1 to %zu characters, got %s",
			  path, name, max, got);
		free(got);
		return false;
	}
	*out = xstrdup(cfg_scalar(n));
	return true;
}

/* "N" or "N-M" (inclusive, 0-based), as in Step Functions Local's mocked responses. */
static bool parse_range(const char *s, int64_t *first, int64_t *last)
{
	const char *dash = strchr(s, '-');
	char *a = dash ? xstrndup(s, (size_t)(dash - s)) : xstrdup(s);
	bool ok = cfg_parse_int(a, first) && *a != '-' && *a != '+';
	*last = *first;
	if (ok && dash)
		ok = cfg_parse_int(dash + 1, last) && dash[1] != '-' && dash[1] != '+';
	free(a);
	return ok && *first >= 0 && *last >= *first;
}

void cfg_load_errors(struct cfg_ctx *c, const char *path, int id, struct cfg_errors *e)
{
	static const char *const keys[] = {"rate", "invocations", "error", "cause"};
	if (!is_mapping(c, path, id, "{rate: 0.1, error: Exception}"))
		return;
	size_t before = c->diags->errors;
	cfg_check_keys(c, id, path, keys, 4);
	struct cfg_errors r = {.mode = CFG_ERR_NONE};
	int rate = cfg_map_get(c, id, "rate"), inv = cfg_map_get(c, id, "invocations");
	if (num_field(c, path, id, "rate", 0, 1, &r.rate) && rate)
		r.mode = CFG_ERR_RATE;
	if (inv) {
		yaml_node_t *n = cfg_node(c, inv);
		if (n->type != YAML_SCALAR_NODE || !parse_range(cfg_scalar(n), &r.first, &r.last))
			cfg_error(c, inv, "type",
				  "%s.invocations must be an invocation number or range like "
				  "\"2-3\" (counting from 0), got %s",
				  path,
				  n->type == YAML_SCALAR_NODE ? cfg_scalar(n) : "a collection");
		else if (rate)
			cfg_error(c, inv, "conflict",
				  "%s: give either rate or invocations, not both", path);
		r.mode = CFG_ERR_INVOCATIONS;
	}
	string_field(c, path, id, "error", 256, &r.error);
	string_field(c, path, id, "cause", 32768, &r.cause);
	if (r.mode == CFG_ERR_NONE && (r.error || r.cause))
		cfg_error(c, id, "missing-key", "%s needs 'rate' or 'invocations'", path);
	if (!r.error)
		r.error = xstrdup("Exception");
	if (c->diags->errors != before) {
		cfg_errors_fini(&r);
		return;
	}
	cfg_errors_fini(e);
	*e = r;
}

void cfg_load_argv(struct cfg_ctx *c, const char *path, int id, struct cfg_argv *a)
{
	yaml_node_t *n = cfg_node(c, id);
	if (n->type != YAML_SEQUENCE_NODE ||
	    n->data.sequence.items.top == n->data.sequence.items.start) {
		char *got = cfg_describe(c, id);
		cfg_error(c, id, "type",
			  "%s must be a non-empty list of arguments like [python3, handler.py] "
			  "(it runs without a shell), got %s",
			  path, got);
		free(got);
		return;
	}
	size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	struct cfg_argv r = {.argv = xcalloc(count + 1, sizeof(char *)), .argc = count};
	bool ok = true;
	for (size_t i = 0; i < count; i++) {
		int item = cfg_node(c, id)->data.sequence.items.start[i];
		yaml_node_t *in = cfg_node(c, item);
		if (in->type != YAML_SCALAR_NODE || cfg_scalar_is_null(in)) {
			char *got = cfg_describe(c, item);
			cfg_error(c, item, "type", "%s[%zu] must be a string, got %s", path, i,
				  got);
			free(got);
			ok = false;
			continue;
		}
		r.argv[i] = xstrdup(cfg_scalar(in));
	}
	if (!ok) {
		cfg_argv_fini(&r);
		return;
	}
	cfg_argv_fini(a);
	*a = r;
}

static json_t *scalar_json(yaml_node_t *n)
{
	const char *v = cfg_scalar(n);
	if (!cfg_scalar_plain(n))
		return json_string(v);
	int64_t i;
	double d;
	if (cfg_scalar_is_null(n))
		return json_null();
	if (!strcmp(v, "true") || !strcmp(v, "false"))
		return json_boolean(!strcmp(v, "true"));
	if (cfg_parse_int(v, &i))
		return json_integer(i);
	if (cfg_parse_number(v, &d))
		return json_real(d);
	return json_string(v);
}

/* Aliases can make a YAML graph cyclic or exponentially large (billion laughs): bound both. */
enum { JSON_MAX_DEPTH = 64, JSON_MAX_NODES = 100000 };

static json_t *to_json(struct cfg_ctx *c, int id, int depth, size_t *budget)
{
	yaml_node_t *n = cfg_node(c, id);
	if (depth > JSON_MAX_DEPTH || *budget == 0)
		return NULL;
	--*budget;
	if (n->type == YAML_SCALAR_NODE) {
		json_t *j = scalar_json(n);
		return j ? j : json_string(""); /* invalid UTF-8 cannot happen: libyaml checks */
	}
	json_t *out = n->type == YAML_SEQUENCE_NODE ? json_array() : json_object();
	size_t count = n->type == YAML_SEQUENCE_NODE
			   ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start)
			   : (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	for (size_t i = 0; i < count; i++) {
		n = cfg_node(c, id);
		json_t *v;
		if (n->type == YAML_SEQUENCE_NODE) {
			v = to_json(c, n->data.sequence.items.start[i], depth + 1, budget);
			if (v)
				json_array_append_new(out, v);
		} else {
			yaml_node_pair_t p = n->data.mapping.pairs.start[i];
			yaml_node_t *k = cfg_node(c, p.key);
			v = to_json(c, p.value, depth + 1, budget);
			if (v)
				json_object_set_new(
				    out, k->type == YAML_SCALAR_NODE ? cfg_scalar(k) : "?", v);
		}
		if (!v) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

json_t *cfg_node_to_json(struct cfg_ctx *c, const char *path, int id)
{
	size_t budget = JSON_MAX_NODES;
	json_t *j = to_json(c, id, 0, &budget);
	if (!j)
		cfg_error(c, id, "range",
			  "%s is too deep or too large (at most %d levels and %d values; aliases "
			  "count each time they are used)",
			  path, JSON_MAX_DEPTH, JSON_MAX_NODES);
	return j;
}

void cfg_errors_fini(struct cfg_errors *e)
{
	free(e->error);
	free(e->cause);
	e->error = e->cause = NULL;
}

void cfg_argv_fini(struct cfg_argv *a)
{
	for (size_t i = 0; a->argv && i < a->argc; i++)
		free(a->argv[i]);
	free(a->argv);
	a->argv = NULL;
	a->argc = 0;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void cfg_lambda_fn_copy(struct cfg_lambda_fn *dst, const struct cfg_lambda_fn *src)
{
	*dst = *src;
	dst->pattern = dup_or_null(src->pattern);
	dst->errors.error = dup_or_null(src->errors.error);
	dst->errors.cause = dup_or_null(src->errors.cause);
	dst->command.argv = NULL;
	if (src->command.argv) {
		dst->command.argv = xcalloc(src->command.argc + 1, sizeof(char *));
		for (size_t i = 0; i < src->command.argc; i++)
			dst->command.argv[i] = xstrdup(src->command.argv[i]);
	}
}

void cfg_lambda_fn_fini(struct cfg_lambda_fn *f)
{
	free(f->pattern);
	f->pattern = NULL;
	cfg_errors_fini(&f->errors);
	cfg_argv_fini(&f->command);
}

void cfg_table_fini(struct cfg_table *t)
{
	free(t->name);
	free(t->partition_key);
	free(t->sort_key);
	free(t->items);
}

void cfg_service_fini(struct cfg_service *sv)
{
	free(sv->pattern);
	json_decref(sv->result);
	cfg_errors_fini(&sv->errors);
}
