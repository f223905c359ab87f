#!/usr/bin/env bash
# Large ids.  1. `hsnap retainers --id/--ignore` with V8 ids above 100,000,000
# (V8 ids are 32-bit; long-running processes and repeated snapshots reach 10^8
# and beyond), so any id up to 4294967295 that exists in the file must be
# accepted.  2. Ids beyond 32 bits (Julia writes ids up to 2^47): shown, found,
# exported and matched (diff, leaks) exactly, with and without the index.
#   run_large_id.sh HSNAP
# The first snapshot is written by hand below:
#   root -[1]-> global(id 3) .h -> Holder(id 200000001) .item -> Item(id 3000000001)
#               global .other -> Other(id 5)
# The second is fixtures/variants/julia-wide-ids.heapsnapshot (see the README there):
#   root -[0]-> Module Main (id 4775375728) .x -> Vector{Int64} (array, id 2^47) {data} -> malloc (id 480408432)
#               Module Main .y -> "hello" (id 4775375744)
# 480408432 = 4775375728 - 2^32: the two share their low 32 bits.
set -u
HSNAP=${1:?usage: run_large_id.sh HSNAP}
. "$(dirname "$0")/lib.sh"
lib_init run_large_id.sh cli-largeid

cat >"$TMP/big.heapsnapshot" <<'JSON'
{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},"node_count":5,"edge_count":4},
"nodes":[9,0,1,0,1,0,0
,3,1,3,10,2,0,0
,3,2,200000001,20,1,0,0
,3,3,3000000001,30,0,0,0
,3,4,5,40,0,0,0
],
"edges":[1,1,7
,2,5,14
,2,7,28
,2,6,21
],
"strings":["","global","Holder","Item","Other","h","item","other"]}
JSON
SNAP=$TMP/big.heapsnapshot

# check NAME WANT_RC GREP_PATTERN NOT_PATTERN -- args
check() {
	local name=$1 want=$2 pat=$3 notpat=$4 rc
	shift 5
	CHECKS=$((CHECKS + 1))
	"$HSNAP" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name: exit $rc, expected $want (hsnap $*): $(head -1 "$TMP/err")"
		return
	fi
	[ -n "$pat" ] && ! grep -q -- "$pat" "$TMP/out" && fail "$name: output lacks '$pat'"
	[ -n "$notpat" ] && grep -q -- "$notpat" "$TMP/out" && fail "$name: output has '$notpat'"
}

# the ids are in the file (export prints them)
check "export" 0 '^3000000001,object,Item,' '' -- export "$SNAP" --format csv
check "export holder" 0 '^200000001,object,Holder,' '' -- export "$SNAP" --format csv
# the object with id 3000000001: path global .h Holder .item Item
check "--id 3000000001" 0 '\.item' '' -- retainers "$SNAP" --id 3000000001
check "--id 3000000001 .h" 0 '\.h ' '' -- retainers "$SNAP" --id 3000000001
check "--id 200000001" 0 '\.h ' '' -- retainers "$SNAP" --id 200000001
# ignoring Holder leaves Item without a path
check "--ignore 200000001" 0 '' '\.item' -- retainers "$SNAP" --class Item --ignore 200000001
check "--id 4294967295 (absent)" 2 '' '' -- retainers "$SNAP" --id 4294967295
# beyond 32 bits: not in this file (exit 2 as for any absent id)
check "--id 4294967296 (absent)" 2 '' '' -- retainers "$SNAP" --id 4294967296
check "--id 18446744073709551616" 2 '' '' -- retainers "$SNAP" --id 18446744073709551616

# ---- ids beyond 32 bits
cat >"$TMP/a.heapsnapshot" <<'JSON'
{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[["synthetic","object","string","array","symbol","native"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["internal","property","element","hidden"],"string_or_number","node"]},"node_count":5,"edge_count":4},
"nodes":[0,1,0,0,1,0,0
,1,2,4775375728,400,2,0,0
,3,3,140737488355328,80,1,0,0
,2,4,4775375744,32,0,0,0
,5,5,480408432,1000,0,0,0
],
"edges":[2,0,7
,1,6,14
,1,7,21
,0,8,28
],
"strings":["main_module","","Module Main","Vector{Int64}","hello","malloc","x","y","data"]}
JSON
A=$TMP/a.heapsnapshot B=$TMP/b.heapsnapshot
# B: "hello" gets id 4775375744 + 2^32, the same low half: another object
sed 's/,4775375744,/,9070343040,/' "$A" >"$B"
# twice: the first run writes the index beside the file, the second reads it
# (ctest sets HSNAP_NO_INDEX=1 for most tests; this part is about the index too)
export HSNAP_NO_INDEX=0
for pass in parse index; do
	check "$pass: export csv" 0 '^4775375728,object,Module Main,' '' -- export "$A" --format csv
	check "$pass: export 2^47" 0 '^140737488355328,array,' '' -- export "$A" --format csv
	check "$pass: export narrow" 0 '^480408432,native,malloc,' '' -- export "$A" --format csv
	check "$pass: export json" 0 '"id":4775375744,' '' -- export "$A" --format json
	check "$pass: export text" 0 '^4775375728	' '' -- export "$A" --format text
	check "$pass: export markdown" 0 '4775375744|' '' -- export "$A" --format markdown
	check "$pass: top" 0 '^0,,4775375728,Module Main,' '' -- top "$A" --format csv
	check "$pass: summary" 0 'Module Main @4775375728' '' -- summary "$A"
	check "$pass: summary json" 0 '"id": 4775375728' '' -- summary "$A" --format json
	check "$pass: --id wide" 0 '"hello" @4775375744' '' -- retainers "$A" --id 4775375744
	check "$pass: --id 2^47" 0 '@140737488355328' '' -- retainers "$A" --id 140737488355328
	# the low half of Module Main's id is malloc's id, not Module Main's
	check "$pass: --id low half" 0 '^malloc @480408432' '' -- retainers "$A" --id 480408432
	check "$pass: --id low half of hello" 2 '' '' -- retainers "$A" --id 480408448
	check "$pass: --ignore 2^47" 0 '' '{data}' -- retainers "$A" --class malloc --ignore 140737488355328
	check "$pass: --class malloc" 0 '{data}' '' -- retainers "$A" --class malloc
	check "$pass: verify" 0 'every node id is unique' '' -- verify "$A"
	# exact matching: hello of B is a new object (truncated ids would match it)
	check "$pass: diff" 0 '(string) *1 *1 *0 *1 *1 ' '' -- diff "$A" "$B"
	check "$pass: diff same" 0 'no class changed\|0 classes changed' '(string)' -- diff "$A" "$A"
	check "$pass: leaks" 0 '1 objects leaked (of 1 new in B)' '' -- leaks "$A" "$B" "$B"
	check "$pass: leaks none" 0 '0 objects leaked (of 0 new in B)' '' -- leaks "$A" "$A" "$A"
done
check "index present" 0 'loaded from the index' '' -- info "$A"

echo "run_large_id.sh: $((CHECKS - FAILS)) checks passed, $FAILS failed"
[ "$FAILS" = 0 ]
