/*
 * CSV item files: RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180) with a header row. As
 * Step Functions' CSV item reader does, every value is a string and duplicate column names are
 * an error ("CSV headers cannot contain duplicates.").
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 */
#include "items/internal.h"

#include <stdlib.h>
#include <string.h>

struct field {
	char *value;
	size_t len;    /* the value's bytes: a NUL byte is kept (json_stringn) */
	size_t offset; /* where it starts, for messages */
};

struct csv {
	const char *name, *text;
	size_t len, pos;
	struct diags *d;
	char delim;   /* ',' or the ItemReader's CSVDelimiter */
	bool lenient; /* Step Functions' rows: short ones padded, long ones cut */
};

static void fields_free(struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].value);
	free(f);
}

/* Step Functions' reader (lenient): a backslash before a backslash, a quote or the delimiter
 * takes that character as data; before anything else (a line end included: it still ends the
 * record) the backslash alone is removed ("A backslash followed by any other character is
 * silently removed"). True when one was taken at c->pos.
 * https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html */
static bool escaped(struct csv *c, struct strbuf *out)
{
	if (!c->lenient || c->text[c->pos] != '\\')
		return false;
	char next = c->pos + 1 < c->len ? c->text[c->pos + 1] : '\n';
	if (next == '\\' || next == '"' || next == c->delim) {
		sb_addc(out, next);
		c->pos += 2;
	} else {
		c->pos++;
	}
	return true;
}

/* Reads one field at c->pos; false after an error. */
static bool read_field(struct csv *c, struct strbuf *out)
{
	const char *t = c->text;
	if (c->pos < c->len && t[c->pos] == '"') {
		size_t open = c->pos++;
		for (;;) {
			if (c->pos >= c->len) {
				items_error_at(c->d, c->name, t, c->len, open,
					       "unterminated quoted field");
				return false;
			}
			if (escaped(c, out)) {
				/* taken */
			} else if (t[c->pos] == '"' && c->pos + 1 < c->len &&
				   t[c->pos + 1] == '"') {
				sb_addc(out, '"');
				c->pos += 2;
			} else if (t[c->pos] == '"') {
				c->pos++;
				break;
			} else {
				sb_addc(out, t[c->pos++]);
			}
		}
		if (c->pos < c->len && t[c->pos] != c->delim &&
		    !items_is_one_of(t[c->pos], "\r\n")) {
			items_error_at(c->d, c->name, t, c->len, c->pos,
				       "expected '%c' or the end of the line after a closing quote",
				       c->delim);
			return false;
		}
		return true;
	}
	while (c->pos < c->len && t[c->pos] != c->delim && t[c->pos] != '\n') {
		if (t[c->pos] == '\r' && (c->pos + 1 == c->len || t[c->pos + 1] == '\n'))
			break;
		if (escaped(c, out))
			continue;
		if (t[c->pos] == '"') {
			items_error_at(
			    c->d, c->name, t, c->len, c->pos,
			    "a quote inside an unquoted field (quote the whole field and "
			    "double the quote)");
			return false;
		}
		sb_addc(out, t[c->pos++]);
	}
	return true;
}

/* Reads one record of *count fields; *blank for an empty line. NULL after an error. */
static struct field *read_record(struct csv *c, size_t *count, bool *blank)
{
	VEC(struct field) f = {0};
	size_t start = c->pos;
	for (;;) {
		struct strbuf sb;
		sb_init(&sb);
		size_t at = c->pos;
		bool ok = read_field(c, &sb);
		size_t n = sb.len;
		VEC_PUSH(f, ((struct field){sb_take(&sb), n, at}));
		sb_fini(&sb);
		if (!ok) {
			fields_free(f.items, f.len);
			return NULL;
		}
		if (c->pos < c->len && c->text[c->pos] == c->delim) {
			c->pos++;
			continue;
		}
		break;
	}
	if (c->pos < c->len && c->text[c->pos] == '\r')
		c->pos++;
	if (c->pos < c->len && c->text[c->pos] == '\n')
		c->pos++;
	*count = f.len;
	*blank = f.len == 1 && !f.items[0].value[0] && c->text[start] != '"';
	return f.items;
}

static bool utf8_ok(struct csv *c, const struct field *f)
{
	json_t *j = json_stringn(f->value, f->len);
	json_decref(j);
	if (!j)
		items_error_at(c->d, c->name, c->text, c->len, f->offset, "not valid UTF-8");
	return j != NULL;
}

static bool check_header(struct csv *c, struct field *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!utf8_ok(c, &h[i]))
			return false;
		if (strlen(h[i].value) != h[i].len) {
			items_error_at(c->d, c->name, c->text, c->len, h[i].offset,
				       "a NUL byte in a column name");
			return false;
		}
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(h[i].value, h[j].value)) {
				items_error_at(c->d, c->name, c->text, c->len, h[i].offset,
					       "duplicate column name '%s' (CSV headers cannot "
					       "contain duplicates)",
					       h[i].value);
				return false;
			}
	return true;
}

/* One record as an object under the header's names. Lenient (Step Functions' reader): a
 * missing field is "", a field past the header's is skipped; strict: a row of another
 * length is an error. NULL after a diag. */
static json_t *record_object(struct csv *c, const struct field *header, size_t hn,
			     const struct field *f, size_t n, size_t start)
{
	if (!c->lenient && n != hn) {
		items_error_at(c->d, c->name, c->text, c->len, start,
			       "this row has %zu field%s, the header has %zu", n, n == 1 ? "" : "s",
			       hn);
		return NULL;
	}
	json_t *o = json_object();
	for (size_t i = 0; i < hn; i++) {
		if (i < n && !utf8_ok(c, &f[i])) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, header[i].value,
				    i < n ? json_stringn(f[i].value, f[i].len) : json_string(""));
	}
	return o;
}

/* The records of c->text under `given` (taken; NULL: the first record is the header). */
static json_t *load(struct csv *c, struct field *given, size_t gn)
{
	if (c->len >= 3 && !memcmp(c->text, "\xEF\xBB\xBF", 3))
		c->pos = 3; /* UTF-8 byte order mark */
	struct field *header = given;
	size_t hn = gn;
	json_t *items = json_array();
	bool ok = !given || check_header(c, header, hn);
	while (ok && c->pos < c->len) {
		size_t n = 0, start = c->pos;
		bool blank = false;
		struct field *f = read_record(c, &n, &blank);
		if (!f) {
			ok = false;
		} else if (blank) {
			/* blank line: no record */
		} else if (!header) {
			header = f;
			hn = n;
			ok = check_header(c, header, hn);
			continue;
		} else {
			json_t *o = record_object(c, header, hn, f, n, start);
			ok = o != NULL;
			if (o)
				json_array_append_new(items, o);
		}
		fields_free(f, f ? n : 0);
	}
	if (ok && !header) {
		items_error_at(c->d, c->name, c->text, c->len, 0,
			       "empty CSV file: expected a header row");
		ok = false;
	}
	fields_free(header, hn);
	if (!ok) {
		json_decref(items);
		return NULL;
	}
	return items;
}

json_t *items_load_csv(const char *name, const char *text, size_t len, struct diags *d)
{
	struct csv c = {name, text, len, 0, d, ',', false};
	return load(&c, NULL, 0);
}

json_t *items_load_csv_reader(const char *name, const char *text, size_t len, char delim,
			      const json_t *headers, struct diags *d)
{
	struct csv c = {name, text, len, 0, d, delim, true};
	struct field *given = NULL;
	size_t gn = json_array_size(headers);
	if (json_is_array(headers)) {
		/* an empty list still stands for given headers: one dummy slot, no column */
		given = xcalloc(gn ? gn : 1, sizeof(*given));
		for (size_t i = 0; i < gn; i++) {
			const char *h = json_string_value(json_array_get(headers, i));
			given[i].value = xstrdup(h ? h : "");
			given[i].len = strlen(given[i].value);
		}
	}
	return load(&c, given, gn);
}
