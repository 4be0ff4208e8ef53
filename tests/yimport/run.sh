#!/bin/sh
# The yajl history import (src/event/yread.c) against the jansson one it replaces on the hot
# path (STEPSCOPE_IMPORT=jansson): for every history of the shared corpus, every case of
# tests/replay/cases and the edge cases here (cases/: escapes, unicode, invalid UTF-8, big
# numbers, truncated and invalid payloads, unknown event types and detail fields, missing and
# duplicate members, odd whitespace, deep nesting, cut-off files), `replay --events` and
# `replay --history-out` must give byte-identical stdout, stderr, exit status and exported
# file. A large generated history makes the import's second thread read events too.
# History format: aws-facts a.1-a.5,
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tools/golden.sh"
case $STEPSCOPE in /*) bin=$STEPSCOPE ;; *) bin=$top/$STEPSCOPE ;; esac

find_corpus

# run_both NAME DIR ARGS...: runs `stepscope replay ARGS` in DIR with each import, comparing
# everything it prints, its status and the files it writes (named out.json in ARGS).
run_both() {
	rb_name=$1 rb_dir=$2
	shift 2
	for mode in yajl jansson; do
		w=$GOLDEN_TMP/$mode
		rm -rf "$w" && mkdir -p "$w"
		(cd "$rb_dir" && STEPSCOPE_IMPORT=$mode "$bin" replay "$@" >"$w/stdout" 2>"$w/stderr"
			echo $? >"$w/status"
			[ -f out.json ] && mv out.json "$w/out.json") 2>/dev/null
	done
	y=$GOLDEN_TMP/yajl j=$GOLDEN_TMP/jansson
	for f in stdout stderr status out.json; do
		[ -f "$j/$f" ] || [ -f "$y/$f" ] || continue
		if ! cmp -s "$j/$f" "$y/$f"; then
			echo "FAIL $rb_name: $f differs between the yajl and the jansson import"
			diff -u "$j/$f" "$y/$f" | head -20
			return 1
		fi
	done
	echo "ok $rb_name"
}

# Both outputs for one history file (absolute path).
check_history() {
	run_both "$1 --events" "$GOLDEN_TMP" --events "$2"
	run_both "$1 --history-out" "$GOLDEN_TMP" --history-out out.json "$2"
}

if [ -z "$corpus" ]; then
	echo "FAIL corpus: shared/corpus/aws-histories not found (set STEPSCOPE_CORPUS)"
else
	for h in "$corpus"/*.history.json; do
		check_history "corpus/$(basename "$h" .history.json)" "$h"
	done
fi

for c in "$top"/tests/replay/cases/*/; do
	cn=$(basename "$c")
	# shellcheck disable=SC2046
	run_both "replay-case/$cn" "$c" $(cat "$c/args")
done

for f in "$here"/cases/*.json; do
	check_history "case/$(basename "$f" .json)" "$f"
done

# Over 64 KiB of events (the second thread's share): the edge events of unknown.json and
# escapes.json repeated with fresh ids, and a few the fast path leaves to jansson.
big=$GOLDEN_TMP/big.json
awk 'BEGIN {
	printf "{\"events\":[{\"timestamp\":\"2024-05-14T10:15:00Z\",\"type\":\"ExecutionStarted\",\"id\":1,\"previousEventId\":0,\"executionStartedEventDetails\":{\"input\":\"{}\",\"inputDetails\":{\"truncated\":false}}}"
	id = 1
	for (i = 0; i < 1500; i++) {
		printf ",\n{\"timestamp\":\"2024-05-14T10:%02d:%02d.%03dZ\",\"type\":\"PassStateEntered\",\"id\":%d,\"previousEventId\":%d,\"stateEnteredEventDetails\":{\"name\":\"P\\u00e9 %d\",\"input\":\"{\\\"i\\\":%d,\\\"s\\\":\\\"caf\\\\u00e9?\\\"}\",\"inputDetails\":{\"truncated\":false}}}", (i / 60) % 60, i % 60, i % 1000, id + 1, id, i % 7, i
		id++
		printf ",\n{\"timestamp\":\"2024-05-14T10:%02d:%02d.%03dZ\",\"type\":\"PassStateExited\",\"id\":%d,\"previousEventId\":%d,\"stateExitedEventDetails\":{\"name\":\"P\\u00e9 %d\",\"output\":\"%s\",\"outputDetails\":{\"truncated\":%s},\"x%d\":[1,{\"k\":null}]}}", (i / 60) % 60, i % 60, i % 1000, id + 1, id, i % 7, (i % 97 == 0 ? "not json" : "[1]"), (i % 89 == 0 ? "true" : "false"), i % 3
		id++
		printf ",\n{\"timestamp\":\"2024-05-14T10:%02d:%02d.%03dZ\",\"type\":\"Future%d\",\"id\":%d,\"previousEventId\":%d,\"n\":%s}", (i / 60) % 60, i % 60, i % 1000, i % 5, id + 1, id, (i % 101 == 0 ? "1.5" : "[2]")
		id++
	}
	printf "]}\n"
}' >"$big"
check_history big "$big"
