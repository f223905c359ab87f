#!/usr/bin/env bash
# '*' rules see the program's classes: on the steady fixture pair (the same
# work done twice: fixtures/gen, steady.expected.json) only V8's and Node's
# internals gain new objects ((compiled code) 8, Node / std::basic_string 28,
# Detached Node / BindingData 7), so '*:new>3' passes while '**:new>3' (every
# class) fails; on the leaking pair '*:new>3' fails on LeakyConnection (500 new
# per step, leak-series.expected.json).
#   run_user_gate.sh HSNAP FIXTURES
set -u
HSNAP=${1:?usage: run_user_gate.sh HSNAP FIXTURES}
FIX=${2:?usage: run_user_gate.sh HSNAP FIXTURES}
export HSNAP_NO_INDEX=1
S1=$FIX/steady-1.heapsnapshot.gz S2=$FIX/steady-2.heapsnapshot.gz
L1=$FIX/leak-1.heapsnapshot.gz L2=$FIX/leak-2.heapsnapshot.gz
fails=0 checks=0
expect() { # expect NAME WANT-RC [GREP] -- ARGS
	local name=$1 want=$2 pat=$3; shift 4
	local out rc
	out=$("$HSNAP" "$@" 2>&1); rc=$?
	checks=$((checks + 1))
	if [ "$rc" != "$want" ] || { [ -n "$pat" ] && ! grep -q -- "$pat" <<<"$out"; }; then
		fails=$((fails + 1)); echo "FAIL: $name: exit $rc (want $want)"; echo "$out" | tail -5
	fi
}
expect "steady, *:new>3 passes" 0 "all 1 rule passed" -- diff "$S1" "$S2" --fail-on '*:new>3'
expect "steady, **:new>3 fails on internals" 1 "FAIL \*\*:new>3: Node / std::basic_string new +28" -- diff "$S1" "$S2" --fail-on '**:new>3'
expect "leaking, *:new>3 fails" 1 "FAIL \*:new>3: LeakyConnection new +500" -- diff "$L1" "$L2" --fail-on '*:new>3'
expect "internal class by name" 1 "(compiled code)" -- diff "$S1" "$S2" --fail-on '(compiled code):new>3'
echo "run_user_gate.sh: $checks checks, $fails failed"
[ "$fails" = 0 ]
