#!/usr/bin/env bash
# Builds the chat's image the way `make test-container` tests it, and the way an
# operator builds it on a machine without a container registry:
#
#   scripts/build-image.sh [tag]     (default localhost/chat-app:test)
#
# CONTAINER_ENGINE picks podman (the default) or docker. The base image comes from
# scripts/base-image.sh: the official one when a registry has it, else one built
# from Debian's packages. The host's certificate bundle goes in as a build secret,
# so pip and npm work behind a proxy that inspects TLS; it is not kept in the image.
set -euo pipefail
cd "$(dirname "$0")/.."

engine=${CONTAINER_ENGINE:-podman}
tag=${1:-localhost/chat-app:test}
certificates=/etc/ssl/certs/ca-certificates.crt

base=$(scripts/base-image.sh "$engine")
args=(build --build-arg "BASE_IMAGE=$base" --tag "$tag")
# podman writes OCI images by default, which have no HEALTHCHECK.
[ "$engine" = podman ] && args+=(--format docker)
[ -r "$certificates" ] && args+=(--secret "id=ca-certificates,src=$certificates")
echo "Building $tag from $base with $engine"
"$engine" "${args[@]}" .
