/*
 * Validation, field level: which fields each state type accepts (and in which query language),
 * value types and ranges, mutually exclusive fields, Next/End, and path syntax. Retriers,
 * catchers and Choice rules are in rules.c.
 * Fields: https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html
 * and the per-state pages (state-task.html, state-map.html, ...); ranges: aws-facts b.3-b.6.
 */
#include "asl/internal.h"

#include <stdlib.h>
#include <string.h>

enum {
	T_TASK = 1 << ASL_TASK,
	T_PASS = 1 << ASL_PASS,
	T_CHOICE = 1 << ASL_CHOICE,
	T_WAIT = 1 << ASL_WAIT,
	T_SUCCEED = 1 << ASL_SUCCEED,
	T_FAIL = 1 << ASL_FAIL,
	T_PARALLEL = 1 << ASL_PARALLEL,
	T_MAP = 1 << ASL_MAP,
	T_ALL = 0xff,
	T_FLOW = T_TASK | T_PASS | T_WAIT | T_PARALLEL | T_MAP, /* need Next or End */
	T_DATA = T_ALL & ~T_FAIL,
	T_WORK = T_TASK | T_PARALLEL | T_MAP,
};

enum lang { L_BOTH, L_PATH, L_ATA };

enum kind {
	K_ANY,
	K_STRING,
	K_BOOL,
	K_OBJECT,
	K_ARRAY,
	K_PATH,	      /* JSONPath or null */
	K_REFPATH,    /* reference path */
	K_RESULTPATH, /* reference path or null */
	K_ERRPATH,    /* reference path or intrinsic (Fail ErrorPath/CausePath) */
	K_TEMPLATE,   /* payload template */
	K_POS,	      /* integer 1..99,999,999 */
	K_NONNEG,     /* integer 0..99,999,999 */
	K_PERCENT,    /* number 0..100 */
	K_TIMESTAMP,  /* RFC 3339 */
	K_QL,	      /* JSONPath | JSONata */
};

struct field {
	const char *name;
	unsigned types;
	enum lang lang;
	enum kind kind;
};

static const struct field fields[] = {
    {"Type", T_ALL, L_BOTH, K_STRING},
    {"Comment", T_ALL, L_BOTH, K_STRING},
    {"QueryLanguage", T_ALL, L_BOTH, K_QL},
    {"Next", T_FLOW, L_BOTH, K_STRING},
    {"End", T_FLOW, L_BOTH, K_BOOL},
    {"InputPath", T_DATA, L_PATH, K_PATH},
    {"OutputPath", T_DATA, L_PATH, K_PATH},
    {"Parameters", T_TASK | T_PASS | T_PARALLEL | T_MAP, L_PATH, K_TEMPLATE},
    {"ResultSelector", T_WORK, L_PATH, K_TEMPLATE},
    {"ResultPath", T_TASK | T_PASS | T_PARALLEL | T_MAP, L_PATH, K_RESULTPATH},
    {"Result", T_PASS, L_PATH, K_ANY},
    {"Arguments", T_TASK | T_PARALLEL, L_ATA, K_ANY},
    {"Output", T_DATA, L_ATA, K_ANY},
    {"Assign", T_ALL & ~(T_SUCCEED | T_FAIL), L_BOTH, K_OBJECT},
    {"Retry", T_WORK, L_BOTH, K_ARRAY},
    {"Catch", T_WORK, L_BOTH, K_ARRAY},
    {"Resource", T_TASK, L_BOTH, K_STRING},
    {"TimeoutSeconds", T_TASK, L_BOTH, K_POS},
    {"TimeoutSecondsPath", T_TASK, L_PATH, K_REFPATH},
    {"HeartbeatSeconds", T_TASK, L_BOTH, K_POS},
    {"HeartbeatSecondsPath", T_TASK, L_PATH, K_REFPATH},
    {"Credentials", T_TASK, L_BOTH, K_OBJECT},
    {"Choices", T_CHOICE, L_BOTH, K_ARRAY},
    {"Default", T_CHOICE, L_BOTH, K_STRING},
    {"Seconds", T_WAIT, L_BOTH, K_NONNEG},
    {"Timestamp", T_WAIT, L_BOTH, K_TIMESTAMP},
    {"SecondsPath", T_WAIT, L_PATH, K_REFPATH},
    {"TimestampPath", T_WAIT, L_PATH, K_REFPATH},
    {"Error", T_FAIL, L_BOTH, K_STRING},
    {"Cause", T_FAIL, L_BOTH, K_STRING},
    {"ErrorPath", T_FAIL, L_PATH, K_ERRPATH},
    {"CausePath", T_FAIL, L_PATH, K_ERRPATH},
    {"Branches", T_PARALLEL, L_BOTH, K_ARRAY},
    {"Iterator", T_MAP, L_BOTH, K_OBJECT},
    {"ItemProcessor", T_MAP, L_BOTH, K_OBJECT},
    {"ItemsPath", T_MAP, L_PATH, K_REFPATH},
    {"Items", T_MAP, L_ATA, K_ANY},
    {"ItemSelector", T_MAP, L_BOTH, K_TEMPLATE},
    {"ItemReader", T_MAP, L_BOTH, K_OBJECT},
    {"ItemBatcher", T_MAP, L_BOTH, K_OBJECT},
    {"ResultWriter", T_MAP, L_BOTH, K_OBJECT},
    {"MaxConcurrency", T_MAP, L_BOTH, K_NONNEG},
    {"MaxConcurrencyPath", T_MAP, L_PATH, K_REFPATH},
    {"ToleratedFailureCount", T_MAP, L_BOTH, K_NONNEG},
    {"ToleratedFailureCountPath", T_MAP, L_PATH, K_REFPATH},
    {"ToleratedFailurePercentage", T_MAP, L_BOTH, K_PERCENT},
    {"ToleratedFailurePercentagePath", T_MAP, L_PATH, K_REFPATH},
    {"Label", T_MAP, L_BOTH, K_STRING},
};

/* Pairs that AWS rejects together. */
static const char *const exclusive[][2] = {
    {"TimeoutSeconds", "TimeoutSecondsPath"},
    {"HeartbeatSeconds", "HeartbeatSecondsPath"},
    {"Error", "ErrorPath"},
    {"Cause", "CausePath"},
    {"MaxConcurrency", "MaxConcurrencyPath"},
    {"ToleratedFailureCount", "ToleratedFailureCountPath"},
    {"ToleratedFailurePercentage", "ToleratedFailurePercentagePath"},
    {"Iterator", "ItemProcessor"},
    {"Parameters", "ItemSelector"},
};

static const struct field *find_field(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return NULL;
}

bool ck_is_jsonata_expr(json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;
	return n >= 4 && strncmp(s, "{%", 2) == 0 && strcmp(s + n - 2, "%}") == 0;
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM), uppercase T and Z (aws-facts b.3). */
bool ck_timestamp(const char *s)
{
	if (strlen(s) < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' ||
	    !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return false;
	int mon = atoi(s + 5), day = atoi(s + 8), h = atoi(s + 11), mi = atoi(s + 14),
	    sec = atoi(s + 17);
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (!digits(p, 1))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (strcmp(p, "Z") == 0)
		return true;
	return (p[0] == '+' || p[0] == '-') && digits(p + 1, 2) && p[3] == ':' &&
	       digits(p + 4, 2) && p[6] == '\0';
}

void ck_path(struct ck *c, const char *ptr, const char *field, const char *path, bool reference)
{
	char *msg = NULL;
	size_t off = 0;
	if (!asl_syntax_path(path, reference, &msg, &off)) {
		ck_report_in_string(c, ptr, path, off, "path-syntax", "invalid %s '%s' in %s: %s",
				    reference ? "reference path" : "path", path, field, msg);
		free(msg);
	}
}

/*
 * A Fail state's ErrorPath or CausePath may be an intrinsic "that returns a string": only
 * these seven, as the Fail state page lists them
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html). Their arguments
 * may call any function.
 */
static void ck_errpath_intrinsic(struct ck *c, const char *ptr, const char *field, const char *expr)
{
	static const char *const allowed[] = {
	    "States.Format",	   "States.JsonToString", "States.ArrayGetItem",
	    "States.Base64Encode", "States.Base64Decode", "States.Hash",
	    "States.UUID",
	};
	size_t n = strcspn(expr, "( \t");
	bool ok = false;
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		ok = ok || (strlen(allowed[i]) == n && strncmp(expr, allowed[i], n) == 0);
	char *msg = NULL;
	size_t off = 0;
	bool syntax = asl_syntax_intrinsic(expr, &msg, &off);
	free(msg);
	if (ok || !syntax) { /* a syntax error is told first, by ck_intrinsic */
		ck_intrinsic(c, ptr, field, expr);
		return;
	}
	ck_report_in_string(
	    c, ptr, expr, 0, "intrinsic-syntax",
	    "%.*s cannot be used in %s: it takes States.Format, States.JsonToString, "
	    "States.ArrayGetItem, States.Base64Encode, States.Base64Decode, "
	    "States.Hash or States.UUID",
	    (int)n, expr, field);
}

static void check_range(struct ck *c, const char *ptr, const char *name, json_t *v, json_int_t lo,
			json_int_t hi)
{
	if (!json_is_integer(v)) {
		ck_report(c, DIAG_ERROR, ptr, false, "field-type", "%s must be an integer", name);
		return;
	}
	json_int_t n = json_integer_value(v);
	if (n < lo || n > hi)
		ck_report(c, DIAG_ERROR, ptr, false, "out-of-range",
			  "%s must be between %lld and %lld, not %lld", name, (long long)lo,
			  (long long)hi, (long long)n);
}

/* The value of one known field. */
static void check_value(struct ck *c, const struct field *f, json_t *v, const char *ptr,
			bool jsonata)
{
	if (jsonata && ck_is_jsonata_expr(v) && f->kind != K_QL && f->kind != K_STRING)
		return; /* evaluated at run time */
	const char *s = json_string_value(v);
	switch (f->kind) {
	case K_ANY:
		break;
	case K_STRING:
		if (!s)
			ck_report(c, DIAG_ERROR, ptr, false, "field-type", "%s must be a string",
				  f->name);
		break;
	case K_BOOL:
		if (!json_is_boolean(v))
			ck_report(c, DIAG_ERROR, ptr, false, "field-type",
				  "%s must be true or false", f->name);
		break;
	case K_OBJECT:
		if (!json_is_object(v))
			ck_report(c, DIAG_ERROR, ptr, false, "field-type", "%s must be an object",
				  f->name);
		else if (!jsonata && strcmp(f->name, "Assign") == 0)
			ck_template(c, v, ptr);
		break;
	case K_ARRAY:
		if (!json_is_array(v))
			ck_report(c, DIAG_ERROR, ptr, false, "field-type", "%s must be an array",
				  f->name);
		break;
	case K_PATH:
	case K_RESULTPATH:
		if (json_is_null(v))
			break;
		/* fallthrough */
	case K_REFPATH:
	case K_ERRPATH:
		if (!s)
			ck_report(c, DIAG_ERROR, ptr, false, "field-type", "%s must be a %s",
				  f->name, f->kind == K_REFPATH ? "string" : "string or null");
		else if (f->kind == K_ERRPATH && strncmp(s, "States.", 7) == 0)
			ck_errpath_intrinsic(c, ptr, f->name, s);
		else
			ck_path(c, ptr, f->name, s, f->kind != K_PATH);
		break;
	case K_TEMPLATE:
		if (!jsonata)
			ck_template(c, v, ptr);
		break;
	case K_POS:
		check_range(c, ptr, f->name, v, 1, 99999999);
		break;
	case K_NONNEG:
		check_range(c, ptr, f->name, v, 0, 99999999);
		break;
	case K_PERCENT:
		if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 100)
			ck_report(c, DIAG_ERROR, ptr, false, "out-of-range",
				  "%s must be a number between 0 and 100", f->name);
		break;
	case K_TIMESTAMP:
		if (!s || !ck_timestamp(s))
			ck_report(c, DIAG_ERROR, ptr, false, "timestamp",
				  "%s must be an RFC 3339 timestamp such as 2024-01-31T12:00:00Z",
				  f->name);
		break;
	case K_QL:
		if (!s || (strcmp(s, "JSONPath") != 0 && strcmp(s, "JSONata") != 0))
			ck_report(c, DIAG_ERROR, ptr, false, "field-value",
				  "%s must be \"JSONPath\" or \"JSONata\"", f->name);
		break;
	}
}

/* Field allowed for this type and language? Reports why not. */
static bool field_allowed(struct ck *c, const char *key, const char *kptr, int type, bool jsonata)
{
	const struct field *f = find_field(key);
	const char *tname = asl_state_type_name((enum asl_state_type)type);
	if (!f) {
		const char *names[ARRAY_LEN(fields)];
		size_t n = 0;
		for (size_t i = 0; i < ARRAY_LEN(fields); i++)
			if (fields[i].types & (1u << type))
				names[n++] = fields[i].name;
		const char *hint = str_suggest(key, names, n);
		if (hint)
			ck_report(c, DIAG_ERROR, kptr, true, "unknown-field",
				  "unknown field '%s' in a %s state (did you mean '%s'?)", key,
				  tname, hint);
		else
			ck_report(c, DIAG_ERROR, kptr, true, "unknown-field",
				  "unknown field '%s' in a %s state", key, tname);
		return false;
	}
	if (!(f->types & (1u << type))) {
		ck_report(c, DIAG_ERROR, kptr, true, "field-not-allowed",
			  "field '%s' is not allowed in a %s state", key, tname);
		return false;
	}
	if (jsonata && f->lang == L_PATH) {
		ck_report(c, DIAG_ERROR, kptr, true, "jsonpath-field",
			  "field '%s' is for JSONPath states; this state uses JSONata", key);
		return false;
	}
	if (!jsonata && f->lang == L_ATA) {
		ck_report(c, DIAG_ERROR, kptr, true, "jsonata-field",
			  "field '%s' needs \"QueryLanguage\": \"JSONata\"", key);
		return false;
	}
	return true;
}

static void check_exclusive(struct ck *c, json_t *st, const char *ptr)
{
	for (size_t i = 0; i < ARRAY_LEN(exclusive); i++) {
		if (!json_object_get(st, exclusive[i][0]) || !json_object_get(st, exclusive[i][1]))
			continue;
		char *p = pointer_join(ptr, exclusive[i][1]);
		ck_report(c, DIAG_ERROR, p, true, "exclusive-fields",
			  "%s and %s cannot be used together", exclusive[i][0], exclusive[i][1]);
		free(p);
	}
}

static void check_next_end(struct ck *c, json_t *st, const char *ptr, int type)
{
	if (!((1u << type) & T_FLOW))
		return;
	json_t *next = json_object_get(st, "Next");
	bool end = json_is_true(json_object_get(st, "End"));
	if (next && end)
		ck_report(c, DIAG_ERROR, ptr, true, "next-and-end",
			  "a %s state cannot have both Next and End",
			  asl_state_type_name((enum asl_state_type)type));
	else if (!next && !end)
		ck_report(c, DIAG_ERROR, ptr, true, "no-next",
			  "a %s state needs Next or \"End\": true",
			  asl_state_type_name((enum asl_state_type)type));
}

static void require(struct ck *c, json_t *st, const char *ptr, const char *field, const char *type)
{
	if (!json_object_get(st, field))
		ck_report(c, DIAG_ERROR, ptr, true, "missing-field", "a %s state needs %s", type,
			  field);
}

static void check_type_rules(struct ck *c, json_t *st, const char *ptr, int type, bool jsonata)
{
	switch (type) {
	case ASL_TASK:
		require(c, st, ptr, "Resource", "Task");
		ck_task_timeouts(c, st, ptr);
		break;
	case ASL_CHOICE:
		ck_choices(c, st, ptr, jsonata);
		break;
	case ASL_WAIT:
		ck_wait(c, st, ptr);
		break;
	case ASL_PARALLEL: {
		json_t *br = json_object_get(st, "Branches");
		if (!json_is_array(br) || json_array_size(br) == 0)
			ck_report(c, DIAG_ERROR, ptr, true, "missing-branches",
				  "a Parallel state needs a non-empty Branches array");
		break;
	}
	case ASL_MAP:
		ck_map(c, st, ptr, jsonata);
		break;
	default:
		break;
	}
	if ((1u << type) & T_WORK) {
		ck_retry(c, st, ptr, jsonata);
		ck_catch(c, st, ptr, jsonata);
	}
}

static void check_top(struct ck *c, json_t *def, bool jsonata)
{
	json_t *v = json_object_get(def, "TimeoutSeconds");
	if (v)
		check_range(c, "/TimeoutSeconds", "TimeoutSeconds", v, 1, 99999999);
	v = json_object_get(def, "QueryLanguage");
	if (v)
		check_value(c, find_field("QueryLanguage"), v, "/QueryLanguage", false);
	v = json_object_get(def, "Version");
	if (v && !json_is_string(v))
		ck_report(c, DIAG_ERROR, "/Version", false, "field-type",
			  "Version must be a string");
	(void)jsonata;
}

void ck_state_fields(struct ck *c, json_t *st, const char *ptr, int type, bool jsonata)
{
	if (type == -2) {
		check_top(c, st, jsonata);
		return;
	}
	json_t *tv = json_object_get(st, "Type");
	if (!tv) {
		ck_report(c, DIAG_ERROR, ptr, true, "missing-type", "the state has no Type");
		return;
	}
	if (type < 0) {
		char *p = pointer_join(ptr, "Type");
		const char *s = json_string_value(tv);
		static const char *const names[] = {"Task",    "Pass", "Choice",   "Wait",
						    "Succeed", "Fail", "Parallel", "Map"};
		const char *hint = s ? str_suggest(s, names, ARRAY_LEN(names)) : NULL;
		if (hint)
			ck_report(c, DIAG_ERROR, p, false, "unknown-type",
				  "unknown state type '%s' (did you mean '%s'?)", s, hint);
		else
			ck_report(c, DIAG_ERROR, p, false, "unknown-type",
				  "unknown state type%s%s%s; expected Task, Pass, Choice, Wait, "
				  "Succeed, Fail, Parallel or Map",
				  s ? " '" : "", s ? s : "", s ? "'" : "");
		free(p);
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach(st, key, v)
	{
		char *kptr = pointer_join(ptr, key);
		if (field_allowed(c, key, kptr, type, jsonata))
			check_value(c, find_field(key), v, kptr, jsonata);
		free(kptr);
	}
	check_exclusive(c, st, ptr);
	check_next_end(c, st, ptr, type);
	check_type_rules(c, st, ptr, type, jsonata);
}
