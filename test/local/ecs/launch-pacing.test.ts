/**
 * Local launch pacing (a documented deviation, aws-behavior-2.md §7): a task that fails within a
 * few seconds of its launch is relaunched no faster than once per few seconds; the ECS throttle
 * for tasks that never reach RUNNING (§7.3) is kept as it is.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { LaunchPacer, pacedLaunchAt } from '../../../src/local/ecs/launch-pacing.js';
import { createHarness, type Harness, stopHarnesses, taskDefinition } from './support.js';

afterEach(stopHarnesses);

describe('pacedLaunchAt', () => {
  it.each([
    // launchedAt, stoppedAt, next launch allowed at
    [0, 50, 5_000], // exited at once: wait until 5 s after the launch
    [0, 4_999, 5_000],
    [0, 7_000, 5_000], // already past 5 s: relaunch now
    [0, 9_999, 5_000],
    [0, 10_000, 0], // ran 10 s: not a quick failure, replace at once as on AWS
    [1_000, 61_000, 0],
  ])('a task launched at %i ms and stopped at %i ms: next launch at %i ms', (launchedAt, stoppedAt, at) => {
    expect(pacedLaunchAt({ launchedAt, stoppedAt })).toBe(at);
  });

  it('takes the window and the interval from options', () => {
    expect(
      pacedLaunchAt({ launchedAt: 0, stoppedAt: 15_000 }, { quickStopMs: 20_000, minIntervalMs: 30_000 }),
    ).toBe(30_000);
  });

  it('a pacer keeps the latest limit, and a new deployment lifts it', () => {
    const pacer = new LaunchPacer();
    pacer.recordFailure({ launchedAt: 10_000, stoppedAt: 10_100 });
    pacer.recordFailure({ launchedAt: 0, stoppedAt: 10_200 }); // ran 10.2 s: adds nothing
    expect(pacer.isPaced(14_999)).toBe(true);
    expect(pacer.isPaced(15_000)).toBe(false);
    pacer.reset();
    expect(pacer.isPaced(11_000)).toBe(false);
  });
});

/** Makes every RUNNING task's essential container exit, as a command that fails at once does. */
function crashRunningTasks(h: Harness): void {
  for (const task of h.live()) {
    if (task.lastStatus === 'RUNNING' && task.desiredStatus === 'RUNNING')
      h.runtime.task(task.taskId).exit('app', 1);
  }
}

async function crashLoop(h: Harness, seconds: number): Promise<void> {
  h.scheduler.start();
  for (let second = 0; second <= seconds; second++) {
    await h.clock.advance(0);
    crashRunningTasks(h);
    await h.clock.advance(1_000);
  }
}

describe('ECS service scheduler with launch pacing', () => {
  const noBreaker = { circuitBreaker: { enable: false, rollback: false } };

  it('relaunches a task that exits right after reaching RUNNING once per 5 s, not at once', async () => {
    const h = createHarness(noBreaker, { options: { launchPacing: {} } });
    await crashLoop(h, 30);
    // Launches at 0, 5, 10, 15, 20, 25 and 30 s.
    expect(h.runtime.startAttempts).toBe(7);
    expect(h.all().every((task) => task.stoppedReason === 'Essential container in task exited')).toBe(true);
    // Tasks that reached RUNNING never start the ECS throttle (§7.3).
    expect(h.messages().some((message) => message.includes('unable to consistently start tasks'))).toBe(
      false,
    );
  });

  it('without pacing (AWS, where a launch itself takes 20–90 s) relaunches on every pass', async () => {
    const h = createHarness(noBreaker);
    await crashLoop(h, 30);
    expect(h.runtime.startAttempts).toBe(32);
  });

  it('keeps the ECS throttle for tasks that never reach RUNNING (10 s, 20 s, 40 s, …)', async () => {
    const h = createHarness(noBreaker, { options: { launchPacing: {} } });
    h.runtime.behaviour = () => 'fail';
    h.scheduler.start();
    await h.clock.advance(600_000);
    expect(h.runtime.startAttempts).toBe(6); // 0, 10, 30, 70, 150, 310 s
  });

  it('launches a new deployment at once, paced or not', async () => {
    const h = createHarness(noBreaker, { options: { launchPacing: {} } });
    h.scheduler.start();
    await h.clock.advance(0);
    crashRunningTasks(h);
    await h.clock.advance(0);
    const before = h.runtime.startAttempts;
    h.scheduler.updateService({ taskDefinition: taskDefinition(2) });
    await h.clock.advance(0);
    expect(h.runtime.startAttempts).toBe(before + 1);
  });
});
