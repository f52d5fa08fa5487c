#!/usr/bin/env bash
# Installs Debian's Firefox ESR (package firefox-esr, /usr/bin/firefox-esr) for the dashboard's
# Firefox test (test/local/dashboard/firefox.test.ts), which drives it headless with
# puppeteer-core over WebDriver BiDi: no browser is downloaded by npm. Idempotent; installing needs root and apt
# (scripts/ensure-debian-packages.sh).
set -euo pipefail
exec bash "$(dirname "$0")/ensure-debian-packages.sh" firefox-esr:/usr/bin/firefox-esr
