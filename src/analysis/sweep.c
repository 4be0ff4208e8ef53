/*
 * Sweep output: each combination's runs reduced to mean, min and max per field, written as a
 * table, JSON, CSV or a makespan bar plot. The field list is one table so the three formats
 * cannot disagree.
 */
#include "analysis/internal.h"

#include <math.h>
#include <string.h>

struct field {
	const char *json; /* JSON / CSV name */
	const char *head; /* table heading */
	int scale;	  /* table: 1000 = show milliseconds as seconds */
	double (*get)(const struct an_metrics *m);
};

static double f_makespan(const struct an_metrics *m)
{
	return (double)m->makespan_ms;
}
static double f_p50(const struct an_metrics *m)
{
	return (double)m->p50_item_ms;
}
static double f_p95(const struct an_metrics *m)
{
	return (double)m->p95_item_ms;
}
static double f_inv(const struct an_metrics *m)
{
	return (double)m->invocations;
}
static double f_retries(const struct an_metrics *m)
{
	return (double)m->retries;
}
static double f_throttles(const struct an_metrics *m)
{
	return (double)m->throttles;
}
static double f_peak(const struct an_metrics *m)
{
	return (double)m->peak_concurrency;
}
static double f_trans(const struct an_metrics *m)
{
	return (double)m->transitions;
}
static double f_cost(const struct an_metrics *m)
{
	return m->cost.total_usd;
}

static const struct field fields[] = {
    {"makespanMs", "makespan s", 1000, f_makespan},
    {"p50ItemMs", "p50 s", 1000, f_p50},
    {"p95ItemMs", "p95 s", 1000, f_p95},
    {"invocations", "invoc", 1, f_inv},
    {"retries", "retry", 1, f_retries},
    {"throttles", "throt", 1, f_throttles},
    {"peakConcurrency", "peak", 1, f_peak},
    {"transitions", "trans", 1, f_trans},
    {"costUsd", "cost USD", 0, f_cost},
};
enum { NFIELDS = sizeof(fields) / sizeof(fields[0]) };

struct stat3 {
	double mean, min, max;
};

static struct stat3 reduce(const struct an_sweep *sw, size_t combo, const struct field *f)
{
	struct stat3 s = {0, INFINITY, -INFINITY};
	for (size_t r = 0; r < sw->runs; r++) {
		double v = f->get(&sw->results[combo * sw->runs + r]);
		s.mean += v;
		s.min = v < s.min ? v : s.min;
		s.max = v > s.max ? v : s.max;
	}
	s.mean /= (double)sw->runs;
	return s;
}

/* "SUCCEEDED" when every run agrees, else "MIXED". */
static const char *status_of(const struct an_sweep *sw, size_t combo)
{
	const char *st = sw->results[combo * sw->runs].status;
	for (size_t r = 1; r < sw->runs; r++)
		if (strcmp(sw->results[combo * sw->runs + r].status, st) != 0)
			return "MIXED";
	return st;
}

static const char *short_key(const char *key)
{
	const char *dot = strrchr(key, '.');
	return dot ? dot + 1 : key;
}

static void cell(char *buf, size_t size, double v, int scale)
{
	if (scale == 0)
		snprintf(buf, size, "%.6f", v);
	else if (v < 0)
		snprintf(buf, size, "-");
	else if (scale == 1000)
		snprintf(buf, size, "%.3f", v / 1000.0);
	else if (v == floor(v))
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%.1f", v);
}

/* The table cell of field f for combination c: the mean (and [min-max], see below). */
static char *table_cell(const struct an_sweep *sw, size_t c, const struct field *f)
{
	struct stat3 s = reduce(sw, c, f);
	char a[32], b[32], m[32];
	cell(m, sizeof(m), s.mean, f->scale);
	/* Only the makespan gets its range here, so a row fits 100 columns; --json and --csv
	 * carry every field's min and max. */
	if (sw->runs < 2 || s.min == s.max || f != &fields[0])
		return xstrdup(m);
	cell(a, sizeof(a), s.min, f->scale);
	cell(b, sizeof(b), s.max, f->scale);
	return xasprintf("%s [%s-%s]", m, a, b);
}

/* Every cell as text, row 0 the headings; columns: keys, status, fields. */
static char **table_cells(const struct an_sweep *sw, size_t cols)
{
	char **t = xcalloc((sw->combo_count + 1) * cols, sizeof(char *));
	size_t nk = sw->key_count;
	for (size_t k = 0; k < nk; k++)
		t[k] = xstrdup(short_key(sw->keys[k]));
	t[nk] = xstrdup("status");
	for (size_t f = 0; f < NFIELDS; f++)
		t[nk + 1 + f] = xstrdup(fields[f].head);
	for (size_t c = 0; c < sw->combo_count; c++) {
		char **row = t + (c + 1) * cols;
		for (size_t k = 0; k < nk; k++)
			row[k] = xstrdup(sw->values[c * nk + k]);
		row[nk] = xstrdup(status_of(sw, c));
		for (size_t f = 0; f < NFIELDS; f++)
			row[nk + 1 + f] = table_cell(sw, c, &fields[f]);
	}
	return t;
}

void an_sweep_write_table(FILE *out, const struct an_sweep *sw)
{
	size_t cols = sw->key_count + 1 + NFIELDS, rows = sw->combo_count + 1;
	char **t = table_cells(sw, cols);
	int *w = xcalloc(cols, sizeof(int));
	for (size_t i = 0; i < rows * cols; i++) {
		int n = (int)strlen(t[i]);
		w[i % cols] = n > w[i % cols] ? n : w[i % cols];
	}
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < cols; c++) {
			const char *sep = c ? "  " : "";
			if (c == sw->key_count) /* status reads left to right */
				fprintf(out, "%s%-*s", sep, c + 1 == cols ? 0 : w[c],
					t[r * cols + c]);
			else
				fprintf(out, "%s%*s", sep, w[c], t[r * cols + c]);
		}
		fputc('\n', out);
	}
	for (size_t i = 0; i < rows * cols; i++)
		free(t[i]);
	free(t);
	free(w);
	if (sw->runs > 1)
		fprintf(out,
			"(means over %zu seeds; makespan [min-max] where they differ; --json or "
			"--csv for every min and max)\n",
			sw->runs);
}

/* A number as an integer when it is one (counts, single runs), else a real. */
static json_t *num(double v)
{
	if (v == floor(v) && fabs(v) < 9e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

/* A --set value: numbers, booleans and null as JSON scalars, anything else as written. */
static json_t *value_json(const char *text)
{
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
	if (v && !json_is_object(v) && !json_is_array(v) && !json_is_string(v))
		return v;
	json_decref(v);
	return json_string(text);
}

static json_t *row_json(const struct an_sweep *sw, size_t c)
{
	json_t *set = json_object();
	for (size_t k = 0; k < sw->key_count; k++)
		json_object_set_new(set, sw->keys[k],
				    value_json(sw->values[c * sw->key_count + k]));
	json_t *o = json_pack("{s:o, s:I, s:s}", "set", set, "runs", (json_int_t)sw->runs, "status",
			      status_of(sw, c));
	json_t *mins = json_object(), *maxs = json_object();
	for (size_t f = 0; f < NFIELDS; f++) {
		struct stat3 s = reduce(sw, c, &fields[f]);
		json_object_set_new(o, fields[f].json, num(s.mean));
		json_object_set_new(mins, fields[f].json, num(s.min));
		json_object_set_new(maxs, fields[f].json, num(s.max));
	}
	if (sw->runs > 1) {
		json_object_set_new(o, "min", mins);
		json_object_set_new(o, "max", maxs);
	} else {
		json_decref(mins);
		json_decref(maxs);
	}
	return o;
}

void an_sweep_write_json(FILE *out, const struct an_sweep *sw)
{
	json_t *a = json_array();
	for (size_t c = 0; c < sw->combo_count; c++)
		json_array_append_new(a, row_json(sw, c));
	json_dumpf(a, out, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	fputc('\n', out);
	json_decref(a);
}

/* CSV field: quoted when it holds a comma, quote or newline. */
static void csv_text(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void csv_num(FILE *out, double v)
{
	if (v == floor(v) && fabs(v) < 9e15)
		fprintf(out, ",%.0f", v);
	else
		fprintf(out, ",%.10g", v);
}

void an_sweep_write_csv(FILE *out, const struct an_sweep *sw)
{
	for (size_t k = 0; k < sw->key_count; k++) {
		csv_text(out, sw->keys[k]);
		fputc(',', out);
	}
	fputs("runs,status", out);
	for (size_t f = 0; f < NFIELDS; f++)
		fprintf(out, ",%s,%sMin,%sMax", fields[f].json, fields[f].json, fields[f].json);
	fputc('\n', out);
	for (size_t c = 0; c < sw->combo_count; c++) {
		for (size_t k = 0; k < sw->key_count; k++) {
			csv_text(out, sw->values[c * sw->key_count + k]);
			fputc(',', out);
		}
		fprintf(out, "%zu,%s", sw->runs, status_of(sw, c));
		for (size_t f = 0; f < NFIELDS; f++) {
			struct stat3 s = reduce(sw, c, &fields[f]);
			csv_num(out, s.mean);
			csv_num(out, s.min);
			csv_num(out, s.max);
		}
		fputc('\n', out);
	}
}

void an_sweep_plot(FILE *out, const struct an_sweep *sw, int width)
{
	const char **labels = xcalloc(sw->combo_count + 1, sizeof(char *));
	const char **texts = xcalloc(sw->combo_count + 1, sizeof(char *));
	double *values = xcalloc(sw->combo_count + 1, sizeof(double));
	for (size_t c = 0; c < sw->combo_count; c++) {
		struct strbuf sb;
		sb_init(&sb);
		for (size_t k = 0; k < sw->key_count; k++)
			sb_addf(&sb, "%s%s=%s", k ? " " : "", short_key(sw->keys[k]),
				sw->values[c * sw->key_count + k]);
		labels[c] = sb_take(&sb);
		values[c] = reduce(sw, c, &fields[0]).mean;
		texts[c] = xasprintf("%.3f s", values[c] / 1000.0);
	}
	fputs("makespan\n", out);
	an_draw_bars(out, labels, values, texts, sw->combo_count, width);
	for (size_t c = 0; c < sw->combo_count; c++) {
		free((char *)labels[c]);
		free((char *)texts[c]);
	}
	free(labels);
	free(texts);
	free(values);
}
