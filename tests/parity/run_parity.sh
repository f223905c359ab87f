#!/usr/bin/env bash
# run_parity.sh HSNAP_BINARY FIXTURE...
#
# DevTools parity check: for every FIXTURE (.heapsnapshot, optionally gzipped) compare what
# hsnap computes (`hsnap export --format json`, `hsnap summary --format json`) with what
# Chrome DevTools' own heap snapshot code computes (npm heap-snapshot-toolkit@1.1.3, a bundle
# of devtools-frontend's HeapSnapshot.ts) -- see devtools_dump.mjs and compare.mjs.
#
# Exit: 0 all fixtures match, 1 a fixture mismatched or a step failed,
#       77 skipped (node/npm missing or the toolkit cannot be installed) -- ctest SKIP_RETURN_CODE.
# Env:  HSNAP_PARITY_CACHE  where the toolkit is installed
#                          (default ${XDG_CACHE_HOME:-$HOME/.cache}/hsnap-parity)
#       HSNAP_PARITY_KEEP=1 keep the work dir (dumps / exports) and print its path
set -u

if [ $# -lt 2 ]; then
  echo "usage: $0 HSNAP_BINARY FIXTURE..." >&2
  exit 2
fi
HSNAP=$1; shift
TOOLKIT_VERSION=1.1.3

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "skipped: node/npm not found"
  exit 77
fi
HERE=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$HSNAP" ]; then
  echo "error: hsnap binary '$HSNAP' not found or not executable" >&2
  exit 1
fi

CACHE=${HSNAP_PARITY_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/hsnap-parity}
PKG_JSON=$CACHE/node_modules/heap-snapshot-toolkit/package.json
have_toolkit() {
  [ -f "$PKG_JSON" ] &&
    [ "$(node -e 'process.stdout.write(String(require(process.argv[1]).version))' "$PKG_JSON" 2>/dev/null)" = "$TOOLKIT_VERSION" ]
}
if ! have_toolkit; then
  LOG=$CACHE/npm-install.log
  if ! mkdir -p "$CACHE" 2>/dev/null || ! : 2>/dev/null >"$LOG"; then
    echo "skipped: cannot install heap-snapshot-toolkit (cache dir $CACHE not writable)"
    exit 77
  fi
  TIMEOUT=(); command -v timeout >/dev/null 2>&1 && TIMEOUT=(timeout 600)
  if ! "${TIMEOUT[@]}" npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error \
         "heap-snapshot-toolkit@$TOOLKIT_VERSION" >"$LOG" 2>&1 || ! have_toolkit; then
    echo "skipped: cannot install heap-snapshot-toolkit (log: $LOG)"
    exit 77
  fi
fi
export HSNAP_HST_DIR=$CACHE   # devtools_dump.mjs imports the toolkit from here by absolute path

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hsnap-parity.XXXXXX") || exit 1
if [ "${HSNAP_PARITY_KEEP:-0}" = 1 ]; then
  echo "work dir: $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi

NODE_OPTS=(--max-old-space-size=8000)
status=0
selftest_done=0
for F in "$@"; do
  name=$(basename "$F"); name=${name%.gz}; name=${name%.heapsnapshot}
  d="$WORK/$name"; mkdir -p "$d"
  if [ ! -f "$F" ]; then
    echo "parity: $name: FAIL (fixture $F not found)"; status=1; continue
  fi
  if ! node "${NODE_OPTS[@]}" "$HERE/devtools_dump.mjs" "$F" >"$d/devtools.json" 2>"$d/devtools.err"; then
    echo "parity: $name: FAIL (devtools_dump failed)"; sed 's/^/  /' "$d/devtools.err" | head -20; status=1; continue
  fi
  if [ $selftest_done = 0 ]; then
    if ! node "${NODE_OPTS[@]}" "$HERE/compare.mjs" --self-test "$d/devtools.json"; then
      echo "parity: comparator self-test FAILED"; exit 1
    fi
    selftest_done=1
  fi
  "$HSNAP" export "$F" --format json >"$d/export.jsonl" 2>"$d/export.err"; rc=$?
  if [ $rc != 0 ]; then
    echo "parity: $name: FAIL (hsnap export exited $rc)"; sed 's/^/  /' "$d/export.err" | head -20; status=1; continue
  fi
  "$HSNAP" summary "$F" --format json >"$d/summary.json" 2>"$d/summary.err"; rc=$?
  if [ $rc != 0 ]; then
    echo "parity: $name: FAIL (hsnap summary exited $rc)"; sed 's/^/  /' "$d/summary.err" | head -20; status=1; continue
  fi
  node "${NODE_OPTS[@]}" "$HERE/compare.mjs" "$d/devtools.json" "$d/export.jsonl" "$d/summary.json" --name "$name" || status=1
done
# Comparison view: new/deleted per class for consecutive fixtures of one process
# (HSNAP_PARITY_PAIRS="A:B ..." overrides; default: the leak series and the steady pair).
FIXDIR=$(dirname "${1:-.}")
PAIRS=${HSNAP_PARITY_PAIRS:-"leak-1:leak-2 leak-2:leak-3 leak-1:leak-3 steady-1:steady-2"}
for pair in $PAIRS; do
  A="$FIXDIR/${pair%%:*}.heapsnapshot.gz" B="$FIXDIR/${pair##*:}.heapsnapshot.gz"
  [ -f "$A" ] && [ -f "$B" ] || continue
  out="$WORK/diff-${pair/:/-}.json"
  if ! "$HSNAP" diff "$A" "$B" --format json >"$out" 2>"$out.err"; then
    echo "parity diff: $pair: FAIL (hsnap diff exited $?)"; status=1; continue
  fi
  node "${NODE_OPTS[@]}" "$HERE/devtools_diff.mjs" "$A" "$B" "$out" || status=1
done
exit $status
