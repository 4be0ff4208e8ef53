#!/bin/sh
# Golden suite of `stepscope definition`: bad config files → exact stderr and exit 2; the
# effective seed definition for the default config and for the exercise-1 knobs; the config
# reference (README "Configuration") printed from the schema.
# Run from the top folder (tests/tools/run-tests.sh does): paths in messages are relative.
. tests/tools/golden.sh
dir=tests/config
for cfg in "$dir"/bad/*.yaml; do
	name=$(basename "$cfg" .yaml)
	"$STEPSCOPE" definition --config "$cfg" >"$GOLDEN_TMP/out" 2>"$GOLDEN_TMP/err"
	rc=$?
	expect_status "bad-$name" 2 "$rc" || continue
	if [ -s "$GOLDEN_TMP/out" ]; then
		echo "FAIL bad-$name: printed a definition despite errors"
		continue
	fi
	golden_check "bad-$name" "$dir/bad/$name.err" "$GOLDEN_TMP/err"
done

# --set errors name the argument.
"$STEPSCOPE" definition --config config.yaml --set stepfunc.maxConcurency=3 \
	--set stepfunc.waitDurationSeconds=-1 --set simulation.speed=fast --set ddb \
	>"$GOLDEN_TMP/out" 2>"$GOLDEN_TMP/err"
expect_status set-errors 2 $? && golden_check set-errors "$dir/set-errors.err" "$GOLDEN_TMP/err"

# No --config: ./config.yaml (the seed scenario).
"$STEPSCOPE" definition >"$GOLDEN_TMP/out" 2>"$GOLDEN_TMP/err"
expect_status default 0 $? && golden_check default "$dir/default.asl.json" "$GOLDEN_TMP/out"

# Exercise 1 and 3 of the seed: MaxConcurrency 3, a 25 s wait.
"$STEPSCOPE" definition --set stepfunc.maxConcurrency=3 --set stepfunc.waitDurationSeconds=25 \
	>"$GOLDEN_TMP/out" 2>"$GOLDEN_TMP/err"
expect_status knobs 0 $? && golden_check knobs "$dir/knobs.asl.json" "$GOLDEN_TMP/out"

# A user's YAML definition: printed as JSON, knobs not applied (MaxConcurrency stays 2).
"$STEPSCOPE" definition --config "$dir/yaml/config.yaml" >"$GOLDEN_TMP/out" 2>"$GOLDEN_TMP/err"
expect_status yaml-definition 0 $? &&
	golden_check yaml-definition "$dir/yaml/expected.asl.json" "$GOLDEN_TMP/out"

# The README's configuration reference comes from the schema.
"$STEPSCOPE" definition --reference >"$GOLDEN_TMP/out" 2>"$GOLDEN_TMP/err"
expect_status reference 0 $? && golden_check reference "$dir/reference.md" "$GOLDEN_TMP/out"

# Once README.md carries the table, it must match the schema (regenerate it with
# `stepscope definition --reference`).
if grep -q '^| key | type | default | range | description |$' README.md; then
	sed -n '/^| key | type | default | range | description |$/,/^[^|]/p' README.md |
		grep '^|' >"$GOLDEN_TMP/readme"
	if cmp -s "$GOLDEN_TMP/readme" "$dir/reference.md"; then
		echo "ok readme-reference"
	else
		echo "FAIL readme-reference: README.md's config table differs from the schema"
		diff -u "$dir/reference.md" "$GOLDEN_TMP/readme" | head -20
	fi
fi
