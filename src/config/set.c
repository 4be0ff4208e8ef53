/*
 * --set KEY=VALUE: each override is grafted into the YAML document before the schema walk,
 * so it is typed and checked by exactly the same code as the file. Nodes it creates are
 * remembered (ctx->origin) so that their errors name the --set argument instead of a line.
 */
#include "config/internal.h"

#include <stdlib.h>
#include <string.h>

static void mark_origin(struct cfg_ctx *c, int id, int origin)
{
	if (id <= 0)
		return; /* libyaml refused the node; apply_one checked its input first */
	if ((size_t)id > c->origin_len) {
		size_t len = (size_t)id * 2;
		c->origin = xrealloc(c->origin, len * sizeof(int));
		memset(c->origin + c->origin_len, 0, (len - c->origin_len) * sizeof(int));
		c->origin_len = len;
	}
	c->origin[id - 1] = origin;
}

static int add_scalar(struct cfg_ctx *c, const char *s, int origin)
{
	int id = yaml_document_add_scalar(c->doc, NULL, (yaml_char_t *)s, (int)strlen(s),
					  YAML_PLAIN_SCALAR_STYLE);
	mark_origin(c, id, origin);
	return id;
}

/* Copies node `id` of `src` into the main document; returns the new id. */
static int copy_node(struct cfg_ctx *c, yaml_document_t *src, int id, int origin, int depth)
{
	yaml_node_t n = *yaml_document_get_node(src, id);
	int out;
	if (n.type == YAML_SCALAR_NODE || depth > 64) {
		out = yaml_document_add_scalar(c->doc, NULL, n.data.scalar.value,
					       (int)n.data.scalar.length, n.data.scalar.style);
	} else if (n.type == YAML_SEQUENCE_NODE) {
		out = yaml_document_add_sequence(c->doc, NULL, YAML_FLOW_SEQUENCE_STYLE);
		for (yaml_node_item_t *i = n.data.sequence.items.start;
		     i < n.data.sequence.items.top; i++)
			yaml_document_append_sequence_item(
			    c->doc, out, copy_node(c, src, *i, origin, depth + 1));
	} else {
		out = yaml_document_add_mapping(c->doc, NULL, YAML_FLOW_MAPPING_STYLE);
		for (yaml_node_pair_t *p = n.data.mapping.pairs.start; p < n.data.mapping.pairs.top;
		     p++) {
			int k = copy_node(c, src, p->key, origin, depth + 1);
			int v = copy_node(c, src, p->value, origin, depth + 1);
			yaml_document_append_mapping_pair(c->doc, out, k, v);
		}
	}
	mark_origin(c, out, origin);
	return out;
}

/* The pair index of `key` in mapping `map`, or -1. */
static int find_pair(struct cfg_ctx *c, int map, const char *key)
{
	yaml_node_t *m = cfg_node(c, map);
	int count = (int)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
	for (int i = 0; i < count; i++) {
		yaml_node_t *k = cfg_node(c, m->data.mapping.pairs.start[i].key);
		if (k->type == YAML_SCALAR_NODE && !strcmp(cfg_scalar(k), key))
			return i;
	}
	return -1;
}

/* Sets map[key] = value (replacing the first existing pair). */
static void put(struct cfg_ctx *c, int map, const char *key, int value, int origin)
{
	int i = find_pair(c, map, key);
	if (i >= 0)
		cfg_node(c, map)->data.mapping.pairs.start[i].value = value;
	else
		yaml_document_append_mapping_pair(c->doc, map, add_scalar(c, key, origin), value);
}

/* Parses VALUE as a one-document YAML stream; returns its root in a new document. */
static bool parse_value(const char *value, yaml_document_t *doc, char **why)
{
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)value, strlen(value));
	bool ok = yaml_parser_load(&parser, doc);
	if (!ok)
		*why = xasprintf("%s", parser.problem ? parser.problem : "cannot parse");
	yaml_parser_delete(&parser);
	return ok;
}

static bool apply_one(struct cfg_ctx *c, const char *arg, int origin)
{
	const char *eq = strchr(arg, '=');
	char *where = xasprintf("--set %s", arg);
	bool ok = false;
	char *key = eq ? xstrndup(arg, (size_t)(eq - arg)) : NULL;
	if (!eq || !*key || key[0] == '.' || str_ends_with(key, ".") || strstr(key, "..")) {
		diags_add(c->diags, DIAG_ERROR, "usage", where, 0, 0, NULL,
			  "expected KEY=VALUE with a dotted key, e.g. stepfunc.maxConcurrency=3");
		goto out;
	}
	json_t *utf8 = json_string(key); /* libyaml takes only valid UTF-8 */
	json_decref(utf8);
	if (!utf8) {
		diags_add(c->diags, DIAG_ERROR, "usage", where, 0, 0, NULL,
			  "the key is not valid UTF-8");
		goto out;
	}
	yaml_document_t vdoc;
	char *why = NULL;
	if (!parse_value(eq + 1, &vdoc, &why)) {
		diags_add(c->diags, DIAG_ERROR, "yaml", where, 0, 0, NULL,
			  "cannot read the value as YAML: %s", why);
		free(why);
		goto out;
	}
	int value = yaml_document_get_root_node(&vdoc) ? copy_node(c, &vdoc, 1, origin, 0)
						       : add_scalar(c, "", origin);
	yaml_document_delete(&vdoc);
	int map = 1;
	char *save = NULL;
	char *part = strtok_r(key, ".", &save);
	for (char *next; (next = strtok_r(NULL, ".", &save)); part = next) {
		int i = find_pair(c, map, part);
		int child = i >= 0 ? cfg_node(c, map)->data.mapping.pairs.start[i].value : 0;
		if (!child || cfg_node(c, child)->type != YAML_MAPPING_NODE) {
			child = yaml_document_add_mapping(c->doc, NULL, YAML_BLOCK_MAPPING_STYLE);
			mark_origin(c, child, origin);
			put(c, map, part, child, origin);
		}
		map = child;
	}
	put(c, map, part, value, origin);
	ok = true;
out:
	free(key);
	free(where);
	return ok;
}

bool cfg_apply_sets(struct cfg_ctx *c, const char *const *sets, size_t count)
{
	bool ok = true;
	/* Nodes of the file have origin 0; make room for them first. */
	int nodes = (int)(c->doc->nodes.top - c->doc->nodes.start);
	if (nodes > 0)
		mark_origin(c, nodes, 0);
	for (size_t i = 0; i < count; i++)
		ok = apply_one(c, sets[i], (int)i + 1) && ok;
	return ok;
}
