/*
 * Item files: format detection, JSON (plain or DynamoDB), JSON Lines. CSV is in csv.c. jansson
 * keeps no positions on values, so DynamoDB shape errors carry a JSON pointer that
 * items_pointer_offset (pointer.c) turns back into a line and column.
 */
#include "items/internal.h"
#include "doc/doc.h"

#include <stdlib.h>
#include <string.h>

const char *items_format_name(enum items_format f)
{
	switch (f) {
	case ITEMS_AUTO:
		return "auto";
	case ITEMS_JSON:
		return "JSON";
	case ITEMS_JSONL:
		return "JSON Lines";
	case ITEMS_CSV:
		return "CSV";
	case ITEMS_DYNAMODB:
		return "DynamoDB JSON";
	}
	return "?";
}

void items_error_at(struct diags *d, const char *name, const char *text, size_t len, size_t off,
		    const char *fmt, ...)
{
	int line, col;
	text_position(text, len, off, &line, &col);
	va_list ap;
	va_start(ap, fmt);
	diags_vadd(d, DIAG_ERROR, "items", name, line, col, NULL, fmt, ap);
	va_end(ap);
}

static void json_error(struct diags *d, const char *name, const char *text, size_t len, size_t base,
		       const json_error_t *e)
{
	/* position counts the bytes read, the offending one included. */
	size_t off = base + (e->position > 0 ? (size_t)e->position - 1 : 0);
	items_error_at(d, name, text, len, off, "invalid JSON: %s", e->text);
}

/* Gives each new diag (from index `from`) with a JSON pointer its line and column. */
static void locate(struct diags *d, size_t from, const char *name, const char *text, size_t len,
		   size_t base)
{
	for (size_t i = from; i < d->list.len; i++) {
		struct diag *dg = &d->list.items[i];
		size_t off;
		if (!dg->pointer || dg->line)
			continue;
		if (!items_pointer_offset(text + base, len - base, dg->pointer, &off))
			off = 0;
		text_position(text, len, base + off, &dg->line, &dg->column);
		free(dg->file);
		dg->file = xstrdup(name);
	}
}

static bool all_typed(const json_t *arr)
{
	size_t i;
	json_t *x;
	if (json_array_size(arr) == 0)
		return false;
	json_array_foreach(arr, i, x)
	{
		if (!items_is_typed_item(x))
			return false;
	}
	return true;
}

/* A parsed JSON document → the item array (plain, or DynamoDB JSON unmarshalled). */
static json_t *from_json(json_t *doc, enum items_format *fmt, struct diags *d)
{
	json_t *arr;
	*fmt = ITEMS_JSON;
	if (json_is_array(doc)) {
		if (!all_typed(doc))
			return json_incref(doc);
		*fmt = ITEMS_DYNAMODB;
		return items_unmarshal_array(doc, "", items_unmarshal_item, d);
	}
	if (json_is_object(doc) && (arr = json_object_get(doc, "Items"))) {
		*fmt = ITEMS_DYNAMODB;
		if (!json_is_array(arr)) {
			diags_add(d, DIAG_ERROR, "items", NULL, 0, 0, "/Items",
				  "\"Items\" must be an array of DynamoDB items, got %s",
				  doc_type_phrase(arr));
			return NULL;
		}
		return items_unmarshal_array(arr, "/Items", items_unmarshal_item, d);
	}
	if (json_is_object(doc) && (arr = json_object_get(doc, "Item"))) {
		*fmt = ITEMS_DYNAMODB;
		json_t *item = items_unmarshal_item(arr, "/Item", d);
		return item ? json_pack("[o]", item) : NULL;
	}
	diags_add(d, DIAG_ERROR, "items", NULL, 0, 0, "",
		  "expected a JSON array of items (or DynamoDB JSON with \"Items\" or \"Item\"), "
		  "got %s",
		  doc_type_phrase(doc));
	return NULL;
}

static json_t *load_json(const char *name, const char *text, size_t len, enum items_format *fmt,
			 struct diags *d)
{
	json_error_t e;
	if (items_span(text, 0, len, " \t\r\n") == len) {
		items_error_at(d, name, text, len, 0, "empty file: expected a JSON array of items");
		return NULL;
	}
	json_t *doc = json_loadb(text, len, JSON_DECODE_ANY, &e);
	if (!doc) {
		json_error(d, name, text, len, 0, &e);
		return NULL;
	}
	size_t from = d->list.len;
	json_t *items = from_json(doc, fmt, d);
	locate(d, from, name, text, len, 0);
	json_decref(doc);
	return items;
}

/* A DynamoDB export to S3 is JSON Lines of {"Item": {...}}. */
static bool is_export(const json_t *values)
{
	size_t i;
	json_t *x;
	if (json_array_size(values) == 0)
		return false;
	json_array_foreach(values, i, x)
	{
		if (json_object_size(x) != 1 || !items_is_typed_item(json_object_get(x, "Item")))
			return false;
	}
	return true;
}

static json_t *load_jsonl(const char *name, const char *text, size_t len, enum items_format *fmt,
			  struct diags *d)
{
	json_t *values = json_array();
	bool ok = true;
	for (size_t start = 0; start < len;) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t skip = start + items_span(text, start, end, " \t\r");
		if (skip < end) {
			json_error_t e;
			json_t *v = json_loadb(text + start, end - start, JSON_DECODE_ANY, &e);
			if (v)
				json_array_append_new(values, v);
			else
				json_error(d, name, text, len, start, &e);
			ok = ok && v;
		}
		start = end + 1;
	}
	*fmt = ITEMS_JSONL;
	if (!ok) {
		json_decref(values);
		return NULL;
	}
	if (is_export(values)) {
		json_t *items = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(values, i, x) json_array_append_new(
		    items, items_unmarshal_item(json_object_get(x, "Item"), "", NULL));
		json_decref(values);
		*fmt = ITEMS_DYNAMODB;
		return items;
	}
	return values;
}

/* Every non-blank line is a JSON value. */
static bool looks_like_jsonl(const char *text, size_t len)
{
	bool any = false;
	for (size_t start = 0; start < len;) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (start + items_span(text, start, end, " \t\r") < end) {
			json_t *v = json_loadb(text + start, end - start, JSON_DECODE_ANY, NULL);
			json_decref(v);
			if (!v)
				return false;
			any = true;
		}
		start = end + 1;
	}
	return any;
}

static enum items_format detect(const char *name, const char *text, size_t len)
{
	if (name && (str_ends_with(name, ".json") || str_ends_with(name, ".JSON")))
		return ITEMS_JSON;
	if (name && (str_ends_with(name, ".jsonl") || str_ends_with(name, ".ndjson")))
		return ITEMS_JSONL;
	if (name && (str_ends_with(name, ".csv") || str_ends_with(name, ".CSV")))
		return ITEMS_CSV;
	size_t i = items_span(text, 0, len, " \t\r\n");
	if (i < len && (text[i] == '[' || text[i] == '{')) {
		json_t *v = json_loadb(text, len, JSON_DECODE_ANY, NULL);
		json_decref(v);
		return v || !looks_like_jsonl(text, len) ? ITEMS_JSON : ITEMS_JSONL;
	}
	return looks_like_jsonl(text, len) ? ITEMS_JSONL : ITEMS_CSV;
}

json_t *items_load_text(const char *name, const char *text, size_t len, enum items_format format,
			enum items_format *detected, struct diags *d)
{
	enum items_format fmt =
	    format == ITEMS_AUTO || format == ITEMS_DYNAMODB ? detect(name, text, len) : format;
	if (fmt == ITEMS_JSON && format == ITEMS_DYNAMODB)
		fmt = ITEMS_JSON; /* DynamoDB JSON is read by the JSON reader */
	/* jansson skips a raw NUL byte in some places instead of rejecting it (CSV keeps it). */
	const char *nul = fmt == ITEMS_CSV ? NULL : memchr(text, '\0', len);
	if (nul) {
		items_error_at(d, name, text, len, (size_t)(nul - text), "NUL byte in the file");
		return NULL;
	}
	json_t *items;
	if (fmt == ITEMS_JSON)
		items = load_json(name, text, len, &fmt, d);
	else if (fmt == ITEMS_JSONL)
		items = load_jsonl(name, text, len, &fmt, d);
	else
		items = items_load_csv(name, text, len, d);
	if (detected)
		*detected = fmt;
	return items;
}

json_t *items_load(const char *path, enum items_format format, enum items_format *detected,
		   struct diags *d)
{
	size_t len;
	char *err = NULL;
	char *text = file_read_all(path, &len, &err);
	if (!text) {
		diags_add(d, DIAG_ERROR, "io", NULL, 0, 0, NULL, "cannot read items: %s", err);
		free(err);
		return NULL;
	}
	json_t *items = items_load_text(path, text, len, format, detected, d);
	free(text);
	return items;
}
