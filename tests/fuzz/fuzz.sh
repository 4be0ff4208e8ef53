#!/bin/sh
# Runs every libFuzzer target of BUILD/bin for SECONDS each, one at a time (the machine's cores
# are shared). Each target's corpus lives in BUILD/corpus/<target>/ (kept between runs) and
# starts from the committed seeds, the regression cases and a corpus generated from the test
# cases (seeds.sh). A crash, leak, UB or hang (-timeout) stops that target; its reproducer is
# left in BUILD/crashes/<target>/ and the run fails. Usage: fuzz.sh BUILD SECONDS
set -u
build=${1:?usage: fuzz.sh BUILD SECONDS}
seconds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/seeds.sh" "$build/generated"
failed=""
for bin in "$build"/bin/fz_*; do
	[ -x "$bin" ] || continue
	t=$(basename "$bin")
	corpus="$build/corpus/$t"
	crashes="$build/crashes/$t"
	mkdir -p "$corpus" "$crashes"
	if [ -n "${FUZZ_RUNS:-}" ]; then
		echo "fuzz: $t for $FUZZ_RUNS inputs"
	else
		echo "fuzz: $t for ${seconds}s"
	fi
	# -rss_limit_mb: the alias and depth limits must keep memory bounded; -timeout: a hang.
	dirs=""
	for d in "$here/seeds/$t" "$here/regressions/$t" "$build/generated/$t"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	# FUZZ_RUNS (with a fixed seed) makes a run reproducible, as CI needs; else a time budget.
	if [ -n "${FUZZ_RUNS:-}" ]; then
		budget="-runs=$FUZZ_RUNS -seed=1"
	else
		budget="-max_total_time=$seconds"
	fi
	# shellcheck disable=SC2086 # the budget and the folder list split on purpose
	"$bin" $budget -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" $dirs \
		>"$build/$t.log" 2>&1
	rc=$?
	grep -E '^(stat::number_of_executed_units|stat::new_units_added)' "$build/$t.log" |
		sed "s/^/    /"
	if [ "$rc" != 0 ]; then
		echo "FAIL $t (exit $rc): see $build/$t.log; reproducer(s):"
		ls "$crashes" | sed "s|^|    $crashes/|"
		echo "    add it as tests/fuzz/regressions/$t/NAME once fixed"
		failed="$failed $t"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: failures:$failed"
	exit 1
fi
echo "fuzz: no crash in any target"
