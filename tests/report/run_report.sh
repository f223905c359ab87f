#!/usr/bin/env bash
# hsnap --format html in a real browser: writes the summary, diff, leaks,
# growth, contexts and realms pages of the leaking fixture series (and a hostile snapshot whose
# strings try to break out of the page) and checks them in headless Chromium
# (check_report.mjs): the tables list the numbers the fixture generator states
# (fixtures/leak-series.expected.json: LeakyConnection 500 -> 1,000 -> 1,500,
# 500 new per step), the treemap drills down and back up, sorting and
# filtering work, the gate verdict shows, no element is injected and no
# request leaves the page (the filter also finds the generator's own bookkeeping
# object, whose keys are the class names).  Skipped (exit 77) without chromium or node.
#   run_report.sh HSNAP FIXTURES [SHOTDIR]   (SHOTDIR: also write screenshots)
set -u
HSNAP=${1:?usage: run_report.sh HSNAP FIXTURES [SHOTDIR]}
FIX=${2:?usage: run_report.sh HSNAP FIXTURES [SHOTDIR]}
SHOTS=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROME" ]; then echo "skipped: chromium not found"; exit 77; fi
if ! command -v node >/dev/null 2>&1; then echo "skipped: node not found"; exit 77; fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hsnap-report.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export HSNAP_NO_INDEX=1
L1=$FIX/leak-1.heapsnapshot.gz L2=$FIX/leak-2.heapsnapshot.gz L3=$FIX/leak-3.heapsnapshot.gz
fail=0
run() { # run EXPECTED-RC OUT -- ARGS
	local want=$1 out=$2; shift 3
	"$HSNAP" "$@" >"$out" 2>"$TMP/err"
	local rc=$?
	if [ "$rc" != "$want" ]; then echo "FAIL: hsnap $* exited $rc: $(head -3 "$TMP/err")"; fail=1; fi
}
run 0 "$TMP/summary.html" -- summary "$L3" --format html
run 0 "$TMP/summary.json" -- summary "$L3" --format json
run 1 /dev/null -- diff "$L1" "$L3" --fail-on 'LeakyConnection:new>0' --fail-on 'total:retained>50%' --format html -o "$TMP/diff.html"
run 0 "$TMP/leaks.html" -- leaks "$L1" "$L2" "$L3" --format html
run 0 "$TMP/growth.html" -- growth "$L1" "$L2" "$L3" --format html
C1=$FIX/2026/chrome-closures.heapsnapshot.gz C2=$FIX/2026/chrome-closures-2.heapsnapshot.gz
run 0 "$TMP/summary-chrome.html" -- summary "$FIX/chrome-detached.heapsnapshot.gz" --format html
run 0 /dev/null -- contexts "$C1" --format html -o "$TMP/contexts.html"
run 0 "$TMP/contexts-none.html" -- contexts "$FIX/2026/node-vm.heapsnapshot.gz" --format html
run 0 "$TMP/realms.html" -- realms "$C1" --format html
run 0 "$TMP/realms2.html" -- realms "$C1" "$C2" --format html
run 1 /dev/null -- diff "$C1" "$C2" --realms --fail-on 'realm:Window*:self>100KB' --format html -o "$TMP/diff-realms.html"
run 0 "$TMP/growth-realms.html" -- growth "$C1" "$C2" "$C2" --realms --format html
# -o: the file is created owner-only, and a failed run leaves no file behind
if [ "$(stat -c %a "$TMP/diff.html" 2>/dev/null)" != 600 ]; then echo "FAIL: -o file mode $(stat -c %a "$TMP/diff.html")"; fail=1; fi
"$HSNAP" summary "$TMP/missing.heapsnapshot" --format html -o "$TMP/none.html" 2>/dev/null
if [ -e "$TMP/none.html" ] || ls "$TMP"/none.html.tmp* >/dev/null 2>&1; then echo "FAIL: a failed run left an -o file"; fail=1; fi
# --format html only where there is a page
if "$HSNAP" top "$L3" --format html >/dev/null 2>&1; then echo "FAIL: top accepted --format html"; fail=1; fi

# a hostile snapshot: a class name and a string that try to end the script
# element and inject an element with an event handler
EVIL='</script><img src=x onerror=alert(1)><script>alert(2)</script>'
cat >"$TMP/evil.heapsnapshot" <<SNAP
{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},
"node_count":5,"edge_count":4},
"nodes":[9,0,1,0,1, 3,1,3,100,2, 3,2,5,500000,1, 2,2,7,64,0, 2,2,9,64,0],
"edges":[1,1,5, 2,3,10, 2,4,15, 2,4,20],
"strings":["","Window","$EVIL","a","b"]}
SNAP
run 0 "$TMP/evil.html" -- summary "$TMP/evil.heapsnapshot" --format html

# a program of two scripts in one folder (tests/cli/names: main.js and
# lib/store.js, 200 closures of lib/store.js's handler, 7 Widget of main.js;
# also with --group site, whose rows name their allocation site): the page names them
# relative to the folder, the whole name in the element's title, and says so
# once in the header; the data keeps whole names (the --format json output
# plus the page's treemap)
APP=$TMP/app/
cp -r "$HERE/../cli/names" "$TMP/app"
node "$TMP/app/main.js" "$TMP/names.heapsnapshot" || { echo "FAIL: tests/cli/names/main.js"; fail=1; }
HANDLER=$(awk 'index($0, "function handler(") { print NR ":" index($0, "function handler(") + length("function handler"); exit }' "$TMP/app/lib/store.js")
WIDGET=$(awk 'f && /constructor\(/ { print NR ":" index($0, "constructor(") + 11; exit } index($0, "class Widget ") { f = 1 }' "$TMP/app/main.js")
run 0 "$TMP/names.html" -- summary "$TMP/names.heapsnapshot" --format html
run 0 "$TMP/sites.html" -- summary "$TMP/names.heapsnapshot" --format html --group site --top 1000
run 0 "$TMP/names.json" -- summary "$TMP/names.heapsnapshot" --format json
if ! node -e '
const fs = require("fs"), [html, json] = process.argv.slice(1);
const page = fs.readFileSync(html, "utf8"), m = /<script type="application\/json" id="hsnap-data">([^<]*)<\/script>/.exec(page);
const d = m && JSON.parse(m[1]);
if (d) delete d.treemap; /* the page'"'"'s own */
process.exit(d && JSON.stringify(d) === JSON.stringify(JSON.parse(fs.readFileSync(json, "utf8"))) ? 0 : 1);' "$TMP/names.html" "$TMP/names.json"; then
	echo "FAIL: the page's data is not the JSON output"; fail=1
fi

# expectations: from the fixture generator's own record, and for the sorted
# column from the JSON output the page embeds (it shows the same numbers)
first3=$(node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
console.log(JSON.stringify(d.classes.map((c) => c.count).sort((a, b) => b - a).slice(0, 3).map((n) => n.toLocaleString("en-US"))));' "$TMP/summary.json")
drill=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).top[0].id)' "$TMP/summary.json")
node -e '
const [exp, tmp, first3, drill, evil, app, handler, widget] = process.argv.slice(1);
const x = JSON.parse(require("fs").readFileSync(exp));
const f = (n) => n.toLocaleString("en-US"), lc = x.LeakyConnection, ce = x.CacheEntry;
const checks = [
  { name: "summary", page: tmp + "/summary.html", shot: "report-summary.png", expect: {
    title: "Heap snapshot summary", sections: ["stats", "treemap", "suspects", "classes", "top", "closures", "strings"],
    rows: { classes: [["LeakyConnection", f(lc.counts[2])], ["CacheEntry", f(ce.counts[2])]] },
    cards: [["^One global retains", "bad"]],
    treemap: { minRects: 10, drill: Number(drill) }, sortBy: ["classes", "Count"], sortFirst: JSON.parse(first3),
    filter: ["classes", "Leaky", ["LeakyConnection", "{LeakyConnection, ListenerContext, CacheEntry, ChurnItem, listeners}"]] } },
  { name: "summary (phone width)", page: tmp + "/summary.html", width: 390, height: 844, expect: { treemap: { minRects: 3, drill: Number(drill) } } },
  { name: "diff", page: tmp + "/diff.html", shot: "report-diff.png", expect: {
    title: "Heap snapshot comparison", sections: ["gate", "bars", "classes"],
    cards: [["^FAIL LeakyConnection:new>0", "bad"], ["^PASS total:retained>50%", "good"]],
    rows: { classes: [["LeakyConnection", f(lc.counts[0]), f(lc.counts[2]), "+" + f(lc.counts[2] - lc.counts[0]),
      f(lc.new_per_step[0] + lc.new_per_step[1]), "0"]] } } },
  { name: "leaks", page: tmp + "/leaks.html", shot: "report-leaks.png", expect: {
    sections: ["leaks"], cards: [["^LeakyConnection: " + f(lc.new_per_step[0]) + " leaked"], ["^CacheEntry: " + f(ce.new_per_step[0]) + " leaked"]],
    text: [".leakedConnections"] } },
  { name: "growth", page: tmp + "/growth.html", shot: "report-growth.png", expect: {
    sections: ["classes", "containers"], rows: { classes: [["LeakyConnection", lc.counts.map(f).join(" → ")]],
      containers: [[null, "Array", lc.counts.map(f).join(" → ")]] } } },
  // a Chromium page (fixtures/gen/chrome-detached.mjs): 20 div and 5 span removed from the
  // document and kept by window.leakedNodes
  { name: "summary (Chromium page)", page: tmp + "/summary-chrome.html", expect: {
    title: "Heap snapshot summary", sections: ["stats", "treemap", "classes", "detached"],
    cards: [["^Detached <div>: 20,"], ["^Detached <span>: 5,"]] } },
  // fixtures/gen/chrome-closures.mjs: replaceThing() ran 5 times; the context of each call keeps
  // payload (a BigPayload) and originalThing (a Thing, null in the first call) that only
  // the dead closure unused reads
  { name: "contexts", page: tmp + "/contexts.html", shot: "report-contexts.png", expect: {
    title: "Dead closure variables", sections: ["scopes"], cards: [["dead variables retain .* in 5 contexts", "bad"]],
    text: ["payload → BigPayload @", "originalThing → Thing @"] } },
  { name: "contexts (no scope tables)", page: tmp + "/contexts-none.html", expect: { text: ["No closure-scope tables in this snapshot"] } },
  // the page and its iframe are two Window realms
  { name: "realms", page: tmp + "/realms.html", expect: {
    title: "Realms (native contexts)", sections: ["realms"], rows: { realms: [["(shared)"], ["(unattributed)"]] },
    text: ["Window / ://"] } },
  // the second snapshot was taken after the iframe realm gained 2000 FrameItem: it grew most
  { name: "realms over 2 snapshots", page: tmp + "/realms2.html", shot: "report-realms.png", expect: {
    title: "Realms over 2 snapshots", sections: ["realms"], firstRow: { realms: ["Window / ://"] } } },
  { name: "diff --realms", page: tmp + "/diff-realms.html", expect: {
    sections: ["gate", "realms"], cards: [["^FAIL realm:Window\\*:self>100KB", "bad"]], firstRow: { realms: ["Window / ://"] } } },
  { name: "growth --realms", page: tmp + "/growth-realms.html", expect: { sections: ["realms"], firstRow: { realms: ["Window / ://"] } } },
  { name: "hostile strings", page: tmp + "/evil.html", expect: { text: [evil], rows: { classes: [["</script><img>", "1"]] } } },
  { name: "script names", page: tmp + "/names.html", expect: { sections: ["closures"],
    rows: { closures: [["handler (lib/store.js:" + handler + ")", "200"]] },
    titled: [["handler (lib/store.js:" + handler + ")", "handler (" + app + "lib/store.js:" + handler + ")"]],
    text: ["Script paths are relative to " + app], once: [app] } },
  // summary --group site: a row per allocation site, named as text names it (7 Widget)
  { name: "script names (--group site)", page: tmp + "/sites.html", expect: {
    rows: { classes: [["Widget (main.js:" + widget + ")", "7"]] },
    titled: [["Widget (main.js:" + widget + ")", "Widget (" + app + "main.js:" + widget + ")"]], once: [app] } },
];
require("fs").writeFileSync(tmp + "/checks.json", JSON.stringify(checks));' "$FIX/leak-series.expected.json" "$TMP" "$first3" "$drill" "$EVIL" "$APP" "$HANDLER" "$WIDGET"
node --experimental-websocket --no-warnings "$HERE/check_report.mjs" "$CHROME" "$TMP/checks.json" $SHOTS || fail=1
[ "$fail" = 0 ]
