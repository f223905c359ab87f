#!/usr/bin/env bash
# The man page and the completions cover every option: for each option in the
# tables (`hsnap --dump-options list`: command, -s, --long, ARG), its --long
# (and -s) appears in that command's --help (the global ones in hsnap --help),
# in the man page (as \-\-long, in the command's section), in the bash
# completion's list for the command and in the zsh function of the command.
# The generated files are those of the build and equal a fresh dump.  The bash
# completion is also run: commands, options before and after the command,
# option values, files after '--'.  The man page must format without groff
# warnings; the zsh file must parse (zsh -n, when zsh is installed).
#   run_docs.sh HSNAP GENERATED_DIR
set -u
HSNAP=${1:?usage: run_docs.sh HSNAP GENERATED_DIR}
GEN=$(cd "${2:?usage: run_docs.sh HSNAP GENERATED_DIR}" && pwd)
MAN=$GEN/hsnap.1 BASHC=$GEN/hsnap.bash ZSHC=$GEN/_hsnap
FAILS=0 CHECKS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

for f in man bash zsh; do
	"$HSNAP" --dump-options "$f" "$T/$f" || fail "--dump-options $f: exit $?"
done
cmp -s "$T/man" "$MAN" || fail "$MAN differs from a fresh 'hsnap --dump-options man'"
cmp -s "$T/bash" "$BASHC" || fail "$BASHC differs from a fresh dump"
cmp -s "$T/zsh" "$ZSHC" || fail "$ZSHC differs from a fresh dump"
"$HSNAP" --dump-options list >"$T/list" || fail "--dump-options list: exit $?"
[ "$(wc -l <"$T/list")" -gt 100 ] || fail "--dump-options list: only $(wc -l <"$T/list") options"

# the section of one command in the man page, the bash arm, the zsh function
man_section() { if [ "$1" = - ]; then sed -n '/^\.SH "GLOBAL OPTIONS"/,/^\.SH/p' "$MAN"; else
	sed -n "/^\.SH \"COMMAND $(echo "$1" | tr a-z A-Z)\"/,/^\.SH/p" "$MAN"; fi; }
bash_words() { if [ "$1" = - ]; then grep -E '^_hsnap_(global|main)_opts=' "$BASHC"; else
	sed -n "/^\t$1)\$/,/^\t\t;;/p" "$BASHC" | grep 'opts="'; fi; }
zsh_func() { if [ "$1" = - ]; then sed -n '/^_hsnap_globals()/,/^}/p; /^_hsnap()/,/^}/p' "$ZSHC"; else
	sed -n "/^_hsnap_cmd_$1()/,/^}/p" "$ZSHC"; fi; }

prev=
while IFS='|' read -r cmd short long arg; do
	if [ "$cmd" != "$prev" ]; then
		if [ "$cmd" = - ]; then "$HSNAP" --help >"$T/help"; else "$HSNAP" "$cmd" --help >"$T/help"; fi
		man_section "$cmd" >"$T/mansec"
		bash_words "$cmd" >"$T/bw"
		zsh_func "$cmd" >"$T/zf"
		[ -s "$T/mansec" ] || fail "man page: no section for '$cmd'"
		[ -s "$T/bw" ] || fail "bash completion: no option list for '$cmd'"
		[ -s "$T/zf" ] || fail "zsh completion: no function for '$cmd'"
		prev=$cmd
	fi
	CHECKS=$((CHECKS + 1))
	where="$cmd $long"
	for name in $long $short; do
		grep -qE -- "(^|[ ,])$name([ ,=]|\$)" "$T/help" || fail "$where: '$name' not in --help"
		grep -qF -- "\\fB$(printf '%s' "$name" | sed 's/-/\\-/g')\\fR" "$T/mansec" || fail "$where: '$name' not in the man page's section"
		grep -qE -- "[\" ]$name[\" ]" "$T/bw" || fail "$where: '$name' not in the bash completion"
		# long options have no '-' in the middle of their zsh spec by accident: match the spec
		grep -qE -- "[)*'](\\(- \\*\\))?$name[=+]?\\[" "$T/zf" || fail "$where: '$name' not in the zsh completion"
	done
	if [ -n "$arg" ]; then
		grep -qE -- "(^|[ ,])$long $arg( |\$)" "$T/help" || fail "$where: '$long $arg' not in --help"
	fi
done < <(tr '\t' '|' <"$T/list") # '|': empty fields stay fields

# the man page formats cleanly
if command -v groff >/dev/null; then
	w=$(groff -man -Tutf8 -ww -z "$MAN" 2>&1)
	[ -z "$w" ] || fail "groff warnings on the man page: $(printf '%s\n' "$w" | head -3)"
	groff -man -Tutf8 -P-cbou "$MAN" 2>/dev/null | grep -q 'COMMAND SUMMARY' || fail "man page: no COMMAND SUMMARY section when formatted"
fi
# zsh parses the completion
if command -v zsh >/dev/null; then
	zsh -n "$ZSHC" || fail "zsh -n $ZSHC"
fi
bash -n "$BASHC" || fail "bash -n $BASHC"

# the bash completion at work: complete WORDS... (the last one is completed)
complete_words() {
	bash -c '
		compopt() { :; }
		. "$1"; shift
		COMP_WORDS=(hsnap "$@"); COMP_CWORD=$#
		_hsnap
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BASHC" "$@"
}
expect_in() { # WORD WORDS...: WORD is offered when completing WORDS
	local want=$1; shift
	CHECKS=$((CHECKS + 1))
	complete_words "$@" | grep -qxF -- "$want" || fail "bash completion of 'hsnap $*': no '$want' (got: $(complete_words "$@" | head -5 | tr '\n' ' '))"
}
expect_not() {
	local bad=$1; shift
	CHECKS=$((CHECKS + 1))
	! complete_words "$@" | grep -qxF -- "$bad" || fail "bash completion of 'hsnap $*' offers '$bad'"
}
expect_in summary su
expect_in retainers re
expect_in --jobs --jo
expect_in --top summary --to
expect_in --raw-sizes --jobs 2 summary --raw
expect_in --no-index summary F --no
expect_in retained summary --sort ''
expect_in html summary --format ''
expect_not html top --format ''
expect_in summary --format json su
expect_in --fail-on diff --fail
expect_in count growth --sort c
expect_in realms help rea
mkdir "$T/d" && touch "$T/d/-x.heapsnapshot"
(cd "$T/d" && expect_in -x.heapsnapshot summary -- -x)
(cd "$T/d" && expect_not --top summary -- --to)

echo "run_docs.sh: $CHECKS checks, $FAILS failures"
[ "$FAILS" = 0 ]
