#!/usr/bin/env bash
# run_jobs.sh HSNAP FIXTURES_DIR: the parallel scanner of plain files gives
# results identical to the stream's for any --jobs, and rejects malformed
# arrays with the same message (exit 3, one line naming the file).
# HSNAP_PARALLEL_MIN=1 sends even tiny arrays through the threads.
set -u
HSNAP=$1 FIX=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 checks=0
check() { checks=$((checks + 1)); if ! eval "$2"; then echo "FAIL: $1"; fail=$((fail + 1)); fi; }
export HSNAP_PARALLEL_MIN=1
# never an index: every run below must parse (ctest sets it too)
export HSNAP_NO_INDEX=1

files=("$FIX"/tiny/*.heapsnapshot)
for g in "$FIX"/leak-3.heapsnapshot.gz "$FIX"/chrome-detached.heapsnapshot.gz; do
  b=$(basename "$g" .gz)
  gzip -dc "$g" > "$tmp/$b"
  files+=("$tmp/$b")
done
for f in "${files[@]}"; do
  "$HSNAP" export "$f" --format csv --jobs 1 > "$tmp/ref.csv" 2>&1
  for j in 2 3 5; do
    "$HSNAP" export "$f" --format csv --jobs "$j" > "$tmp/j.csv" 2>&1
    check "$(basename "$f") export --jobs $j equals --jobs 1" "cmp -s '$tmp/ref.csv' '$tmp/j.csv'"
  done
  "$HSNAP" summary "$f" --format json --jobs 1 > "$tmp/ref.json"
  "$HSNAP" summary "$f" --format json --jobs 4 > "$tmp/j.json"
  check "$(basename "$f") summary --jobs 4 equals --jobs 1" "cmp -s '$tmp/ref.json' '$tmp/j.json'"
  # top names functions by their locations (script:line:column), which the
  # threads read too
  "$HSNAP" top "$f" --top 40 --depth 4 --jobs 1 > "$tmp/ref.top"
  "$HSNAP" top "$f" --top 40 --depth 4 --jobs 3 > "$tmp/j.top"
  check "$(basename "$f") top --jobs 3 equals --jobs 1" "cmp -s '$tmp/ref.top' '$tmp/j.top'"
done
"$HSNAP" top "$tmp/leak-3.heapsnapshot" --top 40 --depth 4 --jobs 3 > "$tmp/j.top"
check "leak-3 top (--jobs 3) shows locations" "grep -Eq '\\([^()]+:[0-9]+:[0-9]+\\)' '$tmp/j.top'"

# malformed numeric arrays through the threads: exit 3 and one stderr line
base="$tmp/leak-3.heapsnapshot"
mutate() { # name, python-free sed expression on the nodes/edges text
  sed "$2" "$base" > "$tmp/$1.heapsnapshot"
}
mutate negative '0,/"nodes":\[/s/"nodes":\[\([0-9]*\),/"nodes":[-\1,/'
mutate float '0,/"edges":\[/s/"edges":\[\([0-9]*\),/"edges":[\1.5,/'
mutate letter '0,/"nodes":\[/s/"nodes":\[\([0-9]*\),/"nodes":[\1x,/'
mutate trailing '0,/^\],$/s/^\],$/,],/'
mutate doublecomma '0,/"edges":\[/s/"edges":\[\([0-9]*\),/"edges":[\1,,/'
mutate locletter '0,/"locations":\[/s/"locations":\[\([0-9]*\),/"locations":[\1x,/'
mutate locnested '0,/"locations":\[/s/"locations":\[\([0-9]*\),/"locations":[[\1],/'
# one value too many in "nodes" and a letter in "edges" after it: the letter
# is the first error in file order (the length is checked after the document)
sed '0,/"nodes":\[/s/"nodes":\[\([0-9]*\),/"nodes":[\1,0,/' "$base" |
  sed '0,/"edges":\[/s/"edges":\[\([0-9]*\),/"edges":[\1x,/' > "$tmp/partial.heapsnapshot"
# a ']' after the first value of "nodes": the array ends there, and the JSON
# after it is wrong
mutate earlyend '0,/"nodes":\[/s/"nodes":\[\([0-9]*\),/"nodes":[\1],/'
for m in negative float letter trailing doublecomma locletter locnested partial earlyend; do
  for j in 1 3; do
    "$HSNAP" summary "$tmp/$m.heapsnapshot" --jobs "$j" > /dev/null 2> "$tmp/$m.err$j"
    rc=$?
    check "$m --jobs $j exits 3 (got $rc)" "[ $rc -eq 3 ]"
    check "$m --jobs $j: one stderr line naming the file" "[ \$(wc -l < '$tmp/$m.err$j') -eq 1 ] && grep -q '^hsnap: $tmp/$m.heapsnapshot: ' '$tmp/$m.err$j'"
  done
  # one scanner (src/load_scan.c) for the stream and the threads
  check "$m: --jobs 3 says exactly what --jobs 1 says" "cmp -s '$tmp/$m.err1' '$tmp/$m.err3'"
done
check "partial: the letter is reported" "grep -q 'unexpected character in the \"edges\" array' '$tmp/partial.err1'"
check "earlyend: yajl's parse error is reported" "grep -q 'parse error' '$tmp/earlyend.err1'"
# the same message from the threads as from the stream (--jobs 1; one
# scanner, src/load_scan.c, reads both) for the checks made per value:
# leading zero, 20 digits beyond 64 bits, a 19-digit to_node that is a
# multiple of node_fields (7) but out of range, one that is not a multiple, a
# digit run split by a space; white space around values is accepted alike
mutate leadzero '0,/"nodes":\[/s/"nodes":\[\([0-9]*\),/"nodes":[0\1,/'
mutate overflow '0,/"edges":\[/s/"edges":\[\([0-9]*\),\([0-9]*\),\([0-9]*\)/"edges":[\1,\2,99999999999999999999/'
mutate range19 '0,/"edges":\[/s/"edges":\[\([0-9]*\),\([0-9]*\),\([0-9]*\)/"edges":[\1,\2,9999999999999999997/'
mutate notmult '0,/"edges":\[/s/"edges":\[\([0-9]*\),\([0-9]*\),\([0-9]*\)/"edges":[\1,\2,1\3/'
mutate nocomma '0,/"edges":\[/s/"edges":\[\([0-9]*\),/"edges":[\1 7,/'
mutate spaces '0,/"edges":\[/s/"edges":\[\([0-9]*\),/"edges":[ \1\t,\n  /'
want_leadzero='leading zero' want_overflow='exceeds 64 bits' want_range19='to_node 9999999999999999997 out of range'
want_notmult='is not a multiple of node_fields (7)' want_nocomma='unexpected character' want_spaces=''
for m in leadzero overflow range19 notmult nocomma spaces; do
  "$HSNAP" info "$tmp/$m.heapsnapshot" --jobs 1 > "$tmp/out1" 2> "$tmp/err1"; rc1=$?
  "$HSNAP" info "$tmp/$m.heapsnapshot" --jobs 3 > "$tmp/out3" 2> "$tmp/err3"; rc3=$?
  w=want_$m
  if [ -n "${!w}" ]; then
    check "$m: exit 3 with --jobs 1 and 3 (got $rc1, $rc3)" "[ $rc1 -eq 3 ] && [ $rc3 -eq 3 ]"
    check "$m: the message says '${!w}'" "grep -qF -- '${!w}' '$tmp/err3'"
    check "$m: --jobs 3 says exactly what --jobs 1 says" "cmp -s '$tmp/err1' '$tmp/err3'"
  else
    check "$m: accepted by both (got $rc1, $rc3), same output" "[ $rc1 -eq 0 ] && [ $rc3 -eq 0 ] && cmp -s '$tmp/out1' '$tmp/out3'"
  fi
done

# 300 KB of white space before the ']' of locations / edges (valid JSON): the
# share points past the last comma must not make an empty last piece
for sec in locations edges; do
  next=$([ $sec = locations ] && echo strings || echo trace_function_infos)
  ln=$(grep -n -m1 "^\"$next\":" "$base" | cut -d: -f1)
  check "pad-$sec: the array ends on the line before \"$next\"" "[ \"\$(sed -n '$((ln - 1))p' '$base')\" = '],' ]"
  { head -n $((ln - 2)) "$base"; head -c 300000 /dev/zero | tr '\0' ' '; tail -n +$((ln - 1)) "$base"; } > "$tmp/pad-$sec.heapsnapshot"
  check "pad-$sec: the padding is there" "[ \$(stat -c %s '$tmp/pad-$sec.heapsnapshot') -eq \$((\$(stat -c %s '$base') + 300000)) ]"
  "$HSNAP" export "$tmp/pad-$sec.heapsnapshot" --format csv --jobs 1 > "$tmp/pad1" 2>&1; rc1=$?
  "$HSNAP" export "$tmp/pad-$sec.heapsnapshot" --format csv --jobs 3 > "$tmp/pad3" 2>&1; rc3=$?
  check "pad-$sec: accepted with --jobs 1 and 3 (got $rc1, $rc3), same rows" "[ $rc1 -eq 0 ] && [ $rc3 -eq 0 ] && cmp -s '$tmp/pad1' '$tmp/pad3'"
done

# the root's self size of 1 to 17 digits (the 8-byte steps of the decoder
# take up to 15 digits, the byte loop the rest): export shows it as written
for val in 7 12345678 123456789 123456789012345 1234567890123456 98765432109876543; do
  sed "0,/\"nodes\":\[/s/\"nodes\":\[\([0-9]*\),\([0-9]*\),\([0-9]*\),\([0-9]*\),/\"nodes\":[\1,\2,\3,$val,/" "$base" > "$tmp/val.heapsnapshot"
  for j in 1 3; do
    "$HSNAP" export "$tmp/val.heapsnapshot" --format csv --jobs "$j" > "$tmp/val$j.csv" 2>&1
    check "root self size $val read with --jobs $j" "[ \"\$(sed -n 2p '$tmp/val$j.csv' | cut -d, -f1,5)\" = '1,$val' ]"
  done
done

# cut inside the nodes array
head -c 300000 "$base" > "$tmp/cut.heapsnapshot"
for j in 1 2; do
  "$HSNAP" info "$tmp/cut.heapsnapshot" --jobs "$j" > /dev/null 2> "$tmp/err"
  rc=$?
  check "cut --jobs $j exits 3 (got $rc) and says truncated" "[ $rc -eq 3 ] && grep -q truncated '$tmp/err'"
done
"$HSNAP" --jobs 0 info "$base" > /dev/null 2>&1
rc=$?
check "--jobs 0 is a usage error (got $rc)" "[ $rc -eq 2 ]"

echo "$((checks - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
