/*
 * The DynamoDB model's pieces shared between ddb.c (tables, operations, results) and
 * ddb_expr.c (condition, key-condition, filter and update expressions). Items are typed
 * DynamoDB JSON objects ({"attr": {"S": "x"}, ...}), as the Task parameters carry them.
 */
#ifndef STEPSCOPE_SIM_DDB_H
#define STEPSCOPE_SIM_DDB_H

#include <jansson.h>
#include <stdbool.h>

/* What an expression can refer to: ExpressionAttributeNames / Values (borrowed, may be
 * NULL). `error` is set (owned) when an expression is invalid: a ValidationException. */
struct ddb_expr_ctx {
	json_t *names, *values;
	char *error;
};

/* Evaluates condition `expr` (borrowed) on `item` (borrowed; NULL = no such item): 1 true,
 * 0 false, -1 invalid (c->error set). */
int ddb_cond_eval(struct ddb_expr_ctx *c, const char *expr, json_t *item);

/* Applies UpdateExpression `expr` to `item` (modified in place), reading operands from `old`
 * (the item before the update; both borrowed). The names of the attributes it sets or removes
 * are appended to `touched` (a JSON array, borrowed). False when invalid (c->error set). */
bool ddb_update_apply(struct ddb_expr_ctx *c, const char *expr, json_t *old, json_t *item,
		      json_t *touched);

/* Orders two attribute values of the same scalar type (S, N, B): <0, 0, >0 in *cmp. False
 * when they cannot be ordered (other types, or different types). */
bool ddb_av_compare(json_t *a, json_t *b, int *cmp);

/* ---- the model (ddb.c) ---- */
struct sim_engine;
struct sim_call;
struct sim_ddb;
/* The tables, with the seed's `table` (borrowed; NULL = none) keyed by `pk` holding `item`
 * (borrowed, a reference is kept; NULL = empty). Owned by the caller (sim_ddb_free). */
struct sim_ddb *sim_ddb_new(struct sim_engine *e, const char *table, const char *pk, json_t *item);
/* See sim_scenario_add_table. */
void sim_ddb_add_table(struct sim_ddb *d, const char *name, const char *pk, const char *sk,
		       json_t *items);
/* The service model to register (borrowed from d). */
const struct sim_service *sim_ddb_service(struct sim_ddb *d);
void sim_ddb_free(struct sim_ddb *d);

/* service.c: an optimized DynamoDB result: `body` (taken; the DynamoDB response) plus the
 * Sdk*Metadata pair with DynamoDB's headers (aws-facts b.10, corpus dynamodb-put-get), request
 * id `rid` (borrowed). A new reference. */
json_t *sim_ddb_metadata(struct sim_engine *e, const struct sim_call *call, json_t *body,
			 const char *rid);

#endif
