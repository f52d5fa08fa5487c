/**
 * A project made by `wharf init` runs: in its folder, `npx wharf dev --once` builds the image
 * from `app/` with Docker (on the offline stand-in of `node:22-alpine`), starts the tasks behind
 * the local API Gateway and gets the new service's own answer; the same with `--pattern alb`
 * behind the local load balancer. The project's node_modules is linked from Wharf's own packages
 * (see `test/support/init-project.ts` for why, and what that leaves out).
 */

import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandAsync } from '../../support/cli.js';
import { requireDocker } from '../../support/docker.js';
import { scaffoldProject } from '../../support/init-project.js';
import { ensureTestBaseImages } from '../../support/stand-in.js';
import { get, ingressUrl, type StartedCloud, startCloud } from './support.js';

const hasDocker = await requireDocker();

/** Runs a shell command line in `cwd` as a user would type it, without npm's variables of this run. */
function run(command: string, cwd: string, timeoutMs: number) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !/^npm_/i.test(entry[0]),
    ),
  );
  return runCommandAsync('sh', ['-c', command], { cwd, env: { ...env, NO_COLOR: '1' }, timeoutMs });
}

describe.skipIf(!hasDocker)('a project made by wharf init, on Docker', () => {
  const folders: string[] = [];
  let started: StartedCloud | undefined;
  beforeAll(() => ensureTestBaseImages(), 120_000);
  afterAll(async () => {
    await started?.cloud.stop();
    for (const dir of folders) rmSync(dirname(dir), { recursive: true, force: true });
  });

  it('api-gateway: npx wharf dev --once in its folder builds app/ and gets the service’s own answer through the local API Gateway', async () => {
    const project = scaffoldProject('greeter');
    folders.push(project.dir);
    const result = await run('npx --no -- wharf dev --once --json', project.dir, 170_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^greeter: built wharf-local\/greeter:[0-9a-f]{12} in /m);
    const report = JSON.parse(result.stdout) as {
      runtime: { name: string };
      probes: Array<{ kind: string; status: number; bodyFirstLine: string }>;
    };
    expect(report.runtime.name).toBe('docker');
    expect(report.probes).toHaveLength(1);
    expect(report.probes[0]).toMatchObject({ kind: 'api-gateway', status: 200 });
    // The generated server's greeting, from a container (its host name is the container id).
    expect(JSON.parse(report.probes[0]?.bodyFirstLine ?? '')).toEqual({
      service: 'greeter',
      message: 'Hello from greeter!',
      host: expect.stringMatching(/^[0-9a-f]{12}$/),
    });
  }, 180_000);

  it('alb: the service answers / and /health through the local load balancer', async () => {
    const project = scaffoldProject('shop-front', { pattern: 'alb' });
    folders.push(project.dir);
    started = await startCloud({ dir: project.dir, runtime: 'docker' });
    await started.cloud.waitUntilReady(90_000);
    const url = ingressUrl(started.cloud, 'load-balancer');
    const root = await get(`${url}/`);
    expect(root.status).toBe(200);
    expect(JSON.parse(root.body)).toEqual({
      service: 'shop-front',
      message: 'Hello from shop-front!',
      host: expect.stringMatching(/^[0-9a-f]{12}$/),
    });
    expect(await get(`${url}/health`)).toMatchObject({ status: 200, body: 'ok\n' });
    expect(started.io.withCode('WHARF_IMAGE_BUILT').map((m) => m.message)).toEqual([
      expect.stringMatching(/^shop-front: built wharf-local\/shop-front:[0-9a-f]{12} in /),
    ]);
  }, 150_000);
});
