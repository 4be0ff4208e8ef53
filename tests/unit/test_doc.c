/*
 * Unit tests of src/doc: JSON and YAML into json_t with a pointer -> line:column source map,
 * located syntax errors, YAML core-schema scalars, anchors (and alias bombs), duplicate keys,
 * CloudFormation short-form tags.
 * YAML 1.2 core schema: https://yaml.org/spec/1.2.2/#1032-tag-resolution
 * CloudFormation short forms:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"

static struct doc *parse(const char *text, enum doc_format fmt, struct diags *d)
{
	return doc_parse("t", text, strlen(text), fmt, d);
}

static void assert_at(struct doc *doc, const char *ptr, int line, int col)
{
	int l, c;
	assert_true(doc_locate(doc, ptr, &l, &c));
	assert_int_equal(l, line);
	assert_int_equal(c, col);
}

static void test_json_source_map(void **state)
{
	(void)state;
	const char *text = "{\n"
			   "  \"a/b\": [1, {\"x~y\": true}],\n"
			   "  \"\\u00e9t\\u00e9\": \"s\",\n"
			   "  \"n\": null\n"
			   "}\n";
	struct diags d;
	diags_init(&d);
	struct doc *doc = parse(text, DOC_AUTO, &d);
	assert_non_null(doc);
	assert_false(doc_is_yaml(doc));
	assert_at(doc, "", 1, 1);
	assert_at(doc, "/a~1b", 2, 10);
	assert_at(doc, "/a~1b/0", 2, 11);
	assert_at(doc, "/a~1b/1/x~0y", 2, 22);
	assert_at(doc, "/\xc3\xa9t\xc3\xa9", 3, 20);
	assert_at(doc, "/n", 4, 8);
	int l, c;
	assert_true(doc_locate_key(doc, "/n", &l, &c));
	assert_int_equal(l, 4);
	assert_int_equal(c, 3);
	/* unknown pointer: nearest ancestor, reported as inexact */
	assert_false(doc_locate(doc, "/a~1b/1/missing/deeper", &l, &c));
	assert_int_equal(l, 2);
	assert_int_equal(c, 14);
	doc_free(doc);
	diags_fini(&d);
}

static void test_json_syntax_error(void **state)
{
	(void)state;
	struct diags d;
	diags_init(&d);
	assert_null(parse("{\n  \"a\": 1,\n  \"b\" 2\n}\n", DOC_JSON, &d));
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.list.items[0].code, "json-syntax");
	assert_string_equal(d.list.items[0].file, "t");
	assert_int_equal(d.list.items[0].line, 3);
	assert_int_equal(d.list.items[0].column, 7);
	diags_fini(&d);
	/* duplicate keys are rejected in JSON as in YAML */
	diags_init(&d);
	assert_null(parse("{\"a\": 1, \"a\": 2}", DOC_JSON, &d));
	assert_int_equal(d.errors, 1);
	diags_fini(&d);
}

static void test_yaml_scalars(void **state)
{
	(void)state;
	const char *text = "i: 42\n"
			   "neg: -7\n"
			   "hex: 0x1F\n"
			   "oct: 0o17\n"
			   "f: 2.5\n"
			   "e: 1e3\n"
			   "t: true\n"
			   "F: False\n"
			   "n1: ~\n"
			   "n2: null\n"
			   "n3:\n"
			   "q: \"42\"\n"
			   "s: '$.a'\n"
			   "yes: yes\n"
			   "inf: .inf\n"
			   "str: !!str 12\n"
			   "path: $.items[0]\n";
	struct diags d;
	diags_init(&d);
	struct doc *doc = parse(text, DOC_AUTO, &d);
	assert_non_null(doc);
	assert_true(doc_is_yaml(doc));
	json_t *r = doc_root(doc);
	assert_int_equal(json_integer_value(json_object_get(r, "i")), 42);
	assert_int_equal(json_integer_value(json_object_get(r, "neg")), -7);
	assert_int_equal(json_integer_value(json_object_get(r, "hex")), 31);
	assert_int_equal(json_integer_value(json_object_get(r, "oct")), 15);
	assert_true(json_real_value(json_object_get(r, "f")) == 2.5);
	assert_true(json_real_value(json_object_get(r, "e")) == 1000.0);
	assert_true(json_is_true(json_object_get(r, "t")));
	assert_true(json_is_false(json_object_get(r, "F")));
	assert_true(json_is_null(json_object_get(r, "n1")));
	assert_true(json_is_null(json_object_get(r, "n2")));
	assert_true(json_is_null(json_object_get(r, "n3")));
	assert_string_equal(json_string_value(json_object_get(r, "q")), "42");
	assert_string_equal(json_string_value(json_object_get(r, "s")), "$.a");
	assert_string_equal(json_string_value(json_object_get(r, "yes")), "yes");
	assert_string_equal(json_string_value(json_object_get(r, "inf")), ".inf");
	assert_string_equal(json_string_value(json_object_get(r, "str")), "12");
	assert_string_equal(json_string_value(json_object_get(r, "path")), "$.items[0]");
	assert_at(doc, "/q", 12, 4);
	int l, c;
	doc_locate_key(doc, "/q", &l, &c);
	assert_int_equal(l, 12);
	assert_int_equal(c, 1);
	doc_free(doc);
	diags_fini(&d);
}

static void test_yaml_cfn_tags(void **state)
{
	(void)state;
	const char *text = "a: !Ref Bucket\n"
			   "b: !GetAtt Fn.Arn\n"
			   "c: !Sub 'arn:${AWS::Partition}:x'\n"
			   "d: !Join ['', [a, !Ref B]]\n"
			   "e: !If [Cond, 1, 2]\n"
			   "f: !GetAtt [Db, Endpoint.Address]\n";
	struct diags d;
	diags_init(&d);
	struct doc *doc = parse(text, DOC_YAML, &d);
	assert_non_null(doc);
	json_t *expect =
	    json_loads("{\"a\": {\"Ref\": \"Bucket\"}, \"b\": {\"Fn::GetAtt\": [\"Fn\", \"Arn\"]},"
		       " \"c\": {\"Fn::Sub\": \"arn:${AWS::Partition}:x\"},"
		       " \"d\": {\"Fn::Join\": [\"\", [\"a\", {\"Ref\": \"B\"}]]},"
		       " \"e\": {\"Fn::If\": [\"Cond\", 1, 2]},"
		       " \"f\": {\"Fn::GetAtt\": [\"Db\", \"Endpoint.Address\"]}}",
		       0, NULL);
	assert_true(json_equal(doc_root(doc), expect));
	json_decref(expect);
	doc_free(doc);
	diags_fini(&d);
}

static void test_yaml_anchors(void **state)
{
	(void)state;
	const char *text = "base: &b {x: 1, y: [1, 2]}\n"
			   "copy: *b\n"
			   "merged:\n"
			   "  <<: *b\n"
			   "  x: 5\n";
	struct diags d;
	diags_init(&d);
	struct doc *doc = parse(text, DOC_YAML, &d);
	assert_non_null(doc);
	json_t *r = doc_root(doc);
	assert_true(json_equal(json_object_get(r, "base"), json_object_get(r, "copy")));
	json_t *m = json_object_get(r, "merged");
	assert_int_equal(json_integer_value(json_object_get(m, "x")), 5);
	assert_int_equal(json_array_size(json_object_get(m, "y")), 2);
	doc_free(doc);
	diags_fini(&d);
}

static void test_yaml_alias_bomb(void **state)
{
	(void)state;
	/* Each level doubles: 2^30 values if expanded. */
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "l0: &a0 [x, x]\n");
	for (int i = 1; i <= 30; i++)
		sb_addf(&sb, "l%d: &a%d [*a%d, *a%d]\n", i, i, i - 1, i - 1);
	struct diags d;
	diags_init(&d);
	assert_null(parse(sb_str(&sb), DOC_YAML, &d));
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.list.items[0].code, "yaml-alias-limit");
	assert_true(d.list.items[0].line > 1);
	sb_fini(&sb);
	diags_fini(&d);
}

static void test_yaml_errors(void **state)
{
	(void)state;
	struct diags d;
	diags_init(&d);
	assert_null(parse("a: 1\nb: [1, 2\nc: 3\n", DOC_YAML, &d));
	assert_string_equal(d.list.items[0].code, "yaml-syntax");
	assert_true(d.list.items[0].line >= 2);
	assert_true(d.list.items[0].column >= 1);
	diags_fini(&d);

	diags_init(&d);
	assert_null(parse("a: 1\nb:\n  c: 1\n  c: 2\n", DOC_YAML, &d));
	assert_string_equal(d.list.items[0].code, "yaml-duplicate-key");
	assert_int_equal(d.list.items[0].line, 4);
	assert_int_equal(d.list.items[0].column, 3);
	diags_fini(&d);

	diags_init(&d);
	assert_null(parse("a: 1\n---\nb: 2\n", DOC_YAML, &d));
	assert_string_equal(d.list.items[0].code, "yaml-documents");
	diags_fini(&d);

	diags_init(&d);
	assert_null(parse("a: *nope\n", DOC_YAML, &d));
	assert_int_equal(d.errors, 1);
	diags_fini(&d);

	diags_init(&d);
	assert_null(parse("# nothing\n", DOC_YAML, &d));
	assert_string_equal(d.list.items[0].code, "empty");
	diags_fini(&d);
}

static void test_depth_limits(void **state)
{
	(void)state;
	size_t n = DOC_MAX_DEPTH + 5;
	char *text = xmalloc(2 * n + 1);
	memset(text, '[', n);
	memset(text + n, ']', n);
	text[2 * n] = '\0';
	struct diags d;
	diags_init(&d);
	assert_null(parse(text, DOC_YAML, &d));
	assert_string_equal(d.list.items[0].code, "yaml-depth");
	assert_int_equal(d.list.items[0].line, 1);
	assert_int_equal(d.list.items[0].column, DOC_MAX_DEPTH + 1);
	diags_fini(&d);
	diags_init(&d);
	assert_null(parse(text, DOC_JSON, &d)); /* jansson's own depth limit, located */
	assert_string_equal(d.list.items[0].code, "json-syntax");
	assert_int_equal(d.list.items[0].line, 1);
	diags_fini(&d);
	free(text);
}

static void test_pointer_join(void **state)
{
	(void)state;
	char *p = pointer_join("/States", "a/b~c");
	assert_string_equal(p, "/States/a~1b~0c");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_source_map), cmocka_unit_test(test_json_syntax_error),
	    cmocka_unit_test(test_yaml_scalars),    cmocka_unit_test(test_yaml_cfn_tags),
	    cmocka_unit_test(test_yaml_anchors),    cmocka_unit_test(test_yaml_alias_bomb),
	    cmocka_unit_test(test_yaml_errors),	    cmocka_unit_test(test_depth_limits),
	    cmocka_unit_test(test_pointer_join),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
