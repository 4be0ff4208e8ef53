/*
 * The built-in service models. The seed's Lambda handler prints its event and returns None,
 * so the default Lambda model returns null after a fixed duration; `lambda:invoke` wraps it
 * in the invoke envelope AWS returns (aws-facts b.9), the legacy function-ARN style returns
 * it raw. Every other resource gets a generic model ({} after a fixed duration) until it has
 * a model of its own (sim_add_service).
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct sim_engine *engine_of(const struct sim_service *svc)
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

/* The lambda:invoke result envelope around the function's return value (taken). */
static json_t *invoke_envelope(const struct sim_engine *e, const struct sim_call *call,
			       json_t *payload)
{
	char id[40], date[40];
	sim_uuid(call->rng, id);
	http_date(e->opt.start_epoch_ms + call->now_ms + e->opt.lambda_duration_ms, date,
		  sizeof(date));
	char *body = json_dumps(payload, JSON_COMPACT | JSON_ENCODE_ANY);
	char len[24];
	snprintf(len, sizeof(len), "%zu", strlen(body));
	free(body);
	json_t *all =
	    json_pack("{s:[s], s:[s], s:[s], s:[s], s:[s], s:[s], s:[s]}", "Connection",
		      "keep-alive", "Content-Length", len, "Content-Type", "application/json",
		      "Date", date, "X-Amz-Executed-Version", "$LATEST",
		      "x-amzn-Remapped-Content-Length", "0", "x-amzn-RequestId", id);
	json_t *hdr = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Connection", "keep-alive",
				"Content-Length", len, "Content-Type", "application/json", "Date",
				date, "X-Amz-Executed-Version", "$LATEST",
				"x-amzn-Remapped-Content-Length", "0", "x-amzn-RequestId", id);
	return json_pack("{s:s, s:o, s:{s:o, s:o, s:i}, s:{s:s}, s:i}", "ExecutedVersion",
			 "$LATEST", "Payload", payload, "SdkHttpMetadata", "AllHttpHeaders", all,
			 "HttpHeaders", hdr, "HttpStatusCode", 200, "SdkResponseMetadata",
			 "RequestId", id, "StatusCode", 200);
}

static void invoke_optimized(const struct sim_service *svc, const struct sim_call *call,
			     struct sim_outcome *out)
{
	const struct sim_engine *e = engine_of(svc);
	if (str_ends_with(call->resource, ".waitForTaskToken")) {
		out->duration_ms = -1; /* see invoke_generic */
		return;
	}
	out->duration_ms = e->opt.lambda_duration_ms;
	out->result = invoke_envelope(e, call, json_null());
}

void sim_services_init(struct sim_engine *e)
{
	e->builtin[0] = (struct sim_service){"generic", match_any, invoke_generic, e};
	e->builtin[1] = (struct sim_service){"lambda", match_legacy, invoke_legacy, e};
	e->builtin[2] = (struct sim_service){"lambda:invoke", match_invoke, invoke_optimized, e};
	for (size_t i = 0; i < ARRAY_LEN(e->builtin); i++)
		sim_add_service(e, &e->builtin[i]);
}
