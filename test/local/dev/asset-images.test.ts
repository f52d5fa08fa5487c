/**
 * `wharf dev` on a CDK app whose service image is built from a folder with a Dockerfile (a Docker
 * image asset, `FROM node:22-alpine` with the offline stand-in): built before tasks start, tagged by
 * content hash, `.dockerignore` honoured, and under `--watch` rebuilt and rolled like an ECS
 * deployment on every save, with no failed request through the local API Gateway.
 */

import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IoMessage } from '../../../src/io/io-host.js';
import { hashImageBuild } from '../../../src/local/runtime/image-build.js';
import { type AppWatch, watchApp } from '../../../src/local/watch.js';
import { docker, requireDocker } from '../../support/docker.js';
import { ensureTestBaseImages } from '../../support/stand-in.js';
import { copyAssetApp, messageModule, pacedLoad, renameSave } from './asset-app.js';
import { eventually, get, ingressUrl, type StartedCloud, startCloud } from './support.js';

const hasDocker = await requireDocker();

/** The service's primary deployment is COMPLETED and no other one is active. */
function rolledOut(run: StartedCloud): boolean {
  const active = (run.cloud.status().services[0]?.deployments ?? []).filter((d) => d.status !== 'INACTIVE');
  return active.length === 1 && active[0]?.rolloutState === 'COMPLETED';
}

describe.skipIf(!hasDocker)('wharf dev: images built from the CDK app’s Dockerfile (Docker)', () => {
  const { dir, appDir } = copyAssetApp();
  const built = new Set<string>();
  let started: StartedCloud;
  let url: string;
  let watch: AppWatch | undefined;
  const codes = (messages: readonly IoMessage[]) => messages.map((m) => m.code);
  const record = (run: StartedCloud) => {
    for (const m of run.io.withCode('WHARF_IMAGE_BUILT')) built.add((m.data as { tag: string }).tag);
  };

  beforeAll(async () => {
    await ensureTestBaseImages();
    started = await startCloud({ dir, runtime: 'docker' });
    record(started);
    await started.cloud.waitUntilReady(60_000);
    url = `${ingressUrl(started.cloud, 'api-gateway')}/`;
  }, 180_000);

  afterAll(async () => {
    await watch?.close();
    await started?.cloud.stop();
    rmSync(dir, { recursive: true, force: true });
    // Only the images this file built.
    for (const tag of built)
      await docker
        .getImage(tag)
        .remove({ force: true })
        .catch(() => {});
  });

  it('builds the image before any task starts, and the task serves the built code through the local API Gateway', async () => {
    const messages = started.io.messages;
    const builtAt = codes(messages).indexOf('WHARF_IMAGE_BUILT');
    const firstStart = messages.findIndex((m) => /has started \d+ tasks/.test(m.message));
    expect(builtAt).toBeGreaterThanOrEqual(0);
    expect(builtAt).toBeLessThan(firstStart);
    // Build output is streamed line by line with the service name as prefix.
    expect(
      started.io.withCode('WHARF_IMAGE_BUILD_OUTPUT').some((m) => /^web \| .*COPY \. \./.test(m.message)),
    ).toBe(true);
    const container = started.cloud.model.services[0]?.taskDefinition.containers[0];
    expect(container?.image).toMatch(/^wharf-local\/web:[0-9a-f]{12}$/);
    expect(container?.build?.directory).toBe(appDir);
    const response = await get(url);
    expect(response.status).toBe(200);
    // GREETING_PREFIX comes from the asset's build argument, through the Dockerfile's ENV.
    expect(response.body).toMatch(/^built: version 1 from [0-9a-f]{12}\n$/);
  });

  it('.dockerignore: an ignored file neither changes the content hash nor reaches the image', async () => {
    const spec = started.cloud.model.services[0]?.taskDefinition.containers[0]?.build;
    if (!spec) throw new Error('no build spec');
    const before = (await hashImageBuild(spec)).contextHash;
    writeFileSync(join(appDir, 'NOTES.md'), 'edited notes, ignored by .dockerignore\n');
    expect((await hashImageBuild(spec)).contextHash).toBe(before);
    expect(before).toBe(spec.contextHash);
    const image = started.cloud.model.services[0]?.taskDefinition.containers[0]?.image as string;
    const listing = execFileSync(
      'docker',
      ['run', '--rm', '--label', 'wharf.test=asset-images', '--entrypoint', 'ls', image, '-a', '/srv'],
      { encoding: 'utf8' },
    );
    expect(listing.split('\n')).toEqual(expect.arrayContaining(['server.mjs', 'message.mjs', 'Dockerfile']));
    expect(listing).not.toContain('NOTES.md');
  });

  it('under --watch, rename-based saves of the source, several in a row, each serve the new code with zero failed requests', async () => {
    watch = watchApp(started.cloud, { dir, runtime: 'docker' }, started.io, 100);
    await watch.ready();
    let done = false;
    const load = pacedLoad(url, () => done);
    try {
      for (const version of [2, 3, 4]) {
        renameSave(join(appDir, 'message.mjs'), messageModule(`version ${version}`));
        await eventually(
          `the response of version ${version}`,
          () => load.tally.last.includes(`version ${version}`),
          45_000,
        );
      }
      // Until the last deployment completes the old tasks serve too (minimum healthy percent).
      await eventually('the last deployment to complete', () => rolledOut(started), 45_000);
    } finally {
      done = true;
      await load.finished;
    }
    record(started);
    expect(load.tally.failed).toEqual([]);
    expect(load.tally.total).toBeGreaterThan(50);
    const deploying = started.io.withCode('WHARF_DEV_WATCH').map((m) => m.message);
    // Each save: a new image, a new task definition revision, an ECS rolling deployment; no synthesis.
    for (const revision of [2, 3, 4])
      expect(deploying).toContain(`Deploying: web: new task definition web:${revision}`);
    expect(deploying).not.toContain('Change detected: synthesizing…');
  }, 180_000);

  it('a build error under --watch prints Docker’s message with the Dockerfile line and keeps the old tasks serving; the next good save recovers', async () => {
    if (!watch) throw new Error('needs the watch of the previous test');
    const dockerfile = join(appDir, 'Dockerfile');
    const good = readFileSync(dockerfile, 'utf8');
    const failures = () => started.io.withCode('WHARF_DEV_WATCH_FAILED');
    renameSave(dockerfile, good.replace('COPY . .', 'COPPY . .'));
    try {
      await eventually('the build failure', () => failures().length > 0, 45_000);
      const message = failures()[0]?.message ?? '';
      expect(message).toContain(`${dockerfile}:5 (COPPY . .)`);
      expect(message).toContain('unknown instruction: COPPY');
      expect(message).toContain('the running tasks keep serving');
      for (let i = 0; i < 20; i++) {
        const response = await get(url);
        expect(response.status).toBe(200);
        expect(response.body).toContain('version 4');
      }
    } finally {
      renameSave(dockerfile, good);
    }
    renameSave(join(appDir, 'message.mjs'), messageModule('version 5'));
    await eventually(
      'the response of version 5',
      async () => (await get(url)).body.includes('version 5'),
      45_000,
    );
    await eventually('the deployment of version 5 to complete', () => rolledOut(started), 45_000);
    record(started);
  }, 120_000);

  it('a second start with nothing changed does not build again', async () => {
    await watch?.close();
    watch = undefined;
    const image = (started.io.withCode('WHARF_IMAGE_BUILT').at(-1)?.data as { tag?: string } | undefined)
      ?.tag;
    expect(image).toMatch(/^wharf-local\/web:[0-9a-f]{12}$/);
    await started.cloud.stop();
    started = await startCloud({ dir, runtime: 'docker' });
    const messages = codes(started.io.messages);
    expect(messages).toContain('WHARF_IMAGE_CURRENT');
    expect(messages).not.toContain('WHARF_IMAGE_BUILD_START');
    expect(messages).not.toContain('WHARF_IMAGE_BUILT');
    // The image the first run built last (version 5), reused under the same content-hash tag.
    expect(started.cloud.model.services[0]?.taskDefinition.containers[0]?.image).toBe(image);
  }, 120_000);
});
