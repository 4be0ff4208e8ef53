/* Whole-file reads and atomic writes: a failing run never truncates an existing file. */
#define _GNU_SOURCE /* O_TMPFILE, mkostemp */
#include "base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

char *file_read_diag(const char *path, size_t *len, struct diags *d)
{
	char *err = NULL;
	char *text = file_read_all(path, len, &err);
	if (!text) {
		diags_add(d, DIAG_ERROR, "read", path, 0, 0, NULL, "%s", err);
		free(err);
	}
	return text;
}

/*
 * A file written under no name (O_TMPFILE) in the folder of its path, so that a process killed
 * while writing leaves nothing behind; it gets a temporary name only once written and synced,
 * and is renamed over the path. Where the file system has no O_TMPFILE, a named temporary file
 * (mkostemp) is written instead, as before.
 *
 * A path that names something other than a regular file (/dev/null, /dev/stdout, a FIFO) is
 * written in place: a rename would replace the device or pipe by a plain file (as root, that
 * breaks /dev/null for the whole machine). A symbolic link is followed, so the link stays and
 * the file it names is replaced.
 */
struct file_atomic {
	char *path;  /* the final path */
	char *tmp;   /* its temporary name, NULL while it has none */
	int fd;	     /* -1 once closed */
	int failed;  /* the errno of a failed step: the file is never put in place */
	bool direct; /* written in place: not a regular file */
};

/* The folder of path ("." when it has none); owned by the caller. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

/* Opens a device or pipe for writing in place; f on success, else NULL with *err. */
static struct file_atomic *open_direct(struct file_atomic *f, char **err)
{
	f->direct = true;
	f->fd = open(f->path, O_WRONLY | O_CLOEXEC);
	if (f->fd >= 0)
		return f;
	*err = xasprintf("%s: %s", f->path, strerror(errno));
	file_atomic_abort(f);
	return NULL;
}

struct file_atomic *file_atomic_open(const char *path, char **err)
{
	struct file_atomic *f = xcalloc(1, sizeof(*f));
	struct stat st;
	char *target = lstat(path, &st) == 0 && S_ISLNK(st.st_mode) ? realpath(path, NULL) : NULL;
	f->path = target ? target : xstrdup(path);
	if (stat(f->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (!S_ISDIR(st.st_mode))
			return open_direct(f, err);
		*err = xasprintf("%s: is a directory", path);
		file_atomic_abort(f);
		return NULL;
	}
	char *dir = dir_of(f->path);
	/* Close-on-exec: child processes (command.c's Lambda handlers) must not inherit it. The
	 * unnamed file gets its name through /proc (link_tmp): without /proc, none is made. */
	f->fd = -1;
	int saved = EOPNOTSUPP;
	if (access("/proc/self/fd", X_OK) == 0) {
		f->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
		saved = errno;
	}
	free(dir);
	if (f->fd >= 0)
		return f;
	if (saved == EOPNOTSUPP || saved == EISDIR || saved == EINVAL) {
		f->tmp = xasprintf("%s.tmp.XXXXXX", f->path);
		f->fd = mkostemp(f->tmp, O_CLOEXEC);
		saved = errno;
		if (f->fd >= 0) {
			/* mkostemp makes 0600; outputs are ordinary files. */
			mode_t mask = umask(0);
			umask(mask);
			fchmod(f->fd, 0666 & ~mask);
			return f;
		}
	}
	*err = xasprintf("%s: cannot create a temporary file beside it: %s", path, strerror(saved));
	free(f->tmp);
	f->tmp = NULL;
	file_atomic_abort(f);
	return NULL;
}

/* *err for a failed write of f (err_no: what failed). */
static void write_error(const struct file_atomic *f, int err_no, char **err)
{
	*err = xasprintf("%s: cannot write: %s", f->path, strerror(err_no));
}

bool file_atomic_write(struct file_atomic *f, const void *data, size_t len, char **err)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(f->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* A write of 0 bytes sets no errno: the disk is full. */
			f->failed = n == 0 ? ENOSPC : errno;
			write_error(f, f->failed, err);
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Links the unnamed file f->fd under a new temporary name beside f->path; 0 or an errno. */
static int link_tmp(struct file_atomic *f)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
	for (unsigned k = 0;; k++) {
		f->tmp = xasprintf("%s.tmp.%ld.%u", f->path, (long)getpid(), k);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, f->tmp, AT_SYMLINK_FOLLOW) == 0)
			return 0;
		int saved = errno;
		free(f->tmp);
		f->tmp = NULL;
		if (saved != EEXIST || k == 100)
			return saved;
	}
}

bool file_atomic_ready(struct file_atomic *f, char **err)
{
	if (f->failed || f->fd < 0) {
		write_error(f, f->failed ? f->failed : EBADF, err);
		return false;
	}
	/* A device or pipe is not synced (most refuse) and gets no name. */
	int saved = f->direct || fsync(f->fd) == 0 ? 0 : errno;
	if (!saved && !f->tmp && !f->direct)
		saved = link_tmp(f);
	if (close(f->fd) != 0 && !saved)
		saved = errno;
	f->fd = -1;
	if (saved) {
		f->failed = saved;
		write_error(f, saved, err);
		return false;
	}
	return true;
}

bool file_atomic_commit(struct file_atomic *f, char **err)
{
	bool readied = f->fd < 0 && (f->tmp || f->direct) && !f->failed;
	bool ok = readied ? true : file_atomic_ready(f, err);
	if (ok && !f->direct && rename(f->tmp, f->path) != 0) {
		write_error(f, errno, err);
		ok = false;
	}
	if (ok) {
		free(f->tmp);
		f->tmp = NULL;
	}
	file_atomic_abort(f);
	return ok;
}

void file_atomic_abort(struct file_atomic *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	free(f);
}

bool file_write_atomic(const char *path, const void *data, size_t len, char **err)
{
	struct file_atomic *f = file_atomic_open(path, err);
	if (!f)
		return false;
	if (!file_atomic_write(f, data, len, err)) {
		file_atomic_abort(f);
		return false;
	}
	return file_atomic_commit(f, err);
}

bool file_same(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

const char *file_data_dir(void)
{
	const char *dir = getenv("STEPSCOPE_DATADIR");
#ifdef STEPSCOPE_DATADIR
	if (!dir || !*dir)
		dir = STEPSCOPE_DATADIR;
#endif
	return dir && *dir ? dir : NULL;
}
