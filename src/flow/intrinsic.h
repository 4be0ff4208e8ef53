/*
 * Private to the intrinsic functions (intrinsic_fns.c, intrinsic_scalar.c): the call being
 * evaluated and the argument checks that report States.IntrinsicFailure naming the function
 * and the argument.
 */
#ifndef STEPSCOPE_FLOW_INTRINSIC_H
#define STEPSCOPE_FLOW_INTRINSIC_H

#include "flow/internal.h"

#define FAILURE "States.IntrinsicFailure"

/* One evaluation: the parsed call, its evaluated arguments (borrowed), where errors go. */
struct call {
	const struct fcall *c;
	json_t **args;
	size_t n;
	const struct flow_env *env;
	struct flow_error *err;
};

typedef json_t *(*intrinsic_fn)(struct call *k);

/* Fails with "Invalid argument <i+1> of <function>: <what>"; returns NULL. */
json_t *icall_fail(struct call *k, size_t i, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Argument checks: true when argument i has the type, else fail (icall_int rounds reals). */
bool icall_string(struct call *k, size_t i);
bool icall_array(struct call *k, size_t i);
bool icall_int(struct call *k, size_t i, long long *out);
/* Characters (code points) of a UTF-8 string. */
size_t icall_chars(const char *s);

json_t *intrinsic_base64_encode(struct call *k);
json_t *intrinsic_base64_decode(struct call *k);
json_t *intrinsic_hash(struct call *k);
json_t *intrinsic_math_random(struct call *k);
json_t *intrinsic_math_add(struct call *k);
json_t *intrinsic_string_split(struct call *k);
json_t *intrinsic_uuid(struct call *k);

#endif
