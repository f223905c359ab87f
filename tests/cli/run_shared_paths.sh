#!/usr/bin/env bash
# Text folds the steps all shown paths share: the first path prints them as
# one line but for the last one (its edge names the holder of the node
# where the paths part, and no other path shows it); a later path folds the
# steps it shares with the first path (at least as many); --full-paths and
# the other formats print every step.  A hand-written snapshot, worked out
# by hand:
#   root -> Global @3 .a Alpha @5 .b Beta @7 .c Gamma @9 .k Kappa @11;
#   Kappa .d Delta @13 .e Eps @15 .f Leak @17 (300 B), Eps .g Leak @19 (200 B),
#   Kappa .h Leak @21 (100 B)
# retainers --class Leak: three shapes, largest first (300, 200, 100 B):
#   #1 a b c k d e f, #2 a b c k d e g, #3 a b c k h.  All three share
#   a b c k (4 steps): #1 prints "… 3 steps every path shares, from Global …"
#   and goes on at Gamma with .k Kappa; #2 shares a b c k d e (6 steps) with
#   #1 and goes on at Eps; #3 shares the 4 and goes on at Kappa.  With --top 1
#   there is one path: printed whole.  (Before, #1 was printed whole.)
# With Kappa .x -> Leak @19 added, retainers --id @19 has two holders: path 1
# through Kappa (a b c k x, 5 steps), path 2 through Eps (a b c k d e g);
# they share a b c k: path 1 "… 3 steps every path shares, from Global @3 …"
# then Gamma @9 .k Kappa @11 .x Leak @19, path 2 "… 4 steps as in path 1 …"
# then Kappa @11 .d Delta ...  Retained sizes: every node 10 B but the
# leaks; Kappa 10 + 10 + 10 + 300 + 200 + 100 = 630 B (all three below
# it), Delta 10 + 10 + 300 = 320 B (Leak @19 is also Kappa's), Eps 310 B.
#   run_shared_paths.sh HSNAP
set -u
HSNAP=${1:?usage: run_shared_paths.sh HSNAP}
. "$(dirname "$0")/lib.sh"
lib_init run_shared_paths.sh cli-shared
export HSNAP_NO_INDEX=1
META='{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},'
# nodes (to_node = index * 5): 0 root, 1 Global, 2 Alpha, 3 Beta, 4 Gamma,
# 5 Kappa, 6 Delta, 7 Eps, 8-10 Leak (300, 200, 100 B)
cat >"$TMP/p.heapsnapshot" <<SNAP
$META
"node_count":11,"edge_count":10},
"nodes":[9,0,1,0,1, 3,1,3,10,1, 3,2,5,10,1, 3,3,7,10,1, 3,4,9,10,1, 3,17,11,10,2, 3,5,13,10,1, 3,6,15,10,2, 3,7,17,300,0, 3,7,19,200,0, 3,7,21,100,0],
"edges":[1,1,5, 2,8,10, 2,9,15, 2,10,20, 2,18,25, 2,11,30, 2,14,50, 2,12,35, 2,13,40, 2,15,45],
"strings":["","Global","Alpha","Beta","Gamma","Delta","Eps","Leak","a","b","c","d","e","f","h","g","x","Kappa","k"]}
SNAP
# the same with Kappa .x -> Leak @19
cat >"$TMP/q.heapsnapshot" <<SNAP
$META
"node_count":11,"edge_count":11},
"nodes":[9,0,1,0,1, 3,1,3,10,1, 3,2,5,10,1, 3,3,7,10,1, 3,4,9,10,1, 3,17,11,10,3, 3,5,13,10,1, 3,6,15,10,2, 3,7,17,300,0, 3,7,19,200,0, 3,7,21,100,0],
"edges":[1,1,5, 2,8,10, 2,9,15, 2,10,20, 2,18,25, 2,11,30, 2,14,50, 2,16,45, 2,12,35, 2,13,40, 2,15,45],
"strings":["","Global","Alpha","Beta","Gamma","Delta","Eps","Leak","a","b","c","d","e","f","h","g","x","Kappa","k"]}
SNAP
# expect NAME FILE: FILE's lines equal the lines given on stdin
expect() {
	if diff -u - "$2" >"$TMP/diff"; then pass; else fail "$1:"; cat "$TMP/diff" >&2; fi
}
run class 0 "$TMP/class.txt" "$TMP/err" -- retainers "$TMP/p.heapsnapshot" --class Leak &&
expect "retainers --class" "$TMP/class.txt" <<'EOF2'
Leak: 3 objects, 600 B retained, 3 path shapes
  #1  1 object, retained 300 B, shallow 300 B
       … 3 steps every path shares, from Global …
       Gamma
         .k  Kappa
           .d  Delta
             .e  Eps
               .f  Leak
  #2  1 object, retained 200 B, shallow 200 B
       … 6 steps as in the first path …
       Eps
         .g  Leak
  #3  1 object, retained 100 B, shallow 100 B
       … 4 steps as in the first path …
       Kappa
         .h  Leak
EOF2
# one path: nothing is shared, it is printed whole
run top1 0 "$TMP/top1.txt" "$TMP/err" -- retainers "$TMP/p.heapsnapshot" --class Leak --top 1 &&
expect "retainers --class --top 1" "$TMP/top1.txt" <<'EOF2'
Leak: 3 objects, 600 B retained, 3 path shapes
  #1  1 object, retained 300 B, shallow 300 B
       Global
         .a  Alpha
           .b  Beta
             .c  Gamma
               .k  Kappa
                 .d  Delta
                   .e  Eps
                     .f  Leak
EOF2
# --full-paths: every step of every path
run full 0 "$TMP/full.txt" "$TMP/err" -- retainers "$TMP/p.heapsnapshot" --class Leak --full-paths &&
expect "retainers --class --full-paths" "$TMP/full.txt" <<'EOF2'
Leak: 3 objects, 600 B retained, 3 path shapes
  #1  1 object, retained 300 B, shallow 300 B
       Global
         .a  Alpha
           .b  Beta
             .c  Gamma
               .k  Kappa
                 .d  Delta
                   .e  Eps
                     .f  Leak
  #2  1 object, retained 200 B, shallow 200 B
       Global
         .a  Alpha
           .b  Beta
             .c  Gamma
               .k  Kappa
                 .d  Delta
                   .e  Eps
                     .g  Leak
  #3  1 object, retained 100 B, shallow 100 B
       Global
         .a  Alpha
           .b  Beta
             .c  Gamma
               .k  Kappa
                 .h  Leak
EOF2
# markdown prints every step (one line of arrows per shape)
run md 0 "$TMP/class.md" "$TMP/err" -- retainers "$TMP/p.heapsnapshot" --class Leak --format markdown &&
if grep -q 'every path shares\|as in the first path' "$TMP/class.md" || [ "$(grep -c '`.a` Alpha' "$TMP/class.md")" != 3 ]; then
	fail "markdown: not every step"; cat "$TMP/class.md" >&2
else pass; fi
run id 0 "$TMP/id.txt" "$TMP/err" -- retainers "$TMP/q.heapsnapshot" --id @19 &&
expect "retainers --id" "$TMP/id.txt" <<'EOF2'
Leak @19: 200 B shallow, 200 B retained

Held directly by 2 objects
  .x  of  Kappa @11
  .g  of  Eps @15

Path 1 (5 steps)
  … 3 steps every path shares, from Global @3 …
  Gamma @9  10 B  640 B
    .k Kappa @11  10 B  630 B
      .x Leak @19  200 B  200 B

Path 2 (7 steps)
  … 4 steps as in path 1 …
  Kappa @11  10 B  630 B
    .d Delta @13  10 B  320 B
      .e Eps @15  10 B  310 B
        .g Leak @19  200 B  200 B
EOF2
# one path (--paths 1): printed whole
run id1 0 "$TMP/id1.txt" "$TMP/err" -- retainers "$TMP/q.heapsnapshot" --id @19 --paths 1 &&
if grep -q 'every path shares' "$TMP/id1.txt" || ! grep -q '^  Global @3 ' "$TMP/id1.txt"; then
	fail "retainers --id --paths 1: not whole"; cat "$TMP/id1.txt" >&2
else pass; fi
lib_finish
