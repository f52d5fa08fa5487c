/**
 * `wharf dev` scales a CPU-bound service behind the local ALB out and back in, on Docker, with
 * the alarm periods and cooldowns of docs/reference/aws-behavior-2.md §1.4–§1.6 run 240 times
 * faster (`--scaling-speed 240`): load on `/cgi-bin/burn` drives CPUUtilization above the target
 * of 25 for 3 datapoints (a scale-out), the new task gets requests only once its target is
 * healthy, and after the load stops 15 datapoints below 22.5 bring the service back to MinCapacity.
 */

import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { renderScalingLines } from '../../../src/local/status.js';
import { ROOT } from '../../support/cli.js';
import { requireDocker } from '../../support/docker.js';
import { eventually, ingressUrl, type StartedCloud, startCloud } from '../dev/support.js';
import { buildCpuBurnImage, CPU_BURN_IMAGE } from './cpu-burn-image.js';

const hasDocker = await requireDocker();

const TEMPLATE = join(ROOT, 'test/fixtures/scaling/alb-cpu.yml');

/** One GET with short timeouts; network errors come back as status 0. */
async function burn(url: string): Promise<{ status: number; body: string }> {
  try {
    const response = await request(url, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    return { status: response.statusCode, body: await response.body.text() };
  } catch {
    return { status: 0, body: '' };
  }
}

describe.skipIf(!hasDocker)('wharf dev: target tracking on CPU (Docker, --scaling-speed 240)', () => {
  let started: StartedCloud | undefined;

  afterAll(async () => {
    await started?.cloud.stop();
  });

  it('scales out under load, routes to each new task only once healthy, and scales back in after the load', async () => {
    buildCpuBurnImage();
    started = await startCloud({
      template: TEMPLATE,
      // A low target, so a task starved by a busy machine still counts as loaded.
      parameters: { MaxCapacity: '2', CpuTarget: '25' },
      runtime: 'docker',
      overrides: { images: { web: CPU_BURN_IMAGE } },
      scalingSpeed: 240,
    });
    const { cloud } = started;
    await cloud.waitUntilReady(30_000);
    const url = `${ingressUrl(cloud, 'load-balancer')}/cgi-bin/burn`;
    const service = () => cloud.status().services[0];
    const firstTasks = new Set(service()?.tasks.map((task) => task.taskId));
    expect(firstTasks.size).toBe(1);
    // In service first: while no target is healthy the ALB fails open to initial ones (§2.2).
    await eventually(
      'the first target to be healthy',
      () => cloud.status().targetGroups[0]?.targets.some((t) => t.state === 'healthy') === true,
      20_000,
    );

    // Watch target health and which container (hostname = container id prefix) is which target.
    const lastNotHealthy = new Map<string, number>();
    const hostIp = new Map<string, { ip: string; taskId: string }>();
    const watch = setInterval(() => {
      const status = cloud.status();
      for (const target of status.targetGroups[0]?.targets ?? []) {
        if (target.state !== 'healthy') lastNotHealthy.set(target.id, Date.now());
      }
      for (const task of status.services[0]?.tasks ?? []) {
        for (const handle of task.handles) {
          if (task.privateIp) hostIp.set(handle.slice(0, 12), { ip: task.privateIp, taskId: task.taskId });
        }
      }
    }, 25);

    try {
      // Load from 3 loops until a new task has answered 5 requests, for at most 30 s.
      const responses: { host: string; sentAt: number }[] = [];
      const deadline = Date.now() + 30_000;
      const newTaskAnswers = () =>
        responses.filter((r) => {
          const task = hostIp.get(r.host);
          return task !== undefined && !firstTasks.has(task.taskId);
        }).length;
      const loop = async () => {
        for (let i = 0; i < 2_000 && Date.now() < deadline && newTaskAnswers() < 5; i++) {
          const sentAt = Date.now();
          const response = await burn(url);
          const host = /burned by (\S+)/.exec(response.body)?.[1];
          if (response.status === 200 && host) responses.push({ host, sentAt });
        }
      };
      await Promise.all([loop(), loop(), loop()]);

      expect(service()?.desiredCount).toBe(2);
      expect(newTaskAnswers()).toBeGreaterThanOrEqual(5);
      // Every request a new task answered was sent after its target was last seen not healthy.
      for (const { host, sentAt } of responses) {
        const task = hostIp.get(host);
        if (!task || firstTasks.has(task.taskId)) continue;
        const notHealthyUntil = lastNotHealthy.get(task.ip);
        expect(notHealthyUntil, `target ${task.ip} was watched while it was not yet healthy`).toBeDefined();
        expect(sentAt).toBeGreaterThan(notHealthyUntil as number);
      }

      // No load: 15 datapoints below 22.5 (3.75 s at 240×) scale the service back to MinCapacity 1.
      await eventually(
        'the service to scale back in to 1 running task',
        () => service()?.desiredCount === 1 && service()?.runningCount === 1,
        25_000,
      );
      const lines = renderScalingLines(cloud.status());
      expect(lines).toEqual([
        expect.stringMatching(
          /^scaling burner \d\d:\d\d:\d\d Successfully set desired count to 2\. Change successfully fulfilled by ecs\. \(CPUUtilization [\d.]+ > 25 for 3 datapoints\)$/,
        ),
        expect.stringMatching(
          /^scaling burner \d\d:\d\d:\d\d Successfully set desired count to 1\. Change successfully fulfilled by ecs\. \(CPUUtilization [\d.]+ < 22\.5 for 15 datapoints\)$/,
        ),
      ]);
    } finally {
      clearInterval(watch);
    }
  }, 90_000);
});
