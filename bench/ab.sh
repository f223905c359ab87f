#!/usr/bin/env bash
# A/B benchmark on a shared machine: runs, round-robin so that load spikes hit
# every tool alike, a bare yajl scan, `hsnap summary --no-index` of two builds
# (BEFORE and AFTER) and optionally DevTools' own code, N times each on one
# file, and prints the medians and the ratios of the same run.
#
#   bench/ab.sh --file F --before BIN --after BIN [--runs N] [--jobs J] [--devtools]
#
# Each run goes under /usr/bin/time (wall s, user + sys s, peak RSS KB); the two
# hsnap outputs are compared byte for byte.  DevTools: bench/devtools_summary.mjs
# with the toolkit from $HSNAP_BENCH_NPM (see bench/README.md).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=5 JOBS="" DEVTOOLS=0 FILE="" BEFORE="" AFTER=""
while [ $# -gt 0 ]; do
  case $1 in
    --file) FILE=$2; shift 2 ;;
    --before) BEFORE=$2; shift 2 ;;
    --after) AFTER=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --jobs) JOBS="--jobs $2"; shift 2 ;;
    --devtools) DEVTOOLS=1; shift ;;
    *) echo "ab.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$FILE" ] && [ -x "$BEFORE" ] && [ -x "$AFTER" ] || { echo "ab.sh: need --file, --before, --after" >&2; exit 2; }
mkdir -p "$HERE/build"
YAJL="$HERE/build/yajl_scan"
[ -x "$YAJL" ] || cc -O2 -o "$YAJL" "$HERE/yajl_scan.c" $(pkg-config --cflags --libs yajl)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

one() { # name cmd...: appends "wall cpu rss" to $TMP/name
  local name=$1; shift
  /usr/bin/time -o "$TMP/t" -f '%e %U %S %M' "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" ||
    { echo "ab.sh: $name failed: $(tail -1 "$TMP/$name.err")" >&2; exit 1; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$TMP/t" >>"$TMP/$name"
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$RUNS"); do
  one yajl "$YAJL" "$FILE"
  one before "$BEFORE" summary "$FILE" --no-index $JOBS --format json
  one after "$AFTER" summary "$FILE" --no-index $JOBS --format json
  cmp -s "$TMP/before.out" "$TMP/after.out" || { echo "ab.sh: outputs differ" >&2; exit 1; }
  if [ "$DEVTOOLS" = 1 ]; then
    one devtools node --max-old-space-size=16000 "$HERE/devtools_summary.mjs" "$FILE"
  fi
  echo "run $r: $(for t in yajl before after devtools; do [ -f "$TMP/$t" ] && printf '%s %s s  ' $t "$(tail -1 "$TMP/$t" | cut -d' ' -f1)"; done)"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
med() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
bytes=$(stat -c %s "$FILE")
echo
echo "| tool | wall s, median of $RUNS (range) | CPU s (user + sys), median | peak RSS MB, median | RSS / file |"
echo "|---|---:|---:|---:|---:|"
for t in yajl before after devtools; do
  [ -f "$TMP/$t" ] || continue
  w=$(cut -d' ' -f1 "$TMP/$t" | med); c=$(cut -d' ' -f2 "$TMP/$t" | med); m=$(cut -d' ' -f3 "$TMP/$t" | med)
  lo=$(cut -d' ' -f1 "$TMP/$t" | sort -n | head -1); hi=$(cut -d' ' -f1 "$TMP/$t" | sort -n | tail -1)
  printf '| %s | %s (%s–%s) | %s | %.0f | %.2f |\n' "$t" "$w" "$lo" "$hi" "$c" "$(echo "$m / 1000" | bc -l)" "$(echo "$m * 1024 / $bytes" | bc -l)"
  eval "W_$t=$w"
done
echo
printf 'after / yajl: %.2f   before / yajl: %.2f   after / before: %.2f' \
  "$(echo "$W_after / $W_yajl" | bc -l)" "$(echo "$W_before / $W_yajl" | bc -l)" "$(echo "$W_after / $W_before" | bc -l)"
[ "$DEVTOOLS" = 1 ] && printf '   DevTools / after: %.2f   DevTools / before: %.2f' \
  "$(echo "$W_devtools / $W_after" | bc -l)" "$(echo "$W_devtools / $W_before" | bc -l)"
echo
