/*
 * libFuzzer target for the flow parsers and evaluators: the input's first byte picks the
 * entry point, the rest is the text (a path, an intrinsic call, or a JSON template / Choice
 * rule). Build and run (not part of `make`; the library is built with coverage for libFuzzer):
 *
 *   make BUILD=build/fuzz CC=clang SANITIZE=1 CFLAGS='-O1 -g -fsanitize=fuzzer-no-link' \
 *     build/fuzz/libstepscope.a
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -D_DEFAULT_SOURCE \
 *     tests/fuzz/fuzz_flow.c build/fuzz/libstepscope.a \
 *     $(pkg-config --libs jansson libcrypto) -lm -o build/fuzz/fuzz_flow
 *   ./build/fuzz/fuzz_flow -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char doc[] = "{\"a\": [{\"x\": 1, \"s\": \"t\"}, {\"x\": 2.5}], \"b\": {\"c\": null},"
			  " \"t\": \"2001-01-01T12:00:00Z\", \"n\": -3}";

static void report(void *ctx, const char *pointer, const char *message)
{
	(void)ctx;
	(void)pointer;
	(void)message;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	json_t *input = json_loads(doc, 0, NULL);
	json_t *ctx = json_loads("{\"State\": {\"Name\": \"S\"}}", 0, NULL);
	struct rng r;
	rng_seed(&r, 1);
	struct flow_env env = {.context = ctx, .rng = &r};
	struct flow_error err = {0};
	char *msg = NULL;
	size_t off = 0;
	json_t *v = NULL;
	switch (data[0] % 4) {
	case 0:
		if (!flow_check_path(text, data[0] & 4, &msg, &off) && off > strlen(text))
			abort();
		v = flow_select(input, text, &env, &err);
		break;
	case 1:
		if (!flow_check_intrinsic(text, &msg, &off) && off > strlen(text))
			abort();
		v = flow_intrinsic(text, input, &env, &err);
		break;
	case 2: {
		json_t *t = json_loads(text, JSON_DECODE_ANY, NULL);
		if (t) {
			flow_check_template(t, report, NULL);
			v = flow_template(t, input, &env, &err);
		}
		json_decref(t);
		break;
	}
	default: {
		json_t *rule = json_loads(text, JSON_DECODE_ANY, NULL);
		bool res;
		if (rule) {
			char *label = flow_rule_label(rule);
			free(label);
			flow_rule(rule, input, &env, &res, &err);
		}
		json_decref(rule);
		break;
	}
	}
	free(msg);
	json_decref(v);
	flow_error_fini(&err);
	json_decref(input);
	json_decref(ctx);
	free(text);
	return 0;
}
