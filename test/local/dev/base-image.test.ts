/**
 * A Dockerfile whose base image is neither on this machine nor pullable (no registry here, or a
 * tag that does not exist): `wharf dev` finds out before anything starts. `--runtime auto` falls
 * back to the process runtime for the user's own app and says why; `--runtime docker` stops with
 * the image, the Dockerfile and how to get it, before any build or task.
 */

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { requireDocker } from '../../support/docker.js';
import { scaffoldProject } from '../../support/init-project.js';
import { get, ingressUrl, type StartedCloud, startCloud } from './support.js';

const hasDocker = await requireDocker();
const STAND_IN_SCRIPT = resolve(import.meta.dirname, '../../../scripts/build-stand-in-images.ts');

/** A project made by `wharf init` whose Dockerfile starts FROM `image`. */
function projectFrom(image: string): { dir: string; dockerfile: string } {
  const { dir } = scaffoldProject('orders');
  const dockerfile = join(dir, 'app', 'Dockerfile');
  writeFileSync(dockerfile, readFileSync(dockerfile, 'utf8').replace(/^FROM .*$/m, `FROM ${image}`));
  return { dir, dockerfile };
}

describe.skipIf(!hasDocker)('wharf dev: a base image that cannot be pulled', () => {
  const folders: string[] = [];
  let started: StartedCloud | undefined;
  afterEach(async () => {
    await started?.cloud.stop();
    started = undefined;
  });
  afterAll(() => {
    for (const dir of folders) rmSync(dirname(dir), { recursive: true, force: true });
  });

  it('--runtime auto runs the app on the process runtime instead, saying which image and why', async () => {
    const image = 'wharf-test.invalid/missing-base:1';
    const { dir, dockerfile } = projectFrom(image);
    folders.push(dir);
    started = await startCloud({ dir, runtime: 'auto' });
    expect(started.cloud.runtime.name).toBe('process');
    expect(started.cloud.runtime.reason).toMatch(/^Docker daemon at .* answered, but: /);
    expect(started.cloud.runtime.reason).toContain(
      `Base image '${image}' (FROM in ${dockerfile}) is not on this machine and could not be pulled: `,
    );
    expect(started.cloud.runtime.reason).toMatch(
      /; every container has a local command, so the process runtime runs them$/,
    );
    await started.cloud.waitUntilReady(60_000);
    const response = await get(`${ingressUrl(started.cloud, 'api-gateway')}/`);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ service: 'orders' });
    expect(started.io.withCode('WHARF_IMAGE_BUILD_START')).toEqual([]);
  }, 120_000);

  it('--runtime docker stops before any build, naming the image, its Dockerfile and the offline stand-in', async () => {
    const image = 'node:0-wharf-test-missing';
    const { dir, dockerfile } = projectFrom(image);
    folders.push(dir);
    const failure = await startCloud({ dir, runtime: 'docker' }).then(
      () => undefined,
      (error: Error & { code?: string }) => error,
    );
    expect(failure?.code).toBe('WHARF_IMAGE_UNAVAILABLE');
    expect(failure?.message).toMatch(
      new RegExp(
        `^Base image '${image}' \\(FROM in ${dockerfile}\\) is not on this machine and could not be pulled: .+\\. ` +
          `Pull it where a registry is reachable \\('docker pull ${image}'\\) or load it \\('docker load'\\), ` +
          `or, without registry access, make Wharf's offline stand-in under that name: 'npx tsx ${STAND_IN_SCRIPT} ${image}'\\.$`,
      ),
    );
  }, 120_000);
});
