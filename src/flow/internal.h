/*
 * flow internals: the parsed forms of JSONPath expressions (paths and filters) and intrinsic
 * calls, shared by the evaluators in this folder. Nothing here is part of the contract.
 *
 * Parsed trees are owned by whoever parsed them and freed with the matching *_free.
 */
#ifndef STEPSCOPE_FLOW_INTERNAL_H
#define STEPSCOPE_FLOW_INTERNAL_H

#include "flow/flow.h"

/* ---- JSONPath ---- */
enum fpath_root {
	FROOT_INPUT,   /* $ */
	FROOT_CONTEXT, /* $$ */
	FROOT_CURRENT, /* @ inside a filter */
	FROOT_VAR,     /* $name: a workflow variable */
};

enum fseg_kind {
	FSEG_NAME,   /* .a  ['a']  ['a','b'] */
	FSEG_INDEX,  /* [0]  [-1]  [0,2] */
	FSEG_SLICE,  /* [1:3] */
	FSEG_WILD,   /* .*  [*] */
	FSEG_FILTER, /* [?(...)] */
	FSEG_FUNC,   /* .length() and friends: only last; names[0] is the function */
};

struct fexpr;

struct fseg {
	enum fseg_kind kind;
	size_t offset; /* where the segment starts in the path text */
	bool deep;     /* reached through `..` */
	bool merge;    /* ['a','b'] ending the path: Jayway makes one object of the names */
	VEC(char *) names;
	VEC(long long) indexes;
	bool has_start, has_end;
	long long start, end;
	struct fexpr *filter;
};

struct fpath {
	enum fpath_root root;
	char *var; /* FROOT_VAR only */
	VEC(struct fseg) segs;
	bool definite; /* at most one result before any function: no wildcard, deep scan,
			* filter, slice or list */
};

/* Filter expressions: [?(@.price < 10 && @.name == 'x')] */
enum fexpr_kind { FX_OR, FX_AND, FX_NOT, FX_CMP, FX_EXISTS, FX_LIT, FX_PATH, FX_REGEX };
/* Comparisons of Choice rules use the first six; Jayway filters also the rest. */
enum fcmp {
	FC_EQ,
	FC_NE,
	FC_LT,
	FC_LE,
	FC_GT,
	FC_GE,
	FC_IN,
	FC_NIN,
	FC_SUBSETOF,
	FC_ANYOF,
	FC_NONEOF,
	FC_SIZE,
	FC_EMPTY,
};

/* Whether a comparison that came out c (< 0, 0, > 0) satisfies op, one of FC_EQ ... FC_GE. */
bool fcmp_holds(enum fcmp op, int c);
/* The sign of a - b for two JSON numbers (borrowed): exact when both are integers, else as
 * doubles. Choice rules and Jayway filters compare numbers alike. */
int fnum_compare(json_t *a, json_t *b);

struct fexpr {
	enum fexpr_kind kind;
	enum fcmp op;
	struct fexpr *a, *b;
	json_t *lit;	    /* FX_LIT, owned */
	struct fpath *path; /* FX_PATH, owned */
	void *regex;	    /* FX_REGEX: a compiled regex_t (owned), applied to `a` */
};

/*
 * Parses the path at s[0..len). On failure returns NULL and sets *message (owned by the
 * caller) and *offset. Parsing stops at the end of the text; trailing garbage is an error.
 */
struct fpath *fpath_parse(const char *s, size_t len, char **message, size_t *offset);
void fpath_free(struct fpath *p);
/* True for a segment that selects at most one node: one name or one index, no `..`. */
bool fpath_seg_definite(const struct fseg *g);
/* True when p is a reference path: definite and made of names and single indexes only. */
bool fpath_is_reference(const struct fpath *p, size_t *bad_seg);

/*
 * Evaluates p. `current` is the node for `@` (filters); input the document for `$`.
 * Returns a new reference: the single value of a definite path, an array for an indefinite
 * one. On a definite path that matches nothing returns NULL and sets *why (owned by the
 * caller) to a Jayway-like reason such as "Missing property in path $['a']".
 */
json_t *fpath_eval(const struct fpath *p, json_t *input, json_t *current,
		   const struct flow_env *env, char **why);

/*
 * The work one evaluation may do: nodes visited plus elements compared, the paths inside its
 * filters included. Filters nested in filters, each with a deep scan, cost O(nodes^depth);
 * past the limit the evaluation fails (NULL) with a *why starting with FPATH_BUDGET_PREFIX.
 * Twenty million steps take about a third of a second; real paths over a 256 KiB payload
 * (the largest Step Functions passes) take far fewer.
 */
#define FPATH_MAX_STEPS	    20000000
#define FPATH_BUDGET_PREFIX "The path is too costly to evaluate"
/* True when *why of a failed fpath_eval says it ran out of steps. */
bool fpath_over_budget(const char *why);
/* Filters nested inside filters deeper than this are a syntax error (flow_check_path), so a
 * definition that could only end on the step limit is caught at validation. */
#define FPATH_MAX_FILTER_NESTING 4

/* Places value at the reference path p in doc (doc modified in place; value borrowed).
 * Creates missing objects. False with *failed the index of the segment that cannot be
 * applied (a name on a non-object, an index out of an array's range). */
bool fpath_set(const struct fpath *p, json_t **doc, json_t *value, size_t *failed);

/* ---- intrinsic functions ---- */
enum farg_kind { FA_STRING, FA_NUMBER, FA_BOOL, FA_NULL, FA_PATH, FA_CALL };

struct fcall;
struct farg {
	enum farg_kind kind;
	size_t offset;	    /* where it starts in the expression */
	char *raw;	    /* FA_STRING: text between the quotes, escapes kept */
	json_t *value;	    /* FA_NUMBER, FA_BOOL, FA_NULL: owned */
	struct fpath *path; /* FA_PATH */
	char *path_text;    /* FA_PATH: as written */
	struct fcall *call; /* FA_CALL */
};

struct fcall {
	char *name; /* "States.Format" */
	size_t offset;
	VEC(struct farg) args;
};

struct fcall *fcall_parse(const char *s, char **message, size_t *offset);
void fcall_free(struct fcall *c);
/* Decodes the escapes of a string literal (\' \{ \} \\); result owned by the caller. */
char *farg_unescape(const char *raw);
/* The start of the cause of a path argument that finds nothing (States.Runtime); the
 * function's name goes before it once the whole call has failed (flow_intrinsic). */
#define FCALL_MISSING_ARG "The JsonPath argument for the field "
/* Evaluates a parsed call; new reference or NULL with err (States.IntrinsicFailure, or
 * States.Runtime for a path argument that finds nothing). */
json_t *fcall_eval(const struct fcall *c, json_t *input, const struct flow_env *env,
		   struct flow_error *err);
/* Checks the function name and its arity, for validation; NULL when fine, else a message
 * (owned by the caller). */
char *fcall_check(const struct fcall *c, size_t *offset);

/* ---- query languages ----
 * The pipeline entry points of flow.h dispatch on the state's query language, so a second
 * language (JSONata) plugs in here without changing the simulator. */
struct flow_lang {
	const char *name;
	json_t *(*state_input)(const struct flow_plan *plan, json_t *raw_input,
			       const struct flow_env *env, struct flow_steps *steps, size_t *size,
			       struct flow_error *err);
	json_t *(*state_output)(json_t *state, json_t *raw_input, json_t *result,
				const struct flow_env *env, struct flow_steps *steps,
				struct flow_error *err);
	bool (*rule)(json_t *rule, json_t *input, const struct flow_env *env, bool *result,
		     struct flow_error *err);
};
/* A state's input processing, prepared (pipeline.c). */
struct flow_plan {
	const struct flow_lang *lang;
	json_t *input_path;	      /* borrowed; NULL = absent */
	struct flow_template *params; /* Parameters (not a Map's: per item); NULL = none */
};
extern const struct flow_lang flow_lang_jsonpath;
extern const struct flow_lang flow_lang_jsonata;
/* The language of a state (its QueryLanguage, else env->query_language, else JSONPath). */
const struct flow_lang *flow_lang_of(json_t *state, const struct flow_env *env);
/* JSONPath Choice rule evaluation (choice.c). */
bool flow_jsonpath_rule(json_t *rule, json_t *input, const struct flow_env *env, bool *result,
			struct flow_error *err);

/* ---- helpers ---- */
/* Hands a parse or check failure to the caller of a function with optional `message` and
 * `offset` outputs: msg (taken; NULL = no failure) goes to *message, or is freed when message
 * is NULL, and off to *offset when offset is not NULL. Returns true when msg is NULL. */
bool flow_hand_error(char *msg, size_t off, char **message, size_t *offset);
/* Compact JSON text of v (owned by the caller), shortened to at most `max` bytes with "...". */
char *flow_dump(json_t *v, size_t max);
/* Jayway-style rendering of one path step: ['name'] or [3]. */
void fpath_step_name(struct strbuf *sb, const char *name);

/* ---- text ---- */
/* The compact size of the JSON string with the n bytes at s: quotes and escapes included. */
size_t flow_string_size(const char *s, size_t n);

#endif
