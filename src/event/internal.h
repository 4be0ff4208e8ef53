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

/* True when e (a record of log) holds its payload as unparsed text or a recipe (log.c). */
bool ev_payload_is_lazy(const struct ev_log *log, const struct ev *e);

#endif
