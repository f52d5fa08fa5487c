import { describe, expect, it } from 'vitest';
import {
  circuitBreakerScenario,
  DeployProgressModel,
  type JsonProgressRecord,
  JsonRenderer,
  nestedFailureRollbackScenario,
  type ProgressScenario,
  replayScenario,
  successfulCreateScenario,
} from '../../../src/deploy/progress/index.js';

function jsonOf(scenario: ProgressScenario): JsonProgressRecord[] {
  let time = scenario.start.getTime();
  const model = new DeployProgressModel({ now: () => time });
  let text = '';
  new JsonRenderer(model, { write: (s) => (text += s) });
  replayScenario(model, scenario, { setTime: (ms) => (time = ms) });
  const lines = text.split('\n');
  expect(lines.pop()).toBe('');
  return lines.map((line) => JSON.parse(line) as JsonProgressRecord);
}

describe('JsonRenderer: JSON lines for --json', () => {
  it('writes one object per input: stack start, every stack event, every rollout snapshot, the finish', () => {
    const scenario = successfulCreateScenario();
    const records = jsonOf(scenario);
    expect(records).toHaveLength(scenario.steps.length);
    expect(records.map((r) => r.type)).toEqual(
      scenario.steps.map((s) => (s.input.kind === 'stack-started' ? 'stack-started' : s.input.kind)),
    );
  });

  it('describes a stack start', () => {
    expect(jsonOf(successfulCreateScenario())[0]).toEqual({
      type: 'stack-started',
      time: '2026-03-02T12:00:00.000Z',
      stackName: 'MyApp',
      operation: 'deploy',
      isUpdate: false,
      resourcesTotal: 2,
    });
  });

  it('describes a stack event with its stack path, severity and elapsed time; absent values are null', () => {
    const records = jsonOf(nestedFailureRollbackScenario());
    const failed = records.find(
      (r) => r.type === 'event' && r.logicalId === 'Service' && r.status === 'CREATE_FAILED',
    );
    expect(failed).toEqual({
      type: 'event',
      time: '2026-03-02T12:00:58.000Z',
      eventId: 'Service-CREATE_FAILED-2026-03-02T12:00:58.000Z',
      timestamp: '2026-03-02T12:00:58.000Z',
      stackName: 'MyApp-ServiceStack-9HF3BM2LQ0VWE',
      stackId: expect.stringMatching(
        /^arn:aws:cloudformation:us-east-1:123456789012:stack\/MyApp-ServiceStack-9HF3BM2LQ0VWE\/[0-9a-f-]{36}$/,
      ),
      stackPath: 'MyApp/ServiceStack',
      logicalId: 'Service',
      physicalId: null,
      resourceType: 'AWS::ECS::Service',
      status: 'CREATE_FAILED',
      reason: expect.stringContaining('does not have an associated load balancer'),
      severity: 'failed',
      elapsedMs: 2000,
    });
    const cancelled = records.find(
      (r) => r.type === 'event' && r.logicalId === 'LogGroup' && r.status === 'CREATE_FAILED',
    );
    expect(cancelled).toMatchObject({ severity: 'cancelled', reason: 'Resource creation cancelled' });
  });

  it('describes a rollout snapshot with stopped tasks, exit codes and log lines', () => {
    const records = jsonOf(circuitBreakerScenario());
    const rollouts = records.filter((r) => r.type === 'rollout');
    expect(rollouts).toHaveLength(4);
    const last = rollouts.at(-1);
    expect(last).toMatchObject({
      stackPath: 'MyApp/ServiceStack',
      logicalId: 'Service',
      serviceName: 'my-api',
      running: 0,
      desired: 2,
      pending: 0,
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
      circuitBreaker: { enabled: true, rollback: true, failedTasks: 3, threshold: 3 },
    });
    if (last?.type !== 'rollout') throw new Error('not a rollout');
    expect(last.stoppedTasks[0]).toEqual({
      taskId: '1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6',
      stoppedReason: 'Essential container in task exited',
      stoppedAt: '2026-03-02T12:02:27.000Z',
      containers: [{ name: 'web', exitCode: 1, reason: null }],
      logLines: expect.arrayContaining(['Error: connect ECONNREFUSED 10.0.3.17:5432']),
    });
  });

  it('ends with the finish and the failures of that stack, cancellations left out', () => {
    const records = jsonOf(nestedFailureRollbackScenario());
    expect(records.at(-1)).toEqual({
      type: 'finished',
      time: '2026-03-02T12:01:27.000Z',
      stackName: 'MyApp',
      ok: false,
      message: null,
      elapsedMs: 87_000,
      failures: [
        {
          stackPath: 'MyApp/ServiceStack',
          logicalId: 'Service',
          type: 'AWS::ECS::Service',
          status: 'CREATE_FAILED',
          reason: expect.stringContaining('Invalid request provided'),
          at: '2026-03-02T12:00:58.000Z',
        },
        {
          stackPath: 'MyApp',
          logicalId: 'ServiceStack',
          type: 'AWS::CloudFormation::Stack',
          status: 'CREATE_FAILED',
          reason: expect.stringContaining('was not successfully created'),
          at: '2026-03-02T12:01:09.000Z',
        },
      ],
    });
  });

  it('does not repeat an event CloudFormation returned twice', () => {
    let time = 0;
    const model = new DeployProgressModel({ now: () => time });
    const lines: string[] = [];
    new JsonRenderer(model, { write: (s) => lines.push(s) });
    const scenario = successfulCreateScenario();
    replayScenario(model, scenario, { setTime: (ms) => (time = ms), until: 10 });
    const count = lines.length;
    replayScenario(model, scenario, { setTime: (ms) => (time = ms), after: 0, until: 10 });
    expect(lines).toHaveLength(count);
  });
});
