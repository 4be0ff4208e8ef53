#!/bin/sh
# The command-line contract: help and version, exit statuses, and the headless guarantees
# (no escape codes into a pipe or file, a closed pipe ends quietly).
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tools/golden.sh"
cd "$top" || exit 0

# check NAME WANT_STATUS STDOUT_PATTERN COMMAND...: exit status and a line of stdout.
check() {
	cn=$1 want=$2 pat=$3
	shift 3
	"$@" >"$GOLDEN_TMP/out" 2>"$GOLDEN_TMP/err" </dev/null
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL $cn: exit $got, expected $want: $(head -2 "$GOLDEN_TMP/err")"
	elif [ -n "$pat" ] && ! grep -q -- "$pat" "$GOLDEN_TMP/out" "$GOLDEN_TMP/err"; then
		echo "FAIL $cn: no '$pat' in the output"
	else
		echo "ok $cn"
	fi
}

check help 0 "usage: stepscope" "$STEPSCOPE" --help
check version 0 "^stepscope [0-9]" "$STEPSCOPE" --version
for c in run replay validate graph definition tui; do
	check "help-$c" 0 "usage: stepscope.*$c" "$STEPSCOPE" "$c" --help
done
check unknown-command 2 "unknown command" "$STEPSCOPE" frobnicate
check run-unknown-option 2 "" "$STEPSCOPE" run --frobnicate

# The TUI with stdout not a terminal: a clear refusal, exit 2, and not one escape code.
check tui-not-a-terminal 2 "needs a terminal" "$STEPSCOPE"
if [ -s "$GOLDEN_TMP/out" ]; then
	echo "FAIL tui-not-a-terminal-stdout: it wrote $(wc -c <"$GOLDEN_TMP/out") bytes to a file"
else
	echo "ok tui-not-a-terminal-stdout"
fi
# Headless output never holds escape codes.
"$STEPSCOPE" run >"$GOLDEN_TMP/summary" 2>&1
if grep -q "$(printf '\033')" "$GOLDEN_TMP/summary"; then
	echo "FAIL run-no-escapes: escape codes in the summary"
else
	echo "ok run-no-escapes"
fi
# A reader that goes away early (SIGPIPE): no message on stderr.
{ "$STEPSCOPE" run --events 2>"$GOLDEN_TMP/pipe-err"; } | head -1 >/dev/null
if [ -s "$GOLDEN_TMP/pipe-err" ]; then
	echo "FAIL sigpipe-quiet: $(head -2 "$GOLDEN_TMP/pipe-err")"
else
	echo "ok sigpipe-quiet"
fi
# stepscope's own annotations (e.g. a simulated cold start) never reach an exported history:
# AWS histories have no such fields.
"$STEPSCOPE" run --set lambda.default.coldStart.firstInvocationPerInstance=true \
	--history-out "$GOLDEN_TMP/cold.json" >/dev/null 2>&1
if [ ! -s "$GOLDEN_TMP/cold.json" ]; then
	echo "FAIL export-no-private-fields: no history written"
elif grep -q 'x-stepscope' "$GOLDEN_TMP/cold.json"; then
	echo "FAIL export-no-private-fields: a private field was exported"
else
	echo "ok export-no-private-fields"
fi

# An execution input over 256 KiB is refused as StartExecution refuses it (aws-facts: input
# limit 262,144 bytes), with the file named; one of exactly 256 KiB runs.
printf '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}' >"$GOLDEN_TMP/pass.asl.json"
printf '{"a":"%0262136d"}' 0 >"$GOLDEN_TMP/input-max.json"
check input-at-limit 0 "SUCCEEDED" "$STEPSCOPE" run --input "$GOLDEN_TMP/input-max.json" \
	"$GOLDEN_TMP/pass.asl.json"
printf '{"a":"%0262137d"}' 0 >"$GOLDEN_TMP/input-big.json"
check input-over-limit 2 "input-big.json is 262145 bytes; Step Functions accepts at most 262144" \
	"$STEPSCOPE" run --input "$GOLDEN_TMP/input-big.json" "$GOLDEN_TMP/pass.asl.json"
# --timing: one line on stderr (read by make bench) whose event count is the run's, and stdout
# exactly as without it.
"$STEPSCOPE" run --json >"$GOLDEN_TMP/plain.json" 2>/dev/null
"$STEPSCOPE" run --json --timing >"$GOLDEN_TMP/timed.json" 2>"$GOLDEN_TMP/timing.err"
events=$(sed -n 's/^  "events": \([0-9]*\),*$/\1/p' "$GOLDEN_TMP/plain.json")
if ! cmp -s "$GOLDEN_TMP/plain.json" "$GOLDEN_TMP/timed.json"; then
	echo "FAIL run-timing: --timing changed stdout"
elif [ -z "$events" ] || ! grep -q "^stepscope: timing: [0-9.]* ms (load [0-9.]*, simulate \
[0-9.]*, output [0-9.]*), CPU [0-9.]* ms, $events events\$" "$GOLDEN_TMP/timing.err"; then
	echo "FAIL run-timing: stderr: $(head -2 "$GOLDEN_TMP/timing.err")"
else
	echo "ok run-timing"
fi
# A start so late that the run's timestamps would pass year 9999 (RFC 3339's last, which an
# exported history must be written in and read back from): refused, exit 2.
check run-start-time-too-late 2 "start time must lie between" \
	"$STEPSCOPE" run --start-time 9999-01-01T00:00:00Z --json
check run-start-time-latest 0 "SUCCEEDED" \
	"$STEPSCOPE" run --start-time 9996-10-30T14:13:20Z --json
