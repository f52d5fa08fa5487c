#!/usr/bin/env bash
# Installs Debian's Chromium (package chromium, /usr/bin/chromium) for the dashboard's browser
# tests (test/local/dashboard/page.test.ts), which drive it headless with playwright-core: no
# browser is downloaded by npm. Idempotent; needs root and apt.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "[ensure-chromium] /usr/bin/chromium: $(/usr/bin/chromium --version 2>&1 | tail -1)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "[ensure-chromium] ERROR: /usr/bin/chromium is missing; install Debian's chromium package (apt-get install chromium)" >&2
  exit 1
fi
echo "[ensure-chromium] apt-get install chromium"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
echo "[ensure-chromium] /usr/bin/chromium: $(/usr/bin/chromium --version 2>&1 | tail -1)"
