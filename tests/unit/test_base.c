/* Unit tests of src/base: strings, diagnostics, positions, files, PRNG. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/base.h"

static void test_strbuf(void **state)
{
	(void)state;
	struct strbuf sb;
	sb_init(&sb);
	assert_string_equal(sb_str(&sb), "");
	sb_add(&sb, "ab");
	sb_addc(&sb, 'c');
	sb_addf(&sb, "-%d-%s", 42, "x");
	for (int i = 0; i < 1000; i++)
		sb_addc(&sb, 'z');
	assert_int_equal(sb.len, 1008);
	assert_memory_equal(sb_str(&sb), "abc-42-xzz", 10);
	char *s = sb_take(&sb);
	assert_int_equal(strlen(s), 1008);
	assert_string_equal(sb_str(&sb), "");
	free(s);
	sb_fini(&sb);
}

static void test_text_position(void **state)
{
	(void)state;
	const char *t = "ab\ncd\r\n\nxyz";
	int line, col;
	text_position(t, strlen(t), 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	text_position(t, strlen(t), 4, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 2);
	text_position(t, strlen(t), 9, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 2);
	const char *start;
	size_t len;
	assert_true(text_line(t, strlen(t), 2, &start, &len));
	assert_int_equal(len, 2); /* the \r is not part of the line */
	assert_memory_equal(start, "cd", 2);
	assert_true(text_line(t, strlen(t), 3, &start, &len));
	assert_int_equal(len, 0);
	assert_false(text_line(t, strlen(t), 9, &start, &len));
}

static void test_diag_print(void **state)
{
	(void)state;
	struct diags d;
	diags_init(&d);
	const char *src = "{\n  \"StartAt\": 1\n}\n";
	diags_add(&d, DIAG_WARNING, "w", "f.json", 3, 1, NULL, "later");
	diags_add(&d, DIAG_ERROR, "bad-type", "f.json", 2, 14, "/StartAt", "must be a %s",
		  "string");
	diags_sort(&d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.warnings, 1);
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	diags_print(out, &d, src, strlen(src));
	fclose(out);
	assert_string_equal(buf, "f.json:2:14: error: must be a string [bad-type]\n"
				 "    \"StartAt\": 1\n"
				 "               ^\n"
				 "f.json:3:1: warning: later [w]\n"
				 "  }\n"
				 "  ^\n");
	free(buf);
	diags_fini(&d);
}

static void test_diag_pointer_only(void **state)
{
	(void)state;
	struct diags d;
	diags_init(&d);
	diags_add(&d, DIAG_ERROR, NULL, "h.json", 0, 0, "/events/3", "no type");
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	diags_print(out, &d, NULL, 0);
	fclose(out);
	assert_string_equal(buf, "h.json:/events/3: error: no type\n");
	free(buf);
	diags_fini(&d);
}

static void test_atomic_write(void **state)
{
	(void)state;
	char dir[] = "/tmp/stepscope-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/out.json", dir);
	char *err = NULL;
	assert_true(file_write_atomic(path, "first", 5, &err));
	size_t len;
	char *data = file_read_all(path, &len, &err);
	assert_non_null(data);
	assert_string_equal(data, "first");
	free(data);
	/* A write into a folder that does not exist fails and leaves nothing behind. */
	char *bad = xasprintf("%s/missing/out.json", dir);
	assert_false(file_write_atomic(bad, "x", 1, &err));
	assert_non_null(strstr(err, "missing/out.json"));
	free(err);
	err = NULL;
	assert_true(file_same(path, path));
	assert_null(file_read_all(bad, &len, &err));
	free(err);
	/* file_read_diag: the same read, a failure an error located at the path. */
	struct diags d;
	diags_init(&d);
	data = file_read_diag(path, &len, &d);
	assert_int_equal(len, 5);
	free(data);
	assert_null(file_read_diag(bad, &len, &d));
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.list.items[0].code, "read");
	assert_string_equal(d.list.items[0].file, bad);
	assert_non_null(strstr(d.list.items[0].message, "missing/out.json"));
	diags_fini(&d);
	/* The data folder: the environment's when set, else the installed one. */
	assert_int_equal(setenv("STEPSCOPE_DATADIR", "/opt/data", 1), 0);
	assert_string_equal(file_data_dir(), "/opt/data");
	assert_int_equal(setenv("STEPSCOPE_DATADIR", "", 1), 0);
	assert_true(file_data_dir() == NULL || strcmp(file_data_dir(), "") != 0);
	unsetenv("STEPSCOPE_DATADIR");
	unlink(path);
	rmdir(dir);
	free(bad);
	free(path);
}

/* Entries of dir besides . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* Every open descriptor on a file in dir is close-on-exec; returns how many there are. */
static int cloexec_fds_in(const char *dir)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	int n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		char link[300], target[4096];
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		ssize_t k = readlink(link, target, sizeof(target) - 1);
		if (k <= 0)
			continue;
		target[k] = '\0';
		if (strncmp(target, dir, strlen(dir)) != 0)
			continue;
		assert_true(fcntl(atoi(e->d_name), F_GETFD) & FD_CLOEXEC);
		n++;
	}
	closedir(d);
	return n;
}

/* The streamed atomic file: nothing under the final name until commit, nothing at all after
 * abort, and (where the file system has O_TMPFILE) no name at all while it is written. */
static void test_atomic_stream(void **state)
{
	(void)state;
	char dir[] = "/tmp/stepscope-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/out.json", dir);
	char *err = NULL;
	struct file_atomic *f = file_atomic_open(path, &err);
	assert_non_null(f);
	assert_true(file_atomic_write(f, "ab", 2, &err));
	assert_true(file_atomic_write(f, "cd", 2, &err));
	assert_true(entries(dir) <= 1); /* 0 with O_TMPFILE, the mkostemp file without */
	int fds = cloexec_fds_in(dir);
	assert_true(fds == -1 || fds == 1);
	assert_true(file_atomic_ready(f, &err));
	assert_int_equal(entries(dir), 1); /* the temporary name, not out.json */
	assert_int_equal(access(path, F_OK), -1);
	assert_true(file_atomic_commit(f, &err));
	assert_int_equal(entries(dir), 1);
	size_t len;
	char *data = file_read_all(path, &len, &err);
	assert_non_null(data);
	assert_string_equal(data, "abcd");
	free(data);
	/* Abort, before and after ready: the old file stays, nothing else is left. */
	for (int ready = 0; ready < 2; ready++) {
		f = file_atomic_open(path, &err);
		assert_non_null(f);
		assert_true(file_atomic_write(f, "x", 1, &err));
		if (ready)
			assert_true(file_atomic_ready(f, &err));
		file_atomic_abort(f);
		assert_int_equal(entries(dir), 1);
		data = file_read_all(path, &len, &err);
		assert_string_equal(data, "abcd");
		free(data);
	}
	file_atomic_abort(NULL);
	assert_null(err);
	unlink(path);
	rmdir(dir);
	free(path);
}

/* A FIFO (like /dev/null or /dev/stdout, not a regular file) is written in place and stays a
 * FIFO: a rename over it would replace it by a plain file. A symbolic link stays a link and
 * the file it names gets the data. A directory is refused. */
static void test_atomic_special(void **state)
{
	(void)state;
	char dir[] = "/tmp/stepscope-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *fifo = xasprintf("%s/pipe", dir), *err = NULL;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid_t reader = fork();
	assert_true(reader >= 0);
	if (reader == 0) { /* counts the bytes it reads; exits with the count */
		int fd = open(fifo, O_RDONLY);
		char buf[64];
		ssize_t n, total = 0;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			total += n;
		_exit((int)total);
	}
	assert_true(file_write_atomic(fifo, "hello", 5, &err));
	int status = 0;
	assert_int_equal(waitpid(reader, &status, 0), reader);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 5);
	struct stat st;
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(entries(dir), 1);

	char *target = xasprintf("%s/target.json", dir), *link = xasprintf("%s/link.json", dir);
	assert_true(file_write_atomic(target, "old", 3, &err));
	assert_int_equal(symlink("target.json", link), 0);
	assert_true(file_write_atomic(link, "new", 3, &err));
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	size_t len;
	char *data = file_read_all(target, &len, &err);
	assert_string_equal(data, "new");
	free(data);

	assert_false(file_write_atomic(dir, "x", 1, &err));
	assert_non_null(strstr(err, "is a directory"));
	free(err);
	unlink(link);
	unlink(target);
	unlink(fifo);
	rmdir(dir);
	free(link);
	free(target);
	free(fifo);
}

static void test_rng_streams(void **state)
{
	(void)state;
	struct rng a, b, c1, c2, d;
	rng_seed(&a, 42);
	rng_seed(&b, 42);
	for (int i = 0; i < 100; i++)
		assert_true(rng_next(&a) == rng_next(&b));
	rng_seed(&a, 42);
	rng_split(&c1, &a, "jitter");
	rng_split(&c2, &a, "durations");
	rng_split(&d, &a, "jitter");
	uint64_t x1 = rng_next(&c1), x2 = rng_next(&c2), x3 = rng_next(&d);
	assert_true(x1 == x3);
	assert_true(x1 != x2);
	for (int i = 0; i < 1000; i++) {
		double v = rng_double(&a);
		assert_true(v >= 0.0 && v < 1.0);
		assert_true(rng_below(&a, 7) < 7);
	}
}

/* One to four bytes by range (RFC 3629 section 3), each boundary on both sides. */
static void test_utf8_encode(void **state)
{
	(void)state;
	struct strbuf sb;
	sb_init(&sb);
	static const uint32_t cps[] = {0x41,   0x7F,   0x80,	0x7FF,	 0x800,
				       0x2502, 0xFFFF, 0x10000, 0x10FFFF};
	for (size_t i = 0; i < ARRAY_LEN(cps); i++)
		sb_add_utf8(&sb, cps[i]);
	assert_string_equal(sb_str(&sb), "A\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xE2\x94\x82"
					 "\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
	char b[4];
	assert_int_equal(utf8_encode(0x1F600, b), 4); /* 😀 */
	assert_memory_equal(b, "\xF0\x9F\x98\x80", 4);
	assert_int_equal(utf8_encode(0, b), 1);
	assert_int_equal(b[0], 0);
	sb_fini(&sb);
}

static void test_suggest(void **state)
{
	(void)state;
	const char *const keys[] = {"maxConcurrency", "waitDurationSeconds",
				    "timeoutDurationSeconds"};
	assert_string_equal(str_suggest("maxConcurency", keys, 3), "maxConcurrency");
	assert_null(str_suggest("banana", keys, 3));
	assert_int_equal(str_distance("kitten", "sitting", 10), 3);
	assert_true(str_ends_with("a.asl.json", ".json"));
	assert_false(str_ends_with("json", ".json"));
}

/* RFC 3339 as AWS reads Wait/Choice timestamps (aws-facts b.3), and as histories spell them. */
static void test_time_parse(void **state)
{
	(void)state;
	struct instant t;
	assert_true(time_parse("2024-05-14T10:15:01Z", TIME_STRICT, &t));
	assert_true(t.sec == 1715681701 && t.nsec == 0);
	assert_true(time_parse("2024-05-14T19:15:01.512+09:00", TIME_STRICT, &t));
	assert_true(t.sec == 1715681701 && t.nsec == 512000000);
	assert_int_equal(instant_ms(t), 1715681701512LL);
	assert_true(time_parse("2016-03-14T01:59:00.123456789-05:30", TIME_STRICT, &t));
	assert_int_equal(t.nsec, 123456789);
	assert_true(time_parse("2024-02-29T00:00:00Z", TIME_STRICT, &t));
	/* Rejected by AWS: no zone, lowercase t, a space, bad dates, leap seconds, empty fraction.
	 */
	assert_false(time_parse("2016-12-05T21:29:29", TIME_STRICT, &t));
	assert_false(time_parse("2016-12-05t21:29:29Z", TIME_STRICT, &t));
	assert_false(time_parse("2016-12-05 21:29:29Z", TIME_STRICT, &t));
	assert_false(time_parse("2023-02-29T00:00:00Z", TIME_STRICT, &t));
	assert_false(time_parse("2024-05-14T23:59:60Z", TIME_STRICT, &t));
	assert_false(time_parse("2024-05-14T10:15:01.Z", TIME_STRICT, &t));
	assert_false(time_parse("2024-05-14T10:15:01+0900", TIME_STRICT, &t));
	assert_false(time_parse("2024-05-14T10:15:01Z ", TIME_STRICT, &t));
	/* Config: lowercase allowed by RFC 3339 section 5.6. */
	assert_true(time_parse("2024-05-14t10:15:01z", TIME_LOWERCASE, &t));
	/* Histories: CLI v2 output, no fraction, other offset spellings, no zone = UTC. */
	assert_true(time_parse("2024-05-14T10:15:02+00:00", TIME_LENIENT, &t));
	assert_int_equal(t.sec, 1715681702);
	assert_true(time_parse("2024-05-14 10:15:02,5+0000", TIME_LENIENT, &t));
	assert_int_equal(t.nsec, 500000000);
	assert_true(time_parse("2024-05-14T10:15:02", TIME_LENIENT, &t));
	assert_int_equal(t.sec, 1715681702);
	/* Before 1970 and the calendar round trip. */
	assert_true(time_parse("1969-12-31T23:59:59.5Z", TIME_STRICT, &t));
	assert_true(t.sec == -1 && t.nsec == 500000000);
	int64_t y;
	int m, d;
	time_civil_from_days(time_days_from_civil(2000, 2, 29), &y, &m, &d);
	assert_true(y == 2000 && m == 2 && d == 29);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strbuf),	   cmocka_unit_test(test_text_position),
	    cmocka_unit_test(test_diag_print),	   cmocka_unit_test(test_diag_pointer_only),
	    cmocka_unit_test(test_atomic_write),   cmocka_unit_test(test_atomic_stream),
	    cmocka_unit_test(test_atomic_special), cmocka_unit_test(test_rng_streams),
	    cmocka_unit_test(test_suggest),	   cmocka_unit_test(test_utf8_encode),
	    cmocka_unit_test(test_time_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
