/* event module internals shared by json.c, log.c and payload.c. */
#ifndef STEPSCOPE_EVENT_INTERNAL_H
#define STEPSCOPE_EVENT_INTERNAL_H

#include "event.h"

/*
 * A made record's payload field names its recipe (log.c), as (offset in the log's recipes) * 2
 * + 1: a json_t is at least 4-byte aligned, so an odd value is never a payload, and the field
 * stays non-NULL ("has one") as readers test it. Never dereference one: ev_payload makes it.
 * This replaced a list of (record, offset) pairs searched by bisection: 8 bytes per made
 * record (2.4 MB at 100,000 items) and the copies of its growth.
 */
_Static_assert(_Alignof(json_t) >= 2, "an odd payload field must not be a json_t");
static inline json_t *ev_recipe_ref(size_t at)
{
	return (json_t *)(uintptr_t)(at * 2 + 1);
}
static inline bool ev_is_recipe_ref(const json_t *p)
{
	return (uintptr_t)p & 1;
}
static inline size_t ev_recipe_at(const json_t *p)
{
	return (uintptr_t)p >> 1;
}

/* The member of `extra` that marks a payload kept as text because it is not valid JSON. */
#define EV_RAW_MARK "x-stepscope-raw"

/*
 * True only when jansson surely parses `text` (borrowed, valid UTF-8, len bytes) with
 * JSON_DECODE_ANY | JSON_ALLOW_NUL; false when it is invalid or merely unusual (payload.c).
 */
bool ev_json_text_ok(const char *text, size_t len);

/* Which payload member (input, output, parameters) a details object of that key carries, or
 * NULL; whether `member` is one of its botocore members (json.c). Keys from ev_details_key. */
const char *ev_json_payload_key(const char *details_key);
bool ev_json_has_member(const char *details_key, const char *member);
/* e->prev from the recorded info->prev when it fits the record, else 0 (json.c; both readers
 * end with it, so their records are the same). */
void ev_json_set_ids(struct ev *e, const struct ev_json_info *info);

/* ---- the yajl event reader's token rules and tables (ytoken.c, used by yread.c) ---- */

/* Which ev_str_t field of a record (state) or of its struct ev_detail a read string goes to. */
enum ev_yfield {
	EV_YF_RAW_TYPE,
	EV_YF_STATE,
	EV_YF_ERROR,
	EV_YF_CAUSE,
	EV_YF_RTYPE,
	EV_YF_RESOURCE
};

/* What ev_from_json reads of a type's details. */
struct ev_ytype {
	const char *details_key, *pk; /* pk: the payload member or NULL */
	size_t details_len, pk_len;
	bool has_name, has_index, evaluation;
};

/* Type names by hash (open addressing; 62 names in 128 slots) and each type's facts. */
#define EV_YNAME_SLOTS 128
struct ev_ytables {
	struct ev_ytype types[EV_TYPE_COUNT];
	struct {
		const char *name;
		size_t len;
		int type;
	} names[EV_YNAME_SLOTS];
};

/* The date part (up to the T) of the last timestamp time_parse accepted, and its day. */
struct ev_ydays {
	char text[11];
	int64_t day;
	bool ok;
};

/* Fills t (also the lookup tables of ev_details_key and json.c's members_of, which fill on
 * first use: readers on other threads then only read them). */
void ev_ytables_init(struct ev_ytables *t);
/* ev_type_from_name for s[0..n) (borrowed). */
enum ev_type ev_ytype_of(const struct ev_ytables *t, const unsigned char *s, size_t n);
/* The field a details member k[0..n) with a string value goes to (read_typed), or -1. */
int ev_ytyped_field(const struct ev_ytype *ti, const unsigned char *k, size_t n);
/* Strict UTF-8 as jansson checks it (no overlong forms, surrogates, beyond U+10FFFF). */
bool ev_yutf8_strict(const unsigned char *s, size_t n);
/* True when some byte of s[0..n) is >= 0x80. */
bool ev_yhas_high(const unsigned char *s, size_t n);
/* A plain integer of at most 18 digits into *out; false for anything else. */
bool ev_yinteger(const char *s, size_t n, int64_t *out);
/* A timestamp string's epoch milliseconds as ev_time_parse reads it: 1, or 0 when it is not a
 * usable time, or -1 when the reader should leave the event to jansson. c: the reader's cache. */
int ev_ytime(struct ev_ydays *c, const unsigned char *s, size_t n, int64_t *ms);

#endif
