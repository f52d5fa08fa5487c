/**
 * Scripted deploys and destroys, as realistic sequences of progress inputs: CloudFormation stack
 * events shaped like `DescribeStackEvents` returns them (ARNs, `EventId`s, empty physical ids on
 * the first `CREATE_IN_PROGRESS`, the reasons CloudFormation gives) and ECS rollout snapshots.
 *
 * They specify the progress view in the tests, draw the README's screenshot, and can be served by
 * a fake CloudFormation endpoint. Every scenario deploys `MyApp`, Wharf's nested layout in small:
 * a `VpcStack` and a `ServiceStack` nested stack.
 *
 * @module
 */

import type { StackEvent } from '@aws-sdk/client-cloudformation';
import { DeployProgressModel } from './model.js';
import { renderViewText, SPINNER_FRAMES } from './render-text.js';
import type { ProgressInput, ServiceRollout, StackFinish, StackStart, StoppedTask } from './types.js';

/** One input of a scenario, `at` seconds after its start. */
export interface ScenarioStep {
  readonly at: number;
  readonly input: ProgressInput;
}

/** A scripted run: inputs in the order the deploy code would feed them. */
export interface ProgressScenario {
  readonly name: string;
  /** The instant second 0 stands for. */
  readonly start: Date;
  readonly steps: readonly ScenarioStep[];
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/**
 * Builds scripted stack events for one root stack and its nested stacks. Times are seconds from
 * `start`; ARNs, event ids and request tokens are derived from the names, so scripts are
 * deterministic.
 */
export class StackEventScript {
  readonly steps: ScenarioStep[] = [];
  private readonly arns = new Map<string, string>();
  private counter = 0;

  constructor(readonly start: Date) {}

  /** The ARN of a stack, stable per name. */
  stackArn(stackName: string): string {
    let arn = this.arns.get(stackName);
    if (!arn) {
      arn = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${stackName}/${uuidFrom(stackName)}`;
      this.arns.set(stackName, arn);
    }
    return arn;
  }

  /** `StackStart` input. */
  started(at: number, start: StackStart): this {
    this.steps.push({ at, input: { kind: 'stack-started', start } });
    return this;
  }

  /** An event for the stack's own status. */
  stack(at: number, stackName: string, status: string, reason?: string): this {
    return this.push(at, {
      StackId: this.stackArn(stackName),
      EventId: uuidFrom(`${stackName}#${this.counter++}`),
      StackName: stackName,
      LogicalResourceId: stackName,
      PhysicalResourceId: this.stackArn(stackName),
      ResourceType: 'AWS::CloudFormation::Stack',
      Timestamp: this.time(at),
      ResourceStatus: status as StackEvent['ResourceStatus'],
      ResourceStatusReason: reason,
    });
  }

  /**
   * An event for a resource of `stackName`. `physicalId` defaults to `''`, as CloudFormation
   * reports it before the resource exists.
   */
  resource(
    at: number,
    stackName: string,
    logicalId: string,
    type: string,
    status: string,
    options: { reason?: string; physicalId?: string } = {},
  ): this {
    const timestamp = this.time(at);
    return this.push(at, {
      StackId: this.stackArn(stackName),
      EventId: `${logicalId}-${status}-${timestamp.toISOString()}`,
      StackName: stackName,
      LogicalResourceId: logicalId,
      PhysicalResourceId: options.physicalId ?? '',
      ResourceType: type,
      Timestamp: timestamp,
      ResourceStatus: status as StackEvent['ResourceStatus'],
      ResourceStatusReason: options.reason,
      ResourceProperties: status.endsWith('_IN_PROGRESS') && !options.physicalId ? '{}' : undefined,
    });
  }

  /** Events for a nested-stack resource being created and its stack starting. */
  nestedCreateStarted(at: number, parent: string, logicalId: string, nestedName: string): this {
    this.resource(at, parent, logicalId, 'AWS::CloudFormation::Stack', 'CREATE_IN_PROGRESS');
    this.resource(at + 1, parent, logicalId, 'AWS::CloudFormation::Stack', 'CREATE_IN_PROGRESS', {
      reason: 'Resource creation Initiated',
      physicalId: this.stackArn(nestedName),
    });
    return this.stack(at + 1, nestedName, 'CREATE_IN_PROGRESS', 'User Initiated');
  }

  /** `CREATE_IN_PROGRESS`, `… Resource creation Initiated` with the physical id, `CREATE_COMPLETE`. */
  created(
    at: number,
    done: number,
    stackName: string,
    logicalId: string,
    type: string,
    physicalId: string,
  ): this {
    this.resource(at, stackName, logicalId, type, 'CREATE_IN_PROGRESS');
    this.resource(at + 1, stackName, logicalId, type, 'CREATE_IN_PROGRESS', {
      reason: 'Resource creation Initiated',
      physicalId,
    });
    return this.resource(done, stackName, logicalId, type, 'CREATE_COMPLETE', { physicalId });
  }

  /** `DELETE_IN_PROGRESS` then `DELETE_COMPLETE`. */
  deleted(
    at: number,
    done: number,
    stackName: string,
    logicalId: string,
    type: string,
    physicalId: string,
  ): this {
    this.resource(at, stackName, logicalId, type, 'DELETE_IN_PROGRESS', { physicalId });
    return this.resource(done, stackName, logicalId, type, 'DELETE_COMPLETE', { physicalId });
  }

  /** A rollout snapshot. */
  rollout(at: number, rollout: ServiceRollout): this {
    this.steps.push({ at, input: { kind: 'rollout', rollout } });
    return this;
  }

  /** `StackFinish` input. */
  finished(at: number, finish: StackFinish): this {
    this.steps.push({ at, input: { kind: 'finished', finish } });
    return this;
  }

  /** The script as a scenario, steps sorted by time (stable). */
  build(name: string): ProgressScenario {
    const steps = this.steps.map((step, index) => ({ step, index }));
    steps.sort((a, b) => a.step.at - b.step.at || a.index - b.index);
    return { name, start: this.start, steps: steps.map(({ step }) => step) };
  }

  private push(at: number, event: StackEvent): this {
    this.steps.push({ at, input: { kind: 'event', event } });
    return this;
  }

  private time(at: number): Date {
    return new Date(this.start.getTime() + at * 1000);
  }
}

/**
 * Feeds a scenario's steps to a model, calling `setTime` with each step's instant first (so a
 * fake clock follows the script). Only steps after `after` seconds (exclusive) and up to `until`
 * seconds (inclusive) are fed, so a run can be replayed in parts.
 */
export function replayScenario(
  model: DeployProgressModel,
  scenario: ProgressScenario,
  options: { readonly setTime?: (ms: number) => void; readonly after?: number; readonly until?: number } = {},
): void {
  for (const step of scenario.steps) {
    if (options.after !== undefined && step.at <= options.after) continue;
    if (options.until !== undefined && step.at > options.until) break;
    options.setTime?.(scenario.start.getTime() + step.at * 1000);
    const input = step.input;
    switch (input.kind) {
      case 'stack-started':
        model.stackStarted(input.start);
        break;
      case 'event':
        model.event(input.event);
        break;
      case 'rollout':
        model.rollout(input.rollout);
        break;
      case 'finished':
        model.finished(input.finish);
        break;
    }
  }
}

/** Options of {@link renderScenarioFrame}. */
export interface ScenarioFrameOptions {
  /** Seconds into the scenario; default: its end. */
  readonly at?: number;
  /** Terminal width; lines are cut to it. */
  readonly columns?: number;
  /** Terminal height; completed rows collapse to fit. */
  readonly rows?: number;
  /** ANSI colours; default true. */
  readonly color?: boolean;
}

/**
 * The live view of a scenario at one instant, as the terminal shows it (ANSI colours, no cursor
 * movement), e.g. for the README's screenshot:
 *
 * ```sh
 * npx tsx -e "import('./src/deploy/progress/index.ts').then((m) => process.stdout.write(
 *   m.renderScenarioFrame(m.circuitBreakerScenario(), { at: 150, columns: 96 })))" \
 *   | npx tsx scripts/terminal-svg.ts - deploy-progress.svg --title 'wharf deploy' --columns 96
 * ```
 */
export function renderScenarioFrame(scenario: ProgressScenario, options: ScenarioFrameOptions = {}): string {
  let time = scenario.start.getTime();
  const model = new DeployProgressModel({ now: () => time });
  replayScenario(model, scenario, { until: options.at, setTime: (ms) => (time = ms) });
  if (options.at !== undefined) time = scenario.start.getTime() + options.at * 1000;
  return renderViewText(model.view(), {
    columns: options.columns,
    maxLines: options.rows !== undefined ? Math.max(1, options.rows - 1) : undefined,
    color: options.color ?? true,
    spinner: SPINNER_FRAMES[0],
  });
}

/** The instant every scenario starts at: 2026-03-02 12:00:00 UTC. */
export const SCENARIO_START = new Date(Date.UTC(2026, 2, 2, 12, 0, 0));

/** The root stack of every scenario. */
export const ROOT = 'MyApp';
/** The nested stacks' names, as CloudFormation generates them. */
export const VPC_STACK = 'MyApp-VpcStack-1R4XQZ8N2K7JD';
export const SERVICE_STACK = 'MyApp-ServiceStack-9HF3BM2LQ0VWE';

const SERVICE_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/MyApp-Cluster-Rf2kqA/my-api`;

function vpcStackCreated(script: StackEventScript, at: number): number {
  script.nestedCreateStarted(at, ROOT, 'VpcStack', VPC_STACK);
  script.created(at + 4, at + 16, VPC_STACK, 'Vpc', 'AWS::EC2::VPC', 'vpc-0a1b2c3d4e5f67890');
  script.created(
    at + 4,
    at + 19,
    VPC_STACK,
    'InternetGateway',
    'AWS::EC2::InternetGateway',
    'igw-04c2e7a9d1b3f5068',
  );
  script.created(
    at + 17,
    at + 22,
    VPC_STACK,
    'PublicSubnet1',
    'AWS::EC2::Subnet',
    'subnet-0f1e2d3c4b5a69788',
  );
  script.stack(at + 24, VPC_STACK, 'CREATE_COMPLETE');
  script.resource(at + 26, ROOT, 'VpcStack', 'AWS::CloudFormation::Stack', 'CREATE_COMPLETE', {
    physicalId: script.stackArn(VPC_STACK),
  });
  return at + 26;
}

function serviceStackStarted(script: StackEventScript, at: number): number {
  script.nestedCreateStarted(at, ROOT, 'ServiceStack', SERVICE_STACK);
  script.created(
    at + 3,
    at + 5,
    SERVICE_STACK,
    'LogGroup',
    'AWS::Logs::LogGroup',
    'MyApp-ServiceStack-LogGroup',
  );
  script.created(
    at + 3,
    at + 20,
    SERVICE_STACK,
    'TaskRole',
    'AWS::IAM::Role',
    'MyApp-ServiceStack-TaskRole-8JQX2',
  );
  script.created(
    at + 21,
    at + 23,
    SERVICE_STACK,
    'TaskDefinition',
    'AWS::ECS::TaskDefinition',
    `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/MyAppServiceStackTaskDefinition:1`,
  );
  script.resource(at + 24, SERVICE_STACK, 'Service', 'AWS::ECS::Service', 'CREATE_IN_PROGRESS');
  script.resource(at + 25, SERVICE_STACK, 'Service', 'AWS::ECS::Service', 'CREATE_IN_PROGRESS', {
    reason: 'Resource creation Initiated',
    physicalId: SERVICE_ARN,
  });
  return at + 25;
}

function rollout(
  partial: Partial<ServiceRollout> & Pick<ServiceRollout, 'running' | 'pending'>,
  script: StackEventScript,
): ServiceRollout {
  return {
    stackId: script.stackArn(SERVICE_STACK),
    logicalId: 'Service',
    serviceName: 'my-api',
    desired: 2,
    rolloutState: 'IN_PROGRESS',
    circuitBreaker: { enabled: true, rollback: true, failedTasks: 0, threshold: 3 },
    stoppedTasks: [],
    ...partial,
  };
}

/** A create of `MyApp` with its two nested stacks that succeeds; the service comes up 2/2. */
export function successfulCreateScenario(): ProgressScenario {
  const s = new StackEventScript(SCENARIO_START);
  s.started(0, { stackName: ROOT, isUpdate: false, resourcesTotal: 2, operation: 'deploy' });
  s.stack(1, ROOT, 'CREATE_IN_PROGRESS', 'User Initiated');
  const vpcDone = vpcStackCreated(s, 4);
  const serviceAt = serviceStackStarted(s, vpcDone + 2);
  s.rollout(serviceAt + 10, rollout({ running: 0, pending: 2 }, s));
  s.rollout(serviceAt + 40, rollout({ running: 1, pending: 1 }, s));
  s.rollout(serviceAt + 55, rollout({ running: 2, pending: 0, rolloutState: 'COMPLETED' }, s));
  s.resource(serviceAt + 61, SERVICE_STACK, 'Service', 'AWS::ECS::Service', 'CREATE_COMPLETE', {
    physicalId: SERVICE_ARN,
  });
  s.stack(serviceAt + 63, SERVICE_STACK, 'CREATE_COMPLETE');
  s.resource(serviceAt + 65, ROOT, 'ServiceStack', 'AWS::CloudFormation::Stack', 'CREATE_COMPLETE', {
    physicalId: s.stackArn(SERVICE_STACK),
  });
  s.stack(serviceAt + 67, ROOT, 'CREATE_COMPLETE');
  s.finished(serviceAt + 68, { stackName: ROOT, ok: true });
  return s.build('successful-create');
}

/** The `ROLLBACK_*` tail shared by the failing creates: the nested stack and the parent roll back. */
function rollBack(s: StackEventScript, at: number, failed: string): void {
  s.stack(
    at,
    SERVICE_STACK,
    'ROLLBACK_IN_PROGRESS',
    `The following resource(s) failed to create: [${failed}]. Rollback requested by user.`,
  );
  s.deleted(at + 1, at + 2, SERVICE_STACK, 'Service', 'AWS::ECS::Service', SERVICE_ARN);
  s.deleted(
    at + 2,
    at + 4,
    SERVICE_STACK,
    'TaskDefinition',
    'AWS::ECS::TaskDefinition',
    'MyAppServiceStackTaskDefinition:1',
  );
  s.deleted(at + 2, at + 3, SERVICE_STACK, 'LogGroup', 'AWS::Logs::LogGroup', 'MyApp-ServiceStack-LogGroup');
  s.deleted(at + 5, at + 7, SERVICE_STACK, 'TaskRole', 'AWS::IAM::Role', 'MyApp-ServiceStack-TaskRole-8JQX2');
  s.stack(at + 8, SERVICE_STACK, 'ROLLBACK_COMPLETE');
  s.resource(at + 9, ROOT, 'ServiceStack', 'AWS::CloudFormation::Stack', 'CREATE_FAILED', {
    physicalId: s.stackArn(SERVICE_STACK),
    reason: `Embedded stack ${s.stackArn(SERVICE_STACK)} was not successfully created: The following resource(s) failed to create: [${failed}]. `,
  });
  s.stack(
    at + 10,
    ROOT,
    'ROLLBACK_IN_PROGRESS',
    'The following resource(s) failed to create: [ServiceStack]. Rollback requested by user.',
  );
  s.resource(at + 12, ROOT, 'ServiceStack', 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS', {
    physicalId: s.stackArn(SERVICE_STACK),
  });
  s.stack(at + 12, SERVICE_STACK, 'DELETE_IN_PROGRESS', 'User Initiated');
  s.stack(at + 14, SERVICE_STACK, 'DELETE_COMPLETE');
  s.resource(at + 15, ROOT, 'ServiceStack', 'AWS::CloudFormation::Stack', 'DELETE_COMPLETE', {
    physicalId: s.stackArn(SERVICE_STACK),
  });
  s.resource(at + 16, ROOT, 'VpcStack', 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS', {
    physicalId: s.stackArn(VPC_STACK),
  });
  s.stack(at + 16, VPC_STACK, 'DELETE_IN_PROGRESS', 'User Initiated');
  s.deleted(at + 17, at + 19, VPC_STACK, 'PublicSubnet1', 'AWS::EC2::Subnet', 'subnet-0f1e2d3c4b5a69788');
  s.deleted(
    at + 17,
    at + 20,
    VPC_STACK,
    'InternetGateway',
    'AWS::EC2::InternetGateway',
    'igw-04c2e7a9d1b3f5068',
  );
  s.deleted(at + 20, at + 22, VPC_STACK, 'Vpc', 'AWS::EC2::VPC', 'vpc-0a1b2c3d4e5f67890');
  s.stack(at + 23, VPC_STACK, 'DELETE_COMPLETE');
  s.resource(at + 24, ROOT, 'VpcStack', 'AWS::CloudFormation::Stack', 'DELETE_COMPLETE', {
    physicalId: s.stackArn(VPC_STACK),
  });
  s.stack(at + 25, ROOT, 'ROLLBACK_COMPLETE');
}

/**
 * A create where CloudFormation rejects the ECS service in the nested `ServiceStack` (its log
 * group's creation is cancelled), the nested stack rolls back, then the parent does.
 */
export function nestedFailureRollbackScenario(): ProgressScenario {
  const s = new StackEventScript(SCENARIO_START);
  s.started(0, { stackName: ROOT, isUpdate: false, resourcesTotal: 2, operation: 'deploy' });
  s.stack(1, ROOT, 'CREATE_IN_PROGRESS', 'User Initiated');
  const vpcDone = vpcStackCreated(s, 4);
  const at = vpcDone + 2;
  s.nestedCreateStarted(at, ROOT, 'ServiceStack', SERVICE_STACK);
  s.created(
    at + 3,
    at + 20,
    SERVICE_STACK,
    'TaskRole',
    'AWS::IAM::Role',
    'MyApp-ServiceStack-TaskRole-8JQX2',
  );
  s.resource(at + 3, SERVICE_STACK, 'LogGroup', 'AWS::Logs::LogGroup', 'CREATE_IN_PROGRESS');
  s.created(
    at + 21,
    at + 23,
    SERVICE_STACK,
    'TaskDefinition',
    'AWS::ECS::TaskDefinition',
    'MyAppServiceStackTaskDefinition:1',
  );
  s.resource(at + 24, SERVICE_STACK, 'Service', 'AWS::ECS::Service', 'CREATE_IN_PROGRESS');
  s.resource(at + 26, SERVICE_STACK, 'Service', 'AWS::ECS::Service', 'CREATE_FAILED', {
    reason:
      'Resource handler returned message: "Invalid request provided: CreateService error: The target group with targetGroupArn arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/MyApp-Targets/6d0ecf831eec9f09 does not have an associated load balancer." (RequestToken: 5f1d1b9e-2a83-4d0c-b0d6-3c1f0c7c9a11, HandlerErrorCode: InvalidRequest)',
  });
  s.resource(at + 27, SERVICE_STACK, 'LogGroup', 'AWS::Logs::LogGroup', 'CREATE_FAILED', {
    reason: 'Resource creation cancelled',
  });
  rollBack(s, at + 28, 'LogGroup, Service');
  s.finished(at + 55, { stackName: ROOT, ok: false });
  return s.build('nested-failure-rollback');
}

const CRASH_LOG = [
  '> my-api@1.4.2 start',
  '> node dist/server.js',
  'listening on :8080',
  'Error: connect ECONNREFUSED 10.0.3.17:5432',
  '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)',
  'fatal: database unreachable, exiting',
];

function crashedTask(taskId: string, stoppedAt: Date): StoppedTask {
  return {
    taskId,
    stoppedReason: 'Essential container in task exited',
    stoppedAt,
    containers: [{ name: 'web', exitCode: 1 }],
    logLines: CRASH_LOG,
  };
}

/**
 * A create where the service's tasks keep exiting: three stopped tasks trip the deployment
 * circuit breaker, CloudFormation fails the service, and both stacks roll back.
 */
export function circuitBreakerScenario(): ProgressScenario {
  const s = new StackEventScript(SCENARIO_START);
  s.started(0, { stackName: ROOT, isUpdate: false, resourcesTotal: 2, operation: 'deploy' });
  s.stack(1, ROOT, 'CREATE_IN_PROGRESS', 'User Initiated');
  const vpcDone = vpcStackCreated(s, 4);
  const at = serviceStackStarted(s, vpcDone + 2);
  const time = (sec: number) => new Date(SCENARIO_START.getTime() + sec * 1000);
  const a = crashedTask('4c1f2a9e0b8d4e7f9a1b2c3d4e5f6a7b', time(at + 35));
  const b = crashedTask('9e8d7c6b5a4f4e3d8c2b1a0f9e8d7c6b', time(at + 62));
  const c = crashedTask('1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6', time(at + 90));
  s.rollout(at + 10, rollout({ running: 0, pending: 2 }, s));
  s.rollout(
    at + 40,
    rollout(
      {
        running: 0,
        pending: 2,
        circuitBreaker: { enabled: true, rollback: true, failedTasks: 1, threshold: 3 },
        stoppedTasks: [a],
      },
      s,
    ),
  );
  s.rollout(
    at + 70,
    rollout(
      {
        running: 0,
        pending: 1,
        circuitBreaker: { enabled: true, rollback: true, failedTasks: 2, threshold: 3 },
        stoppedTasks: [b, a],
      },
      s,
    ),
  );
  s.rollout(
    at + 95,
    rollout(
      {
        running: 0,
        pending: 0,
        rolloutState: 'FAILED',
        rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
        circuitBreaker: { enabled: true, rollback: true, failedTasks: 3, threshold: 3 },
        stoppedTasks: [c, b, a],
      },
      s,
    ),
  );
  s.resource(at + 97, SERVICE_STACK, 'Service', 'AWS::ECS::Service', 'CREATE_FAILED', {
    physicalId: SERVICE_ARN,
    reason:
      'Resource handler returned message: "Error occurred during operation \'ECS Deployment Circuit Breaker was triggered\'." (RequestToken: 0b6c2f4e-91d7-4a3e-8f25-6e0d9b7a1c38, HandlerErrorCode: GeneralServiceException)',
  });
  rollBack(s, at + 98, 'Service');
  s.finished(at + 125, {
    stackName: ROOT,
    ok: false,
    message:
      'The deployment circuit breaker stopped the rollout of ServiceStack/Service: its tasks keep exiting.',
  });
  return s.build('circuit-breaker');
}

/** A destroy of `MyApp` where the VPC cannot be deleted because something outside still uses it. */
export function destroyDeleteFailedScenario(): ProgressScenario {
  const s = new StackEventScript(SCENARIO_START);
  s.started(0, { stackName: ROOT, isUpdate: false, resourcesTotal: 2, operation: 'destroy' });
  s.stack(1, ROOT, 'DELETE_IN_PROGRESS', 'User Initiated');
  s.resource(3, ROOT, 'ServiceStack', 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS', {
    physicalId: s.stackArn(SERVICE_STACK),
  });
  s.stack(3, SERVICE_STACK, 'DELETE_IN_PROGRESS', 'User Initiated');
  s.deleted(5, 38, SERVICE_STACK, 'Service', 'AWS::ECS::Service', SERVICE_ARN);
  s.deleted(
    39,
    41,
    SERVICE_STACK,
    'TaskDefinition',
    'AWS::ECS::TaskDefinition',
    'MyAppServiceStackTaskDefinition:1',
  );
  s.deleted(39, 40, SERVICE_STACK, 'LogGroup', 'AWS::Logs::LogGroup', 'MyApp-ServiceStack-LogGroup');
  s.deleted(42, 44, SERVICE_STACK, 'TaskRole', 'AWS::IAM::Role', 'MyApp-ServiceStack-TaskRole-8JQX2');
  s.stack(45, SERVICE_STACK, 'DELETE_COMPLETE');
  s.resource(46, ROOT, 'ServiceStack', 'AWS::CloudFormation::Stack', 'DELETE_COMPLETE', {
    physicalId: s.stackArn(SERVICE_STACK),
  });
  s.resource(47, ROOT, 'VpcStack', 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS', {
    physicalId: s.stackArn(VPC_STACK),
  });
  s.stack(47, VPC_STACK, 'DELETE_IN_PROGRESS', 'User Initiated');
  s.deleted(48, 51, VPC_STACK, 'PublicSubnet1', 'AWS::EC2::Subnet', 'subnet-0f1e2d3c4b5a69788');
  s.deleted(48, 50, VPC_STACK, 'InternetGateway', 'AWS::EC2::InternetGateway', 'igw-04c2e7a9d1b3f5068');
  s.resource(52, VPC_STACK, 'Vpc', 'AWS::EC2::VPC', 'DELETE_IN_PROGRESS', {
    physicalId: 'vpc-0a1b2c3d4e5f67890',
  });
  s.resource(53, VPC_STACK, 'Vpc', 'AWS::EC2::VPC', 'DELETE_FAILED', {
    physicalId: 'vpc-0a1b2c3d4e5f67890',
    reason:
      'Resource handler returned message: "The vpc \'vpc-0a1b2c3d4e5f67890\' has dependencies and cannot be deleted. (Service: Ec2, Status Code: 400, Request ID: 7f3b9c1e-2d4a-4b8e-9f6c-0a1d2e3f4b5c)" (RequestToken: c2a7e9d1-5b3f-4e8a-9c6d-1f0e2d3c4b5a, HandlerErrorCode: InvalidRequest)',
  });
  s.stack(54, VPC_STACK, 'DELETE_FAILED', 'The following resource(s) failed to delete: [Vpc]. ');
  s.resource(55, ROOT, 'VpcStack', 'AWS::CloudFormation::Stack', 'DELETE_FAILED', {
    physicalId: s.stackArn(VPC_STACK),
    reason: `Embedded stack ${s.stackArn(VPC_STACK)} was not successfully deleted: The following resource(s) failed to delete: [Vpc]. `,
  });
  s.stack(56, ROOT, 'DELETE_FAILED', 'The following resource(s) failed to delete: [VpcStack]. ');
  s.finished(57, { stackName: ROOT, ok: false });
  return s.build('destroy-delete-failed');
}

/** A UUID-shaped id derived from a string (FNV-1a), so scripts are reproducible. */
function uuidFrom(seed: string): string {
  let hex = '';
  for (let round = 0; hex.length < 32; round++) {
    let hash = 0x811c9dc5 ^ round;
    for (let i = 0; i < seed.length; i++) {
      hash ^= seed.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    hex += hash.toString(16).padStart(8, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
