#!/usr/bin/env bash
# Makes Docker usable for Wharf's integration tests and benchmarks on a fresh Debian/Ubuntu machine.
# Idempotent: installs only what is missing, starts the daemon only when it does not answer.
#   - docker.io      Docker engine and CLI (tests talk to the daemon through dockerode)
#   - busybox-static /bin/busybox, copied into the test images (nothing is ever pulled)
#   - nginx-light    the benchmark's comparison proxy (optional: a failure only warns)
#   - docker-registry  a local OCI registry the deploy tests push images to, standing in for ECR
# Without root or apt it cannot install; it then fails with what is missing and how to get it.
set -euo pipefail

SOCKET=/var/run/docker.sock
DOCKERD_LOG=${DOCKERD_LOG:-/tmp/dockerd.log}
WAIT_SECONDS=60

say() { echo "[ensure-docker] $*"; }
die() {
  echo "[ensure-docker] ERROR: $*" >&2
  exit 1
}
can_apt() { [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; }

# Runs apt-get install without letting package scripts start services (nginx on :80, dockerd):
# a temporary policy-rc.d answers "101: not allowed" unless one is already in place.
apt_install() {
  local own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  local status=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o Dpkg::Progress-Fancy=0 "$@" || status=$?
  if [ "$own_policy" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  return "$status"
}

updated=0
apt_update_once() {
  if [ "$updated" -eq 0 ]; then
    say "apt-get update"
    apt-get update -qq
    updated=1
  fi
}

# 1. Packages.
missing=()
# Both the CLI and the daemon: some images ship a docker CLI without dockerd.
{ command -v docker >/dev/null 2>&1 && command -v dockerd >/dev/null 2>&1; } || missing+=(docker.io)
[ -x /bin/busybox ] || missing+=(busybox-static)
if [ "${#missing[@]}" -gt 0 ]; then
  can_apt || die "missing ${missing[*]} and cannot install it (needs root and apt-get). Install Docker and busybox-static (/bin/busybox), then run again."
  apt_update_once
  say "installing ${missing[*]}"
  apt_install "${missing[@]}"
fi
[ -x /bin/busybox ] || die "/bin/busybox is still missing after installing busybox-static."

if ! dpkg -s nginx-light >/dev/null 2>&1 && ! command -v nginx >/dev/null 2>&1; then
  if can_apt; then
    apt_update_once
    say "installing nginx-light (benchmark comparison)"
    apt_install nginx-light || say "WARNING: could not install nginx-light; the nginx benchmark comparison will be skipped"
  else
    say "WARNING: nginx is not installed (not root or no apt-get); the nginx benchmark comparison will be skipped"
  fi
fi

# rsvg-convert renders SVG to PNG for `wharf diagram --format png` and `wharf cost --chart x.png`;
# the tests of those paths run (not skip) in CI.
if ! command -v rsvg-convert >/dev/null 2>&1; then
  if can_apt; then
    apt_update_once
    say "installing librsvg2-bin (rsvg-convert, PNG output)"
    apt_install librsvg2-bin || say "WARNING: could not install librsvg2-bin; PNG tests will fail in CI"
  else
    say "WARNING: rsvg-convert is not installed (not root or no apt-get); PNG tests will fail in CI"
  fi
fi

# docker-registry (the CNCF Distribution registry): the mocked-AWS deploy tests start it on a free
# port of 127.0.0.1 and push built images to it, in place of ECR. Its package must not start the
# system service (apt_install's policy-rc.d sees to that); the tests run their own instances.
if [ ! -x /usr/bin/docker-registry ]; then
  if can_apt; then
    apt_update_once
    say "installing docker-registry (local registry for the image-push tests)"
    apt_install docker-registry || say "WARNING: could not install docker-registry; the image-push tests will fail in CI"
  else
    say "WARNING: docker-registry is not installed (not root or no apt-get); the image-push tests will fail in CI"
  fi
fi

# 2. Daemon.
if docker info >/dev/null 2>&1; then
  say "Docker daemon answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ]; then
  die "DOCKER_HOST=$DOCKER_HOST is set but 'docker info' fails: $(docker info 2>&1 | tail -1)"
fi

[ "$(id -u)" -eq 0 ] || die "the Docker daemon is not answering and starting it needs root (try: sudo dockerd, or sudo systemctl start docker)."
command -v dockerd >/dev/null 2>&1 || die "dockerd is not installed (package docker.io)."
if pgrep -x dockerd >/dev/null 2>&1; then
  say "dockerd is running but not answering yet; waiting"
else
  if [ -e "$SOCKET" ]; then
    say "removing stale socket $SOCKET"
    rm -f "$SOCKET"
  fi
  say "starting dockerd (log: $DOCKERD_LOG)"
  nohup dockerd >"$DOCKERD_LOG" 2>&1 &
fi

for _ in $(seq 1 "$WAIT_SECONDS"); do
  if [ -S "$SOCKET" ] && docker info >/dev/null 2>&1; then
    say "Docker daemon answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
    exit 0
  fi
  sleep 1
done

echo "[ensure-docker] last lines of $DOCKERD_LOG:" >&2
tail -n 20 "$DOCKERD_LOG" >&2 || true
die "the Docker daemon did not answer within ${WAIT_SECONDS} s ($SOCKET)."
