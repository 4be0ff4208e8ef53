#!/bin/sh
# `make install` puts the binary, the man page, the assets and the samples where they belong,
# and the installed binary runs the seed scenario from any folder with no config.yaml.
. "$(dirname "$0")/../tools/golden.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
dest=$GOLDEN_TMP/dest
if ! make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr/local >"$GOLDEN_TMP/make.log" 2>&1; then
	echo "FAIL install.make: $(tail -3 "$GOLDEN_TMP/make.log")"
	exit 0
fi
share=$dest/usr/local/share/stepscope
for f in bin/stepscope share/man/man1/stepscope.1 share/stepscope/seed/statemachine.asl.json \
	share/stepscope/samples/simplelist.json share/stepscope/samples/listofdicts.json; do
	if [ -f "$dest/usr/local/$f" ]; then
		echo "ok install.file $f"
	else
		echo "FAIL install.file $f: not installed"
	fi
done
mkdir -p "$GOLDEN_TMP/elsewhere"
out=$(cd "$GOLDEN_TMP/elsewhere" && STEPSCOPE_DATADIR=$share "$dest/usr/local/bin/stepscope" run --json)
rc=$?
if [ "$rc" = 0 ] && printf '%s' "$out" | grep -q '"status": "SUCCEEDED"'; then
	echo "ok install.seed-runs-anywhere"
else
	echo "FAIL install.seed-runs-anywhere: exit $rc: $out"
fi
if ! command -v man >/dev/null 2>&1; then
	echo "note: man is not installed; the man page was not formatted"
elif man -l "$dest/usr/local/share/man/man1/stepscope.1" 2>&1 | grep -q 'stepscope run'; then
	echo "ok install.man-page"
else
	echo "FAIL install.man-page: man cannot format it"
fi
