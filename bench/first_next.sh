#!/usr/bin/env bash
# First and next command from the index, and the command without it, for
# two builds round-robin on one snapshot (issue 17):
#
#   bench/first_next.sh --file F --before BIN --after BIN [--runs N] [--cmd "summary --format json"]
#
# Each build gets a folder of its own under $TMPDIR with a symlink to F, so
# that each writes and reads its own index.  Per round and build, in this
# order: `--no-index CMD`, the first CMD (index removed first: it writes
# one), the next CMD (from the index).  Each run goes through
# bench/build/answer_time (built here), which prints the seconds to the end
# of the command's stdout (answer_s), to its exit (wall_s) and its CPU
# (user_s, sys_s, children included).  Outputs are compared with the first
# round's --no-index output of the same build, and across the builds.
# Prints one line per run, then the medians and the ratios of the medians.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=3 CMD="summary --format json" FILE= BEFORE= AFTER=
while [ $# -gt 0 ]; do
	case $1 in
	--file) FILE=$2; shift 2 ;;
	--before) BEFORE=$2; shift 2 ;;
	--after) AFTER=$2; shift 2 ;;
	--runs) RUNS=$2; shift 2 ;;
	--cmd) CMD=$2; shift 2 ;;
	*) echo "unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -n "$FILE" ] && [ -n "$BEFORE" ] && [ -n "$AFTER" ] || { echo "usage: $0 --file F --before BIN --after BIN [--runs N] [--cmd CMD]" >&2; exit 2; }
mkdir -p "$HERE/build"
AT=$HERE/build/answer_time
[ -x "$AT" ] && [ "$AT" -nt "$HERE/answer_time.c" ] || cc -O2 -o "$AT" "$HERE/answer_time.c"
W=$(mktemp -d "${TMPDIR:-/tmp}/first_next.XXXXXX")
trap 'rm -rf "$W"' EXIT
FILE=$(readlink -f "$FILE") BEFORE=$(readlink -f "$BEFORE") AFTER=$(readlink -f "$AFTER")
base=$(basename "$FILE")
for b in before after; do mkdir -p "$W/$b"; ln -s "$FILE" "$W/$b/$base"; done
LOG=$W/log
: >"$LOG"
one() { # build label bin args...
	local b=$1 what=$2 bin=$3 line
	shift 3
	line=$(cd "$W/$b" && "$AT" -o "$W/$b.out" -- "$bin" "$@" 2>&1 >/dev/null | tail -1)
	echo "$b $what $line" | tee -a "$LOG"
	case $line in *" rc=0") ;; *) echo "$b $what failed: $line" >&2; exit 1 ;; esac
	if [ ! -f "$W/$b.ref" ]; then cp "$W/$b.out" "$W/$b.ref"; fi
	cmp -s "$W/$b.out" "$W/$b.ref" || { echo "output of $b $what differs" >&2; exit 1; }
}
uptime
for r in $(seq "$RUNS"); do
	for b in before after; do
		bin=$BEFORE; [ $b = after ] && bin=$AFTER
		# shellcheck disable=SC2086
		one $b noindex "$bin" --no-index $CMD "$base"
		rm -f "$W/$b/$base.hsnapidx"
		# shellcheck disable=SC2086
		one $b first "$bin" $CMD "$base"
		# shellcheck disable=SC2086
		one $b next "$bin" $CMD "$base"
	done
done
cmp -s "$W/before.ref" "$W/after.ref" && echo "outputs: identical across builds and runs" || echo "outputs: DIFFER between builds"
uptime
awk '
function med(k,   n, i, j, t, a) { n = split(v[k], a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }; return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
{ for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "rc") continue; k = $1 " " $2 " " kv[1]; v[k] = v[k] " " kv[2]; if (kv[1] == "user_s") cpu[$1 " " $2] = cpu[$1 " " $2] " " kv[2] } }
{ for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "user_s") u = kv[2]; if (kv[1] == "sys_s") s = kv[2] }; k = $1 " " $2 " cpu_s"; v[k] = v[k] " " (u + s) }
END {
	printf "%-7s %-8s %9s %9s %9s\n", "build", "run", "answer_s", "wall_s", "cpu_s"
	for (b = 0; b < 2; b++) { bb = b ? "after" : "before"
		for (w = 0; w < 3; w++) { ww = w == 0 ? "noindex" : w == 1 ? "first" : "next"
			printf "%-7s %-8s %9.3f %9.3f %9.3f\n", bb, ww, med(bb " " ww " answer_s"), med(bb " " ww " wall_s"), med(bb " " ww " cpu_s") } }
	for (b = 0; b < 2; b++) { bb = b ? "after" : "before"
		printf "%s: first/noindex answer %.3f, wall %.3f, cpu %.3f; first/next wall %.1f, cpu %.1f\n", bb,
			med(bb " first answer_s") / med(bb " noindex answer_s"), med(bb " first wall_s") / med(bb " noindex wall_s"),
			med(bb " first cpu_s") / med(bb " noindex cpu_s"),
			med(bb " first wall_s") / med(bb " next wall_s"), med(bb " first cpu_s") / med(bb " next cpu_s") }
}' "$LOG"
