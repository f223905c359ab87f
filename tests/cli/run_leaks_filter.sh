#!/usr/bin/env bash
# hsnap leaks --filter NAME: DevTools' named filter computed on C; only the
# leaked objects it keeps are counted and grouped.  Three hand-written
# snapshots of one "process" (ids and sizes chosen for the sums):
#   A: root -> global(3, 10 B) .list Foo(21)
#   B: C's objects (but Baz 25) + global .old Foo(23)
#   C: root -> global .list Array(5, 16 B) [0] Foo(11) [1] Foo(13) [2] Foo(21)
#                     .h Holder(7, 10 B) {context} system / Context(9, 24 B)
#                        ->x Foo(15) ->y Foo(17) ->z Bar(19, 30 B)
#             global .old Baz(25)                  (every Foo and Baz 20 B)
# New in B: 5 7 9 11 13 15 17 19 23 (9); alive in C: all but 23; the context
# (system / ...) is hidden without --all.  Unfiltered: Holder 1/10/104
# (it dominates the context and its three values), Foo 4/80/80, Array
# 1/16/76 (its Foos, 21 included), Bar 1/30/30; total retained 180 (Array
# and Holder are the outermost).  objectsRetainedByContexts (DevTools'
# createNamedFilter: the nodes the root cannot reach without entering a
# node named "system / Context") keeps the context, Foo 15, 17 and Bar 19:
# Foo 2/40/40, Bar 1/30/30, 3 leaked, 70 retained; with --all the context
# too (1/24/94, retaining its values: total 94).
#   run_leaks_filter.sh HSNAP
set -u
HSNAP=${1:?usage: run_leaks_filter.sh HSNAP}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
lib_init run_leaks_filter.sh cli-leaks-filter
export HSNAP_NO_INDEX=1

META='{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},'
STRINGS='"strings":["","global","Array","Holder","system / Context","Foo","Bar","list","h","context","x","y","z","old","Baz"]}'
A=$TMP/a.heapsnapshot B=$TMP/b.heapsnapshot C=$TMP/c.heapsnapshot
cat >"$A" <<SNAP
$META
"node_count":3,"edge_count":2},
"nodes":[9,0,1,0,1, 3,1,3,10,1, 3,5,21,20,0],
"edges":[1,1,5, 2,7,10],
$STRINGS
SNAP
cat >"$B" <<SNAP
$META
"node_count":12,"edge_count":11},
"nodes":[9,0,1,0,1, 3,1,3,10,3, 3,2,5,16,3, 3,3,7,10,1, 3,4,9,24,3, 3,5,11,20,0, 3,5,13,20,0, 3,5,15,20,0, 3,5,17,20,0, 3,6,19,30,0, 3,5,21,20,0, 3,5,23,20,0],
"edges":[1,1,5, 2,7,10, 2,8,15, 2,13,55, 1,0,25, 1,1,30, 1,2,50, 3,9,20, 0,10,35, 0,11,40, 0,12,45],
$STRINGS
SNAP
cat >"$C" <<SNAP
$META
"node_count":12,"edge_count":11},
"nodes":[9,0,1,0,1, 3,1,3,10,3, 3,2,5,16,3, 3,3,7,10,1, 3,4,9,24,3, 3,5,11,20,0, 3,5,13,20,0, 3,5,15,20,0, 3,5,17,20,0, 3,6,19,30,0, 3,5,21,20,0, 3,14,25,20,0],
"edges":[1,1,5, 2,7,10, 2,8,15, 2,13,55, 1,0,25, 1,1,30, 1,2,50, 3,9,20, 0,10,35, 0,11,40, 0,12,45],
$STRINGS
SNAP

# same NAME WANT_FILE OUT_FILE
same() {
	if cmp -s "$2" "$3"; then pass; else fail "$1: got"; sed 's/^/    | /' "$3" >&2; fi
}
has() { # NAME FILE FIXED-STRING
	if grep -qF -- "$3" "$2"; then pass; else fail "$1: no '$3' in:"; sed 's/^/    | /' "$2" | head -20 >&2; fi
}
F=objectsRetainedByContexts
printf '%s\n' class,count,self_size,retained_size Holder,1,10,104 Foo,4,80,80 Array,1,16,76 Bar,1,30,30 >"$TMP/all.want"
printf '%s\n' class,count,self_size,retained_size Foo,2,40,40 Bar,1,30,30 >"$TMP/f.want"
printf '%s\n' class,count,self_size,retained_size "system / Context,1,24,94" Foo,2,40,40 Bar,1,30,30 >"$TMP/fall.want"
run "no filter csv" 0 "$TMP/out" "$TMP/err" -- leaks "$A" "$B" "$C" --format csv && same "no filter csv" "$TMP/all.want" "$TMP/out"
[ -s "$TMP/err" ] && fail "no filter: warnings on stderr: $(cat "$TMP/err")"
run "filter csv" 0 "$TMP/out" "$TMP/err" -- leaks "$A" "$B" "$C" --format csv --filter "$F" && same "filter csv" "$TMP/f.want" "$TMP/out"
run "filter --all csv" 0 "$TMP/out" "$TMP/err" -- leaks "$A" "$B" "$C" --format csv --filter "$F" --all &&
	same "filter --all csv" "$TMP/fall.want" "$TMP/out"
if run "filter text" 0 "$TMP/out" "$TMP/err" -- leaks "$A" "$B" "$C" --filter "$F"; then
	has "filter text" "$TMP/out" "  filter $F (DevTools' named filter, computed on C): the leaked objects it keeps"
	has "filter text" "$TMP/out" "  3 objects leaked (of 9 new in B), 70 B retained in C; 1 V8-internal objects hidden"
	has "filter text" "$TMP/out" "  Foo: 2 objects"
fi
run "filter markdown" 0 "$TMP/out" "$TMP/err" -- leaks "$A" "$B" "$C" --filter "$F" --format markdown &&
	has "filter markdown" "$TMP/out" "Filter: \`$F\` (DevTools' named filter, computed on C)"
if run "filter json" 0 "$TMP/out" "$TMP/err" -- leaks "$A" "$B" "$C" --filter "$F" --format json; then
	has "filter json" "$TMP/out" "\"filter\": \"$F\""
	has "filter json" "$TMP/out" '"leaked": 3'
	has "filter json" "$TMP/out" '"retained_size": 70'
fi
# the gate sees the filtered leaks: Holder leaked, but not through contexts
run "gate unfiltered" 1 "$TMP/out" "$TMP/err" -- leaks "$A" "$B" "$C" --fail-on 'Holder:count>0'
run "gate filtered" 0 "$TMP/out" "$TMP/err" -- leaks "$A" "$B" "$C" --fail-on 'Holder:count>0' --filter "$F"
run "gate filtered total" 1 "$TMP/out" "$TMP/err" -- leaks "$A" "$B" "$C" --fail-on 'total:retained>69' --filter "$F"
run "gate filtered total pass" 0 "$TMP/out" "$TMP/err" -- leaks "$A" "$B" "$C" --fail-on 'total:retained>70' --filter "$F"
# usage errors: exit 2 and one line
for bad in nope nativeContext_99 nativeContext_x; do
	if run "filter $bad" 2 "$TMP/out" "$TMP/err" -- leaks "$A" "$B" "$C" --filter "$bad"; then
		[ "$(wc -l <"$TMP/err")" = 1 ] || fail "filter $bad: $(wc -l <"$TMP/err") stderr lines, expected 1"
		[ -s "$TMP/out" ] && fail "filter $bad: printed a report"
		has "filter $bad" "$TMP/err" "hsnap leaks: "
	fi
done
run "help" 0 "$TMP/out" "$TMP/err" -- leaks --help && has "help" "$TMP/out" "duplicatedStrings, sharedNativeContext, noNativeContext,"
lib_finish
