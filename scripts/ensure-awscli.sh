#!/usr/bin/env bash
# Installs Debian's AWS CLI v2 (package awscli, /usr/bin/aws) for the test that drives the mocked
# AWS with an independent client (test/deploy/aws-cli.test.ts). Idempotent; needs root and apt.
set -euo pipefail
if [ -x /usr/bin/aws ]; then
  echo "[ensure-awscli] /usr/bin/aws: $(/usr/bin/aws --version 2>&1)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "[ensure-awscli] ERROR: /usr/bin/aws is missing; install Debian's awscli package (apt-get install awscli)" >&2
  exit 1
fi
echo "[ensure-awscli] apt-get install awscli"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null
echo "[ensure-awscli] /usr/bin/aws: $(/usr/bin/aws --version 2>&1)"
