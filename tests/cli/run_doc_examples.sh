#!/usr/bin/env bash
# The examples of docs/triage.md and docs/ci.md are real output: every hsnap
# command they show on the fixtures is run again and its output compared
# with the document's (tests/cli/doc_examples.js; "…" lines stand for lines
# left out, "$ echo $?" for the exit code).  The chat-service hunt of
# triage.md's section 0 runs on snapshots a reader takes (their ids and
# counts depend on Node and on the folder): cli_chat checks its answers.
#   run_doc_examples.sh HSNAP ROOT   (skipped, exit 77, without node)
set -u
HSNAP=${1:?usage: run_doc_examples.sh HSNAP ROOT}
ROOT=${2:?usage: run_doc_examples.sh HSNAP ROOT}
if ! command -v node >/dev/null 2>&1; then echo "run_doc_examples.sh: node not found; skipping" >&2; exit 77; fi
node "$(dirname "$0")/doc_examples.js" "$HSNAP" "$ROOT" "$ROOT/docs/triage.md" "$ROOT/docs/ci.md"
