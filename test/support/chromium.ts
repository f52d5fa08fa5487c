/**
 * Debian's Chromium for the browser tests, driven headless by playwright-core (which downloads
 * no browser). Like Docker, it must be there in CI: {@link requireChromium} fails when CI=true
 * and it is missing, instead of letting the tests skip.
 */

import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser (`scripts/ensure-chromium.sh`). */
export const CHROMIUM = process.env.WHARF_CHROMIUM ?? '/usr/bin/chromium';

/** True when Chromium is installed; throws in CI (CI=true) when it is not. */
export function requireChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      `Chromium is required in CI (CI=true) but ${CHROMIUM} is missing. Run scripts/ensure-chromium.sh first.`,
    );
  }
  return false;
}

/** Starts headless Chromium (no sandbox: the tests run as root in CI). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}
