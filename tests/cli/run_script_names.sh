#!/usr/bin/env bash
# Script names relative to the directory the program's scripts share, in
# text and markdown, said once at the end; whole in JSON and CSV.  A real
# Node snapshot of a program of two scripts copied into a temporary folder
# (tests/cli/names: main.js and lib/store.js; APP = $TMP/app/): the program
# keeps 7 Widget (main.js), 5 Entry and 200 closures of handler (both
# lib/store.js).  V8 places a class's instances at its constructor (the
# column of "constructor(" + 12) and a closure at its function (the column
# of "function NAME(" + length + 1); the lines and columns are read from the
# sources here.  Expected:
#   summary --group site (text, markdown): "Widget (main.js:L:C)" 7 rows' count,
#     "Entry (lib/store.js:L:C)" 5, no "APP" but in the last line
#     "Script paths are relative to APP" (markdown: "... `APP`.");
#   summary: "handler (lib/store.js:L:C)" with 200 closures, the same note;
#   CSV: "Widget (APPmain.js:L:C)", no note; JSON: no note, the site rows keep
#     their key (script id, 0-based line and column) and the whole script name.
#   run_script_names.sh HSNAP   (skipped, exit 77, without node)
set -u
HSNAP=${1:?usage: run_script_names.sh HSNAP}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
lib_init run_script_names.sh cli-names
need_node "the script names test"
export HSNAP_NO_INDEX=1
APP=$TMP/app/
mkdir -p "$TMP/snap"
cp -r "$HERE/names" "$TMP/app"
node "$TMP/app/main.js" "$TMP/snap/n.heapsnapshot" || { fail "main.js did not write its snapshot"; lib_finish; exit 1; }
S=$TMP/snap/n.heapsnapshot
# where V8 puts a constructor / a function, from the source
ctor() { awk -v c="$2" 'f && /constructor\(/ { print NR ":" index($0, "constructor(") + 11; exit } index($0, "class " c " ") { f = 1 }' "$1"; }
func() { awk -v n="$2" 'index($0, "function " n "(") { print NR ":" index($0, "function " n "(") + length("function " n); exit }' "$1"; }
W=$(ctor "$TMP/app/main.js" Widget) E=$(ctor "$TMP/app/lib/store.js" Entry) H=$(func "$TMP/app/lib/store.js" handler)
[ -n "$W" ] && [ -n "$E" ] && [ -n "$H" ] || fail "source positions: '$W' '$E' '$H'"
# note FILE LINE: LINE is FILE's last line, the only one naming APP
note() {
	if [ "$(tail -1 "$1")" = "$2" ] && [ "$(grep -cF "$APP" "$1")" = 1 ]; then pass
	else fail "$1: the note is not the one line naming $APP:"; grep -nF "$APP" "$1" | head -5 >&2; fi
}
# row FILE REGEX: a line matches
row() { if grep -qE -- "$2" "$1"; then pass; else fail "$1: no line matching '$2'"; fi; }
run site 0 "$TMP/site.txt" "$TMP/err" -- summary "$S" --group site --top 1000 &&
{ row "$TMP/site.txt" "^  Widget \\(main\\.js:$W\\) +7 "; row "$TMP/site.txt" "^  Entry \\(lib/store\\.js:$E\\) +5 "
  note "$TMP/site.txt" "Script paths are relative to $APP"; }
run site-md 0 "$TMP/site.md" "$TMP/err" -- summary "$S" --group site --top 1000 --format markdown &&
{ row "$TMP/site.md" "^\\| Widget \\(main\\.js:$W\\) +\\| +7 \\|"; row "$TMP/site.md" "^\\| Entry \\(lib/store\\.js:$E\\) +\\| +5 \\|"
  note "$TMP/site.md" "Script paths are relative to \`$APP\`."; }
run summary 0 "$TMP/s.txt" "$TMP/err" -- summary "$S" &&
{ row "$TMP/s.txt" "^  handler \\(lib/store\\.js:$H\\) +200 "; note "$TMP/s.txt" "Script paths are relative to $APP"; }
run site-csv 0 "$TMP/site.csv" "$TMP/err" -- summary "$S" --group site --format csv &&
{ row "$TMP/site.csv" "^\"?Widget \\(${APP//./\\.}main\\.js:$W\\)\"?,7,"; row "$TMP/site.csv" "^\"?Entry \\(${APP//./\\.}lib/store\\.js:$E\\)\"?,5,"
  if grep -q 'relative to' "$TMP/site.csv"; then fail "csv: a note"; else pass; fi; }
run site-json 0 "$TMP/site.json" "$TMP/err" -- summary "$S" --group site --format json &&
js "json: sites" '
const fs = require("fs"), [file, w, e, app] = process.argv.slice(1);
const d = JSON.parse(fs.readFileSync(file, "utf8"));
const at = (name, pos) => { const [l, c] = pos.split(":").map(Number);
  return d.classes.find((r) => r.name === name && r.site && r.site.line === l - 1 && r.site.column === c - 1); };
const W = at("Widget", w), E = at("Entry", e);
if (!W || W.count !== 7 || W.site.script !== app + "main.js") console.log("Widget row", JSON.stringify(W));
if (!E || E.count !== 5 || E.site.script !== app + "lib/store.js") console.log("Entry row", JSON.stringify(E));
if (JSON.stringify(d).includes("relative to")) console.log("a note in JSON");' "$TMP/site.json" "$W" "$E" "$APP"
lib_finish
