/**
 * Small pure helpers shared by the model and the renderers: status classification, durations,
 * clock times, type names, and making text from AWS and from containers safe to print.
 *
 * @module
 */

import type { ServiceRollout, Severity, StoppedTask } from './types.js';

/** Reasons CloudFormation gives a resource that failed only because another one did. */
const CANCELLED_REASON = /^Resource (creation|update|deletion|import) cancelled\.?$/i;

/** True for "Resource creation cancelled" and its update/delete siblings. */
export function isCancellationReason(reason: string | undefined): boolean {
  return reason !== undefined && CANCELLED_REASON.test(reason.trim());
}

/** True when a status is still moving (`*_IN_PROGRESS`). */
export function isInProgress(status: string | undefined): boolean {
  return status?.endsWith('_IN_PROGRESS') === true;
}

/** Classifies a CloudFormation resource or stack status; see {@link Severity}. */
export function statusSeverity(status: string | undefined, reason?: string): Severity {
  if (!status) return 'pending';
  if (status.endsWith('_FAILED')) {
    if (!status.includes('ROLLBACK') && isCancellationReason(reason)) return 'cancelled';
    return 'failed';
  }
  if (status.includes('ROLLBACK')) return 'rollback';
  if (status.endsWith('_IN_PROGRESS')) return 'progress';
  if (status === 'DELETE_SKIPPED') return 'skipped';
  if (status.endsWith('_COMPLETE')) return 'complete';
  return 'pending';
}

/** `AWS::ECS::Service` → `ECS::Service`; other types (`Custom::X`) unchanged. */
export function shortResourceType(type: string): string {
  return type.startsWith('AWS::') ? type.slice('AWS::'.length) : type;
}

/** The stack name inside a CloudFormation stack ARN, or the input when it is not one. */
export function stackNameFromArn(arn: string): string {
  const match = /^arn:[^:]+:cloudformation:[^:]*:[^:]*:stack\/([^/]+)\//.exec(arn);
  return match?.[1] ?? arn;
}

/**
 * A duration for humans: `0s`, `41s`, `1m05s`, `1h02m`. Negative durations (clock skew) show as
 * `0s`.
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** `HH:MM:SS` of an instant, in the local time zone or UTC. */
export function formatClock(at: number | Date, timeZone: 'local' | 'utc' = 'local'): string {
  const date = typeof at === 'number' ? new Date(at) : at;
  const parts =
    timeZone === 'utc'
      ? [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
      : [date.getHours(), date.getMinutes(), date.getSeconds()];
  return parts.map((n) => String(n).padStart(2, '0')).join(':');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the point
const ANSI_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * One printable line from text we do not control (CloudFormation reasons, container logs):
 * terminal escape sequences removed, tabs expanded, line breaks and other control characters
 * turned into spaces, trailing space trimmed.
 */
export function sanitizeLine(text: string): string {
  return text
    .replace(ANSI_SEQUENCE, '')
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/\t/g, '  ')
    .replace(CONTROL, ' ')
    .trimEnd();
}

/**
 * A CloudFormation reason for display: sanitized, with stack ARNs replaced by the stack name
 * (`Embedded stack arn:aws:cloudformation:…:stack/MyApp-Service-1X/… was not…` →
 * `Embedded stack MyApp-Service-1X was not…`).
 */
export function displayReason(reason: string): string {
  return sanitizeLine(reason).replace(
    /arn:aws[\w-]*:cloudformation:[\w-]*:\d*:stack\/([^/\s]+)\/[\w-]+/g,
    (_, name: string) => name,
  );
}

/** `tasks 1/2 running, 1 pending · rollout IN_PROGRESS · circuit breaker 2/3 failed`. */
export function rolloutSummary(rollout: ServiceRollout): string {
  const parts = [
    `tasks ${rollout.running}/${rollout.desired} running${rollout.pending > 0 ? `, ${rollout.pending} pending` : ''}`,
  ];
  if (rollout.rolloutState) parts.push(`rollout ${rollout.rolloutState}`);
  const breaker = rollout.circuitBreaker;
  if (breaker?.enabled) parts.push(`circuit breaker ${breaker.failedTasks}/${breaker.threshold} failed`);
  return parts.join(' · ');
}

/** True when the rollout has failed or its circuit breaker has reached its threshold. */
export function rolloutTripped(rollout: ServiceRollout): boolean {
  const breaker = rollout.circuitBreaker;
  return (
    rollout.rolloutState === 'FAILED' ||
    (breaker?.enabled === true && breaker.threshold > 0 && breaker.failedTasks >= breaker.threshold)
  );
}

/**
 * A stopped task's reason with its containers' exit codes: `Essential container in task exited
 * (exit 1)` for a one-container task, `(web exit 137: OutOfMemoryError, log-router exit 0)` for
 * several. Containers without an exit code or reason are left out.
 */
export function stoppedTaskReason(task: StoppedTask): string {
  const described = task.containers.filter((c) => c.exitCode !== undefined || c.reason);
  const single = task.containers.length === 1;
  const details = described.map((c) => {
    const code = c.exitCode !== undefined ? `exit ${c.exitCode}` : '';
    const reason = c.reason ? sanitizeLine(c.reason) : '';
    const text = code && reason ? `${code}: ${reason}` : code || reason;
    return single ? text : `${c.name} ${text}`;
  });
  const base = sanitizeLine(task.stoppedReason) || 'stopped';
  return details.length > 0 ? `${base} (${details.join(', ')})` : base;
}

/** The first 8 characters of a task id, as the ECS console shows it. */
export function shortTaskId(taskId: string): string {
  return taskId.slice(0, 8);
}

/** Up to `limit` newest stopped tasks, newest first. */
export function latestStoppedTasks(rollout: ServiceRollout, limit = 3): readonly StoppedTask[] {
  return rollout.stoppedTasks.slice(0, limit);
}

/** The last `limit` log lines of a task, sanitized, without blank ones. */
export function lastLogLines(task: StoppedTask, limit = 5): string[] {
  return task.logLines
    .map(sanitizeLine)
    .filter((line) => line.trim() !== '')
    .slice(-limit);
}

/** True when two lists of lines are equal. */
export function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}
