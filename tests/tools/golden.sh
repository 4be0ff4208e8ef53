# Helpers for golden-file suites; source it from tests/<suite>/run.sh.
#
#   golden_check NAME EXPECTED_FILE ACTUAL_FILE
# prints "ok NAME" or "FAIL NAME" with a diff. With UPDATE=1 it writes the expected file
# from the actual output instead (then a person reviews the diff before committing).
: "${STEPSCOPE:?STEPSCOPE must name the binary under test}"
GOLDEN_TMP=$(mktemp -d)
trap 'rm -rf "$GOLDEN_TMP"' EXIT

golden_check() {
	name=$1 expected=$2 actual=$3
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$actual" "$expected"
		echo "ok $name (updated)"
		return 0
	fi
	if [ ! -f "$expected" ]; then
		echo "FAIL $name: no golden file $expected (run with UPDATE=1, then review)"
		return 1
	fi
	if cmp -s "$expected" "$actual"; then
		echo "ok $name"
	else
		echo "FAIL $name: output differs from $expected"
		diff -u "$expected" "$actual" | head -40
		return 1
	fi
}

# expect_status NAME WANT GOT
expect_status() {
	if [ "$2" = "$3" ]; then
		return 0
	fi
	echo "FAIL $1: exit status $3, expected $2"
	return 1
}

# find_corpus: sets $corpus to the AWS histories recorded for the tests (shared/ lies beside the
# repository for sessions and CI, one level further for worktrees; $STEPSCOPE_CORPUS wins), as
# an absolute path; empty when there is none.
find_corpus() {
	corpus=""
	_top=$(cd "$(dirname "$0")/../.." && pwd)
	for _c in "${STEPSCOPE_CORPUS:-}" "$_top/../shared/corpus/aws-histories" \
		"$_top/../../shared/corpus/aws-histories"; do
		if [ -n "$_c" ] && [ -d "$_c" ]; then
			corpus=$(cd "$_c" && pwd)
			return 0
		fi
	done
	return 1
}
