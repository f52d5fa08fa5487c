/**
 * What the process runtime started, on disk: one state file per `wharf dev` run, so that the next
 * run can remove the process groups a crashed run (`kill -9`, a closed terminal) left behind, as
 * the Docker runtime removes its leftover containers by label.
 *
 * A state file (`<runs dir>/run-<runId>.json`) holds the Wharf process and each process group it
 * started, each with its start time, so a recycled pid is never mistaken for ours: on Linux the
 * `starttime` field of `/proc/<pid>/stat` and the boot id, elsewhere `ps -o lstart=`. A group is
 * killed only when its leader is alive with the recorded start time and still leads its group; a
 * run whose Wharf process is alive is left alone. The runs folder is `<os temp dir>/wharf-<uid>/runs`:
 * cleared with the temp dir at reboot, when the processes it describes are gone too. It must be a
 * real folder owned by the current user and writable by no one else (it sits in a shared `/tmp`):
 * otherwise nothing is recorded or read, and a warning says so.
 *
 * Not covered: a group whose leader exited while other members kept running after the crash
 * (the leader's identity can no longer be checked, so they are left alone), and health check
 * probes in flight at the crash (they end on their own).
 */

import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A process and when it started (the pair survives pid reuse). */
export interface ProcessIdentity {
  readonly pid: number;
  /** Start time as the OS reports it (clock ticks since boot on Linux, `ps -o lstart=` elsewhere). */
  readonly start: string;
}

/** One process group the run started: a container of a task. */
export interface RecordedGroup extends ProcessIdentity {
  readonly taskId: string;
  readonly container: string;
}

/** The content of a state file. */
export interface RunRecord {
  readonly version: 1;
  readonly runId: string;
  /** The Wharf process of the run. */
  readonly owner: ProcessIdentity;
  /** Linux boot id when known: identities from another boot never match. */
  readonly bootId?: string;
  readonly groups: readonly RecordedGroup[];
}

/** The folder of the state files: `<os temp dir>/wharf-<uid>/runs`. */
export function defaultRunsDir(): string {
  const user = process.getuid?.() ?? userInfo().username;
  return join(tmpdir(), `wharf-${user}`, 'runs');
}

/** The Linux boot id, or `undefined` elsewhere. */
export function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The start time of `pid` and its process group, or `undefined` when no such process is visible.
 * Linux: fields 22 (`starttime`) and 5 (`pgrp`) of `/proc/<pid>/stat`; elsewhere `ps`.
 */
export function processStat(pid: number): { start: string; pgid?: number } | undefined {
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  let stat: string | undefined;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && isLinuxProc()) return undefined;
  }
  if (stat !== undefined) {
    // `pid (comm) state ppid pgrp …`: comm may contain spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19];
    return start === undefined ? undefined : { start, pgid: Number(fields[2]) };
  }
  const ps = spawnSync('ps', ['-o', 'lstart=,pgid=', '-p', String(pid)], { encoding: 'utf8' });
  const line = ps.status === 0 ? ps.stdout.trim() : '';
  const match = /^(.*\S)\s+(\d+)$/.exec(line);
  return match ? { start: match[1] as string, pgid: Number(match[2]) } : undefined;
}

let linuxProc: boolean | undefined;
function isLinuxProc(): boolean {
  if (linuxProc === undefined) {
    try {
      linuxProc = lstatSync('/proc/self/stat').isFile();
    } catch {
      linuxProc = false;
    }
  }
  return linuxProc;
}

/** The identity of a live process, or `undefined`. */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  const stat = processStat(pid);
  return stat ? { pid, start: stat.start } : undefined;
}

/** True when `identity` is a live process that started when recorded (not a recycled pid). */
export function isSameProcess(identity: ProcessIdentity): boolean {
  return processStat(identity.pid)?.start === identity.start;
}

/**
 * Creates the runs folder (mode 0700) and checks it is safe to trust: a real folder (not a
 * symlink) owned by the current user, not writable by group or others, and the same for its
 * parent. Returns the reason when it is not.
 */
export function prepareRunsDir(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    return `cannot create ${dir}: ${(error as Error).message}`;
  }
  for (const path of [join(dir, '..'), dir]) {
    const stat = lstatSync(path);
    const uid = process.getuid?.();
    if (!stat.isDirectory()) return `${path} is not a folder (a symlink?)`;
    if (uid !== undefined && stat.uid !== uid) return `${path} belongs to another user (uid ${stat.uid})`;
    if ((stat.mode & 0o022) !== 0) return `${path} is writable by other users`;
  }
  return undefined;
}

/** Reads a state file; `undefined` when it is not one Wharf wrote. */
export function readRunRecord(file: string): RunRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const record = value as Partial<RunRecord> | null;
  const identity = (item: unknown): item is ProcessIdentity => {
    const candidate = item as Partial<ProcessIdentity> | null;
    return (
      typeof candidate === 'object' &&
      candidate !== null &&
      Number.isInteger(candidate.pid) &&
      (candidate.pid as number) > 1 &&
      typeof candidate.start === 'string'
    );
  };
  if (
    record?.version !== 1 ||
    typeof record.runId !== 'string' ||
    !identity(record.owner) ||
    !Array.isArray(record.groups) ||
    !record.groups.every(identity)
  )
    return undefined;
  return record as RunRecord;
}

/** The state file of one run: kept up to date as process groups start and end. */
export class RunStateFile {
  readonly file: string;
  private readonly groups = new Map<number, RecordedGroup>();
  private readonly owner: ProcessIdentity | undefined;
  private readonly boot = bootId();
  private written = false;

  constructor(
    dir: string,
    private readonly runId: string,
  ) {
    this.file = join(dir, `run-${runId.replace(/[^a-zA-Z0-9_.-]/g, '-')}.json`);
    this.owner = processIdentity(process.pid);
  }

  /** Records a process group that just started (its leader is `pid`). */
  add(pid: number, taskId: string, container: string): void {
    const identity = processIdentity(pid);
    if (!identity) return; // Already gone: nothing to leave behind.
    this.groups.set(pid, { ...identity, taskId, container });
    this.write();
  }

  /** Forgets a process group that has ended. */
  delete(pid: number): void {
    if (!this.groups.delete(pid)) return;
    this.write();
  }

  /** Deletes the file (a clean stop, or this process exiting). */
  remove(): void {
    this.groups.clear();
    if (!this.written) return;
    this.written = false;
    try {
      unlinkSync(this.file);
    } catch {
      // Gone already.
    }
  }

  private write(): void {
    if (!this.owner) return;
    const record: RunRecord = {
      version: 1,
      runId: this.runId,
      owner: this.owner,
      ...(this.boot ? { bootId: this.boot } : {}),
      groups: [...this.groups.values()],
    };
    // Write then rename: a reader never sees half a file.
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
    this.written = true;
  }
}

/** What {@link removeDeadRuns} did. */
export interface RemovedRuns {
  /** Process groups killed (SIGKILL). */
  readonly groups: number;
  /** State files deleted. */
  readonly files: number;
}

/**
 * Kills the process groups of runs whose Wharf process is gone, and deletes their state files.
 * Runs still alive, and the file `except` (this run's), are left alone.
 */
export function removeDeadRuns(dir: string, except?: string): RemovedRuns {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { groups: 0, files: 0 };
  }
  const boot = bootId();
  let groups = 0;
  let files = 0;
  for (const name of names) {
    const file = join(dir, name);
    if (file === except || !/^run-[a-zA-Z0-9_.-]+\.json$/.test(name)) continue;
    const record = readRunRecord(file);
    if (record) {
      const sameBoot = record.bootId === undefined || record.bootId === boot;
      if (sameBoot && isSameProcess(record.owner)) continue; // A live run.
      if (sameBoot) {
        for (const group of record.groups) {
          const stat = processStat(group.pid);
          // Only a leader that is the recorded process and still leads its own group.
          if (stat?.start !== group.start || (stat.pgid !== undefined && stat.pgid !== group.pid)) continue;
          try {
            process.kill(-group.pid, 'SIGKILL');
            groups += 1;
          } catch {
            // Gone in between, or not ours to signal.
          }
        }
      }
    }
    try {
      unlinkSync(file);
      files += 1;
    } catch {
      // Another Wharf process removed it first.
    }
  }
  return { groups, files };
}
