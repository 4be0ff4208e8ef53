#!/bin/sh
# Replay golden suite.
#
# 1. Every recorded AWS history of the shared corpus (aws-histories/NAME.history.json):
#    `replay --events`, `--summary` and `--json` against tests/replay/corpus/NAME.*; the
#    exit status must match the history's last event (0 only for ExecutionSucceeded); and the
#    export round trip (import -> --history-out -> import) must give identical --events.
# 2. Hand-made cases in tests/replay/cases/CASE/: `args` holds the replay arguments (files
#    relative to the case folder); expected `stdout`, `stderr` and `status`.
# Format facts: aws-facts a.1-a.5,
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tools/golden.sh"

find_corpus

# golden_check sets the global `name`, so loop variables are hn (history) and cn (case).
# The execution status AWS reports (DescribeExecution), from the last ExecutionX event of a
# pretty-printed history; RUNNING when there is none.
expected_status_name() {
	last=$(grep -E '^ *"type": "Execution(Succeeded|Failed|TimedOut|Aborted)"' "$1" | tail -1)
	case $last in
	*Succeeded*) echo SUCCEEDED ;;
	*Failed*) echo FAILED ;;
	*TimedOut*) echo TIMED_OUT ;;
	*Aborted*) echo ABORTED ;;
	*) echo RUNNING ;;
	esac
}

if [ -z "$corpus" ]; then
	echo "FAIL corpus: shared/corpus/aws-histories not found (set STEPSCOPE_CORPUS)"
else
	for h in "$corpus"/*.history.json; do
		hn=$(basename "$h" .history.json)
		out=$GOLDEN_TMP/$hn
		status=$(expected_status_name "$h")
		want=1
		[ "$status" = SUCCEEDED ] && want=0
		for mode in events summary json; do
			ext=$mode.txt
			[ "$mode" = json ] && ext=json
			"$STEPSCOPE" replay "--$mode" "$h" >"$out.$mode" 2>"$out.err"
			rc=$?
			expect_status "$hn.$mode" "$want" "$rc"
			golden_check "$hn.$mode" "$here/corpus/$hn.$ext" "$out.$mode"
		done
		if grep -q "^  \"status\": \"$status\"," "$out.json"; then
			echo "ok $hn.status"
		else
			echo "FAIL $hn.status: --json does not say $status"
		fi
		# The recorded definition has every state the history visits (--definition).
		"$STEPSCOPE" replay --definition "$corpus/$hn.asl.json" "$h" >/dev/null 2>"$out.def"
		if grep -q 'warning: \(the history visits\|state\)' "$out.def"; then
			echo "FAIL $hn.definition: $(grep warning "$out.def" | head -3)"
		else
			echo "ok $hn.definition"
		fi
		# Export round trip: the normalised export replays to the same events.
		"$STEPSCOPE" replay --events --history-out "$out.export.json" "$h" >/dev/null 2>&1
		"$STEPSCOPE" replay --events "$out.export.json" >"$out.rt" 2>/dev/null
		# Payloads are written back as compact JSON text, however they were recorded
		# (a few recordings have `{"a": 1}` with spaces): goldens for those.
		[ -f "$here/export/$hn.json" ] &&
			golden_check "$hn.export" "$here/export/$hn.json" "$out.export.json"
		if cmp -s "$out.events" "$out.rt"; then
			echo "ok $hn.roundtrip"
		else
			echo "FAIL $hn.roundtrip: export then import changes --events"
			diff -u "$out.events" "$out.rt" | head -20
		fi
	done
fi

for dir in "$here"/cases/*/; do
	cn=$(basename "$dir")
	out=$GOLDEN_TMP/case-$cn
	# shellcheck disable=SC2046 # args holds plain words
	(cd "$dir" && "$STEPSCOPE" replay $(cat args) >"$out.out" 2>"$out.err")
	echo $? >"$out.status"
	golden_check "case-$cn.stdout" "$dir/stdout" "$out.out"
	golden_check "case-$cn.stderr" "$dir/stderr" "$out.err"
	golden_check "case-$cn.status" "$dir/status" "$out.status"
done

# Export refuses to overwrite its own input (file_same).
cp "$here/cases/cli-v2-utc/history.json" "$GOLDEN_TMP/self.json"
if "$STEPSCOPE" replay --history-out "$GOLDEN_TMP/self.json" "$GOLDEN_TMP/self.json" \
	>/dev/null 2>"$GOLDEN_TMP/self.err"; then
	echo "FAIL export-self: overwriting the input was accepted"
elif cmp -s "$here/cases/cli-v2-utc/history.json" "$GOLDEN_TMP/self.json" &&
	grep -q -E 'refusing to (overwrite|write over)' "$GOLDEN_TMP/self.err"; then
	echo "ok export-self"
else
	echo "FAIL export-self: input changed or no message"
fi
