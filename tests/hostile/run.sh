#!/bin/sh
# Hostile input: the real binary on inputs built to break it — nesting hundreds of thousands
# of levels deep, a 50 MB file, one very long line, invalid UTF-8, NUL bytes, a YAML alias
# bomb, duplicate keys, numbers out of range, cycles. Each command runs under `timeout 20`
# (a timeout is a FAIL, and so is a signal or a sanitizer report) and must end with the
# expected exit status and a one-line message that names the problem: for exit 2 the first
# line of stderr is `file:line:col: error: ...` or `stepscope: ...` and matches a pattern.
# The big inputs are generated here, never committed.
#
# Also "nothing lost": every output-file option (replay --history-out) writes atomically:
# an existing file is untouched when the command fails, and an output equal to an input is
# refused.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tools/golden.sh"
T=$GOLDEN_TMP

# run_case NAME WANT_STATUS ERR_PATTERN -- ARGS...: runs stepscope ARGS in $T.
run_case() {
	name=$1 want=$2 pattern=$3
	shift 4
	(cd "$T" && timeout 20 "$STEPSCOPE" "$@") >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ "$rc" = 124 ]; then
		echo "FAIL $name: timed out after 20 s (a hang)"
		return 1
	fi
	if [ "$rc" -gt 128 ]; then
		echo "FAIL $name: killed by signal $((rc - 128))"
		head -5 "$T/err"
		return 1
	fi
	if grep -q -E 'Sanitizer|runtime error:' "$T/err"; then
		echo "FAIL $name: sanitizer report"
		grep -m5 -E 'ERROR|runtime error' "$T/err"
		return 1
	fi
	expect_status "$name" "$want" "$rc" || { head -3 "$T/err" | cut -c1-200; return 1; }
	first=$(head -1 "$T/err")
	if ! printf '%s\n' "$first" | grep -q -E "$pattern"; then
		echo "FAIL $name: first stderr line does not match /$pattern/:"
		printf '    %s\n' "$first" | cut -c1-300
		return 1
	fi
	# One line of message: never a flood (the source line shown under it is clipped).
	if [ "$(wc -c <"$T/err")" -gt 4000 ] && [ "$want" != 0 ]; then
		echo "FAIL $name: $(wc -c <"$T/err") bytes on stderr"
		return 1
	fi
	echo "ok $name"
}

# def_case NAME WANT_STATUS ERR_PATTERN FILE: a definition file through validate and graph.
def_case() {
	run_case "$1" "$2" "$3" -- validate "$4"
	cp "$T/out" "$T/validate.out"
	run_case "graph.$1" "$2" "$3" -- graph "$4"
}

# repeat N STRING: STRING N times, without a newline.
repeat() {
	awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'
}

LOC='^[^:]+:[0-9]+:[0-9]+: error: '
GOOD='{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'

# ---- nesting ----
repeat 300000 '[' >"$T/deep-open.asl.json"
def_case deep-json-open 2 "${LOC}.*depth" deep-open.asl.json
{ repeat 300000 '['; repeat 300000 ']'; } >"$T/deep-closed.asl.json"
def_case deep-json-closed 2 "${LOC}.*depth" deep-closed.asl.json
{ printf 'StartAt: A\nStates: '; repeat 300000 '['; } >"$T/deep-flow.asl.yaml"
def_case deep-yaml-flow 2 "${LOC}.*nesting deeper" deep-flow.asl.yaml
{ printf 'Comment: '; repeat 300000 '{a: '; } >"$T/deep-map.asl.yaml"
def_case deep-yaml-flow-map 2 "${LOC}" deep-map.asl.yaml
{ repeat 300000 '- '; printf 'x\n'; } >"$T/deep-block.asl.yaml"
def_case deep-yaml-block 2 "${LOC}.*nesting deeper" deep-block.asl.yaml
{ printf '{"events": '; repeat 300000 '['; } >"$T/deep-history.json"
run_case deep-history 2 "${LOC}" -- replay deep-history.json
{ printf 'simulation: '; repeat 300000 '['; } >"$T/deep-config.yaml"
run_case deep-config 2 "${LOC}" -- definition --config deep-config.yaml

# Deep but within the parsers' limits: 300 nested Not rules, 250 nested Parallel states.
{
	printf '{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Next": "E", '
	repeat 300 '"Not": {'
	printf '"Variable": "$.x", "IsPresent": true'
	repeat 300 '}'
	printf '}], "Default": "E"}, "E": {"Type": "Succeed"}}}'
} >"$T/deep-rules.asl.json"
def_case deep-choice-rules 2 "${LOC}.*nested deeper" deep-rules.asl.json
{
	awk 'BEGIN { for (i = 0; i < 250; i++) printf "{\"StartAt\": \"P%d\", \"States\": {\"P%d\": {\"Type\": \"Parallel\", \"End\": true, \"Branches\": [", i, i }'
	printf '{"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}'
	repeat 250 ']}}}'
} >"$T/deep-parallel.asl.json"
def_case deep-parallel 2 "${LOC}.*nesting deeper" deep-parallel.asl.json

# ---- size ----
# 50 MB: a valid definition whose Comment is one 50 MB line; then the same bytes broken at
# the end (the error is located past 50 MB).
big() {
	printf '{"Comment": "'
	awk 'BEGIN { s = "0123456789abcdef"; for (i = 0; i < 12; i++) s = s s;
		for (i = 0; i < 800; i++) printf "%s", s }'
	printf '", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}%s\n' "$1"
}
big '}' >"$T/big.asl.json"
def_case big-50mb-valid 0 '^$' big.asl.json
grep -q '^big.asl.json: ok (1 states)' "$T/validate.out" && echo "ok big-50mb-valid.output" ||
	echo "FAIL big-50mb-valid.output: $(head -c 200 "$T/out")"
big ',' >"$T/big-bad.asl.json"
def_case big-50mb-broken 2 "${LOC}JSON syntax error" big-bad.asl.json
# A long line of many states: 20,000 states on one line, the last one broken.
{
	printf '{"StartAt": "S0", "States": {'
	awk 'BEGIN { for (i = 0; i < 20000; i++) printf "\"S%d\": {\"Type\": \"Pass\", \"Next\": \"S%d\"}, ", i, i + 1 }'
	printf '"S20000": {"Type": "Pass", "End": "yes"}}}'
} >"$T/long-line.asl.json"
def_case long-line-many-states 2 "^long-line.asl.json:1:[0-9]+: error: " long-line.asl.json
# A long history: 60,002 events (about 10 MB), replayed and written back out.
awk 'BEGIN {
	printf "{\"events\": [{\"id\": 1, \"type\": \"ExecutionStarted\", \"timestamp\": \"2024-01-01T00:00:00Z\", \"executionStartedEventDetails\": {\"input\": \"{}\"}}"
	for (id = 2; id < 60002; id += 2) {
		printf ", {\"id\": %d, \"previousEventId\": %d, \"type\": \"PassStateEntered\", \"timestamp\": \"2024-01-01T00:00:01Z\", \"stateEnteredEventDetails\": {\"name\": \"P\", \"input\": \"{}\"}}", id, id - 1
		printf ", {\"id\": %d, \"previousEventId\": %d, \"type\": \"PassStateExited\", \"timestamp\": \"2024-01-01T00:00:01Z\", \"stateExitedEventDetails\": {\"name\": \"P\", \"output\": \"{}\"}}", id + 1, id
	}
	printf ", {\"id\": 60002, \"previousEventId\": 60001, \"type\": \"ExecutionSucceeded\", \"timestamp\": \"2024-01-01T00:00:02Z\", \"executionSucceededEventDetails\": {\"output\": \"{}\"}}]}\n"
}' >"$T/long-history.json"
run_case long-history 0 '^$' -- replay --history-out long-history-out.json long-history.json
grep -q '^events: *60002$' "$T/out" && echo "ok long-history.summary" ||
	echo "FAIL long-history.summary: $(grep events: "$T/out")"

# A 50 MB file of zero bytes, and a file that is not text at all.
head -c 52428800 /dev/zero >"$T/zeros.json"
def_case zeros-50mb 2 "${LOC}" zeros.json
run_case zeros-50mb-history 2 "${LOC}" -- replay zeros.json
awk 'BEGIN { srand(7); for (i = 0; i < 200000; i++) printf "%c", int(rand() * 255) + 1 }' \
	>"$T/noise.yaml"
def_case binary-noise 2 "${LOC}|^stepscope: " noise.yaml
: >"$T/empty.json"
def_case empty-file 2 "${LOC}|^stepscope: " empty.json
run_case empty-history 2 "${LOC}|^stepscope: " -- replay empty.json

# ---- encoding ----
printf '{"StartAt": "A", "States": {"A\377\376": {"Type": "Succeed"}}}' >"$T/utf8.asl.json"
def_case invalid-utf8-json 2 "${LOC}.*(UTF-8|decode byte)" utf8.asl.json
printf 'StartAt: A\nStates:\n  "A\377": {Type: Succeed}\n' >"$T/utf8.asl.yaml"
def_case invalid-utf8-yaml 2 "${LOC}" utf8.asl.yaml
printf '{"StartAt": "A", "States": {"A": {"Type": "Succeed"\000}}}' >"$T/nul.asl.json"
def_case nul-json 2 "${LOC}" nul.asl.json
printf '%s\000garbage' "$GOOD" >"$T/nul-tail.asl.json"
def_case nul-after-json 2 "${LOC}" nul-tail.asl.json
printf 'StartAt: A\nStates:\n  A: {Type: Succeed\000}\n' >"$T/nul.asl.yaml"
def_case nul-yaml 2 "${LOC}" nul.asl.yaml
printf '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "\\u0000x", "End": true}}}' \
	>"$T/escaped-nul.asl.json"
def_case escaped-nul-json 2 "${LOC}" escaped-nul.asl.json
printf '{"events": [{"id": 1, "type": "ExecutionStarted\000", "timestamp": 1}]}' >"$T/nul-h.json"
run_case nul-history 2 "${LOC}" -- replay nul-h.json
printf '[{"id": 1, "type": "ExecutionStarted", "timestamp": 1\000}, {"id": 2, "previousEventId": 1, "type": "ExecutionSucceeded", "timestamp": 2}]' \
	>"$T/nul-h2.json"
run_case nul-history-between-tokens 2 "${LOC}.*NUL" -- replay nul-h2.json

printf 'simulation: 1\000garbage' >"$T/nul-config.yaml"
run_case nul-config 2 "${LOC}" -- definition --config nul-config.yaml
printf 'simulation:\n  seed: "\377"\n' >"$T/utf8-config.yaml"
run_case invalid-utf8-config 2 "${LOC}" -- definition --config utf8-config.yaml
run_case zeros-50mb-config 2 "${LOC}" -- definition --config zeros.json

# ---- YAML alias bomb ("billion laughs"): 10^9 values from 1 KB ----
laughs() {
	printf '%sa: &a ["x","x","x","x","x","x","x","x","x","x"]\n' "$1"
	prev=a
	for l in b c d e f g h i; do
		printf '%s%s: &%s [' "$1" $l $l
		repeat 9 "*$prev,"
		printf '*%s]\n' $prev
		prev=$l
	done
}
{ laughs ''; printf 'StartAt: A\nStates: {A: {Type: Pass, Result: *i, End: true}}\n'; } \
	>"$T/laughs.asl.yaml"
def_case yaml-alias-bomb 2 "${LOC}.*alias" laughs.asl.yaml
# In config.yaml a service's `result` takes any YAML, aliases included.
{ printf 'services:\n  "arn:*":\n    result:\n'; laughs '      '; } >"$T/laughs-config.yaml"
run_case yaml-alias-bomb-config 2 "${LOC}.*(too deep or too large|expands to more than)" -- \
	definition --config laughs-config.yaml
# Chained anchors: 5,000 levels deep from 5,000 short lines.
{
	printf 'services:\n  "arn:*":\n    result:\n      k0: &k0 x\n'
	awk 'BEGIN { for (i = 1; i <= 5000; i++) printf "      k%d: &k%d [*k%d]\n", i, i, i - 1 }'
} >"$T/chain-config.yaml"
run_case yaml-alias-chain-config 2 "${LOC}.*(too deep or too large|expands to more than)" -- \
	definition --config chain-config.yaml
{
	printf 'k0: &k0 x\n'
	awk 'BEGIN { for (i = 1; i <= 50000; i++) printf "k%d: &k%d [*k%d]\n", i, i, i - 1 }'
	printf 'StartAt: A\nStates: {A: {Type: Pass, Result: *k50000, End: true}}\n'
} >"$T/chain.asl.yaml"
def_case yaml-alias-chain 2 "${LOC}" chain.asl.yaml
printf 'a: &a [*a]\n' >"$T/self-alias.asl.yaml"
def_case yaml-self-alias 2 "${LOC}" self-alias.asl.yaml

# ---- duplicate keys ----
printf '{"StartAt": "A", "StartAt": "B", "States": {"A": {"Type": "Succeed"}}}' >"$T/dup.asl.json"
def_case duplicate-key-json 2 "${LOC}.*duplicate" dup.asl.json
printf 'StartAt: A\nStates:\n  A: {Type: Succeed}\n  A: {Type: Pass, End: true}\n' \
	>"$T/dup.asl.yaml"
def_case duplicate-key-yaml 2 "${LOC}.*[Dd]uplicate" dup.asl.yaml
printf 'simulation:\n  seed: 1\n  seed: 2\n' >"$T/dup-config.yaml"
run_case duplicate-key-config 2 "${LOC}.*[Dd]uplicate" -- definition --config dup-config.yaml

# ---- numbers out of range ----
printf '{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1e400, "End": true}}}' \
	>"$T/huge-real.asl.json"
def_case real-1e400-json 2 "${LOC}" huge-real.asl.json
printf '{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999999999999999999, "End": true}}}' \
	>"$T/huge-int.asl.json"
def_case int-99999999999999999999-json 2 "${LOC}" huge-int.asl.json
printf 'StartAt: W\nStates:\n  W: {Type: Wait, Seconds: 1e400, End: true}\n' >"$T/huge-real.asl.yaml"
def_case real-1e400-yaml 2 "${LOC}" huge-real.asl.yaml
printf 'StartAt: W\nStates:\n  W: {Type: Wait, Seconds: 99999999999999999999, End: true}\n' \
	>"$T/huge-int.asl.yaml"
def_case int-99999999999999999999-yaml 2 "${LOC}" huge-int.asl.yaml
printf '{"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": -99999999999999999999, "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}' \
	>"$T/neg-int.asl.json"
def_case int-negative-huge-json 2 "${LOC}" neg-int.asl.json
printf 'stepfunc:\n  maxConcurrency: 99999999999999999999\n' >"$T/huge-config.yaml"
run_case int-huge-config 2 "${LOC}" -- definition --config huge-config.yaml
printf 'simulation:\n  speed: 1e400\n' >"$T/huge-speed.yaml"
run_case real-huge-config 2 "${LOC}" -- definition --config huge-speed.yaml
printf '{"events": [{"id": 99999999999999999999, "type": "ExecutionStarted", "timestamp": 1e400}]}' \
	>"$T/huge-h.json"
run_case huge-numbers-history 2 "${LOC}" -- replay huge-h.json
printf '[{"id": 1, "type": "ExecutionStarted", "timestamp": 1.7e308, "executionStartedEventDetails": {"input": "{}"}}, {"id": 2, "previousEventId": 1, "type": "ExecutionSucceeded", "timestamp": -1.7e308, "executionSucceededEventDetails": {"output": "{}"}}]' \
	>"$T/extreme-time.json"
run_case extreme-timestamps-history 0 '.*' -- replay extreme-time.json
printf '[{"id": 9223372036854775807, "type": "ExecutionStarted", "timestamp": 1}, {"id": -9223372036854775807, "previousEventId": 9223372036854775807, "type": "ExecutionSucceeded", "timestamp": 2}]' \
	>"$T/extreme-ids.json"
run_case extreme-ids-history 2 "${LOC}|^[^:]+:/events/1/id: error: " -- replay extreme-ids.json

# ---- cycles ----
# A loop through Next with a way out is legal ASL; a pure cycle has no terminal state.
printf '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Choice", "Choices": [{"Variable": "$.done", "BooleanEquals": true, "Next": "C"}], "Default": "A"}, "C": {"Type": "Succeed"}}}' \
	>"$T/loop.asl.json"
def_case legal-loop 0 '^$' loop.asl.json
printf '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}' \
	>"$T/cycle.asl.json"
# validate accepts both (no AWS rule for a missing terminal state is documented in
# aws-facts.md); what matters here is that the reachability walk ends.
def_case pure-cycle 0 '^$' cycle.asl.json
grep -q '^cycle.asl.json: ok (2 states)' "$T/validate.out" && echo "ok pure-cycle.output" ||
	echo "FAIL pure-cycle.output: $(head -c 200 "$T/out")"
printf '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A"}}}' >"$T/self.asl.json"
def_case self-cycle 0 '^$' self.asl.json
# Many states: a 5,000-state chain, and Choices with N branches whose targets jump around
# (every edge crosses the layout).
{
	printf '{"StartAt": "S0", "States": {'
	awk 'BEGIN { for (i = 0; i < 5000; i++) printf "\"S%d\": {\"Type\": \"Pass\", \"Next\": \"S%d\"}, ", i, i + 1 }'
	printf '"S5000": {"Type": "Succeed"}}}'
} >"$T/chain.asl.json"
def_case chain-5000-states 0 '^$' chain.asl.json
# wide_choice N: a Choice with N branches to N Pass states whose Next jump around.
wide_choice() {
	printf '{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": ['
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "{\"Variable\": \"$.x\", \"NumericEquals\": %d, \"Next\": \"S%d\"}, ", i, i }'
	printf '{"Variable": "$.x", "NumericEquals": -1, "Next": "C"}], "Default": "E"}, '
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "\"S%d\": {\"Type\": \"Pass\", \"Next\": \"S%d\"}, ", i, (i * 7919) % n }'
	printf '"E": {"Type": "Succeed"}}}'
}
wide_choice 400 >"$T/wide.asl.json"
def_case choice-400-tangled 0 '^$' wide.asl.json
# 2,000 branches: a 61,749 x 14,686 drawing (once 44 s and 8 GB). The layout takes a fraction
# of a second; text and SVG refuse past 20,000,000 cells; dot and Mermaid draw it.
wide_choice 2000 >"$T/wide2000.asl.json"
run_case choice-2000-tangled-text 2 "^stepscope: graph: .*61749 columns by 14686 rows, over the limit of 20000000 cells" -- \
	graph wide2000.asl.json
run_case choice-2000-tangled-svg 2 "^stepscope: graph: .*over the limit of 20000000 cells" -- \
	graph --format svg wide2000.asl.json
run_case choice-2000-tangled-dot 0 '^$' -- graph --format dot wide2000.asl.json
# 2,001 rules, the Default, 2,000 Next edges and the start arrow.
grep -c -- '->' "$T/out" | grep -q '^4003$' && echo "ok choice-2000-tangled-dot.edges" ||
	echo "FAIL choice-2000-tangled-dot.edges: $(grep -c -- '->' "$T/out") arrows, want 4003"
run_case choice-2000-tangled-validate 0 '^$' -- validate wide2000.asl.json
# A Choice at the top of an 800-state chain with a branch to every state: each branch crosses
# every layer above its target, 319,600 layout items: the layout is refused.
{
	printf '{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": ['
	awk 'BEGIN { for (i = 0; i < 800; i++) printf "%s{\"Variable\": \"$.x\", \"NumericEquals\": %d, \"Next\": \"S%d\"}", i ? ", " : "", i, i }'
	printf '], "Default": "S0"}, '
	awk 'BEGIN { for (i = 0; i < 800; i++) printf "\"S%d\": {\"Type\": \"Pass\", \"Next\": \"S%d\"}, ", i, i + 1 }'
	printf '"S800": {"Type": "Succeed"}}}'
} >"$T/fan-chain.asl.json"
run_case choice-to-chain-text 2 "^stepscope: graph: .*too large to lay out: it needs more than 250000 layout items" -- \
	graph fan-chain.asl.json
run_case choice-to-chain-mermaid 0 '^$' -- graph --format mermaid fan-chain.asl.json

# Events whose previousEventId form a cycle, and one that points at itself.
printf '[{"id": 1, "type": "ExecutionStarted", "timestamp": 1, "previousEventId": 2}, {"id": 2, "previousEventId": 1, "type": "TaskStateEntered", "timestamp": 2, "stateEnteredEventDetails": {"name": "T"}}, {"id": 3, "previousEventId": 3, "type": "TaskStateExited", "timestamp": 3, "stateExitedEventDetails": {"name": "T"}}]' \
	>"$T/cycle-h.json"
run_case history-prev-cycle 1 '.*' -- replay cycle-h.json
# The same id a thousand times.
{
	printf '['
	awk 'BEGIN { for (i = 0; i < 1000; i++) printf "{\"id\": 1, \"type\": \"PassStateEntered\", \"timestamp\": %d, \"stateEnteredEventDetails\": {\"name\": \"P\"}}, ", i }'
	printf '{"id": 1, "type": "ExecutionStarted", "timestamp": 0}]'
} >"$T/dup-ids.json"
run_case history-duplicate-ids 1 '.*' -- replay dup-ids.json

# ---- JSONPath: filters nested in filters, each scanning the whole input ----
# nodes^depth work: the evaluation stops at its step limit (a States.Runtime failure of the
# execution) and validation refuses filters nested more than 4 deep, located at the 5th.
{
	printf '{"a": ['
	awk 'BEGIN { for (i = 0; i < 10; i++) printf "%s[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", i ? ", " : "" }'
	printf '], "x": 1}'
} >"$T/in113.json"
printf '{"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "%s", "End": true}}}' \
	'$..[?($..[?($..[?($..[?($..x)])])])]' >"$T/costly-path.asl.json"
run_case run-path-step-limit 1 '^$' -- run --input in113.json costly-path.asl.json
grep -q '^cause .*The path is too costly to evaluate: it takes more than 20000000 steps' \
	"$T/out" && echo "ok run-path-step-limit.cause" ||
	echo "FAIL run-path-step-limit.cause: $(grep -E '^(error|cause)' "$T/out" | cut -c1-200)"
printf '{"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "%s", "End": true}}}' \
	'$..[?($..[?($..[?($..[?($..[?(@.x)])])])])]' >"$T/nested-filters.asl.json"
run_case path-filters-nested-5 2 '^nested-filters.asl.json:1:93: error: .*nested more than 4' -- \
	validate nested-filters.asl.json

# ---- run: hostile inputs, items, mocks; a machine that never ends ----
printf '%s' "$GOOD" >"$T/good.asl.json"
run_case run-pure-cycle 1 '^$' -- run cycle.asl.json
grep -q '^events *25000$' "$T/out" && echo "ok run-pure-cycle.history-limit" ||
	echo "FAIL run-pure-cycle.history-limit: $(grep events "$T/out")"
printf '{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999999, "End": true}}}' \
	>"$T/long-wait.asl.json"
run_case run-long-wait 1 '^$' -- run long-wait.asl.json
run_case run-deep-input 2 "${LOC}" -- run --input deep-open.asl.json good.asl.json
run_case run-zeros-input 2 "${LOC}" -- run --input zeros.json good.asl.json
run_case run-nul-input 2 "${LOC}" -- run --input nul-tail.asl.json good.asl.json
run_case run-utf8-input 2 "${LOC}" -- run --input utf8.asl.json good.asl.json
run_case run-deep-items 2 "${LOC}" -- run --items deep-closed.asl.json good.asl.json
run_case run-zeros-items 2 "${LOC}" -- run --items zeros.json good.asl.json
printf '[{"a": 1\000}]' >"$T/nul-items.json"
run_case run-nul-items 2 "${LOC}.*NUL" -- run --items nul-items.json good.asl.json
printf 'a,b\n1,"2\n' >"$T/bad.csv"
run_case run-unterminated-csv 2 "${LOC}.*unterminated" -- run --items bad.csv good.asl.json
printf 'a,a\n1,2\n' >"$T/dup.csv"
run_case run-duplicate-csv-header 2 "${LOC}.*duplicate" -- run --items dup.csv good.asl.json
run_case run-mock-alias-bomb 2 "${LOC}.*alias" -- run --mock-config laughs.asl.yaml good.asl.json
run_case run-mock-deep 2 "${LOC}.*nesting deeper" -- run --mock-config deep-block.asl.yaml good.asl.json
run_case run-mock-zeros 2 "${LOC}|^stepscope: " -- run --mock-config zeros.json good.asl.json
run_case run-config-alias-bomb 2 "${LOC}" -- run --config laughs-config.yaml good.asl.json

# ---- nothing lost: run --history-out ----
printf 'precious\n' >"$T/keep.json"
run_case run-history-out-bad-input 2 "${LOC}" -- \
	run --history-out keep.json --input deep-open.asl.json good.asl.json
[ "$(cat "$T/keep.json")" = precious ] && echo "ok run-history-out-untouched-on-bad-input" ||
	echo "FAIL run-history-out-untouched-on-bad-input: keep.json was changed"
printf '{}' >"$T/in.json"
printf 'simulation:\n  seed: 3\n' >"$T/c.yaml"
printf '[1, 2]' >"$T/items.json"
printf '{"StateMachines": {"M": {"TestCases": {"T": {"A": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": {}}}}}' \
	>"$T/mock.json"
for pair in "good.asl.json" "in.json --input in.json" "c.yaml --config c.yaml" \
	"items.json --items items.json" "mock.json --mock-config mock.json"; do
	# shellcheck disable=SC2086 # split on purpose: output file, then options
	set -- $pair
	o=$1
	shift
	cp "$T/$o" "$T/before"
	run_case "run-history-out-same-as-${o%%.*}" 2 "refusing to (overwrite|write over)" -- \
		run --history-out "./$o" "$@" good.asl.json
	cmp -s "$T/before" "$T/$o" && echo "ok run-history-out-${o%%.*}-untouched" ||
		echo "FAIL run-history-out-${o%%.*}-untouched: $o was changed"
done
rm -f "$T/before"

# ---- nothing lost: every output-file option ----
# out_case NAME -- ARGS...: ARGS fail on a bad input and write to keep.out; the existing
# keep.out must be left as it was.
out_case() {
	name=$1
	shift 2
	printf 'precious\n' >"$T/keep.out"
	run_case "$name.bad-input" 2 "." -- "$@"
	[ "$(cat "$T/keep.out")" = precious ] && echo "ok $name.bad-input-untouched" ||
		echo "FAIL $name.bad-input-untouched: keep.out was changed"
}
cp "$top/tests/replay/cases/cli-v2-z/history.json" "$T/h.json"
for opt in --history-out --trace-out --svg-out; do
	out_case "replay$opt" -- replay "$opt" keep.out zeros.json
	out_case "run$opt" -- run --input zeros.json "$opt" keep.out good.asl.json
	cp "$T/h.json" "$T/h.orig"
	run_case "replay$opt.same-as-input" 2 "refusing|same file" -- replay "$opt" h.json h.json
	cmp -s "$T/h.orig" "$T/h.json" && echo "ok replay$opt.input-untouched" ||
		echo "FAIL replay$opt.input-untouched: the history was changed"
	cp "$T/good.asl.json" "$T/g.orig"
	run_case "run$opt.same-as-definition" 2 "refusing|same file" -- \
		run "$opt" good.asl.json good.asl.json
	cmp -s "$T/g.orig" "$T/good.asl.json" && echo "ok run$opt.definition-untouched" ||
		echo "FAIL run$opt.definition-untouched: the definition was changed"
done
printf 'precious\n' >"$T/keep.out"
run_case replay.trace-out-same-as-history-out 2 "same file|refusing" -- \
	replay --trace-out keep.out --history-out keep.out h.json
[ "$(cat "$T/keep.out")" = precious ] && echo "ok replay.two-outputs-untouched" ||
	echo "FAIL replay.two-outputs-untouched: keep.out was changed"
out_case graph--output -- graph --output keep.out zeros.json
cp "$T/good.asl.json" "$T/g.orig"
run_case graph--output.same-as-input 2 "refusing|same file" -- \
	graph --output good.asl.json good.asl.json
cmp -s "$T/g.orig" "$T/good.asl.json" && echo "ok graph--output.input-untouched" ||
	echo "FAIL graph--output.input-untouched: the definition was changed"

# ---- nothing lost: replay --history-out ----
hist=$top/tests/replay/cases/cli-v2-z/history.json
cp "$hist" "$T/h.json"
printf 'precious\n' >"$T/keep.json"
run_case history-out-bad-input-keeps-file 2 "${LOC}|^stepscope: " -- \
	replay --history-out keep.json zeros.json
if [ "$(cat "$T/keep.json")" = precious ]; then echo "ok history-out-untouched-on-bad-input"; else
	echo "FAIL history-out-untouched-on-bad-input: keep.json was changed"; fi
run_case history-out-same-as-input 2 "refusing to (overwrite|write over)" -- \
	replay --history-out ./h.json h.json
cmp -s "$hist" "$T/h.json" && echo "ok history-out-input-untouched" ||
	echo "FAIL history-out-input-untouched: the input history was changed"
ln -sf h.json "$T/link.json"
run_case history-out-symlink-to-input 2 "refusing to (overwrite|write over)" -- \
	replay --history-out link.json h.json
cmp -s "$hist" "$T/h.json" && echo "ok history-out-symlinked-input-untouched" ||
	echo "FAIL history-out-symlinked-input-untouched: the input history was changed"
printf '%s' "$GOOD" >"$T/def.asl.json"
cp "$T/def.asl.json" "$T/def.orig"
run_case history-out-same-as-definition 2 "^stepscope: " -- \
	replay --definition def.asl.json --history-out def.asl.json h.json
cmp -s "$T/def.orig" "$T/def.asl.json" && echo "ok history-out-definition-untouched" ||
	echo "FAIL history-out-definition-untouched: the definition was overwritten"
printf 'precious\n' >"$T/keep2.json"
run_case history-out-bad-definition-keeps-file 2 "${LOC}" -- \
	replay --definition deep-open.asl.json --history-out keep2.json h.json
[ "$(cat "$T/keep2.json")" = precious ] && echo "ok history-out-untouched-on-bad-definition" ||
	echo "FAIL history-out-untouched-on-bad-definition: keep2.json was changed"
mkdir -p "$T/ro"
printf 'precious\n' >"$T/ro/keep.json"
chmod 555 "$T/ro"
if [ "$(id -u)" != 0 ]; then
	run_case history-out-unwritable-dir 2 "^stepscope: |write|[Pp]ermission" -- \
		replay --history-out ro/keep.json h.json
	[ "$(cat "$T/ro/keep.json")" = precious ] && echo "ok history-out-unwritable-untouched" ||
		echo "FAIL history-out-unwritable-untouched: ro/keep.json was changed"
fi
chmod 755 "$T/ro"
run_case history-out-into-missing-dir 2 "." -- replay --history-out no/such/dir/out.json h.json
# A successful write replaces the file whole and leaves no temporary file behind.
run_case history-out-writes 0 '^$' -- replay --history-out keep.json h.json
# (file_write_atomic writes NAME.tmp.XXXXXX beside NAME, then renames it.)
if [ "$(cat "$T/keep.json")" != precious ] && [ -z "$(find "$T" -name '*.tmp.*')" ]; then
	echo "ok history-out-replaced-no-temp"
else
	echo "FAIL history-out-replaced-no-temp: $(find "$T" -name '*.tmp.*' | head -3)"
fi
