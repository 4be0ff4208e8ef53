/*
 * DynamoDB on in-memory tables, for the optimized integration (arn:aws:states:::dynamodb:
 * getItem / putItem / updateItem / deleteItem: the response plus SdkHttpMetadata and
 * SdkResponseMetadata, aws-facts b.10) and the SDK integration (arn:aws:states:::aws-sdk:
 * dynamodb:<op>, also query and scan: the response only).
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
 *
 * Tables: the seed's (its one item, seed.md "Loading items", keyed by ddb.partitionKeyName)
 * and any table a putItem or updateItem writes to, created then. Reading a table nobody wrote
 * to is ResourceNotFoundException. A created table learns its key schema from the first `Key`
 * it is given (first attribute = partition key, second = sort key); until then putItem
 * guesses it from the item's attribute names (id, pk, *Id, *_id; sk, sortKey). Items are kept
 * in insertion order: that is scan's order; query sorts by the sort key.
 */
#include "ddb.h"
#include "internal.h"

#include "items/items.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct ddb_table {
	char *name, *pk, *sk; /* sk NULL = partition key only */
	bool learned;	      /* the schema came from a Key, not from a guess */
	json_t *items;	      /* array of typed items (owned) */
};

struct sim_ddb {
	struct sim_engine *e;
	VEC(struct ddb_table) tables;
	struct sim_service svc;
};

/* One call being served. */
struct call {
	struct sim_ddb *d;
	const struct sim_call *c;
	json_t *p;    /* parameters (borrowed) */
	bool sdk;     /* aws-sdk:dynamodb */
	char rid[40]; /* request id */
	char *error, *message;
};

static struct ddb_table *table_find(struct sim_ddb *d, const char *name)
{
	for (size_t i = 0; i < d->tables.len; i++)
		if (strcmp(d->tables.items[i].name, name) == 0)
			return &d->tables.items[i];
	return NULL;
}

static struct ddb_table *table_add(struct sim_ddb *d, const char *name)
{
	struct ddb_table t = {.name = xstrdup(name), .items = json_array()};
	VEC_PUSH(d->tables, t);
	return &d->tables.items[d->tables.len - 1];
}

static bool fail(struct call *k, const char *error, char *message)
{
	if (!k->error) {
		k->error = xstrdup(error);
		k->message = message;
	} else {
		free(message);
	}
	return false;
}

static bool invalid(struct call *k, const char *message)
{
	return fail(k, "ValidationException", xstrdup(message));
}

/* The table a call names; NULL after an error. `create`: a write makes it. */
static struct ddb_table *table_of(struct call *k, bool create)
{
	const char *name = json_string_value(json_object_get(k->p, "TableName"));
	if (!name)
		return invalid(k, "1 validation error detected: Value null at 'tableName' failed "
				  "to satisfy constraint: Member must not be null"),
		       NULL;
	struct ddb_table *t = table_find(k->d, name);
	if (!t && create)
		t = table_add(k->d, name);
	if (!t)
		fail(k, "ResourceNotFoundException", xstrdup("Requested resource not found"));
	return t;
}

static bool name_like(const char *n, const char *const *exact, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strcasecmp(n, exact[i]) == 0)
			return true;
	return false;
}

/* Before any Key was seen: a guess from the item's attribute names. */
static void guess_schema(struct ddb_table *t, json_t *item)
{
	static const char *const pks[] = {"id", "pk"}, *const sks[] = {"sk", "sortKey"};
	const char *key;
	json_t *v;
	const char *pk = NULL, *sk = NULL;
	json_object_foreach(item, key, v)
	{
		size_t n = strlen(key);
		if (!pk && (name_like(key, pks, 2) || (n > 2 && strcmp(key + n - 2, "Id") == 0) ||
			    (n > 3 && strcmp(key + n - 3, "_id") == 0)))
			pk = key;
		else if (!sk && name_like(key, sks, 2))
			sk = key;
	}
	if (!pk)
		pk = json_object_iter_key(json_object_iter(item));
	free(t->pk);
	free(t->sk);
	t->pk = pk ? xstrdup(pk) : NULL;
	t->sk = sk ? xstrdup(sk) : NULL;
}

/* Checks `key` against the schema (learning it on first use); false after an error. */
static bool check_key(struct call *k, struct ddb_table *t, json_t *key)
{
	if (!json_is_object(key) || json_object_size(key) == 0)
		return invalid(k, "1 validation error detected: Value null at 'key' failed to "
				  "satisfy constraint: Member must not be null");
	if (!t->learned && json_object_size(key) <= 2) {
		void *it = json_object_iter(key);
		free(t->pk);
		free(t->sk);
		t->pk = xstrdup(json_object_iter_key(it));
		it = json_object_iter_next(key, it);
		t->sk = it ? xstrdup(json_object_iter_key(it)) : NULL;
		t->learned = true;
	}
	size_t want = t->sk ? 2 : 1;
	if (json_object_size(key) != want || !json_object_get(key, t->pk) ||
	    (t->sk && !json_object_get(key, t->sk)))
		return invalid(k, "The provided key element does not match the schema");
	return true;
}

static bool same_key(const struct ddb_table *t, json_t *a, json_t *b)
{
	return t->pk && json_equal(json_object_get(a, t->pk), json_object_get(b, t->pk)) &&
	       (!t->sk || json_equal(json_object_get(a, t->sk), json_object_get(b, t->sk)));
}

/* Index of the item with `key`, or -1. */
static long find_item(const struct ddb_table *t, json_t *key)
{
	size_t i;
	json_t *it;
	json_array_foreach(t->items, i, it) if (same_key(t, it, key)) return (long)i;
	return -1;
}

static void expr_ctx(struct call *k, struct ddb_expr_ctx *c)
{
	c->names = json_object_get(k->p, "ExpressionAttributeNames");
	c->values = json_object_get(k->p, "ExpressionAttributeValues");
	c->error = NULL;
}

/* ConditionExpression against the current item (NULL = none); false after an error. */
static bool condition_holds(struct call *k, json_t *current)
{
	const char *expr = json_string_value(json_object_get(k->p, "ConditionExpression"));
	if (!expr)
		return true;
	struct ddb_expr_ctx c;
	expr_ctx(k, &c);
	int r = ddb_cond_eval(&c, expr, current);
	if (r < 0)
		return fail(k, "ValidationException", c.error);
	if (!r)
		return fail(k, "ConditionalCheckFailedException",
			    xstrdup("The conditional request failed"));
	return true;
}

static const char *return_values(struct call *k, const char *const *allowed, size_t n)
{
	const char *rv = json_string_value(json_object_get(k->p, "ReturnValues"));
	if (!rv)
		return "NONE";
	for (size_t i = 0; i < n; i++)
		if (strcmp(rv, allowed[i]) == 0)
			return rv;
	char *msg = xasprintf("ReturnValues can not be %s for this operation", rv);
	fail(k, "ValidationException", msg);
	return NULL;
}

/* A copy of `item` with only the ProjectionExpression's attributes (all when there is none);
 * NULL after an error. Top-level names and #aliases only. */
static json_t *project(struct call *k, json_t *item)
{
	const char *expr = json_string_value(json_object_get(k->p, "ProjectionExpression"));
	if (!expr)
		return json_deep_copy(item);
	json_t *names = json_object_get(k->p, "ExpressionAttributeNames");
	json_t *out = json_object();
	for (const char *p = expr; *p;) {
		p += strspn(p, " \t\n");
		size_t n = strcspn(p, ",");
		size_t len = n;
		while (len && strchr(" \t\n", p[len - 1]))
			len--;
		char *name = xstrndup(p, len);
		const char *real =
		    *name == '#' ? json_string_value(json_object_get(names, name)) : name;
		if (!real || !*real || strpbrk(real, ".[") != NULL) {
			fail(k, "ValidationException",
			     xasprintf("Invalid ProjectionExpression: %s '%s'",
				       real ? "stepscope supports top-level attributes only, not"
					    : "An expression attribute name used in the document "
					      "path is not defined;",
				       name));
			free(name);
			json_decref(out);
			return NULL;
		}
		json_t *v = json_object_get(item, real);
		if (v)
			json_object_set_new(out, real, json_deep_copy(v));
		free(name);
		p += n + (p[n] == ',');
	}
	return out;
}

static json_t *op_get(struct call *k, struct ddb_table *t)
{
	json_t *key = json_object_get(k->p, "Key");
	if (!check_key(k, t, key))
		return NULL;
	long i = find_item(t, key);
	json_t *shown = i >= 0 ? project(k, json_array_get(t->items, (size_t)i)) : NULL;
	if (i >= 0 && !shown)
		return NULL;
	json_t *body = json_object();
	if (shown) /* no Item key at all when there is none (b.10) */
		json_object_set_new(body, "Item", shown);
	return body;
}

/* Put and Delete alike: the stored item with key's key (its index in *i, -1 when none) must
 * pass the ConditionExpression; the response body (owned by the caller) holds it as
 * Attributes when rv is ALL_OLD. NULL when the condition fails (k says why). */
static json_t *write_body(struct call *k, struct ddb_table *t, json_t *key, const char *rv, long *i)
{
	*i = find_item(t, key);
	json_t *old = *i >= 0 ? json_array_get(t->items, (size_t)*i) : NULL;
	if (!condition_holds(k, old))
		return NULL;
	json_t *body = json_object();
	if (old && strcmp(rv, "ALL_OLD") == 0)
		json_object_set_new(body, "Attributes", json_deep_copy(old));
	return body;
}

static json_t *op_put(struct call *k, struct ddb_table *t)
{
	static const char *const rvs[] = {"NONE", "ALL_OLD"};
	json_t *item = json_object_get(k->p, "Item");
	const char *rv = return_values(k, rvs, 2);
	if (!rv)
		return NULL;
	if (!json_is_object(item) || !items_is_typed_item(item))
		return invalid(k, "One or more parameter values were invalid: Item is not a map "
				  "of attribute values"),
		       NULL;
	if (!t->learned)
		guess_schema(t, item);
	if (!json_object_get(item, t->pk) || (t->sk && !json_object_get(item, t->sk)))
		return fail(k, "ValidationException",
			    xasprintf("One or more parameter values were invalid: Missing the key "
				      "%s in the item",
				      json_object_get(item, t->pk) ? t->sk : t->pk)),
		       NULL;
	long i;
	json_t *body = write_body(k, t, item, rv, &i);
	if (!body)
		return NULL;
	if (i >= 0)
		json_array_set_new(t->items, i, json_deep_copy(item));
	else
		json_array_append_new(t->items, json_deep_copy(item));
	return body;
}

static json_t *op_delete(struct call *k, struct ddb_table *t)
{
	static const char *const rvs[] = {"NONE", "ALL_OLD"};
	json_t *key = json_object_get(k->p, "Key");
	const char *rv = return_values(k, rvs, 2);
	if (!rv || !check_key(k, t, key))
		return NULL;
	long i;
	json_t *body = write_body(k, t, key, rv, &i);
	if (!body)
		return NULL;
	if (i >= 0)
		json_array_remove(t->items, i);
	return body;
}

/* The attributes ReturnValues asks for: `from` restricted to `names` (UPDATED_*), or all. */
static json_t *pick(json_t *from, json_t *names)
{
	json_t *out = json_object();
	size_t i;
	json_t *n;
	if (!names)
		json_object_update(out, from);
	else
		json_array_foreach(names, i, n)
		{
			json_t *v = json_object_get(from, json_string_value(n));
			if (v)
				json_object_set(out, json_string_value(n), v);
		}
	return out;
}

static json_t *op_update(struct call *k, struct ddb_table *t)
{
	static const char *const rvs[] = {"NONE", "ALL_OLD", "ALL_NEW", "UPDATED_OLD",
					  "UPDATED_NEW"};
	json_t *key = json_object_get(k->p, "Key");
	const char *rv = return_values(k, rvs, 5);
	if (!rv || !check_key(k, t, key))
		return NULL;
	long i = find_item(t, key);
	json_t *old = i >= 0 ? json_array_get(t->items, i) : NULL;
	if (!condition_holds(k, old))
		return NULL;
	json_t *before = old ? json_incref(old) : json_deep_copy(key);
	json_t *item = json_deep_copy(before);
	json_t *touched = json_array();
	const char *expr = json_string_value(json_object_get(k->p, "UpdateExpression"));
	struct ddb_expr_ctx c;
	expr_ctx(k, &c);
	json_t *body = NULL;
	if (expr && !ddb_update_apply(&c, expr, before, item, touched)) {
		fail(k, "ValidationException", c.error);
	} else if (!json_equal(json_object_get(item, t->pk), json_object_get(key, t->pk)) ||
		   (t->sk &&
		    !json_equal(json_object_get(item, t->sk), json_object_get(key, t->sk)))) {
		fail(k, "ValidationException",
		     xstrdup("One or more parameter values were invalid: Cannot update attribute "
			     "that is part of the key"));
	} else {
		body = json_object();
		bool updated = strncmp(rv, "UPDATED_", 8) == 0;
		json_t *src = strstr(rv, "NEW") ? item : old;
		if (strcmp(rv, "NONE") != 0 && src)
			json_object_set_new(body, "Attributes",
					    pick(src, updated ? touched : NULL));
		if (json_object_size(json_object_get(body, "Attributes")) == 0)
			json_object_del(body, "Attributes");
		if (i >= 0)
			json_array_set(t->items, i, item);
		else
			json_array_append(t->items, item);
	}
	json_decref(item);
	json_decref(before);
	json_decref(touched);
	return body;
}

/* The item's key attributes (for LastEvaluatedKey). */
static json_t *key_of(const struct ddb_table *t, json_t *item)
{
	json_t *key = json_object();
	json_object_set(key, t->pk, json_object_get(item, t->pk));
	if (t->sk && json_object_get(item, t->sk))
		json_object_set(key, t->sk, json_object_get(item, t->sk));
	return key;
}

static const char *sort_key; /* for by_sort_key: qsort has no context argument in C11 */

static int by_sort_key(const void *a, const void *b)
{
	json_t *x = json_object_get(*(json_t *const *)a, sort_key);
	json_t *y = json_object_get(*(json_t *const *)b, sort_key);
	int cmp = 0;
	if (!ddb_av_compare(x, y, &cmp))
		return 0;
	return cmp;
}

/* query and scan: `cond` selects the candidates (KeyConditionExpression; NULL = all), then
 * Limit counts the items read, then FilterExpression. */
static json_t *op_read(struct call *k, struct ddb_table *t, const char *cond)
{
	struct ddb_expr_ctx c;
	expr_ctx(k, &c);
	VEC(json_t *) cand = {0};
	size_t i;
	json_t *it;
	json_array_foreach(t->items, i, it)
	{
		int r = cond ? ddb_cond_eval(&c, cond, it) : 1;
		if (r < 0)
			break;
		if (r)
			VEC_PUSH(cand, it);
	}
	if (cond && t->sk && cand.len > 1) {
		sort_key = t->sk;
		qsort(cand.items, cand.len, sizeof(json_t *), by_sort_key);
	}
	json_t *fwd = json_object_get(k->p, "ScanIndexForward");
	bool reverse = cond && json_is_false(fwd);
	json_t *lim = json_object_get(k->p, "Limit");
	size_t limit = json_integer_value(lim) > 0 ? (size_t)json_integer_value(lim) : cand.len;
	const char *filter = json_string_value(json_object_get(k->p, "FilterExpression"));
	json_t *items = json_array();
	size_t scanned = 0;
	for (; !c.error && scanned < cand.len && scanned < limit; scanned++) {
		json_t *item = cand.items[reverse ? cand.len - 1 - scanned : scanned];
		int r = filter ? ddb_cond_eval(&c, filter, item) : 1;
		json_t *shown = r > 0 ? project(k, item) : NULL;
		if (r > 0 && !shown)
			break;
		if (shown)
			json_array_append_new(items, shown);
	}
	json_t *body = NULL;
	if (k->error) {
		json_decref(items);
	} else if (c.error) {
		fail(k, "ValidationException", c.error);
		json_decref(items);
	} else {
		body = json_pack("{s:i, s:o, s:i}", "Count", (json_int_t)json_array_size(items),
				 "Items", items, "ScannedCount", (json_int_t)scanned);
		if (scanned < cand.len && scanned > 0)
			json_object_set_new(
			    body, "LastEvaluatedKey",
			    key_of(t, cand.items[reverse ? cand.len - scanned : scanned - 1]));
	}
	VEC_FREE(cand);
	return body;
}

static json_t *dispatch(struct call *k, const char *op)
{
	bool write = strcmp(op, "putItem") == 0 || strcmp(op, "updateItem") == 0;
	struct ddb_table *t = table_of(k, write);
	if (!t)
		return NULL;
	if (strcmp(op, "getItem") == 0)
		return op_get(k, t);
	if (strcmp(op, "putItem") == 0)
		return op_put(k, t);
	if (strcmp(op, "updateItem") == 0)
		return op_update(k, t);
	if (strcmp(op, "deleteItem") == 0)
		return op_delete(k, t);
	if (strcmp(op, "scan") == 0)
		return op_read(k, t, NULL);
	const char *cond = json_string_value(json_object_get(k->p, "KeyConditionExpression"));
	if (!cond)
		return invalid(k, "Either the KeyConditions or KeyConditionExpression parameter "
				  "must be specified in the request."),
		       NULL;
	return op_read(k, t, cond);
}

/* The operation a resource names, or NULL; *sdk tells the integration. */
static const char *operation(const char *r, bool *sdk)
{
	static const char *const ops[] = {"getItem",	"putItem", "updateItem",
					  "deleteItem", "query",   "scan"};
	const char *p = strstr(r, ":states:::dynamodb:");
	*sdk = p == NULL;
	if (!p)
		p = strstr(r, ":states:::aws-sdk:dynamodb:");
	if (!p || strncmp(r, "arn:", 4) != 0)
		return NULL;
	p = strchr(p + strlen(":states:::"), ':') + 1;
	if (*sdk)
		p = strchr(p, ':') + 1;
	for (size_t i = 0; i < ARRAY_LEN(ops); i++)
		if (strcmp(p, ops[i]) == 0 && (*sdk || i < 4))
			return ops[i];
	return NULL;
}

static bool match_ddb(const struct sim_service *svc, const char *r)
{
	bool sdk;
	return operation(r, &sdk) != NULL;
}

static void invoke_ddb(const struct sim_service *svc, const struct sim_call *call,
		       struct sim_outcome *out)
{
	struct sim_ddb *d = svc->ctx;
	struct call k = {.d = d, .c = call, .p = call->parameters};
	const char *op = operation(call->resource, &k.sdk);
	sim_uuid(call->rng, k.rid);
	out->duration_ms = d->e->opt.generic_duration_ms;
	json_t *body = dispatch(&k, op);
	if (!body) {
		/* Service errors: DynamoDB.<Code> for the optimized integration, the SDK
		 * client's name for aws-sdk (connect-ddb.html, "Handling errors"). */
		out->error = xasprintf("%s.%s", k.sdk ? "DynamoDb" : "DynamoDB", k.error);
		out->cause =
		    k.sdk ? xasprintf("%s (Service: DynamoDb, Status Code: 400, Request ID: %s)",
				      k.message, k.rid)
			  : xasprintf("%s (Service: AmazonDynamoDBv2; Status Code: 400; Error "
				      "Code: %s; Request ID: %s; Proxy: null)",
				      k.message, k.error, k.rid);
	} else if (k.sdk) {
		out->result = body;
		body = NULL;
	} else {
		out->result = sim_ddb_metadata(d->e, call, body, k.rid);
		body = NULL;
	}
	json_decref(body);
	free(k.error);
	free(k.message);
}

struct sim_ddb *sim_ddb_new(struct sim_engine *e, const char *table, const char *pk, json_t *item)
{
	struct sim_ddb *d = xcalloc(1, sizeof(*d));
	d->e = e;
	d->svc = (struct sim_service){"dynamodb", match_ddb, invoke_ddb, d, false};
	if (table) {
		struct ddb_table *t = table_add(d, table);
		t->pk = xstrdup(pk);
		t->learned = true;
		if (item)
			json_array_append(t->items, item);
	}
	return d;
}

void sim_ddb_add_table(struct sim_ddb *d, const char *name, const char *pk, const char *sk,
		       json_t *items)
{
	struct ddb_table *t = table_find(d, name);
	if (!t)
		t = table_add(d, name);
	free(t->pk);
	free(t->sk);
	t->pk = xstrdup(pk);
	t->sk = sk ? xstrdup(sk) : NULL;
	t->learned = true;
	json_array_clear(t->items);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		long at = find_item(t, it); /* a later item with the same key wins, as a put */
		if (at >= 0)
			json_array_set(t->items, (size_t)at, it);
		else
			json_array_append(t->items, it);
	}
}

const struct sim_service *sim_ddb_service(struct sim_ddb *d)
{
	return &d->svc;
}

void sim_ddb_free(struct sim_ddb *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->tables.len; i++) {
		struct ddb_table *t = &d->tables.items[i];
		free(t->name);
		free(t->pk);
		free(t->sk);
		json_decref(t->items);
	}
	VEC_FREE(d->tables);
	free(d);
}
