#!/bin/sh
# A lambda:invoke result that nobody reads (the Task ends an INLINE Map iteration and the Map
# has "ResultPath": null) is kept as its envelope's recipe only, a Date and a request id that
# the event log makes the envelope from when read (src/sim: dead_result, ev_log_append_made).
# That must not change a byte: each case runs dead.asl.json and kept.asl.json (the same machine with
# "ResultPath": "$.r", where every result is kept as a value) and compares the exported
# histories (check.py) and the --json results but their output. The Map's result is still
# measured at its true size: over 256 KiB it fails with States.DataLimitExceeded in both.
# The other readers of a made payload must see the same too: the text form (--events), the
# trace export's payload sizes, and --explain, which replays a Task's data flow and compares
# it with the recorded output.
# https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html
# https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html (256 KiB payloads)
. tests/tools/golden.sh
here=tests/envelope
if ! command -v python3 >/dev/null 2>&1; then
	echo "FAIL envelope: python3 is needed to compare the histories"
	exit 0
fi

# items TASKS EVEN PAD: TASKS items that call the Lambda, EVEN that a Pass state ends with a
# string of PAD characters.
items() {
	awk -v t="$1" -v p="$2" -v w="$3" 'BEGIN {
		pad = sprintf("%" w "s", ""); gsub(/ /, "x", pad)
		printf "{\"items\":["
		for (i = 1; i <= t + p; i++)
			printf "%s{\"n\":%d,\"even\":%s,\"pad\":\"%s\"}", (i > 1 ? "," : ""), i,
				(i > t ? "true" : "false"), (i > t ? pad : "")
		print "]}"
	}'
}

# case NAME WANT_STATUS INPUT [run arguments...]
check_case() {
	name=$1 want=$2 input=$3
	shift 3
	for m in dead kept; do
		"$STEPSCOPE" run --history-out "$GOLDEN_TMP/$m.h.json" --input "$input" "$@" \
			"$here/$m.asl.json" >/dev/null 2>&1
		"$STEPSCOPE" run --json --input "$input" "$@" "$here/$m.asl.json" \
			>"$GOLDEN_TMP/$m.r.json" 2>/dev/null
	done
	if ! grep -q "^  \"status\": \"$want\"" "$GOLDEN_TMP/dead.r.json"; then
		echo "FAIL $name: status is not $want"
		head -20 "$GOLDEN_TMP/dead.r.json"
		return
	fi
	if ! why=$(python3 "$here/check.py" result "$GOLDEN_TMP/dead.r.json" \
		"$GOLDEN_TMP/kept.r.json"); then
		echo "FAIL $name: $why"
		return
	fi
	if why=$(python3 "$here/check.py" "$GOLDEN_TMP/dead.h.json" "$GOLDEN_TMP/kept.h.json"); then
		echo "ok $name"
	else
		echo "FAIL $name: $why"
	fi
}

# reads NAME INPUT [run arguments...]: the other readers of the made payloads.
check_reads() {
	name=$1 input=$2
	shift 2
	for m in dead kept; do
		"$STEPSCOPE" run --events --trace-out "$GOLDEN_TMP/$m.t.json" --input "$input" "$@" \
			"$here/$m.asl.json" >"$GOLDEN_TMP/$m.ev.txt" 2>&1
		"$STEPSCOPE" run --explain 'LambdaInvoke#1' --input "$input" "$@" \
			"$here/$m.asl.json" >"$GOLDEN_TMP/$m.x.txt" 2>&1
	done
	if ! cmp -s "$GOLDEN_TMP/dead.ev.txt" "$GOLDEN_TMP/kept.ev.txt"; then
		echo "FAIL $name: --events differs"
		diff "$GOLDEN_TMP/dead.ev.txt" "$GOLDEN_TMP/kept.ev.txt" | head -10
		return
	fi
	if ! grep -q '"Payload":null' "$GOLDEN_TMP/dead.x.txt" ||
		! grep -q '^  output matches the recorded one$' "$GOLDEN_TMP/dead.x.txt" ||
		! cmp -s "$GOLDEN_TMP/dead.x.txt" "$GOLDEN_TMP/kept.x.txt"; then
		echo "FAIL $name: --explain differs or does not match the recorded output"
		diff "$GOLDEN_TMP/dead.x.txt" "$GOLDEN_TMP/kept.x.txt" | head -10
		return
	fi
	if why=$(python3 "$here/check.py" trace "$GOLDEN_TMP/dead.t.json" \
		"$GOLDEN_TMP/kept.t.json"); then
		echo "ok $name"
	else
		echo "FAIL $name: $why"
	fi
}

items 4 2 3 >"$GOLDEN_TMP/small.json"
check_reads small-reads "$GOLDEN_TMP/small.json"
check_reads small-reads-scenario "$GOLDEN_TMP/small.json" --set lambda.accountConcurrency=0
# Dates that cross seconds, midnight and a year, and another seed's request ids.
check_case new-year SUCCEEDED "$GOLDEN_TMP/small.json" --seed 7 \
	--start-time 2031-12-31T23:59:58.500Z
check_case small SUCCEEDED "$GOLDEN_TMP/small.json"
check_case small-scenario SUCCEEDED "$GOLDEN_TMP/small.json" --set lambda.accountConcurrency=0
# 200 envelopes of 960 bytes and 50 padded items: about 200 KB of results, under the limit.
items 200 50 150 >"$GOLDEN_TMP/under.json"
check_case under-limit SUCCEEDED "$GOLDEN_TMP/under.json"
# 300 envelopes and 300 padded items: about 270 KB, over 262,144 bytes only when each
# envelope counts at its true size (the padded outputs alone are about 53 KB).
items 300 300 150 >"$GOLDEN_TMP/over.json"
check_case over-limit FAILED "$GOLDEN_TMP/over.json"
