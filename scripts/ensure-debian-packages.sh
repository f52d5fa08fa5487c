#!/usr/bin/env bash
# Installs the Debian packages whose binaries are missing, each given as PACKAGE:BINARY
# (`awscli:/usr/bin/aws`), with one `apt-get update` and one `apt-get install` for all of them,
# then prints each binary's version. Idempotent; installing needs root and apt. Called by the
# ensure-*.sh scripts (one package each) and by .ci/run (all at once).
set -euo pipefail
missing=()
for spec in "$@"; do
  [ -x "${spec#*:}" ] || missing+=("${spec%%:*}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "[ensure] ERROR: missing Debian packages: ${missing[*]}; install them (apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "[ensure] apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for spec in "$@"; do
  binary="${spec#*:}"
  echo "[ensure] ${binary}: $("$binary" --version 2>&1 | tail -1)"
done
