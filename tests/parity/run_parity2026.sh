#!/usr/bin/env bash
# run_parity2026.sh HSNAP_BINARY FIXTURE...
#
# Parity with the 2026 DevTools heap snapshot worker, as shipped in npm
# chrome-devtools-mcp@$MCP_VERSION (build/src/third_party/devtools-heap-snapshot-worker.js).
# For every FIXTURE: devtools2026_dump.mjs (run with es2024-polyfill.mjs, which Node 20 needs
# for Promise.withResolvers, in DevTools' second worker thread too) against
#   - hsnap export/summary: per node id, edge_count, self_size, retained_size, distance,
#     class; class rows; statistics (compare.mjs, the same checks as run_parity.sh);
#   - hsnap contexts: the dead closure variables of analyzeContexts (compare2026.mjs);
#   - hsnap realms: getNativeContextSizes (compare2026.mjs);
#   - hsnap summary --group site: DevTools' class rows, key by key (compare2026.mjs --sites);
#   - hsnap realms A B over pairs of fixtures: both sides and the growth (--realms-pair);
#   - hsnap summary --filter K: class rows of DevTools' named filter K (compare2026.mjs --filters).
#   - hsnap diff A B --filter K (the pairs below): each side's filtered rows against its own
#     dump, and the deltas their difference (compare2026.mjs --diff-filters).
#
# Exit: 0 all match, 1 a mismatch or a failed step,
#       77 skipped (node/npm missing or the package cannot be installed).
# Env:  HSNAP_PARITY_CACHE  cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/hsnap-parity);
#                          the package goes to its subdirectory chrome-devtools-mcp/
#       HSNAP_PARITY_KEEP=1 keep the work dir and print its path
set -u

if [ $# -lt 2 ]; then
  echo "usage: $0 HSNAP_BINARY FIXTURE..." >&2
  exit 2
fi
HSNAP=$1; shift
MCP_VERSION=1.11.0

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "skipped: node/npm not found"
  exit 77
fi
HERE=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$HSNAP" ]; then
  echo "error: hsnap binary '$HSNAP' not found or not executable" >&2
  exit 1
fi

CACHE=${HSNAP_PARITY_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/hsnap-parity}/chrome-devtools-mcp
PKG_JSON=$CACHE/node_modules/chrome-devtools-mcp/package.json
WORKER=$CACHE/node_modules/chrome-devtools-mcp/build/src/third_party/devtools-heap-snapshot-worker.js
have_pkg() {
  [ -f "$PKG_JSON" ] && [ -f "$WORKER" ] &&
    [ "$(node -e 'process.stdout.write(String(require(process.argv[1]).version))' "$PKG_JSON" 2>/dev/null)" = "$MCP_VERSION" ]
}
if ! have_pkg; then
  LOG=$CACHE/npm-install.log
  if ! mkdir -p "$CACHE" 2>/dev/null || ! : 2>/dev/null >"$LOG"; then
    echo "skipped: cannot install chrome-devtools-mcp (cache dir $CACHE not writable)"
    exit 77
  fi
  TIMEOUT=(); command -v timeout >/dev/null 2>&1 && TIMEOUT=(timeout 600)
  if ! "${TIMEOUT[@]}" npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error \
         "chrome-devtools-mcp@$MCP_VERSION" >"$LOG" 2>&1 || ! have_pkg; then
    echo "skipped: cannot install chrome-devtools-mcp@$MCP_VERSION (log: $LOG)"
    exit 77
  fi
fi
export HSNAP_MCP_DIR=$CACHE

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hsnap-parity2026.XXXXXX") || exit 1
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
    echo "parity2026: $name: FAIL (fixture $F not found)"; status=1; continue
  fi
  if ! node "${NODE_OPTS[@]}" --import "$HERE/es2024-polyfill.mjs" "$HERE/devtools2026_dump.mjs" "$F" \
         >"$d/devtools.json" 2>"$d/devtools.err"; then
    echo "parity2026: $name: FAIL (devtools2026_dump failed)"; sed 's/^/  /' "$d/devtools.err" | head -20; status=1; continue
  fi
  if [ $selftest_done = 0 ]; then
    if ! node "${NODE_OPTS[@]}" "$HERE/compare.mjs" --self-test "$d/devtools.json"; then
      echo "parity2026: comparator self-test FAILED"; exit 1
    fi
    selftest_done=1
  fi
  ok=1
  for step in "export --format json:export.jsonl" "summary --format json:summary.json" \
              "contexts --top 0 --format json:contexts.json" "realms --format json:realms.json"; do
    args=${step%%:*} outf=${step##*:}
    # shellcheck disable=SC2086
    "$HSNAP" ${args%% *} "$F" ${args#* } >"$d/$outf" 2>"$d/$outf.err"; rc=$?
    if [ $rc != 0 ]; then
      echo "parity2026: $name: FAIL (hsnap ${args%% *} exited $rc)"; sed 's/^/  /' "$d/$outf.err" | head -20; ok=0
    fi
  done
  [ $ok = 1 ] || { status=1; continue; }
  node "${NODE_OPTS[@]}" "$HERE/compare.mjs" "$d/devtools.json" "$d/export.jsonl" "$d/summary.json" --name "2026 $name" || status=1
  if [ $selftest_done = 1 ]; then
    node "${NODE_OPTS[@]}" "$HERE/compare2026.mjs" --self-test "$d/devtools.json" || { echo "parity2026: compare2026 self-test FAILED"; exit 1; }
    selftest_done=2
  fi
  node "${NODE_OPTS[@]}" "$HERE/compare2026.mjs" "$d/devtools.json" "$d/contexts.json" "$d/realms.json" --name "$name" || status=1
  # DevTools' own rows (class name + allocation site)
  if "$HSNAP" summary "$F" --group site --format json >"$d/sites.json" 2>"$d/sites.err"; then
    node "${NODE_OPTS[@]}" "$HERE/compare2026.mjs" --sites "$d/devtools.json" "$d/sites.json" "$name" || status=1
  else
    echo "parity2026: $name: FAIL (hsnap summary --group site exited $?)"; sed 's/^/  /' "$d/sites.err" | head -5; status=1
  fi
  # DevTools' named filters: summary --filter K for every filter the dump has
  fok=1
  for k in $(node -e 'for (const k of Object.keys(JSON.parse(require("fs").readFileSync(process.argv[1])).filters)) console.log(k)' "$d/devtools.json"); do
    if ! "$HSNAP" summary "$F" --filter "$k" --format json >"$d/filter-$k.json" 2>"$d/filter-$k.err"; then
      echo "parity2026: $name: FAIL (hsnap summary --filter $k exited $?)"; sed 's/^/  /' "$d/filter-$k.err" | head -5; fok=0
    fi
  done
  if [ $fok = 1 ]; then
    node "${NODE_OPTS[@]}" "$HERE/compare2026.mjs" --filters "$d/devtools.json" "$d" "$name" || status=1
  else
    status=1
  fi
done
# Realms over two snapshots of one process (hsnap realms A B): pairs of fixtures above
# (HSNAP_PARITY2026_PAIRS="A:B ..." overrides), each side against its own dump.
PAIRS=${HSNAP_PARITY2026_PAIRS:-"chrome-closures:chrome-closures-2 node-vm:node-vm-2"}
for pair in $PAIRS; do
  a=${pair%%:*} b=${pair##*:} fa="" fb=""
  for F in "$@"; do
    n=$(basename "$F"); n=${n%.gz}; n=${n%.heapsnapshot}
    [ "$n" = "$a" ] && fa=$F
    [ "$n" = "$b" ] && fb=$F
  done
  [ -n "$fa" ] && [ -n "$fb" ] && [ -s "$WORK/$a/devtools.json" ] && [ -s "$WORK/$b/devtools.json" ] || continue
  out="$WORK/realms-$a-$b.json"
  "$HSNAP" realms "$fa" "$fb" --format json >"$out" 2>"$out.err"; rc=$?
  if [ $rc != 0 ]; then
    echo "parity2026 realms pair: $pair: FAIL (hsnap realms exited $rc)"; head -5 "$out.err"; status=1; continue
  fi
  node "${NODE_OPTS[@]}" "$HERE/compare2026.mjs" --realms-pair "$WORK/$a/devtools.json" "$WORK/$b/devtools.json" "$out" "$pair" || status=1
  # diff A B --filter K: each side's filtered rows against that side's dump
  dok=1
  for k in $(node -e 'const f = (p) => Object.keys(JSON.parse(require("fs").readFileSync(p)).filters);
      const b = new Set(f(process.argv[2])); for (const k of f(process.argv[1])) if (b.has(k)) console.log(k)' \
      "$WORK/$a/devtools.json" "$WORK/$b/devtools.json"); do
    "$HSNAP" diff "$fa" "$fb" --filter "$k" --format json >"$WORK/diff-$k.json" 2>"$WORK/diff-$k.err"; rc=$?
    if [ $rc != 0 ]; then
      echo "parity2026 diff --filter: $pair: FAIL (hsnap diff --filter $k exited $rc)"; head -5 "$WORK/diff-$k.err"; dok=0
    fi
  done
  if [ $dok = 1 ]; then
    node "${NODE_OPTS[@]}" "$HERE/compare2026.mjs" --diff-filters "$WORK/$a/devtools.json" "$WORK/$b/devtools.json" "$WORK" "$pair" || status=1
  else
    status=1
  fi
  rm -f "$WORK"/diff-*.json "$WORK"/diff-*.err
done
exit $status
