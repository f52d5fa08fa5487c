/**
 * What `wharf dev` prints when a task stops: its stopped reason, how its containers exited and,
 * for a failed task, its last log lines, once. A crash loop repeats the same stop over and over;
 * a repeat (same reason, same exits, same last line with numbers ignored) is collapsed into a
 * count printed when it reaches 2, 4, 8, … (`… ×N`), so the output grows with the logarithm of
 * the loop, not the loop.
 *
 * Fidelity: the stopped reason and container `reason`/`exitCode` are those `DescribeTasks` shows
 * (aws-behavior.md §3.5); the last lines stand in for the CloudWatch Logs stream a user opens next
 * on AWS (as `wharf deploy` shows them). The collapsing is Wharf's own.
 */

import type { IoHost } from '../../io/io-host.js';
import type { TaskView } from './task.js';

/** How many log lines of a failed task are printed. */
export const STOP_REPORT_LINES = 5;
/** Longest log line printed in a report (the full line is in the log file). */
const MAX_LINE = 300;

/** One printed report. */
export interface TaskStopReport {
  /** `warn` for a failed task, `info` for a stop the scheduler or user asked for. */
  readonly level: 'warn' | 'info';
  readonly message: string;
  /** How many times this stop has now been seen in a row (1 = first). */
  readonly repeats: number;
}

/**
 * True when the task stopped because it failed (not scaling, a deployment or the user). A
 * standalone task (RunTask, no deployment) whose essential containers exited with code 0 has
 * finished its work: that is no failure either.
 */
export function isFailedStop(view: TaskView): boolean {
  if (view.stopCode === 'UserInitiated') return false;
  if (view.deploymentId === '' && view.stopCode === 'EssentialContainerExited') {
    const codes = view.containers
      .filter((c) => c.essential && c.exitCode !== undefined)
      .map((c) => c.exitCode);
    if (codes.length > 0 && codes.every((code) => code === 0)) return false;
  }
  return !(view.stoppedReason ?? '').startsWith('Scaling activity initiated by');
}

/** `Essential container in task exited (web: Exited with code 1)`. */
export function stopSummary(view: TaskView): string {
  const exits = view.containers
    .filter((container) => container.reason !== undefined)
    .map((container) => `${container.name}: ${container.reason}`);
  const reason = view.stoppedReason ?? 'stopped';
  return exits.length > 0 ? `${reason} (${exits.join('; ')})` : reason;
}

/**
 * Whether the `count`-th identical stop in a row is printed: the first in full, then a count at
 * 2, 4, 8, … and nothing in between.
 *
 * @example repeatAction(1) // 'full'
 * @example repeatAction(4) // 'count'
 * @example repeatAction(5) // 'none'
 */
export function repeatAction(count: number): 'full' | 'count' | 'none' {
  if (count <= 1) return 'full';
  return (count & (count - 1)) === 0 ? 'count' : 'none';
}

/** What makes two stops "the same": summary and last line, numbers (pids, ports, times) ignored. */
export function repeatKey(view: TaskView, lastLines: readonly string[]): string {
  return `${stopSummary(view)}\n${lastLines.at(-1) ?? ''}`.replace(/\d+/g, '#');
}

/** Collects the last log lines of each task and turns stops into {@link TaskStopReport}s. */
export class TaskStopReporter {
  private readonly lines = new Map<string, { container: string; line: string }[]>();
  private readonly lastStop = new Map<string, { key: string; count: number }>();
  /** Tasks already reported (the newest 1,000), so a late change of a STOPPED task is not reported twice. */
  private readonly reported = new Set<string>();

  /** Keeps a log line of a task (only the last {@link STOP_REPORT_LINES}). */
  log(taskId: string, container: string, line: string): void {
    let kept = this.lines.get(taskId);
    if (!kept) {
      kept = [];
      this.lines.set(taskId, kept);
    }
    kept.push({ container, line: line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line });
    if (kept.length > STOP_REPORT_LINES) kept.shift();
  }

  /**
   * Tells `io` (as `WHARF_DEV_TASK_STOPPED`) about a task that reached STOPPED, once, with repeats
   * collapsed; `owner` says whose task it is (`{ service }` or `{ group }`). Other changes: nothing.
   */
  notifyStop(io: IoHost, view: TaskView, owner: Readonly<Record<string, unknown>>): void {
    if (view.lastStatus !== 'STOPPED') return;
    const report = this.stopped(view);
    if (!report) return;
    io.notify({
      level: report.level,
      code: 'WHARF_DEV_TASK_STOPPED',
      message: report.message,
      data: { ...owner, task: view, repeats: report.repeats },
    });
  }

  /** The report of a task that reached STOPPED, or `undefined` when a repeat is not printed. */
  stopped(view: TaskView): TaskStopReport | undefined {
    if (this.reported.has(view.taskId)) return undefined;
    this.reported.add(view.taskId);
    if (this.reported.size > 1_000) this.reported.delete(this.reported.values().next().value as string);
    const kept = this.lines.get(view.taskId) ?? [];
    this.lines.delete(view.taskId);
    const name = `${view.serviceName}/${view.taskId.slice(0, 8)}`;
    const summary = stopSummary(view);
    if (!isFailedStop(view)) return { level: 'info', message: `${name} stopped: ${summary}`, repeats: 1 };

    const containers = new Set(kept.map((entry) => entry.container));
    const rendered = kept.map((entry) =>
      containers.size > 1 ? `${entry.container}: ${entry.line}` : entry.line,
    );
    const key = repeatKey(view, rendered);
    const previous = this.lastStop.get(view.serviceName);
    const count = previous?.key === key ? previous.count + 1 : 1;
    this.lastStop.set(view.serviceName, { key, count });
    const action = repeatAction(count);
    if (action === 'none') return undefined;
    if (action === 'count')
      return { level: 'warn', message: `${name} stopped: ${summary} … ×${count}`, repeats: count };
    const tail =
      rendered.length === 0
        ? ' It wrote no log lines.'
        : ` Last log lines:\n${rendered.map((line) => `  | ${line}`).join('\n')}`;
    return { level: 'warn', message: `${name} stopped: ${summary.replace(/\.$/, '')}.${tail}`, repeats: 1 };
  }
}
