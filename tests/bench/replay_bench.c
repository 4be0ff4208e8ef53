/*
 * make bench: times history import + reconstruction (hist_import_text: JSON parse, ordering,
 * checks and the O(N) reconstruction pass) inside one process, so process start-up and
 * output are not counted. Not a test: it asserts nothing and is never run by `make check`.
 *
 *   replay_bench file PATH      import PATH (an exported history), best of 3 rounds
 *   replay_bench synth N [OUT]  import a synthetic history of about N events: the seed's Map
 *                               iterator (Pass, Wait, lambda:invoke) one item after another,
 *                               11 events per item, without execution data; OUT keeps its text;
 *                               one round (a 1,000,000-event import takes seconds)
 *
 * Prints one JSON line: {"events": N, "bytes": B, "ms": best wall time, "parseMs": P,
 * "janssonMs": J}. P is the ceiling the parser sets: the same text through the same streaming
 * reader (its two threads, each event read by yajl into a record, src/event/yread.c) with
 * nothing done with the events, best of the same number of rounds. J is the same with every
 * event parsed by jansson instead (STEPSCOPE_IMPORT=jansson), for comparison: file mode only
 * (for 1,000,000 events it takes seconds); -1 when not measured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "event/event.h"
#include "history/history.h"
#include "history/internal.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One event; `details` is the text after the common fields (may be empty). */
static void event(struct strbuf *sb, long *id, long prev, long t_ms, const char *type,
		  const char *details)
{
	++*id;
	sb_addf(sb,
		"%s{\"timestamp\":\"2024-05-14T10:%02ld:%02ld.%03ldZ\",\"type\":\"%s\",\"id\":%ld,"
		"\"previousEventId\":%ld%s%s}",
		*id > 1 ? "," : "", (t_ms / 60000) % 60, (t_ms / 1000) % 60, t_ms % 1000, type, *id,
		prev, *details ? "," : "", details);
}

static void state_ev(struct strbuf *sb, long *id, long t, const char *type, const char *kind,
		     const char *name)
{
	char d[128];
	snprintf(d, sizeof(d), "\"%sEventDetails\":{\"name\":\"%s\"}", kind, name);
	event(sb, id, *id, t, type, d);
}

static char *synth(long want, size_t *len)
{
	static const char lambda[] = "\"resourceType\":\"lambda\",\"resource\":\"invoke\"";
	long items = want > 16 ? (want - 6) / 11 : 1, id = 0, t = 0;
	char d[256];
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "{\"events\":[");
	event(&sb, &id, 0, t, "ExecutionStarted",
	      "\"executionStartedEventDetails\":{\"roleArn\":\"arn:aws:iam::1:role/r\"}");
	state_ev(&sb, &id, t, "MapStateEntered", "stateEntered", "MapState");
	snprintf(d, sizeof(d), "\"mapStateStartedEventDetails\":{\"length\":%ld}", items);
	event(&sb, &id, id, t, "MapStateStarted", d);
	for (long i = 0; i < items; i++, t += 3) {
		snprintf(d, sizeof(d), "{\"name\":\"MapState\",\"index\":%ld}", i);
		char it[320];
		snprintf(it, sizeof(it), "\"mapIterationStartedEventDetails\":%s", d);
		event(&sb, &id, id, t, "MapIterationStarted", it);
		state_ev(&sb, &id, t, "PassStateEntered", "stateEntered", "MapPassState");
		state_ev(&sb, &id, t, "PassStateExited", "stateExited", "MapPassState");
		state_ev(&sb, &id, t, "WaitStateEntered", "stateEntered", "WaitInMap");
		state_ev(&sb, &id, t + 2, "WaitStateExited", "stateExited", "WaitInMap");
		state_ev(&sb, &id, t + 2, "TaskStateEntered", "stateEntered", "LambdaInvoke");
		char task[256];
		snprintf(task, sizeof(task),
			 "\"taskScheduledEventDetails\":{%s,\"region\":\"us-east-1\","
			 "\"parameters\":\"{}\"}",
			 lambda);
		event(&sb, &id, id, t + 2, "TaskScheduled", task);
		snprintf(task, sizeof(task), "\"taskStartedEventDetails\":{%s}", lambda);
		event(&sb, &id, id, t + 2, "TaskStarted", task);
		snprintf(task, sizeof(task), "\"taskSucceededEventDetails\":{%s}", lambda);
		event(&sb, &id, id, t + 3, "TaskSucceeded", task);
		state_ev(&sb, &id, t + 3, "TaskStateExited", "stateExited", "LambdaInvoke");
		snprintf(it, sizeof(it), "\"mapIterationSucceededEventDetails\":%s", d);
		event(&sb, &id, id, t + 3, "MapIterationSucceeded", it);
	}
	event(&sb, &id, id, t, "MapStateSucceeded", "");
	state_ev(&sb, &id, t, "MapStateExited", "stateExited", "MapState");
	event(&sb, &id, id, t, "ExecutionSucceeded",
	      "\"executionSucceededEventDetails\":{\"output\":\"{}\"}");
	sb_add(&sb, "]}");
	*len = sb.len;
	return sb.data;
}

static bool ignore_event(void *ctx, const json_t *event, struct ev_yraw *raw, size_t index)
{
	(void)event;
	(void)raw;
	(void)index;
	++*(size_t *)ctx;
	return true;
}

/* The parser's share alone: every event read (and dropped), none kept; -1 when the text is
 * not a single page the streaming reader takes. */
static double parse_only_ms(const char *text, size_t len)
{
	size_t n = 0;
	bool token;
	double t0 = now_ms();
	bool ok = hist_stream_page(text, len, ignore_event, &n, &token);
	return ok ? now_ms() - t0 : -1;
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "file") != 0 && strcmp(argv[1], "synth") != 0)) {
		fprintf(stderr, "usage: replay_bench file PATH | synth N [OUT]\n");
		return 2;
	}
	size_t len = 0;
	char *text, *err = NULL;
	if (strcmp(argv[1], "file") == 0) {
		text = file_read_all(argv[2], &len, &err);
	} else {
		text = synth(atol(argv[2]), &len);
		if (argc > 3) {
			FILE *f = fopen(argv[3], "w");
			if (f) {
				fwrite(text, 1, len, f);
				fclose(f);
			}
		}
	}
	if (!text) {
		fprintf(stderr, "replay_bench: %s: %s\n", argv[2], err ? err : "?");
		free(err);
		return 2;
	}
	double best = -1, parse_best = -1;
	size_t events = 0;
	int rounds = strcmp(argv[1], "file") == 0 ? 3 : 1;
	for (int round = 0; round < rounds; round++) {
		struct diags d;
		diags_init(&d);
		double t0 = now_ms();
		struct ev_log *log = hist_import_text(argv[2], text, len, &d);
		double ms = now_ms() - t0;
		if (!log) {
			fprintf(stderr, "replay_bench: import failed: %s\n",
				d.list.len ? d.list.items[0].message : "?");
			diags_fini(&d);
			free(text);
			return 1;
		}
		events = ev_log_count(log);
		ev_log_free(log);
		diags_fini(&d);
		if (best < 0 || ms < best)
			best = ms;
	}
	for (int round = 0; round < rounds; round++) {
		double ms = parse_only_ms(text, len);
		if (parse_best < 0 || ms < parse_best)
			parse_best = ms;
	}
	double jansson_best = -1;
	if (strcmp(argv[1], "file") == 0) {
		setenv("STEPSCOPE_IMPORT", "jansson", 1);
		for (int round = 0; round < rounds; round++) {
			double ms = parse_only_ms(text, len);
			if (jansson_best < 0 || ms < jansson_best)
				jansson_best = ms;
		}
	}
	printf("{\"events\":%zu,\"bytes\":%zu,\"ms\":%.3f,\"parseMs\":%.3f,\"janssonMs\":%.3f}\n",
	       events, len, best, parse_best, jansson_best);
	free(text);
	return 0;
}
