/**
 * Reads a running task's cumulative CPU time and current memory: from Docker's stats API for the
 * Docker runtime, from `/proc` for the process runtime.
 *
 * Fidelity: ECS's agent reads the same cgroup counters Docker's stats report (§1.3 of
 * docs/reference/aws-behavior-2.md). Memory is the container's usage less its inactive file
 * cache, as `docker stats` shows it. On the process runtime a task's usage is that of every
 * process in each container's process group (`/proc/<pid>/stat`: utime + stime at 100 ticks/s,
 * and the resident set at 4 KiB pages); a process that left the group is not counted.
 */

import { readdir, readFile } from 'node:fs/promises';
import type Docker from 'dockerode';
import type { TaskView } from '../ecs/task.js';

/** Cumulative usage of one task at one moment. */
export interface TaskUsage {
  /** CPU time used since the task started, in ns (all containers). */
  readonly cpuNanos: number;
  /** Memory in use, in bytes (all containers). */
  readonly memoryBytes: number;
  /** When it was read, in ms since the epoch (wall clock). */
  readonly at: number;
}

/** Reads a task's usage; `undefined` when it cannot be read now (the task is gone). */
export interface TaskUsageReader {
  read(task: TaskView): Promise<TaskUsage | undefined>;
}

interface DockerStats {
  readonly read?: string;
  readonly cpu_stats?: { readonly cpu_usage?: { readonly total_usage?: number } };
  readonly memory_stats?: {
    readonly usage?: number;
    readonly stats?: Readonly<Record<string, number>>;
  };
}

/**
 * Reads usage through the Docker stats API (one-shot, no stream), summed over the task's
 * containers. Docker's stats collector refreshes once a second, so a request can take that long:
 * `read` never waits. It answers with the newest reading Docker has given for each container and
 * asks for the next one in the background (one request per container at a time); until every
 * container of the task has a reading, it answers `undefined`.
 */
export class DockerUsageReader implements TaskUsageReader {
  private readonly latest = new Map<string, TaskUsage>();
  private readonly pending = new Set<string>();

  constructor(private readonly docker: Docker) {}

  async read(task: TaskView): Promise<TaskUsage | undefined> {
    const readings = task.handles.map((id) => {
      this.refresh(id);
      return this.latest.get(id);
    });
    if (readings.length === 0 || readings.some((reading) => reading === undefined)) return undefined;
    const all = readings as TaskUsage[];
    return {
      cpuNanos: all.reduce((sum, r) => sum + r.cpuNanos, 0),
      memoryBytes: all.reduce((sum, r) => sum + r.memoryBytes, 0),
      at: Math.max(...all.map((r) => r.at)),
    };
  }

  private refresh(id: string): void {
    if (this.pending.has(id)) return;
    this.pending.add(id);
    const stats = this.docker
      .getContainer(id)
      .stats({ stream: false, 'one-shot': true } as never) as unknown as Promise<DockerStats>;
    stats
      .then((reading) => {
        const memory = reading.memory_stats;
        const cache = memory?.stats?.inactive_file ?? memory?.stats?.total_inactive_file ?? 0;
        this.latest.set(id, {
          cpuNanos: reading.cpu_stats?.cpu_usage?.total_usage ?? 0,
          memoryBytes: Math.max(0, (memory?.usage ?? 0) - cache),
          at: (reading.read && Date.parse(reading.read)) || Date.now(),
        });
      })
      // A container that is gone has no more readings.
      .catch(() => this.latest.delete(id))
      .finally(() => this.pending.delete(id));
  }
}

/** `CLK_TCK` on Linux: utime and stime count hundredths of a second. */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/** Reads usage from `/proc` for tasks of the process runtime (handles are process-group leaders). */
export class ProcessUsageReader implements TaskUsageReader {
  constructor(private readonly procRoot = '/proc') {}

  async read(task: TaskView): Promise<TaskUsage | undefined> {
    const groups = new Set(task.handles.map(Number).filter((pid) => Number.isInteger(pid) && pid > 0));
    if (groups.size === 0) return undefined;
    let entries: string[];
    try {
      entries = (await readdir(this.procRoot)).filter((name) => /^\d+$/.test(name));
    } catch {
      return undefined;
    }
    let ticks = 0;
    let pages = 0;
    let found = false;
    await Promise.all(
      entries.map(async (pid) => {
        const stat = await readFile(`${this.procRoot}/${pid}/stat`, 'utf8').catch(() => undefined);
        const fields = stat ? parseStat(stat) : undefined;
        if (!fields || !groups.has(fields.pgrp)) return;
        found = true;
        ticks += fields.utime + fields.stime;
        pages += fields.rss;
      }),
    );
    if (!found) return undefined;
    return { cpuNanos: (ticks / TICKS_PER_SECOND) * 1e9, memoryBytes: pages * PAGE_BYTES, at: Date.now() };
  }
}

/**
 * The fields of `/proc/<pid>/stat` the reader needs. The command name (field 2) is in parentheses
 * and may hold spaces, so fields are counted from its closing parenthesis.
 *
 * @example parseStat('42 (sh) S 1 42 42 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 100 1000 250') // { pgrp: 42, utime: 7, stime: 3, rss: 250 }
 */
export function parseStat(
  text: string,
):
  | { readonly pgrp: number; readonly utime: number; readonly stime: number; readonly rss: number }
  | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ") ": field 3 (state) is index 0, so field n is index n - 3.
  const rest = text.slice(close + 2).split(' ');
  const field = (n: number) => Number(rest[n - 3]);
  const result = { pgrp: field(5), utime: field(14), stime: field(15), rss: field(24) };
  return Object.values(result).every(Number.isFinite) ? result : undefined;
}
