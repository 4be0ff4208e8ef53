#!/bin/sh
# Makes sure the libraries (and, for "test", the test tools) stepscope needs are installed.
# Usage: deps.sh build|test|fuzz [--install]
# Without --install it only checks, and installs when something is missing. It says what it
# runs; when it cannot install, it prints the exact command for the user and fails.
set -u
what=${1:-build}

build_pkgs="ncursesw jansson yaml-0.1 libcrypto yajl"

missing_build() {
	command -v pkg-config >/dev/null 2>&1 || { echo pkg-config; return; }
	for p in $build_pkgs; do
		pkg-config --exists "$p" || echo "$p"
	done
}

missing_test() {
	missing_build
	pkg-config --exists cmocka 2>/dev/null || echo cmocka
	command -v tmux >/dev/null 2>&1 || echo tmux
	command -v clang >/dev/null 2>&1 || echo clang
	command -v python3 >/dev/null 2>&1 || echo python3
}

missing_fuzz() {
	missing_test
}

missing=$(missing_"$what" | sort -u | tr '\n' ' ')
[ -z "$missing" ] && exit 0

# Package names per package manager, for everything any goal may need.
apt_pkgs="pkg-config libncurses-dev libjansson-dev libyaml-dev libssl-dev libyajl-dev"
dnf_pkgs="pkgconf-pkg-config ncurses-devel jansson-devel libyaml-devel openssl-devel yajl-devel"
apk_pkgs="pkgconf ncurses-dev jansson-dev yaml-dev openssl-dev yajl-dev"
brew_pkgs="pkg-config ncurses jansson libyaml openssl@3 yajl"
if [ "$what" != build ]; then
	# clang: the -Werror build check and the fuzzers; python3: structural checks of outputs.
	apt_pkgs="$apt_pkgs libcmocka-dev tmux clang python3"
	dnf_pkgs="$dnf_pkgs libcmocka-devel tmux clang compiler-rt python3"
	apk_pkgs="$apk_pkgs cmocka-dev tmux clang compiler-rt python3"
	brew_pkgs="$brew_pkgs cmocka tmux llvm python3"
fi

sudo=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="NOSUDO"; fi
fi

if command -v apt-get >/dev/null 2>&1; then
	cmd="apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $apt_pkgs"
	[ -n "$sudo" ] && cmd="$sudo sh -c '$cmd'"
elif command -v dnf >/dev/null 2>&1; then
	cmd="$sudo dnf install -y $dnf_pkgs"
elif command -v apk >/dev/null 2>&1; then
	cmd="$sudo apk add $apk_pkgs"
elif command -v brew >/dev/null 2>&1; then
	sudo=""
	cmd="brew install $brew_pkgs"
else
	echo "stepscope: missing: $missing" >&2
	echo "stepscope: no known package manager; install ncurses (wide), jansson, libyaml, yajl, OpenSSL (libcrypto), pkg-config, cmocka and tmux" >&2
	exit 1
fi
cmd=$(printf '%s' "$cmd" | sed 's/^ *//')

case "$sudo" in
NOSUDO*)
	echo "stepscope: missing: $missing" >&2
	echo "stepscope: run as root:  $(printf '%s' "$cmd" | sed 's/^NOSUDO //')" >&2
	exit 1
	;;
esac

echo "stepscope: missing: $missing"
echo "stepscope: installing: $cmd"
if ! sh -c "$cmd"; then
	echo "stepscope: the install failed; run it yourself:  $cmd" >&2
	exit 1
fi
still=$(missing_"$what" | sort -u | tr '\n' ' ')
if [ -n "$still" ]; then
	echo "stepscope: still missing after install: $still" >&2
	exit 1
fi
exit 0
