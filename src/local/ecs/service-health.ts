/**
 * How the service scheduler judges a RUNNING task's health: when a new task counts as healthy,
 * when a running one has failed, and what health it pushes to Cloud Map.
 *
 * Fidelity (aws-behavior.md §3.1, §3.2, §3.3, §3.6): with target groups a task counts as healthy
 * once every target group says `healthy` and, when an essential container has a check, the task's
 * container health is HEALTHY; without target groups it needs HEALTHY container health, or, with
 * no check at all, 40 s in RUNNING. A task fails with `Task failed container health checks` (task
 * health UNHEALTHY) or `Task failed ELB health checks in (target-group <arn>)`, both ignored for
 * `healthCheckGracePeriodSeconds` after it reached RUNNING. Cloud Map gets HEALTHY for tasks
 * without container checks, else the task's health once known (UNKNOWN is not pushed: custom
 * health only takes HEALTHY/UNHEALTHY, §4.3).
 */

import type { ServiceAttachments } from './service-attachments.js';
import { serviceMessages } from './service-events.js';
import type { Task } from './task.js';
import type { EcsServiceConfig, TaskHealth } from './types.js';

/** Why a RUNNING task failed its checks. */
export interface UnhealthyFinding {
  /** The task's `stoppedReason`. */
  readonly reason: string;
  /** The service event announcing it. */
  readonly message: string;
}

/** Health rules of one service. */
export class ServiceHealthPolicy {
  /**
   * @param healthyWithoutChecksAfterMs time in RUNNING after which a task without load balancer
   *   and container checks counts as healthy (AWS: 40 s)
   */
  constructor(
    private readonly service: EcsServiceConfig,
    private readonly attachments: ServiceAttachments,
    private readonly healthyWithoutChecksAfterMs: number,
  ) {}

  /** True when the service's targets report through {@link ServiceAttachments.loadBalancerHealth}. */
  get usesLoadBalancers(): boolean {
    return this.service.loadBalancers.length > 0 && this.attachments.loadBalancerHealth !== undefined;
  }

  /** §3.1 "When a new task counts as healthy" (`task` must be RUNNING). */
  countsAsHealthy(task: Task, now: number): boolean {
    if (this.usesLoadBalancers) {
      const view = task.view();
      const targetsHealthy = this.service.loadBalancers.every(
        (loadBalancer) =>
          this.attachments.loadBalancerHealth?.(view, loadBalancer.targetGroupArn) === 'healthy',
      );
      return targetsHealthy && (!task.hasContainerHealthChecks || task.healthStatus === 'HEALTHY');
    }
    if (task.hasContainerHealthChecks) return task.healthStatus === 'HEALTHY';
    return now - (task.startedAt ?? now) >= this.healthyWithoutChecksAfterMs;
  }

  /** The failure of a RUNNING task outside its grace period, if any. */
  unhealthyFinding(task: Task, now: number): UnhealthyFinding | undefined {
    if (now < (task.startedAt ?? now) + this.service.healthCheckGracePeriodSeconds * 1000) return undefined;
    if (task.healthStatus === 'UNHEALTHY') {
      return {
        reason: 'Task failed container health checks',
        message: serviceMessages.containerUnhealthy(this.service.name, task.taskId),
      };
    }
    if (!this.usesLoadBalancers) return undefined;
    const view = task.view();
    for (const loadBalancer of this.service.loadBalancers) {
      const targetGroup = loadBalancer.targetGroupArn;
      if (this.attachments.loadBalancerHealth?.(view, targetGroup) !== 'unhealthy') continue;
      const why = this.attachments.loadBalancerHealthReason?.(view, targetGroup) ?? 'Health checks failed';
      const ip = view.privateIp ?? 'unknown';
      return {
        reason: `Task failed ELB health checks in (target-group ${targetGroup})`,
        message: serviceMessages.targetUnhealthy(
          this.service.name,
          ip,
          loadBalancer.containerPort,
          targetGroup,
          why,
        ),
      };
    }
    return undefined;
  }

  /** The health to push to Cloud Map for a RUNNING task, or undefined while it is not known. */
  cloudMapHealth(task: Task): TaskHealth | undefined {
    const health = task.hasContainerHealthChecks ? task.healthStatus : 'HEALTHY';
    return health === 'UNKNOWN' ? undefined : health;
  }
}
