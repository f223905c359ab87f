#!/usr/bin/env bash
# run_symbols.sh HSNAP_BINARY
#
# DevTools parity on a snapshot written here by Node (gen_symbols.js): plain Objects
# with repeated property names (symbol keys with one description), whose classes
# (`{<symbol>, <symbol>}`, ...) hsnap once named differently from DevTools (issue 10).
# run_parity.sh compares every node's class and every class's count and sizes with
# DevTools' own code; this script also checks the snapshot holds the shapes it is
# meant to test, so a Node that stopped writing such edges cannot pass it vacuously.
# Exit: 0 match, 1 mismatch, 77 skipped (no node/npm, or the toolkit cannot be installed).
set -u
HSNAP=${1:?usage: run_symbols.sh HSNAP_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null 2>&1 || { echo "skipped: node not found"; exit 77; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hsnap-symbols.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
F=$WORK/symbols.heapsnapshot
node --expose-gc "$HERE/gen_symbols.js" "$F" || { echo "FAIL: gen_symbols.js"; exit 1; }
bash "$HERE/run_parity.sh" "$HSNAP" "$F"; rc=$?
[ $rc = 0 ] || exit $rc
"$HSNAP" summary "$F" --format json --top 100000 >"$WORK/summary.json" || exit 1
status=0
for c in '{<symbol>}' '{<symbol>, <symbol>}' '{<symbol>, <symbol>, <symbol>}' \
         '{<symbol Symbol.toStringTag>, <symbol Symbol.toStringTag>, a}'; do
  node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const c = (s.classes || []).find((x) => x.name === process.argv[2]);
    if (!c || c.count < 2) { console.log("FAIL: class " + process.argv[2] + " missing (the snapshot no longer has the shape to test)"); process.exit(1); }
    console.log("class " + process.argv[2] + ": " + c.count + " objects");' "$WORK/summary.json" "$c" || status=1
done
exit $status
