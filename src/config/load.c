/*
 * Loading: the YAML document (libyaml's node tree, which keeps every node's mark) walked
 * against the schema. Every problem becomes a located diag and the walk goes on, so one run
 * reports all of them; a bad value leaves the key's default in place.
 */
#include "config/internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

yaml_node_t *cfg_node(struct cfg_ctx *c, int id)
{
	return id ? yaml_document_get_node(c->doc, id) : NULL;
}

void cfg_error(struct cfg_ctx *c, int id, const char *code, const char *fmt, ...)
{
	assert(!c->is_default && "a schema default does not load");
	va_list ap;
	va_start(ap, fmt);
	int origin = id > 0 && (size_t)id <= c->origin_len ? c->origin[id - 1] : 0;
	yaml_node_t *n = cfg_node(c, id);
	if (origin) {
		char *where = xasprintf("--set %s", c->sets[origin - 1]);
		diags_vadd(c->diags, DIAG_ERROR, code, where, 0, 0, NULL, fmt, ap);
		free(where);
	} else if (n) {
		diags_vadd(c->diags, DIAG_ERROR, code, c->file, (int)n->start_mark.line + 1,
			   (int)n->start_mark.column + 1, NULL, fmt, ap);
	} else {
		diags_vadd(c->diags, DIAG_ERROR, code, c->file, 0, 0, NULL, fmt, ap);
	}
	va_end(ap);
}

const char *cfg_scalar(yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

bool cfg_scalar_plain(yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

bool cfg_scalar_is_null(yaml_node_t *n)
{
	if (!cfg_scalar_plain(n))
		return false;
	const char *v = cfg_scalar(n);
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

char *cfg_describe(struct cfg_ctx *c, int id)
{
	yaml_node_t *n = cfg_node(c, id);
	if (n->type == YAML_MAPPING_NODE)
		return xstrdup("a mapping");
	if (n->type == YAML_SEQUENCE_NODE)
		return xstrdup("a list");
	if (cfg_scalar_is_null(n))
		return xstrdup("nothing (null)");
	if (!cfg_scalar_plain(n))
		return xasprintf("the quoted string \"%s\"", cfg_scalar(n));
	return xasprintf("'%s'", cfg_scalar(n));
}

static const char *key_name(struct cfg_ctx *c, yaml_node_pair_t *p)
{
	yaml_node_t *k = cfg_node(c, p->key);
	return k && k->type == YAML_SCALAR_NODE ? cfg_scalar(k) : NULL;
}

int cfg_map_get(struct cfg_ctx *c, int map, const char *key)
{
	yaml_node_t *m = cfg_node(c, map);
	if (!m || m->type != YAML_MAPPING_NODE)
		return 0;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		const char *name = key_name(c, p);
		if (name && !strcmp(name, key))
			return p->value;
	}
	return 0;
}

static void unknown_key(struct cfg_ctx *c, int key, const char *name, const char *path,
			const char *const *allowed, size_t count)
{
	const char *hint = str_suggest(name, allowed, count);
	struct strbuf where;
	sb_init(&where);
	if (*path)
		sb_addf(&where, " in '%s'", path);
	if (hint) {
		cfg_error(c, key, "unknown-key", "unknown key '%s'%s; did you mean '%s'?", name,
			  sb_str(&where), hint);
	} else {
		struct strbuf list;
		sb_init(&list);
		for (size_t i = 0; i < count; i++)
			sb_addf(&list, "%s%s", i ? ", " : "", allowed[i]);
		cfg_error(c, key, "unknown-key", "unknown key '%s'%s (known keys: %s)", name,
			  sb_str(&where), sb_str(&list));
		sb_fini(&list);
	}
	sb_fini(&where);
}

void cfg_check_keys(struct cfg_ctx *c, int map, const char *path, const char *const *allowed,
		    size_t count)
{
	yaml_node_t *m = cfg_node(c, map);
	yaml_node_pair_t *start = m->data.mapping.pairs.start;
	for (yaml_node_pair_t *p = start; p < m->data.mapping.pairs.top; p++) {
		const char *name = key_name(c, p);
		if (!name) {
			cfg_error(c, p->key, "type", "keys in '%s' must be plain names", path);
			continue;
		}
		bool dup = false;
		for (yaml_node_pair_t *q = start; q < p && !dup; q++)
			dup = key_name(c, q) && !strcmp(key_name(c, q), name);
		if (dup) {
			cfg_error(c, p->key, "duplicate-key", "duplicate key '%s'%s%s%s", name,
				  *path ? " in '" : "", path, *path ? "'" : "");
			continue;
		}
		size_t i = 0;
		while (allowed && i < count && strcmp(allowed[i], name))
			i++;
		if (allowed && i == count)
			unknown_key(c, p->key, name, path, allowed, count);
	}
}

static char *join(const char *path, const char *name)
{
	return *path ? xasprintf("%s.%s", path, name) : xstrdup(name);
}

/* True when `id` is a mapping; a null value (`ddb:` with nothing) counts as empty. */
static bool want_mapping(struct cfg_ctx *c, const char *path, int id)
{
	yaml_node_t *n = cfg_node(c, id);
	if (n->type == YAML_MAPPING_NODE)
		return true;
	if (!cfg_scalar_is_null(n)) {
		char *got = cfg_describe(c, id);
		cfg_error(c, id, "type", "%s must be a mapping, got %s",
			  *path ? path : "the config", got);
		free(got);
	}
	return false;
}

void cfg_load_section(struct cfg_ctx *c, const struct cfg_key *keys, const char *path, int id,
		      void *base, bool defaults)
{
	if (id && !want_mapping(c, path, id))
		id = 0;
	if (id) {
		const char *names[16];
		size_t n = 0;
		for (const struct cfg_key *k = keys; k->name; k++) {
			assert(n < ARRAY_LEN(names));
			names[n++] = k->name;
		}
		cfg_check_keys(c, id, path, names, n);
	}
	for (const struct cfg_key *k = keys; k->name; k++) {
		char *child = join(path, k->name);
		void *field = (char *)base + k->offset;
		int vid = cfg_map_get(c, id, k->name);
		if (vid)
			cfg_load_value(c, k, child, vid, field);
		else if (defaults && k->type == CT_SECTION)
			cfg_load_section(c, k->sub, child, 0, field, true);
		else if (defaults)
			cfg_load_default(c, k, child, field);
		free(child);
	}
}

/* A map of pattern -> model (lambda.functions, services, ddb.tables), appended in file
 * order. */
static void load_patterns(struct cfg_ctx *c, const struct cfg_key *k, const char *path, int id)
{
	struct cfg_scenario *s = c->scenario;
	if (!want_mapping(c, path, id))
		return;
	cfg_check_keys(c, id, path, NULL, 0);
	yaml_node_t *m = cfg_node(c, id);
	size_t n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
	for (size_t i = 0; i < n; i++) {
		/* Re-read the pair each time: nothing below adds nodes, but stay safe. */
		yaml_node_pair_t p = cfg_node(c, id)->data.mapping.pairs.start[i];
		const char *name = key_name(c, &p);
		if (!name || cfg_map_get(c, id, name) != p.value)
			continue; /* reported by cfg_check_keys */
		if (!*name) {
			cfg_error(c, p.key, "type", "empty pattern in '%s'", path);
			continue;
		}
		char *child = join(path, name);
		if (k->type == CT_FUNCTIONS) {
			struct cfg_lambda_fn fn;
			cfg_lambda_fn_copy(&fn, &s->lambda.def);
			fn.pattern = xstrdup(name);
			cfg_load_section(c, k->sub, child, p.value, &fn, false);
			s->lambda.functions = xrealloc(s->lambda.functions,
						       (s->lambda.function_count + 1) * sizeof(fn));
			s->lambda.functions[s->lambda.function_count++] = fn;
		} else if (k->type == CT_TABLES) {
			struct cfg_table t = {.name = xstrdup(name)};
			cfg_load_section(c, k->sub, child, p.value, &t, true);
			s->ddb.tables =
			    xrealloc(s->ddb.tables, (s->ddb.table_count + 1) * sizeof(t));
			s->ddb.tables[s->ddb.table_count++] = t;
		} else {
			struct cfg_service sv = {.pattern = xstrdup(name)};
			cfg_load_section(c, k->sub, child, p.value, &sv, true);
			s->services.list =
			    xrealloc(s->services.list, (s->services.count + 1) * sizeof(sv));
			s->services.list[s->services.count++] = sv;
		}
		free(child);
	}
}

void cfg_load_map(struct cfg_ctx *c, const struct cfg_key *k, const char *path, int id)
{
	load_patterns(c, k, path, id);
}

void cfg_load_default(struct cfg_ctx *parent, const struct cfg_key *k, const char *path,
		      void *field)
{
	if (!k->def)
		return;
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)k->def, strlen(k->def));
	bool ok = yaml_parser_load(&parser, &doc);
	assert(ok && "schema defaults are valid YAML");
	(void)ok;
	struct diags d;
	diags_init(&d);
	struct cfg_ctx c = {
	    .doc = &doc,
	    .dir = parent->dir,
	    .diags = &d,
	    .scenario = parent->scenario,
	    .is_default = true,
	};
	int root = yaml_document_get_root_node(&doc) ? 1 : 0;
	if (k->type == CT_FUNCTIONS || k->type == CT_SERVICES || k->type == CT_TABLES)
		; /* an empty map: nothing to add */
	else
		cfg_load_value(&c, k, path, root, field);
	diags_fini(&d);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
}

static void parse_error(struct cfg_scenario *s, yaml_parser_t *p, struct diags *d)
{
	const char *problem = p->problem ? p->problem : "cannot parse";
	if (p->context)
		diags_add(d, DIAG_ERROR, "yaml", s->file, (int)p->problem_mark.line + 1,
			  (int)p->problem_mark.column + 1, NULL, "invalid YAML: %s %s", problem,
			  p->context);
	else
		diags_add(d, DIAG_ERROR, "yaml", s->file, (int)p->problem_mark.line + 1,
			  (int)p->problem_mark.column + 1, NULL, "invalid YAML: %s", problem);
}

/* Deeper than any config needs. Checked on libyaml's event stream before its loader builds
 * the tree: the loader has no limit, and its scanner slows down quadratically with flow
 * nesting, so a hostile file of a few hundred kilobytes would hang it. */
#define CFG_MAX_DEPTH 64

static bool check_depth(struct cfg_scenario *s, const char *text, size_t len, struct diags *d)
{
	yaml_parser_t p;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	int depth = 0;
	bool ok = true, done = false;
	while (ok && !done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev))
			break; /* the loader reports the syntax error */
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > CFG_MAX_DEPTH) {
				diags_add(d, DIAG_ERROR, "yaml-depth", s->file,
					  (int)ev.start_mark.line + 1,
					  (int)ev.start_mark.column + 1, NULL,
					  "nesting deeper than %d levels", CFG_MAX_DEPTH);
				ok = false;
			}
		} else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			   ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return ok;
}

/* Parses the text into doc; an empty or failed document becomes one empty mapping. */
static bool parse_document(struct cfg_scenario *s, const char *text, size_t len,
			   yaml_document_t *doc, struct diags *d)
{
	bool ok = true;
	bool have = false;
	if (text && !check_depth(s, text, len, d)) {
		ok = false;
	} else if (text) {
		yaml_parser_t parser;
		yaml_parser_initialize(&parser);
		yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
		if (!yaml_parser_load(&parser, doc)) {
			parse_error(s, &parser, d);
			ok = false;
		} else if (yaml_document_get_root_node(doc)) {
			have = true;
		} else {
			yaml_document_delete(doc);
		}
		yaml_parser_delete(&parser);
	}
	if (!have) {
		yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1);
		yaml_document_add_mapping(doc, NULL, YAML_BLOCK_MAPPING_STYLE);
	}
	return ok;
}

bool cfg_load_text(struct cfg_scenario *s, const char *name, const char *dir, const char *text,
		   size_t len, const char *const *sets, size_t set_count, struct diags *d)
{
	memset(s, 0, sizeof(*s));
	s->file = name ? xstrdup(name) : NULL;
	s->dir = xstrdup(dir && *dir ? dir : ".");
	if (text) {
		/* Not xstrndup: a NUL byte in the file would cut the copy short of source_len. */
		s->source = xmalloc(len + 1);
		memcpy(s->source, text, len);
		s->source[len] = '\0';
		s->source_len = len;
	}
	size_t before = d->errors;
	yaml_document_t doc;
	bool parsed = parse_document(s, text, len, &doc, d);
	struct cfg_ctx c = {
	    .doc = &doc,
	    .file = s->file,
	    .dir = s->dir,
	    .sets = sets,
	    .diags = d,
	    .scenario = s,
	};
	int root = 1;
	if (cfg_node(&c, root)->type != YAML_MAPPING_NODE) {
		cfg_error(
		    &c, root, "type",
		    "the config must be a mapping of sections (ddb, stepfunc, lambda, services, "
		    "simulation)");
		root = 0;
	}
	if (parsed && root)
		cfg_apply_sets(&c, sets, set_count); /* a bad --set is reported; the rest goes on */
	cfg_load_section(&c, cfg_schema_root, "", parsed ? root : 0, s, true);
	free(c.origin);
	yaml_document_delete(&doc);
	return d->errors == before;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

bool cfg_load(struct cfg_scenario *s, const char *path, const char *const *sets, size_t set_count,
	      struct diags *d)
{
	if (!path)
		return cfg_load_text(s, NULL, ".", NULL, 0, sets, set_count, d);
	size_t len = 0;
	char *err = NULL;
	char *text = file_read_all(path, &len, &err);
	char *dir = dir_of(path);
	bool ok;
	if (!text) {
		diags_add(d, DIAG_ERROR, "io", NULL, 0, 0, NULL, "cannot read config: %s", err);
		free(err);
		cfg_load_text(s, path, dir, NULL, 0, NULL, 0, d);
		ok = false;
	} else {
		ok = cfg_load_text(s, path, dir, text, len, sets, set_count, d);
	}
	free(text);
	free(dir);
	return ok;
}

void cfg_scenario_fini(struct cfg_scenario *s)
{
	free(s->file);
	free(s->dir);
	free(s->source);
	free(s->ddb.table_name);
	free(s->ddb.partition_key_name);
	free(s->ddb.partition_key_value_field);
	free(s->ddb.items);
	for (size_t i = 0; i < s->ddb.table_count; i++)
		cfg_table_fini(&s->ddb.tables[i]);
	free(s->ddb.tables);
	free(s->stepfunc.definition);
	cfg_lambda_fn_fini(&s->lambda.def);
	for (size_t i = 0; i < s->lambda.function_count; i++)
		cfg_lambda_fn_fini(&s->lambda.functions[i]);
	free(s->lambda.functions);
	for (size_t i = 0; i < s->services.count; i++)
		cfg_service_fini(&s->services.list[i]);
	free(s->services.list);
	free(s->simulation.start_time.text);
	free(s->pricing.as_of);
	free(s->pricing.region);
	memset(s, 0, sizeof(*s));
}
