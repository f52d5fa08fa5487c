#!/usr/bin/env bash
# Installs Debian's Chromium (package chromium, /usr/bin/chromium) for the dashboard's browser
# tests (test/local/dashboard/page.test.ts), which drive it headless with playwright-core: no
# browser is downloaded by npm. Idempotent; installing needs root and apt
# (scripts/ensure-debian-packages.sh).
set -euo pipefail
exec bash "$(dirname "$0")/ensure-debian-packages.sh" chromium:/usr/bin/chromium
