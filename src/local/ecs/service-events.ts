/**
 * Service events (`DescribeServices` → `events`): the messages the ECS scheduler writes, worded
 * as AWS words them, and the capped newest-first log that keeps them.
 *
 * Fidelity (aws-behavior.md §3.1, §3.2, §3.4): the texts of "has started N tasks", "has stopped N
 * running tasks", "has reached a steady state", "is unable to consistently start tasks
 * successfully", the target-group unhealthy event and "deployment failed: tasks failed to start"
 * follow public AWS output. AWS keeps the 100 newest events. Wording this emulator chose where
 * AWS is not documented: the rollback event `(service X) rolling back to deployment ecs-svc/….`,
 * `(service X) (task id) failed container health checks.`, and the Wharf-only event when a
 * failed deployment has nothing to roll back to. Not reproduced: AWS re-emitting "steady state"
 * every six hours.
 */

import { randomUUID } from 'node:crypto';

/** One service event. */
export interface ServiceEvent {
  /** A UUID, like AWS event ids. */
  readonly id: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly message: string;
}

/** Lists task ids the AWS way: `(task a) (task b)`. */
function taskList(taskIds: readonly string[]): string {
  return taskIds.map((id) => `(task ${id})`).join(' ');
}

/** The event texts. Each takes the service name first. */
export const serviceMessages = {
  started: (service: string, taskIds: readonly string[]) =>
    `(service ${service}) has started ${taskIds.length} tasks: ${taskList(taskIds)}.`,
  stopped: (service: string, taskIds: readonly string[]) =>
    `(service ${service}) has stopped ${taskIds.length} running tasks: ${taskList(taskIds)}.`,
  steadyState: (service: string) => `(service ${service}) has reached a steady state.`,
  throttled: (service: string) => `(service ${service}) is unable to consistently start tasks successfully.`,
  deploymentCompleted: (service: string, deploymentId: string) =>
    `(service ${service}) (deployment ${deploymentId}) deployment completed.`,
  deploymentFailed: (service: string, deploymentId: string) =>
    `(service ${service}) (deployment ${deploymentId}) deployment failed: tasks failed to start.`,
  rollingBack: (service: string, deploymentId: string) =>
    `(service ${service}) rolling back to deployment ${deploymentId}.`,
  noRollbackTarget: (service: string, deploymentId: string, taskDefinitionArn: string) =>
    `(service ${service}) (deployment ${deploymentId}) cannot roll back: no earlier deployment of this service ` +
    `reached COMPLETED. No more tasks are started for ${taskDefinitionArn}; fix the task definition ` +
    '(see the stopped tasks\u2019 stoppedReason and logs) and update the service.',
  failedWithoutRollback: (service: string, deploymentId: string) =>
    `(service ${service}) (deployment ${deploymentId}) circuit breaker rollback is off: no more tasks are ` +
    'started for this deployment.',
  containerUnhealthy: (service: string, taskId: string) =>
    `(service ${service}) (task ${taskId}) failed container health checks.`,
  targetUnhealthy: (service: string, ip: string, port: number, targetGroupArn: string, reason: string) =>
    `(service ${service}) (instance ${ip}) (port ${port}) is unhealthy in target-group ${targetGroupArn} ` +
    `due to (reason ${reason}).`,
  registeredTargets: (service: string, count: number, targetGroupArn: string) =>
    `(service ${service}) registered ${count} targets in (target-group ${targetGroupArn})`,
  drainingTasks: (service: string, count: number) =>
    `(service ${service}) has begun draining connections on ${count} tasks.`,
  deregisteredTargets: (service: string, count: number, targetGroupArn: string) =>
    `(service ${service}) deregistered ${count} targets in (target-group ${targetGroupArn})`,
  schedulerError: (service: string, what: string, error: unknown) =>
    `(service ${service}) ${what}: ${error instanceof Error ? error.message : String(error)}`,
} as const;

/** Newest-first capped event log; every added event is also passed to `listener`. */
export class ServiceEventLog {
  private readonly events: ServiceEvent[] = [];

  /**
   * @param capacity how many events to keep (AWS shows the 100 newest)
   * @param listener called for each new event; a throwing listener is ignored
   */
  constructor(
    private readonly capacity = 100,
    private readonly listener?: (event: ServiceEvent) => void,
  ) {}

  /** Adds an event at `now`. */
  add(message: string, now: number): ServiceEvent {
    const event: ServiceEvent = { id: randomUUID(), createdAt: now, message };
    this.events.unshift(event);
    if (this.events.length > this.capacity) this.events.length = this.capacity;
    try {
      this.listener?.(event);
    } catch {
      // A status view's bug must not break the scheduler.
    }
    return event;
  }

  /** The kept events, newest first. */
  list(): readonly ServiceEvent[] {
    return [...this.events];
  }
}
