#!/usr/bin/env bash
# run_golden.sh HSNAP FIXTURE_DIR GOLDEN_DIR [--update]
#
# CLI golden tests: runs `hsnap summary|top|info|export` in every format on the
# tiny hand-written snapshots of FIXTURE_DIR (fixtures/tiny) and diffs stdout
# with GOLDEN_DIR/<fixture>.<command>.<format> (the expected numbers are
# worked out by hand in fixtures/tiny/README.md).  Then checks exit codes and
# stderr of bad invocations and bad inputs, stdin ('-') and gzip input.
# --update rewrites the golden files (check every number by hand afterwards).
# Exit 0 when everything matches, 1 otherwise.
set -u
if [ $# -lt 3 ]; then
  echo "usage: $0 HSNAP FIXTURE_DIR GOLDEN_DIR [--update]" >&2
  exit 2
fi
HSNAP=$1 FIX=$2 GOLD=$3 UPDATE=${4:-}
case $HSNAP in /*) ;; *) HSNAP=$PWD/$HSNAP ;; esac
fails=0 checks=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

fixtures=(diamond detached julia)
commands=(summary top info export)
formats=(text json csv markdown)

# 1. golden outputs (run from the fixture directory: file names are relative)
for f in "${fixtures[@]}"; do
  for c in "${commands[@]}"; do
    for fmt in "${formats[@]}"; do
      checks=$((checks + 1))
      exp="$GOLD/$f.$c.$fmt"
      (cd "$FIX" && "$HSNAP" "$c" --format "$fmt" "$f.heapsnapshot") >"$TMP/out" 2>"$TMP/err"
      rc=$?
      if [ $rc -ne 0 ]; then
        fail "$f $c --format $fmt: exit $rc: $(head -1 "$TMP/err")"
        continue
      fi
      if [ "$UPDATE" = --update ]; then
        cp "$TMP/out" "$exp"
        continue
      fi
      if ! diff -u "$exp" "$TMP/out" >"$TMP/diff"; then
        fail "$f $c --format $fmt differs from $exp:"
        head -40 "$TMP/diff"
      fi
    done
  done
done

# 2. exit codes: usage errors -> 2, input errors -> 3 with one stderr line "hsnap: ..."
expect_rc() { # expected_rc one_line(0/1) description -- args...
  local want=$1 one=$2 what=$3
  shift 4
  checks=$((checks + 1))
  "$HSNAP" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  local rc=$?
  if [ $rc -ne "$want" ]; then
    fail "$what: exit $rc, expected $want ($(head -1 "$TMP/err"))"
    return
  fi
  if [ "$one" = 1 ]; then
    if [ "$(wc -l <"$TMP/err")" -ne 1 ] || ! head -1 "$TMP/err" | grep -q '^hsnap: '; then
      fail "$what: stderr is not one line starting 'hsnap: ':"
      cat "$TMP/err"
    fi
  fi
  if [ "$want" -ne 0 ] && [ -s "$TMP/out" ]; then
    fail "$what: printed to stdout on failure"
  fi
}
D="$FIX/diamond.heapsnapshot"
: >"$TMP/empty"
printf 'hello, world\n' >"$TMP/notjson"
printf '[1,2,3]\n' >"$TMP/array.json"
head -c 700 "$D" >"$TMP/truncated.heapsnapshot"
gzip -c "$D" >"$TMP/d.gz"
head -c $(( $(wc -c <"$TMP/d.gz") / 2 )) "$TMP/d.gz" >"$TMP/truncated.gz"
mkdir "$TMP/dir"
expect_rc 2 0 "no arguments" --
expect_rc 2 0 "unknown command" -- frobnicate "$D"
expect_rc 2 0 "bad --format" -- summary --format xml "$D"
expect_rc 2 0 "bad --format (export)" -- export --format yaml "$D"
expect_rc 2 0 "bad --top" -- top --top -3 "$D"
expect_rc 2 0 "unknown option" -- summary --no-such-option "$D"
expect_rc 2 0 "missing FILE" -- summary
expect_rc 3 1 "missing file" -- summary "$TMP/does-not-exist.heapsnapshot"
expect_rc 3 1 "a directory" -- summary "$TMP/dir"
expect_rc 3 1 "empty file" -- summary "$TMP/empty"
expect_rc 3 1 "non-JSON" -- summary "$TMP/notjson"
expect_rc 3 1 "JSON array" -- info "$TMP/array.json"
expect_rc 3 1 "truncated JSON" -- export "$TMP/truncated.heapsnapshot"
expect_rc 3 1 "truncated gzip" -- summary "$TMP/truncated.gz"
expect_rc 0 0 "help" -- --help
expect_rc 0 0 "command help" -- summary --help
grep -q "$TMP/does-not-exist.heapsnapshot" "$TMP/err" 2>/dev/null || true
"$HSNAP" summary "$TMP/does-not-exist.heapsnapshot" 2>&1 >/dev/null | grep -q "does-not-exist.heapsnapshot" \
  || fail "missing file: the message does not name the file"
checks=$((checks + 1))

# 3. stdin: '-' gives the same numbers as the file (only the file name differs)
for fmt in text json csv; do
  checks=$((checks + 1))
  (cd "$FIX" && "$HSNAP" summary --format "$fmt" - <diamond.heapsnapshot) >"$TMP/stdin.out" 2>"$TMP/err" \
    || { fail "summary - ($fmt): exit $?: $(head -1 "$TMP/err")"; continue; }
  sed 's/diamond\.heapsnapshot/-/' "$GOLD/diamond.summary.$fmt" >"$TMP/stdin.exp"
  diff -u "$TMP/stdin.exp" "$TMP/stdin.out" >"$TMP/diff" || { fail "summary - ($fmt) differs:"; head -20 "$TMP/diff"; }
done

# 4. gzip: a gzipped copy under the same name gives the same output
mkdir "$TMP/gz"
for f in "${fixtures[@]}"; do
  gzip -c "$FIX/$f.heapsnapshot" >"$TMP/gz/$f.heapsnapshot"
  for c in summary top export; do
    for fmt in "${formats[@]}"; do
      checks=$((checks + 1))
      (cd "$TMP/gz" && "$HSNAP" "$c" --format "$fmt" "$f.heapsnapshot") >"$TMP/out" 2>"$TMP/err" \
        || { fail "gzip $f $c $fmt: exit $?: $(head -1 "$TMP/err")"; continue; }
      diff -u "$GOLD/$f.$c.$fmt" "$TMP/out" >"$TMP/diff" || { fail "gzip $f $c --format $fmt differs:"; head -20 "$TMP/diff"; }
    done
  done
done
# gzip through stdin too
checks=$((checks + 1))
"$HSNAP" export --format csv - <"$TMP/gz/diamond.heapsnapshot" >"$TMP/out" 2>"$TMP/err" \
  && diff -q "$GOLD/diamond.export.csv" "$TMP/out" >/dev/null \
  || fail "gzip via stdin: export --format csv differs or failed ($(head -1 "$TMP/err"))"

if [ "$UPDATE" = --update ]; then
  echo "golden files written to $GOLD"
  exit 0
fi
echo "$checks checks, $fails failed"
[ $fails -eq 0 ]
