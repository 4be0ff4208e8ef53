#!/bin/sh
# The compare view (`stepscope compare A B` on a terminal): canvas goldens of one frame at
# 80x24, 120x30 and 160x48 (side by side from 200 columns) rendered without a terminal by
# `compare --dump WxH --at MS|end --keys KEYS [--roles]`, for the seed scenario with
# MaxConcurrency 1 against 3 (the seed's exercise 1, seed.md), with retries and with a timeout,
# and for recorded corpus histories; then the headless forms that must not change.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tools/golden.sh"
cd "$top" || exit 2

# frame NAME SIZE AT KEYS ARGS...: golden of one frame (text, then roles when asked).
frame() {
	cn=$1 size=$2 at=$3 keys=$4
	shift 4
	"$STEPSCOPE" compare --dump "$size" --at "$at" --keys "$keys" "$@" >"$GOLDEN_TMP/$cn" \
		2>"$GOLDEN_TMP/$cn.err"
	rc=$?
	expect_status "$cn" 0 "$rc" || { head -5 "$GOLDEN_TMP/$cn.err"; return; }
	golden_check "$cn" "$here/golden/$cn.txt" "$GOLDEN_TMP/$cn"
}

C13="--a-set stepfunc.maxConcurrency=1 --b-set stepfunc.maxConcurrency=3"
# shellcheck disable=SC2086 # $C13 is words
{
	# MaxConcurrency 1 against 3 at 2.5 s: B has finished its three items (their 2 s waits
	# overlapped), A has finished one and waits in the second; one cursor, one axis.
	frame conc-mid-80x24 80x24 2500 "" $C13 --roles
	frame conc-mid-120x30 120x30 2500 "" $C13
	frame conc-mid-160x48 160x48 2500 "" $C13 --roles
	# At the end: both finished; the deltas are those of `compare --json` (tests/analysis).
	frame conc-end-120x30 120x30 end "" $C13
	# Wide: side by side, each side with its own axis at the same scale.
	frame conc-wide-220x40 220x40 2500 "" $C13
	# Keys apply to both: `.` steps to the next event of either side (from 0: the
	# executions' first events), `,` back; > zooms both around the cursor; Tab selects B and
	# j moves B's row selection (heavy border and selected row on B).
	frame conc-step-80x24 80x24 0 "...." $C13
	frame conc-step-back-80x24 80x24 2500 ",," $C13
	frame conc-zoom-120x30 120x30 2500 ">>" $C13
	frame conc-tab-rows-120x30 120x30 end "<Tab>jj" $C13 --roles
	frame conc-help-80x24 80x24 2500 "?" $C13
	# Space plays (a dump renders paused: playing is shown in the header).
	frame conc-play-80x24 80x24 1000 " " $C13 --ascii
	# Invocations 0-2 failing with Lambda.ServiceException (the seed's CDK retrier: back-off
	# 2 s, 4 s, 8 s on item 0) against none; both with a 60 s timeout. Then a Wait of 25 s
	# against the 20 s execution timeout (seed.md exercise 3: TIMED_OUT, the timeout line).
	frame retry-end-160x48 160x48 end "" --set stepfunc.timeoutDurationSeconds=60 \
		--b-set 'lambda.default.errors={invocations: "0-2", error: Lambda.ServiceException}'
	frame timeout-end-120x30 120x30 end "" --b-set stepfunc.waitDurationSeconds=25
	frame timeout-mid-80x24 80x24 19000 "" --b-set stepfunc.waitDurationSeconds=25 --ascii
}

find_corpus
if [ -z "$corpus" ]; then
	echo "FAIL compare-histories: the shared corpus was not found (set STEPSCOPE_CORPUS)"
else
	# Two recorded histories (scrubbed timestamps: event-order times), and a history against
	# the simulated seed scenario (named relative to the corpus folder).
	H="lambda-legacy-retry-then-catch.history.json map-inline-retry.history.json"
	# shellcheck disable=SC2086
	(cd "$corpus" && "$STEPSCOPE" compare --dump 120x30 --at end $H) >"$GOLDEN_TMP/h" 2>&1
	golden_check hist-end-120x30 "$here/golden/hist-end-120x30.txt" "$GOLDEN_TMP/h"
	(cd "$corpus" && "$STEPSCOPE" compare --dump 160x48 --at 20 \
		map-inline-pass-8items-maxconc1.history.json map-inline-catch.history.json) \
		>"$GOLDEN_TMP/h2" 2>&1
	golden_check hist-mid-160x48 "$here/golden/hist-mid-160x48.txt" "$GOLDEN_TMP/h2"
	(cd "$corpus" && "$STEPSCOPE" compare --dump 80x24 --at end \
		map-inline-pass-8items-maxconc1.history.json "$top/config.yaml") >"$GOLDEN_TMP/h3" 2>&1
	golden_check hist-vs-sim-80x24 "$here/golden/hist-vs-sim-80x24.txt" "$GOLDEN_TMP/h3"
fi

# Headless: without a terminal (as here) compare prints its table; --text forces it on a
# terminal and prints the same bytes; --json is unchanged (tests/analysis has the goldens).
# shellcheck disable=SC2086
"$STEPSCOPE" compare $C13 >"$GOLDEN_TMP/plain" 2>&1
# shellcheck disable=SC2086
"$STEPSCOPE" compare --text $C13 >"$GOLDEN_TMP/text" 2>&1
if cmp -s "$GOLDEN_TMP/plain" "$GOLDEN_TMP/text" && grep -q '^makespan s' "$GOLDEN_TMP/text"; then
	echo "ok text-flag"
else
	echo "FAIL text-flag: --text differs from the headless output"
fi
# --text, --json and --dump exclude each other.
# shellcheck disable=SC2086
"$STEPSCOPE" compare --json --text $C13 >"$GOLDEN_TMP/u" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -q 'alternatives' "$GOLDEN_TMP/u"; then
	echo "ok usage-alternatives"
else
	echo "FAIL usage-alternatives: exit $rc: $(head -1 "$GOLDEN_TMP/u")"
fi
