#!/usr/bin/env bash
# cli_malformed.sh HSNAP FIXTURE_DIR [REGRESS_DIR]
#
# Malformed inputs through the hsnap binary.  Every case must end with exit 3
# and exactly one stderr line starting "hsnap: <file>: " -- or, where the file
# turns out to be valid after all (e.g. only trailing whitespace was cut),
# exit 0 with the same output as the intact file.  Each run is guarded by
# `timeout` (a hang fails the case; no timing is asserted).  Cases:
#   1. every real fixture (FIXTURE_DIR/*.heapsnapshot.gz, gunzipped to a temp
#      dir) truncated at >= 200 offsets: start/end, inside and around every
#      section key, between sections, inside numbers of every section, inside
#      strings, right after a backslash, inside \uXXXX escapes, and random;
#   2. random byte mutations of a real fixture (exit 0 also accepted: the
#      mutated file may still be a valid snapshot; no other exit code is);
#   3. swapped / reordered sections (valid reorder -> same output; nodes and
#      edges swapped -> exit 3);
#   4. numbers beyond 64 bits, negative and fractional numbers;
#   5. a gzip stream whose trailer announces 1 GiB, and a gzipped snapshot
#      whose strings contain one 1 GiB string (skipped with HSNAP_ROBUST_BIG=0);
#   6. invalid UTF-8 inside strings;
#   7. a gzip stream cut in the middle (real fixture), gzip with garbage after
#      the header, a directory, an unreadable file, /proc/self/mem (EIO);
#   8. node_count 2^40 (and edge_count 2^40, node_count 2^32) in the header.
#   9. every file in REGRESS_DIR (default: regress/ next to this script):
#      fuzzer findings kept as regression inputs (exit 0 or 3 accepted).
# Exit 0 when every case passes, 1 otherwise.
set -u
if [ $# -lt 2 ]; then
  echo "usage: $0 HSNAP FIXTURE_DIR [REGRESS_DIR]" >&2
  exit 2
fi
HSNAP=$1 FIX=$2
REG=${3:-$(cd "$(dirname "$0")" && pwd)/regress}
case $HSNAP in /*) ;; *) HSNAP=$PWD/$HSNAP ;; esac
T=${HSNAP_ROBUST_TIMEOUT:-5}
fails=0 checks=0
TMP=$(mktemp -d)
trap 'chmod -R u+rwx "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# run FILE [ARGS...]: hsnap summary on FILE; sets rc, leaves stdout/stderr in $TMP/out $TMP/err
run() {
  local f=$1; shift
  timeout -k 2 "$T" "$HSNAP" summary --top 5 "$@" "$f" >"$TMP/out" 2>"$TMP/err"
  rc=$?
}

# check_err FILE WHAT: exactly one stderr line "hsnap: FILE: ..."
check_err() {
  local f=$1 what=$2 lines
  lines=$(wc -l <"$TMP/err")
  if [ "$lines" -ne 1 ]; then
    fail "$what: $lines stderr lines (want 1): $(head -3 "$TMP/err" | tr '\n' '|')"
    return 1
  fi
  if [ "$(head -c $((${#f} + 9)) "$TMP/err")" != "hsnap: $f: " ]; then
    fail "$what: stderr does not start with 'hsnap: $f: ': $(head -1 "$TMP/err")"
    return 1
  fi
  return 0
}

# expect3 FILE WHAT [REF]: exit 3 + one line; if REF (expected stdout of a
# valid file) is given, exit 0 with stdout == REF is accepted too.
# ALLOW0=1: exit 0 accepted whatever the output (mutations).
expect3() {
  local f=$1 what=$2 ref=${3:-}
  checks=$((checks + 1))
  run "$f"
  case $rc in
    3) check_err "$f" "$what" ;;
    0)
      if [ -n "$ref" ]; then
        cmp -s "$ref" "$TMP/out" || fail "$what: exit 0 but output differs from the intact file"
      elif [ "${ALLOW0:-0}" != 1 ]; then
        fail "$what: exit 0, expected 3"
      fi
      [ -s "$TMP/err" ] && [ "$(grep -vc '^hsnap: .*: warning' "$TMP/err")" -gt 0 ] &&
        fail "$what: exit 0 with stderr: $(head -1 "$TMP/err")"
      ;;
    124|137) fail "$what: timeout (> ${T}s)" ;;
    *) fail "$what: exit $rc, expected 3: $(head -2 "$TMP/err" | tr '\n' '|')" ;;
  esac
  if [ -n "${KEEP_FAILED:-}" ] && [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
    cp "$f" "$KEEP_FAILED/" 2>/dev/null
  fi
}

# Deterministic pseudo-random numbers (LCG) so failures reproduce.
seed=12345
rand() { # rand N -> $R in [0, N)
  seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
  R=$(( (seed / 7) % $1 ))
}
# sample K: reads offsets on stdin, prints K of them spread evenly
sample() { awk -v k="$1" '{a[NR]=$1} END {if (NR==0) exit; step=NR/k; if (step<1) step=1; for (i=1; i<=NR && c<k; i+=step) {print a[int(i)]; c++}}'; }

mkdir -p "$TMP/fx" "$TMP/t"
shopt -s nullglob
gzs=("$FIX"/*.heapsnapshot.gz)
if [ ${#gzs[@]} -eq 0 ]; then
  echo "no fixtures in $FIX"
  exit 1
fi

# ---- 1. truncation of every real fixture ------------------------------------
for gz in "${gzs[@]}"; do
  b=$(basename "$gz" .gz)
  full="$TMP/fx/$b"
  gzip -dc "$gz" >"$full" || { fail "cannot gunzip $gz"; continue; }
  size=$(stat -c %s "$full")
  # reference output of the intact file under the name used for truncations
  cut="$TMP/t/$b"
  cp "$full" "$cut"
  run "$cut"
  if [ $rc -ne 0 ]; then fail "$b: intact file: exit $rc $(head -1 "$TMP/err")"; continue; fi
  cp "$TMP/out" "$TMP/ref.$b"
  {
    echo 0; echo 1; echo 2; echo 10
    echo $((size - 1)); echo $((size - 2)); echo $((size - 3)); echo $((size / 2))
    # section keys: at, inside, after the key, after ':', after '['
    grep -b -o -a -E '"(snapshot|meta|node_fields|node_types|edge_fields|edge_types|node_count|edge_count|trace_function_count|nodes|edges|trace_function_infos|trace_tree|samples|locations|strings)":' "$full" |
      while IFS=: read -r off key; do
        echo "$off"; echo $((off + 1)); echo $((off + ${#key} - 1)); echo $((off + ${#key}))
        echo $((off + ${#key} + 1)); echo $((off + ${#key} + 2))
      done
    # between sections: "],\n" / "},\n"
    grep -b -o -a -E '[]}],$' "$full" | cut -d: -f1 | while read -r off; do
      echo "$off"; echo $((off + 1)); echo $((off + 2)); echo $((off + 3))
    done
    # inside numbers (spread over nodes, edges, locations)
    grep -b -o -a -E '[0-9]{3,}' "$full" | cut -d: -f1 | sample 40 | awk '{print $1 + 1; print $1 + 2}'
    # inside strings
    grep -b -o -a -E '"[^"\\]{6,}"' "$full" | cut -d: -f1 | sample 25 | awk '{print $1 + 1; print $1 + 3}'
    # right after a backslash, and inside \uXXXX
    grep -b -o -a -F '\' "$full" | cut -d: -f1 | sample 15 | awk '{print $1 + 1}'
    grep -b -o -a -E '\\u[0-9a-fA-F]{4}' "$full" | cut -d: -f1 | sample 10 | awk '{print $1 + 2; print $1 + 4}'
    # random
    for _ in $(seq 40); do rand "$size"; echo "$R"; done
  } | awk -v s="$size" '$1 >= 0 && $1 < s' | sort -n -u >"$TMP/offsets"
  noff=$(wc -l <"$TMP/offsets")
  if [ "$noff" -lt 200 ]; then fail "$b: only $noff truncation offsets"; fi
  while read -r off; do
    head -c "$off" "$full" >"$cut"
    expect3 "$cut" "$b truncated at $off/$size" "$TMP/ref.$b"
  done <"$TMP/offsets"
  echo "$b: $noff truncation offsets checked"
  rm -f "$cut"
done

# The smallest real fixture for the remaining whole-file cases.
small=$(ls -S "$TMP"/fx/*.heapsnapshot | tail -1)
sb=$(basename "$small")
ssize=$(stat -c %s "$small")

# ---- 2. random byte mutations -------------------------------------------------
bytes=('0' '9' '"' '\\' ',' '[' ']' '{' '}' '-' 'e' '.' 'x' ' ' '\377' '\000' '\n' '\302')
for i in $(seq 60); do
  m="$TMP/t/mut$i.heapsnapshot"
  cp "$small" "$m"
  nmut=$(( 1 + i % 4 ))
  for _ in $(seq $nmut); do
    rand "$ssize"; off=$R
    rand ${#bytes[@]}; byte=${bytes[$R]}
    printf "$byte" | dd of="$m" bs=1 seek="$off" conv=notrunc status=none
  done
  ALLOW0=1 expect3 "$m" "$sb mutation $i"
  rm -f "$m"
done

# ---- 3. swapped sections ----------------------------------------------------
# V8 writes one section per line group: split at the top-level keys.
awk -v d="$TMP/sec" 'BEGIN{n=0} /^"(nodes|edges|trace_function_infos|trace_tree|samples|locations|strings)":/{n++} {print > (d "." n)}' "$small"
nsec=$(ls "$TMP"/sec.* | wc -l)
if [ "$nsec" -ge 4 ]; then
  # strings first, then the rest (valid: third-party writers reorder keys)
  last="$TMP/sec.$((nsec - 1))"
  re="$TMP/t/$sb"
  cp "$small" "$re"; run "$re"; cp "$TMP/out" "$TMP/ref.small"
  { cat "$TMP/sec.0"; sed -e 's/]}$/],/' "$last"; for k in $(seq 1 $((nsec - 2))); do
      if [ "$k" -eq $((nsec - 2)) ]; then sed -e '$ s/],$/]}/' "$TMP/sec.$k"; else cat "$TMP/sec.$k"; fi
    done; } >"$re"
  checks=$((checks + 1))
  run "$re"
  if [ $rc -ne 0 ]; then fail "$sb with strings moved first: exit $rc $(head -1 "$TMP/err")"
  elif ! cmp -s "$TMP/ref.small" "$TMP/out"; then fail "$sb with strings moved first: output differs"; fi
  # nodes and edges exchanged under their keys (edges array read as nodes)
  sed -e '1 s/^"nodes":/"edges":/' "$TMP/sec.1" >"$TMP/x1"
  sed -e '1 s/^"edges":/"nodes":/' "$TMP/sec.2" >"$TMP/x2"
  cat "$TMP/sec.0" "$TMP/x1" "$TMP/x2" >"$re"; for k in $(seq 3 $((nsec - 1))); do cat "$TMP/sec.$k" >>"$re"; done
  expect3 "$re" "$sb nodes/edges arrays swapped"
  # the snapshot header after the data
  { printf '{'; for k in $(seq 1 $((nsec - 1))); do
      if [ "$k" -eq $((nsec - 1)) ]; then sed -e '$ s/]}$/],/' "$TMP/sec.$k"; else cat "$TMP/sec.$k"; fi
    done; sed -e '1 s/^{//' -e '$ s/},$/}}/' "$TMP/sec.0"; } >"$re"
  checks=$((checks + 1))
  run "$re"
  if [ $rc -ne 0 ]; then fail "$sb with snapshot header last: exit $rc $(head -1 "$TMP/err")"
  elif ! cmp -s "$TMP/ref.small" "$TMP/out"; then fail "$sb with snapshot header last: output differs"; fi
  # a section duplicated
  cat "$TMP/sec.0" "$TMP/sec.1" "$TMP/sec.1" >"$re"; for k in $(seq 2 $((nsec - 1))); do cat "$TMP/sec.$k" >>"$re"; done
  expect3 "$re" "$sb nodes section twice"
  rm -f "$re"
else
  fail "$sb: could not split into sections ($nsec)"
fi

# ---- hand-written small documents ------------------------------------------
META='{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[["hidden","object","synthetic"],"string","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["element","property","weak"],"string_or_number","node"]},"node_count":2,"edge_count":1},'
doc() { # doc NODES EDGES STRINGS [HEADER_REPLACEMENT]
  printf '%s"nodes":[%s],"edges":[%s],"strings":[%s]}' "${4:-$META}" "$1" "$2" "$3"
}
d="$TMP/t/doc.heapsnapshot"
doc '2,0,1,0,1,1,2,3,10,0' '1,1,5' '"","a","Object"' >"$d"
run "$d"; cp "$TMP/out" "$TMP/ref.doc"
checks=$((checks + 1)); [ $rc -eq 0 ] || fail "hand-written valid document: exit $rc $(head -1 "$TMP/err")"

# ---- 4. numbers beyond 64 bits, negatives, fractions ----------------------
for v in 18446744073709551615 18446744073709551616 99999999999999999999999999999 \
         340282366920938463463374607431768211456 -1 1.5 1e3 0x10; do
  doc "2,0,1,0,1,1,2,3,$v,0" '1,1,5' '"","a","Object"' >"$d"
  if [ "$v" = 18446744073709551615 ]; then
    # 2^64-1 fits 64 bits; a 16 EiB self size is still absurd: 0 or 3, no crash
    ALLOW0=1 expect3 "$d" "self_size $v"
  else
    expect3 "$d" "self_size $v"
  fi
  doc '2,0,1,0,1,1,2,3,10,0' "1,1,$v" '"","a","Object"' >"$d"; expect3 "$d" "to_node $v"
  doc "2,0,1,0,1,1,$v,3,10,0" '1,1,5' '"","a","Object"' >"$d"; expect3 "$d" "node name $v"
  doc '2,0,1,0,1,1,2,3,10,0' '1,1,5' '"","a","Object"' "${META/\"node_count\":2/\"node_count\":$v}" >"$d"
  expect3 "$d" "header node_count $v" "$TMP/ref.doc"
done
# a 100,000-digit number
{ printf '%s"nodes":[2,0,1,0,1,1,2,3,' "$META"; head -c 100000 /dev/zero | tr '\0' 7; printf ',0],"edges":[1,1,5],"strings":["","a","Object"]}'; } >"$d"
expect3 "$d" "100000-digit self_size"

# ---- 8. header counts of 2^40 / 2^32 -----------------------------------------
# A lying count is either rejected (3) or ignored (0 with the numbers of the
# honest file, compared under the same file name); never a huge allocation.
for h in '"node_count":1099511627776,"edge_count":1' '"node_count":2,"edge_count":1099511627776' \
         '"node_count":4294967296,"edge_count":1' '"node_count":4294967295,"edge_count":4294967295' \
         '"node_count":1099511627776,"edge_count":1099511627776'; do
  hdr=${META/\"node_count\":2,\"edge_count\":1/$h}
  doc '2,0,1,0,1,1,2,3,10,0' '1,1,5' '"","a","Object"' "$hdr" >"$d"
  expect3 "$d" "header $h" "$TMP/ref.doc"
done

# ---- 6. invalid UTF-8 ---------------------------------------------------------
for bad in '\377\376' '\300\200' '\355\240\200' '\303(' '\360\220\200' '\200' 'a\000b'; do
  printf '%s"nodes":[2,0,1,0,1,1,2,3,10,0],"edges":[1,1,5],"strings":["","a","Ob%bject"]}' "$META" "$bad" >"$d"
  ALLOW0=1 expect3 "$d" "invalid UTF-8 $bad in a string"
  printf '%s"nodes":[2,0,1,0,1,1,2,3,10,0],"edges":[1,1,5],"strings":["","a","Object"]}%b' "$META" "$bad" >"$d"
  expect3 "$d" "invalid UTF-8 $bad after the document"
  printf '{"snap%bshot":{}}' "$bad" >"$d"
  expect3 "$d" "invalid UTF-8 $bad in a key"
done

# ---- 7. gzip cut, gzip garbage, directory, unreadable --------------------------
for gz in "${gzs[@]}"; do
  gsize=$(stat -c %s "$gz")
  for frac in 2 3 10; do
    g="$TMP/t/cut.heapsnapshot.gz"
    head -c $((gsize / frac)) "$gz" >"$g"
    expect3 "$g" "$(basename "$gz") gzip stream cut at 1/$frac"
  done
  g="$TMP/t/cut.heapsnapshot.gz"
  head -c $((gsize - 4)) "$gz" >"$g"
  expect3 "$g" "$(basename "$gz") gzip without its size trailer" "$TMP/ref.$(basename "$gz" .gz)"
done
g="$TMP/t/garbage.gz"
{ printf '\037\213\010\000\000\000\000\000\000\003'; head -c 4096 /dev/urandom; } >"$g"
expect3 "$g" "gzip header followed by garbage"
printf '\037\213' >"$g"; expect3 "$g" "gzip magic only"
mkdir -p "$TMP/t/dir.heapsnapshot"
expect3 "$TMP/t/dir.heapsnapshot" "a directory"
u="$TMP/t/unreadable.heapsnapshot"
cp "$d" "$u"; chmod 000 "$u"
if [ "$(id -u)" -ne 0 ]; then
  expect3 "$u" "an unreadable file (chmod 000)"
elif [ -e /proc/sys/vm/drop_caches ] && ! cat /proc/sys/vm/drop_caches >/dev/null 2>&1; then
  # root reads chmod 000 files; a write-only sysctl gives EACCES even to root
  expect3 /proc/sys/vm/drop_caches "an unreadable file (EACCES)"
else
  echo "SKIP: unreadable file: running as root and no EACCES path under /proc"
fi
expect3 /proc/self/mem "/proc/self/mem (EIO on read)"

# ---- 5. a 1 GiB string / a gzip announcing 1 GiB ---------------------------------
# gzip trailer ISIZE forged to 1 GiB over a tiny truncated document
doc '2,0,1,0,1,1,2,3,10,0' '1,1,5' '"","a","Object"' | head -c 150 | gzip -c | head -c -4 >"$g"
printf '\000\000\000\100' >>"$g"
expect3 "$g" "gzip trailer announcing 1 GiB (truncated document)"
if [ "${HSNAP_ROBUST_BIG:-1}" = 1 ]; then
  # A valid gzipped snapshot whose strings hold one 1 GiB string (1 MiB on
  # disk): must load (exit 0), or be refused as a resource limit (exit 4), or as
  # an over-long string (3); never crash, and done within 120 s.
  big="$TMP/t/big.heapsnapshot.gz"
  { printf '%s"nodes":[2,0,1,0,1,1,2,3,10,0],"edges":[1,1,5],"strings":["","a","' "$META"
    head -c 1073741824 /dev/zero | tr '\0' a; printf '"]}'; } | gzip -1 >"$big"
  checks=$((checks + 1))
  timeout -k 5 120 "$HSNAP" info "$big" >"$TMP/out" 2>"$TMP/err"; rc=$?
  case $rc in
    0) ;;
    3|4) check_err "$big" "1 GiB string" ;;
    124|137) fail "1 GiB string: timeout (> 120 s)" ;;
    *) fail "1 GiB string: exit $rc $(head -2 "$TMP/err" | tr '\n' '|')" ;;
  esac
  echo "1 GiB string: exit $rc $(head -1 "$TMP/err")"
  # the same, unterminated: the document ends inside the string
  { printf '%s"nodes":[2,0,1,0,1,1,2,3,10,0],"edges":[1,1,5],"strings":["","a","' "$META"
    head -c 1073741824 /dev/zero | tr '\0' a; } | gzip -1 >"$big"
  checks=$((checks + 1))
  timeout -k 5 120 "$HSNAP" info "$big" >"$TMP/out" 2>"$TMP/err"; rc=$?
  case $rc in
    3|4) check_err "$big" "unterminated 1 GiB string" ;;
    124|137) fail "unterminated 1 GiB string: timeout (> 120 s)" ;;
    *) fail "unterminated 1 GiB string: exit $rc $(head -2 "$TMP/err" | tr '\n' '|')" ;;
  esac
  echo "unterminated 1 GiB string: exit $rc $(head -1 "$TMP/err")"
  rm -f "$big"
else
  echo "SKIP: 1 GiB string (HSNAP_ROBUST_BIG=0)"
fi

# ---- 9. fuzzer regression inputs ------------------------------------------------
if [ -d "$REG" ]; then
  for r in "$REG"/*; do
    [ -f "$r" ] || continue
    case $r in *.md|*.txt) continue ;; esac
    cp "$r" "$TMP/t/regress.heapsnapshot"
    ALLOW0=1 expect3 "$TMP/t/regress.heapsnapshot" "regression input $(basename "$r")"
  done
fi

echo "cli_malformed: $checks checks, $fails failures"
[ $fails -eq 0 ]
