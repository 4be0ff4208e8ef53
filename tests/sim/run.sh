#!/bin/sh
# Golden cases of the simulator: tests/sim/<case>/ holds definition.asl.json (or a scenario
# config.yaml run without DEFINITION) and optionally input.json, mock.json, args (extra `stepscope run` arguments on one line) and result-only
# (compare result.json only: the history is too long for a golden file). Each case is run
# with --events (→ events.txt) and --json (→ result.json, stderr included); a Distributed Map
# case also with --child-events (→ children.txt: each child execution's own history); a case
# with history.json also with --history-out. README says what the case checks and which AWS
# document it follows.
. tests/tools/golden.sh

run_case() {
	dir=$1 cname=$(basename "$1")
	set --
	if [ -f "$dir/args" ]; then
		# shellcheck disable=SC2046
		set -- $(cat "$dir/args")
	fi
	[ -f "$dir/input.json" ] && set -- "$@" --input "$dir/input.json"
	[ -f "$dir/mock.json" ] && set -- "$@" --mock-config "$dir/mock.json"
	# A scenario case runs its config.yaml (the seed with its knobs), otherwise the definition.
	if [ -f "$dir/config.yaml" ]; then
		set -- "$@" --config "$dir/config.yaml"
	else
		set -- "$@" "$dir/definition.asl.json"
	fi
	"$STEPSCOPE" run --json "$@" >"$GOLDEN_TMP/result.json" 2>&1
	rc=$?
	# The exit status follows the status: 0 SUCCEEDED, 1 any other end, 2 refused.
	want=2
	grep -q '^  "status": "SUCCEEDED"' "$GOLDEN_TMP/result.json" && want=0
	grep -q '^  "status": "\(FAILED\|TIMED_OUT\|ABORTED\)"' "$GOLDEN_TMP/result.json" && want=1
	expect_status "$cname" "$want" "$rc" || return 1
	ok=0
	if [ ! -f "$dir/result-only" ]; then
		"$STEPSCOPE" run --events "$@" >"$GOLDEN_TMP/events.txt" 2>&1
		golden_check "$cname/events" "$dir/events.txt" "$GOLDEN_TMP/events.txt" || ok=1
	fi
	dmap=
	grep -q '"DISTRIBUTED"' "$dir/definition.asl.json" 2>/dev/null && dmap=1
	if [ -n "$dmap" ]; then
		"$STEPSCOPE" run --child-events "$@" >"$GOLDEN_TMP/children.txt" 2>&1
		golden_check "$cname/children" "$dir/children.txt" "$GOLDEN_TMP/children.txt" || ok=1
	fi
	golden_check "$cname/result" "$dir/result.json" "$GOLDEN_TMP/result.json" || ok=1
	# A case with history.json also pins the exported history (get-execution-history JSON,
	# every details field), where a detail the text form leaves out matters.
	if [ -f "$dir/history.json" ]; then
		"$STEPSCOPE" run --history-out "$GOLDEN_TMP/history.json" "$@" >/dev/null 2>&1
		golden_check "$cname/history" "$dir/history.json" "$GOLDEN_TMP/history.json" || ok=1
	fi
	[ "$rc" = 2 ] && return $ok
	# Round trip: the exported history, imported again, gives the same log (ids, previous
	# ids, types, state names, Map iteration indexes) and the same --json result.
	# (stdout only: a local handler's log goes to stderr). A Distributed Map's children are
	# written to h.json.children/ and read back with --children: the same child histories
	# and the same Map Run counts.
	rm -rf "$GOLDEN_TMP/h.json.children"
	"$STEPSCOPE" run --events --history-out "$GOLDEN_TMP/h.json" "$@" \
		>"$GOLDEN_TMP/run.txt" 2>/dev/null
	"$STEPSCOPE" run --json "$@" >"$GOLDEN_TMP/run.json" 2>/dev/null
	# A Map Run that never started (a bad Tolerated...Path) leaves no children to read back.
	[ -d "$GOLDEN_TMP/h.json.children" ] || dmap=
	if [ -n "$dmap" ]; then
		set -- --children "$GOLDEN_TMP/h.json.children"
		cat "$GOLDEN_TMP/children.txt" >>"$GOLDEN_TMP/run.txt"
	else
		set --
	fi
	"$STEPSCOPE" replay --events "$GOLDEN_TMP/h.json" >"$GOLDEN_TMP/replay.txt" 2>&1
	[ -n "$dmap" ] && "$STEPSCOPE" replay --child-events "$@" "$GOLDEN_TMP/h.json" \
		>>"$GOLDEN_TMP/replay.txt" 2>&1
	"$STEPSCOPE" replay --json "$@" "$GOLDEN_TMP/h.json" >"$GOLDEN_TMP/replay.json" 2>&1
	if cmp -s "$GOLDEN_TMP/run.txt" "$GOLDEN_TMP/replay.txt" &&
		cmp -s "$GOLDEN_TMP/run.json" "$GOLDEN_TMP/replay.json"; then
		echo "ok $cname/round-trip"
	else
		echo "FAIL $cname/round-trip: replaying --history-out differs from the run"
		diff "$GOLDEN_TMP/run.txt" "$GOLDEN_TMP/replay.txt" | head -10
		diff "$GOLDEN_TMP/run.json" "$GOLDEN_TMP/replay.json" | head -10
		ok=1
	fi
	return $ok
}

for dir in tests/sim/*/; do
	dir=${dir%/}
	[ -f "$dir/definition.asl.json" ] || [ -f "$dir/config.yaml" ] || continue
	run_case "$dir"
done

# Determinism: the same definition, input, mocks and seed give the byte-identical log.
det=tests/sim/retry-jitter-full
"$STEPSCOPE" run --events --seed 7 --mock-config "$det/mock.json" "$det/definition.asl.json" \
	>"$GOLDEN_TMP/a.txt" 2>&1
"$STEPSCOPE" run --events --seed 7 --mock-config "$det/mock.json" "$det/definition.asl.json" \
	>"$GOLDEN_TMP/b.txt" 2>&1
"$STEPSCOPE" run --events --seed 8 --mock-config "$det/mock.json" "$det/definition.asl.json" \
	>"$GOLDEN_TMP/c.txt" 2>&1
scn=tests/sim/seed-config-listofdicts/config.yaml
"$STEPSCOPE" run --config "$scn" --history-out "$GOLDEN_TMP/h1.json" >/dev/null 2>&1
"$STEPSCOPE" run --config "$scn" --history-out "$GOLDEN_TMP/h2.json" >/dev/null 2>&1
if cmp -s "$GOLDEN_TMP/h1.json" "$GOLDEN_TMP/h2.json" && [ -s "$GOLDEN_TMP/h1.json" ]; then
	echo "ok determinism/history-out"
else
	echo "FAIL determinism/history-out: two exports of one scenario differ"
fi
if cmp -s "$GOLDEN_TMP/a.txt" "$GOLDEN_TMP/b.txt" && [ -s "$GOLDEN_TMP/a.txt" ]; then
	echo "ok determinism/same-seed"
else
	echo "FAIL determinism/same-seed: two runs with --seed 7 differ"
fi
# FULL jitter draws from the seeded generator: another seed moves the retries.
if cmp -s "$GOLDEN_TMP/a.txt" "$GOLDEN_TMP/c.txt"; then
	echo "FAIL determinism/other-seed: --seed 7 and --seed 8 give the same jittered times"
else
	echo "ok determinism/other-seed"
fi
