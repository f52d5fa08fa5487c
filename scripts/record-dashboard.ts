/// <reference lib="dom" />
/**
 * Records the README's screenshots of the `wharf dev` dashboard from a real run: the API Gateway
 * example on the process runtime (`startLocalCloud`, as `wharf dev` calls it), its dashboard,
 * some traffic through the ingress (a few paths, one 404 route miss), one task stopped from the
 * dashboard's own endpoint (so the picture shows a stopped task with its reason and its
 * replacement), then headless Chromium (Debian's package, through playwright-core) takes the
 * page in light and dark mode with a request's detail open.
 *
 * ```sh
 * npm run docs:dashboard            # = npx tsx scripts/record-dashboard.ts [--out-dir docs]
 * ```
 *
 * @module
 */

import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { request } from 'undici';
import { SILENT_IO } from '../src/io/io-host.js';
import { startLocalCloud } from '../src/local/cloud.js';
import { DashboardFeed } from '../src/local/dashboard/feed.js';
import { startDashboard } from '../src/local/dashboard/server.js';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'docs' } } });
const outDir = resolve(values['out-dir'] as string);
mkdirSync(outDir, { recursive: true });

const feed = new DashboardFeed();
const cloud = await startLocalCloud({
  dir: join(ROOT, 'examples', 'api-gateway-fargate'),
  runtime: 'process',
  logDir: mkdtempSync(join(tmpdir(), 'wharf-dashboard-logs-')),
  io: feed.tee(SILENT_IO),
});
const browser = await chromium.launch({
  executablePath: process.env.WHARF_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  await cloud.waitUntilReady(60_000);
  const dashboard = await startDashboard(cloud, feed);
  const context = await browser.newContext({ viewport: { width: 1600, height: 1400 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(dashboard.url);
  await page.waitForFunction(() => document.querySelectorAll('#diagram svg g.chip').length === 2);

  const ingress = cloud.endpoints.find((e) => e.kind === 'api-gateway')?.url as string;
  const send = async (path: string, method = 'GET') => {
    const response = await request(`${ingress}${path}`, { method });
    await response.body.text();
  };
  // One task stopped from the page's own endpoint, as the Stop button does.
  const victim = cloud.status().services[0]?.tasks[0]?.taskId as string;
  await page.evaluate((id) => fetch(`/api/tasks/${id}/stop`, { method: 'POST', body: '{}' }), victim);
  await cloud.waitUntilReady(60_000);
  for (const path of ['/', '/hello', '/orders/42', '/orders?limit=10', '/health']) await send(path);
  await send('/orders', 'POST');
  await send('/hello');
  await page.waitForFunction(() => document.querySelectorAll('#request-table tbody tr').length >= 7);
  await page.waitForFunction(
    () => document.querySelectorAll('#diagram svg g.chip[data-state="healthy"]').length === 2,
  );
  await page.click('#request-table tbody tr[data-path="/orders/42"]');
  await page.waitForSelector('#detail:not([hidden]) ol.log li');

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(() => window.scrollTo(0, 0));
    const file = join(outDir, `dashboard-${scheme}.png`);
    await page.screenshot({ path: file, fullPage: false });
    process.stdout.write(`wrote ${relative(process.cwd(), file)}\n`);
  }
  await dashboard.close();
} finally {
  await browser.close();
  await cloud.stop();
}
