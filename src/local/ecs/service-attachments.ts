/**
 * What a service is attached to: its target groups (ALB) and Cloud Map services. The scheduler
 * registers a task during ACTIVATING and deregisters it during DEACTIVATING, before SIGTERM.
 *
 * Fidelity (aws-behavior.md §3.5, §3.6, §4.3): `deregister` resolves when the target group's
 * deregistration delay is over (ALB) or at once (Cloud Map has no drain), and only then is the
 * task sent SIGTERM. Load balancer health decides when a new task counts as healthy and when a
 * running one is replaced. The scheduler pushes task health to Cloud Map through `reportHealth`
 * (custom health checks). The lead's wiring implements this interface over the ELB and Cloud Map
 * emulators.
 */

import type { TaskView } from './task.js';
import type { TaskHealth } from './types.js';

/** A target's state in one target group, as the scheduler reads it. */
export type LoadBalancerTargetState = 'healthy' | 'unhealthy' | 'initial' | 'unknown';

/** The service's load balancer and service registry attachments. */
export interface ServiceAttachments {
  /** Registers the task in its target groups and Cloud Map services (during ACTIVATING). */
  register(task: TaskView): Promise<void>;
  /**
   * Deregisters the task (during DEACTIVATING). Resolves when draining is over: after the target
   * groups' deregistration delay, or at once for Cloud Map only.
   */
  deregister(task: TaskView): Promise<void>;
  /**
   * The task's target state in `targetGroupArn`. Leave undefined when the service has no target
   * groups (the scheduler then uses container health or the 40-second rule, §3.1). When the state
   * changes, call {@link ServiceSchedulerLike.onLoadBalancerHealthChange} so the scheduler acts at
   * once instead of on its next periodic pass.
   */
  loadBalancerHealth?(task: TaskView, targetGroupArn: string): LoadBalancerTargetState;
  /**
   * The reason of an unhealthy target, for the service event, e.g. `Request timed out`.
   * @default "Health checks failed"
   */
  loadBalancerHealthReason?(task: TaskView, targetGroupArn: string): string | undefined;
  /** Pushes the task's health to Cloud Map custom health (RUNNING tasks; on every change). */
  reportHealth?(task: TaskView, health: TaskHealth): void;
}

/** The part of the scheduler attachments may call back. */
export interface ServiceSchedulerLike {
  /** A target of task `taskId` changed state in one of the service's target groups. */
  onLoadBalancerHealthChange(taskId: string): void;
}
