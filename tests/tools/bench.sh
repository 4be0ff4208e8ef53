#!/bin/sh
# make bench: simulator throughput and memory on the seed workflow at 1,000 / 100,000 /
# 1,000,000 items (inline Map; distributed at 1,000 and 100,000), the same 100,000 items
# through the npm package aws-local-stepfunctions (the peer, when node and npm work), history
# import speed, and the TUI's frame time. Prints a table and writes bench-work/bench.json.
# Measures only: nothing here passes or fails on a number.
#
# Everything runs under `nice` in one invocation so the ratios compare like with like; the
# absolute numbers depend on a shared machine. BENCH_SIZES overrides the inline item counts
# (multiples of 250), e.g. BENCH_SIZES="1000 100000" make bench, and BENCH_DIST_SIZES the
# distributed ones (1,000,000 there takes about 8 GiB and minutes: its results go through
# ResultWriter files, as on AWS). BENCH_PEER=0 skips the peer; BENCH_PEER_DIR names its folder
# (default ../shared/bench/peer from the repository root), BENCH_PEER_N its item count (a
# quick check of the script: BENCH_SIZES=1000 BENCH_DIST_SIZES=1000 BENCH_PEER_N=1000), and
# BENCH_REPEAT how many runs of the two compared rows give their median (default 3).
set -u
cd "$(dirname "$0")/../.." || exit 1

W=bench-work
BIN=./stepscope
SIZES=${BENCH_SIZES:-1000 100000 1000000}
DIST_SIZES=${BENCH_DIST_SIZES:-1000 100000}
PEER_N=${BENCH_PEER_N:-100000}
NICE="nice -n 10"
# Runs of the two rows the goals compare (stepscope's inline run at the peer's size, and the
# peer): the median is kept (BENCH_REPEAT, default 3).
REPEAT=${BENCH_REPEAT:-3}
mkdir -p "$W"
ROWS="$W/rows.tmp.txt" # name|items|events|ms|cpu_s|rss_kb|note, one line per measurement
: >"$ROWS"

say() { printf '%s\n' "$*" >&2; }

now_ms() { date +%s%3N; }

# measure NAME CMD...: runs CMD (stdout to $W/NAME.out), sets MS (wall), CPU (user + system
# seconds) and RSS (peak KiB); CPU and RSS are "" without GNU time.
measure() {
	name=$1
	shift
	rm -f "$W/$name.rss"
	t0=$(now_ms)
	if [ -x /usr/bin/time ]; then
		$NICE /usr/bin/time -f '%U %S %M' -o "$W/$name.rss" "$@" >"$W/$name.out" \
			2>"$W/$name.err"
	else
		$NICE "$@" >"$W/$name.out" 2>"$W/$name.err"
	fi
	STATUS=$?
	MS=$(($(now_ms) - t0))
	RSS=$(tail -n 1 "$W/$name.rss" 2>/dev/null | awk '{ print $3 }')
	CPU=$(tail -n 1 "$W/$name.rss" 2>/dev/null | awk '{ print $1 + $2 }')
}

# median_of NAME KEY_CMD CMD...: runs `measure NAME CMD...` $REPEAT times and keeps the run
# whose key (KEY_CMD prints it: the wall time, or the peer's own time) is the median: one run
# of a 100 ms process varies by 15% or more on a VM (host page faults, neighbours). KEY, MS,
# CPU, RSS, STATUS and NAME.out are then that run's; a failed run ends the series. INPROC is
# the median of the times stepscope measured inside itself (`run --timing`), "" without.
median_of() {
	name=$1 key_cmd=$2
	shift 2
	: >"$W/$name.runs"
	i=0
	while [ "$i" -lt "$REPEAT" ]; do
		measure "$name" "$@"
		[ "$STATUS" = 0 ] || return
		KEY=$($key_cmd)
		[ -n "$KEY" ] || return
		cp "$W/$name.out" "$W/$name.out.$i"
		inproc=$(sed -n 's/^stepscope: timing: \([0-9.]*\) ms.*/\1/p' "$W/$name.err")
		echo "$KEY ${MS} ${CPU:--} ${RSS:--} $i ${inproc:--}" >>"$W/$name.runs"
		i=$((i + 1))
	done
	# shellcheck disable=SC2046
	set -- $(sort -n "$W/$name.runs" | sed -n "$(((REPEAT + 1) / 2))p")
	KEY=$1 MS=$2 CPU=$3 RSS=$4
	[ "$CPU" = - ] && CPU=
	[ "$RSS" = - ] && RSS=
	cp "$W/$name.out.$5" "$W/$name.out"
	rm -f "$W/$name.out".[0-9]*
	INPROC=$(awk '{ print $6 }' "$W/$name.runs" | sort -n | sed -n "$(((REPEAT + 1) / 2))p")
	[ "$INPROC" = - ] && INPROC=
}
wall_ms() { echo "$MS"; }
peer_ms() { sed -n 's/.*"ms":\([0-9.]*\).*/\1/p' "$W/peer.out" | cut -d. -f1; }

json_field() { # json_field FILE KEY: a top-level number or string of stepscope's --json
	sed -n "s/^  \"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p" "$1" | head -n 1
}

row() { printf '%s|%s|%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4" "$CPU" "$5" "$6" >>"$ROWS"; }

# ---- inputs: N items as N/250 outer x 250 inner iterations (see tests/bench/inline.asl.json)
# and as an item file of {"S": "Item i"} like the peer's (distributed.asl.json reads it).
make_inputs() {
	n=$1
	[ -s "$W/outer-$n.json" ] ||
		awk -v k=$((n / 250)) 'BEGIN { printf "{\"outer\":["; for (i = 1; i <= k; i++)
			printf "%s%d", (i > 1 ? "," : ""), i; print "]}" }' >"$W/outer-$n.json"
	[ -s "$W/items-$n.json" ] ||
		awk -v n="$n" 'BEGIN { printf "["; for (i = 0; i < n; i++)
			printf "%s{\"S\":\"Item %d\"}", (i ? "," : ""), i; print "]" }' >"$W/items-$n.json"
}

LIFT="--set simulation.inlineMapConcurrencyCap=0 --set simulation.historyEventLimit=0
	--set lambda.accountConcurrency=0"

sim_case() { # sim_case MODE N
	mode=$1 n=$2
	if [ "$mode" = inline ]; then
		# shellcheck disable=SC2086
		# The row the goals compare (the peer's size): the median of $REPEAT runs.
		r=1
		[ "$n" = "$PEER_N" ] && r=$REPEAT
		# shellcheck disable=SC2086
		REPEAT=$r median_of "sim-$mode-$n" wall_ms $BIN run --json --timing $LIFT \
			--input "$W/outer-$n.json" tests/bench/inline.asl.json
	else
		rm -rf "$W/s3"
		# shellcheck disable=SC2086
		measure "sim-$mode-$n" $BIN run --json $LIFT --items "$W/items-$n.json" \
			tests/bench/distributed.asl.json
		rm -rf "$W/s3"
	fi
	st=$(json_field "$W/sim-$mode-$n.out" status)
	ev=$(json_field "$W/sim-$mode-$n.out" events)
	note=""
	[ "$mode" = distributed ] && note="events: the parent's (each child keeps its own history)"
	[ "$mode" = inline ] && [ "$n" = "$PEER_N" ] && [ "$REPEAT" -gt 1 ] &&
		note="median of $REPEAT runs"
	[ "$st" = SUCCEEDED ] || note="status ${st:-none} (exit $STATUS), see $W/sim-$mode-$n.err"
	row "sim-$mode" "$n" "${ev:-0}" "$MS" "$RSS" "$note"
	# The peer times itself inside node (after start-up, before exit): the like-for-like row.
	if [ "$mode" = inline ] && [ "$n" = "$PEER_N" ] && [ -n "${INPROC:-}" ]; then
		CPU=
		row "sim-inline-inproc" "$n" "${ev:-0}" "$INPROC" "$RSS" \
			"timed inside the process (run --timing), as the peer is; median of $REPEAT runs"
	fi
}

for n in $SIZES; do
	make_inputs "$n"
	say "bench: inline Map, $n items"
	sim_case inline "$n"
done
for n in $DIST_SIZES; do
	make_inputs "$n"
	say "bench: distributed Map, $n items"
	sim_case distributed "$n"
done

# ---- the peer: aws-local-stepfunctions, same workflow, 100,000 items, no history kept.
PEER_NOTE=""
peer() {
	if [ "${BENCH_PEER:-1}" = 0 ]; then
		PEER_NOTE="skipped (BENCH_PEER=0)"
		return
	fi
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		PEER_NOTE="skipped: node or npm is not installed"
		return
	fi
	# shared/ sits beside the repository (one level further up from a worktree folder).
	src=${BENCH_PEER_DIR:-../shared/bench/peer}
	[ -d "$src" ] || src=../../shared/bench/peer
	if [ ! -f "$src/bench-peer.mjs" ]; then
		PEER_NOTE="skipped: ../shared/bench/peer is missing (set BENCH_PEER_DIR)"
		return
	fi
	mkdir -p "$W/peer"
	cp "$src/package.json" "$src/bench-peer.mjs" "$W/peer/"
	if [ ! -d "$W/peer/node_modules/aws-local-stepfunctions" ]; then
		say "bench: npm install (aws-local-stepfunctions)"
		if ! (cd "$W/peer" && npm install --no-audit --no-fund >npm.log 2>&1); then
			PEER_NOTE="skipped: npm install failed (see $W/peer/npm.log)"
			return
		fi
	fi
	say "bench: peer, $PEER_N items"
	KEY=
	median_of peer peer_ms node "$W/peer/bench-peer.mjs" "$PEER_N"
	pms=$KEY
	if [ "$STATUS" != 0 ] || [ -z "$pms" ]; then
		PEER_NOTE="skipped: the peer failed (see $W/peer.err)"
		return
	fi
	# The peer's own in-process time (after Node starts and loads the package): stepscope's
	# times include its start-up, so the ratio errs in the peer's favour.
	note="no history; time measured inside node"
	[ "$REPEAT" -gt 1 ] && note="$note; median of $REPEAT runs"
	row peer "$PEER_N" 0 "$pms" "$RSS" "$note"
}
peer

# ---- history import: a 25,000-event history exported by a run (the default event limit stops
# it at exactly 25,000), and a synthetic one of 1,000,000 events.
say "bench: history import"
PKG_CFLAGS=$(sed -n 's/^PKG_CFLAGS := //p' build/config.mk)
PKG_LIBS=$(sed -n 's/^PKG_LIBS := //p' build/config.mk)
XOPEN=-D_XOPEN_SOURCE=700
case "$PKG_CFLAGS" in *_XOPEN_SOURCE*) XOPEN= ;; esac
# shellcheck disable=SC2086
if ! ${CC:-cc} -std=c11 -Wall -Wextra -Werror -O2 -Isrc -D_DEFAULT_SOURCE $XOPEN $PKG_CFLAGS \
	-o build/replay_bench tests/bench/replay_bench.c build/libstepscope.a $PKG_LIBS -lm; then
	say "bench: cannot build tests/bench/replay_bench.c"
	exit 1
fi
awk 'BEGIN { printf "{\"outer\":["; for (i = 1; i <= 10; i++)
	printf "%s%d", (i > 1 ? "," : ""), i; print "]}" }' >"$W/outer-h25k.json"
$BIN run --json --set simulation.inlineMapConcurrencyCap=0 --set lambda.accountConcurrency=0 \
	--input "$W/outer-h25k.json" --history-out "$W/history-25k.json" \
	tests/bench/inline.asl.json >/dev/null
measure import-25k build/replay_bench file "$W/history-25k.json"
r=$(cat "$W/import-25k.out")
ev=$(echo "$r" | sed -n 's/.*"events":\([0-9]*\).*/\1/p')
ms=$(echo "$r" | sed -n 's/.*"ms":\([0-9.]*\).*/\1/p')
kb=$(($(echo "$r" | sed -n 's/.*"bytes":\([0-9]*\).*/\1/p') / 1024))
pms=$(echo "$r" | sed -n 's/.*"parseMs":\([0-9.]*\).*/\1/p')
jms=$(echo "$r" | sed -n 's/.*"janssonMs":\([0-9.]*\).*/\1/p')
row import "${ev:-0}" "${ev:-0}" "${ms:-0}" "$RSS" \
	"in-process, best of 3; file ${kb} KiB; yajl alone ${pms:-?} ms, jansson alone ${jms:-?} ms"
measure replay-cli-25k $BIN replay --json "$W/history-25k.json"
row replay-cli "${ev:-0}" "${ev:-0}" "$MS" "$RSS" "stepscope replay --json, whole process"
measure import-1m build/replay_bench synth 1000000
r=$(cat "$W/import-1m.out")
ev=$(echo "$r" | sed -n 's/.*"events":\([0-9]*\).*/\1/p')
ms=$(echo "$r" | sed -n 's/.*"ms":\([0-9.]*\).*/\1/p')
kb=$(($(echo "$r" | sed -n 's/.*"bytes":\([0-9]*\).*/\1/p') / 1024))
pms=$(echo "$r" | sed -n 's/.*"parseMs":\([0-9.]*\).*/\1/p')
row import-synth "${ev:-0}" "${ev:-0}" "${ms:-0}" "$RSS" \
	"in-process; synthetic, ${kb} KiB; yajl alone ${pms:-?} ms"

# ---- TUI: a full 200x50 frame (the default panes: graph, timeline, concurrency, events) of a
# 100,000-item run at its end, timed inside the process by `stepscope tui --bench`.
TUI_NOTE=""
if $BIN tui --help 2>&1 | grep -q -- --bench; then
	say "bench: tui frame, $PEER_N items"
	make_inputs "$PEER_N"
	# shellcheck disable=SC2086
	measure tui $BIN tui --dump 200x50 --at end --bench 200 $LIFT --input "$W/outer-$PEER_N.json" \
		tests/bench/inline.asl.json
	fms=$(sed -n 's/^tui frame [0-9x]*: \([0-9.]*\) ms.*/\1/p' "$W/tui.out")
	# The first frame alone too: later ones may reuse what the first computed.
	# shellcheck disable=SC2086
	measure tui-first $BIN tui --dump 200x50 --at end --bench 1 $LIFT \
		--input "$W/outer-$PEER_N.json" tests/bench/inline.asl.json
	f1=$(sed -n 's/^tui frame [0-9x]*: \([0-9.]*\) ms.*/\1/p' "$W/tui-first.out")
	if [ -n "$fms" ] && [ -n "$f1" ]; then
		row tui "$PEER_N" 0 "$fms" "$RSS" "ms per frame, mean of 200 (process: ${MS} ms)"
		row tui-first "$PEER_N" 0 "$f1" "$RSS" "ms, the first frame alone"
	else
		TUI_NOTE="failed: see $W/tui.err"
	fi
else
	TUI_NOTE="TODO: this stepscope has no 'tui --bench'; the goal is a full 200x50 frame of \
every pane for a 100,000-item run in <= 2 ms"
fi

# ---- report
awk -F'|' -v peer_note="$PEER_NOTE" -v tui_note="$TUI_NOTE" -v json="$W/bench.json" \
	-v peer_n="$PEER_N" '
function rate(x, ms) { return ms > 0 ? x * 1000 / ms : 0 }
{ name[NR] = $1; items[NR] = $2; events[NR] = $3; ms[NR] = $4; cpu[NR] = $5; rss[NR] = $6
  note[NR] = $7 }
$1 == "peer" { p = NR }
$1 == "sim-inline" && $2 == peer_n { si = NR }
$1 == "sim-inline-inproc" && $2 == peer_n { sii = NR }
$1 == "sim-distributed" && $2 == peer_n { sd = NR }
END {
	printf "%-16s %8s %9s %9s %7s %9s %10s %9s  %s\n", "case", "items", "events", "wall ms",
		"cpu s", "items/s", "events/s", "peak MiB", "note"
	for (i = 1; i <= NR; i++) {
		isim = name[i] ~ /^sim|^peer/
		printf "%-16s %8d %9d %9s %7s %9s %10s %9s  %s\n", name[i], items[i], events[i],
			sprintf(ms[i] < 10 ? "%.3f" : "%.1f", ms[i]), cpu[i] != "" ? sprintf("%.2f", cpu[i]) : "n/a",
			isim ? sprintf("%.0f", rate(items[i], ms[i])) : "-",
			events[i] ? sprintf("%.0f", rate(events[i], ms[i])) : "-",
			rss[i] != "" ? sprintf("%.1f", rss[i] / 1024) : "n/a", note[i]
	}
	printf "\n"
	out = "{\n  \"runs\": ["
	for (i = 1; i <= NR; i++)
		out = out sprintf("%s\n    {\"case\": \"%s\", \"items\": %d, \"events\": %d, " \
			"\"ms\": %.3f, \"cpuSeconds\": %s, \"itemsPerSec\": %.0f, \"eventsPerSec\": %.0f, " \
			"\"peakRssKiB\": %s, \"note\": \"%s\"}", i > 1 ? "," : "", name[i],
			items[i], events[i], ms[i], cpu[i] != "" ? cpu[i] : "null",
			rate(items[i], ms[i]), rate(events[i], ms[i]),
			rss[i] != "" ? rss[i] : "null", note[i])
	out = out "\n  ],\n  \"peer\": "
	if (p) {
		for (k = 0; k < 2; k++) {
			s = k ? sd : si
			if (!s)
				continue
			sp = rate(items[s], ms[s]) / rate(items[p], ms[p])
			mem = rss[s] > 0 ? rss[p] / rss[s] : 0
			# Whole-process CPU seconds of both: steadier than wall time on a busy machine.
			csp = cpu[s] > 0 ? cpu[p] / cpu[s] : 0
			# The peer runs the inline workload (it has no child executions): the goals are
			# for that comparison; the ratio of the distributed run is shown for what it is.
			if (!k && sii) {
				isp = rate(items[sii], ms[sii]) / rate(items[p], ms[p])
				printf "vs peer (%s, %d items), both timed inside their process: %.2fx its " \
					"items/s (goal >= 50x)\n", name[s], peer_n, isp
				cmp = sprintf("\"%s\": {\"speedup\": %.3f}", name[sii], isp)
			}
			if (k)
				printf "vs peer (%s, %d items): %.2fx its items/s (%.2fx by CPU time), " \
					"%.2fx less peak memory; no goal: the peer ran an inline Map, " \
					"here each item is a child execution with its own history\n",
					name[s], peer_n, sp, csp, mem
			else
				printf "vs peer (%s, %d items), the whole stepscope process (start-up " \
					"and exit too): %.2fx its items/s (%.2fx by CPU time), %.2fx less " \
					"peak memory (goal >= 4x), history kept\n", name[s], peer_n, sp,
					csp, mem
			cmp = cmp sprintf("%s\"%s\": {\"speedup\": %.3f, \"cpuSpeedup\": %.3f, " \
				"\"memoryRatio\": %.3f}", cmp ? ", " : "", name[s], sp, csp, mem)
		}
		out = out "{" cmp ", \"goalSpeedup\": 50, \"goalMemoryRatio\": 4}"
	} else {
		printf "peer: %s\n", peer_note
		out = out sprintf("{\"skipped\": \"%s\"}", peer_note)
	}
	for (i = 1; i <= NR; i++) {
		if (name[i] == "import")
			printf "history import, %d events: %.1f ms (goal < 100 ms)\n", events[i], ms[i]
		if (name[i] == "import-synth")
			printf "history import, %d synthetic events: %.0f events/s (goal >= 2,000,000)\n",
				events[i], rate(events[i], ms[i])
	}
	t = 0
	for (i = 1; i <= NR; i++)
		if (name[i] == "tui")
			t = i
	if (t) {
		printf "tui: a full 200x50 frame of a %d-item run: %.3f ms, the first %.3f ms " \
			"(goal <= 2 ms)\n", items[t], ms[t], ms[t + 1]
		out = out sprintf(",\n  \"tui\": {\"frameMs\": %.3f, \"firstFrameMs\": %.3f, " \
			"\"goalMs\": 2}\n}\n", ms[t], ms[t + 1])
	} else {
		printf "tui: %s\n", tui_note
		out = out sprintf(",\n  \"tui\": {\"todo\": \"%s\"}\n}\n", tui_note)
	}
	printf "%s", out > json
	printf "written: %s\n", json
}' "$ROWS"
rm -f "$ROWS"
