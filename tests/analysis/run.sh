#!/bin/sh
# Golden suite of `stepscope sweep` and `stepscope compare` and the cost estimate, on the seed
# scenario (the repository's config.yaml) and two recorded histories of the shared corpus.
# Besides the golden files, the numbers are checked against each other (python3 reads the
# JSON): makespans fall with MaxConcurrency and equal `run --json` durationMs, --jobs does not
# change the output, compare's deltas are B - A, and the cost matches the formula by hand.
# Prices: https://aws.amazon.com/step-functions/pricing/ , https://aws.amazon.com/lambda/pricing/
# Map MaxConcurrency: https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tools/golden.sh"
cd "$top" || exit 2
S=$STEPSCOPE
T=$GOLDEN_TMP

if ! command -v python3 >/dev/null 2>&1; then
	echo "FAIL analysis: python3 is needed to read the JSON"
	exit 0
fi

# check NAME PYTHON-CODE FILE...: runs the code with the files as sys.argv[1:]; an assertion
# failure is a FAIL with its message.
check() {
	cname=$1 code=$2
	shift 2
	if msg=$(python3 -c "import json, sys
$code" "$@" 2>&1); then
		echo "ok $cname"
	else
		echo "FAIL $cname: $(echo "$msg" | tail -3)"
	fi
}

# 1. Sweep of the seed over maxConcurrency 1,2,3 in the three formats.
SW="--set stepfunc.maxConcurrency=1,2,3"
$S sweep $SW >"$T/sweep.txt" 2>&1
golden_check sweep-table "$here/sweep.txt" "$T/sweep.txt"
$S sweep $SW --json >"$T/sweep.json" 2>&1
golden_check sweep-json "$here/sweep.json" "$T/sweep.json"
$S sweep $SW --csv >"$T/sweep.csv" 2>&1
golden_check sweep-csv "$here/sweep.csv" "$T/sweep.csv"
for n in 1 2 3; do
	$S run --json --set stepfunc.maxConcurrency=$n >"$T/run$n.json"
done
check sweep-makespan '
rows = json.load(open(sys.argv[1]))
runs = [json.load(open(f)) for f in sys.argv[2:5]]
assert [r["set"]["stepfunc.maxConcurrency"] for r in rows] == [1, 2, 3], rows
ms = [r["makespanMs"] for r in rows]
assert ms[0] > ms[1] > ms[2], "makespan must fall with MaxConcurrency: %s" % ms
assert ms == [r["durationMs"] for r in runs], "sweep %s != run --json %s" % (
    ms, [r["durationMs"] for r in runs])
assert [r["peakConcurrency"] for r in rows] == [1, 2, 3]
assert all(r["invocations"] == 3 and r["transitions"] == 11 for r in rows)
import csv
c = list(csv.DictReader(open(sys.argv[5])))
assert [int(x["makespanMs"]) for x in c] == ms, c
' "$T/sweep.json" "$T/run1.json" "$T/run2.json" "$T/run3.json" "$T/sweep.csv"

# 2. The number of jobs changes nothing (several seeds, errors injected, a flow-map value).
J="--set stepfunc.maxConcurrency=1,2,3 --set lambda.default.errors.rate=0,0.3 --runs 3"
$S sweep $J --jobs 1 --json >"$T/j1.json" 2>&1
$S sweep $J --jobs 2 --json >"$T/j2.json" 2>&1
$S sweep $J --jobs 1 >"$T/j1.txt" 2>&1
$S sweep $J --jobs 2 >"$T/j2.txt" 2>&1
if cmp -s "$T/j1.json" "$T/j2.json" && cmp -s "$T/j1.txt" "$T/j2.txt"; then
	echo "ok sweep-jobs"
else
	echo "FAIL sweep-jobs: --jobs 1 and --jobs 2 differ"
	diff "$T/j1.json" "$T/j2.json" | head -10
fi
check sweep-runs '
rows = json.load(open(sys.argv[1]))
assert len(rows) == 6 and all(r["runs"] == 3 for r in rows)
for r in rows:
    assert r["min"]["makespanMs"] <= r["makespanMs"] <= r["max"]["makespanMs"], r
clean = [r for r in rows if r["set"]["lambda.default.errors.rate"] == 0]
assert all(r["status"] == "SUCCEEDED" and r["min"] == r["max"] for r in clean)
' "$T/j1.json"
$S sweep --set 'lambda.default.errors={rate: 1, error: Boom},{}' --json >"$T/flow.json" 2>&1
check sweep-flow-value '
rows = json.load(open(sys.argv[1]))
assert [r["set"]["lambda.default.errors"] for r in rows] == ["{rate: 1, error: Boom}", "{}"], rows
assert [r["status"] for r in rows] == ["FAILED", "SUCCEEDED"], rows
' "$T/flow.json"

# 3. compare: maxConcurrency 1 against 3 on the scenario.
C="--a-set stepfunc.maxConcurrency=1 --b-set stepfunc.maxConcurrency=3"
$S compare $C >"$T/compare.txt" 2>&1
golden_check compare-text "$here/compare.txt" "$T/compare.txt"
$S compare $C --json >"$T/compare.json" 2>&1
check compare-deltas '
o = json.load(open(sys.argv[1]))
a, b, d = o["a"], o["b"], o["delta"]
for k in d:
    assert abs(d[k] - (b[k] - a[k])) < 1e-9, k
assert a["makespanMs"] == json.load(open(sys.argv[2]))["durationMs"]
assert b["makespanMs"] == json.load(open(sys.argv[3]))["durationMs"]
assert d["makespanMs"] < 0 and d["throughputPerSec"] > 0
assert (a["peakConcurrency"], b["peakConcurrency"], d["peakConcurrency"]) == (1, 3, 2)
assert d["invocations"] == 0 and d["transitions"] == 0
' "$T/compare.json" "$T/run1.json" "$T/run3.json"

# 4. compare of two recorded histories (corpus timestamps are scrubbed: synthetic times).
find_corpus
if [ -z "$corpus" ]; then
	echo "FAIL compare-histories: the shared corpus was not found (set STEPSCOPE_CORPUS)"
else
	H="lambda-legacy-retry-then-catch.history.json map-inline-retry.history.json"
	(cd "$corpus" && $S compare $H) >"$T/hist.txt" 2>&1
	golden_check compare-histories-text "$here/compare-histories.txt" "$T/hist.txt"
	(cd "$corpus" && $S compare $H --json) >"$T/hist.json" 2>&1
	golden_check compare-histories-json "$here/compare-histories.json" "$T/hist.json"
	# By the events: the first has 4 LambdaFunctionScheduled (3 retries), the second a Map
	# retried twice; Standard bills entries + retries.
	check compare-histories-counts '
o = json.load(open(sys.argv[1]))
a, b = o["a"], o["b"]
assert a["syntheticTime"] and b["syntheticTime"]
assert (a["invocations"], a["retries"], a["transitions"]) == (4, 3, 2), a
assert (b["status"], b["retries"], b["transitions"], b["items"]) == ("FAILED", 2, 5, 3), b
assert abs(b["costUsd"] - 7 * 0.000025) < 1e-12, b
' "$T/hist.json"
fi

# 5. Cost by hand: the seed with 1024 MB functions. 11 transitions (ReadDDBTable, MapState,
# 3 x MapPassState/WaitInMap/LambdaInvoke) x $0.000025 = $0.000275; Lambda: 3 requests x
# $0.20/1e6 = $6e-7, 3 x 120 ms x 1 GB = 0.36 GB-s x $0.0000166667 = $6.000012e-6.
$S sweep --set lambda.default.memoryMB=1024 --json >"$T/cost.json" 2>&1
$S run --events --set lambda.default.memoryMB=1024 >"$T/cost.events" 2>&1
check cost-by-hand '
import re
row = json.load(open(sys.argv[1]))[0]
want = 11 * 0.000025 + 3 * 0.20 / 1e6 + 3 * 0.120 * 1.0 * 0.0000166667
assert abs(row["costUsd"] - want) < 1e-15, (row["costUsd"], want)
# The 120 ms per invocation is what the log says: TaskStarted -> TaskSucceeded of LambdaInvoke.
t = {}
runs = []
for line in open(sys.argv[2]):
    m = re.match(r"\[\s*([0-9.]+)\] (\d+) <- (\d+) (\w+) LambdaInvoke", line)
    if not m:
        continue
    ms, i, prev, typ = round(float(m[1]) * 1000), m[2], m[3], m[4]
    t[i] = ms
    if typ == "TaskSucceeded":
        runs.append(ms - t[prev])
assert runs == [120, 120, 120], runs
' "$T/cost.json" "$T/cost.events"
$S run --set lambda.default.memoryMB=1024 >"$T/cost.txt" 2>&1
if grep -q '^cost         0.000282 USD (transitions 0.000275 + Lambda 0.000007; us-east-1 prices of 2026-11-25)$' "$T/cost.txt"; then
	echo "ok run-cost-line"
else
	echo "FAIL run-cost-line: $(grep '^cost' "$T/cost.txt")"
fi

# 6. Usage errors exit 2 with a message.
usage_case() {
	cname=$1
	shift
	"$S" "$@" >"$T/u.out" 2>"$T/u.err"
	rc=$?
	if [ "$rc" = 2 ] && grep -q "$EXPECT" "$T/u.err"; then
		echo "ok $cname"
	else
		echo "FAIL $cname: status $rc, stderr: $(head -2 "$T/u.err")"
	fi
}
EXPECT="KEY=VALUE" usage_case usage-sweep-set sweep --set noequals
EXPECT="empty value" usage_case usage-sweep-empty sweep --set stepfunc.maxConcurrency=1,,2
EXPECT="must be between" usage_case usage-sweep-range sweep --set stepfunc.maxConcurrency=1,-4
EXPECT="give two sides" usage_case usage-compare-one compare config.yaml
EXPECT="does not apply to a recorded history" usage_case usage-compare-hist-set \
	compare --a-set stepfunc.maxConcurrency=2 tests/analysis/compare.json config.yaml
exit 0
