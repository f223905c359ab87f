#!/usr/bin/env bash
# Every command's --help exits 0, prints a Usage line, and shows '%' as a
# single character (help texts are printed with fputs, so a printf-style
# '%%' in the source shows up doubled).  hsnap --help lists every command and
# the global options.
#   run_help.sh HSNAP
set -u
HSNAP=${1:?usage: run_help.sh HSNAP}
FAILS=0
CHECKS=0
for cmd in summary top info diff retainers leaks growth export show capture watch contexts realms verify; do
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
CHECKS=$((CHECKS + 1))
out=$("$HSNAP" --help 2>&1)
rc=$?
[ "$rc" = 0 ] || { echo "FAIL: hsnap --help: exit $rc" >&2; FAILS=$((FAILS + 1)); }
printf '%s\n' "$out" | grep -q "^Usage: hsnap " || { echo "FAIL: hsnap --help: no Usage line" >&2; FAILS=$((FAILS + 1)); }
for w in summary top info diff retainers leaks growth export show capture watch contexts realms verify; do
	printf '%s\n' "$out" | grep -q "^  $w  *[a-z]" || { echo "FAIL: hsnap --help: command $w not listed" >&2; FAILS=$((FAILS + 1)); }
done
for w in "-j, --jobs N" "--no-index" "--verify-index" "--max-input SIZE" "-V, --version" "-h, --help"; do
	printf '%s\n' "$out" | grep -qF -- "  $w  " || { echo "FAIL: hsnap --help: global option '$w' not listed" >&2; FAILS=$((FAILS + 1)); }
done
echo "run_help.sh: $CHECKS commands checked, $FAILS failures"
[ "$FAILS" = 0 ]
