#!/usr/bin/env bash
# CLI test of diff --realms, realm: rules (diff and growth), diff --filter and growth --realms (the numbers themselves are
# checked against DevTools by tests/parity/run_parity2026.sh, the matching by hand in
# tests/test_gate.c): diff --realms lists the realms of 'hsnap realms A B' with the same
# sizes; realm rules fail, pass and are refused as documented; --filter changes the answer.
#   run_diff_realms.sh HSNAP FIXTURES_DIR
set -u
HSNAP=${1:?usage: run_diff_realms.sh HSNAP FIXTURES_DIR}
FIX=${2:?usage: run_diff_realms.sh HSNAP FIXTURES_DIR}
. "$(dirname "$0")/lib.sh"
lib_init run_diff_realms.sh cli-drealms

run() { # NAME WANT_RC -- ARGS...
	local name=$1 want=$2; shift 3
	CHECKS=$((CHECKS + 1))
	"$HSNAP" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	local rc=$?
	[ "$rc" = "$want" ] || { fail "$name: exit $rc, wanted $want ($(head -c 300 "$TMP/$name.err"))"; return 1; }
}
has() { CHECKS=$((CHECKS + 1)); grep -qF -- "$3" "$2" || fail "$1: '$3' not in $2"; }

A=$FIX/2026/chrome-closures.heapsnapshot.gz
B=$FIX/2026/chrome-closures-2.heapsnapshot.gz
for f in text json csv markdown html; do
	run "realms-$f" 0 -- diff "$A" "$B" --realms --format "$f"
done
has realms-text "$TMP/realms-text.out" "Realms (native contexts"
has realms-markdown "$TMP/realms-markdown.out" "### Realms (native contexts)"
has realms-csv "$TMP/realms-csv.out" "label,id,attributed_a,attributed_b,attributed_delta,retained_a,retained_b,retained_delta"
# the same realms, labels and sizes as hsnap realms A B
run pair 0 -- realms "$A" "$B" --format json
CHECKS=$((CHECKS + 1))
node -e '
const fs = require("fs");
const d = JSON.parse(fs.readFileSync(process.argv[1])), p = JSON.parse(fs.readFileSync(process.argv[2]));
const want = p.realms.map((r) => [r.id, r.label, r.attributed_sizes[0], r.attributed_sizes[1], r.growth]);
const got = d.realms.map((r) => [r.id, r.label, r.attributed_a, r.attributed_b, r.attributed_delta]);
if (JSON.stringify(want) !== JSON.stringify(got)) { console.error(JSON.stringify({ want, got })); process.exit(1); }
' "$TMP/realms-json.out" "$TMP/pair.out" || fail "diff --realms rows differ from hsnap realms A B"

run gate 1 -- diff "$A" "$B" --fail-on 'realm:Window*:self>100KB' --fail-on 'realm:(shared):retained>0'
has gate "$TMP/gate.err" "hsnap: diff: rule 'realm:Window*:self>100KB' violated by Window / ://: self +122344 bytes > limit 100000"
CHECKS=$((CHECKS + 1)); [ "$(wc -l <"$TMP/gate.err")" = 1 ] || fail "gate: one violation wanted"
run gate-json 1 -- diff "$A" "$B" --fail-on 'realm:Window*:self>100KB' --format json
has gate-json "$TMP/gate-json.out" '"rule": "realm:Window*:self>100KB"'
run pass 0 -- diff "$A" "$B" --fail-on 'realm:Window*:self>200KB' --fail-on 'realm:total:self>50%'
# 'realm:count>5' is the class "realm" (none: exit 2 unless optional), never a realm rule
run cls 2 -- diff "$A" "$B" --fail-on 'realm:count>5'
has cls "$TMP/cls.err" "selects no class"
run cls-opt 0 -- diff "$A" "$B" --fail-on 'realm:count>5?'
run bad-metric 2 -- diff "$A" "$B" --fail-on 'realm:global:count>5'
has bad-metric "$TMP/bad-metric.err" "realm rules use self"
"$HSNAP" summary "$A" --format json >"$TMP/base.json"
run baseline 2 -- diff "$TMP/base.json" "$B" --realms
has baseline "$TMP/baseline.err" "need two snapshots"

# --filter: the iframe's realm only changes 6 classes (7 unfiltered), Array 11 -> 2 objects
run nofilt 0 -- diff "$A" "$B" --format json
run filt 0 -- diff "$A" "$B" --filter nativeContext_7745 --format json
has filt "$TMP/filt.out" '"filter": "nativeContext_7745"'
CHECKS=$((CHECKS + 1))
node -e '
const fs = require("fs");
const u = JSON.parse(fs.readFileSync(process.argv[1])), f = JSON.parse(fs.readFileSync(process.argv[2]));
const arr = (d) => d.classes.find((c) => c.name === "Array");
if (u.classes.length !== 7 || f.classes.length !== 6 || arr(u).count_a !== 11 || arr(f).count_a !== 2) process.exit(1);
' "$TMP/nofilt.out" "$TMP/filt.out" || fail "filt: --filter did not change the diff as expected"
run filt-text 0 -- diff "$A" "$B" --filter objectsRetainedByContexts
has filt-text "$TMP/filt-text.out" "filter objectsRetainedByContexts (DevTools' named filter)"
run filt-bad 2 -- diff "$A" "$B" --filter retainedByMagic
has filt-bad "$TMP/filt-bad.err" "unknown filter"
run filt-ctx 2 -- diff "$A" "$B" --filter nativeContext_5
has filt-ctx "$TMP/filt-ctx.err" "no native context has id 5"
run filt-base 2 -- diff "$TMP/base.json" "$B" --filter duplicatedStrings
# a native context of one side only: nothing kept on the other (every class deleted)
run filt-one 0 -- diff "$A" "$FIX/2026/node-vm.heapsnapshot.gz" --filter nativeContext_7745 --format json
CHECKS=$((CHECKS + 1))
node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
if (!d.classes.length || d.classes.some((c) => c.count_b !== 0 || c.count_a === 0)) process.exit(1);
' "$TMP/filt-one.out" || fail "filt-one: B should keep nothing"
run help 0 -- diff --help
has help "$TMP/help.out" "objectsRetainedByDetachedDomNodes"
has help "$TMP/help.out" "realm:SELECTOR:METRIC>LIMIT"

# growth --realms: the table of hsnap realms S1 S2 S3, in every format but CSV
L1=$FIX/leak-1.heapsnapshot.gz L2=$FIX/leak-2.heapsnapshot.gz L3=$FIX/leak-3.heapsnapshot.gz
for f in text json csv markdown html; do
	run "growth-$f" 0 -- growth "$L1" "$L2" "$L3" --realms --containers 0 --format "$f"
done
has growth-text "$TMP/growth-text.out" "Realms over 3 snapshots"
has growth-markdown "$TMP/growth-markdown.out" "### Realms over 3 snapshots"
CHECKS=$((CHECKS + 1)); ! grep -q "realm" "$TMP/growth-csv.out" || fail "growth-csv: realms in CSV"
run growth-pair 0 -- realms "$L1" "$L2" "$L3" --format json
CHECKS=$((CHECKS + 1))
node -e '
const fs = require("fs");
const g = JSON.parse(fs.readFileSync(process.argv[1])), p = JSON.parse(fs.readFileSync(process.argv[2]));
if (JSON.stringify(g.realms) !== JSON.stringify(p.realms)) process.exit(1);
' "$TMP/growth-json.out" "$TMP/growth-pair.out" || fail "growth --realms rows differ from hsnap realms S1 S2 S3"
run growth-off 0 -- growth "$L1" "$L2" "$L3" --containers 0 --format json
CHECKS=$((CHECKS + 1)); ! grep -q '"realms"' "$TMP/growth-off.out" || fail "growth-off: realms without --realms"

# growth's realm: rules, on S1 S2 S2 of the closures page (fixtures/gen/chrome-closures.mjs:
# between the two captures only the iframe's realm gained 2000 FrameItem)
run ggate 1 -- growth "$A" "$B" "$B" --containers 0 --fail-on 'realm:Window*:self>100KB' --fail-on 'realm:(shared):retained>0'
has ggate "$TMP/ggate.err" "hsnap: growth: rule 'realm:Window*:self>100KB' violated by Window / ://: self +122344 bytes > limit 100000"
CHECKS=$((CHECKS + 1)); [ "$(wc -l <"$TMP/ggate.err")" = 1 ] || fail "ggate: one violation wanted"
run ggate-json 1 -- growth "$A" "$B" "$B" --containers 0 --fail-on 'realm:Window*:self>100KB' --format json
has ggate-json "$TMP/ggate-json.out" '"rule": "realm:Window*:self>100KB"'
CHECKS=$((CHECKS + 1)); ! grep -q '"realms"' "$TMP/ggate-json.out" || fail "ggate-json: a realm rule alone adds no realms table"
run gpass 0 -- growth "$A" "$B" "$B" --containers 0 --fail-on 'realm:Window*:self>200KB' --fail-on 'realm:total:self>50%'
run gbad-metric 2 -- growth "$A" "$B" "$B" --fail-on 'realm:global:count>5'
has gbad-metric "$TMP/gbad-metric.err" "realm rules use self"
# the rule's numbers are those of growth --realms' table (first to last snapshot)
run grealms 0 -- growth "$A" "$B" "$B" --containers 0 --realms --format json
CHECKS=$((CHECKS + 1))
node -e '
const g = JSON.parse(require("fs").readFileSync(process.argv[1]));
const w = g.realms.filter((r) => r.growth > 100000);
if (w.length !== 1 || w[0].label !== "Window / ://" || w[0].growth !== 122344) process.exit(1);
' "$TMP/grealms.out" || fail "grealms: one Window realm should grow by the violation's amount"
run ghelp 0 -- growth --help
has ghelp "$TMP/ghelp.out" "realm:SELECTOR:METRIC>LIMIT"

echo "run_diff_realms.sh: $CHECKS checks, $FAILS failed"
[ "$FAILS" = 0 ]
