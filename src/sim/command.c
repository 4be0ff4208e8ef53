/*
 * A real local Lambda handler (lambda.*.command in config.yaml): the event JSON on its stdin,
 * its stdout parsed as the result JSON, run in the config's folder without a shell. Its
 * stderr is the function's log: captured (through a temporary file, like the event) for the
 * simulated CloudWatch logs. Virtual time does not depend on how long it
 * really takes; a handler that does not answer within the function's timeout (wall clock) is
 * killed and the call fails like a Lambda timeout. It never shares the terminal (a session
 * of its own, every standard stream redirected) and what it writes is bounded: Lambda's 6 MB
 * response limit for stdout, 256 KB of log.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Lambda's synchronous response limit (the Invoke API's error text names this number). */
#define MAX_RESPONSE 6291556
/* One CloudWatch Logs event holds at most 256 KB. */
#define MAX_LOG 262144

static int64_t now_ms(void)
{
	return (int64_t)mono_ms();
}

/* The event goes through a temporary file: a handler that prints before it reads cannot
 * deadlock on a full pipe. */
static int event_file(json_t *event)
{
	FILE *f = tmpfile();
	if (!f)
		return -1;
	json_dumpf(event, f, JSON_COMPACT | JSON_ENCODE_ANY);
	fflush(f);
	int fd = dup(fileno(f));
	fclose(f);
	if (fd >= 0)
		lseek(fd, 0, SEEK_SET);
	return fd;
}

static void child(int in, int out, int err, const char *dir, char *const *argv)
{
	/* A new session has no controlling terminal: the handler cannot reach the TUI's. */
	setsid();
	dup2(in, 0);
	dup2(out, 1);
	if (err < 0)
		err = open("/dev/null", O_WRONLY);
	if (err >= 0) {
		dup2(err, 2);
		close(err);
	}
	close(in);
	close(out);
	if (dir && chdir(dir) != 0)
		_exit(126);
	execvp(argv[0], argv);
	_exit(127);
}

/* Reads the child's stdout until EOF, the deadline or the size limit (*too_big); false when
 * it stopped early. */
static bool read_all(int fd, struct strbuf *sb, int64_t deadline, bool *too_big)
{
	*too_big = false;
	char buf[4096];
	for (;;) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return false;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return true;
		sb_addn(sb, buf, (size_t)n);
		if (sb->len > MAX_RESPONSE) {
			*too_big = true;
			return false;
		}
	}
}

/* The handler's stderr so far (owned), from the start of file descriptor fd. */
static char *read_log(int fd)
{
	struct strbuf sb;
	sb_init(&sb);
	char buf[4096];
	ssize_t n;
	lseek(fd, 0, SEEK_SET);
	while (sb.len < MAX_LOG &&
	       ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			sb_addn(&sb, buf, (size_t)n);
	if (sb.len > MAX_LOG) {
		sb.len = MAX_LOG;
		sb.data[sb.len] = '\0';
		sb_add(&sb, "\n[log truncated at 256 KB]");
	}
	close(fd);
	return sb_take(&sb);
}

static int log_file(void)
{
	FILE *f = tmpfile();
	if (!f)
		return -1;
	int fd = dup(fileno(f));
	fclose(f);
	return fd;
}

bool sim_run_command(char *const *argv, const char *dir, json_t *event, int64_t timeout_ms,
		     json_t **result, char **error, char **why, char **log)
{
	*result = NULL;
	*error = *why = NULL;
	*log = NULL;
	int err = log_file();
	int in = event_file(event);
	int pipefd[2];
	if (in < 0 || pipe(pipefd) != 0) {
		if (in >= 0)
			close(in);
		if (err >= 0)
			close(err);
		*error = xstrdup("Lambda.Unknown");
		*why = xasprintf("cannot start %s: %s", argv[0], strerror(errno));
		return false;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		child(in, pipefd[1], err, dir, argv);
	}
	close(in);
	close(pipefd[1]);
	struct strbuf out;
	sb_init(&out);
	bool too_big = false;
	bool done = pid > 0 && read_all(pipefd[0], &out, now_ms() + timeout_ms, &too_big);
	close(pipefd[0]);
	int status = 0;
	if (pid > 0 && !done)
		kill(pid, SIGKILL);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	if (err >= 0)
		*log = read_log(err);
	bool ok = false;
	if (too_big) {
		/* The error type and message Lambda gives for an oversized response. */
		*error = xstrdup("Function.ResponseSizeTooLarge");
		*why = xasprintf("Response payload size exceeded maximum allowed payload size "
				 "(%d bytes).",
				 MAX_RESPONSE);
	} else if (pid < 0 || !done) {
		*error = xstrdup("Lambda.Unknown");
		*why = pid < 0 ? xasprintf("cannot start %s", argv[0])
			       : xasprintf("Task timed out after %.2f seconds",
					   (double)timeout_ms / 1000.0);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*error = xstrdup("Exception");
		*why = WIFEXITED(status) && WEXITSTATUS(status) == 127
			   ? xasprintf("cannot run %s", argv[0])
			   : xasprintf("%s exited with status %d", argv[0],
				       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	} else {
		json_error_t je;
		*result =
		    out.len ? json_loadb(out.data, out.len, JSON_DECODE_ANY, &je) : json_null();
		if (!*result) {
			*error = xstrdup("Runtime.MarshalError");
			*why = xasprintf("the handler's output is not JSON: %s", je.text);
		}
		ok = *result != NULL;
	}
	sb_fini(&out);
	return ok;
}
