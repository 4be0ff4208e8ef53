/*
 * ResultWriter with a local folder standing in for S3 (aws-facts b.2): <Bucket>/<Prefix>/<map
 * run id>/ gets SUCCEEDED_0.json and FAILED_0.json (one record per child execution, in index
 * order) and manifest.json; the Map's result becomes {MapRunArn, ResultWriterDetails {Bucket,
 * Key}}. The record layout follows the AWS guide's description; it is not checked against a
 * recording.
 *
 * Records are streamed as children end: each child's input and output are serialized once,
 * straight into the file's JSON text (escaped as the string value they are), so no result is
 * kept once written. The files are written beside their final names and renamed when the Map
 * Run succeeds, so a failed Map Run leaves nothing, as before. When the Parameters draw from
 * the intrinsic generator (States.UUID in a Key), evaluating them early would move the draw:
 * then the records are kept as text and everything is written at the end.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FLUSH_AT (256 * 1024) /* bytes buffered before a write(2) */

/* One results file being written: a temporary file renamed at the end (file mode) or all of
 * its text (deferred mode). */
struct rw_file {
	const char *name; /* "SUCCEEDED_0.json" (static) */
	struct strbuf buf;
	char *path, *tmp; /* final and temporary path (file mode) */
	int fd;		  /* -1 when not open */
	size_t size;	  /* bytes of the file so far */
	size_t records;
};

struct sim_rwriter {
	struct sim_engine *e;	/* borrowed */
	json_t *writer, *eff;	/* the ResultWriter field and the Map's input (references) */
	char *run_arn;		/* owned */
	const char *id;		/* the Map Run id, inside run_arn */
	json_t *params;		/* evaluated Parameters (file mode), owned */
	bool deferred;		/* Parameters evaluated at the end, records kept as text */
	char *why;		/* the first failure so far (owned), reported by finish */
	char *dir, *key_dir;	/* file mode: the folder and its key */
	VEC(char *) created;	/* folders this writer created, removed when discarded */
	struct rw_file ok, bad; /* SUCCEEDED_0.json, FAILED_0.json */
	size_t next;		/* the next index to write */
	char **pending;		/* records that ended before `next`, by index (owned) */
	bool *pending_failed;	/* which file each pending record goes to */
	size_t count;		/* children of the Map Run */
	struct strbuf rec;	/* the record being formatted */
};

/* ---- JSON text ---- */

/* `"<v's JSON text, escaped>"`: v is serialized once, straight into sb. */
static void add_dumped_string(struct strbuf *sb, json_t *v)
{
	sb_addc(sb, '"');
	sim_json_append(sb, v, true);
	sb_addc(sb, '"');
}

static void add_string(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	sim_json_escape(sb, s, strlen(s));
	sb_addc(sb, '"');
}

/* ---- files ---- */

/* mkdir -p; the folders it made are noted so that a discarded writer can remove them. */
static bool make_dirs(struct sim_rwriter *w, const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) == 0) {
			VEC_PUSH(w->created, xstrdup(p));
		} else if (errno != EEXIST) {
			w->why = xasprintf("cannot create %s: %s", p, strerror(errno));
			free(p);
			return false;
		}
		if (!c)
			break;
		*s = c;
	}
	free(p);
	return true;
}

static void set_why(struct sim_rwriter *w, const char *path, const char *fmt, int err)
{
	if (!w->why)
		w->why = xasprintf(fmt, path, path, strerror(err));
}

/* A temporary file beside f->path, as file_write_atomic makes one. */
static void file_open(struct sim_rwriter *w, struct rw_file *f)
{
	f->path = xasprintf("%s/%s", w->dir, f->name);
	f->tmp = xasprintf("%s.tmp.XXXXXX", f->path);
	f->fd = mkstemp(f->tmp);
	if (f->fd < 0) {
		set_why(w, f->path,
			"cannot write %s: %s: cannot create a temporary file beside it: %s", errno);
		free(f->tmp);
		f->tmp = NULL;
		return;
	}
	mode_t mask = umask(0);
	umask(mask);
	fchmod(f->fd, 0666 & ~mask);
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

/* Writes what is buffered (file mode); a failure closes the file and is remembered. */
static void file_flush(struct sim_rwriter *w, struct rw_file *f)
{
	if (f->fd >= 0 && f->buf.len && !write_all(f->fd, f->buf.data, f->buf.len)) {
		set_why(w, f->path, "cannot write %s: %s: cannot write: %s", errno);
		close(f->fd);
		f->fd = -1;
	}
	if (!w->deferred)
		sb_clear(&f->buf);
}

static void file_add(struct sim_rwriter *w, struct rw_file *f, const char *text, size_t n)
{
	sb_addn(&f->buf, f->records++ ? "," : "[", 1);
	sb_addn(&f->buf, text, n);
	f->size += n + 1;
	if (!w->deferred && f->buf.len >= FLUSH_AT)
		file_flush(w, f);
}

/* Closes the file under its final name; false (remembered) on failure. */
static bool file_commit(struct sim_rwriter *w, struct rw_file *f)
{
	if (f->fd < 0)
		return false;
	file_flush(w, f);
	if (f->fd < 0)
		return false;
	bool ok = fsync(f->fd) == 0;
	int saved = errno;
	if (close(f->fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	f->fd = -1;
	if (ok && rename(f->tmp, f->path) != 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		unlink(f->tmp);
		set_why(w, f->path, "cannot write %s: %s: cannot write: %s", saved);
	}
	free(f->tmp);
	f->tmp = NULL;
	return ok;
}

static void file_fini(struct rw_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	sb_fini(&f->buf);
}

/* ---- the writer ---- */

/* The Parameters, or NULL with w->why. `probe`: evaluated early, which only counts when the
 * intrinsic generator is left untouched (else w->deferred is set and NULL returned). */
static json_t *eval_params(struct sim_rwriter *w, bool probe)
{
	struct flow_env env;
	struct flow_error err = {0};
	sim_flow_env(w->e, NULL, NULL, &env);
	struct rng copy = w->e->rng_flow;
	if (probe)
		env.rng = &copy;
	json_t *tmpl = json_object_get(w->writer, "Parameters");
	json_t *params = tmpl ? flow_template(tmpl, w->eff, &env, &err) : json_object();
	if (probe && memcmp(&copy, &w->e->rng_flow, sizeof(copy)) != 0) {
		json_decref(params);
		flow_error_fini(&err);
		w->deferred = true;
		return NULL;
	}
	if (!params) {
		if (probe) /* reported at the end, where the error always was */
			w->deferred = true;
		else
			w->why = xstrdup(err.cause ? err.cause : "invalid ResultWriter Parameters");
		flow_error_fini(&err);
		return NULL;
	}
	return params;
}

/* The folder of the results from the Parameters; false with w->why. */
static bool locate(struct sim_rwriter *w)
{
	const char *bucket = json_string_value(json_object_get(w->params, "Bucket"));
	const char *prefix = json_string_value(json_object_get(w->params, "Prefix"));
	w->key_dir = prefix && *prefix ? xasprintf("%s/%s", prefix, w->id) : xstrdup(w->id);
	w->dir = xasprintf("%s/%s", bucket ? bucket : ".", w->key_dir);
	return make_dirs(w, w->dir);
}

struct sim_rwriter *sim_rwriter_new(struct sim_engine *e, json_t *writer, json_t *eff,
				    const char *run_arn, size_t count)
{
	struct sim_rwriter *w = xcalloc(1, sizeof(*w));
	w->e = e;
	w->writer = json_incref(writer);
	w->eff = json_incref(eff);
	w->run_arn = xstrdup(run_arn);
	const char *colon = strrchr(w->run_arn, ':');
	w->id = colon ? colon + 1 : w->run_arn;
	w->count = count;
	w->ok = (struct rw_file){.name = "SUCCEEDED_0.json", .fd = -1};
	w->bad = (struct rw_file){.name = "FAILED_0.json", .fd = -1};
	w->params = eval_params(w, true);
	if (w->params && locate(w)) {
		file_open(w, &w->ok);
		if (!w->why)
			file_open(w, &w->bad);
	}
	return w;
}

/* The record of child i (into w->rec). */
static void format_record(struct sim_rwriter *w, size_t i, json_t *input, json_t *output,
			  bool failed, const char *error, const char *cause)
{
	struct strbuf *sb = &w->rec;
	sb_clear(sb);
	sb_add(sb, "{\"Input\":");
	add_dumped_string(sb, input);
	sb_add(sb, ",\"Name\":\"");
	sim_json_escape(sb, w->id, strlen(w->id));
	char digits[24], *d = digits + sizeof(digits); /* ":%zu" without printf's cost */
	do {
		*--d = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	*--d = ':';
	sb_addn(sb, d, (size_t)(digits + sizeof(digits) - d));
	sb_add(sb, failed ? "\",\"Status\":\"FAILED\"" : "\",\"Status\":\"SUCCEEDED\"");
	if (failed && error) {
		sb_add(sb, ",\"Error\":");
		add_string(sb, error);
		sb_add(sb, ",\"Cause\":");
		add_string(sb, cause ? cause : "");
	} else if (!failed) {
		/* The text the child's stored history reuses (spill.c). */
		if (!w->e->spill)
			w->e->spill = sim_spill_new();
		const struct strbuf *text =
		    sim_json_text(w->e->spill, output ? output : json_null());
		sb_add(sb, ",\"Output\":\"");
		sim_json_escape(sb, text->data, text->len);
		sb_addc(sb, '"');
	}
	sb_addc(sb, '}');
}

void sim_rwriter_add(struct sim_rwriter *w, size_t index, json_t *input, json_t *output,
		     bool failed, const char *error, const char *cause)
{
	format_record(w, index, input, output, failed, error, cause);
	if (index != w->next) {
		/* Ended before an earlier child: kept until its turn (index order). */
		if (!w->pending) {
			w->pending = xcalloc(w->count, sizeof(*w->pending));
			w->pending_failed = xcalloc(w->count, sizeof(*w->pending_failed));
		}
		if (index < w->count) {
			w->pending[index] = xstrndup(w->rec.data, w->rec.len);
			w->pending_failed[index] = failed;
		}
		return;
	}
	file_add(w, failed ? &w->bad : &w->ok, w->rec.data, w->rec.len);
	w->next++;
	while (w->pending && w->next < w->count && w->pending[w->next]) {
		char *r = w->pending[w->next];
		file_add(w, w->pending_failed[w->next] ? &w->bad : &w->ok, r, strlen(r));
		free(r);
		w->pending[w->next++] = NULL;
	}
}

static void file_close_array(struct rw_file *f)
{
	sb_add(&f->buf, f->records ? "]" : "[]");
	f->size += f->records ? 1 : 2;
}

/* Deferred mode: everything written now, as file_write_atomic does. */
static bool write_deferred(struct sim_rwriter *w)
{
	w->params = eval_params(w, false);
	if (!w->params || !locate(w))
		return false;
	struct rw_file *files[] = {&w->ok, &w->bad};
	for (size_t k = 0; k < 2; k++) {
		struct rw_file *f = files[k];
		char *path = xasprintf("%s/%s", w->dir, f->name);
		char *err = NULL;
		if (!file_write_atomic(path, f->buf.data, f->buf.len, &err))
			w->why = xasprintf("cannot write %s: %s", path, err);
		free(err);
		free(path);
		if (w->why)
			return false;
	}
	return true;
}

static json_t *manifest(struct sim_rwriter *w, const char *bucket)
{
	json_t *man =
	    json_pack("{s:s, s:s, s:{s:[{s:o, s:I}], s:[{s:o, s:I}], s:[]}}", "DestinationBucket",
		      bucket, "MapRunArn", w->run_arn, "ResultFiles", "FAILED", "Key",
		      json_sprintf("%s/FAILED_0.json", w->key_dir), "Size", (json_int_t)w->bad.size,
		      "SUCCEEDED", "Key", json_sprintf("%s/SUCCEEDED_0.json", w->key_dir), "Size",
		      (json_int_t)w->ok.size, "PENDING");
	return man;
}

json_t *sim_rwriter_finish(struct sim_rwriter *w, char **why)
{
	json_t *result = NULL;
	file_close_array(&w->ok);
	file_close_array(&w->bad);
	bool ok = !w->why;
	if (ok && w->deferred)
		ok = write_deferred(w);
	else if (ok)
		ok = file_commit(w, &w->ok) && file_commit(w, &w->bad);
	const char *bucket = json_string_value(json_object_get(w->params, "Bucket"));
	if (!bucket)
		bucket = ".";
	if (ok) {
		json_t *man = manifest(w, bucket);
		char *text = jdumps(man, JSON_COMPACT | JSON_ENCODE_ANY);
		char *path = xasprintf("%s/manifest.json", w->dir);
		char *err = NULL;
		if (!file_write_atomic(path, text, strlen(text), &err)) {
			w->why = xasprintf("cannot write %s: %s", path, err);
			ok = false;
		}
		free(err);
		free(path);
		free(text);
		json_decref(man);
	}
	if (ok) {
		result = json_pack("{s:s, s:{s:s, s:o}}", "MapRunArn", w->run_arn,
				   "ResultWriterDetails", "Bucket", bucket, "Key",
				   json_sprintf("%s/manifest.json", w->key_dir));
		for (size_t i = 0; i < w->created.len; i++) /* the folders stay */
			free(w->created.items[i]);
		VEC_FREE(w->created);
	} else {
		*why = w->why;
		w->why = NULL;
	}
	sim_rwriter_free(w);
	return result;
}

void sim_rwriter_free(struct sim_rwriter *w)
{
	if (!w)
		return;
	file_fini(&w->ok);
	file_fini(&w->bad);
	/* A discarded writer leaves no folder behind that it made (the files were never
	 * renamed into place). */
	for (size_t i = w->created.len; i-- > 0;) {
		rmdir(w->created.items[i]);
		free(w->created.items[i]);
	}
	VEC_FREE(w->created);
	if (w->pending)
		for (size_t i = 0; i < w->count; i++)
			free(w->pending[i]);
	free(w->pending);
	free(w->pending_failed);
	sb_fini(&w->rec);
	json_decref(w->writer);
	json_decref(w->eff);
	json_decref(w->params);
	free(w->run_arn);
	free(w->why);
	free(w->dir);
	free(w->key_dir);
	free(w);
}
