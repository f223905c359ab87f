#!/usr/bin/env bash
# The option layer (src/cli/options.c): the same command line spelled every
# way it may be gives the same output -- global options before the command,
# after it and after the operands; --name=VALUE and --name VALUE; a unique
# prefix; --format before the command -- and '--' ends the options (a file
# named '-x' or '--no-index' is read after it).  Usage errors keep their
# messages and exit 2 (one line on stderr).
#   run_options.sh HSNAP FIXTURES
set -u
HSNAP=${1:?usage: run_options.sh HSNAP FIXTURES}
FIX=$(cd "${2:?usage: run_options.sh HSNAP FIXTURES}" && pwd)
FAILS=0 CHECKS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HSNAP_NO_INDEX=1
cp "$FIX/tiny/diamond.heapsnapshot" "$T/d.heapsnapshot"
cp "$FIX/tiny/diamond.heapsnapshot" "$T/-x"
cp "$FIX/tiny/detached.heapsnapshot" "$T/--no-index"
cd "$T"

# same OUT ARGS...: hsnap ARGS prints exactly what the reference printed
run() { "$HSNAP" "$@" >out 2>err; echo $? >rc; }
ref() { run "$@"; cp out ref.out; cp rc ref.rc; [ "$(cat rc)" = 0 ] || fail "reference '$*' exited $(cat rc): $(head -2 err)"; }
same() {
	CHECKS=$((CHECKS + 1))
	run "$@"
	cmp -s out ref.out && cmp -s rc ref.rc || fail "'hsnap $*' differs from the reference (exit $(cat rc): $(head -2 err))"
	[ ! -s err ] || fail "'hsnap $*': stderr: $(head -2 err)"
}
usage() { # MESSAGE ARGS...: exit 2, exactly MESSAGE on stderr, nothing on stdout
	local want=$1; shift
	CHECKS=$((CHECKS + 1))
	run "$@"
	[ "$(cat rc)" = 2 ] || fail "'hsnap $*': exit $(cat rc), not 2"
	[ "$(cat err)" = "$want" ] || fail "'hsnap $*': stderr '$(cat err)', not '$want'"
	[ ! -s out ] || fail "'hsnap $*': stdout not empty"
}

ref summary --format json --top 3 d.heapsnapshot
same --jobs 2 summary --format json --top 3 d.heapsnapshot
same summary --jobs 2 --format json --top 3 d.heapsnapshot
same summary --format json --top 3 d.heapsnapshot --jobs 2
same summary --format json --top 3 d.heapsnapshot -j 2
same -j 2 --no-index summary --format=json --top=3 d.heapsnapshot
same --format json summary --top 3 d.heapsnapshot
same --format=json --jobs=1 summary d.heapsnapshot --top 3
same summary --form json --to 3 d.heapsnapshot
same summary --format json --top 3 -- d.heapsnapshot
# after '--', '--top' and '3' are files
CHECKS=$((CHECKS + 1))
run summary --format json -- d.heapsnapshot --top 3
[ "$(cat rc)" = 2 ] && grep -q "expected one FILE, got 3" err || fail "'summary -- F --top 3': not 3 operands (exit $(cat rc): $(head -1 err))"

# '--' ends the options: files named -x and --no-index
ref summary --format json d.heapsnapshot
CHECKS=$((CHECKS + 1))
run summary --format json -- -x
[ "$(cat rc)" = 0 ] && grep -q '"file": "-x"' out || fail "summary -- -x: exit $(cat rc), $(head -1 err)"
sed 's/"file": "-x"/"file": "d.heapsnapshot"/' out | cmp -s - ref.out || fail "summary -- -x: not the summary of the same bytes"
CHECKS=$((CHECKS + 1))
run summary --format json -- --no-index
[ "$(cat rc)" = 0 ] && grep -q '"file": "--no-index"' out || fail "summary -- --no-index: exit $(cat rc), $(head -1 err)"
CHECKS=$((CHECKS + 1))
run diff --format json -- d.heapsnapshot --no-index
[ "$(cat rc)" = 0 ] && grep -q '"file": "--no-index"' out || fail "diff -- A --no-index: exit $(cat rc), $(head -1 err)"

# short options cluster; -h anywhere shows the help
ref capture --help
same capture -qh
same capture --port 1 -h
ref top --help
same top --he
same top d.heapsnapshot --help

# errors: the messages of the commands, unchanged
usage "hsnap summary: unknown option '-x' (see 'hsnap summary --help')" summary -x
usage "hsnap summary: unknown option '--bogus' (see 'hsnap summary --help')" summary d.heapsnapshot --bogus
usage "hsnap summary: unknown option '--raw-sizes=1' (see 'hsnap summary --help')" summary --raw-sizes=1 d.heapsnapshot
usage "hsnap summary: option '--top' needs a value (see 'hsnap summary --help')" summary d.heapsnapshot --top
usage "hsnap summary: --top needs an integer from 0 to 100000000, got 'x' (see 'hsnap summary --help')" summary --top=x d.heapsnapshot
usage "hsnap summary: --sort must be retained, shallow or count, got 'size' (see 'hsnap summary --help')" summary --sort size d.heapsnapshot
usage "hsnap diff: --sort must be retained, self, count or new, got 'x' (see 'hsnap diff --help')" diff --sort x d.heapsnapshot d.heapsnapshot
usage "hsnap diff: unknown option '--f' (see 'hsnap diff --help')" diff --f json d.heapsnapshot d.heapsnapshot
usage "hsnap summary: expected one FILE, got 0 (see 'hsnap summary --help')" summary
usage "hsnap capture: option '-o' needs a value (see 'hsnap capture --help')" capture -o
usage "hsnap watch: unknown option '--format' (see 'hsnap watch --help')" --format json watch 1
usage "hsnap: --jobs needs a number from 1 to 64, got '0'" summary d.heapsnapshot --jobs 0
usage "hsnap: --jobs needs a number from 1 to 64, got '0'" --jobs 0 summary d.heapsnapshot
usage "hsnap: -j needs a number" summary d.heapsnapshot -j
usage "hsnap: --max-input needs a size above 0 (e.g. 500MB, 2GiB), got ''" summary d.heapsnapshot --max-input
usage "hsnap: unknown command '--bogus'
Run 'hsnap --help' for the list of commands." --bogus summary d.heapsnapshot

echo "run_options.sh: $CHECKS checks, $FAILS failures"
[ "$FAILS" = 0 ]
