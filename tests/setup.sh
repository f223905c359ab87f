#!/usr/bin/env bash
# Quick start: installs missing Debian packages, builds hsnap (Release) into
# build/, and runs it on the example snapshots shipped in fixtures/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/setup-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DHSNAP_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "built build/hsnap"
echo
echo "\$ build/hsnap summary fixtures/leak-3.heapsnapshot.gz --top 8"
build/hsnap summary fixtures/leak-3.heapsnapshot.gz --top 8
echo
echo "\$ build/hsnap diff fixtures/leak-1.heapsnapshot.gz fixtures/leak-3.heapsnapshot.gz --top 8"
build/hsnap diff fixtures/leak-1.heapsnapshot.gz fixtures/leak-3.heapsnapshot.gz --top 8
echo
echo "\$ build/hsnap retainers fixtures/leak-3.heapsnapshot.gz --class LeakyConnection"
build/hsnap retainers fixtures/leak-3.heapsnapshot.gz --class LeakyConnection
