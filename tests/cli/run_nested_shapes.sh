#!/usr/bin/env bash
# Merged-path shapes must not count nested objects of the same class twice
# (paths.h: a group's retained size covers its outermost members only, which
# is what `hsnap retainers --class` prints), so the shapes of a class add up
# to the class's retained size.  Checked for `leaks` and for the detached DOM
# section of `summary`, on hand-written snapshots:
#   nested: root -> Window .leaked Array [0] <div>(detached, 100 B) [0] <div>(detached, 100 B)
#   a:      root -> Window
#   b:      root -> Window .roots Array [0] TreeNode(100 B) .child TreeNode(100 B)
# Expected by hand: the outer object retains 200 B (itself + the inner one),
# the inner one 100 B; class retained 200 B; shapes: outer 200 B, inner 0 B.
#   run_nested_shapes.sh HSNAP     (uses node to read JSON; exit 77 without it)
set -u
HSNAP=${1:?usage: run_nested_shapes.sh HSNAP}
. "$(dirname "$0")/lib.sh"
lib_init run_nested_shapes.sh cli-nested
need_node
META='{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]}'
printf '%s\n' "$META"',"node_count":5,"edge_count":4},' \
	'"nodes":[9,0,1,0,1,0,0, 3,1,3,10,1,0,0, 3,2,5,16,1,0,0, 8,3,7,100,1,0,2, 8,3,9,100,0,0,2],' \
	'"edges":[1,1,7, 2,4,14, 1,0,21, 1,0,28],' \
	'"strings":["","Window","Array","<div>","leaked"]}' >"$TMP/nested.heapsnapshot"
printf '%s\n' "$META"',"node_count":2,"edge_count":1},' \
	'"nodes":[9,0,1,0,1,0,0, 3,1,3,10,0,0,0],' \
	'"edges":[1,1,7],' \
	'"strings":["","Window"]}' >"$TMP/a.heapsnapshot"
printf '%s\n' "$META"',"node_count":5,"edge_count":4},' \
	'"nodes":[9,0,1,0,1,0,0, 3,1,3,10,1,0,0, 3,2,5,16,1,0,0, 3,3,7,100,1,0,0, 3,3,9,100,0,0,0],' \
	'"edges":[1,1,7, 2,4,14, 1,0,21, 2,5,28],' \
	'"strings":["","Window","Array","TreeNode","roots","child"]}' >"$TMP/b.heapsnapshot"

CHECK='
const [f, where, name] = process.argv.slice(1);
const d = JSON.parse(require("fs").readFileSync(f));
const p = [];
let c;
if (where === "retainers") c = { name: d.class, count: d.count, retained_size: d.retained_size, paths: d.shapes };
else c = (where === "detached" ? d.detached_dom.classes : d.classes).find(x => x.name === name);
if (!c) p.push(name + " missing");
else {
	if (c.count !== 2) p.push("count " + c.count + ", expected 2");
	if (c.retained_size !== 200) p.push("class retained " + c.retained_size + ", expected 200");
	const sh = (c.paths || []).map(q => [q.count, q.retained_size]);
	if (JSON.stringify(sh) !== JSON.stringify([[1, 200], [1, 0]]))
		p.push("shapes [count, retained] = " + JSON.stringify(sh) +
		       ", expected [[1,200],[1,0]] (the inner object is inside the outer one)");
}
if (p.length) console.log(p.join("\n"));'

# check NAME WHERE CLASS -- hsnap args (without --format)
check() {
	local name=$1 where=$2 cls=$3 msgs
	shift 4
	CHECKS=$((CHECKS + 1))
	if ! "$HSNAP" "$@" --format json >"$TMP/out.json" 2>"$TMP/err"; then
		echo "FAIL: $name: hsnap $* failed: $(head -1 "$TMP/err")" >&2
		FAILS=$((FAILS + 1))
		return
	fi
	msgs=$(node -e "$CHECK" "$TMP/out.json" "$where" "$cls" 2>&1)
	if [ -n "$msgs" ]; then
		while IFS= read -r m; do echo "FAIL: $name: $m" >&2; done <<<"$msgs"
		FAILS=$((FAILS + 1))
	fi
}

# the reference: retainers --class applies the outermost rule
check "retainers --class" retainers 'Detached <div>' -- retainers "$TMP/nested.heapsnapshot" --class 'Detached <div>'
check "retainers --class TreeNode" retainers TreeNode -- retainers "$TMP/b.heapsnapshot" --class TreeNode
check "summary detached DOM" detached 'Detached <div>' -- summary "$TMP/nested.heapsnapshot"
check "leaks" classes TreeNode -- leaks "$TMP/a.heapsnapshot" "$TMP/b.heapsnapshot" "$TMP/b.heapsnapshot"
echo "run_nested_shapes.sh: $((CHECKS - FAILS)) checks passed, $FAILS failed"
[ "$FAILS" = 0 ]
