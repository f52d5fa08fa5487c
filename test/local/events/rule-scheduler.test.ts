/**
 * The EventBridge rule scheduler on a manual clock (aws-behavior-2.md §11): rules fire at the
 * times their schedule names, each firing invokes every ECS target with its TaskCount, DISABLED
 * rules are registered and never fire, and an accelerated clock compresses the wait.
 */

import { describe, expect, it } from 'vitest';
import { acceleratedClock, ManualClock } from '../../../src/local/clock.js';
import type { TaskDefinitionConfig } from '../../../src/local/ecs/types.js';
import { RuleScheduler } from '../../../src/local/events/rule-scheduler.js';
import { parseScheduleExpression } from '../../../src/local/events/schedule-expression.js';
import type { EcsTaskTargetConfig, ScheduledRuleConfig } from '../../../src/local/events/types.js';

const DEFINITION: TaskDefinitionConfig = {
  arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/report:1',
  family: 'report',
  revision: 1,
  containers: [],
};

function rule(
  name: string,
  expression: string,
  overrides: Partial<ScheduledRuleConfig> = {},
): ScheduledRuleConfig {
  return {
    name,
    arn: `arn:aws:events:us-east-1:123456789012:rule/${name}`,
    schedule: parseScheduleExpression(expression),
    state: 'ENABLED',
    targets: [
      {
        id: 'Job',
        clusterName: 'jobs',
        taskDefinition: DEFINITION,
        taskCount: 2,
        subnetIds: ['subnet-1'],
        securityGroupIds: [],
        assignPublicIp: false,
      },
    ],
    ...overrides,
  };
}

/** A scheduler whose invocations are recorded as ISO minutes of the clock. */
function recorded(rules: ScheduledRuleConfig[], clock: ManualClock) {
  const fired: string[] = [];
  const counts: number[] = [];
  let next = 0;
  const scheduler = new RuleScheduler({
    rules,
    clock,
    invoke: (r: ScheduledRuleConfig, target: EcsTaskTargetConfig) => {
      fired.push(`${r.name}@${new Date(clock.now()).toISOString().slice(11, 16)}`);
      counts.push(target.taskCount);
      return Array.from({ length: target.taskCount }, () => `task-${next++}`);
    },
  });
  return { scheduler, fired, counts };
}

describe('RuleScheduler', () => {
  it('fires a rate rule one period after registration, then every period, with TaskCount tasks each time', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 10, 7));
    const { scheduler, fired, counts } = recorded([rule('report', 'rate(5 minutes)')], clock);
    scheduler.start();
    expect(scheduler.registered).toBe(true);
    await clock.advance(4 * 60_000);
    expect(fired).toEqual([]);
    await clock.advance(11 * 60_000);
    expect(fired).toEqual(['report@10:12', 'report@10:17', 'report@10:22']);
    expect(counts).toEqual([2, 2, 2]);
    const [status] = scheduler.describe();
    expect(status).toMatchObject({
      name: 'report',
      scheduleExpression: 'rate(5 minutes)',
      state: 'ENABLED',
      invocationCount: 3,
      nextFireAt: Date.UTC(2026, 0, 1, 10, 27),
      targets: [{ id: 'Job', taskDefinition: 'report:1', taskCount: 2 }],
    });
    expect(status?.lastInvocation).toEqual({
      at: Date.UTC(2026, 0, 1, 10, 22),
      taskIds: ['task-4', 'task-5'],
    });
    scheduler.stop();
  });

  it('fires a cron rule at its UTC minutes, and a DISABLED rule never', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 9, 58, 30));
    const { scheduler, fired } = recorded(
      [rule('quarter', 'cron(0/15 * * * ? *)'), rule('off', 'rate(1 minute)', { state: 'DISABLED' })],
      clock,
    );
    scheduler.start();
    await clock.advance(32 * 60_000);
    expect(fired).toEqual(['quarter@10:00', 'quarter@10:15', 'quarter@10:30']);
    const off = scheduler.describe().find((r) => r.name === 'off');
    expect(off).toMatchObject({ state: 'DISABLED', invocationCount: 0 });
    expect(off?.nextFireAt).toBeUndefined();
    scheduler.stop();
  });

  it('keeps firing when a target throws, and records why', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const scheduler = new RuleScheduler({
      rules: [rule('broken', 'rate(1 minute)')],
      clock,
      invoke: () => {
        throw new Error('the local cloud is stopping: no new tasks');
      },
    });
    scheduler.start();
    await clock.advance(2 * 60_000);
    const [status] = scheduler.describe();
    expect(status?.invocationCount).toBe(2);
    expect(status?.lastInvocation?.error).toBe('target Job: the local cloud is stopping: no new tasks');
    scheduler.stop();
  });

  it('fires nothing after stop()', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const { scheduler, fired } = recorded([rule('report', 'rate(1 minute)')], clock);
    scheduler.start();
    scheduler.stop();
    await clock.advance(10 * 60_000);
    expect(fired).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('waits out a yearly schedule in steps a Node timer can take', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 2));
    const { scheduler, fired } = recorded([rule('yearly', 'cron(0 0 1 1 ? *)')], clock);
    scheduler.start();
    await clock.advance(365 * 86_400_000);
    expect(fired).toEqual(['yearly@00:00']);
    expect(scheduler.describe()[0]?.lastInvocation?.at).toBe(Date.UTC(2027, 0, 1));
    scheduler.stop();
  });
});

describe('acceleratedClock', () => {
  it('runs N times faster than its base: rate(1 hour) fires after a minute of base time at 60', async () => {
    const base = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const clock = acceleratedClock(base, 60);
    let firedAt: number | undefined;
    clock.setTimeout(() => {
      firedAt = clock.now();
    }, 3_600_000);
    await base.advance(59_000);
    expect(firedAt).toBeUndefined();
    await base.advance(1_000);
    expect(firedAt).toBe(Date.UTC(2026, 0, 1, 13));
    expect(acceleratedClock(base, 1)).toBe(base);
  });
});
