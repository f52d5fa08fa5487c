import { afterEach, describe, expect, it } from 'vitest';
import { isWharfError } from '../../../src/errors.js';
import { invalidDeploymentConfigurationMessage } from '../../../src/local/ecs/deployment-math.js';
import { createHarness, type Harness, stopHarnesses, taskDefinition } from './support.js';

afterEach(stopHarnesses);

const V1 = taskDefinition(1);
const V2 = taskDefinition(2);

async function steadyOnV1(h: Harness, healthy?: (taskId: string) => void): Promise<string[]> {
  h.scheduler.start();
  await h.clock.advance(0);
  for (const task of h.live()) healthy?.(task.taskId);
  await h.clock.advance(40_000);
  expect(h.messages()).toContain('(service web) has reached a steady state.');
  return h.live().map((task) => task.taskId);
}

describe('rolling deployments (aws-behavior.md §3.1)', () => {
  it('min 75 / max 200, N=2: starts 2 new tasks, and stops the 2 old ones only once the new ones are healthy', async () => {
    const h = createHarness({ desiredCount: 2, minimumHealthyPercent: 75 }, { withLoadBalancer: true });
    const old = await steadyOnV1(h, (id) => h.attachments.setTargetHealth(id, 'healthy'));
    h.resetMinRunning();

    h.scheduler.updateService({ taskDefinition: V2 });
    await h.clock.advance(0);
    const fresh = h.live().filter((task) => task.taskDefinitionArn === V2.arn);
    expect(fresh).toHaveLength(2);
    expect(
      h.live().filter((task) => old.includes(task.taskId) && task.desiredStatus === 'RUNNING'),
    ).toHaveLength(2);
    const [primary, previous] = h.scheduler.describe().deployments;
    expect(primary).toMatchObject({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS', taskDefinition: V2.arn });
    expect(previous).toMatchObject({ status: 'ACTIVE', rolloutState: 'COMPLETED', taskDefinition: V1.arn });

    await h.clock.advance(120_000); // new targets still `initial`: nothing old may stop
    expect(
      h.live().filter((task) => old.includes(task.taskId) && task.desiredStatus === 'RUNNING'),
    ).toHaveLength(2);

    for (const task of fresh) h.attachments.setTargetHealth(task.taskId, 'healthy');
    await h.clock.advance(0);
    expect(
      h
        .live()
        .map((task) => task.taskId)
        .sort(),
    ).toEqual(fresh.map((task) => task.taskId).sort());
    for (const id of old) {
      expect(h.all().find((task) => task.taskId === id)?.stoppedReason).toBe(
        `Scaling activity initiated by (deployment ${primary?.id})`,
      );
    }
    expect(h.maxLive()).toBe(4);
    expect(h.minRunning()).toBeGreaterThanOrEqual(2);
    const after = h.scheduler.describe().deployments;
    expect(after[0]).toMatchObject({ id: primary?.id, rolloutState: 'COMPLETED' });
    expect(after[1]).toMatchObject({ id: previous?.id, status: 'INACTIVE' });
    expect(h.messages().at(-1)).toBe('(service web) has reached a steady state.');
  });

  it('min 50 / max 100, N=4: stops 2 old tasks before it starts any new one', async () => {
    const h = createHarness({ desiredCount: 4, minimumHealthyPercent: 50, maximumPercent: 100 });
    const old = await steadyOnV1(h);
    h.resetMinRunning();

    h.scheduler.updateService({ taskDefinition: V2 });
    await h.clock.advance(0);
    const firstNewStart = h.recorder.entries.findIndex(
      (entry) => entry.startsWith('start ') && !old.includes(entry.slice('start '.length)),
    );
    const oldStops = h.recorder.entries
      .map((entry, index) => ({ entry, index }))
      .filter(({ entry }) => entry.startsWith('stopped '));
    expect(oldStops).toHaveLength(2);
    expect(firstNewStart).toBeGreaterThan(oldStops[1]?.index as number);
    expect(h.maxLive()).toBe(4);
    expect(h.minRunning()).toBe(2);

    await h.clock.advance(40_000); // the 2 new ones count as healthy: the 2 other old ones go
    await h.clock.advance(40_000);
    expect(h.live().every((task) => task.taskDefinitionArn === V2.arn)).toBe(true);
    expect(h.live()).toHaveLength(4);
    expect(h.maxLive()).toBe(4);
    expect(h.minRunning()).toBe(2);
    expect(h.scheduler.describe().deployments[0]?.rolloutState).toBe('COMPLETED');
  });

  it('reports a deployment configuration that can neither stop nor start a task (min 100 / max 100)', async () => {
    const h = createHarness({ desiredCount: 2, minimumHealthyPercent: 100, maximumPercent: 100 });
    const old = await steadyOnV1(h);
    h.scheduler.updateService({ taskDefinition: V2 });
    await h.clock.advance(10_000);
    expect(h.messages()).toContain(invalidDeploymentConfigurationMessage('web'));
    expect(
      h.messages().filter((message) => message === invalidDeploymentConfigurationMessage('web')),
    ).toHaveLength(1);
    expect(h.live().map((task) => task.taskId)).toEqual(old);
  });

  it('scales out and in with desiredCount, stopping surplus tasks with "Scaling activity initiated by"', async () => {
    const h = createHarness();
    await steadyOnV1(h);
    h.scheduler.updateService({ desiredCount: 3 });
    await h.clock.advance(0);
    expect(h.live()).toHaveLength(3);
    expect(h.scheduler.describe().deployments).toHaveLength(1);

    await h.clock.advance(40_000);
    h.scheduler.updateService({ desiredCount: 1 });
    await h.clock.advance(0);
    expect(h.live()).toHaveLength(1);
    const deploymentId = h.scheduler.describe().deployments[0]?.id;
    expect(
      h
        .all()
        .filter(
          (task) => task.stoppedReason === `Scaling activity initiated by (deployment ${deploymentId})`,
        ),
    ).toHaveLength(2);
    expect(h.messages()).toContainEqual(
      expect.stringMatching(/^\(service web\) has stopped 2 running tasks: /),
    );
  });

  it('throws WHARF_ECS_INVALID_DESIRED_COUNT for a negative or fractional desired count', () => {
    const h = createHarness();
    h.scheduler.start();
    for (const desiredCount of [-1, 1.5]) {
      try {
        h.scheduler.updateService({ desiredCount });
        expect.unreachable();
      } catch (error) {
        expect(isWharfError(error) && error.code).toBe('WHARF_ECS_INVALID_DESIRED_COUNT');
        expect((error as Error).message).toContain(`got ${desiredCount}`);
      }
    }
  });
});

describe('deployment circuit breaker (aws-behavior.md §3.4)', () => {
  it('fails a deployment after 3 failed tasks and rolls back to the last COMPLETED task definition', async () => {
    const h = createHarness();
    h.runtime.behaviour = (spec) => (spec.revision === 2 ? 'fail' : 'run');
    const [original] = await steadyOnV1(h);
    const completedId = h.scheduler.describe().deployments[0]?.id;

    h.scheduler.updateService({ taskDefinition: V2 });
    const failedId = h.scheduler.describe().deployments[0]?.id;
    await h.clock.advance(0);
    expect(h.runtime.startAttempts).toBe(2);
    await h.clock.advance(10_000); // throttle: 10 s after the first failure
    expect(h.runtime.startAttempts).toBe(3);
    await h.clock.advance(20_000); // then 20 s; the third failure trips the breaker
    expect(h.runtime.startAttempts).toBe(5); // 3 failed v2 starts + the rollback's v1 task

    const failedTask = h.all().find((task) => task.taskDefinitionArn === V2.arn);
    expect(failedTask).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull access denied for example/app:1',
    });
    expect(h.messages()).toContain('(service web) is unable to consistently start tasks successfully.');
    expect(h.messages()).toContain(
      `(service web) (deployment ${failedId}) deployment failed: tasks failed to start.`,
    );
    expect(h.messages()).toContain(`(service web) rolling back to deployment ${completedId}.`);
    const during = h.scheduler.describe();
    expect(during.deployments[0]).toMatchObject({
      status: 'PRIMARY',
      taskDefinition: V1.arn,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: `ECS deployment circuit breaker: rolling back to deploymentId ${completedId}.`,
    });
    expect(during.deployments[1]).toMatchObject({
      id: failedId,
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
      failedTasks: 3,
    });
    expect(during.deploymentCircuitBreaker).toEqual({ status: 'TRIGGERED', failureCount: 3, threshold: 3 });

    await h.clock.advance(40_000);
    const after = h.scheduler.describe();
    expect(after.deployments[0]).toMatchObject({ taskDefinition: V1.arn, rolloutState: 'COMPLETED' });
    expect(after.deployments[1]).toMatchObject({ id: failedId, status: 'INACTIVE' });
    expect(h.live()).toHaveLength(1);
    expect(h.live()[0]?.taskId).not.toBe(original);
    expect(h.live()[0]?.taskDefinitionArn).toBe(V1.arn);
    expect(h.messages().at(-1)).toBe('(service web) has reached a steady state.');
  });

  it('counts tasks failing health checks after RUNNING toward the breaker', async () => {
    const h = createHarness({}, { withLoadBalancer: true });
    await steadyOnV1(h, (id) => h.attachments.setTargetHealth(id, 'healthy'));
    h.scheduler.updateService({ taskDefinition: V2 });
    for (let i = 0; i < 3; i++) {
      await h.clock.advance(0);
      const fresh = h
        .live()
        .find((task) => task.taskDefinitionArn === V2.arn && task.desiredStatus === 'RUNNING');
      if (!fresh) break;
      h.attachments.setTargetHealth(fresh.taskId, 'unhealthy');
    }
    await h.clock.advance(0);
    const failed = h.scheduler
      .describe()
      .deployments.find((deployment) => deployment.taskDefinition === V2.arn);
    expect(failed).toMatchObject({ rolloutState: 'FAILED', failedTasks: 3 });
    expect(h.scheduler.describe().deployments[0]?.taskDefinition).toBe(V1.arn);
  });

  it('when the first deployment crash-loops: FAILED, a clear event, and no endless relaunching', async () => {
    const h = createHarness();
    h.runtime.behaviour = () => 'exit-during-start';
    h.scheduler.start();
    const steady = h.scheduler.waitForSteadyState(3_600_000).catch((error: unknown) => error);
    await h.clock.advance(3_600_000);

    expect(h.runtime.startAttempts).toBe(3);
    const description = h.scheduler.describe();
    const deploymentId = description.deployments[0]?.id;
    expect(description.deployments[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'FAILED',
      failedTasks: 3,
    });
    expect(description.deploymentCircuitBreaker.status).toBe('TRIGGERED');
    expect(
      description.tasks.every((task) => task.stoppedReason === 'Essential container in task exited'),
    ).toBe(true);
    expect(h.messages()).toContain(
      `(service web) (deployment ${deploymentId}) deployment failed: tasks failed to start.`,
    );
    const explanation = h.messages().find((message) => message.includes('cannot roll back'));
    expect(explanation).toContain('no earlier deployment of this service reached COMPLETED');
    expect(explanation).toContain(V1.arn);
    const error = await steady;
    expect(isWharfError(error) && error.code).toBe('WHARF_ECS_DEPLOYMENT_FAILED');
    await expect(h.scheduler.waitForSteadyState(1_000)).rejects.toThrow('cannot roll back');
  });

  it('without rollback, stops launching for the failed deployment and keeps the old tasks serving', async () => {
    const h = createHarness({ circuitBreaker: { enable: true, rollback: false } });
    h.runtime.behaviour = (spec) => (spec.revision === 2 ? 'fail' : 'run');
    const old = await steadyOnV1(h);
    h.scheduler.updateService({ taskDefinition: V2 });
    await h.clock.advance(600_000);
    expect(h.runtime.startAttempts).toBe(4);
    expect(h.live().map((task) => task.taskId)).toEqual(old);
    expect(h.scheduler.describe().deployments[0]).toMatchObject({
      taskDefinition: V2.arn,
      rolloutState: 'FAILED',
    });
    expect(h.messages()).toContainEqual(expect.stringContaining('circuit breaker rollback is off'));
  });

  it('without a circuit breaker, the service throttle spaces out failing starts (10 s, 20 s, 40 s, …)', async () => {
    const h = createHarness({ circuitBreaker: { enable: false, rollback: false } });
    h.runtime.behaviour = () => 'fail';
    h.scheduler.start();
    await h.clock.advance(600_000);
    // Starts at 0, 10, 30, 70, 150, 310 s; the next would be at 630 s.
    expect(h.runtime.startAttempts).toBe(6);
    expect(h.scheduler.describe().deploymentCircuitBreaker.status).toBe('DISABLED');
    const throttled = h
      .messages()
      .filter((message) => message.includes('unable to consistently start tasks'));
    expect(throttled).toHaveLength(1);
  });

  it('caps the throttle with options for local runs', async () => {
    const h = createHarness(
      { circuitBreaker: { enable: false, rollback: false } },
      { options: { throttle: { baseDelayMs: 1_000, maxDelayMs: 2_000 } } },
    );
    h.runtime.behaviour = () => 'fail';
    h.scheduler.start();
    await h.clock.advance(11_000);
    // Starts at 0, 1, 3, 5, 7, 9, 11 s.
    expect(h.runtime.startAttempts).toBe(7);
  });
});
