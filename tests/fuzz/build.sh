#!/bin/bash
# Builds every tests/fuzz/fuzz_*.c target (fuzz_load, fuzz_index,
# fuzz_index_roundtrip, fuzz_baseline, fuzz_rules; libFuzzer + ASan + UBSan)
# with clang-14 from the library sources listed in CMakeLists.txt.
# Usage: tests/fuzz/build.sh [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$here/build}
CC=${CC:-clang-14}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# The add_library(libhsnap ...) source list, read from CMakeLists.txt so the
# fuzzer follows new modules without edits here.
srcs=$(sed -n '/add_library(libhsnap/,/)/p' "$root/CMakeLists.txt" | grep -o 'src/[A-Za-z0-9_/]*\.c')
[ -n "$srcs" ] || { echo "build.sh: no library sources found in CMakeLists.txt" >&2; exit 1; }
# hsnap/version.h as CMake's configure_file writes it, from project(VERSION)
ver=$(sed -n 's/^project(hsnap VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
[ -n "$ver" ] || { echo "build.sh: no project(hsnap VERSION ...) in CMakeLists.txt" >&2; exit 1; }
mkdir -p "$out/include/hsnap"
sed "s/@PROJECT_VERSION@/$ver/" "$root/include/hsnap/version.h.in" >"$out/include/hsnap/version.h"
flags="-g -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  -I $root/include -I $out/include -I $root/src $(pkg-config --cflags yajl)"
cd "$root"
# shellcheck disable=SC2086
for target in $(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//'); do
  # shellcheck disable=SC2086
  $CC $flags -o "$out/$target" tests/fuzz/$target.c $srcs -lyajl -lz -lm -lpthread
  echo "built $out/$target"
done
