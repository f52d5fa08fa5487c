/**
 * Runs `wharf dev`'s local cloud with its dashboard, for `bench/dashboard.ts`, in its own process:
 * the seeds-shaped API Gateway templates on the process runtime (two tasks of
 * `examples/local-server.mjs`), through `startLocalCloud` and `startDashboard` exactly as the
 * CLI does (the IoHost teed into the dashboard's feed).
 *
 *   node --import tsx bench/serve-dashboard.ts
 *
 * Prints one JSON line `{"ingress":…,"dashboard":…,"pid":…}` once both tasks are healthy, and
 * stops everything when its stdin closes or it gets SIGTERM/SIGINT.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SILENT_IO } from '../src/io/io-host.js';
import { startLocalCloud } from '../src/local/cloud.js';
import { DashboardFeed } from '../src/local/dashboard/feed.js';
import { startDashboard } from '../src/local/dashboard/server.js';

const ROOT = resolve(import.meta.dirname, '..');

async function main(): Promise<void> {
  const feed = new DashboardFeed();
  const cloud = await startLocalCloud({
    template: join(ROOT, 'test', 'fixtures', 'seeds-like', 'api-gateway', 'parent.yml'),
    runtime: 'process',
    overrides: { commands: { web: 'node examples/local-server.mjs' } },
    logDir: mkdtempSync(join(tmpdir(), 'wharf-bench-dashboard-')),
    io: feed.tee(SILENT_IO),
    // The account limit (10,000 rps, as on AWS) would answer 429 above it: lift it so the
    // benchmark measures the data path with and without the page, not the throttle.
    apiGatewayAccountThrottle: { rateLimit: 1e9, burstLimit: 1e9 },
  });
  await cloud.waitUntilReady(60_000);
  const dashboard = await startDashboard(cloud, feed);
  const ingress = cloud.endpoints.find((e) => e.kind === 'api-gateway')?.url;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 5_000).unref();
    void dashboard
      .close()
      .then(() => cloud.stop())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ ingress, dashboard: dashboard.url, pid: process.pid })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `serve-dashboard: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
