#!/usr/bin/env bash
# Index round trip over fuzz-corpus-like inputs (issue 14, item 21):
#   index_roundtrip.sh INDEX_ROUNDTRIP_BIN SOURCE_DIR
# Builds the fuzz_load seed corpus with tests/fuzz/make_corpus.sh (python3) in
# a temporary folder and runs the round-trip program (write an index, reopen
# it, compare) on it, on tests/robust/regress and on fixtures/tiny.  With the
# index check of 4538fa9 the detachedness inputs of the corpus aborted here
# ("reopen: section 15: value out of range").
set -euo pipefail
BIN=${1:?usage: index_roundtrip.sh BIN SOURCE_DIR}
SRC=${2:?usage: index_roundtrip.sh BIN SOURCE_DIR}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hsnap-index-rt.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
bash "$SRC/tests/fuzz/make_corpus.sh" "$TMP/corpus" >/dev/null
n=$(ls "$TMP/corpus" | wc -l)
[ "$n" -ge 20 ] || { echo "FAIL: only $n corpus files" >&2; exit 1; }
"$BIN" "$TMP"/corpus/* "$SRC"/tests/robust/regress/*.heapsnapshot "$SRC"/fixtures/tiny/*.heapsnapshot
