/*
 * The s3:listObjectsV2 ItemReader's local stand-in for a bucket (src/sim/s3list.c): symbolic
 * links are not objects and are never followed (S3 has no links; a folder holding `a -> .` and
 * `b -> .` made the walk exponential), Prefix prunes the walk, MaxItems cuts the sorted keys
 * before any file is read.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/internal.h"

/* A temporary folder; the caller removes it with rm_tree. */
static char *temp_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/s3list-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static void link_at(const char *dir, const char *target, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	assert_int_equal(symlink(target, path), 0);
	free(path);
}

static void rm_at(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	assert_int_equal(remove(path), 0);
	free(path);
}

/* The listed keys, comma-separated (owned by the caller). */
static char *keys_of(json_t *items)
{
	struct strbuf sb;
	sb_init(&sb);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (i)
			sb_add(&sb, ",");
		sb_add(&sb, json_string_value(json_object_get(it, "Key")));
	}
	return sb_take(&sb);
}

/* `ln -s . a; ln -s . b`, a link to a file and a FIFO: only the two regular files are listed,
 * and the walk ends (it followed the links 2^depth times before). */
static void test_links_skipped(void **state)
{
	(void)state;
	char *dir = temp_dir();
	put(dir, "x.txt", "x");
	char *sub = xasprintf("%s/d", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	put(sub, "y.txt", "yy");
	link_at(dir, ".", "a");
	link_at(dir, ".", "b");
	link_at(sub, "..", "up");
	link_at(dir, "x.txt", "x-link.txt");
	char *fifo = xasprintf("%s/pipe", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	char *why = NULL;
	json_t *items = sim_dmap_list_objects(dir, NULL, 0, &why);
	assert_null(why);
	assert_non_null(items);
	char *keys = keys_of(items);
	assert_string_equal(keys, "d/y.txt,x.txt");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "Size")), 2);
	free(keys);
	json_decref(items);
	rm_at(sub, "up");
	rm_at(sub, "y.txt");
	assert_int_equal(rmdir(sub), 0);
	const char *names[] = {"a", "b", "x-link.txt", "pipe", "x.txt"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		rm_at(dir, names[i]);
	assert_int_equal(rmdir(dir), 0);
	free(fifo);
	free(sub);
	free(dir);
}

/* The listed keys for Prefix and MaxItems (owned by the caller; the error text when failed). */
static char *listed(const char *dir, const char *prefix, int64_t max)
{
	char *why = NULL;
	json_t *items = sim_dmap_list_objects(dir, prefix, max, &why);
	if (!items)
		return why;
	assert_null(why);
	char *keys = keys_of(items);
	json_decref(items);
	return keys;
}

/* Prefix is a key prefix, not a folder ("d" also matches "dz.txt"; "d/e" matches "d/e/..." and
 * "d/ex"); MaxItems keeps the first keys in byte order ("D" < "d"). */
static void test_prefix_and_max(void **state)
{
	(void)state;
	char *dir = temp_dir();
	char *d = xasprintf("%s/d", dir), *de = xasprintf("%s/d/e", dir);
	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(mkdir(de, 0700), 0);
	put(dir, "D.txt", "1");
	put(dir, "dz.txt", "2");
	put(d, "a", "3");
	put(d, "ex", "4");
	put(de, "f", "5");
	struct {
		const char *prefix;
		int64_t max;
		const char *want;
	} cases[] = {
	    {NULL, 0, "D.txt,d/a,d/e/f,d/ex,dz.txt"},
	    {"", 2, "D.txt,d/a"},
	    {"d", 0, "d/a,d/e/f,d/ex,dz.txt"},
	    {"d/", 0, "d/a,d/e/f,d/ex"},
	    {"d/e", 0, "d/e/f,d/ex"},
	    {"d/e/", 5, "d/e/f"},
	    {"d/e", 1, "d/e/f"},
	    {"x", 0, ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = listed(dir, cases[i].prefix, cases[i].max);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
	rm_at(de, "f");
	assert_int_equal(rmdir(de), 0);
	rm_at(d, "a");
	rm_at(d, "ex");
	assert_int_equal(rmdir(d), 0);
	rm_at(dir, "D.txt");
	rm_at(dir, "dz.txt");
	assert_int_equal(rmdir(dir), 0);
	free(de);
	free(d);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_links_skipped),
	    cmocka_unit_test(test_prefix_and_max),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
