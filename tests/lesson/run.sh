#!/bin/sh
# Lessons (assets/lessons/*.yaml): `lesson --list`; every shipped lesson loads and each step's
# scenario runs headless to the status its `expect` names (`lesson --check`); canvas goldens
# of lesson steps at a pause (keys fed through the app); located errors of a broken lesson.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tools/golden.sh"
cd "$top" || exit 2

# run NAME WANT_STATUS ARGS...: golden of stdout+stderr and the exit status.
run() {
	cn=$1 want=$2
	shift 2
	"$STEPSCOPE" "$@" >"$GOLDEN_TMP/$cn" 2>&1
	rc=$?
	expect_status "$cn" "$want" "$rc" && golden_check "$cn" "$here/golden/$cn.txt" "$GOLDEN_TMP/$cn"
}

run list 0 lesson --list
run list-bare 0 lesson
# Every step of every lesson ends as it expects (a FAIL line and exit 1 otherwise).
run check-all 0 lesson --check
# A step at its pauses: the note shown, the highlighted state / row / pane selected.
run one-at-a-time-pause2 0 lesson one-at-a-time --dump 110x36 --at pause2 --roles
# n from a pause: step 2 of 2 opens on the same 8 s time axis (paused at 0 in a dump).
run one-at-a-time-next 0 lesson one-at-a-time --dump 110x36 --at pause --keys n --roles
# Step 3 shows both executions side by side in the compare view (`versus:`): one axis, one
# cursor, the deltas under the header; a pause by time holds both sides.
run one-at-a-time-versus 0 lesson one-at-a-time --step 3 --dump 110x36 --at pause --roles
run one-at-a-time-versus-end-80x24 0 lesson one-at-a-time --step 3 --dump 80x24 --at pause2 \
	--ascii
run one-at-a-time-versus-160x48 0 lesson one-at-a-time --step 3 --present --dump 160x48 \
	--at pause --keys '<Tab>>'
# p from the side-by-side step: step 2 alone again, in the normal panes.
run one-at-a-time-versus-prev 0 lesson one-at-a-time --step 3 --dump 110x36 --keys p --ascii
run timeout-line 0 lesson timeout --step 2 --dump 110x36 --at pause2 --ascii
run lambda-input-dicts 0 lesson lambda-input --step 2 --dump 110x36 --at pause --ascii
run retries-backoff 0 lesson retries --dump 110x36 --at pause3 --ascii
# Presenter mode: roomier pane, the last keys shown.
run present 0 lesson catch-fallback --step 2 --present --dump 110x36 --at pause2 \
	--keys '<Tab><Tab>' --ascii
# A lesson given by path; errors located file:line:col.
run bad-lesson 2 lesson tests/lesson/bad.yaml
run unknown-lesson 2 lesson no-such-lesson
