#!/usr/bin/env bash
# Static analysis of the C sources with cppcheck (Debian package cppcheck,
# installed by tests/setup-deps.sh).  Exits 1 when it reports anything.
#   tests/cppcheck.sh [FILE_OR_DIR...]     default: src
# The checks: warning, style, performance, portability, except variableScope
# (the project declares variables at the top of a block, as git and the
# kernel do); a finding that is wrong can be silenced where it is with
# `// cppcheck-suppress ID` on the line before.  The CMake target `cppcheck`
# runs this script.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v cppcheck >/dev/null || { echo "cppcheck.sh: cppcheck not found (tests/setup-deps.sh installs it)" >&2; exit 2; }
[ $# -gt 0 ] || set -- src
cppcheck -q --std=c11 --language=c --inline-suppr --error-exitcode=1 \
  --enable=warning,style,performance,portability \
  --suppress=variableScope --suppress=missingIncludeSystem \
  -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64 -D__GNUC__ \
  -I include -I src -j "$(nproc)" \
  --template='{file}:{line}:{column}: {severity}: {message} [{id}]' "$@"
