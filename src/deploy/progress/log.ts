/**
 * The append-only progress log for CI and other non-terminals: one line per status change, no
 * ANSI codes, e.g.
 *
 * ```text
 * 11:59:58  image Orders/Image  building
 * 12:00:01  image Orders/Image  pushing  127.0.0.1:5000/cdk-hnb659fds-container-assets-…:53feef40…
 * 12:00:02  image Orders/Image  pushed  (4s)
 * 12:00:03  ServiceStack/Service  ECS::Service  CREATE_IN_PROGRESS  (41s)
 *   └ tasks 0/2 running, 2 pending · rollout IN_PROGRESS · circuit breaker 1/3 failed
 *   └ task 4c1f2a9e stopped: Essential container in task exited (exit 1)
 *       │ Error: connect ECONNREFUSED 10.0.1.23:5432
 * ```
 *
 * Resource paths leave out the root stack's name while only one root stack is being deployed.
 * A nested stack's own status is logged only when it says more than its row in the parent stack
 * (e.g. `ROLLBACK_IN_PROGRESS` while the parent still shows `CREATE_IN_PROGRESS`).
 *
 * @module
 */

import {
  displayReason,
  formatClock,
  formatDuration,
  isInProgress,
  lastLogLines,
  rolloutSummary,
  sameLines,
  sanitizeLine,
  shortResourceType,
  shortTaskId,
  stoppedTaskReason,
} from './format.js';
import type { DeployProgressModel } from './model.js';
import type { ProgressChange, ProgressOutput, ProgressUpdate, ServiceRollout, StackStart } from './types.js';

/** Options of {@link LogRenderer}. */
export interface LogRendererOptions {
  /** Time zone of the `HH:MM:SS` stamps; default `local`. */
  readonly timeZone?: 'local' | 'utc';
}

/** Writes a {@link DeployProgressModel}'s changes as log lines; see the module documentation. */
export class LogRenderer {
  private readonly timeZone: 'local' | 'utc';
  private readonly unsubscribe: () => void;
  private readonly starts = new Map<string, StackStart>();
  /** Per service: what was last logged of its rollout, and which stopped tasks were shown. */
  private readonly services = new Map<
    string,
    { signature: string; tasks: Set<string>; lastLog?: { taskId: string; lines: string[] } }
  >();

  constructor(
    private readonly model: DeployProgressModel,
    private readonly out: ProgressOutput,
    options: LogRendererOptions = {},
  ) {
    this.timeZone = options.timeZone ?? 'local';
    this.unsubscribe = model.subscribe((update) => this.onUpdate(update));
  }

  /** Detaches from the model. */
  stop(): void {
    this.unsubscribe();
  }

  private onUpdate(update: ProgressUpdate): void {
    if (update.input.kind === 'stack-started')
      this.starts.set(update.input.start.stackName, update.input.start);
    const lines: string[] = [];
    for (const change of update.changes) lines.push(...this.linesFor(change, update.now));
    if (lines.length > 0) this.out.write(lines.map((line) => `${line}\n`).join(''));
  }

  private linesFor(change: ProgressChange, now: number): string[] {
    switch (change.kind) {
      case 'stack-started': {
        const start = this.startOf(change.stackName);
        return start ? [`${this.clock(now)}  ${startLine(start)}`] : [];
      }
      case 'resource-status': {
        const parts = [
          this.clock(change.at ?? now),
          this.path(change.stackPath, change.logicalId),
          shortResourceType(change.type) || '-',
          change.status,
        ];
        const final = !isInProgress(change.status);
        if (change.elapsedMs !== undefined && (final || change.elapsedMs >= 1000)) {
          parts.push(`(${formatDuration(change.elapsedMs)})`);
        }
        if (
          change.reason &&
          (change.severity === 'failed' || change.severity === 'rollback' || change.severity === 'cancelled')
        ) {
          parts.push(displayReason(change.reason));
        }
        return [parts.join('  ')];
      }
      case 'stack-status': {
        const isRoot = change.parentRowStatus === undefined && change.stackPath.length === 1;
        // A nested stack's own status mostly repeats its row in the parent; only a rollback is news.
        if (!isRoot && (change.severity !== 'rollback' || change.parentRowStatus === change.status))
          return [];
        const parts = [
          this.clock(change.at ?? now),
          isRoot ? change.stackName : this.path(change.stackPath.slice(0, -1), change.stackPath.at(-1) ?? ''),
          'CloudFormation::Stack',
          change.status,
        ];
        if (change.reason && (change.severity === 'failed' || change.severity === 'rollback')) {
          parts.push(displayReason(change.reason));
        }
        return [parts.join('  ')];
      }
      case 'rollout':
        return this.rolloutLines(change, now);
      case 'image': {
        const parts = [this.clock(now), `image ${change.name}`, change.stage];
        const final = change.severity !== 'progress';
        if (change.elapsedMs !== undefined && final) parts.push(`(${formatDuration(change.elapsedMs)})`);
        if (change.stage === 'pushing' || change.stage === 'pushed' || change.stage === 'unchanged') {
          if (change.imageUri) parts.push(change.imageUri);
        }
        if (change.detail && change.stage === 'failed') parts.push(sanitizeLine(change.detail));
        return [parts.join('  ')];
      }
      case 'finished': {
        const start = this.startOf(change.stackName);
        const verb = start?.operation === 'destroy' ? 'Destroy' : start?.isUpdate ? 'Update' : 'Deploy';
        const elapsed = formatDuration(change.elapsedMs);
        if (change.ok) {
          const done = verb === 'Destroy' ? 'Destroyed' : verb === 'Update' ? 'Updated' : 'Deployed';
          return [`${this.clock(now)}  ${done} ${change.stackName} in ${elapsed}`];
        }
        const status = this.model.view().stacks.find((stack) => stack.stackName === change.stackName)?.status;
        const why = change.message ? `: ${sanitizeLine(change.message)}` : '';
        return [
          `${this.clock(now)}  ${verb} of ${change.stackName} failed after ${elapsed}${status ? ` (${status})` : ''}${why}`,
        ];
      }
    }
  }

  private rolloutLines(change: Extract<ProgressChange, { kind: 'rollout' }>, now: number): string[] {
    const { rollout } = change;
    const key = `${rollout.stackId}\n${rollout.logicalId}`;
    const seen = this.services.get(key) ?? { signature: '', tasks: new Set<string>(), lastLog: undefined };
    this.services.set(key, seen);
    const signature = rolloutSignature(rollout);
    const fresh = rollout.stoppedTasks.filter((task) => !seen.tasks.has(task.taskId)).reverse();
    const failedReason =
      rollout.rolloutState === 'FAILED' && rollout.rolloutStateReason
        ? [`  └ rollout failed: ${sanitizeLine(rollout.rolloutStateReason)}`]
        : [];
    if (signature === seen.signature && fresh.length === 0) return [];
    const head = [
      this.clock(now),
      this.path(change.stackPath, change.logicalId),
      'ECS::Service',
      change.status ?? rollout.serviceName,
    ];
    if (change.elapsedMs !== undefined) head.push(`(${formatDuration(change.elapsedMs)})`);
    const lines = [head.join('  '), `  └ ${rolloutSummary(rollout)}`];
    if (signature !== seen.signature) lines.push(...failedReason);
    for (const task of fresh) {
      seen.tasks.add(task.taskId);
      lines.push(`  └ task ${shortTaskId(task.taskId)} stopped: ${stoppedTaskReason(task)}`);
      const logLines = lastLogLines(task);
      if (seen.lastLog && logLines.length > 0 && sameLines(logLines, seen.lastLog.lines)) {
        lines.push(`      │ (same log lines as task ${shortTaskId(seen.lastLog.taskId)})`);
      } else {
        for (const line of logLines) lines.push(`      │ ${line}`);
      }
      if (logLines.length > 0) seen.lastLog = { taskId: task.taskId, lines: logLines };
    }
    seen.signature = signature;
    return lines;
  }

  private startOf(stackName: string): StackStart | undefined {
    return this.starts.get(stackName) ?? this.rememberedStart(stackName);
  }

  private rememberedStart(stackName: string): StackStart | undefined {
    const root = this.model.view().stacks.find((stack) => stack.stackName === stackName);
    if (!root) return undefined;
    const start: StackStart = {
      stackName,
      operation: root.operation,
      isUpdate: root.isUpdate,
      resourcesTotal: root.total > 0 ? root.total : undefined,
    };
    this.starts.set(stackName, start);
    return start;
  }

  private path(stackPath: readonly string[], logicalId: string): string {
    const roots = this.model.rootStackNames();
    const relative = roots.length <= 1 && roots.includes(stackPath[0] ?? '') ? stackPath.slice(1) : stackPath;
    return [...relative, logicalId].filter(Boolean).join('/');
  }

  private clock(at: number | Date): string {
    return formatClock(at, this.timeZone);
  }
}

function startLine(start: StackStart): string {
  const verb = start.operation === 'destroy' ? 'Destroying' : start.isUpdate ? 'Updating' : 'Deploying';
  const total = start.resourcesTotal !== undefined ? ` (${start.resourcesTotal} resources)` : '';
  return `${verb} ${start.stackName}${total}`;
}

function rolloutSignature(rollout: ServiceRollout): string {
  const breaker = rollout.circuitBreaker;
  return [
    rollout.running,
    rollout.desired,
    rollout.pending,
    rollout.rolloutState ?? '',
    rollout.rolloutStateReason ?? '',
    breaker?.enabled ? `${breaker.failedTasks}/${breaker.threshold}` : '',
  ].join('|');
}
