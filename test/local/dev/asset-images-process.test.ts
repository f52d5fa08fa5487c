/**
 * `wharf dev --runtime process` on a CDK app whose image is built from a folder: no image is built;
 * the container's `localCommand` runs in that folder (its source), and under `--watch` a save there
 * replaces the task the way an ECS rolling deployment does (new task first, old one stopped once the
 * new one is healthy), so no request fails.
 */

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppWatch, watchApp } from '../../../src/local/watch.js';
import { copyAssetApp, messageModule, pacedLoad, renameSave } from './asset-app.js';
import { eventually, get, ingressUrl, type StartedCloud, startCloud } from './support.js';

describe('wharf dev: a service built from a folder, on the process runtime', () => {
  const { dir, appDir } = copyAssetApp();
  let started: StartedCloud;
  let watch: AppWatch | undefined;

  beforeAll(async () => {
    started = await startCloud({ dir, runtime: 'process' });
    await started.cloud.waitUntilReady(60_000);
  }, 120_000);

  afterAll(async () => {
    await watch?.close();
    await started?.cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the localCommand in the image folder and builds nothing', async () => {
    expect(started.io.withCode('WHARF_IMAGE_BUILD_START')).toEqual([]);
    // `node server.mjs` only starts in app/, where server.mjs is; no build argument reaches a process.
    const response = await get(`${ingressUrl(started.cloud, 'api-gateway')}/`);
    expect(response.status).toBe(200);
    expect(response.body).toMatch(/^process: version 1 from [0-9a-f]{12}\n$/);
  });

  it('restarts it on a save in that folder as a rolling replacement: the new task serves before the old one stops, no request fails', async () => {
    const url = `${ingressUrl(started.cloud, 'api-gateway')}/`;
    const service = () => started.cloud.status().services[0];
    const before = service()?.tasks.find((t) => t.lastStatus === 'RUNNING');
    watch = watchApp(started.cloud, { dir, runtime: 'process' }, started.io, 100);
    await watch.ready();
    let done = false;
    const load = pacedLoad(url, () => done);
    try {
      for (const version of [2, 3]) {
        renameSave(join(appDir, 'message.mjs'), messageModule(`version ${version}`));
        await eventually(
          `the response of version ${version}`,
          () => load.tally.last.includes(`version ${version}`),
          30_000,
        );
      }
      await eventually(
        'the first task to be replaced',
        () => service()?.tasks.find((t) => t.taskId === before?.taskId)?.lastStatus === 'STOPPED',
        30_000,
      );
    } finally {
      done = true;
      await load.finished;
    }
    expect(load.tally.failed).toEqual([]);
    const stopped = service()?.tasks.find((t) => t.taskId === before?.taskId);
    const newest = service()?.tasks.find((t) => t.lastStatus === 'RUNNING');
    // Rolling, not kill-then-start: the replacement was running before the old task began to stop.
    expect(newest?.startedAt).toBeLessThan(stopped?.stoppingAt ?? 0);
    expect(started.io.withCode('WHARF_DEV_WATCH').map((m) => m.message)).toContain(
      'Deploying: web: new task definition web:3',
    );
  }, 120_000);
});
