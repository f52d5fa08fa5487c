#!/usr/bin/env bash
# Installs Debian's AWS CLI v2 (package awscli, /usr/bin/aws) for the test that drives the mocked
# AWS with an independent client (test/deploy/aws-cli.test.ts). Idempotent; installing needs root and apt
# (scripts/ensure-debian-packages.sh).
set -euo pipefail
exec bash "$(dirname "$0")/ensure-debian-packages.sh" awscli:/usr/bin/aws
