/*
 * event — the event log: the one stream every producer (simulation, history import) appends
 * to and every consumer (timeline, views, exports) reads.
 *
 * Owns: the event record (AWS history event types, ids, causal previousEventId, details),
 * the append-only log with interned strings, and the log's one-line text form.
 *
 * Records are compact: the common detail fields are typed; payloads are shared jansson values
 * (reference counted, never copied, serialized only when exported or shown; an imported one
 * stays text until ev_payload first reads it); the rare fields (error, cause, resource, and
 * one optional JSON object of all the others) live in a detail set interned in the log.
 * Appending never moves earlier records, so a reader may keep `const struct ev *` pointers
 * while a producer appends. Time is milliseconds since the execution started.
 */
#ifndef STEPSCOPE_EVENT_H
#define STEPSCOPE_EVENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/base.h"

/* All 62 AWS history event types (botocore stepfunctions 2016-11-23), then EV_UNKNOWN. */
#define EV_TYPES(X)                                                                        \
	X(ActivityFailed)                                                                  \
	X(ActivityScheduled)                                                               \
	X(ActivityScheduleFailed)                                                          \
	X(ActivityStarted)                                                                 \
	X(ActivitySucceeded)                                                               \
	X(ActivityTimedOut)                                                                \
	X(ChoiceStateEntered)                                                              \
	X(ChoiceStateExited)                                                               \
	X(ExecutionAborted)                                                                \
	X(ExecutionFailed)                                                                 \
	X(ExecutionStarted)                                                                \
	X(ExecutionSucceeded)                                                              \
	X(ExecutionTimedOut)                                                               \
	X(FailStateEntered)                                                                \
	X(LambdaFunctionFailed)                                                            \
	X(LambdaFunctionScheduled)                                                         \
	X(LambdaFunctionScheduleFailed)                                                    \
	X(LambdaFunctionStarted)                                                           \
	X(LambdaFunctionStartFailed)                                                       \
	X(LambdaFunctionSucceeded)                                                         \
	X(LambdaFunctionTimedOut)                                                          \
	X(MapIterationAborted)                                                             \
	X(MapIterationFailed)                                                              \
	X(MapIterationStarted)                                                             \
	X(MapIterationSucceeded)                                                           \
	X(MapStateAborted)                                                                 \
	X(MapStateEntered)                                                                 \
	X(MapStateExited)                                                                  \
	X(MapStateFailed)                                                                  \
	X(MapStateStarted)                                                                 \
	X(MapStateSucceeded)                                                               \
	X(ParallelStateAborted)                                                            \
	X(ParallelStateEntered)                                                            \
	X(ParallelStateExited)                                                             \
	X(ParallelStateFailed)                                                             \
	X(ParallelStateStarted)                                                            \
	X(ParallelStateSucceeded)                                                          \
	X(PassStateEntered)                                                                \
	X(PassStateExited)                                                                 \
	X(SucceedStateEntered)                                                             \
	X(SucceedStateExited)                                                              \
	X(TaskFailed)                                                                      \
	X(TaskScheduled)                                                                   \
	X(TaskStarted)                                                                     \
	X(TaskStartFailed)                                                                 \
	X(TaskStateAborted)                                                                \
	X(TaskStateEntered)                                                                \
	X(TaskStateExited)                                                                 \
	X(TaskSubmitFailed)                                                                \
	X(TaskSubmitted)                                                                   \
	X(TaskSucceeded)                                                                   \
	X(TaskTimedOut)                                                                    \
	X(WaitStateAborted)                                                                \
	X(WaitStateEntered)                                                                \
	X(WaitStateExited)                                                                 \
	X(MapRunAborted)                                                                   \
	X(MapRunFailed)                                                                    \
	X(MapRunStarted)                                                                   \
	X(MapRunSucceeded)                                                                 \
	X(ExecutionRedriven)                                                               \
	X(MapRunRedriven)                                                                  \
	X(EvaluationFailed)

enum ev_type {
#define EV_ENUM(name) EV_##name,
	EV_TYPES(EV_ENUM)
#undef EV_ENUM
	    EV_UNKNOWN,
	EV_TYPE_COUNT
};

/* The AWS spelling; "Unknown" for EV_UNKNOWN. */
const char *ev_type_name(enum ev_type type);
/* EV_UNKNOWN when the name is not one of the 62. */
enum ev_type ev_type_from_name(const char *name);
/* The AWS details member for a type, e.g. "taskScheduledEventDetails"; NULL when it has none. */
const char *ev_details_key(enum ev_type type);

/* A string interned in the log; 0 is "absent". */
typedef uint32_t ev_str_t;

/*
 * The rare details of an event, kept once per log (see ev_log_detail): only failure events,
 * Task/Lambda events, EV_UNKNOWN ones and those with other AWS details have any, and a
 * simulation's are mostly alike (every Task event of a state has the same resource and the
 * same shared timeouts object), so a record names its set by a small id instead of carrying
 * five strings and a pointer. Plain data; all 0 (NULL) when absent.
 *  - error/cause: failure events;
 *  - resource_type/resource: Task* events (lambda / invoke), LambdaFunctionScheduled resource;
 *  - raw_type: EV_UNKNOWN: the type name as recorded;
 *  - extra: every other detail field, AWS names (region, timeoutInSeconds, length, roleArn,
 *    mapRunArn, assignedVariables, truncated flags...), NULL when none. Sets are told apart
 *    by this pointer, not by its contents: a producer that shares one value among its events
 *    (the simulator's per-state details) shares one set, one made per event (an import) gets
 *    a set of its own (32 bytes and a hash slot or two beside the value itself). Do not
 *    modify a value once it is in a set.
 */
struct ev_detail {
	ev_str_t error, cause;
	ev_str_t resource_type, resource;
	ev_str_t raw_type;
	json_t *extra; /* borrowed: the log holds one reference per set (ev_log_detail) */
};

/*
 * One history event. Which fields are set depends on the type (aws-facts a.4):
 *  - state: the state the event belongs to (state events: the state's name; MapIteration*:
 *    the Map's name; Task/Lambda events: the Task state's name, known to the producer);
 *  - item: the Map iteration index the event happened in (innermost), -1 outside any Map;
 *    for MapIteration* events, details.index;
 *  - detail: the event's struct ev_detail (error, cause, resource, the other AWS details in
 *    `extra`...), interned in its log (ev_log_detail; read it with ev_detail, ev_extra...), 0
 *    when all its fields are absent. Like a string id it means something in the log it was
 *    interned in only: a producer that copies a record to another log interns the detail
 *    there again (the log then takes its own reference to the extra);
 *  - payload: input (Entered, ExecutionStarted, LambdaFunctionScheduled), output (Exited,
 *    Succeeded), parameters (TaskScheduled); NULL when absent (e.g. history without data).
 *    Read it with ev_payload, never directly: an imported record may hold its text, a
 *    simulated one where its recipe is (ev_log_append_made), which is not a pointer at all.
 *    Testing it against NULL ("has one") is fine.
 */
struct ev {
	enum ev_type type : 8;
	/* Since execution start (virtual time may span years): at most +-EV_T_MAX. */
	int64_t t_ms : 56;
	int32_t prev; /* previousEventId; 0 = none */
	int32_t item;
	ev_str_t state;
	uint32_t detail; /* interned struct ev_detail; 0 = none */
	json_t *payload; /* one reference owned by the log */
};
/* 32 bytes, two to a cache line: a 100,000-item simulation keeps 1.1M records, so every byte
 * here is 1 MB of memory to fault in, zero and unmap (about 0.25-0.4 ms per MB on a VM). The
 * five rare strings (20 bytes a record) and the pointer to the other details (8 bytes, NULL in
 * most records) went to the log's detail table for it; the id is not stored, since ids are
 * dense (record i has id i + 1: whoever holds a record got it by its id and passes the id
 * beside it); the type takes the low byte of the time's word (56 bits of milliseconds are
 * +-1.1 million years, EV_T_MAX; below the time, setting it is a shift and an or, reading it
 * one shift). ids are int32_t for it too: see EV_ID_MAX. 32-bit systems have smaller
 * pointers, hence the second case. */
_Static_assert(sizeof(struct ev) == 32 || sizeof(void *) < 8, "struct ev must stay 32 bytes");
_Static_assert(EV_TYPE_COUNT <= 128, "enum ev_type must fit struct ev's 8-bit type");
/* The largest |t_ms| a record holds (2^55 - 1 ms). Producers keep their times within it
 * (a bit-field would wrap silently): the history import refuses timestamps further apart, the
 * simulator ends an execution by its timeout long before (sim_new). Readers take t_ms into an
 * int64_t before any arithmetic: GCC computes with a bit-field's own 56 bits (a - b of two
 * records' times, or t_ms * 1000, would wrap there). */
#define EV_T_MAX (((int64_t)1 << 55) - 1)

/*
 * Extra keys (ev_extra) that start with this prefix are stepscope's own annotations (e.g. a
 * simulated Lambda cold start); exports never write them, since AWS histories do not have them.
 */
#define EV_PRIVATE_PREFIX "x-stepscope-"
/* The init duration (ms, a number) of a simulated cold start, on TaskStarted or
 * LambdaFunctionStarted. */
#define EV_KEY_COLD_START "x-stepscope-initMs"

struct ev_log;

/* An empty log; owned by the caller (ev_log_free). */
struct ev_log *ev_log_new(void);
void ev_log_free(struct ev_log *log);

/* Interns a string (copied); NULL or "" give 0. */
ev_str_t ev_log_intern(struct ev_log *log, const char *s);
/* The same for s[0..len) (borrowed, no NUL byte inside, need not be NUL-terminated). */
ev_str_t ev_log_intern_n(struct ev_log *log, const char *s, size_t len);
/* The interned string, or NULL for 0. Borrowed, lives as long as the log. */
const char *ev_log_str(const struct ev_log *log, ev_str_t s);

/* Interns a detail set (borrowed; its strings interned in this log): equal sets (the same
 * strings and the same extra pointer) get one id; all fields 0 gives 0. Ids are dense from 1
 * and never change. A new set's extra gets one reference owned by the log (the caller keeps
 * its own): so a shared extra costs nothing per event, and its pointer is never reused for
 * another value while the log lives. */
uint32_t ev_log_detail(struct ev_log *log, const struct ev_detail *d);
/* The detail set of e (a record of log, a copy of one, or one made by the caller with an id
 * from ev_log_detail on this log), by value: all 0 when e->detail is 0 or at or past the
 * log's count of sets (an id of another log below that count reads another set, as string ids
 * do). */
struct ev_detail ev_detail(const struct ev_log *log, const struct ev *e);
/* One field of e's detail set, for readers: a string id of log, 0 when absent. */
static inline ev_str_t ev_error(const struct ev_log *log, const struct ev *e)
{
	return e->detail ? ev_detail(log, e).error : 0;
}
static inline ev_str_t ev_cause(const struct ev_log *log, const struct ev *e)
{
	return e->detail ? ev_detail(log, e).cause : 0;
}
static inline ev_str_t ev_resource_type(const struct ev_log *log, const struct ev *e)
{
	return e->detail ? ev_detail(log, e).resource_type : 0;
}
static inline ev_str_t ev_resource(const struct ev_log *log, const struct ev *e)
{
	return e->detail ? ev_detail(log, e).resource : 0;
}
static inline ev_str_t ev_raw_type(const struct ev_log *log, const struct ev *e)
{
	return e->detail ? ev_detail(log, e).raw_type : 0;
}
/* e's other AWS details (see struct ev_detail), NULL when none. Borrowed: lives as long as the
 * log; do not modify it. */
static inline json_t *ev_extra(const struct ev_log *log, const struct ev *e)
{
	return e->detail ? ev_detail(log, e).extra : NULL;
}
/* The number of detail sets interned, plus one (id 0): for tests and measurements. */
size_t ev_log_detail_count(const struct ev_log *log);

/*
 * The most events a log holds (ids are int32_t, to keep records small). Appending past it
 * is a fatal error, like running out of memory (one line on stderr, abort): the records alone
 * would take 80 GiB, so no real run or history gets there, and a wrapped id would corrupt
 * every causal link silently. The history import refuses a larger history with an error first.
 */
#define EV_ID_MAX INT32_MAX

/*
 * Appends an event and returns its id (count + 1: records hold no id, see struct ev). The log
 * takes the reference held in e->payload (the caller must not decref it). Fatal past EV_ID_MAX.
 */
int64_t ev_log_append(struct ev_log *log, const struct ev *e);
/*
 * As ev_log_append, but a string e->payload is the payload's JSON text, already checked (by
 * ev_from_json_lazy): it is parsed on first ev_payload (an export normalises it as any payload).
 */
int64_t ev_log_append_text(struct ev_log *log, const struct ev *e);

/*
 * A payload kept as a recipe: a producer that appends many payloads alike but for a few values
 * (the simulated lambda:invoke envelope: its Date and request id) keeps those few bytes per
 * event, and a maker writes the payload's JSON text from them when a reader first asks
 * (ev_payload). Exports, views and the text form see the payload as if it had been appended
 * whole.
 */
struct ev_maker {
	/* Appends the payload's JSON text for `recipe` (borrowed, recipe_len bytes, unaligned)
	 * to sb: text jansson accepts (JSON_DECODE_ANY), the same for the same bytes always.
	 * NULL when `make` builds the value instead. */
	void (*write)(const void *recipe, struct strbuf *sb);
	/* Or the payload itself (a new reference, the same value for the same bytes always):
	 * for a value whose text jansson could not read back (nested past its 2,048 levels). */
	json_t *(*make)(const void *recipe);
	size_t recipe_len; /* 1 .. EV_RECIPE_MAX bytes */
	/* Optional (NULL: the recipe is plain bytes). A recipe may hold references (a jansson
	 * value it re-expands from): the log takes them on append and drops them by calling
	 * release once per appended recipe, when the log is freed or, for a recipe stored once
	 * with the one before it or a named one (ev_log_append_made, _made_like), at once. */
	void (*release)(const void *recipe);
};
#define EV_RECIPE_MAX 64
/* A log takes recipes from at most this many makers. */
#define EV_MAKERS_MAX 8

/*
 * As ev_log_append, but the payload is made from `recipe` (copied) by `maker` (borrowed: it
 * must outlive the log, e.g. a static const) on first ev_payload; e->payload must be NULL.
 * The record's own payload field then says where the recipe is kept: not NULL ("has one"),
 * and not a json_t (never dereference it; a copy of the record is read in this log only).
 * A recipe equal to the one appended just before it (the same maker) is stored once.
 * With maker->release, the log takes the references the recipe holds (see struct ev_maker).
 */
int64_t ev_log_append_made(struct ev_log *log, const struct ev *e, const struct ev_maker *maker,
			   const void *recipe);
/*
 * As ev_log_append_made, and a recipe equal to record `like`'s (an id of this log; 0 or any id
 * without a recipe: none) is stored once too: a producer that knows which earlier record was
 * made alike names it (the simulator's Task Succeeded and Exited events share an envelope,
 * with other iterations' records between them).
 */
int64_t ev_log_append_made_like(struct ev_log *log, const struct ev *e,
				const struct ev_maker *maker, const void *recipe, int64_t like);
size_t ev_log_count(const struct ev_log *log);

/*
 * The parsed payload of e (record `id` of log, a copy of it, or any record made by the caller,
 * id 0; a copy of a made record read under another id reads json_null(); a copy of another
 * log's record names that log's recipe: copy its value with ev_payload_new(other, e, id)
 * instead), NULL when it has none. Borrowed: lives as long as the log; do not modify it. A
 * payload appended as text or as a recipe is parsed (made) on first call and cached in the log,
 * so this writes to a const log: not for use from several threads at once.
 */
json_t *ev_payload(const struct ev_log *log, const struct ev *e, int64_t id);
/*
 * As ev_payload, but a new reference (owned by the caller: json_decref it), and a lazy
 * payload not parsed yet is parsed for this call only, not cached: one pass over a whole log
 * (an export) then holds one parsed payload at a time, not all of them.
 */
json_t *ev_payload_new(const struct ev_log *log, const struct ev *e, int64_t id);
/* The JSON text e's payload (record `id`'s) was appended as (an imported record's,
 * ev_log_append_text), as it was recorded; NULL for any other payload. Borrowed: lives as long
 * as the log. */
const char *ev_payload_text(const struct ev_log *log, const struct ev *e, int64_t id);
/* The event with that 1-based id, or NULL. Stable for the log's lifetime. */
const struct ev *ev_log_get(const struct ev_log *log, int64_t id);

/* Execution-level facts kept beside the events (all optional). Strings are interned. */
struct ev_log_meta {
	int64_t start_epoch_ms;	 /* wall-clock start, for exporting timestamps */
	bool synthetic_time;	 /* times are order-based, not real */
	ev_str_t execution_name; /* e.g. "stepscope-1" */
	ev_str_t state_machine_name;
};
struct ev_log_meta *ev_log_meta(struct ev_log *log);
const struct ev_log_meta *ev_log_meta_const(const struct ev_log *log);

/*
 * The one-line text form, DESIGN.md: `[   2.013] 7 <- 5 TaskScheduled LambdaInvoke #0`
 * (seconds with milliseconds, id, previous id, type, state, `#item` when inside a Map; an
 * error as ` error=NAME` on failure events) of e, record `id`. Appended to sb.
 */
void ev_format_line(const struct ev_log *log, const struct ev *e, int64_t id, struct strbuf *sb);
/* Every event, one line each. */
void ev_log_write_text(const struct ev_log *log, FILE *out);

/*
 * The playback seam (DESIGN.md): what a producer of a log offers its readers. A simulation
 * advances on demand (a live run); a replay is complete from the start. The TUI reads the log
 * through this and never knows which producer it has.
 */
struct ev_producer_ops {
	/* Makes the producer append every event with time <= t_ms (it may append a few more
	 * at the same instant). Returns false on an internal error. */
	bool (*advance_to)(void *self, int64_t t_ms);
	/* Appends at least one more event unless finished; false when nothing was appended. */
	bool (*step)(void *self);
	/* True once the execution has ended and every event is in the log. */
	bool (*finished)(const void *self);
	/* A short description for headers: "seed 1, config.yaml" or "replay of h.json". */
	const char *(*describe)(const void *self);
};

struct ev_producer {
	const struct ev_producer_ops *ops;
	void *self;	    /* borrowed */
	struct ev_log *log; /* borrowed: where the producer appends */
};

/* ---- JSON codec of one event (src/event/json.c) ----------------------------------------
 * One `struct ev` <-> one AWS HistoryEvent object as `aws stepfunctions
 * get-execution-history --output json` prints it (aws-facts a.2-a.4). Typed fields map to the
 * details members (name/state -> state, index -> item, error, cause, resourceType, resource,
 * input|output|parameters -> payload); every other details member is kept in the detail set's
 * `extra` (one new object, so one new set, per event that has any; read it with ev_extra) and
 * merged back in botocore member order on output. `inputDetails`/`outputDetails` equal to
 * {"truncated": false} are not stored (they are regenerated beside a payload); any other value
 * is kept in extra. A payload string that is not valid JSON is kept as a JSON string with
 * extra["x-stepscope-raw"] = true so it is written back verbatim. For an EV_UNKNOWN event
 * extra holds every top-level member other than timestamp/type/id/previousEventId.
 */

/* Epoch milliseconds from a history timestamp: an ISO 8601 string (`Z` or +-hh:mm, 0-9
 * fraction digits, AWS CLI v2) or a number of epoch seconds (CLI v1, wire) from
 * EV_MIN_EPOCH_S to EV_MAX_EPOCH_S: the years 0000 to 9999 that RFC 3339 (and so an exported
 * history, ev_time_format) can write. False when the value is none of those (e.g. the
 * scrubbed placeholder "timestamp"). */
#define EV_MIN_EPOCH_S (-62167219200LL) /* 0000-01-01T00:00:00Z */
#define EV_MAX_EPOCH_S 253402300799LL	/* 9999-12-31T23:59:59Z */
/* So any two history times lie within a record's +-EV_T_MAX ms of each other. */
_Static_assert((EV_MAX_EPOCH_S - EV_MIN_EPOCH_S + 1) * 1000 <= EV_T_MAX,
	       "the timestamp range must fit a record's time");
/* Whether epoch milliseconds lie in those years (a written offset or fraction may take a time
 * past them: "9999-12-31T23:59:59-01:00"). */
static inline bool ev_epoch_ms_ok(int64_t ms)
{
	return ms >= EV_MIN_EPOCH_S * 1000 && ms < (EV_MAX_EPOCH_S + 1) * 1000;
}
bool ev_time_parse(const json_t *value, int64_t *epoch_ms);
/* As AWS CLI v2 prints it in UTC: "2024-05-14T10:15:01.512000+00:00", no fraction when the
 * milliseconds are zero. buf receives at most 40 bytes. */
void ev_time_format(int64_t epoch_ms, char buf[40]);

/* What ev_from_json read besides the record itself. */
struct ev_json_info {
	int64_t epoch_ms; /* valid when has_time */
	/* id and previousEventId as recorded (prev 0 when absent or null), whatever their size:
	 * a history may carry any JSON integer there, and the import warns with them and orders by
	 * them before it renumbers (src/history/import.c). */
	int64_t id, prev;
	bool has_time;	   /* the timestamp parsed */
	bool payload_text; /* ev_from_json_lazy kept the payload as text: use ev_log_append_text */
};

/*
 * Reads one HistoryEvent object (borrowed) into *out (t_ms 0; item -1 unless MapIteration*;
 * prev as recorded when it fits an int32_t, else 0; the recorded id and previousEventId are
 * always in info->id and info->prev: a record holds no id). Strings and the detail set are
 * interned in log (a set made for an event that is then dropped stays there, unused, until
 * the log is freed); out->payload is a reference owned by the caller. Problems are reported
 * at `file` + JSON pointer `pointer` (both borrowed, may be NULL): a missing/invalid type or id
 * is an error (returns false, *out untouched); an unparsable payload
 * or odd member is a warning.
 */
bool ev_from_json(struct ev_log *log, const json_t *obj, struct ev *out, struct ev_json_info *info,
		  struct diags *diags, const char *file, const char *pointer);
/*
 * As ev_from_json, but a payload that is surely valid JSON is kept unparsed: out->payload is
 * then the payload member's string itself (a new reference) and info->payload_text is set.
 * Invalid payloads are warned about and kept raw exactly as by ev_from_json.
 */
bool ev_from_json_lazy(struct ev_log *log, const json_t *obj, struct ev *out,
		       struct ev_json_info *info, struct diags *diags, const char *file,
		       const char *pointer);
/* ---- fast reading of one event's text with yajl's SAX parser (src/event/yread.c) ------
 * The history import's hot path. It fills a record straight from the text, with no jansson
 * tree, for the events it is sure of; for anything else (a syntax error, a number or an escape
 * jansson could read differently or refuse, duplicate keys, odd shapes, anything that would
 * warn) it gives up and the caller reads that event with jansson and ev_from_json_lazy, so the
 * result, warnings and errors are always exactly theirs. Reading needs no log, so it may run on
 * any thread; ev_yraw_finish (interning) runs on the log's thread.
 */
#define EV_YRAW_STRS 6

/* One event read by ev_yread, before its strings and details are interned. Plain data. */
struct ev_yraw {
	struct ev e;   /* typed strings, detail and prev still 0 (ids: info); holds a reference
			* to the payload */
	json_t *extra; /* the detail's extra to be, NULL when none; a reference held */
	struct ev_json_info info;
	int nstr;
	struct {
		const char *s; /* borrowed from the text, or owned when `owned` */
		uint32_t len;
		uint8_t field; /* which ev_str_t of e (yread.c) */
		bool owned;
	} str[EV_YRAW_STRS];
};

struct ev_yreader;
/* A reader for one thread; owned by the caller (ev_yreader_free). Make the readers before
 * starting the threads that use them (the first fills lookup tables shared by all). */
struct ev_yreader *ev_yreader_new(void);
void ev_yreader_free(struct ev_yreader *r);
/*
 * Reads one HistoryEvent object from text[0..len) (borrowed: it must outlive *raw). True with
 * *raw filled (ev_yraw_finish or ev_yraw_fini it); false when the caller must read the event
 * with jansson (*raw then holds nothing).
 */
bool ev_yread(struct ev_yreader *r, const char *text, size_t len, struct ev_yraw *raw);
/* Interns raw's strings into log: *out and *info as ev_from_json_lazy gives them. Takes raw's
 * references (raw is left empty). */
void ev_yraw_finish(struct ev_log *log, struct ev_yraw *raw, struct ev *out,
		    struct ev_json_info *info);
/* Drops what raw holds (an empty raw is a no-op). */
void ev_yraw_fini(struct ev_yraw *raw);

/* A new HistoryEvent object (owned by the caller) of e, record `id` of log (its "id" member,
 * and where its payload is read: see ev_payload), timestamp = start_epoch_ms + e->t_ms. */
json_t *ev_to_json(const struct ev_log *log, const struct ev *e, int64_t id,
		   int64_t start_epoch_ms);

#endif
