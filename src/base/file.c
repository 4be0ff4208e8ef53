/* Whole-file reads and atomic writes: a failing run never truncates an existing file. */
#include "base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *read_stream(FILE *f, size_t *len)
{
	struct strbuf sb;
	sb_init(&sb);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_addn(&sb, buf, n);
	*len = sb.len;
	return sb_take(&sb);
}

char *file_read_all(const char *path, size_t *len, char **err)
{
	if (strcmp(path, "-") == 0) {
		char *data = read_stream(stdin, len);
		if (ferror(stdin)) {
			free(data);
			*err = xasprintf("cannot read standard input: %s", strerror(errno));
			return NULL;
		}
		return data;
	}
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		*err = xasprintf("%s: is a directory", path);
		return NULL;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	char *data = read_stream(f, len);
	bool failed = ferror(f);
	fclose(f);
	if (failed) {
		free(data);
		*err = xasprintf("%s: read error", path);
		return NULL;
	}
	return data;
}

static bool write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

bool file_write_atomic(const char *path, const void *data, size_t len, char **err)
{
	char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		*err = xasprintf("%s: cannot create a temporary file beside it: %s", path,
				 strerror(errno));
		free(tmp);
		return false;
	}
	/* mkstemp makes 0600; outputs are ordinary files. */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	bool ok = write_all(fd, data, len) && fsync(fd) == 0;
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		unlink(tmp);
		*err = xasprintf("%s: cannot write: %s", path, strerror(saved));
	}
	free(tmp);
	return ok;
}

bool file_same(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
