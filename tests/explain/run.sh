#!/bin/sh
# `stepscope run --explain STATE[#N]`: each data-flow step of a state's visit, or why a Choice
# went where it did. Goldens reviewed against the Choice and input/output processing pages:
# https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
# https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tools/golden.sh"

# case NAME EXPECTED_STATUS ARGS...: stdout and stderr against NAME.txt, and the exit status.
explain_case() {
	cn=$1 want=$2
	shift 2
	(cd "$top" && "$STEPSCOPE" run "$@") >"$GOLDEN_TMP/$cn" 2>&1
	got=$?
	expect_status "$cn.status" "$want" "$got" && echo "ok $cn.status"
	golden_check "$cn" "$here/$cn.txt" "$GOLDEN_TMP/$cn"
}

# The seed's GetItem: OutputPath picks the list out of the DynamoDB item.
explain_case seed-readddb 0 --explain ReadDDBTable
# The second Map item's Pass: it hands the DynamoDB-typed item on unchanged.
explain_case seed-lambda-item1 0 --explain 'MapPassState#1'
# A Choice: rule 1 fails (22 is not 0), rule 2 (20 <= 22 < 30) matches.
explain_case choice-rules 0 --explain Pick --input tests/explain/input.json tests/explain/choice.asl.json
explain_case choice-pass 0 --explain Twenties --input tests/explain/input.json tests/explain/choice.asl.json
# Errors: an unknown state, a state never visited, a Map item that does not exist.
explain_case unknown-state 2 --explain Nope
explain_case not-visited 2 --explain Zero --input tests/explain/input.json tests/explain/choice.asl.json
explain_case no-such-item 2 --explain 'LambdaInvoke#7'
# Nested Maps: outer iteration 1's LambdaInvoke#1 runs between outer iteration 0's Entered and
# Exited of LambdaInvoke#1; the visit follows previousEventId links, so its own result and
# Exited are shown ("output matches"), not the other iteration's.
explain_case nested-map-item 0 --explain 'LambdaInvoke#1' --set simulation.inlineMapConcurrencyCap=0 \
	--input tests/explain/outer2.json tests/bench/inline.asl.json
