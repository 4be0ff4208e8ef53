/*
 * The built-in service models. The seed's Lambda handler prints its event and returns None,
 * so the default Lambda model returns null after a fixed duration; `lambda:invoke` wraps it
 * in the invoke envelope AWS returns (aws-facts b.9; with .waitForTaskToken the envelope is
 * the TaskSubmitted output), the legacy function-ARN style returns it raw. SNS Publish,
 * SQS SendMessage and EventBridge PutEvents answer as AWS does (message and event ids, the
 * SDK's metadata). Every other resource gets a generic model ({} after a fixed duration)
 * until it has a model of its own (sim_add_service).
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <inttypes.h>

#include "ddb.h"
#include <openssl/evp.h>
#include "doc/doc.h"

static struct sim_engine *engine_of(const struct sim_service *svc)
{
	return svc->ctx;
}

static bool match_any(const struct sim_service *svc, const char *resource)
{
	return true;
}

static void invoke_generic(const struct sim_service *svc, const struct sim_call *call,
			   struct sim_outcome *out)
{
	/* Nobody sends the task token back unless a mock or a model does: a callback task
	 * waits until its heartbeat, its timeout or the execution's end. */
	if (str_ends_with(call->resource, ".waitForTaskToken")) {
		out->duration_ms = -1;
		return;
	}
	out->duration_ms = engine_of(svc)->opt.generic_duration_ms;
	out->result = json_object();
}

static bool match_legacy(const struct sim_service *svc, const char *r)
{
	return strncmp(r, "arn:", 4) == 0 && strstr(r, ":lambda:") && strstr(r, ":function:");
}

static void invoke_legacy(const struct sim_service *svc, const struct sim_call *call,
			  struct sim_outcome *out)
{
	out->duration_ms = engine_of(svc)->opt.lambda_duration_ms;
	out->result = json_null(); /* the handler returns None */
}

static bool match_invoke(const struct sim_service *svc, const char *r)
{
	const char *p = strstr(r, ":states:::lambda:invoke");
	return p && strncmp(r, "arn:", 4) == 0;
}

static void http_date(int64_t epoch_ms, char *buf, size_t size)
{
	time_t t = (time_t)(epoch_ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Values every envelope shares (jansson values may sit in many containers): built once. */
struct envelope_consts {
	json_t *latest, *latest_arr, *keep, *keep_arr, *ctype, *ctype_arr, *zero, *zero_arr;
	json_t *len_null, *len_null_arr, *status;
	int64_t date_sec;
	size_t date_size; /* flow_json_size(date) */
	json_t *date, *date_arr;
	size_t fixed_size; /* an envelope's size without its variable values; 0 = not yet known */
	size_t text_parts; /* the constant parts of a recipe's envelope text; 0 = not yet known */
};

static json_t *arr1(json_t *v)
{
	json_t *a = json_array();
	json_array_append(a, v);
	return a;
}

/* o[key] = v, taking v (the keys are constant ASCII string literals: no strlen, no check). */
#define set(o, key, v) json_object_setn_new_nocheck((o), "" key, sizeof(key) - 1, (v))

static struct envelope_consts *consts(struct sim_engine *e)
{
	struct envelope_consts *k = e->envelope;
	if (k)
		return k;
	k = e->envelope = xcalloc(1, sizeof(*k));
	k->latest = json_string("$LATEST");
	k->latest_arr = arr1(k->latest);
	k->keep = json_string("keep-alive");
	k->keep_arr = arr1(k->keep);
	k->ctype = json_string("application/json");
	k->ctype_arr = arr1(k->ctype);
	k->zero = json_string("0");
	k->zero_arr = arr1(k->zero);
	k->len_null = json_string("4");
	k->len_null_arr = arr1(k->len_null);
	k->status = json_integer(200);
	k->date_sec = -1;
	return k;
}

void sim_service_fini(struct sim_engine *e)
{
	struct envelope_consts *k = e->envelope;
	if (!k)
		return;
	json_t *all[] = {k->latest,    k->latest_arr, k->keep,	   k->keep_arr, k->ctype,
			 k->ctype_arr, k->zero,	      k->zero_arr, k->len_null, k->len_null_arr,
			 k->date,      k->date_arr,   k->status};
	for (size_t i = 0; i < ARRAY_LEN(all); i++)
		json_decref(all[i]);
	free(k);
	e->envelope = NULL;
}

static void date_value(struct sim_engine *e, struct envelope_consts *k, int64_t epoch_ms)
{
	if (k->date && epoch_ms / 1000 == k->date_sec)
		return;
	char buf[40];
	http_date(epoch_ms, buf, sizeof(buf));
	json_decref(k->date);
	json_decref(k->date_arr);
	k->date = json_string(buf);
	k->date_arr = arr1(k->date);
	k->date_sec = epoch_ms / 1000;
	k->date_size = flow_json_size(k->date);
}

/* The sizes of the values that differ between envelopes: Content-Length and Date twice each,
 * the request id three times, the payload once. */
static size_t variable_size(json_t *payload, size_t len_size, size_t date_size, size_t rid_size)
{
	return flow_json_size(payload) + 2 * (len_size + date_size) + 3 * rid_size;
}

/* The request id as a JSON string, and its flow_json_size in *size. Ours are sim_uuids, plain
 * printable ASCII: no UTF-8 check, nothing escaped; any other text takes the general way. */
static json_t *id_string(const char *id, size_t *size)
{
	size_t n = 0;
	for (unsigned char c; (c = (unsigned char)id[n]); n++)
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
			json_t *s = json_string(id);
			*size = flow_json_size(s);
			return s;
		}
	*size = n + 2;
	return json_stringn_nocheck(id, n);
}

/* The envelope around a null Payload as the JSON text json_dumps(JSON_COMPACT) writes for the
 * tree sim_invoke_envelope builds (same keys, same order): between these parts, the request
 * id, the Date, the trace id, the Date, the request id, the trace id, the request id. Parts
 * continued over lines are in parentheses: clang's -Wstring-concatenation would take them for
 * a missing comma. */
static const char *const envelope_part[] = {
    ("{\"ExecutedVersion\":\"$LATEST\",\"Payload\":null,\"SdkHttpMetadata\":{"
     "\"AllHttpHeaders\":{\"X-Amz-Executed-Version\":[\"$LATEST\"],"
     "\"x-amzn-Remapped-Content-Length\":[\"0\"],\"Connection\":[\"keep-alive\"],"
     "\"x-amzn-RequestId\":[\""),
    "\"],\"Content-Length\":[\"4\"],\"Date\":[\"",
    "\"],\"X-Amzn-Trace-Id\":[\"",
    ("\"],\"Content-Type\":[\"application/json\"]},"
     "\"HttpHeaders\":{\"Connection\":\"keep-alive\",\"Content-Length\":\"4\","
     "\"Content-Type\":\"application/json\",\"Date\":\""),
    ("\",\"X-Amz-Executed-Version\":\"$LATEST\",\"x-amzn-Remapped-Content-Length\":\"0\","
     "\"x-amzn-RequestId\":\""),
    "\",\"X-Amzn-Trace-Id\":\"",
    "\"},\"HttpStatusCode\":200},\"SdkResponseMetadata\":{\"RequestId\":\"",
    "\"},\"StatusCode\":200}"};

#define UUID_LEN 36 /* 8-4-4-4-12 hex digits */
/* Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=0;Lineage=1:<8 hex>:0 */
#define TRACE_LEN 95

/* The X-Amzn-Trace-Id Lambda answers with, as AWS writes it (aws-facts a.6), made from the
 * Date's seconds and the request id's bytes: nothing to store or draw for it. */
static void trace_text(int64_t date_ms, const unsigned char rid[16], char buf[TRACE_LEN + 1])
{
	char hex[33];
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", rid[i]);
	snprintf(buf, TRACE_LEN + 1, "Root=1-%08x-%.24s;Parent=%.16s;Sampled=0;Lineage=1:%.8s:0",
		 (unsigned)(uint32_t)(date_ms / 1000), hex, hex + 16, hex + 24);
}

/* The length of the envelope's text with a Date of date_len bytes. */
static size_t envelope_len(struct envelope_consts *k, size_t date_len)
{
	if (!k->text_parts)
		for (size_t i = 0; i < ARRAY_LEN(envelope_part); i++)
			k->text_parts += strlen(envelope_part[i]);
	return k->text_parts + 2 * date_len + 3 * UUID_LEN + 2 * TRACE_LEN;
}

static void envelope_write(const void *recipe, struct strbuf *sb)
{
	struct sim_envelope r;
	memcpy(&r, recipe, sizeof(r));
	char date[40], rid[UUID_LEN + 1], trace[TRACE_LEN + 1];
	http_date(r.date_ms, date, sizeof(date)); /* nothing to escape in any */
	sim_uuid_text(r.rid, rid);
	trace_text(r.date_ms, r.rid, trace);
	const char *var[] = {rid, date, trace, date, rid, trace, rid};
	for (size_t i = 0; i < ARRAY_LEN(envelope_part); i++) {
		sb_add(sb, envelope_part[i]);
		if (i < ARRAY_LEN(var))
			sb_add(sb, var[i]);
	}
}

const struct ev_maker sim_envelope_maker = {.write = envelope_write,
					    .recipe_len = sizeof(struct sim_envelope)};

json_t *sim_invoke_envelope(struct sim_engine *e, const struct sim_call *call, json_t *payload,
			    int64_t duration_ms, const unsigned char *rid_bytes, size_t *size)
{
	struct envelope_consts *k = consts(e);
	int64_t date_ms = e->opt.start_epoch_ms + call->now_ms + duration_ms;
	date_value(e, k, date_ms);
	unsigned char own[16];
	if (!rid_bytes) {
		sim_uuid_bytes(call->rng, own);
		rid_bytes = own;
	}
	if (e->want_made && json_is_null(payload)) {
		/* A dead result (task.c): the log keeps its recipe, no tree, no text. */
		e->made_env.date_ms = date_ms;
		memcpy(e->made_env.rid, rid_bytes, sizeof(e->made_env.rid));
		e->made = true;
		*size = envelope_len(k, json_string_length(k->date));
		return NULL;
	}
	char request_id[UUID_LEN + 1];
	sim_uuid_text(rid_bytes, request_id);
	json_t *len, *len_arr;
	size_t len_size; /* flow_json_size(len): its digits and two quotes */
	if (json_is_null(payload)) {
		len = json_incref(k->len_null);
		len_arr = json_incref(k->len_null_arr);
		len_size = 3;
	} else {
		/* The body's length without writing it (json_dumpb measures when given no room). */
		char digits[24];
		int n = snprintf(digits, sizeof(digits), "%zu",
				 json_dumpb(payload, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY));
		len = json_stringn_nocheck(digits, (size_t)n);
		len_arr = arr1(len);
		len_size = (size_t)n + 2;
	}
	/* Built key by key: json_pack's format parsing was a fifth of a large Map's time. */
	size_t rid_size;
	json_t *rid = id_string(request_id, &rid_size);
	/* AllHttpHeaders in the order AWS writes them (a Java HashMap's: corpus
	 * lambda-invoke-success), HttpHeaders sorted. */
	json_t *all = json_object();
	set(all, "X-Amz-Executed-Version", json_incref(k->latest_arr));
	set(all, "x-amzn-Remapped-Content-Length", json_incref(k->zero_arr));
	set(all, "Connection", json_incref(k->keep_arr));
	set(all, "x-amzn-RequestId", arr1(rid));
	set(all, "Content-Length", len_arr);
	set(all, "Date", json_incref(k->date_arr));
	char trace_buf[TRACE_LEN + 1];
	trace_text(date_ms, rid_bytes, trace_buf);
	json_t *trace = json_stringn_nocheck(trace_buf, TRACE_LEN);
	set(all, "X-Amzn-Trace-Id", arr1(trace));
	set(all, "Content-Type", json_incref(k->ctype_arr));
	json_t *hdr = json_object();
	set(hdr, "Connection", json_incref(k->keep));
	set(hdr, "Content-Length", len);
	set(hdr, "Content-Type", json_incref(k->ctype));
	set(hdr, "Date", json_incref(k->date));
	set(hdr, "X-Amz-Executed-Version", json_incref(k->latest));
	set(hdr, "x-amzn-Remapped-Content-Length", json_incref(k->zero));
	set(hdr, "x-amzn-RequestId", json_incref(rid));
	set(hdr, "X-Amzn-Trace-Id", trace);
	json_t *meta = json_object();
	set(meta, "AllHttpHeaders", all);
	set(meta, "HttpHeaders", hdr);
	set(meta, "HttpStatusCode", json_incref(k->status));
	json_t *resp = json_object();
	set(resp, "RequestId", rid);
	json_t *env = json_object();
	set(env, "ExecutedVersion", json_incref(k->latest));
	set(env, "Payload", payload);
	set(env, "SdkHttpMetadata", meta);
	set(env, "SdkResponseMetadata", resp);
	set(env, "StatusCode", json_incref(k->status));
	/* Its size for the payload limit check, without walking it: the rest is the same in every
	 * envelope (measured once). */
	size_t var = variable_size(payload, len_size, k->date_size, rid_size);
	if (!k->fixed_size)
		k->fixed_size = flow_json_size(env) - var;
	*size = k->fixed_size + var;
	return env;
}

static void invoke_optimized(const struct sim_service *svc, const struct sim_call *call,
			     struct sim_outcome *out)
{
	struct sim_engine *e = engine_of(svc);
	if (str_ends_with(call->resource, ".waitForTaskToken")) {
		/* The function's answer to the call is the TaskSubmitted output, a whole envelope
		 * (not a recipe: the log keeps it as it is), then the task waits for a token (see
		 * invoke_generic). */
		bool want_made = e->want_made;
		size_t size;
		e->want_made = false;
		out->submitted = sim_invoke_envelope(e, call, json_null(),
						     e->opt.lambda_duration_ms, NULL, &size);
		e->want_made = want_made;
		out->duration_ms = -1;
		return;
	}
	out->duration_ms = e->opt.lambda_duration_ms;
	out->result =
	    sim_invoke_envelope(e, call, json_null(), out->duration_ms, NULL, &out->result_size);
}

/* ---- SNS Publish and SQS SendMessage ----
 * Their responses as AWS records them (LocalStack's AWS snapshots, test_sns_task_service
 * test_publish_base; corpus sqs-wait-for-token-heartbeat-timeout's TaskSubmitted):
 * AllHttpHeaders in a Java HashMap's order, HttpHeaders sorted, the Date at the call's end.
 * A `.waitForTaskToken` call's response is its TaskSubmitted output, and the task then waits
 * for a token nobody sends (see invoke_generic). */

static bool match_sns(const struct sim_service *svc, const char *r)
{
	return strncmp(r, "arn:", 4) == 0 && strstr(r, ":states:::sns:publish") != NULL;
}

static bool match_sqs(const struct sim_service *svc, const char *r)
{
	return strncmp(r, "arn:", 4) == 0 && strstr(r, ":states:::sqs:sendMessage") != NULL;
}

/* body (taken) with SdkHttpMetadata and SdkResponseMetadata for request id rid; `conn`: the
 * response has a lowercase connection header (SQS's JSON protocol), `type` its Content-Type,
 * `len` its Content-Length. */
static json_t *msg_response(struct envelope_consts *k, json_t *body, const char *rid, bool conn,
			    const char *len, const char *type)
{
	json_t *all = json_object(), *hdr = json_object();
	json_object_set_new(all, "x-amzn-RequestId", json_pack("[s]", rid));
	if (conn) {
		json_object_set(all, "connection", k->keep_arr);
		json_object_set(hdr, "connection", k->keep);
	}
	json_object_set_new(all, "Content-Length", json_pack("[s]", len));
	json_object_set(all, "Date", k->date_arr);
	json_object_set_new(all, "Content-Type", json_pack("[s]", type));
	json_object_set_new(hdr, "Content-Length", json_string(len));
	json_object_set_new(hdr, "Content-Type", json_string(type));
	json_object_set(hdr, "Date", k->date);
	json_object_set_new(hdr, "x-amzn-RequestId", json_string(rid));
	json_object_set_new(body, "SdkHttpMetadata",
			    json_pack("{s:o, s:o, s:i}", "AllHttpHeaders", all, "HttpHeaders", hdr,
				      "HttpStatusCode", 200));
	json_object_set_new(body, "SdkResponseMetadata", json_pack("{s:s}", "RequestId", rid));
	return body;
}

/* The hex MD5 of the message body as sent: a string as it is, anything else as its compact
 * JSON text. */
static void body_md5(json_t *body, char hex[33])
{
	/* A string may hold NUL bytes (States.Base64Decode can make them): its length, not
	 * strlen. */
	char *json = json_is_string(body) ? NULL : flow_json_text(body ? body : json_null());
	const char *text = json ? json : json_string_value(body);
	size_t len = json ? strlen(json) : json_string_length(body);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_Digest(text, len, md, &n, EVP_md5(), NULL);
	for (unsigned int i = 0; i < n && i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	free(json);
}

static void invoke_msg(const struct sim_service *svc, const struct sim_call *call,
		       struct sim_outcome *out, bool sqs)
{
	struct sim_engine *e = engine_of(svc);
	struct envelope_consts *k = consts(e);
	bool callback = str_ends_with(call->resource, ".waitForTaskToken");
	out->duration_ms = callback ? -1 : e->opt.generic_duration_ms;
	date_value(e, k, e->opt.start_epoch_ms + call->now_ms + (callback ? 0 : out->duration_ms));
	char mid[UUID_LEN + 1], rid[UUID_LEN + 1];
	sim_uuid(call->rng, mid);
	sim_uuid(call->rng, rid);
	json_t *body = json_object();
	if (sqs) {
		char md5[33] = "";
		json_t *msg = sim_call_field(call, "MessageBody");
		body_md5(msg, md5);
		json_decref(msg);
		json_object_set_new(body, "MD5OfMessageBody", json_string(md5));
	}
	json_object_set_new(body, "MessageId", json_string(mid));
	json_t *resp = sqs ? msg_response(k, body, rid, true, "106", "application/x-amz-json-1.0")
			   : msg_response(k, body, rid, false, "294", "text/xml");
	if (callback)
		out->submitted = resp;
	else
		out->result = resp;
}

static void invoke_sns(const struct sim_service *svc, const struct sim_call *call,
		       struct sim_outcome *out)
{
	invoke_msg(svc, call, out, false);
}

static void invoke_sqs(const struct sim_service *svc, const struct sim_call *call,
		       struct sim_outcome *out)
{
	invoke_msg(svc, call, out, true);
}

/* ---- EventBridge PutEvents ----
 * As AWS records it (LocalStack's AWS snapshots, test_events_task_service.py): one
 * {"EventId"} per entry and "FailedEntryCount", no SDK metadata; an entry without a Source,
 * or whose Detail is a string that is not a JSON object, fails, and then the task fails with
 * EventBridge.FailedEntry and the whole response as its cause. */

static bool match_events(const struct sim_service *svc, const char *r)
{
	return strncmp(r, "arn:", 4) == 0 && strstr(r, ":states:::events:putEvents") != NULL;
}

/* One entry's answer (a new object). */
static json_t *put_entry(const struct sim_call *call, json_t *entry, int *failed)
{
	json_t *detail = json_object_get(entry, "Detail");
	json_t *parsed = json_is_string(detail) ? json_loadb(json_string_value(detail),
							    json_string_length(detail),
							    JSON_DECODE_ANY, NULL)
						: NULL;
	bool malformed = json_is_string(detail) && !json_is_object(parsed);
	json_decref(parsed);
	if (!json_is_string(json_object_get(entry, "Source"))) {
		(*failed)++;
		return json_pack("{s:s, s:s}", "ErrorCode", "InvalidArgument", "ErrorMessage",
				 "Parameter Source is not valid. Reason: Source is a required "
				 "argument.");
	}
	if (malformed) {
		(*failed)++;
		return json_pack("{s:s, s:s}", "ErrorCode", "MalformedDetail", "ErrorMessage",
				 "Detail is malformed.");
	}
	char id[UUID_LEN + 1];
	sim_uuid(call->rng, id);
	return json_pack("{s:s}", "EventId", id);
}

static void invoke_events(const struct sim_service *svc, const struct sim_call *call,
			  struct sim_outcome *out)
{
	struct sim_engine *e = engine_of(svc);
	bool callback = str_ends_with(call->resource, ".waitForTaskToken");
	out->duration_ms = callback ? -1 : e->opt.generic_duration_ms;
	json_t *entries = sim_call_field(call, "Entries");
	json_t *answers = json_array(), *entry;
	int failed = 0;
	size_t i;
	json_array_foreach(entries, i, entry)
	    json_array_append_new(answers, put_entry(call, entry, &failed));
	json_decref(entries);
	json_t *resp = json_pack("{s:o, s:i}", "Entries", answers, "FailedEntryCount", failed);
	if (failed) {
		out->error = xstrdup("EventBridge.FailedEntry");
		out->cause = flow_json_text(resp);
		out->duration_ms = e->opt.generic_duration_ms;
		json_decref(resp);
	} else if (callback) {
		out->submitted = resp;
	} else {
		out->result = resp;
	}
}

void sim_services_init(struct sim_engine *e)
{
	e->builtin[0] = (struct sim_service){"generic", match_any, invoke_generic, e, false};
	e->builtin[1] = (struct sim_service){"lambda", match_legacy, invoke_legacy, e, false};
	e->builtin[2] =
	    (struct sim_service){"lambda:invoke", match_invoke, invoke_optimized, e, false};
	e->builtin[3] = (struct sim_service){"sns:publish", match_sns, invoke_sns, e, false};
	e->builtin[4] = (struct sim_service){"sqs:sendMessage", match_sqs, invoke_sqs, e, false};
	e->builtin[5] =
	    (struct sim_service){"events:putEvents", match_events, invoke_events, e, false};
	for (size_t i = 0; i < ARRAY_LEN(e->builtin); i++)
		sim_add_service(e, &e->builtin[i]);
}

/* CRC-32 (IEEE 802.3, as zlib's crc32) of the response body: DynamoDB's x-amz-crc32 header.
 * No library in the build has it and it is five lines. */
static uint32_t crc32_of(const char *s, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= (unsigned char)s[i];
		for (int b = 0; b < 8; b++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return ~c;
}

json_t *sim_ddb_metadata(struct sim_engine *e, const struct sim_call *call, json_t *body,
			 const char *rid)
{
	struct envelope_consts *k = consts(e);
	date_value(e, k, e->opt.start_epoch_ms + call->now_ms);
	char *text = doc_dumps(body, JSON_COMPACT);
	size_t n = strlen(text);
	char crc[16], len[24];
	snprintf(crc, sizeof(crc), "%" PRIu32, crc32_of(text, n));
	snprintf(len, sizeof(len), "%zu", n);
	free(text);
	const char *type = "application/x-amz-json-1.0";
	/* Header order as the corpus records it: AllHttpHeaders as received, HttpHeaders
	 * sorted. */
	json_t *all =
	    json_pack("{s:[s], s:O, s:[s], s:[s], s:[s], s:O, s:[s]}", "Server", "Server",
		      "Connection", k->keep_arr, "x-amzn-RequestId", rid, "x-amz-crc32", crc,
		      "Content-Length", len, "Date", k->date_arr, "Content-Type", type);
	json_t *hdr = json_pack("{s:O, s:s, s:s, s:O, s:s, s:s, s:s}", "Connection", k->keep,
				"Content-Length", len, "Content-Type", type, "Date", k->date,
				"Server", "Server", "x-amz-crc32", crc, "x-amzn-RequestId", rid);
	json_t *meta = json_pack("{s:o, s:o, s:i}", "AllHttpHeaders", all, "HttpHeaders", hdr,
				 "HttpStatusCode", 200);
	json_object_set_new(body, "SdkHttpMetadata", meta);
	json_object_set_new(body, "SdkResponseMetadata", json_pack("{s:s}", "RequestId", rid));
	return body;
}
