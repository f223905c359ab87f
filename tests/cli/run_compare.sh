#!/usr/bin/env bash
# The comparing commands (diff, leaks, growth) and the command-line details
# of issue 10, on tiny snapshots written by tests/cli/snapgen.js:
#   run_compare.sh HSNAP
# Every expected value is worked out by hand from the object lists below
# (ids, classes and sizes chosen for it), never taken from hsnap's output.
# node writes the snapshots and reads the JSON; without it: skipped (77).
set -u
HSNAP=${1:?usage: run_compare.sh HSNAP}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
lib_init run_compare.sh cli-compare
need_node
export HSNAP_NO_INDEX=1
gen() { node "$HERE/snapgen.js" "$@" || { echo "run_compare.sh: snapgen failed" >&2; exit 1; }; }

# run NAME WANT_RC -- args: runs hsnap into $TMP/out, $TMP/err; checks the exit code.
run() {
	local name=$1 want=$2 rc
	shift 3
	CHECKS=$((CHECKS + 1))
	"$HSNAP" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name: exit $rc, expected $want (hsnap $*)"
		sed 's/^/    stderr: /' "$TMP/err" | head -5 >&2
		return 1
	fi
	return 0
}
has() { # NAME FILE FIXED-STRING
	CHECKS=$((CHECKS + 1))
	grep -qF -- "$3" "$2" || { fail "$1: no '$3' in $(basename "$2")"; sed 's/^/    | /' "$2" | head -20 >&2; }
}
lacks() { # NAME FILE FIXED-STRING
	CHECKS=$((CHECKS + 1))
	! grep -qF -- "$3" "$2" || fail "$1: unexpected '$3' in $(basename "$2")"
}
# js NAME SCRIPT FILE...: node prints one problem a line, nothing when all is well
js() {
	local name=$1 script=$2 msgs
	shift 2
	CHECKS=$((CHECKS + 1))
	if ! msgs=$(node -e "$script" "$@" 2>&1); then
		fail "$name: node failed: $msgs"
	elif [ -n "$msgs" ]; then
		while IFS= read -r m; do fail "$name: $m"; done <<<"$msgs"
	fi
}


# ---- diff: signed percentages, shrinking classes in --top ------------------
# A: global 10 B + Grow 3 x 10 B + Shrink 10 x 10 B = 140 B
# B: global 10 B + Grow 6 x 10 B + Shrink 2 x 10 B  =  90 B: -50 B, -35.7 %
gen "$TMP/d-a.heapsnapshot" object:Grow:101-105:10 object:Shrink:201-219:10
gen "$TMP/d-b.heapsnapshot" object:Grow:101-105:10 object:Grow:301-305:10 object:Shrink:201-203:10
if run "diff percent" 0 -- diff "$TMP/d-a.heapsnapshot" "$TMP/d-b.heapsnapshot"; then
	lacks "diff percent" "$TMP/err" "warning"
	has "diff percent" "$TMP/out" "Total size -50 B (-35.7%)"
fi
if run "diff percent md" 0 -- diff "$TMP/d-a.heapsnapshot" "$TMP/d-b.heapsnapshot" --format markdown; then
	has "diff percent md" "$TMP/out" "Total size -50 B (-35.7%)"
fi
if run "diff percent B A" 0 -- diff "$TMP/d-b.heapsnapshot" "$TMP/d-a.heapsnapshot"; then
	has "diff percent B A" "$TMP/out" "Total size +50 B (+55.6%)"
fi

# ---- markdown: every table renders as a GitHub table ------------------------
# A table is a run of lines starting with '|', after a blank line; its second
# line is the delimiter row; every row starts and ends with '|' and has the
# header's number of cells.  A line with an unescaped '|' outside a table is
# a broken row.
MDCHECK='
  const text = require("fs").readFileSync(process.argv[1], "utf8");
  const lines = text.split("\n");
  const cells = (l) => l.replace(/\\\|/g, "").split("|").length - 2;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!l.startsWith("|")) {
      if (/(^|[^\\])\|/.test(l.replace(/`[^`]*`/g, ""))) console.log("line " + (i + 1) + " has a | outside a table: " + l);
      continue;
    }
    if (i > 0 && lines[i - 1].startsWith("|")) continue;
    if (i > 0 && lines[i - 1].trim() !== "") console.log("line " + (i + 1) + ": table without a blank line before it");
    const n = cells(l);
    if (!/^\|( *:?-+:? *\|)+$/.test(lines[i + 1] || "") || cells(lines[i + 1]) !== n)
      console.log("line " + (i + 2) + ": no delimiter row for the table at line " + (i + 1));
    for (let k = i; k < lines.length && lines[k].startsWith("|"); k++)
      if (!lines[k].endsWith("|") || cells(lines[k]) !== n)
        console.log("line " + (k + 1) + ": " + cells(lines[k]) + " cells, the header has " + n + ": " + lines[k]);
  }
'
md() { # NAME -- args
	local name=$1
	shift 2
	if run "markdown $name" 0 -- "$@" --format markdown; then
		[ -s "$TMP/out" ] || fail "markdown $name: empty output"
		cp "$TMP/out" "$TMP/md.out"
		js "markdown $name" "$MDCHECK" "$TMP/md.out"
	fi
}
DIAMOND=$HERE/../../fixtures/tiny/diamond.heapsnapshot
md "summary" -- summary "$DIAMOND"
md "top" -- top "$DIAMOND"
md "info" -- info "$DIAMOND"
md "export" -- export "$DIAMOND"
md "verify" -- verify "$DIAMOND"
md "retainers --id" -- retainers "$DIAMOND" --id 13
md "retainers --class" -- retainers "$DIAMOND" --class Shared
md "diff" -- diff "$TMP/d-a.heapsnapshot" "$TMP/d-b.heapsnapshot" --fail-on 'Grow:count>100'

# ---- ids: 123 and @123 alike ------------------------------------------------
# diamond: global @5 -> App @7 -> Left @9, Right @11 -> Shared @13
if run "--id 13" 0 -- retainers "$DIAMOND" --id 13; then
	cp "$TMP/out" "$TMP/id-plain"
	run "--id @13" 0 -- retainers "$DIAMOND" --id @13 && cmp -s "$TMP/out" "$TMP/id-plain" ||
		fail "--id @13: output differs from --id 13"
fi
if run "--ignore 11" 0 -- retainers "$DIAMOND" --id 13 --ignore 11; then
	cp "$TMP/out" "$TMP/ig-plain"
	run "--ignore @11" 0 -- retainers "$DIAMOND" --id @13 --ignore @11 && cmp -s "$TMP/out" "$TMP/ig-plain" ||
		fail "--ignore @11: output differs from --ignore 11"
fi
run "--id @" 2 -- retainers "$DIAMOND" --id @
run "--id @@13" 2 -- retainers "$DIAMOND" --id @@13
run "--id @-13" 2 -- retainers "$DIAMOND" --id @-13

# ---- numeric options: the message says the accepted range -------------------
limit() { # NAME TEXT -- args: exit 2, stderr has TEXT
	local name=$1 text=$2
	shift 3
	run "$name" 2 -- "$@" && has "$name" "$TMP/err" "$text"
}
limit "--top 2147483647" "100000000" -- summary "$DIAMOND" --top 2147483647
limit "--top -1" "from 0 to 100000000" -- top "$DIAMOND" --top -1
limit "export --top x" "100000000" -- export "$DIAMOND" --top x
limit "top --depth 2000" "from 0 to 1000" -- top "$DIAMOND" --depth 2000
limit "top --depth 2147483647" "from 0 to 1000" -- top "$DIAMOND" --depth 2147483647
limit "retainers --max-depth 0" "from 1 to 100000" -- retainers "$DIAMOND" --id 13 --max-depth 0
limit "retainers --max-depth 9999999999" "from 1 to 100000" -- retainers "$DIAMOND" --id 13 --max-depth 9999999999
limit "leaks --max-depth 9999999999" "from 1 to 100000" -- leaks "$DIAMOND" "$DIAMOND" "$DIAMOND" --max-depth 9999999999
limit "growth --min-steps 2147483647" "from 0 to 2" -- growth "$DIAMOND" "$DIAMOND" "$DIAMOND" --min-steps 2147483647
limit "--jobs 65" "from 1 to 64" -- summary "$DIAMOND" --jobs 65
# Changes: Shrink -80 B, global -50 B (retained), Grow +30 B: the largest
# change is a shrinkage, and --top 1 must show it.
if run "diff --top 1" 0 -- diff "$TMP/d-a.heapsnapshot" "$TMP/d-b.heapsnapshot" --top 1; then
	has "diff --top 1" "$TMP/out" "Top 1 of 3 changed classes"
	has "diff --top 1" "$TMP/out" "  Shrink "
	lacks "diff --top 1" "$TMP/out" "  Grow "
fi
if run "diff --top 2 md" 0 -- diff "$TMP/d-a.heapsnapshot" "$TMP/d-b.heapsnapshot" --top 2 --format markdown; then
	has "diff --top 2 md" "$TMP/out" "| Shrink |"
	has "diff --top 2 md" "$TMP/out" "| global |"
	lacks "diff --top 2 md" "$TMP/out" "| Grow |"
fi
# --sort count: Shrink -8, Grow +3 (global 0 but its sizes changed)
if run "diff --sort count --top 2" 0 -- diff "$TMP/d-a.heapsnapshot" "$TMP/d-b.heapsnapshot" --sort count --top 2; then
	js "diff --sort count --top 2" '
	  const rows = require("fs").readFileSync(process.argv[1], "utf8").split("\n")
	    .filter(l => /^  (Grow|Shrink|global) /.test(l)).map(l => l.trim().split(/\s+/)[0]);
	  if (rows.join(",") !== "Shrink,Grow") console.log("rows " + rows.join(",") + ", expected Shrink,Grow");
	' "$TMP/out"
fi

# ---- growth: only classes that grew ---------------------------------------
# Grow: 1 -> 2 -> 3 objects.  Flat: always 2 objects whose size grows
# (10, 20, 30 B): its count never changes, so it did not grow by count.
gen "$TMP/g1.heapsnapshot" object:Grow:101:10 object:Flat:301-303:10
gen "$TMP/g2.heapsnapshot" object:Grow:101-103:10 object:Flat:301-303:20
gen "$TMP/g3.heapsnapshot" object:Grow:101-105:10 object:Flat:301-303:30
G="$TMP/g1.heapsnapshot $TMP/g2.heapsnapshot $TMP/g3.heapsnapshot"
# shellcheck disable=SC2086
if run "growth" 0 -- growth $G --format json; then
	js "growth" '
	  const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	  const names = j.classes.map(c => c.name).join(",");
	  if (names !== "Grow") console.log("classes " + names + ", expected Grow");
	' "$TMP/out"
fi
# shellcheck disable=SC2086
if run "growth text" 0 -- growth $G; then
	has "growth text" "$TMP/out" "1 class grew"
	lacks "growth text" "$TMP/out" "Flat"
fi
# by retained size all three grow at every step: global 40 -> 70 -> 100 B,
# Flat 20 -> 40 -> 60 B, Grow 10 -> 20 -> 30 B
# shellcheck disable=SC2086
if run "growth --sort retained" 0 -- growth $G --sort retained --format json; then
	js "growth --sort retained" '
	  const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	  const names = j.classes.map(c => c.name).sort().join(",");
	  if (names !== "Flat,Grow,global") console.log("classes " + names + ", expected Flat,Grow,global");
	' "$TMP/out"
fi

# ---- a rejected file with --format json: an error object on stdout ----------
printf '{"snapshot":{"meta":{}},"nodes":[1,2' >"$TMP/bad.heapsnapshot"
BAD=$TMP/bad.heapsnapshot
jerr() { # NAME -- args (with --format json)
	local name=$1
	shift 2
	if run "$name" 3 -- "$@"; then
		[ "$(wc -l <"$TMP/err")" = 1 ] || fail "$name: $(wc -l <"$TMP/err") stderr lines, expected 1"
		js "$name" '
		  const fs = require("fs");
		  const err = fs.readFileSync(process.argv[2], "utf8").trim();
		  let j;
		  try { j = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch (e) { console.log("stdout is not JSON: " + e.message); process.exit(0); }
		  const e = j.error;
		  if (!e || Object.keys(j).length !== 1) { console.log("no error object: " + JSON.stringify(j)); process.exit(0); }
		  if (e.file !== process.argv[3]) console.log("file " + e.file + ", expected " + process.argv[3]);
		  if (e.exit_code !== 3) console.log("exit_code " + e.exit_code);
		  if (err !== "hsnap: " + e.file + ": " + e.message) console.log("message " + JSON.stringify(e.message) + " is not the stderr line " + err);
		' "$TMP/out" "$TMP/err" "$BAD"
	fi
}
jerr "summary json" -- summary "$BAD" --format json
jerr "top json" -- top "$BAD" --format json
jerr "info json" -- info "$BAD" --format json
jerr "export json" -- export "$BAD" --format json
jerr "verify json" -- verify "$BAD" --format json
jerr "retainers json" -- retainers "$BAD" --id 1 --format json
jerr "diff json (A)" -- diff "$BAD" "$DIAMOND" --format json
jerr "diff json (B)" -- diff "$DIAMOND" "$BAD" --format json
jerr "leaks json" -- leaks "$DIAMOND" "$BAD" "$DIAMOND" --format json
jerr "growth json" -- growth "$DIAMOND" "$DIAMOND" "$BAD" --format json
# without --format json: nothing on stdout
run "summary text" 3 -- summary "$BAD" && { [ -s "$TMP/out" ] && fail "summary text: output on stdout"; }

# ---- leaks: ids matched within a class --------------------------------------
# A: Foo 101 103, Old 201.
# B: Foo 101 103 105 107, and Foo 201: id 201 was Old's in A, so this Foo is
#    new in B (V8 gave the id to another object).
# C: Foo 101 105 201, Bar 107 (id 107 was a Foo in B: this Bar is not one of
#    B's new objects).
# New in B by (class, id): Foo 105, 107, 201 = 3.  Leaked: Foo 105, 201 = 2.
gen "$TMP/l-a.heapsnapshot" object:Foo:101-103:10 object:Old:201:10
gen "$TMP/l-b.heapsnapshot" object:Foo:101-107:10 object:Foo:201:10
gen "$TMP/l-c.heapsnapshot" object:Foo:101:10 object:Foo:105:10 object:Foo:201:10 object:Bar:107:10
if run "leaks id reuse" 0 -- leaks "$TMP/l-a.heapsnapshot" "$TMP/l-b.heapsnapshot" "$TMP/l-c.heapsnapshot" --format json; then
	js "leaks id reuse" '
	  const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	  if (j.new_in_b !== 3) console.log("new_in_b " + j.new_in_b + ", expected 3");
	  if (j.leaked !== 2) console.log("leaked " + j.leaked + ", expected 2");
	  const cls = j.classes.map(c => c.name + "=" + c.count).join(",");
	  if (cls !== "Foo=2") console.log("classes " + cls + ", expected Foo=2");
	' "$TMP/out"
fi
# On the real series: 'new in B' is the sum of diff A B's 'new' column (the
# count DevTools' Comparison view gives, checked by tests/parity).
FIXD=$HERE/../../fixtures
if run "leaks fixtures" 0 -- leaks "$FIXD/leak-1.heapsnapshot.gz" "$FIXD/leak-2.heapsnapshot.gz" "$FIXD/leak-3.heapsnapshot.gz" --paths 0 --format json; then
	cp "$TMP/out" "$TMP/lk.json"
	if run "diff fixtures" 0 -- diff "$FIXD/leak-1.heapsnapshot.gz" "$FIXD/leak-2.heapsnapshot.gz" --format json; then
		js "leaks new_in_b = diff new" '
		  const fs = require("fs"), l = JSON.parse(fs.readFileSync(process.argv[1])), d = JSON.parse(fs.readFileSync(process.argv[2]));
		  const n = d.classes.reduce((s, c) => s + c.new, 0);
		  if (l.new_in_b !== n) console.log("new_in_b " + l.new_in_b + ", diff new " + n);
		  const c = Object.fromEntries(l.classes.map(k => [k.name, k.count]));
		  for (const [k, v] of [["LeakyConnection", 500], ["CacheEntry", 300], ["ListenerContext", 40]])
		    if (c[k] !== v) console.log(k + " " + c[k] + ", expected " + v);
		' "$TMP/lk.json" "$TMP/out"
	fi
fi

# ---- warnings: snapshots of another process, snapshots out of order --------
# P1 and P2: one process (P2 = P1's 150 Foo plus 50 newer ones).  Q: another
# process: the same ids belong to other classes, so none of its 150 objects
# with ids up to P1's largest matches P1 by (class, id).
gen "$TMP/p1.heapsnapshot" object:Foo:101-399:10
gen "$TMP/p2.heapsnapshot" object:Foo:101-399:10 object:Foo:401-499:10
gen "$TMP/p3.heapsnapshot" object:Foo:101-399:10 object:Foo:401-599:10
gen "$TMP/q.heapsnapshot" object:Baz:101-399:10 object:Qux:401-599:10
P1=$TMP/p1.heapsnapshot P2=$TMP/p2.heapsnapshot P3=$TMP/p3.heapsnapshot Q=$TMP/q.heapsnapshot
quiet() { # NAME -- args: exit 0, no warning
	local name=$1
	shift 2
	run "$name" 0 -- "$@" && lacks "$name" "$TMP/err" "warning"
}
warns() { # NAME WHAT -- args: exit 0, one warning containing WHAT, on stderr only
	local name=$1 what=$2
	shift 3
	if run "$name" 0 -- "$@"; then
		has "$name" "$TMP/err" "$what"
		lacks "$name" "$TMP/out" "warning"
	fi
}
quiet "diff P1 P2" -- diff "$P1" "$P2"
quiet "leaks P1 P2 P3" -- leaks "$P1" "$P2" "$P3"
quiet "growth P1 P2 P3" -- growth "$P1" "$P2" "$P3"
warns "diff P1 Q" "do not look like snapshots of one process" -- diff "$P1" "$Q"
warns "leaks P1 Q P3" "A and B do not look like snapshots of one process" -- leaks "$P1" "$Q" "$P3"
warns "leaks P1 P2 Q" "B and C do not look like snapshots of one process" -- leaks "$P1" "$P2" "$Q"
warns "growth P1 Q P3" "S1 and S2 do not look like snapshots of one process" -- growth "$P1" "$Q" "$P3"
warns "diff P2 P1" "B looks older than A" -- diff "$P2" "$P1"
run "diff P2 P1" 0 -- diff "$P2" "$P1" && lacks "diff P2 P1 (one process)" "$TMP/err" "do not look like"
warns "leaks P1 P3 P2" "C looks older than B" -- leaks "$P1" "$P3" "$P2"
warns "leaks P2 P1 P3" "B looks older than A" -- leaks "$P2" "$P1" "$P3"
warns "growth P1 P3 P2" "S3 looks older than S2" -- growth "$P1" "$P3" "$P2"

# ---- --fail-on: a rule that selects no class is an error, unless optional ---
DA=$TMP/d-a.heapsnapshot
DB=$TMP/d-b.heapsnapshot
LA=$TMP/l-a.heapsnapshot
LB=$TMP/l-b.heapsnapshot
LC=$TMP/l-c.heapsnapshot
nomatch() { # NAME RULE CLOSEST -- args
	local name=$1 rule=$2 closest=$3
	shift 4
	if run "$name" 2 -- "$@" --fail-on "$rule"; then
		has "$name" "$TMP/err" "'$rule'"
		has "$name" "$TMP/err" "$closest"
		[ "$(wc -l <"$TMP/err")" = 1 ] || fail "$name: $(wc -l <"$TMP/err") stderr lines, expected 1"
		[ -s "$TMP/out" ] && fail "$name: printed a report on stdout"
	fi
}
nomatch "diff typo" 'Grwo:count>0' Grow -- diff "$DA" "$DB"
nomatch "diff glob" 'Detached *:count>0' global -- diff "$DA" "$DB"
nomatch "leaks typo" 'fOO:count>0' Foo -- leaks "$LA" "$LB" "$LC"
# shellcheck disable=SC2086
nomatch "growth typo" 'Flta:count>0' Flat -- growth $G
# optional: a trailing '?'
run "diff optional" 0 -- diff "$DA" "$DB" --fail-on 'Grwo:count>0?' && has "diff optional" "$TMP/out" "all 1 rule passed"
run "leaks optional" 0 -- leaks "$LA" "$LB" "$LC" --fail-on 'Nothing:count>0?'
# shellcheck disable=SC2086
run "growth optional" 0 -- growth $G --fail-on 'Nothing*:count>0?'
# an optional rule that matches still gates
run "diff optional violated" 1 -- diff "$DA" "$DB" --fail-on 'Gro?:count>0?'
# a class that exists but did not change (Old is in A only for leaks; Bar in C)
run "leaks matched, not leaked" 0 -- leaks "$LA" "$LB" "$LC" --fail-on 'Bar:count>0'
# total rules always match
run "diff total" 0 -- diff "$DA" "$DB" --fail-on 'total:count>100'

# ---- markdown of the three-snapshot commands --------------------------------
md "leaks" -- leaks "$LA" "$LB" "$LC" --fail-on 'Foo:count>5'
# shellcheck disable=SC2086
md "growth" -- growth $G --fail-on 'Grow:count>100'
echo "run_compare.sh: $((CHECKS - FAILS)) checks passed, $FAILS failed"
[ "$FAILS" = 0 ]
