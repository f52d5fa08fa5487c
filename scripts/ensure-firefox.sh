#!/usr/bin/env bash
# Installs Debian's Firefox ESR (package firefox-esr, /usr/bin/firefox-esr) for the dashboard's
# Firefox test (test/local/dashboard/firefox.test.ts), which drives it headless with
# puppeteer-core over WebDriver BiDi: no browser is downloaded by npm. Idempotent; needs root and apt.
set -euo pipefail
if [ -x /usr/bin/firefox-esr ]; then
  echo "[ensure-firefox] /usr/bin/firefox-esr: $(/usr/bin/firefox-esr --version 2>&1 | tail -1)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "[ensure-firefox] ERROR: /usr/bin/firefox-esr is missing; install Debian's firefox-esr package (apt-get install firefox-esr)" >&2
  exit 1
fi
echo "[ensure-firefox] apt-get install firefox-esr"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null
echo "[ensure-firefox] /usr/bin/firefox-esr: $(/usr/bin/firefox-esr --version 2>&1 | tail -1)"
