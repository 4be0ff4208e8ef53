/*
 * CloudFormation and CDK templates: find the AWS::StepFunctions::StateMachine resources, pick
 * one, and produce its definition from `Definition` (an object) or `DefinitionString` (a
 * string, or the `Fn::Join` / `Fn::Sub` that `cdk synth` writes). References that only exist
 * once deployed (`Ref`, `Fn::GetAtt`, ...) become readable placeholders such as
 * `${Lambda217CFB423.Arn}`; `DefinitionSubstitutions` are applied.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-stepfunctions-statemachine.html
 */
#include "asl/internal.h"

#include <stdlib.h>
#include <string.h>

#define MACHINE_TYPE "AWS::StepFunctions::StateMachine"
/* Nesting of intrinsic functions we follow before giving up (bounded recursion). */
#define MAX_RENDER_DEPTH 64

/* Logical ids of every state machine, in template order; *ids owned by the caller. */
bool asl_template_machines(json_t *root, const char ***ids, size_t *count)
{
	json_t *res = json_object_get(root, "Resources");
	*ids = NULL;
	*count = 0;
	if (!json_is_object(root) || !json_is_object(res) || json_object_get(root, "States"))
		return false;
	*ids = xcalloc(json_object_size(res) + 1, sizeof(**ids));
	const char *id;
	json_t *r;
	json_object_foreach(res, id, r)
	{
		const char *type = json_string_value(json_object_get(r, "Type"));
		if (type && strcmp(type, MACHINE_TYPE) == 0)
			(*ids)[(*count)++] = id;
	}
	return true;
}

static void render(struct strbuf *sb, json_t *v, json_t *vars, int depth);

static const char *or_q(const char *s)
{
	return s ? s : "?";
}

/* Fn::Sub: ${Name} from vars (Fn::Sub's own map, or DefinitionSubstitutions), else kept. */
static void render_sub(struct strbuf *sb, const char *s, json_t *vars, int depth)
{
	while (*s) {
		const char *open = strstr(s, "${");
		const char *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			sb_add(sb, s);
			return;
		}
		sb_addn(sb, s, (size_t)(open - s));
		char *name = xstrndup(open + 2, (size_t)(close - open - 2));
		json_t *val = json_object_get(vars, name);
		if (name[0] == '!')
			sb_addf(sb, "${%s}",
				name + 1); /* ${!Literal} is the escape for ${Literal} */
		else if (strcmp(name, "AWS::Partition") == 0)
			sb_add(sb, "aws");
		else if (val)
			render(sb, val, NULL, depth + 1);
		else
			sb_addf(sb, "${%s}", name);
		free(name);
		s = close + 1;
	}
}

static void render_fn(struct strbuf *sb, const char *fn, json_t *arg, json_t *vars, int depth)
{
	if (strcmp(fn, "Ref") == 0) {
		const char *name = json_string_value(arg);
		if (name && strcmp(name, "AWS::Partition") == 0)
			sb_add(sb, "aws"); /* so service ARNs stay recognisable */
		else if (name && strcmp(name, "AWS::URLSuffix") == 0)
			sb_add(sb, "amazonaws.com");
		else
			sb_addf(sb, "${%s}", name ? name : "?");
	} else if (strcmp(fn, "Fn::GetAtt") == 0) {
		if (json_is_string(arg))
			sb_addf(sb, "${%s}", json_string_value(arg));
		else
			sb_addf(sb, "${%s.%s}", or_q(json_string_value(json_array_get(arg, 0))),
				or_q(json_string_value(json_array_get(arg, 1))));
	} else if (strcmp(fn, "Fn::Join") == 0) {
		const char *sep = json_string_value(json_array_get(arg, 0));
		json_t *parts = json_array_get(arg, 1);
		for (size_t i = 0; i < json_array_size(parts); i++) {
			if (i && sep)
				sb_add(sb, sep);
			render(sb, json_array_get(parts, i), vars, depth + 1);
		}
	} else if (strcmp(fn, "Fn::Sub") == 0) {
		json_t *own = json_array_get(arg, 1);
		const char *s = json_is_string(arg) ? json_string_value(arg)
						    : json_string_value(json_array_get(arg, 0));
		render_sub(sb, s ? s : "", json_is_object(own) ? own : vars, depth);
	} else if (strcmp(fn, "Fn::Select") == 0 && json_is_array(json_array_get(arg, 1))) {
		json_t *idx = json_array_get(arg, 0);
		size_t i = json_is_integer(idx) ? (size_t)json_integer_value(idx)
						: (size_t)atoi(or_q(json_string_value(idx)));
		render(sb, json_array_get(json_array_get(arg, 1), i), vars, depth + 1);
	} else if (strcmp(fn, "Fn::If") == 0) {
		render(sb, json_array_get(arg, 1), vars, depth + 1); /* the condition's true side */
	} else {
		sb_addf(sb, "${%s}", fn);
	}
}

/* A single-key object naming an intrinsic function, or NULL. */
static const char *intrinsic_name(json_t *v)
{
	if (!json_is_object(v) || json_object_size(v) != 1)
		return NULL;
	const char *key = json_object_iter_key(json_object_iter(v));
	return strcmp(key, "Ref") == 0 || strncmp(key, "Fn::", 4) == 0 ? key : NULL;
}

static void render(struct strbuf *sb, json_t *v, json_t *vars, int depth)
{
	const char *fn = intrinsic_name(v);
	if (depth > MAX_RENDER_DEPTH) {
		sb_add(sb, "${...}");
	} else if (json_is_string(v)) {
		sb_add(sb, json_string_value(v));
	} else if (fn) {
		render_fn(sb, fn, json_object_get(v, fn), vars, depth);
	} else {
		char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		sb_add(sb, s ? s : "");
		free(s);
	}
}

/* Definition (object): intrinsics become placeholder strings, substitutions applied. */
static json_t *resolve_object(json_t *v, json_t *subs, int depth)
{
	if (intrinsic_name(v) ||
	    (json_is_string(v) && subs && strstr(json_string_value(v), "${"))) {
		struct strbuf sb;
		sb_init(&sb);
		if (json_is_string(v))
			render_sub(&sb, json_string_value(v), subs, 0);
		else
			render(&sb, v, subs, 0);
		json_t *s = json_string(sb_str(&sb));
		sb_fini(&sb);
		return s ? s : json_string("");
	}
	if (depth > 10000 || (!json_is_object(v) && !json_is_array(v)))
		return json_incref(v);
	json_t *out = json_is_object(v) ? json_object() : json_array();
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
		    json_object_set_new(out, k, resolve_object(x, subs, depth + 1));
	} else {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		    json_array_append_new(out, resolve_object(x, subs, depth + 1));
	}
	return out;
}

/* DefinitionString → parsed definition; errors located at the string in the template. */
static json_t *parse_string(struct asl_source *src, json_t *ds, json_t *subs, struct diags *diags)
{
	struct strbuf sb;
	sb_init(&sb);
	if (json_is_string(ds) && subs)
		render_sub(&sb, json_string_value(ds), subs, 0);
	else
		render(&sb, ds, subs, 0);
	char *text = sb_take(&sb);
	struct diags inner;
	diags_init(&inner);
	struct doc *d = doc_parse("DefinitionString", text, strlen(text), DOC_JSON, &inner);
	json_t *def = NULL;
	if (d) {
		def = json_incref(doc_root(d));
	} else {
		int line, col;
		doc_locate(src->doc, src->prefix, &line, &col);
		for (size_t i = 0; i < inner.list.len; i++) {
			const struct diag *dg = &inner.list.items[i];
			diags_add(diags, DIAG_ERROR, dg->code, src->file, line, col, src->prefix,
				  "in DefinitionString (line %d, column %d of the definition): %s",
				  dg->line, dg->column, dg->message);
		}
	}
	doc_free(d);
	diags_fini(&inner);
	free(text);
	return def;
}

static void report_ids(struct strbuf *sb, const char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_addf(sb, "%s%s", i ? ", " : "", ids[i]);
}

/* Picks the machine; NULL with a diag when there is none or the choice is ambiguous. */
static const char *pick(struct asl_source *src, const char **ids, size_t n, const char *want,
			struct diags *diags)
{
	struct strbuf sb;
	sb_init(&sb);
	report_ids(&sb, ids, n);
	const char *found = NULL;
	for (size_t i = 0; want && i < n; i++)
		if (strcmp(ids[i], want) == 0)
			found = ids[i];
	int line, col;
	doc_locate_key(src->doc, "/Resources", &line, &col);
	if (n == 0)
		diags_add(diags, DIAG_ERROR, "no-machine", src->file, line, col, "/Resources",
			  "the template has no %s resource", MACHINE_TYPE);
	else if (want && !found)
		diags_add(diags, DIAG_ERROR, "unknown-machine", src->file, line, col, "/Resources",
			  "--machine %s: no such state machine; the template has: %s", want,
			  sb_str(&sb));
	else if (!want && n > 1)
		diags_add(diags, DIAG_ERROR, "several-machines", src->file, line, col, "/Resources",
			  "the template has %zu state machines (%s); choose one with --machine "
			  "LOGICAL_ID",
			  n, sb_str(&sb));
	else
		found = want ? found : ids[0];
	sb_fini(&sb);
	return found;
}

bool asl_from_template(struct asl_source *src, const char *machine_id, json_t **def,
		       bool *is_template, struct diags *diags)
{
	const char **ids;
	size_t n;
	*def = NULL;
	*is_template = asl_template_machines(doc_root(src->doc), &ids, &n);
	if (!*is_template)
		return true;
	const char *id = pick(src, ids, n, machine_id, diags);
	if (!id) {
		free(ids);
		return false;
	}
	src->machine_id = xstrdup(id);
	free(ids);
	json_t *props = json_object_get(
	    json_object_get(json_object_get(doc_root(src->doc), "Resources"), id), "Properties");
	json_t *subs = json_object_get(props, "DefinitionSubstitutions");
	json_t *obj = json_object_get(props, "Definition");
	json_t *str = json_object_get(props, "DefinitionString");
	char *base = doc_pointer_join("/Resources", id);
	free(src->prefix);
	src->prefix = xasprintf("%s/Properties/%s", base, obj ? "Definition" : "DefinitionString");
	if (obj) {
		*def = resolve_object(obj, subs, 0);
	} else if (str) {
		src->from_string = true;
		*def = parse_string(src, str, subs, diags);
	} else {
		int line, col;
		doc_locate(src->doc, base, &line, &col);
		diags_add(diags, DIAG_ERROR, "no-definition", src->file, line, col, base,
			  "state machine %s has neither Definition nor DefinitionString (S3 "
			  "locations are not read)",
			  id);
	}
	free(base);
	return *def != NULL;
}
