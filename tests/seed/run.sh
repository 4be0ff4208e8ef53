#!/bin/sh
# The seed scenario (docs: seed.md) as the learner runs it: the defaults and its three
# exercises, the Lambda models of config.yaml, and the simulated CloudWatch logs. Each case
# runs `stepscope run --json --history-out` (plus --logs) with the repository's config.yaml
# and checks numbers computed from that output (tests/seed/check.py), not a golden file.
# AWS behaviour: seed.md; aws-facts b.5 (TimeoutSeconds), b.6 (Retry), b.9 (Lambda);
# https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html (MaxConcurrency)
# https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html (START/END/REPORT lines)
. tests/tools/golden.sh

# seed_case NAME WANT_EXIT CHECK [CHECK_ARGS...] -- [stepscope run ARGS...]
seed_case() {
	name=$1 want=$2 check=$3
	shift 3
	extra=""
	while [ "$1" != "--" ]; do
		extra="$extra $1"
		shift
	done
	shift
	"$STEPSCOPE" run --config config.yaml --json --history-out "$GOLDEN_TMP/h.json" "$@" \
		>"$GOLDEN_TMP/r.json" 2>"$GOLDEN_TMP/err.txt"
	rc=$?
	expect_status "seed/$name" "$want" "$rc" || { head -5 "$GOLDEN_TMP/err.txt"; return 1; }
	"$STEPSCOPE" run --config config.yaml --logs "$@" >"$GOLDEN_TMP/logs.txt" 2>/dev/null
	# shellcheck disable=SC2086
	if why=$(python3 tests/seed/check.py "$check" "$GOLDEN_TMP/r.json" "$GOLDEN_TMP/h.json" \
		"$GOLDEN_TMP/logs.txt" $extra 2>&1); then
		echo "ok seed/$name"
	else
		echo "FAIL seed/$name: $why"
		return 1
	fi
}

# The four things to try (seed.md "What a learner does and sees").
seed_case defaults 0 defaults --
seed_case maxconcurrency-3 0 maxconc3 -- --set stepfunc.maxConcurrency=3
seed_case wait-25-timeout-20 1 timeout -- --set stepfunc.waitDurationSeconds=25
seed_case listofdicts 0 listofdicts -- --items samples/listofdicts.json

# Logs: one START/print/END/REPORT per invocation, ids as in the invoke envelopes.
seed_case logs 0 logs -- 
seed_case logs-listofdicts 0 logs -- --items samples/listofdicts.json
cold='lambda.default.coldStart={firstInvocationPerInstance: true, initMs: 245}'
seed_case cold-one-instance 0 cold 1 -- --set "$cold"
seed_case cold-three-instances 0 cold 3 -- --set "$cold" --set stepfunc.maxConcurrency=3

# Lambda models.
seed_case duration-fixed 0 fixed -- --set 'lambda.default.duration={model: fixed, ms: 250}'
seed_case duration-uniform 0 uniform -- --seed 3 \
	--set 'lambda.default.duration={model: uniform, minMs: 80, maxMs: 400}'
seed_case errors-invocation-range 0 invocation-range -- \
	--set 'lambda.default.errors={invocations: "1-1", error: Lambda.ServiceException}'
seed_case errors-rate-all 1 rate-all -- --set stepfunc.timeoutDurationSeconds=1000 \
	--set 'lambda.default.errors={rate: 1, error: Lambda.ServiceException}'
seed_case throttling 1 throttle -- --set lambda.accountConcurrency=1 \
	--set stepfunc.maxConcurrency=3

# A local command as the handler: its stderr is the function's log.
cmd=tests/sim/scenario-lambda-command
seed_case command-ok 0 command-ok -- --config "$cmd/config.yaml"
seed_case command-fails 1 command-fail Exception Exception -- --config "$cmd/config.yaml" \
	--set 'lambda.default.command=[sh, -c, "exit 3"]'
# A handler answering more than Lambda's 6 MB response limit fails as Lambda reports it.
seed_case command-huge-response 1 command-fail Function.ResponseSizeTooLarge \
	Function.ResponseSizeTooLarge -- --config "$cmd/config.yaml" \
	--set 'lambda.default.command=[sh, -c, "head -c 7000000 /dev/zero | tr x y"]'
seed_case command-timeout 1 command-fail Lambda.Unknown Sandbox.Timedout -- \
	--config "$cmd/config.yaml" --set lambda.default.timeoutMs=300 \
	--set 'lambda.default.command=[sleep, "5"]'

# The seed table's GetItem result as the optimized integration returns it.
seed_case ddb-getitem-metadata 0 ddb-metadata --
