#!/usr/bin/env bash
# CLI test of `hsnap contexts` and `hsnap realms` (the numbers themselves are
# checked against DevTools by tests/parity/run_parity2026.sh and by hand in
# tests/test_contexts.c): every format exits 0 on a snapshot with scope tables
# and on one without (which says so), malformed scope tables exit 3 with one
# stderr line `hsnap: FILE: ...`, usage errors exit 2.
#   run_contexts.sh HSNAP FIXTURES_DIR
set -u
HSNAP=${1:?usage: run_contexts.sh HSNAP FIXTURES_DIR}
FIX=${2:?usage: run_contexts.sh HSNAP FIXTURES_DIR}
. "$(dirname "$0")/lib.sh"
lib_init run_contexts.sh cli-ctx

# run NAME WANT_RC -- ARGS...: runs hsnap, checks the exit code; out/err in $TMP/NAME.{out,err}
run() {
	local name=$1 want=$2; shift 3
	CHECKS=$((CHECKS + 1))
	"$HSNAP" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	local rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name: exit $rc, wanted $want ($(head -c 300 "$TMP/$name.err"))"
		return 1
	fi
}
has() { # NAME FILE TEXT
	CHECKS=$((CHECKS + 1))
	grep -qF -- "$3" "$2" || fail "$1: '$3' not in $(basename "$2")"
}

CC=$FIX/2026/chrome-closures.heapsnapshot.gz
NODE=$FIX/node-basic.heapsnapshot.gz
for f in text json csv markdown; do
	run "cc-$f" 0 -- contexts "$CC" --format "$f" && [ ! -s "$TMP/cc-$f.err" ] || fail "cc-$f: stderr not empty"
	run "node-$f" 0 -- contexts "$NODE" --format "$f"
	run "realms-cc-$f" 0 -- realms "$CC" --format "$f"
	run "realms-node-$f" 0 -- realms "$NODE" --format "$f"
done
has cc-text "$TMP/cc-text.out" "payload"
has cc-text "$TMP/cc-text.out" "BigPayload @"
has cc-json "$TMP/cc-json.out" '"has_scope_tables": true'
has cc-csv "$TMP/cc-csv.out" "script,start,end,context_id,context_retained_size,variable,value_id,value_class,retained_size"
has cc-markdown "$TMP/cc-markdown.out" "## Dead closure variables"
has node-text "$TMP/node-text.out" "no closure-scope tables"
has node-json "$TMP/node-json.out" '"has_scope_tables": false'
has node-csv "$TMP/node-csv.err" "no closure-scope tables"
has realms-cc-text "$TMP/realms-cc-text.out" "(shared)"
has realms-cc-json "$TMP/realms-cc-json.out" '"unattributed_size"'
has realms-node-csv "$TMP/realms-node-csv.out" "name,id,global,attributed_size,share,retained_size,self_size"
run top1 0 -- contexts "$CC" --top 1 --format json
CHECKS=$((CHECKS + 1))
[ "$(grep -c '"script_id"' "$TMP/top1.out")" = 1 ] || fail "top1: --top 1 did not give one scope"

# malformed scope tables: the tiny fixture with a scope table whose depth skips a level,
# or whose variable count exceeds the variables; the loader rejects a fractional number
mk() { # NAME SCOPES VARS
	zcat -f "$FIX/tiny/diamond.heapsnapshot" | sed \
		-e 's/"meta":{/"meta":{"scope_fields":["script_node_index","scope_id","depth","scope_context_vars_count","scope_uses_count"],"scope_context_var_fields":["name"],"scope_use_fields":["declaring_scope_id","slot_index"],/' \
		-e "s/^{\"snapshot\"/{\"scopes\":$2,\"scope_context_vars\":$3,\"scope_uses\":[],\"snapshot\"/" >"$TMP/$1.heapsnapshot"
	grep -q '"scopes"' "$TMP/$1.heapsnapshot" || fail "$1: could not build the file"
}
mk depth "[0,-2,0,0,0,0,1,2,0,0]" "[]"
mk vars "[0,-2,0,5,0]" "[1]"
mk frac "[0,-2,0,0,0.5]" "[]"
for c in depth:depth vars:scope_context_vars frac:scopes; do
	n=${c%%:*} w=${c#*:}
	run "bad-$n" 3 -- contexts "$TMP/$n.heapsnapshot" || continue
	CHECKS=$((CHECKS + 1))
	[ "$(wc -l <"$TMP/bad-$n.err")" = 1 ] && grep -q "^hsnap: $TMP/$n.heapsnapshot: .*$w" "$TMP/bad-$n.err" ||
		fail "bad-$n: stderr is not one 'hsnap: FILE: ...$w...' line: $(cat "$TMP/bad-$n.err")"
done
# the same files load for every other command (only contexts reads the scope tables' contents)
run depth-summary 0 -- summary "$TMP/depth.heapsnapshot"
run vars-realms 0 -- realms "$TMP/vars.heapsnapshot"

# summary --filter (the rows are compared with DevTools by run_parity2026.sh)
run filt 0 -- summary "$CC" --filter objectsRetainedByConsole --format json
has filt "$TMP/filt.out" '"filter": "objectsRetainedByConsole"'
has filt "$TMP/filt.out" '"name": "ConsoleThing"'
run filt-text 0 -- summary "$CC" --filter duplicatedStrings
has filt-text "$TMP/filt-text.out" "filter duplicatedStrings"
run filt-bad 2 -- summary "$CC" --filter retainedByMagic
has filt-bad "$TMP/filt-bad.err" "unknown filter"
run filt-ctx 2 -- summary "$CC" --filter nativeContext_5
has filt-ctx "$TMP/filt-ctx.err" "no native context has id 5"

# summary --group site (rows compared with DevTools by run_parity2026.sh)
run site 0 -- summary "$NODE" --group site --format json
has site "$TMP/site.out" '"key": ",(string)"'
has site "$TMP/site.out" '"site": {'
run site-bad 2 -- summary "$NODE" --group module
has site-bad "$TMP/site-bad.err" "--group must be name or site"

run usage1 2 -- contexts
run usage2 2 -- contexts "$CC" --format xml
# realms over two snapshots (numbers checked against DevTools by run_parity2026.sh)
CC2=$FIX/2026/chrome-closures-2.heapsnapshot.gz
run pair 0 -- realms "$CC" "$CC2"
has pair "$TMP/pair.out" "growth"
run pair-json 0 -- realms "$CC" "$CC2" --format json
has pair-json "$TMP/pair-json.out" '"attributed_sizes"'
run pair-gate 1 -- realms "$CC" "$CC2" --fail-on 'Window*:self>100KB'
has pair-gate "$TMP/pair-gate.err" "hsnap: realms: rule 'Window*:self>100KB' violated by Window / ://: self +"
run pair-pass 0 -- realms "$CC" "$CC2" --fail-on 'Window*:self>200KB' --fail-on 'total:self>50%'
run usage3 2 -- realms "$CC" --fail-on 'total:self>1MB'
run usage5 2 -- realms "$CC" "$CC2" --fail-on 'total:new>1'
run usage4 2 -- contexts "$CC" --bogus

echo "run_contexts.sh: $CHECKS checks, $FAILS failed"
[ "$FAILS" = 0 ]
