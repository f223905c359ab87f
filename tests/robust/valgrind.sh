#!/usr/bin/env bash
# valgrind.sh VALGRIND HSNAP FIXTURE_DIR
# memcheck (--error-exitcode=9 --leak-check=full) of `hsnap summary` on
# leak-1 and `hsnap diff` on leak-1 leak-2.  Exit 77 (skip) when HSNAP is an
# ASan build (valgrind cannot run it).
set -u
VG=$1 HSNAP=$2 FIX=$3
# output captured first, not piped into grep -q (a SIGPIPE'd nm must not read as "no match")
syms=$(nm -a "$HSNAP" 2>/dev/null; ldd "$HSNAP" 2>/dev/null)
if [[ $syms == *__asan_init* || $syms == *libasan* ]]; then
  echo "SKIP: $HSNAP is built with AddressSanitizer; valgrind needs a plain build"
  exit 77
fi
fails=0
vg() {
  echo "+ valgrind hsnap $*"
  "$VG" -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    "$HSNAP" "$@" >/dev/null
  local rc=$?
  if [ $rc -ne 0 ]; then echo "FAIL: hsnap $*: exit $rc"; fails=$((fails + 1)); fi
}
vg summary "$FIX/leak-1.heapsnapshot.gz"
vg diff "$FIX/leak-1.heapsnapshot.gz" "$FIX/leak-2.heapsnapshot.gz"
vg summary --format json "$FIX/leak-2.heapsnapshot.gz"
[ $fails -eq 0 ]
