#!/usr/bin/env bash
# cli_bounds.sh HSNAP
#
# Work and output bounded by what is shown (issue 14, items 13, 14 and 18), on
# snapshots generated here with awk.  No timing is asserted: each run has a
# generous `timeout` as a hang guard (the old code needed hours or wrote
# gigabytes on these inputs), and output sizes are checked against bounds
# worked out from what the command shows.
#   1. top --children K on an array of N elements: one row per element shown,
#      edges [0]..[N-1] in order (the old code scanned the array's N edges for
#      each of the K children: N = K = 1,000,000 is 10^12 steps);
#   2. retainers --class on a 1,000,000-node chain with --max-depth 1000: the
#      1,001 path shapes (paths of 1..1000 edges, then one truncated shape),
#      ten shown, O(shown steps) lines (the old code compared each member's
#      1000-step path: minutes); in CSV the 1000 steps in one field (they
#      were cut at 4 KiB);
#   3. retainers --id with --max-depth 100000 on a 100,002-node chain: one path
#      of 100,000 steps in under 200 bytes a step (300 in pretty JSON; the old
#      indentation grew by two columns a step: 10 GB);
#   4. control characters, C1 controls, a lone surrogate in node, class and
#      edge names: no control byte but newline/tab reaches stdout in any
#      format (JSON escapes them as \u00NN), every output is valid UTF-8,
#      the escapes are visible.
# Exit 0 when every check passes, 1 otherwise.
set -u
HSNAP=${1:?usage: cli_bounds.sh HSNAP}
T=${HSNAP_BOUNDS_TIMEOUT:-300}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

META='"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint"],"string","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]}'

# root -[0]-> G -.arr-> Array -[i]-> Item_i (self 8), i < N
gen_array() {
  awk -v n="$1" -v meta="$META" 'BEGIN {
    printf "{\"snapshot\":{%s,\"node_count\":%d,\"edge_count\":%d},", meta, n + 3, n + 2
    printf "\"nodes\":[9,0,1,0,1,3,1,3,16,1,3,2,5,16,%d", n
    for (i = 0; i < n; i++) printf ",3,3,%d,8,0", 7 + 2 * i
    printf "],\"edges\":[1,0,5,2,4,10"
    for (i = 0; i < n; i++) printf ",1,%d,%d", i, (3 + i) * 5
    printf "],\"strings\":[\"\",\"G\",\"Array\",\"Item\",\"arr\"]}\n"
  }' >"$2"
}

# root -[0]-> G -.head-> Link_0 -.next-> Link_1 ... Link_{N-1} (self 8)
gen_chain() {
  awk -v n="$1" -v meta="$META" 'BEGIN {
    printf "{\"snapshot\":{%s,\"node_count\":%d,\"edge_count\":%d},", meta, n + 2, n + 1
    printf "\"nodes\":[9,0,1,0,1,3,1,3,16,1"
    for (i = 0; i < n; i++) printf ",3,2,%d,8,%d", 5 + 2 * i, i + 1 < n
    printf "],\"edges\":[1,0,5,2,3,10"
    for (i = 0; i + 1 < n; i++) printf ",2,4,%d", (3 + i) * 5
    printf "],\"strings\":[\"\",\"G\",\"Link\",\"head\",\"next\"]}\n"
  }' >"$2"
}

run() { # run OUT ARGS...: hsnap ARGS > OUT (at most 64 MB kept), sets rc
  local o=$1; shift
  timeout -k 5 "$T" "$HSNAP" "$@" 2>"$TMP/err" | head -c 67108864 >"$o"
  rc=${PIPESTATUS[0]}
}

# ---- 1. top --children K -------------------------------------------------------
N=1000000
gen_array $N "$TMP/array.heapsnapshot"
run "$TMP/top.csv" top "$TMP/array.heapsnapshot" --top 1 --depth 2 --children $N --format csv
lines=$(wc -l <"$TMP/top.csv")
first=$(sed -n 4p "$TMP/top.csv" | cut -d, -f2)
last=$(tail -1 "$TMP/top.csv" | cut -d, -f2)
if [ "$rc" != 0 ]; then fail "top --children $N: exit $rc $(head -1 "$TMP/err")"
elif [ "$lines" != $((N + 3)) ]; then fail "top --children $N: $lines lines, want $((N + 3)) (header, G, Array, $N items)"
elif [ "$first" != "[0]" ] || [ "$last" != "[$((N - 1))]" ]; then fail "top --children $N: first/last edge '$first' '$last'"
else ok "top --children $N on a $N-element array: $lines lines, edges [0]..[$((N - 1))]"; fi

# ---- 2. retainers --class on a long chain --------------------------------------
N=1000000
gen_chain $N "$TMP/chain.heapsnapshot"
run "$TMP/cls.txt" retainers "$TMP/chain.heapsnapshot" --class Link --max-depth 1000
head2=$(head -1 "$TMP/cls.txt")
lines=$(wc -l <"$TMP/cls.txt")
if [ "$rc" != 0 ]; then fail "retainers --class: exit $rc $(head -1 "$TMP/err")"
elif [ "$head2" != "Link: 1,000,000 objects, 8.00 MB retained, 1001 path shapes" ]; then fail "retainers --class header: $head2"
elif ! grep -q '^  #1  1 object, retained 8.00 MB' "$TMP/cls.txt" ||
     ! grep -q '^  #2  999,000 objects, retained 0 B' "$TMP/cls.txt"; then fail "retainers --class: groups #1/#2 not as expected"; sed -n 1,4p "$TMP/cls.txt"
elif [ "$lines" -gt $((1 + 10 * 1003)) ]; then fail "retainers --class: $lines lines for 10 shapes of <= 1000 steps"
else ok "retainers --class --max-depth 1000 on a $N-node chain: 1001 shapes, $lines lines"; fi
run "$TMP/cls.json" retainers "$TMP/chain.heapsnapshot" --class Link --max-depth 1000 --top 3 --format json
steps=$(grep -c '"class": "Link"' "$TMP/cls.json")
if [ "$rc" != 0 ] || ! grep -q '"shapes_total": 1001' "$TMP/cls.json"; then fail "retainers --class json: exit $rc"
elif [ "$steps" -gt $((3 * 1001)) ]; then fail "retainers --class json: $steps steps for 3 shapes"
else ok "retainers --class --format json --top 3: $steps Link steps"; fi

run "$TMP/cls.csv" retainers "$TMP/chain.heapsnapshot" --class Link --max-depth 1000 --top 2 --format csv
nexts=$(grep -o '\.next' "$TMP/cls.csv" | wc -l)
if [ "$rc" != 0 ] || [ "$nexts" != 1000 ]; then fail "retainers --class csv: $nexts .next steps in the 2 shapes shown, want 0 + 1000 (exit $rc)"
else ok "retainers --class --format csv: the truncated shape's 1000 steps in one field"; fi

# ---- 3. retainers --id with a 100,000-step path ----------------------------------
N=100002
gen_chain $N "$TMP/chain2.heapsnapshot"
last_id=$((5 + 2 * (N - 1)))
for f in text markdown csv json; do
  run "$TMP/id.$f" retainers "$TMP/chain2.heapsnapshot" --id $last_id --max-depth 100000 --format $f
  bytes=$(wc -c <"$TMP/id.$f")
  # the holder list before the paths names the one holder's edge once more
  nexts=$(grep -o '\.next' "$TMP/id.$f" | wc -l)
  [ $f = csv ] || nexts=$((nexts - 1))
  per=200; [ $f = json ] && per=300   # pretty-printed JSON: 9 lines a step
  if [ "$rc" != 0 ]; then fail "retainers --id ($f): exit $rc $(head -1 "$TMP/err")"
  elif [ "$bytes" -gt $((per * 100000)) ]; then fail "retainers --id ($f): $bytes bytes for 100,000 steps"
  elif [ "$nexts" != 100000 ]; then fail "retainers --id ($f): $nexts .next steps, want 100000"
  else ok "retainers --id --max-depth 100000 ($f): $bytes bytes"; fi
done

# ---- 4. hostile names ------------------------------------------------------------
# node names with ESC sequences, BEL, CR, a C1 CSI (U+009B), a lone low surrogate
# (kept by the loader as ED B0 80), a lone high surrogate (yajl: '?'), an emoji;
# a property name with ESC.  Nodes: root -[0]-> Evil -.<esc>prop-> Bad
ESC_NAME='Evil\u001b[31mRED\u001b]0;title\u0007\rX\u009b2J'
BAD_NAME='Bad\ud800X\udc00Y\ud83d\ude00'
printf '{"snapshot":{%s,"node_count":3,"edge_count":2},"nodes":[9,0,1,0,1,3,1,3,10,1,3,2,5,20,0],"edges":[1,0,5,2,3,10],"strings":["","%s","%s","p\\u001b[2Jq"]}\n' \
  "$META" "$ESC_NAME" "$BAD_NAME" >"$TMP/esc.heapsnapshot"
for cmd in summary top export "retainers --id 5"; do
  for f in text csv markdown json; do
    # shellcheck disable=SC2086
    run "$TMP/esc.out" $cmd "$TMP/esc.heapsnapshot" --format $f
    what="$cmd --format $f"
    if [ "$rc" != 0 ]; then fail "$what: exit $rc $(head -1 "$TMP/err")"; continue; fi
    if ! iconv -f UTF-8 -t UTF-8 "$TMP/esc.out" >/dev/null 2>&1; then fail "$what: not valid UTF-8"; continue; fi
    if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$TMP/esc.out" || LC_ALL=C grep -q $'\xc2[\x80-\x9f]' "$TMP/esc.out"; then
      fail "$what: a control character reached stdout"; continue
    fi
    if [ "$f" != json ] && [ "$cmd" != export ] && ! grep -qF 'Evil\x1b[31mRED' "$TMP/esc.out" && ! grep -qF 'Evil\x1b\[31mRED' "$TMP/esc.out"; then
      fail "$what: the escaped name is not shown"; continue
    fi
    ok "$what"
  done
done
run "$TMP/esc.txt" retainers "$TMP/esc.heapsnapshot" --id 5
if ! grep -qF '.p\x1b[2Jq' "$TMP/esc.txt" || ! grep -qF 'Bad?X\udc00Y' "$TMP/esc.txt"; then
  fail "retainers: edge or surrogate escapes not shown"; cat "$TMP/esc.txt"
else ok "retainers: edge name and surrogate shown escaped"; fi
run "$TMP/esc.json" export "$TMP/esc.heapsnapshot" --format json
if ! grep -qF '"name":"Bad?X\udc00Y' "$TMP/esc.json" || ! grep -qF '\r' "$TMP/esc.json" ||
   ! grep -qiF 'X\u009b2J' "$TMP/esc.json"; then
  fail "export json: \\u escapes missing"; cat "$TMP/esc.json"
else ok "export json: surrogate and C1 as \\u escapes"; fi

echo "cli_bounds: $fails failure(s)"
[ "$fails" = 0 ]
