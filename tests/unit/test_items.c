/*
 * Unit tests of src/items: item file formats, located errors, DynamoDB marshalling.
 * Marshalling follows boto3's TypeSerializer / TypeDeserializer:
 * https://boto3.amazonaws.com/v1/documentation/api/latest/reference/customizations/dynamodb.html
 * and the attribute value shapes of the DynamoDB API:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "items/items.h"
#include "doc/doc.h"

/* Parses expected JSON text (test data, must be valid). */
static json_t *J(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
	if (!j)
		fail_msg("bad test JSON %s: %s", text, e.text);
	return j;
}

static void assert_json(json_t *got, const char *want)
{
	json_t *w = J(want);
	if (!got || !json_equal(got, w)) {
		char *g = got ? doc_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		print_error("got  %s\nwant %s\n", g ? g : "NULL", want);
		free(g);
		json_decref(w);
		fail();
	}
	json_decref(w);
}

static json_t *load(const char *name, const char *text, enum items_format *fmt, struct diags *d)
{
	return items_load_text(name, text, strlen(text), ITEMS_AUTO, fmt, d);
}

/* "file:line:col: message" of the first diag. */
static char *first_error(const struct diags *d)
{
	assert_true(d->list.len > 0);
	const struct diag *g = &d->list.items[0];
	return xasprintf("%s:%d:%d: %s", g->file ? g->file : "", g->line, g->column, g->message);
}

static void expect_items(const char *name, const char *text, enum items_format want_fmt,
			 const char *want)
{
	struct diags d;
	diags_init(&d);
	enum items_format fmt = ITEMS_AUTO;
	json_t *items = load(name, text, &fmt, &d);
	assert_int_equal(d.errors, 0);
	assert_json(items, want);
	assert_string_equal(items_format_name(fmt), items_format_name(want_fmt));
	json_decref(items);
	diags_fini(&d);
}

static void expect_error(const char *name, const char *text, const char *want)
{
	struct diags d;
	diags_init(&d);
	json_t *items = load(name, text, NULL, &d);
	assert_null(items);
	char *got = first_error(&d);
	assert_string_equal(got, want);
	free(got);
	diags_fini(&d);
}

/* items_load_csv_reader: `headers` is JSON (an array) or NULL; want is JSON or, with a
 * leading '!', the first error. */
static void reader_is(const char *text, char delim, const char *headers, const char *want)
{
	struct diags d;
	diags_init(&d);
	json_t *h = headers ? J(headers) : NULL;
	json_t *items = items_load_csv_reader("r.csv", text, strlen(text), delim, h, &d);
	if (want[0] == '!') {
		assert_null(items);
		char *got = first_error(&d);
		assert_string_equal(got, want + 1);
		free(got);
	} else {
		assert_int_equal(d.errors, 0);
		assert_json(items, want);
	}
	json_decref(items);
	json_decref(h);
	diags_fini(&d);
}

/* Step Functions' CSV reader: CSVDelimiter, short rows padded with "", long rows cut, GIVEN
 * headers. https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html */
static void test_csv_reader(void **state)
{
	(void)state;
	reader_is("a\tb\n1\t\"x\ty\"\n", '\t', NULL, "[{\"a\": \"1\", \"b\": \"x\\ty\"}]");
	reader_is("a;b;c\n1\n1;2;3;4\n", ';', NULL,
		  "[{\"a\": \"1\", \"b\": \"\", \"c\": \"\"}, {\"a\": \"1\", \"b\": \"2\", \"c\": "
		  "\"3\"}]");
	reader_is("1,2\n3,4\n", ',', "[\"x\", \"y\"]",
		  "[{\"x\": \"1\", \"y\": \"2\"}, {\"x\": \"3\", \"y\": \"4\"}]");
	reader_is("a b\n1 2\n", ' ', NULL, "[{\"a\": \"1\", \"b\": \"2\"}]");
	reader_is("1|2\n", '|', "[\"x\", \"x\"]",
		  "!r.csv:1:1: duplicate column name 'x' (CSV headers cannot contain duplicates)");
	/* backslashes: "\\\\" is one, "\\|" a delimiter as data, "\\x" just x */
	reader_is("p|n\nC:\\\\a\\|b|\\x\\\"y\n", '|', NULL,
		  "[{\"p\": \"C:\\\\a|b\", \"n\": \"x\\\"y\"}]");
	/* the strict items-file reader keeps them */
	expect_items("a.csv", "p\nC:\\x\n", ITEMS_CSV, "[{\"p\": \"C:\\\\x\"}]");
	/* with its own delimiter a comma is data */
	reader_is("a|b\n1,5|2\n", '|', NULL, "[{\"a\": \"1,5\", \"b\": \"2\"}]");
	/* a backslash before a line end is removed; the line end still ends the record (LF, CRLF,
	 * and the file's last byte) */
	const char *two = "[{\"path\": \"C:dir\", \"size\": \"\"}, {\"path\": \"D:x\", \"size\": "
			  "\"5\"}]";
	reader_is("path,size\nC:\\dir\\\nD:\\x,5\n", ',', NULL, two);
	reader_is("path,size\r\nC:\\dir\\\r\nD:\\x,5\r\n", ',', NULL, two);
	reader_is("path,size\nC:\\dir\\\nD:\\x,5\\", ',', NULL, two);
	/* inside quotes a removed backslash leaves the line end as data */
	reader_is("p\n\"a\\\nb\"\n", ',', NULL, "[{\"p\": \"a\\nb\"}]");
}

/* A NUL byte in a field is kept (never cut silently); in a column name it is refused. */
static void test_csv_nul(void **state)
{
	(void)state;
	static const char text[] = "a,b\n1,x\0y\n\"\0\",2\n";
	struct diags d;
	diags_init(&d);
	json_t *items = items_load_csv_reader("r.csv", text, sizeof(text) - 1, ',', NULL, &d);
	assert_non_null(items);
	json_t *b = json_object_get(json_array_get(items, 0), "b");
	assert_int_equal(json_string_length(b), 3);
	assert_memory_equal(json_string_value(b), "x\0y", 3);
	assert_int_equal(json_string_length(json_object_get(json_array_get(items, 1), "a")), 1);
	json_decref(items);
	diags_fini(&d);
	diags_init(&d);
	static const char head[] = "a,b\0c\n1,2\n";
	items = items_load_csv_reader("h.csv", head, sizeof(head) - 1, ',', NULL, &d);
	assert_null(items);
	char *got = first_error(&d);
	assert_string_equal(got, "h.csv:1:3: a NUL byte in a column name");
	free(got);
	diags_fini(&d);
}

static void marshal_is(const char *value, const char *want)
{
	json_t *v = J(value);
	json_t *av = items_marshal(v);
	assert_json(av, want);
	/* and back: TypeDeserializer(TypeSerializer(x)) == x */
	struct diags d;
	diags_init(&d);
	json_t *back = items_unmarshal(av, "", &d);
	assert_non_null(back);
	assert_true(json_equal(back, v) || json_is_real(v));
	json_decref(back);
	json_decref(av);
	json_decref(v);
	diags_fini(&d);
}

static void test_marshal_types(void **state)
{
	(void)state;
	marshal_is("\"Computer Science\"", "{\"S\": \"Computer Science\"}");
	marshal_is("42", "{\"N\": \"42\"}");
	marshal_is("-7", "{\"N\": \"-7\"}");
	marshal_is("true", "{\"BOOL\": true}");
	marshal_is("false", "{\"BOOL\": false}");
	marshal_is("null", "{\"NULL\": true}");
	marshal_is("[1, \"a\"]", "{\"L\": [{\"N\": \"1\"}, {\"S\": \"a\"}]}");
	marshal_is(
	    "{\"topic\": \"cs\", \"n\": {\"x\": null}}",
	    "{\"M\": {\"topic\": {\"S\": \"cs\"}, \"n\": {\"M\": {\"x\": {\"NULL\": true}}}}}");
	marshal_is("[]", "{\"L\": []}");
	marshal_is("{}", "{\"M\": {}}");
}

/* Numbers: DynamoDB trims leading and trailing zeroes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html).
 */
static void test_marshal_numbers(void **state)
{
	(void)state;
	marshal_is("1.5", "{\"N\": \"1.5\"}");
	marshal_is("1.50", "{\"N\": \"1.5\"}");
	marshal_is("0.1", "{\"N\": \"0.1\"}");
	marshal_is("2.0", "{\"N\": \"2\"}");
	marshal_is("1e20", "{\"N\": \"100000000000000000000\"}");
	marshal_is("-0.00012", "{\"N\": \"-0.00012\"}");
	marshal_is("123.456", "{\"N\": \"123.456\"}");
	marshal_is("0.0", "{\"N\": \"0\"}");
}

static void unmarshal_is(const char *av, const char *want)
{
	struct diags d;
	diags_init(&d);
	json_t *a = J(av);
	json_t *got = items_unmarshal(a, "", &d);
	assert_int_equal(d.errors, 0);
	assert_json(got, want);
	json_decref(got);
	json_decref(a);
	diags_fini(&d);
}

static void unmarshal_fails(const char *av, const char *pointer, const char *message)
{
	struct diags d;
	diags_init(&d);
	json_t *a = J(av);
	assert_null(items_unmarshal(a, "", &d));
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.list.items[0].pointer, pointer);
	assert_string_equal(d.list.items[0].message, message);
	json_decref(a);
	diags_fini(&d);
}

static void test_unmarshal(void **state)
{
	(void)state;
	unmarshal_is("{\"S\": \"x\"}", "\"x\"");
	unmarshal_is("{\"N\": \"42\"}", "42");
	unmarshal_is("{\"N\": \"-1.25\"}", "-1.25");
	unmarshal_is("{\"N\": \"1E+3\"}", "1000.0");
	unmarshal_is("{\"B\": \"aGk=\"}", "\"aGk=\"");
	unmarshal_is("{\"BOOL\": false}", "false");
	unmarshal_is("{\"NULL\": true}", "null");
	unmarshal_is("{\"SS\": [\"a\", \"b\"]}", "[\"a\", \"b\"]");
	unmarshal_is("{\"NS\": [\"1\", \"2.5\"]}", "[1, 2.5]");
	unmarshal_is("{\"BS\": [\"aGk=\"]}", "[\"aGk=\"]");
	unmarshal_is("{\"L\": [{\"S\": \"a\"}, {\"M\": {\"k\": {\"N\": \"1\"}}}]}",
		     "[\"a\", {\"k\": 1}]");
	unmarshal_fails("{\"N\": \"abc\"}", "/N", "N must be a number in a string");
	unmarshal_fails("{\"S\": 1}", "/S", "S must be a string");
	unmarshal_fails("{\"NULL\": false}", "/NULL", "NULL must be true");
	unmarshal_fails("{\"L\": [{\"S\": \"a\"}, {\"X\": 1}]}", "/L/1",
			"expected a DynamoDB attribute value: an object with one key of S, N, B, "
			"BOOL, NULL, L, M, SS, NS, BS");
	unmarshal_fails("{\"M\": {\"a/b\": {\"N\": \"x\"}}}", "/M/a~1b/N",
			"N must be a number in a string");
	unmarshal_fails("{\"NS\": [\"1\", \"x\"]}", "/NS/1", "invalid NS element");
	unmarshal_fails("{\"S\": \"a\", \"N\": \"1\"}", "",
			"expected a DynamoDB attribute value: an object with one key of S, N, B, "
			"BOOL, NULL, L, M, SS, NS, BS");
}

/* seed.md "Loading items": the loader writes {"mapstatelist": "mapitems", "values": list}. */
static void seed_item_is(const char *file, const char *want_values)
{
	struct cfg_scenario s;
	struct diags d;
	diags_init(&d);
	assert_true(cfg_load(&s, NULL, NULL, 0, &d));
	json_t *items = items_load(file, ITEMS_AUTO, NULL, &d);
	assert_non_null(items);
	json_t *item = items_seed_table_item(&s, items);
	char *want = xasprintf("{\"mapstatelist\": {\"S\": \"mapitems\"}, \"values\": {\"L\": %s}}",
			       want_values);
	assert_json(item, want);
	free(want);
	json_decref(item);
	json_decref(items);
	cfg_scenario_fini(&s);
	diags_fini(&d);
}

static void test_seed_files(void **state)
{
	(void)state;
	seed_item_is("samples/simplelist.json", "[{\"S\": \"Computer Science\"}, {\"S\": "
						"\"Economics\"}, {\"S\": \"Mathematics\"}]");
	seed_item_is(
	    "samples/listofdicts.json",
	    "[{\"M\": {\"topic\": {\"S\": \"cs\"}, \"name\": {\"S\": \"Computer Science\"}}},"
	    " {\"M\": {\"topic\": {\"S\": \"econ\"}, \"name\": {\"S\": \"Economics\"}}},"
	    " {\"M\": {\"topic\": {\"S\": \"math\"}, \"name\": {\"S\": \"Mathematics\"}}}]");
}

static void test_json_files(void **state)
{
	(void)state;
	expect_items("a.json", "[1, \"two\", {\"three\": 3}]", ITEMS_JSON,
		     "[1, \"two\", {\"three\": 3}]");
	expect_items("a.json", "[]", ITEMS_JSON, "[]");
	expect_error("a.json", "[1,\n  2,,]",
		     "a.json:2:5: invalid JSON: unexpected token near ','");
	expect_error("a.json", "{\"a\": 1}",
		     "a.json:1:1: expected a JSON array of items (or DynamoDB JSON with \"Items\" "
		     "or \"Item\"), got an object");
	expect_error("a.json", "\n  42",
		     "a.json:2:3: expected a JSON array of items (or DynamoDB "
		     "JSON with \"Items\" or \"Item\"), got a number");
	expect_error("a.json", " \n", "a.json:1:1: empty file: expected a JSON array of items");
}

static void test_dynamodb_json(void **state)
{
	(void)state;
	/* aws dynamodb scan output */
	expect_items("scan.json",
		     "{\"Items\": [{\"id\": {\"S\": \"a\"}, \"n\": {\"N\": \"1\"}},"
		     " {\"id\": {\"S\": \"b\"}, \"tags\": {\"SS\": [\"x\"]}}],"
		     " \"Count\": 2, \"ScannedCount\": 2, \"ConsumedCapacity\": null}",
		     ITEMS_DYNAMODB,
		     "[{\"id\": \"a\", \"n\": 1}, {\"id\": \"b\", \"tags\": [\"x\"]}]");
	/* aws dynamodb get-item output: the seed table's own item */
	expect_items("get.json",
		     "{\"Item\": {\"mapstatelist\": {\"S\": \"mapitems\"}, \"values\": {\"L\": "
		     "[{\"S\": \"Economics\"}]}}}",
		     ITEMS_DYNAMODB,
		     "[{\"mapstatelist\": \"mapitems\", \"values\": [\"Economics\"]}]");
	/* a list of typed items */
	expect_items("list.json", "[{\"k\": {\"BOOL\": true}}, {\"k\": {\"NULL\": true}}]",
		     ITEMS_DYNAMODB, "[{\"k\": true}, {\"k\": null}]");
	/* a shape error, located by its JSON pointer */
	expect_error("scan.json",
		     "{\"Items\": [\n  {\"id\": {\"S\": \"a\"}},\n  {\"id\": {\"N\": \"x1\"}}\n]}",
		     "scan.json:3:16: N must be a number in a string");
	expect_error("scan.json", "{\"Items\": 3}",
		     "scan.json:1:11: \"Items\" must be an array of DynamoDB items, got a number");
}

static void test_jsonl(void **state)
{
	(void)state;
	expect_items("a.jsonl", "{\"a\": 1}\n\n\"x\"\r\n[1]\n", ITEMS_JSONL,
		     "[{\"a\": 1}, \"x\", [1]]");
	expect_error("a.jsonl", "{\"a\": 1}\n{\"a\": }\n",
		     "a.jsonl:2:7: invalid JSON: unexpected token near '}'");
	expect_error("a.ndjson", "1\n2\n[3",
		     "a.ndjson:3:2: invalid JSON: ']' expected near end of file");
	/* a DynamoDB export to S3 */
	expect_items("export.jsonl",
		     "{\"Item\": {\"id\": {\"S\": \"a\"}}}\n{\"Item\": {\"id\": "
		     "{\"N\": \"2\"}}}\n",
		     ITEMS_DYNAMODB, "[{\"id\": \"a\"}, {\"id\": 2}]");
}

/* Step Functions reads every CSV value as a string; duplicate headers fail. */
static void test_csv(void **state)
{
	(void)state;
	expect_items("a.csv", "name,age\nAda,36\r\n\"Lovelace, A.\",\"say \"\"hi\"\"\"\n",
		     ITEMS_CSV,
		     "[{\"name\": \"Ada\", \"age\": \"36\"},"
		     " {\"name\": \"Lovelace, A.\", \"age\": \"say \\\"hi\\\"\"}]");
	expect_items("a.csv", "\xEF\xBB\xBFk\n\"two\nlines\"\n\nx", ITEMS_CSV,
		     "[{\"k\": \"two\\nlines\"}, {\"k\": \"x\"}]" /* blank line skipped */);
	expect_items("a.csv", "a,b\n,\n", ITEMS_CSV, "[{\"a\": \"\", \"b\": \"\"}]");
	expect_items("a.csv", "a,b\n", ITEMS_CSV, "[]");
	/* a lone CR is data, not a line break (found by fuzzing: it leaked a field) */
	expect_items("a.csv", "2\r\n\n\ra\n", ITEMS_CSV, "[{\"2\": \"\\ra\"}]");
	expect_items("a.csv", "k\n\"\"\n", ITEMS_CSV, "[{\"k\": \"\"}]" /* quoted: a record */);
	expect_error(
	    "a.csv", "a,b,a\n1,2,3\n",
	    "a.csv:1:5: duplicate column name 'a' (CSV headers cannot contain duplicates)");
	expect_error("a.csv", "a,b\n1,2\n1,2,3\n",
		     "a.csv:3:1: this row has 3 fields, the header has 2");
	expect_error("a.csv", "a,b\n1,\"2\n", "a.csv:2:3: unterminated quoted field");
	expect_error(
	    "a.csv", "a,b\n1,x\"y\n",
	    "a.csv:2:4: a quote inside an unquoted field (quote the whole field and double "
	    "the quote)");
	expect_error("a.csv", "a,b\n\"1\"x,2\n",
		     "a.csv:2:4: expected ',' or the end of the line after a closing quote");
	expect_error("a.csv", "", "a.csv:1:1: empty CSV file: expected a header row");
	expect_error("a.csv", "a\n\xff\n", "a.csv:2:1: not valid UTF-8");
	/* A NUL byte must neither hang the reader nor end the text early. */
	struct diags d;
	diags_init(&d);
	json_t *items = items_load_text("n.csv", "a,b\n1\0002,3\n4,5\n", 14, ITEMS_AUTO, NULL, &d);
	assert_non_null(items);
	assert_int_equal(json_array_size(items), 2);
	json_decref(items);
	diags_fini(&d);
}

static void test_detect_by_content(void **state)
{
	(void)state;
	expect_items("items.txt", " [1, 2]", ITEMS_JSON, "[1, 2]");
	expect_items("items", "{\"a\": 1}\n{\"a\": 2}\n", ITEMS_JSONL, "[{\"a\": 1}, {\"a\": 2}]");
	expect_items("items", "1\n2\n", ITEMS_JSONL, "[1, 2]");
	expect_items("items", "x,y\n1,2\n", ITEMS_CSV, "[{\"x\": \"1\", \"y\": \"2\"}]");
	expect_items(NULL, "{\"Items\": []}", ITEMS_DYNAMODB, "[]");
}

static void test_missing_file(void **state)
{
	(void)state;
	struct diags d;
	diags_init(&d);
	assert_null(items_load("no/such/items.json", ITEMS_AUTO, NULL, &d));
	assert_string_equal(d.list.items[0].message,
			    "cannot read items: no/such/items.json: No such file or directory");
	diags_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_marshal_types),
	    cmocka_unit_test(test_marshal_numbers),
	    cmocka_unit_test(test_unmarshal),
	    cmocka_unit_test(test_seed_files),
	    cmocka_unit_test(test_json_files),
	    cmocka_unit_test(test_dynamodb_json),
	    cmocka_unit_test(test_jsonl),
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_csv_reader),
	    cmocka_unit_test(test_csv_nul),
	    cmocka_unit_test(test_detect_by_content),
	    cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
