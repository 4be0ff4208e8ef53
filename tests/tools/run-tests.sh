#!/bin/sh
# Runs the whole suite against one or more build folders and ends with one line
# "N passed, N failed". Usage: run-tests.sh BUILD_DIR...
#
# - every cmocka binary in BUILD_DIR/tests/ (one count per test case);
# - every golden suite tests/<suite>/run.sh (or those named in $SUITES), called with
#   STEPSCOPE=BUILD_DIR/stepscope; a
#   suite prints "ok NAME" or "FAIL NAME: why" per case (see tests/tools/golden.sh).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export NO_COLOR=1 LC_ALL=C.UTF-8 TZ=UTC

for build in "$@"; do
	label=$build
	case $build in /*) ;; *) build="$top/$build" ;; esac
	for t in "$build"/tests/*; do
		[ -x "$t" ] && [ -f "$t" ] || continue
		"$t" >"$log" 2>&1
		rc=$?
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
			f=1 # crashed or sanitizer report before cmocka could count
		fi
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$f" != 0 ]; then
			echo "FAIL [$label] $(basename "$t"):"
			sed 's/^/    /' "$log" | tail -40
		fi
	done
	for suite in tests/*/run.sh; do
		[ -f "$suite" ] || continue
		# SUITES="cli e2e" limits a run to those suites (check-valgrind uses it).
		if [ -n "${SUITES:-}" ]; then
			name=$(basename "$(dirname "$suite")")
			case " $SUITES " in *" $name "*) ;; *) continue ;; esac
		fi
		STEPSCOPE="$build/stepscope" BUILD_DIR="$build" sh "$suite" >"$log" 2>&1
		p=$(grep -c '^ok ' "$log")
		f=$(grep -c '^FAIL ' "$log")
		if [ "$p" = 0 ] && [ "$f" = 0 ]; then
			echo "FAIL [$label] $suite ran no case:"
			sed 's/^/    /' "$log" | tail -20
			f=1
		fi
		passed=$((passed + p))
		failed=$((failed + f))
		grep -A12 '^FAIL ' "$log" | sed "s|^FAIL |FAIL [$label] |" | head -200
	done
	echo "[$label] done: $passed passed, $failed failed so far"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
