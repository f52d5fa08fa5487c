import type { StackEvent } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import {
  circuitBreakerScenario,
  DeployProgressModel,
  destroyDeleteFailedScenario,
  displayReason,
  formatDuration,
  nestedFailureRollbackScenario,
  type ProgressUpdate,
  type ResourceRow,
  ROOT,
  replayScenario,
  SCENARIO_START,
  SERVICE_STACK,
  StackEventScript,
  type StackNode,
  sanitizeLine,
  statusSeverity,
  stoppedTaskReason,
  successfulCreateScenario,
  VPC_STACK,
} from '../../../src/deploy/progress/index.js';

/** A model on a fake clock that a scenario replay moves. */
function modelWithClock() {
  let time = SCENARIO_START.getTime();
  const model = new DeployProgressModel({ now: () => time });
  return {
    model,
    setTime: (ms: number) => {
      time = ms;
    },
    at: (seconds: number) => {
      time = SCENARIO_START.getTime() + seconds * 1000;
    },
  };
}

function row(stack: StackNode | undefined, logicalId: string): ResourceRow {
  const found = stack?.resources.find((r) => r.logicalId === logicalId);
  if (!found) throw new Error(`no row ${logicalId} in ${stack?.stackName}`);
  return found;
}

function feed(model: DeployProgressModel, script: StackEventScript, setTime: (ms: number) => void) {
  replayScenario(model, script.build('test'), { setTime });
}

describe('DeployProgressModel: the stack tree', () => {
  it('puts a nested stack under the parent resource whose physical id is its ARN', () => {
    const { model, setTime } = modelWithClock();
    replayScenario(model, successfulCreateScenario(), { setTime });
    const view = model.view();
    expect(view.unattached).toEqual([]);
    expect(view.stacks.map((s) => s.stackName)).toEqual([ROOT]);
    const root = view.stacks[0];
    expect(root?.resources.map((r) => [r.logicalId, r.shortType, r.status])).toEqual([
      ['VpcStack', 'CloudFormation::Stack', 'CREATE_COMPLETE'],
      ['ServiceStack', 'CloudFormation::Stack', 'CREATE_COMPLETE'],
    ]);
    const vpc = row(root, 'VpcStack').nested;
    expect(vpc?.stackName).toBe(VPC_STACK);
    expect(vpc?.path).toEqual([ROOT, 'VpcStack']);
    expect(vpc?.resources.map((r) => r.logicalId)).toEqual(['Vpc', 'InternetGateway', 'PublicSubnet1']);
    const service = row(root, 'ServiceStack').nested;
    expect(service?.path).toEqual([ROOT, 'ServiceStack']);
    expect(service?.resources.map((r) => `${r.logicalId}:${r.status}`)).toEqual([
      'LogGroup:CREATE_COMPLETE',
      'TaskRole:CREATE_COMPLETE',
      'TaskDefinition:CREATE_COMPLETE',
      'Service:CREATE_COMPLETE',
    ]);
    expect(root?.status).toBe('CREATE_COMPLETE');
    expect(root?.finished).toEqual({ ok: true, message: undefined });
  });

  it('treats the event whose logical id is the stack name as the stack status, not a resource', () => {
    const { model, setTime } = modelWithClock();
    replayScenario(model, successfulCreateScenario(), { setTime, until: 10 });
    const root = model.view().stacks[0];
    expect(root?.status).toBe('CREATE_IN_PROGRESS');
    expect(root?.resources.map((r) => r.logicalId)).toEqual(['VpcStack']);
    const nested = row(root, 'VpcStack').nested;
    expect(nested?.status).toBe('CREATE_IN_PROGRESS');
    expect(nested?.resources.some((r) => r.logicalId === VPC_STACK)).toBe(false);
  });

  it('holds events of a nested stack that arrive before its parent names it, then attaches them', () => {
    const { model, setTime } = modelWithClock();
    const s = new StackEventScript(SCENARIO_START);
    s.started(0, { stackName: ROOT, isUpdate: false, operation: 'deploy' });
    s.stack(1, ROOT, 'CREATE_IN_PROGRESS', 'User Initiated');
    s.resource(2, ROOT, 'VpcStack', 'AWS::CloudFormation::Stack', 'CREATE_IN_PROGRESS');
    // The nested stack's poller is faster than the parent's.
    s.stack(3, VPC_STACK, 'CREATE_IN_PROGRESS', 'User Initiated');
    s.resource(4, VPC_STACK, 'Vpc', 'AWS::EC2::VPC', 'CREATE_IN_PROGRESS');
    feed(model, s, setTime);

    let view = model.view();
    expect(row(view.stacks[0], 'VpcStack').nested).toBeUndefined();
    expect(view.unattached.map((u) => [u.stackName, u.path, u.resources.map((r) => r.logicalId)])).toEqual([
      [VPC_STACK, [VPC_STACK], ['Vpc']],
    ]);

    model.event({
      StackId: s.stackArn(ROOT),
      StackName: ROOT,
      EventId: 'VpcStack-CREATE_IN_PROGRESS-2026-03-02T12:00:05.000Z',
      LogicalResourceId: 'VpcStack',
      PhysicalResourceId: s.stackArn(VPC_STACK),
      ResourceType: 'AWS::CloudFormation::Stack',
      ResourceStatus: 'CREATE_IN_PROGRESS',
      ResourceStatusReason: 'Resource creation Initiated',
      Timestamp: new Date(SCENARIO_START.getTime() + 5000),
    });
    view = model.view();
    expect(view.unattached).toEqual([]);
    const nested = row(view.stacks[0], 'VpcStack').nested;
    expect(nested?.path).toEqual([ROOT, 'VpcStack']);
    expect(nested?.resources.map((r) => r.logicalId)).toEqual(['Vpc']);
  });

  it('nests stacks inside nested stacks', () => {
    const { model, setTime } = modelWithClock();
    const s = new StackEventScript(SCENARIO_START);
    s.started(0, { stackName: ROOT, isUpdate: false, operation: 'deploy' });
    s.nestedCreateStarted(1, ROOT, 'Outer', 'MyApp-Outer-1ABC');
    s.nestedCreateStarted(3, 'MyApp-Outer-1ABC', 'Inner', 'MyApp-Outer-1ABC-Inner-2DEF');
    s.resource(5, 'MyApp-Outer-1ABC-Inner-2DEF', 'Queue', 'AWS::SQS::Queue', 'CREATE_IN_PROGRESS');
    feed(model, s, setTime);
    const inner = row(row(model.view().stacks[0], 'Outer').nested, 'Inner').nested;
    expect(inner?.path).toEqual([ROOT, 'Outer', 'Inner']);
    expect(inner?.resources.map((r) => r.shortType)).toEqual(['SQS::Queue']);
  });

  it('ignores a repeated event (same EventId) and does not tell listeners about it', () => {
    const { model } = modelWithClock();
    const updates: ProgressUpdate[] = [];
    model.subscribe((u) => updates.push(u));
    const event: StackEvent = {
      StackId:
        'arn:aws:cloudformation:us-east-1:123456789012:stack/MyApp/0f0e0d0c-0000-4000-8000-000000000001',
      StackName: ROOT,
      EventId: 'Queue-CREATE_IN_PROGRESS-2026-03-02T12:00:01.000Z',
      LogicalResourceId: 'Queue',
      PhysicalResourceId: '',
      ResourceType: 'AWS::SQS::Queue',
      ResourceStatus: 'CREATE_IN_PROGRESS',
      Timestamp: new Date(SCENARIO_START.getTime() + 1000),
    };
    model.stackStarted({ stackName: ROOT, isUpdate: false, operation: 'deploy' });
    model.event(event);
    model.event({ ...event });
    expect(updates.map((u) => u.input.kind)).toEqual(['stack-started', 'event']);
    expect(model.view().stacks[0]?.resources).toHaveLength(1);
  });

  it('reports a status change once: a second CREATE_IN_PROGRESS ("Resource creation Initiated") changes nothing', () => {
    const { model, setTime } = modelWithClock();
    const updates: ProgressUpdate[] = [];
    model.subscribe((u) => updates.push(u));
    const s = new StackEventScript(SCENARIO_START);
    s.started(0, { stackName: ROOT, isUpdate: false, operation: 'deploy' });
    s.created(1, 9, ROOT, 'Queue', 'AWS::SQS::Queue', 'https://sqs.us-east-1.amazonaws.com/123456789012/q');
    feed(model, s, setTime);
    expect(
      updates.map((u) => u.changes.map((c) => (c.kind === 'resource-status' ? c.status : c.kind))),
    ).toEqual([['stack-started'], ['CREATE_IN_PROGRESS'], [], ['CREATE_COMPLETE']]);
    expect(row(model.view().stacks[0], 'Queue').physicalId).toBe(
      'https://sqs.us-east-1.amazonaws.com/123456789012/q',
    );
  });
});

describe('DeployProgressModel: times and counts', () => {
  it('runs a resource clock from its first IN_PROGRESS and freezes it at its final status', () => {
    const { model, setTime, at } = modelWithClock();
    const s = new StackEventScript(SCENARIO_START);
    s.started(0, { stackName: ROOT, isUpdate: false, resourcesTotal: 3, operation: 'deploy' });
    s.stack(1, ROOT, 'CREATE_IN_PROGRESS', 'User Initiated');
    s.created(2, 43, ROOT, 'Role', 'AWS::IAM::Role', 'MyApp-Role-1XYZ');
    s.resource(10, ROOT, 'Queue', 'AWS::SQS::Queue', 'CREATE_IN_PROGRESS');
    feed(model, s, setTime);

    at(60);
    let root = model.view().stacks[0];
    expect(row(root, 'Role').elapsedMs).toBe(41_000);
    expect(row(root, 'Queue').elapsedMs).toBe(50_000);
    expect(root?.elapsedMs).toBe(60_000);
    expect([root?.done, root?.total]).toEqual([1, 3]);

    at(500);
    root = model.view().stacks[0];
    expect(row(root, 'Role').elapsedMs).toBe(41_000);
    expect(row(root, 'Queue').elapsedMs).toBe(490_000);

    model.finished({ stackName: ROOT, ok: false, message: 'stopped' });
    at(900);
    expect(model.view().stacks[0]?.elapsedMs).toBe(500_000);
  });

  it('counts resources seen when the total is not given', () => {
    const { model, setTime } = modelWithClock();
    replayScenario(model, successfulCreateScenario(), { setTime, until: 60 });
    const root = model.view().stacks[0];
    const vpc = row(root, 'VpcStack').nested;
    expect([vpc?.done, vpc?.total]).toEqual([3, 3]);
    const service = row(root, 'ServiceStack').nested;
    expect([service?.done, service?.total]).toEqual([3, 4]);
    expect([root?.done, root?.total]).toEqual([1, 2]);
  });

  it('formats durations as 41s, 1m05s, 1h02m', () => {
    expect([0, 999, 41_000, 65_000, 3_599_000, 3_720_000, -5_000].map(formatDuration)).toEqual([
      '0s',
      '0s',
      '41s',
      '1m05s',
      '59m59s',
      '1h02m',
      '0s',
    ]);
  });
});

describe('DeployProgressModel: failures', () => {
  it('keeps a failed resource flagged, with its reason, through the rollback that deletes it', () => {
    const { model, setTime } = modelWithClock();
    replayScenario(model, nestedFailureRollbackScenario(), { setTime });
    const service = row(row(model.view().stacks[0], 'ServiceStack').nested, 'Service');
    expect(service.status).toBe('DELETE_COMPLETE');
    expect(service.severity).toBe('failed');
    expect(service.failure?.status).toBe('CREATE_FAILED');
    expect(service.failure?.reason).toMatch(/does not have an associated load balancer/);
  });

  it('shows "Resource creation cancelled" as the status but leaves it out of failures()', () => {
    const { model, setTime } = modelWithClock();
    replayScenario(model, nestedFailureRollbackScenario(), { setTime, until: 59 });
    const logGroup = row(row(model.view().stacks[0], 'ServiceStack').nested, 'LogGroup');
    expect(logGroup.status).toBe('CREATE_FAILED');
    expect(logGroup.severity).toBe('cancelled');
    expect(logGroup.failure).toMatchObject({ cancelled: true, reason: 'Resource creation cancelled' });
    expect(model.failures().map((f) => f.logicalId)).toEqual(['Service']);
  });

  it('lists failures oldest first with stack path, logical id, type, status and reason', () => {
    const { model, setTime } = modelWithClock();
    replayScenario(model, nestedFailureRollbackScenario(), { setTime });
    expect(
      model.failures().map(({ stackPath, logicalId, type, status }) => [stackPath, logicalId, type, status]),
    ).toEqual([
      ['MyApp/ServiceStack', 'Service', 'AWS::ECS::Service', 'CREATE_FAILED'],
      ['MyApp', 'ServiceStack', 'AWS::CloudFormation::Stack', 'CREATE_FAILED'],
    ]);
    expect(model.failures()[1]?.reason).toMatch(/^Embedded stack arn:aws:cloudformation:/);
  });

  it('reports DELETE_FAILED resources of a destroy', () => {
    const { model, setTime } = modelWithClock();
    replayScenario(model, destroyDeleteFailedScenario(), { setTime });
    const root = model.view().stacks[0];
    expect(root?.operation).toBe('destroy');
    expect(root?.status).toBe('DELETE_FAILED');
    expect(root?.severity).toBe('failed');
    const failures = model.failures();
    expect(failures.map((f) => `${f.stackPath}/${f.logicalId} ${f.status}`)).toEqual([
      'MyApp/VpcStack/Vpc DELETE_FAILED',
      'MyApp/VpcStack DELETE_FAILED',
    ]);
    expect(failures[0]?.reason).toMatch(/has dependencies and cannot be deleted/);
  });

  it('attaches the ECS rollout to the service row and to its failure', () => {
    const { model, setTime } = modelWithClock();
    replayScenario(model, circuitBreakerScenario(), { setTime });
    const service = row(row(model.view().stacks[0], 'ServiceStack').nested, 'Service');
    expect(service.rollout?.circuitBreaker).toEqual({
      enabled: true,
      rollback: true,
      failedTasks: 3,
      threshold: 3,
    });
    expect(service.rollout?.stoppedTasks.map((t) => t.taskId.slice(0, 8))).toEqual([
      '1a2b3c4d',
      '9e8d7c6b',
      '4c1f2a9e',
    ]);
    const failure = model.failures().find((f) => f.logicalId === 'Service');
    expect(failure?.rollout?.rolloutState).toBe('FAILED');
  });

  it('lists services whose rollouts show trouble, for a deploy stopped before CloudFormation failed them', () => {
    const { model, setTime } = modelWithClock();
    replayScenario(model, circuitBreakerScenario(), { setTime, until: 100 });
    expect(model.failures()).toEqual([]);
    expect(model.troubledRollouts().map((t) => [t.stackPath, t.rollout.logicalId])).toEqual([
      ['MyApp/ServiceStack', 'Service'],
    ]);
  });

  it('forgets a previous run, nested stacks and failures included, when the same stack starts again', () => {
    const { model, setTime } = modelWithClock();
    replayScenario(model, destroyDeleteFailedScenario(), { setTime });
    expect(model.failures()).toHaveLength(2);
    model.stackStarted({ stackName: ROOT, isUpdate: false, operation: 'destroy' });
    const view = model.view();
    expect(view.stacks.map((s) => [s.stackName, s.resources.length, s.finished])).toEqual([
      [ROOT, 0, undefined],
    ]);
    expect(view.unattached).toEqual([]);
    expect(model.failures()).toEqual([]);
  });

  it('passes events without a status (hook invocations) to listeners and changes nothing', () => {
    const { model } = modelWithClock();
    const updates: ProgressUpdate[] = [];
    model.stackStarted({ stackName: ROOT, isUpdate: false, operation: 'deploy' });
    model.subscribe((u) => updates.push(u));
    model.event({
      StackId:
        'arn:aws:cloudformation:us-east-1:123456789012:stack/MyApp/0f0e0d0c-0000-4000-8000-000000000001',
      StackName: ROOT,
      EventId: '6d1f2e3a-hook',
      LogicalResourceId: 'Bucket',
      ResourceType: 'AWS::S3::Bucket',
      HookType: 'Private::Guard::Check',
      HookStatus: 'HOOK_IN_PROGRESS',
      Timestamp: SCENARIO_START,
    });
    expect(updates).toHaveLength(1);
    expect(updates[0]?.changes).toEqual([]);
    expect(model.view().stacks[0]?.resources).toEqual([]);
  });
});

describe('status and text helpers', () => {
  it('classifies statuses: FAILED is a failure, ROLLBACK a warning, cancellations are noise', () => {
    expect(
      [
        ['CREATE_IN_PROGRESS'],
        ['CREATE_COMPLETE'],
        ['CREATE_FAILED', 'Resource handler returned message: "boom"'],
        ['CREATE_FAILED', 'Resource creation cancelled'],
        ['UPDATE_FAILED', 'Resource update cancelled'],
        ['ROLLBACK_IN_PROGRESS'],
        ['UPDATE_ROLLBACK_COMPLETE'],
        ['UPDATE_ROLLBACK_FAILED'],
        ['DELETE_SKIPPED'],
        ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'],
        [undefined],
      ].map(([status, reason]) => statusSeverity(status, reason)),
    ).toEqual([
      'progress',
      'complete',
      'failed',
      'cancelled',
      'cancelled',
      'rollback',
      'rollback',
      'failed',
      'skipped',
      'progress',
      'pending',
    ]);
  });

  it('strips terminal escapes and control characters from container output', () => {
    expect(sanitizeLine('\u001b[31merror\u001b[0m:\tbad\r\nthing\u0007 ')).toBe('error:  bad thing');
  });

  it('shortens stack ARNs in reasons to stack names', () => {
    expect(
      displayReason(
        `Embedded stack arn:aws:cloudformation:us-east-1:123456789012:stack/${SERVICE_STACK}/0a1b2c3d-aaaa-4bbb-8ccc-0d1e2f3a4b5c was not successfully created: x`,
      ),
    ).toBe(`Embedded stack ${SERVICE_STACK} was not successfully created: x`);
  });

  it('describes a stopped task with its exit codes', () => {
    const base = { taskId: 't', stoppedReason: 'Essential container in task exited', logLines: [] };
    expect(stoppedTaskReason({ ...base, containers: [{ name: 'web', exitCode: 1 }] })).toBe(
      'Essential container in task exited (exit 1)',
    );
    expect(
      stoppedTaskReason({
        ...base,
        containers: [
          { name: 'web', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
          { name: 'log-router', exitCode: 0 },
          { name: 'init' },
        ],
      }),
    ).toBe(
      'Essential container in task exited (web exit 137: OutOfMemoryError: Container killed due to memory usage, log-router exit 0)',
    );
    expect(
      stoppedTaskReason({
        taskId: 't',
        stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 7 time(s): not found',
        containers: [{ name: 'web' }],
        logLines: [],
      }),
    ).toBe('CannotPullContainerError: pull image manifest has been retried 7 time(s): not found');
  });
});
