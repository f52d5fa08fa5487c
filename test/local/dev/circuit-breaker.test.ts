/**
 * A crash-looping image trips the deployment circuit breaker (aws-behavior.md §3.4): on the first
 * deployment there is nothing to roll back to, so it fails with a clear message; on a later
 * deployment the service rolls back to the last completed task definition. Runs the CDK example
 * (circuit breaker with rollback on, as Wharf's constructs set it).
 */

import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildLocalModel } from '../../../src/local/model.js';
import { loadSource } from '../../../src/local/source.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { requireDocker } from '../../support/docker.js';
import { buildTestImages, CRASH_IMAGE, WEB_IMAGE } from '../../support/web-image.js';
import { eventually, type StartedCloud, startCloud } from './support.js';

const hasDocker = await requireDocker();
const EXAMPLE = resolve(import.meta.dirname, '../../../examples/api-gateway-fargate');

describe.skipIf(!hasDocker)('wharf dev: deployment circuit breaker', () => {
  let started: StartedCloud | undefined;

  beforeAll(() => buildTestImages());
  afterEach(async () => {
    await started?.cloud.stop();
    started = undefined;
  });

  it('fails the first deployment of a crash-looping image with a clear message and stops launching', async () => {
    started = await startCloud({
      dir: EXAMPLE,
      runtime: 'docker',
      overrides: { images: { web: CRASH_IMAGE } },
    });
    const service = () => started?.cloud.status().services[0];
    await eventually(
      'the circuit breaker to trip',
      () => service()?.deploymentCircuitBreaker.status === 'TRIGGERED',
      90_000,
    );
    const description = service();
    expect(description?.deployments[0]?.rolloutState).toBe('FAILED');
    // Threshold for desired count 2: ceil(0.5 × 2) = 1, raised to the minimum of 3. The task still
    // running when the third one fails also fails and is counted.
    expect(description?.deploymentCircuitBreaker.threshold).toBe(3);
    expect(description?.deploymentCircuitBreaker.failureCount).toBeGreaterThanOrEqual(3);
    const events = description?.events.map((e) => e.message).join('\n') ?? '';
    expect(events).toContain('deployment failed: tasks failed to start.');
    expect(events).toContain('cannot roll back: no earlier deployment of this service reached COMPLETED');
    await eventually(
      'every task to stop',
      () => service()?.tasks.every((t) => t.lastStatus === 'STOPPED') === true,
    );
    const reasons = new Set(service()?.tasks.map((t) => t.stoppedReason));
    expect(reasons).toEqual(new Set(['Essential container in task exited']));
    // No more launches after the trip.
    await new Promise((r) => setTimeout(r, 3000));
    expect(service()?.tasks.length).toBe(description?.tasks.length);
    expect(service()?.tasks.length).toBeLessThanOrEqual(4);
  });

  it('rolls back to the last completed task definition when a new deployment crash-loops', async () => {
    started = await startCloud({
      dir: EXAMPLE,
      runtime: 'docker',
      overrides: { images: { web: WEB_IMAGE } },
    });
    const cloud = started.cloud;
    await cloud.waitUntilReady(60_000);
    const service = () => cloud.status().services[0];
    await eventually(
      'the first deployment to complete',
      () => service()?.deployments[0]?.rolloutState === 'COMPLETED',
      90_000,
    );
    const good = service()?.taskDefinition;

    const source = await loadSource({ dir: EXAMPLE });
    const next = buildLocalModel(resolveApp(source.app), { images: { web: CRASH_IMAGE } });
    source.dispose();
    expect(await cloud.update(next)).toEqual(['web: new task definition web:2']);

    await eventually(
      'the rollback deployment to complete',
      () => {
        const d = service();
        return (
          d?.deploymentCircuitBreaker.status === 'TRIGGERED' && d.deployments[0]?.rolloutState === 'COMPLETED'
        );
      },
      120_000,
    );
    const description = service();
    expect(description?.taskDefinition).toBe(good);
    expect(description?.events.some((e) => e.message.includes('rolling back to deployment'))).toBe(true);
    const running = description?.tasks.filter((t) => t.lastStatus === 'RUNNING') ?? [];
    expect(running).toHaveLength(2);
  });
});
