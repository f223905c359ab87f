#!/usr/bin/env bash
# run_growth_filter.sh HSNAP_BINARY
#
# hsnap growth --filter K against the 2026 DevTools worker (npm chrome-devtools-mcp,
# as run_parity2026.sh installs it): three snapshots of one Node process in which
#   MainLeak  50 objects a step, in the main context
#   VmLeak    30 objects a step, in a vm context
#   strings   40 duplicated and 20 unique strings a step
# grow.  Each snapshot is dumped by devtools2026_dump.mjs (DevTools' class rows of
# every named filter); growth_filter.mjs computes from those rows alone which
# classes grew, in which order, with which per-snapshot counts, self and retained
# sizes, and compares hsnap growth --filter K (default and --min-steps 0) for
# every filter K, and without a filter.
# Exit: 0 all match, 1 a mismatch, 77 skipped (node/npm missing, package not installable).
set -u
HSNAP=${1:?usage: run_growth_filter.sh HSNAP_BINARY}
MCP_VERSION=1.11.0   # as run_parity2026.sh
HERE=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "skipped: node/npm not found"
  exit 77
fi
CACHE=${HSNAP_PARITY_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/hsnap-parity}/chrome-devtools-mcp
PKG_JSON=$CACHE/node_modules/chrome-devtools-mcp/package.json
have_pkg() {
  [ -f "$PKG_JSON" ] &&
    [ "$(node -e 'process.stdout.write(String(require(process.argv[1]).version))' "$PKG_JSON" 2>/dev/null)" = "$MCP_VERSION" ]
}
if ! have_pkg; then
  mkdir -p "$CACHE" 2>/dev/null || { echo "skipped: cache dir $CACHE not writable"; exit 77; }
  TIMEOUT=(); command -v timeout >/dev/null 2>&1 && TIMEOUT=(timeout 600)
  if ! "${TIMEOUT[@]}" npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error \
         "chrome-devtools-mcp@$MCP_VERSION" >"$CACHE/npm-install.log" 2>&1 || ! have_pkg; then
    echo "skipped: cannot install chrome-devtools-mcp@$MCP_VERSION (log: $CACHE/npm-install.log)"
    exit 77
  fi
fi
export HSNAP_MCP_DIR=$CACHE HSNAP_NO_INDEX=1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hsnap-growth-filter.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

cat >"$WORK/gen.js" <<'JS'
const v8 = require("v8"), vm = require("vm");
class MainLeak { constructor(i) { this.i = i; } }
globalThis.mainLeaks = []; globalThis.dups = []; globalThis.uniq = [];
const sandbox = vm.createContext({});
vm.runInContext("class VmLeak { constructor(i) { this.i = i; } }; globalThis.keep = [];" +
                "globalThis.grow = (n) => { for (let i = 0; i < n; i++) keep.push(new VmLeak(i)); };", sandbox);
for (let step = 1; step <= 3; step++) {
  for (let i = 0; i < 50; i++) mainLeaks.push(new MainLeak(i));
  vm.runInContext("grow(30)", sandbox);
  for (let i = 0; i < 40; i++) dups.push(["dup", "licate", String(i % 4)].join("-"));
  for (let i = 0; i < 20; i++) uniq.push(["uniq", step, i].join("-"));
  v8.writeHeapSnapshot(process.argv[2] + "/s" + step + ".heapsnapshot");
}
JS
node "$WORK/gen.js" "$WORK" || { echo "FAIL: could not generate the snapshots"; exit 1; }
S=("$WORK/s1.heapsnapshot" "$WORK/s2.heapsnapshot" "$WORK/s3.heapsnapshot")
for i in 1 2 3; do
  node --max-old-space-size=8000 --import "$HERE/es2024-polyfill.mjs" "$HERE/devtools2026_dump.mjs" \
       "$WORK/s$i.heapsnapshot" >"$WORK/d$i.json" 2>"$WORK/d$i.err" ||
    { echo "FAIL: devtools2026_dump S$i"; head -20 "$WORK/d$i.err"; exit 1; }
done
"$HSNAP" growth "${S[@]}" --containers 0 --format json >"$WORK/g.json" ||
  { echo "FAIL: hsnap growth exited $?"; exit 1; }
for k in $(node -e 'for (const k of Object.keys(JSON.parse(require("fs").readFileSync(process.argv[1])).filters)) console.log(k)' "$WORK/d3.json"); do
  "$HSNAP" growth "${S[@]}" --filter "$k" --containers 0 --format json >"$WORK/g-$k.json" 2>"$WORK/err" ||
    { echo "FAIL: hsnap growth --filter $k exited $?: $(cat "$WORK/err")"; exit 1; }
  "$HSNAP" growth "${S[@]}" --filter "$k" --min-steps 0 --containers 0 --format json >"$WORK/g0-$k.json" 2>"$WORK/err" ||
    { echo "FAIL: hsnap growth --filter $k --min-steps 0 exited $?: $(cat "$WORK/err")"; exit 1; }
done
# usage errors: an unknown name; a native context id no snapshot has (one line, exit 2)
status=0
"$HSNAP" growth "${S[@]}" --filter bogus >/dev/null 2>"$WORK/err"; rc=$?
[ $rc = 2 ] && grep -q "unknown filter 'bogus'" "$WORK/err" || { echo "FAIL: --filter bogus: exit $rc: $(cat "$WORK/err")"; status=1; }
"$HSNAP" growth "${S[@]}" --filter nativeContext_1 >/dev/null 2>"$WORK/err"; rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$WORK/err")" = 1 ] && grep -q "S3 (.*s3.heapsnapshot): nativeContext_1: no native context has id 1" "$WORK/err" ||
  { echo "FAIL: --filter nativeContext_1: exit $rc: $(cat "$WORK/err")"; status=1; }
# people's views say which filter the rows are of
"$HSNAP" growth "${S[@]}" --filter duplicatedStrings --containers 0 >"$WORK/t.txt" 2>&1
grep -q "^  filter duplicatedStrings (DevTools' named filter)" "$WORK/t.txt" || { echo "FAIL: text lacks the filter line"; cat "$WORK/t.txt"; status=1; }
node "$HERE/growth_filter.mjs" "$WORK" 3 || status=1
exit $status
