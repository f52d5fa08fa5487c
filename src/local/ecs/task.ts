/**
 * One ECS task of a service: its lifecycle state machine, container states, health and the
 * read-only {@link TaskView} status views and tests see.
 *
 * Fidelity (aws-behavior.md §3.2, §3.5): `lastStatus` only moves forward through PROVISIONING →
 * PENDING → ACTIVATING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED (a task
 * that fails early skips the states whose work never happened, as on AWS); `desiredStatus` is
 * tracked separately. Task `healthStatus` is HEALTHY when every essential container with a
 * health check is healthy, UNHEALTHY when any is unhealthy, UNKNOWN otherwise; non-essential
 * containers do not count. Task ids are 32 lower-case hex characters and ARNs use the long
 * format `arn:aws:ecs:<region>:<account>:task/<cluster>/<id>`. Not reproduced: the DELETED
 * status, `pullStartedAt`/`executionStoppedAt` timestamps, attachments details.
 */

import { randomBytes } from 'node:crypto';
import { WharfError } from '../../errors.js';
import type { ContainerHealth } from '../runtime/types.js';
import { TASK_STATUSES, type TaskDefinitionConfig, type TaskHealth, type TaskStatus } from './types.js';

/** Why a task stopped, as `StopCode` reports it. */
export type TaskStopCode =
  | 'TaskFailedToStart'
  | 'EssentialContainerExited'
  | 'ServiceSchedulerInitiated'
  | 'UserInitiated';

/** A task's `desiredStatus`. */
export type TaskDesiredStatus = 'RUNNING' | 'STOPPED';

/** One container of a task as a status view shows it. */
export interface ContainerView {
  readonly name: string;
  readonly essential: boolean;
  /** UNKNOWN without a health check or while it is being evaluated. */
  readonly healthStatus: ContainerHealth;
  readonly exitCode?: number | null;
  /** Why it exited, as the runtime said. */
  readonly reason?: string;
}

/** Where a container port of a task is reachable on this machine. */
export interface TaskEndpoint {
  readonly containerPort: number;
  /** Always a loopback address. */
  readonly host: string;
  readonly port: number;
}

/** A read-only snapshot of a task. */
export interface TaskView {
  readonly taskId: string;
  readonly taskArn: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly taskDefinitionArn: string;
  /** The deployment (`ecs-svc/…`) that started it. */
  readonly deploymentId: string;
  /** `group`: `service:<name>` for a service's task, `family:<family>` by default for RunTask. */
  readonly group: string;
  /** Who started a standalone task (`events-rule/<rule>`, `wharf dev --run-task`). */
  readonly startedBy?: string;
  readonly lastStatus: TaskStatus;
  readonly desiredStatus: TaskDesiredStatus;
  readonly healthStatus: TaskHealth;
  readonly privateIp?: string;
  /** In a dual-stack subnet, the task's IPv6 address. */
  readonly ipv6Address?: string;
  readonly subnetId?: string;
  readonly availabilityZone?: string;
  readonly endpoints: readonly TaskEndpoint[];
  readonly containers: readonly ContainerView[];
  /** Docker container ids or process ids. */
  readonly handles: readonly string[];
  readonly createdAt: number;
  /** When it reached RUNNING. */
  readonly startedAt?: number;
  readonly stoppingAt?: number;
  readonly stoppedAt?: number;
  readonly stoppedReason?: string;
  readonly stopCode?: TaskStopCode;
}

/** A new random task id: 32 lower-case hex characters. */
export function newTaskId(): string {
  return randomBytes(16).toString('hex');
}

/** The long-format task ARN. */
export function taskArn(region: string, account: string, clusterName: string, taskId: string): string {
  return `arn:aws:ecs:${region}:${account}:task/${clusterName}/${taskId}`;
}

/**
 * Task `healthStatus` from the containers: HEALTHY when all essential containers with a health
 * check are HEALTHY, UNHEALTHY when any of them is UNHEALTHY, UNKNOWN otherwise (also when no
 * essential container has a check).
 */
export function taskHealth(
  containers: readonly { essential: boolean; hasHealthCheck: boolean; health: ContainerHealth }[],
): TaskHealth {
  const checked = containers.filter((container) => container.essential && container.hasHealthCheck);
  if (checked.some((container) => container.health === 'UNHEALTHY')) return 'UNHEALTHY';
  if (checked.length > 0 && checked.every((container) => container.health === 'HEALTHY')) return 'HEALTHY';
  return 'UNKNOWN';
}

interface ContainerState {
  readonly name: string;
  readonly essential: boolean;
  readonly hasHealthCheck: boolean;
  health: ContainerHealth;
  exited: boolean;
  exitCode?: number | null;
  reason?: string;
}

/** Identity of a new task. */
export interface TaskIdentity {
  readonly taskId: string;
  readonly taskArn: string;
  readonly clusterName: string;
  readonly serviceName: string;
  /** `ecs-svc/…` for a service's task; empty for a standalone task. */
  readonly deploymentId: string;
  readonly taskDefinition: TaskDefinitionConfig;
  /** @default `service:<serviceName>` */
  readonly group?: string;
  readonly startedBy?: string;
}

/** A task's mutable state. The scheduler owns it; everyone else sees {@link TaskView}s. */
export class Task {
  readonly taskId: string;
  readonly taskArn: string;
  readonly deploymentId: string;
  readonly taskDefinition: TaskDefinitionConfig;
  readonly createdAt: number;
  private status: TaskStatus = 'PROVISIONING';
  private desired: TaskDesiredStatus = 'RUNNING';
  private readonly containers: ContainerState[];
  private readonly identity: TaskIdentity;
  private readonly timestamps: { startedAt?: number; stoppingAt?: number; stoppedAt?: number } = {};
  private stop?: { readonly reason: string; readonly code: TaskStopCode };
  /** Set by the ENI attachment. */
  eni?: {
    readonly privateIp: string;
    readonly ipv6Address?: string;
    readonly subnetId: string;
    readonly availabilityZone: string;
  };
  /** Set once the runtime started the containers. */
  endpoints: readonly TaskEndpoint[] = [];
  handles: readonly string[] = [];
  /** The task counted as healthy for deployment purposes at least once (§3.1). */
  countedHealthyAt?: number;

  constructor(identity: TaskIdentity, now: number) {
    this.identity = identity;
    this.taskId = identity.taskId;
    this.taskArn = identity.taskArn;
    this.deploymentId = identity.deploymentId;
    this.taskDefinition = identity.taskDefinition;
    this.createdAt = now;
    this.containers = identity.taskDefinition.containers.map((container) => ({
      name: container.name,
      essential: container.essential,
      hasHealthCheck: container.healthCheck !== undefined,
      health: 'UNKNOWN',
      exited: false,
    }));
  }

  /** `lastStatus`. */
  get lastStatus(): TaskStatus {
    return this.status;
  }

  /** `desiredStatus`. */
  get desiredStatus(): TaskDesiredStatus {
    return this.desired;
  }

  /** When the task reached RUNNING (undefined before). */
  get startedAt(): number | undefined {
    return this.timestamps.startedAt;
  }

  /** The stop reason once a stop was requested. */
  get stoppedReason(): string | undefined {
    return this.stop?.reason;
  }

  /** Task health from its essential containers' checks. */
  get healthStatus(): TaskHealth {
    return taskHealth(this.containers);
  }

  /** True when at least one essential container defines a health check. */
  get hasContainerHealthChecks(): boolean {
    return this.containers.some((container) => container.essential && container.hasHealthCheck);
  }

  /** The first essential container that exited, if any. */
  get exitedEssentialContainer(): string | undefined {
    return this.containers.find((container) => container.essential && container.exited)?.name;
  }

  /** Not yet STOPPED (counts toward `maximumPercent`). */
  get isLive(): boolean {
    return this.status !== 'STOPPED';
  }

  /** PROVISIONING, PENDING or ACTIVATING. */
  get isStarting(): boolean {
    return this.status === 'PROVISIONING' || this.status === 'PENDING' || this.status === 'ACTIVATING';
  }

  /**
   * Moves `lastStatus` forward. Throws an internal {@link WharfError} on a backward move (a
   * scheduler bug). Reaching RUNNING sets `startedAt`, STOPPED sets `stoppedAt`.
   */
  transition(to: TaskStatus, now: number): void {
    const from = TASK_STATUSES.indexOf(this.status);
    const target = TASK_STATUSES.indexOf(to);
    if (target <= from) {
      throw new WharfError(
        'WHARF_ECS_TASK_STATE',
        `task ${this.taskId} cannot move from ${this.status} to ${to}: task states only move forward ` +
          `(${TASK_STATUSES.join(' → ')})`,
        { source: 'internal' },
      );
    }
    this.status = to;
    if (to === 'RUNNING') this.timestamps.startedAt = now;
    if (to === 'STOPPED') this.timestamps.stoppedAt = now;
  }

  /**
   * Sets `desiredStatus` to STOPPED with a reason. Returns false (and changes nothing) when a stop
   * was already requested: the first reason wins, as on AWS.
   */
  requestStop(reason: string, code: TaskStopCode, now: number): boolean {
    if (this.desired === 'STOPPED') return false;
    this.desired = 'STOPPED';
    this.stop = { reason, code };
    this.timestamps.stoppingAt = now;
    return true;
  }

  /** Records a container health report; returns true when the task's health changed. */
  recordHealth(containerName: string, health: ContainerHealth): boolean {
    const container = this.containers.find((candidate) => candidate.name === containerName);
    if (!container || container.health === health) return false;
    const before = this.healthStatus;
    container.health = health;
    return this.healthStatus !== before;
  }

  /** Records a container exit. */
  recordExit(containerName: string, exitCode: number | null, reason: string): void {
    const container = this.containers.find((candidate) => candidate.name === containerName);
    if (!container || container.exited) return;
    container.exited = true;
    container.exitCode = exitCode;
    container.reason = reason;
  }

  /** A read-only snapshot. */
  view(): TaskView {
    return {
      taskId: this.taskId,
      taskArn: this.taskArn,
      clusterName: this.identity.clusterName,
      serviceName: this.identity.serviceName,
      taskDefinitionArn: this.taskDefinition.arn,
      deploymentId: this.deploymentId,
      group: this.identity.group ?? `service:${this.identity.serviceName}`,
      ...(this.identity.startedBy ? { startedBy: this.identity.startedBy } : {}),
      lastStatus: this.status,
      desiredStatus: this.desired,
      healthStatus: this.healthStatus,
      privateIp: this.eni?.privateIp,
      ...(this.eni?.ipv6Address ? { ipv6Address: this.eni.ipv6Address } : {}),
      subnetId: this.eni?.subnetId,
      availabilityZone: this.eni?.availabilityZone,
      endpoints: this.endpoints,
      containers: this.containers.map((container) => ({
        name: container.name,
        essential: container.essential,
        healthStatus: container.health,
        ...(container.exited ? { exitCode: container.exitCode, reason: container.reason } : {}),
      })),
      handles: this.handles,
      createdAt: this.createdAt,
      startedAt: this.timestamps.startedAt,
      stoppingAt: this.timestamps.stoppingAt,
      stoppedAt: this.timestamps.stoppedAt,
      stoppedReason: this.stop?.reason,
      stopCode: this.stop?.code,
    };
  }
}
