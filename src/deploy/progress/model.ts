/**
 * The state behind the deploy/destroy progress display.
 *
 * The deploy code feeds it, in order: the container images it builds and pushes
 * ({@link DeployProgressModel.image}), {@link DeployProgressModel.stackStarted}, the stack events
 * of the root stack and of its nested stacks as they are polled (old to new, duplicates allowed),
 * ECS rollout snapshots of the services being created, and {@link DeployProgressModel.finished}.
 * The model rebuilds the stack tree from the events alone: a root-stack event for an
 * `AWS::CloudFormation::Stack` resource carries the nested stack's ARN as its physical id, and
 * events whose `StackId` is that ARN belong under that resource.
 *
 * Times: a resource's elapsed time runs from its first `*_IN_PROGRESS` event's timestamp to its
 * latest final event's timestamp (or to `now()` while it is in progress); a root stack's from
 * `stackStarted` to `finished` on the injected clock.
 *
 * @module
 */

import type { StackEvent } from '@aws-sdk/client-cloudformation';
import {
  isCancellationReason,
  isInProgress,
  shortResourceType,
  stackNameFromArn,
  statusSeverity,
} from './format.js';
import { ImageProgressState } from './images.js';
import type {
  ImageProgress,
  ProgressChange,
  ProgressFailure,
  ProgressInput,
  ProgressOperation,
  ProgressUpdate,
  ProgressView,
  ResourceFailure,
  ResourceRow,
  RootStackNode,
  ServiceRollout,
  Severity,
  StackFinish,
  StackNode,
  StackStart,
} from './types.js';

const NESTED_STACK_TYPE = 'AWS::CloudFormation::Stack';
const SERVICE_TYPE = 'AWS::ECS::Service';

/** Receives every accepted input with what it changed. */
export type ProgressModelListener = (update: ProgressUpdate) => void;

/** Options of {@link DeployProgressModel}. */
export interface DeployProgressModelOptions {
  /** Milliseconds since the epoch; `Date.now` unless a test injects a fake clock. */
  readonly now?: () => number;
}

interface ResourceState {
  readonly logicalId: string;
  type: string;
  physicalId?: string;
  status: string;
  reason?: string;
  firstInProgressAt?: number;
  lastFinalAt?: number;
  failures: ResourceFailure[];
  nestedStackId?: string;
}

interface RootInfo {
  readonly operation: ProgressOperation;
  readonly isUpdate: boolean;
  readonly resourcesTotal?: number;
  readonly startedAt: number;
  endedAt?: number;
  finished?: { readonly ok: boolean; readonly message?: string };
}

interface StackState {
  readonly stackName: string;
  stackId?: string;
  status?: string;
  reason?: string;
  firstAt?: number;
  lastFinalAt?: number;
  readonly resources: Map<string, ResourceState>;
  parent?: { readonly stack: StackState; readonly logicalId: string };
  readonly root?: RootInfo;
}

/** The progress of one or more stack deploys or destroys; see the module documentation. */
export class DeployProgressModel {
  private readonly now: () => number;
  private readonly roots: StackState[] = [];
  private readonly rootsByName = new Map<string, StackState>();
  private readonly stacksById = new Map<string, StackState>();
  /** Nested stack ARN → the resource in the parent stack that created it. */
  private readonly nestedParents = new Map<string, { stack: StackState; logicalId: string }>();
  private readonly rollouts = new Map<string, ServiceRollout>();
  private readonly seenEvents = new Set<string>();
  private readonly listeners = new Set<ProgressModelListener>();
  private readonly images = new ImageProgressState();

  constructor(options: DeployProgressModelOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Calls `listener` after every accepted input. Returns a function that unsubscribes it. */
  subscribe(listener: ProgressModelListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The current time on the model's clock. */
  time(): number {
    return this.now();
  }

  /** The names of the root stacks, in the order they started. */
  rootStackNames(): string[] {
    return this.roots.map((root) => root.stackName);
  }

  /** A deploy or destroy of a root stack begins. Starting a stack name again starts it afresh. */
  stackStarted(start: StackStart): void {
    const previous = this.rootsByName.get(start.stackName);
    if (previous) this.forget(previous);
    const stack: StackState = {
      stackName: start.stackName,
      resources: new Map(),
      root: {
        operation: start.operation,
        isUpdate: start.isUpdate,
        resourcesTotal: start.resourcesTotal,
        startedAt: this.now(),
      },
    };
    this.roots.push(stack);
    this.rootsByName.set(start.stackName, stack);
    this.emit({ kind: 'stack-started', start }, [{ kind: 'stack-started', stackName: start.stackName }]);
  }

  /**
   * One stack event, of the root stack or of any nested stack. Events already seen (same
   * `EventId`) are ignored; events without a `ResourceStatus` (hook invocations) are passed on to
   * listeners but change nothing.
   */
  event(event: StackEvent): void {
    if (event.EventId) {
      if (this.seenEvents.has(event.EventId)) return;
      this.seenEvents.add(event.EventId);
    }
    const changes: ProgressChange[] = [];
    const stack = this.stackFor(event);
    const status = event.ResourceStatus;
    const isStackEvent =
      event.LogicalResourceId === undefined || event.LogicalResourceId === stack?.stackName;
    if (stack && status) {
      const at = event.Timestamp?.getTime() ?? this.now();
      if (isStackEvent) {
        this.applyStackStatus(stack, status, event, at, changes);
      } else if (event.LogicalResourceId !== undefined) {
        this.applyResourceStatus(stack, event.LogicalResourceId, status, event, at, changes);
      }
    }
    let elapsedMs: number | undefined;
    if (stack) {
      const resource = isStackEvent ? undefined : stack.resources.get(event.LogicalResourceId ?? '');
      elapsedMs = resource
        ? this.resourceElapsed(resource)
        : isStackEvent
          ? this.stackElapsed(stack)
          : undefined;
    }
    this.emit({ kind: 'event', event }, changes, {
      stackPath: stack ? this.pathOf(stack) : undefined,
      elapsedMs,
    });
  }

  /** A snapshot of an ECS service's rollout; replaces the previous one for that service. */
  rollout(rollout: ServiceRollout): void {
    const key = rolloutKey(rollout.stackId, rollout.logicalId);
    const previous = this.rollouts.get(key);
    this.rollouts.set(key, rollout);
    const stack = this.stacksById.get(rollout.stackId);
    const resource = stack?.resources.get(rollout.logicalId);
    const stackPath = stack ? this.pathOf(stack) : [stackNameFromArn(rollout.stackId)];
    this.emit(
      { kind: 'rollout', rollout },
      [
        {
          kind: 'rollout',
          stackPath,
          logicalId: rollout.logicalId,
          rollout,
          previous,
          status: resource?.status,
          elapsedMs: resource ? this.resourceElapsed(resource) : undefined,
        },
      ],
      { stackPath },
    );
  }

  /**
   * News about a container image asset: its stage, URI or Docker's latest output line. Listeners
   * are called for every update; only a new stage is a change.
   */
  image(image: ImageProgress): void {
    const change = this.images.apply(image, this.now());
    this.emit({ kind: 'image', image }, change ? [change] : []);
  }

  /** The deploy or destroy of a root stack ended; freezes its elapsed time. */
  finished(finish: StackFinish): void {
    const stack = this.rootsByName.get(finish.stackName);
    if (stack?.root) {
      stack.root.endedAt = this.now();
      stack.root.finished = { ok: finish.ok, message: finish.message };
    }
    this.emit({ kind: 'finished', finish }, [
      {
        kind: 'finished',
        stackName: finish.stackName,
        ok: finish.ok,
        message: finish.message,
        elapsedMs: stack ? this.stackElapsed(stack) : 0,
      },
    ]);
  }

  /** Everything there is to draw, as of now. */
  view(): ProgressView {
    const visited = new Set<StackState>();
    const stacks = this.roots.map((root) => this.node(root, visited) as RootStackNode);
    const unattached: StackNode[] = [];
    for (const stack of this.stacksById.values()) {
      if (!stack.root && !stack.parent && !visited.has(stack)) unattached.push(this.node(stack, visited));
    }
    return { images: this.images.rows(this.now()), stacks, unattached };
  }

  /**
   * Every resource failure in the order CloudFormation reported them, without the "Resource
   * creation cancelled" ones (they only echo another failure).
   */
  failures(): ProgressFailure[] {
    const found: ProgressFailure[] = [];
    const visit = (stack: StackState, visited: Set<StackState>) => {
      if (visited.has(stack)) return;
      visited.add(stack);
      const stackPath = this.pathOf(stack).join('/');
      for (const resource of stack.resources.values()) {
        for (const failure of resource.failures) {
          if (failure.cancelled) continue;
          found.push({
            stackPath,
            stackName: stack.stackName,
            logicalId: resource.logicalId,
            type: resource.type,
            status: failure.status,
            reason: failure.reason,
            at: failure.at,
            rollout: stack.stackId
              ? this.rollouts.get(rolloutKey(stack.stackId, resource.logicalId))
              : undefined,
          });
        }
      }
    };
    const visited = new Set<StackState>();
    for (const root of this.roots) visit(root, visited);
    for (const stack of this.stacksById.values()) visit(stack, visited);
    return found
      .map((failure, index) => ({ failure, index }))
      .sort((a, b) => (a.failure.at?.getTime() ?? 0) - (b.failure.at?.getTime() ?? 0) || a.index - b.index)
      .map(({ failure }) => failure);
  }

  /**
   * ECS services whose rollout snapshots show trouble: a failed rollout, a tripped circuit
   * breaker, or stopped tasks. For the summary of a deploy stopped before CloudFormation failed
   * the resource.
   */
  troubledRollouts(): { readonly stackPath: string; readonly rollout: ServiceRollout }[] {
    const result: { stackPath: string; rollout: ServiceRollout }[] = [];
    for (const rollout of this.rollouts.values()) {
      const breaker = rollout.circuitBreaker;
      const troubled =
        rollout.rolloutState === 'FAILED' ||
        (breaker?.enabled === true && breaker.failedTasks > 0) ||
        rollout.stoppedTasks.length > 0;
      if (!troubled) continue;
      const stack = this.stacksById.get(rollout.stackId);
      result.push({
        stackPath: stack ? this.pathOf(stack).join('/') : stackNameFromArn(rollout.stackId),
        rollout,
      });
    }
    return result;
  }

  /** Drops a root stack with its nested stacks, their links and their rollouts. */
  private forget(root: StackState): void {
    this.roots.splice(this.roots.indexOf(root), 1);
    const rootOf = (stack: StackState): StackState => {
      let current = stack;
      const seen = new Set<StackState>();
      while (current.parent && !seen.has(current)) {
        seen.add(current);
        current = current.parent.stack;
      }
      return current;
    };
    for (const [arn, stack] of [...this.stacksById]) {
      if (rootOf(stack) !== root) continue;
      this.stacksById.delete(arn);
      for (const key of [...this.rollouts.keys()]) if (key.startsWith(`${arn}\n`)) this.rollouts.delete(key);
    }
    for (const [arn, link] of [...this.nestedParents]) {
      if (rootOf(link.stack) === root) this.nestedParents.delete(arn);
    }
  }

  private emit(
    input: ProgressInput,
    changes: ProgressChange[],
    context: { stackPath?: readonly string[]; elapsedMs?: number } = {},
  ): void {
    const update: ProgressUpdate = { input, now: this.now(), changes, ...context };
    for (const listener of [...this.listeners]) listener(update);
  }

  /** The stack an event belongs to, learning stack ids and creating unattached stacks. */
  private stackFor(event: StackEvent): StackState | undefined {
    const stackId = event.StackId;
    if (stackId) {
      const known = this.stacksById.get(stackId);
      if (known) return known;
    }
    const name = event.StackName ?? (stackId ? stackNameFromArn(stackId) : undefined);
    if (!name) return undefined;
    const root = this.rootsByName.get(name);
    if (root && (root.stackId === undefined || stackId === undefined || root.stackId === stackId)) {
      if (stackId && root.stackId === undefined) {
        root.stackId = stackId;
        this.stacksById.set(stackId, root);
      }
      return root;
    }
    if (!stackId) return undefined;
    const stack: StackState = { stackName: name, stackId, resources: new Map() };
    const parent = this.nestedParents.get(stackId);
    if (parent) stack.parent = parent;
    this.stacksById.set(stackId, stack);
    return stack;
  }

  private applyStackStatus(
    stack: StackState,
    status: string,
    event: StackEvent,
    at: number,
    changes: ProgressChange[],
  ): void {
    if (isInProgress(status)) {
      stack.firstAt ??= at;
    } else {
      stack.firstAt ??= at;
      stack.lastFinalAt = at;
    }
    const previousStatus = stack.status;
    stack.status = status;
    stack.reason = event.ResourceStatusReason;
    if (previousStatus === status) return;
    const parentRow = stack.parent?.stack.resources.get(stack.parent.logicalId);
    changes.push({
      kind: 'stack-status',
      stackPath: this.pathOf(stack),
      stackName: stack.stackName,
      status,
      previousStatus,
      reason: event.ResourceStatusReason,
      severity: statusSeverity(status, event.ResourceStatusReason),
      parentRowStatus: parentRow?.status,
      at: event.Timestamp,
    });
  }

  private applyResourceStatus(
    stack: StackState,
    logicalId: string,
    status: string,
    event: StackEvent,
    at: number,
    changes: ProgressChange[],
  ): void {
    let resource = stack.resources.get(logicalId);
    const previousStatus = resource?.status;
    if (!resource) {
      resource = { logicalId, type: event.ResourceType ?? '', status, failures: [] };
      stack.resources.set(logicalId, resource);
    }
    if (event.ResourceType) resource.type = event.ResourceType;
    if (event.PhysicalResourceId) resource.physicalId = event.PhysicalResourceId;
    if (resource.type === NESTED_STACK_TYPE && event.PhysicalResourceId?.startsWith('arn:')) {
      this.linkNested(event.PhysicalResourceId, stack, resource);
    }
    if (isInProgress(status)) {
      resource.firstInProgressAt ??= at;
    } else {
      resource.firstInProgressAt ??= at;
      resource.lastFinalAt = at;
    }
    const reason = event.ResourceStatusReason;
    if (status.endsWith('_FAILED')) {
      resource.failures.push({
        status,
        reason: reason ?? '',
        at: event.Timestamp,
        cancelled: !status.includes('ROLLBACK') && isCancellationReason(reason),
      });
    }
    resource.status = status;
    resource.reason = reason;
    if (previousStatus === status) return;
    changes.push({
      kind: 'resource-status',
      stackPath: this.pathOf(stack),
      logicalId,
      type: resource.type,
      status,
      previousStatus,
      reason,
      severity: statusSeverity(status, reason),
      elapsedMs: this.resourceElapsed(resource),
      at: event.Timestamp,
    });
  }

  private linkNested(arn: string, parent: StackState, resource: ResourceState): void {
    // A stack is never nested under itself or under one of its own nested stacks.
    for (let s: StackState | undefined = parent; s; s = s.parent?.stack) if (s.stackId === arn) return;
    resource.nestedStackId = arn;
    const link = { stack: parent, logicalId: resource.logicalId };
    this.nestedParents.set(arn, link);
    const nested = this.stacksById.get(arn);
    if (nested && !nested.root) nested.parent = link;
  }

  private pathOf(stack: StackState): string[] {
    const path: string[] = [];
    const seen = new Set<StackState>();
    let current: StackState | undefined = stack;
    while (current && !seen.has(current)) {
      seen.add(current);
      if (current.parent) {
        path.unshift(current.parent.logicalId);
        current = current.parent.stack;
      } else {
        path.unshift(current.stackName);
        current = undefined;
      }
    }
    return path;
  }

  private resourceElapsed(resource: ResourceState): number | undefined {
    if (resource.firstInProgressAt === undefined) return undefined;
    const end = isInProgress(resource.status) ? this.now() : (resource.lastFinalAt ?? this.now());
    return Math.max(0, end - resource.firstInProgressAt);
  }

  private stackElapsed(stack: StackState): number {
    if (stack.root) return Math.max(0, (stack.root.endedAt ?? this.now()) - stack.root.startedAt);
    if (stack.firstAt === undefined) return 0;
    const end = isInProgress(stack.status) ? this.now() : (stack.lastFinalAt ?? this.now());
    return Math.max(0, end - stack.firstAt);
  }

  private node(stack: StackState, visited: Set<StackState>): StackNode | RootStackNode {
    visited.add(stack);
    const resources: ResourceRow[] = [];
    let done = 0;
    for (const resource of stack.resources.values()) {
      if (!isInProgress(resource.status)) done++;
      const nestedState = resource.nestedStackId ? this.stacksById.get(resource.nestedStackId) : undefined;
      const nested =
        nestedState && !visited.has(nestedState) && nestedState.parent?.stack === stack
          ? this.node(nestedState, visited)
          : undefined;
      const rollout =
        resource.type === SERVICE_TYPE && stack.stackId
          ? this.rollouts.get(rolloutKey(stack.stackId, resource.logicalId))
          : undefined;
      const realFailure = resource.failures.find((f) => !f.cancelled);
      const failure = realFailure ?? resource.failures[0];
      const severity: Severity = realFailure ? 'failed' : statusSeverity(resource.status, resource.reason);
      resources.push({
        logicalId: resource.logicalId,
        type: resource.type,
        shortType: shortResourceType(resource.type),
        physicalId: resource.physicalId,
        status: resource.status,
        reason: resource.reason,
        severity,
        failure,
        elapsedMs: this.resourceElapsed(resource),
        nested,
        rollout,
      });
    }
    const base: StackNode = {
      stackName: stack.stackName,
      stackId: stack.stackId,
      path: this.pathOf(stack),
      status: stack.status,
      reason: stack.reason,
      severity: statusSeverity(stack.status, stack.reason),
      elapsedMs: this.stackElapsed(stack),
      done,
      total: Math.max(stack.root?.resourcesTotal ?? 0, stack.resources.size),
      resources,
    };
    if (!stack.root) return base;
    return {
      ...base,
      operation: stack.root.operation,
      isUpdate: stack.root.isUpdate,
      finished: stack.root.finished,
    };
  }
}

function rolloutKey(stackId: string, logicalId: string): string {
  return `${stackId}\n${logicalId}`;
}
