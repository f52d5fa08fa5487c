/**
 * The plain-text summary printed when a deploy or destroy ends: where each container image got
 * to, how each root stack ended, and for failures what failed and why (CloudFormation's reason,
 * and for ECS services the rollout, the stopped tasks' reasons and their last log lines).
 *
 * @module
 */

import {
  displayReason,
  formatDuration,
  lastLogLines,
  latestStoppedTasks,
  rolloutSummary,
  sameLines,
  sanitizeLine,
  shortResourceType,
  stoppedTaskReason,
} from './format.js';
import type { DeployProgressModel } from './model.js';
import type { ImageRow, RootStackNode, ServiceRollout } from './types.js';

/**
 * The end-of-run summary, `\n`-terminated, without colour. Examples:
 *
 * ```text
 * Deployed MyApp in 3m10s (CREATE_COMPLETE, 12/12 resources).
 * ```
 *
 * ```text
 * Deploy of MyApp failed after 6m02s (ROLLBACK_COMPLETE).
 *   The following resource(s) failed to create: [ServiceStack]. Rollback requested by user.
 *
 * 1 resource failed:
 *   MyApp/ServiceStack/Service  ECS::Service  CREATE_FAILED
 *     Resource handler returned message: "…"
 *     tasks 0/2 running · rollout FAILED · circuit breaker 3/3 failed
 *     task 4c1f2a9e0b8d4e7f9a1b2c3d4e5f6a7b stopped: Essential container in task exited (exit 1)
 *       │ Error: connect ECONNREFUSED 10.0.1.23:5432
 * ```
 */
export function renderSummary(model: DeployProgressModel): string {
  const view = model.view();
  const out: string[] = [];
  if (view.images.length > 0) out.push(imagesLine(view.images));
  for (const stack of view.stacks) out.push(...stackLines(stack));

  // A nested stack's failure only points at the failures inside it; list those instead.
  const all = model.failures();
  const failures = all.filter(
    (f) =>
      f.type !== 'AWS::CloudFormation::Stack' ||
      !all.some((inner) => inner.stackPath.startsWith(`${f.stackPath}/${f.logicalId}`)),
  );
  const listed = new Set<ServiceRollout>();
  if (failures.length > 0) {
    const noun = failures.length === 1 ? 'resource' : 'resources';
    const deletes = failures.every((f) => f.status === 'DELETE_FAILED');
    out.push('', `${failures.length} ${noun} ${deletes ? 'could not be deleted' : 'failed'}:`);
    for (const failure of failures) {
      out.push(
        `  ${failure.stackPath}/${failure.logicalId}  ${shortResourceType(failure.type)}  ${failure.status}`,
      );
      out.push(`    ${displayReason(failure.reason) || 'no reason given'}`);
      if (failure.rollout && !listed.has(failure.rollout)) {
        listed.add(failure.rollout);
        out.push(...rolloutDetail(failure.rollout, '    '));
      }
    }
  }

  // Services that never started, when the deploy was stopped before CloudFormation gave up on them.
  const anyFailed = view.stacks.some((stack) => stack.finished && !stack.finished.ok);
  const troubled = anyFailed ? model.troubledRollouts().filter((t) => !listed.has(t.rollout)) : [];
  for (const { stackPath, rollout } of troubled) {
    out.push('', `ECS service ${stackPath}/${rollout.logicalId} (${sanitizeLine(rollout.serviceName)}):`);
    out.push(...rolloutDetail(rollout, '  '));
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** `Container images: Orders/Image pushed, Billing/Image failed.` */
function imagesLine(images: readonly ImageRow[]): string {
  return `Container images: ${images.map((image) => `${sanitizeLine(image.name)} ${image.stage}`).join(', ')}.`;
}

function stackLines(stack: RootStackNode): string[] {
  const verb = stack.operation === 'destroy' ? 'Destroy' : stack.isUpdate ? 'Update' : 'Deploy';
  const elapsed = formatDuration(stack.elapsedMs);
  const status = stack.status ? `${stack.status}, ` : '';
  const counts = `${stack.done}/${stack.total} resources`;
  if (!stack.finished) {
    return [`${verb} of ${stack.stackName} has not finished after ${elapsed} (${status}${counts}).`];
  }
  if (stack.finished.ok) {
    const done = verb === 'Destroy' ? 'Destroyed' : verb === 'Update' ? 'Updated' : 'Deployed';
    return [`${done} ${stack.stackName} in ${elapsed} (${status}${counts}).`];
  }
  const lines = [
    `${verb} of ${stack.stackName} failed after ${elapsed}${stack.status ? ` (${stack.status})` : ''}.`,
  ];
  if (stack.finished.message) lines.push(`  ${sanitizeLine(stack.finished.message)}`);
  if (stack.reason && (stack.severity === 'failed' || stack.severity === 'rollback')) {
    lines.push(`  ${displayReason(stack.reason)}`);
  }
  return lines;
}

function rolloutDetail(rollout: ServiceRollout, indent: string): string[] {
  const lines = [`${indent}${rolloutSummary(rollout)}`];
  if (rollout.rolloutState === 'FAILED' && rollout.rolloutStateReason) {
    lines.push(`${indent}rollout failed: ${sanitizeLine(rollout.rolloutStateReason)}`);
  }
  let previous: { taskId: string; lines: string[] } | undefined;
  for (const task of latestStoppedTasks(rollout)) {
    lines.push(`${indent}task ${task.taskId} stopped: ${stoppedTaskReason(task)}`);
    const logLines = lastLogLines(task);
    if (previous && logLines.length > 0 && sameLines(logLines, previous.lines)) {
      lines.push(`${indent}  │ (same log lines as task ${previous.taskId})`);
      continue;
    }
    for (const line of logLines) lines.push(`${indent}  │ ${line}`);
    if (logLines.length > 0) previous = { taskId: task.taskId, lines: logLines };
  }
  return lines;
}
