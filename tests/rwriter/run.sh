#!/bin/sh
# Golden cases of the ResultWriter exporting to "S3" (a local folder named by Bucket):
# tests/rwriter/<case>/ holds definition.asl.json and input.json; the case is run in an empty
# folder and expected.txt is the run's --json result followed by every file written (path,
# then the text exactly, then <EOF>), in path order. README says what each case checks and
# where the AWS page says so.
# https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
. tests/tools/golden.sh
top=$(pwd)
case $STEPSCOPE in /*) bin=$STEPSCOPE ;; *) bin=$top/$STEPSCOPE ;; esac

for dir in tests/rwriter/*/; do
	dir=${dir%/} cname=rwriter/$(basename "$dir")
	work=$GOLDEN_TMP/work
	rm -rf "$work" && mkdir -p "$work"
	(cd "$work" && "$bin" run --json --input "$top/$dir/input.json" \
		"$top/$dir/definition.asl.json") >"$GOLDEN_TMP/out" 2>&1
	rc=$?
	expect_status "$cname" 0 "$rc" || continue
	(cd "$work" && find . -type f | LC_ALL=C sort | while read -r f; do
		echo "== $f"
		cat "$f"
		echo "<EOF>"
	done) >>"$GOLDEN_TMP/out"
	golden_check "$cname" "$dir/expected.txt" "$GOLDEN_TMP/out"
done
