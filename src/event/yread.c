/*
 * The fast reader of one history event: yajl's SAX callbacks fill a `struct ev_yraw` straight
 * from the event's text (event.h). jansson builds a tree of every event only for from_json to
 * walk it and throw it away; here only the rare `extra` members become jansson values.
 *
 * The result must be exactly what jansson + ev_from_json_lazy give, so the reader gives up
 * (the caller then uses them) whenever it is not sure:
 *  - yajl refuses the text, or the text is not one object, or it nests deeper than DEPTH;
 *  - a number that is not a plain integer of at most 18 digits (jansson refuses big integers
 *    and reads reals with its own locale handling);
 *  - a string jansson might refuse or read differently: a NUL escape, a surrogate escape yajl
 *    may have mangled (it writes '?' for a lone one), UTF-8 jansson's stricter check refuses
 *    (overlong forms, surrogates, beyond U+10FFFF);
 *  - duplicate keys in the event or its details, members before "type", a non-integer id or
 *    previousEventId, a non-string type, odd timestamps;
 *  - anything ev_from_json_lazy would warn about: a payload ev_json_text_ok is unsure of, a
 *    `...Details` member other than {"truncated": false}.
 * yajl's own whitespace also includes \v and \f, which jansson refuses: the history scanner
 * (src/history/stream.c) never hands over text with them.
 */
#include "internal.h"

#include <string.h>
#include <yajl/yajl_parse.h>

/* Nesting (the event object is 1) beyond which jansson decides; far below its 2048. */
#define DEPTH 256
/* Members of the details object kept for the duplicate check and for extra. */
#define MEMBERS 16

/* What the current member of the event object is. */
enum top { T_NONE, T_TIMESTAMP, T_TYPE, T_ID, T_PREV, T_DETAILS, T_EXTRA, T_IGNORE };
/* The {"truncated": false} recognizer: expecting its key, its value, its end. */
enum untr { U_OFF, U_KEY, U_VALUE, U_END };

/* A details member for extra, in order; v NULL: {"truncated": false}, kept or not at the end. */
struct member {
	size_t key; /* offset in keys */
	size_t len;
	json_t *v;
};

struct ev_yreader {
	yajl_handle h;
	struct ev_ytables tab;
	struct ev_ydays days;
	/* The event being read. */
	const char *text;
	size_t len;
	bool high; /* the text has bytes >= 0x80 */
	int surrogates; /* the text has a \uD... escape: 1 yes, 0 no, -1 not looked yet */
	struct ev_yraw *out;
	int level;     /* 0 before the event, 1 in it, 2 in its details */
	bool done;     /* the event object closed */
	bool typed;    /* "type" read */
	unsigned seen; /* top members read, bit per enum top */
	enum top top;
	const struct ev_ytype *ti; /* of the type, once read */
	bool payload_string;
	/* The current details member. */
	size_t dkey, dlen;
	struct member members[MEMBERS];
	int nmembers;
	size_t dkeys[MEMBERS]; /* every details key so far (offsets in keys) */
	int nkeys;
	char *keys; /* NUL-terminated copies of the details' keys */
	size_t keys_len, keys_cap;
	enum untr untr;
	int skip; /* > 0: inside a value nobody reads */
	/* Building a jansson value: containers, each with the key it goes under in its parent. */
	json_t *stack[DEPTH];
	char *stack_key[DEPTH];
	int sp;
	char *pending_key; /* the key of the next value in the innermost object */
};

static void keys_reserve(struct ev_yreader *r, size_t n)
{
	if (r->keys_len + n <= r->keys_cap)
		return;
	r->keys_cap = (r->keys_len + n) * 2;
	r->keys = xrealloc(r->keys, r->keys_cap);
}

/* Copies s[0..n) into keys, NUL-terminated; returns its offset. */
static size_t keys_add(struct ev_yreader *r, const char *s, size_t n)
{
	keys_reserve(r, n + 1);
	size_t off = r->keys_len;
	memcpy(r->keys + off, s, n);
	r->keys[off + n] = '\0';
	r->keys_len += n + 1;
	return off;
}

static bool eq(const unsigned char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

/* ---- tokens jansson might read differently ---- */

/* A decoded string (or key) the fast path may keep as it is. yajl hands over a pointer into
 * the text when the string has no escape, else its decoded copy. */
static bool string_ok(struct ev_yreader *r, const unsigned char *s, size_t n)
{
	const unsigned char *t = (const unsigned char *)r->text;
	bool escaped = !(s >= t && s < t + r->len);
	/* Without escapes the bytes are the text's: plain ASCII when the text is. */
	if (!escaped)
		return !r->high || ev_yutf8_strict(s, n);
	bool high = ev_yhas_high(s, n);
	if ((high && !ev_yutf8_strict(s, n)) || memchr(s, '\0', n))
		return false;
	/* A '?' or a 4-byte character may come from a surrogate escape yajl decoded its own
	 * way (rare): then any surrogate escape in the event's text sends it to jansson. */
	bool suspect = memchr(s, '?', n) != NULL;
	for (size_t i = 0; high && !suspect && i < n; i++)
		suspect = s[i] >= 0xF0;
	if (!suspect)
		return true;
	if (r->surrogates < 0) { /* once per event: many suspect strings must not rescan it */
		r->surrogates = 0;
		for (size_t i = 0; i + 2 < r->len && !r->surrogates; i++)
			r->surrogates = t[i] == '\\' && t[i + 1] == 'u' &&
					(t[i + 2] == 'd' || t[i + 2] == 'D');
	}
	return !r->surrogates;
}

/* ---- building extra values ---- */

/* Adds v (taken) where the builder is: into the innermost container, or, when the stack is
 * empty, as the finished value. Returns the finished value or NULL. */
static json_t *build_add(struct ev_yreader *r, json_t *v)
{
	if (r->sp == 0)
		return v;
	json_t *c = r->stack[r->sp - 1];
	if (json_is_array(c)) {
		json_array_append_new(c, v);
	} else {
		json_object_set_new_nocheck(c, r->pending_key, v);
		free(r->pending_key);
		r->pending_key = NULL;
	}
	return NULL;
}

static void build_clear(struct ev_yreader *r)
{
	while (r->sp > 0) {
		r->sp--;
		json_decref(r->stack[r->sp]);
		free(r->stack_key[r->sp]);
	}
	free(r->pending_key);
	r->pending_key = NULL;
}

/* ---- where a finished value goes ---- */

static bool add_member(struct ev_yreader *r, json_t *v)
{
	if (r->nmembers == MEMBERS) {
		json_decref(v);
		return false;
	}
	r->members[r->nmembers++] = (struct member){r->dkey, r->dlen, v};
	return true;
}

/* A finished jansson value of the current top member (unknown types) or details member. */
static bool deliver(struct ev_yreader *r, json_t *v)
{
	if (r->level == 2)
		return add_member(r, v);
	/* An unknown type's member: extra keeps it under its key (jansson keeps the last of
	 * duplicate keys; the duplicate check made sure there is none). */
	struct ev_yraw *o = r->out;
	if (!o->extra)
		o->extra = json_object();
	json_object_set_new_nocheck(o->extra, r->keys + r->dkey, v);
	return true;
}

static bool add_string(struct ev_yreader *r, enum ev_yfield f, const unsigned char *s, size_t n)
{
	struct ev_yraw *o = r->out;
	if (o->nstr == EV_YRAW_STRS || n > UINT32_MAX)
		return false;
	const unsigned char *t = (const unsigned char *)r->text;
	bool escaped = !(s >= t && s < t + r->len);
	o->str[o->nstr].s = escaped ? xstrndup((const char *)s, n) : (const char *)s;
	o->str[o->nstr].owned = escaped;
	o->str[o->nstr].len = (uint32_t)n;
	o->str[o->nstr].field = (uint8_t)f;
	o->nstr++;
	return true;
}

/* A scalar value of a details member (level 2, no container open). */
static bool details_scalar(struct ev_yreader *r, json_t *(*make)(const void *), const void *arg,
			   const unsigned char *s, size_t n, const int64_t *num)
{
	const unsigned char *k = (const unsigned char *)r->keys + r->dkey;
	size_t kn = r->dlen;
	const struct ev_ytype *ti = r->ti;
	if (num && ti->has_index && eq(k, kn, "index") && *num >= 0 && *num <= INT32_MAX) {
		r->out->e.item = (int32_t)*num;
		return true;
	}
	if (s) {
		int f = ev_ytyped_field(ti, k, kn);
		if (f >= 0 && n > 0)
			return add_string(r, (enum ev_yfield)f, s, n);
		if (ti->pk && kn == ti->pk_len && !memcmp(k, ti->pk, kn)) {
			if (!ev_json_text_ok((const char *)s, n))
				return false; /* jansson parses it now, or warns */
			json_decref(r->out->e.payload);
			r->out->e.payload = json_stringn_nocheck((const char *)s, n);
			r->payload_string = true;
			return true;
		}
	}
	return add_member(r, make(arg));
}

/* A scalar of the event object's current member (level 1). */
static bool top_scalar(struct ev_yreader *r, const unsigned char *s, size_t n, const int64_t *num,
		       bool is_null)
{
	struct ev_yraw *o = r->out;
	switch (r->top) {
	case T_TIMESTAMP:
		if (num) {
			/* Seconds out of range (ev_time_parse): jansson's path decides. */
			if (*num > EV_MAX_EPOCH_S || *num < EV_MIN_EPOCH_S)
				return false;
			o->info.has_time = true;
			o->info.epoch_ms = *num * 1000;
		} else if (s) {
			int got = ev_ytime(&r->days, s, n, &o->info.epoch_ms);
			if (got < 0)
				return false;
			o->info.has_time = got == 1;
		} else {
			o->info.has_time = false;
		}
		return true;
	case T_TYPE:
		if (!s)
			return false;
		o->e.type = ev_ytype_of(&r->tab, s, n);
		r->typed = true;
		r->ti = &r->tab.types[o->e.type];
		return o->e.type != EV_UNKNOWN || add_string(r, EV_YF_RAW_TYPE, s, n);
	case T_ID:
		if (!num || *num < 1)
			return false;
		o->info.id = *num;
		return true;
	case T_PREV:
		if (num)
			o->info.prev = *num;
		else if (!is_null)
			return false;
		return true;
	default:
		return true;
	}
}

/* Every scalar: s for a string, num for an integer, neither for null or a boolean; is_false
 * for `false`. make(arg) makes its jansson value when one is needed. */
static int scalar(struct ev_yreader *r, json_t *(*make)(const void *), const void *arg,
		  const unsigned char *s, size_t n, const int64_t *num, bool is_null, bool is_false)
{
	bool ok = true;
	if (r->skip > 0) {
	} else if (r->untr != U_OFF) {
		ok = r->untr == U_VALUE && is_false;
		r->untr = U_END;
	} else if (r->sp > 0) {
		build_add(r, make(arg));
	} else if (r->level == 2) {
		ok = details_scalar(r, make, arg, s, n, num);
	} else if (r->level == 1 && r->top == T_EXTRA) {
		ok = deliver(r, make(arg));
	} else if (r->level == 1) {
		ok = top_scalar(r, s, n, num, is_null);
	} else {
		ok = false;
	}
	return ok;
}

/* ---- callbacks ---- */

struct strarg {
	const unsigned char *s;
	size_t n;
};

static json_t *make_null(const void *a)
{
	(void)a;
	return json_null();
}

static json_t *make_bool(const void *a)
{
	return json_boolean(*(const int *)a);
}

static json_t *make_int(const void *a)
{
	return json_integer(*(const int64_t *)a);
}

static json_t *make_str(const void *a)
{
	const struct strarg *sa = a;
	return json_stringn_nocheck((const char *)sa->s, sa->n);
}

static int cb_null(void *ctx)
{
	return scalar(ctx, make_null, NULL, NULL, 0, NULL, true, false);
}

static int cb_boolean(void *ctx, int b)
{
	return scalar(ctx, make_bool, &b, NULL, 0, NULL, false, !b);
}

static int cb_number(void *ctx, const char *s, size_t n)
{
	struct ev_yreader *r = ctx;
	int64_t v;
	if (!ev_yinteger(s, n, &v))
		return 0;
	return scalar(r, make_int, &v, NULL, 0, &v, false, false);
}

static int cb_string(void *ctx, const unsigned char *s, size_t n)
{
	struct ev_yreader *r = ctx;
	if (!string_ok(r, s, n))
		return 0;
	struct strarg sa = {s, n};
	return scalar(r, make_str, &sa, s, n, NULL, false, false);
}

/* A container opens: the builder, the skipper, the details or the recognizer take it. */
static int open_container(struct ev_yreader *r, bool map)
{
	bool ok = true;
	if (r->skip > 0) {
		ok = ++r->skip < DEPTH;
	} else if (r->untr != U_OFF) {
		ok = false;
	} else if (r->sp > 0 || (r->level == 1 && r->top == T_EXTRA) ||
		   (r->level == 2 && (!map || !str_ends_with(r->keys + r->dkey, "Details")))) {
		if (r->sp + r->level >= DEPTH)
			return 0;
		/* The key it goes under in its parent (none for the builder's root). */
		r->stack_key[r->sp] = r->sp > 0 ? r->pending_key : NULL;
		r->pending_key = NULL;
		r->stack[r->sp++] = map ? json_object() : json_array();
	} else if (r->level == 2) {
		r->untr = U_KEY;
	} else if (r->level == 1 && r->top == T_DETAILS && map) {
		r->level = 2;
	} else if (r->level == 1 && r->top == T_DETAILS) {
		r->skip = 1; /* details that are not an object are ignored */
	} else if (r->level == 1 && r->top == T_IGNORE) {
		r->skip = 1;
	} else if (r->level == 0 && map && !r->done) {
		r->level = 1;
	} else {
		ok = false;
	}
	return ok;
}

/* The details' members into extra, in order (none of them is warned about). */
static void finish_members(struct ev_yreader *r)
{
	struct ev_yraw *o = r->out;
	const char *pk = r->ti->pk;
	size_t pkn = r->ti->pk_len;
	for (int i = 0; i < r->nmembers; i++) {
		struct member *m = &r->members[i];
		const char *k = r->keys + m->key;
		json_t *v = m->v;
		m->v = NULL;
		if (!v) {
			/* {"truncated": false} beside a payload is regenerated on output. */
			if (r->payload_string && strncmp(k, pk, pkn) == 0)
				continue;
			v = json_object();
			json_object_set_new_nocheck(v, "truncated", json_false());
		}
		if (!o->extra)
			o->extra = json_object();
		json_object_set_new_nocheck(o->extra, k, v);
	}
	r->nmembers = 0;
}

static int close_container(struct ev_yreader *r)
{
	bool ok = true;
	if (r->skip > 0) {
		r->skip--;
	} else if (r->untr != U_OFF) {
		ok = r->untr == U_END;
		r->untr = U_OFF;
		ok = ok && add_member(r, NULL);
	} else if (r->sp > 0) {
		json_t *v = r->stack[--r->sp];
		r->pending_key = r->stack_key[r->sp];
		json_t *done = build_add(r, v);
		if (done)
			ok = deliver(r, done);
	} else if (r->level == 2) {
		r->level = 1;
		finish_members(r);
	} else if (r->level == 1) {
		r->level = 0;
		r->done = true;
	} else {
		ok = false;
	}
	return ok;
}

static int cb_start_map(void *ctx)
{
	return open_container(ctx, true);
}

static int cb_start_array(void *ctx)
{
	return open_container(ctx, false);
}

static int cb_end(void *ctx)
{
	return close_container(ctx);
}

/* jansson keeps the last of duplicate keys, where the first was: not worth copying. */
static bool duplicate_key(struct ev_yreader *r, const unsigned char *k, size_t n)
{
	for (int i = 0; i < r->nkeys; i++) {
		const char *d = r->keys + r->dkeys[i];
		if (strncmp(d, (const char *)k, n) == 0 && d[n] == '\0')
			return true;
	}
	return false;
}

/* A key of the event object: what its value is for. */
static bool top_key(struct ev_yreader *r, const unsigned char *k, size_t n)
{
	enum top t = eq(k, n, "timestamp")	   ? T_TIMESTAMP
		     : eq(k, n, "type")		   ? T_TYPE
		     : eq(k, n, "id")		   ? T_ID
		     : eq(k, n, "previousEventId") ? T_PREV
						   : T_NONE;
	if (t == T_NONE) {
		if (!r->typed)
			return false; /* from_json reads the type first */
		if (r->out->e.type == EV_UNKNOWN) {
			t = T_EXTRA;
			r->dkey = keys_add(r, (const char *)k, n);
			r->dlen = n;
			if (r->out->extra && json_object_getn(r->out->extra, (const char *)k, n))
				return false;
		} else {
			const struct ev_ytype *ti = r->ti;
			t = ti->details_key && n == ti->details_len &&
				    !memcmp(k, ti->details_key, n)
				? T_DETAILS
				: T_IGNORE;
		}
	}
	if (t != T_EXTRA && t != T_IGNORE) {
		if (r->seen & (1u << t))
			return false;
		r->seen |= 1u << t;
	}
	r->top = t;
	return true;
}

static int cb_map_key(void *ctx, const unsigned char *k, size_t n)
{
	struct ev_yreader *r = ctx;
	if (!string_ok(r, k, n))
		return 0;
	bool ok = true;
	if (r->skip > 0) {
	} else if (r->untr != U_OFF) {
		ok = r->untr == U_KEY && eq(k, n, "truncated");
		r->untr = U_VALUE;
	} else if (r->sp > 0) {
		r->pending_key = xstrndup((const char *)k, n);
	} else if (r->level == 2) {
		ok = !duplicate_key(r, k, n);
		r->dkey = keys_add(r, (const char *)k, n);
		r->dlen = n;
		if (ok && r->nkeys < MEMBERS)
			r->dkeys[r->nkeys++] = r->dkey;
		else
			ok = false;
	} else if (r->level == 1) {
		ok = top_key(r, k, n);
	} else {
		ok = false;
	}
	return ok;
}

static const yajl_callbacks callbacks = {
    .yajl_null = cb_null,
    .yajl_boolean = cb_boolean,
    .yajl_number = cb_number,
    .yajl_string = cb_string,
    .yajl_start_map = cb_start_map,
    .yajl_map_key = cb_map_key,
    .yajl_end_map = cb_end,
    .yajl_start_array = cb_start_array,
    .yajl_end_array = cb_end,
};

/* ---- the reader ---- */

static void *y_malloc(void *ctx, size_t n)
{
	(void)ctx;
	return xmalloc(n);
}

static void *y_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	return xrealloc(p, n);
}

static void y_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

/* yajl 2 has no reset: after a read that gave up, the handle is made afresh. Its memory comes
 * from xmalloc, which aborts on exhaustion as everywhere else. */
static void handle_new(struct ev_yreader *r)
{
	static yajl_alloc_funcs funcs = {y_malloc, y_realloc, y_free, NULL};
	r->h = yajl_alloc(&callbacks, &funcs, r);
	/* One handle reads event after event: each is a complete value. */
	yajl_config(r->h, yajl_allow_multiple_values, 1);
}

struct ev_yreader *ev_yreader_new(void)
{
	struct ev_yreader *r = xcalloc(1, sizeof(*r));
	ev_ytables_init(&r->tab);
	handle_new(r);
	return r;
}

void ev_yreader_free(struct ev_yreader *r)
{
	if (!r)
		return;
	yajl_free(r->h);
	free(r->keys);
	free(r);
}

static void reset(struct ev_yreader *r, const char *text, size_t len, struct ev_yraw *raw)
{
	r->text = text;
	r->len = len;
	r->out = raw;
	r->level = 0;
	r->done = r->typed = r->payload_string = false;
	r->seen = 0;
	r->top = T_NONE;
	r->ti = &r->tab.types[EV_UNKNOWN];
	r->high = ev_yhas_high((const unsigned char *)text, len);
	r->surrogates = -1;
	r->nmembers = r->nkeys = 0;
	r->keys_len = 0;
	r->untr = U_OFF;
	r->skip = 0;
	memset(raw, 0, sizeof(*raw));
	raw->e.item = -1;
}

/* Drops everything of a read that gave up; the handle starts afresh. */
static bool give_up(struct ev_yreader *r)
{
	build_clear(r);
	for (int i = 0; i < r->nmembers; i++)
		json_decref(r->members[i].v);
	r->nmembers = 0;
	ev_yraw_fini(r->out);
	yajl_free(r->h);
	handle_new(r);
	return false;
}

bool ev_yread(struct ev_yreader *r, const char *text, size_t len, struct ev_yraw *raw)
{
	reset(r, text, len, raw);
	if (len == 0 || text[0] != '{')
		return give_up(r);
	yajl_status st = yajl_parse(r->h, (const unsigned char *)text, len);
	if (st != yajl_status_ok || !r->done || yajl_get_bytes_consumed(r->h) != len || !r->typed ||
	    !(r->seen & (1u << T_ID)))
		return give_up(r);
	return true;
}
