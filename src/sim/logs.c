/*
 * Simulated CloudWatch Logs: the lines a Lambda invocation writes to /aws/lambda/<name>
 * (INIT_START on a cold start, START, the handler's output, END, REPORT), kept in time order
 * for `stepscope run --logs` and the TUI's Logs pane.
 * https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
 *
 * The seed's handler is `print(event)`: its line is the Python repr of the event (single
 * quotes, True/False/None), which py_repr writes from the JSON the function receives.
 */
#include "internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Lines are appended as written and put in time order when read: inserting each in place cost
 * a shift past every later line, O(N^2) for a Map of N simultaneous invocations. The order is
 * the same: by time, equal times in write order. Reads take a const engine, so the lines live
 * behind a pointer.
 */
struct sim_logbook {
	VEC(struct sim_log_line) lines;
	size_t sorted; /* lines[0, sorted) are in order; the rest are as written */
};

/* Stable merge of two ordered runs into dst: on equal times, a (written first) goes first. */
static void merge(struct sim_log_line *dst, const struct sim_log_line *a, size_t na,
		  const struct sim_log_line *b, size_t nb)
{
	size_t i = 0, j = 0, k = 0;
	while (i < na && j < nb)
		dst[k++] = b[j].t_ms < a[i].t_ms ? b[j++] : a[i++];
	while (i < na)
		dst[k++] = a[i++];
	while (j < nb)
		dst[k++] = b[j++];
}

/* Bottom-up merge sort of v[0, n) (stable), with tmp of n lines. */
static void sort_lines(struct sim_log_line *v, struct sim_log_line *tmp, size_t n)
{
	struct sim_log_line *from = v, *to = tmp;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t i = 0; i < n; i += 2 * w) {
			size_t na = w < n - i ? w : n - i;
			size_t nb = w < n - i - na ? w : n - i - na;
			merge(to + i, from + i, na, from + i + na, nb);
		}
		struct sim_log_line *t = from;
		from = to;
		to = t;
	}
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
}

static void settle(struct sim_logbook *b)
{
	if (!b || b->sorted == b->lines.len)
		return;
	size_t n = b->lines.len, k = b->sorted;
	struct sim_log_line *tmp = xmalloc(n * sizeof(*tmp));
	sort_lines(b->lines.items + k, tmp, n - k);
	merge(tmp, b->lines.items, k, b->lines.items + k, n - k);
	memcpy(b->lines.items, tmp, n * sizeof(*tmp));
	free(tmp);
	b->sorted = n;
}

void sim_log_add(struct sim_engine *e, int64_t t_ms, const char *group, const char *stream,
		 const char *text)
{
	if (!e->opt.record_logs)
		return;
	if (!e->logs)
		e->logs = xcalloc(1, sizeof(*e->logs));
	struct sim_log_line l = {t_ms, xstrdup(group), xstrdup(stream), xstrdup(text),
				 e->invoking_item};
	VEC_PUSH(e->logs->lines, l);
}

size_t sim_log_count(const struct sim_engine *e)
{
	settle(e->logs);
	return e->logs ? e->logs->lines.len : 0;
}

const struct sim_log_line *sim_log_at(const struct sim_engine *e, size_t i)
{
	settle(e->logs);
	return e->logs && i < e->logs->lines.len ? &e->logs->lines.items[i] : NULL;
}

void sim_logs_free(struct sim_engine *e)
{
	if (!e->logs)
		return;
	for (size_t i = 0; i < e->logs->lines.len; i++) {
		struct sim_log_line *l = &e->logs->lines.items[i];
		free((char *)l->group);
		free((char *)l->stream);
		free((char *)l->text);
	}
	VEC_FREE(e->logs->lines);
	free(e->logs);
	e->logs = NULL;
}

/* Python's repr of a str: single quotes unless the text has ' and no ". */
static void py_str(struct strbuf *sb, const char *s)
{
	char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
	sb_addc(sb, q);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == q || *p == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, (char)*p);
		} else if (*p == '\n') {
			sb_add(sb, "\\n");
		} else if (*p == '\r') {
			sb_add(sb, "\\r");
		} else if (*p == '\t') {
			sb_add(sb, "\\t");
		} else if (*p < 0x20 || *p == 0x7f) {
			sb_addf(sb, "\\x%02x", *p);
		} else {
			sb_addc(sb, (char)*p); /* printable non-ASCII stays as is */
		}
	}
	sb_addc(sb, q);
}

/* Python's repr of a float: the shortest round-trip digits; exponent form from 1e16. */
static void py_float(struct strbuf *sb, double v)
{
	if (isinf(v)) {
		sb_add(sb, v > 0 ? "inf" : "-inf");
		return;
	}
	char buf[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	double a = fabs(v);
	if (a >= 1e16 || (a > 0 && a < 1e-4)) {
		/* %g wrote e+16 / e-05: Python writes e+16 / e-05 too. */
		sb_add(sb, buf);
		return;
	}
	if (strchr(buf, 'e')) /* %g picked exponent form below Python's threshold */
		snprintf(buf, sizeof(buf), "%.17g", v);
	sb_add(sb, buf);
	if (!strchr(buf, '.') && !strchr(buf, 'e'))
		sb_add(sb, ".0");
}

void sim_py_repr(struct strbuf *sb, json_t *v)
{
	size_t i;
	const char *k;
	json_t *x;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		sb_addc(sb, '{');
		i = 0;
		json_object_foreach(v, k, x)
		{
			sb_add(sb, i++ ? ", " : "");
			py_str(sb, k);
			sb_add(sb, ": ");
			sim_py_repr(sb, x);
		}
		sb_addc(sb, '}');
		break;
	case JSON_ARRAY:
		sb_addc(sb, '[');
		json_array_foreach(v, i, x)
		{
			sb_add(sb, i ? ", " : "");
			sim_py_repr(sb, x);
		}
		sb_addc(sb, ']');
		break;
	case JSON_STRING:
		py_str(sb, json_string_value(v));
		break;
	case JSON_INTEGER:
		sb_addf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		py_float(sb, json_real_value(v));
		break;
	case JSON_TRUE:
		sb_add(sb, "True");
		break;
	case JSON_FALSE:
		sb_add(sb, "False");
		break;
	case JSON_NULL:
		sb_add(sb, "None");
		break;
	}
}

/* "2024/05/14/[$LATEST]" + 32 hex digits: one stream per execution environment. */
char *sim_log_stream_name(struct sim_engine *e, int64_t t_ms, struct rng *r)
{
	char day[40];
	sim_format_timestamp(e->opt.start_epoch_ms + t_ms, day, sizeof(day));
	return xasprintf("%.4s/%.2s/%.2s/[$LATEST]%016" PRIx64 "%016" PRIx64, day, day + 5, day + 8,
			 rng_next(r), rng_next(r));
}

/* The function's name from a name, a partial or a full ARN (with or without a qualifier). */
static char *function_name(const char *fn)
{
	const char *p = strstr(fn, ":function:");
	if (p)
		fn = p + strlen(":function:");
	else if (strncmp(fn, "arn:", 4) != 0 && strchr(fn, ':'))
		fn = strchr(fn, ':') + 1; /* "123456789012:function:name" handled above */
	return xstrndup(fn, strcspn(fn, ":"));
}

/* Each line of `text` (may be NULL) at time t. */
static void add_lines(struct sim_engine *e, int64_t t, const char *g, const char *s,
		      const char *text)
{
	while (text && *text) {
		size_t n = strcspn(text, "\n");
		char *line = xstrndup(text, n);
		sim_log_add(e, t, g, s, line);
		free(line);
		text += n + (text[n] == '\n');
	}
}

void sim_lambda_logs(struct sim_engine *e, const struct sim_lambda_log *l)
{
	if (!e->opt.record_logs)
		return;
	char *name = function_name(l->function);
	char *g = xasprintf("/aws/lambda/%s", name);
	const char *s = l->stream;
	int64_t t = l->start_ms;
	char *line;
	if (l->init_ms > 0)
		sim_log_add(e, t, g, s, "INIT_START Runtime Version: python:3.12");
	t += (int64_t)llround(l->init_ms);
	line = xasprintf("START RequestId: %s Version: $LATEST", l->request_id);
	sim_log_add(e, t, g, s, line);
	free(line);
	add_lines(e, t, g, s, l->output);
	int64_t end = l->start_ms + l->total_ms;
	if (l->timed_out) {
		char ts[40];
		sim_format_timestamp(e->opt.start_epoch_ms + end, ts, sizeof(ts));
		line = xasprintf("%s %s Task timed out after %.2f seconds", ts, l->request_id,
				 l->run_ms / 1000.0);
		sim_log_add(e, end, g, s, line);
		free(line);
	}
	add_lines(e, end, g, s, l->error_line);
	line = xasprintf("END RequestId: %s", l->request_id);
	sim_log_add(e, end, g, s, line);
	free(line);
	struct strbuf sb;
	sb_init(&sb);
	/* Billed duration rounds up to the millisecond (since December 2020). */
	sb_addf(&sb,
		"REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %.0f ms\tMemory Size: "
		"%" PRId64 " MB\tMax Memory Used: %" PRId64 " MB",
		l->request_id, l->run_ms, ceil(l->run_ms), l->memory_mb,
		l->memory_mb < 38 ? l->memory_mb : 38);
	if (l->init_ms > 0)
		sb_addf(&sb, "\tInit Duration: %.2f ms", l->init_ms);
	if (l->timed_out)
		sb_add(&sb, "\tStatus: timeout");
	sim_log_add(e, end, g, s, sb_str(&sb));
	sb_fini(&sb);
	free(g);
	free(name);
}
