#!/usr/bin/env bash
# cli_oom.sh HSNAP FIXTURES_DIR
#
# Out of memory through the CLI under `ulimit -v` (issue 11, item 8: only
# src/cli exits; the library calls the CLI's handler, src/cli/oom.c).  For
# a ladder of address-space limits, summary and diff (--jobs 1 and 2) on a
# fixture either succeed with the output they give without a limit, or end
# with exit 4 and exactly one stderr line "hsnap: out of memory allocating N
# bytes" (or "hsnap: allocation size overflow (A x B)"); never an abort,
# a crash or a second line.  At least one limit must run out of memory (else
# the ladder tests nothing).  Not for ASan builds (shadow memory needs
# terabytes of address space): tests/robust/CMakeLists.txt skips it there.
# Also: the largest --strings (100000000) on a 10-node snapshot runs under a
# 300 MB limit, memory for duplicate strings being bounded by the texts there
# are (c97ae4b allocated 4 bytes per requested row, 400 MB: exit 4).
# Exit 0 when every check passes, 1 otherwise.
set -u
HSNAP=${1:?usage: cli_oom.sh HSNAP FIXTURES_DIR}
FIX=${2:?usage: cli_oom.sh HSNAP FIXTURES_DIR}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HSNAP_NO_INDEX=1
fails=0 checks=0 ooms=0
A=$FIX/leak-1.heapsnapshot.gz B=$FIX/leak-2.heapsnapshot.gz
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for jobs in 1 2; do
	"$HSNAP" --jobs $jobs summary "$B" >"$TMP/summary.want" 2>/dev/null || fail "summary without a limit"
	"$HSNAP" --jobs $jobs diff "$A" "$B" >"$TMP/diff.want" 2>/dev/null || fail "diff without a limit"
	for kb in 4000 6000 8000 10000 12000 16000 20000 30000 45000 60000 90000; do
		for cmd in summary diff; do
			checks=$((checks + 1))
			if [ $cmd = summary ]; then set -- summary "$B"; else set -- diff "$A" "$B"; fi
			(ulimit -v $kb; exec "$HSNAP" --jobs $jobs "$@") >"$TMP/out" 2>"$TMP/err"
			rc=$?
			what="$cmd --jobs $jobs under ulimit -v $kb"
			case $rc in
			0)	cmp -s "$TMP/out" "$TMP/$cmd.want" || fail "$what: exit 0 with another output"
				[ ! -s "$TMP/err" ] || fail "$what: exit 0 with stderr: $(head -c 200 "$TMP/err")";;
			4)	ooms=$((ooms + 1))
				[ "$(wc -l <"$TMP/err")" = 1 ] && [ "$(tail -c 1 "$TMP/err" | od -An -c | tr -d ' ')" = '\n' ] ||
					fail "$what: stderr is not one line: $(head -c 300 "$TMP/err")"
				grep -Eq '^hsnap: (out of memory allocating [0-9]+ bytes|allocation size overflow \([0-9]+ x [0-9]+\))$' "$TMP/err" ||
					fail "$what: not the out-of-memory line: $(head -c 300 "$TMP/err")";;
			*)	fail "$what: exit $rc: $(head -c 300 "$TMP/err")";;
			esac
		done
	done
done
[ "$ooms" -gt 0 ] || fail "no limit ran out of memory: the ladder tests nothing"
checks=$((checks + 1))
(ulimit -v 307200; exec "$HSNAP" --jobs 1 summary --strings 100000000 "$FIX/tiny/diamond.heapsnapshot") \
	>"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" = 0 ] && grep -q "nodes" "$TMP/out" ||
	fail "summary --strings 100000000 under ulimit -v 300 MB: exit $rc $(head -c 200 "$TMP/err")"
echo "cli_oom.sh: $checks runs ($ooms out of memory), $fails failed"
[ "$fails" = 0 ]
