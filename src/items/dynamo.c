/*
 * DynamoDB attribute values, as boto3's TypeSerializer / TypeDeserializer convert them, and
 * the seed's table item.
 * https://boto3.amazonaws.com/v1/documentation/api/latest/_modules/boto3/dynamodb/types.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 */
#include "items/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shortest decimal that reads back as v, written without exponent, trailing zeros trimmed:
 * DynamoDB stores numbers that way ("Leading and trailing zeroes are trimmed"). */
static char *number_text(double v)
{
	if (v == 0)
		return xstrdup("0");
	char sci[40];
	for (int p = 0; p < 17; p++) {
		snprintf(sci, sizeof(sci), "%.*e", p, v);
		if (strtod(sci, NULL) == v)
			break;
	}
	/* sci = [-]d[.ddd]e[+-]xx */
	char digits[24];
	size_t nd = 0;
	const char *s = sci;
	bool neg = *s == '-';
	s += neg;
	for (; *s && *s != 'e'; s++)
		if (*s != '.')
			digits[nd++] = *s;
	int exp = atoi(s + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	struct strbuf sb;
	sb_init(&sb);
	if (neg)
		sb_addc(&sb, '-');
	int point = exp + 1; /* digits before the decimal point */
	if (point <= 0) {
		sb_add(&sb, "0.");
		for (int i = 0; i < -point; i++)
			sb_addc(&sb, '0');
		sb_addn(&sb, digits, nd);
	} else {
		for (int i = 0; i < point; i++)
			sb_addc(&sb, (size_t)i < nd ? digits[i] : '0');
		if ((size_t)point < nd) {
			sb_addc(&sb, '.');
			sb_addn(&sb, digits + point, nd - (size_t)point);
		}
	}
	return sb_take(&sb);
}

json_t *items_marshal(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_pack("{s:O}", "S", (json_t *)v);
	case JSON_INTEGER: {
		char buf[32];
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return json_pack("{s:s}", "N", buf);
	}
	case JSON_REAL: {
		char *t = number_text(json_real_value(v));
		json_t *av = json_pack("{s:s}", "N", t);
		free(t);
		return av;
	}
	case JSON_TRUE:
	case JSON_FALSE:
		return json_pack("{s:b}", "BOOL", json_is_true(v));
	case JSON_NULL:
		return json_pack("{s:b}", "NULL", 1);
	case JSON_ARRAY: {
		json_t *l = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) json_array_append_new(l, items_marshal(x));
		return json_pack("{s:o}", "L", l);
	}
	case JSON_OBJECT: {
		json_t *m = json_object();
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) json_object_set_new(m, k, items_marshal(x));
		return json_pack("{s:o}", "M", m);
	}
	}
	return json_null();
}

/* DynamoDB number syntax: -?digits[.digits][e[+-]digits] (also ".5", "5."). */
static bool number_ok(const char *s)
{
	const char *p = s + (*s == '-' || *s == '+');
	size_t d = strspn(p, "0123456789");
	p += d;
	if (*p == '.') {
		size_t f = strspn(p + 1, "0123456789");
		p += 1 + f;
		d += f;
	}
	if (!d)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		p += (*p == '-' || *p == '+');
		size_t e = strspn(p, "0123456789");
		if (!e)
			return false;
		p += e;
	}
	return !*p;
}

static json_t *number_json(const char *s)
{
	const char *p = s + (*s == '-');
	if (strspn(p, "0123456789") == strlen(p) && strlen(p) < 19)
		return json_integer(strtoll(s, NULL, 10));
	return json_real(strtod(s, NULL));
}

static bool b64_ok(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
	       strlen(s);
}

static json_t *bad(struct diags *d, const char *where, const char *fmt, const char *detail)
{
	if (d)
		diags_add(d, DIAG_ERROR, "dynamodb-json", NULL, 0, 0, where, fmt, detail);
	return NULL;
}

static json_t *unmarshal_set(const json_t *arr, const char *type, const char *where,
			     struct diags *d)
{
	if (!json_is_array(arr))
		return bad(d, where, "%s must be a list", type);
	json_t *out = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x)
	{
		const char *s = json_string_value(x);
		bool ok = s && (type[0] == 'S' || (type[0] == 'N' ? number_ok(s) : b64_ok(s)));
		if (!ok) {
			char *at = xasprintf("%s/%s/%zu", where, type, i);
			bad(d, at, "invalid %s element", type);
			free(at);
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, type[0] == 'N' ? number_json(s) : json_string(s));
	}
	return out;
}

json_t *items_unmarshal_array(const json_t *arr, const char *where, items_unmarshal_fn *fn,
			      struct diags *d)
{
	json_t *out = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x)
	{
		char *at = xasprintf("%s/%zu", where, i);
		json_t *u = fn(x, at, d);
		free(at);
		if (!u) {
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, u);
	}
	return out;
}

static json_t *unmarshal_list(const json_t *v, const char *where, struct diags *d)
{
	if (!json_is_array(v))
		return bad(d, where, "%s must be a list", "L");
	char *list = xasprintf("%s/L", where);
	json_t *out = items_unmarshal_array(v, list, items_unmarshal, d);
	free(list);
	return out;
}

static const char *const types[] = {"S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"};

json_t *items_unmarshal(const json_t *av, const char *where, struct diags *d)
{
	const char *type = NULL;
	json_t *v = NULL;
	if (json_is_object(av) && json_object_size(av) == 1) {
		void *it = json_object_iter((json_t *)av);
		type = json_object_iter_key(it);
		v = json_object_iter_value(it);
	}
	size_t t = 0;
	while (type && t < ARRAY_LEN(types) && strcmp(type, types[t]))
		t++;
	if (!type || t == ARRAY_LEN(types))
		return bad(
		    d, where, "%s",
		    "expected a DynamoDB attribute value: an object with one key of S, N, B, "
		    "BOOL, NULL, L, M, SS, NS, BS");
	char *at = pointer_join(where, type);
	json_t *out = NULL;
	const char *str = json_string_value(v);
	switch (t) {
	case 0: /* S */
		out = str ? json_string(str) : bad(d, at, "%s must be a string", "S");
		break;
	case 1: /* N: a number in a string */
		out = str && number_ok(str) ? number_json(str)
					    : bad(d, at, "%s must be a number in a string", "N");
		break;
	case 2: /* B: base64 text stays text */
		out = str && b64_ok(str) ? json_string(str)
					 : bad(d, at, "%s must be a base64 string", "B");
		break;
	case 3:
		out = json_is_boolean(v) ? json_boolean(json_is_true(v))
					 : bad(d, at, "%s must be true or false", "BOOL");
		break;
	case 4:
		out = json_is_true(v) ? json_null() : bad(d, at, "%s must be true", "NULL");
		break;
	case 5:
		out = unmarshal_list(v, where, d);
		break;
	case 6:
		out = json_is_object(v) ? items_unmarshal_item(v, at, d)
					: bad(d, at, "%s must be an object", "M");
		break;
	default:
		out = unmarshal_set(v, type, where, d);
		break;
	}
	free(at);
	return out;
}

json_t *items_unmarshal_item(const json_t *item, const char *where, struct diags *d)
{
	if (!json_is_object(item))
		return bad(d, where, "%s",
			   "expected a DynamoDB item: an object of attribute values");
	json_t *out = json_object();
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)item, k, x)
	{
		char *at = pointer_join(where, k);
		json_t *u = items_unmarshal(x, at, d);
		free(at);
		if (!u) {
			json_decref(out);
			return NULL;
		}
		json_object_set_new(out, k, u);
	}
	return out;
}

bool items_is_typed_item(const json_t *item)
{
	if (!json_is_object(item) || json_object_size(item) == 0)
		return false;
	json_t *u = items_unmarshal_item(item, "", NULL);
	json_decref(u);
	return u != NULL;
}

json_t *items_seed_table_item(const struct cfg_scenario *config, const json_t *items)
{
	json_t *values = items_marshal(items);
	return json_pack("{s:{s:s}, s:o}", config->ddb.partition_key_name, "S",
			 config->ddb.partition_key_value_field, "values", values);
}
