#!/bin/sh
# Golden suite: replays the committed seeds and every regression case (inputs that once
# crashed, hung or leaked) through the fuzz targets built without libFuzzer
# ($BUILD_DIR/fuzz-regress/, the normal compiler; no clang needed). One "ok" per input; a
# crash, sanitizer report or hang (timeout) is a FAIL naming the input.
#
# A short libFuzzer run is NOT part of this suite: building the library with clang and the
# fuzzer flags alone takes minutes on a 2-core machine, over the 60 s budget. Run
# `make fuzz FUZZ_SECONDS=N` for that.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${BUILD_DIR:?BUILD_DIR must name the build folder}"
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
cd "$here/../.." || exit 2
found=0
for src in tests/fuzz/fz_*.c; do
	t=$(basename "$src" .c)
	bin="$BUILD_DIR/fuzz-regress/$t"
	if [ ! -x "$bin" ]; then
		echo "FAIL $t: no regression runner $bin (make unit builds it)"
		continue
	fi
	found=1
	for kind in seeds regressions; do
		dir=tests/fuzz/$kind/$t
		[ -d "$dir" ] || continue
		timeout 120 "$bin" "$dir" >"$out" 2>"$err"
		rc=$?
		sed 's|^ok tests/fuzz/|ok fuzz/|' "$out"
		if [ "$rc" != 0 ]; then
			last=$(sed -n 's/^running //p' "$err" | tail -1)
			[ "$rc" = 124 ] && why="timed out (hang)" || why="exit $rc"
			echo "FAIL fuzz/$t: $why on ${last:-?}"
			tail -30 "$err"
		fi
	done
done
[ "$found" = 1 ] || echo "FAIL fuzz: no target built"
echo "note: no libFuzzer run in this suite (a clang build of the library alone takes minutes);" \
	"run: make fuzz FUZZ_SECONDS=N"
