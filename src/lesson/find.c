/*
 * Finding lessons: by path, or by name in the lessons folder — ./assets/lessons when run
 * from the source tree, else the installed data folder ($STEPSCOPE_DATADIR overrides it, as
 * for the seed machine).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lesson/lesson.h"

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

char *lesson_dir(void)
{
	if (is_dir("assets/lessons"))
		return xstrdup("assets/lessons");
	const char *datadir = file_data_dir();
	if (datadir) {
		char *p = xasprintf("%s/lessons", datadir);
		if (is_dir(p))
			return p;
		free(p);
	}
	return NULL;
}

char *lesson_find(const char *name)
{
	if (is_file(name))
		return xstrdup(name);
	if (strchr(name, '/'))
		return NULL;
	char *dir = lesson_dir();
	char *p = dir ? xasprintf("%s/%s.yaml", dir, name) : NULL;
	free(dir);
	if (p && is_file(p))
		return p;
	free(p);
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **lesson_list(size_t *count)
{
	*count = 0;
	char *dir = lesson_dir();
	DIR *dh = dir ? opendir(dir) : NULL;
	if (!dh) {
		free(dir);
		return NULL;
	}
	VEC(char *) v = {0};
	struct dirent *e;
	while ((e = readdir(dh))) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] != '.' && n > 5 && !strcmp(e->d_name + n - 5, ".yaml"))
			VEC_PUSH(v, xasprintf("%s/%s", dir, e->d_name));
	}
	closedir(dh);
	free(dir);
	if (v.len)
		qsort(v.items, v.len, sizeof(char *), cmp_str);
	*count = v.len;
	return v.items;
}
