import { describe, expect, it } from 'vitest';
import {
  circuitBreakerThreshold,
  deploymentLimits,
  invalidDeploymentConfigurationMessage,
  maximumTasks,
  minimumHealthyTasks,
} from '../../../src/local/ecs/deployment-math.js';
import { throttleDelayMs } from '../../../src/local/ecs/service-throttle.js';

describe('rolling deployment arithmetic (aws-behavior.md §3.1)', () => {
  it.each([
    // desired, min%, max%, minimum healthy, maximum tasks
    [2, 75, 200, 2, 4], // worked example: start 2, then stop 2
    [4, 75, 200, 3, 8], // worked example: may stop 1 at once, start up to 4
    [4, 50, 100, 2, 4],
    [3, 100, 125, 3, 3],
    [1, 100, 200, 1, 2],
    [0, 100, 200, 0, 0],
  ])(
    'desired %i with min %i%% / max %i%% gives minimum %i and maximum %i',
    (desired, min, max, lower, upper) => {
      expect(minimumHealthyTasks(desired, min)).toBe(lower);
      expect(maximumTasks(desired, max)).toBe(upper);
    },
  );

  it('rounds the minimum up and the maximum down', () => {
    expect(minimumHealthyTasks(3, 50)).toBe(2); // 1.5 → 2
    expect(maximumTasks(3, 150)).toBe(4); // 4.5 → 4
  });

  it('"minimum healthy percent is 75% and the desired task count is two": cannot stop any task', () => {
    const limits = deploymentLimits(2, 75, 100);
    expect(limits.canStopFirst).toBe(false);
    expect(limits.canStartFirst).toBe(false);
    expect(limits.invalid).toBe(true);
  });

  it('"maximum percent is 125 and the desired task count is three": cannot start any task', () => {
    const limits = deploymentLimits(3, 50, 125);
    expect(limits.canStartFirst).toBe(false);
    expect(limits.canStopFirst).toBe(true);
    expect(limits.invalid).toBe(false);
    expect(deploymentLimits(3, 100, 125).invalid).toBe(true);
  });

  it('75/200 can start before stopping for N=2 and also stop first for N=4', () => {
    expect(deploymentLimits(2, 75, 200)).toMatchObject({
      canStartFirst: true,
      canStopFirst: false,
      invalid: false,
    });
    expect(deploymentLimits(4, 75, 200)).toMatchObject({
      canStartFirst: true,
      canStopFirst: true,
      invalid: false,
    });
  });

  it('never calls a desired count of 0 invalid', () => {
    expect(deploymentLimits(0, 100, 100).invalid).toBe(false);
  });

  it('words the invalid-configuration event as the ECS guide does', () => {
    expect(invalidDeploymentConfigurationMessage('web')).toBe(
      '(service web) was unable to stop or start tasks during a deployment because of the service deployment ' +
        'configuration. Update the minimumHealthyPercent or maximumPercent value and try again.',
    );
  });
});

describe('circuit breaker threshold (aws-behavior.md §3.4)', () => {
  it.each([
    [1, 3],
    [2, 3],
    [6, 3],
    [7, 4],
    [25, 13],
    [400, 200],
    [800, 200],
  ])('desired %i trips after %i failed tasks (minimum 3, maximum 200)', (desired, threshold) => {
    expect(circuitBreakerThreshold(desired)).toBe(threshold);
  });

  it('takes the historical minimum of 10 as an option (2023 guide: desired 1 → 10, 25 → 13)', () => {
    expect(circuitBreakerThreshold(1, { minimum: 10 })).toBe(10);
    expect(circuitBreakerThreshold(25, { minimum: 10 })).toBe(13);
  });
});

describe('service throttle back-off (aws-behavior.md §3.1)', () => {
  it('doubles from the base and stops at 15 minutes', () => {
    expect([1, 2, 3, 4].map((n) => throttleDelayMs(n))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(throttleDelayMs(50)).toBe(900_000);
    expect(throttleDelayMs(0)).toBe(0);
  });

  it('can be capped low for local runs', () => {
    expect(throttleDelayMs(10, { baseDelayMs: 1_000, maxDelayMs: 5_000 })).toBe(5_000);
  });
});
