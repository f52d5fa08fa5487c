/**
 * `wharf dev` end to end on the seeds-shaped ALB templates: public ALB → target group → two
 * tasks in private subnets on Docker. Behaviour references are to
 * docs/reference/aws-behavior.md.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../../support/docker.js';
import { buildTestImages, WEB_IMAGE } from '../../support/web-image.js';
import {
  ALB_PARENT,
  containersOfRun,
  eventually,
  get,
  ingressUrl,
  listeningPorts,
  loadUntil,
  portClosed,
  type StartedCloud,
  startCloud,
} from './support.js';

const hasDocker = await requireDocker();

describe.skipIf(!hasDocker)('wharf dev: public ALB → Fargate tasks (seeds-shaped YAML)', () => {
  let started: StartedCloud;
  let url: string;
  const targets = () => started.cloud.status().targetGroups[0]?.targets ?? [];

  beforeAll(async () => {
    buildTestImages();
    started = await startCloud({
      template: ALB_PARENT,
      runtime: 'docker',
      overrides: { images: { web: WEB_IMAGE } },
    });
    await started.cloud.waitUntilReady(90_000);
    url = ingressUrl(started.cloud, 'load-balancer');
  });

  afterAll(async () => {
    await started?.cloud.stop();
  });

  it('prints the listener URL in place of the LoadBalancerUri output', () => {
    expect(started.cloud.outputs.LoadBalancerUri).toBe(url);
  });

  it('names each local listener by the protocol and port it has on AWS', () => {
    const listeners = started.cloud.endpoints.filter((e) => e.kind === 'load-balancer');
    expect(listeners.map((e) => e.listener)).toEqual(['HTTP:80']);
  });

  it('serves HTTP 200 through the local ALB and both targets receive requests (round robin, §2.1)', async () => {
    const servers = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const response = await get(`${url}/`);
      expect(response.status).toBe(200);
      servers.add(response.body.trim());
    }
    expect(servers.size).toBe(2);
  });

  it('registers each task as an ip target on its container port, in the private subnets (§3.6)', () => {
    const tasks = started.cloud.status().services[0]?.tasks.filter((t) => t.lastStatus === 'RUNNING') ?? [];
    expect(
      targets()
        .map((t) => `${t.id}:${t.port}`)
        .sort(),
    ).toEqual(tasks.map((t) => `${t.privateIp}:80`).sort());
  });

  it('writes ALB access log lines (§2.7)', async () => {
    await get(`${url}/access-logged`);
    const name = started.cloud.model.loadBalancers[0]?.name as string;
    const file = join(started.cloud.logDir, 'elb', name, 'access.log');
    const read = () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);
    await eventually(
      'the access log line of this request',
      () => read().at(-1)?.includes('/access-logged') === true,
    );
    const lines = read();
    expect(lines.at(-1)).toMatch(
      /^http \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z app\/\S+\/[0-9a-f]{16} 127\.0\.0\.1:\d+ 10\.0\.\d+\.\d+:80 [\d.]+ [\d.]+ [\d.]+ 404 404 \d+ \d+ "GET http:\/\/127\.0\.0\.1:80\/access-logged HTTP\/1\.1" /,
    );
  });

  it('replaces a killed task; the ALB stops sending it traffic at deregistration (§3.5, §5.1)', async () => {
    const service = () => started.cloud.status().services[0];
    const victim = service()?.tasks.find((t) => t.lastStatus === 'RUNNING');
    let replaced = false;
    const load = loadUntil(`${url}/`, 4, () => replaced);
    await new Promise((r) => setTimeout(r, 500));
    execFileSync('docker', ['kill', victim?.handles[0] as string]);
    await eventually(
      'a replacement task RUNNING and registered',
      () => {
        const running = (service()?.tasks ?? []).filter(
          (t) => t.lastStatus === 'RUNNING' && t.taskId !== victim?.taskId,
        );
        return (
          running.length === 2 && !targets().some((t) => t.id === victim?.privateIp && t.state !== 'draining')
        );
      },
      90_000,
    );
    replaced = true;
    const tally = await load;
    const failed = tally.total - (tally.byStatus[200] ?? 0);
    console.log(
      `ALB path, task killed under load: ${failed} of ${tally.total} requests failed (${JSON.stringify(tally.byStatus)})`,
    );
    expect(service()?.tasks.find((t) => t.taskId === victim?.taskId)?.stoppedReason).toBe(
      'Essential container in task exited',
    );
    // In-flight requests to the killed task get 502 from the ALB (§2.5); nothing else fails.
    expect(Object.keys(tally.byStatus).every((s) => s === '200' || s === '502')).toBe(true);
    expect(failed).toBeLessThan(tally.total);
  });

  it('after stop, no container of the run remains and no port stays bound', async () => {
    const ports = listeningPorts(started.cloud);
    await started.cloud.stop();
    expect(await containersOfRun(started.cloud.runId)).toBe(0);
    for (const port of ports) expect(await portClosed(port)).toBe(true);
    expect(
      execFileSync('docker', [
        'ps',
        '-a',
        '-q',
        '--filter',
        `label=wharf.run=${started.cloud.runId}`,
      ]).toString(),
    ).toBe('');
  });
});
