#!/bin/sh
# End-to-end tests of the terminal UI: the real binary inside tmux (its own server socket, a
# fixed size, TERM=xterm-256color). Every wait polls capture-pane with a timeout instead of
# sleeping a fixed time. Prints "ok NAME" / "FAIL NAME: why" per case.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${STEPSCOPE:=$top/stepscope}"
. "$top/tests/tools/golden.sh"
sock=stepscope-test-$$
tmp=$(mktemp -d)
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	tm kill-server >/dev/null 2>&1
	rm -rf "$tmp" "$GOLDEN_TMP"
}
trap cleanup EXIT INT TERM

find_corpus
if ! command -v tmux >/dev/null 2>&1; then
	echo "FAIL e2e: tmux is not installed (make deps-test installs it)"
	exit 0
fi
if [ -z "$corpus" ]; then
	echo "FAIL e2e: shared/corpus/aws-histories not found (set STEPSCOPE_CORPUS)"
	exit 0
fi

# wait_for SESSION TEXT [SECONDS]: polls the screen until TEXT shows up; 1 on timeout.
wait_for() {
	i=0
	limit=$((${3:-5} * 10))
	while [ $i -lt $limit ]; do
		if tm capture-pane -p -t "$1" 2>/dev/null | grep -qF -- "$2"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# start SESSION W H COMMAND: runs COMMAND in a new session, then prints the exit status and
# whether the terminal is back in canonical mode with echo on.
start() {
	tm new-session -d -s "$1" -x "$2" -y "$3" \
		"env TERM=xterm-256color LC_ALL=C.UTF-8 sh -c '$4; echo EXIT=\$?; stty -a | tr \" \" \"\\n\" | grep -qx icanon && stty -a | tr \" \" \"\\n\" | grep -qx echo && echo TTY=sane; sleep 30'"
}

check() { # check NAME CONDITION-STATUS WHY
	if [ "$2" = 0 ]; then echo "ok $1"; else
		echo "FAIL $1: $3"
		tm capture-pane -p -t "${4:-s1}" 2>/dev/null | sed 's/^/    /' | head -40
	fi
}

hist=$corpus/map-inline-pass-8items-maxconc1.history.json

# 0. `stepscope` alone (the default command) simulates the scenario of ./config.yaml (the
#    seed, about 7 s of virtual time at 1x) and plays it to the end with the graph visible.
start s0 120 40 "cd '$top' && '$STEPSCOPE'"
wait_for s0 "1 Graph" 5 && wait_for s0 "LambdaInvoke" 2 && wait_for s0 "SUCCEEDED" 25 &&
	wait_for s0 "44/44 events" 2
check default-command $? "the seed run did not play to SUCCEEDED with the graph shown" s0
tm send-keys -t s0 q
wait_for s0 "EXIT=0" 3 && wait_for s0 "TTY=sane" 2
check default-quit $? "q did not exit 0 with the terminal restored" s0

# 1. `stepscope replay HISTORY` opens the UI, plays to the end with the graph visible.
start s1 120 40 "'$STEPSCOPE' replay '$hist'"
wait_for s1 "1 Graph" 5 && wait_for s1 "MapState" 2 && wait_for s1 "SUCCEEDED" 20
check play-to-end $? "the run did not reach SUCCEEDED with the graph shown"

# 2. `?` shows the help of the focused pane; any key closes it.
tm send-keys -t s1 '?'
wait_for s1 "Keys: Graph pane" 3
check help $? "no help overlay after ?"
tm send-keys -t s1 Escape
wait_for s1 "Enter inspect" 3
check help-closes $? "help did not close"

# 3. A resize below 80x24 says so; back to a large size reflows.
tm resize-window -t s1 -x 40 -y 12
wait_for s1 "terminal too small" 3
check too-small $? "no too-small message at 40x12"
tm resize-window -t s1 -x 120 -y 40
wait_for s1 "2 Timeline" 3
check reflow $? "panes did not come back after the resize"

# 4. `q` exits at once with status 0 and restores the terminal.
tm send-keys -t s1 q
wait_for s1 "EXIT=0" 3 && wait_for s1 "TTY=sane" 2
check quit $? "q did not exit 0 with the terminal restored"

# 5. SIGTERM restores the terminal too.
# (The pane's shell records the binary's pid: it execs into it.)
start s2 100 30 "sh -c \"echo \\\$\\\$ > $tmp/pid; exec '$STEPSCOPE' tui --paused '$hist'\""
wait_for s2 "1 Graph" 5
pid=$(cat "$tmp/pid" 2>/dev/null)
[ -n "$pid" ] && kill -TERM "$pid"
wait_for s2 "EXIT=143" 3 && wait_for s2 "TTY=sane" 2
check sigterm $? "SIGTERM did not restore the terminal" s2

# 6. Playback keys from the keyboard: `.` steps one event forward, `,` one back.
start s3 120 40 "'$STEPSCOPE' tui --paused '$hist'"
# (t=0 already shows ExecutionStarted, which happens at 0 ms.)
wait_for s3 "1/42 events" 5 && tm send-keys -t s3 '.' && wait_for s3 "2/42 events" 3 &&
	tm send-keys -t s3 ',' && wait_for s3 "1/42 events" 3
check step $? "'.' did not step one event" s3

# 7. Colours come from the theme; NO_COLOR leaves only attributes (status is still marked by
#    glyphs, which the goldens check).
start s4 100 30 "env -u NO_COLOR '$STEPSCOPE' tui --paused '$hist'"
wait_for s4 "1 Graph" 5
tm capture-pane -e -p -t s4 | grep -q '38;5;'
check colour-256 $? "no 256-colour escapes without NO_COLOR" s4
start s5 100 30 "NO_COLOR=1 '$STEPSCOPE' tui --paused '$hist'"
wait_for s5 "1 Graph" 5
# (39/49, the default colours, are fine.)
! tm capture-pane -e -p -t s5 | grep -qE '\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|38;5|48;5)(;|m)'
check no-color $? "colour escapes despite NO_COLOR" s5

# 8. `stepscope lesson one-at-a-time`: the explanation pane shows the step, playback stops at
#    the first pause with its note, `n` advances to step 2, `q` exits 0.
start s6 120 40 "cd '$top' && '$STEPSCOPE' lesson one-at-a-time"
wait_for s6 "step 1/3: MaxConcurrency 1" 5 && wait_for s6 "one item at a time" 2 ||
	wait_for s6 "the Map starts the next item only" 2
check lesson-explanation $? "the lesson's explanation pane did not show" s6
wait_for s6 "The first invocation, after the 2 s wait" 10
check lesson-pause $? "playback did not stop at the first pause with its note" s6
tm send-keys -t s6 n
wait_for s6 "step 2/3: MaxConcurrency 3" 5
check lesson-next $? "n did not advance to step 2" s6
tm send-keys -t s6 q
wait_for s6 "EXIT=0" 3 && wait_for s6 "TTY=sane" 2
check lesson-quit $? "q did not exit 0 with the terminal restored" s6

# 9. `stepscope compare A B` on a terminal opens the compare view: both sides on one time
#    axis with the B - A deltas under the header, played together to their ends.
C13="--a-set stepfunc.maxConcurrency=1 --b-set stepfunc.maxConcurrency=3"
start s7 120 40 "cd '$top' && '$STEPSCOPE' compare $C13"
wait_for s7 "stepscope compare" 5 && wait_for s7 "A: stepfunc.maxConcurrency=1" 2 &&
	wait_for s7 "B: stepfunc.maxConcurrency=3" 2 && wait_for s7 "peak concurrency 1 → 3" 2
check compare-opens $? "the compare view did not open with both sides and the deltas" s7
wait_for s7 "A ✓ SUCCEEDED │ B ✓ SUCCEEDED" 25
check compare-plays $? "both sides did not play to SUCCEEDED" s7
# `g 0` rewinds both (Home does too, but tmux's Home sequence is not xterm's); `.` steps to
# the next event of either side (the first after 0 is at 15 ms in both runs).
tm send-keys -t s7 g 0 Enter
wait_for s7 "t=0.000s / 6.785s │ paused" 3 && wait_for s7 "A ▶ RUNNING │ B ▶ RUNNING" 2 &&
	tm send-keys -t s7 . && wait_for s7 "t=0.015s" 3
check compare-step $? "Home then . did not move the shared cursor" s7
# Tab selects B (its border turns heavy); > zooms both timelines alike: at the end (6.785 s)
# half of the 0-6.920 s window, centred on the cursor.
tm send-keys -t s7 Tab
wait_for s7 "┏ B: stepfunc.maxConcurrency=3" 3
check compare-tab $? "Tab did not select side B" s7
tm send-keys -t s7 g 6.785s Enter '>'
wait_for s7 "t=6.785s / 6.785s" 3 && wait_for s7 "5.055s-8.515s" 2 &&
	test "$(tm capture-pane -p -t s7 | grep -c '5.055s-8.515s')" = 2
check compare-zoom $? "> did not zoom both sides to the same window" s7
tm send-keys -t s7 r
wait_for s7 "no re-run, reload or open" 3
check compare-no-rerun $? "r did not explain that the compare view does not re-run" s7
tm send-keys -t s7 q
wait_for s7 "EXIT=0" 3 && wait_for s7 "TTY=sane" 2
check compare-quit $? "q did not exit 0 with the terminal restored" s7

# 10. On a wide terminal the sides stand side by side; --text keeps the headless table even
#     on a terminal.
start s8 220 40 "cd '$top' && '$STEPSCOPE' compare --paused $C13"
wait_for s8 "stepscope compare" 5 &&
	tm capture-pane -p -t s8 | grep -q "A: stepfunc.maxConcurrency=1.*B: stepfunc.maxConcurrency=3"
check compare-wide $? "the sides were not side by side at 220 columns" s8
tm send-keys -t s8 q
wait_for s8 "EXIT=0" 3
start s9 120 40 "cd '$top' && '$STEPSCOPE' compare --text $C13"
wait_for s9 "makespan s" 10 && wait_for s9 "EXIT=0" 3
check compare-text $? "--text did not print the headless table on a terminal" s9

# 11. The lesson's side-by-side step: the compare view under the explanation, the first pause
#     (by time, for both sides) with its note; p goes back to step 2 alone; q exits 0.
start s10 120 40 "cd '$top' && '$STEPSCOPE' lesson one-at-a-time --step 3"
wait_for s10 "step 3/3: Side by side" 5 && wait_for s10 "stepscope compare" 2
check lesson-versus $? "step 3 did not open the compare view" s10
wait_for s10 "B is done: its three items waited together" 15
check lesson-versus-pause $? "playback did not stop at the side-by-side step's pause" s10
tm send-keys -t s10 p
wait_for s10 "step 2/3: MaxConcurrency 3" 5 && wait_for s10 "1 Graph" 2
check lesson-versus-prev $? "p did not go back to step 2 in the normal panes" s10
tm send-keys -t s10 q
wait_for s10 "EXIT=0" 3 && wait_for s10 "TTY=sane" 2
check lesson-versus-quit $? "q did not exit 0 with the terminal restored" s10
