/*
 * CloudFormation and CDK templates: find the AWS::StepFunctions::StateMachine resources, pick
 * one, and produce its definition from `Definition` (an object) or `DefinitionString` (a
 * string, or the `Fn::Join` / `Fn::Sub` that `cdk synth` writes). References that only exist
 * once deployed (`Ref`, `Fn::GetAtt`, ...) become readable placeholders such as
 * `${Lambda217CFB423.Arn}`; `DefinitionSubstitutions` are applied.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-stepfunctions-statemachine.html
 */
#include "asl/internal.h"
#include "doc/doc.h"

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

/* Text being rendered, with where each piece came from (for locating errors later). */
struct rend {
	struct strbuf sb;
	VEC(struct asl_segment) segs;
	bool record;
};

/* Substitution variables and where they sit in the template. */
struct vars {
	json_t *map;
	const char *ptr;
};

static const char *or_q(const char *s)
{
	return s ? s : "?";
}

static void emit(struct rend *r, const char *s, size_t n, const char *ptr, long src_off)
{
	if (r->record && ptr && n) {
		struct asl_segment seg = {r->sb.len, n, xstrdup(ptr), src_off};
		VEC_PUSH(r->segs, seg);
	}
	sb_addn(&r->sb, s, n);
}

static void emitf(struct rend *r, const char *ptr, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void emitf(struct rend *r, const char *ptr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	emit(r, s, strlen(s), ptr, -1);
	free(s);
}

static void render(struct rend *r, json_t *v, const char *ptr, const struct vars *vars, int depth);

static char *sub_ptr(const char *base, const char *token)
{
	return base ? pointer_join(base, token) : NULL;
}

/* Fn::Sub: ${Name} from vars (Fn::Sub's own map, or DefinitionSubstitutions), else kept. */
static void render_sub(struct rend *r, const char *s, const char *ptr, const struct vars *vars,
		       int depth)
{
	const char *begin = s;
	while (*s) {
		const char *open = strstr(s, "${");
		const char *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			emit(r, s, strlen(s), ptr, (long)(s - begin));
			return;
		}
		emit(r, s, (size_t)(open - s), ptr, (long)(s - begin));
		char *name = xstrndup(open + 2, (size_t)(close - open - 2));
		json_t *val = vars ? json_object_get(vars->map, name) : NULL;
		if (name[0] == '!') {
			emitf(r, ptr, "${%s}", name + 1); /* ${!Literal} escapes ${Literal} */
		} else if (strcmp(name, "AWS::Partition") == 0) {
			emit(r, "aws", 3, ptr, -1);
		} else if (val) {
			char *vp = sub_ptr(vars->ptr, name);
			render(r, val, vp, NULL, depth + 1);
			free(vp);
		} else {
			emitf(r, ptr, "${%s}", name);
		}
		free(name);
		s = close + 1;
	}
}

static void render_join(struct rend *r, json_t *arg, const char *ptr, const struct vars *vars,
			int depth)
{
	const char *sep = json_string_value(json_array_get(arg, 0));
	json_t *parts = json_array_get(arg, 1);
	for (size_t i = 0; i < json_array_size(parts); i++) {
		if (i && sep)
			emit(r, sep, strlen(sep), NULL, -1);
		char *pp = ptr ? xasprintf("%s/1/%zu", ptr, i) : NULL;
		render(r, json_array_get(parts, i), pp, vars, depth + 1);
		free(pp);
	}
}

/* arg sits at ptr (the value of the function's key). */
static void render_fn(struct rend *r, const char *fn, json_t *arg, const char *ptr,
		      const struct vars *vars, int depth)
{
	if (strcmp(fn, "Ref") == 0) {
		const char *name = json_string_value(arg);
		if (name && strcmp(name, "AWS::Partition") == 0)
			emit(r, "aws", 3, ptr, -1); /* so service ARNs stay recognisable */
		else if (name && strcmp(name, "AWS::URLSuffix") == 0)
			emit(r, "amazonaws.com", 13, ptr, -1);
		else
			emitf(r, ptr, "${%s}", or_q(name));
	} else if (strcmp(fn, "Fn::GetAtt") == 0) {
		if (json_is_string(arg))
			emitf(r, ptr, "${%s}", json_string_value(arg));
		else
			emitf(r, ptr, "${%s.%s}", or_q(json_string_value(json_array_get(arg, 0))),
			      or_q(json_string_value(json_array_get(arg, 1))));
	} else if (strcmp(fn, "Fn::Join") == 0) {
		render_join(r, arg, ptr, vars, depth);
	} else if (strcmp(fn, "Fn::Sub") == 0) {
		json_t *own = json_array_get(arg, 1);
		char *sp = json_is_string(arg) ? (ptr ? xstrdup(ptr) : NULL) : sub_ptr(ptr, "0");
		char *op = sub_ptr(ptr, "1");
		struct vars mine = {own, op};
		const char *s = json_is_string(arg) ? json_string_value(arg)
						    : json_string_value(json_array_get(arg, 0));
		render_sub(r, s ? s : "", sp, json_is_object(own) ? &mine : vars, depth);
		free(sp);
		free(op);
	} else if (strcmp(fn, "Fn::Select") == 0 && json_is_array(json_array_get(arg, 1))) {
		json_t *idx = json_array_get(arg, 0);
		size_t i = json_is_integer(idx) ? (size_t)json_integer_value(idx)
						: (size_t)atoi(or_q(json_string_value(idx)));
		render(r, json_array_get(json_array_get(arg, 1), i), NULL, vars, depth + 1);
	} else if (strcmp(fn, "Fn::If") == 0) {
		char *bp = sub_ptr(ptr, "1");
		render(r, json_array_get(arg, 1), bp, vars, depth + 1); /* the true side */
		free(bp);
	} else {
		emitf(r, ptr, "${%s}", fn);
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

static void render(struct rend *r, json_t *v, const char *ptr, const struct vars *vars, int depth)
{
	const char *fn = intrinsic_name(v);
	if (depth > MAX_RENDER_DEPTH) {
		emit(r, "${...}", 6, ptr, -1);
	} else if (json_is_string(v)) {
		if (vars && strstr(json_string_value(v), "${"))
			render_sub(r, json_string_value(v), ptr, vars, depth);
		else
			emit(r, json_string_value(v), strlen(json_string_value(v)), ptr, 0);
	} else if (fn) {
		char *fp = sub_ptr(ptr, fn);
		render_fn(r, fn, json_object_get(v, fn), fp, vars, depth);
		free(fp);
	} else {
		char *s = doc_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		emit(r, s ? s : "", s ? strlen(s) : 0, ptr, -1);
		free(s);
	}
}

static char *render_string(json_t *v, const struct vars *vars)
{
	struct rend r = {.record = false};
	sb_init(&r.sb);
	render(&r, v, NULL, vars, 0);
	return sb_take(&r.sb);
}

/* Definition (object): intrinsics become placeholder strings, substitutions applied. */
static json_t *resolve_object(json_t *v, const struct vars *subs, int depth)
{
	if (intrinsic_name(v) ||
	    (json_is_string(v) && subs && strstr(json_string_value(v), "${"))) {
		char *text = render_string(v, subs);
		json_t *s = json_string(text);
		free(text);
		return s ? s : json_string("");
	}
	if (depth > DOC_MAX_DEPTH || (!json_is_object(v) && !json_is_array(v)))
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

/* DefinitionString → parsed definition; src keeps the text's segments to locate errors. */
static json_t *parse_string(struct asl_source *src, json_t *ds, const struct vars *subs,
			    struct diags *diags)
{
	struct rend r = {.record = true};
	sb_init(&r.sb);
	render(&r, ds, src->prefix, subs, 0);
	src->segs.items = r.segs.items;
	src->segs.len = r.segs.len;
	src->segs.cap = r.segs.cap;
	char *text = sb_take(&r.sb);
	struct diags inner;
	diags_init(&inner);
	src->inner = doc_parse("DefinitionString", text, strlen(text), DOC_JSON, &inner);
	json_t *def = src->inner ? json_incref(doc_root(src->inner)) : NULL;
	for (size_t i = 0; i < inner.list.len; i++) {
		const struct diag *dg = &inner.list.items[i];
		int line, col;
		if (!asl_source_map_inner(src, text, dg->line, dg->column, &line, &col)) {
			doc_locate(src->doc, src->prefix, &line, &col);
			diags_add(diags, DIAG_ERROR, dg->code, src->file, line, col, src->prefix,
				  "in DefinitionString (line %d, column %d of the definition): %s",
				  dg->line, dg->column, dg->message);
		} else {
			diags_add(diags, DIAG_ERROR, dg->code, src->file, line, col, src->prefix,
				  "in DefinitionString: %s", dg->message);
		}
	}
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
	char *base = pointer_join("/Resources", id);
	char *subs_ptr = xasprintf("%s/Properties/DefinitionSubstitutions", base);
	struct vars subs = {json_object_get(props, "DefinitionSubstitutions"), subs_ptr};
	json_t *obj = json_object_get(props, "Definition");
	json_t *str = json_object_get(props, "DefinitionString");
	free(src->prefix);
	src->prefix = xasprintf("%s/Properties/%s", base, obj ? "Definition" : "DefinitionString");
	if (obj) {
		*def = resolve_object(obj, subs.map ? &subs : NULL, 0);
	} else if (str) {
		src->from_string = true;
		*def = parse_string(src, str, subs.map ? &subs : NULL, diags);
	} else {
		int line, col;
		doc_locate(src->doc, base, &line, &col);
		diags_add(diags, DIAG_ERROR, "no-definition", src->file, line, col, base,
			  "state machine %s has neither Definition nor DefinitionString (S3 "
			  "locations are not read)",
			  id);
	}
	free(base);
	free(subs_ptr);
	return *def != NULL;
}
