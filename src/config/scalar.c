/*
 * Scalar keys: integers, numbers, booleans, strings, paths and timestamps, typed and range
 * checked by the schema. YAML quoting matters: `3` is an integer, `"3"` is a string.
 */
#include "config/internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Returns the scalar text of a plain (unquoted) non-null scalar, or NULL after a type error
 * naming `what`. */
static const char *plain(struct cfg_ctx *c, const char *path, int id, const char *what)
{
	yaml_node_t *n = cfg_node(c, id);
	if (cfg_scalar_plain(n) && !cfg_scalar_is_null(n))
		return cfg_scalar(n);
	char *got = cfg_describe(c, id);
	cfg_error(c, id, "type", "%s must be %s, got %s", path, what, got);
	free(got);
	return NULL;
}

/* Any non-null scalar, quoted or not (a table name may well look like a number). */
static const char *text(struct cfg_ctx *c, const char *path, int id, const char *what)
{
	yaml_node_t *n = cfg_node(c, id);
	if (n->type == YAML_SCALAR_NODE && !cfg_scalar_is_null(n))
		return cfg_scalar(n);
	char *got = cfg_describe(c, id);
	cfg_error(c, id, "type", "%s must be %s, got %s", path, what, got);
	free(got);
	return NULL;
}

static void range_error(struct cfg_ctx *c, const struct cfg_key *k, const char *path, int id)
{
	const char *v = cfg_scalar(cfg_node(c, id));
	if (k->flags & CF_MIN_EXCLUSIVE)
		cfg_error(c, id, "range", "%s must be greater than %g and at most %g, got %s", path,
			  k->min, k->max, v);
	else
		cfg_error(c, id, "range", "%s must be between %.0f and %.0f, got %s", path, k->min,
			  k->max, v);
}

static void load_int(struct cfg_ctx *c, const struct cfg_key *k, const char *path, int id,
		     void *field)
{
	const char *v = plain(c, path, id, "an integer");
	int64_t x;
	if (!v)
		return;
	if (!cfg_parse_int(v, &x)) {
		char *got = cfg_describe(c, id);
		cfg_error(c, id, "type", "%s must be an integer, got %s", path, got);
		free(got);
	} else if ((double)x < k->min || (double)x > k->max) {
		range_error(c, k, path, id);
	} else if (k->type == CT_UINT) {
		*(uint64_t *)field = (uint64_t)x;
	} else {
		*(int64_t *)field = x;
	}
}

static void load_number(struct cfg_ctx *c, const struct cfg_key *k, const char *path, int id,
			double *field)
{
	const char *v = plain(c, path, id, "a number");
	double x;
	if (!v)
		return;
	if (!cfg_parse_number(v, &x)) {
		char *got = cfg_describe(c, id);
		cfg_error(c, id, "type", "%s must be a number, got %s", path, got);
		free(got);
	} else if (x > k->max || x < k->min || ((k->flags & CF_MIN_EXCLUSIVE) && x == k->min)) {
		range_error(c, k, path, id);
	} else {
		*field = x;
	}
}

static void load_bool(struct cfg_ctx *c, const char *path, int id, bool *field)
{
	static const char *const yes[] = {"true", "True", "TRUE"};
	static const char *const no[] = {"false", "False", "FALSE"};
	const char *v = plain(c, path, id, "true or false");
	if (!v)
		return;
	for (size_t i = 0; i < 3; i++) {
		if (!strcmp(v, yes[i]) || !strcmp(v, no[i])) {
			*field = !strcmp(v, yes[i]);
			return;
		}
	}
	cfg_error(c, id, "type", "%s must be true or false, got '%s'", path, v);
}

static bool table_name_ok(const char *v)
{
	for (const char *p = v; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("_-.", *p))
			return false;
	return true;
}

static void load_string(struct cfg_ctx *c, const struct cfg_key *k, const char *path, int id,
			char **field)
{
	const char *v = text(c, path, id, "a string");
	if (!v)
		return;
	size_t len = strlen(v);
	if ((double)len < k->min || (double)len > k->max) {
		cfg_error(c, id, "range", "%s must be %.0f to %.0f characters long, got %zu", path,
			  k->min, k->max, len);
		return;
	}
	if ((k->flags & CF_TABLE_NAME) && !table_name_ok(v)) {
		cfg_error(c, id, "range",
			  "%s may contain only letters, digits, '_', '-' and '.', got '%s'", path,
			  v);
		return;
	}
	free(*field);
	*field = xstrdup(v);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/*
 * The files the schema names by default (the seed machine, the seed's item list) may be asked
 * for from a config elsewhere or from no config at all: look beside the config, then in the
 * current folder, then where `make install` put them ($STEPSCOPE_DATADIR overrides the
 * installed location; "assets/" is the data folder's root there).
 */
static char *default_data_path(const char *resolved, const char *v)
{
	if (exists(resolved))
		return xstrdup(resolved);
	if (exists(v))
		return xstrdup(v);
	const char *datadir = file_data_dir();
	if (datadir) {
		const char *rel = strncmp(v, "assets/", 7) == 0 ? v + 7 : v;
		char *installed = xasprintf("%s/%s", datadir, rel);
		if (exists(installed))
			return installed;
		free(installed);
	}
	return xstrdup(resolved);
}

static void load_path(struct cfg_ctx *c, const struct cfg_key *k, const char *path, int id,
		      char **field)
{
	const char *v = text(c, path, id, "a file path");
	if (!v)
		return;
	bool from_set = id > 0 && (size_t)id <= c->origin_len && c->origin[id - 1];
	char *resolved;
	if (v[0] == '/' || from_set || !strcmp(c->dir, "."))
		resolved = xstrdup(v);
	else
		resolved = xasprintf("%s/%s", c->dir, v);
	if ((k->flags & CF_SEED_PATH) && c->scenario)
		c->scenario->stepfunc.definition_is_seed = !strcmp(v, CFG_SEED_DEFINITION);
	if (k->def && !strcmp(v, k->def)) {
		char *found = default_data_path(resolved, v);
		free(resolved);
		resolved = found;
	}
	free(*field);
	*field = resolved;
	/* Remember where the file named it, so a missing file can be reported there. */
	struct cfg_scenario *sc = c->scenario;
	struct cfg_pos *at = NULL;
	if (sc && field == &sc->ddb.items)
		at = &sc->ddb.items_at;
	else if (sc && field == &sc->stepfunc.definition)
		at = &sc->stepfunc.definition_at;
	yaml_node_t *n = cfg_node(c, id);
	if (at && !from_set && !c->is_default)
		*at = (struct cfg_pos){(int)n->start_mark.line + 1, (int)n->start_mark.column + 1};
	else if (at)
		*at = (struct cfg_pos){0, 0};
}

static void load_time(struct cfg_ctx *c, const char *path, int id, struct cfg_time *t)
{
	const char *v = text(c, path, id, "an RFC 3339 timestamp");
	int64_t ms;
	if (!v)
		return;
	if (!cfg_parse_time(v, &ms)) {
		cfg_error(
		    c, id, "type",
		    "%s must be an RFC 3339 timestamp like \"2024-05-14T10:15:00Z\", got '%s'",
		    path, v);
		return;
	}
	free(t->text);
	t->text = xstrdup(v);
	t->epoch_ms = ms;
}

void cfg_load_value(struct cfg_ctx *c, const struct cfg_key *k, const char *path, int id,
		    void *field)
{
	switch (k->type) {
	case CT_SECTION:
		cfg_load_section(c, k->sub, path, id, field, true);
		break;
	case CT_INT:
	case CT_UINT:
		load_int(c, k, path, id, field);
		break;
	case CT_NUMBER:
		load_number(c, k, path, id, field);
		break;
	case CT_BOOL:
		load_bool(c, path, id, field);
		break;
	case CT_STRING:
		load_string(c, k, path, id, field);
		break;
	case CT_PATH:
		load_path(c, k, path, id, field);
		break;
	case CT_TIME:
		load_time(c, path, id, field);
		break;
	case CT_DURATION:
		cfg_load_duration(c, path, id, field);
		break;
	case CT_COLD:
		cfg_load_cold(c, path, id, field);
		break;
	case CT_ERRORS:
		cfg_load_errors(c, path, id, field);
		break;
	case CT_ARGV:
		cfg_load_argv(c, path, id, field);
		break;
	case CT_JSON: {
		json_t *j = cfg_node_to_json(c, path, id);
		if (j) {
			json_decref(*(json_t **)field);
			*(json_t **)field = j;
		}
		break;
	}
	case CT_FUNCTIONS:
	case CT_SERVICES:
	case CT_TABLES:
		cfg_load_map(c, k, path, id);
		break;
	}
}
