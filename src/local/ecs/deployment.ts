/**
 * A service deployment (`DescribeServices` → `deployments[]`) and its circuit breaker.
 *
 * Fidelity (aws-behavior.md §3.4): ids look like `ecs-svc/` + 19 digits; `status` is PRIMARY for
 * the newest, ACTIVE while older ones still have tasks, INACTIVE once drained; `rolloutState`
 * goes IN_PROGRESS → COMPLETED or FAILED. The breaker counts failed tasks of an IN_PROGRESS
 * deployment and trips at the threshold of {@link circuitBreakerThreshold}; `failedTasks` counts
 * every failed task. Not reproduced: the 2023 guide's remark that the breaker never starts when
 * the deployment already has a running task (treated cautiously in the behaviour doc), and the
 * reset of `failedTasks` once a task runs successfully.
 */

import { randomInt } from 'node:crypto';
import type { TaskDefinitionConfig } from './types.js';

/** `deployments[].status`. */
export type DeploymentStatus = 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
/** `deployments[].rolloutState`. */
export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
/** `deploymentCircuitBreaker.status`. */
export type CircuitBreakerStatus = 'MONITORING' | 'MONITORING_COMPLETE' | 'TRIGGERED' | 'DISABLED';

/** A new deployment id: `ecs-svc/` followed by 19 digits (no leading zero). */
export function newDeploymentId(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 19) digits += String(randomInt(0, 10));
  return `ecs-svc/${digits}`;
}

/** The circuit breaker state of one deployment. */
export interface CircuitBreakerView {
  readonly status: CircuitBreakerStatus;
  readonly failureCount: number;
  readonly threshold: number;
}

/** A read-only snapshot of a deployment. */
export interface DeploymentView {
  readonly id: string;
  readonly status: DeploymentStatus;
  readonly taskDefinition: string;
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly pendingCount: number;
  readonly failedTasks: number;
  readonly rolloutState: RolloutState;
  readonly rolloutStateReason: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Settings of a new {@link Deployment}. */
export interface DeploymentInit {
  readonly taskDefinition: TaskDefinitionConfig;
  readonly desiredCount: number;
  readonly circuitBreakerEnabled: boolean;
  readonly threshold: number;
  /** For a rollback deployment: the id of the COMPLETED deployment it goes back to. */
  readonly rollbackTo?: string;
  /** @default a random id */
  readonly id?: string;
}

/** One deployment of a service. */
export class Deployment {
  readonly id: string;
  readonly taskDefinition: TaskDefinitionConfig;
  readonly createdAt: number;
  readonly rollbackTo?: string;
  readonly threshold: number;
  desiredCount: number;
  status: DeploymentStatus = 'PRIMARY';
  rolloutState: RolloutState = 'IN_PROGRESS';
  rolloutStateReason: string;
  updatedAt: number;
  private failures = 0;
  private readonly breakerEnabled: boolean;

  constructor(init: DeploymentInit, now: number) {
    this.id = init.id ?? newDeploymentId();
    this.taskDefinition = init.taskDefinition;
    this.desiredCount = init.desiredCount;
    this.breakerEnabled = init.circuitBreakerEnabled;
    this.threshold = init.threshold;
    this.rollbackTo = init.rollbackTo;
    this.createdAt = now;
    this.updatedAt = now;
    this.rolloutStateReason = init.rollbackTo
      ? `ECS deployment circuit breaker: rolling back to deploymentId ${init.rollbackTo}.`
      : 'ECS deployment in progress.';
  }

  /** Failed tasks of this deployment (`failedTasks`). */
  get failedTasks(): number {
    return this.failures;
  }

  /** Launches are allowed: not FAILED (a FAILED deployment "launches no new tasks", §3.4). */
  get canLaunch(): boolean {
    return this.rolloutState !== 'FAILED';
  }

  /**
   * Records a failed task. Returns true when this failure trips the circuit breaker (the
   * deployment is then FAILED).
   */
  recordFailure(now: number): boolean {
    this.failures += 1;
    this.updatedAt = now;
    if (!this.breakerEnabled || this.rolloutState !== 'IN_PROGRESS' || this.failures < this.threshold)
      return false;
    this.rolloutState = 'FAILED';
    this.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
    return true;
  }

  /** Marks the rollout COMPLETED (the service reached a steady state on this deployment). */
  complete(now: number): void {
    this.rolloutState = 'COMPLETED';
    this.rolloutStateReason = `ECS deployment ${this.id} completed.`;
    this.updatedAt = now;
  }

  /** Sets `status` (PRIMARY → ACTIVE when a newer deployment starts, ACTIVE → INACTIVE when drained). */
  setStatus(status: DeploymentStatus, now: number): void {
    if (this.status === status) return;
    this.status = status;
    this.updatedAt = now;
  }

  /** The breaker as `deploymentCircuitBreaker` reports it. */
  circuitBreaker(): CircuitBreakerView {
    const status: CircuitBreakerStatus = !this.breakerEnabled
      ? 'DISABLED'
      : this.rolloutState === 'FAILED'
        ? 'TRIGGERED'
        : this.rolloutState === 'COMPLETED'
          ? 'MONITORING_COMPLETE'
          : 'MONITORING';
    return { status, failureCount: this.failures, threshold: this.threshold };
  }

  /** A snapshot with the given task counts. */
  view(counts: { desiredCount: number; runningCount: number; pendingCount: number }): DeploymentView {
    return {
      id: this.id,
      status: this.status,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: counts.desiredCount,
      runningCount: counts.runningCount,
      pendingCount: counts.pendingCount,
      failedTasks: this.failures,
      rolloutState: this.rolloutState,
      rolloutStateReason: this.rolloutStateReason,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
    };
  }
}
