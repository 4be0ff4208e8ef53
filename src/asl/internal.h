/* asl/ private: the source record, the model builder, the checker, template extraction. */
#ifndef STEPSCOPE_ASL_INTERNAL_H
#define STEPSCOPE_ASL_INTERNAL_H

#include "asl/asl.h"
#include "doc/doc.h"

/* Where the definition came from, and every allocation of the model (freed together). */
struct asl_source {
	struct doc *doc;  /* owned; NULL when loaded from a bare json_t */
	char *file;	  /* owned; the file named in messages */
	char *prefix;	  /* owned; pointer of the definition inside doc ("" = root) */
	bool from_string; /* DefinitionString: pointers resolve to the string itself */
	char *machine_id; /* owned, NULL for plain ASL */
	VEC(void *) pool; /* owned model allocations */
};

struct asl_source *asl_source_new(struct doc *doc, const char *file, const char *prefix);
void asl_source_free(struct asl_source *src);
/* Takes p into the source's pool; returns p. */
void *asl_pool(struct asl_source *src, void *p);
/* File, line and column of a definition pointer (line 0 when unknown). */
void asl_source_locate(const struct asl_source *src, const char *pointer, bool at_key, int *line,
		       int *col);

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
/* A cdk.out folder: the template file holding the machine (owned by the caller) or NULL. */
char *asl_cdk_out_template(const char *dir, const char *machine_id, struct diags *diags);

/* State type by its ASL name; -1 when unknown. */
int asl_type_from_name(const char *name);

/* Path syntax (JSONPath / reference path / intrinsic), behind one seam for the flow module. */
bool asl_syntax_path(const char *path, bool reference, char **message);
bool asl_syntax_intrinsic(const char *expr, char **message);

#endif
