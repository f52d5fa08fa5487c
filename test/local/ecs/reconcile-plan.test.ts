import { describe, expect, it } from 'vitest';
import { type PlanInput, type PlanTask, planReconcile } from '../../../src/local/ecs/reconcile-plan.js';

function tasks(deploymentId: string, count: number, extra: Partial<PlanTask> = {}, start = 0): PlanTask[] {
  return Array.from({ length: count }, (_, i) => ({
    taskId: `${deploymentId}-${start + i}`,
    deploymentId,
    createdAt: start + i,
    availabilityZone: (start + i) % 2 === 0 ? 'a' : 'b',
    inService: true,
    unhealthy: false,
    ...extra,
  }));
}

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    desiredCount: 2,
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    primaryDeploymentId: 'new',
    canLaunch: true,
    drainOlderDeployments: true,
    tasks: [],
    stoppingCount: 0,
    ...overrides,
  };
}

describe('one scheduler pass (aws-behavior.md §3.1)', () => {
  it('launches the desired count when nothing runs', () => {
    expect(planReconcile(input({ desiredCount: 3 }))).toEqual({ stops: [], launch: 3, blocked: false });
  });

  it('min 75 / max 200, N=2: starts 2 new tasks first and stops no old task', () => {
    const plan = planReconcile(input({ minimumHealthyPercent: 75, tasks: tasks('old', 2) }));
    expect(plan.launch).toBe(2);
    expect(plan.stops).toEqual([]);
  });

  it('min 75 / max 200, N=2: stops both old tasks once the 2 new ones are in service', () => {
    const plan = planReconcile(
      input({ minimumHealthyPercent: 75, tasks: [...tasks('old', 2), ...tasks('new', 2, {}, 2)] }),
    );
    expect(plan.stops.map((stop) => stop.taskId).sort()).toEqual(['old-0', 'old-1']);
    expect(plan.launch).toBe(0);
  });

  it('min 75 / max 200, N=2: keeps old tasks while the new ones are not yet healthy', () => {
    const plan = planReconcile(
      input({
        minimumHealthyPercent: 75,
        tasks: [...tasks('old', 2), ...tasks('new', 2, { inService: false }, 2)],
      }),
    );
    expect(plan.stops).toEqual([]);
    expect(plan.blocked).toBe(true);
  });

  it('min 50 / max 100, N=4: stops 2 old tasks before starting any', () => {
    const plan = planReconcile(
      input({ desiredCount: 4, minimumHealthyPercent: 50, maximumPercent: 100, tasks: tasks('old', 4) }),
    );
    expect(plan.stops).toHaveLength(2);
    expect(plan.stops.every((stop) => stop.cause === 'older-deployment')).toBe(true);
    expect(plan.launch).toBe(0);
  });

  it('min 50 / max 100, N=4: starts 2 once the stopping tasks are STOPPED', () => {
    const plan = planReconcile(
      input({
        desiredCount: 4,
        minimumHealthyPercent: 50,
        maximumPercent: 100,
        tasks: tasks('old', 2, {}, 2),
      }),
    );
    expect(plan.launch).toBe(2);
    expect(plan.stops).toEqual([]);
  });

  it('counts stopping tasks toward the maximum', () => {
    const plan = planReconcile(input({ desiredCount: 2, maximumPercent: 100, stoppingCount: 2 }));
    expect(plan.launch).toBe(0);
  });

  it('stops old tasks from the most crowded Availability Zone first', () => {
    const old: PlanTask[] = [
      {
        taskId: 'a1',
        deploymentId: 'old',
        createdAt: 1,
        availabilityZone: 'a',
        inService: true,
        unhealthy: false,
      },
      {
        taskId: 'b1',
        deploymentId: 'old',
        createdAt: 2,
        availabilityZone: 'b',
        inService: true,
        unhealthy: false,
      },
      {
        taskId: 'b2',
        deploymentId: 'old',
        createdAt: 3,
        availabilityZone: 'b',
        inService: true,
        unhealthy: false,
      },
    ];
    const plan = planReconcile(
      input({ desiredCount: 3, minimumHealthyPercent: 66, maximumPercent: 100, tasks: old }),
    );
    expect(plan.stops.map((stop) => stop.taskId)).toEqual(['b1']);
  });

  it('replaces an unhealthy task by starting a replacement first and keeping it until enough are healthy', () => {
    const current = tasks('new', 2);
    const sick = { ...current[0], unhealthy: true } as PlanTask;
    const plan = planReconcile(input({ tasks: [sick, current[1] as PlanTask] }));
    expect(plan.launch).toBe(1);
    expect(plan.stops).toEqual([]);
  });

  it('stops an unhealthy task one by one when the maximum allows no replacement', () => {
    const sick = tasks('new', 2, { unhealthy: true });
    const plan = planReconcile(input({ minimumHealthyPercent: 50, maximumPercent: 100, tasks: sick }));
    expect(plan.stops).toEqual([{ taskId: 'new-0', cause: 'unhealthy' }]);
    expect(plan.launch).toBe(0);
  });

  it('stops an unhealthy task that never served at once', () => {
    const plan = planReconcile(
      input({ tasks: tasks('new', 1, { inService: false, unhealthy: true }), desiredCount: 1 }),
    );
    expect(plan.stops).toEqual([{ taskId: 'new-0', cause: 'unhealthy' }]);
    expect(plan.launch).toBe(1);
  });

  it('scales in the not-yet-healthy tasks before the serving ones', () => {
    const plan = planReconcile(
      input({ desiredCount: 1, tasks: [...tasks('new', 1), ...tasks('new', 1, { inService: false }, 1)] }),
    );
    expect(plan.stops).toEqual([{ taskId: 'new-1', cause: 'scale-in' }]);
  });

  it('launches nothing when launches are held (failed deployment, throttle)', () => {
    expect(planReconcile(input({ canLaunch: false })).launch).toBe(0);
  });

  it('keeps older tasks when told not to drain them (failed deployment without rollback)', () => {
    const plan = planReconcile(
      input({ drainOlderDeployments: false, canLaunch: false, tasks: tasks('old', 2) }),
    );
    expect(plan.stops).toEqual([]);
  });
});
