#!/bin/sh
# A Task whose InputPath and Parameters read only the state input (no context, variable or
# intrinsic) has its TaskScheduled parameters kept in the event log as a recipe: the state's
# JSON and the raw input, expanded again when read (src/sim/task.c, ev_log_append_made).
# That must not change a byte: each case runs pure.asl.json and impure.asl.json (the same
# machine with one field of each Parameters made by an intrinsic that gives the same value,
# so its parameters are kept as values) and compares what every reader of the log writes:
# the exported history, the --json result, the text form (--events), the trace export and
# --explain, which replays a Task's data flow and compares it with the recorded output.
# https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
# https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
. tests/tools/golden.sh
here=tests/paramrecipe
# Both run as m.asl.json: the trace export is named after the definition's file.
for m in pure impure; do
	mkdir "$GOLDEN_TMP/$m" && cp "$here/$m.asl.json" "$GOLDEN_TMP/$m/m.asl.json"
done

# items N: {"count": N, "items": [{"item": {...}}, ...]} with strings to escape, reals and
# integers past 2^53, so a re-expanded payload must round-trip them exactly.
items() {
	awk -v n="$1" 'BEGIN {
		printf "{\"count\":%d,\"items\":[", n
		for (i = 1; i <= n; i++)
			printf "%s{\"item\":{\"n\":%d,\"tags\":[\"t%d\",\"\\u00e9\\\"\\\\\\u0001\",%.1f,%d],\"x\":%s}}",
				(i > 1 ? "," : ""), i, i, i / 10, 9007199254740992 + i,
				(i % 2 ? "null" : "{\"k\":[true,false]}")
		print "]}"
	}'
}

# same NAME FILE: pure's and impure's FILE must be byte-identical.
same() {
	if cmp -s "$GOLDEN_TMP/pure.$2" "$GOLDEN_TMP/impure.$2"; then
		return 0
	fi
	echo "FAIL $1: $2 differs"
	diff "$GOLDEN_TMP/pure.$2" "$GOLDEN_TMP/impure.$2" | head -10
	return 1
}

# check_case NAME WANT_STATUS INPUT [run arguments...]
check_case() {
	name=$1 want=$2 input=$3
	shift 3
	for m in pure impure; do
		"$STEPSCOPE" run --history-out "$GOLDEN_TMP/$m.h.json" \
			--trace-out "$GOLDEN_TMP/$m.t.json" --input "$input" "$@" \
			"$GOLDEN_TMP/$m/m.asl.json" >/dev/null 2>&1
		"$STEPSCOPE" run --json --input "$input" "$@" "$GOLDEN_TMP/$m/m.asl.json" \
			>"$GOLDEN_TMP/$m.r.json" 2>/dev/null
		"$STEPSCOPE" run --events --input "$input" "$@" "$GOLDEN_TMP/$m/m.asl.json" \
			>"$GOLDEN_TMP/$m.ev.txt" 2>&1
		"$STEPSCOPE" run --explain 'LambdaInvoke#1' --input "$input" "$@" \
			"$GOLDEN_TMP/$m/m.asl.json" >"$GOLDEN_TMP/$m.x.txt" 2>&1
	done
	if ! grep -q "^  \"status\": \"$want\"" "$GOLDEN_TMP/pure.r.json"; then
		echo "FAIL $name: status is not $want"
		head -20 "$GOLDEN_TMP/pure.r.json"
		return
	fi
	if ! grep -q '"TaskScheduled"' "$GOLDEN_TMP/pure.h.json"; then
		echo "FAIL $name: no TaskScheduled in the history"
		return
	fi
	same "$name" h.json && same "$name" t.json && same "$name" r.json &&
		same "$name" ev.txt && same "$name" x.txt && echo "ok $name"
}

items 3 >"$GOLDEN_TMP/small.json"
items 40 >"$GOLDEN_TMP/forty.json"
check_case small SUCCEEDED "$GOLDEN_TMP/small.json"
check_case forty SUCCEEDED "$GOLDEN_TMP/forty.json"
check_case forty-scenario SUCCEEDED "$GOLDEN_TMP/forty.json" --set lambda.accountConcurrency=0 \
	--seed 7
# Retries schedule a Task again: a pure one's parameters are made again from its input.
check_case retries SUCCEEDED "$GOLDEN_TMP/forty.json" \
	--set 'lambda.default.errors={invocations: "0-2", error: Lambda.ServiceException, cause: x}'
# The history's event limit drops events (and their recipes' references) past the limit.
check_case event-limit FAILED "$GOLDEN_TMP/forty.json" --set simulation.historyEventLimit=60

# A path is pure only when nothing in it reads beyond the state input: a filter comparing
# with a variable or the context object (`$min`, `$$.State.Name`) keeps its value.
# https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
echo '{"xs":[{"n":1,"id":"a"},{"n":2,"id":"T"},{"n":3,"id":"c"}]}' >"$GOLDEN_TMP/xs.json"
"$STEPSCOPE" run --history-out "$GOLDEN_TMP/filters.h.json" --input "$GOLDEN_TMP/xs.json" \
	"$here/filters.asl.json" >/dev/null 2>&1
if python3 - "$GOLDEN_TMP/filters.h.json" <<'PY'; then echo "ok filters"; else echo "FAIL filters: wrong parameters"; fi
import json, sys
ev = [e for e in json.load(open(sys.argv[1]))["events"] if e["type"] == "TaskScheduled"]
p = json.loads(ev[0]["taskScheduledEventDetails"]["parameters"])["Payload"]
sys.exit(0 if [x["id"] for x in p["big"]] == ["T", "c"] and [x["id"] for x in p["mine"]] == ["T"] else 1)
PY

# Parameters nested past jansson's 2,048 parse levels (a deep input under a nested template)
# are still recorded whole: a recipe makes the value, it does not parse text back.
python3 -c 'import sys; sys.stdout.write("{\"v\":" + "{\"a\":" * 2040 + "1" + "}" * 2040 + "}")' \
	>"$GOLDEN_TMP/deep.json"
"$STEPSCOPE" run --history-out "$GOLDEN_TMP/deep.h.json" --input "$GOLDEN_TMP/deep.json" \
	"$here/deep.asl.json" >/dev/null 2>&1
if python3 - "$GOLDEN_TMP/deep.h.json" <<'PY'; then echo "ok deep"; else echo "FAIL deep: parameters lost"; fi
import sys
sys.setrecursionlimit(10000)
import json
ev = [e for e in json.load(open(sys.argv[1]))["events"] if e["type"] == "TaskScheduled"]
text = ev[0]["taskScheduledEventDetails"]["parameters"]
sys.exit(0 if text.startswith('{"FunctionName":"f","Payload":{"l1":') and text.count('{"a":') == 2040 else 1)
PY
