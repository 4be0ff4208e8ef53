/* event module internals shared by json.c, log.c and payload.c. */
#ifndef STEPSCOPE_EVENT_INTERNAL_H
#define STEPSCOPE_EVENT_INTERNAL_H

#include "event.h"

/* The member of `extra` that marks a payload kept as text because it is not valid JSON. */
#define EV_RAW_MARK "x-stepscope-raw"

/*
 * True only when jansson surely parses `text` (borrowed, valid UTF-8, len bytes) with
 * JSON_DECODE_ANY | JSON_ALLOW_NUL; false when it is invalid or merely unusual (payload.c).
 */
bool ev_json_text_ok(const char *text, size_t len);

/* True when e (a record of log) holds its payload as unparsed text (log.c). */
bool ev_payload_is_text(const struct ev_log *log, const struct ev *e);

/* Which payload member (input, output, parameters) a details object of that key carries, or
 * NULL; whether `member` is one of its botocore members (json.c). Keys from ev_details_key. */
const char *ev_json_payload_key(const char *details_key);
bool ev_json_has_member(const char *details_key, const char *member);

#endif
