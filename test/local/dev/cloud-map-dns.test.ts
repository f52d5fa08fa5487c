/**
 * Cloud Map DNS between Docker tasks (docs/reference/aws-behavior-2.md §6): a request through the
 * local API Gateway reaches the public task, which resolves `inventory.internal` through the run's
 * resolver and reaches a healthy inventory task over the security-group network; a replaced task
 * leaves DNS and its replacement is answered within the record TTL; a caller whose security group
 * the inventory's does not admit gets a timed-out connection, and `wharf dev` names the missing rule.
 */

import type { promises as dns } from 'node:dns';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDnsCallerImage } from '../../support/dns-caller-image.js';
import { docker, requireDocker } from '../../support/docker.js';
import { buildTestImages } from '../../support/web-image.js';
import {
  cloudMapResolver,
  dockerLeftoversOfRun,
  eventually,
  get,
  ingressUrl,
  type StartedCloud,
  startCloud,
} from './support.js';

const hasDocker = await requireDocker();
const FIXTURE = resolve(import.meta.dirname, '../../fixtures/several-services/dns-app.yml');
const TTL_SECONDS = 10;

describe.skipIf(!hasDocker)('wharf dev: Cloud Map DNS for Docker tasks', () => {
  let started: StartedCloud;
  let resolver: dns.Resolver;

  beforeAll(async () => {
    buildTestImages();
    buildDnsCallerImage();
    started = await startCloud({ template: FIXTURE, runtime: 'docker' });
    await started.cloud.waitUntilReady(60_000);
    resolver = cloudMapResolver(started);
  }, 90_000);

  afterAll(async () => {
    const runId = started?.cloud.runId;
    await started?.cloud.stop();
    if (runId) expect(await dockerLeftoversOfRun(runId)).toEqual([0, 0]);
  }, 60_000);

  const inventoryTask = () => {
    const tasks = started.cloud.services.get('inventory')?.describe().tasks ?? [];
    return tasks.find((task) => task.lastStatus === 'RUNNING');
  };

  it('reaches the private inventory task from the public one by inventory.internal, through the API Gateway', async () => {
    const url = `${ingressUrl(started.cloud, 'api-gateway')}/cgi-bin/call`;
    let body = '';
    await eventually(
      'orders reaches inventory by DNS',
      async () => {
        body = (await get(url)).body.trim();
        return body.startsWith('via ');
      },
      20_000,
    );
    expect(body).toMatch(/^via 198\.1[89]\.\d+\.\d+: hello from [0-9a-f]{12}$/);
  });

  it('stops answering with a killed inventory task and answers its replacement within the TTL', async () => {
    const first = inventoryTask();
    if (!first) throw new Error('no RUNNING inventory task');
    const before = await resolver.resolve4('inventory.internal', { ttl: true });
    expect(before.map((record) => record.ttl)).toEqual([TTL_SECONDS]);
    // Docker may give the replacement the same address, so each task is told apart by its own name.
    expect(await resolver.resolve4(`${first.taskId}.inventory.internal`)).toEqual([before[0]?.address]);
    await docker.getContainer(first.handles[0] as string).kill();
    await eventually(
      'the killed task leaves DNS',
      () =>
        resolver.resolve4(`${first.taskId}.inventory.internal`).then(
          () => false,
          (error: NodeJS.ErrnoException) => error.code === 'ENOTFOUND',
        ),
      20_000,
    );
    let next: ReturnType<typeof inventoryTask>;
    await eventually('a replacement runs', () => {
      next = inventoryTask();
      return next !== undefined && next.taskId !== first.taskId;
    });
    const replacedAt = Date.now();
    let answer: string[] = [];
    let own: string[] = [];
    await eventually(
      'the replacement is answered',
      async () => {
        answer = await resolver.resolve4('inventory.internal').catch((): string[] => []);
        own = await resolver.resolve4(`${next?.taskId}.inventory.internal`).catch((): string[] => []);
        return answer.length === 1 && own.length === 1;
      },
      TTL_SECONDS * 1000,
    );
    expect(Date.now() - replacedAt).toBeLessThanOrEqual(TTL_SECONDS * 1000);
    expect(answer).toEqual(own);
    const body = (await get(`${ingressUrl(started.cloud, 'api-gateway')}/cgi-bin/call`)).body.trim();
    expect(body).toMatch(
      new RegExp(`^via 198\\.1[89]\\.\\d+\\.\\d+: hello from ${next?.handles[0]?.slice(0, 12)}$`),
    );
  }, 60_000);

  it('times out a caller whose security group inventory does not admit, and names the missing rule', async () => {
    await eventually(
      'stranger logs a failed call',
      () =>
        started.io
          .withCode('WHARF_DEV_LOG')
          .some((m) => m.message.startsWith('stranger/') && / unreachable 198\.1[89]\./.test(m.message)),
      20_000,
    );
    const reached = started.io
      .withCode('WHARF_DEV_LOG')
      .filter((m) => m.message.startsWith('stranger/') && m.message.includes(' via '));
    expect(reached).toEqual([]);
    const blocked = started.io.withCode('WHARF_DEV_SG_BLOCKED').map((m) => m.message);
    expect(blocked.length).toBeGreaterThanOrEqual(1);
    expect(blocked[0]).toMatch(
      /^security group rule missing: task [0-9a-f]{8} of service stranger \(10\.0\.\d+\.\d+; sg-[0-9a-f]{17} \(StrangerSG in \S+dns-app\.yml\)\) cannot reach task [0-9a-f]{8} at 10\.0\.\d+\.\d+:8080: no ingress rule of sg-[0-9a-f]{17} \(InventorySG in \S+dns-app\.yml\) allows tcp port 8080 from it\. Add an AWS::EC2::SecurityGroupIngress with GroupId = InventorySG in \S+dns-app\.yml, SourceSecurityGroupId = StrangerSG in \S+dns-app\.yml, IpProtocol tcp, FromPort 8080, ToPort 8080\.$/,
    );
    expect(blocked.some((message) => message.includes('service orders'))).toBe(false);
  }, 30_000);
});
