/**
 * What the dashboard hears from the local cloud while it runs, whether or not a page is open:
 * the tasks' log lines (`WHARF_DEV_LOG`) and each task's state changes (`WHARF_DEV_TASK_CHANGE`),
 * taken from the IoHost messages the CLI prints, so the page shows the same facts as the terminal.
 * Both are bounded (see `task-logs.ts`; the newest `transitionsPerTask` changes per task).
 */

import type { IoHost, IoMessage } from '../../io/io-host.js';
import type { TaskView } from '../ecs/task.js';
import { TaskLogs } from './task-logs.js';

/** One observed state of a task. */
export interface TaskTransition {
  readonly timeMs: number;
  readonly lastStatus: string;
  readonly desiredStatus: string;
  readonly healthStatus: string;
}

/** Options of {@link DashboardFeed}. */
export interface DashboardFeedOptions {
  /** @default 30 */
  readonly transitionsPerTask?: number;
  /** Tasks whose transitions are kept. @default 200 */
  readonly tasks?: number;
}

interface LogData {
  readonly service: string;
  readonly taskId: string;
  readonly container: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

/** Collects log lines and task transitions from IoHost messages. */
export class DashboardFeed {
  readonly logs = new TaskLogs();
  private readonly transitions = new Map<string, TaskTransition[]>();
  private readonly perTask: number;
  private readonly maxTasks: number;
  private readonly changeListeners = new Set<() => void>();

  constructor(options: DashboardFeedOptions = {}) {
    this.perTask = options.transitionsPerTask ?? 30;
    this.maxTasks = options.tasks ?? 200;
  }

  /** An IoHost that hands every message to `next` and keeps what the dashboard needs. */
  tee(next: IoHost): IoHost {
    return {
      notify: (message: IoMessage) => {
        next.notify(message);
        this.hear(message);
      },
    };
  }

  /** Takes one message (the ones the dashboard does not use are ignored). */
  hear(message: IoMessage): void {
    if (message.code === 'WHARF_DEV_LOG') {
      const data = message.data as LogData | undefined;
      if (data?.taskId === undefined) return;
      this.logs.add({
        timeMs: Date.now(),
        taskId: data.taskId,
        service: data.service,
        container: data.container,
        stream: data.stream,
        line: data.line,
      });
    } else if (message.code === 'WHARF_DEV_TASK_CHANGE') {
      const task = (message.data as { task?: TaskView } | undefined)?.task;
      if (task) this.transition(task);
    }
  }

  /** The observed states of a task, oldest first. */
  transitionsOf(taskId: string): readonly TaskTransition[] {
    return this.transitions.get(taskId) ?? [];
  }

  /** Calls `listener` after each task change until the returned function is called. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private transition(task: TaskView): void {
    let list = this.transitions.get(task.taskId);
    if (!list) {
      if (this.transitions.size >= this.maxTasks) {
        const oldest = this.transitions.keys().next().value;
        if (oldest !== undefined) this.transitions.delete(oldest);
      }
      list = [];
      this.transitions.set(task.taskId, list);
    }
    const last = list[list.length - 1];
    if (
      last?.lastStatus !== task.lastStatus ||
      last.desiredStatus !== task.desiredStatus ||
      last.healthStatus !== task.healthStatus
    ) {
      list.push({
        timeMs: Date.now(),
        lastStatus: task.lastStatus,
        desiredStatus: task.desiredStatus,
        healthStatus: task.healthStatus,
      });
      if (list.length > this.perTask) list.splice(0, list.length - this.perTask);
    }
    for (const listener of this.changeListeners) listener();
  }
}
