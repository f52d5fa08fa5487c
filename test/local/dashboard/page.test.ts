/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The dashboard page in headless Chromium (Debian's package, driven by playwright-core) on the
 * API Gateway example on the process runtime: what a user sees and does, as the issue's
 * done-when says. Runs (never skips) when CI=true.
 */

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDashboard } from '../../../src/local/dashboard/server.js';
import { launchChromium, requireChromium } from '../../support/chromium.js';
import { get, ingressUrl, type StartedCloud } from '../dev/support.js';
import { startExampleDashboard } from './example-dashboard.js';

const hasChromium = requireChromium();

describe.skipIf(!hasChromium)('the dashboard page in Chromium (API Gateway example, process runtime)', () => {
  let started: StartedCloud;
  let dashboard: RunningDashboard;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const [example, chromium] = await Promise.all([startExampleDashboard(), launchChromium()]);
    started = example.started;
    dashboard = example.dashboard;
    browser = chromium;
    page = await browser.newPage();
    // CSP violations, script errors and failed requests would show here.
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(dashboard.url);
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await started?.cloud.stop();
  });

  it('draws the architecture with both tasks of the service as healthy boxes', async () => {
    await page.waitForFunction(
      () => document.querySelectorAll('#diagram svg g.chip[data-state="healthy"]').length === 2,
      undefined,
      { timeout: 10_000 },
    );
    const running = started.cloud.status().services[0]?.tasks.filter((t) => t.lastStatus === 'RUNNING') ?? [];
    const chips = await page.$$eval('#diagram svg g.chip', (nodes) =>
      nodes.map((n) => n.getAttribute('data-task-id')),
    );
    expect(chips.sort()).toEqual(running.map((t) => t.taskId).sort());
    const rows = await page.$$eval('#services tr[data-task-id][data-state="healthy"]', (r) => r.length);
    expect(rows).toBe(2);
    const counts = await page.textContent('#services .counts');
    expect(counts).toBe('desired 2 · running 2 · pending 0');
    const instances = await page.$$eval('#cloud-map tr[data-instance-id]', (r) => r.length);
    expect(instances).toBe(2);
    expect(await page.textContent('#services .events')).toContain('has reached a steady state');
  });

  it('lists a request sent through the ingress within a second, and shows its record and the task log lines around it', async () => {
    const response = await get(`${ingressUrl(started.cloud, 'api-gateway')}/from-the-browser-test`);
    expect(response.status).toBe(200);
    const sent = Date.now();
    await page.waitForSelector('#request-table tr[data-path="/from-the-browser-test"]', { timeout: 1000 });
    expect(Date.now() - sent).toBeLessThan(1000);
    const row = page.locator('#request-table tr[data-path="/from-the-browser-test"]');
    const cells = await row.locator('td').allTextContents();
    const servedBy = /hello from task ([0-9a-f]{8})/.exec(response.body)?.[1];
    expect(cells[1]).toBe('GET');
    expect(cells[3]).toBe('200');
    expect(cells[5]).toContain(servedBy);
    // Keyboard: focus the row, Enter opens the detail.
    await row.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail:not([hidden]) dl.fields');
    const detail = await page.textContent('#detail-body');
    expect(detail).toContain('httpMethod');
    expect(detail).toContain('/from-the-browser-test');
    expect(await page.$$eval('#detail-body ol.log li', (l) => l.length)).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    expect(await page.isHidden('#detail')).toBe(true);
  });

  it('filters the request list by status class and path', async () => {
    await get(`${ingressUrl(started.cloud, 'api-gateway')}/filter-me`);
    await page.waitForSelector('#request-table tr[data-path="/filter-me"]', { timeout: 2000 });
    await page.fill('#filter-path', 'filter-me');
    expect(
      await page.$$eval('#request-table tbody tr:not([hidden])', (r) =>
        r.map((x) => x.getAttribute('data-path')),
      ),
    ).toEqual(['/filter-me']);
    await page.selectOption('#filter-status', '5xx');
    expect(await page.$$eval('#request-table tbody tr:not([hidden])', (r) => r.length)).toBe(0);
    await page.selectOption('#filter-status', '');
    await page.fill('#filter-path', '');
  });

  it("shows a task's log stream, searchable", async () => {
    const chip = page.locator('#diagram svg g.chip').first();
    await chip.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#log-lines li', { timeout: 5000 });
    expect(await page.textContent('#log-lines')).toContain('listening on');
    await page.fill('#log-search', 'no-such-line-anywhere');
    await page.waitForFunction(() => document.querySelectorAll('#log-lines li').length === 0, undefined, {
      timeout: 5000,
    });
    await page.click('#detail-close');
  });

  it('stops a task from the page: it drains, stops with its reason, and its replacement turns healthy', async () => {
    const victim = (await page.getAttribute(
      '#services tr[data-task-id][data-state="healthy"]',
      'data-task-id',
    )) as string;
    await page.click(`#services tr[data-task-id="${victim}"] button:text("Stop")`);
    const row = `#services tr[data-task-id="${victim}"]`;
    await page.waitForSelector(`${row}[data-state="stopped"]`, { timeout: 30_000 });
    expect(await page.textContent(`${row} .reason`)).toBe('Task stopped by user');
    // The stop is requested while RUNNING (stopping), then ECS deregisters it (DEACTIVATING: draining).
    expect(await page.textContent(`${row} .history`)).toMatch(
      /→ healthy → (stopping → )?draining → stopping → stopped$/,
    );
    await page.waitForFunction(
      (stopped) => {
        const healthy = [...document.querySelectorAll('#diagram svg g.chip[data-state="healthy"]')];
        return healthy.length === 2 && healthy.every((chip) => chip.getAttribute('data-task-id') !== stopped);
      },
      victim,
      { timeout: 30_000 },
    );
    expect(await page.textContent('#services .events')).toContain('has started 1 tasks');
  });

  it('reads in dark mode too, and logged no script or policy error', async () => {
    const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(dark).not.toBe(light);
    expect(problems).toEqual([]);
  });
});
