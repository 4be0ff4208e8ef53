/*
 * doc — a JSON or YAML document as a jansson value plus a source map.
 *
 * Owns: parsing JSON (jansson) and YAML (libyaml events) into one json_t tree, and a map from
 * every value's RFC 6901 JSON pointer to its 1-based line:column (and its key's, for object
 * members), so later stages that only hold a pointer can still say file:line:col. Syntax errors
 * become located diagnostics. YAML scalars follow the YAML 1.2 core schema (quoted = string);
 * anchors and aliases expand (bounded against alias bombs); duplicate keys are errors;
 * CloudFormation short-form tags (`!Ref X`, `!GetAtt A.B`, `!Sub ...`) become their long forms.
 * Also the small jansson helpers every module uses: text for free() (doc_dumps), the words
 * for a value's type, and the hook that puts jansson on base's small-block pool.
 *
 * Contract: a `struct doc` is immutable once loaded; every pointer it returns is borrowed and
 * lives as long as the doc. Uses base, jansson, libyaml.
 */
#ifndef STEPSCOPE_DOC_H
#define STEPSCOPE_DOC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"

enum doc_format { DOC_AUTO, DOC_JSON, DOC_YAML };

/* Nesting deeper than this is a located error, not a stack overflow. */
#define DOC_MAX_DEPTH 10000
/* Values created by alias expansion in one YAML document, at most. */
#define DOC_MAX_ALIAS_NODES 1000000

struct doc;

/*
 * Parses text (copied; `name` copied, used in messages). DOC_AUTO picks JSON when the first
 * non-blank character is `{` or `[`, else YAML. Returns a doc owned by the caller, or NULL with
 * a located syntax error in diags.
 */
struct doc *doc_parse(const char *name, const char *text, size_t len, enum doc_format fmt,
		      struct diags *diags);
/* Reads a file and parses it; the format comes from the extension (.json, .yaml, .yml), else
 * from the content. */
struct doc *doc_load_file(const char *path, struct diags *diags);
void doc_free(struct doc *d);

/* The root value (borrowed). */
json_t *doc_root(const struct doc *d);
/* The file name given at load (borrowed). */
const char *doc_name(const struct doc *d);
/* The source text (borrowed, NUL-terminated). */
const char *doc_text(const struct doc *d, size_t *len);
bool doc_is_yaml(const struct doc *d);

/*
 * Line and column (1-based) of the value at `pointer` (borrowed). When that exact pointer is not
 * in the map, the nearest known ancestor is used and false is returned; line 0 when nothing is
 * known at all.
 */
bool doc_locate(const struct doc *d, const char *pointer, int *line, int *col);
/* The same for the key of an object member (falls back to the value's position). */
bool doc_locate_key(const struct doc *d, const char *pointer, int *line, int *col);

/* ---- jansson helpers (jsonutil.c) ---- */

/* Installs base's small-block pool as jansson's allocator when pool_init() allows it; call once
 * at the very start of main, before any JSON value exists. True when installed. */
bool doc_use_pool(void);
/* json_dumps(v, flags), but the text is always a malloc block for free() (jansson's allocator
 * may be the pool): every json_dumps of the program goes through here. NULL where json_dumps
 * gives NULL (a scalar without JSON_ENCODE_ANY); v borrowed. */
char *doc_dumps(const json_t *v, size_t flags);
/* As doc_dumps, but reals with the fewest digits (15, 16 or 17, one count for the whole text)
 * that still read back as the same doubles: jansson alone prints 0.1 as 0.10000000000000001,
 * AWS (Java) and Python print 0.1. */
char *doc_dumps_short(const json_t *v, size_t flags);
/* The type of v (borrowed, not NULL) as messages name it: "an object", "an array",
 * "a string", "a number", "a boolean" or "null". */
const char *doc_type_phrase(const json_t *v);

#endif
