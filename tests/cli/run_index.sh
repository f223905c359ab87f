#!/usr/bin/env bash
# CLI test of the index beside each snapshot (FILE.hsnapidx, hsnap/index.h):
#   run_index.sh HSNAP FIXTURES_DIR
# On copies of the real fixtures in a temporary folder (never in fixtures/):
#   - every analysing command prints exactly what `--no-index` prints, when the
#     index is absent (and gets written), present (and used), or present for
#     only one of the files of diff / growth / leaks;
#   - a changed snapshot (mtime, size, or same size and mtime but other bytes
#     in its last 64 KiB) makes the index stale: ignored and rebuilt;
#   - a corrupt index (truncated, a byte flipped, empty, random, another
#     snapshot's) is ignored and rebuilt, and `info` says so beforehand;
#   - an unwritable folder (as nobody when run as root) means no index, exit 0
#     and nothing on stderr;
#   - --no-index anywhere, HSNAP_NO_INDEX=1 and stdin neither read nor write
#     one; verify never uses one;
#   - two writers at once leave a sound index;
#   - valgrind (when installed, for a non-ASan binary) on writing and using it;
#   - hostile machines (issue 14): a middle edit with size and mtime restored
#     is stale; --verify-index finds a forged header; ulimit -f, a FIFO or a
#     directory at the index path, symlinks at the index path and at the old
#     temporary name, the index's mode, 246/247-byte names, stale temporary
#     files of dead pids.
# The reference is always hsnap itself with --no-index on the same bytes (the
# other tests check those numbers against DevTools and the generator).  One
# line per check; exits non-zero at the first failure.
set -euo pipefail
HSNAP=${1:?usage: run_index.sh HSNAP FIXTURES_DIR}
FIX=${2:?usage: run_index.sh HSNAP FIXTURES_DIR}
HSNAP=$(readlink -f "$HSNAP")
FIX=$(readlink -f "$FIX")

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hsnap-cli-index.XXXXXX")
NB=""
cleanup() {
	umount "$TMP/tiny-fs" 2>/dev/null || true
	chmod -R u+rwx "$TMP" 2>/dev/null || true
	rm -rf "$TMP"
	if [ -n "$NB" ]; then
		chmod -R u+rwx "$NB" 2>/dev/null || true
		rm -rf "$NB"
	fi
}
trap cleanup EXIT

export HSNAP_TRACE_INDEX=1
unset HSNAP_NO_INDEX
export LC_ALL=C

N=0
ok() { N=$((N + 1)); echo "ok $N - $*"; }
die() {
	echo "FAIL: $*" >&2
	if [ -n "${LAST_ERR:-}" ] && [ -s "$LAST_ERR" ]; then
		sed 's/^/    stderr: /' "$LAST_ERR" | head -12 >&2
	fi
	exit 1
}

# ---- the snapshots ------------------------------------------------------------
SNAPS=$TMP/snaps
mkdir -p "$SNAPS"
GZ=()
for f in "$FIX"/*.heapsnapshot.gz; do
	cp -p "$f" "$SNAPS/"
	GZ+=("$(basename "$f")")
done
[ ${#GZ[@]} -ge 6 ] || die "expected the real fixtures in $FIX, found ${#GZ[@]}"
for f in leak-1 leak-2 leak-3 steady-1 steady-2; do
	[ -f "$SNAPS/$f.heapsnapshot.gz" ] || die "missing fixture $f.heapsnapshot.gz"
done
PLAIN=leak-1.heapsnapshot
gzip -dc "$SNAPS/leak-1.heapsnapshot.gz" >"$SNAPS/$PLAIN"
ALL=("${GZ[@]}" "$PLAIN")
L1=leak-1.heapsnapshot.gz L2=leak-2.heapsnapshot.gz L3=leak-3.heapsnapshot.gz
S1=steady-1.heapsnapshot.gz S2=steady-2.heapsnapshot.gz

# fresh NAME FILE...: a new folder $TMP/NAME holding copies (same mtime) of
# the given snapshots and no index; prints its path.
fresh() {
	local d=$TMP/$1 f
	shift
	rm -rf "$d"
	mkdir -p "$d"
	for f in "$@"; do cp -p "$SNAPS/$f" "$d/"; done
	echo "$d"
}

# hs DIR TAG ARGS...: runs hsnap in DIR (file names relative to it, so that
# outputs of different folders compare), stdout in $OUT, stderr in $ERR, the
# exit code in $RC.  Outputs go to $TMP/out/TAG.{out,err}.
mkdir -p "$TMP/out"
hs() {
	local dir=$1 tag=$2
	shift 2
	OUT=$TMP/out/$tag.out ERR=$TMP/out/$tag.err LAST_ERR=$TMP/out/$tag.err
	RC=0
	(cd "$dir" && exec "$HSNAP" "$@") >"$OUT" 2>"$ERR" || RC=$?
}

want_rc() { [ "$RC" = "$1" ] || die "$2: exit $RC, expected $1"; }
# same REF GOT WHAT: byte-identical outputs
same() {
	if ! cmp -s "$1" "$2"; then
		diff "$1" "$2" | head -10 | sed 's/^/    /' >&2 || true
		die "$3: output differs from the reference ($1 vs $2)"
	fi
}
# has FILE TEXT WHAT / lacks FILE TEXT WHAT: fixed strings in stderr
has() { grep -qF -- "$2" "$1" || die "$3: stderr lacks '$2'"; }
lacks() { ! grep -qF -- "$2" "$1" || die "$3: stderr has '$2'"; }
# clean_err REF_ERR WHAT: stderr is the reference's plus trace lines only
clean_err() {
	if ! { grep -v '^hsnap: index: ' "$ERR" || true; } | cmp -s - "$1"; then
		die "$2: stderr has more than trace lines: $(grep -v '^hsnap: index: ' "$ERR" | head -3)"
	fi
}
no_index_files() { # DIR WHAT
	if compgen -G "$1/*hsnapidx*" >/dev/null; then die "$2: index files in $1: $(ls "$1" | grep hsnapidx | tr '\n' ' ')"; fi
}

# ---- references (--no-index) ------------------------------------------------------
REF=$TMP/ref
mkdir -p "$REF"
# ref NAME ARGS...: the reference output of hsnap --no-index ARGS in $SNAPS
ref() {
	local name=$1
	shift
	hs "$SNAPS" "ref-$name" --no-index "$@"
	cp "$OUT" "$REF/$name.out"
	cp "$ERR" "$REF/$name.err"
	echo "$RC" >"$REF/$name.rc"
	[ ! -s "$ERR" ] || ! grep -q '^hsnap: index: ' "$ERR" || die "--no-index $*: trace lines on stderr"
}
# like NAME DIR TAG ARGS...: runs ARGS in DIR and checks exit code, stdout and
# stderr (besides trace lines) against reference NAME.
like() {
	local name=$1 dir=$2 tag=$3
	shift 3
	hs "$dir" "$tag" "$@"
	want_rc "$(cat "$REF/$name.rc")" "$tag (hsnap $*)"
	same "$REF/$name.out" "$OUT" "$tag (hsnap $*)"
	clean_err "$REF/$name.err" "$tag (hsnap $*)"
}

for f in "${ALL[@]}"; do
	ref "summary-$f" summary --format json "$f"
	ref "summary-text-$f" summary "$f"
	ref "top-$f" top --format json "$f"
	ref "export-$f" export --format csv "$f"
done
no_index_files "$SNAPS" "--no-index references"
ok "references computed with --no-index for ${#ALL[@]} snapshots; no index written"

# ---- 1. each snapshot: written once, then used ---------------------------------------
for f in "${ALL[@]}"; do
	d=$(fresh "one-$f" "$f")
	hs "$d" "info0-$f" info "$f"
	want_rc 0 "info $f"
	grep -q 'index: none yet' "$OUT" || die "info $f without index: no 'none yet' line"
	[ ! -e "$d/$f.hsnapidx" ] || die "info $f wrote an index"
	like "summary-$f" "$d" "write-$f" summary --format json "$f"
	has "$ERR" "hsnap: index: $f: no index yet" "first summary $f"
	has "$ERR" "hsnap: index: $f: wrote $f.hsnapidx" "first summary $f"
	[ -s "$d/$f.hsnapidx" ] || die "first summary $f: no $f.hsnapidx"
	[ "$(ls "$d" | wc -l)" = 2 ] || die "first summary $f: stray files: $(ls "$d" | tr '\n' ' ')"
	like "summary-$f" "$d" "use-$f" summary --format json "$f"
	has "$ERR" "hsnap: index: $f: using $f.hsnapidx" "second summary $f"
	lacks "$ERR" "wrote" "second summary $f"
	like "summary-text-$f" "$d" "use-text-$f" summary "$f"
	like "top-$f" "$d" "top-$f" top --format json "$f"
	has "$ERR" "using" "top $f"
	like "export-$f" "$d" "export-$f" export --format csv "$f"
	has "$ERR" "using" "export $f"
	like "summary-$f" "$d" "jobs-$f" summary --format json "$f" --jobs 3
	hs "$d" "info1-$f" info "$f"
	want_rc 0 "info $f"
	grep -q "index: loaded from the index ($f.hsnapidx)" "$OUT" || die "info $f with an index: no 'loaded from the index'"
	hs "$d" "infoj-$f" info --format json "$f"
	grep -q '"state": *"used"' "$OUT" || die "info --format json $f: index state is not 'used'"
	ok "$f: summary/top/export identical without, writing and using the index; info says 'loaded from the index'"
done

# top and export writing the index themselves (not only summary)
d=$(fresh top-first "$L2")
like "top-$L2" "$d" top-first top --format json "$L2"
has "$ERR" "wrote $L2.hsnapidx" "top writes the index"
like "export-$L2" "$d" export-after-top export --format csv "$L2"
has "$ERR" "using $L2.hsnapidx" "export after top"
d=$(fresh export-first "$L3")
like "export-$L3" "$d" export-first export --format csv "$L3"
has "$ERR" "wrote $L3.hsnapidx" "export writes the index"
like "summary-$L3" "$d" summary-after-export summary --format json "$L3"
has "$ERR" "using $L3.hsnapidx" "summary after export"
ok "top and export write the index too; the other commands then use it"

# ---- 2. commands over several snapshots ------------------------------------------------
# an object id of a LeakyConnection in leak-3 (for retainers --id)
LID=$(grep -m1 ',LeakyConnection,' "$REF/export-$L3.out" | cut -d, -f1)
[ -n "$LID" ] || die "no LeakyConnection in leak-3's export"
MULTI=(
	"diff-json|diff --format json $L1 $L2"
	"diff-text|diff $L1 $L3"
	"diff-steady|diff --format json $S1 $S2"
	"gate-fail|diff $L1 $L3 --fail-on LeakyConnection:count>999 --fail-on CacheEntry:count>600"
	"gate-pass|diff $L1 $L2 --fail-on LeakyConnection:new>500 --fail-on CacheEntry:count>300"
	"growth|growth --format json $L1 $L2 $L3"
	"growth-gate|growth $L1 $L2 $L3 --fail-on LeakyConnection:count>999"
	"leaks|leaks --format json $L1 $L2 $L3"
	"leaks-gate|leaks $L1 $L2 $L3 --fail-on LeakyConnection:count>0"
	"ret-class|retainers --format json $L3 --class LeakyConnection"
	"ret-class2|retainers $L3 --class CacheEntry"
	"ret-id|retainers --format json $L3 --id $LID"
	"summary-L3|summary $L3"
)
for m in "${MULTI[@]}"; do
	name=${m%%|*}
	read -r -a args <<<"${m#*|}"
	ref "$name" "${args[@]}"
done
[ "$(cat "$REF/gate-fail.rc")" = 1 ] || die "diff --fail-on reference: exit $(cat "$REF/gate-fail.rc"), expected 1"
[ "$(cat "$REF/gate-pass.rc")" = 0 ] || die "diff --fail-on reference (passing rules): exit $(cat "$REF/gate-pass.rc")"
[ "$(cat "$REF/growth-gate.rc")" = 1 ] || die "growth --fail-on reference: exit $(cat "$REF/growth-gate.rc")"
[ "$(cat "$REF/leaks-gate.rc")" = 1 ] || die "leaks --fail-on reference: exit $(cat "$REF/leaks-gate.rc")"
ok "references for diff, the gate, growth, leaks, retainers (--class, --id $LID)"

# member WORD LIST...: 0 when WORD is one of LIST
member() {
	local w=$1 x
	shift
	for x in "$@"; do [ "$x" = "$w" ] && return 0; done
	return 1
}
for m in "${MULTI[@]}"; do
	name=${m%%|*}
	read -r -a args <<<"${m#*|}"
	files=()
	for a in "${args[@]}"; do case $a in *.heapsnapshot.gz) files+=("$a") ;; esac; done
	# the files the command analyses (and so writes an index for): all of
	# them (leaks too: it names A's and B's classes to match ids within a class)
	analysed=("${files[@]}")
	# no index: each analysed file gets one written
	d=$(fresh "multi-$name" "${files[@]}")
	like "$name" "$d" "multi-write-$name" "${args[@]}"
	for f in "${files[@]}"; do
		has "$ERR" "hsnap: index: $f: no index yet" "$name (writing)"
		if member "$f" "${analysed[@]}"; then
			has "$ERR" "hsnap: index: $f: wrote $f.hsnapidx" "$name (writing)"
			[ -s "$d/$f.hsnapidx" ] || die "$name: no index written for $f"
		else
			lacks "$ERR" "hsnap: index: $f: wrote" "$name (writing; $f is not analysed)"
			[ ! -e "$d/$f.hsnapidx" ] || die "$name: an index written for $f (not analysed)"
		fi
	done
	# indexes present: used, none written
	like "$name" "$d" "multi-use-$name" "${args[@]}"
	for f in "${analysed[@]}"; do has "$ERR" "hsnap: index: $f: using $f.hsnapidx" "$name (indexed)"; done
	lacks "$ERR" "wrote" "$name (indexed)"
	# every file indexed (by summary): all used, for leaks' A and B too
	for f in "${files[@]}"; do
		[ -e "$d/$f.hsnapidx" ] || hs "$d" "prep-all-$name" summary "$f"
	done
	like "$name" "$d" "multi-all-$name" "${args[@]}"
	for f in "${files[@]}"; do has "$ERR" "hsnap: index: $f: using $f.hsnapidx" "$name (all indexed)"; done
	lacks "$ERR" "wrote" "$name (all indexed)"
	# only one side indexed (the first file, then the last one)
	if [ ${#files[@]} -gt 1 ]; then
		for side in first last; do
			d=$(fresh "multi-$name-$side" "${files[@]}")
			if [ $side = first ]; then only=${files[0]}; else only=${files[${#files[@]} - 1]}; fi
			hs "$d" "prep-$name-$side" summary "$only"
			has "$ERR" "wrote" "$name: preparing the index of $only"
			like "$name" "$d" "multi-$side-$name" "${args[@]}"
			has "$ERR" "hsnap: index: $only: using $only.hsnapidx" "$name ($only indexed)"
			for f in "${analysed[@]}"; do
				[ "$f" = "$only" ] || has "$ERR" "hsnap: index: $f: wrote $f.hsnapidx" "$name ($only indexed)"
			done
		done
	fi
	ok "$name: identical output and exit code (rc $(cat "$REF/$name.rc")) with no index, indexes written, present, all present, one side indexed"
done

# diff with the same file on both sides (one index, read twice)
ref diff-same diff --format json "$L2" "$L2"
d=$(fresh diff-same "$L2")
like diff-same "$d" diff-same-write diff --format json "$L2" "$L2"
like diff-same "$d" diff-same-use diff --format json "$L2" "$L2"
has "$ERR" "using $L2.hsnapidx" "diff A A (indexed)"
ok "diff A A: identical output writing and using the one index"

# ---- 3. stale indexes --------------------------------------------------------------------
# mtime changed (touch)
d=$(fresh stale-touch "$L1")
hs "$d" st0 summary --format json "$L1"
has "$ERR" "wrote" "stale (touch): first run"
touch -m -d '2021-02-03 04:05:06.789' "$d/$L1"
hs "$d" st-info info "$L1"
grep -q 'index: stale' "$OUT" || die "info after touch: no 'stale' ($(grep 'index:' "$OUT"))"
like "summary-$L1" "$d" st1 summary --format json "$L1"
has "$ERR" "hsnap: index: $L1: ignoring $L1.hsnapidx:" "stale (touch)"
has "$ERR" "another version" "stale (touch)"
has "$ERR" "hsnap: index: $L1: wrote $L1.hsnapidx" "stale (touch): rebuilt"
like "summary-$L1" "$d" st2 summary --format json "$L1"
has "$ERR" "using $L1.hsnapidx" "stale (touch): after the rebuild"
ok "touch: the index is stale (info says so), ignored, rebuilt, then used; output identical"

# plain file: a newline appended (size changed)
d=$(fresh stale-size "$PLAIN")
hs "$d" sz0 summary --format json "$PLAIN"
has "$ERR" "wrote" "stale (size): first run"
printf '\n' >>"$d/$PLAIN"
hs "$d" sz-ref --no-index summary --format json "$PLAIN"
want_rc 0 "--no-index summary of the plain file with a newline appended"
cp "$OUT" "$TMP/sz-ref.out"
cp "$ERR" "$TMP/sz-ref.err"
hs "$d" sz1 summary --format json "$PLAIN"
want_rc 0 "summary after appending a newline"
same "$TMP/sz-ref.out" "$OUT" "summary after appending a newline"
clean_err "$TMP/sz-ref.err" "summary after appending a newline"
has "$ERR" "ignoring $PLAIN.hsnapidx:" "stale (size)"
has "$ERR" "another version" "stale (size)"
has "$ERR" "wrote $PLAIN.hsnapidx" "stale (size): rebuilt"
hs "$d" sz2 summary --format json "$PLAIN"
same "$TMP/sz-ref.out" "$OUT" "summary after the rebuild"
has "$ERR" "using" "stale (size): after the rebuild"
ok "plain file with a newline appended: stale, rebuilt, output equals --no-index on the new bytes"

# same size and mtime, one byte of a string near the end changed
d=$(fresh stale-bytes "$PLAIN")
P=$d/$PLAIN
hs "$d" by0 summary --format json "$PLAIN"
has "$ERR" "wrote" "stale (bytes): first run"
touch -r "$P" "$TMP/mtime-ref"
before=$(stat -c '%s %y' "$P")
size=$(stat -c %s "$P")
# the last string literal of 4+ letters (and _) in the last 8 KiB (the
# "strings" array ends the file): change its first letter
hit=$(tail -c 8192 "$P" | { grep -abo '"[A-Za-z][A-Za-z_]\{3,\}"' || true; } | tail -1)
[ -n "$hit" ] || die "no string near the end of $PLAIN"
off=$((size - 8192 + ${hit%%:*} + 1))
word=${hit#*:}
old=${word:1:1}
if [ "$old" = x ]; then new=y; else new=x; fi
printf '%s' "$new" | dd of="$P" bs=1 seek="$off" conv=notrunc status=none
[ "$(dd if="$P" bs=1 skip="$off" count=1 status=none)" = "$new" ] || die "could not edit $PLAIN at $off"
touch -r "$TMP/mtime-ref" "$P"
after=$(stat -c '%s %y' "$P")
[ "$before" = "$after" ] || die "size/mtime not restored: '$before' vs '$after'"
hs "$d" by-ref --no-index summary --format json "$PLAIN"
want_rc 0 "--no-index summary of the edited plain file"
cp "$OUT" "$TMP/by-ref.out"
cp "$ERR" "$TMP/by-ref.err"
hs "$d" by-info info "$PLAIN"
grep -q 'index: stale' "$OUT" || die "info after editing a byte: no 'stale' ($(grep 'index:' "$OUT"))"
hs "$d" by1 summary --format json "$PLAIN"
want_rc 0 "summary of the edited plain file"
same "$TMP/by-ref.out" "$OUT" "summary of the edited plain file (string $word at $off, '$old' -> '$new')"
clean_err "$TMP/by-ref.err" "summary of the edited plain file"
has "$ERR" "ignoring $PLAIN.hsnapidx:" "stale (same size and mtime, other bytes)"
has "$ERR" "another version" "stale (same size and mtime, other bytes)"
has "$ERR" "wrote $PLAIN.hsnapidx" "stale (bytes): rebuilt"
hs "$d" by2 summary --format json "$PLAIN"
same "$TMP/by-ref.out" "$OUT" "summary of the edited plain file, indexed"
has "$ERR" "using" "stale (bytes): after the rebuild"
ok "same size and mtime, string $word near the end edited ('$old' -> '$new'): stale, output equals --no-index on the new bytes"

# ---- 4. corrupt indexes ---------------------------------------------------------------------
# corrupt NAME INFO_WORD HOW: a fresh indexed copy of L1, its index damaged by
# the shell command HOW ($I is the index), then: info says INFO_WORD; summary
# exits 0 with the reference output, ignores the index and rebuilds it.
corrupt() {
	local name=$1 word=$2 how=$3 d
	d=$(fresh "corrupt-$name" "$L1" "$L2")
	hs "$d" "c0-$name" summary --format json "$L1"
	has "$ERR" "wrote" "corrupt $name: first run"
	I=$d/$L1.hsnapidx
	(cd "$d" && eval "$how")
	hs "$d" "c-info-$name" info "$L1"
	want_rc 0 "info with a $name index"
	grep -q "index: $word" "$OUT" || die "info with a $name index: no '$word' ($(grep 'index:' "$OUT"))"
	hs "$d" "c-infoj-$name" info --format json "$L1"
	want_rc 0 "info --format json with a $name index"
	grep -q '"reason"' "$OUT" || die "info --format json with a $name index: no reason"
	like "summary-$L1" "$d" "c1-$name" summary --format json "$L1"
	has "$ERR" "hsnap: index: $L1: ignoring $L1.hsnapidx:" "corrupt $name"
	has "$ERR" "hsnap: index: $L1: wrote $L1.hsnapidx" "corrupt $name: rebuilt"
	like "summary-$L1" "$d" "c2-$name" summary --format json "$L1"
	has "$ERR" "using $L1.hsnapidx" "corrupt $name: after the rebuild"
	lacks "$ERR" "ignoring" "corrupt $name: after the rebuild"
	ok "index $name: info says '$word'; ignored (trace: $(grep -o 'ignoring [^:]*: .*' "$TMP/out/c1-$name.err" | head -1 | cut -d: -f2- | cut -c2-)), output identical, rebuilt, then used"
}
flip_middle() {
	local size off b
	size=$(stat -c %s "$I")
	off=$((size / 2))
	b=$(od -An -tu1 -j "$off" -N1 "$I" | tr -d ' ')
	printf "\\$(printf '%03o' $((b ^ 0xff)))" | dd of="$I" bs=1 seek="$off" conv=notrunc status=none
}
corrupt truncated unusable 'truncate -s $(( $(stat -c %s "$I") / 2 )) "$I"'
corrupt flipped unusable 'flip_middle'
corrupt empty unusable ': >"$I"'
corrupt random unusable 'head -c 1048576 /dev/urandom >"$I"'
corrupt another-snapshot stale '"$HSNAP" summary '"$L2"' >/dev/null 2>&1; cp "'"$L2"'.hsnapidx" "$I"'

# ---- 5. an unwritable folder ----------------------------------------------------------------
# ro_check RUN DIR WHAT: in DIR (not writable by the runner), summary exits 0
# with the reference output, stderr EMPTY without HSNAP_TRACE_INDEX, no index
# or temporary file left; with the trace, "not written".
ro_check() {
	local runner=$1 dir=$2 what=$3 f=$L1
	OUT=$TMP/out/ro-$what.out ERR=$TMP/out/ro-$what.err LAST_ERR=$ERR RC=0
	(cd "$dir" && env -u HSNAP_TRACE_INDEX $runner summary --format json "$f") >"$OUT" 2>"$ERR" || RC=$?
	want_rc 0 "$what: summary"
	same "$REF/summary-$f.out" "$OUT" "$what: summary"
	[ ! -s "$ERR" ] || die "$what: stderr not empty: $(head -3 "$ERR")"
	[ "$(ls -A "$dir" | tr '\n' ' ')" = "$f " ] || die "$what: files left behind: $(ls -A "$dir" | tr '\n' ' ')"
	OUT=$TMP/out/ro-t-$what.out ERR=$TMP/out/ro-t-$what.err LAST_ERR=$ERR RC=0
	(cd "$dir" && $runner summary --format json "$f") >"$OUT" 2>"$ERR" || RC=$?
	want_rc 0 "$what: summary with the trace"
	same "$REF/summary-$f.out" "$OUT" "$what: summary with the trace"
	has "$ERR" "hsnap: index: $f: not written" "$what"
	lacks "$ERR" "warning" "$what"
	[ "$(ls -A "$dir" | tr '\n' ' ')" = "$f " ] || die "$what: files left behind: $(ls -A "$dir" | tr '\n' ' ')"
	# the other commands too
	OUT=$TMP/out/ro-top-$what.out ERR=$TMP/out/ro-top-$what.err LAST_ERR=$ERR RC=0
	(cd "$dir" && env -u HSNAP_TRACE_INDEX $runner top --format json "$f") >"$OUT" 2>"$ERR" || RC=$?
	want_rc 0 "$what: top"
	same "$REF/top-$f.out" "$OUT" "$what: top"
	[ ! -s "$ERR" ] || die "$what: top: stderr not empty: $(head -3 "$ERR")"
}
# traversable DIR: every folder from / to DIR can be entered by others
traversable() {
	local p
	p=$(readlink -f "$1")
	while [ "$p" != / ]; do
		[ "$(( 0$(stat -c %a "$p") & 01 ))" = 1 ] || return 1
		p=$(dirname "$p")
	done
}
if [ "$(id -u)" = 0 ]; then
	if ! command -v setpriv >/dev/null 2>&1; then
		echo "skip - unwritable folder: running as root and setpriv is missing"
	else
		NB=$(mktemp -d /tmp/hsnap-index-nobody.XXXXXX)
		chmod 755 "$NB"
		NOBODY=""
		if ! traversable "$NB"; then
			echo "skip - unwritable folder: $NB cannot be entered by nobody"
		else
			mkdir -p "$NB/bin" "$NB/ro"
			cp "$HSNAP" "$NB/bin/hsnap"
			chmod 755 "$NB/bin" "$NB/bin/hsnap"
			cp -p "$SNAPS/$L1" "$NB/ro/"
			chmod 644 "$NB/ro/$L1"
			chmod 555 "$NB/ro"
			NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups $NB/bin/hsnap"
		fi
		if [ -z "${NOBODY:-}" ]; then
			:
		elif ! $NOBODY --version >/dev/null 2>&1; then
			echo "skip - unwritable folder: nobody cannot run $NB/bin/hsnap (noexec /tmp?)"
		else
			# nobody can read the snapshot but not write beside it
			if setpriv --reuid=65534 --regid=65534 --clear-groups touch "$NB/ro/probe" 2>/dev/null; then
				die "nobody can write into a 555 folder"
			fi
			ro_check "$NOBODY" "$NB/ro" "unwritable folder (nobody)"
			ok "unwritable folder (run as nobody): exit 0, identical output, empty stderr, no index; trace says 'not written'"
			# an index present there: used read-only
			chmod 755 "$NB/ro"
			(cd "$NB/ro" && "$HSNAP" summary "$L1" >/dev/null 2>&1)
			[ -s "$NB/ro/$L1.hsnapidx" ] || die "could not prepare an index in $NB/ro"
			chmod 644 "$NB/ro/$L1.hsnapidx"
			chmod 555 "$NB/ro"
			OUT=$TMP/out/ro-use.out ERR=$TMP/out/ro-use.err LAST_ERR=$ERR RC=0
			(cd "$NB/ro" && $NOBODY summary --format json "$L1") >"$OUT" 2>"$ERR" || RC=$?
			want_rc 0 "unwritable folder with an index"
			same "$REF/summary-$L1.out" "$OUT" "unwritable folder with an index"
			has "$ERR" "using $L1.hsnapidx" "unwritable folder with an index"
			# ...and stale there: ignored, not rebuilt, nothing on stderr
			chmod 755 "$NB/ro"
			touch -m -d '2022-01-01 00:00:00.5' "$NB/ro/$L1"
			chmod 555 "$NB/ro"
			OUT=$TMP/out/ro-stale.out ERR=$TMP/out/ro-stale.err LAST_ERR=$ERR RC=0
			(cd "$NB/ro" && env -u HSNAP_TRACE_INDEX $NOBODY summary --format json "$L1") >"$OUT" 2>"$ERR" || RC=$?
			want_rc 0 "unwritable folder with a stale index"
			same "$REF/summary-$L1.out" "$OUT" "unwritable folder with a stale index"
			[ ! -s "$ERR" ] || die "unwritable folder with a stale index: stderr not empty: $(head -3 "$ERR")"
			ok "unwritable folder: a present index is used read-only; a stale one ignored quietly"
		fi
	fi
else
	d=$(fresh ro "$L1")
	chmod 555 "$d"
	ro_check "$HSNAP" "$d" "unwritable folder"
	chmod 755 "$d"
	ok "unwritable folder (chmod 555): exit 0, identical output, empty stderr, no index; trace says 'not written'"
fi

# ---- 6. --no-index, HSNAP_NO_INDEX, stdin, verify ----------------------------------------------
d=$(fresh noindex "$L1")
for pos in first middle last; do
	case $pos in
	first) set -- --no-index summary --format json "$L1" ;;
	middle) set -- summary --no-index --format json "$L1" ;;
	last) set -- summary --format json "$L1" --no-index ;;
	esac
	like "summary-$L1" "$d" "noindex-$pos" "$@"
	[ ! -s "$ERR" ] || die "--no-index ($pos): stderr not empty: $(head -3 "$ERR")"
	no_index_files "$d" "--no-index ($pos)"
done
like "diff-json" "$(fresh noindex-diff "$L1" "$L2")" noindex-diff diff --format json "$L1" --no-index "$L2"
no_index_files "$TMP/noindex-diff" "diff --no-index"
for v in 1 yes; do
	OUT=$TMP/out/env-$v.out ERR=$TMP/out/env-$v.err LAST_ERR=$ERR RC=0
	(cd "$d" && HSNAP_NO_INDEX=$v "$HSNAP" summary --format json "$L1") >"$OUT" 2>"$ERR" || RC=$?
	want_rc 0 "HSNAP_NO_INDEX=$v"
	same "$REF/summary-$L1.out" "$OUT" "HSNAP_NO_INDEX=$v"
	[ ! -s "$ERR" ] || die "HSNAP_NO_INDEX=$v: stderr not empty"
	no_index_files "$d" "HSNAP_NO_INDEX=$v"
done
hs "$d" noindex-info --no-index info "$L1"
grep -q 'index: not used' "$OUT" || die "info --no-index: no 'not used'"
ok "--no-index first, in the middle, last (summary, diff) and HSNAP_NO_INDEX=1/yes: nothing written, nothing traced"
# with an index present, --no-index does not read it either
OUT=$TMP/out/env-0.out ERR=$TMP/out/env-0.err LAST_ERR=$ERR RC=0
(cd "$d" && HSNAP_NO_INDEX=0 "$HSNAP" summary --format json "$L1") >"$OUT" 2>"$ERR" || RC=$?
want_rc 0 "HSNAP_NO_INDEX=0"
has "$ERR" "wrote" "HSNAP_NO_INDEX=0 (the index is on)"
like "summary-$L1" "$d" noindex-present summary --no-index --format json "$L1"
[ ! -s "$ERR" ] || die "--no-index with an index present: stderr not empty (trace: $(head -2 "$ERR"))"
hs "$d" noindex-info2 --no-index info "$L1"
grep -q 'index: not used' "$OUT" || die "info --no-index with an index present: no 'not used'"
ok "HSNAP_NO_INDEX=0 leaves the index on; --no-index ignores a present index"

# standard input: no index read or written
for f in "$L1" "$PLAIN"; do
	d=$(fresh "stdin-$f" "$f")
	OUT=$TMP/out/stdin-ref.out ERR=$TMP/out/stdin-ref.err LAST_ERR=$ERR RC=0
	(cd "$d" && "$HSNAP" --no-index summary --format json - <"$f") >"$OUT" 2>"$ERR" || RC=$?
	want_rc 0 "--no-index summary - <$f"
	cp "$OUT" "$TMP/stdin-ref.out"
	for round in 1 2; do
		OUT=$TMP/out/stdin.out ERR=$TMP/out/stdin.err LAST_ERR=$ERR RC=0
		(cd "$d" && cat "$f" | "$HSNAP" summary --format json -) >"$OUT" 2>"$ERR" || RC=$?
		want_rc 0 "cat $f | hsnap summary - (round $round)"
		same "$TMP/stdin-ref.out" "$OUT" "cat $f | hsnap summary - (round $round)"
		[ ! -s "$ERR" ] || die "cat $f | hsnap summary -: stderr not empty (trace: $(head -2 "$ERR"))"
		no_index_files "$d" "cat $f | hsnap summary -"
	done
	OUT=$TMP/out/stdin-info.out ERR=$TMP/out/stdin-info.err LAST_ERR=$ERR RC=0
	(cd "$d" && "$HSNAP" info - <"$f") >"$OUT" 2>"$ERR" || RC=$?
	want_rc 0 "hsnap info - <$f"
	grep -q 'index: not used' "$OUT" || die "info - <$f: no 'not used'"
done
ok "standard input (gzip and plain): works, no index read or written, info says 'not used'"

# verify never uses an index, even a corrupt or a foreign one
d=$(fresh verify "$L1" "$L2")
hs "$d" verify-ref --no-index verify "$L1"
cp "$OUT" "$TMP/verify.out"
echo "$RC" >"$TMP/verify.rc"
hs "$d" verify-none verify "$L1"
want_rc "$(cat "$TMP/verify.rc")" "verify without an index"
same "$TMP/verify.out" "$OUT" "verify without an index"
[ ! -s "$ERR" ] || die "verify traced the index: $(head -2 "$ERR")"
no_index_files "$d" "verify"
head -c 100000 /dev/urandom >"$d/$L1.hsnapidx"
cp "$d/$L1.hsnapidx" "$TMP/garbage.idx"
hs "$d" verify-garbage verify "$L1"
want_rc "$(cat "$TMP/verify.rc")" "verify with a garbage index"
same "$TMP/verify.out" "$OUT" "verify with a garbage index"
[ ! -s "$ERR" ] || die "verify with a garbage index: stderr not empty: $(head -2 "$ERR")"
cmp -s "$TMP/garbage.idx" "$d/$L1.hsnapidx" || die "verify rewrote the index"
hs "$d" prep-l2 summary "$L2"
cp "$d/$L2.hsnapidx" "$d/$L1.hsnapidx"
hs "$d" verify-foreign verify "$L1"
same "$TMP/verify.out" "$OUT" "verify with another snapshot's index"
ok "verify: same output with no index, a garbage index and another snapshot's index; never writes one"

# ---- 7. two writers at once ---------------------------------------------------------------------
for round in 1 2 3; do
	d=$(fresh "parallel-$round" "$L3")
	(cd "$d" && exec "$HSNAP" summary --format json "$L3") >"$TMP/out/par1.out" 2>"$TMP/out/par1.err" &
	p1=$!
	(cd "$d" && exec "$HSNAP" summary --format json "$L3") >"$TMP/out/par2.out" 2>"$TMP/out/par2.err" &
	p2=$!
	r1=0 r2=0
	wait $p1 || r1=$?
	wait $p2 || r2=$?
	[ $r1 = 0 ] && [ $r2 = 0 ] || die "parallel summaries (round $round): exit $r1 and $r2"
	same "$REF/summary-$L3.out" "$TMP/out/par1.out" "parallel summary 1 (round $round)"
	same "$REF/summary-$L3.out" "$TMP/out/par2.out" "parallel summary 2 (round $round)"
	for e in par1 par2; do
		if grep -qv '^hsnap: index: ' "$TMP/out/$e.err"; then
			LAST_ERR=$TMP/out/$e.err
			die "parallel summary (round $round): unexpected stderr"
		fi
	done
	[ "$(ls -A "$d" | tr '\n' ' ')" = "$L3 $L3.hsnapidx " ] || die "parallel (round $round): files left: $(ls -A "$d" | tr '\n' ' ')"
	like "summary-$L3" "$d" "par3-$round" summary --format json "$L3"
	has "$ERR" "using $L3.hsnapidx" "third run after two parallel writers (round $round)"
done
ok "two summaries at once (3 rounds): both outputs identical, one sound index left, used by a third run"

# ---- 8. valgrind ---------------------------------------------------------------------------------
# No pipe into `grep -q` here: under pipefail, nm dies of SIGPIPE when grep stops
# at the first match, and the pipeline reads as "no match" (CI ran valgrind on an
# ASan binary that way).  Capture the output first.
asan_build() {
	local out
	out=$(nm -a "$1" 2>/dev/null || true)
	case $out in *__asan_init*) return 0 ;; esac
	out=$(ldd "$1" 2>/dev/null || true)
	case $out in *libasan*) return 0 ;; esac
	return 1
}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "skip - valgrind not installed"
elif asan_build "$HSNAP"; then
	echo "skip - valgrind: $HSNAP is built with AddressSanitizer"
else
	d=$(fresh valgrind "$L1" "$L2")
	for what in writing using; do
		OUT=$TMP/out/vg-$what.out ERR=$TMP/out/vg-$what.err LAST_ERR=$ERR RC=0
		(cd "$d" && valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			"$HSNAP" summary --format json "$L1") >"$OUT" 2>"$ERR" || RC=$?
		want_rc 0 "valgrind hsnap summary ($what the index)"
		same "$REF/summary-$L1.out" "$OUT" "valgrind hsnap summary ($what the index)"
		if [ $what = writing ]; then has "$ERR" "wrote" "valgrind (writing)"; else has "$ERR" "using" "valgrind (using)"; fi
	done
	OUT=$TMP/out/vg-diff.out ERR=$TMP/out/vg-diff.err LAST_ERR=$ERR RC=0
	(cd "$d" && valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		"$HSNAP" diff --format json "$L1" "$L2") >"$OUT" 2>"$ERR" || RC=$?
	want_rc 0 "valgrind hsnap diff (one side indexed, one written)"
	same "$REF/diff-json.out" "$OUT" "valgrind hsnap diff"
	ok "valgrind: no errors or leaks writing and using the index (summary, diff)"
fi

# ---- 9a. --raw-sizes with an index: the analysis runs again on the mapped model ----------------
d=$(fresh raw "$L1" "$L3")
for args in "summary --format json" "export --format csv" "top --format json"; do
	# shellcheck disable=SC2086
	hs "$d" raw-ref --no-index $args --raw-sizes "$L3"
	cp "$OUT" "$TMP/out/raw-expected.out"
	# shellcheck disable=SC2086
	hs "$d" raw-w $args "$L3"
	# shellcheck disable=SC2086
	hs "$d" raw-i $args --raw-sizes "$L3"
	want_rc 0 "$args --raw-sizes with an index"
	has "$ERR" "using $L3.hsnapidx" "$args --raw-sizes with an index"
	same "$TMP/out/raw-expected.out" "$OUT" "$args --raw-sizes with an index"
done
hs "$d" rawd-ref --no-index diff --raw-sizes --format json "$L1" "$L3"
cp "$OUT" "$TMP/out/rawd-expected.out"
hs "$d" rawd-w diff --format json "$L1" "$L3"
hs "$d" rawd-i diff --raw-sizes --format json "$L1" "$L3"
want_rc 0 "diff --raw-sizes with indexes"
has "$ERR" "using $L1.hsnapidx" "diff --raw-sizes with indexes"
same "$TMP/out/rawd-expected.out" "$OUT" "diff --raw-sizes with indexes"
ok "--raw-sizes with indexes present: summary, export, top, diff identical to --no-index"

# ---- 9b. sections a command does not need are never decoded (issue 17) -------------------------
# The analysis' packed sections are decoded when a command asks for them, and
# only those it asks for (what a fresh analysis of that command would have):
# the trace lists what was decoded and what never was, and the outputs stay
# those of --no-index.
LAZY="shallow_size idom retained dom_first dom_children distance parent_edge class_of"
d=$(fresh lazy "$L1" "$L3")
hs "$d" lazy-w summary --format json "$L1"
hs "$d" lazy-w3 summary --format json "$L3"
hs "$d" lazy-raw summary --raw-sizes --format json "$L1"
has "$ERR" "raw sizes: analysing the index's model, not its analysis" "summary --raw-sizes with an index"
has "$ERR" "not decoded: $LAZY" "summary --raw-sizes: no analysis section decoded"
hs "$d" lazy-csv summary --format csv "$L1"
has "$ERR" "decoded: node_name" "summary --format csv with an index"
has "$ERR" "not decoded: parent_edge" "summary --format csv: no parent edges (no paths in CSV)"
hs "$d" lazy-csv-ref --no-index summary --format csv "$L1"
same "$OUT" "$TMP/out/lazy-csv.out" "summary --format csv, parent edges not decoded"
hs "$d" lazy-diff diff --format json "$L1" "$L3"
has "$ERR" "not decoded: distance parent_edge" "diff: the sides need no distances"
hs "$d" lazy-diff-ref --no-index diff --format json "$L1" "$L3"
same "$OUT" "$TMP/out/lazy-diff.out" "diff, distances not decoded"
hs "$d" lazy-json summary --format json "$L1"
has "$ERR" "not decoded: none" "summary --format json decodes every analysis section"
same "$TMP/out/lazy-w.out" "$OUT" "summary from the index"
ok "sections not needed are never decoded: --raw-sizes (none of the analysis), csv (parent edges), diff (distances); outputs identical"

# ---- 9. a nearly full disk -------------------------------------------------------------------------
# The index is not written when it would leave less than 256 MiB free: a
# 200 MB tmpfs (root only; skipped where mounting is not allowed).
mnt=$TMP/tiny-fs
mkdir -p "$mnt"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=200m tmpfs "$mnt" 2>/dev/null; then
	cp -p "$SNAPS/$L1" "$mnt/"
	RC=0
	(unset HSNAP_TRACE_INDEX; cd "$mnt" && exec "$HSNAP" summary --format json "$L1") \
		>"$TMP/out/full.out" 2>"$TMP/out/full.err" || RC=$?
	want_rc 0 "summary on a nearly full disk"
	same "$REF/summary-$L1.out" "$TMP/out/full.out" "summary on a nearly full disk"
	[ ! -s "$TMP/out/full.err" ] || die "nearly full disk: stderr not empty: $(head -2 "$TMP/out/full.err")"
	hs "$mnt" full-trace summary --format json "$L1"
	has "$ERR" "not written" "nearly full disk (trace)"
	no_index_files "$mnt" "nearly full disk"
	umount "$mnt"
	ok "nearly full disk (200 MB tmpfs): same output, silent, no index, trace says why"
else
	echo "skip - nearly full disk: cannot mount a tmpfs here"
fi

# ---- 10. hostile machines (issue 14) -----------------------------------------------------------
# helper: the snapshot's self_size field of its middle node, by byte offset
# (the digits are rewritten in place: same size); prints OFFSET:DIGITS
mid_self_size() {
	python3 - "$1" <<'PY'
import json, re, sys
b = open(sys.argv[1], 'rb').read()
meta = json.loads(b)['snapshot']['meta']
nf, si = len(meta['node_fields']), meta['node_fields'].index('self_size')
start = b.index(b'"nodes"')
start = b.index(b'[', start) + 1
nums = re.compile(rb'\s*(-?\d+)\s*[,\]]')
pos, k, want = start, 0, None
count = json.loads(b)['snapshot']['node_count']
target = (count // 2) * nf + si
while True:
    m = nums.match(b, pos)
    if k == target:
        print('%d:%s' % (m.start(1), m.group(1).decode()))
        break
    pos, k = m.end(), k + 1
PY
}
# 7. a change in the middle with size and mtime restored: stale (ctime)
d=$(fresh stale-mid "$PLAIN")
P=$d/$PLAIN
hs "$d" mid0 summary --format json "$PLAIN"
has "$ERR" "wrote" "stale (middle): first run"
cp "$d/$PLAIN.hsnapidx" "$TMP/mid-old.hsnapidx"
touch -r "$P" "$TMP/mtime-ref"
before=$(stat -c '%s %y' "$P")
hit=$(mid_self_size "$P")
off=${hit%%:*} digits=${hit#*:}
last=${digits: -1}
if [ "$last" = 9 ]; then nd=8; else nd=$((last + 1)); fi
printf '%s' "$nd" | dd of="$P" bs=1 seek=$((off + ${#digits} - 1)) conv=notrunc status=none
touch -r "$TMP/mtime-ref" "$P"
[ "$before" = "$(stat -c '%s %y' "$P")" ] || die "middle edit: size/mtime not restored"
hs "$d" mid-ref --no-index summary --format json "$PLAIN"
want_rc 0 "--no-index summary after the middle edit"
cp "$OUT" "$TMP/mid-ref.out"
cp "$ERR" "$TMP/mid-ref.err"
cmp -s "$TMP/mid-ref.out" "$REF/summary-$PLAIN.out" && die "middle edit (self size $digits -> ${digits%?}$nd) did not change the summary"
hs "$d" mid1 summary --format json "$PLAIN"
same "$TMP/mid-ref.out" "$OUT" "summary after a middle edit with size and mtime restored"
has "$ERR" "another version" "stale (middle edit)"
ok "self size of the middle node edited ($digits -> ${digits%?}$nd), size and mtime restored: stale (ctime), output equals --no-index"

# --verify-index: a sound index is verified; one whose header was forged to
# the edited file's size, times and inode (what the key cannot see) is found
# out, reported, the output comes from the file, and the index is rebuilt
hs "$d" ver0 --verify-index summary --format json "$PLAIN"
want_rc 0 "--verify-index with a sound index"
same "$TMP/mid-ref.out" "$OUT" "--verify-index with a sound index"
has "$ERR" "verified against the snapshot" "--verify-index with a sound index"
clean_err "$TMP/mid-ref.err" "--verify-index with a sound index"
python3 - "$TMP/mid-old.hsnapidx" "$P" "$d/$PLAIN.hsnapidx" <<'PY'
import os, struct, sys
def crc32c(b):
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    c = 0xFFFFFFFF
    for x in b:
        c = t[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF
ix = bytearray(open(sys.argv[1], 'rb').read())
st = os.stat(sys.argv[2])
struct.pack_into('<Qqq', ix, 16, st.st_size, st.st_mtime_ns // 10**9, st.st_mtime_ns % 10**9)
struct.pack_into('<Qqq', ix, 88, st.st_ino, st.st_ctime_ns // 10**9, st.st_ctime_ns % 10**9)
struct.pack_into('<I', ix, 84, 0)
struct.pack_into('<I', ix, 84, crc32c(bytes(ix[:128])))
open(sys.argv[3] + '.new', 'wb').write(ix)
os.rename(sys.argv[3] + '.new', sys.argv[3])
PY
hs "$d" ver-forged summary --format json "$PLAIN"
has "$ERR" "using $PLAIN.hsnapidx" "the forged index passes the key (the documented limit)"
hs "$d" ver1 --verify-index summary --format json "$PLAIN"
want_rc 0 "--verify-index with a forged index"
same "$TMP/mid-ref.out" "$OUT" "--verify-index with a forged index"
has "$ERR" "hsnap: warning: $PLAIN.hsnapidx does not match $PLAIN" "--verify-index with a forged index"
[ "$(grep -vc '^hsnap: index: ' "$ERR")" = 1 ] || die "--verify-index with a forged index: not one warning line"
hs "$d" ver2 summary --verify-index --format json "$PLAIN"
same "$TMP/mid-ref.out" "$OUT" "--verify-index after the rebuild"
has "$ERR" "verified" "--verify-index after the rebuild"
lacks "$ERR" "warning" "--verify-index after the rebuild"
ok "--verify-index: a sound index verified; a forged header found out (one warning), output from the file, index rebuilt"

# 4. an index larger than `ulimit -f`: no SIGXFSZ, no index, same output,
# silent, no temporary file
d=$(fresh fsize "$L1")
RC=0
(cd "$d" && ulimit -f 64 && env -u HSNAP_TRACE_INDEX "$HSNAP" summary --format json "$L1") \
	>"$TMP/out/fsize.out" 2>"$TMP/out/fsize.err" || RC=$?
want_rc 0 "summary under ulimit -f 64"
same "$REF/summary-$L1.out" "$TMP/out/fsize.out" "summary under ulimit -f 64"
[ ! -s "$TMP/out/fsize.err" ] || die "ulimit -f: stderr not empty: $(head -2 "$TMP/out/fsize.err")"
[ "$(ls -A "$d")" = "$L1" ] || die "ulimit -f: files left: $(ls -A "$d" | tr '\n' ' ')"
ok "index larger than ulimit -f: exit 0, same output, silent, nothing left behind"

# 10. a FIFO at FILE.hsnapidx: nothing blocks, info says it is never
# replaced, the FIFO stays
d=$(fresh fifo "$L1")
mkfifo "$d/$L1.hsnapidx"
RC=0
(cd "$d" && timeout 60 "$HSNAP" info "$L1") >"$TMP/out/fifo-info.out" 2>&1 || RC=$?
want_rc 0 "info with a FIFO at the index path"
grep -q 'index: none: its path is taken' "$TMP/out/fifo-info.out" || die "info with a FIFO: $(grep 'index:' "$TMP/out/fifo-info.out")"
RC=0
(cd "$d" && env -u HSNAP_TRACE_INDEX timeout 60 "$HSNAP" summary --format json "$L1") \
	>"$TMP/out/fifo.out" 2>"$TMP/out/fifo.err" || RC=$?
want_rc 0 "summary with a FIFO at the index path"
same "$REF/summary-$L1.out" "$TMP/out/fifo.out" "summary with a FIFO at the index path"
[ ! -s "$TMP/out/fifo.err" ] || die "FIFO: stderr not empty: $(head -2 "$TMP/out/fifo.err")"
[ -p "$d/$L1.hsnapidx" ] || die "the FIFO was replaced"
# ...and one at the old temporary name FILE.hsnapidx.tmp<pid> (exec keeps the
# pid): opening it for writing would block forever without a reader
rm "$d/$L1.hsnapidx"
RC=0
(cd "$d" && exec timeout 60 bash -c 'mkfifo "$1.hsnapidx.tmp$$" && exec "$2" summary --format json "$1"' _ \
	"$L1" "$HSNAP") >"$TMP/out/fifo-tmp.out" 2>"$TMP/out/fifo-tmp.err" || RC=$?
want_rc 0 "summary with a FIFO at FILE.hsnapidx.tmp<pid>"
same "$REF/summary-$L1.out" "$TMP/out/fifo-tmp.out" "summary with a FIFO at FILE.hsnapidx.tmp<pid>"
[ -f "$d/$L1.hsnapidx" ] || die "FIFO at the temporary name: no index written"
ok "a FIFO at the index path: info and summary return, silent, the FIFO left alone; one at the old temporary name blocks nothing"

# 22. a directory at FILE.hsnapidx: no warning on any run, info says it is
# never replaced (not a rebuild that never comes)
d=$(fresh isdir "$L1")
mkdir "$d/$L1.hsnapidx"
for i in 1 2; do
	RC=0
	(cd "$d" && env -u HSNAP_TRACE_INDEX "$HSNAP" summary --format json "$L1") \
		>"$TMP/out/isdir.out" 2>"$TMP/out/isdir.err" || RC=$?
	want_rc 0 "summary with a directory at the index path (run $i)"
	same "$REF/summary-$L1.out" "$TMP/out/isdir.out" "summary with a directory at the index path"
	[ ! -s "$TMP/out/isdir.err" ] || die "directory at the index path, run $i: stderr: $(head -2 "$TMP/out/isdir.err")"
done
hs "$d" isdir-info info --format json "$L1"
grep -q '"state": *"blocked"' "$OUT" || die "info --format json with a directory index path: $(grep -A3 '"index"' "$OUT")"
hs "$d" isdir-info-t info "$L1"
lacks "$OUT" "rebuilds" "info with a directory index path"
[ "$(ls -A "$d" | tr '\n' ' ')" = "$L1 $L1.hsnapidx " ] || die "directory: files left: $(ls -A "$d" | tr '\n' ' ')"
ok "a directory at the index path: silent on every run, info says 'blocked', no temporary files"

# 16. symlinks: one at the index path is neither followed nor replaced; one
# planted at the old temporary name FILE.hsnapidx.tmp<pid> (exec keeps the
# pid) is never written through
d=$(fresh symlink "$L1")
echo precious >"$TMP/victim"
ln -s "$TMP/victim" "$d/$L1.hsnapidx"
hs "$d" sym1 summary --format json "$L1"
same "$REF/summary-$L1.out" "$OUT" "summary with a symlink at the index path"
[ "$(cat "$TMP/victim")" = precious ] || die "symlink at the index path: its target was written"
[ -L "$d/$L1.hsnapidx" ] || die "symlink at the index path: replaced"
rm "$d/$L1.hsnapidx"
RC=0
(cd "$d" && exec bash -c 'ln -s "$1" "$2.hsnapidx.tmp$$" && exec "$3" summary --format json "$2"' _ \
	"$TMP/victim" "$L1" "$HSNAP") >"$TMP/out/sym2.out" 2>"$TMP/out/sym2.err" || RC=$?
want_rc 0 "summary with a symlink at FILE.hsnapidx.tmp<pid>"
same "$REF/summary-$L1.out" "$TMP/out/sym2.out" "summary with a symlink at FILE.hsnapidx.tmp<pid>"
[ "$(cat "$TMP/victim")" = precious ] || die "symlink at the temporary name: its target was overwritten"
[ -f "$d/$L1.hsnapidx" ] && [ ! -L "$d/$L1.hsnapidx" ] || die "symlink at the temporary name: no index written"
ok "symlinks at the index path and at FILE.hsnapidx.tmp<pid>: their targets untouched"

# 17. the index's mode follows the snapshot's (owner rw, plus the snapshot's
# group/other read bits, never more)
for m in 600 640 644 400; do
	d=$(fresh "mode-$m" "$L1")
	chmod "$m" "$d/$L1"
	hs "$d" "mode-$m" summary --format json "$L1"
	has "$ERR" "wrote" "mode $m"
	case $m in 600|400) want=600 ;; *) want=$m ;; esac
	got=$(stat -c %a "$d/$L1.hsnapidx")
	[ "$got" = "$want" ] || die "snapshot mode $m: index mode $got, expected $want"
done
ok "index mode: snapshot 600 -> 600, 640 -> 640, 644 -> 644, 400 -> 600"

# 23. a snapshot name of 246 bytes (the longest whose FILE.hsnapidx fits in
# 255) gets an index; a longer one none, quietly; temporary files of dead
# hsnap processes older than 10 minutes are removed, others kept
d=$(fresh longname "$L1")
long=$(printf 'n%.0s' $(seq 1 $((246 - ${#L1}))))$L1
mv "$d/$L1" "$d/$long"
hs "$d" long1 summary --format json "$long"
want_rc 0 "summary of a 246-byte name"
has "$ERR" "wrote" "246-byte name"
hs "$d" long2 summary --format json "$long"
has "$ERR" "using" "246-byte name, second run"
long7=n$long
mv "$d/$long" "$d/$long7"
rm -f "$d/$long.hsnapidx"
RC=0
(cd "$d" && env -u HSNAP_TRACE_INDEX "$HSNAP" summary --format json "$long7") \
	>"$TMP/out/long3.out" 2>"$TMP/out/long3.err" || RC=$?
want_rc 0 "summary of a 247-byte name"
[ ! -s "$TMP/out/long3.err" ] || die "247-byte name: stderr: $(head -2 "$TMP/out/long3.err")"
[ "$(ls -A "$d")" = "$long7" ] || die "247-byte name: files left: $(ls -A "$d" | tr '\n' ' ')"
ok "a 246-byte name gets an index, a 247-byte one none, silently"

d=$(fresh tmpclean "$L1")
sleep 60 &
live=$!
bash -c 'exit 0' &
wait $!
dead=$!
# a pid that no process has: the last one, plus a step until none answers
while kill -0 "$dead" 2>/dev/null; do dead=$((dead + 7919)); done
touch -d '1 hour ago' "$d/.hsnapidx-tmp.$dead.abcdef" "$d/$L1.hsnapidx.tmp$dead" "$d/.hsnapidx-tmp.$live.abcdef"
touch "$d/.hsnapidx-tmp.$dead.recent"
hs "$d" tmpclean summary --format json "$L1"
has "$ERR" "wrote" "temporary file cleanup"
kill "$live" 2>/dev/null || true
got=$(ls -A "$d" | sort | tr '\n' ' ')
want=$(printf '%s\n' ".hsnapidx-tmp.$dead.recent" ".hsnapidx-tmp.$live.abcdef" "$L1" "$L1.hsnapidx" | sort | tr '\n' ' ')
[ "$got" = "$want" ] || die "temporary file cleanup: left '$got', expected '$want'"
ok "old temporary files of dead pids removed (both name styles); a live pid's and a recent one kept"

echo "all $N index checks passed"
