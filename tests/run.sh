#!/usr/bin/env bash
# The whole test suite: configures a Debug build in build-test/ (or
# build-asan/ with HSNAP_SANITIZE=1: ASan + UBSan), builds it and runs ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build-test
flags=(-DCMAKE_BUILD_TYPE=Debug)
if [ "${HSNAP_SANITIZE:-0}" = 1 ]; then
  dir=build-asan
  flags+=(-DHSNAP_SANITIZE=ON)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
cmake -S . -B "$dir" "${flags[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)" >/dev/null
cd "$dir"
ctest --output-on-failure -j"$(nproc)"
