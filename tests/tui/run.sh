#!/bin/sh
# TUI canvas goldens: `stepscope tui --dump WxH` renders one frame without a terminal (text,
# then the style role of every cell) for the simulated seed scenario (config.yaml, with --set
# variations) or a replayed corpus history, at a cursor time, after feeding keys. Cases are
# the lines of `cases`; goldens live in golden/NAME.txt.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tools/golden.sh"

find_corpus
if [ -z "$corpus" ]; then
	echo "FAIL corpus: shared/corpus/aws-histories not found (set STEPSCOPE_CORPUS)"
	exit 0
fi

grep -v '^#' "$here/cases" | grep -v '^$' | while IFS='|' read -r cn size hist at keys flags; do
	out=$GOLDEN_TMP/$cn
	file=$corpus/$hist.history.json
	# {corpus} in keys names the corpus folder (for `o`, open a history).
	keys=$(printf '%s' "$keys" | sed "s|{corpus}|$corpus|g")
	# `-`: no file, the simulated scenario of the repository's config.yaml.
	[ "$hist" = - ] && file=
	# `nodef`: the history alone, without its definition beside it (graph from the log).
	case " $flags " in
	*" nodef "*)
		file=$GOLDEN_TMP/$hist.json
		cp "$corpus/$hist.history.json" "$file"
		flags=$(echo " $flags " | sed 's/ nodef / /')
		;;
	esac
	# shellcheck disable=SC2086 # flags are words
	(cd "$top" && "$STEPSCOPE" tui --dump "$size" --at "$at" --keys "$keys" --roles $flags \
		${file:+"$file"}) >"$out" 2>"$out.err"
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "FAIL $cn: exit status $rc"
		head -5 "$out.err"
		continue
	fi
	golden_check "$cn" "$here/golden/$cn.txt" "$out"
done
