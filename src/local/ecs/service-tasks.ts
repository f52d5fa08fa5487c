/**
 * The tasks of one service: the live ones (each driven by a {@link TaskLifecycle}), the recently
 * stopped ones kept for status views, and the promises of every lifecycle still running.
 *
 * Fidelity (aws-behavior.md §3.1, §3.5): new tasks get a 32-hex id and a long-format ARN; the
 * service's subnets are offered rotated by one per launch so consecutive tasks land in different
 * Availability Zones. AWS keeps stopped tasks visible for about an hour; this registry keeps the
 * newest N (50 by default) instead.
 */

import type { Deployment } from './deployment.js';
import { newTaskId, Task, type TaskView, taskArn } from './task.js';
import { TaskLifecycle, type TaskLifecycleContext } from './task-lifecycle.js';
import type { EcsServiceConfig } from './types.js';

/** Live and recently stopped tasks of a service. */
export class ServiceTasks {
  private readonly live = new Map<string, TaskLifecycle>();
  private readonly stopped: TaskView[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly region: string;
  private readonly account: string;
  private launches = 0;

  /**
   * @param stoppedKept how many stopped tasks {@link views} keeps
   * @param onLifecycleError called if a lifecycle rejects (it is written never to)
   */
  constructor(
    private readonly service: EcsServiceConfig,
    private readonly stoppedKept: number,
    private readonly onLifecycleError: (taskId: string, error: unknown) => void,
  ) {
    const [, , , region, account] = service.arn.split(':');
    this.region = region || 'us-east-1';
    this.account = account || '000000000000';
  }

  /** Creates a PROVISIONING task of `deployment` and starts its lifecycle. */
  launch(deployment: Deployment, context: TaskLifecycleContext, now: number): TaskLifecycle {
    const taskId = newTaskId();
    const { clusterName, name: serviceName, subnetIds } = this.service;
    const task = new Task(
      {
        taskId,
        taskArn: taskArn(this.region, this.account, clusterName, taskId),
        clusterName,
        serviceName,
        deploymentId: deployment.id,
        taskDefinition: deployment.taskDefinition,
      },
      now,
    );
    const offset = subnetIds.length > 0 ? this.launches % subnetIds.length : 0;
    this.launches += 1;
    const subnets = [...subnetIds.slice(offset), ...subnetIds.slice(0, offset)];
    const lifecycle = new TaskLifecycle(task, subnets, context);
    this.live.set(taskId, lifecycle);
    const run = lifecycle.run().catch((error: unknown) => this.onLifecycleError(taskId, error));
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run));
    return lifecycle;
  }

  /** A live task's lifecycle. */
  get(taskId: string): TaskLifecycle | undefined {
    return this.live.get(taskId);
  }

  /** Live lifecycles, oldest first. */
  lifecycles(): TaskLifecycle[] {
    return [...this.live.values()];
  }

  /** Live tasks (not yet STOPPED), oldest first. */
  tasks(): Task[] {
    return this.lifecycles().map((lifecycle) => lifecycle.task);
  }

  /** Moves a STOPPED task to the stopped list. */
  markStopped(lifecycle: TaskLifecycle): void {
    this.live.delete(lifecycle.task.taskId);
    this.stopped.unshift(lifecycle.task.view());
    if (this.stopped.length > this.stoppedKept) this.stopped.length = this.stoppedKept;
  }

  /** Snapshots: live tasks, then stopped ones newest first. */
  views(): TaskView[] {
    return [...this.tasks().map((task) => task.view()), ...this.stopped];
  }

  /** Resolves when every lifecycle has finished (all tasks STOPPED). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }
}
