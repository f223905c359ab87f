#!/usr/bin/env bash
# hsnap show: one object's properties with their values, direct retainers and
# dominator chain.
#  1. A hand-written snapshot, expectations computed by hand:
#       root -> Window(10 B) .a Holder@5(20 B) .x Target@9(40 B)
#                        .b Holder@7(30 B) [0] Target@9
#       Target .s "hi<ESC>[31m red"(16 B)  .flag Oddball(8 B) {0} "true"(12 B)
#     Target's retainers: .x of Holder @5 and [0] of Holder @7 (both at
#     distance 2, file order); its dominator is Window (two disjoint paths),
#     then the root; it retains 40 + 16 + 8 + 12 = 76 B, and its shallow size
#     is 48 B: DevTools gives the size of a hidden node with one owner (the
#     oddball, 8 B) to the owner; .flag's value is true; the escape byte never
#     reaches the terminal.
#  2. A snapshot of a real Node process taken with numeric values: the values
#     the program assigned (3.25, 42, "hello world", true, undefined, null)
#     appear as the property values (skipped without node).
#   run_show.sh HSNAP
set -u
HSNAP=${1:?usage: run_show.sh HSNAP}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hsnap-cli-show.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export HSNAP_NO_INDEX=1
FAILS=0
CHECKS=0
ok() { CHECKS=$((CHECKS + 1)); }
bad() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL: $*"; }
expect() { # expect NAME FILE FIXED-STRING
	if grep -qF -- "$3" "$2"; then ok; else bad "$1: '$3' not in output:"; cat "$2"; fi
}

cat >"$TMP/t.heapsnapshot" <<'SNAP'
{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","detachedness"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},
"node_count":8,"edge_count":8},
"nodes":[9,0,1,0,1,0, 3,1,3,10,2,0, 3,2,5,20,1,0, 3,2,7,30,1,0, 3,3,9,40,2,0, 2,8,11,16,0,0, 0,10,13,8,1,0, 2,11,15,12,0,0],
"edges":[1,1,6, 2,4,12, 2,5,18, 2,6,24, 1,0,24, 2,7,30, 2,9,36, 4,0,42],
"strings":["","Window","Holder","Target","a","b","x","s","hi\u001b[31m red","flag","system / Oddball","true"]}
SNAP

"$HSNAP" show "$TMP/t.heapsnapshot" @9 >"$TMP/out.txt" 2>"$TMP/err.txt"
rc=$?
if [ $rc -eq 0 ]; then ok; else bad "show @9 exit $rc: $(cat "$TMP/err.txt")"; fi
expect "header" "$TMP/out.txt" "Target @9"
expect "sizes" "$TMP/out.txt" "shallow 48 B, retained 76 B"
expect "distance" "$TMP/out.txt" "distance 3"
expect "string value, escaped" "$TMP/out.txt" '"hi\x1b[31m red" @11'
expect "oddball value" "$TMP/out.txt" ".flag     true"
expect "retainers count" "$TMP/out.txt" "Retainers (2"
expect "retainer 1" "$TMP/out.txt" ".x  of  Holder @5"
expect "retainer 2" "$TMP/out.txt" "[0]  of  Holder @7"
expect "chain" "$TMP/out.txt" "Dominator chain (2 steps to the root)"
expect "dominator" "$TMP/out.txt" "Window @3  10 B"
if grep -q $'\x1b' "$TMP/out.txt"; then bad "an escape byte reached the text output"; else ok; fi
# .x comes before [0]: same distance, file order
if [ "$(grep -n 'of  Holder @5' "$TMP/out.txt" | cut -d: -f1)" -lt "$(grep -n 'of  Holder @7' "$TMP/out.txt" | cut -d: -f1)" ]; then ok; else bad "retainer order"; fi

# the same id without '@'; the CSV rows; an id that does not exist; bad --depth
"$HSNAP" show "$TMP/t.heapsnapshot" 9 --format csv >"$TMP/out.csv" 2>&1 || bad "show 9 --format csv failed"
expect "csv property" "$TMP/out.csv" 'property,1,.flag,13,(system),hidden,true,0,12'
expect "csv retainer" "$TMP/out.csv" 'retainer,1,.x,5,Holder,object,,20,20'
expect "csv dominator" "$TMP/out.csv" 'dominator,1,,3,Window,object,,10,'
"$HSNAP" show "$TMP/t.heapsnapshot" @12345 >/dev/null 2>"$TMP/err.txt"
rc=$?
if [ $rc -eq 2 ] && grep -q "no object with id 12345" "$TMP/err.txt"; then ok; else bad "missing id: exit $rc $(cat "$TMP/err.txt")"; fi
"$HSNAP" show "$TMP/t.heapsnapshot" 9 --depth 9 >/dev/null 2>"$TMP/err.txt"
rc=$?
if [ $rc -eq 2 ]; then ok; else bad "--depth 9: exit $rc"; fi
# --depth 2 on Window expands its Holders: Target below each, indented
"$HSNAP" show "$TMP/t.heapsnapshot" 3 --depth 2 >"$TMP/d2.txt" 2>&1 || bad "--depth 2 failed"
expect "depth 2 (.a)" "$TMP/d2.txt" '  .a        Holder @5'
expect "depth 2 (.x)" "$TMP/d2.txt" '    .x      Target @9'
expect "depth 2 ([0])" "$TMP/d2.txt" '    [0]     Target @9'

# Script names: a 4-field location (Node 20: script id only) gets its script's
# URL through the closure's SharedFunctionInfo (closure {shared} -> SFI
# {script_or_debug_info} -> Script node named "app/main.js"); an object's
# location with the same script id (its constructor's) gets it too; script 9
# has no closure to name it and stays "script 9".  Lines/columns print 1-based.
cat >"$TMP/s.heapsnapshot" <<'SNAP'
{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],
"location_fields":["object_index","script_id","line","column"]},
"node_count":7,"edge_count":6},
"nodes":[9,0,1,0,1, 3,1,3,10,3, 5,2,5,32,1, 4,2,7,40,1, 4,3,9,50,0, 3,4,11,16,0, 3,4,13,16,0],
"edges":[1,1,5, 2,5,10, 2,6,25, 2,7,30, 3,8,15, 3,9,20],
"strings":["","Window","onMessage","app/main.js","Conn","f","c","d","shared","script_or_debug_info"],
"locations":[10,17,77,19, 25,17,4,2, 30,9,0,0]}
SNAP
"$HSNAP" show "$TMP/s.heapsnapshot" 5 >"$TMP/s.txt" 2>&1 || bad "show of the script snapshot failed: $(cat "$TMP/s.txt")"
expect "closure location by script name" "$TMP/s.txt" 'Function "onMessage" @5 (app/main.js:78:20)'
"$HSNAP" show "$TMP/s.heapsnapshot" 11 >"$TMP/s.txt" 2>&1 || bad "show 11 failed"
expect "object location by script name" "$TMP/s.txt" 'Conn @11 (app/main.js:5:3)'
"$HSNAP" show "$TMP/s.heapsnapshot" 13 >"$TMP/s.txt" 2>&1 || bad "show 13 failed"
expect "unnamed script stays an id" "$TMP/s.txt" 'Conn @13 (script 9:1:1)'

# Contexts name their function: closures onMessage and onClose share context
# @9 (the lowest ordinal, onMessage, is named, "and others" says there are
# more); solo's context @15 has one closure; context @11 has none.
cat >"$TMP/c.heapsnapshot" <<'SNAP'
{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],
"location_fields":["object_index","script_id","line","column"]},
"node_count":8,"edge_count":8},
"nodes":[9,0,1,0,1, 3,1,3,10,4, 5,2,5,32,1, 5,3,7,32,1, 3,4,9,40,0, 3,4,11,40,0, 5,9,13,32,1, 3,4,15,40,0],
"edges":[1,1,5, 2,5,10, 2,6,15, 2,7,25, 2,10,30, 3,8,20, 3,8,20, 3,8,35],
"strings":["","Window","onMessage","onClose","system / Context","f","g","c","context","solo","h"],
"locations":[10,17,0,0, 15,17,1,0, 30,17,2,0]}
SNAP
"$HSNAP" show "$TMP/c.heapsnapshot" 9 >"$TMP/c.txt" 2>&1 || bad "show 9 (contexts) failed: $(cat "$TMP/c.txt")"
expect "shared context" "$TMP/c.txt" 'system / Context @9 (of onMessage (script 17:1:1) and others)'
"$HSNAP" show "$TMP/c.heapsnapshot" 15 >"$TMP/c.txt" 2>&1 || bad "show 15 failed"
expect "one closure's context" "$TMP/c.txt" 'system / Context @15 (of solo (script 17:3:1))'
"$HSNAP" show "$TMP/c.heapsnapshot" 11 >"$TMP/c.txt" 2>&1 || bad "show 11 failed"
if head -1 "$TMP/c.txt" | grep -qx 'system / Context @11'; then ok; else bad "context without closures: $(head -1 "$TMP/c.txt")"; fi

if ! command -v node >/dev/null 2>&1; then
	echo "run_show.sh: node not found; the Node part is skipped" >&2
else
	cat >"$TMP/gen.js" <<'JS'
class Probe { constructor() { this.n = 3.25; this.i = 42; this.s = "hello world"; this.t = true;
  this.u = undefined; this.z = null; this.o = { a: 1 }; } }
globalThis.probe = new Probe();
const inspector = require("inspector"), fs = require("fs");
const sess = new inspector.Session(); sess.connect();
const fd = fs.openSync(process.argv[2], "w");
sess.on("HeapProfiler.addHeapSnapshotChunk", m => fs.writeSync(fd, m.params.chunk));
sess.post("HeapProfiler.takeHeapSnapshot", { captureNumericValue: true }, e => {
  fs.closeSync(fd);
  if (e) { console.error(e); process.exit(1); }
  // the Probe's id, found independently of hsnap
  const d = JSON.parse(fs.readFileSync(process.argv[2]));
  const m = d.snapshot.meta, nf = m.node_fields.length, N = d.nodes;
  const obj = m.node_types[0].indexOf("object");
  for (let i = 0; i < N.length; i += nf)
    if (N[i] === obj && d.strings[N[i + 1]] === "Probe") { console.log(N[i + 2]); return; }
  process.exit(1);
});
JS
	if id=$(node "$TMP/gen.js" "$TMP/p.heapsnapshot") && [ -n "$id" ]; then
		"$HSNAP" show "$TMP/p.heapsnapshot" "@$id" --format json >"$TMP/p.json" 2>"$TMP/err.txt" ||
			bad "show of the Node snapshot failed: $(cat "$TMP/err.txt")"
		if node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
const want = { ".n": [3.25, "number"], ".i": [42, "number"], ".s": ["hello world", "string"],
  ".t": [true, "boolean"], ".u": [undefined, "undefined"], ".z": [null, "null"] };
let bad = 0;
for (const [edge, [v, kind]] of Object.entries(want)) {
  const p = d.properties.find(p => p.edge === edge);
  if (!p || p.value_type !== kind || (kind !== "undefined" && p.value !== v)) {
    console.log("property", edge, "is", JSON.stringify(p)); bad++;
  }
}
const o = d.properties.find(p => p.edge === ".o");
if (!o || o.value_type !== "object" || "value" in o) { console.log(".o:", JSON.stringify(o)); bad++; }
if (d.object.class !== "Probe" || !d.object.location) { console.log("object:", JSON.stringify(d.object)); bad++; }
if (!d.retainers.some(r => r.edge === ".probe")) { console.log("no .probe retainer"); bad++; }
process.exit(bad ? 1 : 0);' "$TMP/p.json"; then ok; else bad "Node snapshot values"; fi
	else
		bad "could not generate the Node snapshot"
	fi
fi

echo "run_show.sh: $CHECKS checks, $FAILS failed"
[ "$FAILS" -eq 0 ]
