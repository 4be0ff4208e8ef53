/*
 * Unit tests of src/asl: loading ASL JSON/YAML into the model, names resolved, typed fields.
 * Field semantics:
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"

static struct asl_machine *load(const char *name, const char *text, struct diags *d)
{
	return asl_load_text(name, text, strlen(text), NULL, d);
}

static const char *MAP_JSON =
    "{\n"
    "  \"Comment\": \"demo\",\n"
    "  \"StartAt\": \"Fan\",\n"
    "  \"TimeoutSeconds\": 300,\n"
    "  \"States\": {\n"
    "    \"Fan\": {\n"
    "      \"Type\": \"Map\", \"ItemsPath\": \"$.items\", \"MaxConcurrency\": 5,\n"
    "      \"ItemProcessor\": {\"StartAt\": \"Work\", \"States\": {\n"
    "        \"Work\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\",\n"
    "          \"TimeoutSeconds\": 10, \"HeartbeatSeconds\": 5,\n"
    "          \"Retry\": [{\"ErrorEquals\": [\"States.ALL\"], \"MaxAttempts\": 2}],\n"
    "          \"End\": true}}},\n"
    "      \"Catch\": [{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"Oops\", "
    "\"ResultPath\": \"$.err\"}],\n"
    "      \"Next\": \"Pick\"\n"
    "    },\n"
    "    \"Pick\": {\"Type\": \"Choice\", \"Choices\": [{\"Variable\": \"$.n\", "
    "\"NumericGreaterThan\": 10, \"Next\": \"Done\"}], \"Default\": \"Nap\"},\n"
    "    \"Nap\": {\"Type\": \"Wait\", \"Seconds\": 3, \"Next\": \"Done\"},\n"
    "    \"Oops\": {\"Type\": \"Fail\", \"Error\": \"E\", \"Cause\": \"C\"},\n"
    "    \"Done\": {\"Type\": \"Succeed\"}\n"
    "  }\n"
    "}\n";

static void test_model_from_json(void **state)
{
	(void)state;
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = load("m.asl.json", MAP_JSON, &d);
	assert_non_null(m);
	assert_int_equal(d.errors, 0);
	assert_int_equal(m->timeout_seconds, 300);
	assert_string_equal(m->comment, "demo");
	assert_int_equal(m->top->state_count, 5);
	assert_int_equal(m->total_states, 6);
	const struct asl_state *fan = m->top->start;
	assert_string_equal(fan->name, "Fan");
	assert_int_equal(fan->type, ASL_MAP);
	assert_string_equal(fan->pointer, "/States/Fan");
	assert_int_equal(fan->max_concurrency, 5);
	assert_string_equal(fan->items_path, "$.items");
	assert_int_equal(fan->map_mode, ASL_MAP_INLINE);
	assert_false(fan->legacy_iterator);
	assert_non_null(fan->processor);
	assert_ptr_equal(fan->processor->owner, fan);
	const struct asl_state *work = fan->processor->start;
	assert_string_equal(work->name, "Work");
	assert_true(work->end);
	assert_int_equal(work->timeout_seconds, 10);
	assert_int_equal(work->heartbeat_seconds, 5);
	assert_int_equal(work->retry_count, 1);
	assert_int_equal(work->retry[0].max_attempts, 2);
	assert_true(work->retry[0].interval_seconds == 1);
	assert_true(work->retry[0].backoff_rate == 2.0);
	assert_string_equal(work->retry[0].errors[0], "States.ALL");
	assert_int_equal(fan->catch_count, 1);
	assert_string_equal(fan->catch_[0].next->name, "Oops");
	assert_string_equal(json_string_value(fan->catch_[0].result_path), "$.err");
	const struct asl_state *pick = fan->next;
	assert_int_equal(pick->type, ASL_CHOICE);
	assert_int_equal(pick->choice_count, 1);
	assert_string_equal(pick->choices[0].next->name, "Done");
	assert_string_equal(pick->choices[0].label, "$.n > 10");
	assert_string_equal(pick->default_next->name, "Nap");
	assert_true(pick->default_next->has_seconds);
	assert_int_equal(pick->default_next->seconds, 3);
	assert_ptr_equal(asl_machine_find(m, "Work"), work);
	assert_null(asl_graph_find(m->top, "Work"));
	int line, col;
	asl_locate(m, "/States/Nap/Seconds", false, &line, &col);
	assert_int_equal(line, 17);
	assert_int_equal(col, 40);
	asl_machine_free(m);
	diags_fini(&d);
}

static void test_model_from_yaml(void **state)
{
	(void)state;
	const char *yaml =
	    "StartAt: A\n"
	    "States:\n"
	    "  A:\n"
	    "    Type: Parallel\n"
	    "    Branches:\n"
	    "      - StartAt: B1\n"
	    "        States:\n"
	    "          B1: {Type: Pass, Result: {x: 1}, End: true}\n"
	    "      - StartAt: B2\n"
	    "        States:\n"
	    "          B2: {Type: Wait, Timestamp: '2024-01-01T00:00:00Z', End: true}\n"
	    "    End: true\n";
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = load("m.asl.yaml", yaml, &d);
	assert_non_null(m);
	const struct asl_state *a = m->top->start;
	assert_int_equal(a->type, ASL_PARALLEL);
	assert_int_equal(a->branch_count, 2);
	assert_int_equal(a->branches[0]->start->type, ASL_PASS);
	assert_int_equal(json_integer_value(json_object_get(a->branches[0]->start->result, "x")),
			 1);
	assert_string_equal(a->branches[1]->start->timestamp, "2024-01-01T00:00:00Z");
	assert_string_equal(a->branches[1]->pointer, "/States/A/Branches/1");
	int line, col;
	asl_locate(m, "/States/A/Branches/1/States/B2", true, &line, &col);
	assert_int_equal(line, 11);
	assert_int_equal(col, 11);
	asl_machine_free(m);
	diags_fini(&d);
}

static const char *CDK =
    "{\"Resources\": {\"M1\": {\"Type\": \"AWS::StepFunctions::StateMachine\",\n"
    " \"Properties\": {\"DefinitionString\": {\"Fn::Join\": [\"\", [\n"
    "  \"{\\\"StartAt\\\":\\\"T\\\",\\\"States\\\":{\\\"T\\\":{\\\"Type\\\":\\\"Task\\\","
    "\\\"Resource\\\":\\\"arn:\",\n"
    "  {\"Ref\": \"AWS::Partition\"},\n"
    "  \":states:::lambda:invoke\\\",\\\"Parameters\\\":{\\\"FunctionName\\\":\\\"\",\n"
    "  {\"Fn::GetAtt\": [\"Lambda217CFB423\", \"Arn\"]},\n"
    "  \"\\\",\\\"Table\\\":\\\"${Tbl}\\\",\\\"Region\\\":\\\"\", {\"Ref\": \"AWS::Region\"},\n"
    "  \"\\\"},\\\"End\\\":true}}}\"]]},\n"
    " \"DefinitionSubstitutions\": {\"Tbl\": {\"Ref\": \"Orders\"}}}}}}\n";

/* CDK's Fn::Join DefinitionString: placeholders and substitutions.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-stepfunctions-statemachine.html
 */
static void test_cdk_template(void **state)
{
	(void)state;
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = load("stack.template.json", CDK, &d);
	assert_non_null(m);
	assert_string_equal(m->machine_id, "M1");
	const struct asl_state *t = m->top->start;
	assert_string_equal(t->resource, "arn:aws:states:::lambda:invoke");
	json_t *p = t->parameters;
	assert_string_equal(json_string_value(json_object_get(p, "FunctionName")),
			    "${Lambda217CFB423.Arn}");
	assert_string_equal(json_string_value(json_object_get(p, "Table")), "${Orders}");
	assert_string_equal(json_string_value(json_object_get(p, "Region")), "${AWS::Region}");
	/* positions inside the string map back to the template's text */
	int line, col;
	asl_locate(m, "/States/T/End", false, &line, &col);
	assert_int_equal(line, 8); /* the last Fn::Join part */
	assert_true(col > 3);
	asl_machine_free(m);
	diags_fini(&d);
}

static const char *TWO = "Resources:\n"
			 "  Alpha:\n"
			 "    Type: AWS::StepFunctions::StateMachine\n"
			 "    Properties:\n"
			 "      Definition: {StartAt: A, States: {A: {Type: Succeed}}}\n"
			 "  Beta:\n"
			 "    Type: AWS::StepFunctions::StateMachine\n"
			 "    Properties:\n"
			 "      DefinitionString: !Sub\n"
			 "        - '{\"StartAt\": \"B\", \"States\": {\"B\": {\"Type\": \"Fail\", "
			 "\"Error\": \"${E}\"}}}'\n"
			 "        - E: !GetAtt Thing.Name\n";

static void test_template_machines(void **state)
{
	(void)state;
	struct diags d;
	diags_init(&d);
	assert_null(load("t.yaml", TWO, &d));
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.list.items[0].code, "several-machines");
	assert_non_null(strstr(d.list.items[0].message, "Alpha, Beta"));
	diags_fini(&d);

	diags_init(&d);
	struct asl_load_options opt = {.machine_id = "Beta"};
	struct asl_machine *m = asl_load_text("t.yaml", TWO, strlen(TWO), &opt, &d);
	assert_non_null(m);
	assert_string_equal(m->machine_id, "Beta");
	assert_string_equal(m->top->start->error, "${Thing.Name}");
	asl_machine_free(m);
	diags_fini(&d);

	diags_init(&d);
	opt.machine_id = "Gamma";
	assert_null(asl_load_text("t.yaml", TWO, strlen(TWO), &opt, &d));
	assert_string_equal(d.list.items[0].code, "unknown-machine");
	assert_non_null(strstr(d.list.items[0].message, "Alpha, Beta"));
	diags_fini(&d);
}

/* JSONata: https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html */
static void test_jsonata_and_distributed(void **state)
{
	(void)state;
	const char *text =
	    "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"M\", \"States\": {\"M\": {\n"
	    " \"Type\": \"Map\", \"Items\": \"{% $states.input.xs %}\",\n"
	    " \"ItemReader\": {\"Resource\": \"arn:aws:states:::s3:getObject\",\n"
	    "   \"ReaderConfig\": {\"InputType\": \"JSONL\"}, \"Arguments\": {\"Bucket\": "
	    "\"b\"}},\n"
	    " \"ToleratedFailureCount\": 3, \"ToleratedFailurePercentage\": 12.5,\n"
	    " \"Label\": \"run\", \"Output\": {\"n\": 1}, \"Assign\": {\"x\": 1},\n"
	    " \"ItemProcessor\": {\"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\",\n"
	    "   \"ExecutionType\": \"EXPRESS\"}, \"StartAt\": \"P\",\n"
	    "   \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}},\n"
	    " \"End\": true}}}\n";
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = load("j.asl.json", text, &d);
	assert_non_null(m);
	assert_int_equal(m->query_language, ASL_JSONATA);
	const struct asl_state *s = m->top->start;
	assert_int_equal(s->query_language, ASL_JSONATA);
	assert_int_equal(s->map_mode, ASL_MAP_DISTRIBUTED);
	assert_string_equal(s->execution_type, "EXPRESS");
	assert_int_equal(s->tolerated_failure_count, 3);
	assert_true(s->tolerated_failure_percentage == 12.5);
	assert_string_equal(s->label, "run");
	assert_string_equal(json_string_value(s->items), "{% $states.input.xs %}");
	assert_non_null(s->item_reader);
	assert_non_null(s->output);
	assert_non_null(s->assign);
	assert_int_equal(s->processor->start->query_language, ASL_JSONATA);
	assert_true(asl_validate(m, &d));
	assert_int_equal(d.list.len, 0);
	asl_machine_free(m);
	diags_fini(&d);
}

static void test_legacy_iterator_and_warnings(void **state)
{
	(void)state;
	const char *text = "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\",\n"
			   " \"Parameters\": {\"v.$\": \"$$.Map.Item.Value\"},\n"
			   " \"Iterator\": {\"StartAt\": \"I\", \"States\": {\"I\": {\"Type\": "
			   "\"Succeed\"}}}, \"End\": true},\n"
			   " \"Lonely\": {\"Type\": \"Succeed\"}}}\n";
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = load("l.asl.json", text, &d);
	assert_non_null(m);
	const struct asl_state *s = m->top->start;
	assert_true(s->legacy_iterator);
	assert_ptr_equal(s->item_selector, s->parameters);
	assert_true(asl_validate(m, &d)); /* warnings only */
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 1);
	assert_string_equal(d.list.items[0].code, "unreachable");
	assert_int_equal(d.list.items[0].line, 4);
	asl_machine_free(m);
	diags_fini(&d);
}

static void test_every_error_reported(void **state)
{
	(void)state;
	const char *text = "{\"StartAt\": \"A\", \"States\": {\n"
			   " \"A\": {\"Type\": \"Wait\", \"Next\": \"Nowhere\"},\n"
			   " \"B\": {\"Type\": \"Task\", \"End\": true, \"Seconds\": 1}}}\n";
	struct diags d;
	diags_init(&d);
	assert_null(load("e.asl.json", text, &d));
	assert_int_equal(d.errors,
			 4); /* wait-time, unknown-state, field-not-allowed, no Resource */
	assert_int_equal(d.list.items[0].line, 2);
	assert_string_equal(d.list.items[0].file, "e.asl.json");
	diags_fini(&d);

	/* a bare json_t: no source, so pointers instead of positions */
	diags_init(&d);
	json_t *def = json_loads("{\"StartAt\": \"X\", \"States\": {}}", 0, NULL);
	assert_null(asl_load_json("bare", def, &d));
	assert_true(d.errors >= 2);
	assert_int_equal(d.list.items[0].line, 0);
	assert_non_null(d.list.items[0].pointer);
	diags_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_model_from_json),
	    cmocka_unit_test(test_model_from_yaml),
	    cmocka_unit_test(test_cdk_template),
	    cmocka_unit_test(test_template_machines),
	    cmocka_unit_test(test_jsonata_and_distributed),
	    cmocka_unit_test(test_legacy_iterator_and_warnings),
	    cmocka_unit_test(test_every_error_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
