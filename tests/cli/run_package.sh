#!/usr/bin/env bash
# hsnap installs like a real tool: `cmake --install` puts the binary, the man
# page and the completions in their FHS places under a prefix; `cpack -G DEB`
# builds a Debian package whose Depends name the runtime libraries, which
# `dpkg-deb -x` unpacks into a temporary folder (no root, no chroot), and
# the unpacked binary runs (--version, a summary of fixtures/tiny).
#   run_package.sh BUILD_DIR SOURCE_DIR
# Exit 77 (skipped) without dpkg-deb or cpack.
set -u
BUILD=$(cd "${1:?usage: run_package.sh BUILD_DIR SOURCE_DIR}" && pwd)
SRC=$(cd "${2:?usage: run_package.sh BUILD_DIR SOURCE_DIR}" && pwd)
FAILS=0 CHECKS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
check() { CHECKS=$((CHECKS + 1)); }
CMAKE=${CMAKE:-cmake}
CPACK=${CPACK:-cpack}
command -v dpkg-deb >/dev/null && command -v "$CPACK" >/dev/null || { echo "run_package.sh: no dpkg-deb or cpack: skipped"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HSNAP_NO_INDEX=1 # fixtures/ stays as it is
VERSION=$(sed -n 's/^project(hsnap VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")

# the unpacked or installed tree: FILES in place, the binary runs
check_tree() { # ROOT PREFIX WHAT
	local root=$1 prefix=$2 what=$3 f
	for f in bin/hsnap share/man/man1/hsnap.1 share/bash-completion/completions/hsnap \
		share/zsh/vendor-completions/_hsnap; do
		check
		[ -s "$root$prefix/$f" ] || fail "$what: no $prefix/$f"
	done
	check
	[ -x "$root$prefix/bin/hsnap" ] || fail "$what: $prefix/bin/hsnap not executable"
	check
	out=$("$root$prefix/bin/hsnap" --version 2>&1)
	[ "$out" = "hsnap $VERSION" ] || fail "$what: --version printed '$out', not 'hsnap $VERSION'"
	check
	out=$("$root$prefix/bin/hsnap" summary --format json "$SRC/fixtures/tiny/diamond.heapsnapshot" 2>&1)
	printf '%s\n' "$out" | grep -q '"node_count": 10' ||
		fail "$what: summary of tiny/diamond.heapsnapshot: $(printf '%s\n' "$out" | head -3)"
	check
	cmp -s "$root$prefix/share/man/man1/hsnap.1" "$BUILD/generated/hsnap.1" || fail "$what: hsnap.1 is not the generated one"
}

# cmake --install into a prefix
"$CMAKE" --install "$BUILD" --prefix "$T/prefix" >"$T/install.log" 2>&1 || fail "cmake --install: $(tail -3 "$T/install.log")"
check_tree "$T/prefix" "" "cmake --install"

# cpack -G DEB
(cd "$T" && "$CPACK" -G DEB --config "$BUILD/CPackConfig.cmake" -B "$T/pkg") >"$T/cpack.log" 2>&1 ||
	fail "cpack -G DEB: $(tail -5 "$T/cpack.log")"
deb=$(ls "$T"/pkg/hsnap_*.deb 2>/dev/null | head -1)
check
[ -n "$deb" ] || { fail "cpack -G DEB wrote no hsnap_*.deb: $(tail -5 "$T/cpack.log")"; echo "run_package.sh: $CHECKS checks, $FAILS failures"; exit 1; }
check
[ "$(dpkg-deb -f "$deb" Package)" = hsnap ] || fail "$deb: Package is '$(dpkg-deb -f "$deb" Package)'"
check
[ "$(dpkg-deb -f "$deb" Version)" = "$VERSION" ] || fail "$deb: Version is '$(dpkg-deb -f "$deb" Version)', not $VERSION"
deps=$(dpkg-deb -f "$deb" Depends)
for lib in libyajl2 zlib1g libwslay1 libc6; do
	check
	printf '%s\n' "$deps" | tr ',' '\n' | grep -qE "^ *$lib( |\$)" || fail "$deb: Depends ($deps) lacks $lib"
done
mkdir "$T/root"
dpkg-deb -x "$deb" "$T/root" || fail "dpkg-deb -x $deb"
check_tree "$T/root" /usr "dpkg-deb -x"
# every file of the package is under /usr (nothing in /usr/local, /etc, ...)
check
others=$(dpkg-deb -c "$deb" | awk '{print $6}' | grep -v '^\./usr/' | grep -v '^\./$')
[ -z "$others" ] || fail "$deb: files outside /usr: $others"

echo "run_package.sh: $CHECKS checks, $FAILS failures (Depends: $deps)"
[ "$FAILS" = 0 ]
