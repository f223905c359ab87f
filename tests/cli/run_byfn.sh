#!/usr/bin/env bash
# --by function (issue 15): the Function class split by function and location,
# on three snapshots of one real Node process per mode (tests/cli/listeners.js):
# "leak" adds a named handler onData and an anonymous arrow function to an
# EventEmitter per connection and never removes them (40 per step, after a
# pool of 5); "control" removes them as each connection closes (the pool of 5
# stays).  The program says what to expect: each handler's file:line:col (V8's
# own, from the inspector) and the handlers alive after each step.  Checked:
#   - leaks --by function names onData and (anonymous) with file:line:col and
#     the 40 of one step (text: the script relative; JSON: the whole key and
#     location {script, line, column});
#   - diff --by function: onData new 40, counts as the program made them;
#     growth --by function: its count at every step;
#   - retainers --by function --class selects onData by name, by the whole
#     key and by the key as text prints it: every handler alive;
#   - summary --by function: onData among the suspect classes, with its count;
#   - --fail-on 'onData:new>0' (diff), 'onData:count>0' and
#     '(anonymous):count>0' (leaks) fail the leaking series, pass the control;
#   - --by class is byte-identical to no --by (and, with HSNAP_REF set, to
#     that binary's output without --by) in every format.
#   run_byfn.sh HSNAP   (skipped, exit 77, without node)
set -u
HSNAP=${1:?usage: run_byfn.sh HSNAP}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
lib_init run_byfn.sh cli-byfn
need_node "the --by function test"
export HSNAP_NO_INDEX=1
cp "$HERE/listeners.js" "$TMP/listeners.js"
for m in leak control; do
	node "$TMP/listeners.js" "$TMP" $m || { echo "FAIL: listeners.js $m did not write its snapshots"; exit 1; }
done
L1=$TMP/leak-1.heapsnapshot L2=$TMP/leak-2.heapsnapshot L3=$TMP/leak-3.heapsnapshot
C1=$TMP/control-1.heapsnapshot C2=$TMP/control-2.heapsnapshot C3=$TMP/control-3.heapsnapshot
val() { node -e 'const j = require(process.argv[1]); console.log(eval("j." + process.argv[2]))' "$TMP/$1.json" "$2"; }
SCRIPT=$(val leak script)
DL=$(val leak onData.line) DC=$(val leak onData.column)
AL=$(val leak onClose.line) AC=$(val leak onClose.column)
NEW=$(val leak per_step_new)
KEY="onData ($SCRIPT:$DL:$DC)" AKEY="(anonymous) ($SCRIPT:$AL:$AC)"
[ "$NEW" = 40 ] && [ "$(val control per_step_new)" = 0 ] || fail "listeners.js: unexpected counts"

# leaks: the handlers of step 2, by function
run "leaks text" 0 "$TMP/l.txt" "$TMP/l.err" -- leaks "$L1" "$L2" "$L3" --by function
grep -qE "^  onData \(listeners\.js:$DL:$DC\) +$NEW " "$TMP/l.txt" || fail "leaks text: no 'onData (listeners.js:$DL:$DC) $NEW'"
grep -qE "^  \(anonymous\) \(listeners\.js:$AL:$AC\) +$NEW " "$TMP/l.txt" || fail "leaks text: no '(anonymous) (listeners.js:$AL:$AC) $NEW'"
grep -qE "^  Function " "$TMP/l.txt" && fail "leaks text: a Function row with --by function"
run "leaks json" 0 "$TMP/l.json" "$TMP/l.err" -- leaks "$L1" "$L2" "$L3" --by function --format json
js "leaks json" '
const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const [key, akey, script, line, col, n] = process.argv.slice(2);
const c = j.classes.find(c => c.name === key), a = j.classes.find(c => c.name === akey);
if (!c) console.log("no class " + key + " in " + j.classes.map(c => c.name).join(", "));
else {
  if (c.count !== +n) console.log("onData leaked " + c.count + ", expected " + n);
  const l = c.location || {};
  if (l.script !== script || l.line !== +line || l.column !== +col) console.log("location " + JSON.stringify(l));
}
if (!a || a.count !== +n) console.log("(anonymous): " + JSON.stringify(a));
' "$TMP/l.json" "$KEY" "$AKEY" "$SCRIPT" "$DL" "$DC" "$NEW"
run "leaks csv" 0 "$TMP/l.csv" "$TMP/l.err" -- leaks "$L1" "$L2" "$L3" --by function --format csv
grep -qF "\"$KEY\",$NEW," "$TMP/l.csv" || grep -qF "$KEY,$NEW," "$TMP/l.csv" || fail "leaks csv: no '$KEY,$NEW'"

# diff and growth: the counts the program made
run "diff json" 0 "$TMP/d.json" "$TMP/d.err" -- diff "$L1" "$L2" --by function --format json
js "diff json" '
const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const [key, script, line, col, n, a, b] = process.argv.slice(2);
const c = j.classes.find(c => c.name === key);
if (!c) console.log("no row " + key);
else {
  if (c.new !== +n || c.count_a !== +a || c.count_b !== +b) console.log("onData " + JSON.stringify(c));
  if (!c.location || c.location.script !== script || c.location.line !== +line || c.location.column !== +col)
    console.log("location " + JSON.stringify(c.location));
}
' "$TMP/d.json" "$KEY" "$SCRIPT" "$DL" "$DC" "$NEW" "$(val leak 'counts[0]')" "$(val leak 'counts[1]')"
run "diff text" 0 "$TMP/d.txt" "$TMP/d.err" -- diff "$L1" "$L2" --by function --sort new
grep -qE "^  onData \(listeners\.js:$DL:$DC\) +$(val leak 'counts[0]') +$(val leak 'counts[1]') +\+$NEW +$NEW " "$TMP/d.txt" ||
	fail "diff text: no 'onData (listeners.js:$DL:$DC) ... +$NEW $NEW'"
run "growth json" 0 "$TMP/g.json" "$TMP/g.err" -- growth "$L1" "$L2" "$L3" --by function --format json
js "growth json" '
const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const [key, counts] = process.argv.slice(2);
const c = j.classes.find(c => c.name === key);
if (!c) console.log("no row " + key);
else if (c.counts.join(",") !== counts) console.log("counts " + c.counts.join(",") + ", expected " + counts);
' "$TMP/g.json" "$KEY" "$(val leak 'counts.join(",")')"

# retainers --class: by name, whole key, key as text prints it
for sel in onData "$KEY" "onData (listeners.js:$DL:$DC)"; do
	run "retainers --class '$sel'" 0 "$TMP/r.json" "$TMP/r.err" -- retainers "$L3" --by function --class "$sel" --format json
	js "retainers --class '$sel'" '
const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
if (j.count !== +process.argv[2]) console.log("count " + j.count + ", expected " + process.argv[2]);
' "$TMP/r.json" "$(val leak 'counts[2]')"
done
run "retainers --class onData by class" 2 "$TMP/r.txt" "$TMP/r.err" -- retainers "$L3" --class onData

# summary: the suspect classes by function
run "summary suspects" 0 "$TMP/s.json" "$TMP/s.err" -- summary "$L3" --by function --suspects 0.01 --format json
js "summary suspects" '
const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const [key, n] = process.argv.slice(2);
const c = j.suspects.classes.find(c => c.name === key);
if (!c || c.count !== +n) console.log("suspect " + key + ": " + JSON.stringify(c));
' "$TMP/s.json" "$KEY" "$(val leak 'counts[2]')"

# the gate: leaking series fails, control passes
run "diff gate leak" 1 "$TMP/o" "$TMP/gd.err" -- diff "$L1" "$L2" --by function --fail-on 'onData:new>0'
grep -qF "onData" "$TMP/gd.err" || fail "diff gate leak: the violation does not name onData"
run "diff gate control" 0 "$TMP/o" "$TMP/e" -- diff "$C1" "$C2" --by function --fail-on 'onData:new>0'
run "diff gate control, whole key" 0 "$TMP/o" "$TMP/e" -- diff "$C1" "$C2" --by function --fail-on "$KEY:new>0"
run "leaks gate leak" 1 "$TMP/o" "$TMP/e" -- leaks "$L1" "$L2" "$L3" --by function --fail-on 'onData:count>0'
run "leaks gate leak, anonymous" 1 "$TMP/o" "$TMP/e" -- leaks "$L1" "$L2" "$L3" --by function --fail-on "(anonymous) (listeners.js:$AL:$AC):count>0"
run "leaks gate control" 0 "$TMP/o" "$TMP/e" -- leaks "$C1" "$C2" "$C3" --by function --fail-on 'onData:count>0' --fail-on '(anonymous):count>0'
run "growth gate leak" 1 "$TMP/o" "$TMP/e" -- growth "$L1" "$L2" "$L3" --by function --fail-on 'onData:count>0'
run "growth gate control" 0 "$TMP/o" "$TMP/e" -- growth "$C1" "$C2" "$C3" --by function --fail-on 'onData:count>0?'

# --by class: what the commands printed before, byte for byte
same() { # same NAME ARGS...: --by class == no --by (== $HSNAP_REF without --by)
	local name=$1; shift
	"$HSNAP" "$@" >"$TMP/def" 2>&1
	"$HSNAP" "$@" --by class >"$TMP/cls" 2>&1
	if cmp -s "$TMP/def" "$TMP/cls"; then pass; else fail "$name: --by class differs from the default"; fi
	if [ -n "${HSNAP_REF:-}" ]; then
		"$HSNAP_REF" "$@" >"$TMP/ref" 2>&1
		if cmp -s "$TMP/ref" "$TMP/cls"; then pass; else fail "$name: --by class differs from $HSNAP_REF"; fi
	fi
}
for f in text json csv markdown; do
	same "leaks $f" leaks "$L1" "$L2" "$L3" --format $f
	same "diff $f" diff "$L1" "$L2" --format $f
	same "growth $f" growth "$L1" "$L2" "$L3" --format $f
	same "summary $f" summary "$L3" --format $f
	same "retainers $f" retainers "$L3" --class Function --format $f
done
lib_finish
