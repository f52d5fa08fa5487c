/**
 * The recent log lines of each task, for the dashboard's log views: a bounded ring per task
 * (oldest lines dropped), a bounded number of tasks (the task heard from least recently dropped),
 * substring search, the lines around a moment (a request's), and followers told of new lines.
 *
 * Fidelity: CloudWatch Logs keeps every event of a log stream; here only the newest
 * `linesPerTask` of a task are kept in memory (the log files under `--log-dir` keep them all).
 */

/** One log line of a task's container. */
export interface TaskLogLine {
  /** Increases by one per line across all tasks. */
  readonly seq: number;
  /** When `wharf dev` received it, ms since the epoch. */
  readonly timeMs: number;
  readonly taskId: string;
  readonly service: string;
  readonly container: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

/** Options of {@link TaskLogs}. */
export interface TaskLogsOptions {
  /** @default 2000 */
  readonly linesPerTask?: number;
  /** @default 200 */
  readonly tasks?: number;
  /** Longest line kept, in characters (longer ones are cut, with `…`). @default 4096 */
  readonly maxLineLength?: number;
}

/** Receives the new lines of a followed task. */
export type LogFollower = (line: TaskLogLine) => void;

/** Recent log lines per task. */
export class TaskLogs {
  private readonly byTask = new Map<string, TaskLogLine[]>();
  private readonly followers = new Map<string, Set<LogFollower>>();
  private readonly linesPerTask: number;
  private readonly maxTasks: number;
  private readonly maxLineLength: number;
  private seq = 0;

  constructor(options: TaskLogsOptions = {}) {
    this.linesPerTask = options.linesPerTask ?? 2000;
    this.maxTasks = options.tasks ?? 200;
    this.maxLineLength = options.maxLineLength ?? 4096;
  }

  /** Keeps one line and tells the task's followers. */
  add(entry: Omit<TaskLogLine, 'seq'>): void {
    let lines = this.byTask.get(entry.taskId);
    if (lines) {
      // Most recently heard from last, so the first key is the one to drop.
      this.byTask.delete(entry.taskId);
    } else {
      lines = [];
      if (this.byTask.size >= this.maxTasks) {
        const oldest = this.byTask.keys().next().value;
        if (oldest !== undefined) this.byTask.delete(oldest);
      }
    }
    this.byTask.set(entry.taskId, lines);
    const text =
      entry.line.length > this.maxLineLength ? `${entry.line.slice(0, this.maxLineLength)}…` : entry.line;
    const line: TaskLogLine = { ...entry, line: text, seq: ++this.seq };
    lines.push(line);
    if (lines.length > this.linesPerTask) lines.splice(0, lines.length - this.linesPerTask);
    for (const follower of this.followers.get(entry.taskId) ?? []) follower(line);
  }

  /**
   * The task's kept lines, oldest first: those containing `query` (case-insensitive) when given,
   * the newest `limit` of them.
   */
  lines(taskId: string, options: { readonly query?: string; readonly limit?: number } = {}): TaskLogLine[] {
    const lines = this.byTask.get(taskId) ?? [];
    const query = options.query?.toLowerCase();
    const matching = query ? lines.filter((l) => l.line.toLowerCase().includes(query)) : lines;
    const limit = options.limit ?? 500;
    return matching.slice(Math.max(0, matching.length - limit));
  }

  /** Up to `before` lines received before `timeMs` and `after` lines from it on. */
  around(taskId: string, timeMs: number, before = 10, after = 10): TaskLogLine[] {
    const lines = this.byTask.get(taskId) ?? [];
    let at = lines.findIndex((l) => l.timeMs >= timeMs);
    if (at < 0) at = lines.length;
    return lines.slice(Math.max(0, at - before), at + after);
  }

  /** Calls `follower` with each new line of the task until the returned function is called. */
  follow(taskId: string, follower: LogFollower): () => void {
    let set = this.followers.get(taskId);
    if (!set) {
      set = new Set();
      this.followers.set(taskId, set);
    }
    set.add(follower);
    return () => {
      set.delete(follower);
      if (set.size === 0) this.followers.delete(taskId);
    };
  }
}
