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
	size_t offset; /* where it starts, for messages */
};

struct csv {
	const char *name, *text;
	size_t len, pos;
	struct diags *d;
};

static void fields_free(struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].value);
	free(f);
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
			if (t[c->pos] == '"' && c->pos + 1 < c->len && t[c->pos + 1] == '"') {
				sb_addc(out, '"');
				c->pos += 2;
			} else if (t[c->pos] == '"') {
				c->pos++;
				break;
			} else {
				sb_addc(out, t[c->pos++]);
			}
		}
		if (c->pos < c->len && !items_is_one_of(t[c->pos], ",\r\n")) {
			items_error_at(c->d, c->name, t, c->len, c->pos,
				       "expected ',' or the end of the line after a closing quote");
			return false;
		}
		return true;
	}
	while (c->pos < c->len && !items_is_one_of(t[c->pos], ",\n")) {
		if (t[c->pos] == '\r' && (c->pos + 1 == c->len || t[c->pos + 1] == '\n'))
			break;
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
		VEC_PUSH(f, ((struct field){sb_take(&sb), at}));
		sb_fini(&sb);
		if (!ok) {
			fields_free(f.items, f.len);
			return NULL;
		}
		if (c->pos < c->len && c->text[c->pos] == ',') {
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
	json_t *j = json_string(f->value);
	json_decref(j);
	if (!j)
		items_error_at(c->d, c->name, c->text, c->len, f->offset, "not valid UTF-8");
	return j != NULL;
}

static bool check_header(struct csv *c, struct field *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!utf8_ok(c, &h[i]))
			return false;
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

json_t *items_load_csv(const char *name, const char *text, size_t len, struct diags *d)
{
	struct csv c = {name, text, len, 0, d};
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		c.pos = 3; /* UTF-8 byte order mark */
	struct field *header = NULL;
	size_t hn = 0;
	json_t *items = json_array();
	bool ok = true;
	while (ok && c.pos < len) {
		size_t n = 0, start = c.pos;
		bool blank = false;
		struct field *f = read_record(&c, &n, &blank);
		if (!f) {
			ok = false;
		} else if (blank) {
			/* blank line: no record */
		} else if (!header) {
			header = f;
			hn = n;
			ok = check_header(&c, header, hn);
			continue;
		} else if (n != hn) {
			items_error_at(d, name, text, len, start,
				       "this row has %zu field%s, the header has %zu", n,
				       n == 1 ? "" : "s", hn);
			ok = false;
		} else {
			json_t *o = json_object();
			for (size_t i = 0; i < n && ok; i++)
				ok = utf8_ok(&c, &f[i]) &&
				     !json_object_set_new(o, header[i].value,
							  json_string(f[i].value));
			json_array_append_new(items, o);
		}
		fields_free(f, f ? n : 0);
	}
	if (ok && !header) {
		items_error_at(d, name, text, len, 0, "empty CSV file: expected a header row");
		ok = false;
	}
	fields_free(header, hn);
	if (!ok) {
		json_decref(items);
		return NULL;
	}
	return items;
}
