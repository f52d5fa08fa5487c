/**
 * The process task runtime, for machines without Docker: each container runs as a local command
 * (`localCommand`, from `--process-command <container>=<cmd>` or the `wharf:local:command`
 * metadata) under `sh -c`, in its own process group.
 *
 * Fidelity: the stop sequence of aws-behavior.md §3.5 (SIGTERM to the whole process group, SIGKILL
 * after `stopTimeout`); health checks with Docker's semantics (§3.2, see
 * `container-health-check.ts`); logs as with `awslogs`. Not reproduced: isolation (no image, file
 * system, user or working directory of the definition: commands run in `cwd`, or in the source
 * folder of a container whose image is built from one, as the current user),
 * and container ports: each container port of the task gets a free host port on 127.0.0.1, given
 * to every container as `PORT_<containerPort>`, and to a container as `PORT` for its first port
 * (`HOST=127.0.0.1`). Health check commands see the same environment, and `localhost:<containerPort>`
 * / `127.0.0.1:<containerPort>` in them are rewritten to the host port. When the main process of a
 * container exits, the rest of its process group is killed, as a container's would be.
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
import { freePort } from './ports.js';
import { raceTimeout } from './race-timeout.js';
import type { RunningTask, TaskEvents, TaskRuntime, TaskSpec } from './types.js';

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
}

/** Process groups still running, killed when this process exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
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
  private closed = false;

  constructor(private readonly options: ProcessRuntimeOptions) {
    installExitHook();
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
    const processes = spec.containers.map(
      (container) =>
        new ContainerProcess(container, spec, events, hostPorts, {
          // A container built from a folder runs its command there (its source), like its image would.
          cwd: container.build?.directory ?? this.options.cwd ?? process.cwd(),
          clock: this.options.clock ?? SYSTEM_CLOCK,
          io,
        }),
    );
    const task = new ProcessTask(spec.taskId, endpoints, processes, () => this.tasks.delete(task));
    this.tasks.add(task);
    return task;
  }

  /** Processes die with this process, so there is never anything left: returns 0. */
  async removeLeftovers(): Promise<number> {
    return 0;
  }

  /** Stops every task started here, in parallel; later `start` calls are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.tasks].map((task) => task.stop()));
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

/** The environment of one container's process (and its health check). */
export function processEnvironment(
  spec: TaskSpec,
  container: ContainerConfig,
  hostPorts: ReadonlyMap<number, number>,
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  Object.assign(env, spec.environment ?? {}, container.environment);
  env.HOST = '127.0.0.1';
  // Processes share one hostname; this tells them apart (what a container's hostname does on Docker).
  env.WHARF_TASK_ID = spec.taskId;
  for (const [port, hostPort] of hostPorts) env[`PORT_${port}`] = String(hostPort);
  const first = container.containerPorts[0];
  const firstHost = first === undefined ? undefined : hostPorts.get(first);
  if (firstHost !== undefined) env.PORT = String(firstHost);
  return env;
}

/**
 * Rewrites `localhost:<containerPort>` and `127.0.0.1:<containerPort>` to the host port, and
 * `http://localhost/` (no port: 80) or `https://localhost/` (443) when that is a container port,
 * so the seeds' `curl -f http://localhost/` check probes the process.
 */
export function rewriteLocalPorts(text: string, hostPorts: ReadonlyMap<number, number>): string {
  const explicit = text.replace(
    /\b(localhost|127\.0\.0\.1):(\d+)\b/g,
    (whole, host: string, port: string) => {
      const hostPort = hostPorts.get(Number(port));
      return hostPort === undefined ? whole : `${host}:${hostPort}`;
    },
  );
  return explicit.replace(
    /\b(https?):\/\/(localhost|127\.0\.0\.1)(?![:\w.-])/g,
    (whole, scheme: string, host: string) => {
      const hostPort = hostPorts.get(scheme === 'https' ? 443 : 80);
      return hostPort === undefined ? whole : `${scheme}://${host}:${hostPort}`;
    },
  );
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

  constructor(
    private readonly config: ContainerConfig,
    spec: TaskSpec,
    private readonly events: TaskEvents,
    hostPorts: ReadonlyMap<number, number>,
    options: { cwd: string; clock: Clock; io: IoHost },
  ) {
    const env = processEnvironment(spec, config, hostPorts);
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
    if (pid !== undefined) liveGroups.add(pid);
    this.child.stdout?.on('data', (chunk: Buffer) => this.logs.stdout(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => this.logs.stderr(chunk));
    const outputDone = Promise.all([streamDone(this.child.stdout), streamDone(this.child.stderr)]);
    const check = config.healthCheck;
    if (check && check.command[0] !== 'NONE') {
      const command = check.command.map((part) => rewriteLocalPorts(part, hostPorts));
      this.health = new HealthCheckLoop(
        check,
        (signal) => runProbe(command, env, options.cwd, signal),
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
