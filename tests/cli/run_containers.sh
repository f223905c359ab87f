#!/usr/bin/env bash
# hsnap growth: containers that grow at every step, matched by id across three
# snapshots of one real Node process (skipped, exit 77, without node).
# The program, not hsnap, says what to expect: after step k (k = 1, 2, 3)
#   history  (Array)  holds 100k message objects        -> held 100, 200, 300
#   conns    (Map)    holds 40k string keys -> objects  -> held 80, 160, 240
#   registry (object) has 30k properties                -> held 30, 60, 90
#   tags     (Set)    holds 20k objects                 -> held 20, 40, 60
#   lru      (Map)    bounded at 50 entries (control)   -> not listed
#   seen     (Set)    bounded at 25 strings (control)   -> not listed
#   listeners(Array)  shrinks at step 3 (control)       -> not listed
# and each is held by a property of the global object: 'global .history' etc.
#   run_containers.sh HSNAP
set -u
HSNAP=${1:?usage: run_containers.sh HSNAP}
. "$(dirname "$0")/lib.sh"
lib_init run_containers.sh cli-containers
need_node
export HSNAP_NO_INDEX=1
cat >"$TMP/gen.js" <<'JS'
const v8 = require("v8");
globalThis.history = []; globalThis.conns = new Map(); globalThis.registry = {};
globalThis.lru = new Map(); globalThis.listeners = [];
globalThis.tags = new Set(); globalThis.seen = new Set();
let n = 0;
for (let step = 1; step <= 3; step++) {
  for (let i = 0; i < 100; i++) history.push({ text: "message " + (n++) });
  for (let i = 0; i < 40; i++) conns.set("conn-" + step + "-" + i, { step });
  for (let i = 0; i < 30; i++) registry["key_" + step + "_" + i] = { i };
  for (let i = 0; i < 80; i++) { lru.set("k" + ((step * 80 + i) % 50), { step }); }
  for (let i = 0; i < 20; i++) tags.add({ step, i });
  for (let i = 0; i < 30; i++) seen.add("s" + ((step * 30 + i) % 25));
  if (step < 3) for (let i = 0; i < 10; i++) listeners.push({ f: () => i }); else listeners.length = 5;
  v8.writeHeapSnapshot(process.argv[2] + "/s" + step + ".heapsnapshot");
}
JS
if ! node "$TMP/gen.js" "$TMP"; then
	echo "FAIL: could not generate the snapshots"
	exit 1
fi
"$HSNAP" growth "$TMP"/s{1,2,3}.heapsnapshot --format json --containers 50 >"$TMP/g.json" 2>"$TMP/err.txt" ||
	{ echo "FAIL: growth exited $?: $(cat "$TMP/err.txt")"; exit 1; }
node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
const want = { history: ["Array", [100, 200, 300]], conns: ["Map", [80, 160, 240]], registry: ["object", [30, 60, 90]],
  tags: ["Set", [20, 40, 60]] };
let bad = 0, checks = 0;
const by = h => d.containers.find(c => c.held_by === "global ." + h);
for (const [h, [kind, held]] of Object.entries(want)) {
  checks++;
  const c = by(h);
  if (!c || c.kind !== kind || JSON.stringify(c.held) !== JSON.stringify(held) ||
      c.held_growth !== held[2] - held[0] || !(c.retained_size_last > 0)) {
    console.log("FAIL:", h, "expected", kind, JSON.stringify(held), "got", JSON.stringify(c)); bad++;
  }
}
for (const h of ["lru", "listeners", "seen"]) {
  checks++;
  if (by(h)) { console.log("FAIL: control", h, "is listed:", JSON.stringify(by(h))); bad++; }
}
checks++;
const hist = by("history");
if (!hist || !/^Object|^\{text\}/.test(hist.holds_mostly)) { console.log("FAIL: history holds", hist && hist.holds_mostly); bad++; }
console.log("run_containers.sh:", checks, "checks,", bad, "failed");
process.exit(bad ? 1 : 0);' "$TMP/g.json" || FAILS=1
# leaks reports the same containers (A -> B -> C), from C's analysis
"$HSNAP" leaks "$TMP"/s{1,2,3}.heapsnapshot --format json --containers 50 >"$TMP/l.json" 2>"$TMP/err.txt" ||
	{ echo "FAIL: leaks exited $?: $(cat "$TMP/err.txt")"; FAILS=1; }
node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
const c = (d.containers || []).find((x) => x.held_by === "global .history");
const lru = (d.containers || []).find((x) => x.held_by === "global .lru");
if (!c || c.kind !== "Array" || JSON.stringify(c.held) !== "[100,200,300]" || !(c.retained_size_last > 0) || lru) {
  console.log("FAIL: leaks containers", JSON.stringify(d.containers)); process.exit(1); }' "$TMP/l.json" || FAILS=1
# text: the section and the holder on the row; --containers 0 turns it off
"$HSNAP" growth "$TMP"/s{1,2,3}.heapsnapshot >"$TMP/g.txt" 2>&1
if grep -q "containers grew at every step" "$TMP/g.txt" && grep -q "100 → 200 → 300" "$TMP/g.txt" &&
	grep -q "global .history" "$TMP/g.txt"; then :; else echo "FAIL: text section"; cat "$TMP/g.txt"; FAILS=1; fi
"$HSNAP" growth "$TMP"/s{1,2,3}.heapsnapshot --containers 0 >"$TMP/g0.txt" 2>&1
if grep -q "containers grew" "$TMP/g0.txt"; then echo "FAIL: --containers 0 still shows containers"; FAILS=1; fi
[ "$FAILS" -eq 0 ]
