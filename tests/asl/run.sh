#!/bin/sh
# Golden tests of `stepscope validate`.
#   valid/<case>/definition.*    must validate (exit 0); expected.txt = stdout+stderr
#   invalid/<case>/definition.*  must fail (exit 2); expected.txt = stderr (every diagnostic)
# An optional `args` file in a case holds extra options (e.g. --machine ID). A case may be a
# cdk.out folder: then the case folder holds `cdk.out/` instead of a definition file.
# Also: every *.asl.json of the shared AWS corpus (deployed on AWS) must validate.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tools/golden.sh"
out="$GOLDEN_TMP/out"

definition_of() {
	for f in "$1"/definition.* "$1"/cdk.out; do
		[ -e "$f" ] && { basename "$f"; return; }
	done
}

for dir in "$top"/tests/asl/valid/*/; do
	name=valid/$(basename "$dir")
	def=$(definition_of "$dir")
	args=$(cat "$dir/args" 2>/dev/null)
	# shellcheck disable=SC2086
	(cd "$dir" && "$STEPSCOPE" validate $args "$def") >"$out" 2>&1
	expect_status "$name" 0 $? && golden_check "$name" "$dir/expected.txt" "$out"
done

for dir in "$top"/tests/asl/invalid/*/; do
	name=invalid/$(basename "$dir")
	def=$(definition_of "$dir")
	args=$(cat "$dir/args" 2>/dev/null)
	# shellcheck disable=SC2086
	(cd "$dir" && "$STEPSCOPE" validate $args "$def") >/dev/null 2>"$out"
	expect_status "$name" 2 $? && golden_check "$name" "$dir/expected.txt" "$out"
done

corpus=${STEPSCOPE_CORPUS:-$top/../shared/corpus/aws-histories}
for f in "$corpus"/*.asl.json; do
	[ -f "$f" ] || continue
	name=corpus/$(basename "$f" .asl.json)
	if "$STEPSCOPE" validate "$f" >"$out" 2>&1 && grep -q ': ok (' "$out"; then
		echo "ok $name"
	else
		echo "FAIL $name: does not validate"
		head -20 "$out"
	fi
done
