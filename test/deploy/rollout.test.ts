/**
 * The ECS rollout monitor (src/deploy/rollout/monitor.ts) against mocked AWS: real ECS and
 * CloudWatch Logs SDK clients reading services that a real CloudFormation change set created on
 * the mocked endpoint, fed with stack events shaped like CloudFormation's.
 *
 * The mocked ECS reports one PRIMARY deployment per service and stamps every stopped task with the
 * time it is described. Two tests need more (a rollback deployment next to the failed one, tasks
 * that stopped an hour ago): they rewrite those fields of the mocked answers in the test's own ECS
 * client, after the SDK parsed them (see `rewrite`).
 */

import {
  CloudFormationClient,
  CreateChangeSetCommand,
  ExecuteChangeSetCommand,
  type ResourceStatus,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  type Deployment,
  type DescribeServicesCommandOutput,
  type DescribeTasksCommandOutput,
  ECSClient,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceRollout } from '../../src/deploy/progress/types.js';
import { type RolloutFailure, RolloutMonitor } from '../../src/deploy/rollout/monitor.js';
import {
  type MockAws,
  type MockEcsService,
  type MockStoppedTask,
  startMockAws,
} from '../support/mock-aws/index.js';

const container = (name: string) => ({
  Name: name,
  Image: `example/${name}:1`,
  LogConfiguration: {
    LogDriver: 'awslogs',
    Options: { 'awslogs-group': '/wharf/web', 'awslogs-stream-prefix': 'app', 'awslogs-region': 'us-east-1' },
  },
});

/** A cluster, a task definition and two services: `Service` (`web`) and `Green` (`web-green`). */
const TEMPLATE = JSON.stringify({
  Resources: {
    Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: 'apps' } },
    TaskDefinition: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: { Family: 'web', Cpu: '256', Memory: '512', ContainerDefinitions: [container('web')] },
    },
    Service: {
      Type: 'AWS::ECS::Service',
      Properties: {
        ServiceName: 'web',
        Cluster: { Ref: 'Cluster' },
        TaskDefinition: { Ref: 'TaskDefinition' },
        DesiredCount: 2,
      },
    },
    Green: {
      Type: 'AWS::ECS::Service',
      Properties: {
        ServiceName: 'web-green',
        Cluster: { Ref: 'Cluster' },
        TaskDefinition: { Ref: 'TaskDefinition' },
        DesiredCount: 2,
      },
    },
  },
});

const INTERVAL = 15;
const CRASH_REASON = 'Essential container in task exited';
const SCALE_IN_REASON = 'Scaling activity initiated by (deployment ecs-svc/4410583728204857611)';

function crash(taskId: string, logLines?: string[]): MockStoppedTask {
  return {
    taskId,
    stoppedReason: CRASH_REASON,
    containers: [{ name: 'web', exitCode: 1 }],
    ...(logLines ? { logLines } : {}),
  };
}

interface Setup {
  readonly mock: MockAws;
  readonly ecs: ECSClient;
  readonly logs: CloudWatchLogsClient;
  readonly stackId: string;
  /** ARNs of the `Service` and `Green` services. */
  readonly arns: { readonly Service: string; readonly Green: string };
  /** Taken just before the stack was created. */
  readonly before: Date;
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts mocked AWS with these ECS records and creates the stack with the real SDK. */
async function setup(records: Record<string, MockEcsService>): Promise<Setup> {
  const mock = await startMockAws({ ecs: records, stepMs: 1 });
  cleanups.push(() => mock.close());
  const config = {
    endpoint: mock.endpoint,
    region: mock.region,
    maxAttempts: 1,
    credentials: {
      accessKeyId: mock.env.AWS_ACCESS_KEY_ID as string,
      secretAccessKey: mock.env.AWS_SECRET_ACCESS_KEY as string,
    },
  };
  const cfn = new CloudFormationClient(config);
  const ecs = new ECSClient(config);
  const logs = new CloudWatchLogsClient(config);
  cleanups.push(() => {
    cfn.destroy();
    ecs.destroy();
    logs.destroy();
  });
  const before = new Date();
  const created = await cfn.send(
    new CreateChangeSetCommand({
      StackName: 'Rollout',
      ChangeSetName: 'create',
      ChangeSetType: 'CREATE',
      TemplateBody: TEMPLATE,
    }),
  );
  await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));
  await mock.settled();
  const resources = mock.stack('Rollout')?.resources;
  return {
    mock,
    ecs,
    logs,
    stackId: created.StackId ?? '',
    arns: {
      Service: resources?.get('Service')?.physicalId ?? '',
      Green: resources?.get('Green')?.physicalId ?? '',
    },
    before,
  };
}

/** A monitor that keeps every snapshot; stopped after the test. */
function monitorOf(s: Setup, failFastAfter?: number) {
  const rollouts: ServiceRollout[] = [];
  const monitor = new RolloutMonitor({
    ecs: s.ecs,
    logs: s.logs,
    intervalMs: INTERVAL,
    ...(failFastAfter !== undefined ? { failFastAfter } : {}),
    onRollout: (rollout) => rollouts.push(rollout),
  });
  cleanups.push(() => monitor.stop());
  let failure: RolloutFailure | undefined;
  void monitor.failure.then((f) => {
    failure = f;
  });
  return { monitor, rollouts, failure: () => failure };
}

/** A stack event of the `Service` resource, as CloudFormation reports it. */
function serviceEvent(s: Setup, status: ResourceStatus, physicalId: string, at = new Date()): StackEvent {
  return {
    StackId: s.stackId,
    StackName: 'Rollout',
    EventId: `Service-${status}-${at.getTime()}`,
    LogicalResourceId: 'Service',
    PhysicalResourceId: physicalId,
    ResourceType: 'AWS::ECS::Service',
    ResourceStatus: status,
    Timestamp: at,
  };
}

function count(mock: MockAws, action: string): number {
  return mock.calls.filter((c) => c.action === action).length;
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

/** The monitor's failure, or a test failure after 3 s. */
async function failureOf(monitor: RolloutMonitor): Promise<RolloutFailure> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the monitor did not report a failure within 3 s')), 3000);
  });
  try {
    return await Promise.race([monitor.failure, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until the service was described `polls` more times. */
async function polls(mock: MockAws, polls: number): Promise<void> {
  const target = count(mock, 'DescribeServices') + polls;
  await until(() => count(mock, 'DescribeServices') >= target);
  // Let the last poll finish (its ListTasks, DescribeTasks and judgement).
  await new Promise((r) => setTimeout(r, INTERVAL));
}

/** Changes the parsed answers of one ECS action in this client (what the mock cannot model). */
function rewrite<T>(ecs: ECSClient, command: string, change: (output: T) => void): void {
  ecs.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === command) change(result.output as T);
      return result;
    },
    { step: 'initialize', name: `rewrite${command}` },
  );
}

describe('RolloutMonitor against mocked AWS', () => {
  it('reports a tripped circuit breaker on the primary deployment with the stopped reason and log lines (mocked AWS)', async () => {
    const s = await setup({
      Service: {
        desired: 2,
        running: 0,
        rolloutState: 'FAILED',
        rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
        circuitBreaker: { enable: true, rollback: false },
        failedTasks: 3,
        stoppedTasks: [crash('c0ffee01', ['listening on :8080', 'Error: DATABASE_URL is not set'])],
      },
    });
    const { monitor, failure } = monitorOf(s);
    // CloudFormation reports the creation before ECS named the service, and the ARN only after
    // ECS created it (here: later than the clock-skew allowance): the rollout began at the first event.
    monitor.observe(serviceEvent(s, 'CREATE_IN_PROGRESS', '', s.before));
    monitor.observe(serviceEvent(s, 'CREATE_IN_PROGRESS', s.arns.Service, new Date(Date.now() + 30_000)));

    const tripped = await failureOf(monitor);
    expect(failure()).toBe(tripped);
    expect(tripped.kind).toBe('circuit-breaker');
    expect(tripped.summary).toBe(
      'ECS service web: the deployment circuit breaker tripped (ECS deployment circuit breaker: tasks failed to start.). Latest stopped task: Essential container in task exited (web exit 1).',
    );
    expect(tripped.rollout).toMatchObject({
      serviceName: 'web',
      running: 0,
      desired: 2,
      rolloutState: 'FAILED',
      circuitBreaker: { enabled: true, rollback: false, failedTasks: 3, threshold: 3 },
    });
    expect(tripped.rollout.stoppedTasks.map((t) => [t.taskId, t.logLines])).toEqual([
      ['c0ffee01', ['listening on :8080', 'Error: DATABASE_URL is not set']],
    ]);
  });

  it('reports a trip seen only on a non-primary deployment started during the rollout, when ECS rolls back (mocked AWS)', async () => {
    const s = await setup({
      Service: {
        desired: 2,
        running: 1,
        rolloutState: 'IN_PROGRESS',
        circuitBreaker: { enable: true, rollback: true },
        stoppedTasks: [crash('c0ffee02', ['Error: port 8080 in use'])],
      },
    });
    const start = new Date();
    // ECS answers with a rollback deployment (PRIMARY) and the deployment that failed (ACTIVE).
    let failedCreatedAt = new Date(start.getTime() - 3_600_000);
    rewrite<DescribeServicesCommandOutput>(s.ecs, 'DescribeServicesCommand', (output) => {
      const service = output.services?.[0];
      if (!service) return;
      const rollback: Deployment = {
        id: 'ecs-svc/2',
        status: 'PRIMARY',
        rolloutState: 'IN_PROGRESS',
        rolloutStateReason: 'ECS deployment ecs-svc/2 in progress.',
        desiredCount: 2,
        runningCount: 1,
        pendingCount: 1,
        failedTasks: 0,
        createdAt: new Date(),
      };
      const failed: Deployment = {
        id: 'ecs-svc/1',
        status: 'ACTIVE',
        rolloutState: 'FAILED',
        rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
        desiredCount: 4,
        runningCount: 0,
        pendingCount: 0,
        failedTasks: 3,
        createdAt: failedCreatedAt,
      };
      service.deployments = [rollback, failed];
    });
    const { monitor, failure } = monitorOf(s);
    monitor.observe(serviceEvent(s, 'UPDATE_IN_PROGRESS', s.arns.Service, start));

    // A FAILED deployment from before this rollout (an hour old) is history, not a trip.
    await polls(s.mock, 3);
    expect(failure()).toBeUndefined();

    failedCreatedAt = new Date(start.getTime() + 1000);
    const tripped = await failureOf(monitor);
    expect(tripped.kind).toBe('circuit-breaker');
    expect(tripped.summary).toContain('tripped (ECS deployment circuit breaker: tasks failed to start.)');
    expect(tripped.rollout).toMatchObject({
      running: 1,
      desired: 2,
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
      circuitBreaker: { enabled: true, rollback: true, failedTasks: 3, threshold: 3 },
    });
    expect(tripped.rollout.stoppedTasks[0]?.logLines).toEqual(['Error: port 8080 in use']);
  });

  it('fails fast without a circuit breaker once failFastAfter tasks stopped below the desired count (mocked AWS)', async () => {
    const service: MockEcsService = { desired: 2, running: 0, stoppedTasks: [] };
    const s = await setup({ Service: service });
    const { monitor, failure } = monitorOf(s, 3);
    monitor.observe(serviceEvent(s, 'UPDATE_IN_PROGRESS', s.arns.Service));

    service.stoppedTasks?.push(crash('c0ffee11'), crash('c0ffee12'));
    await polls(s.mock, 3);
    expect(failure()).toBeUndefined();

    service.stoppedTasks?.push(crash('c0ffee13', ['panic: config missing']));
    const failed = await failureOf(monitor);
    expect(failed.kind).toBe('tasks-keep-stopping');
    expect(failed.summary).toMatch(
      /^ECS service web: 3 tasks stopped and 0\/2 are running; the service has no circuit breaker/,
    );
    expect(failed.summary).toContain('Latest stopped task: Essential container in task exited (web exit 1).');
    expect(failed.rollout.stoppedTasks).toHaveLength(3);
  });

  it('does not count tasks that stopped before the rollout began (mocked AWS)', async () => {
    // DesiredCount 2 → 4 keeps the old PRIMARY deployment, which lost four tasks half an hour ago.
    const service: MockEcsService = {
      desired: 4,
      running: 2,
      stoppedTasks: [
        crash('old00001'),
        crash('old00002'),
        crash('old00003'),
        crash('old00004'),
        crash('c0ffee21'),
        crash('c0ffee22'),
      ],
    };
    const s = await setup({ Service: service });
    const longAgo = new Date(Date.now() - 30 * 60_000);
    rewrite<DescribeTasksCommandOutput>(s.ecs, 'DescribeTasksCommand', (output) => {
      for (const task of output.tasks ?? []) {
        if (task.taskArn?.includes('/old')) task.stoppedAt = longAgo;
      }
    });
    const { monitor, failure, rollouts } = monitorOf(s, 3);
    monitor.observe(serviceEvent(s, 'UPDATE_IN_PROGRESS', s.arns.Service));

    await polls(s.mock, 3);
    expect(failure()).toBeUndefined();
    expect(
      rollouts
        .at(-1)
        ?.stoppedTasks.map((t) => t.taskId)
        .sort(),
    ).toEqual(['c0ffee21', 'c0ffee22']);

    service.stoppedTasks?.push(crash('c0ffee23'));
    const failed = await failureOf(monitor);
    expect(failed.summary).toContain('3 tasks stopped and 2/4 are running');
  });

  it('does not count tasks stopped to scale in (mocked AWS)', async () => {
    const scaledIn = (taskId: string): MockStoppedTask => ({
      taskId,
      stoppedReason: SCALE_IN_REASON,
      containers: [{ name: 'web', exitCode: 143 }],
    });
    const service: MockEcsService = {
      desired: 4,
      running: 1,
      stoppedTasks: [scaledIn('5ca1e001'), scaledIn('5ca1e002'), scaledIn('5ca1e003'), scaledIn('5ca1e004')],
    };
    const s = await setup({ Service: service });
    const { monitor, failure, rollouts } = monitorOf(s, 3);
    monitor.observe(serviceEvent(s, 'UPDATE_IN_PROGRESS', s.arns.Service));

    await polls(s.mock, 3);
    expect(failure()).toBeUndefined();
    expect(rollouts.at(-1)?.stoppedTasks).toEqual([]);

    service.stoppedTasks?.push(crash('c0ffee31'), crash('c0ffee32'), crash('c0ffee33'));
    const failed = await failureOf(monitor);
    expect(failed.summary).toContain('3 tasks stopped and 1/4 are running');
    expect(failed.rollout.stoppedTasks.every((t) => t.stoppedReason === CRASH_REASON)).toBe(true);
  });

  it('follows a replaced service to its new ARN (mocked AWS)', async () => {
    const s = await setup({
      Service: { desired: 2, running: 2, rolloutState: 'COMPLETED' },
      Green: {
        desired: 2,
        running: 0,
        rolloutState: 'IN_PROGRESS',
        stoppedTasks: [crash('9ee00001'), crash('9ee00002'), crash('9ee00003')],
      },
    });
    const { monitor, rollouts } = monitorOf(s, 3);
    monitor.observe(serviceEvent(s, 'UPDATE_IN_PROGRESS', s.arns.Service));
    await until(() => rollouts.some((r) => r.serviceName === 'web'));

    // "Requested update requires the creation of a new physical resource": the same resource,
    // now with the ARN of the service that replaces it.
    monitor.observe(serviceEvent(s, 'UPDATE_IN_PROGRESS', s.arns.Green));
    const failed = await failureOf(monitor);
    expect(failed.rollout).toMatchObject({ serviceName: 'web-green', logicalId: 'Service', running: 0 });
    expect(failed.summary).toContain('ECS service web-green: 3 tasks stopped');
    const described = s.mock.calls
      .filter((c) => c.action === 'DescribeServices')
      .map((c) => (c.input.services as string[])[0]);
    expect(described.at(-1)).toBe(s.arns.Green);
    expect(described.indexOf(s.arns.Green)).toBeGreaterThan(described.lastIndexOf(s.arns.Service));
  });

  it('polls a service again when it goes back in progress after a final status (mocked AWS)', async () => {
    const s = await setup({ Service: { desired: 2, running: 2, rolloutState: 'COMPLETED' } });
    const { monitor } = monitorOf(s);
    monitor.observe(serviceEvent(s, 'UPDATE_IN_PROGRESS', s.arns.Service));
    await polls(s.mock, 2);

    monitor.observe(serviceEvent(s, 'UPDATE_COMPLETE', s.arns.Service));
    await new Promise((r) => setTimeout(r, 3 * INTERVAL));
    const idle = count(s.mock, 'DescribeServices');
    await new Promise((r) => setTimeout(r, 5 * INTERVAL));
    expect(count(s.mock, 'DescribeServices')).toBe(idle);

    monitor.observe(serviceEvent(s, 'UPDATE_IN_PROGRESS', s.arns.Service));
    await polls(s.mock, 3);
  });

  it('reads the log lines of each stopped task once, also when its stream does not exist (mocked AWS)', async () => {
    const s = await setup({
      Service: {
        desired: 2,
        running: 0,
        stoppedTasks: [
          crash('c0ffee41', ['Error: one']),
          crash('c0ffee42', ['Error: two']),
          // Never started: no log stream.
          { taskId: 'c0ffee43', stoppedReason: 'CannotPullContainerError', containers: [{ name: 'web' }] },
        ],
      },
    });
    const { monitor, rollouts } = monitorOf(s, 0);
    monitor.observe(serviceEvent(s, 'UPDATE_IN_PROGRESS', s.arns.Service));

    await polls(s.mock, 6);
    expect(count(s.mock, 'GetLogEvents')).toBe(3);
    expect(count(s.mock, 'DescribeTasks')).toBe(1);
    expect(count(s.mock, 'DescribeTaskDefinition')).toBe(1);
    const latest = rollouts.at(-1)?.stoppedTasks ?? [];
    expect(Object.fromEntries(latest.map((t) => [t.taskId, t.logLines]))).toEqual({
      c0ffee41: ['Error: one'],
      c0ffee42: ['Error: two'],
      c0ffee43: [],
    });
  });

  it('never fails fast on stopped tasks with failFastAfter 0 (mocked AWS)', async () => {
    const s = await setup({
      Service: {
        desired: 2,
        running: 0,
        stoppedTasks: ['51', '52', '53', '54', '55'].map((n) => crash(`c0ffee${n}`)),
      },
    });
    const { monitor, failure, rollouts } = monitorOf(s, 0);
    monitor.observe(serviceEvent(s, 'UPDATE_IN_PROGRESS', s.arns.Service));

    await polls(s.mock, 5);
    expect(failure()).toBeUndefined();
    expect(rollouts.at(-1)).toMatchObject({ running: 0, desired: 2 });
    expect(rollouts.at(-1)?.stoppedTasks).toHaveLength(3);
  });
});
