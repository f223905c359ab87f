#!/usr/bin/env bash
# CLI test of `hsnap diff` and its CI gate on the real fixtures.
#   run_diff.sh HSNAP FIXTURES_DIR
# Expected numbers come from the generating program (leak-series.expected.json,
# steady.expected.json) or from the raw snapshot files (node counts, total
# sizes, read with node), never from hsnap's own output.  node reads the JSON;
# without it the test is skipped (exit 77).
set -u
HSNAP=${1:?usage: run_diff.sh HSNAP FIXTURES_DIR}
FIX=${2:?usage: run_diff.sh HSNAP FIXTURES_DIR}

. "$(dirname "$0")/lib.sh"
lib_init run_diff.sh cli-diff
need_node "the hsnap diff CLI test"

L1=$FIX/leak-1.heapsnapshot.gz
L2=$FIX/leak-2.heapsnapshot.gz
L3=$FIX/leak-3.heapsnapshot.gz
S1=$FIX/steady-1.heapsnapshot.gz
S2=$FIX/steady-2.heapsnapshot.gz
BASIC=$FIX/node-basic.heapsnapshot.gz
EXPECTED=$FIX/leak-series.expected.json
STEADY_EXPECTED=$FIX/steady.expected.json
need_files "$L1" "$L2" "$L3" "$S1" "$S2" "$BASIC" "$EXPECTED" "$STEADY_EXPECTED"

# Node counts and total sizes straight from the raw snapshot files (hsnap's
# total is the sum of all self sizes: every node of these fixtures is reachable).
RAW_SCRIPT='
const zlib = require("zlib"), fs = require("fs");
const out = {};
for (const f of process.argv.slice(1)) {
	let b = fs.readFileSync(f);
	if (f.endsWith(".gz")) b = zlib.gunzipSync(b);
	const j = JSON.parse(b.toString());
	const nf = j.snapshot.meta.node_fields, si = nf.indexOf("self_size");
	let total = 0;
	for (let i = si; i < j.nodes.length; i += nf.length) total += j.nodes[i];
	out[f] = { node_count: j.snapshot.node_count, total_size: total };
}
console.log(JSON.stringify(out));'
node -e "$RAW_SCRIPT" "$L1" "$L2" "$L3" "$S1" "$S2" >"$TMP/raw.json" || { echo "run_diff.sh: cannot read the fixtures with node" >&2; exit 1; }

# ---- 1. the leak series: (1,2), (2,3), (1,3) ------------------------------------
PAIR_SCRIPT='
const fs = require("fs");
const [diffFile, expFile, rawFile, ia, ib, fa, fb] = process.argv.slice(1);
const d = JSON.parse(fs.readFileSync(diffFile)), exp = JSON.parse(fs.readFileSync(expFile));
const raw = JSON.parse(fs.readFileSync(rawFile));
const i = +ia, j = +ib, p = [];
const byName = {};
for (const c of d.classes) {
	if (byName[c.name]) p.push("class " + c.name + " listed twice");
	byName[c.name] = c;
}
for (const name of ["LeakyConnection", "CacheEntry", "ListenerContext"]) {
	const e = exp[name], c = byName[name];
	if (!c) { p.push(name + ": missing"); continue; }
	let added = 0;
	for (let k = i; k < j; k++) added += e.new_per_step[k];
	const want = { count_a: e.counts[i], count_b: e.counts[j],
		       count_delta: e.counts[j] - e.counts[i], new: added, deleted: 0 };
	for (const k in want)
		if (c[k] !== want[k]) p.push(name + "." + k + " = " + c[k] + ", expected " + want[k]);
	/* the other numbers are consistent */
	if (c.self_delta !== c.self_b - c.self_a) p.push(name + ": self_delta inconsistent");
	if (c.retained_delta !== c.retained_b - c.retained_a) p.push(name + ": retained_delta inconsistent");
	if (!(c.self_b > c.self_a && c.retained_b >= c.self_b)) p.push(name + ": sizes do not grow");
}
const ch = byName["ChurnItem"];
if (ch && (ch.count_delta !== 0 || ch.new !== 0 || ch.count_b !== exp.ChurnItem.counts[j]))
	p.push("ChurnItem grows: " + JSON.stringify(ch));
for (const [side, f] of [["a", fa], ["b", fb]]) {
	const s = d[side];
	if (!s) { p.push("no " + side); continue; }
	if (s.file !== f) p.push(side + ".file = " + s.file + ", expected " + f);
	if (s.baseline !== false) p.push(side + ".baseline should be false");
	if (s.node_count !== raw[f].node_count) p.push(side + ".node_count = " + s.node_count + ", file has " + raw[f].node_count);
	if (s.total_size !== raw[f].total_size) p.push(side + ".total_size = " + s.total_size + ", file sums to " + raw[f].total_size);
}
if (!Array.isArray(d.violations) || d.violations.length) p.push("violations should be []");
for (const c of d.classes)
	for (const k of ["count_a","count_b","count_delta","new","deleted","self_a","self_b","self_delta","retained_a","retained_b","retained_delta"])
		if (typeof c[k] !== "number") { p.push(c.name + "." + k + " is not a number"); break; }
if (p.length) console.log(p.join("\n"));'

for pair in "1 2" "2 3" "1 3"; do
	set -- $pair
	A=$FIX/leak-$1.heapsnapshot.gz
	B=$FIX/leak-$2.heapsnapshot.gz
	if run "leak $1->$2 json" 0 "$TMP/d$1$2.json" "$TMP/e$1$2" -- diff "$A" "$B" --format json; then
		js "leak $1->$2" "$PAIR_SCRIPT" "$TMP/d$1$2.json" "$EXPECTED" "$TMP/raw.json" $(($1 - 1)) $(($2 - 1)) "$A" "$B"
		grep -q "do not look like" "$TMP/e$1$2" && fail "leak $1->$2: spurious 'do not look like' warning"
	fi
done

# ---- 2. sorting and --top -----------------------------------------------------------
if run "sort count json" 0 "$TMP/count.json" "$TMP/count.err" -- diff "$L1" "$L2" --sort count --format json; then
	js "sort count" '
const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
const names = d.classes.map(c => c.name), p = [];
const li = names.indexOf("LeakyConnection"), ci = names.indexOf("ChurnItem");
if (li < 0) p.push("LeakyConnection missing");
else if (li >= 10) p.push("LeakyConnection is #" + (li + 1) + ", expected in the top 10");
if (ci >= 0 && ci < li) p.push("ChurnItem above LeakyConnection");
for (let k = 1; k < d.classes.length; k++)
	if (d.classes[k].count_delta > d.classes[k - 1].count_delta) { p.push("not sorted by count_delta at " + k); break; }
if (p.length) console.log(p.join("\n"));' "$TMP/count.json"
fi
for key in retained self new; do
	field=${key}_delta; [ "$key" = new ] && field=new
	if run "sort $key" 0 "$TMP/s.json" "$TMP/s.err" -- diff "$L1" "$L2" --sort "$key" --format json; then
		js "sort $key" '
const [f, k] = process.argv.slice(1), c = JSON.parse(require("fs").readFileSync(f)).classes;
for (let i = 1; i < c.length; i++)
	if (c[i][k] > c[i - 1][k]) { console.log("not sorted by " + k + " at " + i); break; }' "$TMP/s.json" "$field"
	fi
done
# the default order is the retained delta
if run "sort default" 0 "$TMP/s.json" "$TMP/s.err" -- diff "$L1" "$L2" --format json; then
	js "sort default" '
const c = JSON.parse(require("fs").readFileSync(process.argv[1])).classes;
for (let i = 1; i < c.length; i++)
	if (c[i].retained_delta > c[i - 1].retained_delta) { console.log("not sorted by retained_delta at " + i); break; }' "$TMP/s.json"
fi
# text: --top N shows N rows, LeakyConnection among the top 5 by count
if run "text top 5" 0 "$TMP/top.txt" "$TMP/top.err" -- diff "$L1" "$L2" --sort count --top 5; then
	grep -q '^  LeakyConnection ' "$TMP/top.txt" || fail "text --sort count --top 5: no LeakyConnection row"
	grep -q '^  ChurnItem ' "$TMP/top.txt" && fail "text --top 5: ChurnItem shown"
	grep -q '^Top 5 of [0-9]* changed classes by count change' "$TMP/top.txt" || fail "text: no 'Top 5 of N changed classes by count change' line"
	rows=$(sed -n '/^  Class /,$p' "$TMP/top.txt" | grep -c '^  ')
	[ "$rows" = 6 ] || fail "text --top 5: $rows table lines, expected header + 5"
	grep -q '^A: .*leak-1.heapsnapshot.gz: 43,474 nodes' "$TMP/top.txt" || fail "text: no A totals line"
	grep -q '^B: .*leak-2.heapsnapshot.gz: 47,805 nodes' "$TMP/top.txt" || fail "text: no B totals line"
fi

# ---- 3. the gate --------------------------------------------------------------------
if run "gate new" 1 "$TMP/g.json" "$TMP/g.err" -- diff "$L1" "$L2" --fail-on 'LeakyConnection:new>0' --format json; then
	js "gate new" '
const d = JSON.parse(require("fs").readFileSync(process.argv[1])), v = d.violations, p = [];
if (!Array.isArray(v) || v.length !== 1) p.push("expected one violation, got " + JSON.stringify(v));
else {
	if (v[0].class !== "LeakyConnection") p.push("violation class " + v[0].class);
	if (v[0].rule !== "LeakyConnection:new>0") p.push("violation rule " + v[0].rule);
	if (v[0].metric !== "new") p.push("violation metric " + v[0].metric);
	if (v[0].value !== 500) p.push("violation value " + v[0].value + ", expected 500");
	if (v[0].limit !== 0) p.push("violation limit " + v[0].limit);
}
if (p.length) console.log(p.join("\n"));' "$TMP/g.json"
	grep -q "LeakyConnection:new>0" "$TMP/g.err" || fail "gate new: stderr does not name the violated rule"
fi
# text output lists the violation too; several rules, only the violated ones listed
# (no ChurnItem is alive in either snapshot: its rule is optional, '?')
if run "gate text" 1 "$TMP/g.txt" "$TMP/g.err" -- diff "$L1" "$L3" --fail-on 'LeakyConnection:count>999' \
	--fail-on 'CacheEntry:count>600' --fail-on 'ListenerContext:count>100%' --fail-on 'ChurnItem:new>0?'; then
	# LeakyConnection +1000 > 999 fails; CacheEntry +600 is not > 600;
	# ListenerContext +80 is not > 100% of 40 ... it is: 80 > 40 fails.
	grep -q 'Gate: 2 violations' "$TMP/g.txt" || fail "gate text: expected 'Gate: 2 violations'"
	grep -q 'FAIL LeakyConnection:count>999: LeakyConnection count +1000' "$TMP/g.txt" || fail "gate text: LeakyConnection line"
	grep -q 'FAIL ListenerContext:count>100%: ListenerContext count +80 > limit 40' "$TMP/g.txt" || fail "gate text: ListenerContext line"
	grep -q 'CacheEntry' "$TMP/g.err" && fail "gate text: CacheEntry (+600, limit 600) reported"
fi
# a passing rule set on the leak pair: limits above the growth
if run "gate pass" 0 "$TMP/p.txt" "$TMP/p.err" -- diff "$L1" "$L2" --fail-on 'LeakyConnection:new>500' \
	--fail-on 'CacheEntry:count>300'; then
	grep -q 'all 2 rules passed' "$TMP/p.txt" || fail "gate pass: no 'all 2 rules passed'"
fi
# total rules: total size grows by 3463231 - 3127654 = 335577 bytes from leak-1 to leak-3
run "gate total fail" 1 "$TMP/t.txt" "$TMP/t.err" -- diff "$L1" "$L3" --fail-on 'total:retained>335576' &&
	{ grep -qF "violated by total: retained +335577 bytes > limit 335576" "$TMP/t.err" || fail "gate total: stderr line"; }
run "gate total pass" 0 "$TMP/t.txt" "$TMP/t.err" -- diff "$L1" "$L3" --fail-on 'total:retained>335577'
# 335577 / 3127654 = 10.73%: over 10%, under 11%; 335577 B < 0.34 MB, > 327 KiB
run "gate total 10%" 1 "$TMP/t.txt" "$TMP/t.err" -- diff "$L1" "$L3" --fail-on 'total:self>10%'
run "gate total 11%" 0 "$TMP/t.txt" "$TMP/t.err" -- diff "$L1" "$L3" --fail-on 'total:self>11%'
run "gate total 0.34MB" 0 "$TMP/t.txt" "$TMP/t.err" -- diff "$L1" "$L3" --fail-on 'total:retained>0.34MB'
run "gate total 327KiB" 1 "$TMP/t.txt" "$TMP/t.err" -- diff "$L1" "$L3" --fail-on 'total:retained>327KiB'

# the steady pair passes a reasonable rule set
if run "steady gate" 0 "$TMP/st.json" "$TMP/st.err" -- diff "$S1" "$S2" --format json \
	--fail-on '*:count>100' --fail-on 'total:retained>5%' --fail-on 'SteadyThing:new>0' \
	--fail-on 'SteadyThing:count>0' --fail-on 'ChurnItem:count>0?'; then
	js "steady" '
const fs = require("fs"), [f, ef] = process.argv.slice(1);
const d = JSON.parse(fs.readFileSync(f)), e = JSON.parse(fs.readFileSync(ef)), p = [];
if (d.violations.length) p.push("violations: " + JSON.stringify(d.violations));
const st = d.classes.find(c => c.name === "SteadyThing");
if (st && (st.count_a !== e.SteadyThing.counts[0] || st.count_b !== e.SteadyThing.counts[1] || st.new !== 0))
	p.push("SteadyThing changed: " + JSON.stringify(st));
const ch = d.classes.find(c => c.name === "ChurnItem");
if (ch && (ch.count_b !== 0 || ch.new !== 0)) p.push("ChurnItem present: " + JSON.stringify(ch));
if (p.length) console.log(p.join("\n"));' "$TMP/st.json" "$STEADY_EXPECTED"
	grep -q "do not look like" "$TMP/st.err" && fail "steady: spurious 'do not look like' warning"
fi

# ---- 4. a JSON baseline as A ----------------------------------------------------------
if run "summary baseline" 0 "$TMP/base.json" "$TMP/base.err" -- summary "$L1" --format json; then
	if run "baseline diff" 0 "$TMP/bd.json" "$TMP/bd.err" -- diff "$TMP/base.json" "$L3" --format json; then
		js "baseline diff" '
const fs = require("fs"), [f, ef, rf, fa, fb] = process.argv.slice(1);
const d = JSON.parse(fs.readFileSync(f)), e = JSON.parse(fs.readFileSync(ef)), raw = JSON.parse(fs.readFileSync(rf)), p = [];
if (d.a.baseline !== true) p.push("a.baseline should be true");
if (d.b.baseline !== false) p.push("b.baseline should be false");
if (d.a.node_count !== raw[fa].node_count) p.push("a.node_count " + d.a.node_count);
if (d.a.total_size !== raw[fa].total_size) p.push("a.total_size " + d.a.total_size);
if (d.b.total_size !== raw[fb].total_size) p.push("b.total_size " + d.b.total_size);
if (d.shared_ids !== null) p.push("shared_ids should be null");
for (const name of ["LeakyConnection", "CacheEntry", "ListenerContext"]) {
	const c = d.classes.find(x => x.name === name);
	if (!c) { p.push(name + " missing"); continue; }
	const want = e[name].counts[2] - e[name].counts[0];
	if (c.count_delta !== want) p.push(name + ".count_delta " + c.count_delta + ", expected " + want);
	if (c.count_a !== e[name].counts[0]) p.push(name + ".count_a " + c.count_a);
	if (c.new !== null || c.deleted !== null) p.push(name + ": new/deleted should be null");
}
for (const c of d.classes)
	if (c.new !== null) { p.push(c.name + ".new is not null"); break; }
if (p.length) console.log(p.join("\n"));' "$TMP/bd.json" "$EXPECTED" "$TMP/raw.json" "$L1" "$L3"
	fi
	run "baseline text" 0 "$TMP/bd.txt" "$TMP/bd.err" -- diff "$TMP/base.json" "$L3" &&
		{ grep -q '(baseline)' "$TMP/bd.txt" || fail "baseline text: A not marked (baseline)"; }
	run "baseline csv" 0 "$TMP/bd.csv" "$TMP/bd.err" -- diff "$TMP/base.json" "$L3" --format csv &&
		{ grep -q '^LeakyConnection,500,1500,1000,,,' "$TMP/bd.csv" || fail "baseline csv: LeakyConnection row with empty new/deleted"; }
	# count rules work with a baseline; a new rule is a usage error
	run "baseline gate count" 1 "$TMP/bg.txt" "$TMP/bg.err" -- diff "$TMP/base.json" "$L3" --fail-on 'LeakyConnection:count>999'
	if run "baseline gate new" 2 "$TMP/bn.txt" "$TMP/bn.err" -- diff "$TMP/base.json" "$L3" --fail-on 'X:new>0'; then
		grep -q "X:new>0" "$TMP/bn.err" || fail "baseline gate new: stderr does not quote the rule"
	fi
	run "baseline gate total new" 2 "$TMP/bn.txt" "$TMP/bn.err" -- diff "$TMP/base.json" "$L3" --fail-on 'total:count>5%' --fail-on 'total:new>0'
	# B must be a snapshot
	run "baseline as B" 2 "$TMP/bb.txt" "$TMP/bb.err" -- diff "$L1" "$TMP/base.json"
fi

# ---- 5. malformed rules and usage errors -------------------------------------------
for rule in 'LeakyConnection:count' 'LeakyConnection>5' ':count>5' 'LeakyConnection:size>5' \
	'LeakyConnection:count>' 'LeakyConnection:count>-1' 'LeakyConnection:self>5TB' 'LeakyConnection:count>5KB'; do
	if run "malformed $rule" 2 "$TMP/m.txt" "$TMP/m.err" -- diff "$L1" "$L2" --fail-on "$rule"; then
		grep -qF "'$rule'" "$TMP/m.err" || fail "malformed '$rule': no stderr line quoting the rule: $(head -1 "$TMP/m.err")"
		[ -s "$TMP/m.txt" ] && fail "malformed '$rule': printed a report"
	fi
done
run "bad sort" 2 "$TMP/m.txt" "$TMP/m.err" -- diff "$L1" "$L2" --sort size
run "one file" 2 "$TMP/m.txt" "$TMP/m.err" -- diff "$L1"
run "missing file" 3 "$TMP/m.txt" "$TMP/m.err" -- diff "$L1" "$TMP/nonexistent.heapsnapshot"

# ---- 6. the same-process warning ---------------------------------------------------
if run "different programs" 0 "$TMP/w.txt" "$TMP/w.err" -- diff "$BASIC" "$L1"; then
	grep -q "do not look like" "$TMP/w.err" || fail "node-basic vs leak-1: no 'do not look like' warning on stderr"
	grep -q "do not look like" "$TMP/w.txt" && fail "the warning went to stdout"
fi
if run "same program" 0 "$TMP/w.txt" "$TMP/w.err" -- diff "$L1" "$L2"; then
	grep -q "do not look like" "$TMP/w.err" && fail "leak-1 vs leak-2: spurious warning"
fi

# ---- 7. formats ----------------------------------------------------------------------
if run "markdown" 0 "$TMP/md.md" "$TMP/md.err" -- diff "$L1" "$L2" --format markdown --top 5 --fail-on 'LeakyConnection:new>1000'; then
	grep -qE '^\| *Class *\|.*\| *New *\|' "$TMP/md.md" || fail "markdown: no table header line"
	grep -qE '^\|[ :|-]+\|$' "$TMP/md.md" || fail "markdown: no table separator line"
	grep -qE '^\| *LeakyConnection *\|' "$TMP/md.md" || fail "markdown: no LeakyConnection row"
	grep -q '^## ' "$TMP/md.md" || fail "markdown: no heading"
	grep -q 'All 1 rule passed' "$TMP/md.md" || fail "markdown: gate result missing"
fi
if run "csv" 0 "$TMP/d.csv" "$TMP/d.err" -- diff "$L1" "$L2" --format csv; then
	[ "$(head -1 "$TMP/d.csv")" = "class,count_a,count_b,count_delta,new,deleted,self_a,self_b,self_delta,retained_a,retained_b,retained_delta" ] ||
		fail "csv: header is $(head -1 "$TMP/d.csv")"
	grep -q '^LeakyConnection,500,1000,500,500,0,' "$TMP/d.csv" || fail "csv: LeakyConnection row"
	grep -q '^CacheEntry,300,600,300,300,0,' "$TMP/d.csv" || fail "csv: CacheEntry row"
	grep -q '^ListenerContext,40,80,40,40,0,' "$TMP/d.csv" || fail "csv: ListenerContext row"
	# JSON and CSV list the same classes
	js "csv vs json" '
const fs = require("fs"), [cf, jf] = process.argv.slice(1);
const lines = fs.readFileSync(cf, "utf8").trim().split("\n").slice(1);
const j = JSON.parse(fs.readFileSync(jf)).classes;
if (lines.length !== j.length) console.log("csv has " + lines.length + " rows, json " + j.length);' "$TMP/d.csv" "$TMP/d12.json"
fi
run "bad format" 2 "$TMP/m.txt" "$TMP/m.err" -- diff "$L1" "$L2" --format xml

# ---- 8. gzipped and plain inputs give the same result ---------------------------------
gunzip -c "$L1" >"$TMP/leak-1.heapsnapshot"
gunzip -c "$L2" >"$TMP/leak-2.heapsnapshot"
if run "gz" 0 "$TMP/gz.json" "$TMP/gz.err" -- diff "$L1" "$L2" --format json &&
   run "plain" 0 "$TMP/plain.json" "$TMP/plain.err" -- diff "$TMP/leak-1.heapsnapshot" "$TMP/leak-2.heapsnapshot" --format json &&
   run "mixed" 0 "$TMP/mixed.json" "$TMP/mixed.err" -- diff "$TMP/leak-1.heapsnapshot" "$L2" --format json; then
	js "gz vs plain" '
const fs = require("fs"), [g, p, m] = process.argv.slice(1).map(f => JSON.parse(fs.readFileSync(f)));
for (const d of [g, p, m]) { delete d.a.file; delete d.b.file; }
if (JSON.stringify(g) !== JSON.stringify(p)) console.log("plain differs from gzipped");
if (JSON.stringify(g) !== JSON.stringify(m)) console.log("plain A + gzipped B differs");' "$TMP/gz.json" "$TMP/plain.json" "$TMP/mixed.json"
fi
# a gzipped baseline works too
gzip -c "$TMP/base.json" >"$TMP/base.json.gz" 2>/dev/null
if [ -s "$TMP/base.json.gz" ] && run "gz baseline" 0 "$TMP/bgz.json" "$TMP/bgz.err" -- diff "$TMP/base.json.gz" "$L3" --format json; then
	js "gz baseline" '
const fs = require("fs"), [a, b] = process.argv.slice(1).map(f => JSON.parse(fs.readFileSync(f)));
delete a.a.file; delete b.a.file;
if (JSON.stringify(a) !== JSON.stringify(b)) console.log("gzipped baseline differs from plain");' "$TMP/bgz.json" "$TMP/bd.json"
fi

lib_finish
