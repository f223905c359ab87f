#!/usr/bin/env bash
# Every command's --help exits 0, prints a Usage line, and shows '%' as a
# single character (help texts are printed with fputs, so a printf-style
# '%%' in the source shows up doubled).
#   run_help.sh HSNAP
set -u
HSNAP=${1:?usage: run_help.sh HSNAP}
FAILS=0
CHECKS=0
for cmd in summary top info diff retainers leaks growth export show capture watch contexts realms; do
	CHECKS=$((CHECKS + 1))
	out=$("$HSNAP" "$cmd" --help 2>&1)
	rc=$?
	[ "$rc" = 0 ] || { echo "FAIL: $cmd --help: exit $rc" >&2; FAILS=$((FAILS + 1)); continue; }
	printf '%s\n' "$out" | grep -q "^Usage: hsnap $cmd" || { echo "FAIL: $cmd --help: no 'Usage: hsnap $cmd' line" >&2; FAILS=$((FAILS + 1)); }
	if printf '%s\n' "$out" | grep -q '%%'; then
		echo "FAIL: $cmd --help shows '%%': $(printf '%s\n' "$out" | grep '%%' | head -1)" >&2
		FAILS=$((FAILS + 1))
	fi
done
echo "run_help.sh: $CHECKS commands checked, $FAILS failures"
[ "$FAILS" = 0 ]
