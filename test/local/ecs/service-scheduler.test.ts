import { afterEach, describe, expect, it } from 'vitest';
import { isWharfError } from '../../../src/errors.js';
import { container, createHarness, stopHarnesses, TARGET_GROUP_ARN, taskDefinition } from './support.js';

afterEach(stopHarnesses);

describe('ECS service scheduler: starting tasks (aws-behavior.md §3.5, §3.1)', () => {
  it('takes each task through PROVISIONING → PENDING → ACTIVATING → RUNNING: ENI, containers, registration', async () => {
    const h = createHarness({ desiredCount: 2 });
    h.scheduler.start();
    await h.clock.advance(0);

    const tasks = h.live();
    expect(tasks).toHaveLength(2);
    expect(h.messages()).toContain(
      `(service web) has started 2 tasks: (task ${tasks[0]?.taskId}) (task ${tasks[1]?.taskId}).`,
    );
    for (const task of tasks) {
      expect(h.statuses.get(task.taskId)).toEqual(['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING']);
      expect(h.recorder.forTask(task.taskId)).toEqual(['attach', 'start', 'register']);
      expect(task.taskArn).toBe(`arn:aws:ecs:us-east-1:123456789012:task/local/${task.taskId}`);
      expect(task.endpoints).toHaveLength(1);
      expect(h.network.exposed.get(`${task.privateIp}:8080`)).toEqual({
        host: '127.0.0.1',
        port: task.endpoints[0]?.port,
      });
    }
    // Fargate spreads tasks across Availability Zones (§3.1).
    expect(new Set(tasks.map((task) => task.availabilityZone))).toEqual(
      new Set(['us-east-1a', 'us-east-1b']),
    );
  });

  it('counts tasks without load balancer or container checks healthy 40 s after RUNNING, then reports a steady state', async () => {
    const h = createHarness({ desiredCount: 2 });
    h.scheduler.start();
    const steady = h.scheduler.waitForSteadyState(120_000);
    await h.clock.advance(39_000);
    expect(h.messages()).not.toContain('(service web) has reached a steady state.');

    await h.clock.advance(1_000);
    await expect(steady).resolves.toBeUndefined();
    const description = h.scheduler.describe();
    expect(h.messages().slice(-2)).toEqual([
      `(service web) (deployment ${description.deployments[0]?.id}) deployment completed.`,
      '(service web) has reached a steady state.',
    ]);
    expect(description).toMatchObject({ desiredCount: 2, runningCount: 2, pendingCount: 0 });
    expect(description.deployments).toHaveLength(1);
    expect(description.deployments[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'COMPLETED',
      taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app:1',
      runningCount: 2,
    });
    expect(description.deployments[0]?.id).toMatch(/^ecs-svc\/\d{19}$/);
    expect(description.deploymentCircuitBreaker).toEqual({
      status: 'MONITORING_COMPLETE',
      failureCount: 0,
      threshold: 3,
    });
  });

  it('takes the 40-second rule from options', async () => {
    const h = createHarness({}, { options: { healthyWithoutChecksAfterMs: 5_000 } });
    h.scheduler.start();
    await h.clock.advance(5_000);
    expect(h.messages()).toContain('(service web) has reached a steady state.');
  });

  it('waits for container health when an essential container has a check, and pushes it to Cloud Map', async () => {
    const h = createHarness({ taskDefinition: taskDefinition(1, [container({ check: true })]) });
    h.scheduler.start();
    await h.clock.advance(60_000);
    expect(h.messages()).not.toContain('(service web) has reached a steady state.');
    const [task] = h.live();
    if (!task) throw new Error('no task');

    h.runtime.task(task.taskId).health('HEALTHY');
    await h.clock.advance(0);
    expect(h.messages()).toContain('(service web) has reached a steady state.');
    expect(h.live()[0]?.healthStatus).toBe('HEALTHY');
    expect(h.attachments.reportedHealth).toEqual([{ taskId: task.taskId, health: 'HEALTHY' }]);
  });

  it('waits for the target group to report healthy with a load balancer', async () => {
    const h = createHarness({}, { withLoadBalancer: true });
    h.scheduler.start();
    await h.clock.advance(60_000);
    expect(h.messages()).not.toContain('(service web) has reached a steady state.');
    const taskId = h.live()[0]?.taskId as string;
    expect(h.messages()).toContain(
      `(service web) registered 1 targets in (target-group ${TARGET_GROUP_ARN})`,
    );

    h.attachments.setTargetHealth(taskId, 'healthy');
    await h.clock.advance(0);
    expect(h.messages()).toContain('(service web) has reached a steady state.');
  });

  it('rejects waitForSteadyState with WHARF_ECS_NOT_STEADY after the timeout', async () => {
    const h = createHarness({}, { withLoadBalancer: true });
    h.scheduler.start();
    const waiting = h.scheduler.waitForSteadyState(10_000);
    const outcome = waiting.catch((error: unknown) => error);
    await h.clock.advance(10_000);
    const error = await outcome;
    expect(isWharfError(error) && error.code).toBe('WHARF_ECS_NOT_STEADY');
    expect((error as Error).message).toContain('1 of 1 tasks RUNNING, 0 of them counted healthy');
  });

  it('turns an ENI attachment failure into a stopped task with a ResourceInitializationError reason', async () => {
    const h = createHarness({ circuitBreaker: { enable: false, rollback: false } });
    h.network.attach = () => {
      throw new Error('no free address in subnet-a');
    };
    h.scheduler.start();
    await h.clock.advance(0);
    const [task] = h.all();
    expect(task).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'TaskFailedToStart',
      stoppedReason:
        'ResourceInitializationError: unable to attach the task ENI: no free address in subnet-a',
    });
    expect(h.runtime.startAttempts).toBe(0);
  });
});

describe('ECS service scheduler: stopping (aws-behavior.md §3.5)', () => {
  it('stop() drains every task: deregistration is awaited before SIGTERM, then the ENI is detached', async () => {
    const h = createHarness({ desiredCount: 2 });
    h.attachments.drainMs = 5_000;
    h.scheduler.start();
    await h.clock.advance(40_000);
    const ids = h.live().map((task) => task.taskId);
    const deploymentId = h.scheduler.describe().deployments[0]?.id;

    let stopped = false;
    const stopping = h.scheduler.stop().then(() => {
      stopped = true;
    });
    await h.clock.advance(4_999);
    expect(h.recorder.entries.filter((entry) => entry.startsWith('sigterm'))).toEqual([]);
    expect(h.live().map((task) => task.lastStatus)).toEqual(['DEACTIVATING', 'DEACTIVATING']);
    expect(stopped).toBe(false);

    await h.clock.advance(1);
    await stopping;
    for (const id of ids) {
      expect(h.recorder.forTask(id)).toEqual([
        'attach',
        'start',
        'register',
        'deregister',
        'deregistered',
        'sigterm',
        'stopped',
        'detach',
      ]);
      expect(h.statuses.get(id)?.slice(4)).toEqual(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED']);
    }
    const description = h.scheduler.describe();
    expect(description.desiredCount).toBe(0);
    expect(
      description.tasks.every(
        (task) => task.stoppedReason === `Scaling activity initiated by (deployment ${deploymentId})`,
      ),
    ).toBe(true);
    expect(h.messages()).toContain(
      `(service web) has stopped 2 running tasks: (task ${ids[0]}) (task ${ids[1]}).`,
    );
    expect(h.clock.pending).toBe(0);
  });

  it('keeps a task STOPPING until the runtime has SIGKILLed it after stopTimeout', async () => {
    const h = createHarness({ taskDefinition: taskDefinition(1, [container({ stopTimeoutSeconds: 30 })]) });
    h.runtime.ignoreSigterm = true;
    h.scheduler.start();
    await h.clock.advance(0);
    const stopping = h.scheduler.stop();
    await h.clock.advance(29_999);
    expect(h.live()[0]?.lastStatus).toBe('STOPPING');
    await h.clock.advance(1);
    await stopping;
    const [task] = h.all();
    expect(h.recorder.forTask(task?.taskId as string).slice(-3)).toEqual(['sigkill', 'stopped', 'detach']);
    expect(task?.containers[0]?.exitCode).toBe(137);
  });

  it('stops a task that is still starting once its current step is done', async () => {
    const h = createHarness();
    h.runtime.startDelayMs = 10_000;
    h.scheduler.start();
    await h.clock.advance(0);
    expect(h.live()[0]?.lastStatus).toBe('PENDING');
    const stopping = h.scheduler.stop();
    await h.clock.advance(10_000);
    await stopping;
    const [task] = h.all();
    expect(task?.lastStatus).toBe('STOPPED');
    expect(h.recorder.forTask(task?.taskId as string)).toEqual([
      'attach',
      'start',
      'sigterm',
      'stopped',
      'detach',
    ]);
    expect(h.statuses.get(task?.taskId as string)).toEqual([
      'PROVISIONING',
      'PENDING',
      'STOPPING',
      'DEPROVISIONING',
      'STOPPED',
    ]);
  });
});

describe('ECS service scheduler: replacing failed tasks (aws-behavior.md §3.1, §3.2, §3.3)', () => {
  it('stops a task whose essential container exited with "Essential container in task exited" and starts another', async () => {
    const h = createHarness();
    h.scheduler.start();
    await h.clock.advance(40_000);
    const first = h.live()[0]?.taskId as string;

    h.runtime.task(first).exit('app', 2);
    await h.clock.advance(0);
    const stopped = h.all().find((task) => task.taskId === first);
    expect(stopped).toMatchObject({
      lastStatus: 'STOPPED',
      stoppedReason: 'Essential container in task exited',
      stopCode: 'EssentialContainerExited',
    });
    expect(stopped?.containers[0]).toMatchObject({ exitCode: 2 });
    const replacement = h.live()[0];
    expect(replacement?.taskId).not.toBe(first);
    expect(h.messages()).toContain(`(service web) has stopped 1 running tasks: (task ${first}).`);
    expect(h.messages()).toContain(`(service web) has started 1 tasks: (task ${replacement?.taskId}).`);
  });

  it('ignores a non-essential container exit', async () => {
    const h = createHarness({
      taskDefinition: taskDefinition(1, [
        container(),
        container({ name: 'sidecar', essential: false, containerPorts: [] }),
      ]),
    });
    h.scheduler.start();
    await h.clock.advance(0);
    const taskId = h.live()[0]?.taskId as string;
    h.runtime.task(taskId).exit('sidecar', 0);
    await h.clock.advance(1_000);
    expect(h.live()[0]).toMatchObject({ taskId, lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
  });

  it('replaces a task failing container health checks: replacement first, the unhealthy task stopped once it is healthy', async () => {
    const h = createHarness({ taskDefinition: taskDefinition(1, [container({ check: true })]) });
    h.scheduler.start();
    await h.clock.advance(0);
    const sick = h.live()[0]?.taskId as string;
    h.runtime.task(sick).health('HEALTHY');
    await h.clock.advance(0);

    h.runtime.task(sick).health('UNHEALTHY');
    await h.clock.advance(0);
    expect(h.messages()).toContain(`(service web) (task ${sick}) failed container health checks.`);
    const replacement = h.live().find((task) => task.taskId !== sick);
    expect(replacement).toBeDefined();
    // minimumHealthyPercent 100: the unhealthy task serves until its replacement is healthy.
    expect(h.live().find((task) => task.taskId === sick)?.desiredStatus).toBe('RUNNING');

    h.runtime.task(replacement?.taskId as string).health('HEALTHY');
    await h.clock.advance(0);
    expect(h.all().find((task) => task.taskId === sick)).toMatchObject({
      lastStatus: 'STOPPED',
      stoppedReason: 'Task failed container health checks',
      stopCode: 'ServiceSchedulerInitiated',
    });
    expect(h.live().map((task) => task.taskId)).toEqual([replacement?.taskId]);
    expect(h.attachments.reportedHealth).toContainEqual({ taskId: sick, health: 'UNHEALTHY' });
  });

  it('ignores unhealthy ELB checks during the grace period, then stops the task with the target group in the reason', async () => {
    const h = createHarness({ healthCheckGracePeriodSeconds: 60 }, { withLoadBalancer: true });
    h.scheduler.start();
    await h.clock.advance(0);
    const task = h.live()[0];
    const taskId = task?.taskId as string;
    await h.clock.advance(10_000);
    h.attachments.setTargetHealth(taskId, 'unhealthy');
    await h.clock.advance(49_000);
    expect(h.live().find((candidate) => candidate.taskId === taskId)?.desiredStatus).toBe('RUNNING');

    await h.clock.advance(1_000);
    expect(h.all().find((candidate) => candidate.taskId === taskId)).toMatchObject({
      desiredStatus: 'STOPPED',
      stoppedReason: `Task failed ELB health checks in (target-group ${TARGET_GROUP_ARN})`,
    });
    expect(h.messages()).toContain(
      `(service web) (instance ${task?.privateIp}) (port 8080) is unhealthy in target-group ${TARGET_GROUP_ARN} ` +
        'due to (reason Health checks failed).',
    );
  });

  it('stops unhealthy tasks one by one under minimumHealthyPercent when maximumPercent allows no replacement', async () => {
    const h = createHarness(
      { desiredCount: 2, minimumHealthyPercent: 50, maximumPercent: 100 },
      { withLoadBalancer: true },
    );
    h.scheduler.start();
    await h.clock.advance(0);
    const [a, b] = h.live().map((task) => task.taskId) as [string, string];
    h.attachments.setTargetHealth(a, 'healthy');
    h.attachments.setTargetHealth(b, 'healthy');
    await h.clock.advance(0);

    h.attachments.setTargetHealth(a, 'unhealthy');
    h.attachments.setTargetHealth(b, 'unhealthy');
    await h.clock.advance(0);
    const stopping = h.all().filter((task) => task.desiredStatus === 'STOPPED');
    expect(stopping).toHaveLength(1);
    expect(h.maxLive()).toBeLessThanOrEqual(2);
  });

  it('replaces a task stopped by the user (stopTask)', async () => {
    const h = createHarness();
    h.scheduler.start();
    await h.clock.advance(0);
    const taskId = h.live()[0]?.taskId as string;
    expect(h.scheduler.stopTask(taskId)).toBe(true);
    await h.clock.advance(0);
    expect(h.all().find((task) => task.taskId === taskId)).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedReason: 'Task stopped by user',
    });
    expect(h.live()).toHaveLength(1);
    expect(h.scheduler.stopTask('0'.repeat(32))).toBe(false);
  });
});

describe('ECS service scheduler: the reconcile loop', () => {
  it('never runs two passes at once, even when a callback re-enters the scheduler', async () => {
    const h = createHarness({}, { withLoadBalancer: true });
    const original = h.attachments.loadBalancerHealth;
    let depth = 0;
    let maxDepth = 0;
    let reentered = false;
    h.attachments.loadBalancerHealth = (task, targetGroupArn) => {
      depth += 1;
      maxDepth = Math.max(maxDepth, depth);
      if (!reentered) {
        reentered = true;
        h.scheduler.onLoadBalancerHealthChange(task.taskId);
        h.runtime.task(task.taskId).health('UNKNOWN');
      }
      const state = original?.(task, targetGroupArn) ?? 'unknown';
      depth -= 1;
      return state;
    };
    h.scheduler.start();
    await h.clock.advance(5_000);
    expect(reentered).toBe(true);
    expect(maxDepth).toBe(1);
  });

  it('coalesces a burst of events into few passes', async () => {
    const h = createHarness({}, { withLoadBalancer: true, options: { reconcileIntervalMs: 60_000 } });
    h.scheduler.start();
    await h.clock.advance(0);
    const original = h.attachments.loadBalancerHealth;
    let calls = 0;
    h.attachments.loadBalancerHealth = (task, targetGroupArn) => {
      calls += 1;
      return original?.(task, targetGroupArn) ?? 'unknown';
    };
    const taskId = h.live()[0]?.taskId as string;
    for (let i = 0; i < 50; i++) h.attachments.setTargetHealth(taskId, 'initial');
    await h.clock.advance(0);
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(4);
  });

  it("turns a failure to expose the task's ports into a stopped task", async () => {
    const h = createHarness();
    h.network.expose = () => {
      throw new Error('port in use');
    };
    h.scheduler.start();
    await h.clock.advance(0);
    expect(h.all()[0]?.stoppedReason).toBe(
      "ResourceInitializationError: unable to expose the task's ports: port in use",
    );
  });
});
