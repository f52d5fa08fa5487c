import { describe, expect, it } from 'vitest';
import {
  circuitBreakerScenario,
  DeployProgressModel,
  destroyDeleteFailedScenario,
  LogRenderer,
  nestedFailureRollbackScenario,
  type ProgressScenario,
  ROOT,
  replayScenario,
  SCENARIO_START,
  StackEventScript,
  successfulCreateScenario,
} from '../../../src/deploy/progress/index.js';

/** Replays a scenario on a fake clock into a LogRenderer (UTC stamps) and returns the lines written. */
function logOf(scenario: ProgressScenario, until?: number): string[] {
  let time = scenario.start.getTime();
  const model = new DeployProgressModel({ now: () => time });
  let text = '';
  new LogRenderer(model, { write: (s) => (text += s), isTTY: false }, { timeZone: 'utc' });
  replayScenario(model, scenario, { setTime: (ms) => (time = ms), until });
  expect(text.endsWith('\n')).toBe(true);
  return text.split('\n').slice(0, -1);
}

describe('LogRenderer: one line per status change, for CI logs', () => {
  it('logs a successful create of a parent stack with two nested stacks', () => {
    expect(logOf(successfulCreateScenario())).toEqual([
      '12:00:00  Deploying MyApp (2 resources)',
      '12:00:01  MyApp  CloudFormation::Stack  CREATE_IN_PROGRESS',
      '12:00:04  VpcStack  CloudFormation::Stack  CREATE_IN_PROGRESS',
      '12:00:08  VpcStack/Vpc  EC2::VPC  CREATE_IN_PROGRESS',
      '12:00:08  VpcStack/InternetGateway  EC2::InternetGateway  CREATE_IN_PROGRESS',
      '12:00:20  VpcStack/Vpc  EC2::VPC  CREATE_COMPLETE  (12s)',
      '12:00:21  VpcStack/PublicSubnet1  EC2::Subnet  CREATE_IN_PROGRESS',
      '12:00:23  VpcStack/InternetGateway  EC2::InternetGateway  CREATE_COMPLETE  (15s)',
      '12:00:26  VpcStack/PublicSubnet1  EC2::Subnet  CREATE_COMPLETE  (5s)',
      '12:00:30  VpcStack  CloudFormation::Stack  CREATE_COMPLETE  (26s)',
      '12:00:32  ServiceStack  CloudFormation::Stack  CREATE_IN_PROGRESS',
      '12:00:35  ServiceStack/LogGroup  Logs::LogGroup  CREATE_IN_PROGRESS',
      '12:00:35  ServiceStack/TaskRole  IAM::Role  CREATE_IN_PROGRESS',
      '12:00:37  ServiceStack/LogGroup  Logs::LogGroup  CREATE_COMPLETE  (2s)',
      '12:00:52  ServiceStack/TaskRole  IAM::Role  CREATE_COMPLETE  (17s)',
      '12:00:53  ServiceStack/TaskDefinition  ECS::TaskDefinition  CREATE_IN_PROGRESS',
      '12:00:55  ServiceStack/TaskDefinition  ECS::TaskDefinition  CREATE_COMPLETE  (2s)',
      '12:00:56  ServiceStack/Service  ECS::Service  CREATE_IN_PROGRESS',
      '12:01:07  ServiceStack/Service  ECS::Service  CREATE_IN_PROGRESS  (11s)',
      '  └ tasks 0/2 running, 2 pending · rollout IN_PROGRESS · circuit breaker 0/3 failed',
      '12:01:37  ServiceStack/Service  ECS::Service  CREATE_IN_PROGRESS  (41s)',
      '  └ tasks 1/2 running, 1 pending · rollout IN_PROGRESS · circuit breaker 0/3 failed',
      '12:01:52  ServiceStack/Service  ECS::Service  CREATE_IN_PROGRESS  (56s)',
      '  └ tasks 2/2 running · rollout COMPLETED · circuit breaker 0/3 failed',
      '12:01:58  ServiceStack/Service  ECS::Service  CREATE_COMPLETE  (1m02s)',
      '12:02:02  ServiceStack  CloudFormation::Stack  CREATE_COMPLETE  (1m30s)',
      '12:02:04  MyApp  CloudFormation::Stack  CREATE_COMPLETE',
      '12:02:05  Deployed MyApp in 2m05s',
    ]);
  });

  it('logs a failed resource in a nested stack, its reason, and the rollback of both stacks', () => {
    const lines = logOf(nestedFailureRollbackScenario());
    expect(lines.slice(16)).toEqual([
      '12:00:56  ServiceStack/Service  ECS::Service  CREATE_IN_PROGRESS',
      '12:00:58  ServiceStack/Service  ECS::Service  CREATE_FAILED  (2s)  Resource handler returned message: "Invalid request provided: CreateService error: The target group with targetGroupArn arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/MyApp-Targets/6d0ecf831eec9f09 does not have an associated load balancer." (RequestToken: 5f1d1b9e-2a83-4d0c-b0d6-3c1f0c7c9a11, HandlerErrorCode: InvalidRequest)',
      '12:00:59  ServiceStack/LogGroup  Logs::LogGroup  CREATE_FAILED  (24s)  Resource creation cancelled',
      '12:01:00  ServiceStack  CloudFormation::Stack  ROLLBACK_IN_PROGRESS  The following resource(s) failed to create: [LogGroup, Service]. Rollback requested by user.',
      '12:01:01  ServiceStack/Service  ECS::Service  DELETE_IN_PROGRESS  (5s)',
      '12:01:02  ServiceStack/Service  ECS::Service  DELETE_COMPLETE  (6s)',
      '12:01:02  ServiceStack/TaskDefinition  ECS::TaskDefinition  DELETE_IN_PROGRESS  (9s)',
      '12:01:02  ServiceStack/LogGroup  Logs::LogGroup  DELETE_IN_PROGRESS  (27s)',
      '12:01:03  ServiceStack/LogGroup  Logs::LogGroup  DELETE_COMPLETE  (28s)',
      '12:01:04  ServiceStack/TaskDefinition  ECS::TaskDefinition  DELETE_COMPLETE  (11s)',
      '12:01:05  ServiceStack/TaskRole  IAM::Role  DELETE_IN_PROGRESS  (30s)',
      '12:01:07  ServiceStack/TaskRole  IAM::Role  DELETE_COMPLETE  (32s)',
      '12:01:08  ServiceStack  CloudFormation::Stack  ROLLBACK_COMPLETE',
      '12:01:09  ServiceStack  CloudFormation::Stack  CREATE_FAILED  (37s)  Embedded stack MyApp-ServiceStack-9HF3BM2LQ0VWE was not successfully created: The following resource(s) failed to create: [LogGroup, Service].',
      '12:01:10  MyApp  CloudFormation::Stack  ROLLBACK_IN_PROGRESS  The following resource(s) failed to create: [ServiceStack]. Rollback requested by user.',
      '12:01:12  ServiceStack  CloudFormation::Stack  DELETE_IN_PROGRESS  (40s)',
      '12:01:15  ServiceStack  CloudFormation::Stack  DELETE_COMPLETE  (43s)',
      '12:01:16  VpcStack  CloudFormation::Stack  DELETE_IN_PROGRESS  (1m12s)',
      '12:01:17  VpcStack/PublicSubnet1  EC2::Subnet  DELETE_IN_PROGRESS  (56s)',
      '12:01:17  VpcStack/InternetGateway  EC2::InternetGateway  DELETE_IN_PROGRESS  (1m09s)',
      '12:01:19  VpcStack/PublicSubnet1  EC2::Subnet  DELETE_COMPLETE  (58s)',
      '12:01:20  VpcStack/InternetGateway  EC2::InternetGateway  DELETE_COMPLETE  (1m12s)',
      '12:01:20  VpcStack/Vpc  EC2::VPC  DELETE_IN_PROGRESS  (1m12s)',
      '12:01:22  VpcStack/Vpc  EC2::VPC  DELETE_COMPLETE  (1m14s)',
      '12:01:24  VpcStack  CloudFormation::Stack  DELETE_COMPLETE  (1m20s)',
      '12:01:25  MyApp  CloudFormation::Stack  ROLLBACK_COMPLETE',
      '12:01:27  Deploy of MyApp failed after 1m27s (ROLLBACK_COMPLETE)',
    ]);
  });

  it('logs the ECS rollout under the service: tasks, circuit breaker, new stopped tasks and their last log lines', () => {
    const lines = logOf(circuitBreakerScenario());
    const from = lines.indexOf('12:00:56  ServiceStack/Service  ECS::Service  CREATE_IN_PROGRESS');
    expect(lines.slice(from, from + 23)).toEqual([
      '12:00:56  ServiceStack/Service  ECS::Service  CREATE_IN_PROGRESS',
      '12:01:07  ServiceStack/Service  ECS::Service  CREATE_IN_PROGRESS  (11s)',
      '  └ tasks 0/2 running, 2 pending · rollout IN_PROGRESS · circuit breaker 0/3 failed',
      '12:01:37  ServiceStack/Service  ECS::Service  CREATE_IN_PROGRESS  (41s)',
      '  └ tasks 0/2 running, 2 pending · rollout IN_PROGRESS · circuit breaker 1/3 failed',
      '  └ task 4c1f2a9e stopped: Essential container in task exited (exit 1)',
      '      │ > node dist/server.js',
      '      │ listening on :8080',
      '      │ Error: connect ECONNREFUSED 10.0.3.17:5432',
      '      │     at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)',
      '      │ fatal: database unreachable, exiting',
      '12:02:07  ServiceStack/Service  ECS::Service  CREATE_IN_PROGRESS  (1m11s)',
      '  └ tasks 0/2 running, 1 pending · rollout IN_PROGRESS · circuit breaker 2/3 failed',
      '  └ task 9e8d7c6b stopped: Essential container in task exited (exit 1)',
      '      │ (same log lines as task 4c1f2a9e)',
      '12:02:32  ServiceStack/Service  ECS::Service  CREATE_IN_PROGRESS  (1m36s)',
      '  └ tasks 0/2 running · rollout FAILED · circuit breaker 3/3 failed',
      '  └ rollout failed: ECS deployment circuit breaker: tasks failed to start.',
      '  └ task 1a2b3c4d stopped: Essential container in task exited (exit 1)',
      '      │ (same log lines as task 9e8d7c6b)',
      '12:02:34  ServiceStack/Service  ECS::Service  CREATE_FAILED  (1m38s)  Resource handler returned message: "Error occurred during operation \'ECS Deployment Circuit Breaker was triggered\'." (RequestToken: 0b6c2f4e-91d7-4a3e-8f25-6e0d9b7a1c38, HandlerErrorCode: GeneralServiceException)',
      '12:02:35  ServiceStack  CloudFormation::Stack  ROLLBACK_IN_PROGRESS  The following resource(s) failed to create: [Service]. Rollback requested by user.',
      '12:02:36  ServiceStack/Service  ECS::Service  DELETE_IN_PROGRESS  (1m40s)',
    ]);
    expect(lines.at(-1)).toBe(
      '12:03:02  Deploy of MyApp failed after 3m02s (ROLLBACK_COMPLETE): The deployment circuit breaker stopped the rollout of ServiceStack/Service: its tasks keep exiting.',
    );
  });

  it('logs a destroy that cannot delete a resource, with the reason', () => {
    expect(logOf(destroyDeleteFailedScenario())).toEqual([
      '12:00:00  Destroying MyApp (2 resources)',
      '12:00:01  MyApp  CloudFormation::Stack  DELETE_IN_PROGRESS',
      '12:00:03  ServiceStack  CloudFormation::Stack  DELETE_IN_PROGRESS',
      '12:00:05  ServiceStack/Service  ECS::Service  DELETE_IN_PROGRESS',
      '12:00:38  ServiceStack/Service  ECS::Service  DELETE_COMPLETE  (33s)',
      '12:00:39  ServiceStack/TaskDefinition  ECS::TaskDefinition  DELETE_IN_PROGRESS',
      '12:00:39  ServiceStack/LogGroup  Logs::LogGroup  DELETE_IN_PROGRESS',
      '12:00:40  ServiceStack/LogGroup  Logs::LogGroup  DELETE_COMPLETE  (1s)',
      '12:00:41  ServiceStack/TaskDefinition  ECS::TaskDefinition  DELETE_COMPLETE  (2s)',
      '12:00:42  ServiceStack/TaskRole  IAM::Role  DELETE_IN_PROGRESS',
      '12:00:44  ServiceStack/TaskRole  IAM::Role  DELETE_COMPLETE  (2s)',
      '12:00:46  ServiceStack  CloudFormation::Stack  DELETE_COMPLETE  (43s)',
      '12:00:47  VpcStack  CloudFormation::Stack  DELETE_IN_PROGRESS',
      '12:00:48  VpcStack/PublicSubnet1  EC2::Subnet  DELETE_IN_PROGRESS',
      '12:00:48  VpcStack/InternetGateway  EC2::InternetGateway  DELETE_IN_PROGRESS',
      '12:00:50  VpcStack/InternetGateway  EC2::InternetGateway  DELETE_COMPLETE  (2s)',
      '12:00:51  VpcStack/PublicSubnet1  EC2::Subnet  DELETE_COMPLETE  (3s)',
      '12:00:52  VpcStack/Vpc  EC2::VPC  DELETE_IN_PROGRESS',
      '12:00:53  VpcStack/Vpc  EC2::VPC  DELETE_FAILED  (1s)  Resource handler returned message: "The vpc \'vpc-0a1b2c3d4e5f67890\' has dependencies and cannot be deleted. (Service: Ec2, Status Code: 400, Request ID: 7f3b9c1e-2d4a-4b8e-9f6c-0a1d2e3f4b5c)" (RequestToken: c2a7e9d1-5b3f-4e8a-9c6d-1f0e2d3c4b5a, HandlerErrorCode: InvalidRequest)',
      '12:00:55  VpcStack  CloudFormation::Stack  DELETE_FAILED  (8s)  Embedded stack MyApp-VpcStack-1R4XQZ8N2K7JD was not successfully deleted: The following resource(s) failed to delete: [Vpc].',
      '12:00:56  MyApp  CloudFormation::Stack  DELETE_FAILED  The following resource(s) failed to delete: [VpcStack].',
      '12:00:57  Destroy of MyApp failed after 57s (DELETE_FAILED)',
    ]);
  });

  it('writes no ANSI escape codes', () => {
    const text = logOf(circuitBreakerScenario()).join('\n');
    expect(text).not.toContain('\u001b');
  });

  it('logs a rollout snapshot only when something in it changed', () => {
    const scenario = successfulCreateScenario();
    const snapshot = scenario.steps.find((s) => s.input.kind === 'rollout');
    if (snapshot?.input.kind !== 'rollout') throw new Error('no rollout in scenario');
    let time = scenario.start.getTime();
    const model = new DeployProgressModel({ now: () => time });
    const lines: string[] = [];
    new LogRenderer(model, { write: (s) => lines.push(...s.split('\n').slice(0, -1)) }, { timeZone: 'utc' });
    replayScenario(model, scenario, { setTime: (ms) => (time = ms), until: 70 });
    const before = lines.length;
    model.rollout(snapshot.input.rollout);
    model.rollout({ ...snapshot.input.rollout });
    expect(lines.length).toBe(before);
    model.rollout({ ...snapshot.input.rollout, running: 1, pending: 1 });
    expect(lines.slice(before)).toEqual([
      '12:01:07  ServiceStack/Service  ECS::Service  CREATE_IN_PROGRESS  (11s)',
      '  └ tasks 1/2 running, 1 pending · rollout IN_PROGRESS · circuit breaker 0/3 failed',
    ]);
  });

  it('keeps the root stack name in paths when several root stacks are deployed together', () => {
    let time = SCENARIO_START.getTime();
    const model = new DeployProgressModel({ now: () => time });
    let text = '';
    new LogRenderer(model, { write: (s) => (text += s) }, { timeZone: 'utc' });
    const s = new StackEventScript(SCENARIO_START);
    s.started(0, { stackName: ROOT, isUpdate: true, resourcesTotal: 1, operation: 'deploy' });
    s.started(0, { stackName: 'MyAppDns', isUpdate: false, operation: 'deploy' });
    s.resource(2, ROOT, 'Queue', 'AWS::SQS::Queue', 'UPDATE_IN_PROGRESS', { physicalId: 'q' });
    s.resource(3, 'MyAppDns', 'Record', 'AWS::Route53::RecordSet', 'CREATE_IN_PROGRESS');
    replayScenario(model, s.build('two roots'), { setTime: (ms) => (time = ms) });
    expect(text.split('\n').slice(0, -1)).toEqual([
      '12:00:00  Updating MyApp (1 resources)',
      '12:00:00  Deploying MyAppDns',
      '12:00:02  MyApp/Queue  SQS::Queue  UPDATE_IN_PROGRESS',
      '12:00:03  MyAppDns/Record  Route53::RecordSet  CREATE_IN_PROGRESS',
    ]);
  });
});
