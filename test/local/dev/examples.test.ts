/**
 * `wharf dev` on the example CDK apps: with the process runtime (the Quick start on a machine
 * without Docker or without registry access) and on Docker (a local image for the nginx examples;
 * node-service's own image built from its Dockerfile on the offline `node:22-alpine` stand-in);
 * and `--watch`, which rolls the service to a changed app without dropping requests.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { watchApp } from '../../../src/local/watch.js';
import { requireDocker } from '../../support/docker.js';
import { ensureTestBaseImages } from '../../support/stand-in.js';
import { buildTestImages, WEB_IMAGE } from '../../support/web-image.js';
import { eventually, get, ingressUrl, loadUntil, type StartedCloud, startCloud } from './support.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const EXAMPLES = {
  'api-gateway-fargate': 'api-gateway',
  'public-alb-fargate': 'load-balancer',
} as const;
const hasDocker = await requireDocker();

describe('wharf dev on the example CDK apps', () => {
  let started: StartedCloud | undefined;
  afterEach(async () => {
    await started?.cloud.stop();
    started = undefined;
  });

  for (const [example, kind] of Object.entries(EXAMPLES)) {
    it(`${example}: serves 200 through the local ${kind} on the process runtime, from both tasks`, async () => {
      started = await startCloud({ dir: join(ROOT, 'examples', example), runtime: 'process' });
      await started.cloud.waitUntilReady(60_000);
      const servers = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const response = await get(`${ingressUrl(started.cloud, kind)}/hello`);
        expect(response.status).toBe(200);
        expect(response.body).toMatch(/^hello from task [0-9a-f]{32}: GET \/hello\n$/);
        servers.add(response.body);
      }
      expect(servers.size).toBe(2);
    });
  }

  it('node-service: its own JSON through the local api-gateway on the process runtime (node server.mjs in app/), from both tasks', async () => {
    started = await startCloud({ dir: join(ROOT, 'examples', 'node-service'), runtime: 'process' });
    await started.cloud.waitUntilReady(60_000);
    const url = ingressUrl(started.cloud, 'api-gateway');
    const pids = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const response = await get(`${url}/`);
      expect(response.status).toBe(200);
      const body = JSON.parse(response.body) as { message: string; pid: number };
      expect(body.message).toBe('hello from node-service');
      pids.add(body.pid);
    }
    expect(pids.size).toBe(2);
    const seen = JSON.parse((await get(`${url}/request?q=1`)).body);
    expect(seen).toMatchObject({
      method: 'GET',
      path: '/request',
      query: { q: '1' },
      headers: {
        via: 'HTTP/1.1 AmazonAPIGateway',
        forwarded: expect.stringMatching(/^by=.*;for=.*;proto=http$/),
        'x-amzn-trace-id': expect.stringMatching(/^Root=1-/),
      },
    });
    expect(started.io.withCode('WHARF_IMAGE_BUILD_START')).toEqual([]);
  });

  describe.skipIf(!hasDocker)('on Docker', () => {
    beforeAll(() => buildTestImages());
    for (const [example, kind] of Object.entries(EXAMPLES)) {
      it(`${example}: serves 200 through the local ${kind} with the image given by --image`, async () => {
        started = await startCloud({
          dir: join(ROOT, 'examples', example),
          runtime: 'docker',
          overrides: { images: { web: WEB_IMAGE } },
        });
        expect(started.cloud.runtime.name).toBe('docker');
        await started.cloud.waitUntilReady(60_000);
        const response = await get(`${ingressUrl(started.cloud, kind)}/`);
        expect(response.status).toBe(200);
        expect(response.body).toMatch(/^hello from [0-9a-f]{12}\n$/);
      });
    }

    it('node-service: builds app/ FROM the node:22-alpine stand-in and serves its own JSON through the local api-gateway', async () => {
      await ensureTestBaseImages();
      started = await startCloud({ dir: join(ROOT, 'examples', 'node-service'), runtime: 'docker' });
      await started.cloud.waitUntilReady(90_000);
      const image = [
        ...started.io.withCode('WHARF_IMAGE_BUILT'),
        ...started.io.withCode('WHARF_IMAGE_CURRENT'),
      ];
      expect(image.map((m) => (m.data as { tag: string }).tag)).toEqual([
        expect.stringMatching(/^wharf-local\/node-service:[0-9a-f]{12}$/),
      ]);
      const response = await get(`${ingressUrl(started.cloud, 'api-gateway')}/`);
      expect(response.status).toBe(200);
      // A container's host name is its id.
      expect(JSON.parse(response.body)).toEqual({
        message: 'hello from node-service',
        host: expect.stringMatching(/^[0-9a-f]{12}$/),
        pid: expect.any(Number),
      });
    }, 150_000);
  });
});

describe('wharf dev --watch', () => {
  // Inside the repository, so the app resolves the `wharf` package and tsx like the examples do.
  const dir = mkdtempSync(join(ROOT, 'examples', '.watch-test-'));
  const app = (greeting: string) => `
import { App, Stack } from 'aws-cdk-lib';
import { LoadBalancedFargateService } from 'wharf';
const app = new App();
const stack = new Stack(app, 'WatchedAlb');
new LoadBalancedFargateService(stack, 'Web', {
  loadBalancer: { deregistrationDelaySeconds: 5 },
  service: { serviceName: 'web', desiredCount: 2, environment: { GREETING: '${greeting}' }, localCommand: 'node ../local-server.mjs' },
});
app.synth();
`;
  let started: StartedCloud | undefined;

  beforeAll(() => {
    writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'npx tsx app.ts' }));
    writeFileSync(join(dir, 'app.ts'), app('one'));
  });
  afterAll(async () => {
    await started?.cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rolls the service to the changed app like ECS, without dropping a request through the ALB', async () => {
    started = await startCloud({ dir, runtime: 'process' });
    const { cloud, io } = started;
    await cloud.waitUntilReady(60_000);
    const service = () => cloud.status().services[0];
    // A user changes code on a settled service: its targets have passed their health checks.
    await eventually('steady state', () => service()?.deployments[0]?.rolloutState === 'COMPLETED', 60_000);
    const firstTaskDefinition = service()?.taskDefinition;
    const firstTasks = new Set(service()?.tasks.map((t) => t.taskId));
    const watch = watchApp(cloud, { dir, runtime: 'process' }, io, 100);
    await watch.ready();
    let done = false;
    const load = loadUntil(`${ingressUrl(cloud, 'load-balancer')}/`, 2, () => done);
    try {
      writeFileSync(join(dir, 'app.ts'), app('two'));
      await eventually(
        'a second deployment',
        () => (service()?.deployments.length ?? 0) >= 2 || service()?.taskDefinition !== firstTaskDefinition,
        60_000,
      );
      await eventually(
        'the new deployment to complete with only new tasks running',
        () => {
          const d = service();
          const running = d?.tasks.filter((t) => t.lastStatus === 'RUNNING') ?? [];
          return (
            d?.deployments[0]?.rolloutState === 'COMPLETED' &&
            running.length === 2 &&
            running.every((t) => !firstTasks.has(t.taskId))
          );
        },
        90_000,
      );
    } finally {
      done = true;
      await watch.close();
    }
    const tally = await load;
    expect(
      io.withCode('WHARF_DEV_WATCH').some((m) => m.message === 'Deploying: web: new task definition web:2'),
    ).toBe(true);
    expect(tally.total).toBeGreaterThan(50);
    expect(tally.byStatus).toEqual({ 200: tally.total });
    expect(tally.servers.size).toBeGreaterThanOrEqual(3);
  });
});
