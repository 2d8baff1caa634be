#!/usr/bin/env bash
# Prints the name of a base image for the Dockerfile's BASE_IMAGE, making it
# available to the engine first:
#
#   1. the official image the Dockerfile defaults to, when the engine has it or can
#      pull it;
#   2. otherwise (no container registry reachable) an image built from Debian's
#      packages with debootstrap: bookworm with python3, python3-venv,
#      python-is-python3 and ca-certificates (about a minute, then cached in the
#      engine's image store under a tag that names the recipe).
#
# Usage: scripts/base-image.sh [podman|docker]   (progress goes to stderr)
set -euo pipefail

engine=${1:-podman}
official=$(sed -n 's/^ARG BASE_IMAGE=//p' "$(dirname "$0")/../Dockerfile")
packages=python3,python3-venv,python-is-python3,ca-certificates
suite=bookworm
mirror=http://deb.debian.org/debian
recipe=$(printf '%s\n' "$suite" "$packages" "$mirror" minbase | sha256sum | cut -c1-12)
local_image=localhost/chat-debian-python:$suite-$recipe

if "$engine" image inspect "$official" >/dev/null 2>&1; then
  echo "$official"
  exit 0
fi
if timeout 300 "$engine" pull -q "$official" >&2 2>/dev/null; then
  echo "$official"
  exit 0
fi
echo "No registry has $official; using a base image built from Debian's packages." >&2
if "$engine" image inspect "$local_image" >/dev/null 2>&1; then
  echo "$local_image"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || {
  echo "debootstrap is missing: run scripts/container-deps.sh" >&2
  exit 1
}
root=$(mktemp -d /var/tmp/chat-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "Building $local_image with debootstrap (about a minute)..." >&2
debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" >&2
# What a container does not need: package downloads and lists, documentation.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
  "$root"/usr/share/doc/* "$root"/usr/share/man/*
tar --numeric-owner -C "$root" -c . |
  "$engine" import --change 'ENV LANG=C.UTF-8' --change 'CMD ["python"]' - \
    "$local_image" >&2
echo "$local_image"
