/**
 * Docker's health check state machine as the process runtime runs it (aws-behavior.md §3.2),
 * driven by a ManualClock.
 */

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/local/clock.js';
import type { ContainerHealthCheckConfig } from '../../../src/local/ecs/types.js';
import { HealthCheckLoop } from '../../../src/local/runtime/container-health-check.js';
import type { ContainerHealth } from '../../../src/local/runtime/types.js';

const CHECK: ContainerHealthCheckConfig = {
  command: ['CMD-SHELL', 'true'],
  intervalSeconds: 10,
  timeoutSeconds: 5,
  retries: 3,
  startPeriodSeconds: 0,
};

/** A loop whose probe answers from `results` in order (`'hang'` never answers). */
function loop(results: (boolean | 'hang')[], config: Partial<ContainerHealthCheckConfig> = {}) {
  const clock = new ManualClock();
  const changes: ContainerHealth[] = [];
  const probeTimes: number[] = [];
  const start = clock.now();
  const health = new HealthCheckLoop(
    { ...CHECK, ...config },
    () => {
      probeTimes.push((clock.now() - start) / 1000);
      const next = results.shift() ?? true;
      return next === 'hang' ? new Promise<boolean>(() => {}) : Promise.resolve(next);
    },
    (h) => changes.push(h),
    clock,
  );
  health.start();
  return { clock, changes, probeTimes, health };
}

describe('HealthCheckLoop (§3.2)', () => {
  it('runs the first check one interval after start, then one interval after each check completes', async () => {
    const { clock, probeTimes } = loop([true, true, true]);
    await clock.advance(9_999);
    expect(probeTimes).toEqual([]);
    await clock.advance(20_001);
    expect(probeTimes).toEqual([10, 20, 30]);
  });

  it('becomes HEALTHY on the first passing check', async () => {
    const { clock, changes } = loop([true]);
    await clock.advance(10_000);
    expect(changes).toEqual(['HEALTHY']);
  });

  it('becomes UNHEALTHY after `retries` consecutive failures, and HEALTHY again on a pass', async () => {
    const { clock, changes } = loop([false, false, false, true]);
    await clock.advance(20_000);
    expect(changes).toEqual([]);
    await clock.advance(10_000);
    expect(changes).toEqual(['UNHEALTHY']);
    await clock.advance(10_000);
    expect(changes).toEqual(['UNHEALTHY', 'HEALTHY']);
  });

  it('counts a check that exceeds the timeout as a failure, the next one starting an interval after', async () => {
    const { clock, changes, probeTimes } = loop(['hang', 'hang'], { retries: 2 });
    await clock.advance(10_000 + 5_000 + 10_000 + 5_000);
    expect(probeTimes).toEqual([10, 25]);
    expect(changes).toEqual(['UNHEALTHY']);
  });

  it('does not count failures inside the start period while starting', async () => {
    const { clock, changes } = loop([false, false, false, false, false], {
      startPeriodSeconds: 35,
      retries: 2,
    });
    await clock.advance(30_000); // checks at 10, 20, 30: inside the start period
    expect(changes).toEqual([]);
    await clock.advance(10_000); // 40: counts (1)
    expect(changes).toEqual([]);
    await clock.advance(10_000); // 50: counts (2)
    expect(changes).toEqual(['UNHEALTHY']);
  });

  it('ends the start period at the first success: later failures count at once', async () => {
    const { clock, changes } = loop([true, false, false], { startPeriodSeconds: 300, retries: 2 });
    await clock.advance(30_000);
    expect(changes).toEqual(['HEALTHY', 'UNHEALTHY']);
  });

  it('stops checking after stop()', async () => {
    const { clock, probeTimes, health } = loop([true, true]);
    await clock.advance(10_000);
    health.stop();
    await clock.advance(60_000);
    expect(probeTimes).toEqual([10]);
    expect(clock.pending).toBe(0);
  });
});
