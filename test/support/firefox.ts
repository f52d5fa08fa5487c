/**
 * Debian's Firefox ESR for the browser tests, driven headless by puppeteer-core over WebDriver BiDi
 * (puppeteer-core downloads no browser; playwright-core cannot drive a stock Firefox). Like Docker
 * and Chromium, it must be there in CI: {@link requireFirefox} fails when CI=true and it is
 * missing, instead of letting the tests skip.
 */

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Where Debian's `firefox-esr` package puts the browser (`scripts/ensure-firefox.sh`). */
export const FIREFOX = process.env.WHARF_FIREFOX ?? '/usr/bin/firefox-esr';

/** True when Firefox is installed; throws in CI (CI=true) when it is not. */
export function requireFirefox(): boolean {
  if (existsSync(FIREFOX)) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      `Firefox is required in CI (CI=true) but ${FIREFOX} is missing. Run scripts/ensure-firefox.sh first.`,
    );
  }
  return false;
}

/** A headless Firefox and the way to end it (closes the browser, then removes its profile). */
export interface RunningFirefox {
  readonly browser: Browser;
  /** Closes the browser and removes its temporary profile folder. */
  close(): Promise<void>;
}

/**
 * Starts headless Firefox over WebDriver BiDi with a fresh profile in a temporary folder, which
 * {@link RunningFirefox.close} removes.
 *
 * @example
 * const firefox = await launchFirefox();
 * const page = await firefox.browser.newPage();
 * await firefox.close();
 */
export async function launchFirefox(): Promise<RunningFirefox> {
  const profile = mkdtempSync(join(tmpdir(), 'wharf-firefox-profile-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      userDataDir: profile,
      timeout: 30_000,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    browser,
    async close() {
      try {
        await browser.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
