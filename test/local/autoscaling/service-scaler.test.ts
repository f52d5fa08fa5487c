/**
 * The local Application Auto Scaling of one service, on a fake clock
 * (docs/reference/aws-behavior-2.md §1.4–§1.6): a scale-out after 3 one-minute datapoints above
 * the target, a larger scale-out inside the cooldown, a scale-in after 15 datapoints below
 * 0.9 × target down to min, AWS's activity wording, registration clamping, and --scaling-speed.
 * The service is a stand-in for the ECS scheduler whose tasks start at once, and task usage comes
 * from a stand-in reader (the Docker test reads real stats).
 */

import { describe, expect, it } from 'vitest';
import { MetricSampler } from '../../../src/local/autoscaling/metric-sampler.js';
import { type ScalableService, ServiceScaler } from '../../../src/local/autoscaling/service-scaler.js';
import type { TaskUsageReader } from '../../../src/local/autoscaling/task-usage.js';
import type { ScalableTargetConfig } from '../../../src/local/autoscaling/types.js';
import { acceleratedClock, type Clock, ManualClock } from '../../../src/local/clock.js';
import type { ServiceUpdate } from '../../../src/local/ecs/service-scheduler.js';
import type { TaskView } from '../../../src/local/ecs/task.js';

const MINUTE = 60_000;

/** A service whose tasks run as soon as the desired count says so, each using `load` vCPU. */
class FakeService implements ScalableService {
  tasks: TaskView[] = [];
  load = 0;
  private readonly used = new Map<string, { nanos: number; at: number }>();
  private next = 0;

  constructor(
    private readonly clock: Clock,
    public desiredCount: number,
  ) {
    this.resize();
  }

  describe() {
    return {
      desiredCount: this.desiredCount,
      tasks: this.tasks,
      deployments: [{ rolloutState: 'COMPLETED', status: 'PRIMARY' }],
    };
  }

  updateService(update: ServiceUpdate): void {
    if (update.desiredCount !== undefined) this.desiredCount = update.desiredCount;
    this.resize();
  }

  readonly usage: TaskUsageReader = {
    read: async (task) => {
      const now = this.clock.now();
      const entry = this.used.get(task.taskId) ?? { nanos: 0, at: now };
      entry.nanos += (now - entry.at) * 1e6 * this.load;
      entry.at = now;
      this.used.set(task.taskId, entry);
      return { cpuNanos: entry.nanos, memoryBytes: 64 * 2 ** 20, at: now };
    },
  };

  private resize(): void {
    while (this.tasks.length < this.desiredCount) {
      const taskId = `task${this.next++}`;
      this.tasks.push({
        taskId,
        lastStatus: 'RUNNING',
        desiredStatus: 'RUNNING',
        handles: [],
      } as unknown as TaskView);
    }
    this.tasks.length = this.desiredCount;
  }
}

const TARGET: ScalableTargetConfig = {
  resourceId: 'service/scaling/burner',
  clusterName: 'scaling',
  serviceName: 'burner',
  minCapacity: 1,
  maxCapacity: 4,
  scaleInSuspended: false,
  scaleOutSuspended: false,
  policies: [
    {
      name: 'burner-cpu',
      metric: 'ECSServiceAverageCPUUtilization',
      targetValue: 50,
      scaleOutCooldownSeconds: 300,
      scaleInCooldownSeconds: 300,
      disableScaleIn: false,
    },
  ],
};

function setUp(options: { desired?: number; speed?: number; target?: ScalableTargetConfig } = {}) {
  const manual = new ManualClock();
  const scalingClock = acceleratedClock(manual, options.speed ?? 1);
  const service = new FakeService(manual, options.desired ?? 1);
  const scaler = new ServiceScaler({
    config: options.target ?? TARGET,
    service,
    clock: scalingClock,
    wallClock: manual,
    sampler: new MetricSampler({
      usage: service.usage,
      targetGroups: new Map(),
      cpuUnits: 256,
      memoryMiB: 512,
      now: () => manual.now(),
    }),
  });
  return { manual, service, scaler };
}

describe('ServiceScaler', () => {
  it('scales out after the 3rd datapoint above the target, proportionally, in AWS words', async () => {
    const { manual, service, scaler } = setUp();
    service.load = 0.25; // the whole 256-unit task: 100 %
    scaler.start();
    await manual.advance(2 * MINUTE);
    expect(service.desiredCount).toBe(1);
    await manual.advance(MINUTE);
    expect(service.desiredCount).toBe(2);
    const [activity] = scaler.describe().activities;
    expect(activity).toMatchObject({
      description: 'Setting desired count to 2.',
      statusCode: 'Successful',
      statusMessage: 'Successfully set desired count to 2. Change successfully fulfilled by ecs.',
      metric: 'CPUUtilization 100 > 50 for 3 datapoints',
      fromCount: 1,
      toCount: 2,
    });
    expect(activity?.cause).toMatch(
      /^monitor alarm TargetTracking-service\/scaling\/burner-AlarmHigh-[0-9a-f-]{36} in state ALARM triggered policy burner-cpu$/,
    );
    scaler.stop();
  });

  it('scales out again inside the cooldown only to a larger capacity, never above max (§1.6)', async () => {
    const { manual, service, scaler } = setUp();
    service.load = 0.25;
    scaler.start();
    await manual.advance(3 * MINUTE);
    expect(service.desiredCount).toBe(2);
    // Both tasks still busy: ceil(2 × 100 / 50) = 4 > 2, a larger scale-out, allowed at once.
    await manual.advance(MINUTE);
    expect(service.desiredCount).toBe(4);
    await manual.advance(10 * MINUTE);
    expect(service.desiredCount).toBe(4);
    expect(scaler.describe().activities.map((a) => a.toCount)).toEqual([4, 2]);
    scaler.stop();
  });

  it('scales in only after 15 datapoints below 0.9 × target, down to min (§1.4)', async () => {
    const { manual, service, scaler } = setUp({ desired: 3 });
    service.load = 0.02; // 8 % of each task
    scaler.start();
    await manual.advance(14 * MINUTE);
    expect(service.desiredCount).toBe(3);
    await manual.advance(MINUTE);
    expect(service.desiredCount).toBe(1);
    expect(scaler.describe().activities[0]).toMatchObject({
      statusMessage: 'Successfully set desired count to 1. Change successfully fulfilled by ecs.',
      metric: 'CPUUtilization 8 < 45 for 15 datapoints',
    });
    expect(scaler.describe().policies[0]?.alarms.map((a) => a.state)).toEqual(['OK', 'ALARM']);
    scaler.stop();
  });

  it('does not scale in a policy with DisableScaleIn', async () => {
    const policy = {
      ...(TARGET.policies[0] as ScalableTargetConfig['policies'][number]),
      disableScaleIn: true,
    };
    const { manual, service, scaler } = setUp({ desired: 3, target: { ...TARGET, policies: [policy] } });
    scaler.start();
    await manual.advance(30 * MINUTE);
    expect(service.desiredCount).toBe(3);
    scaler.stop();
  });

  it('moves a desired count above max into the range when the target is registered', () => {
    const { service, scaler } = setUp({ desired: 6 });
    scaler.start();
    expect(service.desiredCount).toBe(4);
    expect(scaler.describe().activities[0]?.statusMessage).toBe(
      'Successfully set desired count to 4. Change successfully fulfilled by ecs.',
    );
    scaler.stop();
  });

  it('runs alarm periods N times faster at --scaling-speed N (3 datapoints in 3 s at 60)', async () => {
    const { manual, service, scaler } = setUp({ speed: 60 });
    service.load = 0.25;
    scaler.start();
    await manual.advance(2_000);
    expect(service.desiredCount).toBe(1);
    await manual.advance(1_000);
    expect(service.desiredCount).toBe(2);
    scaler.stop();
  });
});
