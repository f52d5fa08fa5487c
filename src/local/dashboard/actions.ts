/**
 * The dashboard's two actions, through the code paths the rest of `wharf dev` uses: stop a task
 * (ECS `StopTask`: `ServiceScheduler.stopTask`, after which the service launches a replacement)
 * and force a new deployment (ECS `UpdateService --force-new-deployment`:
 * `ServiceScheduler.updateService`, as `LocalCloud.update` rolls a changed template).
 *
 * Fidelity (aws-behavior.md §3.5): a stopped task shows `stoppedReason` with the reason given (up to
 * 255 characters, as `StopTask` allows), or `Task stopped by user` by default, and stop code
 * `UserInitiated`; a forced deployment starts a
 * new PRIMARY deployment of the current task definition that rolls like any other.
 */

import { isWharfError } from '../../errors.js';
import type { ServiceScheduler } from '../ecs/service-scheduler.js';

/** An action's answer: an HTTP status and a message for the page. */
export interface ActionResult {
  readonly status: 200 | 400 | 404 | 409;
  readonly message: string;
}

/** Longest stop reason accepted, as AWS's `StopTask` `reason` (255 characters). */
export const MAX_STOP_REASON = 255;

const TASK_ID = /^[0-9a-f]{32}$/;

/** Stops a service's task like `aws ecs stop-task`; 404 when no service runs it. */
export function stopTask(
  services: ReadonlyMap<string, ServiceScheduler>,
  taskId: string,
  reason?: string,
): ActionResult {
  if (!TASK_ID.test(taskId)) return { status: 400, message: 'A task id is 32 lower-case hex characters.' };
  if (reason !== undefined && (reason.length === 0 || reason.length > MAX_STOP_REASON)) {
    return { status: 400, message: `A stop reason has 1 to ${MAX_STOP_REASON} characters.` };
  }
  for (const [name, scheduler] of services) {
    const task = scheduler.describe().tasks.find((t) => t.taskId === taskId);
    if (!task) continue;
    if (task.desiredStatus === 'STOPPED') {
      return { status: 409, message: `Task ${taskId} of service ${name} is already stopping or stopped.` };
    }
    scheduler.stopTask(taskId, reason);
    return { status: 200, message: `Stopping task ${taskId} of service ${name}; the service replaces it.` };
  }
  return { status: 404, message: `No service runs task ${taskId}.` };
}

/** Starts a new deployment of a service's current task definition; 404 for an unknown service. */
export function forceNewDeployment(
  services: ReadonlyMap<string, ServiceScheduler>,
  serviceName: string,
): ActionResult {
  const scheduler = services.get(serviceName);
  if (!scheduler) return { status: 404, message: 'No such service.' };
  try {
    scheduler.updateService({ forceNewDeployment: true });
  } catch (error) {
    if (isWharfError(error)) return { status: 409, message: error.message };
    throw error;
  }
  return { status: 200, message: `New deployment of service ${serviceName} started.` };
}
