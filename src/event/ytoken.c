/*
 * The token rules and lookup tables of the yajl event reader (yread.c): what jansson would
 * refuse or read differently, timestamps, type names and typed members, and turning a read
 * record into a log record.
 */
#include "internal.h"

#include <string.h>

/* Strict UTF-8 as jansson checks it: no overlong forms, surrogates or values past U+10FFFF. */
bool ev_yutf8_strict(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		int k;
		unsigned v;
		if (c >= 0xC2 && c <= 0xDF)
			k = 1, v = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			k = 2, v = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			k = 3, v = c & 0x07;
		else
			return false;
		if (i + (size_t)k >= n)
			return false;
		for (int j = 1; j <= k; j++) {
			if ((s[i + (size_t)j] & 0xC0) != 0x80)
				return false;
			v = v << 6 | (s[i + (size_t)j] & 0x3F);
		}
		if ((k == 2 && v < 0x800) || (k == 3 && (v < 0x10000 || v > 0x10FFFF)) ||
		    (v >= 0xD800 && v <= 0xDFFF))
			return false;
		i += (size_t)k + 1;
	}
	return true;
}

bool ev_yhas_high(const unsigned char *s, size_t n)
{
	uint64_t acc = 0, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= s[i];
	return acc & 0x8080808080808080u;
}

/* A plain integer of at most 18 digits (json_int_t holds it whatever its digits). */
bool ev_yinteger(const char *s, size_t n, int64_t *out)
{
	size_t i = s[0] == '-';
	size_t digits = n - i;
	if (digits == 0 || digits > 18 || (s[i] == '0' && digits > 1))
		return false;
	int64_t v = 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = s[0] == '-' ? -v : v;
	return true;
}

/* The field a details member's string value goes to (read_typed in json.c), or -1. */
int ev_ytyped_field(const struct ev_ytype *ti, const unsigned char *k, size_t n)
{
	switch (n) {
	case 4:
		return ti->has_name && !memcmp(k, "name", 4) ? EV_YF_STATE : -1;
	case 5:
		if (!memcmp(k, "state", 5))
			return ti->evaluation ? EV_YF_STATE : -1;
		if (!memcmp(k, "error", 5))
			return EV_YF_ERROR;
		return !memcmp(k, "cause", 5) ? EV_YF_CAUSE : -1;
	case 8:
		return !memcmp(k, "resource", 8) ? EV_YF_RESOURCE : -1;
	case 12:
		return !memcmp(k, "resourceType", 12) ? EV_YF_RTYPE : -1;
	default:
		return -1;
	}
}

static size_t name_hash(const unsigned char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 16777619u;
	return h & (EV_YNAME_SLOTS - 1);
}

/* ev_type_from_name without a copy or a linear search. */
enum ev_type ev_ytype_of(const struct ev_ytables *r, const unsigned char *s, size_t n)
{
	for (size_t i = name_hash(s, n); r->names[i].name; i = (i + 1) & (EV_YNAME_SLOTS - 1))
		if (r->names[i].len == n && !memcmp(r->names[i].name, s, n))
			return (enum ev_type)r->names[i].type;
	return EV_UNKNOWN;
}

static bool two_digits(const unsigned char *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

/*
 * time_parse(TIME_LENIENT) for the usual shape, HH:MM:SS, a fraction, then Z or +00:00, after
 * the date of the last timestamp (the events of a history share it): the same checks and sums
 * without parsing the date again. False when the text has another shape.
 */
static bool quick_time(const struct ev_ydays *r, const unsigned char *s, size_t n, int64_t *ms)
{
	int h, mi, sec;
	if (!r->ok || n < 20 || memcmp(s, r->text, 11) != 0 || !two_digits(s + 11, &h) ||
	    s[13] != ':' || !two_digits(s + 14, &mi) || s[16] != ':' || !two_digits(s + 17, &sec) ||
	    h > 23 || mi > 59 || sec > 60)
		return false;
	size_t i = 19;
	int32_t nsec = 0;
	if (s[i] == '.' || s[i] == ',') {
		int digits = 0;
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
			if (digits < 9)
				nsec = nsec * 10 + (s[i] - '0');
		if (digits == 0)
			return false;
		for (; digits < 9; digits++)
			nsec *= 10;
	}
	bool utc = (n - i == 1 && (s[i] == 'Z' || s[i] == 'z')) ||
		   (n - i == 6 && memcmp(s + i, "+00:00", 6) == 0);
	if (!utc)
		return false;
	*ms = (r->day * 86400 + h * 3600 + mi * 60 + sec) * 1000 + nsec / 1000000;
	return ev_epoch_ms_ok(*ms); /* a leap second ending 9999 is past it */
}

/* A timestamp string's epoch milliseconds, as ev_time_parse reads it: 1, or 0 when it is not
 * a usable time, or -1 when it is too long to copy here (jansson decides). */
int ev_ytime(struct ev_ydays *r, const unsigned char *s, size_t n, int64_t *ms)
{
	if (quick_time(r, s, n, ms))
		return 1;
	char buf[64];
	struct instant t;
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!time_parse(buf, TIME_LENIENT, &t) || !ev_epoch_ms_ok(instant_ms(t)))
		return 0;
	*ms = instant_ms(t);
	/* Accepted, so it starts with a valid date YYYY-MM-DD and a separator. */
	int c, y, mo, d;
	if (n >= 20 && two_digits(s, &c) && two_digits(s + 2, &y) && two_digits(s + 5, &mo) &&
	    two_digits(s + 8, &d)) {
		memcpy(r->text, s, 11);
		r->day = time_days_from_civil(c * 100 + y, mo, d);
		r->ok = true;
	}
	return 1;
}

/* The reader's own tables. The lookup tables of ev_details_key and json.c's members_of fill
 * on first use, which happens here: readers on other threads never write to them. */
void ev_ytables_init(struct ev_ytables *r)
{
	for (int t = 0; t < EV_UNKNOWN; t++) {
		const char *name = ev_type_name((enum ev_type)t);
		size_t n = strlen(name), i = name_hash((const unsigned char *)name, n);
		while (r->names[i].name)
			i = (i + 1) & (EV_YNAME_SLOTS - 1);
		r->names[i].name = name;
		r->names[i].len = n;
		r->names[i].type = t;
		const char *key = ev_details_key((enum ev_type)t);
		struct ev_ytype *ti = &r->types[t];
		if (!key)
			continue;
		ti->details_key = key;
		ti->details_len = strlen(key);
		ti->pk = ev_json_payload_key(key);
		ti->pk_len = ti->pk ? strlen(ti->pk) : 0;
		ti->has_name = ev_json_has_member(key, "name");
		ti->has_index = ev_json_has_member(key, "index");
		ti->evaluation = strcmp(key, "evaluationFailedEventDetails") == 0;
	}
}

void ev_yraw_fini(struct ev_yraw *raw)
{
	json_decref(raw->e.payload);
	json_decref(raw->extra);
	for (int i = 0; i < raw->nstr; i++)
		if (raw->str[i].owned)
			free((char *)raw->str[i].s);
	raw->e.payload = raw->extra = NULL;
	raw->nstr = 0;
}

void ev_yraw_finish(struct ev_log *log, struct ev_yraw *raw, struct ev *out,
		    struct ev_json_info *info)
{
	struct ev e = raw->e;
	struct ev_detail d = {.extra = raw->extra};
	ev_json_set_ids(&e, &raw->info);
	for (int i = 0; i < raw->nstr; i++) {
		ev_str_t id = ev_log_intern_n(log, raw->str[i].s, raw->str[i].len);
		switch ((enum ev_yfield)raw->str[i].field) {
		case EV_YF_RAW_TYPE:
			d.raw_type = id;
			break;
		case EV_YF_STATE:
			e.state = id;
			break;
		case EV_YF_ERROR:
			d.error = id;
			break;
		case EV_YF_CAUSE:
			d.cause = id;
			break;
		case EV_YF_RTYPE:
			d.resource_type = id;
			break;
		case EV_YF_RESOURCE:
			d.resource = id;
			break;
		}
		if (raw->str[i].owned)
			free((char *)raw->str[i].s);
	}
	e.detail = ev_log_detail(log, &d);
	json_decref(raw->extra); /* the log holds its own */
	*out = e;
	*info = raw->info;
	info->payload_text = json_is_string(e.payload);
	raw->e.payload = raw->extra = NULL;
	raw->nstr = 0;
}
