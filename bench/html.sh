#!/usr/bin/env bash
# bench/html.sh [--hsnap PATH] [--runs N] A B C: what `--format html` costs over
# `--format json` for summary C, diff A B, leaks A B C and growth A B C, and how
# big the page is (issue 12: under 5 MB for any input, at most 10% over JSON).
# Runs JSON and HTML alternately (never at the same time), --no-index, and
# prints per command the median wall and CPU (user+sys) seconds of each, their
# ratios, and the output sizes.  A B C: three snapshots of one process, e.g.
#   node --max-old-space-size=16000 bench/gen_snapshot.js --target-mb 650 \
#     --out bench/data/t650-a.heapsnapshot --second bench/data/t650-b.heapsnapshot \
#     --third bench/data/t650-c.heapsnapshot
set -euo pipefail
cd "$(dirname "$0")/.."
HSNAP=build-bench/hsnap
RUNS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --hsnap) HSNAP="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench/html.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -eq 3 ] || { echo "usage: bench/html.sh [--hsnap PATH] [--runs N] A B C" >&2; exit 2; }
A=$1 B=$2 C=$3
if [ ! -x "$HSNAP" ]; then
  cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DHSNAP_TESTS=OFF >/dev/null
  cmake --build build-bench -j"$(nproc)" >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '| command | JSON wall s | HTML wall s | wall ratio | JSON CPU s | HTML CPU s | CPU ratio | JSON bytes | HTML bytes |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for cmd in summary diff leaks growth; do
  case $cmd in
    summary) args=("$C") ;;
    diff) args=("$A" "$B") ;;
    *) args=("$A" "$B" "$C") ;;
  esac
  : >"$out/json.t"; : >"$out/html.t"
  for ((r = 0; r < RUNS; r++)); do
    for f in json html; do
      /usr/bin/time -o "$out/t" -f '%e %U %S' "$HSNAP" --no-index "$cmd" "${args[@]}" --format "$f" \
        >"$out/$cmd.$f" 2>/dev/null || [ $? -eq 1 ]
      cat "$out/t" >>"$out/$f.t"
    done
  done
  jw=$(awk '{ print $1 }' "$out/json.t" | median); hw=$(awk '{ print $1 }' "$out/html.t" | median)
  jc=$(awk '{ print $2 + $3 }' "$out/json.t" | median); hc=$(awk '{ print $2 + $3 }' "$out/html.t" | median)
  awk -v c="$cmd" -v jw="$jw" -v hw="$hw" -v jc="$jc" -v hc="$hc" \
      -v js="$(stat -c %s "$out/$cmd.json")" -v hs="$(stat -c %s "$out/$cmd.html")" 'BEGIN {
    printf "| %s | %.2f | %.2f | %.3f | %.2f | %.2f | %.3f | %d | %d |\n", c, jw, hw, hw / jw, jc, hc, hc / jc, js, hs }'
done
