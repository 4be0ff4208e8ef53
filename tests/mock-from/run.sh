#!/bin/sh
# mock-from golden suite.
#
# 1. Golden MockConfigFiles for a few recorded AWS histories of the shared corpus (reviewed by
#    hand against the history: invocation numbers per state in start order, Return = the raw
#    task result, Throw = the recorded error and cause, equal neighbours merged into ranges).
# 2. For every corpus history: mock-from, then `stepscope run --mock-config ... --test-case
#    Recorded --input <recorded input> NAME.asl.json` must exit as `replay` does (0 only when
#    the recording succeeded), except the three that cannot be reproduced (listed below).
#    Outputs and event sequences are compared as parsed JSON in tests/unit/test_mock_from.c.
# 3. CLI behaviour: names, --out refusing an input, usage errors.
# MockConfigFile: aws-facts c.1,
# https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tools/golden.sh"

find_corpus
if [ -z "$corpus" ]; then
	echo "FAIL corpus: shared/corpus/aws-histories not found (set STEPSCOPE_CORPUS)"
	exit 0
fi
t=$GOLDEN_TMP

# 1. golden mock files
for g in "$here"/golden/*.mock.json; do
	hn=$(basename "$g" .mock.json)
	"$STEPSCOPE" mock-from "$corpus/$hn.history.json" >"$t/out" 2>"$t/err"
	expect_status "golden-$hn" 0 $? && golden_check "golden-$hn" "$g" "$t/out"
done

# 2. every history: run with its mock exits like the recording
for h in "$corpus"/*.history.json; do
	hn=$(basename "$h" .history.json)
	case $hn in
	# Distributed Map children's tasks are not in the parent history; JSONata is not
	# simulated; a StopExecution call cannot be mocked.
	dmap-lambda-reentrant | *jsonata | wait-stop-execution-aborted) continue ;;
	esac
	"$STEPSCOPE" replay --json "$h" >/dev/null 2>&1
	want=$?
	"$STEPSCOPE" mock-from --out "$t/m.json" --input-out "$t/in.json" "$h" 2>"$t/err" ||
		{ echo "FAIL run-$hn: mock-from failed: $(cat "$t/err")"; continue; }
	"$STEPSCOPE" run --json --mock-config "$t/m.json" --test-case Recorded \
		--input "$t/in.json" --history-out "$t/h.out.json" "$corpus/$hn.asl.json" \
		>"$t/run" 2>"$t/err"
	got=$?
	grep -q '"status"' "$t/run" || { echo "FAIL run-$hn: no status: $(head -3 "$t/err")"; continue; }
	expect_status "run-$hn" "$want" "$got" && echo "ok run-$hn"
	# The recorded input comes back as AWS kept it, byte for byte: --input-out writes its
	# text and the run's history keeps the text it was given (ExecutionStarted is first).
	a=$(grep -m1 '"input": ' "$h" | sed 's/^ *//')
	b=$(grep -m1 '"input": ' "$t/h.out.json" | sed 's/^ *//')
	if [ -n "$a" ] && [ "$a" = "$b" ]; then
		echo "ok input-$hn"
	else
		echo "FAIL input-$hn: recorded $a, run wrote $b"
	fi
done

# 3. CLI
h="$corpus/lambda-legacy-retry-then-catch.history.json"
"$STEPSCOPE" mock-from --machine-name M --test-case T "$h" >"$t/out" 2>"$t/err"
if [ $? = 0 ] && grep -q '"M": {' "$t/out" && grep -q '"T": {' "$t/out"; then
	echo "ok cli-names"
else
	echo "FAIL cli-names: --machine-name / --test-case not used"
fi
cat >"$t/describe.json" <<'JSON'
{"executionArn": "arn:aws:states:us-east-1:111111111111:execution:Orders:e1",
 "stateMachineArn": "arn:aws:states:us-east-1:111111111111:stateMachine:Orders",
 "name": "e1", "status": "SUCCEEDED", "startDate": "2024-05-14T10:15:00Z"}
JSON
"$STEPSCOPE" mock-from "$h" "$t/describe.json" >"$t/out" 2>"$t/err"
if [ $? = 0 ] && grep -q '"Orders": {' "$t/out" && grep -q '"Recorded": {' "$t/out"; then
	echo "ok cli-describe-names-machine"
else
	echo "FAIL cli-describe-names-machine: $(head -3 "$t/out") $(cat "$t/err")"
fi
cp "$h" "$t/h.json"
"$STEPSCOPE" mock-from --out "$t/h.json" "$t/h.json" >/dev/null 2>"$t/err"
rc=$?
if [ $rc = 2 ] && cmp -s "$h" "$t/h.json" && grep -q "refusing to overwrite" "$t/err"; then
	echo "ok cli-refuses-input"
else
	echo "FAIL cli-refuses-input: status $rc, $(cat "$t/err")"
fi
"$STEPSCOPE" mock-from >/dev/null 2>&1
expect_status cli-no-history 2 $? && echo "ok cli-no-history"
"$STEPSCOPE" mock-from --bogus "$h" >/dev/null 2>&1
expect_status cli-bad-option 2 $? && echo "ok cli-bad-option"
echo '{"nope": 1}' >"$t/bad.json"
"$STEPSCOPE" mock-from "$t/bad.json" >/dev/null 2>&1
expect_status cli-not-history 2 $? && echo "ok cli-not-history"
