#!/bin/sh
# Graph goldens: for each case folder with a definition.asl.json, `stepscope graph` in text,
# ASCII, dot and Mermaid form against expected.txt, expected-ascii.txt, expected.dot and
# expected.mmd. When Graphviz is installed the dot output must also render (dot -Tsvg, no
# warnings); when MERMAID_DIR names a folder with node_modules/{mermaid,jsdom}, the Mermaid
# output must render (mermaid in jsdom). Plus the command's usage and error behaviour.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tools/golden.sh"
have_dot=0
command -v dot >/dev/null 2>&1 && have_dot=1
[ "$have_dot" = 1 ] || echo "note: Graphviz dot not installed; dot render checks not run"

for dir in "$here"/*/; do
	def=$dir/definition.asl.json
	[ -f "$def" ] || continue
	cname=$(basename "$dir")
	out=$GOLDEN_TMP/$cname
	"$STEPSCOPE" graph "$def" >"$out.txt" 2>"$out.err"
	expect_status "$cname/text" 0 $? && golden_check "$cname/text" "$dir/expected.txt" "$out.txt"
	"$STEPSCOPE" graph --ascii "$def" >"$out.ascii" 2>>"$out.err"
	expect_status "$cname/ascii" 0 $? &&
		golden_check "$cname/ascii" "$dir/expected-ascii.txt" "$out.ascii"
	if LC_ALL=C grep -q '[^ -~]' "$out.ascii" && ! LC_ALL=C grep -q '[^ -~]' "$def"; then
		echo "FAIL $cname/ascii-only: --ascii printed non-ASCII characters"
	fi
	"$STEPSCOPE" graph --format dot "$def" >"$out.dot" 2>>"$out.err"
	expect_status "$cname/dot" 0 $? && golden_check "$cname/dot" "$dir/expected.dot" "$out.dot"
	if [ "$have_dot" = 1 ]; then
		if dot -Tsvg "$out.dot" >"$out.svg" 2>"$out.doterr" && [ ! -s "$out.doterr" ] &&
			grep -q '<svg' "$out.svg"; then
			echo "ok $cname/dot-renders"
		else
			echo "FAIL $cname/dot-renders: dot -Tsvg failed or warned"
			head -5 "$out.doterr"
		fi
	fi
	"$STEPSCOPE" graph --format=mermaid "$def" >"$out.mmd" 2>>"$out.err"
	expect_status "$cname/mermaid" 0 $? && golden_check "$cname/mermaid" "$dir/expected.mmd" "$out.mmd"
	if [ -s "$out.err" ]; then
		echo "FAIL $cname/stderr: unexpected messages"
		head -5 "$out.err"
	fi
done

if [ -n "${MERMAID_DIR:-}" ]; then
	(cd "$MERMAID_DIR" && node "$here/mermaid-check.mjs" "$GOLDEN_TMP"/*.mmd) |
		sed -E 's#^(ok|FAIL) .*/([^/]*)\.mmd#\1 \2/mermaid-renders#'
fi

# The seed machine is readable in 80 columns.
w=$("$STEPSCOPE" graph "$here/seed/definition.asl.json" | wc -L)
if [ "$w" -le 80 ]; then echo "ok seed/80-columns"; else echo "FAIL seed/80-columns: $w wide"; fi

# Usage and errors.
"$STEPSCOPE" graph --help >"$GOLDEN_TMP/help" 2>&1
if [ $? = 0 ] && grep -q '^usage: stepscope graph' "$GOLDEN_TMP/help"; then
	echo "ok cli/help"
else
	echo "FAIL cli/help"
fi
"$STEPSCOPE" graph --format png "$here/seed/definition.asl.json" >/dev/null 2>"$GOLDEN_TMP/e1"
rc=$?
if [ $rc = 2 ] && grep -q "unknown format 'png'" "$GOLDEN_TMP/e1"; then
	echo "ok cli/bad-format"
else
	echo "FAIL cli/bad-format: exit $rc"
fi
"$STEPSCOPE" graph >/dev/null 2>"$GOLDEN_TMP/e2"
rc=$?
if [ $rc = 2 ] && grep -q 'no definition FILE' "$GOLDEN_TMP/e2"; then
	echo "ok cli/no-file"
else
	echo "FAIL cli/no-file: exit $rc"
fi
"$STEPSCOPE" graph "$here/no-such-file.asl.json" >"$GOLDEN_TMP/o3" 2>"$GOLDEN_TMP/e3"
rc=$?
if [ $rc = 2 ] && [ -s "$GOLDEN_TMP/e3" ] && [ ! -s "$GOLDEN_TMP/o3" ]; then
	echo "ok cli/missing-file"
else
	echo "FAIL cli/missing-file: exit $rc"
fi
printf '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}' \
	>"$GOLDEN_TMP/broken.asl.json"
"$STEPSCOPE" graph "$GOLDEN_TMP/broken.asl.json" >/dev/null 2>"$GOLDEN_TMP/e4"
rc=$?
if [ $rc = 2 ] && grep -q 'error' "$GOLDEN_TMP/e4"; then
	echo "ok cli/invalid-json"
else
	echo "FAIL cli/invalid-json: exit $rc"
fi

# --machine picks one state machine of a CloudFormation template; without it, several is an error.
tpl=$here/cli/two-machines.template.json
"$STEPSCOPE" graph --machine Second "$tpl" >"$GOLDEN_TMP/o5" 2>"$GOLDEN_TMP/e5"
rc=$?
if [ $rc = 0 ] && grep -q 'OnlyInSecond' "$GOLDEN_TMP/o5" && ! grep -q 'OnlyInFirst' "$GOLDEN_TMP/o5"; then
	echo "ok cli/machine-option"
else
	echo "FAIL cli/machine-option: exit $rc"
fi
"$STEPSCOPE" graph "$tpl" >/dev/null 2>"$GOLDEN_TMP/e6"
rc=$?
if [ $rc = 2 ] && [ -s "$GOLDEN_TMP/e6" ]; then
	echo "ok cli/several-machines"
else
	echo "FAIL cli/several-machines: exit $rc"
fi
