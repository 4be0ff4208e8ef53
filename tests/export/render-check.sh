#!/bin/sh
# Renders SVG exports with headless Chromium and checks each picture is real (check.py png:
# a PNG over 3 KB with ink and colours). A blank SVG is rendered too and must FAIL the check,
# so the check itself is known to bite.
#
# Usage: render-check.sh FILE.svg...  Prints "ok NAME" / "FAIL NAME: why" per file. Without
# chromium (or chromium-browser / google-chrome) on PATH it prints a note and counts nothing.
here=$(cd "$(dirname "$0")" && pwd)
browser=""
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then
		browser=$b
		break
	fi
done
if [ -z "$browser" ]; then
	echo "note: render-check: chromium is not installed; SVG rendering not checked"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# render SVG PNG: one headless screenshot, with a throw-away profile and no network chatter.
render() {
	profile=$(mktemp -d "$work/profile.XXXXXX")
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --screenshot="$2" --window-size=1200,800 "$1" \
		>"$work/log" 2>&1
	rm -rf "$profile"
}

for svg in "$@"; do
	rn=render.$(basename "$svg" .svg)
	png=$work/$(basename "$svg" .svg).png
	render "$svg" "$png"
	if [ ! -s "$png" ]; then
		echo "FAIL $rn: $browser wrote no PNG: $(tail -2 "$work/log")"
	elif problems=$(python3 "$here/check.py" png "$png"); then
		echo "ok $rn ($(wc -c <"$png") bytes)"
	else
		echo "FAIL $rn: $problems"
	fi
done

# The control: a blank page must not pass.
printf '%s\n' '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800"></svg>' \
	>"$work/blank.svg"
render "$work/blank.svg" "$work/blank.png"
if [ -s "$work/blank.png" ] && ! python3 "$here/check.py" png "$work/blank.png" >/dev/null; then
	echo "ok render.blank-control"
else
	echo "FAIL render.blank-control: a blank SVG passed the picture check (or did not render)"
fi
