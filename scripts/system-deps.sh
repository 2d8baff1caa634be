#!/usr/bin/env bash
# Installs the Debian packages the test suite drives: Chromium for the browser tests
# and redis-server for the multi-worker tests. Does nothing when both are present.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || {
    echo "Need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  }
  sudo="sudo"
fi
echo "Installing Debian packages: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
