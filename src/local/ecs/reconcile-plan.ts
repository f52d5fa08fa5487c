/**
 * The pure decision of one scheduler pass: which tasks to stop and how many to start, given the
 * live tasks, the desired count and the deployment configuration.
 *
 * Fidelity (aws-behavior.md §3.1): every task not yet STOPPED counts toward `maximumPercent`
 * (RUNNING, PENDING and STOPPING in the current wording). `minimumHealthyPercent` counts tasks
 * "in service": RUNNING with desiredStatus RUNNING and proven healthy at least once (a new task
 * counts only once it is healthy, §3.1 "When a new task counts as healthy"). A task that was
 * never in service can always be stopped; stopping one in service needs
 * `inService − 1 ≥ minimumHealthyTasks`. So:
 * - unhealthy tasks are replaced by starting replacements first when `maximumPercent` allows,
 *   and stopped once enough tasks are healthy ("maintain minimumHealthyPercent tasks until the
 *   replacement tasks become healthy"); otherwise they are stopped one by one under the same
 *   minimum;
 * - tasks of older deployments are stopped under the same minimum (min 75/max 200, N=2: start 2,
 *   then stop 2; min 50/max 100, N=4: stop 2, then start 2);
 * - among tasks in service, the one in the most crowded Availability Zone goes first (AZ
 *   balance), then the oldest.
 * Not reproduced: placement constraints and strategies (Fargate has none), capacity providers.
 */

import { maximumTasks, minimumHealthyTasks } from './deployment-math.js';

/** What the plan needs to know about one live task (desiredStatus RUNNING). */
export interface PlanTask {
  readonly taskId: string;
  readonly deploymentId: string;
  readonly createdAt: number;
  readonly availabilityZone?: string;
  /** RUNNING and counted healthy at least once. */
  readonly inService: boolean;
  /** Fails its ELB or container health checks (outside the grace period). */
  readonly unhealthy: boolean;
}

/** Input of {@link planReconcile}. */
export interface PlanInput {
  readonly desiredCount: number;
  readonly minimumHealthyPercent: number;
  readonly maximumPercent: number;
  readonly primaryDeploymentId: string;
  /** False when the primary deployment FAILED, the throttle holds launches, or the service stops. */
  readonly canLaunch: boolean;
  /** False when older deployments' tasks must be kept (the primary FAILED without rollback). */
  readonly drainOlderDeployments: boolean;
  /** Tasks with desiredStatus RUNNING. */
  readonly tasks: readonly PlanTask[];
  /** Tasks already stopping (desiredStatus STOPPED, not yet STOPPED): they still count toward the maximum. */
  readonly stoppingCount: number;
}

/** Why the plan stops a task. */
export type PlanStopCause = 'unhealthy' | 'older-deployment' | 'scale-in';

/** Output of {@link planReconcile}. */
export interface Plan {
  readonly stops: readonly { readonly taskId: string; readonly cause: PlanStopCause }[];
  readonly launch: number;
  /** Work remains (unhealthy or older tasks) that the limits do not let this pass touch. */
  readonly blocked: boolean;
}

/** Decides one pass. Pure. */
export function planReconcile(input: PlanInput): Plan {
  const minimum = minimumHealthyTasks(input.desiredCount, input.minimumHealthyPercent);
  const maximum = maximumTasks(input.desiredCount, input.maximumPercent);
  const remaining = new Map(input.tasks.map((task) => [task.taskId, task]));
  let inService = input.tasks.filter((task) => task.inService).length;
  const stops: { taskId: string; cause: PlanStopCause }[] = [];
  let blocked = false;

  const tryStop = (task: PlanTask, cause: PlanStopCause): boolean => {
    if (task.inService && inService - 1 < minimum) return false;
    if (task.inService) inService -= 1;
    remaining.delete(task.taskId);
    stops.push({ taskId: task.taskId, cause });
    return true;
  };

  // 1. Unhealthy tasks: never-proven ones at once, proven ones under the minimum.
  for (const task of orderForStopping(
    input.tasks.filter((task) => task.unhealthy),
    remaining,
  )) {
    if (!tryStop(task, 'unhealthy')) blocked = true;
  }

  // 2. Tasks of older deployments.
  if (input.drainOlderDeployments) {
    const older = [...remaining.values()].filter((task) => task.deploymentId !== input.primaryDeploymentId);
    for (const task of orderForStopping(older, remaining)) {
      if (!tryStop(task, 'older-deployment')) blocked = true;
    }
  }

  // 3. Primary tasks beyond the desired count (scale-in).
  const primary = [...remaining.values()].filter(
    (task) => task.deploymentId === input.primaryDeploymentId && !task.unhealthy,
  );
  let excess = primary.length - input.desiredCount;
  for (const task of orderForStopping(primary, remaining)) {
    if (excess <= 0) break;
    if (tryStop(task, 'scale-in')) excess -= 1;
  }

  // 4. Launches for the primary deployment, within the maximum.
  let launch = 0;
  if (input.canLaunch) {
    const primaryKept = [...remaining.values()].filter(
      (task) => task.deploymentId === input.primaryDeploymentId && !task.unhealthy,
    ).length;
    const needed = input.desiredCount - primaryKept;
    const room = maximum - input.tasks.length - input.stoppingCount;
    launch = Math.max(0, Math.min(needed, room));
  }
  return { stops, launch, blocked };
}

/**
 * Stop order: tasks not in service first (newest first: they are furthest from serving), then
 * tasks in service from the Availability Zone with the most remaining tasks, oldest first.
 */
function orderForStopping(
  candidates: readonly PlanTask[],
  remaining: ReadonlyMap<string, PlanTask>,
): PlanTask[] {
  const perZone = new Map<string, number>();
  for (const task of remaining.values()) {
    const zone = task.availabilityZone ?? '';
    perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
  }
  const notInService = candidates.filter((task) => !task.inService).sort((a, b) => b.createdAt - a.createdAt);
  const inService = candidates.filter((task) => task.inService);
  const ordered: PlanTask[] = [];
  const pool = [...inService];
  while (pool.length > 0) {
    pool.sort((a, b) => {
      const zoneDifference =
        (perZone.get(b.availabilityZone ?? '') ?? 0) - (perZone.get(a.availabilityZone ?? '') ?? 0);
      return zoneDifference !== 0 ? zoneDifference : a.createdAt - b.createdAt;
    });
    const next = pool.shift() as PlanTask;
    ordered.push(next);
    const zone = next.availabilityZone ?? '';
    perZone.set(zone, (perZone.get(zone) ?? 1) - 1);
  }
  return [...notInService, ...ordered];
}
