#!/usr/bin/env bash
# `hsnap retainers --id/--ignore` with V8 ids above 100,000,000.  V8 node ids
# are 32-bit (hsnap stores them as uint32_t; long-running processes and
# repeated snapshots reach 10^8 and beyond), so any id up to 4294967295 that
# exists in the file must be accepted.
#   run_large_id.sh HSNAP
# The snapshot is written by hand below:
#   root -[1]-> global(id 3) .h -> Holder(id 200000001) .item -> Item(id 3000000001)
#               global .other -> Other(id 5)
set -u
HSNAP=${1:?usage: run_large_id.sh HSNAP}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hsnap-cli-largeid.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
FAILS=0
CHECKS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

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
# beyond 32 bits is a usage error
check "--id 4294967296" 2 '' '' -- retainers "$SNAP" --id 4294967296

echo "run_large_id.sh: $((CHECKS - FAILS)) checks passed, $FAILS failed"
[ "$FAILS" = 0 ]
