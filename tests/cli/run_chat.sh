#!/usr/bin/env bash
# The issue-15 trial on a chat service written for it (tests/cli/chat.js):
# three snapshots of one real Node process in which connections pile up in a
# Map, a 'message' listener and a heartbeat timer are added per connection and
# never removed, the message history never shrinks, and an LRU cache bounded at
# 50 entries is the control.  The program says what to expect (30 connections
# and 100 messages per step):
#   - summary names the leaking closures with file:line:col: onMessage and
#     heartbeat, 90 closures each in the third snapshot, at the line and column
#     of their definitions in chat.js (found in the source by the test);
#   - growth finds the containers by id: history (Array, 100/200/300 messages),
#     conns (Map, 60/120/180 = a key string and a connection per entry), the
#     listeners array of the 'message' event (30/60/90), each with its variable
#     at the end of the holder path; not the bounded lru;
#   - show on a connection lists both holders: the Map's table and the context
#     of the closures that capture it, labelled with the function;
#   - leaks prints the holder of each leak (->conns Map, the .message listener
#     array, ->history) within a few lines of its class: the steps all paths
#     share are one line in the first path too, a later path's steps shared
#     with the first one line (all of them with --full-paths);
#   - text and markdown name chat.js relative to its directory and say so once
#     at the end; JSON and CSV keep the whole path (JSON: location.script).
#   run_chat.sh HSNAP   (skipped, exit 77, without node)
set -u
HSNAP=${1:?usage: run_chat.sh HSNAP}
HERE=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1; then echo "run_chat.sh: node not found; skipping" >&2; exit 77; fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hsnap-cli-chat.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export HSNAP_NO_INDEX=1
cp "$HERE/chat.js" "$TMP/chat.js"
node "$TMP/chat.js" "$TMP" || { echo "FAIL: chat.js did not write its snapshots"; exit 1; }
S1=$TMP/chat-1.heapsnapshot S2=$TMP/chat-2.heapsnapshot S3=$TMP/chat-3.heapsnapshot
"$HSNAP" summary "$S3" --format json >"$TMP/s.json" || { echo "FAIL: summary"; exit 1; }
"$HSNAP" growth "$S1" "$S2" "$S3" --format json >"$TMP/g.json" || { echo "FAIL: growth"; exit 1; }
id=$("$HSNAP" export "$S3" --format csv | awk -F, '$4 == "ChatConnection" { print $1; exit }')
"$HSNAP" show "$S3" "@$id" --format json >"$TMP/show.json" || { echo "FAIL: show @$id"; exit 1; }
"$HSNAP" retainers "$S3" --id "@$id" --format json >"$TMP/ret.json" || { echo "FAIL: retainers @$id"; exit 1; }
"$HSNAP" top "$S3" --format json >"$TMP/top.json" || { echo "FAIL: top"; exit 1; }
# leaks: the holders within a few printed lines of each class (the steps all
# paths share, through the timers, are one line, in the first path too: its
# ->history was 11 lines down before); every path whole with --full-paths
fails=0
"$HSNAP" leaks "$S1" "$S2" "$S3" >"$TMP/leaks.txt" || { echo "FAIL: leaks"; exit 1; }
"$HSNAP" leaks "$S1" "$S2" "$S3" --full-paths >"$TMP/leaks-full.txt" || { echo "FAIL: leaks --full-paths"; exit 1; }
# lines from the heading of the path (#N) to the holder, in the class's section
within() { awk -v h="$2" -v m="$3" 'index($0, h) == 1 { s = 1 } s && /^  #[0-9]/ { g = NR }
	s && index($0, m) { print NR - g; exit }' "$1"; }
for want in "  ChatConnection: |->conns  Map|3" "  Function: |.message  Array|5" "  {from, text}: |->history  Array|5"; do
	IFS='|' read -r head holder most <<<"$want"
	got=$(within "$TMP/leaks.txt" "$head" "$holder")
	[ -n "$got" ] && [ "$got" -le "$most" ] || { echo "FAIL: leaks: '$holder' $got lines below '$head' (at most $most)"; fails=$((fails + 1)); }
done
grep -q "steps as in the first path" "$TMP/leaks.txt" && grep -q "steps every path shares, from global" "$TMP/leaks.txt" ||
	{ echo "FAIL: leaks: no shared steps lines"; fails=$((fails + 1)); }
grep -q "steps as in the first path\|every path shares" "$TMP/leaks-full.txt" && { echo "FAIL: leaks --full-paths: shared steps line"; fails=$((fails + 1)); }
got=$(within "$TMP/leaks-full.txt" "  ChatConnection: " "->conns  Map")
[ "$(grep -c '^       global$' "$TMP/leaks-full.txt")" -gt 3 ] && [ "$got" -gt 3 ] ||
	{ echo "FAIL: leaks --full-paths: paths not whole"; fails=$((fails + 1)); }
[ "$fails" = 0 ] || { cat "$TMP/leaks.txt"; exit 1; }
# locations: text and markdown name the script relative to the directory of
# the program's scripts (said once, at the end); JSON and CSV keep it whole
"$HSNAP" summary "$S3" >"$TMP/s.txt" || { echo "FAIL: summary text"; exit 1; }
"$HSNAP" summary "$S3" --format markdown >"$TMP/s.md" || { echo "FAIL: summary markdown"; exit 1; }
"$HSNAP" retainers "$S3" --id "@$id" --format csv >"$TMP/ret.csv" || { echo "FAIL: retainers csv"; exit 1; }
ln=$(grep -n 'function onMessage(' "$TMP/chat.js" | cut -d: -f1)
grep -qE "^  onMessage \(chat\.js:$ln:[0-9]+\) +90 " "$TMP/s.txt" || { echo "FAIL: text: no 'onMessage (chat.js:$ln:…) 90'"; fails=$((fails + 1)); }
[ "$(grep -c 'relative to' "$TMP/s.txt")" = 1 ] && [ "$(tail -1 "$TMP/s.txt")" = "Script paths are relative to $TMP/" ] ||
	{ echo "FAIL: text: the note is not once at the end: $(grep 'relative to' "$TMP/s.txt")"; fails=$((fails + 1)); }
grep -q "$TMP/chat.js" "$TMP/s.txt" && { echo "FAIL: text: a whole script path"; fails=$((fails + 1)); }
grep -q "onMessage (chat.js:$ln:" "$TMP/s.md" && [ "$(tail -1 "$TMP/s.md")" = "Script paths are relative to \`$TMP/\`." ] ||
	{ echo "FAIL: markdown: relative names and the note"; fails=$((fails + 1)); }
grep -q "(${TMP}/chat.js:[0-9]*:[0-9]*)" "$TMP/ret.csv" && ! grep -q 'relative to' "$TMP/ret.csv" ||
	{ echo "FAIL: csv: whole script paths, no note"; fails=$((fails + 1)); }
grep -q 'relative to' "$TMP/s.json" && { echo "FAIL: json: a note"; fails=$((fails + 1)); }
[ "$fails" = 0 ] || exit 1
# retainers --id: path 2 (through the Map, the second holder) prints the steps
# it shares with path 1 as one line and reaches the Map within a few lines
"$HSNAP" retainers "$S3" --id "@$id" >"$TMP/ret.txt" || { echo "FAIL: retainers text"; exit 1; }
got=$(awk '/^Path 2 / { s = NR } s && /->conns Map @/ { print NR - s; exit }' "$TMP/ret.txt")
{ [ -n "$got" ] && [ "$got" -le 8 ] && grep -q '^  … [0-9]* steps as in path 1 …$' "$TMP/ret.txt"; } ||
	{ echo "FAIL: retainers --id: path 2 reaches ->conns Map $got lines down"; cat "$TMP/ret.txt"; exit 1; }
node -e '
const fs = require("fs");
const [dir] = process.argv.slice(1);
const src = fs.readFileSync(dir + "/chat.js", "utf8").split("\n");
// where V8 puts a function: the line of "function NAME(", the column of its "("
const where = (name) => { const i = src.findIndex((l) => l.includes("function " + name + "("));
  return { line: i + 1, column: src[i].indexOf("function " + name + "(") + ("function " + name).length + 1 }; };
const s = JSON.parse(fs.readFileSync(dir + "/s.json")), g = JSON.parse(fs.readFileSync(dir + "/g.json")),
      sh = JSON.parse(fs.readFileSync(dir + "/show.json"));
let checks = 0, bad = 0;
const check = (name, ok, info) => { checks++; if (!ok) { bad++; console.log("FAIL:", name, JSON.stringify(info)); } };
for (const fn of ["onMessage", "heartbeat"]) {
  const f = s.closures_by_function.find((x) => x.name === fn), w = where(fn);
  check(fn + " closures", f && f.count === 90 && f.location && /chat\.js$/.test(f.location.script) &&
    f.location.line === w.line && f.location.column === w.column, { got: f, want: w });
}
check("onMessage among the first two closure groups", s.closures_by_function.slice(0, 2).some((x) => x.name === "onMessage"), s.closures_by_function.slice(0, 3));
const c = (re) => (g.containers || []).find((x) => re.test(x.held_by));
const want = [[/->history$/, "Array", [100, 200, 300]], [/->conns$/, "Map", [60, 120, 180]], [/\.message$/, "Array", [30, 60, 90]]];
for (const [re, kind, held] of want) {
  const x = c(re);
  check("container " + re, x && x.kind === kind && JSON.stringify(x.held) === JSON.stringify(held), x);
}
check("bounded lru not listed", !c(/->lru$/), c(/->lru$/));
const holders = sh.retainers.map((r) => r.edge + " " + r.class);
check("show: held by the Map table", sh.retainers.some((r) => r.type === "array" && /^\{\d+\}$/.test(r.edge)), holders);
check("show: held by a closure context as ->conn", sh.retainers.some((r) => r.edge === "->conn" && r.class === "system / Context"), holders);
// JSON carries locations as {script, line, column}: a ChatConnection is placed at its
// constructor (the line after "class ChatConnection", the column of its "(")
const ci = src.findIndex((l) => l.includes("class ChatConnection")) + 1;
const ctor = { line: ci + 1, column: src[ci].indexOf("constructor(") + "constructor".length + 1 };
const ret = JSON.parse(fs.readFileSync(dir + "/ret.json"));
const loc = ret.object.location;
check("retainers JSON location", loc && /chat\.js$/.test(loc.script) && loc.line === ctor.line && loc.column === ctor.column, { loc, ctor });
const last = ret.paths[0].steps[ret.paths[0].steps.length - 1];
check("retainers JSON: each step has a location key", "location" in last && JSON.stringify(last.location) === JSON.stringify(loc), last);
const top = JSON.parse(fs.readFileSync(dir + "/top.json"));
check("top JSON: location keys", top.top.every((t) => "location" in t), top.top.slice(0, 2).map((t) => Object.keys(t)));
console.log("run_chat.sh:", checks, "checks,", bad, "failed");
process.exit(bad ? 1 : 0);' "$TMP"
