#!/usr/bin/env bash
# cli_inputs.sh HSNAP FIXTURE_DIR
#
# Hostile and unusual inputs through the hsnap binary (issue 14, items 1, 2,
# 8, 9, 11, 12, 15, 19, 20).  Every error case must end with the documented
# exit code and exactly one stderr line "hsnap: <file>: ..."; every run is
# guarded by `timeout` (a hang or a crash fails the case; nothing is timed).
#   baseline   a JSON baseline nested 1,000,000 levels deep (was SIGSEGV:
#              yajl_tree_free recurses); class counts adding up past 2^63
#              (was a signed overflow in cmd_diff.c); a class listed twice;
#   dupkeys    duplicate keys in the snapshot header: the last one counts, as
#              in JSON.parse (hsnap used the first);
#   sizes      self sizes of 2^64 - 1 (summed, they wrapped: "total size 222
#              B", and verify said sound);
#   pipes      a named pipe as FILE for summary (with the index enabled) and
#              as A of diff (it was opened twice: hang); diff with '-' for A,
#              a snapshot and a baseline (the sniff consumed stdin);
#   numbers    a 1 MiB number in a skipped section, in the header and in an
#              unknown key, through a pipe, and a 64 MiB one in a .gz (were
#              accepted after seconds of quadratic re-lexing);
#   strings    a 48 MiB string through a pipe of one page (yajl re-lexed the
#              string on every 4 KiB read: far over the 60 s timeout);
#   maxinput   --max-input on gzip, plain, stdin and a baseline input;
#   utf8       one invalid byte in the header (was a 3-line error).
# Exit 0 when every case passes, 1 otherwise.
set -u
if [ $# -lt 2 ]; then
  echo "usage: $0 HSNAP FIXTURE_DIR" >&2
  exit 2
fi
HSNAP=$1 FIX=$2
case $HSNAP in /*) ;; *) HSNAP=$PWD/$HSNAP ;; esac
case $FIX in /*) ;; *) FIX=$PWD/$FIX ;; esac
T=${HSNAP_ROBUST_TIMEOUT:-30}
fails=0 checks=0
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
command -v python3 >/dev/null || { echo "SKIP: python3 needed to write the inputs"; exit 77; }

DIAMOND=$FIX/tiny/diamond.heapsnapshot
DETACHED=$FIX/tiny/detached.heapsnapshot
cp "$DIAMOND" diamond.heapsnapshot
cp "$DETACHED" detached.heapsnapshot

# hs ARGS...: runs hsnap, sets rc; stdout in out, stderr in err
hs() {
  timeout -k 2 "$T" "$HSNAP" "$@" >out 2>err
  rc=$?
}

# expect CODE LABEL WHAT [WORD]: exit CODE and one stderr line
# "hsnap: LABEL: ..." (containing WORD if given)
expect() {
  local code=$1 label=$2 what=$3 word=${4:-} lines
  checks=$((checks + 1))
  if [ "$rc" -ne "$code" ]; then
    fail "$what: exit $rc, expected $code: $(head -c 300 err | tr '\n' '|')"
    return
  fi
  lines=$(wc -l <err)
  if [ "$lines" -ne 1 ]; then
    fail "$what: $lines stderr lines (want 1): $(head -c 300 err | tr '\n' '|')"
    return
  fi
  if [ "$(head -c $((${#label} + 9)) err)" != "hsnap: $label: " ]; then
    fail "$what: stderr does not start with 'hsnap: $label: ': $(head -1 err)"
    return
  fi
  if [ -n "$word" ] && ! grep -qF -- "$word" err; then
    fail "$what: stderr lacks '$word': $(head -1 err)"
  fi
}

# expect_same WHAT REF: exit 0, empty stderr, stdout equal to file REF
expect_same() {
  local what=$1 ref=$2
  checks=$((checks + 1))
  if [ "$rc" -ne 0 ]; then
    fail "$what: exit $rc, expected 0: $(head -c 300 err | tr '\n' '|')"
  elif [ -s err ]; then
    fail "$what: stderr not empty: $(head -1 err)"
  elif ! cmp -s out "$ref"; then
    fail "$what: output differs from the reference"
  fi
}

# ---- baseline ----------------------------------------------------------------
hs summary --format json diamond.heapsnapshot
cp out base.json
hs diff --format csv base.json detached.heapsnapshot && cp out ref-base.csv
[ "$rc" -eq 0 ] || fail "baseline diff of the fixtures: exit $rc"

python3 - <<'EOF'
n = 1000000
with open('deep.json', 'w') as f:
    f.write('{"node_count":1,"total_size":1,"classes":[],"x":' + '[' * n + ']' * n + '}')
with open('deep-open.json', 'w') as f:
    f.write('{"classes":' + '[' * n)
big = 1 << 62
def base(rows):
    return '{"node_count":1,"total_size":1,"classes":[' + ','.join(
        '{"name":"%s","count":%d,"self_size":%d,"retained_size":1}' % r for r in rows) + ']}'
open('sum.json', 'w').write(base([('A', big, 1), ('B', big, 1)]))
open('twice.json', 'w').write(base([('A', big, 1), ('A', big, 1)]))
open('selfsum.json', 'w').write(base([('A', 1, (1 << 63) - 1), ('B', 1, 1)]))
EOF
hs diff deep.json detached.heapsnapshot
expect 3 deep.json "baseline nested 1,000,000 levels" "nested deeper than 64 levels"
hs diff deep-open.json detached.heapsnapshot
expect 3 deep-open.json "baseline opening 1,000,000 levels, never closed" "nested deeper"
hs diff --fail-on 'total:count>0' sum.json detached.heapsnapshot
expect 3 sum.json "baseline counts adding up to 2^63" "add up to more than 2^63 - 1"
hs diff twice.json detached.heapsnapshot
expect 3 twice.json "baseline with a class listed twice" '"A" is listed twice'
hs diff selfsum.json detached.heapsnapshot
expect 3 selfsum.json "baseline self sizes adding up to 2^63" "add up to more than 2^63 - 1"

# ---- dupkeys -------------------------------------------------------------------
hs summary --format csv diamond.heapsnapshot && cp out ref-sum.csv
python3 - <<'EOF'
t = open('diamond.heapsnapshot').read()
head = '{"snapshot":{"meta":{'
assert t.startswith(head)
# a first "meta" DevTools never sees (JSON.parse keeps the last)
open('dup-meta.heapsnapshot', 'w').write(t.replace(head, '{"snapshot":{"meta":{"node_fields":["type"]},"meta":{', 1))
# duplicates inside meta: bogus lists first
open('dup-in-meta.heapsnapshot', 'w').write(t.replace(head, head +
    '"node_fields":["x"],"node_types":[["bogus"]],"edge_fields":["y"],"edge_types":[["bogus"]],'
    '"location_fields":["z"],', 1))
# header counts twice: the last (true) ones count, so no warning
open('dup-count.heapsnapshot', 'w').write(t.replace('{"snapshot":{', '{"snapshot":{"node_count":99,"edge_count":98,', 1))
EOF
for f in dup-meta dup-in-meta dup-count; do
  hs summary --format csv $f.heapsnapshot
  expect_same "duplicate header keys ($f): the last one counts" ref-sum.csv
done

# ---- sizes -----------------------------------------------------------------------
python3 - <<'EOF'
t = open('diamond.heapsnapshot').read()
m = (1 << 64) - 1
a = t.replace(',3,2,5,100,2,0,0', ',3,2,5,%d,2,0,0' % m, 1).replace(',3,3,7,50,3,0,0', ',3,3,7,%d,3,0,0' % m, 1)
assert a != t
open('huge.heapsnapshot', 'w').write(a)
open('half.heapsnapshot', 'w').write(t.replace(',3,2,5,100,2,0,0', ',3,2,5,%d,2,0,0' % (1 << 63), 1))
# the largest sum that fits: 2^63 - 1 in all (the other self sizes add up to 224)
open('fits.heapsnapshot', 'w').write(t.replace(',3,2,5,100,2,0,0', ',3,2,5,%d,2,0,0' % ((1 << 63) - 1 - 224), 1))
EOF
for cmd in summary verify; do
  hs $cmd huge.heapsnapshot
  expect 3 huge.heapsnapshot "$cmd: two self sizes of 2^64 - 1" "add up to more than 2^63 - 1 bytes"
  hs $cmd half.heapsnapshot
  expect 3 half.heapsnapshot "$cmd: a self size of 2^63" "add up to more than 2^63 - 1 bytes"
done
hs summary --format json fits.heapsnapshot
checks=$((checks + 1))
if [ "$rc" -ne 0 ] || ! grep -q '"total_size": 9223372036854775807' out; then
  fail "self sizes adding up to exactly 2^63 - 1: exit $rc, $(grep total_size out | head -1)"
fi

# ---- pipes ---------------------------------------------------------------------
# reap: end the background writer if hsnap never opened the pipe (else it
# would wait for a reader forever), then wait for it
reap() {
  local w
  for w in $(jobs -p); do kill "$w" 2>/dev/null; done
  wait 2>/dev/null
}
# A is the older file (smaller ids), as diff expects: no order warning
hs diff --format csv detached.heapsnapshot diamond.heapsnapshot && cp out ref-diff.csv
mkfifo fifo
# summary of a FIFO with the index enabled (it was opened for the index key first)
( cat diamond.heapsnapshot >fifo ) 2>/dev/null &
HSNAP_NO_INDEX= hs summary --format csv fifo
expect_same "summary of a named pipe (index enabled)" ref-sum.csv
reap
# diff with a FIFO as A: a snapshot, and a baseline
( cat detached.heapsnapshot >fifo ) 2>/dev/null &
hs diff --format csv fifo diamond.heapsnapshot
expect_same "diff with a named pipe as A" ref-diff.csv
reap
( cat base.json >fifo ) 2>/dev/null &
hs diff --format csv fifo detached.heapsnapshot
expect_same "diff with a named pipe holding a baseline as A" ref-base.csv
reap
# diff - B
timeout -k 2 "$T" "$HSNAP" diff --format csv - diamond.heapsnapshot <detached.heapsnapshot >out 2>err
rc=$?
expect_same "diff - B (snapshot on stdin)" ref-diff.csv
timeout -k 2 "$T" "$HSNAP" diff --format csv - detached.heapsnapshot <base.json >out 2>err
rc=$?
expect_same "diff - B (baseline on stdin)" ref-base.csv
hs diff - -
checks=$((checks + 1))
[ "$rc" -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] || fail "diff - -: exit $rc (want 2), $(head -1 err)"

# ---- numbers --------------------------------------------------------------------
python3 - <<'EOF'
t = open('diamond.heapsnapshot').read()
big = '1' * (1 << 20)
assert '"samples":[]' in t
open('num-samples.heapsnapshot', 'w').write(t.replace('"samples":[]', '"samples":[' + big + ']', 1))
open('num-header.heapsnapshot', 'w').write(t.replace('"trace_function_count":0', '"trace_function_count":0,"x":' + big, 1))
open('num-extra.heapsnapshot', 'w').write(t.replace('{"snapshot":', '{"x":[0.' + big + '],"snapshot":', 1))
open('num-ok.heapsnapshot', 'w').write(t.replace('"samples":[]', '"samples":[1.2345678901234567e+300,' + '9' * 20 + ']', 1))
with open('num-gz.heapsnapshot', 'w') as f:
    i = t.index('"samples":[]') + len('"samples":[')
    f.write(t[:i])
    chunk = '7' * (1 << 20)
    for _ in range(64):
        f.write(chunk)
    f.write(t[i:])
EOF
gzip -9 num-gz.heapsnapshot
for f in num-samples num-header num-extra; do
  timeout -k 2 "$T" "$HSNAP" summary - <$f.heapsnapshot >out 2>err
  rc=$?
  expect 3 "<stdin>" "a 1 MiB number ($f) through a pipe" "is longer than 64 characters"
done
hs summary num-gz.heapsnapshot.gz
expect 3 num-gz.heapsnapshot.gz "a 64 MiB number in a .gz" "is longer than 64 characters"
hs summary --format csv num-ok.heapsnapshot
expect_same "a 24-character double and a 20-digit integer in samples" ref-sum.csv

# ---- strings ---------------------------------------------------------------------
python3 - <<'EOF'
t = open('diamond.heapsnapshot').read()
assert t.rstrip().endswith(']}')
i = t.rstrip().rindex(']')
open('longstr.heapsnapshot', 'w').write(t[:i] + ',"' + 'x' * (48 << 20) + '"' + t[i:])
EOF
# the writer shrinks the pipe to one page (F_SETPIPE_SZ), so every read
# returns at most 4 KiB: 12,288 reads.  Before the fix each was fed to yajl
# as it came (killed by this timeout after 60 s; 64 KiB reads took 16 s);
# whole 4 MiB chunks take ~2 s.
python3 -c '
import fcntl, os, sys
fcntl.fcntl(1, 1031, 4096)
with open("longstr.heapsnapshot", "rb") as f:
    for b in iter(lambda: f.read(4096), b""):
        os.write(1, b)
' 2>/dev/null | timeout -k 2 60 "$HSNAP" summary --format csv - >out 2>err
rc=${PIPESTATUS[1]}
expect_same "a 48 MiB string through a pipe of 4 KiB" ref-sum.csv

# ---- maxinput ---------------------------------------------------------------------
python3 - <<'EOF'
t = open('diamond.heapsnapshot').read()
open('padded.heapsnapshot', 'w').write(t + ' ' * 2000000)
EOF
gzip -9 -c padded.heapsnapshot >padded.heapsnapshot.gz
hs --max-input 1MB summary padded.heapsnapshot.gz
expect 4 padded.heapsnapshot.gz "--max-input 1MB, gzip expanding to 2 MB" "after decompression (the --max-input limit)"
hs summary --max-input=1MiB padded.heapsnapshot
expect 4 padded.heapsnapshot "--max-input=1MiB, a 2 MB plain file" "the --max-input limit"
timeout -k 2 "$T" "$HSNAP" summary - --max-input 1000000 <padded.heapsnapshot >out 2>err
rc=$?
expect 4 "<stdin>" "--max-input, 2 MB on stdin" "the --max-input limit"
hs diff --max-input 2KB base.json detached.heapsnapshot
expect 4 base.json "--max-input 2KB, a larger baseline" "the --max-input limit"
hs --max-input 3MB summary --format csv padded.heapsnapshot.gz
expect_same "--max-input 3MB, gzip expanding to 2 MB" ref-sum.csv
for v in 0 -1 1.5MB 10XB ''; do
  hs --max-input "$v" summary diamond.heapsnapshot
  checks=$((checks + 1))
  [ "$rc" -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] || fail "--max-input '$v': exit $rc, $(head -1 err)"
done

# ---- utf8 --------------------------------------------------------------------------
python3 - <<'EOF'
t = open('diamond.heapsnapshot', 'rb').read()
open('badutf8.heapsnapshot', 'wb').write(t.replace(b'"function_id"', b'"function\xff_id"', 1))
EOF
hs summary badutf8.heapsnapshot
expect 3 badutf8.heapsnapshot "one invalid UTF-8 byte in the header" "invalid bytes in UTF8 string"

echo "cli_inputs: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
