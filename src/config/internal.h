/* config — private: the schema table and the YAML walking context. */
#ifndef STEPSCOPE_CONFIG_INTERNAL_H
#define STEPSCOPE_CONFIG_INTERNAL_H

#include <yaml.h>

#include "config/config.h"

enum cfg_type {
	CT_SECTION,   /* a mapping of keys (sub) stored at offset */
	CT_INT,	      /* int64_t, range min..max */
	CT_UINT,      /* uint64_t, range min..max */
	CT_NUMBER,    /* double, range min..max (min exclusive with CF_MIN_EXCLUSIVE) */
	CT_BOOL,      /* bool */
	CT_STRING,    /* char *, length min..max */
	CT_PATH,      /* char *, resolved against the config folder */
	CT_TIME,      /* struct cfg_time */
	CT_DURATION,  /* struct cfg_duration */
	CT_COLD,      /* struct cfg_cold_start */
	CT_ERRORS,    /* struct cfg_errors */
	CT_ARGV,      /* struct cfg_argv */
	CT_JSON,      /* json_t * */
	CT_FUNCTIONS, /* lambda.functions: pattern -> function model */
	CT_SERVICES,  /* services: pattern -> service model */
	CT_TABLES,    /* ddb.tables: table name -> key schema and items */
};

enum {
	CF_MIN_EXCLUSIVE = 1, /* numbers: value > min */
	CF_TABLE_NAME = 2,    /* strings: DynamoDB table name characters */
	CF_SEED_PATH = 4,     /* the definition: remember whether it is the seed */
};

struct cfg_key {
	const char *name;
	enum cfg_type type;
	size_t offset;
	double min, max;
	unsigned flags;
	const char *def; /* the default as YAML text; NULL = none */
	const char *doc;
	const struct cfg_key *sub; /* sections: child keys, ended by a NULL name */
};

extern const struct cfg_key cfg_schema_root[];
extern const struct cfg_key cfg_schema_lambda_fn[];
extern const struct cfg_key cfg_schema_service[];
extern const struct cfg_key cfg_schema_table[];

/* One walk over one YAML document. */
struct cfg_ctx {
	yaml_document_t *doc;
	const char *file; /* name for diagnostics; NULL for built-in defaults */
	const char *dir;  /* folder for relative paths */
	int *origin;	  /* node id -> 1 + index of the --set argument that made it; 0 file */
	size_t origin_len;
	const char *const *sets;
	struct diags *diags;
	struct cfg_scenario
	    *scenario;	 /* for lambda.functions (inherits lambda.default), services */
	bool is_default; /* loading a schema default: errors are bugs */
};

yaml_node_t *cfg_node(struct cfg_ctx *c, int id);
/* Adds an error located at node `id` (its file position, or the --set argument). */
void cfg_error(struct cfg_ctx *c, int id, const char *code, const char *fmt, ...) PRINTF_LIKE(4, 5);
/* A short description of a node for "got ..." messages; owned by the caller. */
char *cfg_describe(struct cfg_ctx *c, int id);
/* Value of `key` in mapping node `map`, or 0. */
int cfg_map_get(struct cfg_ctx *c, int map, const char *key);
/* Reports keys of mapping `map` not in `allowed` (did you mean ...), and duplicates. */
void cfg_check_keys(struct cfg_ctx *c, int map, const char *path, const char *const *allowed,
		    size_t count);
bool cfg_scalar_is_null(yaml_node_t *n);
bool cfg_scalar_plain(yaml_node_t *n);
const char *cfg_scalar(yaml_node_t *n);

/* Loads the value node `id` of key `k` (path = dotted name for messages) into `field`. */
void cfg_load_value(struct cfg_ctx *c, const struct cfg_key *k, const char *path, int id,
		    void *field);
/* Loads mapping `id` (0 = absent) into the struct at `base` following `keys`; absent keys get
 * their default when `defaults` is set, else keep their current value. */
void cfg_load_section(struct cfg_ctx *c, const struct cfg_key *keys, const char *path, int id,
		      void *base, bool defaults);
/* lambda.functions / services: pattern -> model entries. */
void cfg_load_map(struct cfg_ctx *c, const struct cfg_key *k, const char *path, int id);
/* Applies the schema default of `k` to field. */
void cfg_load_default(struct cfg_ctx *parent, const struct cfg_key *k, const char *path,
		      void *field);

/* Composite values (values.c). */
bool cfg_parse_int(const char *s, int64_t *out);
bool cfg_parse_number(const char *s, double *out);
bool cfg_parse_time(const char *s, int64_t *epoch_ms);
void cfg_load_duration(struct cfg_ctx *c, const char *path, int id, struct cfg_duration *d);
void cfg_load_cold(struct cfg_ctx *c, const char *path, int id, struct cfg_cold_start *cs);
void cfg_load_errors(struct cfg_ctx *c, const char *path, int id, struct cfg_errors *e);
void cfg_load_argv(struct cfg_ctx *c, const char *path, int id, struct cfg_argv *a);
/* A YAML value as JSON (plain scalars typed as YAML 1.2 core); NULL after an error. */
json_t *cfg_node_to_json(struct cfg_ctx *c, const char *path, int id);

/* Deep copies and frees of the composite fields. */
void cfg_errors_fini(struct cfg_errors *e);
void cfg_argv_fini(struct cfg_argv *a);
void cfg_lambda_fn_copy(struct cfg_lambda_fn *dst, const struct cfg_lambda_fn *src);
void cfg_lambda_fn_fini(struct cfg_lambda_fn *f);
void cfg_service_fini(struct cfg_service *sv);
void cfg_table_fini(struct cfg_table *t);

/* --set: grafts each KEY=VALUE into the document (set.c); false after an error. */
bool cfg_apply_sets(struct cfg_ctx *c, const char *const *sets, size_t count);

#endif
