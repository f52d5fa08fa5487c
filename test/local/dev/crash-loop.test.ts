/**
 * A task whose command exits right after it starts, on real processes. In the seeds' own
 * templates (no circuit breaker) the service relaunches it forever, as ECS does; locally each
 * launch takes milliseconds, so Wharf paces the relaunches (once per 5 s, a documented deviation
 * from aws-behavior-2.md §7), prints each stop once with its reason and last log lines, and
 * collapses the repeats. With a circuit breaker, waiting for readiness ends as soon as the
 * deployment FAILED (aws-behavior.md §3.4), not at the timeout.
 */

import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isWharfError } from '../../../src/errors.js';
import { editedApiGatewayFixture } from './edited-fixture.js';
import { API_GATEWAY_PARENT, eventually, type StartedCloud, startCloud } from './support.js';

const CRASH = { images: {}, commands: { web: 'echo "boom from $$"; exit 3' } };

describe('wharf dev: a crash-looping task', () => {
  let started: StartedCloud | undefined;
  const folders: string[] = [];
  afterEach(async () => {
    await started?.cloud.stop();
    started = undefined;
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('without a circuit breaker: relaunched once per 5 s, each distinct stop printed once with its last log line', async () => {
    started = await startCloud({ template: API_GATEWAY_PARENT, runtime: 'process', overrides: CRASH });
    const { cloud, io } = started;
    const service = () => cloud.status().services[0];
    const stopped = () => service()?.tasks.filter((task) => task.lastStatus === 'STOPPED') ?? [];
    await eventually('two pairs of tasks to stop', () => stopped().length >= 4, 30_000);
    // Desired count 2: the second pair is launched 5 s after the first (the third would come 5 s
    // later). Without pacing, hundreds of tasks start in that time.
    const launches = stopped()
      .map((task) => task.createdAt)
      .sort((a, b) => a - b);
    expect((launches[2] ?? 0) - (launches[0] ?? 0)).toBeGreaterThanOrEqual(5_000);
    const launched = service()
      ?.events.map((event) => /has started (\d+) tasks/.exec(event.message)?.[1])
      .reduce((sum, count) => sum + Number(count ?? 0), 0);
    expect(launched).toBe(4);
    expect(service()?.deploymentCircuitBreaker.status).toBe('DISABLED');

    const reports = io.withCode('WHARF_DEV_TASK_STOPPED');
    expect(reports.map((report) => report.level)).toEqual(['warn', 'warn', 'warn']);
    expect(reports[0]?.message).toMatch(
      /^web\/[0-9a-f]{8} stopped: Essential container in task exited \(web: Exited with code 3\)\. Last log lines:\n {2}\| boom from \d+$/,
    );
    expect(reports[1]?.message).toMatch(
      /^web\/[0-9a-f]{8} stopped: Essential container in task exited \(web: Exited with code 3\) … ×2$/,
    );
    expect(reports[2]?.message).toMatch(/ … ×4$/);
    expect(io.withCode('WHARF_DEV_LOG')).toHaveLength(4);
  });

  it('with a circuit breaker: waitUntilReady rejects as soon as the deployment FAILED, with the reason', async () => {
    const parent = editedApiGatewayFixture({ circuitBreaker: true });
    folders.push(dirname(parent));
    started = await startCloud({ template: parent, runtime: 'process', overrides: CRASH });
    // Waiting out the timeout would end in WHARF_DEV_NOT_READY instead.
    const error = await started.cloud.waitUntilReady(120_000).catch((e: unknown) => e);
    expect(isWharfError(error) && error.code).toBe('WHARF_DEV_DEPLOYMENT_FAILED');
    expect((error as Error).message).toMatch(
      /^service web: deployment ecs-svc\/\d{19} failed \(ECS deployment circuit breaker: tasks failed to start\)\. Last stopped task: Essential container in task exited\./,
    );
  });
});
