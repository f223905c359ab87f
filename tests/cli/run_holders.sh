#!/usr/bin/env bash
# retainers --id shows the distinct holders of an object first.  A hand-written
# snapshot, worked out by hand:
#   root -> Window; Window .a P@5 .b P@7 .c P@9, each .h -> H1@11 .t -> Target@19
#          Window .x Q@13 .y Q@15 .z H2@17 [0] -> Target@19
# The three shortest paths (3 steps) all go through H1; the one through H2 has
# 4 steps, so the k shortest paths never showed the second holder.  Expected:
# "Held directly by 2 objects" (.t of H1 @11, then [0] of H2 @17, nearest the
# roots first), path 1 through H1, path 2 through H2 (4 steps), path 3 the next
# shortest path through H1.
#   run_holders.sh HSNAP
set -u
HSNAP=${1:?usage: run_holders.sh HSNAP}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hsnap-cli-holders.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export HSNAP_NO_INDEX=1
cat >"$TMP/h.heapsnapshot" <<'SNAP'
{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},
"node_count":10,"edge_count":12},
"nodes":[9,0,1,0,1, 3,1,3,10,4, 3,2,5,10,1, 3,2,7,10,1, 3,2,9,10,1, 3,3,11,10,1, 3,4,13,10,1, 3,4,15,10,1, 3,5,17,10,1, 3,6,19,10,0],
"edges":[1,1,5, 2,7,10, 2,8,15, 2,9,20, 2,10,30, 2,11,25, 2,11,25, 2,11,25, 2,12,45, 2,13,35, 2,14,40, 1,0,45],
"strings":["","Window","P","H1","Q","H2","Target","a","b","c","x","h","t","y","z"]}
SNAP
fails=0
"$HSNAP" retainers "$TMP/h.heapsnapshot" --id @19 --paths 3 >"$TMP/out.txt" 2>&1 || { echo "FAIL: retainers exited $?"; cat "$TMP/out.txt"; exit 1; }
for want in "Held directly by 2 objects" "  .t  of  H1 @11" "  [0]  of  H2 @17" "Path 2 (4 steps)" "        [0] Target @19"; do
	grep -qF -- "$want" "$TMP/out.txt" || { echo "FAIL: '$want' not in:"; cat "$TMP/out.txt"; fails=$((fails + 1)); }
done
# the H1 holder line comes before the H2 one (distance 2 before 3)
[ "$(grep -n '  .t  of  H1' "$TMP/out.txt" | cut -d: -f1)" -lt "$(grep -n '  \[0\]  of  H2' "$TMP/out.txt" | cut -d: -f1)" ] ||
	{ echo "FAIL: holders not nearest first"; fails=$((fails + 1)); }
"$HSNAP" retainers "$TMP/h.heapsnapshot" --id 19 --paths 3 --format json >"$TMP/out.json" 2>&1 || { echo "FAIL: json"; exit 1; }
if command -v node >/dev/null 2>&1; then
	node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
const last = (p) => p.steps[p.steps.length - 2].class + " " + p.steps[p.steps.length - 1].edge;
const got = [d.holders.map((h) => h.edge + " " + h.class + " @" + h.id), d.holders_total, d.paths.map(last), d.paths.map((p) => p.steps.length - 1)];
const want = [[".t H1 @11", "[0] H2 @17"], 2, ["H1 .t", "H2 [0]", "H1 .t"], [3, 4, 3]];
if (JSON.stringify(got) !== JSON.stringify(want)) { console.log("FAIL: json", JSON.stringify(got), "want", JSON.stringify(want)); process.exit(1); }' "$TMP/out.json" || fails=$((fails + 1))
fi
# --format csv quotes the route like every other field (RFC 4180): a class
# name and an edge name holding a comma and a quote (root -> Window @3,
# Window ."a,b" -> the object 'T,"q"' @5) stay one field.  Expected by hand:
# route = 'Window @3 -> .a,b T,"q" @5', quoted, its quotes doubled.
cat >"$TMP/c.heapsnapshot" <<'SNAP'
{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},
"node_count":3,"edge_count":2},
"nodes":[9,0,1,0,1, 3,1,3,10,1, 3,2,5,10,0],
"edges":[1,1,5, 2,3,10],
"strings":["","Window","T,\"q\"","a,b"]}
SNAP
printf '%s\n' 'path,steps,route' '1,1,"Window @3 -> .a,b T,""q"" @5"' >"$TMP/want.csv"
"$HSNAP" retainers "$TMP/c.heapsnapshot" --id 5 --format csv >"$TMP/out.csv" 2>&1 || { echo "FAIL: csv exited $?"; fails=$((fails + 1)); }
cmp -s "$TMP/want.csv" "$TMP/out.csv" || { echo "FAIL: csv route not one quoted field:"; diff "$TMP/want.csv" "$TMP/out.csv"; fails=$((fails + 1)); }
echo "run_holders.sh: $fails failed"
[ "$fails" = 0 ]
