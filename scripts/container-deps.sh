#!/usr/bin/env bash
# Installs what `make test-container` needs to build and run the image as root with
# Debian's podman, and configures it for these machines. Does nothing when all is in
# place.
#
#   podman, runc   the engine; runc because crun refuses hybrid cgroup hierarchies
#   debootstrap    builds a base image from Debian's packages when no container
#                  registry is reachable (scripts/base-image.sh)
#   /etc/containers/containers.conf (only when the machine has none of its own):
#                  runc, and default ulimits within this machine's hard limits
#                  (podman's own defaults for root exceed them here)
set -euo pipefail

as_root() { # run a command as root, through sudo when needed
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "Need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

# With CONTAINER_ENGINE=docker, Docker is the machine's own business: only
# debootstrap is installed here.
engine=${CONTAINER_ENGINE:-podman}
missing=()
if [ "$engine" = podman ]; then
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
fi
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "${missing[@]}"
fi

conf=/etc/containers/containers.conf
marker="# Written by scripts/container-deps.sh"
# Only a machine without its own configuration gets ours (rewritten when ours).
if [ "$engine" = podman ] && { [ ! -e "$conf" ] || head -n 1 "$conf" | grep -qF "$marker"; }; then
  limit() { # a hard limit, capped by $2
    local hard
    hard=$(ulimit -H "$1")
    if [ "$hard" = unlimited ] || [ "$hard" -gt "$2" ]; then hard=$2; fi
    echo "$hard"
  }
  # podman's default for root is 1048576 of each. No more processes than there
  # can be process ids: a container asking for more fails on some machines.
  nofile=$(limit -n 1048576)
  nproc=$(limit -u "$(cat /proc/sys/kernel/pid_max)")
  new=$(
    cat <<CONF
$marker
[containers]
# Within this machine's hard limits (and pid_max): podman's defaults for root
# exceed them, and runc then cannot start a container.
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
# crun refuses hybrid cgroup hierarchies (cgroup v1 with a v2 "unified" mount).
runtime = "runc"
CONF
  )
  if [ "$new" != "$(cat "$conf" 2>/dev/null)" ]; then
    echo "Writing $conf (runc; nofile=$nofile, nproc=$nproc)"
    as_root mkdir -p /etc/containers
    echo "$new" | as_root tee "$conf" >/dev/null
  fi
fi
