#!/usr/bin/env bash
# CLI test of the leak-triage commands on the real fixtures: `hsnap leaks`,
# `hsnap growth`, `hsnap retainers` and the triage sections of `hsnap summary`.
#   run_triage.sh HSNAP FIXTURES_DIR
# Expected numbers come from the generating programs (leak-series.expected.json,
# steady.expected.json, gen/leak-series.js, gen/chrome-detached.mjs), never
# from hsnap's own output.  node reads the JSON; without it the test is
# skipped (exit 77).
set -u
HSNAP=${1:?usage: run_triage.sh HSNAP FIXTURES_DIR}
FIX=${2:?usage: run_triage.sh HSNAP FIXTURES_DIR}

. "$(dirname "$0")/lib.sh"
lib_init run_triage.sh cli-triage
need_node "the leak-triage CLI test"

L1=$FIX/leak-1.heapsnapshot.gz
L2=$FIX/leak-2.heapsnapshot.gz
L3=$FIX/leak-3.heapsnapshot.gz
S1=$FIX/steady-1.heapsnapshot.gz
S2=$FIX/steady-2.heapsnapshot.gz
CHROME=$FIX/chrome-detached.heapsnapshot.gz
EXPECTED=$FIX/leak-series.expected.json
STEADY_EXPECTED=$FIX/steady.expected.json
need_files "$L1" "$L2" "$L3" "$S1" "$S2" "$CHROME" "$EXPECTED" "$STEADY_EXPECTED"

# usage NAME -- args: expects exit 2, a message on stderr and nothing on stdout.
usage() {
	local name=$1
	shift 2
	if run "$name" 2 "$TMP/u.out" "$TMP/u.err" -- "$@"; then
		[ -s "$TMP/u.err" ] || fail "$name: no message on stderr"
		[ -s "$TMP/u.out" ] && fail "$name: printed a report on stdout"
	fi
}

# Shared JavaScript: edges of a path (JSON steps) and a lookup by class.
LIB='
const fs = require("fs");
const load = f => JSON.parse(fs.readFileSync(f));
const edges = path => (path.steps || []).filter(s => "edge" in s).map(s => s.edge);
const hasEdge = (path, e) => edges(path).includes(e);
const byName = list => { const m = {}; for (const c of list) m[c.name] = c; return m; };
const p = [];
const done = () => { if (p.length) console.log(p.join("\n")); };
'

# ---- 1. leaks: the three-snapshot technique on leak-1/2/3 ---------------------------
# Between leak-1 and leak-2 the program allocated new_per_step[0] objects of
# each leaking class, all still alive in leak-3 (it never frees them), and
# 30000 ChurnItem that were collected (FinalizationRegistry-confirmed).
if run "leaks json" 0 "$TMP/leaks.json" "$TMP/leaks.err" -- leaks "$L1" "$L2" "$L3" --format json; then
	js "leaks json" "$LIB"'
const [f, ef] = process.argv.slice(1), d = load(f), e = load(ef), c = byName(d.classes);
for (const name of ["LeakyConnection", "CacheEntry", "ListenerContext"]) {
	const k = c[name];
	if (!k) { p.push(name + ": not reported"); continue; }
	if (k.count !== e[name].new_per_step[0]) p.push(name + ".count = " + k.count + ", expected " + e[name].new_per_step[0]);
	if (!Array.isArray(k.paths) || !k.paths.length) { p.push(name + ": no paths"); continue; }
	let n = 0;
	for (const q of k.paths) n += q.count;
	if (n > k.count) p.push(name + ": path counts add up to " + n + " > " + k.count);
	const last = k.paths[0].steps[k.paths[0].steps.length - 1];
	if (last.class !== name) p.push(name + ": first path ends at " + last.class);
}
if (c.ChurnItem) p.push("ChurnItem reported: " + JSON.stringify(c.ChurnItem).slice(0, 200));
/* what holds each leak (gen/leak-series.js) */
const want = { LeakyConnection: ".leakedConnections", CacheEntry: ".__cache", ListenerContext: ".eventBus" };
for (const name in want)
	if (c[name] && c[name].paths && !c[name].paths.some(q => hasEdge(q, want[name])))
		p.push(name + ": no merged path through " + want[name] + ": " + JSON.stringify(c[name].paths.map(edges)));
/* all 500 connections sit in one array: one shape, indices folded */
const lc = c.LeakyConnection;
if (lc && lc.paths && lc.paths[0]) {
	const q = lc.paths[0], es = edges(q);
	if (q.count !== e.LeakyConnection.new_per_step[0]) p.push("LeakyConnection: first shape has " + q.count + " objects, expected all " + e.LeakyConnection.new_per_step[0]);
	if (es[es.length - 1] !== "[]") p.push("LeakyConnection: last edge " + es[es.length - 1] + ", expected the folded []");
	if (es.some(x => /\[\d+\]/.test(x))) p.push("LeakyConnection: unfolded index in a merged path: " + es.join(" "));
}
/* the 40 new onDataListener closures: Functions held through .eventBus */
const fn = c.Function;
if (!fn || fn.count < e.listeners.new_per_step[0]) p.push("Function: fewer than " + e.listeners.new_per_step[0] + " leaked closures");
else if (!(fn.paths || []).some(q => hasEdge(q, ".eventBus") && q.count === e.listeners.new_per_step[0]))
	p.push("Function: no shape of " + e.listeners.new_per_step[0] + " closures through .eventBus");
if (!(d.leaked >= 500 + 300 + 40)) p.push("leaked = " + d.leaked + ", expected at least 840");
if (!Array.isArray(d.violations) || d.violations.length) p.push("violations should be []");
done();' "$TMP/leaks.json" "$EXPECTED"
fi

# B = A: nothing was allocated between them, so nothing leaked.
if run "leaks A=B" 0 "$TMP/same.json" "$TMP/same.err" -- leaks "$L1" "$L1" "$L3" --format json; then
	js "leaks A=B" "$LIB"'
const d = load(process.argv[1]);
if (d.leaked !== 0) p.push("leaked = " + d.leaked + ", expected 0");
for (const k of d.classes) if (k.count) { p.push("class " + k.name + " leaked " + k.count); break; }
done();' "$TMP/same.json"
fi
# leak-2 leak-3 leak-3: the objects of step 3 (new_per_step[1]).
if run "leaks 2 3 3" 0 "$TMP/l233.json" "$TMP/l233.err" -- leaks "$L2" "$L3" "$L3" --format json; then
	js "leaks 2 3 3" "$LIB"'
const [f, ef] = process.argv.slice(1), c = byName(load(f).classes), e = load(ef);
for (const name of ["LeakyConnection", "CacheEntry", "ListenerContext"])
	if (!c[name] || c[name].count !== e[name].new_per_step[1]) p.push(name + ": " + (c[name] ? c[name].count : "missing") + ", expected " + e[name].new_per_step[1]);
if (c.ChurnItem) p.push("ChurnItem reported");
done();' "$TMP/l233.json" "$EXPECTED"
fi

# the gate: 500 leaked LeakyConnection
if run "leaks gate fail" 1 "$TMP/g.json" "$TMP/g.err" -- leaks "$L1" "$L2" "$L3" --fail-on 'LeakyConnection:count>0' --format json; then
	js "leaks gate fail" "$LIB"'
const [f, ef] = process.argv.slice(1), v = load(f).violations, e = load(ef);
if (!Array.isArray(v) || v.length !== 1) p.push("expected one violation, got " + JSON.stringify(v));
else {
	if (v[0].class !== "LeakyConnection") p.push("violation class " + v[0].class);
	if (v[0].metric !== "count") p.push("violation metric " + v[0].metric);
	if (v[0].value !== e.LeakyConnection.new_per_step[0]) p.push("violation value " + v[0].value);
	if (v[0].limit !== 0) p.push("violation limit " + v[0].limit);
}
done();' "$TMP/g.json" "$EXPECTED"
	grep -q "LeakyConnection:count>0" "$TMP/g.err" || fail "leaks gate fail: stderr does not name the rule"
fi
run "leaks gate text fail" 1 "$TMP/g.txt" "$TMP/g.err" -- leaks "$L1" "$L2" "$L3" --fail-on 'LeakyConnection:count>0'
# rules that hold: 500 is not > 500; ChurnItem leaked nothing (none is alive
# in A, B or C: the rule is optional, '?'); CacheEntry 300 < 301
run "leaks gate pass" 0 "$TMP/g.txt" "$TMP/g.err" -- leaks "$L1" "$L2" "$L3" \
	--fail-on 'LeakyConnection:count>500' --fail-on 'ChurnItem:count>0?' --fail-on 'CacheEntry:count>300'
run "leaks gate one-over" 1 "$TMP/g.txt" "$TMP/g.err" -- leaks "$L1" "$L2" "$L3" --fail-on 'LeakyConnection:count>499'
# 'new' is a diff metric
if run "leaks gate new" 2 "$TMP/g.txt" "$TMP/g.err" -- leaks "$L1" "$L2" "$L3" --fail-on 'X:new>0'; then
	grep -qF "X:new>0" "$TMP/g.err" || fail "leaks gate new: stderr does not quote the rule"
fi
usage "leaks 2 files" -- leaks "$L1" "$L2"
usage "leaks 4 files" -- leaks "$L1" "$L2" "$L3" "$L3"
usage "leaks malformed rule" -- leaks "$L1" "$L2" "$L3" --fail-on 'LeakyConnection:count'

# ---- 2. growth -----------------------------------------------------------------------
if run "growth json" 0 "$TMP/growth.json" "$TMP/growth.err" -- growth "$L1" "$L2" "$L3" --format json; then
	js "growth json" "$LIB"'
const [f, ef] = process.argv.slice(1), d = load(f), e = load(ef), c = byName(d.classes);
for (const name of ["LeakyConnection", "CacheEntry", "ListenerContext"]) {
	const k = c[name];
	if (!k) { p.push(name + ": not reported"); continue; }
	if (JSON.stringify(k.counts) !== JSON.stringify(e[name].counts)) p.push(name + ".counts = " + JSON.stringify(k.counts) + ", expected " + JSON.stringify(e[name].counts));
	if (k.count_growth !== e[name].counts[2] - e[name].counts[0]) p.push(name + ".count_growth = " + k.count_growth);
	if (k.steps_count_grew !== 2) p.push(name + ".steps_count_grew = " + k.steps_count_grew);
}
if (c.ChurnItem) p.push("ChurnItem reported: " + JSON.stringify(c.ChurnItem));
if (!Array.isArray(d.snapshots) || d.snapshots.length !== 3) p.push("snapshots: " + JSON.stringify(d.snapshots));
done();' "$TMP/growth.json" "$EXPECTED"
fi
# nothing of the steady program grows at every step (1000 SteadyThing each time)
for series in "$S1 $S2 $S1" "$S1 $S2 $S2" "$S1 $S1 $S1"; do
	name="growth $(echo "$series" | sed "s#$FIX/##g; s#.heapsnapshot.gz##g")"
	# shellcheck disable=SC2086
	if run "$name" 0 "$TMP/gs.json" "$TMP/gs.err" -- growth $series --format json; then
		js "$name" "$LIB"'
const c = byName(load(process.argv[1]).classes);
if (c.SteadyThing) p.push("SteadyThing reported: " + JSON.stringify(c.SteadyThing));
if (c.ChurnItem) p.push("ChurnItem reported");
done();' "$TMP/gs.json"
	fi
done
# growth gate: LeakyConnection grows by 1000 from leak-1 to leak-3
run "growth gate fail" 1 "$TMP/gg.txt" "$TMP/gg.err" -- growth "$L1" "$L2" "$L3" --fail-on 'LeakyConnection:count>999'
run "growth gate pass" 0 "$TMP/gg.txt" "$TMP/gg.err" -- growth "$L1" "$L2" "$L3" --fail-on 'LeakyConnection:count>1000'
usage "growth 2 snapshots" -- growth "$L1" "$L2"
usage "growth 1 snapshot" -- growth "$L1"
usage "growth bad sort" -- growth "$L1" "$L2" "$L3" --sort name

# ---- 3. retainers ----------------------------------------------------------------------
# --class CacheEntry: all 900 entries live in the one Map global.__cache
if run "retainers class json" 0 "$TMP/rc.json" "$TMP/rc.err" -- retainers "$L3" --class CacheEntry --format json; then
	js "retainers class" "$LIB"'
const [f, ef] = process.argv.slice(1), d = load(f), e = load(ef);
if (d.class !== "CacheEntry") p.push("class = " + d.class);
if (d.count !== e.CacheEntry.counts[2]) p.push("count = " + d.count + ", expected " + e.CacheEntry.counts[2]);
if (!Array.isArray(d.shapes) || d.shapes.length !== 1) p.push("expected one shape, got " + (d.shapes ? d.shapes.length : "none"));
else {
	const s = d.shapes[0];
	if (s.count !== e.CacheEntry.counts[2]) p.push("shape count = " + s.count);
	if (!hasEdge(s, ".__cache")) p.push("shape has no .__cache step: " + edges(s).join(" "));
	if (s.steps[s.steps.length - 1].class !== "CacheEntry") p.push("shape does not end at CacheEntry");
	if (s.truncated !== false) p.push("shape truncated");
	if (s.retained_size !== d.retained_size) p.push("one shape, but its retained " + s.retained_size + " != class " + d.retained_size);
}
done();' "$TMP/rc.json" "$EXPECTED"
fi
# --class LeakyConnection: 1500, one shape through .leakedConnections
if run "retainers class 2" 0 "$TMP/rl.json" "$TMP/rl.err" -- retainers "$L3" --class LeakyConnection --format json; then
	js "retainers class LeakyConnection" "$LIB"'
const [f, ef] = process.argv.slice(1), d = load(f), e = load(ef);
if (d.count !== e.LeakyConnection.counts[2]) p.push("count = " + d.count);
if (!d.shapes || d.shapes.length !== 1 || d.shapes[0].count !== d.count || !hasEdge(d.shapes[0], ".leakedConnections"))
	p.push("expected one shape of all objects through .leakedConnections: " + JSON.stringify(d.shapes).slice(0, 300));
done();' "$TMP/rl.json" "$EXPECTED"
fi

# --id: one LeakyConnection picked from the export
ID=
if run "export csv" 0 "$TMP/l3.csv" "$TMP/l3.err" -- export "$L3" --format csv; then
	ID=$(awk -F, '$4 == "LeakyConnection" { print $1; exit }' "$TMP/l3.csv")
	n=$(awk -F, '$4 == "LeakyConnection"' "$TMP/l3.csv" | wc -l)
	[ "$n" = 1500 ] || fail "export: $n LeakyConnection rows, expected 1500"
	[ -n "$ID" ] || fail "export: no LeakyConnection row"
fi
if [ -n "$ID" ] && run "retainers id json" 0 "$TMP/ri.json" "$TMP/ri.err" -- retainers "$L3" --id "$ID" --format json; then
	js "retainers id" "$LIB"'
const [f, id] = process.argv.slice(1), d = load(f);
if (!d.object || d.object.id !== +id || d.object.class !== "LeakyConnection") p.push("object = " + JSON.stringify(d.object));
if (!d.paths || !d.paths.length) p.push("no path");
else {
	if (!hasEdge(d.paths[0], ".leakedConnections")) p.push("path 1 has no .leakedConnections step: " + edges(d.paths[0]).join(" "));
	const es = edges(d.paths[0]);
	if (!/^\[\d+\]$/.test(es[es.length - 1])) p.push("last edge " + es[es.length - 1] + ", expected an element index [i]");
	const st = d.paths[0].steps;
	if (st[st.length - 1].id !== +id) p.push("path does not end at the object");
}
done();' "$TMP/ri.json" "$ID"
	# the array global.leakedConnections, from the path
	ARR=$(node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
for (const s of d.paths[0].steps) if (s.edge === ".leakedConnections") { console.log(s.id); break; }' "$TMP/ri.json" 2>/dev/null)
	if [ -z "$ARR" ]; then
		fail "retainers id: cannot find the leakedConnections array's id"
	elif run "retainers ignore" 0 "$TMP/rig.json" "$TMP/rig.err" -- retainers "$L3" --id "$ID" --ignore "$ARR" --format json; then
		js "retainers ignore" "$LIB"'
const [f, arr] = process.argv.slice(1), d = load(f);
for (const q of d.paths || []) {
	if (q.steps.some(s => s.id === +arr)) p.push("ignored object " + arr + " still on a path");
	if (hasEdge(q, ".leakedConnections")) p.push("path still through .leakedConnections");
}
done();' "$TMP/rig.json" "$ARR"
		run "retainers ignore text" 0 "$TMP/rig.txt" "$TMP/rig.err" -- retainers "$L3" --id "$ID" --ignore "$ARR" &&
			{ grep -q 'leakedConnections' "$TMP/rig.txt" && fail "retainers ignore text: still shows .leakedConnections"; }
	fi
	# --paths 1 gives at most one path
	if run "retainers paths 1" 0 "$TMP/rp.json" "$TMP/rp.err" -- retainers "$L3" --id "$ID" --paths 1 --format json; then
		js "retainers paths 1" "$LIB"'
const d = load(process.argv[1]);
if (!d.paths || d.paths.length !== 1) p.push("expected exactly 1 path, got " + (d.paths ? d.paths.length : "none"));
done();' "$TMP/rp.json"
	fi
	# --max-depth 1: the last step only, marked truncated
	if run "retainers max-depth 1" 0 "$TMP/rd.json" "$TMP/rd.err" -- retainers "$L3" --id "$ID" --max-depth 1 --format json; then
		js "retainers max-depth 1" "$LIB"'
const d = load(process.argv[1]);
if (!d.paths || !d.paths.length) p.push("no path");
else if (edges(d.paths[0]).length !== 1 || d.paths[0].truncated !== true)
	p.push("expected one truncated step, got " + JSON.stringify(d.paths[0]).slice(0, 300));
done();' "$TMP/rd.json"
	fi
fi
# a ListenerContext: held by an onDataListener closure on global.eventBus
LID=$(awk -F, '$4 == "ListenerContext" { print $1; exit }' "$TMP/l3.csv" 2>/dev/null)
if [ -n "$LID" ] && run "retainers listener" 0 "$TMP/rlc.json" "$TMP/rlc.err" -- retainers "$L3" --id "$LID" --format json; then
	js "retainers listener" "$LIB"'
const d = load(process.argv[1]);
if (!d.paths || !d.paths.length) p.push("no path");
else {
	const q = d.paths[0];
	if (!hasEdge(q, ".eventBus")) p.push("no .eventBus step: " + edges(q).join(" "));
	if (!q.steps.some(s => s.name === "onDataListener")) p.push("no onDataListener closure on the path");
}
done();' "$TMP/rlc.json"
fi
usage "retainers neither" -- retainers "$L3"
usage "retainers both" -- retainers "$L3" --id "${ID:-1}" --class CacheEntry
usage "retainers unknown class" -- retainers "$L3" --class NoSuchClassAnywhere
usage "retainers unknown id" -- retainers "$L3" --id 2
usage "retainers unknown ignore" -- retainers "$L3" --class CacheEntry --ignore 2
usage "retainers bad id" -- retainers "$L3" --id abc
usage "retainers two files" -- retainers "$L3" "$L2" --class CacheEntry

# ---- 4. summary triage on the Chrome snapshot -------------------------------------------
# gen/chrome-detached.mjs: window.leakedNodes holds 20 detached <div class="x">
# and 5 <span>.
if run "summary chrome json" 0 "$TMP/chrome.json" "$TMP/chrome.err" -- summary "$CHROME" --format json; then
	js "summary chrome" "$LIB"'
const d = load(process.argv[1]);
if (!d.detached_dom || !Array.isArray(d.detached_dom.classes)) { p.push("no detached_dom.classes"); }
else {
	const c = byName(d.detached_dom.classes);
	const div = c["Detached <div>"], span = c["Detached <span>"];
	if (!div || div.count !== 20) p.push("Detached <div>: " + (div ? div.count : "missing") + ", expected 20");
	if (!span || span.count !== 5) p.push("Detached <span>: " + (span ? span.count : "missing") + ", expected 5");
	if (div && !(div.paths || []).some(q => hasEdge(q, ".leakedNodes"))) p.push("Detached <div>: no path through .leakedNodes");
	if (span && !(span.paths || []).some(q => hasEdge(q, ".leakedNodes"))) p.push("Detached <span>: no path through .leakedNodes");
	if (div && div.paths && div.paths[0] && div.paths[0].count !== 20) p.push("Detached <div>: first shape has " + div.paths[0].count + " of 20");
	if (c["Detached <li>"]) p.push("attached <li> reported as detached");
}
if (!d.duplicate_strings) p.push("no duplicate_strings section");
if (!d.suspects) p.push("no suspects section");
done();' "$TMP/chrome.json"
fi
if run "summary chrome text" 0 "$TMP/chrome.txt" "$TMP/chrome.err" -- summary "$CHROME"; then
	grep -q '^Detached DOM:' "$TMP/chrome.txt" || fail "summary text: no 'Detached DOM:' section"
	grep -qE '^  Detached <div> +20 ' "$TMP/chrome.txt" || fail "summary text: no 'Detached <div> 20' row"
	grep -qE '^  Detached <span> +5 ' "$TMP/chrome.txt" || fail "summary text: no 'Detached <span> 5' row"
	grep -q 'Why Detached <div> is alive' "$TMP/chrome.txt" || fail "summary text: no path for Detached <div>"
	grep -q '^Duplicate strings' "$TMP/chrome.txt" || fail "summary text: no duplicate strings section"
	grep -q '^Leak suspects' "$TMP/chrome.txt" || fail "summary text: no leak suspects section"
fi
# a Node snapshot: Node marks some of its own native binding objects detached
# (detachedness 2 in the file, "Node / BindingData" ...); they are not DOM, so
# the detached-DOM section is empty.  The closures-by-function section puts
# the leaking listener first: leak-series.js adds 40 onDataListener closures
# per step (120 in leak-3), more than any other function of the program.
if run "summary leak-3 json" 0 "$TMP/s3.json" "$TMP/s3.err" -- summary "$L3" --format json; then
	js "summary leak-3" "$LIB"'
const d = load(process.argv[1]);
const dc = (d.detached_dom || {}).classes;
if (!dc || dc.length !== 0) p.push("detached DOM classes in a Node snapshot: " + JSON.stringify(dc));
const f = (d.closures_by_function || [])[0];
if (!f || f.name !== "onDataListener" || f.count !== 120 || !f.location || !/leak-series\.js$/.test(f.location.script))
	p.push("first closure group: " + JSON.stringify(f));
if (!(d.closures_hidden > 0)) p.push("closures_hidden: " + d.closures_hidden);
done();' "$TMP/s3.json"
fi
if run "summary leak-3 text" 0 "$TMP/s3.txt" "$TMP/s3.err" -- summary "$L3"; then
	grep -q '^Detached DOM' "$TMP/s3.txt" && fail "summary text: a Detached DOM section in a Node snapshot"
	grep -qE '^  onDataListener \(.*leak-series\.js:113:45\) +120 ' "$TMP/s3.txt" ||
		fail "summary text: no 'onDataListener (…leak-series.js:113:45) 120' row"
fi

# ---- 5. every command in every format ----------------------------------------------------
for fmt in text json csv markdown; do
	for cmd in "leaks $L1 $L2 $L3" "growth $L1 $L2 $L3" "retainers $L3 --class CacheEntry" \
		"retainers $L3 --id ${ID:-1}" "summary $CHROME"; do
		name="$fmt $(echo "$cmd" | sed "s#$FIX/##g" | cut -d' ' -f1-3)"
		# shellcheck disable=SC2086
		if run "$name" 0 "$TMP/f.out" "$TMP/f.err" -- $cmd --format "$fmt"; then
			[ -s "$TMP/f.out" ] || fail "$name: empty output"
			if [ "$fmt" = json ]; then
				node -e 'JSON.parse(require("fs").readFileSync(process.argv[1]))' "$TMP/f.out" 2>/dev/null || fail "$name: not valid JSON"
			fi
		fi
	done
done

lib_finish
