#!/bin/sh
# Writes a fuzzing corpus generated from the existing test cases into OUT/<target>/ (an ignored
# build folder): definitions and templates (tests/asl, tests/config), configs, histories
# (tests/replay) and the expression cases of tests/flow/*.cases. Usage: seeds.sh OUT
set -eu
out=${1:?usage: seeds.sh OUT}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
for t in doc asl graph config items history mock path intrinsic choice; do
	mkdir -p "$out/fz_$t"
done

# doc and asl take a selector byte first (see fz_doc.c, fz_asl.c).
n=0
for f in $(find tests/asl tests/config -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) | sort); do
	n=$((n + 1))
	case $f in
	*.yaml | *.yml) sel='\002' asel='\001' ;;
	*template*) sel='\001' asel='\002' ;;
	*) sel='\001' asel='\000' ;;
	esac
	{ printf "$sel"; cat "$f"; } >"$out/fz_doc/gen-$n"
	{ printf "$asel"; cat "$f"; } >"$out/fz_asl/gen-$n"
	cp "$out/fz_asl/gen-$n" "$out/fz_graph/gen-$n"
done
n=0
for f in $(find tests/config -type f -name '*.yaml' | sort) $(ls config.yaml 2>/dev/null); do
	n=$((n + 1))
	cp "$f" "$out/fz_config/gen-$n"
done
n=0
for f in $(find tests/replay -type f -name '*.json' -size -200k | sort); do
	n=$((n + 1))
	cp "$f" "$out/fz_history/gen-$n"
done

n=0
for f in $(find tests/sim -type f -name 'mock*' | sort); do
	n=$((n + 1))
	cp "$f" "$out/fz_mock/gen-$n"
done

# tests/flow/*.cases: "expr-or-spec NEWLINE input" per case.
for f in tests/flow/*.cases; do
	awk -v out="$out" -v base="$(basename "$f" .cases)" '
	function flush(   t, head) {
		if (kind == "") return
		if (kind == "select" || kind == "check" || kind == "checkref") { t = "path"; head = expr }
		else if (kind == "intrinsic" || kind == "checkfn") { t = "intrinsic"; head = expr }
		else if (kind == "rule" || kind == "choice") { t = "choice"; head = spec }
		else { kind = ""; return }
		n++
		file = out "/fz_" t "/" base "-" n
		printf "%s\n%s", head, input > file
		close(file)
		kind = expr = spec = input = ""
	}
	/^@ / { flush(); last = ""; next }
	/^#/ { next }
	/^[ \t]/ { if (last == "input") input = input " " $0; else if (last == "spec") spec = spec " " $0
		   else if (last == "expr") expr = expr " " $0; next }
	/^[a-z_]+: / {
		key = $0; sub(/:.*/, "", key); val = $0; sub(/^[a-z_]+: /, "", val); last = key
		if (key == "kind") kind = val; else if (key == "input") input = val
		else if (key == "expr") expr = val; else if (key == "spec") spec = val
	}
	END { flush() }' "$f"
done
