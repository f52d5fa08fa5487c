/**
 * The process task runtime, for machines without Docker: each container runs as a local command
 * (`localCommand`, from `--process-command <container>=<cmd>` or the `wharf:local:command`
 * metadata) under `sh -c`, in its own process group.
 *
 * Fidelity: the stop sequence of aws-behavior.md §3.5 (SIGTERM to the whole process group, SIGKILL
 * after `stopTimeout`); health checks with Docker's semantics (§3.2, see
 * `container-health-check.ts`), whose commands run on the host only for the user's own CDK app
 * (see `host-health-check.ts`; otherwise a TCP connect replaces them); logs as with `awslogs`.
 * Not reproduced: isolation (no image, file system or user of the definition: commands run as the
 * current user, `--process-command` ones in the current folder, `wharf:local:command` ones in the
 * template's or app's folder, or in the source folder of a container whose image is built from
 * one), and container ports: each container port of the task gets a free host port on 127.0.0.1,
 * given to every container as `PORT_<containerPort>`, and to a container as `PORT` for its first
 * port (`HOST=127.0.0.1`). The environment is the definition's plus an
 * allowlist of host variables (`process-environment.ts`), never the rest of the user's. Health
 * check commands see the same environment, and `localhost:<containerPort>` /
 * `127.0.0.1:<containerPort>` in them are rewritten to the host port. When the main process of a
 * container exits, the rest of its process group is killed, as a container's would be. Each run
 * records its process groups in a state file (`process-runs.ts`), so a later run removes what a
 * crashed one left, as the Docker runtime does by label.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { WharfError } from '../../errors.js';
import { type IoHost, SILENT_IO } from '../../io/io-host.js';
import { type Clock, SYSTEM_CLOCK } from '../clock.js';
import type { ContainerConfig } from '../ecs/types.js';
import { HealthCheckLoop } from './container-health-check.js';
import { ContainerLogs, containerLogFile } from './container-logs.js';
import { taskPorts } from './docker-container-config.js';
import {
  type HostHealthCheck,
  hostHealthCheck,
  replacedHealthCheckWarning,
  rewriteLocalPorts,
  tcpProbe,
} from './host-health-check.js';
import { freePort } from './ports.js';
import { processEnvironment } from './process-environment.js';
import { defaultRunsDir, prepareRunsDir, RunStateFile, removeDeadRuns } from './process-runs.js';
import { raceTimeout } from './race-timeout.js';
import type { RunningTask, TaskEvents, TaskRuntime, TaskSpec } from './types.js';

export { rewriteLocalPorts } from './host-health-check.js';
export { processEnvironment } from './process-environment.js';

/** Options of {@link ProcessRuntime}. */
export interface ProcessRuntimeOptions {
  /** The run id (kept for symmetry with the Docker runtime; processes carry no labels). */
  readonly runId: string;
  /** Folder the commands run in. @default `process.cwd()` */
  readonly cwd?: string;
  /** Where warnings go. @default silent */
  readonly io?: IoHost;
  /** Time source of the health checks. @default the system clock */
  readonly clock?: Clock;
  /**
   * The task definitions come from the user's own CDK app: their container health check commands
   * may run on the host (see `host-health-check.ts`). @default false (a TCP connect replaces them)
   */
  readonly trusted?: boolean;
  /** Where run state files go (see `process-runs.ts`). @default `<os temp dir>/wharf-<uid>/runs` */
  readonly stateDir?: string;
}

/** Process groups still running, killed when this process exits. */
const liveGroups = new Set<number>();
/** State files of runtimes in this process, deleted when it exits. */
const liveStateFiles = new Set<RunStateFile>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
    for (const state of liveStateFiles) state.remove();
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** Runs tasks as local processes. See the file's Fidelity note. */
export class ProcessRuntime implements TaskRuntime {
  readonly name = 'process' as const;
  private readonly tasks = new Set<ProcessTask>();
  private readonly warned = new Set<string>();
  private readonly stateDir: string;
  private state: RunStateFile | undefined | null;
  private closed = false;

  constructor(private readonly options: ProcessRuntimeOptions) {
    installExitHook();
    this.stateDir = options.stateDir ?? defaultRunsDir();
  }

  /** Allocates a host port per container port, then starts one process group per container. */
  async start(spec: TaskSpec, events: TaskEvents): Promise<RunningTask> {
    if (this.closed)
      throw new WharfError('WHARF_RUNTIME_CLOSED', 'The process runtime is closed.', { source: 'internal' });
    for (const container of spec.containers) {
      if (!container.localCommand) {
        throw new WharfError(
          'WHARF_PROCESS_NO_COMMAND',
          `Container '${container.name}' (image '${container.image}') of service '${spec.serviceName}' has no local ` +
            `command, so the process runtime cannot run it. Set one with --process-command ${container.name}=<command> ` +
            `or the 'wharf:local:command' metadata of the task definition, or use the Docker runtime.`,
        );
      }
    }
    const hostPorts = new Map<number, number>();
    for (const port of taskPorts(spec)) hostPorts.set(port, await freePort());
    const endpoints = new Map(
      [...hostPorts].map(([port, hostPort]) => [port, { host: '127.0.0.1', port: hostPort }]),
    );
    const io = this.options.io ?? SILENT_IO;
    const state = this.stateFile();
    const processes = spec.containers.map((container) => {
      const health = hostHealthCheck(container, this.options.trusted === true);
      const warning = replacedHealthCheckWarning(spec.serviceName, container, health);
      const key = `${spec.serviceName}/${container.name}`;
      if (warning && !this.warned.has(key)) {
        this.warned.add(key);
        io.notify({ level: 'warn', code: 'WHARF_PROCESS_HEALTH_CHECK_REPLACED', message: warning });
      }
      return new ContainerProcess(container, spec, events, hostPorts, {
        // `--process-command` runs where wharf dev was started; a container built from a folder runs
        // its command there (its source), like its image would; else the template's or app's folder.
        cwd: container.localCommandDir ?? container.build?.directory ?? this.options.cwd ?? process.cwd(),
        clock: this.options.clock ?? SYSTEM_CLOCK,
        io,
        health,
        state,
      });
    });
    const task = new ProcessTask(spec.taskId, endpoints, processes, () => this.tasks.delete(task));
    this.tasks.add(task);
    return task;
  }

  /**
   * Kills the process groups of earlier runs whose Wharf process is gone (a `kill -9`, a closed
   * terminal) and deletes their state files; returns how many groups were killed.
   */
  async removeLeftovers(): Promise<number> {
    if (this.stateFile() === undefined) return 0;
    const removed = removeDeadRuns(this.stateDir, this.state?.file);
    if (removed.groups > 0) {
      (this.options.io ?? SILENT_IO).notify({
        level: 'info',
        code: 'WHARF_LEFTOVERS_REMOVED',
        message: `Removed ${removed.groups} process group(s) left by earlier runs`,
        data: { removed: removed.groups },
      });
    }
    return removed.groups;
  }

  /** Stops every task started here, in parallel; later `start` calls are refused. Deletes the state file. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.tasks].map((task) => task.stop()));
    if (this.state) {
      this.state.remove();
      liveStateFiles.delete(this.state);
    }
  }

  /** This run's state file, created on first use; `undefined` when the runs folder is unsafe. */
  private stateFile(): RunStateFile | undefined {
    if (this.state !== undefined) return this.state ?? undefined;
    const problem = prepareRunsDir(this.stateDir);
    if (problem) {
      this.state = null;
      (this.options.io ?? SILENT_IO).notify({
        level: 'warn',
        code: 'WHARF_PROCESS_STATE_UNSAFE',
        message: `Not recording this run's processes (${problem}): processes left by a crash of this run will not be removed at the next start.`,
      });
      return undefined;
    }
    this.state = new RunStateFile(this.stateDir, this.options.runId);
    liveStateFiles.add(this.state);
    return this.state;
  }
}

class ProcessTask implements RunningTask {
  readonly handles: readonly string[];
  private stopping: Promise<void> | undefined;

  constructor(
    readonly taskId: string,
    readonly endpoints: ReadonlyMap<number, { readonly host: string; readonly port: number }>,
    private readonly processes: readonly ContainerProcess[],
    private readonly onStopped: () => void,
  ) {
    this.handles = processes.map((p) => p.handle);
  }

  stop(): Promise<void> {
    this.stopping ??= Promise.all(this.processes.map((p) => p.stop())).then(() => this.onStopped());
    return this.stopping;
  }
}

/** One container as a process group: output, health, exit, stop. */
class ContainerProcess {
  readonly handle: string;
  private readonly child: ChildProcess;
  private readonly logs: ContainerLogs;
  private readonly health: HealthCheckLoop | undefined;
  private readonly exited: Promise<void>;
  private exitSeen = false;
  private resolveExitSeen: () => void = () => {};
  private readonly exitSeenPromise = new Promise<void>((resolve) => {
    this.resolveExitSeen = resolve;
  });
  private stopRequested = false;
  private killed = false;
  private readonly state: RunStateFile | undefined;

  constructor(
    private readonly config: ContainerConfig,
    spec: TaskSpec,
    private readonly events: TaskEvents,
    hostPorts: ReadonlyMap<number, number>,
    options: { cwd: string; clock: Clock; io: IoHost; health: HostHealthCheck; state?: RunStateFile },
  ) {
    const env = processEnvironment(spec, config, hostPorts);
    this.state = options.state;
    const file = containerLogFile(spec.logDir, config, spec.taskId);
    this.logs = new ContainerLogs(config.name, events, file, (error) =>
      options.io.notify({
        level: 'warn',
        code: 'WHARF_LOG_FILE_FAILED',
        message: `Cannot write the log file of container '${config.name}' (${file}): ${error.message}`,
      }),
    );
    this.child = spawn('/bin/sh', ['-c', config.localCommand ?? 'false'], {
      cwd: options.cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = this.child.pid;
    this.handle = pid === undefined ? `process:${config.name}` : String(pid);
    if (pid !== undefined) {
      liveGroups.add(pid);
      this.recordGroup(pid, spec.taskId);
    }
    this.child.stdout?.on('data', (chunk: Buffer) => this.logs.stdout(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => this.logs.stderr(chunk));
    const outputDone = Promise.all([streamDone(this.child.stdout), streamDone(this.child.stderr)]);
    const check = config.healthCheck;
    const plan = options.health;
    if (check && plan.kind !== 'none') {
      let probe: (signal: AbortSignal) => Promise<boolean>;
      if (plan.kind === 'command') {
        const command = plan.command.map((part) => rewriteLocalPorts(part, hostPorts));
        probe = (signal) => runProbe(command, env, options.cwd, signal);
      } else {
        const port = plan.containerPort === undefined ? undefined : hostPorts.get(plan.containerPort);
        probe = (signal) => (port === undefined ? Promise.resolve(!this.exitSeen) : tcpProbe(port, signal));
      }
      this.health = new HealthCheckLoop(
        check,
        probe,
        (health) => events.onHealth(config.name, health),
        options.clock,
      );
      this.health.start();
    }
    this.exited = this.watchExit(outputDone);
  }

  /** SIGTERM to the group, SIGKILL after the stop timeout; resolves once the exit was reported. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    const pid = this.child.pid;
    if (!this.exitSeen && pid !== undefined) {
      signalGroup(pid, 'SIGTERM');
      const inTime = await raceTimeout(this.exitSeenPromise, this.config.stopTimeoutSeconds * 1000);
      if (!inTime) {
        this.killed = true;
        signalGroup(pid, 'SIGKILL');
      }
    }
    await this.exited;
  }

  private recordGroup(pid: number, taskId: string): void {
    try {
      this.state?.add(pid, taskId, this.config.name);
    } catch {
      // Recording is best effort: a full disk must not stop the task.
    }
  }

  private forgetGroup(pid: number): void {
    try {
      this.state?.delete(pid);
    } catch {
      // As above.
    }
  }

  private async watchExit(outputDone: Promise<unknown>): Promise<void> {
    const { code, signal, error } = await new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
      error?: Error;
    }>((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
      this.child.once('error', (error) => resolve({ code: null, signal: null, error }));
    });
    this.exitSeen = true;
    this.resolveExitSeen();
    this.health?.stop();
    const pid = this.child.pid;
    if (pid !== undefined) {
      // The container's main process is gone: so is everything else in it.
      signalGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
      this.forgetGroup(pid);
    }
    await raceTimeout(outputDone, 2000);
    await this.logs.end();
    const exitCode = code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : null);
    let reason: string;
    if (error) reason = `Could not start '${this.config.localCommand}': ${error.message}`;
    else if (this.stopRequested) {
      reason = this.killed
        ? `Stopped: did not exit within ${this.config.stopTimeoutSeconds} s of SIGTERM, killed with SIGKILL`
        : 'Stopped: exited after SIGTERM';
    } else reason = exitCode === null ? 'Exited (exit code unknown)' : `Exited with code ${exitCode}`;
    try {
      this.events.onExit(this.config.name, exitCode, reason);
    } catch {
      // A failing listener must not break the stop sequence.
    }
  }
}

/** Runs a health check command once (`CMD-SHELL` via `sh -c`, `CMD` directly); true on exit 0. */
function runProbe(command: readonly string[], env: Record<string, string>, cwd: string, signal: AbortSignal) {
  const [kind, ...rest] = command;
  const [file, args] =
    kind === 'CMD-SHELL'
      ? ['/bin/sh', ['-c', rest.join(' ')]]
      : kind === 'CMD'
        ? [rest[0] ?? 'false', rest.slice(1)]
        : ['/bin/sh', ['-c', command.join(' ')]];
  return new Promise<boolean>((resolve) => {
    const probe = spawn(file, args, { cwd, env, detached: true, stdio: 'ignore' });
    const abort = () => {
      if (probe.pid !== undefined) signalGroup(probe.pid, 'SIGKILL');
    };
    signal.addEventListener('abort', abort, { once: true });
    probe.once('error', () => resolve(false));
    probe.once('exit', (code) => {
      signal.removeEventListener('abort', abort);
      if (probe.pid !== undefined) signalGroup(probe.pid, 'SIGKILL');
      resolve(code === 0);
    });
  });
}

function streamDone(stream: NodeJS.ReadableStream | null | undefined): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}
