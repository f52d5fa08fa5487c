/**
 * Datapoints from live readings (docs/reference/aws-behavior-2.md §1.2–§1.3): RequestCountPerTarget
 * is the target group's requests in the period ÷ its healthy targets, per minute of real time;
 * CPU is the usage between two readings, and a task without a newer reading keeps its last rate.
 * Readings come from stand-ins for the target group counter and the runtime.
 */

import { describe, expect, it } from 'vitest';
import { MetricSampler } from '../../../src/local/autoscaling/metric-sampler.js';
import type { TaskUsage } from '../../../src/local/autoscaling/task-usage.js';
import type { TaskView } from '../../../src/local/ecs/task.js';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
const REQUESTS = [{ metric: 'ALBRequestCountPerTarget' as const, targetGroupArn: TG }];
const CPU = [{ metric: 'ECSServiceAverageCPUUtilization' as const }];
const task = { taskId: 't1', handles: ['c1'] } as unknown as TaskView;

describe('MetricSampler', () => {
  it('gives requests per healthy target per minute of real time, none without a healthy target', async () => {
    let now = 0;
    const group = { requestCount: 0, healthy: 2, healthyTargets: () => group.healthy };
    const sampler = new MetricSampler({
      targetGroups: new Map([[TG, group]]),
      cpuUnits: 256,
      memoryMiB: 512,
      now: () => now,
    });
    expect((await sampler.sample([], REQUESTS)).get(`ALBRequestCountPerTarget ${TG}`)).toBeUndefined();
    // 120 requests in 1 s over 2 healthy targets: 60 per target per second, 3,600 per minute.
    now = 1_000;
    group.requestCount = 120;
    expect((await sampler.sample([], REQUESTS)).get(`ALBRequestCountPerTarget ${TG}`)).toBe(3_600);
    now = 2_000;
    group.requestCount = 130;
    group.healthy = 0;
    expect((await sampler.sample([], REQUESTS)).get(`ALBRequestCountPerTarget ${TG}`)).toBeUndefined();
  });

  it('computes CPU between readings and keeps the last rate while no newer reading exists', async () => {
    const readings: TaskUsage[] = [
      { cpuNanos: 0, memoryBytes: 0, at: 0 },
      { cpuNanos: 0.125e9, memoryBytes: 0, at: 1_000 }, // 0.125 vCPU of 0.25: 50 %
      { cpuNanos: 0.125e9, memoryBytes: 0, at: 1_000 }, // Docker has not refreshed yet
      { cpuNanos: 0.125e9, memoryBytes: 0, at: 2_000 }, // idle for a second: 0 %
    ];
    let next = 0;
    const sampler = new MetricSampler({
      usage: { read: async () => readings[next++] },
      targetGroups: new Map(),
      cpuUnits: 256,
      memoryMiB: 512,
      now: () => 0,
    });
    const cpu = async () => (await sampler.sample([task], CPU)).get('ECSServiceAverageCPUUtilization');
    expect(await cpu()).toBeUndefined();
    expect(await cpu()).toBe(50);
    expect(await cpu()).toBe(50);
    expect(await cpu()).toBe(0);
  });
});
