/**
 * What the dashboard's browser tests open: the API Gateway example on the process runtime, ready
 * (both tasks healthy), with its dashboard fed by the same IoHost the cloud reports to.
 */

import { join, resolve } from 'node:path';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { DashboardFeed } from '../../../src/local/dashboard/feed.js';
import { type RunningDashboard, startDashboard } from '../../../src/local/dashboard/server.js';
import { type StartedCloud, startCloud } from '../dev/support.js';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The started example and its dashboard. */
export interface ExampleDashboard {
  readonly started: StartedCloud;
  readonly dashboard: RunningDashboard;
}

/**
 * Starts `examples/api-gateway-fargate` on the process runtime, waits until it is ready (60 s at
 * most), then serves its dashboard. Stops the cloud again when it does not get ready.
 */
export async function startExampleDashboard(): Promise<ExampleDashboard> {
  const feed = new DashboardFeed();
  const started = await startCloud({
    dir: join(ROOT, 'examples', 'api-gateway-fargate'),
    runtime: 'process',
    io: feed.tee(new RecordingIoHost()),
  });
  try {
    await started.cloud.waitUntilReady(60_000);
    return { started, dashboard: await startDashboard(started.cloud, feed) };
  } catch (error) {
    await started.cloud.stop();
    throw error;
  }
}
