/* Diagnostics: collected, sorted and printed compiler-style with the source line. */
#include "base.h"

#include <stdlib.h>
#include <string.h>

void diags_init(struct diags *d)
{
	memset(d, 0, sizeof(*d));
}

static void diag_fini(struct diag *dg)
{
	free(dg->code);
	free(dg->message);
	free(dg->file);
	free(dg->pointer);
}

void diags_fini(struct diags *d)
{
	for (size_t i = 0; i < d->list.len; i++)
		diag_fini(&d->list.items[i]);
	VEC_FREE(d->list);
	d->errors = d->warnings = 0;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct diag *diags_vadd(struct diags *d, enum diag_severity sev, const char *code, const char *file,
			int line, int column, const char *pointer, const char *fmt, va_list ap)
{
	struct diag dg = {
	    .severity = sev,
	    .code = dup_or_null(code),
	    .message = xvasprintf(fmt, ap),
	    .file = dup_or_null(file),
	    .line = line,
	    .column = column,
	    .pointer = dup_or_null(pointer),
	};
	VEC_PUSH(d->list, dg);
	if (sev == DIAG_ERROR)
		d->errors++;
	else if (sev == DIAG_WARNING)
		d->warnings++;
	return &d->list.items[d->list.len - 1];
}

struct diag *diags_add(struct diags *d, enum diag_severity sev, const char *code, const char *file,
		       int line, int column, const char *pointer, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct diag *dg = diags_vadd(d, sev, code, file, line, column, pointer, fmt, ap);
	va_end(ap);
	return dg;
}

void diags_move(struct diags *dst, struct diags *src)
{
	for (size_t i = 0; i < src->list.len; i++)
		VEC_PUSH(dst->list, src->list.items[i]);
	dst->errors += src->errors;
	dst->warnings += src->warnings;
	VEC_FREE(src->list);
	src->errors = src->warnings = 0;
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

void diags_sort(struct diags *d)
{
	/* Insertion sort: stable, and lists are short. */
	for (size_t i = 1; i < d->list.len; i++) {
		struct diag key = d->list.items[i];
		size_t j = i;
		while (j > 0) {
			const struct diag *p = &d->list.items[j - 1];
			int c = cmp_str(p->file, key.file);
			if (c == 0)
				c = (p->line > key.line) - (p->line < key.line);
			if (c == 0)
				c = (p->column > key.column) - (p->column < key.column);
			if (c <= 0)
				break;
			d->list.items[j] = d->list.items[j - 1];
			j--;
		}
		d->list.items[j] = key;
	}
}

static const char *severity_name(enum diag_severity sev)
{
	switch (sev) {
	case DIAG_ERROR:
		return "error";
	case DIAG_WARNING:
		return "warning";
	case DIAG_NOTE:
		return "note";
	}
	return "error";
}

/* A source line longer than CARET_LONG_LINE bytes is shown as a CARET_WINDOW-byte window
 * around the column, so a minified or hostile one-line file does not flood the terminal. */
#define CARET_LONG_LINE 1024
#define CARET_WINDOW	160

static void print_caret(FILE *out, const char *line, size_t line_len, int column)
{
	size_t col = column > 1 ? (size_t)column - 1 : 0;
	if (col > line_len)
		col = line_len;
	size_t from = 0, to = line_len;
	if (line_len > CARET_LONG_LINE) {
		from = col > CARET_WINDOW / 2 ? col - CARET_WINDOW / 2 : 0;
		while (from < col && ((unsigned char)line[from] & 0xC0) == 0x80)
			from++; /* not in the middle of a UTF-8 sequence */
		to = from + CARET_WINDOW < line_len ? from + CARET_WINDOW : line_len;
		while (to > col && to < line_len && ((unsigned char)line[to] & 0xC0) == 0x80)
			to--;
	}
	fputs(from > 0 ? "  ..." : "  ", out);
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)line[i];
		/* A NUL or an escape sequence in the file must not garble or drive the terminal. */
		fputc((c < 0x20 && c != '\t') || c == 0x7f ? '?' : c, out);
	}
	fputs(to < line_len ? "...\n  " : "\n  ", out);
	if (from > 0)
		fputs("   ", out);
	for (size_t i = from; i < col; i++)
		fputc(line[i] == '\t' ? '\t' : ' ', out);
	fputs("^\n", out);
}

void diag_print(FILE *out, const struct diag *dg, const char *source, size_t source_len)
{
	if (dg->file)
		fprintf(out, "%s:", dg->file);
	if (dg->line > 0)
		fprintf(out, "%d:%d:", dg->line, dg->column > 0 ? dg->column : 1);
	else if (dg->pointer)
		fprintf(out, "%s:", *dg->pointer ? dg->pointer : "/");
	bool located = dg->file || dg->line > 0 || dg->pointer;
	fprintf(out, "%s%s: %s", located ? " " : "", severity_name(dg->severity), dg->message);
	if (dg->code)
		fprintf(out, " [%s]", dg->code);
	fputc('\n', out);
	const char *line;
	size_t line_len;
	if (source && dg->line > 0 && text_line(source, source_len, dg->line, &line, &line_len))
		print_caret(out, line, line_len, dg->column);
}

void diags_print(FILE *out, const struct diags *d, const char *source, size_t source_len)
{
	for (size_t i = 0; i < d->list.len; i++)
		diag_print(out, &d->list.items[i], source, source_len);
}

void diags_print_files(FILE *out, const struct diags *d)
{
	char *text = NULL, *name = NULL;
	size_t len = 0;
	for (size_t i = 0; i < d->list.len; i++) {
		const struct diag *dg = &d->list.items[i];
		if (dg->file && (!name || strcmp(name, dg->file) != 0)) {
			free(text);
			free(name);
			char *err = NULL;
			name = xstrdup(dg->file);
			text = file_read_all(dg->file, &len, &err);
			free(err);
			if (!text)
				len = 0;
		}
		diag_print(out, dg, text, len);
	}
	free(text);
	free(name);
}
