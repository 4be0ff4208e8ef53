#!/bin/sh
# Export golden suite: Chrome trace JSON, timeline SVG, graph SVG.
#
# 1. A few recorded AWS histories of the shared corpus plus hand-made cases with real
#    timestamps (cases/, made by gen-timed.py or by hand; the corpus timestamps are scrubbed):
#    `replay --trace-out --svg-out` and `graph --format svg --history` against golden/NAME.*;
#    check.py validates each file (the trace against the Trace Event Format rules, the SVGs as
#    well-formed XML).
# 2. Refusals: an output over an input, both outputs on one file, an unwritable path.
# 3. Many rows: a generated Map of 3,000 items; the SVG draws EXP_SVG_MAX_ROWS rows and counts
#    the rest in a note, the trace names every track.
# History format: aws-facts a.1-a.5,
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
# Trace format: https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tools/golden.sh"

find_corpus

if ! command -v python3 >/dev/null 2>&1; then
	echo "FAIL export: python3 is needed to validate the exports"
	exit 0
fi

# check KIND FILE CASE: the structural checks of check.py.
check() {
	if problems=$(python3 "$here/check.py" "$1" "$2" 2>&1); then
		echo "ok $3"
	else
		echo "FAIL $3: $problems" | head -5
	fi
}

# export_case NAME HISTORY [DEFINITION]
export_case() {
	cn=$1 hist=$2 def=${3:-}
	out=$GOLDEN_TMP/$cn
	if [ -n "$def" ]; then
		"$STEPSCOPE" replay --definition "$def" --trace-out "$out.trace.json" \
			--svg-out "$out.timeline.svg" "$hist" >/dev/null 2>"$out.err"
	else
		"$STEPSCOPE" replay --trace-out "$out.trace.json" --svg-out "$out.timeline.svg" \
			"$hist" >/dev/null 2>"$out.err"
	fi
	rc=$?
	if [ "$rc" = 2 ] || [ ! -f "$out.trace.json" ] || [ ! -f "$out.timeline.svg" ]; then
		echo "FAIL $cn.replay: exit $rc, $(head -3 "$out.err")"
		return
	fi
	check trace "$out.trace.json" "$cn.trace-valid"
	check svg "$out.timeline.svg" "$cn.timeline-valid"
	golden_check "$cn.trace" "$here/golden/$cn.trace.json" "$out.trace.json"
	golden_check "$cn.timeline" "$here/golden/$cn.timeline.svg" "$out.timeline.svg"
	[ -n "$def" ] || return 0
	"$STEPSCOPE" graph --format svg --history "$hist" "$def" >"$out.graph.svg" 2>"$out.gerr"
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "FAIL $cn.graph: exit $rc, $(head -3 "$out.gerr")"
		return
	fi
	check svg "$out.graph.svg" "$cn.graph-valid"
	golden_check "$cn.graph" "$here/golden/$cn.graph.svg" "$out.graph.svg"
}

if [ -z "$corpus" ]; then
	echo "FAIL corpus: shared/corpus/aws-histories not found (set STEPSCOPE_CORPUS)"
else
	for hn in lambda-invoke-timeout-catch lambda-legacy-retry-then-catch \
		map-inline-lambda-invoke-retry-catch-jsonata map-inline-nested parallel-fail-retry \
		wait-stop-execution-aborted; do
		export_case "$hn" "$corpus/$hn.history.json" "$corpus/$hn.asl.json"
	done
fi
export_case timed "$here/cases/timed.history.json" "$here/cases/timed.asl.json"

# Every corpus history (Distributed Maps, legacy Lambda, aborts included) exports valid files.
for h in "$corpus"/*.history.json; do
	[ -f "$h" ] || continue
	hn=$(basename "$h" .history.json)
	out=$GOLDEN_TMP/all-$hn
	"$STEPSCOPE" replay --trace-out "$out.json" --svg-out "$out.svg" "$h" >/dev/null 2>&1
	"$STEPSCOPE" graph --format svg --history "$h" "$corpus/$hn.asl.json" >"$out.g.svg" 2>/dev/null
	if p1=$(python3 "$here/check.py" trace "$out.json") &&
		p2=$(python3 "$here/check.py" svg "$out.svg") &&
		p3=$(python3 "$here/check.py" svg "$out.g.svg"); then
		echo "ok all.$hn"
	else
		echo "FAIL all.$hn: $p1 $p2 $p3" | head -3
	fi
done

# Without --history the graph has no status colours and no status legend.
"$STEPSCOPE" graph --format svg "$here/cases/timed.asl.json" >"$GOLDEN_TMP/plain.svg"
check svg "$GOLDEN_TMP/plain.svg" graph-plain-valid
golden_check graph-plain "$here/golden/timed.graph-plain.svg" "$GOLDEN_TMP/plain.svg"
export_case exec-timeout "$here/cases/exec-timeout.history.json" "$here/cases/exec-timeout.asl.json"

# Tracks are named after the Map item (the timeline's row labels).
if grep -q '"name":"thread_name".*"args":{"name":"#0 Computer Science"}' \
	"$GOLDEN_TMP/timed.trace.json"; then
	echo "ok timed.track-names"
else
	echo "FAIL timed.track-names: no track named \"#0 Computer Science\""
fi

# ---- refusals ----
cp "$here/cases/timed.history.json" "$GOLDEN_TMP/in.json"
cp "$here/cases/timed.asl.json" "$GOLDEN_TMP/def.json"
# expect_refusal CASE PATTERN COMMAND...: exit 2, PATTERN on stderr, the inputs untouched.
expect_refusal() {
	rn=$1 pat=$2
	shift 2
	"$@" >/dev/null 2>"$GOLDEN_TMP/refusal.err"
	rc=$?
	if [ "$rc" != 2 ]; then
		echo "FAIL $rn: exit $rc, expected 2"
	elif ! grep -q "$pat" "$GOLDEN_TMP/refusal.err"; then
		echo "FAIL $rn: stderr lacks '$pat': $(cat "$GOLDEN_TMP/refusal.err")"
	elif ! cmp -s "$GOLDEN_TMP/in.json" "$here/cases/timed.history.json" ||
		! cmp -s "$GOLDEN_TMP/def.json" "$here/cases/timed.asl.json"; then
		echo "FAIL $rn: an input was overwritten"
	else
		echo "ok $rn"
	fi
}
expect_refusal refuse.trace-over-history "refusing to write over" \
	"$STEPSCOPE" replay --trace-out "$GOLDEN_TMP/in.json" "$GOLDEN_TMP/in.json"
expect_refusal refuse.svg-over-definition "refusing to write over" \
	"$STEPSCOPE" replay --definition "$GOLDEN_TMP/def.json" --svg-out "$GOLDEN_TMP/def.json" \
	"$GOLDEN_TMP/in.json"
expect_refusal refuse.same-output "name the same file" \
	"$STEPSCOPE" replay --trace-out "$GOLDEN_TMP/o" --svg-out "$GOLDEN_TMP/o" "$GOLDEN_TMP/in.json"
expect_refusal refuse.history-out-same "name the same file" \
	"$STEPSCOPE" replay --history-out "$GOLDEN_TMP/h2" --trace-out "$GOLDEN_TMP/h2" \
	"$GOLDEN_TMP/in.json"
expect_refusal refuse.graph-over-definition "refusing to write over" \
	"$STEPSCOPE" graph --format svg --output "$GOLDEN_TMP/def.json" "$GOLDEN_TMP/def.json"
expect_refusal refuse.graph-over-history "refusing to write over" \
	"$STEPSCOPE" graph --format svg --history "$GOLDEN_TMP/in.json" \
	--output "$GOLDEN_TMP/in.json" "$GOLDEN_TMP/def.json"
expect_refusal refuse.unwritable "no-such-dir" \
	"$STEPSCOPE" replay --svg-out "$GOLDEN_TMP/no-such-dir/x.svg" "$GOLDEN_TMP/in.json"
expect_refusal refuse.history-with-dot "text and svg formats only" \
	"$STEPSCOPE" graph --format dot --history "$GOLDEN_TMP/in.json" "$GOLDEN_TMP/def.json"
if [ -e "$GOLDEN_TMP/o" ]; then
	echo "FAIL refuse.same-output-nothing-written: $GOLDEN_TMP/o exists"
else
	echo "ok refuse.same-output-nothing-written"
fi

# graph --output writes the same bytes as standard output.
"$STEPSCOPE" graph --format svg --history "$here/cases/timed.history.json" \
	--output "$GOLDEN_TMP/g.svg" "$here/cases/timed.asl.json" 2>/dev/null
if cmp -s "$GOLDEN_TMP/g.svg" "$here/golden/timed.graph.svg"; then
	echo "ok graph.output-file"
else
	echo "FAIL graph.output-file: --output differs from the golden standard output"
fi

# ---- run writes the same exports from a simulation ----
top=$(cd "$here/../.." && pwd)
(cd "$top" && "$STEPSCOPE" run --set stepfunc.maxConcurrency=3 \
	--trace-out "$GOLDEN_TMP/run.trace.json" --svg-out "$GOLDEN_TMP/run.svg") >/dev/null 2>&1
check trace "$GOLDEN_TMP/run.trace.json" run.trace-valid
check svg "$GOLDEN_TMP/run.svg" run.svg-valid
# The seed run: three LambdaInvoke attempts, one per item track.
n=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(sum(1 for e in d["traceEvents"] if e.get("ph")=="X" and e.get("name")=="LambdaInvoke"))' \
	"$GOLDEN_TMP/run.trace.json" 2>/dev/null)
if [ "${n:-0}" -ge 3 ]; then
	echo "ok run.trace-lambda-slices"
else
	echo "FAIL run.trace-lambda-slices: ${n:-0} LambdaInvoke slices, expected at least 3"
fi
expect_refusal refuse.run-svg-over-definition "refusing to write over" \
	"$STEPSCOPE" run --svg-out "$GOLDEN_TMP/def.json" "$GOLDEN_TMP/def.json"

# ---- many rows ----
python3 "$here/gen-big.py" 3000 >"$GOLDEN_TMP/big.json"
"$STEPSCOPE" replay --trace-out "$GOLDEN_TMP/big.trace.json" --svg-out "$GOLDEN_TMP/big.svg" \
	"$GOLDEN_TMP/big.json" >/dev/null 2>&1
check trace "$GOLDEN_TMP/big.trace.json" big.trace-valid
check svg "$GOLDEN_TMP/big.svg" big.svg-valid
# 3,001 rows (the execution and 3,000 items): 250 drawn, 2,751 in the note.
if grep -q '>2751 more rows not drawn: 2751 SUCCEEDED' "$GOLDEN_TMP/big.svg"; then
	echo "ok big.svg-note"
else
	echo "FAIL big.svg-note: no note about the 2751 rows not drawn"
fi
labels=$(grep -c '<text x="18" y="[0-9]*" fill="#222222">#' "$GOLDEN_TMP/big.svg")
if [ "$labels" = 249 ]; then
	echo "ok big.svg-rows"
else
	echo "FAIL big.svg-rows: $labels item rows drawn, expected 249 (+ the execution row)"
fi
tracks=$(grep -c '"name":"thread_name"' "$GOLDEN_TMP/big.trace.json")
if [ "$tracks" = 3001 ]; then
	echo "ok big.trace-tracks"
else
	echo "FAIL big.trace-tracks: $tracks tracks, expected 3001"
fi

# ---- rendering (counted only where chromium is installed) ----
sh "$here/render-check.sh" "$GOLDEN_TMP/timed.timeline.svg" "$GOLDEN_TMP/timed.graph.svg" \
	"$GOLDEN_TMP/parallel-fail-retry.graph.svg" "$GOLDEN_TMP/big.svg"
