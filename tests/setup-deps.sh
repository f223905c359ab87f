#!/usr/bin/env bash
# Installs the Debian packages hsnap needs to build and test, when missing.
# Uses sudo when not root.  Extra package names may be given as arguments.
set -euo pipefail
pkgs=(cmake make gcc pkg-config libyajl-dev uthash-dev libcmocka-dev zlib1g-dev libwslay-dev python3 cppcheck zsh "$@")
missing=()
for p in "${pkgs[@]}"; do
  [ -n "$p" ] || continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all packages present"
  exit 0
fi
echo "setup-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
