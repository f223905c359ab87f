#!/bin/bash
# Runs fuzz_load (or fuzz_index, fuzz_index_roundtrip, fuzz_baseline, fuzz_rules) for SECONDS (default 600) in libFuzzer's fork
# mode with WORKERS parallel children (default 2), continuing past
# crashes/timeouts/OOMs (each saved under ARTIFACTS), then prints the total
# number of executions.
#   tests/fuzz/run.sh SECONDS [load|index|roundtrip|baseline|rules]
# Environment: FUZZ_BIN (default tests/fuzz/build/fuzz_TARGET, built on demand),
# CORPUS (default tests/fuzz/corpus[-index], seeded by make_corpus.sh on first use),
# ARTIFACTS (default tests/fuzz/artifacts/), WORKERS, LOG (default run.log),
# TIMEOUT (seconds per input before libFuzzer calls it a timeout, default 1; raise
# it on a loaded machine, where a niced worker can wait seconds for a core).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-600}
target=${2:-load}
case $target in
  load) bin=${FUZZ_BIN:-$here/build/fuzz_load}; corpus=${CORPUS:-$here/corpus} ;;
  index) bin=${FUZZ_BIN:-$here/build/fuzz_index}; corpus=${CORPUS:-$here/corpus-index} ;;
  roundtrip) bin=${FUZZ_BIN:-$here/build/fuzz_index_roundtrip}; corpus=${CORPUS:-$here/corpus} ;;
  baseline|rules) bin=${FUZZ_BIN:-$here/build/fuzz_$target}; corpus=${CORPUS:-$here/corpus-$target} ;;
  *) echo "run.sh: target must be load, index, roundtrip, baseline or rules" >&2; exit 2 ;;
esac
art=${ARTIFACTS:-$here/artifacts/}
workers=${WORKERS:-2}
tmo=${TIMEOUT:-1}
log=${LOG:-$here/run.log}
[ -x "$bin" ] || bash "$here/build.sh" "$(dirname "$bin")"
if [ "$target" = index ]; then
  [ -d "$corpus" ] && [ -n "$(ls -A "$corpus")" ] || bash "$here/make_corpus.sh" --index "$corpus"
  dict=()
elif [ "$target" = baseline ] || [ "$target" = rules ]; then
  [ -d "$corpus" ] && [ -n "$(ls -A "$corpus")" ] || bash "$here/make_corpus.sh" --$target "$corpus"
  dict=()
else
  [ -d "$corpus" ] && [ -n "$(ls -A "$corpus")" ] || bash "$here/make_corpus.sh" "$corpus"
  dict=(-dict="$here/dict")
fi
mkdir -p "$art"
start=$(date +%s)
set +e
"$bin" "$corpus" "${dict[@]}" -max_len=65536 -timeout="$tmo" -rss_limit_mb=2048 \
	-fork="$workers" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
	-max_total_time="$secs" -artifact_prefix="$art" -print_final_stats=1 >"$log" 2>&1
rc=$?
set -e
end=$(date +%s)
# Fork mode prints "#<total execs>: cov: ... corp: N ... oom/timeout/crash: a/b/c time: Ts".
last=$(grep -E '^#[0-9]+: cov' "$log" | tail -1 || true)
execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
echo "fuzz_$target: exit $rc, $((end - start)) s, workers $workers"
echo "last status: $last"
echo "total executions: ${execs:-unknown}"
echo "corpus: $(ls "$corpus" | wc -l) files; artifacts: $(ls "$art" | wc -l) in $art"
