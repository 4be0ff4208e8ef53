/*
 * Unit tests of src/lesson: the shipped lessons load with their scenario settings turned into
 * --set strings and their paths resolved beside the lesson file; broken lessons give located
 * errors; {generate: N} items. (Each step's expected status is checked end to end by
 * tests/lesson, `stepscope lesson --check`.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson/lesson.h"

/* The shipped lesson NAME, loaded without errors (d gets none); owned by the caller. */
static struct lesson *load_shipped(const char *name, struct diags *d)
{
	char *path = lesson_find(name);
	assert_non_null(path);
	struct lesson *l = lesson_load(path, d);
	assert_non_null(l);
	free(path);
	return l;
}

/* Loads a lesson file holding `text`, which must fail; d (initialised by the caller) gets the
 * errors, sorted by position. */
static void load_broken(const char *text, struct diags *d)
{
	char path[] = "/tmp/lessonXXXXXX.yaml";
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_null(lesson_load(path, d));
	diags_sort(d);
	unlink(path);
}

static void test_shipped_lessons_load(void **state)
{
	(void)state;
	size_t n;
	char **files = lesson_list(&n);
	assert_true(n >= 7);
	for (size_t i = 0; i < n; i++) {
		struct diags d;
		diags_init(&d);
		struct lesson *l = lesson_load(files[i], &d);
		if (!l)
			diags_print(stderr, &d, NULL, 0);
		assert_non_null(l);
		assert_non_null(l->title);
		assert_true(l->step_count > 0);
		for (size_t s = 0; s < l->step_count; s++) {
			assert_non_null(l->steps[s].title);
			assert_non_null(l->steps[s].expect);
		}
		lesson_free(l);
		diags_fini(&d);
		free(files[i]);
	}
	free(files);
}

static void test_retries_scenario(void **state)
{
	(void)state;
	struct diags d;
	diags_init(&d);
	struct lesson *l = load_shipped("retries", &d);
	assert_string_equal(l->name, "retries");
	assert_int_equal(l->step_count, 2);
	const struct lesson_step *s = &l->steps[0];
	assert_int_equal(s->set_count, 3);
	assert_string_equal(s->sets[0], "stepfunc.maxConcurrency=1");
	assert_string_equal(s->sets[1], "stepfunc.timeoutDurationSeconds=60");
	assert_non_null(strstr(s->sets[2], "lambda.default.errors={"));
	assert_non_null(strstr(s->sets[2], "\"Lambda.ServiceException\""));
	assert_int_equal(s->pause_count, 4);
	assert_int_equal(s->pauses[0].t_ms, -1);
	assert_string_equal(s->pauses[0].event, "TaskFailed LambdaInvoke #1");
	assert_int_equal(s->pauses[0].row, 1);
	assert_null(s->definition);
	/* Paths are resolved beside the lesson file. */
	assert_string_equal(l->steps[1].definition, "assets/lessons/retry-jitter.asl.json");
	lesson_free(l);
	diags_fini(&d);
}

static void test_errors_located(void **state)
{
	(void)state;
	const char *text = "title: t\n"
			   "steps:\n"
			   "  - title: s\n"
			   "    items: {generate: 0}\n"
			   "    pauseAt:\n"
			   "      - {t: 5, event: \"ExecutionSucceeded\"}\n"
			   "    window: -3\n";
	struct diags d;
	diags_init(&d);
	load_broken(text, &d);
	assert_int_equal(d.errors, 3);
	assert_int_equal(d.list.items[0].line, 3); /* the step: window must be > 0 */
	assert_int_equal(d.list.items[1].line, 4); /* items */
	assert_int_equal(d.list.items[2].line, 6); /* both t and event */
	diags_fini(&d);
}

/* `versus:` (a side-by-side step): its sets become --set strings applied after the step's. */
static void test_versus(void **state)
{
	(void)state;
	struct diags d;
	diags_init(&d);
	struct lesson *l = load_shipped("one-at-a-time", &d);
	assert_int_equal(l->step_count, 3);
	assert_null(l->steps[0].versus);
	const struct lesson_versus *v = l->steps[2].versus;
	assert_non_null(v);
	assert_int_equal(v->set_count, 1);
	assert_string_equal(v->sets[0], "stepfunc.maxConcurrency=3");
	assert_null(v->title);
	assert_null(v->definition);
	assert_null(v->input);
	assert_string_equal(l->steps[2].sets[0], "stepfunc.maxConcurrency=1");
	lesson_free(l);
	diags_fini(&d);
}

/* A broken `versus` is located like any other key: not a mapping, an unknown key. */
static void test_versus_errors(void **state)
{
	(void)state;
	const char *text = "title: t\n"
			   "steps:\n"
			   "  - title: a\n"
			   "    versus: 3\n"
			   "  - title: b\n"
			   "    versus: {set: {stepfunc.maxConcurrency: 2}, sets: {}}\n";
	struct diags d;
	diags_init(&d);
	load_broken(text, &d);
	assert_int_equal(d.errors, 2);
	assert_int_equal(d.list.items[0].line, 4);
	assert_non_null(strstr(d.list.items[0].message, "'versus' is a mapping"));
	assert_int_equal(d.list.items[1].line, 6);
	assert_non_null(strstr(d.list.items[1].message, "unknown key 'sets'"));
	diags_fini(&d);
}

static void test_generate(void **state)
{
	(void)state;
	json_t *items = lesson_generate_items(3);
	assert_int_equal(json_array_size(items), 3);
	assert_string_equal(json_string_value(json_array_get(items, 0)), "item 00001");
	assert_string_equal(json_string_value(json_array_get(items, 2)), "item 00003");
	json_decref(items);
	assert_null(lesson_find("no-such-lesson"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_lessons_load),
	    cmocka_unit_test(test_retries_scenario),
	    cmocka_unit_test(test_errors_located),
	    cmocka_unit_test(test_generate),
	    cmocka_unit_test(test_versus),
	    cmocka_unit_test(test_versus_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
