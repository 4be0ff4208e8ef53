/* asl/ private: the source record, the model builder, the checker, template extraction. */
#ifndef STEPSCOPE_ASL_INTERNAL_H
#define STEPSCOPE_ASL_INTERNAL_H

#include "asl/asl.h"
#include "doc/doc.h"

/* A piece of a DefinitionString's text and where it came from in the template. */
struct asl_segment {
	size_t start, len; /* byte range in the rendered definition text */
	char *pointer;	   /* owned; template value that produced it */
	long src_off;	   /* byte offset inside that string value; -1: the value as a whole */
};

/* Where the definition came from, and every allocation of the model (freed together). */
struct asl_source {
	struct doc *doc;	      /* owned; NULL when loaded from a bare json_t */
	char *file;		      /* owned; the file named in messages */
	char *prefix;		      /* owned; pointer of the definition inside doc ("" = root) */
	bool from_string;	      /* DefinitionString: pointers resolve to the string itself */
	char *machine_id;	      /* owned, NULL for plain ASL */
	struct doc *inner;	      /* owned; the parsed DefinitionString, or NULL */
	VEC(struct asl_segment) segs; /* pieces of the DefinitionString text */
	VEC(void *) pool;	      /* owned model allocations */
};

struct asl_source *asl_source_new(struct doc *doc, const char *file, const char *prefix);
void asl_source_free(struct asl_source *src);
/* Takes p into the source's pool; returns p. */
void *asl_pool(struct asl_source *src, void *p);
/* Line and column of a definition pointer (line 0 when unknown). False when the position is
 * only approximate: a DefinitionString position that could not be mapped into the template. */
bool asl_source_locate(const struct asl_source *src, const char *pointer, bool at_key, int *line,
		       int *col);

/* The position of byte `offset` inside the string value (borrowed) at pointer, when it can be
 * traced; else the value's position. Return as asl_source_locate. */
bool asl_source_locate_in_string(const struct asl_source *src, const char *pointer,
				 const char *value, size_t offset, int *line, int *col);
/* Maps a 1-based line:col of the DefinitionString text (borrowed) into the template;
 * false when it cannot be placed exactly. */
bool asl_source_map_inner(const struct asl_source *src, const char *text, int in_line, int in_col,
			  int *line, int *col);

/* Every problem of a definition (borrowed) as diags; true when there is no error. */
bool asl_check(const struct asl_source *src, json_t *def, struct diags *diags);
/* Builds the model of a checked definition; src is taken by the machine. */
struct asl_machine *asl_build(struct asl_source *src, json_t *def);
/* Checks, then builds; on errors frees src and returns NULL. def is taken. */
struct asl_machine *asl_finish(struct asl_source *src, json_t *def, struct diags *diags);

/*
 * CloudFormation: when doc is a template, extracts the chosen machine's definition (new
 * reference in *def) and fills src->prefix / from_string / machine_id. Returns false with
 * diags on errors; *is_template tells whether doc was a template at all.
 */
bool asl_from_template(struct asl_source *src, const char *machine_id, json_t **def,
		       bool *is_template, struct diags *diags);
/* Logical ids of every state machine of a template (*ids owned by the caller, strings borrowed
 * from root); false when root is not a template. */
bool asl_template_machines(json_t *root, const char ***ids, size_t *count);
/* A cdk.out folder: the template file holding the machine (owned by the caller) or NULL. */
char *asl_cdk_out_template(const char *dir, const char *machine_id, struct diags *diags);

/* ---- the checker (check.c: graphs and transitions; fields.c: per-field rules) ---- */
struct ck {
	const struct asl_source *src;
	struct diags *diags;
	bool machine_jsonata;
	json_t *names; /* state name -> [graph id, pointer], machine-wide */
	int graphs;    /* graph ids handed out */
	int depth;     /* nesting of Parallel/Map graphs */
};
void ck_report(struct ck *c, enum diag_severity sev, const char *pointer, bool at_key,
	       const char *code, const char *fmt, ...) PRINTF_LIKE(6, 7);
/* Like ck_report, but at byte `offset` inside the string value at pointer (when the source
 * text holds that string verbatim; else at the value). */
void ck_report_in_string(struct ck *c, const char *pointer, const char *value, size_t offset,
			 const char *code, const char *fmt, ...) PRINTF_LIKE(6, 7);
/* One state object's fields (type, values, ranges, mutual exclusions, retry/catch/choices).
 * `type` is the state's type (-1 unknown), jsonata its effective language. */
void ck_state_fields(struct ck *c, json_t *st, const char *ptr, int type, bool jsonata);
/* A path field's syntax: reference path or any JSONPath; value borrowed. */
void ck_path(struct ck *c, const char *ptr, const char *field, const char *path, bool reference);
/* A payload template (Parameters, ItemSelector, ResultSelector, Assign) in JSONPath. */
void ck_template(struct ck *c, json_t *tmpl, const char *ptr);
/* An intrinsic function call's syntax (Fail ErrorPath, templates). */
void ck_intrinsic(struct ck *c, const char *ptr, const char *field, const char *expr);
/* Type-specific rules (rules.c); st is the state object, ptr its pointer. */
void ck_task_timeouts(struct ck *c, json_t *st, const char *ptr);
void ck_wait(struct ck *c, json_t *st, const char *ptr);
void ck_map(struct ck *c, json_t *st, const char *ptr, bool jsonata);
void ck_retry(struct ck *c, json_t *st, const char *ptr, bool jsonata);
void ck_catch(struct ck *c, json_t *st, const char *ptr, bool jsonata);
void ck_choices(struct ck *c, json_t *st, const char *ptr, bool jsonata);
/* A JSONata expression string: "{% ... %}". */
bool ck_is_jsonata_expr(json_t *v);
/* RFC 3339 timestamp as Wait accepts it. */
bool ck_timestamp(const char *s);
/* Unknown keys of obj not in the NULL-terminated list: one error each. */
void ck_known_keys(struct ck *c, json_t *obj, const char *ptr, const char *const *allowed,
		   const char *what);
/* Suggestion among the keys of an object, or NULL. */
const char *ck_suggest_key(json_t *obj, const char *word);

/* State type by its ASL name; -1 when unknown. */
int asl_type_from_name(const char *name);

/* Path syntax (JSONPath / reference path / intrinsic), behind one seam for the flow module. */
/* On failure: *message owned by the caller, *offset the 0-based byte offset of the problem. */
bool asl_syntax_path(const char *path, bool reference, char **message, size_t *offset);
bool asl_syntax_intrinsic(const char *expr, char **message, size_t *offset);

#endif
