#!/bin/sh
# Distributed Map child executions end to end: `stepscope run --history-out FILE` writes the
# parent to FILE and every child execution to FILE.children/<name>.json (each exactly the
# get-execution-history shape); `stepscope replay FILE --children DIR` (or --child FILE...)
# ties the children to the parent's Map Runs and reports the same Map Run counts as the run.
# AWS: a Distributed Map's parent history has only the Map Run events; each item (or batch)
# runs as a child execution with its own history (aws-facts a.5, b.2).
# https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
. tests/tools/golden.sh

T=$GOLDEN_TMP

# Map Run lines of the summary (`map run ...`, `  children ...`, `unmatched ...`).
map_lines() {
	grep -E '^(map run|  children|unmatched) ' "$1"
}

# 1. Every Distributed Map case of tests/sim: the run's Map Run summary and --json equal the
#    replay's of what it wrote.
for dir in tests/sim/dmap-*/; do
	dir=${dir%/} cname=roundtrip/$(basename "$dir")
	set -- "$dir/definition.asl.json"
	[ -f "$dir/input.json" ] && set -- --input "$dir/input.json" "$@"
	rm -rf "$T/h.json" "$T/h.json.children"
	"$STEPSCOPE" run --history-out "$T/h.json" "$@" >"$T/run.txt" 2>&1
	"$STEPSCOPE" replay --summary --children "$T/h.json.children" "$T/h.json" \
		>"$T/replay.txt" 2>&1
	map_lines "$T/run.txt" >"$T/a"
	map_lines "$T/replay.txt" >"$T/b"
	if [ -s "$T/a" ] && cmp -s "$T/a" "$T/b"; then
		echo "ok $cname"
	else
		echo "FAIL $cname: the replay's Map Run summary differs from the run's"
		diff "$T/a" "$T/b" | head -5
	fi
done

# 2. The layout: one get-execution-history document per child, readable on its own.
case_dir=tests/sim/dmap-tolerated-ok
rm -rf "$T/h.json" "$T/h.json.children"
"$STEPSCOPE" run --input "$case_dir/input.json" --history-out "$T/h.json" \
	"$case_dir/definition.asl.json" >/dev/null 2>&1
n=$(ls "$T/h.json.children" | grep -c '\.json$')
first=$(ls "$T/h.json.children" | head -1)
"$STEPSCOPE" replay --events "$T/h.json.children/$first" >"$T/child.txt" 2>&1
if [ "$n" = 4 ] && head -2 "$T/h.json.children/$first" | grep -q '"events": \[' &&
	head -1 "$T/child.txt" | grep -q ' 1 <- 0 ExecutionStarted$'; then
	echo "ok layout"
else
	echo "FAIL layout: expected 4 child histories starting with ExecutionStarted, got $n"
fi

# 3. --child FILE, twice: two children counted, both tied by their names.
set -- $(ls "$T/h.json.children" | head -2)
"$STEPSCOPE" replay --json --child "$T/h.json.children/$1" --child "$T/h.json.children/$2" \
	"$T/h.json" >"$T/two.json" 2>&1
if grep -q '"total": 2' "$T/two.json" && grep -q '"succeeded": 2' "$T/two.json"; then
	echo "ok child-files"
else
	echo "FAIL child-files: two --child files are not two succeeded children"
	cat "$T/two.json"
fi

# 4. Writing again to the same FILE replaces the earlier run's children (another seed gives
#    another Map Run id, so other names).
"$STEPSCOPE" run --seed 2 --input "$case_dir/input.json" --history-out "$T/h.json" \
	"$case_dir/definition.asl.json" >/dev/null 2>&1
n=$(ls "$T/h.json.children" | grep -c '\.json$')
"$STEPSCOPE" replay --json --children "$T/h.json.children" "$T/h.json" >"$T/again.json" 2>&1
if [ "$n" = 4 ] && grep -q '"total": 4' "$T/again.json" && ! grep -q '"error"' "$T/again.json" &&
	[ "$first" != "$(ls "$T/h.json.children" | head -1)" ]; then
	echo "ok replaces-stale"
else
	echo "FAIL replaces-stale: $n files after a second run (want 4, new names)"
fi

# 5. Children saved under AWS's own names (not "<map run id>_<index>") belong to the only Map
#    Run of the parent.
mkdir -p "$T/aws"
cp "$T/h.json.children/$(ls "$T/h.json.children" | head -1)" \
	"$T/aws/0f8c2d9e-aws-named-child.json"
"$STEPSCOPE" replay --summary --children "$T/aws" "$T/h.json" >"$T/aws.txt" 2>&1
if grep -q '^  children   1: 1 succeeded' "$T/aws.txt" && ! grep -q unmatched "$T/aws.txt"; then
	echo "ok aws-names-only-run"
else
	echo "FAIL aws-names-only-run: a foreign-named child is not tied to the only Map Run"
	map_lines "$T/aws.txt"
fi

# 6. With two Map Runs (the corpus history re-enters its Distributed Map) a foreign name
#    cannot be tied: a warning, counted as unmatched; the parent still replays.
corpus=""
for c in "${STEPSCOPE_CORPUS:-}" ../shared/corpus/aws-histories ../../shared/corpus/aws-histories; do
	[ -n "$c" ] && [ -d "$c" ] && corpus=$c && break
done
if [ -z "$corpus" ]; then
	echo "FAIL unmatched: shared/corpus/aws-histories not found (set STEPSCOPE_CORPUS)"
else
	"$STEPSCOPE" replay --summary --child "$T/aws/0f8c2d9e-aws-named-child.json" \
		"$corpus/dmap-lambda-reentrant.history.json" >"$T/un.txt" 2>"$T/un.err"
	rc=$?
	if [ "$rc" = 0 ] && grep -q 'unmatched-child' "$T/un.err" &&
		grep -q '^unmatched    1 child execution$' "$T/un.txt" &&
		[ "$(grep -c '^map run ' "$T/un.txt")" = 2 ]; then
		echo "ok unmatched"
	else
		echo "FAIL unmatched: rc $rc"
		cat "$T/un.err"
	fi
fi

# 7. A missing children folder is an input error (exit 2).
"$STEPSCOPE" replay --summary --children "$T/nope" "$T/h.json" >/dev/null 2>"$T/nope.err"
if expect_status missing-dir 2 $?; then
	if grep -q 'nope' "$T/nope.err"; then
		echo "ok missing-dir"
	else
		echo "FAIL missing-dir: the error does not name the folder"
	fi
fi
