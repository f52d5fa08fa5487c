/**
 * `wharf dev` as a user runs it, on a CDK app whose image is built from a folder: a Dockerfile that
 * does not build stops the run before any task starts, with Docker's own message, the Dockerfile
 * line, and exit code 1.
 */

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyAssetApp } from '../local/dev/asset-app.js';
import { runWharfAsync } from '../support/cli.js';
import { requireDocker } from '../support/docker.js';
import { ensureTestBaseImages } from '../support/stand-in.js';

const hasDocker = await requireDocker();

describe.skipIf(!hasDocker)('wharf dev: an image that does not build', () => {
  const { dir, appDir } = copyAssetApp();
  beforeAll(() => ensureTestBaseImages(), 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 with Docker’s message and the Dockerfile line, before any task starts', async () => {
    const dockerfile = join(appDir, 'Dockerfile');
    writeFileSync(
      dockerfile,
      readFileSync(dockerfile, 'utf8').replace('WORKDIR /srv', 'WORKDIR /srv\nRUN exit 7'),
    );
    const result = await runWharfAsync(['dev', dir, '--runtime', 'docker', '--once'], { timeoutMs: 150_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: the image of service 'web' (container 'web') did not build: ${dockerfile}:5 (RUN exit 7)`,
    );
    expect(result.stderr).toMatch(/exit code: 7/);
    // The build's own output came first, prefixed with the service name.
    expect(result.stderr).toMatch(/^web \| .*RUN exit 7/m);
    expect(result.stdout).toBe('');
    // No task was started (the scheduler reports each start as a service event).
    expect(result.stderr).not.toMatch(/has started \d+ tasks/);
  }, 180_000);
});
