/*
 * The JSONPath parser's shared pieces (path_parse.c, filter_parse.c): the cursor over the
 * text and its helpers. Private to src/flow.
 */
#ifndef STEPSCOPE_FLOW_PATHPARSE_H
#define STEPSCOPE_FLOW_PATHPARSE_H

#include "flow/internal.h"

struct pp {
	const char *s;
	size_t len, pos;
	char *msg;
	size_t off;
	int depth;   /* of nested filters and parentheses: bounded, the stack is not */
	int filters; /* filters open around the cursor (FPATH_MAX_FILTER_NESTING) */
};

/* Far beyond any real filter; stops a hostile definition from exhausting the stack. */
#define MAX_DEPTH 64

/* Records the first problem (message and offset); always returns false. */
bool pp_fail(struct pp *p, size_t at, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* The byte `ahead` positions on, or -1 past the end. */
int pp_peek(const struct pp *p, size_t ahead);
void pp_space(struct pp *p);
/* Consumes tok when the text continues with it. */
bool pp_accept(struct pp *p, const char *tok);
/* A quoted string at the cursor ('...' or "...", backslash escapes); owned by the caller. */
char *pp_quoted(struct pp *p);
/* A path at the cursor; in a filter it may start with `@` and stops before an operator. */
struct fpath *pp_path(struct pp *p, bool in_filter);
/* A filter expression: the inside of `[?( ... )]`. */
struct fexpr *pp_filter(struct pp *p);
void fexpr_free(struct fexpr *e);

#endif
