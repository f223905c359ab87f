# Shared helpers of the shell tests in tests/cli, sourced after `set -u`:
#   . "$(dirname "$0")/lib.sh"
#   lib_init run_x.sh cli-x      # ME, TMP (removed at exit), FAILS, CHECKS
#   need_node "the x CLI test"   # exit 77 (skipped) without node
#   need_files FILE...           # exit 1 when a fixture is missing
#   fail MSG / pass              # count a failed / passed check
#   run NAME WANT_RC OUT ERR -- hsnap ARGS...   # $HSNAP, exit code checked
#   js NAME SCRIPT [ARGS...]     # node script: prints problems, one a line
#   lib_finish                   # the summary line; exit 0 when all passed
# The caller sets HSNAP (the binary) before calling run.

# lib_init ME TMPNAME: the script's name for messages and a fresh temporary
# folder $TMP (prefix hsnap-TMPNAME), removed when the script exits.
lib_init() {
	ME=$1
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/hsnap-$2.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$TMP'" EXIT
	FAILS=0
	CHECKS=0
}

need_node() {
	if ! command -v node >/dev/null 2>&1; then
		echo "$ME: node not found; skipping${1:+ $1}" >&2
		exit 77
	fi
}

need_files() {
	local f
	for f in "$@"; do
		[ -f "$f" ] || { echo "$ME: missing fixture $f" >&2; exit 1; }
	done
}

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { CHECKS=$((CHECKS + 1)); }

# run NAME WANT_RC OUT ERR -- hsnap args...: runs hsnap, checks the exit code.
run() {
	local name=$1 want=$2 out=$3 err=$4 rc
	shift 5
	"$HSNAP" "$@" >"$out" 2>"$err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name: exit $rc, expected $want (hsnap $*)"
		sed 's/^/    stderr: /' "$err" | head -5 >&2
		return 1
	fi
	pass
	return 0
}

# js NAME SCRIPT [ARGS...]: runs a node script (reading files given as args);
# it prints problems, one a line, and nothing when all is well.
js() {
	local name=$1 script=$2 msgs
	shift 2
	if ! msgs=$(node -e "$script" "$@" 2>&1); then
		fail "$name: node failed: $msgs"
		return
	fi
	if [ -n "$msgs" ]; then
		while IFS= read -r m; do fail "$name: $m"; done <<<"$msgs"
	else
		pass
	fi
}

lib_finish() {
	echo "$ME: $CHECKS checks passed, $FAILS failed"
	[ "$FAILS" = 0 ]
}
