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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_model_from_json),
	    cmocka_unit_test(test_model_from_yaml),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
