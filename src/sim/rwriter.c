/*
 * ResultWriter with a local folder standing in for S3 (aws-facts b.2): <Bucket>/<Prefix>/<map
 * run id>/ gets SUCCEEDED_0.json and FAILED_0.json (one record per child execution, in index
 * order) and manifest.json; the Map's result becomes {MapRunArn, ResultWriterDetails {Bucket,
 * Key}}. The record layout follows the AWS guide's description; it is not checked against a
 * recording.
 *
 * Records are streamed as children end: each child's input and output are serialized once,
 * straight into the file's JSON text (escaped as the string value they are), so no result is
 * kept once written. The files are written unnamed in the results folder (file_atomic_open:
 * O_TMPFILE, so that an interrupted run leaves nothing; a named temporary file where the file
 * system has none), the three are synced before any is renamed into place, and a rename that
 * fails takes back those already made: a failed Map Run leaves no file, and no folder that the
 * writer made. When the Parameters draw from
 * the intrinsic generator (States.UUID in a Key), evaluating them early would move the draw:
 * then the records are kept as text and everything is written at the end.
 *
 * WriterConfig (same page, "Contents of the ResultWriter field"): Transformation NONE (the
 * records: the default with Resource), COMPACT (each child's output: the default without),
 * FLATTEN (COMPACT with an array output spliced in); a failed child's record is always as
 * with NONE. OutputType JSON (one array per file) or JSONL (one item a line). Without
 * Resource nothing is written: the items, as a JSON array, become the Map's result.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
#include "internal.h"
#include "doc/doc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FLUSH_AT (256 * 1024) /* bytes buffered before a write(2) */

/* One results file being written: streamed to file_atomic (file mode), or all of its text
 * kept and written at the end (deferred mode). */
struct rw_file {
	const char *name; /* "SUCCEEDED_0.json" (static) */
	struct strbuf buf;
	char *path;		/* final path, once the folder is known */
	struct file_atomic *fa; /* owned; NULL when not open */
	size_t size;		/* bytes of the file so far */
	size_t records;
};

enum rw_transform { RW_NONE, RW_COMPACT, RW_FLATTEN };

struct sim_rwriter {
	struct sim_engine *e;	/* borrowed */
	enum rw_transform how;	/* WriterConfig.Transformation */
	bool jsonl;		/* WriterConfig.OutputType JSONL (files only) */
	bool memory;		/* no Resource: the items are the Map's result, no file */
	size_t rec_items;	/* items in w->rec (FLATTEN: the array's length) */
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
	size_t *pending_items;	/* the items each pending record holds */
	size_t count;		/* children of the Map Run */
	struct strbuf rec;	/* the record being formatted */
	json_t **slot;		/* memory mode: each child's item(s), by index (owned) */
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

/* Remembers the first failure: err (taken), which names its file already (file_atomic). */
static void set_err(struct sim_rwriter *w, char *err)
{
	if (!w->why)
		w->why = err;
	else
		free(err);
}

/* Starts f in the results folder (file_atomic: nothing named until the end). */
static void file_open(struct sim_rwriter *w, struct rw_file *f)
{
	char *err = NULL;
	f->path = xasprintf("%s/%s", w->dir, f->name);
	f->fa = file_atomic_open(f->path, &err);
	if (!f->fa)
		set_err(w, err);
}

/* Writes what is buffered; a failure drops the file and is remembered. */
static void file_flush(struct sim_rwriter *w, struct rw_file *f)
{
	char *err = NULL;
	if (f->fa && f->buf.len && !file_atomic_write(f->fa, f->buf.data, f->buf.len, &err)) {
		set_err(w, err);
		file_atomic_abort(f->fa);
		f->fa = NULL;
	}
	if (!w->deferred)
		sb_clear(&f->buf);
}

/* Adds `items` items (text: joined by the separator already) to f. */
static void file_add(struct sim_rwriter *w, struct rw_file *f, const char *text, size_t n,
		     size_t items)
{
	if (!items)
		return;
	size_t before = f->buf.len;
	if (!w->jsonl)
		sb_addn(&f->buf, f->records ? "," : "[", 1);
	sb_addn(&f->buf, text, n);
	if (w->jsonl)
		sb_addc(&f->buf, '\n');
	f->records += items;
	f->size += f->buf.len - before;
	if (!w->deferred && f->buf.len >= FLUSH_AT)
		file_flush(w, f);
}

/* Writes the rest of f and syncs it, not yet under its name; false (remembered) on failure. */
static bool file_ready(struct sim_rwriter *w, struct rw_file *f)
{
	file_flush(w, f);
	char *err = NULL;
	if (f->fa && !file_atomic_ready(f->fa, &err)) {
		set_err(w, err);
		file_atomic_abort(f->fa);
		f->fa = NULL;
	}
	return f->fa != NULL;
}

static void file_fini(struct rw_file *f)
{
	file_atomic_abort(f->fa);
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
	if (!bucket) { /* as ItemReader's (dmap.c): not the current folder by default */
		w->why = xstrdup("ResultWriter Parameters need Bucket (a string)");
		return false;
	}
	w->key_dir = prefix && *prefix ? xasprintf("%s/%s", prefix, w->id) : xstrdup(w->id);
	w->dir = xasprintf("%s/%s", bucket, w->key_dir);
	return make_dirs(w, w->dir);
}

/* WriterConfig, with the page's defaults: NONE when exporting to S3, COMPACT when not; the
 * validator has checked the values. JSON Lines are for files: without Resource the page
 * says nothing of a JSONL state output, so the result stays a JSON array. */
static void read_config(struct sim_rwriter *w)
{
	json_t *cfg = json_object_get(w->writer, "WriterConfig");
	const char *how = json_string_value(json_object_get(cfg, "Transformation"));
	const char *type = json_string_value(json_object_get(cfg, "OutputType"));
	w->memory = !json_object_get(w->writer, "Resource");
	w->how = w->memory ? RW_COMPACT : RW_NONE;
	if (how && strcmp(how, "NONE") == 0)
		w->how = RW_NONE;
	else if (how && strcmp(how, "COMPACT") == 0)
		w->how = RW_COMPACT;
	else if (how && strcmp(how, "FLATTEN") == 0)
		w->how = RW_FLATTEN;
	w->jsonl = !w->memory && type && strcmp(type, "JSONL") == 0;
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
	w->ok = (struct rw_file){.name = "SUCCEEDED_0.json"};
	w->bad = (struct rw_file){.name = "FAILED_0.json"};
	read_config(w);
	if (w->memory) { /* the values are kept as they are: they are the result */
		w->slot = xcalloc(count ? count : 1, sizeof(*w->slot));
		return w;
	}
	w->params = eval_params(w, true);
	if (w->params && locate(w)) {
		file_open(w, &w->ok);
		if (!w->why)
			file_open(w, &w->bad);
	}
	return w;
}

/* COMPACT: the child's output; FLATTEN: an array output's items, one by one (into w->rec,
 * joined by the file's separator; w->rec_items of them). */
static void format_output(struct sim_rwriter *w, json_t *output)
{
	struct strbuf *sb = &w->rec;
	if (w->how == RW_FLATTEN && json_is_array(output)) {
		w->rec_items = json_array_size(output);
		for (size_t i = 0; i < w->rec_items; i++) {
			if (i)
				sb_addc(sb, w->jsonl ? '\n' : ',');
			sim_json_append(sb, json_array_get(output, i), false);
		}
		return;
	}
	sim_json_append(sb, output, false);
}

/* The record of child i (into w->rec): its execution ARN and name (the ARN's last field, the
 * child's execution name), input, status, and output or error and cause. */
static void format_record(struct sim_rwriter *w, const char *arn, json_t *input, json_t *output,
			  bool failed, const char *error, const char *cause)
{
	struct strbuf *sb = &w->rec;
	sb_clear(sb);
	w->rec_items = 1;
	if (!failed && w->how != RW_NONE) {
		format_output(w, output);
		return;
	}
	sb_add(sb, "{\"ExecutionArn\":");
	add_string(sb, arn);
	sb_add(sb, ",\"Input\":");
	add_dumped_string(sb, input);
	sb_add(sb, ",\"Name\":");
	const char *name = strrchr(arn, ':');
	add_string(sb, name ? name + 1 : arn);
	sb_add(sb, failed ? ",\"Status\":\"FAILED\"" : ",\"Status\":\"SUCCEEDED\"");
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

static struct rw_file *to_file(struct sim_rwriter *w, bool failed)
{
	return failed ? &w->bad : &w->ok;
}

/* sb's text as a JSON string value (new reference). */
static json_t *text_value(const struct strbuf *sb)
{
	return json_stringn(sb->data ? sb->data : "", sb->len);
}

/* No Resource: child i's record (failed, or NONE) or its output, kept as a value: nothing is
 * written as text and read back, so every value the child made comes back unchanged (strings
 * holding NUL, nesting as deep as the child's own output). */
static void keep_item(struct sim_rwriter *w, size_t index, const char *arn, json_t *input,
		      json_t *output, bool failed, const char *error, const char *cause)
{
	if (index >= w->count)
		return;
	json_t *v;
	if (!failed && w->how != RW_NONE) {
		v = json_incref(output ? output : json_null());
	} else {
		const char *name = strrchr(arn, ':');
		sb_clear(&w->rec);
		sim_json_append(&w->rec, input, false);
		v = json_pack("{s:s, s:o, s:s, s:s}", "ExecutionArn", arn, "Input",
			      text_value(&w->rec), "Name", name ? name + 1 : arn, "Status",
			      failed ? "FAILED" : "SUCCEEDED");
		if (failed && error) {
			json_object_set_new(v, "Error", json_string(error));
			json_object_set_new(v, "Cause", json_string(cause ? cause : ""));
		} else if (!failed) {
			if (!w->e->spill)
				w->e->spill = sim_spill_new();
			json_object_set_new(
			    v, "Output",
			    text_value(sim_json_text(w->e->spill, output ? output : json_null())));
		}
	}
	json_decref(w->slot[index]);
	w->slot[index] = v;
}

void sim_rwriter_add(struct sim_rwriter *w, size_t index, const char *arn, json_t *input,
		     json_t *output, bool failed, const char *error, const char *cause)
{
	if (w->memory) {
		keep_item(w, index, arn, input, output, failed, error, cause);
		return;
	}
	format_record(w, arn, input, output, failed, error, cause);
	if (index != w->next) {
		/* Ended before an earlier child: kept until its turn (index order). */
		if (!w->pending) {
			w->pending = xcalloc(w->count, sizeof(*w->pending));
			w->pending_failed = xcalloc(w->count, sizeof(*w->pending_failed));
			w->pending_items = xcalloc(w->count, sizeof(*w->pending_items));
		}
		if (index < w->count) {
			w->pending[index] = xstrndup(w->rec.data, w->rec.len);
			w->pending_failed[index] = failed;
			w->pending_items[index] = w->rec_items;
		}
		return;
	}
	file_add(w, to_file(w, failed), w->rec.data, w->rec.len, w->rec_items);
	w->next++;
	while (w->pending && w->next < w->count && w->pending[w->next]) {
		char *r = w->pending[w->next];
		file_add(w, to_file(w, w->pending_failed[w->next]), r, strlen(r),
			 w->pending_items[w->next]);
		free(r);
		w->pending[w->next++] = NULL;
	}
}

static void file_close_array(struct sim_rwriter *w, struct rw_file *f)
{
	if (w->jsonl) /* JSON Lines: the last line ends with its newline */
		return;
	sb_add(&f->buf, f->records ? "]" : "[]");
	f->size += f->records ? 1 : 2;
}

/* No Resource: the items kept, in index order (FLATTEN: an array output's elements), are the
 * Map's result. */
static json_t *finish_memory(struct sim_rwriter *w)
{
	json_t *result = json_array();
	for (size_t i = 0; i < w->count; i++) {
		json_t *v = w->slot[i];
		if (!v)
			continue;
		if (w->how == RW_FLATTEN && json_is_array(v))
			json_array_extend(result, v);
		else
			json_array_append(result, v);
	}
	sim_rwriter_free(w);
	return result;
}

/* Deferred mode: the folder and the files now. */
static bool open_deferred(struct sim_rwriter *w)
{
	w->params = eval_params(w, false);
	if (!w->params || !locate(w))
		return false;
	file_open(w, &w->ok);
	if (!w->why)
		file_open(w, &w->bad);
	return !w->why;
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

/* manifest.json written and synced, not yet under its name; NULL (remembered) on failure. */
static struct rw_file *write_manifest(struct sim_rwriter *w, const char *bucket, struct rw_file *f)
{
	json_t *man = manifest(w, bucket);
	char *text = doc_dumps(man, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(man);
	file_open(w, f);
	if (f->fa)
		sb_add(&f->buf, text);
	free(text);
	return f->fa && file_ready(w, f) ? f : NULL;
}

/* Renames the three files into place; when one fails, those already renamed are removed so
 * that the folder can be too. */
static bool commit_all(struct sim_rwriter *w, struct rw_file *const *files, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		char *err = NULL;
		struct file_atomic *fa = files[k]->fa;
		files[k]->fa = NULL;
		if (!file_atomic_commit(fa, &err)) {
			set_err(w, err);
			while (k-- > 0)
				unlink(files[k]->path);
			return false;
		}
	}
	return true;
}

json_t *sim_rwriter_finish(struct sim_rwriter *w, char **why)
{
	if (w->memory)
		return finish_memory(w);
	json_t *result = NULL;
	file_close_array(w, &w->ok);
	file_close_array(w, &w->bad);
	bool ok = !w->why;
	if (ok && w->deferred)
		ok = open_deferred(w);
	const char *bucket = json_string_value(json_object_get(w->params, "Bucket"));
	if (!bucket)
		bucket = ".";
	struct rw_file man = {.name = "manifest.json"};
	struct rw_file *const files[] = {&w->ok, &w->bad, &man};
	ok = ok && file_ready(w, &w->ok) && file_ready(w, &w->bad) &&
	     write_manifest(w, bucket, &man) && commit_all(w, files, ARRAY_LEN(files));
	file_fini(&man);
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
	/* A discarded writer leaves no folder behind that it made (its files were never
	 * renamed into place, or were removed again). */
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
	free(w->pending_items);
	if (w->slot)
		for (size_t i = 0; i < w->count; i++)
			json_decref(w->slot[i]);
	free(w->slot);
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
