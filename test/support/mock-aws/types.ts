/**
 * The public shapes of the mocked AWS endpoint: what a test passes to `startMockAws` and what it
 * can read back (stacks, their events and resources, change sets, the calls made).
 */

import type { CfnTemplate } from '../../../src/template/model.js';

/** A stack that exists before the test starts. */
export interface SeedStack {
  /** The stack name. */
  readonly name: string;
  /** Its status, e.g. `CREATE_COMPLETE` or `UPDATE_ROLLBACK_FAILED`. */
  readonly status: string;
  /** The deployed template; default: a template with one `AWS::SNS::Topic`. */
  readonly template?: CfnTemplate;
  /** Output values by key. */
  readonly outputs?: Record<string, string>;
  /** Parameter values by key. */
  readonly parameters?: Record<string, string>;
  /** `StackStatusReason`. */
  readonly statusReason?: string;
}

/** An operation a resource can fail in. */
export type ResourceOperation = 'CREATE' | 'UPDATE' | 'DELETE';

/** A resource that fails when CloudFormation works on it. */
export interface ResourceFailure {
  /** The resource's logical id. */
  readonly logicalId: string;
  /** `ResourceStatusReason` of its `*_FAILED` event. */
  readonly reason: string;
  /** Logical id of the nested stack (in its parent) the resource sits in; `undefined` = the root stack. */
  readonly stack?: string;
  /** The operation it fails in; default: every `CREATE` and `UPDATE` of it (not `DELETE`). */
  readonly operation?: ResourceOperation;
}

/**
 * A resource whose creation or update stays `*_IN_PROGRESS` until released, cancelled
 * (`CancelUpdateStack`, or another resource failing) or its stack is deleted. Deletions are not held.
 */
export interface ResourceHold {
  /** The resource's logical id. */
  readonly logicalId: string;
  /** Logical id of the nested stack the resource sits in; `undefined` = any stack. */
  readonly stack?: string;
}

/** A task that ECS stopped. */
export interface MockStoppedTask {
  /** Task id (the last part of the task ARN); default: generated. */
  readonly taskId?: string;
  /** e.g. `Essential container in task exited`. */
  readonly stoppedReason: string;
  /** The task's containers. */
  readonly containers: { name: string; exitCode?: number; reason?: string }[];
  /** Lines of the task's log stream (`<streamPrefix>/<containerName>/<taskId>`). */
  readonly logLines?: string[];
}

/**
 * What ECS reports for one `AWS::ECS::Service` created by a stack. The object is kept by
 * reference: a test may change its fields while a deployment runs.
 */
export interface MockEcsService {
  desired: number;
  running: number;
  pending?: number;
  rolloutState?: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason?: string;
  circuitBreaker?: { enable: boolean; rollback: boolean };
  failedTasks?: number;
  stoppedTasks?: MockStoppedTask[];
  /** The awslogs group; default: the task definition's `awslogs-group`. */
  logGroup?: string;
  /** The awslogs stream prefix; default: the task definition's `awslogs-stream-prefix`. */
  streamPrefix?: string;
  /** The container whose logs are read; default: the task definition's first container. */
  containerName?: string;
}

/** Options of `startMockAws`. */
export interface MockAwsOptions {
  /** @default '123456789012' */
  readonly account?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /**
   * The CDK bootstrap (`CDKToolkit` stack, SSM parameter `/cdk-bootstrap/hnb659fds/version`, assets
   * bucket, deploy and publishing roles). `false`: none of them exist.
   * @default { version: 30 }
   */
  readonly bootstrap?: { version: number } | false;
  /** Delay between two generated stack events, in ms. @default 5 */
  readonly stepMs?: number;
  /** Stacks that already exist. */
  readonly stacks?: SeedStack[];
  /** Resources that fail (kept by reference: a test may push to or clear the array). */
  readonly failures?: ResourceFailure[];
  /** Resources that stay in progress until {@link MockAws.release}. */
  readonly holds?: ResourceHold[];
  /** Values of the root stack's outputs after a create or update; default: evaluated from the template. */
  readonly outputs?: Record<string, string>;
  /**
   * The account's Availability Zones, as EC2 `DescribeAvailabilityZones` lists them (name → zone
   * ID). @default - `<region>a…c` mapped to `<prefix>-az1…az3`, e.g. us-east-1a → use1-az1
   */
  readonly zones?: { zoneName: string; zoneId: string }[];
  /** What ECS reports for the `AWS::ECS::Service` with this logical id (kept by reference). */
  readonly ecs?: Record<string, MockEcsService>;
  /**
   * `host:port` of an OCI registry standing in for ECR's Docker endpoint (e.g. the one
   * `test/support/registry.ts` starts): repository URIs point there and `DescribeImages` reads
   * its contents. @default - ECR-shaped URIs that lead nowhere, and no images
   */
  readonly registry?: string;
}

/** One request the endpoint received. */
export interface MockCall {
  /** `cloudformation`, `sts`, `s3`, `ssm`, `ecs`, `logs`, … (the SigV4 service name). */
  readonly service: string;
  /** The API action, e.g. `DescribeStacks`, `PutObject`. */
  readonly action: string;
  /** The request parameters (query protocol: nested form fields; JSON protocols: the body). */
  readonly input: Record<string, unknown>;
}

/** One stack event, as `DescribeStackEvents` returns it. */
export interface MockStackEvent {
  readonly EventId: string;
  readonly StackId: string;
  readonly StackName: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId: string;
  readonly ResourceType: string;
  readonly Timestamp: Date;
  readonly ResourceStatus: string;
  readonly ResourceStatusReason?: string;
  readonly ClientRequestToken?: string;
  readonly OperationId: string;
}

/** One resource of a stack. */
export interface MockResource {
  readonly logicalId: string;
  readonly type: string;
  /** Empty until CloudFormation has created it. */
  physicalId: string;
  status: string;
  statusReason?: string;
  lastUpdated: Date;
}

/** One change of a change set. */
export interface MockChange {
  readonly Action: 'Add' | 'Modify' | 'Remove';
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly PhysicalResourceId?: string;
  readonly Replacement?: 'False';
  readonly Scope: string[];
  /** The top-level properties that changed (Modify only). */
  readonly changedProperties: string[];
  /** A nested stack's own change set. */
  readonly ChangeSetId?: string;
}

/** A change set. */
export interface MockChangeSet {
  readonly id: string;
  readonly name: string;
  readonly type: 'CREATE' | 'UPDATE' | 'IMPORT';
  status: string;
  statusReason?: string;
  executionStatus: string;
  readonly template: CfnTemplate;
  readonly parameters: Record<string, string>;
  readonly changes: MockChange[];
  readonly created: Date;
  readonly description?: string;
  readonly includeNestedStacks: boolean;
  readonly capabilities: string[];
  readonly tags: { Key: string; Value: string }[];
  readonly parentChangeSetId?: string;
  readonly rootChangeSetId?: string;
}

/** What a test can read about a stack. */
export interface MockStack {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly statusReason?: string;
  /** The current template (the new one during an update). */
  readonly template: CfnTemplate;
  readonly parameters: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
  /** Resources by logical id. */
  readonly resources: ReadonlyMap<string, MockResource>;
  /** Events, oldest first. */
  readonly events: readonly MockStackEvent[];
  /** Change sets by name. */
  readonly changeSets: ReadonlyMap<string, MockChangeSet>;
  /** Nested stacks by logical id in this stack. */
  readonly nested: ReadonlyMap<string, MockStack>;
  /** ARN of the parent stack, for a nested stack. */
  readonly parentId?: string;
}
