/*
 * Ended Distributed Map child histories, kept compact: a child's log is encoded into a byte
 * record when the child ends and its log freed; the record goes to an unlinked temporary file
 * (memory when none can be made), and sim_child_history rebuilds the log on demand. A Map Run
 * of 100,000 children keeps a million events this way at a few bytes of memory each, instead
 * of a million records and their payload trees.
 *
 * The encoding is lossless for everything a log holds: types, ids, causal links, times, item
 * indexes, interned strings, payload and extra values (compact JSON text, which jansson reads
 * back to equal values: integers stay integers, reals round-trip with 17 digits, key order is
 * kept) and the log's meta. A value shared by several events of one child (the same item as
 * input and output) is written once and shared again when read back.
 *
 * Record: varint count, meta (start, synthetic flag, 2 strings), then per event: type, prev,
 * zigzag t_ms, zigzag item, 6 strings (varint length + 1, 0 = absent), payload and extra
 * (0 = none, 1 = JSON text as u32 length + bytes, k + 2 = the record's k-th value again).
 */
#define _GNU_SOURCE /* mkostemp */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FLUSH_AT (1u << 20) /* bytes kept in memory before they go to the file */
#define WINDOW	 16	    /* recent values a payload is compared with, for sharing */
#define SHARED	 4	    /* details values shared by every child, whose text is kept */

/* A value's JSON text, kept with a reference so that its address is not reused. */
struct text_of {
	json_t *v;
	struct strbuf text;
};

struct sim_spill {
	int fd;			       /* the unlinked temporary file, -1 when none */
	bool full;		       /* a write failed: what follows stays in `mem` */
	struct strbuf mem;	       /* bytes from offset `flushed` on */
	uint64_t flushed;	       /* bytes in the file */
	struct text_of last;	       /* sim_json_text's value: a child's output */
	struct text_of shared[SHARED]; /* details shared by all children (refcount > 1) */
	size_t next_shared;
};

/* ---- encoding ---- */

struct enc {
	struct strbuf *sb;
	struct sim_spill *s;	      /* its texts of values already written, or NULL */
	const json_t *recent[WINDOW]; /* values written so far, by number modulo WINDOW */
	size_t values;
};

static void put_varint(struct strbuf *sb, uint64_t v)
{
	unsigned char *p = (unsigned char *)sb_reserve(sb, 10), *start = p;
	do {
		*p = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			*p |= 0x80;
		p++;
	} while (v);
	sb->len += (size_t)(p - start);
	sb->data[sb->len] = '\0';
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static void put_str(struct strbuf *sb, const char *s)
{
	if (!s) {
		put_varint(sb, 0);
		return;
	}
	size_t n = strlen(s);
	put_varint(sb, n + 1);
	sb_addn(sb, s, n);
}

/* The text of v when s has it; shared details (held elsewhere too) are remembered. */
static const struct strbuf *known_text(struct sim_spill *s, json_t *v, bool details)
{
	if (!s)
		return NULL;
	if (s->last.v == v)
		return &s->last.text;
	for (size_t k = 0; k < SHARED; k++)
		if (s->shared[k].v == v)
			return &s->shared[k].text;
	if (!details || v->refcount < 2)
		return NULL;
	struct text_of *t = &s->shared[s->next_shared++ % SHARED];
	json_decref(t->v);
	t->v = json_incref(v);
	sb_clear(&t->text);
	sim_json_append(&t->text, v, false);
	return &t->text;
}

static void put_value(struct enc *x, json_t *v, bool details)
{
	if (!v) {
		put_varint(x->sb, 0);
		return;
	}
	size_t from = x->values > WINDOW ? x->values - WINDOW : 0;
	for (size_t k = x->values; k-- > from;)
		if (x->recent[k % WINDOW] == v) {
			put_varint(x->sb, k + 2);
			return;
		}
	put_varint(x->sb, 1);
	size_t at = x->sb->len;
	sb_addn(x->sb, "\0\0\0\0", 4);
	const struct strbuf *known = known_text(x->s, v, details);
	if (known)
		sb_addn(x->sb, known->data ? known->data : "", known->len);
	else
		sim_json_append(x->sb, v, false);
	uint32_t len = (uint32_t)(x->sb->len - at - 4);
	for (int i = 0; i < 4; i++)
		x->sb->data[at + (size_t)i] = (char)(len >> (8 * i));
	x->recent[x->values++ % WINDOW] = v;
}

/* Appends the record of log to sb; s (may be NULL) lends texts it knows. */
static void encode(const struct ev_log *log, struct strbuf *sb, struct sim_spill *s)
{
	struct enc x = {.sb = sb, .s = s};
	size_t n = ev_log_count(log);
	const struct ev_log_meta *m = ev_log_meta_const(log);
	put_varint(sb, n);
	put_varint(sb, zigzag(m->start_epoch_ms));
	put_varint(sb, m->synthetic_time);
	put_str(sb, ev_log_str(log, m->execution_name));
	put_str(sb, ev_log_str(log, m->state_machine_name));
	for (size_t i = 1; i <= n; i++) {
		const struct ev *e = ev_log_get(log, (int64_t)i);
		put_varint(sb, (uint64_t)e->type);
		put_varint(sb, zigzag(e->prev));
		put_varint(sb, zigzag(e->t_ms));
		put_varint(sb, zigzag(e->item));
		struct ev_detail dt = ev_detail(log, e); /* by its strings: ids are the log's */
		const ev_str_t strs[] = {e->state,	   dt.error,	dt.cause,
					 dt.resource_type, dt.resource, dt.raw_type};
		for (size_t k = 0; k < ARRAY_LEN(strs); k++)
			put_str(sb, ev_log_str(log, strs[k]));
		put_value(&x, ev_payload(log, e, (int64_t)i), false); /* a lazy one as its value */
		put_value(&x, dt.extra, true);
	}
}

/* ---- decoding ---- */

struct dec {
	const unsigned char *p, *end;
	struct ev_log *log;
	json_t **values; /* every value read, for back references (references held) */
	size_t count, cap;
	bool bad;
};

static uint64_t get_varint(struct dec *d)
{
	uint64_t v = 0;
	for (int shift = 0; d->p < d->end && shift < 64; shift += 7) {
		unsigned char b = *d->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	d->bad = true;
	return 0;
}

static int64_t get_signed(struct dec *d)
{
	uint64_t v = get_varint(d);
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static ev_str_t get_str(struct dec *d)
{
	uint64_t n = get_varint(d);
	if (!n)
		return 0;
	if (n - 1 > (uint64_t)(d->end - d->p)) {
		d->bad = true;
		return 0;
	}
	char *s = xstrndup((const char *)d->p, (size_t)(n - 1));
	d->p += n - 1;
	ev_str_t id = ev_log_intern(d->log, s);
	free(s);
	return id;
}

/* A new reference, or NULL. */
static json_t *get_value(struct dec *d)
{
	uint64_t tag = get_varint(d);
	if (tag == 0 || d->bad)
		return NULL;
	if (tag >= 2)
		return tag - 2 < d->count ? json_incref(d->values[tag - 2]) : NULL;
	if (d->end - d->p < 4) {
		d->bad = true;
		return NULL;
	}
	uint32_t len = 0;
	for (int i = 0; i < 4; i++)
		len |= (uint32_t)d->p[i] << (8 * i);
	d->p += 4;
	if (len > (size_t)(d->end - d->p)) {
		d->bad = true;
		return NULL;
	}
	json_error_t err;
	json_t *v = json_loadb((const char *)d->p, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	d->p += len;
	if (!v) {
		d->bad = true;
		return NULL;
	}
	if (d->count == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->values = xrealloc(d->values, d->cap * sizeof(*d->values));
	}
	d->values[d->count++] = json_incref(v);
	return v;
}

/* The log of a record, or NULL when the bytes are not one (a damaged spill file). */
static struct ev_log *decode(const unsigned char *p, size_t len)
{
	struct dec d = {.p = p, .end = p + len, .log = ev_log_new()};
	uint64_t n = get_varint(&d);
	struct ev_log_meta *m = ev_log_meta(d.log);
	m->start_epoch_ms = get_signed(&d);
	m->synthetic_time = get_varint(&d) != 0;
	m->execution_name = get_str(&d);
	m->state_machine_name = get_str(&d);
	for (uint64_t i = 0; i < n && !d.bad; i++) {
		struct ev e = {0};
		uint64_t type = get_varint(&d);
		int64_t prev = get_signed(&d);
		int64_t t = get_signed(&d);
		/* Never written (struct ev): a damaged record. */
		if (type >= EV_TYPE_COUNT || prev < INT32_MIN || prev > INT32_MAX ||
		    t < -EV_T_MAX || t > EV_T_MAX)
			d.bad = true;
		e.type = (enum ev_type)type;
		e.prev = (int32_t)prev;
		e.t_ms = t;
		e.item = (int32_t)get_signed(&d);
		e.state = get_str(&d);
		struct ev_detail dt = {0};
		dt.error = get_str(&d);
		dt.cause = get_str(&d);
		dt.resource_type = get_str(&d);
		dt.resource = get_str(&d);
		dt.raw_type = get_str(&d);
		e.payload = get_value(&d);
		dt.extra = get_value(&d); /* a repeated one is the same value: one detail set */
		e.detail = ev_log_detail(d.log, &dt);
		json_decref(dt.extra); /* the log holds its own */
		ev_log_append(d.log, &e);
	}
	if (d.p != d.end)
		d.bad = true;
	for (size_t i = 0; i < d.count; i++)
		json_decref(d.values[i]);
	free(d.values);
	if (d.bad) {
		ev_log_free(d.log);
		return NULL;
	}
	return d.log;
}

/* ---- the store ---- */

struct sim_spill *sim_spill_new(void)
{
	struct sim_spill *s = xcalloc(1, sizeof(*s));
	s->fd = -1;
	const char *dir = getenv("TMPDIR");
	char *path = xasprintf("%s/stepscope-children.XXXXXX", dir && *dir ? dir : "/tmp");
	/* Close-on-exec: the Lambda handlers command.c starts must not inherit it. */
	s->fd = mkostemp(path, O_CLOEXEC);
	if (s->fd >= 0)
		unlink(path); /* gone with the process, whatever happens to it */
	free(path);
	return s;
}

void sim_spill_free(struct sim_spill *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	sb_fini(&s->mem);
	json_decref(s->last.v);
	sb_fini(&s->last.text);
	for (size_t k = 0; k < SHARED; k++) {
		json_decref(s->shared[k].v);
		sb_fini(&s->shared[k].text);
	}
	free(s);
}

/* Moves the buffered bytes to the file; on a write error everything stays in memory. */
static void flush(struct sim_spill *s)
{
	const char *p = s->mem.data;
	size_t n = s->mem.len;
	while (n) {
		ssize_t k = pwrite(s->fd, p, n, (off_t)(s->flushed + (s->mem.len - n)));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			s->full = true;
			return;
		}
		p += k;
		n -= (size_t)k;
	}
	s->flushed += s->mem.len;
	sb_clear(&s->mem);
}

uint64_t sim_spill_put(struct sim_spill *s, const struct ev_log *log, size_t *len)
{
	uint64_t at = s->flushed + s->mem.len;
	size_t before = s->mem.len;
	encode(log, &s->mem, s);
	*len = s->mem.len - before;
	if (s->fd >= 0 && !s->full && s->mem.len >= FLUSH_AT)
		flush(s);
	return at;
}

struct ev_log *sim_spill_get(const struct sim_spill *s, uint64_t at, size_t len)
{
	if (at >= s->flushed)
		return decode((const unsigned char *)s->mem.data + (at - s->flushed), len);
	unsigned char *buf = xmalloc(len ? len : 1);
	size_t got = 0;
	while (got < len) {
		ssize_t k = pread(s->fd, buf + got, len - got, (off_t)(at + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	/* Bytes this process wrote a moment ago: a short read or an I/O error means the file
	 * (or its disk) failed; the caller reports it. */
	struct ev_log *log = got == len ? decode(buf, len) : NULL;
	free(buf);
	return log;
}

struct ev_log *sim_log_copy(const struct ev_log *log)
{
	struct strbuf sb;
	sb_init(&sb);
	encode(log, &sb, NULL);
	struct ev_log *copy = decode((const unsigned char *)sb.data, sb.len);
	sb_fini(&sb);
	return copy;
}

const struct strbuf *sim_json_text(struct sim_spill *s, json_t *v)
{
	if (s->last.v != v) {
		json_decref(s->last.v);
		s->last.v = json_incref(v);
		sb_clear(&s->last.text);
		sim_json_append(&s->last.text, v, false);
	}
	return &s->last.text;
}
