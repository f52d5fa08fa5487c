import { describe, expect, it } from 'vitest';
import { isWharfError } from '../../../src/errors.js';
import { newTaskId, Task, taskArn, taskHealth } from '../../../src/local/ecs/task.js';
import { container, taskDefinition } from './support.js';

function newTask(): Task {
  const taskId = newTaskId();
  return new Task(
    {
      taskId,
      taskArn: taskArn('us-east-1', '123456789012', 'local', taskId),
      clusterName: 'local',
      serviceName: 'web',
      deploymentId: 'ecs-svc/1234567890123456789',
      taskDefinition: taskDefinition(1, [
        container({ name: 'app', check: true }),
        container({ name: 'sidecar', essential: false, check: true, containerPorts: [] }),
      ]),
    },
    1_000,
  );
}

describe('task identity and state machine (aws-behavior.md §3.5)', () => {
  it('has a 32 lower-case hex id and a long-format ARN', () => {
    const id = newTaskId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(taskArn('eu-west-1', '111122223333', 'local', id)).toBe(
      `arn:aws:ecs:eu-west-1:111122223333:task/local/${id}`,
    );
  });

  it('starts PROVISIONING with desiredStatus RUNNING and sets startedAt / stoppedAt on the way', () => {
    const task = newTask();
    expect(task.view()).toMatchObject({
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      createdAt: 1_000,
    });
    task.transition('PENDING', 2_000);
    task.transition('RUNNING', 3_000);
    task.requestStop(
      'Scaling activity initiated by (deployment ecs-svc/1)',
      'ServiceSchedulerInitiated',
      4_000,
    );
    task.transition('STOPPED', 5_000);
    expect(task.view()).toMatchObject({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      startedAt: 3_000,
      stoppingAt: 4_000,
      stoppedAt: 5_000,
      stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1)',
      stopCode: 'ServiceSchedulerInitiated',
    });
  });

  it('throws an internal WHARF_ECS_TASK_STATE error on a backward move', () => {
    const task = newTask();
    task.transition('RUNNING', 1);
    try {
      task.transition('PENDING', 2);
      expect.unreachable();
    } catch (error) {
      expect(isWharfError(error) && error.code).toBe('WHARF_ECS_TASK_STATE');
      expect((error as Error).message).toContain('from RUNNING to PENDING');
    }
  });

  it('keeps the first stop reason', () => {
    const task = newTask();
    expect(task.requestStop('Essential container in task exited', 'EssentialContainerExited', 1)).toBe(true);
    expect(task.requestStop('Task stopped by user', 'UserInitiated', 2)).toBe(false);
    expect(task.stoppedReason).toBe('Essential container in task exited');
  });

  it('derives task health from essential containers only (§3.2)', () => {
    const task = newTask();
    expect(task.healthStatus).toBe('UNKNOWN');
    task.recordHealth('sidecar', 'UNHEALTHY');
    expect(task.healthStatus).toBe('UNKNOWN');
    task.recordHealth('app', 'HEALTHY');
    expect(task.healthStatus).toBe('HEALTHY');
    task.recordHealth('app', 'UNHEALTHY');
    expect(task.healthStatus).toBe('UNHEALTHY');
  });
});

describe('taskHealth (aws-behavior.md §3.2)', () => {
  const c = (essential: boolean, hasHealthCheck: boolean, health: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN') => ({
    essential,
    hasHealthCheck,
    health,
  });
  it.each([
    [
      'all essential checked containers healthy',
      [c(true, true, 'HEALTHY'), c(true, true, 'HEALTHY')],
      'HEALTHY',
    ],
    [
      'one essential container unhealthy',
      [c(true, true, 'HEALTHY'), c(true, true, 'UNHEALTHY')],
      'UNHEALTHY',
    ],
    [
      'one essential container still being evaluated',
      [c(true, true, 'HEALTHY'), c(true, true, 'UNKNOWN')],
      'UNKNOWN',
    ],
    ['no container has a check', [c(true, false, 'UNKNOWN')], 'UNKNOWN'],
    [
      'only a non-essential container is unhealthy',
      [c(true, true, 'HEALTHY'), c(false, true, 'UNHEALTHY')],
      'HEALTHY',
    ],
    [
      'an essential container without a check does not count',
      [c(true, true, 'HEALTHY'), c(true, false, 'UNKNOWN')],
      'HEALTHY',
    ],
  ] as const)('%s → %s', (_name, containers, expected) => {
    expect(taskHealth(containers)).toBe(expected);
  });
});
